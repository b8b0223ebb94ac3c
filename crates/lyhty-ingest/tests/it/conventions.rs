//! One test per Finnish convention of INGEST.md, plus the template, diffs and limits.

use chrono::NaiveDate;
use lyhty_domain::licence::{ContractType, LicenceType};
use lyhty_domain::{Cents, Lang};
use lyhty_ingest::{
    IngestError, IssueCode, Limits, Parsed, SubmissionStatus, VendorCatalogue, diff, read_submission_on, template_csv,
    template_xlsx,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()
}

fn read(bytes: &[u8], name: &str) -> Parsed {
    read_submission_on(bytes, name, &Limits::default(), &VendorCatalogue::seeded(), Lang::Fi, today())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

const FI_HEADER: &str = "Toimittaja;Tuote;Lisenssityyppi;Määrä;Yksikköhinta;Sopimustyyppi;Sopimus päättyy";

fn fi_csv(rows: &[&str]) -> String {
    let mut s = format!("{FI_HEADER}\r\n");
    for r in rows {
        s.push_str(r);
        s.push_str("\r\n");
    }
    s
}

fn no_errors(p: &Parsed) {
    assert!(p.report.errors.is_empty(), "{}", p.report.to_text(Lang::En));
    assert_eq!(p.report.status, SubmissionStatus::Validated);
}

#[test]
fn windows_1252_euro_sign_and_umlauts() {
    let text = fi_csv(&["Tietoevry Oyj;Käyttäjähallinta Pro;Loppukäyttäjä;150;12,50 €;Tilaus / SaaS;31.12.2026"]);
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(bytes.contains(&0x80) && bytes.contains(&0xE4), "really Windows-1252");
    let p = read(&bytes, "inventaario.csv");
    no_errors(&p);
    assert_eq!(p.report.file.encoding.as_deref(), Some("windows-1252"));
    let l = &p.lines[0];
    assert_eq!(l.product, "Käyttäjähallinta Pro");
    assert_eq!(l.unit_price_cents, Some(Cents(1250)));
    assert_eq!(l.vendor_canonical, "Tietoevry");
}

#[test]
fn semicolons_and_decimal_commas() {
    let p = read(fi_csv(&["Adobe;Acrobat Pro;Loppukäyttäjä;40;189,90;Tilaus;30.6.2026"]).as_bytes(), "a.csv");
    no_errors(&p);
    assert_eq!(p.report.file.delimiter.as_deref(), Some(";"));
    assert_eq!(p.lines[0].unit_price_cents, Some(Cents(18_990)));
    assert_eq!(p.lines[0].annual_cost_cents, Cents(40 * 18_990));
}

#[test]
fn money_with_spaces_and_euro_sign() {
    let p = read(
        fi_csv(&[
            "Oracle;Database EE;Palvelin;2;1\u{a0}234,56 €;Pysyvä + ylläpito;31.12.2026",
            "SAP;S/4HANA;Loppukäyttäjä;3;1 234,56 €;EA;31.12.2026",
            "IBM;Db2;Palvelin;1;EUR 12;Muu;31.12.2026",
        ])
        .as_bytes(),
        "a.csv",
    );
    no_errors(&p);
    assert_eq!(p.lines[0].unit_price_cents, Some(Cents(123_456)));
    assert_eq!(p.lines[1].unit_price_cents, Some(Cents(123_456)));
    assert_eq!(p.lines[2].unit_price_cents, Some(Cents(1_200)));
}

#[test]
fn two_digit_years() {
    let p = read(fi_csv(&["Esri;ArcGIS Pro;Loppukäyttäjä;5;3800;Tilaus;31.12.26"]).as_bytes(), "a.csv");
    no_errors(&p);
    assert_eq!(p.lines[0].contract_end, ymd(2026, 12, 31));
}

#[test]
fn a_month_alone_means_its_last_day() {
    let p = read(
        fi_csv(&[
            "Esri;ArcGIS Pro;Loppukäyttäjä;5;3800;Tilaus;12/2026",
            "Esri;ArcGIS Online;Loppukäyttäjä;5;700;Tilaus;2/2028",
        ])
        .as_bytes(),
        "a.csv",
    );
    no_errors(&p);
    assert_eq!(p.lines[0].contract_end, ymd(2026, 12, 31));
    assert_eq!(p.lines[1].contract_end, ymd(2028, 2, 29));
    assert_eq!(p.lines[0].renewal_quarter().unwrap().to_string(), "2026-Q4");
}

#[test]
fn approximate_quantities_are_read_and_marked() {
    let p = read(
        fi_csv(&[
            "Microsoft;Microsoft 365 E3;Loppukäyttäjä;n. 1200;396;EA;30.6.2027",
            "Microsoft;Visio;Loppukäyttäjä;noin 40;180;EA;30.6.2027",
        ])
        .as_bytes(),
        "a.csv",
    );
    no_errors(&p);
    assert_eq!((p.lines[0].quantity, p.lines[0].quantity_approximate), (1200, true));
    assert_eq!((p.lines[1].quantity, p.lines[1].quantity_approximate), (40, true));
    assert_eq!(p.report.warnings.iter().filter(|w| w.code == IssueCode::ApproximateQuantity).count(), 2);
}

#[test]
fn swedish_headers_and_labels() {
    let text = "Leverantör;Produkt;Licenstyp;Antal;Enhetspris;Avtalstyp;Avtalet upphör;Anskaffningskanal\n\
                Microsoft AB;Microsoft 365 E3;Slutanvändare;250;396,00;Företagsavtal (EA);2027-06-30;Återförsäljare\n";
    let p = read(text.as_bytes(), "licenser.csv");
    no_errors(&p);
    let l = &p.lines[0];
    assert_eq!((l.licence_type, l.contract_type), (LicenceType::EndUser, ContractType::EnterpriseAgreement));
    assert_eq!(l.vendor_canonical, "Microsoft");
}

/// A workbook with title rows, a licence sheet after a cover sheet, date cells, bare serial
/// numbers and a total row.
fn finnish_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    wb.add_worksheet().set_name("Kansilehti").unwrap().write_string(0, 0, "Lisenssit 2025").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Lisenssit").unwrap();
    ws.write_string(0, 0, "Lisenssi-inventaario 2025").unwrap();
    ws.write_string(1, 0, "Lyhtylän kaupunki, tietohallinto").unwrap();
    let headers = [
        "Toimittaja",
        "Tuote",
        "Lisenssityyppi",
        "Määrä",
        "Yksikköhinta",
        "Sopimustyyppi",
        "Sopimus alkaa",
        "Sopimus päättyy",
        "Vuosikustannus",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(3, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("d.m.yyyy");
    ws.write_string(4, 0, "Microsoft Oy").unwrap();
    ws.write_string(4, 1, "Microsoft 365 E3").unwrap();
    ws.write_string(4, 2, "Loppukäyttäjä").unwrap();
    ws.write_number(4, 3, 1200).unwrap();
    ws.write_number(4, 4, 396).unwrap();
    ws.write_string(4, 5, "EA").unwrap();
    ws.write_date_with_format(4, 6, ExcelDateTime::from_ymd(2024, 7, 1).unwrap(), &date).unwrap();
    ws.write_number(4, 7, 46387).unwrap(); // 31.12.2026 as a bare serial number
    ws.write_string(5, 0, "VMware, Inc.").unwrap();
    ws.write_string(5, 1, "vSphere Foundation").unwrap();
    ws.write_string(5, 2, "Palvelin").unwrap();
    ws.write_number(5, 3, 128).unwrap();
    ws.write_number(5, 4, 135.5).unwrap();
    ws.write_string(5, 5, "Tilaus").unwrap();
    ws.write_date_with_format(5, 7, ExcelDateTime::from_ymd(2027, 3, 31).unwrap(), &date).unwrap();
    ws.write_string(7, 0, "Yhteensä").unwrap();
    ws.write_number(7, 8, 492_544).unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn excel_serial_dates_and_date_cells() {
    let p = read(&finnish_workbook(), "lisenssit.xlsx");
    no_errors(&p);
    assert_eq!(p.lines[0].contract_end, ymd(2026, 12, 31));
    assert_eq!(p.lines[0].contract_start, ymd(2024, 7, 1));
    assert_eq!(p.lines[1].contract_end, ymd(2027, 3, 31));
}

#[test]
fn title_rows_above_the_header_and_the_licence_sheet_is_chosen() {
    let p = read(&finnish_workbook(), "lisenssit.xlsx");
    assert_eq!(p.report.file.sheet.as_deref(), Some("Lisenssit"));
    assert_eq!(p.report.file.header_row, 4);
    assert_eq!(p.lines[0].source_row, 5);
    assert_eq!(p.lines[1].vendor_canonical, "Broadcom");
    assert_eq!(p.report.vendors, 2);
}

#[test]
fn a_trailing_total_row_is_skipped_with_a_warning() {
    let p = read(&finnish_workbook(), "lisenssit.xlsx");
    assert_eq!(p.report.rows, 2);
    assert_eq!(p.report.lines, 2);
    let total = p.report.warnings.iter().find(|w| w.code == IssueCode::TotalRowSkipped).expect("total row warning");
    assert_eq!(total.row, 8);
    assert_eq!(p.report.annual_cost_cents, Cents(1200 * 39_600 + 128 * 13_550));
    // The same in a CSV file.
    let csv = fi_csv(&["Adobe;Acrobat Pro;Loppukäyttäjä;40;189,90;Tilaus;30.6.2026", "Yhteensä;;;;;;"]);
    let p = read(csv.as_bytes(), "a.csv");
    no_errors(&p);
    assert_eq!(p.report.lines, 1);
    assert!(p.report.warnings.iter().any(|w| w.code == IssueCode::TotalRowSkipped));
}

#[test]
fn warnings_leave_lines_usable() {
    let csv = "Toimittaja;Tuote;Lisenssityyppi;Määrä;Yksikköhinta;Vuosikustannus;Sopimustyyppi;Sopimus päättyy;Käytössä;Sähköposti;Hintajakso\n\
        Lyhtysoft Oy;Kirjaamo;Loppukäyttäjä;10;100;2000;Tilaus;31.12.2026;12;ei-osoite;\n\
        Microsoft;Visio;Loppukäyttäjä;5;;;EA;;;;\n\
        Microsoft;Visio;Loppukäyttäjä;5;;;EA;;;;\n\
        Adobe;Acrobat;Loppukäyttäjä;5;10;;Tilaus;1.1.2025;;;kk\n\
        Autodesk;AutoCAD;Loppukäyttäjä;2;5000;;Pysyvä;;;;Kertamaksu\n";
    let p = read(csv.as_bytes(), "a.csv");
    no_errors(&p);
    let codes: Vec<IssueCode> = p.report.warnings.iter().map(|w| w.code).collect();
    for c in [
        IssueCode::CostMismatch,
        IssueCode::InUseExceedsQuantity,
        IssueCode::InvalidEmail,
        IssueCode::UnknownVendor,
        IssueCode::MissingUnitPrice,
        IssueCode::MissingContractEnd,
        IssueCode::DuplicateLine,
        IssueCode::ContractEnded,
        IssueCode::OneOffPrice,
    ] {
        assert!(codes.contains(&c), "{c:?} missing from {codes:?}");
    }
    assert_eq!(p.lines[3].annual_cost_cents, Cents(5 * 1000 * 12), "monthly price × 12");
    assert_eq!(p.lines[4].annual_cost_cents, Cents(0), "a one-off price is not annual");
    assert_eq!(p.lines[0].annual_cost_cents, Cents(200_000), "the given annual cost wins");
}

#[test]
fn reports_relocalise() {
    let p = read(fi_csv(&["Microsoft;Visio;Loppukäyttäjä;abc;10;EA;31.12.2026"]).as_bytes(), "a.csv");
    let mut r = p.report;
    assert!(r.errors[0].message.contains("ei ole luku"));
    r.relocalise(Lang::En);
    assert!(r.errors[0].message.contains("is not a number"), "{}", r.errors[0].message);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["errors"][0]["code"], "invalid_number");
    assert_eq!(json["status"], "rejected");
    assert!(r.to_text(Lang::Sv).contains("avvisad"));
}

#[test]
fn the_template_reads_back_without_errors() {
    for lang in [Lang::Fi, Lang::Sv, Lang::En] {
        let bytes = template_xlsx(lang).unwrap();
        let p = read(&bytes, "template.xlsx");
        no_errors(&p);
        assert_eq!(p.report.lines, 2, "{lang:?}");
        assert!(p.report.ignored_columns.is_empty(), "{:?}", p.report.ignored_columns);
        let csv = template_csv(lang);
        let p = read(csv.as_bytes(), "template.csv");
        no_errors(&p);
        assert_eq!(p.report.lines, 2);
    }
}

#[test]
fn diff_finds_added_removed_and_changed_lines() {
    let old = read(
        fi_csv(&[
            "Microsoft;Microsoft 365 E3;Loppukäyttäjä;1200;396;EA;30.6.2027",
            "Adobe;Acrobat Pro;Loppukäyttäjä;40;189,90;Tilaus;30.6.2026",
        ])
        .as_bytes(),
        "a.csv",
    )
    .lines;
    let new = read(
        fi_csv(&[
            "Microsoft Oy;MICROSOFT 365 E3;Loppukäyttäjä;1300;396;EA;30.6.2027",
            "Esri;ArcGIS Pro;Loppukäyttäjä;5;3800;Tilaus;12/2026",
        ])
        .as_bytes(),
        "b.csv",
    )
    .lines;
    let d = diff(&old, &new);
    assert_eq!(d.added.len(), 1);
    assert_eq!(d.added[0].product, "ArcGIS Pro");
    assert_eq!(d.removed.len(), 1);
    assert_eq!(d.removed[0].product, "Acrobat Pro");
    assert_eq!(d.changed.len(), 1);
    assert!(d.changed[0].fields_changed.contains(&"quantity".to_owned()));
    assert!(d.changed[0].fields_changed.contains(&"annual_cost_cents".to_owned()));
    assert!(diff(&new, &new).changed.is_empty());
}

#[test]
fn row_and_size_limits() {
    let rows: Vec<String> = (0..50).map(|i| format!("Adobe;Acrobat {i};Loppukäyttäjä;1;10;Tilaus;30.6.2026")).collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let csv = fi_csv(&refs);
    let limits = Limits { max_rows: 10, ..Limits::default() };
    let err = read_submission_on(csv.as_bytes(), "a.csv", &limits, &VendorCatalogue::seeded(), Lang::Fi, today())
        .unwrap_err();
    assert_eq!(err, IngestError::TooManyRows { max: 10 });
    let limits = Limits { max_bytes: 100, ..Limits::default() };
    let err = read_submission_on(csv.as_bytes(), "a.csv", &limits, &VendorCatalogue::seeded(), Lang::Fi, today())
        .unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("file_too_large", 413));
}

#[test]
fn an_ods_with_huge_repeated_content_rows_is_refused_before_loading() {
    let content = r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Lisenssit"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="200" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    use std::io::Write;
    w.start_file("mimetype", opts).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    w.start_file("content.xml", opts).unwrap();
    w.write_all(content.as_bytes()).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let started = std::time::Instant::now();
    let err = read_submission_on(&bytes, "x.ods", &Limits::default(), &VendorCatalogue::seeded(), Lang::Fi, today())
        .unwrap_err();
    assert_eq!(err.code(), "sheet_too_large");
    assert!(started.elapsed().as_secs() < 2);
}

#[test]
fn garbage_never_panics() {
    let catalogue = VendorCatalogue::seeded();
    let mut seed = 7u64;
    for len in [1usize, 2, 7, 100, 4000] {
        for prefix in
            [&b""[..], b"PK\x03\x04", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], b"Toimittaja;Tuote;Maara\n"]
        {
            let mut bytes = prefix.to_vec();
            for _ in 0..len {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                bytes.push((seed >> 33) as u8);
            }
            let _ = read_submission_on(&bytes, "x", &Limits::default(), &catalogue, Lang::Fi, today());
        }
    }
}
