//! Licence inventory submissions: upload (with dry run), reports, history, the current
//! inventory, diffs between versions, restore; the submission template; the vendor catalogue.
//!
//! Parsing runs on the bounded blocking pool (`AppState::run_blocking`). Storing is one
//! transaction in the store: a submission is all there or not at all. Reads of another
//! organisation's lines by analysts and the coordinator are written to the audit log.

use super::{LangParams, download};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::policy::{Action, authorize, record_read};
use crate::state::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lyhty_domain::licence::LicenceLine;
use lyhty_domain::{Lang, Org, OrgId, SubmissionId};
use lyhty_ingest::{IngestError, Limits, LineDiff, Report, SubmissionStatus, VendorCatalogue};
use lyhty_store::{NewSubmission, StoredStatus, SubmissionMeta, VendorAlias};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The language of messages: `?lang=`, else the first of `Accept-Language` we speak, else Finnish.
pub fn request_lang(query: Option<&str>, headers: &HeaderMap) -> Lang {
    if let Some(lang) = query.and_then(Lang::parse) {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').find_map(|part| Lang::parse(part.split(';').next()?.split('-').next()?)))
        .unwrap_or_default()
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct UploadParams {
    /// Validate only: nothing is stored.
    pub dry_run: Option<bool>,
    /// Language of the messages: `fi` (default), `sv` or `en`.
    pub lang: Option<String>,
}

/// An upload's answer: the report (with the stored submission's `id`, none for a dry run)
/// and the inventory version it made.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SubmissionReport {
    #[serde(flatten)]
    pub report: Report,
    pub version: Option<i32>,
}

impl SubmissionReport {
    fn new(mut report: Report, id: Option<SubmissionId>, version: Option<i32>) -> Self {
        report.id = id;
        Self { report, version }
    }
}

async fn org_for_write(state: &AppState, who: &AuthUser, org: OrgId) -> Result<Org, ApiError> {
    authorize(who, Action::SubmitInventory(org))?;
    let org = state.store.get_org(org).await?.ok_or(ApiError::NotFound { what: "organisation" })?;
    if org.has_ended_by(state.clock.today()) {
        return Err(ApiError::Conflict {
            code: "org_terminated",
            message: "the organisation's agreement has ended; it can no longer submit an inventory".into(),
        });
    }
    Ok(org)
}

/// The vendor catalogue with the coordinator's aliases from the database.
async fn catalogue(state: &AppState) -> Result<VendorCatalogue, ApiError> {
    let aliases = state.store.list_vendor_aliases().await?;
    Ok(VendorCatalogue::seeded().with_aliases(aliases.into_iter().map(|a| (a.alias, a.canonical))))
}

/// A whole-file problem, in the uploader's language, with the status the ingest crate gives it.
fn ingest_error(e: IngestError, lang: Lang) -> ApiError {
    let message = e.message(lang);
    match e.http_status() {
        413 => ApiError::PayloadTooLarge { code: e.code(), message },
        415 => ApiError::UnsupportedMediaType { code: e.code(), message },
        _ => ApiError::Invalid { code: e.code(), message },
    }
}

/// Uploads an inventory file (multipart field `file`): validated, and unless `dry_run`,
/// stored. 201 accepted (a new version), 200 validated (dry run) or unchanged (the same
/// file as the current version), 422 rejected — the body is the report in every case.
#[utoipa::path(post, path = "/api/orgs/{id}/submissions", tag = "submissions", security(("bearer" = [])),
    params(("id" = OrgId, Path), UploadParams),
    request_body(content_type = "multipart/form-data", description = "field `file`: xlsx, xlsm, xls, ods, csv or txt"),
    responses(
        (status = 201, description = "accepted: the new current inventory", body = SubmissionReport),
        (status = 200, description = "validated (dry run) or unchanged", body = SubmissionReport),
        (status = 422, description = "rejected: the report lists every error", body = SubmissionReport),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    who: AuthUser,
    Path(org_id): Path<OrgId>,
    Query(params): Query<UploadParams>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    // Who may submit is decided before the body is read.
    let org = org_for_write(&state, &who, org_id).await?;
    let multipart =
        multipart.map_err(|e| ApiError::BadRequest { code: "malformed_multipart", message: e.body_text() })?;
    let lang = request_lang(params.lang.as_deref(), &headers);
    let (file_name, bytes) = read_file_field(multipart).await?;
    let (status, report) =
        process_upload(&state, &who.actor(), &org, file_name, bytes, lang, params.dry_run.unwrap_or(false)).await?;
    Ok((status, Json(report)).into_response())
}

/// Validates an uploaded file and, unless `dry_run`, stores it: the one path for uploads
/// through the API and for the demo data.
pub async fn process_upload(
    state: &AppState,
    actor: &lyhty_store::Actor,
    org: &Org,
    file_name: String,
    bytes: Vec<u8>,
    lang: Lang,
    dry_run: bool,
) -> Result<(StatusCode, SubmissionReport), ApiError> {
    process_upload_adjusted(state, actor, org, file_name, bytes, lang, dry_run, |_| {}).await
}

/// [`process_upload`], with each read line passed through `adjust` before it is stored (the
/// demo loader moves its static files' past contract ends forward; see `demo.rs`).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn process_upload_adjusted(
    state: &AppState,
    actor: &lyhty_store::Actor,
    org: &Org,
    file_name: String,
    bytes: Vec<u8>,
    lang: Lang,
    dry_run: bool,
    adjust: impl Fn(&mut LicenceLine),
) -> Result<(StatusCode, SubmissionReport), ApiError> {
    let sha256 = hex(&Sha256::digest(&bytes));
    let catalogue = catalogue(state).await?;
    let limits = Limits { max_bytes: state.settings.max_upload_bytes as u64, ..Limits::default() };
    let parse_name = file_name.clone();
    let parse_bytes = bytes.clone();
    let parsed = state
        .run_blocking(move || lyhty_ingest::read_submission(&parse_bytes, &parse_name, &limits, &catalogue, lang))
        .await?
        .map_err(|e| ingest_error(e, lang))?;
    let (mut lines, mut report) = (parsed.lines, parsed.report);
    lines.iter_mut().for_each(adjust);
    let rejected = !report.errors.is_empty();

    if dry_run {
        let status = if rejected { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
        return Ok((status, SubmissionReport::new(report, None, None)));
    }
    // The same file as the current version again: nothing new to store.
    let current = if rejected { None } else { state.store.current_submission(org.id).await? };
    if let Some(current) = current.filter(|c| c.sha256 == sha256) {
        report.status = SubmissionStatus::Unchanged;
        return Ok((StatusCode::OK, SubmissionReport::new(report, Some(current.id), current.version)));
    }
    report.status = if rejected { SubmissionStatus::Rejected } else { SubmissionStatus::Accepted };
    let new = NewSubmission {
        org_id: org.id,
        file_name,
        sha256,
        file: bytes,
        status: if rejected { StoredStatus::Rejected } else { StoredStatus::Accepted },
        report: serde_json::to_value(&report).map_err(ApiError::internal)?,
        annual_cost_cents: report.annual_cost_cents,
        lines: if rejected { Vec::new() } else { lines },
    };
    let stored = state.store.save_submission(actor, &new).await?;
    tracing::info!(org = %org.id, submission = %stored.id, status = report.status.key(), lines = report.lines, "submission stored");
    let status = if rejected { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::CREATED };
    Ok((status, SubmissionReport::new(report, Some(stored.id), stored.version)))
}

async fn read_file_field(mut multipart: Multipart) -> Result<(String, Vec<u8>), ApiError> {
    let too_large = || ApiError::PayloadTooLarge {
        code: "file_too_large",
        message: "the file is larger than the upload limit".into(),
    };
    let malformed = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::BadRequest {
                code: "malformed_multipart",
                message: format!("the upload could not be read: {}", e.body_text()),
            }
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        if field.name() == Some("file") {
            let name = field.file_name().map(str::to_string).unwrap_or_else(|| "upload".into());
            let bytes = field.bytes().await.map_err(malformed)?;
            return Ok((sanitize_file_name(&name), bytes.to_vec()));
        }
    }
    Err(ApiError::BadRequest {
        code: "missing_file",
        message: "send the inventory in a multipart field named `file`".into(),
    })
}

