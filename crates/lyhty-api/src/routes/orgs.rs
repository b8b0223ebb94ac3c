//! Parties: list, create, read, change, terminate.
//!
//! Everyone signed in may list the parties' public facts (name, business ID, category,
//! status); budgets, contacts, e-invoice addresses and share overrides are for the
//! coordinator and the party itself.

use super::non_blank;
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path};
use crate::governance::{Refusal, check_termination};
use crate::policy::{Action, authorize};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use lyhty_domain::email::is_valid_email;
use lyhty_domain::{BusinessId, Cents, Org, OrgCategory, OrgId, OrgStatus};
use lyhty_store::{NewOrg, OrgPatch};
use serde::{Deserialize, Deserializer, Serialize};

/// What every signed-in user may know of a party.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrgSummary {
    pub id: OrgId,
    pub name: String,
    pub business_id: BusinessId,
    pub category: OrgCategory,
    pub status: OrgStatus,
    pub status_effective_on: Option<NaiveDate>,
    pub joined_on: NaiveDate,
    pub represented_by: Option<OrgId>,
}

impl From<Org> for OrgSummary {
    fn from(o: Org) -> Self {
        Self {
            id: o.id,
            name: o.name,
            business_id: o.business_id,
            category: o.category,
            status: o.status,
            status_effective_on: o.status_effective_on,
            joined_on: o.joined_on,
            represented_by: o.represented_by,
        }
    }
}

/// A party as its reader may see it: in full for the coordinator and the party itself,
/// its public facts for everyone else. `view` says which (`full` or `summary`), so a client,
/// and the document's `oneOf`, can tell the two apart: a full record would otherwise also
/// match the summary's shape.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum OrgView {
    Full(Org),
    Summary(OrgSummary),
}

fn view(who: &AuthUser, org: Org) -> OrgView {
    if authorize(who, Action::ReadOrgDetails(org.id)).is_ok() {
        OrgView::Full(org)
    } else {
        OrgView::Summary(org.into())
    }
}

