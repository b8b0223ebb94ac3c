//! What a release is computed from: plain rows, no SQL.
//!
//! The caller (the API, via the store) turns accepted inventories into
//! [`ContributionLine`]s and lists the [`Contributor`]s at the cut-off; this module checks
//! them and turns each line into a [`Microrow`]: its dimension members and its measure
//! values, ready for the rollups.

use crate::error::AggregateError;
use crate::model::{Dimension, MARGIN, Measure, UNKNOWN_QUARTER, Values};
use chrono::{DateTime, NaiveDate, Utc};
use lyhty_domain::{OrgCategory, OrgId, Quarter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// One licence line of an accepted inventory, as the release needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributionLine {
    pub org: OrgId,
    /// The organisation's party category (the `sector` dimension).
    pub sector: OrgCategory,
    /// Normalised vendor name (`Microsoft`, `Oracle`, …).
    pub vendor: String,
    pub product: String,
    /// Contract-type key of `INGEST.md`.
    pub contract_type: String,
    /// `end_user`, `server` or `other`.
    pub licence_type: String,
    /// Procurement-channel key of `INGEST.md`; empty when not given.
    pub channel: String,
    /// Quarter of `contract_end`; `None` when not given (`unknown` in releases).
    pub renewal_quarter: Option<Quarter>,
    pub annual_cost_cents: i64,
    pub quantity: i64,
    /// Licences actually in use, where the organisation reported it.
    pub in_use: Option<i64>,
}

/// An organisation whose accepted inventory is in the release (§ contributors of
/// `DISCLOSURE.md`: accepted at the cut-off, agreement not ended before it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Contributor {
    pub org: OrgId,
    pub sector: OrgCategory,
}

/// Everything a release is computed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseInput {
    /// The cut-off date.
    pub as_of: NaiveDate,
    pub contributors: Vec<Contributor>,
    /// Lines of organisations not among `contributors` are left out.
    pub lines: Vec<ContributionLine>,
}

/// Identity of the release being made. Passed in, never generated here, so that the same
/// input always gives the same bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseMeta {
    pub id: ReleaseId,
    pub created_at: DateTime<Utc>,
}

/// Identifier of a release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ReleaseId(pub Uuid);

impl std::fmt::Display for ReleaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Disclosure-control parameters (coordinator only: knowing `p` helps an attacker).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReleaseParams {
    /// Frequency rule: a cell with fewer contributors (but some) is sensitive; vendors and
    /// products with fewer are recoded to `Other vendors` / `Other products`.
    pub min_orgs: u32,
    /// p of the p % rule.
    pub p_percent: u32,
    /// Protection interval of a frequency-sensitive cell, in % of its value (both sides).
    pub frequency_protection_percent: u32,
    /// Rounds of "suppress, audit, add complements for what the audit found" before the
    /// release is refused.
    pub max_rounds: u32,
}

impl Default for ReleaseParams {
    fn default() -> Self {
        Self { min_orgs: 3, p_percent: 15, frequency_protection_percent: 30, max_rounds: 4 }
    }
}

impl ReleaseParams {
    pub fn validate(&self) -> Result<(), AggregateError> {
        if self.min_orgs == 0 {
            return Err(AggregateError::InvalidParams("min_orgs must be at least 1".into()));
        }
        if self.p_percent == 0 || self.p_percent >= 100 {
            return Err(AggregateError::InvalidParams("p_percent must be in 1..100".into()));
        }
        if self.frequency_protection_percent > 100 {
            return Err(AggregateError::InvalidParams("frequency_protection_percent must be at most 100".into()));
        }
        if self.max_rounds == 0 {
            return Err(AggregateError::InvalidParams("max_rounds must be at least 1".into()));
        }
        Ok(())
    }
}

/// The licence types of `INGEST.md`.
pub const LICENCE_TYPES: [&str; 3] = ["end_user", "server", "other"];

