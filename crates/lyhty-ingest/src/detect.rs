//! What a file is, decided from its content, never its name: a `.xlsx` that is really a PDF
//! is a PDF. Zip containers are also measured here (central directory only) so that a zip
//! bomb is refused before anything is decompressed.

use crate::{IngestError, Limits};
use std::io::Cursor;

/// The formats the reader takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Office Open XML workbook; `macros` for `.xlsm` (macros are never run, only noted).
    Xlsx {
        macros: bool,
    },
    Ods,
    /// BIFF workbook in an OLE container (Excel 97–2003).
    Xls,
    /// CSV or tab-separated text.
    Text,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Xlsx { macros: false } => "xlsx",
            Kind::Xlsx { macros: true } => "xlsm",
            Kind::Ods => "ods",
            Kind::Xls => "xls",
            Kind::Text => "csv",
        }
    }
}

const ZIP: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY: &[u8] = b"PK\x05\x06";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// More entries than any workbook has; a zip with more is not an inventory.
const MAX_ZIP_ENTRIES: usize = 10_000;

pub(crate) fn detect(bytes: &[u8], limits: &Limits) -> Result<Kind, IngestError> {
    if bytes.starts_with(ZIP) || bytes.starts_with(ZIP_EMPTY) {
        return detect_zip(bytes, limits);
    }
    if bytes.starts_with(OLE) {
        return detect_ole(bytes);
    }
    if let Some(detected) = known_binary(bytes) {
        return Err(IngestError::UnsupportedFileType { detected });
    }
    Ok(Kind::Text)
}

/// Magic numbers of files people upload by mistake.
fn known_binary(b: &[u8]) -> Option<&'static str> {
    let starts = |m: &[u8]| b.starts_with(m);
    if starts(b"%PDF") {
        Some("pdf")
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("gif")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Some("tiff")
    } else if starts(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
        Some("webp")
    } else if starts(b"{\\rtf") {
        Some("rtf")
    } else if starts(&[0x1F, 0x8B]) || starts(b"7z\xBC\xAF\x27\x1C") || starts(b"Rar!") {
        Some("zip")
    } else {
        // SAM tools export HTML tables named .xls; say what it is rather than read tags as data.
        let head: String =
            String::from_utf8_lossy(&b[..b.len().min(512)]).trim_start_matches('\u{feff}').trim_start().to_lowercase();
        (head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<?xml")).then_some("html")
    }
}

fn detect_zip(bytes: &[u8], limits: &Limits) -> Result<Kind, IngestError> {
    let corrupt = |e: zip::result::ZipError| IngestError::CorruptFile { detail: e.to_string() };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(IngestError::CorruptFile { detail: format!("{} zip entries", archive.len()) });
    }
    // The sizes come from the central directory; the zip crate refuses to inflate an entry
    // past its declared size, so this sum bounds what calamine can ever unpack.
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(corrupt)?;
        if entry.encrypted() {
            return Err(IngestError::PasswordProtected);
        }
        total = total.saturating_add(entry.size());
        names.push(entry.name().map_err(corrupt)?.into_owned());
    }
    if total > limits.max_decompressed_bytes {
        return Err(IngestError::DecompressedTooLarge { size: total, max: limits.max_decompressed_bytes });
    }
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("xl/workbook.xml") {
        Ok(Kind::Xlsx { macros: has("xl/vbaProject.bin") })
    } else if has("xl/workbook.bin") {
        Err(IngestError::UnsupportedFileType { detected: "xlsb" })
    } else if has("content.xml") && is_ods_mimetype(&mut archive) {
        Ok(Kind::Ods)
    } else if has("word/document.xml") {
        Err(IngestError::UnsupportedFileType { detected: "docx" })
    } else if has("content.xml") {
        Err(IngestError::UnsupportedFileType { detected: "odt" })
    } else if names.is_empty() || has("[Content_Types].xml") || has("mimetype") {
        // Looks like an office file but lacks its workbook part.
        Err(IngestError::CorruptFile { detail: "no workbook part in the zip container".into() })
    } else {
        Err(IngestError::UnsupportedFileType { detected: "zip" })
    }
}

/// OpenDocument says what it is in a `mimetype` entry; a missing one is tolerated.
fn is_ods_mimetype(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> bool {
    use std::io::Read;
    let Ok(entry) = archive.by_name("mimetype") else { return true };
    let mut s = String::new();
    if entry.take(200).read_to_string(&mut s).is_err() {
        return false;
    }
    s.trim() == "application/vnd.oasis.opendocument.spreadsheet"
}

fn detect_ole(bytes: &[u8]) -> Result<Kind, IngestError> {
    let cfb = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| IngestError::CorruptFile { detail: format!("OLE container: {e}") })?;
    // An encrypted .xlsx is an OLE container holding the encrypted package.
    if cfb.is_stream("EncryptedPackage") || cfb.is_stream("EncryptionInfo") {
        return Err(IngestError::PasswordProtected);
    }
    if cfb.is_stream("Workbook") || cfb.is_stream("Book") {
        return Ok(Kind::Xls);
    }
    if cfb.is_stream("WordDocument") {
        return Err(IngestError::UnsupportedFileType { detected: "doc" });
    }
    Err(IngestError::UnsupportedFileType { detected: "ole" })
}
