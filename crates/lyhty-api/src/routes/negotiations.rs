//! Negotiations with vendors, their documents, and the savings they bring
//! (`NETWORK.md`, "Negotiations and savings"). The use cases are `crate::negotiations`';
//! these handlers read the request, ask the policy and answer.

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path};
use crate::negotiations::{self, NegotiationPatch, NegotiationRequest, SavingRequest, SavingsView, refused};
use crate::policy::{Action, authorize};
use crate::state::AppState;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lyhty_domain::negotiation::{MAX_DOCUMENT_BYTES, Negotiation, NegotiationDocument, RealisedSaving, document_type};
use uuid::Uuid;

/// Every negotiation, newest first: outcomes and lessons are shared with every party.
#[utoipa::path(get, path = "/api/negotiations", tag = "negotiations", security(("bearer" = [])),
    responses((status = 200, body = Vec<Negotiation>)))]
pub async fn list(State(state): State<AppState>, who: AuthUser) -> Result<Json<Vec<Negotiation>>, ApiError> {
    authorize(&who, Action::ReadNegotiations)?;
    Ok(Json(state.store.list_negotiations().await?))
}

/// Records a negotiation (the working group: coordinator, analysts).
#[utoipa::path(post, path = "/api/negotiations", tag = "negotiations", security(("bearer" = [])),
    request_body = NegotiationRequest,
    responses((status = 201, body = Negotiation), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: AuthUser,
    Json(req): Json<NegotiationRequest>,
) -> Result<(StatusCode, Json<Negotiation>), ApiError> {
    Ok((StatusCode::CREATED, Json(negotiations::create(&state, &who, req).await?)))
}

/// One negotiation.
#[utoipa::path(get, path = "/api/negotiations/{id}", tag = "negotiations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Negotiation), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Negotiation>, ApiError> {
    authorize(&who, Action::ReadNegotiations)?;
    Ok(Json(negotiations::get(&state, id).await?))
}

/// Changes a negotiation. Its status moves forward only (planned → ongoing → concluded or
/// abandoned); `concluded_on`, `outcome` and the estimate belong to a concluded one.
#[utoipa::path(patch, path = "/api/negotiations/{id}", tag = "negotiations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = NegotiationPatch,
    responses((status = 200, body = Negotiation), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<Uuid>,
    Json(patch): Json<NegotiationPatch>,
) -> Result<Json<Negotiation>, ApiError> {
    Ok(Json(negotiations::update(&state, &who, id, patch).await?))
}

/// Adds a document (multipart field `file`; PDF, office documents, images or text, at most
/// 10 MiB), kept in the database.
#[utoipa::path(post, path = "/api/negotiations/{id}/documents", tag = "negotiations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "field `file`: pdf, docx, xlsx, pptx, odt, ods, png, jpg, txt, md or csv"),
    responses((status = 201, body = NegotiationDocument), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn upload_document(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<Uuid>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<NegotiationDocument>), ApiError> {
    authorize(&who, Action::ManageNegotiations)?;
    negotiations::get(&state, id).await?;
    let multipart =
        multipart.map_err(|e| ApiError::BadRequest { code: "malformed_multipart", message: e.body_text() })?;
    let (name, bytes) = read_file(multipart).await?;
    let content_type = document_type(&name, &bytes).map_err(refused)?;
    let stored = state.store.add_negotiation_document(&who.actor(), id, &name, content_type, &bytes).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// A negotiation's documents (without their contents), oldest first.
#[utoipa::path(get, path = "/api/negotiations/{id}/documents", tag = "negotiations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<NegotiationDocument>), (status = 404, body = ErrorBody)))]
pub async fn list_documents(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<NegotiationDocument>>, ApiError> {
    authorize(&who, Action::ReadNegotiations)?;
    negotiations::get(&state, id).await?;
    Ok(Json(state.store.list_negotiation_documents(id).await?))
}

/// Downloads a document as it was uploaded, with its stored type.
#[utoipa::path(get, path = "/api/negotiations/{id}/documents/{doc}", tag = "negotiations", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("doc" = Uuid, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn download_document(
    State(state): State<AppState>,
    who: AuthUser,
    Path((id, doc)): Path<(Uuid, Uuid)>,
) -> Result<Response, ApiError> {
    authorize(&who, Action::ReadNegotiations)?;
    let (meta, bytes) =
        state.store.negotiation_document(id, doc).await?.ok_or(ApiError::NotFound { what: "document" })?;
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&meta.content_type).map_err(ApiError::internal)?;
    headers.insert(header::CONTENT_TYPE, content_type);
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&meta.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// Records (or replaces) a party's realised saving of a concluded negotiation it took part
/// in: that party's members and the coordinator.
#[utoipa::path(post, path = "/api/negotiations/{id}/savings", tag = "negotiations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = SavingRequest,
    responses((status = 200, body = RealisedSaving), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn record_saving(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<Uuid>,
    Json(req): Json<SavingRequest>,
) -> Result<Json<RealisedSaving>, ApiError> {
    Ok(Json(negotiations::record_saving(&state, &who, id, req).await?))
}

/// Realised savings by year (published only where enough parties contribute and none
/// dominates), the network's estimates, and a member's own or (coordinator, analysts,
/// logged) every party's figures.
#[utoipa::path(get, path = "/api/savings", tag = "negotiations", security(("bearer" = [])),
    responses((status = 200, body = SavingsView)))]
pub async fn savings(State(state): State<AppState>, who: AuthUser) -> Result<Json<SavingsView>, ApiError> {
    Ok(Json(negotiations::savings(&state, &who).await?))
}

/// `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266, RFC 8187), so
/// "Päätösmuistio.pdf" keeps its letters and nothing in a name can break the header.
fn content_disposition(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

async fn read_file(mut multipart: Multipart) -> Result<(String, Vec<u8>), ApiError> {
    let too_large = || ApiError::PayloadTooLarge {
        code: "file_too_large",
        message: format!("a document may be at most {MAX_DOCUMENT_BYTES} bytes"),
    };
    let malformed = |e: MultipartError| {
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
            let name = field.file_name().map(sanitize_file_name).unwrap_or_else(|| "document".into());
            let bytes = field.bytes().await.map_err(malformed)?;
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(ApiError::BadRequest {
        code: "missing_file",
        message: "send the document in a multipart field named `file`".into(),
    })
}

/// The last path component, without control characters or quotes, at most 200 characters.
fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    if clean.trim().is_empty() { "document".into() } else { clean.trim().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_break_the_header() {
        let d = content_disposition("Päätös \"x\"\r\n.pdf");
        assert!(d.starts_with("attachment; filename=\"P__t_s _x___.pdf\";"), "{d}");
        assert!(d.contains("filename*=UTF-8''P%C3%A4%C3%A4t%C3%B6s%20%22x%22%0D%0A%2Epdf"), "{d}");
        assert!(HeaderValue::from_str(&d).is_ok());
        assert_eq!(sanitize_file_name("C:\\temp\\../evil\u{7}.pdf"), "evil.pdf");
        assert_eq!(sanitize_file_name("  "), "document");
    }
}
