//! The spend reports as workbooks (rust_xlsxwriter), for the steering group's own
//! spreadsheets: the figures as numbers with euro formats, and native charts (plan vs
//! actual by quarter, cumulative spend against the funds) that LibreOffice and Excel draw
//! themselves.
//!
//! Amounts are written in euros (cents ÷ 100), formatted to two decimals; the JSON
//! report is the exact record, the workbook a view of it. Labels are Finnish.

use crate::dissolution::DissolutionPreview;
use crate::format::fi_date;
use crate::ledger::Expense;
use crate::report_rows::{ACTUAL_COLOUR, COMMITTED_COLOUR, CategoryTable, FUNDS_COLOUR, PLAN_COLOUR, payee_name};
use crate::spend_report::{AnnualStatement, QuarterlyReport, ReimbursementLine, TimelinePoint};
use lyhty_domain::{Cents, Lang, OrgId};
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartSolidFill, ChartType, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};
use std::collections::HashMap;

/// The workbook could not be written (a bug, never bad input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the workbook could not be written: {0}")]
pub struct XlsxReportError(String);

impl From<XlsxError> for XlsxReportError {
    fn from(e: XlsxError) -> Self {
        Self(e.to_string())
    }
}

struct Styles {
    title: Format,
    bold: Format,
    header: Format,
    euro: Format,
    euro_bold: Format,
    hours: Format,
    text: Format,
}

impl Styles {
    fn new() -> Self {
        let euro = "# ##0.00 \"€\";-# ##0.00 \"€\"";
        Self {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            header: Format::new().set_bold().set_background_color("#DDE6EF").set_text_wrap(),
            euro: Format::new().set_num_format(euro),
            euro_bold: Format::new().set_bold().set_num_format(euro),
            hours: Format::new().set_num_format("0.##").set_align(FormatAlign::Right),
            text: Format::new().set_text_wrap(),
        }
    }
}

fn eur(c: Cents) -> f64 {
    c.0 as f64 / 100.0
}

/// The quarterly report: summary with the charts, the timeline behind them,
/// reimbursements and the quarter's ledger entries.
pub fn quarterly_xlsx(r: &QuarterlyReport, names: &HashMap<OrgId, String>) -> Result<Vec<u8>, XlsxReportError> {
    let s = Styles::new();
    let mut wb = Workbook::new();
    let title = format!("Lyhty – rahankäytön neljännesvuosiraportti Q{}/{}", r.quarter, r.year);
    {
        let ws = wb.add_worksheet();
        ws.set_name("Yhteenveto")?;
        // One page wide when printed, as the steering group's meeting papers are.
        ws.set_landscape().set_print_fit_to_pages(1, 0);
        ws.set_column_width(0, 34)?;
        for col in 1..=6 {
            ws.set_column_width(col, 16)?;
        }
        ws.write_string_with_format(0, 0, &title, &s.title)?;
        ws.write_string(1, 0, format!("Ajanjakso {}–{}", fi_date(r.period_start), fi_date(r.period_end)))?;
        ws.write_string(
            2,
            0,
            match r.plan_version {
                Some(v) => format!("Budjettisuunnitelman versio {v}"),
                None => "Budjettisuunnitelmaa ei ole hyväksytty".into(),
            },
        )?;
        let mut row = 4;
        let figures: [(&str, Cents); 10] = [
            ("Laskutettu yhteensä", r.income.invoiced_cents),
            ("Maksettu yhteensä", r.income.paid_cents),
            ("Avoinna", r.income.outstanding_cents),
            ("josta erääntynyt", r.income.overdue_cents),
            ("Käytetty yhteensä", r.totals.cumulative_actual_cents),
            ("Käytettävissä olevat varat", r.funds_available_cents),
            ("Sitoutunut rahoitus", r.committed_funding_cents),
            ("Rahoitusta jäljellä", r.remaining_funding_cents),
            ("Suunnitelmaa jäljellä", r.remaining_plan_cents),
            ("Kulutusvauhti / kk", r.burn_rate_cents_per_month),
        ];
        for (label, value) in figures {
            ws.write_string(row, 0, label)?;
            ws.write_number_with_format(row, 1, eur(value), &s.euro)?;
            row += 1;
        }
        ws.write_string(row, 0, "Rahoitus riittää (kk)")?;
        match r.runway_months {
            Some(m) => ws.write_number(row, 1, m)?,
            None => ws.write_string(row, 1, "–")?,
        };
        row += 1;
        ws.write_string(row, 0, "Rahoitus riittää tähän asti")?;
        ws.write_string(row, 1, r.projected_end.map_or("–".into(), fi_date))?;
        row += 1;
        ws.write_string(row, 0, "Kauden jatko sopimuskauden jälkeen (kk)")?;
        ws.write_number(row, 1, f64::from(r.term_extension_months.unwrap_or(0)))?;
        row += 2;

        let headers = [
            "Kustannuslaji",
            "Suunnitelma",
            "Toteuma",
            "Poikkeama",
            "Suunnitelma kumulatiivinen",
            "Toteuma kumulatiivinen",
            "Poikkeama kumulatiivinen",
        ];
        row = category_table(ws, &s, row, &headers, &CategoryTable::quarterly(r))? + 1;
        write_charts(ws, "Aikasarja", r.timeline.len(), row)?;
    }
    timeline_sheet(wb.add_worksheet(), &s, &r.timeline, r.committed_funding_cents)?;
    reimbursement_sheet(wb.add_worksheet(), &s, &r.reimbursements, r.party_copy)?;
    entries_sheet(wb.add_worksheet(), &s, &r.entries, names)?;
    Ok(wb.save_to_buffer()?)
}

