//! The PDF invoice: one A4 page, Finnish by default, Swedish and English on request.
//!
//! It shows what a Finnish invoice must (seller and buyer with business IDs, number, dates,
//! payment term, lines, totals and VAT treatment) and what a payer needs to pay it without
//! retyping: IBAN and BIC, the creditor reference in both forms, the 54 digits of the
//! virtual bank barcode, and the barcode itself as Code 128. Fonts and drawing are
//! [`draw`](crate::draw)'s.

use crate::barcode::code128c_modules;
use crate::document::{DocumentKind, InvoiceDocument};
use crate::draw::{A4_H, A4_W, BLACK, DrawError, Pages, Painter};
use crate::format::fi_date;
use crate::seller::{InvoiceParty, VatTreatment};
use lyhty_domain::{Cents, Lang};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font could not be loaded")]
    Font,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

impl PdfError {
    pub fn code(&self) -> &'static str {
        "pdf_failed"
    }
}

/// Renders the invoice or credit note in its own language (`doc.lang`).
pub fn render_pdf(doc: &InvoiceDocument) -> Result<Vec<u8>, PdfError> {
    let t = Labels::of(doc.lang);
    let title = format!("{} {}", if doc.kind == DocumentKind::Invoice { t.invoice } else { t.credit_note }, doc.number);
    let mut pages = Pages::new(title.clone(), doc.lang.code()).map_err(pdf_error)?;
    pages.page(|p| layout(p, doc, &t, &title));
    pages.finish().map_err(pdf_error)
}

fn pdf_error(e: DrawError) -> PdfError {
    match e {
        DrawError::Font => PdfError::Font,
        DrawError::PageSize => PdfError::Write("page size".into()),
        DrawError::Write(e) => PdfError::Write(e),
    }
}

const MARGIN: f32 = 56.0;
const MM: f32 = 72.0 / 25.4;

