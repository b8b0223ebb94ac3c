//! Data requests (NETWORK.md "Data requests", §11.1): the coordinator's call for the parties'
//! licence inventories, with an opening and a due date and the release cut-off it feeds.
//!
//! Everything here works on Finnish calendar days: the caller turns instants into
//! Europe/Helsinki dates before asking (a submission at 23:30 UTC on the due date was made
//! the next day in Helsinki, and is late).
//!
//! A party's status: `submitted` once it has an accepted inventory uploaded since the
//! request opened — also when that came after the due date (the tracker then shows
//! `submitted_late`, so the coordinator still sees who was late); `late` after the due date
//! without one; `not_started` before that.

use crate::text::check_text;
use crate::vocabulary::pick;
use crate::{DataRequestId, Lang};
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// At most this many vendors in a request's scope, and this long a title.
pub const MAX_SCOPE_VENDORS: usize = 200;
pub const MAX_TITLE_CHARS: usize = 200;

/// Which licences a request asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestScope {
    /// Canonical vendor names (the vendor catalogue's), or `null` for all licences.
    pub vendors: Option<Vec<String>>,
}

/// A stored data request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DataRequest {
    pub id: DataRequestId,
    pub title: String,
    pub scope: RequestScope,
    /// The first day inventories count for this request.
    pub opens_on: NaiveDate,
    /// The last day to submit on time.
    pub due_on: NaiveDate,
    /// The release cut-off the request feeds.
    pub as_of: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// A request to create, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDataRequest {
    pub title: String,
    pub scope: RequestScope,
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
    pub as_of: NaiveDate,
}

/// Why a new request was refused; each has a stable code (422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataRequestError {
    #[error("the title is empty")]
    BlankTitle,
    #[error("the title is longer than {MAX_TITLE_CHARS} characters")]
    TitleTooLong,
    #[error("the title {0}")]
    BadText(crate::text::TextError),
    #[error("dates must be between 2000-01-01 and 2100-12-31")]
    DateOutOfRange,
    #[error("the due date is before the opening date")]
    DueBeforeOpening,
    #[error("the release cut-off (as_of) is before the due date")]
    CutOffBeforeDue,
    #[error("the vendor list is empty: give vendors, or null for all licences")]
    EmptyVendorScope,
    #[error("at most {MAX_SCOPE_VENDORS} vendors, each a non-empty name")]
    BadVendor,
}

impl DataRequestError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::BlankTitle => "blank_title",
            Self::TitleTooLong => "title_too_long",
            Self::BadText(e) => e.code(),
            Self::DateOutOfRange => "date_out_of_range",
            Self::DueBeforeOpening => "due_before_opening",
            Self::CutOffBeforeDue => "cut_off_before_due",
            Self::EmptyVendorScope => "empty_vendor_scope",
            Self::BadVendor => "invalid_vendor",
        }
    }
}

impl NewDataRequest {
    /// Checks a request; `normalise` turns a vendor as typed into its canonical name (the
    /// vendor catalogue's), and the scope keeps each canonical name once, sorted.
    pub fn parse(
        title: &str,
        vendors: Option<Vec<String>>,
        opens_on: NaiveDate,
        due_on: NaiveDate,
        as_of: NaiveDate,
        normalise: impl Fn(&str) -> String,
    ) -> Result<Self, DataRequestError> {
        let title = title.trim();
        if title.is_empty() {
            return Err(DataRequestError::BlankTitle);
        }
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(DataRequestError::TitleTooLong);
        }
        check_text(title, false).map_err(DataRequestError::BadText)?;
        // The platform's years (as budget years are): far dates are typing mistakes, and
        // would not fit every database's date type.
        let in_range = |d: NaiveDate| (2000..=2100).contains(&chrono::Datelike::year(&d));
        if ![opens_on, due_on, as_of].into_iter().all(in_range) {
            return Err(DataRequestError::DateOutOfRange);
        }
        if due_on < opens_on {
            return Err(DataRequestError::DueBeforeOpening);
        }
        if as_of < due_on {
            return Err(DataRequestError::CutOffBeforeDue);
        }
        let vendors = match vendors {
            None => None,
            Some(v) if v.is_empty() => return Err(DataRequestError::EmptyVendorScope),
            Some(v) if v.len() > MAX_SCOPE_VENDORS => return Err(DataRequestError::BadVendor),
            Some(v) => {
                let mut names = Vec::with_capacity(v.len());
                for name in &v {
                    let trimmed = name.trim();
                    if trimmed.is_empty() || trimmed.chars().count() > MAX_TITLE_CHARS {
                        return Err(DataRequestError::BadVendor);
                    }
                    check_text(trimmed, false).map_err(|_| DataRequestError::BadVendor)?;
                    names.push(normalise(trimmed));
                }
                names.sort();
                names.dedup();
                Some(names)
            }
        };
        Ok(Self { title: title.to_string(), scope: RequestScope { vendors }, opens_on, due_on, as_of })
    }
}

