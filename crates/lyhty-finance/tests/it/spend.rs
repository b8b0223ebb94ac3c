//! The issue's worked example: a 1 500 000 € plan over Q4/2025–Q4/2026, income from two
//! instalments with one party paying late, expenses in several categories including
//! 120 h × 95 €/h reimbursed to Kela, and a correction by reversing entry. The Q1/2026
//! report, the annual statements and the dissolution preview are checked against the hand
//! computation below to the cent; then the workbook is opened by LibreOffice and the PDF's
//! text is read back.
//!
//! ## Hand computation
//!
//! Plan (version 1), every quarter Q4/2025…Q4/2026 the same 300 000 €: personnel
//! 180 000, purchased services 60 000, communication 10 000, platform 10 000, office 5 000,
//! administration 25 000, legal 5 000, training and events 5 000 (other 0); total
//! 5 × 300 000 = 1 500 000 €. Hourly rate 90 €/h from 1.9.2025, 95 €/h from 1.1.2026.
//!
//! Ledger:
//! ```text
//! Q4/2025  14.11. personnel  80 h × 90 € (Helsingin yliopisto)     7 200,00
//!          20.11. purchased services                               24 800,00
//!           5.12. communication                                     1 250,50   Q4 = 33 250,50
//! Q1/2026  15.1.  legal (wrong amount)                              2 480,00
//!           1.2.  legal, reversal of the above                     -2 480,00
//!           1.2.  legal (right amount)                              2 840,00
//!          10.2.  personnel 120 h × 95 € (Kela)                    11 400,00
//!          20.2.  purchased services                               40 000,00
//!          10.3.  platform                                          3 999,99
//!          20.3.  training and events                               1 500,00
//!          31.3.  administration                                   30 000,00   Q1 = 89 739,99
//! Q2/2026   2.4.  office (after the report: not in Q1)                500,00
//! ```
//! Q1 variances (actual − plan): personnel 11 400 − 180 000 = −168 600,00; purchased
//! 40 000 − 60 000 = −20 000,00; communication −10 000,00; platform 3 999,99 − 10 000 =
//! −6 000,01; office −5 000,00; administration 30 000 − 25 000 = +5 000,00; legal
//! 2 840 − 5 000 = −2 160,00; training 1 500 − 5 000 = −3 500,00; other 0. Total
//! 89 739,99 − 300 000 = −210 260,01.
//! Cumulative to 31.3.2026: actual 33 250,50 + 89 739,99 = 122 990,49 against plan
//! 600 000 (variance −477 009,51); personnel 7 200 + 11 400 = 18 600,00 vs 360 000.
//!
//! Income (committed shares: Valtori 400 000, Kuntaliitto 300 000, Kela 25 000,
//! Pirkanmaan hyvinvointialue 20 000, Helsingin yliopisto 10 000 = 755 000 €), each in two
//! equal instalments issued 5.9.2025 (due 26.9.) and 9.1.2026 (due 30.1.); Valtori books
//! its own halves as paid on the issue days. Everyone pays on time except Kuntaliitto's
//! second instalment, paid 14.4.2026. At 31.3.2026: invoiced 755 000,00, paid
//! 755 000 − 150 000 = 605 000,00, outstanding and overdue 150 000,00; in Q1 invoiced
//! 377 500,00 and received 200 000 + 12 500 + 10 000 + 5 000 = 227 500,00.
//!
//! Funds available = 605 000,00 − 122 990,49 = **482 009,51 €**.
//! Burn rate = 122 990,49 € ÷ 6 months (Q4/2025 and Q1/2026) = 20 498,415 → **20 498,42
//! €/month** (half a cent rounded up).
//! Remaining funding = 755 000,00 − 122 990,49 = 632 009,51 €; runway = 632 009,51 ÷
//! 20 498,42 = 30,83 → **30,8 months**; 30 whole months after March 2026 is September 2028,
//! so the money lasts until **30.9.2028**, **21 months** beyond the term's end 31.12.2026.
//! Remaining plan = 1 500 000 − 600 000 = 900 000,00.
//!
//! Annual statement 2025: paid 377 500,00, spent 33 250,50, closing funds 344 249,50.
//! 2026 (ledger to 2.4., Kuntaliitto's April payment): opening 344 249,50 + paid
//! 227 500 + 150 000 = 377 500,00 − spent 89 739,99 + 500 = 90 239,99 → closing
//! 631 509,51; plan 1 200 000 → variance −1 109 760,01.
//!
//! Dissolution with a 50 000 € wind-down: paid 755 000,00 − spent 123 490,49 − 50 000 =
//! 581 509,51 remaining (77,02 % of 755 000 > 20 %: refunded). Pro rata to 400/300/25/20/10
//! of 755: floors 308 084,50 / 231 063,38 / 19 255,28 / 15 404,22 / 7 702,11 (sum
//! 581 509,49); the two leftover cents go to the largest remainders, Valtori (0,86) and
//! Pirkanmaa (0,54): **308 084,51 / 231 063,38 / 19 255,28 / 15 404,23 / 7 702,11**.

