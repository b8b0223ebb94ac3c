//! The API's input conventions and the release's caching, through the real router on both
//! backends: money above the domain bound and text with control characters or bidi
//! overrides are refused with 422, a stable code and the field's name (never a 500, which is
//! what PostgreSQL's refusal of NUL used to become); a release answers `If-None-Match`
//! with 304 and `Accept-Encoding: gzip` with a compressed body.

use crate::common::TestApp;
use crate::common::releases::{business_id, inventory, publish_directly, submit};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use lyhty_domain::{Cents, Role};
use serde_json::{Value, json};
use std::io::Read;
use tower::ServiceExt;

const MAX: i64 = Cents::MAX_INPUT.0;

fn org_body(name: &str, n: u32, extra: Value) -> Value {
    let mut body =
        json!({"name": name, "business_id": business_id(n), "category": "parish", "joined_on": "2025-09-01"});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    body
}

async fn money_is_bounded(app: TestApp) {
    let token = app.coordinator().await;
    // The largest amount allowed is taken, either way round.
    let ok = app.post("/api/orgs", &token, org_body("Seurakunta 1", 1, json!({"cost_share_cents": MAX}))).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(ok.body["cost_share_cents"], MAX);
    let id = ok.body["id"].as_str().unwrap().to_string();

    for (path, method, body, field) in [
        (
            "/api/orgs".to_string(),
            Method::POST,
            org_body("Seurakunta 2", 2, json!({"cost_share_cents": i64::MAX})),
            "cost_share_cents",
        ),
        (format!("/api/orgs/{id}"), Method::PATCH, json!({"annual_budget_cents": MAX + 1}), "annual_budget_cents"),
        (format!("/api/orgs/{id}"), Method::PATCH, json!({"cost_share_cents": -MAX - 1}), "cost_share_cents"),
        (format!("/api/orgs/{id}"), Method::PATCH, json!({"cost_share_cents": 1e30}), "cost_share_cents"),
        (
            "/api/expenses".to_string(),
            Method::POST,
            json!({"date": "2026-01-10", "category": "legal", "amount_cents": u64::MAX, "description": "x"}),
            "amount_cents",
        ),
        (
            "/api/hourly-rates".to_string(),
            Method::POST,
            json!({"valid_from": "2026-01-01", "rate_cents": MAX + 1}),
            "rate_cents",
        ),
        (
            "/api/budget-plan".to_string(),
            Method::PUT,
            json!({"approved_on": "2026-01-01", "lines": [
                {"year": 2026, "quarter": 1, "category": "legal", "amount_cents": 1},
                {"year": 2026, "quarter": 2, "category": "legal", "amount_cents": i64::MAX}]}),
            "lines[1].amount_cents",
        ),
    ] {
        let reply = app.call(method.clone(), &path, Some(&token), Some(body)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{method} {path}: {}", reply.body);
        assert_eq!(reply.code(), "amount_out_of_range", "{method} {path}");
        let message = reply.body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{field}:")), "{message}");
    }
    // Nothing of the refused requests was stored.
    let org = app.get(&format!("/api/orgs/{id}"), &token).await;
    assert_eq!(org.body["cost_share_cents"], MAX);
    assert_eq!(org.body["annual_budget_cents"], Value::Null);
    let orgs = app.get("/api/orgs", &token).await;
    assert_eq!(orgs.body.as_array().unwrap().len(), 1);

    // Query parameters too.
    let reply = app.get(&format!("/api/reports/dissolution-preview?wind_down_cents={}", MAX + 1), &token).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::UNPROCESSABLE_ENTITY, "amount_out_of_range"));
    let reply = app.get(&format!("/api/reports/dissolution-preview?wind_down_cents={MAX}"), &token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

async fn text_is_clean(app: TestApp) {
    // The unauthenticated sign-in first: NUL used to reach PostgreSQL and come back a 500.
    let reply =
        app.call(Method::POST, "/api/auth/login", None, Some(json!({"email": "a\u{0}b", "password": "x"}))).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.code(), "control_character");
    assert!(reply.body["error"]["message"].as_str().unwrap().starts_with("email:"));

    let token = app.coordinator().await;
    let cases = [
        (org_body("Seurakunta\u{0}", 3, json!({})), "name", "control_character"),
        (org_body("Seurakunta\nkaksi", 4, json!({})), "name", "line_break_not_allowed"),
        (org_body("Acme\u{202E}gnp.exe", 5, json!({})), "name", "bidi_control_character"),
        (org_body("Seurakunta 6", 6, json!({"contact_name": "Ilkka\u{1b}[31m"})), "contact_name", "control_character"),
    ];
    for (body, field, code) in cases {
        let reply = app.post("/api/orgs", &token, body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        assert_eq!(reply.code(), code);
        assert!(reply.body["error"]["message"].as_str().unwrap().starts_with(&format!("{field}:")), "{}", reply.body);
    }
    assert_eq!(app.get("/api/orgs", &token).await.body.as_array().unwrap().len(), 0, "nothing refused was stored");

    // A multi-line field keeps its line breaks, but not a NUL.
    let expense = |description: &str| json!({"date": "2026-01-10", "category": "legal", "amount_cents": 1_000_00, "description": description});
    let ok = app.post("/api/expenses", &token, expense("Lausunto\nkaksi riviä")).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(ok.body["description"], "Lausunto\nkaksi riviä");
    let reply = app.post("/api/expenses", &token, expense("Lausunto\u{0}")).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::UNPROCESSABLE_ENTITY, "control_character"));

    // And in query strings.
    let reply = app.get("/api/audit-log?action=org.create%00", &token).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::UNPROCESSABLE_ENTITY, "control_character"));
}

