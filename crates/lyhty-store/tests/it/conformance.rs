//! One conformance suite, run against SQLite and PostgreSQL.
//!
//! Each check is an `async fn(Arc<dyn Store>)`; `conformance!` makes a SQLite test and a
//! PostgreSQL test of it. The PostgreSQL tests need `LYHTY_TEST_POSTGRES_URL` and fail
//! without it when `LYHTY_REQUIRE_POSTGRES=1` (as in CI).

use chrono::{Duration, NaiveDate, Utc};
use lyhty_domain::negotiation::{Negotiation, NegotiationStatus, RealisedSaving};
use lyhty_domain::spend::{Expense, ExpenseCategory, HourlyRate, Hours, PlanLine};
use lyhty_domain::{BusinessId, Cents, OrgCategory, OrgStatus, Role, Termination, TerminationKind};
use lyhty_store::{
    Actor, AuditEvent, AuditQuery, Backend, DraftInvoice, InvoiceKind, IssuedInvoice, ModelVersion, NewOrg, NewPayment,
    NewRelease, NewRun, NewUser, OrgPatch, PaymentSource, SelfContributionRecord, Store, StoreError,
};
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
    invoice_numbers_are_gapless_and_a_failed_run_gives_them_back,
    racing_runs_never_share_or_skip_a_number,
    credit_notes_free_the_instalment,
    payments_are_booked_once_per_bank_entry,
    model_versions_are_never_rewritten,
    submissions_make_versions_and_lines_round_trip,
    a_rejected_submission_is_no_version,
    racing_uploads_of_one_organisation_all_become_versions,
    restore_and_as_of_follow_the_current_pointer,
    vendor_aliases_are_put_and_listed,
    ledger_entries_are_append_only_and_reversed_once,
    hourly_rates_and_plan_versions_are_never_rewritten,
    releases_are_stored_immutably_in_date_order,
    negotiations_round_trip_and_change_only_from_the_judged_status,
    negotiation_documents_keep_their_bytes,
    savings_are_one_figure_per_negotiation_party_and_year,
    calendar_feeds_are_replaced_and_found_by_hash,
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
    let t = Termination::new(TerminationKind::Notice, day(2026, 6, 30));
    let ended = store.terminate_org(&actor(), org.id, t).await.unwrap();
    assert_eq!(ended.status, OrgStatus::Terminated);
    assert_eq!(ended.status_effective_on, Some(day(2026, 6, 30)));
    assert!(ended.has_access_on(day(2026, 6, 29)));
    assert!(!ended.has_access_on(day(2026, 6, 30)));
    assert_eq!(store.get_org(org.id).await.unwrap().unwrap(), ended);
    let again = store
        .terminate_org(&actor(), org.id, Termination::new(TerminationKind::Expelled, day(2026, 7, 1)))
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
        let why = refusal(store.backend(), &url, sql).await;
        assert!(why.contains("audit_log is append-only"), "{sql:?} refused for another reason: {why}");
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

// --- invoicing --------------------------------------------------------------------------

/// An issue callback that numbers `YYYY-NNNN` and bills `amount`.
fn draft(org: lyhty_domain::OrgId, instalments: Vec<u8>, amount: i64) -> DraftInvoice {
    DraftInvoice {
        org_id: org,
        instalments,
        issue_date: day(2025, 9, 5),
        issue: Box::new(move |year, seq| {
            let number = format!("{year}-{seq:04}");
            Ok(IssuedInvoice {
                reference: format!("{year}{seq:04}"),
                rf_reference: format!("RF00{year}{seq:04}"),
                barcode: None,
                amount_cents: Cents(amount),
                due_date: day(2025, 9, 26),
                document: serde_json::json!({ "number": number }),
                number,
            })
        }),
    }
}

fn run(instalment: u8) -> NewRun {
    NewRun {
        instalment,
        issue_date: day(2025, 9, 5),
        model_version: "2025-09".into(),
        overridden: false,
        summary: serde_json::json!({}),
    }
}

async fn three_orgs(store: &Arc<dyn Store>) -> Vec<lyhty_domain::OrgId> {
    let mut ids = Vec::new();
    for (name, bid) in [("A", "2228357-4"), ("B", "0245895-5"), ("C", "2844561-8")] {
        ids.push(store.create_org(&actor(), &new_org(name, bid, OrgCategory::University)).await.unwrap().id);
    }
    ids
}

async fn invoice_numbers_are_gapless_and_a_failed_run_gives_them_back(store: Arc<dyn Store>, _url: String) {
    let orgs = three_orgs(&store).await;
    let drafts = orgs.iter().map(|o| draft(*o, vec![1], 500_000)).collect();
    let first = store.record_invoice_run(&actor(), &run(1), drafts, &[]).await.unwrap();
    let numbers: Vec<&str> = first.invoices.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(numbers, ["2025-0001", "2025-0002", "2025-0003"]);
    assert_eq!(first.invoices[0].instalments, vec![1]);
    assert_eq!(first.invoices[0].kind, InvoiceKind::Invoice);
    assert_eq!(store.billed_instalments().await.unwrap().len(), 3);

    // Billing instalment 1 of A again fails the whole run: B's instalment 2 is not stored
    // and its number is given back.
    let clash = vec![draft(orgs[1], vec![2], 500_000), draft(orgs[0], vec![1], 500_000)];
    let err = store.record_invoice_run(&actor(), &run(2), clash, &[]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { code: "already_billed", .. }), "{err:?}");
    assert_eq!(store.list_invoices(None).await.unwrap().len(), 3);

    let second =
        store.record_invoice_run(&actor(), &run(2), vec![draft(orgs[1], vec![2], 500_000)], &[]).await.unwrap();
    assert_eq!(second.invoices[0].number, "2025-0004", "no gap after the failed run");
    assert_eq!(store.list_invoices(Some(orgs[1])).await.unwrap().len(), 2);
    assert_eq!(store.find_invoices_by_reference("20250004").await.unwrap()[0].id, second.invoices[0].id);

    // The coordinator's own instalment is booked once.
    let own = SelfContributionRecord {
        org_id: orgs[2],
        instalment: 2,
        amount_cents: Cents(20_000_000),
        paid_on: day(2026, 1, 9),
    };
    store.record_invoice_run(&actor(), &run(2), vec![], std::slice::from_ref(&own)).await.unwrap();
    assert_eq!(store.list_self_contributions().await.unwrap(), vec![own.clone()]);
    let again = store.record_invoice_run(&actor(), &run(2), vec![], &[own]).await.unwrap_err();
    assert!(matches!(again, StoreError::Conflict { code: "already_billed", .. }));
}

