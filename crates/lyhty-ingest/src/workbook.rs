//! Workbooks (xlsx/xlsm, ods, xls) through calamine, with their sizes checked first.
//!
//! A small file can declare or hold a huge sheet, and calamine allocates for what a sheet
//! declares (xls), or expands repeated rows and columns (ods). So before calamine loads any
//! cells, each format is measured cheaply: the xlsx `<dimension>` element and the actual
//! cell positions (xlsx cells are streamed, never loaded as a whole sheet), the ods table
//! extents by a scan of `content.xml`, and the xls `DIMENSIONS` and cell records by a scan of
//! the BIFF stream. Macros are never run and external links never followed: calamine reads
//! cell values and cached formula results only, and this crate asks for nothing else.

use crate::headers::{HEADER_SEARCH_ROWS, is_preferred_sheet};
use crate::rows::{HeaderProbe, RowSink};
use crate::values::Cell;
use crate::{IngestError, Limits};
use calamine::{Data, DataRef, Ods, OdsError, Range, Reader, Xls, XlsError, Xlsx, XlsxError};
use chrono::NaiveDate;
use std::borrow::Cow;
use std::io::{Cursor, Read};

/// Rows allowed beyond `max_rows` for title rows, the header, notes and a total row.
const ROW_SLACK: u64 = HEADER_SEARCH_ROWS as u64 + 100;

/// Checks a sheet's size against the limits.
fn check_size(sheet: &str, rows: u64, columns: u64, limits: &Limits) -> Result<(), IngestError> {
    if rows > u64::from(limits.max_rows) + ROW_SLACK
        || columns > u64::from(limits.max_columns)
        || rows.saturating_mul(columns) > limits.max_cells
    {
        return Err(IngestError::SheetTooLarge { sheet: sheet.to_owned(), rows, columns });
    }
    Ok(())
}

/// Sheets in the order they are tried: a "Lisenssit"/"Licences" sheet first, then the rest
/// in workbook order.
fn sheet_order(names: &[String]) -> Vec<String> {
    let (mut first, rest): (Vec<String>, Vec<String>) = names.iter().cloned().partition(|n| is_preferred_sheet(n));
    first.extend(rest);
    first
}

fn corrupt(e: impl std::fmt::Display) -> IngestError {
    IngestError::CorruptFile { detail: e.to_string() }
}

fn date_cell(dt: &calamine::ExcelDateTime) -> Cell<'static> {
    if dt.is_datetime() {
        let (y, m, d, ..) = dt.to_ymd_hms_milli();
        if let Some(date) = NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
            return Cell::Date(date);
        }
    }
    Cell::Number(dt.as_f64())
}

// ---------------------------------------------------------------------------------------
// xlsx / xlsm

fn xlsx_error(e: XlsxError) -> IngestError {
    match e {
        XlsxError::Password => IngestError::PasswordProtected,
        other => corrupt(other),
    }
}

fn convert_ref<'a>(v: &DataRef<'a>) -> Cell<'a> {
    match v {
        DataRef::Empty => Cell::Empty,
        DataRef::SharedString(s) => Cell::Text(Cow::Borrowed(*s)),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(Cow::Owned(s.clone())),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_cell(dt),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Streams one xlsx sheet row by row, after checking its declared dimension.
fn stream_xlsx_sheet<RS: Read + std::io::Seek>(
    wb: &mut Xlsx<RS>,
    name: &str,
    limits: &Limits,
    sink: &mut dyn RowSink,
) -> Result<(), IngestError> {
    let mut reader = wb.worksheet_cells_reader(name).map_err(xlsx_error)?;
    let dim = reader.dimensions();
    let rows = u64::from(dim.end.0.saturating_sub(dim.start.0)) + 1;
    let columns = u64::from(dim.end.1.saturating_sub(dim.start.1)) + 1;
    check_size(name, rows, columns, limits)?;

    // The declared dimension can lie; cells are streamed, so what is never held in memory is
    // a whole sheet. Columns beyond the limit are dropped, and the validator counts rows.
    let max_columns = limits.max_columns as usize;
    let mut cells: Vec<Cell<'_>> = Vec::new();
    let mut current: Option<u32> = None;
    while let Some(cell) = reader.next_cell().map_err(xlsx_error)? {
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(prev) = current
                && !cells.is_empty()
                && sink.row(prev.saturating_add(1), &cells).is_break()
            {
                return Ok(());
            }
            cells.clear();
            current = Some(r);
        }
        let c = c as usize;
        if c >= max_columns {
            continue;
        }
        if cells.len() <= c {
            cells.resize(c + 1, Cell::Empty);
        }
        cells[c] = convert_ref(cell.get_value());
    }
    if let Some(prev) = current
        && !cells.is_empty()
    {
        let _ = sink.row(prev.saturating_add(1), &cells);
    }
    Ok(())
}

