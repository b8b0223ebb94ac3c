//! Cost shares, instalment invoice runs, invoices (JSON, PDF, Peppol UBL), credit notes and
//! payments (manual, or a camt.054 bank file matched by reference).
//!
//! The arithmetic and the documents are `lyhty-finance`'s; this module reads and writes the
//! store and decides who sees what: the steering group sees shares and coverage but no
//! payment details, a member sees only its own share and invoices.

use super::{LangParams, download};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path};
use crate::policy::{Action, authorize};
use crate::state::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use lyhty_domain::{Cents, InvoiceId, Lang, OrgId};
use lyhty_finance::camt::{BankPayment, parse_camt054};
use lyhty_finance::payments::{PaymentStatus, normalise_reference, payment_status};
use lyhty_finance::{
    Billed, CostShareModel, CostShareTable, InvoiceDocument, PlannedInvoice, cost_shares, plan_invoice_run,
};
use lyhty_store::{
    DraftInvoice, InvoiceKind, InvoiceRecord, IssuedInvoice, NewPayment, NewRun, PaymentRecord, PaymentSource,
    SelfContributionRecord,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The model in force today: the newest stored version valid by today, else the version
/// seeded from the agreement.
pub async fn current_model(state: &AppState) -> Result<CostShareModel, ApiError> {
    model_on(state, state.clock.today()).await
}

/// The model in force on `day` (e.g. a steering-group meeting's date).
pub async fn model_on(state: &AppState, day: NaiveDate) -> Result<CostShareModel, ApiError> {
    let stored = state.store.list_cost_share_models().await?;
    match stored.into_iter().rfind(|m| m.valid_from <= day) {
        Some(m) => serde_json::from_value(m.model).map_err(ApiError::internal),
        None => Ok(CostShareModel::seeded()),
    }
}

/// Each party's share, the total against the budget, coverage and seat weights. A member
/// sees its own party's line only.
#[utoipa::path(get, path = "/api/cost-shares", tag = "finance", security(("bearer" = [])),
    responses((status = 200, body = CostShareTable), (status = 403, body = ErrorBody)))]
pub async fn get_cost_shares(State(state): State<AppState>, who: AuthUser) -> Result<Json<CostShareTable>, ApiError> {
    let model = current_model(&state).await?;
    let orgs = state.store.list_orgs().await?;
    let mut table = cost_shares(&model, &orgs, state.clock.today());
    if authorize(&who, Action::ReadCostShares).is_err() {
        let Some(own) = who.user.org_id else { return Err(ApiError::forbidden("your role does not allow this")) };
        table.parties.retain(|p| p.org_id == own);
        table.seats.clear();
    }
    Ok(Json(table))
}

/// An invoice as the API shows it, with its payment state.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InvoiceView {
    pub id: InvoiceId,
    pub number: String,
    pub org_id: OrgId,
    pub kind: InvoiceKind,
    pub instalments: Vec<u8>,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount_cents: Cents,
    pub reference: String,
    pub rf_reference: String,
    pub barcode: Option<String>,
    /// `open`, `paid`, `partly_paid`, `overdue` or `credited`.
    pub status: PaymentStatus,
    pub paid_cents: Cents,
    pub outstanding_cents: Cents,
    /// For a credit note: the invoice it credits.
    pub credits: Option<InvoiceId>,
}

fn view(invoice: &InvoiceRecord, payments: &[PaymentRecord], credited: Cents, today: NaiveDate) -> InvoiceView {
    let paid: Cents = payments.iter().filter(|p| p.invoice_id == invoice.id).map(|p| p.amount_cents).sum();
    let summary = payment_status(invoice.amount_cents, paid, credited, invoice.due_date, today);
    InvoiceView {
        id: invoice.id,
        number: invoice.number.clone(),
        org_id: invoice.org_id,
        kind: invoice.kind,
        instalments: invoice.instalments.clone(),
        issue_date: invoice.issue_date,
        due_date: invoice.due_date,
        amount_cents: invoice.amount_cents,
        reference: invoice.reference.clone(),
        rf_reference: invoice.rf_reference.clone(),
        barcode: invoice.barcode.clone(),
        status: summary.status,
        paid_cents: summary.paid_cents,
        outstanding_cents: summary.outstanding_cents,
        credits: invoice.credits,
    }
}

