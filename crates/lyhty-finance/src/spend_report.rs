//! The quarterly spend report (§9.3, §13) and the annual project statement (§9.1).
//!
//! Inputs are plain facts: the budget plan in force, the ledger, and the income side as
//! invoices and payments (the store's invoices, credit notes as negative invoices, and the
//! coordinator's own booked contributions as an invoice and a payment on the same day).
//!
//! Definitions, so that a figure in the report can be checked by hand:
//! - **actual** of a quarter: the sum of the ledger entries dated in it, reversals
//!   included (a reversal counts in the quarter it is dated in); **cumulative**: every entry
//!   up to the quarter's last day, and every plan amount up to and including the quarter;
//! - **variance** = actual − plan (negative: spent less than planned);
//! - **income**: invoiced = invoices issued by the quarter's last day (credit notes
//!   negative), paid = payments received by then, outstanding = invoiced − paid, overdue =
//!   per party, what was due by then and is still unpaid;
//! - **funds available** = paid − spent (money in hand);
//! - **burn rate** = cumulative spend ÷ the months from the start of the first quarter of
//!   the plan (or of the first expense, if earlier) to the end of the reported quarter,
//!   rounded to the cent;
//! - **remaining funding** = committed funding (the cost-share total) − cumulative spend;
//! - **runway** = remaining funding ÷ burn rate, in months; the **projected end** is the
//!   last day of the month that many whole months after the quarter's end, and the **term
//!   extension** is how many months that is beyond the term's end (§9: if spending is below
//!   plan the study is extended rather than money returned).

use crate::ledger::{Expense, Hours, div_round};
use crate::plan::{BudgetPlan, ExpenseCategory, quarter_index, quarters_between};
use chrono::{Datelike, NaiveDate};
use lyhty_domain::{Cents, OrgId, Quarter};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// An invoice (or, with a negative amount, a credit note) as the reports see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeInvoice {
    pub org_id: OrgId,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount_cents: Cents,
}

/// Money received from a party.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomePayment {
    pub org_id: OrgId,
    pub paid_on: NaiveDate,
    pub amount_cents: Cents,
}

/// Everything a report is computed from.
#[derive(Clone, Copy, Debug)]
pub struct ReportInput<'a> {
    /// The plan version in force (`None` before the steering group approved one).
    pub plan: Option<&'a BudgetPlan>,
    pub expenses: &'a [Expense],
    pub invoices: &'a [IncomeInvoice],
    pub payments: &'a [IncomePayment],
    /// What the parties committed to pay for the term (the cost-share total).
    pub committed_funding: Cents,
    /// The agreement's term end (§6), for the term extension.
    pub term_end: NaiveDate,
    /// Party names for the reimbursement table (names are public facts).
    pub names: &'a HashMap<OrgId, String>,
}

/// Plan against actual for one category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CategoryLine {
    pub category: ExpenseCategory,
    pub plan_cents: Cents,
    pub actual_cents: Cents,
    /// actual − plan (negative: under plan).
    pub variance_cents: Cents,
    pub cumulative_plan_cents: Cents,
    pub cumulative_actual_cents: Cents,
    pub cumulative_variance_cents: Cents,
}

/// The same figures summed over the categories.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpendTotals {
    pub plan_cents: Cents,
    pub actual_cents: Cents,
    pub variance_cents: Cents,
    pub cumulative_plan_cents: Cents,
    pub cumulative_actual_cents: Cents,
    pub cumulative_variance_cents: Cents,
}

/// The income side, up to the report's last day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IncomeSummary {
    /// Invoiced by the period's end (credit notes deducted).
    pub invoiced_cents: Cents,
    /// Received by the period's end.
    pub paid_cents: Cents,
    /// invoiced − paid.
    pub outstanding_cents: Cents,
    /// Of the outstanding: past its due date at the period's end.
    pub overdue_cents: Cents,
    /// Invoiced within the period itself.
    pub period_invoiced_cents: Cents,
    /// Received within the period itself.
    pub period_paid_cents: Cents,
}

