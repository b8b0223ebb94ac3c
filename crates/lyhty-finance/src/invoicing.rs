//! Planning an instalment invoice run (§9.4).
//!
//! A run for instalment N on an issue date plans one invoice for every liable party that
//! has not been billed instalment N yet. The plan is pure: the store numbers and saves the
//! invoices in one transaction, so running the same plan twice creates nothing new.
//!
//! What the agreement and `FINANCE.md` ask, and how it is done here:
//! - Each share is paid in equal instalments, the odd cent in the first
//!   ([`Cents::split_even`]).
//! - A run bills every instalment up to N that a party has not been billed yet, in one
//!   invoice with one line each. So a party that joins in 2025 after instalment 1 was run
//!   gets its instalment-1 invoice on the next run of instalment 1, and instalment 2 with
//!   everyone else; a party that joins in 2026 gets both instalments at once, in one invoice
//!   with two lines (§9.4: "laskutetaan molemmat erät samalla kerralla").
//! - Due date = issue date + payment term, moved forward to the start of the instalment's
//!   window if it is earlier. If it falls after the window, the run is refused
//!   (`outside_instalment_window`) unless the coordinator overrides it.
//! - Terminated and expelled parties stay liable for the term (§17) and are billed.
//! - A pending party (its accession not yet decided, §1.1) is not invoiced: it is listed in
//!   `skipped` with `accession_pending`, and the first run after the decision bills it.
//! - Represented organisations are never invoiced (their representative's share covers
//!   them).
//! - The coordinator is a paying party but does not invoice itself: its instalments are
//!   booked as its own contribution, paid on the issue date.
//! - A party whose share cannot be computed yet (no override for a parish, no budget for a
//!   county) is listed in `skipped` with the reason, and the rest of the run goes ahead;
//!   the next run picks it up once fixed.

use crate::model::{CostShareModel, ModelError};
use crate::seller::{InvoiceParty, InvoicingConfig};
use crate::shares::{Problem, share_for};
use chrono::{Days, NaiveDate};
use lyhty_domain::{Cents, Org, OrgId};
use serde::{Deserialize, Serialize};

/// Instalments already billed to a party: an invoice, or the coordinator's own
/// contribution. A fully credited invoice no longer counts, so a corrected invoice can be
/// issued by running again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Billed {
    pub org_id: OrgId,
    pub instalments: Vec<u8>,
    /// True when the invoice has been credited in full.
    pub cancelled: bool,
}

/// One line of a planned invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlannedLine {
    pub instalment: u8,
    pub amount: Cents,
}

/// An invoice the run will create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlannedInvoice {
    pub org_id: OrgId,
    pub buyer: InvoiceParty,
    pub lines: Vec<PlannedLine>,
    pub amount: Cents,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub payment_term_days: u32,
    pub instalment_count: u8,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

impl PlannedInvoice {
    pub fn instalments(&self) -> Vec<u8> {
        self.lines.iter().map(|l| l.instalment).collect()
    }
}

/// The coordinator's own instalments, booked as paid on the issue date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SelfContribution {
    pub org_id: OrgId,
    pub instalments: Vec<u8>,
    pub amount: Cents,
    pub paid_on: NaiveDate,
}

impl SelfContribution {
    /// The amount booked for each of the instalments, split evenly to the cent (the
    /// earlier instalments take the odd cents), so the parts add up to `amount`.
    pub fn per_instalment(&self) -> Vec<(u8, Cents)> {
        let parts = self.amount.split_even(u32::try_from(self.instalments.len()).unwrap_or(1).max(1));
        self.instalments.iter().copied().zip(parts).collect()
    }
}

/// A party the run could not bill, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SkippedParty {
    pub org_id: OrgId,
    pub name: String,
    pub problem: Problem,
}

/// What a run will do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RunPlan {
    pub instalment: u8,
    pub model_version: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// True when the coordinator overrode the window and the due date lies outside it.
    pub outside_window: bool,
    pub invoices: Vec<PlannedInvoice>,
    pub self_contributions: Vec<SelfContribution>,
    pub skipped: Vec<SkippedParty>,
}

impl RunPlan {
    /// Nothing to create: the run was already made.
    pub fn is_empty(&self) -> bool {
        self.invoices.is_empty() && self.self_contributions.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("the cost-share model has no instalment {0}")]
    UnknownInstalment(u8),
    #[error(
        "instalment {instalment} must fall due between {from} and {to}; issued on {issue_date} with a {term_days}-day term it would fall due on {due_date}. Choose another issue date or override the window"
    )]
    OutsideInstalmentWindow {
        instalment: u8,
        issue_date: NaiveDate,
        due_date: NaiveDate,
        term_days: u32,
        from: NaiveDate,
        to: NaiveDate,
    },
    #[error("the due date is out of the calendar's range")]
    DateRange,
    #[error(transparent)]
    Model(#[from] ModelError),
}

