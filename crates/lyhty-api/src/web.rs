//! The browser UI: the built single-page application from `web_dir` (`make web` builds
//! `web/dist`), served for every path outside `/api`.
//!
//! A path that is not a file gets `index.html`, so the UI's own routes (`/inventory`,
//! `/parties/…`) survive a reload. `/api/…` paths that no route matched keep the API's JSON
//! 404. When the folder has not been built, `/` says how to build it instead of a bare 404.

use crate::routes::not_found;
use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tower::service_fn;
use tower::util::BoxCloneSyncService;
use tower_http::services::{ServeDir, ServeFile};

/// What the UI's pages may load: only this origin. Styles are inline because the design
/// system's components inject their CSS at run time.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
    font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const NOT_BUILT: &str = "<!doctype html>\n<html lang=\"fi\"><head><meta charset=\"utf-8\"><title>Lyhty</title></head>\n\
<body><h1>Lyhty</h1><p>Käyttöliittymää ei ole vielä käännetty. Aja <code>make web</code> ja käynnistä palvelin uudelleen.</p>\n\
<p lang=\"en\">The web UI has not been built yet: run <code>make web</code> and restart the server.</p>\n\
<p lang=\"en\">The API works meanwhile: <a href=\"/api/docs\">/api/docs</a>.</p></body></html>\n";

/// The fallback service of the router: the UI for non-API paths.
pub fn service(dir: &Path) -> BoxCloneSyncService<Request<Body>, Response, Infallible> {
    let dir: Arc<PathBuf> = Arc::new(dir.to_path_buf());
    BoxCloneSyncService::new(service_fn(move |req: Request<Body>| {
        let dir = dir.clone();
        async move { Ok::<_, Infallible>(respond(&dir, req).await) }
    }))
}

async fn respond(dir: &Path, req: Request<Body>) -> Response {
    let path = req.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return not_found(req.uri().clone()).await.into_response();
    }
    let index = dir.join("index.html");
    if !index.is_file() {
        return if path == "/" {
            (StatusCode::OK, Html(NOT_BUILT)).into_response()
        } else {
            not_found(req.uri().clone()).await.into_response()
        };
    }
    let serve = ServeDir::new(dir).fallback(ServeFile::new(&index));
    let mut response = match serve.oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(e) => match e {},
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn get(dir: &Path, path: &str) -> (StatusCode, String, Option<String>) {
        let req = Request::get(path).body(Body::empty()).unwrap();
        let res = respond(dir, req).await;
        let status = res.status();
        let csp = res.headers().get(header::CONTENT_SECURITY_POLICY).map(|v| v.to_str().unwrap().to_string());
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned(), csp)
    }

    #[tokio::test]
    async fn serves_files_and_falls_back_to_the_app_outside_the_api() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<div id=\"root\"></div>").unwrap();
        std::fs::create_dir(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("assets/app.js"), "console.log(1)").unwrap();
        let (status, body, csp) = get(dir.path(), "/assets/app.js").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "console.log(1)"));
        assert!(csp.unwrap().contains("default-src 'self'"));
        let (status, body, _) = get(dir.path(), "/parties/123/inventory").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("root"), "an app route gets index.html");
        let (status, body, _) = get(dir.path(), "/api/no-such-route").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("\"not_found\""), "API paths keep the JSON error: {body}");
    }

    #[tokio::test]
    async fn an_unbuilt_ui_says_how_to_build_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("dist");
        let (status, body, _) = get(&missing, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("make web"));
        assert_eq!(get(&missing, "/parties").await.0, StatusCode::NOT_FOUND);
    }
}
