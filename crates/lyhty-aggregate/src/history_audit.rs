//! The history audit: the new release checked together with every earlier one.
//!
//! For every earlier release `j` and every cell, the change `X_new − X_j` is a cell whose
//! contributors are the organisations whose contributions to it changed (joiners, leavers
//! and changed inventories alike). When that change fails a primary rule (frequency on the
//! organisations that changed, p % on the sizes of their changes), a reader who knows the
//! cell in both releases must not be able to narrow the change to within its protection
//! interval `[d − U, d + U]`.
//!
//! What a reader knows of a cell enters through one function, [`known_bounds`]: a published
//! or empty cell is exact; a suppressed one is its published range `[lo, hi]` where it has
//! one, otherwise `[0, ∞)` from the release's JSON alone. For a cell the new
//! release suppresses *because of* its change, that is not enough: its value might still
//! follow from the new release's published cells, so the audit solves the new release's
//! outsider LP for it ([`NewIntervals`]) — its own formulation, apart from the suppression.
//!
//! The same change cells give the suppression its extra targets ([`targets`]): a cell
//! published before whose change is sensitive must move by `U` in the new release, so it
//! is suppressed with complements like any sensitive cell. This module decides nothing
//! about holding back; it reports which organisations' changes it found unprotected, and
//! [`crate::history::Planner`] holds them back.

use crate::history::{PublishedRelease, SnapshotCell, change_failure, difference};
use crate::input::ReleaseParams;
use crate::model::{CellRef, Dimension, MARGIN, MEASURE_COUNT, Measure, Values};
use crate::release::{CellStatus, Release, ReleaseCell};
use crate::rollup::LinkedSystem;
use crate::solver::{lp_unit, quiet_model};
use crate::suppression::Target;
use crate::{AuditKind, Violation};
use highs::{Col, HighsModelStatus, Model, RowProblem, Sense};
use lyhty_domain::OrgId;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a reader knows of one measure of a cell: `[lo, hi]`, `hi` `None` when unbounded.
pub(crate) type Bound = (f64, Option<f64>);

/// What a reader of the release knows of `cell` on `measure`. The one place published
/// information enters the history audit.
pub(crate) fn known_bounds(cell: &ReleaseCell, measure: usize) -> Bound {
    match (cell.status, cell.values[measure]) {
        (CellStatus::Published | CellStatus::Empty, Some(v)) => (v as f64, Some(v as f64)),
        _ => match cell.range {
            // A range is published information like any number (DISCLOSURE.md).
            Some(range) => (range[measure][0] as f64, Some(range[measure][1] as f64)),
            None => (0.0, None),
        },
    }
}

/// The cell a table row shows: `(v, *)` of a two-way table is the vendor cell.
pub(crate) fn cell_ref(dimensions: &[String], members: &[String]) -> Option<CellRef> {
    let vendor = members.first()?.clone();
    match (dimensions.get(1), members.get(1)) {
        (None, _) => Some(CellRef { vendor, dimension: None, member: None }),
        (Some(_), Some(m)) if m == MARGIN => Some(CellRef { vendor, dimension: None, member: None }),
        (Some(d), Some(m)) => Some(CellRef { vendor, dimension: Some(Dimension::parse(d)?), member: Some(m.clone()) }),
        (Some(_), None) => None,
    }
}

/// Every cell a release shows, by cell.
fn cells_of(release: &Release) -> HashMap<CellRef, &ReleaseCell> {
    let mut out = HashMap::new();
    for table in &release.tables {
        for cell in &table.cells {
            if let Some(r) = cell_ref(&table.dimensions, &cell.members) {
                out.entry(r).or_insert(cell);
            }
        }
    }
    out
}

/// A cell a release does not show at all (a vendor it did not list) reads as 0: the
/// cautious reading, since its contributions were then elsewhere or nowhere.
fn bounds_in(cells: &HashMap<CellRef, &ReleaseCell>, r: &CellRef, m: usize) -> Bound {
    cells.get(r).map_or((0.0, Some(0.0)), |c| known_bounds(c, m))
}