/// Personnel reimbursements to one party.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReimbursementLine {
    pub org_id: OrgId,
    pub name: String,
    /// In the period.
    pub hours: Hours,
    pub amount_cents: Cents,
    /// From the start, up to the period's end.
    pub cumulative_hours: Hours,
    pub cumulative_amount_cents: Cents,
}

/// One quarter of the plan's timeline, for the charts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimelinePoint {
    pub year: i32,
    pub quarter: u8,
    pub plan_cents: Cents,
    /// `None` for quarters after the reported one.
    pub actual_cents: Option<Cents>,
    pub cumulative_plan_cents: Cents,
    pub cumulative_actual_cents: Option<Cents>,
    /// Money received by the quarter's end.
    pub cumulative_paid_cents: Option<Cents>,
}

impl TimelinePoint {
    /// `Q1/2026`, as the steering group writes quarters.
    pub fn label(&self) -> String {
        format!("Q{}/{}", self.quarter, self.year)
    }
}

/// `GET /api/reports/quarterly/{year}/{quarter}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuarterlyReport {
    pub year: i32,
    pub quarter: u8,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The budget plan version compared against.
    pub plan_version: Option<u32>,
    pub categories: Vec<CategoryLine>,
    pub totals: SpendTotals,
    pub income: IncomeSummary,
    pub committed_funding_cents: Cents,
    /// paid − spent, at the quarter's end.
    pub funds_available_cents: Cents,
    pub burn_rate_cents_per_month: Cents,
    /// committed funding − spent.
    pub remaining_funding_cents: Cents,
    /// The plan after this quarter, for comparison with the remaining funding.
    pub remaining_plan_cents: Cents,
    /// remaining funding ÷ burn rate (one decimal); `None` while nothing has been spent.
    pub runway_months: Option<f64>,
    pub projected_end: Option<NaiveDate>,
    pub term_end: NaiveDate,
    /// Whole months by which the remaining funding at this pace would extend the term.
    pub term_extension_months: Option<u32>,
    pub reimbursements: Vec<ReimbursementLine>,
    pub timeline: Vec<TimelinePoint>,
    /// The quarter's ledger entries, reversals included, by date.
    pub entries: Vec<Expense>,
    /// A party's copy ([`QuarterlyReport::for_party`]): the other parties' reimbursements
    /// and the ledger entries paid to them are left out (they count in the category totals).
    #[serde(default)]
    pub party_copy: bool,
}

/// Whether a ledger entry may be shown to `org`: not a payment to another party.
fn payee_is_not_another_party(e: &Expense, org: OrgId) -> bool {
    e.payee_org_id.is_none_or(|payee| payee == org)
}

impl QuarterlyReport {
    /// The copy every party's users read (NETWORK.md, "Reporting to the parties"): the
    /// network's figures as they are, but of the reimbursements and the ledger entries paid
    /// to parties only `org`'s own. Per-party payment status is in neither report.
    pub fn for_party(mut self, org: OrgId) -> Self {
        self.reimbursements.retain(|l| l.org_id == org);
        self.entries.retain(|e| payee_is_not_another_party(e, org));
        self.party_copy = true;
        self
    }
}

impl AnnualStatement {
    /// The party's copy, as [`QuarterlyReport::for_party`].
    pub fn for_party(mut self, org: OrgId) -> Self {
        self.reimbursements.retain(|l| l.org_id == org);
        self.entries.retain(|e| payee_is_not_another_party(e, org));
        self.party_copy = true;
        self
    }
}

/// Plan against actual for one category over a calendar year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AnnualCategoryLine {
    pub category: ExpenseCategory,
    pub plan_cents: Cents,
    pub actual_cents: Cents,
    pub variance_cents: Cents,
}

