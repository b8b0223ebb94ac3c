//! Negotiations and the savings they bring, over HTTP: the status rules, documents kept in
//! the database, and realised savings published by year only where the releases' rules
//! allow, with a member seeing its own figures and never another party's.

use crate::common::{Reply, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use lyhty_domain::Role;
use serde_json::{Value, json};
use tower::ServiceExt as _;

async fn party(app: &TestApp, token: &str, name: &str, business_id: &str) -> String {
    app.org(token, name, business_id, "university").await["id"].as_str().unwrap().to_string()
}

async fn patch(app: &TestApp, path: &str, token: &str, body: Value) -> Reply {
    app.call(Method::PATCH, path, Some(token), Some(body)).await
}

fn concluded(org_ids: &[&str]) -> Value {
    json!({
        "vendor": "Microsoft Oy", "title": "Microsoft 365 2026–2028", "status": "concluded",
        "started_on": "2025-10-01", "concluded_on": "2026-02-27", "org_ids": org_ids,
        "outcome": "E3-lisenssit 9 % edullisemmin", "lessons": "Aloita ajoissa.\nYksi yhteyshenkilö.",
        "estimated_annual_saving_cents": 24_000_000
    })
}

#[tokio::test]
async fn savings_over_http_on_sqlite() {
    savings_scenario(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn savings_over_http_on_postgres() {
    let Some(app) = TestApp::postgres().await else { return };
    savings_scenario(app).await;
}

async fn savings_scenario(app: TestApp) {
    let coordinator = app.coordinator().await;
    let a = party(&app, &coordinator, "Aalto", "2228357-4").await;
    let b = party(&app, &coordinator, "Bulevardi", "0245895-5").await;
    let c = party(&app, &coordinator, "Centria", "2844561-8").await;
    let outsider = party(&app, &coordinator, "Ulkopuolinen", "0245437-2").await;
    let member_a = app.user("a@example.fi", Role::Member, Some(a.parse().unwrap())).await;
    let member_b = app.user("b@example.fi", Role::Member, Some(b.parse().unwrap())).await;
    let analyst = app.user("analyst@example.fi", Role::Analyst, None).await;
    let steering = app.user("steering@example.fi", Role::Steering, None).await;

    let n = app.post("/api/negotiations", &analyst, concluded(&[&a, &b, &c])).await;
    assert_eq!(n.status, StatusCode::CREATED, "{}", n.body);
    assert_eq!(n.body["vendor"], "Microsoft", "normalised through the vendor catalogue");
    let savings_path = format!("/api/negotiations/{}/savings", n.body["id"].as_str().unwrap());
    let record = |token: &str, org: &str, year: i32, cents: i64| {
        let (token, org, path) = (token.to_string(), org.to_string(), savings_path.clone());
        let app = &app;
        async move { app.post(&path, &token, json!({"org_id": org, "year": year, "saving_cents": cents})).await }
    };
    // 2025: two parties. 2026: three, one with 90 %. 2027: three balanced.
    let figures = [
        (&a, 2025, 10_000_00),
        (&b, 2025, 12_345_67),
        (&a, 2026, 90_000_00),
        (&b, 2026, 5_111_11),
        (&c, 2026, 4_888_89),
        (&a, 2027, 40_000_00),
        (&b, 2027, 35_222_22),
        (&c, 2027, 30_000_00),
    ];
    for (org, year, cents) in figures {
        let token = if *org == a {
            &member_a
        } else if *org == b {
            &member_b
        } else {
            &coordinator
        };
        let reply = record(token, org, year, cents).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.body["saving_cents"], cents);
    }
    // Recording again replaces the figure (here: the same value, so the totals below hold).
    assert_eq!(record(&member_a, &a, 2027, 40_000_00).await.status, StatusCode::OK);

    // Who may record what.
    assert_eq!(record(&member_a, &b, 2027, 1).await.status, StatusCode::FORBIDDEN, "another party's figure");
    assert_eq!(record(&analyst, &a, 2027, 1).await.status, StatusCode::FORBIDDEN);
    assert_eq!(record(&steering, &a, 2027, 1).await.status, StatusCode::FORBIDDEN);
    assert_eq!(record(&coordinator, &outsider, 2027, 1).await.code(), "not_a_party");
    assert_eq!(record(&member_a, &a, 1999, 1).await.code(), "invalid_year");
    assert_eq!(record(&member_a, &a, 2027, -1).await.code(), "invalid_saving");

    let expected_years = json!([
        {"year": 2025, "status": "suppressed", "parties": null, "saving_cents": null},
        {"year": 2026, "status": "suppressed", "parties": null, "saving_cents": null},
        // 40 000,00 + 35 222,22 + 30 000,00 €.
        {"year": 2027, "status": "published", "parties": 3, "saving_cents": 10_522_222},
    ]);
    let estimates = json!([{"negotiation_id": n.body["id"], "vendor": "Microsoft", "title": "Microsoft 365 2026–2028",
        "concluded_on": "2026-02-27", "estimated_annual_saving_cents": 24_000_000}]);

    // A member: the year totals, the estimates, and its own figures only.
    let mine = app.get("/api/savings", &member_a).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(mine.body["years"], expected_years);
    assert_eq!(mine.body["estimates"], estimates);
    let own: Vec<(i64, i64)> = mine.body["own"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["year"].as_i64().unwrap(), s["saving_cents"].as_i64().unwrap()))
        .collect();
    assert_eq!(own, [(2025, 10_000_00), (2026, 90_000_00), (2027, 40_000_00)]);
    assert!(mine.body.get("parties").is_none(), "{}", mine.body);
    let text = mine.body.to_string();
    for other in [&b, &c] {
        assert!(!text.contains(other.as_str()), "another party's id in {text}");
    }
    for figure in ["1234567", "511111", "488889", "3522222", "3000000", "9000000"] {
        // 9 000 000 is the member's own 2026 figure: it appears once, as its own.
        let count = text.matches(figure).count();
        let allowed = usize::from(figure == "9000000");
        assert!(count <= allowed, "{figure} appears {count} times in {text}");
    }
    // One party's correction of a published year alone would show in the total: it is held
    // back (the total stays), while the party sees its own new figure.
    assert_eq!(record(&member_a, &a, 2027, 41_000_00).await.status, StatusCode::OK);
    let after = app.get("/api/savings", &member_a).await;
    assert_eq!(after.body["years"], expected_years);
    assert!(after.body["own"].as_array().unwrap().iter().any(|s| s["saving_cents"] == 41_000_00));
    let theirs = app.get("/api/savings", &member_b).await;
    assert_eq!(theirs.body["own"].as_array().unwrap().len(), 3);
    assert!(!theirs.body.to_string().contains("9000000"), "{}", theirs.body);

    // The steering group: the totals and estimates, nobody's own figures.
    let steering_view = app.get("/api/savings", &steering).await;
    assert_eq!(steering_view.body["years"], expected_years);
    assert!(steering_view.body.get("own").is_none() && steering_view.body.get("parties").is_none());

    // The coordinator and analysts: every party's figures, and the read is logged.
    let all = app.get("/api/savings", &analyst).await;
    assert_eq!(all.body["parties"].as_array().unwrap().len(), 8, "{}", all.body);
    let log = app.get("/api/audit-log?action=savings.read", &coordinator).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    assert!(log.body.to_string().contains("analyst@example.fi"), "{}", log.body);

    // A party taken off a negotiation keeps its recorded figure, but the figure no longer
    // counts: a new year of three balanced parties is published only while all three are in.
    let n2 = app.post("/api/negotiations", &analyst, concluded(&[&a, &b, &c])).await;
    let n2_path = format!("/api/negotiations/{}", n2.body["id"].as_str().unwrap());
    for (org, token) in [(&a, &member_a), (&b, &member_b), (&c, &coordinator)] {
        let body = json!({"org_id": org, "year": 2028, "saving_cents": 20_000_00});
        assert_eq!(app.post(&format!("{n2_path}/savings"), token, body).await.status, StatusCode::OK);
    }
    let dropped = patch(&app, &n2_path, &analyst, json!({"org_ids": [&a, &b]})).await;
    assert_eq!(dropped.status, StatusCode::OK, "{}", dropped.body);
    let year_2028 = |body: &Value| body["years"].as_array().unwrap().iter().find(|y| y["year"] == 2028).cloned();
    let without_c = app.get("/api/savings", &steering).await;
    assert_eq!(year_2028(&without_c.body).unwrap()["status"], "suppressed", "{}", without_c.body);
    assert_eq!(patch(&app, &n2_path, &analyst, json!({"org_ids": [&a, &b, &c]})).await.status, StatusCode::OK);
    let with_c = app.get("/api/savings", &steering).await;
    assert_eq!(year_2028(&with_c.body).unwrap()["saving_cents"], 60_000_00, "{}", with_c.body);

    // Readers at the same moment as a correction: each read publishes with compare-and-set,
    // and one that loses the race reads again, so every reader gets a whole answer.
    let (r1, r2, r3, r4, w) = tokio::join!(
        app.get("/api/savings", &steering),
        app.get("/api/savings", &analyst),
        app.get("/api/savings", &member_b),
        app.get("/api/savings", &member_a),
        record(&member_b, &b, 2027, 36_000_00),
    );
    assert_eq!(w.status, StatusCode::OK, "{}", w.body);
    for r in [r1, r2, r3, r4] {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["years"], with_c.body["years"]);
    }
}

