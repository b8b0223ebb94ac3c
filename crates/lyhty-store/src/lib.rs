//! Persistence for the Lyhty platform.
//!
//! One [`Store`] trait, two implementations that run the same SQL: [`SqliteStore`] (the
//! embedded default, `sqlite://./var/lyhty.db`) and [`PgStore`] (production, several API
//! instances sharing one database). [`connect`] picks the backend once from the URL scheme
//! and applies that backend's migrations (`migrations/sqlite`, `migrations/postgres`).
//!
//! Every write records who did it in the append-only `audit_log` **in the same
//! transaction**, so a change and its audit entry are both there or neither is. Reads of
//! organisation-level licence data by analysts and coordinators are recorded through
//! [`Store::record_audit`].
//!
//! Nothing is kept on local disk but the SQLite file itself: sign-in throttling lives in the
//! database too, so API instances behind a load balancer agree on it.
#![forbid(unsafe_code)]

mod backends;
mod model;

pub use backends::{PgStore, SqliteStore};
pub use model::*;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lyhty_domain::{BusinessId, Org, OrgId, Termination, UserId};
use std::sync::Arc;

/// What can go wrong in the store. `NotFound`, `Conflict` and `Invalid` are the caller's
/// business (they map to 404, 409 and 422); `Database` is ours (a 5xx that says nothing).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or state conflict; `code` is stable (`duplicate_business_id`, …).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Well-formed but refused by a rule the database enforces (e.g. an unknown
    /// representative organisation).
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error("unsupported database URL: {0}")]
    UnsupportedUrl(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// The database could not be reached (as opposed to refusing a query): worth a 503
    /// and a retry rather than a 500.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database is behind a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The platform's persistence. Implemented for SQLite and PostgreSQL; the conformance
/// suite in `tests/conformance.rs` runs against both.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Applies this backend's migrations that have not run yet.
    async fn migrate(&self) -> Result<()>;

    /// A cheap round trip, for readiness checks.
    async fn ping(&self) -> Result<()>;

    // --- parties ---------------------------------------------------------------------------

    /// Creates a party. A business ID already in use is `Conflict("duplicate_business_id")`;
    /// an unknown or itself-represented `represented_by` is `Invalid("invalid_represented_by")`.
    async fn create_org(&self, actor: &Actor, org: &NewOrg) -> Result<Org>;
    async fn get_org(&self, id: OrgId) -> Result<Option<Org>>;
    async fn find_org_by_business_id(&self, business_id: &BusinessId) -> Result<Option<Org>>;
    /// All parties, by name.
    async fn list_orgs(&self) -> Result<Vec<Org>>;
    async fn update_org(&self, actor: &Actor, id: OrgId, patch: &OrgPatch) -> Result<Org>;
    /// Records a notice or an expulsion with its effective date (§17).
    async fn terminate_org(&self, actor: &Actor, id: OrgId, termination: Termination) -> Result<Org>;

    // --- users -----------------------------------------------------------------------------

    /// Creates a user; the e-mail address is stored lower-case and must be unique among
    /// open accounts (`Conflict("duplicate_email")`).
    async fn create_user(&self, actor: &Actor, user: &NewUser) -> Result<User>;
    /// An open account by id (closed accounts are `None`).
    async fn get_user(&self, id: UserId) -> Result<Option<User>>;
    /// An open account by e-mail, with its password hash, for signing in.
    async fn find_user_by_email(&self, email: &str) -> Result<Option<(User, String)>>;
    /// Open accounts, by e-mail.
    async fn list_users(&self) -> Result<Vec<User>>;
    /// Closes an account. The row stays so the audit log can still name the user.
    async fn delete_user(&self, actor: &Actor, id: UserId) -> Result<()>;
    async fn count_users(&self) -> Result<u64>;

    // --- sign-in throttling ----------------------------------------------------------------

    async fn record_login_failure(&self, email: &str, at: DateTime<Utc>) -> Result<()>;
    async fn count_login_failures(&self, email: &str, since: DateTime<Utc>) -> Result<u64>;
    /// Forgets failures older than `before` and, after a successful sign-in, the user's own.
    async fn prune_login_failures(&self, before: DateTime<Utc>, email: Option<&str>) -> Result<()>;

    // --- audit log -------------------------------------------------------------------------

    /// Appends an entry outside any write, e.g. an analyst reading an organisation's lines.
    async fn record_audit(&self, actor: &Actor, event: &AuditEvent) -> Result<()>;
    /// Newest first.
    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>>;
}

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`) and applies its
/// migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::open(url).await?)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Arc::new(PgStore::open(url).await?)
    } else {
        let scheme = url.split(':').next().unwrap_or_default();
        return Err(StoreError::UnsupportedUrl(format!("{scheme}: (use sqlite:// or postgres://)")));
    };
    store.migrate().await?;
    Ok(store)
}

#[cfg(feature = "testing")]
pub mod testing;
