//! The append-only audit log: entries outside any other write (e.g. an analyst reading an
//! organisation's lines) and the log's listing. Writes add their own entry through
//! `audit_in` in their transaction.

use super::write::retrying;
use super::{PgStore, SqliteStore};
use crate::{Actor, AuditEntry, AuditEvent, AuditQuery, Result};
use chrono::{DateTime, Utc};
use lyhty_domain::{OrgId, UserId};
use sqlx::types::Json;
use uuid::Uuid;

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

macro_rules! audit_impl {
    ($store:ident, $db:ty) => {
        impl $store {
            pub(super) async fn record_audit(&self, actor: &Actor, event: &AuditEvent) -> Result<()> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    Self::audit_in(&mut tx, actor, event).await?;
                    tx.commit().await?;
                    Ok(())
                })
                .await
            }

            pub(super) async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
                let rows: Vec<AuditRow> = sqlx::query_as(
                    "SELECT seq, at, actor_id, actor_label, action, org_id, subject, detail FROM audit_log \
                     WHERE ($1 IS NULL OR org_id = $1) AND ($2 IS NULL OR actor_id = $2) \
                     AND ($3 IS NULL OR action = $3) AND ($4 IS NULL OR seq < $4) \
                     AND ($6 IS NULL OR at >= $6) AND ($7 IS NULL OR at < $7) \
                     ORDER BY seq DESC LIMIT $5",
                )
                .bind(query.org_id.map(|o| o.0))
                .bind(query.actor_id.map(|u| u.0))
                .bind(&query.action)
                .bind(query.before_seq)
                .bind(i64::from(query.limit.clamp(1, 1000)))
                .bind(query.from)
                .bind(query.to)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(AuditEntry::from).collect())
            }
        }
    };
}

audit_impl!(SqliteStore, sqlx::Sqlite);
audit_impl!(PgStore, sqlx::Postgres);
