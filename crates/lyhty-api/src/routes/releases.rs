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
use crate::auth::{AuthUser, today};
use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::extract::{Json, Path, Query};
use crate::policy::{Action, authorize, record_read};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use lyhty_aggregate::{
    AggregateError, AuditReport, ContributionLine, ContributionSnapshot, Contributor, HeldBack, MemberBenchmark,
    PublishedRelease, Release, ReleaseId, ReleaseInput, ReleaseMeta, ReleaseOutcome, ReleaseParams, ReleaseStats,
    Versions,
};
use lyhty_domain::licence::LicenceLine;
use lyhty_domain::{OrgCategory, OrgId, Quarter, SubmissionId};
use lyhty_store::{NewRelease, ReleaseRecord, ReleaseSummary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    #[schema(value_type = Vec<Object>)]
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

/// The end of the cut-off day in Finland (23:59:59.999999 Helsinki time, summer time
/// included): what was current then is in the release.
fn cut_off(as_of: NaiveDate) -> DateTime<Utc> {
    lyhty_domain::calendar::end_of_finnish_day(as_of)
}

/// A stored line as the release reads it.
fn contribution(org: OrgId, sector: OrgCategory, line: &LicenceLine) -> ContributionLine {
    ContributionLine {
        org,
        sector,
        vendor: line.vendor_canonical.clone(),
        product: line.product.clone(),
        contract_type: line.contract_type.key().to_string(),
        licence_type: line.licence_type.key().to_string(),
        channel: line.channel.map(|c| c.key().to_string()).unwrap_or_default(),
        renewal_quarter: line.contract_end.map(Quarter::of),
        annual_cost_cents: line.annual_cost_cents.get(),
        quantity: i64::try_from(line.quantity).unwrap_or(i64::MAX),
        in_use: line.in_use.map(|u| i64::try_from(u).unwrap_or(i64::MAX)),
    }
}

fn aggregate_error(e: AggregateError) -> ApiError {
    match e {
        AggregateError::Rollup(_) | AggregateError::Solver(_) => ApiError::internal(e),
        AggregateError::NotAfterPrevious { .. } => {
            ApiError::Conflict { code: "release_not_after_previous", message: e.to_string() }
        }
        other => ApiError::invalid("release_input_invalid", other.to_string()),
    }
}

/// The earlier releases as the library needs them (for protection across releases).
async fn previous_releases(state: &AppState) -> Result<Vec<PublishedRelease>, ApiError> {
    let mut previous = Vec::new();
    // One query for all of them, snapshots included (not one read per release).
    for (record, contributions) in state.store.earlier_releases().await? {
        let parse = || -> Result<PublishedRelease, serde_json::Error> {
            Ok(PublishedRelease {
                release: serde_json::from_str(&record.release_json)?,
                audit: serde_json::from_value(record.audit.clone())?,
                params: serde_json::from_value(record.params.clone())?,
                contributions: serde_json::from_str::<ContributionSnapshot>(&contributions)?,
                stats: serde_json::from_value(record.stats.clone())?,
            })
        };
        previous.push(parse().map_err(ApiError::internal)?);
    }
    Ok(previous)
}

/// Which submission each contributor's lines are, and the lines of the submissions the latest
/// release used for the organisations that changed or left since (what a held-back
/// organisation stays at).
async fn versions(
    state: &AppState,
    as_of: NaiveDate,
    orgs: &BTreeMap<OrgId, lyhty_domain::Org>,
    contributors: &BTreeMap<OrgId, Contributor>,
    previous: &[PublishedRelease],
) -> Result<Versions, ApiError> {
    let mut versions = Versions::default();
    for (org, submission) in state.store.current_submissions_as_of(cut_off(as_of)).await? {
        // An organisation whose agreement has ended is no contributor: it has left.
        if contributors.contains_key(&org) {
            versions.current.insert(org, submission.0);
        }
    }
    let latest = previous.iter().max_by_key(|p| (p.release.as_of, p.release.created_at, p.release.id));
    for (org, used) in latest.map(|p| &p.contributions.versions).into_iter().flatten() {
        if versions.current.get(org) == Some(used) {
            continue;
        }
        let Some(sector) = orgs.get(org).map(|o| o.category) else { continue };
        let lines = state.store.submission_lines(SubmissionId(*used)).await?;
        versions.earlier.insert(*used, lines.iter().map(|l| contribution(*org, sector, l)).collect());
    }
    Ok(versions)
}

/// What a release as of `as_of` is computed from: the contributors' lines, the versions of
/// their inventories and the earlier releases.
async fn release_input(
    state: &AppState,
    as_of: NaiveDate,
) -> Result<(ReleaseInput, Versions, Vec<PublishedRelease>), ApiError> {
    // Contributors: organisations with an accepted inventory at the cut-off whose
    // agreement had not ended by then (DISCLOSURE.md, microdata) and whose accession the
    // steering group has decided (NETWORK.md).
    let orgs: BTreeMap<OrgId, lyhty_domain::Org> =
        state.store.list_orgs().await?.into_iter().map(|o| (o.id, o)).collect();
    let mut contributors = BTreeMap::new();
    let mut lines = Vec::new();
    for (org_id, line) in state.store.current_lines_as_of(cut_off(as_of)).await? {
        let Some(org) = orgs.get(&org_id) else { continue };
        // A pending party's data enters releases only once its accession passes (§1.1).
        if org.has_ended_by(as_of) || org.is_pending() {
            continue;
        }
        contributors.insert(org_id, Contributor { org: org_id, sector: org.category });
        lines.push(contribution(org_id, org.category, &line));
    }
    if lines.is_empty() {
        return Err(ApiError::invalid(
            "nothing_to_release",
            "no organisation had an accepted inventory at the cut-off",
        ));
    }
    let previous = previous_releases(state).await?;
    let versions = versions(state, as_of, &orgs, &contributors, &previous).await?;
    let input = ReleaseInput { as_of, contributors: contributors.into_values().collect(), lines };
    Ok((input, versions, previous))
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
    if body.as_of > today() {
        return Err(ApiError::invalid("as_of_in_future", "a release cannot be cut off after today"));
    }
    // The latest date again is a correction; an earlier one would rewrite the history.
    if let Some(latest) = state.store.list_releases().await?.first()
        && body.as_of < latest.as_of
    {
        return Err(ApiError::Conflict {
            code: "release_not_after_previous",
            message: format!("the newest release is cut off on {}; a new one may not come before it", latest.as_of),
        });
    }

    let (input, versions, previous) = release_input(&state, body.as_of).await?;
    let params = ReleaseParams::default();
    let meta = ReleaseMeta { id: ReleaseId(Uuid::now_v7()), created_at: Utc::now().trunc_subsecs(3) };
    let build_params = params.clone();
    let outcome = state
        .run_blocking(move || {
            lyhty_aggregate::build_release_versioned(&input, &versions, &build_params, meta, &previous)
        })
        .await?
        .map_err(aggregate_error)?;

    let published = match outcome {
        ReleaseOutcome::Published(p) => p,
        ReleaseOutcome::Refused(refused) => return Ok(refused_response(*refused)),
    };
    let to_value = |v: serde_json::Result<serde_json::Value>| v.map_err(ApiError::internal);
    let new = NewRelease {
        id: published.release.id.0,
        as_of: published.release.as_of,
        created_at: published.release.created_at,
        release_json: published.release.to_json(),
        audit: to_value(serde_json::to_value(&published.audit))?,
        params: to_value(serde_json::to_value(&published.params))?,
        stats: to_value(serde_json::to_value(&published.stats))?,
        contributions: serde_json::to_string(&published.contributions).map_err(ApiError::internal)?,
    };
    let summary = state.store.save_release(&who.actor(), &new).await?;
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
    let own: Vec<ContributionLine> = lines.iter().map(|l| contribution(org_id, org.category, l)).collect();
    let view = state
        .run_blocking(move || -> serde_json::Result<MemberBenchmark> {
            let release: Release = serde_json::from_str(&record.release_json)?;
            Ok(lyhty_aggregate::benchmark(&release, &own))
        })
        .await?
        .map_err(ApiError::internal)?;
    Ok(Json(view))
}
