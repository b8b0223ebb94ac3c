//! A member's own figures beside the published cells it falls in.
//!
//! Pure: from a published release and one organisation's own lines (which it may see
//! anyway), never from anyone else's data. The organisation's vendors and products are
//! recoded as the release recoded them (a vendor the release does not list is one of
//! `Other vendors`), so each own figure sits beside the cell that contains it. Where the
//! cell is suppressed but carries a range, the range is shown beside the own figure.

use crate::input::{ContributionLine, ReleaseId, microrow};
use crate::model::CellRange;
use crate::model::{
    Dimension, MARGIN, MEASURE_COUNT, Measure, OTHER_PRODUCTS, OTHER_VENDORS, TABLES, Values, table_name,
};
use crate::release::{CellStatus, Release, unit_price, values_of};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The measures of a cell by name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    pub annual_cost_cents: i64,
    pub end_user_licences: i64,
    pub server_licences: i64,
    pub in_use_licences: i64,
    pub usage_reported_licences: i64,
}

impl From<Values> for Figures {
    fn from(v: Values) -> Self {
        Self {
            annual_cost_cents: v[Measure::AnnualCostCents.index()],
            end_user_licences: v[Measure::EndUserLicences.index()],
            server_licences: v[Measure::ServerLicences.index()],
            in_use_licences: v[Measure::InUseLicences.index()],
            usage_reported_licences: v[Measure::UsageReportedLicences.index()],
        }
    }
}

/// The member's view of one release.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberBenchmark {
    pub release_id: ReleaseId,
    pub as_of: NaiveDate,
    pub rows: Vec<BenchmarkRow>,
    /// Own lines that could not be placed (invalid values); they are in no row.
    pub lines_skipped: usize,
}

/// One published cell the member contributes to, with its own part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BenchmarkRow {
    pub table: String,
    pub dimensions: Vec<String>,
    pub members: Vec<String>,
    pub own: Figures,
    pub status: CellStatus,
    /// The published cell; `None` when suppressed.
    pub published: Option<Figures>,
    pub published_organisations: Option<u32>,
    /// Own cost ÷ own quantity, on `vendor_by_licence_type` end-user and server cells.
    pub own_unit_price_cents: Option<i64>,
    /// The published average there, when the cell is published.
    pub published_unit_price_cents: Option<i64>,
    /// The cell's published range when it is suppressed and carries one.
    #[serde(default)]
    pub range: Option<FiguresRange>,
}

/// A published range: every measure's low and high end.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiguresRange {
    pub low: Figures,
    pub high: Figures,
}

impl From<CellRange> for FiguresRange {
    fn from(r: CellRange) -> Self {
        Self { low: Figures::from(r.map(|[lo, _]| lo)), high: Figures::from(r.map(|[_, hi]| hi)) }
    }
}

/// The member's figures beside the published cells they fall in.
pub fn benchmark(release: &Release, own_lines: &[ContributionLine]) -> MemberBenchmark {
    let vendor_table = release.table(table_name(None));
    let listed_vendors: BTreeSet<&str> = vendor_table
        .map(|t| t.cells.iter().map(|c| c.members[0].as_str()).filter(|v| *v != MARGIN).collect())
        .unwrap_or_default();
    let listed_products: BTreeSet<(&str, &str)> = release
        .table(table_name(Some(Dimension::Product)))
        .map(|t| {
            t.cells
                .iter()
                .filter(|c| c.members.len() == 2)
                .map(|c| (c.members[0].as_str(), c.members[1].as_str()))
                .collect()
        })
        .unwrap_or_default();

    // Own sums per (table, members).
    let mut own: BTreeMap<(usize, Vec<String>), Values> = BTreeMap::new();
    let mut lines_skipped = 0;
    for (i, line) in own_lines.iter().enumerate() {
        let Ok(row) = microrow(i + 1, line) else {
            lines_skipped += 1;
            continue;
        };
        let vendor =
            if listed_vendors.contains(row.vendor.as_str()) { row.vendor.clone() } else { OTHER_VENDORS.to_string() };
        let mut members = row.members.clone();
        let product_at = Dimension::ALL.iter().position(|d| *d == Dimension::Product).unwrap_or(5);
        if !listed_products.contains(&(vendor.as_str(), members[product_at].as_str())) {
            members[product_at] = OTHER_PRODUCTS.to_string();
        }
        for (t, table) in TABLES.iter().enumerate() {
            let member = table.map(|d| {
                let at = Dimension::ALL.iter().position(|x| *x == d).unwrap_or(0);
                members[at].clone()
            });
            for v in [vendor.clone(), MARGIN.to_string()] {
                let mut keys = vec![vec![v.clone()]];
                if let Some(m) = &member {
                    keys = vec![vec![v.clone(), m.clone()], vec![v.clone(), MARGIN.to_string()]];
                }
                for key in keys {
                    let sum = own.entry((t, key)).or_insert([0; MEASURE_COUNT]);
                    for (s, x) in sum.iter_mut().zip(row.values) {
                        *s += x;
                    }
                }
            }
        }
    }

    let mut rows = Vec::with_capacity(own.len());
    for ((t, members), values) in own {
        let name = table_name(TABLES[t]);
        let Some(table) = release.table(name) else { continue };
        let members_ref: Vec<&str> = members.iter().map(String::as_str).collect();
        let Some(cell) = table.cell(&members_ref) else { continue };
        let published = values_of(cell);
        let (own_price, published_price) = match (TABLES[t], members.get(1).map(String::as_str)) {
            (Some(Dimension::LicenceType), Some(kind @ ("end_user" | "server"))) => {
                let q = if kind == "end_user" { Measure::EndUserLicences } else { Measure::ServerLicences };
                (
                    unit_price(Some(values[Measure::AnnualCostCents.index()]), Some(values[q.index()])),
                    cell.avg_unit_price_cents,
                )
            }
            _ => (None, None),
        };
        rows.push(BenchmarkRow {
            table: name.to_string(),
            dimensions: table.dimensions.clone(),
            members,
            own: values.into(),
            status: cell.status,
            published: published.map(Figures::from),
            published_organisations: cell.organisations,
            own_unit_price_cents: own_price,
            published_unit_price_cents: published_price,
            range: cell.range.map(FiguresRange::from),
        });
    }
    MemberBenchmark { release_id: release.id, as_of: release.as_of, rows, lines_skipped }
}
