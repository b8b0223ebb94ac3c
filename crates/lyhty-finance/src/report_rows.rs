//! What the two forms of the spend reports share: the plan-vs-actual rows per cost
//! category with their total, the payee of a ledger entry as a person reads it, and the
//! colours of the chart series.
//!
//! [`report_xlsx`](crate::report_xlsx) writes these as cells and
//! [`report_pdf`](crate::report_pdf) draws them, so a workbook and a PDF of the same
//! report show the same rows in the same order and colour the same series alike.

use crate::ledger::Expense;
use crate::spend_report::{AnnualStatement, QuarterlyReport};
use lyhty_domain::{Cents, Lang, OrgId};
use std::collections::HashMap;

/// Planned amounts in the charts.
pub(crate) const PLAN_COLOUR: &str = "#9DB9D3";
/// Actual spend.
pub(crate) const ACTUAL_COLOUR: &str = "#1F4E79";
/// Money received.
pub(crate) const FUNDS_COLOUR: &str = "#2E7D32";
/// The committed funding, a horizontal line.
pub(crate) const COMMITTED_COLOUR: &str = "#C55A11";

/// The plan-vs-actual table: a row per cost category (its Finnish name, then the
/// amounts) and the total of each amount column.
pub(crate) struct CategoryTable {
    pub(crate) rows: Vec<(String, Vec<Cents>)>,
    pub(crate) total: Vec<Cents>,
}

impl CategoryTable {
    /// The quarter, then the term so far: plan, actual, variance, and the same cumulated.
    pub(crate) fn quarterly(r: &QuarterlyReport) -> Self {
        let rows = r
            .categories
            .iter()
            .map(|c| {
                let values = vec![
                    c.plan_cents,
                    c.actual_cents,
                    c.variance_cents,
                    c.cumulative_plan_cents,
                    c.cumulative_actual_cents,
                    c.cumulative_variance_cents,
                ];
                (c.category.label(Lang::Fi).to_string(), values)
            })
            .collect();
        let t = &r.totals;
        let total = vec![
            t.plan_cents,
            t.actual_cents,
            t.variance_cents,
            t.cumulative_plan_cents,
            t.cumulative_actual_cents,
            t.cumulative_variance_cents,
        ];
        Self { rows, total }
    }

    /// The year: plan, actual, variance.
    pub(crate) fn annual(a: &AnnualStatement) -> Self {
        let rows = a
            .categories
            .iter()
            .map(|c| (c.category.label(Lang::Fi).to_string(), vec![c.plan_cents, c.actual_cents, c.variance_cents]))
            .collect();
        Self { rows, total: vec![a.plan_cents, a.spent_cents, a.variance_cents] }
    }
}

/// The line a party's copy of a report carries (NETWORK.md, "Reporting to the parties").
pub(crate) const PARTY_COPY_NOTE: &str = "Osapuolen kappale: muiden osapuolten tuntikorvaukset ja niille maksetut \
     kirjaukset sisältyvät vain kustannuslajien summiin.";

/// The payee as a person reads it: the party's name, or the supplier's.
pub(crate) fn payee_name(e: &Expense, names: &HashMap<OrgId, String>) -> String {
    match (e.payee_org_id, &e.payee) {
        (Some(org), _) => names.get(&org).cloned().unwrap_or_else(|| org.to_string()),
        (None, Some(p)) => p.clone(),
        (None, None) => String::new(),
    }
}
