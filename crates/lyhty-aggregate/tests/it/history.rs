//! Releases over time (`DISCLOSURE.md`): each release audited together with every earlier
//! one; changes that would show one organisation's figures held back until enough
//! accumulate. Hand-checked cases, then a property test with an independent brute force
//! that reads only the release JSONs and the raw lines.

use crate::common::*;
use chrono::{DateTime, Duration, NaiveDate};
use lyhty_aggregate::{
    AggregateError, CellStatus, ContributionLine, HeldBackReason, Measure, PublishedRelease, ReleaseId, ReleaseInput,
    ReleaseMeta, ReleaseOutcome, ReleaseParams, Versions, build_release_versioned, fingerprint,
};
use lyhty_domain::OrgCategory::{self, *};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The k-th release's identity: created one minute after the one before.
fn meta_n(k: u32) -> ReleaseMeta {
    ReleaseMeta {
        id: ReleaseId(Uuid::from_u128(0x1000 + u128::from(k))),
        created_at: DateTime::UNIX_EPOCH + Duration::minutes(i64::from(k)),
    }
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

const SECTORS: [OrgCategory; 3] = [University, Uas, State];

/// Organisation `o`'s inventory: Microsoft and Oracle, of similar size for everyone (so
/// that three organisations' changes together pass the p % rule), and Adobe for those
/// that `adobe` says.
fn inventory(o: u128, adobe: bool) -> Vec<ContributionLine> {
    let sector = SECTORS[(o % 3) as usize];
    let k = o as i64;
    let mut lines = vec![
        line(
            o,
            sector,
            "Microsoft",
            "M365",
            "ea",
            "end_user",
            "direct",
            Some((2026, 4)),
            100_000_00 + k * 1_000_00,
            500,
        ),
        line(
            o,
            sector,
            "Oracle",
            "DB",
            "subscription",
            "server",
            "reseller",
            Some((2027, 1)),
            50_000_00 + k * 700_00,
            4,
        ),
    ];
    if adobe {
        lines.push(line(
            o,
            sector,
            "Adobe",
            "Acrobat",
            "subscription",
            "end_user",
            "direct",
            None,
            8_000_00 + k * 90_00,
            40,
        ));
    }
    lines
}

fn network(orgs: impl IntoIterator<Item = u128>) -> Vec<ContributionLine> {
    orgs.into_iter().flat_map(|o| inventory(o, o <= 6)).collect()
}

fn input_on(as_of: NaiveDate, lines: Vec<ContributionLine>) -> ReleaseInput {
    ReleaseInput { as_of, ..input(lines) }
}

fn publish(input: &ReleaseInput, versions: &Versions, k: u32, history: &[PublishedRelease]) -> PublishedRelease {
    match build_release_versioned(input, versions, &ReleaseParams::default(), meta_n(k), history).unwrap() {
        ReleaseOutcome::Published(p) => *p,
        ReleaseOutcome::Refused(r) => panic!("release {k} refused: {:?}", r.audit.violations),
    }
}

fn grand_total(p: &PublishedRelease) -> (Option<u32>, Option<i64>) {
    let cell = p.release.table("vendor").unwrap().cell(&["*"]).unwrap();
    (cell.organisations, cell.value(Measure::AnnualCostCents))
}

fn cost(lines: &[ContributionLine]) -> i64 {
    lines.iter().map(|l| l.annual_cost_cents).sum()
}

/// A lone newcomer would be the change of the grand total: held back (the release says 1,
/// the audit report says who and why); once two more join, the three are published.
#[test]
fn a_lone_newcomer_is_held_back_until_two_more_join() {
    let first = publish(&input_on(day(3, 31), network(1..=6)), &Versions::default(), 1, &[]);
    assert_eq!(first.release.held_back_organisations, 0);
    assert_eq!(grand_total(&first), (Some(6), Some(cost(&network(1..=6)))));

    let second = publish(&input_on(day(6, 30), network(1..=7)), &Versions::default(), 2, std::slice::from_ref(&first));
    assert_eq!(second.release.held_back_organisations, 1);
    assert_eq!(second.stats.held_back_organisations, 1);
    assert_eq!(second.audit.held_back.len(), 1);
    let held = &second.audit.held_back[0];
    assert_eq!((held.organisation_id, held.reason), (org(7), HeldBackReason::Joined));
    assert!(held.detail.contains("grand total"), "{}", held.detail);
    // The newcomer stays out: the grand total is the first release's.
    assert_eq!(grand_total(&second), grand_total(&first));
    assert!(!second.contributions.orgs.contains(&org(7)));
    // The release itself never says which organisation.
    assert!(!second.release.to_json().contains(&org(7).0.to_string()));

    let history = [first.clone(), second.clone()];
    let third = publish(&input_on(day(9, 30), network(1..=9)), &Versions::default(), 3, &history);
    assert_eq!(third.release.held_back_organisations, 0);
    assert!(third.audit.held_back.is_empty());
    assert_eq!(grand_total(&third), (Some(9), Some(cost(&network(1..=9)))));
}

/// A party that leaves alone would show its figures as the fall of the grand total: its data
/// stays in, at the version the last release used.
#[test]
fn a_leaver_alone_is_held_back() {
    let all = network(1..=6);
    let first = publish(&input_on(day(3, 31), all.clone()), &Versions::default(), 1, &[]);
    let versions = Versions::default().with_earlier(&all);
    let second = publish(&input_on(day(6, 30), network(1..=5)), &versions, 2, std::slice::from_ref(&first));
    assert_eq!(second.release.held_back_organisations, 1);
    let held = &second.audit.held_back[0];
    assert_eq!((held.organisation_id, held.reason), (org(6), HeldBackReason::Left));
    assert_eq!(grand_total(&second), grand_total(&first));
    let own: Vec<_> = all.iter().filter(|l| l.org == org(6)).cloned().collect();
    assert_eq!(second.contributions.versions.get(&org(6)), Some(&fingerprint(&own)));
}

/// One organisation's new inventory as the only change would show its change exactly: the
/// release keeps the version used before.
#[test]
fn a_single_changed_inventory_is_held_back() {
    let before = network(1..=6);
    let first = publish(&input_on(day(3, 31), before.clone()), &Versions::default(), 1, &[]);
    let mut after = before.clone();
    for l in after.iter_mut().filter(|l| l.org == org(3) && l.vendor == "Microsoft") {
        l.annual_cost_cents += 12_345_00;
    }
    let versions = Versions::default().with_earlier(&before);
    let second = publish(&input_on(day(6, 30), after), &versions, 2, std::slice::from_ref(&first));
    assert_eq!(second.release.held_back_organisations, 1);
    let held = &second.audit.held_back[0];
    assert_eq!((held.organisation_id, held.reason), (org(3), HeldBackReason::Changed));
    assert_eq!(grand_total(&second), grand_total(&first));
    let own: Vec<_> = before.iter().filter(|l| l.org == org(3)).cloned().collect();
    assert_eq!(second.contributions.versions.get(&org(3)), Some(&fingerprint(&own)));
}

/// Three newcomers pass the grand total's rules together, but only one of them uses Adobe:
/// Adobe's total changes through that one organisation alone, so it is never published in
/// both releases with the change visible.
#[test]
fn a_vendor_total_changed_by_one_organisation_is_never_shown_in_both() {
    let first = publish(&input_on(day(3, 31), network(1..=6)), &Versions::default(), 1, &[]);
    let adobe = |p: &PublishedRelease| p.release.table("vendor").unwrap().cell(&["Adobe"]).unwrap().clone();
    assert_eq!(adobe(&first).status, CellStatus::Published);
    let mut lines = network(1..=6);
    lines.extend(inventory(7, true));
    lines.extend(inventory(8, false));
    lines.extend(inventory(9, false));
    let second = publish(&input_on(day(6, 30), lines), &Versions::default(), 2, std::slice::from_ref(&first));
    let (a1, a2) = (adobe(&first), adobe(&second));
    let both_published = a1.status == CellStatus::Published && a2.status == CellStatus::Published;
    assert!(!(both_published && a1.values != a2.values), "Adobe's change is one organisation's: {a1:?} → {a2:?}");
    // Here it is the new release that hides Adobe, with the newcomers published.
    assert_eq!(second.release.held_back_organisations, 0);
    assert_eq!(a2.status, CellStatus::Suppressed);
    assert_eq!(grand_total(&second).0, Some(9));
}

/// A correction on the same day is a release of its own, audited with the first; a date
/// before the latest is refused.
#[test]
fn same_day_corrections_and_dates_before_the_latest() {
    let first = publish(&input_on(day(3, 31), network(1..=6)), &Versions::default(), 1, &[]);
    let again = publish(&input_on(day(3, 31), network(1..=7)), &Versions::default(), 2, std::slice::from_ref(&first));
    assert_eq!(again.release.as_of, first.release.as_of);
    assert_eq!(again.release.held_back_organisations, 1, "audited against the first");
    let earlier = build_release_versioned(
        &input_on(day(3, 30), network(1..=6)),
        &Versions::default(),
        &ReleaseParams::default(),
        meta_n(3),
        &[first, again],
    );
    assert!(matches!(earlier, Err(AggregateError::NotAfterPrevious { .. })), "{earlier:?}");
}

/// With history, shuffled lines and contributors still give the same bytes.
#[test]
fn history_releases_are_deterministic() {
    let first = publish(&input_on(day(3, 31), network(1..=6)), &Versions::default(), 1, &[]);
    let mut lines = network(1..=6);
    lines.extend(inventory(7, true));
    lines.extend(inventory(8, false));
    let straight = publish(&input_on(day(6, 30), lines.clone()), &Versions::default(), 2, std::slice::from_ref(&first));
    lines.reverse();
    let mut shuffled = input_on(day(6, 30), lines);
    shuffled.contributors.reverse();
    let again = publish(&shuffled, &Versions::default(), 2, &[first]);
    assert_eq!(straight.release.to_json(), again.release.to_json());
    assert_eq!(straight.contributions, again.contributions);
}

// --- the property test ----------------------------------------------------------------------

/// An independent reading of a release JSON: per cell (`(v,*)` of every table is the vendor
/// cell), its status and values.
fn shown(json: &str) -> BTreeMap<String, (String, Vec<Option<i64>>)> {
    let release: Value = serde_json::from_str(json).unwrap();
    let mut out = BTreeMap::new();
    for table in release["tables"].as_array().unwrap() {
        let dims: Vec<&str> = table["dimensions"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
        for cell in table["cells"].as_array().unwrap() {
            let members: Vec<String> = dims.iter().map(|d| cell[*d].as_str().unwrap().to_string()).collect();
            let id = match members.as_slice() {
                [v] => format!("vendor|{v}"),
                [v, m] if m == "*" => format!("vendor|{v}"),
                [v, m] => format!("{}|{v}|{m}", table["name"].as_str().unwrap()),
                _ => unreachable!(),
            };
            let values = Measure::ALL.iter().map(|m| cell[m.key()].as_i64()).collect();
            out.insert(id, (cell["status"].as_str().unwrap().to_string(), values));
        }
    }
    out
}

/// Per cell and organisation, its sums from the raw lines, with vendors and products recoded
/// the way the release lists them.
fn sums(
    cells: &BTreeMap<String, (String, Vec<Option<i64>>)>,
    lines: &[ContributionLine],
) -> BTreeMap<String, BTreeMap<u128, [i64; 5]>> {
    let mut out: BTreeMap<String, BTreeMap<u128, [i64; 5]>> = BTreeMap::new();
    for l in lines {
        let vendor =
            if cells.contains_key(&format!("vendor|{}", l.vendor)) { l.vendor.clone() } else { "Other vendors".into() };
        let product = if cells.contains_key(&format!("vendor_by_product|{vendor}|{}", l.product)) {
            l.product.clone()
        } else {
            "Other products".into()
        };
        let mut values = [l.annual_cost_cents, 0, 0, 0, 0];
        match l.licence_type.as_str() {
            "end_user" => values[1] = l.quantity,
            "server" => values[2] = l.quantity,
            _ => {}
        }
        let quarter = l.renewal_quarter.map_or("unknown".to_string(), |q| q.to_string());
        let dims = [
            ("vendor_by_sector", l.sector.key().to_string()),
            ("vendor_by_contract_type", l.contract_type.clone()),
            ("vendor_by_licence_type", l.licence_type.clone()),
            ("vendor_by_channel", l.channel.clone()),
            ("vendor_by_renewal_year", quarter.split('-').next().unwrap_or("unknown").to_string()),
            ("vendor_by_renewal_quarter", quarter),
        ];
        let mut ids = BTreeSet::new();
        for v in [vendor.clone(), "*".to_string()] {
            ids.insert(format!("vendor|{v}"));
            for (table, m) in &dims {
                ids.insert(format!("{table}|{v}|{m}"));
            }
        }
        ids.insert(format!("vendor_by_product|{vendor}|{product}"));
        for id in ids {
            let s = out.entry(id).or_default().entry(l.org.0.as_u128()).or_insert([0; 5]);
            for (s, v) in s.iter_mut().zip(values) {
                *s += v;
            }
        }
    }
    out
}

/// Every cell shown exactly in two releases whose change breaks a primary rule on a measure
/// (fewer than three organisations changed, or one change dominates by the p % rule): what
/// a reader of both could learn about fewer than three organisations' changes.
fn brute_force_history(releases: &[(String, Vec<ContributionLine>)]) -> Vec<String> {
    let read: Vec<_> = releases
        .iter()
        .map(|(json, lines)| {
            let cells = shown(json);
            let sums = sums(&cells, lines);
            (cells, sums)
        })
        .collect();
    let mut found = Vec::new();
    for (i, (before, sums_before)) in read.iter().enumerate() {
        for (after, sums_after) in &read[i + 1..] {
            for (id, (status, values)) in after {
                let Some((status_before, values_before)) = before.get(id) else { continue };
                if status == "suppressed" || status_before == "suppressed" {
                    continue;
                }
                let empty = BTreeMap::new();
                let (a, b) = (sums_after.get(id).unwrap_or(&empty), sums_before.get(id).unwrap_or(&empty));
                let orgs: BTreeSet<&u128> = a.keys().chain(b.keys()).collect();
                let changes: Vec<[i64; 5]> = orgs
                    .iter()
                    .map(|o| {
                        let (x, y) = (a.get(o).copied().unwrap_or_default(), b.get(o).copied().unwrap_or_default());
                        std::array::from_fn(|m| x[m] - y[m])
                    })
                    .filter(|d: &[i64; 5]| d.iter().any(|&v| v != 0))
                    .collect();
                for m in 0..5 {
                    assert_eq!(values[m].unwrap(), a.values().map(|v| v[m]).sum::<i64>(), "{id} as the lines say");
                    let mut sizes: Vec<i64> = changes.iter().map(|d| d[m].abs()).collect();
                    sizes.sort_unstable_by(|x, y| y.cmp(x));
                    let rest: i64 = sizes.iter().skip(2).sum();
                    let x1 = sizes.first().copied().unwrap_or(0);
                    let few = !changes.is_empty() && changes.len() < 3 && x1 > 0;
                    if few || (x1 > 0 && 100 * rest < 15 * x1) {
                        found.push(format!("{id} on measure {m}: {values_before:?} → {values:?}"));
                    }
                }
            }
        }
    }
    found
}

/// One step of the network's life.
#[derive(Clone, Debug)]
enum Event {
    Join,
    Leave(usize),
    Change(usize, u64),
}

/// Organisation `o`'s inventory from a seed; its sector is its own whatever the seed.
fn lines_of(o: u128, seed: u64) -> Vec<ContributionLine> {
    let sector = [University, Uas, State, Kela][(o % 4) as usize];
    synthetic(seed ^ (o as u64).wrapping_mul(0x9E37_79B9), o, 3)
        .into_iter()
        .filter(|l| l.org == org(o))
        .map(|l| ContributionLine { sector, ..l })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// Random sequences of 2–4 releases with joins, leaves and changes on small networks:
    /// every release the library publishes passes its joint audit, the brute force finds no
    /// change it shows that breaks a primary rule, and the release says how many updates it
    /// holds back (those whose version used is not the current one).
    #[test]
    fn history_survives_an_independent_brute_force(
        seed in any::<u64>(),
        start in 4u128..8,
        steps in proptest::collection::vec(
            proptest::collection::vec(prop_oneof![Just(Event::Join), (0usize..8).prop_map(Event::Leave),
                ((0usize..8), any::<u64>()).prop_map(|(o, s)| Event::Change(o, s))], 1..4),
            1..4),
    ) {
        let mut current: BTreeMap<u128, Vec<ContributionLine>> = (1..=start).map(|o| (o, lines_of(o, seed))).collect();
        // Every version of every organisation's inventory, by its version id.
        let mut versions = Versions::default();
        let mut next_org = start + 1;
        let mut history: Vec<PublishedRelease> = Vec::new();
        let mut shown_so_far: Vec<(String, Vec<ContributionLine>)> = Vec::new();
        for (k, events) in std::iter::once(Vec::new()).chain(steps).enumerate() {
            for event in events {
                let orgs: Vec<u128> = current.keys().copied().collect();
                match event {
                    Event::Join => {
                        current.insert(next_org, lines_of(next_org, seed));
                        next_org += 1;
                    }
                    Event::Leave(i) if orgs.len() > 3 => {
                        current.remove(&orgs[i % orgs.len()]);
                    }
                    Event::Change(i, s) => {
                        let o = orgs[i % orgs.len()];
                        current.insert(o, lines_of(o, s));
                    }
                    Event::Leave(_) => {}
                }
            }
            for own in current.values() {
                versions.earlier.insert(fingerprint(own), own.clone());
            }
            let lines: Vec<ContributionLine> = current.values().flatten().cloned().collect();
            let as_of = day(3, 31) + Duration::days(if k % 2 == 0 { 30 * k as i64 } else { 30 * (k as i64 - 1) });
            let outcome = build_release_versioned(
                &input_on(as_of, lines), &versions, &ReleaseParams::default(), meta_n(k as u32), &history,
            ).unwrap();
            let published = match outcome {
                ReleaseOutcome::Published(p) => *p,
                // Tiny inventories can be unprotectable on their own (one vendor group equal
                // to the grand total); the refusal says why, and nothing joins the history.
                ReleaseOutcome::Refused(r) => {
                    prop_assert!(!r.audit.violations.is_empty());
                    continue;
                }
            };
            prop_assert!(published.audit.passed);
            // The lines the release used, from the versions it says it used.
            let by_version: BTreeMap<Uuid, Vec<ContributionLine>> = versions.earlier.clone();
            let used: Vec<ContributionLine> =
                published.contributions.versions.values().flat_map(|v| by_version[v].clone()).collect();
            let held = published.contributions.versions.iter()
                .filter(|(o, v)| current.get(&o.0.as_u128()).is_none_or(|l| fingerprint(l) != **v))
                .count()
                + current.keys().filter(|o| !published.contributions.versions.contains_key(&org(**o))).count();
            prop_assert_eq!(published.release.held_back_organisations, held);
            shown_so_far.push((published.release.to_json(), used));
            let found = brute_force_history(&shown_so_far);
            prop_assert!(found.is_empty(), "brute force found: {:?}", found);
            history.push(published);
        }
    }
}

#[test]
fn the_brute_force_sees_a_published_lone_newcomer() {
    // Without history the library publishes the newcomer; the brute force must object.
    let first = release(&input(network(1..=6)));
    let second = release(&input(network(1..=7)));
    let (first, second) = (first.published().unwrap(), second.published().unwrap());
    let found =
        brute_force_history(&[(first.release.to_json(), network(1..=6)), (second.release.to_json(), network(1..=7))]);
    assert!(found.iter().any(|f| f.starts_with("vendor|* ")), "{found:?}");
}
