//! Column-aligned text (`pdftotext -layout`, pdfplumber's layout mode,
//! PyMuPDF's sorted text): tokens at measured positions.
//!
//! Converters disagree on the unit: `pdftotext` gives every character one
//! cell, others a CJK character two. Both extents are kept; the assembler
//! takes the one in which amounts line up. Tokens are split at every space:
//! whether two words one space apart are one cell or two is for the
//! assembler to decide from the geometry around them.

use crate::decode::Text;
use crate::table::grid::{CellGrid, CellKind, Layout, Span};
use crate::text::{display_width, is_han};

pub fn positioned(text: &Text, lines: std::ops::Range<usize>) -> CellGrid {
    let mut g = CellGrid::new(Layout::Positioned);
    tokens(text, lines, &mut g, true);
    g
}

/// Splits each line into tokens at white space and pushes them with their
/// extents; a form feed starts a new segment when `pages` is set.
pub(super) fn tokens(text: &Text, lines: std::ops::Range<usize>, g: &mut CellGrid, pages: bool) {
    let mut norm = String::new();
    for i in lines {
        let raw = text.raw_line(i);
        if pages && raw.contains('\u{c}') {
            g.page_break();
        }
        let (mut x, mut xd) = (0u32, 0u32);
        let mut start: Option<(usize, u32, u32)> = None;
        let mut chars = raw.char_indices().peekable();
        loop {
            let next = chars.next();
            let boundary = match next {
                None => true,
                Some((_, c)) => c.is_whitespace() || c == '\u{3000}',
            };
            if boundary {
                if let Some((b0, x0, xd0)) = start.take() {
                    let end = next.map(|(b, _)| b).unwrap_or(raw.len());
                    push_token(g, &mut norm, &raw[b0..end], i, x0, xd0);
                }
            } else if start.is_none() {
                start = next.map(|(b, _)| (b, x, xd));
            }
            let Some((_, c)) = next else { break };
            if c == '\u{c}' {
                continue;
            }
            x += 1;
            xd += display_width(c).max(1) as u32;
        }
    }
}

