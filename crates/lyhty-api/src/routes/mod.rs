//! HTTP routes, one module per resource of `API.md`.

pub mod audit;
pub mod auth;
pub mod health;
pub mod orgs;
pub mod users;

use crate::error::ApiError;
use axum::http::{Method, Uri};

/// Unknown paths get the API's error shape, not an empty 404.
pub async fn not_found(uri: Uri) -> ApiError {
    tracing::debug!(path = %uri.path(), "no such route");
    ApiError::NotFound { what: "route" }
}

pub async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::BadRequest { code: "method_not_allowed", message: format!("{method} is not allowed on this route") }
}

/// Trimmed, or `None` when blank: optional text fields treat "" as absent.
pub(crate) fn non_blank(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}
