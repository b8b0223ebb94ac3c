//! The Peppol BIS Billing 3.0 documents: EN 16931 arithmetic, the Peppol rules we can check
//! without the official Schematron, the same structure as the validated examples in
//! `tests/examples/` (a copy of the project's `shared/examples/`), and the UBL 2.1 schema
//! (with xmllint and the official XSDs; see `scripts/fetch-ubl-xsd.sh`).

use crate::common::*;
use lyhty_domain::{Cents, Lang};
use lyhty_finance::document::{InvoiceDocument, VatTreatment, credit_note};
use lyhty_finance::ubl::to_ubl;
use lyhty_testkit::{Checker, CheckerFailed, ScratchDir, XMLLINT, missing};
use roxmltree::{Document, Node};
use std::path::{Path, PathBuf};

/// Every kind of document the platform writes: O, S and E invoices, a two-line invoice with
/// an odd cent, and full and partial credit notes.
fn all_documents() -> Vec<(String, InvoiceDocument)> {
    let o = kela_invoice(&config(), Lang::Fi);
    let s = kela_invoice(&vat_s(), Lang::En);
    let e = kela_invoice(&vat_e(), Lang::Sv);
    let mut two = o.clone();
    two.lines[0].net = Cents(500_001);
    let mut second = two.lines[0].clone();
    second.instalment = 2;
    second.net = Cents(500_000);
    two.lines.push(second);
    let mut two_s = two.clone();
    two_s.vat = VatTreatment::Standard { rate_basis_points: 2550 };
    two_s.seller_vat_id = Some("FI25742617".into());
    let full = credit_note(&o, 7, d(2025, 10, 1), None).unwrap();
    let partial = credit_note(&s, 8, d(2025, 10, 1), Some(Cents(12_345))).unwrap();
    vec![
        ("vat-O".into(), o),
        ("vat-S".into(), s),
        ("vat-E".into(), e),
        ("two-lines".into(), two),
        ("two-lines-S".into(), two_s),
        ("credit-full".into(), full),
        ("credit-partial-S".into(), partial),
    ]
}

fn el<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn path<'a, 'i>(n: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    names.iter().try_fold(n, |n, name| el(n, name))
}

/// An amount in cents, checking the EN 16931 limit of two decimals on the way.
fn cents(n: Node) -> i64 {
    let t = n.text().unwrap();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    assert!(frac.len() <= 2, "more than two decimals in {t}");
    assert_eq!(n.attribute("currencyID"), Some("EUR"));
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    whole.trim_start_matches('-').parse::<i64>().unwrap() * 100 * sign
        + sign * format!("{frac:0<2}").parse::<i64>().unwrap()
}

fn amount_at(root: Node, names: &[&str]) -> i64 {
    path(root, names).map(cents).unwrap_or(0)
}

