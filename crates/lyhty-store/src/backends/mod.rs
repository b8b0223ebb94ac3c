//! The SQLite and PostgreSQL implementations of [`Store`].
//!
//! Both backends run the same SQL text: sqlx's SQLite driver reads `$1`-style parameters,
//! and the column types differ only in the migrations (UUID/DATE/TIMESTAMPTZ/JSONB in
//! PostgreSQL; BLOB/TEXT in SQLite), which sqlx maps to the same Rust types. So each query
//! is written once: every section module below holds its rows and a `macro_rules!` that
//! stamps its methods out for both pool types (a macro rather than generics, because sqlx's
//! generic executor bounds would bury every query under a screen of where-clauses).
//!
//! The sections follow the trait's: [`write`] (transactions, retries, constraint errors and
//! the audit entry every write makes) beneath all of them, then [`orgs`] (parties, users,
//! sign-in throttling), [`submissions`] (inventories and vendor aliases), [`invoicing`]
//! (cost-share models, invoices, payments), [`ledger`] (expenses, rates, the budget plan),
//! [`releases`], [`audit`], [`governance`] (meetings, decisions and what they change),
//! [`negotiations`] (negotiations, their documents, savings), [`calendar`] (feed tokens),
//! [`privacy`] (erasure, accession agreements, a party's files) and [`requests`] (data
//! requests, mail preferences and claims). This module opens the pools, runs the migrations
//! and answers the [`Store`] trait by handing each call to its section.

mod audit;
mod calendar;
mod governance;
mod invoicing;
mod ledger;
mod negotiations;
mod orgs;
mod privacy;
mod releases;
mod requests;
mod submissions;
mod write;

use crate::{
    Actor, AgreementMeta, AuditEntry, AuditEvent, AuditQuery, Backend, BilledInstalment, CalendarFeed, DecisionRecord,
    DraftInvoice, ErasureCounts, ExpenseRecord, FileMentions, InvoiceRecord, IssueFn, Meeting, ModelVersion,
    NewAgreement, NewDecision, NewMeeting, NewOrg, NewPayment, NewRelease, NewRun, NewSubmission, NewUser, OrgPatch,
    PaymentRecord, PlanVersion, RateRecord, ReleaseRecord, ReleaseSummary, Result, RunRecord, SelfContributionRecord,
    Store, StoreError, StoredFile, SubmissionMeta, User, VendorAlias,
};
use crate::{MailClaimRecord, MailKey, MailOutcome, UserPreferences};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::DataRequestId;
use lyhty_domain::data_request::{DataRequest, NewDataRequest};
use lyhty_domain::licence::LicenceLine;
use lyhty_domain::negotiation::{Negotiation, NegotiationDocument, NegotiationStatus, RealisedSaving};
use lyhty_domain::spend::{Expense, HourlyRate, PlanLine};
use lyhty_domain::{
    BusinessId, DecisionId, ExpenseId, InvoiceId, MeetingId, Org, OrgId, SubmissionId, Termination, UserId,
};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

// `build.rs` makes Cargo look at the folders again whenever a migration is added.
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// The embedded default: one SQLite file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing, with its folder) the database at a `sqlite://` URL.
    pub async fn open(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .foreign_keys(true)
            // WAL lets readers go on while one request writes; the busy timeout makes a
            // second writer wait its turn (write transactions begin IMMEDIATE, see `write`).
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10));
        if let Some(dir) = options.get_filename().parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        Ok(Self { pool })
    }
}

/// Production: PostgreSQL, shared by any number of API instances.
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn open(url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }
}

