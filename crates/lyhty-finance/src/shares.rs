//! Each party's cost share (§9.2) and the table the steering group sees.
//!
//! Rules, in the order they apply:
//! 1. A represented organisation (state agency, small municipality) pays nothing itself:
//!    its representative's share covers it. It may not also carry an override.
//! 2. A share set by the coordinator (`cost_share_cents`) wins over the model.
//! 3. Tiered categories (wellbeing counties, largest cities) pay by annual budget, which
//!    must then be recorded.
//! 4. Fixed categories pay the model's amount.
//! 5. Anything else (parish, other) has no amount in the agreement: the coordinator must
//!    set one before the party can be invoiced.
//!
//! The share never depends on the joining date (§1.1), and a terminated or expelled party
//! stays liable for it (§17).

use crate::format::{euros, meur};
use crate::model::{CostShareModel, Tier};
use crate::seats::{Seat, seats_for};
use chrono::NaiveDate;
use lyhty_domain::{Cents, Org, OrgCategory, OrgId, OrgStatus};
use serde::{Deserialize, Serialize};

/// A party's share under one model version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Share {
    /// The budget tier, for tiered categories priced by the model.
    pub tier: Option<Tier>,
    pub share: Cents,
    /// Why, for people: `budget 1 450 M€: 1 000–2 000 M€ tier`.
    pub reason: String,
    /// Whether the party itself is invoiced for the share (false for represented
    /// organisations and zero shares).
    pub liable: bool,
}

/// Why a party's share cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error("{name}: the agreement sets no share for category {category}; the coordinator must set one")]
    ShareOverrideRequired { name: String, category: &'static str },
    #[error("{name}: the share of category {category} depends on the annual budget, which is not recorded")]
    BudgetRequired { name: String, category: &'static str },
    #[error("{name}: the model version has no rule for category {category}; set the share by hand")]
    NoRule { name: String, category: &'static str },
    #[error("{name}: a share set by hand cannot be negative")]
    NegativeOverride { name: String },
    #[error("{name}: a represented organisation pays through its representative and cannot have its own share")]
    RepresentedWithOverride { name: String },
}

impl ShareError {
    /// Stable code for the API (422).
    pub fn code(&self) -> &'static str {
        match self {
            Self::ShareOverrideRequired { .. } => "share_override_required",
            Self::BudgetRequired { .. } => "budget_required",
            Self::NoRule { .. } => "no_share_rule",
            Self::NegativeOverride { .. } => "invalid_share_override",
            Self::RepresentedWithOverride { .. } => "represented_share_conflict",
        }
    }
}

/// The share of `org` under `model`.
pub fn share_for(org: &Org, model: &CostShareModel) -> Result<Share, ShareError> {
    let name = || org.name.clone();
    let category = org.category.key();
    if org.represented_by.is_some() {
        if org.cost_share_cents.is_some_and(|c| c.0 != 0) {
            return Err(ShareError::RepresentedWithOverride { name: name() });
        }
        return Ok(Share {
            tier: None,
            share: Cents::ZERO,
            reason: "represented: paid by its representative".into(),
            liable: false,
        });
    }
    if let Some(amount) = org.cost_share_cents {
        if amount.0 < 0 {
            return Err(ShareError::NegativeOverride { name: name() });
        }
        return Ok(Share {
            tier: None,
            share: amount,
            reason: format!("set by the coordinator: {}", euros(amount)),
            liable: amount.0 > 0,
        });
    }
    if let Some(schedule) = model.tiered.get(&org.category) {
        let budget = org.annual_budget_cents.ok_or_else(|| ShareError::BudgetRequired { name: name(), category })?;
        let tier = schedule.tier_of(budget);
        let lower = meur(schedule.lower_boundary);
        let upper = meur(schedule.upper_boundary);
        let band = match tier {
            Tier::Low => format!("under {lower} tier"),
            Tier::Middle => format!("{}–{upper} tier", lower.trim_end_matches(" M€")),
            Tier::High => format!("over {upper} tier"),
        };
        let share = schedule.amount(tier);
        return Ok(Share {
            tier: Some(tier),
            share,
            reason: format!("budget {}: {band}", meur(budget)),
            liable: share.0 > 0,
        });
    }
    if let Some(&share) = model.fixed.get(&org.category) {
        return Ok(Share {
            tier: None,
            share,
            reason: format!("fixed share of category {category}: {}", euros(share)),
            liable: share.0 > 0,
        });
    }
    if org.category.needs_share_override() {
        Err(ShareError::ShareOverrideRequired { name: name(), category })
    } else {
        Err(ShareError::NoRule { name: name(), category })
    }
}

/// One row of the cost-share table (`GET /api/cost-shares`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartyShare {
    pub org_id: OrgId,
    pub name: String,
    pub category: OrgCategory,
    pub status: OrgStatus,
    pub tier: Option<Tier>,
    /// Zero when the share cannot be computed yet (see `problem`).
    pub share_cents: Cents,
    pub reason: String,
    pub liable: bool,
    pub represented_by: Option<OrgId>,
    /// Set when the share cannot be computed (e.g. `share_override_required`): the row is
    /// shown so the coordinator sees what to fix, and counts nothing towards the total.
    pub problem: Option<Problem>,
}