/// `GET /api/reports/annual/{year}`: the project statement of §9.1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AnnualStatement {
    pub year: i32,
    pub plan_version: Option<u32>,
    /// Money in hand on 1 January (paid − spent before the year).
    pub opening_funds_cents: Cents,
    /// Received in the year.
    pub income: IncomeSummary,
    pub categories: Vec<AnnualCategoryLine>,
    pub plan_cents: Cents,
    pub spent_cents: Cents,
    pub variance_cents: Cents,
    /// opening funds + received − spent, on 31 December.
    pub closing_funds_cents: Cents,
    pub committed_funding_cents: Cents,
    /// The year's four quarters.
    pub quarters: Vec<TimelinePoint>,
    pub reimbursements: Vec<ReimbursementLine>,
    pub entries: Vec<Expense>,
    /// A party's copy ([`AnnualStatement::for_party`]).
    #[serde(default)]
    pub party_copy: bool,
}

fn spent_between(expenses: &[Expense], from: Option<NaiveDate>, to: NaiveDate, cat: Option<ExpenseCategory>) -> Cents {
    expenses
        .iter()
        .filter(|e| from.is_none_or(|f| e.date >= f) && e.date <= to && cat.is_none_or(|c| e.category == c))
        .map(|e| e.amount_cents)
        .sum()
}

fn plan_amount(plan: Option<&BudgetPlan>, q: Quarter, cat: ExpenseCategory) -> Cents {
    plan.map_or(Cents::ZERO, |p| p.amount(q, cat))
}

fn plan_up_to(plan: Option<&BudgetPlan>, q: Quarter, cat: Option<ExpenseCategory>) -> Cents {
    plan.map_or(Cents::ZERO, |p| {
        p.lines
            .iter()
            .filter(|l| {
                Quarter::new(l.year, l.quarter).is_some_and(|lq| lq <= q) && cat.is_none_or(|c| l.category == c)
            })
            .map(|l| l.amount_cents)
            .sum()
    })
}

fn income(input: &ReportInput, from: NaiveDate, to: NaiveDate) -> IncomeSummary {
    let invoiced: Cents = input.invoices.iter().filter(|i| i.issue_date <= to).map(|i| i.amount_cents).sum();
    let paid: Cents = input.payments.iter().filter(|p| p.paid_on <= to).map(|p| p.amount_cents).sum();
    // Overdue per party: what fell due by `to`, less everything the party has paid by then
    // (payments are not tied to invoices here; a party's earliest debts are paid first).
    // In i128 so that no mix of amounts can wrap (see `Cents`).
    let mut due: BTreeMap<OrgId, i128> = BTreeMap::new();
    for i in input.invoices.iter().filter(|i| i.issue_date <= to) {
        if i.due_date < to || i.amount_cents.0 < 0 {
            *due.entry(i.org_id).or_default() += i128::from(i.amount_cents.0);
        }
    }
    for p in input.payments.iter().filter(|p| p.paid_on <= to) {
        *due.entry(p.org_id).or_default() -= i128::from(p.amount_cents.0);
    }
    IncomeSummary {
        invoiced_cents: invoiced,
        paid_cents: paid,
        outstanding_cents: invoiced - paid,
        overdue_cents: Cents::saturating_from_i128(due.values().map(|v| (*v).max(0)).sum()),
        period_invoiced_cents: input
            .invoices
            .iter()
            .filter(|i| i.issue_date >= from && i.issue_date <= to)
            .map(|i| i.amount_cents)
            .sum(),
        period_paid_cents: input
            .payments
            .iter()
            .filter(|p| p.paid_on >= from && p.paid_on <= to)
            .map(|p| p.amount_cents)
            .sum(),
    }
}