pub(crate) fn read_xlsx(bytes: &[u8], limits: &Limits, sink: &mut dyn RowSink) -> Result<(), IngestError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let is_1904 = wb.has_1904_epoch();
    let mut chosen = None;
    for name in sheet_order(&wb.sheet_names()) {
        let mut probe = HeaderProbe::default();
        stream_xlsx_sheet(&mut wb, &name, limits, &mut probe)?;
        if probe.found.is_some() {
            chosen = Some(name);
            break;
        }
    }
    let name = chosen.ok_or(IngestError::NoHeaderRow { searched: HEADER_SEARCH_ROWS })?;
    sink.begin(Some(&name), is_1904);
    stream_xlsx_sheet(&mut wb, &name, limits, sink)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// ods and xls: calamine loads whole sheets, so they are measured before it opens the file.

fn convert<'a>(v: &'a Data) -> Cell<'a> {
    match v {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(Cow::Borrowed(s)),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_cell(dt),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Hands a loaded sheet to `sink` row by row.
fn feed_range(range: &Range<Data>, limits: &Limits, sink: &mut dyn RowSink) {
    let Some((r0, c0)) = range.start() else { return };
    let max_columns = limits.max_columns as usize;
    let mut cells: Vec<Cell<'_>> = Vec::new();
    for (i, row) in range.rows().enumerate() {
        if row.iter().all(|d| matches!(d, Data::Empty)) {
            continue;
        }
        cells.clear();
        cells.resize((c0 as usize).min(max_columns), Cell::Empty);
        cells.extend(row.iter().take(max_columns.saturating_sub(c0 as usize)).map(convert));
        let excel_row = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(r0).saturating_add(1);
        if sink.row(excel_row, &cells).is_break() {
            return;
        }
    }
}

/// Picks the sheet with a header and reads it, for readers that load whole sheets.
fn read_loaded(
    mut load: impl FnMut(&str) -> Result<Range<Data>, IngestError>,
    names: Vec<String>,
    is_1904: bool,
    limits: &Limits,
    sink: &mut dyn RowSink,
) -> Result<(), IngestError> {
    for name in sheet_order(&names) {
        let range = load(&name)?;
        let mut probe = HeaderProbe::default();
        feed_range(&range, limits, &mut probe);
        if probe.found.is_some() {
            sink.begin(Some(&name), is_1904);
            feed_range(&range, limits, sink);
            return Ok(());
        }
    }
    Err(IngestError::NoHeaderRow { searched: HEADER_SEARCH_ROWS })
}

fn ods_error(e: OdsError) -> IngestError {
    match e {
        OdsError::Password => IngestError::PasswordProtected,
        OdsError::CellLimitExceeded { requested, .. } => {
            IngestError::SheetTooLarge { sheet: String::new(), rows: requested as u64, columns: 1 }
        }
        other => corrupt(other),
    }
}

pub(crate) fn read_ods(bytes: &[u8], limits: &Limits, sink: &mut dyn RowSink) -> Result<(), IngestError> {
    scan_ods(bytes, limits)?;
    let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(ods_error)?;
    let names = wb.sheet_names();
    read_loaded(|n| wb.worksheet_range(n).map_err(ods_error), names, false, limits, sink)
}

/// Measures every table of an ods `content.xml`: rows up to the last one with content
/// (repeats counted) and columns up to the last cell with content.
fn scan_ods(bytes: &[u8], limits: &Limits) -> Result<(), IngestError> {
    use quick_xml::events::{BytesStart, Event};
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let entry = archive.by_name("content.xml").map_err(corrupt)?;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(entry));
    let repeat = |e: &BytesStart<'_>, attr: &str| -> u64 {
        e.attributes().flatten().find(|a| a.key.as_ref() == attr).and_then(|a| a.value.trim().parse().ok()).unwrap_or(1)
    };
    let has_value = |e: &BytesStart<'_>| e.attributes().flatten().any(|a| a.key.as_ref() == "office:value-type");

    let mut buf = Vec::new();
    let mut table = String::new();
    let (mut row_pos, mut rows_extent, mut max_cols) = (0u64, 0u64, 0u64);
    let (mut row_repeat, mut col_pos, mut row_width) = (1u64, 0u64, 0u64);
    loop {
        let event = xml.read_event_into(&mut buf).map_err(corrupt)?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty_element = matches!(event, Event::Empty(_));
                match e.name().as_ref() {
                    "table:table" => {
                        table = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == "table:name")
                            .map(|a| a.value.into_owned())
                            .unwrap_or_default();
                        (row_pos, rows_extent, max_cols) = (0, 0, 0);
                    }
                    "table:table-row" => {
                        row_repeat = repeat(e, "table:number-rows-repeated");
                        (col_pos, row_width) = (0, 0);
                        if empty_element {
                            row_pos = row_pos.saturating_add(row_repeat);
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        let n = repeat(e, "table:number-columns-repeated");
                        col_pos = col_pos.saturating_add(n);
                        if has_value(e) || !empty_element {
                            row_width = col_pos;
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-row" => {
                    row_pos = row_pos.saturating_add(row_repeat);
                    if row_width > 0 {
                        rows_extent = row_pos;
                        max_cols = max_cols.max(row_width);
                        check_size(&table, rows_extent, max_cols, limits)?;
                    }
                }
                "table:table" => check_size(&table, rows_extent, max_cols, limits)?,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

fn xls_error(e: XlsError) -> IngestError {
    match e {
        XlsError::Password => IngestError::PasswordProtected,
        other => corrupt(other),
    }
}

pub(crate) fn read_xls(bytes: &[u8], limits: &Limits, sink: &mut dyn RowSink) -> Result<(), IngestError> {
    scan_biff(bytes, limits)?;
    let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
    let is_1904 = wb.has_1904_epoch();
    let names = wb.sheet_names();
    read_loaded(|n| wb.worksheet_range(n).map_err(xls_error), names, is_1904, limits, sink)
}

/// Walks the BIFF records of an xls workbook stream: refuses encryption (`FILEPASS`) and any
/// sheet whose `DIMENSIONS` or cell positions exceed the limits. calamine reserves memory
/// for the declared dimensions and lays every sheet out densely, so this must come first.
fn scan_biff(bytes: &[u8], limits: &Limits) -> Result<(), IngestError> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(corrupt)?;
    let name = if cfb.is_stream("Workbook") { "Workbook" } else { "Book" };
    let mut stream = Vec::new();
    cfb.open_stream(name).and_then(|mut s| s.read_to_end(&mut stream)).map_err(corrupt)?;
    let u16_at = |d: &[u8], i: usize| d.get(i..i + 2).map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])));
    let u32_at = |d: &[u8], i: usize| d.get(i..i + 4).map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])));

    let mut pos = 0usize;
    let mut substream = 0u32;
    let (mut max_row, mut max_col) = (0u64, 0u64);
    while pos + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[pos], stream[pos + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[pos + 2], stream[pos + 3]]));
        let Some(data) = stream.get(pos + 4..pos + 4 + len) else { break };
        pos += 4 + len;
        let sheet = || format!("#{substream}");
        match typ {
            0x0809 => {
                substream += 1;
                (max_row, max_col) = (0, 0);
            }
            0x002F => return Err(IngestError::PasswordProtected),
            0x0200 => {
                let (rows, cols) = if len >= 14 {
                    (u32_at(data, 4).unwrap_or(0).saturating_sub(u32_at(data, 0).unwrap_or(0)), {
                        u16_at(data, 10).unwrap_or(0).saturating_sub(u16_at(data, 8).unwrap_or(0))
                    })
                } else {
                    (
                        u16_at(data, 2).unwrap_or(0).saturating_sub(u16_at(data, 0).unwrap_or(0)),
                        u16_at(data, 6).unwrap_or(0).saturating_sub(u16_at(data, 4).unwrap_or(0)),
                    )
                };
                check_size(&sheet(), rows, cols, limits)?;
            }
            0x0203 | 0x0204 | 0x00FD | 0x027E | 0x0205 | 0x0006 | 0x00D6 | 0x0201 => {
                max_row = max_row.max(u16_at(data, 0).unwrap_or(0));
                max_col = max_col.max(u16_at(data, 2).unwrap_or(0));
                check_size(&sheet(), max_row + 1, max_col + 1, limits)?;
            }
            0x00BD => {
                max_row = max_row.max(u16_at(data, 0).unwrap_or(0));
                max_col = max_col.max(len.checked_sub(2).and_then(|i| u16_at(data, i)).unwrap_or(0));
                check_size(&sheet(), max_row + 1, max_col + 1, limits)?;
            }
            _ => {}
        }
    }
    Ok(())
}
