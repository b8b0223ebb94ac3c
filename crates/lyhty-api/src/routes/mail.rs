//! The signed-in user's mail preferences (language and the weekly digest), and whether the
//! platform can send mail at all, so the UI can say "e-mail is not configured".

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::Json;
use crate::state::AppState;
use axum::extract::State;
use lyhty_domain::Lang;
use lyhty_store::UserPreferences;
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub struct MailStatus {
    /// Whether an SMTP server is configured; without one no reminder or digest is sent.
    pub configured: bool,
    /// The signed-in user's own preferences.
    pub preferences: UserPreferences,
}

/// Whether mail goes out, and the signed-in user's mail preferences.
#[utoipa::path(get, path = "/api/mail/status", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MailStatus), (status = 401, body = ErrorBody)))]
pub async fn status(State(state): State<AppState>, who: AuthUser) -> Result<Json<MailStatus>, ApiError> {
    let preferences = state.store.get_user_preferences(who.user.id).await?;
    Ok(Json(MailStatus { configured: state.mailer.is_some(), preferences }))
}

/// A change to the signed-in user's preferences; absent fields stay as they are.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesPatch {
    /// `fi`, `sv` or `en`: the language of the user's e-mail.
    pub lang: Option<String>,
    /// Whether to get the weekly digest by e-mail.
    pub weekly_digest: Option<bool>,
}

/// Changes the signed-in user's own preferences (422 `invalid_lang`).
#[utoipa::path(patch, path = "/api/me", tag = "auth", security(("bearer" = [])), request_body = PreferencesPatch,
    responses((status = 200, body = UserPreferences), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_preferences(
    State(state): State<AppState>,
    who: AuthUser,
    Json(patch): Json<PreferencesPatch>,
) -> Result<Json<UserPreferences>, ApiError> {
    let mut prefs = state.store.get_user_preferences(who.user.id).await?;
    if let Some(lang) = patch.lang {
        prefs.lang =
            Lang::parse(&lang).ok_or_else(|| ApiError::invalid("invalid_lang", "lang must be fi, sv or en"))?;
    }
    if let Some(digest) = patch.weekly_digest {
        prefs.weekly_digest = digest;
    }
    Ok(Json(state.store.put_user_preferences(&who.actor(), who.user.id, &prefs).await?))
}
