//! Licence inventory files → licence lines and a validation report.
//!
//! Members upload what Excel on a Finnish desktop or their SAM tool gives them (`.xlsx`,
//! `.xlsm`, `.xls`, `.ods`, `.csv`, `.txt`); this crate reads such files as they come,
//! validates every row and reports every problem at once (see `INGEST.md` in the spec).
//! It knows nothing of HTTP or SQL: bytes in, plain types out. Parsing is synchronous and
//! CPU-bound; servers run it on a blocking thread.
//!
//! The path of a file, module by module:
//! 1. [`detect`](crate::detect): what the bytes are (zip → xlsx/xlsm/ods, OLE → xls or an
//!    encrypted workbook, text → CSV), never trusting the file name; zip containers are
//!    measured from their central directory before anything is unpacked.
//! 2. `workbook` (calamine) or `delimited` (encoding and delimiter detection, the csv crate)
//!    turn the file into rows of cells, after checking declared sheet sizes against [`Limits`].
//! 3. `headers` finds the header row (fi/sv/en names and aliases, in the first 20 rows).
//! 4. `validate` turns rows into [`LicenceLine`]s and collects every error and warning into a
//!    [`Report`], with messages from `messages` in Finnish, Swedish or English. It reads each
//!    row with a `row_reader`, which has a method per kind of field and records each
//!    problem with its row, column, value and code; `values` reads Finnish numbers, money
//!    and dates, `enumerations` the enumerations' keys, labels and aliases.
//!
//! Around that: [`VendorCatalogue`] normalises vendor names, [`diff`] compares two inventory
//! versions, [`template_xlsx`] and [`template_csv`] write the submission template, and
//! [`neutralise_for_spreadsheet`] protects exports against formula injection.
#![forbid(unsafe_code)]

mod delimited;
mod detect;
mod diff;
mod enumerations;
mod error;
mod headers;
mod messages;
mod report;
mod row_reader;
mod rows;
mod template;
mod text;
mod validate;
mod values;
mod vendors;
mod workbook;

pub use diff::{ChangedLine, LineDiff, diff};
pub use error::IngestError;
pub use lyhty_domain::licence::LicenceLine;
pub use messages::issue as issue_message;
pub use report::{FileInfo, Issue, IssueCode, Report, SubmissionStatus};
pub use template::{TemplateError, template_csv, template_xlsx};
pub use text::neutralise_for_spreadsheet;
pub use vendors::{VendorCatalogue, VendorEntry, VendorMatch};

use chrono::NaiveDate;
use detect::Kind;
use lyhty_domain::Lang;

/// Limits on what one upload may cost. Every limit is checked before the work it bounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Size of the uploaded file (default 20 MiB).
    pub max_bytes: u64,
    /// Data rows (default 200 000).
    pub max_rows: u32,
    /// Columns of a sheet (default 1 000; an inventory has about 25).
    pub max_columns: u32,
    /// Rows × columns of a sheet as declared or laid out (default 10 million), so that ods
    /// and xls sheets, which calamine holds whole, stay within a few hundred MB.
    pub max_cells: u64,
    /// Total unpacked size of a zip-based file (default 512 MiB).
    pub max_decompressed_bytes: u64,
    /// Errors and warnings listed each (default 10 000); beyond that they are only counted.
    pub max_issues: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 20 * 1024 * 1024,
            max_rows: 200_000,
            max_columns: 1_000,
            max_cells: 10_000_000,
            max_decompressed_bytes: 512 * 1024 * 1024,
            max_issues: 10_000,
        }
    }
}

/// A file read: its usable lines and its report. When the report says `rejected`, `lines`
/// holds the rows that were fine, but the submission as a whole must not be stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub lines: Vec<LicenceLine>,
    pub report: Report,
}

/// Reads an inventory file. Contracts that ended before today (in Finland) get a warning.
pub fn read_submission(
    bytes: &[u8],
    file_name: &str,
    limits: &Limits,
    catalogue: &VendorCatalogue,
    lang: Lang,
) -> Result<Parsed, IngestError> {
    read_submission_on(bytes, file_name, limits, catalogue, lang, lyhty_domain::today_in_finland())
}

/// [`read_submission`] with "today" given, for reproducible reports and tests.
pub fn read_submission_on(
    bytes: &[u8],
    file_name: &str,
    limits: &Limits,
    catalogue: &VendorCatalogue,
    lang: Lang,
    today: NaiveDate,
) -> Result<Parsed, IngestError> {
    let size = bytes.len() as u64;
    if size > limits.max_bytes {
        return Err(IngestError::FileTooLarge { size, max: limits.max_bytes });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::EmptyFile);
    }
    let kind = detect::detect(bytes, limits)?;
    let mut validator = validate::Validator::new(catalogue, limits, lang, today);
    let mut file = FileInfo { name: file_name.to_owned(), format: kind.name().to_owned(), ..FileInfo::default() };
    match kind {
        Kind::Xlsx { .. } => {
            workbook::read_xlsx(bytes, limits, &mut validator)?;
        }
        Kind::Ods => {
            workbook::read_ods(bytes, limits, &mut validator)?;
        }
        Kind::Xls => {
            workbook::read_xls(bytes, limits, &mut validator)?;
        }
        Kind::Text => {
            let decoded = delimited::decode(bytes)?;
            if decoded.text.trim().is_empty() {
                return Err(IngestError::EmptyFile);
            }
            let delimiter = delimited::detect_delimiter(&decoded.text);
            file.encoding = Some(decoded.encoding.to_owned());
            file.delimiter = Some(delimited::delimiter_name(delimiter));
            delimited::read(&decoded.text, delimiter, limits, &mut validator)?;
        }
    }
    let (lines, report) = validator.finish(file)?;
    Ok(Parsed { lines, report })
}
