//! The Lyhty HTTP API and the `lyhty` command.
//!
//! A map for newcomers:
//! - [`settings`]: configuration (defaults → TOML file → `LYHTY_*` environment);
//! - [`state`]: what handlers share (store, token keys, the bound on blocking work);
//! - [`auth`]: passwords, tokens and the [`auth::AuthUser`] extractor;
//! - [`throttle`]: sign-in throttling per account and client address;
//! - [`policy`]: every role and organisation rule, in one place;
//! - [`calendar`]: the sources of a user's calendar feed, its token and throttle;
//! - [`routes`]: one module per resource of `API.md`;
//! - [`edge`]: body limits, the panic answer and the Swagger UI's CSP;
//! - [`error`]: the one [`error::ApiError`] and its JSON shape;
//! - [`openapi`]: the OpenAPI document served at `/api/openapi.json` and `/api/docs`;
//! - [`demo`]: the demo parties and users of `lyhty serve --demo`;
//! - [`governance`]: steering-group decisions counted on the seats, §17's leaving rules.
//! - [`clock`]: today in Helsinki (fixed by tests); [`tracker`]: each party's status on a
//!   data request; [`mail`]: the SMTP sender and the messages' texts; [`reminders`]: the
//!   job that sends the reminders and the weekly digest once each.
//!
//! [`router`] builds the whole application so tests can drive it with `oneshot`;
//! [`launch`] serves it until the shutdown future resolves.
#![forbid(unsafe_code)]

pub mod auth;
pub mod calendar;
pub mod client;
pub mod clock;
pub mod demo;
pub mod edge;
pub mod erasure;
pub mod error;
pub mod export;
pub mod extract;
pub mod governance;
pub mod mail;
pub mod negotiations;
pub mod openapi;
pub mod policy;
pub mod publishing;
pub mod reminders;
pub mod routes;
pub mod settings;
pub mod state;
pub mod throttle;
pub mod tokens;
pub mod tracker;
pub mod web;

