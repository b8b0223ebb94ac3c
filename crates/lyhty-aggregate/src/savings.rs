//! The network's realised savings by year, under the releases' primary rules.
//!
//! Each party may record its own realised saving per negotiation and year; that figure is
//! confidential like its inventory (`NETWORK.md`, "Negotiations and savings"). Everyone
//! else sees one number per year: the total over all negotiations, published only where
//!
//! - at least `min_orgs` parties contribute (the frequency rule), and
//! - the p % rule passes: `X − x1 − x2 ≥ p/100 · x1`, with `x1 ≥ x2` the two largest
//!   parties' savings of the year and `X` the year's total,
//!
//! with the same [`ReleaseParams`] as the releases and the same rule code ([`primary`]).
//! Contributions are summed per party first: a party saving in two negotiations is one
//! contributor of one value.
//!
//! Differencing. The year totals are the only realised figures published. They are
//! disjoint cells (no published total spans years, and no per-negotiation realised totals
//! are shown), so no published figure is the sum of a suppressed one and others: a
//! suppressed year cannot be derived from the rest. A suppressed year carries no figure
//! and no party count.
//!
//! Over time. A year total that changes while someone watches would tell the change: a
//! party adding its figure to a published year moves the total by exactly that figure.
//! [`savings_over_time`] therefore works like the releases' history: it keeps, per year, the
//! parties' sums the shown total was last computed from, and shows a new total only when the
//! change since then passes the same rules as a cell (at least `min_orgs` parties changed,
//! and no change dominates the p % rule on the sizes of the changes). Until then the year
//! keeps showing its last published total: the changes are held back.
//!
//! [`primary`]: crate::primary

use crate::history::{change_failure, difference};
use crate::input::ReleaseParams;
use crate::model::{MEASURE_COUNT, Values};
use crate::primary::p_rule_sensitive;
use lyhty_domain::{Lang, OrgId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One party's realised saving in one year (from one negotiation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SavingEntry {
    pub org: OrgId,
    pub year: i32,
    pub saving_cents: i64,
}

/// Whether a year's total is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SavingsStatus {
    Published,
    Suppressed,
}

impl SavingsStatus {
    pub const ALL: [SavingsStatus; 2] = [Self::Published, Self::Suppressed];

    pub fn key(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Suppressed => "suppressed",
        }
    }

    /// The status's name for people, in `lang` (the UI takes it from `/api/vocabulary`).
    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::Published => ["Julkaistu", "Publicerad", "Published"],
            Self::Suppressed => ["Suojattu", "Skyddad", "Protected"],
        };
        lyhty_domain::vocabulary::pick(lang, labels)
    }
}

lyhty_domain::labelled!(SavingsStatus);

/// A year's realised savings over the whole network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearSavings {
    pub year: i32,
    pub status: SavingsStatus,
    /// The number of contributing parties; `null` when suppressed.
    pub parties: Option<u32>,
    /// The total; `null` when suppressed.
    pub saving_cents: Option<i64>,
}

/// The year totals, oldest year first, each published or suppressed by the frequency and
/// p % rules of `params`. Years nobody recorded a saving for are not listed.
pub fn savings_by_year(entries: &[SavingEntry], params: &ReleaseParams) -> Vec<YearSavings> {
    // year → party → sum (exact: i128, then clamped; inputs are bounded far below).
    let mut years: BTreeMap<i32, BTreeMap<OrgId, i128>> = BTreeMap::new();
    for e in entries {
        *years.entry(e.year).or_default().entry(e.org).or_default() += i128::from(e.saving_cents);
    }
    years
        .into_iter()
        .map(|(year, parties)| {
            let values: Vec<i64> = parties.values().map(|&v| clamp(v)).collect();
            let total = clamp(values.iter().map(|&v| i128::from(v)).sum());
            let (x1, x2) = top_two(&values);
            let n = values.len();
            let frequency = n < params.min_orgs as usize;
            let dominated = total > 0 && p_rule_sensitive(total, x1, x2, params.p_percent);
            if frequency || dominated {
                YearSavings { year, status: SavingsStatus::Suppressed, parties: None, saving_cents: None }
            } else {
                let parties = u32::try_from(n).unwrap_or(u32::MAX);
                YearSavings {
                    year,
                    status: SavingsStatus::Published,
                    parties: Some(parties),
                    saving_cents: Some(total),
                }
            }
        })
        .collect()
}

