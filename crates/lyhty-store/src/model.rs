//! The values the store takes and returns, beyond the domain's own types.

use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::licence::LicenceLine;
use lyhty_domain::spend::{Expense, HourlyRate, PlanLine};
use lyhty_domain::{
    BusinessId, Cents, DecisionId, DecisionKind, InvoiceId, MeetingId, Org, OrgCategory, OrgId, PaymentId, Role, RunId,
    SubmissionId, UserId, Vote,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who is doing something, as the audit log records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// `None` for the system itself (the CLI, demo loading).
    pub user_id: Option<UserId>,
    /// A human-readable name kept with the entry: the user's e-mail, or `cli`, `demo`.
    pub label: String,
}

impl Actor {
    pub fn system(label: &str) -> Self {
        Self { user_id: None, label: label.to_string() }
    }

    pub fn user(user: &User) -> Self {
        Self { user_id: Some(user.id), label: user.email.clone() }
    }
}

/// A party to create. Everything here has already been parsed and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrg {
    pub name: String,
    pub business_id: BusinessId,
    pub category: OrgCategory,
    pub annual_budget_cents: Option<Cents>,
    pub budget_year: Option<i32>,
    pub budget_source: Option<String>,
    pub joined_on: NaiveDate,
    pub accession_number: Option<String>,
    pub represented_by: Option<OrgId>,
    pub einvoice_address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub cost_share_cents: Option<Cents>,
}

/// A change to a party: `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgPatch {
    pub name: Option<String>,
    pub business_id: Option<BusinessId>,
    pub category: Option<OrgCategory>,
    pub annual_budget_cents: Option<Option<Cents>>,
    pub budget_year: Option<Option<i32>>,
    pub budget_source: Option<Option<String>>,
    pub joined_on: Option<NaiveDate>,
    pub accession_number: Option<Option<String>>,
    pub represented_by: Option<Option<OrgId>>,
    pub einvoice_address: Option<Option<String>>,
    pub contact_name: Option<Option<String>>,
    pub contact_email: Option<Option<String>>,
    pub contact_phone: Option<Option<String>>,
    pub cost_share_cents: Option<Option<Cents>>,
}

impl OrgPatch {
    /// Applies the patch to a copy of `org`.
    pub fn apply(&self, org: &Org) -> Org {
        fn set<T: Clone>(target: &mut T, value: &Option<T>) {
            if let Some(v) = value {
                *target = v.clone();
            }
        }
        let mut o = org.clone();
        set(&mut o.name, &self.name);
        set(&mut o.business_id, &self.business_id);
        set(&mut o.category, &self.category);
        set(&mut o.annual_budget_cents, &self.annual_budget_cents);
        set(&mut o.budget_year, &self.budget_year);
        set(&mut o.budget_source, &self.budget_source);
        set(&mut o.joined_on, &self.joined_on);
        set(&mut o.accession_number, &self.accession_number);
        set(&mut o.represented_by, &self.represented_by);
        set(&mut o.einvoice_address, &self.einvoice_address);
        set(&mut o.contact_name, &self.contact_name);
        set(&mut o.contact_email, &self.contact_email);
        set(&mut o.contact_phone, &self.contact_phone);
        set(&mut o.cost_share_cents, &self.cost_share_cents);
        o
    }

    /// The names of the fields the patch touches, for the audit log.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        macro_rules! touched {
            ($($field:ident),*) => { $( if self.$field.is_some() { f.push(stringify!($field)); } )* };
        }
        touched!(
            name,
            business_id,
            category,
            annual_budget_cents,
            budget_year,
            budget_source,
            joined_on,
            accession_number,
            represented_by,
            einvoice_address,
            contact_name,
            contact_email,
            contact_phone,
            cost_share_cents
        );
        f
    }
}

/// A person who signs in. Members belong to exactly one organisation; nobody else does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub created_at: DateTime<Utc>,
}

/// A user to create; `password_hash` is an argon2id PHC string made by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub password_hash: String,
}

/// Something worth recording that is not itself a store write.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEvent {
    /// Stable dotted name, e.g. `inventory.read`.
    pub action: String,
    pub org_id: Option<OrgId>,
    /// What was touched, e.g. a submission id.
    pub subject: Option<String>,
    pub detail: serde_json::Value,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub actor_label: String,
    pub action: String,
    pub org_id: Option<OrgId>,
    pub subject: Option<String>,
    pub detail: serde_json::Value,
}

/// Which audit entries to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub org_id: Option<OrgId>,
    pub actor_id: Option<UserId>,
    pub action: Option<String>,
    /// Entries with `seq` below this (paging backwards).
    pub before_seq: Option<i64>,
    /// Entries at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this time.
    pub to: Option<DateTime<Utc>>,
    pub limit: u32,
}