#[tokio::test]
async fn a_negotiation_moves_forward_and_concludes_with_its_outcome() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let a = party(&app, &coordinator, "Aalto", "2228357-4").await;
    let member = app.user("a@example.fi", Role::Member, Some(a.parse().unwrap())).await;
    let steering = app.user("steering@example.fi", Role::Steering, None).await;

    let planned = json!({"vendor": "Adobe", "title": "Acrobat 2027", "status": "planned", "org_ids": [a]});
    assert_eq!(app.post("/api/negotiations", &member, planned.clone()).await.status, StatusCode::FORBIDDEN);
    let unknown =
        json!({"vendor": "Adobe", "title": "x", "status": "planned", "org_ids": [lyhty_domain::OrgId::new()]});
    assert_eq!(app.post("/api/negotiations", &coordinator, unknown).await.code(), "unknown_org");
    let early = json!({"vendor": "Adobe", "title": "x", "status": "planned", "estimated_annual_saving_cents": 100});
    assert_eq!(app.post("/api/negotiations", &coordinator, early).await.code(), "outcome_only_when_concluded");
    let created = app.post("/api/negotiations", &coordinator, planned).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let path = format!("/api/negotiations/{}", created.body["id"].as_str().unwrap());

    assert_eq!(patch(&app, &path, &coordinator, json!({"status": "ongoing"})).await.code(), "started_on_required");
    let ongoing = patch(&app, &path, &coordinator, json!({"status": "ongoing", "started_on": "2026-09-01"})).await;
    assert_eq!((ongoing.status, ongoing.body["status"].as_str()), (StatusCode::OK, Some("ongoing")));
    assert_eq!(patch(&app, &path, &coordinator, json!({"status": "planned"})).await.code(), "invalid_transition");
    assert_eq!(patch(&app, &path, &coordinator, json!({"outcome": "?"})).await.code(), "outcome_only_when_concluded");
    assert_eq!(patch(&app, &path, &coordinator, json!({"status": "concluded"})).await.code(), "concluded_on_required");
    let backwards = json!({"status": "concluded", "concluded_on": "2026-08-31"});
    assert_eq!(patch(&app, &path, &coordinator, backwards).await.code(), "concluded_before_start");
    assert_eq!(patch(&app, &path, &member, json!({"title": "y"})).await.status, StatusCode::FORBIDDEN);
    let done = json!({"status": "concluded", "concluded_on": "2026-11-30", "outcome": "12 % alennus",
        "lessons": "Yhteinen tarjouspyyntö toimi.", "estimated_annual_saving_cents": 5_000_000});
    let concluded = patch(&app, &path, &coordinator, done).await;
    assert_eq!(concluded.status, StatusCode::OK, "{}", concluded.body);
    assert_eq!(patch(&app, &path, &coordinator, json!({"status": "abandoned"})).await.code(), "invalid_transition");
    // A correction of a concluded negotiation's text is fine; clearing its date is not.
    assert_eq!(patch(&app, &path, &coordinator, json!({"title": "Acrobat 2027–2029"})).await.status, StatusCode::OK);
    assert_eq!(patch(&app, &path, &coordinator, json!({"concluded_on": null})).await.code(), "concluded_on_required");

    // Everyone reads the outcome and the lessons.
    for token in [&member, &steering] {
        let list = app.get("/api/negotiations", token).await;
        assert_eq!(list.status, StatusCode::OK);
        let n = &list.body[0];
        assert_eq!(
            (n["title"].as_str(), n["outcome"].as_str(), n["lessons"].as_str()),
            (Some("Acrobat 2027–2029"), Some("12 % alennus"), Some("Yhteinen tarjouspyyntö toimi."))
        );
        assert_eq!(n["estimated_annual_saving_cents"], 5_000_000);
    }
    assert_eq!(app.get("/api/negotiations/not-a-uuid", &member).await.status, StatusCode::BAD_REQUEST);
    let missing = format!("/api/negotiations/{}", uuid::Uuid::now_v7());
    assert_eq!(app.get(&missing, &member).await.status, StatusCode::NOT_FOUND);
}

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "negotiation-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, path: &str, token: &str, name: &str, bytes: &[u8]) -> Reply {
    let (content_type, body) = multipart(name, bytes);
    let req = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

