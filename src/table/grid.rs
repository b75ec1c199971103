//! The one intermediate form of a table block: positioned cells.
//!
//! Every layout reader (TAB rows, column-aligned text, row-major flat text,
//! cell streams, PDF lattices) turns a block into a [`CellGrid`]; the
//! assembler reads grids the same way whatever produced them. Readers know
//! nothing of the nine tables: they say where each cell is, and what they
//! know of its column.

use std::ops::Range;

use crate::amount::parse_printed;

/// What a cell holds, decided once per cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// A number with decimals or thousands separators (money as printed).
    Amount,
    /// Digits only: a subject code or a part of one, a 行次, a 栏次, or an
    /// amount printed without decimals; the assembler decides by position.
    Digits,
    /// Anything else: a label, a header word, a name fragment.
    Text,
}

/// How cells are laid out horizontally, which says what `x` means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// The reader knows each cell's column (TAB rows, ruled PDF cells):
    /// `col` is set, `x` is the column index.
    Columns,
    /// Cells stand at measured positions (column-aligned text, unruled PDF
    /// tables): `x` holds extents in two units, characters and display
    /// columns, for the assembler to choose from.
    Positioned,
    /// Only the order of cells on a line is known (row-major flat text, where
    /// blank cells vanish).
    Ordered,
}

/// A horizontal extent `[x0, x1)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub x0: u32,
    pub x1: u32,
}

impl Span {
    pub fn overlap(self, o: Span) -> u32 {
        self.x1.min(o.x1).saturating_sub(self.x0.max(o.x0))
    }

    pub fn center2(self) -> u32 {
        self.x0 + self.x1
    }

    pub fn width(self) -> u32 {
        self.x1.saturating_sub(self.x0)
    }
}

/// Where a cell's amount came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Provenance {
    /// Printed at its place: the reader or the header geometry gives its
    /// column and row.
    #[default]
    Printed,
    /// The identities chose its column among those the layout allowed.
    Identity,
    /// Only reading order (or a template prior) placed it.
    Order,
}

/// One cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Normalised text (NFKC, markup removed, trimmed): a range of the
    /// grid's text.
    text: Range<u32>,
    /// The cell as printed: a range of the grid's text.
    raw: Range<u32>,
    /// 0-based line of the decoded text.
    pub line: u32,
    /// The row of the grid the reader put the cell in: its line for text
    /// readers; readers that rebuild rows (cell streams) number them.
    pub row: u32,
    /// Extent in characters (`Positioned`) or the column index (`Columns`).
    pub x: Span,
    /// Extent in display columns (CJK two wide); `Positioned` only.
    pub xd: Span,
    /// Column identity when the reader knows it.
    pub col: Option<u16>,
    /// 1-based PDF page, when the text came from one.
    pub page: Option<u32>,
    /// Page-break segment within the block (0, 1, …): positions are only
    /// comparable within one segment (a new page may shift every column).
    pub segment: u16,
    pub kind: CellKind,
}

/// The cells of one table block, in reading order (by line, then left to
/// right), with their texts in one buffer.
#[derive(Clone, Debug)]
pub struct CellGrid {
    pub layout: Layout,
    pub cells: Vec<Cell>,
    text: String,
    /// Segment of the cells pushed next.
    segment: u16,
    /// Row of the cells pushed next, when the reader numbers rows.
    row: Option<u32>,
}

impl CellGrid {
    pub fn new(layout: Layout) -> Self {
        CellGrid {
            layout,
            cells: Vec::new(),
            text: String::new(),
            segment: 0,
            row: None,
        }
    }

    /// Puts the cells pushed next in grid row `row` (readers that rebuild
    /// rows); by default a cell's row is its line.
    pub fn set_row(&mut self, row: u32) {
        self.row = Some(row);
    }

    /// Starts a new page-break segment for the cells pushed next.
    pub fn page_break(&mut self) {
        if self.cells.last().is_some_and(|c| c.segment == self.segment) {
            self.segment += 1;
        }
    }

