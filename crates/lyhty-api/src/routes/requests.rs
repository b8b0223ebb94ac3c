//! Data requests (NETWORK.md "Data requests"): the coordinator opens them; every signed-in
//! user reads them; a member sees its own party's status, the coordinator every party's
//! (the tracker). Statuses are judged on `state.clock`'s Finnish day.

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path};
use crate::policy::{Action, authorize};
use crate::state::AppState;
use crate::tracker::{self, Standing};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::data_request::{DataRequest, NewDataRequest, PartyStatus, RequestScope};
use lyhty_domain::{DataRequestId, Role};
use lyhty_ingest::VendorCatalogue;
use serde::{Deserialize, Serialize};

/// A data request as the API shows it: the request, and the statuses the reader may see.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DataRequestView {
    #[serde(flatten)]
    pub request: DataRequest,
    /// Whether the request concerns the parties today: it has opened and its cut-off has
    /// not passed (members see these on their front page).
    pub current: bool,
    /// A member's own party's status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<PartyStatus>,
    /// When the member's party's first accepted inventory since the request opened came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<DateTime<Utc>>,
    /// The coordinator's tracker: every party with access, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parties: Option<Vec<Standing>>,
}

/// A data request to open.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDataRequestBody {
    pub title: String,
    /// `{"vendors": [...]}` for some vendors (normalised through the vendor catalogue), or
    /// `{"vendors": null}` / absent for all licences.
    #[serde(default)]
    pub scope: Option<RequestScope>,
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
    /// The release cut-off the request feeds; not before the due date.
    pub as_of: NaiveDate,
}

async fn view(state: &AppState, who: &AuthUser, request: DataRequest) -> Result<DataRequestView, ApiError> {
    let today = state.clock.today();
    let mut view = DataRequestView {
        current: request.is_current(today),
        request,
        status: None,
        submitted_at: None,
        parties: None,
    };
    if authorize(who, Action::ReadDataRequestTracker).is_ok() {
        view.parties = Some(tracker::standings(&*state.store, &view.request, today).await?);
    } else if let (Role::Member, Some(org)) = (who.role(), who.org.as_ref()) {
        let firsts = tracker::first_submissions(&*state.store, &view.request).await?;
        let own = tracker::standing(&view.request, org, firsts.get(&org.id).copied(), today);
        (view.status, view.submitted_at) = (Some(own.status), own.submitted_at);
    }
    Ok(view)
}

/// Every data request, latest due date first.
#[utoipa::path(get, path = "/api/data-requests", tag = "data-requests", security(("bearer" = [])),
    responses((status = 200, body = Vec<DataRequestView>), (status = 401, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, who: AuthUser) -> Result<Json<Vec<DataRequestView>>, ApiError> {
    let mut views = Vec::new();
    for request in state.store.list_data_requests().await? {
        views.push(view(&state, &who, request).await?);
    }
    Ok(Json(views))
}

/// One data request.
#[utoipa::path(get, path = "/api/data-requests/{id}", tag = "data-requests", security(("bearer" = [])),
    params(("id" = DataRequestId, Path)),
    responses((status = 200, body = DataRequestView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<DataRequestId>,
) -> Result<Json<DataRequestView>, ApiError> {
    let request = state.store.get_data_request(id).await?.ok_or(ApiError::NotFound { what: "data request" })?;
    Ok(Json(view(&state, &who, request).await?))
}

/// Opens a data request (coordinator). 422 codes: `blank_title`, `title_too_long`,
/// `date_out_of_range` (years 2000–2100), `due_before_opening`, `cut_off_before_due`,
/// `empty_vendor_scope`, `invalid_vendor`.
#[utoipa::path(post, path = "/api/data-requests", tag = "data-requests", security(("bearer" = [])),
    request_body = NewDataRequestBody,
    responses((status = 201, body = DataRequestView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: AuthUser,
    Json(body): Json<NewDataRequestBody>,
) -> Result<(StatusCode, Json<DataRequestView>), ApiError> {
    authorize(&who, Action::ManageDataRequests)?;
    let aliases = state.store.list_vendor_aliases().await?;
    let catalogue = VendorCatalogue::seeded().with_aliases(aliases.into_iter().map(|a| (a.alias, a.canonical)));
    let vendors = body.scope.and_then(|s| s.vendors);
    let new = NewDataRequest::parse(&body.title, vendors, body.opens_on, body.due_on, body.as_of, |v| {
        catalogue.normalise(v).canonical
    })
    .map_err(|e| ApiError::invalid(e.code(), e.to_string()))?;
    let stored = state.store.create_data_request(&who.actor(), &new).await?;
    tracing::info!(request = %stored.id, due_on = %stored.due_on, "data request opened");
    Ok((StatusCode::CREATED, Json(view(&state, &who, stored).await?)))
}
