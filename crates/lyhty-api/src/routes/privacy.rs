//! Personal data and retention (NETWORK.md, agreement §8.3.3, §14, §17, GDPR): erasing a
//! person's contact details, a party's data as one archive, signed accession agreements,
//! and the confidentiality marking of every response that carries one organisation's data.
//!
//! The marking is one mechanism: every successful answer under `/api/orgs/{id}/…` and
//! `/api/submissions/{id}/…` carries the header `X-Confidentiality: agreement_14`, whose
//! words (fi/sv/en) are `confidentiality` in `GET /api/vocabulary`; the inventory JSON also
//! says so in a `confidentiality` field, and files (the export archive, its workbook) carry
//! the words themselves. Invoices are not marked: their amounts are the cost shares the
//! steering group decides for everyone to see, not §14's licence data.

use super::{LangParams, download, submissions::request_lang};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::export::{ExportInput, archive_name, build_archive};
use crate::extract::{Json, Path, Query};
use crate::policy::{Action, authorize};
use crate::state::AppState;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use lyhty_domain::email::is_valid_email;
use lyhty_domain::privacy::{CONFIDENTIALITY_KEY, Retention};
use lyhty_domain::{Org, OrgId};
use lyhty_store::{AgreementMeta, AuditEvent, ErasureCounts, NewAgreement};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The header that marks a response as one organisation's confidential data (§14).
pub const CONFIDENTIALITY_HEADER: HeaderName = HeaderName::from_static("x-confidentiality");

/// The largest signed agreement accepted (a scanned PDF of a few pages).
pub const MAX_AGREEMENT_BYTES: usize = 20 * 1024 * 1024;

/// Whether a path serves one organisation's data: a party's own routes and its submissions.
pub fn is_one_orgs_data(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    matches!(parts.as_slice(), ["", "api", "orgs", _, ..] | ["", "api", "submissions", _, ..])
}

/// Marks successful answers that carry one organisation's data (see the module's overview).
pub async fn mark_confidential(req: Request, next: Next) -> Response {
    let marked = is_one_orgs_data(req.uri().path());
    let mut response = next.run(req).await;
    if marked && response.status().is_success() {
        response.headers_mut().insert(CONFIDENTIALITY_HEADER, HeaderValue::from_static(CONFIDENTIALITY_KEY));
    }
    response
}

async fn org_or_404(state: &AppState, id: OrgId) -> Result<Org, ApiError> {
    state.store.get_org(id).await?.ok_or(ApiError::NotFound { what: "organisation" })
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct EraseRequest {
    pub email: String,
}

/// What an erasure changed: counts only, never whom.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErasureView {
    pub records: u64,
    pub counts: ErasureCounts,
}

/// Erases a person's contact details everywhere: inventory lines of every version keep the
/// licence and lose the name and e-mail; files holding the address are erased (name, size
/// and hash stay); accounts are renamed to `[erased]` and closed; parties' contacts, reports,
/// uploaders' labels and the audit log are redacted. The audit log records that an erasure
/// happened, with these counts.
#[utoipa::path(post, path = "/api/people/erase", tag = "privacy", security(("bearer" = [])), request_body = EraseRequest,
    responses((status = 200, body = ErasureView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn erase(
    State(state): State<AppState>,
    who: AuthUser,
    Json(request): Json<EraseRequest>,
) -> Result<Json<ErasureView>, ApiError> {
    authorize(&who, Action::ErasePersonalData)?;
    let email = request.email.trim().to_lowercase();
    if !is_valid_email(&email) {
        return Err(ApiError::invalid("invalid_email", "give the person's e-mail address"));
    }
    let needle = email.clone();
    let mentions = move |bytes: &[u8]| crate::erasure::file_mentions(bytes, &needle);
    let counts = state.store.erase_person(&who.actor(), &email, &mentions).await?;
    // Never the address: the log line says as little as the audit entry.
    tracing::info!(records = counts.total(), "personal data erased");
    Ok(Json(ErasureView { records: counts.total(), counts }))
}

/// A party's whole data as one zip archive, to return it (§17): every submitted file as
/// received, the current inventory (JSON and XLSX), invoices as PDF and UBL, payments,
/// signed agreements, a manifest. Marked confidential (§14). Recorded in the audit log.
#[utoipa::path(get, path = "/api/orgs/{id}/export.zip", tag = "privacy", security(("bearer" = [])),
    params(("id" = OrgId, Path), LangParams),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    who: AuthUser,
    Path(org_id): Path<OrgId>,
    Query(params): Query<LangParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&who, Action::ExportOrgData(org_id))?;
    let org = org_or_404(&state, org_id).await?;
    let name = archive_name(&org, request_lang(params.lang.as_deref(), &headers));
    let input = gather(&state, org).await?;
    let detail = serde_json::json!({ "files": input.files.len(), "invoices": input.invoices.len() });
    let event = AuditEvent { action: "org.export".into(), org_id: Some(org_id), subject: None, detail };
    state.store.record_audit(&who.actor(), &event).await?;
    let bytes = state.run_blocking(move || build_archive(&input)).await?.map_err(ApiError::internal)?;
    Ok(download(&name, "application/zip", bytes))
}

