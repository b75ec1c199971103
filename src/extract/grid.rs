//! The shape-independent form of a table: rows of cells with their column
//! index. Each input shape (tab rows, column-aligned text, column-major text)
//! has a reader that builds a [`Grid`]; `tables` interprets grids the same way
//! whatever the shape.

use crate::decode::Text;

/// One cell: its text normalised (NFKC, markup removed, trimmed) and as printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub raw: String,
    /// Column index in the grid.
    pub col: usize,
    /// 0-based line of the decoded text the cell was printed on (a row of a
    /// column-aligned table may gather cells from several lines).
    pub line: usize,
}

/// One row of a grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// 0-based line of the decoded text the row (its amounts) came from.
    pub line: usize,
    /// Non-empty cells, in column order.
    pub cells: Vec<Cell>,
}

impl Row {
    /// The header a reader writes for a shape whose printed header cannot be
    /// read cell by cell (column-aligned, column-major): `labels` at columns
    /// 0, 1, …, on no line of the text.
    pub fn synthetic_header<'a>(labels: impl IntoIterator<Item = &'a str>) -> Row {
        let cells = labels
            .into_iter()
            .enumerate()
            .map(|(col, text)| Cell {
                text: text.to_string(),
                raw: String::new(),
                col,
                line: 0,
            })
            .collect();
        Row { line: 0, cells }
    }

    pub fn cell_at(&self, col: usize) -> Option<&Cell> {
        self.cells.iter().find(|c| c.col == col)
    }

    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.cells.iter().map(|c| c.text.as_str())
    }

    /// All cell texts joined, for vocabulary tests on the whole row.
    pub fn joined(&self) -> String {
        let mut s = String::new();
        for c in &self.cells {
            s.push_str(&c.text);
        }
        s
    }
}

/// Rows of one table block. `positional` says whether column indices are
/// comparable across rows (true for tab rows and aligned columns).
#[derive(Clone, Debug, Default)]
pub struct Grid {
    pub rows: Vec<Row>,
    /// Lines of amounts whose row the reader inferred from the reading order
    /// alone, within a set an identity proves (column-major table 06): the
    /// items read from them are flagged `placed_by_order`.
    pub placed_by_order: Vec<usize>,
}

/// Reads tab-separated rows: every line of the block becomes a row, cells split
/// by TAB with empty cells dropped but their index kept.
pub fn tab_grid(text: &Text, lines: std::ops::Range<usize>) -> Grid {
    let mut rows = Vec::new();
    for i in lines {
        let norm = text.line(i);
        if norm.trim().is_empty() {
            continue;
        }
        let raw = text.raw_line(i);
        let raw_cells: Vec<&str> = raw.split('\t').collect();
        let mut cells = Vec::new();
        for (col, cell) in norm.split('\t').enumerate() {
            let t = cell.trim();
            if t.is_empty() {
                continue;
            }
            let r = raw_cells.get(col).map(|s| s.trim()).unwrap_or(t);
            cells.push(Cell {
                text: t.to_string(),
                raw: r.to_string(),
                col,
                line: i,
            });
        }
        rows.push(Row { line: i, cells });
    }
    Grid {
        rows,
        ..Grid::default()
    }
}