/// The annual project statement.
pub fn annual_xlsx(a: &AnnualStatement, names: &HashMap<OrgId, String>) -> Result<Vec<u8>, XlsxReportError> {
    let s = Styles::new();
    let mut wb = Workbook::new();
    {
        let ws = wb.add_worksheet();
        ws.set_name("Hankelaskelma")?;
        ws.set_print_fit_to_pages(1, 0);
        ws.set_column_width(0, 34)?;
        for col in 1..=3 {
            ws.set_column_width(col, 16)?;
        }
        ws.write_string_with_format(0, 0, format!("Lyhty – hankelaskelma {}", a.year), &s.title)?;
        let mut row = 2;
        let figures: [(&str, Cents); 6] = [
            ("Varat 1.1.", a.opening_funds_cents),
            ("Laskutettu vuoden aikana", a.income.period_invoiced_cents),
            ("Maksettu vuoden aikana", a.income.period_paid_cents),
            ("Käytetty vuoden aikana", a.spent_cents),
            ("Varat 31.12.", a.closing_funds_cents),
            ("Avoinna 31.12.", a.income.outstanding_cents),
        ];
        for (label, value) in figures {
            ws.write_string(row, 0, label)?;
            ws.write_number_with_format(row, 1, eur(value), &s.euro)?;
            row += 1;
        }
        row += 1;
        let headers = ["Kustannuslaji", "Suunnitelma", "Toteuma", "Poikkeama"];
        row = category_table(ws, &s, row, &headers, &CategoryTable::annual(a))? + 1;
        write_charts(ws, "Aikasarja", a.quarters.len(), row)?;
    }
    timeline_sheet(wb.add_worksheet(), &s, &a.quarters, a.committed_funding_cents)?;
    reimbursement_sheet(wb.add_worksheet(), &s, &a.reimbursements, a.party_copy)?;
    entries_sheet(wb.add_worksheet(), &s, &a.entries, names)?;
    Ok(wb.save_to_buffer()?)
}