/// Whether a stored submission became a version of the inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StoredStatus {
    Accepted,
    Rejected,
}

impl StoredStatus {
    pub fn key(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }
}

/// An uploaded file to store with its report; `lines` are kept only when it is accepted.
#[derive(Clone, Debug)]
pub struct NewSubmission {
    pub org_id: OrgId,
    pub file_name: String,
    /// Lower-case hex SHA-256 of `file`.
    pub sha256: String,
    pub file: Vec<u8>,
    pub status: StoredStatus,
    /// The validation report as the ingest crate made it (stored as JSON).
    pub report: serde_json::Value,
    pub lines: Vec<LicenceLine>,
    pub annual_cost_cents: Cents,
}

/// A stored submission without its file and lines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubmissionMeta {
    pub id: SubmissionId,
    pub org_id: OrgId,
    pub uploaded_by: Option<UserId>,
    /// Who uploaded it (an e-mail address, or `demo`).
    pub uploaded_by_label: String,
    pub uploaded_at: DateTime<Utc>,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub status: StoredStatus,
    /// The inventory version this submission made (accepted ones only).
    pub version: Option<i32>,
    pub line_count: i32,
    pub annual_cost_cents: Cents,
    /// Whether this is the organisation's current inventory.
    pub is_current: bool,
    /// The validation report, as stored.
    pub report: serde_json::Value,
}

/// A coordinator-added vendor alias: `alias` is folded the same way vendor names are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VendorAlias {
    pub alias: String,
    pub canonical: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A version of the cost-share model (§9.2), stored as the finance crate's JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ModelVersion {
    pub version: String,
    pub valid_from: NaiveDate,
    pub model: serde_json::Value,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// The steering-group decision that adopted the version (`None` for the seeded one and
    /// versions stored before decisions were recorded).
    #[serde(default)]
    pub decision_id: Option<DecisionId>,
}

/// Invoice or credit note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
}

impl InvoiceKind {
    pub fn key(self) -> &'static str {
        match self {
            Self::Invoice => "invoice",
            Self::CreditNote => "credit_note",
        }
    }
}

/// An issued invoice or credit note as stored. `document` is the finance crate's
/// `InvoiceDocument`, from which the PDF and the UBL are rendered again on request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvoiceRecord {
    pub id: InvoiceId,
    pub number: String,
    pub org_id: OrgId,
    pub run_id: Option<RunId>,
    pub kind: InvoiceKind,
    /// For a credit note: the invoice it credits.
    pub credits: Option<InvoiceId>,
    pub instalments: Vec<u8>,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// Payable amount; negative for a credit note.
    pub amount_cents: Cents,
    pub reference: String,
    pub rf_reference: String,
    pub barcode: Option<String>,
    /// Whether a credit note has cancelled this invoice.
    pub credited: bool,
    pub document: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// What the caller makes of a reserved invoice number: everything that depends on it.
#[derive(Clone, Debug)]
pub struct IssuedInvoice {
    pub number: String,
    pub reference: String,
    pub rf_reference: String,
    pub barcode: Option<String>,
    pub amount_cents: Cents,
    pub due_date: NaiveDate,
    pub document: serde_json::Value,
}

/// Turns the next number of the year (`seq`, from 1) into an issued document.
pub type IssueFn = Box<dyn Fn(i32, u32) -> Result<IssuedInvoice, String> + Send + Sync>;

/// An invoice to issue in a run: who, which instalments, and how to make the document.
pub struct DraftInvoice {
    pub org_id: OrgId,
    pub instalments: Vec<u8>,
    pub issue_date: NaiveDate,
    pub issue: IssueFn,
}

impl std::fmt::Debug for DraftInvoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DraftInvoice").field("org_id", &self.org_id).field("instalments", &self.instalments).finish()
    }
}

/// An invoice run to record.
#[derive(Clone, Debug)]
pub struct NewRun {
    pub instalment: u8,
    pub issue_date: NaiveDate,
    pub model_version: String,
    pub overridden: bool,
    /// What the planner decided (skipped parties and why), kept with the run.
    pub summary: serde_json::Value,
}

/// The coordinator's own instalment, booked as paid instead of invoiced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SelfContributionRecord {
    pub org_id: OrgId,
    pub instalment: u8,
    pub amount_cents: Cents,
    pub paid_on: NaiveDate,
}

/// What a run stored.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RunRecord {
    pub id: RunId,
    pub instalment: u8,
    pub issue_date: NaiveDate,
    pub invoices: Vec<InvoiceRecord>,
    pub self_contributions: Vec<SelfContributionRecord>,
}

