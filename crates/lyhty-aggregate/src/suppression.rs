//! Secondary suppression over the whole linked system at once.
//!
//! The classical LP heuristic (Kelly, Golden & Assad; Fischetti & Salazar's attacker
//! subproblem): for each sensitive cell `s`, each magnitude measure it must be protected on
//! and each direction, find a **deviation vector** `y` with
//!
//! - `A·y = 0` for every additivity equation of the eight tables (so `X + y` is another
//!   table an attacker cannot tell from the true one),
//! - `y_s = ±U_s` (the required protection),
//! - `y_c = 0` on published cells, on empty cells and on the grand total,
//! - `y_c ≥ −(X_c − x1(c))` downwards, where `x1(c)` is the largest single contribution to
//!   `c`: every insider knows its own part of `c`, so no cell may be pushed below what the
//!   best-informed insider knows is in it. This is what closes the singleton gap: a
//!   single-organisation complement cannot move down at all, so two single-organisation
//!   cells can never "protect" each other. One exception keeps this from being needlessly
//!   strict: when `s` has a single contributor `t`, `t` is the one being protected, not an
//!   attacker, so the bound is taken over the other organisations only
//!   (`y_c ≥ −(X_c − max_{o≠t} own_c(o))`, i.e. `X_c − x2(c)` where `t` holds `x1(c)`);
//!   `t`'s own cells may then move freely, as they may for every attacker but `t`,
//! - `y_c = 0` where `X_c = 0` on the measure: a zero is taken as known (the end-user
//!   licences of a `server` cell are 0 by definition, and an attacker knows it),
//!
//! at minimum cost `Σ w_c |y_c|` with `w_c ∝ √value` for cells not yet suppressed (cheap
//! small cells are preferred) and 0 for cells already suppressed. Every cell the vector
//! moves is suppressed. Since `X ± t·y` stays feasible for every attacker for `t ∈ [0,1]`,
//! the attacker's interval for `s` then covers `[X − U, X + U]` in the whole linked system,
//! whatever the attacker knows of its own contributions.
//!
//! To stay fast, the LP of a cell that belongs to one table is first solved on that table
//! alone with the shared vendor margins held fixed (any vector found is valid for the whole
//! system, since the other tables do not move); only if that is infeasible, and for the
//! shared vendor margins themselves, is the LP solved over all eight tables. Vectors already
//! found are reused when they protect a later cell too (a rectangle protects its corners).
//!
//! The coalition bound is strict: a cell whose largest contributor must not see it fall can
//! hardly move down, and where that forces a margin into the pattern, one vector per
//! attacker does better ([`Suppressor::per_attacker`]): one for everyone but each cell's
//! largest contributor, and one of its own for each such leader the first one moves too
//! far. The cheaper pattern (by annual cost newly suppressed) is kept.
//!
//! This module decides; it does not certify. Each target's deviation is handed to the
//! audits in [`crate::audit`] as a witness, which they check with their own formulation
//! before letting it spare an LP.

use crate::error::AggregateError;
use crate::model::{Dimension, MEASURE_COUNT, Measure};
use crate::primary::{CellRisk, top_two};
use crate::rollup::LinkedSystem;
use crate::solver::{lp_unit, quiet_model};
use crate::witness::Witness;
use highs::{Col, HighsModelStatus, Model, RowProblem, SolvedModel};
use std::collections::BTreeMap;

/// A deviation the suppression pattern must allow: cell `cell` must be movable by
/// `amount` (in units of `measure`) upwards or downwards.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Target {
    pub cell: usize,
    pub measure: usize,
    pub up: bool,
    pub amount: f64,
    /// Solve over all tables at once instead of the cell's own table first.
    pub whole_system: bool,
    /// The cell's only contributor, when it has one: protected, not an attacker, so its own
    /// knowledge does not bound the deviation (see the module comment).
    pub owner: Option<u32>,
}

impl Target {
    /// The owner of a single-contributor cell.
    pub fn owner_of(sys: &LinkedSystem, cell: usize) -> Option<u32> {
        match sys.contributions[cell].as_slice() {
            [only] => Some(only.org),
            _ => None,
        }
    }
}