fn layout(p: &mut Painter, doc: &InvoiceDocument, t: &Labels, title: &str) {
    let right = A4_W - MARGIN;
    let credit = doc.kind == DocumentKind::CreditNote;

    // Seller, top left.
    let mut y = MARGIN + 10.0;
    p.text(MARGIN, y, 14.0, true, &doc.seller.name, BLACK);
    y += 16.0;
    for line in address_lines(&doc.seller) {
        p.text(MARGIN, y, 9.0, false, &line, BLACK);
        y += 12.0;
    }
    p.text(MARGIN, y, 9.0, false, &format!("{} {}", t.business_id, doc.seller.business_id), BLACK);
    y += 12.0;
    if let (Some(vat_id), false) = (&doc.seller_vat_id, doc.vat == VatTreatment::OutsideScope) {
        p.text(MARGIN, y, 9.0, false, &format!("{} {vat_id}", t.vat_id), BLACK);
    }

    // Title and the invoice's key facts, top right.
    let heading = title.split(' ').next().unwrap_or(title).to_uppercase();
    p.text(330.0, MARGIN + 10.0, 16.0, true, &heading, BLACK);
    let mut facts: Vec<(&str, String)> = vec![(t.number, doc.number.clone()), (t.date, fi_date(doc.issue_date))];
    if credit {
        if let Some(o) = &doc.credited_invoice {
            facts.push((t.credited_invoice, format!("{} ({})", o.number, fi_date(o.issue_date))));
        }
    } else {
        facts.push((t.due_date, fi_date(doc.due_date)));
        facts.push((t.terms, t.days_net(doc.payment_term_days)));
        facts.push((t.reference, doc.reference.grouped()));
        facts.push((t.rf_reference, doc.rf_reference.grouped()));
    }
    facts.push((t.buyer_reference, doc.buyer_reference.clone()));
    facts.push((t.period, format!("{}–{}", fi_date(doc.period_start), fi_date(doc.period_end))));
    let mut fy = MARGIN + 32.0;
    for (label, value) in &facts {
        p.text(330.0, fy, 9.0, false, label, BLACK);
        p.text(440.0, fy, 9.0, true, value, BLACK);
        fy += 13.0;
    }

    // Buyer.
    let mut y = y.max(MARGIN + 100.0) + 10.0;
    p.text(MARGIN, y, 8.0, false, t.buyer, BLACK);
    y += 13.0;
    for line in p.wrap(&doc.buyer.legal_name, 11.0, true, 250.0) {
        p.text(MARGIN, y, 11.0, true, &line, BLACK);
        y += 13.0;
    }
    for line in address_lines(&doc.buyer) {
        p.text(MARGIN, y, 9.0, false, &line, BLACK);
        y += 12.0;
    }
    p.text(MARGIN, y, 9.0, false, &format!("{} {}", t.business_id, doc.buyer.business_id), BLACK);
    y += 12.0;
    p.text(MARGIN, y, 9.0, false, &format!("{} {}", t.einvoice_address, doc.buyer.endpoint), BLACK);
    y = y.max(fy) + 28.0;

    // Lines.
    p.text(MARGIN, y, 9.0, true, t.description, BLACK);
    p.text_right(right, y, 9.0, true, t.amount, BLACK);
    y += 5.0;
    p.rule(MARGIN, y, right, 0.8);
    y += 14.0;
    for line in &doc.lines {
        let wrapped = p.wrap(&line.description, 10.0, false, right - MARGIN - 110.0);
        p.text_right(right, y, 10.0, false, &line.net.to_finnish(), BLACK);
        for part in wrapped {
            p.text(MARGIN, y, 10.0, false, &part, BLACK);
            y += 13.0;
        }
        y += 3.0;
    }
    p.rule(MARGIN, y - 6.0, right, 0.4);
    y += 8.0;
    let totals_x = 330.0;
    p.text(totals_x, y, 10.0, false, t.net_total, BLACK);
    p.text_right(right, y, 10.0, false, &doc.net_total().to_finnish(), BLACK);
    y += 14.0;
    p.text(totals_x, y, 10.0, false, &vat_label(t, &doc.vat), BLACK);
    p.text_right(right, y, 10.0, false, &doc.vat_total().to_finnish(), BLACK);
    y += 16.0;
    p.text(totals_x, y, 11.0, true, if credit { t.credit_total } else { t.to_pay }, BLACK);
    p.text_right(right, y, 11.0, true, &doc.payable().to_finnish(), BLACK);
    y += 14.0;
    if let VatTreatment::Exempt { reason } = &doc.vat {
        p.text(MARGIN, y, 8.0, false, reason, BLACK);
    } else if doc.vat == VatTreatment::OutsideScope {
        p.text(MARGIN, y, 8.0, false, t.outside_scope, BLACK);
    }

    if credit {
        p.text(MARGIN, A4_H - MARGIN, 8.0, false, t.credit_note_info, BLACK);
        return;
    }

    // Payment box at the foot of the page, like the bottom of a Finnish bank form.
    let box_top = A4_H - MARGIN - 200.0;
    p.rule(MARGIN, box_top, right, 1.0);
    let mut by = box_top + 20.0;
    let col2 = MARGIN + 120.0;
    let rows: [(&str, String); 6] = [
        (t.payee, doc.seller.legal_name.clone()),
        (t.account, format!("{}   BIC {}", doc.iban.grouped(), doc.bic)),
        (t.reference, doc.reference.grouped()),
        (t.rf_reference, doc.rf_reference.grouped()),
        (t.due_date, fi_date(doc.due_date)),
        (t.amount_eur, doc.payable().to_finnish()),
    ];
    for (label, value) in &rows {
        p.text(MARGIN, by, 9.0, false, label, BLACK);
        p.text(col2, by, 10.0, true, value, BLACK);
        by += 15.0;
    }
    by += 6.0;
    match doc.barcode() {
        Some(digits) => {
            p.text(MARGIN, by, 8.0, false, t.barcode, BLACK);
            by += 12.0;
            p.text(MARGIN, by, 9.0, false, &digits, BLACK);
            by += 8.0;
            if let Some(modules) = code128c_modules(&digits) {
                // Finance Finland's guide: Code 128 C, narrow bar at least 0.25 mm, height at
                // least 10 mm, quiet zones of at least 6.4 mm. 0.3 mm × 332 modules ≈ 100 mm.
                p.code128(MARGIN + 6.4 * MM, by, 0.3 * MM, 13.0 * MM, &modules);
            }
        }
        None => p.text(MARGIN, by, 8.0, false, t.no_barcode, BLACK),
    }
}

fn address_lines(party: &InvoiceParty) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(street) = &party.street {
        lines.push(street.clone());
    }
    let town = [party.postcode.as_deref(), party.city.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    if !town.is_empty() {
        lines.push(town);
    }
    lines
}

fn vat_label(t: &Labels, vat: &VatTreatment) -> String {
    match vat {
        VatTreatment::Standard { rate_basis_points } => {
            let pct = Cents(i64::from(*rate_basis_points)).to_finnish_number();
            let pct = pct.trim_end_matches('0').trim_end_matches(',');
            format!("{} {pct} %", t.vat)
        }
        VatTreatment::Exempt { .. } => format!("{} 0 %", t.vat),
        VatTreatment::OutsideScope => format!("{} (O)", t.vat),
    }
}

