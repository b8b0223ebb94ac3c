//! Steering-group seats, their vote weights, and the qualified-majority tally (§8.1).
//!
//! §8.1 lists the steering group's members by sector: Valtori for the state, a
//! representative of the largest cities, Kuntaliitto for the other municipalities, the
//! representatives of two wellbeing counties, Kela, the universities, the universities of
//! applied sciences and the Evangelical Lutheran Church; the Ministry of Finance's two
//! experts may speak but do not vote. Members "represent their background organisations
//! with weights by the cost-sharing basis", so a seat's weight is the cost shares of the
//! parties of its sector ÷ the shares of all parties that take part.
//!
//! Our reading, to confirm with the steering group:
//! - One seat per sector, i.e. per party category. The two wellbeing-county members share
//!   one seat's weight (`members: 2`); the agreement does not say how they split it.
//! - Category `other` is not in §8.1; such parties get their own seat, "other parties".
//! - Represented organisations sit with their representative's sector and add no weight.
//! - A party whose agreement has ended (§17) or that has not joined yet takes no part, so
//!   weights always sum to 1 over the parties that do; its share still counts in the
//!   cost-share total, because it still owes it.
//! - A decision passes when the yes weight is at least the qualified majority (default two
//!   thirds) of all seats' weight; absent and abstaining seats count against it. The base
//!   can be switched to the votes cast.

use crate::model::Ratio;
use chrono::NaiveDate;
use lyhty_domain::{Cents, Org, OrgCategory, OrgId, Term};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A steering-group seat and its weight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Seat {
    /// For people: `wellbeing counties`.
    pub seat: String,
    /// Stable key: `wellbeing_counties`.
    pub key: String,
    /// Members §8.1 gives the sector (two for the wellbeing counties).
    pub members: u8,
    /// Share of the total weight, 0..=1.
    pub weight: f64,
    /// The shares behind the weight; the tally uses these, so it is exact.
    pub share_cents: Cents,
    pub org_ids: Vec<OrgId>,
}

