//! Problems with a file as a whole: it cannot be read at all, so there is no row-level report.

use crate::messages;
use lyhty_domain::Lang;

/// A whole-file problem. Row-level problems are not errors of this kind: they go into the
/// [`Report`](crate::Report) so that the uploader sees all of them at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("the file is {size} bytes; the limit is {max} bytes")]
    FileTooLarge { size: u64, max: u64 },
    #[error("the file is empty")]
    EmptyFile,
    /// Not a spreadsheet or a CSV file; `detected` names what it looks like (`pdf`, `png`…).
    #[error("unsupported file type ({detected})")]
    UnsupportedFileType { detected: &'static str },
    #[error("the file is damaged and cannot be read: {detail}")]
    CorruptFile { detail: String },
    #[error("the workbook is password protected")]
    PasswordProtected,
    #[error("the file has more than {max} rows")]
    TooManyRows { max: u32 },
    /// The sheet declares (or holds) more rows, columns or cells than the limits allow; refused
    /// before its cells are loaded.
    #[error("the sheet {sheet:?} declares {rows} rows × {columns} columns, more than the limits allow")]
    SheetTooLarge { sheet: String, rows: u64, columns: u64 },
    #[error("the file unpacks to {size} bytes; the limit is {max} bytes")]
    DecompressedTooLarge { size: u64, max: u64 },
    #[error("the text file is not in UTF-8, UTF-16 with a byte order mark, Windows-1252 or ISO-8859-15")]
    WrongEncoding,
    #[error("no header row with the expected column names in the first {searched} rows of any sheet")]
    NoHeaderRow { searched: u32 },
}

impl IngestError {
    /// The stable code of the problem (API error bodies, logs, tests).
    pub fn code(&self) -> &'static str {
        match self {
            Self::FileTooLarge { .. } => "file_too_large",
            Self::EmptyFile => "empty_file",
            Self::UnsupportedFileType { .. } => "unsupported_file_type",
            Self::CorruptFile { .. } => "corrupt_file",
            Self::PasswordProtected => "password_protected",
            Self::TooManyRows { .. } => "too_many_rows",
            Self::SheetTooLarge { .. } => "sheet_too_large",
            Self::DecompressedTooLarge { .. } => "decompressed_too_large",
            Self::WrongEncoding => "wrong_encoding",
            Self::NoHeaderRow { .. } => "no_header_row",
        }
    }

    /// The HTTP status the API should answer with: 413 for size, 415 for a file that is not
    /// a spreadsheet, 422 for a spreadsheet we will not or cannot read.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::FileTooLarge { .. } | Self::DecompressedTooLarge { .. } => 413,
            Self::UnsupportedFileType { .. } => 415,
            _ => 422,
        }
    }

    /// A message for the person who uploaded the file, in their language.
    pub fn message(&self, lang: Lang) -> String {
        messages::file_error(self, lang)
    }
}
