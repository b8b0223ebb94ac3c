//! Deadlines, renewal windows and the calendar feed through HTTP (NETWORK.md "Deadlines and
//! alerts"), on SQLite and PostgreSQL. The feed is read back with the `ical` crate's parser,
//! an RFC 5545 reader written independently of the writer we use.

use crate::common::TestApp;
use crate::common::releases::{business_id, inventory, publish_directly, submit};
use axum::http::{Method, StatusCode, header};
use chrono::NaiveDate;
use lyhty_domain::licence::{ContractType, LicenceLine, LicenceType, PricePeriod};
use lyhty_domain::{Cents, OrgId, Role, Termination, TerminationKind};
use lyhty_store::Actor;
use serde_json::{Value, json};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn line(vendor: &str, product: &str, end: &str, notice_months: Option<u16>) -> LicenceLine {
    LicenceLine {
        vendor: vendor.into(),
        vendor_canonical: vendor.into(),
        vendor_known: false,
        product: product.into(),
        sku: None,
        product_category: None,
        licence_type: LicenceType::EndUser,
        metric: None,
        quantity: 10,
        quantity_approximate: false,
        unit_price_cents: None,
        price_period: PricePeriod::Annual,
        annual_cost_cents: Cents(1_000_00),
        annual_cost_derived: false,
        contract_type: ContractType::Subscription,
        contract_id: None,
        contract_start: None,
        contract_end: Some(day(end)),
        review_date: None,
        notice_months,
        renewal: None,
        channel: None,
        reseller: None,
        contact_name: None,
        contact_email: None,
        in_use: None,
        notes: None,
        source_row: 2,
    }
}

/// The party's lines: a contract with a three-month notice period (notice deadline by hand:
/// 31 May 2031 minus three months is 28 February 2031), a review date, the same contract on
/// a second line, a vendor whose name needs escaping, and a contract that ended long ago.
fn own_lines() -> Vec<LicenceLine> {
    let mut reviewed = line("Adobe", "Acrobat Pro", "2031-08-31", None);
    reviewed.review_date = Some(day("2030-11-15"));
    vec![
        line("Microsoft", "Microsoft 365 E3", "2031-05-31", Some(3)),
        line("Microsoft", "Microsoft 365 E3", "2031-05-31", Some(3)),
        reviewed,
        line("Acme, Ltd; Nordic", "Suite\nPro", "2031-03-15", None),
        line("Oldsoft", "Legacy", "2020-01-31", Some(1)),
    ]
}

struct World {
    app: TestApp,
    coordinator: String,
    own: String,
    other: String,
    member: String,
    other_member: String,
}

async fn world(app: TestApp) -> World {
    let coordinator = app.coordinator().await;
    let own =
        app.org(&coordinator, "Oma kaupunki", "0245895-5", "university").await["id"].as_str().unwrap().to_string();
    let other =
        app.org(&coordinator, "Muu kaupunki", "2228357-4", "university").await["id"].as_str().unwrap().to_string();
    submit(&app, own.parse().unwrap(), own_lines()).await;
    submit(&app, other.parse().unwrap(), vec![line("Salainen Toimittaja", "Tuote", "2031-04-30", Some(2))]).await;
    let member = app.user("jasen@oma.example", Role::Member, Some(own.parse().unwrap())).await;
    let other_member = app.user("jasen@muu.example", Role::Member, Some(other.parse().unwrap())).await;
    World { app, coordinator, own, other, member, other_member }
}

/// GETs a feed without signing in; returns the status and the text.
async fn fetch(app: &TestApp, path: &str) -> (StatusCode, String, Value) {
    let reply = app.call(Method::GET, path, None, None).await;
    let text = reply.body.as_str().map(str::to_string).unwrap_or_default();
    (reply.status, text, reply.body)
}

