//! The steering group decides, and the agreement's rules for joining and leaving hold
//! (NETWORK.md, §1.1, §8.1, §17): meetings and weighted decisions, the register, pending
//! parties and their accession, notice and expulsion.

use crate::common;
use crate::common::TestApp;
use crate::common::releases::{business_id, inventory, submit};
use axum::http::StatusCode;
use lyhty_domain::Role;
use serde_json::{Value, json};

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

async fn meeting(app: &TestApp, token: &str, date: &str) -> String {
    let reply = app.post("/api/meetings", token, json!({"date": date, "title": "Ohjausryhmän kokous"})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["id"].as_str().unwrap().to_string()
}

async fn decide(app: &TestApp, token: &str, meeting: &str, body: Value) -> common::Reply {
    app.post(&format!("/api/meetings/{meeting}/decisions"), token, body).await
}

fn yes(seats: &[&str]) -> Value {
    Value::Array(seats.iter().map(|s| json!({"seat": s, "vote": "yes"})).collect())
}

/// §1.1: a pending party may upload, but is not invoiced and is in no release until the
/// steering group's accession passes; then it is active with the next annex number.
#[tokio::test]
async fn a_pending_party_joins_by_decision_with_the_next_annex_number() {
    let app = TestApp::sqlite().await;
    let c = app.coordinator().await;
    let mut orgs = Vec::new();
    for n in 0..9u32 {
        let category = if n < 5 { "university" } else { "uas" };
        let org = app.org(&c, &format!("Organisaatio {n}"), &business_id(n), category).await;
        let id = org["id"].as_str().unwrap().to_string();
        submit(&app, id.parse().unwrap(), inventory(n + 1)).await;
        orgs.push(id);
    }
    for (org, annex) in [(&orgs[0], "1.7"), (&orgs[1], "1.9")] {
        let path = format!("/api/orgs/{org}");
        let patched = app.call(axum::http::Method::PATCH, &path, Some(&c), Some(json!({"accession_number": annex})));
        assert_eq!(patched.await.status, StatusCode::OK);
    }
    let body = json!({"name": "Uusi yliopisto", "business_id": business_id(20), "category": "university",
        "joined_on": "2025-09-01", "status": "pending"});
    let pending = app.post("/api/orgs", &c, body).await;
    assert_eq!(pending.status, StatusCode::CREATED, "{}", pending.body);
    assert_eq!(pending.body["status"], "pending");
    let id = pending.body["id"].as_str().unwrap().to_string();
    assert!(pending.body["accession_number"].is_null());
    submit(&app, id.parse().unwrap(), inventory(10)).await;
    let log = app.get("/api/audit-log", &c).await.body.to_string();
    assert!(log.contains("created active directly") && log.contains("awaiting the steering group"), "{log}");

    // Not invoiced: the run skips it and says why.
    let run = app.post("/api/invoice-runs", &c, json!({"instalment": 1, "issue_date": "2025-09-05"})).await;
    assert_eq!(run.status, StatusCode::CREATED, "{}", run.body);
    let billed = |run: &Value| run["created"].as_array().unwrap().iter().any(|i| i["org_id"] == id.as_str());
    assert!(!billed(&run.body));
    assert_eq!(run.body["created"].as_array().unwrap().len(), 9);
    let skipped = run.body["skipped"].as_array().unwrap();
    assert!(skipped.iter().any(|s| s["org_id"] == id.as_str() && s["problem"]["code"] == "accession_pending"));

    // In no release: nine contributors, and it is not even held back.
    let first = app.post("/api/releases", &c, json!({"as_of": today()})).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["stats"]["held_back_organisations"], 0);
    let rid = first.body["id"].as_str().unwrap();
    let audit = app.get(&format!("/api/releases/{rid}/audit"), &c).await.body;
    assert!(!audit.to_string().contains(id.as_str()), "the pending party took no part");

    // Nor does it sit in the steering group yet.
    let shares = app.get("/api/cost-shares", &c).await.body;
    assert!(!shares["seats"].to_string().contains(id.as_str()));

    // The steering group accepts it: active with annex 1.10, linked to the decision.
    let m = meeting(&app, &c, &today()).await;
    let accession = json!({"kind": "accession", "title": "Liittyminen: Uusi yliopisto", "subject_id": id,
        "votes": yes(&["universities", "universities of applied sciences"])});
    let decided = decide(&app, &c, &m, accession.clone()).await;
    assert_eq!(decided.status, StatusCode::CREATED, "{}", decided.body);
    assert_eq!(decided.body["passed"], true);
    let org = app.get(&format!("/api/orgs/{id}"), &c).await.body;
    assert_eq!(org["status"], "active");
    assert_eq!(org["accession_number"], "1.10");
    assert_eq!(org["accession_decision_id"], decided.body["id"]);
    let again = decide(&app, &c, &m, accession).await;
    assert_eq!((again.status, again.code()), (StatusCode::UNPROCESSABLE_ENTITY, "not_pending"));
    let log = app.get("/api/audit-log", &c).await.body;
    let entry = log.as_array().unwrap().iter().find(|e| e["action"] == "org.accession").unwrap();
    assert_eq!(entry["detail"]["decision_id"], decided.body["id"]);
    assert_eq!(entry["detail"]["accession_number"], "1.10");

    // Now it is invoiced, and the next release counts it (as a newcomer, held back).
    let run = app.post("/api/invoice-runs", &c, json!({"instalment": 1, "issue_date": "2025-09-05"})).await;
    assert_eq!(run.body["created"].as_array().unwrap().len(), 1, "{}", run.body);
    assert!(billed(&run.body));
    let second = app.post("/api/releases", &c, json!({"as_of": today()})).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    let rid = second.body["id"].as_str().unwrap();
    let audit = app.get(&format!("/api/releases/{rid}/audit"), &c).await.body;
    assert_eq!(audit["audit"]["held_back"][0]["organisation_id"], id.as_str(), "{audit}");
}

