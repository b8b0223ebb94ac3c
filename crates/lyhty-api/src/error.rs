//! The one error type at the HTTP edge.
//!
//! Every failure a handler can meet becomes an [`ApiError`], which renders as
//! `{"error": {"code": "stable_snake_case", "message": "…"}}` with the status of `API.md`.
//! Codes are a contract with scripts and the web UI: change them only with a note. A 5xx
//! body says nothing internal; its cause chain goes to the log with the request's id.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lyhty_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read (malformed JSON, a bad id in the path).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// 401: no token, or a bad, expired or revoked one; or wrong credentials.
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    /// 403: signed in, but this role or organisation may not do this.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// 409: conflicts with the current state (a duplicate business ID, …).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    /// 413: the body, or what a file unpacks to, is over a limit.
    PayloadTooLarge { code: &'static str, message: String },
    #[error("{message}")]
    UnsupportedMediaType { code: &'static str, message: String },
    /// 422: well-formed but invalid.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    /// 503: a dependency (the database) is not reachable right now.
    #[error("the service is temporarily unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// 500: our fault. The cause is logged, never sent.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable, snake_case.
    pub code: String,
    /// For people; never contains internal details.
    pub message: String,
}

impl ApiError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { code, message: message.into() }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden { code: "forbidden", message: message.into() }
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        Self::Internal(e.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Forbidden { code, .. }
            | Self::Conflict { code, .. }
            | Self::UnsupportedMediaType { code, .. }
            | Self::PayloadTooLarge { code, .. }
            | Self::Invalid { code, .. } => code,
            Self::NotFound { .. } => "not_found",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal_error",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            Self::Internal(cause) | Self::Unavailable(cause) => {
                tracing::error!(error = ?cause, status = status.as_u16(), "request failed");
            }
            _ => tracing::debug!(code = self.code(), status = status.as_u16(), "request refused"),
        }
        let body = ErrorBody { error: ErrorDetail { code: self.code().to_string(), message: self.to_string() } };
        let mut response = (status, axum::Json(body)).into_response();
        if let Self::TooManyRequests { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound { what: "resource" },
            StoreError::Conflict { code, message } => Self::Conflict { code, message },
            StoreError::Invalid { code, message } => Self::Invalid { code, message },
            e if e.is_unavailable() => Self::Unavailable(anyhow::Error::new(e)),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}
