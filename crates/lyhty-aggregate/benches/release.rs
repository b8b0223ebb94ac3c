//! `cargo bench -p lyhty-aggregate --bench release` (`make bench-release`).
//!
//! A seeded synthetic network — 500 organisations in every sector, ~200 vendors with a
//! realistic skew (a few used by nearly everyone, a long tail used by a handful), 5 contract
//! types, 12 renewal quarters plus `unknown`, ~2 000 lines per organisation — run through
//! [`build_release`], printing the figures of `DISCLOSURE.md`'s quality targets: time per
//! stage, cells and value suppressed against the sensitive floor, ranges (count, median
//! high ÷ low), value shown exactly or within 2×, release size, and whether the grand total
//! and the 20 largest vendors' totals are published. Then the same figures for a release
//! of the demo network (`sample-data/`, read as an upload reads it).

use chrono::{DateTime, NaiveDate};
use lyhty_aggregate::{
    CellStatus, ContributionLine, Contributor, ReleaseId, ReleaseInput, ReleaseMeta, ReleaseOutcome, ReleaseParams,
    build_release,
};
use lyhty_domain::{Lang, OrgCategory, OrgId, Quarter};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;
use uuid::Uuid;

const SEED: u64 = 20_260_331;
const VENDORS: usize = 200;
const LINES_PER_ORG: usize = 2_000;
/// Organisations per sector (500 in all; Kela is one organisation).
const SECTORS: [(OrgCategory, usize); 9] = [
    (OrgCategory::WellbeingCounty, 22),
    (OrgCategory::LargeCity, 21),
    (OrgCategory::University, 14),
    (OrgCategory::Uas, 22),
    (OrgCategory::Kela, 1),
    (OrgCategory::State, 120),
    (OrgCategory::Municipalities, 260),
    (OrgCategory::Parish, 20),
    (OrgCategory::Other, 20),
];
const CONTRACT_TYPES: [&str; 5] = ["enterprise_agreement", "subscription", "perpetual_maintenance", "csp", "framework"];
const CHANNELS: [&str; 5] = ["direct", "reseller", "framework", "in_house", "other"];
const BIG_VENDORS: [&str; 20] = [
    "Microsoft",
    "Oracle",
    "SAP",
    "Adobe",
    "Broadcom",
    "AWS",
    "Google",
    "Salesforce",
    "Atlassian",
    "Esri",
    "IBM",
    "Citrix",
    "ServiceNow",
    "Autodesk",
    "Cisco",
    "Red Hat",
    "Zoom",
    "Qlik",
    "Tableau",
    "Micro Focus",
];

/// SplitMix64: seeded, portable, no dependency.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.uniform() * n as f64) as usize % n.max(1)
    }
    /// exp(N(0, sigma²)) by Box–Muller.
    fn lognormal(&mut self, sigma: f64) -> f64 {
        let (u1, u2) = (self.uniform().max(1e-12), self.uniform());
        ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos() * sigma).exp()
    }
}

struct Contract {
    contract_type: &'static str,
    channel: &'static str,
    quarter: Option<Quarter>,
}

