//! Every text a person reads, in Finnish, Swedish and English.
//!
//! Messages are built from a stable code plus the column, the value and a detail, so a stored
//! report can be shown again in another language ([`crate::Report::relocalise`]).

use crate::{IngestError, IssueCode, SubmissionStatus};
use lyhty_domain::Lang;

/// Picks the text for `lang` out of a Finnish, a Swedish and an English one.
fn pick(lang: Lang, fi: String, sv: String, en: String) -> String {
    match lang {
        Lang::Fi => fi,
        Lang::Sv => sv,
        Lang::En => en,
    }
}

/// The message of a row-level error or warning.
pub fn issue(code: IssueCode, lang: Lang, column: &str, value: &str, detail: Option<&str>) -> String {
    let d = detail.unwrap_or("");
    use IssueCode::*;
    match code {
        MissingColumn => pick(
            lang,
            format!("Sarake \"{column}\" puuttuu otsikkoriviltä; se on pakollinen."),
            format!("Kolumnen \"{column}\" saknas på rubrikraden; den är obligatorisk."),
            format!("The column \"{column}\" is missing from the header row; it is required."),
        ),
        MissingValue => pick(
            lang,
            format!("Sarakkeen \"{column}\" arvo puuttuu; se on pakollinen."),
            format!("Värdet i kolumnen \"{column}\" saknas; det är obligatoriskt."),
            format!("The value of \"{column}\" is missing; it is required."),
        ),
        InvalidNumber => pick(
            lang,
            format!("\"{value}\" ei ole luku. Kirjoita esimerkiksi 1 234,56."),
            format!("\"{value}\" är inte ett tal. Skriv till exempel 1 234,56."),
            format!("\"{value}\" is not a number. Write for example 1 234,56 or 1234.56."),
        ),
        NegativeNumber => pick(
            lang,
            format!("\"{value}\" on negatiivinen; sarakkeen \"{column}\" arvo ei voi olla alle nollan."),
            format!("\"{value}\" är negativt; värdet i \"{column}\" kan inte vara under noll."),
            format!("\"{value}\" is negative; \"{column}\" cannot be below zero."),
        ),
        NotWholeNumber => pick(
            lang,
            format!("\"{value}\" ei ole kokonaisluku; sarakkeeseen \"{column}\" merkitään kappalemäärä."),
            format!("\"{value}\" är inte ett heltal; \"{column}\" anger ett antal."),
            format!("\"{value}\" is not a whole number; \"{column}\" is a count."),
        ),
        InvalidDate => pick(
            lang,
            format!("\"{value}\" ei ole päivämäärä. Kirjoita esimerkiksi 31.12.2026 tai 12/2026."),
            format!("\"{value}\" är inte ett datum. Skriv till exempel 31.12.2026 eller 12/2026."),
            format!("\"{value}\" is not a date. Write for example 31.12.2026, 2026-12-31 or 12/2026."),
        ),
        EndBeforeStart => pick(
            lang,
            format!("Sopimus päättyy ({value}) ennen kuin se alkaa ({d})."),
            format!("Avtalet upphör ({value}) innan det börjar ({d})."),
            format!("The contract ends ({value}) before it starts ({d})."),
        ),
        UnknownValue => pick(
            lang,
            format!("\"{value}\" ei ole sallittu arvo sarakkeessa \"{column}\". Sallitut: {d}."),
            format!("\"{value}\" är inte ett tillåtet värde i \"{column}\". Tillåtna: {d}."),
            format!("\"{value}\" is not an allowed value of \"{column}\". Allowed: {d}."),
        ),
        FormulaError => pick(
            lang,
            format!("Kaavan tulos on virhe ({value}); korjaa kaava tai kirjoita arvo."),
            format!("Formelns resultat är ett fel ({value}); rätta formeln eller skriv in värdet."),
            format!("The formula's result is an error ({value}); fix the formula or type the value."),
        ),
        CurrencyNotEur => pick(
            lang,
            format!("Valuutta \"{value}\" ei käy: hinnat ilmoitetaan euroina (EUR) ilman arvonlisäveroa."),
            format!("Valutan \"{value}\" godtas inte: priserna anges i euro (EUR) utan moms."),
            format!("The currency \"{value}\" is not accepted: prices are given in euros (EUR), VAT excluded."),
        ),
        ValueTooLong => pick(
            lang,
            format!("Sarakkeen \"{column}\" arvo on liian pitkä (yli {d} merkkiä)."),
            format!("Värdet i \"{column}\" är för långt (över {d} tecken)."),
            format!("The value of \"{column}\" is too long (over {d} characters)."),
        ),
        MissingUnitPrice => pick(
            lang,
            "Yksikköhinta puuttuu; rivi hyväksytään, mutta hinta auttaa vertailussa.".to_owned(),
            "Enhetspriset saknas; raden godtas, men priset hjälper jämförelsen.".to_owned(),
            "The unit price is missing; the line is accepted, but the price helps comparisons.".to_owned(),
        ),
        MissingContractEnd => pick(
            lang,
            "Sopimuksen päättymispäivä puuttuu; uusiutumisaikataulussa rivi näkyy tuntemattomana.".to_owned(),
            "Avtalets slutdatum saknas; i förnyelseschemat visas raden som okänd.".to_owned(),
            "The contract end date is missing; the line shows as unknown in the renewal schedule.".to_owned(),
        ),
        CostMismatch => pick(
            lang,
            format!(
                "Vuosikustannus {value} poikkeaa yli 1 % määrästä × yksikköhinnasta laskettusta ({d}); tiedoston arvo on käytetty."
            ),
            format!("Årskostnaden {value} avviker mer än 1 % från antal × enhetspris ({d}); filens värde används."),
            format!(
                "The annual cost {value} differs by more than 1 % from quantity × unit price ({d}); the file's value is used."
            ),
        ),
        UnknownVendor => pick(
            lang,
            format!("Toimittaja \"{value}\" ei ole luettelossa; se lasketaan omaksi toimittajakseen nimellä \"{d}\"."),
            format!("Leverantören \"{value}\" finns inte i katalogen; den räknas som en egen leverantör \"{d}\"."),
            format!("The vendor \"{value}\" is not in the catalogue; it counts as a vendor of its own, \"{d}\"."),
        ),
        ApproximateQuantity => pick(
            lang,
            format!("Määrä on arvio; se luetaan lukuna {d}."),
            format!("Antalet är en uppskattning; det läses som {d}."),
            format!("The quantity is approximate; it is read as {d}."),
        ),
        DuplicateLine => pick(
            lang,
            format!("Rivi näyttää samalta kuin rivi {d}; tarkista, ettei sama lisenssi ole kahdesti."),
            format!("Raden ser likadan ut som rad {d}; kontrollera att samma licens inte finns två gånger."),
            format!("The line looks the same as row {d}; check that the same licence is not listed twice."),
        ),
        ContractEnded => pick(
            lang,
            format!("Sopimus on jo päättynyt ({value})."),
            format!("Avtalet har redan upphört ({value})."),
            format!("The contract has already ended ({value})."),
        ),
        TotalRowSkipped => pick(
            lang,
            "Summarivi ohitettiin; yhteissumma lasketaan riveistä.".to_owned(),
            "Summaraden hoppades över; totalen räknas från raderna.".to_owned(),
            "The total row was skipped; the total is computed from the lines.".to_owned(),
        ),
        InUseExceedsQuantity => pick(
            lang,
            format!("Käytössä on enemmän ({value}) kuin lisenssejä ({d})."),
            format!("Fler i användning ({value}) än licenser ({d})."),
            format!("More in use ({value}) than licences ({d})."),
        ),
        InvalidEmail => pick(
            lang,
            format!("\"{value}\" ei ole sähköpostiosoite; osoitetta ei tallenneta."),
            format!("\"{value}\" är inte en e-postadress; adressen sparas inte."),
            format!("\"{value}\" is not an e-mail address; it is not stored."),
        ),
        DuplicateColumn => pick(
            lang,
            format!("Sarake \"{column}\" on jo sarakkeessa \"{d}\"; tämä sarake ohitetaan."),
            format!("Kolumnen \"{column}\" finns redan som \"{d}\"; den här kolumnen hoppas över."),
            format!("The column \"{column}\" repeats \"{d}\"; this column is ignored."),
        ),
        OneOffPrice => pick(
            lang,
            "Kertamaksu ei ole vuosikustannus: vuosikustannukseksi luetaan 0 €, ellei sitä ole annettu.".to_owned(),
            "En engångsavgift är ingen årskostnad: årskostnaden blir 0 € om den inte anges.".to_owned(),
            "A one-off price is not an annual cost: the annual cost is taken as 0 € unless given.".to_owned(),
        ),
    }
}