/// The state of secondary suppression, kept between rounds so that later rounds only add.
pub(crate) struct Suppressor<'a> {
    sys: &'a LinkedSystem,
    pub suppressed: Vec<bool>,
    /// Targets no pattern can protect (e.g. a cell equal to the grand total).
    pub unprotectable: Vec<Target>,
    pub lp_solves: usize,
    /// The deviation behind every protected target, offered to the audit as evidence.
    pub witnesses: Vec<Witness>,
    /// How far down the insiders let each cell move.
    capacities: Capacities,
    /// Per measure, per organisation: the cells where it holds the largest contribution
    /// (they may move down to `all_but_leader` when that organisation is not an attacker).
    led_by: Vec<BTreeMap<u32, Vec<usize>>>,
    /// Per cell and measure, the organisation holding the largest contribution (if any).
    leader: Vec<[Option<u32>; MEASURE_COUNT]>,
    /// Per measure, the unit the LPs count in ([`lp_unit`]: the largest cell over a million).
    unit: [f64; MEASURE_COUNT],
    scopes: BTreeMap<Scope, ScopeLp>,
    /// Cells in the order they were suppressed, so each scope LP can catch up on costs.
    newly_suppressed: Vec<usize>,
    /// Per cell, the witnesses (by index) whose vector an LP found and that move the cell:
    /// the vectors a later target may reuse.
    vectors_of_cell: Vec<Vec<usize>>,
    /// A worker of [`Suppressor::protect_all`]'s first phase: solve on the target's own
    /// table only, and leave to the second phase what that cannot protect.
    table_only: bool,
}

/// What one table's worker found (plain data, so it can leave its thread).
struct TableWork {
    witnesses: Vec<Witness>,
    /// (cell, witness index) pairs of vectors later targets may reuse.
    reusable: Vec<(usize, usize)>,
    newly_suppressed: Vec<usize>,
    /// Targets (with their index in the target list) the table alone could not protect.
    deferred: Vec<(usize, Target)>,
    lp_solves: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    Table(Dimension),
    Whole,
}

/// A deviation vector: (cell, deviation) pairs in units of the measure.
type Vector = Vec<(usize, f64)>;

/// Whose knowledge bounds how far a cell may move down in a deviation vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caps {
    /// Every attacker at once: `X_c − x1(c)` (the target's owner excepted, see the module
    /// comment). One vector then protects the target from everyone.
    Coalition,
    /// Every attacker but each cell's largest contributor: `X_c − x2(c)`.
    AllButLeaders,
    /// One attacker, organisation `u`: `X_c − own_c(u)`.
    Attacker(u32),
}

/// Per cell and measure, how far down the insiders let a cell move.
struct Capacities {
    /// `X_c − x1(c)`: no insider can tell.
    coalition: Vec<[f64; MEASURE_COUNT]>,
    /// `X_c − x2(c)`: no insider but the cell's largest contributor can tell.
    all_but_leader: Vec<[f64; MEASURE_COUNT]>,
}

impl Capacities {
    /// How far cell `c` may move down on measure `m` under `caps`.
    fn of(&self, sys: &LinkedSystem, c: usize, m: usize, caps: Caps) -> f64 {
        match caps {
            Caps::Coalition => self.coalition[c][m],
            Caps::AllButLeaders => self.all_but_leader[c][m],
            Caps::Attacker(u) => {
                let contributions = &sys.contributions[c];
                let own = contributions.binary_search_by_key(&u, |k| k.org).map_or(0, |i| contributions[i].values[m]);
                (sys.totals[c][m] - own).max(0) as f64
            }
        }
    }
}

/// One LP over the cells of a scope, kept warm between solves: only bounds and costs
/// change from one target to the next.
struct ScopeLp {
    model: Option<Model>,
    /// Cell → (y⁺ column, y⁻ column).
    cols: BTreeMap<usize, (Col, Col)>,
    /// The measure and the capacities the y⁻ bounds currently hold.
    bounds_for: Option<(usize, Caps)>,
    /// How much of `newly_suppressed` this LP's costs reflect.
    costs_synced: usize,
}

/// Relative size below which a deviation is solver noise, not a move.
const MOVE_TOLERANCE: f64 = 1e-7;

