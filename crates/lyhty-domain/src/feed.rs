//! The iCalendar feed (RFC 5545): a list of all-day events written as one calendar.
//!
//! The events come from several places (a party's deadlines, invoices, meetings, data
//! requests); whoever gathers them hands a plain list here, so the writing is tested
//! without a server. The text is written by the `ics` crate, which folds long lines at 75
//! octets and writes CRLF line ends; every text value goes through its `escape_text`
//! (commas, semicolons, backslashes and line breaks in vendor names).

use chrono::{DateTime, NaiveDate, Utc};
use ics::components::Property;
use ics::parameters::Value;
use ics::properties::{
    CalScale, Categories, Description, DtEnd, DtStart, Method, Name, RefreshInterval, Summary, Transp,
};
use ics::{Event, ICalendar, escape_text};

/// The product identifier every feed carries.
pub const PRODID: &str = "-//Lyhty//Lyhty calendar//FI";

/// One all-day event of a feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable across requests, so calendar apps update an event instead of adding a copy:
    /// made from what the event is about, never from when the feed was read.
    pub uid: String,
    pub date: NaiveDate,
    /// In the reader's language.
    pub summary: String,
    pub description: Option<String>,
    /// A category key (`deadline`, `invoice`, …), for apps that colour by category.
    pub category: &'static str,
}

/// The feed's name and when it was written (every event's `DTSTAMP`).
#[derive(Clone, Debug)]
pub struct FeedHeader<'a> {
    pub name: &'a str,
    pub stamp: DateTime<Utc>,
}

fn ical_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The calendar text (`text/calendar`), events by date and then UID so that the same
/// events always give the same text apart from `DTSTAMP`.
pub fn render_feed(header: &FeedHeader<'_>, events: &[CalendarEvent]) -> String {
    let mut calendar = ICalendar::new("2.0", PRODID);
    calendar.push(CalScale::new("GREGORIAN"));
    calendar.push(Method::new("PUBLISH"));
    let name = escape_text(header.name);
    calendar.push(Name::new(name.clone()));
    calendar.push(Property::new("X-WR-CALNAME", name));
    // Deadlines move when an inventory changes; twice a day is plenty and spares the server.
    calendar.push(RefreshInterval::new("PT12H"));
    calendar.push(Property::new("X-PUBLISHED-TTL", "PT12H"));
    let stamp = header.stamp.format("%Y%m%dT%H%M%SZ").to_string();
    let mut sorted: Vec<&CalendarEvent> = events.iter().collect();
    sorted.sort_by(|a, b| (a.date, &a.uid).cmp(&(b.date, &b.uid)));
    sorted.dedup_by(|a, b| a.uid == b.uid);
    for e in sorted {
        let mut event = Event::new(escape_text(e.uid.as_str()), stamp.clone());
        let mut start = DtStart::new(ical_date(e.date));
        start.add(Value::new("DATE"));
        event.push(start);
        // An all-day event ends (exclusively) on the next day.
        if let Some(next) = e.date.succ_opt() {
            let mut end = DtEnd::new(ical_date(next));
            end.add(Value::new("DATE"));
            event.push(end);
        }
        event.push(Summary::new(escape_text(e.summary.as_str())));
        if let Some(d) = &e.description {
            event.push(Description::new(escape_text(d.as_str())));
        }
        event.push(Categories::new(escape_text(e.category)));
        // A deadline does not make anyone busy.
        event.push(Transp::new("TRANSPARENT"));
        calendar.add_event(event);
    }
    calendar.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(uid: &str, date: NaiveDate, summary: &str) -> CalendarEvent {
        CalendarEvent { uid: uid.into(), date, summary: summary.into(), description: None, category: "deadline" }
    }

    #[test]
    fn all_day_events_with_escaped_text_and_crlf_lines() {
        let day = NaiveDate::from_ymd_opt(2027, 2, 28).unwrap();
        let header = FeedHeader { name: "Lyhty; Oma", stamp: "2026-12-07T10:00:00Z".parse().unwrap() };
        let text = render_feed(&header, &[event("b@lyhty", day, "Acme, Inc.; Suite\nPro")]);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        assert!(text.contains("\r\nPRODID:-//Lyhty//Lyhty calendar//FI\r\n"));
        assert!(text.contains("\r\nX-WR-CALNAME:Lyhty\\; Oma\r\n"), "{text}");
        assert!(text.contains("\r\nDTSTART;VALUE=DATE:20270228\r\n"), "{text}");
        assert!(text.contains("\r\nDTEND;VALUE=DATE:20270301\r\n"), "{text}");
        assert!(text.contains("\r\nDTSTAMP:20261207T100000Z\r\n"), "{text}");
        assert!(text.contains("\r\nSUMMARY:Acme\\, Inc.\\; Suite\\nPro\r\n"), "{text}");
        assert!(text.trim_end().ends_with("END:VCALENDAR"));
        assert!(!text.replace("\r\n", "").contains('\n'), "only CRLF line ends");
    }

    #[test]
    fn the_same_events_give_the_same_feed_in_any_order() {
        let d1 = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let d2 = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let header = FeedHeader { name: "x", stamp: Utc::now() };
        let a = [event("1", d2, "later"), event("2", d1, "sooner"), event("1", d2, "later")];
        let b = [event("2", d1, "sooner"), event("1", d2, "later")];
        assert_eq!(render_feed(&header, &a), render_feed(&header, &b));
        let text = render_feed(&header, &a);
        assert!(text.find("sooner").unwrap() < text.find("later").unwrap());
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "one event per UID");
    }
}