/// The dissolution preview: the rule's figures and each party's refund.
pub fn dissolution_xlsx(p: &DissolutionPreview) -> Result<Vec<u8>, XlsxReportError> {
    let s = Styles::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Purkautuminen")?;
    ws.set_column_width(0, 40)?;
    ws.set_column_width(1, 18)?;
    ws.set_column_width(2, 18)?;
    ws.write_string_with_format(0, 0, "Lyhty – palautuslaskelma yhteistyön rauetessa (§9)", &s.title)?;
    let figures: [(&str, Cents); 6] = [
        ("Alkuperäinen rahoitus", p.original_funding_cents),
        ("Maksettu", p.paid_cents),
        ("Käytetty", p.spent_cents),
        ("Alasajon kustannus", p.wind_down_cents),
        ("Jäljellä", p.remaining_cents),
        ("Raja (20 % alkuperäisestä)", p.threshold_cents),
    ];
    let mut row = 2;
    for (label, value) in figures {
        ws.write_string(row, 0, label)?;
        ws.write_number_with_format(row, 1, eur(value), &s.euro)?;
        row += 1;
    }
    ws.write_string(row, 0, "Palautus maksetaan")?;
    ws.write_string(row, 1, if p.refund { "kyllä" } else { "ei" })?;
    row += 2;
    for (col, h) in ["Osapuoli", "Maksettu", "Palautus"].iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *h, &s.header)?;
    }
    row += 1;
    for r in &p.refunds {
        // An expelled party gets nothing back (§17).
        let name = if r.expelled { format!("{} (erotettu, §17)", r.name) } else { r.name.clone() };
        ws.write_string(row, 0, &name)?;
        ws.write_number_with_format(row, 1, eur(r.paid_cents), &s.euro)?;
        ws.write_number_with_format(row, 2, eur(r.refund_cents), &s.euro)?;
        row += 1;
    }
    Ok(wb.save_to_buffer()?)
}

/// The plan-vs-actual table from `row` down: headings, a row per category, the total.
/// Returns the row after the total.
fn category_table(
    ws: &mut Worksheet,
    s: &Styles,
    mut row: u32,
    headers: &[&str],
    table: &CategoryTable,
) -> Result<u32, XlsxError> {
    for (col, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *h, &s.header)?;
    }
    row += 1;
    for (name, values) in &table.rows {
        ws.write_string(row, 0, name)?;
        for (i, v) in values.iter().enumerate() {
            ws.write_number_with_format(row, i as u16 + 1, eur(*v), &s.euro)?;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 0, "Yhteensä", &s.bold)?;
    for (i, v) in table.total.iter().enumerate() {
        ws.write_number_with_format(row, i as u16 + 1, eur(*v), &s.euro_bold)?;
    }
    Ok(row + 1)
}

fn timeline_sheet(ws: &mut Worksheet, s: &Styles, points: &[TimelinePoint], committed: Cents) -> Result<(), XlsxError> {
    ws.set_name("Aikasarja")?;
    ws.set_column_width(0, 12)?;
    let headers = [
        "Neljännes",
        "Suunnitelma",
        "Toteuma",
        "Suunnitelma kumulatiivinen",
        "Käytetty kumulatiivinen",
        "Maksetut tulot kumulatiivinen",
        "Sitoutunut rahoitus",
    ];
    for (col, h) in headers.iter().enumerate() {
        ws.set_column_width(col as u16 + 1, 16)?;
        ws.write_string_with_format(0, col as u16, *h, &s.header)?;
    }
    for (i, p) in points.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, p.label())?;
        ws.write_number_with_format(row, 1, eur(p.plan_cents), &s.euro)?;
        // Quarters still ahead are left blank, so the charts' lines stop at the report.
        for (col, v) in [(2, p.actual_cents), (4, p.cumulative_actual_cents), (5, p.cumulative_paid_cents)] {
            if let Some(v) = v {
                ws.write_number_with_format(row, col, eur(v), &s.euro)?;
            }
        }
        ws.write_number_with_format(row, 3, eur(p.cumulative_plan_cents), &s.euro)?;
        ws.write_number_with_format(row, 6, eur(committed), &s.euro)?;
    }
    Ok(())
}

fn series_format(colour: &str, line: bool) -> ChartFormat {
    let mut f = ChartFormat::new();
    if line {
        f.set_line(ChartLine::new().set_color(colour).set_width(2.25));
    } else {
        f.set_solid_fill(ChartSolidFill::new().set_color(colour));
    }
    f
}

