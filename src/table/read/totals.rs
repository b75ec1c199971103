//! Cell streams of a coded table whose codes, names and amounts came out in
//! runs of their own (`pdftotext`'s default order, where one table's cells
//! fall into several text flows: the first rows' codes, then header words,
//! then names with their figures, the last rows' codes at the end). Each
//! run keeps the order of the rows; nothing on a line pairs a code with its
//! figures. Where a row's first column is the sum of the others (the caller
//! says so, from the table's identities), the figures part into rows by
//! those sums, and the rows pair with the codes where the codes' hierarchy
//! then adds up.

use std::ops::Range;

use super::stream::{Cells, Token, copy_cell, header_rows};
use crate::amount::{Amount, parse_printed};
use crate::decode::Text;
use crate::table::grid::{CellGrid, CellKind, Layout};

/// A block's rows as [`by_row_totals`] rebuilt them.
pub struct RowsByTotals {
    pub grid: CellGrid,
    /// Lines of the figures that only the order of the runs placed.
    pub by_order: Vec<usize>,
    /// The codes, in the table's order.
    pub codes: Vec<String>,
}

/// The block's rows rebuilt from its runs of codes and figures.
///
/// The figures other than zeros part into rows: the shortest run of them
/// one of which is the sum of the others (to the cent first), that one the
/// row's total (at most `max_figures` in all; a row whose total came after
/// a part is placed by order); where no run does, a row a flow broke in
/// two, its total and first parts here and the rest of its parts together
/// further on (placed by order; the rest looked for nearest on first, then
/// the head longest, see [`Broken`]). A printed zero joins the row of the figure
/// before it, or after it, that has room. The codes are put back together
/// from their parts (`205`, `08`, `03`: a part follows its code with no
/// figure between) and sorted, as the table prints its rows in code order.
/// Where the parts came out too scattered to rejoin, the codes are rebuilt
/// from the rows' levels ([`codes_by_levels`]), or a code list `known` from
/// another table of the document is taken if the block prints exactly its
/// codes or exactly their parts (02, 03 and 05 share their rows). The two
/// pair, the total row first, last or (a flow set it among the rows) the
/// one row whose total is the largest, only where then every code's first
/// figure is the sum of its children's and the total's the sum of the
/// 类's. A row whose code the stream printed right before its figures (its
/// name between) is read at its place, with that name; the others are
/// paired by order alone (`by_order`), their names left to the document's
/// other tables. `None` where anything does not fit.
pub fn by_row_totals(
    text: &Text,
    lines: Range<usize>,
    max_figures: usize,
    known: &[&[String]],
) -> Option<RowsByTotals> {
    [Broken::NearestRest, Broken::LongestHead]
        .into_iter()
        .find_map(|broken| rows_by_totals(text, lines.clone(), max_figures, known, broken))
}

/// Where a row that a flow broke in two is looked for first. Sums across
/// rows mislead either way (a class total is the sum of its 款 totals, a
/// column's too): the row's rest nearest on, or its head (total and first
/// parts together) longest. The codes' hierarchy, adding up or not,
/// decides between the rows each gives.
#[derive(Clone, Copy)]
enum Broken {
    NearestRest,
    LongestHead,
}

