//! Peppol BIS Billing 3.0 e-invoices: UBL 2.1 `Invoice` (type 380) and `CreditNote` (381).
//!
//! Finnish public bodies receive invoices through Peppol, so each instalment invoice is
//! also written in the form their systems read. The layout follows the example in
//! `tests/examples/` (a copy of the project's `shared/examples/`), which passes the UBL 2.1
//! schema, the EN 16931 rules and the Peppol BIS rules; the element order matters because
//! the schema fixes it.
//!
//! Amounts come from [`InvoiceDocument`]'s integer cents, so the EN 16931 arithmetic holds
//! by construction: the lines add up to `LineExtensionAmount` (BR-CO-10), there are no
//! document allowances or charges so `TaxExclusiveAmount` equals it (BR-CO-13),
//! `TaxInclusiveAmount` adds the VAT (BR-CO-15) and nothing is prepaid, so
//! `PayableAmount` equals that (BR-CO-16). The tests parse the output and check each rule.
//!
//! The XML is written by hand with escaping rather than through a serialiser: the document
//! is small and flat, and the code reads in the same order as the schema.

use crate::document::{DocumentKind, InvoiceDocument};
use crate::seller::{InvoiceParty, VatTreatment};
use lyhty_domain::{Cents, Lang};

const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const NS_CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const CUSTOMIZATION_ID: &str = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
const PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// Writes the document as Peppol BIS Billing 3.0 UBL XML (UTF-8).
pub fn to_ubl(doc: &InvoiceDocument) -> String {
    let credit = doc.kind == DocumentKind::CreditNote;
    let (root, ns, type_tag, type_code, line_tag, qty_tag) = if credit {
        ("CreditNote", NS_CREDIT_NOTE, "cbc:CreditNoteTypeCode", "381", "cac:CreditNoteLine", "cbc:CreditedQuantity")
    } else {
        ("Invoice", NS_INVOICE, "cbc:InvoiceTypeCode", "380", "cac:InvoiceLine", "cbc:InvoicedQuantity")
    };
    let mut w = Xml::default();
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open(root, &[("xmlns", ns), ("xmlns:cac", NS_CAC), ("xmlns:cbc", NS_CBC)]);
    w.leaf("cbc:CustomizationID", &[], CUSTOMIZATION_ID);
    w.leaf("cbc:ProfileID", &[], PROFILE_ID);
    w.leaf("cbc:ID", &[], &doc.number);
    w.leaf("cbc:IssueDate", &[], &doc.issue_date.to_string());
    if !credit {
        // UBL 2.1's CreditNote has no document-level due date.
        w.leaf("cbc:DueDate", &[], &doc.due_date.to_string());
    }
    w.leaf(type_tag, &[], type_code);
    w.leaf("cbc:Note", &[], &note(doc));
    w.leaf("cbc:DocumentCurrencyCode", &[], "EUR");
    w.leaf("cbc:BuyerReference", &[], &doc.buyer_reference);
    w.open("cac:InvoicePeriod", &[]);
    w.leaf("cbc:StartDate", &[], &doc.period_start.to_string());
    w.leaf("cbc:EndDate", &[], &doc.period_end.to_string());
    w.close("cac:InvoicePeriod");
    if let Some(original) = &doc.credited_invoice {
        w.open("cac:BillingReference", &[]);
        w.open("cac:InvoiceDocumentReference", &[]);
        w.leaf("cbc:ID", &[], &original.number);
        w.leaf("cbc:IssueDate", &[], &original.issue_date.to_string());
        w.close("cac:InvoiceDocumentReference");
        w.close("cac:BillingReference");
    }

    w.open("cac:AccountingSupplierParty", &[]);
    party(&mut w, &doc.seller, true, vat_id_shown(doc));
    w.close("cac:AccountingSupplierParty");
    w.open("cac:AccountingCustomerParty", &[]);
    party(&mut w, &doc.buyer, false, None);
    w.close("cac:AccountingCustomerParty");

    if !credit {
        w.open("cac:PaymentMeans", &[]);
        w.leaf("cbc:PaymentMeansCode", &[("name", "SEPA credit transfer")], "58");
        // The RF form, as in the validated example; payers' banks accept it, and a payment
        // made with either form is matched (`payments::normalise_reference`).
        w.leaf("cbc:PaymentID", &[], doc.rf_reference.electronic());
        w.open("cac:PayeeFinancialAccount", &[]);
        w.leaf("cbc:ID", &[], doc.iban.electronic());
        w.open("cac:FinancialInstitutionBranch", &[]);
        w.leaf("cbc:ID", &[], &doc.bic);
        w.close("cac:FinancialInstitutionBranch");
        w.close("cac:PayeeFinancialAccount");
        w.close("cac:PaymentMeans");
        w.open("cac:PaymentTerms", &[]);
        w.leaf("cbc:Note", &[], &payment_terms(doc));
        w.close("cac:PaymentTerms");
    }

    let net = doc.net_total();
    let vat = doc.vat_total();
    w.open("cac:TaxTotal", &[]);
    w.leaf("cbc:TaxAmount", EUR, &amount(vat));
    w.open("cac:TaxSubtotal", &[]);
    w.leaf("cbc:TaxableAmount", EUR, &amount(net));
    w.leaf("cbc:TaxAmount", EUR, &amount(vat));
    w.open("cac:TaxCategory", &[]);
    tax_category_inner(&mut w, &doc.vat, true);
    w.close("cac:TaxCategory");
    w.close("cac:TaxSubtotal");
    w.close("cac:TaxTotal");

    w.open("cac:LegalMonetaryTotal", &[]);
    w.leaf("cbc:LineExtensionAmount", EUR, &amount(net));
    w.leaf("cbc:TaxExclusiveAmount", EUR, &amount(net));
    w.leaf("cbc:TaxInclusiveAmount", EUR, &amount(net + vat));
    w.leaf("cbc:PayableAmount", EUR, &amount(doc.payable()));
    w.close("cac:LegalMonetaryTotal");

    for (i, line) in doc.lines.iter().enumerate() {
        w.open(line_tag, &[]);
        w.leaf("cbc:ID", &[], &(i + 1).to_string());
        w.leaf(qty_tag, &[("unitCode", "C62")], "1");
        w.leaf("cbc:LineExtensionAmount", EUR, &amount(line.net));
        w.open("cac:Item", &[]);
        w.leaf("cbc:Name", &[], &line.description);
        w.open("cac:ClassifiedTaxCategory", &[]);
        tax_category_inner(&mut w, &doc.vat, false);
        w.close("cac:ClassifiedTaxCategory");
        w.close("cac:Item");
        w.open("cac:Price", &[]);
        w.leaf("cbc:PriceAmount", EUR, &amount(line.net));
        w.close("cac:Price");
        w.close(line_tag);
    }
    w.close(root);
    w.out
}