/// Everything the party gave and got, from the store.
async fn gather(state: &AppState, org: Org) -> Result<ExportInput, ApiError> {
    let store = &state.store;
    let current = store.current_submission(org.id).await?;
    let lines = match &current {
        Some(c) => store.submission_lines(c.id).await?,
        None => Vec::new(),
    };
    let mut invoices = Vec::new();
    let mut payments = Vec::new();
    for invoice in store.list_invoices(Some(org.id)).await? {
        let doc = serde_json::from_value(invoice.document.clone()).map_err(ApiError::internal)?;
        payments.extend(store.list_payments(Some(invoice.id)).await?);
        invoices.push((invoice, doc));
    }
    let mut agreements = Vec::new();
    for meta in store.list_agreements(org.id).await? {
        if let Some(found) = store.agreement_file(org.id, meta.id).await? {
            agreements.push(found);
        }
    }
    let files = store.submission_files(org.id).await?;
    Ok(ExportInput { org, generated_at: chrono::Utc::now(), files, current, lines, invoices, payments, agreements })
}

/// A stored agreement with how long it is kept (§8.3.3) and stays confidential (§14).
#[derive(Serialize, utoipa::ToSchema)]
pub struct AgreementView {
    #[serde(flatten)]
    pub meta: AgreementMeta,
    /// The day the party's agreement ends: its termination's effective date when earlier
    /// than the agreement period's end (31.12.2026), else that end.
    pub ends_on: NaiveDate,
    /// 10 years after `ends_on` (§8.3.3).
    pub retain_until: NaiveDate,
    /// 5 years after `ends_on` (§14).
    pub confidential_until: NaiveDate,
    pub confidentiality: &'static str,
}

impl AgreementView {
    fn new(meta: AgreementMeta, org: &Org) -> Self {
        let r = Retention::of(org);
        Self {
            meta,
            ends_on: r.ends_on,
            retain_until: r.retain_until,
            confidential_until: r.confidential_until,
            confidentiality: CONFIDENTIALITY_KEY,
        }
    }
}

