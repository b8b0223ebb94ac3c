//! Releases through HTTP: the coordinator publishes; a member and a steering user read the
//! release; suppressed cells carry no values and no contributor counts; nobody but an
//! organisation itself (and, logged, analysts and the coordinator) reaches its lines.

use crate::common::TestApp;
use crate::common::releases::{business_id, inventory, submit};
use axum::http::{Method, StatusCode, header};
use lyhty_domain::Role;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    coordinator: String,
    member: String,
    steering: String,
    orgs: Vec<String>,
    names: Vec<String>,
}

async fn world() -> World {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let mut orgs = Vec::new();
    let mut names = Vec::new();
    for n in 0..9u32 {
        let name = format!("Organisaatio {n}");
        let category = if n < 5 { "university" } else { "uas" };
        let org = app.org(&coordinator, &name, &business_id(n), category).await["id"].as_str().unwrap().to_string();
        submit(&app, org.parse().unwrap(), inventory(n + 1)).await;
        orgs.push(org);
        names.push(name);
    }
    let member = app.user("jasen@example.fi", Role::Member, Some(orgs[0].parse().unwrap())).await;
    let steering = app.user("ohjaus@example.fi", Role::Steering, None).await;
    World { app, coordinator, member, steering, orgs, names }
}

fn today() -> String {
    lyhty_domain::today_in_finland().to_string()
}

