//! Shared helpers of the integration tests (included with `mod common;`).
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate};
use lyhty_aggregate::{
    ContributionLine, Contributor, ReleaseId, ReleaseInput, ReleaseMeta, ReleaseOutcome, ReleaseParams, build_release,
};
use lyhty_domain::{OrgCategory, OrgId, Quarter};
use uuid::Uuid;

pub fn org(n: u128) -> OrgId {
    OrgId(Uuid::from_u128(n))
}

pub fn meta() -> ReleaseMeta {
    ReleaseMeta { id: ReleaseId(Uuid::from_u128(0xabc)), created_at: DateTime::UNIX_EPOCH }
}

pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
}

/// A line with the dimensions that matter in a test; the rest fixed.
#[allow(clippy::too_many_arguments)]
pub fn line(
    o: u128,
    sector: OrgCategory,
    vendor: &str,
    product: &str,
    contract_type: &str,
    licence_type: &str,
    channel: &str,
    quarter: Option<(i32, u8)>,
    cost: i64,
    quantity: i64,
) -> ContributionLine {
    ContributionLine {
        org: org(o),
        sector,
        vendor: vendor.into(),
        product: product.into(),
        contract_type: contract_type.into(),
        licence_type: licence_type.into(),
        channel: channel.into(),
        renewal_quarter: quarter.and_then(|(y, q)| Quarter::new(y, q)),
        annual_cost_cents: cost,
        quantity,
        in_use: None,
    }
}

/// The input with every organisation of the lines as a contributor.
pub fn input(lines: Vec<ContributionLine>) -> ReleaseInput {
    let mut contributors: Vec<Contributor> =
        lines.iter().map(|l| Contributor { org: l.org, sector: l.sector }).collect();
    contributors.sort();
    contributors.dedup();
    ReleaseInput { as_of: as_of(), contributors, lines }
}

pub fn release(input: &ReleaseInput) -> ReleaseOutcome {
    build_release(input, &ReleaseParams::default(), meta(), &[]).expect("release computed")
}

/// A small deterministic inventory: `orgs` organisations over a few vendors and members,
/// from a seed (an LCG: no dependency, stable across platforms).
pub fn synthetic(seed: u64, orgs: u128, lines_per_org: usize) -> Vec<ContributionLine> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move |n: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let sectors = [OrgCategory::University, OrgCategory::Uas, OrgCategory::State, OrgCategory::Kela];
    let vendors = ["Microsoft", "Oracle", "Adobe", "Esri", "Tiny"];
    let mut lines = Vec::new();
    for o in 1..=orgs {
        let sector = sectors[next(sectors.len() as u64) as usize];
        for _ in 0..lines_per_org {
            // Skewed vendors: Microsoft most, Tiny rarely.
            let v = [0, 0, 0, 1, 1, 2, 2, 3, 4][next(9) as usize];
            let product = format!("{}-{}", vendors[v], next(3));
            let ct = ["ea", "subscription", "perpetual"][next(3) as usize];
            let lt = ["end_user", "end_user", "server", "other"][next(4) as usize];
            let ch = ["direct", "reseller"][next(2) as usize];
            let quarter = if next(5) == 0 { None } else { Some((2026, 1 + next(4) as u8)) };
            let cost = 1_000 + next(1_000_000) as i64 * (1 + next(3) as i64);
            let quantity = next(500) as i64;
            lines.push(line(o, sector, vendors[v], &product, ct, lt, ch, quarter, cost, quantity));
        }
    }
    lines
}