use crate::auth::{TokenKeys, load_or_create_secret};
use crate::edge::BodyKind;
use crate::settings::{LogFormat, Settings};
use crate::state::AppState;
use anyhow::Context;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::routing::{delete, get, post};
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_swagger_ui::SwaggerUi;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application.
pub fn router(state: AppState) -> Router {
    // Only these take a file; every other route takes at most `JSON_BODY_LIMIT`.
    let uploads = Router::new()
        .route("/api/orgs/{id}/submissions", post(routes::submissions::upload))
        .route("/api/payments/import", post(routes::finance::import_payments))
        .route("/api/orgs/{id}/agreements", post(routes::privacy::add_agreement));
    // Negotiation documents have their own, fixed limit (the domain's `MAX_DOCUMENT_BYTES`).
    let documents =
        Router::new().route("/api/negotiations/{id}/documents", post(routes::negotiations::upload_document));
    let swagger: Router<AppState> =
        SwaggerUi::new("/api/docs").external_url_unchecked("/api/openapi.json", openapi::document()).into();
    let api = Router::new()
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz))
        .route("/api/auth/login", post(routes::auth::login))
        .route("/api/auth/logout", post(routes::auth::logout))
        .route("/api/me", get(routes::auth::me).patch(routes::mail::update_preferences))
        .route("/api/users", get(routes::users::list).post(routes::users::create))
        .route("/api/users/{id}", delete(routes::users::delete))
        .route("/api/orgs", get(routes::orgs::list).post(routes::orgs::create))
        .route("/api/orgs/{id}", get(routes::orgs::get).patch(routes::orgs::update))
        .route("/api/orgs/{id}/terminate", post(routes::orgs::terminate))
        .route("/api/audit-log", get(routes::audit::list))
        .route("/api/orgs/{id}/submissions", get(routes::submissions::history))
        .route("/api/orgs/{id}/submissions/{sid}/restore", post(routes::submissions::restore))
        .route("/api/orgs/{id}/inventory", get(routes::submissions::inventory))
        .route("/api/submissions/{id}", get(routes::submissions::get))
        .route("/api/submissions/{id}/file", get(routes::submissions::file))
        .route("/api/submissions/{id}/diff", get(routes::submissions::diff))
        .route("/api/template.xlsx", get(routes::submissions::template_xlsx))
        .route("/api/template.csv", get(routes::submissions::template_csv))
        .route("/api/vendors", get(routes::submissions::vendors))
        .route("/api/vendors/aliases", post(routes::submissions::add_alias))
        .route("/api/cost-shares", get(routes::finance::get_cost_shares))
        .route("/api/invoice-runs", post(routes::finance::create_run))
        .route("/api/invoices", get(routes::finance::list))
        .route("/api/invoices/{id}", get(routes::finance::get))
        .route("/api/invoices/{id}/pdf", get(routes::finance::pdf))
        .route("/api/invoices/{id}/ubl", get(routes::finance::ubl))
        .route("/api/invoices/{id}/payments", post(routes::finance::add_payment))
        .route("/api/invoices/{id}/credit-notes", post(routes::finance::credit))
        // The spend ledger and reports; no route changes or removes a ledger entry.
        .route("/api/expenses", get(routes::spend::list_expenses).post(routes::spend::create_expense))
        .route("/api/expenses/{id}/reverse", post(routes::spend::reverse_expense))
        .route("/api/budget-plan", get(routes::spend::get_plan).put(routes::spend::put_plan))
        .route("/api/hourly-rates", get(routes::spend::list_rates).post(routes::spend::add_rate))
        .route("/api/reports/quarterly/{year}/{quarter}", get(routes::spend::quarterly))
        .route("/api/reports/annual/{year}", get(routes::spend::annual))
        .route("/api/reports/dissolution-preview", get(routes::spend::dissolution))
        .route("/api/releases", get(routes::releases::list).post(routes::releases::create))
        .route(
            "/api/releases/{id}",
            get(routes::releases::get)
                .layer::<_, std::convert::Infallible>(axum::middleware::from_fn(routes::release_cache::conditional))
                .layer(routes::release_cache::compression()),
        )
        .route("/api/releases/{id}/export.xlsx", get(routes::releases::export_xlsx))
        .route("/api/releases/{id}/audit", get(routes::releases::audit))
        .route("/api/orgs/{id}/benchmark", get(routes::releases::benchmark))
        .route("/api/vocabulary", get(routes::vocabulary::get))
        // The steering group decides (NETWORK.md).
        .route("/api/meetings", get(routes::governance::list_meetings).post(routes::governance::create_meeting))
        .route("/api/meetings/{id}/decisions", post(routes::governance::record_decision))
        .route("/api/decisions", get(routes::governance::list_decisions))
        .route("/api/cost-share-models", get(routes::governance::list_models).post(routes::governance::create_model))
        .route("/api/negotiations", get(routes::negotiations::list).post(routes::negotiations::create))
        .route("/api/negotiations/{id}", get(routes::negotiations::get).patch(routes::negotiations::update))
        .route("/api/negotiations/{id}/documents", get(routes::negotiations::list_documents))
        .route("/api/negotiations/{id}/documents/{doc}", get(routes::negotiations::download_document))
        .route("/api/negotiations/{id}/savings", post(routes::negotiations::record_saving))
        .route("/api/savings", get(routes::negotiations::savings))
        .route("/api/orgs/{id}/deadlines", get(routes::calendar::deadlines))
        .route("/api/renewals", get(routes::calendar::renewals))
        .route("/api/me/calendar", get(routes::calendar::my_feed))
        .route("/api/me/calendar/rotate", post(routes::calendar::rotate))
        // `{token}.ics`: the router matches whole segments, so the handler takes the suffix off.
        .route("/api/calendar/{file}", get(routes::calendar::feed))
        // Personal data and retention (routes/privacy.rs).
        .route("/api/people/erase", post(routes::privacy::erase))
        .route("/api/orgs/{id}/export.zip", get(routes::privacy::export))
        .route("/api/orgs/{id}/agreements", get(routes::privacy::list_agreements))
        .route("/api/orgs/{id}/agreements/{agreement}", get(routes::privacy::agreement_file))
        .route("/api/data-requests", get(routes::requests::list).post(routes::requests::create))
        .route("/api/data-requests/{id}", get(routes::requests::get))
        .route("/api/mail/status", get(routes::mail::status))
        .merge(edge::with_swagger_csp(swagger));
    let upload_limit = edge::upload_body_limit(state.settings.max_upload_bytes);
    let routes = edge::limit_bodies(api, edge::JSON_BODY_LIMIT, BodyKind::Json)
        .merge(edge::limit_bodies(uploads, upload_limit, BodyKind::Upload))
        .merge(edge::limit_bodies(
            documents,
            edge::upload_body_limit(lyhty_domain::negotiation::MAX_DOCUMENT_BYTES),
            BodyKind::Upload,
        ))
        .fallback_service(web::service(&state.settings.web_dir))
        .method_not_allowed_fallback(routes::method_not_allowed)
        // §14: every answer carrying one organisation's data is marked (routes/privacy.rs).
        .layer(axum::middleware::from_fn(routes::privacy::mark_confidential));
    with_middleware(routes, state)
}

