//! Layout readers: a table block of decoded text into a [`CellGrid`].
//!
//! One reader per way converters lay a table out. Each knows how cells are
//! separated and where they stand, nothing of the nine tables.

mod flat;
mod positioned;
mod tab;

pub use flat::ordered;
pub use positioned::positioned;
pub use tab::tab_rows;

use crate::decode::Text;

use super::grid::CellGrid;

/// How the lines of a block are laid out, decided on the lines themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockLayout {
    /// Cells split by TAB.
    Tabs,
    /// Cells aligned by runs of spaces (`pdftotext -layout`, pdfplumber's
    /// layout mode, PyMuPDF sorted text).
    Aligned,
    /// One table row per line, cells split by single spaces, blank cells
    /// gone (`pdftotext -raw`, pdfplumber's plain text).
    Flat,
    /// A cell per line, column by column or row by row (`pdftotext`
    /// default, PyMuPDF block order).
    Stream,
}

/// Decides the layout of lines `body` from their shapes.
pub fn detect(text: &Text, body: std::ops::Range<usize>) -> BlockLayout {
    let (mut tabs, mut aligned, mut flat, mut single, mut nonempty) = (0, 0, 0, 0, 0);
    // Lines that hold a name and an amount, or several amounts: a row, which
    // a stream of cells never prints on one line.
    let mut rows = 0;
    for i in body {
        let raw = text.raw_line(i);
        let t = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}');
        if t.is_empty() {
            continue;
        }
        nonempty += 1;
        if raw.contains('\t') {
            tabs += 1;
        } else if t.contains("  ") || raw.trim_start_matches('\u{c}').starts_with("  ") {
            // Column alignment shows as runs of spaces between cells, or as
            // indentation of cells that start right of the first column.
            aligned += 1;
        } else if t.contains(' ') {
            flat += 1;
            let amounts = t
                .split(' ')
                .filter(|w| w.contains('.') && crate::amount::parse_printed(w).is_some())
                .count();
            if amounts >= 2 || amounts == 1 && t.chars().any(crate::text::is_han) {
                rows += 1;
            }
        } else {
            single += 1;
        }
    }
    if nonempty == 0 || tabs * 3 >= nonempty {
        BlockLayout::Tabs
    } else if aligned >= flat && aligned * 2 >= single {
        BlockLayout::Aligned
    } else if flat * 2 >= single || rows >= 3 && rows * 4 >= single {
        BlockLayout::Flat
    } else {
        BlockLayout::Stream
    }
}

/// Reads a block with the reader its layout calls for; `None` for streams,
/// which the stream reader rebuilds elsewhere.
pub fn read(text: &Text, lines: std::ops::Range<usize>, layout: BlockLayout) -> Option<CellGrid> {
    match layout {
        BlockLayout::Tabs => Some(tab_rows(text, lines)),
        BlockLayout::Aligned => Some(positioned(text, lines)),
        BlockLayout::Flat => Some(ordered(text, lines)),
        BlockLayout::Stream => None,
    }
}