use crate::common::d;
use ExpenseCategory::*;
use chrono::{Datelike, NaiveDate};
use lyhty_domain::{Cents, OrgId, Quarter};
use lyhty_finance::dissolution::{PaidIn, dissolution_preview};
use lyhty_finance::ledger::{Expense, ExpenseRequest, Hours, prepare_expense, reversal_of};
use lyhty_finance::plan::{BudgetPlan, ExpenseCategory, HourlyRate, PlanLine};
use lyhty_finance::report_pdf::{annual_pdf, dissolution_pdf, quarterly_pdf};
use lyhty_finance::report_xlsx::{annual_xlsx, dissolution_xlsx, quarterly_xlsx};
use lyhty_finance::spend_report::{
    IncomeInvoice, IncomePayment, QuarterlyReport, ReportInput, annual_statement, quarterly_report,
};
use lyhty_testkit::{LIBREOFFICE, PDFTOTEXT, ScratchDir};
use std::collections::HashMap;

struct Example {
    plan: BudgetPlan,
    expenses: Vec<Expense>,
    invoices: Vec<IncomeInvoice>,
    payments: Vec<IncomePayment>,
    names: HashMap<OrgId, String>,
    parties: Vec<(OrgId, i64)>,
    legal_wrong: Expense,
    legal_reversal: Expense,
}

