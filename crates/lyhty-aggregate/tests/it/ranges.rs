//! Ranges instead of blanks, through the public API: checked against the raw lines, as a
//! reader with the true inventories would check them.

use crate::common::*;
use lyhty_aggregate::{CellStatus, ContributionLine, Measure, Release, benchmark};
use std::collections::{BTreeMap, BTreeSet};

/// Per cell (table, members), the organisations and summed values, from the lines; the
/// vendor and product recoding read back from the release.
/// (table, members) → (organisations, summed values).
type Truth = BTreeMap<(String, Vec<String>), (BTreeSet<u128>, [i64; 5])>;

fn truth(release: &Release, lines: &[ContributionLine]) -> Truth {
    let vendors: BTreeSet<&str> =
        release.table("vendor").unwrap().cells.iter().map(|c| c.members[0].as_str()).collect();
    let products: BTreeSet<(&str, &str)> = release
        .table("vendor_by_product")
        .unwrap()
        .cells
        .iter()
        .map(|c| (c.members[0].as_str(), c.members[1].as_str()))
        .collect();
    let mut out = Truth::new();
    for l in lines {
        let vendor = if vendors.contains(l.vendor.as_str()) { l.vendor.clone() } else { "Other vendors".into() };
        let product = if products.contains(&(vendor.as_str(), l.product.as_str())) {
            l.product.clone()
        } else {
            "Other products".into()
        };
        let mut values = [l.annual_cost_cents, 0, 0, 0, 0];
        match l.licence_type.as_str() {
            "end_user" => values[1] = l.quantity,
            "server" => values[2] = l.quantity,
            _ => {}
        }
        let quarter = l.renewal_quarter.map_or("unknown".into(), |q| q.to_string());
        let year = l.renewal_quarter.map_or("unknown".into(), |q| q.year.to_string());
        let dims = [
            ("vendor_by_sector", l.sector.key().to_string()),
            ("vendor_by_contract_type", l.contract_type.clone()),
            ("vendor_by_licence_type", l.licence_type.clone()),
            ("vendor_by_channel", l.channel.clone()),
            ("vendor_by_renewal_quarter", quarter),
            ("vendor_by_renewal_year", year),
            ("vendor_by_product", product),
        ];
        let mut keys = BTreeSet::new();
        for v in [vendor.clone(), "*".to_string()] {
            keys.insert(("vendor".to_string(), vec![v.clone()]));
            for (table, m) in &dims {
                keys.insert((table.to_string(), vec![v.clone(), m.clone()]));
                keys.insert((table.to_string(), vec![v.clone(), "*".into()]));
            }
        }
        for key in keys {
            let entry = out.entry(key).or_default();
            entry.0.insert(l.org.0.as_u128());
            for (s, v) in entry.1.iter_mut().zip(values) {
                *s += v;
            }
        }
    }
    out
}

/// Every suppressed cell of three or more organisations has a range on every measure,
/// containing the truth, with round ends; no cell of one or two organisations has one; a
/// published cell never does; and the shared vendor margins carry the same range in every
/// table.
#[test]
fn ranges_are_where_they_should_be_and_contain_the_truth() {
    let mut checked = 0;
    for seed in [3, 11, 29] {
        let lines = synthetic(seed, 14, 8);
        let outcome = release(&input(lines.clone()));
        let published = outcome.published().expect("published");
        let release = &published.release;
        let truth = truth(release, &lines);
        let mut margins: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for table in &release.tables {
            for cell in &table.cells {
                let key = (table.name.clone(), cell.members.clone());
                let Some((orgs, values)) = truth.get(&key) else {
                    assert_eq!(cell.status, CellStatus::Empty, "{key:?}");
                    continue;
                };
                if cell.status != CellStatus::Suppressed {
                    assert!(cell.range.is_none(), "{key:?} is published: no range");
                    continue;
                }
                if orgs.len() < 3 {
                    assert!(cell.range.is_none(), "{key:?} has {} organisations: no range", orgs.len());
                    continue;
                }
                checked += 1;
                for m in Measure::ALL {
                    let [lo, hi] = cell.range_of(m).unwrap_or_else(|| panic!("{key:?} has a range"));
                    let x = values[m.index()];
                    assert!(lo <= x && x <= hi, "{key:?} {m:?}: {x} in [{lo}, {hi}]");
                    for end in [lo, hi] {
                        let digits = end.to_string().trim_end_matches('0').len();
                        assert!(end == 0 || digits <= 2, "{key:?} {m:?}: {end} is round");
                    }
                }
                if cell.members.last().is_some_and(|m| m == "*") || cell.members.len() == 1 {
                    margins.entry(cell.members[0].clone()).or_default().insert(format!("{:?}", cell.range));
                }
            }
        }
        for (vendor, seen) in margins {
            assert_eq!(seen.len(), 1, "the margin of {vendor} has one range in every table: {seen:?}");
        }
    }
    assert!(checked > 10, "the networks have ranged cells ({checked})");
}

/// The range travels in the release JSON as the spec shows it, and reads back.
#[test]
fn ranges_in_the_json() {
    let outcome = release(&input(synthetic(3, 14, 8)));
    let published = outcome.published().expect("published");
    let json: serde_json::Value = serde_json::from_str(&published.release.to_json()).unwrap();
    let ranged = json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["cells"].as_array().unwrap())
        .find(|c| c.get("range").is_some())
        .expect("a ranged cell");
    assert_eq!(ranged["status"], "suppressed");
    assert!(ranged["annual_cost_cents"].is_null() && ranged["organisations"].is_null());
    for m in Measure::ALL {
        let ends = ranged["range"][m.key()].as_array().unwrap();
        assert!(ends[0].as_i64().unwrap() <= ends[1].as_i64().unwrap());
    }
    let back: Release = serde_json::from_str(&published.release.to_json()).unwrap();
    assert_eq!(back, published.release);
}

/// A member sees the range beside its own figure where the cell is suppressed.
#[test]
fn member_benchmark_shows_the_range() {
    let lines = synthetic(3, 14, 8);
    let outcome = release(&input(lines.clone()));
    let published = outcome.published().expect("published");
    let mut seen = 0;
    for o in 1..=14 {
        let own: Vec<_> = lines.iter().filter(|l| l.org == org(o)).cloned().collect();
        for row in benchmark(&published.release, &own).rows {
            let table = published.release.table(&row.table).unwrap();
            let members: Vec<&str> = row.members.iter().map(String::as_str).collect();
            let cell = table.cell(&members).unwrap();
            match (row.status, row.range) {
                (CellStatus::Suppressed, Some(range)) => {
                    seen += 1;
                    assert_eq!(
                        Some([range.low.annual_cost_cents, range.high.annual_cost_cents]),
                        cell.range_of(Measure::AnnualCostCents)
                    );
                    // The member's own part is in the cell, so at most its high end.
                    assert!(row.own.annual_cost_cents <= range.high.annual_cost_cents);
                }
                (_, range) => assert_eq!(range.is_some(), cell.range.is_some()),
            }
        }
    }
    assert!(seen > 0, "some member sees a range");
}
