//! The budget plan (amounts per cost category per quarter, versioned) and the steering
//! group's hourly rate with its history (action plan §1.4, FINANCE.md "Spending").
//!
//! Both are decisions of the steering group that change over the term without amending
//! the agreement, so they are data with versions: a new plan version replaces the old one
//! for reporting, a new rate applies from its `valid_from` day, and nothing is rewritten.

use chrono::NaiveDate;
use lyhty_domain::{Cents, Quarter};
// The category, the plan line and the rate are plain data the store keeps too, so they
// live in the domain crate; this module owns the rules about them.
pub use lyhty_domain::spend::{ExpenseCategory, HourlyRate, PlanLine};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A version of the budget plan as the steering group approved it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BudgetPlan {
    /// 1, 2, …: the store numbers the versions; the newest is the plan in force.
    pub version: u32,
    /// The steering group's decision day.
    pub approved_on: NaiveDate,
    /// E.g. the minutes' reference.
    pub note: Option<String>,
    pub lines: Vec<PlanLine>,
}

/// Why a plan cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("quarter {0} of {1} is not 1–4")]
    Quarter(u8, i32),
    #[error("the plan amount of {0} in {1} is negative")]
    Negative(&'static str, Quarter),
    #[error("{0} in {1} appears twice in the plan")]
    Duplicate(&'static str, Quarter),
    #[error("the plan has no lines")]
    Empty,
    #[error("the plan spans more than 40 quarters")]
    TooLong,
}

impl PlanError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Quarter(..) => "invalid_quarter",
            Self::Negative(..) => "negative_amount",
            Self::Duplicate(..) => "duplicate_plan_line",
            Self::Empty => "empty_plan",
            Self::TooLong => "plan_too_long",
        }
    }
}

impl BudgetPlan {
    /// Checks the lines: valid quarters, no negative amounts, each category once a quarter,
    /// and a span a person could have meant (at most ten years).
    pub fn validate(&self) -> Result<(), PlanError> {
        if self.lines.is_empty() {
            return Err(PlanError::Empty);
        }
        let mut seen = BTreeMap::new();
        for l in &self.lines {
            let q = Quarter::new(l.year, l.quarter).ok_or(PlanError::Quarter(l.quarter, l.year))?;
            if l.amount_cents.0 < 0 {
                return Err(PlanError::Negative(l.category.key(), q));
            }
            if seen.insert((q, l.category), ()).is_some() {
                return Err(PlanError::Duplicate(l.category.key(), q));
            }
        }
        let (first, last) = self.span().ok_or(PlanError::Empty)?;
        if quarter_index(last) - quarter_index(first) >= 40 {
            return Err(PlanError::TooLong);
        }
        Ok(())
    }

    /// The planned amount of `category` in `q` (zero when the plan does not name it).
    pub fn amount(&self, q: Quarter, category: ExpenseCategory) -> Cents {
        self.lines
            .iter()
            .filter(|l| l.year == q.year && l.quarter == q.quarter && l.category == category)
            .map(|l| l.amount_cents)
            .sum()
    }

    /// Everything planned for `q`.
    pub fn quarter_total(&self, q: Quarter) -> Cents {
        self.lines.iter().filter(|l| l.year == q.year && l.quarter == q.quarter).map(|l| l.amount_cents).sum()
    }

    pub fn total(&self) -> Cents {
        self.lines.iter().map(|l| l.amount_cents).sum()
    }

    /// The first and last quarter the plan names.
    pub fn span(&self) -> Option<(Quarter, Quarter)> {
        let qs = self.lines.iter().filter_map(|l| Quarter::new(l.year, l.quarter));
        let first = qs.clone().min()?;
        Some((first, qs.max()?))
    }

    /// Every quarter from the first to the last the plan names, in order.
    pub fn quarters(&self) -> Vec<Quarter> {
        match self.span() {
            Some((first, last)) => quarters_between(first, last),
            None => Vec::new(),
        }
    }
}

/// Quarters `first..=last` in order (empty when `last < first`).
pub fn quarters_between(first: Quarter, last: Quarter) -> Vec<Quarter> {
    let mut out = Vec::new();
    let mut q = first;
    while q <= last {
        out.push(q);
        q = q.next();
    }
    out
}

/// Quarters since year 0, to measure spans.
pub(crate) fn quarter_index(q: Quarter) -> i64 {
    i64::from(q.year) * 4 + i64::from(q.quarter) - 1
}

/// The rate in force on `day`: the one with the latest `valid_from` not after it. `None`
/// before the first decision.
pub fn rate_on(rates: &[HourlyRate], day: NaiveDate) -> Option<Cents> {
    rates.iter().filter(|r| r.valid_from <= day).max_by_key(|r| r.valid_from).map(|r| r.rate_cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn categories_round_trip_their_keys() {
        for c in ExpenseCategory::ALL {
            assert_eq!(ExpenseCategory::parse(c.key()), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), c.key());
        }
        assert_eq!(ExpenseCategory::parse("travel"), None);
    }

    #[test]
    fn rate_history_applies_from_its_day() {
        let rates = [
            HourlyRate { valid_from: d(2026, 1, 1), rate_cents: Cents(9_500), decision: None },
            HourlyRate { valid_from: d(2025, 9, 1), rate_cents: Cents(9_000), decision: None },
        ];
        assert_eq!(rate_on(&rates, d(2025, 8, 31)), None);
        assert_eq!(rate_on(&rates, d(2025, 9, 1)), Some(Cents(9_000)));
        assert_eq!(rate_on(&rates, d(2025, 12, 31)), Some(Cents(9_000)));
        assert_eq!(rate_on(&rates, d(2026, 1, 1)), Some(Cents(9_500)));
    }

    #[test]
    fn plan_validation() {
        let line = |year, quarter, category, amount| PlanLine { year, quarter, category, amount_cents: Cents(amount) };
        let mut plan = BudgetPlan {
            version: 1,
            approved_on: d(2025, 9, 1),
            note: None,
            lines: vec![line(2025, 4, ExpenseCategory::Personnel, 100), line(2026, 2, ExpenseCategory::Personnel, 50)],
        };
        assert_eq!(plan.validate(), Ok(()));
        assert_eq!(plan.quarters().len(), 3, "a quarter without lines inside the span still counts");
        assert_eq!(plan.total(), Cents(150));
        plan.lines.push(line(2026, 2, ExpenseCategory::Personnel, 1));
        assert_eq!(plan.validate().unwrap_err().code(), "duplicate_plan_line");
        plan.lines.pop();
        plan.lines.push(line(2026, 5, ExpenseCategory::Legal, 1));
        assert_eq!(plan.validate().unwrap_err().code(), "invalid_quarter");
        plan.lines.pop();
        plan.lines.push(line(2026, 3, ExpenseCategory::Legal, -1));
        assert_eq!(plan.validate().unwrap_err().code(), "negative_amount");
        plan.lines.pop();
        plan.lines.push(line(2040, 3, ExpenseCategory::Legal, 1));
        assert_eq!(plan.validate().unwrap_err().code(), "plan_too_long");
    }
}
