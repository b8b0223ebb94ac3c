//! The conformance suite of the data-request and mail section (`backends/requests.rs`), run
//! against SQLite and PostgreSQL like `conformance.rs` (kept apart so neither file grows
//! past a screenful of screens).

use chrono::{Duration, NaiveDate, Utc};
use lyhty_domain::data_request::{NewDataRequest, RequestScope};
use lyhty_domain::{BusinessId, Lang, OrgCategory, Role, UserId};
use lyhty_store::{
    Actor, AuditQuery, MailKey, MailOutcome, NewOrg, NewSubmission, NewUser, Store, StoreError, StoredStatus,
    UserPreferences,
};
use std::sync::Arc;

macro_rules! conformance {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $check() {
                    let (store, _dir, _url) = lyhty_store::testing::fresh_sqlite().await;
                    super::$check(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    let Some((store, _db)) = lyhty_store::testing::fresh_postgres().await else { return };
                    super::$check(store).await;
                }
            )*
        }
    };
}

conformance!(
    data_requests_round_trip_latest_due_first,
    first_accepted_submissions_since_a_moment,
    preferences_default_and_change,
    a_message_is_claimed_once_and_a_failure_retried_a_few_times,
    racing_claims_of_one_message_give_it_to_one,
);

fn actor() -> Actor {
    Actor::system("test")
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn org(store: &Arc<dyn Store>, name: &str, business_id: &str) -> lyhty_domain::OrgId {
    let new = NewOrg {
        name: name.into(),
        business_id: BusinessId::parse(business_id).unwrap(),
        category: OrgCategory::University,
        annual_budget_cents: None,
        budget_year: None,
        budget_source: None,
        joined_on: day("2025-09-01"),
        accession_number: None,
        represented_by: None,
        einvoice_address: None,
        contact_name: None,
        contact_email: None,
        contact_phone: None,
        cost_share_cents: None,
    };
    store.create_org(&actor(), &new).await.unwrap().id
}

async fn user(store: &Arc<dyn Store>, email: &str) -> UserId {
    let new = NewUser {
        email: email.into(),
        name: email.into(),
        role: Role::Analyst,
        org_id: None,
        password_hash: "$argon2id$fake".into(),
    };
    store.create_user(&actor(), &new).await.unwrap().id
}

fn request(title: &str, due: &str, vendors: Option<Vec<String>>) -> NewDataRequest {
    NewDataRequest {
        title: title.into(),
        scope: RequestScope { vendors },
        opens_on: day("2026-03-01"),
        due_on: day(due),
        as_of: day("2026-06-30"),
    }
}

async fn data_requests_round_trip_latest_due_first(store: Arc<dyn Store>) {
    let spring = store.create_data_request(&actor(), &request("Kevät", "2026-03-31", None)).await.unwrap();
    let scoped = request("Microsoft", "2026-05-31", Some(vec!["Adobe".into(), "Microsoft".into()]));
    let may = store.create_data_request(&actor(), &scoped).await.unwrap();
    assert_eq!(may.scope.vendors, Some(vec!["Adobe".to_string(), "Microsoft".to_string()]));
    assert_eq!(
        (spring.opens_on, spring.due_on, spring.as_of),
        (day("2026-03-01"), day("2026-03-31"), day("2026-06-30"))
    );
    assert_eq!(store.get_data_request(spring.id).await.unwrap(), Some(spring.clone()));
    assert_eq!(store.get_data_request(lyhty_domain::DataRequestId::new()).await.unwrap(), None);
    assert_eq!(store.list_data_requests().await.unwrap(), vec![may, spring.clone()]);
    let audit = store
        .list_audit(&AuditQuery { action: Some("data_request.create".into()), limit: 10, ..AuditQuery::default() })
        .await
        .unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[1].subject.as_deref(), Some(spring.id.to_string().as_str()));
}

fn submission(org: lyhty_domain::OrgId, name: &str, status: StoredStatus) -> NewSubmission {
    NewSubmission {
        org_id: org,
        file_name: name.into(),
        sha256: format!("sha-of-{name}"),
        file: name.as_bytes().to_vec(),
        status,
        report: serde_json::json!({}),
        lines: Vec::new(),
        annual_cost_cents: lyhty_domain::Cents(0),
    }
}

