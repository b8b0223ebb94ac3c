//! The spend reports as PDF for the steering group, with the same library as the invoices
//! (krilla, Liberation Sans embedded, text searchable with `pdftotext`).
//!
//! Page 1 answers "where do we stand" at a glance: four key figures in large type (funds
//! in hand, burn rate, how long the money lasts, the term extension it buys), income, and
//! plan vs actual per category. Page 2 has the two charts, drawn as vector shapes: plan
//! vs actual by quarter as paired bars, and cumulative spend against the funds as lines.
//! Then the reimbursements per organisation and the ledger entries, reversals marked.

use crate::dissolution::DissolutionPreview;
use crate::draw::{A4_H as H, A4_W as W, BLACK, DrawError, Pages, Painter};
use crate::format::fi_date;
use crate::ledger::Expense;
use crate::report_rows::{ACTUAL_COLOUR, COMMITTED_COLOUR, CategoryTable, FUNDS_COLOUR, PLAN_COLOUR, payee_name};
use crate::spend_report::{AnnualStatement, QuarterlyReport, ReimbursementLine, TimelinePoint};
use lyhty_domain::{Cents, Lang, OrgId};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the report PDF could not be written: {0}")]
pub struct PdfReportError(String);

impl From<DrawError> for PdfReportError {
    fn from(e: DrawError) -> Self {
        Self(match e {
            DrawError::Font => "the embedded font could not be loaded".into(),
            DrawError::PageSize => "page size".into(),
            DrawError::Write(e) => e,
        })
    }
}

/// A report's pages, with "Lyhty – " before the title in the metadata (Finnish).
fn report_pages(title: &str) -> Result<Pages, PdfReportError> {
    Ok(Pages::new(format!("Lyhty – {title}"), "fi")?)
}

const M: f32 = 42.0;
const GREY: &str = "#666666";
const LIGHT: &str = "#DDDDDD";
const RED: &str = "#B00020";

/// The quarterly report.
pub fn quarterly_pdf(r: &QuarterlyReport, names: &HashMap<OrgId, String>) -> Result<Vec<u8>, PdfReportError> {
    let title = format!("Rahankäytön neljännesvuosiraportti Q{}/{}", r.quarter, r.year);
    let mut doc = report_pages(&title)?;
    doc.page(|p| {
        let mut y = header(
            p,
            &title,
            &format!(
                "Ajanjakso {}–{} · {}",
                fi_date(r.period_start),
                fi_date(r.period_end),
                plan_label(r.plan_version)
            ),
        );
        let runway = match (r.runway_months, r.projected_end) {
            (Some(m), Some(end)) => (format!("{} kk", one_decimal(m)), format!("{} asti", fi_date(end))),
            _ => ("–".to_string(), "ei vielä käyttöä".to_string()),
        };
        let extension = r.term_extension_months.map_or("–".to_string(), |m| format!("{m} kk"));
        let boxes = [
            ("Käytettävissä olevat varat", r.funds_available_cents.to_finnish(), "maksettu − käytetty".to_string()),
            ("Kulutusvauhti", r.burn_rate_cents_per_month.to_finnish(), "kuukaudessa".to_string()),
            ("Rahoitus riittää", runway.0, runway.1),
            ("Jatko sopimuskauden yli", extension, format!("kausi päättyy {}", fi_date(r.term_end))),
        ];
        y = key_figures(p, y, &boxes);
        y = income_block(
            p,
            y,
            &[
                ("Laskutettu", r.income.invoiced_cents),
                ("Maksettu", r.income.paid_cents),
                ("Avoinna", r.income.outstanding_cents),
                ("josta erääntynyt", r.income.overdue_cents),
                ("Sitoutunut rahoitus", r.committed_funding_cents),
                ("Rahoitusta jäljellä", r.remaining_funding_cents),
                ("Suunnitelmaa jäljellä", r.remaining_plan_cents),
                ("Käytetty yhteensä", r.totals.cumulative_actual_cents),
            ],
        );
        y += 8.0;
        p.text(M, y, 11.0, true, "Suunnitelma ja toteuma kustannuslajeittain", BLACK);
        y += 8.0;
        let head = ["Kustannuslaji", "Suunnitelma", "Toteuma", "Poikkeama", "Suunn. kum.", "Tot. kum.", "Poikk. kum."];
        let table = CategoryTable::quarterly(r);
        y = money_table(p, y, &head, &table.rows, Some(("Yhteensä", table.total)), &[3, 6]);
        p.text(
            M,
            y + 10.0,
            7.5,
            false,
            "Poikkeama = toteuma − suunnitelma; negatiivinen poikkeama = käytetty vähemmän kuin suunniteltu.",
            GREY,
        );
        footer(p, 1);
    });
    doc.page(|p| {
        let y = header(p, &title, "Kaaviot");
        let y = bar_chart(p, y + 6.0, "Suunnitelma ja toteuma neljännesvuosittain", &r.timeline);
        line_chart(p, y + 20.0, "Kumulatiivinen käyttö rahoitusta vasten", &r.timeline, r.committed_funding_cents);
        footer(p, 2);
    });
    let mut page = 3;
    doc.page(|p| {
        let y = header(p, &title, "Tuntikorvaukset kotiorganisaatioille");
        let y = reimbursement_table(p, y, &r.reimbursements);
        party_copy_note(p, y, r.party_copy);
        footer(p, page);
    });
    page += 1;
    entry_pages(&mut doc, &title, &r.entries, names, &mut page);
    Ok(doc.finish()?)
}

