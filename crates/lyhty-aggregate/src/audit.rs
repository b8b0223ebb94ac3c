//! The release gate: an outsider and an insider audit of a suppression pattern.
//!
//! Written apart from [`crate::suppression`] on purpose, so that a mistake there is caught
//! here rather than repeated: the audit recomputes which cells are sensitive and what they
//! need from the contributions itself, and works with a different LP — the attacker's own
//! problem over cell **values** (not deviations), with exact per-organisation knowledge
//! (not the suppression's conservative capacities).
//!
//! For every magnitude measure, the suppressed cells split into connected components (two
//! suppressed cells are linked when an additivity equation holds both); published cells are
//! constants. On each component:
//!
//! 1. **Outsider**: for every suppressed sensitive cell `s`, minimise and maximise `X_s`
//!    subject to all equations and `X ≥ 0`. The interval must cover `[X − L, X + U]`.
//! 2. **Insider**: for every organisation `o`, the same LP with `X_c ≥ own_c(o)` (it knows
//!    its own contributions). If exactly one other organisation `t` remains in `s`, `t`'s
//!    value must not be bounded within ±p % (`max ≥ own + (1+p)·x_t`,
//!    `min ≤ own + (1−p)·x_t`); if several remain, the p % condition must hold for the
//!    largest of them (`max ≥ own + (1+p)·x1'`, with the others' values unknown).
//!
//! Most insider checks are settled without an LP: the true table `X` is feasible for
//! every insider, so `X + λ·(X* − X)` is too for the largest `λ ∈ [0,1]` keeping every
//! cell above `own(o)`, where `X*` is the outsider's optimum; when that point already
//! reaches the requirement the exact LP is not needed. Only when it does not (typically:
//! `o` knows a complement cell exactly) is the insider's own LP solved.

use crate::model::{CellRef, MEASURE_COUNT, Measure};
use crate::rollup::{Contribution, LinkedSystem};
use highs::{Col, HighsModelStatus, Model, RowProblem, Sense};
use lyhty_domain::OrgId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// Which audit found a violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    Outsider,
    Insider,
}

/// The attacker's interval for one suppressed sensitive cell and one measure, beside the
/// interval it must cover. `None` bounds are unbounded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellInterval {
    pub cell: CellRef,
    pub measure: Measure,
    pub value: i64,
    pub min: f64,
    pub max: Option<f64>,
    pub required_min: f64,
    pub required_max: f64,
}

/// A protection failure: the release must not be published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub audit: AuditKind,
    pub cell: CellRef,
    pub measure: Measure,
    /// The attacker's interval: `[min, max]`, `max` `None` when unbounded.
    pub min: f64,
    pub max: Option<f64>,
    pub required_min: f64,
    pub required_max: f64,
    /// The insider whose knowledge narrows the interval (coordinator-only report).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub attacker: Option<OrgId>,
    /// Set when the LP itself could not be solved; the cell then counts as unprotected.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
}

/// What the audits found, kept with the release and shown to the coordinator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditReport {
    /// Both audits found nothing: the release may be published.
    pub passed: bool,
    /// Suppressed sensitive cells checked (per cell, all measures).
    pub cells_checked: usize,
    pub outsider_checks: usize,
    pub insider_checks: usize,
    /// Insider checks that needed the insider's own LP (the rest were settled from the
    /// outsider's solution).
    pub insider_lps: usize,
    pub lp_solves: usize,
    pub intervals: Vec<CellInterval>,
    pub violations: Vec<Violation>,
    /// Wall-clock time of the audits; the only field that differs between identical runs.
    pub duration_ms: u64,
}

/// Parameters the audit needs; a subset of [`crate::ReleaseParams`], passed explicitly so
/// the audit's view of the rules is visible at the call site.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AuditRules {
    pub min_orgs: u32,
    pub p_percent: u32,
    pub frequency_protection_percent: u32,
}

