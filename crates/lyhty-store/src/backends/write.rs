//! What every write shares: how a write transaction begins, the retry when another writer
//! got in the way, turning constraint violations into the caller's errors, and the audit
//! entry written in the same transaction.

use super::{PgStore, SqliteStore};
use crate::{Actor, AuditEvent, Result, StoreError};
use chrono::Utc;
use sqlx::types::Json;
use std::time::Duration;

/// SQLite write transactions take the write lock when they begin. A plain (deferred)
/// `BEGIN` reads first and upgrades later; when another connection wrote in between, the
/// upgrade fails at once with `SQLITE_BUSY` instead of waiting on the busy timeout, which
/// is what made concurrent uploads fail with "database is locked". `IMMEDIATE` queues
/// writers on the busy timeout; readers go on meanwhile (WAL).
const SQLITE_BEGIN: &str = "BEGIN IMMEDIATE";

/// PostgreSQL's row locks already make writers wait; its default isolation is kept.
const POSTGRES_BEGIN: &str = "BEGIN";

/// How often a write is tried when the database reports contention.
const WRITE_ATTEMPTS: u32 = 6;

/// Whether an error means "another transaction got in the way; the same write again may
/// succeed": PostgreSQL serialisation failures and deadlocks, SQLite busy or locked (its
/// extended codes, e.g. 517 `SQLITE_BUSY_SNAPSHOT`, keep the primary code in the low
/// byte), and the version numbers that racing writers can both claim.
fn is_contention(e: &StoreError) -> bool {
    match e {
        StoreError::Database(sqlx::Error::Database(d)) => {
            if let Some(pg) = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                matches!(pg.code(), "40001" | "40P01")
            } else if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                d.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| matches!(c & 0xff, 5 | 6))
            } else {
                false
            }
        }
        StoreError::Conflict { code, .. } => matches!(*code, "concurrent_submission" | "concurrent_plan_version"),
        _ => false,
    }
}

/// Runs a write, trying it again (a few times, after a growing, jittered pause) while the
/// database reports contention, so concurrent writers queue instead of failing. `write`
/// begins and commits its own transaction, so each attempt starts afresh.
pub(super) async fn retrying<T, F, Fut>(mut write: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut attempt = 1;
    loop {
        match write().await {
            Err(e) if attempt < WRITE_ATTEMPTS && is_contention(&e) => {
                // Jitter from the clock keeps racing writers from retrying in lockstep.
                let jitter = u64::from(Utc::now().timestamp_subsec_micros() % 20);
                let pause = Duration::from_millis((5 << attempt) + jitter);
                tracing::debug!(attempt, ?pause, error = %e, "write met contention; trying again");
                tokio::time::sleep(pause).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Constraint violations as the caller's errors, as realworld's `on_constraint` does: the
/// database enforces uniqueness and references, and the store says what that means.
pub(super) trait OnConstraint<T> {
    /// A unique violation becomes `Conflict { code, message }`.
    fn on_unique(self, code: &'static str, message: impl FnOnce() -> String) -> Result<T>;
    /// A foreign-key violation becomes `Invalid { code, message }`.
    fn on_foreign_key(self, code: &'static str, message: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: Into<StoreError>> OnConstraint<T> for std::result::Result<T, E> {
    fn on_unique(self, code: &'static str, message: impl FnOnce() -> String) -> Result<T> {
        self.map_err(Into::into).map_err(|e| match e {
            StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                StoreError::Conflict { code, message: message() }
            }
            other => other,
        })
    }

    fn on_foreign_key(self, code: &'static str, message: impl FnOnce() -> String) -> Result<T> {
        self.map_err(Into::into).map_err(|e| match e {
            StoreError::Database(sqlx::Error::Database(d)) if d.is_foreign_key_violation() => {
                StoreError::Invalid { code, message: message() }
            }
            other => other,
        })
    }
}

/// A value in the database that the domain does not accept: the database was written by
/// something other than this program. Reported as a database error, never shown to users.
pub(super) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(format!("invalid {what} in database: {value:?}").into()))
}

/// Stamps out the shared write helpers for one pool type.
macro_rules! write_impl {
    ($store:ident, $db:ty, $begin:expr) => {
        impl $store {
            /// Opens a write transaction (see [`SQLITE_BEGIN`]).
            pub(super) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, $db>> {
                Ok(self.pool.begin_with($begin).await?)
            }

            /// Appends an audit entry inside the caller's transaction, so a change and its
            /// entry are both stored or neither is.
            pub(super) async fn audit_in(
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
        }
    };
}

write_impl!(SqliteStore, sqlx::Sqlite, SQLITE_BEGIN);
write_impl!(PgStore, sqlx::Postgres, POSTGRES_BEGIN);