fn example() -> Example {
    let parties_spec = [
        ("Valtori", 40_000_000),
        ("Kuntaliitto", 30_000_000),
        ("Kela", 2_500_000),
        ("Pirkanmaan hyvinvointialue", 2_000_000),
        ("Helsingin yliopisto", 1_000_000),
    ];
    let mut names = HashMap::new();
    let parties: Vec<(OrgId, i64)> = parties_spec
        .iter()
        .map(|(name, share)| {
            let id = OrgId::new();
            names.insert(id, name.to_string());
            (id, *share)
        })
        .collect();
    let (valtori, kuntaliitto, kela, hy) = (parties[0].0, parties[1].0, parties[2].0, parties[4].0);

    let per_quarter = [
        (Personnel, 180_000),
        (PurchasedServices, 60_000),
        (Communication, 10_000),
        (Platform, 10_000),
        (Office, 5_000),
        (Administration, 25_000),
        (Legal, 5_000),
        (TrainingEvents, 5_000),
    ];
    let quarters = [(2025, 4), (2026, 1), (2026, 2), (2026, 3), (2026, 4)];
    let lines = quarters
        .iter()
        .flat_map(|(y, q)| {
            per_quarter.iter().map(move |(c, eur)| PlanLine {
                year: *y,
                quarter: *q,
                category: *c,
                amount_cents: Cents::euros(*eur),
            })
        })
        .collect();
    let plan = BudgetPlan { version: 1, approved_on: d(2025, 9, 15), note: Some("OR 2/2025".into()), lines };
    plan.validate().unwrap();
    assert_eq!(plan.total(), Cents::euros(1_500_000));

    let rates = [
        HourlyRate { valid_from: d(2025, 9, 1), rate_cents: Cents(9_000), decision: None },
        HourlyRate { valid_from: d(2026, 1, 1), rate_cents: Cents(9_500), decision: None },
    ];
    let book = |date: NaiveDate, category, cents: Option<i64>, what: &str, payee: Option<OrgId>, hours: Option<i64>| {
        prepare_expense(
            &ExpenseRequest {
                date,
                category,
                amount_cents: cents.map(Cents),
                description: what.into(),
                payee_org_id: payee,
                payee: None,
                hours: hours.map(Hours::whole),
                rate_cents: None,
                document_ref: Some("tosite".into()),
            },
            &rates,
        )
        .unwrap()
    };
    let legal_wrong = book(d(2026, 1, 15), Legal, Some(248_000), "Sopimusneuvonta", None, None);
    let legal_reversal = reversal_of(&legal_wrong, d(2026, 2, 1), Some("väärä summa")).unwrap();
    let expenses = vec![
        book(d(2025, 11, 14), Personnel, None, "Selvitystyö", Some(hy), Some(80)),
        book(d(2025, 11, 20), PurchasedServices, Some(2_480_000), "Konsultointi", None, None),
        book(d(2025, 12, 5), Communication, Some(125_050), "Verkkosivut", None, None),
        legal_wrong.clone(),
        legal_reversal.clone(),
        book(d(2026, 2, 1), Legal, Some(284_000), "Sopimusneuvonta", None, None),
        book(d(2026, 2, 10), Personnel, None, "Selvitystyö", Some(kela), Some(120)),
        book(d(2026, 2, 20), PurchasedServices, Some(4_000_000), "Analyysipalvelu", None, None),
        book(d(2026, 3, 10), Platform, Some(399_999), "Alustan ylläpito", None, None),
        book(d(2026, 3, 20), TrainingEvents, Some(150_000), "Verkostopäivä", None, None),
        book(d(2026, 3, 31), Administration, Some(3_000_000), "COO ja CAO Q1", None, None),
        book(d(2026, 4, 2), Office, Some(50_000), "Kokoustila", None, None),
    ];

    let mut invoices = Vec::new();
    let mut payments = Vec::new();
    for (org, share) in &parties {
        let half = Cents(share / 2);
        for (issue, due) in [(d(2025, 9, 5), d(2025, 9, 26)), (d(2026, 1, 9), d(2026, 1, 30))] {
            invoices.push(IncomeInvoice { org_id: *org, issue_date: issue, due_date: due, amount_cents: half });
            let paid_on = if *org == valtori {
                issue // booked, not invoiced
            } else if *org == kuntaliitto && issue.year() == 2026 {
                d(2026, 4, 14) // late
            } else {
                due - chrono::Duration::days(2)
            };
            payments.push(IncomePayment { org_id: *org, paid_on, amount_cents: half });
        }
    }
    Example { plan, expenses, invoices, payments, names, parties, legal_wrong, legal_reversal }
}

fn input(e: &Example) -> ReportInput<'_> {
    ReportInput {
        plan: Some(&e.plan),
        expenses: &e.expenses,
        invoices: &e.invoices,
        payments: &e.payments,
        committed_funding: Cents(75_500_000),
        term_end: d(2026, 12, 31),
        names: &e.names,
    }
}

/// Label, plan, actual, cumulative actual, cumulative paid.
type TimelineRow = (String, i64, Option<i64>, Option<i64>, Option<i64>);

fn q1(e: &Example) -> QuarterlyReport {
    quarterly_report(&input(e), Quarter::new(2026, 1).unwrap())
}

