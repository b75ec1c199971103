//! Column-aligned text (`pdftotext -layout`) into grids.
//!
//! Cells are runs of characters separated by two or more spaces, placed by
//! display column (a CJK character is two columns wide, measured on the line
//! before NFKC). Positions in such renderings are approximate: headers are
//! centred and wrapped over several lines, numbers are right-aligned, and a
//! new page (`\f`) may shift every column. So positions decide only what
//! structure cannot: the side of a two-sided table and the group of table 06
//! follow from the order of labels and amounts on a line; names wrapped onto
//! lines above or below are joined to the row whose code or amounts they
//! surround; amounts are placed in columns by their order when a row prints
//! every column, and otherwise against the header's column names when each
//! stands on one line, else in template order.
//!
//! The result is a grid in the tab shape's canonical layout (code, name,
//! amounts under canonical headers), read by `tables` like any other.

use std::ops::Range;

use crate::amount::parse_printed;
use crate::decode::Text;
use crate::extract::grid::{Cell, Grid, Row};
use crate::extract::tables::{header_key, header_matches, parse_code};
use crate::text::{compact_cjk, display_width, squeeze};
use crate::vocab::{Table, three_public_order};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A number with decimals, or an integer after a label.
    Amount,
    /// Digits of a subject code (or one of its 类/款/项 parts).
    Digits,
    Text,
}

/// A run of characters on a line, with its display columns.
#[derive(Clone, Debug)]
struct Tok {
    text: String,
    raw: String,
    x0: usize,
    x1: usize,
    line: usize,
    kind: Kind,
}

impl Tok {
    fn center2(&self) -> usize {
        self.x0 + self.x1
    }

    fn cell(&self, col: usize) -> Cell {
        Cell {
            text: self.text.clone(),
            raw: self.raw.clone(),
            col,
            line: self.line,
        }
    }
}

fn normalized(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::decode::normalize_into(s, &mut out);
    out.trim().to_string()
}

fn classify(text: &str) -> Kind {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return Kind::Digits;
    }
    if parse_printed(text).is_some() {
        return Kind::Amount;
    }
    Kind::Text
}

/// Splits a raw line into tokens: runs separated by two or more spaces; a run
/// of numbers separated by single spaces ("2.85 0.39") gives one token each;
/// a code glued to its name ("30207邮电费") gives two.
fn tokenize(raw: &str, line: usize, out: &mut Vec<Tok>) {
    let mut runs: Vec<(usize, usize, String)> = Vec::new();
    let mut x = 0usize;
    let mut cur = String::new();
    let (mut start, mut end) = (0usize, 0usize);
    let mut spaces = 0usize;
    for c in raw.chars() {
        if c == '\u{c}' || c == '\r' {
            continue;
        }
        if c == ' ' || c == '\t' || c == '\u{3000}' {
            spaces += display_width(c).max(1);
            x += display_width(c).max(1);
            continue;
        }
        if !cur.is_empty() && spaces >= 2 {
            runs.push((start, end, std::mem::take(&mut cur)));
        } else if !cur.is_empty() && spaces == 1 {
            cur.push(' ');
        }
        if cur.is_empty() {
            start = x;
        }
        spaces = 0;
        cur.push(c);
        x += display_width(c);
        end = x;
    }
    if !cur.is_empty() {
        runs.push((start, end, cur));
    }
    for (x0, x1, run) in runs {
        let parts: Vec<&str> = run.split(' ').collect();
        if parts.len() > 1
            && parts
                .iter()
                .all(|p| parse_printed(p).is_some_and(|v| v.decimals > 0))
        {
            // Numbers one space apart: place each by its own width.
            let mut px = x0;
            for p in parts {
                let w = p.chars().count();
                out.push(Tok {
                    text: p.to_string(),
                    raw: p.to_string(),
                    x0: px,
                    x1: px + w,
                    line,
                    kind: Kind::Amount,
                });
                px += w + 1;
            }
            continue;
        }
        let digits = run.bytes().take_while(u8::is_ascii_digit).count();
        if matches!(digits, 3 | 5 | 7)
            && digits < run.len()
            && !run[digits..].starts_with([' ', '.', ','])
        {
            let (code, name) = run.split_at(digits);
            out.push(Tok {
                text: code.to_string(),
                raw: code.to_string(),
                x0,
                x1: x0 + digits,
                line,
                kind: Kind::Digits,
            });
            let text = normalized(name);
            out.push(Tok {
                kind: classify(&text),
                text,
                raw: name.to_string(),
                x0: x0 + digits,
                x1,
                line,
            });
            continue;
        }
        let text = normalized(&run);
        out.push(Tok {
            kind: classify(&text),
            text,
            raw: run,
            x0,
            x1,
            line,
        });
    }
}

