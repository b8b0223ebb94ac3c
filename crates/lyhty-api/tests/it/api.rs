//! The HTTP API of the foundation, through the real router: sign-in, users, parties,
//! termination, the audit log, errors and documentation.

use crate::common::{PASSWORD, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use lyhty_domain::{OrgId, Role};
use serde_json::json;

#[tokio::test]
async fn sign_in_and_me() {
    let app = TestApp::sqlite().await;
    let token = app.coordinator().await;
    let me = app.get("/api/me", &token).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["email"], "koordinaattori@valtori.fi");
    assert_eq!(me.body["user"]["role"], "coordinator");
    assert!(me.body["org"].is_null());

    let login = app.login("KOORDINAATTORI@valtori.fi ", PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body["expires_at"].as_str().unwrap().starts_with("20"));
    assert!(login.body["user"].get("password_hash").is_none(), "the hash never leaves the server");
}

#[tokio::test]
async fn wrong_credentials_are_401_and_say_nothing_about_who_exists() {
    let app = TestApp::sqlite().await;
    app.coordinator().await;
    let wrong_password = app.login("koordinaattori@valtori.fi", "not the password").await;
    let no_such_user = app.login("nobody@valtori.fi", "not the password").await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_such_user.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.body, no_such_user.body);
    assert_eq!(wrong_password.code(), "invalid_credentials");
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_address() {
    let app = TestApp::sqlite().await;
    app.coordinator().await;
    for _ in 0..5 {
        assert_eq!(app.login("koordinaattori@valtori.fi", "guess-guess-guess").await.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, with a hint when to try again.
    let locked = app.login("koordinaattori@valtori.fi", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.code(), "too_many_requests");
    assert!(locked.headers.contains_key(header::RETRY_AFTER));
    // Other addresses are not affected.
    app.user("ohjaus@example.fi", Role::Steering, None).await;
}

#[tokio::test]
async fn bad_tokens_are_401_with_a_code() {
    let app = TestApp::sqlite().await;
    let token = app.coordinator().await;
    let none = app.call(Method::GET, "/api/me", None, None).await;
    assert_eq!((none.status, none.code()), (StatusCode::UNAUTHORIZED, "missing_token"));
    let garbage = app.get("/api/me", "not-a-jwt").await;
    assert_eq!((garbage.status, garbage.code()), (StatusCode::UNAUTHORIZED, "invalid_token"));
    // Signed with another key.
    let other =
        lyhty_api::auth::TokenKeys::from_secret(b"some-other-secret-some-other-secret", chrono::Duration::hours(1));
    let me = app.get("/api/me", &token).await.body["user"].clone();
    let user: lyhty_store::User = serde_json::from_value(me).unwrap();
    let (forged, _) = other.issue(&user, chrono::Utc::now()).unwrap();
    assert_eq!(app.get("/api/me", &forged).await.code(), "invalid_token");
    // Expired.
    let keys = &app.state.keys;
    let (old, _) = keys.issue(&user, chrono::Utc::now() - chrono::Duration::days(2)).unwrap();
    assert_eq!(app.get("/api/me", &old).await.code(), "token_expired");
}

#[tokio::test]
async fn closing_an_account_revokes_its_tokens_at_once() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let steering = app.user("ohjaus@example.fi", Role::Steering, None).await;
    let id = app.get("/api/me", &steering).await.body["user"]["id"].as_str().unwrap().to_string();
    let deleted = app.call(Method::DELETE, &format!("/api/users/{id}"), Some(&coordinator), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let after = app.get("/api/me", &steering).await;
    assert_eq!((after.status, after.code()), (StatusCode::UNAUTHORIZED, "token_revoked"));
    assert_eq!(app.login("ohjaus@example.fi", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn users_are_managed_by_the_coordinator_only() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let org = app.org(&coordinator, "Kela", "0246246-0", "kela").await;
    let org_id = org["id"].as_str().unwrap();

    let created = app
        .post(
            "/api/users",
            &coordinator,
            json!({"email": "Maija@Kela.fi", "name": "Maija", "role": "member", "org_id": org_id, "password": "long-enough-password"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["email"], "maija@kela.fi");
    let member = app.login("maija@kela.fi", "long-enough-password").await.body["token"].as_str().unwrap().to_string();

    let cases = [
        (
            json!({"email": "a@kela.fi", "name": "A", "role": "member", "password": "long-enough-password"}),
            "org_required",
        ),
        (
            json!({"email": "a@kela.fi", "name": "A", "role": "steering", "org_id": org_id, "password": "long-enough-password"}),
            "org_not_allowed",
        ),
        (
            json!({"email": "a@kela.fi", "name": "A", "role": "admin", "password": "long-enough-password"}),
            "invalid_role",
        ),
        (
            json!({"email": "not-an-address", "name": "A", "role": "steering", "password": "long-enough-password"}),
            "invalid_email",
        ),
        (json!({"email": "a@kela.fi", "name": "A", "role": "steering", "password": "short"}), "weak_password"),
        (
            json!({"email": "a@kela.fi", "name": "A", "role": "member", "org_id": OrgId::new(), "password": "long-enough-password"}),
            "unknown_org",
        ),
    ];
    for (body, code) in cases {
        let reply = app.post("/api/users", &coordinator, body).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::UNPROCESSABLE_ENTITY, code));
    }
    let duplicate = app
        .post(
            "/api/users",
            &coordinator,
            json!({"email": "maija@kela.fi", "name": "M", "role": "steering", "password": "long-enough-password"}),
        )
        .await;
    assert_eq!((duplicate.status, duplicate.code()), (StatusCode::CONFLICT, "duplicate_email"));

    for path in ["/api/users", "/api/audit-log"] {
        assert_eq!(app.get(path, &member).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let listed = app.get("/api/users", &coordinator).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 2);

    // The last coordinator stays.
    let me = app.get("/api/me", &coordinator).await.body["user"]["id"].as_str().unwrap().to_string();
    let last = app.call(Method::DELETE, &format!("/api/users/{me}"), Some(&coordinator), None).await;
    assert_eq!((last.status, last.code()), (StatusCode::CONFLICT, "last_coordinator"));
}

#[tokio::test]
async fn parties_are_validated_and_unique() {
    let app = TestApp::sqlite().await;
    let token = app.coordinator().await;
    let created = app
        .post(
            "/api/orgs",
            &token,
            json!({
                "name": "Pirkanmaan hyvinvointialue", "business_id": " 3221308-6 ", "category": "wellbeing_county",
                "annual_budget_cents": 145_000_000_000i64, "budget_year": 2025, "joined_on": "2025-09-01",
                "accession_number": "1.3", "einvoice_address": "0216:003732213086",
                "contact_name": "Liisa Lisenssi", "contact_email": "Liisa@Pirha.fi"
            }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["business_id"], "3221308-6");
    assert_eq!(created.body["status"], "active");
    assert_eq!(created.body["contact_email"], "liisa@pirha.fi");

    // Valtori's own business ID passes; the same with a wrong check digit is refused.
    let valtori = app
        .post(
            "/api/orgs",
            &token,
            json!({"name": "Valtori", "business_id": "2574261-7", "category": "state", "joined_on": "2025-09-01"}),
        )
        .await;
    assert_eq!(valtori.status, StatusCode::CREATED);
    let wrong = app
        .post(
            "/api/orgs",
            &token,
            json!({"name": "V", "business_id": "2574261-8", "category": "state", "joined_on": "2025-09-01"}),
        )
        .await;
    assert_eq!((wrong.status, wrong.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_business_id"));
    assert!(wrong.body["error"]["message"].as_str().unwrap().contains("check digit"), "{}", wrong.body);

    let base = json!({"name": "X", "business_id": "2228357-4", "category": "university", "joined_on": "2025-09-01"});
    let with = |k: &str, v: serde_json::Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let cases = [
        (with("business_id", json!("2077474-1")), "invalid_business_id"),
        (with("business_id", json!("1234567")), "invalid_business_id"),
        (with("category", json!("ministry")), "invalid_category"),
        (with("name", json!("   ")), "invalid_name"),
        (with("einvoice_address", json!("FI123")), "invalid_einvoice_address"),
        (with("contact_email", json!("nobody")), "invalid_email"),
        (with("annual_budget_cents", json!(100)), "budget_year_required"),
        (with("cost_share_cents", json!(-1)), "invalid_cost_share"),
        (with("represented_by", json!(OrgId::new())), "invalid_represented_by"),
        (with("joined_on", json!("31.12.2025")), "invalid_request"),
    ];
    for (body, code) in cases {
        let reply = app.post("/api/orgs", &token, body.clone()).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::UNPROCESSABLE_ENTITY, code), "{body}");
    }
    let duplicate = app.post("/api/orgs", &token, with("business_id", json!("3221308-6"))).await;
    assert_eq!((duplicate.status, duplicate.code()), (StatusCode::CONFLICT, "duplicate_business_id"));
    assert_eq!(app.get("/api/orgs", &token).await.body.as_array().unwrap().len(), 2, "nothing half-made");
}

#[tokio::test]
async fn malformed_requests_get_400s_never_500s() {
    let app = TestApp::sqlite().await;
    let token = app.coordinator().await;
    let req = Request::post("/api/orgs")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"name\": "))
        .unwrap();
    let reply = app.send(req).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::BAD_REQUEST, "malformed_json"));

    let req = Request::post("/api/orgs")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from("name=x"))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let bad_id = app.get("/api/orgs/not-a-uuid", &token).await;
    assert_eq!((bad_id.status, bad_id.code()), (StatusCode::BAD_REQUEST, "invalid_path"));
    let missing = app.get(&format!("/api/orgs/{}", OrgId::new()), &token).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, "not_found"));
    let no_route = app.get("/api/no-such-thing", &token).await;
    assert_eq!((no_route.status, no_route.code()), (StatusCode::NOT_FOUND, "not_found"));
    let wrong_method = app.call(Method::PUT, "/api/orgs", Some(&token), Some(json!({}))).await;
    assert_eq!(wrong_method.code(), "method_not_allowed");
    let unknown_field =
        app.call(Method::PATCH, &format!("/api/orgs/{}", OrgId::new()), Some(&token), Some(json!({"nmae": "x"}))).await;
    assert_eq!(unknown_field.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A body over the limit is refused with 413.
    let huge = "x".repeat(app.state.settings.max_upload_bytes + 128 * 1024);
    let req = Request::post("/api/orgs")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!("{{\"name\": \"{huge}\"}}")))
        .unwrap();
    let reply = app.send(req).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
}

