//! Publishing a release, the use case behind `POST /api/releases`: read what the release
//! is computed from out of the store, compute, protect and audit it on the blocking pool
//! (`lyhty-aggregate`), and store it if both audits pass.
//!
//! The handler only authorises, reads the body and answers; the rules of what a release
//! contains are `lyhty-aggregate`'s ([`lyhty_aggregate::contributions`]).

use crate::error::ApiError;
use crate::state::AppState;
use chrono::{NaiveDate, SubsecRound, Utc};
use lyhty_aggregate::{
    AggregateError, ContributionLine, ContributionSnapshot, Contributor, PublishedRelease, RefusedRelease, ReleaseId,
    ReleaseInput, ReleaseMeta, ReleaseOutcome, ReleaseParams, Versions, cut_off,
};
use lyhty_domain::{Org, OrgId, SubmissionId};
use lyhty_store::{Actor, NewRelease, ReleaseSummary};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What publishing came to.
pub enum Publication {
    /// Published and stored.
    Published { summary: ReleaseSummary, published: Box<PublishedRelease> },
    /// Refused by its audits: nothing was published or stored.
    Refused(Box<RefusedRelease>),
}

/// Computes, protects and audits a release of every contributor's inventory as of `as_of`,
/// and stores it if both audits pass.
pub async fn publish(state: &AppState, actor: &Actor, as_of: NaiveDate) -> Result<Publication, ApiError> {
    if as_of > state.clock.today() {
        return Err(ApiError::invalid("as_of_in_future", "a release cannot be cut off after today"));
    }
    // The latest date again is a correction; an earlier one would rewrite the history.
    if let Some(latest) = state.store.list_releases().await?.first()
        && as_of < latest.as_of
    {
        return Err(ApiError::Conflict {
            code: "release_not_after_previous",
            message: format!("the newest release is cut off on {}; a new one may not come before it", latest.as_of),
        });
    }
    let (input, versions, previous) = release_input(state, as_of).await?;
    let meta = ReleaseMeta { id: ReleaseId(Uuid::now_v7()), created_at: Utc::now().trunc_subsecs(3) };
    let outcome = state
        .run_blocking(move || {
            let params = ReleaseParams::default();
            lyhty_aggregate::build_release_versioned(&input, &versions, &params, meta, &previous)
        })
        .await?
        .map_err(aggregate_error)?;
    match outcome {
        ReleaseOutcome::Published(published) => {
            let summary = state.store.save_release(actor, &to_store(&published)?).await?;
            Ok(Publication::Published { summary, published })
        }
        ReleaseOutcome::Refused(refused) => Ok(Publication::Refused(refused)),
    }
}

/// A published release as the store keeps it.
fn to_store(published: &PublishedRelease) -> Result<NewRelease, ApiError> {
    let value = |v: serde_json::Result<serde_json::Value>| v.map_err(ApiError::internal);
    Ok(NewRelease {
        id: published.release.id.0,
        as_of: published.release.as_of,
        created_at: published.release.created_at,
        release_json: published.release.to_json(),
        audit: value(serde_json::to_value(&published.audit))?,
        params: value(serde_json::to_value(&published.params))?,
        stats: value(serde_json::to_value(&published.stats))?,
        contributions: serde_json::to_string(&published.contributions).map_err(ApiError::internal)?,
    })
}

fn aggregate_error(e: AggregateError) -> ApiError {
    match e {
        AggregateError::Rollup(_) | AggregateError::Solver(_) => ApiError::internal(e),
        AggregateError::NotAfterPrevious { .. } => {
            ApiError::Conflict { code: "release_not_after_previous", message: e.to_string() }
        }
        other => ApiError::invalid("release_input_invalid", other.to_string()),
    }
}

/// The earlier releases as the library needs them (for protection across releases).
async fn previous_releases(state: &AppState) -> Result<Vec<PublishedRelease>, ApiError> {
    let mut previous = Vec::new();
    // One query for all of them, snapshots included (not one read per release).
    for (record, contributions) in state.store.earlier_releases().await? {
        let parse = || -> Result<PublishedRelease, serde_json::Error> {
            Ok(PublishedRelease {
                release: serde_json::from_str(&record.release_json)?,
                audit: serde_json::from_value(record.audit.clone())?,
                params: serde_json::from_value(record.params.clone())?,
                contributions: serde_json::from_str::<ContributionSnapshot>(&contributions)?,
                stats: serde_json::from_value(record.stats.clone())?,
            })
        };
        previous.push(parse().map_err(ApiError::internal)?);
    }
    Ok(previous)
}

/// Which submission each contributor's lines are, and the lines of the submissions the latest
/// release used for the organisations that changed or left since (what a held-back
/// organisation stays at).
async fn versions(
    state: &AppState,
    as_of: NaiveDate,
    orgs: &BTreeMap<OrgId, Org>,
    contributors: &BTreeMap<OrgId, Contributor>,
    previous: &[PublishedRelease],
) -> Result<Versions, ApiError> {
    let mut versions = Versions::default();
    for (org, submission) in state.store.current_submissions_as_of(cut_off(as_of)).await? {
        // An organisation whose agreement has ended is no contributor: it has left.
        if contributors.contains_key(&org) {
            versions.current.insert(org, submission.0);
        }
    }
    let latest = previous.iter().max_by_key(|p| (p.release.as_of, p.release.created_at, p.release.id));
    for (org, used) in latest.map(|p| &p.contributions.versions).into_iter().flatten() {
        if versions.current.get(org) == Some(used) {
            continue;
        }
        let Some(sector) = orgs.get(org).map(|o| o.category) else { continue };
        let lines = state.store.submission_lines(SubmissionId(*used)).await?;
        versions
            .earlier
            .insert(*used, lines.iter().map(|l| ContributionLine::from_licence_line(*org, sector, l)).collect());
    }
    Ok(versions)
}

/// What a release as of `as_of` is computed from: the contributors' lines, the versions of
/// their inventories and the earlier releases.
async fn release_input(
    state: &AppState,
    as_of: NaiveDate,
) -> Result<(ReleaseInput, Versions, Vec<PublishedRelease>), ApiError> {
    let orgs: BTreeMap<OrgId, Org> = state.store.list_orgs().await?.into_iter().map(|o| (o.id, o)).collect();
    let current = state.store.current_lines_as_of(cut_off(as_of)).await?;
    let (contributors, lines) = lyhty_aggregate::contributions(&orgs, current, as_of);
    if lines.is_empty() {
        return Err(ApiError::invalid(
            "nothing_to_release",
            "no organisation had an accepted inventory at the cut-off",
        ));
    }
    let previous = previous_releases(state).await?;
    let versions = versions(state, as_of, &orgs, &contributors, &previous).await?;
    let input = ReleaseInput { as_of, contributors: contributors.into_values().collect(), lines };
    Ok((input, versions, previous))
}
