//! What every handler shares: the store, the token keys, the settings, and the bound on
//! CPU-heavy work.

use crate::auth::TokenKeys;
use crate::error::ApiError;
use crate::settings::Settings;
use lyhty_store::Store;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub keys: Arc<TokenKeys>,
    pub settings: Arc<Settings>,
    /// The seller's details on every invoice, checked once at start-up.
    pub invoicing: Arc<lyhty_finance::InvoicingConfig>,
    /// At most `settings.blocking_workers` blocking jobs at once, so one big upload or a
    /// burst of sign-ins never starves the runtime or the machine.
    blocking: Arc<Semaphore>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        keys: TokenKeys,
        settings: Settings,
        invoicing: lyhty_finance::InvoicingConfig,
    ) -> Self {
        let blocking = Arc::new(Semaphore::new(settings.blocking_workers));
        Self { store, keys: Arc::new(keys), settings: Arc::new(settings), invoicing: Arc::new(invoicing), blocking }
    }

    /// Runs CPU-heavy or blocking work (file parsing, password hashing, PDF rendering) on
    /// the blocking pool, waiting for a free slot first.
    pub async fn run_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = self.blocking.clone().acquire_owned().await.map_err(ApiError::internal)?;
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await;
        result.map_err(|e| ApiError::internal(anyhow::anyhow!("blocking task failed: {e}")))
    }
}