#[test]
fn q1_2026_report_matches_the_hand_computation() {
    let e = example();
    let r = q1(&e);
    let line = |c: ExpenseCategory| r.categories.iter().find(|l| l.category == c).unwrap().clone();
    let expected = [
        (Personnel, 18_000_000, 1_140_000, -16_860_000, 36_000_000, 1_860_000),
        (PurchasedServices, 6_000_000, 4_000_000, -2_000_000, 12_000_000, 6_480_000),
        (Communication, 1_000_000, 0, -1_000_000, 2_000_000, 125_050),
        (Platform, 1_000_000, 399_999, -600_001, 2_000_000, 399_999),
        (Office, 500_000, 0, -500_000, 1_000_000, 0),
        (Administration, 2_500_000, 3_000_000, 500_000, 5_000_000, 3_000_000),
        (Legal, 500_000, 284_000, -216_000, 1_000_000, 284_000),
        (TrainingEvents, 500_000, 150_000, -350_000, 1_000_000, 150_000),
        (Other, 0, 0, 0, 0, 0),
    ];
    for (c, plan, actual, variance, cum_plan, cum_actual) in expected {
        let l = line(c);
        assert_eq!(
            (
                l.plan_cents.0,
                l.actual_cents.0,
                l.variance_cents.0,
                l.cumulative_plan_cents.0,
                l.cumulative_actual_cents.0
            ),
            (plan, actual, variance, cum_plan, cum_actual),
            "{c:?}"
        );
        assert_eq!(l.cumulative_variance_cents.0, cum_actual - cum_plan);
    }
    assert_eq!(r.totals.plan_cents, Cents(30_000_000));
    assert_eq!(r.totals.actual_cents, Cents(8_973_999));
    assert_eq!(r.totals.variance_cents, Cents(-21_026_001));
    assert_eq!(r.totals.cumulative_actual_cents, Cents(12_299_049));
    assert_eq!(r.totals.cumulative_variance_cents, Cents(-47_700_951));

    assert_eq!(r.income.invoiced_cents, Cents(75_500_000));
    assert_eq!(r.income.paid_cents, Cents(60_500_000));
    assert_eq!(r.income.outstanding_cents, Cents(15_000_000));
    assert_eq!(r.income.overdue_cents, Cents(15_000_000));
    assert_eq!(r.income.period_invoiced_cents, Cents(37_750_000));
    assert_eq!(r.income.period_paid_cents, Cents(22_750_000));

    assert_eq!(r.funds_available_cents, Cents(48_200_951), "482 009,51 €");
    assert_eq!(r.burn_rate_cents_per_month, Cents(2_049_842), "20 498,42 €/month");
    assert_eq!(r.remaining_funding_cents, Cents(63_200_951));
    assert_eq!(r.remaining_plan_cents, Cents(90_000_000));
    assert_eq!(r.runway_months, Some(30.8));
    assert_eq!(r.projected_end, Some(d(2028, 9, 30)));
    assert_eq!(r.term_extension_months, Some(21));

    // Personnel reimbursements per home organisation: Kela's 120 h this quarter, the
    // university's 80 h from Q4/2025 only in the cumulative columns.
    let reimb: Vec<(&str, i64, i64, i64, i64)> = r
        .reimbursements
        .iter()
        .map(|l| (l.name.as_str(), l.hours.0, l.amount_cents.0, l.cumulative_hours.0, l.cumulative_amount_cents.0))
        .collect();
    assert_eq!(reimb, [("Kela", 12_000, 1_140_000, 12_000, 1_140_000), ("Helsingin yliopisto", 0, 0, 8_000, 720_000)]);

    // The correction: the wrong entry and its reversal are both in the quarter's entries.
    assert_eq!(r.entries.len(), 8);
    assert!(r.entries.iter().any(|x| x.id == e.legal_wrong.id && x.amount_cents == Cents(248_000)));
    assert!(r.entries.iter().any(|x| x.reverses == Some(e.legal_wrong.id) && x.amount_cents == Cents(-248_000)));
    assert_eq!(e.legal_reversal.reverses, Some(e.legal_wrong.id));

    // The timeline behind the charts: five plan quarters, actuals up to Q1/2026 only.
    let t: Vec<TimelineRow> = r
        .timeline
        .iter()
        .map(|p| {
            (
                p.label(),
                p.plan_cents.0,
                p.actual_cents.map(|c| c.0),
                p.cumulative_actual_cents.map(|c| c.0),
                p.cumulative_paid_cents.map(|c| c.0),
            )
        })
        .collect();
    assert_eq!(t[0], ("Q4/2025".into(), 30_000_000, Some(3_325_050), Some(3_325_050), Some(37_750_000)));
    assert_eq!(t[1], ("Q1/2026".into(), 30_000_000, Some(8_973_999), Some(12_299_049), Some(60_500_000)));
    assert_eq!(t[2].2, None);
    assert_eq!(t.len(), 5);

    // The JSON shape of API.md.
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["categories"][0]["category"], "personnel");
    assert_eq!(json["funds_available_cents"], 48_200_951);
    assert_eq!(json["burn_rate_cents_per_month"], 2_049_842);
    assert_eq!(json["runway_months"], 30.8);
    assert_eq!(json["projected_end"], "2028-09-30");
    assert_eq!(json["reimbursements"][0]["hours"], 120);
    assert_eq!(json["income"]["outstanding_cents"], 15_000_000);
}

