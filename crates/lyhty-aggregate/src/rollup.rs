//! Rollups: from checked lines to the linked system of cells, with polars.
//!
//! 1. Rare vendors (fewer than `min_orgs` contributing organisations) are recoded to
//!    `Other vendors`, then rare products within a vendor to `Other products`.
//! 2. Contributions are summed **per organisation and cell** (an organisation with 40
//!    Microsoft lines is one contributor of one value), for every cell of every table,
//!    margins included: `(vendor, member)`, `(vendor, *)`, `(*, member)` and `(*, *)`
//!    (no `(*, product)`: products are nested in vendors).
//! 3. The cells and the additivity equations between them form a [`LinkedSystem`], the
//!    single linear system that suppression and the audits work on.
//!
//! polars does the grouping; everything leaving this module is plain Rust, sorted, so the
//! result does not depend on row order or on polars' thread count.

use crate::error::AggregateError;
use crate::input::Microrow;
use crate::model::{CellKey, Dimension, MEASURE_COUNT, Member, OTHER_PRODUCTS, OTHER_VENDORS, TABLES, Values};
use lyhty_domain::OrgId;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One organisation's summed contribution to one cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Contribution {
    /// Index into [`LinkedSystem::orgs`].
    pub org: u32,
    pub values: Values,
}

/// `total = Σ parts`, over non-empty cells only (empty cells are known zeros).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Equation {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// The release's cells as one linear system.
#[derive(Clone, Debug, Default)]
pub(crate) struct LinkedSystem {
    /// Contributing organisations, sorted; contributions refer to them by index.
    pub orgs: Vec<OrgId>,
    /// Non-empty cells, sorted by key.
    pub cells: Vec<CellKey>,
    pub index: HashMap<CellKey, usize>,
    /// Per cell, its contributors sorted by organisation index.
    pub contributions: Vec<Vec<Contribution>>,
    pub totals: Vec<Values>,
    pub equations: Vec<Equation>,
    /// Vendors after recoding, sorted.
    pub vendors: Vec<String>,
    /// Per dimension, its members present in the data (after recoding), sorted.
    pub members: BTreeMap<Dimension, Vec<String>>,
    /// Per vendor, its products after recoding (the product table is nested in vendors).
    pub products: BTreeMap<String, Vec<String>>,
}

impl LinkedSystem {
    pub fn grand_total(&self) -> Option<usize> {
        self.index.get(&CellKey::grand_total()).copied()
    }
}

const ORG: &str = "org";
const VENDOR: &str = "vendor";

fn measure_col(m: usize) -> String {
    format!("m{m}")
}

/// Builds the linked system from checked rows.
pub(crate) fn rollup(rows: &[Microrow], min_orgs: u32) -> Result<LinkedSystem, AggregateError> {
    if rows.is_empty() {
        return Ok(LinkedSystem::default());
    }
    let orgs: Vec<OrgId> = rows.iter().map(|r| r.org).collect::<BTreeSet<_>>().into_iter().collect();
    let org_index: HashMap<OrgId, i64> = orgs.iter().enumerate().map(|(i, o)| (*o, i as i64)).collect();
    let org_col: Vec<i64> = rows.iter().map(|r| org_index[&r.org]).collect();

    // 1. Recoding. Counting distinct organisations per vendor (and per product) is a
    // group-by; the recoding itself is a lookup.
    let vendors_raw: Vec<&str> = rows.iter().map(|r| r.vendor.as_str()).collect();
    let rare_vendors = rare_keys(&[(VENDOR, &vendors_raw)], &org_col, min_orgs)?;
    let vendors: Vec<String> =
        rows.iter()
            .map(|r| {
                if rare_vendors.contains(&vec![r.vendor.clone()]) {
                    OTHER_VENDORS.to_string()
                } else {
                    r.vendor.clone()
                }
            })
            .collect();
    let product_at = Dimension::ALL.iter().position(|d| *d == Dimension::Product).unwrap_or(5);
    let vendor_refs: Vec<&str> = vendors.iter().map(String::as_str).collect();
    let products_raw: Vec<&str> = rows.iter().map(|r| r.members[product_at].as_str()).collect();
    let rare_products = rare_keys(&[(VENDOR, &vendor_refs), ("product", &products_raw)], &org_col, min_orgs)?;
    let products: Vec<String> = rows
        .iter()
        .zip(&vendors)
        .map(|(r, v)| {
            let p = &r.members[product_at];
            if rare_products.contains(&vec![v.clone(), p.clone()]) { OTHER_PRODUCTS.to_string() } else { p.clone() }
        })
        .collect();

    // 2. The frame of contributions, one row per line.
    let mut columns = vec![Column::new(ORG.into(), &org_col), Column::new(VENDOR.into(), &vendors)];
    for (d, dim) in Dimension::ALL.iter().enumerate() {
        let col: Vec<&str> = if *dim == Dimension::Product {
            products.iter().map(String::as_str).collect()
        } else {
            rows.iter().map(|r| r.members[d].as_str()).collect()
        };
        columns.push(Column::new(dim.key().into(), col));
    }
    for m in 0..MEASURE_COUNT {
        let col: Vec<i64> = rows.iter().map(|r| r.values[m]).collect();
        columns.push(Column::new(measure_col(m).into(), col));
    }
    let frame = DataFrame::new(rows.len(), columns)?.lazy();

    let mut acc = Accumulator::default();
    // Vendor margins `(v, *)` and the grand total, shared by all tables: computed once.
    acc.add(&frame, Some(VENDOR), None)?;
    acc.add(&frame, None, None)?;
    for dim in TABLES.iter().flatten() {
        acc.add(&frame, Some(VENDOR), Some(*dim))?;
        // Products are nested in vendors: no `(*, product)` row.
        if *dim != Dimension::Product {
            acc.add(&frame, None, Some(*dim))?;
        }
    }
    Ok(acc.finish(orgs))
}

