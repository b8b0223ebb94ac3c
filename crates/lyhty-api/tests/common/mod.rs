//! A test harness: the real router on a fresh database, driven with `oneshot`.
#![allow(dead_code)]

pub mod releases;
pub mod smtp;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use lyhty_api::settings::Settings;
use lyhty_api::state::AppState;
use lyhty_domain::Role;
use lyhty_store::testing::{PgTestDb, fresh_postgres, fresh_sqlite};
use lyhty_store::{Actor, NewUser};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const PASSWORD: &str = "test-password-123";

pub struct TestApp {
    pub state: AppState,
    /// What the state was built from, so that another instance can be built alike.
    pub settings: Settings,
    router: Router,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<PgTestDb>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The stable error code of an error reply.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_else(|| panic!("not an error body: {}", self.body))
    }
}

fn settings(url: &str) -> Settings {
    Settings {
        database_url: url.to_string(),
        jwt_secret: Some("test-secret-test-secret-test-secret".into()),
        ..Settings::default()
    }
}

impl TestApp {
    pub async fn sqlite() -> Self {
        let (_store, dir, url) = fresh_sqlite().await;
        Self::build(settings(&url), Some(dir), None).await
    }

    /// On a fresh SQLite file without a configured secret: the signing key is the random one
    /// the first instance writes to `jwt.key` beside the database, as `make run` does.
    pub async fn sqlite_with_key_file() -> Self {
        let (_store, dir, url) = fresh_sqlite().await;
        Self::build(Settings { jwt_secret: None, ..settings(&url) }, Some(dir), None).await
    }

    /// On a fresh SQLite file, with `change` applied to the settings (an SMTP server, …).
    pub async fn sqlite_with(change: impl FnOnce(&mut Settings)) -> Self {
        let (_store, dir, url) = fresh_sqlite().await;
        let mut s = settings(&url);
        change(&mut s);
        Self::build(s, Some(dir), None).await
    }

    /// On a fresh PostgreSQL database, with `change` applied to the settings.
    pub async fn postgres_with(change: impl FnOnce(&mut Settings)) -> Option<Self> {
        let (_store, db) = fresh_postgres().await?;
        let mut s = settings(&db.url);
        change(&mut s);
        Some(Self::build(s, None, Some(db)).await)
    }

    pub async fn postgres() -> Option<Self> {
        let (_store, db) = fresh_postgres().await?;
        Some(Self::build(settings(&db.url), None, Some(db)).await)
    }

    async fn build(settings: Settings, dir: Option<tempfile::TempDir>, pg: Option<PgTestDb>) -> Self {
        let state = lyhty_api::build_state(settings.clone()).await.unwrap();
        Self { router: lyhty_api::router(state.clone()), state, settings, _dir: dir, _pg: pg }
    }

    /// A second instance on this one's database, as a second server process would be: its
    /// own state built from the same settings (its own pool, keys and caches), nothing
    /// shared in memory. The first instance keeps the database alive.
    pub async fn another_instance(&self) -> Self {
        Self::build(self.settings.clone(), None, None).await
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply { status, headers, body }
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        };
        self.send(req.unwrap()).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.call(Method::POST, "/api/auth/login", None, Some(json!({"email": email, "password": password}))).await
    }

    /// Creates a user straight in the store and signs them in; returns the token.
    pub async fn user(&self, email: &str, role: Role, org: Option<lyhty_domain::OrgId>) -> String {
        let hash = lyhty_api::auth::hash_password(PASSWORD).unwrap();
        let new = NewUser { email: email.into(), name: email.into(), role, org_id: org, password_hash: hash };
        self.state.store.create_user(&Actor::system("test"), &new).await.unwrap();
        let reply = self.login(email, PASSWORD).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["token"].as_str().unwrap().to_string()
    }

    pub async fn coordinator(&self) -> String {
        self.user("koordinaattori@valtori.fi", Role::Coordinator, None).await
    }

    /// Creates a party through the API as the coordinator; returns its JSON.
    pub async fn org(&self, token: &str, name: &str, business_id: &str, category: &str) -> Value {
        let reply = self
            .post(
                "/api/orgs",
                token,
                json!({"name": name, "business_id": business_id, "category": category, "joined_on": "2025-09-01"}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.body
    }
}
