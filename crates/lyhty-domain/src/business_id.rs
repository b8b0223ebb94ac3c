//! The Finnish business ID (Y-tunnus): seven digits, a hyphen and a check digit.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A business ID whose check digit holds, always stored as `NNNNNNN-C`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BusinessId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BusinessIdError {
    #[error("a business ID is seven digits, a hyphen and a check digit, e.g. 2574261-7")]
    Format,
    #[error("the check digit of the business ID does not match")]
    CheckDigit,
}

const WEIGHTS: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];

impl BusinessId {
    /// Parses and validates `2574261-7`. Surrounding whitespace is ignored, and the old
    /// six-digit form (`123456-7`) is read with a leading zero, as the registry does.
    pub fn parse(input: &str) -> Result<Self, BusinessIdError> {
        let s = input.trim();
        let (body, check) = s.split_once('-').ok_or(BusinessIdError::Format)?;
        if !(6..=7).contains(&body.len())
            || !body.bytes().all(|b| b.is_ascii_digit())
            || check.len() != 1
            || !check.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(BusinessIdError::Format);
        }
        let body = format!("{body:0>7}");
        let expected = Self::check_digit(&body).ok_or(BusinessIdError::CheckDigit)?;
        if check.as_bytes()[0] - b'0' != expected {
            return Err(BusinessIdError::CheckDigit);
        }
        Ok(Self(format!("{body}-{check}")))
    }

    /// The check digit of seven digits, or `None` when the remainder is 1 (no valid ID).
    pub fn check_digit(body: &str) -> Option<u8> {
        let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        match sum % 11 {
            0 => Some(0),
            1 => None,
            r => Some((11 - r) as u8),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits without the hyphen (`25742617`), as used in Peppol `0216:0037…` addresses.
    pub fn digits(&self) -> String {
        self.0.replace('-', "")
    }
}

impl fmt::Display for BusinessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for BusinessId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for BusinessId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        BusinessId::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for BusinessId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{7}-\d$"))
            .examples([serde_json::json!("2574261-7")])
            .description(Some("Finnish business ID (Y-tunnus) with a valid check digit"))
            .into()
    }
}
impl utoipa::ToSchema for BusinessId {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn test_vectors() {
        assert_eq!(BusinessId::parse("2574261-7").unwrap().as_str(), "2574261-7");
        assert_eq!(BusinessId::parse("2077474-1"), Err(BusinessIdError::CheckDigit));
        assert_eq!(BusinessId::parse(" 0737546-2 ").unwrap().as_str(), "0737546-2");
        assert_eq!(BusinessId::parse("737546-2").unwrap().as_str(), "0737546-2");
        assert_eq!(BusinessId::parse("2574261"), Err(BusinessIdError::Format));
        assert_eq!(BusinessId::parse("25742a1-7"), Err(BusinessIdError::Format));
        assert_eq!(BusinessId::parse("2574261-77"), Err(BusinessIdError::Format));
        assert_eq!(BusinessId::parse(""), Err(BusinessIdError::Format));
    }

    proptest! {
        #[test]
        fn generated_ids_validate_and_one_digit_changes_do_not(n in 0u32..10_000_000, pos in 0usize..8, delta in 1u8..10) {
            let body = format!("{n:07}");
            let Some(c) = BusinessId::check_digit(&body) else {
                // Remainder 1: the body is never issued, so no check digit makes it valid.
                for c in 0..=9 {
                    prop_assert_eq!(BusinessId::parse(&format!("{body}-{c}")), Err(BusinessIdError::CheckDigit));
                }
                return Ok(());
            };
            let id = format!("{body}-{c}");
            prop_assert_eq!(BusinessId::parse(&id).map(|b| b.as_str().to_string()), Ok(id.clone()));
            let mut bytes = id.into_bytes();
            let i = if pos >= 7 { 8 } else { pos };
            bytes[i] = b'0' + (bytes[i] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(BusinessId::parse(&changed), Err(BusinessIdError::CheckDigit), "{} should be invalid", changed);
        }
    }
}