/// Bad votes get stable codes; members read outcomes only; the tally carries the weights,
/// the threshold and the note that the agreement does not define it.
#[tokio::test]
async fn decisions_are_counted_by_seat_weight_and_read_by_role() {
    let app = TestApp::sqlite().await;
    let c = app.coordinator().await;
    // Shares: universities 2 × 10 000 €, UAS 5 000 €, Kela 25 000 €: 20 000 : 5 000 : 25 000.
    let uni = app.org(&c, "Yliopisto", &business_id(1), "university").await;
    app.org(&c, "Toinen yliopisto", &business_id(2), "university").await;
    app.org(&c, "Amk", &business_id(3), "uas").await;
    app.org(&c, "Kela", "0246246-0", "kela").await;
    let member = app.user("jasen@example.fi", Role::Member, Some(uni["id"].as_str().unwrap().parse().unwrap())).await;
    let steering = app.user("ohjaus@example.fi", Role::Steering, None).await;
    let m = meeting(&app, &c, "2026-02-10").await;
    let vote = |seat: &str, v: &str| json!({"seat": seat, "vote": v});

    // Kela 25 000 yes; universities 20 000 no; UAS 5 000 abstains: 25 of 50 present: fails.
    let votes = json!([vote("kela", "yes"), vote("universities", "no"), vote("uas", "abstain")]);
    let failed = decide(&app, &c, &m, json!({"kind": "other", "title": "Viestintälinjaus", "votes": votes})).await;
    assert_eq!(failed.status, StatusCode::CREATED, "{}", failed.body);
    assert_eq!(failed.body["passed"], false);
    let tally = &failed.body["tally"];
    assert_eq!(tally["yes_weight"], 0.5);
    assert_eq!(tally["no_weight"], 0.4);
    assert_eq!(tally["abstain_weight"], 0.1);
    assert_eq!(tally["present_weight"], 1.0);
    assert_eq!(tally["threshold_ratio"], json!({"numerator": 2, "denominator": 3}));
    assert!(tally["threshold_note"].as_str().unwrap().contains("does not define"));

    // The UAS seat absent: 25 of 45 present (55.6 %) still fails; universities absent too:
    // 25 of 30 passes. Seats may be named as /api/cost-shares names them.
    let votes = json!([vote("Kela", "yes"), vote("universities", "no")]);
    let r = decide(&app, &c, &m, json!({"kind": "other", "title": "B", "votes": votes})).await;
    assert_eq!(r.body["passed"], false);
    let votes = json!([vote("Kela", "yes"), vote("universities of applied sciences", "no")]);
    let r = decide(&app, &c, &m, json!({"kind": "other", "title": "C", "votes": votes})).await;
    assert_eq!(r.body["passed"], true, "{}", r.body);
    assert_eq!(r.body["tally"]["present_weight"], 0.6);

    for (votes, code) in [
        (json!([vote("Ministry of Finance", "yes")]), "unknown_seat"),
        (json!([vote("kela", "yes"), vote("Kela", "no")]), "duplicate_vote"),
        (json!([vote("kela", "maybe")]), "invalid_vote"),
    ] {
        let r = decide(&app, &c, &m, json!({"kind": "other", "title": "X", "votes": votes})).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, code), "{}", r.body);
    }
    let r = decide(&app, &c, &m, json!({"kind": "vote", "title": "X", "votes": []})).await;
    assert_eq!(r.code(), "invalid_decision_kind");
    let r = decide(&app, &c, &m, json!({"kind": "accession", "title": "X", "votes": []})).await;
    assert_eq!(r.code(), "subject_required");
    let r =
        decide(&app, &c, "00000000-0000-0000-0000-000000000000", json!({"kind": "other", "title": "X", "votes": []}));
    assert_eq!(r.await.status, StatusCode::NOT_FOUND);

    // The register: the steering group sees tallies and votes, a member the outcomes only.
    let full = app.get("/api/decisions", &steering).await.body;
    assert_eq!(full.as_array().unwrap().len(), 3);
    assert!(full.as_array().unwrap().iter().all(|d| d["view"] == "full" && d["tally"].is_object()));
    assert_eq!(full[0]["date"], "2026-02-10");
    let summary = app.get("/api/decisions", &member).await.body;
    let text = summary.to_string();
    assert!(!text.contains("weight") && !text.contains("votes"), "{text}");
    let titles: Vec<&str> = summary.as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"Viestintälinjaus"));
    assert_eq!(summary[0]["view"], "summary");
    assert_eq!(app.get("/api/meetings", &member).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/meetings", &steering).await.body.as_array().unwrap().len(), 1);
}

