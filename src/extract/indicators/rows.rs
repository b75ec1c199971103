//! The three layouts self-evaluation tables arrive in, each read into rows of
//! cells: TAB rows (one table row per line), cell-per-line (Word: every cell
//! on its own line behind a TAB) and flattened PDF text (cells split by spaces,
//! long cells wrapped onto following lines). TAB and cell-per-line rows keep
//! each cell's column; flattened lines only have tokens, and [`glue`] puts the
//! pieces of wrapped levels and values back together.

use std::ops::Range;

use crate::decode::Text;
use crate::text::compact_cjk;

use super::value::is_unit;
use super::vocab;

/// How the lines of a self-evaluation table are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Tabs,
    CellPerLine,
    Flattened,
}

impl Layout {
    /// Cells of this layout have a column index comparable across rows.
    pub fn positional(self) -> bool {
        self != Layout::Flattened
    }
}

/// One non-empty cell (or, in flattened text, one token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// NFKC, white space next to CJK removed.
    pub text: String,
    /// Column in the row, for positional layouts.
    pub col: Option<usize>,
    /// 0-based line where the cell starts.
    pub line: usize,
}

/// A row of non-empty cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Cell>,
}

impl Row {
    /// All cell texts joined, for vocabulary tests on the whole row.
    pub fn joined(&self) -> String {
        self.cells.iter().map(|c| c.text.as_str()).collect()
    }
}

/// Decides the layout from the lines of a table region.
pub fn detect(text: &Text, lines: &Range<usize>) -> Layout {
    let (mut nonblank, mut tabbed, mut single) = (0usize, 0usize, 0usize);
    for i in lines.clone() {
        let l = text.line(i);
        if l.trim().is_empty() {
            continue;
        }
        nonblank += 1;
        if let Some(rest) = l.strip_prefix('\t') {
            tabbed += 1;
            if !rest.contains('\t') {
                single += 1;
            }
        } else if l.contains('\t') {
            tabbed += 1;
        }
    }
    if tabbed * 3 < nonblank || tabbed == 0 {
        Layout::Flattened
    } else if single * 10 >= tabbed * 7 {
        Layout::CellPerLine
    } else {
        Layout::Tabs
    }
}

/// Reads the region in its layout.
pub fn read(text: &Text, lines: Range<usize>, layout: Layout) -> Vec<Row> {
    match layout {
        Layout::Tabs => tab_rows(text, lines),
        Layout::CellPerLine => cell_per_line_rows(text, lines),
        Layout::Flattened => token_rows(text, lines),
    }
}

fn push_cell(cells: &mut Vec<Cell>, text: &str, col: Option<usize>, line: usize) {
    // The name merged into a level cell belongs to the column after it.
    for (k, part) in split_level(strip_list_mark(text)).into_iter().enumerate() {
        let t = trim_ocr_edges(&compact_cjk(part)).to_string();
        if !t.is_empty() {
            cells.push(Cell {
                text: t,
                col: col.map(|c| c + k),
                line,
            });
        }
    }
}

/// A markdown list mark OCR put before a cell (`- 经济成本 …`).
fn strip_list_mark(cell: &str) -> &str {
    let t = cell.trim_start();
    t.strip_prefix("- ")
        .or_else(|| t.strip_prefix("* "))
        .unwrap_or(t)
}

/// Specks OCR reads at a cell's edge: a middle dot, a bracket without its
/// pair (`[准确率`, `派驻劳动』`).
fn trim_ocr_edges(t: &str) -> &str {
    let mut t = t.trim_start_matches(['·', '•']);
    for (open, close) in [('[', ']'), ('『', '』'), ('「', '」'), ('【', '】')] {
        if t.starts_with(open) && !t.contains(close) {
            t = &t[open.len_utf8()..];
        }
        if t.ends_with(close) && !t.contains(open) {
            t = &t[..t.len() - close.len_utf8()];
        }
    }
    t.trim()
}

/// OCR merges a level with the name beside it (`质量指标 核定准确率`); the
/// space after a complete level name is where the cells met.
fn split_level(cell: &str) -> Vec<&str> {
    let t = cell.trim();
    if let Some((head, rest)) = t.split_once(char::is_whitespace) {
        let rest = rest.trim();
        let whole: String = t.split_whitespace().collect();
        if vocab::is_level_ocr(head)
            && !vocab::is_debris(rest)
            && !vocab::is_level(&whole)
            && !vocab::is_level_prefix(&whole)
            && rest.chars().filter(|c| crate::text::is_han(*c)).count() >= 2
        {
            return vec![head, rest];
        }
    }
    vec![t]
}

