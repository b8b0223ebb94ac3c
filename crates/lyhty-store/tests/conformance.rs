//! One conformance suite, run against SQLite and PostgreSQL.
//!
//! Each check is an `async fn(Arc<dyn Store>)`; `conformance!` makes a SQLite test and a
//! PostgreSQL test of it. The PostgreSQL tests need `LYHTY_TEST_POSTGRES_URL` and fail
//! without it when `LYHTY_REQUIRE_POSTGRES=1` (as in CI).

use chrono::{Duration, NaiveDate, Utc};
use lyhty_domain::{BusinessId, Cents, OrgCategory, OrgStatus, Role, Termination, TerminationKind};
use lyhty_store::{Actor, AuditEvent, AuditQuery, Backend, NewOrg, NewUser, OrgPatch, Store, StoreError};
use sqlx::Connection;
use std::sync::Arc;

macro_rules! conformance {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $check() {
                    let (store, _dir, url) = lyhty_store::testing::fresh_sqlite().await;
                    assert_eq!(store.backend(), lyhty_store::Backend::Sqlite);
                    super::$check(store, url).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $check() {
                    let Some((store, db)) = lyhty_store::testing::fresh_postgres().await else { return };
                    assert_eq!(store.backend(), lyhty_store::Backend::Postgres);
                    super::$check(store, db.url.clone()).await;
                }
            )*
        }
    };
}

conformance!(
    orgs_round_trip,
    duplicate_business_id_is_a_conflict,
    representation_rules,
    patch_changes_only_what_it_names,
    termination_is_recorded_once,
    users_and_sign_in_lookup,
    closed_user_frees_the_email,
    login_failures_are_counted_and_pruned,
    every_write_is_audited,
    audit_log_is_append_only,
    migrations_are_idempotent,
);

fn actor() -> Actor {
    Actor::system("test")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn new_org(name: &str, business_id: &str, category: OrgCategory) -> NewOrg {
    NewOrg {
        name: name.into(),
        business_id: BusinessId::parse(business_id).unwrap(),
        category,
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
    }
}

async fn orgs_round_trip(store: Arc<dyn Store>, _url: String) {
    let mut org = new_org("Pirkanmaan hyvinvointialue", "3221308-6", OrgCategory::WellbeingCounty);
    org.annual_budget_cents = Some(Cents::euros(1_450_000_000));
    org.budget_year = Some(2025);
    org.budget_source = Some("TA 2025".into());
    org.accession_number = Some("1.3".into());
    org.einvoice_address = Some("0216:003732213086".into());
    org.contact_name = Some("Liisa Lisenssi".into());
    org.contact_email = Some("liisa@example.fi".into());
    let created = store.create_org(&actor(), &org).await.unwrap();
    assert_eq!(created.name, org.name);
    assert_eq!(created.annual_budget_cents, Some(Cents(145_000_000_000)));
    assert_eq!(created.status, OrgStatus::Active);
    assert_eq!(created.joined_on, day(2025, 9, 1));

    let fetched = store.get_org(created.id).await.unwrap().unwrap();
    assert_eq!(fetched, created);
    let by_id = store.find_org_by_business_id(&org.business_id).await.unwrap().unwrap();
    assert_eq!(by_id.id, created.id);

    store.create_org(&actor(), &new_org("Aalto-yliopisto", "2228357-4", OrgCategory::University)).await.unwrap();
    let names: Vec<String> = store.list_orgs().await.unwrap().into_iter().map(|o| o.name).collect();
    assert_eq!(names, ["Aalto-yliopisto", "Pirkanmaan hyvinvointialue"]);
    assert!(store.get_org(lyhty_domain::OrgId::new()).await.unwrap().is_none());
}

async fn duplicate_business_id_is_a_conflict(store: Arc<dyn Store>, _url: String) {
    store.create_org(&actor(), &new_org("A", "2228357-4", OrgCategory::University)).await.unwrap();
    let err = store.create_org(&actor(), &new_org("B", "2228357-4", OrgCategory::Uas)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { code: "duplicate_business_id", .. }), "{err:?}");
    assert_eq!(store.list_orgs().await.unwrap().len(), 1, "the refused party left nothing behind");
    let audited = store.list_audit(&AuditQuery { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(audited.len(), 1, "the refused write left no audit entry");
}

async fn representation_rules(store: Arc<dyn Store>, _url: String) {
    let valtori = store.create_org(&actor(), &new_org("Valtori", "2574261-7", OrgCategory::State)).await.unwrap();
    let mut agency = new_org("Virasto", "0245437-2", OrgCategory::State);
    agency.represented_by = Some(valtori.id);
    let agency = store.create_org(&actor(), &agency).await.unwrap();
    assert_eq!(agency.represented_by, Some(valtori.id));

    // Not two levels deep.
    let mut sub = new_org("Alavirasto", "2228357-4", OrgCategory::State);
    sub.represented_by = Some(agency.id);
    let err = store.create_org(&actor(), &sub).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid { code: "invalid_represented_by", .. }), "{err:?}");

    // A representative cannot become represented, nor represent itself.
    let patch = OrgPatch { represented_by: Some(Some(agency.id)), ..Default::default() };
    assert!(store.update_org(&actor(), valtori.id, &patch).await.is_err());
    let patch = OrgPatch { represented_by: Some(Some(valtori.id)), ..Default::default() };
    assert!(store.update_org(&actor(), valtori.id, &patch).await.is_err());

    // Unknown representative.
    let mut orphan = new_org("Orpo", "2228357-4", OrgCategory::State);
    orphan.represented_by = Some(lyhty_domain::OrgId::new());
    assert!(store.create_org(&actor(), &orphan).await.is_err());
}

