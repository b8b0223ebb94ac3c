//! How the network governs itself: the kinds of steering-group decisions (§8.1), the
//! accession annex numbers (§1.1, §2) and the dates §17 allows a party to leave on.
//!
//! Everything here is pure: the API checks a request against these rules and the store
//! records what passed.

use crate::Lang;
use crate::vocabulary::pick;
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// What a steering-group decision is about (`NETWORK.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// A pending party joins (§1.1); subject: the party.
    Accession,
    /// A budget plan version (§2, action plan).
    BudgetPlan,
    /// A cost-share model version (§9.2).
    CostShareModel,
    /// The cost-price hourly rate (§10).
    HourlyRate,
    /// The study's term is extended (§6).
    TermExtension,
    /// Unused funds are returned (§20).
    Refund,
    /// The steering group proposes expelling a party (§17); subject: the party.
    ExpulsionProposal,
    /// What a data request asks for (§11.1).
    DataRequest,
    Other,
}

impl DecisionKind {
    pub const ALL: [DecisionKind; 9] = [
        Self::Accession,
        Self::BudgetPlan,
        Self::CostShareModel,
        Self::HourlyRate,
        Self::TermExtension,
        Self::Refund,
        Self::ExpulsionProposal,
        Self::DataRequest,
        Self::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Accession => "accession",
            Self::BudgetPlan => "budget_plan",
            Self::CostShareModel => "cost_share_model",
            Self::HourlyRate => "hourly_rate",
            Self::TermExtension => "term_extension",
            Self::Refund => "refund",
            Self::ExpulsionProposal => "expulsion_proposal",
            Self::DataRequest => "data_request",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s.trim())
    }

    /// Kinds whose subject is a party (and must be one).
    pub fn subject_is_party(self) -> bool {
        matches!(self, Self::Accession | Self::ExpulsionProposal)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::Accession => ["Liittyminen", "Anslutning", "Accession"],
            Self::BudgetPlan => ["Talousarvio", "Budget", "Budget plan"],
            Self::CostShareModel => ["Kustannustenjakomalli", "Kostnadsfördelningsmodell", "Cost-share model"],
            Self::HourlyRate => ["Tuntihinta", "Timpris", "Hourly rate"],
            Self::TermExtension => ["Keston pidentäminen", "Förlängning", "Term extension"],
            Self::Refund => ["Varojen palautus", "Återbetalning", "Refund"],
            Self::ExpulsionProposal => ["Erottamisesitys", "Förslag om uteslutning", "Expulsion proposal"],
            Self::DataRequest => ["Tietopyyntö", "Datainsamling", "Data request"],
            Self::Other => ["Muu päätös", "Annat beslut", "Other"],
        };
        pick(lang, labels)
    }
}

/// The two grounds on which §17 lets a party give notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeGround {
    /// The organisation has changed so much that it can no longer meet its obligations.
    OrganisationChanged,
    /// More than half of the other parties have given notice or been expelled.
    MajorityLeft,
}

impl NoticeGround {
    pub const ALL: [NoticeGround; 2] = [Self::OrganisationChanged, Self::MajorityLeft];

    pub fn key(self) -> &'static str {
        match self {
            Self::OrganisationChanged => "organisation_changed",
            Self::MajorityLeft => "majority_left",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::OrganisationChanged => [
                "Organisaatiossa on tapahtunut niin suuri muutos, ettei sillä ole edellytyksiä toteuttaa velvoitteitaan",
                "Organisationen har förändrats så mycket att den inte kan fullgöra sina förpliktelser",
                "The organisation has changed so much that it can no longer meet its obligations",
            ],
            Self::MajorityLeft => [
                "Yli puolet muista sopijapuolista on irtisanonut sopimuksensa tai se on purettu",
                "Över hälften av de andra parterna har sagt upp sitt avtal eller uteslutits",
                "More than half of the other parties have given notice or been expelled",
            ],
        };
        pick(lang, labels)
    }
}

/// One seat's vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    Yes,
    No,
    Abstain,
}

impl Vote {
    pub const ALL: [Vote; 3] = [Vote::Yes, Vote::No, Vote::Abstain];

