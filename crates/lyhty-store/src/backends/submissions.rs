//! Inventory submissions (the files, their reports and lines, which version is current
//! when) and the coordinator's vendor aliases.

use super::write::{OnConstraint, corrupt, retrying};
use super::{PgStore, SqliteStore};
use crate::{Actor, AuditEvent, NewSubmission, Result, StoreError, StoredStatus, SubmissionMeta, VendorAlias};
use chrono::{DateTime, Utc};
use lyhty_domain::licence::LicenceLine;
use lyhty_domain::{Cents, OrgId, SubmissionId, UserId};
use serde_json::json;
use sqlx::types::Json;
use tracing::instrument;
use uuid::Uuid;

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

macro_rules! submissions_impl {
    ($store:ident, $db:ty) => {
        impl $store {
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

            /// The version number an accepted submission gets (`None` for a rejected one);
            /// `NotFound` for an unknown organisation. Uploads for one organisation take
            /// turns from here: the no-op update holds the organisation's row lock
            /// (PostgreSQL; SQLite's IMMEDIATE transaction holds the whole database already)
            /// until commit, so the number is read after the previous upload committed.
            async fn next_version_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                org: OrgId,
                status: StoredStatus,
            ) -> Result<Option<i32>> {
                let locked = sqlx::query("UPDATE orgs SET updated_at = updated_at WHERE id = $1")
                    .bind(org.0)
                    .execute(&mut **tx)
                    .await?;
                if locked.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                if status == StoredStatus::Rejected {
                    return Ok(None);
                }
                let (last,): (i32,) =
                    sqlx::query_as("SELECT CAST(COALESCE(MAX(version), 0) AS INTEGER) FROM submissions WHERE org_id = $1")
                        .bind(org.0)
                        .fetch_one(&mut **tx)
                        .await?;
                Ok(Some(last + 1))
            }

            /// A submission's lines in file order, in batches of [`LINE_BATCH`].
            async fn insert_lines_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: SubmissionId,
                lines: &[LicenceLine],
            ) -> Result<()> {
                for (batch_no, batch) in lines.chunks(LINE_BATCH).enumerate() {
                    let mut insert =
                        sqlx::QueryBuilder::<$db>::new("INSERT INTO submission_lines (submission_id, line_no, line) ");
                    insert.push_values(batch.iter().enumerate(), |mut row, (i, line)| {
                        let line_no = i32::try_from(batch_no * LINE_BATCH + i).unwrap_or(i32::MAX);
                        row.push_bind(id.0).push_bind(line_no).push_bind(Json(line));
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            #[instrument(skip_all, fields(org = %submission.org_id, status = submission.status.key()))]
            pub(super) async fn save_submission(&self, actor: &Actor, submission: &NewSubmission) -> Result<SubmissionMeta> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let id = SubmissionId::new();
                    let now = Utc::now();
                    let version = Self::next_version_in(&mut tx, submission.org_id, submission.status).await?;
                    let lines: &[LicenceLine] =
                        if version.is_some() { &submission.lines } else { &[] };
                    sqlx::query(
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
                    .await
                    // Two uploads for one organisation raced for the same version number.
                    .on_unique("concurrent_submission", || {
                        "another submission for this organisation was stored at the same moment; try again".into()
                    })?;
                    Self::insert_lines_in(&mut tx, id, lines).await?;
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
                })
                .await
            }

            pub(super) async fn get_submission(&self, id: SubmissionId) -> Result<Option<SubmissionMeta>> {
                let row: Option<SubmissionRow> =
                    sqlx::query_as(&format!("SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.id = $1"))
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(SubmissionMeta::try_from).transpose()
            }

            pub(super) async fn list_submissions(&self, org: OrgId) -> Result<Vec<SubmissionMeta>> {
                let rows: Vec<SubmissionRow> = sqlx::query_as(&format!(
                    "SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.org_id = $1 \
                     ORDER BY s.uploaded_at DESC, s.id DESC"
                ))
                .bind(org.0)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(SubmissionMeta::try_from).collect()
            }

            pub(super) async fn current_submission(&self, org: OrgId) -> Result<Option<SubmissionMeta>> {
                let row: Option<SubmissionRow> = sqlx::query_as(&format!(
                    "SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.id = \
                     (SELECT c.submission_id FROM current_inventory_log c WHERE c.org_id = $1 ORDER BY c.seq DESC LIMIT 1)"
                ))
                .bind(org.0)
                .fetch_optional(&self.pool)
                .await?;
                row.map(SubmissionMeta::try_from).transpose()
            }

            pub(super) async fn submission_lines(&self, id: SubmissionId) -> Result<Vec<LicenceLine>> {
                let rows: Vec<(Json<LicenceLine>,)> =
                    sqlx::query_as("SELECT line FROM submission_lines WHERE submission_id = $1 ORDER BY line_no")
                        .bind(id.0)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(|(line,)| line.0).collect())
            }

            pub(super) async fn submission_file(&self, id: SubmissionId) -> Result<Option<(String, Vec<u8>)>> {
                Ok(sqlx::query_as("SELECT file_name, file FROM submissions WHERE id = $1 AND file_erased_at IS NULL")
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[instrument(skip_all, fields(submission = %id))]
            pub(super) async fn restore_submission(&self, actor: &Actor, id: SubmissionId) -> Result<SubmissionMeta> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
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
                })
                .await
            }

            pub(super) async fn current_lines_as_of(&self, as_of: DateTime<Utc>) -> Result<Vec<(OrgId, LicenceLine)>> {
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

            pub(super) async fn org_lines_as_of(&self, org: OrgId, as_of: DateTime<Utc>) -> Result<Vec<LicenceLine>> {
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

            pub(super) async fn list_vendor_aliases(&self) -> Result<Vec<VendorAlias>> {
                Ok(sqlx::query_as("SELECT alias, canonical, created_by, created_at FROM vendor_aliases ORDER BY alias")
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(|(alias, canonical, created_by, created_at)| VendorAlias { alias, canonical, created_by, created_at })
                    .collect())
            }

            pub(super) async fn put_vendor_alias(&self, actor: &Actor, alias: &str, canonical: &str) -> Result<VendorAlias> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
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
                })
                .await
            }
        }
    };
}

submissions_impl!(SqliteStore, sqlx::Sqlite);
submissions_impl!(PgStore, sqlx::Postgres);