/// The trait, answered by the sections' methods of the same names (inherent methods win
/// over the trait's in method resolution, so each line below calls the section's code).
macro_rules! store_impl {
    ($store:ident, $backend:expr, $migrations:expr) => {
        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn migrate(&self) -> Result<()> {
                $migrations.run(&self.pool).await?;
                Ok(())
            }

            async fn ping(&self) -> Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            // --- parties, users, sign-in throttling (orgs.rs) ---
            async fn create_org(&self, actor: &Actor, org: &NewOrg) -> Result<Org> {
                self.create_org(actor, org).await
            }
            async fn get_org(&self, id: OrgId) -> Result<Option<Org>> {
                self.get_org(id).await
            }
            async fn find_org_by_business_id(&self, business_id: &BusinessId) -> Result<Option<Org>> {
                self.find_org_by_business_id(business_id).await
            }
            async fn list_orgs(&self) -> Result<Vec<Org>> {
                self.list_orgs().await
            }
            async fn update_org(&self, actor: &Actor, id: OrgId, patch: &OrgPatch) -> Result<Org> {
                self.update_org(actor, id, patch).await
            }
            async fn terminate_org(&self, actor: &Actor, id: OrgId, termination: Termination) -> Result<Org> {
                self.terminate_org(actor, id, termination).await
            }
            async fn create_user(&self, actor: &Actor, user: &NewUser) -> Result<User> {
                self.create_user(actor, user).await
            }
            async fn get_user(&self, id: UserId) -> Result<Option<User>> {
                self.get_user(id).await
            }
            async fn find_user_by_email(&self, email: &str) -> Result<Option<(User, String)>> {
                self.find_user_by_email(email).await
            }
            async fn list_users(&self) -> Result<Vec<User>> {
                self.list_users().await
            }
            async fn delete_user(&self, actor: &Actor, id: UserId) -> Result<()> {
                self.delete_user(actor, id).await
            }
            async fn count_users(&self) -> Result<u64> {
                self.count_users().await
            }
            async fn record_login_failure(&self, email: &str, at: DateTime<Utc>) -> Result<()> {
                self.record_login_failure(email, at).await
            }
            async fn count_login_failures(&self, email: &str, since: DateTime<Utc>) -> Result<u64> {
                self.count_login_failures(email, since).await
            }
            async fn prune_login_failures(&self, before: DateTime<Utc>, email: Option<&str>) -> Result<()> {
                self.prune_login_failures(before, email).await
            }

            // --- inventory submissions and vendor aliases (submissions.rs) ---
            async fn save_submission(&self, actor: &Actor, submission: &NewSubmission) -> Result<SubmissionMeta> {
                self.save_submission(actor, submission).await
            }
            async fn get_submission(&self, id: SubmissionId) -> Result<Option<SubmissionMeta>> {
                self.get_submission(id).await
            }
            async fn list_submissions(&self, org: OrgId) -> Result<Vec<SubmissionMeta>> {
                self.list_submissions(org).await
            }
            async fn current_submission(&self, org: OrgId) -> Result<Option<SubmissionMeta>> {
                self.current_submission(org).await
            }
            async fn submission_lines(&self, id: SubmissionId) -> Result<Vec<LicenceLine>> {
                self.submission_lines(id).await
            }
            async fn submission_file(&self, id: SubmissionId) -> Result<Option<(String, Vec<u8>)>> {
                self.submission_file(id).await
            }
            async fn restore_submission(&self, actor: &Actor, id: SubmissionId) -> Result<SubmissionMeta> {
                self.restore_submission(actor, id).await
            }
            async fn current_lines_as_of(&self, as_of: DateTime<Utc>) -> Result<Vec<(OrgId, LicenceLine)>> {
                self.current_lines_as_of(as_of).await
            }
            async fn org_lines_as_of(&self, org: OrgId, as_of: DateTime<Utc>) -> Result<Vec<LicenceLine>> {
                self.org_lines_as_of(org, as_of).await
            }
            async fn list_vendor_aliases(&self) -> Result<Vec<VendorAlias>> {
                self.list_vendor_aliases().await
            }
            async fn put_vendor_alias(&self, actor: &Actor, alias: &str, canonical: &str) -> Result<VendorAlias> {
                self.put_vendor_alias(actor, alias, canonical).await
            }

            // --- cost shares, invoices and payments (invoicing.rs) ---
            async fn put_cost_share_model(&self, actor: &Actor, version: &ModelVersion) -> Result<ModelVersion> {
                self.put_cost_share_model(actor, version).await
            }
            async fn list_cost_share_models(&self) -> Result<Vec<ModelVersion>> {
                self.list_cost_share_models().await
            }
            async fn record_invoice_run(
                &self,
                actor: &Actor,
                run: &NewRun,
                drafts: Vec<DraftInvoice>,
                self_contributions: &[SelfContributionRecord],
            ) -> Result<RunRecord> {
                self.record_invoice_run(actor, run, drafts, self_contributions).await
            }
            async fn record_credit_note(
                &self,
                actor: &Actor,
                invoice: InvoiceId,
                issue_date: NaiveDate,
                issue: IssueFn,
            ) -> Result<InvoiceRecord> {
                self.record_credit_note(actor, invoice, issue_date, issue).await
            }
            async fn get_invoice(&self, id: InvoiceId) -> Result<Option<InvoiceRecord>> {
                self.get_invoice(id).await
            }
            async fn list_invoices(&self, org: Option<OrgId>) -> Result<Vec<InvoiceRecord>> {
                self.list_invoices(org).await
            }
            async fn find_invoices_by_reference(&self, reference: &str) -> Result<Vec<InvoiceRecord>> {
                self.find_invoices_by_reference(reference).await
            }
            async fn billed_instalments(&self) -> Result<Vec<BilledInstalment>> {
                self.billed_instalments().await
            }
            async fn list_self_contributions(&self) -> Result<Vec<SelfContributionRecord>> {
                self.list_self_contributions().await
            }
            async fn record_payments(&self, actor: &Actor, payments: &[NewPayment]) -> Result<Vec<PaymentRecord>> {
                self.record_payments(actor, payments).await
            }
            async fn list_payments(&self, invoice: Option<InvoiceId>) -> Result<Vec<PaymentRecord>> {
                self.list_payments(invoice).await
            }

            // --- the spend ledger (ledger.rs) ---
            async fn record_expense(&self, actor: &Actor, expense: &Expense) -> Result<ExpenseRecord> {
                self.record_expense(actor, expense).await
            }
            async fn get_expense(&self, id: ExpenseId) -> Result<Option<ExpenseRecord>> {
                self.get_expense(id).await
            }
            async fn list_expenses(&self) -> Result<Vec<ExpenseRecord>> {
                self.list_expenses().await
            }
            async fn add_hourly_rate(&self, actor: &Actor, rate: &HourlyRate) -> Result<RateRecord> {
                self.add_hourly_rate(actor, rate).await
            }
            async fn list_hourly_rates(&self) -> Result<Vec<RateRecord>> {
                self.list_hourly_rates().await
            }
            async fn add_budget_plan(
                &self,
                actor: &Actor,
                approved_on: NaiveDate,
                note: Option<&str>,
                lines: &[PlanLine],
            ) -> Result<PlanVersion> {
                self.add_budget_plan(actor, approved_on, note, lines).await
            }
            async fn list_budget_plans(&self) -> Result<Vec<PlanVersion>> {
                self.list_budget_plans().await
            }

            // --- anonymised releases (releases.rs) ---
            async fn save_release(&self, actor: &Actor, release: &NewRelease) -> Result<ReleaseSummary> {
                self.save_release(actor, release).await
            }
            async fn list_releases(&self) -> Result<Vec<ReleaseSummary>> {
                self.list_releases().await
            }
            async fn get_release(&self, id: Uuid) -> Result<Option<ReleaseRecord>> {
                self.get_release(id).await
            }
            async fn release_contributions(&self) -> Result<Vec<(ReleaseSummary, String)>> {
                self.release_contributions().await
            }
            async fn earlier_releases(&self) -> Result<Vec<(ReleaseRecord, String)>> {
                self.earlier_releases().await
            }
            async fn current_submissions_as_of(&self, as_of: DateTime<Utc>) -> Result<Vec<(OrgId, SubmissionId)>> {
                self.current_submissions_as_of(as_of).await
            }

            // --- the audit log (audit.rs) ---
            async fn record_audit(&self, actor: &Actor, event: &AuditEvent) -> Result<()> {
                self.record_audit(actor, event).await
            }
            async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
                self.list_audit(query).await
            }

            // --- the steering group decides (governance.rs) ---
            async fn create_pending_org(&self, actor: &Actor, org: &NewOrg) -> Result<Org> {
                self.create_pending_org(actor, org).await
            }
            async fn create_meeting(&self, actor: &Actor, meeting: &NewMeeting) -> Result<Meeting> {
                self.create_meeting(actor, meeting).await
            }
            async fn get_meeting(&self, id: MeetingId) -> Result<Option<Meeting>> {
                self.get_meeting(id).await
            }
            async fn list_meetings(&self) -> Result<Vec<Meeting>> {
                self.list_meetings().await
            }
            async fn record_decision(&self, actor: &Actor, decision: &NewDecision) -> Result<DecisionRecord> {
                self.record_decision(actor, decision).await
            }
            async fn get_decision(&self, id: DecisionId) -> Result<Option<DecisionRecord>> {
                self.get_decision(id).await
            }
            async fn list_decisions(&self) -> Result<Vec<DecisionRecord>> {
                self.list_decisions().await
            }
            async fn add_decided_budget_plan(
                &self,
                actor: &Actor,
                approved_on: NaiveDate,
                note: Option<&str>,
                lines: &[PlanLine],
                decision: DecisionId,
            ) -> Result<PlanVersion> {
                self.add_decided_budget_plan(actor, approved_on, note, lines, decision).await
            }

            // --- negotiations and savings (negotiations.rs) ---
            async fn create_negotiation(&self, actor: &Actor, negotiation: &Negotiation) -> Result<Negotiation> {
                self.create_negotiation(actor, negotiation).await
            }
            async fn update_negotiation(
                &self,
                actor: &Actor,
                negotiation: &Negotiation,
                judged_from: NegotiationStatus,
            ) -> Result<Negotiation> {
                self.update_negotiation(actor, negotiation, judged_from).await
            }
            async fn get_negotiation(&self, id: Uuid) -> Result<Option<Negotiation>> {
                self.get_negotiation(id).await
            }
            async fn list_negotiations(&self) -> Result<Vec<Negotiation>> {
                self.list_negotiations().await
            }
            async fn add_negotiation_document(
                &self,
                actor: &Actor,
                negotiation: Uuid,
                file_name: &str,
                content_type: &str,
                bytes: &[u8],
            ) -> Result<NegotiationDocument> {
                self.add_negotiation_document(actor, negotiation, file_name, content_type, bytes).await
            }
            async fn list_negotiation_documents(&self, negotiation: Uuid) -> Result<Vec<NegotiationDocument>> {
                self.list_negotiation_documents(negotiation).await
            }
            async fn negotiation_document(
                &self,
                negotiation: Uuid,
                document: Uuid,
            ) -> Result<Option<(NegotiationDocument, Vec<u8>)>> {
                self.negotiation_document(negotiation, document).await
            }
            async fn put_saving(&self, actor: &Actor, saving: &RealisedSaving) -> Result<RealisedSaving> {
                self.put_saving(actor, saving).await
            }
            async fn list_savings(&self, org: Option<OrgId>) -> Result<Vec<RealisedSaving>> {
                self.list_savings(org).await
            }
            async fn published_savings(&self) -> Result<Vec<(i32, BTreeMap<OrgId, i64>)>> {
                self.published_savings().await
            }
            async fn put_published_savings(
                &self,
                actor: &Actor,
                read: &[(i32, BTreeMap<OrgId, i64>)],
                states: &[(i32, BTreeMap<OrgId, i64>)],
            ) -> Result<()> {
                self.put_published_savings(actor, read, states).await
            }

            // --- calendar feeds (calendar.rs) ---
            async fn calendar_feed(&self, user: UserId) -> Result<Option<CalendarFeed>> {
                self.calendar_feed(user).await
            }
            async fn put_calendar_feed(&self, actor: &Actor, feed: &CalendarFeed, rotated: bool) -> Result<()> {
                self.put_calendar_feed(actor, feed, rotated).await
            }
            async fn calendar_feed_user(&self, token_hash: &str) -> Result<Option<UserId>> {
                self.calendar_feed_user(token_hash).await
            }

            // --- personal data and retention (privacy.rs) ---
            async fn erase_person(
                &self,
                actor: &Actor,
                email: &str,
                file_mentions: FileMentions<'_>,
            ) -> Result<ErasureCounts> {
                self.erase_person(actor, email, file_mentions).await
            }
            async fn add_agreement(&self, actor: &Actor, agreement: &NewAgreement) -> Result<AgreementMeta> {
                self.add_agreement(actor, agreement).await
            }
            async fn list_agreements(&self, org: OrgId) -> Result<Vec<AgreementMeta>> {
                self.list_agreements(org).await
            }
            async fn agreement_file(&self, org: OrgId, id: Uuid) -> Result<Option<(AgreementMeta, Vec<u8>)>> {
                self.agreement_file(org, id).await
            }
            async fn submission_files(&self, org: OrgId) -> Result<Vec<StoredFile>> {
                self.submission_files(org).await
            }

            // --- data requests and mail (requests.rs) ---
            async fn create_data_request(&self, actor: &Actor, request: &NewDataRequest) -> Result<DataRequest> {
                self.create_data_request(actor, request).await
            }
            async fn get_data_request(&self, id: DataRequestId) -> Result<Option<DataRequest>> {
                self.get_data_request(id).await
            }
            async fn list_data_requests(&self) -> Result<Vec<DataRequest>> {
                self.list_data_requests().await
            }
            async fn first_accepted_since(&self, since: DateTime<Utc>) -> Result<Vec<(OrgId, DateTime<Utc>)>> {
                self.first_accepted_since(since).await
            }
            async fn get_user_preferences(&self, user: UserId) -> Result<UserPreferences> {
                self.get_user_preferences(user).await
            }
            async fn list_user_preferences(&self) -> Result<Vec<(UserId, UserPreferences)>> {
                self.list_user_preferences().await
            }
            async fn put_user_preferences(
                &self,
                actor: &Actor,
                user: UserId,
                prefs: &UserPreferences,
            ) -> Result<UserPreferences> {
                self.put_user_preferences(actor, user, prefs).await
            }
            async fn claim_mail(&self, key: &MailKey, at: DateTime<Utc>) -> Result<bool> {
                self.claim_mail(key, at).await
            }
            async fn finish_mail(&self, key: &MailKey, outcome: &MailOutcome, at: DateTime<Utc>) -> Result<()> {
                self.finish_mail(key, outcome, at).await
            }
            async fn list_mail_claims(&self) -> Result<Vec<MailClaimRecord>> {
                self.list_mail_claims().await
            }
        }
    };
}

store_impl!(SqliteStore, Backend::Sqlite, SQLITE_MIGRATIONS);
store_impl!(PgStore, Backend::Postgres, POSTGRES_MIGRATIONS);