#[tokio::test]
async fn members_see_their_own_party_in_full_and_others_not_at_all() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let mine = app.org(&coordinator, "Oulun yliopisto", "0245895-5", "university").await;
    let theirs = app.org(&coordinator, "Aalto-yliopisto", "2228357-4", "university").await;
    let (mine_id, theirs_id) = (mine["id"].as_str().unwrap(), theirs["id"].as_str().unwrap());
    let patch = json!({"contact_name": "Salainen Henkilö", "contact_email": "salainen@aalto.fi", "cost_share_cents": 1_000_000});
    let patched = app.call(Method::PATCH, &format!("/api/orgs/{theirs_id}"), Some(&coordinator), Some(patch)).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.body["contact_name"], "Salainen Henkilö");

    let member = app.user("jasen@oulu.fi", Role::Member, Some(mine_id.parse().unwrap())).await;
    let own = app.get(&format!("/api/orgs/{mine_id}"), &member).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.get("contact_email").is_some(), "own party in full");
    let other = app.get(&format!("/api/orgs/{theirs_id}"), &member).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let me = app.get("/api/me", &member).await;
    assert_eq!(me.body["org"]["id"], mine_id);

    // The list shows everyone's public facts and only the own party's details.
    let steering = app.user("ohjaus@example.fi", Role::Steering, None).await;
    for token in [&member, &steering] {
        let list = app.get("/api/orgs", token).await;
        let text = list.body.to_string();
        assert!(!text.contains("Salainen"), "contacts leaked: {text}");
        assert!(!text.contains("cost_share_cents\":1000000"), "share leaked: {text}");
        assert_eq!(list.body.as_array().unwrap().len(), 2);
    }
    let full = app.get("/api/orgs", &coordinator).await.body.to_string();
    assert!(full.contains("Salainen"));

    // Members cannot change parties, even their own.
    let refused =
        app.call(Method::PATCH, &format!("/api/orgs/{mine_id}"), Some(&member), Some(json!({"name": "X"}))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn patch_null_clears_and_absent_keeps() {
    let app = TestApp::sqlite().await;
    let token = app.coordinator().await;
    let org = app.org(&token, "Helsingin kaupunki", "0201256-6", "large_city").await;
    let path = format!("/api/orgs/{}", org["id"].as_str().unwrap());
    let set = json!({"annual_budget_cents": 520_000_000_000i64, "budget_year": 2025, "contact_name": "Matti"});
    assert_eq!(app.call(Method::PATCH, &path, Some(&token), Some(set)).await.status, StatusCode::OK);
    let cleared = app.call(Method::PATCH, &path, Some(&token), Some(json!({"contact_name": null}))).await;
    assert_eq!(cleared.status, StatusCode::OK);
    assert!(cleared.body["contact_name"].is_null());
    assert_eq!(cleared.body["annual_budget_cents"], 520_000_000_000i64);
    // Clearing the year while a budget is set breaks a rule: refused, nothing changed.
    let broken = app.call(Method::PATCH, &path, Some(&token), Some(json!({"budget_year": null}))).await;
    assert_eq!(broken.code(), "budget_year_required");
    assert_eq!(app.get(&path, &token).await.body["budget_year"], 2025);
}

#[tokio::test]
async fn a_terminated_partys_users_lose_access_on_the_effective_date() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let later = app.org(&coordinator, "Tampereen yliopisto", "2844561-8", "university").await;
    let now = app.org(&coordinator, "Oulun yliopisto", "0245895-5", "university").await;
    let later_member = app.user("a@tuni.fi", Role::Member, Some(later["id"].as_str().unwrap().parse().unwrap())).await;
    let now_member = app.user("b@oulu.fi", Role::Member, Some(now["id"].as_str().unwrap().parse().unwrap())).await;

    let today = app.state.clock.today();
    // §17's steps are there (NETWORK.md): a notice given long enough before, on a ground;
    // an expulsion on the steering group's proposal, 30 days after the notice of breach.
    let days = chrono::Duration::days;
    let terminate = |id: &str, on: chrono::NaiveDate, kind: &str| {
        let body = match kind {
            "notice" => {
                json!({"effective_on": on, "kind": kind, "notice_on": on - days(100), "ground": "majority_left"})
            }
            _ => json!({"effective_on": on, "kind": kind, "breach_notice_on": on - days(30)}),
        };
        (format!("/api/orgs/{id}/terminate"), body)
    };
    let meeting = app.post("/api/meetings", &coordinator, json!({"date": today, "title": "Kokous"})).await.body;
    let proposal = json!({"kind": "expulsion_proposal", "title": "Erottamisesitys", "subject_id": now["id"],
        "votes": [{"seat": "universities", "vote": "yes"}]});
    let decisions = format!("/api/meetings/{}/decisions", meeting["id"].as_str().unwrap());
    assert_eq!(app.post(&decisions, &coordinator, proposal).await.body["passed"], true);
    let (path, body) = terminate(later["id"].as_str().unwrap(), today + days(90), "notice");
    let reply = app.post(&path, &coordinator, body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["status"], "terminated");
    assert_eq!(app.get("/api/me", &later_member).await.status, StatusCode::OK, "notice period: still in");

    let (path, body) = terminate(now["id"].as_str().unwrap(), today, "expelled");
    assert_eq!(app.post(&path, &coordinator, body.clone()).await.body["status"], "expelled");
    let refused = app.get("/api/me", &now_member).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "access_ended"));
    let login = app.login("b@oulu.fi", PASSWORD).await;
    assert_eq!((login.status, login.code()), (StatusCode::FORBIDDEN, "access_ended"));

    let again = app.post(&path, &coordinator, body).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "already_terminated"));
    let third = app.org(&coordinator, "Kela", "0246246-0", "kela").await;
    let (path, body) =
        terminate(third["id"].as_str().unwrap(), chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), "notice");
    let early = app.post(&path, &coordinator, body).await;
    assert_eq!((early.status, early.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_effective_date"));

    // The state's clock decides the day for every rule: the party under notice is in on the
    // day before its effective date and out on it.
    app.state.clock.set_today(today + days(89));
    assert_eq!(app.get("/api/me", &later_member).await.status, StatusCode::OK);
    app.state.clock.set_today(today + days(90));
    let out = app.get("/api/me", &later_member).await;
    assert_eq!((out.status, out.code()), (StatusCode::FORBIDDEN, "access_ended"));
}

#[tokio::test]
async fn every_write_lands_in_the_audit_log_with_its_author() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let org = app.org(&coordinator, "Kela", "0246246-0", "kela").await;
    let id = org["id"].as_str().unwrap();
    app.call(Method::PATCH, &format!("/api/orgs/{id}"), Some(&coordinator), Some(json!({"accession_number": "1.2"})))
        .await;
    let log = app.get(&format!("/api/audit-log?org_id={id}"), &coordinator).await;
    assert_eq!(log.status, StatusCode::OK);
    let entries = log.body.as_array().unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["org.update", "org.create"]);
    assert!(entries.iter().all(|e| e["actor_label"] == "koordinaattori@valtori.fi"));
    assert_eq!(entries[0]["detail"]["fields"], json!(["accession_number"]));
}

