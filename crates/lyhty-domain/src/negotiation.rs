//! Negotiations with vendors and the savings they bring (`NETWORK.md`, "Negotiations and
//! savings"; §3, §5; action plan 1.5, 1.9).
//!
//! The working group records a negotiation (vendor, title, status, dates, the parties taking
//! part) and on conclusion its outcome, lessons and the network's estimated annual saving;
//! all of that is shared with every party. Each taking party may record its own realised
//! saving per year, which is confidential like its inventory.
//!
//! The rules a negotiation must keep are here, so the API, the demo data and the tests
//! judge it the same way: [`Negotiation::check`] (the fields together) and
//! [`NegotiationStatus::may_become`] (which status may follow which). Accepted document
//! types are decided by [`document_type`] from the name *and* the first bytes.

use crate::vocabulary::pick;
use crate::{Cents, Lang, OrgId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a negotiation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NegotiationStatus {
    Planned,
    Ongoing,
    Concluded,
    Abandoned,
}

impl NegotiationStatus {
    /// In the order a negotiation goes through them.
    pub const ALL: [NegotiationStatus; 4] = [Self::Planned, Self::Ongoing, Self::Concluded, Self::Abandoned];

    pub fn key(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Ongoing => "ongoing",
            Self::Concluded => "concluded",
            Self::Abandoned => "abandoned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.key() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::Planned => ["Suunniteltu", "Planerad", "Planned"],
            Self::Ongoing => ["Käynnissä", "Pågående", "Ongoing"],
            Self::Concluded => ["Päättynyt sopimukseen", "Avslutad med avtal", "Concluded"],
            Self::Abandoned => ["Keskeytetty", "Avbruten", "Abandoned"],
        };
        pick(lang, labels)
    }

    /// Whether a negotiation in this status may be changed to `next`. A negotiation moves
    /// forward only: planned → ongoing → concluded, and from planned or ongoing to abandoned
    /// (planned → concluded too, for one recorded afterwards). Concluded and abandoned are
    /// final; staying in the same status (correcting the other fields) is always allowed.
    pub fn may_become(self, next: NegotiationStatus) -> bool {
        use NegotiationStatus::*;
        self == next
            || matches!((self, next), (Planned, Ongoing | Concluded | Abandoned) | (Ongoing, Concluded | Abandoned))
    }

    pub fn is_final(self) -> bool {
        matches!(self, Self::Concluded | Self::Abandoned)
    }
}

crate::labelled!(NegotiationStatus);

