//! The submission report (API.md): what was read, and every error and warning.

use crate::messages;
use lyhty_domain::vocabulary;
use lyhty_domain::{Cents, Lang, SubmissionId};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Where a submission stands. The reader returns `validated` or `rejected`; the store turns
/// `validated` into `accepted` (a new inventory version) or `unchanged` (same file again).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Accepted,
    Rejected,
    Validated,
    Unchanged,
}

impl SubmissionStatus {
    pub const ALL: [SubmissionStatus; 4] = [Self::Accepted, Self::Rejected, Self::Validated, Self::Unchanged];

    pub fn key(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Validated => "validated",
            Self::Unchanged => "unchanged",
        }
    }

    /// The status's name for people, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let labels = match self {
            Self::Accepted => ["Hyväksytty", "Godkänd", "Accepted"],
            Self::Rejected => ["Hylätty", "Avvisad", "Rejected"],
            Self::Validated => ["Tarkistettu", "Kontrollerad", "Checked"],
            Self::Unchanged => ["Ei muutoksia", "Oförändrad", "Unchanged"],
        };
        vocabulary::pick(lang, labels)
    }
}

lyhty_domain::labelled!(SubmissionStatus);

/// The stable code of a row-level error or warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    // Errors: the row (or, for a missing required column, every row) is unusable.
    /// A column the reader needs is not in the header row.
    MissingColumn,
    /// A required value is empty.
    MissingValue,
    InvalidNumber,
    NegativeNumber,
    /// A count (quantity, in use, notice months) with decimals.
    NotWholeNumber,
    InvalidDate,
    EndBeforeStart,
    /// An enumeration value with no known alias.
    UnknownValue,
    /// A formula cell whose cached value is an error (`#DIV/0!`, `#REF!`…).
    FormulaError,
    CurrencyNotEur,
    ValueTooLong,
    // Warnings: the row is usable.
    MissingUnitPrice,
    MissingContractEnd,
    CostMismatch,
    UnknownVendor,
    ApproximateQuantity,
    DuplicateLine,
    ContractEnded,
    TotalRowSkipped,
    InUseExceedsQuantity,
    InvalidEmail,
    DuplicateColumn,
    /// A one-off price is not an annual cost; see `validate` for why.
    OneOffPrice,
}

impl IssueCode {
    pub const ALL: &'static [IssueCode] = &[
        Self::MissingColumn,
        Self::MissingValue,
        Self::InvalidNumber,
        Self::NegativeNumber,
        Self::NotWholeNumber,
        Self::InvalidDate,
        Self::EndBeforeStart,
        Self::UnknownValue,
        Self::FormulaError,
        Self::CurrencyNotEur,
        Self::ValueTooLong,
        Self::MissingUnitPrice,
        Self::MissingContractEnd,
        Self::CostMismatch,
        Self::UnknownVendor,
        Self::ApproximateQuantity,
        Self::DuplicateLine,
        Self::ContractEnded,
        Self::TotalRowSkipped,
        Self::InUseExceedsQuantity,
        Self::InvalidEmail,
        Self::DuplicateColumn,
        Self::OneOffPrice,
    ];

    /// The snake_case key, as serialised.
    pub fn key(self) -> &'static str {
        match self {
            Self::MissingColumn => "missing_column",
            Self::MissingValue => "missing_value",
            Self::InvalidNumber => "invalid_number",
            Self::NegativeNumber => "negative_number",
            Self::NotWholeNumber => "not_whole_number",
            Self::InvalidDate => "invalid_date",
            Self::EndBeforeStart => "end_before_start",
            Self::UnknownValue => "unknown_value",
            Self::FormulaError => "formula_error",
            Self::CurrencyNotEur => "currency_not_eur",
            Self::ValueTooLong => "value_too_long",
            Self::MissingUnitPrice => "missing_unit_price",
            Self::MissingContractEnd => "missing_contract_end",
            Self::CostMismatch => "cost_mismatch",
            Self::UnknownVendor => "unknown_vendor",
            Self::ApproximateQuantity => "approximate_quantity",
            Self::DuplicateLine => "duplicate_line",
            Self::ContractEnded => "contract_ended",
            Self::TotalRowSkipped => "total_row_skipped",
            Self::InUseExceedsQuantity => "in_use_exceeds_quantity",
            Self::InvalidEmail => "invalid_email",
            Self::DuplicateColumn => "duplicate_column",
            Self::OneOffPrice => "one_off_price",
        }
    }

    /// Whether the code makes the submission rejected.
    pub fn is_error(self) -> bool {
        matches!(
            self,
            Self::MissingColumn
                | Self::MissingValue
                | Self::InvalidNumber
                | Self::NegativeNumber
                | Self::NotWholeNumber
                | Self::InvalidDate
                | Self::EndBeforeStart
                | Self::UnknownValue
                | Self::FormulaError
                | Self::CurrencyNotEur
                | Self::ValueTooLong
        )
    }
}

