//! Reading one data row, field by field.
//!
//! [`RowReader`] has a method per kind of field: text, an enumeration, a quantity, money, a
//! count, a date, an e-mail address. Each reads the field's cell, records what is wrong
//! with it as an [`Issue`] (the row as Excel shows it, the column's header as written in
//! the file, the value as the uploader sees it, a stable code) and returns the value, or
//! `None` when the cell is blank or unreadable. Which fields a licence line has, and what
//! a warning is worth, is `validate`'s business.

use crate::enumerations::Enumeration;
use crate::headers::{Field, HeaderMap};
use crate::report::{Issue, IssueCode};
use crate::text::{clean, fold};
use crate::values::{self, Cell, ValueError};
use chrono::NaiveDate;
use lyhty_domain::Lang;
use lyhty_domain::email::is_valid_email;

/// Longest text accepted in a cell; longer is a pasted document, not a licence line.
const MAX_TEXT_CHARS: usize = 1000;

/// What a field with no column in the file reads as.
static EMPTY: Cell<'static> = Cell::Empty;

/// One data row being read, and the issues found in it so far.
pub(crate) struct RowReader<'r, 'c> {
    header: &'r HeaderMap,
    cells: &'r [Cell<'c>],
    row: u32,
    lang: Lang,
    /// Whether the workbook's serial dates count from 1904.
    is_1904: bool,
    issues: Vec<Issue>,
}

impl<'r, 'c> RowReader<'r, 'c> {
    pub(crate) fn new(header: &'r HeaderMap, cells: &'r [Cell<'c>], row: u32, lang: Lang, is_1904: bool) -> Self {
        Self { header, cells, row, lang, is_1904, issues: Vec::new() }
    }

    /// The errors and warnings of the row, in the order they were found.
    pub(crate) fn into_issues(self) -> Vec<Issue> {
        self.issues
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.code.is_error())
    }

    /// The row number as Excel shows it.
    pub(crate) fn row(&self) -> u32 {
        self.row
    }

    /// Whether the file has a column for `f`.
    pub(crate) fn has_column(&self, f: Field) -> bool {
        self.header.column(f).is_some()
    }

