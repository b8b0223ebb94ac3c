//! Cell values and the Finnish ways of writing numbers, money, dates and enumerations.
//!
//! Numbers are carried as integer micro-units (six decimals) so that a unit price such as
//! `0,0125 €` and a quantity multiply exactly; money is rounded to the cent only at the end.

use crate::text::fold;
use chrono::{Datelike, NaiveDate};
use lyhty_domain::Lang;
use lyhty_domain::licence::{Channel, ContractType, LicenceType, Metric, PricePeriod, ProductCategory, Renewal};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One micro-unit: numbers are kept as `i128` multiples of 10⁻⁶.
pub(crate) const MICROS: i128 = 1_000_000;

/// A cell as the readers hand it over, whatever the file format.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
    /// A cell formatted as a date in the workbook.
    Date(NaiveDate),
    Bool(bool),
    /// A formula whose cached value is an error, e.g. `#DIV/0!`.
    Error(String),
}

impl Cell<'_> {
    /// Whether the cell holds nothing but whitespace.
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as the uploader would recognise it in a report.
    pub(crate) fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_owned(),
            Cell::Number(n) => format_number(*n),
            Cell::Date(d) => format_date(*d),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// Shortest plain form of a number (`1200`, `1234.5`).
pub(crate) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// Finnish date form, `31.12.2026`.
pub(crate) fn format_date(d: NaiveDate) -> String {
    format!("{}.{}.{}", d.day(), d.month(), d.year())
}

/// Why a value could not be read; each maps to one issue code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ValueError {
    Invalid,
    Negative,
    NotWhole,
    /// A currency other than the euro, as written.
    Currency(String),
    Formula,
}

/// Currency markers that mean euro.
const EURO_MARKERS: [&str; 5] = ["€", "euroa", "euro", "eur", "e"];
/// Currency markers that certainly do not.
const OTHER_CURRENCIES: [&str; 12] = ["usd", "sek", "nok", "dkk", "gbp", "chf", "jpy", "kr", "$", "£", "¥", "us$"];

/// Parses a number typed by a person: `1 234,56`, `1234.56`, `1,234.56`, `1.234,56`,
/// `-5`, `(5)`, optionally with `€`/`EUR` before or after. Returns micro-units.
pub(crate) fn parse_number_text(s: &str) -> Result<i128, ValueError> {
    let mut t = s.trim();
    if t.is_empty() {
        return Err(ValueError::Invalid);
    }
    // Currency before or after the number; the euro is dropped, anything else is refused.
    let lower = t.to_lowercase();
    if lower.len() != t.len() {
        // Letters whose lower case is longer or shorter: not a number, and slicing `t` by
        // offsets found in `lower` would not be safe.
        return Err(ValueError::Invalid);
    }
    for cur in OTHER_CURRENCIES {
        let letters = cur.chars().all(char::is_alphabetic);
        let hit = if letters {
            lower.starts_with(cur) && !lower[cur.len()..].starts_with(char::is_alphabetic)
                || lower.ends_with(cur) && !lower[..lower.len() - cur.len()].ends_with(char::is_alphabetic)
        } else {
            lower.contains(cur)
        };
        if hit {
            return Err(ValueError::Currency(cur.to_uppercase()));
        }
    }
    for cur in EURO_MARKERS {
        if lower.len() > cur.len() {
            if lower.ends_with(cur) && !lower[..lower.len() - cur.len()].ends_with(char::is_alphabetic) {
                t = t[..t.len() - cur.len()].trim_end();
                break;
            }
            if lower.starts_with(cur) && !lower[cur.len()..].starts_with(char::is_alphabetic) {
                t = t[cur.len()..].trim_start();
                break;
            }
        }
    }
    // Sign: leading minus (ASCII or U+2212), plus, or accounting parentheses.
    let mut negative = false;
    if let Some(rest) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        t = rest.trim();
    }
    if let Some(rest) = t.strip_prefix('-').or_else(|| t.strip_prefix('\u{2212}')) {
        negative = !negative;
        t = rest.trim_start();
    } else if let Some(rest) = t.strip_prefix('+') {
        t = rest.trim_start();
    }
    let micros = parse_unsigned(t).ok_or(ValueError::Invalid)?;
    Ok(if negative { -micros } else { micros })
}

