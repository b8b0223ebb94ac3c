//! Releases over time — the seam for protection across releases.
//!
//! `DISCLOSURE.md` asks that each new release be audited together with all earlier ones
//! (the change of a cell between releases is itself a cell, whose contributors are the
//! organisations whose values changed), and that changes which cannot be protected be held
//! back. That is the next piece of work. What exists now:
//!
//! - every [`PublishedRelease`] keeps its per-organisation contributions
//!   ([`ContributionSnapshot`]), which is what that audit needs of the past;
//! - [`plan`] is where the held-back organisations will be decided, before tabulation; it
//!   currently only checks that releases come in date order and holds nothing back.

use crate::audit::AuditReport;
use crate::error::AggregateError;
use crate::input::ReleaseParams;
use crate::model::{CellRef, Measure, Values};
use crate::release::Release;
use crate::rollup::LinkedSystem;
use chrono::NaiveDate;
use lyhty_domain::OrgId;
use serde::{Deserialize, Serialize};

/// A release as stored: immutable, with everything needed to audit later releases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedRelease {
    /// What members and the steering group see.
    pub release: Release,
    /// Coordinator only.
    pub audit: AuditReport,
    /// Coordinator only.
    pub params: ReleaseParams,
    /// Coordinator only; never shown, kept for the audits of later releases.
    pub contributions: ContributionSnapshot,
    pub stats: crate::ReleaseStats,
}

/// Per-organisation contributions to every non-empty cell of a release.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributionSnapshot {
    pub orgs: Vec<OrgId>,
    /// The order of the values in [`SnapshotCell::values`].
    pub measures: Vec<Measure>,
    pub cells: Vec<SnapshotCell>,
}

/// One cell's contributors: `orgs[i]` (an index into [`ContributionSnapshot::orgs`])
/// contributed `values[i]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotCell {
    pub cell: CellRef,
    pub orgs: Vec<u32>,
    pub values: Vec<Values>,
}

impl ContributionSnapshot {
    pub(crate) fn of(sys: &LinkedSystem) -> Self {
        let cells = sys
            .cells
            .iter()
            .zip(&sys.contributions)
            .map(|(key, contributions)| SnapshotCell {
                cell: key.to_ref(),
                orgs: contributions.iter().map(|c| c.org).collect(),
                values: contributions.iter().map(|c| c.values).collect(),
            })
            .collect();
        Self { orgs: sys.orgs.clone(), measures: Measure::ALL.to_vec(), cells }
    }
}

/// What the history asks of the new release.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct HistoryPlan {
    /// Organisations whose updates stay at their previous state (never which).
    pub held_back_organisations: usize,
}

/// Decides, from the earlier releases, what the new one may show.
pub(crate) fn plan(as_of: NaiveDate, previous: &[PublishedRelease]) -> Result<HistoryPlan, AggregateError> {
    if let Some(latest) = previous.iter().map(|p| p.release.as_of).max()
        && as_of <= latest
    {
        return Err(AggregateError::NotAfterPrevious { as_of, previous: latest });
    }
    // Multi-release protection (next issue) goes here: diff the contributions against
    // `previous`, treat each changed cell as a cell with the changed organisations as its
    // contributors, and hold back the updates that cannot be protected.
    Ok(HistoryPlan::default())
}
