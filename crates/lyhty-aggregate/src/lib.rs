//! Anonymised releases of the network's licence position.
//!
//! The agreement (§11.1, §14) allows publishing only "appropriate summaries and
//! generalisations", never one organisation's figures. This crate turns the accepted
//! inventories (plain rows in, no SQL) into a **release**: eight linked tables protected by
//! statistical disclosure control and audited before anyone sees them (`DISCLOSURE.md`).
//!
//! The pipeline of [`build_release`], one module per step:
//!
//! 1. [`input`] — check the lines and the contributor list;
//! 2. [`rollup`] (polars) — recode rare vendors and products, sum contributions per
//!    organisation and cell, and form the cells of the eight tables, margins included, as
//!    one linear system (a cell shared by tables is one cell);
//! 3. [`primary`] — the frequency and p % rules: which cells are sensitive and how much
//!    protection each needs;
//! 4. [`suppression`] — complementary cells, chosen by LP (HiGHS) over the whole linked
//!    system at once;
//! 5. [`ranges`] — an interval with round ends on every suppressed cell of `min_orgs` or
//!    more contributors, spanning what the suppression's deviation vectors need;
//! 6. [`audit`] — the gate, written independently of 4 (they share only [`solver`]'s HiGHS
//!    settings): an outsider interval audit and an insider audit per organisation, both
//!    taking the ranges as published bounds. Any violation and the release is refused, with
//!    the reasons; otherwise it is published;
//! 7. [`release`] — the release JSON; [`history`] — what is kept for later releases, and
//!    which updates are held back so that the change since every earlier release passes
//!    the primary rules too (`history_audit` audits it, ranges included, and adds the
//!    changed cells to 4);
//!    [`benchmark`] — a member's own figures beside the published cells; [`renewals`] —
//!    the network's renewal windows from the published `vendor × renewal_year` cells.
//!
//! polars is used here and only here; callers get serde types, never a `DataFrame`. The
//! output is deterministic: sorted everywhere, exact integer sums, single-threaded solver
//! runs in a fixed order, so shuffled input or another thread count gives the same bytes.
#![forbid(unsafe_code)]

pub(crate) mod attacker_lp;
pub mod audit;
pub mod benchmark;
pub mod contributions;
pub mod error;
pub mod history;
pub(crate) mod history_audit;
pub mod input;
pub mod model;
pub(crate) mod parallel;
pub mod primary;
pub mod ranges;
pub mod release;
pub mod renewals;
pub mod report;
pub(crate) mod rollup;
pub mod savings;
#[cfg(test)]
mod scenarios;
pub(crate) mod solver;
pub(crate) mod suppression;
pub(crate) mod witness;

pub use audit::{AuditKind, AuditReport, CellInterval, Violation};
pub use benchmark::{BenchmarkRow, Figures, FiguresRange, MemberBenchmark, benchmark};
pub use contributions::{contributions, cut_off};
pub use error::AggregateError;
pub use history::{
    ContributionSnapshot, HeldBack, HeldBackReason, PublishedRelease, SnapshotCell, Versions, fingerprint,
};
pub use input::{ContributionLine, Contributor, ReleaseId, ReleaseInput, ReleaseMeta, ReleaseParams};
pub use model::{CellRef, Dimension, Measure};
pub use release::{CellStatus, Release, ReleaseCell, ReleaseTable};
pub use renewals::{RenewalWindow, renewal_windows};
pub use savings::{
    SavingEntry, SavingsOutcome, SavingsStatus, YearSavings, YearState, savings_by_year, savings_over_time,
};

use serde::{Deserialize, Serialize};
use std::time::Instant;
use suppression::{Suppressor, Target};

/// The result of an attempt to make a release.
#[derive(Clone, Debug, PartialEq)]
pub enum ReleaseOutcome {
    /// Both audits passed: store it and show it.
    Published(Box<PublishedRelease>),
    /// An audit found a violation: nothing may be shown; the coordinator sees why.
    Refused(Box<RefusedRelease>),
}

