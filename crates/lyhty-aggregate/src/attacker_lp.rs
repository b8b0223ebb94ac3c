//! The attacker's LP of the audits ([`crate::audit`]): the values of one connected component
//! of suppressed cells on one measure, subject to every equation that touches it, with the
//! published cells as constants, every value ≥ 0 and within its published range (if any),
//! and for an insider, at least its own part of each cell.

use crate::model::CellRange;
use crate::model::MEASURE_COUNT;
use crate::rollup::LinkedSystem;
use crate::solver::{lp_unit, quiet_model};
use highs::{Col, HighsModelStatus, Model, RowProblem, Sense};
use std::collections::{BTreeMap, BTreeSet};

/// The attacker's LP over one component: one column per suppressed cell value.
pub(super) struct AttackerLp {
    model: Option<Model>,
    /// The LP as built, for a cold second attempt when a warm solve stumbles.
    problem: RowProblem,
    cols: Vec<Col>,
    /// Current lower bound per position (the insider's own parts; 0 for the outsider).
    lower: Vec<f64>,
    /// Per position, the bounds everyone knows: `[0, 0]` for a known zero, the published
    /// range where there is one, else `[0, ∞)`.
    known: Vec<(f64, Option<f64>)>,
    /// The unit the LP counts values in (largest magnitude over a million): HiGHS's
    /// tolerances are absolute, and sums of cents would otherwise drown them in round-off.
    unit: f64,
    objective: Option<usize>,
    pub solves: usize,
    /// Per position, the lowest and highest value any optimum reached: tables the attacker
    /// cannot rule out, which a published range must keep possible.
    pub reached: Vec<[f64; 2]>,
}

/// An optimum of the attacker's LP: the bound and the table reaching it.
pub(super) struct Optimum {
    pub bound: Option<f64>,
    pub point: Option<Vec<f64>>,
}

impl AttackerLp {
    pub fn new(
        sys: &LinkedSystem,
        suppressed: &[bool],
        ranges: &[Option<CellRange>],
        component: &[usize],
        m: usize,
    ) -> Option<Self> {
        debug_assert!(m < MEASURE_COUNT);
        let mut problem = RowProblem::default();
        let mut position = BTreeMap::new();
        let mut cols = Vec::with_capacity(component.len());
        let mut known = Vec::with_capacity(component.len());
        for (i, &c) in component.iter().enumerate() {
            // A cell that is 0 on the measure is taken as known: some zeros are so by
            // definition (the end-user licences of a `server` cell), and an attacker knows.
            // A published range is known bounds on the cell.
            let bounds = match ranges.get(c).copied().flatten() {
                _ if sys.totals[c][m] == 0 => (0.0, Some(0.0)),
                Some(range) => (range[m][0] as f64, Some(range[m][1] as f64)),
                None => (0.0, None),
            };
            known.push(bounds);
            cols.push(problem.add_column(0.0, 0.0..));
            position.insert(c, i);
        }
        let members: BTreeSet<usize> = component.iter().copied().collect();
        let mut rows = Vec::new();
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
            rows.push((rhs, row));
        }
        let magnitudes = rows.iter().map(|(rhs, _)| *rhs).chain(component.iter().map(|&c| sys.totals[c][m] as f64));
        let unit = lp_unit(magnitudes);
        for (rhs, row) in rows {
            problem.add_row(rhs / unit..=rhs / unit, row);
        }
        let lower = vec![0.0; cols.len()];
        let reached = vec![[f64::INFINITY, f64::NEG_INFINITY]; cols.len()];
        let mut lp = Self { model: None, problem, cols, lower, known, unit, objective: None, solves: 0, reached };
        let mut model = quiet_model(lp.problem.clone(), true).ok()?;
        lp.apply_bounds(&mut model);
        lp.model = Some(model);
        Some(lp)
    }

    /// The bounds of position `pos` in LP units: the known bounds, raised to the insider's
    /// own part.
    fn bounds(&self, pos: usize) -> (f64, Option<f64>) {
        let (low, high) = self.known[pos];
        (low.max(self.lower[pos]) / self.unit, high.map(|h| h / self.unit))
    }

    fn set_bounds(&self, model: &mut Model, pos: usize) {
        match self.bounds(pos) {
            (low, Some(high)) => model.change_column_bounds(self.cols[pos], low..=high.max(low)),
            (low, None) => model.change_column_bounds(self.cols[pos], low..),
        }
    }

    fn apply_bounds(&self, model: &mut Model) {
        for pos in 0..self.cols.len() {
            if self.known[pos] != (0.0, None) || self.lower[pos] > 0.0 {
                self.set_bounds(model, pos);
            }
        }
    }

    /// Minimises or maximises the value of the cell at `pos`. A warm solve that ends in
    /// anything but an answer is repeated once on a fresh model without presolve: the truth
    /// is always feasible, so "infeasible" here is the solver's round-off on long equality
    /// rows of large values, not a fact about the table.
    pub fn optimise(&mut self, pos: usize, sense: Sense) -> Result<Optimum, String> {
        match self.try_optimise(pos, sense) {
            Ok(optimum) => Ok(optimum),
            Err(first) => {
                let mut model =
                    quiet_model(self.problem.clone(), false).map_err(|e| format!("{first}; rebuilding: {e}"))?;
                self.apply_bounds(&mut model);
                self.model = Some(model);
                self.objective = None;
                self.try_optimise(pos, sense).map_err(|second| format!("{first}; cold retry: {second}"))
            }
        }
    }

    fn try_optimise(&mut self, pos: usize, sense: Sense) -> Result<Optimum, String> {
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
                let point: Vec<f64> = solved.get_solution().columns().iter().map(|v| v * self.unit).collect();
                for (reached, &v) in self.reached.iter_mut().zip(&point) {
                    *reached = [reached[0].min(v), reached[1].max(v)];
                }
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

    pub fn set_lower_bounds(&mut self, bounds: &[(usize, f64)]) {
        let Some(mut model) = self.model.take() else { return };
        for &(pos, lower) in bounds {
            self.lower[pos] = lower;
            self.set_bounds(&mut model, pos);
        }
        self.model = Some(model);
    }
}

/// Spans, in `needed`, the optimum `opt` of the cell at `pos` pulled back towards the truth
/// until that cell moves by `need` (5 % more, at most all the way): a table the ranges must
/// keep possible for the requirement to stay reachable.
pub(super) fn keep_needed(needed: &mut [[f64; 2]], truth: &[f64], opt: &Optimum, pos: usize, need: f64) {
    let Some(point) = &opt.point else { return };
    let moved = (point[pos] - truth[pos]).abs();
    if need <= 0.0 || moved <= 0.0 {
        return;
    }
    let lambda = (need * 1.05 / moved).min(1.0);
    for ((span, &x), &v) in needed.iter_mut().zip(truth).zip(point) {
        let at = x + lambda * (v - x);
        *span = [span[0].min(at), span[1].max(at)];
    }
}
