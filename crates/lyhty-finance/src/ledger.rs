//! The expenditure ledger: what the network's money was spent on.
//!
//! An entry is never edited or deleted. A mistake is corrected with a **reversing entry**
//! (the same category, payee and hours with the opposite amount, dated when the correction
//! is made) and, if needed, a new correct entry; reports show all three, so the steering
//! group can see that something was corrected and when.
//!
//! Personnel costs are participants' hours reimbursed to their home organisations at the
//! steering group's cost-price hourly rate (§1.4): the amount is `hours × rate`, with the
//! rate in force on the entry's date taken from the rate history, never typed in.

use crate::plan::{ExpenseCategory, HourlyRate, rate_on};
use chrono::NaiveDate;
use lyhty_domain::{Cents, ExpenseId, OrgId};
use serde::{Deserialize, Serialize};
// An entry and its hours are what the store keeps and the reports read; they live in the
// domain crate, and this module owns the rules (hours × rate, reversals).
pub use lyhty_domain::spend::{Expense, Hours};

/// What the coordinator enters (`POST /api/expenses`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExpenseRequest {
    pub date: NaiveDate,
    pub category: ExpenseCategory,
    /// Required except for personnel, where it is `hours × rate` and, if given, must agree.
    pub amount_cents: Option<Cents>,
    pub description: String,
    pub payee_org_id: Option<OrgId>,
    pub payee: Option<String>,
    pub hours: Option<Hours>,
    /// Personnel: if given, must be the rate in force on `date` (a check that the person
    /// entering it used the same rate as the ledger).
    pub rate_cents: Option<Cents>,
    pub document_ref: Option<String>,
}

/// Why an entry is refused. Each has a stable `code()` for the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("a description is required (at most 500 characters)")]
    Description,
    #[error("the amount must be positive and at most 1 000 000 000 €")]
    Amount,
    #[error("a personnel reimbursement needs the participant's home organisation as payee_org_id")]
    PayeeRequired,
    #[error("a personnel reimbursement needs a positive number of hours")]
    HoursRequired,
    #[error("hours and an hourly rate belong to personnel reimbursements only")]
    HoursOnlyForPersonnel,
    #[error("the steering group has decided no hourly rate in force on {0}")]
    NoRate(NaiveDate),
    #[error("the hourly rate in force on {date} is {in_force} €, not {given} €")]
    RateMismatch { date: NaiveDate, in_force: Cents, given: Cents },
    #[error("{hours} h × {rate} € = {computed} €, not {given} €")]
    AmountMismatch { hours: Hours, rate: Cents, computed: Cents, given: Cents },
    #[error("a reversing entry cannot itself be reversed")]
    ReverseReversal,
    #[error("a reversal cannot be dated before the entry it reverses ({0})")]
    ReversalBeforeOriginal(NaiveDate),
}

impl LedgerError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Description => "description_required",
            Self::Amount => "invalid_amount",
            Self::PayeeRequired => "payee_required",
            Self::HoursRequired => "hours_required",
            Self::HoursOnlyForPersonnel => "hours_only_for_personnel",
            Self::NoRate(_) => "no_hourly_rate",
            Self::RateMismatch { .. } => "rate_mismatch",
            Self::AmountMismatch { .. } => "amount_mismatch",
            Self::ReverseReversal => "cannot_reverse_a_reversal",
            Self::ReversalBeforeOriginal(_) => "reversal_before_original",
        }
    }
}

/// The largest single entry (1 000 M€): far above any real expense of the network, and
/// narrower than the API's general bound on amounts (`Cents::MAX_INPUT`).
const MAX_ENTRY: Cents = Cents(100_000_000_000);

/// `hours × rate`, to the cent, half a cent rounded away from zero (7.25 h × 95,01 € =
/// 688,82 €).
pub fn reimbursement(hours: Hours, rate: Cents) -> Cents {
    Cents(div_round(i128::from(hours.0) * i128::from(rate.0), 100))
}

/// `n / d` rounded half away from zero (`d > 0`). (cargo mutants: `n < 0` as `n <= 0`
/// survives on both lines and is equivalent: for `n = 0` the quotient is 0 either way, and 0
/// never overflows `i64`.)
pub(crate) fn div_round(n: i128, d: i128) -> i64 {
    let q = (2 * n.abs() + d) / (2 * d);
    let q = if n < 0 { -q } else { q };
    i64::try_from(q).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX })
}

