//! The demo's steering group: the parties of `sample-data/pending.json` recorded `pending`,
//! and two meetings: one approves the 2026 budget plan (the demo's plan version links to
//! it), the other accepts the first pending party, which becomes active with the next annex
//! number. The votes go through the same counting as the API's.

use super::{DemoParty, create_request};
use crate::governance::{DecisionRequest, VoteRequest, count_decision};
use crate::routes::finance::model_on;
use crate::routes::orgs::parse_new_org;
use crate::state::AppState;
use anyhow::Context;
use chrono::NaiveDate;
use lyhty_domain::{DecisionId, Org};
use lyhty_finance::cost_shares;
use lyhty_store::{Actor, NewMeeting};
use std::path::Path;

/// The parties of `pending.json` in the sample-data folder, if it has one.
pub fn read_pending(dir: &Path) -> anyhow::Result<Vec<DemoParty>> {
    let path = dir.join("pending.json");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))
}

/// Records the pending parties.
pub async fn add_pending(state: &AppState, actor: &Actor) -> anyhow::Result<Vec<Org>> {
    let mut created = Vec::new();
    for party in read_pending(&state.settings.sample_data_dir)? {
        let new = parse_new_org(create_request(&party, None)).map_err(|e| anyhow::anyhow!("{}: {e}", party.name))?;
        created.push(state.store.create_pending_org(actor, &new).await.with_context(|| party.name.clone())?);
    }
    Ok(created)
}

/// Records a meeting and one decision on it. Every seat present votes yes except those in
/// `no` and `abstain`; the seats in `absent` stay away.
async fn decide(
    state: &AppState,
    actor: &Actor,
    date: NaiveDate,
    meeting: &str,
    decision: (&str, &str, Option<String>),
    [no, abstain, absent]: [&[&str]; 3],
) -> anyhow::Result<DecisionId> {
    let meeting = state.store.create_meeting(actor, &NewMeeting { date, title: meeting.into() }).await?;
    let model = model_on(state, date).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let orgs = state.store.list_orgs().await?;
    let votes = cost_shares(&model, &orgs, date)
        .seats
        .into_iter()
        .filter(|s| !absent.contains(&s.key.as_str()))
        .map(|s| {
            let vote = if no.contains(&s.key.as_str()) {
                "no"
            } else if abstain.contains(&s.key.as_str()) {
                "abstain"
            } else {
                "yes"
            };
            VoteRequest { seat: s.key, vote: vote.into() }
        })
        .collect();
    let (kind, title, subject_id) = decision;
    let req = DecisionRequest { kind: kind.into(), title: title.into(), subject_id, votes };
    let (new, _) =
        count_decision(state, &meeting, &model, req).await.map_err(|e| anyhow::anyhow!("demo decision: {e}"))?;
    Ok(state.store.record_decision(actor, &new).await?.id)
}

/// The meeting that approved the 2026 budget plan.
pub async fn budget_meeting(state: &AppState, actor: &Actor, on: NaiveDate) -> anyhow::Result<DecisionId> {
    let decision = ("budget_plan", "Talousarvio 2026", None);
    decide(state, actor, on, "Ohjausryhmän kokous 4/2025", decision, [&["kela"], &["other"], &[]]).await
}

/// The meeting that accepted the first pending party's accession.
pub async fn accession_meeting(state: &AppState, actor: &Actor, pending: &[Org]) -> anyhow::Result<()> {
    let Some(party) = pending.first() else { return Ok(()) };
    let on = NaiveDate::from_ymd_opt(2026, 3, 12).context("demo date")?;
    let title = format!("Liittyminen: {}", party.name);
    let decision = ("accession", title.as_str(), Some(party.id.to_string()));
    decide(state, actor, on, "Ohjausryhmän kokous 1/2026", decision, [&[], &["other"], &["parish"]]).await?;
    Ok(())
}