/// A checked line: its members for every dimension (before rare-vendor recoding) and its
/// measure values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Microrow {
    pub org: OrgId,
    pub vendor: String,
    /// Members in the order of [`Dimension::ALL`].
    pub members: [String; 7],
    pub values: Values,
}

/// Checks the lines against the contributor list and turns them into microrows. Lines of
/// organisations that are not contributors are dropped; their count is returned.
pub(crate) fn prepare(input: &ReleaseInput) -> Result<(Vec<Microrow>, usize), AggregateError> {
    let mut sectors: BTreeMap<OrgId, OrgCategory> = BTreeMap::new();
    for c in &input.contributors {
        if let Some(previous) = sectors.insert(c.org, c.sector)
            && previous != c.sector
        {
            return Err(AggregateError::DuplicateContributor(c.org));
        }
    }
    let mut rows = Vec::with_capacity(input.lines.len());
    let mut left_out = 0;
    for (i, line) in input.lines.iter().enumerate() {
        let Some(&sector) = sectors.get(&line.org) else {
            left_out += 1;
            continue;
        };
        let line_no = i + 1;
        if sector != line.sector {
            return Err(AggregateError::SectorMismatch { line: line_no, org: line.org });
        }
        rows.push(microrow(line_no, line)?);
    }
    Ok((rows, left_out))
}

pub(crate) fn microrow(line_no: usize, line: &ContributionLine) -> Result<Microrow, AggregateError> {
    let invalid = |reason: String| AggregateError::InvalidLine { line: line_no, org: line.org, reason };
    // `*` is the margin member; a real member spelled so would be confused with it.
    let member = |what: &str, s: &str, empty: Option<&str>| -> Result<String, AggregateError> {
        let s = s.trim();
        match (s.is_empty(), empty) {
            (true, Some(default)) => Ok(default.to_string()),
            (true, None) => Err(invalid(format!("{what} is empty"))),
            _ if s == MARGIN => Err(invalid(format!("{what} may not be \"{MARGIN}\""))),
            _ => Ok(s.to_string()),
        }
    };
    let vendor = member("vendor", &line.vendor, None)?;
    let product = member("product", &line.product, None)?;
    let contract_type = member("contract_type", &line.contract_type, Some("other"))?;
    let channel = member("channel", &line.channel, Some("unknown"))?;
    let licence_type = line.licence_type.trim();
    if !LICENCE_TYPES.contains(&licence_type) {
        return Err(invalid(format!("unknown licence_type {licence_type:?}")));
    }
    // Every value is ≥ 0 by the threat model (the attacker knows it), and the p % rule
    // is meaningless otherwise: refuse rather than guess.
    if line.annual_cost_cents < 0 || line.quantity < 0 || line.in_use.is_some_and(|u| u < 0) {
        return Err(invalid("negative cost, quantity or in_use".into()));
    }
    let quarter = line.renewal_quarter.map_or_else(|| UNKNOWN_QUARTER.to_string(), |q| q.to_string());
    let year = line.renewal_quarter.map_or_else(|| UNKNOWN_QUARTER.to_string(), |q| q.year.to_string());

    let mut values: Values = [0; crate::model::MEASURE_COUNT];
    values[Measure::AnnualCostCents.index()] = line.annual_cost_cents;
    match licence_type {
        "end_user" => values[Measure::EndUserLicences.index()] = line.quantity,
        "server" => values[Measure::ServerLicences.index()] = line.quantity,
        _ => {}
    }
    if let Some(in_use) = line.in_use {
        values[Measure::InUseLicences.index()] = in_use;
        values[Measure::UsageReportedLicences.index()] = line.quantity;
    }
    // Members in the order of Dimension::ALL.
    debug_assert_eq!(Dimension::ALL[0], Dimension::Sector);
    Ok(Microrow {
        org: line.org,
        vendor,
        members: [
            line.sector.key().to_string(),
            contract_type,
            licence_type.to_string(),
            channel,
            quarter,
            year,
            product,
        ],
        values,
    })
}
