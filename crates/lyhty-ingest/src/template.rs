//! The submission template: a workbook (header row, drop-down lists for every enumeration,
//! an instructions sheet, two example rows) and a CSV version. Whatever the template says is
//! exactly what the reader takes back (a test reads the template with zero errors).

use crate::headers::{Field, Need};
use lyhty_domain::Lang;
use lyhty_domain::licence::{Channel, ContractType, LicenceType, Metric, PricePeriod, ProductCategory, Renewal};
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, Formula, Workbook, XlsxError};

/// Writing the template failed (a defect, not bad input).
#[derive(Debug, thiserror::Error)]
#[error("could not write the template: {0}")]
pub struct TemplateError(#[from] XlsxError);

/// Rows of the data sheet that get drop-down lists.
const LIST_ROWS: u32 = 5_000;

fn sheet_names(lang: Lang) -> (&'static str, &'static str, &'static str) {
    match lang {
        Lang::Fi => ("Lisenssit", "Ohjeet", "Listat"),
        Lang::Sv => ("Licenser", "Anvisningar", "Listor"),
        Lang::En => ("Licences", "Instructions", "Lists"),
    }
}

/// The header of a column in the template: its name, with ` *` when required.
fn header(f: Field, lang: Lang) -> String {
    match f.need() {
        Need::Required => format!("{} *", f.name(lang)),
        _ => f.name(lang).to_owned(),
    }
}

/// The labels an enumeration column offers, or `None` for a free column.
fn choices(f: Field, lang: Lang) -> Option<Vec<&'static str>> {
    fn labels<T: Copy>(all: &[T], label: fn(T, Lang) -> &'static str, lang: Lang) -> Vec<&'static str> {
        all.iter().map(|v| label(*v, lang)).collect()
    }
    Some(match f {
        Field::ProductCategory => labels(ProductCategory::ALL, ProductCategory::label, lang),
        Field::LicenceType => labels(LicenceType::ALL, LicenceType::label, lang),
        Field::Metric => labels(Metric::ALL, Metric::label, lang),
        Field::PricePeriod => labels(PricePeriod::ALL, PricePeriod::label, lang),
        Field::ContractType => labels(ContractType::ALL, ContractType::label, lang),
        Field::Renewal => labels(Renewal::ALL, Renewal::label, lang),
        Field::Channel => labels(Channel::ALL, Channel::label, lang),
        Field::Currency => vec!["EUR"],
        _ => return None,
    })
}

/// A value of an example row.
enum V {
    T(String),
    N(f64),
    D(u16, u8, u8),
    Blank,
}

/// The two example rows, by field.
fn example(row: usize, f: Field, lang: Lang) -> V {
    use V::*;
    let t = |s: &str| T(s.to_owned());
    match (row, f) {
        (0, Field::Vendor) => t("Microsoft"),
        (0, Field::Product) => t("Microsoft 365 E3"),
        (0, Field::Sku) => t("AAD-33204"),
        (0, Field::ProductCategory) => t(ProductCategory::OfficeCollaboration.label(lang)),
        (0, Field::LicenceType) => t(LicenceType::EndUser.label(lang)),
        (0, Field::Metric) => t(Metric::NamedUser.label(lang)),
        (0, Field::Quantity) => N(1200.0),
        (0, Field::UnitPrice) => N(396.0),
        (0, Field::PricePeriod) => t(PricePeriod::Annual.label(lang)),
        (0, Field::ContractType) => t(ContractType::EnterpriseAgreement.label(lang)),
        (0, Field::ContractId) => t("EA-8812345"),
        (0, Field::ContractStart) => D(2024, 7, 1),
        (0, Field::ContractEnd) => D(2027, 6, 30),
        (0, Field::ReviewDate) => D(2026, 6, 1),
        (0, Field::NoticeMonths) => N(3.0),
        (0, Field::Renewal) => t(Renewal::Manual.label(lang)),
        (0, Field::Channel) => t(Channel::Reseller.label(lang)),
        (0, Field::Reseller) => t("Crayon Oy"),
        (0, Field::InUse) => N(1150.0),
        (1, Field::Vendor) => t("Esri Finland Oy"),
        (1, Field::Product) => t("ArcGIS Enterprise Standard"),
        (1, Field::ProductCategory) => t(ProductCategory::Gis.label(lang)),
        (1, Field::LicenceType) => t(LicenceType::Server.label(lang)),
        (1, Field::Metric) => t(Metric::Core.label(lang)),
        (1, Field::Quantity) => N(8.0),
        (1, Field::UnitPrice) => N(4625.0),
        (1, Field::PricePeriod) => t(PricePeriod::Annual.label(lang)),
        (1, Field::AnnualCost) => N(37000.0),
        (1, Field::ContractType) => t(ContractType::PerpetualMaintenance.label(lang)),
        (1, Field::ContractStart) => D(2023, 1, 1),
        (1, Field::ContractEnd) => D(2026, 12, 31),
        (1, Field::NoticeMonths) => N(6.0),
        (1, Field::Renewal) => t(Renewal::Automatic.label(lang)),
        (1, Field::Channel) => t(Channel::Direct.label(lang)),
        (_, Field::Currency) => t("EUR"),
        (_, Field::ContactName) => t("Liisa Lisenssi"),
        (_, Field::ContactEmail) => t("liisa.lisenssi@example.fi"),
        _ => Blank,
    }
}

fn instructions(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fi => &[
            "Lisenssi-inventaarion mallipohja",
            "Yksi rivi kutakin lisenssiä (tuotetta ja sopimusta) kohden. Tähdellä (*) merkityt sarakkeet ovat pakollisia.",
            "Hinnat euroina ilman arvonlisäveroa, esim. 1 234,56. Määrä voi olla arvio, esim. \"n. 1200\".",
            "Päivämäärät muodossa 31.12.2026; pelkkä kuukausi (12/2026) tarkoittaa kuun viimeistä päivää.",
            "Vuosikustannus lasketaan määrästä, yksikköhinnasta ja hintajaksosta, jos sitä ei anneta.",
            "Valintalistojen arvot näkyvät alla; myös ruotsin- ja englanninkieliset nimet käyvät.",
            "Tiedot ovat luottamuksellisia (sopimus §11.1, §14): niistä julkaistaan vain yhteenvetoja.",
        ],
        Lang::Sv => &[
            "Mall för licensinventering",
            "En rad per licens (produkt och avtal). Kolumner märkta med asterisk (*) är obligatoriska.",
            "Priser i euro utan moms, t.ex. 1 234,56. Antalet kan vara en uppskattning, t.ex. \"ca 1200\".",
            "Datum i formen 31.12.2026; enbart månad (12/2026) betyder månadens sista dag.",
            "Årskostnaden räknas från antal, enhetspris och prisperiod om den inte anges.",
            "Värdena i listorna visas nedan; även finska och engelska namn godtas.",
            "Uppgifterna är konfidentiella (avtalet §11.1, §14): endast sammanfattningar publiceras.",
        ],
        Lang::En => &[
            "Licence inventory template",
            "One row per licence (product and contract). Columns marked with an asterisk (*) are required.",
            "Prices in euros excluding VAT, e.g. 1 234,56 or 1234.56. The quantity may be approximate, e.g. \"ca 1200\".",
            "Dates as 31.12.2026 or 2026-12-31; a month alone (12/2026) means its last day.",
            "The annual cost is derived from quantity, unit price and price period when not given.",
            "The values of the drop-down lists are shown below; Finnish and Swedish names are accepted too.",
            "The data is confidential (agreement §11.1, §14): only summaries are published.",
        ],
    }
}