/// §17 notice: the earliest effective date is max(notice + 3 months, joined + 1 year); a day
/// earlier is refused with that date, the date itself is accepted.
#[tokio::test]
async fn notice_is_refused_one_day_before_the_earliest_date() {
    let app = TestApp::sqlite().await;
    let c = app.coordinator().await;
    let org = app.org(&c, "Kela", "0246246-0", "kela").await;
    let path = format!("/api/orgs/{}/terminate", org["id"].as_str().unwrap());
    let notice = |effective: &str, notice_on: &str| json!({"kind": "notice", "effective_on": effective, "notice_on": notice_on, "ground": "organisation_changed"});
    // Joined 2025-09-01: a notice of 2026-03-15 could end it on 2026-06-15 but for the year.
    let early = app.post(&path, &c, notice("2026-08-31", "2026-03-15")).await;
    assert_eq!((early.status, early.code()), (StatusCode::UNPROCESSABLE_ENTITY, "termination_too_early"));
    assert!(early.body["error"]["message"].as_str().unwrap().contains("2026-09-01"), "{}", early.body);
    assert_eq!(early.body["earliest_effective_on"], "2026-09-01");
    // A notice of 2026-11-30: three calendar months is 2027-02-28.
    let early = app.post(&path, &c, notice("2027-02-27", "2026-11-30")).await;
    assert_eq!(early.body["earliest_effective_on"], "2027-02-28");
    let no_ground = json!({"kind": "notice", "effective_on": "2027-01-01", "notice_on": "2026-01-01"});
    assert_eq!(app.post(&path, &c, no_ground).await.code(), "ground_required");
    let no_date = json!({"kind": "notice", "effective_on": "2027-01-01", "ground": "majority_left"});
    assert_eq!(app.post(&path, &c, no_date).await.code(), "notice_date_required");

    let ok = app.post(&path, &c, notice("2026-09-01", "2026-03-15")).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        (ok.body["status"].as_str(), ok.body["status_effective_on"].as_str()),
        (Some("terminated"), Some("2026-09-01"))
    );
    let log = app.get("/api/audit-log", &c).await.body;
    let entry = log.as_array().unwrap().iter().find(|e| e["action"] == "org.terminate").unwrap();
    assert_eq!(entry["detail"]["ground"], "organisation_changed");
    assert_eq!(entry["detail"]["notice_on"], "2026-03-15");
}

