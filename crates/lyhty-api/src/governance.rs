//! The steering group decides, and the agreement's rules for leaving hold (`NETWORK.md`):
//! what the decision and termination routes do, apart from HTTP.
//!
//! - A decision's votes are counted on the seats at its meeting's date: the cost-share
//!   model in force that day, the parties taking part that day (pending parties and parties
//!   that have left take none), and the qualified majority of the configuration
//!   ([`crate::settings::Settings::qualified_majority`]; the agreement does not define it).
//! - A notice (§17) needs one of the two grounds and takes effect no earlier than three
//!   months after it was given and one year after joining; an expulsion needs the steering
//!   group's passed proposal for that party and a written notice of breach at least 30 days
//!   before it takes effect. A refusal names the missing step, or the earliest date allowed.

use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use lyhty_domain::governance::{earliest_expulsion_effective, earliest_notice_effective};
use lyhty_domain::{DecisionId, DecisionKind, NoticeGround, Org, OrgId, Termination, TerminationKind, Vote};
use lyhty_finance::seats::{MajorityBase, TallyResult, TallyRule, count_votes};
use lyhty_finance::{CostShareModel, Ratio, cost_shares};
use lyhty_store::{DecisionRecord, Meeting, NewDecision, SeatVote};
use serde::{Deserialize, Serialize};

/// Shown wherever the threshold is: it is ours, not the agreement's.
pub const THRESHOLD_NOTE: &str = "The agreement (§8.1) requires a qualified majority but does not define it; \
    the threshold is the platform's configuration (qualified_majority).";

/// One seat at a meeting, with its weight and its vote (`None`: absent).
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SeatTally {
    /// The seat's key (`wellbeing_counties`); labels from `/api/vocabulary` `seat`.
    pub key: String,
    /// As `/api/cost-shares` `seats[].seat` names it.
    pub seat: String,
    /// Share of all seats' weight at the meeting, 0..=1.
    pub weight: f64,
    pub share_cents: lyhty_domain::Cents,
    pub vote: Option<Vote>,
}

/// A decision's tally as it is stored and shown to the steering group and the coordinator.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DecisionTally {
    /// Shares of all seats' weight, 0..=1.
    pub yes_weight: f64,
    pub no_weight: f64,
    pub abstain_weight: f64,
    /// Yes, no and abstain together: the seats present.
    pub present_weight: f64,
    pub absent_weight: f64,
    /// The qualified majority of the present weight that yes needed, as a number (0.6667)
    /// and exactly.
    pub threshold: f64,
    pub threshold_ratio: Ratio,
    pub base: MajorityBase,
    /// Yes weight ÷ present weight.
    pub yes_share: f64,
    /// That the agreement does not define the threshold.
    pub threshold_note: String,
    /// The cost-share model version the weights come from.
    pub model_version: String,
    pub seats: Vec<SeatTally>,
}

impl DecisionTally {
    fn new(result: &TallyResult, seats: Vec<SeatTally>, model_version: String) -> Self {
        Self {
            yes_weight: result.yes_weight,
            no_weight: result.no_weight,
            abstain_weight: result.abstain_weight,
            present_weight: result.present_weight,
            absent_weight: result.absent_weight,
            threshold: result.threshold.as_f64(),
            threshold_ratio: result.threshold,
            base: result.base,
            yes_share: result.yes_share,
            threshold_note: THRESHOLD_NOTE.into(),
            model_version,
            seats,
        }
    }
}

/// One vote of a decision request.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    /// The seat's name as `/api/cost-shares` `seats[].seat` gives it, or its key.
    pub seat: String,
    /// `yes`, `no` or `abstain`; a seat whose member and deputy are both absent is left out.
    pub vote: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// `accession`, `budget_plan`, `cost_share_model`, `hourly_rate`, `term_extension`,
    /// `refund`, `expulsion_proposal`, `data_request` or `other`.
    pub kind: String,
    pub title: String,
    /// What the decision is about: the party's id for `accession` and
    /// `expulsion_proposal` (required there), else e.g. a plan or model version.
    pub subject_id: Option<String>,
    pub votes: Vec<VoteRequest>,
}

fn parse_kind(s: &str) -> Result<DecisionKind, ApiError> {
    DecisionKind::parse(s).ok_or_else(|| {
        let keys: Vec<&str> = DecisionKind::ALL.iter().map(|k| k.key()).collect();
        ApiError::invalid("invalid_decision_kind", format!("unknown kind {s:?}; use one of {}", keys.join(", ")))
    })
}