/// Two charts under the summary, drawn from the timeline sheet's columns.
fn write_charts(ws: &mut Worksheet, sheet: &str, points: usize, row: u32) -> Result<(), XlsxError> {
    let last = points.max(1) as u32;
    let mut bars = Chart::new(ChartType::Column);
    bars.title().set_name("Suunnitelma ja toteuma neljännesvuosittain (€)");
    for (col, colour) in [(1u16, PLAN_COLOUR), (2, ACTUAL_COLOUR)] {
        bars.add_series()
            .set_name((sheet, 0, col))
            .set_categories((sheet, 1, 0, last, 0))
            .set_values((sheet, 1, col, last, col))
            .set_format(&mut series_format(colour, false));
    }
    bars.y_axis().set_num_format("# ##0 €");
    bars.set_width(640).set_height(320);
    ws.insert_chart(row, 0, &bars)?;

    let mut lines = Chart::new(ChartType::Line);
    lines.title().set_name("Kumulatiivinen käyttö ja varat (€)");
    for (col, colour) in [(3u16, PLAN_COLOUR), (4, ACTUAL_COLOUR), (5, FUNDS_COLOUR), (6, COMMITTED_COLOUR)] {
        lines
            .add_series()
            .set_name((sheet, 0, col))
            .set_categories((sheet, 1, 0, last, 0))
            .set_values((sheet, 1, col, last, col))
            .set_format(&mut series_format(colour, true));
    }
    lines.y_axis().set_num_format("# ##0 €");
    lines.set_width(640).set_height(320);
    ws.insert_chart(row + 17, 0, &lines)?;
    Ok(())
}

fn reimbursement_sheet(
    ws: &mut Worksheet,
    s: &Styles,
    lines: &[ReimbursementLine],
    party_copy: bool,
) -> Result<(), XlsxError> {
    ws.set_name("Tuntikorvaukset")?;
    ws.set_column_width(0, 40)?;
    let headers = ["Kotiorganisaatio", "Tunnit", "Korvaus", "Tunnit kumulatiivinen", "Korvaus kumulatiivinen"];
    for (col, h) in headers.iter().enumerate() {
        if col > 0 {
            ws.set_column_width(col as u16, 16)?;
        }
        ws.write_string_with_format(0, col as u16, *h, &s.header)?;
    }
    for (i, l) in lines.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &l.name)?;
        ws.write_number_with_format(row, 1, l.hours.as_f64(), &s.hours)?;
        ws.write_number_with_format(row, 2, eur(l.amount_cents), &s.euro)?;
        ws.write_number_with_format(row, 3, l.cumulative_hours.as_f64(), &s.hours)?;
        ws.write_number_with_format(row, 4, eur(l.cumulative_amount_cents), &s.euro)?;
    }
    if party_copy {
        ws.write_string(lines.len() as u32 + 2, 0, crate::report_rows::PARTY_COPY_NOTE)?;
    }
    Ok(())
}

fn entries_sheet(
    ws: &mut Worksheet,
    s: &Styles,
    entries: &[Expense],
    names: &HashMap<OrgId, String>,
) -> Result<(), XlsxError> {
    ws.set_name("Kirjaukset")?;
    let headers = ["Päivä", "Kustannuslaji", "Kuvaus", "Saaja", "Tunnit", "Tuntihinta", "Summa", "Tosite", "Oikaisu"];
    let widths = [11.0, 26.0, 44.0, 30.0, 9.0, 12.0, 14.0, 16.0, 10.0];
    for (col, (h, w)) in headers.iter().zip(widths).enumerate() {
        ws.set_column_width(col as u16, w)?;
        ws.write_string_with_format(0, col as u16, *h, &s.header)?;
    }
    for (i, e) in entries.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, fi_date(e.date))?;
        ws.write_string(row, 1, e.category.label(Lang::Fi))?;
        ws.write_string_with_format(row, 2, &e.description, &s.text)?;
        ws.write_string(row, 3, payee_name(e, names))?;
        if let Some(h) = e.hours {
            ws.write_number_with_format(row, 4, h.as_f64(), &s.hours)?;
        }
        if let Some(rate) = e.rate_cents {
            ws.write_number_with_format(row, 5, eur(rate), &s.euro)?;
        }
        ws.write_number_with_format(row, 6, eur(e.amount_cents), &s.euro)?;
        ws.write_string(row, 7, e.document_ref.as_deref().unwrap_or(""))?;
        ws.write_string(row, 8, if e.reverses.is_some() { "oikaisu" } else { "" })?;
    }
    Ok(())
}