const EUR: &[(&str, &str)] = &[("currencyID", "EUR")];

/// `12500.00`: UBL amounts have a dot and at most two decimals.
fn amount(c: Cents) -> String {
    c.to_string()
}

/// The seller's VAT identifier is shown only where the VAT category needs it (BR-O-02
/// forbids it for category O).
fn vat_id_shown(doc: &InvoiceDocument) -> Option<&str> {
    match doc.vat {
        VatTreatment::OutsideScope => None,
        _ => doc.seller_vat_id.as_deref(),
    }
}

fn party(w: &mut Xml, p: &InvoiceParty, seller: bool, vat_id: Option<&str>) {
    w.open("cac:Party", &[]);
    w.leaf("cbc:EndpointID", &[("schemeID", &p.endpoint.scheme)], &p.endpoint.id);
    if seller {
        w.open("cac:PartyIdentification", &[]);
        w.leaf("cbc:ID", &[("schemeID", &p.endpoint.scheme)], &p.endpoint.id);
        w.close("cac:PartyIdentification");
        w.open("cac:PartyName", &[]);
        w.leaf("cbc:Name", &[], &p.name);
        w.close("cac:PartyName");
    }
    w.open("cac:PostalAddress", &[]);
    if let Some(street) = &p.street {
        w.leaf("cbc:StreetName", &[], street);
    }
    if let Some(city) = &p.city {
        w.leaf("cbc:CityName", &[], city);
    }
    if let Some(postcode) = &p.postcode {
        w.leaf("cbc:PostalZone", &[], postcode);
    }
    w.open("cac:Country", &[]);
    w.leaf("cbc:IdentificationCode", &[], &p.country);
    w.close("cac:Country");
    w.close("cac:PostalAddress");
    if let Some(vat_id) = vat_id {
        w.open("cac:PartyTaxScheme", &[]);
        w.leaf("cbc:CompanyID", &[], vat_id);
        w.open("cac:TaxScheme", &[]);
        w.leaf("cbc:ID", &[], "VAT");
        w.close("cac:TaxScheme");
        w.close("cac:PartyTaxScheme");
    }
    w.open("cac:PartyLegalEntity", &[]);
    w.leaf("cbc:RegistrationName", &[], &p.legal_name);
    // Scheme 0037: the Finnish business ID without its hyphen.
    w.leaf("cbc:CompanyID", &[("schemeID", "0037")], &p.business_id.digits());
    w.close("cac:PartyLegalEntity");
    w.close("cac:Party");
}