/// One error or warning, located as the uploader sees the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Issue {
    /// The row number as Excel shows it (1-based; for CSV the record number).
    pub row: u32,
    /// The column header as written in the file (for a missing column: its expected name).
    pub column: String,
    /// The offending value as text (empty when the value is missing).
    pub value: String,
    pub code: IssueCode,
    pub message: String,
    /// What the message refers to besides the value: the derived cost, the allowed values,
    /// the earlier duplicate row… Kept so that the message can be rebuilt in another language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Issue {
    pub(crate) fn new(row: u32, column: &str, value: String, code: IssueCode, detail: Option<String>) -> Self {
        Self { row, column: column.to_owned(), value, code, message: String::new(), detail }
    }
}

/// What the reader found out about the file itself, so the uploader can check it was read
/// as they meant it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FileInfo {
    /// The file name as uploaded.
    pub name: String,
    /// `xlsx`, `xlsm`, `xls`, `ods` or `csv`, detected from the content.
    pub format: String,
    /// The sheet read (workbooks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The row the column headers were found on.
    pub header_row: u32,
    /// CSV only: `utf-8`, `utf-16le`, `windows-1252`, `iso-8859-15`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// CSV only: `;`, `,` or `\t`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
}

/// The submission report of API.md.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Report {
    /// The submission's id, filled in by the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub id: Option<SubmissionId>,
    pub status: SubmissionStatus,
    /// Data rows read (blank rows and a skipped total row not counted).
    pub rows: u32,
    /// Usable licence lines (rows without errors).
    pub lines: u32,
    /// Total annual cost over the usable lines.
    #[schema(value_type = i64)]
    pub annual_cost_cents: Cents,
    /// Distinct normalised vendors over the usable lines.
    pub vendors: u32,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
    /// Headers of columns the reader does not use, as written.
    pub ignored_columns: Vec<String>,
    /// Errors left out of `errors` because of the issue limit (0 normally).
    #[serde(default)]
    pub errors_not_listed: u32,
    /// Warnings left out of `warnings` because of the issue limit (0 normally).
    #[serde(default)]
    pub warnings_not_listed: u32,
    /// The language the messages are in.
    pub lang: Lang,
    pub file: FileInfo,
}

impl Report {
    /// Rewrites every message in `lang` (a stored report shown to someone else).
    pub fn relocalise(&mut self, lang: Lang) {
        self.lang = lang;
        for issue in self.errors.iter_mut().chain(self.warnings.iter_mut()) {
            issue.message = messages::issue(issue.code, lang, &issue.column, &issue.value, issue.detail.as_deref());
        }
    }

    /// A copy with every message in `lang`.
    pub fn localised(&self, lang: Lang) -> Report {
        let mut r = self.clone();
        r.relocalise(lang);
        r
    }

    /// A plain-text rendering for `lyhty check FILE`.
    pub fn to_text(&self, lang: Lang) -> String {
        let r = self.localised(lang);
        let t = messages::text_labels(lang);
        let mut out = String::new();
        let mut where_ = format!("{} ({})", r.file.name, r.file.format);
        if let Some(sheet) = &r.file.sheet {
            let _ = write!(where_, ", {} \"{sheet}\"", t.sheet);
        }
        if let Some(enc) = &r.file.encoding {
            let delim = r.file.delimiter.as_deref().map(|d| if d == "\t" { "tab" } else { d }).unwrap_or("?");
            let _ = write!(where_, ", {enc}, \"{delim}\"");
        }
        let _ = writeln!(out, "{where_}");
        let _ = writeln!(out, "{}: {}", t.status, messages::status_label(r.status, lang));
        let _ = writeln!(out, "{}: {}  {}: {}  {}: {}", t.rows, r.rows, t.lines, r.lines, t.vendors, r.vendors);
        let _ = writeln!(out, "{}: {}", t.annual_cost, r.annual_cost_cents.to_finnish());
        let list = |out: &mut String, title: &str, issues: &[Issue], not_listed: u32| {
            if issues.is_empty() {
                return;
            }
            let _ = writeln!(out, "\n{title} ({}):", issues.len() as u64 + u64::from(not_listed));
            for i in issues {
                let value = if i.value.is_empty() { String::new() } else { format!(" \"{}\"", i.value) };
                let _ =
                    writeln!(out, "  {} {}, \"{}\"{value}: {} [{}]", t.row, i.row, i.column, i.message, i.code.key());
            }
            if not_listed > 0 {
                let _ = writeln!(out, "  … +{not_listed}");
            }
        };
        list(&mut out, t.errors, &r.errors, r.errors_not_listed);
        list(&mut out, t.warnings, &r.warnings, r.warnings_not_listed);
        if !r.ignored_columns.is_empty() {
            let _ = writeln!(out, "\n{}: {}", t.ignored, r.ignored_columns.join(", "));
        }
        out
    }
}