#[tokio::test]
async fn members_and_the_steering_group_read_a_protected_release() {
    let w = world().await;
    let created = w.app.post("/api/releases", &w.coordinator, json!({"as_of": today()})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["audit"]["passed"], true);
    assert_eq!(created.body["audit"]["violations"], 0);
    let id = created.body["id"].as_str().unwrap().to_string();

    // A cut-off before the newest release's is refused; nothing new is stored.
    let yesterday = (lyhty_domain::today_in_finland() - chrono::Duration::days(1)).to_string();
    let before = w.app.post("/api/releases", &w.coordinator, json!({"as_of": yesterday})).await;
    assert_eq!(before.status, StatusCode::CONFLICT, "{}", before.body);
    assert_eq!(before.code(), "release_not_after_previous");

    let mut seen = None;
    for token in [&w.member, &w.steering] {
        let list = w.app.get("/api/releases", token).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.body.as_array().unwrap().len(), 1);
        assert_eq!(list.body[0]["id"], id.as_str());
        let got = w.app.get(&format!("/api/releases/{id}"), token).await;
        assert_eq!(got.status, StatusCode::OK);
        assert!(got.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
        if let Some(previous) = &seen {
            assert_eq!(previous, &got.body, "everyone sees the same release");
        }
        seen = Some(got.body);
    }
    let release = seen.unwrap();
    assert_eq!(release["as_of"], today());
    let tables = release["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 8);

    // Suppressed cells: no values, no count. Published ones: at least three contributors.
    let mut statuses = std::collections::BTreeMap::new();
    for table in tables {
        for cell in table["cells"].as_array().unwrap() {
            let status = cell["status"].as_str().unwrap().to_string();
            match status.as_str() {
                "suppressed" => {
                    assert!(cell["organisations"].is_null(), "{cell}");
                    for m in release["measures"].as_array().unwrap() {
                        assert!(cell[m.as_str().unwrap()].is_null(), "{cell}");
                    }
                    assert!(cell.get("avg_unit_price_cents").is_none(), "{cell}");
                }
                "published" => assert!(cell["organisations"].as_u64().unwrap() >= 3, "{cell}"),
                "empty" => assert_eq!(cell["organisations"], 0),
                other => panic!("status {other}"),
            }
            *statuses.entry(status).or_insert(0) += 1;
        }
    }
    assert!(statuses.get("suppressed").copied().unwrap_or(0) > 0, "the lone vendor forces suppression: {statuses:?}");
    // The one organisation with `Tiny Software` is hidden in `Other vendors`, suppressed.
    let vendor = tables.iter().find(|t| t["name"] == "vendor").unwrap();
    let other = vendor["cells"].as_array().unwrap().iter().find(|c| c["vendor"] == "Other vendors").unwrap();
    assert_eq!(other["status"], "suppressed");
    let total = vendor["cells"].as_array().unwrap().iter().find(|c| c["vendor"] == "*").unwrap();
    assert_eq!(total["status"], "published");
    assert_eq!(total["organisations"], 9);
    // No organisation is named anywhere in the release.
    let text = release.to_string();
    for (org, name) in w.orgs.iter().zip(&w.names) {
        assert!(!text.contains(org.as_str()) && !text.contains(name.as_str()), "{name} appears in the release");
    }
    assert!(!text.contains("Tiny"));

    // The workbook: a real XLSX, for the same readers.
    for token in [&w.member, &w.steering] {
        let req = axum::http::Request::get(format!("/api/releases/{id}/export.xlsx"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(lyhty_api::router(w.app.state.clone()), req).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        assert_eq!(&bytes[..2], b"PK");
    }

    // The audit report is the coordinator's alone.
    for token in [&w.member, &w.steering] {
        assert_eq!(w.app.get(&format!("/api/releases/{id}/audit"), token).await.status, StatusCode::FORBIDDEN);
    }
    let audit = w.app.get(&format!("/api/releases/{id}/audit"), &w.coordinator).await;
    assert_eq!(audit.status, StatusCode::OK);
    assert_eq!(audit.body["audit"]["passed"], true);
    assert_eq!(audit.body["params"]["p_percent"], 15);
    assert!(audit.body["audit"]["cells_checked"].as_u64().unwrap() > 0);

    // The member's own figures beside the published cells: its own organisation only.
    let own = w.app.get(&format!("/api/orgs/{}/benchmark?release={id}", w.orgs[0]), &w.member).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let rows = own.body["rows"].as_array().unwrap();
    let ms = rows
        .iter()
        .find(|r| r["table"] == "vendor_by_licence_type" && r["members"] == json!(["Microsoft", "end_user"]))
        .expect("own Microsoft end-user row");
    assert_eq!(ms["own"]["annual_cost_cents"], 3_017_00);
    assert_eq!(ms["own_unit_price_cents"], 30_17);
    assert_eq!(ms["status"], "published");
    assert!(ms["published_unit_price_cents"].is_i64());
    // Its lone vendor is under `Other vendors`, its own figure beside a suppressed cell.
    let lone = rows.iter().find(|r| r["table"] == "vendor" && r["members"] == json!(["Other vendors"])).unwrap();
    assert_eq!(lone["own"]["annual_cost_cents"], 4_000_00);
    assert!(lone["published"].is_null() && lone["published_organisations"].is_null());
}

/// Neither a member nor a steering user reaches any route that returns one organisation's
/// lines other than the member's own: every `GET /api/orgs/{id}/…` of the OpenAPI document
/// aimed at another organisation is refused.
#[tokio::test]
async fn nobody_but_the_member_reaches_its_lines() {
    let w = world().await;
    let created = w.app.post("/api/releases", &w.coordinator, json!({"as_of": today()})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let doc: Value = serde_json::from_str(&lyhty_api::openapi::document_json()).unwrap();
    let org_paths: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, item)| path.starts_with("/api/orgs/{id}/") && item.get("get").is_some())
        .map(|(path, _)| path.clone())
        .collect();
    assert!(org_paths.iter().any(|p| p.ends_with("/benchmark")), "{org_paths:?}");
    for path in &org_paths {
        let other = path.replace("{id}", &w.orgs[1]);
        for token in [&w.member, &w.steering] {
            let reply = w.app.call(Method::GET, &other, Some(token), None).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{other}: {}", reply.body);
        }
        let steering_own = path.replace("{id}", &w.orgs[0]);
        let reply = w.app.call(Method::GET, &steering_own, Some(&w.steering), None).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "steering on {steering_own}");
    }
    let mine = w.app.get(&format!("/api/orgs/{}/benchmark", w.orgs[0]), &w.member).await;
    assert_eq!(mine.status, StatusCode::OK, "the newest release by default: {}", mine.body);

    // The coordinator reading a member's benchmark is written to the audit log.
    let read = w.app.get(&format!("/api/orgs/{}/benchmark", w.orgs[1]), &w.coordinator).await;
    assert_eq!(read.status, StatusCode::OK);
    let log = w.app.get("/api/audit-log?action=benchmark.read", &w.coordinator).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    assert_eq!(log.body.as_array().map_or(0, Vec::len), 1, "{}", log.body);
}

#[tokio::test]
async fn refusals_say_why_and_publish_nothing() {
    let w = world().await;
    let future = (lyhty_domain::today_in_finland() + chrono::Duration::days(3)).to_string();
    let reply = w.app.post("/api/releases", &w.coordinator, json!({"as_of": future})).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "as_of_in_future");
    let reply = w.app.post("/api/releases", &w.coordinator, json!({"as_of": "2020-01-01"})).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "nothing_to_release");
    let reply = w.app.post("/api/releases", &w.member, json!({"as_of": today()})).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = w.app.post("/api/releases", &w.coordinator, json!({"as_of": "huomenna"})).await;
    assert!(reply.status.is_client_error());
    assert!(w.app.get("/api/releases", &w.member).await.body.as_array().unwrap().is_empty());
    let unknown = w.app.get(&format!("/api/releases/{}", uuid::Uuid::now_v7()), &w.member).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// The grand total of a release JSON: (organisations, annual cost).