async fn patch_changes_only_what_it_names(store: Arc<dyn Store>, _url: String) {
    let mut org = new_org("Helsingin kaupunki", "0201256-6", OrgCategory::LargeCity);
    org.contact_name = Some("Matti".into());
    org.annual_budget_cents = Some(Cents::euros(5_000_000_000));
    let org = store.create_org(&actor(), &org).await.unwrap();
    let patch = OrgPatch {
        annual_budget_cents: Some(Some(Cents::euros(5_100_000_000))),
        budget_year: Some(Some(2026)),
        contact_name: Some(None),
        ..Default::default()
    };
    let updated = store.update_org(&actor(), org.id, &patch).await.unwrap();
    assert_eq!(updated.annual_budget_cents, Some(Cents::euros(5_100_000_000)));
    assert_eq!(updated.budget_year, Some(2026));
    assert_eq!(updated.contact_name, None);
    assert_eq!(updated.name, "Helsingin kaupunki");
    assert_eq!(store.get_org(org.id).await.unwrap().unwrap(), updated);

    let other = store.create_org(&actor(), &new_org("Espoo", "0101263-6", OrgCategory::LargeCity)).await.unwrap();
    let clash = OrgPatch { business_id: Some(org.business_id.clone()), ..Default::default() };
    let err = store.update_org(&actor(), other.id, &clash).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { code: "duplicate_business_id", .. }), "{err:?}");
    let missing = store.update_org(&actor(), lyhty_domain::OrgId::new(), &patch).await.unwrap_err();
    assert!(matches!(missing, StoreError::NotFound));
}

async fn termination_is_recorded_once(store: Arc<dyn Store>, _url: String) {
    let org =
        store.create_org(&actor(), &new_org("Oulun yliopisto", "0245895-5", OrgCategory::University)).await.unwrap();
    let t = Termination { kind: TerminationKind::Notice, effective_on: day(2026, 6, 30) };
    let ended = store.terminate_org(&actor(), org.id, t).await.unwrap();
    assert_eq!(ended.status, OrgStatus::Terminated);
    assert_eq!(ended.status_effective_on, Some(day(2026, 6, 30)));
    assert!(ended.has_access_on(day(2026, 6, 29)));
    assert!(!ended.has_access_on(day(2026, 6, 30)));
    assert_eq!(store.get_org(org.id).await.unwrap().unwrap(), ended);
    let again = store
        .terminate_org(&actor(), org.id, Termination { kind: TerminationKind::Expelled, effective_on: day(2026, 7, 1) })
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict { code: "already_terminated", .. }), "{again:?}");
}

async fn users_and_sign_in_lookup(store: Arc<dyn Store>, _url: String) {
    let org = store.create_org(&actor(), &new_org("Kela", "0246246-0", OrgCategory::Kela)).await.unwrap();
    let member = NewUser {
        email: "  Maija.Meikalainen@Kela.FI ".into(),
        name: "Maija Meikäläinen".into(),
        role: Role::Member,
        org_id: Some(org.id),
        password_hash: "$argon2id$fake".into(),
    };
    let created = store.create_user(&actor(), &member).await.unwrap();
    assert_eq!(created.email, "maija.meikalainen@kela.fi");
    assert_eq!(created.org_id, Some(org.id));
    let (found, hash) = store.find_user_by_email("MAIJA.meikalainen@kela.fi").await.unwrap().unwrap();
    assert_eq!(found, created);
    assert_eq!(hash, "$argon2id$fake");
    assert_eq!(store.get_user(created.id).await.unwrap().unwrap(), created);

    let dup = store.create_user(&actor(), &member).await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict { code: "duplicate_email", .. }), "{dup:?}");

    // The database itself refuses a member without an organisation.
    let orphan = NewUser { email: "x@example.fi".into(), org_id: None, ..member.clone() };
    assert!(store.create_user(&actor(), &orphan).await.is_err());
    let unknown_org = NewUser { email: "y@example.fi".into(), org_id: Some(lyhty_domain::OrgId::new()), ..member };
    assert!(matches!(
        store.create_user(&actor(), &unknown_org).await.unwrap_err(),
        StoreError::Invalid { code: "unknown_org", .. }
    ));
    assert_eq!(store.count_users().await.unwrap(), 1);
    assert_eq!(store.list_users().await.unwrap(), vec![created]);
}

