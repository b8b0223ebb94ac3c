//! The steering group's section of the store (`backends/governance.rs`), run against SQLite
//! and PostgreSQL like `conformance.rs`: meetings, decisions with their votes, pending
//! parties and accession by decision, and the links from model and plan versions.

use chrono::{NaiveDate, Utc};
use lyhty_domain::{BusinessId, Cents, DecisionKind, OrgCategory, OrgId, OrgStatus, Vote};
use lyhty_store::{Actor, AuditQuery, ModelVersion, NewDecision, NewMeeting, NewOrg, SeatVote, Store, StoreError};
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
                #[tokio::test]
                async fn $check() {
                    let Some((store, _db)) = lyhty_store::testing::fresh_postgres().await else { return };
                    assert_eq!(store.backend(), lyhty_store::Backend::Postgres);
                    super::$check(store).await;
                }
            )*
        }
    };
}

conformance!(
    meetings_and_decisions_round_trip_with_their_votes,
    a_passed_accession_activates_the_pending_party_with_the_next_annex,
    a_failed_accession_changes_nothing,
    versions_link_only_to_passed_decisions_of_their_kind,
);

fn actor() -> Actor {
    Actor::system("test")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn new_org(name: &str, business_id: &str, annex: Option<&str>) -> NewOrg {
    NewOrg {
        name: name.into(),
        business_id: BusinessId::parse(business_id).unwrap(),
        category: OrgCategory::University,
        annual_budget_cents: None,
        budget_year: None,
        budget_source: None,
        joined_on: day(2025, 9, 1),
        accession_number: annex.map(str::to_string),
        represented_by: None,
        einvoice_address: None,
        contact_name: None,
        contact_email: None,
        contact_phone: None,
        cost_share_cents: None,
    }
}

fn vote(seat: &str, vote: Vote, cents: i64) -> SeatVote {
    SeatVote { seat: seat.into(), vote, share_cents: Cents(cents) }
}

fn decision(meeting: lyhty_domain::MeetingId, kind: DecisionKind, subject: Option<OrgId>, passed: bool) -> NewDecision {
    NewDecision {
        meeting_id: meeting,
        kind,
        title: format!("{} decision", kind.key()),
        subject_id: subject.map(|s| s.to_string()),
        subject_org_id: subject,
        passed,
        tally: serde_json::json!({"yes_weight": 0.75, "present_weight": 1.0}),
        votes: vec![vote("universities", Vote::Yes, 3_000_000), vote("uas", Vote::No, 1_000_000)],
    }
}

async fn meetings_and_decisions_round_trip_with_their_votes(store: Arc<dyn Store>) {
    let first =
        store.create_meeting(&actor(), &NewMeeting { date: day(2026, 1, 15), title: "1/2026".into() }).await.unwrap();
    let second =
        store.create_meeting(&actor(), &NewMeeting { date: day(2026, 3, 12), title: "2/2026".into() }).await.unwrap();
    let meetings = store.list_meetings().await.unwrap();
    assert_eq!(meetings.iter().map(|m| m.title.as_str()).collect::<Vec<_>>(), ["2/2026", "1/2026"], "newest first");
    let got = store.get_meeting(first.id).await.unwrap().unwrap();
    assert_eq!(
        (got.id, got.date, got.title.as_str(), got.created_by.as_str()),
        (first.id, first.date, "1/2026", "test")
    );

    let a = store.record_decision(&actor(), &decision(first.id, DecisionKind::Other, None, true)).await.unwrap();
    let b = store.record_decision(&actor(), &decision(second.id, DecisionKind::HourlyRate, None, false)).await.unwrap();
    let got = store.get_decision(a.id).await.unwrap().unwrap();
    assert_eq!(
        (got.id, got.meeting_id, got.kind, &got.title, got.passed),
        (a.id, first.id, DecisionKind::Other, &a.title, true)
    );
    assert_eq!(got.meeting_date, day(2026, 1, 15));
    assert_eq!(got.votes, vec![vote("uas", Vote::No, 1_000_000), vote("universities", Vote::Yes, 3_000_000)]);
    assert_eq!(got.tally["yes_weight"], 0.75);
    let register = store.list_decisions().await.unwrap();
    assert_eq!(register.iter().map(|d| d.id).collect::<Vec<_>>(), [b.id, a.id], "newest meeting first");
    assert!(!register[0].passed && register[1].passed);
    assert_eq!(register[0].votes.len(), 2);

    // One vote per seat, enforced by the database too; nothing of the decision is kept.
    let mut twice = decision(first.id, DecisionKind::Other, None, true);
    twice.votes.push(vote("uas", Vote::Yes, 1_000_000));
    let err = store.record_decision(&actor(), &twice).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { code: "duplicate_vote", .. }), "{err:?}");
    assert_eq!(store.list_decisions().await.unwrap().len(), 2);
    let unknown = store
        .record_decision(&actor(), &decision(lyhty_domain::MeetingId::new(), DecisionKind::Other, None, true))
        .await;
    assert!(matches!(unknown.unwrap_err(), StoreError::NotFound));
    let no_party = decision(first.id, DecisionKind::ExpulsionProposal, Some(OrgId::new()), true);
    let err = store.record_decision(&actor(), &no_party).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid { code: "unknown_subject", .. }), "{err:?}");
}

