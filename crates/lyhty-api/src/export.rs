//! A party's data as one archive, to return it (agreement §17: "palauttavat viipymättä
//! sopimuksen perusteella saamansa aineiston ja tiedot niiden luovuttajille"; NETWORK.md
//! "Personal data and retention").
//!
//! The archive holds every file the party uploaded as received (an erased file leaves a
//! note in its place), the current inventory as JSON and as a marked workbook, its invoices
//! and credit notes as PDF and UBL, its payments, its signed accession agreements, a
//! `manifest.json` listing every entry with its SHA-256, and a `README.txt`. The archive is
//! one organisation's data, so it is marked confidential (§14) in the README, the manifest,
//! the workbook and the archive comment. Building it is plain CPU work on plain values: the
//! route gathers the values and runs this on the blocking pool.

use chrono::{DateTime, Utc};
use lyhty_domain::licence::LicenceLine;
use lyhty_domain::privacy::{CONFIDENTIALITY_KEY, confidentiality_all_languages, confidentiality_term};
use lyhty_domain::{Lang, Org};
use lyhty_finance::InvoiceDocument;
use lyhty_store::{AgreementMeta, InvoiceRecord, PaymentRecord, StoredFile, SubmissionMeta};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

/// Everything that goes into one party's archive.
pub struct ExportInput {
    pub org: Org,
    pub generated_at: DateTime<Utc>,
    pub files: Vec<StoredFile>,
    pub current: Option<SubmissionMeta>,
    pub lines: Vec<LicenceLine>,
    pub invoices: Vec<(InvoiceRecord, InvoiceDocument)>,
    pub payments: Vec<PaymentRecord>,
    pub agreements: Vec<(AgreementMeta, Vec<u8>)>,
}

/// One entry of the archive, as the manifest lists it.
struct Entry {
    path: String,
    kind: &'static str,
    bytes: Vec<u8>,
}

/// A name safe as one path component inside the archive.
fn component(name: &str) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c }).collect();
    let safe = safe.trim_matches('.').trim();
    if safe.is_empty() { "file".into() } else { safe.chars().take(150).collect() }
}

fn submission_entries(files: &[StoredFile]) -> Vec<Entry> {
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let stem =
                format!("submissions/{:03}-{}-{}", i + 1, f.uploaded_at.format("%Y-%m-%d"), component(&f.file_name));
            match f.erased_at {
                None => Entry { path: stem, kind: "submission_file", bytes: f.bytes.clone() },
                Some(at) => Entry {
                    path: format!("{stem}.erased.txt"),
                    kind: "submission_file_erased",
                    bytes: format!(
                        "This file held personal data that was erased on {} at the person's request.\n\
                         The parsed lines were kept without the contact name and e-mail.\n\
                         Received file: {} (SHA-256 {}).\n",
                        at.format("%Y-%m-%d"),
                        f.file_name,
                        f.sha256
                    )
                    .into_bytes(),
                },
            }
        })
        .collect()
}

