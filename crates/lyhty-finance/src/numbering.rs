//! Invoice numbers (`2025-0001`) and the creditor references derived from them.
//!
//! The store hands out the sequence numbers (gapless and unique per year, even when two
//! runs race); this module only formats them. The reference is built from the same two
//! numbers, so an invoice's reference can always be recomputed from its number and a
//! payment matched by reference lands on exactly one invoice.

use lyhty_domain::reference::{Reference, RfReference};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberingError {
    #[error("an invoice year has four digits")]
    Year,
    #[error("invoice sequence numbers start at 1")]
    Sequence,
    #[error("an invoice number looks like 2025-0001")]
    Format,
}

impl NumberingError {
    pub fn code(&self) -> &'static str {
        "invalid_invoice_number"
    }
}

/// `format_invoice_number(2025, 1)` is `2025-0001`; past 9999 the number simply grows
/// (`2025-10000`), which still sorts correctly within a year by length, then text.
pub fn format_invoice_number(year: i32, seq: u32) -> Result<String, NumberingError> {
    check(year, seq)?;
    Ok(format!("{year}-{seq:04}"))
}

/// Reads `2025-0001` back into (year, sequence).
pub fn parse_invoice_number(number: &str) -> Result<(i32, u32), NumberingError> {
    let (y, n) = number.trim().split_once('-').ok_or(NumberingError::Format)?;
    if y.len() != 4 || n.len() < 4 || !y.bytes().chain(n.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(NumberingError::Format);
    }
    let year: i32 = y.parse().map_err(|_| NumberingError::Format)?;
    let seq: u32 = n.parse().map_err(|_| NumberingError::Format)?;
    check(year, seq)?;
    Ok((year, seq))
}

fn check(year: i32, seq: u32) -> Result<(), NumberingError> {
    if !(1000..=9999).contains(&year) {
        return Err(NumberingError::Year);
    }
    if seq == 0 {
        return Err(NumberingError::Sequence);
    }
    Ok(())
}

/// The creditor reference of invoice `year`-`seq`: the base is the year followed by the
/// sequence number padded to six digits (`2025000001`), then the 7-3-1 check digit
/// (`20250000018`). Year and padding make the mapping one-to-one.
pub fn reference_for(year: i32, seq: u32) -> Result<Reference, NumberingError> {
    check(year, seq)?;
    Reference::new(&format!("{year}{seq:06}")).map_err(|_| NumberingError::Format)
}

/// The same reference in RF form (ISO 11649).
pub fn rf_reference_for(year: i32, seq: u32) -> Result<RfReference, NumberingError> {
    Ok(reference_for(year, seq)?.to_rf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(format_invoice_number(2025, 1).unwrap(), "2025-0001");
        assert_eq!(format_invoice_number(2026, 12345).unwrap(), "2026-12345");
        assert_eq!(parse_invoice_number("2025-0001"), Ok((2025, 1)));
        assert_eq!(format_invoice_number(2025, 0), Err(NumberingError::Sequence));
        assert_eq!(format_invoice_number(25, 1), Err(NumberingError::Year));
        assert_eq!(parse_invoice_number("2025-01"), Err(NumberingError::Format));
        assert_eq!(parse_invoice_number("2025/0001"), Err(NumberingError::Format));
        assert_eq!(parse_invoice_number("2025-+001"), Err(NumberingError::Format));
        for e in [NumberingError::Year, NumberingError::Sequence, NumberingError::Format] {
            assert_eq!(e.code(), "invalid_invoice_number");
        }
    }

    #[test]
    fn reference_of_an_invoice() {
        let r = reference_for(2025, 1).unwrap();
        assert_eq!(r.digits(), "20250000018");
        assert_eq!(Reference::parse(r.digits()), Ok(r.clone()));
        assert!(rf_reference_for(2025, 1).unwrap().electronic().starts_with("RF"));
    }

    proptest! {
        #[test]
        fn references_are_unique_and_valid(y1 in 2020i32..2040, s1 in 1u32..2_000_000, y2 in 2020i32..2040, s2 in 1u32..2_000_000) {
            let a = reference_for(y1, s1).unwrap();
            prop_assert!(Reference::parse(a.digits()).is_ok());
            let b = reference_for(y2, s2).unwrap();
            prop_assert_eq!(a == b, (y1, s1) == (y2, s2));
            let n = format_invoice_number(y1, s1).unwrap();
            prop_assert_eq!(parse_invoice_number(&n), Ok((y1, s1)));
        }
    }
}
