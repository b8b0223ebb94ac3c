//! Every party reads the quarterly report and the annual statement (§9.1, §13), in its
//! party's copy; an expelled party gets nothing back in the dissolution preview (§17).
//!
//! Figures (hand-computed): Valtori 400 000 € (the coordinator's booked own contribution),
//! Kela 25 000 €, Oulun yliopisto 10 000 €: committed 435 000 €. Both instalments run (5.9.2025
//! and 9.1.2026); Kela pays both (2 × 12 500 €), the university 1 234,57 € of its first. In
//! Q1/2026 the ledger has legal fees 2 480,00 € (a supplier), 120 h × 95 € = 11 400,00 € to
//! Kela and 13 h × 95 € = 1 235,00 € to the university: personnel 12 635,00 €.
//!
//! Kela's member reads a copy without the university: no name, business ID, reimbursement
//! (1 235,00 €) or payment (1 234,57 €) of it, in the JSON, the PDF or the workbook.
//!
//! Dissolution with the university expelled and a 10 000 € wind-down: paid 426 234,57 €,
//! spent 15 115,00 €: 401 119,57 € remain (> 20 % of 435 000 = 87 000). Shared by what
//! Valtori and Kela paid (425 000 €): Valtori 40 111 957 × 400/425 = 37 752 430,12 →
//! 37 752 430 cents, Kela 40 111 957 × 25/425 = 2 359 526,88 → 2 359 526 + the leftover cent
//! (the larger remainder) = 2 359 527; the university 0.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use calamine::{Data, Reader};
use lyhty_domain::{OrgId, Role, Termination, TerminationKind};
use lyhty_store::Actor;
use serde_json::{Value, json};

const OULU_NAME: &str = "Oulun yliopisto";
const OULU_BUSINESS_ID: &str = "0245895-5";

