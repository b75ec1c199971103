//! The one table drawer: a table description (columns, a header of merged cells,
//! body rows of cells) laid out and drawn in a table style (rules, sizes, widths,
//! alignment), broken across pages with or without its header repeated.

use super::canvas::{Canvas, Flow, Look, Rules};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum VAlign {
    Top,
    Middle,
}

/// What a column holds, which decides its width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// Subject codes: never wrapped.
    Code,
    /// Line numbers and the parts of a split code (类, 款, 项): narrow.
    Number,
    /// Subject names: wrapped at the style's name width.
    Name,
    /// Labels of the two-sided tables (01, 04): wrapped at the label width.
    Label,
    /// Amounts: right-aligned, never wrapped, at least the style's amount width.
    Amount,
}

#[derive(Clone, Debug)]
pub struct Cell {
    pub text: String,
    /// Columns covered.
    pub span: usize,
    pub align: Align,
    /// Leading indent in ems (children indented under their parents).
    pub indent: f32,
}

impl Cell {
    pub fn new(text: impl Into<String>, align: Align) -> Cell {
        Cell {
            text: text.into(),
            span: 1,
            align,
            indent: 0.0,
        }
    }

    pub fn spanning(mut self, span: usize) -> Cell {
        self.span = span;
        self
    }

    pub fn indented(mut self, indent: f32) -> Cell {
        self.indent = indent;
        self
    }
}

/// A header cell on the header grid, merged over `rows` × `cols`.
#[derive(Clone, Debug)]
pub struct HeadCell {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
    pub text: String,
}

/// A table as printed, independent of how it is drawn.
#[derive(Clone, Debug)]
pub struct TableSpec {
    pub columns: Vec<Column>,
    pub head: Vec<HeadCell>,
    pub head_rows: usize,
    pub body: Vec<Vec<Cell>>,
}

impl TableSpec {
    /// A header grid from each column's header path (`["本年支出", "小计"]`): equal
    /// prefixes of neighbouring columns merge into one cell, and a path shorter than
    /// the deepest one ends in a cell merged down to the last header row.
    pub fn with_paths(columns: Vec<Column>, paths: &[Vec<String>]) -> TableSpec {
        assert_eq!(columns.len(), paths.len());
        let depth = paths.iter().map(Vec::len).max().unwrap_or(1);
        let mut head = Vec::new();
        for level in 0..depth {
            let mut c = 0;
            while c < paths.len() {
                if paths[c].len() <= level {
                    c += 1;
                    continue;
                }
                let prefix = &paths[c][..=level];
                let cols = paths[c..]
                    .iter()
                    .take_while(|p| p.len() > level && &p[..=level] == prefix)
                    .count();
                let leaf = paths[c].len() == level + 1;
                head.push(HeadCell {
                    row: level,
                    col: c,
                    rows: if leaf { depth - level } else { 1 },
                    cols,
                    text: paths[c][level].clone(),
                });
                c += cols;
            }
        }
        TableSpec {
            columns,
            head,
            head_rows: depth,
            body: Vec::new(),
        }
    }
}

/// How a table is drawn: everything a producer varies.
#[derive(Clone, Debug)]
pub struct TableStyle {
    pub rules: Rules,
    pub rule_width: f32,
    pub size: f32,
    /// Line height in ems.
    pub leading: f32,
    /// Horizontal cell padding in points (vertical padding is half of it).
    pub pad: f32,
    pub min_row: f32,
    pub valign: VAlign,
    /// Least widths in ems of the code and amount columns (narrow ones wrap their
    /// headers onto several lines), and widths of the wrapped columns.
    pub code_ems: f32,
    pub name_ems: f32,
    pub label_ems: f32,
    pub amount_ems: f32,
    /// Columns stretched to fill the text width.
    pub fill: bool,
    /// Header repeated on each page the table continues on.
    pub repeat_head: bool,
    /// Every cell ends in a space glyph, empty cells hold one (Word's cell mark).
    pub cell_space: bool,
    /// Body text written column by column in the content stream (text
    /// extractors that follow the stream then read the table column-major).
    pub column_order: bool,
}

