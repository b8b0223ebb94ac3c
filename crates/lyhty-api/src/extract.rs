//! Request extractors whose rejections speak the API's error shape.
//!
//! axum's own `Json` and `Path` answer bad input with plain-text bodies; these wrappers turn
//! every rejection into an [`ApiError`] with a stable code.

use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A JSON body, or a 400/413/415/422 in the API's shape.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    match r {
        JsonRejection::JsonDataError(e) => ApiError::Invalid { code: "invalid_request", message: e.body_text() },
        JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType {
            code: "expected_json",
            message: "send the body as JSON with Content-Type: application/json".into(),
        },
        r if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge { code: "payload_too_large", message: "the request body is too large".into() }
        }
        r => ApiError::BadRequest { code: "malformed_json", message: r.body_text() },
    }
}

/// Path parameters, or a 400 that says which one was wrong.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(r @ PathRejection::FailedToDeserializePathParams(_)) => {
                Err(ApiError::BadRequest { code: "invalid_path", message: r.body_text() })
            }
            Err(r) => Err(ApiError::internal(anyhow::anyhow!("path extraction: {}", r.body_text()))),
        }
    }
}

/// Query parameters, or a 400.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Query(v))
            .map_err(|r: QueryRejection| ApiError::BadRequest { code: "invalid_query", message: r.body_text() })
    }
}
