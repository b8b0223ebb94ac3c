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

/// The shape of a generated network: how many organisations, how many vendors they buy from,
/// how many sectors they come from, and how many lines each reports.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub orgs: u128,
    pub vendors: usize,
    pub sectors: usize,
    pub lines_per_org: usize,
}

/// A deterministic network of any [`Shape`] from a seed, with what real inventories have and
/// [`synthetic`] lacks: every sector can occur, a long tail of vendors (some recoded to
/// `Other vendors`), in-use figures on about half the lines — zeros among them, so the two
/// utilisation measures are exercised — and lines with a zero cost or a zero quantity.
pub fn network(seed: u64, shape: Shape) -> Vec<ContributionLine> {
    let mut state = seed ^ 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % n.max(1)
    };
    let first_sector = next(OrgCategory::ALL.len() as u64) as usize;
    let sectors: Vec<OrgCategory> = (0..shape.sectors.clamp(1, OrgCategory::ALL.len()))
        .map(|i| OrgCategory::ALL[(first_sector + i) % OrgCategory::ALL.len()])
        .collect();
    let vendors = shape.vendors.max(1) as u64;
    let mut lines = Vec::new();
    for o in 1..=shape.orgs {
        let sector = sectors[next(sectors.len() as u64) as usize];
        for _ in 0..shape.lines_per_org {
            // The smaller of two draws: vendor 0 is the most common, the last one rare.
            let v = next(vendors).min(next(vendors));
            let vendor = format!("V{v}");
            let product = format!("V{v}-p{}", next(3));
            let ct = ["ea", "subscription", "perpetual"][next(3) as usize];
            let lt = ["end_user", "end_user", "server", "other"][next(4) as usize];
            let ch = ["direct", "reseller"][next(2) as usize];
            let quarter = if next(5) == 0 { None } else { Some((2026 + next(2) as i32, 1 + next(4) as u8)) };
            let cost = if next(10) == 0 { 0 } else { 1_000 + next(1_000_000) as i64 * (1 + next(3) as i64) };
            let quantity = if next(10) == 0 { 0 } else { 1 + next(500) as i64 };
            let in_use = match next(6) {
                0..=2 => None,
                3 => Some(0),
                _ => Some(next(quantity as u64 + 1) as i64),
            };
            let mut l = line(o, sector, &vendor, &product, ct, lt, ch, quarter, cost, quantity);
            l.in_use = in_use;
            lines.push(l);
        }
    }
    lines
}
