//! Releases over time: what is kept of each release, and which updates a new one may show.
//!
//! `DISCLOSURE.md` ("Releases over time"): the difference between two releases is itself
//! information. The change of a cell between two releases is a cell whose contributors are
//! the organisations whose values changed; it must pass the primary rules or be protected.
//! A lone newcomer is the hard case: the change of the grand total (never suppressed) *is*
//! its total. So, before anything is tabulated, [`Planner`] decides per organisation which
//! version of its inventory the release uses:
//!
//! - every organisation whose inventory differs from the one the latest release used (a
//!   joiner, a leaver, a changed inventory) is a *change*;
//! - the change of the grand total against **every** earlier release must pass the primary
//!   rules; while it does not, the change that dominates it is *held back*: that
//!   organisation stays at the state the latest release used (a newcomer stays out, a leaver
//!   stays in at its last inventory, a changed inventory stays at the version used before)
//!   until enough changes accumulate;
//! - every other cell's change is protected by the new release's own suppression (see
//!   [`crate::history_audit`]); should that fail, the changes in the cells it failed on are
//!   held back too and the release is made again ([`Planner::hold_back`]). Holding back
//!   everything gives the latest release's data again, which is always safe.
//!
//! The release says how many organisations' updates it holds back, never which; the audit
//! report ([`HeldBack`]) says which and why, for the coordinator.

use crate::error::AggregateError;
use crate::input::{ContributionLine, Contributor, ReleaseInput, ReleaseParams, microrow};
use crate::model::{CellRef, MEASURE_COUNT, Measure, Values};
use crate::primary::p_rule_sensitive;
use crate::release::Release;
use crate::report::AuditReport;
use crate::rollup::LinkedSystem;
use lyhty_domain::{OrgCategory, OrgId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

pub use crate::report::{HeldBack, HeldBackReason};

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
    /// Which version of each organisation's inventory the release used (the submission id,
    /// or [`fingerprint`] of the lines): what a held-back organisation stays at next time.
    /// Empty for releases stored before versions were kept.
    #[serde(default)]
    pub versions: BTreeMap<OrgId, Uuid>,
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
    pub(crate) fn of(sys: &LinkedSystem, versions: BTreeMap<OrgId, Uuid>) -> Self {
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
        Self { orgs: sys.orgs.clone(), measures: Measure::ALL.to_vec(), cells, versions }
    }

    /// Each organisation's contribution to the grand total.
    pub(crate) fn grand_totals(&self) -> BTreeMap<OrgId, Values> {
        let grand = CellRef { vendor: crate::model::MARGIN.into(), dimension: None, member: None };
        let Some(cell) = self.cells.iter().find(|c| c.cell == grand) else { return BTreeMap::new() };
        cell.orgs.iter().zip(&cell.values).filter_map(|(&o, v)| Some((*self.orgs.get(o as usize)?, *v))).collect()
    }
}

/// Which version of each contributor's inventory the input holds, and the lines of the
/// versions the latest release used (what a held-back organisation stays at).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Versions {
    /// Per contributor, the version of its lines in the input (the submission id).
    /// Contributors not listed get [`fingerprint`] of their lines.
    pub current: BTreeMap<OrgId, Uuid>,
    /// Lines of earlier versions, by version: only those the latest release used for
    /// organisations that changed or left are needed.
    pub earlier: BTreeMap<Uuid, Vec<ContributionLine>>,
}

impl Versions {
    /// Adds earlier lines under their organisations' [`fingerprint`]s (for callers that
    /// have no submission ids, such as tests and benchmarks).
    pub fn with_earlier(mut self, lines: &[ContributionLine]) -> Self {
        for (_, lines) in by_org(lines) {
            self.earlier.insert(fingerprint(&lines), lines);
        }
        self
    }
}

