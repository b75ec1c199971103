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
    /// One row per line, cells split by single spaces, blank cells gone
    /// (`pdftotext -raw`, pdfplumber's plain text).
    Flat,
}

/// Line items of every standard table in the document, and what could not be
/// placed.
#[derive(Debug, Default)]
pub struct TablesRead {
    pub items: Vec<LineItem>,
    pub unplaced: usize,
    /// Table blocks that were found, in document order.
    pub found: Vec<FoundTable>,
}

/// One table block as found and read: what it printed against what it gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundTable {
    pub table: Table,
    pub shape: BlockShape,
    /// Money figures printed in the block, counted on the text, not on what
    /// the reader understood: the measure of what a reader may have lost.
    pub figures: usize,
    /// Line items the block gave.
    pub emitted: usize,
    /// Amounts the reader saw but could not place.
    pub unplaced: usize,
}

impl FoundTable {
    /// Printed figures neither emitted nor counted as unplaced.
    pub fn lost(&self) -> usize {
        self.figures.saturating_sub(self.emitted + self.unplaced)
    }
}

/// Money figures printed on lines `lines`: cells (split by TAB, else by
/// spaces) that read as an amount with decimals or thousands separators.
/// Bare integers are left out: they are as often 行次, 栏次 or codes.
pub fn count_figures(text: &Text, lines: std::ops::Range<usize>) -> usize {
    let mut n = 0;
    for i in lines {
        let l = text.line(i);
        let cells: Box<dyn Iterator<Item = &str>> = if l.contains('\t') {
            Box::new(l.split('\t'))
        } else {
            Box::new(l.split_whitespace())
        };
        for c in cells {
            let c = c.trim();
            if c.len() < 3 || !c.bytes().any(|b| b == b'.' || b == b',') {
                continue;
            }
            if crate::amount::parse_printed(c).is_some() {
                n += 1;
            }
        }
    }
    n
}

/// Decides how a block is laid out from its lines, as the first readers did:
/// TAB rows, space-aligned columns, or a cell stream.
pub fn legacy_shape(text: &Text, body: &std::ops::Range<usize>) -> BlockShape {
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

/// One table block read by the first readers (one per layout, each with its
/// own notion of columns). `classes`: function classes the document's other
/// tables printed, for the column-major reader; `cell_stream`: whether the
/// block prints a cell per line ([`crate::table::read::LineShapes`]);
/// `anchors`: figures other tables print for its rows (two-sided tables);
/// `rebuilt`: the column-major reader's rows of this block, shared with the
/// grid model ([`column_major::grid_once`]).
pub fn legacy_block(
    text: &Text,
    block: &crate::segment::TableBlock,
    ocr: bool,
    classes: &[String],
    anchors: &[column_major::Anchor],
    cell_stream: bool,
    rebuilt: &mut Option<(column_major::Context, grid::Grid)>,
) -> (Vec<LineItem>, FoundTable) {
    let shape = legacy_shape(text, &block.body);
    let lines = block.title_line..block.body.end;
    let unit = tables::block_unit(text, block.title_line, block.body.end);
    let grid = match shape {
        BlockShape::Tabs | BlockShape::Flat => grid::tab_grid(text, lines),
        BlockShape::Aligned => aligned::grid(text, lines, block.table),
        BlockShape::ColumnMajor => {
            let context = column_major::Context {
                classes: column_major::classes_read(block.table, classes),
                anchors: anchors.to_vec(),
                cell_stream,
            };
            column_major::grid_once(text, lines, block.table, context, rebuilt)
        }
    };
    let read = tables::read_table(block.table, &grid, unit, ocr);
    let found = FoundTable {
        table: block.table,
        shape,
        figures: count_figures(text, block.body.clone()),
        emitted: read.items.len(),
        unplaced: read.unplaced,
    };
    (read.items, found)
}