/// The parties' sums a year's shown total was computed from.
pub type YearState = BTreeMap<OrgId, i64>;

/// What to show, and the states to remember as the years' last published ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavingsOutcome {
    pub years: Vec<YearSavings>,
    /// Years whose shown total is new: remember these states (replacing the earlier ones).
    pub publish: Vec<(i32, YearState)>,
}

/// The year totals as [`savings_by_year`] judges them, against `published` (each year's last
/// published state): a year already published shows a new total only when the change since
/// then passes the primary rules, and otherwise keeps its earlier total (held back).
pub fn savings_over_time(
    entries: &[SavingEntry],
    published: &BTreeMap<i32, YearState>,
    params: &ReleaseParams,
) -> SavingsOutcome {
    let mut current: BTreeMap<i32, YearState> = BTreeMap::new();
    for e in entries {
        let sum = current.entry(e.year).or_default().entry(e.org).or_default();
        *sum = sum.saturating_add(e.saving_cents);
    }
    let judged: BTreeMap<i32, YearSavings> =
        savings_by_year(entries, params).into_iter().map(|y| (y.year, y)).collect();
    let (mut years, mut publish) = (Vec::new(), Vec::new());
    for (&year, now) in &current {
        let fresh = judged[&year].clone();
        let shown = match published.get(&year) {
            None if fresh.status == SavingsStatus::Published => {
                publish.push((year, now.clone()));
                fresh
            }
            None => fresh,
            Some(before) if before == now => published_total(year, before),
            Some(before) => {
                let change = difference(&as_values(now), &as_values(before));
                if fresh.status == SavingsStatus::Published && change_failure(&change, params).is_none() {
                    publish.push((year, now.clone()));
                    fresh
                } else {
                    published_total(year, before)
                }
            }
        };
        years.push(shown);
    }
    SavingsOutcome { years, publish }
}

fn published_total(year: i32, state: &YearState) -> YearSavings {
    let total = clamp(state.values().map(|&v| i128::from(v)).sum());
    let parties = u32::try_from(state.len()).unwrap_or(u32::MAX);
    YearSavings { year, status: SavingsStatus::Published, parties: Some(parties), saving_cents: Some(total) }
}

fn as_values(state: &YearState) -> BTreeMap<OrgId, Values> {
    state
        .iter()
        .map(|(&org, &v)| {
            let mut values = [0; MEASURE_COUNT];
            values[0] = v;
            (org, values)
        })
        .collect()
}