/// Views of `invoices`, with credit notes counted against the invoices they credit.
fn views(
    invoices: &[InvoiceRecord],
    all: &[InvoiceRecord],
    payments: &[PaymentRecord],
    today: NaiveDate,
) -> Vec<InvoiceView> {
    let mut credited: HashMap<InvoiceId, Cents> = HashMap::new();
    for note in all.iter().filter(|i| i.kind == InvoiceKind::CreditNote) {
        if let Some(original) = note.credits {
            *credited.entry(original).or_default() += -note.amount_cents;
        }
    }
    invoices.iter().map(|i| view(i, payments, credited.get(&i.id).copied().unwrap_or_default(), today)).collect()
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RunRequest {
    /// 1 or 2.
    pub instalment: u8,
    pub issue_date: NaiveDate,
    /// Issue even though the due dates fall outside the instalment's window.
    #[serde(default)]
    pub override_window: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RunResponse {
    pub run_id: Option<lyhty_domain::RunId>,
    pub instalment: u8,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// Invoices this run created (none when everything was already billed).
    pub created: Vec<InvoiceView>,
    /// The coordinator's own instalments, booked as paid.
    pub self_contributions: Vec<SelfContributionRecord>,
    /// Parties that could not be billed, and why (e.g. a parish without a set share).
    pub skipped: serde_json::Value,
}

fn money_error(code: &'static str, message: String) -> ApiError {
    ApiError::Invalid { code, message }
}

/// Creates the missing invoices of an instalment for every liable party (idempotent: a
/// second run creates nothing new). Refused when the due dates cannot fall in the
/// instalment's window, unless `override_window`.
#[utoipa::path(post, path = "/api/invoice-runs", tag = "finance", security(("bearer" = [])), request_body = RunRequest,
    responses((status = 201, body = RunResponse), (status = 200, description = "nothing left to bill", body = RunResponse),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_run(
    State(state): State<AppState>,
    who: AuthUser,
    Json(req): Json<RunRequest>,
) -> Result<(StatusCode, Json<RunResponse>), ApiError> {
    authorize(&who, Action::ManageFinance)?;
    let model = current_model(&state).await?;
    let config = state.invoicing.clone();
    let orgs = state.store.list_orgs().await?;
    let billed = billed(&state).await?;
    let plan = plan_invoice_run(&model, &config, &orgs, &billed, req.instalment, req.issue_date, req.override_window)
        .map_err(|e| money_error(e.code(), e.to_string()))?;
    let skipped = serde_json::to_value(&plan.skipped).map_err(ApiError::internal)?;
    let mut body = RunResponse {
        run_id: None,
        instalment: plan.instalment,
        issue_date: plan.issue_date,
        due_date: plan.due_date,
        created: Vec::new(),
        self_contributions: Vec::new(),
        skipped: skipped.clone(),
    };
    if plan.is_empty() {
        return Ok((StatusCode::OK, Json(body)));
    }
    let drafts = plan.invoices.iter().cloned().map(|p| draft(p, config.clone())).collect();
    let own: Vec<SelfContributionRecord> = plan
        .self_contributions
        .iter()
        .flat_map(|s| {
            s.per_instalment().into_iter().map(|(instalment, amount_cents)| SelfContributionRecord {
                org_id: s.org_id,
                instalment,
                amount_cents,
                paid_on: s.paid_on,
            })
        })
        .collect();
    let run = NewRun {
        instalment: plan.instalment,
        issue_date: plan.issue_date,
        model_version: plan.model_version.clone(),
        overridden: plan.outside_window,
        summary: serde_json::json!({ "due_date": plan.due_date, "skipped": skipped }),
    };
    let record = state.store.record_invoice_run(&who.actor(), &run, drafts, &own).await?;
    body.run_id = Some(record.id);
    body.created = views(&record.invoices, &record.invoices, &[], state.clock.today());
    body.self_contributions = record.self_contributions;
    Ok((StatusCode::CREATED, Json(body)))
}

/// What is billed already, for planning a run: the live invoices' instalments and the
/// coordinator's own instalments booked as paid.
async fn billed(state: &AppState) -> Result<Vec<Billed>, ApiError> {
    let invoiced = state.store.billed_instalments().await?.into_iter().map(|b| (b.org_id, b.instalment));
    let own: Vec<_> =
        state.store.list_self_contributions().await?.into_iter().map(|s| (s.org_id, s.instalment)).collect();
    Ok(invoiced
        .chain(own)
        .map(|(org_id, instalment)| Billed { org_id, instalments: vec![instalment], cancelled: false })
        .collect())
}

/// How a planned invoice becomes an issued document once the store has its number.
fn draft(plan: PlannedInvoice, config: std::sync::Arc<lyhty_finance::InvoicingConfig>) -> DraftInvoice {
    DraftInvoice {
        org_id: plan.org_id,
        instalments: plan.instalments(),
        issue_date: plan.issue_date,
        issue: Box::new(move |_year, seq| {
            let doc = lyhty_finance::issue_invoice(&plan, &config, seq, Lang::Fi).map_err(|e| e.to_string())?;
            issued(&doc)
        }),
    }
}

fn issued(doc: &InvoiceDocument) -> Result<IssuedInvoice, String> {
    // A UBL credit note states a positive amount; in our books a credit is negative, so
    // invoices and credit notes of a party add up to what it owes.
    let amount = match doc.kind {
        lyhty_finance::DocumentKind::Invoice => doc.payable(),
        lyhty_finance::DocumentKind::CreditNote => -doc.payable(),
    };
    Ok(IssuedInvoice {
        number: doc.number.clone(),
        reference: doc.reference.digits().to_string(),
        rf_reference: doc.rf_reference.electronic().to_string(),
        barcode: doc.barcode(),
        amount_cents: amount,
        due_date: doc.due_date,
        document: serde_json::to_value(doc).map_err(|e| e.to_string())?,
    })
}

/// Invoices and credit notes: all for the coordinator, a member's own for a member.
#[utoipa::path(get, path = "/api/invoices", tag = "finance", security(("bearer" = [])),
    responses((status = 200, body = Vec<InvoiceView>), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, who: AuthUser) -> Result<Json<Vec<InvoiceView>>, ApiError> {
    let org = if authorize(&who, Action::ManageFinance).is_ok() {
        None
    } else {
        let own = who.user.org_id.ok_or_else(|| ApiError::forbidden("your role does not allow this"))?;
        authorize(&who, Action::ReadInvoices(own))?;
        Some(own)
    };
    let invoices = state.store.list_invoices(org).await?;
    let payments = state.store.list_payments(None).await?;
    Ok(Json(views(&invoices, &invoices, &payments, state.clock.today())))
}

async fn readable_invoice(state: &AppState, who: &AuthUser, id: InvoiceId) -> Result<InvoiceRecord, ApiError> {
    let invoice = state.store.get_invoice(id).await?.ok_or(ApiError::NotFound { what: "invoice" })?;
    authorize(who, Action::ReadInvoices(invoice.org_id))?;
    Ok(invoice)
}

/// One invoice or credit note with its payment state.
#[utoipa::path(get, path = "/api/invoices/{id}", tag = "finance", security(("bearer" = [])), params(("id" = InvoiceId, Path)),
    responses((status = 200, body = InvoiceView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<InvoiceId>,
) -> Result<Json<InvoiceView>, ApiError> {
    let invoice = readable_invoice(&state, &who, id).await?;
    let all = state.store.list_invoices(Some(invoice.org_id)).await?;
    let payments = state.store.list_payments(Some(id)).await?;
    let one = views(std::slice::from_ref(&invoice), &all, &payments, state.clock.today());
    Ok(Json(one.into_iter().next().ok_or(ApiError::NotFound { what: "invoice" })?))
}

fn document(invoice: &InvoiceRecord) -> Result<InvoiceDocument, ApiError> {
    serde_json::from_value(invoice.document.clone()).map_err(ApiError::internal)
}

/// The invoice as a PDF (Finnish; `?lang=sv|en` for Swedish or English labels).
#[utoipa::path(get, path = "/api/invoices/{id}/pdf", tag = "finance", security(("bearer" = [])),
    params(("id" = InvoiceId, Path), LangParams),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = ErrorBody)))]
