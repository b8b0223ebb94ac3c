//! Negotiations with vendors, their documents (bytes kept in the database) and the parties'
//! realised savings. The domain (`lyhty_domain::negotiation`) owns the rules; the store
//! keeps the rows, makes a status change conditional on the status it was judged against,
//! and audits every write in its transaction.

use super::write::{OnConstraint, corrupt, retrying};
use super::{PgStore, SqliteStore};
use crate::{Actor, AuditEvent, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::negotiation::{Negotiation, NegotiationDocument, NegotiationStatus, RealisedSaving};
use lyhty_domain::{Cents, OrgId};
use serde_json::json;
use sqlx::types::Json;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct NegotiationRow {
    id: Uuid,
    vendor: String,
    title: String,
    status: String,
    started_on: Option<NaiveDate>,
    concluded_on: Option<NaiveDate>,
    org_ids: Json<Vec<Uuid>>,
    outcome: Option<String>,
    lessons: Option<String>,
    estimated_annual_saving_cents: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const NEGOTIATION_COLUMNS: &str = "id, vendor, title, status, started_on, concluded_on, org_ids, outcome, lessons, \
    estimated_annual_saving_cents, created_at, updated_at";

impl TryFrom<NegotiationRow> for Negotiation {
    type Error = StoreError;
    fn try_from(r: NegotiationRow) -> Result<Self> {
        let status = NegotiationStatus::parse(&r.status).ok_or_else(|| corrupt("negotiation status", &r.status))?;
        Ok(Negotiation {
            id: r.id,
            vendor: r.vendor,
            title: r.title,
            status,
            started_on: r.started_on,
            concluded_on: r.concluded_on,
            org_ids: r.org_ids.0.into_iter().map(OrgId).collect(),
            outcome: r.outcome,
            lessons: r.lessons,
            estimated_annual_saving_cents: r.estimated_annual_saving_cents.map(Cents),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct DocumentRow {
    id: Uuid,
    negotiation_id: Uuid,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    uploaded_at: DateTime<Utc>,
    uploaded_by: String,
}

const DOCUMENT_COLUMNS: &str = "id, negotiation_id, file_name, content_type, size_bytes, uploaded_at, uploaded_by";

impl From<DocumentRow> for NegotiationDocument {
    fn from(r: DocumentRow) -> Self {
        NegotiationDocument {
            id: r.id,
            negotiation_id: r.negotiation_id,
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            uploaded_at: r.uploaded_at,
            uploaded_by: r.uploaded_by,
        }
    }
}

fn org_uuids(n: &Negotiation) -> Json<Vec<Uuid>> {
    Json(n.org_ids.iter().map(|o| o.0).collect())
}

fn event(action: &str, subject: Uuid, org_id: Option<OrgId>, detail: serde_json::Value) -> AuditEvent {
    AuditEvent { action: action.into(), org_id, subject: Some(subject.to_string()), detail }
}

/// Publishing savings compares what is stored with what the caller read, so two publishers
/// must not both pass the comparison: SQLite's `BEGIN IMMEDIATE` already lets one writer in
/// at a time, PostgreSQL locks the table against other writers (readers go on).
const SQLITE_SAVINGS_LOCK: &str = "SELECT 1";
const POSTGRES_SAVINGS_LOCK: &str = "LOCK TABLE savings_published IN SHARE ROW EXCLUSIVE MODE";

/// Each year's published state, ordered by year.
type PublishedStates = Vec<(i32, BTreeMap<OrgId, i64>)>;

macro_rules! negotiations_impl {
    ($store:ident, $db:ty, $savings_lock:expr) => {
        impl $store {
            pub(super) async fn create_negotiation(&self, actor: &Actor, n: &Negotiation) -> Result<Negotiation> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let row: NegotiationRow = sqlx::query_as(&format!(
                        "INSERT INTO negotiations (id, vendor, title, status, started_on, concluded_on, org_ids, \
                         outcome, lessons, estimated_annual_saving_cents, created_at, created_by, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING {NEGOTIATION_COLUMNS}"
                    ))
                    .bind(n.id)
                    .bind(&n.vendor)
                    .bind(&n.title)
                    .bind(n.status.key())
                    .bind(n.started_on)
                    .bind(n.concluded_on)
                    .bind(org_uuids(n))
                    .bind(&n.outcome)
                    .bind(&n.lessons)
                    .bind(n.estimated_annual_saving_cents.map(Cents::get))
                    .bind(n.created_at)
                    .bind(&actor.label)
                    .bind(n.updated_at)
                    .fetch_one(&mut *tx)
                    .await
                    .on_unique("duplicate_negotiation", || "a negotiation with this id exists".into())?;
                    let detail = json!({ "vendor": n.vendor, "status": n.status.key() });
                    Self::audit_in(&mut tx, actor, &event("negotiation.create", n.id, None, detail)).await?;
                    tx.commit().await?;
                    Negotiation::try_from(row)
                })
                .await
            }

            pub(super) async fn update_negotiation(
                &self,
                actor: &Actor,
                n: &Negotiation,
                judged_from: NegotiationStatus,
            ) -> Result<Negotiation> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let row: Option<NegotiationRow> = sqlx::query_as(&format!(
                        "UPDATE negotiations SET vendor = $2, title = $3, status = $4, started_on = $5, \
                         concluded_on = $6, org_ids = $7, outcome = $8, lessons = $9, \
                         estimated_annual_saving_cents = $10, updated_at = $11 \
                         WHERE id = $1 AND status = $12 RETURNING {NEGOTIATION_COLUMNS}"
                    ))
                    .bind(n.id)
                    .bind(&n.vendor)
                    .bind(&n.title)
                    .bind(n.status.key())
                    .bind(n.started_on)
                    .bind(n.concluded_on)
                    .bind(org_uuids(n))
                    .bind(&n.outcome)
                    .bind(&n.lessons)
                    .bind(n.estimated_annual_saving_cents.map(Cents::get))
                    .bind(n.updated_at)
                    .bind(judged_from.key())
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(row) = row else {
                        // Gone, or its status changed since the caller judged the change.
                        let exists: Option<(Uuid,)> = sqlx::query_as("SELECT id FROM negotiations WHERE id = $1")
                            .bind(n.id)
                            .fetch_optional(&mut *tx)
                            .await?;
                        return Err(match exists {
                            None => StoreError::NotFound,
                            Some(_) => StoreError::Conflict {
                                code: "negotiation_changed",
                                message: "the negotiation's status changed meanwhile; reload and try again".into(),
                            },
                        });
                    };
                    let detail = json!({ "status": n.status.key(), "from": judged_from.key() });
                    Self::audit_in(&mut tx, actor, &event("negotiation.update", n.id, None, detail)).await?;
                    tx.commit().await?;
                    Negotiation::try_from(row)
                })
                .await
            }

            pub(super) async fn get_negotiation(&self, id: Uuid) -> Result<Option<Negotiation>> {
                let row: Option<NegotiationRow> =
                    sqlx::query_as(&format!("SELECT {NEGOTIATION_COLUMNS} FROM negotiations WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(Negotiation::try_from).transpose()
            }

            pub(super) async fn list_negotiations(&self) -> Result<Vec<Negotiation>> {
                let rows: Vec<NegotiationRow> = sqlx::query_as(&format!(
                    "SELECT {NEGOTIATION_COLUMNS} FROM negotiations ORDER BY created_at DESC, id DESC"
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(Negotiation::try_from).collect()
            }

            pub(super) async fn add_negotiation_document(
                &self,
                actor: &Actor,
                negotiation: Uuid,
                file_name: &str,
                content_type: &str,
                bytes: &[u8],
            ) -> Result<NegotiationDocument> {
                let id = Uuid::now_v7();
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let row: DocumentRow = sqlx::query_as(&format!(
                        "INSERT INTO negotiation_documents (id, negotiation_id, file_name, content_type, size_bytes, \
                         content, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                         RETURNING {DOCUMENT_COLUMNS}"
                    ))
                    .bind(id)
                    .bind(negotiation)
                    .bind(file_name)
                    .bind(content_type)
                    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
                    .bind(bytes)
                    .bind(Utc::now())
                    .bind(&actor.label)
                    .fetch_one(&mut *tx)
                    .await
                    .on_foreign_key("unknown_negotiation", || "no such negotiation".into())?;
                    let detail = json!({ "document": id, "file_name": file_name, "size_bytes": bytes.len() });
                    Self::audit_in(&mut tx, actor, &event("negotiation.document", negotiation, None, detail)).await?;
                    tx.commit().await?;
                    Ok(NegotiationDocument::from(row))
                })
                .await
            }

            pub(super) async fn list_negotiation_documents(&self, negotiation: Uuid) -> Result<Vec<NegotiationDocument>> {
                let rows: Vec<DocumentRow> = sqlx::query_as(&format!(
                    "SELECT {DOCUMENT_COLUMNS} FROM negotiation_documents WHERE negotiation_id = $1 \
                     ORDER BY uploaded_at, id"
                ))
                .bind(negotiation)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(NegotiationDocument::from).collect())
            }

            pub(super) async fn negotiation_document(
                &self,
                negotiation: Uuid,
                document: Uuid,
            ) -> Result<Option<(NegotiationDocument, Vec<u8>)>> {
                let meta: Option<DocumentRow> = sqlx::query_as(&format!(
                    "SELECT {DOCUMENT_COLUMNS} FROM negotiation_documents WHERE id = $1 AND negotiation_id = $2"
                ))
                .bind(document)
                .bind(negotiation)
                .fetch_optional(&self.pool)
                .await?;
                let Some(meta) = meta else { return Ok(None) };
                let (content,): (Vec<u8>,) = sqlx::query_as("SELECT content FROM negotiation_documents WHERE id = $1")
                    .bind(document)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(Some((NegotiationDocument::from(meta), content)))
            }

            pub(super) async fn put_saving(&self, actor: &Actor, saving: &RealisedSaving) -> Result<RealisedSaving> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    sqlx::query(
                        "INSERT INTO negotiation_savings (negotiation_id, org_id, year, saving_cents, recorded_at, \
                         recorded_by) VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (negotiation_id, org_id, year) DO UPDATE SET \
                         saving_cents = EXCLUDED.saving_cents, recorded_at = EXCLUDED.recorded_at, \
                         recorded_by = EXCLUDED.recorded_by",
                    )
                    .bind(saving.negotiation_id)
                    .bind(saving.org_id.0)
                    .bind(saving.year)
                    .bind(saving.saving_cents.get())
                    .bind(Utc::now())
                    .bind(&actor.label)
                    .execute(&mut *tx)
                    .await
                    .on_foreign_key("unknown_reference", || "no such negotiation or organisation".into())?;
                    // The figure itself stays out of the log: the log is read more widely
                    // than a party's savings should travel.
                    let detail = json!({ "year": saving.year });
                    let e = event("saving.record", saving.negotiation_id, Some(saving.org_id), detail);
                    Self::audit_in(&mut tx, actor, &e).await?;
                    tx.commit().await?;
                    Ok(saving.clone())
                })
                .await
            }

            pub(super) async fn list_savings(&self, org: Option<OrgId>) -> Result<Vec<RealisedSaving>> {
                let rows: Vec<(Uuid, Uuid, i32, i64)> = sqlx::query_as(
                    "SELECT negotiation_id, org_id, year, saving_cents FROM negotiation_savings \
                     WHERE ($1 IS NULL OR org_id = $1) ORDER BY year, negotiation_id, org_id",
                )
                .bind(org.map(|o| o.0))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(negotiation_id, org, year, cents)| RealisedSaving {
                        negotiation_id,
                        org_id: OrgId(org),
                        year,
                        saving_cents: Cents(cents),
                    })
                    .collect())
            }

            pub(super) async fn published_savings(&self) -> Result<PublishedStates> {
                let rows: Vec<(i32, Json<BTreeMap<OrgId, i64>>)> =
                    sqlx::query_as("SELECT year, contributions FROM savings_published ORDER BY year")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(|(year, state)| (year, state.0)).collect())
            }

            pub(super) async fn put_published_savings(
                &self,
                actor: &Actor,
                read: &[(i32, BTreeMap<OrgId, i64>)],
                states: &[(i32, BTreeMap<OrgId, i64>)],
            ) -> Result<()> {
                if states.is_empty() {
                    return Ok(());
                }
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    sqlx::query($savings_lock).execute(&mut *tx).await?;
                    let rows: Vec<(i32, Json<BTreeMap<OrgId, i64>>)> =
                        sqlx::query_as("SELECT year, contributions FROM savings_published ORDER BY year")
                            .fetch_all(&mut *tx)
                            .await?;
                    let stored: PublishedStates = rows.into_iter().map(|(year, state)| (year, state.0)).collect();
                    if stored != read {
                        return Err(StoreError::Conflict {
                            code: "concurrent_savings_publication",
                            message: "the published savings changed while they were being computed; read them again"
                                .into(),
                        });
                    }
                    for (year, state) in states {
                        sqlx::query(
                            "INSERT INTO savings_published (year, contributions, published_at) VALUES ($1, $2, $3) \
                             ON CONFLICT (year) DO UPDATE SET contributions = EXCLUDED.contributions, \
                             published_at = EXCLUDED.published_at",
                        )
                        .bind(year)
                        .bind(Json(state))
                        .bind(Utc::now())
                        .execute(&mut *tx)
                        .await?;
                    }
                    let years: Vec<i32> = states.iter().map(|(y, _)| *y).collect();
                    let e = AuditEvent {
                        action: "savings.publish".into(),
                        org_id: None,
                        subject: None,
                        detail: json!({ "years": years }),
                    };
                    Self::audit_in(&mut tx, actor, &e).await?;
                    tx.commit().await?;
                    Ok(())
                })
                .await
            }
        }
    };
}

negotiations_impl!(SqliteStore, sqlx::Sqlite, SQLITE_SAVINGS_LOCK);
negotiations_impl!(PgStore, sqlx::Postgres, POSTGRES_SAVINGS_LOCK);