/// Tokens of each line of the block.
fn lines_of(text: &Text, lines: Range<usize>) -> Vec<Vec<Tok>> {
    let mut out = Vec::new();
    for i in lines {
        let mut toks = Vec::new();
        tokenize(text.raw_line(i), i, &mut toks);
        out.push(toks);
    }
    out
}

fn is_caption_or_note(toks: &[Tok]) -> bool {
    let first = toks.first().map(|t| squeeze(&t.text)).unwrap_or_default();
    first.starts_with("注")
        || first.starts_with("说明")
        || first.contains("单位:")
        || first.contains("本表")
}

/// A line of numbers with decimals, or starting with a code: the table body.
fn is_data(toks: &[Tok]) -> bool {
    toks.iter()
        .any(|t| t.kind == Kind::Amount && parse_printed(&t.text).is_some_and(|p| p.decimals > 0))
        || toks
            .first()
            .is_some_and(|t| t.kind == Kind::Digits && parse_code(&t.text).is_some())
}

/// Reads one table block printed by `pdftotext -layout`.
pub fn grid(text: &Text, lines: Range<usize>, table: Table) -> Grid {
    let toks = lines_of(text, lines);
    let Some(first_data) = toks.iter().position(|l| is_data(l)) else {
        return Grid::default();
    };
    let header: Vec<&Tok> = toks[..first_data].iter().flatten().collect();
    let body: Vec<&[Tok]> = toks[first_data..]
        .iter()
        .map(Vec::as_slice)
        .filter(|l| !l.is_empty() && !is_caption_or_note(l))
        .collect();
    match table {
        Table::Overview | Table::FiscalOverview => two_sided(table, &header, &body),
        Table::GeneralBudgetBasic => economic(&header, &body),
        Table::ThreePublic => three_public(&header, &body),
        _ => coded(table, &header, &body),
    }
}

/// Display column of the header word `word` (the `nth` occurrence, 0-based).
fn header_x(header: &[&Tok], words: &[&str], nth: usize) -> Option<usize> {
    header
        .iter()
        .filter(|t| words.iter().any(|w| squeeze(&t.text) == *w))
        .nth(nth)
        .map(|t| t.x0)
}

/// Where each canonical column's header stands, when it is printed whole on
/// one line ("本年收入合计"); wrapped headers give no usable position.
fn anchors(header: &[&Tok], canon: &[&'static str]) -> Vec<Option<usize>> {
    canon
        .iter()
        .map(|c| {
            let leaf = c.rsplit('/').next().unwrap_or(c);
            header.iter().find(|t| {
                let k = header_key(&t.text);
                k.chars().count() >= 2 && (k == leaf || header_matches(&k, leaf))
            })
        })
        .map(|t| t.map(|t| t.center2()))
        .collect()
}

/// Canonical column index for each amount of a row. A row that prints every
/// column is read in order; otherwise amounts go to the nearest header in
/// order when (almost) every header stands whole on one line, else to the
/// first columns in template order.
fn place(amounts: &[&Tok], anchors: &[Option<usize>]) -> Vec<Option<usize>> {
    let n = anchors.len();
    let k = amounts.len();
    if k == 0 {
        return Vec::new();
    }
    if k >= n {
        return (0..k).map(|i| (i < n).then_some(i)).collect();
    }
    let known = anchors.iter().filter(|a| a.is_some()).count();
    if known + 1 < n || known < 2 {
        return (0..k).map(Some).collect();
    }
    // Fill a missing anchor between its neighbours.
    let xs: Vec<i64> = (0..n)
        .map(|i| match anchors[i] {
            Some(x) => x as i64,
            None => {
                let prev = (0..i).rev().find_map(|j| anchors[j].map(|x| (j, x as i64)));
                let next = (i + 1..n).find_map(|j| anchors[j].map(|x| (j, x as i64)));
                match (prev, next) {
                    (Some((pj, px)), Some((nj, nx))) => {
                        px + (nx - px) * (i - pj) as i64 / (nj - pj) as i64
                    }
                    (Some((pj, px)), None) => px + 20 * (i - pj) as i64,
                    (None, Some((nj, nx))) => nx - 20 * (nj - i) as i64,
                    (None, None) => 0,
                }
            }
        })
        .collect();
    // Monotone assignment of k amounts to n columns at least cost.
    let inf = i64::MAX / 4;
    let mut cost = vec![vec![inf; n + 1]; k + 1];
    let mut from = vec![vec![0usize; n + 1]; k + 1];
    cost[0].fill(0);
    for i in 1..=k {
        for j in i..=n {
            let take = cost[i - 1][j - 1]
                .saturating_add((amounts[i - 1].center2() as i64 - xs[j - 1]).abs());
            let skip = cost[i][j - 1];
            if take <= skip {
                cost[i][j] = take;
                from[i][j] = 1;
            } else {
                cost[i][j] = skip;
                from[i][j] = 0;
            }
        }
    }
    let mut out = vec![None; k];
    let (mut i, mut j) = (k, n);
    while i > 0 && j > 0 {
        if from[i][j] == 1 {
            out[i - 1] = Some(j - 1);
            i -= 1;
            j -= 1;
        } else {
            j -= 1;
        }
    }
    out
}

/// A row being assembled from one line and the name fragments around it.
#[derive(Default, Clone)]
struct Assembled<'a> {
    code: Vec<&'a Tok>,
    name: Vec<&'a Tok>,
    line_no: Option<&'a Tok>,
    amounts: Vec<&'a Tok>,
}

