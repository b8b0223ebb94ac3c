//! Ranges instead of blanks: the interval published on a suppressed cell.
//!
//! A suppressed cell with at least `min_orgs` contributors carries, for every magnitude
//! measure, an interval `[lo, hi]` that contains its value (`DISCLOSURE.md`, "Ranges instead
//! of blanks"). A range is published information, so it has to leave every protected cell
//! its protection. It is built from what the suppression has already shown to be safe:
//!
//! 1. **The witnesses' span.** Every deviation vector `y` the suppression found (and handed
//!    to the audit as a witness) is a table `X + y` no attacker can tell from the true one.
//!    The raw interval of cell `c` on measure `m` spans `X_c` and `X_c + y_c` for every
//!    witness on `m` that moves `c`, so each witness stays a possible table under the
//!    ranges and still proves what it proved. A sensitive cell's own witnesses move it by
//!    its full protection, so its range covers `[X − U, X + U]`. Where the audit of the
//!    pattern (before ranges) needed its own attacker LPs, the optimal tables it found are
//!    spanned too, so the audit with ranges reaches the same bounds.
//! 2. **An offset the reader cannot undo.** The witnesses' span is often centred on the
//!    true value (a cell is protected by moving it up and down by the same amount), so its
//!    midpoint would give the value away. Each side is widened by a share of the span taken
//!    from a hash of the cell's contributions: deterministic (the same inventories give the
//!    same bytes) yet unpredictable to anyone who does not already know every contribution.
//! 3. **Round ends.** The ends are snapped outwards to a grid of round steps (1, 2 or 5 ×
//!    10ᵏ), never finer than two significant digits of the upper end nor than an eighth of
//!    the interval's width: the rule looks at the value only through the interval.
//!
//! The offset and the grid trade width for how well the midpoint hides the value: each
//! side moves by up to a quarter of the span, so the midpoint is off the value by up to
//! an eighth of the span (more with the grid), at the cost of ranges up to 1.5× wider.
//!
//! Cells below `min_orgs` never get a range (it would describe one or two organisations),
//! and the same cell has the same range in every table because a range belongs to the cell
//! of the linked system, not to a table. The audits in [`crate::audit`] take the ranges as
//! bounds on the cells (`lo ≤ X_c ≤ hi`); they are the gate, so a range that is too narrow
//! refuses the release rather than leaks.

use crate::model::MEASURE_COUNT;
use crate::rollup::LinkedSystem;
use crate::witness::Witness;
use std::collections::BTreeMap;

/// Per measure (in [`crate::Measure::ALL`] order), `[lo, hi]`.
pub use crate::model::CellRange;

/// How far each side of the witnesses' span may be widened, as a share of the span.
const OFFSET_SHARE: f64 = 0.25;
/// The grid is no finer than the interval's width divided by this.
const GRID_DIVISOR: f64 = 8.0;

/// The range of every cell (`None`: published, empty, or below `min_orgs`).
pub(crate) fn choose(
    sys: &LinkedSystem,
    suppressed: &[bool],
    witnesses: &[Witness],
    reached: &BTreeMap<(usize, usize), [f64; 2]>,
    min_orgs: u32,
) -> Vec<Option<CellRange>> {
    // Per cell and measure, the witnesses' furthest moves down and up.
    let mut span = vec![[[0.0f64; 2]; MEASURE_COUNT]; sys.cells.len()];
    for w in witnesses.iter().filter(|w| w.measure < MEASURE_COUNT) {
        for &(c, y) in &w.deviation {
            if let Some(s) = span.get_mut(c) {
                let [down, up] = &mut s[w.measure];
                *down = down.max(-y);
                *up = up.max(y);
            }
        }
    }
    // Where the audit needed its own LP, its optima are possible tables too: keep them so.
    for (&(c, m), &[low, high]) in reached {
        if let Some(s) = span.get_mut(c).and_then(|s| s.get_mut(m)) {
            let x = sys.totals[c][m] as f64;
            *s = [s[0].max(x - low), s[1].max(high - x)];
        }
    }
    (0..sys.cells.len())
        .map(|c| {
            let carries = suppressed[c] && sys.contributions[c].len() >= min_orgs as usize;
            carries.then(|| {
                let seed = cell_seed(sys, c);
                std::array::from_fn(|m| {
                    let [down, up] = span[c][m];
                    round_range(sys.totals[c][m], down, up, mix(seed ^ (m as u64 + 1)))
                })
            })
        })
        .collect()
}

