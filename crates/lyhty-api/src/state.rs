//! What every handler shares: the store, the token keys, the settings, and the bound on
//! CPU-heavy work.

use crate::error::ApiError;
use crate::settings::Settings;
use crate::throttle::SignInThrottle;
use crate::tokens::TokenKeys;
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
    /// Sign-in throttling (in this process).
    pub sign_in: Arc<SignInThrottle>,
    /// Calendar feed requests per client address (in this process).
    pub calendar_feed: Arc<crate::throttle::FeedThrottle>,
    /// At most `settings.blocking_workers` blocking jobs at once, so one big upload never
    /// starves the runtime or the machine.
    blocking: Arc<Semaphore>,
    /// Password hashing has its own `settings.password_workers` permits: a flood of
    /// sign-ins waits here, not in front of file parsing.
    passwords: Arc<Semaphore>,
    /// The SMTP server reminders and digests go through; `None` when none is configured.
    pub mailer: Option<Arc<crate::mail::Mailer>>,
    /// What day it is (Europe/Helsinki); tests fix it.
    pub clock: crate::clock::Clock,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        keys: TokenKeys,
        settings: Settings,
        invoicing: lyhty_finance::InvoicingConfig,
    ) -> Self {
        let blocking = Arc::new(Semaphore::new(settings.blocking_workers));
        let passwords = Arc::new(Semaphore::new(settings.password_workers));
        Self {
            store,
            keys: Arc::new(keys),
            sign_in: Arc::new(SignInThrottle::new(&settings)),
            calendar_feed: Arc::default(),
            settings: Arc::new(settings),
            invoicing: Arc::new(invoicing),
            blocking,
            passwords,
            mailer: None,
            clock: crate::clock::Clock::default(),
        }
    }

    /// Runs CPU-heavy or blocking work (file parsing, PDF rendering) on the blocking pool,
    /// waiting for a free slot first.
    pub async fn run_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        run_bounded(&self.blocking, f).await
    }

    /// Runs password hashing or verification on its own bounded slots.
    pub async fn run_password_work<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        run_bounded(&self.passwords, f).await
    }
}

async fn run_bounded<T, F>(slots: &Arc<Semaphore>, f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let permit = slots.clone().acquire_owned().await.map_err(ApiError::internal)?;
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f()
    })
    .await;
    result.map_err(|e| ApiError::internal(anyhow::anyhow!("blocking task failed: {e}")))
}
