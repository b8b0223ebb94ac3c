//! The release JSON of `DISCLOSURE.md`, and how a protected system becomes one.
//!
//! ```json
//! { "id": "…", "as_of": "2026-03-31", "created_at": "…",
//!   "measures": ["annual_cost_cents", …],
//!   "tables": [ { "name": "vendor_by_sector", "dimensions": ["vendor", "sector"],
//!                 "cells": [ { "vendor": "Microsoft", "sector": "university",
//!                              "status": "published", "organisations": 7,
//!                              "annual_cost_cents": 123, … } ] } ] }
//! ```
//!
//! Suppressed cells carry `null` for every value and for `organisations` (primary and
//! secondary suppression look the same), and, when they have at least `min_orgs`
//! contributors, a `range` per measure (`{"annual_cost_cents": [lo, hi], …}`, see
//! [`crate::ranges`]); empty cells are zeros with status `empty`. Cells are sorted by
//! member, `*` last, so identical inputs give identical bytes.
//!
//! `avg_unit_price_cents` (cost ÷ quantity, rounded to the cent) appears only on published
//! `vendor_by_licence_type` cells of `end_user` or `server` licences, the only cells where
//! cost and quantity describe the same licences; both come from the same published cell.

use crate::input::ReleaseId;
use crate::model::CellRange;
use crate::model::{CellKey, Dimension, MEASURE_COUNT, Measure, Member, TABLES, Values, table_name};
use crate::rollup::LinkedSystem;
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::OrgCategory;
use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A release: fixed, versioned, immutable once published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub id: ReleaseId,
    pub as_of: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub measures: Vec<Measure>,
    /// How many organisations' updates this release holds back (protection across
    /// releases); never which.
    #[serde(default)]
    pub held_back_organisations: usize,
    pub tables: Vec<ReleaseTable>,
}

impl Release {
    /// The release JSON, compact.
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn table(&self, name: &str) -> Option<&ReleaseTable> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// One linked table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseTable {
    pub name: String,
    /// `["vendor"]` or `["vendor", D]`.
    pub dimensions: Vec<String>,
    pub cells: Vec<ReleaseCell>,
}

impl ReleaseTable {
    /// The cell with these members (in dimension order), `"*"` for a margin.
    pub fn cell(&self, members: &[&str]) -> Option<&ReleaseCell> {
        self.cells.iter().find(|c| c.members.iter().map(String::as_str).eq(members.iter().copied()))
    }
}

/// Whether a cell's figures are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CellStatus {
    Published,
    /// Primary or secondary: deliberately indistinguishable.
    Suppressed,
    /// No contributor: zeros.
    Empty,
}

/// One cell of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseCell {
    /// Members in the table's dimension order, `"*"` for a margin.
    pub members: Vec<String>,
    pub status: CellStatus,
    /// `None` when suppressed.
    pub organisations: Option<u32>,
    /// Per measure, in [`Measure::ALL`] order; `None` when suppressed.
    pub values: [Option<i64>; MEASURE_COUNT],
    pub avg_unit_price_cents: Option<i64>,
    /// On a suppressed cell of `min_orgs` or more contributors: per measure, in
    /// [`Measure::ALL`] order, an interval `[lo, hi]` containing the value.
    pub range: Option<CellRange>,
}

impl ReleaseCell {
    pub fn value(&self, measure: Measure) -> Option<i64> {
        self.values[measure.index()]
    }

    /// The published range of one measure, on a suppressed cell that has one.
    pub fn range_of(&self, measure: Measure) -> Option<[i64; 2]> {
        self.range.map(|r| r[measure.index()])
    }
}

const RANGE: &str = "range";

/// A cell's range as the JSON shows it: `{"annual_cost_cents": [lo, hi], …}`.
struct RangeView<'a>(&'a CellRange);

impl Serialize for RangeView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(MEASURE_COUNT))?;
        for (measure, bounds) in Measure::ALL.iter().zip(self.0) {
            map.serialize_entry(measure.key(), bounds)?;
        }
        map.end()
    }
}

const UNIT_PRICE: &str = "avg_unit_price_cents";

struct CellView<'a> {
    dimensions: &'a [String],
    cell: &'a ReleaseCell,
}

