//! The steering group decides (`NETWORK.md`): meetings, decisions with their weighted votes,
//! pending parties, and what a passed decision changes.
//!
//! A decision is stored with its votes and its tally as counted (the caller counts it with
//! `lyhty-finance`'s seats; the store keeps the result as JSON), and what a passed decision
//! changes is done in the same transaction: a passed `accession` makes its pending party
//! active with the next annex number and links the party to the decision. Decisions and
//! votes are never rewritten (the tables refuse UPDATE and DELETE). Model and plan versions
//! link to the decision that adopted them through [`passed_decision_in`](SqliteStore), which
//! their own sections call.

use super::write::{OnConstraint, corrupt, retrying};
use super::{PgStore, SqliteStore};
use crate::{
    Actor, AuditEvent, DecisionRecord, Meeting, NewDecision, NewMeeting, NewOrg, PlanVersion, Result, SeatVote,
    StoreError,
};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::governance::next_annex_number;
use lyhty_domain::spend::PlanLine;
use lyhty_domain::{Cents, DecisionId, DecisionKind, MeetingId, Org, OrgId, OrgStatus, Vote};
use serde_json::json;
use sqlx::types::Json;
use std::collections::BTreeMap;
use tracing::instrument;
use uuid::Uuid;

/// SQLite's `BEGIN IMMEDIATE` already lets one writer in at a time; PostgreSQL must keep
/// two accessions decided at once from taking the same annex number.
const SQLITE_ANNEX_LOCK: &str = "SELECT 1";
const POSTGRES_ANNEX_LOCK: &str = "LOCK TABLE orgs IN SHARE ROW EXCLUSIVE MODE";

#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: Uuid,
    date: NaiveDate,
    title: String,
    created_by: String,
    created_at: DateTime<Utc>,
}

