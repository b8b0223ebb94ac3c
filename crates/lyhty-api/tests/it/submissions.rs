//! Inventory submissions through HTTP: upload, dry run, rejection of a whole file, the
//! same file again, history, diff, restore, templates, vendor aliases, audited reads.

use crate::common::{Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lyhty_domain::Role;
use serde_json::{Value, json};

const GOOD: &str = "Toimittaja;Tuote;Lisenssityyppi;Määrä;Yksikköhinta;Sopimustyyppi;Sopimus päättyy\n\
Microsoft Oy;Microsoft 365 E3;loppukäyttäjä;1 200;32,50 €;EA;31.12.2026\n\
Adobe Systems Software Ireland Ltd;Acrobat Pro;loppukäyttäjä;n. 150;180,00;tilaus;30.6.2026\n";

const CHANGED: &str = "Toimittaja;Tuote;Lisenssityyppi;Määrä;Yksikköhinta;Sopimustyyppi;Sopimus päättyy\n\
Microsoft Oy;Microsoft 365 E3;loppukäyttäjä;1 300;32,50 €;EA;31.12.2026\n\
Esri;ArcGIS Pro;loppukäyttäjä;40;700,00;tilaus;31.3.2027\n";

/// Errors on three rows: a quantity that is not a number, a negative price, a missing vendor.
const BAD: &str = "Toimittaja;Tuote;Lisenssityyppi;Määrä;Yksikköhinta;Sopimustyyppi;Sopimus päättyy\n\
Microsoft;Microsoft 365 E5;loppukäyttäjä;abc;50,00;EA;31.12.2026\n\
Oracle;Database EE;palvelin;8;-5;EA;31.12.2026\n\
;Some product;loppukäyttäjä;5;10,00;EA;31.12.2026\n";

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "lyhty-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, token: &str, org: &str, name: &str, bytes: &[u8], query: &str) -> Reply {
    let (content_type, body) = multipart(name, bytes);
    let req = Request::post(format!("/api/orgs/{org}/submissions{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

struct World {
    app: TestApp,
    coordinator: String,
    member: String,
    org: String,
    other_org: String,
}

async fn world() -> World {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let org =
        app.org(&coordinator, "Oulun yliopisto", "0245895-5", "university").await["id"].as_str().unwrap().to_string();
    let other_org =
        app.org(&coordinator, "Aalto-yliopisto", "2228357-4", "university").await["id"].as_str().unwrap().to_string();
    let member = app.user("jasen@oulu.fi", Role::Member, Some(org.parse().unwrap())).await;
    World { app, coordinator, member, org, other_org }
}

#[tokio::test]
async fn accepted_then_unchanged_then_a_new_version() {
    let w = world().await;
    let first = upload(&w.app, &w.member, &w.org, "lisenssit.csv", GOOD.as_bytes(), "").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["status"], "accepted");
    assert_eq!(first.body["version"], 1);
    assert_eq!(first.body["lines"], 2);
    assert_eq!(first.body["vendors"], 2);
    // 1 200 × 32,50 € + 150 × 180,00 € = 39 000 € + 27 000 €.
    assert_eq!(first.body["annual_cost_cents"], 6_600_000);
    assert!(first.body["errors"].as_array().unwrap().is_empty());

    let again = upload(&w.app, &w.member, &w.org, "lisenssit (1).csv", GOOD.as_bytes(), "").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["status"], "unchanged");
    assert_eq!(again.body["id"], first.body["id"]);

    let second = upload(&w.app, &w.member, &w.org, "lisenssit-v2.csv", CHANGED.as_bytes(), "").await;
    assert_eq!((second.status, second.body["version"].as_i64()), (StatusCode::CREATED, Some(2)));
    let inventory = w.app.get(&format!("/api/orgs/{}/inventory", w.org), &w.member).await;
    assert_eq!(inventory.body["submission"]["version"], 2);
    let products: Vec<&str> =
        inventory.body["lines"].as_array().unwrap().iter().map(|l| l["product"].as_str().unwrap()).collect();
    assert_eq!(products, ["Microsoft 365 E3", "ArcGIS Pro"]);

    let history = w.app.get(&format!("/api/orgs/{}/submissions", w.org), &w.member).await;
    assert_eq!(history.body.as_array().unwrap().len(), 2, "unchanged made no new version");

    // Diff of version 2 against version 1: one added, one removed, one changed.
    let diff = w.app.get(&format!("/api/submissions/{}/diff", second.body["id"].as_str().unwrap()), &w.member).await;
    assert_eq!(diff.status, StatusCode::OK, "{}", diff.body);
    assert_eq!(diff.body["added"].as_array().unwrap().len(), 1);
    assert_eq!(diff.body["removed"].as_array().unwrap().len(), 1);
    assert_eq!(diff.body["changed"].as_array().unwrap().len(), 1);

    // Restore version 1.
    let path = format!("/api/orgs/{}/submissions/{}/restore", w.org, first.body["id"].as_str().unwrap());
    let restored = w.app.post(&path, &w.member, json!({})).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert_eq!(restored.body["is_current"], true);
    let inventory = w.app.get(&format!("/api/orgs/{}/inventory", w.org), &w.member).await;
    assert_eq!(inventory.body["submission"]["version"], 1);
    assert_eq!(inventory.body["lines"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_file_with_errors_is_rejected_whole_and_every_error_is_listed() {
    let w = world().await;
    upload(&w.app, &w.member, &w.org, "hyva.csv", GOOD.as_bytes(), "").await;
    let reply = upload(&w.app, &w.member, &w.org, "huono.csv", BAD.as_bytes(), "?lang=en").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.body["status"], "rejected");
    let errors = reply.body["errors"].as_array().unwrap();
    let rows: Vec<i64> = errors.iter().map(|e| e["row"].as_i64().unwrap()).collect();
    for row in [2, 3, 4] {
        assert!(rows.contains(&row), "row {row} reported: {errors:?}");
    }
    let quantity = errors.iter().find(|e| e["row"] == 2).unwrap();
    assert_eq!(quantity["column"], "Määrä", "the header as written in the file");
    assert_eq!(quantity["value"], "abc");
    assert!(!quantity["code"].as_str().unwrap().is_empty());
    assert!(!quantity["message"].as_str().unwrap().is_empty());
    // The current inventory is what it was.
    let inventory = w.app.get(&format!("/api/orgs/{}/inventory", w.org), &w.member).await;
    assert_eq!(inventory.body["submission"]["file_name"], "hyva.csv");
    // The rejected upload is kept in the history with its report, as no version.
    let history = w.app.get(&format!("/api/orgs/{}/submissions", w.org), &w.member).await;
    let latest = &history.body[0];
    assert_eq!((latest["status"].as_str(), latest["version"].as_i64()), (Some("rejected"), None));
    let report = w.app.get(&format!("/api/submissions/{}", latest["id"].as_str().unwrap()), &w.member).await;
    assert_eq!(report.body["report"]["errors"].as_array().unwrap().len(), errors.len());
}

#[tokio::test]
async fn a_dry_run_stores_nothing() {
    let w = world().await;
    let dry = upload(&w.app, &w.member, &w.org, "lisenssit.csv", GOOD.as_bytes(), "?dry_run=true").await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert_eq!(dry.body["status"], "validated");
    assert!(dry.body["id"].is_null());
    let bad = upload(&w.app, &w.member, &w.org, "huono.csv", BAD.as_bytes(), "?dry_run=true").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let history = w.app.get(&format!("/api/orgs/{}/submissions", w.org), &w.member).await;
    assert_eq!(history.body, json!([]));
}

#[tokio::test]
async fn bad_files_get_clear_errors_never_500() {
    let w = world().await;
    let pdf = upload(&w.app, &w.member, &w.org, "lisenssit.xlsx", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "").await;
    assert_eq!(pdf.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", pdf.body);
    let corrupt = upload(&w.app, &w.member, &w.org, "lisenssit.xlsx", b"PK\x03\x04garbage-not-a-zip", "").await;
    assert!(
        corrupt.status.is_client_error() && corrupt.status != StatusCode::NOT_FOUND,
        "{} {}",
        corrupt.status,
        corrupt.body
    );
    assert!(corrupt.body["error"]["code"].is_string());
    let empty = upload(&w.app, &w.member, &w.org, "tyhja.csv", b"", "").await;
    assert!(empty.status.is_client_error(), "{}", empty.body);

    let no_file = w
        .app
        .send(
            Request::post(format!("/api/orgs/{}/submissions", w.org))
                .header(header::AUTHORIZATION, format!("Bearer {}", w.member))
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
                .body(Body::from("--x--\r\n"))
                .unwrap(),
        )
        .await;
    assert_eq!((no_file.status, no_file.code()), (StatusCode::BAD_REQUEST, "missing_file"));

    let huge = vec![b'a'; w.app.state.settings.max_upload_bytes + 1024 * 1024];
    let too_big = upload(&w.app, &w.member, &w.org, "iso.csv", &huge, "").await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    let history = w.app.get(&format!("/api/orgs/{}/submissions", w.org), &w.member).await;
    assert_eq!(history.body, json!([]), "nothing half-stored");
}

#[tokio::test]
async fn organisation_scoping_and_audited_reads() {
    let w = world().await;
    let reply = upload(&w.app, &w.member, &w.org, "lisenssit.csv", GOOD.as_bytes(), "").await;
    let sid = reply.body["id"].as_str().unwrap().to_string();

    // The member cannot reach another organisation's data, nor upload for it.
    for path in [format!("/api/orgs/{}/inventory", w.other_org), format!("/api/orgs/{}/submissions", w.other_org)] {
        assert_eq!(w.app.get(&path, &w.member).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        upload(&w.app, &w.member, &w.other_org, "x.csv", GOOD.as_bytes(), "").await.status,
        StatusCode::FORBIDDEN
    );
    let outsider = w.app.user("toinen@aalto.fi", Role::Member, Some(w.other_org.parse().unwrap())).await;
    for path in [
        format!("/api/submissions/{sid}"),
        format!("/api/submissions/{sid}/file"),
        format!("/api/submissions/{sid}/diff"),
    ] {
        assert_eq!(w.app.get(&path, &outsider).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    // The steering group never sees an organisation's lines.
    let steering = w.app.user("ohjaus@example.fi", Role::Steering, None).await;
    assert_eq!(w.app.get(&format!("/api/orgs/{}/inventory", w.org), &steering).await.status, StatusCode::FORBIDDEN);

    // An analyst may read them, and the read is logged; the member's own reads are not.
    let analyst = w.app.user("analyytikko@example.fi", Role::Analyst, None).await;
    let read = w.app.get(&format!("/api/orgs/{}/inventory", w.org), &analyst).await;
    assert_eq!(read.status, StatusCode::OK);
    let log = w.app.get(&format!("/api/audit-log?org_id={}&action=inventory.read", w.org), &w.coordinator).await;
    let entries = log.body.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["actor_label"], "analyytikko@example.fi");
    assert_eq!(entries[0]["detail"]["lines"], 2);

    // The coordinator may submit on behalf of a party (e.g. data from the 2024 pre-study).
    let on_behalf = upload(&w.app, &w.coordinator, &w.other_org, "esiselvitys.csv", GOOD.as_bytes(), "").await;
    assert_eq!(on_behalf.status, StatusCode::CREATED);
}

#[tokio::test]
async fn templates_and_vendor_aliases() {
    let w = world().await;
    for lang in ["fi", "sv", "en"] {
        let req = Request::get(format!("/api/template.xlsx?lang={lang}"))
            .header(header::AUTHORIZATION, format!("Bearer {}", w.member))
            .body(Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(lyhty_api::router(w.app.state.clone()), req).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
        // The template itself passes validation (its example rows are valid).
        let dry = upload(&w.app, &w.member, &w.org, &format!("template-{lang}.xlsx"), &bytes, "?dry_run=true").await;
        assert_eq!(dry.status, StatusCode::OK, "{lang}: {}", dry.body);
    }
    assert_eq!(w.app.get("/api/template.xlsx?lang=de", &w.member).await.code(), "invalid_lang");
    let csv = w.app.get("/api/template.csv?lang=sv", &w.member).await;
    assert_eq!(csv.status, StatusCode::OK);

    let vendors = w.app.get("/api/vendors", &w.member).await;
    assert!(vendors.body["vendors"].as_array().unwrap().len() >= 40);
    // An unknown vendor is its own vendor until the coordinator adds an alias.
    let csv = "Vendor;Product;Licence type;Quantity;Unit price;Contract type;Contract end\n\
MSFT Finland;Visio Plan 2;end user;10;15.00;EA;2026-12-31\n";
    let before = upload(&w.app, &w.member, &w.org, "a.csv", csv.as_bytes(), "?dry_run=true").await;
    let unknown: Vec<&Value> = before.body["warnings"].as_array().unwrap().iter().collect();
    assert!(!unknown.is_empty(), "an unknown vendor is warned about: {}", before.body);
    assert_eq!(
        w.app
            .post("/api/vendors/aliases", &w.member, json!({"alias": "MSFT Finland", "canonical": "Microsoft"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let added = w
        .app
        .post("/api/vendors/aliases", &w.coordinator, json!({"alias": "MSFT Finland", "canonical": "Microsoft"}))
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let after = upload(&w.app, &w.member, &w.org, "a.csv", csv.as_bytes(), "?dry_run=true").await;
    assert!(after.body["warnings"].as_array().unwrap().len() < unknown.len(), "{}", after.body);
}

/// Every file of `sample-data/bad/` through HTTP: a 4xx with the stable code its README names,
/// never a 5xx, and nothing stored.
#[tokio::test]
async fn every_bad_sample_file_gets_its_code_over_http() {
    let w = world().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data/bad");
    let expected: serde_json::Map<String, Value> =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    assert!(expected.len() >= 20, "the bad-file catalogue is there");
    let mut wrong = Vec::new();
    for (name, code) in &expected {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let reply = upload(&w.app, &w.member, &w.org, name, &bytes, "?lang=en").await;
        // A file-level problem is an error body; row-level problems are a rejected report.
        let got = match reply.body["error"]["code"].as_str() {
            Some(c) => c.to_string(),
            None if reply.body["status"] == "rejected" => {
                let codes: Vec<&str> =
                    reply.body["errors"].as_array().unwrap().iter().filter_map(|e| e["code"].as_str()).collect();
                if code == "rejected" && codes.len() > 1 {
                    "rejected".to_string()
                } else if codes.contains(&code.as_str().unwrap()) {
                    code.as_str().unwrap().to_string()
                } else {
                    format!("rejected with {codes:?}")
                }
            }
            None => format!("no code in {}", reply.body),
        };
        if !reply.status.is_client_error() || got != code.as_str().unwrap() {
            wrong.push(format!("{name}: {} {got}, expected {code}", reply.status));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let inventory = w.app.get(&format!("/api/orgs/{}/inventory", w.org), &w.member).await;
    assert!(inventory.body["submission"].is_null(), "no bad file became the inventory: {}", inventory.body);
}

// --- concurrent uploads (issue #14) ---------------------------------------------------------

/// A valid business ID for the `n`th test party (the body's check digit computed, bodies
/// whose remainder allows none skipped).
fn business_id(n: u32) -> String {
    (n * 13 + 1_000_000..)
        .map(|body| body.to_string())
        .find_map(|body| lyhty_domain::BusinessId::check_digit(&body).map(|check| format!("{body}-{check}")))
        .unwrap()
}

/// A member's inventory for `round`: three lines whose quantities say who and when, so every
/// upload is a new file and every stored line can be traced to its upload.
fn inventory_file(member: u32, round: u32) -> String {
    let mut file = String::from("Toimittaja;Tuote;Lisenssityyppi;Määrä;Yksikköhinta;Sopimustyyppi;Sopimus päättyy\n");
    for (i, product) in ["Microsoft 365 E3", "Acrobat Pro", "ArcGIS Pro"].iter().enumerate() {
        let quantity = 10_000 * (i as u32 + 1) + 100 * member + round;
        file.push_str(&format!("Toimittaja {i};{product};loppukäyttäjä;{quantity};10,00;EA;31.12.2027\n"));
    }
    file
}

/// 50 members upload at the same moment, three rounds in a row: every upload is stored (no
/// 500 "database is locked"), each as the next version, and every line is stored exactly once.
async fn fifty_concurrent_uploads(app: TestApp) {
    const MEMBERS: u32 = 50;
    let app = std::sync::Arc::new(app);
    let coordinator = app.coordinator().await;
    let mut members = Vec::new();
    for n in 0..MEMBERS {
        let org = app.org(&coordinator, &format!("Jäsen {n}"), &business_id(n), "other").await;
        let org_id: lyhty_domain::OrgId = org["id"].as_str().unwrap().parse().unwrap();
        let new = lyhty_store::NewUser {
            email: format!("jasen{n}@example.fi"),
            name: format!("Jäsen {n}"),
            role: Role::Member,
            org_id: Some(org_id),
            password_hash: "never-signs-in".into(),
        };
        let user = app.state.store.create_user(&lyhty_store::Actor::system("test"), &new).await.unwrap();
        let (token, _) = app.state.keys.issue(&user, chrono::Utc::now()).unwrap();
        members.push((n, org_id, token));
    }
    for round in 1..=3 {
        let mut uploads = tokio::task::JoinSet::new();
        for (n, org, token) in members.clone() {
            let app = app.clone();
            uploads.spawn(async move {
                let file = inventory_file(n, round);
                let reply = upload(&app, &token, &org.to_string(), "lisenssit.csv", file.as_bytes(), "").await;
                (n, reply)
            });
        }
        let mut failures = Vec::new();
        while let Some(done) = uploads.join_next().await {
            let (n, reply) = done.unwrap();
            if reply.status != StatusCode::CREATED || reply.body["version"] != round {
                failures.push(format!("member {n}: {} {}", reply.status, reply.body));
            }
        }
        assert!(failures.is_empty(), "round {round}: {} of {MEMBERS} uploads failed: {failures:#?}", failures.len());
        for (n, org, _) in &members {
            let history = app.state.store.list_submissions(*org).await.unwrap();
            assert_eq!(history.len(), round as usize, "member {n}: one submission per upload");
            let current = app.state.store.current_submission(*org).await.unwrap().unwrap();
            assert_eq!(current.version, Some(round as i32));
            let lines = app.state.store.submission_lines(current.id).await.unwrap();
            let quantities: Vec<u64> = lines.iter().map(|l| l.quantity).collect();
            let expected: Vec<u64> = (1..=3).map(|i| u64::from(10_000 * i + 100 * n + round)).collect();
            assert_eq!(quantities, expected, "member {n}, round {round}: each line once, in file order");
        }
        let all = app.state.store.current_lines_as_of(chrono::Utc::now()).await.unwrap();
        assert_eq!(all.len(), (MEMBERS * 3) as usize, "round {round}: the network's current lines");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_uploads_on_sqlite() {
    fifty_concurrent_uploads(TestApp::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_uploads_on_postgres() {
    let Some(app) = TestApp::postgres().await else { return };
    fifty_concurrent_uploads(app).await;
}
