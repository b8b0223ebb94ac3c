//! What guards the HTTP edge besides sign-in: body limits that refuse a declared length at
//! once, a panic turned into the standard 500 answer, and the Swagger UI's
//! Content-Security-Policy.

use crate::error::ApiError;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::any::Any;
use tower_http::set_header::SetResponseHeaderLayer;

/// The largest body of every route that takes JSON; only the upload routes take more.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// Room for the multipart framing around a file of `max_upload_bytes`.
pub fn upload_body_limit(max_upload_bytes: usize) -> usize {
    max_upload_bytes.saturating_add(64 * 1024)
}

/// What a body over the limit is called in the error: a file on upload routes.
#[derive(Clone, Copy)]
pub enum BodyKind {
    Json,
    Upload,
}

/// Applies `limit` to every route of `routes` (those already added): a declared
/// `Content-Length` over it is refused with 413 before a byte of the body is awaited, and
/// a body without one is cut off at the limit as it is read.
pub fn limit_bodies<S: Clone + Send + Sync + 'static>(routes: Router<S>, limit: usize, kind: BodyKind) -> Router<S> {
    routes
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state((limit, kind), refuse_declared_oversize))
}

async fn refuse_declared_oversize(
    State((limit, kind)): State<(usize, BodyKind)>,
    req: Request,
    next: Next,
) -> Response {
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    match declared {
        Some(length) if length > limit as u64 => {
            tracing::info!(length, limit, "request body refused: over the limit");
            too_large(limit, kind).into_response()
        }
        _ => next.run(req).await,
    }
}

fn too_large(limit: usize, kind: BodyKind) -> ApiError {
    match kind {
        BodyKind::Json => ApiError::PayloadTooLarge {
            code: "payload_too_large",
            message: format!("the request body may be at most {limit} bytes"),
        },
        BodyKind::Upload => ApiError::PayloadTooLarge {
            code: "file_too_large",
            message: format!("the upload may be at most {limit} bytes"),
        },
    }
}

/// The answer to a handler that panicked: the standard 500 body, the panic in the log (with
/// the request's id, from the span it happened in) instead of a dropped connection.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    ApiError::Internal(anyhow::anyhow!("a handler panicked: {message}")).into_response()
}

/// The Swagger UI loads its script, styles and the document from this server only; its
/// stylesheet sets inline styles and it draws small images as `data:` URLs.
pub const SWAGGER_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// `routes` (the Swagger UI) served under [`SWAGGER_CSP`].
pub fn with_swagger_csp<S: Clone + Send + Sync + 'static>(routes: Router<S>) -> Router<S> {
    routes.layer(SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(SWAGGER_CSP),
    ))
}