impl<'a> Suppressor<'a> {
    pub fn new(sys: &'a LinkedSystem, risks: &[CellRisk]) -> Self {
        let n = sys.cells.len();
        let suppressed: Vec<bool> = risks.iter().map(CellRisk::sensitive).collect();
        let mut led_by: Vec<BTreeMap<u32, Vec<usize>>> = vec![BTreeMap::new(); MEASURE_COUNT];
        let mut leader = vec![[None; MEASURE_COUNT]; n];
        let mut capacities =
            Capacities { coalition: vec![[0.0; MEASURE_COUNT]; n], all_but_leader: vec![[0.0; MEASURE_COUNT]; n] };
        for (c, leader) in leader.iter_mut().enumerate() {
            for (m, leader) in leader.iter_mut().enumerate() {
                let (x1, x2) = top_two(&sys.contributions[c], m);
                capacities.coalition[c][m] = (sys.totals[c][m] - x1).max(0) as f64;
                capacities.all_but_leader[c][m] = (sys.totals[c][m] - x2).max(0) as f64;
                if let Some(k) = sys.contributions[c].iter().find(|k| k.values[m] == x1 && x1 > 0) {
                    led_by[m].entry(k.org).or_default().push(c);
                    *leader = Some(k.org);
                }
            }
        }
        let newly_suppressed = (0..n).filter(|&c| suppressed[c]).collect();
        Self {
            sys,
            suppressed,
            unprotectable: Vec::new(),
            lp_solves: 0,
            witnesses: Vec::new(),
            unit: std::array::from_fn(|m| lp_unit(sys.totals.iter().map(|t| t[m] as f64))),
            capacities,
            led_by,
            leader,
            scopes: BTreeMap::new(),
            newly_suppressed,
            vectors_of_cell: vec![Vec::new(); n],
            table_only: false,
        }
    }

    /// The targets of the primary rules: every sensitive cell, every measure it needs
    /// protection on, both directions; large cells first (their patterns are the most
    /// constrained, and the small ones then often reuse them).
    pub fn primary_targets(sys: &LinkedSystem, risks: &[CellRisk]) -> Vec<Target> {
        let mut order: Vec<usize> = (0..sys.cells.len()).filter(|&c| risks[c].sensitive()).collect();
        order.sort_by_key(|&c| (std::cmp::Reverse(sys.totals[c][0]), c));
        let mut targets = Vec::new();
        for m in 0..MEASURE_COUNT {
            for &c in &order {
                let amount = risks[c].protection[m];
                if amount > 0.0 {
                    for up in [true, false] {
                        let owner = Target::owner_of(sys, c);
                        targets.push(Target { cell: c, measure: m, up, amount, whole_system: false, owner });
                    }
                }
            }
        }
        targets
    }

