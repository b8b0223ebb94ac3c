//! What each party would get back if the network dissolved (§9).
//!
//! The agreement: "Mikäli odottamattomasta syystä yhteistyö raukeaa, palautetaan
//! sopimusosapuolille loppurahoitus selvitystyön alasajon jälkeen. Palautus tapahtuu
//! vastaavassa suhteessa, kuin rahoitusta on alun perin maksettu. Palautusta ei makseta, jos
//! hankkeen rahoituksesta on jäljellä 20 prosenttiyksikköä alkuperäisestä rahoituksesta tai
//! alle sen."
//!
//! Read here as:
//! - the remaining funding is what the parties have **paid** (the coordinator's booked own
//!   contributions included) − what has been spent − the wind-down cost; money invoiced
//!   but never paid was never there to return;
//! - the "original funding" is the funding the parties committed to (the cost-share
//!   total), given by the caller;
//! - nothing is returned when the remaining funding is 20 % of the original funding or
//!   less; exactly 20 % returns nothing, one cent more returns everything remaining;
//! - the remainder is divided in proportion to what each party has paid, each share
//!   rounded down to the cent and the leftover cents given one each to the largest
//!   fractional remainders (largest-remainder method), so the refunds add up to the
//!   remaining amount exactly. Ties go to the party that paid more, then by party id, so
//!   the preview is the same every time;
//! - an expelled party's payments are not returned (§17: "Erotetulla osapuolella ei ole
//!   oikeutta saada takaisin suorittamiaan maksuja"): it is listed with what it paid and a
//!   refund of zero, its payments stay in the remaining funding, and the remainder is divided
//!   among the other parties in proportion to what each of them paid. If every party that
//!   paid has been expelled, nothing is returned.
//!
//! The steering group decides on a refund (§9); this is the figure it decides on.

use crate::spend_report::IncomePayment;
use lyhty_domain::{Cents, OrgId};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// What a party has paid in, for the refund rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaidIn {
    pub org_id: OrgId,
    pub name: String,
    pub paid_cents: Cents,
    /// Expelled (§17): gets nothing back.
    #[serde(default)]
    pub expelled: bool,
}

/// What each party has paid in, from the payments received, for the refund rule: parties
/// that paid something, the largest payer first (then by name), named from `names`, those
/// in `expelled` marked so.
pub fn paid_in_by_party(
    payments: &[IncomePayment],
    names: &HashMap<OrgId, String>,
    expelled: &HashSet<OrgId>,
) -> Vec<PaidIn> {
    let mut paid: HashMap<OrgId, Cents> = HashMap::new();
    for p in payments {
        *paid.entry(p.org_id).or_default() += p.amount_cents;
    }
    let mut paid_in: Vec<PaidIn> = paid
        .into_iter()
        .filter(|(_, c)| c.0 > 0)
        .map(|(org_id, paid_cents)| PaidIn {
            org_id,
            name: names.get(&org_id).cloned().unwrap_or_default(),
            paid_cents,
            expelled: expelled.contains(&org_id),
        })
        .collect();
    paid_in.sort_by(|a, b| b.paid_cents.cmp(&a.paid_cents).then(a.name.cmp(&b.name)));
    paid_in
}

/// One party's refund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Refund {
    pub org_id: OrgId,
    pub name: String,
    pub paid_cents: Cents,
    pub refund_cents: Cents,
    /// Expelled (§17): its refund is always zero.
    pub expelled: bool,
}

/// `GET /api/reports/dissolution-preview`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DissolutionPreview {
    pub original_funding_cents: Cents,
    pub paid_cents: Cents,
    pub spent_cents: Cents,
    pub wind_down_cents: Cents,
    /// paid − spent − wind-down.
    pub remaining_cents: Cents,
    /// remaining ÷ original funding (four decimals; for display only: the rule itself is
    /// decided in integer cents).
    pub remaining_share: f64,
    /// 20 % of the original funding: remaining funding up to this is not returned.
    pub threshold_cents: Cents,
    /// Whether anything is returned: more than 20 % remains and some party that paid has not
    /// been expelled.
    pub refund: bool,
    /// Every party that paid something, with its refund (zero when `refund` is false, and
    /// always zero for an expelled party).
    pub refunds: Vec<Refund>,
}

