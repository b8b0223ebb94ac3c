//! The PDF invoice, read back the way a person or a bank app would: its text with
//! `pdftotext` (poppler-utils) and its barcode with a scanner (`zbarimg`, zbar-tools, on a
//! page rendered by `pdftoppm`).

use crate::common::*;
use lyhty_domain::Lang;
use lyhty_finance::document::credit_note;
use lyhty_finance::pdf::render_pdf;
use lyhty_testkit::{PDFTOPPM, PDFTOTEXT, ScratchDir, ZBARIMG};

/// The PDF's text, or `None` where pdftotext is not installed (and not required). A
/// pdftotext that runs and fails fails the test, on every machine.
fn pdf_text(pdf: &[u8], name: &str) -> Option<String> {
    let text = PDFTOTEXT.find()?.pdf_text(pdf).unwrap_or_else(|e| panic!("{name}.pdf: {e}"));
    // Thousands are separated by a no-break space; compare with plain spaces.
    Some(text.replace('\u{a0}', " "))
}

/// The text check is not vacuous: a damaged invoice (its bytes cut in half, as an
/// interrupted download would leave it) is an error of the checker, not a skip.
#[test]
fn a_truncated_pdf_fails_the_text_check() {
    let pdf = render_pdf(&kela_invoice(&config(), Lang::Fi)).unwrap();
    let Some(pdftotext) = PDFTOTEXT.find() else { return };
    assert!(pdftotext.pdf_text(&pdf).unwrap().contains("2025-0001"), "the whole file reads");
    for cut in [pdf.len() / 2, pdf.len() - 200, 100] {
        let err = pdftotext.pdf_text(&pdf[..cut]).expect_err("a truncated PDF must not read");
        assert!(err.stderr.contains("Error"), "poppler says why ({cut} of {} bytes): {err}", pdf.len());
    }
}

#[test]
fn finnish_invoice_shows_what_the_payer_needs() {
    let doc = kela_invoice(&config(), Lang::Fi);
    let pdf = render_pdf(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let Some(text) = pdf_text(&pdf, "fi") else { return };
    let barcode = doc.barcode().unwrap();
    assert_eq!(barcode.len(), 54);
    for expected in [
        "LASKU",
        "2025-0001",     // invoice number
        "2 02500 00018", // reference, grouped in fives from the right
        doc.rf_reference.grouped().as_str(),
        "26.9.2025",      // due date (issue 5.9. + 21 days)
        "12 500,00 €",    // amount, Finnish format
        barcode.as_str(), // the 54 digits
        "FI21 1234 5600 0007 85",
        "NDEAFIHH",
        "2574261-7", // seller's business ID
        "0246246-0", // buyer's
        "Kansaneläkelaitos",
        "Valtion tieto- ja viestintätekniikkakeskus Valtori",
        "21 päivää netto",
        "Eräpäivä",
        "Viitenumero",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
}

#[test]
fn swedish_and_english_invoices() {
    for (lang, words) in [
        (Lang::Sv, ["FAKTURA", "Förfallodag", "Referensnummer", "dagar netto"]),
        (Lang::En, ["INVOICE", "Due date", "Reference", "days net"]),
    ] {
        let doc = kela_invoice(&config(), lang);
        let Some(text) = pdf_text(&render_pdf(&doc).unwrap(), lang.code()) else { return };
        for w in words {
            assert!(text.contains(w), "{w:?} missing from {lang:?}:\n{text}");
        }
        assert!(text.contains("12 500,00 €"));
    }
}

#[test]
fn credit_note_pdf() {
    let doc = kela_invoice(&config(), Lang::Fi);
    let cn = credit_note(&doc, 2, d(2025, 10, 1), None).unwrap();
    let Some(text) = pdf_text(&render_pdf(&cn).unwrap(), "credit") else { return };
    assert!(text.contains("HYVITYSLASKU"), "{text}");
    assert!(text.contains("2025-0002"));
    assert!(text.contains("2025-0001"), "names the credited invoice");
    assert!(!text.contains("Virtuaaliviivakoodi"), "nothing to pay on a credit note");
}

#[test]
fn barcode_scans_back_to_the_54_digits() {
    let (Some(pdftoppm), Some(zbarimg)) = (PDFTOPPM.find(), ZBARIMG.find()) else { return };
    let doc = kela_invoice(&config(), Lang::Fi);
    let dir = ScratchDir::new("scan");
    let file = dir.path().join("invoice.pdf");
    std::fs::write(&file, render_pdf(&doc).unwrap()).unwrap();
    let page = dir.path().join("page");
    pdftoppm
        .run([
            "-r".as_ref(),
            "200".as_ref(),
            "-png".as_ref(),
            "-singlefile".as_ref(),
            file.as_os_str(),
            page.as_os_str(),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
    // zbarimg exits 4 when it finds no barcode: that is a failure here, with its output.
    let png = dir.path().join("page.png");
    let out = zbarimg
        .run(["--quiet".as_ref(), "--raw".as_ref(), "-Scode128.enable".as_ref(), png.as_os_str()])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.stdout.trim(), doc.barcode().unwrap(), "zbarimg stderr: {}", out.stderr);
}