impl From<MeetingRow> for Meeting {
    fn from(r: MeetingRow) -> Self {
        Meeting {
            id: MeetingId(r.id),
            date: r.date,
            title: r.title,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct DecisionRow {
    id: Uuid,
    meeting_id: Uuid,
    meeting_date: NaiveDate,
    kind: String,
    title: String,
    subject_id: Option<String>,
    subject_org_id: Option<Uuid>,
    passed: bool,
    tally: Json<serde_json::Value>,
    created_by: String,
    created_at: DateTime<Utc>,
}

const DECISION_SELECT: &str = "SELECT d.id, d.meeting_id, m.date AS meeting_date, d.kind, d.title, d.subject_id, \
    d.subject_org_id, d.passed, d.tally, d.created_by, d.created_at FROM decisions d JOIN meetings m ON m.id = d.meeting_id";

#[derive(sqlx::FromRow)]
struct VoteRow {
    decision_id: Uuid,
    seat: String,
    vote: String,
    share_cents: i64,
}

impl VoteRow {
    fn into_vote(self) -> Result<SeatVote> {
        let vote = Vote::ALL.into_iter().find(|v| v.key() == self.vote).ok_or_else(|| corrupt("vote", &self.vote))?;
        Ok(SeatVote { seat: self.seat, vote, share_cents: Cents(self.share_cents) })
    }
}

fn decision_of(r: DecisionRow, votes: Vec<SeatVote>) -> Result<DecisionRecord> {
    Ok(DecisionRecord {
        id: DecisionId(r.id),
        meeting_id: MeetingId(r.meeting_id),
        meeting_date: r.meeting_date,
        kind: DecisionKind::parse(&r.kind).ok_or_else(|| corrupt("decision kind", &r.kind))?,
        title: r.title,
        subject_id: r.subject_id,
        subject_org_id: r.subject_org_id.map(OrgId),
        passed: r.passed,
        tally: r.tally.0,
        votes,
        created_by: r.created_by,
        created_at: r.created_at,
    })
}

fn invalid(code: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid { code, message: message.into() }
}

/// Groups vote rows by decision, in seat order as stored.
fn votes_by_decision(rows: Vec<VoteRow>) -> Result<BTreeMap<Uuid, Vec<SeatVote>>> {
    let mut by: BTreeMap<Uuid, Vec<SeatVote>> = BTreeMap::new();
    for row in rows {
        let id = row.decision_id;
        by.entry(id).or_default().push(row.into_vote()?);
    }
    Ok(by)
}

macro_rules! governance_impl {
    ($store:ident, $db:ty, $annex_lock:expr) => {
        impl $store {
            /// Checks, inside a write, that `id` is a passed decision of `kind` (about
            /// `subject`, when given): what a model version, a plan version or an expulsion
            /// must name. Stable codes: `unknown_decision`, `wrong_decision_kind`,
            /// `decision_not_passed`, `decision_for_another_party`.
            pub(super) async fn passed_decision_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: DecisionId,
                kind: DecisionKind,
                subject: Option<OrgId>,
            ) -> Result<()> {
                let row: Option<(String, bool, Option<Uuid>)> =
                    sqlx::query_as("SELECT kind, passed, subject_org_id FROM decisions WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&mut **tx)
                        .await?;
                let Some((found, passed, about)) = row else {
                    return Err(invalid("unknown_decision", format!("there is no decision {id}")));
                };
                if found != kind.key() {
                    return Err(invalid(
                        "wrong_decision_kind",
                        format!("decision {id} is a {found} decision, not {}", kind.key()),
                    ));
                }
                if !passed {
                    return Err(invalid("decision_not_passed", format!("decision {id} did not pass")));
                }
                if subject.is_some_and(|s| about != Some(s.0)) {
                    return Err(invalid("decision_for_another_party", format!("decision {id} is about another party")));
                }
                Ok(())
            }

            #[instrument(skip_all, fields(business_id = %org.business_id))]
            pub(super) async fn create_pending_org(&self, actor: &Actor, org: &NewOrg) -> Result<Org> {
                self.insert_org(actor, org, true).await
            }

            #[instrument(skip_all)]
            pub(super) async fn create_meeting(&self, actor: &Actor, meeting: &NewMeeting) -> Result<Meeting> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let id = MeetingId::new();
                    let now = Utc::now();
                    sqlx::query(
                        "INSERT INTO meetings (id, date, title, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(id.0)
                    .bind(meeting.date)
                    .bind(&meeting.title)
                    .bind(&actor.label)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    let event = AuditEvent {
                        action: "meeting.create".into(),
                        org_id: None,
                        subject: Some(id.to_string()),
                        detail: json!({ "date": meeting.date, "title": meeting.title }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    Ok(Meeting {
                        id,
                        date: meeting.date,
                        title: meeting.title.clone(),
                        created_by: actor.label.clone(),
                        created_at: now,
                    })
                })
                .await
            }

            pub(super) async fn get_meeting(&self, id: MeetingId) -> Result<Option<Meeting>> {
                let row: Option<MeetingRow> =
                    sqlx::query_as("SELECT id, date, title, created_by, created_at FROM meetings WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(Meeting::from))
            }

            pub(super) async fn list_meetings(&self) -> Result<Vec<Meeting>> {
                let rows: Vec<MeetingRow> = sqlx::query_as(
                    "SELECT id, date, title, created_by, created_at FROM meetings ORDER BY date DESC, created_at DESC",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Meeting::from).collect())
            }

            /// Makes a pending party active with the next annex number, linked to the
            /// decision, inside the decision's transaction. Returns the annex number.
            async fn accept_accession_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                org: OrgId,
                decision: DecisionId,
            ) -> Result<String> {
                sqlx::query($annex_lock).execute(&mut **tx).await?;
                let numbers: Vec<(String,)> =
                    sqlx::query_as("SELECT accession_number FROM orgs WHERE accession_number IS NOT NULL")
                        .fetch_all(&mut **tx)
                        .await?;
                let annex = next_annex_number(numbers.iter().map(|(n,)| n.as_str()));
                sqlx::query(
                    "UPDATE orgs SET pending = $2, accession_number = $3, accession_decision_id = $4, updated_at = $5 \
                     WHERE id = $1",
                )
                .bind(org.0)
                .bind(false)
                .bind(&annex)
                .bind(decision.0)
                .bind(Utc::now())
                .execute(&mut **tx)
                .await?;
                Ok(annex)
            }

            #[instrument(skip_all, fields(kind = decision.kind.key()))]
            pub(super) async fn record_decision(&self, actor: &Actor, decision: &NewDecision) -> Result<DecisionRecord> {
                retrying(move || async move {
                    let mut tx = self.begin_write().await?;
                    let meeting: Option<(NaiveDate,)> = sqlx::query_as("SELECT date FROM meetings WHERE id = $1")
                        .bind(decision.meeting_id.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let Some((meeting_date,)) = meeting else { return Err(StoreError::NotFound) };
                    let subject = match decision.subject_org_id {
                        Some(id) => Some(Self::org_in(&mut tx, id).await?.ok_or_else(|| {
                            invalid("unknown_subject", "the decision's subject is not a party")
                        })?),
                        None => None,
                    };
                    if decision.kind == DecisionKind::Accession
                        && subject.as_ref().is_some_and(|o| o.status != OrgStatus::Pending)
                    {
                        return Err(invalid("not_pending", "the party's accession is not pending: it has joined already"));
                    }
                    let id = DecisionId::new();
                    let now = Utc::now();
                    sqlx::query(
                        "INSERT INTO decisions (id, meeting_id, kind, title, subject_id, subject_org_id, passed, tally, \
                         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(id.0)
                    .bind(decision.meeting_id.0)
                    .bind(decision.kind.key())
                    .bind(&decision.title)
                    .bind(&decision.subject_id)
                    .bind(decision.subject_org_id.map(|o| o.0))
                    .bind(decision.passed)
                    .bind(Json(&decision.tally))
                    .bind(&actor.label)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    for vote in &decision.votes {
                        sqlx::query(
                            "INSERT INTO decision_votes (decision_id, seat, vote, share_cents) VALUES ($1, $2, $3, $4)",
                        )
                        .bind(id.0)
                        .bind(&vote.seat)
                        .bind(vote.vote.key())
                        .bind(vote.share_cents.get())
                        .execute(&mut *tx)
                        .await
                        .on_unique("duplicate_vote", || format!("seat {} voted twice", vote.seat))?;
                    }
                    let mut changed = serde_json::Value::Null;
                    if decision.passed && decision.kind == DecisionKind::Accession {
                        if let Some(org) = &subject {
                            let annex = Self::accept_accession_in(&mut tx, org.id, id).await?;
                            changed = json!({ "org_id": org.id, "status": "active", "accession_number": annex });
                            let event = AuditEvent {
                                action: "org.accession".into(),
                                org_id: Some(org.id),
                                subject: Some(org.id.to_string()),
                                detail: json!({ "decision_id": id, "accession_number": annex }),
                            };
                            Self::audit_in(&mut tx, actor, &event).await?;
                        }
                    }
                    let event = AuditEvent {
                        action: "decision.record".into(),
                        org_id: decision.subject_org_id,
                        subject: Some(id.to_string()),
                        detail: json!({
                            "meeting_id": decision.meeting_id, "kind": decision.kind, "title": decision.title,
                            "passed": decision.passed, "subject_id": decision.subject_id, "changed": changed,
                        }),
                    };
                    Self::audit_in(&mut tx, actor, &event).await?;
                    tx.commit().await?;
                    Ok(DecisionRecord {
                        id,
                        meeting_id: decision.meeting_id,
                        meeting_date,
                        kind: decision.kind,
                        title: decision.title.clone(),
                        subject_id: decision.subject_id.clone(),
                        subject_org_id: decision.subject_org_id,
                        passed: decision.passed,
                        tally: decision.tally.clone(),
                        votes: decision.votes.clone(),
                        created_by: actor.label.clone(),
                        created_at: now,
                    })
                })
                .await
            }

            pub(super) async fn get_decision(&self, id: DecisionId) -> Result<Option<DecisionRecord>> {
                let row: Option<DecisionRow> = sqlx::query_as(&format!("{DECISION_SELECT} WHERE d.id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let votes: Vec<VoteRow> = sqlx::query_as(
                    "SELECT decision_id, seat, vote, share_cents FROM decision_votes WHERE decision_id = $1 ORDER BY seat",
                )
                .bind(id.0)
                .fetch_all(&self.pool)
                .await?;
                let votes = votes.into_iter().map(VoteRow::into_vote).collect::<Result<Vec<_>>>()?;
                decision_of(row, votes).map(Some)
            }

            pub(super) async fn list_decisions(&self) -> Result<Vec<DecisionRecord>> {
                let rows: Vec<DecisionRow> =
                    sqlx::query_as(&format!("{DECISION_SELECT} ORDER BY m.date DESC, d.created_at DESC"))
                        .fetch_all(&self.pool)
                        .await?;
                let votes: Vec<VoteRow> =
                    sqlx::query_as("SELECT decision_id, seat, vote, share_cents FROM decision_votes ORDER BY seat")
                        .fetch_all(&self.pool)
                        .await?;
                let mut votes = votes_by_decision(votes)?;
                rows.into_iter()
                    .map(|r| {
                        let cast = votes.remove(&r.id).unwrap_or_default();
                        decision_of(r, cast)
                    })
                    .collect()
            }

            pub(super) async fn add_decided_budget_plan(
                &self,
                actor: &Actor,
                approved_on: NaiveDate,
                note: Option<&str>,
                lines: &[PlanLine],
                decision: DecisionId,
            ) -> Result<PlanVersion> {
                self.insert_budget_plan(actor, approved_on, note, lines, Some(decision)).await
            }
        }
    };
}

governance_impl!(SqliteStore, sqlx::Sqlite, SQLITE_ANNEX_LOCK);
governance_impl!(PgStore, sqlx::Postgres, POSTGRES_ANNEX_LOCK);
