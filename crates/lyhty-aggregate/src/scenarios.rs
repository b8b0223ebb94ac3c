//! Hand-checked scenarios that need the crate's insides (the linked system, a hand-made
//! suppression pattern). Public-API tests live in `tests/`.

use crate::audit::{AuditKind, AuditRules, audit};
use crate::input::{ContributionLine, Contributor, ReleaseInput, ReleaseParams, prepare};
use crate::model::CellRange;
use crate::model::{CellKey, Dimension, Member};
use crate::rollup::{LinkedSystem, rollup};
use crate::suppression::Suppressor;
use crate::{CellStatus, ReleaseId, ReleaseMeta, ReleaseOutcome, build_release};
use chrono::{DateTime, NaiveDate};
use lyhty_domain::{OrgCategory, OrgId, Quarter};
use uuid::Uuid;

fn org(n: u128) -> OrgId {
    OrgId(Uuid::from_u128(n))
}

fn line(o: u128, vendor: &str, product: &str, contract_type: &str, cost: i64) -> ContributionLine {
    ContributionLine {
        org: org(o),
        sector: OrgCategory::University,
        vendor: vendor.into(),
        product: product.into(),
        contract_type: contract_type.into(),
        licence_type: "end_user".into(),
        channel: "direct".into(),
        renewal_quarter: Quarter::new(2026, 3),
        annual_cost_cents: cost,
        quantity: cost / 10,
        in_use: None,
    }
}

/// Vendor V: A alone on contract type `x`, B alone on `y`, C, D, E on `z`. Vendor W: three
/// organisations on each of `x`, `y`, `z`. Only `(V,x)` and `(V,y)` are sensitive.
fn singleton_row() -> ReleaseInput {
    let mut lines = vec![
        line(1, "V", "P", "x", 1000),
        line(2, "V", "P", "y", 800),
        line(3, "V", "P", "z", 500),
        line(4, "V", "P", "z", 520),
        line(5, "V", "P", "z", 540),
    ];
    for (o, ct, cost) in [
        (6, "x", 400),
        (7, "x", 420),
        (8, "x", 440),
        (9, "y", 400),
        (10, "y", 420),
        (11, "y", 440),
        (12, "z", 300),
        (13, "z", 310),
        (14, "z", 320),
    ] {
        lines.push(line(o, "W", "Q", ct, cost));
    }
    let contributors = (1..=14).map(|o| Contributor { org: org(o), sector: OrgCategory::University }).collect();
    ReleaseInput { as_of: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(), contributors, lines }
}

fn ct_cell(sys: &LinkedSystem, vendor: &str, ct: &str) -> usize {
    sys.index[&CellKey {
        vendor: Member::Value(vendor.into()),
        dim: Some((Dimension::ContractType, Member::Value(ct.into()))),
    }]
}

/// The singleton row's linked system with only the rectangle (V,x), (V,y), (W,x), (W,y)
/// suppressed, and those four cells in that order.
fn rectangle_pattern() -> (LinkedSystem, Vec<bool>, [usize; 4]) {
    let (rows, _) = prepare(&singleton_row()).unwrap();
    let sys = rollup(&rows, 3).unwrap();
    let cells = [("V", "x"), ("V", "y"), ("W", "x"), ("W", "y")].map(|(v, ct)| ct_cell(&sys, v, ct));
    let mut suppressed = vec![false; sys.cells.len()];
    for c in cells {
        suppressed[c] = true;
    }
    (sys, suppressed, cells)
}

fn rules() -> AuditRules {
    let p = ReleaseParams::default();
    AuditRules {
        min_orgs: p.min_orgs,
        p_percent: p.p_percent,
        frequency_protection_percent: p.frequency_protection_percent,
        threads: 2,
    }
}