    /// Protects every target in two phases, so that both cores can work:
    ///
    /// 1. each table's own targets on that table alone, with the shared vendor margins held
    ///    fixed. Tables share no cell there, so their LPs are independent: they run in
    ///    parallel, each in the targets' order, and are merged in table order;
    /// 2. the vendor margins' targets and those no table could protect alone, over the
    ///    whole system, one after the other in the targets' order (each LP sees what the
    ///    ones before it suppressed).
    ///
    /// Every decision depends only on the targets and the merge order, never on timing, so
    /// the pattern is the same whatever the thread count.
    pub fn protect_all(
        &mut self,
        risks: &[CellRisk],
        targets: &[Target],
        threads: usize,
    ) -> Result<(), AggregateError> {
        let sys = self.sys;
        let tables: Vec<Dimension> = Dimension::ALL.to_vec();
        let own = |t: &Target, d: Dimension| !t.whole_system && sys.cells[t.cell].own_table() == Some(d);
        let work = crate::parallel::map_indexed(
            tables.len(),
            threads,
            |i| targets.iter().filter(|t| own(t, tables[i])).count(),
            |i| -> Result<TableWork, AggregateError> {
                let mut worker = Suppressor::new(sys, risks);
                worker.table_only = true;
                let already = worker.newly_suppressed.len();
                let mut deferred = Vec::new();
                for (k, target) in targets.iter().enumerate().filter(|(_, t)| own(t, tables[i])) {
                    worker.protect(*target)?;
                    deferred.extend(worker.unprotectable.drain(..).map(|t| (k, t)));
                }
                let reusable = worker
                    .vectors_of_cell
                    .iter()
                    .enumerate()
                    .flat_map(|(c, ids)| ids.iter().map(move |&id| (c, id)))
                    .collect();
                Ok(TableWork {
                    newly_suppressed: worker.newly_suppressed.split_off(already),
                    witnesses: worker.witnesses,
                    reusable,
                    deferred,
                    lp_solves: worker.lp_solves,
                })
            },
        );
        let mut later: Vec<(usize, Target)> = Vec::new();
        for table in work {
            let table = table?;
            let base = self.witnesses.len();
            self.witnesses.extend(table.witnesses);
            for (c, id) in table.reusable {
                self.vectors_of_cell[c].push(base + id);
            }
            for c in table.newly_suppressed {
                if !self.suppressed[c] {
                    self.suppressed[c] = true;
                    self.newly_suppressed.push(c);
                }
            }
            self.lp_solves += table.lp_solves;
            later.extend(table.deferred);
        }
        let on_no_table = |t: &Target| t.whole_system || sys.cells[t.cell].own_table().is_none();
        later.extend(targets.iter().enumerate().filter(|(_, t)| on_no_table(t)).map(|(k, t)| (k, *t)));
        later.sort_by_key(|(k, _)| *k);
        for (_, target) in later {
            // A deferred target's own table has been tried: straight to the whole system.
            self.protect_in(target, true)?;
        }
        Ok(())
    }

    /// Makes the pattern protect `target`, suppressing complements as needed.
    pub fn protect(&mut self, target: Target) -> Result<(), AggregateError> {
        self.protect_in(target, false)
    }

    fn protect_in(&mut self, target: Target, skip_table: bool) -> Result<(), AggregateError> {
        if !target.whole_system
            && let Some(deviation) = self.reuse_a_vector(&target)
        {
            self.witnesses.push(Witness { cell: target.cell, measure: target.measure, deviation });
            return Ok(());
        }
        let own_table = self.sys.cells[target.cell].own_table();
        let scopes: Vec<Scope> = match (own_table, target.whole_system || skip_table, self.table_only) {
            (Some(d), _, true) => vec![Scope::Table(d)],
            (Some(d), false, false) => vec![Scope::Table(d), Scope::Whole],
            (None, _, true) => Vec::new(),
            _ => vec![Scope::Whole],
        };
        for scope in scopes {
            if let Some(entries) = self.solve(scope, &target, Caps::Coalition)? {
                let mut vectors = vec![entries];
                // A vector that must suppress a margin is worth a second look: margins are
                // the large cells, and the coalition bound is often what forced it.
                if self.suppresses_a_new_margin(&vectors)
                    && let Some(alternative) = self.per_attacker(scope, &target)?
                    && self.new_value(&alternative) < self.new_value(&vectors)
                {
                    vectors = alternative;
                }
                for deviation in vectors {
                    self.record(Witness { cell: target.cell, measure: target.measure, deviation });
                }
                return Ok(());
            }
        }
        self.unprotectable.push(target);
        Ok(())
    }

    /// A vector found earlier that moves `target.cell` far enough, within every other
    /// cell's capacity, once scaled: the scaled vector.
    fn reuse_a_vector(&self, target: &Target) -> Option<Vector> {
        let s = target.cell;
        self.vectors_of_cell[s].iter().find_map(|&v| {
            let vector = &self.witnesses[v];
            if vector.measure != target.measure {
                return None;
            }
            let &(_, ys) = vector.deviation.iter().find(|(c, _)| *c == s)?;
            if ys == 0.0 {
                return None;
            }
            // Scale (and flip) so that s moves by exactly the amount in the wanted direction.
            let scale = target.amount / ys * if target.up { 1.0 } else { -1.0 };
            let fits = vector.deviation.iter().all(|&(c, y)| {
                let moved = y * scale;
                c == s || moved >= -self.capacities.coalition[c][target.measure] * (1.0 - 1e-9)
            });
            fits.then(|| vector.deviation.iter().map(|&(c, y)| (c, y * scale)).collect())
        })
    }

