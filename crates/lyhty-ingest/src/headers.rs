//! The columns of an inventory and finding the header row (INGEST.md, "Columns").

use crate::text::fold;
use crate::values::Cell;
use lyhty_domain::Lang;
use std::collections::HashMap;
use std::sync::OnceLock;

/// How many rows from the top the header row is looked for in.
pub(crate) const HEADER_SEARCH_ROWS: u32 = 20;

/// A column the reader understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Field {
    Vendor,
    Product,
    Sku,
    ProductCategory,
    LicenceType,
    Metric,
    Quantity,
    UnitPrice,
    PricePeriod,
    AnnualCost,
    Currency,
    ContractType,
    ContractId,
    ContractStart,
    ContractEnd,
    ReviewDate,
    NoticeMonths,
    Renewal,
    Channel,
    Reseller,
    ContactName,
    ContactEmail,
    InUse,
    Notes,
}

/// Whether a column must be there, and what a missing value means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// A missing value is an error.
    Required,
    /// Asked for, but a missing value is only a warning (unit price, contract end).
    Wanted,
    Optional,
}

impl Field {
    pub(crate) const ALL: [Field; 24] = [
        Field::Vendor,
        Field::Product,
        Field::Sku,
        Field::ProductCategory,
        Field::LicenceType,
        Field::Metric,
        Field::Quantity,
        Field::UnitPrice,
        Field::PricePeriod,
        Field::AnnualCost,
        Field::Currency,
        Field::ContractType,
        Field::ContractId,
        Field::ContractStart,
        Field::ContractEnd,
        Field::ReviewDate,
        Field::NoticeMonths,
        Field::Renewal,
        Field::Channel,
        Field::Reseller,
        Field::ContactName,
        Field::ContactEmail,
        Field::InUse,
        Field::Notes,
    ];

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn need(self) -> Need {
        match self {
            Field::Vendor | Field::Product | Field::LicenceType | Field::Quantity | Field::ContractType => {
                Need::Required
            }
            Field::UnitPrice | Field::ContractEnd => Need::Wanted,
            _ => Need::Optional,
        }
    }