#[tokio::test]
async fn health_request_ids_and_docs() {
    let app = TestApp::sqlite().await;
    let health = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!((health.status, health.body["status"].as_str()), (StatusCode::OK, Some("ok")));
    let ready = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert!(ready.headers.contains_key("x-request-id"), "a request id on every response");

    let req = Request::get("/healthz").header("x-request-id", "trace-me-123").body(Body::empty()).unwrap();
    assert_eq!(app.send(req).await.headers["x-request-id"], "trace-me-123");

    let spec = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(spec.status, StatusCode::OK);
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../../../openapi/openapi.json")).expect("committed document parses");
    assert_eq!(spec.body, committed, "the served document is the committed one");
    assert!(spec.body["paths"]["/api/orgs/{id}/terminate"]["post"].is_object());
    // Swagger UI is served from vendored files: no internet needed.
    let docs = app.send(Request::get("/api/docs/").body(Body::empty()).unwrap()).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.body.as_str().unwrap().contains("swagger"), "{}", docs.body);
    let bundle = app.send(Request::get("/api/docs/swagger-ui-bundle.js").body(Body::empty()).unwrap()).await;
    assert_eq!(bundle.status, StatusCode::OK);
}

#[test]
fn committed_openapi_document_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let generated = lyhty_api::openapi::document_json();
    // LYHTY_WRITE_OPENAPI=1 writes the document instead (what `make openapi` does, without
    // building the binary: its feature set differs from the tests', so polars builds again).
    if std::env::var_os("LYHTY_WRITE_OPENAPI").is_some() {
        std::fs::write(path, &generated).expect("openapi/openapi.json is writable");
        return;
    }
    let committed = std::fs::read_to_string(path).expect("openapi/openapi.json is committed (make openapi)");
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date with the code: run `make openapi` and commit the result"
    );
}

