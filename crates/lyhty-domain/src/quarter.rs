//! Calendar quarters, the unit of the spend reports and the renewal calendar.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar quarter, written `2026-Q3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Quarter {
    pub year: i32,
    /// 1–4.
    pub quarter: u8,
}

impl Quarter {
    pub fn new(year: i32, quarter: u8) -> Option<Self> {
        (1..=4).contains(&quarter).then_some(Self { year, quarter })
    }

    pub fn of(date: NaiveDate) -> Self {
        Self { year: date.year(), quarter: ((date.month() - 1) / 3 + 1) as u8 }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.quarter) * 3 - 2, 1).expect("valid quarter")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("not the first day of time")
    }

    pub fn next(self) -> Self {
        if self.quarter == 4 {
            Self { year: self.year + 1, quarter: 1 }
        } else {
            Self { year: self.year, quarter: self.quarter + 1 }
        }
    }

    /// Parses `2026-Q3` (also `2026Q3`, `Q3/2026`).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_uppercase();
        let (y, q) = if let Some((a, b)) = s.split_once("-Q") {
            (a.to_string(), b.to_string())
        } else if let Some((a, b)) = s.split_once('Q') {
            if a.is_empty() {
                let (q, y) = b.split_once('/')?;
                (y.to_string(), q.to_string())
            } else {
                (a.to_string(), b.to_string())
            }
        } else {
            return None;
        };
        Self::new(y.parse().ok()?, q.parse().ok()?)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.quarter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_bounds() {
        let q = Quarter::of(NaiveDate::from_ymd_opt(2026, 8, 15).unwrap());
        assert_eq!(q.to_string(), "2026-Q3");
        assert_eq!(q.first_day(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(q.last_day(), NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        assert_eq!(Quarter::new(2025, 4).unwrap().next(), Quarter::new(2026, 1).unwrap());
        assert_eq!(Quarter::parse("Q1/2026"), Quarter::new(2026, 1));
        assert_eq!(Quarter::parse("2026-Q4"), Quarter::new(2026, 4));
        assert_eq!(Quarter::parse("2026-Q5"), None);
    }
}