/// A seat of §8.1 and the sector's category it speaks for.
struct SeatOf {
    category: OrgCategory,
    /// Stable key (`Seat::key`).
    key: &'static str,
    /// The API's `Seat::seat`, in English as the API's other words are.
    name: &'static str,
    members: u8,
    /// The seat's name for people in Finnish, Swedish and English.
    labels: [&'static str; 3],
}

/// The seats in the order of §8.1.
const SEATS: [SeatOf; 9] = [
    SeatOf {
        category: OrgCategory::State,
        key: "state",
        name: "state (Valtori)",
        members: 1,
        labels: ["Valtio (Valtori)", "Staten (Valtori)", "State (Valtori)"],
    },
    SeatOf {
        category: OrgCategory::LargeCity,
        key: "large_cities",
        name: "largest cities",
        members: 1,
        labels: ["Suurimmat kaupungit", "De största städerna", "Largest cities"],
    },
    SeatOf {
        category: OrgCategory::Municipalities,
        key: "municipalities",
        name: "other municipalities (Kuntaliitto)",
        members: 1,
        labels: [
            "Muut kunnat (Kuntaliitto)",
            "Övriga kommuner (Kommunförbundet)",
            "Other municipalities (Kuntaliitto)",
        ],
    },
    SeatOf {
        category: OrgCategory::WellbeingCounty,
        key: "wellbeing_counties",
        name: "wellbeing counties",
        members: 2,
        labels: ["Hyvinvointialueet", "Välfärdsområdena", "Wellbeing services counties"],
    },
    SeatOf { category: OrgCategory::Kela, key: "kela", name: "Kela", members: 1, labels: ["Kela", "FPA", "Kela"] },
    SeatOf {
        category: OrgCategory::University,
        key: "universities",
        name: "universities",
        members: 1,
        labels: ["Yliopistot", "Universiteten", "Universities"],
    },
    SeatOf {
        category: OrgCategory::Uas,
        key: "uas",
        name: "universities of applied sciences",
        members: 1,
        labels: ["Ammattikorkeakoulut", "Yrkeshögskolorna", "Universities of applied sciences"],
    },
    SeatOf {
        category: OrgCategory::Parish,
        key: "parish",
        name: "Evangelical Lutheran Church",
        members: 1,
        labels: ["Evankelis-luterilainen kirkko", "Evangelisk-lutherska kyrkan", "Evangelical Lutheran Church"],
    },
    SeatOf {
        category: OrgCategory::Other,
        key: "other",
        name: "other parties",
        members: 1,
        labels: ["Muut osapuolet", "Övriga parter", "Other parties"],
    },
];

/// Where a category sits in [`SEATS`] (every category has a seat; `other` catches the rest).
fn seat_index(category: OrgCategory) -> usize {
    SEATS.iter().position(|s| s.category == category).unwrap_or(SEATS.len() - 1)
}

/// The seat of a category: (key, name, members).
pub fn seat_of(category: OrgCategory) -> (&'static str, &'static str, u8) {
    let s = &SEATS[seat_index(category)];
    (s.key, s.name, s.members)
}

/// The seats' names for people, by `Seat::key`, in the order of §8.1.
pub fn seat_terms() -> Vec<Term> {
    SEATS.iter().map(|s| Term::new(s.key, s.labels)).collect()
}

/// Seats of the parties taking part on `as_of`, in the order of §8.1, from each party
/// with its cost share.
pub(crate) fn seats_for<'a>(parties: impl IntoIterator<Item = (&'a Org, Cents)>, as_of: NaiveDate) -> Vec<Seat> {
    let mut by_seat: BTreeMap<usize, (Cents, Vec<OrgId>)> = BTreeMap::new();
    for (org, share_cents) in parties {
        if org.joined_on > as_of || !org.has_access_on(as_of) {
            continue;
        }
        let entry = by_seat.entry(seat_index(org.category)).or_default();
        entry.0 += share_cents;
        entry.1.push(org.id);
    }
    let total: Cents = by_seat.values().map(|(c, _)| *c).sum();
    by_seat
        .into_iter()
        .map(|(idx, (share_cents, org_ids))| {
            let SeatOf { key, name, members, .. } = SEATS[idx];
            let weight = if total.0 > 0 { share_cents.0 as f64 / total.0 as f64 } else { 0.0 };
            Seat { seat: name.into(), key: key.into(), members, weight, share_cents, org_ids }
        })
        .collect()
}

/// One seat's vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    Yes,
    No,
    Abstain,
}

/// What the qualified majority is measured against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MajorityBase {
    /// All seats' weight: absent and abstaining seats count against (the default).
    #[default]
    AllSeats,
    /// Only the weight of yes and no votes.
    VotesCast,
}

/// The rule a decision is tallied by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TallyRule {
    pub majority: Ratio,
    pub base: MajorityBase,
}

impl Default for TallyRule {
    fn default() -> Self {
        Self { majority: Ratio::TWO_THIRDS, base: MajorityBase::AllSeats }
    }
}

/// The outcome of a weighted vote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TallyResult {
    pub yes_weight: f64,
    pub no_weight: f64,
    pub abstain_weight: f64,
    pub absent_weight: f64,
    /// Yes weight as a share of the base.
    pub yes_share: f64,
    pub required: Ratio,
    pub base: MajorityBase,
    pub passed: bool,
    /// Seats that did not vote.
    pub absent: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TallyError {
    #[error("there is no seat {0}")]
    UnknownSeat(String),
    #[error("seat {0} voted twice")]
    DuplicateVote(String),
}

impl TallyError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownSeat(_) => "unknown_seat",
            Self::DuplicateVote(_) => "duplicate_vote",
        }
    }
}