fn joined(toks: &[&Tok]) -> String {
    let s: String = toks.iter().map(|t| t.text.as_str()).collect();
    compact_cjk(&s).into_owned()
}

fn name_cell(toks: &[&Tok], col: usize) -> Option<Cell> {
    let first = toks.first()?;
    let raw: Vec<&str> = toks.iter().map(|t| t.raw.as_str()).collect();
    Some(Cell {
        text: joined(toks),
        raw: raw.join(""),
        col,
        line: first.line,
    })
}

/// The code of a row, its 类/款/项 parts joined ("213 01 04" → "2130104").
fn code_cell(toks: &[&Tok], col: usize) -> Option<Cell> {
    let first = toks.first()?;
    let parts: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
    let printed = parts.join(" ");
    let code = parse_code(&printed).unwrap_or_else(|| parts.concat());
    Some(Cell {
        text: code,
        raw: printed,
        col,
        line: first.line,
    })
}

/// The row a line of name fragments belongs to: the nearer of the rows
/// above and below by lines (a wrapped name continues below its row; a name
/// centred on its code line starts above it); on a tie, the row below when it
/// has no name of its own.
fn attach(
    rows: &[Assembled<'_>],
    line: usize,
    above: Option<usize>,
    below: Option<usize>,
) -> Option<usize> {
    let row_line = |r: &Assembled| {
        r.code
            .first()
            .or(r.amounts.first())
            .or(r.name.first())
            .map(|t| t.line)
            .unwrap_or(0)
    };
    match (above, below) {
        (Some(a), Some(b)) => {
            let da = line.saturating_sub(row_line(&rows[a]));
            let db = row_line(&rows[b]).saturating_sub(line);
            if db < da || (db == da && rows[b].name.is_empty()) {
                Some(b)
            } else {
                Some(a)
            }
        }
        (a, b) => a.or(b),
    }
}

/// Tables 02, 03, 05, 07, 08: code, name, amounts.
fn coded(table: Table, header: &[&Tok], body: &[&[Tok]]) -> Grid {
    let canon = table.columns();
    let anchors = anchors(header, canon);
    // One assembled row per data line; fragment lines remembered by index.
    let mut rows: Vec<Assembled> = Vec::new();
    let mut fragments: Vec<(usize, &[Tok])> = Vec::new();
    for line in body {
        let mut r = Assembled::default();
        let mut k = 0;
        while k < line.len()
            && line[k].kind == Kind::Digits
            && r.name.is_empty()
            && r.amounts.is_empty()
        {
            r.code.push(&line[k]);
            k += 1;
        }
        for t in &line[k..] {
            match t.kind {
                Kind::Text if r.amounts.is_empty() => r.name.push(t),
                Kind::Amount | Kind::Digits => r.amounts.push(t),
                Kind::Text => r.name.push(t),
            }
        }
        if r.code.is_empty() && r.amounts.is_empty() {
            fragments.push((rows.len(), line));
        } else {
            rows.push(r);
        }
    }
    for (at, line) in fragments {
        let above = at.checked_sub(1);
        let below = (at < rows.len()).then_some(at);
        let Some(first) = line.first() else { continue };
        if let Some(target) = attach(&rows, first.line, above, below) {
            let frag: Vec<&Tok> = line.iter().collect();
            if below == Some(target) {
                let mut name = frag;
                name.extend(rows[target].name.iter().copied());
                rows[target].name = name;
            } else {
                rows[target].name.extend(frag);
            }
        }
    }
    let mut grid = Grid::default();
    grid.rows.push(Row::synthetic_header(
        ["科目编码", "科目名称"]
            .into_iter()
            .chain(canon.iter().copied()),
    ));
    for r in &rows {
        let mut cells = Vec::new();
        if let Some(c) = code_cell(&r.code, 0) {
            cells.push(c);
        }
        if let Some(c) = name_cell(&r.name, 1) {
            cells.push(c);
        }
        let mut extra = 2 + canon.len();
        for (t, col) in r.amounts.iter().zip(place(&r.amounts, &anchors)) {
            let col = match col {
                Some(c) => 2 + c,
                None => {
                    // No column: left beyond the table, counted as unplaced.
                    extra += 1;
                    extra
                }
            };
            cells.push(t.cell(col));
        }
        let line = r
            .amounts
            .first()
            .or(r.code.first())
            .map(|t| t.line)
            .unwrap_or(0);
        grid.rows.push(Row { line, cells });
    }
    grid
}

/// Which side of a two-sided line each token is on: left until a left amount
/// or a second label, right after (or from the start when the line begins
/// right of the midline).
fn split_sides(line: &[Tok], midline: usize) -> (Vec<&Tok>, Vec<&Tok>) {
    let mut left = Vec::new();
    let mut right = Vec::new();
    let mut on_right = line.first().is_some_and(|t| t.x0 >= midline);
    let mut left_label = false;
    for t in line {
        if !on_right {
            match t.kind {
                Kind::Amount if left_label || t.x0 < midline * 2 => {
                    left.push(t);
                    on_right = true;
                    continue;
                }
                Kind::Text if left_label => on_right = true,
                Kind::Text => left_label = true,
                _ => {}
            }
        }
        if on_right {
            right.push(t)
        } else {
            left.push(t)
        }
    }
    (left, right)
}

fn side_row<'a>(toks: &[&'a Tok]) -> Assembled<'a> {
    let mut r = Assembled::default();
    for t in toks {
        match t.kind {
            Kind::Text => r.name.push(t),
            // A short integer right after a label is its 行次.
            Kind::Digits
                if !r.name.is_empty()
                    && r.amounts.is_empty()
                    && r.line_no.is_none()
                    && t.text.len() <= 2 =>
            {
                r.line_no = Some(t)
            }
            Kind::Amount | Kind::Digits => r.amounts.push(t),
        }
    }
    r
}