/// Turns what the coordinator entered into a ledger entry, applying the rules above.
pub fn prepare_expense(req: &ExpenseRequest, rates: &[HourlyRate]) -> Result<Expense, LedgerError> {
    let description = req.description.trim().to_string();
    if description.is_empty() || description.chars().count() > 500 {
        return Err(LedgerError::Description);
    }
    let (amount, hours, rate) = if req.category == ExpenseCategory::Personnel {
        if req.payee_org_id.is_none() {
            return Err(LedgerError::PayeeRequired);
        }
        let hours = req.hours.filter(|h| h.0 > 0).ok_or(LedgerError::HoursRequired)?;
        let in_force = rate_on(rates, req.date).ok_or(LedgerError::NoRate(req.date))?;
        if let Some(given) = req.rate_cents
            && given != in_force
        {
            return Err(LedgerError::RateMismatch { date: req.date, in_force, given });
        }
        let computed = reimbursement(hours, in_force);
        if let Some(given) = req.amount_cents
            && given != computed
        {
            return Err(LedgerError::AmountMismatch { hours, rate: in_force, computed, given });
        }
        (computed, Some(hours), Some(in_force))
    } else {
        if req.hours.is_some() || req.rate_cents.is_some() {
            return Err(LedgerError::HoursOnlyForPersonnel);
        }
        (req.amount_cents.ok_or(LedgerError::Amount)?, None, None)
    };
    if amount.0 <= 0 || amount > MAX_ENTRY {
        return Err(LedgerError::Amount);
    }
    Ok(Expense {
        id: ExpenseId::new(),
        date: req.date,
        category: req.category,
        amount_cents: amount,
        description,
        payee_org_id: req.payee_org_id,
        payee: clean(req.payee.as_deref()),
        hours,
        rate_cents: rate,
        document_ref: clean(req.document_ref.as_deref()),
        reverses: None,
    })
}

fn clean(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(200).collect())
}