impl ReleaseOutcome {
    pub fn published(&self) -> Option<&PublishedRelease> {
        match self {
            Self::Published(p) => Some(p),
            Self::Refused(_) => None,
        }
    }

    pub fn audit(&self) -> &AuditReport {
        match self {
            Self::Published(p) => &p.audit,
            Self::Refused(r) => &r.audit,
        }
    }

    pub fn stats(&self) -> &ReleaseStats {
        match self {
            Self::Published(p) => &p.stats,
            Self::Refused(r) => &r.stats,
        }
    }
}

/// A release the audits refused: the violations (cell, measure, the attacker's interval,
/// the required one) are in `audit.violations`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefusedRelease {
    pub audit: AuditReport,
    pub stats: ReleaseStats,
}

/// Figures about how a release was made (coordinator only).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleaseStats {
    pub lines: usize,
    /// Lines of organisations that are not contributors at the cut-off.
    pub lines_left_out: usize,
    pub organisations: usize,
    /// Distinct cells of the linked system (a shared cell counts once), empty ones included.
    pub cells: usize,
    pub non_empty_cells: usize,
    /// Cells failing a primary rule.
    pub sensitive_cells: usize,
    /// All suppressed cells, primary and secondary.
    pub suppressed_cells: usize,
    /// Suppressed share of the non-empty distinct cells (empty cells cannot be suppressed).
    pub suppressed_cell_share: f64,
    /// Suppressed share of annual cost, summed over the non-empty distinct cells.
    pub suppressed_value_share: f64,
    /// The same two shares for the sensitive cells alone: the floor no secondary
    /// suppression can go below.
    #[serde(default)]
    pub sensitive_cell_share: f64,
    #[serde(default)]
    pub sensitive_value_share: f64,
    /// Suppressed beyond the floor (secondary suppression): share of the non-empty
    /// distinct cells, and of their annual cost.
    #[serde(default)]
    pub secondary_cell_share: f64,
    #[serde(default)]
    pub secondary_value_share: f64,
    /// Suppressed cells that carry a range (every one of `min_orgs` or more contributors).
    #[serde(default)]
    pub ranged_cells: usize,
    /// Median of high ÷ low over the annual-cost ranges of non-zero cells; `None` when
    /// there are none (or the median range starts at 0).
    #[serde(default)]
    pub median_range_ratio: Option<f64>,
    /// Share of annual cost (over the non-empty distinct cells) shown exactly or within a
    /// range at most 2 wide (high ÷ low ≤ 2).
    #[serde(default)]
    pub value_shown_within_2x_share: f64,
    /// Suppress–audit rounds used.
    pub rounds: u32,
    pub suppression_lp_solves: usize,
    /// Organisations whose updates this release holds back (multi-release protection).
    pub held_back_organisations: usize,
    pub rollup_ms: u64,
    pub suppression_ms: u64,
    pub audit_ms: u64,
}

/// Computes, protects and audits a release.
///
/// `previous` are the releases already published: the new one is audited together with all
/// of them ([`history`], [`history_audit`]). Without [`Versions`], an organisation whose
/// inventory changed or that left cannot be held back at its previous state (its earlier
/// lines are unknown); use [`build_release_versioned`] to give them. The outcome is
/// [`ReleaseOutcome::Refused`] when the audits find any violation; errors are for input
/// that cannot be tabulated.
pub fn build_release(
    input: &ReleaseInput,
    params: &ReleaseParams,
    meta: ReleaseMeta,
    previous: &[PublishedRelease],
) -> Result<ReleaseOutcome, AggregateError> {
    build_release_versioned(input, &Versions::default(), params, meta, previous)
}

