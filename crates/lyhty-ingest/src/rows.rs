//! The one interface between the file readers and the validator: rows of cells, in order.

use crate::headers::{HEADER_SEARCH_ROWS, HeaderMap};
use crate::values::Cell;
use std::ops::ControlFlow;

/// Receives the rows of one sheet. `row` is the row number as Excel shows it; `cells` start
/// at column A. Returning `Break` stops the reader (enough seen, or a fatal problem).
pub(crate) trait RowSink {
    /// Called once before the rows of the sheet that is read in full: its name (workbooks)
    /// and whether its serial dates count from 1904 (old Mac Excel).
    fn begin(&mut self, _sheet: Option<&str>, _is_1904: bool) {}

    fn row(&mut self, row: u32, cells: &[Cell<'_>]) -> ControlFlow<()>;
}

/// Looks for a header row in the first rows of a sheet, for choosing the sheet to read.
#[derive(Default)]
pub(crate) struct HeaderProbe {
    pub found: Option<HeaderMap>,
}

impl RowSink for HeaderProbe {
    fn row(&mut self, row: u32, cells: &[Cell<'_>]) -> ControlFlow<()> {
        if row > HEADER_SEARCH_ROWS {
            return ControlFlow::Break(());
        }
        self.found = HeaderMap::recognise(row, cells);
        if self.found.is_some() { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    }
}
