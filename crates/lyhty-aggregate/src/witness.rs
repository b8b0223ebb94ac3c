//! Witnesses: tables `X + deviation` that the suppression offers as evidence that a
//! suppressed cell can move, and the audit's own check of each before it relies on one
//! (see [`crate::audit`]). A witness that fails a check is dropped, so a wrong one can only
//! cost the audit time, never let an unprotected cell through.

use crate::model::{CellRange, MEASURE_COUNT};
use crate::rollup::LinkedSystem;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A table `X + deviation` the suppression offers as evidence that `cell` can move on
/// `measure` (upwards where its own deviation is positive, downwards where negative). The
/// audit checks it itself before using it (see the module comment).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Witness {
    pub cell: usize,
    pub measure: usize,
    /// (cell, deviation) pairs in units of the measure; cells not listed do not move.
    pub deviation: Vec<(usize, f64)>,
}

/// A witness that passed the audit's checks.
pub(crate) struct CheckedWitness {
    /// How far it moves the witnessed cell: > 0 upwards, < 0 downwards.
    pub reach: f64,
    /// Organisations whose own contributions rule this table out, each with the largest
    /// `λ ∈ [0, 1)` for which `X + λ·deviation` is still possible for it (the true table,
    /// `λ = 0`, always is; the set is convex). Organisations not listed can reach `λ = 1`.
    pub blocked: BTreeMap<u32, f64>,
}

/// Checks every witness; the ones that pass, by (cell, measure).
pub(crate) fn check_witnesses(
    sys: &LinkedSystem,
    suppressed: &[bool],
    ranges: &[Option<CellRange>],
    witnesses: &[Witness],
) -> BTreeMap<(usize, usize), Vec<CheckedWitness>> {
    let mut equations_of: Vec<Vec<usize>> = vec![Vec::new(); sys.cells.len()];
    for (e, eq) in sys.equations.iter().enumerate() {
        for c in std::iter::once(eq.total).chain(eq.parts.iter().copied()) {
            equations_of[c].push(e);
        }
    }
    let mut checked: BTreeMap<(usize, usize), Vec<CheckedWitness>> = BTreeMap::new();
    for w in witnesses {
        if let Some(c) = check_witness(sys, suppressed, ranges, &equations_of, w) {
            checked.entry((w.cell, w.measure)).or_default().push(c);
        }
    }
    checked
}

/// `None` unless `X + deviation` moves only suppressed cells, satisfies every equation it
/// touches, and stays ≥ 0; then also which organisations' own contributions exceed it
/// somewhere (for them it is not a possible table). A witness leaving a published range is
/// pulled back towards the true table until it fits (the true table always does, or the
/// range is wrong and the witness is refused).
fn check_witness(
    sys: &LinkedSystem,
    suppressed: &[bool],
    ranges: &[Option<CellRange>],
    equations_of: &[Vec<usize>],
    w: &Witness,
) -> Option<CheckedWitness> {
    let m = w.measure;
    if m >= MEASURE_COUNT {
        return None;
    }
    let mut y: HashMap<usize, f64> = w.deviation.iter().copied().collect();
    if y.len() != w.deviation.len() {
        return None; // a cell listed twice: not a table
    }
    let mut fits = 1.0f64;
    for (&c, &v) in &y {
        let Some(range) = ranges.get(c).copied().flatten() else { continue };
        let x = sys.totals[c][m] as f64;
        let [lo, hi] = range[m].map(|e| e as f64);
        if x < lo || x > hi {
            return None;
        }
        let room = if v > 0.0 { hi - x } else { x - lo };
        if v != 0.0 && room < v.abs() {
            fits = fits.min(room / v.abs());
        }
    }
    if fits <= 0.0 {
        return None;
    }
    if fits < 1.0 {
        y.values_mut().for_each(|v| *v *= fits);
    }
    let reach = *y.get(&w.cell)?;
    if reach == 0.0 {
        return None;
    }
    // Only suppressed cells move, and never one that is 0 on the measure (known to be 0).
    if y.iter().any(|(&c, v)| c >= sys.cells.len() || !suppressed[c] || !v.is_finite() || sys.totals[c][m] == 0) {
        return None;
    }
    let mut seen = BTreeSet::new();
    for &c in y.keys() {
        for &e in &equations_of[c] {
            if !seen.insert(e) {
                continue;
            }
            let eq = &sys.equations[e];
            let total = y.get(&eq.total).copied().unwrap_or(0.0);
            let (mut residual, mut scale) = (total, total.abs());
            for part in &eq.parts {
                let v = y.get(part).copied().unwrap_or(0.0);
                residual -= v;
                scale += v.abs();
            }
            if residual.abs() > tolerance(scale, 0.0) {
                return None;
            }
        }
    }
    let mut blocked: BTreeMap<u32, f64> = BTreeMap::new();
    for (&c, &v) in &y {
        let x = sys.totals[c][m] as f64;
        let value = x + v;
        let slack = tolerance(x, v);
        if value < -slack {
            return None;
        }
        for k in sys.contributions[c].iter().filter(|k| k.values[m] as f64 > value + slack) {
            let entry = blocked.entry(k.org).or_insert(1.0);
            *entry = entry.min(pull_back(x, value, k.values[m] as f64));
        }
    }
    Some(CheckedWitness { reach, blocked })
}

/// The largest `λ ∈ [0, 1]` for which a cell moved from its true value `x` to `moved` and
/// pulled back to `x + λ·(moved − x)` stays at or above `own`, the part an insider knows is
/// in it (`own ≤ x`). The true table is possible for everyone, so `λ = 0` always is.
pub(crate) fn pull_back(x: f64, moved: f64, own: f64) -> f64 {
    if moved >= own { 1.0 } else { ((x - own) / (x - moved)).clamp(0.0, 1.0) }
}

/// Slack for solver round-off: a millionth of the magnitudes involved, plus a hair.
pub(crate) fn tolerance(x: f64, need: f64) -> f64 {
    1e-6 * (x.abs() + need.abs()) + 1e-6
}