async fn racing_runs_never_share_or_skip_a_number(store: Arc<dyn Store>, _url: String) {
    let mut orgs = Vec::new();
    for i in 0..12u32 {
        let body = format!("{:07}", 1_000_000 + i * 7919);
        let Some(check) = BusinessId::check_digit(&body) else { continue };
        let org = new_org(&format!("Org {i}"), &format!("{body}-{check}"), OrgCategory::Uas);
        orgs.push(store.create_org(&actor(), &org).await.unwrap().id);
    }
    let tasks: Vec<_> = orgs
        .iter()
        .map(|org| {
            let (store, org) = (store.clone(), *org);
            tokio::spawn(async move {
                store.record_invoice_run(&actor(), &run(1), vec![draft(org, vec![1], 250_000)], &[]).await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let mut numbers: Vec<String> = store.list_invoices(None).await.unwrap().into_iter().map(|i| i.number).collect();
    numbers.sort();
    let expected: Vec<String> = (1..=orgs.len()).map(|n| format!("2025-{n:04}")).collect();
    assert_eq!(numbers, expected);
}

async fn credit_notes_free_the_instalment(store: Arc<dyn Store>, _url: String) {
    let orgs = three_orgs(&store).await;
    let first =
        store.record_invoice_run(&actor(), &run(1), vec![draft(orgs[0], vec![1, 2], 1_000_000)], &[]).await.unwrap();
    let invoice = &first.invoices[0];
    let note_fn = |amount: i64| draft(orgs[0], vec![], amount).issue;
    let note = store.record_credit_note(&actor(), invoice.id, day(2025, 10, 1), note_fn(-1_000_000)).await.unwrap();
    assert_eq!(note.kind, InvoiceKind::CreditNote);
    assert_eq!(note.credits, Some(invoice.id));
    assert_eq!(note.amount_cents, Cents(-1_000_000));
    assert_eq!(note.instalments, vec![1, 2]);
    assert_eq!(note.number, "2025-0002");
    assert!(store.get_invoice(invoice.id).await.unwrap().unwrap().credited);
    assert!(store.billed_instalments().await.unwrap().is_empty());

    let twice = store.record_credit_note(&actor(), invoice.id, day(2025, 10, 2), note_fn(-1)).await.unwrap_err();
    assert!(matches!(twice, StoreError::Conflict { code: "already_credited", .. }), "{twice:?}");
    let of_note = store.record_credit_note(&actor(), note.id, day(2025, 10, 2), note_fn(-1)).await.unwrap_err();
    assert!(matches!(of_note, StoreError::Invalid { code: "not_an_invoice", .. }), "{of_note:?}");
    // Billed again after the credit note.
    let rebilled =
        store.record_invoice_run(&actor(), &run(1), vec![draft(orgs[0], vec![1, 2], 1_000_000)], &[]).await.unwrap();
    assert_eq!(rebilled.invoices[0].number, "2025-0003");
}

async fn payments_are_booked_once_per_bank_entry(store: Arc<dyn Store>, _url: String) {
    let orgs = three_orgs(&store).await;
    let invoice = store
        .record_invoice_run(&actor(), &run(1), vec![draft(orgs[0], vec![1], 500_000)], &[])
        .await
        .unwrap()
        .invoices[0]
        .clone();
    let manual = NewPayment {
        invoice_id: invoice.id,
        amount_cents: Cents(200_000),
        paid_on: day(2025, 9, 20),
        reference: Some(invoice.reference.clone()),
        payer: Some("A".into()),
        source: PaymentSource::Manual,
        bank_entry: None,
    };
    let bank = NewPayment {
        amount_cents: Cents(300_000),
        source: PaymentSource::BankFile,
        bank_entry: Some("E-1".into()),
        ..manual.clone()
    };
    let stored = store.record_payments(&actor(), &[manual.clone(), bank.clone()]).await.unwrap();
    assert_eq!(stored.len(), 2);
    let again = store.record_payments(&actor(), &[bank]).await.unwrap();
    assert!(again.is_empty(), "the same bank entry is not booked twice");
    let payments = store.list_payments(Some(invoice.id)).await.unwrap();
    assert_eq!(payments.iter().map(|p| p.amount_cents).sum::<Cents>(), Cents(500_000));
    let unknown = NewPayment { invoice_id: lyhty_domain::InvoiceId::new(), ..manual };
    assert!(matches!(
        store.record_payments(&actor(), &[unknown]).await.unwrap_err(),
        StoreError::Invalid { code: "unknown_invoice", .. }
    ));
    assert_eq!(store.list_payments(None).await.unwrap().len(), 2, "the failed batch stored nothing");
}

async fn model_versions_are_never_rewritten(store: Arc<dyn Store>, _url: String) {
    let v = ModelVersion {
        version: "2025-09".into(),
        valid_from: day(2025, 9, 1),
        model: serde_json::json!({"budget_target": 150_000_000}),
        created_by: String::new(),
        created_at: Utc::now(),
        decision_id: None,
    };
    let stored = store.put_cost_share_model(&actor(), &v).await.unwrap();
    assert_eq!(stored.created_by, "test");
    let dup = store.put_cost_share_model(&actor(), &v).await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict { code: "duplicate_model_version", .. }));
    let later = ModelVersion { version: "2026-01".into(), valid_from: day(2026, 1, 1), ..v };
    store.put_cost_share_model(&actor(), &later).await.unwrap();
    let versions: Vec<String> = store.list_cost_share_models().await.unwrap().into_iter().map(|m| m.version).collect();
    assert_eq!(versions, ["2025-09", "2026-01"]);
}

// --- submissions --------------------------------------------------------------------------

fn line(vendor: &str, product: &str, cost_cents: i64) -> lyhty_domain::licence::LicenceLine {
    use lyhty_domain::licence::{ContractType, LicenceLine, LicenceType, PricePeriod};
    LicenceLine {
        vendor: vendor.into(),
        vendor_canonical: vendor.into(),
        vendor_known: true,
        product: product.into(),
        sku: None,
        product_category: None,
        licence_type: LicenceType::EndUser,
        metric: None,
        quantity: 10,
        quantity_approximate: false,
        unit_price_cents: Some(Cents(cost_cents / 10)),
        price_period: PricePeriod::Annual,
        annual_cost_cents: Cents(cost_cents),
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
        contact_name: Some("Liisa".into()),
        contact_email: None,
        in_use: None,
        notes: None,
        source_row: 2,
    }
}

fn submission(
    org: lyhty_domain::OrgId,
    name: &str,
    lines: Vec<lyhty_domain::licence::LicenceLine>,
) -> lyhty_store::NewSubmission {
    let cost = lines.iter().map(|l| l.annual_cost_cents).sum();
    lyhty_store::NewSubmission {
        org_id: org,
        file_name: name.into(),
        sha256: format!("sha-of-{name}"),
        file: name.as_bytes().to_vec(),
        status: lyhty_store::StoredStatus::Accepted,
        report: serde_json::json!({ "status": "accepted", "lines": lines.len() }),
        lines,
        annual_cost_cents: cost,
    }
}

async fn submissions_make_versions_and_lines_round_trip(store: Arc<dyn Store>, _url: String) {
    let org = store.create_org(&actor(), &new_org("A", "2228357-4", OrgCategory::University)).await.unwrap().id;
    assert!(store.current_submission(org).await.unwrap().is_none());
    // More lines than one insert batch, to cross the batching boundary.
    let many: Vec<_> = (0..1234).map(|i| line("Microsoft", &format!("Product {i}"), 1000 + i)).collect();
    let first = store.save_submission(&actor(), &submission(org, "v1.xlsx", many.clone())).await.unwrap();
    assert_eq!((first.version, first.line_count, first.is_current), (Some(1), 1234, true));
    assert_eq!(store.submission_lines(first.id).await.unwrap(), many, "lines come back whole and in order");
    let second = store
        .save_submission(&actor(), &submission(org, "v2.csv", vec![line("Adobe", "Acrobat", 5000)]))
        .await
        .unwrap();
    assert_eq!(second.version, Some(2));
    assert_eq!(store.current_submission(org).await.unwrap().unwrap().id, second.id);
    assert!(!store.get_submission(first.id).await.unwrap().unwrap().is_current);
    let history: Vec<Option<i32>> = store.list_submissions(org).await.unwrap().into_iter().map(|s| s.version).collect();
    assert_eq!(history, [Some(2), Some(1)]);
    let (name, bytes) = store.submission_file(first.id).await.unwrap().unwrap();
    assert_eq!((name.as_str(), bytes.as_slice()), ("v1.xlsx", b"v1.xlsx".as_slice()));
    assert_eq!(store.get_submission(second.id).await.unwrap().unwrap().report["status"], "accepted");
}

/// Uploads racing for one organisation's next version number, and for the write lock:
/// every one is stored, as versions 1…n without a gap or a repeat (issue #14: they used to
/// fail with "database is locked" on SQLite and `concurrent_submission` on PostgreSQL).
async fn racing_uploads_of_one_organisation_all_become_versions(store: Arc<dyn Store>, _url: String) {
    const UPLOADS: i32 = 24;
    let org = store.create_org(&actor(), &new_org("A", "2228357-4", OrgCategory::University)).await.unwrap().id;
    let mut uploads = tokio::task::JoinSet::new();
    for n in 0..UPLOADS {
        let store = store.clone();
        uploads.spawn(async move {
            let lines = vec![line("Microsoft", &format!("Tuote {n}"), 100), line("Adobe", "Acrobat", 200)];
            store.save_submission(&actor(), &submission(org, &format!("upload-{n}.csv"), lines)).await
        });
    }
    let mut versions = Vec::new();
    while let Some(done) = uploads.join_next().await {
        let stored = done.unwrap().expect("every racing upload is stored");
        assert_eq!(stored.line_count, 2);
        versions.push(stored.version.unwrap());
    }
    versions.sort_unstable();
    assert_eq!(versions, (1..=UPLOADS).collect::<Vec<_>>());
    let history = store.list_submissions(org).await.unwrap();
    assert_eq!(history.len(), UPLOADS as usize);
    for meta in &history {
        assert_eq!(store.submission_lines(meta.id).await.unwrap().len(), 2, "each upload's lines stored once");
    }
    let current = store.current_submission(org).await.unwrap().unwrap();
    assert_eq!(store.org_lines_as_of(org, Utc::now()).await.unwrap().len(), 2);
    assert!(current.is_current);
}

async fn a_rejected_submission_is_no_version(store: Arc<dyn Store>, _url: String) {
    let org = store.create_org(&actor(), &new_org("A", "2228357-4", OrgCategory::University)).await.unwrap().id;
    let good =
        store.save_submission(&actor(), &submission(org, "good.csv", vec![line("SAP", "S/4", 100)])).await.unwrap();
    let mut bad = submission(org, "bad.csv", vec![line("SAP", "S/4", 100)]);
    bad.status = lyhty_store::StoredStatus::Rejected;
    let rejected = store.save_submission(&actor(), &bad).await.unwrap();
    assert_eq!((rejected.version, rejected.line_count, rejected.is_current), (None, 0, false));
    assert_eq!(store.current_submission(org).await.unwrap().unwrap().id, good.id);
    let err = store.restore_submission(&actor(), rejected.id).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid { code: "not_a_version", .. }), "{err:?}");
    let unknown =
        store.save_submission(&actor(), &submission(lyhty_domain::OrgId::new(), "x", vec![])).await.unwrap_err();
    assert!(matches!(unknown, StoreError::NotFound));
    let log = store.list_audit(&AuditQuery { org_id: Some(org), limit: 10, ..Default::default() }).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["submission.rejected", "submission.accepted", "org.create"]);
}

