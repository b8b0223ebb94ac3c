//! The release through the public API: shared cells, determinism, the member benchmark.

use crate::common::*;
use lyhty_aggregate::{CellStatus, Measure, ReleaseOutcome, benchmark};
use lyhty_domain::OrgCategory;

/// Vendor V is dominated by organisation 1 (9 000 of 9 900): `(V,*)` fails the p % rule.
/// It is one cell shown in all eight tables, so it is suppressed in all eight; and since
/// the vendor table's total is published, another vendor total must be suppressed with it:
/// the cheaper one, W (cost ∝ √value), not the large Z. W and Z have three organisations in
/// every sector, so none of their own cells is sensitive; V's sector cells are single
/// organisations' (and suppressed), and balance against W's.
#[test]
fn tables_share_the_vendor_margin() {
    use OrgCategory::*;
    let mut lines = vec![
        line(1, University, "V", "v1", "ea", "end_user", "direct", Some((2026, 1)), 9_000_00, 90),
        line(2, Uas, "V", "v1", "ea", "end_user", "direct", Some((2026, 1)), 500_00, 5),
        line(3, State, "V", "v1", "ea", "end_user", "direct", Some((2026, 1)), 400_00, 4),
    ];
    let sectors = [University, Uas, State];
    for o in 1..=9u128 {
        let sector = sectors[((o - 1) % 3) as usize];
        lines.push(line(o, sector, "W", "w1", "ea", "end_user", "direct", Some((2026, 1)), 1_000_00, 10));
        lines.push(line(o, sector, "Z", "z1", "ea", "end_user", "direct", Some((2026, 1)), 50_000_00, 500));
    }
    let outcome = release(&input(lines));
    let ReleaseOutcome::Published(published) = outcome else { panic!("refused: {outcome:?}") };
    let release = &published.release;
    assert_eq!(release.tables.len(), 8);
    for table in &release.tables {
        let margin: Vec<&str> = if table.dimensions.len() == 1 { vec!["V"] } else { vec!["V", "*"] };
        let cell = table.cell(&margin).unwrap_or_else(|| panic!("(V,*) in {}", table.name));
        assert_eq!(cell.status, CellStatus::Suppressed, "(V,*) in {}", table.name);
        assert_eq!(cell.organisations, None);
        assert!(cell.values.iter().all(Option::is_none));
        let total: Vec<&str> = margin.iter().map(|_| "*").collect();
        assert_eq!(table.cell(&total).unwrap().status, CellStatus::Published, "grand total in {}", table.name);
    }
    let vendor = release.table("vendor").unwrap();
    assert_eq!(vendor.cell(&["W"]).unwrap().status, CellStatus::Suppressed);
    assert_eq!(vendor.cell(&["Z"]).unwrap().status, CellStatus::Published);
    // Z's figures are the same cell wherever Z's margin appears.
    let z = vendor.cell(&["Z"]).unwrap();
    assert_eq!(z.value(Measure::AnnualCostCents), Some(450_000_00));
    assert_eq!(z.organisations, Some(9));
    let z_channel = release.table("vendor_by_channel").unwrap().cell(&["Z", "*"]).unwrap();
    assert_eq!(z_channel.values, z.values);
    assert!(published.audit.passed);
}

/// Empty cells are zeros with status `empty`; the JSON has the spec's shape.
#[test]
fn json_shape_of_cells() {
    let outcome = release(&input(synthetic(7, 12, 6)));
    let published = outcome.published().expect("published");
    let json: serde_json::Value = serde_json::from_str(&published.release.to_json()).unwrap();
    assert_eq!(json["as_of"], "2026-03-31");
    assert_eq!(json["measures"][0], "annual_cost_cents");
    let sector = json["tables"].as_array().unwrap().iter().find(|t| t["name"] == "vendor_by_sector").unwrap();
    assert_eq!(sector["dimensions"], serde_json::json!(["vendor", "sector"]));
    let cells = sector["cells"].as_array().unwrap();
    let mut seen = [false; 3];
    for cell in cells {
        match cell["status"].as_str().unwrap() {
            "published" => {
                seen[0] = true;
                assert!(cell["organisations"].as_u64().unwrap() >= 3);
                assert!(cell["annual_cost_cents"].is_i64());
            }
            "suppressed" => {
                seen[1] = true;
                assert!(cell["organisations"].is_null());
                for m in Measure::ALL {
                    assert!(cell[m.key()].is_null(), "{m:?} of a suppressed cell");
                }
            }
            "empty" => {
                seen[2] = true;
                assert_eq!(cell["organisations"], 0);
                assert_eq!(cell["annual_cost_cents"], 0);
            }
            other => panic!("status {other}"),
        }
    }
    assert_eq!(seen, [true, true, true], "a mix of statuses");
    // The JSON reads back to the same release.
    let back: lyhty_aggregate::Release = serde_json::from_str(&published.release.to_json()).unwrap();
    assert_eq!(back, published.release);
}