/// The annual project statement (§9.1).
pub fn annual_pdf(a: &AnnualStatement, names: &HashMap<OrgId, String>) -> Result<Vec<u8>, PdfReportError> {
    let title = format!("Hankelaskelma {}", a.year);
    let mut doc = report_pages(&title)?;
    doc.page(|p| {
        let mut y = header(
            p,
            &title,
            &format!("Lyhty-yhteistyöverkoston varojen käyttö 1.1.–31.12.{} · {}", a.year, plan_label(a.plan_version)),
        );
        let boxes = [
            ("Varat 1.1.", a.opening_funds_cents.to_finnish(), "maksettu − käytetty".to_string()),
            ("Tulot vuoden aikana", a.income.period_paid_cents.to_finnish(), "maksettu".to_string()),
            (
                "Käytetty vuoden aikana",
                a.spent_cents.to_finnish(),
                format!("suunnitelma {}", a.plan_cents.to_finnish()),
            ),
            ("Varat 31.12.", a.closing_funds_cents.to_finnish(), "siirtyy seuraavalle vuodelle".to_string()),
        ];
        y = key_figures(p, y, &boxes);
        y = income_block(
            p,
            y,
            &[
                ("Laskutettu vuoden aikana", a.income.period_invoiced_cents),
                ("Maksettu vuoden aikana", a.income.period_paid_cents),
                ("Avoinna 31.12.", a.income.outstanding_cents),
                ("Sitoutunut rahoitus", a.committed_funding_cents),
            ],
        );
        y += 8.0;
        let head = ["Kustannuslaji", "Suunnitelma", "Toteuma", "Poikkeama"];
        let table = CategoryTable::annual(a);
        money_table(p, y, &head, &table.rows, Some(("Yhteensä", table.total)), &[3]);
        footer(p, 1);
    });
    doc.page(|p| {
        let y = header(p, &title, "Kaaviot");
        let y = bar_chart(p, y + 6.0, "Suunnitelma ja toteuma neljännesvuosittain", &a.quarters);
        line_chart(p, y + 20.0, "Kumulatiivinen käyttö rahoitusta vasten", &a.quarters, a.committed_funding_cents);
        footer(p, 2);
    });
    doc.page(|p| {
        let y = header(p, &title, "Tuntikorvaukset kotiorganisaatioille");
        let y = reimbursement_table(p, y, &a.reimbursements);
        party_copy_note(p, y, a.party_copy);
        footer(p, 3);
    });
    let mut page = 4;
    entry_pages(&mut doc, &title, &a.entries, names, &mut page);
    Ok(doc.finish()?)
}

