//! The SQLite and PostgreSQL implementations of [`Store`].
//!
//! Both backends run the same SQL text: sqlx's SQLite driver reads `$1`-style parameters,
//! and the column types differ only in the migrations (UUID/DATE/TIMESTAMPTZ/JSONB in
//! PostgreSQL; BLOB/TEXT in SQLite), which sqlx maps to the same Rust types. The method
//! bodies are therefore written once, in `store_impl!`, and stamped out for each pool type.
//! A macro rather than generics because sqlx's generic executor bounds would bury every
//! query under a screen of where-clauses.

use crate::{
    Actor, AuditEntry, AuditEvent, AuditQuery, Backend, NewOrg, NewSubmission, NewUser, OrgPatch, Result, Store,
    StoreError, StoredStatus, SubmissionMeta, User, VendorAlias,
};
use crate::{
    BilledInstalment, DraftInvoice, InvoiceKind, InvoiceRecord, IssueFn, ModelVersion, NewPayment, NewRun,
    PaymentRecord, PaymentSource, RunRecord, SelfContributionRecord,
};
use crate::{ExpenseRecord, PlanVersion, RateRecord};
use crate::{NewRelease, ReleaseRecord, ReleaseSummary};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::licence::LicenceLine;
use lyhty_domain::{
    BusinessId, Cents, InvoiceId, Org, OrgCategory, OrgId, OrgStatus, PaymentId, Role, RunId, SubmissionId,
    Termination, TerminationKind, UserId,
};
use serde_json::json;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::types::Json;
use std::str::FromStr;
use std::time::Duration;
use tracing::instrument;
use uuid::Uuid;

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
            // second writer wait its turn instead of failing.
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

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: Uuid,
    name: String,
    business_id: String,
    category: String,
    annual_budget_cents: Option<i64>,
    budget_year: Option<i32>,
    budget_source: Option<String>,
    joined_on: NaiveDate,
    accession_number: Option<String>,
    represented_by: Option<Uuid>,
    einvoice_address: Option<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    cost_share_cents: Option<i64>,
    status: String,
    status_effective_on: Option<NaiveDate>,
}

const ORG_COLUMNS: &str = "id, name, business_id, category, annual_budget_cents, budget_year, \
    budget_source, joined_on, accession_number, represented_by, einvoice_address, contact_name, \
    contact_email, contact_phone, cost_share_cents, status, status_effective_on";

/// A value in the database that the domain does not accept: the database was written by
/// something other than this program. Reported as a database error, never shown to users.
fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(format!("invalid {what} in database: {value:?}").into()))
}

impl TryFrom<OrgRow> for Org {
    type Error = StoreError;
    fn try_from(r: OrgRow) -> Result<Org> {
        Ok(Org {
            id: OrgId(r.id),
            business_id: BusinessId::parse(&r.business_id).map_err(|_| corrupt("business ID", &r.business_id))?,
            category: OrgCategory::parse(&r.category).ok_or_else(|| corrupt("category", &r.category))?,
            status: OrgStatus::parse(&r.status).ok_or_else(|| corrupt("status", &r.status))?,
            name: r.name,
            annual_budget_cents: r.annual_budget_cents.map(Cents),
            budget_year: r.budget_year,
            budget_source: r.budget_source,
            joined_on: r.joined_on,
            accession_number: r.accession_number,
            represented_by: r.represented_by.map(OrgId),
            einvoice_address: r.einvoice_address,
            contact_name: r.contact_name,
            contact_email: r.contact_email,
            contact_phone: r.contact_phone,
            cost_share_cents: r.cost_share_cents.map(Cents),
            status_effective_on: r.status_effective_on,
        })
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    role: String,
    org_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    password_hash: String,
}

const USER_COLUMNS: &str = "id, email, name, role, org_id, created_at, password_hash";

impl UserRow {
    fn into_user(self) -> Result<(User, String)> {
        let role = Role::parse(&self.role).ok_or_else(|| corrupt("role", &self.role))?;
        let user = User {
            id: UserId(self.id),
            email: self.email,
            name: self.name,
            role,
            org_id: self.org_id.map(OrgId),
            created_at: self.created_at,
        };
        Ok((user, self.password_hash))
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    actor_label: String,
    action: String,
    org_id: Option<Uuid>,
    subject: Option<String>,
    detail: Option<Json<serde_json::Value>>,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor_id: r.actor_id.map(UserId),
            actor_label: r.actor_label,
            action: r.action,
            org_id: r.org_id.map(OrgId),
            subject: r.subject,
            detail: r.detail.map(|j| j.0).unwrap_or(serde_json::Value::Null),
        }
    }
}

#[derive(sqlx::FromRow)]
struct SubmissionRow {
    id: Uuid,
    org_id: Uuid,
    uploaded_by: Option<Uuid>,
    uploaded_by_label: String,
    uploaded_at: DateTime<Utc>,
    file_name: String,
    sha256: String,
    size_bytes: i64,
    status: String,
    version: Option<i32>,
    line_count: i32,
    annual_cost_cents: i64,
    is_current: bool,
    report: Json<serde_json::Value>,
}

/// Submission columns, with whether each is its organisation's current version.
const SUBMISSION_COLUMNS: &str = "s.id, s.org_id, s.uploaded_by, s.uploaded_by_label, s.uploaded_at, \
    s.file_name, s.sha256, s.size_bytes, s.status, s.version, s.line_count, s.annual_cost_cents, s.report, \
    COALESCE(s.id = (SELECT c.submission_id FROM current_inventory_log c WHERE c.org_id = s.org_id \
    ORDER BY c.seq DESC LIMIT 1), FALSE) AS is_current";

impl TryFrom<SubmissionRow> for SubmissionMeta {
    type Error = StoreError;
    fn try_from(r: SubmissionRow) -> Result<Self> {
        let status = match r.status.as_str() {
            "accepted" => StoredStatus::Accepted,
            "rejected" => StoredStatus::Rejected,
            other => return Err(corrupt("submission status", other)),
        };
        Ok(SubmissionMeta {
            id: SubmissionId(r.id),
            org_id: OrgId(r.org_id),
            uploaded_by: r.uploaded_by.map(UserId),
            uploaded_by_label: r.uploaded_by_label,
            uploaded_at: r.uploaded_at,
            file_name: r.file_name,
            sha256: r.sha256,
            size_bytes: r.size_bytes,
            status,
            version: r.version,
            line_count: r.line_count,
            annual_cost_cents: Cents(r.annual_cost_cents),
            is_current: r.is_current,
            report: r.report.0,
        })
    }
}

/// Lines are inserted in batches: one round trip per batch, well under both databases'
/// limits on bound parameters.
const LINE_BATCH: usize = 500;

#[derive(sqlx::FromRow)]
struct InvoiceRow {
    id: Uuid,
    number: String,
    org_id: Uuid,
    run_id: Option<Uuid>,
    kind: String,
    credits: Option<Uuid>,
    instalments: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    amount_cents: i64,
    reference: String,
    rf_reference: String,
    barcode: Option<String>,
    credited: bool,
    document: Json<serde_json::Value>,
    created_at: DateTime<Utc>,
}

