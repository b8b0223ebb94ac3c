//! Anonymised releases: stored once, immutably, in cut-off date order, with the
//! contribution snapshots later releases are audited against.

use super::write::{OnConstraint, retrying};
use super::{PgStore, SqliteStore};
use crate::{Actor, AuditEvent, NewRelease, ReleaseRecord, ReleaseSummary, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::{OrgId, SubmissionId};
use serde_json::json;
use sqlx::types::Json;
use uuid::Uuid;

/// A whole stored release, its contribution snapshot included.
#[derive(sqlx::FromRow)]
struct PublishedRow {
    id: Uuid,
    as_of: NaiveDate,
    created_at: DateTime<Utc>,
    created_by: String,
    release_json: String,
    audit: Json<serde_json::Value>,
    params: Json<serde_json::Value>,
    stats: Json<serde_json::Value>,
    contributions: String,
}

impl From<PublishedRow> for (ReleaseRecord, String) {
    fn from(r: PublishedRow) -> Self {
        let summary = ReleaseSummary { id: r.id, as_of: r.as_of, created_at: r.created_at, created_by: r.created_by };
        let record = ReleaseRecord {
            summary,
            release_json: r.release_json,
            audit: r.audit.0,
            params: r.params.0,
            stats: r.stats.0,
        };
        (record, r.contributions)
    }
}

macro_rules! releases_impl {
    ($store:ident, $db:ty) => {
        impl $store {
            pub(super) async fn save_release(&self, actor: &Actor, release: &NewRelease) -> Result<ReleaseSummary> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
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
                    sqlx::query(
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
                    .await
                    .on_unique("release_exists", || "a release with this id is already stored".into())?;
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
                })
                .await
            }

            pub(super) async fn list_releases(&self) -> Result<Vec<ReleaseSummary>> {
                let rows: Vec<(Uuid, NaiveDate, DateTime<Utc>, String)> =
                    sqlx::query_as("SELECT id, as_of, created_at, created_by FROM releases ORDER BY as_of DESC, created_at DESC, id DESC")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, as_of, created_at, created_by)| ReleaseSummary { id, as_of, created_at, created_by })
                    .collect())
            }

            pub(super) async fn get_release(&self, id: Uuid) -> Result<Option<ReleaseRecord>> {
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

            pub(super) async fn release_contributions(&self) -> Result<Vec<(ReleaseSummary, String)>> {
                let rows: Vec<(Uuid, NaiveDate, DateTime<Utc>, String, String)> = sqlx::query_as(
                    "SELECT id, as_of, created_at, created_by, contributions FROM releases ORDER BY as_of, created_at, id",
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

            pub(super) async fn earlier_releases(&self) -> Result<Vec<(ReleaseRecord, String)>> {
                let rows: Vec<PublishedRow> = sqlx::query_as(
                    "SELECT id, as_of, created_at, created_by, release_json, audit, params, stats, contributions \
                     FROM releases ORDER BY as_of, created_at, id",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(<(ReleaseRecord, String)>::from).collect())
            }

            pub(super) async fn current_submissions_as_of(
                &self,
                as_of: DateTime<Utc>,
            ) -> Result<Vec<(OrgId, SubmissionId)>> {
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
        }
    };
}

releases_impl!(SqliteStore, sqlx::Sqlite);
releases_impl!(PgStore, sqlx::Postgres);
