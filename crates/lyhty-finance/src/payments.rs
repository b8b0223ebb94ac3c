//! Payment status of an invoice, and matching bank payments to invoices by reference.
//!
//! An issued invoice is never edited: what has happened to it is the sum of its payments
//! and credit notes, and its status follows from those, its due date and today's date.

use chrono::NaiveDate;
use lyhty_domain::reference::{Reference, RfReference};
use lyhty_domain::vocabulary;
use lyhty_domain::{Cents, Lang};
use serde::{Deserialize, Serialize};

/// Where an invoice stands (`GET /api/invoices`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Nothing paid, not yet due.
    Open,
    Paid,
    /// Something paid, the rest not yet due.
    PartlyPaid,
    /// Past the due date with something still to pay (partly paid or not: `paid_cents`
    /// tells which).
    Overdue,
    /// Credited in full; nothing is owed.
    Credited,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 5] = [Self::Open, Self::Paid, Self::PartlyPaid, Self::Overdue, Self::Credited];

    /// The status's name for people, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::Open => ["Avoin", "Öppen", "Open"],
            Self::Paid => ["Maksettu", "Betald", "Paid"],
            Self::PartlyPaid => ["Osittain maksettu", "Delvis betald", "Partly paid"],
            Self::Overdue => ["Erääntynyt", "Förfallen", "Overdue"],
            Self::Credited => ["Hyvitetty", "Krediterad", "Credited"],
        };
        vocabulary::pick(lang, labels)
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Paid => "paid",
            Self::PartlyPaid => "partly_paid",
            Self::Overdue => "overdue",
            Self::Credited => "credited",
        }
    }
}

lyhty_domain::labelled!(PaymentStatus);

/// Status with the figures behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentSummary {
    pub status: PaymentStatus,
    pub amount_cents: Cents,
    pub paid_cents: Cents,
    pub credited_cents: Cents,
    /// amount − credited − paid, never below zero.
    pub outstanding_cents: Cents,
    /// Paid beyond what was owed (to refund or to set against the next instalment).
    pub overpaid_cents: Cents,
}

/// The status of an invoice of `amount` with `paid` received and `credited` by credit
/// notes, on `today`. The due date itself is not yet overdue.
pub fn payment_status(amount: Cents, paid: Cents, credited: Cents, due: NaiveDate, today: NaiveDate) -> PaymentSummary {
    let owed = Cents((amount - credited).0.max(0));
    let balance = owed - paid;
    let outstanding = Cents(balance.0.max(0));
    let overpaid = Cents((-balance.0).max(0));
    let status = if credited >= amount && paid.0 <= 0 {
        PaymentStatus::Credited
    } else if outstanding.0 == 0 {
        PaymentStatus::Paid
    } else if today > due {
        PaymentStatus::Overdue
    } else if paid.0 > 0 {
        PaymentStatus::PartlyPaid
    } else {
        PaymentStatus::Open
    };
    PaymentSummary {
        status,
        amount_cents: amount,
        paid_cents: paid,
        credited_cents: credited,
        outstanding_cents: outstanding,
        overpaid_cents: overpaid,
    }
}

/// Reads the reference a payer gave, in either form, as the Finnish reference our invoices
/// carry: `RF09 8685 …` and `86851 62596 19897` both give `868516259619897`. `None` when
/// it is neither a valid Finnish reference nor an RF reference wrapping one.
pub fn normalise_reference(raw: &str) -> Option<Reference> {
    let trimmed = raw.trim();
    if trimmed.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("RF")) {
        RfReference::parse(trimmed).ok()?.to_finnish()
    } else {
        Reference::parse(trimmed).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    #[test]
    fn statuses() {
        let due = d(9, 26);
        let s = |paid, credited, today| payment_status(Cents(1000), Cents(paid), Cents(credited), due, today).status;
        assert_eq!(s(0, 0, d(9, 26)), PaymentStatus::Open);
        assert_eq!(s(0, 0, d(9, 27)), PaymentStatus::Overdue);
        assert_eq!(s(400, 0, d(9, 20)), PaymentStatus::PartlyPaid);
        assert_eq!(s(400, 0, d(10, 1)), PaymentStatus::Overdue);
        assert_eq!(s(1000, 0, d(12, 1)), PaymentStatus::Paid);
        assert_eq!(s(0, 1000, d(12, 1)), PaymentStatus::Credited);
        assert_eq!(s(600, 400, d(12, 1)), PaymentStatus::Paid);
        assert_eq!(s(0, 400, d(12, 1)), PaymentStatus::Overdue);
        let over = payment_status(Cents(1000), Cents(1200), Cents(0), due, d(9, 1));
        assert_eq!(
            (over.status, over.overpaid_cents, over.outstanding_cents),
            (PaymentStatus::Paid, Cents(200), Cents(0))
        );
        // Paid, then credited in full: money to return, shown as paid with an overpayment.
        let back = payment_status(Cents(1000), Cents(1000), Cents(1000), due, d(12, 1));
        assert_eq!((back.status, back.overpaid_cents), (PaymentStatus::Paid, Cents(1000)));
    }

    #[test]
    fn keys_match_the_json_and_labels_are_translated() {
        for status in PaymentStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.key());
            let labels = [Lang::Fi, Lang::Sv, Lang::En].map(|l| status.label(l));
            assert!(labels.iter().all(|l| !l.is_empty()), "{labels:?}");
            assert_ne!(labels[0], labels[2]);
        }
        assert_eq!(PaymentStatus::PartlyPaid.label(Lang::Fi), "Osittain maksettu");
        assert_eq!(PaymentStatus::Overdue.label(Lang::Sv), "Förfallen");
    }

    #[test]
    fn references_in_either_form() {
        let fi = Reference::parse("868516259619897").unwrap();
        assert_eq!(normalise_reference("RF09 8685 1625 9619 897"), Some(fi.clone()));
        assert_eq!(normalise_reference("rf09868516259619897"), Some(fi.clone()));
        assert_eq!(normalise_reference(" 86851 62596 19897 "), Some(fi));
        assert_eq!(normalise_reference("86851 62596 19898"), None);
        assert_eq!(normalise_reference("RF18 5390 0754 7034"), None);
        assert_eq!(normalise_reference("Ä"), None);
        assert_eq!(normalise_reference("€1"), None);
        assert_eq!(normalise_reference(""), None);
    }
}