fn rows_by_totals(
    text: &Text,
    lines: Range<usize>,
    max_figures: usize,
    known: &[&[String]],
    broken: Broken,
) -> Option<RowsByTotals> {
    let cells = Cells::of(text, lines);
    let (src, tokens) = (&cells.grid, &cells.tokens);
    let txt = |i: usize| src.text(&src.cells[i]);
    let first = tokens
        .iter()
        .position(|t| matches!(t, Token::Code | Token::Amount))?;
    // The total row's label: one right before its figures if printed so.
    let labels: Vec<usize> = (0..tokens.len())
        .filter(|&i| matches!(txt(i), "合计" | "总计"))
        .collect();
    let total_label = labels
        .iter()
        .copied()
        .find(|&i| tokens.get(i + 1) == Some(&Token::Amount))
        .or_else(|| labels.last().copied())?;

    // Page furniture (`第 8 页`, `- 8 -`) and the table's number over it
    // (`公开 02 表`) print digits that are no part.
    let furniture = |i: usize| {
        let line = text.raw_line(src.cells[i].line as usize);
        line.contains('页') || line.contains('表') || line.trim().starts_with('-')
    };
    // Codes, each with its cells.
    let mut codes: Vec<(String, Vec<usize>)> = Vec::new();
    // Every code and part printed, for a code list from elsewhere.
    let mut printed: Vec<&str> = Vec::new();
    let mut open = false;
    // A part may come out before the first code (with the header's words).
    for (i, &token) in tokens.iter().enumerate().take(first) {
        if token == Token::Other && txt(i).len() == 2 && !furniture(i) {
            printed.push(txt(i));
        }
    }
    for (i, &token) in tokens.iter().enumerate().skip(first) {
        match token {
            Token::Code => {
                codes.push((txt(i).to_string(), vec![i]));
                printed.push(txt(i));
                open = true;
            }
            Token::Other if txt(i).len() == 2 && !furniture(i) => {
                printed.push(txt(i));
                match codes.last_mut() {
                    Some((code, parts)) if open && code.len() < 7 => {
                        code.push_str(txt(i));
                        parts.push(i);
                    }
                    _ => open = false,
                }
            }
            Token::Other | Token::Amount => open = false,
            Token::Text | Token::Heading => {}
        }
    }
    codes.sort_by(|a, b| a.0.cmp(&b.0));
    let own = codes.len() >= 2 && codes.windows(2).all(|w| w[0].0 != w[1].0);

    // Figures, parted into rows by their sums.
    let figures: Vec<(usize, Amount)> = (first..tokens.len())
        .filter(|&i| tokens[i] == Token::Amount)
        .map(|i| parse_printed(txt(i)).map(|p| (i, p.value)))
        .collect::<Option<_>>()?;
    // Rows part on the figures that are not zero: a printed zero adds to no
    // sum, and streams print a row's zeros apart from its other figures
    // (its blank columns in a flow of their own) as often as with them.
    let nonzero: Vec<usize> = (0..figures.len())
        .filter(|&x| !figures[x].1.is_zero())
        .collect();
    // Each figure's row, by its place in `figures`.
    let mut owner: Vec<Option<usize>> = vec![None; figures.len()];
    // Each row's figures (places in `figures`), its total first.
    let mut parted: Vec<Vec<usize>> = Vec::new();
    // The totals of rows that printed them after a part, or whose parts a
    // flow broke off (another row's figures between): their figures are
    // placed by order.
    let mut reordered: Vec<usize> = Vec::new();
    // The place in `run` of the figure that is the sum of the others (to
    // the cent where `exact`, else within rounding), the first preferred.
    let row_total = |run: &[usize], exact: bool| -> Option<usize> {
        let all = run.iter().fold(Amount::ZERO, |a, &x| a + figures[x].1);
        (run.len() >= 2)
            .then(|| {
                run.iter().position(|&x| {
                    let (others, f) = (all - figures[x].1, figures[x].1);
                    if exact {
                        others == f
                    } else {
                        Amount::sums_to(others, f, 2, run.len() - 1)
                    }
                })
            })
            .flatten()
    };
    // The figures not yet in a row, from the first on.
    let mut free = nonzero;
    while !free.is_empty() {
        let most = max_figures.min(free.len());
        // The shortest run of figures that makes a row, one that adds up to
        // the cent first (a part of a cent is a part, not rounding).
        let mut found: Option<(Vec<usize>, usize)> = [true, false].into_iter().find_map(|exact| {
            (2..=most)
                .find_map(|len| row_total(&free[..len], exact).map(|j| (free[..len].to_vec(), j)))
        });
        if found.is_none() {
            // A row that a flow broke in two (pdftotext's default order
            // printing the next rows' figures, or a later column's flow,
            // between): its total and first parts here, the rest of its
            // parts together further on.
            let heads: Vec<(usize, usize)> = match broken {
                Broken::NearestRest => (2..free.len())
                    .flat_map(|start| (1..most.min(start)).map(move |first| (first, start)))
                    .collect(),
                Broken::LongestHead => (1..most.min(free.len().saturating_sub(1)))
                    .rev()
                    .flat_map(|first| (first + 1..free.len()).map(move |start| (first, start)))
                    .collect(),
            };
            'split: for (first, start) in heads {
                for rest in 1..=(most - first).min(free.len() - start) {
                    let mut run = free[..first].to_vec();
                    run.extend_from_slice(&free[start..start + rest]);
                    if row_total(&run, false) == Some(0) {
                        found = Some((run, 0));
                        break 'split;
                    }
                }
            }
            if let Some((run, _)) = &found {
                reordered.push(figures[run[0]].0);
            }
        }
        let (run, j) = found?;
        if j != 0 {
            reordered.push(figures[run[j]].0);
        }
        for &x in &run {
            owner[x] = Some(parted.len());
        }
        free.retain(|&x| owner[x].is_none());
        let mut row = vec![run[j]];
        row.extend(
            run.iter()
                .enumerate()
                .filter(|&(x, _)| x != j)
                .map(|(_, &x)| x),
        );
        parted.push(row);
    }
    // A printed zero is a blank column of the row of the figure before it
    // (or, that row full, after it), in its printed place among the parts;
    // a zero no row has room for is left out (counted among the block's
    // figures not read).
    for z in (0..figures.len()).filter(|&x| figures[x].1.is_zero()) {
        let before = (0..z)
            .rev()
            .find_map(|x| owner[x].filter(|_| !figures[x].1.is_zero()));
        let after =
            (z + 1..figures.len()).find_map(|x| owner[x].filter(|_| !figures[x].1.is_zero()));
        if let Some(r) = [before, after]
            .into_iter()
            .flatten()
            .find(|&r| parted[r].len() < max_figures)
        {
            let parts = &mut parted[r];
            let at = (1..parts.len())
                .find(|&k| parts[k] > z)
                .unwrap_or(parts.len());
            parts.insert(at, z);
            owner[z] = Some(r);
        }
    }
    let rows: Vec<Vec<usize>> = parted
        .iter()
        .map(|r| r.iter().map(|&x| figures[x].0).collect())
        .collect();
    // Each figure's value by its cell.
    let values: rustc_hash::FxHashMap<usize, Amount> = figures.iter().copied().collect();
    let value = |row: &[usize]| values[&row[0]];
    // The rows but the total row's, at `total` among them.
    let coded_of = |total: usize| -> Vec<&[usize]> {
        rows.iter()
            .enumerate()
            .filter(|&(i, _)| i != total)
            .map(|(_, r)| r.as_slice())
            .collect()
    };
    // Where the total row may be printed: first, last, or, a flow having
    // set it among the rows (pdftotext's default order), the one row whose
    // total is the largest (every other sums into it).
    let total_places: Vec<usize> = {
        let n = rows.len().saturating_sub(1);
        let mut at = vec![0, n];
        let top = rows.iter().map(|r| value(r)).max();
        let tops: Vec<usize> = (0..rows.len())
            .filter(|&i| Some(value(&rows[i])) == top)
            .collect();
        if let [m] = tops[..]
            && m != 0
            && m != n
        {
            at.push(m);
        }
        at
    };
    // Where `list` pairs with the rows: the total row's place among them.
    let pairs = |list: &[&str]| -> Option<usize> {
        if rows.len() != list.len() + 1 {
            return None;
        }
        let adds_up = |coded: &[&[usize]], total: &[usize]| {
            let of = |c: &str| list.iter().position(|&code| code == c);
            let mut classes = (Amount::ZERO, 0);
            for (k, code) in list.iter().enumerate() {
                if code.len() > 3 && of(&code[..code.len() - 2]).is_none() {
                    return false;
                }
                if code.len() == 3 {
                    classes.0 += value(coded[k]);
                    classes.1 += 1;
                }
                let children: Vec<Amount> = list
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.len() == code.len() + 2 && c.starts_with(code))
                    .map(|(j, _)| value(coded[j]))
                    .collect();
                if !children.is_empty() {
                    let sum = children.iter().fold(Amount::ZERO, |a, &b| a + b);
                    if !Amount::sums_to(sum, value(coded[k]), 2, children.len()) {
                        return false;
                    }
                }
            }
            Amount::sums_to(classes.0, value(total), 2, classes.1)
        };
        let n = list.len();
        // Where both add up (equal figures), the total label printed right
        // before the last row's figures says it is last.
        let last_hint = tokens.get(total_label + 1) == Some(&Token::Amount)
            && rows[n].first() == Some(&(total_label + 1));
        let first = adds_up(&coded_of(0), &rows[0]);
        let last = adds_up(&coded_of(n), &rows[n]);
        match (first, last) {
            (true, true) => Some(if last_hint { n } else { 0 }),
            (true, false) => Some(0),
            (false, true) => Some(n),
            (false, false) => total_places
                .iter()
                .skip(2)
                .copied()
                .find(|&m| adds_up(&coded_of(m), &rows[m])),
        }
    };
    let own_list: Vec<&str> = codes.iter().map(|(c, _)| c.as_str()).collect();
    // The codes rebuilt from the rows' levels (the total row first, then
    // last), where the parts came out too scattered to rejoin.
    let by_levels: Vec<Vec<String>>;
    let (list, total_at, own): (Vec<&str>, usize, bool) =
        match own.then(|| pairs(&own_list)).flatten() {
            Some(first) => (own_list, first, true),
            None => {
                // A list from elsewhere, if the block prints exactly its codes,
                // or exactly its 类 and parts.
                let mut printed = printed;
                printed.sort_unstable();
                let mut found = None;
                for list in known {
                    let whole: Vec<&str> = list.iter().map(String::as_str).collect();
                    let mut full = whole.clone();
                    full.sort_unstable();
                    let mut parted: Vec<&str> = whole
                        .iter()
                        .flat_map(|c| {
                            std::iter::once(&c[..3.min(c.len())])
                                .chain((3..c.len()).step_by(2).map(|k| &c[k..(k + 2).min(c.len())]))
                        })
                        .collect();
                    parted.sort_unstable();
                    if (printed == full || printed == parted)
                        && let Some(first) = pairs(&whole)
                    {
                        found = Some((whole, first, false));
                        break;
                    }
                }
                match found {
                    Some(found) => found,
                    None => {
                        // Else the codes rebuilt from the rows' levels, the
                        // total row first or last.
                        let mut classes = Vec::new();
                        let mut parts = Vec::new();
                        for (i, &token) in tokens.iter().enumerate() {
                            match token {
                                Token::Code if txt(i).len() == 3 => classes.push((i, txt(i))),
                                // A whole code printed: the parts are not all.
                                Token::Code => return None,
                                Token::Other if txt(i).len() == 2 && !furniture(i) => {
                                    parts.push((i, txt(i)))
                                }
                                _ => {}
                            }
                        }
                        // A total row and two coded rows at least.
                        if rows.len() < 3 {
                            return None;
                        }
                        by_levels = total_places
                            .iter()
                            .filter_map(|&m| {
                                let values: Vec<Amount> =
                                    coded_of(m).iter().map(|r| value(r)).collect();
                                codes_by_levels(&classes, &parts, &values, &own_list)
                            })
                            .collect();
                        let list: Vec<&str> = by_levels
                            .iter()
                            .map(|l| l.iter().map(String::as_str).collect::<Vec<_>>())
                            .find(|l| pairs(l).is_some())?;
                        let first = pairs(&list)?;
                        (list, first, false)
                    }
                }
            }
        };

    // Cells from `from` (exclusive) to `to`: a name where all are words.
    let between = |from: usize, to: usize| -> Option<Range<usize>> {
        (from < to && (from + 1..to).all(|i| matches!(tokens[i], Token::Text)))
            .then_some(from + 1..to)
    };
    let mut out = CellGrid::new(Layout::Ordered);
    let mut at = 0u32;
    header_rows(src, 0..first, Some(total_label), &mut out, &mut at);
    let mut by_order = Vec::new();
    let line_of = |i: usize| src.cells[i].line as usize;
    let mut emit = |out: &mut CellGrid, key: Option<&[usize]>, code: &str, row: &[usize]| {
        at += 1;
        out.set_row(at);
        match key {
            Some(key) => {
                for &k in key {
                    copy_cell(src, out, k);
                }
            }
            // A code from elsewhere, on its figures' line.
            None => {
                let c = &src.cells[row[0]];
                out.push(
                    code,
                    code,
                    line_of(row[0]),
                    c.x,
                    c.xd,
                    None,
                    Some(CellKind::Digits),
                );
            }
        }
        match key.and_then(|key| between(*key.last().expect("a key cell"), row[0])) {
            Some(name) if !reordered.contains(&row[0]) => name.for_each(|i| copy_cell(src, out, i)),
            _ => by_order.extend(row.iter().map(|&i| line_of(i))),
        }
        for &i in row {
            copy_cell(src, out, i);
        }
    };
    let mut k = 0;
    for (i, row) in rows.iter().enumerate() {
        if i == total_at {
            emit(&mut out, Some(&[total_label]), "", row);
        } else {
            let key = own.then(|| codes[k].1.as_slice());
            emit(&mut out, key, list[k], row);
            k += 1;
        }
    }
    let codes = list.iter().map(|c| c.to_string()).collect();
    Some(RowsByTotals {
        grid: out,
        by_order,
        codes,
    })
}

