//! Persistence for the Lyhty platform.
//!
//! One [`Store`] trait, two implementations that run the same SQL: [`SqliteStore`] (the
//! embedded default, `sqlite://./var/lyhty.db`) and [`PgStore`] (production, several API
//! instances sharing one database). [`connect`] picks the backend once from the URL scheme
//! and applies that backend's migrations (`migrations/sqlite`, `migrations/postgres`).
//!
//! Every write records who did it in the append-only `audit_log` **in the same
//! transaction**, so a change and its audit entry are both there or neither is. Reads of
//! organisation-level licence data by analysts and coordinators are recorded through
//! [`Store::record_audit`].
//!
//! Writes never fail because another writer got there first: SQLite write transactions
//! begin `IMMEDIATE` (they queue on the busy timeout instead of failing when they upgrade
//! a read lock), and every write is tried again a few times when the backend reports
//! contention (PostgreSQL serialisation failures and deadlocks, SQLite busy). The code
//! is split along the trait's sections in `backends/`.
//!
//! Nothing is kept on local disk but the SQLite file itself: sign-in throttling lives in the
//! database too, so API instances behind a load balancer agree on it.
#![forbid(unsafe_code)]

mod backends;
mod model;
mod privacy_model;
mod requests;

pub use backends::{PgStore, SqliteStore};
pub use model::*;
pub use privacy_model::*;
pub use requests::*;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::data_request::{DataRequest, NewDataRequest};
use lyhty_domain::licence::LicenceLine;
use lyhty_domain::negotiation::{Negotiation, NegotiationDocument, NegotiationStatus, RealisedSaving};
use lyhty_domain::spend::{Expense, HourlyRate, PlanLine};
use lyhty_domain::{
    BusinessId, DataRequestId, DecisionId, InvoiceId, MeetingId, Org, OrgId, SubmissionId, Termination, UserId,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What can go wrong in the store. `NotFound`, `Conflict` and `Invalid` are the caller's
/// business (they map to 404, 409 and 422); `Database` is ours (a 5xx that says nothing).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or state conflict; `code` is stable (`duplicate_business_id`, …).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Well-formed but refused by a rule the database enforces (e.g. an unknown
    /// representative organisation).
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error("unsupported database URL: {0}")]
    UnsupportedUrl(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// The database could not be reached (as opposed to refusing a query): worth a 503
    /// and a retry rather than a 500.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database is behind a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The platform's persistence. Implemented for SQLite and PostgreSQL; the conformance
/// suite in `tests/conformance.rs` runs against both.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Applies this backend's migrations that have not run yet.
    async fn migrate(&self) -> Result<()>;

    /// A cheap round trip, for readiness checks.
    async fn ping(&self) -> Result<()>;

    // --- parties ---------------------------------------------------------------------------

    /// Creates a party. A business ID already in use is `Conflict("duplicate_business_id")`;
    /// an unknown or itself-represented `represented_by` is `Invalid("invalid_represented_by")`.
    async fn create_org(&self, actor: &Actor, org: &NewOrg) -> Result<Org>;
    async fn get_org(&self, id: OrgId) -> Result<Option<Org>>;
    async fn find_org_by_business_id(&self, business_id: &BusinessId) -> Result<Option<Org>>;
    /// All parties, by name.
    async fn list_orgs(&self) -> Result<Vec<Org>>;
    async fn update_org(&self, actor: &Actor, id: OrgId, patch: &OrgPatch) -> Result<Org>;
    /// Records a notice or an expulsion with its effective date (§17).
    async fn terminate_org(&self, actor: &Actor, id: OrgId, termination: Termination) -> Result<Org>;

    // --- users -----------------------------------------------------------------------------

    /// Creates a user; the e-mail address is stored lower-case and must be unique among
    /// open accounts (`Conflict("duplicate_email")`).
    async fn create_user(&self, actor: &Actor, user: &NewUser) -> Result<User>;
    /// An open account by id (closed accounts are `None`).
    async fn get_user(&self, id: UserId) -> Result<Option<User>>;
    /// An open account by e-mail, with its password hash, for signing in.
    async fn find_user_by_email(&self, email: &str) -> Result<Option<(User, String)>>;
    /// Open accounts, by e-mail.
    async fn list_users(&self) -> Result<Vec<User>>;
    /// Closes an account. The row stays so the audit log can still name the user.
    async fn delete_user(&self, actor: &Actor, id: UserId) -> Result<()>;
    async fn count_users(&self) -> Result<u64>;

    // --- sign-in throttling ----------------------------------------------------------------

    async fn record_login_failure(&self, email: &str, at: DateTime<Utc>) -> Result<()>;
    async fn count_login_failures(&self, email: &str, since: DateTime<Utc>) -> Result<u64>;
    /// Forgets failures older than `before` and, after a successful sign-in, the user's own.
    async fn prune_login_failures(&self, before: DateTime<Utc>, email: Option<&str>) -> Result<()>;

    // --- inventory submissions ----------------------------------------------------------

    /// Stores a submission, in one transaction: the file and report, and for an accepted
    /// one its lines, the next version number, and the organisation's current pointer.
    async fn save_submission(&self, actor: &Actor, submission: &NewSubmission) -> Result<SubmissionMeta>;
    async fn get_submission(&self, id: SubmissionId) -> Result<Option<SubmissionMeta>>;
    /// An organisation's submissions, newest first.
    async fn list_submissions(&self, org: OrgId) -> Result<Vec<SubmissionMeta>>;
    /// The organisation's current inventory version.
    async fn current_submission(&self, org: OrgId) -> Result<Option<SubmissionMeta>>;
    /// The lines of an accepted submission, in file order.
    async fn submission_lines(&self, id: SubmissionId) -> Result<Vec<LicenceLine>>;
    /// The original file: its name and bytes (`None` once erased, see `erase_person`).
    async fn submission_file(&self, id: SubmissionId) -> Result<Option<(String, Vec<u8>)>>;
    /// Makes an earlier accepted submission the current version again
    /// (`Invalid("not_a_version")` for a rejected one).
    async fn restore_submission(&self, actor: &Actor, id: SubmissionId) -> Result<SubmissionMeta>;
    /// Every organisation's current lines as they stood at `as_of`, ordered by organisation.
    async fn current_lines_as_of(&self, as_of: DateTime<Utc>) -> Result<Vec<(OrgId, LicenceLine)>>;
    /// One organisation's current lines as they stood at `as_of`, in file order.
    async fn org_lines_as_of(&self, org: OrgId, as_of: DateTime<Utc>) -> Result<Vec<LicenceLine>>;

    // --- vendor aliases --------------------------------------------------------------------

    async fn list_vendor_aliases(&self) -> Result<Vec<VendorAlias>>;
    /// Adds or replaces an alias (`alias` already folded by the caller).
    async fn put_vendor_alias(&self, actor: &Actor, alias: &str, canonical: &str) -> Result<VendorAlias>;

    // --- cost shares and invoicing ---------------------------------------------------------

    /// Adds a version of the cost-share model (`Conflict("duplicate_model_version")` if the
    /// version name is taken: versions are never rewritten).
    async fn put_cost_share_model(&self, actor: &Actor, version: &ModelVersion) -> Result<ModelVersion>;
    /// All versions, oldest first.
    async fn list_cost_share_models(&self) -> Result<Vec<ModelVersion>>;

    /// Records an invoice run in one transaction: each draft gets the next gapless number
    /// of its issue year and is issued through its callback; each party–instalment can have
    /// only one live invoice (`Conflict("already_billed")` rolls the whole run back, numbers
    /// included); the coordinator's own contributions are booked with it.
    async fn record_invoice_run(
        &self,
        actor: &Actor,
        run: &NewRun,
        drafts: Vec<DraftInvoice>,
        self_contributions: &[SelfContributionRecord],
    ) -> Result<RunRecord>;
    /// Issues a credit note for the whole of an invoice (the next gapless number) and marks
    /// the invoice credited, freeing its instalments to be billed again.
    async fn record_credit_note(
        &self,
        actor: &Actor,
        invoice: InvoiceId,
        issue_date: NaiveDate,
        issue: IssueFn,
    ) -> Result<InvoiceRecord>;
    async fn get_invoice(&self, id: InvoiceId) -> Result<Option<InvoiceRecord>>;
    /// Invoices and credit notes, by number; one party's when `org` is given.
    async fn list_invoices(&self, org: Option<OrgId>) -> Result<Vec<InvoiceRecord>>;
    /// Live invoices whose creditor reference is `reference` (bare digits).
    async fn find_invoices_by_reference(&self, reference: &str) -> Result<Vec<InvoiceRecord>>;
    async fn billed_instalments(&self) -> Result<Vec<BilledInstalment>>;
    async fn list_self_contributions(&self) -> Result<Vec<SelfContributionRecord>>;

    /// Records payments; one whose `bank_entry` is already booked is skipped. Returns the
    /// payments stored (not the skipped ones).
    async fn record_payments(&self, actor: &Actor, payments: &[NewPayment]) -> Result<Vec<PaymentRecord>>;
    /// Payments, oldest first; one invoice's when `invoice` is given.
    async fn list_payments(&self, invoice: Option<InvoiceId>) -> Result<Vec<PaymentRecord>>;

    // --- the spend ledger ------------------------------------------------------------------

    /// Appends a ledger entry, recording who booked it and when. An entry whose
    /// `reverses` entry is already reversed is `Conflict("already_reversed")`; an unknown
    /// payee or reversed entry is `Invalid("unknown_reference")`. Nothing can change or
    /// remove an entry afterwards: the tables refuse UPDATE and DELETE.
    async fn record_expense(&self, actor: &Actor, expense: &Expense) -> Result<ExpenseRecord>;
    async fn get_expense(&self, id: lyhty_domain::ExpenseId) -> Result<Option<ExpenseRecord>>;
    /// The whole ledger, by date and then booking order.
    async fn list_expenses(&self) -> Result<Vec<ExpenseRecord>>;
    /// Adds a rate from a day on (`Conflict("duplicate_rate_date")` if that day has one).
    async fn add_hourly_rate(&self, actor: &Actor, rate: &HourlyRate) -> Result<RateRecord>;
    /// The rate history, oldest first.
    async fn list_hourly_rates(&self) -> Result<Vec<RateRecord>>;
    /// Adds the next budget plan version (numbered by the store, 1, 2, …).
    async fn add_budget_plan(
        &self,
        actor: &Actor,
        approved_on: NaiveDate,
        note: Option<&str>,
        lines: &[PlanLine],
    ) -> Result<PlanVersion>;
    /// Every version, oldest first; the last is the plan in force.
    async fn list_budget_plans(&self) -> Result<Vec<PlanVersion>>;

    // --- anonymised releases ---------------------------------------------------------------

    /// Stores a published release, immutably, with its audit entry. A release whose `as_of`
    /// is before the latest stored one is `Conflict("release_not_after_previous")`; the
    /// same date is a correction, ordered after the earlier one by creation.
    async fn save_release(&self, actor: &Actor, release: &NewRelease) -> Result<ReleaseSummary>;
    /// Every release, newest first (by `as_of`, then creation).
    async fn list_releases(&self) -> Result<Vec<ReleaseSummary>>;
    /// One release without its contribution snapshot.
    async fn get_release(&self, id: uuid::Uuid) -> Result<Option<ReleaseRecord>>;
    /// The contribution snapshots of every release, oldest first, for auditing a new one.
    async fn release_contributions(&self) -> Result<Vec<(ReleaseSummary, String)>>;
    /// Every release whole, with its contribution snapshot, oldest first, in one query:
    /// what a new release is audited against.
    async fn earlier_releases(&self) -> Result<Vec<(ReleaseRecord, String)>>;
    /// Per organisation, the submission that was its current inventory at `as_of` (the
    /// version a release uses; `current_lines_as_of` gives its lines).
    async fn current_submissions_as_of(&self, as_of: DateTime<Utc>) -> Result<Vec<(OrgId, SubmissionId)>>;

    // --- audit log -------------------------------------------------------------------------

    /// Appends an entry outside any write, e.g. an analyst reading an organisation's lines.
    async fn record_audit(&self, actor: &Actor, event: &AuditEvent) -> Result<()>;
    /// Newest first.
    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>>;

    // --- the steering group decides (NETWORK.md; backends/governance.rs) ------------------

    /// Creates a party whose accession the steering group has yet to decide (§1.1): status
    /// `pending` until a passed `accession` decision makes it active. Same rules and codes
    /// as [`Store::create_org`]; the audit entry says it is pending.
    async fn create_pending_org(&self, actor: &Actor, org: &NewOrg) -> Result<Org>;
    async fn create_meeting(&self, actor: &Actor, meeting: &NewMeeting) -> Result<Meeting>;
    async fn get_meeting(&self, id: MeetingId) -> Result<Option<Meeting>>;
    /// Every meeting, newest first.
    async fn list_meetings(&self) -> Result<Vec<Meeting>>;
    /// Records a counted decision with its votes and, in the same transaction, what a
    /// passed one changes: a passed `accession` makes its pending party active with the
    /// next annex number (1.1, 1.2, …) and links it to the decision. An unknown meeting is
    /// `NotFound`; an unknown subject party `Invalid("unknown_subject")`; an accession of
    /// a party that is not pending `Invalid("not_pending")`; a seat voting twice
    /// `Conflict("duplicate_vote")`.
    async fn record_decision(&self, actor: &Actor, decision: &NewDecision) -> Result<DecisionRecord>;
    async fn get_decision(&self, id: DecisionId) -> Result<Option<DecisionRecord>>;
    /// The register: every decision, newest meeting first.
    async fn list_decisions(&self) -> Result<Vec<DecisionRecord>>;
    /// Adds the next budget plan version (as [`Store::add_budget_plan`]) approved by a
    /// passed `budget_plan` decision, linked to it (`Invalid("unknown_decision")`,
    /// `Invalid("wrong_decision_kind")`, `Invalid("decision_not_passed")` otherwise). A
    /// [`ModelVersion`] given to [`Store::put_cost_share_model`] with a `decision_id` is
    /// checked the same way against `cost_share_model`.
    async fn add_decided_budget_plan(
        &self,
        actor: &Actor,
        approved_on: NaiveDate,
        note: Option<&str>,
        lines: &[PlanLine],
        decision: DecisionId,
    ) -> Result<PlanVersion>;

    // --- negotiations and savings ----------------------------------------------------------
    // (NETWORK.md, "Negotiations and savings"; the rules are `lyhty_domain::negotiation`'s.)

    /// Stores a new negotiation as given (id and times included).
    async fn create_negotiation(&self, actor: &Actor, negotiation: &Negotiation) -> Result<Negotiation>;
    /// Replaces a negotiation's fields, provided its status is still `judged_from` (the
    /// status the change was checked against): otherwise `Conflict("negotiation_changed")`;
    /// `NotFound` if there is no such negotiation.
    async fn update_negotiation(
        &self,
        actor: &Actor,
        negotiation: &Negotiation,
        judged_from: NegotiationStatus,
    ) -> Result<Negotiation>;
    async fn get_negotiation(&self, id: uuid::Uuid) -> Result<Option<Negotiation>>;
    /// Every negotiation, newest first.
    async fn list_negotiations(&self) -> Result<Vec<Negotiation>>;
    /// Keeps a document of a negotiation (`Invalid("unknown_negotiation")` if there is none).
    async fn add_negotiation_document(
        &self,
        actor: &Actor,
        negotiation: uuid::Uuid,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<NegotiationDocument>;
    /// A negotiation's documents without their bytes, oldest first.
    async fn list_negotiation_documents(&self, negotiation: uuid::Uuid) -> Result<Vec<NegotiationDocument>>;
    /// One document of one negotiation, with its bytes.
    async fn negotiation_document(
        &self,
        negotiation: uuid::Uuid,
        document: uuid::Uuid,
    ) -> Result<Option<(NegotiationDocument, Vec<u8>)>>;
    /// Records a party's realised saving of a negotiation in a year, replacing an earlier
    /// figure for the same three.
    async fn put_saving(&self, actor: &Actor, saving: &RealisedSaving) -> Result<RealisedSaving>;
    /// Realised savings by year, negotiation and party; one party's when `org` is given.
    async fn list_savings(&self, org: Option<OrgId>) -> Result<Vec<RealisedSaving>>;
    /// Each year's last published state: the parties' sums its shown total was computed from.
    async fn published_savings(&self) -> Result<Vec<(i32, BTreeMap<OrgId, i64>)>>;
    /// Remembers years' newly published states, replacing the earlier ones, provided the
    /// stored states are still `read` (what `published_savings` gave the caller, whose new
    /// states were checked against it); otherwise `Conflict("concurrent_savings_publication")`
    /// and nothing is written: the caller reads again and recomputes. Without the comparison
    /// a publisher working from older data could overwrite a newer state that a reader has
    /// already seen, and the next change would be checked against the wrong one.
    async fn put_published_savings(
        &self,
        actor: &Actor,
        read: &[(i32, BTreeMap<OrgId, i64>)],
        states: &[(i32, BTreeMap<OrgId, i64>)],
    ) -> Result<()>;
    // --- calendar feeds --------------------------------------------------------------------

    /// The user's feed, if one was made.
    async fn calendar_feed(&self, user: UserId) -> Result<Option<CalendarFeed>>;
    /// Creates or replaces the user's feed (replacing revokes the old URL: its hash is gone),
    /// with an audit entry `calendar.create` or, when `rotated`, `calendar.rotate`.
    async fn put_calendar_feed(&self, actor: &Actor, feed: &CalendarFeed, rotated: bool) -> Result<()>;
    /// Whose feed has this token hash (SHA-256, hex).
    async fn calendar_feed_user(&self, token_hash: &str) -> Result<Option<UserId>>;

    // --- personal data and retention (§8.3.3, §14, GDPR) -----------------------------------

    /// Erases a person's contact details everywhere, in one transaction, and records that an
    /// erasure happened (with the counts, never the address) as `person.erase`. `email` is
    /// matched without regard to case. Inventory lines (every version) whose contact is the
    /// person keep the licence and lose the name and e-mail, as do lines without an e-mail
    /// that name the person (by a name found with the address); user accounts get the erased
    /// marker as name and address and are closed, so they can no longer sign in; parties'
    /// contacts are cleared; reports, the audit log and uploaders' labels are redacted.
    /// An uploaded file that `file_mentions` (or its lines or report) shows to hold the
    /// person's details is erased: its bytes go, its name, size and hash stay.
    async fn erase_person(&self, actor: &Actor, email: &str, file_mentions: FileMentions<'_>) -> Result<ErasureCounts>;
    /// Stores a signed accession agreement (an unknown party is `NotFound`).
    async fn add_agreement(&self, actor: &Actor, agreement: &NewAgreement) -> Result<AgreementMeta>;
    /// A party's agreements, by signing date.
    async fn list_agreements(&self, org: OrgId) -> Result<Vec<AgreementMeta>>;
    /// One of a party's agreements with its file (`None` if it is not that party's).
    async fn agreement_file(&self, org: OrgId, id: uuid::Uuid) -> Result<Option<(AgreementMeta, Vec<u8>)>>;
    /// Every file a party uploaded, oldest first, as received (or marked erased).
    async fn submission_files(&self, org: OrgId) -> Result<Vec<StoredFile>>;

    // --- data requests and mail ------------------------------------------------------------

    /// Stores a data request the coordinator opened (already checked), with its audit entry.
    async fn create_data_request(&self, actor: &Actor, request: &NewDataRequest) -> Result<DataRequest>;
    async fn get_data_request(&self, id: DataRequestId) -> Result<Option<DataRequest>>;
    /// Every data request, latest due date first (the tracker, the reminder job and the
    /// calendar feed read these).
    async fn list_data_requests(&self) -> Result<Vec<DataRequest>>;
    /// Per organisation, when its first accepted submission at or after `since` was
    /// uploaded: what makes a party `submitted` on a request opened at `since`.
    async fn first_accepted_since(&self, since: DateTime<Utc>) -> Result<Vec<(OrgId, DateTime<Utc>)>>;
    /// A user's mail preferences (the default when never set).
    async fn get_user_preferences(&self, user: UserId) -> Result<UserPreferences>;
    /// Every user's preferences that were ever set; the others have the default.
    async fn list_user_preferences(&self) -> Result<Vec<(UserId, UserPreferences)>>;
    async fn put_user_preferences(
        &self,
        actor: &Actor,
        user: UserId,
        prefs: &UserPreferences,
    ) -> Result<UserPreferences>;
    /// Claims a message before it is sent: `true` when this caller got it, `false` when it
    /// was already claimed or sent (by this or another server) or failed too often. One
    /// statement in one transaction; the primary key decides between racing servers.
    async fn claim_mail(&self, key: &MailKey, at: DateTime<Utc>) -> Result<bool>;
    /// Records how a claimed message ended.
    async fn finish_mail(&self, key: &MailKey, outcome: &MailOutcome, at: DateTime<Utc>) -> Result<()>;
    /// Every claim, oldest first.
    async fn list_mail_claims(&self) -> Result<Vec<MailClaimRecord>>;
}

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`) and applies its
/// migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::open(url).await?)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Arc::new(PgStore::open(url).await?)
    } else {
        let scheme = url.split(':').next().unwrap_or_default();
        return Err(StoreError::UnsupportedUrl(format!("{scheme}: (use sqlite:// or postgres://)")));
    };
    store.migrate().await?;
    Ok(store)
}

#[cfg(feature = "testing")]
pub mod testing;
