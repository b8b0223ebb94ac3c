//! How dates and amounts read in the texts people get from this crate: the invoices, the
//! reports and the reasons given for cost shares. Finnish conventions throughout (the
//! network works in Finnish): `12.6.2010`, `10 000 €`, `1 450 M€`.

use chrono::NaiveDate;
use lyhty_domain::Cents;

/// Finnish date format, `12.6.2010`, used on the invoices in all three languages and in the
/// reports.
pub(crate) fn fi_date(d: NaiveDate) -> String {
    d.format("%-d.%-m.%Y").to_string()
}

/// Groups digits in threes with plain spaces: `1450` → `1 450`.
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// A budget in millions of euros (`1 450 M€`, `1 450,5 M€`). A figure that needs more than
/// two decimals in millions is written out in euros instead, so that a budget of
/// 2 000 000 000,01 € never reads as "2 000 M€" next to "over 2 000 M€".
pub(crate) fn meur(c: Cents) -> String {
    let abs = c.0.unsigned_abs();
    let sign = if c.0 < 0 { "-" } else { "" };
    let whole = abs / 100_000_000;
    let rest = abs % 100_000_000;
    if rest == 0 {
        format!("{sign}{} M€", group_thousands(whole))
    } else if rest.is_multiple_of(1_000_000) {
        let dec = format!("{:02}", rest / 1_000_000);
        format!("{sign}{},{} M€", group_thousands(whole), dec.trim_end_matches('0'))
    } else {
        euros(c)
    }
}

/// Euros with Finnish decimals and plain spaces: `10 000 €`, `2 000 000 000,01 €`.
pub(crate) fn euros(c: Cents) -> String {
    let abs = c.0.unsigned_abs();
    let sign = if c.0 < 0 { "-" } else { "" };
    if abs.is_multiple_of(100) {
        format!("{sign}{} €", group_thousands(abs / 100))
    } else {
        format!("{sign}{},{:02} €", group_thousands(abs / 100), abs % 100)
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
}