/// Most steps [`codes_by_levels`] takes to share a class's parts among its
/// rows; beyond it the codes are not rebuilt.
const LEVEL_STEPS: usize = 20_000;

/// A coded table's codes where its 类, 款 and 项 columns came out as streams
/// scattered beyond rejoining (a part printed far from its row): every row
/// prints its 类 (`classes`, one per row, in any order) and its 款 and 项
/// parts (`parts`); `values` are the rows' totals in the table's order,
/// which is the codes' order. Each class's rows are its first rows in order,
/// the class row first; the others are 款 rows each followed by its 项
/// rows, where each total is the sum of its children's, the one way they
/// add up. The parts printed after a class's code (before another's) are
/// its; parts printed before any class code go, in order, to the classes
/// short of parts. A class's parts are then shared among its rows the one
/// way they can be (a 款 part once on its row and once on each 项 row, the
/// parts rising); where two 款 rows with 项 rows share theirs more than one
/// way, the way that keeps the most of the codes the stream's parts
/// rejoined to (`rejoined`: most rows' parts print together), where one
/// keeps more than any other. `None` where anything is not the one way.
fn codes_by_levels(
    classes: &[(usize, &str)],
    parts: &[(usize, &str)],
    values: &[Amount],
    rejoined: &[&str],
) -> Option<Vec<String>> {
    let n = values.len();
    if classes.len() != n {
        return None;
    }
    let mut sorted: Vec<&str> = classes.iter().map(|c| c.1).collect();
    sorted.sort_unstable();
    // Each class's rows, as a range of `values`.
    let mut groups: Vec<(&str, Range<usize>)> = Vec::new();
    let mut s = 0;
    while s < n {
        let e = s + sorted[s..].iter().take_while(|&&c| c == sorted[s]).count();
        groups.push((sorted[s], s..e));
        s = e;
    }
    // Parts by the class code printed last before them.
    let mut own: Vec<Vec<&str>> = vec![Vec::new(); groups.len()];
    let mut pool: Vec<&str> = Vec::new();
    for &(at, part) in parts {
        match classes.iter().filter(|c| c.0 < at).max_by_key(|c| c.0) {
            Some(c) => own[groups.iter().position(|g| g.0 == c.1)?].push(part),
            None => pool.push(part),
        }
    }
    // Each class's levels: per 款 row, its place and its 项 rows' count.
    let mut levels: Vec<Vec<(usize, usize)>> = Vec::new();
    for (_, rows) in &groups {
        let mut found = Vec::new();
        let mut steps = 0;
        class_levels(
            values,
            rows.clone(),
            rows.start + 1,
            &mut Vec::new(),
            &mut found,
            &mut steps,
        );
        if found.len() != 1 || steps > LEVEL_STEPS {
            return None;
        }
        levels.push(found.pop().expect("one way"));
    }
    // The pool to the classes short of parts, in order.
    let mut pool = pool.into_iter();
    for (k, kuan) in levels.iter().enumerate() {
        let need: usize = kuan.iter().map(|&(_, kids)| 1 + 2 * kids).sum();
        while own[k].len() < need {
            own[k].push(pool.next()?);
        }
        if own[k].len() != need {
            return None;
        }
    }
    if pool.next().is_some() {
        return None;
    }
    let mut list = Vec::with_capacity(n);
    let mut steps = 0;
    for ((class, _), (kuan, mut parts)) in groups.iter().zip(levels.iter().zip(own)) {
        parts.sort_unstable();
        let mut ways: Vec<Vec<String>> = Vec::new();
        share(
            &kuan.iter().map(|k| k.1).collect::<Vec<_>>(),
            &parts,
            "",
            &mut Vec::new(),
            &mut ways,
            &mut steps,
        );
        if steps > LEVEL_STEPS || ways.len() > MAX_WAYS {
            return None;
        }
        // Of several ways, the one that keeps the most codes the stream's
        // parts rejoined to, where one keeps more than any other.
        let kept = |way: &Vec<String>| {
            way.iter()
                .filter(|row| rejoined.contains(&format!("{class}{row}").as_str()))
                .count()
        };
        let best = ways.iter().map(kept).max()?;
        let mut best_ways = ways.iter().filter(|w| kept(w) == best);
        let way = best_ways.next()?;
        if best_ways.next().is_some() {
            return None;
        }
        list.push(class.to_string());
        for row in way {
            list.push(format!("{class}{row}"));
        }
    }
    list.windows(2).all(|w| w[0] < w[1]).then_some(list)
}