pub async fn pdf(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<InvoiceId>,
    crate::extract::Query(params): crate::extract::Query<LangParams>,
) -> Result<Response, ApiError> {
    let invoice = readable_invoice(&state, &who, id).await?;
    let mut doc = document(&invoice)?;
    if let Some(lang) = params.lang.as_deref() {
        doc.lang = Lang::parse(lang).ok_or_else(|| ApiError::invalid("invalid_lang", "lang must be fi, sv or en"))?;
    }
    let bytes = state.run_blocking(move || lyhty_finance::pdf::render_pdf(&doc)).await?.map_err(ApiError::internal)?;
    Ok(download(&format!("lasku-{}.pdf", invoice.number), "application/pdf", bytes))
}

/// The invoice as a Peppol BIS Billing 3.0 UBL document.
#[utoipa::path(get, path = "/api/invoices/{id}/ubl", tag = "finance", security(("bearer" = [])), params(("id" = InvoiceId, Path)),
    responses((status = 200, content_type = "application/xml", body = String), (status = 403, body = ErrorBody)))]
pub async fn ubl(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<InvoiceId>,
) -> Result<Response, ApiError> {
    let invoice = readable_invoice(&state, &who, id).await?;
    let xml = lyhty_finance::ubl::to_ubl(&document(&invoice)?);
    Ok(download(&format!("lasku-{}.xml", invoice.number), "application/xml", xml.into_bytes()))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PaymentRequest {
    pub amount_cents: i64,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
    pub payer: Option<String>,
}

/// Records a payment against an invoice.
#[utoipa::path(post, path = "/api/invoices/{id}/payments", tag = "finance", security(("bearer" = [])),
    params(("id" = InvoiceId, Path)), request_body = PaymentRequest,
    responses((status = 201, body = InvoiceView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn add_payment(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<InvoiceId>,
    Json(req): Json<PaymentRequest>,
) -> Result<(StatusCode, Json<InvoiceView>), ApiError> {
    authorize(&who, Action::ManageFinance)?;
    let invoice = state.store.get_invoice(id).await?.ok_or(ApiError::NotFound { what: "invoice" })?;
    if invoice.kind != InvoiceKind::Invoice {
        return Err(ApiError::invalid("not_an_invoice", "payments are recorded against invoices, not credit notes"));
    }
    if req.amount_cents <= 0 {
        return Err(ApiError::invalid("invalid_amount", "a payment is a positive amount of cents"));
    }
    let payment = NewPayment {
        invoice_id: id,
        amount_cents: Cents(req.amount_cents),
        paid_on: req.paid_on,
        reference: super::non_blank(req.reference),
        payer: super::non_blank(req.payer),
        source: PaymentSource::Manual,
        bank_entry: None,
    };
    state.store.record_payments(&who.actor(), &[payment]).await?;
    let Json(view) = get(State(state), who, Path(id)).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Payments booked against the invoice whose reference they carried.
    pub matched: Vec<ImportedPayment>,
    /// Payments already booked from an earlier import of the same entries.
    pub already_imported: usize,
    /// Payments whose reference matched no open invoice: to be booked by hand.
    pub unmatched: Vec<ImportedPayment>,
    /// Entries of the file that were not reference payments, and why.
    pub skipped: serde_json::Value,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportedPayment {
    pub entry_reference: String,
    pub amount_cents: Cents,
    pub booking_date: NaiveDate,
    pub reference: Option<String>,
    pub invoice_number: Option<String>,
}

/// Imports a bank file of reference payments (ISO 20022 camt.054, multipart field `file`)
/// and books each payment against the invoice with its creditor reference. Importing the
/// same file again books nothing twice.
#[utoipa::path(post, path = "/api/payments/import", tag = "finance", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "field `file`: camt.054 XML"),
    responses((status = 200, body = ImportReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_payments(
    State(state): State<AppState>,
    who: AuthUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<ImportReport>, ApiError> {
    // Who may import is decided before the body is read.
    authorize(&who, Action::ManageFinance)?;
    let bytes = bank_file(multipart).await?;
    let report = state
        .run_blocking(move || parse_camt054(&bytes))
        .await?
        .map_err(|e| ApiError::Invalid { code: e.code(), message: e.to_string() })?;
    let matching = match_payments(&state, &report.payments).await?;
    let booked = state.store.record_payments(&who.actor(), &matching.to_book).await?;
    let matched = booked
        .iter()
        .map(|b| ImportedPayment {
            entry_reference: b.bank_entry.clone().unwrap_or_default(),
            amount_cents: b.amount_cents,
            booking_date: b.paid_on,
            reference: b.reference.clone(),
            invoice_number: b.bank_entry.as_ref().and_then(|e| matching.numbers.get(e).cloned()),
        })
        .collect();
    Ok(Json(ImportReport {
        matched,
        already_imported: matching.to_book.len() - booked.len(),
        unmatched: matching.unmatched,
        skipped: serde_json::to_value(&report.skipped).map_err(ApiError::internal)?,
    }))
}

/// The multipart field `file` of a bank-file import.
async fn bank_file(multipart: Result<Multipart, MultipartRejection>) -> Result<axum::body::Bytes, ApiError> {
    let malformed = |message: String| ApiError::BadRequest { code: "malformed_multipart", message };
    let mut multipart = multipart.map_err(|e| malformed(e.body_text()))?;
    let mut bytes = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| malformed(e.body_text()))? {
        if field.name() == Some("file") {
            bytes = Some(field.bytes().await.map_err(|e| malformed(e.body_text()))?);
        }
    }
    bytes.ok_or(ApiError::BadRequest {
        code: "missing_file",
        message: "send the bank file in a field named `file`".into(),
    })
}

/// A bank file's payments sorted by whether their creditor reference names a live invoice.
struct Matching {
    to_book: Vec<NewPayment>,
    unmatched: Vec<ImportedPayment>,
    /// Invoice numbers by the bank's entry reference, for the report.
    numbers: HashMap<String, String>,
}

async fn match_payments(state: &AppState, payments: &[BankPayment]) -> Result<Matching, ApiError> {
    let mut matching = Matching { to_book: Vec::new(), unmatched: Vec::new(), numbers: HashMap::new() };
    for p in payments {
        let reference = p.reference.clone().or_else(|| p.raw_reference.as_deref().and_then(normalise_reference));
        let invoice = match reference {
            Some(r) => state.store.find_invoices_by_reference(r.digits()).await?.into_iter().find(|i| !i.credited),
            None => None,
        };
        let Some(invoice) = invoice else {
            matching.unmatched.push(ImportedPayment {
                entry_reference: p.entry_reference.clone(),
                amount_cents: p.amount,
                booking_date: p.booking_date,
                reference: p.raw_reference.clone(),
                invoice_number: None,
            });
            continue;
        };
        matching.numbers.insert(p.entry_reference.clone(), invoice.number.clone());
        matching.to_book.push(NewPayment {
            invoice_id: invoice.id,
            amount_cents: p.amount,
            paid_on: p.booking_date,
            reference: p.raw_reference.clone(),
            payer: p.debtor_name.clone(),
            source: PaymentSource::BankFile,
            bank_entry: Some(p.entry_reference.clone()),
        });
    }
    Ok(matching)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreditRequest {
    pub issue_date: NaiveDate,
}

/// Credits an invoice in full with a credit note (UBL type 381 referring to it). The
/// invoice is never edited; its instalments can be billed again.
#[utoipa::path(post, path = "/api/invoices/{id}/credit-notes", tag = "finance", security(("bearer" = [])),
    params(("id" = InvoiceId, Path)), request_body = CreditRequest,
    responses((status = 201, body = InvoiceView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn credit(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<InvoiceId>,
    Json(req): Json<CreditRequest>,
) -> Result<(StatusCode, Json<InvoiceView>), ApiError> {
    authorize(&who, Action::ManageFinance)?;
    let original = state.store.get_invoice(id).await?.ok_or(ApiError::NotFound { what: "invoice" })?;
    let original_doc = document(&original)?;
    let issue_date = req.issue_date;
    // Checked before a number is reserved, so a refused note costs no number.
    lyhty_finance::credit_note(&original_doc, 1, issue_date, None).map_err(|e| money_error(e.code(), e.to_string()))?;
    let issue = Box::new(move |_year: i32, seq: u32| {
        let doc = lyhty_finance::credit_note(&original_doc, seq, issue_date, None).map_err(|e| e.to_string())?;
        issued(&doc)
    });
    let note = state.store.record_credit_note(&who.actor(), id, issue_date, issue).await?;
    Ok((
        StatusCode::CREATED,
        Json(views(std::slice::from_ref(&note), std::slice::from_ref(&note), &[], state.clock.today()).remove(0)),
    ))
}