/// [`build_release`] with the version of each contributor's inventory and the lines of the
/// versions the latest release used, so that updates can be held back.
pub fn build_release_versioned(
    input: &ReleaseInput,
    versions: &Versions,
    params: &ReleaseParams,
    meta: ReleaseMeta,
    previous: &[PublishedRelease],
) -> Result<ReleaseOutcome, AggregateError> {
    params.validate()?;
    let history = history::ordered(input.as_of, previous)?;
    let mut planner = history::Planner::new(input, versions, &history, params)?;
    loop {
        let plan = planner.plan();
        let (outcome, implicated) = attempt(&plan, params, meta, &history)?;
        // Changes the new release could not protect stay at their previous state; when none
        // of the organisations named can be held back, every change is: that gives the
        // latest release's data again, which is always safe. Each round holds back more.
        if implicated.is_empty() || !(planner.hold_back(&implicated) || planner.hold_back_all()) {
            return Ok(outcome);
        }
    }
}

/// One release of `plan`'s data; with the organisations whose changes the history audit
/// found unprotected.
fn attempt(
    plan: &history::Plan,
    params: &ReleaseParams,
    meta: ReleaseMeta,
    history: &[&PublishedRelease],
) -> Result<(ReleaseOutcome, std::collections::BTreeMap<lyhty_domain::OrgId, String>), AggregateError> {
    let input = &plan.input;
    let started = Instant::now();
    let (rows, lines_left_out) = input::prepare(input)?;
    let sys = rollup::rollup(&rows, params.min_orgs)?;
    let rollup_ms = elapsed_ms(started);

    let started = Instant::now();
    let risks = primary::assess(&sys, params);
    let threads = parallel::release_threads();
    let mut suppressor = Suppressor::new(&sys, &risks);
    suppressor.protect_all(&risks, &Suppressor::primary_targets(&sys, &risks), threads)?;
    // The changes since earlier releases that would show: after the primary targets, in a
    // fixed order, so the pattern does not depend on the thread count.
    for target in history_audit::targets(&sys, history, params) {
        suppressor.protect(target)?;
    }
    let mut suppression_ms = elapsed_ms(started);

    let rules = audit::AuditRules {
        min_orgs: params.min_orgs,
        p_percent: params.p_percent,
        frequency_protection_percent: params.frequency_protection_percent,
        threads,
    };
    let (mut report, mut ranges) = audit_with_ranges(&sys, &suppressor, rules, params.min_orgs);
    let mut audit_ms = report.duration_ms;
    let mut rounds = 1;
    // The suppression's capacities are conservative, so the audits should pass at once;
    // should they not (solver round-off, a cell the table-by-table LP could not see), the
    // cells they name are protected again over the whole system, with a margin.
    while !report.passed && rounds < params.max_rounds {
        let targets = repair_targets(&sys, &report);
        if targets.is_empty() {
            break;
        }
        let started = Instant::now();
        for target in targets {
            suppressor.protect(target)?;
        }
        suppression_ms += elapsed_ms(started);
        (report, ranges) = audit_with_ranges(&sys, &suppressor, rules, params.min_orgs);
        audit_ms += report.duration_ms;
        rounds += 1;
    }
    let mut release = release::render(&sys, &suppressor.suppressed, &ranges, meta.id, input.as_of, meta.created_at);
    let started = Instant::now();
    let findings = history_audit::audit(&sys, &suppressor.suppressed, &release, history, params);
    audit_ms += elapsed_ms(started);
    report.history_checks = findings.checks;
    report.violations.extend(findings.violations);
    report.passed = report.violations.is_empty();
    report.held_back = plan.held_back.clone();
    report.duration_ms = audit_ms;

    let held_back_organisations = plan.held_back.len();
    let stats = stats(
        &sys,
        &risks,
        &suppressor,
        &ranges,
        &rows,
        lines_left_out,
        rounds,
        held_back_organisations,
        [rollup_ms, suppression_ms, audit_ms],
    );
    if !report.passed {
        let refused = ReleaseOutcome::Refused(Box::new(RefusedRelease { audit: report, stats }));
        return Ok((refused, findings.implicated));
    }
    release.held_back_organisations = held_back_organisations;
    let published = ReleaseOutcome::Published(Box::new(PublishedRelease {
        release,
        audit: report,
        params: params.clone(),
        contributions: ContributionSnapshot::of(&sys, plan.versions.clone()),
        stats,
    }));
    Ok((published, findings.implicated))
}