async fn feed_path(app: &TestApp, token: &str, lang: &str) -> String {
    let reply = app.get(&format!("/api/me/calendar?lang={lang}"), token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["path"].as_str().unwrap().to_string()
}

/// The feed's events as (DTSTART with its VALUE, SUMMARY, UID), read by the `ical` crate.
fn parse(text: &str) -> (Vec<(String, String, String)>, Vec<String>) {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars.next().expect("one calendar").expect("the feed parses");
    assert!(calendars.next().is_none(), "exactly one calendar");
    let header: Vec<String> =
        calendar.properties.iter().map(|p| format!("{}:{}", p.name, p.value.clone().unwrap_or_default())).collect();
    let events = calendar
        .events
        .iter()
        .map(|e| {
            let get = |name: &str| e.properties.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no {name}"));
            let start = get("DTSTART");
            let value =
                start.params.as_ref().and_then(|ps| ps.iter().find(|(k, _)| k == "VALUE")).map(|(_, v)| v.join(","));
            (
                format!("{};{}", start.value.clone().unwrap(), value.unwrap_or_default()),
                get("SUMMARY").value.clone().unwrap(),
                get("UID").value.clone().unwrap(),
            )
        })
        .collect();
    (events, header)
}

async fn deadlines_and_feed(app: TestApp) {
    let w = world(app).await;
    let app = &w.app;

    // The member's upcoming deadlines, by date, the duplicate line once, the ended one out.
    let reply = app.get(&format!("/api/orgs/{}/deadlines", w.own), &w.member).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let got: Vec<(String, String, String)> = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().into(),
                d["kind"].as_str().unwrap().into(),
                d["vendor"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("2030-11-15", "review", "Adobe"),
        ("2031-02-28", "notice", "Microsoft"),
        ("2031-03-15", "contract_end", "Acme, Ltd; Nordic"),
        ("2031-05-31", "contract_end", "Microsoft"),
        ("2031-08-31", "contract_end", "Adobe"),
    ];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(got, expected);
    // `from` and `to` bound it, both included; a past window shows the ended contract.
    let window = app.get(&format!("/api/orgs/{}/deadlines?from=2031-02-28&to=2031-03-15", w.own), &w.member).await;
    assert_eq!(window.body.as_array().unwrap().len(), 2, "{}", window.body);
    let past = app.get(&format!("/api/orgs/{}/deadlines?from=2019-01-01&to=2020-12-31", w.own), &w.member).await;
    let kinds: Vec<&str> = past.body.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["notice", "contract_end"], "{}", past.body);
    let backwards = app.get(&format!("/api/orgs/{}/deadlines?from=2031-01-01&to=2030-01-01", w.own), &w.member).await;
    assert_eq!((backwards.status, backwards.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_date_range"));
    let bad = app.get(&format!("/api/orgs/{}/deadlines?from=yesterday", w.own), &w.member).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // Another party's deadlines are not the member's to see.
    let theirs = app.get(&format!("/api/orgs/{}/deadlines", w.other), &w.member).await;
    assert_eq!(theirs.status, StatusCode::FORBIDDEN);

    // The feed: the same address on every call, made on the first.
    let path = feed_path(app, &w.member, "fi").await;
    assert_eq!(feed_path(app, &w.member, "fi").await, path);
    assert!(path.starts_with("/api/calendar/") && path.contains(".ics?lang=fi"), "{path}");
    let token = path.trim_start_matches("/api/calendar/").split('.').next().unwrap();
    assert_eq!(token.len(), 64, "256 bits in hex");
    let with_host = app
        .send(
            axum::http::Request::get("/api/me/calendar")
                .header(header::AUTHORIZATION, format!("Bearer {}", w.member))
                .header(header::HOST, "lyhty.example.fi")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(with_host.body["url"], format!("https://lyhty.example.fi{path}"));

    let reply = app.call(Method::GET, &path, None, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "text/calendar; charset=utf-8");
    let (_, text, _) = fetch(app, &path).await;
    let (events, header) = parse(&text);
    assert!(header.iter().any(|h| h.starts_with("PRODID:-//Lyhty//")), "{header:?}");
    assert!(header.iter().any(|h| h == "X-WR-CALNAME:Lyhty – Oma kaupunki"), "{header:?}");
    // The notice deadline, computed from the contract end and the notice period, all day.
    let notice = events.iter().find(|(start, _, _)| start == "20310228;DATE").expect("the notice deadline");
    assert_eq!(notice.1, "Irtisanomisen viimeinen päivä: Microsoft – Microsoft 365 E3");
    assert!(events.iter().all(|(start, _, _)| start.ends_with(";DATE")), "all-day events: {events:?}");
    // Escaped on the wire, whole when read back (the parser leaves RFC 5545 escapes in).
    assert!(text.contains("Acme\\, Ltd\\; Nordic – Suite\\nPro"), "{text}");
    assert!(events.iter().any(|(_, s, _)| s.contains("Acme\\, Ltd\\; Nordic")), "{events:?}");
    // A year back is kept (the ended contract of 2020 is not), and nothing of the other party.
    assert!(!text.contains("Oldsoft"));
    assert!(!text.contains("Salainen"), "another party's deadlines never appear");
    // Stable UIDs: the same events again, so calendar apps update rather than add.
    let (again, _) = parse(&fetch(app, &path).await.1);
    let uids = |e: &[(String, String, String)]| e.iter().map(|x| x.2.clone()).collect::<Vec<_>>();
    assert_eq!(uids(&events), uids(&again));
    // The reader's language.
    let english = fetch(app, &path.replace("lang=fi", "lang=en")).await.1;
    assert!(english.contains("SUMMARY:Last day to give notice: Microsoft – Microsoft 365 E3"), "{english}");

    // The other member's feed has its own deadline and none of ours.
    let theirs = fetch(app, &feed_path(app, &w.other_member, "fi").await).await.1;
    assert!(theirs.contains("Salainen Toimittaja") && !theirs.contains("Microsoft"), "{theirs}");

    // Invoice due dates: the member's own; every party's for the coordinator.
    let run = app.post("/api/invoice-runs", &w.coordinator, json!({"instalment": 1, "issue_date": "2025-09-05"})).await;
    assert_eq!(run.status, StatusCode::CREATED, "{}", run.body);
    let number_of = |org: &str| {
        run.body["created"].as_array().unwrap().iter().find(|i| i["org_id"] == org).unwrap()["number"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (own_invoice, other_invoice) = (number_of(&w.own), number_of(&w.other));
    let text = fetch(app, &path).await.1;
    assert!(text.contains(&format!("Lasku erääntyy: {own_invoice}")), "{text}");
    assert!(!text.contains(&other_invoice), "another party's invoice never appears");
    let all = fetch(app, &feed_path(app, &w.coordinator, "fi").await).await.1;
    assert!(all.contains(&format!("Lasku erääntyy: {own_invoice} – Oma kaupunki")), "{all}");
    assert!(all.contains(&format!("Lasku erääntyy: {other_invoice} – Muu kaupunki")), "{all}");
    assert!(!all.contains("Microsoft"), "the coordinator's feed holds no party's deadlines");

    // Data requests' due dates for everyone; steering meetings only for those who read them.
    let request = app
        .post(
            "/api/data-requests",
            &w.coordinator,
            json!({"title": "Nykytila 2027", "opens_on": "2027-01-04", "due_on": "2027-02-26", "as_of": "2027-03-31"}),
        )
        .await;
    assert_eq!(request.status, StatusCode::CREATED, "{}", request.body);
    let meeting =
        app.post("/api/meetings", &w.coordinator, json!({"date": "2027-03-10", "title": "Kokous 1/2027"})).await;
    assert_eq!(meeting.status, StatusCode::CREATED, "{}", meeting.body);
    let (events, _) = parse(&fetch(app, &path).await.1);
    let due = events.iter().find(|(_, s, _)| s == "Tiedonkeruu päättyy: Nykytila 2027");
    assert_eq!(due.map(|e| e.0.as_str()), Some("20270226;DATE"), "{events:?}");
    assert!(!events.iter().any(|(_, s, _)| s.contains("Kokous 1/2027")), "members do not read the meetings");
    let (events, _) = parse(&fetch(app, &feed_path(app, &w.coordinator, "fi").await).await.1);
    let met = events.iter().find(|(_, s, _)| s == "Ohjausryhmän kokous: Kokous 1/2027");
    assert_eq!(met.map(|e| e.0.as_str()), Some("20270310;DATE"), "{events:?}");

    // Rotation: a new address; the old one is gone with a stable code.
    let rotated = app.post("/api/me/calendar/rotate?lang=fi", &w.member, json!({})).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let new_path = rotated.body["path"].as_str().unwrap().to_string();
    assert_ne!(new_path, path);
    let (status, _, body) = fetch(app, &path).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    assert_eq!(fetch(app, &new_path).await.0, StatusCode::OK);
    assert_eq!(feed_path(app, &w.member, "fi").await, new_path, "the new address is the one shown");
    // Nonsense is the same 404.
    for junk in ["/api/calendar/abc.ics", "/api/calendar/whatever", &new_path.replace(".ics", ".ical")] {
        assert_eq!(fetch(app, junk).await.0, StatusCode::NOT_FOUND, "{junk}");
    }

    // A closed account gets nothing from its feed.
    let users = app.get("/api/users", &w.coordinator).await;
    let id = users.body.as_array().unwrap().iter().find(|u| u["email"] == "jasen@oma.example").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let closed = app.call(Method::DELETE, &format!("/api/users/{id}"), Some(&w.coordinator), None).await;
    assert!(closed.status.is_success(), "{}", closed.body);
    assert_eq!(fetch(app, &new_path).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deadlines_and_feed_on_sqlite() {
    deadlines_and_feed(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn deadlines_and_feed_on_postgres() {
    let Some(app) = TestApp::postgres().await else { return };
    deadlines_and_feed(app).await;
}

#[tokio::test]
async fn a_party_whose_agreement_ended_gets_nothing_from_the_feed() {
    let w = world(TestApp::sqlite().await).await;
    let path = feed_path(&w.app, &w.other_member, "sv").await;
    assert_eq!(fetch(&w.app, &path).await.0, StatusCode::OK);
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(2);
    let ended = Termination::new(TerminationKind::Notice, yesterday);
    w.app.state.store.terminate_org(&Actor::system("test"), w.other.parse().unwrap(), ended).await.unwrap();
    let (status, text, _) = fetch(&w.app, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!text.contains("Salainen"));
}

#[tokio::test]
async fn the_feed_is_throttled_per_address() {
    let app = TestApp::sqlite().await;
    let statuses: Vec<StatusCode> = {
        let mut s = Vec::new();
        for n in 0..40 {
            s.push(fetch(&app, &format!("/api/calendar/{n:064x}.ics")).await.0);
        }
        s
    };
    assert!(statuses[..30].iter().all(|s| *s == StatusCode::NOT_FOUND), "{statuses:?}");
    assert!(statuses[30..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
}

/// The renewal windows come from published cells only: a cell that one party alone
/// contributes to is suppressed, and its value appears nowhere in the answer.
#[tokio::test]
async fn renewal_windows_never_show_a_suppressed_value() {
    let app = TestApp::sqlite().await;
    let coordinator = app.coordinator().await;
    let none = app.get("/api/renewals", &coordinator).await;
    assert_eq!((none.status, none.body["windows"].clone()), (StatusCode::OK, json!([])));
    let mut orgs: Vec<OrgId> = Vec::new();
    for n in 0..6 {
        let org = app.org(&coordinator, &format!("Yliopisto {n}"), &business_id(n), "university").await;
        orgs.push(org["id"].as_str().unwrap().parse().unwrap());
    }
    // One party alone renews a Microsoft contract in 2027: a value that must never show.
    const LONE_COST: i64 = 7_654_321;
    for (i, org) in orgs.iter().enumerate() {
        let mut lines = inventory(i as u32 + 1);
        if i == 0 {
            let mut lone = lines[0].clone();
            lone.product = "Dynamics 365".into();
            lone.contract_end = Some(day("2027-06-30"));
            lone.annual_cost_cents = Cents(LONE_COST);
            lines.push(lone);
        }
        submit(&app, *org, lines).await;
    }
    let release_id = publish_directly(&app, chrono::Utc::now().date_naive()).await;
    let release = app.get(&format!("/api/releases/{release_id}"), &coordinator).await.body;
    let table = release["tables"].as_array().unwrap().iter().find(|t| t["name"] == "vendor_by_renewal_year").unwrap();
    let cell = |vendor: &str, year: &str| {
        table["cells"].as_array().unwrap().iter().find(|c| c["vendor"] == vendor && c["renewal_year"] == year).cloned()
    };
    let lone = cell("Microsoft", "2027").expect("the lone cell");
    assert_eq!(lone["status"], "suppressed", "{lone}");

    let steering = app.user("ohjaus@example.fi", Role::Steering, None).await;
    let reply = app.get("/api/renewals", &steering).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["release_id"], release_id);
    let text = reply.body.to_string();
    assert!(!text.contains(&LONE_COST.to_string()), "the suppressed value leaked: {text}");
    let windows = reply.body["windows"].as_array().unwrap();
    let window = |vendor: &str, year: i64| windows.iter().find(|w| w["vendor"] == vendor && w["year"] == year);
    let lone_window = window("Microsoft", 2027).expect("a suppressed window is listed");
    assert_eq!(lone_window["status"], "suppressed");
    assert_eq!(
        (lone_window["annual_cost_cents"].clone(), lone_window["organisations"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(lone_window["annual_cost_range"], Value::Null, "below the frequency threshold: no range either");
    // Every window matches its cell: published values as published, suppressed ones blank.
    for w in windows {
        let c = cell(w["vendor"].as_str().unwrap(), &w["year"].to_string()).unwrap();
        assert_eq!(w["status"], c["status"], "{w} {c}");
        if c["status"] == "published" {
            assert_eq!((&w["annual_cost_cents"], &w["organisations"]), (&c["annual_cost_cents"], &c["organisations"]));
        } else {
            assert_eq!(w["annual_cost_cents"], Value::Null);
            assert_eq!(w["annual_cost_range"], c["range"].get("annual_cost_cents").cloned().unwrap_or(Value::Null));
        }
    }
    assert!(windows.iter().all(|w| w["year"] != "*" && w["status"] != "empty"));
}
