//! Data requests, the users' mail preferences, and the claims that make the reminder and
//! digest job send each message once however many servers run it.

use super::write::{OnConstraint, corrupt, retrying};
use super::{PgStore, SqliteStore};
use crate::{Actor, AuditEvent, MAIL_ATTEMPTS, MailClaimRecord, MailKey, MailOutcome, Result, UserPreferences};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::data_request::{DataRequest, NewDataRequest, RequestScope};
use lyhty_domain::{DataRequestId, Lang, OrgId, UserId};
use serde_json::json;
use sqlx::types::Json;
use tracing::instrument;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: Uuid,
    title: String,
    vendors: Option<Json<Vec<String>>>,
    opens_on: NaiveDate,
    due_on: NaiveDate,
    as_of: NaiveDate,
    created_at: DateTime<Utc>,
}

impl From<RequestRow> for DataRequest {
    fn from(r: RequestRow) -> Self {
        DataRequest {
            id: DataRequestId(r.id),
            title: r.title,
            scope: RequestScope { vendors: r.vendors.map(|j| j.0) },
            opens_on: r.opens_on,
            due_on: r.due_on,
            as_of: r.as_of,
            created_at: r.created_at,
        }
    }
}

const REQUEST_COLUMNS: &str = "id, title, vendors, opens_on, due_on, as_of, created_at";

#[derive(sqlx::FromRow)]
struct PreferencesRow {
    user_id: Uuid,
    lang: String,
    weekly_digest: bool,
}

impl PreferencesRow {
    fn into_pair(self) -> Result<(UserId, UserPreferences)> {
        let lang = Lang::parse(&self.lang).ok_or_else(|| corrupt("language", &self.lang))?;
        Ok((UserId(self.user_id), UserPreferences { lang, weekly_digest: self.weekly_digest }))
    }
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    kind: String,
    subject: String,
    user_id: Uuid,
    claimed_at: DateTime<Utc>,
    status: String,
    attempts: i32,
    error: Option<String>,
}