fn generate() -> ReleaseInput {
    let mut rng = Rng(SEED);
    let vendor_names: Vec<String> =
        (0..VENDORS).map(|i| BIG_VENDORS.get(i).map_or_else(|| format!("Vendor {i:03}"), |s| s.to_string())).collect();
    // Per vendor: its products, each with a licence type and a list price.
    let products: Vec<Vec<(String, &'static str, f64)>> = (0..VENDORS)
        .map(|v| {
            let n = 2 + (18.0 / ((v + 1) as f64).sqrt()) as usize;
            (0..n)
                .map(|p| {
                    let kind = match rng.below(20) {
                        0 => "other",
                        1..=5 => "server",
                        _ => "end_user",
                    };
                    let base = if kind == "server" { 2_000_00.0 } else { 100_00.0 };
                    (format!("{} product {p}", vendor_names[v]), kind, base * rng.lognormal(0.8))
                })
                .collect()
        })
        .collect();
    let quarters: Vec<Quarter> =
        (0..12).map(|i| Quarter::new(2026 + i / 4, (i % 4 + 1) as u8).expect("valid quarter")).collect();

    let mut contributors = Vec::new();
    let mut lines = Vec::with_capacity(500 * LINES_PER_ORG);
    let mut n = 0u128;
    let scale = organisations_wanted() as f64 / 500.0;
    for (sector, count) in SECTORS {
        // At least one organisation per sector, whatever the scale.
        let count = ((count as f64 * scale).round() as usize).max(1);
        for _ in 0..count {
            n += 1;
            let org = OrgId(Uuid::from_u128(n));
            contributors.push(Contributor { org, sector });
            let size = rng.lognormal(1.0) * if sector == OrgCategory::Municipalities { 0.3 } else { 1.0 };
            // Vendors used: nearly everyone uses the top ones, ~10 organisations the tail.
            let used: Vec<usize> =
                (0..VENDORS).filter(|&v| rng.uniform() < (1.3 / ((v + 1) as f64).powf(0.8)).min(0.97)).collect();
            let weights: Vec<f64> = used.iter().map(|&v| 1.0 / ((v + 1) as f64).sqrt()).collect();
            let weight_sum: f64 = weights.iter().sum();
            for (&v, w) in used.iter().zip(&weights) {
                let lines_here = ((LINES_PER_ORG as f64 * w / weight_sum).round() as usize).max(1);
                // One to three contracts per vendor, each with its type, channel and renewal.
                let contracts: Vec<Contract> = (0..1 + rng.below(3))
                    .map(|_| Contract {
                        contract_type: CONTRACT_TYPES[(v + rng.below(2) * rng.below(5)) % 5],
                        channel: CHANNELS[(v / 3 + rng.below(2) * rng.below(5)) % 5],
                        quarter: (rng.below(20) != 0).then(|| quarters[rng.below(12)]),
                    })
                    .collect();
                for _ in 0..lines_here {
                    let contract = &contracts[rng.below(contracts.len()).min(rng.below(contracts.len()))];
                    let catalogue = &products[v];
                    let p = rng.below(catalogue.len()).min(rng.below(catalogue.len()));
                    let (product, kind, price) = &catalogue[p];
                    let quantity = match *kind {
                        "server" => (size * rng.lognormal(0.7) * 2.0).ceil() as i64,
                        _ => (size * rng.lognormal(0.9) * 20.0).ceil() as i64,
                    };
                    let unit = price * (0.8 + 0.4 * rng.uniform());
                    let in_use = (rng.below(10) < 6).then(|| (quantity as f64 * (0.5 + 0.5 * rng.uniform())) as i64);
                    lines.push(ContributionLine {
                        org,
                        sector,
                        vendor: vendor_names[v].clone(),
                        product: product.clone(),
                        contract_type: contract.contract_type.into(),
                        licence_type: (*kind).into(),
                        channel: contract.channel.into(),
                        renewal_quarter: contract.quarter,
                        annual_cost_cents: (quantity as f64 * unit).round() as i64,
                        quantity,
                        in_use,
                    });
                }
            }
        }
    }
    ReleaseInput { as_of: NaiveDate::from_ymd_opt(2026, 3, 31).expect("date"), contributors, lines }
}

/// `LYHTY_BENCH_ORGS` (default 500, the size) scales the network down or up, to see
/// how the stages grow with it.
fn organisations_wanted() -> usize {
    std::env::var("LYHTY_BENCH_ORGS").ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(500)
}

/// The demo network of `sample-data/`: every party with an inventory, read as an upload.
fn demo_input(dir: &Path) -> Result<ReleaseInput, String> {
    #[derive(serde::Deserialize)]
    struct Party {
        category: String,
        inventory: Option<String>,
    }
    let text = std::fs::read_to_string(dir.join("parties.json")).map_err(|e| format!("parties.json: {e}"))?;
    let parties: Vec<Party> = serde_json::from_str(&text).map_err(|e| format!("parties.json: {e}"))?;
    let catalogue = lyhty_ingest::VendorCatalogue::seeded();
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let (mut contributors, mut lines) = (Vec::new(), Vec::new());
    for (i, party) in parties.iter().enumerate() {
        let Some(file) = &party.inventory else { continue };
        let sector = OrgCategory::parse(&party.category).ok_or(format!("category {}", party.category))?;
        let org = OrgId(Uuid::from_u128(i as u128 + 1));
        let bytes = std::fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
        let parsed = lyhty_ingest::read_submission_on(&bytes, file, &Default::default(), &catalogue, Lang::Fi, today)
            .map_err(|e| format!("{file}: {e}"))?;
        contributors.push(Contributor { org, sector });
        lines.extend(parsed.lines.iter().map(|l| ContributionLine {
            org,
            sector,
            vendor: l.vendor_canonical.clone(),
            product: l.product.clone(),
            contract_type: l.contract_type.key().to_string(),
            licence_type: l.licence_type.key().to_string(),
            channel: l.channel.map(|c| c.key().to_string()).unwrap_or_default(),
            renewal_quarter: l.contract_end.map(Quarter::of),
            annual_cost_cents: l.annual_cost_cents.get(),
            quantity: i64::try_from(l.quantity).unwrap_or(i64::MAX),
            in_use: l.in_use.map(|u| i64::try_from(u).unwrap_or(i64::MAX)),
        }));
    }
    Ok(ReleaseInput { as_of: NaiveDate::from_ymd_opt(2026, 3, 31).expect("date"), contributors, lines })
}

fn main() {
    let started = Instant::now();
    let input = generate();
    println!(
        "synthetic network: {} organisations, {} lines (generated in {:.1} s)",
        input.contributors.len(),
        input.lines.len(),
        started.elapsed().as_secs_f64()
    );
    report(&input, true);

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data");
    println!();
    match demo_input(&dir) {
        Ok(demo) => {
            println!(
                "demo network ({}): {} organisations, {} lines",
                dir.display(),
                demo.contributors.len(),
                demo.lines.len()
            );
            report(&demo, false);
        }
        Err(e) => println!("demo network: not read ({e})"),
    }
}

/// Releases `input` and prints the figures of the quality targets.
fn report(input: &ReleaseInput, timed_target: bool) {
    let mut vendor_totals: BTreeMap<&str, i64> = BTreeMap::new();
    for l in &input.lines {
        *vendor_totals.entry(l.vendor.as_str()).or_default() += l.annual_cost_cents;
    }
    let meta = ReleaseMeta { id: ReleaseId(Uuid::from_u128(1)), created_at: DateTime::UNIX_EPOCH };
    let started = Instant::now();
    let outcome = match build_release(input, &ReleaseParams::default(), meta, &[]) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("release failed: {e}");
            std::process::exit(1);
        }
    };
    let whole = started.elapsed().as_secs_f64();
    let stats = outcome.stats();
    let audit = outcome.audit();
    println!("vendors:            {}", vendor_totals.len());
    println!("rollup time:        {:>8.2} s", stats.rollup_ms as f64 / 1e3);
    println!(
        "suppression time:   {:>8.2} s  ({} LPs, {} rounds; ranges included)",
        stats.suppression_ms as f64 / 1e3,
        stats.suppression_lp_solves,
        stats.rounds
    );
    println!(
        "audit time:         {:>8.2} s  ({} cells, {} outsider + {} insider checks, {} insider LPs, {} LPs)",
        stats.audit_ms as f64 / 1e3,
        audit.cells_checked,
        audit.outsider_checks,
        audit.insider_checks,
        audit.insider_lps,
        audit.lp_solves
    );
    println!(
        "witnesses:          {} offered by the suppression, {} accepted by the audit",
        audit.witnesses_offered, audit.witnesses_accepted
    );
    let target = if timed_target { "  (target ≤ 30 s)" } else { "" };
    println!("whole release:      {whole:>8.2} s{target}");
    println!(
        "cells:              {} distinct ({} non-empty), {} sensitive, {} suppressed",
        stats.cells, stats.non_empty_cells, stats.sensitive_cells, stats.suppressed_cells
    );
    println!(
        "suppressed:         {:>8.2} % of cells, {:.2} % of value; the sensitive floor {:.2} % and {:.2} %",
        100.0 * stats.suppressed_cell_share,
        100.0 * stats.suppressed_value_share,
        100.0 * stats.sensitive_cell_share,
        100.0 * stats.sensitive_value_share
    );
    println!(
        "beyond the floor:   {:>8.2} % of cells (target ≤ 5 %), {:.2} % of value (target ≤ 1 %)",
        100.0 * stats.secondary_cell_share,
        100.0 * stats.secondary_value_share
    );
    println!(
        "ranges:             {} cells, median high ÷ low {} (target ≤ 1.5)",
        stats.ranged_cells,
        stats.median_range_ratio.map_or("–".to_string(), |r| format!("{r:.2}"))
    );
    println!(
        "value shown:        {:>8.2} % exactly or within 2× (target ≥ 95 %)",
        100.0 * stats.value_shown_within_2x_share
    );
    println!("audits:             {}", if audit.passed { "passed, 0 violations" } else { "FAILED" });
    match &outcome {
        ReleaseOutcome::Published(published) => {
            let json = published.release.to_json();
            let snapshot = serde_json::to_string(&published.contributions).unwrap_or_default();
            println!("release size:       {:>8.1} kB JSON", json.len() as f64 / 1e3);
            println!("contributions kept: {:>8.1} MB JSON (coordinator only)", snapshot.len() as f64 / 1e6);
            let vendor = published.release.table("vendor").expect("vendor table");
            let status = |v: &str| vendor.cell(&[v]).map(|c| c.status);
            println!("grand total:        {:?}", status("*").unwrap_or(CellStatus::Empty));
            let mut largest: Vec<(&str, i64)> = vendor_totals.iter().map(|(v, t)| (*v, *t)).collect();
            largest.sort_by_key(|(v, t)| (std::cmp::Reverse(*t), *v));
            let published_top =
                largest.iter().take(20).filter(|(v, _)| status(v) == Some(CellStatus::Published)).count();
            println!("largest 20 vendors: {published_top} of 20 published");
            let shown = vendor
                .cells
                .iter()
                .filter(|c| c.members[0] != "*")
                .filter(|c| c.status == CellStatus::Published || c.range.is_some())
                .count();
            println!("vendor totals:      {shown} of {} shown exactly or as a range", vendor.cells.len() - 1);
            history_step(input, published);
        }
        ReleaseOutcome::Refused(refused) => {
            println!("REFUSED: {} violations", refused.audit.violations.len());
            let mut causes: BTreeMap<String, usize> = BTreeMap::new();
            for v in &refused.audit.violations {
                *causes
                    .entry(format!("{:?}: {}", v.audit, v.note.as_deref().unwrap_or("interval too narrow")))
                    .or_default() += 1;
            }
            for (cause, n) in causes {
                println!("  {n:>6} × {cause}");
            }
            println!("e.g.:");
            for v in refused.audit.violations.iter().take(10) {
                println!(
                    "  {:?} {} {:?}: [{}, {:?}] needs [{}, {}]{}",
                    v.audit,
                    v.cell,
                    v.measure,
                    v.min,
                    v.max,
                    v.required_min,
                    v.required_max,
                    v.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
                );
            }
        }
    }
}