#[tokio::test]
async fn money_above_the_bound_is_refused_with_its_field_on_sqlite() {
    money_is_bounded(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn money_above_the_bound_is_refused_with_its_field_on_postgres() {
    let Some(app) = TestApp::postgres().await else { return };
    money_is_bounded(app).await;
}

#[tokio::test]
async fn control_characters_and_bidi_overrides_are_refused_on_sqlite() {
    text_is_clean(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn control_characters_and_bidi_overrides_are_refused_on_postgres() {
    let Some(app) = TestApp::postgres().await else { return };
    text_is_clean(app).await;
}

/// A raw request through the router, for the headers and bytes as they go over the wire.
async fn raw(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    headers: &[(header::HeaderName, &str)],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::builder().uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    for (name, value) in headers {
        req = req.header(name, *value);
    }
    let response = lyhty_api::router(app.state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let (parts, body) = response.into_parts();
    (parts.status, parts.headers, body.collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn a_release_is_served_with_a_strong_etag_304_and_gzip_to_members_only() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let mut first_org = None;
    for n in 0..9u32 {
        let org = app.org(&coordinator, &format!("Organisaatio {n}"), &business_id(n), "university").await;
        let id = org["id"].as_str().unwrap().parse().unwrap();
        first_org.get_or_insert(id);
        submit(&app, id, inventory(n + 1)).await;
    }
    let member = app.user("jasen@example.fi", Role::Member, first_org).await;
    let id = publish_directly(&app, lyhty_domain::today_in_finland()).await;
    let path = format!("/api/releases/{id}");

    let (status, headers, plain) = raw(&app, &path, Some(&member), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers[header::ETAG].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.len() == 66, "a strong ETag of the SHA-256: {etag}");
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-cache");
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    let release: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(release["id"], id.as_str());
    matches_release_schema(&release);

    // The same bytes again: 304, no body, the same validator and policy.
    let (status, headers, body) = raw(&app, &path, Some(&member), &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(headers[header::ETAG].to_str().unwrap(), etag);
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-cache");
    // Another tag: the whole release.
    let (status, _, body) = raw(&app, &path, Some(&member), &[(header::IF_NONE_MATCH, "\"stale\"")]).await;
    assert_eq!((status, body.len()), (StatusCode::OK, plain.len()));

    // Compressed for clients that ask, and the same release once inflated.
    let (status, headers, gz) = raw(&app, &path, Some(&member), &[(header::ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert!(gz.len() * 3 < plain.len(), "gzip should shrink the release JSON: {} of {}", gz.len(), plain.len());
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice()).read_to_end(&mut inflated).unwrap();
    assert_eq!(inflated, plain);

    // A validator is no way around signing in.
    let (status, headers, _) = raw(&app, &path, None, &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.get(header::ETAG).is_none());
    // And an unknown release is a plain 404, without a validator.
    let (status, headers, _) = raw(&app, &format!("/api/releases/{}", uuid::Uuid::new_v4()), Some(&member), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers.get(header::ETAG).is_none());
}

/// The release JSON has what the document's hand-written `Release` schema promises: every
/// required field, and in each cell the required figures plus only string members beyond
/// the documented properties (a new measure or field would show up here first).
fn matches_release_schema(release: &Value) {
    let doc = lyhty_api::openapi::document();
    let schemas = &doc["components"]["schemas"];
    let required = |name: &str| -> Vec<String> {
        schemas[name]["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    };
    for field in required("Release") {
        assert!(release.get(&field).is_some(), "release without {field}");
    }
    let documented: Vec<String> = schemas["ReleaseCell"]["properties"].as_object().unwrap().keys().cloned().collect();
    let mut cells = 0;
    for table in release["tables"].as_array().unwrap() {
        for field in required("ReleaseTable") {
            assert!(table.get(&field).is_some(), "table without {field}");
        }
        for cell in table["cells"].as_array().unwrap() {
            cells += 1;
            for field in required("ReleaseCell") {
                assert!(cell.get(&field).is_some(), "cell without {field}: {cell}");
            }
            for (key, value) in cell.as_object().unwrap() {
                assert!(documented.contains(key) || value.is_string(), "undocumented {key} in {cell}");
            }
        }
    }
    assert!(cells > 0);
}