fn parse_vote(s: &str) -> Result<Vote, ApiError> {
    Vote::ALL
        .into_iter()
        .find(|v| v.key() == s.trim())
        .ok_or_else(|| ApiError::invalid("invalid_vote", format!("unknown vote {s:?}; use yes, no or abstain")))
}

/// The party a decision is about, when its kind needs one.
fn subject_party(kind: DecisionKind, subject: Option<&str>) -> Result<Option<OrgId>, ApiError> {
    if !kind.subject_is_party() {
        return Ok(None);
    }
    let Some(subject) = subject else {
        return Err(ApiError::invalid(
            "subject_required",
            format!("a {} decision needs the party as subject_id", kind.key()),
        ));
    };
    subject
        .trim()
        .parse::<OrgId>()
        .map(Some)
        .map_err(|_| ApiError::invalid("unknown_subject", "subject_id must be a party's id"))
}

/// Checks a decision request and counts its votes on the seats at `meeting`'s date, by
/// `model`, the cost-share model in force that day.
pub async fn count_decision(
    state: &AppState,
    meeting: &Meeting,
    model: &CostShareModel,
    req: DecisionRequest,
) -> Result<(NewDecision, DecisionTally), ApiError> {
    let kind = parse_kind(&req.kind)?;
    let title = req.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 300 {
        return Err(ApiError::invalid("invalid_title", "the title must be 1–300 characters"));
    }
    let subject_id = req.subject_id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let subject_org_id = subject_party(kind, subject_id.as_deref())?;
    let votes =
        req.votes.iter().map(|v| Ok((v.seat.clone(), parse_vote(&v.vote)?))).collect::<Result<Vec<_>, ApiError>>()?;
    let majority = state.settings.majority().map_err(ApiError::internal)?;
    let orgs = state.store.list_orgs().await?;
    let seats = cost_shares(model, &orgs, meeting.date).seats;
    let rule = TallyRule { majority, base: MajorityBase::Present };
    let (counted, result) =
        count_votes(&seats, &votes, rule).map_err(|e| ApiError::invalid(e.code(), e.to_string()))?;
    let seat_tallies = seats
        .iter()
        .map(|s| SeatTally {
            key: s.key.clone(),
            seat: s.seat.clone(),
            weight: s.weight,
            share_cents: s.share_cents,
            vote: counted.iter().find(|c| c.seat == s.key).map(|c| c.vote),
        })
        .collect();
    let tally = DecisionTally::new(&result, seat_tallies, model.version.clone());
    let new = NewDecision {
        meeting_id: meeting.id,
        kind,
        title,
        subject_id,
        subject_org_id,
        passed: result.passed,
        tally: serde_json::to_value(&tally).map_err(ApiError::internal)?,
        votes: counted
            .into_iter()
            .map(|c| SeatVote { seat: c.seat, vote: c.vote, share_cents: c.share_cents })
            .collect(),
    };
    Ok((new, tally))
}

/// A passed decision of `kind` (about `subject`, when given), or the stable code of what is
/// wrong with it.
pub async fn passed_decision(
    state: &AppState,
    id: DecisionId,
    kind: DecisionKind,
    subject: Option<OrgId>,
) -> Result<DecisionRecord, ApiError> {
    let d = state
        .store
        .get_decision(id)
        .await?
        .ok_or_else(|| ApiError::invalid("unknown_decision", format!("there is no decision {id}")))?;
    if d.kind != kind {
        return Err(ApiError::invalid(
            "wrong_decision_kind",
            format!("decision {id} is not a {} decision", kind.key()),
        ));
    }
    if !d.passed {
        return Err(ApiError::invalid("decision_not_passed", format!("decision {id} did not pass")));
    }
    if subject.is_some_and(|s| d.subject_org_id != Some(s)) {
        return Err(ApiError::invalid("decision_for_another_party", format!("decision {id} is about another party")));
    }
    Ok(d)
}

// --- leaving (§17) ------------------------------------------------------------------------

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TerminateRequest {
    /// `notice` (the party gave notice) or `expelled` (the coordinator ended it, §17).
    pub kind: TerminationKind,
    /// The day access ends and the party's data leaves later releases.
    pub effective_on: NaiveDate,
    /// Notice: the day the party gave it (required).
    pub notice_on: Option<NaiveDate>,
    /// Notice: `organisation_changed` or `majority_left` (§17's two grounds; required).
    pub ground: Option<NoticeGround>,
    /// Expulsion: the steering group's passed `expulsion_proposal` for this party; if left
    /// out, the latest such decision is used.
    pub decision_id: Option<DecisionId>,
    /// Expulsion: the day the written notice of breach was given (required).
    pub breach_notice_on: Option<NaiveDate>,
}