/// The rectangle (V,x), (V,y), (W,x), (W,y) satisfies the outsider (τ-ARGUS's audit) but
/// not organisation A: knowing its own 1 000 in (V,x), A reads from the row total that
/// B's (V,y) is at most 800 — B's exact value. The insider audit must say so.
#[test]
fn insider_audit_catches_two_singletons_protecting_each_other() {
    let (sys, suppressed, _) = rectangle_pattern();
    let report = audit(&sys, &suppressed, &[], &[], rules());
    assert!(!report.passed);
    assert!(
        report.violations.iter().all(|v| v.audit == AuditKind::Insider),
        "the outsider is protected: {:?}",
        report.violations
    );
    let a_on_b = report
        .violations
        .iter()
        .find(|v| v.attacker == Some(org(1)) && v.cell.member.as_deref() == Some("y"))
        .expect("A bounds B's cell");
    // Hand-checked: max = 800 (B's value), required 800 · 1.15 = 920.
    assert!((a_on_b.max.unwrap() - 800.0).abs() < 1e-6, "{a_on_b:?}");
    assert!((a_on_b.required_max - 920.0).abs() < 1e-6);
    // And symmetrically B bounds A's cell at 1 000 (< 1 150).
    assert!(report.violations.iter().any(|v| v.attacker == Some(org(2)) && v.cell.member.as_deref() == Some("x")));
}

/// The suppression fixes it: (V,x) cannot move down for A's sake, so B's cell must be
/// balanced by (V,z), the only cell of row V that no single insider knows entirely.
#[test]
fn suppression_closes_the_singleton_gap() {
    let meta = ReleaseMeta { id: ReleaseId(Uuid::nil()), created_at: DateTime::UNIX_EPOCH };
    let outcome = build_release(&singleton_row(), &ReleaseParams::default(), meta, &[]).unwrap();
    let ReleaseOutcome::Published(published) = outcome else { panic!("refused: {outcome:?}") };
    assert!(published.audit.passed);
    assert!(published.audit.insider_checks > 0, "the insiders were audited");
    let table = published.release.table("vendor_by_contract_type").unwrap();
    for ct in ["x", "y", "z"] {
        assert_eq!(table.cell(&["V", ct]).unwrap().status, CellStatus::Suppressed, "(V,{ct})");
    }
    // The grand total is never suppressed.
    assert_eq!(table.cell(&["*", "*"]).unwrap().status, CellStatus::Published);
}

/// Witnesses only spare LPs; they cannot talk the audit round. The rectangle of the test
/// above, offered as the witness for B's cell, is a possible table for an outsider but not
/// for A (it moves A's own cell below A's 1 000), so A's violation is still found, by A's
/// own LP. A witness that breaks the row equation, or moves a cell known to be 0, is
/// refused outright.
#[test]
fn witnesses_cannot_hide_a_violation() {
    use crate::witness::Witness;
    let (sys, suppressed, [vx, vy, wx, wy]) = rectangle_pattern();
    let a = 240.0; // 30 % of B's 800: the outsider's requirement
    let witnesses = vec![
        Witness { cell: vy, measure: 0, deviation: vec![(vy, a), (vx, -a), (wx, a), (wy, -a)] },
        Witness { cell: vy, measure: 0, deviation: vec![(vy, -a), (vx, a), (wx, -a), (wy, a)] },
        // Not a table: row V no longer adds up.
        Witness { cell: vx, measure: 0, deviation: vec![(vx, 1e6)] },
        Witness { cell: vx, measure: 0, deviation: vec![(vx, -1e6)] },
        // Server licences are 0 in every cell here (all lines are end-user): a zero is
        // known, so a table moving it is no table at all.
        Witness { cell: vy, measure: 2, deviation: vec![(vy, 5.0), (vx, -5.0), (wx, 5.0), (wy, -5.0)] },
    ];
    let without = audit(&sys, &suppressed, &[], &[], rules());
    let with = audit(&sys, &suppressed, &[], &witnesses, rules());
    assert_eq!((with.witnesses_offered, with.witnesses_accepted), (5, 2));
    let found = |r: &crate::AuditReport| {
        r.violations.iter().map(|v| (v.cell.clone(), v.measure, v.audit, v.attacker)).collect::<Vec<_>>()
    };
    assert!(!with.passed);
    assert_eq!(found(&with), found(&without));
    let a_on_b = with
        .violations
        .iter()
        .find(|v| v.attacker == Some(org(1)) && v.cell.member.as_deref() == Some("y") && v.measure.index() == 0)
        .expect("A still bounds B's cell");
    assert!((a_on_b.max.unwrap() - 800.0).abs() < 1e-6, "{a_on_b:?}");
    // The witness spared the outsider's LPs on B's cell: its interval is the witness's.
    let interval = with
        .intervals
        .iter()
        .find(|i| i.cell.member.as_deref() == Some("y") && i.cell.vendor == "V" && i.measure.index() == 0)
        .unwrap();
    assert!(!interval.exact);
    assert_eq!((interval.min, interval.max), (800.0 - a, Some(800.0 + a)));
    assert!(with.lp_solves < without.lp_solves);
}

