//! Page geometry into text lines and tables: pure geometry on the glyphs and
//! rules of [`super::read`], no library types.
//!
//! Ruled tables follow pdfplumber's lattice: snap rules that lie within
//! [`SNAP`] of each other onto one position, join collinear pieces separated by
//! less than [`JOIN`], find where horizontal and vertical rules cross, take as a
//! cell each smallest rectangle whose four corners are crossings joined by
//! rules, and group cells that share corners into tables. A cell that spans
//! several of its table's column or row boundaries is a merged cell. Glyphs go
//! to the cell that holds their centre (the centre from the baseline and the
//! font size, not from the glyph's ink box, which some fonts report tiny).
//!
//! Everything outside ruled tables becomes lines of text; runs of lines whose
//! glyphs leave wide gaps at the same places, and that carry numbers, are
//! read as rule-less tables with columns at those gaps (stream mode).

use super::read::{Glyph, Orientation, Page, Rule};
use rustc_hash::{FxHashMap, FxHashSet};

/// Rules closer than this (points) are one rule: a stroked line and the thin
/// rectangle another producer draws for it, or two cells' shared border.
pub const SNAP: f64 = 1.5;
/// Collinear pieces with a gap up to this (points) are one rule.
pub const JOIN: f64 = 3.0;
/// How far (points) a rule may stop short of a crossing rule and still meet it.
pub const MEET: f64 = 2.0;

/// One page in reading order.
#[derive(Clone, Debug, PartialEq)]
pub struct PageLayout {
    /// 1-based page number.
    pub number: u32,
    pub width: f64,
    pub height: f64,
    /// Text lines and tables from the top of the page down.
    pub blocks: Vec<Block>,
}

/// A piece of a page in reading order.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Text(TextLine),
    Table(LatticeTable),
}

/// A line of text outside any table.
#[derive(Clone, Debug, PartialEq)]
pub struct TextLine {
    /// The glyphs left to right; a space where the glyphs leave a gap of a
    /// third of an em or more.
    pub text: String,
    /// Vertical centre of the line (points from the top of the page).
    pub y: f64,
    pub x0: f64,
    pub x1: f64,
}

/// A table as a grid of `rows × cols` slots, each slot covered by exactly one
/// cell or by none (a region the rules leave open).
#[derive(Clone, Debug, PartialEq)]
pub struct LatticeTable {
    pub rows: usize,
    pub cols: usize,
    /// True when the cells come from ruling lines; false for a rule-less
    /// table whose columns are the gaps between glyphs (its rows are lines,
    /// and every cell spans one slot).
    pub ruled: bool,
    /// Row boundaries (`rows + 1` y values, top down) and column boundaries
    /// (`cols + 1` x values, left to right), in points.
    pub row_edges: Vec<f64>,
    pub col_edges: Vec<f64>,
    /// Cells in row-major order of their top-left slot.
    pub cells: Vec<PdfCell>,
}

/// One cell: its top-left slot, how many slots it spans, its box and text.
#[derive(Clone, Debug, PartialEq)]
pub struct PdfCell {
    pub row: usize,
    pub col: usize,
    pub row_span: usize,
    pub col_span: usize,
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    /// The cell's text, its wrapped lines joined (with a space only between
    /// two Latin letters or digits); empty for a blank cell.
    pub text: String,
}

impl LatticeTable {
    /// Top of the table (points).
    pub fn top(&self) -> f64 {
        self.row_edges.first().copied().unwrap_or(0.0)
    }

    /// The table's rows as text fields, one per column slot: a merged cell's
    /// text in its first slot, the slots it spans empty.
    pub fn text_rows(&self) -> Vec<Vec<&str>> {
        let mut out = vec![vec![""; self.cols]; self.rows];
        for c in &self.cells {
            out[c.row][c.col] = &c.text;
        }
        out
    }
}

/// Lays out one page.
pub fn layout(page: &Page) -> PageLayout {
    layout_continuing(page, None)
}

/// Lays out one page whose first rule-less table may continue the table the
/// page before ended with (`carried`: that table's column boundaries): a
/// table continued without its header prints only the columns its rows
/// fill, often a single total row centred across code and name, so its
/// own gaps cannot say which of the table's columns they are.
pub fn layout_continuing(page: &Page, carried: Option<&[f64]>) -> PageLayout {
    let glyphs = distinct_glyphs(&page.glyphs);
    let rules = snap_rules(&page.rules);
    let mut tables = lattice(&rules);
    let mut free: Vec<&Glyph> = Vec::new();
    let mut contents: Vec<Vec<Vec<&Glyph>>> = tables
        .iter()
        .map(|t| vec![Vec::new(); t.table.cells.len()])
        .collect();
    'glyph: for g in &glyphs {
        let (cx, cy) = (g.centre_x(), g.centre_y());
        for (ti, t) in tables.iter().enumerate() {
            if let Some(ci) = t.cell_at(cx, cy) {
                contents[ti][ci].push(g);
                continue 'glyph;
            }
        }
        free.push(g);
    }
    let mut blocks: Vec<(f64, Block)> = Vec::new();
    for (t, content) in tables.iter_mut().zip(contents) {
        let filled = content.iter().filter(|c| !c.is_empty()).count();
        // A lone framed box (a text frame, a stamp) is text, not a table; a
        // ruled structure with nothing inside is decoration.
        if t.table.cells.len() < 2 || filled == 0 {
            free.extend(content.into_iter().flatten());
            continue;
        }
        for (cell, gs) in t.table.cells.iter_mut().zip(content) {
            cell.text = cell_text(gs);
        }
        blocks.push((t.table.top(), Block::Table(t.table.clone())));
    }
    // The page's first ruled table continues the last page's where every
    // column boundary it draws is one of that table's: a page holding only
    // rows whose cells merge two columns (a total across code and name)
    // draws no rule between them.
    if let Some(edges) = carried
        && let Some((_, Block::Table(t))) = blocks.iter_mut().min_by(|a, b| a.0.total_cmp(&b.0))
    {
        refit_columns(t, edges);
    }
    free.sort_by(|a, b| a.centre_y().total_cmp(&b.centre_y()));
    let lines = text_lines(free);
    let ruled_top = blocks.iter().map(|b| b.0).fold(f64::MAX, f64::min);
    blocks.extend(stream_blocks(
        lines,
        carried.filter(|_| ruled_top == f64::MAX),
    ));
    blocks.sort_by(|a, b| a.0.total_cmp(&b.0));
    PageLayout {
        number: page.number,
        width: page.width,
        height: page.height,
        blocks: blocks.into_iter().map(|(_, b)| b).collect(),
    }
}

/// Drops glyphs that repeat one already drawn at (nearly) the same place:
/// bold faked by fill-then-stroke or by offset copies, and white space,
/// which carries no ink and only blurs the gaps.
pub fn distinct_glyphs(glyphs: &[Glyph]) -> Vec<Glyph> {
    let mut order: Vec<usize> = (0..glyphs.len())
        .filter(|&i| !glyphs[i].text.trim().is_empty() && glyphs[i].size > 0.0)
        .collect();
    order.sort_by(|&a, &b| {
        let (ga, gb) = (&glyphs[a], &glyphs[b]);
        ga.text
            .cmp(&gb.text)
            .then(ga.baseline.total_cmp(&gb.baseline))
    });
    let mut keep = vec![false; glyphs.len()];
    let mut kept: Vec<usize> = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        let g = &glyphs[i];
        let tol = 0.2 * g.size;
        let twin = order[..k]
            .iter()
            .rev()
            .take_while(|&&j| glyphs[j].text == g.text && g.baseline - glyphs[j].baseline <= tol);
        let dup = twin.clone().any(|&j| {
            keep[j] && (glyphs[j].x0 - g.x0).abs() <= tol && (glyphs[j].size - g.size).abs() <= tol
        });
        if !dup {
            keep[i] = true;
            kept.push(i);
        }
    }
    // Back to drawing order: the order of text within a line is by x anyway,
    // but ties keep the producer's order.
    kept.sort_unstable();
    kept.into_iter().map(|i| glyphs[i].clone()).collect()
}

/// Snaps rules lying within [`SNAP`] of each other onto their mean position,
/// then joins collinear pieces whose gap is at most [`JOIN`].
pub fn snap_rules(rules: &[Rule]) -> Vec<Rule> {
    let mut out = Vec::new();
    for o in [Orientation::Horizontal, Orientation::Vertical] {
        let mut rs: Vec<Rule> = rules
            .iter()
            .filter(|r| r.orientation == o)
            .copied()
            .collect();
        rs.sort_by(|a, b| a.pos.total_cmp(&b.pos));
        let mut i = 0;
        while i < rs.len() {
            let first = rs[i].pos;
            let mut j = i;
            while j < rs.len() && rs[j].pos - first <= SNAP {
                j += 1;
            }
            let mean = rs[i..j].iter().map(|r| r.pos).sum::<f64>() / (j - i) as f64;
            let mut group: Vec<Rule> = rs[i..j].to_vec();
            group.sort_by(|a, b| a.from.total_cmp(&b.from));
            let mut cur: Option<Rule> = None;
            for r in group {
                match &mut cur {
                    Some(c) if r.from <= c.to + JOIN => c.to = c.to.max(r.to),
                    _ => {
                        out.extend(cur.take());
                        cur = Some(Rule { pos: mean, ..r });
                    }
                }
            }
            out.extend(cur);
            i = j;
        }
    }
    out
}

/// A table found by the lattice, with a lookup from position to cell.
struct Found {
    table: LatticeTable,
    /// `rows × cols` slots → index of the covering cell.
    slots: Vec<Option<usize>>,
}

impl Found {
    fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
        let t = &self.table;
        let (ys, xs) = (&t.row_edges, &t.col_edges);
        if y < ys[0] || y > ys[t.rows] || x < xs[0] || x > xs[t.cols] {
            return None;
        }
        let r = ys.partition_point(|&e| e <= y).clamp(1, t.rows) - 1;
        let c = xs.partition_point(|&e| e <= x).clamp(1, t.cols) - 1;
        self.slots[r * t.cols + c]
    }
}