async fn restore_and_as_of_follow_the_current_pointer(store: Arc<dyn Store>, _url: String) {
    let a = store.create_org(&actor(), &new_org("A", "2228357-4", OrgCategory::University)).await.unwrap().id;
    let b = store.create_org(&actor(), &new_org("B", "0245895-5", OrgCategory::Uas)).await.unwrap().id;
    let v1 = store.save_submission(&actor(), &submission(a, "a1", vec![line("Oracle", "DB", 1)])).await.unwrap();
    store
        .save_submission(&actor(), &submission(b, "b1", vec![line("Esri", "ArcGIS", 2), line("Esri", "Pro", 3)]))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let between = Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    store
        .save_submission(&actor(), &submission(a, "a2", vec![line("Oracle", "DB", 10), line("IBM", "Db2", 20)]))
        .await
        .unwrap();

    let now: Vec<(lyhty_domain::OrgId, String)> =
        store.current_lines_as_of(Utc::now()).await.unwrap().into_iter().map(|(o, l)| (o, l.product)).collect();
    assert_eq!(now.iter().filter(|(o, _)| *o == a).count(), 2);
    assert_eq!(now.iter().filter(|(o, _)| *o == b).count(), 2);
    let then = store.current_lines_as_of(between).await.unwrap();
    let a_then: Vec<&str> = then.iter().filter(|(o, _)| *o == a).map(|(_, l)| l.product.as_str()).collect();
    assert_eq!(a_then, ["DB"], "as of `between`, A's first version was current");
    let own_then: Vec<String> =
        store.org_lines_as_of(a, between).await.unwrap().into_iter().map(|l| l.product).collect();
    assert_eq!(own_then, ["DB"], "one organisation's lines as of `between`");
    assert_eq!(store.org_lines_as_of(a, Utc::now()).await.unwrap().len(), 2);
    assert!(store.org_lines_as_of(a, Utc::now() - Duration::days(1)).await.unwrap().is_empty());
    assert!(store.current_lines_as_of(Utc::now() - Duration::days(1)).await.unwrap().is_empty());
    // The version a release uses: A's first submission as of `between`, its second now.
    let versions_then = store.current_submissions_as_of(between).await.unwrap();
    assert!(versions_then.contains(&(a, v1.id)), "{versions_then:?}");
    assert_eq!(versions_then.len(), 2);
    let versions_now = store.current_submissions_as_of(Utc::now()).await.unwrap();
    assert!(!versions_now.contains(&(a, v1.id)) && versions_now.iter().any(|(o, _)| *o == a));

    let restored = store.restore_submission(&actor(), v1.id).await.unwrap();
    assert!(restored.is_current);
    let after: Vec<i64> = store
        .current_lines_as_of(Utc::now())
        .await
        .unwrap()
        .into_iter()
        .filter(|(o, _)| *o == a)
        .map(|(_, l)| l.annual_cost_cents.get())
        .collect();
    assert_eq!(after, [1]);
}