#[tokio::test]
async fn parties_read_their_copy_and_expelled_parties_get_nothing_on_sqlite() {
    scenario(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn parties_read_their_copy_and_expelled_parties_get_nothing_on_postgres() {
    let Some(app) = TestApp::postgres().await else { return };
    scenario(app).await;
}

async fn scenario(app: TestApp) {
    let c = app.coordinator().await;
    app.org(&c, "Valtori", "2574261-7", "state").await;
    let kela = app.org(&c, "Kela", "0246246-0", "kela").await["id"].as_str().unwrap().to_string();
    let oulu = app.org(&c, OULU_NAME, OULU_BUSINESS_ID, "university").await["id"].as_str().unwrap().to_string();
    let steering = app.user("ohjaus@example.fi", Role::Steering, None).await;
    let analyst = app.user("analyytikko@example.fi", Role::Analyst, None).await;
    let member = app.user("maija@kela.fi", Role::Member, Some(kela.parse().unwrap())).await;

    for (n, day) in [(1, "2025-09-05"), (2, "2026-01-09")] {
        let run = app.post("/api/invoice-runs", &c, json!({"instalment": n, "issue_date": day})).await;
        assert_eq!(run.status, StatusCode::CREATED, "{}", run.body);
        let created = run.body["created"].as_array().unwrap();
        let invoice_of = |org: &str| created.iter().find(|i| i["org_id"] == org).unwrap()["id"].as_str().unwrap();
        pay(&app, &c, invoice_of(&kela), 1_250_000, day).await;
        if n == 1 {
            pay(&app, &c, invoice_of(&oulu), 123_457, "2025-10-01").await;
        }
    }
    let rate = app.post("/api/hourly-rates", &c, json!({"valid_from": "2025-09-01", "rate_cents": 9_500})).await;
    assert_eq!(rate.status, StatusCode::CREATED, "{}", rate.body);
    for entry in [
        json!({"date": "2026-01-15", "category": "legal", "amount_cents": 248_000, "description": "Sopimusneuvonta",
            "payee": "Asianajotoimisto Laki Oy"}),
        json!({"date": "2026-02-10", "category": "personnel", "hours": 120, "payee_org_id": kela,
            "description": "Selvitystyö helmikuu"}),
        json!({"date": "2026-02-11", "category": "personnel", "hours": 13, "payee_org_id": oulu,
            "description": "Oulun työpaja", "document_ref": "OY-13"}),
    ] {
        let booked = app.post("/api/expenses", &c, entry).await;
        assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    }

    // The steering group reads the full report: both reimbursements, every entry.
    let full = app.get("/api/reports/quarterly/2026/1", &steering).await;
    assert_eq!(full.status, StatusCode::OK, "{}", full.body);
    assert_eq!(full.body["party_copy"], false);
    assert_eq!(full.body["reimbursements"].as_array().unwrap().len(), 2);
    assert_eq!(full.body["entries"].as_array().unwrap().len(), 3);
    assert!(full.body.to_string().contains(OULU_NAME));

    // Kela's member reads Kela's copy: the same network figures, its own reimbursement and
    // the supplier's entry, nothing of the university's.
    let copy = app.get("/api/reports/quarterly/2026/1", &member).await;
    assert_eq!(copy.status, StatusCode::OK, "{}", copy.body);
    let r = &copy.body;
    assert_eq!(r["party_copy"], true);
    let personnel = r["categories"].as_array().unwrap().iter().find(|c| c["category"] == "personnel").unwrap();
    assert_eq!(personnel["actual_cents"], 1_263_500, "the network total keeps every party's hours");
    assert_eq!(r["income"]["paid_cents"], 42_623_457);
    let reimbursements: Vec<(&str, i64)> = r["reimbursements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["name"].as_str().unwrap(), l["amount_cents"].as_i64().unwrap()))
        .collect();
    assert_eq!(reimbursements, [("Kela", 1_140_000)]);
    let amounts: Vec<i64> =
        r["entries"].as_array().unwrap().iter().map(|e| e["amount_cents"].as_i64().unwrap()).collect();
    assert_eq!(amounts, [248_000, 1_140_000]);
    assert_no_trace_of_the_university(r, &oulu);
    for year in ["2025", "2026"] {
        let annual = app.get(&format!("/api/reports/annual/{year}"), &member).await;
        assert_eq!(annual.status, StatusCode::OK, "{}", annual.body);
        assert_eq!(annual.body["party_copy"], true);
        assert_no_trace_of_the_university(&annual.body, &oulu);
    }
    let annual = app.get("/api/reports/annual/2026", &member).await;
    assert_eq!(annual.body["spent_cents"], 1_511_500);

    // The documents of the copy: no name, business ID or figure of the university.
    for path in ["/api/reports/quarterly/2026/1", "/api/reports/annual/2026", "/api/reports/annual/2025"] {
        let (status, pdf) = bytes(&app, &format!("{path}?format=pdf"), &member).await;
        assert_eq!(status, StatusCode::OK);
        if let Some(text) = pdftotext(&pdf) {
            for needle in ["Oulu", OULU_BUSINESS_ID, "1 235,00", "1 234,57", "Valtori"] {
                assert!(!text.contains(needle), "{path}: Kela's PDF shows {needle:?}:\n{text}");
            }
            assert!(text.contains("Osapuolen kappale"), "{path}: the copy says it is one");
            if path.contains("quarterly") {
                assert!(text.contains("11 400,00") && text.contains("Kela"), "{text}");
            }
        }
        let (status, xlsx) = bytes(&app, &format!("{path}?format=xlsx"), &member).await;
        assert_eq!(status, StatusCode::OK);
        let (texts, numbers) = cells(&xlsx);
        for needle in ["Oulu", OULU_BUSINESS_ID, "Valtori"] {
            assert!(!texts.iter().any(|t| t.contains(needle)), "{path}: Kela's workbook shows {needle:?}");
        }
        for figure in [1235.0, 1234.57] {
            assert!(!numbers.iter().any(|n| (n - figure).abs() < 0.001), "{path}: Kela's workbook shows {figure}");
        }
        if path.contains("quarterly") {
            assert!(numbers.iter().any(|n| (n - 11_400.0).abs() < 0.001), "Kela's own reimbursement is there");
        }
    }
    // The steering group's documents do show the university.
    let (_, xlsx) = bytes(&app, "/api/reports/quarterly/2026/1?format=xlsx", &steering).await;
    assert!(cells(&xlsx).0.iter().any(|t| t.contains(OULU_NAME)));

    // Analysts read neither report; members never read the dissolution preview.
    assert_eq!(app.get("/api/reports/quarterly/2026/1", &analyst).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/reports/annual/2026", &analyst).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/reports/dissolution-preview", &member).await.status, StatusCode::FORBIDDEN);

    // The university is expelled (recorded in the store directly: the preview reads the
    // status, whatever the steps before it). Its payments are not returned (§17).
    let effective_on = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let termination = Termination::new(TerminationKind::Expelled, effective_on);
    let oulu_id: OrgId = oulu.parse().unwrap();
    app.state.store.terminate_org(&Actor::system("test"), oulu_id, termination).await.unwrap();
    let preview = app.get("/api/reports/dissolution-preview?wind_down_cents=1000000", &steering).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let d = &preview.body;
    assert_eq!((d["paid_cents"].as_i64(), d["spent_cents"].as_i64()), (Some(42_623_457), Some(1_511_500)));
    assert_eq!((d["remaining_cents"].as_i64(), d["refund"].as_bool()), (Some(40_111_957), Some(true)));
    let refunds: Vec<(&str, i64, i64, bool)> = d["refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let cents = |k: &str| r[k].as_i64().unwrap();
            (r["name"].as_str().unwrap(), cents("paid_cents"), cents("refund_cents"), r["expelled"].as_bool().unwrap())
        })
        .collect();
    assert_eq!(
        refunds,
        [
            ("Valtori", 40_000_000, 37_752_430, false),
            ("Kela", 2_500_000, 2_359_527, false),
            (OULU_NAME, 123_457, 0, true),
        ]
    );
    let (_, pdf) = bytes(&app, "/api/reports/dissolution-preview?wind_down_cents=1000000&format=pdf", &c).await;
    if let Some(text) = pdftotext(&pdf) {
        assert!(text.contains("Oulun yliopisto (erotettu, §17)"), "{text}");
    }
}

async fn pay(app: &TestApp, token: &str, invoice: &str, cents: i64, day: &str) {
    let paid = app
        .post(&format!("/api/invoices/{invoice}/payments"), token, json!({"amount_cents": cents, "paid_on": day}))
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.body);
}

