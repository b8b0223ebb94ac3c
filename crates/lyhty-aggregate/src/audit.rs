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
//!    subject to all equations and `X ≥ 0`, with cells that are 0 on the measure known to
//!    be 0 (some are by definition: the end-user licences of a `server` cell). The
//!    interval must cover `[X − L, X + U]`.
//! 2. **Insider**: for every organisation `o`, the same LP with `X_c ≥ own_c(o)` (it knows
//!    its own contributions). If exactly one other organisation `t` remains in `s`, `t`'s
//!    value must not be bounded within ±p % (`max ≥ own + (1+p)·x_t`,
//!    `min ≤ own + (1−p)·x_t`); if several remain, the p % condition must hold for the
//!    largest of them (`max ≥ own + (1+p)·x1'`, with the others' values unknown).
//!
//! **Witnesses settle most checks without an LP.** A witness is a table `X + y` that the
//! suppression claims no attacker can tell from the true one (its deviation vectors). The
//! audit trusts nothing of it: it checks every additivity equation the witness touches,
//! that it moves only suppressed cells, that it stays ≥ 0, and against every organisation's
//! own contributions, which organisations could rule it out (those are *blocked*). A
//! checked witness is a feasible point of the attacker's LP for every organisation it does
//! not block, so its value of `s` is a proven bound on that attacker's optimum: if it
//! reaches the requirement, the check passes without solving anything. For a blocked
//! organisation the witness is pulled back towards the true table (feasible for everyone)
//! until it respects that organisation's own parts, and the shorter reach is used. A
//! witness that fails a check is ignored, and every check no witness settles gets its LP,
//! so a wrong witness can only cost time, never let an unprotected cell through.
//!
//! Most remaining insider checks are settled without an LP too: the true table `X` is
//! feasible for every insider, so `X + λ·(X* − X)` is too for the largest `λ ∈ [0,1]` keeping every
//! cell above `own(o)`, where `X*` is the outsider's optimum; when that point already
//! reaches the requirement the exact LP is not needed. Only when it does not (typically:
//! `o` knows a complement cell exactly) is the insider's own LP solved.

use crate::attacker_lp::{AttackerLp, keep_needed};
use crate::model::{CellRange, MEASURE_COUNT, Measure};
use crate::rollup::{Contribution, LinkedSystem};
use crate::witness::{CheckedWitness, Witness, check_witnesses, pull_back, tolerance};
use highs::Sense;
use std::collections::BTreeMap;
use std::time::Instant;

pub use crate::report::{AuditKind, AuditReport, CellInterval, Violation};

/// Parameters the audit needs; a subset of [`crate::ReleaseParams`], passed explicitly so
/// the audit's view of the rules is visible at the call site.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AuditRules {
    pub min_orgs: u32,
    pub p_percent: u32,
    pub frequency_protection_percent: u32,
    /// Threads the audit may use (the result does not depend on it).
    pub threads: usize,
}

/// Audits the pattern `suppressed` on the system. `suppressed[c]` covers the non-empty
/// cells; empty cells are always published (as zeros). `ranges[c]`, where present, is
/// published too: known bounds on the cell (an empty slice: no ranges). `witnesses` may be
/// empty: they only spare LPs, and are checked before use.
pub(crate) fn audit(
    sys: &LinkedSystem,
    suppressed: &[bool],
    ranges: &[Option<CellRange>],
    witnesses: &[Witness],
    rules: AuditRules,
) -> AuditReport {
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
    let checked = check_witnesses(sys, suppressed, ranges, witnesses);
    report.witnesses_offered = witnesses.len();
    report.witnesses_accepted = checked.values().map(Vec::len).sum();
    let components = components(sys, suppressed);
    // Components are independent LPs: audited in parallel, merged in a fixed order.
    let jobs: Vec<(usize, &Vec<usize>)> = (0..MEASURE_COUNT)
        .flat_map(|m| components.iter().map(move |component| (m, component)))
        .filter(|(_, component)| component.iter().any(|&c| sensitive[c]))
        .collect();
    let parts = crate::parallel::map_indexed(
        jobs.len(),
        rules.threads,
        |i| jobs[i].1.len(),
        |i| {
            let (m, cells) = jobs[i];
            let component = Component { cells, measure: m, sensitive: &sensitive, witnesses: &checked, ranges };
            let mut part = AuditReport::default();
            audit_component(sys, suppressed, &component, rules, &mut part);
            part
        },
    );
    for part in parts {
        report.outsider_checks += part.outsider_checks;
        report.insider_checks += part.insider_checks;
        report.insider_lps += part.insider_lps;
        report.lp_solves += part.lp_solves;
        report.intervals.extend(part.intervals);
        report.violations.extend(part.violations);
        report.reached.extend(part.reached);
        report.reached_needed.extend(part.reached_needed);
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

/// One connected component of suppressed cells on one measure, with what the audit knows
/// about it beforehand.
struct Component<'a> {
    cells: &'a [usize],
    measure: usize,
    sensitive: &'a [bool],
    witnesses: &'a BTreeMap<(usize, usize), Vec<CheckedWitness>>,
    ranges: &'a [Option<CellRange>],
}

/// The component's attacker LP, built when the first check needs it (most never do).
fn attacker_lp<'a>(
    lp: &'a mut Option<Option<AttackerLp>>,
    sys: &LinkedSystem,
    suppressed: &[bool],
    component: &Component<'_>,
) -> Option<&'a mut AttackerLp> {
    lp.get_or_insert_with(|| AttackerLp::new(sys, suppressed, component.ranges, component.cells, component.measure))
        .as_mut()
}