/// The dissolution preview on one page.
pub fn dissolution_pdf(d: &DissolutionPreview) -> Result<Vec<u8>, PdfReportError> {
    let title = "Palautuslaskelma yhteistyön rauetessa (§9)";
    let mut doc = report_pages(title)?;
    doc.page(|p| {
        let mut y = header(p, title, "Ennakkolaskelma ohjausryhmän päätöstä varten");
        let verdict = if d.refund { "Palautetaan" } else { "Ei palautusta" };
        let boxes = [
            (
                "Jäljellä alasajon jälkeen",
                d.remaining_cents.to_finnish(),
                format!("{} % alkuperäisestä", one_decimal(d.remaining_share * 100.0)),
            ),
            ("Raja", d.threshold_cents.to_finnish(), "20 % alkuperäisestä rahoituksesta".to_string()),
            (
                "Päätös säännön mukaan",
                verdict.to_string(),
                if d.refund { "yli 20 % jäljellä".into() } else { "enintään 20 % jäljellä".into() },
            ),
        ];
        y = key_figures(p, y, &boxes);
        y = income_block(
            p,
            y,
            &[
                ("Alkuperäinen rahoitus", d.original_funding_cents),
                ("Maksettu", d.paid_cents),
                ("Käytetty", d.spent_cents),
                ("Alasajon kustannus", d.wind_down_cents),
            ],
        );
        let rows: Vec<(String, Vec<Cents>)> =
            d.refunds.iter().map(|r| (party_label(r), vec![r.paid_cents, r.refund_cents])).collect();
        let total: Cents = d.refunds.iter().map(|r| r.refund_cents).sum();
        money_table(
            p,
            y + 8.0,
            &["Osapuoli", "Maksettu", "Palautus"],
            &rows,
            Some(("Yhteensä", vec![d.paid_cents, total])),
            &[],
        );
        footer(p, 1);
    });
    Ok(doc.finish()?)
}

/// A refund row's party, an expelled one marked so (§17: it gets nothing back).
fn party_label(r: &crate::dissolution::Refund) -> String {
    if r.expelled { format!("{} (erotettu, §17)", r.name) } else { r.name.clone() }
}

fn plan_label(v: Option<u32>) -> String {
    v.map_or("ei hyväksyttyä budjettisuunnitelmaa".into(), |v| format!("budjettisuunnitelman versio {v}"))
}