/// The inventory as a workbook: the marking first, then one column per field of the line.
pub fn inventory_xlsx(org: &Org, lines: &[LicenceLine], current: Option<&SubmissionMeta>) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let marking = confidentiality_all_languages().replace('\n', " / ");
    // The marking in the printed page's header as well as in the first row.
    sheet.set_header(format!("&C{}", marking.replace('&', "&&")));
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, &marking, &bold)?;
    let version = current.and_then(|c| c.version).map(|v| format!(" — versio {v}")).unwrap_or_default();
    sheet.write_string(1, 0, format!("{}{version}", org.name))?;
    let rows: Vec<serde_json::Map<String, Value>> = lines
        .iter()
        .map(|l| match serde_json::to_value(l) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(anyhow::anyhow!("a licence line is not an object")),
            Err(e) => Err(e.into()),
        })
        .collect::<anyhow::Result<_>>()?;
    let Some(first) = rows.first() else {
        return Ok(book.save_to_buffer()?);
    };
    let columns: Vec<&String> = first.keys().collect();
    for (c, name) in columns.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16, name.as_str(), &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = 4 + r as u32;
        for (c, name) in columns.iter().enumerate() {
            let c = c as u16;
            match row.get(name.as_str()) {
                Some(Value::String(s)) => {
                    sheet.write_string(r, c, s)?;
                }
                Some(Value::Number(n)) => {
                    sheet.write_number(r, c, n.as_f64().unwrap_or_default())?;
                }
                Some(Value::Bool(b)) => {
                    sheet.write_boolean(r, c, *b)?;
                }
                Some(Value::Null) | None => {}
                Some(other) => {
                    sheet.write_string(r, c, other.to_string())?;
                }
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

fn invoice_entries(invoices: &[(InvoiceRecord, InvoiceDocument)]) -> anyhow::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for (invoice, doc) in invoices {
        let name = component(&invoice.number);
        let pdf =
            lyhty_finance::pdf::render_pdf(doc).map_err(|e| anyhow::anyhow!("invoice {}: {e}", invoice.number))?;
        entries.push(Entry { path: format!("invoices/{name}.pdf"), kind: "invoice_pdf", bytes: pdf });
        let ubl = lyhty_finance::ubl::to_ubl(doc).into_bytes();
        entries.push(Entry { path: format!("invoices/{name}.xml"), kind: "invoice_ubl", bytes: ubl });
    }
    Ok(entries)
}

fn readme(input: &ExportInput, entries: &[Entry]) -> String {
    let mut text = format!(
        "{}\n\n{} ({})\nLyhty: {} / {}\n\n",
        confidentiality_all_languages(),
        input.org.name,
        input.org.business_id.as_str(),
        "export of one party's data",
        input.generated_at.to_rfc3339()
    );
    text.push_str(
        "Every file the party uploaded (as received), the current inventory (JSON and XLSX), its \
         invoices and credit notes (PDF and UBL), its payments and its signed accession agreements. \
         manifest.json lists every entry with its SHA-256.\n\n",
    );
    for e in entries {
        text.push_str(&format!("{}\n", e.path));
    }
    text
}

/// Builds the archive.
pub fn build_archive(input: &ExportInput) -> anyhow::Result<Vec<u8>> {
    let mut entries = submission_entries(&input.files);
    let inventory =
        json!({ "submission": input.current, "confidentiality": CONFIDENTIALITY_KEY, "lines": input.lines });
    entries.push(Entry {
        path: "inventory/current.json".into(),
        kind: "inventory_json",
        bytes: serde_json::to_vec_pretty(&inventory)?,
    });
    entries.push(Entry {
        path: "inventory/current.xlsx".into(),
        kind: "inventory_xlsx",
        bytes: inventory_xlsx(&input.org, &input.lines, input.current.as_ref())?,
    });
    entries.extend(invoice_entries(&input.invoices)?);
    entries.push(Entry {
        path: "payments.json".into(),
        kind: "payments",
        bytes: serde_json::to_vec_pretty(&input.payments)?,
    });
    for (meta, file) in &input.agreements {
        let path = format!("agreements/{}-{}", meta.signed_on, component(&meta.file_name));
        entries.push(Entry { path, kind: "accession_agreement", bytes: file.clone() });
    }
    let listed: Vec<Value> = entries
        .iter()
        .map(|e| json!({ "path": e.path, "kind": e.kind, "bytes": e.bytes.len(), "sha256": hex(&Sha256::digest(&e.bytes)) }))
        .collect();
    let manifest = json!({
        "confidentiality": confidentiality_term(),
        "org": { "id": input.org.id, "name": input.org.name, "business_id": input.org.business_id },
        "generated_at": input.generated_at,
        "inventory_version": input.current.as_ref().and_then(|c| c.version),
        "entries": listed,
    });
    let readme = readme(input, &entries);

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.set_comment(confidentiality_all_languages().replace('\n', " / "))?;
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("README.txt", options)?;
    zip.write_all(readme.as_bytes())?;
    zip.start_file("manifest.json", options)?;
    zip.write_all(&serde_json::to_vec_pretty(&manifest)?)?;
    for e in &entries {
        zip.start_file(e.path.as_str(), options)?;
        zip.write_all(&e.bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The archive's file name.
pub fn archive_name(org: &Org, lang: Lang) -> String {
    let word = match lang {
        Lang::Fi => "aineisto",
        Lang::Sv => "material",
        Lang::En => "export",
    };
    format!("lyhty-{word}-{}.zip", org.business_id.as_str())
}

#[cfg(test)]
mod tests {
    use super::component;

    #[test]
    fn names_stay_inside_their_folder() {
        assert_eq!(component("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(component("inventaario 2026.xlsx"), "inventaario 2026.xlsx");
        assert_eq!(component(".."), "file");
    }
}