/// Digits with grouping and one decimal separator → micro-units.
fn parse_unsigned(t: &str) -> Option<i128> {
    const GROUP_SPACES: [char; 5] = [' ', '\u{a0}', '\u{202f}', '\u{2009}', '\''];
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.' || GROUP_SPACES.contains(&c)) {
        return None;
    }
    let commas = t.matches(',').count();
    let dots = t.matches('.').count();
    // Which separator is the decimal one: the last of two kinds; a lone one of a kind.
    let decimal = match (commas, dots) {
        (0, 0) => None,
        (1, 0) => Some(','),
        (0, 1) => Some('.'),
        (_, 0) | (0, _) => None, // several of one kind: grouping only
        _ => t.rfind([',', '.']).and_then(|i| t[i..].chars().next()),
    };
    let (int_part, frac_part) = match decimal {
        Some(d) => {
            let i = t.rfind(d)?;
            (&t[..i], &t[i + 1..])
        }
        None => (t, ""),
    };
    if frac_part.contains([',', '.']) || frac_part.contains(GROUP_SPACES) {
        return None;
    }
    // Grouped integer part: every group after the first has exactly three digits.
    let groups: Vec<&str> = int_part.split(|c: char| c == ',' || c == '.' || GROUP_SPACES.contains(&c)).collect();
    if groups.len() > 1 && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return None;
    }
    let digits: String = groups.concat();
    if digits.is_empty() && frac_part.is_empty() {
        return None;
    }
    if digits.len() > 18 {
        return None;
    }
    let int: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    // Up to six decimals exactly; beyond that, round half away from zero.
    let mut frac: i128 = 0;
    for (i, b) in frac_part.bytes().enumerate() {
        let d = i128::from(b - b'0');
        if i < 6 {
            frac = frac * 10 + d;
        } else if i == 6 {
            if d >= 5 {
                frac += 1;
            }
            break;
        }
    }
    for _ in frac_part.len()..6 {
        frac *= 10;
    }
    Some(int * MICROS + frac)
}

/// A number cell or text → micro-units.
pub(crate) fn number(cell: &Cell<'_>) -> Result<Option<i128>, ValueError> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => parse_number_text(t).map(Some),
        Cell::Number(n) if n.is_finite() && n.abs() < 1e15 => Ok(Some((n * 1e6).round() as i128)),
        Cell::Error(_) => Err(ValueError::Formula),
        _ => Err(ValueError::Invalid),
    }
}

/// A money amount ≥ 0 → micro-euros.
pub(crate) fn money(cell: &Cell<'_>) -> Result<Option<i128>, ValueError> {
    match number(cell)? {
        Some(m) if m < 0 => Err(ValueError::Negative),
        other => Ok(other),
    }
}

/// A count ≥ 0 (in use, notice months).
pub(crate) fn count(cell: &Cell<'_>) -> Result<Option<u64>, ValueError> {
    match number(cell)? {
        None => Ok(None),
        Some(m) if m < 0 => Err(ValueError::Negative),
        Some(m) if m % MICROS != 0 => Err(ValueError::NotWhole),
        Some(m) => u64::try_from(m / MICROS).map(Some).map_err(|_| ValueError::Invalid),
    }
}

/// Words that mark a count as approximate (§11.1 accepts approximate counts).
const APPROXIMATE: [&str; 14] =
    ["noin", "n.", "n", "ca.", "ca", "c.", "cirka", "ungefär", "approx.", "approx", "about", "arviolta", "~", "≈"];

/// A licence quantity ≥ 0; `n. 1200`, `noin 1200`, `~1200`, `ca 1200` → (1200, approximate).
pub(crate) fn quantity(cell: &Cell<'_>) -> Result<Option<(u64, bool)>, ValueError> {
    if let Cell::Text(t) = cell {
        let t = t.trim();
        let lower = t.to_lowercase();
        for word in APPROXIMATE.iter().filter(|_| lower.len() == t.len()) {
            if let Some(rest) = lower.strip_prefix(word) {
                let letters = word.chars().last().is_some_and(char::is_alphabetic);
                // "n1200" is not "n. 1200", but "~1200" is.
                if letters && !rest.starts_with(char::is_whitespace) {
                    continue;
                }
                let rest = &t[t.len() - rest.len()..];
                return count(&Cell::Text(Cow::Borrowed(rest))).map(|c| c.map(|q| (q, true)));
            }
        }
    }
    count(cell).map(|c| c.map(|q| (q, false)))
}

/// A date: a date cell, an Excel serial number, `31.12.2026`, `31.12.26`, `2026-12-31`,
/// `31/12/2026`, or a month alone (`12/2026`, `2026-12`), which means its last day.
pub(crate) fn date(cell: &Cell<'_>, is_1904: bool) -> Result<Option<NaiveDate>, ValueError> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(*d)),
        Cell::Number(n) => serial_date(*n, is_1904).map(Some).ok_or(ValueError::Invalid),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => parse_date_text(t.trim(), is_1904).map(Some).ok_or(ValueError::Invalid),
        Cell::Error(_) => Err(ValueError::Formula),
        Cell::Bool(_) => Err(ValueError::Invalid),
    }
}