    /// The names of the column: Finnish, Swedish and English first (the template's headers),
    /// then the aliases of INGEST.md and ones seen in SAM-tool exports.
    fn names(self) -> &'static [&'static str] {
        match self {
            Field::Vendor => &[
                "Toimittaja",
                "Leverantör",
                "Vendor",
                "Valmistaja",
                "Tillverkare",
                "Publisher",
                "Manufacturer",
                "Ohjelmistotoimittaja",
                "Software publisher",
                "Supplier",
            ],
            Field::Product => &[
                "Tuote",
                "Produkt",
                "Product",
                "Ohjelmisto",
                "Programvara",
                "Software",
                "Application name",
                "Application",
                "Sovellus",
                "Tuotenimi",
                "Product name",
                "Software title",
            ],
            Field::Sku => {
                &["Tuotekoodi", "Artikelnummer", "SKU", "Part number", "Part no", "Product code", "Tuotenumero"]
            }
            Field::ProductCategory => {
                &["Tuoteryhmä", "Produktgrupp", "Category", "Kategoria", "Tuotekategoria", "Product category"]
            }
            Field::LicenceType => &["Lisenssityyppi", "Licenstyp", "Licence type", "License type", "Type"],
            Field::Metric => {
                &["Lisenssimetriikka", "Licensmetrik", "Metric", "Licence metric", "License metric", "Metriikka"]
            }
            Field::Quantity => &[
                "Määrä",
                "Antal",
                "Quantity",
                "Lukumäärä",
                "Seats",
                "Qty",
                "Kpl",
                "Licences",
                "Licenses",
                "Lisenssimäärä",
                "Lisenssejä",
                "Number of licences",
                "Purchased",
                "Entitlements",
            ],
            Field::UnitPrice => {
                &["Yksikköhinta", "Enhetspris", "Unit price", "Hinta", "Pris", "Price", "Unit cost", "À-hinta"]
            }
            Field::PricePeriod => {
                &["Hintajakso", "Prisperiod", "Price period", "Laskutusjakso", "Billing period", "Period"]
            }
            Field::AnnualCost => &[
                "Vuosikustannus",
                "Årskostnad",
                "Annual cost",
                "Kustannus vuodessa",
                "Vuosihinta",
                "Annual price",
                "Yearly cost",
                "Kokonaishinta vuodessa",
                "Total annual cost",
            ],
            Field::Currency => &["Valuutta", "Valuta", "Currency"],
            Field::ContractType => &["Sopimustyyppi", "Avtalstyp", "Contract type", "Agreement type", "Sopimusmalli"],
            Field::ContractId => &[
                "Sopimusnumero",
                "Avtalsnummer",
                "Contract number",
                "Contract ID",
                "Agreement number",
                "Sopimustunnus",
                "Enrollment number",
            ],
            Field::ContractStart => {
                &["Sopimus alkaa", "Avtalet börjar", "Contract start", "Alkupäivä", "Start date", "Alkaa", "Startdatum"]
            }
            Field::ContractEnd => &[
                "Sopimus päättyy",
                "Avtalet upphör",
                "Contract end",
                "Voimassa asti",
                "Expiry",
                "Expiry date",
                "End date",
                "Päättymispäivä",
                "Päättyy",
                "Slutdatum",
                "Expires",
                "Renewal date",
                "Uusimispäivä",
            ],
            Field::ReviewDate => &[
                "Tarkastuspäivämäärä",
                "Granskningsdatum",
                "Review date",
                "True-up date",
                "True-up",
                "Tarkastuspäivä",
                "Anniversary date",
            ],
            Field::NoticeMonths => &[
                "Irtisanomisaika (kk)",
                "Uppsägningstid (mån)",
                "Notice period (months)",
                "Irtisanomisaika",
                "Uppsägningstid",
                "Notice period",
                "Notice months",
            ],
            Field::Renewal => &["Uusiutuminen", "Förnyelse", "Renewal", "Auto-renewal", "Jatkuminen"],
            Field::Channel => {
                &["Hankintakanava", "Anskaffningskanal", "Procurement channel", "Channel", "Kanava", "Hankintatapa"]
            }
            Field::Reseller => &["Jälleenmyyjä", "Återförsäljare", "Reseller", "Partner", "Toimittajakumppani", "LAR"],
            Field::ContactName => {
                &["Yhteyshenkilö", "Kontaktperson", "Contact", "Contact person", "Vastuuhenkilö", "Owner"]
            }
            Field::ContactEmail => {
                &["Sähköposti", "E-post", "Email", "E-mail", "Yhteyshenkilön sähköposti", "Contact email"]
            }
            Field::InUse => &["Käytössä", "I användning", "In use", "Consumed", "Used", "Installations", "Asennuksia"],
            Field::Notes => {
                &["Huomautukset", "Anmärkningar", "Notes", "Lisätiedot", "Kommentit", "Comments", "Remarks", "Huom"]
            }
        }
    }

    /// The column's name in `lang` (template headers, messages about a missing column).
    pub(crate) fn name(self, lang: Lang) -> &'static str {
        let names = self.names();
        match lang {
            Lang::Fi => names[0],
            Lang::Sv => names[1],
            Lang::En => names[2],
        }
    }

    /// The field a header names, if any.
    pub(crate) fn from_header(header: &str) -> Option<Field> {
        static TABLE: OnceLock<HashMap<String, Field>> = OnceLock::new();
        let table = TABLE.get_or_init(|| {
            let mut m = HashMap::new();
            for f in Field::ALL {
                for n in f.names() {
                    m.entry(fold(n)).or_insert(f);
                }
            }
            m
        });
        let key = fold(header);
        if key.is_empty() {
            return None;
        }
        table.get(&key).copied().or_else(|| {
            // "Määrä (kpl)", "Yksikköhinta € alv 0 %", "Toimittaja *": try the words before a
            // parenthesis, a currency sign or an asterisk.
            let head = header.split(['(', '[', '€', '*', ',', ':']).next()?;
            table.get(&fold(head)).copied()
        })
    }
}

/// The header row that was found, and which column holds which field.
#[derive(Clone, Debug)]
pub(crate) struct HeaderMap {
    /// Excel row number of the header row.
    pub row: u32,
    /// Column index of each field (by `Field::index`).
    pub columns: [Option<usize>; 24],
    /// The headers as written, by column index.
    pub written: Vec<String>,
    /// Headers of the columns nobody reads.
    pub ignored: Vec<String>,
    /// Columns that repeat a field already mapped: (column index, index of the first one).
    pub duplicates: Vec<(usize, usize)>,
}

