//! Anonymised releases (`DISCLOSURE.md`): publish (coordinator), list, the release JSON, the
//! release as a workbook, the audit report (coordinator), and a member's own figures beside
//! the published cells.
//!
//! The computation is `lyhty-aggregate`'s and runs on the bounded blocking pool. Only what
//! the audits let through ever leaves this module for members and the steering group: the
//! release JSON as stored, byte for byte. The audit report, the parameters and the
//! per-organisation contributions stay with the coordinator (the contributions are never
//! served at all: they are kept for auditing later releases).

use super::download;
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::extract::{Json, Path, Query};
use crate::policy::{Action, authorize, record_read};
use crate::publishing::{self, Publication};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use lyhty_aggregate::{
    AuditReport, ContributionLine, HeldBack, MemberBenchmark, Release, ReleaseParams, ReleaseStats, cut_off,
};
use lyhty_domain::OrgId;
use lyhty_store::{ReleaseRecord, ReleaseSummary};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRelease {
    /// The cut-off date: every organisation's inventory as it stood at the end of that day.
    pub as_of: NaiveDate,
}

/// What the audits found, in brief (the whole report is `GET /api/releases/{id}/audit`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditSummary {
    pub passed: bool,
    pub cells_checked: usize,
    pub outsider_checks: usize,
    pub insider_checks: usize,
    pub violations: usize,
}

impl From<&AuditReport> for AuditSummary {
    fn from(a: &AuditReport) -> Self {
        Self {
            passed: a.passed,
            cells_checked: a.cells_checked,
            outsider_checks: a.outsider_checks,
            insider_checks: a.insider_checks,
            violations: a.violations.len(),
        }
    }
}

/// The answer to the coordinator who published a release.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReleaseCreated {
    #[serde(flatten)]
    pub release: ReleaseSummary,
    pub audit: AuditSummary,
    /// The organisations whose updates the release holds back, and why (the release itself
    /// says only how many).
    pub held_back: Vec<HeldBack>,
    /// How the release was made: cells, suppressed shares, timings.
    pub stats: ReleaseStats,
}

/// A refused release (422): the error, and for the coordinator the full audit report with
/// every violation and how the attempt went. Nothing was published or stored.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReleaseRefused {
    pub error: ErrorDetail,
    pub audit: AuditReport,
    pub stats: ReleaseStats,
}

/// The coordinator's view of a stored release: the audit report, the disclosure parameters
/// and the figures of how it was made.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReleaseAudit {
    #[serde(flatten)]
    pub release: ReleaseSummary,
    #[schema(value_type = AuditReport)]
    pub audit: serde_json::Value,
    #[schema(value_type = ReleaseParams)]
    pub params: serde_json::Value,
    #[schema(value_type = ReleaseStats)]
    pub stats: serde_json::Value,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct BenchmarkParams {
    /// The release to compare with; the newest when absent.
    pub release: Option<Uuid>,
}

