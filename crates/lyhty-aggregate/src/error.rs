//! The one error type of the crate.

use lyhty_domain::OrgId;

/// Why a release could not be computed at all. A release that was computed but failed its
/// audits is not an error: it is [`crate::ReleaseOutcome::Refused`], with the reasons.
#[derive(Debug, thiserror::Error)]
pub enum AggregateError {
    /// A line carries a value the tables cannot hold (negative amount, unknown key, …).
    #[error("line {line} of organisation {org}: {reason}")]
    InvalidLine { line: usize, org: OrgId, reason: String },
    /// The same organisation is listed twice among the contributors with different sectors.
    #[error("organisation {0} is listed twice among the contributors")]
    DuplicateContributor(OrgId),
    /// A line's sector differs from its organisation's sector in the contributor list.
    #[error("line {line}: sector of organisation {org} differs from its contributor entry")]
    SectorMismatch { line: usize, org: OrgId },
    /// The parameters make no sense (e.g. `min_orgs` of zero).
    #[error("invalid release parameters: {0}")]
    InvalidParams(String),
    /// The release date is before the latest release's (the same date is a correction).
    #[error("as_of {as_of} is before the latest release's {previous}")]
    NotAfterPrevious { as_of: chrono::NaiveDate, previous: chrono::NaiveDate },
    /// The rollup engine failed (a bug here, not bad input).
    #[error("rollup failed: {0}")]
    Rollup(String),
    /// The LP solver failed outright (not: found an infeasible problem).
    #[error("LP solver failed: {0}")]
    Solver(String),
}

impl From<polars::prelude::PolarsError> for AggregateError {
    fn from(e: polars::prelude::PolarsError) -> Self {
        Self::Rollup(e.to_string())
    }
}