/// Wraps `routes` in what every request and response passes through: request ids, tracing,
/// default headers, the time limit, and a panic turned into the standard 500 answer. Public
/// so a test can mount a route of its own (one that panics) the way the server does.
pub fn with_middleware(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    // The path only: query strings are not logged, nor a feed URL's secret.
                    tracing::info_span!("request", request_id = %id, method = %req.method(),
                        path = %loggable_path(req.uri().path()), user = tracing::field::Empty)
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-store"),
                ))
                .layer(TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(120),
                ))
                // Innermost, so the panic is caught before it unwinds through the layers above.
                .layer(CatchPanicLayer::custom(edge::panic_response)),
        )
        .with_state(state)
}

/// A request path as logs may show it: a calendar feed's path holds its secret token.
fn loggable_path(path: &str) -> &str {
    if path.starts_with(routes::calendar::FEED_PREFIX) { routes::calendar::FEED_PREFIX } else { path }
}

/// Opens the database (applying migrations) and builds the shared state.
pub async fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    let store = lyhty_store::connect(&settings.database_url)
        .await
        .with_context(|| format!("opening the database at {}", redact_url(&settings.database_url)))?;
    let secret = load_or_create_secret(settings.jwt_secret.as_deref(), settings.sqlite_path().as_deref())?;
    let keys = TokenKeys::from_secret(&secret, chrono::Duration::minutes(settings.token_ttl_minutes));
    let iban = lyhty_domain::iban::Iban::parse(&settings.invoicing_iban)
        .map_err(|e| anyhow::anyhow!("LYHTY_INVOICING_IBAN {:?}: {e}", settings.invoicing_iban))?;
    let invoicing = lyhty_finance::InvoicingConfig::valtori(iban, &settings.invoicing_bic);
    invoicing.validate().map_err(|e| anyhow::anyhow!("invoicing configuration: {e}"))?;
    let mailer = mail::Mailer::from_settings(&settings)?.map(std::sync::Arc::new);
    let mut state = AppState::new(store, keys, settings, invoicing);
    state.mailer = mailer;
    Ok(state)
}

/// Serves the application on `listener` until `shutdown` resolves, then finishes the
/// requests in flight.
pub async fn launch(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, backend = ?state.store.backend(), "Lyhty is listening on http://{addr}");
    // The reminder and digest job runs beside the server and stops with it.
    let (stop_job, job_stopped) = tokio::sync::watch::channel(false);
    let job = reminders::spawn(state.clone(), job_stopped);
    let shutdown = async move {
        shutdown.await;
        let _ = stop_job.send(true);
    };
    // The peer address feeds sign-in throttling (`client::ClientAddr`).
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    if let Some(job) = job {
        // Ends at once unless a run is sending; then after that run.
        let _ = job.await;
    }
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// Sets up logging once: `RUST_LOG` filters (default `info`), pretty or JSON lines.
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // The LP solver reports every infeasible or unbounded LP as a warning; to the
    // suppression and the audits those are answers, not problems (they report real ones
    // themselves). Unless RUST_LOG asks for the solver by name, only its errors are shown.
    if !std::env::var("RUST_LOG").is_ok_and(|v| v.contains("highs")) {
        filter = filter.add_directive("highs=error".parse().expect("a valid directive"));
    }
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// A database URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