/// The message of a whole-file problem.
pub fn file_error(e: &IngestError, lang: Lang) -> String {
    use IngestError::*;
    let mib = |b: u64| format!("{:.1}", b as f64 / (1024.0 * 1024.0)).replace('.', ",");
    match e {
        FileTooLarge { size, max } => pick(
            lang,
            format!("Tiedosto on liian suuri ({} Mt); enimmäiskoko on {} Mt.", mib(*size), mib(*max)),
            format!("Filen är för stor ({} MB); högsta tillåtna storlek är {} MB.", mib(*size), mib(*max)),
            format!("The file is too large ({} MiB); the limit is {} MiB.", mib(*size), mib(*max)),
        ),
        EmptyFile => pick(
            lang,
            "Tiedosto on tyhjä.".to_owned(),
            "Filen är tom.".to_owned(),
            "The file is empty.".to_owned(),
        ),
        UnsupportedFileType { detected } => {
            let what = match *detected {
                "pdf" => ["PDF-tiedosto", "en PDF-fil", "a PDF file"],
                "png" | "jpeg" | "gif" | "tiff" | "bmp" | "webp" => ["kuva", "en bild", "an image"],
                "html" => ["HTML-sivu", "en HTML-sida", "an HTML page"],
                "docx" | "doc" | "rtf" | "odt" => ["tekstinkäsittelyasiakirja", "ett textdokument", "a word-processing document"],
                "xlsb" => ["binäärinen Excel-työkirja (.xlsb)", "en binär Excel-arbetsbok (.xlsb)", "a binary Excel workbook (.xlsb)"],
                "zip" => ["zip-paketti", "ett zip-arkiv", "a zip archive"],
                _ => ["tuntematon tiedostotyyppi", "en okänd filtyp", "an unknown kind of file"],
            };
            pick(
                lang,
                format!("Tiedosto on {}, ei taulukko. Tallenna inventaario muodossa .xlsx, .ods tai .csv.", what[0]),
                format!("Filen är {}, inte ett kalkylblad. Spara inventeringen som .xlsx, .ods eller .csv.", what[1]),
                format!("The file is {}, not a spreadsheet. Save the inventory as .xlsx, .ods or .csv.", what[2]),
            )
        }
        CorruptFile { .. } => pick(
            lang,
            "Tiedosto on vioittunut eikä sitä voi lukea. Tallenna se uudelleen Excelistä.".to_owned(),
            "Filen är skadad och kan inte läsas. Spara den på nytt i Excel.".to_owned(),
            "The file is damaged and cannot be read. Save it again from Excel.".to_owned(),
        ),
        PasswordProtected => pick(
            lang,
            "Työkirja on suojattu salasanalla. Poista salaus (Tiedosto › Tiedot › Suojaa työkirja) ja lähetä uudelleen.".to_owned(),
            "Arbetsboken är lösenordsskyddad. Ta bort krypteringen och skicka den igen.".to_owned(),
            "The workbook is password protected. Remove the encryption and upload it again.".to_owned(),
        ),
        TooManyRows { max } => pick(
            lang,
            format!("Tiedostossa on yli {max} riviä."),
            format!("Filen har över {max} rader."),
            format!("The file has more than {max} rows."),
        ),
        SheetTooLarge { sheet, rows, columns } => pick(
            lang,
            format!("Taulukko \"{sheet}\" ilmoittaa kooksi {rows} riviä × {columns} saraketta, mikä ylittää rajat. Poista tyhjät rivit ja sarakkeet tai kopioi tiedot uuteen työkirjaan."),
            format!("Bladet \"{sheet}\" anger storleken {rows} rader × {columns} kolumner, vilket överskrider gränserna. Ta bort tomma rader och kolumner eller kopiera uppgifterna till en ny arbetsbok."),
            format!("The sheet \"{sheet}\" declares {rows} rows × {columns} columns, beyond the limits. Delete empty rows and columns or copy the data into a new workbook."),
        ),
        DecompressedTooLarge { size, max } => pick(
            lang,
            format!("Tiedosto purkautuu liian suureksi ({} Mt; enintään {} Mt).", mib(*size), mib(*max)),
            format!("Filen packas upp till för stor storlek ({} MB; högst {} MB).", mib(*size), mib(*max)),
            format!("The file unpacks to too much data ({} MiB; at most {} MiB).", mib(*size), mib(*max)),
        ),
        WrongEncoding => pick(
            lang,
            "Tekstitiedoston merkistöä ei tunnistettu. Tallenna CSV-tiedosto muodossa UTF-8 (Excel: CSV UTF-8).".to_owned(),
            "Textfilens teckenkodning kändes inte igen. Spara CSV-filen som UTF-8 (Excel: CSV UTF-8).".to_owned(),
            "The text file's encoding was not recognised. Save the CSV file as UTF-8 (Excel: CSV UTF-8).".to_owned(),
        ),
        NoHeaderRow { searched } => pick(
            lang,
            format!("Otsikkoriviä ei löytynyt {searched} ensimmäiseltä riviltä. Käytä mallipohjan sarakeotsikoita (esim. Toimittaja, Tuote, Määrä)."),
            format!("Ingen rubrikrad hittades på de {searched} första raderna. Använd mallens kolumnrubriker (t.ex. Leverantör, Produkt, Antal)."),
            format!("No header row was found in the first {searched} rows. Use the template's column headers (e.g. Vendor, Product, Quantity)."),
        ),
    }
}

