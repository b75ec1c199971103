//! Text sorted along the lines of a page stored upright and printed turned
//! (PyMuPDF's sorted text of a `/Rotate 90` page): each text line runs down
//! one printed column. The codes come out on one line, the names on the
//! next, each column's figures on a line of their own (a sparse column's on
//! one or two, blank cells gone), with header words at a line's ends and
//! the title somewhere among them. The lines nearest the codes are the
//! table's first columns; lines on the page before the block's title (the
//! columns printed right of it) are the table's too.
//!
//! A line printing a figure for every code (one more for the total row) is
//! a full column, read down its line. The figures of the other lines are
//! placed on rows by the identity of a row whose first column is the sum of
//! the others: a row takes from those lines, each in its order, the figures
//! that make up what the full columns leave of its total, and only where
//! every placement that adds up gives each row the same figures. Which
//! column a figure is in within its row is left to the assembler and the
//! identities, as for flat text.

use std::ops::Range;

use super::stream::copy_cell;
use crate::amount::{Amount, parse_printed};
use crate::decode::Text;
use crate::table::grid::{CellGrid, CellKind, Layout, code_like};

/// Codes on one line at least for the line to be a column of codes: a row
/// printed upright never holds more than a code per panel.
const MIN_CODES: usize = 4;

/// Lines the page around a block is searched at most, either way.
const PAGE_LINES: usize = 400;

/// Search nodes for placing one page's sparse figures at most; beyond it
/// the block is left to the other readers.
const NODES: usize = 200_000;

/// The block's rows rebuilt from lines that are its columns; `None` unless
/// the block prints a line of codes and every figure beside it finds its
/// row. `sums_first`: each row's first column is the sum of the others, which
/// places the figures of columns with blank cells.
pub fn rotated(text: &Text, block: Range<usize>, sums_first: bool) -> Option<CellGrid> {
    let run = |i: usize| longest_code_run(text.line(i).split_whitespace());
    if !block.clone().any(|i| run(i) >= MIN_CODES) {
        return None;
    }
    let (src, start, end) = page_cells(text, &block);
    let lines = Lines::of(&src, text, start..end);
    let mine = lines.block_lines(&block);
    let ours = |line: &Line| mine[line.index];
    // Each line of codes within the block is a page's part of the table.
    let mut parts: Vec<usize> = (0..lines.lines.len())
        .filter(|&l| ours(&lines.lines[l]) && lines.codes(l).is_some())
        .collect();
    // A last page may hold too few rows for its line to be told from a line
    // of stray numbers (a 项 row and the 合计 row): the block's pages after
    // the last part's, each its line of the most codes that go on in the
    // parts' order.
    if let Some(&last) = parts.last()
        && let Some((_, turn)) = lines.codes(last)
    {
        let last_page = (0..lines.lines.len())
            .filter(|&l| ours(&lines.lines[l]))
            .map(|l| lines.lines[l].page)
            .max()
            .unwrap_or(0);
        let mut after = last;
        for page in lines.lines[last].page + 1..=last_page {
            let short = (after + 1..lines.lines.len())
                .filter(|&l| lines.lines[l].page == page && ours(&lines.lines[l]))
                .filter_map(|l| Some((lines.codes_turned(l, 1, Some(turn))?.0.len(), l)))
                .filter(|&(_, l)| lines.goes_on(after, l, turn))
                .max();
            if let Some((_, l)) = short {
                parts.push(l);
                after = l;
            }
        }
    }
    // The total row is printed first or last (the rows come out top down
    // or bottom up along a line); the one where the 类 rows of every page
    // add up to it.
    [End::First, End::Last]
        .into_iter()
        .find_map(|end| lines.read(&parts, end, sums_first))
}

/// The cells of the page around `block`, and the text lines they span. A
/// form feed may stand anywhere on a line (a page's text run on from the
/// last line of the one before): the page is searched from the line holding
/// the one before the block to the line holding the one after it.
fn page_cells(text: &Text, block: &Range<usize>) -> (CellGrid, usize, usize) {
    let feed = |i: usize| text.raw_line(i).contains('\u{c}');
    let start = (block.start.saturating_sub(PAGE_LINES)..=block.start)
        .rev()
        .find(|&i| feed(i))
        .unwrap_or(block.start.saturating_sub(PAGE_LINES));
    let end = (block.end..text.len().min(block.end + PAGE_LINES))
        .find(|&i| feed(i))
        .map_or(text.len().min(block.end + PAGE_LINES), |i| i + 1);
    let mut src = CellGrid::new(Layout::Ordered);
    super::positioned::tokens(text, start..end, &mut src, false);
    (src, start, end)
}

