//! Property: every published release passes both audits — and an independent brute-force
//! re-audit agrees. The re-audit reads only what the world sees (the release JSON) plus the
//! raw lines, rebuilds the linear system from the JSON's table structure, recomputes the
//! primary rules from the lines, and solves every attacker LP with another solver
//! (`microlp`, pure Rust) — no code shared with the crate's audit.

use crate::common::*;
use lyhty_aggregate::{ContributionLine, ReleaseOutcome};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const MEASURES: [&str; 5] =
    ["annual_cost_cents", "end_user_licences", "server_licences", "in_use_licences", "usage_reported_licences"];
const P: f64 = 0.15;

/// A cell by its identity across tables: `(v,*)` of every table is the vendor table's `v`.
fn canonical(table: &str, members: &[String]) -> String {
    match members {
        [v] => format!("vendor|{v}"),
        [v, m] if m == "*" => format!("vendor|{v}"),
        [v, m] => format!("{table}|{v}|{m}"),
        _ => unreachable!(),
    }
}

struct World {
    /// Every table's name and dimensions, as the release lists them.
    tables: Vec<(String, Vec<String>)>,
    /// Cell → (status, values per measure).
    cells: BTreeMap<String, (String, Vec<Option<f64>>)>,
    /// Cell → its published range per measure, where it has one (known bounds).
    ranges: BTreeMap<String, Vec<[f64; 2]>>,
    /// `total = Σ parts`.
    equations: Vec<(String, Vec<String>)>,
}