/// §17 expulsion: only on the steering group's passed proposal for that party, and no
/// sooner than 30 days after the written notice of breach.
#[tokio::test]
async fn expulsion_needs_a_passed_proposal_and_the_cure_period() {
    let app = TestApp::sqlite().await;
    let c = app.coordinator().await;
    let bad = app.org(&c, "Rikkoja", &business_id(1), "university").await["id"].as_str().unwrap().to_string();
    let other = app.org(&c, "Muu", &business_id(2), "uas").await["id"].as_str().unwrap().to_string();
    let path = format!("/api/orgs/{bad}/terminate");
    let expel = |effective: &str, decision: Option<&str>| json!({"kind": "expelled", "effective_on": effective, "breach_notice_on": "2026-05-01", "decision_id": decision});
    let refused = app.post(&path, &c, expel("2026-06-30", None)).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "expulsion_proposal_required"));

    let m = meeting(&app, &c, "2026-05-20").await;
    let proposal = |subject: &str, votes: Value| json!({"kind": "expulsion_proposal", "title": "Erottamisesitys", "subject_id": subject, "votes": votes});
    // The universities' seat (10 000 €) for, UAS (5 000 €) against: exactly two thirds passes.
    let votes = json!([{"seat": "universities", "vote": "yes"}, {"seat": "uas", "vote": "no"}]);
    let rejected = decide(&app, &c, &m, proposal(&bad, json!([{"seat": "universities", "vote": "no"}]))).await;
    assert_eq!(rejected.body["passed"], false);
    let about_other = decide(&app, &c, &m, proposal(&other, votes.clone())).await;
    assert_eq!(about_other.body["passed"], true);
    assert_eq!(app.post(&path, &c, expel("2026-06-30", None)).await.code(), "expulsion_proposal_required");
    let rejected_id = rejected.body["id"].as_str().unwrap();
    assert_eq!(app.post(&path, &c, expel("2026-06-30", Some(rejected_id))).await.code(), "decision_not_passed");
    let other_id = about_other.body["id"].as_str().unwrap();
    assert_eq!(app.post(&path, &c, expel("2026-06-30", Some(other_id))).await.code(), "decision_for_another_party");

    let passed = decide(&app, &c, &m, proposal(&bad, votes)).await;
    assert_eq!(passed.body["passed"], true, "{}", passed.body);
    let id = passed.body["id"].as_str().unwrap();
    let no_breach = json!({"kind": "expelled", "effective_on": "2026-06-30", "decision_id": id});
    assert_eq!(app.post(&path, &c, no_breach).await.code(), "breach_notice_required");
    // A notice of breach dated after the proposal's meeting (20.5.) cannot be its ground.
    let late_notice =
        json!({"kind": "expelled", "effective_on": "2026-07-31", "breach_notice_on": "2026-05-21", "decision_id": id});
    let refused = app.post(&path, &c, late_notice).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "breach_notice_after_proposal"));
    assert!(refused.body["error"]["message"].as_str().unwrap().contains("2026-05-20"), "{}", refused.body);
    let early = app.post(&path, &c, expel("2026-05-30", Some(id))).await;
    assert_eq!((early.status, early.code()), (StatusCode::UNPROCESSABLE_ENTITY, "cure_period_not_over"));
    assert_eq!(early.body["earliest_effective_on"], "2026-05-31");
    assert!(early.body["error"]["message"].as_str().unwrap().contains("2026-05-31"));

    let ok = app.post(&path, &c, expel("2026-05-31", None)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["status"], "expelled");
    let log = app.get("/api/audit-log", &c).await.body;
    let entry = log.as_array().unwrap().iter().find(|e| e["action"] == "org.terminate").unwrap();
    assert_eq!(entry["detail"]["decision_id"], id);
    assert_eq!(entry["detail"]["breach_notice_on"], "2026-05-01");
}

