//! TAB rows: every line a row, cells split by TAB, the column index known.

use crate::decode::Text;
use crate::table::grid::{CellGrid, Layout, Span};

pub fn tab_rows(text: &Text, lines: std::ops::Range<usize>) -> CellGrid {
    let mut g = CellGrid::new(Layout::Columns);
    for i in lines {
        // Column indexes count from a page's own first column.
        if text.raw_line(i).contains('\u{c}') {
            g.page_break();
        }
        let norm = text.line(i);
        if norm.trim().is_empty() {
            continue;
        }
        let mut raw_cells = text.raw_line(i).split('\t');
        for (col, cell) in norm.split('\t').enumerate() {
            let raw = raw_cells.next().unwrap_or(cell);
            let x = Span {
                x0: col as u32,
                x1: col as u32 + 1,
            };
            g.push(cell, raw, i, x, x, Some(col as u16), None);
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_kept_for_blank_cells() {
        let t = Text::from_string("科目\t\t合计\n205\t教育支出\t\t1.50\n");
        let g = tab_rows(&t, 0..t.len());
        let cols: Vec<(u32, u16, &str)> = g
            .cells
            .iter()
            .map(|c| (c.line, c.col.unwrap(), g.text(c)))
            .collect();
        assert_eq!(
            cols,
            vec![
                (0, 0, "科目"),
                (0, 2, "合计"),
                (1, 0, "205"),
                (1, 1, "教育支出"),
                (1, 3, "1.50")
            ]
        );
    }
}
