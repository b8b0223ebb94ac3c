//! Small text helpers shared by header, value and vendor matching.

use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Folds text for matching: lower case, diacritics removed (`ä` → `a`), and everything but
/// letters and digits dropped. `"Sopimus päättyy"`, `"SOPIMUS PAATTYY"` and
/// `"sopimus-päättyy:"` all fold to `"sopimuspaattyy"`.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        // The common case, without the cost of Unicode decomposition.
        out.extend(s.bytes().filter(u8::is_ascii_alphanumeric).map(|b| char::from(b.to_ascii_lowercase())));
        return out;
    }
    for c in s.nfd() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Like [`fold`], but keeps word boundaries as single spaces (for vendor names, whose legal
/// suffixes are whole words).
pub(crate) fn fold_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in s.nfd() {
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else if unicode_normalization::char::is_combining_mark(c) {
            // A diacritic of the letter just pushed: drop it, stay in the word.
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Trims and collapses runs of whitespace (including no-break spaces) to one space.
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
    let t = s.trim();
    let needs = t.chars().any(|c| c.is_whitespace() && c != ' ') || t.as_bytes().windows(2).any(|w| w == b"  ");
    if !needs {
        return Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Makes a string safe to put in a CSV or XLSX export: a value starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return would be run as a formula by a spreadsheet (CSV
/// injection), so it gets a leading apostrophe, which spreadsheets show as text.
pub fn neutralise_for_spreadsheet(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold("Sopimus päättyy"), "sopimuspaattyy");
        assert_eq!(fold(" Irtisanomisaika (kk) "), "irtisanomisaikakk");
        assert_eq!(fold("Återförsäljare"), "aterforsaljare");
        assert_eq!(fold("E-POST"), "epost");
        assert_eq!(fold_words("MICROSOFT IRELAND OPERATIONS LTD."), ["microsoft", "ireland", "operations", "ltd"]);
        assert_eq!(fold_words("Dassault Systèmes SE"), ["dassault", "systemes", "se"]);
        assert_eq!(clean("  a \u{a0} b  "), "a b");
    }

    #[test]
    fn formula_injection_is_neutralised() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise_for_spreadsheet(bad).starts_with('\''), "{bad}");
        }
        assert_eq!(neutralise_for_spreadsheet("Microsoft"), "Microsoft");
        assert!(matches!(neutralise_for_spreadsheet("ok"), Cow::Borrowed(_)));
    }
}