/// Tables 01 and 04: income left, expenditure right.
fn two_sided(table: Table, header: &[&Tok], body: &[&[Tok]]) -> Grid {
    let right_canon = table.columns();
    let anchors = anchors(header, right_canon);
    // The midline: half way to the second 项目 header, else a fixed guess.
    let midline = header_x(header, &["项目"], 1)
        .map(|x| x / 2)
        .unwrap_or(20)
        .max(8);
    let mut sides: [Vec<(Assembled, usize)>; 2] = [Vec::new(), Vec::new()];
    for line in body {
        let (l, r) = split_sides(line, midline);
        for (s, toks) in [(0, l), (1, r)] {
            if toks.is_empty() {
                continue;
            }
            let row = side_row(&toks);
            let at = toks[0].line;
            if row.amounts.is_empty() && row.line_no.is_none() {
                // A label without figures: a row of its own, or the rest of a
                // label wrapped from the line above.
                let prev = sides[s].last_mut().filter(|(p, pl)| {
                    *pl + 1 == at && !p.name.is_empty() && !ends_label(&joined(&p.name))
                });
                match prev {
                    Some((p, _)) => p.name.extend(row.name),
                    None => sides[s].push((row, at)),
                }
            } else {
                sides[s].push((row, at));
            }
        }
    }
    let mut grid = Grid::default();
    let mut head = vec![
        Cell {
            text: "项目".into(),
            raw: String::new(),
            col: 0,
            line: 0,
        },
        Cell {
            text: "行次".into(),
            raw: String::new(),
            col: 1,
            line: 0,
        },
        Cell {
            text: "决算数".into(),
            raw: String::new(),
            col: 2,
            line: 0,
        },
        Cell {
            text: "项目".into(),
            raw: String::new(),
            col: 3,
            line: 0,
        },
        Cell {
            text: "行次".into(),
            raw: String::new(),
            col: 4,
            line: 0,
        },
    ];
    head.extend(right_canon.iter().enumerate().map(|(i, c)| Cell {
        text: c.to_string(),
        raw: String::new(),
        col: 5 + i,
        line: 0,
    }));
    grid.rows.push(Row {
        line: 0,
        cells: head,
    });
    for (s, list) in sides.iter().enumerate() {
        for (r, at) in list {
            let base = if s == 0 { 0 } else { 3 };
            let mut cells = Vec::new();
            if let Some(c) = name_cell(&r.name, base) {
                cells.push(c);
            }
            if let Some(t) = r.line_no {
                cells.push(t.cell(base + 1));
            }
            let placed = if s == 0 {
                (0..r.amounts.len()).map(Some).collect()
            } else {
                place(&r.amounts, &anchors)
            };
            let mut extra = 5 + right_canon.len();
            for (t, col) in r.amounts.iter().zip(placed) {
                let col = match (s, col) {
                    (0, Some(0)) => 2,
                    (1, Some(c)) => 5 + c,
                    _ => {
                        extra += 1;
                        extra
                    }
                };
                cells.push(t.cell(col));
            }
            grid.rows.push(Row { line: *at, cells });
        }
    }
    // Rows in text order, left before right on the same line.
    grid.rows[1..].sort_by_key(|r| (r.line, r.cells.first().map(|c| c.col).unwrap_or(0)));
    grid
}