fn audit_component(
    sys: &LinkedSystem,
    suppressed: &[bool],
    component: &Component<'_>,
    rules: AuditRules,
    report: &mut AuditReport,
) {
    let m = component.measure;
    let measure = Measure::ALL[m];
    let p = f64::from(rules.p_percent) / 100.0;
    let mut lp: Option<Option<AttackerLp>> = None;
    let truth: Vec<f64> = component.cells.iter().map(|&c| sys.totals[c][m] as f64).collect();
    // Per position, the span of the optima pulled back to what the requirements need.
    let mut needed: Vec<[f64; 2]> = truth.iter().map(|&x| [x, x]).collect();
    // Insiders: organisations contributing to any cell of the component, with their own
    // contributions per position (only positive ones bind).
    let mut own: BTreeMap<u32, Vec<(usize, f64)>> = BTreeMap::new();
    for (pos, &c) in component.cells.iter().enumerate() {
        for k in &sys.contributions[c] {
            let entry = own.entry(k.org).or_default();
            if k.values[m] > 0 {
                entry.push((pos, k.values[m] as f64));
            }
        }
    }

    for (pos, &s) in component.cells.iter().enumerate() {
        if !component.sensitive[s] {
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
        let witnessed = component.witnesses.get(&(s, m)).map_or(&[][..], Vec::as_slice);
        // The furthest a checked witness moves s up (down) for attacker o (None: outsider),
        // each witness scaled back as far as o's own contributions require.
        let reach =
            |w: &CheckedWitness, o: Option<u32>| w.reach * o.and_then(|o| w.blocked.get(&o).copied()).unwrap_or(1.0);
        let witness_max =
            |o: Option<u32>| witnessed.iter().filter(|w| w.reach > 0.0).map(|w| x + reach(w, o)).reduce(f64::max);
        let witness_min =
            |o: Option<u32>| witnessed.iter().filter(|w| w.reach < 0.0).map(|w| x + reach(w, o)).reduce(f64::min);
        let reaches_up = |v: f64, up: f64| up <= 0.0 || v >= x + up - tolerance(x, up);
        let reaches_down = |v: f64, down: f64| down <= 0.0 || v <= x - down + tolerance(x, down);

        // 1. Outsider: settled by witnesses, or else its LP (whose optima also serve the
        // insiders below).
        report.outsider_checks += 1;
        let (w_min, w_max) = (witness_min(None), witness_max(None));
        let settled = reaches_down(w_min.unwrap_or(x), need_down) && reaches_up(w_max.unwrap_or(x), need_up);
        let outsider = if settled {
            None
        } else {
            let Some(lp) = attacker_lp(&mut lp, sys, suppressed, component) else {
                report.violations.push(failure(sys, s, measure, "could not build the attacker LP"));
                continue;
            };
            match (lp.optimise(pos, Sense::Minimise), lp.optimise(pos, Sense::Maximise)) {
                (Ok(l), Ok(h)) => {
                    // What the ranges must keep possible: the optimum pulled back to where s
                    // moves as far as the furthest requirement on it, with 5 % to spare.
                    let most_down = insiders.iter().map(|(_, (d, _))| *d).fold(need_down, f64::max);
                    let most_up = insiders.iter().map(|(_, (_, u))| *u).fold(need_up, f64::max);
                    keep_needed(&mut needed, &truth, &l, pos, most_down);
                    keep_needed(&mut needed, &truth, &h, pos, most_up);
                    Some((l, h))
                }
                (Err(e), _) | (_, Err(e)) => {
                    report.violations.push(failure(sys, s, measure, &e));
                    continue;
                }
            }
        };
        let (min, max) = match &outsider {
            Some((low, high)) => (low.bound.unwrap_or(0.0), high.bound),
            None => (w_min.unwrap_or(x), Some(w_max.unwrap_or(x))),
        };
        report.intervals.push(CellInterval {
            cell: sys.cells[s].to_ref(),
            measure,
            value: sys.totals[s][m],
            min,
            max,
            required_min: x - need_down,
            required_max: x + need_up,
            exact: outsider.is_some(),
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

        // 2. Insiders.
        for (o, (down, up)) in insiders {
            report.insider_checks += 1;
            let own_s =
                o.and_then(|o| sys.contributions[s].iter().find(|k| k.org == o)).map_or(0.0, |k| k.values[m] as f64);
            // The requirement is on the others' part; in terms of the cell total it is
            // [X − down, X + up] since own + others = X.
            let (want_min, want_max) = (x - down, x + up);
            let bounds: &[(usize, f64)] = o.and_then(|o| own.get(&o)).map_or(&[], Vec::as_slice);
            // Bounds found so far; `Some(None)` for max is "unbounded". A direction that
            // needs nothing counts as settled at the truth.
            let mut insider_max: Option<Option<f64>> =
                if up <= 0.0 { Some(Some(x)) } else { witness_max(o).filter(|&v| reaches_up(v, up)).map(Some) };
            let mut insider_min: Option<f64> =
                if down <= 0.0 { Some(x) } else { witness_min(o).filter(|&v| reaches_down(v, down)) };
            if let Some((low, high)) = &outsider {
                if bounds.is_empty() {
                    // Knows nothing in the component: the outsider's interval is its own.
                    insider_max.get_or_insert(high.bound);
                    insider_min.get_or_insert(low.bound.unwrap_or(0.0));
                } else {
                    // A lower bound on the insider's max (upper bound on its min) from the
                    // outsider's optimum pulled back towards the truth until it respects `own`.
                    let pulled = |point: &Option<Vec<f64>>| -> Option<f64> {
                        let point = point.as_ref()?;
                        let lambda =
                            bounds.iter().map(|&(q, own)| pull_back(truth[q], point[q], own)).fold(1.0, f64::min);
                        Some(x + lambda * (point[pos] - x))
                    };
                    if insider_max.is_none() && high.bound.is_some() {
                        insider_max = pulled(&high.point).filter(|&v| reaches_up(v, up)).map(Some);
                    }
                    if insider_min.is_none() {
                        insider_min = pulled(&low.point).filter(|&v| reaches_down(v, down));
                    }
                }
            }
            if insider_max.is_none() || insider_min.is_none() {
                // The insider's own LP: the outsider's with X_c ≥ own_c(o).
                report.insider_lps += 1;
                let Some(lp) = attacker_lp(&mut lp, sys, suppressed, component) else {
                    report.violations.push(failure(sys, s, measure, "could not build the attacker LP"));
                    break;
                };
                lp.set_lower_bounds(bounds);
                if insider_max.is_none() {
                    match lp.optimise(pos, Sense::Maximise) {
                        Ok(h) => {
                            keep_needed(&mut needed, &truth, &h, pos, up);
                            insider_max = Some(h.bound);
                        }
                        Err(e) => report.violations.push(failure(sys, s, measure, &e)),
                    }
                }
                if insider_min.is_none() {
                    match lp.optimise(pos, Sense::Minimise) {
                        Ok(l) => {
                            keep_needed(&mut needed, &truth, &l, pos, down);
                            insider_min = Some(l.bound.unwrap_or(0.0));
                        }
                        Err(e) => report.violations.push(failure(sys, s, measure, &e)),
                    }
                }
                let reset: Vec<(usize, f64)> = bounds.iter().map(|&(q, _)| (q, 0.0)).collect();
                lp.set_lower_bounds(&reset);
            }
            // An LP that failed has been reported as a violation already. A direction that
            // needs nothing sits at the truth, which covers its (empty) requirement.
            let insider_min = insider_min.unwrap_or(want_min);
            let insider_max = insider_max.unwrap_or(Some(want_max));
            if !covers(insider_min, insider_max, want_min, want_max, x) {
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
    if let Some(Some(lp)) = &lp {
        report.lp_solves += lp.solves;
        for (&c, &[low, high]) in component.cells.iter().zip(&lp.reached) {
            if low <= high {
                report.reached.insert((c, m), [low, high]);
            }
        }
    }
    for (&c, &[low, high]) in component.cells.iter().zip(&needed) {
        if low < high {
            report.reached_needed.insert((c, m), [low, high]);
        }
    }
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
