//! What time it is, and which Finnish calendar day.
//!
//! Due dates are Finnish calendar days (Europe/Helsinki): a request due on the 31st is on
//! time until midnight in Helsinki, not in UTC. The [`Clock`] lives in the state so that
//! the tracker and the reminder job can be driven to any day in tests (and by
//! `lyhty remind --today`) without a query parameter on a production route.
//! The calendar itself is `lyhty_domain::calendar`'s; this module only keeps the clock.

use chrono::{DateTime, NaiveDate, Utc};
pub use lyhty_domain::calendar::{finnish_date as helsinki_date, start_of_finnish_day as helsinki_start};
use std::sync::{Arc, RwLock};

/// The system clock, or a fixed instant set by a test or `lyhty remind --today`.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Arc<RwLock<Option<DateTime<Utc>>>>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.read().ok().and_then(|f| *f).unwrap_or_else(Utc::now)
    }

    /// Today in Helsinki.
    pub fn today(&self) -> NaiveDate {
        helsinki_date(self.now())
    }

    /// Fixes the clock at `at` (for every clone of this clock).
    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut f) = self.fixed.write() {
            *f = Some(at);
        }
    }

    /// Fixes the clock at noon of a Helsinki day.
    pub fn set_today(&self, day: NaiveDate) {
        self.set(helsinki_start(day) + chrono::Duration::hours(12));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helsinki_days_begin_before_utc_ones() {
        let day: NaiveDate = "2026-03-31".parse().unwrap();
        // Summer time (UTC+3) has begun by the end of March.
        assert_eq!(helsinki_start(day).to_rfc3339(), "2026-03-30T21:00:00+00:00");
        let late_evening_utc: DateTime<Utc> = "2026-03-31T22:30:00Z".parse().unwrap();
        assert_eq!(helsinki_date(late_evening_utc), "2026-04-01".parse::<NaiveDate>().unwrap());
        let winter: NaiveDate = "2026-12-07".parse().unwrap();
        assert_eq!(helsinki_start(winter).to_rfc3339(), "2026-12-06T22:00:00+00:00");
    }

    #[test]
    fn a_fixed_clock_is_shared_by_its_clones() {
        let clock = Clock::default();
        let copy = clock.clone();
        let day: NaiveDate = "2027-01-15".parse().unwrap();
        clock.set_today(day);
        assert_eq!(copy.today(), day);
    }
}