/// Words of the text report.
pub(crate) struct TextLabels {
    pub status: &'static str,
    pub rows: &'static str,
    pub lines: &'static str,
    pub vendors: &'static str,
    pub annual_cost: &'static str,
    pub errors: &'static str,
    pub warnings: &'static str,
    pub ignored: &'static str,
    pub row: &'static str,
    pub sheet: &'static str,
}

pub(crate) fn text_labels(lang: Lang) -> TextLabels {
    match lang {
        Lang::Fi => TextLabels {
            status: "Tila",
            rows: "Rivejä",
            lines: "Lisenssirivejä",
            vendors: "Toimittajia",
            annual_cost: "Vuosikustannus yhteensä",
            errors: "Virheet",
            warnings: "Varoitukset",
            ignored: "Ohitetut sarakkeet",
            row: "Rivi",
            sheet: "taulukko",
        },
        Lang::Sv => TextLabels {
            status: "Status",
            rows: "Rader",
            lines: "Licensrader",
            vendors: "Leverantörer",
            annual_cost: "Årskostnad totalt",
            errors: "Fel",
            warnings: "Varningar",
            ignored: "Ignorerade kolumner",
            row: "Rad",
            sheet: "blad",
        },
        Lang::En => TextLabels {
            status: "Status",
            rows: "Rows",
            lines: "Licence lines",
            vendors: "Vendors",
            annual_cost: "Total annual cost",
            errors: "Errors",
            warnings: "Warnings",
            ignored: "Ignored columns",
            row: "Row",
            sheet: "sheet",
        },
    }
}