#[tokio::test]
async fn the_vocabulary_is_public_and_words_values_as_the_template_does() {
    let app = TestApp::sqlite().await;
    let v = app.call(Method::GET, "/api/vocabulary", None, None).await;
    assert_eq!(v.status, StatusCode::OK, "no sign-in needed: {}", v.body);
    let keys = |kind: &str| -> Vec<String> {
        v.body[kind].as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap().to_owned()).collect()
    };
    let framework = v.body["contract_type"].as_array().unwrap().iter().find(|t| t["key"] == "framework_agreement");
    assert_eq!(framework.unwrap()["fi"], "Puitejärjestely (esim. Hansel)");
    // API.md's expense categories, in the action plan's order.
    let expected = ["personnel", "purchased_services", "communication", "platform", "office"];
    assert_eq!(keys("expense_category")[..5], expected);
    assert_eq!(keys("role"), ["member", "steering", "analyst", "coordinator"]);
    assert_eq!(keys("org_category").len(), 9);
}

/// The same journey on PostgreSQL: several API instances share one database there.
#[tokio::test]
async fn postgres_backed_api_journey() {
    let Some(app) = TestApp::postgres().await else { return };
    let coordinator = app.coordinator().await;
    let org = app.org(&coordinator, "Kela", "0246246-0", "kela").await;
    let id = org["id"].as_str().unwrap();
    let member = app.user("maija@kela.fi", Role::Member, Some(id.parse().unwrap())).await;
    assert_eq!(app.get(&format!("/api/orgs/{id}"), &member).await.status, StatusCode::OK);
    let dup = app
        .post(
            "/api/orgs",
            &coordinator,
            json!({"name": "K", "business_id": "0246246-0", "category": "kela", "joined_on": "2025-09-01"}),
        )
        .await;
    assert_eq!(dup.code(), "duplicate_business_id");
    assert_eq!(app.call(Method::GET, "/readyz", None, None).await.status, StatusCode::OK);
    same_database_two_instances(&app).await;
}