/// A party's signed accession agreements, by signing date.
#[utoipa::path(get, path = "/api/orgs/{id}/agreements", tag = "privacy", security(("bearer" = [])),
    params(("id" = OrgId, Path)),
    responses((status = 200, body = Vec<AgreementView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_agreements(
    State(state): State<AppState>,
    who: AuthUser,
    Path(org_id): Path<OrgId>,
) -> Result<Json<Vec<AgreementView>>, ApiError> {
    authorize(&who, Action::ReadAgreements(org_id))?;
    let org = org_or_404(&state, org_id).await?;
    let list = state.store.list_agreements(org_id).await?;
    Ok(Json(list.into_iter().map(|m| AgreementView::new(m, &org)).collect()))
}

/// Stores a signed accession agreement: multipart `file` (a PDF) and `signed_on`.
#[utoipa::path(post, path = "/api/orgs/{id}/agreements", tag = "privacy", security(("bearer" = [])),
    params(("id" = OrgId, Path)),
    request_body(content_type = "multipart/form-data", description = "fields `file` (PDF) and `signed_on` (YYYY-MM-DD)"),
    responses((status = 201, body = AgreementView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn add_agreement(
    State(state): State<AppState>,
    who: AuthUser,
    Path(org_id): Path<OrgId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    authorize(&who, Action::ManageAgreements)?;
    let org = org_or_404(&state, org_id).await?;
    let multipart =
        multipart.map_err(|e| ApiError::BadRequest { code: "malformed_multipart", message: e.body_text() })?;
    let (file_name, file, signed_on) = read_agreement_form(multipart).await?;
    if signed_on > state.clock.today() {
        return Err(ApiError::invalid("signed_on_in_future", "signed_on cannot be after today"));
    }
    let sha256 = Sha256::digest(&file).iter().map(|b| format!("{b:02x}")).collect();
    let agreement = NewAgreement { org_id, file_name, sha256, signed_on, file };
    let meta = state.store.add_agreement(&who.actor(), &agreement).await?;
    Ok((StatusCode::CREATED, Json(AgreementView::new(meta, &org))).into_response())
}

fn malformed(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    ApiError::BadRequest {
        code: "malformed_multipart",
        message: format!("the upload could not be read: {}", e.body_text()),
    }
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge {
        code: "file_too_large",
        message: format!("a signed agreement may be at most {} MB", MAX_AGREEMENT_BYTES / (1024 * 1024)),
    }
}

/// The form's `file` (checked to be a PDF within the size limit) and `signed_on`.
async fn read_agreement_form(mut multipart: Multipart) -> Result<(String, Vec<u8>, NaiveDate), ApiError> {
    let (mut file, mut signed_on) = (None, None);
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().map(str::to_string).unwrap_or_else(|| "agreement.pdf".into());
                let bytes = field.bytes().await.map_err(malformed)?;
                file = Some((name, bytes.to_vec()));
            }
            Some("signed_on") => signed_on = Some(field.text().await.map_err(malformed)?),
            _ => {}
        }
    }
    let (name, bytes) = file.ok_or_else(|| ApiError::BadRequest {
        code: "missing_file",
        message: "send the signed agreement in a multipart field named `file`".into(),
    })?;
    if bytes.len() > MAX_AGREEMENT_BYTES {
        return Err(too_large());
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(ApiError::UnsupportedMediaType {
            code: "not_a_pdf",
            message: "the agreement must be a PDF".into(),
        });
    }
    let signed_on = signed_on
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
        .ok_or_else(|| ApiError::invalid("invalid_signed_on", "signed_on must be a date, YYYY-MM-DD"))?;
    let name: String =
        name.rsplit(['/', '\\']).next().unwrap_or("").chars().filter(|c| !c.is_control()).take(200).collect();
    Ok((if name.trim().is_empty() { "agreement.pdf".into() } else { name }, bytes, signed_on))
}

/// One signed agreement's file.
#[utoipa::path(get, path = "/api/orgs/{id}/agreements/{agreement}", tag = "privacy", security(("bearer" = [])),
    params(("id" = OrgId, Path), ("agreement" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn agreement_file(
    State(state): State<AppState>,
    who: AuthUser,
    // The agreement's id is read after the caller is let in, so that another party's
    // member learns nothing, not even whether the id is well-formed (403 before 400/404).
    Path((org_id, id)): Path<(OrgId, String)>,
) -> Result<Response, ApiError> {
    authorize(&who, Action::ReadAgreements(org_id))?;
    let not_found = || ApiError::NotFound { what: "agreement" };
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let (meta, bytes) = state.store.agreement_file(org_id, id).await?.ok_or_else(not_found)?;
    Ok(download(&meta.file_name, "application/pdf", bytes))
}

#[cfg(test)]
mod tests {
    use super::is_one_orgs_data;

    #[test]
    fn one_organisations_routes_are_marked_and_network_routes_are_not() {
        for path in ["/api/orgs/1/inventory", "/api/orgs/1", "/api/orgs/1/export.zip", "/api/submissions/2/file"] {
            assert!(is_one_orgs_data(path), "{path}");
        }
        for path in ["/api/orgs", "/api/orgs/", "/api/releases/1", "/api/invoices/1", "/api/audit-log", "/orgs/1"] {
            assert!(!is_one_orgs_data(path), "{path}");
        }
    }
}