/// An Excel serial day number → date. Numbers below 10 000 (before 1927) are refused: in a
/// date column they are years or counts typed in the wrong place, not dates.
pub(crate) fn serial_date(n: f64, is_1904: bool) -> Option<NaiveDate> {
    if !n.is_finite() || !(10_000.0..2_958_466.0).contains(&n) {
        return None;
    }
    let days = n.floor() as i64;
    // The 1900 system counts from 30.12.1899 once past Excel's phantom 29.2.1900.
    let epoch = if is_1904 { NaiveDate::from_ymd_opt(1904, 1, 1)? } else { NaiveDate::from_ymd_opt(1899, 12, 30)? };
    epoch.checked_add_signed(chrono::Duration::days(days))
}

fn parse_date_text(t: &str, is_1904: bool) -> Option<NaiveDate> {
    // Drop a time of day: "31.12.2026 0:00", "2026-12-31T00:00:00".
    let t = match t.split_once([' ', 'T']) {
        Some((d, time)) if time.trim().starts_with(|c: char| c.is_ascii_digit()) && time.contains(':') => d,
        _ => t,
    };
    let t = t.strip_suffix('.').unwrap_or(t);
    if t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit()) {
        return serial_date(t.parse().ok()?, is_1904);
    }
    let parts: Vec<&str> = t.split(['.', '-', '/']).collect();
    if parts.iter().any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let n = |s: &str| s.parse::<u32>().ok();
    let sep = t.chars().find(|c| matches!(c, '.' | '-' | '/'))?;
    match (parts.as_slice(), sep) {
        // 2026-12-31
        ([y, m, d], '-') if y.len() == 4 => NaiveDate::from_ymd_opt(n(y)? as i32, n(m)?, n(d)?),
        // 31.12.2026, 31.12.26, 31/12/2026
        ([d, m, y], '.' | '/') if d.len() <= 2 && m.len() <= 2 => NaiveDate::from_ymd_opt(full_year(y)?, n(m)?, n(d)?),
        // 12/2026, 12.2026 → last day of the month
        ([m, y], '.' | '/') if m.len() <= 2 && y.len() == 4 => last_day_of_month(n(y)? as i32, n(m)?),
        // 2026-12
        ([y, m], '-') if y.len() == 4 && m.len() <= 2 => last_day_of_month(n(y)? as i32, n(m)?),
        _ => None,
    }
}

/// Two-digit years are this century's (contracts from the 1970s are not in inventories).
fn full_year(y: &str) -> Option<i32> {
    let v: i32 = y.parse().ok()?;
    match y.len() {
        4 => Some(v),
        2 if v < 70 => Some(2000 + v),
        2 => Some(1900 + v),
        _ => None,
    }
}

fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let first_of_next =
        if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    if !(1..=12).contains(&m) {
        return None;
    }
    first_of_next?.pred_opt()
}

/// Rounds micro-euros to cents, half away from zero.
pub(crate) fn micros_to_cents(m: i128) -> Option<i64> {
    let q = m / 10_000;
    let r = m % 10_000;
    let c = if r.abs() >= 5_000 { q + r.signum() } else { q };
    i64::try_from(c).ok()
}

/// An enumeration that can be read from a cell through its keys, labels and aliases.
pub(crate) trait Vocabulary: Copy + 'static {
    fn all() -> &'static [Self];
    fn key(self) -> &'static str;
    fn label(self, lang: Lang) -> &'static str;
    /// Extra ways people write the values, in any language.
    fn aliases() -> &'static [(&'static str, Self)];
    fn table() -> &'static OnceLock<HashMap<String, Self>>;

    /// Reads a value; `None` when nothing matches.
    fn read(s: &str) -> Option<Self> {
        let table = Self::table().get_or_init(|| {
            let mut m = HashMap::new();
            for &v in Self::all() {
                for name in [v.key(), v.label(Lang::Fi), v.label(Lang::Sv), v.label(Lang::En)] {
                    m.entry(fold(name)).or_insert(v);
                }
            }
            for &(alias, v) in Self::aliases() {
                m.entry(fold(alias)).or_insert(v);
            }
            m
        });
        let key = fold(s);
        table.get(&key).copied().or_else(|| {
            // "Palvelin (server)": try the text before a parenthesis.
            let head = s.split(['(', '[']).next()?;
            (head.len() < s.len()).then(|| table.get(&fold(head)).copied()).flatten()
        })
    }

    /// The allowed values in `lang`, for the message of an unknown value.
    fn allowed(lang: Lang) -> String {
        Self::all().iter().map(|v| v.label(lang)).collect::<Vec<_>>().join(", ")
    }
}

