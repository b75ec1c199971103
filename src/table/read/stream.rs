//! Cell streams (`pdftotext` default, PyMuPDF's block order): a cell or a
//! few per line. Where the converter went row by row, as it does for most
//! tables whose rows are one line tall, the stream is row-major flat text
//! with line breaks between cells: this reader puts the rows back together
//! and leaves the rest to the assembler, as for flat text (blank cells are
//! gone either way).
//!
//! A row begins where a subject code follows a row that already has one or
//! an amount, where a name follows a row's amounts, and at an enumerated
//! name or a total (a row before it may be blank); a name before its code
//! (the code printed lower in a taller cell) stays with it. Header
//! lines, before the first row and after a page break, stay one per row:
//! the assembler reads a header stacked a word per line as in flat text.

use crate::decode::Text;
use crate::table::grid::{CellGrid, CellKind, Layout};

pub fn reflowed(text: &Text, lines: std::ops::Range<usize>) -> CellGrid {
    let mut grid = CellGrid::new(Layout::Ordered);
    super::positioned::tokens(text, lines, &mut grid, false);
    let mut row = Row::default();
    let mut at = 0u32;
    let mut header = true;
    let mut line = None;
    let tokens: Vec<Token> = grid
        .cells
        .iter()
        .map(|c| Token::of(grid.text(c), c.kind))
        .collect();
    for (c, token) in grid.cells.iter_mut().zip(tokens) {
        let first_of_line = line != Some(c.line);
        line = Some(c.line);
        if first_of_line && text.raw_line(c.line as usize).contains('\u{c}') {
            header = true;
        }
        if header {
            if matches!(token, Token::Code | Token::Amount) {
                header = false;
            } else {
                if first_of_line && !row.is_empty() {
                    at += 1;
                    row = Row::default();
                }
                row.header = true;
                c.row = at;
                row.text = true;
                continue;
            }
        }
        let starts = match token {
            Token::Code => row.code || row.amount || row.header,
            Token::Text => row.amount || row.header,
            Token::Heading => true,
            Token::Amount | Token::Other => false,
        };
        if starts && !row.is_empty() {
            at += 1;
            row = Row::default();
        }
        match token {
            Token::Code => row.code = true,
            Token::Amount => row.amount = true,
            Token::Text | Token::Heading => row.text = true,
            Token::Other => row.other = true,
        }
        c.row = at;
    }
    grid
}

/// What a cell is to the reflow.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    /// A subject code: 3, 5 or 7 digits, 类 1 to 3.
    Code,
    Amount,
    /// A name or a word of one.
    Text,
    /// A name that is a row of its own, never the rest of a wrapped one: an
    /// enumerated name (`二、上级补助收入`) or a total (`人员经费合计`).
    Heading,
    /// Other digits: code parts (`06`), 行次 and 栏次.
    Other,
}

impl Token {
    fn of(text: &str, kind: CellKind) -> Token {
        match kind {
            CellKind::Amount => Token::Amount,
            CellKind::Text
                if crate::text::split_enumerator(text).0.is_some()
                    || text.ends_with("合计")
                    || text.ends_with("总计") =>
            {
                Token::Heading
            }
            CellKind::Text => Token::Text,
            CellKind::Digits
                if matches!(text.len(), 3 | 5 | 7)
                    && matches!(text.as_bytes()[0], b'1' | b'2' | b'3') =>
            {
                Token::Code
            }
            CellKind::Digits => Token::Other,
        }
    }
}

/// What the row being gathered holds so far.
#[derive(Default)]
struct Row {
    code: bool,
    amount: bool,
    text: bool,
    other: bool,
    /// A header line (before the first row, or after a page break).
    header: bool,
}

impl Row {
    fn is_empty(&self) -> bool {
        !(self.code || self.amount || self.text || self.other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts of each grid row, joined by spaces.
    fn rows(doc: &str) -> Vec<String> {
        let t = Text::from_string(doc);
        let g = reflowed(&t, 0..t.len());
        g.lines()
            .into_iter()
            .map(|(_, cells)| {
                g.cells[cells]
                    .iter()
                    .map(|c| g.text(c))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn rows_begin_at_codes_and_at_names_after_amounts() {
        let doc = "科目编码\n科目名称\n决算数\n301\n工资福利支出\n9.00\n30101\n基本工资\n\
                   30108\n机关事业单位基本养老\n保险缴费\n9.00 30199\n其他\n人员经费合计\n9.00\n";
        assert_eq!(
            rows(doc),
            vec![
                "科目编码",
                "科目名称",
                "决算数",
                "301 工资福利支出 9.00",
                "30101 基本工资",
                "30108 机关事业单位基本养老 保险缴费 9.00",
                "30199 其他",
                "人员经费合计 9.00",
            ]
        );
    }

    /// A name printed above its code (a taller cell, the code centred)
    /// stays with it; after a page break the running title and the header
    /// are lines of their own again.
    #[test]
    fn a_name_before_its_code_and_a_page_break() {
        let doc = "项目\n合计\n3.00\n一般公共服务支出\n201\n3.00\n- 2 -\n\u{c}某县2021年度部门决算\n项目\n20101\n人大事务\n3.00\n";
        assert_eq!(
            rows(doc),
            vec![
                "项目",
                "合计 3.00",
                "一般公共服务支出 201 3.00",
                "- 2 -",
                "某县2021年度部门决算",
                "项目",
                "20101 人大事务 3.00",
            ]
        );
    }
}
