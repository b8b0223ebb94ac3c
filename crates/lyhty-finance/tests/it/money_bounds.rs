//! The largest amounts the API lets in (`Cents::MAX_INPUT` each) go through every finance
//! computation without overflow: cost shares and their total, an invoice run, payments, the
//! ledger, the quarterly report and the dissolution preview all give the exact figures an
//! `i128` hand computation gives, for networks far larger than the real one.

use crate::common::{business_id, config, d, org};
use chrono::NaiveDate;
use lyhty_domain::{Cents, ExpenseId, OrgCategory, OrgId, Quarter};
use lyhty_finance::dissolution::{PaidIn, dissolution_preview};
use lyhty_finance::invoicing::plan_invoice_run;
use lyhty_finance::ledger::Expense;
use lyhty_finance::plan::{BudgetPlan, ExpenseCategory, PlanLine};
use lyhty_finance::spend_report::{IncomeInvoice, IncomePayment, ReportInput, quarterly_report};
use lyhty_finance::{CostShareModel, cost_shares};
use proptest::prelude::*;
use std::collections::HashMap;

const MAX: i64 = Cents::MAX_INPUT.0;

fn exact(amounts: impl IntoIterator<Item = Cents>) -> i128 {
    amounts.into_iter().map(|c| i128::from(c.0)).sum()
}

fn expense(date: NaiveDate, amount: i64) -> Expense {
    Expense {
        id: ExpenseId::new(),
        date,
        category: ExpenseCategory::PurchasedServices,
        amount_cents: Cents(amount),
        description: "maximal".into(),
        payee_org_id: None,
        payee: None,
        hours: None,
        rate_cents: None,
        document_ref: None,
        reverses: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn maximal_amounts_add_up_exactly_through_shares_invoices_reports_and_dissolution(
        parties in 1usize..400,
        near_max in 0i64..1_000,
        entries in 1usize..2_000,
    ) {
        let amount = MAX - near_max;
        // Parties whose share is set by the coordinator to the largest amount allowed, each
        // with the largest budget allowed.
        let orgs: Vec<_> = (0..parties)
            .map(|i| {
                let mut o = org(&format!("Seurakunta {i}"), OrgCategory::Parish, business_id(i as u32 + 1), d(2025, 8, 1));
                o.cost_share_cents = Some(Cents(amount));
                o.annual_budget_cents = Some(Cents(MAX));
                o
            })
            .collect();
        let model = CostShareModel::seeded();
        let table = cost_shares(&model, &orgs, d(2025, 9, 1));
        let shares: Vec<Cents> = table.parties.iter().map(|p| p.share_cents).collect();
        prop_assert!(shares.iter().all(|s| *s == Cents(amount)));
        prop_assert_eq!(i128::from(table.total_cents.0), exact(shares.iter().copied()));
        prop_assert!(table.coverage.is_finite());

        // Both instalments, billed at once, add back up to each share to the cent.
        let run = plan_invoice_run(&model, &config(), &orgs, &[], 2, d(2026, 1, 9), true)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(run.invoices.len(), parties);
        for inv in &run.invoices {
            prop_assert_eq!(inv.amount, Cents(amount));
            prop_assert_eq!(exact(inv.lines.iter().map(|l| l.amount)), i128::from(amount));
        }

        // Every party invoiced and paid in full; the ledger full of maximal entries.
        let invoices: Vec<IncomeInvoice> = run
            .invoices
            .iter()
            .map(|i| IncomeInvoice { org_id: i.org_id, issue_date: i.issue_date, due_date: i.due_date, amount_cents: i.amount })
            .collect();
        let payments: Vec<IncomePayment> =
            invoices.iter().map(|i| IncomePayment { org_id: i.org_id, paid_on: d(2026, 2, 1), amount_cents: i.amount_cents }).collect();
        let expenses: Vec<Expense> = (0..entries).map(|i| expense(d(2026, 1, 1 + (i % 28) as u32), amount)).collect();
        let plan = BudgetPlan {
            version: 1,
            approved_on: d(2025, 9, 1),
            note: None,
            lines: vec![PlanLine { year: 2026, quarter: 1, category: ExpenseCategory::PurchasedServices, amount_cents: Cents(MAX) }],
        };
        let names: HashMap<OrgId, String> = HashMap::new();
        let input = ReportInput {
            plan: Some(&plan),
            expenses: &expenses,
            invoices: &invoices,
            payments: &payments,
            committed_funding: table.total_cents,
            term_end: d(2026, 12, 31),
            names: &names,
        };
        let report = quarterly_report(&input, Quarter { year: 2026, quarter: 1 });
        let spent = exact(expenses.iter().map(|e| e.amount_cents));
        let paid = exact(payments.iter().map(|p| p.amount_cents));
        prop_assert_eq!(i128::from(report.totals.actual_cents.0), spent);
        prop_assert_eq!(i128::from(report.income.invoiced_cents.0), paid);
        prop_assert_eq!(i128::from(report.income.paid_cents.0), paid);
        prop_assert_eq!(report.income.outstanding_cents, Cents::ZERO);
        prop_assert_eq!(i128::from(report.funds_available_cents.0), paid - spent);
        prop_assert_eq!(i128::from(report.remaining_funding_cents.0), i128::from(table.total_cents.0) - spent);
        prop_assert_eq!(i128::from(report.totals.variance_cents.0), spent - i128::from(MAX));

        // Dissolution: what was paid less what was spent and a maximal wind-down, shared out
        // to the cent.
        let paid_in: Vec<PaidIn> = invoices
            .iter()
            .map(|i| PaidIn { org_id: i.org_id, name: String::new(), paid_cents: i.amount_cents, expelled: false })
            .collect();
        let preview = dissolution_preview(table.total_cents, &paid_in, Cents(i64::try_from(spent).unwrap()), Cents(MAX));
        let remaining = paid - spent - i128::from(MAX);
        prop_assert_eq!(i128::from(preview.remaining_cents.0), remaining);
        prop_assert_eq!(exact(preview.refunds.iter().map(|r| r.refund_cents)), if preview.refund { remaining } else { 0 });
    }
}
