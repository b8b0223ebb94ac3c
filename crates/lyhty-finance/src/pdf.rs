//! The PDF invoice: one A4 page, Finnish by default, Swedish and English on request.
//!
//! It shows what a Finnish invoice must (seller and buyer with business IDs, number, dates,
//! payment term, lines, totals and VAT treatment) and what a payer needs to pay it without
//! retyping: IBAN and BIC, the creditor reference in both forms, the 54 digits of the
//! virtual bank barcode, and the barcode itself as Code 128 (drawn as filled rectangles, so
//! it scans at any zoom).
//!
//! Text is set in Liberation Sans (SIL OFL, `assets/fonts/`), embedded and subsetted by
//! krilla, so ä, ö, å and € print the same everywhere and the text can be copied and
//! searched (the tests read it back with `pdftotext`).

use crate::barcode::code128c_modules;
use crate::document::{DocumentKind, InvoiceDocument, VatTreatment};
use chrono::NaiveDate;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use lyhty_domain::{Cents, Lang};

pub(crate) static REGULAR: &[u8] = include_bytes!("../assets/fonts/LiberationSans-Regular.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../assets/fonts/LiberationSans-Bold.ttf");

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
    let fonts = Fonts::load().ok_or(PdfError::Font)?;
    let t = Labels::of(doc.lang);
    let mut document = Document::new();
    let title = format!("{} {}", if doc.kind == DocumentKind::Invoice { t.invoice } else { t.credit_note }, doc.number);
    document
        .set_metadata(Metadata::new().title(title.clone()).language(doc.lang.code().into()).creator("Lyhty".into()));
    {
        let mut page = document.start_page_with(PageSettings::from_wh(A4_W, A4_H).ok_or(PdfError::Font)?);
        let mut surface = page.surface();
        let mut p = Painter { s: &mut surface, fonts: &fonts };
        layout(&mut p, doc, &t, &title);
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

const A4_W: f32 = 595.28;
const A4_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const MM: f32 = 72.0 / 25.4;

fn layout(p: &mut Painter, doc: &InvoiceDocument, t: &Labels, title: &str) {
    let right = A4_W - MARGIN;
    let credit = doc.kind == DocumentKind::CreditNote;

    // Seller, top left.
    let mut y = MARGIN + 10.0;
    p.text(MARGIN, y, 14.0, true, &doc.seller.name);
    y += 16.0;
    for line in address_lines(&doc.seller) {
        p.text(MARGIN, y, 9.0, false, &line);
        y += 12.0;
    }
    p.text(MARGIN, y, 9.0, false, &format!("{} {}", t.business_id, doc.seller.business_id));
    y += 12.0;
    if let (Some(vat_id), false) = (&doc.seller_vat_id, doc.vat == VatTreatment::OutsideScope) {
        p.text(MARGIN, y, 9.0, false, &format!("{} {vat_id}", t.vat_id));
    }

    // Title and the invoice's key facts, top right.
    let heading = title.split(' ').next().unwrap_or(title).to_uppercase();
    p.text(330.0, MARGIN + 10.0, 16.0, true, &heading);
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
        p.text(330.0, fy, 9.0, false, label);
        p.text(440.0, fy, 9.0, true, value);
        fy += 13.0;
    }

    // Buyer.
    let mut y = y.max(MARGIN + 100.0) + 10.0;
    p.text(MARGIN, y, 8.0, false, t.buyer);
    y += 13.0;
    for line in p.wrap(&doc.buyer.legal_name, 11.0, true, 250.0) {
        p.text(MARGIN, y, 11.0, true, &line);
        y += 13.0;
    }
    for line in address_lines(&doc.buyer) {
        p.text(MARGIN, y, 9.0, false, &line);
        y += 12.0;
    }
    p.text(MARGIN, y, 9.0, false, &format!("{} {}", t.business_id, doc.buyer.business_id));
    y += 12.0;
    p.text(MARGIN, y, 9.0, false, &format!("{} {}", t.einvoice_address, doc.buyer.endpoint));
    y = y.max(fy) + 28.0;

    // Lines.
    p.text(MARGIN, y, 9.0, true, t.description);
    p.text_right(right, y, 9.0, true, t.amount);
    y += 5.0;
    p.rule(MARGIN, y, right, 0.8);
    y += 14.0;
    for line in &doc.lines {
        let wrapped = p.wrap(&line.description, 10.0, false, right - MARGIN - 110.0);
        p.text_right(right, y, 10.0, false, &line.net.to_finnish());
        for part in wrapped {
            p.text(MARGIN, y, 10.0, false, &part);
            y += 13.0;
        }
        y += 3.0;
    }
    p.rule(MARGIN, y - 6.0, right, 0.4);
    y += 8.0;
    let totals_x = 330.0;
    p.text(totals_x, y, 10.0, false, t.net_total);
    p.text_right(right, y, 10.0, false, &doc.net_total().to_finnish());
    y += 14.0;
    p.text(totals_x, y, 10.0, false, &vat_label(t, &doc.vat));
    p.text_right(right, y, 10.0, false, &doc.vat_total().to_finnish());
    y += 16.0;
    p.text(totals_x, y, 11.0, true, if credit { t.credit_total } else { t.to_pay });
    p.text_right(right, y, 11.0, true, &doc.payable().to_finnish());
    y += 14.0;
    if let VatTreatment::Exempt { reason } = &doc.vat {
        p.text(MARGIN, y, 8.0, false, reason);
    } else if doc.vat == VatTreatment::OutsideScope {
        p.text(MARGIN, y, 8.0, false, t.outside_scope);
    }

    if credit {
        p.text(MARGIN, A4_H - MARGIN, 8.0, false, t.credit_note_info);
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
        p.text(MARGIN, by, 9.0, false, label);
        p.text(col2, by, 10.0, true, value);
        by += 15.0;
    }
    by += 6.0;
    match doc.barcode() {
        Some(digits) => {
            p.text(MARGIN, by, 8.0, false, t.barcode);
            by += 12.0;
            p.text(MARGIN, by, 9.0, false, &digits);
            by += 8.0;
            if let Some(modules) = code128c_modules(&digits) {
                // Finance Finland's guide: Code 128 C, narrow bar at least 0.25 mm, height at
                // least 10 mm, quiet zones of at least 6.4 mm. 0.3 mm × 332 modules ≈ 100 mm.
                p.code128(MARGIN + 6.4 * MM, by, 0.3 * MM, 13.0 * MM, &modules);
            }
        }
        None => p.text(MARGIN, by, 8.0, false, t.no_barcode),
    }
}