const INVOICE_COLUMNS: &str = "id, number, org_id, run_id, kind, credits, instalments, issue_date, due_date, \
    amount_cents, reference, rf_reference, barcode, credited, document, created_at";

/// Instalments are kept as `1,2` text: a short list both databases store the same way.
fn instalments_text(instalments: &[u8]) -> String {
    instalments.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
}

impl TryFrom<InvoiceRow> for InvoiceRecord {
    type Error = StoreError;
    fn try_from(r: InvoiceRow) -> Result<Self> {
        let kind = match r.kind.as_str() {
            "invoice" => InvoiceKind::Invoice,
            "credit_note" => InvoiceKind::CreditNote,
            other => return Err(corrupt("invoice kind", other)),
        };
        let instalments = r
            .instalments
            .split(',')
            .map(|p| p.parse::<u8>().map_err(|_| corrupt("instalments", &r.instalments)))
            .collect::<Result<Vec<u8>>>()?;
        Ok(InvoiceRecord {
            id: InvoiceId(r.id),
            number: r.number,
            org_id: OrgId(r.org_id),
            run_id: r.run_id.map(RunId),
            kind,
            credits: r.credits.map(InvoiceId),
            instalments,
            issue_date: r.issue_date,
            due_date: r.due_date,
            amount_cents: Cents(r.amount_cents),
            reference: r.reference,
            rf_reference: r.rf_reference,
            barcode: r.barcode,
            credited: r.credited,
            document: r.document.0,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct PaymentRow {
    id: Uuid,
    invoice_id: Uuid,
    amount_cents: i64,
    paid_on: NaiveDate,
    reference: Option<String>,
    payer: Option<String>,
    source: String,
    bank_entry: Option<String>,
    created_at: DateTime<Utc>,
}

const PAYMENT_COLUMNS: &str = "id, invoice_id, amount_cents, paid_on, reference, payer, source, bank_entry, created_at";

impl TryFrom<PaymentRow> for PaymentRecord {
    type Error = StoreError;
    fn try_from(r: PaymentRow) -> Result<Self> {
        let source = match r.source.as_str() {
            "manual" => PaymentSource::Manual,
            "bank_file" => PaymentSource::BankFile,
            other => return Err(corrupt("payment source", other)),
        };
        Ok(PaymentRecord {
            id: PaymentId(r.id),
            invoice_id: InvoiceId(r.invoice_id),
            amount_cents: Cents(r.amount_cents),
            paid_on: r.paid_on,
            reference: r.reference,
            payer: r.payer,
            source,
            bank_entry: r.bank_entry,
            created_at: r.created_at,
        })
    }
}

fn already_billed(what: &str) -> StoreError {
    StoreError::Conflict {
        code: "already_billed",
        message: format!("{what} has already been billed for this instalment; nothing was stored"),
    }
}

#[derive(sqlx::FromRow)]
struct ExpenseRow {
    id: Uuid,
    date: NaiveDate,
    category: String,
    amount_cents: i64,
    description: String,
    payee_org_id: Option<Uuid>,
    payee: Option<String>,
    hours_hundredths: Option<i64>,
    rate_cents: Option<i64>,
    document_ref: Option<String>,
    reverses: Option<Uuid>,
    created_by: String,
    created_at: DateTime<Utc>,
}

const EXPENSE_COLUMNS: &str = "id, date, category, amount_cents, description, payee_org_id, payee, \
    hours_hundredths, rate_cents, document_ref, reverses, created_by, created_at";

impl From<ExpenseRow> for ExpenseRecord {
    fn from(r: ExpenseRow) -> Self {
        ExpenseRecord {
            id: lyhty_domain::ExpenseId(r.id),
            date: r.date,
            category: r.category,
            amount_cents: Cents(r.amount_cents),
            description: r.description,
            payee_org_id: r.payee_org_id.map(OrgId),
            payee: r.payee,
            hours_hundredths: r.hours_hundredths,
            rate_cents: r.rate_cents.map(Cents),
            document_ref: r.document_ref,
            reverses: r.reverses.map(lyhty_domain::ExpenseId),
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_foreign_key_violation())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Writes the same SQL for both pool types; see the module documentation.
macro_rules! store_impl {
    ($store:ident, $db:ty, $backend:expr, $migrations:expr) => {
        impl $store {
            /// Appends an audit entry inside the caller's transaction.
            async fn audit_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                actor: &Actor,
                event: &AuditEvent,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO audit_log (at, actor_id, actor_label, action, org_id, subject, detail) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(Utc::now())
                .bind(actor.user_id.map(|u| u.0))
                .bind(&actor.label)
                .bind(&event.action)
                .bind(event.org_id.map(|o| o.0))
                .bind(&event.subject)
                .bind(Json(&event.detail))
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            async fn org_in(tx: &mut sqlx::Transaction<'_, $db>, id: OrgId) -> Result<Option<Org>> {
                let row: Option<OrgRow> =
                    sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1"))
                        .bind(id.0)
                        .fetch_optional(&mut **tx)
                        .await?;
                row.map(Org::try_from).transpose()
            }

            /// A representative must exist, must not be the party itself and must not be
            /// represented in turn (representation is one level deep: Valtori, Kuntaliitto).
            /// A party that represents others cannot itself become represented.
            async fn submission_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: SubmissionId,
            ) -> Result<Option<SubmissionMeta>> {
                let row: Option<SubmissionRow> =
                    sqlx::query_as(&format!("SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.id = $1"))
                        .bind(id.0)
                        .fetch_optional(&mut **tx)
                        .await?;
                row.map(SubmissionMeta::try_from).transpose()
            }

            async fn invoice_in(tx: &mut sqlx::Transaction<'_, $db>, id: InvoiceId) -> Result<Option<InvoiceRecord>> {
                let row: Option<InvoiceRow> =
                    sqlx::query_as(&format!("SELECT {INVOICE_COLUMNS} FROM invoices WHERE id = $1"))
                        .bind(id.0)
                        .fetch_optional(&mut **tx)
                        .await?;
                row.map(InvoiceRecord::try_from).transpose()
            }

            /// The next invoice number of `year`, inside the caller's transaction: the row
            /// lock (PostgreSQL) or the write lock (SQLite) serialises racing runs, and a
            /// rollback gives the number back.
            async fn next_seq(tx: &mut sqlx::Transaction<'_, $db>, year: i32) -> Result<u32> {
                sqlx::query("INSERT INTO invoice_counters (year, last_seq) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING")
                    .bind(year)
                    .execute(&mut **tx)
                    .await?;
                let (seq,): (i32,) =
                    sqlx::query_as("UPDATE invoice_counters SET last_seq = last_seq + 1 WHERE year = $1 RETURNING last_seq")
                        .bind(year)
                        .fetch_one(&mut **tx)
                        .await?;
                Ok(seq.max(0) as u32)
            }

            #[allow(clippy::too_many_arguments)]
            async fn insert_invoice(
                tx: &mut sqlx::Transaction<'_, $db>,
                actor: &Actor,
                org_id: OrgId,
                run_id: Option<RunId>,
                kind: InvoiceKind,
                credits: Option<InvoiceId>,
                instalments: &[u8],
                issue_date: NaiveDate,
                issue: &IssueFn,
            ) -> Result<InvoiceRecord> {
                let year = chrono::Datelike::year(&issue_date);
                let seq = Self::next_seq(tx, year).await?;
                let issued = issue(year, seq).map_err(|message| StoreError::Invalid { code: "invoice_not_issued", message })?;
                let id = InvoiceId::new();
                sqlx::query(
                    "INSERT INTO invoices (id, number, org_id, run_id, kind, credits, instalments, issue_date, due_date, \
                     amount_cents, reference, rf_reference, barcode, document, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                )
                .bind(id.0)
                .bind(&issued.number)
                .bind(org_id.0)
                .bind(run_id.map(|r| r.0))
                .bind(kind.key())
                .bind(credits.map(|c| c.0))
                .bind(instalments_text(instalments))
                .bind(issue_date)
                .bind(issued.due_date)
                .bind(issued.amount_cents.get())
                .bind(&issued.reference)
                .bind(&issued.rf_reference)
                .bind(&issued.barcode)
                .bind(Json(&issued.document))
                .bind(&actor.label)
                .bind(Utc::now())
                .execute(&mut **tx)
                .await?;
                let event = AuditEvent {
                    action: format!("{}.issue", kind.key()),
                    org_id: Some(org_id),
                    subject: Some(id.to_string()),
                    detail: json!({ "number": issued.number, "amount_cents": issued.amount_cents, "instalments": instalments }),
                };
                Self::audit_in(tx, actor, &event).await?;
                Self::invoice_in(tx, id).await?.ok_or(StoreError::NotFound)
            }

            async fn check_representation(
                tx: &mut sqlx::Transaction<'_, $db>,
                org: Option<OrgId>,
                represented_by: Option<OrgId>,
            ) -> Result<()> {
                let Some(rep_id) = represented_by else { return Ok(()) };
                let invalid = |message: &str| StoreError::Invalid {
                    code: "invalid_represented_by",
                    message: message.to_string(),
                };
                if Some(rep_id) == org {
                    return Err(invalid("a party cannot represent itself"));
                }
                let rep = Self::org_in(tx, rep_id)
                    .await?
                    .ok_or_else(|| invalid("the representing party does not exist"))?;
                if rep.represented_by.is_some() {
                    return Err(invalid("the representing party is itself represented by another party"));
                }
                if let Some(org) = org {
                    let (represents,): (i64,) =
                        sqlx::query_as("SELECT COUNT(*) FROM orgs WHERE represented_by = $1")
                            .bind(org.0)
                            .fetch_one(&mut **tx)
                            .await?;
                    if represents > 0 {
                        return Err(invalid("a party that represents others cannot itself be represented"));
                    }
                }
                Ok(())
            }
        }

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

            #[instrument(skip_all, fields(business_id = %org.business_id))]
            async fn create_org(&self, actor: &Actor, org: &NewOrg) -> Result<Org> {
                let mut tx = self.pool.begin().await?;
                Self::check_representation(&mut tx, None, org.represented_by).await?;
                let id = OrgId::new();
                let now = Utc::now();
                let inserted = sqlx::query(
                    "INSERT INTO orgs (id, name, business_id, category, annual_budget_cents, budget_year, \
                     budget_source, joined_on, accession_number, represented_by, einvoice_address, \
                     contact_name, contact_email, contact_phone, cost_share_cents, status, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'active', $16, $16)",
                )
                .bind(id.0)
                .bind(&org.name)
                .bind(org.business_id.as_str())
                .bind(org.category.key())
                .bind(org.annual_budget_cents.map(Cents::get))
                .bind(org.budget_year)
                .bind(&org.budget_source)
                .bind(org.joined_on)
                .bind(&org.accession_number)
                .bind(org.represented_by.map(|o| o.0))
                .bind(&org.einvoice_address)
                .bind(&org.contact_name)
                .bind(&org.contact_email)
                .bind(&org.contact_phone)
                .bind(org.cost_share_cents.map(Cents::get))
                .bind(now)
                .execute(&mut *tx)
                .await;
                match inserted {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::Conflict {
                            code: "duplicate_business_id",
                            message: format!("a party with business ID {} already exists", org.business_id),
                        });
                    }
                    other => other?,
                };
                let event = AuditEvent {
                    action: "org.create".into(),
                    org_id: Some(id),
                    subject: Some(id.to_string()),
                    detail: json!({ "name": org.name, "business_id": org.business_id, "category": org.category }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                let created = Self::org_in(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                tx.commit().await?;
                Ok(created)
            }

            async fn get_org(&self, id: OrgId) -> Result<Option<Org>> {
                let row: Option<OrgRow> =
                    sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1"))
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(Org::try_from).transpose()
            }

            async fn find_org_by_business_id(&self, business_id: &BusinessId) -> Result<Option<Org>> {
                let row: Option<OrgRow> =
                    sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE business_id = $1"))
                        .bind(business_id.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(Org::try_from).transpose()
            }

            async fn list_orgs(&self) -> Result<Vec<Org>> {
                let rows: Vec<OrgRow> =
                    sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM orgs ORDER BY name, business_id"))
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(Org::try_from).collect()
            }

            #[instrument(skip_all, fields(org = %id))]
            async fn update_org(&self, actor: &Actor, id: OrgId, patch: &OrgPatch) -> Result<Org> {
                let mut tx = self.pool.begin().await?;
                let current = Self::org_in(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                let next = patch.apply(&current);
                if patch.represented_by.is_some() {
                    Self::check_representation(&mut tx, Some(id), next.represented_by).await?;
                }
                let updated = sqlx::query(
                    "UPDATE orgs SET name = $2, business_id = $3, category = $4, annual_budget_cents = $5, \
                     budget_year = $6, budget_source = $7, joined_on = $8, accession_number = $9, \
                     represented_by = $10, einvoice_address = $11, contact_name = $12, contact_email = $13, \
                     contact_phone = $14, cost_share_cents = $15, updated_at = $16 WHERE id = $1",
                )
                .bind(id.0)
                .bind(&next.name)
                .bind(next.business_id.as_str())
                .bind(next.category.key())
                .bind(next.annual_budget_cents.map(Cents::get))
                .bind(next.budget_year)
                .bind(&next.budget_source)
                .bind(next.joined_on)
                .bind(&next.accession_number)
                .bind(next.represented_by.map(|o| o.0))
                .bind(&next.einvoice_address)
                .bind(&next.contact_name)
                .bind(&next.contact_email)
                .bind(&next.contact_phone)
                .bind(next.cost_share_cents.map(Cents::get))
                .bind(Utc::now())
                .execute(&mut *tx)
                .await;
                match updated {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::Conflict {
                            code: "duplicate_business_id",
                            message: format!("a party with business ID {} already exists", next.business_id),
                        });
                    }
                    other => other?,
                };
                let event = AuditEvent {
                    action: "org.update".into(),
                    org_id: Some(id),
                    subject: Some(id.to_string()),
                    detail: json!({ "fields": patch.fields() }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                tx.commit().await?;
                Ok(next)
            }

            #[instrument(skip_all, fields(org = %id))]
            async fn terminate_org(&self, actor: &Actor, id: OrgId, termination: Termination) -> Result<Org> {
                let mut tx = self.pool.begin().await?;
                let current = Self::org_in(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                if current.status != OrgStatus::Active {
                    return Err(StoreError::Conflict {
                        code: "already_terminated",
                        message: format!(
                            "the agreement of {} has already ended ({})",
                            current.name,
                            current.status.key()
                        ),
                    });
                }
                let status = match termination.kind {
                    TerminationKind::Notice => OrgStatus::Terminated,
                    TerminationKind::Expelled => OrgStatus::Expelled,
                };
                sqlx::query("UPDATE orgs SET status = $2, status_effective_on = $3, updated_at = $4 WHERE id = $1")
                    .bind(id.0)
                    .bind(status.key())
                    .bind(termination.effective_on)
                    .bind(Utc::now())
                    .execute(&mut *tx)
                    .await?;
                let event = AuditEvent {
                    action: "org.terminate".into(),
                    org_id: Some(id),
                    subject: Some(id.to_string()),
                    detail: json!({ "kind": termination.kind, "effective_on": termination.effective_on }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                tx.commit().await?;
                Ok(Org { status, status_effective_on: Some(termination.effective_on), ..current })
            }

            #[instrument(skip_all, fields(role = user.role.key()))]
            async fn create_user(&self, actor: &Actor, user: &NewUser) -> Result<User> {
                let mut tx = self.pool.begin().await?;
                if let Some(org) = user.org_id {
                    if Self::org_in(&mut tx, org).await?.is_none() {
                        return Err(StoreError::Invalid {
                            code: "unknown_org",
                            message: "the user's organisation does not exist".into(),
                        });
                    }
                }
                let id = UserId::new();
                let email = normalise_email(&user.email);
                let inserted = sqlx::query(
                    "INSERT INTO users (id, email, name, role, org_id, password_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id.0)
                .bind(&email)
                .bind(&user.name)
                .bind(user.role.key())
                .bind(user.org_id.map(|o| o.0))
                .bind(&user.password_hash)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await;
                match inserted {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::Conflict {
                            code: "duplicate_email",
                            message: format!("a user with e-mail {email} already exists"),
                        });
                    }
                    other => other?,
                };
                let event = AuditEvent {
                    action: "user.create".into(),
                    org_id: user.org_id,
                    subject: Some(id.to_string()),
                    detail: json!({ "email": email, "role": user.role }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                let row: UserRow =
                    sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                        .bind(id.0)
                        .fetch_one(&mut *tx)
                        .await?;
                tx.commit().await?;
                Ok(row.into_user()?.0)
            }

            async fn get_user(&self, id: UserId) -> Result<Option<User>> {
                let row: Option<UserRow> = sqlx::query_as(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(UserRow::into_user).transpose()?.map(|(u, _)| u))
            }

            async fn find_user_by_email(&self, email: &str) -> Result<Option<(User, String)>> {
                let row: Option<UserRow> = sqlx::query_as(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE email = $1 AND deleted_at IS NULL"
                ))
                .bind(normalise_email(email))
                .fetch_optional(&self.pool)
                .await?;
                row.map(UserRow::into_user).transpose()
            }

            async fn list_users(&self) -> Result<Vec<User>> {
                let rows: Vec<UserRow> = sqlx::query_as(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE deleted_at IS NULL ORDER BY email"
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|r| r.into_user().map(|(u, _)| u)).collect()
            }

            #[instrument(skip_all, fields(user = %id))]
            async fn delete_user(&self, actor: &Actor, id: UserId) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                let closed = sqlx::query("UPDATE users SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL")
                    .bind(id.0)
                    .bind(Utc::now())
                    .execute(&mut *tx)
                    .await?;
                if closed.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                let event = AuditEvent {
                    action: "user.delete".into(),
                    org_id: None,
                    subject: Some(id.to_string()),
                    detail: serde_json::Value::Null,
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn count_users(&self) -> Result<u64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE deleted_at IS NULL")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(n.max(0) as u64)
            }

            async fn record_login_failure(&self, email: &str, at: DateTime<Utc>) -> Result<()> {
                sqlx::query("INSERT INTO login_failures (email, at) VALUES ($1, $2)")
                    .bind(normalise_email(email))
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn count_login_failures(&self, email: &str, since: DateTime<Utc>) -> Result<u64> {
                let (n,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at >= $2")
                        .bind(normalise_email(email))
                        .bind(since)
                        .fetch_one(&self.pool)
                        .await?;
                Ok(n.max(0) as u64)
            }

            async fn prune_login_failures(&self, before: DateTime<Utc>, email: Option<&str>) -> Result<()> {
                sqlx::query("DELETE FROM login_failures WHERE at < $1 OR email = $2")
                    .bind(before)
                    .bind(email.map(normalise_email))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[instrument(skip_all, fields(org = %submission.org_id, status = submission.status.key()))]
            async fn save_submission(&self, actor: &Actor, submission: &NewSubmission) -> Result<SubmissionMeta> {
                let mut tx = self.pool.begin().await?;
                if Self::org_in(&mut tx, submission.org_id).await?.is_none() {
                    return Err(StoreError::NotFound);
                }
                let id = SubmissionId::new();
                let now = Utc::now();
                let version = match submission.status {
                    StoredStatus::Accepted => {
                        let (last,): (i32,) = sqlx::query_as(
                            "SELECT CAST(COALESCE(MAX(version), 0) AS INTEGER) FROM submissions WHERE org_id = $1",
                        )
                        .bind(submission.org_id.0)
                        .fetch_one(&mut *tx)
                        .await?;
                        Some(last + 1)
                    }
                    StoredStatus::Rejected => None,
                };
                let lines: &[LicenceLine] =
                    if version.is_some() { &submission.lines } else { &[] };
                let inserted = sqlx::query(
                    "INSERT INTO submissions (id, org_id, uploaded_by, uploaded_by_label, uploaded_at, file_name, \
                     sha256, size_bytes, status, version, line_count, annual_cost_cents, report, file) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                )
                .bind(id.0)
                .bind(submission.org_id.0)
                .bind(actor.user_id.map(|u| u.0))
                .bind(&actor.label)
                .bind(now)
                .bind(&submission.file_name)
                .bind(&submission.sha256)
                .bind(submission.file.len() as i64)
                .bind(submission.status.key())
                .bind(version)
                .bind(i32::try_from(lines.len()).unwrap_or(i32::MAX))
                .bind(submission.annual_cost_cents.get())
                .bind(Json(&submission.report))
                .bind(&submission.file)
                .execute(&mut *tx)
                .await;
                match inserted {
                    // Two uploads for one organisation raced for the same version number.
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::Conflict {
                            code: "concurrent_submission",
                            message: "another submission for this organisation was stored at the same moment; try again".into(),
                        });
                    }
                    other => other?,
                };
                for (batch_no, batch) in lines.chunks(LINE_BATCH).enumerate() {
                    let mut insert =
                        sqlx::QueryBuilder::<$db>::new("INSERT INTO submission_lines (submission_id, line_no, line) ");
                    insert.push_values(batch.iter().enumerate(), |mut row, (i, line)| {
                        let line_no = i32::try_from(batch_no * LINE_BATCH + i).unwrap_or(i32::MAX);
                        row.push_bind(id.0).push_bind(line_no).push_bind(Json(line));
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                if version.is_some() {
                    sqlx::query("INSERT INTO current_inventory_log (org_id, submission_id, since) VALUES ($1, $2, $3)")
                        .bind(submission.org_id.0)
                        .bind(id.0)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                let event = AuditEvent {
                    action: format!("submission.{}", submission.status.key()),
                    org_id: Some(submission.org_id),
                    subject: Some(id.to_string()),
                    detail: json!({
                        "file_name": submission.file_name, "sha256": submission.sha256,
                        "version": version, "lines": lines.len(),
                    }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                let stored = Self::submission_in(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                tx.commit().await?;
                Ok(stored)
            }

            async fn get_submission(&self, id: SubmissionId) -> Result<Option<SubmissionMeta>> {
                let row: Option<SubmissionRow> =
                    sqlx::query_as(&format!("SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.id = $1"))
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(SubmissionMeta::try_from).transpose()
            }

            async fn list_submissions(&self, org: OrgId) -> Result<Vec<SubmissionMeta>> {
                let rows: Vec<SubmissionRow> = sqlx::query_as(&format!(
                    "SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.org_id = $1 \
                     ORDER BY s.uploaded_at DESC, s.id DESC"
                ))
                .bind(org.0)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(SubmissionMeta::try_from).collect()
            }

            async fn current_submission(&self, org: OrgId) -> Result<Option<SubmissionMeta>> {
                let row: Option<SubmissionRow> = sqlx::query_as(&format!(
                    "SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.id = \
                     (SELECT c.submission_id FROM current_inventory_log c WHERE c.org_id = $1 ORDER BY c.seq DESC LIMIT 1)"
                ))
                .bind(org.0)
                .fetch_optional(&self.pool)
                .await?;
                row.map(SubmissionMeta::try_from).transpose()
            }

            async fn submission_lines(&self, id: SubmissionId) -> Result<Vec<LicenceLine>> {
                let rows: Vec<(Json<LicenceLine>,)> =
                    sqlx::query_as("SELECT line FROM submission_lines WHERE submission_id = $1 ORDER BY line_no")
                        .bind(id.0)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(|(line,)| line.0).collect())
            }

            async fn submission_file(&self, id: SubmissionId) -> Result<Option<(String, Vec<u8>)>> {
                Ok(sqlx::query_as("SELECT file_name, file FROM submissions WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[instrument(skip_all, fields(submission = %id))]
            async fn restore_submission(&self, actor: &Actor, id: SubmissionId) -> Result<SubmissionMeta> {
                let mut tx = self.pool.begin().await?;
                let submission = Self::submission_in(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                if submission.status != StoredStatus::Accepted {
                    return Err(StoreError::Invalid {
                        code: "not_a_version",
                        message: "a rejected submission never became a version, so it cannot be restored".into(),
                    });
                }
                if !submission.is_current {
                    sqlx::query("INSERT INTO current_inventory_log (org_id, submission_id, since) VALUES ($1, $2, $3)")
                        .bind(submission.org_id.0)
                        .bind(id.0)
                        .bind(Utc::now())
                        .execute(&mut *tx)
                        .await?;
                    let event = AuditEvent {
                        action: "submission.restore".into(),
                        org_id: Some(submission.org_id),
                        subject: Some(id.to_string()),
                        detail: json!({ "version": submission.version }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                }
                let restored = Self::submission_in(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                tx.commit().await?;
                Ok(restored)
            }

            async fn current_lines_as_of(&self, as_of: DateTime<Utc>) -> Result<Vec<(OrgId, LicenceLine)>> {
                let rows: Vec<(Uuid, Json<LicenceLine>)> = sqlx::query_as(
                    "SELECT c.org_id, l.line FROM current_inventory_log c \
                     JOIN submission_lines l ON l.submission_id = c.submission_id \
                     WHERE c.seq = (SELECT MAX(c2.seq) FROM current_inventory_log c2 \
                                    WHERE c2.org_id = c.org_id AND c2.since <= $1) \
                     ORDER BY c.org_id, l.line_no",
                )
                .bind(as_of)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(org, line)| (OrgId(org), line.0)).collect())
            }

            async fn list_vendor_aliases(&self) -> Result<Vec<VendorAlias>> {
                Ok(sqlx::query_as("SELECT alias, canonical, created_by, created_at FROM vendor_aliases ORDER BY alias")
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(|(alias, canonical, created_by, created_at)| VendorAlias { alias, canonical, created_by, created_at })
                    .collect())
            }

            async fn put_vendor_alias(&self, actor: &Actor, alias: &str, canonical: &str) -> Result<VendorAlias> {
                let mut tx = self.pool.begin().await?;
                let now = Utc::now();
                sqlx::query(
                    "INSERT INTO vendor_aliases (alias, canonical, created_by, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (alias) DO UPDATE SET canonical = excluded.canonical, \
                     created_by = excluded.created_by, created_at = excluded.created_at",
                )
                .bind(alias)
                .bind(canonical)
                .bind(&actor.label)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let event = AuditEvent {
                    action: "vendor_alias.put".into(),
                    org_id: None,
                    subject: Some(alias.to_string()),
                    detail: json!({ "canonical": canonical }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                tx.commit().await?;
                Ok(VendorAlias { alias: alias.into(), canonical: canonical.into(), created_by: actor.label.clone(), created_at: now })
            }

            async fn put_cost_share_model(&self, actor: &Actor, version: &ModelVersion) -> Result<ModelVersion> {
                let mut tx = self.pool.begin().await?;
                let now = Utc::now();
                let inserted = sqlx::query(
                    "INSERT INTO cost_share_models (version, valid_from, model, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&version.version)
                .bind(version.valid_from)
                .bind(Json(&version.model))
                .bind(&actor.label)
                .bind(now)
                .execute(&mut *tx)
                .await;
                match inserted {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::Conflict {
                            code: "duplicate_model_version",
                            message: format!("model version {:?} exists; versions are never rewritten", version.version),
                        });
                    }
                    other => other?,
                };
                let event = AuditEvent {
                    action: "cost_share_model.add".into(),
                    org_id: None,
                    subject: Some(version.version.clone()),
                    detail: json!({ "valid_from": version.valid_from }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                tx.commit().await?;
                Ok(ModelVersion { created_by: actor.label.clone(), created_at: now, ..version.clone() })
            }

            async fn list_cost_share_models(&self) -> Result<Vec<ModelVersion>> {
                let rows: Vec<(String, NaiveDate, Json<serde_json::Value>, String, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT version, valid_from, model, created_by, created_at FROM cost_share_models ORDER BY valid_from, created_at",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(version, valid_from, model, created_by, created_at)| ModelVersion {
                        version,
                        valid_from,
                        model: model.0,
                        created_by,
                        created_at,
                    })
                    .collect())
            }

            #[instrument(skip_all, fields(instalment = run.instalment, drafts = drafts.len()))]
            async fn record_invoice_run(
                &self,
                actor: &Actor,
                run: &NewRun,
                drafts: Vec<DraftInvoice>,
                self_contributions: &[SelfContributionRecord],
            ) -> Result<RunRecord> {
                let mut tx = self.pool.begin().await?;
                let run_id = RunId::new();
                sqlx::query(
                    "INSERT INTO invoice_runs (id, instalment, issue_date, model_version, overridden, summary, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(run_id.0)
                .bind(i32::from(run.instalment))
                .bind(run.issue_date)
                .bind(&run.model_version)
                .bind(run.overridden)
                .bind(Json(&run.summary))
                .bind(&actor.label)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
                let mut invoices = Vec::with_capacity(drafts.len());
                for draft in &drafts {
                    let invoice = Self::insert_invoice(
                        &mut tx,
                        actor,
                        draft.org_id,
                        Some(run_id),
                        InvoiceKind::Invoice,
                        None,
                        &draft.instalments,
                        draft.issue_date,
                        &draft.issue,
                    )
                    .await?;
                    for instalment in &draft.instalments {
                        let billed = sqlx::query("INSERT INTO billed_instalments (invoice_id, org_id, instalment) VALUES ($1, $2, $3)")
                            .bind(invoice.id.0)
                            .bind(draft.org_id.0)
                            .bind(i32::from(*instalment))
                            .execute(&mut *tx)
                            .await;
                        match billed {
                            Err(e) if is_unique_violation(&e) => return Err(already_billed("a party")),
                            other => other?,
                        };
                    }
                    invoices.push(invoice);
                }
                for contribution in self_contributions {
                    let booked = sqlx::query(
                        "INSERT INTO self_contributions (org_id, instalment, amount_cents, paid_on, run_id) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(contribution.org_id.0)
                    .bind(i32::from(contribution.instalment))
                    .bind(contribution.amount_cents.get())
                    .bind(contribution.paid_on)
                    .bind(run_id.0)
                    .execute(&mut *tx)
                    .await;
                    match booked {
                        Err(e) if is_unique_violation(&e) => return Err(already_billed("the coordinator's own share")),
                        other => other?,
                    };
                }
                let event = AuditEvent {
                    action: "invoice_run.record".into(),
                    org_id: None,
                    subject: Some(run_id.to_string()),
                    detail: json!({ "instalment": run.instalment, "issue_date": run.issue_date,
                                    "invoices": invoices.len(), "overridden": run.overridden }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                tx.commit().await?;
                Ok(RunRecord {
                    id: run_id,
                    instalment: run.instalment,
                    issue_date: run.issue_date,
                    invoices,
                    self_contributions: self_contributions.to_vec(),
                })
            }

            #[instrument(skip_all, fields(invoice = %invoice))]
            async fn record_credit_note(
                &self,
                actor: &Actor,
                invoice: InvoiceId,
                issue_date: NaiveDate,
                issue: IssueFn,
            ) -> Result<InvoiceRecord> {
                let mut tx = self.pool.begin().await?;
                let original = Self::invoice_in(&mut tx, invoice).await?.ok_or(StoreError::NotFound)?;
                if original.kind != InvoiceKind::Invoice {
                    return Err(StoreError::Invalid { code: "not_an_invoice", message: "a credit note cannot be credited".into() });
                }
                if original.credited {
                    return Err(StoreError::Conflict {
                        code: "already_credited",
                        message: format!("invoice {} has already been credited", original.number),
                    });
                }
                let note = Self::insert_invoice(
                    &mut tx,
                    actor,
                    original.org_id,
                    None,
                    InvoiceKind::CreditNote,
                    Some(original.id),
                    &original.instalments,
                    issue_date,
                    &issue,
                )
                .await?;
                sqlx::query("UPDATE invoices SET credited = TRUE WHERE id = $1").bind(invoice.0).execute(&mut *tx).await?;
                sqlx::query("UPDATE billed_instalments SET live = FALSE WHERE invoice_id = $1")
                    .bind(invoice.0)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(note)
            }

            async fn get_invoice(&self, id: InvoiceId) -> Result<Option<InvoiceRecord>> {
                let row: Option<InvoiceRow> = sqlx::query_as(&format!("SELECT {INVOICE_COLUMNS} FROM invoices WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(InvoiceRecord::try_from).transpose()
            }

            async fn list_invoices(&self, org: Option<OrgId>) -> Result<Vec<InvoiceRecord>> {
                let rows: Vec<InvoiceRow> = sqlx::query_as(&format!(
                    "SELECT {INVOICE_COLUMNS} FROM invoices WHERE ($1 IS NULL OR org_id = $1) ORDER BY issue_date, number"
                ))
                .bind(org.map(|o| o.0))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(InvoiceRecord::try_from).collect()
            }

            async fn find_invoices_by_reference(&self, reference: &str) -> Result<Vec<InvoiceRecord>> {
                let rows: Vec<InvoiceRow> = sqlx::query_as(&format!(
                    "SELECT {INVOICE_COLUMNS} FROM invoices WHERE reference = $1 AND kind = 'invoice' ORDER BY number"
                ))
                .bind(reference)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(InvoiceRecord::try_from).collect()
            }

            async fn billed_instalments(&self) -> Result<Vec<BilledInstalment>> {
                let rows: Vec<(Uuid, i32, Uuid)> =
                    sqlx::query_as("SELECT org_id, instalment, invoice_id FROM billed_instalments WHERE live ORDER BY org_id, instalment")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(org, instalment, invoice)| BilledInstalment {
                        org_id: OrgId(org),
                        instalment: u8::try_from(instalment).unwrap_or(u8::MAX),
                        invoice_id: InvoiceId(invoice),
                    })
                    .collect())
            }

            async fn list_self_contributions(&self) -> Result<Vec<SelfContributionRecord>> {
                let rows: Vec<(Uuid, i32, i64, NaiveDate)> =
                    sqlx::query_as("SELECT org_id, instalment, amount_cents, paid_on FROM self_contributions ORDER BY paid_on, instalment")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(org, instalment, amount, paid_on)| SelfContributionRecord {
                        org_id: OrgId(org),
                        instalment: u8::try_from(instalment).unwrap_or(u8::MAX),
                        amount_cents: Cents(amount),
                        paid_on,
                    })
                    .collect())
            }

            #[instrument(skip_all, fields(payments = payments.len()))]
            async fn record_payments(&self, actor: &Actor, payments: &[NewPayment]) -> Result<Vec<PaymentRecord>> {
                let mut tx = self.pool.begin().await?;
                let mut stored = Vec::new();
                for p in payments {
                    let invoice = Self::invoice_in(&mut tx, p.invoice_id).await?.ok_or_else(|| StoreError::Invalid {
                        code: "unknown_invoice",
                        message: "the payment's invoice does not exist".into(),
                    })?;
                    let id = PaymentId::new();
                    let row: Option<PaymentRow> = sqlx::query_as(&format!(
                        "INSERT INTO payments (id, invoice_id, amount_cents, paid_on, reference, payer, source, bank_entry, \
                         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                         ON CONFLICT (bank_entry) DO NOTHING RETURNING {PAYMENT_COLUMNS}"
                    ))
                    .bind(id.0)
                    .bind(p.invoice_id.0)
                    .bind(p.amount_cents.get())
                    .bind(p.paid_on)
                    .bind(&p.reference)
                    .bind(&p.payer)
                    .bind(p.source.key())
                    .bind(&p.bank_entry)
                    .bind(&actor.label)
                    .bind(Utc::now())
                    .fetch_optional(&mut *tx)
                    .await?;
                    if let Some(row) = row {
                        let event = AuditEvent {
                            action: "payment.record".into(),
                            org_id: Some(invoice.org_id),
                            subject: Some(id.to_string()),
                            detail: json!({ "invoice": invoice.number, "amount_cents": p.amount_cents, "source": p.source }),
                        };
                        Self::audit_in(&mut tx, actor, &event).await?;
                        stored.push(PaymentRecord::try_from(row)?);
                    }
                }
                tx.commit().await?;
                Ok(stored)
            }

            async fn list_payments(&self, invoice: Option<InvoiceId>) -> Result<Vec<PaymentRecord>> {
                let rows: Vec<PaymentRow> = sqlx::query_as(&format!(
                    "SELECT {PAYMENT_COLUMNS} FROM payments WHERE ($1 IS NULL OR invoice_id = $1) ORDER BY paid_on, created_at"
                ))
                .bind(invoice.map(|i| i.0))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(PaymentRecord::try_from).collect()
            }

            #[instrument(skip_all, fields(expense = %expense.id))]
            async fn record_expense(&self, actor: &Actor, expense: &ExpenseRecord) -> Result<ExpenseRecord> {
                let mut tx = self.pool.begin().await?;
                let now = Utc::now();
                let row: std::result::Result<ExpenseRow, sqlx::Error> = sqlx::query_as(&format!(
                    "INSERT INTO expenses (id, date, category, amount_cents, description, payee_org_id, payee, \
                     hours_hundredths, rate_cents, document_ref, reverses, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING {EXPENSE_COLUMNS}"
                ))
                .bind(expense.id.0)
                .bind(expense.date)
                .bind(&expense.category)
                .bind(expense.amount_cents.get())
                .bind(&expense.description)
                .bind(expense.payee_org_id.map(|o| o.0))
                .bind(&expense.payee)
                .bind(expense.hours_hundredths)
                .bind(expense.rate_cents.map(Cents::get))
                .bind(&expense.document_ref)
                .bind(expense.reverses.map(|r| r.0))
                .bind(&actor.label)
                .bind(now)
                .fetch_one(&mut *tx)
                .await;
                let row = match row {
                    Err(e) if is_unique_violation(&e) && expense.reverses.is_some() => {
                        return Err(StoreError::Conflict {
                            code: "already_reversed",
                            message: "this entry has already been reversed".into(),
                        });
                    }
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::Conflict { code: "duplicate_expense", message: "this entry is already booked".into() });
                    }
                    Err(e) if is_foreign_key_violation(&e) => {
                        return Err(StoreError::Invalid {
                            code: "unknown_reference",
                            message: "the payee or the reversed entry does not exist".into(),
                        });
                    }
                    other => other?,
                };
                let event = AuditEvent {
                    action: if expense.reverses.is_some() { "expense.reverse".into() } else { "expense.record".into() },
                    org_id: expense.payee_org_id,
                    subject: Some(expense.id.to_string()),
                    detail: json!({ "date": expense.date, "category": expense.category,
                                    "amount_cents": expense.amount_cents, "reverses": expense.reverses }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                tx.commit().await?;
                Ok(ExpenseRecord::from(row))
            }

            async fn get_expense(&self, id: lyhty_domain::ExpenseId) -> Result<Option<ExpenseRecord>> {
                let row: Option<ExpenseRow> = sqlx::query_as(&format!("SELECT {EXPENSE_COLUMNS} FROM expenses WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(ExpenseRecord::from))
            }

            async fn list_expenses(&self) -> Result<Vec<ExpenseRecord>> {
                // Ids are UUIDv7: within a day they sort in booking order.
                let rows: Vec<ExpenseRow> =
                    sqlx::query_as(&format!("SELECT {EXPENSE_COLUMNS} FROM expenses ORDER BY date, created_at, id"))
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(ExpenseRecord::from).collect())
            }

            async fn add_hourly_rate(&self, actor: &Actor, rate: &RateRecord) -> Result<RateRecord> {
                let mut tx = self.pool.begin().await?;
                let now = Utc::now();
                let inserted = sqlx::query(
                    "INSERT INTO hourly_rates (valid_from, rate_cents, decision, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(rate.valid_from)
                .bind(rate.rate_cents.get())
                .bind(&rate.decision)
                .bind(&actor.label)
                .bind(now)
                .execute(&mut *tx)
                .await;
                match inserted {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::Conflict {
                            code: "duplicate_rate_date",
                            message: format!("a rate from {} is already decided; rates are never rewritten", rate.valid_from),
                        });
                    }
                    other => other?,
                };
                let event = AuditEvent {
                    action: "hourly_rate.add".into(),
                    org_id: None,
                    subject: Some(rate.valid_from.to_string()),
                    detail: json!({ "rate_cents": rate.rate_cents, "decision": rate.decision }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                tx.commit().await?;
                Ok(RateRecord { created_by: actor.label.clone(), created_at: now, ..rate.clone() })
            }

            async fn list_hourly_rates(&self) -> Result<Vec<RateRecord>> {
                let rows: Vec<(NaiveDate, i64, Option<String>, String, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT valid_from, rate_cents, decision, created_by, created_at FROM hourly_rates ORDER BY valid_from",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(valid_from, rate, decision, created_by, created_at)| RateRecord {
                        valid_from,
                        rate_cents: Cents(rate),
                        decision,
                        created_by,
                        created_at,
                    })
                    .collect())
            }

            #[instrument(skip_all)]
            async fn add_budget_plan(
                &self,
                actor: &Actor,
                approved_on: NaiveDate,
                note: Option<&str>,
                lines: &serde_json::Value,
            ) -> Result<PlanVersion> {
                let mut tx = self.pool.begin().await?;
                let now = Utc::now();
                // The next number inside the transaction; two racing writers collide on the
                // primary key and the second is told to try again rather than overwrite.
                let (last,): (Option<i32>,) =
                    sqlx::query_as("SELECT MAX(version) FROM budget_plans").fetch_one(&mut *tx).await?;
                let version = last.unwrap_or(0) + 1;
                let inserted = sqlx::query(
                    "INSERT INTO budget_plans (version, approved_on, note, lines, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(version)
                .bind(approved_on)
                .bind(note)
                .bind(Json(lines))
                .bind(&actor.label)
                .bind(now)
                .execute(&mut *tx)
                .await;
                match inserted {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::Conflict {
                            code: "concurrent_plan_version",
                            message: "another plan version was saved at the same time; reload and try again".into(),
                        });
                    }
                    other => other?,
                };
                let event = AuditEvent {
                    action: "budget_plan.add".into(),
                    org_id: None,
                    subject: Some(version.to_string()),
                    detail: json!({ "approved_on": approved_on, "note": note }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                tx.commit().await?;
                Ok(PlanVersion {
                    version,
                    approved_on,
                    note: note.map(str::to_string),
                    lines: lines.clone(),
                    created_by: actor.label.clone(),
                    created_at: now,
                })
            }

            async fn list_budget_plans(&self) -> Result<Vec<PlanVersion>> {
                let rows: Vec<(i32, NaiveDate, Option<String>, Json<serde_json::Value>, String, DateTime<Utc>)> =
                    sqlx::query_as(
                        "SELECT version, approved_on, note, lines, created_by, created_at FROM budget_plans ORDER BY version",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(version, approved_on, note, lines, created_by, created_at)| PlanVersion {
                        version,
                        approved_on,
                        note,
                        lines: lines.0,
                        created_by,
                        created_at,
                    })
                    .collect())
            }

            async fn save_release(&self, actor: &Actor, release: &NewRelease) -> Result<ReleaseSummary> {
                let mut tx = self.pool.begin().await?;
                // Releases come in date order: the difference between two releases is
                // information, and a later audit reads them in that order. The latest
                // date again is a correction, ordered after it by creation.
                let (latest,): (Option<NaiveDate>,) = sqlx::query_as("SELECT MAX(as_of) FROM releases")
                    .fetch_one(&mut *tx)
                    .await?;
                if latest.is_some_and(|latest| release.as_of < latest) {
                    return Err(StoreError::Conflict {
                        code: "release_not_after_previous",
                        message: "a release's cut-off date may not be before the latest release's".into(),
                    });
                }
                let inserted = sqlx::query(
                    "INSERT INTO releases (id, as_of, created_at, created_by, release_json, audit, params, stats, \
                     contributions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(release.id)
                .bind(release.as_of)
                .bind(release.created_at)
                .bind(&actor.label)
                .bind(&release.release_json)
                .bind(Json(&release.audit))
                .bind(Json(&release.params))
                .bind(Json(&release.stats))
                .bind(&release.contributions)
                .execute(&mut *tx)
                .await;
                match inserted {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::Conflict {
                            code: "release_exists",
                            message: "a release with this id is already stored".into(),
                        });
                    }
                    other => other?,
                };
                let event = AuditEvent {
                    action: "release.publish".into(),
                    org_id: None,
                    subject: Some(release.id.to_string()),
                    detail: json!({ "as_of": release.as_of }),
                };
                Self::audit_in(&mut tx, actor, &event).await?;
                tx.commit().await?;
                Ok(ReleaseSummary {
                    id: release.id,
                    as_of: release.as_of,
                    created_at: release.created_at,
                    created_by: actor.label.clone(),
                })
            }

            async fn list_releases(&self) -> Result<Vec<ReleaseSummary>> {
                let rows: Vec<(Uuid, NaiveDate, DateTime<Utc>, String)> =
                    sqlx::query_as("SELECT id, as_of, created_at, created_by FROM releases \
                     ORDER BY as_of DESC, created_at DESC, id DESC")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, as_of, created_at, created_by)| ReleaseSummary { id, as_of, created_at, created_by })
                    .collect())
            }

            async fn get_release(&self, id: Uuid) -> Result<Option<ReleaseRecord>> {
                #[allow(clippy::type_complexity)]
                let row: Option<(
                    Uuid,
                    NaiveDate,
                    DateTime<Utc>,
                    String,
                    String,
                    Json<serde_json::Value>,
                    Json<serde_json::Value>,
                    Json<serde_json::Value>,
                )> = sqlx::query_as(
                    "SELECT id, as_of, created_at, created_by, release_json, audit, params, stats \
                     FROM releases WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(id, as_of, created_at, created_by, release_json, audit, params, stats)| ReleaseRecord {
                    summary: ReleaseSummary { id, as_of, created_at, created_by },
                    release_json,
                    audit: audit.0,
                    params: params.0,
                    stats: stats.0,
                }))
            }

            async fn release_contributions(&self) -> Result<Vec<(ReleaseSummary, String)>> {
                let rows: Vec<(Uuid, NaiveDate, DateTime<Utc>, String, String)> = sqlx::query_as(
                    "SELECT id, as_of, created_at, created_by, contributions FROM releases \
                     ORDER BY as_of, created_at, id",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, as_of, created_at, created_by, contributions)| {
                        (ReleaseSummary { id, as_of, created_at, created_by }, contributions)
                    })
                    .collect())
            }

            async fn current_submissions_as_of(&self, as_of: DateTime<Utc>) -> Result<Vec<(OrgId, SubmissionId)>> {
                let rows: Vec<(Uuid, Uuid)> = sqlx::query_as(
                    "SELECT c.org_id, c.submission_id FROM current_inventory_log c \
                     WHERE c.seq = (SELECT MAX(c2.seq) FROM current_inventory_log c2 \
                                    WHERE c2.org_id = c.org_id AND c2.since <= $1) \
                     ORDER BY c.org_id",
                )
                .bind(as_of)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(org, submission)| (OrgId(org), SubmissionId(submission))).collect())
            }

            async fn org_lines_as_of(&self, org: OrgId, as_of: DateTime<Utc>) -> Result<Vec<LicenceLine>> {
                let rows: Vec<(Json<LicenceLine>,)> = sqlx::query_as(
                    "SELECT l.line FROM submission_lines l WHERE l.submission_id = \
                     (SELECT c.submission_id FROM current_inventory_log c \
                      WHERE c.org_id = $1 AND c.since <= $2 ORDER BY c.seq DESC LIMIT 1) \
                     ORDER BY l.line_no",
                )
                .bind(org.0)
                .bind(as_of)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(line,)| line.0).collect())
            }

            async fn record_audit(&self, actor: &Actor, event: &AuditEvent) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                Self::audit_in(&mut tx, actor, event).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
                let rows: Vec<AuditRow> = sqlx::query_as(
                    "SELECT seq, at, actor_id, actor_label, action, org_id, subject, detail FROM audit_log \
                     WHERE ($1 IS NULL OR org_id = $1) AND ($2 IS NULL OR actor_id = $2) \
                     AND ($3 IS NULL OR action = $3) AND ($4 IS NULL OR seq < $4) \
                     ORDER BY seq DESC LIMIT $5",
                )
                .bind(query.org_id.map(|o| o.0))
                .bind(query.actor_id.map(|u| u.0))
                .bind(&query.action)
                .bind(query.before_seq)
                .bind(i64::from(query.limit.clamp(1, 1000)))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(AuditEntry::from).collect())
            }
        }
    };
}

store_impl!(SqliteStore, sqlx::Sqlite, Backend::Sqlite, SQLITE_MIGRATIONS);
store_impl!(PgStore, sqlx::Postgres, Backend::Postgres, POSTGRES_MIGRATIONS);