/// The §9 refund rule. `wind_down` is the cost of winding the study down.
pub fn dissolution_preview(
    original_funding: Cents,
    paid_in: &[PaidIn],
    spent: Cents,
    wind_down: Cents,
) -> DissolutionPreview {
    let paid: Cents = paid_in.iter().map(|p| Cents(p.paid_cents.0.max(0))).sum();
    let remaining = paid - spent - wind_down;
    // The refunds are shared by what the parties that were not expelled paid (§17).
    let weights: Vec<Cents> =
        paid_in.iter().map(|p| if p.expelled { Cents::ZERO } else { Cents(p.paid_cents.0.max(0)) }).collect();
    // remaining > 20 % of original  ⇔  5 × remaining > original, in integers. (`remaining > 0`
    // only matters for a negative original funding, which never occurs: cargo mutants'
    // `remaining >= 0` survives because it is equivalent for every real input.)
    let refund = remaining.0 > 0
        && i128::from(remaining.0) * 5 > i128::from(original_funding.0)
        && weights.iter().any(|w| w.0 > 0);
    let amounts = if refund { largest_remainder(remaining, &weights) } else { vec![Cents::ZERO; paid_in.len()] };
    let refunds = paid_in
        .iter()
        .zip(amounts)
        .map(|(p, r)| Refund {
            org_id: p.org_id,
            name: p.name.clone(),
            paid_cents: p.paid_cents,
            refund_cents: r,
            expelled: p.expelled,
        })
        .collect();
    let share = if original_funding.0 > 0 {
        (remaining.0 as f64 / original_funding.0 as f64 * 10_000.0).round() / 10_000.0
    } else {
        0.0
    };
    DissolutionPreview {
        original_funding_cents: original_funding,
        paid_cents: paid,
        spent_cents: spent,
        wind_down_cents: wind_down,
        remaining_cents: remaining,
        remaining_share: share,
        threshold_cents: Cents(crate::ledger::div_round(i128::from(original_funding.0), 5)),
        refund,
        refunds,
    }
}