    /// The cell of `f`; an empty one when the file has no column for it.
    pub(crate) fn cell(&self, f: Field) -> &Cell<'c> {
        self.header.column(f).and_then(|i| self.cells.get(i)).unwrap_or(&EMPTY)
    }

    /// Records an issue with `f`'s column; its code says whether it is an error.
    pub(crate) fn report(&mut self, f: Field, code: IssueCode, value: String, detail: Option<String>) {
        self.issues.push(Issue::new(self.row, self.header.header(f, self.lang), value, code, detail));
    }

    /// Records an issue with the value of `f`'s cell as the uploader sees it.
    pub(crate) fn report_cell(&mut self, f: Field, code: IssueCode, detail: Option<String>) {
        let value = self.cell(f).display();
        self.report(f, code, value, detail);
    }

    /// Free text, cleaned of control characters; too long is an error.
    pub(crate) fn text(&mut self, f: Field) -> Option<String> {
        let s = match self.cell(f) {
            c if c.is_blank() => return None,
            Cell::Error(e) => {
                let e = e.clone();
                self.report(f, IssueCode::FormulaError, e, None);
                return None;
            }
            Cell::Text(t) => clean(t).into_owned(),
            other => other.display(),
        };
        if s.chars().count() > MAX_TEXT_CHARS {
            let shown: String = s.chars().take(40).collect();
            self.report(f, IssueCode::ValueTooLong, format!("{shown}…"), Some(MAX_TEXT_CHARS.to_string()));
            return None;
        }
        Some(s)
    }

    /// An error when a value the line cannot do without is absent because its cell is
    /// blank (a missing column was reported once, with the header row).
    pub(crate) fn require<T>(&mut self, f: Field, value: &Option<T>) {
        if value.is_none() && self.cell(f).is_blank() && self.has_column(f) {
            self.report(f, IssueCode::MissingValue, String::new(), None);
        }
    }

    /// One of an enumeration's values, by key, label (fi/sv/en) or alias; an unknown value
    /// is an error that lists the allowed ones.
    pub(crate) fn enumeration<T: Enumeration>(&mut self, f: Field) -> Option<T> {
        let shown = match self.cell(f) {
            c if c.is_blank() => return None,
            Cell::Error(e) => {
                let e = e.clone();
                self.report(f, IssueCode::FormulaError, e, None);
                return None;
            }
            c => c.display(),
        };
        let value = T::read(&shown);
        if value.is_none() {
            self.report(f, IssueCode::UnknownValue, shown, Some(T::allowed(self.lang)));
        }
        value
    }

    /// The licence count and whether the file gave it as approximate (`n. 1200`). It is
    /// required: nothing in a column the file has is an error.
    pub(crate) fn quantity(&mut self, f: Field) -> Option<(u64, bool)> {
        match values::quantity(self.cell(f)) {
            Ok(None) if self.has_column(f) => {
                self.report(f, IssueCode::MissingValue, String::new(), None);
                None
            }
            Ok(q) => q,
            Err(e) => {
                self.report_cell(f, number_error(e), None);
                None
            }
        }
    }

    /// An amount of euros ≥ 0, in micro-euros (rounded to cents only at the end).
    pub(crate) fn money(&mut self, f: Field) -> Option<i128> {
        self.parsed(f, values::money)
    }

    /// A whole number ≥ 0 that fits `T`; one that does not is an invalid number.
    pub(crate) fn count<T: TryFrom<u64>>(&mut self, f: Field) -> Option<T> {
        let n = self.parsed(f, values::count)?;
        let fitting = T::try_from(n).ok();
        if fitting.is_none() {
            self.report_cell(f, IssueCode::InvalidNumber, None);
        }
        fitting
    }

    /// A date in any of the ways INGEST.md lists.
    pub(crate) fn date(&mut self, f: Field) -> Option<NaiveDate> {
        let is_1904 = self.is_1904;
        match values::date(self.cell(f), is_1904) {
            Ok(d) => d,
            Err(e) => {
                self.report_cell(f, date_error(e), None);
                None
            }
        }
    }

    /// An error unless `currency` (read as text) is the euro: amounts are taken as EUR.
    pub(crate) fn euro(&mut self, f: Field, currency: Option<&str>) {
        let Some(currency) = currency else { return };
        let folded = fold(currency);
        let euro =
            matches!(folded.as_str(), "eur" | "euro" | "euroa" | "e") || (folded.is_empty() && currency.contains('€'));
        if !euro {
            self.report(f, IssueCode::CurrencyNotEur, currency.to_owned(), None);
        }
    }

    /// An e-mail address (read as text); an invalid one is a warning and is dropped.
    pub(crate) fn email(&mut self, f: Field, text: Option<String>) -> Option<String> {
        match text {
            Some(e) if !is_valid_email(&e) => {
                self.report(f, IssueCode::InvalidEmail, e, None);
                None
            }
            other => other,
        }
    }

    /// A number-like field read with `parse`; what it cannot read is an error.
    fn parsed<T>(&mut self, f: Field, parse: fn(&Cell<'_>) -> Result<Option<T>, ValueError>) -> Option<T> {
        match parse(self.cell(f)) {
            Ok(v) => v,
            Err(e) => {
                self.report_cell(f, number_error(e), None);
                None
            }
        }
    }
}

/// The code of a number that could not be read.
fn number_error(e: ValueError) -> IssueCode {
    match e {
        ValueError::Invalid => IssueCode::InvalidNumber,
        ValueError::Negative => IssueCode::NegativeNumber,
        ValueError::NotWhole => IssueCode::NotWholeNumber,
        ValueError::Currency(_) => IssueCode::CurrencyNotEur,
        ValueError::Formula => IssueCode::FormulaError,
    }
}

/// The code of a date that could not be read.
fn date_error(e: ValueError) -> IssueCode {
    match e {
        ValueError::Invalid => IssueCode::InvalidDate,
        other => number_error(other),
    }
}