/// A label that reads complete: the functional classes end in 支出, totals
/// in 计 or 合计, carry-overs in 结余; other labels may continue below.
fn ends_label(s: &str) -> bool {
    s.ends_with("支出")
        || s.ends_with('计')
        || s.ends_with("结余")
        || s.ends_with("收入")
        || s.ends_with("拨款")
        || s.ends_with("分配")
}

/// Table 06: two (or three) groups of code, name, amount side by side, each
/// read as one stream down the page, so that a code at the end of a line
/// meets its name and amount on the next.
fn economic(header: &[&Tok], body: &[&[Tok]]) -> Grid {
    let midline = header_x(header, &["经济分类", "科目编码", "科目代码"], 1)
        .map(|x| x / 2)
        .unwrap_or(19)
        .max(8);
    let mut streams: [Vec<Cell>; 2] = [Vec::new(), Vec::new()];
    for line in body {
        let mut on_right = line.first().is_some_and(|t| t.x0 >= midline);
        for t in line.iter() {
            let s = usize::from(on_right);
            streams[s].push(t.cell(streams[s].len()));
            if t.kind == Kind::Amount && !on_right {
                on_right = true;
            }
        }
    }
    let mut grid = Grid::default();
    for cells in streams {
        if let Some(first) = cells.first() {
            grid.rows.push(Row {
                line: first.line,
                cells,
            });
        }
    }
    grid
}

