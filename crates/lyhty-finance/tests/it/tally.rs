//! The steering group's weighted votes on the demo network (`sample-data/parties.json`),
//! counted by hand (§8.1, NETWORK.md): a seat's weight is the cost shares of its sector's
//! parties; a decision passes when the yes weight is at least two thirds of the weight of
//! the seats present.
//!
//! The demo's shares under the agreement's model, by seat, on 12 March 2026 (everyone has
//! joined by then): state (Valtori) 400 000 €, other municipalities (Kuntaliitto)
//! 300 000 €, wellbeing counties 10+10+20+20+20+25+25+10 = 140 000 €, largest cities
//! 10+10+20+20+20+25+25+10 = 140 000 €, universities 5 × 10 000 = 50 000 €, universities
//! of applied sciences 6 × 5 000 = 30 000 €, Kela 25 000 €, the church 8 000 € (the second
//! parish has no share set yet, so it adds nothing), other parties 5 000 € (likewise):
//! 1 098 000 € in all. Represented agencies and municipalities add no weight.

use crate::common;
use crate::common::d;
use lyhty_domain::{BusinessId, Cents, Org, OrgCategory, OrgId};
use lyhty_finance::seats::{MajorityBase, TallyRule, Vote, tally};
use lyhty_finance::{CostShareModel, Seat, cost_shares};
use std::collections::HashMap;

fn demo_orgs() -> Vec<Org> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data/parties.json");
    let parties: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let ids: HashMap<String, OrgId> =
        parties.iter().map(|p| (p["business_id"].as_str().unwrap().to_string(), OrgId::new())).collect();
    parties
        .iter()
        .map(|p| {
            let bid = p["business_id"].as_str().unwrap();
            let category = OrgCategory::parse(p["category"].as_str().unwrap()).unwrap();
            let joined = p["joined_on"].as_str().unwrap().parse().unwrap();
            let mut org = common::org(p["name"].as_str().unwrap(), category, BusinessId::parse(bid).unwrap(), joined);
            org.id = ids[bid];
            org.annual_budget_cents = p["annual_budget_cents"].as_i64().map(Cents);
            org.cost_share_cents = p["cost_share_cents"].as_i64().map(Cents);
            org.represented_by = p["represented_by"].as_str().map(|r| ids[r]);
            org
        })
        .collect()
}

fn seats() -> Vec<Seat> {
    cost_shares(&CostShareModel::seeded(), &demo_orgs(), d(2026, 3, 12)).seats
}

fn votes(yes: &[&str], no: &[&str], abstain: &[&str]) -> Vec<(String, Vote)> {
    let cast = |keys: &[&str], v: Vote| keys.iter().map(move |k| (k.to_string(), v)).collect::<Vec<_>>();
    [cast(yes, Vote::Yes), cast(no, Vote::No), cast(abstain, Vote::Abstain)].concat()
}

#[test]
fn the_demo_seats_weigh_what_the_shares_say() {
    let seats = seats();
    let euros: Vec<(&str, i64)> = seats.iter().map(|s| (s.key.as_str(), s.share_cents.0 / 100)).collect();
    assert_eq!(
        euros,
        [
            ("state", 400_000),
            ("large_cities", 140_000),
            ("municipalities", 300_000),
            ("wellbeing_counties", 140_000),
            ("kela", 25_000),
            ("universities", 50_000),
            ("uas", 30_000),
            ("parish", 8_000),
            ("other", 5_000),
        ]
    );
    let total: Cents = seats.iter().map(|s| s.share_cents).sum();
    assert_eq!(total, Cents::euros(1_098_000));
    let state = seats.iter().find(|s| s.key == "state").unwrap();
    assert!((state.weight - 400.0 / 1098.0).abs() < 1e-12);
}

/// Yes 400 000 € (state); no 170 000 € (counties, UAS); abstain 30 000 € (Kela, other);
/// absent: municipalities, cities, universities, the church. Present 600 000 €: yes is
/// exactly two thirds, and passes.
#[test]
fn a_decision_passes_at_exactly_two_thirds_of_the_present_weight() {
    let seats = seats();
    let r = tally(&seats, &votes(&["state"], &["wellbeing_counties", "uas"], &["kela", "other"]), TallyRule::default())
        .unwrap();
    assert!(r.passed, "{r:?}");
    assert_eq!(
        (r.yes_cents, r.no_cents, r.abstain_cents),
        (Cents::euros(400_000), Cents::euros(170_000), Cents::euros(30_000))
    );
    assert_eq!(r.present_cents, Cents::euros(600_000));
    assert_eq!(r.absent_cents, Cents::euros(498_000));
    assert!((r.present_weight - 600.0 / 1098.0).abs() < 1e-12);
    assert!((r.yes_weight - 400.0 / 1098.0).abs() < 1e-12);
    assert_eq!(r.absent, ["large_cities", "municipalities", "universities", "parish"]);
    // Counted against all seats instead, 400 of 1 098 would fail.
    let all = TallyRule { base: MajorityBase::AllSeats, ..TallyRule::default() };
    assert!(
        !tally(&seats, &votes(&["state"], &["wellbeing_counties", "uas"], &["kela", "other"]), all).unwrap().passed
    );
}

/// The same, but the church (8 000 €) abstains instead of the other parties (5 000 €):
/// 400 of 603 = 66.3 %, just below two thirds.
#[test]
fn a_decision_just_below_two_thirds_fails() {
    let r =
        tally(&seats(), &votes(&["state"], &["wellbeing_counties", "uas"], &["kela", "parish"]), TallyRule::default())
            .unwrap();
    assert!(!r.passed, "{r:?}");
    assert_eq!(r.present_cents, Cents::euros(603_000));
    assert!(r.yes_share < 2.0 / 3.0 && r.yes_share > 0.66);
}

/// Abstaining counts against: without the abstentions 400 of 570 (70.2 %) passes; with
/// Kela, the church and the other parties abstaining, 400 of 603 fails.
#[test]
fn abstentions_count_against() {
    let seats = seats();
    let without = tally(&seats, &votes(&["state"], &["wellbeing_counties", "uas"], &[]), TallyRule::default()).unwrap();
    assert!(without.passed);
    assert_eq!(without.present_cents, Cents::euros(570_000));
    let with = votes(&["state"], &["wellbeing_counties", "uas"], &["kela", "parish", "other"]);
    let r = tally(&seats, &with, TallyRule::default()).unwrap();
    assert!(!r.passed);
    assert_eq!(r.abstain_cents, Cents::euros(38_000));
}

/// Absent seats do not count: state and municipalities (700 000 €) for, everyone else
/// against (398 000 €) is 63.8 % and fails; with the cities (140 000 €) absent it is
/// 700 of 958 = 73.1 % and passes.
#[test]
fn absent_seats_do_not_count() {
    let seats = seats();
    let against = ["large_cities", "wellbeing_counties", "kela", "universities", "uas", "parish", "other"];
    let r = tally(&seats, &votes(&["state", "municipalities"], &against, &[]), TallyRule::default()).unwrap();
    assert!(!r.passed);
    assert_eq!(r.present_cents, Cents::euros(1_098_000));
    let r = tally(&seats, &votes(&["state", "municipalities"], &against[1..], &[]), TallyRule::default()).unwrap();
    assert!(r.passed);
    assert_eq!(r.present_cents, Cents::euros(958_000));
    assert_eq!(r.absent, ["large_cities"]);
}
