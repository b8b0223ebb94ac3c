//! Reading a realistic camt.054 bank file of reference payments.

use chrono::NaiveDate;
use lyhty_domain::Cents;
use lyhty_finance::camt::parse_camt054;
use lyhty_finance::numbering::reference_for;

const FIXTURE: &[u8] = include_bytes!("../fixtures/camt054-reference-payments.xml");

#[test]
fn reads_reference_payments_and_explains_what_it_skips() {
    let report = parse_camt054(FIXTURE).unwrap();
    let p = &report.payments;
    assert_eq!(p.len(), 4, "{report:#?}");

    // Paid with the RF form; matched to invoice 2025-0001's Finnish reference.
    assert_eq!(p[0].amount, Cents(1_250_000));
    assert_eq!(p[0].booking_date, NaiveDate::from_ymd_opt(2025, 9, 25).unwrap());
    assert_eq!(p[0].raw_reference.as_deref(), Some("RF8620250000018"));
    assert_eq!(p[0].reference, Some(reference_for(2025, 1).unwrap()));
    assert_eq!(p[0].debtor_name.as_deref(), Some("KANSANELÄKELAITOS"));
    assert_eq!(p[0].entry_reference, "250925593497RF0001");

    // A batch of two, with their own amounts and references (one printed with spaces).
    assert_eq!((p[1].amount, p[2].amount), (Cents(500_000), Cents(250_050)));
    assert_eq!(p[1].reference, Some(reference_for(2025, 2).unwrap()));
    assert_eq!(p[2].reference, Some(reference_for(2025, 3).unwrap()));
    assert_ne!(p[1].entry_reference, p[2].entry_reference);

    // A mistyped reference is kept for a person to match by hand.
    assert_eq!(p[3].amount, Cents(1_000_000));
    assert_eq!(p[3].raw_reference.as_deref(), Some("20250000022"));
    assert_eq!(p[3].reference, None);
    assert_eq!(p[3].debtor_name.as_deref(), Some("Helsingin yliopisto"));
    assert_eq!(p[3].booking_date, NaiveDate::from_ymd_opt(2025, 9, 26).unwrap());

    let reasons: Vec<(usize, &str)> = report.skipped.iter().map(|s| (s.entry, s.reason.as_str())).collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons[0].1.contains("debit"));
    assert!(reasons[1].1.contains("USD"));
    assert!(reasons[2].1.contains("reversal"));
}

#[test]
fn a_batch_that_does_not_add_up_is_skipped_not_guessed() {
    let text = std::str::from_utf8(FIXTURE)
        .unwrap()
        .replace("<Amt Ccy=\"EUR\">2500.50</Amt>", "<Amt Ccy=\"EUR\">2500.00</Amt>");
    let report = parse_camt054(text.as_bytes()).unwrap();
    assert_eq!(report.payments.len(), 2);
    assert!(report.skipped.iter().any(|s| s.entry == 2 && s.reason.contains("add up")));
}

#[test]
fn truncated_file_is_an_error() {
    let err = parse_camt054(&FIXTURE[..FIXTURE.len() / 2]).unwrap_err();
    assert_eq!(err.code(), "invalid_bank_file");
}