/// Table 09: twelve amounts under 预算数 and 决算数, grouped or interleaved.
fn three_public(header: &[&Tok], body: &[&[Tok]]) -> Grid {
    let halves: Vec<&Tok> = header
        .iter()
        .copied()
        .filter(|t| matches!(squeeze(&t.text).as_str(), "预算数" | "决算数"))
        .collect();
    let interleaved = halves
        .windows(2)
        .filter(|w| squeeze(&w[0].text) == "预算数" && squeeze(&w[1].text) == "决算数")
        .count()
        >= 3;
    let order = three_public_order(interleaved);
    let slots: Vec<Option<usize>> = if interleaved && halves.len() == 12 {
        halves.iter().map(|t| Some(t.center2())).collect()
    } else {
        vec![None; 12]
    };
    let mut grid = Grid::default();
    let head: Vec<Cell> = order
        .iter()
        .enumerate()
        .map(|(i, c)| Cell {
            text: c.to_string(),
            raw: String::new(),
            col: i,
            line: 0,
        })
        .collect();
    grid.rows.push(Row {
        line: 0,
        cells: head,
    });
    for line in body {
        let amounts: Vec<&Tok> = line.iter().filter(|t| t.kind == Kind::Amount).collect();
        if amounts.is_empty() {
            continue;
        }
        let cols = place(&amounts, &slots);
        let cells = amounts
            .iter()
            .zip(cols)
            .map(|(t, c)| t.cell(c.unwrap_or(12 + t.x0)))
            .collect();
        grid.rows.push(Row {
            line: amounts[0].line,
            cells,
        });
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tables::{Unit, describe, read_table};

    fn read(table: Table, doc: &str) -> Vec<String> {
        let t = Text::from_string(doc);
        let g = grid(&t, 0..t.len(), table);
        describe(&read_table(table, &g, Unit::Wan, false).items)
    }

    #[test]
    fn a_coded_table_with_wrapped_names_split_codes_and_a_shifted_page() {
        // An imaginary 农业农村局: the code of 2130104 is split over 类/款/项,
        // a name wraps below its line, another is centred around its code
        // line, and the second page is printed four columns further left.
        let doc = "                     支出决算表\n                                           单位：万元\n          项目\n  功能分类                  本年支出合计      基本支出       项目支出\n               科目名称\n  科目编码\n          合计              130.50      80.25       50.25\n213       农林水支出          130.50      80.25       50.25\n21301     农业农村            110.00      70.00       40.00\n213   01   04   病虫害控制与防治服     40.00       0.00       40.00\n          务\n          行政运\n2130101                       70.00      70.00        0.00\n          行\n\u{c}21399  其他农林水支出   20.50   10.25   10.25\n";
        let got = read(Table::Expenditure, doc);
        assert_eq!(got.len(), 18, "{got:#?}");
        assert!(got.contains(&"|合计|本年支出合计|130.5".to_string()));
        assert!(got.contains(&"|2130104|项目支出|40".to_string()));
        assert!(got.contains(&"|21399|基本支出|10.25".to_string()));
        assert!(got.contains(&"|21399|项目支出|10.25".to_string()));
        let t = Text::from_string(doc);
        let g = grid(&t, 0..t.len(), Table::Expenditure);
        let names: Vec<String> = g
            .rows
            .iter()
            .filter_map(|r| r.cell_at(1).map(|c| c.text.clone()))
            .collect();
        assert!(
            names.contains(&"病虫害控制与防治服务".to_string()),
            "{names:?}"
        );
        assert!(names.contains(&"行政运行".to_string()), "{names:?}");
    }

    #[test]
    fn a_two_sided_table_reads_sides_by_label_and_order() {
        let doc = "               收入                           支出\n          项目        决算数                项目           决算数\n一、一般公共预算财政拨款收入      120.00   一、农林水支出         118.00\n八、其他收入            2.00      二、住房保障支出\n                              三、卫生健康支出                 4.00\n     本年收入合计         122.00          本年支出合计         122.00\n          总计        122.00            总计           122.00\n";
        let got = read(Table::Overview, doc);
        let want = [
            "收入|一般公共预算财政拨款收入|决算数|120",
            "支出|农林水支出|决算数|118",
            "收入|其他收入|决算数|2",
            "支出|卫生健康支出|决算数|4",
            "收入|本年收入合计|决算数|122",
            "支出|本年支出合计|决算数|122",
            "收入|总计|决算数|122",
            "支出|总计|决算数|122",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn economic_groups_as_streams_down_the_page() {
        let doc = "经济分类                              经济分类\n            科目名称       决算数                      科目名称      决算数\n科目编码                              科目编码\n301     工资福利支出          50.00   302     商品和服务支出         6.00\n30101    基本工资            50.00   30201\n                                     办公费                    6.00\n      人员经费合计          50.00       公用经费合计                6.00\n";
        let got = read(Table::GeneralBudgetBasic, doc);
        let want = [
            "|301|决算数|50",
            "|30101|决算数|50",
            "|人员经费合计|决算数|50",
            "|302|决算数|6",
            "|30201|决算数|6",
            "|公用经费合计|决算数|6",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn three_public_interleaved_columns() {
        let doc = "   预算数        决算数   预算数   决算数   预算数        决算数     预算数     决算数     预算数     决算数     预算数     决算数\n     3.00 2.50 1.00 0.80  2.00              1.70    0.00    0.00    2.00    1.70    0.00    0.00\n";
        let got = read(Table::ThreePublic, doc);
        assert!(
            got.contains(&"|三公经费|预算数/合计|3".to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(&"|三公经费|决算数/合计|2.5".to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(&"|三公经费|决算数/因公出国(境)费|0.8".to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(
                &"|三公经费|决算数/公务用车购置及运行维护费/公务用车运行维护费|1.7".to_string()
            ),
            "{got:?}"
        );
    }
}