    /// Adds a cell; `norm` is its normalised text, `raw` as printed.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        norm: &str,
        raw: &str,
        line: usize,
        x: Span,
        xd: Span,
        col: Option<u16>,
        kind: Option<CellKind>,
    ) {
        let norm = norm.trim();
        if norm.is_empty() {
            return;
        }
        if kind.is_none()
            && let Some((code, name)) = code_and_name(norm)
        {
            // A subject code and its name in one cell (columns too close for
            // the converter or the stream reader to part): two cells, so the
            // code is a code and never money nor part of the name.
            // The code and the blank after it are ASCII: one column each in
            // characters and in display width alike.
            let (code_w, prefix) = (code.len() as u32, (norm.len() - name.len()) as u32);
            let part = |sp: Span| {
                (
                    Span {
                        x0: sp.x0,
                        x1: sp.x0 + code_w,
                    },
                    Span {
                        x0: sp.x0 + prefix,
                        x1: sp.x1,
                    },
                )
            };
            let ((xc, xn), (xdc, xdn)) = match self.layout {
                Layout::Columns => ((x, x), (xd, xd)),
                _ => (part(x), part(xd)),
            };
            let raw_parts = code_and_name(raw.trim());
            let (raw_code, raw_name) = raw_parts.unwrap_or((code, name));
            self.push(code, raw_code, line, xc, xdc, col, Some(CellKind::Digits));
            self.push(name, raw_name, line, xn, xdn, col, None);
            return;
        }
        let kind = kind.unwrap_or_else(|| classify(norm));
        let t0 = self.text.len() as u32;
        self.text.push_str(norm);
        let t1 = self.text.len() as u32;
        self.text.push_str(raw.trim());
        let r1 = self.text.len() as u32;
        self.cells.push(Cell {
            text: t0..t1,
            raw: t1..r1,
            line: line as u32,
            row: self.row.unwrap_or(line as u32),
            x,
            xd,
            col,
            page: None,
            segment: self.segment,
            kind,
        });
    }

    pub fn text(&self, c: &Cell) -> &str {
        &self.text[c.text.start as usize..c.text.end as usize]
    }

    pub fn raw(&self, c: &Cell) -> &str {
        &self.text[c.raw.start as usize..c.raw.end as usize]
    }

    /// The cells of each grid row, in order: `(row, cells)`.
    pub fn lines(&self) -> Vec<(u32, Range<usize>)> {
        let mut out: Vec<(u32, Range<usize>)> = Vec::new();
        for (i, c) in self.cells.iter().enumerate() {
            match out.last_mut() {
                Some((l, r)) if *l == c.row => r.end = i + 1,
                _ => out.push((c.row, i..i + 1)),
            }
        }
        out
    }
}

/// Digits that can be a whole subject code: 3, 5 or 7 of them, 类 1 to 3
/// (2 function classes, 3 economic ones).
pub(crate) fn code_like(digits: &str) -> bool {
    matches!(digits.len(), 3 | 5 | 7) && matches!(digits.as_bytes()[0], b'1' | b'2' | b'3')
}

/// `201 一般公共服务支出`: a subject code, blank space, then a name that
/// starts with a letter, not a figure.
fn code_and_name(text: &str) -> Option<(&str, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if !code_like(&text[..digits]) {
        return None;
    }
    let (code, rest) = text.split_at(digits);
    let name = rest.trim_start();
    if name.len() == rest.len() {
        return None;
    }
    let first = name.chars().next()?;
    (!first.is_ascii() && first.is_alphabetic()).then_some((code, name))
}

/// Decides a cell's kind from its normalised text.
pub fn classify(text: &str) -> CellKind {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return CellKind::Digits;
    }
    match parse_printed(text) {
        Some(_) if text.bytes().any(|b| b.is_ascii_digit()) => CellKind::Amount,
        _ => CellKind::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_text_and_print() {
        let mut g = CellGrid::new(Layout::Ordered);
        g.push(
            "1,234.50",
            "１,２３４.５０",
            3,
            Span::default(),
            Span::default(),
            None,
            None,
        );
        g.push(
            "合计",
            "合 计",
            3,
            Span::default(),
            Span::default(),
            None,
            None,
        );
        g.push("  ", "  ", 4, Span::default(), Span::default(), None, None);
        assert_eq!(g.cells.len(), 2);
        assert_eq!(g.text(&g.cells[0]), "1,234.50");
        assert_eq!(g.raw(&g.cells[0]), "１,２３４.５０");
        assert_eq!(g.cells[0].kind, CellKind::Amount);
        assert_eq!(g.cells[1].kind, CellKind::Text);
        assert_eq!(classify("2080501"), CellKind::Digits);
        assert_eq!(classify("-"), CellKind::Text);
        assert_eq!(g.lines(), vec![(3, 0..2)]);
    }

    #[test]
    fn a_code_and_its_name_in_one_cell_are_two_cells() {
        let mut g = CellGrid::new(Layout::Positioned);
        let x = Span { x0: 4, x1: 16 };
        g.push("2010102 一般行政", "2010102 一般行政", 7, x, x, None, None);
        // Not codes: a year, a row number, a figure, a code glued to its name.
        for t in [
            "2021 年度",
            "12 合计",
            "301 1.50",
            "201一般公共服务支出",
            "401 收入",
        ] {
            g.push(t, t, 8, x, x, None, None);
        }
        let cells: Vec<(&str, CellKind, u32)> = g
            .cells
            .iter()
            .map(|c| (g.text(c), c.kind, c.x.x0))
            .collect();
        assert_eq!(cells[0], ("2010102", CellKind::Digits, 4));
        assert_eq!(cells[1], ("一般行政", CellKind::Text, 12));
        assert_eq!(g.cells[0].x.x1, 11);
        assert_eq!(cells.len(), 7, "{cells:?}");
        assert!(cells[2..].iter().all(|c| c.2 == 4));
    }
}
