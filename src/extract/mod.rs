//! Stage 3, extract: table blocks into line items, self-evaluation tables into
//! indicators, 情况说明 prose into facts.

pub mod aligned;
pub mod column_major;
pub mod facts;
pub mod grid;
pub mod indicators;
pub mod labels;
pub mod tables;

use crate::decode::Text;
use crate::model::LineItem;
use crate::segment::Segmented;
use crate::vocab::Table;

/// How the lines of a table block are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockShape {
    /// Cells split by TAB.
    Tabs,
    /// Cells aligned by runs of spaces (`pdftotext -layout`).
    Aligned,
    /// One column after another, a cell per line (`pdftotext` raw).
    ColumnMajor,
}

/// Line items of every standard table in the document, and what could not be
/// placed.
#[derive(Debug, Default)]
pub struct TablesRead {
    pub items: Vec<LineItem>,
    pub unplaced: usize,
    /// Tables that were found, with the shape each was read as.
    pub found: Vec<(Table, BlockShape)>,
}

/// Decides how a block is laid out from its lines.
pub fn block_shape(text: &Text, body: &std::ops::Range<usize>) -> BlockShape {
    let (mut tabs, mut aligned, mut short, mut nonempty) = (0, 0, 0, 0);
    for i in body.clone() {
        let raw = text.raw_line(i);
        if raw.trim().is_empty() {
            continue;
        }
        nonempty += 1;
        if raw.contains('\t') {
            tabs += 1;
        } else if raw.trim().contains("  ") || raw.trim_start_matches('\u{c}').starts_with("  ") {
            // Column alignment shows as runs of spaces between cells, or as
            // indentation of cells that start right of the first column.
            aligned += 1;
        } else {
            short += 1;
        }
    }
    if nonempty == 0 || tabs * 3 >= nonempty {
        BlockShape::Tabs
    } else if aligned >= short {
        BlockShape::Aligned
    } else {
        BlockShape::ColumnMajor
    }
}

/// Reads every table block of the document.
pub fn read_tables(text: &Text, seg: &Segmented, ocr: bool) -> TablesRead {
    let mut out = TablesRead::default();
    for block in &seg.tables {
        let shape = block_shape(text, &block.body);
        let lines = block.title_line..block.body.end;
        let unit = tables::detect_unit(lines.clone().map(|i| text.line(i)));
        let grid = match shape {
            BlockShape::Tabs => grid::tab_grid(text, lines),
            BlockShape::Aligned => aligned::grid(text, lines, block.table),
            BlockShape::ColumnMajor => {
                // Classes printed with amounts by the tables read so far.
                let mut classes: Vec<String> = out
                    .items
                    .iter()
                    .filter_map(|i| i.subject_code.clone())
                    .filter(|c| c.len() == 3)
                    .collect();
                classes.sort();
                classes.dedup();
                column_major::grid(text, lines, block.table, &column_major::Context { classes })
            }
        };
        let read = tables::read_table(block.table, &grid, unit, ocr);
        out.unplaced += read.unplaced;
        out.items.extend(read.items);
        out.found.push((block.table, shape));
    }
    labels::repair(&mut out.items);
    out
}