/// The template workbook in `lang`.
pub fn template_xlsx(lang: Lang) -> Result<Vec<u8>, TemplateError> {
    let (data_name, help_name, lists_name) = sheet_names(lang);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    let date = Format::new().set_num_format("d.m.yyyy");
    let money = Format::new().set_num_format("#,##0.00");

    // Lists first (referenced by the data validations), hidden.
    let lists: Vec<(Field, Vec<&'static str>)> =
        Field::ALL.iter().filter_map(|&f| choices(f, lang).map(|c| (f, c))).collect();
    {
        let ws = wb.add_worksheet();
        ws.set_name(lists_name)?;
        for (col, (f, values)) in lists.iter().enumerate() {
            let col = col as u16;
            ws.write_string(0, col, f.name(lang))?;
            for (i, v) in values.iter().enumerate() {
                ws.write_string(i as u32 + 1, col, *v)?;
            }
        }
        ws.set_hidden(true);
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(data_name)?;
        for (col, f) in Field::ALL.iter().enumerate() {
            let col = col as u16;
            ws.write_string_with_format(0, col, header(*f, lang), &bold)?;
            ws.set_column_width(col, 18)?;
            for row in 0..2 {
                let r = row as u32 + 1;
                match example(row, *f, lang) {
                    V::T(s) => {
                        ws.write_string(r, col, s)?;
                    }
                    V::N(n) if matches!(f, Field::UnitPrice | Field::AnnualCost) => {
                        ws.write_number_with_format(r, col, n, &money)?;
                    }
                    V::N(n) => {
                        ws.write_number(r, col, n)?;
                    }
                    V::D(y, m, d) => {
                        ws.write_date_with_format(r, col, ExcelDateTime::from_ymd(y, m, d)?, &date)?;
                    }
                    V::Blank => {}
                }
            }
            if let Some(i) = lists.iter().position(|(lf, _)| lf == f) {
                let (_, values) = &lists[i];
                let letter = column_letter(i as u16);
                let formula = format!("='{lists_name}'!${letter}$2:${letter}${}", values.len() + 1);
                let dv = DataValidation::new().allow_list_formula(Formula::new(formula));
                ws.add_data_validation(1, col, LIST_ROWS, col, &dv)?;
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.set_active(true);
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(help_name)?;
        ws.set_column_width(0, 34)?;
        ws.set_column_width(1, 16)?;
        ws.set_column_width(2, 90)?;
        let mut r = 0u32;
        for line in instructions(lang) {
            ws.write_string(r, 0, *line)?;
            r += 1;
        }
        r += 1;
        let (col_h, need_h, values_h) = match lang {
            Lang::Fi => ("Sarake", "Pakollinen", "Sallitut arvot"),
            Lang::Sv => ("Kolumn", "Obligatorisk", "Tillåtna värden"),
            Lang::En => ("Column", "Required", "Allowed values"),
        };
        ws.write_string_with_format(r, 0, col_h, &bold)?;
        ws.write_string_with_format(r, 1, need_h, &bold)?;
        ws.write_string_with_format(r, 2, values_h, &bold)?;
        for f in Field::ALL {
            r += 1;
            ws.write_string(r, 0, f.name(lang))?;
            let need = match (f.need(), lang) {
                (Need::Required, Lang::Fi) => "kyllä",
                (Need::Required, Lang::Sv) => "ja",
                (Need::Required, Lang::En) => "yes",
                (Need::Wanted, Lang::Fi) => "suositeltava",
                (Need::Wanted, Lang::Sv) => "önskvärd",
                (Need::Wanted, Lang::En) => "recommended",
                _ => "",
            };
            ws.write_string(r, 1, need)?;
            if let Some(values) = choices(f, lang) {
                ws.write_string(r, 2, values.join(", "))?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

fn column_letter(i: u16) -> String {
    let mut n = u32::from(i) + 1;
    let mut s = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        s.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

/// The template as CSV (`;`-separated, decimal comma, UTF-8 with a byte order mark so that
/// Excel opens it with `ä` and `€` intact).
pub fn template_csv(lang: Lang) -> String {
    let quote = |s: &str| {
        if s.contains([';', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&Field::ALL.iter().map(|f| quote(&header(*f, lang))).collect::<Vec<_>>().join(";"));
    out.push_str("\r\n");
    for row in 0..2 {
        let cells: Vec<String> = Field::ALL
            .iter()
            .map(|&f| match example(row, f, lang) {
                V::T(s) => quote(&s),
                V::N(n) if matches!(f, Field::UnitPrice | Field::AnnualCost) => {
                    lyhty_domain::Cents((n * 100.0).round() as i64).to_finnish_number()
                }
                V::N(n) => crate::values::format_number(n),
                V::D(y, m, d) => format!("{d}.{m}.{y}"),
                V::Blank => String::new(),
            })
            .collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    out
}
