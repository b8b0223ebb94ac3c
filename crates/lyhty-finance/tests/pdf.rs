//! The PDF invoice, read back the way a person or a bank app would: its text with
//! `pdftotext` (poppler-utils) and its barcode with a scanner (`zbarimg`, zbar-tools, on a
//! page rendered by `pdftoppm`).

mod common;

use common::*;
use lyhty_domain::Lang;
use lyhty_finance::document::credit_note;
use lyhty_finance::pdf::render_pdf;
use std::process::Command;

fn pdf_text(pdf: &[u8], name: &str) -> Option<String> {
    let pdftotext = tool("pdftotext", "poppler-utils")?;
    let dir = scratch("pdf");
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new(pdftotext).arg("-layout").arg(&file).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    // Thousands are separated by a no-break space; compare with plain spaces.
    Some(String::from_utf8(out.stdout).unwrap().replace('\u{a0}', " "))
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
    let (Some(pdftoppm), Some(zbarimg)) = (tool("pdftoppm", "poppler-utils"), tool("zbarimg", "zbar-tools")) else {
        return;
    };
    let doc = kela_invoice(&config(), Lang::Fi);
    let dir = scratch("scan");
    let file = dir.join("invoice.pdf");
    std::fs::write(&file, render_pdf(&doc).unwrap()).unwrap();
    let status = Command::new(pdftoppm)
        .args(["-r", "200", "-png", "-singlefile"])
        .arg(&file)
        .arg(dir.join("page"))
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new(zbarimg)
        .args(["--quiet", "--raw", "-Scode128.enable"])
        .arg(dir.join("page.png"))
        .output()
        .unwrap();
    let scanned = String::from_utf8_lossy(&out.stdout);
    assert_eq!(scanned.trim(), doc.barcode().unwrap(), "zbarimg stderr: {}", String::from_utf8_lossy(&out.stderr));
}