/// The longest vendor name or title accepted.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest outcome or lessons text accepted.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// A negotiation as stored and shown to every signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Negotiation {
    #[schema(value_type = String, format = Uuid)]
    pub id: Uuid,
    /// The vendor, normalised through the vendor catalogue (`Microsoft`, not `MSFT Oy`).
    pub vendor: String,
    pub title: String,
    pub status: NegotiationStatus,
    pub started_on: Option<NaiveDate>,
    /// The day it concluded; only on a concluded negotiation.
    pub concluded_on: Option<NaiveDate>,
    /// The parties taking part.
    pub org_ids: Vec<OrgId>,
    /// What was agreed; only on a concluded negotiation.
    pub outcome: Option<String>,
    /// Lessons and best practices (concluded or abandoned).
    pub lessons: Option<String>,
    /// The network's estimated annual saving; only on a concluded negotiation.
    #[schema(value_type = Option<i64>)]
    pub estimated_annual_saving_cents: Option<Cents>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why a negotiation, a saving or a document is refused: a stable code and a message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NegotiationError {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> NegotiationError {
    NegotiationError { code, message: message.into() }
}

impl Negotiation {
    /// Checks the fields together: names present and short enough, the dates in order, the
    /// outcome and the estimate only on a concluded negotiation, amounts not negative.
    pub fn check(&self) -> Result<(), NegotiationError> {
        for (field, value) in [("vendor", &self.vendor), ("title", &self.title)] {
            if value.trim().is_empty() || value.chars().count() > MAX_NAME_CHARS {
                return Err(refuse("invalid_name", format!("{field}: give a name of 1–{MAX_NAME_CHARS} characters")));
            }
        }
        for (field, value) in [("outcome", &self.outcome), ("lessons", &self.lessons)] {
            if value.as_ref().is_some_and(|v| v.chars().count() > MAX_TEXT_CHARS) {
                return Err(refuse("text_too_long", format!("{field}: at most {MAX_TEXT_CHARS} characters")));
            }
        }
        let concluded = self.status == NegotiationStatus::Concluded;
        if matches!(self.status, NegotiationStatus::Ongoing | NegotiationStatus::Concluded) && self.started_on.is_none()
        {
            return Err(refuse("started_on_required", "an ongoing or concluded negotiation needs started_on"));
        }
        if concluded && self.concluded_on.is_none() {
            return Err(refuse("concluded_on_required", "a concluded negotiation needs concluded_on"));
        }
        if !concluded && self.concluded_on.is_some() {
            return Err(refuse("not_concluded", "concluded_on is only for a concluded negotiation"));
        }
        if let (Some(start), Some(end)) = (self.started_on, self.concluded_on)
            && end < start
        {
            return Err(refuse("concluded_before_start", "concluded_on may not be before started_on"));
        }
        if !concluded && (self.outcome.is_some() || self.estimated_annual_saving_cents.is_some()) {
            return Err(refuse(
                "outcome_only_when_concluded",
                "the outcome and the estimated saving are recorded when the negotiation is concluded",
            ));
        }
        if !self.status.is_final() && self.lessons.is_some() {
            return Err(refuse("lessons_only_when_finished", "lessons are recorded when the negotiation has ended"));
        }
        if self.estimated_annual_saving_cents.is_some_and(|c| c < Cents::ZERO || !c.is_within_input_bound()) {
            return Err(refuse("invalid_saving", "the estimated saving is not negative and within the amount bound"));
        }
        Ok(())
    }
}

/// The years a realised saving may be recorded for.
pub const SAVING_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A party's realised saving from one negotiation in one year (confidential: its users,
/// the coordinator and analysts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RealisedSaving {
    #[schema(value_type = String, format = Uuid)]
    pub negotiation_id: Uuid,
    pub org_id: OrgId,
    pub year: i32,
    #[schema(value_type = i64)]
    pub saving_cents: Cents,
}

impl RealisedSaving {
    /// Checks a saving against its negotiation: a concluded one that the party took part
    /// in, a year in range, an amount not negative.
    pub fn check(&self, negotiation: &Negotiation) -> Result<(), NegotiationError> {
        if negotiation.status != NegotiationStatus::Concluded {
            return Err(refuse("not_concluded", "savings are recorded for a concluded negotiation"));
        }
        if !negotiation.org_ids.contains(&self.org_id) {
            return Err(refuse("not_a_party", "the organisation did not take part in this negotiation"));
        }
        if !SAVING_YEARS.contains(&self.year) {
            return Err(refuse("invalid_year", "give a year between 2000 and 2100"));
        }
        if self.saving_cents < Cents::ZERO || !self.saving_cents.is_within_input_bound() {
            return Err(refuse("invalid_saving", "a saving is not negative and within the amount bound"));
        }
        Ok(())
    }
}

/// A document of a negotiation, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NegotiationDocument {
    #[schema(value_type = String, format = Uuid)]
    pub id: Uuid,
    #[schema(value_type = String, format = Uuid)]
    pub negotiation_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: String,
}

/// The largest document accepted: 10 MiB.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// What a document may be: its extensions, the type it is served as, and how its first
/// bytes must look.
struct DocumentType {
    extensions: &'static [&'static str],
    content_type: &'static str,
    magic: Magic,
}

