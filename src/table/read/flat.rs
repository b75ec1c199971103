//! Row-major flat text (`pdftotext -raw`, pdfplumber's plain text, text
//! copied from a PDF viewer): one table row per line, cells split by single
//! spaces, blank cells gone. Only the order of cells is known.

use crate::decode::Text;
use crate::table::grid::{CellGrid, Layout};

pub fn ordered(text: &Text, lines: std::ops::Range<usize>) -> CellGrid {
    let mut g = CellGrid::new(Layout::Ordered);
    super::positioned::tokens(text, lines, &mut g, false);
    g
}
