//! The cost-share model (§9.2) as versioned data.
//!
//! The steering group may change the plan and budget without amending the agreement (§2),
//! so tiers, amounts, instalment windows and the payment term are data with a version and a
//! validity date, stored by the lead's store as JSON. [`CostShareModel::seeded`] is the
//! version written into the agreement.

use chrono::NaiveDate;
use lyhty_domain::vocabulary;
use lyhty_domain::{Cents, Lang, OrgCategory};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One version of the cost-share model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CostShareModel {
    /// E.g. `"2025-1"`; the store keeps every version it ever used.
    pub version: String,
    pub valid_from: NaiveDate,
    /// The agreement's term (§6): 1.9.2025–31.12.2026. Used as the invoicing period.
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    /// What the network needs for the term (action plan §1.4: about 1.5 M€).
    pub budget_target: Cents,
    /// Categories whose share depends on the party's annual budget.
    pub tiered: BTreeMap<OrgCategory, TierSchedule>,
    /// Categories with one amount for every party in them.
    pub fixed: BTreeMap<OrgCategory, Cents>,
    /// Due-date windows of the instalments, numbered from 1 (§9.4).
    pub instalments: Vec<InstalmentWindow>,
    /// Days from issue to due date (default 21).
    pub payment_term_days: u32,
    /// Share of the steering group's weight a decision needs (§8.1), default 2/3.
    pub qualified_majority: Ratio,
}

/// Three budget tiers: below `lower`, from `lower` to `upper` inclusive, above `upper`.
/// A budget of exactly 1 000 M€ or 2 000 M€ is in the middle tier (the agreement says
/// "1–2 mrd", which we read as inclusive at both ends).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TierSchedule {
    pub lower_boundary: Cents,
    pub upper_boundary: Cents,
    pub low: Cents,
    pub middle: Cents,
    pub high: Cents,
}

/// A budget tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Low,
    Middle,
    High,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Low, Tier::Middle, Tier::High];

    pub fn key(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Middle => "middle",
            Self::High => "high",
        }
    }

    /// The tier's name for people, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::Low => ["Alin porras", "Lägsta nivån", "Lowest tier"],
            Self::Middle => ["Keskiporras", "Mellannivån", "Middle tier"],
            Self::High => ["Ylin porras", "Högsta nivån", "Highest tier"],
        };
        vocabulary::pick(lang, labels)
    }
}

lyhty_domain::labelled!(Tier);

impl TierSchedule {
    pub fn tier_of(&self, budget: Cents) -> Tier {
        if budget < self.lower_boundary {
            Tier::Low
        } else if budget <= self.upper_boundary {
            Tier::Middle
        } else {
            Tier::High
        }
    }

    pub fn amount(&self, tier: Tier) -> Cents {
        match tier {
            Tier::Low => self.low,
            Tier::Middle => self.middle,
            Tier::High => self.high,
        }
    }
}

/// When an instalment may fall due (inclusive dates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InstalmentWindow {
    pub number: u8,
    pub due_from: NaiveDate,
    pub due_to: NaiveDate,
}

impl InstalmentWindow {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.due_from <= day && day <= self.due_to
    }
}

/// An exact fraction, so that "two thirds" is compared without floating point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ratio {
    pub numerator: u32,
    pub denominator: u32,
}

impl Ratio {
    pub const TWO_THIRDS: Ratio = Ratio { numerator: 2, denominator: 3 };

    pub fn as_f64(self) -> f64 {
        f64::from(self.numerator) / f64::from(self.denominator.max(1))
    }
}

/// Why a model version cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("tier boundaries of {0} must satisfy 0 <= lower <= upper")]
    TierBoundaries(String),
    #[error("an amount of {0} is negative")]
    NegativeAmount(String),
    #[error("{0} has both a tiered and a fixed share")]
    DoubleRule(String),
    #[error("instalment windows must be numbered 1, 2, … in order, each with due_from <= due_to")]
    Windows,
    #[error("the qualified majority must be a fraction above one half and at most one")]
    Majority,
    #[error("the term must start before it ends")]
    Term,
}

impl ModelError {
    pub fn code(&self) -> &'static str {
        "invalid_cost_share_model"
    }
}

const MEUR: i64 = 100_000_000; // one million euros in cents