async fn vendor_aliases_are_put_and_listed(store: Arc<dyn Store>, _url: String) {
    store.put_vendor_alias(&actor(), "msft finland", "Microsoft").await.unwrap();
    store.put_vendor_alias(&actor(), "tietoevry", "Tietoevry").await.unwrap();
    store.put_vendor_alias(&actor(), "msft finland", "Microsoft Corporation").await.unwrap();
    let aliases: Vec<(String, String)> =
        store.list_vendor_aliases().await.unwrap().into_iter().map(|a| (a.alias, a.canonical)).collect();
    assert_eq!(
        aliases,
        [("msft finland".to_string(), "Microsoft Corporation".to_string()), ("tietoevry".into(), "Tietoevry".into())]
    );
}

// --- the spend ledger --------------------------------------------------------------------

fn expense(date: NaiveDate, category: ExpenseCategory, cents: i64) -> Expense {
    Expense {
        id: lyhty_domain::ExpenseId::new(),
        date,
        category,
        amount_cents: Cents(cents),
        description: "Kulu".into(),
        payee_org_id: None,
        payee: Some("Toimittaja Oy".into()),
        hours: None,
        rate_cents: None,
        document_ref: Some("T-1".into()),
        reverses: None,
    }
}

/// Runs `sql` on a second connection that goes around the trait; the database's message
/// when it refuses (the test asserts which refusal: a typo in `sql` is refused too), a
/// failure when it accepts.
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
        Ok(()) => panic!("the database accepted {sql:?}"),
    }
}