fn grand_total(release: &Value) -> (Value, Value) {
    let vendor = release["tables"].as_array().unwrap().iter().find(|t| t["name"] == "vendor").unwrap();
    let total = vendor["cells"].as_array().unwrap().iter().find(|c| c["vendor"] == "*").unwrap();
    (total["organisations"].clone(), total["annual_cost_cents"].clone())
}

/// A new party with its accepted inventory.
async fn join(w: &World, n: u32) -> String {
    let name = format!("Uusi organisaatio {n}");
    let org = w.app.org(&w.coordinator, &name, &business_id(n), "state").await["id"].as_str().unwrap().to_string();
    submit(&w.app, org.parse().unwrap(), inventory(n + 1)).await;
    org
}

/// Releases over time through HTTP: a release, a same-day correction, a newcomer uploads,
/// the next release holds it back (and says so, without saying who), two more join and the
/// three are published together.
#[tokio::test]
async fn a_newcomer_is_held_back_until_enough_join() {
    let w = world().await;
    let publish = || async {
        let reply = w.app.post("/api/releases", &w.coordinator, json!({"as_of": today()})).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        assert_eq!(reply.body["audit"]["passed"], true);
        reply.body
    };
    let first = publish().await;
    assert_eq!(first["stats"]["held_back_organisations"], 0);
    assert_eq!(first["held_back"], json!([]));

    // A correction on the same day: both stay, newest first.
    let correction = publish().await;
    let list = w.app.get("/api/releases", &w.steering).await.body;
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [correction["id"].as_str().unwrap(), first["id"].as_str().unwrap()]);
    assert_eq!(list[0]["as_of"], list[1]["as_of"]);

    let newcomer = join(&w, 9).await;
    let second = publish().await;
    assert_eq!(second["stats"]["held_back_organisations"], 1);
    assert_eq!(second["held_back"].as_array().unwrap().len(), 1, "{}", second["held_back"]);
    assert_eq!(second["held_back"][0]["organisation_id"], newcomer.as_str());
    assert_eq!(second["held_back"][0]["reason"], "joined");
    assert!(second["held_back"][0]["detail"].as_str().unwrap().contains("grand total"));
    let id = second["id"].as_str().unwrap();
    let release = w.app.get(&format!("/api/releases/{id}"), &w.member).await.body;
    assert_eq!(release["held_back_organisations"], 1);
    assert!(!release.to_string().contains(newcomer.as_str()), "the release never says which");
    assert_eq!(grand_total(&release).0, 9, "the newcomer stays out");
    let audit = w.app.get(&format!("/api/releases/{id}/audit"), &w.coordinator).await.body;
    assert_eq!(audit["audit"]["held_back"][0]["organisation_id"], newcomer.as_str());

    join(&w, 10).await;
    join(&w, 11).await;
    let third = publish().await;
    assert_eq!(third["stats"]["held_back_organisations"], 0, "{}", third["held_back"]);
    let id = third["id"].as_str().unwrap();
    let release = w.app.get(&format!("/api/releases/{id}"), &w.member).await.body;
    assert_eq!(release["held_back_organisations"], 0);
    assert_eq!(grand_total(&release).0, 12);
    assert_eq!(w.app.get("/api/releases", &w.member).await.body.as_array().unwrap().len(), 4);
}