impl RunError {
    /// Stable code for the API: `outside_instalment_window` is a 409 (try another date or
    /// override), the rest 422.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownInstalment(_) => "unknown_instalment",
            Self::OutsideInstalmentWindow { .. } => "outside_instalment_window",
            Self::DateRange => "invalid_date",
            Self::Model(e) => e.code(),
        }
    }
}

/// Plans the run of `instalment` on `issue_date`. See the module documentation.
pub fn plan_invoice_run(
    model: &CostShareModel,
    config: &InvoicingConfig,
    orgs: &[Org],
    existing: &[Billed],
    instalment: u8,
    issue_date: NaiveDate,
    override_window: bool,
) -> Result<RunPlan, RunError> {
    model.validate()?;
    let window = model.window(instalment).ok_or(RunError::UnknownInstalment(instalment))?;
    let term_days = config.payment_term_days.unwrap_or(model.payment_term_days);
    let natural_due = issue_date.checked_add_days(Days::new(u64::from(term_days))).ok_or(RunError::DateRange)?;
    // The window sets the earliest due date ("at the earliest at the turn of August and
    // September"), so an early run simply gives more time to pay.
    let due_date = natural_due.max(window.due_from);
    let outside_window = due_date > window.due_to;
    if outside_window && !override_window {
        return Err(RunError::OutsideInstalmentWindow {
            instalment,
            issue_date,
            due_date,
            term_days,
            from: window.due_from,
            to: window.due_to,
        });
    }

    let count = model.instalment_count();
    let count_u8 = u8::try_from(count).unwrap_or(u8::MAX);
    let mut plan = RunPlan {
        instalment,
        model_version: model.version.clone(),
        issue_date,
        due_date,
        outside_window,
        invoices: Vec::new(),
        self_contributions: Vec::new(),
        skipped: Vec::new(),
    };

    for org in orgs {
        // Not a party yet on the issue date: the run after it joins will bill it.
        if org.joined_on > issue_date || org.represented_by.is_some() {
            continue;
        }
        // §1.1: invoiced only once the steering group has accepted the accession; the run
        // after the decision bills every instalment due by then.
        if org.is_pending() {
            let problem = Problem {
                code: "accession_pending".into(),
                message: "the steering group has not decided the accession yet".into(),
            };
            plan.skipped.push(SkippedParty { org_id: org.id, name: org.name.clone(), problem });
            continue;
        }
        let share = match share_for(org, model) {
            Ok(s) => s,
            Err(e) => {
                let problem = Problem { code: e.code().into(), message: e.to_string() };
                plan.skipped.push(SkippedParty { org_id: org.id, name: org.name.clone(), problem });
                continue;
            }
        };
        if !share.liable {
            continue;
        }
        let parts = share.share.split_even(count);
        let lines: Vec<PlannedLine> = (1..=instalment)
            .filter(|n| !already_billed(existing, org.id, *n))
            .filter_map(|n| parts.get(usize::from(n) - 1).map(|amount| PlannedLine { instalment: n, amount: *amount }))
            .filter(|l| l.amount.0 > 0)
            .collect();
        if lines.is_empty() {
            continue;
        }
        let amount: Cents = lines.iter().map(|l| l.amount).sum();
        if org.business_id == config.seller.business_id {
            plan.self_contributions.push(SelfContribution {
                org_id: org.id,
                instalments: lines.iter().map(|l| l.instalment).collect(),
                amount,
                paid_on: issue_date,
            });
            continue;
        }
        plan.invoices.push(PlannedInvoice {
            org_id: org.id,
            buyer: InvoiceParty::from_org(org),
            lines,
            amount,
            issue_date,
            due_date,
            payment_term_days: term_days,
            instalment_count: count_u8,
            period_start: model.term_start,
            period_end: model.term_end,
        });
    }
    Ok(plan)
}

fn already_billed(existing: &[Billed], org: OrgId, instalment: u8) -> bool {
    existing.iter().any(|b| b.org_id == org && !b.cancelled && b.instalments.contains(&instalment))
}