async fn ledger_entries_are_append_only_and_reversed_once(store: Arc<dyn Store>, url: String) {
    let kela = store.create_org(&actor(), &new_org("Kela", "0246246-0", OrgCategory::Kela)).await.unwrap();
    let mut personnel = expense(day(2026, 2, 10), ExpenseCategory::Personnel, 1_140_000);
    personnel.payee_org_id = Some(kela.id);
    personnel.payee = None;
    personnel.hours = Some(Hours(12_000));
    personnel.rate_cents = Some(Cents(9_500));
    let booked = store.record_expense(&actor(), &personnel).await.unwrap();
    assert_eq!(
        (booked.entry.hours, booked.entry.rate_cents, booked.entry.payee_org_id),
        (Some(Hours(12_000)), Some(Cents(9_500)), Some(kela.id))
    );
    assert_eq!(booked.created_by, "test");
    let legal =
        store.record_expense(&actor(), &expense(day(2026, 1, 15), ExpenseCategory::Legal, 248_000)).await.unwrap();
    assert_eq!(store.get_expense(legal.entry.id).await.unwrap().unwrap().entry.amount_cents, Cents(248_000));

    // A correction is a new entry naming the old one; a second reversal is refused.
    let mut reversal = expense(day(2026, 2, 1), ExpenseCategory::Legal, -248_000);
    reversal.reverses = Some(legal.entry.id);
    store.record_expense(&actor(), &reversal).await.unwrap();
    let mut again = expense(day(2026, 2, 2), ExpenseCategory::Legal, -248_000);
    again.reverses = Some(legal.entry.id);
    match store.record_expense(&actor(), &again).await {
        Err(StoreError::Conflict { code, .. }) => assert_eq!(code, "already_reversed"),
        other => panic!("expected already_reversed, got {other:?}"),
    }
    let mut ghost = expense(day(2026, 2, 2), ExpenseCategory::Other, 100);
    ghost.payee_org_id = Some(lyhty_domain::OrgId::new());
    match store.record_expense(&actor(), &ghost).await {
        Err(StoreError::Invalid { code, .. }) => assert_eq!(code, "unknown_reference"),
        other => panic!("expected unknown_reference, got {other:?}"),
    }
    // A personnel entry without hours is refused by the database itself.
    let mut no_hours = expense(day(2026, 2, 2), ExpenseCategory::Personnel, 100);
    no_hours.payee_org_id = Some(kela.id);
    assert!(store.record_expense(&actor(), &no_hours).await.is_err());

    let ledger = store.list_expenses().await.unwrap();
    let dates: Vec<(NaiveDate, i64)> = ledger.iter().map(|e| (e.entry.date, e.entry.amount_cents.get())).collect();
    assert_eq!(dates, [(day(2026, 1, 15), 248_000), (day(2026, 2, 1), -248_000), (day(2026, 2, 10), 1_140_000)]);
    assert_eq!(ledger[1].entry.reverses, Some(legal.entry.id));

    // Row triggers fire only on rows, so each table is tried with rows in it.
    for sql in ["UPDATE expenses SET amount_cents = 1", "DELETE FROM expenses"] {
        let why = refusal(store.backend(), &url, sql).await;
        assert!(why.contains("expenses is append-only") || why.contains("expenses are append-only"), "{sql:?}: {why}");
    }
    store.add_hourly_rate(&actor(), &rate(day(2025, 9, 1), 9_000)).await.unwrap();
    store.add_budget_plan(&actor(), day(2025, 9, 15), None, &[]).await.unwrap();
    for (sql, table) in [
        ("UPDATE hourly_rates SET rate_cents = 1", "hourly_rates"),
        ("DELETE FROM hourly_rates", "hourly_rates"),
        ("UPDATE budget_plans SET note = 'x'", "budget_plans"),
        ("DELETE FROM budget_plans", "budget_plans"),
    ] {
        let why = refusal(store.backend(), &url, sql).await;
        assert!(
            why.contains(&format!("{table} are append-only")) || why.contains(&format!("{table} is append-only")),
            "{sql:?}: {why}"
        );
    }
    assert_eq!(store.list_expenses().await.unwrap().len(), 3);
    let log = store.list_audit(&AuditQuery { limit: 50, ..Default::default() }).await.unwrap();
    assert!(log.iter().any(|e| e.action == "expense.reverse" && e.subject == Some(ledger[1].entry.id.to_string())));
    assert_eq!(log.iter().filter(|e| e.action == "expense.record").count(), 2);
}

fn rate(valid_from: NaiveDate, cents: i64) -> HourlyRate {
    HourlyRate { valid_from, rate_cents: Cents(cents), decision: Some("OR 1/2025".into()) }
}

