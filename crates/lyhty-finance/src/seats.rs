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
//! - A party whose agreement has ended (§17), that has not joined yet, or whose accession
//!   the steering group has not decided yet takes no part, so weights always sum to 1 over
//!   the parties that do; an ended party's share still counts in the cost-share total,
//!   because it still owes it.
//! - A decision passes when the yes weight is at least the qualified majority (default two
//!   thirds, configurable: the agreement says "määräenemmistö" without a figure) of the
//!   weight of the seats present (`NETWORK.md`); an abstaining seat is present and counts
//!   against, an absent one does not count. The base can be switched to all seats or to
//!   the votes cast.
//! - The Ministry of Finance's experts have no seat, so a vote of theirs is an unknown
//!   seat; a deputy votes in the member's place, so a seat votes once (a second vote is
//!   `duplicate_vote`).

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
/// The fallback is never taken while every category has a row (a test checks it), so cargo
/// mutants' `SEATS.len() + 1` and `SEATS.len() / 1` survive as equivalent mutants.
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
        if org.joined_on > as_of || org.is_pending() || !org.has_access_on(as_of) {
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

/// One seat's vote (defined with the other governance words in `lyhty-domain`).
pub use lyhty_domain::governance::Vote;

/// What the qualified majority is measured against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MajorityBase {
    /// The weight of the seats present (yes, no and abstain): abstaining seats count
    /// against, absent seats do not (the default, `NETWORK.md`).
    #[default]
    Present,
    /// All seats' weight: absent and abstaining seats count against.
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
        Self { majority: Ratio::TWO_THIRDS, base: MajorityBase::Present }
    }
}

/// The outcome of a weighted vote. The weights are shares of all seats' weight (0..=1);
/// the `*_cents` behind them are exact, and `passed` is decided on those.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TallyResult {
    pub yes_weight: f64,
    pub no_weight: f64,
    pub abstain_weight: f64,
    /// Yes, no and abstain together: the seats present.
    pub present_weight: f64,
    pub absent_weight: f64,
    pub yes_cents: Cents,
    pub no_cents: Cents,
    pub abstain_cents: Cents,
    pub present_cents: Cents,
    pub absent_cents: Cents,
    /// Yes weight as a share of the base.
    pub yes_share: f64,
    /// The qualified majority required of the base (the configured threshold).
    pub threshold: Ratio,
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
/// behind the weights (`yes × denominator ≥ numerator × base`, in integers), so a result of
/// exactly two thirds is not lost to rounding.
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
    let present = yes + no + abstain;
    let total = present + absent_c;
    let base = match rule.base {
        MajorityBase::Present => present,
        MajorityBase::AllSeats => total,
        MajorityBase::VotesCast => yes + no,
    };
    let q = rule.majority;
    let passed = base > 0 && yes * i128::from(q.denominator) >= i128::from(q.numerator) * base;
    let w = |c: i128| if total > 0 { c as f64 / total as f64 } else { 0.0 };
    // Each sum is at most the sum of the seats' shares, which are bounded cents.
    let cents = |c: i128| Cents(i64::try_from(c).unwrap_or(i64::MAX));
    Ok(TallyResult {
        yes_weight: w(yes),
        no_weight: w(no),
        abstain_weight: w(abstain),
        present_weight: w(present),
        absent_weight: w(absent_c),
        yes_cents: cents(yes),
        no_cents: cents(no),
        abstain_cents: cents(abstain),
        present_cents: cents(present),
        absent_cents: cents(absent_c),
        yes_share: if base > 0 { yes as f64 / base as f64 } else { 0.0 },
        threshold: q,
        base: rule.base,
        passed,
        absent,
    })
}

/// The seat a vote names: by its key (`wellbeing_counties`) or by its name as
/// `/api/cost-shares` gives it (`wellbeing counties`).
pub fn seat_named<'a>(seats: &'a [Seat], name: &str) -> Option<&'a Seat> {
    let name = name.trim();
    seats.iter().find(|s| s.key == name || s.seat == name)
}

/// One seat's vote as counted: the seat's key, the vote and the shares behind the seat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CountedVote {
    pub seat: String,
    pub vote: Vote,
    pub share_cents: Cents,
}