fn read_release(json: &str) -> World {
    let release: Value = serde_json::from_str(json).unwrap();
    let mut cells = BTreeMap::new();
    let mut ranges = BTreeMap::new();
    let mut equations = Vec::new();
    let mut tables = Vec::new();
    for table in release["tables"].as_array().unwrap() {
        let name = table["name"].as_str().unwrap();
        let dims: Vec<&str> = table["dimensions"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
        tables.push((name.to_string(), dims.iter().map(|d| d.to_string()).collect()));
        let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for cell in table["cells"].as_array().unwrap() {
            let members: Vec<String> = dims.iter().map(|d| cell[*d].as_str().unwrap().to_string()).collect();
            let id = canonical(name, &members);
            let values = MEASURES.iter().map(|m| cell[*m].as_i64().map(|v| v as f64)).collect();
            cells.insert(id.clone(), (cell["status"].as_str().unwrap().to_string(), values));
            if cell["range"].is_object() {
                let range: Vec<[f64; 2]> = MEASURES
                    .iter()
                    .map(|m| {
                        let ends = cell["range"][*m].as_array().expect("a range has every measure");
                        [ends[0].as_f64().unwrap(), ends[1].as_f64().unwrap()]
                    })
                    .collect();
                ranges.insert(id.clone(), range);
            }
            if members.len() == 2 && members[1] != "*" {
                rows.entry(members[0].clone()).or_default().push(id.clone());
            }
            if members[0] != "*" {
                let column = members.get(1).cloned().unwrap_or_else(|| "*".into());
                columns.entry(column).or_default().push(id);
            }
        }
        for (v, parts) in rows {
            equations.push((canonical(name, &[v, "*".into()]), parts));
        }
        for (m, parts) in columns {
            let total = if dims.len() == 1 { vec!["*".to_string()] } else { vec!["*".to_string(), m] };
            // Products are nested in vendors: no `(*, product)` cell, so no column total.
            if cells.contains_key(&canonical(name, &total)) {
                equations.push((canonical(name, &total), parts));
            }
        }
    }
    World { tables, cells, ranges, equations }
}

/// The member of `dimension` a line counts under, recoding the vendor and the product the
/// way the release lists them. An unknown dimension stops the test: the brute force must
/// learn every table the release publishes, or it would audit only part of the system.
fn member(l: &ContributionLine, dimension: &str, vendor: &str, listed: &BTreeSet<&String>) -> String {
    match dimension {
        "vendor" => vendor.to_string(),
        "sector" => l.sector.key().to_string(),
        "contract_type" => l.contract_type.clone(),
        "licence_type" => l.licence_type.clone(),
        "channel" => l.channel.clone(),
        "renewal_quarter" => l.renewal_quarter.map_or("unknown".to_string(), |q| q.to_string()),
        "renewal_year" => l.renewal_quarter.map_or("unknown".to_string(), |q| q.year.to_string()),
        "product" if listed.contains(&format!("vendor_by_product|{vendor}|{}", l.product)) => l.product.clone(),
        "product" => "Other products".into(),
        other => panic!("the brute force does not know the dimension {other:?}"),
    }
}

/// A line's values per measure, in the order of [`MEASURES`]: the in-use count and the
/// quantity it is reported against count only on lines that give an in-use figure.
fn measure_values(l: &ContributionLine) -> [f64; 5] {
    let mut values = [l.annual_cost_cents as f64, 0.0, 0.0, 0.0, 0.0];
    match l.licence_type.as_str() {
        "end_user" => values[1] = l.quantity as f64,
        "server" => values[2] = l.quantity as f64,
        _ => {}
    }
    if let Some(in_use) = l.in_use {
        values[3] = in_use as f64;
        values[4] = l.quantity as f64;
    }
    values
}

/// Per cell, per organisation, the summed measure values — recomputed from the lines for
/// every table the release lists.
fn contributions(world: &World, lines: &[ContributionLine]) -> BTreeMap<String, BTreeMap<u128, [f64; 5]>> {
    let listed: BTreeSet<&String> = world.cells.keys().collect();
    let mut out: BTreeMap<String, BTreeMap<u128, [f64; 5]>> = BTreeMap::new();
    for l in lines {
        let vendor =
            if listed.contains(&format!("vendor|{}", l.vendor)) { l.vendor.clone() } else { "Other vendors".into() };
        let values = measure_values(l);
        let mut ids = BTreeSet::new();
        for v in [vendor.as_str(), "*"] {
            for (table, dims) in &world.tables {
                let members: Vec<String> = dims
                    .iter()
                    .map(|d| if d == "vendor" { v.to_string() } else { member(l, d, &vendor, &listed) })
                    .collect();
                ids.insert(canonical(table, &members));
            }
        }
        let org = l.org.0.as_u128();
        for id in ids {
            let sums = out.entry(id).or_default().entry(org).or_insert([0.0; 5]);
            for (s, v) in sums.iter_mut().zip(values) {
                *s += v;
            }
        }
    }
    out
}

/// min and max of `target` over the suppressed cells, with lower bounds per cell; cells in
/// `zeros` are known to be 0 (a cell that is 0 on a measure is taken as known: some are by
/// definition, like the end-user licences of a `server` cell), and a published range bounds
/// its cell.
fn interval(
    world: &World,
    m: usize,
    target: &str,
    lower: &BTreeMap<String, f64>,
    zeros: &BTreeSet<String>,
) -> (f64, Option<f64>) {
    let solve = |direction| {
        let mut problem = Problem::new(direction);
        let mut vars = BTreeMap::new();
        for (id, (status, _)) in &world.cells {
            if status == "suppressed" {
                let [range_lo, range_hi] = world.ranges.get(id).map_or([0.0, f64::INFINITY], |r| r[m]);
                let lb = lower.get(id).copied().unwrap_or(0.0).max(range_lo);
                let ub = if zeros.contains(id) { 0.0 } else { range_hi };
                vars.insert(id.clone(), problem.add_var(if id == target { 1.0 } else { 0.0 }, (lb, ub)));
            }
        }
        for (total, parts) in &world.equations {
            let mut terms = Vec::new();
            let mut rhs = 0.0;
            for (id, sign) in std::iter::once((total, 1.0)).chain(parts.iter().map(|p| (p, -1.0))) {
                match vars.get(id) {
                    Some(&v) => terms.push((v, sign)),
                    None => rhs -= sign * world.cells[id].1[m].unwrap_or(0.0),
                }
            }
            if !terms.is_empty() {
                problem.add_constraint(terms.as_slice(), ComparisonOp::Eq, rhs);
            }
        }
        // Err is an unbounded maximum (the minimum always exists: the truth is feasible).
        let outcome = problem.solve().ok()?;
        assert!(outcome.is_optimal(), "the brute force must solve to optimality");
        outcome.solution().map(|s| s.objective())
    };
    let min = solve(OptimizationDirection::Minimize).expect("the truth is feasible");
    (min, solve(OptimizationDirection::Maximize))
}

/// What the brute force found, and how much it looked at.
#[derive(Debug, Default)]
struct BruteForce {
    /// Every violation, as text.
    violations: Vec<String>,
    /// Per measure, the suppressed sensitive cells whose interval was solved for (the measure
    /// being non-zero there).
    checked: [usize; 5],
}

/// Every violation the brute force finds, as text.
fn brute_force_audit(json: &str, lines: &[ContributionLine]) -> Vec<String> {
    brute_force(json, lines).violations
}

fn brute_force(json: &str, lines: &[ContributionLine]) -> BruteForce {
    let world = read_release(json);
    let contributions = contributions(&world, lines);
    let all: BTreeSet<u128> = contributions.values().flat_map(|c| c.keys().copied()).collect();
    let mut found = BruteForce::default();
    for (id, (status, _)) in &world.cells {
        let Some(orgs) = contributions.get(id) else { continue };
        if !primary_sensitive(orgs) {
            continue;
        }
        if status != "suppressed" {
            found.violations.push(format!("{id} sensitive but {status}"));
            continue;
        }
        let n = orgs.len();
        for m in 0..5 {
            let mut v: Vec<f64> = orgs.values().map(|x| x[m]).collect();
            v.sort_by(|a, b| b.total_cmp(a));
            let x: f64 = v.iter().sum();
            if x <= 0.0 {
                continue;
            }
            found.checked[m] += 1;
            let (x1, x2) = (v[0], v.get(1).copied().unwrap_or(0.0));
            let mut need = (P * x1 - (x - x1 - x2)).max(0.0);
            if n < 3 {
                need = need.max(0.3 * x);
            }
            let slack = 1e-6 * x + 1e-6;
            let zeros: BTreeSet<String> = contributions
                .iter()
                .filter(|(_, c)| c.values().all(|v| v[m] == 0.0))
                .map(|(id, _)| id.clone())
                .collect();
            let (min, max) = interval(&world, m, id, &BTreeMap::new(), &zeros);
            if min > x - need + slack || max.is_some_and(|max| max < x + need - slack) {
                found.violations.push(format!("outsider {id} m{m}: [{min}, {max:?}] needs ±{need}"));
            }
            // Insiders: every organisation, knowing all its own contributions (as lower
            // bounds on every cell it is in), estimates what the others put in this cell.
            for &o in &all {
                let own = orgs.get(&o).map_or(0.0, |x| x[m]);
                let others: Vec<f64> = orgs.iter().filter(|(k, _)| **k != o).map(|(_, x)| x[m]).collect();
                // How far the estimate of the others' total must be able to move: ±p % of a
                // lone other; upwards, the p % condition of the largest of several.
                let (down, up) = match others.as_slice() {
                    [] => continue,
                    [t] => (P * t, P * t),
                    several => {
                        let top = several.iter().copied().fold(0.0, f64::max);
                        let rest: f64 = several.iter().sum::<f64>() - top;
                        (0.0, P * top - rest)
                    }
                };
                if up <= 0.0 && down <= 0.0 {
                    continue;
                }
                let lower: BTreeMap<String, f64> =
                    contributions.iter().filter_map(|(cell, c)| c.get(&o).map(|x| (cell.clone(), x[m]))).collect();
                let (min, max) = interval(&world, m, id, &lower, &zeros);
                // The insider's interval for the others' total: the cell's, less its own part.
                let truth = x - own;
                let (low, high) = (min - own, max.map(|max| max - own));
                if (down > 0.0 && low > truth - down + slack)
                    || (up > 0.0 && high.is_some_and(|high| high < truth + up - slack))
                {
                    found.violations.push(format!(
                        "insider {o} on {id} m{m}: others' total {truth} in [{low}, {high:?}] needs -{down}/+{up}"
                    ));
                }
            }
        }
    }
    found
}

/// The generated cases: a network's seed and shape, from 3 to 12 organisations over up to 6
/// vendors and any number of sectors. (Larger networks are the benchmark's: the brute force
/// solves an LP per insider, cell and measure, and must stay within a minute or two in debug.)
fn networks() -> impl Strategy<Value = (u64, Shape)> {
    (any::<u64>(), 3u128..=12, 2usize..=6, 1usize..=9, 1usize..=3).prop_map(
        |(seed, orgs, vendors, sectors, lines_per_org)| (seed, Shape { orgs, vendors, sectors, lines_per_org }),
    )
}

const CASES: u32 = 24;

/// Every published release passes both audits and the brute force. A refusal must say why,
/// and refusals may not take over: at least half of the cases must be published, or a
/// regression that refuses more often would shrink the brute-force check to nothing.
#[test]
fn published_releases_survive_an_independent_audit() {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    let published_count = AtomicUsize::new(0);
    let checked: [AtomicUsize; 5] = Default::default();
    let config = ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&networks(), |(seed, shape)| {
        let lines = network(seed, shape);
        match release(&input(lines.clone())) {
            ReleaseOutcome::Published(published) => {
                prop_assert!(published.audit.passed);
                prop_assert!(published.audit.violations.is_empty());
                let found = brute_force(&published.release.to_json(), &lines);
                prop_assert!(found.violations.is_empty(), "brute force disagrees: {:?}", found.violations);
                published_count.fetch_add(1, Relaxed);
                for (total, n) in checked.iter().zip(found.checked) {
                    total.fetch_add(n, Relaxed);
                }
            }
            ReleaseOutcome::Refused(refused) => {
                // Small inventories can be unprotectable (one vendor group equal to the grand
                // total, which is always published); the refusal must say why.
                prop_assert!(!refused.audit.violations.is_empty());
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Shrinking runs more cases than CASES only on failure, which has panicked above.
    let published = published_count.load(Relaxed);
    let checked = checked.map(|c| c.load(Relaxed));
    println!(
        "published {published} of {CASES} cases; suppressed sensitive cells the brute force checked, per measure:"
    );
    for (m, n) in MEASURES.iter().zip(checked) {
        println!("  {m}: {n}");
    }
    assert!(2 * published >= CASES as usize, "only {published} of {CASES} cases were published");
    for (m, n) in MEASURES.iter().zip(checked) {
        assert!(n > 0, "the brute force never checked {m}");
    }
}

/// Whether a cell fails a primary rule, recomputed from the lines (as the brute force does).
fn primary_sensitive(orgs: &BTreeMap<u128, [f64; 5]>) -> bool {
    orgs.len() < 3
        || (0..5).any(|m| {
            let mut v: Vec<f64> = orgs.values().map(|x| x[m]).collect();
            v.sort_by(|a, b| b.total_cmp(a));
            let (x1, x2) = (v[0], v.get(1).copied().unwrap_or(0.0));
            let x: f64 = v.iter().sum();
            x1 > 0.0 && x - x1 - x2 < P * x1
        })
}

/// The first seed whose release is published with a suppressed, primary-sensitive vendor
/// cell; with its lines, the release JSON and that cell's id.
fn published_with_a_sensitive_vendor() -> (Vec<ContributionLine>, Value, String) {
    for seed in 1..500 {
        let lines = synthetic(seed, 8, 3);
        let ReleaseOutcome::Published(published) = release(&input(lines.clone())) else { continue };
        let json = published.release.to_json();
        let world = read_release(&json);
        let truth = contributions(&world, &lines);
        let sensitive = world.cells.iter().find(|(id, (status, _))| {
            id.starts_with("vendor|")
                && id.as_str() != "vendor|*"
                && status == "suppressed"
                && primary_sensitive(&truth[*id])
        });
        if let Some((id, _)) = sensitive {
            return (lines, serde_json::from_str(&json).unwrap(), id.clone());
        }
    }
    panic!("no seed below 500 publishes a suppressed sensitive vendor cell");
}

/// Writes the true figures into every suppressed cell of the release for which `publish`
/// says so, marking it published.
fn publish_cells(json: &mut Value, lines: &[ContributionLine], publish: impl Fn(&str) -> bool) {
    let world = read_release(&json.to_string());
    let truth = contributions(&world, lines);
    for table in json["tables"].as_array_mut().unwrap() {
        let name = table["name"].as_str().unwrap().to_string();
        let dims: Vec<String> =
            table["dimensions"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_string()).collect();
        for cell in table["cells"].as_array_mut().unwrap() {
            let members: Vec<String> = dims.iter().map(|d| cell[d].as_str().unwrap().to_string()).collect();
            let id = canonical(&name, &members);
            if cell["status"] != "suppressed" || !publish(&id) {
                continue;
            }
            let orgs = &truth[&id];
            cell["status"] = "published".into();
            cell["organisations"] = Value::from(orgs.len());
            for (m, measure) in MEASURES.iter().enumerate() {
                cell[*measure] = Value::from(orgs.values().map(|x| x[m]).sum::<f64>() as i64);
            }
        }
    }
}

/// The brute force is not vacuous. Its primary check: publishing a sensitive cell is caught.
#[test]
fn brute_force_finds_a_published_sensitive_cell() {
    let (lines, mut json, sensitive) = published_with_a_sensitive_vendor();
    publish_cells(&mut json, &lines, |id| id == sensitive);
    let found = brute_force_audit(&json.to_string(), &lines);
    assert!(found.contains(&format!("{sensitive} sensitive but published")), "{found:?}");
}

/// Ranges are bounds it takes into account: a hand-made range that pins a sensitive cell
/// to within a cent of its value is caught.
#[test]
fn brute_force_finds_a_range_too_narrow() {
    let (lines, mut json, sensitive) = published_with_a_sensitive_vendor();
    let truth = contributions(&read_release(&json.to_string()), &lines);
    let sums: Vec<i64> = (0..5).map(|m| truth[&sensitive].values().map(|x| x[m]).sum::<f64>() as i64).collect();
    let vendor = sensitive.trim_start_matches("vendor|").to_string();
    let range: serde_json::Map<String, Value> =
        MEASURES.iter().zip(&sums).map(|(m, &x)| (m.to_string(), serde_json::json!([x, x + 1]))).collect();
    // The vendor's total is one cell shown in every table: the same range everywhere.
    for table in json["tables"].as_array_mut().unwrap() {
        let dims: Vec<String> =
            table["dimensions"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_string()).collect();
        for cell in table["cells"].as_array_mut().unwrap() {
            let margin = dims.iter().skip(1).all(|d| cell[d] == "*");
            if cell["vendor"] == vendor.as_str() && margin {
                cell["range"] = Value::Object(range.clone());
            }
        }
    }
    let found = brute_force_audit(&json.to_string(), &lines);
    assert!(found.iter().any(|v| v.starts_with(&format!("outsider {sensitive} "))), "{found:?}");
}

/// Its interval check: once the complementary cells are published (the sensitive ones
/// stay suppressed), the margins pin the sensitive cells down, and the brute force says so
/// through its attacker LPs alone.
#[test]
fn brute_force_finds_sensitive_cells_without_complements() {
    let (lines, mut json, _) = published_with_a_sensitive_vendor();
    let world = read_release(&json.to_string());
    let truth = contributions(&world, &lines);
    let complement = |id: &str| truth.get(id).is_some_and(|orgs| !primary_sensitive(orgs));
    assert!(
        world.cells.iter().any(|(id, (status, _))| status == "suppressed" && complement(id)),
        "the release has complementary suppressions"
    );
    publish_cells(&mut json, &lines, complement);
    let found = brute_force_audit(&json.to_string(), &lines);
    assert!(!found.is_empty(), "a release without complements went unnoticed");
    assert!(found.iter().all(|v| !v.contains("but published")), "{found:?}");
    assert!(found.iter().any(|v| v.starts_with("outsider ")), "{found:?}");
}

/// Three vendors whose contract type `x` each has one organisation (A, E, I) and whose `y`
/// has three. One vector that fools every insider at once cannot move any `x` cell down
/// (its owner would see it), so protecting (V,x) upwards that way needs the margins
/// (*,x) = 2 700 and (*,y) = 4 530. One vector per attacker needs no margin: the rectangle
/// through W fools everyone but E, and the one through U fools E. Hand-checked: with the
/// margins and the vendor totals published, A still has (W,x) ∈ [0, 1 700] (needs
/// 900 ± 135), and E has (U,x) ∈ [0, 1 800] (needs 800 ± 120).
#[test]
fn one_vector_per_attacker_keeps_the_margins_published() {
    use lyhty_domain::OrgCategory::University;
    let mut lines = Vec::new();
    for (vendor, owner, x, y) in [
        ("V", 1, 1_000, [(2, 500), (3, 520), (4, 540)]),
        ("W", 5, 900, [(6, 500), (7, 510), (8, 530)]),
        ("U", 9, 800, [(10, 450), (11, 480), (12, 500)]),
    ] {
        let product = format!("{vendor} suite");
        lines.push(line(owner, University, vendor, &product, "x", "end_user", "direct", None, x, x / 10));
        for (o, cost) in y {
            lines.push(line(o, University, vendor, &product, "y", "end_user", "direct", None, cost, cost / 10));
        }
    }
    let ReleaseOutcome::Published(published) = release(&input(lines.clone())) else { panic!("refused") };
    assert!(published.audit.passed);
    let table = published.release.table("vendor_by_contract_type").unwrap();
    let status = |v: &str, ct: &str| table.cell(&[v, ct]).unwrap().status;
    for v in ["V", "W", "U"] {
        assert_eq!(status(v, "x"), lyhty_aggregate::CellStatus::Suppressed, "({v},x) is sensitive");
        assert_eq!(status(v, "y"), lyhty_aggregate::CellStatus::Suppressed, "({v},y) is its complement");
        assert_eq!(status(v, "*"), lyhty_aggregate::CellStatus::Published, "({v},*)");
    }
    assert_eq!(status("*", "x"), lyhty_aggregate::CellStatus::Published);
    assert_eq!(status("*", "y"), lyhty_aggregate::CellStatus::Published);
    let found = brute_force_audit(&published.release.to_json(), &lines);
    assert!(found.is_empty(), "brute force disagrees: {found:?}");
}