fn reimbursements(input: &ReportInput, from: NaiveDate, to: NaiveDate) -> Vec<ReimbursementLine> {
    let mut by_org: BTreeMap<OrgId, (Hours, Cents, Hours, Cents)> = BTreeMap::new();
    for e in input.expenses.iter().filter(|e| e.category == ExpenseCategory::Personnel && e.date <= to) {
        let Some(org) = e.payee_org_id else { continue };
        let line = by_org.entry(org).or_default();
        let hours = e.hours.unwrap_or_default();
        line.2 = line.2 + hours;
        line.3 += e.amount_cents;
        if e.date >= from {
            line.0 = line.0 + hours;
            line.1 += e.amount_cents;
        }
    }
    let mut lines: Vec<ReimbursementLine> = by_org
        .into_iter()
        .map(|(org_id, (hours, amount, cum_hours, cum_amount))| ReimbursementLine {
            org_id,
            name: input.names.get(&org_id).cloned().unwrap_or_else(|| org_id.to_string()),
            hours,
            amount_cents: amount,
            cumulative_hours: cum_hours,
            cumulative_amount_cents: cum_amount,
        })
        .collect();
    lines.sort_by(|a, b| b.cumulative_amount_cents.cmp(&a.cumulative_amount_cents).then(a.name.cmp(&b.name)));
    lines
}

fn entries_between(expenses: &[Expense], from: NaiveDate, to: NaiveDate) -> Vec<Expense> {
    let mut entries: Vec<Expense> = expenses.iter().filter(|e| e.date >= from && e.date <= to).cloned().collect();
    entries.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    entries
}

/// The first quarter anything was planned or spent (the burn rate's start).
fn first_quarter(input: &ReportInput) -> Option<Quarter> {
    let plan_first = input.plan.and_then(|p| p.span()).map(|(f, _)| f);
    let spend_first = input.expenses.iter().map(|e| Quarter::of(e.date)).min();
    match (plan_first, spend_first) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn timeline(input: &ReportInput, first: Quarter, last: Quarter, reported: Quarter) -> Vec<TimelinePoint> {
    quarters_between(first, last)
        .into_iter()
        .map(|q| {
            let done = q <= reported;
            let end = q.last_day();
            TimelinePoint {
                year: q.year,
                quarter: q.quarter,
                plan_cents: input.plan.map_or(Cents::ZERO, |p| p.quarter_total(q)),
                actual_cents: done.then(|| spent_between(input.expenses, Some(q.first_day()), end, None)),
                cumulative_plan_cents: plan_up_to(input.plan, q, None),
                cumulative_actual_cents: done.then(|| spent_between(input.expenses, None, end, None)),
                cumulative_paid_cents: done
                    .then(|| input.payments.iter().filter(|p| p.paid_on <= end).map(|p| p.amount_cents).sum()),
            }
        })
        .collect()
}

/// The last day of the month `months` after the month of `day`.
fn month_end_after(day: NaiveDate, months: i64) -> Option<NaiveDate> {
    let index = i64::from(day.year()) * 12 + i64::from(day.month0()) + months + 1;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, u32::try_from(month0).ok()? + 1, 1)?.pred_opt()
}

fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (i64::from(to.year()) * 12 + i64::from(to.month0())) - (i64::from(from.year()) * 12 + i64::from(from.month0()))
}

