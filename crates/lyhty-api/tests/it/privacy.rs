//! Personal data and retention through HTTP: erasing a person, a party's export archive,
//! signed accession agreements with their retention dates, the confidentiality marking and
//! the audit log's filters.

use crate::common::{PASSWORD, Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use lyhty_domain::{Role, Termination, TerminationKind};
use serde_json::{Value, json};
use std::io::{Cursor, Read};
use tower::ServiceExt;

const EMAIL: &str = "liisa.lisenssi@pirha.fi";

const CSV: &str = "Toimittaja;Tuote;Lisenssityyppi;Määrä;Yksikköhinta;Sopimustyyppi;Sopimus päättyy;Yhteyshenkilö;Sähköposti\n\
Microsoft;Microsoft 365 E3;loppukäyttäjä;100;32,50;EA;31.12.2026;Liisa Lisenssi;Liisa.Lisenssi@pirha.fi\n\
Adobe;Acrobat Pro;loppukäyttäjä;10;180,00;tilaus;30.6.2026;Matti Meikäläinen;matti@pirha.fi\n";

fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "privacy-boundary";
    let mut body = Vec::new();
    for (name, file_name, bytes) in fields {
        let file = file_name.map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_form(app: &TestApp, token: &str, path: &str, fields: &[(&str, Option<&str>, &[u8])]) -> Reply {
    let (content_type, body) = multipart(fields);
    let req = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

/// A GET whose body is a file: status, headers and the bytes.
async fn get_bytes(app: &TestApp, token: &str, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(path).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
    let response = lyhty_api::router(app.state.clone()).oneshot(req).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

struct World {
    app: TestApp,
    coordinator: String,
    member: String,
    org: String,
    other_member: String,
}

async fn world(app: TestApp) -> World {
    let coordinator = app.coordinator().await;
    let org = app.org(&coordinator, "Tampereen yliopisto", "3221308-6", "university").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let patch = json!({"contact_name": "Liisa Lisenssi", "contact_email": EMAIL});
    let reply = app.call(axum::http::Method::PATCH, &format!("/api/orgs/{org}"), Some(&coordinator), Some(patch)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let other =
        app.org(&coordinator, "Aalto-yliopisto", "2228357-4", "university").await["id"].as_str().unwrap().to_string();
    let member = app.user(EMAIL, Role::Member, Some(org.parse().unwrap())).await;
    let other_member = app.user("jasen@aalto.fi", Role::Member, Some(other.parse().unwrap())).await;
    World { app, coordinator, member, org, other_member }
}

async fn upload(w: &World) {
    let path = format!("/api/orgs/{}/submissions", w.org);
    let reply = post_form(&w.app, &w.member, &path, &[("file", Some("lisenssit.csv"), CSV.as_bytes())]).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
}

async fn erasure_removes_the_person_and_logs_only_that_it_happened(app: TestApp) {
    let w = world(app).await;
    upload(&w).await;
    let reply = w.app.post("/api/people/erase", &w.coordinator, json!({"email": "not an address"})).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_email"));

    let reply = w.app.post("/api/people/erase", &w.coordinator, json!({"email": "LIISA.Lisenssi@pirha.fi"})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["counts"]["users"], 1);
    assert_eq!(reply.body["counts"]["org_contacts"], 1);
    assert_eq!(reply.body["counts"]["inventory_lines"], 1);
    assert_eq!(reply.body["counts"]["submission_files"], 1);

    // The licence stays, her name and address are gone; Matti's contact stays.
    let inventory = w.app.get(&format!("/api/orgs/{}/inventory", w.org), &w.coordinator).await;
    let lines = inventory.body["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0]["product"].as_str(), lines[0]["quantity"].as_u64()), (Some("Microsoft 365 E3"), Some(100)));
    assert_eq!((&lines[0]["contact_name"], &lines[0]["contact_email"]), (&Value::Null, &Value::Null));
    assert_eq!(lines[1]["contact_email"], "matti@pirha.fi");
    let org = w.app.get(&format!("/api/orgs/{}", w.org), &w.coordinator).await;
    assert_eq!((&org.body["contact_name"], &org.body["contact_email"]), (&Value::Null, &Value::Null));
    // The file as received held her address: it is gone, and says so.
    let history = w.app.get(&format!("/api/orgs/{}/submissions", w.org), &w.coordinator).await;
    let id = history.body[0]["id"].as_str().unwrap().to_string();
    assert_eq!(w.app.get(&format!("/api/submissions/{id}/file"), &w.coordinator).await.status, StatusCode::NOT_FOUND);
    // She can no longer sign in, and her old token no longer works.
    assert_eq!(w.app.login(EMAIL, PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(w.app.get("/api/me", &w.member).await.status, StatusCode::UNAUTHORIZED);

    // The audit log: the erasure, with its counts, and nowhere her address or name.
    let log = w.app.get("/api/audit-log?action=person.erase", &w.coordinator).await;
    assert_eq!(log.body.as_array().unwrap().len(), 1);
    assert_eq!(log.body[0]["actor_label"], "koordinaattori@valtori.fi");
    assert_eq!(log.body[0]["detail"]["records"], reply.body["records"]);
    let everything = w.app.get("/api/audit-log?limit=1000", &w.coordinator).await.body.to_string().to_lowercase();
    assert!(!everything.contains("liisa"), "{everything}");
    let users = w.app.get("/api/users", &w.coordinator).await.body.to_string().to_lowercase();
    assert!(!users.contains("liisa"), "{users}");
}

#[tokio::test]
async fn erasure_sqlite() {
    erasure_removes_the_person_and_logs_only_that_it_happened(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn erasure_postgres() {
    let Some(app) = TestApp::postgres().await else { return };
    erasure_removes_the_person_and_logs_only_that_it_happened(app).await;
}

fn unzip(zip_bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().to_string(), bytes)
        })
        .collect()
}

#[tokio::test]
async fn the_export_archive_returns_everything_the_party_gave_and_got_marked_confidential() {
    let w = world(TestApp::sqlite().await).await;
    upload(&w).await;
    let run =
        w.app.post("/api/invoice-runs", &w.coordinator, json!({"instalment": 1, "issue_date": "2025-09-05"})).await;
    assert_eq!(run.status, StatusCode::CREATED, "{}", run.body);
    let invoice =
        run.body["created"].as_array().unwrap().iter().find(|i| i["org_id"] == w.org.as_str()).unwrap().clone();
    let paid = json!({"amount_cents": 12_345, "paid_on": "2025-09-20"});
    let reply =
        w.app.post(&format!("/api/invoices/{}/payments", invoice["id"].as_str().unwrap()), &w.coordinator, paid).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let path = format!("/api/orgs/{}/agreements", w.org);
    let pdf = b"%PDF-1.7\nsigned accession agreement\n%%EOF\n";
    let fields: &[(&str, Option<&str>, &[u8])] =
        &[("file", Some("liittymissopimus.pdf"), pdf), ("signed_on", None, b"2025-08-20")];
    assert_eq!(post_form(&w.app, &w.coordinator, &path, fields).await.status, StatusCode::CREATED);

    let (status, headers, bytes) = get_bytes(&w.app, &w.member, &format!("/api/orgs/{}/export.zip", w.org)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/zip");
    assert_eq!(headers["x-confidentiality"], "agreement_14");
    let entries = unzip(&bytes);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    let number = invoice["number"].as_str().unwrap();
    for expected in [
        "README.txt".to_string(),
        "manifest.json".to_string(),
        "inventory/current.json".to_string(),
        "inventory/current.xlsx".to_string(),
        format!("invoices/{number}.pdf"),
        format!("invoices/{number}.xml"),
        "payments.json".to_string(),
        "agreements/2025-08-20-liittymissopimus.pdf".to_string(),
    ] {
        assert!(names.contains(&expected.as_str()), "{expected} missing from {names:?}");
    }
    let get = |name: &str| entries.iter().find(|(n, _)| n == name).map(|(_, b)| b.clone()).unwrap();
    let received =
        entries.iter().find(|(n, _)| n.starts_with("submissions/001-") && n.ends_with("-lisenssit.csv")).unwrap();
    assert_eq!(received.1, CSV.as_bytes(), "the file as received");
    let readme = String::from_utf8(get("README.txt")).unwrap();
    for marking in
        ["Salassa pidettävä, sopimuksen 14 §", "Sekretessbelagd enligt avtalets 14 §", "Confidential (agreement §14)"]
    {
        assert!(readme.contains(marking), "{readme}");
    }
    let manifest: Value = serde_json::from_slice(&get("manifest.json")).unwrap();
    assert_eq!(manifest["confidentiality"]["fi"], "Salassa pidettävä, sopimuksen 14 §");
    assert_eq!(manifest["org"]["business_id"], "3221308-6");
    assert_eq!(
        manifest["entries"].as_array().unwrap().len(),
        entries.len() - 2,
        "every entry but the README and itself"
    );
    let inventory: Value = serde_json::from_slice(&get("inventory/current.json")).unwrap();
    assert_eq!(inventory["lines"].as_array().unwrap().len(), 2);
    assert_eq!(inventory["confidentiality"], "agreement_14");
    // The workbook carries the marking in its cells.
    let xlsx = unzip(&get("inventory/current.xlsx"));
    let strings = String::from_utf8(xlsx.iter().find(|(n, _)| n == "xl/sharedStrings.xml").unwrap().1.clone()).unwrap();
    assert!(strings.contains("Salassa pidettävä, sopimuksen 14 §"), "{strings}");
    assert!(get(&format!("invoices/{number}.pdf")).starts_with(b"%PDF-"));
    assert!(String::from_utf8(get(&format!("invoices/{number}.xml"))).unwrap().contains("<Invoice"));
    let payments: Value = serde_json::from_slice(&get("payments.json")).unwrap();
    assert_eq!(payments[0]["amount_cents"], 12_345);
    assert_eq!(get("agreements/2025-08-20-liittymissopimus.pdf"), pdf);

    // Another party's member gets nothing; the export is in the audit log.
    let (status, _, _) = get_bytes(&w.app, &w.other_member, &format!("/api/orgs/{}/export.zip", w.org)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let log = w.app.get("/api/audit-log?action=org.export", &w.coordinator).await;
    assert_eq!(log.body[0]["org_id"], w.org.as_str());
}

#[tokio::test]
async fn agreements_are_kept_ten_years_and_confidential_five_after_the_party_s_end() {
    let w = world(TestApp::sqlite().await).await;
    let path = format!("/api/orgs/{}/agreements", w.org);
    let pdf: &[u8] = b"%PDF-1.4 allekirjoitettu";
    let reply = post_form(
        &w.app,
        &w.coordinator,
        &path,
        &[("file", Some("sopimus.pdf"), pdf), ("signed_on", None, b"2025-08-20")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    // The agreement period ends 31.12.2026 (§6): kept until 31.12.2036 (§8.3.3),
    // confidential until 31.12.2031 (§14).
    assert_eq!(reply.body["ends_on"], "2026-12-31");
    assert_eq!(reply.body["retain_until"], "2036-12-31");
    assert_eq!(reply.body["confidential_until"], "2031-12-31");
    assert_eq!(reply.body["signed_on"], "2025-08-20");
    let id = reply.body["id"].as_str().unwrap().to_string();

    // Refusals, each with its code.
    let not_pdf = post_form(
        &w.app,
        &w.coordinator,
        &path,
        &[("file", Some("x.docx"), b"PK\x03\x04"), ("signed_on", None, b"2025-08-20")],
    )
    .await;
    assert_eq!((not_pdf.status, not_pdf.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "not_a_pdf"));
    let no_date = post_form(&w.app, &w.coordinator, &path, &[("file", Some("s.pdf"), pdf)]).await;
    assert_eq!((no_date.status, no_date.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_signed_on"));
    let future =
        post_form(&w.app, &w.coordinator, &path, &[("file", Some("s.pdf"), pdf), ("signed_on", None, b"2999-01-01")])
            .await;
    assert_eq!((future.status, future.code()), (StatusCode::UNPROCESSABLE_ENTITY, "signed_on_in_future"));
    let no_file = post_form(&w.app, &w.coordinator, &path, &[("signed_on", None, b"2025-08-20")]).await;
    assert_eq!((no_file.status, no_file.code()), (StatusCode::BAD_REQUEST, "missing_file"));
    let big = [b"%PDF-".as_slice(), &vec![b'x'; 20 * 1024 * 1024]].concat();
    let too_big =
        post_form(&w.app, &w.coordinator, &path, &[("file", Some("s.pdf"), &big), ("signed_on", None, b"2025-08-20")])
            .await;
    assert_eq!((too_big.status, too_big.code()), (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large"));

    // The party's member reads the list and the file; the other party's member neither.
    let list = w.app.get(&path, &w.member).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    let (status, headers, bytes) = get_bytes(&w.app, &w.member, &format!("{path}/{id}")).await;
    assert_eq!(
        (status, headers[header::CONTENT_TYPE].to_str().unwrap(), bytes.as_slice()),
        (StatusCode::OK, "application/pdf", pdf)
    );
    assert_eq!(w.app.get(&path, &w.other_member).await.status, StatusCode::FORBIDDEN);
    // Another party's member is refused before the id is even read; a bad id is 404.
    assert_eq!(w.app.get(&format!("{path}/{id}"), &w.other_member).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.app.get(&format!("{path}/not-an-id"), &w.other_member).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.app.get(&format!("{path}/not-an-id"), &w.coordinator).await.status, StatusCode::NOT_FOUND);

    // A party that left before the period ended counts from its own end (accession form:
    // the agreement is in force until the party gives notice).
    let termination = Termination::new(TerminationKind::Notice, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    w.app
        .state
        .store
        .terminate_org(&lyhty_store::Actor::system("test"), w.org.parse().unwrap(), termination)
        .await
        .unwrap();
    let list = w.app.get(&path, &w.coordinator).await;
    assert_eq!((&list.body[0]["ends_on"], &list.body[0]["retain_until"]), (&json!("2026-06-30"), &json!("2036-06-30")));
    assert_eq!(list.body[0]["confidential_until"], "2031-06-30");
}

#[tokio::test]
async fn one_organisation_s_data_is_marked_and_the_network_s_is_not() {
    let w = world(TestApp::sqlite().await).await;
    upload(&w).await;
    let inventory = w.app.get(&format!("/api/orgs/{}/inventory", w.org), &w.member).await;
    assert_eq!(inventory.headers["x-confidentiality"], "agreement_14");
    assert_eq!(inventory.body["confidentiality"], "agreement_14");
    let history = w.app.get(&format!("/api/orgs/{}/submissions", w.org), &w.member).await;
    assert_eq!(history.headers["x-confidentiality"], "agreement_14");
    let id = history.body[0]["id"].as_str().unwrap();
    let (_, headers, _) = get_bytes(&w.app, &w.member, &format!("/api/submissions/{id}/file")).await;
    assert_eq!(headers["x-confidentiality"], "agreement_14");
    // Refusals carry no marking (they carry no data), nor do network-wide answers.
    let refused = w.app.get(&format!("/api/orgs/{}/inventory", w.org), &w.other_member).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.headers.get("x-confidentiality").is_none());
    assert!(w.app.get("/api/releases", &w.member).await.headers.get("x-confidentiality").is_none());
    // The words of the marking come from the vocabulary.
    let vocabulary = w.app.get("/api/vocabulary", &w.member).await;
    let term = &vocabulary.body["confidentiality"][0];
    assert_eq!(term["key"], "agreement_14");
    assert_eq!(term["sv"], "Sekretessbelagd enligt avtalets 14 §");
}

#[tokio::test]
async fn the_audit_log_filters_by_actor_action_and_time() {
    let w = world(TestApp::sqlite().await).await;
    upload(&w).await;
    let bad = w.app.get("/api/audit-log?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", &w.coordinator).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_time_range"));
    let future = w.app.get("/api/audit-log?from=2999-01-01T00:00:00Z", &w.coordinator).await;
    assert_eq!(future.body, json!([]));
    let past = w.app.get("/api/audit-log?to=2000-01-01T00:00:00Z", &w.coordinator).await;
    assert_eq!(past.body, json!([]));
    let me = w.app.get("/api/me", &w.member).await.body["user"]["id"].as_str().unwrap().to_string();
    let mine = w.app.get(&format!("/api/audit-log?actor_id={me}"), &w.coordinator).await;
    let actions: Vec<&str> = mine.body.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(
        !actions.is_empty() && mine.body.as_array().unwrap().iter().all(|e| e["actor_id"] == me.as_str()),
        "{actions:?}"
    );
    let all = w.app.get("/api/audit-log?limit=2", &w.coordinator).await;
    let before = all.body[1]["seq"].as_i64().unwrap();
    let page = w.app.get(&format!("/api/audit-log?limit=2&before={before}"), &w.coordinator).await;
    assert!(page.body.as_array().unwrap().iter().all(|e| e["seq"].as_i64().unwrap() < before));
}