#[test]
fn annual_statements_match_the_hand_computation() {
    let e = example();
    let a2025 = annual_statement(&input(&e), 2025);
    assert_eq!(
        (a2025.opening_funds_cents, a2025.income.period_paid_cents, a2025.spent_cents, a2025.closing_funds_cents),
        (Cents(0), Cents(37_750_000), Cents(3_325_050), Cents(34_424_950))
    );
    assert_eq!(a2025.plan_cents, Cents(30_000_000));
    let a2026 = annual_statement(&input(&e), 2026);
    assert_eq!(a2026.opening_funds_cents, Cents(34_424_950));
    assert_eq!(a2026.income.period_paid_cents, Cents(37_750_000));
    assert_eq!(a2026.spent_cents, Cents(9_023_999));
    assert_eq!(a2026.closing_funds_cents, Cents(63_150_951));
    assert_eq!((a2026.plan_cents, a2026.variance_cents), (Cents(120_000_000), Cents(-110_976_001)));
    assert_eq!(a2026.quarters.len(), 4);
    assert_eq!(a2026.entries.len(), 9, "Q1's eight and the office in April");
    let office = a2026.categories.iter().find(|c| c.category == Office).unwrap();
    assert_eq!((office.plan_cents, office.actual_cents), (Cents(2_000_000), Cents(50_000)));
}

fn paid_in(e: &Example) -> Vec<PaidIn> {
    e.parties
        .iter()
        .map(|(org, _)| PaidIn {
            org_id: *org,
            name: e.names[org].clone(),
            paid_cents: e.payments.iter().filter(|p| p.org_id == *org).map(|p| p.amount_cents).sum(),
            expelled: false,
        })
        .collect()
}

#[test]
fn dissolution_preview_matches_the_hand_computation() {
    let e = example();
    let spent: Cents = e.expenses.iter().map(|x| x.amount_cents).sum();
    assert_eq!(spent, Cents(12_349_049));
    let p = dissolution_preview(Cents(75_500_000), &paid_in(&e), spent, Cents(5_000_000));
    assert_eq!(p.remaining_cents, Cents(58_150_951));
    assert!(p.refund);
    assert_eq!(p.remaining_share, 0.7702);
    let refunds: Vec<i64> = p.refunds.iter().map(|r| r.refund_cents.0).collect();
    assert_eq!(refunds, [30_808_451, 23_106_338, 1_925_528, 1_540_423, 770_211]);
    assert_eq!(refunds.iter().sum::<i64>(), p.remaining_cents.0);
}

/// The PDF's text, or `None` where pdftotext is not installed (and not required); a
/// pdftotext that runs and fails fails the test.
fn pdf_text(pdf: &[u8], name: &str) -> Option<String> {
    let text = PDFTOTEXT.find()?.pdf_text(pdf).unwrap_or_else(|e| panic!("{name}.pdf: {e}"));
    Some(text.replace('\u{a0}', " "))
}