async fn a_passed_accession_activates_the_pending_party_with_the_next_annex(store: Arc<dyn Store>) {
    store.create_org(&actor(), &new_org("A", "0245895-5", Some("1.9"))).await.unwrap();
    store.create_org(&actor(), &new_org("B", "2228357-4", Some("1.10"))).await.unwrap();
    let pending = store.create_pending_org(&actor(), &new_org("C", "2844561-8", None)).await.unwrap();
    assert_eq!(pending.status, OrgStatus::Pending);
    assert_eq!(store.get_org(pending.id).await.unwrap().unwrap().status, OrgStatus::Pending);
    let created = store.list_audit(&AuditQuery { limit: 1000, ..AuditQuery::default() }).await.unwrap();
    let create_c = created.iter().find(|e| e.action == "org.create" && e.org_id == Some(pending.id)).unwrap();
    assert_eq!(create_c.detail["status"], "pending");

    let meeting =
        store.create_meeting(&actor(), &NewMeeting { date: day(2026, 3, 12), title: "2/2026".into() }).await.unwrap();
    let accepted = store
        .record_decision(&actor(), &decision(meeting.id, DecisionKind::Accession, Some(pending.id), true))
        .await
        .unwrap();
    let org = store.get_org(pending.id).await.unwrap().unwrap();
    assert_eq!(org.status, OrgStatus::Active);
    assert_eq!(org.accession_number.as_deref(), Some("1.11"), "after 1.10, not after 1.9");
    assert_eq!(org.accession_decision_id, Some(accepted.id));
    let log = store.list_audit(&AuditQuery { limit: 1000, ..AuditQuery::default() }).await.unwrap();
    let accession = log.iter().find(|e| e.action == "org.accession").unwrap();
    assert_eq!(accession.detail["accession_number"], "1.11");
    assert_eq!(accession.detail["decision_id"], accepted.id.to_string());

    // An active party cannot be accepted again.
    let again =
        store.record_decision(&actor(), &decision(meeting.id, DecisionKind::Accession, Some(pending.id), true)).await;
    assert!(matches!(again.unwrap_err(), StoreError::Invalid { code: "not_pending", .. }));
    // A pending party cannot give notice before it has joined.
    let other = store.create_pending_org(&actor(), &new_org("D", "0201256-6", None)).await.unwrap();
    let t = lyhty_domain::Termination::new(lyhty_domain::TerminationKind::Notice, day(2027, 1, 1));
    let err = store.terminate_org(&actor(), other.id, t).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { code: "accession_pending", .. }), "{err:?}");
}

async fn a_failed_accession_changes_nothing(store: Arc<dyn Store>) {
    let pending = store.create_pending_org(&actor(), &new_org("C", "2844561-8", None)).await.unwrap();
    let meeting =
        store.create_meeting(&actor(), &NewMeeting { date: day(2026, 3, 12), title: "2/2026".into() }).await.unwrap();
    let failed = decision(meeting.id, DecisionKind::Accession, Some(pending.id), false);
    store.record_decision(&actor(), &failed).await.unwrap();
    let org = store.get_org(pending.id).await.unwrap().unwrap();
    assert_eq!((org.status, org.accession_number, org.accession_decision_id), (OrgStatus::Pending, None, None));
}

async fn versions_link_only_to_passed_decisions_of_their_kind(store: Arc<dyn Store>) {
    let meeting =
        store.create_meeting(&actor(), &NewMeeting { date: day(2026, 1, 15), title: "1/2026".into() }).await.unwrap();
    let model =
        store.record_decision(&actor(), &decision(meeting.id, DecisionKind::CostShareModel, None, true)).await.unwrap();
    let plan =
        store.record_decision(&actor(), &decision(meeting.id, DecisionKind::BudgetPlan, None, true)).await.unwrap();
    let failed =
        store.record_decision(&actor(), &decision(meeting.id, DecisionKind::BudgetPlan, None, false)).await.unwrap();
    let version = |name: &str, decision| ModelVersion {
        version: name.into(),
        valid_from: day(2026, 2, 1),
        model: serde_json::json!({}),
        created_by: String::new(),
        created_at: Utc::now(),
        decision_id: Some(decision),
    };
    let err = store.put_cost_share_model(&actor(), &version("x", plan.id)).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid { code: "wrong_decision_kind", .. }), "{err:?}");
    store.put_cost_share_model(&actor(), &version("2026-1", model.id)).await.unwrap();
    let stored = store.list_cost_share_models().await.unwrap();
    assert_eq!(
        stored.iter().map(|m| (m.version.as_str(), m.decision_id)).collect::<Vec<_>>(),
        [("2026-1", Some(model.id))]
    );

    let err = store.add_decided_budget_plan(&actor(), day(2026, 1, 15), None, &[], failed.id).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid { code: "decision_not_passed", .. }), "{err:?}");
    let err = store.add_decided_budget_plan(&actor(), day(2026, 1, 15), None, &[], model.id).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid { code: "wrong_decision_kind", .. }), "{err:?}");
    let v1 = store.add_decided_budget_plan(&actor(), day(2026, 1, 15), Some("OR 1/2026"), &[], plan.id).await.unwrap();
    let v2 = store.add_budget_plan(&actor(), day(2026, 2, 1), None, &[]).await.unwrap();
    assert_eq!((v1.version, v1.decision_id, v2.version, v2.decision_id), (1, Some(plan.id), 2, None));
    let listed = store.list_budget_plans().await.unwrap();
    assert_eq!(listed.iter().map(|p| p.decision_id).collect::<Vec<_>>(), [Some(plan.id), None]);
}
