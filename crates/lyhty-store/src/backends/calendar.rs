//! Calendar feeds: one row per user with the nonce its feed token is derived from and the
//! token's hash, which a feed request is looked up by.

use super::write::{OnConstraint, retrying};
use super::{PgStore, SqliteStore};
use crate::{Actor, AuditEvent, CalendarFeed, Result};
use chrono::{DateTime, Utc};
use lyhty_domain::UserId;
use serde_json::json;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct FeedRow {
    user_id: Uuid,
    nonce: String,
    token_hash: String,
    created_at: DateTime<Utc>,
}

impl From<FeedRow> for CalendarFeed {
    fn from(r: FeedRow) -> Self {
        CalendarFeed { user_id: UserId(r.user_id), nonce: r.nonce, token_hash: r.token_hash, created_at: r.created_at }
    }
}

macro_rules! calendar_impl {
    ($store:ident, $db:ty) => {
        impl $store {
            pub(super) async fn calendar_feed(&self, user: UserId) -> Result<Option<CalendarFeed>> {
                let row: Option<FeedRow> = sqlx::query_as(
                    "SELECT user_id, nonce, token_hash, created_at FROM calendar_feeds WHERE user_id = $1",
                )
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(CalendarFeed::from))
            }

            pub(super) async fn put_calendar_feed(
                &self,
                actor: &Actor,
                feed: &CalendarFeed,
                rotated: bool,
            ) -> Result<()> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    sqlx::query(
                        "INSERT INTO calendar_feeds (user_id, nonce, token_hash, created_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (user_id) DO UPDATE SET nonce = excluded.nonce, \
                         token_hash = excluded.token_hash, created_at = excluded.created_at",
                    )
                    .bind(feed.user_id.0)
                    .bind(&feed.nonce)
                    .bind(&feed.token_hash)
                    .bind(feed.created_at)
                    .execute(&mut *tx)
                    .await
                    .on_foreign_key("unknown_user", || "no such user".into())?;
                    // The hash is a secret's fingerprint: it stays out of the log.
                    let event = AuditEvent {
                        action: if rotated { "calendar.rotate" } else { "calendar.create" }.into(),
                        org_id: None,
                        subject: Some(feed.user_id.to_string()),
                        detail: json!({}),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    Ok(())
                })
                .await
            }

            pub(super) async fn calendar_feed_user(&self, token_hash: &str) -> Result<Option<UserId>> {
                let row: Option<(Uuid,)> = sqlx::query_as("SELECT user_id FROM calendar_feeds WHERE token_hash = $1")
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|(id,)| UserId(id)))
            }
        }
    };
}

calendar_impl!(SqliteStore, sqlx::Sqlite);
calendar_impl!(PgStore, sqlx::Postgres);
