//! IBAN (ISO 13616) parsing with the mod-97 check.
//!
//! The coordinator's own account appears on every invoice and in the virtual bank barcode,
//! so a typo there would send every party's money nowhere: [`Iban::parse`] checks the
//! country's length and the two check digits before an IBAN enters the system. Only SEPA
//! countries are known, because the network's invoices are paid by SEPA credit transfer.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An IBAN whose length and check digits hold, kept in its electronic form
/// (`FI2112345600000785`: upper case, no spaces).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iban(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    #[error("an IBAN is a country code, two check digits and up to 30 letters or digits, e.g. FI21 1234 5600 0007 85")]
    Format,
    #[error("IBANs of country {0} are not accepted (only SEPA countries are)")]
    UnknownCountry(String),
    #[error("an IBAN of country {country} has {expected} characters, this one has {found}")]
    Length { country: String, expected: usize, found: usize },
    #[error("the check digits of the IBAN do not match")]
    CheckDigits,
}

impl IbanError {
    /// Stable code for the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Format => "invalid_iban_format",
            Self::UnknownCountry(_) => "unsupported_iban_country",
            Self::Length { .. } => "invalid_iban_length",
            Self::CheckDigits => "invalid_iban_check_digits",
        }
    }
}

/// IBAN lengths of the SEPA countries (EPC's IBAN registry). Åland (AX) uses Finland's
/// format; the French overseas departments use France's.
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AL", 28),
    ("AT", 20),
    ("AX", 18),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GF", 27),
    ("GI", 23),
    ("GP", 27),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MQ", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RE", 27),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
    ("YT", 27),
];

impl Iban {
    /// Parses an IBAN in its printed (`FI21 1234 5600 0007 85`) or electronic form.
    /// Whitespace anywhere is ignored and letters may be in either case.
    pub fn parse(input: &str) -> Result<Self, IbanError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() < 5
            || b.len() > 34
            || !b[..2].iter().all(u8::is_ascii_uppercase)
            || !b[2..4].iter().all(u8::is_ascii_digit)
            || !b[4..].iter().all(u8::is_ascii_alphanumeric)
        {
            return Err(IbanError::Format);
        }
        let country = &s[..2];
        let expected = LENGTHS
            .iter()
            .find(|(c, _)| *c == country)
            .map(|(_, n)| *n)
            .ok_or_else(|| IbanError::UnknownCountry(country.to_string()))?;
        if s.len() != expected {
            return Err(IbanError::Length { country: country.to_string(), expected, found: s.len() });
        }
        // ISO 13616: move the first four characters to the end, read letters as 10..35,
        // and the whole number must leave remainder 1 modulo 97.
        if mod97(s[4..].bytes().chain(s[..4].bytes())) != 1 {
            return Err(IbanError::CheckDigits);
        }
        Ok(Self(s))
    }

    /// `FI2112345600000785`: for files, barcodes and UBL.
    pub fn electronic(&self) -> &str {
        &self.0
    }

    /// `FI21 1234 5600 0007 85`: groups of four for people to read and type.
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(self.0.len() + self.0.len() / 4);
        for (i, ch) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(ch);
        }
        out
    }

    /// The ISO 3166 country code, e.g. `FI`.
    pub fn country(&self) -> &str {
        &self.0[..2]
    }

    /// Finnish (and Åland) accounts are the only ones the virtual bank barcode can carry.
    pub fn is_finnish(&self) -> bool {
        matches!(self.country(), "FI" | "AX")
    }
}

/// Remainder modulo 97 of an alphanumeric string read as digits with letters as 10..35
/// (ISO 7064 MOD 97-10, shared with RF creditor references). Computed piecewise so the
/// number never overflows.
pub(crate) fn mod97(chars: impl Iterator<Item = u8>) -> u32 {
    let mut rem: u32 = 0;
    for c in chars {
        if c.is_ascii_digit() {
            rem = (rem * 10 + u32::from(c - b'0')) % 97;
        } else if c.is_ascii_alphabetic() {
            let v = u32::from(c.to_ascii_uppercase() - b'A') + 10;
            rem = (rem * 100 + v) % 97;
        }
        // Callers validate the alphabet first; anything else is skipped rather than panic.
    }
    rem
}

impl fmt::Display for Iban {
    /// The grouped, printed form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl Serialize for Iban {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Iban {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Iban::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Iban {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .examples([serde_json::json!("FI2112345600000785")])
            .description(Some("IBAN in electronic form, check digits validated"))
            .into()
    }
}
impl utoipa::ToSchema for Iban {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn test_vectors() {
        let iban = Iban::parse("FI21 1234 5600 0007 85").unwrap();
        assert_eq!(iban.electronic(), "FI2112345600000785");
        assert_eq!(iban.grouped(), "FI21 1234 5600 0007 85");
        assert!(iban.is_finnish());
        assert_eq!(Iban::parse("fi79 4405 2020 0360 82").unwrap().electronic(), "FI7944052020036082");
        assert_eq!(Iban::parse("DE89 3704 0044 0532 0130 00").unwrap().country(), "DE");
        assert_eq!(Iban::parse("GB29 NWBK 6016 1331 9268 19").unwrap().electronic(), "GB29NWBK60161331926819");
        assert!(!Iban::parse("SE45 5000 0000 0583 9825 7466").unwrap().is_finnish());
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(Iban::parse("FI21 1234 5600 0007 86"), Err(IbanError::CheckDigits));
        assert_eq!(
            Iban::parse("FI21 1234 5600 0007 8"),
            Err(IbanError::Length { country: "FI".into(), expected: 18, found: 17 })
        );
        assert_eq!(Iban::parse("US12 3456 7890"), Err(IbanError::UnknownCountry("US".into())));
        assert_eq!(Iban::parse(""), Err(IbanError::Format));
        assert_eq!(Iban::parse("FIXX 1234"), Err(IbanError::Format));
        assert_eq!(Iban::parse("FI21-1234-5600-0007-85"), Err(IbanError::Format));
        assert_eq!(Iban::parse("FI21 1234 5600 0007 8€"), Err(IbanError::Format));
    }

    #[test]
    fn serde_uses_the_electronic_form() {
        let iban = Iban::parse("FI21 1234 5600 0007 85").unwrap();
        assert_eq!(serde_json::to_string(&iban).unwrap(), "\"FI2112345600000785\"");
        let back: Iban = serde_json::from_str("\"FI21 1234 5600 0007 85\"").unwrap();
        assert_eq!(back, iban);
        assert!(serde_json::from_str::<Iban>("\"FI21 1234 5600 0007 86\"").is_err());
    }

    proptest! {
        #[test]
        fn generated_finnish_ibans_validate_and_one_digit_changes_do_not(bban in 0u64..100_000_000_000_000, pos in 2usize..18, delta in 1u8..10) {
            let bban = format!("{bban:014}");
            let check = 98 - mod97(bban.bytes().chain("FI00".bytes()));
            let iban = format!("FI{check:02}{bban}");
            prop_assert!(Iban::parse(&iban).is_ok());
            let mut bytes = iban.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(Iban::parse(&changed), Err(IbanError::CheckDigits));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = Iban::parse(&s);
        }
    }
}