/// Two instances on one SQLite file, the signing key taken from the `jwt.key` the first one
/// wrote: a restart, or a second process on the same machine, keeps everyone signed in.
#[tokio::test]
async fn a_second_instance_on_the_same_sqlite_file() {
    let app = TestApp::sqlite_with_key_file().await;
    assert!(app.settings.jwt_secret.is_none(), "the key comes from the file");
    same_database_two_instances(&app).await;
}

/// What a second instance on `first`'s database must see: data written through either one,
/// sign-ins made at either one, and the same answer to a duplicate.
async fn same_database_two_instances(first: &TestApp) {
    let second = first.another_instance().await;
    assert!(!std::sync::Arc::ptr_eq(&first.state.store, &second.state.store), "its own store and pool");
    let coordinator = first.user("k2@valtori.fi", Role::Coordinator, None).await;
    let org = first.org(&coordinator, "Oulun yliopisto", "0245896-3", "university").await;
    let id = org["id"].as_str().unwrap();

    // A token signed by the first is honoured by the second, and the second reads the first's write.
    let read = second.get(&format!("/api/orgs/{id}"), &coordinator).await;
    assert_eq!((read.status, read.body["name"].as_str()), (StatusCode::OK, Some("Oulun yliopisto")), "{}", read.body);
    // The other way round: a sign-in at the second, a write there, read back at the first.
    let member = second.user("a@oulu.fi", Role::Member, Some(id.parse().unwrap())).await;
    let me = first.get("/api/me", &member).await;
    assert_eq!((me.status, me.body["user"]["email"].as_str()), (StatusCode::OK, Some("a@oulu.fi")), "{}", me.body);
    let other = second.org(&coordinator, "Tampereen yliopisto", "1558890-0", "university").await;
    let listed = first.get("/api/orgs", &coordinator).await;
    let names: Vec<&str> = listed.body.as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Tampereen yliopisto"), "{names:?}");
    assert_eq!(
        first.get(&format!("/api/orgs/{}", other["id"].as_str().unwrap()), &member).await.status,
        StatusCode::FORBIDDEN
    );
    // One register: the unique business ID holds across instances.
    let dup = second
        .post(
            "/api/orgs",
            &coordinator,
            json!({"name": "O", "business_id": "0245896-3", "category": "university", "joined_on": "2025-09-01"}),
        )
        .await;
    assert_eq!(dup.code(), "duplicate_business_id");
}