/// An earlier release, indexed for comparison.
struct Earlier<'a> {
    release: &'a PublishedRelease,
    shown: HashMap<CellRef, &'a ReleaseCell>,
    contributions: HashMap<&'a CellRef, &'a SnapshotCell>,
}

impl<'a> Earlier<'a> {
    fn new(release: &'a PublishedRelease) -> Self {
        let contributions = release.contributions.cells.iter().map(|c| (&c.cell, c)).collect();
        Self { release, shown: cells_of(&release.release), contributions }
    }

    /// Per organisation, its contribution to `r` in this release.
    fn of(&self, r: &CellRef) -> BTreeMap<OrgId, Values> {
        let Some(cell) = self.contributions.get(r) else { return BTreeMap::new() };
        let orgs = &self.release.contributions.orgs;
        cell.orgs.iter().zip(&cell.values).filter_map(|(&o, v)| Some((*orgs.get(o as usize)?, *v))).collect()
    }
}

fn contributions_now(sys: &LinkedSystem, c: usize) -> BTreeMap<OrgId, Values> {
    sys.contributions[c].iter().filter_map(|k| Some((*sys.orgs.get(k.org as usize)?, k.values))).collect()
}

/// The protection `U` a sensitive change needs per measure: the p % rule's on the sizes of
/// the changes, and where too few organisations changed, `frequency_protection_percent`
/// of the change. Recomputed here rather than shared with the primary rules.
fn change_protection(diff: &BTreeMap<OrgId, Values>, params: &ReleaseParams) -> [f64; MEASURE_COUNT] {
    let frequency = !diff.is_empty() && diff.len() < params.min_orgs as usize;
    std::array::from_fn(|m| {
        let mut sizes: Vec<f64> = diff.values().map(|d| d[m].unsigned_abs() as f64).collect();
        sizes.sort_by(|a, b| b.total_cmp(a));
        let total: f64 = sizes.iter().sum();
        let (x1, x2) = (sizes.first().copied().unwrap_or(0.0), sizes.get(1).copied().unwrap_or(0.0));
        let mut need = (f64::from(params.p_percent) / 100.0 * x1 - (total - x1 - x2)).max(0.0);
        let change: f64 = diff.values().map(|d| d[m] as f64).sum();
        if frequency {
            need = need.max(f64::from(params.frequency_protection_percent) / 100.0 * change.abs());
        }
        need
    })
}

/// The suppression targets of the changes: every cell of the new release that some earlier
/// release showed exactly and whose change since is sensitive must move by the change's
/// protection, both ways.
pub(crate) fn targets(sys: &LinkedSystem, history: &[&PublishedRelease], params: &ReleaseParams) -> Vec<Target> {
    let earlier: Vec<Earlier<'_>> = history.iter().map(|p| Earlier::new(p)).collect();
    let mut need: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for c in 0..sys.cells.len() {
        let r = sys.cells[c].to_ref();
        let now = contributions_now(sys, c);
        for e in &earlier {
            let bounded: Vec<usize> = (0..MEASURE_COUNT).filter(|&m| bounds_in(&e.shown, &r, m).1.is_some()).collect();
            if bounded.is_empty() {
                continue;
            }
            let diff = difference(&now, &e.of(&r));
            if change_failure(&diff, params).is_none() {
                continue;
            }
            let protection = change_protection(&diff, params);
            let before = e.of(&r);
            for m in bounded {
                // A range that reaches the protection beyond the old value on both sides
                // already hides the change on its own; an exact value or a tighter range
                // does not.
                let (lo, hi) = bounds_in(&e.shown, &r, m);
                let old: f64 = before.values().map(|v| v[m] as f64).sum();
                let hidden = lo <= old - protection[m] && hi.is_none_or(|hi| hi >= old + protection[m]);
                if protection[m] > 0.0 && !hidden {
                    let slot = need.entry((m, c)).or_insert(0.0);
                    *slot = slot.max(protection[m]);
                }
            }
        }
    }
    let mut out = Vec::new();
    for ((measure, cell), amount) in need {
        for up in [true, false] {
            // A little more than asked, so that round-off cannot leave the audit just short.
            let amount =
                if up { amount * 1.01 + 1.0 } else { (amount * 1.01 + 1.0).min(sys.totals[cell][measure] as f64) };
            out.push(Target { cell, measure, up, amount, whole_system: false, owner: Target::owner_of(sys, cell) });
        }
    }
    out
}