/// Model and plan versions link to the decision that adopted them; a decision of another
/// kind or one that failed is refused. Run on both databases.
async fn versions_link_to_their_decisions(app: TestApp) {
    let c = app.coordinator().await;
    app.org(&c, "Yliopisto", &business_id(1), "university").await;
    let m = meeting(&app, &c, "2026-01-20").await;
    let model_decision = decide(
        &app,
        &c,
        &m,
        json!({"kind": "cost_share_model", "title": "Malli 2026", "votes": yes(&["universities"])}),
    );
    let model_decision = model_decision.await.body["id"].as_str().unwrap().to_string();
    let plan_decision =
        decide(&app, &c, &m, json!({"kind": "budget_plan", "title": "Talousarvio", "votes": yes(&["universities"])}));
    let plan_decision = plan_decision.await.body["id"].as_str().unwrap().to_string();

    let mut model = serde_json::to_value(lyhty_finance::CostShareModel::seeded()).unwrap();
    model["version"] = json!("2026-1");
    model["valid_from"] = json!("2026-02-01");
    model["fixed"]["university"] = json!(1_200_000);
    let wrong = app.post("/api/cost-share-models", &c, json!({"decision_id": plan_decision, "model": model})).await;
    assert_eq!((wrong.status, wrong.code()), (StatusCode::UNPROCESSABLE_ENTITY, "wrong_decision_kind"));
    let missing = app.post("/api/cost-share-models", &c, json!({"model": model})).await;
    assert_eq!(missing.code(), "decision_required");
    let added = app.post("/api/cost-share-models", &c, json!({"decision_id": model_decision, "model": model})).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(added.body["in_force"], true);
    let models = app.get("/api/cost-share-models", &c).await.body;
    let versions: Vec<(&str, &Value)> =
        models.as_array().unwrap().iter().map(|m| (m["version"].as_str().unwrap(), &m["decision_id"])).collect();
    assert_eq!(versions, [("2025-1", &Value::Null), ("2026-1", &json!(model_decision))]);
    // The version in force sets the shares.
    let shares = app.get("/api/cost-shares", &c).await.body;
    assert_eq!(shares["model"]["version"], "2026-1");
    assert_eq!(shares["parties"][0]["share_cents"], 1_200_000);

    let plan = json!({"approved_on": "2026-01-20", "lines": [{"year": 2026, "quarter": 1, "category": "platform", "amount_cents": 1_000_000}], "decision_id": plan_decision});
    let saved = app.call(axum::http::Method::PUT, "/api/budget-plan", Some(&c), Some(plan)).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    assert_eq!(saved.body["decision_id"], plan_decision.as_str());
    let old_style = json!({"approved_on": "2026-01-21", "lines": [{"year": 2026, "quarter": 1, "category": "platform", "amount_cents": 1_000_000}]});
    let saved = app.call(axum::http::Method::PUT, "/api/budget-plan", Some(&c), Some(old_style)).await;
    assert_eq!(saved.status, StatusCode::CREATED, "callers without a decision keep working");
    let wrong = json!({"approved_on": "2026-01-22", "lines": [{"year": 2026, "quarter": 1, "category": "platform", "amount_cents": 1_000_000}], "decision_id": model_decision});
    let wrong = app.call(axum::http::Method::PUT, "/api/budget-plan", Some(&c), Some(wrong)).await;
    assert_eq!(wrong.code(), "wrong_decision_kind");
    let plans = app.get("/api/budget-plan", &c).await.body;
    assert_eq!(plans["versions"][0]["decision_id"], plan_decision.as_str(), "{plans}");
}

#[tokio::test]
async fn versions_link_to_their_decisions_on_sqlite() {
    versions_link_to_their_decisions(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn versions_link_to_their_decisions_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        versions_link_to_their_decisions(app).await;
    }
}

/// The demo (`serve --demo`): the pending parties of `sample-data/pending.json`, a meeting
/// that approved the budget plan (linked from the plan version) and one that accepted the
/// first pending party as annex 1.43; the second stays pending.
#[tokio::test]
async fn the_demo_has_decisions_and_a_pending_party() {
    let app = TestApp::sqlite().await;
    let mut state = app.state.clone();
    let mut settings = (*state.settings).clone();
    settings.sample_data_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data");
    state.settings = std::sync::Arc::new(settings);
    let report = lyhty_api::demo::load(&state).await.unwrap();
    assert!(report.loaded);
    let c = app.coordinator().await;
    let orgs = app.get("/api/orgs", &c).await.body;
    let by_name = |name: &str| orgs.as_array().unwrap().iter().find(|o| o["name"] == name).unwrap().clone();
    let accepted = by_name("Etelärannikon yliopisto");
    assert_eq!((accepted["status"].as_str(), accepted["accession_number"].as_str()), (Some("active"), Some("1.43")));
    assert_eq!(by_name("Pohjoiskairan ammattikorkeakoulu")["status"], "pending");
    let register = app.get("/api/decisions", &c).await.body;
    let kinds: Vec<&str> = register.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["accession", "budget_plan"]);
    assert!(register.as_array().unwrap().iter().all(|d| d["passed"] == true));
    assert_eq!(accepted["accession_decision_id"], register[0]["id"]);
    let plan = app.get("/api/budget-plan", &c).await.body;
    assert_eq!(plan["versions"][0]["decision_id"], register[1]["id"]);
}