    /// The coalition bound asks one vector to fool every insider at once, so a cell whose
    /// largest contributor may not see it fall can hardly move down. Instead: one vector
    /// for everyone but each cell's largest contributor, and for each of those leaders that
    /// it moves too far (at most a few), a vector of its own. Together they protect the
    /// target from every attacker; the audit's witnesses check exactly that. `None` when
    /// any of them does not exist.
    fn per_attacker(&mut self, scope: Scope, target: &Target) -> Result<Option<Vec<Vector>>, AggregateError> {
        const MOST_LEADERS: usize = 4;
        let m = target.measure;
        let Some(first) = self.solve(scope, target, Caps::AllButLeaders)? else { return Ok(None) };
        let mut leaders = std::collections::BTreeSet::new();
        for &(c, y) in &first {
            if y < -self.capacities.coalition[c][m] * (1.0 + 1e-9) - 1e-9
                && let Some(u) = self.leader[c][m]
                && Some(u) != target.owner
            {
                leaders.insert(u);
            }
        }
        if leaders.len() > MOST_LEADERS {
            return Ok(None);
        }
        let mut vectors = vec![first];
        for u in leaders {
            let Some(own) = self.solve(scope, target, Caps::Attacker(u))? else { return Ok(None) };
            vectors.push(own);
        }
        Ok(Some(vectors))
    }

    fn suppresses_a_new_margin(&self, vectors: &[Vector]) -> bool {
        vectors.iter().flatten().any(|&(c, _)| {
            let key = &self.sys.cells[c];
            !self.suppressed[c] && (key.vendor == crate::model::Member::Margin || key.dim.is_none())
        })
    }

    /// Annual cost of the cells these vectors would newly suppress.
    fn new_value(&self, vectors: &[Vector]) -> i64 {
        let cells: std::collections::BTreeSet<usize> =
            vectors.iter().flatten().map(|&(c, _)| c).filter(|&c| !self.suppressed[c]).collect();
        cells.iter().map(|&c| self.sys.totals[c][Measure::AnnualCostCents.index()]).sum()
    }

    /// Suppresses every cell a vector an LP found moves, and keeps it as a witness that
    /// later targets may reuse.
    fn record(&mut self, witness: Witness) {
        let id = self.witnesses.len();
        for &(c, _) in &witness.deviation {
            if !self.suppressed[c] {
                self.suppressed[c] = true;
                self.newly_suppressed.push(c);
            }
            self.vectors_of_cell[c].push(id);
        }
        self.witnesses.push(witness);
    }

    /// Solves the deviation LP of `target` on `scope` under `caps`; `None` if no vector
    /// exists there.
    fn solve(&mut self, scope: Scope, target: &Target, caps: Caps) -> Result<Option<Vector>, AggregateError> {
        let sys = self.sys;
        let lp = match self.scopes.entry(scope) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => e.insert(build_scope(sys, scope)?),
        };
        let Some((plus_s, minus_s)) = lp.cols.get(&target.cell).copied() else { return Ok(None) };
        let Some(mut model) = lp.model.take() else {
            return Err(AggregateError::Solver("scope model lost after an earlier failure".into()));
        };

        // Costs of cells suppressed since this LP last ran drop to zero: moving them
        // publishes nothing new.
        for &c in &self.newly_suppressed[lp.costs_synced..] {
            if let Some(&(p, m)) = lp.cols.get(&c) {
                model.change_column_cost(p, 0.0);
                model.change_column_cost(m, 0.0);
            }
        }
        lp.costs_synced = self.newly_suppressed.len();

