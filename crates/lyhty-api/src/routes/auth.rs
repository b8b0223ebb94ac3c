//! Signing in, and who am I.

use crate::auth::{AuthUser, check_access, verify_password};
use crate::error::{ApiError, ErrorBody};
use crate::extract::Json;
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
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
    /// Send as `Authorization: Bearer <token>`.
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
/// Failed attempts are counted per e-mail address in the database (so every API instance
/// sees them); past the limit the address is refused for the rest of the window.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "wrong e-mail or password", body = ErrorBody),
        (status = 403, description = "the organisation's agreement has ended", body = ErrorBody),
        (status = 429, description = "too many failed attempts", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    Json(req): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let s = &state.settings;
    let now = Utc::now();
    let window = Duration::minutes(s.login_window_minutes);
    let email = req.email.trim().to_lowercase();
    if email.is_empty() || email.len() > 254 || req.password.len() > 1024 {
        return Err(wrong_credentials());
    }
    let failures = state.store.count_login_failures(&email, now - window).await?;
    if failures >= u64::from(s.login_max_failures) {
        return Err(ApiError::TooManyRequests { retry_after_secs: window.num_seconds().max(1) as u64 });
    }
    let found = state.store.find_user_by_email(&email).await?;
    let stored = found.as_ref().map(|(_, h)| h.clone());
    let password = req.password;
    let matches = state
        .run_blocking(move || {
            let hash = stored.unwrap_or_else(dummy_hash);
            verify_password(&password, &hash)
        })
        .await?;
    let user = match found {
        Some((user, _)) if matches => user,
        _ => {
            state.store.record_login_failure(&email, now).await?;
            tracing::info!("failed sign-in");
            return Err(wrong_credentials());
        }
    };
    check_access(&state, &user).await?;
    state.store.prune_login_failures(now - window, Some(&email)).await?;
    let (token, expires_at) = state.keys.issue(&user, now)?;
    tracing::info!(user = %user.id, role = user.role.key(), "signed in");
    Ok(Json(LoginResponse { token, expires_at, user }))
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
