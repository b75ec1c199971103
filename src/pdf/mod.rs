//! PDF input: the only code that touches the PDF library.
//!
//! [`read`] turns bytes into glyphs and ruling segments per page (the library
//! boundary), [`layout`] turns those into text lines and tables (pure
//! geometry), and [`to_text`] writes the layout as text the rest of the
//! pipeline reads unchanged: each table row as one TAB-separated line, each
//! text line as a line, pages in order.

pub mod layout;
pub mod read;

use crate::decode::Text;
use layout::Block;
use thiserror::Error;

/// Why a PDF yields no text. The messages are shown to users in
/// `documents.error`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PdfError {
    #[error("encrypted PDF that needs a password ({0}); save an unprotected copy")]
    Encrypted(String),
    #[error("damaged PDF: the PDF reader could not parse its structure")]
    Damaged,
    #[error("PDF without pages")]
    NoPages,
    #[error("image-only PDF: run OCR first ({pages} page(s) are images without text)")]
    ImageOnly { pages: usize },
    #[error("PDF without text: its {pages} page(s) draw no glyphs and no images")]
    NoText { pages: usize },
    #[error(
        "{unmapped} of {glyphs} glyphs have no Unicode value (fonts without a ToUnicode map); \
         the text cannot be read reliably: convert the PDF with OCR"
    )]
    Unmapped { unmapped: usize, glyphs: usize },
    #[error("the PDF reader failed on this file: {0}")]
    Panic(String),
}

/// True for bytes that are a PDF: the `%PDF-` signature in the first KiB,
/// where readers accept it (some producers put junk before it).
pub fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Share of glyphs without Unicode above which the text is not trusted: a
/// font without a ToUnicode map turns every amount it prints into noise.
const MAX_UNMAPPED: f64 = 0.01;

/// The column boundaries of the table a page ends with, which the next
/// page may continue: nothing after it but short lines (a page number, a
/// footer) or lines within one of its columns (rows printing no amount, a
/// name alone); a note or prose after a table ends it.
fn continued_columns(blocks: &[layout::Block]) -> Option<Vec<f64>> {
    let last = blocks
        .iter()
        .rposition(|b| matches!(b, layout::Block::Table(_)))?;
    let layout::Block::Table(t) = &blocks[last] else {
        return None;
    };
    let in_a_column = |l: &layout::TextLine| {
        t.col_edges
            .windows(2)
            .any(|w| l.x0 >= w[0] - 1.0 && l.x1 <= w[1] + 1.0)
    };
    blocks[last + 1..]
        .iter()
        .all(|b| match b {
            layout::Block::Text(l) => l.text.chars().count() <= 12 || in_a_column(l),
            layout::Block::Table(_) => false,
        })
        .then(|| t.col_edges.clone())
}

/// A PDF as derived text, with the 1-based page of each line of that text.
pub fn to_text(bytes: &[u8]) -> Result<(Text, Vec<u32>), PdfError> {
    let pages = read::read(bytes)?;
    let glyphs: usize = pages.iter().map(|p| p.glyphs.len()).sum();
    let unmapped: usize = pages
        .iter()
        .flat_map(|p| &p.glyphs)
        .filter(|g| g.text == read::UNMAPPED)
        .count();
    if glyphs > 0 && unmapped as f64 > MAX_UNMAPPED * glyphs as f64 {
        return Err(PdfError::Unmapped { unmapped, glyphs });
    }
    let textless = |p: &&read::Page| p.glyphs.iter().all(|g| g.text.trim().is_empty());
    if pages.iter().all(|p| textless(&p)) {
        let imaged = pages.iter().filter(|p| p.image_cover > 0.25).count();
        return Err(if imaged > 0 {
            PdfError::ImageOnly { pages: imaged }
        } else {
            PdfError::NoText { pages: pages.len() }
        });
    }
    let mut out = String::new();
    let mut page_of_line: Vec<u32> = Vec::new();
    let mut carried: Option<Vec<f64>> = None;
    for (k, page) in pages.iter().enumerate() {
        // A form feed before each page's first line, as pdftotext writes:
        // column indexes of a table continued on the next page are the next
        // page's own.
        if k > 0 {
            out.push('\u{c}');
        }
        let laid = layout::layout_continuing(page, carried.as_deref());
        carried = continued_columns(&laid.blocks);
        for block in laid.blocks {
            match block {
                Block::Text(l) => {
                    out.push_str(&l.text);
                    out.push('\n');
                    page_of_line.push(page.number);
                }
                Block::Table(t) => {
                    for row in t.text_rows() {
                        if row.iter().all(|f| f.is_empty()) {
                            continue;
                        }
                        out.push_str(&row.join("\t"));
                        out.push('\n');
                        page_of_line.push(page.number);
                    }
                }
            }
        }
    }
    let text = Text::from_string(&out);
    // `Text` splits on line breaks only; a cell cannot hold one, so the
    // counts agree. Guard anyway: a page map that drifts would mislabel pages.
    page_of_line.resize(text.len(), page_of_line.last().copied().unwrap_or(1));
    Ok((text, page_of_line))
}

#[cfg(test)]
mod tests {
    use super::layout::{Block, LatticeTable, TextLine};
    use super::*;

    fn line(text: &str, x0: f64, x1: f64) -> Block {
        Block::Text(TextLine {
            text: text.to_string(),
            y: 500.0,
            x0,
            x1,
        })
    }

    /// A table whose page ends with rows printing no amount (names alone in
    /// the name column) and a page number continues on the next page; one
    /// followed by prose across its columns, or by a note, does not.
    #[test]
    fn a_table_continues_past_names_alone_and_a_page_number_not_past_prose() {
        let table = Block::Table(LatticeTable {
            rows: 1,
            cols: 3,
            ruled: false,
            row_edges: vec![100.0, 120.0],
            col_edges: vec![50.0, 150.0, 250.0, 350.0],
            cells: Vec::new(),
        });
        let names = line("十四、资源勘探工业信息等支出", 152.0, 248.0);
        let page_number = line("-8-", 190.0, 205.0);
        let prose = line(
            "注：本表反映部门本年度财政拨款总收支和结转结余情况。",
            50.0,
            330.0,
        );
        let carried = |blocks: Vec<Block>| continued_columns(&blocks);
        assert_eq!(
            carried(vec![table.clone(), names.clone(), page_number.clone()]),
            Some(vec![50.0, 150.0, 250.0, 350.0])
        );
        assert_eq!(carried(vec![table, names, prose, page_number]), None);
    }
}