/// The ways the rows `rows` of a class (its class row first, then 款 rows
/// each followed by its 项 rows) add up, from row `at` on with the 款 rows
/// `kuan` (place, 项 rows) so far: each 款 total the sum of its 项 rows',
/// the class total the sum of its 款 rows'. Sums already past their total
/// are cut (a table's figures here are not negative); two ways are enough
/// to stop.
fn class_levels(
    values: &[Amount],
    rows: Range<usize>,
    at: usize,
    kuan: &mut Vec<(usize, usize)>,
    found: &mut Vec<Vec<(usize, usize)>>,
    steps: &mut usize,
) {
    *steps += 1;
    if found.len() > 1 || *steps > LEVEL_STEPS {
        return;
    }
    let sum = |vals: &mut dyn Iterator<Item = Amount>| vals.fold(Amount::ZERO, |a, b| a + b);
    // The last 款 row's 项 rows: none, or adding up to it (so far: not past).
    let open_fits = |kuan: &[(usize, usize)], done: bool| {
        kuan.last().is_none_or(|&(k, kids)| {
            let parts = sum(&mut values[k + 1..=k + kids].iter().copied());
            kids == 0
                || if done {
                    Amount::sums_to(parts, values[k], 2, kids)
                } else {
                    parts <= values[k] + Amount::rounding_allowance(2, kids)
                }
        })
    };
    let classes_sum = |kuan: &[(usize, usize)]| sum(&mut kuan.iter().map(|k| values[k.0]));
    let total = values[rows.start];
    if at == rows.end {
        if open_fits(kuan, true)
            && (kuan.is_empty() || Amount::sums_to(classes_sum(kuan), total, 2, kuan.len()))
        {
            found.push(kuan.clone());
        }
        return;
    }
    // Row `at` a 项 row of the last 款 row.
    if let Some(last) = kuan.last_mut() {
        last.1 += 1;
        if open_fits(kuan, false) {
            class_levels(values, rows.clone(), at + 1, kuan, found, steps);
        }
        kuan.last_mut().expect("the same").1 -= 1;
    }
    // Row `at` a 款 row of its own: the last one's 项 rows are complete.
    if open_fits(kuan, true) {
        kuan.push((at, 0));
        if classes_sum(kuan) <= total + Amount::rounding_allowance(2, kuan.len()) {
            class_levels(values, rows, at + 1, kuan, found, steps);
        }
        kuan.pop();
    }
}

