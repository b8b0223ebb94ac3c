//! The network's renewal windows: how much of each vendor's licensing comes up for renewal
//! in which year, read from a published release's `vendor × renewal_year` table.
//!
//! Pure, and from published figures only (NETWORK.md "Deadlines and alerts"): a published
//! cell gives its value and contributor count; a suppressed cell gives its published range
//! or nothing at all — never a value, never a count. Empty cells, the year margin and the
//! `unknown` year (no contract end) are not windows.

use crate::model::{Dimension, MARGIN, Measure, UNKNOWN_QUARTER};
use crate::release::{CellStatus, Release};
use serde::{Deserialize, Serialize};

/// One vendor's (or, for vendor `"*"`, every vendor's) renewals in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenewalWindow {
    /// The normalised vendor, `Other vendors`, or `"*"` for all vendors together.
    pub vendor: String,
    pub year: i32,
    /// `published` or `suppressed`.
    pub status: CellStatus,
    /// Contributing organisations; only on a published cell.
    pub organisations: Option<u32>,
    /// The annual cost of the licences renewing; only on a published cell.
    pub annual_cost_cents: Option<i64>,
    /// On a suppressed cell that carries one: the published range of the annual cost.
    pub annual_cost_range: Option<[i64; 2]>,
}

/// The renewal windows of `release`, by year and then vendor (all vendors first).
pub fn renewal_windows(release: &Release) -> Vec<RenewalWindow> {
    let Some(table) = release.table(Dimension::RenewalYear.table_name()) else { return Vec::new() };
    let mut windows: Vec<RenewalWindow> = table
        .cells
        .iter()
        .filter_map(|cell| {
            let [vendor, year] = cell.members.as_slice() else { return None };
            if year == MARGIN || year == UNKNOWN_QUARTER {
                return None;
            }
            let year: i32 = year.parse().ok()?;
            let (organisations, annual_cost_cents, annual_cost_range) = match cell.status {
                CellStatus::Empty => return None,
                CellStatus::Published => (cell.organisations, cell.value(Measure::AnnualCostCents), None),
                CellStatus::Suppressed => (None, None, cell.range_of(Measure::AnnualCostCents)),
            };
            Some(RenewalWindow {
                vendor: vendor.clone(),
                year,
                status: cell.status,
                organisations,
                annual_cost_cents,
                annual_cost_range,
            })
        })
        .collect();
    windows.sort_by_key(|w| (w.year, w.vendor != MARGIN, w.vendor.clone()));
    windows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::ReleaseId;
    use crate::model::MEASURE_COUNT;
    use crate::release::{ReleaseCell, ReleaseTable};

    fn cell(vendor: &str, year: &str, status: CellStatus, cost: i64, range: Option<[i64; 2]>) -> ReleaseCell {
        let shown = status != CellStatus::Suppressed;
        let mut values = [None; MEASURE_COUNT];
        values[Measure::AnnualCostCents.index()] = shown.then_some(cost);
        ReleaseCell {
            members: vec![vendor.into(), year.into()],
            status,
            organisations: shown.then_some(if status == CellStatus::Empty { 0 } else { 4 }),
            values,
            avg_unit_price_cents: None,
            range: range.map(|r| {
                let mut all = [[0, 0]; MEASURE_COUNT];
                all[Measure::AnnualCostCents.index()] = r;
                all
            }),
        }
    }

    #[test]
    fn published_values_ranges_of_suppressed_cells_and_nothing_else() {
        let release = Release {
            id: ReleaseId(uuid::Uuid::nil()),
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
            created_at: chrono::Utc::now(),
            measures: Measure::ALL.to_vec(),
            held_back_organisations: 0,
            tables: vec![ReleaseTable {
                name: "vendor_by_renewal_year".into(),
                dimensions: vec!["vendor".into(), "renewal_year".into()],
                cells: vec![
                    cell("Microsoft", "2027", CellStatus::Published, 9_000_000_00, None),
                    cell("Adobe", "2027", CellStatus::Suppressed, 0, Some([240_000_00, 320_000_00])),
                    cell("Oracle", "2027", CellStatus::Suppressed, 0, None),
                    cell("Oracle", "2028", CellStatus::Empty, 0, None),
                    cell("Microsoft", "unknown", CellStatus::Published, 5_00, None),
                    cell("Microsoft", "*", CellStatus::Published, 9_000_000_05, None),
                    cell("*", "2026", CellStatus::Published, 1_000_00, None),
                ],
            }],
        };
        let windows = renewal_windows(&release);
        let keys: Vec<(i32, &str)> = windows.iter().map(|w| (w.year, w.vendor.as_str())).collect();
        assert_eq!(keys, vec![(2026, "*"), (2027, "Adobe"), (2027, "Microsoft"), (2027, "Oracle")]);
        assert_eq!(windows[2].annual_cost_cents, Some(9_000_000_00));
        assert_eq!(windows[2].organisations, Some(4));
        let adobe = &windows[1];
        assert_eq!((adobe.annual_cost_cents, adobe.organisations), (None, None));
        assert_eq!(adobe.annual_cost_range, Some([240_000_00, 320_000_00]));
        let oracle = &windows[3];
        assert_eq!((oracle.annual_cost_cents, oracle.organisations, oracle.annual_cost_range), (None, None, None));
    }
}