/// What the history audit found.
#[derive(Default)]
pub(crate) struct HistoryFindings {
    pub checks: usize,
    pub violations: Vec<Violation>,
    /// The organisations whose changes make up the unprotected change cells, with why.
    pub implicated: BTreeMap<OrgId, String>,
}

/// Audits the new release (its rendered cells and its system) against every earlier one.
pub(crate) fn audit(
    sys: &LinkedSystem,
    suppressed: &[bool],
    release: &Release,
    history: &[&PublishedRelease],
    params: &ReleaseParams,
) -> HistoryFindings {
    let mut findings = HistoryFindings::default();
    if history.is_empty() {
        return findings;
    }
    let shown = cells_of(release);
    let mut intervals = NewIntervals::new(sys, suppressed);
    for p in history {
        let e = Earlier::new(p);
        let keys: BTreeSet<&CellRef> =
            shown.keys().chain(e.shown.keys()).chain(e.contributions.keys().copied()).collect();
        for r in keys {
            let now = sys.index.get(&r.to_key()).map_or_else(BTreeMap::new, |&c| contributions_now(sys, c));
            let diff = difference(&now, &e.of(r));
            let Some(why) = change_failure(&diff, params) else { continue };
            let protection = change_protection(&diff, params);
            for m in 0..MEASURE_COUNT {
                let need = protection[m];
                let before = bounds_in(&e.shown, r, m);
                if need <= 0.0 || before.1.is_none() {
                    continue;
                }
                findings.checks += 1;
                let mut after = bounds_in(&shown, r, m);
                // Suppressed now because of this change: what the new release's published
                // cells still say of it.
                if after.1.is_none()
                    && let Some(&c) = sys.index.get(&r.to_key())
                {
                    after =
                        intervals.interval(c, m).unwrap_or((sys.totals[c][m] as f64, Some(sys.totals[c][m] as f64)));
                }
                let d: f64 = diff.values().map(|v| v[m] as f64).sum();
                let (lo, hi) = (after.0 - before.1.unwrap_or(f64::INFINITY), after.1.map(|h| h - before.0));
                let slack = 1e-6 * (d.abs() + need) + 1e-6;
                let covered = lo <= d - need + slack && hi.is_none_or(|hi| hi >= d + need - slack);
                if covered {
                    continue;
                }
                findings.violations.push(Violation {
                    audit: AuditKind::History,
                    cell: r.clone(),
                    measure: Measure::ALL[m],
                    min: lo,
                    max: hi,
                    required_min: d - need,
                    required_max: d + need,
                    attacker: None,
                    note: Some(format!("change since the release of {}: it {why}", p.release.as_of)),
                });
                for org in diff.keys() {
                    findings.implicated.entry(*org).or_insert_with(|| {
                        format!(
                            "its change of {r} since the release of {} {why}, and could not be protected",
                            p.release.as_of
                        )
                    });
                }
            }
        }
    }
    findings.violations.sort_by(|a, b| (&a.cell, a.measure).cmp(&(&b.cell, b.measure)));
    findings.violations.dedup_by(|a, b| a.cell == b.cell && a.measure == b.measure);
    findings
}

/// The outsider's interval of a suppressed cell of the new release: min and max of its
/// value subject to every additivity equation, the published values and `X ≥ 0` (cells
/// that are 0 on the measure known as 0). One LP per connected group of suppressed cells
/// and measure, kept warm: only the objective changes from one cell to the next.
struct NewIntervals<'a> {
    sys: &'a LinkedSystem,
    suppressed: &'a [bool],
    group: Vec<usize>,
    members: BTreeMap<usize, Vec<usize>>,
    lps: BTreeMap<(usize, usize), GroupLp>,
}

struct GroupLp {
    model: Option<Model>,
    cols: Vec<Col>,
    position: BTreeMap<usize, usize>,
    unit: f64,
    objective: Option<usize>,
}