macro_rules! vocabulary {
    ($t:ty, [$( ($alias:literal, $v:expr) ),* $(,)?]) => {
        impl Vocabulary for $t {
            fn all() -> &'static [Self] { <$t>::ALL }
            fn key(self) -> &'static str { <$t>::key(self) }
            fn label(self, lang: Lang) -> &'static str { <$t>::label(self, lang) }
            fn aliases() -> &'static [(&'static str, Self)] { &[$( ($alias, $v) ),*] }
            fn table() -> &'static OnceLock<HashMap<String, Self>> {
                static TABLE: OnceLock<HashMap<String, $t>> = OnceLock::new();
                &TABLE
            }
        }
    };
}

vocabulary!(
    LicenceType,
    [
        ("loppukäyttäjälisenssi", LicenceType::EndUser),
        ("käyttäjä", LicenceType::EndUser),
        ("käyttäjälisenssi", LicenceType::EndUser),
        ("työasema", LicenceType::EndUser),
        ("user", LicenceType::EndUser),
        ("end-user", LicenceType::EndUser),
        ("client", LicenceType::EndUser),
        ("användare", LicenceType::EndUser),
        ("cal", LicenceType::EndUser),
        ("desktop", LicenceType::EndUser),
        ("palvelinlisenssi", LicenceType::Server),
        ("serverlicens", LicenceType::Server),
        ("datacenter", LicenceType::Server),
        ("infra", LicenceType::Server),
        ("annan", LicenceType::Other),
        ("övrigt", LicenceType::Other),
    ]
);

vocabulary!(
    Metric,
    [
        ("käyttäjä", Metric::NamedUser),
        ("user", Metric::NamedUser),
        ("users", Metric::NamedUser),
        ("per user", Metric::NamedUser),
        ("named", Metric::NamedUser),
        ("användare", Metric::NamedUser),
        ("nimetty", Metric::NamedUser),
        ("per device", Metric::Device),
        ("työasema", Metric::Device),
        ("concurrent", Metric::ConcurrentUser),
        ("floating", Metric::ConcurrentUser),
        ("samanaikainen", Metric::ConcurrentUser),
        ("cores", Metric::Core),
        ("ytimet", Metric::Core),
        ("prosessoriydin", Metric::Core),
        ("core pack", Metric::Core),
        ("cpu", Metric::Processor),
        ("socket", Metric::Processor),
        ("palvelin", Metric::ServerInstance),
        ("instanssi", Metric::ServerInstance),
        ("server", Metric::ServerInstance),
        ("instance", Metric::ServerInstance),
        ("vm", Metric::ServerInstance),
        ("virtuaalikone", Metric::ServerInstance),
        ("instans", Metric::ServerInstance),
        ("organisaatio", Metric::Enterprise),
        ("enterprise", Metric::Enterprise),
        ("site", Metric::Enterprise),
        ("site licence", Metric::Enterprise),
        ("site license", Metric::Enterprise),
        ("campus", Metric::Enterprise),
        ("toimipaikka", Metric::Enterprise),
        ("organisation", Metric::Enterprise),
        ("annan", Metric::Other),
        ("övrigt", Metric::Other),
    ]
);

vocabulary!(
    PricePeriod,
    [
        ("vuosittain", PricePeriod::Annual),
        ("vuosimaksu", PricePeriod::Annual),
        ("v", PricePeriod::Annual),
        ("/v", PricePeriod::Annual),
        ("per vuosi", PricePeriod::Annual),
        ("vuodessa", PricePeriod::Annual),
        ("annually", PricePeriod::Annual),
        ("yearly", PricePeriod::Annual),
        ("year", PricePeriod::Annual),
        ("per year", PricePeriod::Annual),
        ("årlig", PricePeriod::Annual),
        ("per år", PricePeriod::Annual),
        ("12 kk", PricePeriod::Annual),
        ("kk", PricePeriod::Monthly),
        ("/kk", PricePeriod::Monthly),
        ("kuukausittain", PricePeriod::Monthly),
        ("kuukaudessa", PricePeriod::Monthly),
        ("month", PricePeriod::Monthly),
        ("per month", PricePeriod::Monthly),
        ("månadsvis", PricePeriod::Monthly),
        ("mån", PricePeriod::Monthly),
        ("kerta", PricePeriod::OneOff),
        ("kertaluonteinen", PricePeriod::OneOff),
        ("one off", PricePeriod::OneOff),
        ("once", PricePeriod::OneOff),
        ("one-time", PricePeriod::OneOff),
        ("engångs", PricePeriod::OneOff),
    ]
);

