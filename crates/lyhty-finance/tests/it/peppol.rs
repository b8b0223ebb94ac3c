//! Every e-invoice kind the platform writes, checked against the official rules that
//! Finnish public buyers' operators apply: CEN EN 16931 (UBL) 1.3.14.1 and 1.3.16 and
//! Peppol BIS Billing 3.0.19, run as the official validation stylesheets in Saxon-HE (see
//! `schematron/mod.rs`). A document passes with no `fatal` finding; warnings are printed.
//!
//! `tests/it/ubl.rs` checks the UBL 2.1 schema and re-implements the arithmetic; this test
//! catches what only the official rules know (code lists, scheme identifiers, VAT category
//! combinations). Two deliberately broken documents must be rejected by the rule that
//! names their fault, so the check cannot pass by validating nothing.
//!
//! Run with `cargo nextest run -p lyhty-finance --test peppol --no-capture` to see, per
//! document, the rule sets run and the rules fired.

use crate::common::*;
use crate::schematron::{Report, validator};
use lyhty_domain::{BusinessId, Lang, OrgCategory};
use lyhty_finance::ubl::to_ubl;
use lyhty_finance::{
    Cents, CostShareModel, InvoiceDocument, InvoicingConfig, credit_note, issue_invoice, plan_invoice_run,
};

/// A party that joins in 2026 is billed both instalments at once: one invoice, two lines
/// (§9.4). Planned and issued by the real run, without the city the register lacks.
fn late_joiner_invoice(config: &InvoicingConfig, lang: Lang) -> InvoiceDocument {
    let mut kela = org("Kansaneläkelaitos", OrgCategory::Kela, BusinessId::parse("0246246-0").unwrap(), d(2026, 1, 12));
    kela.einvoice_address = Some("0216:003702462460".into());
    let plan = plan_invoice_run(&CostShareModel::seeded(), config, &[kela], &[], 2, d(2026, 1, 20), false).unwrap();
    let doc = issue_invoice(&plan.invoices[0], config, 31, lang).unwrap();
    assert_eq!(doc.lines.len(), 2, "a 2026 joiner's invoice has both instalments");
    doc
}

/// Every kind of document the platform writes, as UBL: invoices with VAT category O, S and
/// E, the late joiner's two-line invoice (O and S), and full and partial credit notes.
fn platform_documents() -> Vec<(String, String)> {
    let o = kela_invoice(&config(), Lang::Fi);
    let s = kela_invoice(&vat_s(), Lang::En);
    let e = kela_invoice(&vat_e(), Lang::Sv);
    let docs = vec![
        ("invoice-vat-O", o.clone()),
        ("invoice-vat-S", s.clone()),
        ("invoice-vat-E", e),
        ("late-joiner-two-lines-vat-O", late_joiner_invoice(&config(), Lang::Fi)),
        ("late-joiner-two-lines-vat-S", late_joiner_invoice(&vat_s(), Lang::Sv)),
        ("credit-note-full-vat-O", credit_note(&o, 7, d(2025, 10, 1), None).unwrap()),
        ("credit-note-partial-vat-S", credit_note(&s, 8, d(2025, 10, 1), Some(Cents(12_345))).unwrap()),
    ];
    docs.into_iter().map(|(name, doc)| (format!("{name}.xml"), to_ubl(&doc))).collect()
}

/// The validated examples of `tests/examples/`: known good, so a validator that rejects
/// them is broken, not our documents.
fn known_good_examples() -> Vec<(String, String)> {
    ["peppol-bis3-instalment-vat-O.xml", "peppol-bis3-instalment-vat-S.xml"]
        .into_iter()
        .map(|f| {
            let path = manifest_dir().join("tests/examples").join(f);
            (format!("example-{f}"), std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

fn print_reports(file: &str, reports: &[Report]) {
    println!("{file}");
    for r in reports {
        println!("    {}", r.summary());
    }
}

#[test]
fn every_document_the_platform_writes_passes_the_official_rules() {
    let Some(validator) = validator() else { return };
    let docs: Vec<(String, String)> = platform_documents().into_iter().chain(known_good_examples()).collect();
    let results = validator.validate(&docs);

    let mut fatal = Vec::new();
    for (file, reports) in &results {
        print_reports(file, reports);
        for r in reports {
            // A rule set that fired no rule did not read the document (a namespace or
            // document-type mismatch): that would be a silent pass.
            assert!(r.fired > 0, "{file}: {} fired no rule", r.rule_set.title);
            fatal.extend(
                r.fatal().map(|f| format!("{file}: {} [{}] {}\n    at {}", r.rule_set.title, f.id, f.text, f.location)),
            );
        }
    }
    assert!(fatal.is_empty(), "fatal findings of the official rules:\n{}", fatal.join("\n"));
    assert_eq!(results.len(), 9, "7 platform documents and 2 examples");
}

/// A Kela instalment invoice with one deliberate fault, made from the real output.
fn broken(replace: &str, with: &str) -> String {
    let xml = to_ubl(&kela_invoice(&config(), Lang::Fi));
    assert!(xml.contains(replace), "the invoice no longer has {replace}");
    xml.replacen(replace, with, 1)
}

#[test]
fn broken_documents_are_rejected_by_the_rule_that_names_the_fault() {
    let Some(validator) = validator() else { return };
    // (document, the rule each rule set must report as fatal; None: no expectation).
    let cases: [(&str, String, [Option<&str>; 3]); 2] = [
        (
            "broken-endpoint-scheme.xml",
            // The buyer's address with a scheme that is not in the EAS code list.
            broken(
                r#"<cbc:EndpointID schemeID="0216">003702462460<"#,
                r#"<cbc:EndpointID schemeID="OVT">003702462460<"#,
            ),
            [Some("BR-CL-25"), Some("BR-CL-25"), Some("PEPPOL-EN16931-CL008")],
        ),
        (
            "broken-totals.xml",
            // Amount due ≠ total with VAT (12 500.00), nothing prepaid, no rounding.
            broken(
                r#"<cbc:PayableAmount currencyID="EUR">12500.00<"#,
                r#"<cbc:PayableAmount currencyID="EUR">12400.00<"#,
            ),
            [Some("BR-CO-16"), Some("BR-CO-16"), None],
        ),
    ];
    let docs: Vec<(String, String)> = cases.iter().map(|(f, xml, _)| (f.to_string(), xml.clone())).collect();
    let results = validator.validate(&docs);

    for ((file, reports), (_, _, expected)) in results.iter().zip(&cases) {
        print_reports(&format!("{file} (must be rejected)"), reports);
        for (r, want) in reports.iter().zip(expected) {
            let ids: Vec<&str> = r.fatal().map(|f| f.id.as_str()).collect();
            if let Some(want) = want {
                assert!(
                    ids.contains(want),
                    "{file}: {} must report {want} as fatal, reported {ids:?}",
                    r.rule_set.title
                );
            }
        }
        assert!(reports.iter().any(|r| r.fatal().next().is_some()), "{file} passed");
    }
}