/// A table of one row (09) on a page printed turned: each column's figure
/// comes out on a line of its own (beside its header words, or after
/// another column's on one line), the last column's first. Read back to
/// front, the figures are the row (blank cells gone), where the table's
/// sums hold that way and not the other (a stream or an upright row
/// printing it front to back is left to the other readers); `None`
/// otherwise. `holds`: whether the table's sums place a row printing these
/// figures left to right.
pub fn rotated_row(
    text: &Text,
    block: Range<usize>,
    holds: impl Fn(&[Amount]) -> bool,
) -> Option<CellGrid> {
    let (src, start, end) = page_cells(text, &block);
    let lines = Lines::of(&src, text, start..end);
    // A row fits on one page: the title's, whose columns come out before
    // the title's line, and after the block (the last run on to the next
    // heading's line, a form feed between them).
    let page = lines.title_page(block.start)?;
    let ours: Vec<usize> = (0..lines.lines.len())
        .filter(|&l| lines.lines[l].page == page)
        .collect();
    // A line may hold two columns' (a column's text set over another's
    // runs on from it): the later is the one printed further left.
    let figures: Vec<usize> = ours
        .iter()
        .flat_map(|&l| lines.lines[l].cells.clone())
        .filter(|&i| lines.kind(i) == CellKind::Amount)
        .collect();
    let values: Vec<Amount> = figures
        .iter()
        .map(|&i| parse_printed(lines.text(i)).map(|p| p.value))
        .collect::<Option<_>>()?;
    let back: Vec<Amount> = values.iter().rev().copied().collect();
    if !holds(&back) || holds(&values) {
        return None;
    }
    let mut out = CellGrid::new(Layout::Ordered);
    out.set_row(1);
    for &i in figures.iter().rev() {
        copy_cell(&src, &mut out, i);
    }
    Some(out)
}

/// Which end of the table the total row is printed at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    First,
    Last,
}

/// A table being read, part by part.
struct Reading {
    out: CellGrid,
    row: u32,
    /// The 类 rows' totals.
    classes: Vec<Amount>,
    /// The total row's total.
    total: Option<crate::amount::Printed>,
    /// The last row's code so far: a page may go on with its 类 (no row of
    /// the 类's own, its first 款 perhaps the last one's).
    last_code: Option<String>,
    /// Whether the pages read so far print their rows bottom up: a page
    /// of too few codes to say is read the same way.
    turn: Option<bool>,
}

