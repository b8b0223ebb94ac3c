//! Calendar days in Finland.
//!
//! The parties live in Europe/Helsinki (EET, UTC+2; EEST, UTC+3 from the last Sunday of
//! March to the last Sunday of October), so every date the platform decides — the day a
//! party's access ends, a release's cut-off, whether an invoice is overdue, the default date
//! of an entry — is a Finnish calendar day (NETWORK.md, "Personal data and retention"):
//! it changes at Finnish midnight, not at UTC's (02:00 or 03:00 Finnish time).
//!
//! The offsets come from the IANA time-zone database (`chrono-tz`), never from a
//! hand-written rule.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Helsinki;

/// The Finnish calendar day of an instant.
pub fn finnish_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Helsinki).date_naive()
}

/// Today in Finland: the day every "today" of the platform is judged on.
pub fn today_in_finland() -> NaiveDate {
    finnish_date(Utc::now())
}

/// The instant the Finnish day `day` begins (00:00 Helsinki time), in UTC: 22:00 UTC the
/// evening before in winter, 21:00 UTC in summer.
pub fn start_of_finnish_day(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_time(NaiveTime::MIN);
    // Finland changes its clocks at 03:00/04:00, so midnight always exists exactly once;
    // `earliest` only keeps this total should the rules ever change.
    match Helsinki.from_local_datetime(&midnight).earliest() {
        Some(local) => local.with_timezone(&Utc),
        None => midnight.and_utc() - Duration::hours(2),
    }
}

/// The last instant (to the microsecond, the databases' precision) of the Finnish day
/// `day`, in UTC: what was accepted until 23:59:59.999999 Helsinki time is "on or before
/// `day`".
pub fn end_of_finnish_day(day: NaiveDate) -> DateTime<Utc> {
    match day.succ_opt() {
        Some(next) => start_of_finnish_day(next) - Duration::microseconds(1),
        None => DateTime::<Utc>::MAX_UTC,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn winter_days_change_at_22_utc() {
        // 15.1.2026, EET (UTC+2).
        assert_eq!(finnish_date(utc("2026-01-15T21:59:59Z")), day(2026, 1, 15));
        assert_eq!(finnish_date(utc("2026-01-15T22:00:00Z")), day(2026, 1, 16));
        // 00:30 Finnish time on the 16th is still the 15th in UTC.
        assert_eq!(finnish_date(utc("2026-01-15T22:30:00Z")), day(2026, 1, 16));
        assert_eq!(start_of_finnish_day(day(2026, 1, 16)), utc("2026-01-15T22:00:00Z"));
        assert_eq!(end_of_finnish_day(day(2026, 1, 15)), utc("2026-01-15T21:59:59.999999Z"));
    }

    #[test]
    fn summer_days_change_at_21_utc() {
        // 15.6.2026, EEST (UTC+3).
        assert_eq!(finnish_date(utc("2026-06-15T20:59:59Z")), day(2026, 6, 15));
        assert_eq!(finnish_date(utc("2026-06-15T21:00:00Z")), day(2026, 6, 16));
        assert_eq!(start_of_finnish_day(day(2026, 6, 16)), utc("2026-06-15T21:00:00Z"));
        assert_eq!(end_of_finnish_day(day(2026, 6, 15)), utc("2026-06-15T20:59:59.999999Z"));
    }

    #[test]
    fn the_days_of_the_clock_changes_are_23_and_25_hours_long() {
        // Summer time begins on Sunday 29.3.2026 at 03:00 EET (01:00 UTC) and ends on
        // Sunday 25.10.2026 at 04:00 EEST (01:00 UTC).
        assert_eq!(start_of_finnish_day(day(2026, 3, 29)), utc("2026-03-28T22:00:00Z"));
        assert_eq!(start_of_finnish_day(day(2026, 3, 30)), utc("2026-03-29T21:00:00Z"));
        let spring = start_of_finnish_day(day(2026, 3, 30)) - start_of_finnish_day(day(2026, 3, 29));
        assert_eq!(spring, Duration::hours(23));
        assert_eq!(finnish_date(utc("2026-03-29T20:59:59Z")), day(2026, 3, 29));
        assert_eq!(finnish_date(utc("2026-03-29T21:00:00Z")), day(2026, 3, 30));

        assert_eq!(start_of_finnish_day(day(2026, 10, 25)), utc("2026-10-24T21:00:00Z"));
        assert_eq!(start_of_finnish_day(day(2026, 10, 26)), utc("2026-10-25T22:00:00Z"));
        let autumn = start_of_finnish_day(day(2026, 10, 26)) - start_of_finnish_day(day(2026, 10, 25));
        assert_eq!(autumn, Duration::hours(25));
        // 23:30 on the 25th is 21:30 UTC: still the 25th in Finland.
        assert_eq!(finnish_date(utc("2026-10-25T21:30:00Z")), day(2026, 10, 25));
        assert_eq!(finnish_date(utc("2026-10-25T22:00:00Z")), day(2026, 10, 26));
    }

    #[test]
    fn a_partys_access_ends_at_finnish_midnight_of_the_effective_date() {
        let org: crate::Org = serde_json::from_value(serde_json::json!({
            "id": "0190a0a0-0000-7000-8000-000000000001", "name": "Kela", "business_id": "0246246-0",
            "category": "kela", "joined_on": "2025-09-01", "status": "expelled", "status_effective_on": "2026-06-16"
        }))
        .unwrap();
        // 23:59:59 on 15.6. in Finland (20:59:59 UTC): still a party; 00:00 on 16.6. (21:00
        // UTC, still the 15th in UTC): access has ended.
        assert!(org.has_access_on(finnish_date(utc("2026-06-15T20:59:59Z"))));
        assert!(!org.has_access_on(finnish_date(utc("2026-06-15T21:00:00Z"))));
    }

    #[test]
    fn the_last_day_there_is_ends_at_the_end_of_time() {
        assert_eq!(end_of_finnish_day(NaiveDate::MAX), DateTime::<Utc>::MAX_UTC);
    }

    proptest! {
        /// Every instant lies within its own Finnish day, and the days tile time: the day
        /// after ends where the next one starts.
        #[test]
        fn every_instant_lies_within_its_finnish_day(secs in 946_684_800i64..4_102_444_800, micros in 0u32..1_000_000) {
            let at = DateTime::<Utc>::from_timestamp(secs, micros * 1000).unwrap();
            let d = finnish_date(at);
            prop_assert!(start_of_finnish_day(d) <= at);
            prop_assert!(at <= end_of_finnish_day(d));
            let next = d.succ_opt().unwrap();
            prop_assert_eq!(end_of_finnish_day(d) + Duration::microseconds(1), start_of_finnish_day(next));
            let length = start_of_finnish_day(next) - start_of_finnish_day(d);
            prop_assert!([23, 24, 25].contains(&length.num_hours()) && length.num_minutes() % 60 == 0);
        }
    }
}
