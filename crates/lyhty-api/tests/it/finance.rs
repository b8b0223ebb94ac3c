//! Cost shares and instalment invoicing through HTTP: a run, its idempotent repeat, the
//! window rule, PDF and UBL, payments by hand and from a camt.054 bank file, a credit note,
//! and who may see what.

use crate::common;

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lyhty_domain::Role;
use serde_json::{Value, json};

async fn party(app: &TestApp, token: &str, body: Value) -> String {
    let reply = app.post("/api/orgs", token, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["id"].as_str().unwrap().to_string()
}

struct World {
    app: TestApp,
    coordinator: String,
    kela: String,
    oulu: String,
    kela_member: String,
}

async fn world() -> World {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let joined = "2025-09-01";
    let valtori = party(
        &app,
        &coordinator,
        json!({"name": "Valtori", "business_id": "2574261-7", "category": "state", "joined_on": joined}),
    )
    .await;
    let kela = party(&app, &coordinator, json!({"name": "Kela", "business_id": "0246246-0", "category": "kela", "joined_on": joined, "einvoice_address": "0216:003702462460"})).await;
    let oulu = party(
        &app,
        &coordinator,
        json!({"name": "Oulun yliopisto", "business_id": "0245895-5", "category": "university", "joined_on": joined}),
    )
    .await;
    party(
        &app,
        &coordinator,
        json!({"name": "Seurakunta", "business_id": "2228357-4", "category": "parish", "joined_on": joined}),
    )
    .await;
    party(&app, &coordinator, json!({"name": "Virasto", "business_id": "2844561-8", "category": "state", "joined_on": joined, "represented_by": valtori})).await;
    let kela_member = app.user("maija@kela.fi", Role::Member, Some(kela.parse().unwrap())).await;
    World { app, coordinator, kela, oulu, kela_member }
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

fn camt(entries: &[(&str, &str, &str)]) -> String {
    let ntry: String = entries
        .iter()
        .map(|(id, amount, reference)| {
            format!(
                "<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>\
                 <BookgDt><Dt>2025-09-25</Dt></BookgDt><AcctSvcrRef>{id}</AcctSvcrRef><NtryDtls><TxDtls>\
                 <Refs><AcctSvcrRef>{id}</AcctSvcrRef></Refs><AmtDtls><TxAmt><Amt Ccy=\"EUR\">{amount}</Amt></TxAmt></AmtDtls>\
                 <RltdPties><Dbtr><Nm>KANSANELÄKELAITOS</Nm></Dbtr></RltdPties>\
                 <RmtInf><Strd><CdtrRefInf><Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\">\
         <BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-09-26T21:05:13+03:00</CreDtTm></GrpHdr>\
         <Ntfctn><Id>N1</Id><CreDtTm>2025-09-26T21:05:13+03:00</CreDtTm><Acct><Id><IBAN>FI2112345600000785</IBAN></Id></Acct>\
         {ntry}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    )
}

async fn import(app: &TestApp, token: &str, xml: &str) -> common::Reply {
    let boundary = "b0undary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"camt054.xml\"\r\n\r\n{xml}\r\n--{boundary}--\r\n"
    );
    let req = Request::post("/api/payments/import")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

#[tokio::test]
async fn instalment_run_documents_payments_and_credit() {
    let w = world().await;
    let app = &w.app;

    // Shares: Valtori 400 000 €, Kela 25 000 €, Oulu 10 000 €; the parish has no share yet.
    let shares = app.get("/api/cost-shares", &w.coordinator).await;
    assert_eq!(shares.status, StatusCode::OK, "{}", shares.body);
    assert_eq!(shares.body["total_cents"], 43_500_000);
    assert_eq!(shares.body["model"]["budget_cents"], 150_000_000);
    let parish = shares.body["parties"].as_array().unwrap().iter().find(|p| p["name"] == "Seurakunta").unwrap();
    assert_eq!(parish["problem"]["code"], "share_override_required");

    // Instalment 1 on 5.9.2025: Kela and Oulu invoiced, Valtori books its own half.
    let run = app.post("/api/invoice-runs", &w.coordinator, json!({"instalment": 1, "issue_date": "2025-09-05"})).await;
    assert_eq!(run.status, StatusCode::CREATED, "{}", run.body);
    let created = run.body["created"].as_array().unwrap();
    assert_eq!(created.len(), 2, "{}", run.body);
    let numbers: Vec<&str> = created.iter().map(|i| i["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["2025-0001", "2025-0002"]);
    assert_eq!(run.body["self_contributions"][0]["amount_cents"], 20_000_000);
    assert_eq!(run.body["skipped"][0]["problem"]["code"], "share_override_required");
    let kela_invoice = created.iter().find(|i| i["org_id"] == w.kela.as_str()).unwrap().clone();
    assert_eq!(kela_invoice["amount_cents"], 1_250_000);
    assert_eq!(kela_invoice["due_date"], "2025-09-26");
    // Due in September 2025: seen from today it is overdue until paid.
    assert_eq!(kela_invoice["status"], "overdue");
    assert_eq!(kela_invoice["barcode"].as_str().unwrap().len(), 54);

    // The same run again creates nothing.
    let again =
        app.post("/api/invoice-runs", &w.coordinator, json!({"instalment": 1, "issue_date": "2025-09-06"})).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["created"], json!([]));
    // A run whose due dates cannot fall in the window is refused unless overridden.
    let late =
        app.post("/api/invoice-runs", &w.coordinator, json!({"instalment": 2, "issue_date": "2026-03-20"})).await;
    assert_eq!((late.status, late.code()), (StatusCode::UNPROCESSABLE_ENTITY, "outside_instalment_window"));

    // Members see their own invoices only; the steering group sees shares, not invoices.
    let kela_id = kela_invoice["id"].as_str().unwrap();
    let mine = app.get("/api/invoices", &w.kela_member).await;
    assert_eq!(mine.body.as_array().unwrap().len(), 1);
    let oulu_member = app.user("a@oulu.fi", Role::Member, Some(w.oulu.parse().unwrap())).await;
    assert_eq!(app.get(&format!("/api/invoices/{kela_id}"), &oulu_member).await.status, StatusCode::FORBIDDEN);
    let steering = app.user("ohjaus@example.fi", Role::Steering, None).await;
    assert_eq!(app.get("/api/invoices", &steering).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/cost-shares", &steering).await.status, StatusCode::OK);
    let own_share = app.get("/api/cost-shares", &w.kela_member).await;
    assert_eq!(own_share.body["parties"].as_array().unwrap().len(), 1, "a member sees its own share only");

    // The PDF and the e-invoice.
    let (status, content_type, pdf) = bytes(app, &format!("/api/invoices/{kela_id}/pdf"), &w.kela_member).await;
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(text) = pdftotext(&pdf) {
        for needle in ["2025-0001", "26.9.2025", "12 500,00", kela_invoice["barcode"].as_str().unwrap()] {
            assert!(text.replace('\u{a0}', " ").contains(needle), "PDF text lacks {needle:?}:\n{text}");
        }
    }
    let (status, content_type, xml) = bytes(app, &format!("/api/invoices/{kela_id}/ubl"), &w.coordinator).await;
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "application/xml"));
    let xml = String::from_utf8(xml).unwrap();
    assert!(xml.contains("<cbc:ID>2025-0001</cbc:ID>"), "{xml}");
    assert!(xml.contains("0216"), "Peppol endpoint");

    // 5 000 € by hand, then the rest from the bank file; importing it twice books it once.
    let paid = app
        .post(
            &format!("/api/invoices/{kela_id}/payments"),
            &w.coordinator,
            json!({"amount_cents": 500_000, "paid_on": "2025-09-20"}),
        )
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.body);
    assert_eq!((paid.body["status"].as_str(), paid.body["paid_cents"].as_i64()), (Some("overdue"), Some(500_000)));
    assert_eq!(paid.body["outstanding_cents"], 750_000);
    let rf = kela_invoice["rf_reference"].as_str().unwrap();
    let file = camt(&[("E-1", "7500.00", rf), ("E-2", "10.00", "RF18539007547034")]);
    let imported = import(app, &w.coordinator, &file).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert_eq!(imported.body["matched"].as_array().unwrap().len(), 1);
    assert_eq!(imported.body["matched"][0]["invoice_number"], "2025-0001");
    assert_eq!(imported.body["unmatched"].as_array().unwrap().len(), 1);
    let twice = import(app, &w.coordinator, &file).await;
    assert_eq!(
        (twice.body["matched"].as_array().unwrap().len(), twice.body["already_imported"].as_u64()),
        (0, Some(1))
    );
    let kela_now = app.get(&format!("/api/invoices/{kela_id}"), &w.kela_member).await;
    assert_eq!(
        (kela_now.body["status"].as_str(), kela_now.body["paid_cents"].as_i64()),
        (Some("paid"), Some(1_250_000))
    );
    assert_eq!(import(app, &w.coordinator, "<not camt/>").await.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Credit Oulu's invoice: a credit note referring to it, and the instalment is billable again.
    let oulu_invoice = created.iter().find(|i| i["org_id"] == w.oulu.as_str()).unwrap();
    let oulu_id = oulu_invoice["id"].as_str().unwrap();
    let note = app
        .post(&format!("/api/invoices/{oulu_id}/credit-notes"), &w.coordinator, json!({"issue_date": "2025-10-01"}))
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
    assert_eq!((note.body["kind"].as_str(), note.body["amount_cents"].as_i64()), (Some("credit_note"), Some(-500_000)));
    assert_eq!(note.body["number"], "2025-0003");
    let (_, _, note_xml) =
        bytes(app, &format!("/api/invoices/{}/ubl", note.body["id"].as_str().unwrap()), &w.coordinator).await;
    let note_xml = String::from_utf8(note_xml).unwrap();
    assert!(note_xml.contains("CreditNote") && note_xml.contains("2025-0002"), "{note_xml}");
    assert_eq!(app.get(&format!("/api/invoices/{oulu_id}"), &w.coordinator).await.body["status"], "credited");
    let twice = app
        .post(&format!("/api/invoices/{oulu_id}/credit-notes"), &w.coordinator, json!({"issue_date": "2025-10-02"}))
        .await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "already_credited"));
    let rebill =
        app.post("/api/invoice-runs", &w.coordinator, json!({"instalment": 1, "issue_date": "2025-10-02"})).await;
    assert_eq!(rebill.body["created"].as_array().unwrap().len(), 1);
    assert_eq!(rebill.body["created"][0]["number"], "2025-0004", "numbering stays gapless across kinds");
}

/// The PDF's text via poppler's pdftotext, or `None` where it is not installed (and not
/// required: CI, or `LYHTY_REQUIRE_POPPLER=1`). A pdftotext that runs and fails — a corrupt
/// PDF — fails the test everywhere.
fn pdftotext(pdf: &[u8]) -> Option<String> {
    let text = lyhty_testkit::PDFTOTEXT.find()?.pdf_text(pdf).unwrap_or_else(|e| panic!("invoice PDF: {e}"));
    Some(text.replace('\u{a0}', " "))
}