fn clamp(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

fn top_two(values: &[i64]) -> (i64, i64) {
    let (mut x1, mut x2) = (0, 0);
    for &v in values {
        if v > x1 {
            x2 = x1;
            x1 = v;
        } else if v > x2 {
            x2 = v;
        }
    }
    (x1, x2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(year: i32, orgs: &[OrgId], values: &[i64]) -> Vec<SavingEntry> {
        orgs.iter().zip(values).map(|(&org, &saving_cents)| SavingEntry { org, year, saving_cents }).collect()
    }

    fn orgs(n: usize) -> Vec<OrgId> {
        (0..n).map(|_| OrgId::new()).collect()
    }

    #[test]
    fn two_parties_are_suppressed() {
        let out = savings_by_year(&entries(2026, &orgs(2), &[50_000_00, 50_000_00]), &ReleaseParams::default());
        assert_eq!(
            out,
            [YearSavings { year: 2026, status: SavingsStatus::Suppressed, parties: None, saving_cents: None }]
        );
    }

    #[test]
    fn three_parties_with_one_dominant_are_suppressed() {
        // 90 % from one party: X − x1 − x2 = 5 000 < 0.15 · 90 000.
        let out =
            savings_by_year(&entries(2026, &orgs(3), &[90_000_00, 5_000_00, 5_000_00]), &ReleaseParams::default());
        assert_eq!(out[0].status, SavingsStatus::Suppressed);
        assert_eq!((out[0].parties, out[0].saving_cents), (None, None));
    }

    #[test]
    fn three_balanced_parties_are_published_with_their_total() {
        let out =
            savings_by_year(&entries(2026, &orgs(3), &[40_000_00, 35_000_00, 30_000_00]), &ReleaseParams::default());
        // 40 000 + 35 000 + 30 000 = 105 000,00 €; X − x1 − x2 = 30 000 ≥ 0.15 · 40 000.
        assert_eq!(
            out,
            [YearSavings {
                year: 2026,
                status: SavingsStatus::Published,
                parties: Some(3),
                saving_cents: Some(105_000_00)
            }]
        );
    }

    #[test]
    fn a_party_is_one_contributor_over_negotiations_and_years_are_separate() {
        let o = orgs(3);
        let mut e = entries(2026, &o, &[20_000_00, 35_000_00, 30_000_00]);
        // The first party saves 20 000 € more in another negotiation: 40 000 € in all.
        e.push(SavingEntry { org: o[0], year: 2026, saving_cents: 20_000_00 });
        // Two negotiations of one party make no second contributor.
        e.extend(entries(2027, &[o[0], o[0], o[1]], &[10_00, 10_00, 10_00]));
        let out = savings_by_year(&e, &ReleaseParams::default());
        assert_eq!(out.len(), 2);
        assert_eq!((out[0].year, out[0].parties, out[0].saving_cents), (2026, Some(3), Some(105_000_00)));
        assert_eq!((out[1].year, out[1].status), (2027, SavingsStatus::Suppressed));
    }

    #[test]
    fn a_published_year_changes_only_when_the_change_passes_the_rules() {
        let params = ReleaseParams::default();
        let o = orgs(6);
        let first = entries(2026, &o[..3], &[40_000_00, 35_000_00, 30_000_00]);
        let out = savings_over_time(&first, &BTreeMap::new(), &params);
        assert_eq!(out.years[0].saving_cents, Some(105_000_00));
        let published: BTreeMap<i32, YearState> = out.publish.into_iter().collect();
        // Unchanged: the same total, nothing new to remember.
        let again = savings_over_time(&first, &published, &params);
        assert_eq!((again.years[0].saving_cents, again.publish.len()), (Some(105_000_00), 0));
        // One newcomer: the difference would be its figure, so the old total stays.
        let mut one_more = first.clone();
        one_more.push(SavingEntry { org: o[3], year: 2026, saving_cents: 20_000_00 });
        let held = savings_over_time(&one_more, &published, &params);
        assert_eq!(
            held.years[0],
            YearSavings {
                year: 2026,
                status: SavingsStatus::Published,
                parties: Some(3),
                saving_cents: Some(105_000_00)
            }
        );
        assert!(held.publish.is_empty());
        // One party's correction alone is held back too, however large.
        let mut corrected = first.clone();
        corrected[0].saving_cents = 80_000_00;
        assert_eq!(savings_over_time(&corrected, &published, &params).years[0].saving_cents, Some(105_000_00));
        // Three balanced newcomers together: the change passes, the new total shows.
        let mut three_more = first.clone();
        three_more.extend(entries(2026, &o[3..], &[20_000_00, 18_000_00, 16_000_00]));
        let shown = savings_over_time(&three_more, &published, &params);
        assert_eq!(shown.years[0].saving_cents, Some(159_000_00));
        assert_eq!(shown.publish.len(), 1);
        // A year that was never published stays suppressed while it fails the rules.
        let fresh = savings_over_time(&entries(2027, &o[..2], &[1_00, 1_00]), &published, &params);
        assert_eq!(fresh.years[0].status, SavingsStatus::Suppressed);
    }

    #[test]
    fn the_status_is_labelled_with_its_serde_key() {
        lyhty_domain::vocabulary::check_labelled::<SavingsStatus>().unwrap();
    }

    #[test]
    fn the_parameters_are_the_releases() {
        let e = entries(2026, &orgs(3), &[40_000_00, 35_000_00, 30_000_00]);
        let strict = ReleaseParams { min_orgs: 4, ..ReleaseParams::default() };
        assert_eq!(savings_by_year(&e, &strict)[0].status, SavingsStatus::Suppressed);
        // p = 80: 30 000 < 0.8 · 40 000.
        let strict = ReleaseParams { p_percent: 80, ..ReleaseParams::default() };
        assert_eq!(savings_by_year(&e, &strict)[0].status, SavingsStatus::Suppressed);
    }
}