/// A machine code and a human message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Problem {
    pub code: String,
    pub message: String,
}

/// The model version a table was computed with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ModelSummary {
    pub version: String,
    pub valid_from: NaiveDate,
    pub budget_cents: Cents,
}

/// The cost-share table with coverage and steering-group seat weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CostShareTable {
    pub model: ModelSummary,
    pub parties: Vec<PartyShare>,
    /// Sum of all computable shares, terminated and expelled parties included (§17).
    pub total_cents: Cents,
    pub budget_cents: Cents,
    /// `total / budget`, rounded to four decimals; the agreement dissolves if too few
    /// parties commit (§6), so the steering group watches this.
    pub coverage: f64,
    pub seats: Vec<Seat>,
}

/// Computes every party's share, the total against the budget target, and the seat weights
/// of the parties that still take part in the steering group on `as_of`.
pub fn cost_shares(model: &CostShareModel, orgs: &[Org], as_of: NaiveDate) -> CostShareTable {
    let parties: Vec<PartyShare> = orgs
        .iter()
        .map(|org| {
            let (tier, share_cents, reason, liable, problem) = match share_for(org, model) {
                Ok(s) => (s.tier, s.share, s.reason, s.liable, None),
                Err(e) => (
                    None,
                    Cents::ZERO,
                    e.to_string(),
                    false,
                    Some(Problem { code: e.code().into(), message: e.to_string() }),
                ),
            };
            PartyShare {
                org_id: org.id,
                name: org.name.clone(),
                category: org.category,
                status: org.status,
                tier,
                share_cents,
                reason,
                liable,
                represented_by: org.represented_by,
                problem,
            }
        })
        .collect();
    let total_cents: Cents = parties.iter().map(|p| p.share_cents).sum();
    let budget_cents = model.budget_target;
    let coverage = if budget_cents.0 > 0 {
        // Both are far below 2^53 cents, so the division is exact enough; rounding to four
        // decimals keeps the JSON readable (0.9417).
        ((total_cents.0 as f64 / budget_cents.0 as f64) * 10_000.0).round() / 10_000.0
    } else {
        0.0
    };
    let seats = seats_for(orgs.iter().zip(parties.iter().map(|p| p.share_cents)), as_of);
    CostShareTable {
        model: ModelSummary { version: model.version.clone(), valid_from: model.valid_from, budget_cents },
        parties,
        total_cents,
        budget_cents,
        coverage,
        seats,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use lyhty_domain::BusinessId;

    pub(crate) fn org(name: &str, category: OrgCategory) -> Org {
        Org {
            id: OrgId::new(),
            name: name.into(),
            business_id: BusinessId::parse("0246246-0").unwrap(),
            category,
            annual_budget_cents: None,
            budget_year: None,
            budget_source: None,
            joined_on: NaiveDate::from_ymd_opt(2025, 8, 20).unwrap(),
            accession_number: None,
            represented_by: None,
            einvoice_address: None,
            contact_name: None,
            contact_email: None,
            contact_phone: None,
            cost_share_cents: None,
            status: OrgStatus::Active,
            status_effective_on: None,
            accession_decision_id: None,
        }
    }

    fn with_budget(category: OrgCategory, cents: i64) -> Org {
        Org { annual_budget_cents: Some(Cents(cents)), ..org("X", category) }
    }

    #[test]
    fn tier_boundaries_land_low_middle_middle_high() {
        let m = CostShareModel::seeded();
        let cases = [
            (99_999_999_999, Tier::Low, 10_000),
            (100_000_000_000, Tier::Middle, 20_000),
            (200_000_000_000, Tier::Middle, 20_000),
            (200_000_000_001, Tier::High, 25_000),
        ];
        for cat in [OrgCategory::WellbeingCounty, OrgCategory::LargeCity] {
            for (budget, tier, euros) in cases {
                let s = share_for(&with_budget(cat, budget), &m).unwrap();
                assert_eq!(s.tier, Some(tier), "{budget}");
                assert_eq!(s.share, Cents::euros(euros));
                assert!(s.liable);
            }
        }
    }

    #[test]
    fn reasons_read_well() {
        let m = CostShareModel::seeded();
        let r = |c| share_for(&with_budget(OrgCategory::WellbeingCounty, c), &m).unwrap().reason;
        assert_eq!(r(145_000_000_000), "budget 1 450 M€: 1 000–2 000 M€ tier");
        assert_eq!(r(85_050_000_000), "budget 850,5 M€: under 1 000 M€ tier");
        assert_eq!(r(200_000_000_001), "budget 2 000 000 000,01 €: over 2 000 M€ tier");
    }

    #[test]
    fn rules_in_order() {
        let m = CostShareModel::seeded();
        assert_eq!(share_for(&org("Aalto", OrgCategory::University), &m).unwrap().share, Cents::euros(10_000));
        assert_eq!(share_for(&org("Metropolia", OrgCategory::Uas), &m).unwrap().share, Cents::euros(5_000));
        assert_eq!(share_for(&org("Kela", OrgCategory::Kela), &m).unwrap().share, Cents::euros(25_000));
        assert_eq!(share_for(&org("Valtori", OrgCategory::State), &m).unwrap().share, Cents::euros(400_000));

        let parish = org("Kirkkohallitus", OrgCategory::Parish);
        assert_eq!(share_for(&parish, &m).unwrap_err().code(), "share_override_required");
        let parish = Org { cost_share_cents: Some(Cents::euros(15_000)), ..parish };
        assert_eq!(share_for(&parish, &m).unwrap().share, Cents::euros(15_000));

        let county = org("Pirkanmaa", OrgCategory::WellbeingCounty);
        assert_eq!(share_for(&county, &m).unwrap_err().code(), "budget_required");
        // An override wins over the model, even over a tiered category.
        let county = Org { cost_share_cents: Some(Cents::euros(12_345)), ..county };
        let s = share_for(&county, &m).unwrap();
        assert_eq!((s.share, s.tier), (Cents::euros(12_345), None));

        let agency = Org { represented_by: Some(OrgId::new()), ..org("Tilastokeskus", OrgCategory::State) };
        let s = share_for(&agency, &m).unwrap();
        assert_eq!((s.share, s.liable), (Cents::ZERO, false));
        let agency = Org { cost_share_cents: Some(Cents(1)), ..agency };
        assert_eq!(share_for(&agency, &m).unwrap_err().code(), "represented_share_conflict");

        let neg = Org { cost_share_cents: Some(Cents(-1)), ..org("X", OrgCategory::Other) };
        assert_eq!(share_for(&neg, &m).unwrap_err().code(), "invalid_share_override");
    }

    #[test]
    fn a_zero_share_is_computed_but_not_invoiced() {
        let mut m = CostShareModel::seeded();
        // Set by hand: zero is allowed (the party pays nothing), one cent is liable.
        let zero = Org { cost_share_cents: Some(Cents::ZERO), ..org("Seurakunta", OrgCategory::Parish) };
        let s = share_for(&zero, &m).unwrap();
        assert_eq!((s.share, s.liable), (Cents::ZERO, false));
        let cent = Org { cost_share_cents: Some(Cents(1)), ..zero };
        assert!(share_for(&cent, &m).unwrap().liable);
        // A represented organisation may carry an explicit zero (it means "nothing of its own").
        let agency = Org {
            represented_by: Some(OrgId::new()),
            cost_share_cents: Some(Cents::ZERO),
            ..org("Tilastokeskus", OrgCategory::State)
        };
        assert_eq!(share_for(&agency, &m).unwrap().share, Cents::ZERO);
        // A model that prices a category at zero, fixed or by tier.
        m.fixed.insert(OrgCategory::Kela, Cents::ZERO);
        let kela = share_for(&org("Kela", OrgCategory::Kela), &m).unwrap();
        assert_eq!((kela.share, kela.liable), (Cents::ZERO, false));
        let schedule = m.tiered.get_mut(&OrgCategory::LargeCity).unwrap();
        schedule.low = Cents::ZERO;
        let city = share_for(&with_budget(OrgCategory::LargeCity, 1), &m).unwrap();
        assert_eq!((city.tier, city.share, city.liable), (Some(Tier::Low), Cents::ZERO, false));
    }

    #[test]
    fn coverage_without_a_budget_target_is_zero() {
        let m = CostShareModel { budget_target: Cents::ZERO, ..CostShareModel::seeded() };
        let t = cost_shares(&m, &[org("Kela", OrgCategory::Kela)], NaiveDate::from_ymd_opt(2025, 10, 1).unwrap());
        assert_eq!((t.total_cents, t.coverage), (Cents::euros(25_000), 0.0));
    }

    #[test]
    fn table_shows_problems_without_counting_them() {
        let m = CostShareModel::seeded();
        let orgs = vec![org("Kela", OrgCategory::Kela), org("Seurakunta", OrgCategory::Parish)];
        let t = cost_shares(&m, &orgs, NaiveDate::from_ymd_opt(2025, 10, 1).unwrap());
        assert_eq!(t.total_cents, Cents::euros(25_000));
        assert_eq!(t.parties[1].problem.as_ref().unwrap().code, "share_override_required");
        assert_eq!(t.coverage, 0.0167);
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["parties"][0]["share_cents"], 2_500_000);
        assert_eq!(json["model"]["budget_cents"], 150_000_000);
    }
}