/// The reversing entry that cancels `original` on `date`: the same category, payee,
/// hours and rate with the opposite sign. Whether `original` was already reversed is the
/// store's to check (it holds the whole ledger).
pub fn reversal_of(original: &Expense, date: NaiveDate, reason: Option<&str>) -> Result<Expense, LedgerError> {
    if original.reverses.is_some() {
        return Err(LedgerError::ReverseReversal);
    }
    if date < original.date {
        return Err(LedgerError::ReversalBeforeOriginal(original.date));
    }
    let what = match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => format!("Oikaisu: {} ({r})", original.description),
        None => format!("Oikaisu: {}", original.description),
    };
    Ok(Expense {
        id: ExpenseId::new(),
        date,
        category: original.category,
        amount_cents: -original.amount_cents,
        description: what.chars().take(500).collect(),
        payee_org_id: original.payee_org_id,
        payee: original.payee.clone(),
        hours: original.hours.map(|h| Hours(-h.0)),
        rate_cents: original.rate_cents,
        document_ref: original.document_ref.clone(),
        reverses: Some(original.id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rates() -> Vec<HourlyRate> {
        vec![
            HourlyRate { valid_from: d(2025, 9, 1), rate_cents: Cents(9_000), decision: None },
            HourlyRate { valid_from: d(2026, 1, 1), rate_cents: Cents(9_500), decision: None },
        ]
    }

    fn personnel(date: NaiveDate, hours: Hours) -> ExpenseRequest {
        ExpenseRequest {
            date,
            category: ExpenseCategory::Personnel,
            description: "Työpanos".into(),
            payee_org_id: Some(OrgId::new()),
            hours: Some(hours),
            ..Default::default()
        }
    }

    #[test]
    fn personnel_is_hours_times_the_rate_in_force() {
        let e = prepare_expense(&personnel(d(2026, 2, 10), Hours::whole(120)), &rates()).unwrap();
        assert_eq!((e.amount_cents, e.rate_cents), (Cents(1_140_000), Some(Cents(9_500))));
        let e = prepare_expense(&personnel(d(2025, 12, 31), Hours(725)), &rates()).unwrap();
        assert_eq!(e.amount_cents, Cents(65_250), "7.25 h × 90 €");
        assert_eq!(reimbursement(Hours(725), Cents(9_501)), Cents(68_882), "688.8225 € → 688.82 €");
        assert_eq!(reimbursement(Hours(50), Cents(1)), Cents(1), "0.5 cent rounds up");
        let mut wrong = personnel(d(2026, 2, 10), Hours::whole(120));
        wrong.rate_cents = Some(Cents(9_000));
        assert_eq!(prepare_expense(&wrong, &rates()).unwrap_err().code(), "rate_mismatch");
        wrong.rate_cents = None;
        wrong.amount_cents = Some(Cents(1_080_000));
        assert_eq!(prepare_expense(&wrong, &rates()).unwrap_err().code(), "amount_mismatch");
        assert_eq!(
            prepare_expense(&personnel(d(2025, 8, 1), Hours::whole(1)), &rates()).unwrap_err().code(),
            "no_hourly_rate"
        );
        let mut no_payee = personnel(d(2026, 2, 10), Hours::whole(1));
        no_payee.payee_org_id = None;
        assert_eq!(prepare_expense(&no_payee, &rates()).unwrap_err().code(), "payee_required");
        assert_eq!(
            prepare_expense(&personnel(d(2026, 2, 10), Hours(0)), &rates()).unwrap_err().code(),
            "hours_required"
        );
    }

    #[test]
    fn division_rounds_half_away_from_zero_on_both_sides() {
        assert_eq!((div_round(5, 2), div_round(-5, 2)), (3, -3));
        assert_eq!((div_round(7, 2), div_round(-7, 2)), (4, -4));
        assert_eq!((div_round(149, 100), div_round(-149, 100)), (1, -1));
        assert_eq!((div_round(150, 100), div_round(-150, 100)), (2, -2));
        assert_eq!((div_round(0, 7), div_round(-1, 3), div_round(1, 3)), (0, 0, 0));
        assert_eq!(div_round(-9, 1), -9);
        // Beyond i64 the result saturates, on the side of its sign.
        let huge = i128::from(i64::MAX) * 4;
        assert_eq!((div_round(huge, 1), div_round(-huge, 1)), (i64::MAX, i64::MIN));
        // A reversed half hour reimburses exactly the negative of the half hour.
        assert_eq!(reimbursement(Hours(-50), Cents(1)), Cents(-1));
        assert_eq!(reimbursement(Hours(-725), Cents(9_501)), Cents(-68_882));
    }

    #[test]
    fn other_categories_take_an_amount() {
        let mut req = ExpenseRequest {
            date: d(2026, 1, 15),
            category: ExpenseCategory::Legal,
            amount_cents: Some(Cents(248_000)),
            description: "  Sopimusneuvonta ".into(),
            ..Default::default()
        };
        let e = prepare_expense(&req, &[]).unwrap();
        assert_eq!((e.amount_cents, e.description.as_str(), e.hours), (Cents(248_000), "Sopimusneuvonta", None));
        req.amount_cents = Some(Cents(0));
        assert_eq!(prepare_expense(&req, &[]).unwrap_err().code(), "invalid_amount");
        req.amount_cents = Some(Cents(1));
        req.hours = Some(Hours::whole(1));
        assert_eq!(prepare_expense(&req, &[]).unwrap_err().code(), "hours_only_for_personnel");
        req.hours = None;
        req.description = " ".into();
        assert_eq!(prepare_expense(&req, &[]).unwrap_err().code(), "description_required");
        // At most 500 characters (not bytes: ä is one).
        req.description = "ä".repeat(500);
        assert!(prepare_expense(&req, &[]).is_ok());
        req.description = "ä".repeat(501);
        assert_eq!(prepare_expense(&req, &[]).unwrap_err().code(), "description_required");
        req.description = "Sopimusneuvonta".into();
        // The largest entry the ledger takes, and a cent more.
        req.amount_cents = Some(MAX_ENTRY);
        assert!(prepare_expense(&req, &[]).is_ok());
        req.amount_cents = Some(Cents(MAX_ENTRY.0 + 1));
        assert_eq!(prepare_expense(&req, &[]).unwrap_err().code(), "invalid_amount");
        // Payee and voucher are trimmed, blank is none, and at most 200 characters are kept.
        req.amount_cents = Some(Cents(1));
        (req.payee, req.document_ref) = (Some("  Asianajotoimisto Oy ".into()), Some("   ".into()));
        let e = prepare_expense(&req, &[]).unwrap();
        assert_eq!((e.payee.as_deref(), e.document_ref), (Some("Asianajotoimisto Oy"), None));
        req.payee = Some("x".repeat(300));
        assert_eq!(prepare_expense(&req, &[]).unwrap().payee.map(|p| p.len()), Some(200));
    }

    #[test]
    fn a_reversal_mirrors_the_entry() {
        let e = prepare_expense(&personnel(d(2026, 2, 10), Hours::whole(120)), &rates()).unwrap();
        let r = reversal_of(&e, d(2026, 3, 1), Some("väärä henkilö")).unwrap();
        assert_eq!((r.amount_cents, r.hours, r.reverses), (Cents(-1_140_000), Some(Hours(-12_000)), Some(e.id)));
        assert_eq!((r.category, r.payee_org_id), (e.category, e.payee_org_id));
        assert_eq!(reversal_of(&r, d(2026, 3, 2), None).unwrap_err().code(), "cannot_reverse_a_reversal");
        assert_eq!(reversal_of(&e, d(2026, 2, 9), None).unwrap_err().code(), "reversal_before_original");
        // The same day is not before it; a blank reason is no reason.
        let same_day = reversal_of(&e, e.date, Some("  ")).unwrap();
        assert_eq!(same_day.description, "Oikaisu: Työpanos");
        assert_eq!(r.description, "Oikaisu: Työpanos (väärä henkilö)");
    }

    #[test]
    fn hours_in_json() {
        assert_eq!(serde_json::to_string(&Hours::whole(120)).unwrap(), "120");
        assert_eq!(serde_json::to_string(&Hours(725)).unwrap(), "7.25");
        assert_eq!(serde_json::from_str::<Hours>("7.25").unwrap(), Hours(725));
        assert_eq!(serde_json::from_str::<Hours>("120").unwrap(), Hours(12_000));
        assert!(serde_json::from_str::<Hours>("7.255").is_err());
        assert_eq!(Hours(-725).to_finnish(), "-7,25");
    }
}