/// Where the cells of a table fall, at one font size.
struct Layout {
    size: f32,
    xs: Vec<f32>,
    head_heights: Vec<f32>,
    head_lines: Vec<Vec<String>>,
    row_heights: Vec<f32>,
    row_lines: Vec<Vec<Vec<String>>>,
}

impl Layout {
    fn x(&self, col: usize) -> f32 {
        self.xs[col]
    }

    fn span(&self, col: usize, cols: usize) -> f32 {
        self.xs[col + cols] - self.xs[col]
    }

    fn width(&self) -> f32 {
        self.xs[self.xs.len() - 1] - self.xs[0]
    }
}

/// The table's narrowest readable font size; below it the table overflows.
const MIN_SIZE: f32 = 5.0;

/// Width of the table at its style's font size, unstretched.
pub fn natural_width(canvas: &Canvas, spec: &TableSpec, style: &TableStyle) -> f32 {
    let unstretched = TableStyle {
        fill: false,
        ..style.clone()
    };
    layout(canvas, (0.0, f32::MAX), spec, &unstretched, style.size).width()
}

/// The layout at `size` on a text column `(left, width)`.
fn layout(
    canvas: &Canvas,
    (left, room): (f32, f32),
    spec: &TableSpec,
    style: &TableStyle,
    size: f32,
) -> Layout {
    let look = Look::plain(size);
    let pad = style.pad;
    let content = |c: usize| -> f32 {
        spec.body
            .iter()
            .filter_map(|row| {
                let mut col = 0;
                row.iter().find_map(|cell| {
                    let here = col == c && cell.span == 1;
                    col += cell.span;
                    here.then(|| canvas.measure(&cell.text, look) + cell.indent * size)
                })
            })
            .fold(0.0, f32::max)
    };
    let mut widths: Vec<f32> = spec
        .columns
        .iter()
        .enumerate()
        .map(|(c, kind)| {
            let need = content(c);
            2.0 * pad
                + match kind {
                    Column::Code => need.max(style.code_ems * size),
                    Column::Number => need.max(2.0 * size),
                    // A blank column still holds one character of its header a line.
                    Column::Amount => need.max(style.amount_ems * size).max(size),
                    Column::Name => need.min(style.name_ems * size).max(3.0 * size),
                    Column::Label => need.min(style.label_ems * size).max(3.0 * size),
                }
        })
        .collect();
    let total: f32 = widths.iter().sum();
    if style.fill && total < room {
        let k = room / total;
        widths.iter_mut().for_each(|w| *w *= k);
    }
    let mut xs = vec![left];
    for w in &widths {
        xs.push(xs[xs.len() - 1] + w);
    }
    let lh = size * style.leading;
    let vpad = pad / 2.0;
    let lines_of = |text: &str, width: f32, indent: f32| -> Vec<String> {
        canvas.wrap(text, look, width - 2.0 * pad - indent * size, 0.0)
    };
    let height = |n: usize| (n as f32 * lh + 2.0 * vpad).max(style.min_row);
    let mut l = Layout {
        size,
        xs,
        head_heights: Vec::new(),
        head_lines: Vec::new(),
        row_heights: Vec::new(),
        row_lines: Vec::new(),
    };
    l.head_lines = spec
        .head
        .iter()
        .map(|h| lines_of(&h.text, l.span(h.col, h.cols), 0.0))
        .collect();
    let mut hh = vec![style.min_row; spec.head_rows];
    for single in [true, false] {
        for (h, lines) in spec.head.iter().zip(&l.head_lines) {
            if (h.rows == 1) != single {
                continue;
            }
            let have: f32 = hh[h.row..h.row + h.rows].iter().sum();
            let need = height(lines.len());
            if need > have {
                hh[h.row + h.rows - 1] += need - have;
            }
        }
    }
    l.head_heights = hh;
    for row in &spec.body {
        let mut col = 0;
        let mut cells = Vec::new();
        for cell in row {
            cells.push(lines_of(&cell.text, l.span(col, cell.span), cell.indent));
            col += cell.span;
        }
        l.row_heights
            .push(height(cells.iter().map(Vec::len).max().unwrap_or(1)));
        l.row_lines.push(cells);
    }
    l
}