async fn hourly_rates_and_plan_versions_are_never_rewritten(store: Arc<dyn Store>, _url: String) {
    store.add_hourly_rate(&actor(), &rate(day(2026, 1, 1), 9_500)).await.unwrap();
    store.add_hourly_rate(&actor(), &rate(day(2025, 9, 1), 9_000)).await.unwrap();
    match store.add_hourly_rate(&actor(), &rate(day(2026, 1, 1), 9_900)).await {
        Err(StoreError::Conflict { code, .. }) => assert_eq!(code, "duplicate_rate_date"),
        other => panic!("expected duplicate_rate_date, got {other:?}"),
    }
    let rates: Vec<(NaiveDate, i64)> =
        store.list_hourly_rates().await.unwrap().iter().map(|r| (r.rate.valid_from, r.rate.rate_cents.get())).collect();
    assert_eq!(rates, [(day(2025, 9, 1), 9_000), (day(2026, 1, 1), 9_500)]);

    assert!(store.list_budget_plans().await.unwrap().is_empty());
    let lines = [PlanLine { year: 2025, quarter: 4, category: ExpenseCategory::Personnel, amount_cents: Cents(100) }];
    let v1 = store.add_budget_plan(&actor(), day(2025, 9, 15), Some("OR 2/2025"), &lines).await.unwrap();
    let v2 = store.add_budget_plan(&actor(), day(2026, 3, 1), None, &[]).await.unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    let plans = store.list_budget_plans().await.unwrap();
    assert_eq!(plans.len(), 2);
    assert_eq!((plans[0].note.as_deref(), &plans[0].lines[..]), (Some("OR 2/2025"), &lines[..]));
    assert_eq!(plans[1].approved_on, day(2026, 3, 1));
}

fn new_release(as_of: NaiveDate, tag: &str) -> NewRelease {
    NewRelease {
        id: uuid::Uuid::now_v7(),
        as_of,
        created_at: Utc::now(),
        // Key order matters to tools that diff releases: it must come back byte for byte.
        release_json: format!(
            r#"{{"id":"x","tables":[{{"name":"vendor","cells":[{{"vendor":"{tag}","status":"published"}}]}}]}}"#
        ),
        audit: serde_json::json!({"passed": true, "violations": []}),
        params: serde_json::json!({"min_orgs": 3, "p_percent": 15}),
        stats: serde_json::json!({"cells": 12}),
        contributions: format!(r#"{{"orgs":["{tag}"]}}"#),
    }
}

async fn releases_are_stored_immutably_in_date_order(store: Arc<dyn Store>, url: String) {
    let first = new_release(day(2026, 3, 31), "first");
    let saved = store.save_release(&actor(), &first).await.unwrap();
    assert_eq!(saved.created_by, "test");
    let got = store.get_release(first.id).await.unwrap().unwrap();
    assert_eq!(got.release_json, first.release_json);
    assert_eq!(got.audit, first.audit);
    assert_eq!(got.params, first.params);
    assert_eq!(got.stats, first.stats);
    assert_eq!(got.summary.as_of, first.as_of);
    assert!(store.get_release(uuid::Uuid::now_v7()).await.unwrap().is_none());

    // An earlier cut-off is refused; nothing is stored.
    let err = store.save_release(&actor(), &new_release(day(2025, 12, 31), "again")).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { code: "release_not_after_previous", .. }), "{err:?}");
    // The same cut-off is a correction: stored, and ordered after the first by creation.
    let mut correction = new_release(day(2026, 3, 31), "correction");
    correction.created_at = first.created_at + chrono::Duration::seconds(1);
    store.save_release(&actor(), &correction).await.unwrap();
    let second = new_release(day(2026, 6, 30), "second");
    store.save_release(&actor(), &second).await.unwrap();
    let list = store.list_releases().await.unwrap();
    assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), [second.id, correction.id, first.id]);
    let snapshots = store.release_contributions().await.unwrap();
    assert_eq!(snapshots.iter().map(|s| s.0.id).collect::<Vec<_>>(), [first.id, correction.id, second.id]);
    assert_eq!(snapshots[0].1, first.contributions);
    // The whole of every earlier release, oldest first, as a new release is audited against.
    let earlier = store.earlier_releases().await.unwrap();
    let whole: Vec<_> = earlier.iter().map(|(r, c)| (r.summary.id, r.release_json.as_str(), c.as_str())).collect();
    assert_eq!(
        whole,
        [
            (first.id, first.release_json.as_str(), first.contributions.as_str()),
            (correction.id, correction.release_json.as_str(), correction.contributions.as_str()),
            (second.id, second.release_json.as_str(), second.contributions.as_str())
        ]
    );
    assert_eq!((&earlier[2].0.audit, &earlier[2].0.stats), (&second.audit, &second.stats));

    // Publishing is audited.
    let log = store
        .list_audit(&AuditQuery { action: Some("release.publish".into()), limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(log.len(), 3);

    // The database itself refuses to change or remove a release.
    for sql in ["UPDATE releases SET release_json = '{}'", "DELETE FROM releases"] {
        let why = refusal(store.backend(), &url, sql).await;
        assert!(why.contains("releases are immutable"), "{sql:?} refused for another reason: {why}");
    }
    assert_eq!(store.get_release(first.id).await.unwrap().unwrap().release_json, first.release_json);
}

// --- negotiations and savings -------------------------------------------------------------

fn negotiation(status: NegotiationStatus, org_ids: Vec<lyhty_domain::OrgId>) -> Negotiation {
    let now = Utc::now();
    Negotiation {
        id: uuid::Uuid::now_v7(),
        vendor: "Microsoft".into(),
        title: "Microsoft 365 2026–2028".into(),
        status,
        started_on: Some(day(2025, 10, 1)),
        concluded_on: (status == NegotiationStatus::Concluded).then(|| day(2026, 2, 27)),
        org_ids,
        outcome: (status == NegotiationStatus::Concluded).then(|| "E3 9 % halvemmalla".into()),
        lessons: (status == NegotiationStatus::Concluded).then(|| "Aloita ajoissa.\nYksi yhteyshenkilö.".into()),
        estimated_annual_saving_cents: (status == NegotiationStatus::Concluded).then_some(Cents::euros(240_000)),
        created_at: now,
        updated_at: now,
    }
}

/// Equal but for the timestamps (PostgreSQL keeps microseconds).
fn same_negotiation(a: &Negotiation, b: &Negotiation) {
    let strip = |n: &Negotiation| Negotiation {
        created_at: chrono::DateTime::<Utc>::UNIX_EPOCH,
        updated_at: chrono::DateTime::<Utc>::UNIX_EPOCH,
        ..n.clone()
    };
    assert_eq!(strip(a), strip(b));
}

async fn negotiations_round_trip_and_change_only_from_the_judged_status(store: Arc<dyn Store>, _url: String) {
    let orgs = three_orgs(&store).await;
    let first = negotiation(NegotiationStatus::Ongoing, vec![orgs[0], orgs[1]]);
    let stored = store.create_negotiation(&actor(), &first).await.unwrap();
    same_negotiation(&stored, &first);
    let second =
        store.create_negotiation(&actor(), &negotiation(NegotiationStatus::Concluded, orgs.clone())).await.unwrap();
    assert_eq!(second.org_ids, orgs);
    assert_eq!(second.estimated_annual_saving_cents, Some(Cents(24_000_000)));
    assert_eq!(second.lessons.as_deref(), Some("Aloita ajoissa.\nYksi yhteyshenkilö."));
    assert!(store.get_negotiation(uuid::Uuid::now_v7()).await.unwrap().is_none());
    let ids: Vec<uuid::Uuid> = store.list_negotiations().await.unwrap().iter().map(|n| n.id).collect();
    assert_eq!(ids, [second.id, first.id], "newest first");

    // Concluding it, judged against its stored status.
    let mut concluded = stored.clone();
    concluded.status = NegotiationStatus::Concluded;
    concluded.concluded_on = Some(day(2026, 3, 1));
    concluded.outcome = Some("Sovittu".into());
    let updated = store.update_negotiation(&actor(), &concluded, NegotiationStatus::Ongoing).await.unwrap();
    same_negotiation(&updated, &concluded);
    same_negotiation(&store.get_negotiation(first.id).await.unwrap().unwrap(), &concluded);
    // A second writer that judged the ongoing status meanwhile is refused, and changes nothing.
    let mut abandoned = stored.clone();
    abandoned.status = NegotiationStatus::Abandoned;
    let e = store.update_negotiation(&actor(), &abandoned, NegotiationStatus::Ongoing).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict { code: "negotiation_changed", .. }), "{e:?}");
    assert_eq!(store.get_negotiation(first.id).await.unwrap().unwrap().status, NegotiationStatus::Concluded);
    let mut ghost = stored.clone();
    ghost.id = uuid::Uuid::now_v7();
    assert!(matches!(
        store.update_negotiation(&actor(), &ghost, NegotiationStatus::Ongoing).await,
        Err(StoreError::NotFound)
    ));
    let log = store.list_audit(&AuditQuery { limit: 10, ..Default::default() }).await.unwrap();
    let actions: Vec<&str> = log.iter().take(3).map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["negotiation.update", "negotiation.create", "negotiation.create"]);
}