fn tab_rows(text: &Text, lines: Range<usize>) -> Vec<Row> {
    let mut rows = Vec::new();
    for i in lines {
        let mut cells = Vec::new();
        for (col, cell) in text.line(i).split('\t').enumerate() {
            push_cell(&mut cells, cell, Some(col), i);
        }
        if !cells.is_empty() {
            rows.push(Row { cells });
        }
    }
    rows
}

/// Word's cell-per-line text: a line starting with TAB opens a cell, a line
/// without one continues it (a wrapped cell), and a blank line before a TAB
/// line ends the row. Blank lines inside a wrapped cell are kept out of it.
fn cell_per_line_rows(text: &Text, lines: Range<usize>) -> Vec<Row> {
    let mut rows = Vec::new();
    // Cells of the current row, empty ones included to keep column indices.
    let mut cur: Vec<(String, usize)> = Vec::new();
    let mut blank_before = false;
    let flush = |cur: &mut Vec<(String, usize)>, rows: &mut Vec<Row>| {
        let mut cells = Vec::new();
        for (col, (t, line)) in cur.iter().enumerate() {
            push_cell(&mut cells, t, Some(col), *line);
        }
        if !cells.is_empty() {
            rows.push(Row { cells });
        }
        cur.clear();
    };
    for i in lines {
        let l = text.line(i);
        // Only a truly empty line ends a row: a TAB alone is an empty cell,
        // an ideographic space alone the blank rest of a wrapped cell.
        if text.raw_line(i).trim_matches([' ', '\r']).is_empty() {
            blank_before = true;
            continue;
        }
        if let Some(rest) = l.strip_prefix('\t') {
            if blank_before {
                flush(&mut cur, &mut rows);
            }
            for part in rest.split('\t') {
                cur.push((part.to_string(), i));
            }
        } else if let Some((last, _)) = cur.last_mut() {
            // Join with a space: compaction drops it between CJK characters
            // and keeps it between Latin words.
            last.push(' ');
            last.push_str(l.trim());
        } else {
            cur.push((l.to_string(), i));
        }
        blank_before = false;
    }
    flush(&mut cur, &mut rows);
    rows
}

/// Flattened text: one row per line, one cell per space-separated token.
fn token_rows(text: &Text, lines: Range<usize>) -> Vec<Row> {
    let mut rows = Vec::new();
    for i in lines {
        let cells: Vec<Cell> = text
            .line(i)
            .split_whitespace()
            .map(|t| Cell {
                text: t.to_string(),
                col: None,
                line: i,
            })
            .collect();
        if !cells.is_empty() {
            rows.push(Row { cells });
        }
    }
    rows
}

/// Puts wrapped pieces of flattened tokens back together: fragments of a level
/// name (`社会效益指` + `标`), and a number with its unit (`25.29` + `万` +
/// `人`, `12` + `月底前`).
pub fn glue(tokens: &[Cell]) -> Vec<Cell> {
    glue_units(&glue_levels(tokens))
}

fn merge(tokens: &[Cell]) -> Cell {
    Cell {
        text: tokens.iter().map(|t| t.text.as_str()).collect(),
        col: None,
        line: tokens.first().map_or(0, |t| t.line),
    }
}

fn glue_levels(tokens: &[Cell]) -> Vec<Cell> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let mut acc = String::new();
        let mut best = None;
        for (k, t) in tokens.iter().enumerate().skip(i).take(5) {
            acc.push_str(&t.text);
            if vocab::is_level(&acc) {
                best = Some(k);
            }
            if !vocab::is_level_prefix(&acc) {
                break;
            }
        }
        match best {
            Some(k) if k > i => {
                out.push(merge(&tokens[i..=k]));
                i = k + 1;
            }
            _ => {
                out.push(tokens[i].clone());
                i += 1;
            }
        }
    }
    out
}

fn glue_units(tokens: &[Cell]) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::with_capacity(tokens.len());
    for t in tokens {
        if let Some(prev) = out.last_mut()
            && ((awaits_unit(&prev.text, &t.text) && is_unit_piece(&t.text))
                || (is_bound_sign(&prev.text) && t.text.starts_with(|c: char| c.is_ascii_digit())))
        {
            prev.text.push_str(&t.text);
            continue;
        }
        out.push(t.clone());
    }
    out
}