/// Pushes one token; a code glued to its name (`30207邮电费`) becomes two,
/// and so does one glued after it (`行政单位医疗2101101`: PyMuPDF's sorted
/// text puts a name set a little higher than its code first), code first as
/// the table prints them.
fn push_token(g: &mut CellGrid, norm: &mut String, raw: &str, line: usize, x0: u32, xd0: u32) {
    let leading = raw.bytes().take_while(u8::is_ascii_digit).count();
    let trailing = raw.bytes().rev().take_while(u8::is_ascii_digit).count();
    let is_code = |n: usize| matches!(n, 3 | 5 | 7);
    let glued = if is_code(leading) && raw[leading..].chars().next().is_some_and(is_han) {
        Some((&raw[..leading], &raw[leading..]))
    } else if is_code(trailing)
        && raw[..raw.len() - trailing]
            .chars()
            .next_back()
            .is_some_and(is_han)
    {
        let (name, code) = raw.split_at(raw.len() - trailing);
        Some((code, name))
    } else {
        None
    };
    // An amount with the end of a wrapped name glued after it (`0.00款收入`:
    // PyMuPDF's sorted text sets a name's second line at the end of the
    // line): two cells, as printed.
    let figure = raw
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b',' || *b == b'.')
        .count();
    if figure < raw.len()
        && raw[..figure].contains('.')
        && raw[..figure].ends_with(|c: char| c.is_ascii_digit())
        && raw[figure..].chars().next().is_some_and(is_han)
    {
        let (amount, rest) = raw.split_at(figure);
        push_token(g, norm, amount, line, x0, xd0);
        let w = figure as u32;
        return push_token(g, norm, rest, line, x0 + w, xd0 + w);
    }
    // A name with its row's first figure glued after it (`人大事务12214900.00`:
    // PyMuPDF's plain text runs a cell's span on from the name's): two
    // cells, as printed. Not in prose (`…收入71673.86`, a clause before it).
    let prose = |t: &str| t.contains(['，', '。', '；', '：', '%', ',']) || t.contains("万元");
    let tail = raw
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_digit() || *b == b',' || *b == b'.')
        .count();
    let (head, figure) = raw.split_at(raw.len() - tail);
    if tail > 0
        && figure.contains('.')
        && figure.starts_with(|c: char| c.is_ascii_digit())
        && head.chars().next_back().is_some_and(is_han)
        && !prose(head)
        && crate::amount::parse_printed(figure).is_some()
    {
        push_token(g, norm, head, line, x0, xd0);
        let n = head.chars().count() as u32;
        let nd: u32 = head.chars().map(|c| display_width(c) as u32).sum();
        return push_token(g, norm, figure, line, x0 + n, xd0 + nd);
    }
    if let Some((code, name)) = glued {
        let w = code.len() as u32;
        g.push(
            code,
            code,
            line,
            Span { x0, x1: x0 + w },
            Span {
                x0: xd0,
                x1: xd0 + w,
            },
            None,
            Some(CellKind::Digits),
        );
        return push_token(g, norm, name, line, x0 + w, xd0 + w);
    }
    norm.clear();
    crate::decode::normalize_into(raw, norm);
    let n = raw.chars().count() as u32;
    let nd: u32 = raw.chars().map(|c| display_width(c) as u32).sum();
    g.push(
        norm,
        raw,
        line,
        Span { x0, x1: x0 + n },
        Span {
            x0: xd0,
            x1: xd0 + nd,
        },
        None,
        None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extents_in_characters_and_display_columns() {
        let t = Text::from_string(
            "合计      9746.50\n2080505  养老保险缴费    446.11 0.00\n\u{c}30207邮电费  8.05\n",
        );
        let g = positioned(&t, 0..t.len());
        let got: Vec<(&str, u32, u32, u16)> = g
            .cells
            .iter()
            .map(|c| (g.text(c), c.x.x0, c.xd.x0, c.segment))
            .collect();
        assert_eq!(
            got,
            vec![
                ("合计", 0, 0, 0),
                ("9746.50", 8, 10, 0),
                ("2080505", 0, 0, 0),
                ("养老保险缴费", 9, 9, 0),
                ("446.11", 19, 25, 0),
                ("0.00", 26, 32, 0),
                ("30207", 0, 0, 1),
                ("邮电费", 5, 5, 1),
                ("8.05", 10, 13, 1),
            ]
        );
        assert_eq!(g.cells[2].kind, CellKind::Digits);
        assert_eq!(g.cells[1].kind, CellKind::Amount);
    }

    /// A code glued after its name (PyMuPDF's sorted text) is a code cell,
    /// before the name as the table prints them; digits that are no code
    /// (a year) stay in the word; an amount with a name's end glued after it
    /// is an amount and a word, and so is a name with a figure glued after it.
    #[test]
    fn codes_and_amounts_glued_to_words_are_cells_of_their_own() {
        let t = Text::from_string(
            "  行政运行2120101   1092.80\n  2024年度\n  收入2024\n0.00款收入\n人大事务12214900.00\n",
        );
        let g = positioned(&t, 0..t.len());
        let got: Vec<(&str, u32, CellKind)> = g
            .cells
            .iter()
            .map(|c| (g.text(c), c.x.x0, c.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2120101", 2, CellKind::Digits),
                ("行政运行", 9, CellKind::Text),
                ("1092.80", 16, CellKind::Amount),
                ("2024年度", 2, CellKind::Text),
                ("收入2024", 2, CellKind::Text),
                ("0.00", 0, CellKind::Amount),
                ("款收入", 4, CellKind::Text),
                ("人大事务", 0, CellKind::Text),
                ("12214900.00", 4, CellKind::Amount),
            ]
        );
    }
}
