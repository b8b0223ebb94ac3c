//! Finnish creditor references (viitenumero, check digit 7-3-1) and RF references
//! (ISO 11649).
//!
//! Every invoice carries a reference so that the bank file can be matched to the invoice
//! without anyone reading the payer's message. A Finnish reference is 4–20 digits: a base
//! of 3–19 digits and a check digit computed with the weights 7, 3, 1 from the right. The
//! RF form wraps any reference in an internationally understood envelope: `RF`, two check
//! digits (ISO 7064 MOD 97-10) and the reference itself.

use crate::iban::mod97;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A Finnish creditor reference whose check digit holds, stored as bare digits without
/// leading zeros (`12345672`). Banks ignore leading zeros, so two references that differ
/// only in them are the same reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference(String);

/// An RF creditor reference (ISO 11649), stored electronically: `RF09868516259619897`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RfReference(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("a reference number is digits only")]
    NotDigits,
    #[error("the base of a reference number is 3 to 19 digits")]
    BaseLength,
    #[error("a reference number is 4 to 20 digits")]
    Length,
    #[error("the check digit of the reference number does not match")]
    CheckDigit,
    #[error("an RF reference is RF, two check digits and 1 to 21 letters or digits, e.g. RF09 8685 1625 9619 897")]
    RfFormat,
    #[error("the check digits of the RF reference do not match")]
    RfCheckDigits,
}

impl ReferenceError {
    /// Stable code for the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotDigits | Self::BaseLength | Self::Length => "invalid_reference_format",
            Self::CheckDigit => "invalid_reference_check_digit",
            Self::RfFormat => "invalid_rf_reference_format",
            Self::RfCheckDigits => "invalid_rf_reference_check_digits",
        }
    }
}

/// Removes every kind of whitespace: references are printed in groups and pasted back
/// with spaces, no-break spaces or line breaks.
fn compact(input: &str) -> String {
    input.chars().filter(|c| !c.is_whitespace()).collect()
}

impl Reference {
    /// Builds a reference from its base digits by appending the 7-3-1 check digit:
    /// `Reference::new("1234567")` is `12345672`.
    pub fn new(base: &str) -> Result<Self, ReferenceError> {
        let base = compact(base);
        if !base.bytes().all(|b| b.is_ascii_digit()) || base.is_empty() {
            return Err(ReferenceError::NotDigits);
        }
        let base = base.trim_start_matches('0');
        if !(3..=19).contains(&base.len()) {
            return Err(ReferenceError::BaseLength);
        }
        Ok(Self(format!("{base}{}", Self::check_digit(base))))
    }

    /// Parses and validates a complete reference, e.g. `86851 62596 19897`.
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let s = compact(input);
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ReferenceError::NotDigits);
        }
        let s = s.trim_start_matches('0');
        if !(4..=20).contains(&s.len()) {
            return Err(ReferenceError::Length);
        }
        let (base, check) = s.split_at(s.len() - 1);
        if check.as_bytes()[0] - b'0' != Self::check_digit(base) {
            return Err(ReferenceError::CheckDigit);
        }
        Ok(Self(s.to_string()))
    }

    /// The 7-3-1 check digit of a string of ASCII digits: weights 7, 3, 1, 7, 3, 1, … from
    /// the rightmost digit, and the distance of the sum to the next multiple of ten.
    pub fn check_digit(base: &str) -> u8 {
        let sum: u32 =
            base.bytes().rev().zip([7u32, 3, 1].into_iter().cycle()).map(|(b, w)| u32::from(b - b'0') * w).sum();
        ((10 - sum % 10) % 10) as u8
    }

    /// The bare digits, `12345672`: for files, barcodes and matching.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// Groups of five from the right, `86851 62596 19897`, as printed on Finnish invoices.
    pub fn grouped(&self) -> String {
        let n = self.0.len();
        let mut out = String::with_capacity(n + n / 5);
        for (i, ch) in self.0.chars().enumerate() {
            if i > 0 && (n - i).is_multiple_of(5) {
                out.push(' ');
            }
            out.push(ch);
        }
        out
    }

    /// The same reference in RF form.
    pub fn to_rf(&self) -> RfReference {
        RfReference::from_finnish(self)
    }
}

