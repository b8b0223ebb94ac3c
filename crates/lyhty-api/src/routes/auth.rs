//! Signing in, and who am I.

use crate::auth::{AuthUser, check_access, cleared_session_cookies, session_cookies, verify_password};
use crate::client::ClientAddr;
use crate::error::{ApiError, ErrorBody};
use crate::extract::Json;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse};
use chrono::{DateTime, Utc};
use lyhty_domain::Org;
use lyhty_store::User;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`. The browser UI uses the session cookie set
    /// with this answer instead (HttpOnly, with its CSRF token in the `lyhty_csrf` cookie).
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// A hash of a password nobody has, verified when the e-mail is unknown so that a wrong
/// address takes as long as a wrong password and does not reveal who has an account.
fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let nobody = uuid::Uuid::new_v4().to_string();
            crate::auth::hash_password(&nobody).unwrap_or_default()
        })
        .clone()
}

/// Sign in with e-mail and password.
///
/// Attempts are throttled per account and client address, and per client address across
/// accounts (see `throttle.rs`); past either limit the answer is 429 with `Retry-After`.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse,
            headers(("Set-Cookie" = String, description = "the browser session: `lyhty_session` (HttpOnly) and `lyhty_csrf`"))),
        (status = 400, description = "malformed JSON", body = ErrorBody),
        (status = 413, description = "the body is over 1 MiB", body = ErrorBody),
        (status = 401, description = "wrong e-mail or password", body = ErrorBody),
        (status = 403, description = "the organisation's agreement has ended", body = ErrorBody),
        (status = 429, description = "too many sign-in attempts from this address; `Retry-After` says when to try again",
            body = ErrorBody, headers(("Retry-After" = u64, description = "seconds to wait")))))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Json(req): Json<LoginRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let email = req.email.trim().to_lowercase();
    if email.is_empty() || email.len() > 254 || req.password.len() > 1024 {
        return Err(wrong_credentials());
    }
    // Taken before the password is checked: the check and the count are one step.
    if let Err(refused) = state.sign_in.attempt(&email, addr) {
        tracing::warn!(account = %email, client = %addr, "sign-in refused: too many attempts");
        return Err(refused);
    }
    let found = state.store.find_user_by_email(&email).await?;
    let stored = found.as_ref().map(|(_, h)| h.clone());
    let password = req.password;
    let matches = state
        .run_password_work(move || {
            let hash = stored.unwrap_or_else(dummy_hash);
            verify_password(&password, &hash)
        })
        .await?;
    let user = match found {
        Some((user, _)) if matches => user,
        _ => {
            tracing::warn!(account = %email, client = %addr, "failed sign-in");
            return Err(wrong_credentials());
        }
    };
    check_access(&state, &user).await?;
    state.sign_in.succeeded(&email, addr);
    let now = Utc::now();
    let (token, expires_at) = state.keys.issue(&user, now)?;
    tracing::info!(user = %user.id, role = user.role.key(), client = %addr, "signed in");
    let [session, csrf] = session_cookies(&token, (expires_at - now).num_seconds());
    let cookies = AppendHeaders([(SET_COOKIE, session), (SET_COOKIE, csrf)]);
    Ok((cookies, Json(LoginResponse { token, expires_at, user })))
}

/// Sign out of the browser session: the session cookies are cleared. (A bearer token stays
/// valid until it expires; scripts simply forget it.)
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses((status = 204, description = "the session cookies are cleared")))]
pub async fn logout() -> impl IntoResponse {
    let [session, csrf] = cleared_session_cookies();
    (StatusCode::NO_CONTENT, AppendHeaders([(SET_COOKIE, session), (SET_COOKIE, csrf)]))
}

fn wrong_credentials() -> ApiError {
    ApiError::Unauthorized { code: "invalid_credentials", message: "wrong e-mail address or password".into() }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user: User,
    /// The member's own organisation; absent for network-wide roles.
    pub org: Option<Org>,
}

/// The signed-in user, their role and organisation.
#[utoipa::path(get, path = "/api/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(who: AuthUser) -> Json<Me> {
    Json(Me { user: who.user, org: who.org })
}