/// The report for quarter `q`.
pub fn quarterly_report(input: &ReportInput, q: Quarter) -> QuarterlyReport {
    let (start, end) = (q.first_day(), q.last_day());
    let categories: Vec<CategoryLine> = ExpenseCategory::ALL
        .into_iter()
        .map(|c| {
            let plan = plan_amount(input.plan, q, c);
            let actual = spent_between(input.expenses, Some(start), end, Some(c));
            let cumulative_plan = plan_up_to(input.plan, q, Some(c));
            let cumulative_actual = spent_between(input.expenses, None, end, Some(c));
            CategoryLine {
                category: c,
                plan_cents: plan,
                actual_cents: actual,
                variance_cents: actual - plan,
                cumulative_plan_cents: cumulative_plan,
                cumulative_actual_cents: cumulative_actual,
                cumulative_variance_cents: cumulative_actual - cumulative_plan,
            }
        })
        .collect();
    let totals = SpendTotals {
        plan_cents: categories.iter().map(|c| c.plan_cents).sum(),
        actual_cents: categories.iter().map(|c| c.actual_cents).sum(),
        variance_cents: categories.iter().map(|c| c.variance_cents).sum(),
        cumulative_plan_cents: categories.iter().map(|c| c.cumulative_plan_cents).sum(),
        cumulative_actual_cents: categories.iter().map(|c| c.cumulative_actual_cents).sum(),
        cumulative_variance_cents: categories.iter().map(|c| c.cumulative_variance_cents).sum(),
    };
    let income = income(input, start, end);
    let spent = totals.cumulative_actual_cents;
    let first = first_quarter(input).map_or(q, |f| f.min(q));
    let months = (quarter_index(q) - quarter_index(first) + 1) * 3;
    let burn = Cents(div_round(i128::from(spent.0.max(0)), i128::from(months)));
    let remaining_funding = input.committed_funding - spent;
    let (runway, projected_end, extension) = if burn.0 > 0 {
        let runway = (remaining_funding.0.max(0) as f64 / burn.0 as f64 * 10.0).round() / 10.0;
        let whole = remaining_funding.0.max(0) / burn.0;
        let projected = month_end_after(end, whole);
        let extension = projected.map(|p| u32::try_from(months_between(input.term_end, p).max(0)).unwrap_or(0));
        (Some(runway), projected, extension)
    } else {
        (None, None, None)
    };
    let last = input.plan.and_then(|p| p.span()).map_or(q, |(_, l)| l.max(q));
    let remaining_plan = input.plan.map_or(Cents::ZERO, |p| p.total()) - plan_up_to(input.plan, q, None);
    QuarterlyReport {
        year: q.year,
        quarter: q.quarter,
        period_start: start,
        period_end: end,
        plan_version: input.plan.map(|p| p.version),
        categories,
        totals,
        funds_available_cents: income.paid_cents - spent,
        income,
        committed_funding_cents: input.committed_funding,
        burn_rate_cents_per_month: burn,
        remaining_funding_cents: remaining_funding,
        remaining_plan_cents: remaining_plan,
        runway_months: runway,
        projected_end,
        term_end: input.term_end,
        term_extension_months: extension,
        reimbursements: reimbursements(input, start, end),
        timeline: timeline(input, first, last, q),
        entries: entries_between(input.expenses, start, end),
        party_copy: false,
    }
}

