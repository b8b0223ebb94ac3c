//! The audit log, for the coordinator.

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Query};
use crate::policy::{Action, authorize};
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use lyhty_domain::{OrgId, UserId};
use lyhty_store::{AuditEntry, AuditQuery};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditParams {
    /// Only entries about this organisation.
    pub org_id: Option<OrgId>,
    /// Only entries by this user.
    pub actor_id: Option<UserId>,
    /// Only this action, e.g. `inventory.read`.
    pub action: Option<String>,
    /// Entries at or after this time (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Entries before this time (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Entries older than this sequence number (for paging).
    pub before: Option<i64>,
    /// At most this many (default 100, at most 1000).
    pub limit: Option<u32>,
}

/// Who wrote what, and who read which organisation's licence data; newest first. Filters:
/// organisation, actor, action, a time window; page with `before` (the last `seq` seen).
#[utoipa::path(get, path = "/api/audit-log", tag = "audit", security(("bearer" = [])), params(AuditParams),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    who: AuthUser,
    Query(p): Query<AuditParams>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    authorize(&who, Action::ReadAuditLog)?;
    if let (Some(from), Some(to)) = (p.from, p.to)
        && from >= to
    {
        return Err(ApiError::invalid("invalid_time_range", "from must be before to"));
    }
    let query = AuditQuery {
        org_id: p.org_id,
        actor_id: p.actor_id,
        action: p.action,
        before_seq: p.before,
        from: p.from,
        to: p.to,
        limit: p.limit.unwrap_or(100).clamp(1, 1000),
    };
    Ok(Json(state.store.list_audit(&query).await?))
}
