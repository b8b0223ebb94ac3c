//! What the audits report: the verdict, every check's interval and every violation, and the
//! organisations whose updates a release holds back. Kept with the release and shown to the
//! coordinator only.
//!
//! The types sit here, beneath both the pattern audit ([`crate::audit`]) and the history of
//! releases ([`crate::history`]), which fill them in.

use crate::model::{CellRef, Measure};
use lyhty_domain::OrgId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which audit found a violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    Outsider,
    Insider,
    /// The change of a cell since an earlier release (`crate::history_audit`).
    History,
}

/// The attacker's interval for one suppressed sensitive cell and one measure, beside the
/// interval it must cover. `None` bounds are unbounded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellInterval {
    pub cell: CellRef,
    pub measure: Measure,
    pub value: i64,
    pub min: f64,
    pub max: Option<f64>,
    pub required_min: f64,
    pub required_max: f64,
    /// `true`: `min` and `max` are the attacker's LP optima. `false`: they are the values of
    /// checked witnesses, so the attacker's true interval is at least this wide.
    #[serde(default = "exact_by_default")]
    pub exact: bool,
}

fn exact_by_default() -> bool {
    true
}

/// A protection failure: the release must not be published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Violation {
    pub audit: AuditKind,
    pub cell: CellRef,
    pub measure: Measure,
    /// The attacker's interval: `[min, max]`, `max` `None` when unbounded.
    pub min: f64,
    pub max: Option<f64>,
    pub required_min: f64,
    pub required_max: f64,
    /// The insider whose knowledge narrows the interval (coordinator-only report).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub attacker: Option<OrgId>,
    /// Set when the LP itself could not be solved; the cell then counts as unprotected.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
}

/// What the audits found, kept with the release and shown to the coordinator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditReport {
    /// Both audits found nothing: the release may be published.
    pub passed: bool,
    /// Suppressed sensitive cells checked (per cell, all measures).
    pub cells_checked: usize,
    pub outsider_checks: usize,
    pub insider_checks: usize,
    /// Insider checks that needed the insider's own LP (the rest were settled by a witness
    /// or from the outsider's solution).
    pub insider_lps: usize,
    /// Witnesses offered by the suppression, and how many of them passed the audit's checks.
    #[serde(default)]
    pub witnesses_offered: usize,
    #[serde(default)]
    pub witnesses_accepted: usize,
    pub lp_solves: usize,
    pub intervals: Vec<CellInterval>,
    pub violations: Vec<Violation>,
    /// Changes of cells since earlier releases checked by the history audit.
    #[serde(default)]
    pub history_checks: usize,
    /// The organisations whose updates the release holds back, and why (coordinator only).
    #[serde(default)]
    pub held_back: Vec<HeldBack>,
    /// Wall-clock time of the audits; the only field that differs between identical runs.
    pub duration_ms: u64,
    /// Per (cell, measure), the lowest and highest value an attacker LP's optimum gave the
    /// cell: possible tables the ranges must not rule out (see [`crate::ranges`]).
    #[serde(skip)]
    pub(crate) reached: BTreeMap<(usize, usize), [f64; 2]>,
    /// The same, with each optimum pulled back towards the true table until the cell it
    /// optimised moves only as far as its requirements (plus a margin): narrower ranges.
    #[serde(skip)]
    pub(crate) reached_needed: BTreeMap<(usize, usize), [f64; 2]>,
}

/// Why an organisation's update is held back.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeldBackReason {
    /// A newcomer: it stays out.
    Joined,
    /// Its agreement ended or it has no accepted inventory: it stays in at its last state.
    Left,
    /// A new inventory: the version the previous release used stays.
    Changed,
}

/// One organisation whose update a release holds back (coordinator only).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldBack {
    pub organisation_id: OrgId,
    pub reason: HeldBackReason,
    /// Which rule the change would have broken, against which release.
    pub detail: String,
}