/// A live (not credited) billing of a party's instalment, for planning the next run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BilledInstalment {
    pub org_id: OrgId,
    pub instalment: u8,
    pub invoice_id: InvoiceId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentSource {
    Manual,
    BankFile,
}

impl PaymentSource {
    pub fn key(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::BankFile => "bank_file",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPayment {
    pub invoice_id: InvoiceId,
    pub amount_cents: Cents,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
    pub payer: Option<String>,
    pub source: PaymentSource,
    /// The bank's entry id; a payment with an id already booked is skipped.
    pub bank_entry: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentRecord {
    pub id: PaymentId,
    pub invoice_id: InvoiceId,
    pub amount_cents: Cents,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
    pub payer: Option<String>,
    pub source: PaymentSource,
    pub bank_entry: Option<String>,
    pub created_at: DateTime<Utc>,
}

// --- the spend ledger ---------------------------------------------------------------------
// The finance crate owns the rules (hours × rate, reversals, the reports); the store keeps
// the domain's entries as they are and adds who booked them and when.

/// A ledger entry as stored: the entry (an expense, or with `reverses` the reversal of
/// one) and who booked it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseRecord {
    #[serde(flatten)]
    pub entry: Expense,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// The steering group's hourly rate from a day on, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateRecord {
    #[serde(flatten)]
    pub rate: HourlyRate,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A budget plan version as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanVersion {
    /// 1, 2, … given by the store.
    pub version: u32,
    pub approved_on: NaiveDate,
    pub note: Option<String>,
    pub lines: Vec<PlanLine>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// The steering-group decision that approved the version, when it was recorded.
    pub decision_id: Option<DecisionId>,
}

/// A published release to store (`lyhty-aggregate` makes it; the store keeps it as text
/// and JSON without knowing its structure). Immutable once stored.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRelease {
    pub id: Uuid,
    pub as_of: NaiveDate,
    pub created_at: DateTime<Utc>,
    /// The release JSON exactly as served (members and the steering group see it).
    pub release_json: String,
    /// Coordinator only: the audit report, the disclosure parameters, how it was made.
    pub audit: serde_json::Value,
    pub params: serde_json::Value,
    pub stats: serde_json::Value,
    /// Coordinator only, never served: every organisation's contribution to every cell, for
    /// auditing later releases against this one.
    pub contributions: String,
}

/// What lists of releases show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReleaseSummary {
    pub id: Uuid,
    pub as_of: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// A stored release without its contribution snapshot (see `Store::release_contributions`).
#[derive(Clone, Debug, PartialEq)]
pub struct ReleaseRecord {
    pub summary: ReleaseSummary,
    pub release_json: String,
    pub audit: serde_json::Value,
    pub params: serde_json::Value,
    pub stats: serde_json::Value,
}

// --- the steering group decides (NETWORK.md) -------------------------------------------------

/// A steering-group meeting to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMeeting {
    pub date: NaiveDate,
    pub title: String,
}

/// A recorded steering-group meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Meeting {
    pub id: MeetingId,
    pub date: NaiveDate,
    pub title: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One seat's vote as recorded, with the share behind the seat's weight at the meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SeatVote {
    /// The seat's key (`wellbeing_counties`).
    pub seat: String,
    pub vote: Vote,
    pub share_cents: Cents,
}

/// A decision to record: counted already (the caller tallies it; the store keeps the tally
/// as JSON and applies what a passed decision changes, in the same transaction).
#[derive(Clone, Debug, PartialEq)]
pub struct NewDecision {
    pub meeting_id: MeetingId,
    pub kind: DecisionKind,
    pub title: String,
    pub subject_id: Option<String>,
    /// The party the decision is about (accession, expulsion proposal).
    pub subject_org_id: Option<OrgId>,
    pub passed: bool,
    pub tally: serde_json::Value,
    pub votes: Vec<SeatVote>,
}

/// A recorded decision with its meeting's date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DecisionRecord {
    pub id: DecisionId,
    pub meeting_id: MeetingId,
    pub meeting_date: NaiveDate,
    pub kind: DecisionKind,
    pub title: String,
    pub subject_id: Option<String>,
    pub subject_org_id: Option<OrgId>,
    pub passed: bool,
    pub tally: serde_json::Value,
    pub votes: Vec<SeatVote>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

// --- calendar feeds ----------------------------------------------------------------------

/// A user's calendar feed. The feed URL's token is derived from the server's key and
/// `nonce` (so the same URL can be shown again); the store keeps only the token's SHA-256
/// (hex), which is what a request is looked up by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarFeed {
    pub user_id: UserId,
    pub nonce: String,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
}
