//! The spend ledger, the budget plan, the hourly rate and the spend reports (§9, §9.1,
//! §9.3, §13): the quarterly report, the annual project statement and the dissolution
//! preview, as JSON, XLSX or PDF.
//!
//! The rules and the figures are `lyhty-finance`'s; this module loads the facts from the
//! store (income from the issued invoices, credit notes, payments and the coordinator's
//! booked own contributions) and decides who may do what: the steering group reads, the
//! coordinator writes, and every party's users read their party's copy of the quarterly
//! report and the annual statement (`policy::report_scope`). No route edits or deletes a ledger entry: a correction is
//! `POST /api/expenses/{id}/reverse`, and the store's tables refuse anything else.

use super::download;
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::policy::{Action, ReportScope, authorize, report_scope};
use crate::routes::finance::current_model;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use lyhty_domain::{Cents, ExpenseId, OrgId, OrgStatus, Quarter};
use lyhty_finance::dissolution::{DissolutionPreview, dissolution_preview, paid_in_by_party};
use lyhty_finance::ledger::{Expense, ExpenseRequest, prepare_expense, reversal_of};
use lyhty_finance::plan::{BudgetPlan, HourlyRate, PlanLine};
use lyhty_finance::spend_report::{
    AnnualStatement, IncomeInvoice, IncomePayment, QuarterlyReport, ReportInput, annual_statement, quarterly_report,
};
use lyhty_finance::{cost_shares, report_pdf, report_xlsx};
use lyhty_store::{ExpenseRecord, PlanVersion};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

fn plan_of(v: &PlanVersion) -> BudgetPlan {
    BudgetPlan { version: v.version, approved_on: v.approved_on, note: v.note.clone(), lines: v.lines.clone() }
}

async fn rates(state: &AppState) -> Result<Vec<HourlyRate>, ApiError> {
    Ok(state.store.list_hourly_rates().await?.into_iter().map(|r| r.rate).collect())
}

async fn names(state: &AppState) -> Result<HashMap<OrgId, String>, ApiError> {
    Ok(state.store.list_orgs().await?.into_iter().map(|o| (o.id, o.name)).collect())
}

// --- the ledger -------------------------------------------------------------------------------

/// A ledger entry as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ExpenseView {
    #[serde(flatten)]
    pub expense: Expense,
    /// The party's name for `payee_org_id`.
    pub payee_name: Option<String>,
    /// The entry that reverses this one, if it has been corrected.
    pub reversed_by: Option<ExpenseId>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn views(records: Vec<ExpenseRecord>, names: &HashMap<OrgId, String>) -> Vec<ExpenseView> {
    let reversed: HashMap<ExpenseId, ExpenseId> =
        records.iter().filter_map(|r| r.entry.reverses.map(|o| (o, r.entry.id))).collect();
    records
        .into_iter()
        .map(|r| ExpenseView {
            payee_name: r.entry.payee_org_id.and_then(|o| names.get(&o).cloned()),
            reversed_by: reversed.get(&r.entry.id).copied(),
            expense: r.entry,
            created_by: r.created_by,
            created_at: r.created_at,
        })
        .collect()
}

/// The whole ledger by date, corrections included (each reversed entry names its reversal).
#[utoipa::path(get, path = "/api/expenses", tag = "spend", security(("bearer" = [])),
    responses((status = 200, body = Vec<ExpenseView>), (status = 403, body = ErrorBody)))]
pub async fn list_expenses(State(state): State<AppState>, who: AuthUser) -> Result<Json<Vec<ExpenseView>>, ApiError> {
    authorize(&who, Action::ReadSpendReports)?;
    let records = state.store.list_expenses().await?;
    Ok(Json(views(records, &names(&state).await?)))
}

