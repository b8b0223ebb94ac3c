//! Money as integer euro cents, end to end.
//!
//! Floating point never touches an amount: shares, instalments, refunds and totals are all
//! `i64` cents, and every split of an amount adds back up to the cent.
//!
//! Two rules keep the arithmetic honest. Every amount that comes in from outside is at most
//! [`Cents::MAX_INPUT`] in absolute value (the API refuses larger ones with 422
//! `amount_out_of_range`), so hundreds of thousands of maximal amounts add up inside `i64`. And the
//! operators never wrap or panic: they saturate at the ends of `i64`, and sums are taken in
//! `i128` first. A saturated figure is visibly absurd; a wrapped one (a negative invoice
//! total) looks like data.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// An amount of money in euro cents (may be negative: credit notes, reversing entries).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct Cents(pub i64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// The largest amount any single money input may hold, in absolute value:
    /// 100 000 000 000,00 € (10¹³ cents). The one domain limit for cost shares, annual
    /// budgets, payments, expenses, rates and plan lines. It has to admit the largest annual
    /// budget a party reports (the biggest wellbeing counties and cities run budgets of
    /// several thousand M€, the state's is under 100 000 M€), and it leaves room for close to
    /// a million maximal amounts in one `i64` sum.
    pub const MAX_INPUT: Cents = Cents(10_000_000_000_000);

    /// Whether an incoming amount is within [`Cents::MAX_INPUT`] either way.
    pub const fn is_within_input_bound(self) -> bool {
        self.0 >= -Self::MAX_INPUT.0 && self.0 <= Self::MAX_INPUT.0
    }

    /// Whole euros, e.g. `Cents::euros(10_000)` for a 10 000 € share.
    pub const fn euros(e: i64) -> Self {
        Cents(e * 100)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, o: Cents) -> Option<Cents> {
        self.0.checked_add(o.0).map(Cents)
    }

    /// The exact sum, or `None` if it does not fit in `i64`.
    pub fn checked_sum<I: IntoIterator<Item = Cents>>(amounts: I) -> Option<Cents> {
        let total: i128 = amounts.into_iter().map(|c| i128::from(c.0)).sum();
        i64::try_from(total).ok().map(Cents)
    }

    /// An `i128` intermediate result brought back into `i64`, saturating at the ends.
    pub fn saturating_from_i128(v: i128) -> Cents {
        Cents(i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX }))
    }

    /// Splits the amount into `parts` amounts that differ by at most one cent and add up to
    /// `self` exactly; the earlier parts get the odd cents (§9.4: an odd cent goes to the
    /// first instalment). Negative amounts split symmetrically.
    pub fn split_even(self, parts: u32) -> Vec<Cents> {
        assert!(parts > 0, "cannot split into zero parts");
        let n = i64::from(parts);
        let base = self.0 / n;
        let rem = self.0 % n; // same sign as self.0
        (0..n).map(|i| if i < rem.abs() { Cents(base + rem.signum()) } else { Cents(base) }).collect()
    }

    /// Finnish presentation: `1 234,56 €` with a no-break space as the thousands separator.
    pub fn to_finnish(self) -> String {
        format!("{} €", self.to_finnish_number())
    }

    /// Finnish number without the currency sign: `-1 234,56`.
    pub fn to_finnish_number(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let euros = abs / 100;
        let cents = abs % 100;
        let digits = euros.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 2);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('\u{a0}');
            }
            grouped.push(ch);
        }
        format!("{sign}{grouped},{cents:02}")
    }
}

impl fmt::Display for Cents {
    /// Plain machine form, `1234.56`, for logs and files that other programs read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

// The operators saturate instead of wrapping (release builds) or panicking (debug builds);
// see the module's overview for why that is enough once inputs are bounded.
impl Add for Cents {
    type Output = Cents;
    fn add(self, o: Cents) -> Cents {
        Cents(self.0.saturating_add(o.0))
    }
}
impl AddAssign for Cents {
    fn add_assign(&mut self, o: Cents) {
        *self = *self + o;
    }
}
impl Sub for Cents {
    type Output = Cents;
    fn sub(self, o: Cents) -> Cents {
        Cents(self.0.saturating_sub(o.0))
    }
}
impl SubAssign for Cents {
    fn sub_assign(&mut self, o: Cents) {
        *self = *self - o;
    }
}
impl Neg for Cents {
    type Output = Cents;
    fn neg(self) -> Cents {
        Cents(self.0.saturating_neg())
    }
}
impl Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        Cents::saturating_from_i128(iter.map(|c| i128::from(c.0)).sum())
    }
}
impl<'a> Sum<&'a Cents> for Cents {
    fn sum<I: Iterator<Item = &'a Cents>>(iter: I) -> Cents {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn odd_cent_goes_to_the_first_instalment() {
        assert_eq!(Cents(1_000_001).split_even(2), vec![Cents(500_001), Cents(500_000)]);
        assert_eq!(Cents(-3).split_even(2), vec![Cents(-2), Cents(-1)]);
    }

    #[test]
    fn finnish_format() {
        assert_eq!(Cents(123_456).to_finnish(), "1\u{a0}234,56 €");
        assert_eq!(Cents(-5).to_finnish_number(), "-0,05");
        assert_eq!(Cents(10_000_000_000).to_finnish_number(), "100\u{a0}000\u{a0}000,00");
        assert_eq!(Cents(123_456).to_string(), "1234.56");
    }

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        let max = Cents(i64::MAX);
        assert_eq!(max + Cents(1), max);
        assert_eq!(Cents(i64::MIN) - Cents(1), Cents(i64::MIN));
        assert_eq!(-Cents(i64::MIN), max);
        assert_eq!([max, max, Cents(-5)].into_iter().sum::<Cents>(), max);
        assert_eq!(Cents::checked_sum([max, Cents(1)]), None);
        assert_eq!(Cents::checked_sum([max, Cents(-1)]), Some(Cents(i64::MAX - 1)));
    }

    #[test]
    fn the_input_bound_is_symmetric() {
        assert!(Cents::MAX_INPUT.is_within_input_bound());
        assert!((-Cents::MAX_INPUT).is_within_input_bound());
        assert!(!Cents(Cents::MAX_INPUT.0 + 1).is_within_input_bound());
        assert!(!Cents(-Cents::MAX_INPUT.0 - 1).is_within_input_bound());
    }

    proptest! {
        #[test]
        fn split_adds_up_to_the_cent(amount in -1_000_000_000_000i64..1_000_000_000_000, parts in 1u32..20) {
            let split = Cents(amount).split_even(parts);
            prop_assert_eq!(split.len(), parts as usize);
            prop_assert_eq!(split.iter().sum::<Cents>(), Cents(amount));
            let max = split.iter().map(|c| c.0).max().unwrap();
            let min = split.iter().map(|c| c.0).min().unwrap();
            prop_assert!(max - min <= 1);
            // The earlier parts are never smaller in absolute value.
            for w in split.windows(2) {
                prop_assert!(w[0].0.abs() >= w[1].0.abs());
            }
        }
    }
}