/// Audits the pattern, chooses the ranges from the suppression's witnesses and the
/// audit's own optima, and audits again with the ranges published: the second report is
/// the gate (the ranges are published numbers like any other).
fn audit_with_ranges(
    sys: &rollup::LinkedSystem,
    suppressor: &Suppressor<'_>,
    rules: audit::AuditRules,
    min_orgs: u32,
) -> (AuditReport, Vec<Option<ranges::CellRange>>) {
    let pattern = audit::audit(sys, &suppressor.suppressed, &[], &suppressor.witnesses, rules);
    let choose = |reached| ranges::choose(sys, &suppressor.suppressed, &suppressor.witnesses, reached, min_orgs);
    let ranges = choose(&pattern.reached_needed);
    if !pattern.passed {
        return (pattern, ranges);
    }
    let mut report = audit::audit(sys, &suppressor.suppressed, &ranges, &suppressor.witnesses, rules);
    report.duration_ms += pattern.duration_ms;
    if report.passed {
        return (report, ranges);
    }
    // Narrow ranges left some attacker LP short of a requirement that the pattern meets:
    // span the audit's optima whole, which keeps every bound the pattern audit found.
    let ranges = choose(&pattern.reached);
    let mut wide = audit::audit(sys, &suppressor.suppressed, &ranges, &suppressor.witnesses, rules);
    wide.duration_ms += report.duration_ms;
    if wide.passed {
        return (wide, ranges);
    }
    // Ranges are worth having, never at the price of a release the pattern alone protects:
    // rather than refuse it (or suppress more), publish it without ranges, as audited.
    let mut bare = pattern;
    bare.duration_ms = wide.duration_ms;
    (bare, vec![None; ranges.len()])
}

/// Deviations to add for the cells an audit round found unprotected.
fn repair_targets(sys: &rollup::LinkedSystem, report: &AuditReport) -> Vec<Target> {
    let mut targets = Vec::new();
    for v in &report.violations {
        let Some(&cell) = sys.index.get(&v.cell.to_key()) else { continue };
        let x = sys.totals[cell][v.measure.index()] as f64;
        // 5 % more than asked, so round-off cannot leave it just short again.
        let margin = |need: f64| need * 1.05 + 1.0;
        if v.max.is_some_and(|max| max < v.required_max) {
            targets.push(Target {
                cell,
                measure: v.measure.index(),
                up: true,
                amount: margin(v.required_max - x),
                whole_system: true,
                owner: Target::owner_of(sys, cell),
            });
        }
        if v.min > v.required_min {
            targets.push(Target {
                cell,
                measure: v.measure.index(),
                up: false,
                amount: margin(x - v.required_min).min(x),
                whole_system: true,
                owner: Target::owner_of(sys, cell),
            });
        }
    }
    targets
}

