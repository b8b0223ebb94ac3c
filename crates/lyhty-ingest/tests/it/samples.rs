//! The committed sample data: every demo inventory reads with zero errors, and every bad file
//! gives the code its README documents, never a panic.

use lyhty_domain::Lang;
use lyhty_ingest::{Limits, SubmissionStatus, VendorCatalogue, read_submission_on};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn sample_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../sample-data")
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()
}

#[test]
fn every_demo_inventory_reads_without_errors() {
    let parties: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(sample_data().join("parties.json")).unwrap()).unwrap();
    assert!(parties.len() >= 40);
    let catalogue = VendorCatalogue::seeded();
    let mut read = 0;
    for p in &parties {
        let keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 13, "{keys:?}");
        lyhty_domain::BusinessId::parse(p["business_id"].as_str().unwrap()).unwrap();
        let Some(inv) = p["inventory"].as_str() else { continue };
        let bytes = std::fs::read(sample_data().join(inv)).unwrap();
        let parsed = read_submission_on(&bytes, inv, &Limits::default(), &catalogue, Lang::Fi, today())
            .unwrap_or_else(|e| panic!("{inv}: {e}"));
        let r = &parsed.report;
        assert!(r.errors.is_empty(), "{inv}: {}", r.to_text(Lang::En));
        assert_eq!(r.status, SubmissionStatus::Validated);
        assert!((10..=80).contains(&r.lines), "{inv}: {} lines", r.lines);
        assert_eq!(r.lines as usize, parsed.lines.len());
        assert!(r.annual_cost_cents.0 > 0);
        read += 1;
    }
    assert!(read >= 30, "only {read} inventories");
}

#[test]
fn every_bad_file_gives_its_documented_code() {
    let expected: BTreeMap<String, String> =
        serde_json::from_slice(&std::fs::read(sample_data().join("bad/expected.json")).unwrap()).unwrap();
    let catalogue = VendorCatalogue::seeded();
    let mut row_codes = std::collections::BTreeSet::new();
    for (file, code) in &expected {
        let bytes = std::fs::read(sample_data().join("bad").join(file)).unwrap();
        let started = std::time::Instant::now();
        let result = read_submission_on(&bytes, file, &Limits::default(), &catalogue, Lang::Fi, today());
        match result {
            Err(e) => {
                assert_eq!(e.code(), code, "{file}: {e}");
                assert!(!e.message(Lang::Sv).is_empty());
            }
            Ok(parsed) => {
                let r = parsed.report;
                assert_eq!(r.status, SubmissionStatus::Rejected, "{file}");
                if code != "rejected" {
                    assert!(r.errors.iter().any(|i| i.code.key() == code), "{file}: {:?}", r.errors);
                }
                row_codes.extend(r.errors.iter().map(|i| i.code));
            }
        }
        assert!(started.elapsed().as_secs() < 10, "{file} took {:?}", started.elapsed());
    }
    // Every row-error code shows in at least one bad file.
    for code in lyhty_ingest::IssueCode::ALL.iter().filter(|c| c.is_error()) {
        assert!(row_codes.contains(code), "no bad file shows {code:?}");
    }
}

#[test]
fn several_errors_are_all_listed_with_row_column_value_and_code() {
    let bytes = std::fs::read(sample_data().join("bad/several-errors.csv")).unwrap();
    let r = read_submission_on(&bytes, "x.csv", &Limits::default(), &VendorCatalogue::seeded(), Lang::Fi, today())
        .unwrap()
        .report;
    assert_eq!(r.status, SubmissionStatus::Rejected);
    let got: Vec<(u32, &str, &str, &str)> =
        r.errors.iter().map(|i| (i.row, i.column.as_str(), i.value.as_str(), i.code.key())).collect();
    assert_eq!(
        got,
        [
            (2, "Määrä", "abc", "invalid_number"),
            (3, "Lisenssityyppi", "Pilvi", "unknown_value"),
            (4, "Yksikköhinta", "12 34", "invalid_number"),
            (4, "Sopimus päättyy", "30.6.2027", "end_before_start"),
        ]
    );
    assert!(r.errors.iter().all(|i| !i.message.is_empty()));
    assert_eq!(r.lines, 0);
}

#[test]
fn the_dimension_bomb_is_refused_quickly() {
    let bytes = std::fs::read(sample_data().join("bad/dimension-bomb.xlsx")).unwrap();
    assert!(bytes.len() > 1_000_000);
    let started = std::time::Instant::now();
    let err = read_submission_on(&bytes, "x.xlsx", &Limits::default(), &VendorCatalogue::seeded(), Lang::Fi, today())
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.code(), "sheet_too_large");
    assert_eq!(err.http_status(), 422);
    // Well under a second in practice; the bound leaves room for a loaded CI machine.
    assert!(took.as_millis() < 2_000, "took {took:?}");
}
