//! HTTP routes, one module per resource of `API.md`.

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod finance;
pub mod governance;
pub mod health;
pub mod mail;
pub mod negotiations;
pub mod orgs;
pub mod privacy;
pub mod release_cache;
pub mod releases;
pub mod requests;
pub mod spend;
pub mod submissions;
pub mod users;
pub mod vocabulary;

use crate::error::ApiError;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

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

#[derive(Deserialize, utoipa::IntoParams)]
pub struct LangParams {
    /// `fi` (default), `sv` or `en`.
    pub lang: Option<String>,
}

/// A file download with a safe `Content-Disposition`.
pub fn download(name: &str, content_type: &'static str, bytes: Vec<u8>) -> Response {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"");
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}
