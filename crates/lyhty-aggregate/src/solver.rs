//! HiGHS as both the suppression and the audits use it: how a model is set up and in what
//! unit an LP counts. Only numerics live here; what each LP means stays in its own module,
//! so the audit still shares no reasoning with the suppression it checks.

use highs::{Model, RowProblem, Sense};

/// A quiet, single-threaded, seeded HiGHS model of `problem`: the same LPs in the same
/// order give the same vertices on any machine and any load, hence the same release.
pub(crate) fn quiet_model(problem: RowProblem, presolve: bool) -> Result<Model, String> {
    let mut model = problem.try_optimise(Sense::Minimise).map_err(|e| format!("building the LP: {e:?}"))?;
    model.make_quiet();
    let options = [("parallel", "off"), ("presolve", if presolve { "on" } else { "off" })];
    for (option, value) in options {
        model.try_set_option(option, value).map_err(|e| format!("option {option}: {e:?}"))?;
    }
    model.try_set_option("random_seed", 0).map_err(|e| format!("option random_seed: {e:?}"))?;
    Ok(model)
}

/// The unit an LP over these magnitudes counts in: the largest over a million, at least 1.
///
/// HiGHS's feasibility tolerances are absolute (10⁻⁷). Summed cents of a whole network
/// reach 10¹¹, where double round-off alone exceeds that and a feasible LP ends
/// "infeasible" or "unknown". Counted in this unit no number exceeds about 10⁶, and the
/// tolerance stays far below a cent or a licence for any cell that matters.
pub(crate) fn lp_unit(magnitudes: impl Iterator<Item = f64>) -> f64 {
    (magnitudes.fold(0.0, |a: f64, b| a.max(b.abs())) / 1e6).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::lp_unit;

    #[test]
    fn unit_keeps_numbers_near_a_million() {
        assert_eq!(lp_unit([12.0, -3.0].into_iter()), 1.0);
        assert_eq!(lp_unit(std::iter::empty()), 1.0);
        assert_eq!(lp_unit([2.5e11, -4e11, 7.0].into_iter()), 4e5);
    }
}