macro_rules! requests_impl {
    ($store:ident, $db:ty) => {
        impl $store {
            #[instrument(skip_all, fields(title = %request.title))]
            pub(super) async fn create_data_request(
                &self,
                actor: &Actor,
                request: &NewDataRequest,
            ) -> Result<DataRequest> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let id = DataRequestId::new();
                    let row: RequestRow = sqlx::query_as(&format!(
                        "INSERT INTO data_requests (id, title, vendors, opens_on, due_on, as_of, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {REQUEST_COLUMNS}"
                    ))
                    .bind(id.0)
                    .bind(&request.title)
                    .bind(request.scope.vendors.as_ref().map(Json))
                    .bind(request.opens_on)
                    .bind(request.due_on)
                    .bind(request.as_of)
                    .bind(&actor.label)
                    .bind(Utc::now())
                    .fetch_one(&mut *tx)
                    .await?;
                    let event = AuditEvent {
                        action: "data_request.create".into(),
                        org_id: None,
                        subject: Some(id.to_string()),
                        detail: json!({"title": request.title, "due_on": request.due_on}),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    Ok(DataRequest::from(row))
                })
                .await
            }

            pub(super) async fn get_data_request(&self, id: DataRequestId) -> Result<Option<DataRequest>> {
                let row: Option<RequestRow> =
                    sqlx::query_as(&format!("SELECT {REQUEST_COLUMNS} FROM data_requests WHERE id = $1"))
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(DataRequest::from))
            }

            pub(super) async fn list_data_requests(&self) -> Result<Vec<DataRequest>> {
                let rows: Vec<RequestRow> = sqlx::query_as(&format!(
                    "SELECT {REQUEST_COLUMNS} FROM data_requests ORDER BY due_on DESC, created_at DESC"
                ))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(DataRequest::from).collect())
            }

            pub(super) async fn first_accepted_since(&self, since: DateTime<Utc>) -> Result<Vec<(OrgId, DateTime<Utc>)>> {
                let rows: Vec<(Uuid, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT org_id, MIN(uploaded_at) AS first_at FROM submissions \
                     WHERE status = 'accepted' AND uploaded_at >= $1 GROUP BY org_id",
                )
                .bind(since)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(o, at)| (OrgId(o), at)).collect())
            }

            pub(super) async fn get_user_preferences(&self, user: UserId) -> Result<UserPreferences> {
                let row: Option<PreferencesRow> =
                    sqlx::query_as("SELECT user_id, lang, weekly_digest FROM user_preferences WHERE user_id = $1")
                        .bind(user.0)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(PreferencesRow::into_pair).transpose()?.map(|(_, p)| p).unwrap_or_default())
            }

            pub(super) async fn list_user_preferences(&self) -> Result<Vec<(UserId, UserPreferences)>> {
                let rows: Vec<PreferencesRow> =
                    sqlx::query_as("SELECT user_id, lang, weekly_digest FROM user_preferences ORDER BY user_id")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(PreferencesRow::into_pair).collect()
            }

            #[instrument(skip_all, fields(user = %user))]
            pub(super) async fn put_user_preferences(
                &self,
                actor: &Actor,
                user: UserId,
                prefs: &UserPreferences,
            ) -> Result<UserPreferences> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    sqlx::query(
                        "INSERT INTO user_preferences (user_id, lang, weekly_digest, updated_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (user_id) DO UPDATE SET lang = excluded.lang, \
                         weekly_digest = excluded.weekly_digest, updated_at = excluded.updated_at",
                    )
                    .bind(user.0)
                    .bind(prefs.lang.code())
                    .bind(prefs.weekly_digest)
                    .bind(Utc::now())
                    .execute(&mut *tx)
                    .await
                    .on_foreign_key("unknown_user", || "no such user".into())?;
                    let event = AuditEvent {
                        action: "user.preferences".into(),
                        org_id: None,
                        subject: Some(user.to_string()),
                        detail: json!({"lang": prefs.lang.code(), "weekly_digest": prefs.weekly_digest}),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    Ok(*prefs)
                })
                .await
            }

            #[instrument(skip_all, fields(kind = %key.kind, subject = %key.subject, user = %key.user_id))]
            pub(super) async fn claim_mail(&self, key: &MailKey, at: DateTime<Utc>) -> Result<bool> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    // A new key is inserted; an existing one is taken over only when it
                    // failed and has attempts left. Racing servers queue on the key (a
                    // PostgreSQL unique index waits for the first insert to commit; SQLite
                    // writes one at a time) and the loser changes no row.
                    let claimed = sqlx::query(
                        "INSERT INTO mail_claims (kind, subject, user_id, claimed_at, status, attempts) \
                         VALUES ($1, $2, $3, $4, 'claimed', 1) \
                         ON CONFLICT (kind, subject, user_id) DO UPDATE SET status = 'claimed', \
                         claimed_at = excluded.claimed_at, attempts = mail_claims.attempts + 1, error = NULL \
                         WHERE mail_claims.status = 'failed' AND mail_claims.attempts < $5",
                    )
                    .bind(&key.kind)
                    .bind(&key.subject)
                    .bind(key.user_id.0)
                    .bind(at)
                    .bind(MAIL_ATTEMPTS)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        == 1;
                    tx.commit().await?;
                    Ok(claimed)
                })
                .await
            }

            pub(super) async fn finish_mail(&self, key: &MailKey, outcome: &MailOutcome, at: DateTime<Utc>) -> Result<()> {
                let (status, error) = match outcome {
                    MailOutcome::Sent => ("sent", None),
                    MailOutcome::Failed(reason) => ("failed", Some(reason.chars().take(500).collect::<String>())),
                };
                let error = &error;
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    sqlx::query(
                        "UPDATE mail_claims SET status = $1, error = $2, finished_at = $3 \
                         WHERE kind = $4 AND subject = $5 AND user_id = $6",
                    )
                    .bind(status)
                    .bind(error)
                    .bind(at)
                    .bind(&key.kind)
                    .bind(&key.subject)
                    .bind(key.user_id.0)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                })
                .await
            }

            pub(super) async fn list_mail_claims(&self) -> Result<Vec<MailClaimRecord>> {
                let rows: Vec<ClaimRow> = sqlx::query_as(
                    "SELECT kind, subject, user_id, claimed_at, status, attempts, error FROM mail_claims \
                     ORDER BY claimed_at, kind, subject",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| MailClaimRecord {
                        kind: r.kind,
                        subject: r.subject,
                        user_id: UserId(r.user_id),
                        claimed_at: r.claimed_at,
                        status: r.status,
                        attempts: r.attempts,
                        error: r.error,
                    })
                    .collect())
            }
        }
    };
}

requests_impl!(SqliteStore, sqlx::Sqlite);
requests_impl!(PgStore, sqlx::Postgres);
