//! `make bench-ingest`: a 100 000-row xlsx read twice, each in its own child process so that
//! each peak memory figure (VmHWM) is its own:
//! - raw: calamine reading the sheet into a range, nothing else;
//! - full: `read_submission` (detection, limits, header matching, parsing, validation).
//!
//! Prints rows/s, both times, their ratio and both peaks. Targets (issue 3): full ≤ 1.5× raw,
//! peak ≤ 300 MB. `LYHTY_BENCH_ROWS` makes the workbook smaller: `make bench-smoke` (in
//! `make test`) runs it with a few rows so that it keeps compiling and its checks keep running.

use calamine::{Reader, Xlsx};
use lyhty_domain::Lang;
use lyhty_ingest::{Limits, VendorCatalogue, read_submission};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// `LYHTY_BENCH_ROWS`, or the 100 000.
fn rows() -> u32 {
    std::env::var("LYHTY_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(100_000)
}

fn generate(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Lisenssit").unwrap();
    let headers = [
        "Toimittaja",
        "Tuote",
        "Tuotekoodi",
        "Tuoteryhmä",
        "Lisenssityyppi",
        "Lisenssimetriikka",
        "Määrä",
        "Yksikköhinta",
        "Sopimustyyppi",
        "Sopimusnumero",
        "Sopimus alkaa",
        "Sopimus päättyy",
        "Hankintakanava",
        "Jälleenmyyjä",
        "Käytössä",
        "Huomautukset",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("d.m.yyyy");
    let vendors = [
        "Microsoft Oy",
        "Oracle Finland Oy",
        "SAP SE",
        "Adobe",
        "VMware, Inc.",
        "Esri Finland Oy",
        "Atlassian",
        "Lyhtysoft Oy",
    ];
    let products =
        ["Microsoft 365 E3", "Database EE", "S/4HANA", "Acrobat Pro", "vSphere", "ArcGIS Pro", "Jira", "Kirjaamo"];
    for r in 1..=rows() {
        let k = (r as usize) % vendors.len();
        ws.write_string(r, 0, vendors[k]).unwrap();
        ws.write_string(r, 1, format!("{} {}", products[k], r % 50)).unwrap();
        ws.write_string(r, 2, format!("SKU-{}", r % 1000)).unwrap();
        ws.write_string(r, 3, "Toimisto- ja yhteistyöohjelmistot").unwrap();
        ws.write_string(r, 4, if r % 3 == 0 { "Palvelin" } else { "Loppukäyttäjä" }).unwrap();
        ws.write_string(r, 5, "Nimetty käyttäjä").unwrap();
        ws.write_number(r, 6, f64::from(r % 900 + 1)).unwrap();
        ws.write_number(r, 7, f64::from(r % 5000) / 7.0).unwrap();
        ws.write_string(r, 8, "Tilaus / SaaS").unwrap();
        ws.write_string(r, 9, format!("C-{r}")).unwrap();
        let y = 2024 + (r % 4) as u16;
        ws.write_date_with_format(r, 10, ExcelDateTime::from_ymd(y - 1, 1, 1).unwrap(), &date).unwrap();
        ws.write_date_with_format(r, 11, ExcelDateTime::from_ymd(y, 12, 31).unwrap(), &date).unwrap();
        ws.write_string(r, 12, "Jälleenmyyjä").unwrap();
        ws.write_string(r, 13, "Crayon Oy").unwrap();
        ws.write_number(r, 14, f64::from(r % 800)).unwrap();
        if r % 10 == 0 {
            ws.write_string(r, 15, "Uusitaan 2026").unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// Peak resident memory of this process, in MB.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn child(mode: &str, path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let started = Instant::now();
    let rows = match mode {
        "raw" => {
            let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes[..])).unwrap();
            let range = wb.worksheet_range("Lisenssit").unwrap();
            range.height()
        }
        _ => {
            let limits = Limits::default();
            let parsed = read_submission(&bytes, "bench.xlsx", &limits, &VendorCatalogue::seeded(), Lang::Fi).unwrap();
            assert!(parsed.report.errors.is_empty(), "{:?}", &parsed.report.errors[..1]);
            parsed.lines.len()
        }
    };
    let secs = started.elapsed().as_secs_f64();
    println!("{mode} {secs:.4} {:.1} {rows}", peak_mb());
}

fn run_child(mode: &str, path: &Path) -> (f64, f64, usize) {
    let out = Command::new(std::env::current_exe().unwrap()).args(["--child", mode]).arg(path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with(mode))
        .unwrap_or_else(|| panic!("{mode}: {text} {}", String::from_utf8_lossy(&out.stderr)));
    let f: Vec<&str> = line.split_whitespace().collect();
    (f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(&args[i + 1], Path::new(&args[i + 2]));
        return;
    }
    let dir: PathBuf = std::env::temp_dir().join(format!("lyhty-ingest-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("inventory-100k.xlsx");
    let t = Instant::now();
    generate(&path);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("generated {} rows, {:.1} MB xlsx in {:.1} s", rows(), size as f64 / 1e6, t.elapsed().as_secs_f64());
    // Best of three for each, alternating, to smooth out a shared machine.
    let (mut raw, mut full) = ((f64::MAX, 0.0, 0), (f64::MAX, 0.0, 0));
    for _ in 0..3 {
        let r = run_child("raw", &path);
        let f = run_child("full", &path);
        if r.0 < raw.0 {
            raw = r;
        }
        if f.0 < full.0 {
            full = f;
        }
    }
    println!("raw calamine read : {:.3} s, peak {:.0} MB ({} rows in range)", raw.0, raw.1, raw.2);
    println!("parse + validate  : {:.3} s, peak {:.0} MB ({} lines)", full.0, full.1, full.2);
    assert_eq!(full.2, rows() as usize, "every generated row is read as a line");
    println!("rows/s            : {:.0}", f64::from(rows()) / full.0);
    println!("ratio full / raw  : {:.2} (target ≤ 1.5)", full.0 / raw.0);
    println!("peak memory       : {:.0} MB (target ≤ 300)", full.1);
    let _ = std::fs::remove_dir_all(&dir);
}