/// The words on the page, per language.
struct Labels {
    invoice: &'static str,
    credit_note: &'static str,
    number: &'static str,
    date: &'static str,
    due_date: &'static str,
    terms: &'static str,
    reference: &'static str,
    rf_reference: &'static str,
    buyer_reference: &'static str,
    period: &'static str,
    credited_invoice: &'static str,
    buyer: &'static str,
    business_id: &'static str,
    vat_id: &'static str,
    einvoice_address: &'static str,
    description: &'static str,
    amount: &'static str,
    net_total: &'static str,
    vat: &'static str,
    to_pay: &'static str,
    credit_total: &'static str,
    outside_scope: &'static str,
    payee: &'static str,
    account: &'static str,
    amount_eur: &'static str,
    barcode: &'static str,
    no_barcode: &'static str,
    credit_note_info: &'static str,
    days: &'static str,
}

impl Labels {
    fn of(lang: Lang) -> Self {
        match lang {
            Lang::Fi => Self {
                invoice: "Lasku",
                credit_note: "Hyvityslasku",
                number: "Laskun numero",
                date: "Päivämäärä",
                due_date: "Eräpäivä",
                terms: "Maksuehto",
                reference: "Viitenumero",
                rf_reference: "RF-viite",
                buyer_reference: "Ostajan viite",
                period: "Laskutuskausi",
                credited_invoice: "Hyvitettävä lasku",
                buyer: "Ostaja",
                business_id: "Y-tunnus",
                vat_id: "ALV-tunniste",
                einvoice_address: "Verkkolaskuosoite",
                description: "Kuvaus",
                amount: "Summa",
                net_total: "Veroton yhteensä",
                vat: "ALV",
                to_pay: "Maksettava",
                credit_total: "Hyvitys yhteensä",
                outside_scope: "Ei arvonlisäverolain alainen (kustannusosuus, yhteistyösopimus §9).",
                payee: "Saaja",
                account: "Tilinumero",
                amount_eur: "Euro",
                barcode: "Virtuaaliviivakoodi",
                no_barcode: "Summa ei mahdu pankkiviivakoodiin: maksa tilinumeron ja viitteen avulla.",
                credit_note_info: "Hyvitys vähennetään hyvitettävän laskun avoimesta summasta; maksettu ylitys palautetaan.",
                days: "päivää netto",
            },
            Lang::Sv => Self {
                invoice: "Faktura",
                credit_note: "Kreditnota",
                number: "Fakturanummer",
                date: "Datum",
                due_date: "Förfallodag",
                terms: "Betalningsvillkor",
                reference: "Referensnummer",
                rf_reference: "RF-referens",
                buyer_reference: "Köparens referens",
                period: "Faktureringsperiod",
                credited_invoice: "Krediterad faktura",
                buyer: "Köpare",
                business_id: "FO-nummer",
                vat_id: "Moms-nummer",
                einvoice_address: "Nätfakturaadress",
                description: "Beskrivning",
                amount: "Belopp",
                net_total: "Totalt exkl. moms",
                vat: "Moms",
                to_pay: "Att betala",
                credit_total: "Kredit totalt",
                outside_scope: "Utanför mervärdesskattelagens tillämpningsområde (kostnadsandel, samarbetsavtal §9).",
                payee: "Mottagare",
                account: "Kontonummer",
                amount_eur: "Euro",
                barcode: "Virtuell streckkod",
                no_barcode: "Beloppet ryms inte i bankstreckkoden: betala med kontonummer och referens.",
                credit_note_info: "Krediten dras av från den krediterade fakturans öppna belopp; överbetalning återbetalas.",
                days: "dagar netto",
            },
            Lang::En => Self {
                invoice: "Invoice",
                credit_note: "Credit note",
                number: "Invoice number",
                date: "Date",
                due_date: "Due date",
                terms: "Payment terms",
                reference: "Reference",
                rf_reference: "RF reference",
                buyer_reference: "Buyer reference",
                period: "Invoicing period",
                credited_invoice: "Credited invoice",
                buyer: "Buyer",
                business_id: "Business ID",
                vat_id: "VAT ID",
                einvoice_address: "E-invoice address",
                description: "Description",
                amount: "Amount",
                net_total: "Total excl. VAT",
                vat: "VAT",
                to_pay: "Amount due",
                credit_total: "Total credited",
                outside_scope: "Outside the scope of VAT (cost share, cooperation agreement §9).",
                payee: "Payee",
                account: "Account",
                amount_eur: "Euro",
                barcode: "Virtual bank barcode",
                no_barcode: "The amount does not fit the bank barcode: pay with the account and reference.",
                credit_note_info: "The credit is deducted from the credited invoice's open amount; any overpayment is refunded.",
                days: "days net",
            },
        }
    }

    fn days_net(&self, n: u32) -> String {
        format!("{n} {}", self.days)
    }
}