/// The project statement for calendar year `year`.
pub fn annual_statement(input: &ReportInput, year: i32) -> AnnualStatement {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let quarters: Vec<Quarter> = (1..=4).filter_map(|n| Quarter::new(year, n)).collect();
    let categories: Vec<AnnualCategoryLine> = ExpenseCategory::ALL
        .into_iter()
        .map(|c| {
            let plan: Cents = quarters.iter().map(|q| plan_amount(input.plan, *q, c)).sum();
            let actual = spent_between(input.expenses, Some(start), end, Some(c));
            AnnualCategoryLine { category: c, plan_cents: plan, actual_cents: actual, variance_cents: actual - plan }
        })
        .collect();
    let before = start.pred_opt().unwrap_or(start);
    let paid_before: Cents = input.payments.iter().filter(|p| p.paid_on <= before).map(|p| p.amount_cents).sum();
    let opening = paid_before - spent_between(input.expenses, None, before, None);
    let income = income(input, start, end);
    let spent: Cents = categories.iter().map(|c| c.actual_cents).sum();
    let plan: Cents = categories.iter().map(|c| c.plan_cents).sum();
    let last_reported = Quarter::new(year, 4).unwrap_or(Quarter { year, quarter: 4 });
    AnnualStatement {
        year,
        plan_version: input.plan.map(|p| p.version),
        opening_funds_cents: opening,
        closing_funds_cents: opening + income.period_paid_cents - spent,
        income,
        categories,
        plan_cents: plan,
        spent_cents: spent,
        variance_cents: spent - plan,
        committed_funding_cents: input.committed_funding,
        quarters: timeline(input, quarters[0], last_reported, last_reported),
        reimbursements: reimbursements(input, start, end),
        entries: entries_between(input.expenses, start, end),
        party_copy: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn month_ends() {
        assert_eq!(month_end_after(d(2026, 3, 31), 11), Some(d(2027, 2, 28)));
        assert_eq!(month_end_after(d(2026, 3, 31), 0), Some(d(2026, 3, 31)));
        assert_eq!(month_end_after(d(2026, 12, 31), 2), Some(d(2027, 2, 28)));
        assert_eq!(months_between(d(2026, 12, 31), d(2028, 9, 30)), 21);
    }

    #[test]
    fn an_empty_ledger_reports_zeros_and_no_runway() {
        let names = HashMap::new();
        let input = ReportInput {
            plan: None,
            expenses: &[],
            invoices: &[],
            payments: &[],
            committed_funding: Cents(100),
            term_end: d(2026, 12, 31),
            names: &names,
        };
        let r = quarterly_report(&input, Quarter::new(2026, 1).unwrap());
        assert_eq!((r.totals.actual_cents, r.funds_available_cents, r.runway_months), (Cents(0), Cents(0), None));
        assert_eq!(r.categories.len(), 9);
        assert_eq!(r.timeline.len(), 1);
        let a = annual_statement(&input, 2026);
        assert_eq!(a.quarters.len(), 4);
    }

    #[test]
    fn a_partys_copy_keeps_its_own_reimbursements_and_the_suppliers_only() {
        let (own, other) = (OrgId::new(), OrgId::new());
        let names = HashMap::from([(own, "Kela".to_string()), (other, "Oulun yliopisto".to_string())]);
        let entry = |payee_org_id: Option<OrgId>, category, cents| Expense {
            id: lyhty_domain::ExpenseId::new(),
            date: d(2026, 2, 10),
            category,
            amount_cents: Cents(cents),
            description: "x".into(),
            payee_org_id,
            payee: payee_org_id.is_none().then(|| "Toimittaja Oy".to_string()),
            hours: payee_org_id.map(|_| Hours(1_000)),
            rate_cents: payee_org_id.map(|_| Cents(cents / 10)),
            document_ref: None,
            reverses: None,
        };
        let expenses = [
            entry(Some(own), ExpenseCategory::Personnel, 95_000),
            entry(Some(other), ExpenseCategory::Personnel, 123_500),
            entry(None, ExpenseCategory::Legal, 248_000),
        ];
        let input = ReportInput {
            plan: None,
            expenses: &expenses,
            invoices: &[],
            payments: &[],
            committed_funding: Cents(1_000_000),
            term_end: d(2026, 12, 31),
            names: &names,
        };
        let full = quarterly_report(&input, Quarter::new(2026, 1).unwrap());
        assert_eq!((full.reimbursements.len(), full.entries.len(), full.party_copy), (2, 3, false));
        let copy = full.clone().for_party(own);
        assert!(copy.party_copy);
        assert_eq!(copy.reimbursements.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["Kela"]);
        let amounts: Vec<i64> = copy.entries.iter().map(|e| e.amount_cents.0).collect();
        assert_eq!(amounts.len(), 2);
        assert!(amounts.contains(&95_000) && amounts.contains(&248_000));
        // The network's totals are the same in both copies.
        assert_eq!((copy.totals, copy.categories), (full.totals, full.categories));
        let annual = annual_statement(&input, 2026).for_party(other);
        assert_eq!(annual.reimbursements.iter().map(|l| l.org_id).collect::<Vec<_>>(), [other]);
        assert!(annual.entries.iter().all(|e| e.payee_org_id != Some(own)));
        assert_eq!(annual.spent_cents, Cents(466_500));
    }
}
