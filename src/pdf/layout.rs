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
    free.sort_by(|a, b| a.centre_y().total_cmp(&b.centre_y()));
    let lines = text_lines(free);
    blocks.extend(stream_blocks(lines));
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

/// A free line cut at wide gaps.
struct Chunked<'a> {
    glyphs: Vec<&'a Glyph>,
    /// Index ranges into `glyphs`, one per chunk.
    chunks: Vec<std::ops::Range<usize>>,
    y: f64,
}

/// Gap (in ems of the larger neighbour) that separates columns of a
/// rule-less table; prose and names keep their glyphs closer.
const COLUMN_GAP: f64 = 1.5;

fn text_lines(free: Vec<&Glyph>) -> Vec<Chunked<'_>> {
    group_lines(free)
        .into_iter()
        .map(|glyphs| {
            let mut chunks = Vec::new();
            let mut start = 0;
            for i in 1..glyphs.len() {
                let (p, g) = (glyphs[i - 1], glyphs[i]);
                if g.x0 - p.x1 >= COLUMN_GAP * g.size.max(p.size) {
                    chunks.push(start..i);
                    start = i;
                }
            }
            chunks.push(start..glyphs.len());
            let y = glyphs.iter().map(|g| g.centre_y()).sum::<f64>() / glyphs.len() as f64;
            Chunked { glyphs, chunks, y }
        })
        .collect()
}

/// A chunk that prints an amount: digits with separators, maybe signed.
fn numeric(text: &str) -> bool {
    let t = text.trim();
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '(' | ')' | ' ' | '%'))
}

/// Lines into blocks: runs of lines cut at wide gaps that carry amounts
/// become rule-less tables; the rest are text lines.
fn stream_blocks(lines: Vec<Chunked<'_>>) -> Vec<(f64, Block)> {
    let mut out = Vec::new();
    let is_row = |l: &Chunked<'_>| {
        l.chunks.len() >= 2
            && l.chunks
                .iter()
                .any(|r| numeric(&line_text(&l.glyphs[r.clone()])))
    };
    let mut i = 0;
    while i < lines.len() {
        // A run: lines cut into chunks, at least two of them with amounts.
        let mut j = i;
        while j < lines.len() && lines[j].chunks.len() >= 2 {
            j += 1;
        }
        let rows = lines[i..j].iter().filter(|l| is_row(l)).count();
        if j > i && rows >= 2 {
            let run = &lines[i..j];
            out.push((run[0].y - 1.0, Block::Table(stream_table(run, &is_row))));
            i = j;
            continue;
        }
        let l = &lines[i];
        let glyphs = &l.glyphs;
        out.push((
            l.y,
            Block::Text(TextLine {
                text: line_text(glyphs),
                y: l.y,
                x0: glyphs[0].x0,
                x1: glyphs.iter().map(|g| g.x1).fold(f64::MIN, f64::max),
            }),
        ));
        i += 1;
    }
    out
}

/// A rule-less table: column boundaries at the gaps its amount rows leave
/// open on every line; each chunk of each line into the column holding its
/// centre.
fn stream_table(run: &[Chunked<'_>], is_row: &dyn Fn(&Chunked<'_>) -> bool) -> LatticeTable {
    let mut spans: Vec<(f64, f64)> = run
        .iter()
        .filter(|l| is_row(l))
        .flat_map(|l| {
            l.chunks.iter().map(|r| {
                let g = &l.glyphs[r.clone()];
                (g[0].x0, g.iter().map(|g| g.x1).fold(f64::MIN, f64::max))
            })
        })
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Union of occupied spans; the gaps between them are column separators.
    let mut occupied: Vec<(f64, f64)> = Vec::new();
    for (a, b) in spans {
        match occupied.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => occupied.push((a, b)),
        }
    }
    let x_min = run
        .iter()
        .flat_map(|l| l.glyphs.iter().map(|g| g.x0))
        .fold(f64::MAX, f64::min);
    let x_max = run
        .iter()
        .flat_map(|l| l.glyphs.iter().map(|g| g.x1))
        .fold(f64::MIN, f64::max);
    let mut col_edges = vec![x_min.min(occupied[0].0)];
    for w in occupied.windows(2) {
        col_edges.push((w[0].1 + w[1].0) / 2.0);
    }
    col_edges.push(x_max.max(occupied.last().map_or(x_max, |o| o.1)));
    let cols = col_edges.len() - 1;
    let mut row_edges = Vec::with_capacity(run.len() + 1);
    let mut cells = Vec::new();
    for (r, l) in run.iter().enumerate() {
        let size = l.glyphs.iter().map(|g| g.size).fold(0.0, f64::max);
        row_edges.push(l.y - 0.5 * size);
        let mut texts: Vec<String> = vec![String::new(); cols];
        for range in &l.chunks {
            let g = &l.glyphs[range.clone()];
            let centre = (g[0].x0 + g.iter().map(|g| g.x1).fold(f64::MIN, f64::max)) / 2.0;
            let c = col_edges.partition_point(|&e| e <= centre).clamp(1, cols) - 1;
            if !texts[c].is_empty() {
                texts[c].push(' ');
            }
            texts[c].push_str(&line_text(g));
        }
        for (c, text) in texts.into_iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            cells.push(PdfCell {
                row: r,
                col: c,
                row_span: 1,
                col_span: 1,
                x0: col_edges[c],
                x1: col_edges[c + 1],
                y0: l.y - 0.5 * size,
                y1: l.y + 0.5 * size,
                text,
            });
        }
    }
    let last = run.last().expect("a run has lines");
    row_edges.push(last.y + 0.5 * last.glyphs.iter().map(|g| g.size).fold(0.0, f64::max));
    LatticeTable {
        rows: run.len(),
        cols,
        ruled: false,
        row_edges,
        col_edges,
        cells,
    }
}
