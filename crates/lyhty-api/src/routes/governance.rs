//! The steering group decides (`NETWORK.md`): meetings, decisions with weighted votes, the
//! decision register and the cost-share model versions each decision adopted.
//!
//! The coordinator records; the steering group and the coordinator read every tally and
//! vote; every signed-in user reads the register's titles, dates, kinds and outcomes.

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path};
use crate::governance::{DecisionRequest, DecisionTally, count_decision};
use crate::policy::{Action, authorize};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::{DecisionId, DecisionKind, MeetingId, OrgId};
use lyhty_finance::CostShareModel;
use lyhty_store::{DecisionRecord, Meeting, ModelVersion, NewMeeting, SeatVote};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingRequest {
    pub date: NaiveDate,
    pub title: String,
}

/// The steering group's meetings, newest first.
#[utoipa::path(get, path = "/api/meetings", tag = "governance", security(("bearer" = [])),
    responses((status = 200, body = Vec<Meeting>), (status = 403, body = ErrorBody)))]
pub async fn list_meetings(State(state): State<AppState>, who: AuthUser) -> Result<Json<Vec<Meeting>>, ApiError> {
    authorize(&who, Action::ReadDecisionDetails)?;
    Ok(Json(state.store.list_meetings().await?))
}

/// Records a steering-group meeting.
#[utoipa::path(post, path = "/api/meetings", tag = "governance", security(("bearer" = [])),
    request_body = MeetingRequest,
    responses((status = 201, body = Meeting), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_meeting(
    State(state): State<AppState>,
    who: AuthUser,
    Json(req): Json<MeetingRequest>,
) -> Result<(StatusCode, Json<Meeting>), ApiError> {
    authorize(&who, Action::RecordDecisions)?;
    let title = req.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(ApiError::invalid("invalid_title", "the title must be 1–200 characters"));
    }
    let meeting = state.store.create_meeting(&who.actor(), &NewMeeting { date: req.date, title }).await?;
    Ok((StatusCode::CREATED, Json(meeting)))
}

/// A decision with its tally, as the steering group and the coordinator read it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub id: DecisionId,
    pub meeting_id: MeetingId,
    pub date: NaiveDate,
    pub kind: DecisionKind,
    pub title: String,
    pub subject_id: Option<String>,
    pub subject_org_id: Option<OrgId>,
    pub passed: bool,
    pub tally: Option<DecisionTally>,
    pub votes: Vec<SeatVote>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<DecisionRecord> for DecisionView {
    fn from(d: DecisionRecord) -> Self {
        Self {
            id: d.id,
            meeting_id: d.meeting_id,
            date: d.meeting_date,
            kind: d.kind,
            title: d.title,
            subject_id: d.subject_id,
            subject_org_id: d.subject_org_id,
            passed: d.passed,
            tally: serde_json::from_value(d.tally).ok(),
            votes: d.votes,
            created_by: d.created_by,
            created_at: d.created_at,
        }
    }
}

/// A decision as every signed-in user reads it: no tally, no votes.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DecisionSummary {
    pub id: DecisionId,
    pub date: NaiveDate,
    pub kind: DecisionKind,
    pub title: String,
    pub passed: bool,
}

/// The register in the reader's view: `full` with tallies, or `summary`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum DecisionEntry {
    Full(Box<DecisionView>),
    Summary(DecisionSummary),
}

/// Records a decision of the meeting with its votes; a passed one changes what it decides
/// (an accession makes the pending party active with the next annex number).
#[utoipa::path(post, path = "/api/meetings/{id}/decisions", tag = "governance", security(("bearer" = [])),
    params(("id" = MeetingId, Path)), request_body = DecisionRequest,
    responses((status = 201, body = DecisionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_decision(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<MeetingId>,
    Json(req): Json<DecisionRequest>,
) -> Result<(StatusCode, Json<DecisionView>), ApiError> {
    authorize(&who, Action::RecordDecisions)?;
    let meeting = state.store.get_meeting(id).await?.ok_or(ApiError::NotFound { what: "meeting" })?;
    let model = super::finance::model_on(&state, meeting.date).await?;
    let (new, _) = count_decision(&state, &meeting, &model, req).await?;
    let recorded = state.store.record_decision(&who.actor(), &new).await?;
    Ok((StatusCode::CREATED, Json(recorded.into())))
}

/// The decision register, newest first: tallies and votes for the steering group and the
/// coordinator; titles, dates, kinds and outcomes for everyone else.
#[utoipa::path(get, path = "/api/decisions", tag = "governance", security(("bearer" = [])),
    responses((status = 200, body = Vec<DecisionEntry>), (status = 401, body = ErrorBody)))]
