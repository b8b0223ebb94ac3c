//! A release cut off on a date D includes what was accepted until 23:59:59 Finnish time on D
//! (NETWORK.md, "Personal data and retention"): the store is asked "as of" the UTC instant
//! `lyhty_domain::calendar::end_of_finnish_day(D)`, which is 21:59:59.999999 UTC in winter
//! and 20:59:59.999999 UTC in summer. Checked on SQLite and PostgreSQL with submissions
//! accepted at 23:30 Finnish time on D and at 00:30 Finnish time the next day (still D in
//! UTC), in winter (EET) and in summer (EEST).
//!
//! The acceptance instants are set by backdating the `current_inventory_log` rows through a
//! second connection (no sleeping, no clock in the store): the rows are in the order they
//! were made, so the log stays in time order as it is in production.

use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::calendar::end_of_finnish_day;
use lyhty_domain::licence::{ContractType, LicenceLine, LicenceType, PricePeriod};
use lyhty_domain::{BusinessId, Cents, OrgCategory, OrgId, SubmissionId};
use lyhty_store::{Actor, Backend, NewOrg, NewSubmission, Store, StoredStatus};
use sqlx::Connection;
use std::sync::Arc;

#[tokio::test]
async fn cut_off_follows_finnish_midnight_on_sqlite() {
    let (store, _dir, url) = lyhty_store::testing::fresh_sqlite().await;
    cut_off_follows_finnish_midnight(store, url).await;
}

#[tokio::test]
async fn cut_off_follows_finnish_midnight_on_postgres() {
    let Some((store, db)) = lyhty_store::testing::fresh_postgres().await else { return };
    cut_off_follows_finnish_midnight(store, db.url.clone()).await;
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn cut_off_follows_finnish_midnight(store: Arc<dyn Store>, url: String) {
    let a = org(&store, "A", "2228357-4").await;
    let b = org(&store, "B", "0245895-5").await;

    // Winter (EET, UTC+2): A at 23:30 on 15.1. (21:30 UTC), B at 00:30 on 16.1. (22:30 UTC
    // on the 15th).
    let a1 = accept(&store, &url, a, "a1", "2026-01-15T21:30:00Z").await;
    let b1 = accept(&store, &url, b, "b1", "2026-01-15T22:30:00Z").await;
    // Summer (EEST, UTC+3): A at 23:30 on 15.6. (20:30 UTC), B at 00:30 on 16.6. (21:30 UTC
    // on the 15th).
    let a2 = accept(&store, &url, a, "a2", "2026-06-15T20:30:00Z").await;
    let b2 = accept(&store, &url, b, "b2", "2026-06-15T21:30:00Z").await;

    let as_of = |d: NaiveDate| {
        let store = store.clone();
        async move {
            let mut v = store.current_submissions_as_of(end_of_finnish_day(d)).await.unwrap();
            v.sort();
            v
        }
    };
    let sorted = |mut v: Vec<(OrgId, SubmissionId)>| {
        v.sort();
        v
    };

    assert_eq!(as_of(day(2026, 1, 15)).await, [(a, a1)], "winter: 23:30 is in, 00:30 the next day is not");
    assert_eq!(as_of(day(2026, 1, 16)).await, sorted(vec![(a, a1), (b, b1)]));
    assert_eq!(as_of(day(2026, 6, 15)).await, sorted(vec![(a, a2), (b, b1)]), "summer: B's 00:30 upload waits");
    assert_eq!(as_of(day(2026, 6, 16)).await, sorted(vec![(a, a2), (b, b2)]));

    // The UTC day would have let B's after-midnight uploads in: the test tells them apart.
    let utc_end = utc("2026-06-15T23:59:59.999999Z");
    let mut by_utc = store.current_submissions_as_of(utc_end).await.unwrap();
    by_utc.sort();
    assert_eq!(by_utc, sorted(vec![(a, a2), (b, b2)]));

    // The lines a release reads follow the same boundary.
    let lines = store.current_lines_as_of(end_of_finnish_day(day(2026, 6, 15))).await.unwrap();
    let mut products: Vec<(OrgId, String)> = lines.into_iter().map(|(o, l)| (o, l.product)).collect();
    products.sort();
    assert_eq!(products, sorted_products(vec![(a, "a2".into()), (b, "b1".into())]));
    let own = store.org_lines_as_of(b, end_of_finnish_day(day(2026, 1, 15))).await.unwrap();
    assert!(own.is_empty(), "B had nothing current at the end of 15.1. in Finland");
}

fn sorted_products(mut v: Vec<(OrgId, String)>) -> Vec<(OrgId, String)> {
    v.sort();
    v
}

async fn org(store: &Arc<dyn Store>, name: &str, business_id: &str) -> OrgId {
    let new = NewOrg {
        name: name.into(),
        business_id: BusinessId::parse(business_id).unwrap(),
        category: OrgCategory::University,
        annual_budget_cents: None,
        budget_year: None,
        budget_source: None,
        joined_on: day(2025, 9, 1),
        accession_number: None,
        represented_by: None,
        einvoice_address: None,
        contact_name: None,
        contact_email: None,
        contact_phone: None,
        cost_share_cents: None,
    };
    store.create_org(&Actor::system("test"), &new).await.unwrap().id
}

/// Saves an accepted submission whose one line is named `name`, and records it as having
/// become current at `at`.
async fn accept(store: &Arc<dyn Store>, url: &str, org: OrgId, name: &str, at: &str) -> SubmissionId {
    let lines = vec![line(name)];
    let new = NewSubmission {
        org_id: org,
        file_name: format!("{name}.csv"),
        sha256: format!("sha-of-{name}"),
        file: name.as_bytes().to_vec(),
        status: StoredStatus::Accepted,
        report: serde_json::json!({ "status": "accepted", "lines": 1 }),
        annual_cost_cents: lines[0].annual_cost_cents,
        lines,
    };
    let saved = store.save_submission(&Actor::system("test"), &new).await.unwrap();
    let sql = "UPDATE current_inventory_log SET since = $1 WHERE submission_id = $2";
    let at = utc(at);
    let updated = match store.backend() {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query(sql).bind(at).bind(saved.id.0).execute(&mut c).await.unwrap().rows_affected()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(sql).bind(at).bind(saved.id.0).execute(&mut c).await.unwrap().rows_affected()
        }
    };
    assert_eq!(updated, 1);
    saved.id
}

fn line(product: &str) -> LicenceLine {
    LicenceLine {
        vendor: "Oracle".into(),
        vendor_canonical: "Oracle".into(),
        vendor_known: true,
        product: product.into(),
        sku: None,
        product_category: None,
        licence_type: LicenceType::EndUser,
        metric: None,
        quantity: 10,
        quantity_approximate: false,
        unit_price_cents: Some(Cents(100)),
        price_period: PricePeriod::Annual,
        annual_cost_cents: Cents(1000),
        annual_cost_derived: true,
        contract_type: ContractType::EnterpriseAgreement,
        contract_id: None,
        contract_start: None,
        contract_end: Some(day(2026, 12, 31)),
        review_date: None,
        notice_months: None,
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
