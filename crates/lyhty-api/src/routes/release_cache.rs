//! How a published release is served: validators, caching policy and compression.
//!
//! A release never changes once published, and it is the largest JSON the API sends (a few
//! hundred KiB), read by every member's dashboard. So `GET /api/releases/{id}` carries a
//! strong `ETag` (the SHA-256 of the exact bytes), answers `If-None-Match` with `304 Not
//! Modified` and no body, and is gzip-compressed for clients that accept it. The cache policy
//! is `private, no-cache`: only the member's own browser may keep a copy (never a shared
//! proxy: releases are for members only), and it revalidates each time, so the sign-in and
//! role checks of the handler still run before a cached copy is used.
//!
//! Kept apart from the handler (an axum middleware plus tower-http's compression) so the
//! handler stays what it was: read, authorise, send the stored bytes.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower_http::compression::CompressionLayer;
use tower_http::compression::CompressionLevel;

/// The policy for a release: the reader's browser only, revalidated on every use.
pub const CACHE_POLICY: &str = "private, no-cache";

/// Releases are compressed with gzip (the only coding built in) at its fastest level: it still shrinks the repetitive JSON
/// several times over, at a fraction of the default level's time per request.
pub fn compression() -> CompressionLayer {
    CompressionLayer::new().quality(CompressionLevel::Fastest)
}

/// Adds the `ETag` and cache policy to a successful answer and turns it into a 304 when the
/// client already holds these bytes. Errors (401, 403, 404) pass through untouched.
pub async fn conditional(req: Request, next: Next) -> Response {
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(req).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The stored release is already in memory; this only gathers it to hash it.
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => return crate::error::ApiError::internal(anyhow::anyhow!("release body: {e}")).into_response(),
    };
    let etag = etag_of(&bytes);
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_POLICY));
    if if_none_match.as_ref().is_some_and(|v| matches(v, &etag)) {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        copy_validators(&parts.headers, not_modified.headers_mut());
        not_modified.headers_mut().insert(header::ETAG, etag);
        return not_modified;
    }
    parts.headers.insert(header::ETAG, etag);
    Response::from_parts(parts, Body::from(bytes))
}

/// `"<sha-256 in hex>"`: strong, and the same for the same bytes on every instance.
pub fn etag_of(bytes: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex in quotes is a valid header value")
}

/// `If-None-Match` is `*` or a comma-separated list of entity tags; weak ones (`W/"…"`)
/// match too, as RFC 9110 §13.1.2 asks of this header.
fn matches(header_value: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = header_value.to_str() else { return false };
    let ours = etag.to_str().unwrap_or_default();
    list.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

/// A 304 carries the headers a 200 would have that describe caching (RFC 9110 §15.4.5).
fn copy_validators(from: &HeaderMap, to: &mut HeaderMap) {
    for name in [header::CACHE_CONTROL, header::VARY, header::CONTENT_LOCATION, header::EXPIRES] {
        if let Some(v) = from.get(&name) {
            to.insert(name, v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_is_the_quoted_hash_of_the_bytes() {
        let tag = etag_of(b"{}");
        assert_eq!(tag.to_str().unwrap(), "\"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"");
        assert_ne!(etag_of(b"{ }"), tag);
    }

    #[test]
    fn if_none_match_lists_wildcards_and_weak_tags_match() {
        let tag = etag_of(b"release");
        let ours = tag.to_str().unwrap().to_string();
        for header in [ours.clone(), format!("\"other\", {ours}"), "*".into(), format!("W/{ours}")] {
            assert!(matches(&HeaderValue::from_str(&header).unwrap(), &tag), "{header}");
        }
        assert!(!matches(&HeaderValue::from_static("\"other\""), &tag));
        assert!(!matches(&HeaderValue::from_static(""), &tag));
    }
}
