//! Data requests through HTTP (NETWORK.md "Data requests"): opening one, the tracker's
//! statuses as the days pass, and the reminders and weekly digest sent through a real SMTP
//! server on loopback (`common::smtp`) — each exactly once, also when two servers run the
//! job at the same time against one PostgreSQL database.

use crate::common::smtp::SmtpSink;
use crate::common::{Reply, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{Days, Months, NaiveDate};
use lyhty_api::reminders::{iso_week, run_once};
use lyhty_domain::Role;
use serde_json::{Value, json};

fn days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64)).unwrap()
    } else {
        d.checked_sub_days(Days::new((-n) as u64)).unwrap()
    }
}

fn fi_date(d: NaiveDate) -> String {
    d.format("%-d.%-m.%Y").to_string()
}

/// Uploads a valid inventory for `org` as `token`; with `contract_end`, a line whose
/// contract ends then with a three-month notice period.
async fn upload(app: &TestApp, token: &str, org: &str, contract_end: Option<NaiveDate>) -> Reply {
    let mut csv = String::from(
        "Toimittaja;Tuote;Lisenssityyppi;Määrä;Yksikköhinta;Sopimustyyppi;Sopimus päättyy;Irtisanomisaika (kk)\n\
         Microsoft;Microsoft 365 E3;loppukäyttäjä;100;32,50;EA;31.12.2030;\n",
    );
    if let Some(end) = contract_end {
        csv.push_str(&format!("Esri;ArcGIS Pro;loppukäyttäjä;40;700,00;tilaus;{};3\n", fi_date(end)));
    }
    let boundary = "requests-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lisenssit.csv\"\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let req = Request::post(format!("/api/orgs/{org}/submissions"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let reply = app.send(req).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply
}