impl RfReference {
    /// Wraps a Finnish reference: `86851 62596 19897` → `RF09 8685 1625 9619 897`.
    pub fn from_finnish(reference: &Reference) -> Self {
        Self::wrap(reference.digits())
    }

    /// RF check digits of `body` (already validated: 1–21 alphanumerics, upper case).
    fn wrap(body: &str) -> Self {
        let check = 98 - mod97(body.bytes().chain("RF00".bytes()));
        Self(format!("RF{check:02}{body}"))
    }

    /// Parses and validates `RF09 8685 1625 9619 897` (spaces and case do not matter).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let s = compact(input).to_ascii_uppercase();
        let b = s.as_bytes();
        if !(5..=25).contains(&b.len())
            || &b[..2] != b"RF"
            || !b[2..4].iter().all(u8::is_ascii_digit)
            || !b[4..].iter().all(u8::is_ascii_alphanumeric)
        {
            return Err(ReferenceError::RfFormat);
        }
        if mod97(s[4..].bytes().chain(s[..4].bytes())) != 1 {
            return Err(ReferenceError::RfCheckDigits);
        }
        Ok(Self(s))
    }

    /// `RF09868516259619897`.
    pub fn electronic(&self) -> &str {
        &self.0
    }

    /// Groups of four from the left, `RF09 8685 1625 9619 897`, as ISO 11649 prints it.
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

    /// The two check digits after `RF`.
    pub fn check_digits(&self) -> &str {
        &self.0[2..4]
    }

    /// The reference inside the envelope, e.g. `868516259619897`.
    pub fn body(&self) -> &str {
        &self.0[4..]
    }

    /// The Finnish reference inside, when the body is one (payers may pay with either form
    /// of the same reference, so matching normalises to the Finnish one).
    pub fn to_finnish(&self) -> Option<Reference> {
        Reference::parse(self.body()).ok()
    }
}

macro_rules! string_serde {
    ($ty:ty, $example:expr, $desc:expr) => {
        impl fmt::Display for $ty {
            /// The grouped, printed form.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.grouped())
            }
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$ty>::parse(&s).map_err(serde::de::Error::custom)
            }
        }
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .examples([serde_json::json!($example)])
                    .description(Some($desc))
                    .into()
            }
        }
        impl utoipa::ToSchema for $ty {}
    };
}

