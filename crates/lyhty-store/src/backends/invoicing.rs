//! The cost-share model's versions, invoice runs with their gapless numbers, credit notes,
//! the coordinator's own contributions and payments.

use super::write::{OnConstraint, corrupt, retrying};
use super::{PgStore, SqliteStore};
use crate::{
    Actor, AuditEvent, BilledInstalment, DraftInvoice, InvoiceKind, InvoiceRecord, IssueFn, ModelVersion, NewPayment,
    NewRun, PaymentRecord, PaymentSource, Result, RunRecord, SelfContributionRecord, StoreError,
};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::{Cents, DecisionId, DecisionKind, InvoiceId, OrgId, PaymentId, RunId};
use serde_json::json;
use sqlx::types::Json;
use tracing::instrument;
use uuid::Uuid;

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

fn already_billed(what: &str) -> String {
    format!("{what} has already been billed for this instalment; nothing was stored")
}

macro_rules! invoicing_impl {
    ($store:ident, $db:ty) => {
        impl $store {
            /// Adds a version; one with a `decision_id` must name a passed
            /// `cost_share_model` decision (checked in the same transaction).
            pub(super) async fn put_cost_share_model(&self, actor: &Actor, version: &ModelVersion) -> Result<ModelVersion> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    if let Some(decision) = version.decision_id {
                        Self::passed_decision_in(&mut tx, decision, DecisionKind::CostShareModel, None).await?;
                    }
                    let now = Utc::now();
                    sqlx::query(
                        "INSERT INTO cost_share_models (version, valid_from, model, created_by, created_at, decision_id) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&version.version)
                    .bind(version.valid_from)
                    .bind(Json(&version.model))
                    .bind(&actor.label)
                    .bind(now)
                    .bind(version.decision_id.map(|d| d.0))
                    .execute(&mut *tx)
                    .await
                    .on_unique("duplicate_model_version", || format!("model version {:?} exists; versions are never rewritten", version.version))?;
                    let event = AuditEvent {
                        action: "cost_share_model.add".into(),
                        org_id: None,
                        subject: Some(version.version.clone()),
                        detail: json!({ "valid_from": version.valid_from, "decision_id": version.decision_id }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    Ok(ModelVersion { created_by: actor.label.clone(), created_at: now, ..version.clone() })
                })
                .await
            }

            pub(super) async fn list_cost_share_models(&self) -> Result<Vec<ModelVersion>> {
                type Row = (String, NaiveDate, Json<serde_json::Value>, String, DateTime<Utc>, Option<Uuid>);
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT version, valid_from, model, created_by, created_at, decision_id FROM cost_share_models \
                     ORDER BY valid_from, created_at",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(version, valid_from, model, created_by, created_at, decision)| ModelVersion {
                        version,
                        valid_from,
                        model: model.0,
                        created_by,
                        created_at,
                        decision_id: decision.map(DecisionId),
                    })
                    .collect())
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

            /// Records which of a party's instalments an invoice bills; a live billing of the
            /// same instalment is `already_billed`, and the whole run rolls back.
            async fn mark_billed_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                invoice: InvoiceId,
                draft: &DraftInvoice,
            ) -> Result<()> {
                for instalment in &draft.instalments {
                    sqlx::query("INSERT INTO billed_instalments (invoice_id, org_id, instalment) VALUES ($1, $2, $3)")
                        .bind(invoice.0)
                        .bind(draft.org_id.0)
                        .bind(i32::from(*instalment))
                        .execute(&mut **tx)
                        .await
                        .on_unique("already_billed", || already_billed("a party"))?;
                }
                Ok(())
            }

            /// Books the coordinator's own instalments as paid with the run.
            async fn book_own_contributions_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                run_id: RunId,
                contributions: &[SelfContributionRecord],
            ) -> Result<()> {
                for contribution in contributions {
                    sqlx::query(
                        "INSERT INTO self_contributions (org_id, instalment, amount_cents, paid_on, run_id) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(contribution.org_id.0)
                    .bind(i32::from(contribution.instalment))
                    .bind(contribution.amount_cents.get())
                    .bind(contribution.paid_on)
                    .bind(run_id.0)
                    .execute(&mut **tx)
                    .await
                    .on_unique("already_billed", || already_billed("the coordinator's own share"))?;
                }
                Ok(())
            }

            #[instrument(skip_all, fields(instalment = run.instalment, drafts = drafts.len()))]
            pub(super) async fn record_invoice_run(
                &self,
                actor: &Actor,
                run: &NewRun,
                drafts: Vec<DraftInvoice>,
                self_contributions: &[SelfContributionRecord],
            ) -> Result<RunRecord> {
                let drafts = &drafts;
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
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
                    for draft in drafts {
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
                        Self::mark_billed_in(&mut tx, invoice.id, draft).await?;
                        invoices.push(invoice);
                    }
                    Self::book_own_contributions_in(&mut tx, run_id, self_contributions).await?;
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
                })
                .await
            }

            #[instrument(skip_all, fields(invoice = %invoice))]
            pub(super) async fn record_credit_note(
                &self,
                actor: &Actor,
                invoice: InvoiceId,
                issue_date: NaiveDate,
                issue: IssueFn,
            ) -> Result<InvoiceRecord> {
                let issue = &issue;
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
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
                        issue,
                    )
                    .await?;
                    sqlx::query("UPDATE invoices SET credited = TRUE WHERE id = $1").bind(invoice.0).execute(&mut *tx).await?;
                    sqlx::query("UPDATE billed_instalments SET live = FALSE WHERE invoice_id = $1")
                        .bind(invoice.0)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(note)
                })
                .await
            }

            pub(super) async fn get_invoice(&self, id: InvoiceId) -> Result<Option<InvoiceRecord>> {
                let row: Option<InvoiceRow> = sqlx::query_as(&format!("SELECT {INVOICE_COLUMNS} FROM invoices WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(InvoiceRecord::try_from).transpose()
            }

            pub(super) async fn list_invoices(&self, org: Option<OrgId>) -> Result<Vec<InvoiceRecord>> {
                let rows: Vec<InvoiceRow> = sqlx::query_as(&format!(
                    "SELECT {INVOICE_COLUMNS} FROM invoices WHERE ($1 IS NULL OR org_id = $1) ORDER BY issue_date, number"
                ))
                .bind(org.map(|o| o.0))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(InvoiceRecord::try_from).collect()
            }

            pub(super) async fn find_invoices_by_reference(&self, reference: &str) -> Result<Vec<InvoiceRecord>> {
                let rows: Vec<InvoiceRow> = sqlx::query_as(&format!(
                    "SELECT {INVOICE_COLUMNS} FROM invoices WHERE reference = $1 AND kind = 'invoice' ORDER BY number"
                ))
                .bind(reference)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(InvoiceRecord::try_from).collect()
            }

            pub(super) async fn billed_instalments(&self) -> Result<Vec<BilledInstalment>> {
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

            pub(super) async fn list_self_contributions(&self) -> Result<Vec<SelfContributionRecord>> {
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
            pub(super) async fn record_payments(&self, actor: &Actor, payments: &[NewPayment]) -> Result<Vec<PaymentRecord>> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
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
                })
                .await
            }

            pub(super) async fn list_payments(&self, invoice: Option<InvoiceId>) -> Result<Vec<PaymentRecord>> {
                let rows: Vec<PaymentRow> = sqlx::query_as(&format!(
                    "SELECT {PAYMENT_COLUMNS} FROM payments WHERE ($1 IS NULL OR invoice_id = $1) ORDER BY paid_on, created_at"
                ))
                .bind(invoice.map(|i| i.0))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(PaymentRecord::try_from).collect()
            }
        }
    };
}

invoicing_impl!(SqliteStore, sqlx::Sqlite);
invoicing_impl!(PgStore, sqlx::Postgres);