async fn open_request(app: &TestApp, coordinator: &str, title: &str, opens: NaiveDate, due: NaiveDate) -> String {
    let body = json!({"title": title, "scope": {"vendors": null}, "opens_on": opens, "due_on": due,
        "as_of": days(due, 14)});
    let reply = app.post("/api/data-requests", coordinator, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["id"].as_str().unwrap().to_string()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// The tracker's `{org name: status}`.
fn statuses(request: &Value) -> Vec<(String, String)> {
    let mut s: Vec<(String, String)> = request["parties"]
        .as_array()
        .unwrap_or_else(|| panic!("no tracker in {request}"))
        .iter()
        .map(|p| (p["org_name"].as_str().unwrap().to_string(), p["status"].as_str().unwrap().to_string()))
        .collect();
    s.sort();
    s
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[tokio::test]
async fn the_tracker_shows_submitted_late_then_submitted_and_late() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let (a, b, _oulu) = (
        id(&app.org(&coordinator, "Aalto", "2228357-4", "university").await),
        id(&app.org(&coordinator, "Kela", "0246246-0", "kela").await),
        id(&app.org(&coordinator, "Oulu", "0245895-5", "university").await),
    );
    let member_a = app.user("a@aalto.fi", Role::Member, Some(a.parse().unwrap())).await;
    let member_b = app.user("b@kela.fi", Role::Member, Some(b.parse().unwrap())).await;
    let steering = app.user("s@example.fi", Role::Steering, None).await;
    let today = app.state.clock.today();
    let due = days(today, 5);
    let request = open_request(&app, &coordinator, "Nykytila 2027", days(today, -10), due).await;
    let path = format!("/api/data-requests/{request}");

    // Aalto submits before the due date.
    upload(&app, &member_a, &a, None).await;
    let before = app.get(&path, &coordinator).await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(before.body["current"], true);
    assert_eq!(
        statuses(&before.body),
        pairs(&[("Aalto", "submitted"), ("Kela", "not_started"), ("Oulu", "not_started")])
    );

    // The day after the due date: the two without an inventory are late.
    app.state.clock.set_today(days(due, 1));
    let after = app.get(&path, &coordinator).await;
    assert_eq!(statuses(&after.body), pairs(&[("Aalto", "submitted"), ("Kela", "late"), ("Oulu", "late")]));
    let aalto = after.body["parties"].as_array().unwrap().iter().find(|p| p["org_name"] == "Aalto").unwrap();
    assert_eq!(aalto["submitted_late"], false);
    assert!(aalto["submitted_at"].is_string());
    // A member sees its own status and no one else's; the steering group sees neither.
    let own = app.get(&path, &member_b).await;
    assert_eq!((own.body["status"].as_str(), own.body.get("parties")), (Some("late"), None));
    let listed = app.get("/api/data-requests", &member_a).await;
    assert_eq!(listed.body[0]["status"], "submitted");
    assert!(listed.body[0].get("parties").is_none(), "{}", listed.body);
    let network = app.get(&path, &steering).await;
    assert!(network.body.get("status").is_none() && network.body.get("parties").is_none(), "{}", network.body);

    // Kela submits late: submitted; Oulu never does and stays late.
    upload(&app, &member_b, &b, None).await;
    let end = app.get(&path, &coordinator).await;
    assert_eq!(statuses(&end.body), pairs(&[("Aalto", "submitted"), ("Kela", "submitted"), ("Oulu", "late")]));
    assert_eq!(app.get(&path, &member_b).await.body["status"], "submitted");
}

#[tokio::test]
async fn opening_a_request_is_checked_and_the_coordinators_alone() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let org = id(&app.org(&coordinator, "Kela", "0246246-0", "kela").await);
    let member = app.user("m@kela.fi", Role::Member, Some(org.parse().unwrap())).await;
    let good = json!({"title": "Nykytila", "opens_on": "2026-03-01", "due_on": "2026-03-31", "as_of": "2026-04-30"});
    assert_eq!(app.post("/api/data-requests", &member, good.clone()).await.status, StatusCode::FORBIDDEN);
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    for (body, code) in [
        (with("title", json!("  ")), "blank_title"),
        (with("due_on", json!("2026-02-28")), "due_before_opening"),
        (with("opens_on", json!("+200000-01-01")), "date_out_of_range"),
        (with("as_of", json!("2026-03-30")), "cut_off_before_due"),
        (with("scope", json!({"vendors": []})), "empty_vendor_scope"),
        (with("scope", json!({"vendors": ["  "]})), "invalid_vendor"),
    ] {
        let reply = app.post("/api/data-requests", &coordinator, body).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::UNPROCESSABLE_ENTITY, code), "{}", reply.body);
    }
    let bad_date = app.post("/api/data-requests", &coordinator, with("due_on", json!("31.3.2026"))).await;
    assert!(bad_date.status.is_client_error(), "{}", bad_date.body);
    // Vendors go through the catalogue: as written in a file, stored by canonical name, once.
    let scoped = app
        .post(
            "/api/data-requests",
            &coordinator,
            with("scope", json!({"vendors": ["Microsoft Oy", "microsoft", "Adobe Systems Software Ireland Ltd"]})),
        )
        .await;
    assert_eq!(scoped.status, StatusCode::CREATED, "{}", scoped.body);
    assert_eq!(scoped.body["scope"]["vendors"], json!(["Adobe", "Microsoft"]));
    let all = app.post("/api/data-requests", &coordinator, good).await;
    assert_eq!(all.body["scope"]["vendors"], Value::Null);
    let missing = app.get(&format!("/api/data-requests/{}", uuid_like()), &member).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

fn uuid_like() -> &'static str {
    "0190b5c2-7c2a-7000-8000-000000000000"
}

#[tokio::test]
async fn without_smtp_nothing_is_sent_and_the_ui_is_told() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let status = app.get("/api/mail/status", &coordinator).await;
    assert_eq!(status.body["configured"], false);
    assert_eq!(status.body["preferences"], json!({"lang": "fi", "weekly_digest": false}));
    let changed = app.call(Method::PATCH, "/api/me", Some(&coordinator), Some(json!({"weekly_digest": true}))).await;
    assert_eq!(changed.body, json!({"lang": "fi", "weekly_digest": true}));
    let bad = app.call(Method::PATCH, "/api/me", Some(&coordinator), Some(json!({"lang": "de"}))).await;
    assert_eq!(bad.code(), "invalid_lang");
    let today = app.state.clock.today();
    open_request(&app, &coordinator, "Nykytila", days(today, -1), days(today, 3)).await;
    let report = run_once(&app.state).await.unwrap();
    assert!(!report.configured);
    assert!(app.state.store.list_mail_claims().await.unwrap().is_empty());
}