string_serde!(Reference, "868516259619897", "Finnish creditor reference (digits, 7-3-1 check digit)");
string_serde!(RfReference, "RF09868516259619897", "RF creditor reference (ISO 11649), electronic form");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finnish_test_vectors() {
        assert_eq!(Reference::new("1234567").unwrap().digits(), "12345672");
        assert_eq!(Reference::new("86851625961989").unwrap().digits(), "868516259619897");
        let r = Reference::parse("86851 62596 19897").unwrap();
        assert_eq!(r.digits(), "868516259619897");
        assert_eq!(r.grouped(), "86851 62596 19897");
        assert_eq!(Reference::parse("12345672").unwrap().grouped(), "123 45672");
        assert_eq!(Reference::parse("0001234 5672").unwrap().digits(), "12345672");
        assert_eq!(Reference::new("100").unwrap().digits(), "1009");
    }

    #[test]
    fn finnish_rejects_bad_input() {
        assert_eq!(Reference::parse("12345673"), Err(ReferenceError::CheckDigit));
        assert_eq!(Reference::parse("123"), Err(ReferenceError::Length));
        assert_eq!(Reference::parse("123456789012345678901"), Err(ReferenceError::Length));
        assert_eq!(Reference::parse("1234-5672"), Err(ReferenceError::NotDigits));
        assert_eq!(Reference::parse(""), Err(ReferenceError::NotDigits));
        assert_eq!(Reference::new("12"), Err(ReferenceError::BaseLength));
        assert_eq!(Reference::new("12345678901234567890"), Err(ReferenceError::BaseLength));
        assert_eq!(Reference::new("12a"), Err(ReferenceError::NotDigits));
    }

    #[test]
    fn rf_test_vectors() {
        let fi = Reference::parse("868516259619897").unwrap();
        let rf = RfReference::from_finnish(&fi);
        assert_eq!(rf.electronic(), "RF09868516259619897");
        assert_eq!(rf.grouped(), "RF09 8685 1625 9619 897");
        assert_eq!(rf.to_string(), "RF09 8685 1625 9619 897");
        assert_eq!(rf.check_digits(), "09");
        assert_eq!(RfReference::parse("rf09 8685 1625 9619 897").unwrap(), rf);
        assert_eq!(rf.to_finnish(), Some(fi));
        // ISO 11649's own example.
        assert!(RfReference::parse("RF18 5390 0754 7034").is_ok());
        assert!(RfReference::parse("RF18 5390 0754 7034").unwrap().to_finnish().is_none());
        assert!(RfReference::parse("RF47 ABC123").is_ok());
    }

    #[test]
    fn rf_rejects_bad_input() {
        assert_eq!(RfReference::parse("RF10 8685 1625 9619 897"), Err(ReferenceError::RfCheckDigits));
        assert_eq!(RfReference::parse("RX09 8685"), Err(ReferenceError::RfFormat));
        assert_eq!(RfReference::parse("RF0"), Err(ReferenceError::RfFormat));
        assert_eq!(RfReference::parse("RF09 1234 5678 9012 3456 7890 12"), Err(ReferenceError::RfFormat));
        assert_eq!(RfReference::parse("RF09-8685"), Err(ReferenceError::RfFormat));
    }

    #[test]
    fn serde_round_trips() {
        let r = Reference::parse("12345672").unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"12345672\"");
        assert_eq!(serde_json::from_str::<Reference>("\"123 45672\"").unwrap(), r);
        assert!(serde_json::from_str::<Reference>("\"12345673\"").is_err());
        let rf = r.to_rf();
        assert_eq!(serde_json::from_str::<RfReference>(&serde_json::to_string(&rf).unwrap()).unwrap(), rf);
    }

    proptest! {
        #[test]
        fn generated_references_validate_and_one_digit_changes_do_not(
            base in "[1-9][0-9]{2,18}", pos in 0usize..20, delta in 1u8..10,
        ) {
            let r = Reference::new(&base).unwrap();
            prop_assert_eq!(Reference::parse(r.digits()), Ok(r.clone()));
            prop_assert_eq!(Reference::parse(&r.grouped()), Ok(r.clone()));
            let rf = r.to_rf();
            prop_assert_eq!(RfReference::parse(&rf.grouped()), Ok(rf.clone()));
            prop_assert_eq!(rf.to_finnish(), Some(r.clone()));

            let pos = pos % r.digits().len();
            let mut bytes = r.digits().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            // Changing the leading digit to 0 shortens the number; it must still not pass
            // as the same reference, and the 7-3-1 sum catches every single-digit change.
            prop_assert!(Reference::parse(&changed).is_err(), "{} should be invalid", changed);

            let mut rf_bytes = rf.electronic().as_bytes().to_vec();
            let rf_pos = 2 + pos % (rf_bytes.len() - 2);
            rf_bytes[rf_pos] = b'0' + (rf_bytes[rf_pos] - b'0' + delta) % 10;
            let rf_changed = String::from_utf8(rf_bytes).unwrap();
            prop_assert!(RfReference::parse(&rf_changed).is_err(), "{} should be invalid", rf_changed);
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = Reference::parse(&s);
            let _ = Reference::new(&s);
            let _ = RfReference::parse(&s);
        }
    }
}