/// Audits the pattern `suppressed` on the system. `suppressed[c]` covers the non-empty
/// cells; empty cells are always published (as zeros).
pub(crate) fn audit(sys: &LinkedSystem, suppressed: &[bool], rules: AuditRules) -> AuditReport {
    let started = Instant::now();
    let mut report = AuditReport::default();
    let sensitive: Vec<bool> = (0..sys.cells.len()).map(|c| is_sensitive(sys, c, rules)).collect();
    report.cells_checked = (0..sys.cells.len()).filter(|&c| suppressed[c] && sensitive[c]).count();
    // A sensitive cell that is published is a violation of the primary rules already.
    for c in (0..sys.cells.len()).filter(|&c| sensitive[c] && !suppressed[c]) {
        for m in 0..MEASURE_COUNT {
            let x = sys.totals[c][m];
            report.violations.push(Violation {
                audit: AuditKind::Outsider,
                cell: sys.cells[c].to_ref(),
                measure: Measure::ALL[m],
                min: x as f64,
                max: Some(x as f64),
                required_min: x as f64,
                required_max: x as f64,
                attacker: None,
                note: Some("sensitive cell published".into()),
            });
        }
    }
    let components = components(sys, suppressed);
    for m in 0..MEASURE_COUNT {
        for component in &components {
            if component.iter().any(|&c| sensitive[c]) {
                audit_component(sys, suppressed, &sensitive, component, m, rules, &mut report);
            }
        }
    }
    report.violations.sort_by(|a, b| {
        (&a.cell, a.measure, a.audit as u8, a.attacker).cmp(&(&b.cell, b.measure, b.audit as u8, b.attacker))
    });
    report.passed = report.violations.is_empty();
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    report
}

/// The primary rules as the audit reads them (recomputed here, not taken from
/// `crate::primary`, so the gate does not inherit a bug of the code it checks).
fn is_sensitive(sys: &LinkedSystem, c: usize, rules: AuditRules) -> bool {
    let n = sys.contributions[c].len();
    if n == 0 {
        return false;
    }
    if n < rules.min_orgs as usize {
        return true;
    }
    (0..MEASURE_COUNT).any(|m| {
        let mut values: Vec<i64> = sys.contributions[c].iter().map(|k| k.values[m]).collect();
        values.sort_unstable_by(|a, b| b.cmp(a));
        // X − x1 − x2 is the sum of all but the two largest.
        let x1 = values.first().copied().unwrap_or(0);
        let rest: i64 = values.iter().skip(2).sum();
        x1 > 0 && 100 * i128::from(rest) < i128::from(rules.p_percent) * i128::from(x1)
    })
}

/// The outsider's required half-widths `(L, U)` for cell `c` on measure `m`.
fn outsider_requirement(sys: &LinkedSystem, c: usize, m: usize, rules: AuditRules) -> (f64, f64) {
    let contributions = &sys.contributions[c];
    let x = sys.totals[c][m] as f64;
    let mut values: Vec<i64> = contributions.iter().map(|k| k.values[m]).collect();
    values.sort_unstable_by(|a, b| b.cmp(a));
    let x1 = values.first().copied().unwrap_or(0) as f64;
    let x2 = values.get(1).copied().unwrap_or(0) as f64;
    let mut need = (f64::from(rules.p_percent) / 100.0 * x1 - (x - x1 - x2)).max(0.0);
    if !contributions.is_empty() && contributions.len() < rules.min_orgs as usize {
        need = need.max(f64::from(rules.frequency_protection_percent) / 100.0 * x);
    }
    (need, need)
}