/// Most ways a class's parts may share among its rows for
/// [`codes_by_levels`] to choose among.
const MAX_WAYS: usize = 64;

/// The ways the sorted parts `left` share among 款 rows with `kids` 项 rows
/// each (in order, the 款 parts rising above `after`): each 款 part once on
/// its row and once on each of its 项 rows, the 项 parts rising. Collects
/// the distinct ways' row codes (past [`MAX_WAYS`], one more, to stop).
fn share(
    kids: &[usize],
    left: &[&str],
    after: &str,
    rows: &mut Vec<String>,
    ways: &mut Vec<Vec<String>>,
    steps: &mut usize,
) {
    *steps += 1;
    if ways.len() > MAX_WAYS || *steps > LEVEL_STEPS {
        return;
    }
    let Some((&x, rest)) = kids.split_first() else {
        // The same codes from equal parts at other places are one way.
        if left.is_empty() && !ways.contains(rows) {
            ways.push(rows.clone());
        }
        return;
    };
    let mut values: Vec<&str> = left.to_vec();
    values.dedup();
    for kuan in values.into_iter().filter(|&k| k > after) {
        // The 款 part, 1 + x times.
        let mut pool: Vec<&str> = left.to_vec();
        let mut ok = true;
        for _ in 0..=x {
            match pool.iter().position(|&p| p == kuan) {
                Some(i) => {
                    pool.remove(i);
                }
                None => ok = false,
            }
        }
        if !ok {
            continue;
        }
        // The 项 parts: every rising choice of x from what is left.
        let mut picks: Vec<usize> = Vec::new();
        choose(&pool, x, 0, &mut picks, &mut |picked: &[usize]| {
            let items: Vec<&str> = picked.iter().map(|&i| pool[i]).collect();
            if items.windows(2).any(|w| w[0] >= w[1]) {
                return;
            }
            let rest_pool: Vec<&str> = (0..pool.len())
                .filter(|i| !picked.contains(i))
                .map(|i| pool[i])
                .collect();
            let mark = rows.len();
            rows.push(kuan.to_string());
            rows.extend(items.iter().map(|y| format!("{kuan}{y}")));
            share(rest, &rest_pool, kuan, rows, ways, steps);
            rows.truncate(mark);
        });
    }
}

