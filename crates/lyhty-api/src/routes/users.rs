//! User accounts (coordinator only).

use crate::auth::{AuthUser, check_new_password, hash_password};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path};
use crate::policy::{Action, authorize};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use lyhty_domain::email::is_valid_email;
use lyhty_domain::{OrgId, Role, UserId};
use lyhty_store::{NewUser, User};
use serde::Deserialize;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreateUserRequest {
    pub email: String,
    pub name: String,
    /// `member`, `steering`, `analyst` or `coordinator`.
    pub role: String,
    /// Required for members, refused for everyone else.
    pub org_id: Option<OrgId>,
    /// At least 12 characters.
    pub password: String,
}

/// Every open account.
#[utoipa::path(get, path = "/api/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = Vec<User>), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, who: AuthUser) -> Result<Json<Vec<User>>, ApiError> {
    authorize(&who, Action::ManageUsers)?;
    Ok(Json(state.store.list_users().await?))
}

/// Creates an account.
#[utoipa::path(post, path = "/api/users", tag = "users", security(("bearer" = [])), request_body = CreateUserRequest,
    responses((status = 201, body = User), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: AuthUser,
    Json(req): Json<CreateUserRequest>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    authorize(&who, Action::ManageUsers)?;
    let new = parse_new_user(&state, req.email, req.name, &req.role, req.org_id, req.password).await?;
    let user = state.store.create_user(&who.actor(), &new).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Checks a new account's fields and hashes its password; shared with `lyhty user add`.
pub async fn parse_new_user(
    state: &AppState,
    email: String,
    name: String,
    role: &str,
    org_id: Option<OrgId>,
    password: String,
) -> Result<NewUser, ApiError> {
    let email = email.trim().to_lowercase();
    if !is_valid_email(&email) {
        return Err(ApiError::invalid("invalid_email", "the e-mail address is not valid"));
    }
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid("invalid_name", "the name must be 1–200 characters"));
    }
    let role = Role::parse(role).ok_or_else(|| {
        ApiError::invalid("invalid_role", "the role must be member, steering, analyst or coordinator")
    })?;
    match (role, org_id) {
        (Role::Member, None) => {
            return Err(ApiError::invalid("org_required", "a member user must belong to an organisation (org_id)"));
        }
        (Role::Member, Some(org)) => {
            if state.store.get_org(org).await?.is_none() {
                return Err(ApiError::invalid("unknown_org", "the organisation does not exist"));
            }
        }
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "org_not_allowed",
                "only member users belong to an organisation; leave org_id out for this role",
            ));
        }
        (_, None) => {}
    }
    check_new_password(&password)?;
    let password_hash = state.run_password_work(move || hash_password(&password)).await??;
    Ok(NewUser { email, name, role, org_id, password_hash })
}

/// Closes an account. The last coordinator cannot be removed.
#[utoipa::path(delete, path = "/api/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = UserId, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<UserId>,
) -> Result<StatusCode, ApiError> {
    authorize(&who, Action::ManageUsers)?;
    let target = state.store.get_user(id).await?.ok_or(ApiError::NotFound { what: "user" })?;
    if target.role == Role::Coordinator {
        let coordinators = state.store.list_users().await?.iter().filter(|u| u.role == Role::Coordinator).count();
        if coordinators <= 1 {
            return Err(ApiError::Conflict {
                code: "last_coordinator",
                message: "the last coordinator account cannot be removed".into(),
            });
        }
    }
    state.store.delete_user(&who.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