impl CostShareModel {
    /// The version in the agreement (§9.2, §9.4, action plan §1.4).
    pub fn seeded() -> Self {
        let tiers = TierSchedule {
            lower_boundary: Cents(1_000 * MEUR),
            upper_boundary: Cents(2_000 * MEUR),
            low: Cents::euros(10_000),
            middle: Cents::euros(20_000),
            high: Cents::euros(25_000),
        };
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid literal date");
        Self {
            version: "2025-1".into(),
            valid_from: date(2025, 9, 1),
            term_start: date(2025, 9, 1),
            term_end: date(2026, 12, 31),
            budget_target: Cents::euros(1_500_000),
            tiered: BTreeMap::from([(OrgCategory::WellbeingCounty, tiers), (OrgCategory::LargeCity, tiers)]),
            fixed: BTreeMap::from([
                (OrgCategory::University, Cents::euros(10_000)),
                (OrgCategory::Uas, Cents::euros(5_000)),
                (OrgCategory::Kela, Cents::euros(25_000)),
                (OrgCategory::State, Cents::euros(400_000)),
                (OrgCategory::Municipalities, Cents::euros(300_000)),
            ]),
            instalments: vec![
                // "paid in 2025, at the earliest at the turn of August and September"
                InstalmentWindow { number: 1, due_from: date(2025, 9, 1), due_to: date(2025, 12, 31) },
                // "paid in Q1/2026"
                InstalmentWindow { number: 2, due_from: date(2026, 1, 1), due_to: date(2026, 3, 31) },
            ],
            payment_term_days: 21,
            qualified_majority: Ratio::TWO_THIRDS,
        }
    }

    /// Checks the invariants the rest of the crate relies on; the store should call this
    /// before saving a new version.
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.term_start > self.term_end {
            return Err(ModelError::Term);
        }
        for (cat, t) in &self.tiered {
            if t.lower_boundary.0 < 0 || t.lower_boundary > t.upper_boundary {
                return Err(ModelError::TierBoundaries(cat.key().into()));
            }
            if [t.low, t.middle, t.high].iter().any(|c| c.0 < 0) {
                return Err(ModelError::NegativeAmount(cat.key().into()));
            }
            if self.fixed.contains_key(cat) {
                return Err(ModelError::DoubleRule(cat.key().into()));
            }
        }
        if let Some((cat, _)) = self.fixed.iter().find(|(_, c)| c.0 < 0) {
            return Err(ModelError::NegativeAmount(cat.key().into()));
        }
        if self.budget_target.0 < 0 {
            return Err(ModelError::NegativeAmount("budget_target".into()));
        }
        let numbered = self.instalments.iter().enumerate().all(|(i, w)| usize::from(w.number) == i + 1);
        let ordered = self.instalments.iter().all(|w| w.due_from <= w.due_to)
            && self.instalments.windows(2).all(|p| p[0].due_to < p[1].due_from);
        if self.instalments.is_empty() || !numbered || !ordered {
            return Err(ModelError::Windows);
        }
        let q = self.qualified_majority;
        // numerator/denominator in (1/2, 1]
        if q.denominator == 0 || 2 * u64::from(q.numerator) <= u64::from(q.denominator) || q.numerator > q.denominator {
            return Err(ModelError::Majority);
        }
        Ok(())
    }

    /// The window of instalment `number`, if the model has one.
    pub fn window(&self, number: u8) -> Option<&InstalmentWindow> {
        self.instalments.iter().find(|w| w.number == number)
    }

    /// Number of instalments every share is split into (two in the agreement).
    pub fn instalment_count(&self) -> u32 {
        u32::try_from(self.instalments.len()).unwrap_or(u32::MAX).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_model_is_valid_and_round_trips_as_json() {
        let m = CostShareModel::seeded();
        m.validate().unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains("\"wellbeing_county\""), "{json}");
        let back: CostShareModel = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn tier_boundaries() {
        let t = CostShareModel::seeded().tiered[&OrgCategory::WellbeingCounty];
        // 999 999 999.99 €, 1 000 000 000.00 €, 2 000 000 000.00 €, 2 000 000 000.01 €
        assert_eq!(t.tier_of(Cents(99_999_999_999)), Tier::Low);
        assert_eq!(t.tier_of(Cents(100_000_000_000)), Tier::Middle);
        assert_eq!(t.tier_of(Cents(200_000_000_000)), Tier::Middle);
        assert_eq!(t.tier_of(Cents(200_000_000_001)), Tier::High);
    }

    #[test]
    fn invalid_models_are_refused() {
        let mut m = CostShareModel::seeded();
        m.qualified_majority = Ratio { numerator: 1, denominator: 2 };
        assert_eq!(m.validate(), Err(ModelError::Majority));
        let mut m = CostShareModel::seeded();
        m.instalments.swap(0, 1);
        assert_eq!(m.validate(), Err(ModelError::Windows));
        let mut m = CostShareModel::seeded();
        m.fixed.insert(OrgCategory::LargeCity, Cents(1));
        assert_eq!(m.validate(), Err(ModelError::DoubleRule("large_city".into())));
        let mut m = CostShareModel::seeded();
        m.fixed.insert(OrgCategory::Kela, Cents(-1));
        assert_eq!(m.validate(), Err(ModelError::NegativeAmount("kela".into())));
    }
}