/// Counts a decision's votes (each naming a seat by key or name) over `seats`: the votes
/// with their seats' keys and shares, and the tally. A seat that is not there (the Ministry
/// of Finance's experts have none) is `unknown_seat`; a seat named twice, in either form,
/// is `duplicate_vote` (a deputy votes only in the member's place).
pub fn count_votes(
    seats: &[Seat],
    votes: &[(String, Vote)],
    rule: TallyRule,
) -> Result<(Vec<CountedVote>, TallyResult), TallyError> {
    let mut counted = Vec::with_capacity(votes.len());
    for (name, vote) in votes {
        let seat = seat_named(seats, name).ok_or_else(|| TallyError::UnknownSeat(name.clone()))?;
        counted.push(CountedVote { seat: seat.key.clone(), vote: *vote, share_cents: seat.share_cents });
    }
    let keyed: Vec<(String, Vote)> = counted.iter().map(|c| (c.seat.clone(), c.vote)).collect();
    let result = tally(seats, &keyed, rule)?;
    Ok((counted, result))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(key: &str, cents: i64) -> Seat {
        Seat { seat: key.into(), key: key.into(), members: 1, weight: 0.0, share_cents: Cents(cents), org_ids: vec![] }
    }

    #[test]
    fn seats_gather_the_parties_taking_part_on_the_day() {
        use crate::shares::tests::org;
        use lyhty_domain::OrgStatus;
        let day = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
        let kela = org("Kela", OrgCategory::Kela);
        let aalto = org("Aalto", OrgCategory::University);
        let oulu = org("Oulun yliopisto", OrgCategory::University);
        let pending = Org { status: OrgStatus::Pending, ..org("Hakija", OrgCategory::University) };
        let later =
            Org { joined_on: NaiveDate::from_ymd_opt(2025, 10, 2).unwrap(), ..org("Myöhemmin", OrgCategory::Uas) };
        let left =
            Org { status: OrgStatus::Terminated, status_effective_on: Some(day), ..org("Lähtenyt", OrgCategory::Uas) };
        let parties = [(&kela, Cents(2_000)), (&aalto, Cents(500)), (&oulu, Cents(500)), (&pending, Cents(9_000))];
        // Joining on the day itself gives a seat that day.
        let today = Org { joined_on: day, ..org("Tänään", OrgCategory::Uas) };
        let parties =
            parties.into_iter().chain([(&later, Cents(9_000)), (&left, Cents(9_000)), (&today, Cents(1_000))]);
        let seats = seats_for(parties, day);
        let summary: Vec<(&str, i64, f64, usize)> =
            seats.iter().map(|s| (s.key.as_str(), s.share_cents.0, s.weight, s.org_ids.len())).collect();
        // §8.1 order: Kela, the universities (both of them), the UAS.
        let expected = vec![("kela", 2_000, 0.5, 1), ("universities", 1_000, 0.25, 2), ("uas", 1_000, 0.25, 1)];
        assert_eq!(summary, expected);
        assert!(seats_for(std::iter::empty(), day).is_empty());
        // Nothing paid at all: every seat weighs 0, not NaN.
        let unpaid = seats_for([(&kela, Cents::ZERO), (&aalto, Cents::ZERO)], day);
        assert_eq!(unpaid.iter().map(|s| s.weight).collect::<Vec<_>>(), vec![0.0, 0.0]);
    }

    #[test]
    fn weights_are_shares_of_all_seats_and_each_base_is_its_own() {
        let seats = [seat("a", 200), seat("b", 100), seat("c", 300)];
        let votes = [("a".to_string(), Vote::Yes), ("b".to_string(), Vote::No)];
        let cast = TallyRule { base: MajorityBase::VotesCast, ..TallyRule::default() };
        let r = tally(&seats, &votes, cast).unwrap();
        let weights = (r.yes_weight, r.no_weight, r.abstain_weight, r.present_weight, r.absent_weight);
        assert_eq!(weights, (1.0 / 3.0, 1.0 / 6.0, 0.0, 0.5, 0.5));
        // Of the votes cast (300), yes has 200: exactly two thirds.
        assert_eq!((r.yes_share, r.passed), (2.0 / 3.0, true));
        let all = tally(&seats, &votes, TallyRule { base: MajorityBase::AllSeats, ..TallyRule::default() }).unwrap();
        assert_eq!((all.yes_share, all.passed), (1.0 / 3.0, false));
        // Nobody present: no base, so nothing passes and the shares are 0, not NaN.
        let empty = tally(&seats, &[], TallyRule::default()).unwrap();
        assert_eq!((empty.yes_share, empty.passed, empty.absent_weight), (0.0, false, 1.0));
        let unpaid = tally(&[seat("a", 0)], &[("a".into(), Vote::Yes)], TallyRule::default()).unwrap();
        assert_eq!((unpaid.yes_weight, unpaid.yes_share, unpaid.passed), (0.0, 0.0, false));
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
    fn absent_seats_do_not_count_abstaining_ones_do() {
        let seats = [seat("a", 60), seat("b", 20), seat("c", 20)];
        let votes = [("a".to_string(), Vote::Yes), ("b".to_string(), Vote::No)];
        // Present: 60 of 80 = 75 %.
        let r = tally(&seats, &votes, TallyRule::default()).unwrap();
        assert!(r.passed);
        assert_eq!(r.absent, vec!["c".to_string()]);
        assert_eq!((r.present_cents, r.absent_cents), (Cents(80), Cents(20)));
        assert_eq!(r.yes_share, 0.75);
        // Counting the absent seat against: 60 of 100.
        let r = tally(&seats, &votes, TallyRule { base: MajorityBase::AllSeats, ..TallyRule::default() }).unwrap();
        assert!(!r.passed);
        // An abstention is present and counts against: 60 of 100 again.
        let votes = [("a".to_string(), Vote::Yes), ("b".to_string(), Vote::No), ("c".to_string(), Vote::Abstain)];
        let r = tally(&seats, &votes, TallyRule::default()).unwrap();
        assert!(!r.passed);
        assert_eq!(r.abstain_cents, Cents(20));
        let r = tally(&seats, &votes, TallyRule { base: MajorityBase::VotesCast, ..TallyRule::default() }).unwrap();
        assert!(r.passed);
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
    fn votes_name_seats_by_key_or_by_name_once() {
        let seats = [Seat { seat: "wellbeing counties".into(), ..seat("wellbeing_counties", 300) }, seat("kela", 100)];
        let votes = [("wellbeing counties".to_string(), Vote::Yes), ("kela".to_string(), Vote::No)];
        let (counted, r) = count_votes(&seats, &votes, TallyRule::default()).unwrap();
        assert_eq!(counted[0].seat, "wellbeing_counties");
        assert_eq!(counted[0].share_cents, Cents(300));
        assert!(r.passed, "300 of 400");
        let twice = [("wellbeing counties".to_string(), Vote::Yes), ("wellbeing_counties".to_string(), Vote::No)];
        assert_eq!(count_votes(&seats, &twice, TallyRule::default()).unwrap_err().code(), "duplicate_vote");
        let expert = [("Ministry of Finance".to_string(), Vote::Yes)];
        assert_eq!(count_votes(&seats, &expert, TallyRule::default()).unwrap_err().code(), "unknown_seat");
    }

    #[test]
    fn bad_votes_are_errors() {
        let seats = [seat("a", 1)];
        assert_eq!(tally(&seats, &[("x".into(), Vote::Yes)], TallyRule::default()).unwrap_err().code(), "unknown_seat");
        let twice = [("a".to_string(), Vote::Yes), ("a".to_string(), Vote::No)];
        assert_eq!(tally(&seats, &twice, TallyRule::default()).unwrap_err().code(), "duplicate_vote");
        assert!(!tally(&[], &[], TallyRule::default()).unwrap().passed);
        // Nobody present: nothing passes.
        assert!(!tally(&seats, &[], TallyRule::default()).unwrap().passed);
    }

    proptest::proptest! {
        /// Every present seat's weight is yes, no or abstain: the three add up to the
        /// present weight exactly in cents, and to within rounding as shares.
        #[test]
        fn yes_no_and_abstain_add_up_to_the_present_weight(
            shares in proptest::collection::vec(0i64..=2_000_000_000, 1..10),
            votes in proptest::collection::vec(0u8..4, 10),
        ) {
            let seats: Vec<Seat> = shares.iter().enumerate().map(|(i, c)| seat(&format!("s{i}"), *c)).collect();
            let cast: Vec<(String, Vote)> = seats
                .iter()
                .zip(&votes)
                .filter_map(|(s, v)| Vote::ALL.get(usize::from(*v)).map(|v| (s.key.clone(), *v)))
                .collect();
            let r = tally(&seats, &cast, TallyRule::default()).unwrap();
            proptest::prop_assert_eq!(r.yes_cents + r.no_cents + r.abstain_cents, r.present_cents);
            proptest::prop_assert_eq!(r.present_cents + r.absent_cents, shares.iter().copied().map(Cents).sum::<Cents>());
            proptest::prop_assert!((r.yes_weight + r.no_weight + r.abstain_weight - r.present_weight).abs() < 1e-9);
            let exact = r.present_cents.0 > 0 && 3 * i128::from(r.yes_cents.0) >= 2 * i128::from(r.present_cents.0);
            proptest::prop_assert_eq!(r.passed, exact);
        }
    }
}