fn one_decimal(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

fn header(p: &mut Painter, title: &str, subtitle: &str) -> f32 {
    p.text(M, M + 6.0, 8.0, false, "LYHTY · ohjelmistolisenssiyhteistyöverkosto", GREY);
    p.text(M, M + 26.0, 16.0, true, title, BLACK);
    p.text(M, M + 42.0, 9.0, false, subtitle, GREY);
    p.rect(M, M + 50.0, W - 2.0 * M, 0.8, BLACK);
    M + 66.0
}

fn footer(p: &mut Painter, page: usize) {
    p.text_right(W - M, H - M + 14.0, 7.5, false, &format!("sivu {page}"), GREY);
}

/// Large figures in boxes across the page.
fn key_figures(p: &mut Painter, y: f32, boxes: &[(&str, String, String)]) -> f32 {
    let gap = 8.0;
    let n = boxes.len().max(1) as f32;
    let w = (W - 2.0 * M - gap * (n - 1.0)) / n;
    for (i, (label, value, note)) in boxes.iter().enumerate() {
        let x = M + i as f32 * (w + gap);
        p.rect(x, y, w, 62.0, "#EEF3F8");
        p.rect(x, y, 3.0, 62.0, ACTUAL_COLOUR);
        p.text(x + 9.0, y + 15.0, 8.0, false, label, GREY);
        let size = if p.width(value, 15.0, true) > w - 14.0 { 12.0 } else { 15.0 };
        let colour = if value.starts_with('-') { RED } else { BLACK };
        p.text(x + 9.0, y + 36.0, size, true, value, colour);
        p.text(x + 9.0, y + 52.0, 7.5, false, note, GREY);
    }
    y + 78.0
}

/// Label–amount pairs in two columns.
fn income_block(p: &mut Painter, y: f32, pairs: &[(&str, Cents)]) -> f32 {
    let col_w = (W - 2.0 * M) / 2.0;
    let rows = pairs.len().div_ceil(2);
    for (i, (label, value)) in pairs.iter().enumerate() {
        let (col, row) = (i / rows, i % rows);
        let x = M + col as f32 * col_w;
        let yy = y + row as f32 * 14.0;
        p.text(x, yy, 9.0, false, label, BLACK);
        p.text_right(x + col_w - 16.0, yy, 9.0, true, &value.to_finnish(), BLACK);
    }
    y + rows as f32 * 14.0 + 4.0
}

/// A table of a name column and amount columns; `signed` columns are variances, shown
/// red when over plan.
fn money_table(
    p: &mut Painter,
    mut y: f32,
    head: &[&str],
    rows: &[(String, Vec<Cents>)],
    total: Option<(&str, Vec<Cents>)>,
    signed: &[usize],
) -> f32 {
    let name_w = if head.len() > 4 { 150.0 } else { 250.0 };
    let cols = head.len().saturating_sub(1).max(1) as f32;
    let col_w = (W - 2.0 * M - name_w) / cols;
    y += 12.0;
    p.rect(M, y - 10.0, W - 2.0 * M, 14.0, "#DDE6EF");
    p.text(M + 3.0, y, 8.0, true, head[0], BLACK);
    for (i, h) in head.iter().enumerate().skip(1) {
        p.text_right(M + name_w + i as f32 * col_w - 3.0, y, 8.0, true, h, BLACK);
    }
    y += 14.0;
    let draw = |p: &mut Painter, y: f32, name: &str, values: &[Cents], bold: bool| {
        p.text(M + 3.0, y, 8.5, bold, &p.fit(name, 8.5, bold, name_w - 6.0), BLACK);
        for (i, v) in values.iter().enumerate() {
            let colour = if signed.contains(&(i + 1)) && v.0 > 0 { RED } else { BLACK };
            p.text_right(M + name_w + (i + 1) as f32 * col_w - 3.0, y, 8.5, bold, &v.to_finnish(), colour);
        }
    };
    for (name, values) in rows {
        draw(p, y, name, values, false);
        p.rect(M, y + 4.0, W - 2.0 * M, 0.3, LIGHT);
        y += 14.0;
    }
    if let Some((name, values)) = total {
        p.rect(M, y - 9.0, W - 2.0 * M, 0.8, BLACK);
        draw(p, y + 2.0, name, &values, true);
        y += 16.0;
    }
    y
}

/// In a party's copy, says that the other parties' reimbursements and entries are left out.
fn party_copy_note(p: &mut Painter, y: f32, party_copy: bool) {
    if party_copy {
        p.text(M, y + 10.0, 7.5, false, crate::report_rows::PARTY_COPY_NOTE, GREY);
    }
}

fn reimbursement_table(p: &mut Painter, y: f32, lines: &[ReimbursementLine]) -> f32 {
    if lines.is_empty() {
        p.text(M, y + 12.0, 9.0, false, "Ei tuntikorvauksia.", GREY);
        return y + 20.0;
    }
    let head = ["Kotiorganisaatio", "Tunnit", "Korvaus", "Tunnit kum.", "Korvaus kum."];
    let name_w = 200.0;
    let col_w = (W - 2.0 * M - name_w) / 4.0;
    let mut y = y + 12.0;
    p.rect(M, y - 10.0, W - 2.0 * M, 14.0, "#DDE6EF");
    p.text(M + 3.0, y, 8.0, true, head[0], BLACK);
    for (i, h) in head.iter().enumerate().skip(1) {
        p.text_right(M + name_w + i as f32 * col_w - 3.0, y, 8.0, true, h, BLACK);
    }
    y += 14.0;
    for l in lines {
        p.text(M + 3.0, y, 8.5, false, &p.fit(&l.name, 8.5, false, name_w - 6.0), BLACK);
        let cells = [
            format!("{} h", l.hours.to_finnish()),
            l.amount_cents.to_finnish(),
            format!("{} h", l.cumulative_hours.to_finnish()),
            l.cumulative_amount_cents.to_finnish(),
        ];
        for (i, c) in cells.iter().enumerate() {
            p.text_right(M + name_w + (i + 1) as f32 * col_w - 3.0, y, 8.5, false, c, BLACK);
        }
        y += 14.0;
    }
    y
}

fn entry_pages(doc: &mut Pages, title: &str, entries: &[Expense], names: &HashMap<OrgId, String>, page: &mut usize) {
    const PER_PAGE: usize = 44;
    let chunks: Vec<&[Expense]> = if entries.is_empty() { vec![&[]] } else { entries.chunks(PER_PAGE).collect() };
    for chunk in chunks {
        let n = *page;
        doc.page(|p| {
            let mut y = header(p, title, "Kirjanpidon kirjaukset (oikaisut merkitty)");
            if chunk.is_empty() {
                p.text(M, y + 12.0, 9.0, false, "Ei kirjauksia tällä kaudella.", GREY);
            }
            // Date, category, description and payee, hours, amount.
            let xs = [M, M + 48.0, M + 150.0, M + 330.0, W - M - 70.0, W - M];
            y += 12.0;
            p.rect(M, y - 10.0, W - 2.0 * M, 14.0, "#DDE6EF");
            for (x, h) in xs.iter().zip(["Päivä", "Laji", "Kuvaus", "Saaja"]) {
                p.text(x + 2.0, y, 8.0, true, h, BLACK);
            }
            p.text_right(xs[4], y, 8.0, true, "Tunnit", BLACK);
            p.text_right(xs[5], y, 8.0, true, "Summa", BLACK);
            y += 14.0;
            for e in chunk {
                let colour = if e.reverses.is_some() { RED } else { BLACK };
                p.text(xs[0] + 2.0, y, 7.5, false, &fi_date(e.date), colour);
                p.text(xs[1] + 2.0, y, 7.5, false, &p.fit(e.category.label(Lang::Fi), 7.5, false, 98.0), colour);
                p.text(xs[2] + 2.0, y, 7.5, false, &p.fit(&e.description, 7.5, false, 176.0), colour);
                p.text(xs[3] + 2.0, y, 7.5, false, &p.fit(&payee_name(e, names), 7.5, false, 100.0), colour);
                if let Some(h) = e.hours {
                    p.text_right(xs[4], y, 7.5, false, &h.to_finnish(), colour);
                }
                p.text_right(xs[5], y, 7.5, false, &e.amount_cents.to_finnish(), colour);
                p.rect(M, y + 3.5, W - 2.0 * M, 0.3, LIGHT);
                y += 14.0;
            }
            footer(p, n);
        });
        *page += 1;
    }
}

/// Chart area: the plot rectangle and the value scale, shared by both charts.
struct Plot {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    max: i64,
}

impl Plot {
    fn y_of(&self, v: i64) -> f32 {
        self.y + self.h - (v.max(0) as f32 / self.max as f32) * self.h
    }
}

/// A "nice" axis maximum (1, 2 or 5 × 10ⁿ euros) at or above `max` cents, and its step.
fn nice_scale(max_cents: i64) -> (i64, i64) {
    let max_eur = (max_cents.max(100) as f64) / 100.0;
    let raw_step = max_eur / 5.0;
    let mag = 10f64.powf(raw_step.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw_step).unwrap_or(10.0 * mag);
    let top = (max_eur / step).ceil() * step;
    ((top * 100.0) as i64, (step * 100.0) as i64)
}

fn axis_label(cents: i64) -> String {
    let eur = cents / 100;
    if eur >= 1_000_000 && eur % 100_000 == 0 {
        format!("{} M€", one_decimal(eur as f64 / 1_000_000.0).trim_end_matches(",0"))
    } else if eur >= 1000 {
        format!("{} k€", eur / 1000)
    } else {
        format!("{eur} €")
    }
}

fn axes(p: &mut Painter, top: f32, title: &str, points: &[TimelinePoint], max: i64) -> Plot {
    p.text(M, top, 11.0, true, title, BLACK);
    let (max, step) = nice_scale(max);
    let plot = Plot { x: M + 52.0, y: top + 16.0, w: W - 2.0 * M - 56.0, h: 230.0, max: max.max(1) };
    let mut v = 0;
    while v <= max {
        let y = plot.y_of(v);
        p.rect(plot.x, y, plot.w, 0.4, LIGHT);
        p.text_right(plot.x - 5.0, y + 3.0, 7.5, false, &axis_label(v), GREY);
        v += step.max(1);
    }
    let n = points.len().max(1) as f32;
    for (i, pt) in points.iter().enumerate() {
        let cx = plot.x + plot.w * (i as f32 + 0.5) / n;
        let label = pt.label();
        let w = p.width(&label, 8.0, false);
        p.text(cx - w / 2.0, plot.y + plot.h + 12.0, 8.0, false, &label, BLACK);
    }
    p.rect(plot.x, plot.y + plot.h, plot.w, 0.8, BLACK);
    plot
}

fn legend(p: &mut Painter, x: f32, y: f32, items: &[(&str, &str)]) {
    let mut x = x;
    for (label, colour) in items {
        p.rect(x, y - 7.0, 10.0, 8.0, colour);
        p.text(x + 14.0, y, 8.0, false, label, BLACK);
        x += 24.0 + p.width(label, 8.0, false);
    }
}

/// Paired bars per quarter: planned (light) and actual (dark), the actual's value above it.
fn bar_chart(p: &mut Painter, top: f32, title: &str, points: &[TimelinePoint]) -> f32 {
    let max = points.iter().map(|t| t.plan_cents.0.max(t.actual_cents.map_or(0, |a| a.0))).max().unwrap_or(0);
    let plot = axes(p, top, title, points, max);
    let n = points.len().max(1) as f32;
    let slot = plot.w / n;
    let bar = (slot * 0.32).min(34.0);
    for (i, t) in points.iter().enumerate() {
        let cx = plot.x + slot * (i as f32 + 0.5);
        let py = plot.y_of(t.plan_cents.0);
        p.rect(cx - bar - 1.0, py, bar, plot.y + plot.h - py, PLAN_COLOUR);
        if let Some(a) = t.actual_cents {
            let ay = plot.y_of(a.0);
            p.rect(cx + 1.0, ay, bar, plot.y + plot.h - ay, ACTUAL_COLOUR);
            let label = axis_label(a.0.max(0));
            let w = p.width(&label, 7.0, true);
            p.text(cx + 1.0 + bar / 2.0 - w / 2.0, ay - 3.0, 7.0, true, &label, ACTUAL_COLOUR);
        }
    }
    legend(p, plot.x, plot.y + plot.h + 28.0, &[("Suunnitelma", PLAN_COLOUR), ("Toteuma", ACTUAL_COLOUR)]);
    plot.y + plot.h + 34.0
}

/// Cumulative plan, cumulative spend and money received against the committed funding.
fn line_chart(p: &mut Painter, top: f32, title: &str, points: &[TimelinePoint], committed: Cents) -> f32 {
    let max = points
        .iter()
        .map(|t| {
            t.cumulative_plan_cents
                .0
                .max(t.cumulative_actual_cents.map_or(0, |c| c.0))
                .max(t.cumulative_paid_cents.map_or(0, |c| c.0))
        })
        .max()
        .unwrap_or(0)
        .max(committed.0);
    let plot = axes(p, top, title, points, max);
    let n = points.len().max(1) as f32;
    let x_of = |i: usize| plot.x + plot.w * (i as f32 + 0.5) / n;
    let cy = plot.y_of(committed.0);
    p.line(&[(plot.x, cy), (plot.x + plot.w, cy)], 1.2, COMMITTED_COLOUR);
    let series: [(Vec<Option<i64>>, &str); 3] = [
        (points.iter().map(|t| Some(t.cumulative_plan_cents.0)).collect(), PLAN_COLOUR),
        (points.iter().map(|t| t.cumulative_paid_cents.map(|c| c.0)).collect(), FUNDS_COLOUR),
        (points.iter().map(|t| t.cumulative_actual_cents.map(|c| c.0)).collect(), ACTUAL_COLOUR),
    ];
    for (values, colour) in &series {
        let pts: Vec<(f32, f32)> =
            values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (x_of(i), plot.y_of(v)))).collect();
        p.line(&pts, 2.2, colour);
        for (x, y) in &pts {
            p.rect(x - 2.2, y - 2.2, 4.4, 4.4, colour);
        }
    }
    legend(
        p,
        plot.x,
        plot.y + plot.h + 28.0,
        &[
            ("Suunnitelma kum.", PLAN_COLOUR),
            ("Käytetty kum.", ACTUAL_COLOUR),
            ("Maksetut tulot kum.", FUNDS_COLOUR),
            ("Sitoutunut rahoitus", COMMITTED_COLOUR),
        ],
    );
    plot.y + plot.h + 34.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_scales_are_round_numbers() {
        assert_eq!(nice_scale(30_000_000), (30_000_000, 10_000_000), "300 000 € in steps of 100 000 €");
        assert_eq!(nice_scale(75_500_000), (80_000_000, 20_000_000));
        assert_eq!(nice_scale(0), (100, 20));
        assert_eq!(axis_label(150_000_000), "1,5 M€");
        assert_eq!(axis_label(5_000_000), "50 k€");
    }
}
