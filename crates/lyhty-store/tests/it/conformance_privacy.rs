//! The personal-data section of the store (erasure, accession agreements, a party's files,
//! the audit log's time filter), run against SQLite and PostgreSQL like `conformance.rs`.
//!
//! The erasure checks read the tables back over a second connection that goes around the
//! trait: the person's name and address must be gone from the rows themselves.

use chrono::{Duration, NaiveDate, Utc};
use lyhty_domain::licence::{ContractType, LicenceLine, LicenceType, PricePeriod};
use lyhty_domain::{BusinessId, Cents, OrgCategory, OrgId, Role};
use lyhty_store::{
    Actor, AuditEvent, AuditQuery, Backend, NewAgreement, NewOrg, NewSubmission, NewUser, Store, StoreError,
    StoredStatus,
};
use sqlx::{Connection, Row};
use std::sync::Arc;

macro_rules! conformance {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $check() {
                    let (store, _dir, url) = lyhty_store::testing::fresh_sqlite().await;
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
    erasure_removes_the_person_from_every_line_user_contact_file_and_log_entry,
    erasure_of_someone_unknown_changes_nothing_but_is_recorded,
    agreements_are_stored_listed_and_kept_to_their_party,
    the_audit_log_filters_by_time,
    the_audit_log_can_be_redacted_but_not_rewritten,
);

const EMAIL: &str = "liisa.lisenssi@pirha.fi";
const NAME: &str = "Liisa Lisenssi";

fn actor() -> Actor {
    Actor::system("test")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn org(store: &Arc<dyn Store>, name: &str, business_id: &str, contact: Option<(&str, &str)>) -> OrgId {
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
        contact_name: contact.map(|c| c.0.to_string()),
        contact_email: contact.map(|c| c.1.to_string()),
        contact_phone: contact.map(|_| "+358 40 123 4567".to_string()),
        cost_share_cents: None,
    };
    store.create_org(&actor(), &new).await.unwrap().id
}

fn line(product: &str, contact: Option<&str>, email: Option<&str>) -> LicenceLine {
    LicenceLine {
        vendor: "Microsoft".into(),
        vendor_canonical: "Microsoft".into(),
        vendor_known: true,
        product: product.into(),
        sku: None,
        product_category: None,
        licence_type: LicenceType::EndUser,
        metric: None,
        quantity: 100,
        quantity_approximate: false,
        unit_price_cents: Some(Cents(3_250)),
        price_period: PricePeriod::Annual,
        annual_cost_cents: Cents(325_000),
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
        contact_name: contact.map(str::to_string),
        contact_email: email.map(str::to_string),
        in_use: None,
        notes: None,
        source_row: 2,
    }
}

fn submission(org: OrgId, name: &str, file: &str, lines: Vec<LicenceLine>, report: serde_json::Value) -> NewSubmission {
    let status = if lines.is_empty() { StoredStatus::Rejected } else { StoredStatus::Accepted };
    NewSubmission {
        org_id: org,
        file_name: name.into(),
        sha256: format!("sha-of-{name}"),
        file: file.as_bytes().to_vec(),
        status,
        report,
        annual_cost_cents: lines.iter().map(|l| l.annual_cost_cents).sum(),
        lines,
    }
}

/// The first column of every row of `sql`, as text, over a connection around the trait.
async fn column(backend: Backend, url: &str, sql: &str) -> Vec<String> {
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            let rows = sqlx::query(sql).fetch_all(&mut c).await.unwrap();
            rows.iter().map(|r| r.get::<Option<String>, _>(0).unwrap_or_default()).collect()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let rows = sqlx::query(sql).fetch_all(&mut c).await.unwrap();
            rows.iter().map(|r| r.get::<Option<String>, _>(0).unwrap_or_default()).collect()
        }
    }
}

fn mentions_person(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("liisa") || lower.contains("lisenssi@")
}