async fn first_accepted_submissions_since_a_moment(store: Arc<dyn Store>) {
    let (a, b) = (org(&store, "A", "2228357-4").await, org(&store, "B", "0245895-5").await);
    let before = Utc::now() - Duration::seconds(1);
    let first = store.save_submission(&actor(), &submission(a, "a1.csv", StoredStatus::Accepted)).await.unwrap();
    store.save_submission(&actor(), &submission(a, "a2.csv", StoredStatus::Accepted)).await.unwrap();
    store.save_submission(&actor(), &submission(b, "b.csv", StoredStatus::Rejected)).await.unwrap();
    let since = store.first_accepted_since(before).await.unwrap();
    assert_eq!(since.len(), 1, "a rejected file is no submission: {since:?}");
    assert_eq!(since[0].0, a);
    // The first accepted one, to the microsecond the store keeps.
    assert!((since[0].1 - first.uploaded_at).num_milliseconds().abs() < 1, "{since:?} vs {}", first.uploaded_at);
    assert!(store.first_accepted_since(Utc::now() + Duration::seconds(5)).await.unwrap().is_empty());
}

async fn preferences_default_and_change(store: Arc<dyn Store>) {
    let u = user(&store, "anna@example.fi").await;
    assert_eq!(store.get_user_preferences(u).await.unwrap(), UserPreferences::default());
    assert_eq!(UserPreferences::default(), UserPreferences { lang: Lang::Fi, weekly_digest: false });
    let sv = UserPreferences { lang: Lang::Sv, weekly_digest: true };
    assert_eq!(store.put_user_preferences(&actor(), u, &sv).await.unwrap(), sv);
    assert_eq!(store.get_user_preferences(u).await.unwrap(), sv);
    let en = UserPreferences { lang: Lang::En, weekly_digest: false };
    store.put_user_preferences(&actor(), u, &en).await.unwrap();
    assert_eq!(store.list_user_preferences().await.unwrap(), vec![(u, en)]);
    let unknown = store.put_user_preferences(&actor(), UserId::new(), &en).await.unwrap_err();
    assert!(matches!(unknown, StoreError::Invalid { code: "unknown_user", .. }), "{unknown:?}");
}

fn key(user: UserId, subject: &str) -> MailKey {
    MailKey { kind: "reminder_due_in_3_days".into(), subject: subject.into(), user_id: user }
}

async fn a_message_is_claimed_once_and_a_failure_retried_a_few_times(store: Arc<dyn Store>) {
    let u = user(&store, "anna@example.fi").await;
    let (sent, failing) = (key(u, "request-1"), key(u, "request-2"));
    let now = Utc::now();
    assert!(store.claim_mail(&sent, now).await.unwrap());
    assert!(!store.claim_mail(&sent, now).await.unwrap(), "claimed and in flight");
    store.finish_mail(&sent, &MailOutcome::Sent, now).await.unwrap();
    assert!(!store.claim_mail(&sent, now).await.unwrap(), "sent");
    // A failed message is claimed again by later runs, three attempts in all.
    for attempt in 1..=3 {
        assert!(store.claim_mail(&failing, now).await.unwrap(), "attempt {attempt}");
        store.finish_mail(&failing, &MailOutcome::Failed("SMTP: connection refused".into()), now).await.unwrap();
    }
    assert!(!store.claim_mail(&failing, now).await.unwrap(), "given up after three attempts");
    let claims = store.list_mail_claims().await.unwrap();
    let by_subject = |s: &str| claims.iter().find(|c| c.subject == s).unwrap();
    assert_eq!((by_subject("request-1").status.as_str(), by_subject("request-1").attempts), ("sent", 1));
    let failed = by_subject("request-2");
    assert_eq!((failed.status.as_str(), failed.attempts), ("failed", 3));
    assert_eq!(failed.error.as_deref(), Some("SMTP: connection refused"));
}

async fn racing_claims_of_one_message_give_it_to_one(store: Arc<dyn Store>) {
    let u = user(&store, "anna@example.fi").await;
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move { store.claim_mail(&key(u, "race"), Utc::now()).await.unwrap() }));
    }
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.unwrap());
    }
    assert_eq!(won, 1);
}