/// Calls `f` with every choice of `k` places of `pool` from `from` on.
fn choose(
    pool: &[&str],
    k: usize,
    from: usize,
    picks: &mut Vec<usize>,
    f: &mut dyn FnMut(&[usize]),
) {
    if picks.len() == k {
        f(picks);
        return;
    }
    for i in from..pool.len() {
        picks.push(i);
        choose(pool, k, i + 1, picks, f);
        picks.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each rebuilt row's texts joined by spaces, and the lines (1-based)
    /// placed by order.
    fn rebuilt(
        doc: &str,
        max_figures: usize,
        known: &[&[String]],
    ) -> Option<(Vec<String>, Vec<usize>)> {
        let t = Text::from_string(doc);
        let r = by_row_totals(&t, 0..t.len(), max_figures, known)?;
        let rows = super::super::stream::tests::texts(&r.grid);
        let mut lines: Vec<usize> = r.by_order.iter().map(|l| l + 1).collect();
        lines.sort_unstable();
        lines.dedup();
        Some((rows, lines))
    }

    /// The first rows' codes before the header's last words, then names with
    /// their figures (blank cells gone), the last rows' codes with theirs:
    /// rows part at their sums, codes rejoin from their parts and sort, and
    /// only a code printed right before its figures reads them at its place.
    #[test]
    fn codes_and_figures_in_runs_of_their_own_pair_where_the_hierarchy_adds_up() {
        let doc = "科目编码\n类\n款\n201\n201\n03\n201\n03\n01\n205\n科目名称\n小计\n基本支出\n\
                   合计\n9.00\n6.00\n3.00\n一般公共服务支出\n4.00\n4.00\n政府办公厅事务\n4.00\n4.00\n\
                   行政运行\n4.00\n4.00\n教育支出\n5.00\n2.00\n3.00\n205\n02\n普通教育\n5.00\n2.00\n3.00\n\
                   205\n02\n03\n小学教育\n5.00\n2.00\n3.00\n";
        let (rows, by_order) = rebuilt(doc, 3, &[]).unwrap();
        assert_eq!(
            rows,
            vec![
                "科目编码",
                "类",
                "款",
                "合计 9.00 6.00 3.00",
                "201 4.00 4.00",
                "201 03 4.00 4.00",
                "201 03 01 4.00 4.00",
                "205 5.00 2.00 3.00",
                "205 02 普通教育 5.00 2.00 3.00",
                "205 02 03 小学教育 5.00 2.00 3.00",
            ]
        );
        // 201, 20103, 2010301 and 205 by order; 合计, 20502 and 2050203
        // at their place.
        assert_eq!(by_order, vec![19, 20, 22, 23, 25, 26, 28, 29, 30]);
    }

    /// Printed zeros stay with their row; the total row may come last.
    #[test]
    fn zeros_stay_with_their_row_and_the_total_may_come_last() {
        let doc = "科目编码\n201\n20103\n2010301\n4.00\n4.00\n0.00\n4.00\n4.00\n0.00\n\
                   4.00\n4.00\n0.00\n合计\n4.00\n4.00\n0.00\n";
        let (rows, _) = rebuilt(doc, 3, &[]).unwrap();
        assert_eq!(
            rows,
            vec![
                "科目编码",
                "201 4.00 4.00 0.00",
                "20103 4.00 4.00 0.00",
                "2010301 4.00 4.00 0.00",
                "合计 4.00 4.00 0.00",
            ]
        );
    }

    /// A row whose total came out after its parts (a flow broke the row)
    /// is still a row, its total put first, and placed by order though its
    /// code stands right before it.
    #[test]
    fn a_total_printed_after_its_parts_still_closes_its_row() {
        let doc =
            "科目编码\n合计\n9.00\n6.00\n3.00\n201\n6.00\n3.00\n9.00\n20101\n6.00\n3.00\n9.00\n";
        let (rows, by_order) = rebuilt(doc, 3, &[]).unwrap();
        assert_eq!(
            rows,
            vec![
                "科目编码",
                "合计 9.00 6.00 3.00",
                "201 9.00 6.00 3.00",
                "20101 9.00 6.00 3.00"
            ]
        );
        assert_eq!(by_order, vec![7, 8, 9, 11, 12, 13]);
    }

    /// A row a flow broke in two (pdftotext printing the total's first
    /// figure, then the next row's, then the total's other two): its rest is
    /// the nearest run further on that completes its sum, and the row is
    /// placed by order.
    #[test]
    fn a_row_broken_by_another_row_s_figures_is_joined_again() {
        let doc = |rest: &str| {
            format!("科目编码\n合计\n9.00\n201\n5.00\n3.00\n2.00\n{rest}\n205\n4.00\n3.00\n1.00\n")
        };
        let (rows, by_order) = rebuilt(&doc("6.00\n3.00"), 3, &[]).unwrap();
        assert_eq!(
            rows,
            vec![
                "科目编码",
                "合计 9.00 6.00 3.00",
                "201 5.00 3.00 2.00",
                "205 4.00 3.00 1.00"
            ]
        );
        // The total's three figures by order; 201 and 205 at their place.
        assert_eq!(by_order, vec![3, 8, 9]);
        // A rest that completes the total's sum nowhere: nothing pairs.
        assert_eq!(rebuilt(&doc("6.00\n2.00"), 3, &[]), None);
    }

    /// A class row whose last figure a flow set after the table (its other
    /// two printed together): the nearest run that completes its sum is
    /// its two 款 totals, which the codes' hierarchy then does not take;
    /// the rows that keep its first two figures together do add up.
    #[test]
    fn a_broken_row_whose_nearest_rest_is_its_children_s_totals_keeps_its_head() {
        let doc = "科目编码\n212\n212\n01\n212\n01\n04\n212\n02\n212\n02\n01\n科目名称\n\
                   合计\n339.24\n310.40\n28.84\n城乡社区支出\n339.24\n310.40\n\
                   城乡社区管理事务\n192.66\n192.66\n城管执法\n192.66\n192.66\n\
                   城乡社区规划与管理\n146.58\n117.74\n28.84\n规划与管理\n146.58\n117.74\n28.84\n\
                   28.84\n";
        let (rows, _) = rebuilt(doc, 3, &[]).unwrap();
        let coded: Vec<&String> = rows.iter().filter(|r| r.contains('.')).collect();
        assert_eq!(
            coded,
            vec![
                "合计 339.24 310.40 28.84",
                "212 339.24 310.40 28.84",
                "212 01 192.66 192.66",
                "212 01 04 192.66 192.66",
                "212 02 146.58 117.74 28.84",
                "212 02 01 146.58 117.74 28.84",
            ]
        );
    }

    /// The total row's figures set among the coded rows' (a flow of
    /// pdftotext's default order): the one row whose total is the largest
    /// is the total row where the others then add up to it.
    #[test]
    fn a_total_row_printed_among_the_rows_is_the_largest_that_sums_them() {
        let doc = "科目编码\n201\n20101\n205\n20501\n4.00\n4.00\n4.00\n4.00\n合计\n9.00\n9.00\n\
                   5.00\n5.00\n5.00\n5.00\n";
        let (rows, _) = rebuilt(doc, 2, &[]).unwrap();
        let figures: Vec<&String> = rows.iter().filter(|r| r.contains('.')).collect();
        assert_eq!(
            figures,
            vec![
                "201 4.00 4.00",
                "20101 4.00 4.00",
                "合计 9.00 9.00",
                "205 5.00 5.00",
                "20501 5.00 5.00",
            ]
        );
        // Where the rows do not add up to it, nothing pairs.
        let doc = doc.replace("9.00\n9.00", "8.00\n8.00");
        assert_eq!(rebuilt(&doc, 2, &[]), None);
    }

    /// The table's number printed over it (`公开 02 表`) is no code part:
    /// the block prints exactly another table's code list all the same.
    #[test]
    fn the_table_s_number_over_it_is_no_code_part() {
        let body = "科目编码\n03\n201\n201\n合计\n4.00\n4.00\n4.00\n4.00\n4.00\n4.00\n\
                    201\n03\n01\n4.00\n4.00\n";
        let list: Vec<String> = ["201", "20103", "2010301"].map(String::from).to_vec();
        let (rows, _) = rebuilt(&format!("公开 02 表\n{body}"), 2, &[&list]).unwrap();
        let coded: Vec<&String> = rows.iter().filter(|r| r.contains('.')).collect();
        assert_eq!(
            coded,
            vec![
                "合计 4.00 4.00",
                "201 4.00 4.00",
                "20103 4.00 4.00",
                "2010301 4.00 4.00"
            ]
        );
    }

    /// Zeros printed apart from their row's other figures (a blank column's
    /// flow after the rows) part no row of their own: they go to the row
    /// before them with room. A part of a cent is a part: the row that adds
    /// up to the cent is taken before a shorter one within rounding.
    #[test]
    fn zeros_printed_apart_join_a_row_and_a_cent_is_a_part() {
        let doc = "科目编码\n合计\n9.00\n6.00\n3.00\n201\n6.00\n6.00\n205\n3.00\n3.00\n\
                   0.00\n0.00\n";
        let (rows, _) = rebuilt(doc, 3, &[]).unwrap();
        assert_eq!(
            rows,
            vec![
                "科目编码",
                "合计 9.00 6.00 3.00",
                "201 6.00 6.00",
                "205 3.00 3.00 0.00"
            ]
        );
        let doc = "科目编码\n合计\n5.00\n4.99\n0.01\n201\n5.00\n4.99\n0.01\n20101\n\
                   5.00\n4.99\n0.01\n";
        let (rows, _) = rebuilt(doc, 3, &[]).unwrap();
        assert_eq!(
            rows,
            vec![
                "科目编码",
                "合计 5.00 4.99 0.01",
                "201 5.00 4.99 0.01",
                "20101 5.00 4.99 0.01"
            ]
        );
    }

    /// Parts scattered beyond rejoining and no other table to lend its
    /// codes (two 款 parts printed before every code, the 类 codes a row
    /// each): the rows' levels come from their sums (208's 款 holds its 项,
    /// 207's 款 none), the parts each level takes from the class's own and
    /// the early ones, and every row is placed by order with its code.
    #[test]
    fn scattered_parts_are_shared_by_the_levels_the_sums_give() {
        let doc = "科目编码\n05\n05\n合计\n9.00\n6.00\n3.00\n4.00\n4.00\n4.00\n4.00\n\
                   5.00\n2.00\n3.00\n5.00\n2.00\n3.00\n5.00\n2.00\n3.00\n\
                   207\n207\n02\n208\n208\n208\n05\n";
        let (rows, by_order) = rebuilt(doc, 3, &[]).unwrap();
        let coded: Vec<&String> = rows.iter().filter(|r| r.contains(".00")).collect();
        assert_eq!(
            coded,
            vec![
                "合计 9.00 6.00 3.00",
                "207 4.00 4.00",
                "20702 4.00 4.00",
                "208 5.00 2.00 3.00",
                "20805 5.00 2.00 3.00",
                "2080505 5.00 2.00 3.00",
            ]
        );
        assert_eq!(by_order.len(), 13);
        // Parts that two codings share alike (01 0103 02 0204, or 01 0104
        // 02 0203) rebuild nothing.
        let doc = "科目编码\n01\n合计\n8.00\n8.00\n8.00\n8.00\n4.00\n4.00\n4.00\n4.00\n\
                   4.00\n4.00\n4.00\n4.00\n208\n208\n208\n208\n208\n01\n02\n02\n03\n04\n";
        assert_eq!(rebuilt(doc, 2, &[]), None);
        // The same parts where the stream printed most rows' parts together
        // (20801, 2080103, 2080204; 20802's part early): the way that keeps
        // those codes.
        let doc = "科目编码\n02\n合计\n8.00\n8.00\n8.00\n8.00\n4.00\n4.00\n4.00\n4.00\n\
                   4.00\n4.00\n4.00\n4.00\n208\n208\n01\n208\n01\n03\n208\n208\n02\n04\n";
        let (rows, _) = rebuilt(doc, 2, &[]).unwrap();
        let codes: Vec<&str> = rows
            .iter()
            .filter(|r| r.contains(".00") && !r.starts_with('合'))
            .map(|r| r.split(' ').next().unwrap())
            .collect();
        assert_eq!(codes, vec!["208", "20801", "2080103", "20802", "2080204"]);
    }

    /// Rows whose sums do not make the hierarchy add up (a figure out of
    /// its row's order) are not paired at all.
    #[test]
    fn a_hierarchy_that_does_not_add_up_pairs_nothing() {
        let doc = "科目编码\n201\n20103\n2010301\n2010302\n合计\n9.00\n9.00\n\
                   9.00\n9.00\n5.00\n5.00\n9.00\n9.00\n4.00\n4.00\n";
        assert_eq!(rebuilt(doc, 2, &[]), None);
        // Figures that part into no rows (a row's parts overshoot it).
        let doc = "科目编码\n201\n20103\n合计\n4.00\n5.00\n4.00\n4.00\n4.00\n4.00\n";
        assert_eq!(rebuilt(doc, 3, &[]), None);
    }

    /// Parts scattered beyond rejoining (a 项 before its 款's code): the
    /// rows' levels share them out (or the code list of another table is
    /// taken where the block prints exactly its 类 and parts), every row
    /// then placed by order with its code.
    #[test]
    fn scattered_parts_take_another_table_s_code_list_that_they_print_exactly() {
        let doc = "科目编码\n03\n201\n201\n合计\n4.00\n4.00\n4.00\n4.00\n4.00\n4.00\n\
                   201\n03\n01\n4.00\n4.00\n";
        let list: Vec<String> = ["201", "20103", "2010301"].map(String::from).to_vec();
        let (rows, by_order) = rebuilt(doc, 2, &[&list]).unwrap();
        assert_eq!(rebuilt(doc, 2, &[]), Some((rows.clone(), by_order.clone())));
        assert_eq!(
            rows,
            vec![
                "科目编码",
                "03",
                "合计 4.00 4.00",
                "201 4.00 4.00",
                "20103 4.00 4.00",
                "2010301 4.00 4.00",
            ]
        );
        // 合计 at its place (its label right before its figures), the
        // three coded rows by order.
        assert_eq!(by_order.len(), 6);
        // A list the block does not print exactly is not taken.
        let other: Vec<String> = ["201", "20103", "2010302"].map(String::from).to_vec();
        assert_eq!(rebuilt(doc, 2, &[&other]), Some((rows, by_order)));
    }
}