impl HeaderMap {
    /// Recognises a header row: at least three known columns, one of them the vendor or the
    /// product. Title rows ("Lisenssi-inventaario 2025") and data rows do not qualify.
    pub(crate) fn recognise(row: u32, cells: &[Cell<'_>]) -> Option<HeaderMap> {
        let mut columns = [None; 24];
        let mut written = Vec::with_capacity(cells.len());
        let mut ignored = Vec::new();
        let mut duplicates = Vec::new();
        let mut known = 0;
        for (i, cell) in cells.iter().enumerate() {
            let text = match cell {
                Cell::Text(t) => crate::text::clean(t).into_owned(),
                _ => cell.display(),
            };
            match Field::from_header(&text) {
                Some(f) => match columns[f.index()] {
                    None => {
                        columns[f.index()] = Some(i);
                        known += 1;
                    }
                    Some(first) => duplicates.push((i, first)),
                },
                None if !text.is_empty() => ignored.push(text.clone()),
                None => {}
            }
            written.push(text);
        }
        let anchored = columns[Field::Vendor.index()].is_some() || columns[Field::Product.index()].is_some();
        (known >= 3 && anchored).then_some(HeaderMap { row, columns, written, ignored, duplicates })
    }

    pub(crate) fn column(&self, f: Field) -> Option<usize> {
        self.columns[f.index()]
    }

    /// The header as written of the column holding `f` (or its name in `lang` if absent).
    pub(crate) fn header(&self, f: Field, lang: Lang) -> &str {
        self.column(f).and_then(|i| self.written.get(i)).map(String::as_str).unwrap_or(f.name(lang))
    }
}

/// Whether a sheet name says "licences" (preferred over other sheets).
pub(crate) fn is_preferred_sheet(name: &str) -> bool {
    matches!(
        fold(name).as_str(),
        "lisenssit"
            | "licenser"
            | "licences"
            | "licenses"
            | "lisenssi"
            | "licens"
            | "licence"
            | "license"
            | "lisenssiinventaario"
            | "licenceinventory"
            | "licenseinventory"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn headers_in_three_languages_and_aliases() {
        assert_eq!(Field::from_header("Toimittaja"), Some(Field::Vendor));
        assert_eq!(Field::from_header("LEVERANTÖR"), Some(Field::Vendor));
        assert_eq!(Field::from_header("  publisher "), Some(Field::Vendor));
        assert_eq!(Field::from_header("Sopimus päättyy"), Some(Field::ContractEnd));
        assert_eq!(Field::from_header("sopimus-paattyy"), Some(Field::ContractEnd));
        assert_eq!(Field::from_header("Irtisanomisaika (kk)"), Some(Field::NoticeMonths));
        assert_eq!(Field::from_header("Uppsägningstid (mån)"), Some(Field::NoticeMonths));
        assert_eq!(Field::from_header("Määrä (kpl)"), Some(Field::Quantity));
        assert_eq!(Field::from_header("Yksikköhinta € (alv 0 %)"), Some(Field::UnitPrice));
        assert_eq!(Field::from_header("Toimittaja *"), Some(Field::Vendor));
        assert_eq!(Field::from_header("True-up date"), Some(Field::ReviewDate));
        assert_eq!(Field::from_header("Kustannuspaikka"), None);
        for f in Field::ALL {
            for lang in [Lang::Fi, Lang::Sv, Lang::En] {
                assert_eq!(Field::from_header(f.name(lang)), Some(f), "{f:?} {lang:?}");
            }
        }
    }

    #[test]
    fn recognises_a_header_row_but_not_a_title() {
        let t = |s: &'static str| Cell::Text(Cow::Borrowed(s));
        assert!(HeaderMap::recognise(1, &[t("Lisenssi-inventaario 2025")]).is_none());
        let h = HeaderMap::recognise(3, &[t("Toimittaja"), t("Tuote"), t("Määrä"), t("Kustannuspaikka")]).unwrap();
        assert_eq!(h.column(Field::Quantity), Some(2));
        assert_eq!(h.ignored, ["Kustannuspaikka"]);
        assert!(is_preferred_sheet("Lisenssit"));
        assert!(is_preferred_sheet("LICENSES"));
        assert!(!is_preferred_sheet("Ohjeet"));
    }
}