/// Keys (tuples of the given columns) with fewer than `min_orgs` distinct organisations.
fn rare_keys(
    keys: &[(&str, &Vec<&str>)],
    org_col: &[i64],
    min_orgs: u32,
) -> Result<BTreeSet<Vec<String>>, AggregateError> {
    let height = org_col.len();
    let mut columns = vec![Column::new(ORG.into(), org_col)];
    for (name, values) in keys {
        columns.push(Column::new((*name).into(), values.as_slice()));
    }
    let key_exprs: Vec<Expr> = keys.iter().map(|(n, _)| col(*n)).collect();
    let mut with_org = key_exprs.clone();
    with_org.push(col(ORG));
    let counted = DataFrame::new(height, columns)?
        .lazy()
        .group_by(with_org)
        .agg([len().alias("lines")])
        .group_by(key_exprs)
        .agg([len().alias("orgs")])
        .filter(col("orgs").lt(lit(min_orgs)))
        .collect()?;
    let mut rare = BTreeSet::new();
    let key_cols =
        keys.iter().map(|(n, _)| counted.column(n).and_then(|c| c.str().cloned())).collect::<Result<Vec<_>, _>>()?;
    for i in 0..counted.height() {
        let key: Vec<String> = key_cols.iter().map(|c| c.get(i).unwrap_or_default().to_string()).collect();
        rare.insert(key);
    }
    Ok(rare)
}

/// Collects per-(cell, organisation) sums from the group-bys.
#[derive(Default)]
struct Accumulator {
    cells: HashMap<CellKey, Vec<Contribution>>,
}

impl Accumulator {
    /// Groups by (`vendor`?, `dim`?, org) and records the sums under the matching cell key;
    /// a missing grouping column is the margin `*` over it.
    fn add(&mut self, frame: &LazyFrame, vendor: Option<&str>, dim: Option<Dimension>) -> Result<(), AggregateError> {
        let mut keys: Vec<Expr> = Vec::new();
        if let Some(v) = vendor {
            keys.push(col(v));
        }
        if let Some(d) = dim {
            keys.push(col(d.key()));
        }
        keys.push(col(ORG));
        let sums: Vec<Expr> = (0..MEASURE_COUNT).map(|m| col(measure_col(m)).sum()).collect();
        let grouped = frame.clone().group_by(keys).agg(sums).collect()?;

        let vendor_col = vendor.map(|v| grouped.column(v).and_then(|c| c.str().cloned())).transpose()?;
        let dim_col = dim.map(|d| grouped.column(d.key()).and_then(|c| c.str().cloned())).transpose()?;
        let org_col = grouped.column(ORG)?.i64()?.clone();
        let measure_cols = (0..MEASURE_COUNT)
            .map(|m| grouped.column(&measure_col(m)).and_then(|c| c.i64().cloned()))
            .collect::<Result<Vec<_>, _>>()?;

        // Rows of one cell come in no particular order; the key is rebuilt only when it
        // changes between consecutive rows, which saves most allocations in practice.
        let mut last: Option<(Option<&str>, Option<&str>, CellKey)> = None;
        for i in 0..grouped.height() {
            let v = vendor_col.as_ref().map(|c| c.get(i).unwrap_or_default());
            let d = dim_col.as_ref().map(|c| c.get(i).unwrap_or_default());
            let key = match &last {
                Some((lv, ld, key)) if *lv == v && *ld == d => key.clone(),
                _ => CellKey {
                    vendor: v.map_or(Member::Margin, |v| Member::Value(v.to_string())),
                    dim: dim.map(|dim| (dim, d.map_or(Member::Margin, |d| Member::Value(d.to_string())))),
                },
            };
            let org = u32::try_from(org_col.get(i).unwrap_or_default())
                .map_err(|_| AggregateError::Rollup("organisation index out of range".into()))?;
            let mut values: Values = [0; MEASURE_COUNT];
            for (m, c) in measure_cols.iter().enumerate() {
                values[m] = c.get(i).unwrap_or_default();
            }
            self.cells.entry(key.clone()).or_default().push(Contribution { org, values });
            last = Some((v, d, key));
        }
        Ok(())
    }