#[test]
fn en16931_arithmetic_and_peppol_rules() {
    for (name, doc) in all_documents() {
        let xml = to_ubl(&doc);
        let parsed = Document::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        let root = parsed.root_element();
        let credit = root.tag_name().name() == "CreditNote";
        let line_tag = if credit { "CreditNoteLine" } else { "InvoiceLine" };
        let lines: Vec<Node> = root.children().filter(|c| c.tag_name().name() == line_tag).collect();
        assert_eq!(lines.len(), doc.lines.len(), "{name}");

        let line_sum: i64 = lines.iter().map(|l| cents(el(*l, "LineExtensionAmount").unwrap())).sum();
        let lmt = ["LegalMonetaryTotal"];
        let line_ext = amount_at(root, &[lmt[0], "LineExtensionAmount"]);
        let tax_excl = amount_at(root, &[lmt[0], "TaxExclusiveAmount"]);
        let tax_incl = amount_at(root, &[lmt[0], "TaxInclusiveAmount"]);
        let payable = amount_at(root, &[lmt[0], "PayableAmount"]);
        let allowances = amount_at(root, &[lmt[0], "AllowanceTotalAmount"]);
        let charges = amount_at(root, &[lmt[0], "ChargeTotalAmount"]);
        let prepaid = amount_at(root, &[lmt[0], "PrepaidAmount"]);
        let rounding = amount_at(root, &[lmt[0], "PayableRoundingAmount"]);
        let tax = amount_at(root, &["TaxTotal", "TaxAmount"]);

        assert_eq!(line_sum, line_ext, "{name}: BR-CO-10");
        assert_eq!(tax_excl, line_ext - allowances + charges, "{name}: BR-CO-13");
        assert_eq!(tax_incl, tax_excl + tax, "{name}: BR-CO-15");
        assert_eq!(payable, tax_incl - prepaid + rounding, "{name}: BR-CO-16");
        assert_eq!(payable, doc.payable().0, "{name}: the payable amount is the document's");

        // BR-CO-17: category tax = taxable × rate, rounded to the cent.
        let sub = path(root, &["TaxTotal", "TaxSubtotal"]).unwrap();
        let taxable = cents(el(sub, "TaxableAmount").unwrap());
        let sub_tax = cents(el(sub, "TaxAmount").unwrap());
        let cat = el(sub, "TaxCategory").unwrap();
        let code = el(cat, "ID").unwrap().text().unwrap();
        let rate: f64 = el(cat, "Percent").map_or(0.0, |p| p.text().unwrap().parse().unwrap());
        assert_eq!(sub_tax, (taxable as f64 * rate / 100.0).round() as i64, "{name}: BR-CO-17");
        assert_eq!(taxable, line_ext, "{name}: BR-CO-18, one category");
        assert_eq!(sub_tax, tax, "{name}: BR-CO-14");

        for l in &lines {
            // PEPPOL-EN16931-R120: line net = quantity × price.
            let qty_tag = if credit { "CreditedQuantity" } else { "InvoicedQuantity" };
            let qty: i64 = el(*l, qty_tag).unwrap().text().unwrap().parse().unwrap();
            let price = cents(path(*l, &["Price", "PriceAmount"]).unwrap());
            assert_eq!(qty * price, cents(el(*l, "LineExtensionAmount").unwrap()), "{name}: R120");
            let line_cat = path(*l, &["Item", "ClassifiedTaxCategory", "ID"]).unwrap().text().unwrap();
            assert_eq!(line_cat, code, "{name}: line and document VAT category");
        }

        // Peppol: buyer reference (R003), electronic addresses with schemes (R010, R020),
        // no empty elements (R008), a business process (R001).
        assert!(el(root, "BuyerReference").and_then(|n| n.text()).is_some(), "{name}: R003");
        for side in ["AccountingSupplierParty", "AccountingCustomerParty"] {
            let ep = path(root, &[side, "Party", "EndpointID"]).unwrap();
            assert_eq!(ep.attribute("schemeID"), Some("0216"), "{name}");
            assert!(path(root, &[side, "Party", "PostalAddress", "Country", "IdentificationCode"]).is_some());
        }
        assert!(el(root, "ProfileID").is_some());
        for n in root.descendants().filter(|n| n.is_element()) {
            let has_child = n.children().any(|c| c.is_element());
            let text = n.text().map(str::trim).unwrap_or("");
            assert!(has_child || !text.is_empty(), "{name}: empty element {}", n.tag_name().name());
        }

        // VAT identifiers: none for O (BR-O-02), the seller's for S and E (BR-S-02, BR-E-02).
        let seller_vat = path(root, &["AccountingSupplierParty", "Party", "PartyTaxScheme", "CompanyID"]);
        match code {
            "O" => {
                assert!(seller_vat.is_none(), "{name}: BR-O-02");
                assert!(el(cat, "Percent").is_none(), "{name}: BR-O-05");
                assert_eq!(tax, 0, "{name}: BR-O-09");
            }
            "S" => assert_eq!(seller_vat.unwrap().text(), Some("FI25742617"), "{name}: BR-S-02"),
            "E" => {
                assert!(seller_vat.is_some(), "{name}: BR-E-02");
                assert!(el(cat, "TaxExemptionReason").is_some(), "{name}: BR-E-10");
                assert_eq!(tax, 0, "{name}: BR-E-09");
            }
            other => panic!("unexpected category {other}"),
        }

        if credit {
            assert_eq!(el(root, "CreditNoteTypeCode").unwrap().text(), Some("381"));
            let orig = path(root, &["BillingReference", "InvoiceDocumentReference", "ID"]).unwrap();
            assert_eq!(orig.text(), Some("2025-0001"), "{name}: the credit note references the invoice");
        } else {
            assert_eq!(el(root, "InvoiceTypeCode").unwrap().text(), Some("380"));
            let pm = el(root, "PaymentMeans").unwrap();
            assert_eq!(el(pm, "PaymentMeansCode").unwrap().text(), Some("58"));
            assert_eq!(el(pm, "PaymentID").unwrap().text(), Some(doc.rf_reference.electronic()));
            assert_eq!(path(pm, &["PayeeFinancialAccount", "ID"]).unwrap().text(), Some("FI2112345600000785"));
            assert_eq!(el(root, "DueDate").unwrap().text(), Some(doc.due_date.to_string().as_str()));
        }
    }
}