enum Magic {
    Prefix(&'static [u8]),
    /// Plain text: valid UTF-8 without NUL bytes.
    Text,
}

const ZIP: &[u8] = b"PK\x03\x04";

const DOCUMENT_TYPES: &[DocumentType] = &[
    DocumentType { extensions: &["pdf"], content_type: "application/pdf", magic: Magic::Prefix(b"%PDF-") },
    DocumentType {
        extensions: &["docx"],
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        magic: Magic::Prefix(ZIP),
    },
    DocumentType {
        extensions: &["xlsx"],
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        magic: Magic::Prefix(ZIP),
    },
    DocumentType {
        extensions: &["pptx"],
        content_type: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        magic: Magic::Prefix(ZIP),
    },
    DocumentType {
        extensions: &["odt"],
        content_type: "application/vnd.oasis.opendocument.text",
        magic: Magic::Prefix(ZIP),
    },
    DocumentType {
        extensions: &["ods"],
        content_type: "application/vnd.oasis.opendocument.spreadsheet",
        magic: Magic::Prefix(ZIP),
    },
    DocumentType { extensions: &["png"], content_type: "image/png", magic: Magic::Prefix(b"\x89PNG\r\n\x1a\n") },
    DocumentType { extensions: &["jpg", "jpeg"], content_type: "image/jpeg", magic: Magic::Prefix(b"\xff\xd8\xff") },
    DocumentType { extensions: &["txt", "md"], content_type: "text/plain; charset=utf-8", magic: Magic::Text },
    DocumentType { extensions: &["csv"], content_type: "text/csv; charset=utf-8", magic: Magic::Text },
];

/// The extensions accepted, for messages.
pub fn document_extensions() -> Vec<&'static str> {
    DOCUMENT_TYPES.iter().flat_map(|t| t.extensions.iter().copied()).collect()
}

