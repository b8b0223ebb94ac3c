//! Request extractors whose rejections speak the API's error shape, and the one place where
//! the API's input conventions are enforced.
//!
//! axum's own `Json` and `Path` answer bad input with plain-text bodies; these wrappers turn
//! every rejection into an [`ApiError`] with a stable code. [`Json`] and [`Query`] also
//! hold every request to two conventions of `API.md`, so that no handler can forget them:
//!
//! - money: a number in a field named `*_cents` is at most [`Cents::MAX_INPUT`] either way
//!   (422 `amount_out_of_range`);
//! - text: no string holds a control character or a bidirectional override (422
//!   `control_character`, `line_break_not_allowed` or `bidi_control_character`); line breaks
//!   only in the free-text fields of [`MULTI_LINE_FIELDS`].
//!
//! Each refusal names the field (`lines[3].amount_cents`).

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lyhty_domain::Cents;
use lyhty_domain::text::check_text;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Fields whose text may run over several lines (descriptions, notes, reasons); every other
/// string is a single line.
pub const MULTI_LINE_FIELDS: &[&str] = &["description", "note", "reason", "lessons", "outcome"];

/// A JSON body, or a 400/413/415/422 in the API's shape.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType {
                code: "expected_json",
                message: "send the body as JSON with Content-Type: application/json".into(),
            });
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { code: "payload_too_large", message: "the request body is too large".into() }
            } else {
                ApiError::BadRequest { code: "malformed_body", message: r.body_text() }
            }
        })?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest {
            code: "malformed_json",
            message: format!("the body is not JSON: {e}"),
        })?;
        check_value(&value, &mut String::new(), None)?;
        serde_path_to_error::deserialize(value).map(Json).map_err(|e| {
            let path = e.path().to_string();
            let message = if path == "." { e.inner().to_string() } else { format!("{path}: {}", e.inner()) };
            ApiError::Invalid { code: "invalid_request", message }
        })
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `application/json` or any `application/*+json`, as axum's own `Json` accepts.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Walks a JSON body and refuses the first value that breaks the money or text rules.
/// `field` is the name of the object member being looked at (arrays keep their parent's).
fn check_value(value: &Value, path: &mut String, field: Option<&str>) -> Result<(), ApiError> {
    match value {
        Value::String(s) => check_string(path, s, field.is_some_and(|f| MULTI_LINE_FIELDS.contains(&f))),
        Value::Number(n) if field.is_some_and(is_money_field) => check_amount(path, n),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_value(item, path, field)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(members) => {
            for (key, item) in members {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                check_string(path, key, false)?;
                check_value(item, path, Some(key))?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn is_money_field(name: &str) -> bool {
    name.ends_with("_cents")
}

fn check_string(path: &str, s: &str, multi_line: bool) -> Result<(), ApiError> {
    check_text(s, multi_line).map_err(|e| {
        let field = if path.is_empty() { "the body" } else { path };
        ApiError::Invalid { code: e.code(), message: format!("{field}: {e}") }
    })
}

fn check_amount(path: &str, n: &serde_json::Number) -> Result<(), ApiError> {
    let within = match n.as_i64() {
        Some(v) => Cents(v).is_within_input_bound(),
        // Beyond i64 (or a huge float): out of range; a small fraction is left to the
        // type check, which refuses it as not an integer.
        None => n.as_f64().is_some_and(|f| f.abs() <= Cents::MAX_INPUT.0 as f64),
    };
    if within { Ok(()) } else { Err(out_of_range(path)) }
}

fn out_of_range(field: &str) -> ApiError {
    ApiError::Invalid {
        code: "amount_out_of_range",
        message: format!(
            "{field}: amounts are at most {} cents ({}) either way",
            Cents::MAX_INPUT.0,
            Cents::MAX_INPUT.to_finnish()
        ),
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

/// Query parameters, or a 400; held to the same money and text rules as JSON bodies.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            check_string(&key, &key, false)?;
            check_string(&key, &value, false)?;
            if is_money_field(&key)
                && let Ok(v) = value.trim().parse::<i128>()
                && !i64::try_from(v).is_ok_and(|v| Cents(v).is_within_input_bound())
            {
                return Err(out_of_range(&key));
            }
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Query(v))
            .map_err(|r: QueryRejection| ApiError::BadRequest { code: "invalid_query", message: r.body_text() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: Value) -> Result<(), (StatusCode, &'static str, String)> {
        check_value(&v, &mut String::new(), None).map_err(|e| (e.status(), e.code(), e.to_string()))
    }

    #[test]
    fn amounts_up_to_the_bound_pass_and_larger_ones_name_the_field() {
        let max = Cents::MAX_INPUT.0;
        assert!(check(json!({"amount_cents": max, "cost_share_cents": -max})).is_ok());
        assert!(check(json!({"amount_cents": max + 1})).is_err());
        let (status, code, message) =
            check(json!({"lines": [{"amount_cents": 1}, {"amount_cents": i64::MAX}]})).unwrap_err();
        assert_eq!((status, code), (StatusCode::UNPROCESSABLE_ENTITY, "amount_out_of_range"));
        assert!(message.starts_with("lines[1].amount_cents:"), "{message}");
        assert!(check(json!({"amount_cents": u64::MAX})).is_err());
        assert!(check(json!({"amount_cents": 1e300})).is_err());
        // Numbers elsewhere are not money.
        assert!(check(json!({"year": i64::MAX})).is_ok());
    }

    #[test]
    fn text_with_control_characters_is_refused_with_its_field() {
        let (_, code, message) = check(json!({"email": "a\u{0}b", "password": "x"})).unwrap_err();
        assert_eq!(code, "control_character");
        assert!(message.starts_with("email:"), "{message}");
        assert_eq!(check(json!({"name": "two\nlines"})).unwrap_err().1, "line_break_not_allowed");
        assert!(check(json!({"description": "two\nlines"})).is_ok());
        assert_eq!(check(json!({"name": "Acme\u{202E}"})).unwrap_err().1, "bidi_control_character");
        assert_eq!(check(json!({"bad\u{1}key": 1})).unwrap_err().1, "control_character");
        assert_eq!(check(json!(["\u{7f}"])).unwrap_err().1, "control_character");
    }
}
