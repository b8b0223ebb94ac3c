//! Whether an uploaded file holds a person's e-mail address, for erasing it
//! (`Store::erase_person`): the store keeps files as bytes and cannot read workbooks.
//!
//! CSV and text files are searched as they are; workbooks that are zip containers (xlsx,
//! xlsm, ods) entry by entry, inflated; legacy `.xls` also for the UTF-16 form of the
//! address. Case is ignored (addresses are compared lower-case everywhere). A file that
//! cannot be read is searched as bytes only.

use std::io::{Cursor, Read};

/// Inflated bytes read from one container at most: a zip bomb does not stall an erasure.
const MAX_INFLATED: u64 = 256 * 1024 * 1024;

fn contains_ignoring_case(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Whether `bytes` mention `email`.
pub fn file_mentions(bytes: &[u8], email: &str) -> bool {
    let needle = email.trim().to_lowercase();
    if needle.is_empty() {
        return false;
    }
    if contains_ignoring_case(bytes, needle.as_bytes()) || contains_ignoring_case(bytes, &utf16le(&needle)) {
        return true;
    }
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return false };
    let mut budget = MAX_INFLATED;
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else { continue };
        let mut inflated = Vec::new();
        if entry.take(budget).read_to_end(&mut inflated).is_err() {
            continue;
        }
        budget = budget.saturating_sub(inflated.len() as u64);
        if contains_ignoring_case(&inflated, needle.as_bytes()) {
            return true;
        }
        if budget == 0 {
            break;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn finds_the_address_in_csv_xls_text_and_inside_a_workbook() {
        assert!(file_mentions(
            b"Toimittaja;Yhteyshenkil\xc3\xb6\nMicrosoft;Liisa.K@Example.fi\n",
            "liisa.k@example.fi"
        ));
        assert!(file_mentions(&utf16le("x Liisa.K@example.fi y"), "liisa.k@example.fi"));
        assert!(!file_mentions(b"Microsoft;someone@example.fi", "liisa.k@example.fi"));

        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/sharedStrings.xml", options).unwrap();
        zip.write_all(b"<sst><si><t>liisa.k@example.fi</t></si></sst>").unwrap();
        let xlsx = zip.finish().unwrap().into_inner();
        assert!(!contains_ignoring_case(&xlsx, b"liisa.k@example.fi"), "deflated, the address is not in the bytes");
        assert!(file_mentions(&xlsx, "LIISA.K@example.fi"));
        assert!(!file_mentions(&xlsx, "matti@example.fi"));
    }
}