/// The longest run of consecutive code-shaped words.
fn longest_code_run<'a>(words: impl Iterator<Item = &'a str>) -> usize {
    let (mut best, mut run) = (0, 0);
    for w in words {
        if w.bytes().all(|b| b.is_ascii_digit()) && code_like(w) {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// The cells of the page around a block, line by line.
struct Lines<'a> {
    src: &'a CellGrid,
    lines: Vec<Line>,
}

/// A line of the page, or the part of one a form feed parts.
struct Line {
    /// Its place among the page's lines.
    index: usize,
    /// 0-based line of the decoded text.
    text_line: u32,
    cells: Range<usize>,
    /// Pages from the start of the search (0, 1, …).
    page: u32,
}

impl<'a> Lines<'a> {
    /// A line holding a form feed is two: its cells before the feed end
    /// one page, the rest begin the next.
    fn of(src: &'a CellGrid, text: &Text, range: Range<usize>) -> Self {
        let mut page = 0;
        let mut lines: Vec<Line> = Vec::new();
        let mut at = 0;
        for line in range {
            // Where the feeds stand, in the characters the cells are
            // measured in (feeds not counted).
            let mut feeds: Vec<u32> = Vec::new();
            let mut x = 0u32;
            for c in text.raw_line(line).chars() {
                if c == '\u{c}' {
                    feeds.push(x);
                } else {
                    x += 1;
                }
            }
            let from = at;
            while at < src.cells.len() && src.cells[at].line as usize == line {
                at += 1;
            }
            let mut seg = from;
            for f in feeds {
                let cut = (seg..at).find(|&i| src.cells[i].x.x0 >= f).unwrap_or(at);
                if cut > seg {
                    lines.push(Line {
                        index: lines.len(),
                        text_line: line as u32,
                        cells: seg..cut,
                        page,
                    });
                }
                seg = cut;
                page += 1;
            }
            if at > seg {
                lines.push(Line {
                    index: lines.len(),
                    text_line: line as u32,
                    cells: seg..at,
                    page,
                });
            }
        }
        Lines { src, lines }
    }

    fn text(&self, i: usize) -> &str {
        self.src.text(&self.src.cells[i])
    }

    /// Which lines of the page are the block's table's, one flag per line:
    /// sorted text runs a page's first line on from the last line of the
    /// page before (a form feed mid-line); where a title shares its line
    /// with a page of another table, that page is the other table's. So the
    /// block's pages run from its title's page to the page before the next
    /// block's title.
    fn block_lines(&self, block: &Range<usize>) -> Vec<bool> {
        let first_page = self.title_page(block.start).unwrap_or(0);
        let next_title = self.title_page(block.end);
        self.lines
            .iter()
            .map(|line| {
                let at = line.text_line as usize;
                line.page >= first_page
                    && (block.contains(&at)
                        || at == block.end && next_title.is_some_and(|p| line.page < p))
            })
            .collect()
    }

    /// The page of text line `line` that holds a table's title (a word
    /// ending in 表; the last such page of the line, as a table's number
    /// 公开02表 is printed on its title's page), if the line is searched
    /// and holds one.
    fn title_page(&self, line: usize) -> Option<u32> {
        self.lines
            .iter()
            .filter(|l| l.text_line as usize == line)
            .filter(|l| {
                l.cells
                    .clone()
                    .any(|i| self.kind(i) == CellKind::Text && self.text(i).ends_with('表'))
            })
            .map(|l| l.page)
            .next_back()
    }

    fn kind(&self, i: usize) -> CellKind {
        self.src.cells[i].kind
    }

    /// The codes of line `l` (its longest run of them), in the table's
    /// order, and whether the line printed them bottom up.
    fn codes(&self, l: usize) -> Option<(Vec<usize>, bool)> {
        self.codes_turned(l, MIN_CODES, None)
    }

    /// The codes of line `l` as [`Lines::codes`] finds them, `min` of them
    /// at least, printed bottom up if `turn` says so (where the codes do
    /// not: one code, or one 类's rows).
    fn codes_turned(&self, l: usize, min: usize, turn: Option<bool>) -> Option<(Vec<usize>, bool)> {
        let cells = self.lines[l].cells.clone();
        let mut best: Range<usize> = 0..0;
        let mut run = cells.start..cells.start;
        for i in cells {
            let c = &self.src.cells[i];
            if c.kind == CellKind::Digits && code_like(self.text(i)) {
                run.end = i + 1;
                if run.len() > best.len() {
                    best = run.clone();
                }
            } else {
                run = i + 1..i + 1;
            }
        }
        if best.len() < min {
            return None;
        }
        let codes: Vec<&str> = best.clone().map(|i| self.text(i)).collect();
        // Whole codes all differ; a 类 column (its 款 and 项 parts printed
        // in columns of their own) repeats its 类 down its rows.
        let classes = codes.iter().all(|c| c.len() == 3);
        let rising = codes
            .windows(2)
            .all(|w| w[0] < w[1] || classes && w[0] == w[1]);
        let falling = codes
            .windows(2)
            .all(|w| w[0] > w[1] || classes && w[0] == w[1]);
        let falling = match (rising, falling, turn) {
            (true, false, None | Some(false)) => false,
            (false, true, None | Some(true)) => true,
            (true, true, Some(t)) => t,
            _ => return None,
        };
        let mut cells: Vec<usize> = best.collect();
        if falling {
            cells.reverse();
        }
        Some((cells, falling))
    }

    /// Whether the codes of line `next` go on after those of line `l`, in
    /// the order `turn` prints them: the first 类 of `next` is the last of
    /// `l` or after it.
    fn goes_on(&self, l: usize, next: usize, turn: bool) -> bool {
        let class = |l: usize, first: bool| {
            let (cells, _) = self.codes_turned(l, 1, Some(turn))?;
            let code = if first { cells.first() } else { cells.last() };
            code.and_then(|&i| self.text(i).get(..3))
        };
        matches!((class(l, false), class(next, true)), (Some(a), Some(b)) if a <= b)
    }

    /// Each row's code cells: the codes of line `l` as they are, or where
    /// they are a 类 column, joined with the 款 and 项 columns printed on
    /// the lines `gap` (between the codes and the figures, the 款 nearest).
    fn keys(
        &self,
        codes: &[usize],
        gap: &[usize],
        falling: bool,
        before: Option<&str>,
    ) -> Option<Vec<Vec<usize>>> {
        let texts: Vec<&str> = codes.iter().map(|&i| self.text(i)).collect();
        if texts.windows(2).all(|w| w[0] != w[1]) {
            return Some(codes.iter().map(|&c| vec![c]).collect());
        }
        // Lines of two-digit parts (a header word such as 款 beside them),
        // the line of the 类 codes itself first: the 款 column may come out
        // on it.
        let line = self.src.cells[codes[0]].line;
        let on_codes = (0..self.lines.len()).filter(|&m| {
            self.lines[m].text_line == line && self.lines[m].cells.contains(&codes[0])
        });
        let columns: Vec<Vec<usize>> = on_codes
            .chain(gap.iter().copied())
            .map(|m| {
                self.cells_where(m, falling, |i| {
                    self.kind(i) == CellKind::Digits && !codes.contains(&i)
                })
            })
            .filter(|p| !p.is_empty())
            .take(2)
            .collect();
        let parts: Vec<usize> = columns.concat();
        if parts.iter().any(|&i| self.text(i).len() != 2) {
            return None;
        }
        let part_texts: Vec<&str> = parts.iter().map(|&i| self.text(i)).collect();
        let before = before
            .filter(|c| c.len() >= 3 && c.is_char_boundary(3))
            .map(|c| (&c[..3], c.get(3..5)));
        let rows = super::stream::code_rows(&texts, &part_texts, before)?;
        Some(rows.iter().map(|r| r.cells(codes, &parts)).collect())
    }

    /// The cells of line `l` that `keep` picks, in the table's row order.
    fn cells_where(&self, l: usize, falling: bool, keep: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut f: Vec<usize> = self.lines[l].cells.clone().filter(|&i| keep(i)).collect();
        if falling {
            f.reverse();
        }
        f
    }

    /// The amount cells of line `l`, in the table's row order.
    fn figures(&self, l: usize, falling: bool) -> Vec<usize> {
        self.cells_where(l, falling, |i| self.kind(i) == CellKind::Amount)
    }

    /// Reads every part, the total row at `end` of the table; `None` unless
    /// each part is read and the 类 rows add up to the total.
    fn read(&self, parts: &[usize], end: End, sums_first: bool) -> Option<CellGrid> {
        let mut r = Reading {
            out: CellGrid::new(Layout::Ordered),
            row: 0,
            classes: Vec::new(),
            total: None,
            last_code: None,
            turn: None,
        };
        for (p, &l) in parts.iter().enumerate() {
            let before = p.checked_sub(1).map(|q| parts[q] + 1);
            let after = parts.get(p + 1).copied();
            let at = match end {
                End::First if p == 0 => Some(end),
                End::Last if p + 1 == parts.len() => Some(end),
                _ => None,
            };
            self.part(l, (before, after), at, sums_first, &mut r)?;
        }
        let total = r.total?;
        let terms = r.classes.len();
        Amount::sums_to(
            r.classes.into_iter().sum(),
            total.value,
            total.decimals,
            terms,
        )
        .then_some(r.out)
    }

    /// Reads the part of the table whose codes are on line `l`, the total
    /// row at `total_at` if this part prints it. Its columns are the lines
    /// on one side of the codes, up to the page's edge or the lines
    /// `before` / `after` where the parts before and after it begin: the
    /// side where a full column stands nearest.
    fn part(
        &self,
        l: usize,
        (before, after): (Option<usize>, Option<usize>),
        total_at: Option<End>,
        sums_first: bool,
        reading: &mut Reading,
    ) -> Option<()> {
        let (codes, falling) = match self.codes(l) {
            Some(c) => c,
            None => self.codes_turned(l, 1, Some(reading.turn?))?,
        };
        reading.turn = Some(falling);
        let n = codes.len();
        let page = self.lines[l].page;
        let on_page = |m: &usize| self.lines[*m].page == page;
        let back: Vec<usize> = (before.unwrap_or(0)..l).rev().filter(on_page).collect();
        let ahead: Vec<usize> = (l + 1..after.unwrap_or(self.lines.len()))
            .filter(on_page)
            .collect();
        let rows = n + usize::from(total_at.is_some());
        // Row `r`'s code, `None` for the total row.
        let code_of = |r: usize| match total_at {
            Some(End::First) => r.checked_sub(1),
            Some(End::Last) => (r < n).then_some(r),
            None => Some(r),
        };
        let total_index = (0..rows).find(|&r| code_of(r).is_none());
        let full = |side: &[usize]| {
            side.iter()
                .position(|&m| self.figures(m, falling).len() == rows)
        };
        let side = match (full(&back), full(&ahead)) {
            (Some(a), Some(b)) if a == b => return None,
            (Some(a), Some(b)) => {
                if a < b {
                    back
                } else {
                    ahead
                }
            }
            (Some(_), None) => back,
            (None, Some(_)) => ahead,
            (None, None) => return None,
        };
        // The lines between the codes and the first figures: names, and the
        // 款 and 项 columns of codes printed in parts.
        let gap: Vec<usize> = side
            .iter()
            .take_while(|&&m| self.figures(m, falling).is_empty())
            .copied()
            .collect();
        let keys = self.keys(&codes, &gap, falling, reading.last_code.as_deref())?;
        reading.last_code = keys
            .last()
            .map(|k| k.iter().map(|&i| self.text(i)).collect());
        // The figure lines, nearest first: the table's column order.
        let columns: Vec<Vec<usize>> = side
            .iter()
            .map(|&m| self.figures(m, falling))
            .filter(|f| !f.is_empty())
            .collect();
        if columns.iter().any(|f| f.len() > rows) {
            return None;
        }
        let value = |i: usize| parse_printed(self.text(i));
        let full: Vec<&Vec<usize>> = columns.iter().filter(|f| f.len() == rows).collect();
        // The other lines' figures but printed zeros (which any row could
        // take), each with its column's place.
        let sparse: Vec<(usize, Vec<usize>)> = columns
            .iter()
            .enumerate()
            .filter(|(_, f)| f.len() < rows)
            .map(|(k, f)| {
                let nonzero = f
                    .iter()
                    .copied()
                    .filter(|&i| value(i).is_some_and(|p| !p.value.is_zero()))
                    .collect();
                (k, nonzero)
            })
            .collect();
        let total = full[0];
        // The 类 rows' totals, for the total row they add up to.
        for (r, &f) in total.iter().enumerate() {
            match code_of(r) {
                Some(c) if keys[c].len() == 1 && self.text(keys[c][0]).len() == 3 => {
                    reading.classes.push(value(f)?.value)
                }
                Some(_) => {}
                None => reading.total = Some(value(f)?),
            }
        }
        // Per row: its figures, column by column.
        let mut by_row: Vec<Vec<(usize, usize)>> = (0..rows)
            .map(|r| {
                columns
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.len() == rows)
                    .map(|(k, f)| (k, f[r]))
                    .collect()
            })
            .collect();
        if sparse.iter().any(|s| !s.1.is_empty()) {
            if !sums_first {
                return None;
            }
            let mut residual = Vec::with_capacity(rows);
            let mut decimals = Vec::with_capacity(rows);
            for r in 0..rows {
                let t = value(total[r])?;
                let rest: Amount = full[1..]
                    .iter()
                    .map(|f| value(f[r]).map(|p| p.value))
                    .sum::<Option<Amount>>()?;
                residual.push(t.value - rest);
                decimals.push(t.decimals);
            }
            let lines: Vec<Vec<Amount>> = sparse
                .iter()
                .map(|s| s.1.iter().map(|&i| value(i).map(|p| p.value)).collect())
                .collect::<Option<_>>()?;
            let placed = place_sparse(&residual, &decimals, &lines)?;
            for (r, taken) in placed.into_iter().enumerate() {
                for (s, k) in taken {
                    by_row[r].push((sparse[s].0, sparse[s].1[k]));
                }
                by_row[r].sort_unstable();
            }
        }
        // The total row's label: a bare 合计 nearest the codes on this side.
        let label = if total_index.is_some() {
            let near = std::iter::once(l).chain(side.iter().copied());
            Some(
                near.flat_map(|m| self.lines[m].cells.clone())
                    .find(|&i| matches!(self.text(i), "合计" | "总计"))?,
            )
        } else {
            None
        };
        // Names, where a line between the codes and the figures prints one
        // per row.
        let names: Option<Vec<usize>> = gap
            .iter()
            .copied()
            .map(|m| self.cells_where(m, falling, |i| self.kind(i) == CellKind::Text))
            .find(|t| {
                t.len() == rows
                    && total_index.is_none_or(|k| matches!(self.text(t[k]), "合计" | "总计"))
            });
        let out = &mut reading.out;
        for r in 0..rows {
            reading.row += 1;
            out.set_row(reading.row);
            let code = code_of(r);
            match code {
                Some(c) => keys[c].iter().for_each(|&k| copy_cell(self.src, out, k)),
                None => copy_cell(self.src, out, label?),
            }
            if let Some(names) = &names
                && code.is_some()
            {
                copy_cell(self.src, out, names[r]);
            }
            for &(_, i) in &by_row[r] {
                copy_cell(self.src, out, i);
            }
        }
        Some(())
    }
}

/// Places the figures of `lines` (each in row order, blank cells gone) on
/// rows so that each row's figures make up its `residual` (what its full
/// columns leave of its total; `decimals` printed): per row, the figures
/// it takes as `(line, index)`. `None` unless every placement (the search
/// bounded by [`NODES`]) gives each row the same figures from the same
/// lines.
fn place_sparse(
    residual: &[Amount],
    decimals: &[u32],
    lines: &[Vec<Amount>],
) -> Option<Vec<Vec<(usize, usize)>>> {
    let n = residual.len();
    let l = lines.len();
    if l > 12 {
        return None;
    }
    struct Search<'a> {
        residual: &'a [Amount],
        decimals: &'a [u32],
        lines: &'a [Vec<Amount>],
        nodes: usize,
        found: Option<Vec<Vec<(usize, usize)>>>,
        ambiguous: bool,
    }
    impl Search<'_> {
        fn go(&mut self, r: usize, at: &mut Vec<usize>, placed: &mut Vec<Vec<(usize, usize)>>) {
            if self.ambiguous || self.nodes == 0 {
                self.ambiguous = true;
                return;
            }
            self.nodes -= 1;
            let n = self.residual.len();
            if r == n {
                if at.iter().zip(self.lines).all(|(&a, f)| a == f.len()) {
                    match &self.found {
                        Some(f) if f != placed => self.ambiguous = true,
                        Some(_) => {}
                        None => self.found = Some(placed.clone()),
                    }
                }
                return;
            }
            // A line with more figures left than rows left cannot finish.
            if at.iter().zip(self.lines).any(|(&a, f)| f.len() - a > n - r) {
                return;
            }
            let open: Vec<usize> = (0..at.len())
                .filter(|&s| at[s] < self.lines[s].len())
                .collect();
            for mask in 0u32..(1 << open.len()) {
                let chosen: Vec<usize> = (0..open.len())
                    .filter(|b| mask & (1 << b) != 0)
                    .map(|b| open[b])
                    .collect();
                let sum: Amount = chosen.iter().map(|&s| self.lines[s][at[s]]).sum();
                let holds = if chosen.is_empty() {
                    self.residual[r].is_zero()
                } else {
                    Amount::sums_to(sum, self.residual[r], self.decimals[r], chosen.len())
                };
                if !holds {
                    continue;
                }
                placed.push(chosen.iter().map(|&s| (s, at[s])).collect());
                for &s in &chosen {
                    at[s] += 1;
                }
                self.go(r + 1, at, placed);
                for &s in &chosen {
                    at[s] -= 1;
                }
                placed.pop();
                if self.ambiguous {
                    return;
                }
            }
        }
    }
    let mut search = Search {
        residual,
        decimals,
        lines,
        nodes: NODES,
        found: None,
        ambiguous: false,
    };
    search.go(0, &mut vec![0; l], &mut Vec::with_capacity(n));
    if search.ambiguous {
        return None;
    }
    search.found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Text;

    fn rows(doc: &str, sums_first: bool) -> Option<Vec<String>> {
        let t = Text::from_string(doc);
        let lines: Vec<usize> = (0..t.len()).collect();
        let title = lines.iter().position(|&i| t.line(i).contains("决算表"))?;
        Some(printed(&rotated(&t, title..t.len(), sums_first)?))
    }

    /// `doc` read as a turned table (each row's first column the sum of the
    /// others) gives the rows `want`.
    fn assert_reads(doc: &str, want: &[&str]) {
        let got = rows(doc, true).expect("read");
        assert_eq!(got.iter().map(String::as_str).collect::<Vec<_>>(), want);
    }

    /// A grid's rows, each its cells' texts joined by a space.
    fn printed(g: &CellGrid) -> Vec<String> {
        g.lines()
            .into_iter()
            .map(|(_, r)| {
                r.map(|i| g.text(&g.cells[i]).to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Table 09 on a turned page, as sorted text gives it: each column's
    /// figure on a line of its own, the last column's first, header words
    /// beside them and the title among them.
    const TURNED_09: &str = "\
\u{c}              0.20
   费       公开09     公务接待        单位：万元
              2.33
                 29.56
   决算数        31.89       公务用车购置及运行维护费   小计
         因公出国（境）费      2.28
                 34.37
          合计
              0.50
              2.65    财政拨款“三公”经费支出决算表
                 32.79
   预算数        35.44       公务用车购置及运行维护费   小计
         因公出国（境）费      2.70
                 38.64
          合计九、财政拨款“三公”经费支出决算表        编制部门：某局
\u{c}一、收入支出决算总体情况说明
";

    fn row_of(doc: &str) -> Option<Vec<String>> {
        let t = Text::from_string(doc);
        let title = (0..t.len()).find(|&i| t.line(i).contains("决算表"))?;
        let end = (0..t.len()).find(|&i| t.line(i).contains("情况说明"))?;
        let spec = crate::table::spec::TableSpec::of(crate::vocab::Table::ThreePublic);
        let holds = |row: &[Amount]| crate::table::assemble::row_places_by_sums(spec, row);
        Some(printed(&rotated_row(&t, title..end, holds)?))
    }

    #[test]
    fn a_one_row_table_printed_turned_is_read_back_to_front() {
        assert_eq!(
            row_of(TURNED_09).expect("read"),
            ["38.64 2.70 35.44 32.79 2.65 0.50 34.37 2.28 31.89 29.56 2.33 0.20"]
        );
    }

    #[test]
    fn a_one_row_table_printed_front_to_back_is_not_turned() {
        // A stream printing the row in order, a figure per line.
        let mut doc = String::from("\u{c}财政拨款“三公”经费支出决算表\n单位：万元\n");
        for f in ["38.64", "2.70", "35.44", "32.79", "2.65", "0.50"] {
            doc.push_str(f);
            doc.push('\n');
        }
        for f in ["34.37", "2.28", "31.89", "29.56", "2.33", "0.20"] {
            doc.push_str(f);
            doc.push('\n');
        }
        doc.push_str("\u{c}一、收入支出决算总体情况说明\n");
        assert_eq!(row_of(&doc), None);
        // Sums that hold both ways say nothing of the direction.
        let zeros = TURNED_09
            .lines()
            .map(|l| {
                l.split(' ')
                    .map(|w| if w.contains('.') { "0.00" } else { w })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(row_of(&zeros), None);
    }

    #[test]
    fn a_turned_row_with_blank_columns_in_items_order_is_read_to_its_page_end() {
        // Each item's 预算数 beside its 决算数, 因公出国 and 购置费 blank;
        // the first column's figures come out on the next heading's line,
        // after the note, a form feed between them.
        let doc = "\
\u{c}              2.11
   决算数       公务接待费   2.70
   预算数
              6.60
   决算数        7.44     公务用车运行维护费 预算数
              6.60     财政拨款“三公”经费支出决算表
   小计          7.44
              8.71
   合计     10.14   注：本表反映部门本年度“三公”经费支出预决算情况。\u{c}一、收入支出决算总体情况说明
";
        assert_eq!(
            row_of(doc).expect("read"),
            ["10.14 8.71 7.44 6.60 7.44 6.60 2.70 2.11"]
        );
    }

    #[test]
    fn a_turned_columns_figure_run_on_from_anothers_line_keeps_its_place() {
        // The 小计 column's header and figure set over the 购置费 column's
        // line, after its figure; each figure beside its header word.
        let doc = TURNED_09
            .replace("              2.33\n", "    公务用车运行维护费          2.33\n")
            .replace(
                "                 29.56\n   决算数        31.89       公务用车购置及运行维护费   小计\n",
                "  公务用车购置费     29.56   决算数  公务用车购置及运行维护费   小计   31.89\n",
            );
        assert_eq!(
            row_of(&doc).expect("read"),
            ["38.64 2.70 35.44 32.79 2.65 0.50 34.37 2.28 31.89 29.56 2.33 0.20"]
        );
    }

    /// A coded table printed on a turned page, as sorted text gives it:
    /// the last column first, a line per column, the codes last; the
    /// sparse second part column broken over two lines (its figures are
    /// set a little apart by their widths) and a line of the page before
    /// the title.
    #[test]
    fn columns_printed_as_lines_are_read_down() {
        let doc = "\
\u{c}   3.00                              3.00  对附属单位补助支出
      上缴上级     支出决算表    0.75   0.75        0.75
      项目支出   11.00                                 10.25
      基本支出   11.00  6.00   6.00   2.00   4.00    5.00
   合计   25.00  6.75  6.75   2.00   4.75   18.25  本年支出
    科目名称
   合计 一般公共服务支出 财政事务 行政运行 其他财政事务支出 农林水支出
    科目编码   201 20106 2010601 2010699 213
";
        assert_reads(
            doc,
            &[
                "合计 25.00 11.00 11.00 3.00",
                "201 一般公共服务支出 6.75 6.00 0.75",
                "20106 财政事务 6.75 6.00 0.75",
                "2010601 行政运行 2.00 2.00",
                "2010699 其他财政事务支出 4.75 4.00 0.75",
                "213 农林水支出 18.25 5.00 10.25 3.00",
            ],
        );
        // Not without the identity that places a sparse column.
        assert_eq!(rows(doc, false), None);
    }

    /// The other turn: the rows come out bottom up along each line, the
    /// codes first and the figures after them, the total row printed
    /// last; the codes printed in 类, 款 and 项 columns (the 款 column
    /// on the 类 line), joined back by the 款 column's repeats.
    #[test]
    fn codes_in_parts_and_rows_bottom_up() {
        let doc = "\
\u{c}收入决算表
02 02 05 05 05 款  科目编码 类 221 221 221 208 208 208 208
项 01 06 05
   合计
12.75 7.25 7.25 7.25 2.00 3.50 5.50 5.50 本年收入合计
12.25 7.25 7.25 7.25 2.00 3.00 5.00 5.00 财政拨款收入
0.50                        0.50   0.50  0.50  其他收入
";
        assert_reads(
            doc,
            &[
                "208 5.50 5.00 0.50",
                "208 05 5.50 5.00 0.50",
                "208 05 05 3.50 3.00 0.50",
                "208 05 06 2.00 2.00",
                "221 7.25 7.25",
                "221 02 7.25 7.25",
                "221 02 01 7.25 7.25",
                "合计 12.75 12.25 0.50",
            ],
        );
    }

    /// A turned page of a table's first rows, 201's, the total row first.
    const PAGE_OF_201: &str = "\
\u{c}支出决算表
   项目支出   12.00  2.00  2.00  0.50  1.50
   基本支出   13.00  4.00  4.00  1.50  2.50
   合计   25.00  6.00  6.00  2.00  4.00  本年支出
   科目名称
   合计 一般公共服务支出 财政事务 行政运行 其他财政事务支出
   科目编码   201 20106 2010601 2010699
";

    /// The rows [`PAGE_OF_201`] prints.
    const ROWS_OF_201: [&str; 5] = [
        "合计 25.00 13.00 12.00",
        "201 一般公共服务支出 6.00 4.00 2.00",
        "20106 财政事务 6.00 4.00 2.00",
        "2010601 行政运行 2.00 1.50 0.50",
        "2010699 其他财政事务支出 4.00 2.50 1.50",
    ];

    /// Sorted text runs a page's first line on from the page before's
    /// last: the second page's codes end the line that the next table's
    /// title begins after the form feed. They are the first table's second
    /// part (its classes add up to the total only with them), and not the
    /// next table's.
    #[test]
    fn a_page_that_ends_on_the_next_title_line_is_its_own_tables() {
        let doc = format!(
            "{PAGE_OF_201}\
\u{c}   项目支出  10.00 10.00  5.00  5.00
   基本支出   9.00  9.00  4.00  5.00
   合计  19.00 19.00  9.00 10.00  本年支出
   科目名称
   农林水支出 农业农村 行政运行 其他农业农村支出
   科目编码   213 21301 2130101 2130199   \u{c}  财政拨款收入支出决算表
   项目支出   2.00  2.00  2.00  1.00  1.00
   基本支出   3.00  3.00  3.00  1.50  1.50
   合计   5.00  5.00  5.00  2.50  2.50  本年支出
   科目名称
   合计 一般公共服务支出 人大事务 行政运行 其他人大事务支出
   科目编码   201 20101 2010101 2010199
"
        );
        let t = Text::from_string(&doc);
        let next = (0..t.len())
            .find(|&i| t.line(i).contains("财政拨款收入支出决算表"))
            .expect("next title");
        let read = |block: Range<usize>| printed(&rotated(&t, block, true).expect("read"));
        let second = [
            "213 农林水支出 19.00 9.00 10.00",
            "21301 农业农村 19.00 9.00 10.00",
            "2130101 行政运行 9.00 4.00 5.00",
            "2130199 其他农业农村支出 10.00 5.00 5.00",
        ];
        assert_eq!(read(1..next), [ROWS_OF_201.as_slice(), &second].concat());
        assert_eq!(
            read(next..t.len()),
            [
                "合计 5.00 3.00 2.00",
                "201 一般公共服务支出 5.00 3.00 2.00",
                "20101 人大事务 5.00 3.00 2.00",
                "2010101 行政运行 2.50 1.50 1.00",
                "2010199 其他人大事务支出 2.50 1.50 1.00",
            ]
        );
    }

    /// A last page of one row (its 类 alone on its line of codes, which
    /// alone could be any stray number) is the table's last part: the
    /// classes add up to the total only with it. A number below it that
    /// does not go on in the codes' order (a 199 in the page's footer) is
    /// not its code.
    #[test]
    fn a_last_page_of_one_code_is_read_with_the_others() {
        let doc = format!(
            "{PAGE_OF_201}\
\u{c}   项目支出  10.00
   基本支出   9.00
   合计  19.00  本年支出
   科目名称
   农林水支出
   科目编码   213
   编号 199
"
        );
        assert_reads(
            &doc,
            &[ROWS_OF_201.as_slice(), &["213 农林水支出 19.00 9.00 10.00"]].concat(),
        );
    }

    /// Codes in 类, 款 and 项 columns, a 类 going on from one page to the
    /// next: the second page prints no row of 208's own, and its first 款
    /// parts repeat the first page's last 款 (they are 项 rows).
    #[test]
    fn a_class_that_goes_on_to_the_next_page_keeps_its_kuan() {
        let doc = "\
\u{c}支出决算表
   项目支出   12.00  4.00  4.00  4.00  6.00  6.00
   基本支出   18.00  6.00  6.00  6.00  9.00  9.00
   合计   30.00  10.00  10.00  10.00  15.00  15.00  本年支出
   科目名称
   合计 一般公共服务支出 人大事务 行政运行 社会保障和就业支出 行政事业单位养老支出
   项  01
   款  01 01 05
   科目编码 类  201 201 201 208 208
\u{c}   项目支出   3.00  3.00  2.00  2.00  2.00
   基本支出   5.00  4.00  3.00  3.00  3.00
   合计   8.00  7.00  5.00  5.00  5.00  本年支出
   科目名称
   行政单位离退休 事业单位离退休 住房保障支出 住房改革支出 住房公积金
   项  05 06 01
   款  05 05 02 02
   科目编码 类  208 208 221 221 221
";
        assert_reads(
            doc,
            &[
                "合计 30.00 18.00 12.00",
                "201 一般公共服务支出 10.00 6.00 4.00",
                "201 01 人大事务 10.00 6.00 4.00",
                "201 01 01 行政运行 10.00 6.00 4.00",
                "208 社会保障和就业支出 15.00 9.00 6.00",
                "208 05 行政事业单位养老支出 15.00 9.00 6.00",
                "208 05 05 行政单位离退休 8.00 5.00 3.00",
                "208 05 06 事业单位离退休 7.00 4.00 3.00",
                "221 住房保障支出 5.00 3.00 2.00",
                "221 02 住房改革支出 5.00 3.00 2.00",
                "221 02 01 住房公积金 5.00 3.00 2.00",
            ],
        );
    }
}