/// What a drawn table looked like: the most lines in a header cell and in a
/// body cell.
pub struct Drawn {
    pub head_lines: usize,
    pub body_lines: usize,
}

/// Draws `spec` at the flow's cursor in `style`, shrinking its font until it fits
/// the text width, breaking it across pages.
pub fn draw(flow: &mut Flow, spec: &TableSpec, style: &TableStyle) -> Drawn {
    let column = (flow.left(), flow.width());
    let mut style = style.clone();
    let mut l = layout(&flow.canvas, column, spec, &style, style.size);
    if l.width() > column.1 + 0.01 {
        // Too wide: columns as narrow as their content allows, then a smaller font.
        style.code_ems = 0.0;
        style.amount_ems = 0.0;
        style.name_ems = style.name_ems.min(4.0);
        style.label_ems = style.label_ems.min(4.0);
        l = layout(&flow.canvas, column, spec, &style, style.size);
    }
    while l.width() > column.1 + 0.01 && l.size > MIN_SIZE {
        let size = (l.size * column.1 / l.width()).clamp(MIN_SIZE, l.size - 0.25);
        l = layout(&flow.canvas, column, spec, &style, size);
    }
    assert!(
        l.width() <= column.1 + 0.01,
        "a table of {} columns does not fit {:.0} pt even at {MIN_SIZE} pt",
        spec.columns.len(),
        column.1
    );
    let style = &style;
    let head_height: f32 = l.head_heights.iter().sum();
    let first = l.row_heights.first().copied().unwrap_or(0.0);
    flow.ensure(head_height + first);
    let mut cells: Vec<[f32; 4]> = Vec::new();
    // Body cells of the page being drawn, written out when it is full.
    let mut pending: Vec<BodyCell> = Vec::new();
    draw_head(flow, spec, style, &l, &mut cells);
    for (r, row) in spec.body.iter().enumerate() {
        let h = l.row_heights[r];
        if flow.y + h > flow.bottom() {
            body_text(flow, style, &l, &mut pending);
            draw_rules(flow, &cells, style);
            cells.clear();
            flow.page(flow.landscape());
            if style.repeat_head {
                draw_head(flow, spec, style, &l, &mut cells);
            }
        }
        let mut col = 0;
        for (cell, lines) in row.iter().zip(&l.row_lines[r]) {
            let rect = [l.x(col), flow.y, l.span(col, cell.span), h];
            pending.push(BodyCell {
                at: (col, r),
                rect,
                lines,
                align: cell.align,
                indent: cell.indent,
            });
            cells.push(rect);
            col += cell.span;
        }
        flow.y += h;
    }
    body_text(flow, style, &l, &mut pending);
    draw_rules(flow, &cells, style);
    let most = |lines: &mut dyn Iterator<Item = usize>| lines.max().unwrap_or(0);
    Drawn {
        head_lines: most(&mut l.head_lines.iter().map(Vec::len)),
        body_lines: most(&mut l.row_lines.iter().flatten().map(Vec::len)),
    }
}

struct BodyCell<'a> {
    /// (column, row) of the cell's first column.
    at: (usize, usize),
    rect: [f32; 4],
    lines: &'a [String],
    align: Align,
    indent: f32,
}

/// Writes the text of body cells, row by row or, for producers that emit tables
/// column by column, column by column.
fn body_text(flow: &mut Flow, style: &TableStyle, l: &Layout, cells: &mut Vec<BodyCell>) {
    if style.column_order {
        cells.sort_by_key(|c| c.at);
    }
    for c in cells.drain(..) {
        cell_text(
            flow,
            style,
            l,
            c.rect,
            c.lines,
            c.align,
            style.valign,
            c.indent,
        );
    }
}