/// Divides `total` (≥ 0) in proportion to `weights` (≥ 0) so that the parts add up to
/// `total` exactly: floors first, then one cent each to the largest remainders (ties to
/// the larger weight, then the earlier position). All zero weights give all zero parts
/// (and nothing to divide by).
pub fn largest_remainder(total: Cents, weights: &[Cents]) -> Vec<Cents> {
    let sum: i128 = weights.iter().map(|w| i128::from(w.0.max(0))).sum();
    if sum == 0 || total.0 <= 0 {
        return vec![Cents::ZERO; weights.len()];
    }
    let t = i128::from(total.0);
    let mut parts: Vec<i128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, i128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let w = i128::from(w.0.max(0));
        let exact = t * w;
        parts.push(exact / sum);
        remainders.push((exact % sum, w, i));
    }
    let mut left = t - parts.iter().sum::<i128>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for (_, w, i) in remainders {
        if left == 0 {
            break;
        }
        // A guard only: the leftover is smaller than the number of parts with a remainder,
        // and those sort before every zero weight, so a zero-weight party never reaches
        // here with cents left (cargo mutants' `w >= 0` survives as an equivalent mutant).
        if w > 0 {
            parts[i] += 1;
            left -= 1;
        }
    }
    parts.into_iter().map(|p| Cents(i64::try_from(p).unwrap_or(i64::MAX))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn party(name: &str, paid: i64) -> PaidIn {
        PaidIn { org_id: OrgId::new(), name: name.into(), paid_cents: Cents(paid), expelled: false }
    }

    fn expelled(name: &str, paid: i64) -> PaidIn {
        PaidIn { expelled: true, ..party(name, paid) }
    }

    /// Before anything was funded the share is 0, not a division by zero (NaN in the JSON).
    #[test]
    fn no_original_funding_gives_a_zero_share() {
        let p = dissolution_preview(Cents::ZERO, &[party("Kela", 0)], Cents::ZERO, Cents::ZERO);
        assert_eq!((p.remaining_share, p.refund), (0.0, false));
        assert_eq!(p.refunds[0].refund_cents, Cents::ZERO);
    }

    #[test]
    fn payments_add_up_per_party_largest_payer_first() {
        let (kela, valtori, nobody) = (OrgId::new(), OrgId::new(), OrgId::new());
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let pay = |org_id, cents| IncomePayment { org_id, paid_on: day, amount_cents: Cents(cents) };
        let payments = [pay(kela, 100_000), pay(valtori, 250_000), pay(kela, 200_000), pay(nobody, 0)];
        let names = HashMap::from([(kela, "Kela".to_string()), (valtori, "Valtori".to_string())]);
        let paid = paid_in_by_party(&payments, &names, &HashSet::from([valtori]));
        let got: Vec<(&str, Cents, bool)> = paid.iter().map(|p| (p.name.as_str(), p.paid_cents, p.expelled)).collect();
        assert_eq!(got, [("Kela", Cents(300_000), false), ("Valtori", Cents(250_000), true)]);
    }

    #[test]
    fn exactly_twenty_percent_returns_nothing_one_cent_more_returns_it_all() {
        // Original funding 755 000 €: 20 % is 151 000 €.
        let parties = [party("Valtori", 40_000_000), party("Kuntaliitto", 30_000_000), party("Kela", 5_500_000)];
        let original = Cents(75_500_000);
        // Paid 755 000 €, spent 504 000 €, wind-down 100 000 €: 151 000,00 € remain.
        let at = dissolution_preview(original, &parties, Cents(50_400_000), Cents(10_000_000));
        assert_eq!((at.remaining_cents, at.threshold_cents), (Cents(15_100_000), Cents(15_100_000)));
        assert!(!at.refund);
        assert!(at.refunds.iter().all(|r| r.refund_cents == Cents::ZERO));
        assert_eq!(at.remaining_share, 0.2);
        // One cent less spent: 151 000,01 € remain and all of it is returned.
        let over = dissolution_preview(original, &parties, Cents(50_399_999), Cents(10_000_000));
        assert_eq!(over.remaining_cents, Cents(15_100_001));
        assert!(over.refund);
        let refunds: Vec<Cents> = over.refunds.iter().map(|r| r.refund_cents).collect();
        // 151 000,01 € × 400/755 = 80 000,0053 → 80 000,00 (+0); × 300/755 = 60 000,0039 →
        // 60 000,00; × 55/755 = 11 000,0007 → 11 000,00; leftover 1 cent to the largest
        // remainder (Valtori's 0,53 cent).
        assert_eq!(refunds, [Cents(8_000_001), Cents(6_000_000), Cents(1_100_000)]);
        assert_eq!(refunds.iter().sum::<Cents>(), over.remaining_cents);
    }

    #[test]
    fn nothing_left_or_nothing_paid() {
        let parties = [party("A", 100)];
        assert!(!dissolution_preview(Cents(100), &parties, Cents(100), Cents(0)).refund);
        assert!(!dissolution_preview(Cents(100), &parties, Cents(150), Cents(0)).refund, "overspent");
        assert!(!dissolution_preview(Cents(0), &[], Cents(0), Cents(0)).refund);
        assert_eq!(largest_remainder(Cents(10), &[Cents(0), Cents(0)]), [Cents(0), Cents(0)]);
    }

    #[test]
    fn ties_are_broken_the_same_way_every_time() {
        // 1 cent among three equal payers goes to the first; 2 cents to the first two.
        assert_eq!(largest_remainder(Cents(1), &[Cents(5), Cents(5), Cents(5)]), [Cents(1), Cents(0), Cents(0)]);
        assert_eq!(largest_remainder(Cents(2), &[Cents(5), Cents(5), Cents(5)]), [Cents(1), Cents(1), Cents(0)]);
        // Equal remainders: the larger payer first.
        assert_eq!(largest_remainder(Cents(1), &[Cents(1), Cents(3)]), [Cents(0), Cents(1)]);
    }

    #[test]
    fn an_expelled_party_gets_nothing_and_the_others_share_its_part() {
        // Paid 300 000 € (Valtori 150 000, Kuntaliitto 100 000, Kela, expelled, 50 000), spent
        // 150 000,01 €, no wind-down: 149 999,99 € remain, over 20 % of 300 000 €.
        let parties = [party("Valtori", 15_000_000), party("Kuntaliitto", 10_000_000), expelled("Kela", 5_000_000)];
        let p = dissolution_preview(Cents(30_000_000), &parties, Cents(15_000_001), Cents::ZERO);
        assert!(p.refund);
        assert_eq!(p.remaining_cents, Cents(14_999_999));
        // 14 999 999 × 150/250 = 8 999 999,4 → 8 999 999 (+0); × 100/250 = 5 999 999,6 →
        // 5 999 999, and the leftover cent to Kuntaliitto's larger remainder.
        let got: Vec<(&str, Cents, bool)> =
            p.refunds.iter().map(|r| (r.name.as_str(), r.refund_cents, r.expelled)).collect();
        assert_eq!(
            got,
            [
                ("Valtori", Cents(8_999_999), false),
                ("Kuntaliitto", Cents(6_000_000), false),
                ("Kela", Cents::ZERO, true)
            ]
        );
        assert_eq!(p.refunds.iter().map(|r| r.refund_cents).sum::<Cents>(), p.remaining_cents);
    }

    #[test]
    fn nothing_is_returned_when_every_payer_was_expelled() {
        let p = dissolution_preview(Cents(100), &[expelled("A", 100)], Cents::ZERO, Cents::ZERO);
        assert!(!p.refund);
        assert_eq!(p.refunds[0].refund_cents, Cents::ZERO);
    }

    proptest! {
        /// With any parties expelled: an expelled party always gets zero, the refunds add up
        /// to the remaining amount exactly whenever something is returned, and each other
        /// party gets its share of the remainder by what the non-expelled parties paid,
        /// rounded down or up by one cent.
        #[test]
        fn expelled_parties_get_nothing_and_the_rest_adds_up(
            paid in proptest::collection::vec((0i64..100_000_000_000, any::<bool>()), 1..40),
            spent_per_mille in 0i64..1000,
            wind_down in 0i64..1_000_000_000,
        ) {
            let parties: Vec<PaidIn> =
                paid.iter().map(|(p, out)| if *out { expelled("x", *p) } else { party("x", *p) }).collect();
            let total: i64 = paid.iter().map(|(p, _)| p).sum();
            let eligible: i64 = paid.iter().filter(|(_, out)| !out).map(|(p, _)| p).sum();
            let spent = Cents(total / 1000 * spent_per_mille);
            let preview = dissolution_preview(Cents(total), &parties, spent, Cents(wind_down));
            prop_assert!(preview.refunds.iter().filter(|r| r.expelled).all(|r| r.refund_cents == Cents::ZERO));
            prop_assert_eq!(preview.refunds.len(), parties.len());
            let sum: Cents = preview.refunds.iter().map(|r| r.refund_cents).sum();
            if preview.refund {
                prop_assert_eq!(sum, preview.remaining_cents);
                for r in preview.refunds.iter().filter(|r| !r.expelled) {
                    let floor = i128::from(preview.remaining_cents.0) * i128::from(r.paid_cents.0) / i128::from(eligible);
                    let got = i128::from(r.refund_cents.0);
                    prop_assert!(got == floor || got == floor + 1);
                }
            } else {
                prop_assert_eq!(sum, Cents::ZERO);
                prop_assert!(preview.remaining_cents.0 * 5 <= total || eligible == 0);
            }
        }

        #[test]
        fn refunds_add_up_to_the_remaining_amount_exactly(
            paid in proptest::collection::vec(0i64..100_000_000_000, 1..40),
            spent_per_mille in 0i64..1000,
            wind_down in 0i64..1_000_000_000,
        ) {
            let parties: Vec<PaidIn> = paid.iter().map(|p| party("x", *p)).collect();
            let total: i64 = paid.iter().sum();
            let spent = Cents(total / 1000 * spent_per_mille);
            let preview = dissolution_preview(Cents(total), &parties, spent, Cents(wind_down));
            let sum: Cents = preview.refunds.iter().map(|r| r.refund_cents).sum();
            if preview.refund {
                prop_assert_eq!(sum, preview.remaining_cents);
                prop_assert!(preview.remaining_cents.0 * 5 > total);
                for r in &preview.refunds {
                    // Nobody gets back more than it paid, nor less than its exact share
                    // rounded down.
                    prop_assert!(r.refund_cents <= r.paid_cents);
                    let exact = i128::from(preview.remaining_cents.0) * i128::from(r.paid_cents.0);
                    let floor = exact / i128::from(total);
                    let got = i128::from(r.refund_cents.0);
                    prop_assert!(got == floor || got == floor + 1);
                }
            } else {
                prop_assert_eq!(sum, Cents::ZERO);
                prop_assert!(preview.remaining_cents.0 * 5 <= total);
            }
        }

        #[test]
        fn largest_remainder_always_adds_up(
            total in 0i64..1_000_000_000_000,
            weights in proptest::collection::vec(0i64..1_000_000_000_000, 1..60),
        ) {
            let parts = largest_remainder(Cents(total), &weights.iter().map(|w| Cents(*w)).collect::<Vec<_>>());
            let expected = if weights.iter().all(|w| *w == 0) { 0 } else { total };
            prop_assert_eq!(parts.iter().map(|p| p.0).sum::<i64>(), expected);
            prop_assert!(parts.iter().all(|p| p.0 >= 0));
        }
    }
}