/// Neither the university's id, name, business ID or description, nor its reimbursement
/// (123 500 cents) or its payment (123 457 cents) as a figure of its own.
fn assert_no_trace_of_the_university(body: &Value, oulu: &str) {
    let text = body.to_string();
    for needle in [oulu, OULU_NAME, OULU_BUSINESS_ID, "Oulun työpaja", "OY-13", "Valtori"] {
        assert!(!text.contains(needle), "a member's copy shows {needle:?}: {text}");
    }
    let mut numbers = Vec::new();
    numbers_in(body, &mut numbers);
    for figure in [123_500, 123_457] {
        assert!(!numbers.contains(&figure), "a member's copy shows {figure}: {text}");
    }
}

fn numbers_in(v: &Value, out: &mut Vec<i64>) {
    match v {
        Value::Number(n) => out.extend(n.as_i64()),
        Value::Array(items) => items.iter().for_each(|i| numbers_in(i, out)),
        Value::Object(map) => map.values().for_each(|i| numbers_in(i, out)),
        _ => {}
    }
}

async fn bytes(app: &TestApp, path: &str, token: &str) -> (StatusCode, Vec<u8>) {
    let req = Request::get(path).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
    let response = tower::ServiceExt::oneshot(lyhty_api::router(app.state.clone()), req).await.unwrap();
    let status = response.status();
    let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes().to_vec();
    (status, body)
}

/// Every text and every number of every sheet of a workbook.
fn cells(xlsx: &[u8]) -> (Vec<String>, Vec<f64>) {
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let (mut texts, mut numbers) = (Vec::new(), Vec::new());
    for name in book.sheet_names() {
        for cell in book.worksheet_range(&name).unwrap().used_cells() {
            match cell.2 {
                Data::String(s) => texts.push(s.clone()),
                Data::Float(f) => numbers.push(*f),
                Data::Int(i) => numbers.push(*i as f64),
                _ => {}
            }
        }
    }
    (texts, numbers)
}

/// The PDF's text via poppler's pdftotext, or `None` where it is not installed (and not
/// required).
fn pdftotext(pdf: &[u8]) -> Option<String> {
    let text = lyhty_testkit::PDFTOTEXT.find()?.pdf_text(pdf).unwrap_or_else(|e| panic!("report PDF: {e}"));
    Some(text.replace('\u{a0}', " "))
}