/// Element paths (`AccountingSupplierParty/Party/EndpointID`) in document order, each
/// once.
fn element_paths(xml: &str) -> Vec<String> {
    let doc = Document::parse(xml).unwrap();
    let mut out: Vec<String> = Vec::new();
    for n in doc.root_element().descendants().filter(|n| n.is_element()) {
        let mut names: Vec<&str> = n.ancestors().filter(|a| a.is_element()).map(|a| a.tag_name().name()).collect();
        names.reverse();
        let p = names[1..].join("/");
        if !p.is_empty() && !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

fn example(name: &str) -> String {
    // A copy of the project's validated examples (`tests/examples/` (a copy of the project's `shared/examples/`)), kept in the
    // repository so the test runs in any clone.
    let path = manifest_dir().join("tests/examples").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn same_structure_as_the_validated_examples() {
    let cases = [("peppol-bis3-instalment-vat-O.xml", config()), ("peppol-bis3-instalment-vat-S.xml", vat_s())];
    for (file, cfg) in cases {
        let theirs = element_paths(&example(file));
        let ours = element_paths(&to_ubl(&kela_invoice(&cfg, Lang::En)));
        // Everything the validated example has, we have …
        let missing: Vec<&String> = theirs.iter().filter(|p| !ours.contains(p)).collect();
        assert!(missing.is_empty(), "{file}: we lack {missing:?}");
        // … in the same order.
        let shared: Vec<&String> = ours.iter().filter(|p| theirs.contains(p)).collect();
        let theirs_ref: Vec<&String> = theirs.iter().collect();
        assert_eq!(shared, theirs_ref, "{file}: element order differs");
    }
}

fn xsd_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LYHTY_UBL_XSD_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("tests/xsd/ubl-2.1"));
    if dir.join("maindoc/UBL-Invoice-2.1.xsd").is_file() {
        return Some(dir);
    }
    // `make test` fetches them first, so in CI they are required like any checker.
    missing(
        &format!("UBL 2.1 schemas not found in {} (run scripts/fetch-ubl-xsd.sh)", dir.display()),
        "LYHTY_REQUIRE_UBL_XSD",
    )
}

/// xmllint's schema validation: an error when the document does not validate (xmllint
/// exits 3 or 4 then) or xmllint fails in any other way.
fn xmllint_validate(xmllint: &Checker, xsd: &Path, file: &Path) -> Result<(), CheckerFailed> {
    xmllint.run(["--noout".as_ref(), "--schema".as_ref(), xsd.as_os_str(), file.as_os_str()]).map(drop)
}

#[test]
fn every_document_validates_against_the_ubl_21_schema() {
    let (Some(xmllint), Some(xsd)) = (XMLLINT.find(), xsd_dir()) else { return };
    let scratch = ScratchDir::new("ubl");
    let dir = scratch.path();
    let invoice_xsd = xsd.join("maindoc/UBL-Invoice-2.1.xsd");
    let credit_xsd = xsd.join("maindoc/UBL-CreditNote-2.1.xsd");

    // The validator must accept the known-good examples, or a pass below means nothing.
    for f in ["peppol-bis3-instalment-vat-O.xml", "peppol-bis3-instalment-vat-S.xml"] {
        let file = dir.join(f);
        std::fs::write(&file, example(f)).unwrap();
        xmllint_validate(&xmllint, &invoice_xsd, &file).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
    // … and reject a broken document (elements out of schema order).
    let broken = to_ubl(&kela_invoice(&config(), Lang::Fi))
        .replacen("<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>\n", "", 1)
        .replace("<cbc:BuyerReference>", "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:BuyerReference>")
        .replace("<cbc:IssueDate>", "<cbc:DueDate>2025-01-01</cbc:DueDate><cbc:IssueDate>");
    let file = dir.join("broken.xml");
    std::fs::write(&file, broken).unwrap();
    let err = xmllint_validate(&xmllint, &invoice_xsd, &file).expect_err("a misordered document must fail");
    // … for the reason given: the schema, not a crash or a missing file.
    assert!(err.stderr.contains("fails to validate") && err.stderr.contains("DueDate"), "{err}");

    for (name, doc) in all_documents() {
        let file = dir.join(format!("{name}.xml"));
        std::fs::write(&file, to_ubl(&doc)).unwrap();
        let xsd = if name.starts_with("credit") { &credit_xsd } else { &invoice_xsd };
        xmllint_validate(&xmllint, xsd, &file).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn hostile_names_still_give_well_formed_xml() {
    let mut doc = kela_invoice(&config(), Lang::Fi);
    doc.buyer.legal_name = "A & B <Oy> \"quoted\" 'single' \u{1} ]]>".into();
    doc.buyer_reference = "<script>".into();
    let xml = to_ubl(&doc);
    let parsed = Document::parse(&xml).unwrap();
    let name =
        path(parsed.root_element(), &["AccountingCustomerParty", "Party", "PartyLegalEntity", "RegistrationName"]);
    assert_eq!(name.unwrap().text(), Some("A & B <Oy> \"quoted\" 'single'  ]]>"));
}