impl Serialize for CellView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (d, m) in self.dimensions.iter().zip(&self.cell.members) {
            map.serialize_entry(d, m)?;
        }
        map.serialize_entry("status", &self.cell.status)?;
        map.serialize_entry("organisations", &self.cell.organisations)?;
        for (measure, value) in Measure::ALL.iter().zip(&self.cell.values) {
            map.serialize_entry(measure.key(), value)?;
        }
        if let Some(price) = self.cell.avg_unit_price_cents {
            map.serialize_entry(UNIT_PRICE, &price)?;
        }
        if let Some(range) = &self.cell.range {
            map.serialize_entry(RANGE, &RangeView(range))?;
        }
        map.end()
    }
}

impl Serialize for ReleaseTable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let cells: Vec<CellView<'_>> =
            self.cells.iter().map(|cell| CellView { dimensions: &self.dimensions, cell }).collect();
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry("dimensions", &self.dimensions)?;
        map.serialize_entry("cells", &cells)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for ReleaseTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            name: String,
            dimensions: Vec<String>,
            cells: Vec<serde_json::Map<String, serde_json::Value>>,
        }
        let raw = Raw::deserialize(d)?;
        let mut cells = Vec::with_capacity(raw.cells.len());
        for mut obj in raw.cells {
            let mut members = Vec::with_capacity(raw.dimensions.len());
            for dim in &raw.dimensions {
                match obj.remove(dim) {
                    Some(serde_json::Value::String(m)) => members.push(m),
                    _ => return Err(D::Error::custom(format!("cell without member for {dim}"))),
                }
            }
            let status: CellStatus = obj
                .remove("status")
                .map(serde_json::from_value)
                .transpose()
                .map_err(D::Error::custom)?
                .ok_or_else(|| D::Error::custom("cell without status"))?;
            let int = |v: Option<&serde_json::Value>| v.and_then(serde_json::Value::as_i64);
            let organisations = int(obj.get("organisations")).and_then(|n| u32::try_from(n).ok());
            let mut values = [None; MEASURE_COUNT];
            for (slot, measure) in values.iter_mut().zip(Measure::ALL) {
                *slot = int(obj.get(measure.key()));
            }
            let avg_unit_price_cents = int(obj.get(UNIT_PRICE));
            let range = match obj.get(RANGE) {
                None | Some(serde_json::Value::Null) => None,
                Some(value) => {
                    let by_measure: std::collections::BTreeMap<String, [i64; 2]> =
                        serde_json::from_value(value.clone()).map_err(D::Error::custom)?;
                    let mut range = [[0; 2]; MEASURE_COUNT];
                    for (slot, measure) in range.iter_mut().zip(Measure::ALL) {
                        *slot = *by_measure
                            .get(measure.key())
                            .ok_or_else(|| D::Error::custom(format!("range without {}", measure.key())))?;
                    }
                    Some(range)
                }
            };
            cells.push(ReleaseCell { members, status, organisations, values, avg_unit_price_cents, range });
        }
        Ok(Self { name: raw.name, dimensions: raw.dimensions, cells })
    }
}

/// The members listed for a dimension: every member present, and for the closed lists
/// (sectors, licence types) every member of the list, so that an absent sector shows as an
/// empty cell rather than as a missing row.
fn listed_members(sys: &LinkedSystem, dim: Dimension) -> Vec<String> {
    let mut members: Vec<String> = sys.members.get(&dim).cloned().unwrap_or_default();
    let closed: Vec<&str> = match dim {
        Dimension::Sector => OrgCategory::ALL.iter().map(|c| c.key()).collect(),
        Dimension::LicenceType => crate::input::LICENCE_TYPES.to_vec(),
        _ => Vec::new(),
    };
    for m in closed {
        if !members.iter().any(|x| x == m) {
            members.push(m.to_string());
        }
    }
    members.sort();
    members
}