/// A party's standing on a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyStatus {
    NotStarted,
    Submitted,
    Late,
}

impl PartyStatus {
    pub const ALL: [PartyStatus; 3] = [PartyStatus::NotStarted, PartyStatus::Submitted, PartyStatus::Late];

    pub fn key(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Submitted => "submitted",
            Self::Late => "late",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::NotStarted => ["Ei vielä toimitettu", "Inte ännu inlämnad", "Not started"],
            Self::Submitted => ["Toimitettu", "Inlämnad", "Submitted"],
            Self::Late => ["Myöhässä", "Försenad", "Late"],
        };
        pick(lang, labels)
    }
}

crate::labelled!(PartyStatus);

/// The reminders a party that has not submitted gets (NETWORK.md): 14 and 3 days before the
/// due date, and the day after a miss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    DueIn14Days,
    DueIn3Days,
    Missed,
}

impl ReminderKind {
    pub const ALL: [ReminderKind; 3] = [ReminderKind::DueIn14Days, ReminderKind::DueIn3Days, ReminderKind::Missed];

    pub fn key(self) -> &'static str {
        match self {
            Self::DueIn14Days => "reminder_due_in_14_days",
            Self::DueIn3Days => "reminder_due_in_3_days",
            Self::Missed => "reminder_missed",
        }
    }
}

impl DataRequest {
    /// The party's status on `today`, given the Helsinki date of its first accepted
    /// inventory uploaded since the request opened.
    pub fn status(&self, submitted_on: Option<NaiveDate>, today: NaiveDate) -> PartyStatus {
        match submitted_on {
            Some(_) => PartyStatus::Submitted,
            None if today > self.due_on => PartyStatus::Late,
            None => PartyStatus::NotStarted,
        }
    }

    /// Whether a submission made on `submitted_on` came after the due date.
    pub fn is_late_submission(&self, submitted_on: NaiveDate) -> bool {
        submitted_on > self.due_on
    }