/// The history step: a second release of the same network a quarter later, with three
/// newcomers (copies of one organisation's inventory, scaled) and three changed
/// inventories, audited together with the first.
fn history_step(first_input: &ReleaseInput, first: &lyhty_aggregate::PublishedRelease) {
    let mut input = first_input.clone();
    input.as_of = NaiveDate::from_ymd_opt(2026, 6, 30).expect("date");
    let last = input.contributors.iter().map(|c| c.org.0.as_u128()).max().unwrap_or(0);
    // Copies of one organisation at 90, 100 and 110 %: three similar newcomers, whose joint
    // change of the grand total passes the primary rules.
    for (k, source) in [3u128, 3, 3].into_iter().enumerate() {
        let org = OrgId(Uuid::from_u128(last + 1 + k as u128));
        let Some(template) = input.contributors.iter().find(|c| c.org.0.as_u128() == source).copied() else { continue };
        input.contributors.push(Contributor { org, sector: template.sector });
        let copied: Vec<ContributionLine> = first_input
            .lines
            .iter()
            .filter(|l| l.org == template.org)
            .map(|l| ContributionLine {
                org,
                annual_cost_cents: l.annual_cost_cents * (9 + k as i64) / 10,
                ..l.clone()
            })
            .collect();
        input.lines.extend(copied);
    }
    for l in input.lines.iter_mut().filter(|l| matches!(l.org.0.as_u128(), 5..=7)) {
        l.annual_cost_cents += l.annual_cost_cents / 20;
    }
    let versions = lyhty_aggregate::Versions::default().with_earlier(&first_input.lines);
    let meta = ReleaseMeta { id: ReleaseId(Uuid::from_u128(2)), created_at: DateTime::UNIX_EPOCH };
    let started = Instant::now();
    let outcome = lyhty_aggregate::build_release_versioned(
        &input,
        &versions,
        &ReleaseParams::default(),
        meta,
        std::slice::from_ref(first),
    );
    let whole = started.elapsed().as_secs_f64();
    match outcome {
        Ok(outcome) => {
            let stats = outcome.stats();
            println!(
                "history step:       {whole:>8.2} s  (second release: 3 joiners, 3 changed; {} history checks, \
                 {} held back, {} of {} cells suppressed, audits {})",
                outcome.audit().history_checks,
                stats.held_back_organisations,
                stats.suppressed_cells,
                stats.non_empty_cells,
                if outcome.audit().passed { "passed" } else { "FAILED" }
            );
        }
        Err(e) => println!("history step failed: {e}"),
    }
}