/// What insider `o` (None: an organisation with no part in the cell) must not learn:
/// the required `(down, up)` movement of the cell total, or None when nothing remains to
/// protect from it.
fn insider_requirement(
    contributions: &[Contribution],
    orgs_index: Option<u32>,
    m: usize,
    p: f64,
) -> Option<(f64, f64)> {
    let others: Vec<i64> = contributions.iter().filter(|k| Some(k.org) != orgs_index).map(|k| k.values[m]).collect();
    match others.as_slice() {
        [] => None,
        [only] => {
            let need = p * *only as f64;
            (need > 0.0).then_some((need, need))
        }
        several => {
            let x1 = several.iter().copied().max().unwrap_or(0) as f64;
            let rest: f64 = several.iter().map(|&v| v as f64).sum::<f64>() - x1;
            let need = p * x1 - rest;
            (need > 0.0).then_some((0.0, need))
        }
    }
}

/// Suppressed cells grouped by the equations that link them.
fn components(sys: &LinkedSystem, suppressed: &[bool]) -> Vec<Vec<usize>> {
    let n = sys.cells.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for eq in &sys.equations {
        let mut first: Option<usize> = None;
        for c in std::iter::once(eq.total).chain(eq.parts.iter().copied()) {
            if !suppressed[c] {
                continue;
            }
            match first {
                None => first = Some(c),
                Some(f) => {
                    let (a, b) = (find(&mut parent, f), find(&mut parent, c));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for c in (0..n).filter(|&c| suppressed[c]) {
        let root = find(&mut parent, c);
        groups.entry(root).or_default().push(c);
    }
    groups.into_values().collect()
}

/// The attacker's LP over one component: one column per suppressed cell value.
struct AttackerLp {
    model: Option<Model>,
    cols: Vec<Col>,
    objective: Option<usize>,
    solves: usize,
}

/// An optimum of the attacker's LP: the bound and the table reaching it.
struct Optimum {
    bound: Option<f64>,
    point: Option<Vec<f64>>,
}

impl AttackerLp {
    fn new(sys: &LinkedSystem, suppressed: &[bool], component: &[usize], m: usize) -> Option<Self> {
        let mut problem = RowProblem::default();
        let mut position = BTreeMap::new();
        let mut cols = Vec::with_capacity(component.len());
        for (i, &c) in component.iter().enumerate() {
            cols.push(problem.add_column(0.0, 0.0..));
            position.insert(c, i);
        }
        let members: BTreeSet<usize> = component.iter().copied().collect();
        for eq in &sys.equations {
            let touches = std::iter::once(eq.total).chain(eq.parts.iter().copied()).any(|c| members.contains(&c));
            if !touches {
                continue;
            }
            // total − Σ parts = 0, with published cells moved to the right-hand side.
            let mut row = Vec::new();
            let mut rhs = 0.0;
            for (c, sign) in std::iter::once((eq.total, 1.0)).chain(eq.parts.iter().map(|&p| (p, -1.0))) {
                if suppressed[c] {
                    row.push((cols[position[&c]], sign));
                } else {
                    rhs -= sign * sys.totals[c][m] as f64;
                }
            }
            problem.add_row(rhs..=rhs, row);
        }
        let mut model = problem.try_optimise(Sense::Minimise).ok()?;
        model.make_quiet();
        model.try_set_option("parallel", "off").ok()?;
        model.try_set_option("random_seed", 0).ok()?;
        Some(Self { model: Some(model), cols, objective: None, solves: 0 })
    }

    /// Minimises or maximises the value of the cell at `pos`.
    fn optimise(&mut self, pos: usize, sense: Sense) -> Result<Optimum, String> {
        let mut model = self.model.take().ok_or("attacker LP lost after an earlier failure")?;
        if self.objective != Some(pos) {
            if let Some(old) = self.objective {
                model.change_column_cost(self.cols[old], 0.0);
            }
            model.change_column_cost(self.cols[pos], 1.0);
            self.objective = Some(pos);
        }
        model.set_sense(sense);
        let solved = model.try_solve().map_err(|e| format!("{e:?}"))?;
        self.solves += 1;
        let result = match solved.status() {
            HighsModelStatus::Optimal => {
                let point = solved.get_solution().columns().to_vec();
                Ok(Optimum { bound: Some(point[pos]), point: Some(point) })
            }
            HighsModelStatus::Unbounded | HighsModelStatus::UnboundedOrInfeasible if sense == Sense::Maximise => {
                Ok(Optimum { bound: None, point: None })
            }
            other => Err(format!("attacker LP ended {other:?}")),
        };
        self.model = Some(Model::from(solved));
        result
    }

    fn set_lower_bounds(&mut self, bounds: &[(usize, f64)]) {
        if let Some(model) = self.model.as_mut() {
            for &(pos, lower) in bounds {
                model.change_column_bounds(self.cols[pos], lower..);
            }
        }
    }
}

fn audit_component(
    sys: &LinkedSystem,
    suppressed: &[bool],
    sensitive: &[bool],
    component: &[usize],
    m: usize,
    rules: AuditRules,
    report: &mut AuditReport,
) {
    let measure = Measure::ALL[m];
    let p = f64::from(rules.p_percent) / 100.0;
    let Some(mut lp) = AttackerLp::new(sys, suppressed, component, m) else {
        for &s in component.iter().filter(|&&s| sensitive[s]) {
            report.violations.push(failure(sys, s, measure, "could not build the attacker LP"));
        }
        return;
    };
    let truth: Vec<f64> = component.iter().map(|&c| sys.totals[c][m] as f64).collect();
    // Insiders: organisations contributing to any cell of the component, with their own
    // contributions per position (only positive ones bind).
    let mut own: BTreeMap<u32, Vec<(usize, f64)>> = BTreeMap::new();
    for (pos, &c) in component.iter().enumerate() {
        for k in &sys.contributions[c] {
            let entry = own.entry(k.org).or_default();
            if k.values[m] > 0 {
                entry.push((pos, k.values[m] as f64));
            }
        }
    }

    for (pos, &s) in component.iter().enumerate() {
        if !sensitive[s] {
            continue;
        }
        let x = truth[pos];
        let (need_down, need_up) = outsider_requirement(sys, s, m, rules);
        let insiders: Vec<(Option<u32>, (f64, f64))> = std::iter::once(None)
            .chain(own.keys().map(|&o| Some(o)))
            .filter_map(|o| insider_requirement(&sys.contributions[s], o, m, p).map(|r| (o, r)))
            .collect();
        if need_up <= 0.0 && need_down <= 0.0 && insiders.is_empty() {
            continue;
        }
        let low = lp.optimise(pos, Sense::Minimise);
        let high = lp.optimise(pos, Sense::Maximise);
        let (low, high) = match (low, high) {
            (Ok(l), Ok(h)) => (l, h),
            (Err(e), _) | (_, Err(e)) => {
                report.violations.push(failure(sys, s, measure, &e));
                continue;
            }
        };
        let min = low.bound.unwrap_or(0.0);
        let max = high.bound;
        report.outsider_checks += 1;
        report.intervals.push(CellInterval {
            cell: sys.cells[s].to_ref(),
            measure,
            value: sys.totals[s][m],
            min,
            max,
            required_min: x - need_down,
            required_max: x + need_up,
        });
        if !covers(min, max, x - need_down, x + need_up, x) {
            report.violations.push(Violation {
                audit: AuditKind::Outsider,
                cell: sys.cells[s].to_ref(),
                measure,
                min,
                max,
                required_min: x - need_down,
                required_max: x + need_up,
                attacker: None,
                note: None,
            });
        }

        for (o, (down, up)) in insiders {
            report.insider_checks += 1;
            let own_s =
                o.and_then(|o| sys.contributions[s].iter().find(|k| k.org == o)).map_or(0.0, |k| k.values[m] as f64);
            // The requirement is on the others' part; in terms of the cell total it is
            // [X − down, X + up] since own + others = X.
            let (want_min, want_max) = (x - down, x + up);
            let bounds: &[(usize, f64)] = o.and_then(|o| own.get(&o)).map_or(&[], Vec::as_slice);
            let mut insider_min = min;
            let mut insider_max = max;
            if !bounds.is_empty() {
                // A lower bound on the insider's max (upper bound on its min) from the
                // outsider's optimum pulled back towards the truth until it respects `own`.
                let pulled = |point: &Option<Vec<f64>>| -> Option<f64> {
                    let point = point.as_ref()?;
                    let mut lambda: f64 = 1.0;
                    for &(q, lower) in bounds {
                        if point[q] < lower {
                            let room = truth[q] - lower;
                            let drop = truth[q] - point[q];
                            lambda = lambda.min(if drop > 0.0 { (room / drop).max(0.0) } else { 0.0 });
                        }
                    }
                    Some(x + lambda * (point[pos] - x))
                };
                let settled_max = match (&high.point, max) {
                    (_, None) => None, // unbounded for the outsider; the insider may bound it
                    (_, Some(_)) => pulled(&high.point).filter(|&v| v >= want_max - tolerance(x, up)),
                };
                let settled_min = pulled(&low.point).filter(|&v| v <= want_min + tolerance(x, down));
                let need_max_lp = up > 0.0 && settled_max.is_none();
                let need_min_lp = down > 0.0 && settled_min.is_none();
                if need_max_lp || need_min_lp {
                    report.insider_lps += 1;
                    lp.set_lower_bounds(bounds);
                    if need_max_lp {
                        match lp.optimise(pos, Sense::Maximise) {
                            Ok(h) => insider_max = h.bound,
                            Err(e) => report.violations.push(failure(sys, s, measure, &e)),
                        }
                    }
                    if need_min_lp {
                        match lp.optimise(pos, Sense::Minimise) {
                            Ok(l) => insider_min = l.bound.unwrap_or(0.0),
                            Err(e) => report.violations.push(failure(sys, s, measure, &e)),
                        }
                    }
                    let reset: Vec<(usize, f64)> = bounds.iter().map(|&(q, _)| (q, 0.0)).collect();
                    lp.set_lower_bounds(&reset);
                } else {
                    insider_max = settled_max.or(max);
                    insider_min = settled_min.unwrap_or(min);
                }
            }
            let check_min = if down > 0.0 { want_min } else { f64::INFINITY };
            let check_max = if up > 0.0 { want_max } else { f64::NEG_INFINITY };
            if !covers(insider_min, insider_max, check_min.min(x), check_max.max(x), x) {
                report.violations.push(Violation {
                    audit: AuditKind::Insider,
                    cell: sys.cells[s].to_ref(),
                    measure,
                    min: insider_min,
                    max: insider_max,
                    required_min: want_min,
                    required_max: want_max,
                    attacker: o.and_then(|o| sys.orgs.get(o as usize).copied()),
                    note: (own_s > 0.0).then(|| "attacker contributes to the cell".to_string()),
                });
            }
        }
    }
    report.lp_solves += lp.solves;
}

/// Slack for solver round-off: a millionth of the magnitudes involved, plus a hair.
fn tolerance(x: f64, need: f64) -> f64 {
    1e-6 * (x.abs() + need.abs()) + 1e-6
}

/// Whether `[min, max]` (max None = unbounded) covers `[want_min, want_max]`.
fn covers(min: f64, max: Option<f64>, want_min: f64, want_max: f64, x: f64) -> bool {
    let slack_low = tolerance(x, x - want_min);
    let slack_high = tolerance(x, want_max - x);
    min <= want_min + slack_low && max.is_none_or(|max| max >= want_max - slack_high)
}

fn failure(sys: &LinkedSystem, s: usize, measure: Measure, why: &str) -> Violation {
    let x = sys.totals[s][measure.index()] as f64;
    Violation {
        audit: AuditKind::Outsider,
        cell: sys.cells[s].to_ref(),
        measure,
        min: x,
        max: Some(x),
        required_min: x,
        required_max: x,
        attacker: None,
        note: Some(why.to_string()),
    }
}