vocabulary!(
    ContractType,
    [
        ("ea", ContractType::EnterpriseAgreement),
        ("eas", ContractType::EnterpriseAgreement),
        ("enterprise agreement", ContractType::EnterpriseAgreement),
        ("yrityssopimus", ContractType::EnterpriseAgreement),
        ("enterprise agreement subscription", ContractType::EnterpriseAgreement),
        ("ela", ContractType::EnterpriseAgreement),
        ("företagsavtal", ContractType::EnterpriseAgreement),
        ("microsoft ea", ContractType::EnterpriseAgreement),
        ("tilaus", ContractType::Subscription),
        ("saas", ContractType::Subscription),
        ("subscription", ContractType::Subscription),
        ("prenumeration", ContractType::Subscription),
        ("pilvipalvelu", ContractType::Subscription),
        ("term", ContractType::Subscription),
        ("pysyvä", ContractType::Perpetual),
        ("perpetual", ContractType::Perpetual),
        ("evig", ContractType::Perpetual),
        ("kertaosto", ContractType::Perpetual),
        ("pysyvä + ylläpito", ContractType::PerpetualMaintenance),
        ("perpetual + maintenance", ContractType::PerpetualMaintenance),
        ("perpetual and maintenance", ContractType::PerpetualMaintenance),
        ("perpetual with maintenance", ContractType::PerpetualMaintenance),
        ("ylläpito", ContractType::PerpetualMaintenance),
        ("maintenance", ContractType::PerpetualMaintenance),
        ("software assurance", ContractType::PerpetualMaintenance),
        ("sa", ContractType::PerpetualMaintenance),
        ("evig + underhåll", ContractType::PerpetualMaintenance),
        ("underhåll", ContractType::PerpetualMaintenance),
        ("tuki ja ylläpito", ContractType::PerpetualMaintenance),
        ("cloud solution provider", ContractType::Csp),
        ("microsoft csp", ContractType::Csp),
        ("nce", ContractType::Csp),
        ("microsoft products and services agreement", ContractType::Mpsa),
        ("puitejärjestely", ContractType::FrameworkAgreement),
        ("puitesopimus", ContractType::FrameworkAgreement),
        ("hansel", ContractType::FrameworkAgreement),
        ("framework", ContractType::FrameworkAgreement),
        ("framework agreement", ContractType::FrameworkAgreement),
        ("ramavtal", ContractType::FrameworkAgreement),
        ("yhteishankinta", ContractType::FrameworkAgreement),
        ("pilvisitoumus", ContractType::CloudCommitment),
        ("cloud commitment", ContractType::CloudCommitment),
        ("macc", ContractType::CloudCommitment),
        ("commit", ContractType::CloudCommitment),
        ("committed spend", ContractType::CloudCommitment),
        ("edp", ContractType::CloudCommitment),
        ("enterprise discount program", ContractType::CloudCommitment),
        ("azure commitment", ContractType::CloudCommitment),
        ("molnåtagande", ContractType::CloudCommitment),
        ("annan", ContractType::Other),
        ("övrigt", ContractType::Other),
    ]
);

vocabulary!(
    Renewal,
    [
        ("auto", Renewal::Automatic),
        ("automaattisesti", Renewal::Automatic),
        ("kyllä", Renewal::Automatic),
        ("yes", Renewal::Automatic),
        ("ja", Renewal::Automatic),
        ("käsin", Renewal::Manual),
        ("neuvoteltava", Renewal::Manual),
        ("manuaalisesti", Renewal::Manual),
        ("ei", Renewal::None),
        ("no", Renewal::None),
        ("nej", Renewal::None),
        ("päättyy", Renewal::None),
        ("ends", Renewal::None),
        ("ingen", Renewal::None),
    ]
);