    pub fn key(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Abstain => "abstain",
        }
    }

    /// The vote's name for people, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::Yes => ["Puolesta", "För", "Yes"],
            Self::No => ["Vastaan", "Emot", "No"],
            Self::Abstain => ["Tyhjää", "Avstår", "Abstain"],
        };
        pick(lang, labels)
    }
}

crate::labelled!(DecisionKind, NoticeGround, Vote);

/// Notice takes effect no earlier than three calendar months after it is given (§17).
pub const NOTICE_MONTHS: u32 = 3;
/// A party is committed for at least a year (§17).
pub const MINIMUM_MONTHS: u32 = 12;
/// Days a party has to remedy a breach after the written notice (§17).
pub const CURE_DAYS: u64 = 30;

/// The earliest day a notice given on `notice_on` can take effect for a party that joined
/// on `joined_on`: three months after the notice and one year after joining, whichever is
/// later. Calendar months, so 30 November + 3 months is 28 February (29 in a leap year).
/// `None` only for dates at the end of the calendar.
pub fn earliest_notice_effective(notice_on: NaiveDate, joined_on: NaiveDate) -> Option<NaiveDate> {
    let after_notice = notice_on.checked_add_months(Months::new(NOTICE_MONTHS))?;
    let after_year = joined_on.checked_add_months(Months::new(MINIMUM_MONTHS))?;
    Some(after_notice.max(after_year))
}

/// The earliest day an expulsion can take effect after a written notice of breach on
/// `breach_notice_on`: the 30 days to remedy it must have passed.
pub fn earliest_expulsion_effective(breach_notice_on: NaiveDate) -> Option<NaiveDate> {
    breach_notice_on.checked_add_days(Days::new(CURE_DAYS))
}

/// The annex number the next accession agreement gets: `1.1`, `1.2`, … (the agreement's
/// section 2: "Uudet liittymäsopimukset tulevat liitteiksi 1.1, 1.2, 1.3 jne."), one after
/// the highest `1.N` in use. Numbers in another form are ignored.
pub fn next_annex_number<'a>(in_use: impl IntoIterator<Item = &'a str>) -> String {
    let highest =
        in_use.into_iter().filter_map(|n| n.trim().strip_prefix("1.")?.parse::<u32>().ok()).max().unwrap_or(0);
    format!("1.{}", highest.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::check_labelled;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn notice_is_three_calendar_months_but_never_within_the_first_year() {
        // Joined long ago: three months after the notice.
        assert_eq!(earliest_notice_effective(d(2026, 11, 30), d(2025, 9, 1)), Some(d(2027, 2, 28)));
        assert_eq!(earliest_notice_effective(d(2027, 11, 30), d(2025, 9, 1)), Some(d(2028, 2, 29)));
        assert_eq!(earliest_notice_effective(d(2026, 3, 15), d(2025, 1, 1)), Some(d(2026, 6, 15)));
        // Joined recently: the year's commitment decides.
        assert_eq!(earliest_notice_effective(d(2025, 10, 1), d(2025, 9, 1)), Some(d(2026, 9, 1)));
        // The two limits on the same day.
        assert_eq!(earliest_notice_effective(d(2026, 6, 1), d(2025, 9, 1)), Some(d(2026, 9, 1)));
    }

    #[test]
    fn the_cure_period_is_thirty_days() {
        assert_eq!(earliest_expulsion_effective(d(2026, 2, 1)), Some(d(2026, 3, 3)));
        assert_eq!(earliest_expulsion_effective(d(2026, 5, 1)), Some(d(2026, 5, 31)));
    }

    #[test]
    fn annex_numbers_follow_the_highest_in_use() {
        assert_eq!(next_annex_number([]), "1.1");
        assert_eq!(next_annex_number(["1.1", "1.9", "1.10", "x", "2.40"]), "1.11");
        assert_eq!(next_annex_number([" 1.42 "]), "1.43");
    }

    #[test]
    fn kinds_and_grounds_are_labelled() {
        check_labelled::<DecisionKind>().unwrap();
        check_labelled::<NoticeGround>().unwrap();
        check_labelled::<Vote>().unwrap();
        assert_eq!(DecisionKind::parse("expulsion_proposal"), Some(DecisionKind::ExpulsionProposal));
        assert_eq!(DecisionKind::parse("vote"), None);
    }
}