/// The last path component, without control characters, at most 200 characters: the
/// name is shown back to users and put in download headers.
fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    if clean.trim().is_empty() { "upload".into() } else { clean }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a submission's organisation and checks the reader may see it, auditing if needed.
async fn readable_submission(
    state: &AppState,
    who: &AuthUser,
    id: SubmissionId,
    what: &str,
) -> Result<SubmissionMeta, ApiError> {
    let meta = state.store.get_submission(id).await?.ok_or(ApiError::NotFound { what: "submission" })?;
    let grant = authorize(who, Action::ReadLicenceData(meta.org_id))?;
    record_read(state, who, grant, what, meta.org_id, Some(id.to_string()), serde_json::json!({})).await?;
    Ok(meta)
}

/// An organisation's submissions, newest first (accepted versions and rejected uploads).
#[utoipa::path(get, path = "/api/orgs/{id}/submissions", tag = "submissions", security(("bearer" = [])),
    params(("id" = OrgId, Path)),
    responses((status = 200, body = Vec<SubmissionMeta>), (status = 403, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    who: AuthUser,
    Path(org): Path<OrgId>,
) -> Result<Json<Vec<SubmissionMeta>>, ApiError> {
    let grant = authorize(&who, Action::ReadLicenceData(org))?;
    if state.store.get_org(org).await?.is_none() {
        return Err(ApiError::NotFound { what: "organisation" });
    }
    record_read(&state, &who, grant, "submissions.list", org, None, serde_json::json!({})).await?;
    Ok(Json(state.store.list_submissions(org).await?))
}

/// One submission with its report.
#[utoipa::path(get, path = "/api/submissions/{id}", tag = "submissions", security(("bearer" = [])),
    params(("id" = SubmissionId, Path)),
    responses((status = 200, body = SubmissionMeta), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<SubmissionId>,
) -> Result<Json<SubmissionMeta>, ApiError> {
    Ok(Json(readable_submission(&state, &who, id, "submission.read").await?))
}

/// The original file as uploaded.
#[utoipa::path(get, path = "/api/submissions/{id}/file", tag = "submissions", security(("bearer" = [])),
    params(("id" = SubmissionId, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 403, body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<SubmissionId>,
) -> Result<Response, ApiError> {
    readable_submission(&state, &who, id, "submission.download").await?;
    let (name, bytes) = state.store.submission_file(id).await?.ok_or(ApiError::NotFound { what: "submission" })?;
    Ok(download(&name, "application/octet-stream", bytes))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Inventory {
    /// The current version; absent when the organisation has not submitted yet.
    pub submission: Option<SubmissionMeta>,
    pub lines: Vec<LicenceLine>,
    /// `agreement_14`: one organisation's data, confidential (§14; words in the vocabulary).
    pub confidentiality: &'static str,
}

/// The organisation's current inventory.
#[utoipa::path(get, path = "/api/orgs/{id}/inventory", tag = "submissions", security(("bearer" = [])),
    params(("id" = OrgId, Path)),
    responses((status = 200, body = Inventory), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn inventory(
    State(state): State<AppState>,
    who: AuthUser,
    Path(org): Path<OrgId>,
) -> Result<Json<Inventory>, ApiError> {
    let grant = authorize(&who, Action::ReadLicenceData(org))?;
    if state.store.get_org(org).await?.is_none() {
        return Err(ApiError::NotFound { what: "organisation" });
    }
    let submission = state.store.current_submission(org).await?;
    let lines = match &submission {
        Some(s) => state.store.submission_lines(s.id).await?,
        None => Vec::new(),
    };
    let detail = serde_json::json!({ "lines": lines.len() });
    record_read(&state, &who, grant, "inventory.read", org, submission.as_ref().map(|s| s.id.to_string()), detail)
        .await?;
    Ok(Json(Inventory { submission, lines, confidentiality: lyhty_domain::privacy::CONFIDENTIALITY_KEY }))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DiffParams {
    /// The version to compare with; by default the previous accepted version.
    pub against: Option<SubmissionId>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SubmissionDiff {
    pub from: Option<SubmissionMeta>,
    pub to: SubmissionMeta,
    #[serde(flatten)]
    pub diff: LineDiff,
}

/// Added, removed and changed lines between two versions of an organisation's inventory.
#[utoipa::path(get, path = "/api/submissions/{id}/diff", tag = "submissions", security(("bearer" = [])),
    params(("id" = SubmissionId, Path), DiffParams),
    responses((status = 200, body = SubmissionDiff), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn diff(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<SubmissionId>,
    Query(params): Query<DiffParams>,
) -> Result<Json<SubmissionDiff>, ApiError> {
    let to = readable_submission(&state, &who, id, "submission.diff").await?;
    let not_a_version =
        || ApiError::invalid("not_a_version", "only accepted submissions are versions that can be compared");
    let to_version = to.version.ok_or_else(not_a_version)?;
    let from = match params.against {
        Some(other) => {
            let from = state.store.get_submission(other).await?.ok_or(ApiError::NotFound { what: "submission" })?;
            if from.org_id != to.org_id {
                return Err(ApiError::invalid(
                    "different_organisations",
                    "both versions must be of the same organisation",
                ));
            }
            from.version.ok_or_else(not_a_version)?;
            Some(from)
        }
        None => state
            .store
            .list_submissions(to.org_id)
            .await?
            .into_iter()
            .filter(|s| s.version.is_some_and(|v| v < to_version))
            .max_by_key(|s| s.version),
    };
    let old = match &from {
        Some(f) => state.store.submission_lines(f.id).await?,
        None => Vec::new(),
    };
    let new = state.store.submission_lines(to.id).await?;
    Ok(Json(SubmissionDiff { from, to, diff: lyhty_ingest::diff(&old, &new) }))
}

/// Makes an earlier accepted version the current inventory again.
#[utoipa::path(post, path = "/api/orgs/{id}/submissions/{sid}/restore", tag = "submissions", security(("bearer" = [])),
    params(("id" = OrgId, Path), ("sid" = SubmissionId, Path)),
    responses((status = 200, body = SubmissionMeta), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn restore(
    State(state): State<AppState>,
    who: AuthUser,
    Path((org, sid)): Path<(OrgId, SubmissionId)>,
) -> Result<Json<SubmissionMeta>, ApiError> {
    org_for_write(&state, &who, org).await?;
    let submission = state.store.get_submission(sid).await?.ok_or(ApiError::NotFound { what: "submission" })?;
    if submission.org_id != org {
        return Err(ApiError::NotFound { what: "submission" });
    }
    Ok(Json(state.store.restore_submission(&who.actor(), sid).await?))
}

fn template_lang(params: &LangParams, headers: &HeaderMap) -> Result<Lang, ApiError> {
    match params.lang.as_deref() {
        Some(l) => Lang::parse(l).ok_or_else(|| ApiError::invalid("invalid_lang", "lang must be fi, sv or en")),
        None => Ok(request_lang(None, headers)),
    }
}

/// The submission template as a workbook: header row, drop-down lists, instructions, examples.
#[utoipa::path(get, path = "/api/template.xlsx", tag = "submissions", security(("bearer" = [])), params(LangParams),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 422, body = ErrorBody)))]
pub async fn template_xlsx(
    State(state): State<AppState>,
    _who: AuthUser,
    Query(params): Query<LangParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = template_lang(&params, &headers)?;
    let bytes = state.run_blocking(move || lyhty_ingest::template_xlsx(lang)).await?.map_err(ApiError::internal)?;
    Ok(download(
        &format!("lyhty-lisenssit-{}.xlsx", lang.code()),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// The submission template as CSV (UTF-8 with BOM, `;`-separated as Finnish Excel expects).
#[utoipa::path(get, path = "/api/template.csv", tag = "submissions", security(("bearer" = [])), params(LangParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = ErrorBody)))]
pub async fn template_csv(
    _who: AuthUser,
    Query(params): Query<LangParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = template_lang(&params, &headers)?;
    let csv = lyhty_ingest::template_csv(lang);
    Ok(download(&format!("lyhty-lisenssit-{}.csv", lang.code()), "text/csv; charset=utf-8", csv.into_bytes()))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VendorEntry {
    pub canonical: String,
    pub aliases: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VendorCatalogueView {
    /// The seeded catalogue of canonical vendors and their built-in aliases.
    pub vendors: Vec<VendorEntry>,
    /// Aliases the coordinator has added.
    pub added_aliases: Vec<VendorAlias>,
}

/// The vendor catalogue and its aliases.
#[utoipa::path(get, path = "/api/vendors", tag = "vendors", security(("bearer" = [])),
    responses((status = 200, body = VendorCatalogueView)))]
pub async fn vendors(State(state): State<AppState>, _who: AuthUser) -> Result<Json<VendorCatalogueView>, ApiError> {
    let vendors = VendorCatalogue::seeded()
        .entries()
        .iter()
        .map(|e| VendorEntry { canonical: e.canonical.clone(), aliases: e.aliases.clone() })
        .collect();
    Ok(Json(VendorCatalogueView { vendors, added_aliases: state.store.list_vendor_aliases().await? }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AliasRequest {
    /// A name as it appears in files, e.g. `MSFT Ireland Operations Ltd`.
    pub alias: String,
    /// The canonical vendor it means, e.g. `Microsoft`.
    pub canonical: String,
}

/// Adds (or re-points) a vendor alias; later submissions are normalised with it.
#[utoipa::path(post, path = "/api/vendors/aliases", tag = "vendors", security(("bearer" = [])), request_body = AliasRequest,
    responses((status = 201, body = VendorAlias), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_alias(
    State(state): State<AppState>,
    who: AuthUser,
    Json(req): Json<AliasRequest>,
) -> Result<(StatusCode, Json<VendorAlias>), ApiError> {
    authorize(&who, Action::ManageReleases)?;
    let canonical = req.canonical.trim();
    // Stored lower-case with single spaces; the catalogue folds it fully when it loads it.
    let folded = req.alias.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if folded.is_empty() || canonical.is_empty() || canonical.chars().count() > 200 || req.alias.chars().count() > 200 {
        return Err(ApiError::invalid(
            "invalid_alias",
            "give a non-empty alias and canonical vendor name (at most 200 characters)",
        ));
    }
    let alias = state.store.put_vendor_alias(&who.actor(), &folded, canonical).await?;
    Ok((StatusCode::CREATED, Json(alias)))
}
