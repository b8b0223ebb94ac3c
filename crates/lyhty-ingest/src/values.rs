//! Cell values and the Finnish ways of writing numbers, money and dates (enumerations are
//! read in `enumerations`).
//!
//! Numbers are carried as integer micro-units (six decimals) so that a unit price such as
//! `0,0125 €` and a quantity multiply exactly; money is rounded to the cent only at the end.

use crate::text::fold;
use chrono::{Datelike, NaiveDate};
use std::borrow::Cow;

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
    fn total_words() {
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