/// Renders the protected system as the release JSON structure.
pub(crate) fn render(
    sys: &LinkedSystem,
    suppressed: &[bool],
    ranges: &[Option<CellRange>],
    id: ReleaseId,
    as_of: NaiveDate,
    created_at: DateTime<Utc>,
) -> Release {
    let mut vendor_rows: Vec<Member> = sys.vendors.iter().cloned().map(Member::Value).collect();
    vendor_rows.push(Member::Margin);
    let tables = TABLES
        .iter()
        .map(|table| {
            let mut keys: Vec<CellKey> = Vec::new();
            match table {
                None => keys.extend(vendor_rows.iter().map(|v| CellKey { vendor: v.clone(), dim: None })),
                Some(dim) => {
                    let all = listed_members(sys, *dim);
                    for v in &vendor_rows {
                        // Products are nested in vendors: list only a vendor's own products.
                        let members: Vec<String> = match (dim, v) {
                            (Dimension::Product, Member::Value(name)) => {
                                sys.products.get(name).cloned().unwrap_or_default()
                            }
                            // No `(*, product)` row: only the grand total closes the table.
                            (Dimension::Product, Member::Margin) => Vec::new(),
                            _ => all.clone(),
                        };
                        for m in members {
                            keys.push(CellKey { vendor: v.clone(), dim: Some((*dim, Member::Value(m))) });
                        }
                        keys.push(CellKey { vendor: v.clone(), dim: None });
                    }
                }
            }
            let width = if table.is_some() { 2 } else { 1 };
            let cells = keys.iter().map(|key| render_cell(sys, suppressed, ranges, key, width)).collect();
            let mut dimensions = vec!["vendor".to_string()];
            dimensions.extend(table.map(|d| d.key().to_string()));
            ReleaseTable { name: table_name(*table).to_string(), dimensions, cells }
        })
        .collect();
    Release { id, as_of, created_at, measures: Measure::ALL.to_vec(), held_back_organisations: 0, tables }
}

fn render_cell(
    sys: &LinkedSystem,
    suppressed: &[bool],
    ranges: &[Option<CellRange>],
    key: &CellKey,
    width: usize,
) -> ReleaseCell {
    let mut members = vec![key.vendor.as_str().to_string()];
    members.extend(key.dim.as_ref().map(|(_, m)| m.as_str().to_string()));
    // The shared `(vendor, *)` cell shown in a two-dimensional table names both members.
    while members.len() < width {
        members.push(crate::model::MARGIN.to_string());
    }
    let index = sys.index.get(key).copied();
    let (status, organisations, values) = match index {
        None => (CellStatus::Empty, Some(0), [Some(0); MEASURE_COUNT]),
        Some(c) if suppressed[c] => (CellStatus::Suppressed, None, [None; MEASURE_COUNT]),
        Some(c) => {
            let n = u32::try_from(sys.contributions[c].len()).unwrap_or(u32::MAX);
            (CellStatus::Published, Some(n), sys.totals[c].map(Some))
        }
    };
    let avg_unit_price_cents = match (&key.dim, status) {
        (Some((Dimension::LicenceType, Member::Value(t))), CellStatus::Published) => {
            let quantity = match t.as_str() {
                "end_user" => values[Measure::EndUserLicences.index()],
                "server" => values[Measure::ServerLicences.index()],
                _ => None,
            };
            unit_price(values[Measure::AnnualCostCents.index()], quantity)
        }
        _ => None,
    };
    // Only a suppressed cell carries a range (a published one shows its value).
    let range = index.filter(|&c| suppressed[c]).and_then(|c| ranges.get(c).copied().flatten());
    ReleaseCell { members, status, organisations, values, avg_unit_price_cents, range }
}

/// `cost / quantity` rounded half away from zero, in exact integer arithmetic.
pub(crate) fn unit_price(cost: Option<i64>, quantity: Option<i64>) -> Option<i64> {
    let (cost, quantity) = (i128::from(cost?), i128::from(quantity?));
    if quantity <= 0 {
        return None;
    }
    i64::try_from((2 * cost + quantity) / (2 * quantity)).ok()
}

/// Values of a cell as the benchmark reads them.
pub(crate) fn values_of(cell: &ReleaseCell) -> Option<Values> {
    let mut out = [0; MEASURE_COUNT];
    for (slot, v) in out.iter_mut().zip(&cell.values) {
        *slot = (*v)?;
    }
    Some(out)
}