async fn closed_user_frees_the_email(store: Arc<dyn Store>, _url: String) {
    let user = NewUser {
        email: "ohjaus@example.fi".into(),
        name: "Ohjausryhmä".into(),
        role: Role::Steering,
        org_id: None,
        password_hash: "h".into(),
    };
    let first = store.create_user(&actor(), &user).await.unwrap();
    store.delete_user(&actor(), first.id).await.unwrap();
    assert!(store.get_user(first.id).await.unwrap().is_none());
    assert!(store.find_user_by_email(&user.email).await.unwrap().is_none());
    assert!(matches!(store.delete_user(&actor(), first.id).await.unwrap_err(), StoreError::NotFound));
    let second = store.create_user(&actor(), &user).await.unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(store.count_users().await.unwrap(), 1);
}

async fn login_failures_are_counted_and_pruned(store: Arc<dyn Store>, _url: String) {
    let now = Utc::now();
    for minutes in [1, 2, 3, 30] {
        store.record_login_failure("A@example.fi", now - Duration::minutes(minutes)).await.unwrap();
    }
    store.record_login_failure("b@example.fi", now).await.unwrap();
    assert_eq!(store.count_login_failures("a@example.fi", now - Duration::minutes(15)).await.unwrap(), 3);
    store.prune_login_failures(now - Duration::minutes(15), None).await.unwrap();
    assert_eq!(store.count_login_failures("a@example.fi", now - Duration::hours(1)).await.unwrap(), 3);
    store.prune_login_failures(now - Duration::minutes(15), Some("a@example.fi")).await.unwrap();
    assert_eq!(store.count_login_failures("a@example.fi", now - Duration::hours(1)).await.unwrap(), 0);
    assert_eq!(store.count_login_failures("b@example.fi", now - Duration::hours(1)).await.unwrap(), 1);
}

async fn every_write_is_audited(store: Arc<dyn Store>, _url: String) {
    let coordinator = store
        .create_user(
            &actor(),
            &NewUser {
                email: "koordinaattori@valtori.fi".into(),
                name: "K".into(),
                role: Role::Coordinator,
                org_id: None,
                password_hash: "h".into(),
            },
        )
        .await
        .unwrap();
    let by = Actor::user(&coordinator);
    let org =
        store.create_org(&by, &new_org("Tampereen yliopisto", "2844561-8", OrgCategory::University)).await.unwrap();
    store
        .update_org(&by, org.id, &OrgPatch { name: Some("Tampereen yliopisto Oy".into()), ..Default::default() })
        .await
        .unwrap();
    store
        .record_audit(
            &by,
            &AuditEvent {
                action: "inventory.read".into(),
                org_id: Some(org.id),
                subject: None,
                detail: serde_json::json!({ "lines": 12 }),
            },
        )
        .await
        .unwrap();
    let all = store.list_audit(&AuditQuery { limit: 100, ..Default::default() }).await.unwrap();
    let actions: Vec<&str> = all.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["inventory.read", "org.update", "org.create", "user.create"]);
    assert_eq!(all[0].actor_id, Some(coordinator.id));
    assert_eq!(all[0].actor_label, "koordinaattori@valtori.fi");
    assert_eq!(all[0].org_id, Some(org.id));
    assert_eq!(all[0].detail["lines"], 12);
    assert_eq!(all[1].detail["fields"], serde_json::json!(["name"]));
    assert_eq!(all[3].actor_label, "test");

    let for_org =
        store.list_audit(&AuditQuery { org_id: Some(org.id), limit: 100, ..Default::default() }).await.unwrap();
    assert_eq!(for_org.len(), 3);
    let page =
        store.list_audit(&AuditQuery { before_seq: Some(all[1].seq), limit: 1, ..Default::default() }).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].action, "org.create");
    let reads = store
        .list_audit(&AuditQuery { action: Some("inventory.read".into()), limit: 100, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(reads.len(), 1);
}

async fn audit_log_is_append_only(store: Arc<dyn Store>, url: String) {
    store.create_org(&actor(), &new_org("A", "2228357-4", OrgCategory::University)).await.unwrap();
    // The trait offers no way to change the log; the database must refuse it too, even to
    // a second connection that goes around the trait.
    for sql in ["UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"] {
        let refused = match store.backend() {
            Backend::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query(sql).execute(&mut c).await.is_err()
            }
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
                sqlx::query(sql).execute(&mut c).await.is_err()
            }
        };
        assert!(refused, "the database accepted {sql:?}");
    }
    let log = store.list_audit(&AuditQuery { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "org.create");
}

async fn migrations_are_idempotent(store: Arc<dyn Store>, _url: String) {
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
}