async fn erasure_removes_the_person_from_every_line_user_contact_file_and_log_entry(
    store: Arc<dyn Store>,
    url: String,
) {
    let pirha = org(&store, "Pirkanmaan hyvinvointialue", "3221308-6", Some((NAME, "Liisa.Lisenssi@PIRHA.fi"))).await;
    let other = org(&store, "Aalto-yliopisto", "2228357-4", Some(("Matti Meikäläinen", "matti@aalto.fi"))).await;
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string();
    let liisa = store
        .create_user(
            &actor(),
            &NewUser {
                email: EMAIL.into(),
                name: NAME.into(),
                role: Role::Member,
                org_id: Some(pirha),
                password_hash: hash.clone(),
            },
        )
        .await
        .unwrap();
    let matti = store
        .create_user(
            &actor(),
            &NewUser {
                email: "matti@aalto.fi".into(),
                name: "Matti".into(),
                role: Role::Member,
                org_id: Some(other),
                password_hash: hash,
            },
        )
        .await
        .unwrap();
    // Liisa uploads and reads as herself: her address becomes the audit log's actor label.
    let as_liisa = Actor::user(&liisa);
    let v1 = store
        .save_submission(
            &as_liisa,
            &submission(
                pirha,
                "v1.csv",
                "Toimittaja;Yhteyshenkilö;Sähköposti\nMicrosoft;Liisa Lisenssi;LIISA.LISENSSI@pirha.fi\n",
                vec![
                    line("Microsoft 365 E3", Some(NAME), Some("LIISA.LISENSSI@pirha.fi")),
                    line("Visio", Some(" liisa lisenssi "), None),
                    line("Project", Some("Matti Meikäläinen"), Some("matti@aalto.fi")),
                    line("Teams Rooms", Some(NAME), Some("someone.else@pirha.fi")),
                ],
                serde_json::json!({ "status": "accepted" }),
            ),
        )
        .await
        .unwrap();
    let rejected = store
        .save_submission(
            &actor(),
            &submission(
                pirha,
                "huono.xlsx",
                "PK zipped bytes in which the address cannot be seen",
                vec![],
                serde_json::json!({ "errors": [{ "row": 3, "column": "Sähköposti", "value": "LIISA.LISENSSI@pirha.fi (2)", "code": "invalid_email" }] }),
            ),
        )
        .await
        .unwrap();
    // A workbook whose lines have no contact, but a hidden sheet has her address.
    let hidden = store
        .save_submission(
            &actor(),
            &submission(pirha, "piilo.xlsx", "PK hidden sheet", vec![line("Excel", None, None)], serde_json::json!({})),
        )
        .await
        .unwrap();
    let v3 = store
        .save_submission(
            &actor(),
            &submission(
                pirha,
                "v3.csv",
                "Microsoft;Liisa",
                vec![line("Microsoft 365 E5", Some(NAME), Some(EMAIL))],
                serde_json::json!({}),
            ),
        )
        .await
        .unwrap();
    let others_file = store
        .save_submission(
            &actor(),
            &submission(
                other,
                "aalto.csv",
                "Microsoft;Matti;matti@aalto.fi",
                // A namesake of hers at another party, without an address.
                vec![line("Azure", Some("Matti Meikäläinen"), Some("matti@aalto.fi")), line("Visio", Some(NAME), None)],
                serde_json::json!({}),
            ),
        )
        .await
        .unwrap();
    store
        .record_audit(
            &as_liisa,
            &AuditEvent {
                action: "inventory.read".into(),
                org_id: Some(pirha),
                subject: None,
                detail: serde_json::json!({}),
            },
        )
        .await
        .unwrap();
    store.record_login_failure(EMAIL, Utc::now()).await.unwrap();

    // The caller says which files mention the address: here, the hidden sheet.
    let mentions = |bytes: &[u8]| bytes == b"PK hidden sheet".as_slice();
    let counts =
        store.erase_person(&Actor::system("koordinaattori"), " Liisa.Lisenssi@Pirha.FI ", &mentions).await.unwrap();

    assert_eq!(counts.users, 1);
    assert_eq!(counts.org_contacts, 1);
    // v1's line with her address, v1's line with her name and no address, v3's line.
    assert_eq!(counts.inventory_lines, 3);
    assert_eq!(counts.submission_reports, 1);
    assert_eq!(
        counts.submission_files, 4,
        "v1 and v3 by their lines, the rejected one by its report, one by the caller"
    );
    assert_eq!(counts.uploader_labels, 1, "v1 was uploaded by her");
    assert!(counts.audit_entries >= 3, "user.create, the upload and the read: {counts:?}");

    // Every line of every version: the licence stays, her name and address are gone.
    let lines = store.submission_lines(v1.id).await.unwrap();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines.iter().map(|l| l.quantity).sum::<u64>(), 400, "the licences are kept");
    assert_eq!((lines[0].contact_name.as_deref(), lines[0].contact_email.as_deref()), (None, None));
    assert_eq!((lines[1].contact_name.as_deref(), lines[1].contact_email.as_deref()), (None, None));
    assert_eq!(lines[2].contact_email.as_deref(), Some("matti@aalto.fi"), "someone else's contact stays");
    assert_eq!(
        lines[3].contact_email.as_deref(),
        Some("someone.else@pirha.fi"),
        "her name beside another address is that person's contact"
    );
    assert_eq!(store.submission_lines(v3.id).await.unwrap()[0].contact_email, None);
    let rows = column(store.backend(), &url, "SELECT CAST(line AS TEXT) FROM submission_lines").await;
    assert_eq!(rows.len(), 8);
    assert!(rows.iter().all(|r| !r.to_lowercase().contains("liisa.lisenssi@")), "{rows:?}");
    // Left naming her: her name beside another address, and a namesake at another party.
    assert_eq!(rows.iter().filter(|r| mentions_person(r)).count(), 2, "{rows:?}");
    assert_eq!(store.submission_lines(others_file.id).await.unwrap()[1].contact_name.as_deref(), Some(NAME));
    let reports = column(store.backend(), &url, "SELECT CAST(report AS TEXT) FROM submissions").await;
    assert!(reports.iter().all(|r| !mentions_person(r)), "{reports:?}");
    assert_eq!(store.get_submission(rejected.id).await.unwrap().unwrap().report["errors"][0]["value"], "[erased]");
    assert_eq!(store.get_submission(rejected.id).await.unwrap().unwrap().report["errors"][0]["row"], 3);

    // Her account: renamed, readdressed, closed; she cannot sign in; Matti is untouched.
    assert!(store.get_user(liisa.id).await.unwrap().is_none());
    assert!(store.find_user_by_email(EMAIL).await.unwrap().is_none());
    assert_eq!(store.get_user(matti.id).await.unwrap().unwrap().email, "matti@aalto.fi");
    let users = column(store.backend(), &url, "SELECT email || ' ' || name || ' ' || password_hash FROM users").await;
    assert_eq!(users.len(), 2);
    assert!(users.iter().all(|u| !mentions_person(u)), "{users:?}");
    assert!(users.iter().any(|u| u.starts_with("erased-") && u.contains("[erased] !erased")), "{users:?}");
    assert_eq!(store.count_login_failures(EMAIL, Utc::now() - Duration::hours(1)).await.unwrap(), 0);

    // The party's contact is cleared; another party's stays.
    let p = store.get_org(pirha).await.unwrap().unwrap();
    assert_eq!((p.contact_name, p.contact_email, p.contact_phone), (None, None, None));
    assert_eq!(store.get_org(other).await.unwrap().unwrap().contact_email.as_deref(), Some("matti@aalto.fi"));

    // Files: hers are erased (name and hash stay), the other party's is as received.
    let files = store.submission_files(pirha).await.unwrap();
    assert_eq!(files.len(), 4);
    assert_eq!(files[2].submission_id, hidden.id);
    assert!(files.iter().all(|f| f.erased_at.is_some() && f.bytes.is_empty()));
    assert_eq!(files[0].file_name, "v1.csv");
    assert_eq!(files[0].sha256, "sha-of-v1.csv");
    assert!(store.submission_file(v1.id).await.unwrap().is_none());
    let kept = store.submission_files(other).await.unwrap();
    assert_eq!((kept[0].erased_at, kept[0].bytes.as_slice()), (None, b"Microsoft;Matti;matti@aalto.fi".as_slice()));
    assert!(store.submission_file(others_file.id).await.unwrap().is_some());
    assert_eq!(store.get_submission(v1.id).await.unwrap().unwrap().uploaded_by_label, "[erased]");

    // The audit log: no entry names her any more, and the erasure is recorded with its
    // counts but without the address.
    let log = column(
        store.backend(),
        &url,
        "SELECT actor_label || ' ' || COALESCE(subject, '') || ' ' || COALESCE(CAST(detail AS TEXT), '') FROM audit_log",
    )
    .await;
    assert!(log.iter().all(|e| !mentions_person(e)), "{log:?}");
    let latest = store.list_audit(&AuditQuery { limit: 1, ..Default::default() }).await.unwrap();
    assert_eq!(latest[0].action, "person.erase");
    assert_eq!(latest[0].actor_label, "koordinaattori");
    assert_eq!(latest[0].subject, None);
    assert_eq!(latest[0].detail["records"], counts.total());
    assert_eq!(latest[0].detail["counts"]["inventory_lines"], 3);
    // Who did the earlier things is still known by account id.
    let reads = store
        .list_audit(&AuditQuery { action: Some("inventory.read".into()), limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!((reads[0].actor_id, reads[0].actor_label.as_str()), (Some(liisa.id), "[erased]"));
}

async fn erasure_of_someone_unknown_changes_nothing_but_is_recorded(store: Arc<dyn Store>, _url: String) {
    let a = org(&store, "A", "2228357-4", Some(("Matti", "matti@aalto.fi"))).await;
    store
        .save_submission(
            &actor(),
            &submission(
                a,
                "a.csv",
                "matti@aalto.fi",
                vec![line("Azure", Some("Matti"), Some("matti@aalto.fi"))],
                serde_json::json!({}),
            ),
        )
        .await
        .unwrap();
    let counts = store.erase_person(&actor(), "nobody@example.fi", &|_: &[u8]| false).await.unwrap();
    assert_eq!(counts.total(), 0);
    assert_eq!(store.get_org(a).await.unwrap().unwrap().contact_name.as_deref(), Some("Matti"));
    assert!(store.submission_files(a).await.unwrap()[0].erased_at.is_none());
    let log = store.list_audit(&AuditQuery { limit: 1, ..Default::default() }).await.unwrap();
    assert_eq!((log[0].action.as_str(), &log[0].detail["records"]), ("person.erase", &serde_json::json!(0)));
}

async fn agreements_are_stored_listed_and_kept_to_their_party(store: Arc<dyn Store>, _url: String) {
    let a = org(&store, "A", "2228357-4", None).await;
    let b = org(&store, "B", "0245895-5", None).await;
    let new = |org: OrgId, signed_on: NaiveDate, bytes: &[u8]| NewAgreement {
        org_id: org,
        file_name: "liittymissopimus.pdf".into(),
        sha256: "ab".repeat(32),
        signed_on,
        file: bytes.to_vec(),
    };
    let later = store.add_agreement(&actor(), &new(a, day(2025, 10, 1), b"%PDF-1.7 later")).await.unwrap();
    let first = store.add_agreement(&actor(), &new(a, day(2025, 8, 20), b"%PDF-1.7 first")).await.unwrap();
    assert_eq!((first.org_id, first.size_bytes, first.signed_on), (a, 14, day(2025, 8, 20)));
    let listed: Vec<_> = store.list_agreements(a).await.unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(listed, [first.id, later.id], "by signing date");
    assert!(store.list_agreements(b).await.unwrap().is_empty());
    let (meta, bytes) = store.agreement_file(a, later.id).await.unwrap().unwrap();
    assert_eq!((meta, bytes.as_slice()), (later.clone(), b"%PDF-1.7 later".as_slice()));
    assert!(store.agreement_file(b, later.id).await.unwrap().is_none(), "not through another party");
    let unknown = store.add_agreement(&actor(), &new(OrgId::new(), day(2025, 9, 1), b"%PDF-")).await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
    let log = store
        .list_audit(&AuditQuery { action: Some("agreement.add".into()), limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].org_id, Some(a));
}

async fn the_audit_log_filters_by_time(store: Arc<dyn Store>, _url: String) {
    org(&store, "A", "2228357-4", None).await;
    org(&store, "B", "0245895-5", None).await;
    let now = Utc::now();
    let query = |from, to| AuditQuery { from, to, limit: 100, ..Default::default() };
    assert_eq!(store.list_audit(&query(Some(now - Duration::hours(1)), None)).await.unwrap().len(), 2);
    assert_eq!(
        store.list_audit(&query(Some(now - Duration::hours(1)), Some(now + Duration::hours(1)))).await.unwrap().len(),
        2
    );
    assert!(store.list_audit(&query(Some(now + Duration::hours(1)), None)).await.unwrap().is_empty());
    assert!(store.list_audit(&query(None, Some(now - Duration::hours(1)))).await.unwrap().is_empty());
}

async fn the_audit_log_can_be_redacted_but_not_rewritten(store: Arc<dyn Store>, url: String) {
    org(&store, "A", "2228357-4", None).await;
    for sql in [
        "UPDATE audit_log SET action = 'forged'",
        "UPDATE audit_log SET actor_label = 'someone else'",
        "UPDATE audit_log SET at = at",
        "DELETE FROM audit_log",
    ] {
        let why = refusal(store.backend(), &url, sql).await;
        if sql.contains("at = at") {
            // Setting a column to itself is no change, and allowed.
            assert_eq!(why, "accepted", "{sql}");
        } else {
            assert!(why.contains("audit_log is append-only"), "{sql:?} refused for another reason: {why}");
        }
    }
    assert_eq!(refusal(store.backend(), &url, "UPDATE audit_log SET actor_label = '[erased]'").await, "accepted");
}

/// Runs `sql` around the trait: the database's refusal, or "accepted".
async fn refusal(backend: Backend, url: &str, sql: &str) -> String {
    let result = match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.map(drop)
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.map(drop)
        }
    };
    match result {
        Err(e) => e.to_string(),
        Ok(()) => "accepted".into(),
    }
}
