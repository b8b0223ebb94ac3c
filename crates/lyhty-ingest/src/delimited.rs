//! CSV and tab-separated text: encoding and delimiter detection, then rows.
//!
//! Excel's "CSV" on a Finnish Windows desktop is Windows-1252 with `;` and decimal commas;
//! "CSV UTF-8" has a byte order mark; "Unicode text" is UTF-16 with tabs; SAM tools write
//! UTF-8 with commas. All of these are taken.

use crate::rows::RowSink;
use crate::values::Cell;
use crate::{IngestError, Limits};
use encoding_rs::{Encoding, ISO_8859_15, UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::borrow::Cow;
use std::ops::ControlFlow;

/// Text decoded from the file's bytes.
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
}

/// Decodes the bytes of a text file. UTF-8 (with or without a byte order mark) and UTF-16
/// with a byte order mark are certain; other bytes are read as Windows-1252, or as
/// ISO-8859-15 when the only hint is its euro sign (0xA4) and no Windows-only characters.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded<'_>, IngestError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|_| IngestError::WrongEncoding)?;
        return checked(Cow::Borrowed(text), "utf-8", true);
    }
    for (bom, enc, name) in [(b"\xFF\xFE", UTF_16LE, "utf-16le"), (b"\xFE\xFF", UTF_16BE, "utf-16be")] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let text =
                enc.decode_without_bom_handling_and_without_replacement(rest).ok_or(IngestError::WrongEncoding)?;
            return checked(Cow::Owned(text.into_owned()), name, true);
        }
    }
    if bytes.contains(&0) {
        // UTF-16 without a byte order mark has a zero in every other byte; say it is the
        // encoding. Zeros scattered elsewhere mean a binary file.
        let zeros_odd = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        let zeros_even = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
        let half = bytes.len() / 2;
        return Err(if zeros_odd * 10 >= half * 9 || zeros_even * 10 >= half * 9 {
            IngestError::WrongEncoding
        } else {
            IngestError::UnsupportedFileType { detected: "unknown" }
        });
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return checked(Cow::Borrowed(text), "utf-8", true);
    }
    let windows_only = bytes.iter().any(|b| (0x80..=0x9F).contains(b));
    let (enc, name): (&'static Encoding, _) = if !windows_only && bytes.contains(&0xA4) {
        (ISO_8859_15, "iso-8859-15")
    } else {
        (WINDOWS_1252, "windows-1252")
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    checked(text, name, false)
}