/// 422 with the full audit report: nothing was published or stored.
fn refused_response(refused: lyhty_aggregate::RefusedRelease) -> Response {
    tracing::warn!(violations = refused.audit.violations.len(), "release refused by its audits");
    let body = ReleaseRefused {
        error: ErrorDetail {
            code: "release_refused".into(),
            message: format!("the audits found {} violation(s); nothing was published", refused.audit.violations.len()),
        },
        audit: refused.audit,
        stats: refused.stats,
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// Computes, protects and audits a release of every contributor's inventory as of `as_of`,
/// and publishes it if both audits pass. A refused release is not stored: the coordinator
/// gets the audit report with every violation.
#[utoipa::path(post, path = "/api/releases", tag = "releases", security(("bearer" = [])),
    request_body = CreateRelease,
    responses(
        (status = 201, description = "published", body = ReleaseCreated),
        (status = 422, description = "refused by the audits (code `release_refused`, with the report), \
            or nothing to release", body = ReleaseRefused),
        (status = 409, description = "before the newest release's cut-off date", body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: AuthUser,
    body: Result<Json<CreateRelease>, ApiError>,
) -> Result<Response, ApiError> {
    // Who may publish is decided before the body is read.
    authorize(&who, Action::ManageReleases)?;
    let Json(body) = body?;
    let (summary, published) = match publishing::publish(&state, &who.actor(), body.as_of).await? {
        Publication::Published { summary, published } => (summary, published),
        Publication::Refused(refused) => return Ok(refused_response(*refused)),
    };
    let created = ReleaseCreated {
        release: summary,
        audit: (&published.audit).into(),
        held_back: published.audit.held_back.clone(),
        stats: published.stats,
    };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// The published releases, newest first.
#[utoipa::path(get, path = "/api/releases", tag = "releases", security(("bearer" = [])),
    responses((status = 200, body = Vec<ReleaseSummary>), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, who: AuthUser) -> Result<Json<Vec<ReleaseSummary>>, ApiError> {
    authorize(&who, Action::ReadReleases)?;
    Ok(Json(state.store.list_releases().await?))
}

async fn stored(state: &AppState, id: Uuid) -> Result<ReleaseRecord, ApiError> {
    state.store.get_release(id).await?.ok_or(ApiError::NotFound { what: "release" })
}

/// The release JSON of `DISCLOSURE.md`, exactly as published: suppressed cells carry
/// `null` values and no contributor count.
#[utoipa::path(get, path = "/api/releases/{id}", tag = "releases", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "the release JSON of DISCLOSURE.md (schema `Release`)", body = Object),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, who: AuthUser, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    authorize(&who, Action::ReadReleases)?;
    let record = stored(&state, id).await?;
    let mut response = (StatusCode::OK, record.release_json).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}

/// The release as a workbook: one sheet per table, suppressed cells blank.
#[utoipa::path(get, path = "/api/releases/{id}/export.xlsx", tag = "releases", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body = Vec<u8>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    authorize(&who, Action::ReadReleases)?;
    let record = stored(&state, id).await?;
    let name = format!("lyhty-release-{}.xlsx", record.summary.as_of);
    let bytes = state
        .run_blocking(move || -> anyhow::Result<Vec<u8>> {
            let release: Release = serde_json::from_str(&record.release_json)?;
            Ok(workbook(&release)?)
        })
        .await?
        .map_err(ApiError::internal)?;
    Ok(download(&name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes))
}

/// Text as the workbook shows it: never a formula (members and vendor names come from
/// uploaded files).
fn text(s: &str) -> String {
    lyhty_ingest::neutralise_for_spreadsheet(s).into_owned()
}

fn workbook(release: &Release) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let about = book.add_worksheet().set_name("release")?;
    let rows = [
        ("id", release.id.to_string()),
        ("as_of", release.as_of.to_string()),
        ("created_at", release.created_at.to_rfc3339()),
        ("note", "Suppressed cells are blank; empty cells (no contributors) are zeros.".to_string()),
    ];
    for (r, (key, value)) in rows.iter().enumerate() {
        let r = r as u32;
        about.write_string_with_format(r, 0, *key, &bold)?;
        about.write_string(r, 1, text(value))?;
    }
    for table in &release.tables {
        let sheet = book.add_worksheet().set_name(table.name.as_str())?;
        let mut headers: Vec<String> = table.dimensions.clone();
        headers.push("status".into());
        headers.push("organisations".into());
        headers.extend(release.measures.iter().map(|m| m.key().to_string()));
        headers.push("avg_unit_price_cents".into());
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, text(h), &bold)?;
        }
        for (r, cell) in table.cells.iter().enumerate() {
            let r = r as u32 + 1;
            let mut c: u16 = 0;
            for member in &cell.members {
                sheet.write_string(r, c, text(member))?;
                c += 1;
            }
            let status = serde_json::to_value(cell.status).ok();
            sheet.write_string(r, c, status.as_ref().and_then(|s| s.as_str()).unwrap_or_default())?;
            c += 1;
            if let Some(n) = cell.organisations {
                sheet.write_number(r, c, f64::from(n))?;
            }
            c += 1;
            for m in &release.measures {
                if let Some(v) = cell.value(*m) {
                    sheet.write_number(r, c, v as f64)?;
                }
                c += 1;
            }
            if let Some(p) = cell.avg_unit_price_cents {
                sheet.write_number(r, c, p as f64)?;
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    book.save_to_buffer()
}

/// The audit report, the parameters and the figures of how the release was made.
#[utoipa::path(get, path = "/api/releases/{id}/audit", tag = "releases", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ReleaseAudit), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<ReleaseAudit>, ApiError> {
    authorize(&who, Action::ManageReleases)?;
    let record = stored(&state, id).await?;
    Ok(Json(ReleaseAudit { release: record.summary, audit: record.audit, params: record.params, stats: record.stats }))
}

/// An organisation's own figures (its inventory as of the release's cut-off) beside the
/// published cells they fall in, with its unit price beside the published average where
/// there is one. Only that organisation (and, logged, analysts and the coordinator).
#[utoipa::path(get, path = "/api/orgs/{id}/benchmark", tag = "releases", security(("bearer" = [])),
    params(("id" = OrgId, Path), BenchmarkParams),
    responses((status = 200, body = MemberBenchmark), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn benchmark(
    State(state): State<AppState>,
    who: AuthUser,
    Path(org_id): Path<OrgId>,
    Query(params): Query<BenchmarkParams>,
) -> Result<Json<MemberBenchmark>, ApiError> {
    let grant = authorize(&who, Action::ReadLicenceData(org_id))?;
    let org = state.store.get_org(org_id).await?.ok_or(ApiError::NotFound { what: "organisation" })?;
    let id = match params.release {
        Some(id) => id,
        None => {
            state.store.list_releases().await?.first().map(|r| r.id).ok_or(ApiError::NotFound { what: "release" })?
        }
    };
    let record = stored(&state, id).await?;
    let lines = state.store.org_lines_as_of(org_id, cut_off(record.summary.as_of)).await?;
    record_read(
        &state,
        &who,
        grant,
        "benchmark.read",
        org_id,
        Some(id.to_string()),
        serde_json::json!({ "release": id, "lines": lines.len() }),
    )
    .await?;
    let own: Vec<ContributionLine> =
        lines.iter().map(|l| ContributionLine::from_licence_line(org_id, org.category, l)).collect();
    let view = state
        .run_blocking(move || -> serde_json::Result<MemberBenchmark> {
            let release: Release = serde_json::from_str(&record.release_json)?;
            Ok(lyhty_aggregate::benchmark(&release, &own))
        })
        .await?
        .map_err(ApiError::internal)?;
    Ok(Json(view))
}