fn to(m: &Value) -> &str {
    m["rcpt_to"][0].as_str().unwrap()
}

fn subjects_to<'a>(messages: &'a [Value], rcpt: &str) -> Vec<&'a str> {
    let mut s: Vec<&str> = messages.iter().filter(|m| to(m) == rcpt).map(|m| m["subject"].as_str().unwrap()).collect();
    s.sort();
    s
}

async fn prefer(app: &TestApp, token: &str, body: Value) {
    let reply = app.call(Method::PATCH, "/api/me", Some(token), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn reminders_reach_the_late_partys_users_once_in_their_language() {
    let Some(sink) = SmtpSink::start() else { return };
    let app = TestApp::sqlite_with(|s| {
        s.smtp_url = Some(sink.url());
        s.mail_from = "Lyhty <lyhty@valtori.example>".into();
    })
    .await;
    let coordinator = app.coordinator().await;
    assert_eq!(app.get("/api/mail/status", &coordinator).await.body["configured"], true);
    let kela = id(&app.org(&coordinator, "Kela", "0246246-0", "kela").await);
    let oulu = id(&app.org(&coordinator, "Oulun yliopisto", "0245895-5", "university").await);
    let anna = app.user("anna@kela.fi", Role::Member, Some(kela.parse().unwrap())).await;
    prefer(&app, &anna, json!({"lang": "sv"})).await;
    let matti = app.user("matti@kela.fi", Role::Member, Some(kela.parse().unwrap())).await;
    let olli = app.user("olli@oulu.fi", Role::Member, Some(oulu.parse().unwrap())).await;
    prefer(&app, &olli, json!({"lang": "en", "weekly_digest": true})).await;

    let today = app.state.clock.today();
    let due = days(today, 14);
    let contract_end = days(today, 20).checked_add_months(Months::new(3)).unwrap();
    let notice = contract_end.checked_sub_months(Months::new(3)).unwrap();
    upload(&app, &olli, &oulu, Some(contract_end)).await;
    open_request(&app, &coordinator, "Nykytila 2027", days(today, -7), due).await;

    // Fourteen days before: Kela's two users get the reminder, each in their language;
    // Oulu has submitted and gets only the digest Olli asked for; nobody else gets anything.
    app.state.clock.set_today(today);
    let first = run_once(&app.state).await.unwrap();
    assert_eq!((first.sent, first.failed), (3, 0), "{first:?}");
    let messages = sink.messages();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    let (d_fi, d_en) = (fi_date(due), due.to_string());
    assert_eq!(
        subjects_to(&messages, "anna@kela.fi"),
        [format!("Påminnelse: sista dag för datainsamlingen \"Nykytila 2027\" är {d_fi}")]
    );
    assert_eq!(
        subjects_to(&messages, "matti@kela.fi"),
        [format!("Muistutus: tietopyynnön \"Nykytila 2027\" määräaika on {d_fi}")]
    );
    let week = iso_week(today);
    assert_eq!(subjects_to(&messages, "olli@oulu.fi"), [format!("Lyhty: weekly digest {week}")]);
    let digest = messages.iter().find(|m| to(m) == "olli@oulu.fi").unwrap();
    let body = digest["body"].as_str().unwrap();
    assert!(body.contains(&format!("Nykytila 2027 (due {d_en}) — Submitted")), "{body}");
    assert!(body.contains(&format!("{notice}: Esri ArcGIS Pro")), "{body}");
    assert!(!body.contains("Microsoft"), "a contract ending in 2030 is not within 60 days: {body}");
    for m in &messages {
        assert_eq!(m["from"], "Lyhty <lyhty@valtori.example>");
        assert_eq!(m["content_type"], "text/plain");
    }
    let kela_mail = messages.iter().find(|m| to(m) == "matti@kela.fi").unwrap();
    assert!(kela_mail["body"].as_str().unwrap().contains("Kela"), "{kela_mail}");

    // The job again the same day (or the next hour): no second copy of anything.
    let again = run_once(&app.state).await.unwrap();
    assert_eq!((again.sent, again.already_claimed), (0, 3), "{again:?}");
    assert_eq!(sink.messages().len(), 3);

    // Three days before, and the day after the miss: one reminder of each to each of Kela's users.
    app.state.clock.set_today(days(due, -3));
    run_once(&app.state).await.unwrap();
    app.state.clock.set_today(days(due, 1));
    run_once(&app.state).await.unwrap();
    run_once(&app.state).await.unwrap();
    let messages = sink.messages();
    assert_eq!(
        subjects_to(&messages, "anna@kela.fi"),
        [
            format!("Datainsamlingen \"Nykytila 2027\" är försenad (sista dag var {d_fi})"),
            format!("Påminnelse: sista dag för datainsamlingen \"Nykytila 2027\" är {d_fi}"),
            format!("Påminnelse: sista dag för datainsamlingen \"Nykytila 2027\" är redan {d_fi}"),
        ]
    );
    assert_eq!(subjects_to(&messages, "matti@kela.fi").len(), 3);
    assert!(subjects_to(&messages, "koordinaattori@valtori.fi").is_empty());

    // Kela submits late: no more reminders for it.
    upload(&app, &matti, &kela, None).await;
    app.state.clock.set_today(days(due, 2));
    let before = sink.messages().len();
    run_once(&app.state).await.unwrap();
    let after = sink.messages();
    assert!(after.len() - before <= 1, "only Olli's digest of a new week may come");
    assert!(after[..].iter().filter(|m| to(m) != "olli@oulu.fi").count() == 6);
    let claims = app.state.store.list_mail_claims().await.unwrap();
    assert!(claims.iter().all(|c| c.status == "sent"), "{claims:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_sharing_postgres_send_each_message_once() {
    let Some(sink) = SmtpSink::start() else { return };
    let url = sink.url();
    let Some(app) = TestApp::postgres_with(|s| s.smtp_url = Some(url)).await else { return };
    let second = app.another_instance().await;
    assert!(second.state.mailer.is_some());
    let coordinator = app.coordinator().await;
    let kela = id(&app.org(&coordinator, "Kela", "0246246-0", "kela").await);
    let mut recipients = Vec::new();
    for n in 0..8 {
        let email = format!("user{n}@kela.fi");
        let token = app.user(&email, Role::Member, Some(kela.parse().unwrap())).await;
        let lang = ["fi", "sv", "en"][n % 3];
        prefer(&app, &token, json!({"lang": lang, "weekly_digest": n % 2 == 0})).await;
        recipients.push(email);
    }
    let today = app.state.clock.today();
    open_request(&app, &coordinator, "Nykytila", days(today, -20), days(today, 3)).await;
    for state in [&app.state, &second.state] {
        state.clock.set_today(today);
    }
    // Both servers run the job at the same moment, three hours running.
    let (mut sent, mut skipped) = (0, 0);
    for _ in 0..3 {
        let (a, b) = tokio::join!(run_once(&app.state), run_once(&second.state));
        let (a, b) = (a.unwrap(), b.unwrap());
        sent += a.sent + b.sent;
        skipped += a.already_claimed + b.already_claimed;
    }
    // Eight reminders and four digests, each sent by one server once.
    let messages = sink.messages();
    assert_eq!(messages.len(), 12, "{messages:#?}");
    assert_eq!((sent, skipped), (12, 12 * 5));
    for email in &recipients {
        let mine = subjects_to(&messages, email);
        let expected = if email.trim_start_matches("user").starts_with(['0', '2', '4', '6']) { 2 } else { 1 };
        assert_eq!(mine.len(), expected, "{email}: {mine:?}");
    }
    assert_eq!(
        subjects_to(&messages, "user1@kela.fi"),
        [format!("Påminnelse: sista dag för datainsamlingen \"Nykytila\" är redan {}", fi_date(days(today, 3)))]
    );
    let claims = second.state.store.list_mail_claims().await.unwrap();
    assert_eq!(claims.len(), 12);
    assert!(claims.iter().all(|c| c.status == "sent" && c.attempts == 1), "{claims:?}");
}