pub async fn list_decisions(
    State(state): State<AppState>,
    who: AuthUser,
) -> Result<Json<Vec<DecisionEntry>>, ApiError> {
    let full = authorize(&who, Action::ReadDecisionDetails).is_ok();
    let decisions = state.store.list_decisions().await?;
    let entries = decisions
        .into_iter()
        .map(|d| {
            if full {
                DecisionEntry::Full(Box::new(d.into()))
            } else {
                let DecisionRecord { id, meeting_date: date, kind, title, passed, .. } = d;
                DecisionEntry::Summary(DecisionSummary { id, date, kind, title, passed })
            }
        })
        .collect();
    Ok(Json(entries))
}

/// A cost-share model version with the decision that adopted it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ModelVersionView {
    pub version: String,
    pub valid_from: NaiveDate,
    pub decision_id: Option<DecisionId>,
    /// Whether this is the version in force today.
    pub in_force: bool,
    pub created_by: String,
    pub created_at: Option<DateTime<Utc>>,
    pub model: CostShareModel,
}

/// Every model version, oldest first; the agreement's own version first when no stored
/// version has replaced it.
#[utoipa::path(get, path = "/api/cost-share-models", tag = "governance", security(("bearer" = [])),
    responses((status = 200, body = Vec<ModelVersionView>), (status = 403, body = ErrorBody)))]
pub async fn list_models(
    State(state): State<AppState>,
    who: AuthUser,
) -> Result<Json<Vec<ModelVersionView>>, ApiError> {
    authorize(&who, Action::ReadCostShares)?;
    let stored = state.store.list_cost_share_models().await?;
    let current = crate::routes::finance::current_model(&state).await?;
    let mut views = Vec::new();
    if !stored.iter().any(|m| m.version == CostShareModel::seeded().version) {
        let seeded = CostShareModel::seeded();
        views.push(ModelVersionView {
            version: seeded.version.clone(),
            valid_from: seeded.valid_from,
            decision_id: None,
            in_force: current == seeded,
            created_by: "agreement".into(),
            created_at: None,
            model: seeded,
        });
    }
    for m in stored {
        let model: CostShareModel = serde_json::from_value(m.model).map_err(ApiError::internal)?;
        views.push(ModelVersionView {
            version: m.version,
            valid_from: m.valid_from,
            decision_id: m.decision_id,
            in_force: current == model,
            created_by: m.created_by,
            created_at: Some(m.created_at),
            model,
        });
    }
    Ok(Json(views))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ModelRequest {
    /// The passed `cost_share_model` decision that adopted this version.
    pub decision_id: Option<DecisionId>,
    /// The version, complete (as `GET /api/cost-share-models` gives `model`).
    pub model: CostShareModel,
}

/// Adds a cost-share model version adopted by a steering-group decision; it is in force
/// from its `valid_from`.
#[utoipa::path(post, path = "/api/cost-share-models", tag = "governance", security(("bearer" = [])),
    request_body = ModelRequest,
    responses((status = 201, body = ModelVersionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_model(
    State(state): State<AppState>,
    who: AuthUser,
    Json(req): Json<ModelRequest>,
) -> Result<(StatusCode, Json<ModelVersionView>), ApiError> {
    authorize(&who, Action::ManageFinance)?;
    let decision = req.decision_id.ok_or_else(|| {
        ApiError::invalid(
            "decision_required",
            "give the passed cost_share_model decision that adopted it (decision_id)",
        )
    })?;
    req.model.validate().map_err(|e| ApiError::invalid(e.code(), e.to_string()))?;
    if req.model.version.trim().is_empty() || req.model.version.chars().count() > 50 {
        return Err(ApiError::invalid("invalid_version", "the version must be 1–50 characters"));
    }
    crate::governance::passed_decision(&state, decision, DecisionKind::CostShareModel, None).await?;
    let version = ModelVersion {
        version: req.model.version.trim().to_string(),
        valid_from: req.model.valid_from,
        model: serde_json::to_value(&req.model).map_err(ApiError::internal)?,
        created_by: String::new(),
        created_at: Utc::now(),
        decision_id: Some(decision),
    };
    let stored = state.store.put_cost_share_model(&who.actor(), &version).await?;
    let in_force = req.model.valid_from <= state.clock.today()
        && crate::routes::finance::current_model(&state).await? == req.model;
    Ok((
        StatusCode::CREATED,
        Json(ModelVersionView {
            version: stored.version,
            valid_from: stored.valid_from,
            decision_id: stored.decision_id,
            in_force,
            created_by: stored.created_by,
            created_at: Some(stored.created_at),
            model: req.model,
        }),
    ))
}