async fn negotiation_documents_keep_their_bytes(store: Arc<dyn Store>, _url: String) {
    let n = store.create_negotiation(&actor(), &negotiation(NegotiationStatus::Ongoing, vec![])).await.unwrap();
    let pdf: Vec<u8> = b"%PDF-1.7\n".iter().copied().chain((0..=255u8).cycle().take(70_000)).collect();
    let doc = store.add_negotiation_document(&actor(), n.id, "Tarjous ä.pdf", "application/pdf", &pdf).await.unwrap();
    assert_eq!((doc.negotiation_id, doc.size_bytes, doc.uploaded_by.as_str()), (n.id, 70_009, "test"));
    store
        .add_negotiation_document(&actor(), n.id, "muistio.txt", "text/plain; charset=utf-8", b"Muistio")
        .await
        .unwrap();
    let listed = store.list_negotiation_documents(n.id).await.unwrap();
    let names: Vec<&str> = listed.iter().map(|d| d.file_name.as_str()).collect();
    assert_eq!(names, ["Tarjous ä.pdf", "muistio.txt"]);
    let (meta, bytes) = store.negotiation_document(n.id, doc.id).await.unwrap().unwrap();
    assert_eq!((meta.content_type.as_str(), bytes), ("application/pdf", pdf));
    // A document is found only under its own negotiation.
    let other = store.create_negotiation(&actor(), &negotiation(NegotiationStatus::Planned, vec![])).await.unwrap();
    assert!(store.negotiation_document(other.id, doc.id).await.unwrap().is_none());
    assert!(store.list_negotiation_documents(other.id).await.unwrap().is_empty());
    let e =
        store.add_negotiation_document(&actor(), uuid::Uuid::now_v7(), "x.txt", "text/plain", b"x").await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid { code: "unknown_negotiation", .. }), "{e:?}");
}