/// Control characters other than tab and line ends do not occur in inventories: a few mean
/// a wrong guess of the encoding, many mean the file is not text at all.
fn checked<'a>(text: Cow<'a, str>, encoding: &'static str, certain: bool) -> Result<Decoded<'a>, IngestError> {
    let controls = text.chars().filter(|&c| c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\u{c}')).count();
    if controls == 0 {
        return Ok(Decoded { text, encoding });
    }
    let total = text.chars().count().max(1);
    if controls * 20 > total {
        Err(IngestError::UnsupportedFileType { detected: "unknown" })
    } else if certain {
        // Valid UTF-8 or UTF-16 with stray control characters: read it; the cells will tell.
        Ok(Decoded { text, encoding })
    } else {
        Err(IngestError::WrongEncoding)
    }
}

/// Picks the delimiter that splits the first records most consistently into several fields.
/// Ties go to `;`, then tab, then `,`: Finnish files use decimal commas, so a comma that
/// splits as well as a semicolon is more likely inside numbers.
pub(crate) fn detect_delimiter(text: &str) -> u8 {
    let mut sample_end = text.len().min(64 * 1024);
    while !text.is_char_boundary(sample_end) {
        sample_end -= 1;
    }
    let sample = &text[..sample_end];
    let mut best = (b';', 0usize, 0usize);
    for d in [b';', b'\t', b','] {
        let mut rdr =
            ::csv::ReaderBuilder::new().delimiter(d).has_headers(false).flexible(true).from_reader(sample.as_bytes());
        let mut counts: Vec<usize> = Vec::new();
        let mut rec = ::csv::StringRecord::new();
        while counts.len() < 30 {
            match rdr.read_record(&mut rec) {
                Ok(true) => {
                    if rec.iter().any(|f| !f.trim().is_empty()) {
                        counts.push(rec.len());
                    }
                }
                _ => break,
            }
        }
        // The most common field count above one, and how often it occurs.
        let mut mode = (0usize, 0usize);
        for &c in counts.iter().filter(|&&c| c > 1) {
            let freq = counts.iter().filter(|&&x| x == c).count();
            if (freq, c) > (mode.1, mode.0) {
                mode = (c, freq);
            }
        }
        if (mode.1, mode.0) > (best.2, best.1) {
            best = (d, mode.0, mode.1);
        }
    }
    best.0
}

/// Reads the records of a decoded text and hands them to `sink`. Each record is one row, as
/// Excel shows a CSV file (a quoted field may span lines).
pub(crate) fn read(text: &str, delimiter: u8, limits: &Limits, sink: &mut dyn RowSink) -> Result<(), IngestError> {
    let mut text = text;
    let mut delimiter = delimiter;
    // Excel's "sep=;" hint line: obey it and leave it out, as Excel does.
    if let Some(rest) = text.strip_prefix("sep=").or_else(|| text.strip_prefix("\"sep="))
        && let Some(&d) = rest.as_bytes().first()
    {
        delimiter = d;
        text = rest.split_once('\n').map(|(_, r)| r).unwrap_or("");
    }
    let mut rdr =
        ::csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rec = ::csv::StringRecord::new();
    let mut row: u32 = 0;
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(IngestError::CorruptFile { detail: format!("CSV: {e}") }),
        }
        row = row.saturating_add(1);
        let cells: Vec<Cell<'_>> =
            rec.iter().take(limits.max_columns as usize).map(|f| Cell::Text(Cow::Borrowed(f))).collect();
        if let ControlFlow::Break(()) = sink.row(row, &cells) {
            break;
        }
    }
    Ok(())
}

/// The delimiter as shown in the report.
pub(crate) fn delimiter_name(d: u8) -> String {
    (d as char).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(decode("Määrä;€".as_bytes()).unwrap().encoding, "utf-8");
        let bom = decode(b"\xEF\xBB\xBFM\xC3\xA4\xC3\xA4r\xC3\xA4").unwrap();
        assert_eq!((bom.text.as_ref(), bom.encoding), ("Määrä", "utf-8"));
        let cp = decode(b"M\xE4\xE4r\xE4;12,50 \x80").unwrap();
        assert_eq!((cp.text.as_ref(), cp.encoding), ("Määrä;12,50 €", "windows-1252"));
        let latin9 = decode(b"M\xE4\xE4r\xE4;12,50 \xA4").unwrap();
        assert_eq!((latin9.text.as_ref(), latin9.encoding), ("Määrä;12,50 €", "iso-8859-15"));
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("Määrä\t1".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode(&utf16).unwrap().text, "Määrä\t1");
        let no_bom: Vec<u8> = "Toimittaja;Tuote".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&no_bom).err(), Some(IngestError::WrongEncoding));
        assert_eq!(
            decode(b"Toimittaja;Tuote;M\x81\x8Dr\xE4;Sopimustyyppi;Lisenssityyppi\n").err(),
            Some(IngestError::WrongEncoding)
        );
    }

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a;b;c\n1,5;2,5;3\n4;5;6\n"), b';');
        assert_eq!(detect_delimiter("a,b,c\n1.5,2.5,3\n"), b',');
        assert_eq!(detect_delimiter("a\tb\tc\n1,5\t2\t3\n"), b'\t');
        assert_eq!(detect_delimiter("Inventaario\n\na;b;c\n1;2;3\n"), b';');
    }
}