/// The published interval of a value `x` that must reach `x − down` and `x + up`, widened
/// by `offset_bits` (a hash) and snapped outwards to round ends.
pub(crate) fn round_range(x: i64, down: f64, up: f64, offset_bits: u64) -> [i64; 2] {
    if x <= 0 {
        // A zero is taken as known by every attacker (and by the audits): nothing to hide.
        return [0, 0];
    }
    let x = x as f64;
    let (down, up) = (down.max(0.0), up.max(0.0));
    let width = down + up;
    let (r_low, r_high) = (unit_fraction(offset_bits), unit_fraction(offset_bits.rotate_left(32)));
    let low = (x - down - OFFSET_SHARE * width * r_low).max(0.0);
    let high = x + up + OFFSET_SHARE * width * r_high;
    let mut grid = round_step((high - low) / GRID_DIVISOR).max(two_significant_digits(high));
    loop {
        let g = grid as f64;
        let lo = ((low / g).floor() * g).max(0.0) as i64;
        let hi = ((high / g).ceil() * g) as i64;
        // A coarser grid can still leave three digits (4 750 000 on a grid of 50 000): the
        // next step then.
        if (significant_digits(lo) <= 2 && significant_digits(hi) <= 2) || grid > i64::MAX / 100 {
            return [lo, hi];
        }
        grid = round_step(grid as f64 + 1.0);
    }
}

/// Significant digits of `n` (0 has none).
fn significant_digits(mut n: i64) -> u32 {
    if n == 0 {
        return 0;
    }
    while n % 10 == 0 {
        n /= 10;
    }
    n.unsigned_abs().checked_ilog10().map_or(1, |d| d + 1)
}

/// The smallest step of the 1–2–5 series at or above `x`, at least 1.
fn round_step(x: f64) -> i64 {
    let mut decade: i64 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = m * decade;
            if step as f64 >= x || decade > i64::MAX / 100 {
                return step;
            }
        }
        decade *= 10;
    }
}

/// The step that leaves two significant digits on `x` (1 below 100).
fn two_significant_digits(x: f64) -> i64 {
    let mut step: i64 = 1;
    while (step as f64) * 100.0 <= x && step < i64::MAX / 100 {
        step *= 10;
    }
    step
}

/// A hash of the cell's contributions: fixed for fixed inventories, whatever the row order
/// (contributions are sorted by organisation), and not computable without all of them.
fn cell_seed(sys: &LinkedSystem, c: usize) -> u64 {
    let mut h = 0x005E_ED0F_0A4E_u64;
    for k in &sys.contributions[c] {
        let org = sys.orgs.get(k.org as usize).map_or(0, |o| o.0.as_u128());
        h = mix(h ^ org as u64);
        h = mix(h ^ (org >> 64) as u64);
        for v in k.values {
            h = mix(h ^ v as u64);
        }
    }
    h
}

/// SplitMix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The low 32 bits as a fraction in [0, 1).
fn unit_fraction(bits: u64) -> f64 {
    (bits & 0xFFFF_FFFF) as f64 / 4_294_967_296.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(round_step(0.3), 1);
        assert_eq!(round_step(1.5), 2);
        assert_eq!(round_step(3.0), 5);
        assert_eq!(round_step(5.0), 5);
        assert_eq!(round_step(5.1), 10);
        assert_eq!(round_step(120_000.0), 200_000);
        assert_eq!(two_significant_digits(99.0), 1);
        assert_eq!(two_significant_digits(100.0), 10);
        assert_eq!(two_significant_digits(2_450_000.0), 100_000);
        assert_eq!(significant_digits(4_750_000), 3);
        assert_eq!(significant_digits(4_700_000), 2);
        assert_eq!(significant_digits(0), 0);
        assert_eq!(significant_digits(7), 1);
    }

    /// The range contains every value the witnesses reach, and its ends have at most two
    /// significant digits.
    #[test]
    fn ranges_contain_the_span_and_have_round_ends() {
        for (x, down, up, bits) in [
            (2_450_000_i64, 300_000.0, 300_000.0, 0_u64),
            (2_450_000, 300_000.0, 300_000.0, u64::MAX),
            (987, 0.0, 0.0, 12345),
            (7, 1.0, 2.0, 99),
            (1_000_000_000, 5.0, 0.0, 7),
        ] {
            let [lo, hi] = round_range(x, down, up, bits);
            assert!(lo as f64 <= x as f64 - down && hi as f64 >= x as f64 + up, "{x}: [{lo}, {hi}]");
            for end in [lo, hi] {
                assert!(significant_digits(end) <= 2, "{end} has round ends");
            }
        }
        assert_eq!(round_range(0, 10.0, 10.0, 1), [0, 0]);
        // The offset share is bounded: a ±10 % span never becomes wider than 2×.
        let [lo, hi] = round_range(1_000_000, 100_000.0, 100_000.0, u64::MAX);
        assert!((hi as f64) / (lo as f64) < 2.0, "[{lo}, {hi}]");
    }
}
