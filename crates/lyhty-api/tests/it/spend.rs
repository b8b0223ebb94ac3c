//! The spend ledger and reports through HTTP: hourly rates, plan versions, expenses with a
//! correction by reversing entry, the quarterly report from the real invoices and payments
//! (JSON, PDF, XLSX), the annual statement, the dissolution preview, and who may do what.
//!
//! Figures (hand-computed): Valtori 400 000 € (booked, not invoiced), Kela 25 000 €,
//! Oulun yliopisto 10 000 €: committed 435 000 €. Both instalments run (5.9.2025 and
//! 9.1.2026); Kela pays both, the university neither. At 31.3.2026: invoiced 435 000,00,
//! paid 425 000,00, outstanding and overdue 10 000,00. Q1/2026 ledger: legal 2 480,00
//! reversed on 1.2. and 120 h × 95 € = 11 400,00 to Kela; spent 11 400,00, so funds
//! available 413 600,00 €. Burn rate 11 400 € ÷ 6 months (plan from Q4/2025) = 1 900,00
//! €/month; remaining funding 423 600,00 → runway 222,9 months.
//! Dissolution with a 10 000 € wind-down: 425 000 − 11 400 − 10 000 = 403 600,00 remain
//! (> 20 % of 435 000 = 87 000): Valtori 403 600 × 400/425 = 379 858,8235 → 379 858,82,
//! Kela 403 600 × 25/425 = 23 741,1765 → 23 741,17 + the leftover cent (largest remainder
//! 0,76 cent) = 23 741,18.

use crate::common;

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use lyhty_domain::Role;
use serde_json::{Value, json};