/// A version id derived from one organisation's lines, independent of their order.
pub fn fingerprint(lines: &[ContributionLine]) -> Uuid {
    let mut texts: Vec<String> = lines.iter().map(|l| serde_json::to_string(l).unwrap_or_default()).collect();
    texts.sort();
    let mut hash = Sha256::new();
    for t in &texts {
        hash.update(t.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

fn by_org(lines: &[ContributionLine]) -> BTreeMap<OrgId, Vec<ContributionLine>> {
    let mut out: BTreeMap<OrgId, Vec<ContributionLine>> = BTreeMap::new();
    for l in lines {
        out.entry(l.org).or_default().push(l.clone());
    }
    out
}

/// One organisation whose state differs from the latest release's.
#[derive(Clone, Debug)]
struct Change {
    org: OrgId,
    reason: HeldBackReason,
    /// The contributor entry and lines it stays at when held back (`None` for a joiner,
    /// who stays out).
    stay: Option<(Contributor, Vec<ContributionLine>, Uuid)>,
    /// Whether it can be held back at all (a change whose earlier lines are unknown cannot).
    holdable: bool,
    /// `Some(why)` once held back.
    held: Option<String>,
}

/// Decides which updates the new release shows; see the module comment.
pub(crate) struct Planner {
    input: ReleaseInput,
    current_versions: BTreeMap<OrgId, Uuid>,
    changes: Vec<Change>,
}

/// What one attempt at the release is made from.
pub(crate) struct Plan {
    pub input: ReleaseInput,
    /// The version each contributor's lines are (stored with the release).
    pub versions: BTreeMap<OrgId, Uuid>,
    pub held_back: Vec<HeldBack>,
}

impl Planner {
    /// Finds the changes against the latest release and holds back those the grand total
    /// would show. `history` is in publication order (oldest first).
    pub fn new(
        input: &ReleaseInput,
        versions: &Versions,
        history: &[&PublishedRelease],
        params: &ReleaseParams,
    ) -> Result<Self, AggregateError> {
        let contributors: BTreeMap<OrgId, Contributor> = input.contributors.iter().map(|c| (c.org, *c)).collect();
        let lines = by_org(&input.lines);
        let current_versions: BTreeMap<OrgId, Uuid> = contributors
            .keys()
            .map(|o| {
                let own = lines.get(o).map_or(&[][..], Vec::as_slice);
                (*o, versions.current.get(o).copied().unwrap_or_else(|| fingerprint(own)))
            })
            .collect();
        let mut planner = Self { input: input.clone(), current_versions, changes: Vec::new() };
        let Some(latest) = history.last() else { return Ok(planner) };
        let before = &latest.contributions;
        let before_totals = before.grand_totals();
        let now_totals = grand_totals_of(&contributors, &lines)?;
        let orgs: BTreeSet<OrgId> = contributors.keys().chain(before.orgs.iter()).copied().collect();
        for org in orgs {
            let earlier = before.versions.get(&org).copied();
            let stay = |sector: Option<OrgCategory>| {
                let version = earlier?;
                let lines = versions.earlier.get(&version)?.clone();
                let sector = sector.or_else(|| lines.first().map(|l| l.sector))?;
                Some((Contributor { org, sector }, lines, version))
            };
            let change = match (contributors.get(&org), before_totals.contains_key(&org)) {
                (Some(_), false) => {
                    Change { org, reason: HeldBackReason::Joined, stay: None, holdable: true, held: None }
                }
                (None, true) => {
                    let stay = stay(None);
                    Change { org, reason: HeldBackReason::Left, holdable: stay.is_some(), stay, held: None }
                }
                (Some(c), true) => {
                    // Without a recorded version, a changed grand total still tells.
                    let changed = match earlier {
                        Some(v) => v != planner.current_versions[&org],
                        None => before_totals.get(&org) != now_totals.get(&org),
                    };
                    if !changed {
                        continue;
                    }
                    let stay = stay(Some(c.sector));
                    Change { org, reason: HeldBackReason::Changed, holdable: stay.is_some(), stay, held: None }
                }
                (None, false) => continue,
            };
            planner.changes.push(change);
        }
        planner.hold_back_for_the_grand_total(history, &now_totals, &before_totals, params);
        Ok(planner)
    }

    /// While the grand total's change against some earlier release fails a primary rule,
    /// holds back the change that dominates it (deterministically: the largest change, then
    /// the smallest organisation id).
    fn hold_back_for_the_grand_total(
        &mut self,
        history: &[&PublishedRelease],
        now_totals: &BTreeMap<OrgId, Values>,
        latest_totals: &BTreeMap<OrgId, Values>,
        params: &ReleaseParams,
    ) {
        let earlier_totals: Vec<(chrono::NaiveDate, BTreeMap<OrgId, Values>)> =
            history.iter().map(|p| (p.release.as_of, p.contributions.grand_totals())).collect();
        loop {
            // The grand total contributions the release would have.
            let mut state = latest_totals.clone();
            for change in &self.changes {
                let applied = change.held.is_none();
                match (applied, now_totals.get(&change.org)) {
                    (true, Some(v)) => {
                        state.insert(change.org, *v);
                    }
                    (true, None) => {
                        state.remove(&change.org);
                    }
                    (false, _) => {}
                }
            }
            let failing = earlier_totals.iter().rev().find_map(|(as_of, earlier)| {
                let diff = difference(&state, earlier);
                change_failure(&diff, params).map(|why| (as_of, diff, why))
            });
            let Some((as_of, diff, why)) = failing else { return };
            // The applied, holdable change with the largest share of the grand total's change.
            let candidate = diff
                .iter()
                .filter(|(o, _)| self.changes.iter().any(|c| c.org == **o && c.held.is_none() && c.holdable))
                .max_by_key(|(o, d)| (d.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0), std::cmp::Reverse(**o)))
                .map(|(o, _)| *o);
            let Some(org) = candidate else { return };
            let detail = format!("the change of the grand total since the release of {as_of} {why}");
            if let Some(change) = self.changes.iter_mut().find(|c| c.org == org) {
                change.held = Some(detail);
            }
        }
    }

    /// Holds back the applied changes of these organisations (the history audit found their
    /// change of a cell unprotected). `false` when none of them could be held back.
    pub fn hold_back(&mut self, orgs: &BTreeMap<OrgId, String>) -> bool {
        let mut any = false;
        for change in &mut self.changes {
            if change.held.is_none()
                && change.holdable
                && let Some(why) = orgs.get(&change.org)
            {
                change.held = Some(why.clone());
                any = true;
            }
        }
        any
    }

    /// Holds back every change still applied that can be. `false` when there is none.
    pub fn hold_back_all(&mut self) -> bool {
        let mut any = false;
        for change in self.changes.iter_mut().filter(|c| c.held.is_none() && c.holdable) {
            change.held = Some("the changes since the latest release could not be protected together".into());
            any = true;
        }
        any
    }

    /// The input, versions and held-back organisations of the current decision.
    pub fn plan(&self) -> Plan {
        let held: BTreeMap<OrgId, &Change> =
            self.changes.iter().filter(|c| c.held.is_some()).map(|c| (c.org, c)).collect();
        let mut input = self.input.clone();
        input.contributors.retain(|c| !held.contains_key(&c.org));
        input.lines.retain(|l| !held.contains_key(&l.org));
        let mut versions: BTreeMap<OrgId, Uuid> =
            self.current_versions.iter().filter(|(o, _)| !held.contains_key(o)).map(|(o, v)| (*o, *v)).collect();
        let mut held_back = Vec::new();
        for change in held.values() {
            if let Some((contributor, lines, version)) = &change.stay {
                input.contributors.push(*contributor);
                input.lines.extend(lines.iter().cloned());
                versions.insert(change.org, *version);
            }
            held_back.push(HeldBack {
                organisation_id: change.org,
                reason: change.reason,
                detail: change.held.clone().unwrap_or_default(),
            });
        }
        input.contributors.sort();
        Plan { input, versions, held_back }
    }
}

/// Each contributor's grand total: the sum of all its lines (no recoding touches it).
fn grand_totals_of(
    contributors: &BTreeMap<OrgId, Contributor>,
    lines: &BTreeMap<OrgId, Vec<ContributionLine>>,
) -> Result<BTreeMap<OrgId, Values>, AggregateError> {
    let mut totals = BTreeMap::new();
    for (org, own) in lines.iter().filter(|(o, _)| contributors.contains_key(o)) {
        let mut total: Values = [0; MEASURE_COUNT];
        for (i, line) in own.iter().enumerate() {
            let row = microrow(i + 1, line)?;
            for (t, v) in total.iter_mut().zip(row.values) {
                *t += v;
            }
        }
        totals.insert(*org, total);
    }
    Ok(totals)
}

/// Per organisation, `now − before` where it is not zero.
pub(crate) fn difference(now: &BTreeMap<OrgId, Values>, before: &BTreeMap<OrgId, Values>) -> BTreeMap<OrgId, Values> {
    let orgs: BTreeSet<&OrgId> = now.keys().chain(before.keys()).collect();
    let mut out = BTreeMap::new();
    for org in orgs {
        let (a, b) = (now.get(org).copied().unwrap_or_default(), before.get(org).copied().unwrap_or_default());
        let d: Values = std::array::from_fn(|m| a[m] - b[m]);
        if d.iter().any(|&v| v != 0) {
            out.insert(*org, d);
        }
    }
    out
}

/// Which primary rule a change cell (per-organisation changes `diff`) breaks, if any: the
/// frequency rule on the organisations that changed, the p % rule on the sizes of their
/// changes (an increase and a decrease tell alike).
pub(crate) fn change_failure(diff: &BTreeMap<OrgId, Values>, params: &ReleaseParams) -> Option<String> {
    let n = diff.len();
    if n > 0 && n < params.min_orgs as usize {
        return Some(format!("would come from {n} organisation(s), fewer than {}", params.min_orgs));
    }
    for m in Measure::ALL {
        let mut sizes: Vec<i64> = diff.values().map(|d| d[m.index()].abs()).collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        let total: i64 = sizes.iter().sum();
        let (x1, x2) = (sizes.first().copied().unwrap_or(0), sizes.get(1).copied().unwrap_or(0));
        if x1 > 0 && p_rule_sensitive(total, x1, x2, params.p_percent) {
            return Some(format!("would be dominated by one organisation on {} (p % rule)", m.key()));
        }
    }
    None
}

/// The history in publication order (by cut-off date, then creation), checked against the
/// new release's date: a release may share the latest one's date (a correction), never
/// come before it.
pub(crate) fn ordered(
    as_of: chrono::NaiveDate,
    previous: &[PublishedRelease],
) -> Result<Vec<&PublishedRelease>, AggregateError> {
    let mut history: Vec<&PublishedRelease> = previous.iter().collect();
    history.sort_by_key(|p| (p.release.as_of, p.release.created_at, p.release.id));
    if let Some(latest) = history.last()
        && as_of < latest.release.as_of
    {
        return Err(AggregateError::NotAfterPrevious { as_of, previous: latest.release.as_of });
    }
    Ok(history)
}