fn draw_head(
    flow: &mut Flow,
    spec: &TableSpec,
    style: &TableStyle,
    l: &Layout,
    cells: &mut Vec<[f32; 4]>,
) {
    let top = flow.y;
    let row_top = |r: usize| top + l.head_heights[..r].iter().sum::<f32>();
    for (h, lines) in spec.head.iter().zip(&l.head_lines) {
        let y = row_top(h.row);
        let rect = [
            l.x(h.col),
            y,
            l.span(h.col, h.cols),
            row_top(h.row + h.rows) - y,
        ];
        cell_text(
            flow,
            style,
            l,
            rect,
            lines,
            Align::Center,
            VAlign::Middle,
            0.0,
        );
        cells.push(rect);
    }
    flow.y = row_top(spec.head_rows);
}

#[allow(clippy::too_many_arguments)]
fn cell_text(
    flow: &mut Flow,
    style: &TableStyle,
    l: &Layout,
    [x, y, w, h]: [f32; 4],
    lines: &[String],
    align: Align,
    valign: VAlign,
    indent: f32,
) {
    let look = Look::plain(l.size);
    let lh = l.size * style.leading;
    let block = lines.len() as f32 * lh;
    let top = match valign {
        VAlign::Top => y + style.pad / 2.0,
        VAlign::Middle => y + (h - block) / 2.0,
    };
    for (i, line) in lines.iter().enumerate() {
        // The baseline centres the glyphs (ascent ~0.88 em) in the line box.
        let baseline = top + i as f32 * lh + lh / 2.0 + 0.35 * l.size;
        let width = flow.canvas.measure(line, look);
        let tx = match align {
            Align::Left => x + style.pad + indent * l.size,
            Align::Right => x + w - style.pad - width,
            Align::Center => x + (w - width) / 2.0,
        };
        flow.canvas.text(tx, baseline, line, look);
        if style.cell_space && i + 1 == lines.len() {
            flow.canvas.text(tx + width, baseline, " ", look);
        }
    }
}

/// The rules of the cells drawn on one page, in the style's way.
fn draw_rules(flow: &mut Flow, cells: &[[f32; 4]], style: &TableStyle) {
    let width = style.rule_width;
    match style.rules {
        Rules::None => {}
        Rules::CellBorders => {
            for &[x, y, w, h] in cells {
                flow.canvas.frame(x, y, w, h, width);
            }
        }
        Rules::Stroked | Rules::Filled => {
            // Edges as (horizontal, position, from, to) in hundredths of a point.
            let q = |v: f32| (v * 100.0).round() as i64;
            let mut edges: Vec<(bool, i64, i64, i64)> = Vec::new();
            for &[x, y, w, h] in cells {
                edges.push((true, q(y), q(x), q(x + w)));
                edges.push((true, q(y + h), q(x), q(x + w)));
                edges.push((false, q(x), q(y), q(y + h)));
                edges.push((false, q(x + w), q(y), q(y + h)));
            }
            edges.sort_unstable();
            edges.dedup();
            if style.rules == Rules::Stroked {
                // One rule per run of touching edges on a line, as WPS draws them.
                let mut merged: Vec<(bool, i64, i64, i64)> = Vec::new();
                for e in edges {
                    match merged.last_mut() {
                        Some(m) if m.0 == e.0 && m.1 == e.1 && e.2 <= m.3 => m.3 = m.3.max(e.3),
                        _ => merged.push(e),
                    }
                }
                edges = merged;
            }
            let f = |v: i64| v as f32 / 100.0;
            for (horizontal, at, from, to) in edges {
                let (a, b) = if horizontal {
                    ((f(from), f(at)), (f(to), f(at)))
                } else {
                    ((f(at), f(from)), (f(at), f(to)))
                };
                flow.canvas.rule(a, b, width, style.rules);
            }
        }
    }
}