async fn party(app: &TestApp, token: &str, name: &str, business_id: &str, category: &str) -> String {
    let reply = app
        .post(
            "/api/orgs",
            token,
            json!({"name": name, "business_id": business_id, "category": category, "joined_on": "2025-09-01"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["id"].as_str().unwrap().to_string()
}

async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> common::Reply {
    app.call(Method::PUT, path, Some(token), Some(body)).await
}

async fn bytes(app: &TestApp, path: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
    let req = Request::get(path).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
    let response = tower::ServiceExt::oneshot(lyhty_api::router(app.state.clone()), req).await.unwrap();
    let status = response.status();
    let content_type =
        response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes().to_vec();
    (status, content_type, body)
}

fn category<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["categories"].as_array().unwrap().iter().find(|c| c["category"] == key).unwrap()
}

#[tokio::test]
async fn ledger_plan_and_reports_over_http_on_sqlite() {
    scenario(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn ledger_plan_and_reports_over_http_on_postgres() {
    let Some(app) = TestApp::postgres().await else { return };
    scenario(app).await;
}

async fn scenario(app: TestApp) {
    let c = app.coordinator().await;
    party(&app, &c, "Valtori", "2574261-7", "state").await;
    let kela = party(&app, &c, "Kela", "0246246-0", "kela").await;
    let oulu = party(&app, &c, "Oulun yliopisto", "0245895-5", "university").await;
    let steering = app.user("ohjaus@example.fi", Role::Steering, None).await;
    let member = app.user("maija@kela.fi", Role::Member, Some(kela.parse().unwrap())).await;

    // Income: both instalments; Kela pays, the university does not.
    for (n, day) in [(1, "2025-09-05"), (2, "2026-01-09")] {
        let run = app.post("/api/invoice-runs", &c, json!({"instalment": n, "issue_date": day})).await;
        assert_eq!(run.status, StatusCode::CREATED, "{}", run.body);
        let kela_invoice =
            run.body["created"].as_array().unwrap().iter().find(|i| i["org_id"] == kela.as_str()).unwrap();
        let paid = app
            .post(
                &format!("/api/invoices/{}/payments", kela_invoice["id"].as_str().unwrap()),
                &c,
                json!({"amount_cents": 1_250_000, "paid_on": day}),
            )
            .await;
        assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.body);
    }

    // The hourly rate and its history; a day's rate is never rewritten.
    for (from, cents) in [("2025-09-01", 9_000), ("2026-01-01", 9_500)] {
        let r = app
            .post("/api/hourly-rates", &c, json!({"valid_from": from, "rate_cents": cents, "decision": "OR 1"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let dup = app.post("/api/hourly-rates", &c, json!({"valid_from": "2026-01-01", "rate_cents": 9_900})).await;
    assert_eq!((dup.status, dup.code()), (StatusCode::CONFLICT, "duplicate_rate_date"));
    let rates = app.get("/api/hourly-rates", &steering).await;
    assert_eq!(rates.body["rates"].as_array().unwrap().len(), 2);
    assert_eq!(rates.body["current_rate_cents"], 9_500);

    // Plan version 1, then a changed version 2; the report compares against the newest.
    let line =
        |y: i32, q: u8, cat: &str, cents: i64| json!({"year": y, "quarter": q, "category": cat, "amount_cents": cents});
    let v1 = vec![
        line(2025, 4, "personnel", 5_000_000),
        line(2026, 1, "personnel", 5_000_000),
        line(2025, 4, "legal", 500_000),
        line(2026, 1, "legal", 500_000),
    ];
    let r =
        put(&app, "/api/budget-plan", &c, json!({"approved_on": "2025-09-15", "note": "OR 2/2025", "lines": v1})).await;
    assert_eq!((r.status, r.body["version"].as_i64()), (StatusCode::CREATED, Some(1)), "{}", r.body);
    let mut v2 = v1.clone();
    v2[3] = line(2026, 1, "legal", 600_000);
    let r = put(&app, "/api/budget-plan", &c, json!({"approved_on": "2026-01-20", "lines": v2})).await;
    assert_eq!(r.body["version"], 2);
    let bad =
        put(&app, "/api/budget-plan", &c, json!({"approved_on": "2026-01-20", "lines": [line(2026, 5, "legal", 1)]}))
            .await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_quarter"));
    let plan = app.get("/api/budget-plan", &steering).await;
    assert_eq!(plan.body["plan"]["version"], 2);
    assert_eq!(plan.body["total_cents"], 11_100_000);
    assert_eq!(plan.body["versions"].as_array().unwrap().len(), 2);

    // Expenses: personnel is hours × the rate in force, to the party's home organisation.
    let personnel = json!({"date": "2026-02-10", "category": "personnel", "hours": 120,
        "payee_org_id": kela, "description": "Selvitystyö helmikuu", "document_ref": "TK-7"});
    let booked = app.post("/api/expenses", &c, personnel.clone()).await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    assert_eq!(
        (booked.body["amount_cents"].as_i64(), booked.body["rate_cents"].as_i64()),
        (Some(1_140_000), Some(9_500))
    );
    assert_eq!(booked.body["payee_name"], "Kela");
    let mut wrong_rate = personnel.clone();
    wrong_rate["rate_cents"] = json!(9_000);
    let refused = app.post("/api/expenses", &c, wrong_rate).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "rate_mismatch"));
    let mut no_payee = personnel.clone();
    no_payee["payee_org_id"] = Value::Null;
    assert_eq!(app.post("/api/expenses", &c, no_payee).await.code(), "payee_required");
    let mut ghost = personnel.clone();
    ghost["payee_org_id"] = json!(uuid::Uuid::now_v7());
    assert_eq!(app.post("/api/expenses", &c, ghost).await.code(), "unknown_payee");
    let bad_category = json!({"date": "2026-02-10", "category": "travel", "amount_cents": 1, "description": "x"});
    assert_eq!(app.post("/api/expenses", &c, bad_category).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A wrong legal fee, corrected by a reversing entry; both stay in the ledger.
    let legal = app
        .post(
            "/api/expenses",
            &c,
            json!({"date": "2026-01-15", "category": "legal", "amount_cents": 248_000, "description": "Sopimusneuvonta"}),
        )
        .await;
    let legal_id = legal.body["id"].as_str().unwrap().to_string();
    let reversal = app
        .post(&format!("/api/expenses/{legal_id}/reverse"), &c, json!({"date": "2026-02-01", "reason": "väärä lasku"}))
        .await;
    assert_eq!(reversal.status, StatusCode::CREATED, "{}", reversal.body);
    assert_eq!(
        (reversal.body["amount_cents"].as_i64(), reversal.body["reverses"].as_str()),
        (Some(-248_000), Some(legal_id.as_str()))
    );
    let twice = app.post(&format!("/api/expenses/{legal_id}/reverse"), &c, json!({"date": "2026-02-02"})).await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "already_reversed"));
    let of_reversal =
        app.post(&format!("/api/expenses/{}/reverse", reversal.body["id"].as_str().unwrap()), &c, json!({})).await;
    assert_eq!(of_reversal.code(), "cannot_reverse_a_reversal");
    assert_eq!(
        app.post(&format!("/api/expenses/{}/reverse", uuid::Uuid::now_v7()), &c, json!({})).await.status,
        StatusCode::NOT_FOUND
    );

    // No route edits or deletes an entry: there is none, for any method.
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let r = app
            .call(method.clone(), &format!("/api/expenses/{legal_id}"), Some(&c), Some(json!({"amount_cents": 1})))
            .await;
        assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST), "{method} answered {}", r.status);
        let r = app.call(method.clone(), &format!("/api/expenses/{legal_id}/reverse"), Some(&c), Some(json!({}))).await;
        assert!(!r.status.is_success(), "{method} /reverse answered {}", r.status);
    }
    let ledger = app.get("/api/expenses", &steering).await;
    assert_eq!(ledger.status, StatusCode::OK);
    let entries = ledger.body.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let original = entries.iter().find(|e| e["id"] == legal_id.as_str()).unwrap();
    assert_eq!((original["amount_cents"].as_i64(), &original["reversed_by"]), (Some(248_000), &reversal.body["id"]));

    // The steering group reads, only the coordinator writes; members see none of it.
    let denied = app.post("/api/expenses", &steering, personnel.clone()).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/expenses", &member).await.status, StatusCode::FORBIDDEN);
    // The member reads its party's copy of the report (tests/party_reports.rs), not the ledger.
    assert_eq!(app.get("/api/reports/quarterly/2026/1", &member).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/reports/dissolution-preview", &member).await.status, StatusCode::FORBIDDEN);

    // The Q1/2026 report, from the stored invoices, payments and ledger.
    let report = app.get("/api/reports/quarterly/2026/1", &steering).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let r = &report.body;
    assert_eq!((r["year"].as_i64(), r["quarter"].as_i64(), r["plan_version"].as_i64()), (Some(2026), Some(1), Some(2)));
    let p = category(r, "personnel");
    assert_eq!(
        (p["plan_cents"].as_i64(), p["actual_cents"].as_i64(), p["variance_cents"].as_i64()),
        (Some(5_000_000), Some(1_140_000), Some(-3_860_000))
    );
    assert_eq!(
        (p["cumulative_plan_cents"].as_i64(), p["cumulative_actual_cents"].as_i64()),
        (Some(10_000_000), Some(1_140_000))
    );
    let l = category(r, "legal");
    assert_eq!(
        (l["plan_cents"].as_i64(), l["actual_cents"].as_i64(), l["variance_cents"].as_i64()),
        (Some(600_000), Some(0), Some(-600_000))
    );
    assert_eq!(r["income"]["invoiced_cents"], 43_500_000);
    assert_eq!(r["income"]["paid_cents"], 42_500_000);
    assert_eq!(r["income"]["outstanding_cents"], 1_000_000);
    assert_eq!(r["income"]["overdue_cents"], 1_000_000);
    assert_eq!(r["funds_available_cents"], 41_360_000);
    assert_eq!(r["burn_rate_cents_per_month"], 190_000);
    assert_eq!(r["remaining_funding_cents"], 42_360_000);
    assert_eq!(r["runway_months"], 222.9);
    assert_eq!(r["reimbursements"][0]["org_id"], kela.as_str());
    assert_eq!(
        (r["reimbursements"][0]["hours"].as_i64(), r["reimbursements"][0]["amount_cents"].as_i64()),
        (Some(120), Some(1_140_000))
    );
    // The correction and the corrected entry both appear.
    let amounts: Vec<i64> =
        r["entries"].as_array().unwrap().iter().map(|e| e["amount_cents"].as_i64().unwrap()).collect();
    assert_eq!(amounts, [248_000, -248_000, 1_140_000]);
    let bad = app.get("/api/reports/quarterly/2026/5", &c).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_quarter"));
    assert_eq!(app.get("/api/reports/quarterly/2026/1?format=doc", &c).await.code(), "invalid_format");
    assert_eq!(app.get("/api/reports/quarterly/x/1", &c).await.status, StatusCode::BAD_REQUEST);

    // The same report as PDF and workbook.
    let (status, content_type, pdf) = bytes(&app, "/api/reports/quarterly/2026/1?format=pdf", &steering).await;
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "application/pdf"));
    if let Some(text) = pdftotext(&pdf) {
        for needle in ["Q1/2026", "413 600,00 €", "11 400,00 €", "1 900,00 €", "435 000,00 €", "Kela"] {
            assert!(text.contains(needle), "PDF text lacks {needle:?}:\n{text}");
        }
    }
    let (status, content_type, xlsx) = bytes(&app, "/api/reports/quarterly/2026/1?format=xlsx", &steering).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.contains("spreadsheetml") && xlsx.starts_with(b"PK"), "{content_type}");

    // The annual statement for 2026.
    let annual = app.get("/api/reports/annual/2026", &steering).await;
    assert_eq!(annual.status, StatusCode::OK, "{}", annual.body);
    assert_eq!(annual.body["spent_cents"], 1_140_000);
    assert_eq!(annual.body["opening_funds_cents"], 21_250_000);
    assert_eq!(annual.body["closing_funds_cents"], 41_360_000);
    let (status, content_type, _) = bytes(&app, "/api/reports/annual/2026?format=pdf", &c).await;
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "application/pdf"));

    // The dissolution preview: refunded pro rata to what was paid, to the cent.
    let preview = app.get("/api/reports/dissolution-preview?wind_down_cents=1000000", &steering).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let d = &preview.body;
    assert_eq!((d["original_funding_cents"].as_i64(), d["paid_cents"].as_i64()), (Some(43_500_000), Some(42_500_000)));
    assert_eq!((d["remaining_cents"].as_i64(), d["refund"].as_bool()), (Some(40_360_000), Some(true)));
    let refunds: Vec<(String, i64)> = d["refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap().to_string(), r["refund_cents"].as_i64().unwrap()))
        .collect();
    assert_eq!(refunds, [("Valtori".to_string(), 37_985_882), ("Kela".to_string(), 2_374_118)]);
    assert!(!refunds.iter().any(|(n, _)| n == "Oulun yliopisto"), "{oulu} paid nothing and gets nothing back");
    let negative = app.get("/api/reports/dissolution-preview?wind_down_cents=-1", &c).await;
    assert_eq!(negative.code(), "invalid_amount");
    let (status, _, xlsx) = bytes(&app, "/api/reports/dissolution-preview?format=xlsx", &c).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK"));
}

/// The PDF's text via poppler's pdftotext, or `None` where it is not installed (and not
/// required: CI, or `LYHTY_REQUIRE_POPPLER=1`). A pdftotext that runs and fails — a corrupt
/// PDF — fails the test everywhere.
fn pdftotext(pdf: &[u8]) -> Option<String> {
    let text = lyhty_testkit::PDFTOTEXT.find()?.pdf_text(pdf).unwrap_or_else(|e| panic!("report PDF: {e}"));
    Some(text.replace('\u{a0}', " "))
}