/// All parties, by name.
#[utoipa::path(get, path = "/api/orgs", tag = "orgs", security(("bearer" = [])),
    responses((status = 200, body = Vec<OrgView>), (status = 401, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, who: AuthUser) -> Result<Json<Vec<OrgView>>, ApiError> {
    let orgs = state.store.list_orgs().await?;
    Ok(Json(orgs.into_iter().map(|o| view(&who, o)).collect()))
}

/// One party. Members may read only their own.
#[utoipa::path(get, path = "/api/orgs/{id}", tag = "orgs", security(("bearer" = [])), params(("id" = OrgId, Path)),
    responses((status = 200, body = OrgView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<OrgId>,
) -> Result<Json<OrgView>, ApiError> {
    authorize(&who, Action::ReadOrgSummary(id))?;
    let org = state.store.get_org(id).await?.ok_or(ApiError::NotFound { what: "organisation" })?;
    Ok(Json(view(&who, org)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreateOrgRequest {
    pub name: String,
    /// Y-tunnus with a valid check digit, e.g. `2574261-7`.
    pub business_id: String,
    /// `wellbeing_county`, `large_city`, `university`, `uas`, `kela`, `state`,
    /// `municipalities`, `parish` or `other`.
    pub category: String,
    /// Needed for the budget-tiered categories (wellbeing counties, large cities).
    pub annual_budget_cents: Option<i64>,
    pub budget_year: Option<i32>,
    pub budget_source: Option<String>,
    pub joined_on: NaiveDate,
    pub accession_number: Option<String>,
    /// The party that pays for this one (Valtori, Kuntaliitto).
    pub represented_by: Option<OrgId>,
    /// Peppol address `ICD:identifier`, e.g. `0216:003712345678`.
    pub einvoice_address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// A share set by the coordinator; required before a parish or `other` can be invoiced.
    pub cost_share_cents: Option<i64>,
    /// `pending` (the steering group has yet to decide the accession, §1.1; what the UI
    /// sends) or `active` (the default: its decision predates the platform).
    #[serde(default)]
    pub status: Option<String>,
}

/// Registers a party (an accession agreement has been signed): `pending` until a passed
/// `accession` decision, or active directly, and the audit log says which.
#[utoipa::path(post, path = "/api/orgs", tag = "orgs", security(("bearer" = [])), request_body = CreateOrgRequest,
    responses((status = 201, body = Org), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: AuthUser,
    Json(req): Json<CreateOrgRequest>,
) -> Result<(StatusCode, Json<Org>), ApiError> {
    authorize(&who, Action::ManageOrgs)?;
    let pending = match req.status.as_deref().map(str::trim) {
        None | Some("active") => false,
        Some("pending") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "invalid_status",
                format!("a new party is pending or active, not {other:?}"),
            ));
        }
    };
    let new = parse_new_org(req)?;
    let org = if pending {
        state.store.create_pending_org(&who.actor(), &new).await?
    } else {
        state.store.create_org(&who.actor(), &new).await?
    };
    Ok((StatusCode::CREATED, Json(org)))
}

/// Checks a new party's fields; shared with the demo loader.
pub fn parse_new_org(req: CreateOrgRequest) -> Result<NewOrg, ApiError> {
    let business_id = BusinessId::parse(&req.business_id)
        .map_err(|e| ApiError::invalid("invalid_business_id", format!("business ID {:?}: {e}", req.business_id)))?;
    let category = parse_category(&req.category)?;
    let new = NewOrg {
        name: req.name.trim().to_string(),
        business_id,
        category,
        annual_budget_cents: req.annual_budget_cents.map(Cents),
        budget_year: req.budget_year,
        budget_source: non_blank(req.budget_source),
        joined_on: req.joined_on,
        accession_number: non_blank(req.accession_number),
        represented_by: req.represented_by,
        einvoice_address: non_blank(req.einvoice_address),
        contact_name: non_blank(req.contact_name),
        contact_email: non_blank(req.contact_email).map(|e| e.to_lowercase()),
        contact_phone: non_blank(req.contact_phone),
        cost_share_cents: req.cost_share_cents.map(Cents),
    };
    check_org_fields(&OrgFields {
        name: &new.name,
        annual_budget_cents: new.annual_budget_cents,
        budget_year: new.budget_year,
        einvoice_address: new.einvoice_address.as_deref(),
        contact_email: new.contact_email.as_deref(),
        cost_share_cents: new.cost_share_cents,
    })?;
    Ok(new)
}

fn parse_category(s: &str) -> Result<OrgCategory, ApiError> {
    OrgCategory::parse(s).ok_or_else(|| {
        let keys: Vec<&str> = OrgCategory::ALL.iter().map(|c| c.key()).collect();
        ApiError::invalid("invalid_category", format!("unknown category {s:?}; use one of {}", keys.join(", ")))
    })
}

/// The fields whose rules do not depend on the rest of the database.
struct OrgFields<'a> {
    name: &'a str,
    annual_budget_cents: Option<Cents>,
    budget_year: Option<i32>,
    einvoice_address: Option<&'a str>,
    contact_email: Option<&'a str>,
    cost_share_cents: Option<Cents>,
}

fn check_org_fields(f: &OrgFields<'_>) -> Result<(), ApiError> {
    if f.name.is_empty() || f.name.chars().count() > 200 {
        return Err(ApiError::invalid("invalid_name", "the name must be 1–200 characters"));
    }
    if f.annual_budget_cents.is_some_and(|c| c.get() < 0) {
        return Err(ApiError::invalid("invalid_budget", "the annual budget cannot be negative"));
    }
    if f.annual_budget_cents.is_some() && f.budget_year.is_none() {
        return Err(ApiError::invalid("budget_year_required", "give the year the annual budget is for (budget_year)"));
    }
    if f.budget_year.is_some_and(|y| !(2000..=2100).contains(&y)) {
        return Err(ApiError::invalid("invalid_budget_year", "the budget year must be between 2000 and 2100"));
    }
    if f.cost_share_cents.is_some_and(|c| c.get() < 0) {
        return Err(ApiError::invalid("invalid_cost_share", "the cost share cannot be negative"));
    }
    if let Some(address) = f.einvoice_address
        && !is_valid_einvoice_address(address)
    {
        return Err(ApiError::invalid(
            "invalid_einvoice_address",
            "the e-invoice address must be a Peppol identifier such as 0216:003712345678",
        ));
    }
    if f.contact_email.is_some_and(|e| !is_valid_email(e)) {
        return Err(ApiError::invalid("invalid_email", "the contact e-mail address is not valid"));
    }
    Ok(())
}

/// `ICD:identifier` with a four-digit ISO 6523 scheme code (0216 OVT, 0037 business ID, …).
fn is_valid_einvoice_address(s: &str) -> bool {
    let Some((icd, id)) = s.split_once(':') else { return false };
    icd.len() == 4
        && icd.bytes().all(|b| b.is_ascii_digit())
        && (1..=50).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
}

/// `null` clears a field; a missing field leaves it as it is.
fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrgRequest {
    pub name: Option<String>,
    pub business_id: Option<String>,
    pub category: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub annual_budget_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub budget_year: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub budget_source: Option<Option<String>>,
    pub joined_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub accession_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<OrgId>)]
    pub represented_by: Option<Option<OrgId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub einvoice_address: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub contact_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub contact_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub contact_phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub cost_share_cents: Option<Option<i64>>,
}