/// Books an expense. Personnel: `hours` and `payee_org_id` (the participant's home
/// organisation); the amount is hours × the steering group's rate in force on `date`.
#[utoipa::path(post, path = "/api/expenses", tag = "spend", security(("bearer" = [])), request_body = ExpenseRequest,
    responses((status = 201, body = ExpenseView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_expense(
    State(state): State<AppState>,
    who: AuthUser,
    Json(req): Json<ExpenseRequest>,
) -> Result<(StatusCode, Json<ExpenseView>), ApiError> {
    authorize(&who, Action::ManageFinance)?;
    let expense =
        prepare_expense(&req, &rates(&state).await?).map_err(|e| ApiError::invalid(e.code(), e.to_string()))?;
    if let Some(org) = expense.payee_org_id
        && state.store.get_org(org).await?.is_none()
    {
        return Err(ApiError::invalid("unknown_payee", "payee_org_id is not a party"));
    }
    let stored = state.store.record_expense(&who.actor(), &expense).await?;
    let view = views(vec![stored], &names(&state).await?).remove(0);
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct ReverseRequest {
    /// The correction's date (default today); not before the entry's own date.
    pub date: Option<NaiveDate>,
    /// Why, kept in the reversal's description.
    pub reason: Option<String>,
}

/// Cancels an entry with a reversing entry (the opposite amount, dated when corrected).
/// Both stay in the ledger and the reports; an entry can be reversed once.
#[utoipa::path(post, path = "/api/expenses/{id}/reverse", tag = "spend", security(("bearer" = [])),
    params(("id" = ExpenseId, Path)), request_body = ReverseRequest,
    responses((status = 201, body = ExpenseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reverse_expense(
    State(state): State<AppState>,
    who: AuthUser,
    Path(id): Path<ExpenseId>,
    Json(req): Json<ReverseRequest>,
) -> Result<(StatusCode, Json<ExpenseView>), ApiError> {
    authorize(&who, Action::ManageFinance)?;
    let original = state.store.get_expense(id).await?.ok_or(ApiError::NotFound { what: "expense" })?;
    let reversal = reversal_of(&original.entry, req.date.unwrap_or_else(|| state.clock.today()), req.reason.as_deref())
        .map_err(|e| ApiError::invalid(e.code(), e.to_string()))?;
    let stored = state.store.record_expense(&who.actor(), &reversal).await?;
    let view = views(vec![stored], &names(&state).await?).remove(0);
    Ok((StatusCode::CREATED, Json(view)))
}

// --- the plan and the rate --------------------------------------------------------------------

/// A past version of the plan, without its lines.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PlanVersionSummary {
    pub version: u32,
    pub approved_on: NaiveDate,
    pub note: Option<String>,
    pub total_cents: Cents,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The steering-group decision that approved the version, when it was recorded.
    pub decision_id: Option<lyhty_domain::DecisionId>,
}

/// The plan in force and the list of versions.
#[derive(Serialize, utoipa::ToSchema)]
pub struct BudgetPlanView {
    /// The newest version; `null` before the steering group has approved one.
    pub plan: Option<BudgetPlan>,
    pub total_cents: Cents,
    pub versions: Vec<PlanVersionSummary>,
}

async fn plan_versions(state: &AppState) -> Result<Vec<(PlanVersion, BudgetPlan)>, ApiError> {
    Ok(state
        .store
        .list_budget_plans()
        .await?
        .into_iter()
        .map(|v| {
            let plan = plan_of(&v);
            (v, plan)
        })
        .collect())
}

/// The budget plan in force, per category per quarter, with its version history.
#[utoipa::path(get, path = "/api/budget-plan", tag = "spend", security(("bearer" = [])),
    responses((status = 200, body = BudgetPlanView), (status = 403, body = ErrorBody)))]
pub async fn get_plan(State(state): State<AppState>, who: AuthUser) -> Result<Json<BudgetPlanView>, ApiError> {
    authorize(&who, Action::ReadSpendReports)?;
    let versions = plan_versions(&state).await?;
    let summaries = versions
        .iter()
        .map(|(v, p)| PlanVersionSummary {
            version: p.version,
            approved_on: p.approved_on,
            note: p.note.clone(),
            total_cents: p.total(),
            created_by: v.created_by.clone(),
            created_at: v.created_at,
            decision_id: v.decision_id,
        })
        .collect();
    let plan = versions.into_iter().last().map(|(_, p)| p);
    Ok(Json(BudgetPlanView {
        total_cents: plan.as_ref().map_or(Cents::ZERO, |p| p.total()),
        plan,
        versions: summaries,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PlanRequest {
    /// The steering group's decision day.
    pub approved_on: NaiveDate,
    pub note: Option<String>,
    pub lines: Vec<PlanLine>,
    /// The passed `budget_plan` decision that approved the version, linked to it (optional,
    /// so scripts written before decisions were recorded keep working).
    #[serde(default)]
    pub decision_id: Option<lyhty_domain::DecisionId>,
}

/// A saved plan version and the decision that approved it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SavedPlan {
    #[serde(flatten)]
    pub plan: BudgetPlan,
    pub decision_id: Option<lyhty_domain::DecisionId>,
}

/// Saves a new version of the plan (the steering group approved a change); earlier
/// versions stay as they were.
#[utoipa::path(put, path = "/api/budget-plan", tag = "spend", security(("bearer" = [])), request_body = PlanRequest,
    responses((status = 201, body = SavedPlan), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn put_plan(
    State(state): State<AppState>,
    who: AuthUser,
    Json(req): Json<PlanRequest>,
) -> Result<(StatusCode, Json<SavedPlan>), ApiError> {
    authorize(&who, Action::ManageFinance)?;
    let note = super::non_blank(req.note);
    let draft = BudgetPlan { version: 0, approved_on: req.approved_on, note: note.clone(), lines: req.lines };
    draft.validate().map_err(|e| ApiError::invalid(e.code(), e.to_string()))?;
    let actor = who.actor();
    let stored = match req.decision_id {
        Some(decision) => {
            crate::governance::passed_decision(&state, decision, lyhty_domain::DecisionKind::BudgetPlan, None).await?;
            state
                .store
                .add_decided_budget_plan(&actor, req.approved_on, note.as_deref(), &draft.lines, decision)
                .await?
        }
        None => state.store.add_budget_plan(&actor, req.approved_on, note.as_deref(), &draft.lines).await?,
    };
    Ok((StatusCode::CREATED, Json(SavedPlan { plan: plan_of(&stored), decision_id: stored.decision_id })))
}

/// The steering group's hourly rate with its history.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HourlyRatesView {
    /// The rate in force today.
    pub current_rate_cents: Option<Cents>,
    /// Oldest first.
    pub rates: Vec<HourlyRate>,
}

/// The cost-price hourly rate for personnel reimbursements, and its history.
#[utoipa::path(get, path = "/api/hourly-rates", tag = "spend", security(("bearer" = [])),
    responses((status = 200, body = HourlyRatesView), (status = 403, body = ErrorBody)))]
pub async fn list_rates(State(state): State<AppState>, who: AuthUser) -> Result<Json<HourlyRatesView>, ApiError> {
    authorize(&who, Action::ReadSpendReports)?;
    let rates = rates(&state).await?;
    Ok(Json(HourlyRatesView { current_rate_cents: lyhty_finance::rate_on(&rates, state.clock.today()), rates }))
}

/// Records a rate the steering group decided, in force from `valid_from`. A day's rate
/// is never rewritten; a change is a later rate.
#[utoipa::path(post, path = "/api/hourly-rates", tag = "spend", security(("bearer" = [])), request_body = HourlyRate,
    responses((status = 201, body = HourlyRate), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn add_rate(
    State(state): State<AppState>,
    who: AuthUser,
    Json(req): Json<HourlyRate>,
) -> Result<(StatusCode, Json<HourlyRate>), ApiError> {
    authorize(&who, Action::ManageFinance)?;
    if req.rate_cents.0 <= 0 || req.rate_cents.0 > 10_000_000 {
        return Err(ApiError::invalid("invalid_rate", "the hourly rate must be between 0,01 € and 100 000 €"));
    }
    let rate = HourlyRate { decision: super::non_blank(req.decision), ..req };
    let stored = state.store.add_hourly_rate(&who.actor(), &rate).await?;
    Ok((StatusCode::CREATED, Json(stored.rate)))
}

// --- reports ----------------------------------------------------------------------------------

/// Everything a report is computed from, loaded once.
struct Facts {
    plan: Option<BudgetPlan>,
    expenses: Vec<Expense>,
    invoices: Vec<IncomeInvoice>,
    payments: Vec<IncomePayment>,
    committed: Cents,
    term_end: NaiveDate,
    names: HashMap<OrgId, String>,
    /// Expelled parties: their payments are not returned (§17).
    expelled: HashSet<OrgId>,
}

impl Facts {
    fn input(&self) -> ReportInput<'_> {
        ReportInput {
            plan: self.plan.as_ref(),
            expenses: &self.expenses,
            invoices: &self.invoices,
            payments: &self.payments,
            committed_funding: self.committed,
            term_end: self.term_end,
            names: &self.names,
        }
    }
}

async fn facts(state: &AppState) -> Result<Facts, ApiError> {
    let model = current_model(state).await?;
    let orgs = state.store.list_orgs().await?;
    let committed = cost_shares(&model, &orgs, state.clock.today()).total_cents;
    let plan = plan_versions(state).await?.into_iter().last().map(|(_, p)| p);
    let expenses = state.store.list_expenses().await?.into_iter().map(|r| r.entry).collect();
    let stored = state.store.list_invoices(None).await?;
    let org_of: HashMap<_, _> = stored.iter().map(|i| (i.id, i.org_id)).collect();
    // Credit notes are stored with negative amounts, so they reduce what was invoiced.
    let mut invoices: Vec<IncomeInvoice> = stored
        .iter()
        .map(|i| IncomeInvoice {
            org_id: i.org_id,
            issue_date: i.issue_date,
            due_date: i.due_date,
            amount_cents: i.amount_cents,
        })
        .collect();
    let mut payments: Vec<IncomePayment> = state
        .store
        .list_payments(None)
        .await?
        .iter()
        .filter_map(|p| {
            org_of.get(&p.invoice_id).map(|org| IncomePayment {
                org_id: *org,
                paid_on: p.paid_on,
                amount_cents: p.amount_cents,
            })
        })
        .collect();
    // The coordinator's own contributions count as invoiced and paid on the run's day.
    for own in state.store.list_self_contributions().await? {
        invoices.push(IncomeInvoice {
            org_id: own.org_id,
            issue_date: own.paid_on,
            due_date: own.paid_on,
            amount_cents: own.amount_cents,
        });
        payments.push(IncomePayment { org_id: own.org_id, paid_on: own.paid_on, amount_cents: own.amount_cents });
    }
    let expelled = orgs.iter().filter(|o| o.status == OrgStatus::Expelled).map(|o| o.id).collect();
    let names = orgs.into_iter().map(|o| (o.id, o.name)).collect();
    Ok(Facts { plan, expenses, invoices, payments, committed, term_end: model.term_end, names, expelled })
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct FormatParams {
    /// `json` (default), `pdf` or `xlsx`.
    pub format: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Pdf,
    Xlsx,
}

fn format_of(raw: Option<&str>) -> Result<Format, ApiError> {
    match raw.map(str::to_ascii_lowercase).as_deref() {
        None | Some("json") => Ok(Format::Json),
        Some("pdf") => Ok(Format::Pdf),
        Some("xlsx") => Ok(Format::Xlsx),
        Some(_) => Err(ApiError::invalid("invalid_format", "format must be json, pdf or xlsx")),
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Writes a report as a document, given the party names.
type Renderer<T> = fn(&T, &HashMap<OrgId, String>) -> Result<Vec<u8>, String>;

/// Renders a report in the blocking pool (PDF and XLSX are CPU work).
async fn render<T: Serialize + Send + 'static>(
    state: &AppState,
    format: Format,
    report: T,
    file_stem: String,
    pdf: Renderer<T>,
    xlsx: Renderer<T>,
    names: HashMap<OrgId, String>,
) -> Result<Response, ApiError> {
    match format {
        Format::Json => Ok(Json(report).into_response()),
        Format::Pdf => {
            let bytes = state
                .run_blocking(move || pdf(&report, &names))
                .await?
                .map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
            Ok(download(&format!("{file_stem}.pdf"), "application/pdf", bytes))
        }
        Format::Xlsx => {
            let bytes = state
                .run_blocking(move || xlsx(&report, &names))
                .await?
                .map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
            Ok(download(&format!("{file_stem}.xlsx"), XLSX, bytes))
        }
    }
}

/// The party names a copy of a report may be written with: a party's copy knows only its
/// own (the other parties' rows are gone already; this keeps a name from slipping in).
fn names_for(scope: ReportScope, mut names: HashMap<OrgId, String>) -> HashMap<OrgId, String> {
    if let ReportScope::Party(org) = scope {
        names.retain(|id, _| *id == org);
    }
    names
}

fn check_year(year: i32) -> Result<(), ApiError> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(ApiError::invalid("invalid_year", "the year must be between 2000 and 2100"))
    }
}

/// The quarterly spend report: plan vs actual per category (quarter and cumulative),
/// income invoiced, paid and outstanding, funds available, burn rate, runway and the term
/// extension the remaining funding would buy, personnel reimbursements per organisation,
/// and the quarter's ledger entries. `?format=pdf|xlsx` for the documents with charts.
/// A party's users get their party's copy: only their own reimbursements and, of the
/// entries paid to parties, only those paid to them (`party_copy` is then true).
#[utoipa::path(get, path = "/api/reports/quarterly/{year}/{quarter}", tag = "spend", security(("bearer" = [])),
    params(("year" = i32, Path), ("quarter" = u8, Path, description = "1–4"), FormatParams),
    responses((status = 200, body = QuarterlyReport,
            description = "JSON, or with `format` a PDF (application/pdf) or a workbook (XLSX)"),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn quarterly(
    State(state): State<AppState>,
    who: AuthUser,
    Path((year, quarter)): Path<(i32, u8)>,
    Query(params): Query<FormatParams>,
) -> Result<Response, ApiError> {
    let scope = report_scope(&who)?;
    let format = format_of(params.format.as_deref())?;
    check_year(year)?;
    let q =
        Quarter::new(year, quarter).ok_or_else(|| ApiError::invalid("invalid_quarter", "the quarter must be 1–4"))?;
    let facts = facts(&state).await?;
    let report = quarterly_report(&facts.input(), q);
    let report = if let ReportScope::Party(org) = scope { report.for_party(org) } else { report };
    render(
        &state,
        format,
        report,
        format!("lyhty-neljannesvuosiraportti-{year}-Q{quarter}"),
        |r, n| report_pdf::quarterly_pdf(r, n).map_err(|e| e.to_string()),
        |r, n| report_xlsx::quarterly_xlsx(r, n).map_err(|e| e.to_string()),
        names_for(scope, facts.names),
    )
    .await
}

/// The annual project statement (§9.1) for a calendar year; a party's users get their
/// party's copy, as with the quarterly report.
#[utoipa::path(get, path = "/api/reports/annual/{year}", tag = "spend", security(("bearer" = [])),
    params(("year" = i32, Path), FormatParams),
    responses((status = 200, body = AnnualStatement,
            description = "JSON, or with `format` a PDF (application/pdf) or a workbook (XLSX)"),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn annual(
    State(state): State<AppState>,
    who: AuthUser,
    Path(year): Path<i32>,
    Query(params): Query<FormatParams>,
) -> Result<Response, ApiError> {
    let scope = report_scope(&who)?;
    let format = format_of(params.format.as_deref())?;
    check_year(year)?;
    let facts = facts(&state).await?;
    let statement = annual_statement(&facts.input(), year);
    let statement = if let ReportScope::Party(org) = scope { statement.for_party(org) } else { statement };
    render(
        &state,
        format,
        statement,
        format!("lyhty-hankelaskelma-{year}"),
        |a, n| report_pdf::annual_pdf(a, n).map_err(|e| e.to_string()),
        |a, n| report_xlsx::annual_xlsx(a, n).map_err(|e| e.to_string()),
        names_for(scope, facts.names),
    )
    .await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DissolutionParams {
    /// The cost of winding the study down, in cents (default 0).
    pub wind_down_cents: Option<i64>,
    /// `json` (default), `pdf` or `xlsx`.
    pub format: Option<String>,
}

/// What each party would get back if the network dissolved now (§9): the funding paid in
/// less what was spent and the wind-down cost, returned in proportion to what each party
/// paid, to the cent; nothing when 20 % of the original funding or less remains. An
/// expelled party is listed with a refund of zero and the others share the remainder (§17).
#[utoipa::path(get, path = "/api/reports/dissolution-preview", tag = "spend", security(("bearer" = [])),
    params(DissolutionParams),
    responses((status = 200, body = DissolutionPreview,
            description = "JSON, or with `format` a PDF (application/pdf) or a workbook (XLSX)"),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn dissolution(
    State(state): State<AppState>,
    who: AuthUser,
    Query(params): Query<DissolutionParams>,
) -> Result<Response, ApiError> {
    authorize(&who, Action::ReadSpendReports)?;
    let format = format_of(params.format.as_deref())?;
    let wind_down = params.wind_down_cents.unwrap_or(0);
    if !(0..=Cents::MAX_INPUT.0).contains(&wind_down) {
        return Err(ApiError::invalid(
            "invalid_amount",
            format!("wind_down_cents must be between 0 and {}", Cents::MAX_INPUT.0),
        ));
    }
    let facts = facts(&state).await?;
    let paid_in = paid_in_by_party(&facts.payments, &facts.names, &facts.expelled);
    let spent: Cents = facts.expenses.iter().map(|e| e.amount_cents).sum();
    let preview = dissolution_preview(facts.committed, &paid_in, spent, Cents(wind_down));
    render(
        &state,
        format,
        preview,
        "lyhty-palautuslaskelma".into(),
        |p, _| report_pdf::dissolution_pdf(p).map_err(|e| e.to_string()),
        |p, _| report_xlsx::dissolution_xlsx(p).map_err(|e| e.to_string()),
        HashMap::new(),
    )
    .await
}