vocabulary!(
    Channel,
    [
        ("suoraan", Channel::Direct),
        ("suora", Channel::Direct),
        ("suora hankinta", Channel::Direct),
        ("valmistaja", Channel::Direct),
        ("vendor", Channel::Direct),
        ("direkt", Channel::Direct),
        ("lar", Channel::Reseller),
        ("partner", Channel::Reseller),
        ("kumppani", Channel::Reseller),
        ("puitejärjestely", Channel::Framework),
        ("yhteishankinta", Channel::Framework),
        ("hansel", Channel::Framework),
        ("framework", Channel::Framework),
        ("joint procurement", Channel::Framework),
        ("ramavtal", Channel::Framework),
        ("samupphandling", Channel::Framework),
        ("kl-kuntahankinnat", Channel::Framework),
        ("kuntahankinnat", Channel::Framework),
        ("sidosyksikkö", Channel::InHouseCompany),
        ("in-house", Channel::InHouseCompany),
        ("inhouse", Channel::InHouseCompany),
        ("anknuten enhet", Channel::InHouseCompany),
        ("istekki", Channel::InHouseCompany),
        ("2m-it", Channel::InHouseCompany),
        ("monetra", Channel::InHouseCompany),
        ("sarastia", Channel::InHouseCompany),
        ("tiera", Channel::InHouseCompany),
        ("kuntien tiera", Channel::InHouseCompany),
        ("annan", Channel::Other),
        ("övrigt", Channel::Other),
    ]
);

vocabulary!(
    ProductCategory,
    [
        ("toimisto", ProductCategory::OfficeCollaboration),
        ("office", ProductCategory::OfficeCollaboration),
        ("yhteistyö", ProductCategory::OfficeCollaboration),
        ("collaboration", ProductCategory::OfficeCollaboration),
        ("kontor", ProductCategory::OfficeCollaboration),
        ("toimisto-ohjelmistot", ProductCategory::OfficeCollaboration),
        ("productivity", ProductCategory::OfficeCollaboration),
        ("käyttöjärjestelmä", ProductCategory::OperatingSystem),
        ("os", ProductCategory::OperatingSystem),
        ("tietokanta", ProductCategory::Database),
        ("db", ProductCategory::Database),
        ("databas", ProductCategory::Database),
        ("identiteetin hallinta", ProductCategory::IdentityManagement),
        ("iam", ProductCategory::IdentityManagement),
        ("identity", ProductCategory::IdentityManagement),
        ("käyttövaltuushallinta", ProductCategory::IdentityManagement),
        ("integraatio", ProductCategory::IntegrationPlatform),
        ("integraatioalusta", ProductCategory::IntegrationPlatform),
        ("rajapinnat", ProductCategory::IntegrationPlatform),
        ("integration", ProductCategory::IntegrationPlatform),
        ("ipaas", ProductCategory::IntegrationPlatform),
        ("api", ProductCategory::IntegrationPlatform),
        ("tietovarasto", ProductCategory::DataWarehouseAnalytics),
        ("tietovarastot", ProductCategory::DataWarehouseAnalytics),
        ("analytiikka", ProductCategory::DataWarehouseAnalytics),
        ("bi", ProductCategory::DataWarehouseAnalytics),
        ("raportointi", ProductCategory::DataWarehouseAnalytics),
        ("analytics", ProductCategory::DataWarehouseAnalytics),
        ("data warehouse", ProductCategory::DataWarehouseAnalytics),
        ("datalager", ProductCategory::DataWarehouseAnalytics),
        ("intra", ProductCategory::Intranet),
        ("intranet", ProductCategory::Intranet),
        ("tietoturva", ProductCategory::SecurityClassification),
        ("tiedon luokittelu", ProductCategory::SecurityClassification),
        ("security", ProductCategory::SecurityClassification),
        ("data classification", ProductCategory::SecurityClassification),
        ("säkerhet", ProductCategory::SecurityClassification),
        ("kyberturvallisuus", ProductCategory::SecurityClassification),
        ("infrastruktuuri", ProductCategory::InfrastructureVirtualisation),
        ("virtualisointi", ProductCategory::InfrastructureVirtualisation),
        ("infra", ProductCategory::InfrastructureVirtualisation),
        ("infrastructure", ProductCategory::InfrastructureVirtualisation),
        ("virtualization", ProductCategory::InfrastructureVirtualisation),
        ("virtualisation", ProductCategory::InfrastructureVirtualisation),
        ("varmistus", ProductCategory::InfrastructureVirtualisation),
        ("backup", ProductCategory::InfrastructureVirtualisation),
        ("pilvi", ProductCategory::CloudPlatform),
        ("pilvialusta", ProductCategory::CloudPlatform),
        ("cloud", ProductCategory::CloudPlatform),
        ("iaas", ProductCategory::CloudPlatform),
        ("paas", ProductCategory::CloudPlatform),
        ("moln", ProductCategory::CloudPlatform),
        ("erp", ProductCategory::ErpFinance),
        ("toiminnanohjaus", ProductCategory::ErpFinance),
        ("talous", ProductCategory::ErpFinance),
        ("taloushallinto", ProductCategory::ErpFinance),
        ("henkilöstöhallinto", ProductCategory::ErpFinance),
        ("hr", ProductCategory::ErpFinance),
        ("finance", ProductCategory::ErpFinance),
        ("ekonomi", ProductCategory::ErpFinance),
        ("paikkatieto", ProductCategory::Gis),
        ("kehitystyökalut", ProductCategory::DevelopmentTools),
        ("kehitys", ProductCategory::DevelopmentTools),
        ("development", ProductCategory::DevelopmentTools),
        ("devtools", ProductCategory::DevelopmentTools),
        ("ide", ProductCategory::DevelopmentTools),
        ("övrig", ProductCategory::Other),
        ("annan", ProductCategory::Other),
    ]
);