/// Cells from snapped rules, grouped into tables.
fn lattice(rules: &[Rule]) -> Vec<Found> {
    let mut xs: Vec<f64> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    for r in rules {
        match r.orientation {
            Orientation::Horizontal => ys.push(r.pos),
            Orientation::Vertical => xs.push(r.pos),
        }
    }
    for v in [&mut xs, &mut ys] {
        v.sort_by(f64::total_cmp);
        v.dedup();
    }
    if xs.len() < 2 || ys.len() < 2 {
        return Vec::new();
    }
    let index = |v: &[f64], p: f64| v.partition_point(|&e| e < p);
    // Spans of rule at each position.
    let mut h_at: Vec<Vec<(f64, f64)>> = vec![Vec::new(); ys.len()];
    let mut v_at: Vec<Vec<(f64, f64)>> = vec![Vec::new(); xs.len()];
    for r in rules {
        match r.orientation {
            Orientation::Horizontal => h_at[index(&ys, r.pos)].push((r.from, r.to)),
            Orientation::Vertical => v_at[index(&xs, r.pos)].push((r.from, r.to)),
        }
    }
    let covers = |spans: &[(f64, f64)], a: f64, b: f64| {
        spans
            .iter()
            .any(|&(f, t)| f <= a.min(b) + MEET && t >= a.max(b) - MEET)
    };
    // Crossings: (x index, y index).
    let mut crossings: FxHashSet<(usize, usize)> = FxHashSet::default();
    for (xi, &x) in xs.iter().enumerate() {
        for (yi, &y) in ys.iter().enumerate() {
            if covers(&v_at[xi], y, y) && covers(&h_at[yi], x, x) {
                crossings.insert((xi, yi));
            }
        }
    }
    let mut by_col: Vec<Vec<usize>> = vec![Vec::new(); xs.len()];
    let mut by_row: Vec<Vec<usize>> = vec![Vec::new(); ys.len()];
    for &(xi, yi) in &crossings {
        by_col[xi].push(yi);
        by_row[yi].push(xi);
    }
    for v in by_col.iter_mut().chain(by_row.iter_mut()) {
        v.sort_unstable();
    }
    // Each crossing as a top-left corner: the nearest crossing below it,
    // then the nearest to its right, that close a ruled rectangle.
    let mut cells: Vec<[usize; 4]> = Vec::new();
    let mut corners: Vec<(usize, usize)> = crossings.iter().copied().collect();
    corners.sort_unstable_by_key(|&(x, y)| (y, x));
    for &(xi, yi) in &corners {
        'below: for &yb in by_col[xi].iter().filter(|&&y| y > yi) {
            if !covers(&v_at[xi], ys[yi], ys[yb]) {
                break;
            }
            for &xr in by_row[yi].iter().filter(|&&x| x > xi) {
                if !covers(&h_at[yi], xs[xi], xs[xr]) {
                    break;
                }
                if crossings.contains(&(xr, yb))
                    && covers(&v_at[xr], ys[yi], ys[yb])
                    && covers(&h_at[yb], xs[xi], xs[xr])
                {
                    cells.push([xi, yi, xr, yb]);
                    break 'below;
                }
            }
        }
    }
    // Tables: cells joined by shared corners.
    let mut parent: Vec<usize> = (0..cells.len()).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let mut corner_owner: FxHashMap<(usize, usize), usize> = FxHashMap::default();
    for (ci, c) in cells.iter().enumerate() {
        for corner in [(c[0], c[1]), (c[2], c[1]), (c[0], c[3]), (c[2], c[3])] {
            match corner_owner.get(&corner) {
                Some(&o) => {
                    let (a, b) = (root(&mut parent, o), root(&mut parent, ci));
                    parent[a] = b;
                }
                None => {
                    corner_owner.insert(corner, ci);
                }
            }
        }
    }
    let mut groups: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for ci in 0..cells.len() {
        let r = root(&mut parent, ci);
        groups.entry(r).or_default().push(ci);
    }
    let mut out: Vec<Found> = groups
        .into_values()
        .map(|members| {
            let group: Vec<[usize; 4]> = members.iter().map(|&i| cells[i]).collect();
            build_table(&group, &xs, &ys)
        })
        .collect();
    out.sort_by(|a, b| a.table.top().total_cmp(&b.table.top()));
    out
}

fn build_table(cells: &[[usize; 4]], xs: &[f64], ys: &[f64]) -> Found {
    let mut cx: Vec<usize> = cells.iter().flat_map(|c| [c[0], c[2]]).collect();
    let mut cy: Vec<usize> = cells.iter().flat_map(|c| [c[1], c[3]]).collect();
    cx.sort_unstable();
    cx.dedup();
    cy.sort_unstable();
    cy.dedup();
    let (rows, cols) = (cy.len() - 1, cx.len() - 1);
    let col_of = |x: usize| cx.binary_search(&x).unwrap_or(0);
    let row_of = |y: usize| cy.binary_search(&y).unwrap_or(0);
    let mut sorted = cells.to_vec();
    sorted.sort_unstable_by_key(|c| (c[1], c[0]));
    let mut slots = vec![None; rows * cols];
    let mut out = Vec::with_capacity(sorted.len());
    for c in sorted {
        let (c0, c1, r0, r1) = (col_of(c[0]), col_of(c[2]), row_of(c[1]), row_of(c[3]));
        // Overlapping cells (rules that cross inside a cell) keep the first.
        if (r0..r1).any(|r| (c0..c1).any(|k| slots[r * cols + k].is_some())) {
            continue;
        }
        for r in r0..r1 {
            for k in c0..c1 {
                slots[r * cols + k] = Some(out.len());
            }
        }
        out.push(PdfCell {
            row: r0,
            col: c0,
            row_span: r1 - r0,
            col_span: c1 - c0,
            x0: xs[c[0]],
            x1: xs[c[2]],
            y0: ys[c[1]],
            y1: ys[c[3]],
            text: String::new(),
        });
    }
    Found {
        table: LatticeTable {
            rows,
            cols,
            ruled: true,
            row_edges: cy.iter().map(|&i| ys[i]).collect(),
            col_edges: cx.iter().map(|&i| xs[i]).collect(),
            cells: out,
        },
        slots,
    }
}

/// Glyphs grouped into lines by their vertical centre, each line left to
/// right. Expects `glyphs` sorted by centre.
fn group_lines(glyphs: Vec<&Glyph>) -> Vec<Vec<&Glyph>> {
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    let mut anchor = f64::MIN;
    for g in glyphs {
        match lines.last_mut() {
            Some(l) if g.centre_y() - anchor <= 0.45 * g.size.max(l[0].size) => l.push(g),
            _ => {
                anchor = g.centre_y();
                lines.push(vec![g]);
            }
        }
    }
    for l in &mut lines {
        l.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    lines
}

/// A line's glyphs as text: a space where the gap is a third of an em or more.
fn line_text(line: &[&Glyph]) -> String {
    let mut s = String::new();
    let mut prev: Option<&Glyph> = None;
    for g in line {
        if let Some(p) = prev
            && g.x0 - p.x1 >= 0.33 * g.size.max(p.size)
        {
            s.push(' ');
        }
        s.push_str(&g.text);
        prev = Some(g);
    }
    s
}

fn cell_text(mut glyphs: Vec<&Glyph>) -> String {
    glyphs.sort_by(|a, b| a.centre_y().total_cmp(&b.centre_y()));
    let mut out = String::new();
    for line in group_lines(glyphs) {
        let t = line_text(&line);
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(out.chars().last()) && latin(t.chars().next()) {
            out.push(' ');
        }
        out.push_str(&t);
    }
    out
}

/// A free line cut where its glyphs leave a gap of [`CELL_GAP`] or more.
struct Chunked<'a> {
    glyphs: Vec<&'a Glyph>,
    /// Index ranges into `glyphs`, one per chunk.
    chunks: Vec<std::ops::Range<usize>>,
    /// Vertical centre and the largest font size.
    y: f64,
    size: f64,
    /// Which chunks print an amount (read once: lines are asked often).
    amount: Vec<bool>,
    /// A row of a rule-less table (see [`Chunked::is_amount_row`]).
    row: bool,
}

impl<'a> Chunked<'a> {
    fn new(glyphs: Vec<&'a Glyph>, chunks: Vec<std::ops::Range<usize>>, y: f64, size: f64) -> Self {
        let amount: Vec<bool> = chunks
            .iter()
            .map(|r| amount_like(&line_text(&glyphs[r.clone()])))
            .collect();
        let amounts = amount.iter().filter(|&&a| a).count();
        // Cut into cells, one of them an amount; or amounts alone, with
        // decimals (a row's amounts centred between the two lines of its
        // wrapped name; a page number is no amount row).
        let row = amounts > 0
            && (chunks.len() >= 2
                || amounts == chunks.len() && glyphs.iter().any(|g| g.text.contains('.')));
        Chunked {
            glyphs,
            chunks,
            y,
            size,
            amount,
            row,
        }
    }

    fn span(&self, r: &std::ops::Range<usize>) -> (f64, f64) {
        let g = &self.glyphs[r.clone()];
        (g[0].x0, g.iter().map(|g| g.x1).fold(f64::MIN, f64::max))
    }

    /// The extents of the chunks that print an amount.
    fn amount_spans(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.chunks
            .iter()
            .zip(&self.amount)
            .filter(|(_, a)| **a)
            .map(|(r, _)| self.span(r))
    }

    /// The right edges of the chunks that print an amount.
    fn amount_edges(&self) -> impl Iterator<Item = f64> + '_ {
        self.amount_spans().map(|s| s.1)
    }

    /// A row of a rule-less table.
    fn is_amount_row(&self) -> bool {
        self.row
    }

    /// The widest gap between chunks, in ems.
    fn widest_gap(&self) -> f64 {
        self.chunks
            .windows(2)
            .map(|w| (self.span(&w[1]).0 - self.span(&w[0]).1) / self.size)
            .fold(0.0, f64::max)
    }
}

/// Gap (ems) between the cells of a rule-less table's row: producers keep
/// 2-6 pt of cell margin a side, so neighbouring cells' text stands at least
/// 4 pt apart at 10.5 pt, while the words of one cell stand a space (a
/// quarter to a third of an em) apart or closer.
const CELL_GAP: f64 = 0.4;

fn text_lines(free: Vec<&Glyph>) -> Vec<Chunked<'_>> {
    group_lines(free)
        .into_iter()
        .map(|glyphs| {
            let mut chunks = Vec::new();
            let mut start = 0;
            for i in 1..glyphs.len() {
                let (p, g) = (glyphs[i - 1], glyphs[i]);
                if g.x0 - p.x1 >= CELL_GAP * g.size.max(p.size) {
                    chunks.push(start..i);
                    start = i;
                }
            }
            chunks.push(start..glyphs.len());
            let y = glyphs.iter().map(|g| g.centre_y()).sum::<f64>() / glyphs.len() as f64;
            let size = glyphs.iter().map(|g| g.size).fold(0.0, f64::max);
            Chunked::new(glyphs, chunks, y, size)
        })
        .collect()
}

/// A chunk that prints an amount: digits with thousands separators and a
/// decimal part, signed or in brackets, or a dash for nil.
fn amount_like(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix('-').unwrap_or(t);
    let t = t
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(t);
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    !int.is_empty()
        && int.starts_with(|c: char| c.is_ascii_digit())
        && int.chars().all(|c| c.is_ascii_digit() || c == ',')
        && frac.chars().all(|c| c.is_ascii_digit())
        && (t.contains('.') || int.len() <= 3 || int.contains(','))
}

/// Most lines in a row among a rule-less table's rows that neither print an
/// amount nor line up with its cells (a centred label, a stamp).
const MAX_STRAY: usize = 2;

/// Every cell of the line starts or ends (within 1.5 pt) where a cell of
/// the table's amount rows does: left-aligned labels, right-aligned amounts.
fn aligned(line: &Chunked<'_>, edges: &[(f64, f64)]) -> bool {
    line.chunks
        .iter()
        .all(|r| edge_aligned(line.span(r), edges))
}

/// Every cell of the line stands clear of the table's amount columns: a
/// name wrapped around its row's amounts, or a total centred in its cell,
/// lines up with nothing but sits where the labels are; prose, a footer or
/// the next title run across the amounts.
fn clear_of(line: &Chunked<'_>, amounts: &[(f64, f64)]) -> bool {
    line.chunks.iter().all(|r| clear(line.span(r), amounts))
}