#[test]
fn shuffled_input_gives_identical_bytes() {
    let lines = synthetic(11, 25, 12);
    let first = release(&input(lines.clone())).published().expect("published").release.to_json();
    let mut shuffled = lines;
    shuffled.reverse();
    // A fixed interleaving on top of the reversal.
    let (a, b): (Vec<_>, Vec<_>) = shuffled.into_iter().enumerate().partition(|(i, _)| i % 3 == 0);
    let shuffled: Vec<_> = b.into_iter().chain(a).map(|(_, l)| l).collect();
    let mut contributors_input = input(shuffled);
    contributors_input.contributors.reverse();
    let second = release(&contributors_input).published().expect("published").release.to_json();
    assert_eq!(first, second);
}

const CHILD: &str = "LYHTY_AGGREGATE_DETERMINISM_CHILD";
const NAME: &str = "thread_count_does_not_change_the_bytes";

/// The test's full name in the `it` binary (`release::thread_count_…`), for `--exact`.
fn full_name() -> String {
    let module = module_path!().split_once("::").map_or("", |(_, module)| module);
    format!("{module}::{NAME}")
}

/// polars sizes its thread pool once per process, so each thread count gets its own: the
/// test runs itself again as a child (marked by `CHILD`), which prints the release JSON
/// between markers instead of comparing.
#[test]
fn thread_count_does_not_change_the_bytes() {
    if std::env::var_os(CHILD).is_some() {
        let json = release(&input(synthetic(11, 25, 12))).published().expect("published").release.to_json();
        println!("<<<{json}>>>");
        return;
    }
    let run = |threads: &str| {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", &full_name(), "--nocapture", "--test-threads", "1"])
            .env(CHILD, "1")
            .env("POLARS_MAX_THREADS", threads)
            .env("RAYON_NUM_THREADS", threads)
            .env("LYHTY_RELEASE_THREADS", threads)
            .output()
            .expect("child runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "child failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        let start = stdout.find("<<<").expect("child printed a release") + 3;
        let end = stdout.find(">>>").unwrap();
        stdout[start..end].to_string()
    };
    let one = run("1");
    let four = run("4");
    assert!(one.len() > 1000);
    assert_eq!(one, four);
}

/// A member sees its own figures beside the cells it is in, and its unit price beside the
/// published average.
#[test]
fn member_benchmark() {
    use OrgCategory::*;
    let mut lines = Vec::new();
    for (o, qty) in [(1, 100), (2, 200), (3, 300), (4, 400)] {
        lines.push(line(o, State, "M", "m1", "ea", "end_user", "direct", Some((2026, 2)), qty * 10_00, qty));
    }
    // Three vendors of one organisation each: recoded together to `Other vendors`.
    for (o, vendor, cost) in [(1, "Rare1", 5_00), (2, "Rare2", 6_00), (3, "Rare3", 7_00)] {
        lines.push(line(o, State, vendor, "r1", "ea", "end_user", "direct", Some((2026, 2)), cost, 1));
    }
    let outcome = release(&input(lines.clone()));
    let published = outcome.published().expect("published");
    let own: Vec<_> = lines.iter().filter(|l| l.org == org(1)).cloned().collect();
    let view = benchmark(&published.release, &own);
    assert_eq!(view.lines_skipped, 0);
    let row = view
        .rows
        .iter()
        .find(|r| r.table == "vendor_by_licence_type" && r.members == ["M", "end_user"])
        .expect("own row");
    assert_eq!(row.own.annual_cost_cents, 1_000_00);
    assert_eq!(row.own_unit_price_cents, Some(10_00));
    assert_eq!(row.status, CellStatus::Published);
    assert_eq!(row.published.unwrap().end_user_licences, 1_000);
    assert_eq!(row.published_unit_price_cents, Some(10_00));
    // The rare vendor is recoded: the member finds its line under `Other vendors`.
    assert!(view.rows.iter().any(|r| r.table == "vendor" && r.members == ["Other vendors"]));
    assert!(!view.rows.iter().any(|r| r.members.iter().any(|m| m.starts_with("Rare"))));
}