/// A termination refused for its date: 422 with the earliest allowed date in the message
/// and in `earliest_effective_on`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TooEarly {
    pub error: crate::error::ErrorDetail,
    pub earliest_effective_on: NaiveDate,
}

/// Why a termination is refused.
pub enum Refusal {
    Api(ApiError),
    TooEarly(TooEarly),
}

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Self {
        Refusal::Api(e)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Api(e) => e.into_response(),
            Refusal::TooEarly(body) => (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response(),
        }
    }
}

fn too_early(code: &str, what: &str, earliest: NaiveDate) -> Refusal {
    Refusal::TooEarly(TooEarly {
        error: crate::error::ErrorDetail { code: code.into(), message: format!("{what} {earliest}") },
        earliest_effective_on: earliest,
    })
}

fn calendar_end() -> ApiError {
    ApiError::invalid("invalid_date", "the date is out of range")
}

/// Checks a termination of `org` against §17 and returns what to record.
pub async fn check_termination(state: &AppState, org: &Org, req: TerminateRequest) -> Result<Termination, Refusal> {
    if req.effective_on < org.joined_on {
        return Err(
            ApiError::invalid("invalid_effective_date", "the agreement cannot end before the party joined").into()
        );
    }
    let mut termination = Termination::new(req.kind, req.effective_on);
    match req.kind {
        TerminationKind::Notice => {
            let ground = req.ground.ok_or_else(|| {
                ApiError::invalid(
                    "ground_required",
                    "give the ground of the notice: organisation_changed or majority_left",
                )
            })?;
            let notice_on = req.notice_on.ok_or_else(|| {
                ApiError::invalid("notice_date_required", "give the day the notice was given (notice_on)")
            })?;
            let earliest = earliest_notice_effective(notice_on, org.joined_on).ok_or_else(calendar_end)?;
            if req.effective_on < earliest {
                return Err(too_early(
                    "termination_too_early",
                    "§17: three months' notice and at least a year after joining; the earliest effective date is",
                    earliest,
                ));
            }
            termination.notice_on = Some(notice_on);
            termination.ground = Some(ground);
        }
        TerminationKind::Expelled => {
            let decision = match req.decision_id {
                Some(id) => passed_decision(state, id, DecisionKind::ExpulsionProposal, Some(org.id)).await?,
                None => latest_expulsion_proposal(state, org.id).await?,
            };
            let breach = req.breach_notice_on.ok_or_else(|| {
                ApiError::invalid(
                    "breach_notice_required",
                    "give the day of the written notice of breach (breach_notice_on)",
                )
            })?;
            // §17: the steering group proposes expulsion because the breach was not remedied,
            // so the written notice comes first; a notice dated after the proposal would let
            // a decision about something else stand in for it.
            if breach > decision.meeting_date {
                return Err(ApiError::invalid(
                    "breach_notice_after_proposal",
                    format!(
                        "§17: the written notice of breach must come before the steering group's proposal (meeting of {})",
                        decision.meeting_date
                    ),
                )
                .into());
            }
            let earliest = earliest_expulsion_effective(breach).ok_or_else(calendar_end)?;
            if req.effective_on < earliest {
                return Err(too_early(
                    "cure_period_not_over",
                    "§17: the party has 30 days from the written notice of breach to remedy it; the earliest effective date is",
                    earliest,
                ));
            }
            termination.decision_id = Some(decision.id);
            termination.breach_notice_on = Some(breach);
        }
    }
    Ok(termination)
}

async fn latest_expulsion_proposal(state: &AppState, org: OrgId) -> Result<DecisionRecord, ApiError> {
    let decisions = state.store.list_decisions().await?;
    decisions
        .into_iter()
        .find(|d| d.kind == DecisionKind::ExpulsionProposal && d.passed && d.subject_org_id == Some(org))
        .ok_or_else(|| {
            ApiError::invalid(
                "expulsion_proposal_required",
                "§17: the coordinator expels a party on the steering group's proposal; record the passed expulsion_proposal decision first",
            )
        })
}