/// Words of a total row (`Yhteensä`, `Summa`, `Total`…), folded.
pub(crate) fn is_total_word(s: &str) -> bool {
    matches!(
        fold(s).as_str(),
        "yhteensa"
            | "yht"
            | "summa"
            | "total"
            | "totalt"
            | "totals"
            | "sum"
            | "grandtotal"
            | "kaikkiyhteensa"
            | "totalsumma"
            | "summaryhteensa"
            | "loppusumma"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> Result<i128, ValueError> {
        parse_number_text(s)
    }

    #[test]
    fn finnish_and_english_numbers() {
        assert_eq!(n("1 234,56"), Ok(1_234_560_000));
        assert_eq!(n("1\u{a0}234,56 €"), Ok(1_234_560_000));
        assert_eq!(n("1\u{202f}234,56€"), Ok(1_234_560_000));
        assert_eq!(n("1234.56"), Ok(1_234_560_000));
        assert_eq!(n("1,234.56"), Ok(1_234_560_000));
        assert_eq!(n("1.234,56"), Ok(1_234_560_000));
        assert_eq!(n("EUR 12"), Ok(12_000_000));
        assert_eq!(n("12 EUR"), Ok(12_000_000));
        assert_eq!(n("€12,5"), Ok(12_500_000));
        assert_eq!(n("12 euroa"), Ok(12_000_000));
        assert_eq!(n("1 000 000"), Ok(1_000_000_000_000));
        assert_eq!(n("-5"), Ok(-5_000_000));
        assert_eq!(n("\u{2212}5,5"), Ok(-5_500_000));
        assert_eq!(n("(5)"), Ok(-5_000_000));
        assert_eq!(n("0,0125"), Ok(12_500));
        assert_eq!(n(",5"), Ok(500_000));
        assert_eq!(n("abc"), Err(ValueError::Invalid));
        assert_eq!(n("12 34"), Err(ValueError::Invalid));
        assert_eq!(n("1,2,3.4.5"), Err(ValueError::Invalid));
        assert_eq!(n("12 USD"), Err(ValueError::Currency("USD".into())));
        assert_eq!(n("$12"), Err(ValueError::Currency("$".into())));
        assert_eq!(n("100 kr"), Err(ValueError::Currency("KR".into())));
    }

    #[test]
    fn approximate_quantities() {
        let q = |s: &str| quantity(&Cell::Text(Cow::Borrowed(s)));
        assert_eq!(q("n. 1200"), Ok(Some((1200, true))));
        assert_eq!(q("noin 1 200"), Ok(Some((1200, true))));
        assert_eq!(q("~1200"), Ok(Some((1200, true))));
        assert_eq!(q("ca 1200"), Ok(Some((1200, true))));
        assert_eq!(q("Ca. 1200"), Ok(Some((1200, true))));
        assert_eq!(q("1200"), Ok(Some((1200, false))));
        assert_eq!(q("12,5"), Err(ValueError::NotWhole));
        assert_eq!(q("-3"), Err(ValueError::Negative));
        assert_eq!(q("noin"), Err(ValueError::Invalid));
        assert_eq!(quantity(&Cell::Number(1200.0)), Ok(Some((1200, false))));
    }

    #[test]
    fn dates() {
        let d = |s: &str| date(&Cell::Text(Cow::Borrowed(s)), false);
        let ymd = |y, m, d| Ok(NaiveDate::from_ymd_opt(y, m, d));
        assert_eq!(d("31.12.2026"), ymd(2026, 12, 31));
        assert_eq!(d("31.12.26"), ymd(2026, 12, 31));
        assert_eq!(d("1.1.2027"), ymd(2027, 1, 1));
        assert_eq!(d("2026-12-31"), ymd(2026, 12, 31));
        assert_eq!(d("2026-12-31T00:00:00"), ymd(2026, 12, 31));
        assert_eq!(d("31.12.2026 0:00"), ymd(2026, 12, 31));
        assert_eq!(d("12/2026"), ymd(2026, 12, 31));
        assert_eq!(d("2/2028"), ymd(2028, 2, 29));
        assert_eq!(d("2026-06"), ymd(2026, 6, 30));
        assert_eq!(d("31/12/2026"), ymd(2026, 12, 31));
        assert_eq!(d("46387"), ymd(2026, 12, 31));
        assert_eq!(date(&Cell::Number(46387.0), false), ymd(2026, 12, 31));
        assert_eq!(date(&Cell::Number(44925.0), true), ymd(2026, 12, 31));
        assert_eq!(d("31.13.2026"), Err(ValueError::Invalid));
        assert_eq!(d("13/2026"), Err(ValueError::Invalid));
        assert_eq!(d("huomenna"), Err(ValueError::Invalid));
        assert_eq!(date(&Cell::Number(2026.0), false), Err(ValueError::Invalid));
        assert_eq!(date(&Cell::Error("#REF!".into()), false), Err(ValueError::Formula));
    }

    #[test]
    fn vocabularies() {
        assert_eq!(LicenceType::read("Loppukäyttäjä"), Some(LicenceType::EndUser));
        assert_eq!(LicenceType::read("SERVER"), Some(LicenceType::Server));
        assert_eq!(LicenceType::read("slutanvändare"), Some(LicenceType::EndUser));
        assert_eq!(ContractType::read("EA"), Some(ContractType::EnterpriseAgreement));
        assert_eq!(ContractType::read("Pysyvä lisenssi + ylläpito"), Some(ContractType::PerpetualMaintenance));
        assert_eq!(ContractType::read("Hansel"), Some(ContractType::FrameworkAgreement));
        assert_eq!(ContractType::read("perpetual_maintenance"), Some(ContractType::PerpetualMaintenance));
        assert_eq!(Channel::read("Jälleenmyyjä"), Some(Channel::Reseller));
        assert_eq!(
            ProductCategory::read("Tietoturva ja tiedon luokittelu"),
            Some(ProductCategory::SecurityClassification)
        );
        assert_eq!(Metric::read("Palvelin/instanssi"), Some(Metric::ServerInstance));
        assert_eq!(PricePeriod::read("kk"), Some(PricePeriod::Monthly));
        assert_eq!(LicenceType::read("Palvelin (server)"), Some(LicenceType::Server));
        assert_eq!(ContractType::read("leasing"), None);
        assert!(is_total_word("Yhteensä"));
        assert!(is_total_word("TOTAL:"));
    }

    /// Writes cents the way Finnish Excel shows money: NBSP or space groups, decimal comma,
    /// euro sign optional before or after.
    fn finnish(cents: i64, group: char, euro: u8) -> String {
        let s = lyhty_domain::Cents(cents).to_finnish_number().replace('\u{a0}', &group.to_string());
        match euro {
            0 => s,
            1 => format!("{s} €"),
            2 => format!("{s}€"),
            _ => format!("EUR {s}"),
        }
    }

    proptest! {
        #[test]
        fn finnish_money_parses_back_exactly(cents in -100_000_000_000_000i64..100_000_000_000_000, group in prop::sample::select(vec![' ', '\u{a0}', '\u{202f}']), euro in 0u8..4) {
            let text = finnish(cents, group, euro);
            let micros = parse_number_text(&text).unwrap();
            prop_assert_eq!(micros_to_cents(micros), Some(cents), "{}", text);
            prop_assert_eq!(micros % 10_000, 0);
        }

        #[test]
        fn english_money_parses_back_exactly(cents in 0i64..100_000_000_000_000) {
            let euros = cents / 100;
            let digits = euros.to_string();
            let mut grouped = String::new();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 { grouped.push(','); }
                grouped.push(ch);
            }
            let text = format!("{grouped}.{:02}", cents % 100);
            prop_assert_eq!(parse_number_text(&text).ok().and_then(micros_to_cents), Some(cents), "{}", text);
        }

        #[test]
        fn number_parsing_never_panics(s in "\\PC{0,30}") {
            let _ = parse_number_text(&s);
            let _ = date(&Cell::Text(Cow::Owned(s.clone())), false);
            let _ = quantity(&Cell::Text(Cow::Owned(s)));
        }
    }
}