async fn savings_are_one_figure_per_negotiation_party_and_year(store: Arc<dyn Store>, _url: String) {
    let orgs = three_orgs(&store).await;
    let n = store.create_negotiation(&actor(), &negotiation(NegotiationStatus::Concluded, orgs.clone())).await.unwrap();
    let saving = |org, year, euros| RealisedSaving {
        negotiation_id: n.id,
        org_id: org,
        year,
        saving_cents: Cents::euros(euros),
    };
    store.put_saving(&actor(), &saving(orgs[0], 2026, 10_000)).await.unwrap();
    store.put_saving(&actor(), &saving(orgs[1], 2026, 20_000)).await.unwrap();
    store.put_saving(&actor(), &saving(orgs[0], 2027, 30_000)).await.unwrap();
    // Recording the same negotiation, party and year again replaces the figure.
    store.put_saving(&actor(), &saving(orgs[0], 2026, 12_500)).await.unwrap();
    let all = store.list_savings(None).await.unwrap();
    let mut first_year: Vec<(lyhty_domain::OrgId, i64)> =
        all.iter().filter(|s| s.year == 2026).map(|s| (s.org_id, s.saving_cents.get())).collect();
    first_year.sort();
    let mut expected = vec![(orgs[0], 1_250_000), (orgs[1], 2_000_000)];
    expected.sort();
    assert_eq!(first_year, expected);
    assert_eq!(all.len(), 3);
    assert_eq!(all.last().unwrap().year, 2027, "by year");
    let own = store.list_savings(Some(orgs[0])).await.unwrap();
    assert_eq!(
        own.iter().map(|s| (s.year, s.saving_cents.get())).collect::<Vec<_>>(),
        [(2026, 1_250_000), (2027, 3_000_000)]
    );
    assert!(store.list_savings(Some(orgs[2])).await.unwrap().is_empty());
    // The audit log names the party and the year, never the figure.
    let log = store
        .list_audit(&AuditQuery { action: Some("saving.record".into()), limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].org_id, Some(orgs[0]));
    assert!(!log[0].detail.to_string().contains("1250000"), "{}", log[0].detail);
    let e = store.put_saving(&actor(), &saving(lyhty_domain::OrgId::new(), 2026, 1)).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid { code: "unknown_reference", .. }), "{e:?}");
    // The years' last published states: replaced per year, read back by year.
    assert!(store.published_savings().await.unwrap().is_empty());
    let first = std::collections::BTreeMap::from([(orgs[0], 1_250_000_i64), (orgs[1], 2_000_000)]);
    store.put_published_savings(&actor(), &[], &[(2026, first.clone())]).await.unwrap();
    let mut state = first.clone();
    state.insert(orgs[2], 5);
    let read = store.published_savings().await.unwrap();
    assert_eq!(read, vec![(2026, first.clone())]);
    store.put_published_savings(&actor(), &read, &[(2027, state.clone()), (2026, state.clone())]).await.unwrap();
    let now = vec![(2026, state.clone()), (2027, state.clone())];
    assert_eq!(store.published_savings().await.unwrap(), now);
    // Compare-and-set: a publisher that read the older states (`read`) is refused and
    // nothing of its write lands, not even a year nobody had published.
    let stale =
        store.put_published_savings(&actor(), &read, &[(2026, first.clone()), (2028, first)]).await.unwrap_err();
    assert!(matches!(stale, StoreError::Conflict { code: "concurrent_savings_publication", .. }), "{stale:?}");
    assert_eq!(store.published_savings().await.unwrap(), now);
}

async fn calendar_feeds_are_replaced_and_found_by_hash(store: Arc<dyn Store>, _url: String) {
    use chrono::SubsecRound;
    let new_user = NewUser {
        email: "kalenteri@example.fi".into(),
        name: "K".into(),
        role: Role::Steering,
        org_id: None,
        password_hash: "$argon2id$fake".into(),
    };
    let user = store.create_user(&actor(), &new_user).await.unwrap();
    assert_eq!(store.calendar_feed(user.id).await.unwrap(), None);
    let first = lyhty_store::CalendarFeed {
        user_id: user.id,
        nonce: "n1".into(),
        token_hash: "a".repeat(64),
        created_at: Utc::now().trunc_subsecs(6),
    };
    store.put_calendar_feed(&actor(), &first, false).await.unwrap();
    assert_eq!(store.calendar_feed(user.id).await.unwrap(), Some(first.clone()));
    assert_eq!(store.calendar_feed_user(&first.token_hash).await.unwrap(), Some(user.id));
    // Rotating replaces the row: the old hash finds no one.
    let second = lyhty_store::CalendarFeed { nonce: "n2".into(), token_hash: "b".repeat(64), ..first.clone() };
    store.put_calendar_feed(&actor(), &second, true).await.unwrap();
    assert_eq!(store.calendar_feed_user(&first.token_hash).await.unwrap(), None);
    assert_eq!(store.calendar_feed_user(&second.token_hash).await.unwrap(), Some(user.id));
    assert_eq!(store.calendar_feed(user.id).await.unwrap().unwrap().nonce, "n2");
    // Both writes are in the audit log, without the hash.
    let log = store.list_audit(&AuditQuery { limit: 10, ..AuditQuery::default() }).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(&actions[..2], ["calendar.rotate", "calendar.create"]);
    assert!(!serde_json::to_string(&log.iter().map(|e| &e.detail).collect::<Vec<_>>()).unwrap().contains("bbbb"));
    // A feed for no one is refused by the database.
    let stranger =
        lyhty_store::CalendarFeed { user_id: lyhty_domain::UserId::new(), token_hash: "c".repeat(64), ..first };
    assert!(matches!(
        store.put_calendar_feed(&actor(), &stranger, false).await.unwrap_err(),
        StoreError::Invalid { code: "unknown_user", .. }
    ));
}