/// Tallies `votes` (seat key → vote) over `seats`. The comparison is done on the cents
/// behind the weights, so a result of exactly two thirds is not lost to rounding.
pub fn tally(seats: &[Seat], votes: &[(String, Vote)], rule: TallyRule) -> Result<TallyResult, TallyError> {
    let mut cast: BTreeMap<&str, Vote> = BTreeMap::new();
    for (key, vote) in votes {
        if !seats.iter().any(|s| s.key == *key) {
            return Err(TallyError::UnknownSeat(key.clone()));
        }
        if cast.insert(key.as_str(), *vote).is_some() {
            return Err(TallyError::DuplicateVote(key.clone()));
        }
    }
    let (mut yes, mut no, mut abstain, mut absent_c) = (0i128, 0i128, 0i128, 0i128);
    let mut absent = Vec::new();
    for seat in seats {
        let c = i128::from(seat.share_cents.0);
        match cast.get(seat.key.as_str()) {
            Some(Vote::Yes) => yes += c,
            Some(Vote::No) => no += c,
            Some(Vote::Abstain) => abstain += c,
            None => {
                absent_c += c;
                absent.push(seat.key.clone());
            }
        }
    }
    let total = yes + no + abstain + absent_c;
    let base = match rule.base {
        MajorityBase::AllSeats => total,
        MajorityBase::VotesCast => yes + no,
    };
    let q = rule.majority;
    let passed = base > 0 && yes * i128::from(q.denominator) >= i128::from(q.numerator) * base;
    let w = |c: i128| if total > 0 { c as f64 / total as f64 } else { 0.0 };
    Ok(TallyResult {
        yes_weight: w(yes),
        no_weight: w(no),
        abstain_weight: w(abstain),
        absent_weight: w(absent_c),
        yes_share: if base > 0 { yes as f64 / base as f64 } else { 0.0 },
        required: q,
        base: rule.base,
        passed,
        absent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(key: &str, cents: i64) -> Seat {
        Seat { seat: key.into(), key: key.into(), members: 1, weight: 0.0, share_cents: Cents(cents), org_ids: vec![] }
    }

    #[test]
    fn exactly_two_thirds_passes_and_one_cent_less_does_not() {
        let seats = [seat("a", 200), seat("b", 100)];
        let r = tally(&seats, &[("a".into(), Vote::Yes), ("b".into(), Vote::No)], TallyRule::default()).unwrap();
        assert!(r.passed);
        let seats = [seat("a", 199), seat("b", 101)];
        let r = tally(&seats, &[("a".into(), Vote::Yes), ("b".into(), Vote::No)], TallyRule::default()).unwrap();
        assert!(!r.passed);
    }

    #[test]
    fn absent_counts_against_unless_base_is_votes_cast() {
        let seats = [seat("a", 60), seat("b", 20), seat("c", 20)];
        let votes = [("a".to_string(), Vote::Yes), ("b".to_string(), Vote::No)];
        let r = tally(&seats, &votes, TallyRule::default()).unwrap();
        assert!(!r.passed);
        assert_eq!(r.absent, vec!["c".to_string()]);
        let r = tally(&seats, &votes, TallyRule { base: MajorityBase::VotesCast, ..TallyRule::default() }).unwrap();
        assert!(r.passed);
        assert_eq!(r.yes_share, 0.75);
    }

    #[test]
    fn every_category_has_a_seat_of_its_own() {
        let keys: std::collections::HashSet<_> = OrgCategory::ALL.iter().map(|c| seat_of(*c).0).collect();
        assert_eq!(keys.len(), OrgCategory::ALL.len());
        let terms = seat_terms();
        assert_eq!(terms.iter().map(|t| t.key).collect::<Vec<_>>()[..3], ["state", "large_cities", "municipalities"]);
        assert_eq!(terms[3].fi, "Hyvinvointialueet");
    }

    #[test]
    fn bad_votes_are_errors() {
        let seats = [seat("a", 1)];
        assert_eq!(tally(&seats, &[("x".into(), Vote::Yes)], TallyRule::default()).unwrap_err().code(), "unknown_seat");
        let twice = [("a".to_string(), Vote::Yes), ("a".to_string(), Vote::No)];
        assert_eq!(tally(&seats, &twice, TallyRule::default()).unwrap_err().code(), "duplicate_vote");
        assert!(!tally(&[], &[], TallyRule::default()).unwrap().passed);
    }
}