/// The content type a document is stored and served as, decided from its name's extension
/// and checked against its first bytes (a `.pdf` must start like a PDF). Never the
/// uploader's `Content-Type`, which the browser would then trust on download. Refusals:
/// `empty_file` (422), `file_too_large` (413), `unsupported_file_type` (415).
pub fn document_type(file_name: &str, bytes: &[u8]) -> Result<&'static str, NegotiationError> {
    if bytes.is_empty() {
        return Err(refuse("empty_file", "the file is empty"));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(refuse("file_too_large", format!("a document may be at most {MAX_DOCUMENT_BYTES} bytes")));
    }
    let unsupported = || {
        refuse(
            "unsupported_file_type",
            format!("accepted documents: {} (checked by their content too)", document_extensions().join(", ")),
        )
    };
    let extension = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).ok_or_else(unsupported)?;
    let kind = DOCUMENT_TYPES.iter().find(|t| t.extensions.contains(&extension.as_str())).ok_or_else(unsupported)?;
    let fits = match kind.magic {
        Magic::Prefix(prefix) => bytes.starts_with(prefix),
        Magic::Text => !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok(),
    };
    if fits { Ok(kind.content_type) } else { Err(unsupported()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NegotiationStatus::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn concluded() -> Negotiation {
        Negotiation {
            id: Uuid::nil(),
            vendor: "Microsoft".into(),
            title: "M365 2026".into(),
            status: Concluded,
            started_on: Some(day(2026, 1, 10)),
            concluded_on: Some(day(2026, 5, 31)),
            org_ids: vec![OrgId::new()],
            outcome: Some("8 % alennus".into()),
            lessons: Some("Aloita ajoissa".into()),
            estimated_annual_saving_cents: Some(Cents::euros(120_000)),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn code(n: &Negotiation) -> &'static str {
        n.check().unwrap_err().code
    }

    #[test]
    fn a_concluded_negotiation_needs_its_dates_in_order() {
        assert!(concluded().check().is_ok());
        let mut n = concluded();
        n.concluded_on = None;
        assert_eq!(code(&n), "concluded_on_required");
        n.concluded_on = Some(day(2026, 1, 9));
        assert_eq!(code(&n), "concluded_before_start");
        n.concluded_on = Some(day(2026, 1, 10));
        assert!(n.check().is_ok(), "the same day is fine");
        n.started_on = None;
        assert_eq!(code(&n), "started_on_required");
    }

    #[test]
    fn outcome_and_estimate_only_when_concluded() {
        let mut n = concluded();
        n.status = Ongoing;
        n.concluded_on = None;
        n.lessons = None;
        assert_eq!(code(&n), "outcome_only_when_concluded");
        n.outcome = None;
        assert_eq!(code(&n), "outcome_only_when_concluded");
        n.estimated_annual_saving_cents = None;
        assert!(n.check().is_ok());
        n.concluded_on = Some(day(2026, 3, 1));
        assert_eq!(code(&n), "not_concluded");
        n.concluded_on = None;
        n.lessons = Some("x".into());
        assert_eq!(code(&n), "lessons_only_when_finished");
        n.status = Abandoned;
        assert!(n.check().is_ok(), "an abandoned negotiation keeps its lessons");
        let mut n = concluded();
        n.estimated_annual_saving_cents = Some(Cents(-1));
        assert_eq!(code(&n), "invalid_saving");
        n.estimated_annual_saving_cents = Some(Cents(Cents::MAX_INPUT.0 + 1));
        assert_eq!(code(&n), "invalid_saving");
        n.estimated_annual_saving_cents = None;
        n.vendor = "  ".into();
        assert_eq!(code(&n), "invalid_name");
    }

    #[test]
    fn status_moves_forward_only() {
        assert!(Planned.may_become(Ongoing));
        assert!(Planned.may_become(Concluded));
        assert!(Ongoing.may_become(Abandoned));
        assert!(Concluded.may_become(Concluded));
        assert!(!Ongoing.may_become(Planned));
        assert!(!Concluded.may_become(Ongoing));
        assert!(!Abandoned.may_become(Ongoing));
        assert!(!Concluded.may_become(Abandoned));
    }

    #[test]
    fn savings_belong_to_a_concluded_negotiation_and_its_parties() {
        let n = concluded();
        let mut s = RealisedSaving {
            negotiation_id: n.id,
            org_id: n.org_ids[0],
            year: 2026,
            saving_cents: Cents::euros(10_000),
        };
        assert!(s.check(&n).is_ok());
        s.year = 1999;
        assert_eq!(s.check(&n).unwrap_err().code, "invalid_year");
        s.year = 2026;
        s.saving_cents = Cents(-5);
        assert_eq!(s.check(&n).unwrap_err().code, "invalid_saving");
        s.saving_cents = Cents(5);
        s.org_id = OrgId::new();
        assert_eq!(s.check(&n).unwrap_err().code, "not_a_party");
        let mut ongoing = n.clone();
        ongoing.status = Ongoing;
        assert_eq!(s.check(&ongoing).unwrap_err().code, "not_concluded");
    }

    #[test]
    fn documents_are_typed_by_name_and_content() {
        assert_eq!(document_type("Tarjous.PDF", b"%PDF-1.7 ...").unwrap(), "application/pdf");
        assert_eq!(document_type("muistio.txt", "Neuvottelu päättyi".as_bytes()).unwrap(), "text/plain; charset=utf-8");
        assert_eq!(document_type("fake.pdf", b"<html>").unwrap_err().code, "unsupported_file_type");
        assert_eq!(document_type("run.exe", b"MZ").unwrap_err().code, "unsupported_file_type");
        assert_eq!(document_type("noextension", b"%PDF-").unwrap_err().code, "unsupported_file_type");
        assert_eq!(document_type("a.txt", b"a\0b").unwrap_err().code, "unsupported_file_type");
        assert_eq!(document_type("a.pdf", b"").unwrap_err().code, "empty_file");
        let big = vec![b'a'; MAX_DOCUMENT_BYTES + 1];
        assert_eq!(document_type("a.txt", &big).unwrap_err().code, "file_too_large");
    }

    #[test]
    fn status_is_labelled_with_its_serde_key() {
        crate::vocabulary::check_labelled::<NegotiationStatus>().unwrap();
    }
}