pub(crate) fn status_label(status: SubmissionStatus, lang: Lang) -> &'static str {
    use SubmissionStatus::*;
    match (status, lang) {
        (Accepted, Lang::Fi) => "hyväksytty",
        (Accepted, Lang::Sv) => "godkänd",
        (Accepted, Lang::En) => "accepted",
        (Rejected, Lang::Fi) => "hylätty – korjaa virheet ja lähetä uudelleen",
        (Rejected, Lang::Sv) => "avvisad – rätta felen och skicka igen",
        (Rejected, Lang::En) => "rejected – fix the errors and upload again",
        (Validated, Lang::Fi) => "tarkistettu, ei virheitä",
        (Validated, Lang::Sv) => "kontrollerad, inga fel",
        (Validated, Lang::En) => "validated, no errors",
        (Unchanged, Lang::Fi) => "ennallaan (sama tiedosto kuin edellinen)",
        (Unchanged, Lang::Sv) => "oförändrad (samma fil som förra gången)",
        (Unchanged, Lang::En) => "unchanged (the same file as last time)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_message_in_every_language() {
        for code in IssueCode::ALL {
            let mut seen = Vec::new();
            for lang in [Lang::Fi, Lang::Sv, Lang::En] {
                let m = issue(*code, lang, "Määrä", "abc", Some("x"));
                assert!(!m.is_empty());
                assert!(!seen.contains(&m), "{code:?} has the same text in two languages");
                seen.push(m);
            }
        }
    }
}