#[tokio::test]
async fn documents_round_trip_through_the_database() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let a = party(&app, &coordinator, "Aalto", "2228357-4").await;
    let member = app.user("a@example.fi", Role::Member, Some(a.parse().unwrap())).await;
    let n = app
        .post("/api/negotiations", &coordinator, json!({"vendor": "Adobe", "title": "x", "status": "planned"}))
        .await;
    let path = format!("/api/negotiations/{}/documents", n.body["id"].as_str().unwrap());

    let pdf: Vec<u8> = b"%PDF-1.7\n".iter().copied().chain((0..=255u8).cycle().take(50_000)).collect();
    let stored = upload(&app, &path, &coordinator, "Päätösmuistio (1).pdf", &pdf).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.body);
    assert_eq!(stored.body["content_type"], "application/pdf");
    assert_eq!(stored.body["size_bytes"], 50_009);
    assert_eq!(upload(&app, &path, &member, "x.pdf", &pdf).await.status, StatusCode::FORBIDDEN);

    // Everyone signed in lists and downloads, getting the same bytes and a safe header.
    let list = app.get(&path, &member).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    let req = Request::get(format!("{path}/{}", stored.body["id"].as_str().unwrap()))
        .header(header::AUTHORIZATION, format!("Bearer {member}"))
        .body(Body::empty())
        .unwrap();
    let response = lyhty_api::router(app.state.clone()).oneshot(req).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/pdf");
    let disposition = response.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment; filename=\"P__t_smuistio _1_.pdf\""), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''P%C3%A4%C3%A4t%C3%B6smuistio%20%281%29%2Epdf"), "{disposition}");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(bytes.as_ref(), pdf.as_slice());

    // Refusals with stable codes.
    let exe = upload(&app, &path, &coordinator, "setup.exe", b"MZ\x90\x00").await;
    assert_eq!((exe.status, exe.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_file_type"));
    let fake = upload(&app, &path, &coordinator, "tarjous.pdf", b"<html>not a pdf</html>").await;
    assert_eq!((fake.status, fake.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_file_type"));
    let empty = upload(&app, &path, &coordinator, "tyhja.txt", b"").await;
    assert_eq!((empty.status, empty.code()), (StatusCode::UNPROCESSABLE_ENTITY, "empty_file"));
    let big = vec![b'a'; lyhty_domain::negotiation::MAX_DOCUMENT_BYTES + 1];
    let too_large = upload(&app, &path, &coordinator, "iso.txt", &big).await;
    assert_eq!((too_large.status, too_large.code()), (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large"));
    assert_eq!(app.get(&path, &member).await.body.as_array().unwrap().len(), 1, "nothing refused was kept");
    let elsewhere =
        format!("/api/negotiations/{}/documents/{}", uuid::Uuid::now_v7(), stored.body["id"].as_str().unwrap());
    assert_eq!(app.get(&elsewhere, &member).await.status, StatusCode::NOT_FOUND);
}