/// The singleton row protected as the release protects it: the system, the pattern, the
/// suppression's witnesses and the ranges chosen from them.
fn protected_singleton_row() -> (LinkedSystem, Vec<bool>, Vec<crate::witness::Witness>, Vec<Option<CellRange>>) {
    let params = ReleaseParams::default();
    let (rows, _) = prepare(&singleton_row()).unwrap();
    let sys = rollup(&rows, params.min_orgs).unwrap();
    let risks = crate::primary::assess(&sys, &params);
    let mut suppressor = Suppressor::new(&sys, &risks);
    suppressor.protect_all(&risks, &Suppressor::primary_targets(&sys, &risks), 2).unwrap();
    let pattern = audit(&sys, &suppressor.suppressed, &[], &suppressor.witnesses, rules());
    let ranges =
        crate::ranges::choose(&sys, &suppressor.suppressed, &suppressor.witnesses, &pattern.reached, params.min_orgs);
    let (suppressed, witnesses) = (suppressor.suppressed.clone(), suppressor.witnesses.clone());
    (sys, suppressed, witnesses, ranges)
}

/// Ranges are published bounds, and the audits take them as such: the ranges the release
/// chooses pass, and a hand-made range too narrow for what it has to protect is a
/// violation — whether on the sensitive cell itself or on the complement it leans on.
#[test]
fn audits_reject_a_range_that_is_too_narrow() {
    let (sys, suppressed, witnesses, ranges) = protected_singleton_row();
    let vz = ct_cell(&sys, "V", "z");
    assert!(suppressed[vz], "(V,z) protects the singletons");
    assert!(ranges[vz].is_some(), "(V,z) has three contributors: it carries a range");
    for c in [ct_cell(&sys, "V", "x"), ct_cell(&sys, "V", "y")] {
        assert!(suppressed[c] && ranges[c].is_none(), "a single organisation's cell never has a range");
    }
    let chosen = audit(&sys, &suppressed, &ranges, &witnesses, rules());
    assert!(chosen.passed, "{:?}", chosen.violations);

    // (V,z) = 1 560 pinned to [1 550, 1 570]: the row V (published) then pins (V,x) + (V,y),
    // so A, knowing its own 1 000 in (V,x), bounds B's (V,y) by about 810 (it needs 920).
    let x = sys.totals[vz][0];
    let mut narrow = ranges.clone();
    narrow[vz].as_mut().unwrap()[0] = [x - 10, x + 10];
    let report = audit(&sys, &suppressed, &narrow, &witnesses, rules());
    assert!(!report.passed);
    assert!(
        report.violations.iter().any(|v| v.measure.index() == 0 && v.cell.vendor == "V"),
        "{:?}",
        report.violations
    );
    // The witnesses cannot talk it round: without them the same cells are found.
    let without = audit(&sys, &suppressed, &narrow, &[], rules());
    let cells = |r: &crate::AuditReport| {
        r.violations
            .iter()
            .map(|v| (v.cell.clone(), v.measure, v.audit as u8))
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(cells(&report), cells(&without));

    // A range that does not contain the truth is caught too.
    let mut wrong = ranges;
    wrong[vz].as_mut().unwrap()[0] = [x + 100, x + 300];
    assert!(!audit(&sys, &suppressed, &wrong, &witnesses, rules()).passed);
}
