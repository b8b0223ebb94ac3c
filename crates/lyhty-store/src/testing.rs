//! Fresh databases for tests, on both backends.
//!
//! PostgreSQL tests read `LYHTY_TEST_POSTGRES_URL`. Without it they are skipped with a
//! message, unless `LYHTY_REQUIRE_POSTGRES=1` (set by CI), in which case they fail: a
//! suite that needs PostgreSQL must not pass silently without it.

use crate::{Store, connect};
use sqlx::Connection;
use std::sync::Arc;

/// A store on a new SQLite file; keep the `TempDir` alive as long as the store.
pub async fn fresh_sqlite() -> (Arc<dyn Store>, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("lyhty.db").display());
    let store = connect(&url).await.expect("open SQLite store");
    (store, dir, url)
}

/// The PostgreSQL server to test against, or `None` (after saying so) when there is none
/// and none is required.
pub fn postgres_url() -> Option<String> {
    match std::env::var("LYHTY_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("LYHTY_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("LYHTY_REQUIRE_POSTGRES=1 but LYHTY_TEST_POSTGRES_URL is not set");
            }
            eprintln!("skipping PostgreSQL test: LYHTY_TEST_POSTGRES_URL is not set");
            None
        }
    }
}

/// A test database that is dropped when this guard goes out of scope.
#[derive(Debug)]
pub struct PgTestDb {
    pub url: String,
    admin_url: String,
    name: String,
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        // Drop runs outside async context, possibly inside a runtime that is shutting down:
        // a short-lived thread with its own runtime does the cleanup. FORCE closes the
        // store's pooled connections.
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await.ok()
            })
        })
        .join();
    }
}

/// A new, empty PostgreSQL database on the test server, migrated, with its guard.
pub async fn fresh_postgres() -> Option<(Arc<dyn Store>, PgTestDb)> {
    let base = postgres_url()?;
    let name = format!("lyhty_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at LYHTY_TEST_POSTGRES_URL: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create test database");
    let url = replace_database(&base, &name);
    let guard = PgTestDb { url: url.clone(), admin_url: base, name };
    let store = connect(&url).await.expect("open PostgreSQL store");
    Some((store, guard))
}

/// `postgres://u@h:5432/test?x=y` with the database name replaced.
fn replace_database(url: &str, name: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let after_scheme = head.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match head[after_scheme..].find('/') {
        Some(i) => &head[..after_scheme + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}