/// Changes a party. Send only the fields to change; `null` clears an optional field.
#[utoipa::path(patch, path = "/api/orgs/{id}", tag = "orgs", security(("bearer" = [])), params(("id" = OrgId, Path)),
    request_body = UpdateOrgRequest,
    responses((status = 200, body = Org), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<OrgId>,
    Json(req): Json<UpdateOrgRequest>,
) -> Result<Json<Org>, ApiError> {
    authorize(&who, Action::ManageOrgs)?;
    let current = state.store.get_org(id).await?.ok_or(ApiError::NotFound { what: "organisation" })?;
    let patch = OrgPatch {
        name: req.name.map(|n| n.trim().to_string()),
        business_id: req
            .business_id
            .map(|b| {
                BusinessId::parse(&b)
                    .map_err(|e| ApiError::invalid("invalid_business_id", format!("business ID {b:?}: {e}")))
            })
            .transpose()?,
        category: req.category.as_deref().map(parse_category).transpose()?,
        annual_budget_cents: req.annual_budget_cents.map(|v| v.map(Cents)),
        budget_year: req.budget_year,
        budget_source: req.budget_source.map(non_blank),
        joined_on: req.joined_on,
        accession_number: req.accession_number.map(non_blank),
        represented_by: req.represented_by,
        einvoice_address: req.einvoice_address.map(non_blank),
        contact_name: req.contact_name.map(non_blank),
        contact_email: req.contact_email.map(|e| non_blank(e).map(|e| e.to_lowercase())),
        contact_phone: req.contact_phone.map(non_blank),
        cost_share_cents: req.cost_share_cents.map(|v| v.map(Cents)),
    };
    let next = patch.apply(&current);
    check_org_fields(&OrgFields {
        name: &next.name,
        annual_budget_cents: next.annual_budget_cents,
        budget_year: next.budget_year,
        einvoice_address: next.einvoice_address.as_deref(),
        contact_email: next.contact_email.as_deref(),
        cost_share_cents: next.cost_share_cents,
    })?;
    Ok(Json(state.store.update_org(&who.actor(), id, &patch).await?))
}

pub use crate::governance::TerminateRequest;

/// Records the end of a party's agreement under §17's rules (`NETWORK.md`): a notice needs
/// a ground and takes effect no earlier than three months after it was given and a year
/// after joining; an expulsion needs the steering group's passed proposal and a written
/// notice of breach 30 days earlier. A refused date comes back with the earliest allowed
/// one (`earliest_effective_on`). Its users lose access on the effective date; it stays
/// liable for its share for the term.
#[utoipa::path(post, path = "/api/orgs/{id}/terminate", tag = "orgs", security(("bearer" = [])),
    params(("id" = OrgId, Path)), request_body = TerminateRequest,
    responses((status = 200, body = Org), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, description = "refused; for a date, with `earliest_effective_on`", body = crate::governance::TooEarly)))]
pub async fn terminate(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<OrgId>,
    Json(req): Json<TerminateRequest>,
) -> Result<Json<Org>, Refusal> {
    authorize(&who, Action::ManageOrgs)?;
    let org =
        state.store.get_org(id).await.map_err(ApiError::from)?.ok_or(ApiError::NotFound { what: "organisation" })?;
    let termination = check_termination(&state, &org, req).await?;
    Ok(Json(state.store.terminate_org(&who.actor(), id, termination).await.map_err(ApiError::from)?))
}