/// A bound sign wrapped away from its number (`≤` / `1785.88`).
fn is_bound_sign(s: &str) -> bool {
    matches!(s, "≥" | "≤" | ">" | "<" | "=" | ">=" | "<=" | "≧" | "≦")
}

/// A number still missing (the rest of) its unit: `25.29` before `万人`,
/// `2547.2077万` before `元`, `6030元/公` before `里`.
fn awaits_unit(s: &str, next: &str) -> bool {
    if s.ends_with(|c: char| c.is_ascii_digit() || c == '/') {
        return true;
    }
    let Some(p) = s.rfind(|c: char| c.is_ascii_digit()) else {
        return false;
    };
    let tail = &s[p + 1..];
    !tail.is_empty() && tail.chars().count() <= 4 && is_unit(&format!("{tail}{next}"))
}

/// A short unit-like token: `人`, `万元`, `月底前`, `%`; never a number, a
/// level name or a long word (the rest of a name that begins with a number).
fn is_unit_piece(s: &str) -> bool {
    let n = s.chars().count();
    (1..=4).contains(&n)
        && !s.chars().any(|c| c.is_ascii_digit())
        && s.starts_with(|c: char| crate::text::is_han(c) || c == '%' || c == '/')
        && !vocab::is_level(s)
        && !vocab::is_level_prefix(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(rows: &[Row]) -> Vec<Vec<(String, Option<usize>)>> {
        rows.iter()
            .map(|r| r.cells.iter().map(|c| (c.text.clone(), c.col)).collect())
            .collect()
    }

    #[test]
    fn layouts() {
        let t = Text::from_string("表\n\t一级指标\n\t二级指标\n\n\t产出指标\n\t数量指标\n");
        assert_eq!(detect(&t, &(0..t.len())), Layout::CellPerLine);
        let t =
            Text::from_string("表\n一级指标\t二级指标\t三级指标\n产出指标\t数量指标\t培训人数\n");
        assert_eq!(detect(&t, &(0..t.len())), Layout::Tabs);
        let t = Text::from_string("一级指标 二级指标 三级指标\n数量指标 培训人数 10 人 12 人 5\n");
        assert_eq!(detect(&t, &(0..t.len())), Layout::Flattened);
    }

    #[test]
    fn cell_per_line_keeps_columns_and_joins_wrapped_cells() {
        let t = Text::from_string(
            "\t\n\t产出指标\n\n(40分)\n\t质量\n指标\n\t验收合格率\n\t\u{3000}100%\n\n\t\n\t\n\t\n\t……\n\t\u{3000}\n",
        );
        let rows = cell_per_line_rows(&t, 0..t.len());
        assert_eq!(
            texts(&rows),
            vec![
                vec![
                    ("产出指标(40分)".to_string(), Some(1)),
                    ("质量指标".to_string(), Some(2)),
                    ("验收合格率".to_string(), Some(3)),
                    ("100%".to_string(), Some(4)),
                ],
                vec![("......".to_string(), Some(3))],
            ]
        );
    }

    #[test]
    fn tab_rows_split_merged_levels() {
        let t = Text::from_string("\t\t质量指标 设备 验收合格率\t100%\n");
        let rows = tab_rows(&t, 0..1);
        assert_eq!(
            texts(&rows),
            vec![vec![
                ("质量指标".to_string(), Some(2)),
                ("设备验收合格率".to_string(), Some(3)),
                ("100%".to_string(), Some(3)),
            ]]
        );
    }

    #[test]
    fn ocr_specks_and_list_marks() {
        let t = Text::from_string("\t- 经挤成本 设备年度维护成本\t·人次\t[准确率\t巡查』\n");
        let rows = tab_rows(&t, 0..1);
        let got: Vec<&str> = rows[0].cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            got,
            ["经挤成本", "设备年度维护成本", "人次", "准确率", "巡查"]
        );
    }

    #[test]
    fn glue_rebuilds_levels_and_values() {
        let cells: Vec<Cell> = [
            "社会效益指",
            "标",
            "惠及",
            "人数",
            "3.5",
            "万",
            "人",
            "12",
            "月底前",
            "≤",
            "6030元/公",
            "里",
            "长期",
        ]
        .iter()
        .map(|s| Cell {
            text: s.to_string(),
            col: None,
            line: 0,
        })
        .collect();
        let g: Vec<String> = glue(&cells).into_iter().map(|c| c.text).collect();
        assert_eq!(
            g,
            [
                "社会效益指标",
                "惠及",
                "人数",
                "3.5万人",
                "12月底前",
                "≤6030元/公里",
                "长期"
            ]
        );
    }
}