/// What a plan leaves billed, for feeding the next run (and for tests): the store builds
/// the same list from its invoices and bookings.
pub fn billed_by(plan: &RunPlan) -> Vec<Billed> {
    plan.invoices
        .iter()
        .map(|i| Billed { org_id: i.org_id, instalments: i.instalments(), cancelled: false })
        .chain(plan.self_contributions.iter().map(|s| Billed {
            org_id: s.org_id,
            instalments: s.instalments.clone(),
            cancelled: false,
        }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shares::tests::org;

    #[test]
    fn own_contribution_is_split_over_its_instalments_to_the_cent() {
        let day = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        let own =
            SelfContribution { org_id: OrgId::new(), instalments: vec![1, 2, 3], amount: Cents(100_001), paid_on: day };
        let parts = own.per_instalment();
        assert_eq!(parts.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(parts.iter().map(|(_, c)| *c).sum::<Cents>(), Cents(100_001));
        assert!(parts.iter().all(|(_, c)| (33_333..=33_334).contains(&c.0)));
    }
    use lyhty_domain::iban::Iban;
    use lyhty_domain::{BusinessId, OrgCategory, OrgStatus};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn config() -> InvoicingConfig {
        InvoicingConfig::valtori(Iban::parse("FI2112345600000785").unwrap(), "NDEAFIHH")
    }

    #[test]
    fn odd_cent_goes_to_the_first_instalment() {
        let m = CostShareModel::seeded();
        let odd = Org { cost_share_cents: Some(Cents(1_000_001)), ..org("Seurakunta", OrgCategory::Parish) };
        let p1 = plan_invoice_run(&m, &config(), std::slice::from_ref(&odd), &[], 1, d(2025, 9, 5), false).unwrap();
        assert_eq!(p1.invoices[0].amount, Cents(500_001));
        assert_eq!(p1.due_date, d(2025, 9, 26));
        let p2 = plan_invoice_run(&m, &config(), &[odd], &billed_by(&p1), 2, d(2026, 1, 10), false).unwrap();
        assert_eq!(p2.invoices[0].amount, Cents(500_000));
        assert_eq!(p2.invoices[0].instalments(), vec![2]);
    }

    #[test]
    fn early_run_moves_due_date_into_the_window_and_late_run_is_refused() {
        let m = CostShareModel::seeded();
        let orgs = [org("Kela", OrgCategory::Kela)];
        let early = plan_invoice_run(&m, &config(), &orgs, &[], 1, d(2025, 8, 1), false).unwrap();
        assert_eq!(early.due_date, d(2025, 9, 1));
        let late = plan_invoice_run(&m, &config(), &orgs, &[], 1, d(2025, 12, 15), false).unwrap_err();
        assert_eq!(late.code(), "outside_instalment_window");
        assert!(late.to_string().contains("2026-01-05"), "{late}");
        let forced = plan_invoice_run(&m, &config(), &orgs, &[], 1, d(2025, 12, 15), true).unwrap();
        assert!(forced.outside_window);
        assert_eq!(forced.due_date, d(2026, 1, 5));
        assert_eq!(
            plan_invoice_run(&m, &config(), &orgs, &[], 3, d(2025, 9, 1), false).unwrap_err().code(),
            "unknown_instalment"
        );
    }

    #[test]
    fn rerun_is_idempotent_and_credit_reopens() {
        let m = CostShareModel::seeded();
        let orgs = [org("Kela", OrgCategory::Kela)];
        let p = plan_invoice_run(&m, &config(), &orgs, &[], 1, d(2025, 9, 5), false).unwrap();
        assert_eq!(p.invoices.len(), 1);
        let mut billed = billed_by(&p);
        assert!(plan_invoice_run(&m, &config(), &orgs, &billed, 1, d(2025, 9, 6), false).unwrap().is_empty());
        billed[0].cancelled = true;
        assert_eq!(plan_invoice_run(&m, &config(), &orgs, &billed, 1, d(2025, 9, 6), false).unwrap().invoices.len(), 1);
    }

    #[test]
    fn coordinator_books_its_own_contribution_and_represented_are_never_billed() {
        let m = CostShareModel::seeded();
        let valtori =
            Org { business_id: BusinessId::parse("2574261-7").unwrap(), ..org("Valtori", OrgCategory::State) };
        let agency = Org { represented_by: Some(valtori.id), ..org("Tilastokeskus", OrgCategory::State) };
        let gone = Org {
            status: OrgStatus::Expelled,
            status_effective_on: Some(d(2025, 10, 1)),
            ..org("Kela", OrgCategory::Kela)
        };
        let parish = org("Seurakunta", OrgCategory::Parish);
        let p = plan_invoice_run(
            &m,
            &config(),
            &[valtori.clone(), agency, gone.clone(), parish],
            &[],
            1,
            d(2025, 9, 5),
            false,
        )
        .unwrap();
        assert_eq!(
            p.self_contributions,
            vec![SelfContribution {
                org_id: valtori.id,
                instalments: vec![1],
                amount: Cents::euros(200_000),
                paid_on: d(2025, 9, 5)
            }]
        );
        assert_eq!(p.invoices.len(), 1);
        assert_eq!(p.invoices[0].org_id, gone.id);
        assert_eq!(p.skipped[0].problem.code, "share_override_required");
    }

    #[test]
    fn a_due_date_on_the_last_day_of_the_window_is_inside_it() {
        let m = CostShareModel::seeded();
        let orgs = [org("Kela", OrgCategory::Kela)];
        // 10.12. + 21 days = 31.12., the window's last day: allowed without an override.
        let last = plan_invoice_run(&m, &config(), &orgs, &[], 1, d(2025, 12, 10), false).unwrap();
        assert_eq!((last.due_date, last.outside_window), (d(2025, 12, 31), false));
        assert!(!last.is_empty());
        let after = plan_invoice_run(&m, &config(), &orgs, &[], 1, d(2025, 12, 11), false).unwrap_err();
        assert_eq!(after.code(), "outside_instalment_window");
    }

    #[test]
    fn a_party_is_billed_from_the_day_it_joins() {
        let m = CostShareModel::seeded();
        let day = d(2025, 9, 5);
        let joins_today = Org { joined_on: day, ..org("Kela", OrgCategory::Kela) };
        let joins_tomorrow = Org { joined_on: d(2025, 9, 6), ..org("Aalto", OrgCategory::University) };
        let p = plan_invoice_run(&m, &config(), &[joins_today.clone(), joins_tomorrow], &[], 1, day, false).unwrap();
        assert_eq!(p.invoices.iter().map(|i| i.org_id).collect::<Vec<_>>(), vec![joins_today.id]);
        assert!(p.skipped.is_empty());
    }

    #[test]
    fn a_zero_cent_instalment_is_not_invoiced() {
        // One cent over two instalments: 1 + 0. The second run has nothing to bill.
        let m = CostShareModel::seeded();
        let tiny = Org { cost_share_cents: Some(Cents(1)), ..org("Seurakunta", OrgCategory::Parish) };
        let p1 = plan_invoice_run(&m, &config(), std::slice::from_ref(&tiny), &[], 1, d(2025, 9, 5), false).unwrap();
        assert_eq!(p1.invoices[0].lines, vec![PlannedLine { instalment: 1, amount: Cents(1) }]);
        let p2 = plan_invoice_run(&m, &config(), &[tiny], &billed_by(&p1), 2, d(2026, 1, 10), false).unwrap();
        assert!(p2.invoices.is_empty(), "{:?}", p2.invoices);
        assert!(p2.is_empty());
    }

    #[test]
    fn one_partys_invoice_does_not_count_as_anothers() {
        let m = CostShareModel::seeded();
        let kela = org("Kela", OrgCategory::Kela);
        let aalto = org("Aalto", OrgCategory::University);
        let only_kela =
            plan_invoice_run(&m, &config(), std::slice::from_ref(&kela), &[], 1, d(2025, 9, 5), false).unwrap();
        let billed = billed_by(&only_kela);
        let both =
            plan_invoice_run(&m, &config(), &[kela.clone(), aalto.clone()], &billed, 1, d(2025, 9, 6), false).unwrap();
        assert_eq!(both.invoices.iter().map(|i| i.org_id).collect::<Vec<_>>(), vec![aalto.id]);
        // Kela's invoice credited in full: the next run bills Kela again, beside Aalto.
        let cancelled = vec![Billed { cancelled: true, ..billed[0].clone() }];
        let again = plan_invoice_run(&m, &config(), &[kela, aalto], &cancelled, 1, d(2025, 9, 6), false).unwrap();
        assert_eq!(again.invoices.len(), 2);
    }

    #[test]
    fn a_plan_with_only_the_coordinators_own_share_is_not_empty() {
        let m = CostShareModel::seeded();
        let valtori =
            Org { business_id: BusinessId::parse("2574261-7").unwrap(), ..org("Valtori", OrgCategory::State) };
        let p = plan_invoice_run(&m, &config(), &[valtori], &[], 1, d(2025, 9, 5), false).unwrap();
        assert!(p.invoices.is_empty());
        assert!(!p.is_empty());
    }

    #[test]
    fn a_pending_party_is_billed_only_after_its_accession() {
        let m = CostShareModel::seeded();
        let kela = Org { status: OrgStatus::Pending, ..org("Kela", OrgCategory::Kela) };
        let p = plan_invoice_run(&m, &config(), std::slice::from_ref(&kela), &[], 2, d(2026, 1, 10), false).unwrap();
        assert!(p.invoices.is_empty());
        assert_eq!((p.skipped[0].org_id, p.skipped[0].problem.code.as_str()), (kela.id, "accession_pending"));
        // Accepted in 2026: both instalments at once.
        let kela = Org { status: OrgStatus::Active, ..kela };
        let p = plan_invoice_run(&m, &config(), &[kela], &[], 2, d(2026, 1, 10), false).unwrap();
        assert_eq!(p.invoices[0].instalments(), vec![1, 2]);
        assert_eq!(p.invoices[0].amount, Cents::euros(25_000));
    }
}
