//! Parties of the cooperation agreement (§1, §7, §9.2, §17).

use crate::{BusinessId, Cents, DecisionId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The kind of a party; it decides the cost-share rule (§9.2) and the `sector` dimension of
/// releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgCategory {
    /// Wellbeing services county (hyvinvointialue), HUS included.
    WellbeingCounty,
    /// One of the largest cities.
    LargeCity,
    University,
    /// University of applied sciences (ammattikorkeakoulu).
    Uas,
    Kela,
    /// The state, represented centrally by Valtori; also state agencies it represents.
    State,
    /// Other municipalities, represented centrally by Kuntaliitto.
    Municipalities,
    /// E.g. the Evangelical Lutheran Church; the agreement sets no share.
    Parish,
    Other,
}

impl OrgCategory {
    pub const ALL: [OrgCategory; 9] = [
        Self::WellbeingCounty,
        Self::LargeCity,
        Self::University,
        Self::Uas,
        Self::Kela,
        Self::State,
        Self::Municipalities,
        Self::Parish,
        Self::Other,
    ];

    /// The stable key used in the API, the database and releases.
    pub fn key(self) -> &'static str {
        match self {
            Self::WellbeingCounty => "wellbeing_county",
            Self::LargeCity => "large_city",
            Self::University => "university",
            Self::Uas => "uas",
            Self::Kela => "kela",
            Self::State => "state",
            Self::Municipalities => "municipalities",
            Self::Parish => "parish",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == s.trim())
    }

    /// Categories whose share depends on the annual budget (§9.2), so a budget is required.
    pub fn is_tiered(self) -> bool {
        matches!(self, Self::WellbeingCounty | Self::LargeCity)
    }

    /// Categories with no amount in the agreement: the coordinator sets one per party.
    pub fn needs_share_override(self) -> bool {
        matches!(self, Self::Parish | Self::Other)
    }
}

/// Whether a party is in the agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgStatus {
    /// Signed its accession agreement; the steering group has not handled the accession yet
    /// (§1.1). It may upload, but its data enters no release and it is not invoiced.
    Pending,
    Active,
    /// Notice given (§17: three months' notice); access ends on the effective date.
    Terminated,
    /// The coordinator ended the agreement for breach (§17).
    Expelled,
}

impl OrgStatus {
    pub fn key(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Terminated => "terminated",
            Self::Expelled => "expelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Active, Self::Terminated, Self::Expelled].into_iter().find(|c| c.key() == s)
    }
}

/// How an agreement ended (`POST /api/orgs/{id}/terminate`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TerminationKind {
    Notice,
    Expelled,
}

/// A recorded end of a party's agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Termination {
    pub kind: TerminationKind,
    pub effective_on: NaiveDate,
    /// Notice: the day it was given, and on which of §17's grounds.
    #[serde(default)]
    pub notice_on: Option<NaiveDate>,
    #[serde(default)]
    pub ground: Option<crate::NoticeGround>,
    /// Expulsion: the steering group's passed proposal and the written notice of breach.
    #[serde(default)]
    pub decision_id: Option<DecisionId>,
    #[serde(default)]
    pub breach_notice_on: Option<NaiveDate>,
}

impl Termination {
    /// A termination with only its kind and date (the rest is for the audit log).
    pub fn new(kind: TerminationKind, effective_on: NaiveDate) -> Self {
        Self { kind, effective_on, notice_on: None, ground: None, decision_id: None, breach_notice_on: None }
    }
}

/// A party of the network (a member organisation), or an organisation represented by one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Org {
    pub id: OrgId,
    pub name: String,
    pub business_id: BusinessId,
    pub category: OrgCategory,
    /// Annual budget in cents, required for tiered categories (§9.2).
    pub annual_budget_cents: Option<Cents>,
    /// The year the budget figure is for.
    pub budget_year: Option<i32>,
    /// Where the budget figure comes from (e.g. "TA 2025").
    pub budget_source: Option<String>,
    /// The day the accession agreement was signed.
    pub joined_on: NaiveDate,
    /// Annex number of the accession agreement, e.g. "1.7".
    pub accession_number: Option<String>,
    /// The party that pays for this organisation (Valtori for state agencies, Kuntaliitto for
    /// small municipalities). A represented organisation is never invoiced.
    pub represented_by: Option<OrgId>,
    /// Peppol / e-invoice address, e.g. `0216:003712345678`.
    pub einvoice_address: Option<String>,
    /// Licence contact (personal data, §14).
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// A share set by the coordinator, overriding the model (required for parish and other).
    pub cost_share_cents: Option<Cents>,
    pub status: OrgStatus,
    /// The day a termination or expulsion takes effect.
    pub status_effective_on: Option<NaiveDate>,
    /// The steering-group decision that accepted the accession; `None` for a party created
    /// active directly (its decision predates the platform) or still pending.
    #[serde(default)]
    pub accession_decision_id: Option<DecisionId>,
}

impl Org {
    /// Whether the party's users may still sign in on `today`: access ends on the effective
    /// date of a termination or expulsion (§17).
    pub fn has_access_on(&self, today: NaiveDate) -> bool {
        match (self.status, self.status_effective_on) {
            (OrgStatus::Active | OrgStatus::Pending, _) => true,
            (_, Some(effective)) => today < effective,
            (_, None) => false,
        }
    }

    /// Whether the party's agreement has ended by `day` (its data stays out of releases
    /// cut off from then on).
    pub fn has_ended_by(&self, day: NaiveDate) -> bool {
        !self.has_access_on(day)
    }

    /// Whether the steering group has yet to accept the party (§1.1): until then its data
    /// enters no release and it is not invoiced.
    pub fn is_pending(&self) -> bool {
        self.status == OrgStatus::Pending
    }
}