/// A cell over none of `amounts`.
fn clear((a, b): (f64, f64), amounts: &[(f64, f64)]) -> bool {
    amounts.iter().all(|&(x0, x1)| b < x0 || a > x1)
}

/// A cell that starts or ends (within 1.5 pt) where one of `edges` does.
fn edge_aligned((a, b): (f64, f64), edges: &[(f64, f64)]) -> bool {
    edges
        .iter()
        .any(|&(x0, x1)| (a - x0).abs() <= 1.5 || (b - x1).abs() <= 1.5)
}

/// Whether line `j` stands near enough to line `j - 1` to be in one
/// rule-less table with it: three ems, with half a point of slack (tall rows
/// of small type, 8 pt rows 24 pt apart, measure three ems give or take
/// the rounding of their glyph positions).
fn near(lines: &[Chunked<'_>], j: usize) -> bool {
    let em = lines[j].size.max(lines[j - 1].size);
    lines[j].y - lines[j - 1].y <= 3.0 * em + 0.5
}

/// Most lines of a rule-less table's header: narrow columns stack their
/// headers a character or two per line (09's twelve columns on a portrait
/// page: `因/公/出/国/(境)/费` over eight lines, under two banner lines).
const MAX_HEADER_LINES: usize = 16;

/// Lines into blocks: runs of amount rows, with the header lines above them
/// and the wrapped lines among them, become rule-less tables; the rest are
/// text lines.
fn stream_blocks(lines: Vec<Chunked<'_>>, carried: Option<&[f64]>) -> Vec<(f64, Block)> {
    let n = lines.len();
    let row: Vec<bool> = lines.iter().map(Chunked::is_amount_row).collect();
    let mut taken = vec![false; n];
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if !row[i] {
            i += 1;
            continue;
        }
        // Forward: amount rows, and between them lines whose cells start or
        // end where the amount rows' cells do (a blank row's labels, a
        // wrapped label) or at most MAX_STRAY others; no wider apart than a
        // few lines.
        let mut edges: Vec<(f64, f64)> = Vec::new();
        let mut amounts: Vec<(f64, f64)> = Vec::new();
        let mut last = i;
        let mut stray = 0;
        let mut j = i;
        while j < n && (j == i || near(&lines, j)) {
            if row[j] {
                last = j;
                stray = 0;
                edges.extend(lines[j].chunks.iter().map(|r| lines[j].span(r)));
                amounts.extend(lines[j].amount_spans());
            } else if !aligned(&lines[j], &edges) && !clear_of(&lines[j], &amounts) {
                stray += 1;
                if stray > MAX_STRAY {
                    break;
                }
            }
            j += 1;
        }
        // Backward: lines above the first row cut into cells that line up
        // with the rows below (rows printing no amount, or one amount centred
        // between the two lines of a wrapped name) are rows of the table too.
        let mut top = i;
        {
            // Lines close enough to be rows, and the left edges they share:
            // a name column is left-aligned, even where no amount row prints
            // a name of its own in it (two-sided tables' centred totals).
            let mut k = i;
            while k > 0 && !taken[k - 1] && near(&lines, k) {
                k -= 1;
            }
            let (amounts, lines) = (&amounts, &lines);
            let starts: Vec<(usize, f64)> = (k..i)
                .flat_map(|m| lines[m].chunks.iter().map(move |r| (m, lines[m].span(r).0)))
                .collect();
            let column_like = |m: usize| {
                lines[m].chunks.iter().all(|r| {
                    let (a, b) = lines[m].span(r);
                    edge_aligned((a, b), &edges)
                        || clear((a, b), amounts)
                            && starts.iter().any(|&(o, x)| o != m && (x - a).abs() <= 1.5)
                })
            };
            while top > k && column_like(top - 1) {
                top -= 1;
            }
        }
        // Wrapped lines just under the last row (its label centred on them).
        let mut end = last;
        while end + 1 < n
            && end + 1 < last + 3
            && !row[end + 1]
            && lines[end + 1].y - lines[end].y <= 1.6 * lines[end].size
        {
            end += 1;
        }
        // Header lines above: cut into cells, close together. A line of
        // one narrow chunk (a header wrapped or stacked in a narrow column:
        // `因公出国` over `（境）费`) belongs to them when a line cut into
        // cells stands above it: a title above the table is one wide chunk,
        // a unit or caption line (单位：万元) says so with its colon.
        let mut start = top;
        let mut probe = top;
        while probe > 0
            && probe + MAX_HEADER_LINES > top
            && !taken[probe - 1]
            && near(&lines, probe)
        {
            let line = &lines[probe - 1];
            if line.chunks.len() >= 2 {
                probe -= 1;
                start = probe;
            } else if line.chunks.len() == 1 && {
                let (a, b) = line.span(&line.chunks[0]);
                b - a <= 8.0 * line.size
                    && line.size <= lines[i].size + 0.5
                    && !line.glyphs.iter().any(|g| g.text == ":" || g.text == "：")
            } {
                probe -= 1;
            } else {
                break;
            }
        }
        let rows: Vec<&Chunked<'_>> = lines[top..=last]
            .iter()
            .filter(|l| l.is_amount_row())
            .collect();
        // Only the page's first table may continue the last page's; one
        // row of two amounts or more is enough there when its cells sit in
        // that table's columns: the last row carried over alone, set tight,
        // or the one row printing figures under the repeated header (a
        // two-sided table's expenditure names wrapped down the page, only
        // one of them with figures), header and names in the columns too.
        let carried = carried.filter(|_| out.is_empty());
        let continues = |run: &[Chunked<'_>]| {
            carried.is_some_and(|edges| {
                let [row] = rows.as_slice() else { return false };
                let spans: Vec<(f64, f64)> = run
                    .iter()
                    .flat_map(|l| l.chunks.iter().map(|r| l.span(r)))
                    .collect();
                let amounts: Vec<(f64, f64)> = row.amount_spans().collect();
                amounts.len() >= 2
                    && (run.len() == 1 || start < top)
                    && fits_columns(&spans, &amounts, edges)
            })
        };
        let evident = stream_evidence(&rows);
        if evident || continues(&lines[start..=end]) {
            let run = &lines[start..=end];
            // A header of its own tells the columns, but for a page that
            // only the carried columns make a table.
            let carried = carried.filter(|_| start == top || !evident);
            out.push((
                run[0].y - 0.5 * run[0].size,
                Block::Table(stream_table(run, carried)),
            ));
            taken[start..=end].iter_mut().for_each(|t| *t = true);
            i = end + 1;
        } else {
            i += 1;
        }
    }
    for (l, _) in lines.iter().zip(&taken).filter(|(_, t)| !**t) {
        out.push((
            l.y,
            Block::Text(TextLine {
                text: line_text(&l.glyphs),
                y: l.y,
                x0: l.glyphs[0].x0,
                x1: l.glyphs.iter().map(|g| g.x1).fold(f64::MIN, f64::max),
            }),
        ));
    }
    out
}

/// Sets a ruled table in the columns `edges` when each of its own column
/// boundaries is one of them (within [`SNAP`]) and `edges` has more: its
/// cells take the slots those columns give. Otherwise the table stays.
fn refit_columns(t: &mut LatticeTable, edges: &[f64]) {
    let slot = |x: f64| edges.iter().position(|&e| (e - x).abs() <= SNAP);
    let Some(own) = t
        .col_edges
        .iter()
        .map(|&x| slot(x))
        .collect::<Option<Vec<usize>>>()
    else {
        return;
    };
    if edges.len() <= t.col_edges.len() || own.windows(2).any(|w| w[0] >= w[1]) {
        return;
    }
    for c in &mut t.cells {
        let (first, end) = (own[c.col], own[c.col + c.col_span]);
        (c.col, c.col_span) = (first, end - first);
    }
    t.cols = edges.len() - 1;
    t.col_edges = edges.to_vec();
}

/// Whether a continued table's occupied spans sit in the columns `edges`
/// bound: within the table (a point of slack), no two of its columns of
/// amounts centred in one column (labels may share one: a total centred
/// in its name column beside the names set flush left).
fn fits_columns(spans: &[(f64, f64)], amounts: &[(f64, f64)], edges: &[f64]) -> bool {
    let (Some(&left), Some(&right)) = (edges.first(), edges.last()) else {
        return false;
    };
    let col = |x: f64| edges.partition_point(|&e| e <= x).clamp(1, edges.len() - 1) - 1;
    let mut used: Vec<usize> = Vec::new();
    for &(a, b) in amounts {
        let c = col((a + b) / 2.0);
        if used.contains(&c) {
            return false;
        }
        used.push(c);
    }
    spans
        .iter()
        .all(|&(a, b)| a >= left - 1.0 && b <= right + 1.0)
}