impl<'a> NewIntervals<'a> {
    fn new(sys: &'a LinkedSystem, suppressed: &'a [bool]) -> Self {
        let n = sys.cells.len();
        let mut group: Vec<usize> = (0..n).collect();
        fn root(group: &mut [usize], mut x: usize) -> usize {
            while group[x] != x {
                group[x] = group[group[x]];
                x = group[x];
            }
            x
        }
        for eq in &sys.equations {
            let hidden: Vec<usize> =
                std::iter::once(eq.total).chain(eq.parts.iter().copied()).filter(|&c| suppressed[c]).collect();
            for pair in hidden.windows(2) {
                let (a, b) = (root(&mut group, pair[0]), root(&mut group, pair[1]));
                group[a.max(b)] = a.min(b);
            }
        }
        let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for c in (0..n).filter(|&c| suppressed[c]) {
            let g = root(&mut group, c);
            group[c] = g;
            members.entry(g).or_default().push(c);
        }
        Self { sys, suppressed, group, members, lps: BTreeMap::new() }
    }

    fn build(&self, g: usize, m: usize) -> Option<GroupLp> {
        let (sys, suppressed) = (self.sys, self.suppressed);
        let cells = self.members.get(&g)?;
        let position: BTreeMap<usize, usize> = cells.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        let mut rows = Vec::new();
        for eq in &sys.equations {
            let all: Vec<(usize, f64)> =
                std::iter::once((eq.total, 1.0)).chain(eq.parts.iter().map(|&p| (p, -1.0))).collect();
            if !all.iter().any(|(c, _)| position.contains_key(c)) {
                continue;
            }
            let mut row = Vec::new();
            let mut rhs = 0.0;
            for (c, sign) in all {
                match position.get(&c) {
                    Some(&i) if suppressed[c] => row.push((i, sign)),
                    _ => rhs -= sign * sys.totals[c][m] as f64,
                }
            }
            rows.push((rhs, row));
        }
        let unit = lp_unit(rows.iter().map(|(rhs, _)| *rhs).chain(cells.iter().map(|&c| sys.totals[c][m] as f64)));
        let mut problem = RowProblem::default();
        let cols: Vec<Col> = cells
            .iter()
            .map(|&c| {
                if sys.totals[c][m] == 0 { problem.add_column(0.0, 0.0..=0.0) } else { problem.add_column(0.0, 0.0..) }
            })
            .collect();
        for (rhs, row) in &rows {
            problem.add_row(rhs / unit..=rhs / unit, row.iter().map(|&(i, s)| (cols[i], s)));
        }
        let model = quiet_model(problem, true).ok()?;
        Some(GroupLp { model: Some(model), cols, position, unit, objective: None })
    }

    /// `None` when the LP could not be solved (the caller then takes the cell as known).
    fn interval(&mut self, cell: usize, m: usize) -> Option<Bound> {
        let g = *self.group.get(cell)?;
        if !self.lps.contains_key(&(g, m)) {
            let lp = self.build(g, m)?;
            self.lps.insert((g, m), lp);
        }
        let lp = self.lps.get_mut(&(g, m))?;
        let pos = *lp.position.get(&cell)?;
        let low = lp.optimise(pos, Sense::Minimise)??;
        let high = lp.optimise(pos, Sense::Maximise)?;
        Some((low.max(0.0), high))
    }
}

impl GroupLp {
    /// `Some(None)`: unbounded above. `None`: the solver gave no answer.
    fn optimise(&mut self, pos: usize, sense: Sense) -> Option<Option<f64>> {
        let mut model = self.model.take()?;
        if self.objective != Some(pos) {
            if let Some(old) = self.objective {
                model.change_column_cost(self.cols[old], 0.0);
            }
            model.change_column_cost(self.cols[pos], 1.0);
            self.objective = Some(pos);
        }
        model.set_sense(sense);
        let solved = model.try_solve().ok()?;
        let answer = match solved.status() {
            HighsModelStatus::Optimal => Some(Some(solved.get_solution().columns()[pos] * self.unit)),
            HighsModelStatus::Unbounded | HighsModelStatus::UnboundedOrInfeasible if sense == Sense::Maximise => {
                Some(None)
            }
            _ => None,
        };
        self.model = Some(Model::from(solved));
        answer
    }
}