#[test]
fn quarterly_pdf_shows_the_totals() {
    let e = example();
    let r = q1(&e);
    let pdf = quarterly_pdf(&r, &e.names).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let Some(text) = pdf_text(&pdf, "q1") else { return };
    for needle in [
        "Q1/2026",
        "482 009,51 €",  // funds available
        "20 498,42 €",   // burn rate
        "30,8 kk",       // runway
        "30.9.2028",     // projected end
        "21 kk",         // term extension
        "755 000,00 €",  // invoiced
        "605 000,00 €",  // paid
        "150 000,00 €",  // outstanding
        "89 739,99 €",   // the quarter's actual total
        "-210 260,01 €", // its variance
        "122 990,49 €",  // cumulative actual
        "-168 600,00 €", // personnel variance
        "11 400,00 €",   // Kela's reimbursement
        "Kela",
        "Oikaisu: Sopimusneuvonta", // the reversal is in the entries
        "-2 480,00 €",
        "Suunnitelma ja toteuma neljännesvuosittain",
        "Kumulatiivinen käyttö rahoitusta vasten",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from the PDF text:\n{text}");
    }
}

#[test]
fn annual_and_dissolution_pdfs_show_their_totals() {
    let e = example();
    let a = annual_statement(&input(&e), 2026);
    let Some(text) = pdf_text(&annual_pdf(&a, &e.names).unwrap(), "annual") else { return };
    for needle in ["Hankelaskelma 2026", "344 249,50 €", "631 509,51 €", "90 239,99 €", "-1 109 760,01 €"] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    let spent: Cents = e.expenses.iter().map(|x| x.amount_cents).sum();
    let p = dissolution_preview(Cents(75_500_000), &paid_in(&e), spent, Cents(5_000_000));
    let Some(text) = pdf_text(&dissolution_pdf(&p).unwrap(), "dissolution") else { return };
    for needle in ["581 509,51 €", "308 084,51 €", "15 404,23 €", "Palautetaan"] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn workbooks_have_native_charts_and_open_in_libreoffice() {
    let e = example();
    let r = q1(&e);
    let quarterly = quarterly_xlsx(&r, &e.names).unwrap();
    let annual = annual_xlsx(&annual_statement(&input(&e), 2026), &e.names).unwrap();
    let spent: Cents = e.expenses.iter().map(|x| x.amount_cents).sum();
    let dissolution =
        dissolution_xlsx(&dissolution_preview(Cents(75_500_000), &paid_in(&e), spent, Cents(5_000_000))).unwrap();
    for book in [&quarterly, &annual, &dissolution] {
        assert!(book.starts_with(b"PK"), "an xlsx is a zip");
    }
    // Native charts: DrawingML chart parts, a column chart and a line chart.
    let raw = String::from_utf8_lossy(&quarterly);
    assert!(raw.contains("xl/charts/chart1.xml") && raw.contains("xl/charts/chart2.xml"), "two chart parts");

    let Some(soffice) = LIBREOFFICE.find() else { return };
    let scratch = ScratchDir::new("spend-xlsx");
    let dir = scratch.path();
    for (name, bytes) in [("quarterly", &quarterly), ("annual", &annual), ("dissolution", &dissolution)] {
        let file = dir.join(format!("{name}.xlsx"));
        std::fs::write(&file, bytes).unwrap();
        // A private profile, so a concurrently running LibreOffice cannot take the call.
        let profile = format!("-env:UserInstallation=file://{}", dir.join(format!("profile-{name}")).display());
        let mut cmd = soffice.command();
        cmd.args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"]).arg(dir).arg(&file);
        let out = soffice.run_command(cmd).unwrap_or_else(|e| panic!("{name}.xlsx: {e}"));
        let pdf = dir.join(format!("{name}.pdf"));
        // LibreOffice exits 0 even when it cannot read the file; then it writes no PDF.
        assert!(pdf.exists(), "libreoffice could not convert {name}.xlsx: {}{}", out.stdout, out.stderr);
        let converted = std::fs::read(&pdf).unwrap();
        assert!(converted.starts_with(b"%PDF"));
        if name == "quarterly"
            && let Some(text) = pdf_text(&converted, "quarterly-from-xlsx")
        {
            assert!(text.contains("Yhteensä") && text.contains("Henkilöstö"), "{text}");
        }
    }
}