/// A table, not prose that happens to hold numbers: two amount rows or
/// more, amounts that line up on their right edge across rows, and at least
/// one gap wider than the spaces of justified prose; or one row of amounts
/// side by side.
fn stream_evidence(rows: &[&Chunked<'_>]) -> bool {
    // A table of one row (09's totals): three amounts or more, nothing but
    // them (however tight: narrow cells), or nothing but them after a label
    // with cells far apart. Prose sets its figures among words, never three
    // side by side.
    // Or a row of labels and amounts, two of each or more, every cell an
    // em or more from the next (a two-sided table's last row carried over
    // to a page of its own: `总计 1086.96 总计 1086.96`).
    if let [row] = rows {
        let amounts = row.amount_edges().count();
        let apart = row
            .chunks
            .windows(2)
            .all(|w| (row.span(&w[1]).0 - row.span(&w[0]).1) / row.size >= 1.0);
        return amounts >= 3
            && (amounts == row.chunks.len()
                || amounts + 1 >= row.chunks.len() && row.widest_gap() >= 1.5)
            || amounts >= 2 && row.chunks.len() >= amounts + 2 && apart;
    }
    if rows.len() < 2 {
        return false;
    }
    let edges: Vec<Vec<f64>> = rows.iter().map(|l| l.amount_edges().collect()).collect();
    // How many amount edges of a row the best other row shares.
    let shared = |k: usize| {
        edges
            .iter()
            .enumerate()
            .filter(|&(m, _)| m != k)
            .map(|(_, other)| {
                edges[k]
                    .iter()
                    .filter(|&&e| other.iter().any(|&o| (o - e).abs() <= 1.5))
                    .count()
            })
            .max()
            .unwrap_or(0)
    };
    // Cells far apart somewhere, or (a table set tight, cells an em or less
    // apart) two rows whose amounts line up in two columns: prose never
    // prints two figures on a line twice at the same places.
    let wide = rows.iter().any(|l| l.widest_gap() >= 1.5);
    (0..rows.len()).any(|k| shared(k) >= if wide { 1 } else { 2 })
}

/// A rule-less table. Columns: the gaps that the amount rows leave open on
/// every line (a header chunk standing alone in such a gap is a column of
/// its own, printed blank below). Rows: one per amount row; each other line
/// after the first amount row belongs to the nearer amount row when it is
/// nearer than rows stand apart (a wrapped label), else is a row of its own;
/// lines above the first amount row are header rows, but for the line just
/// above it when that is nearer than rows stand apart (its wrapped name).
fn stream_table(run: &[Chunked<'_>], carried: Option<&[f64]>) -> LatticeTable {
    let spans = |l: &Chunked<'_>| l.chunks.iter().map(|r| l.span(r)).collect::<Vec<_>>();
    let union = |mut v: Vec<(f64, f64)>| {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut out: Vec<(f64, f64)> = Vec::new();
        for (a, b) in v {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        out
    };
    // Columns: where the rows' cells stand, but for a cell aligned with no
    // other that bridges two cells of other rows standing apart (a total
    // centred across the code and name columns), or a label alone in a gap:
    // it goes to the column that holds its centre.
    let overlaps = |s: (f64, f64), d: (f64, f64)| s.0 < d.1 && s.1 > d.0;
    let rows: Vec<&Chunked<'_>> = run.iter().filter(|l| l.is_amount_row()).collect();
    // The body's cells, wrapped lines among the rows included: a name
    // column whose names all wrap around their row's line (the code and
    // amounts centred between two lines of name) prints nothing on the
    // amount rows, and a total centred across code and name still bridges.
    let body = run.iter().position(Chunked::is_amount_row).unwrap_or(0);
    let cells: Vec<(f64, f64)> = run[body..].iter().flat_map(&spans).collect();
    let bridges = |(a, b): (f64, f64), size: f64| {
        let (mut first_end, mut last_start) = (f64::MAX, f64::MIN);
        for &other in cells.iter().filter(|&&c| c != (a, b)) {
            if edge_aligned((a, b), &[other]) {
                return false;
            }
            if overlaps(other, (a, b)) {
                first_end = first_end.min(other.1);
                last_start = last_start.max(other.0);
            }
        }
        last_start - first_end >= CELL_GAP * size
    };
    // A label no other cell overlaps or lines up with, in a table of
    // several rows (a total centred in the gap between the code and name
    // columns): a merged cell's text, no column of its own.
    let lone = |s: (f64, f64)| {
        // Itself, once: a cell of another row at the very same place is no
        // other cell's absence.
        rows.len() >= 2
            && cells
                .iter()
                .filter(|&&c| overlaps(c, s) || edge_aligned(s, &[c]))
                .count()
                == 1
    };
    let data = union(
        rows.iter()
            .flat_map(|l| {
                l.chunks.iter().enumerate().filter_map(|(k, r)| {
                    let s = l.span(r);
                    (!bridges(s, l.size) && (l.amount[k] || !lone(s))).then_some(s)
                })
            })
            .collect(),
    );
    // Header chunks over no column of amounts, stacked into the columns
    // they form (narrow columns set their headers a character or two per
    // line), head a column printed blank, unless a column of amounts within
    // an em of the stack has no header at all (a header centred over amounts
    // set flush right) or has its headers wholly below the stack (a banner
    // over it) or wholly above it (the stack is its own header under a
    // banner, beside a total centred across two columns), or the stack
    // stands above the lowest headers of the columns beside it however far
    // (a banner over a gap). A stack that runs beside its neighbours' own
    // headers is a column of its own.
    struct Chunk {
        y: f64,
        span: (f64, f64),
        size: f64,
    }
    let headers: Vec<Chunk> = run
        .iter()
        .filter(|l| !l.is_amount_row())
        .flat_map(|l| {
            spans(l).into_iter().map(move |span| Chunk {
                y: l.y,
                span,
                size: l.size,
            })
        })
        .collect();
    // The vertical band of each amount column's own headers, and its
    // lowest, the leaf (banners and captions across several columns are no
    // column's own).
    let over = |s: (f64, f64)| data.iter().filter(|&&d| overlaps(s, d)).count();
    let bands: Vec<Option<(f64, f64)>> = data
        .iter()
        .map(|&d| {
            headers
                .iter()
                .filter(|h| overlaps(h.span, d) && over(h.span) == 1)
                .fold(None, |b: Option<(f64, f64)>, h| {
                    Some(b.map_or((h.y, h.y), |(t, l)| (t.min(h.y), l.max(h.y))))
                })
        })
        .collect();
    // A header over two columns printed blank (公务用车购置费 over its 预算数
    // and 决算数) is a banner over them, not a column; its sub-columns are.
    let loose: Vec<&Chunk> = headers.iter().filter(|h| over(h.span) == 0).collect();
    let banner = |h: &Chunk| {
        let below: Vec<&&Chunk> = loose
            .iter()
            .filter(|o| o.y > h.y && overlaps(o.span, h.span))
            .collect();
        below
            .iter()
            .enumerate()
            .any(|(i, a)| below[..i].iter().any(|b| !overlaps(a.span, b.span)))
    };
    let loose: Vec<&Chunk> = loose.iter().copied().filter(|h| !banner(h)).collect();
    let mut stack: Vec<usize> = (0..loose.len()).collect();
    for a in 0..loose.len() {
        for b in 0..a {
            if overlaps(loose[a].span, loose[b].span) {
                let (ra, rb) = (stack[a], stack[b]);
                stack.iter_mut().filter(|x| **x == ra).for_each(|x| *x = rb);
            }
        }
    }
    let mut all = data.clone();
    for root in stack.iter().copied().collect::<FxHashSet<usize>>() {
        let members: Vec<&Chunk> = (0..loose.len())
            .filter(|&k| stack[k] == root)
            .map(|k| loose[k])
            .collect();
        let (mut top, mut low, mut x0, mut x1, mut em) =
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN, 0.0);
        for m in &members {
            (top, low) = (top.min(m.y), low.max(m.y));
            (x0, x1) = (x0.min(m.span.0), x1.max(m.span.1));
            em = f64::max(em, m.size);
        }
        let adopted = data.iter().zip(&bands).any(|(&d, band)| {
            x1 + em > d.0 && x0 < d.1 + em && band.is_none_or(|(t, l)| l < top || t > low)
        }) || {
            // A banner over a gap: above the leaves of the columns beside
            // it, however far (收入 centred over 项目 and 决算数).
            let left = data.iter().rposition(|d| d.1 <= x0);
            let right = data.iter().position(|d| d.0 >= x1);
            let above = |k: Option<usize>| k.is_none_or(|k| bands[k].is_some_and(|(_, l)| low < l));
            (left.is_some() || right.is_some()) && above(left) && above(right)
        };
        if !adopted {
            all.extend(members.iter().map(|m| m.span));
        }
    }
    let occupied = union(all);
    let mut col_edges = vec![occupied[0].0];
    for w in occupied.windows(2) {
        col_edges.push((w[0].1 + w[1].0) / 2.0);
    }
    col_edges.push(occupied[occupied.len() - 1].1);
    if let Some(edges) = carried
        && fits_columns(
            &occupied,
            &union(rows.iter().flat_map(|l| l.amount_spans()).collect()),
            edges,
        )
    {
        col_edges = edges.to_vec();
    }
    let cols = col_edges.len() - 1;
    let column = |x: f64| col_edges.partition_point(|&e| e <= x).clamp(1, cols) - 1;

    // Which row each line joins.
    let amount_rows: Vec<usize> = (0..run.len()).filter(|&k| run[k].is_amount_row()).collect();
    // Wrapped lines of a cell stand a line's leading apart; rows, a leading
    // plus the cells' margins. The closest pair of lines tells the leading
    // (or half of it, an amount centred on a two-line label), the median
    // pair the row pitch; a line joins an amount row when it is nearer than
    // halfway between the two.
    let first = amount_rows[0];
    let mut gaps: Vec<f64> = run[first..].windows(2).map(|w| w[1].y - w[0].y).collect();
    gaps.sort_by(f64::total_cmp);
    let (closest, median) = match gaps.len() {
        0 => (0.0, 0.0),
        k => (gaps[0], gaps[k / 2]),
    };
    let join_within = if closest < 0.9 * median {
        (closest + median) / 2.0
    } else {
        0.6 * median
    };
    // Where most names wrap, the median pair is half a leading too (an
    // amount centred between two lines, row after row): a line next to an
    // amount row, within a leading of it and clearly nearer it than its
    // neighbour on the other side, is a wrapped line of that row.
    let beside = |k: usize, a: usize| {
        if !run[a].is_amount_row() || run[k].is_amount_row() {
            return false;
        }
        let d = (run[k].y - run[a].y).abs();
        let other = if a > k { k.checked_sub(1) } else { Some(k + 1) }
            .filter(|&o| o < run.len())
            .map_or(f64::MAX, |o| (run[k].y - run[o].y).abs());
        let size = run[k].size.max(run[a].size);
        d <= 1.5 * size && d + 0.15 * size < other
    };
    let mut owner: Vec<usize> = (0..run.len()).collect();
    for k in first..run.len() {
        if run[k].is_amount_row() {
            continue;
        }
        let prev = amount_rows.iter().rev().find(|&&a| a < k);
        let next = amount_rows.iter().find(|&&a| a > k);
        let d = |a: &usize| (run[k].y - run[*a].y).abs();
        let nearest = match (prev, next) {
            (Some(p), Some(n)) => Some(if d(n) < d(p) { n } else { p }),
            (p, n) => p.or(n),
        };
        if let Some(&a) = nearest
            && (d(&a) < join_within || a.abs_diff(k) == 1 && beside(k, a))
        {
            owner[k] = a;
        }
    }
    // Above the first row, only the first line of its own name: an amount
    // centred on a two-line name (the row prints nothing else, or the
    // name's second line, below it, joined it in the same column); the
    // lines above that are the header.
    if first > 0
        && !run[first - 1].is_amount_row()
        && (run[first].y - run[first - 1].y < join_within || beside(first - 1, first))
    {
        let columns_of = |l: &Chunked<'_>| -> Vec<usize> {
            l.chunks
                .iter()
                .map(|r| {
                    let (a, b) = l.span(r);
                    column((a + b) / 2.0)
                })
                .collect()
        };
        let above = columns_of(&run[first - 1]);
        let amounts_only = run[first].amount_edges().count() == run[first].chunks.len();
        let second_line_below = (first + 1..run.len())
            .filter(|&b| owner[b] == first && !run[b].is_amount_row())
            .any(|b| columns_of(&run[b]).iter().any(|c| above.contains(c)));
        if amounts_only || second_line_below {
            owner[first - 1] = first;
        }
    }
    let mut heads: Vec<usize> = owner.clone();
    heads.sort_unstable();
    heads.dedup();
    let mut row_edges = Vec::with_capacity(heads.len() + 1);
    let mut cells = Vec::new();
    for (r, &h) in heads.iter().enumerate() {
        let members: Vec<&Chunked<'_>> = (0..run.len())
            .filter(|&k| owner[k] == h)
            .map(|k| &run[k])
            .collect();
        let y0 = members
            .iter()
            .map(|l| l.y - 0.5 * l.size)
            .fold(f64::MAX, f64::min);
        let y1 = members
            .iter()
            .map(|l| l.y + 0.5 * l.size)
            .fold(f64::MIN, f64::max);
        row_edges.push(y0);
        let mut per_col: Vec<Vec<&Glyph>> = vec![Vec::new(); cols];
        for l in &members {
            for range in &l.chunks {
                let (a, b) = l.span(range);
                per_col[column((a + b) / 2.0)].extend(&l.glyphs[range.clone()]);
            }
        }
        for (c, gs) in per_col.into_iter().enumerate() {
            if gs.is_empty() {
                continue;
            }
            cells.push(PdfCell {
                row: r,
                col: c,
                row_span: 1,
                col_span: 1,
                x0: col_edges[c],
                x1: col_edges[c + 1],
                y0,
                y1,
                text: cell_text(gs),
            });
        }
        if r + 1 == heads.len() {
            row_edges.push(y1);
        }
    }
    LatticeTable {
        rows: heads.len(),
        cols,
        ruled: false,
        row_edges,
        col_edges,
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs of `text` from `x0` along the baseline `y`, one em apart for
    /// CJK and half an em for ASCII, as fonts advance them.
    fn word(text: &str, x0: f64, y: f64, size: f64) -> Vec<Glyph> {
        let mut x = x0;
        text.chars()
            .map(|c| {
                let w = if c.is_ascii() { size / 2.0 } else { size };
                let g = Glyph {
                    x0: x,
                    x1: x + w,
                    baseline: y,
                    size,
                    text: c.to_string(),
                };
                x += w;
                g
            })
            .collect()
    }

    /// Words on one baseline, each from its own `x0` (a header line).
    fn words(items: &[(&str, f64)], y: f64, size: f64) -> Vec<Glyph> {
        items
            .iter()
            .flat_map(|&(t, x)| word(t, x, y, size))
            .collect()
    }

    /// The page's one table, failing with the page's text when it has none
    /// or several.
    fn only_table(l: &PageLayout) -> &LatticeTable {
        let t = tables(l);
        assert_eq!(t.len(), 1, "{:?}", texts(l));
        t[0]
    }

    /// An amount (ASCII, half an em a glyph) set flush right against `x1`.
    fn ending(text: &str, x1: f64, y: f64, size: f64) -> Vec<Glyph> {
        word(text, x1 - size / 2.0 * text.len() as f64, y, size)
    }

    /// Rows of a two-sided table without rules, `pitch` apart from `y0`:
    /// each (income name, its amount, expenditure name, its amount), names
    /// set from `at[0]` and `at[2]`, amounts flush right against `at[1]` and
    /// `at[3]`.
    fn two_sided_rows(
        rows: &[(&str, &str, &str, &str)],
        at: [f64; 4],
        y0: f64,
        pitch: f64,
        size: f64,
    ) -> Vec<Glyph> {
        let mut g = Vec::new();
        for (k, (a, v, b, w)) in rows.iter().enumerate() {
            let y = y0 + pitch * k as f64;
            g.extend(word(a, at[0], y, size));
            g.extend(ending(v, at[1], y, size));
            g.extend(word(b, at[2], y, size));
            g.extend(ending(w, at[3], y, size));
        }
        g
    }

    fn page(glyphs: Vec<Glyph>, rules: Vec<Rule>) -> Page {
        Page {
            number: 1,
            width: 595.0,
            height: 842.0,
            glyphs,
            rules,
            ..Default::default()
        }
    }

    fn tables(l: &PageLayout) -> Vec<&LatticeTable> {
        l.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                Block::Text(_) => None,
            })
            .collect()
    }

    fn texts(l: &PageLayout) -> Vec<&str> {
        l.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text(t) => Some(t.text.as_str()),
                Block::Table(_) => None,
            })
            .collect()
    }

    // A 3 × 3 table: columns at x 50 | 150 | 250 | 350, rows at y 100 | 120 |
    // 140 | 160, a title above it.
    const XS: [f64; 4] = [50.0, 150.0, 250.0, 350.0];
    const YS: [f64; 4] = [100.0, 120.0, 140.0, 160.0];

    fn table_glyphs() -> Vec<Glyph> {
        let mut g = word("收入决算表", 60.0, 80.0, 10.0);
        for (r, cells) in [
            ["项目", "决算数", "预算数"],
            ["工资", "12.50", ""],
            ["合计", "12.50", "3.00"],
        ]
        .iter()
        .enumerate()
        {
            for (c, t) in cells.iter().enumerate() {
                g.extend(word(t, XS[c] + 4.0, YS[r] + 15.0, 10.0));
            }
        }
        g
    }

    fn expected_rows() -> Vec<Vec<&'static str>> {
        vec![
            vec!["项目", "决算数", "预算数"],
            vec!["工资", "12.50", ""],
            vec!["合计", "12.50", "3.00"],
        ]
    }

    /// Stroked lines across the whole table, thin filled rectangles per cell
    /// side (Word: centred on the line, overlapping at the joints, off by a
    /// fraction of a point), and a border stroked around every cell (shared
    /// sides drawn twice) give the same cells.
    #[test]
    fn stroked_lines_thin_rectangles_and_cell_borders_give_one_lattice() {
        let stroked: Vec<Rule> = YS
            .iter()
            .map(|&y| Rule::horizontal(y, XS[0], XS[3]))
            .chain(XS.iter().map(|&x| Rule::vertical(x, YS[0], YS[3])))
            .collect();
        let mut rects = Vec::new();
        for (i, &y) in YS.iter().enumerate() {
            for c in 0..3 {
                let off = if (i + c) % 2 == 0 { 0.3 } else { -0.2 };
                rects.push(Rule::horizontal(y + off, XS[c] - 0.4, XS[c + 1] + 0.4));
            }
        }
        for (i, &x) in XS.iter().enumerate() {
            for r in 0..3 {
                let off = if (i + r) % 2 == 0 { -0.3 } else { 0.25 };
                rects.push(Rule::vertical(x + off, YS[r] - 0.4, YS[r + 1] + 0.4));
            }
        }
        let mut borders = Vec::new();
        for r in 0..3 {
            for c in 0..3 {
                borders.push(Rule::horizontal(YS[r], XS[c], XS[c + 1]));
                borders.push(Rule::horizontal(YS[r + 1], XS[c], XS[c + 1]));
                borders.push(Rule::vertical(XS[c], YS[r], YS[r + 1]));
                borders.push(Rule::vertical(XS[c + 1], YS[r], YS[r + 1]));
            }
        }
        for rules in [stroked, rects, borders] {
            let l = layout(&page(table_glyphs(), rules));
            assert_eq!(texts(&l), vec!["收入决算表"]);
            let t = tables(&l);
            assert_eq!(t.len(), 1);
            assert_eq!((t[0].rows, t[0].cols, t[0].ruled), (3, 3, true));
            assert_eq!(t[0].text_rows(), expected_rows());
            assert!(
                t[0].cells
                    .iter()
                    .all(|c| c.row_span == 1 && c.col_span == 1)
            );
        }
    }

    /// 本年支出 over 小计 / 基本支出 / 项目支出, and 项目 over two header rows:
    /// the merged cells span the slots below and beside them.
    #[test]
    fn merged_header_cells_span_their_sub_columns() {
        let xs = [50.0, 150.0, 220.0, 290.0, 360.0];
        let ys = [100.0, 120.0, 140.0, 160.0];
        let mut rules = vec![
            Rule::horizontal(ys[0], xs[0], xs[4]),
            // Under 本年支出 only: 项目 spans both header rows.
            Rule::horizontal(ys[1], xs[1], xs[4]),
            Rule::horizontal(ys[2], xs[0], xs[4]),
            Rule::horizontal(ys[3], xs[0], xs[4]),
            Rule::vertical(xs[0], ys[0], ys[3]),
            Rule::vertical(xs[1], ys[0], ys[3]),
            Rule::vertical(xs[4], ys[0], ys[3]),
        ];
        // The sub-column rules start under the merged header.
        rules.push(Rule::vertical(xs[2], ys[1], ys[3]));
        rules.push(Rule::vertical(xs[3], ys[1], ys[3]));
        let mut g = word("项目", 60.0, 133.0, 10.0);
        g.extend(word("本年支出", 200.0, 114.0, 10.0));
        for (c, t) in ["小计", "基本支出", "项目支出"].iter().enumerate() {
            g.extend(word(t, xs[c + 1] + 3.0, 135.0, 10.0));
        }
        for (c, t) in ["合计", "9.00", "5.00", "4.00"].iter().enumerate() {
            g.extend(word(t, xs[c] + 3.0, 155.0, 10.0));
        }
        let l = layout(&page(g, rules));
        let t = only_table(&l);
        assert_eq!((t.rows, t.cols), (3, 4));
        let head = t.cells.iter().find(|c| c.text == "本年支出").unwrap();
        assert_eq!(
            (head.row, head.col, head.row_span, head.col_span),
            (0, 1, 1, 3)
        );
        let item = t.cells.iter().find(|c| c.text == "项目").unwrap();
        assert_eq!(
            (item.row, item.col, item.row_span, item.col_span),
            (0, 0, 2, 1)
        );
        assert_eq!(
            t.text_rows(),
            vec![
                vec!["项目", "本年支出", "", ""],
                vec!["", "小计", "基本支出", "项目支出"],
                vec!["合计", "9.00", "5.00", "4.00"],
            ]
        );
    }

    /// Bold faked by filling then stroking the same glyphs, or by drawing
    /// them again a fraction of a point to the right: one glyph each.
    #[test]
    fn bold_drawn_twice_is_read_once() {
        let once = word("合计 11.00", 50.0, 100.0, 10.0);
        let mut twice = once.clone();
        twice.extend(once.clone());
        twice.extend(once.iter().map(|g| Glyph {
            x0: g.x0 + 0.3,
            x1: g.x1 + 0.3,
            baseline: g.baseline - 0.1,
            ..g.clone()
        }));
        let kept = distinct_glyphs(&twice);
        let text: String = kept.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "合计11.00");
        // Repeated digits side by side are not duplicates.
        assert_eq!(texts(&layout(&page(twice, vec![]))), vec!["合计 11.00"]);
    }

    /// A table without rules: columns where the amount rows leave gaps on
    /// every line; a blank cell stays an empty field.
    #[test]
    fn a_table_without_rules_takes_its_columns_from_glyph_gaps() {
        let cols = [50.0, 200.0, 300.0, 400.0];
        let rows: [[&str; 4]; 4] = [
            ["项目", "合计", "基本支出", "项目支出"],
            ["工资福利支出", "30.00", "30.00", ""],
            ["商品和服务支出", "12.00", "", "12.00"],
            ["合计", "42.00", "30.00", "12.00"],
        ];
        let mut g = word("一般公共预算财政拨款基本支出决算表", 50.0, 60.0, 12.0);
        for (r, row) in rows.iter().enumerate() {
            for (c, t) in row.iter().enumerate() {
                g.extend(word(t, cols[c], 100.0 + 18.0 * r as f64, 10.0));
            }
        }
        let l = layout(&page(g, vec![]));
        assert_eq!(texts(&l), vec!["一般公共预算财政拨款基本支出决算表"]);
        let t = only_table(&l);
        assert!(!t.ruled);
        assert_eq!(
            t.text_rows(),
            rows.iter().map(|r| r.to_vec()).collect::<Vec<_>>()
        );
    }

    /// A rule-less two-sided table whose first rows wrap their names onto
    /// two lines with the amount centred between them, and whose next row
    /// prints no amount: those rows belong to the table (not to the text
    /// around it), each centred amount in the row of its name.
    #[test]
    fn centred_amounts_beside_wrapped_names_open_a_rule_less_table() {
        let mut g = word("财政拨款收入支出决算总表", 50.0, 60.0, 12.0);
        g.extend(words(
            &[
                ("项目", 50.0),
                ("决算数", 170.0),
                ("项目", 220.0),
                ("小计", 380.0),
                ("一般", 460.0),
            ],
            100.0,
            10.0,
        ));
        // Row 1: names on two lines, the amount on the line between.
        g.extend(word("一、一般公共预算财", 50.0, 130.0, 10.0));
        g.extend(word("一、一般公共服务支", 220.0, 130.0, 10.0));
        g.extend(ending("608.70", 200.0, 136.0, 10.0));
        g.extend(word("政拨款", 50.0, 142.0, 10.0));
        g.extend(word("出", 220.0, 142.0, 10.0));
        // Row 2: no amount.
        g.extend(word("二、外交支出", 220.0, 166.0, 10.0));
        // Rows with amounts on their line.
        for (k, (name, v)) in [("三、教育支出", "96.44"), ("四、卫生健康支出", "512.26")]
            .iter()
            .enumerate()
        {
            let y = 196.0 + 30.0 * k as f64;
            g.extend(word(name, 220.0, y, 10.0));
            g.extend(ending(v, 400.0, y, 10.0));
            g.extend(ending(v, 480.0, y, 10.0));
        }
        g.extend(word("本年收入合计", 50.0, 256.0, 10.0));
        g.extend(ending("608.70", 200.0, 256.0, 10.0));
        g.extend(word("本年支出合计", 220.0, 256.0, 10.0));
        g.extend(ending("608.70", 400.0, 256.0, 10.0));
        g.extend(ending("608.70", 480.0, 256.0, 10.0));
        let l = layout(&page(g, vec![]));
        assert_eq!(texts(&l), vec!["财政拨款收入支出决算总表"]);
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(rows[0], vec!["项目", "决算数", "项目", "小计", "一般"]);
        assert_eq!(
            rows[1],
            vec![
                "一、一般公共预算财政拨款",
                "608.70",
                "一、一般公共服务支出",
                "",
                ""
            ]
        );
        assert!(
            rows.contains(&vec!["", "", "二、外交支出", "", ""]),
            "{rows:?}"
        );
        assert_eq!(
            rows.last().unwrap(),
            &vec!["本年收入合计", "608.70", "本年支出合计", "608.70", "608.70"]
        );
    }

    /// Most names wrap, each row's amount centred between its name's two
    /// lines: half a leading is then the commonest gap between lines, and a
    /// name line still belongs to the amount beside it, not to a row of its
    /// own.
    #[test]
    fn names_wrapped_row_after_row_around_centred_amounts_stay_whole() {
        let mut g = word("收入决算表", 50.0, 60.0, 12.0);
        g.extend(word("科目名称", 50.0, 100.0, 10.0));
        g.extend(word("本年收入合计", 150.0, 100.0, 10.0));
        g.extend(word("财政拨款收入", 250.0, 100.0, 10.0));
        let rows = [
            ("社会保障", "和就业支出", "3351.18"),
            ("行政事业", "单位养老支出", "1668.01"),
            ("机关事业", "单位基本养老", "558.18"),
            ("卫生健康支出", "", "1255.93"),
            ("行政事业", "单位医疗", "1255.93"),
        ];
        let mut y = 120.0;
        for (first, second, v) in rows {
            if second.is_empty() {
                g.extend(word(first, 50.0, y + 7.0, 10.0));
            } else {
                g.extend(word(first, 50.0, y, 10.0));
                g.extend(word(second, 50.0, y + 14.0, 10.0));
            }
            g.extend(ending(v, 220.0, y + 7.0, 10.0));
            g.extend(ending(v, 320.0, y + 7.0, 10.0));
            y += 31.0;
        }
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let names: Vec<String> = t.text_rows()[1..]
            .iter()
            .map(|r| r[0].to_string())
            .collect();
        assert_eq!(
            names,
            vec![
                "社会保障和就业支出",
                "行政事业单位养老支出",
                "机关事业单位基本养老",
                "卫生健康支出",
                "行政事业单位医疗"
            ]
        );
    }

    /// 09 on a narrow page: the header of each column stacked a character
    /// per line, the columns printed blank (因公出国(境)费, 购置费) headed
    /// only by their stacks between their neighbours' headers, a banner over
    /// each half, a note below.
    #[test]
    fn stacked_headers_of_narrow_columns_keep_their_blank_columns() {
        let mut g = word("财政拨款“三公”经费支出决算表", 60.0, 60.0, 12.0);
        // Two halves of five columns, 20 pt wide, 6 pt apart: 合计 |
        // 因公出国(境)费 | 小计 | 公务用车购置费 | 公务接待费.
        let stacks = [
            "合计",
            "因公出国（境）费",
            "小计",
            "公务用车购置费",
            "接待费",
        ];
        let values = [
            ["8.85", "", "6.27", "", "2.58"],
            ["7.60", "", "5.41", "", "2.19"],
        ];
        for (half, (banner, values)) in ["预算数", "决算数"].iter().zip(values).enumerate() {
            let x0 = 56.0 + 130.0 * half as f64;
            g.extend(word(banner, x0 + 50.0, 90.0, 10.0));
            for (k, stack) in stacks.iter().enumerate() {
                let x = x0 + 26.0 * k as f64;
                let n = stack.chars().count();
                for (m, c) in stack.chars().enumerate() {
                    // Each stack centred on the band from y 110 to y 210.
                    let y = 160.0 + (m as f64 - (n as f64 - 1.0) / 2.0) * 12.5;
                    g.extend(word(&c.to_string(), x, y, 10.0));
                }
                g.extend(ending(values[k], x + 14.0, 220.0, 10.0));
            }
        }
        g.extend(word(
            "注：本表反映“三公”经费支出预决算情况。",
            50.0,
            240.0,
            10.0,
        ));
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(t.cols, 10, "{rows:?}");
        assert_eq!(
            rows.last().unwrap(),
            &vec![
                "8.85", "", "6.27", "", "2.58", "7.60", "", "5.41", "", "2.19"
            ]
        );
        let header = |c: usize| -> String { rows[..rows.len() - 1].iter().map(|r| r[c]).collect() };
        assert_eq!(header(1), "因公出国（境）费");
        assert_eq!(header(8), "公务用车购置费");
        assert_eq!(header(5), "合计");
    }

    /// The total row's 合计 centred across the code and name columns (a
    /// merged cell in the original) keeps the two columns apart and goes to
    /// the one that holds its centre; names aligned left are no such bridge
    /// however long.
    #[test]
    fn a_total_centred_across_code_and_name_keeps_them_two_columns() {
        let mut g = word("支出决算表", 50.0, 60.0, 12.0);
        g.extend(word("科目编码", 50.0, 100.0, 10.0));
        g.extend(word("科目名称", 110.0, 100.0, 10.0));
        g.extend(word("本年支出合计", 250.0, 100.0, 10.0));
        let rows = [
            ("", "合计", "74900.87"),
            ("208", "社会保障和就业支出", "54187.61"),
            ("20801", "人力资源和社会保障管理事务", "16943.65"),
            ("2080101", "行政运行", "3870.84"),
        ];
        for (k, (code, name, v)) in rows.iter().enumerate() {
            let y = 120.0 + 20.0 * k as f64;
            if code.is_empty() {
                // Across the gap between the code column (x 50..85) and
                // the name column (from x 100).
                g.extend(word(name, 84.0, y, 10.0));
            } else {
                g.extend(word(code, 50.0, y, 10.0));
                g.extend(word(name, 100.0, y, 10.0));
            }
            g.extend(ending(v, 320.0, y, 10.0));
        }
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(t.cols, 3, "{rows:?}");
        assert_eq!(rows[1], vec!["", "合计", "74900.87"]);
        assert_eq!(rows[4], vec!["2080101", "行政运行", "3870.84"]);
    }

    /// 收入 and 支出 centred over their sides fall in the gaps between a
    /// side's name column and its amounts, far from both: banners, not
    /// columns printed blank.
    #[test]
    fn a_banner_over_the_gap_between_two_columns_is_no_column() {
        let mut g = word("收入支出决算总表", 300.0, 60.0, 14.0);
        g.extend(word("收入", 225.0, 100.0, 10.0));
        g.extend(word("支出", 590.0, 100.0, 10.0));
        g.extend(words(
            &[
                ("项目", 110.0),
                ("决算数", 340.0),
                ("项目", 480.0),
                ("决算数", 700.0),
            ],
            118.0,
            10.0,
        ));
        let rows = [
            (
                "一、一般公共预算财政拨款收入",
                "568.03",
                "一、一般公共服务支出",
                "20.00",
            ),
            ("二、上级补助收入", "", "二、教育支出", "548.03"),
            ("本年收入合计", "568.03", "本年支出合计", "568.03"),
        ];
        g.extend(two_sided_rows(
            &rows,
            [50.0, 380.0, 420.0, 740.0],
            140.0,
            18.0,
            10.0,
        ));
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(t.cols, 4, "{rows:?}");
        assert_eq!(
            rows.last().unwrap(),
            &vec!["本年收入合计", "568.03", "本年支出合计", "568.03"]
        );
    }

    /// Tall rows of small type (8 pt, 24.3 pt apart) are one table: rows whose
    /// income side is blank keep its columns.
    #[test]
    fn tall_rows_of_small_type_stay_one_table() {
        let mut g = word("财政拨款收入支出决算总表", 150.0, 60.0, 14.0);
        g.extend(words(
            &[
                ("项目", 100.0),
                ("决算数", 190.0),
                ("项目", 260.0),
                ("合计", 360.0),
            ],
            100.0,
            8.0,
        ));
        let rows = [
            (
                "一、一般公共预算财政拨款",
                "353.22",
                "一、一般公共服务支出",
                "0.00",
            ),
            ("二、政府性基金预算财政拨款", "0.00", "二、外交支出", "0.00"),
            ("", "", "三、公共安全支出", "0.00"),
            ("", "", "四、卫生健康支出", "353.22"),
        ];
        g.extend(two_sided_rows(
            &rows,
            [60.0, 220.0, 230.0, 390.0],
            124.0,
            24.3,
            8.0,
        ));
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(
            rows.last().unwrap(),
            &vec!["", "", "四、卫生健康支出", "353.22"],
            "{rows:?}"
        );
    }

    /// The first row's name wrapped around a line holding its amount and
    /// the other side's name: both lines of the name are the row's.
    #[test]
    fn a_first_row_name_wrapped_around_its_amount_line_is_one_name() {
        let mut g = word("收入支出决算总表", 50.0, 60.0, 12.0);
        g.extend(words(
            &[
                ("项目", 50.0),
                ("决算数", 170.0),
                ("项目", 220.0),
                ("决算数", 370.0),
            ],
            112.0,
            10.0,
        ));
        g.extend(word("一、一般公共预算财政拨款", 50.0, 130.0, 10.0));
        g.extend(ending("8899.27", 200.0, 136.0, 10.0));
        g.extend(word("一、一般公共服务支出", 220.0, 136.0, 10.0));
        g.extend(word("收入", 50.0, 142.0, 10.0));
        for (k, (inc, exp, v)) in [
            ("二、事业收入", "二、教育支出", "12.50"),
            ("本年收入合计", "本年支出合计", "8911.77"),
        ]
        .iter()
        .enumerate()
        {
            let y = 166.0 + 30.0 * k as f64;
            g.extend(word(inc, 50.0, y, 10.0));
            g.extend(ending(v, 200.0, y, 10.0));
            g.extend(word(exp, 220.0, y, 10.0));
            g.extend(ending(v, 400.0, y, 10.0));
        }
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(rows[0], vec!["项目", "决算数", "项目", "决算数"]);
        assert_eq!(
            rows[1],
            vec![
                "一、一般公共预算财政拨款收入",
                "8899.27",
                "一、一般公共服务支出",
                ""
            ]
        );
    }

    /// A table of one row of amounts (09's totals) under its header is a
    /// table; a sentence with two figures among its words stays prose.
    #[test]
    fn one_row_of_amounts_under_a_header_is_a_table_prose_is_not() {
        let cols = [50.0, 130.0, 210.0, 290.0];
        let rows: [[&str; 4]; 2] = [
            ["合计", "因公出国(境)费", "公务用车", "公务接待费"],
            ["37.01", "0.00", "35.06", "1.95"],
        ];
        let mut g = word("财政拨款三公经费支出决算表", 50.0, 60.0, 12.0);
        for (r, row) in rows.iter().enumerate() {
            for (c, t) in row.iter().enumerate() {
                g.extend(word(t, cols[c], 100.0 + 18.0 * r as f64, 10.0));
            }
        }
        let mut prose = word("支出决算为", 50.0, 200.0, 10.0);
        prose.extend(word("33.15", 100.0, 200.0, 10.0));
        prose.extend(word("万元,比上年减少", 128.0, 200.0, 10.0));
        prose.extend(word("2.10", 210.0, 200.0, 10.0));
        prose.extend(word("万元。", 232.0, 200.0, 10.0));
        g.extend(prose);
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        assert_eq!(
            t.text_rows(),
            rows.iter().map(|r| r.to_vec()).collect::<Vec<_>>()
        );
        let texts = texts(&l);
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(
            texts[1].starts_with("支出决算为") && texts[1].ends_with("万元。"),
            "{texts:?}"
        );
    }

    /// A two-sided table's last row carried over to a page of its own:
    /// labels and amounts far apart are a row of a table; prose with two
    /// figures set among its words is not.
    #[test]
    fn a_last_row_alone_on_its_page_is_a_table_row() {
        let mut g = word("总计", 50.0, 100.0, 10.0);
        g.extend(ending("1086.96", 200.0, 100.0, 10.0));
        g.extend(word("总计", 230.0, 100.0, 10.0));
        g.extend(ending("1086.96", 400.0, 100.0, 10.0));
        g.extend(word(
            "注：本表反映部门本年度的总收支和年末结转结余情况。",
            50.0,
            120.0,
            10.0,
        ));
        let mut prose = word("支出决算为", 50.0, 200.0, 10.0);
        prose.extend(word("33.15", 104.0, 200.0, 10.0));
        prose.extend(word("万元，比上年减少", 134.0, 200.0, 10.0));
        prose.extend(word("2.10", 218.0, 200.0, 10.0));
        prose.extend(word("万元。", 242.0, 200.0, 10.0));
        g.extend(prose);
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        assert_eq!(
            t.text_rows(),
            vec![vec!["总计", "1086.96", "总计", "1086.96"]]
        );
        assert_eq!(texts(&l).len(), 2, "{:?}", texts(&l));
    }

    /// A column printed blank on a page whose header stacks another column's
    /// words a character a line: the line naming the columns stands above
    /// lines of one character each, and still heads the table, so the blank
    /// columns it names stay columns.
    #[test]
    fn a_header_above_stacked_characters_keeps_the_blank_columns_it_names() {
        let mut g = word("财政拨款收入支出决算总表", 60.0, 60.0, 12.0);
        g.extend(word("单位：万元", 250.0, 80.0, 10.0));
        g.extend(words(
            &[
                ("项目", 50.0),
                ("行次", 100.0),
                ("决算数", 140.0),
                ("一", 223.0),
            ],
            100.0,
            10.0,
        ));
        // 一般公共预算 stacked under its first character, one a line,
        // centred over amounts set flush right.
        for (k, c) in "般公共预算".chars().enumerate() {
            g.extend(word(&c.to_string(), 223.0, 112.0 + 12.0 * k as f64, 10.0));
        }
        let rows = [("12", "5.00"), ("13", "6.00")];
        for (k, (no, v)) in rows.iter().enumerate() {
            let y = 180.0 + 20.0 * k as f64;
            g.extend(word(no, 104.0, y, 10.0));
            g.extend(ending(v, 240.0, y, 10.0));
        }
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(t.cols, 4, "{rows:?}");
        assert_eq!(rows[0], vec!["项目", "行次", "决算数", "一"]);
        assert_eq!(rows[rows.len() - 1], vec!["", "13", "", "6.00"]);
        assert_eq!(texts(&l), vec!["财政拨款收入支出决算总表", "单位：万元"]);
    }

    /// Names that wrap around their row's line (code and amounts centred
    /// between two lines of name) print nothing on the amount rows; a total
    /// centred across code and name still bridges the two columns.
    #[test]
    fn names_only_on_wrapped_lines_stay_apart_from_codes_under_a_centred_total() {
        let mut g = words(
            &[("编码", 50.0), ("科目名称", 100.0), ("本年支出合计", 200.0)],
            100.0,
            10.0,
        );
        for (k, (code, first, second, v)) in [
            ("22102", "住房改革", "支出", "1085.89"),
            ("2210201", "住房公积", "金", "1085.89"),
        ]
        .iter()
        .enumerate()
        {
            let y = 130.0 + 30.0 * k as f64;
            g.extend(word(code, 50.0, y, 10.0));
            g.extend(word(first, 100.0, y - 7.0, 10.0));
            g.extend(word(second, 100.0, y + 7.0, 10.0));
            g.extend(ending(v, 270.0, y, 10.0));
        }
        // Over the end of the longest code and the start of the names.
        g.extend(word("合计", 84.0, 190.0, 10.0));
        g.extend(ending("1085.89", 270.0, 190.0, 10.0));
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(t.cols, 3, "{rows:?}");
        assert_eq!(rows[1], vec!["22102", "住房改革支出", "1085.89"]);
        assert_eq!(rows[3], vec!["", "合计", "1085.89"]);
    }

    /// A table set tight (cells half an em apart, no wide gap anywhere) is a
    /// table when two rows print amounts lined up in two columns.
    #[test]
    fn a_tight_table_with_two_columns_of_amounts_lined_up_is_a_table() {
        let mut g = Vec::new();
        for (k, (name, v)) in [("保障和就", "51017.58"), ("卫生健康", "19287.85")]
            .iter()
            .enumerate()
        {
            let y = 100.0 + 17.0 * k as f64;
            g.extend(word(name, 50.0, y, 10.0));
            g.extend(ending(v, 135.0, y, 10.0));
            g.extend(ending(v, 180.0, y, 10.0));
        }
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        assert_eq!(t.text_rows()[1], vec!["卫生健康", "19287.85", "19287.85"]);
    }

    /// Between two amount rows, lines that line up with no cell but stand
    /// clear of the amount columns (a name centred in its cell, wrapped over
    /// three lines) are the table's, not the end of it.
    #[test]
    fn centred_names_between_amount_rows_stay_in_the_table() {
        let mut g = word("本年收入合计", 50.0, 100.0, 10.0);
        g.extend(ending("71673.86", 170.0, 100.0, 10.0));
        g.extend(word("本年支出合计", 180.0, 100.0, 10.0));
        g.extend(ending("71673.86", 300.0, 100.0, 10.0));
        for (k, (a, b)) in [
            ("年初财政", "年末财政"),
            ("拨款结转", "拨款结转"),
            ("和结余", "和结余"),
        ]
        .iter()
        .enumerate()
        {
            let y = 120.0 + 14.0 * k as f64;
            let indent = if a.chars().count() == 3 { 5.0 } else { 0.0 };
            g.extend(word(a, 60.0 + indent, y, 10.0));
            g.extend(word(b, 190.0 + indent, y, 10.0));
        }
        g.extend(word("总计", 70.0, 170.0, 10.0));
        g.extend(ending("71673.86", 170.0, 170.0, 10.0));
        g.extend(word("总计", 200.0, 170.0, 10.0));
        g.extend(ending("71673.86", 300.0, 170.0, 10.0));
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(rows.last().unwrap()[1], "71673.86", "{rows:?}");
        assert_eq!(rows.len(), 5, "{rows:?}");
    }

    /// A table continued on a page of its own without its header: its one
    /// total row, centred across code and name, takes the columns of the
    /// table the page before ended with.
    #[test]
    fn a_continued_table_takes_the_columns_of_the_page_before() {
        let edges = [50.0, 100.0, 200.0, 260.0, 320.0, 380.0, 440.0];
        let mut g = word("合计", 92.0, 80.0, 10.0);
        for (v, x1) in [("6751.35", 255.0), ("6518.93", 315.0), ("232.42", 375.0)] {
            g.extend(ending(v, x1, 80.0, 10.0));
        }
        g.extend(word(
            "注：本表反映部门本年度各项支出情况。",
            50.0,
            100.0,
            10.0,
        ));
        let continued = layout_continuing(&page(g.clone(), vec![]), Some(&edges));
        assert_eq!(
            only_table(&continued).text_rows(),
            vec![vec!["", "合计", "6751.35", "6518.93", "232.42", ""]]
        );
        let alone = layout(&page(g, vec![]));
        assert_eq!(only_table(&alone).text_rows()[0].len(), 4);
    }

    /// Table 09's one row in narrow cells: twelve amounts a little over an em
    /// apart, nothing else on the line, under a header whose words wrap four
    /// characters a line (`因公出国` / `（境）费`, a line of one chunk each):
    /// one table, its header's lines under the first cut into cells with it;
    /// the unit line above stays text.
    #[test]
    fn one_tight_row_of_amounts_under_a_header_wrapped_in_narrow_cells_is_a_table() {
        let mut g = word("财政拨款“三公”经费支出决算表", 200.0, 80.0, 14.0);
        g.extend(word("单位：千元", 460.0, 103.0, 9.0));
        g.extend(word("因公出国", 173.0, 119.5, 9.0));
        g.extend(words(
            &[
                ("合计", 118.0),
                ("公务用车购置及运行维护费", 266.0),
                ("公务接待费", 431.0),
            ],
            124.7,
            9.0,
        ));
        g.extend(word("（境）费", 173.0, 129.9, 9.0));
        // The sub-columns' headers stacked below, down to the row.
        g.extend(words(
            &[("公务用车购", 302.0), ("公务用车运", 367.0)],
            146.2,
            9.0,
        ));
        g.extend(word("小计", 247.0, 151.4, 9.0));
        g.extend(words(&[("预算", 99.0), ("决算", 136.0)], 156.6, 9.0));
        g.extend(words(&[("数", 104.0), ("数", 141.0)], 169.9, 9.0));
        g.extend(words(&[("数", 233.0), ("数", 270.0)], 183.3, 9.0));
        let values = [
            "150.30", "130.50", "0.00", "0.00", "129.60", "112.40", "64.30", "54.40", "65.30",
            "58.00", "20.70", "18.10",
        ];
        for (k, v) in values.iter().enumerate() {
            g.extend(ending(v, 121.0 + 32.5 * k as f64, 199.6, 9.0));
        }
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(rows.last().unwrap().len(), 12, "{rows:?}");
        assert_eq!(rows.last().unwrap()[11], "18.10");
        assert!(rows.iter().flatten().any(|c| *c == "（境）费"), "{rows:?}");
        assert!(rows.iter().flatten().any(|c| *c == "合计"), "{rows:?}");
        let texts = texts(&l);
        assert!(texts.iter().all(|t| !t.contains("境")), "{texts:?}");
    }

    /// A ruled table continued on a page that holds only its total row,
    /// whose 合计 cell merges the code and name columns: the page draws no
    /// rule between them, and its cells take the columns of the table the
    /// page before ended with.
    #[test]
    fn a_continued_ruled_table_takes_the_columns_of_the_page_before() {
        let edges = [50.0, 100.0, 200.0, 260.0, 320.0];
        let xs = [50.0, 200.0, 260.0, 320.0];
        let rules: Vec<Rule> = [60.0, 80.0]
            .iter()
            .map(|&y| Rule::horizontal(y, xs[0], xs[3]))
            .chain(xs.iter().map(|&x| Rule::vertical(x, 60.0, 80.0)))
            .collect();
        let mut g = word("合计", 115.0, 74.0, 10.0);
        g.extend(ending("6751.35", 255.0, 74.0, 10.0));
        g.extend(ending("6518.93", 315.0, 74.0, 10.0));
        let continued = layout_continuing(&page(g.clone(), rules.clone()), Some(&edges));
        assert_eq!(
            only_table(&continued).text_rows(),
            vec![vec!["合计", "", "6751.35", "6518.93"]]
        );
        // Boundaries the page before did not draw: its own columns.
        let other = layout_continuing(&page(g, rules), Some(&[50.0, 150.0, 320.0]));
        assert_eq!(
            only_table(&other).text_rows(),
            vec![vec!["合计", "6751.35", "6518.93"]]
        );
    }

    /// A two-sided table continued on a page that repeats its header,
    /// whose expenditure names wrap down narrow cells and only one of them
    /// prints figures: that one row, under a header and among names that sit
    /// in the columns of the page before, continues the table in them; the
    /// same page alone is no table (one row, two amounts, is too little).
    #[test]
    fn a_lone_row_of_figures_under_a_repeated_header_continues_the_table() {
        let edges = [50.0, 100.0, 150.0, 210.0, 260.0, 320.0];
        let mut g = words(&[("收入", 70.0), ("支出", 200.0)], 60.0, 10.0);
        g.extend(words(
            &[
                ("项目", 60.0),
                ("决算数", 112.0),
                ("项目", 160.0),
                ("小计", 225.0),
            ],
            80.0,
            10.0,
        ));
        g.extend(word("一般公共", 270.0, 74.0, 10.0));
        g.extend(word("预算拨款", 270.0, 86.0, 10.0));
        for (k, name) in ["十一、城", "乡社区支", "出", "十二、农", "林水支出"]
            .iter()
            .enumerate()
        {
            g.extend(word(name, 155.0, 110.0 + 12.0 * k as f64, 10.0));
        }
        g.extend(word("十九、住", 155.0, 176.0, 10.0));
        g.extend(word("房保障支", 155.0, 188.0, 10.0));
        g.extend(ending("1368.43", 255.0, 188.0, 10.0));
        g.extend(ending("1368.43", 315.0, 188.0, 10.0));
        g.extend(word("出", 155.0, 200.0, 10.0));
        let continued = layout_continuing(&page(g.clone(), vec![]), Some(&edges));
        let rows = only_table(&continued).text_rows();
        assert!(
            rows.iter()
                .any(|r| r == &vec!["", "", "十九、住房保障支出", "1368.43", "1368.43"]),
            "{rows:?}"
        );
        assert!(tables(&layout(&page(g, vec![]))).is_empty());
    }

    /// The last row of a two-sided table carried over alone, set tight (its
    /// line numbers, labels and amounts less than an em apart): a row of the
    /// table the page before ended with where its cells sit in that table's
    /// columns; alone on a page that continues nothing, it is text.
    #[test]
    fn a_last_row_set_tight_continues_the_table_of_the_page_before() {
        let mut g = Vec::new();
        for (text, x0) in [("总计", 50.0), ("26", 76.0), ("总计", 128.0), ("52", 153.0)] {
            g.extend(word(text, x0, 80.0, 10.0));
        }
        for (v, x1) in [("861.91", 124.0), ("861.91", 200.0), ("861.91", 240.0)] {
            g.extend(ending(v, x1, 80.0, 10.0));
        }
        let edges = [48.0, 73.0, 88.0, 125.0, 149.0, 166.0, 205.0, 245.0];
        let continued = layout_continuing(&page(g.clone(), vec![]), Some(&edges));
        assert_eq!(
            only_table(&continued).text_rows(),
            vec![vec![
                "总计", "26", "861.91", "总计", "52", "861.91", "861.91"
            ]]
        );
        assert!(tables(&layout(&page(g, vec![]))).is_empty());
    }

    /// A total centred in the gap between the code and name columns, over
    /// neither: no column of its own (the next page, without such a row,
    /// would number its columns otherwise), but the column holding its
    /// centre.
    #[test]
    fn a_total_in_the_gap_between_code_and_name_is_no_column() {
        let mut g = word("合计", 150.0, 120.0, 10.0);
        g.extend(ending("91608.35", 320.0, 120.0, 10.0));
        for (k, (code, name, v)) in [
            ("201", "一般公共服务支出", "49212.65"),
            ("20101", "人大事务", "18206.76"),
        ]
        .iter()
        .enumerate()
        {
            let y = 140.0 + 20.0 * k as f64;
            g.extend(word(code, 50.0, y, 10.0));
            g.extend(word(name, 180.0, y, 10.0));
            g.extend(ending(v, 320.0, y, 10.0));
        }
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(t.cols, 3, "{rows:?}");
        assert_eq!(rows[0], vec!["", "合计", "91608.35"]);
    }

    /// Table 09's sub-columns printed blank under their item's header
    /// (购置费 over its 预算数 and 决算数): the item's header is a banner
    /// over two columns, not one column; and the header stands a tall cell's
    /// height above the row (more than two and a half ems, within three).
    #[test]
    fn blank_sub_columns_under_a_banner_stay_two_columns() {
        let s = 9.0;
        let mut g = words(
            &[("合计", 62.0), ("购置费", 165.0), ("运行费", 265.0)],
            100.0,
            s,
        );
        let subs = [50.0, 85.0, 150.0, 185.0, 250.0, 285.0];
        for (k, &x) in subs.iter().enumerate() {
            g.extend(word(
                if k % 2 == 0 { "预算数" } else { "决算数" },
                x,
                115.0,
                s,
            ));
        }
        for (v, x1) in [
            ("8.85", 77.0),
            ("7.60", 112.0),
            ("8.85", 277.0),
            ("7.60", 312.0),
        ] {
            g.extend(ending(v, x1, 140.0, s));
        }
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(t.cols, 6, "{rows:?}");
        assert_eq!(
            rows.last().unwrap(),
            &vec!["8.85", "7.60", "", "", "8.85", "7.60"]
        );
    }

    /// A header wrapped six characters a line in its column (`公务用车购置`
    /// over `费`), a line of one chunk between lines cut into cells: header.
    #[test]
    fn a_header_line_of_one_wrapped_word_between_header_lines_is_header() {
        let mut g = words(&[("合计", 50.0), ("公务用车购置", 120.0)], 100.0, 10.0);
        g.extend(word("公务用车购置", 120.0, 112.0, 10.0));
        g.extend(words(&[("预算数", 50.0), ("费", 145.0)], 124.0, 10.0));
        for (k, (a, b)) in [("8.85", "6.27"), ("7.60", "5.41")].iter().enumerate() {
            let y = 150.0 + 20.0 * k as f64;
            g.extend(ending(a, 80.0, y, 10.0));
            g.extend(ending(b, 180.0, y, 10.0));
        }
        let l = layout(&page(g, vec![]));
        let t = only_table(&l);
        let rows = t.text_rows();
        assert_eq!(rows[0], vec!["合计", "公务用车购置"], "{rows:?}");
        assert_eq!(rows[1], vec!["", "公务用车购置"], "{rows:?}");
    }

    /// A continued page's total centred in its name column beside the names
    /// set flush left: two labels in one of the last page's columns, which
    /// the page's amounts still fit.
    #[test]
    fn a_centred_total_beside_flush_names_still_fits_the_columns_carried() {
        let edges = [40.0, 160.0, 230.0, 300.0];
        let mut g = word("十九、住房保障支出", 45.0, 80.0, 10.0);
        g.extend(ending("516.81", 220.0, 80.0, 10.0));
        g.extend(ending("516.81", 290.0, 80.0, 10.0));
        // 本年支出合计 runs from the names' column into the gap, 总计 is
        // centred beyond the names' end.
        g.extend(word("本年支出合计", 85.0, 100.0, 10.0));
        g.extend(ending("3855.91", 220.0, 100.0, 10.0));
        g.extend(ending("3855.91", 290.0, 100.0, 10.0));
        g.extend(word("总计", 140.0, 120.0, 10.0));
        g.extend(ending("3855.91", 220.0, 120.0, 10.0));
        g.extend(ending("3855.91", 290.0, 120.0, 10.0));
        let l = layout_continuing(&page(g, vec![]), Some(&edges));
        let t = only_table(&l);
        assert_eq!(t.cols, 3, "{:?}", t.text_rows());
        assert_eq!(t.text_rows()[2], vec!["总计", "3855.91", "3855.91"]);
    }

    /// Prose lines stay lines, in order, with spaces only at word gaps.
    #[test]
    fn prose_outside_tables_is_lines_in_reading_order() {
        let mut g = word("本年收入合计9746.50万元。", 50.0, 120.0, 10.0);
        g.extend(word("二、收入决算情况说明", 50.0, 100.0, 10.0));
        let mut latin = word("PDF", 50.0, 140.0, 10.0);
        latin.extend(word("page", 70.0, 140.0, 10.0));
        g.extend(latin);
        let l = layout(&page(g, vec![]));
        assert_eq!(
            texts(&l),
            vec![
                "二、收入决算情况说明",
                "本年收入合计9746.50万元。",
                "PDF page"
            ]
        );
    }

    /// A framed box around a line of text (a lone cell) is text, not a table.
    #[test]
    fn a_lone_framed_box_is_text() {
        let rules = vec![
            Rule::horizontal(100.0, 50.0, 300.0),
            Rule::horizontal(130.0, 50.0, 300.0),
            Rule::vertical(50.0, 100.0, 130.0),
            Rule::vertical(300.0, 100.0, 130.0),
        ];
        let l = layout(&page(word("说明", 60.0, 120.0, 10.0), rules));
        assert!(tables(&l).is_empty());
        assert_eq!(texts(&l), vec!["说明"]);
    }
}