#[allow(clippy::too_many_arguments)]
fn stats(
    sys: &rollup::LinkedSystem,
    risks: &[primary::CellRisk],
    suppressor: &Suppressor<'_>,
    ranges: &[Option<ranges::CellRange>],
    rows: &[input::Microrow],
    lines_left_out: usize,
    rounds: u32,
    held_back_organisations: usize,
    [rollup_ms, suppression_ms, audit_ms]: [u64; 3],
) -> ReleaseStats {
    let release = release::render(
        sys,
        &suppressor.suppressed,
        &[],
        ReleaseId(uuid::Uuid::nil()),
        chrono::NaiveDate::MIN,
        chrono::DateTime::UNIX_EPOCH,
    );
    let mut distinct = std::collections::BTreeSet::new();
    for table in &release.tables {
        for cell in &table.cells {
            // A (vendor, *) cell of a two-way table is the vendor table's cell: one key for
            // both, so that it counts once.
            let key: Vec<&str> = match cell.members.as_slice() {
                [v] => vec![v.as_str()],
                [v, m] if m == model::MARGIN => vec![v.as_str()],
                other => std::iter::once(table.name.as_str()).chain(other.iter().map(String::as_str)).collect(),
            };
            distinct.insert(key.join("\u{1f}"));
        }
    }
    let suppressed_cells = suppressor.suppressed.iter().filter(|&&s| s).count();
    let cost = |c: usize| sys.totals[c][Measure::AnnualCostCents.index()] as f64;
    let total_value: f64 = (0..sys.cells.len()).map(cost).sum();
    let suppressed_value: f64 = (0..sys.cells.len()).filter(|&c| suppressor.suppressed[c]).map(cost).sum();
    let sensitive: Vec<usize> = (0..sys.cells.len()).filter(|&c| risks[c].sensitive()).collect();
    let sensitive_value: f64 = sensitive.iter().map(|&c| cost(c)).sum();
    let share = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let figures = RangeFigures::of(sys, &suppressor.suppressed, ranges);
    ReleaseStats {
        lines: rows.len(),
        lines_left_out,
        organisations: sys.orgs.len(),
        cells: distinct.len(),
        non_empty_cells: sys.cells.len(),
        sensitive_cells: sensitive.len(),
        sensitive_cell_share: share(sensitive.len() as f64, sys.cells.len() as f64),
        sensitive_value_share: share(sensitive_value, total_value),
        suppressed_cells,
        suppressed_cell_share: share(suppressed_cells as f64, sys.cells.len() as f64),
        suppressed_value_share: share(suppressed_value, total_value),
        secondary_cell_share: share((suppressed_cells - sensitive.len()) as f64, sys.cells.len() as f64),
        secondary_value_share: share(suppressed_value - sensitive_value, total_value),
        ranged_cells: figures.ranged_cells,
        median_range_ratio: figures.median_ratio,
        value_shown_within_2x_share: share(figures.value_within_2x, total_value),
        rounds,
        suppression_lp_solves: suppressor.lp_solves,
        held_back_organisations,
        rollup_ms,
        suppression_ms,
        audit_ms,
    }
}

/// What the ranges show: how many, how wide, how much value they pin down.
struct RangeFigures {
    ranged_cells: usize,
    median_ratio: Option<f64>,
    /// Annual cost of the cells published, or suppressed with a cost range at most 2 wide.
    value_within_2x: f64,
}

impl RangeFigures {
    fn of(sys: &rollup::LinkedSystem, suppressed: &[bool], ranges: &[Option<ranges::CellRange>]) -> Self {
        let cost = Measure::AnnualCostCents.index();
        let mut ratios = Vec::new();
        let mut value_within_2x = 0.0;
        for (c, &hidden) in suppressed.iter().enumerate() {
            let x = sys.totals[c][cost] as f64;
            let range = ranges.get(c).copied().flatten().filter(|_| hidden);
            let ratio = range.filter(|_| x > 0.0).map(|r| {
                let [lo, hi] = r[cost];
                if lo > 0 { hi as f64 / lo as f64 } else { f64::INFINITY }
            });
            ratios.extend(ratio);
            if !hidden || ratio.is_some_and(|r| r <= 2.0) {
                value_within_2x += x;
            }
        }
        ratios.sort_by(f64::total_cmp);
        let median = match ratios.len() {
            0 => None,
            n if n % 2 == 1 => Some(ratios[n / 2]),
            n => Some((ratios[n / 2 - 1] + ratios[n / 2]) / 2.0),
        };
        Self {
            ranged_cells: (0..sys.cells.len())
                .filter(|&c| suppressed[c] && ranges.get(c).is_some_and(Option::is_some))
                .count(),
            median_ratio: median.filter(|m| m.is_finite()),
            value_within_2x,
        }
    }
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}