        let m = target.measure;
        let unit = self.unit[m];
        let amount = target.amount / unit;
        if lp.bounds_for != Some((m, caps)) {
            let capacities = &self.capacities;
            set_down_capacity(
                &mut model,
                &lp.cols,
                lp.cols.keys().map(|&c| (c, capacities.of(sys, c, m, caps) / unit)),
            );
            // A cell that is 0 on this measure stays 0: no one believes it otherwise (the
            // end-user licences of a `server` cell are 0 by definition).
            for (&c, &(plus, _)) in &lp.cols {
                if sys.totals[c][m] == 0 {
                    model.change_column_bounds(plus, 0.0..=0.0);
                } else {
                    model.change_column_bounds(plus, 0.0..);
                }
            }
            lp.bounds_for = Some((m, caps));
        }
        // The owner's cells: bounded by the other organisations' knowledge only.
        let loosened: &[usize] = match caps {
            Caps::Coalition => target.owner.and_then(|t| self.led_by[m].get(&t)).map_or(&[], Vec::as_slice),
            Caps::AllButLeaders | Caps::Attacker(_) => &[],
        };
        let all_but_leader = &self.capacities.all_but_leader;
        set_down_capacity(&mut model, &lp.cols, loosened.iter().map(|&c| (c, all_but_leader[c][m] / unit)));
        let (fixed, zero) = if target.up { (plus_s, minus_s) } else { (minus_s, plus_s) };
        model.change_column_bounds(fixed, amount..=amount);
        model.change_column_bounds(zero, 0.0..=0.0);

        let solved: SolvedModel =
            model.try_solve().map_err(|e| AggregateError::Solver(format!("suppression LP: {e:?}")))?;
        self.lp_solves += 1;
        let status = solved.status();
        let entries = if status == HighsModelStatus::Optimal {
            let values = solved.get_solution().columns().to_vec();
            let mut entries = Vec::new();
            for (&c, &(plus, minus)) in &lp.cols {
                let y = values[plus.index()] - values[minus.index()];
                if y.abs() > MOVE_TOLERANCE * amount {
                    entries.push((c, y * unit));
                }
            }
            Some(entries)
        } else {
            None
        };
        let mut model = Model::from(solved);
        // Undo the target's bounds for the next target.
        let coalition = &self.capacities.coalition;
        set_down_capacity(&mut model, &lp.cols, loosened.iter().map(|&c| (c, coalition[c][m] / unit)));
        model.change_column_bounds(plus_s, 0.0..);
        model.change_column_bounds(minus_s, 0.0..=self.capacities.of(sys, target.cell, m, caps) / unit);
        lp.model = Some(model);
        Ok(entries)
    }
}

/// Sets how far each given cell may move down (its y⁻ column's upper bound); cells outside
/// the scope are skipped.
fn set_down_capacity(model: &mut Model, cols: &BTreeMap<usize, (Col, Col)>, caps: impl Iterator<Item = (usize, f64)>) {
    for (c, cap) in caps {
        if let Some(&(_, minus)) = cols.get(&c) {
            model.change_column_bounds(minus, 0.0..=cap);
        }
    }
}

/// Builds the LP skeleton of a scope: two non-negative columns per cell (y⁺, y⁻) and one
/// zero-sum row per additivity equation restricted to the scope's cells.
fn build_scope(sys: &LinkedSystem, scope: Scope) -> Result<ScopeLp, AggregateError> {
    let grand = sys.grand_total();
    let in_scope = |c: usize| {
        Some(c) != grand
            && match scope {
                Scope::Whole => true,
                Scope::Table(d) => sys.cells[c].own_table() == Some(d),
            }
    };
    let mut problem = RowProblem::default();
    let mut cols = BTreeMap::new();
    for c in (0..sys.cells.len()).filter(|&c| in_scope(c)) {
        // Cost ∝ √value: small cells are cheaper complements than large ones.
        let w = (sys.totals[c][Measure::AnnualCostCents.index()].max(0) as f64).sqrt() + 1.0;
        let plus = problem.add_column(w, 0.0..);
        let minus = problem.add_column(w, 0.0..);
        cols.insert(c, (plus, minus));
    }
    for eq in &sys.equations {
        let mut row: Vec<(Col, f64)> = Vec::new();
        let mut push = |c: usize, sign: f64| {
            if let Some(&(p, m)) = cols.get(&c) {
                row.push((p, sign));
                row.push((m, -sign));
            }
        };
        push(eq.total, 1.0);
        for &part in &eq.parts {
            push(part, -1.0);
        }
        if !row.is_empty() {
            problem.add_row(0.0..=0.0, row);
        }
    }
    let model = quiet_model(problem, true).map_err(|e| AggregateError::Solver(format!("suppression LP: {e}")))?;
    Ok(ScopeLp { model: Some(model), cols, bounds_for: None, costs_synced: 0 })
}