    fn finish(self, orgs: Vec<OrgId>) -> LinkedSystem {
        let mut entries: Vec<(CellKey, Vec<Contribution>)> = self.cells.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut sys = LinkedSystem { orgs, ..LinkedSystem::default() };
        for (key, mut contributions) in entries {
            contributions.sort_by_key(|c| c.org);
            let mut total: Values = [0; MEASURE_COUNT];
            for c in &contributions {
                for (t, v) in total.iter_mut().zip(c.values) {
                    *t += v;
                }
            }
            sys.index.insert(key.clone(), sys.cells.len());
            sys.cells.push(key);
            sys.contributions.push(contributions);
            sys.totals.push(total);
        }
        build_structure(&mut sys);
        sys
    }
}

/// Fills in the vendor and member lists and the additivity equations.
fn build_structure(sys: &mut LinkedSystem) {
    let mut vendors = BTreeSet::new();
    let mut members: BTreeMap<Dimension, BTreeSet<String>> = BTreeMap::new();
    let mut products: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for key in &sys.cells {
        if let Member::Value(v) = &key.vendor {
            vendors.insert(v.clone());
        }
        if let Some((d, Member::Value(m))) = &key.dim {
            members.entry(*d).or_default().insert(m.clone());
            if let (Dimension::Product, Member::Value(v)) = (d, &key.vendor) {
                products.entry(v.clone()).or_default().insert(m.clone());
            }
        }
    }
    sys.vendors = vendors.into_iter().collect();
    sys.members = members.into_iter().map(|(d, s)| (d, s.into_iter().collect())).collect();
    sys.products = products.into_iter().map(|(v, s)| (v, s.into_iter().collect())).collect();

    let Some(grand) = sys.grand_total() else { return };
    let idx = |k: &CellKey| sys.index.get(k).copied();
    let mut equations = Vec::new();
    // The vendor table: (*) = Σ_v (v).
    let parts: Vec<usize> =
        sys.vendors.iter().filter_map(|v| idx(&CellKey { vendor: Member::Value(v.clone()), dim: None })).collect();
    equations.push(Equation { total: grand, parts });
    for dim in TABLES.iter().flatten() {
        let dim_members = sys.members.get(dim).cloned().unwrap_or_default();
        let cell = |v: &Member, m: &Member| idx(&CellKey { vendor: v.clone(), dim: Some((*dim, m.clone())) });
        // Rows: (v, *) = Σ_m (v, m).
        for v in &sys.vendors {
            let vm = Member::Value(v.clone());
            let Some(total) = idx(&CellKey { vendor: vm.clone(), dim: None }) else { continue };
            let parts: Vec<usize> = dim_members.iter().filter_map(|m| cell(&vm, &Member::Value(m.clone()))).collect();
            equations.push(Equation { total, parts });
        }
        // Columns: (*, m) = Σ_v (v, m).
        for m in &dim_members {
            let mm = Member::Value(m.clone());
            let Some(total) = cell(&Member::Margin, &mm) else { continue };
            let parts: Vec<usize> = sys.vendors.iter().filter_map(|v| cell(&Member::Value(v.clone()), &mm)).collect();
            equations.push(Equation { total, parts });
        }
        // The margin row: (*, *) = Σ_m (*, m); the product table has none (it is nested
        // in vendors, whose row sums the vendor table already holds).
        if *dim == Dimension::Product {
            continue;
        }
        let parts: Vec<usize> =
            dim_members.iter().filter_map(|m| cell(&Member::Margin, &Member::Value(m.clone()))).collect();
        equations.push(Equation { total: grand, parts });
    }
    sys.equations = equations;
}