    /// Whether the request concerns parties on `today`: it has opened, and its release
    /// cut-off (or due date) has not passed. Members see these on their front page.
    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.opens_on <= today && today <= self.as_of.max(self.due_on)
    }

    /// The reminder that is due on `today`, if any. Each has a window rather than one day,
    /// so a job that did not run on the day (a server down) still sends it the day after;
    /// the windows do not overlap, so a late run never sends an outdated one: the 14-day
    /// reminder from 14 days before until the 3-day one takes over, the 3-day one until
    /// the due date, and the missed one for a week from the day after. A reminder whose
    /// day came before the request opened is not sent.
    pub fn reminder_due(&self, today: NaiveDate) -> Option<ReminderKind> {
        if today < self.opens_on {
            return None;
        }
        let before = |days: u64| self.due_on.checked_sub_days(Days::new(days));
        let after = |days: u64| self.due_on.checked_add_days(Days::new(days));
        let (d14, d3, d1, d8) = (before(14)?, before(3)?, after(1)?, after(8)?);
        if d14 <= today && today < d3 && d14 >= self.opens_on {
            Some(ReminderKind::DueIn14Days)
        } else if d3 <= today && today <= self.due_on && d3 >= self.opens_on {
            Some(ReminderKind::DueIn3Days)
        } else if d1 <= today && today < d8 {
            Some(ReminderKind::Missed)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn request(opens: &str, due: &str) -> DataRequest {
        DataRequest {
            id: DataRequestId::new(),
            title: "Nykytila 2026".into(),
            scope: RequestScope::default(),
            opens_on: d(opens),
            due_on: d(due),
            as_of: d(due),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn before_due_submitted_after_due_late_until_it_comes() {
        let r = request("2026-03-01", "2026-03-31");
        assert_eq!(r.status(None, d("2026-03-31")), PartyStatus::NotStarted);
        assert_eq!(r.status(Some(d("2026-03-20")), d("2026-04-05")), PartyStatus::Submitted);
        assert_eq!(r.status(None, d("2026-04-01")), PartyStatus::Late);
        assert_eq!(r.status(Some(d("2026-04-03")), d("2026-04-05")), PartyStatus::Submitted);
        assert!(r.is_late_submission(d("2026-04-01")));
        assert!(!r.is_late_submission(d("2026-03-31")));
    }

    #[test]
    fn reminders_come_14_and_3_days_before_and_the_day_after() {
        let r = request("2026-03-01", "2026-03-31");
        assert_eq!(r.reminder_due(d("2026-03-16")), None);
        assert_eq!(r.reminder_due(d("2026-03-17")), Some(ReminderKind::DueIn14Days));
        assert_eq!(r.reminder_due(d("2026-03-27")), Some(ReminderKind::DueIn14Days));
        assert_eq!(r.reminder_due(d("2026-03-28")), Some(ReminderKind::DueIn3Days));
        assert_eq!(r.reminder_due(d("2026-03-31")), Some(ReminderKind::DueIn3Days));
        assert_eq!(r.reminder_due(d("2026-04-01")), Some(ReminderKind::Missed));
        assert_eq!(r.reminder_due(d("2026-04-07")), Some(ReminderKind::Missed));
        assert_eq!(r.reminder_due(d("2026-04-08")), None);
        // Opened only five days before the due date: no 14-day reminder, not even late.
        let short = request("2026-03-26", "2026-03-31");
        assert_eq!(short.reminder_due(d("2026-03-26")), None);
        assert_eq!(short.reminder_due(d("2026-03-28")), Some(ReminderKind::DueIn3Days));
    }

    #[test]
    fn requests_are_checked_and_vendors_normalised() {
        let (o, due, cut) = (d("2026-03-01"), d("2026-03-31"), d("2026-04-30"));
        let upper = |s: &str| s.to_uppercase();
        let ok = NewDataRequest::parse(
            " Nykytila ",
            Some(vec!["sap".into(), "SAP ".into(), "adobe".into()]),
            o,
            due,
            cut,
            upper,
        )
        .unwrap();
        assert_eq!(ok.title, "Nykytila");
        assert_eq!(ok.scope.vendors, Some(vec!["ADOBE".to_string(), "SAP".to_string()]));
        let code = |r: Result<NewDataRequest, DataRequestError>| r.unwrap_err().code();
        assert_eq!(code(NewDataRequest::parse(" ", None, o, due, cut, upper)), "blank_title");
        assert_eq!(code(NewDataRequest::parse("x", None, due, o, cut, upper)), "due_before_opening");
        assert_eq!(code(NewDataRequest::parse("x", None, d("1999-12-31"), due, cut, upper)), "date_out_of_range");
        assert_eq!(code(NewDataRequest::parse("x", None, o, due, d("2101-01-01"), upper)), "date_out_of_range");
        assert_eq!(code(NewDataRequest::parse("x", None, o, cut, due, upper)), "cut_off_before_due");
        assert_eq!(code(NewDataRequest::parse("x", Some(vec![]), o, due, cut, upper)), "empty_vendor_scope");
        assert_eq!(code(NewDataRequest::parse("x", Some(vec![" ".into()]), o, due, cut, upper)), "invalid_vendor");
        assert_eq!(code(NewDataRequest::parse("a\u{202E}b", None, o, due, cut, upper)), "bidi_control_character");
    }
}
