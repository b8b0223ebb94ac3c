//! The spend ledger: expenses and their reversals, the hourly rate's history and the
//! budget plan's versions. The finance crate owns the rules; the store keeps the entries
//! as the domain's types and never changes one (the tables refuse UPDATE and DELETE).

use super::write::{OnConstraint, corrupt, retrying};
use super::{PgStore, SqliteStore};
use crate::{Actor, AuditEvent, ExpenseRecord, PlanVersion, RateRecord, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::spend::{Expense, ExpenseCategory, HourlyRate, Hours, PlanLine};
use lyhty_domain::{Cents, DecisionId, DecisionKind, ExpenseId, OrgId};
use serde_json::json;
use sqlx::types::Json;
use tracing::instrument;
use uuid::Uuid;

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

impl TryFrom<ExpenseRow> for ExpenseRecord {
    type Error = StoreError;
    fn try_from(r: ExpenseRow) -> Result<Self> {
        let category = ExpenseCategory::parse(&r.category).ok_or_else(|| corrupt("expense category", &r.category))?;
        let entry = Expense {
            id: ExpenseId(r.id),
            date: r.date,
            category,
            amount_cents: Cents(r.amount_cents),
            description: r.description,
            payee_org_id: r.payee_org_id.map(OrgId),
            payee: r.payee,
            hours: r.hours_hundredths.map(Hours),
            rate_cents: r.rate_cents.map(Cents),
            document_ref: r.document_ref,
            reverses: r.reverses.map(ExpenseId),
        };
        Ok(ExpenseRecord { entry, created_by: r.created_by, created_at: r.created_at })
    }
}

#[derive(sqlx::FromRow)]
struct RateRow {
    valid_from: NaiveDate,
    rate_cents: i64,
    decision: Option<String>,
    created_by: String,
    created_at: DateTime<Utc>,
}

impl From<RateRow> for RateRecord {
    fn from(r: RateRow) -> Self {
        let rate = HourlyRate { valid_from: r.valid_from, rate_cents: Cents(r.rate_cents), decision: r.decision };
        RateRecord { rate, created_by: r.created_by, created_at: r.created_at }
    }
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    version: i32,
    approved_on: NaiveDate,
    note: Option<String>,
    lines: Json<Vec<PlanLine>>,
    created_by: String,
    created_at: DateTime<Utc>,
    decision_id: Option<Uuid>,
}

impl TryFrom<PlanRow> for PlanVersion {
    type Error = StoreError;
    fn try_from(r: PlanRow) -> Result<Self> {
        Ok(PlanVersion {
            version: u32::try_from(r.version).map_err(|_| corrupt("plan version", &r.version.to_string()))?,
            approved_on: r.approved_on,
            note: r.note,
            lines: r.lines.0,
            created_by: r.created_by,
            created_at: r.created_at,
            decision_id: r.decision_id.map(DecisionId),
        })
    }
}

macro_rules! ledger_impl {
    ($store:ident, $db:ty) => {
        impl $store {
            #[instrument(skip_all, fields(expense = %expense.id))]
            pub(super) async fn record_expense(&self, actor: &Actor, expense: &Expense) -> Result<ExpenseRecord> {
                // A second reversal of one entry hits the unique index on `reverses`.
                let (code, message) = match expense.reverses {
                    Some(_) => ("already_reversed", "this entry has already been reversed"),
                    None => ("duplicate_expense", "this entry is already booked"),
                };
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let row: ExpenseRow = sqlx::query_as(&format!(
                        "INSERT INTO expenses (id, date, category, amount_cents, description, payee_org_id, payee, \
                         hours_hundredths, rate_cents, document_ref, reverses, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING {EXPENSE_COLUMNS}"
                    ))
                    .bind(expense.id.0)
                    .bind(expense.date)
                    .bind(expense.category.key())
                    .bind(expense.amount_cents.get())
                    .bind(&expense.description)
                    .bind(expense.payee_org_id.map(|o| o.0))
                    .bind(&expense.payee)
                    .bind(expense.hours.map(|h| h.0))
                    .bind(expense.rate_cents.map(Cents::get))
                    .bind(&expense.document_ref)
                    .bind(expense.reverses.map(|r| r.0))
                    .bind(&actor.label)
                    .bind(Utc::now())
                    .fetch_one(&mut *tx)
                    .await
                    .on_unique(code, || message.into())
                    .on_foreign_key("unknown_reference", || "the payee or the reversed entry does not exist".into())?;
                    let event = AuditEvent {
                        action: if expense.reverses.is_some() { "expense.reverse".into() } else { "expense.record".into() },
                        org_id: expense.payee_org_id,
                        subject: Some(expense.id.to_string()),
                        detail: json!({ "date": expense.date, "category": expense.category,
                                        "amount_cents": expense.amount_cents, "reverses": expense.reverses }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    ExpenseRecord::try_from(row)
                })
                .await
            }

            pub(super) async fn get_expense(&self, id: ExpenseId) -> Result<Option<ExpenseRecord>> {
                let row: Option<ExpenseRow> = sqlx::query_as(&format!("SELECT {EXPENSE_COLUMNS} FROM expenses WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(ExpenseRecord::try_from).transpose()
            }

            pub(super) async fn list_expenses(&self) -> Result<Vec<ExpenseRecord>> {
                // Ids are UUIDv7: within a day they sort in booking order.
                let rows: Vec<ExpenseRow> =
                    sqlx::query_as(&format!("SELECT {EXPENSE_COLUMNS} FROM expenses ORDER BY date, created_at, id"))
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(ExpenseRecord::try_from).collect()
            }

            pub(super) async fn add_hourly_rate(&self, actor: &Actor, rate: &HourlyRate) -> Result<RateRecord> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let now = Utc::now();
                    sqlx::query(
                        "INSERT INTO hourly_rates (valid_from, rate_cents, decision, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(rate.valid_from)
                    .bind(rate.rate_cents.get())
                    .bind(&rate.decision)
                    .bind(&actor.label)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .on_unique("duplicate_rate_date", || {
                        format!("a rate from {} is already decided; rates are never rewritten", rate.valid_from)
                    })?;
                    let event = AuditEvent {
                        action: "hourly_rate.add".into(),
                        org_id: None,
                        subject: Some(rate.valid_from.to_string()),
                        detail: json!({ "rate_cents": rate.rate_cents, "decision": rate.decision }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    Ok(RateRecord { rate: rate.clone(), created_by: actor.label.clone(), created_at: now })
                })
                .await
            }

            pub(super) async fn list_hourly_rates(&self) -> Result<Vec<RateRecord>> {
                let rows: Vec<RateRow> = sqlx::query_as(
                    "SELECT valid_from, rate_cents, decision, created_by, created_at FROM hourly_rates ORDER BY valid_from",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(RateRecord::from).collect())
            }

            #[instrument(skip_all)]
            pub(super) async fn add_budget_plan(
                &self,
                actor: &Actor,
                approved_on: NaiveDate,
                note: Option<&str>,
                lines: &[PlanLine],
            ) -> Result<PlanVersion> {
                self.insert_budget_plan(actor, approved_on, note, lines, None).await
            }

            /// The next plan version, linked to the passed `budget_plan` decision that
            /// approved it when there is one (checked in the same transaction).
            pub(super) async fn insert_budget_plan(
                &self,
                actor: &Actor,
                approved_on: NaiveDate,
                note: Option<&str>,
                lines: &[PlanLine],
                decision: Option<DecisionId>,
            ) -> Result<PlanVersion> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    if let Some(decision) = decision {
                        Self::passed_decision_in(&mut tx, decision, DecisionKind::BudgetPlan, None).await?;
                    }
                    let now = Utc::now();
                    // The next number inside the transaction; two racing writers collide on the
                    // primary key and the second tries again with the next number.
                    let (last,): (Option<i32>,) =
                        sqlx::query_as("SELECT MAX(version) FROM budget_plans").fetch_one(&mut *tx).await?;
                    let version = last.unwrap_or(0) + 1;
                    sqlx::query(
                        "INSERT INTO budget_plans (version, approved_on, note, lines, created_by, created_at, decision_id) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(version)
                    .bind(approved_on)
                    .bind(note)
                    .bind(Json(lines))
                    .bind(&actor.label)
                    .bind(now)
                    .bind(decision.map(|d| d.0))
                    .execute(&mut *tx)
                    .await
                    .on_unique("concurrent_plan_version", || {
                        "another plan version was saved at the same time; reload and try again".into()
                    })?;
                    let event = AuditEvent {
                        action: "budget_plan.add".into(),
                        org_id: None,
                        subject: Some(version.to_string()),
                        detail: json!({ "approved_on": approved_on, "note": note, "decision_id": decision }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    PlanVersion::try_from(PlanRow {
                        version,
                        approved_on,
                        note: note.map(str::to_string),
                        lines: Json(lines.to_vec()),
                        created_by: actor.label.clone(),
                        created_at: now,
                        decision_id: decision.map(|d| d.0),
                    })
                })
                .await
            }

            pub(super) async fn list_budget_plans(&self) -> Result<Vec<PlanVersion>> {
                let rows: Vec<PlanRow> = sqlx::query_as(
                    "SELECT version, approved_on, note, lines, created_by, created_at, decision_id FROM budget_plans ORDER BY version",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(PlanVersion::try_from).collect()
            }
        }
    };
}

ledger_impl!(SqliteStore, sqlx::Sqlite);
ledger_impl!(PgStore, sqlx::Postgres);