fn address_lines(party: &crate::document::InvoiceParty) -> Vec<String> {
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

/// Finnish date format, `12.6.2010`, used in all three languages on these invoices.
pub fn fi_date(d: NaiveDate) -> String {
    d.format("%-d.%-m.%Y").to_string()
}

struct Fonts {
    regular: Font,
    bold: Font,
    regular_face: ttf_parser::Face<'static>,
    bold_face: ttf_parser::Face<'static>,
}

impl Fonts {
    fn load() -> Option<Self> {
        Some(Self {
            regular: Font::new(REGULAR.into(), 0)?,
            bold: Font::new(BOLD.into(), 0)?,
            regular_face: ttf_parser::Face::parse(REGULAR, 0).ok()?,
            bold_face: ttf_parser::Face::parse(BOLD, 0).ok()?,
        })
    }
}

struct Painter<'a, 'b> {
    s: &'a mut Surface<'b>,
    fonts: &'a Fonts,
}

impl Painter<'_, '_> {
    fn black(&mut self) {
        self.s.set_fill(Some(Fill {
            paint: rgb::Color::new(0, 0, 0).into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }));
    }

    /// Text with its baseline at `y` (from the top of the page).
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        self.black();
        let font = if bold { self.fonts.bold.clone() } else { self.fonts.regular.clone() };
        self.s.draw_text(Point::from_xy(x, y), font, size, text, false, TextDirection::Auto);
    }

    fn text_right(&mut self, right: f32, y: f32, size: f32, bold: bool, text: &str) {
        let w = self.width(text, size, bold);
        self.text(right - w, y, size, bold, text);
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.fonts.bold_face } else { &self.fonts.regular_face };
        let units: f32 = text
            .chars()
            .map(|c| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(0.0, f32::from))
            .sum();
        units * size / f32::from(face.units_per_em())
    }

    /// Splits `text` at spaces into lines no wider than `max` (a word longer than a line
    /// stands alone).
    fn wrap(&self, text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        for word in text.split_whitespace() {
            let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
            if !current.is_empty() && self.width(&candidate, size, bold) > max {
                lines.push(std::mem::replace(&mut current, word.to_string()));
            } else {
                current = candidate;
            }
        }
        if !current.is_empty() || lines.is_empty() {
            lines.push(current);
        }
        lines
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let Some(rect) = Rect::from_xywh(x, y, w, h) else { return };
        let mut pb = PathBuilder::new();
        pb.push_rect(rect);
        if let Some(path) = pb.finish() {
            self.black();
            self.s.draw_path(&path);
        }
    }

    fn rule(&mut self, x1: f32, y: f32, x2: f32, thickness: f32) {
        self.rect(x1, y, x2 - x1, thickness);
    }

    /// Draws Code 128 element widths (bar first) from (`x`, `y`) downwards.
    fn code128(&mut self, x: f32, y: f32, module: f32, height: f32, modules: &[u8]) {
        let mut cursor = x;
        for (i, m) in modules.iter().enumerate() {
            let w = f32::from(*m) * module;
            if i % 2 == 0 {
                self.rect(cursor, y, w, height);
            }
            cursor += w;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finnish_dates() {
        assert_eq!(fi_date(NaiveDate::from_ymd_opt(2010, 6, 12).unwrap()), "12.6.2010");
        assert_eq!(fi_date(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()), "31.12.2026");
    }

    #[test]
    fn fonts_cover_finnish_and_swedish_letters_and_the_euro_sign() {
        let fonts = Fonts::load().unwrap();
        for c in "äöåÄÖÅ€–".chars() {
            assert!(fonts.regular_face.glyph_index(c).is_some(), "{c}");
            assert!(fonts.bold_face.glyph_index(c).is_some(), "{c}");
        }
    }
}