/// The children of `TaxCategory` (with the exemption reason) or `ClassifiedTaxCategory`
/// (without: the schema allows it there, but Peppol wants it once, at document level).
fn tax_category_inner(w: &mut Xml, vat: &VatTreatment, with_reason: bool) {
    w.leaf("cbc:ID", &[], vat.code());
    match vat {
        VatTreatment::OutsideScope => {
            if with_reason {
                w.leaf("cbc:TaxExemptionReasonCode", &[], "VATEX-EU-O");
                w.leaf("cbc:TaxExemptionReason", &[], "Not subject to VAT");
            }
        }
        VatTreatment::Standard { rate_basis_points } => w.leaf("cbc:Percent", &[], &percent(*rate_basis_points)),
        VatTreatment::Exempt { reason } => {
            w.leaf("cbc:Percent", &[], "0");
            if with_reason {
                w.leaf("cbc:TaxExemptionReason", &[], reason);
            }
        }
    }
    w.open("cac:TaxScheme", &[]);
    w.leaf("cbc:ID", &[], "VAT");
    w.close("cac:TaxScheme");
}

/// Basis points as a percentage without trailing zeros: 2550 → `25.5`, 2400 → `24`.
fn percent(bp: u32) -> String {
    let s = format!("{}.{:02}", bp / 100, bp % 100);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn note(doc: &InvoiceDocument) -> String {
    match (&doc.credited_invoice, doc.lang) {
        (Some(o), Lang::Fi) => format!("Hyvityslasku laskulle {}", o.number),
        (Some(o), Lang::Sv) => format!("Kreditnota för faktura {}", o.number),
        (Some(o), Lang::En) => format!("Credit note for invoice {}", o.number),
        (None, _) => doc.lines.iter().map(|l| l.description.as_str()).collect::<Vec<_>>().join("; "),
    }
}

fn payment_terms(doc: &InvoiceDocument) -> String {
    let n = doc.payment_term_days;
    match doc.lang {
        Lang::Fi => format!("{n} päivää netto"),
        Lang::Sv => format!("{n} dagar netto"),
        Lang::En => format!("{n} days net"),
    }
}

/// A minimal indenting XML writer. Text and attribute values are escaped, and characters
/// XML 1.0 cannot carry (control characters from pasted names) are dropped, so any party
/// name gives a well-formed document.
#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn start(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_into(&mut self.out, v);
            self.out.push('"');
        }
        self.out.push('>');
    }

    fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start(tag, attrs);
        self.out.push('\n');
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }

    fn leaf(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(tag, attrs);
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }
}

fn escape_into(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_percent() {
        let mut s = String::new();
        escape_into(&mut s, "A & B <\"c\"> 'd'\u{1}é");
        assert_eq!(s, "A &amp; B &lt;&quot;c&quot;&gt; &apos;d&apos;é");
        assert_eq!(percent(2550), "25.5");
        assert_eq!(percent(2400), "24");
        assert_eq!(percent(1405), "14.05");
        assert_eq!(percent(0), "0");
    }
}
