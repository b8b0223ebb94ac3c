//! Primary rules: which cells are sensitive, and how much protection each one needs.
//!
//! - **frequency**: fewer than `min_orgs` contributors, but more than zero;
//! - **p % rule**: `X − x1 − x2 < p/100 · x1` on any magnitude measure, with `x1 ≥ x2` the
//!   two largest organisation contributions and `X` the cell total.
//!
//! One status per cell: a cell sensitive on any measure is suppressed as a whole. The
//! required protection (the half-width of the interval an attacker must not be able to
//! narrow) is `p/100·x1 − (X − x1 − x2)` for the p % rule and `frequency_protection_percent`
//! of `X` for the frequency rule, per measure; where both apply, the larger.

use crate::input::ReleaseParams;
use crate::model::{MEASURE_COUNT, Values};
use crate::rollup::{Contribution, LinkedSystem};

/// The verdict of the primary rules on one cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct CellRisk {
    pub frequency: bool,
    pub p_rule: [bool; MEASURE_COUNT],
    /// Required protection `U = L` per measure (0 where none is needed).
    pub protection: [f64; MEASURE_COUNT],
}

impl CellRisk {
    pub fn sensitive(&self) -> bool {
        self.frequency || self.p_rule.iter().any(|&s| s)
    }
}

/// Whether a cell total `x` with largest contributions `x1 ≥ x2` fails the p % rule.
/// Exact integer arithmetic: `100·(X − x1 − x2) < p·x1`.
pub fn p_rule_sensitive(total: i64, x1: i64, x2: i64, p_percent: u32) -> bool {
    let rest = i128::from(total) - i128::from(x1) - i128::from(x2);
    100 * rest < i128::from(p_percent) * i128::from(x1)
}

/// The protection a p %-sensitive cell needs: `p/100·x1 − (X − x1 − x2)`, or 0 if safe.
pub fn p_rule_protection(total: i64, x1: i64, x2: i64, p_percent: u32) -> f64 {
    let rest = total as f64 - x1 as f64 - x2 as f64;
    (f64::from(p_percent) / 100.0 * x1 as f64 - rest).max(0.0)
}

/// The two largest values of one measure among the contributions.
pub(crate) fn top_two(contributions: &[Contribution], measure: usize) -> (i64, i64) {
    let (mut x1, mut x2) = (0, 0);
    for c in contributions {
        let v = c.values[measure];
        if v > x1 {
            x2 = x1;
            x1 = v;
        } else if v > x2 {
            x2 = v;
        }
    }
    (x1, x2)
}

/// Applies the primary rules to one cell.
pub(crate) fn assess_cell(contributions: &[Contribution], total: &Values, params: &ReleaseParams) -> CellRisk {
    let n = contributions.len();
    let frequency = n > 0 && n < params.min_orgs as usize;
    let mut risk = CellRisk { frequency, p_rule: [false; MEASURE_COUNT], protection: [0.0; MEASURE_COUNT] };
    for (m, &x) in total.iter().enumerate() {
        if x <= 0 {
            // Nothing to estimate: every contribution is 0 and the attacker knows values ≥ 0.
            continue;
        }
        let (x1, x2) = top_two(contributions, m);
        let mut protection = 0.0;
        if p_rule_sensitive(x, x1, x2, params.p_percent) {
            risk.p_rule[m] = true;
            protection = p_rule_protection(x, x1, x2, params.p_percent);
        }
        if frequency {
            protection = f64::max(protection, f64::from(params.frequency_protection_percent) / 100.0 * x as f64);
        }
        risk.protection[m] = protection;
    }
    risk
}

/// The primary verdict on every cell of the system.
pub(crate) fn assess(sys: &LinkedSystem, params: &ReleaseParams) -> Vec<CellRisk> {
    sys.contributions.iter().zip(&sys.totals).map(|(c, t)| assess_cell(c, t, params)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contributions(values: &[i64]) -> Vec<Contribution> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let mut values = [0; MEASURE_COUNT];
                values[0] = v;
                Contribution { org: i as u32, values }
            })
            .collect()
    }

    fn total(values: &[i64]) -> Values {
        let mut t = [0; MEASURE_COUNT];
        t[0] = values.iter().sum();
        t
    }

    /// Handbook (ESSnet, ch. 4.2), example 1: X = 100 000, x1 = 50 000, x2 = 49 000.
    /// Safe by the (1,90) dominance rule, yet the second contributor estimates the first
    /// to within 2 %: the p % rule (p = 15) flags it and asks for 7 500 − 1 000 = 6 500.
    #[test]
    fn handbook_example_1_is_sensitive() {
        assert!(p_rule_sensitive(100_000, 50_000, 49_000, 15));
        assert_eq!(p_rule_protection(100_000, 50_000, 49_000, 15), 6_500.0);
        // The upper estimate X − x2 = 51 000 overestimates x1 by exactly 2 %: sensitive for
        // any p above 2, safe at p = 2 (the rule is a strict inequality).
        assert!(p_rule_sensitive(100_000, 50_000, 49_000, 3));
        assert!(!p_rule_sensitive(100_000, 50_000, 49_000, 2));
    }

    /// Handbook example 2: p = 10, X = 110 000, x1 = 52 000, x2 = 50 000. X − x2 overestimates
    /// x1 by 15.4 %, so the cell is safe at p = 10 (and at p = 15) but not at p = 16.
    #[test]
    fn handbook_example_2_is_safe_at_p_10() {
        assert!(!p_rule_sensitive(110_000, 52_000, 50_000, 10));
        assert!(!p_rule_sensitive(110_000, 52_000, 50_000, 15));
        assert!(p_rule_sensitive(110_000, 52_000, 50_000, 16));
        assert_eq!(p_rule_protection(110_000, 52_000, 50_000, 10), 0.0);
    }

    /// Handbook example 1d: one company has 99 % of a cell of 51 respondents. Frequent
    /// enough, but the total estimates the big one closely.
    #[test]
    fn handbook_example_1d_dominant_contributor() {
        let mut values = vec![9_900];
        values.extend(std::iter::repeat_n(2, 50));
        let risk = assess_cell(&contributions(&values), &total(&values), &ReleaseParams::default());
        assert!(!risk.frequency);
        assert!(risk.p_rule[0] && risk.sensitive());
        // 0.15 · 9 900 − (10 000 − 9 900 − 2) = 1 485 − 98.
        assert_eq!(risk.protection[0], 1_387.0);
    }

    #[test]
    fn frequency_rule_and_its_protection() {
        let params = ReleaseParams::default();
        // Two contributors: frequency-sensitive, and p %-sensitive too (X − x1 − x2 = 0).
        let risk = assess_cell(&contributions(&[600, 400]), &total(&[600, 400]), &params);
        assert!(risk.frequency && risk.p_rule[0]);
        // max(0.15 · 600, 0.30 · 1 000).
        assert_eq!(risk.protection[0], 300.0);
        // Three equal contributors: safe on both rules.
        let risk = assess_cell(&contributions(&[100, 100, 100]), &total(&[100, 100, 100]), &params);
        assert!(!risk.sensitive());
        // An empty cell is never sensitive.
        assert!(!assess_cell(&[], &[0; MEASURE_COUNT], &params).sensitive());
    }
}
