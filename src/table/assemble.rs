//! A [`CellGrid`] read as one of the nine tables: rows with their code, label
//! and amounts, and for each amount the columns it can be in.
//!
//! The assembler decides what geometry decides: which lines are headers,
//! which cells make a row (codes printed in parts, names wrapped above or
//! below, amounts on a line of their own), which side or panel a cell is on,
//! and which canonical column a header stands for. Where geometry cannot
//! say which column an amount is in (flat text prints no blank cells, a page
//! without its header), the amount keeps a set of columns, and the solver
//! decides with the identities.

use crate::amount::{Amount, Printed, parse_printed};
use crate::text::{compact_cjk, split_enumerator, squeeze};
use crate::vocab::{self, FUNCTION_CLASSES, Side, Table, classify_title, match_label};

use super::grid::{CellGrid, CellKind, Layout, Span, code_like};
use super::header::{self, Fragment, Stack};
use super::spec::{ColumnSpec, TableSpec};

/// Columns an amount may be in: bit `i` is column `i` of its side.
pub type ColumnSet = u16;

pub fn all_columns(n: usize) -> ColumnSet {
    if n >= 16 { u16::MAX } else { (1u16 << n) - 1 }
}

/// An amount of a row.
#[derive(Clone, Debug)]
pub struct AmountCell {
    /// Index into the grid's cells.
    pub cell: usize,
    pub printed: Printed,
    /// The value in 万元 and its decimals there (set from the table's unit
    /// by the caller; the print's own until then).
    pub value: crate::amount::Amount,
    pub decimals: u32,
    /// The group whose column it takes (see [`Group`]).
    pub group: usize,
}

/// Amounts that share one column: a column of aligned text, a column index
/// of TAB rows, or a single amount of flat text.
#[derive(Clone, Debug)]
pub struct Group {
    pub side: Option<Side>,
    pub domain: ColumnSet,
    /// Groups of one page segment and side, ranked left to right: their
    /// columns increase with the rank. `None` for flat text, where only a
    /// row's own order holds.
    pub rank: Option<(u16, u32)>,
}

/// One row of a table, before its amounts are placed.
#[derive(Clone, Debug)]
pub struct Record {
    pub side: Option<Side>,
    pub code: Option<String>,
    /// The row label: canonical for rows without a code, the printed name
    /// (de-noised) for coded rows.
    pub item: String,
    pub line_no: Option<i32>,
    /// Left to right.
    pub amounts: Vec<AmountCell>,
    /// 0-based line of the row (its code or first amount).
    pub line: u32,
    /// The label matched the vocabulary only approximately.
    pub label_repaired: bool,
}

/// A table block assembled.
#[derive(Clone, Debug)]
pub struct Assembled {
    pub table: Table,
    pub records: Vec<Record>,
    pub groups: Vec<Group>,
    /// Money figures the block prints that belong to no row (notes, debris).
    pub unplaced: usize,
    /// The block prints more money figures than its rows hold (the caller,
    /// who counted the block's figures, says so): a cell its rows leave
    /// blank may be where a lost figure stood.
    pub lost_figures: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineKind {
    Caption,
    Note,
    Numbering,
    Header,
    Content,
}

/// A run of cells of one line that belongs to one row of one side or panel.
#[derive(Clone, Debug, Default)]
struct Piece {
    line: u32,
    panel: usize,
    side: Option<Side>,
    codes: Vec<usize>,
    labels: Vec<usize>,
    line_no: Option<usize>,
    amounts: Vec<usize>,
    x0: u32,
}

/// The unit positions are compared in (`Positioned` grids).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Chars,
    Display,
}

struct Ctx<'g> {
    spec: &'static TableSpec,
    grid: &'g CellGrid,
    unit: Unit,
    sides: SideNames,
    /// The block prints its figures with decimals: no whole number that
    /// could not be a code, several with a decimal point. A bare number
    /// shaped like a code is then a code.
    decimal_figures: bool,
    /// Every figure of the block prints a decimal point, and several do: a
    /// bare whole number there is no money but a 行次, a 栏次, a code's
    /// part or a page number (cell streams put them anywhere).
    whole_is_no_money: bool,
}

/// A two-sided table's row names per side, gathered once per table rather
/// than at every line and name fragment that asks (empty for other tables).
#[derive(Default)]
struct SideNames {
    income: Vec<&'static str>,
    expenditure: Vec<&'static str>,
    income_only: Vec<&'static str>,
    expenditure_only: Vec<&'static str>,
}

impl SideNames {
    fn of(spec: &TableSpec) -> SideNames {
        if !spec.two_sided() {
            return SideNames::default();
        }
        SideNames {
            income: spec.side_labels(Side::Income),
            expenditure: spec.side_labels(Side::Expenditure),
            income_only: income_only(spec.table),
            expenditure_only: expenditure_only(spec.table),
        }
    }

    fn side(&self, side: Side) -> &[&'static str] {
        match side {
            Side::Income => &self.income,
            Side::Expenditure => &self.expenditure,
        }
    }
}

impl Ctx<'_> {
    fn text(&self, i: usize) -> &str {
        self.grid.text(&self.grid.cells[i])
    }

    fn kind(&self, i: usize) -> CellKind {
        self.grid.cells[i].kind
    }

    fn span(&self, i: usize) -> Span {
        let c = &self.grid.cells[i];
        match self.unit {
            Unit::Chars => c.x,
            Unit::Display => c.xd,
        }
    }

    /// How far left of a side boundary a cell may start and still belong to
    /// the right: a character of drift in text positions, none in column
    /// indexes (the income side's last column is one index left of the
    /// boundary).
    fn slack(&self) -> u32 {
        match self.grid.layout {
            Layout::Columns => 0,
            _ => 1,
        }
    }

    fn joined(&self, cells: &[usize]) -> String {
        let s: String = cells
            .iter()
            .map(|&i| self.text(i))
            .collect::<Vec<_>>()
            .join(" ");
        compact_cjk(&s).into_owned()
    }
}

/// Reads a grid as `spec`'s table.
pub fn assemble(spec: &'static TableSpec, grid: &CellGrid) -> Assembled {
    let mut ctx = Ctx {
        spec,
        grid,
        unit: Unit::Chars,
        sides: SideNames::of(spec),
        decimal_figures: false,
        whole_is_no_money: false,
    };
    // The block's figures, counted once for both flags: with a decimal
    // point, without one, and whole numbers that could not be codes.
    let (mut decimal, mut undotted, mut whole) = (0, 0, 0);
    for c in &grid.cells {
        let t = grid.text(c);
        match c.kind {
            CellKind::Amount if t.contains('.') => decimal += 1,
            CellKind::Amount => undotted += 1,
            CellKind::Digits if t.len() > 2 && !code_like(t) => whole += 1,
            _ => {}
        }
    }
    ctx.whole_is_no_money = decimal >= 6 && undotted == 0;
    ctx.decimal_figures = spec.coded && decimal >= 10 && whole == 0;
    if grid.layout == Layout::Positioned {
        ctx.unit = choose_unit(grid);
    }
    let lines = grid.lines();
    let mut kinds: Vec<LineKind> = lines
        .iter()
        .map(|(_, r)| line_kind(&ctx, r.clone()))
        .collect();
    let first_data = (0..lines.len())
        .find(|&k| kinds[k] == LineKind::Content && is_data(&ctx, lines[k].1.clone()))
        .unwrap_or(lines.len());
    // A line within the rows that repeats a line of the table's header, word
    // for word, is that header printed again over a continued page (banners
    // and stacked fragments that name no column alone included), not the
    // start of the next row's name. Two words at least: one alone may as
    // well be a name's wrapped end (`款`); so are lines of a word each that
    // repeat two or more of the header's lines in a row (a cell stream
    // prints its header a cell per line). Not in text positioned by
    // spaces: a page set elsewhere on its sheet repeats the words at other
    // places, which blur the columns the first header's words stand over.
    let words_of =
        |r: &std::ops::Range<usize>| -> Vec<&str> { r.clone().map(|i| ctx.text(i)).collect() };
    if grid.layout != Layout::Positioned {
        let header: Vec<Vec<&str>> = lines[..first_data]
            .iter()
            .map(|(_, r)| words_of(r))
            .collect();
        let body: Vec<Vec<&str>> = lines.iter().map(|(_, r)| words_of(r)).collect();
        let mut k = first_data + 1;
        while k < lines.len() {
            // The most lines from `k` on that repeat lines of the header in
            // their order.
            let run = (0..header.len())
                .map(|j| {
                    (0..)
                        .take_while(|&m| {
                            k + m < lines.len()
                                && j + m < header.len()
                                && kinds[k + m] == LineKind::Content
                                && body[k + m] == header[j + m]
                        })
                        .count()
                })
                .max()
                .unwrap_or(0);
            let words: usize = body[k..k + run].iter().map(Vec::len).sum();
            if words >= 2 {
                for kind in &mut kinds[k..k + run] {
                    *kind = LineKind::Header;
                }
                k += run;
            } else {
                k += 1;
            }
        }
    }
    let mut out = Assembled {
        table: spec.table,
        records: Vec::new(),
        groups: Vec::new(),
        unplaced: 0,
        lost_figures: false,
    };
    // Header cells: everything above the data, and header lines repeated
    // within it (a page's header over a continued table).
    let mut header_cells: Vec<usize> = Vec::new();
    let mut numbering: Vec<usize> = Vec::new();
    let mut body: Vec<(u32, std::ops::Range<usize>)> = Vec::new();
    // A table ends at its note: what follows within the block is page
    // furniture (a bare page number) or text the block caught; its amounts
    // are counted, never read as rows.
    let mut ended = false;
    let mut repeated_header = false;
    for (k, (line, range)) in lines.iter().enumerate() {
        let amounts = || {
            range
                .clone()
                .filter(|&i| ctx.kind(i) == CellKind::Amount)
                .count()
        };
        if ended && kinds[k] != LineKind::Caption {
            // A bare page number prints digits, no amount: nothing counted.
            out.unplaced += amounts();
            continue;
        }
        match kinds[k] {
            LineKind::Caption => {}
            LineKind::Note => {
                ended = k >= first_data;
                out.unplaced += amounts();
            }
            LineKind::Numbering => numbering.extend(range.clone()),
            LineKind::Header => {
                header_cells.extend(range.clone());
                repeated_header = k > first_data;
            }
            LineKind::Content if k < first_data => header_cells.extend(range.clone()),
            // The last lines of a header repeated over a page's rows (words
            // stacked under the header's named line) up to its first row.
            LineKind::Content if repeated_header && !is_data(&ctx, range.clone()) => {
                header_cells.extend(range.clone())
            }
            LineKind::Content => {
                repeated_header = false;
                body.push((*line, range.clone()));
            }
        }
    }
    if spec.table == Table::ThreePublic {
        three_public(&ctx, &header_cells, &numbering, &body, &mut out);
        return out;
    }
    let split = side_split(&ctx, &header_cells, &body);
    let mut pieces: Vec<Piece> = Vec::new();
    for (_, range) in &body {
        split_line(&ctx, range.clone(), split, &mut pieces);
    }
    if spec.two_sided() && split.is_none() {
        left_of_twin(&ctx, &mut pieces);
    }
    if spec.two_sided() && grid.layout == Layout::Ordered {
        join_bare_enumerators(&ctx, &mut pieces);
        join_expenditure_lines(&ctx, &mut pieces);
    }
    if spec.table == Table::GeneralBudgetBasic {
        assign_panels(&ctx, &mut pieces);
    }
    let records = build_records(&ctx, &pieces, &mut out.unplaced);
    place_domains(&ctx, &header_cells, &numbering, records, &mut out);
    untangle(spec, &mut out);
    out
}

/// Header evidence a row contradicts: two amounts of one row under one
/// column, or under columns out of their left-to-right order (a header read
/// in the wrong unit, a wrapped header merged with its neighbour). Those
/// groups lose the header's column and are left to the identities, which
/// place them (`Identity`) or leave them to order (never verified).
fn untangle(spec: &TableSpec, out: &mut Assembled) {
    let mut reset = vec![false; out.groups.len()];
    for r in &out.records {
        let printed: Vec<(usize, u32)> = r
            .amounts
            .iter()
            .filter_map(|a| {
                let d = out.groups[a.group].domain;
                (d.count_ones() == 1).then_some((a.group, d.trailing_zeros()))
            })
            .collect();
        for w in printed.windows(2) {
            if w[0].0 != w[1].0 && w[0].1 >= w[1].1 {
                reset[w[0].0] = true;
                reset[w[1].0] = true;
            }
        }
    }
    for (g, grp) in out.groups.iter_mut().enumerate() {
        if reset[g] {
            grp.domain = all_columns(spec.side_columns(grp.side).len());
        }
    }
}

/// The unit in which amounts line up best: the one giving fewer distinct
/// right edges (converters print amounts right-aligned in their columns).
fn choose_unit(grid: &CellGrid) -> Unit {
    let mut chars: Vec<(u16, u32)> = Vec::new();
    let mut display: Vec<(u16, u32)> = Vec::new();
    for c in grid.cells.iter().filter(|c| c.kind == CellKind::Amount) {
        chars.push((c.segment, c.x.x1));
        display.push((c.segment, c.xd.x1));
    }
    let spread = |v: &mut Vec<(u16, u32)>| {
        v.sort();
        let mut n = 0;
        let mut last: Option<(u16, u32)> = None;
        for &(s, x) in v.iter() {
            match last {
                Some((ls, lx)) if ls == s && x <= lx + 1 => {}
                _ => n += 1,
            }
            last = Some((s, x));
        }
        n
    };
    if spread(&mut display) < spread(&mut chars) {
        Unit::Display
    } else {
        Unit::Chars
    }
}

const NOTE_STARTS: [&str; 6] = ["注", "主:", "说明:", "备注", "注:", "注释"];

fn line_kind(ctx: &Ctx, range: std::ops::Range<usize>) -> LineKind {
    let joined: String = range.clone().map(|i| ctx.text(i)).collect();
    let j = squeeze(&joined);
    if j.is_empty() {
        return LineKind::Caption;
    }
    if NOTE_STARTS.iter().any(|p| j.starts_with(p))
        || j.contains("本表反映")
        || j.contains("本表无数据")
    {
        return LineKind::Note;
    }
    let has_amount = range.clone().any(|i| ctx.kind(i) == CellKind::Amount);
    if !has_amount
        && (j.contains("单位:")
            || j.contains("编制单位")
            || j.contains("部门:")
            || j.contains("公开") && j.contains('表')
            || classify_title(&crate::segment::undoubled(&j).unwrap_or(j.as_str().into()))
                == Some(ctx.spec.table)
            || is_page_number(&j)
            // The report's title run at the head of every page.
            || crate::segment::is_report_title(&j))
    {
        return LineKind::Caption;
    }
    if is_numbering(ctx, range.clone()) {
        return LineKind::Numbering;
    }
    let has_code_start = range
        .clone()
        .next()
        .is_some_and(|i| ctx.kind(i) == CellKind::Digits && code_like(ctx.text(i)));
    if !has_amount && !has_code_start && header_words(&j) >= 2 {
        return LineKind::Header;
    }
    LineKind::Content
}

fn is_page_number(j: &str) -> bool {
    let t = j.trim_matches(|c: char| c == '-' || c == '—' || c == '第' || c == '页');
    !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()) && t.len() < j.len()
        || j.starts_with('第') && j.ends_with('页')
}

/// Words that only headers print.
const HEADER_WORDS: &[&str] = &[
    "栏次",
    "科目编码",
    "科目代码",
    "科目名称",
    "行次",
    "决算数",
    "预算数",
    "功能分类",
    "经济分类",
    "本年收入合计",
    "本年支出合计",
    "基本支出",
    "项目支出",
    "财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "其他收入",
    "上缴上级支出",
    "经营支出",
    "一般公共预算财政拨款",
    "政府性基金预算财政拨款",
    "国有资本经营预算财政拨款",
    "年初结转和结余",
    "年末结转和结余",
];

fn header_words(j: &str) -> usize {
    if j.contains("合计") && !j.contains("本年") && j.chars().count() <= 4 {
        return 0;
    }
    HEADER_WORDS.iter().filter(|w| j.contains(*w)).count()
}

/// The 栏次 row: column numbers 1, 2, 3 … under the headers.
fn is_numbering(ctx: &Ctx, range: std::ops::Range<usize>) -> bool {
    let mut nums = Vec::new();
    for i in range {
        let t = squeeze(ctx.text(i));
        if t.contains("栏次") || t.chars().all(|c| "类款项".contains(c)) {
            continue;
        }
        match t.parse::<u32>() {
            Ok(n) if n <= 40 && !t.starts_with('0') => nums.push(n),
            _ => return false,
        }
    }
    nums.len() >= 2
        && nums
            .windows(2)
            .all(|w| w[1] == w[0] + 1 || w[1] == 1 || w[1] <= w[0])
        && nums[0] <= 2
}

/// The first line of the body: an amount, a code at the start, or (in
/// two-sided tables) a row label of the template.
fn is_data(ctx: &Ctx, range: std::ops::Range<usize>) -> bool {
    if range.clone().any(|i| ctx.kind(i) == CellKind::Amount) {
        return true;
    }
    let first = range.start;
    if ctx.spec.coded && ctx.kind(first) == CellKind::Digits && code_like(ctx.text(first)) {
        return true;
    }
    // A two-sided table's row name opens with its enumerator (`一、`), which
    // no header prints: the first line of a name wrapped around its amount
    // line is the first row, not the header's last line; so is a line
    // opening with the other side's 行次 before it (`13 十三、交通`: the
    // income side blank), the first row under a header printed again.
    let name = if ctx.kind(first) == CellKind::Digits && ctx.text(first).len() <= 2 {
        first + 1
    } else {
        first
    };
    ctx.spec.two_sided()
        && name < range.end
        && ctx.kind(name) == CellKind::Text
        && split_enumerator(ctx.text(name)).0.is_some()
}

/// Two-sided tables: where the expenditure side starts. Column index for
/// TAB rows, position for aligned text; `None` for flat text (sides are
/// told apart by their labels).
fn side_split(ctx: &Ctx, header: &[usize], body: &[(u32, std::ops::Range<usize>)]) -> Option<u32> {
    if !ctx.spec.two_sided() || ctx.grid.layout == Layout::Ordered {
        return None;
    }
    // Labels only the expenditure side prints, where they start, and the
    // enumerated first lines of names wrapped in narrow cells (`五、教育` /
    // `支出`) that start only expenditure names; the whole names alone where
    // the fragments would put an income amount on the expenditure side
    // (sorted text drifts: names alone on their lines start left of those
    // that share a line with the income side).
    let exp_only = &ctx.sides.expenditure_only;
    let starts = |whole: bool| -> Vec<u32> {
        let mut xs = Vec::new();
        for (_, r) in body {
            for i in r.clone() {
                if ctx.kind(i) != CellKind::Text {
                    continue;
                }
                let t = ctx.text(i);
                let l = vocab::clean_label(t);
                let found = if whole {
                    exp_only.iter().any(|v| {
                        *v == l || l.ends_with(v) && l.chars().count() <= v.chars().count() + 1
                    })
                } else {
                    split_enumerator(&squeeze(t)).0.is_some()
                        && l.chars().count() >= 2
                        && exp_only.iter().any(|v| v.starts_with(l.as_str()))
                        && !extends_side_label(ctx, Side::Income, &l)
                };
                if found {
                    xs.push(ctx.span(i).x0);
                }
            }
        }
        xs
    };
    // The leftmost start most of them share (a label may be indented).
    let pick = |mut xs: Vec<u32>| -> Option<u32> {
        xs.sort();
        let median = *xs.get(xs.len() / 2)?;
        xs.iter()
            .copied()
            .filter(|&x| x + 6 * ctx.slack() >= median)
            .min()
    };
    // Where an income name prints its amount, the split is right of it.
    let inc_only = &ctx.sides.income_only;
    let income_amounts: Vec<u32> = body
        .iter()
        .filter_map(|(_, r)| {
            let named = r.clone().position(|i| {
                ctx.kind(i) == CellKind::Text
                    && inc_only
                        .iter()
                        .any(|v| *v == vocab::clean_label(ctx.text(i)))
            })?;
            r.clone()
                .skip(named + 1)
                .find(|&i| ctx.kind(i) == CellKind::Amount)
                .map(|i| ctx.span(i).x0)
        })
        .collect();
    let whole = starts(true);
    let with_fragments = pick([whole.clone(), starts(false)].concat());
    match with_fragments {
        Some(x) if !income_amounts.iter().any(|&a| a >= x) => return Some(x),
        _ => {
            if let Some(x) = pick(whole) {
                return Some(x);
            }
        }
    }
    // The second 项目 of the header.
    let items: Vec<u32> = header
        .iter()
        .filter(|&&i| squeeze(ctx.text(i)) == "项目")
        .map(|&i| ctx.span(i).x0)
        .collect();
    if items.len() >= 2 {
        return Some(items[1]);
    }
    None
}

/// Labels that only the expenditure side of a two-sided table prints.
fn expenditure_only(table: Table) -> Vec<&'static str> {
    let spec = TableSpec::of(table);
    FUNCTION_CLASSES
        .iter()
        .map(|(_, n)| *n)
        .chain(
            spec.expenditure_labels
                .iter()
                .copied()
                .filter(|l| *l != "总计"),
        )
        .collect()
}

fn income_only(table: Table) -> Vec<&'static str> {
    TableSpec::of(table)
        .labels
        .iter()
        .copied()
        .filter(|l| *l != "总计")
        .collect()
}

/// Splits one body line into pieces: a piece starts at a code, and at a label
/// that follows amounts or a complete label (the other side of the table,
/// the next panel of table 06).
fn split_line(ctx: &Ctx, range: std::ops::Range<usize>, split: Option<u32>, out: &mut Vec<Piece>) {
    let two_sided = ctx.spec.two_sided();
    let first = out.len();
    let mut cur = Piece {
        line: ctx.grid.cells[range.start].row,
        x0: ctx.span(range.start).x0,
        ..Piece::default()
    };
    let cells: Vec<usize> = range.collect();
    let exp_only = &ctx.sides.expenditure_only;
    let split = split.map(|x| line_split(ctx, &cells, x));
    for (k, &i) in cells.iter().enumerate() {
        let t = ctx.text(i);
        let next_is_text = cells
            .get(k + 1)
            .is_some_and(|&j| ctx.kind(j) == CellKind::Text);
        // A side boundary crossed by position, or by a row name only the
        // expenditure side prints after the income side's amounts (a
        // converter whose spacing drifts along a line, PyMuPDF's sorted
        // text, starts it left of the other rows' names).
        if let Some(x) = split {
            let on_right = ctx.span(i).x0 + ctx.slack() >= x
                || !cur.amounts.is_empty()
                    && ctx.kind(i) == CellKind::Text
                    && exp_only.contains(&vocab::clean_label(t).as_str());
            let cur_right = cur.side == Some(Side::Expenditure);
            if on_right
                && !cur_right
                && !(cur.codes.is_empty()
                    && cur.labels.is_empty()
                    && cur.amounts.is_empty()
                    && cur.line_no.is_none())
            {
                push_piece(out, &mut cur, ctx, i);
            }
            if on_right {
                cur.side = Some(Side::Expenditure);
            } else if cur.side.is_none() {
                cur.side = Some(Side::Income);
            }
        }
        match ctx.kind(i) {
            CellKind::Digits => {
                let empty = cur.labels.is_empty() && cur.amounts.is_empty();
                // The 款 or 项 part right after the parts before it, the
                // first line of a wrapped name before them or not
                // (`行政单 210 11 01 8386.54`); where figures print
                // decimals, also after such a line read between the 类
                // part and them (`基本养208 05 05 4230.82`: the name glued
                // to the part, which the reader sets first).
                let after_code =
                    |back: usize| k >= back && cur.codes.last() == Some(&cells[k - back]);
                let amount_after_parts = |parts: usize| {
                    let rest = &cells[k + 1..];
                    let n = rest
                        .iter()
                        .take(parts)
                        .take_while(|&&j| ctx.kind(j) == CellKind::Digits && ctx.text(j).len() == 2)
                        .count();
                    rest.get(n)
                        .is_some_and(|&j| ctx.kind(j) == CellKind::Amount)
                };
                let next_part = cur.amounts.is_empty()
                    && t.len() == 2
                    && matches!(code_len(ctx, &cur.codes), 3 | 5)
                    && (after_code(1)
                        || ctx.decimal_figures
                            && code_len(ctx, &cur.codes) == 3
                            && after_code(2)
                            && ctx.kind(cells[k - 1]) == CellKind::Text
                            && ctx.text(cells[k - 1]).chars().all(crate::text::is_han)
                            && amount_after_parts(1));
                let code_part = empty && cur.codes.is_empty() && code_like(t) || next_part;
                // A code after the first line of its wrapped name and before
                // the row's amounts (`进修及培 20508 858.18 …`: the name set
                // higher than its code, read first), its 款 and 项 parts
                // printed apart or not; not after a total's name (合计 has
                // no code).
                let after_name = ctx.spec.coded
                    && code_like(t)
                    && cur.codes.is_empty()
                    && cur.amounts.is_empty()
                    && !cur.labels.is_empty()
                    && amount_after_parts(if t.len() == 3 { 2 } else { 0 })
                    && match_label(&ctx.joined(&cur.labels), ctx.spec.labels).is_none();
                // A code at the end of a line after a name: the next
                // panel's row, whose name wraps onto the next line (flat
                // text of 06's two panels: `30309 奖励金 30231` /
                // `公务用车运行维`), where figures print decimals.
                let ends_line = ctx.spec.coded
                    && ctx.decimal_figures
                    && code_like(t)
                    && k + 1 == cells.len()
                    && !cur.labels.is_empty();
                if code_part && (ctx.spec.coded || next_is_text || !cur.codes.is_empty())
                    || after_name
                {
                    cur.codes.push(i);
                } else if ends_line {
                    push_piece(out, &mut cur, ctx, i);
                    cur.codes.push(i);
                } else if two_sided
                    && !cur.labels.is_empty()
                    && cur.amounts.is_empty()
                    && cur.line_no.is_none()
                    && t.len() <= 2
                {
                    cur.line_no = Some(i);
                } else if ctx.spec.coded
                    && code_like(t)
                    && next_is_text
                    && !(cur.codes.is_empty() && cur.labels.is_empty() && cur.amounts.is_empty())
                {
                    // A new row on the same line (the next panel, or text
                    // joined across a page break).
                    push_piece(out, &mut cur, ctx, i);
                    cur.codes.push(i);
                } else if cur.labels.is_empty()
                    && cur.codes.is_empty()
                    && cur.amounts.is_empty()
                    && !code_like(t)
                    && t.len() <= 2
                {
                    // A stray small number before any label: a row number.
                    cur.line_no = Some(i);
                } else {
                    cur.amounts.push(i);
                }
            }
            CellKind::Amount => cur.amounts.push(i),
            CellKind::Text => {
                if is_debris(t) {
                    continue;
                }
                if two_sided
                    && split.is_none()
                    && cur.line_no.is_some()
                    && cur.codes.is_empty()
                    && cur.labels.is_empty()
                    && cur.amounts.is_empty()
                {
                    // A two-sided row prints its name before its 行次: a
                    // number before the name is the 行次 of the other side,
                    // whose name and amount are blank.
                    cur.line_no = None;
                }
                let starts_label = !cur.amounts.is_empty()
                    || two_sided
                        && !cur.labels.is_empty()
                        && label_complete(ctx, &cur.labels)
                        && (split_enumerator(t).0.is_some() || side_label(ctx, t).is_some());
                if starts_label {
                    push_piece(out, &mut cur, ctx, i);
                }
                cur.labels.push(i);
            }
        }
    }
    if !(cur.codes.is_empty()
        && cur.labels.is_empty()
        && cur.amounts.is_empty()
        && cur.line_no.is_none())
    {
        out.push(cur);
    }
    // Flat two-sided lines: sides by the labels' vocabulary and order.
    if two_sided && split.is_none() {
        // A line of two name fragments and nothing else: both sides' names
        // wrapped in narrow cells, one fragment each.
        if out.len() == first + 1
            && out[first].labels.len() == 2
            && out[first].codes.is_empty()
            && out[first].amounts.is_empty()
            && out[first].line_no.is_none()
        {
            let right = out[first].labels.pop().expect("two labels");
            let p = Piece {
                labels: vec![right],
                x0: ctx.span(right).x0,
                ..out[first].clone()
            };
            out.push(p);
        }
        let inc_only = &ctx.sides.income_only;
        // A line of amounts and nothing else (cells centred beside names
        // wrapped above and below): as many as the expenditure side has
        // columns are that side's (where it has more than the income side),
        // as many as both sides have open with the income side's.
        let ne = ctx.spec.side_columns(Some(Side::Expenditure)).len();
        let ni = ctx.spec.side_columns(Some(Side::Income)).len();
        if out.len() == first + 1
            && out[first].labels.is_empty()
            && out[first].codes.is_empty()
            && out[first].line_no.is_none()
            && (ne > ni && out[first].amounts.len() == ne || out[first].amounts.len() == ne + ni)
        {
            if out[first].amounts.len() == ne + ni {
                out[first].side = Some(Side::Income);
                expenditure_part(ctx, out, first, ni);
            }
            let last = out.len() - 1;
            out[last].side = Some(Side::Expenditure);
        }
        let n = out.len() - first;
        for k in first..out.len() {
            if out[k].labels.is_empty() && out[k].side.is_some() {
                continue;
            }
            let label = vocab::clean_label(&ctx.joined(&out[k].labels));
            let side =
                if exp_only.iter().any(|v| *v == label) || out[k].amounts.len() > ni && ni < ne {
                    // More amounts than the income side has columns: the
                    // expenditure side's, whatever the name (a wrapped name's
                    // last word, `合计` of `本年支出` / `合计`).
                    Side::Expenditure
                } else if inc_only.iter().any(|v| *v == label)
                    || label.starts_with("年初财政拨款结转和结余")
                {
                    Side::Income
                } else if out[k].labels.is_empty() {
                    // Amounts with no label continue the piece before them.
                    if k > first {
                        out[k - 1].side.unwrap_or(Side::Income)
                    } else {
                        Side::Income
                    }
                } else if k > first
                    || n == 1
                        && (matches_side(ctx, Side::Expenditure, &label)
                            || extends_side_label(ctx, Side::Expenditure, &label)
                                && !extends_side_label(ctx, Side::Income, &label))
                {
                    Side::Expenditure
                } else {
                    Side::Income
                };
            out[k].side = Some(side);
        }
        // An income row's line holding both sides' amounts and one name:
        // the expenditure side's name wrapped above and below its amounts
        // (a cell centred beside it). Its amounts go to the row nearest.
        if out.len() == first + 1
            && out[first].side == Some(Side::Income)
            && !out[first].labels.is_empty()
            && out[first].amounts.len() == ni + ne
        {
            expenditure_part(ctx, out, first, ni);
        }
    }
}

/// The amounts of piece `k` from `at` on, as the expenditure side's piece
/// of the line (amounts alone: no name, code or row number of theirs).
fn expenditure_part(ctx: &Ctx, out: &mut Vec<Piece>, k: usize, at: usize) {
    let amounts = out[k].amounts.split_off(at);
    let p = &out[k];
    let part = Piece {
        line: p.line,
        x0: ctx.span(amounts[0]).x0,
        side: Some(Side::Expenditure),
        panel: p.panel,
        amounts,
        ..Piece::default()
    };
    out.push(part);
}

/// Where a line's expenditure side starts: at the second of two row names,
/// the first the income side's (whole, or the start of one only it
/// prints), the second a whole expenditure name, wherever the table's split
/// stands (a converter whose spacing drifts along a line, PyMuPDF's sorted
/// text, sets the income side's amount right of where names alone on their
/// lines start the expenditure side); else at the table's split `x`.
fn line_split(ctx: &Ctx, cells: &[usize], x: u32) -> u32 {
    let mut texts = cells
        .iter()
        .copied()
        .filter(|&i| ctx.kind(i) == CellKind::Text);
    let (Some(a), Some(b)) = (texts.next(), texts.next()) else {
        return x;
    };
    if ctx.span(a).x0 >= x {
        return x;
    }
    let whole = |side: Side, l: &str| ctx.sides.side(side).contains(&l);
    let (la, lb) = (
        vocab::clean_label(ctx.text(a)),
        vocab::clean_label(ctx.text(b)),
    );
    // The income name may be the first line of one wrapped (`一、一般公共
    // 预算财政拨` / `款收入`): the start of an income name only.
    let income = whole(Side::Income, &la)
        || extends_side_label(ctx, Side::Income, &la)
            && !extends_side_label(ctx, Side::Expenditure, &la);
    if income && whole(Side::Expenditure, &lb) {
        ctx.span(b).x0
    } else {
        x
    }
}

/// Flat two-sided text: a name both sides print (`总计`) on a line of its
/// own, then again on the next, is the income side's first (reading order
/// is left to right), where it prints no more amounts than that side has
/// columns.
fn left_of_twin(ctx: &Ctx, pieces: &mut [Piece]) {
    let ni = ctx.spec.side_columns(Some(Side::Income)).len();
    for k in 1..pieces.len() {
        let (a, b) = (&pieces[k - 1], &pieces[k]);
        if a.line == b.line
            || a.side != Some(Side::Expenditure)
            || b.side != Some(Side::Expenditure)
            || a.amounts.len() > ni
            || !a.codes.is_empty()
            || a.labels.is_empty()
        {
            continue;
        }
        let name = vocab::clean_label(&ctx.joined(&a.labels));
        if name == vocab::clean_label(&ctx.joined(&b.labels))
            && matches_side(ctx, Side::Income, &name)
        {
            pieces[k - 1].side = Some(Side::Income);
        }
    }
}

/// A two-sided row name whose enumerator stands alone on its line, the
/// name wrapped onto the lines below (`二十一、` / `国有资本` / `经营预算` /
/// `支出`): the name's lines join the enumerator's, up to a line with
/// figures or a name of its own, and the joined name says the side (its
/// first words alone open names of both sides, and the enumerator alone
/// none, so each line was a row of its own on the income side).
fn join_bare_enumerators(ctx: &Ctx, pieces: &mut Vec<Piece>) {
    let bare = |p: &Piece| {
        p.codes.is_empty()
            && p.amounts.is_empty()
            && !p.labels.is_empty()
            && matches!(split_enumerator(&ctx.joined(&p.labels)), (Some(_), rest) if rest.trim().is_empty())
    };
    for k in 0..pieces.len() {
        if k >= pieces.len() || !bare(&pieces[k]) {
            continue;
        }
        let mut labels = pieces[k].labels.clone();
        let (mut last, mut end) = (pieces[k].line, k + 1);
        let mut side = None;
        while let Some(next) = pieces.get(end) {
            if next.line <= last
                || !next.codes.is_empty()
                || !next.amounts.is_empty()
                || next.labels.is_empty()
                || split_enumerator(&ctx.joined(&next.labels)).0.is_some()
            {
                break;
            }
            labels.extend(next.labels.iter().copied());
            (last, end) = (next.line, end + 1);
            side = side_label(ctx, &ctx.joined(&labels)).map(|(s, _)| s);
            if side.is_some() {
                break;
            }
        }
        if let Some(side) = side {
            pieces[k].labels = labels;
            pieces[k].side = Some(side);
            pieces.drain(k + 1..end);
        }
    }
}

/// Two lines of amounts and nothing else, one after the other, that
/// together print as many amounts as the expenditure side has columns
/// (more than the income side has), neither alone as many: one
/// expenditure row's amounts broken over two lines (PyMuPDF's text of a
/// row whose first cell, 小计, is set apart: `13.19` / `13.19 0.00 0.00`),
/// one piece of that side. An income amount before an expenditure line
/// whose blank cells are gone would be taken in too: the row's 小计 then
/// fails its sum, and nothing of it is vouched for.
fn join_expenditure_lines(ctx: &Ctx, pieces: &mut Vec<Piece>) {
    let ne = ctx.spec.side_columns(Some(Side::Expenditure)).len();
    let ni = ctx.spec.side_columns(Some(Side::Income)).len();
    if ne <= ni {
        return;
    }
    let bare = |p: &Piece| {
        p.labels.is_empty() && p.codes.is_empty() && p.line_no.is_none() && !p.amounts.is_empty()
    };
    let mut k = 1;
    while k < pieces.len() {
        let (a, b) = (&pieces[k - 1], &pieces[k]);
        if bare(a)
            && bare(b)
            && b.line == a.line + 1
            && a.amounts.len() < ne
            && b.amounts.len() < ne
            && a.amounts.len() + b.amounts.len() == ne
        {
            let rest = pieces.remove(k);
            let joined = &mut pieces[k - 1];
            joined.amounts.extend(rest.amounts);
            joined.side = Some(Side::Expenditure);
        }
        k += 1;
    }
}

fn push_piece(out: &mut Vec<Piece>, cur: &mut Piece, ctx: &Ctx, at: usize) {
    let c = &ctx.grid.cells[at];
    let next = Piece {
        line: c.row,
        x0: ctx.span(at).x0,
        side: cur.side,
        ..Piece::default()
    };
    let done = std::mem::replace(cur, next);
    if !(done.codes.is_empty()
        && done.labels.is_empty()
        && done.amounts.is_empty()
        && done.line_no.is_none())
    {
        out.push(done);
    }
}

fn code_len(ctx: &Ctx, codes: &[usize]) -> usize {
    codes.iter().map(|&i| ctx.text(i).len()).sum()
}

/// Header debris printed in body cells: `类款项`, `栏次`.
fn is_debris(t: &str) -> bool {
    let t = squeeze(t);
    (t.chars().count() == 3 && t.chars().all(|c| "类款项".contains(c))) || t == "栏次"
}

fn label_complete(ctx: &Ctx, labels: &[usize]) -> bool {
    let l = ctx.joined(labels);
    side_label(ctx, &l).is_some()
}

fn side_label(ctx: &Ctx, printed: &str) -> Option<(Side, &'static str)> {
    for side in [Side::Income, Side::Expenditure] {
        if let Some(v) = match_label(printed, ctx.sides.side(side)) {
            return Some((side, v));
        }
    }
    None
}

/// The first line of a wrapped row name (`年初财政拨款结转和` / `结余`): four
/// characters or more that start a row name of the table.
fn opens_side_label(ctx: &Ctx, printed: &str) -> bool {
    vocab::clean_label(printed).chars().count() >= 4
        && [Side::Income, Side::Expenditure]
            .into_iter()
            .any(|s| extends_side_label(ctx, s, printed))
}

/// Whether a name fragment, joined to the name before it, is the start of
/// one of the side's row names (or one of them whole); not a fuzzy match,
/// which takes a known name followed by anything.
fn extends_side_label(ctx: &Ctx, side: Side, printed: &str) -> bool {
    let l = vocab::clean_label(printed);
    !l.is_empty()
        && ctx
            .sides
            .side(side)
            .iter()
            .any(|v| v.starts_with(l.as_str()))
}

fn matches_side(ctx: &Ctx, side: Side, printed: &str) -> bool {
    match_label(printed, ctx.sides.side(side)).is_some()
}

/// Table 06: the group (panel) of each piece, by where its code starts
/// (aligned text and TAB rows) or by its order on the line (flat text).
fn assign_panels(ctx: &Ctx, pieces: &mut [Piece]) {
    if ctx.grid.layout == Layout::Ordered {
        let mut k = 0;
        let mut line = u32::MAX;
        for p in pieces.iter_mut() {
            if p.line != line {
                line = p.line;
                k = 0;
            }
            p.panel = k;
            k += 1;
        }
        return;
    }
    let mut starts: Vec<u32> = pieces
        .iter()
        .filter(|p| !p.codes.is_empty())
        .map(|p| p.x0)
        .collect();
    starts.sort();
    let mut panels: Vec<u32> = Vec::new();
    for x in starts {
        if panels.last().is_none_or(|&l| x > l + 8) {
            panels.push(x);
        }
    }
    for p in pieces.iter_mut() {
        p.panel = panels.iter().rposition(|&s| p.x0 + 4 >= s).unwrap_or(0);
    }
}

/// Rows from pieces: a piece with a code or a row label of the table starts
/// a row; name fragments and lines of amounts join the nearest row of their
/// side or panel.
fn build_records(ctx: &Ctx, pieces: &[Piece], unplaced: &mut usize) -> Vec<(Record, Piece)> {
    let table = ctx.spec.table;
    let mut rows: Vec<(Record, Piece)> = Vec::new();
    let mut fragments: Vec<&Piece> = Vec::new();
    for p in pieces {
        let label = ctx.joined(&p.labels);
        let anchor = !p.codes.is_empty()
            || if ctx.spec.two_sided() {
                !p.labels.is_empty()
                    && (split_enumerator(&label).0.is_some()
                        || side_label(ctx, &label).is_some()
                        || label.starts_with("年初财政拨款结转和结余")
                        || opens_side_label(ctx, &label))
            } else {
                !p.labels.is_empty() && match_label(&label, ctx.spec.labels).is_some()
            };
        if anchor {
            rows.push((
                Record {
                    side: p.side,
                    code: None,
                    item: String::new(),
                    line_no: p.line_no.and_then(|i| ctx.text(i).parse().ok()),
                    amounts: Vec::new(),
                    line: ctx.grid.cells
                        [p.codes.first().or(p.labels.first()).copied().unwrap_or(0)]
                    .line,
                    label_repaired: false,
                },
                p.clone(),
            ));
        } else {
            fragments.push(p);
        }
    }
    // Fragments in line order, each to the nearest row of its side/panel on
    // its page (the line after a page's last row is the next page's running
    // head, not the rest of a name).
    let segment = |p: &Piece| {
        p.codes
            .iter()
            .chain(&p.labels)
            .chain(&p.amounts)
            .next()
            .map(|&i| ctx.grid.cells[i].segment)
    };
    let fragments = deal_columns(ctx, &mut rows, fragments, &segment);
    // A row whose name opens with its enumerator (`九、`) has nothing before
    // it: a name fragment or a line of amounts just above it is the end of
    // the row above (an amount centred between a name's two lines, row after
    // row). In flat text a line of amounts is never before its row's code
    // either (it follows a name wrapped under the code), while a name may
    // be (a code centred beside it).
    let flat = ctx.grid.layout == Layout::Ordered;
    let opens: Vec<Opens> = rows
        .iter()
        .map(|(_, r)| {
            if split_enumerator(&ctx.joined(&r.labels)).0.is_some() {
                Opens::Everything
            } else if flat && !r.codes.is_empty() {
                Opens::Amounts
            } else {
                Opens::Nothing
            }
        })
        .collect();
    // The line each row's amounts stand on, once a line of amounts joined
    // it: a name wrapped around its amounts (vertically centred) continues
    // as far below them as it began above, however far that is from the
    // line that opened the row.
    let mut centre: Vec<u32> = rows.iter().map(|(_, r)| r.line).collect();
    let sides_alike = ctx.spec.two_sided()
        && ctx.spec.side_columns(Some(Side::Income)).len()
            == ctx.spec.side_columns(Some(Side::Expenditure)).len();
    for f in fragments {
        let nearest = |rows: &[(Record, Piece)], side: Option<Side>| {
            nearest_row(rows, &centre, &opens, f, side, &segment)
        };
        let name_only = f.amounts.is_empty() && f.codes.is_empty() && !f.labels.is_empty();
        let target = if name_only && ctx.spec.two_sided() {
            extended_row(ctx, &rows, &opens, f, &segment).or_else(|| nearest(&rows, f.side))
        } else if flat && name_only {
            open_row_above(&rows, f, &segment)
                .or_else(|| first_row_below_a_total(ctx, &rows, f, &segment))
                .or_else(|| nearest(&rows, f.side))
        } else {
            nearest(&rows, f.side)
        };
        // A name wraps onto three lines at most beside its amounts; amounts
        // printed after a longer name join it when no row starts between.
        let near = |(d, below, k): (u32, bool, usize)| {
            d <= NEAR_LINES
                || flat
                    && !below
                    && d <= MAX_WRAPPED_LINES
                    && !rows.iter().any(|(_, r)| {
                        r.panel == f.panel && r.line > rows[k].1.line && r.line < f.line
                    })
        };
        // Amounts alone on a line of a table whose sides have as many
        // columns (01): either side's, the one whose row is near. (Where
        // the sides' widths differ, the count said the side.)
        let target = match target {
            Some(t) if near(t) => Some(t),
            _ if sides_alike
                && f.labels.is_empty()
                && f.codes.is_empty()
                && !f.amounts.is_empty() =>
            {
                let other = match f.side {
                    Some(Side::Expenditure) => Side::Income,
                    _ => Side::Expenditure,
                };
                nearest(&rows, Some(other)).filter(|&t| near(t)).or(target)
            }
            _ => target,
        };
        match target {
            Some(t @ (_, below, k)) if near(t) => {
                if rows[k].1.amounts.is_empty() && !f.amounts.is_empty() {
                    centre[k] = f.line;
                }
                let r = &mut rows[k].1;
                if below {
                    let mut l = f.labels.clone();
                    l.extend(r.labels.iter().copied());
                    r.labels = l;
                } else {
                    r.labels.extend(f.labels.iter().copied());
                }
                r.amounts.extend(f.amounts.iter().copied());
                if r.line_no.is_none() {
                    r.line_no = f.line_no;
                }
            }
            _ => *unplaced += f.amounts.len(),
        }
    }
    // Labels and codes.
    let mut carry_over = false;
    for (rec, p) in rows.iter_mut() {
        let label = ctx.joined(&p.labels);
        if !p.codes.is_empty() {
            let code: String = p.codes.iter().map(|&i| ctx.text(i)).collect();
            rec.code = Some(code);
            rec.item = clean_name(&label);
        } else if ctx.spec.two_sided() {
            let side = rec.side.unwrap_or(Side::Income);
            let vocab = ctx.sides.side(side);
            let (item, repaired) = match match_label(&label, vocab) {
                Some(v) => (v.to_string(), vocab::clean_label(&label) != v),
                None => match total_after_debris(
                    &p.labels.iter().map(|&i| ctx.text(i)).collect::<Vec<_>>(),
                    vocab,
                ) {
                    Some(v) => (v.to_string(), true),
                    None => (clean_name(&label), false),
                },
            };
            rec.item = item;
            rec.label_repaired = repaired;
            if table == Table::FiscalOverview && side == Side::Income {
                if rec.item == "年初财政拨款结转和结余" {
                    carry_over = true;
                } else if carry_over
                    && rec.item.ends_with("财政拨款")
                    && !rec.item.starts_with("年初")
                {
                    rec.item = format!("年初财政拨款结转和结余/{}", rec.item);
                } else if rec.item == "总计" {
                    carry_over = false;
                }
            }
        } else {
            let (item, repaired) = match match_label(&label, ctx.spec.labels) {
                Some(v) => (v.to_string(), vocab::clean_label(&label) != v),
                None => (clean_name(&label), false),
            };
            rec.item = item;
            rec.label_repaired = repaired;
        }
        if let Some(&a) = p.amounts.first() {
            rec.line = ctx.grid.cells[a].line;
        }
    }
    rows
}

/// A table without codes printed a column at a time (a cell stream whose
/// converter took each column for a text flow of its own: the rows' names,
/// then their amounts, a line each; see `read::stream`): the amounts after
/// a run of names, more than one row of the side takes, are dealt to the
/// run's rows in order where there is one per row, or one per row and
/// column (every cell printed, zeros included: the first column down, then
/// the next), every row a name of the side. They are the last row's own
/// (a short run, set on its line) and the lines of one amount each after
/// it, the first of those perhaps with the last name's wrapped tail (`款`).
/// Where the count matches, each
/// amount is at its printed place as surely as a full row's amounts are on
/// a line: the stream printed the column whole, and a name counted as a
/// row that is none would leave a row over. Any other count (blank cells
/// gone) says nothing of which row an amount is in: the lines of amounts
/// then go whole to the last row, as the stream printed them. The
/// fragments neither dealt nor given are returned.
fn deal_columns<'p>(
    ctx: &Ctx,
    rows: &mut [(Record, Piece)],
    fragments: Vec<&'p Piece>,
    segment: &dyn Fn(&Piece) -> Option<u16>,
) -> Vec<&'p Piece> {
    if ctx.spec.coded {
        // A coded table printed a column at a time is `read::stream`'s to
        // transpose, by its codes.
        return fragments;
    }
    let single = |f: &Piece| f.labels.is_empty() && f.codes.is_empty() && f.amounts.len() == 1;
    let mut taken = vec![false; fragments.len()];
    let mut floor: Option<u32> = None;
    for r in 0..rows.len() {
        let line = rows[r].1.line;
        let next = rows.get(r + 1).map_or(u32::MAX, |(_, p)| p.line);
        // The lines of amounts after the row and before the next: name
        // tails first, then a line of amounts (a tail perhaps with them),
        // then lines of one amount each. Fragments come in line order.
        let after = fragments.partition_point(|f| f.line <= line)
            ..fragments.partition_point(|f| f.line < next);
        let tails = after
            .clone()
            .take_while(|&f| fragments[f].amounts.is_empty() && fragments[f].codes.is_empty())
            .count();
        let mut run: Vec<usize> = Vec::new();
        for f in after.start + tails..after.end {
            let p = fragments[f];
            let joins = match run.last() {
                None => !p.amounts.is_empty() && p.codes.is_empty(),
                Some(&before) => {
                    single(p)
                        && p.line == fragments[before].line + 1
                        && segment(p) == segment(fragments[before])
                }
            };
            if !joins {
                break;
            }
            run.push(f);
        }
        let own = rows[r].1.amounts.len();
        let in_run: usize = run.iter().map(|&f| fragments[f].amounts.len()).sum();
        let count = own + in_run;
        if count < 2 {
            // No run: one amount is any row's.
            if count > 0 {
                floor = Some(run.last().map_or(line, |&f| fragments[f].line));
            }
            continue;
        }
        let takers: Vec<usize> = (0..=r)
            .filter(|&k| {
                let p = &rows[k].1;
                (k == r || p.amounts.is_empty())
                    && floor.is_none_or(|f| p.line > f)
                    && segment(p) == segment(&rows[r].1)
                    && p.panel == rows[r].1.panel
            })
            .collect();
        floor = Some(run.last().map_or(line, |&f| fragments[f].line));
        let n = takers.len();
        let side = ctx.spec.two_sided().then(|| {
            let income = takers
                .iter()
                .filter(|&&k| rows[k].1.side == Some(Side::Income))
                .count();
            if income * 2 > n {
                Side::Income
            } else {
                Side::Expenditure
            }
        });
        let columns = ctx.spec.side_columns(side).len();
        // Every row of a run is of its side (flat text sets a row of the
        // other side above, its name wrapped, beside no amount).
        let of_side = |k: usize| {
            side.is_none_or(|side| {
                let l = ctx.joined(&rows[k].1.labels);
                matches_side(ctx, side, &l) || extends_side_label(ctx, side, &l)
            })
        };
        let dealt = n >= 2
            && count > columns
            && (count == n || count == n * columns)
            && takers.iter().all(|&k| of_side(k));
        if !dealt {
            // Lines of one amount each are the row's, as printed.
            if run.len() >= 2 {
                for &f in &run {
                    taken[f] = true;
                    let p = fragments[f];
                    rows[r].1.labels.extend(p.labels.iter().copied());
                    rows[r].1.amounts.extend(p.amounts.iter().copied());
                }
            }
            continue;
        }
        let mut amounts = std::mem::take(&mut rows[r].1.amounts);
        for &f in &run {
            taken[f] = true;
            rows[r].1.labels.extend(fragments[f].labels.iter().copied());
            amounts.extend(fragments[f].amounts.iter().copied());
        }
        for (j, &a) in amounts.iter().enumerate() {
            rows[takers[j % n]].1.amounts.push(a);
        }
        // A name both sides print (总计) is of the run's side.
        if let Some(side) = side {
            for &k in &takers {
                let p = &mut rows[k];
                if p.1.side != Some(side) && matches_side(ctx, side, &ctx.joined(&p.1.labels)) {
                    p.1.side = Some(side);
                    p.0.side = Some(side);
                }
            }
        }
    }
    fragments
        .into_iter()
        .zip(taken)
        .filter(|(_, t)| !t)
        .map(|(f, _)| f)
        .collect()
}

/// A total row (`总计`, `本年收入合计`) whose name took the wrapped tail of
/// the name above it or a header's words (`和结余` / `总计`, narrow name
/// cells of a two-sided table): its last cells name the total exactly.
/// Totals only: a row name's last cells may well be another row's name.
fn total_after_debris(pieces: &[&str], vocab: &[&'static str]) -> Option<&'static str> {
    (1..pieces.len()).find_map(|k| {
        let tail = vocab::clean_label(&compact_cjk(&pieces[k..].join(" ")));
        vocab
            .iter()
            .find(|v| **v == tail && (v.ends_with("总计") || v.ends_with("合计")))
            .copied()
    })
}

/// Lines a name fragment or a line of amounts may stand from its row.
const NEAR_LINES: u32 = 3;

/// Flat text reads row after row: a name fragment after a row that has
/// printed no amount yet continues that row's name, however near the next
/// row starts. That row, as (line distance, below, index).
fn open_row_above(
    rows: &[(Record, Piece)],
    f: &Piece,
    segment: &dyn Fn(&Piece) -> Option<u16>,
) -> Option<(u32, bool, usize)> {
    let (k, (_, r)) = rows
        .iter()
        .enumerate()
        .filter(|(_, (_, r))| r.panel == f.panel && segment(r) == segment(f) && r.line < f.line)
        .max_by_key(|(_, (_, r))| r.line)?;
    (r.amounts.is_empty() && f.line - r.line <= MAX_WRAPPED_LINES).then_some((
        f.line - r.line,
        false,
        k,
    ))
}

/// A lone name fragment of a two-sided table continues the nearest row, of
/// either side, whose name it extends toward one of that side's row names,
/// where one is nearest (at one distance, the fragment's own side, its
/// place on a line of two fragments, first): flat text does not say which
/// side it is on, and positioned text may set it nearer the next row than
/// the first line of its own (`年初财政` / `拨款结转` / `和结余` over 总计).
fn extended_row(
    ctx: &Ctx,
    rows: &[(Record, Piece)],
    opens: &[Opens],
    f: &Piece,
    segment: &dyn Fn(&Piece) -> Option<u16>,
) -> Option<(u32, bool, usize)> {
    let mut extended: Vec<(u32, bool, usize)> = Vec::new();
    for (k, (_, r)) in rows.iter().enumerate() {
        let d = r.line.abs_diff(f.line);
        let below = r.line > f.line;
        if r.panel != f.panel
            || segment(r) != segment(f)
            || d > NEAR_LINES
            || below && opens[k] == Opens::Everything
        {
            continue;
        }
        let joined = if below {
            ctx.joined(&f.labels) + &ctx.joined(&r.labels)
        } else {
            ctx.joined(&r.labels) + &ctx.joined(&f.labels)
        };
        if extends_side_label(ctx, r.side.unwrap_or(Side::Income), &joined) {
            extended.push((d, below, k));
        }
    }
    extended.sort_by_key(|&(d, below, k)| (d, rows[k].1.side != f.side, below, k));
    let first = *extended.first()?;
    extended
        .get(1)
        .is_none_or(|second| second.0 > first.0 || rows[second.2].1.side != rows[first.2].1.side)
        .then_some(first)
}

/// Flat text of a coded table: a name fragment right after a row whose name
/// is a whole total (合计) and right before a coded row begins that row's
/// name (a code centred beside its wrapped name), as (distance, below,
/// index).
fn first_row_below_a_total(
    ctx: &Ctx,
    rows: &[(Record, Piece)],
    f: &Piece,
    segment: &dyn Fn(&Piece) -> Option<u16>,
) -> Option<(u32, bool, usize)> {
    let same = |r: &Piece| r.panel == f.panel && segment(r) == segment(f);
    let (_, (_, above)) = rows
        .iter()
        .enumerate()
        .filter(|(_, (_, r))| same(r) && r.line < f.line)
        .max_by_key(|(_, (_, r))| r.line)?;
    let total = vocab::clean_label(&ctx.joined(&above.labels));
    if !above.codes.is_empty() || !ctx.spec.labels.contains(&total.as_str()) {
        return None;
    }
    let (k, (_, below)) = rows
        .iter()
        .enumerate()
        .filter(|(_, (_, r))| same(r) && r.line > f.line)
        .min_by_key(|(_, (_, r))| r.line)?;
    (!below.codes.is_empty() && below.line - f.line <= NEAR_LINES).then_some((
        below.line - f.line,
        true,
        k,
    ))
}

/// Most lines a row's name wraps onto in flat text before its amounts.
const MAX_WRAPPED_LINES: u32 = 6;

/// What a row lets no fragment printed above it join it as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Opens {
    Everything,
    Amounts,
    Nothing,
}

/// The row a name fragment or a line of amounts joins on `side`: the nearest
/// of its side and panel on its page, as (line distance, below, index),
/// measured from the line of a row's amounts where it has some (`centre`).
fn nearest_row(
    rows: &[(Record, Piece)],
    centre: &[u32],
    opens: &[Opens],
    f: &Piece,
    side: Option<Side>,
    segment: &dyn Fn(&Piece) -> Option<u16>,
) -> Option<(u32, bool, usize)> {
    let same = |r: &Piece| r.side == side && r.panel == f.panel && segment(r) == segment(f);
    let has_amounts = !f.amounts.is_empty();
    let mut best: Option<(u32, bool, usize)> = None;
    for (k, (_, r)) in rows.iter().enumerate() {
        if !same(r) {
            continue;
        }
        if has_amounts && !r.amounts.is_empty() {
            continue;
        }
        let d = centre[k].abs_diff(f.line);
        let below = r.line > f.line;
        if below
            && match opens[k] {
                Opens::Everything => true,
                Opens::Amounts => f.labels.is_empty(),
                Opens::Nothing => false,
            }
        {
            continue;
        }
        let better = match best {
            None => true,
            Some((bd, bbelow, bk)) => {
                d < bd
                    || d == bd && {
                        // A tie: amounts go to the row above; a name
                        // fragment to the row below when that row has no
                        // name of its own.
                        if has_amounts {
                            !below && bbelow
                        } else {
                            below
                                && rows[k].1.labels.is_empty()
                                && (bbelow || !rows[bk].1.labels.is_empty())
                        }
                    }
            }
        };
        if better {
            best = Some((d, below, k));
        }
    }
    best
}

/// A printed name de-noised: enumerator, header debris and spaces removed.
fn clean_name(s: &str) -> String {
    let (_, rest) = split_enumerator(s);
    let rest = rest.trim_start_matches(['-', '_', '.', '、', ':', '·']);
    let rest = rest
        .strip_prefix("类款项")
        .or_else(|| rest.strip_prefix("栏次"))
        .unwrap_or(rest);
    compact_cjk(rest).into_owned()
}

/// Amounts of table 09's single row.
fn three_public(
    ctx: &Ctx,
    header: &[usize],
    numbering: &[usize],
    body: &[(u32, std::ops::Range<usize>)],
    out: &mut Assembled,
) {
    let mut amounts: Vec<usize> = Vec::new();
    for (_, r) in body {
        for i in r.clone() {
            match ctx.kind(i) {
                CellKind::Amount => amounts.push(i),
                CellKind::Digits
                    if !ctx.whole_is_no_money && (!amounts.is_empty() || ctx.text(i).len() > 2) =>
                {
                    amounts.push(i)
                }
                _ => {}
            }
        }
    }
    if amounts.is_empty() {
        return;
    }
    let rec = Record {
        side: None,
        code: None,
        item: "三公经费".to_string(),
        line_no: None,
        amounts: Vec::new(),
        line: ctx.grid.cells[amounts[0]].line,
        label_repaired: false,
    };
    let piece = Piece {
        amounts,
        ..Piece::default()
    };
    place_domains(ctx, header, numbering, vec![(rec, piece)], out);
}

/// Gives every amount its group and every group its columns.
fn place_domains(
    ctx: &Ctx,
    header: &[usize],
    numbering: &[usize],
    mut rows: Vec<(Record, Piece)>,
    out: &mut Assembled,
) {
    let spec = ctx.spec;
    // Where every figure prints decimals, a bare whole number read among a
    // row's amounts (a 行次, a page number) ended the row's name, as an
    // amount would, but is no money. (One shaped like a code is a code out
    // of its place, left as it was read.)
    if ctx.whole_is_no_money {
        for (_, p) in &mut rows {
            p.amounts
                .retain(|&i| ctx.kind(i) != CellKind::Digits || code_like(ctx.text(i)));
        }
    }
    match ctx.grid.layout {
        Layout::Ordered => {
            // The columns the header names, where they can hold every row's
            // figures: a header whose last words a stream set among the
            // rows (pdftotext's default order) names fewer columns than a
            // row prints, and says nothing of the others.
            let printed = |side: Option<Side>| {
                let cols = spec.side_columns(side);
                let set = printed_columns(ctx, header, cols);
                let widest = rows
                    .iter()
                    .filter(|(r, _)| r.side == side)
                    .map(|(_, p)| p.amounts.len())
                    .max()
                    .unwrap_or(0);
                if widest > set.count_ones() as usize {
                    all_columns(cols.len())
                } else {
                    set
                }
            };
            let sets = [
                printed(None),
                printed(Some(Side::Income)),
                printed(Some(Side::Expenditure)),
            ];
            for (mut rec, p) in rows {
                let cols = spec.side_columns(rec.side);
                let set = match rec.side {
                    None => sets[0],
                    Some(Side::Income) => sets[1],
                    Some(Side::Expenditure) => sets[2],
                };
                // A row that prints every column, or all but a few, in
                // the one placement its sums prove.
                let proven: Option<Vec<ColumnSet>> = (!spec.printed_orders.is_empty()
                    && cols.len() == spec.columns.len())
                .then(|| {
                    let values: Option<Vec<Option<Amount>>> = p
                        .amounts
                        .iter()
                        .map(|&i| amount_of(ctx, i).map(|a| Some(a.value)))
                        .collect();
                    let all = (p.amounts.len() == cols.len()).then(|| (0..cols.len()).collect());
                    place_by_sums(spec, &[values?], all)
                })
                .flatten();
                // A row that prints an amount for every column: the printed
                // order decides, as for aligned text whose every column is
                // printed (headers stacked in flat text interleave their
                // words, so they cannot name every column).
                let complete = (proven.is_none() && p.amounts.len() == cols.len()).then(|| {
                    let values: Vec<Option<Amount>> = p
                        .amounts
                        .iter()
                        .map(|&i| amount_of(ctx, i).map(|a| a.value))
                        .collect();
                    printed_order(spec, cols.len(), &[values])
                });
                for (k, &i) in p.amounts.iter().enumerate() {
                    let Some(printed) = amount_of(ctx, i) else {
                        out.unplaced += 1;
                        continue;
                    };
                    let domain = if let Some(sets) = &proven {
                        narrowed(sets[k], set)
                    } else if let Some(order) = &complete {
                        1 << order[k]
                    } else if k == 0 && spec.total_first && cols.len() > 1 {
                        1
                    } else {
                        set
                    };
                    out.groups.push(Group {
                        side: rec.side,
                        domain,
                        rank: None,
                    });
                    rec.amounts.push(AmountCell {
                        cell: i,
                        printed,
                        value: printed.value,
                        decimals: printed.decimals,
                        group: out.groups.len() - 1,
                    });
                }
                out.records.push(rec);
            }
        }
        Layout::Columns | Layout::Positioned => {
            let sides: Vec<Option<Side>> = if spec.two_sided() {
                vec![Some(Side::Income), Some(Side::Expenditure)]
            } else {
                vec![None]
            };
            let mut rows = rows;
            for side in sides {
                let cols = spec.side_columns(side);
                let stacks = header_stacks(ctx, header, side, &rows);
                let named = header::name_columns(&stacks, cols);
                let numbers = numbering_columns(ctx, numbering, side, &rows);
                // Amounts of this side, clustered into columns.
                let mut members: Vec<(usize, usize)> = Vec::new(); // (row, amount cell)
                for (r, (rec, p)) in rows.iter().enumerate() {
                    if rec.side == side {
                        for &i in &p.amounts {
                            members.push((r, i));
                        }
                    }
                }
                let clusters = cluster(ctx, &members);
                let mut segments: Vec<u16> = clusters.iter().map(|c| c.segment).collect();
                segments.sort();
                segments.dedup();
                let header_segment = header
                    .first()
                    .map(|&i| ctx.grid.cells[i].segment)
                    .unwrap_or(0);
                let mut seg0: Vec<(Span, ColumnSet)> = Vec::new();
                for seg in segments {
                    let in_seg: Vec<&Cluster> =
                        clusters.iter().filter(|c| c.segment == seg).collect();
                    let has_header = seg == header_segment
                        || header.iter().any(|&i| ctx.grid.cells[i].segment == seg);
                    let domains: Vec<ColumnSet> = if in_seg.len() == cols.len() {
                        // Every column printed: the printed order decides
                        // (the template's, or another the identities prove).
                        printed_order(spec, cols.len(), &complete_rows(ctx, &in_seg))
                            .iter()
                            .map(|&k| 1 << k)
                            .collect()
                    } else if let Some(sums) = proven_columns(ctx, &in_seg, cols.len()) {
                        // The sums decide; the headers, where they agree,
                        // choose among what the sums leave open.
                        in_seg
                            .iter()
                            .zip(sums)
                            .map(|(c, sums)| {
                                narrowed(
                                    sums,
                                    domain_under(c.span, &stacks, &named, &numbers, cols.len()),
                                )
                            })
                            .collect()
                    } else if has_header || ctx.grid.layout == Layout::Columns {
                        in_seg
                            .iter()
                            .map(|c| domain_under(c.span, &stacks, &named, &numbers, cols.len()))
                            .collect()
                    } else if seg0.len() == in_seg.len() {
                        seg0.iter().map(|s| s.1).collect()
                    } else {
                        vec![all_columns(cols.len()); in_seg.len()]
                    };
                    if seg == header_segment {
                        seg0 = in_seg
                            .iter()
                            .zip(&domains)
                            .map(|(c, d)| (c.span, *d))
                            .collect();
                    }
                    for (rank, (c, d)) in in_seg.iter().zip(domains).enumerate() {
                        out.groups.push(Group {
                            side,
                            domain: d,
                            rank: Some((seg, rank as u32)),
                        });
                        let g = out.groups.len() - 1;
                        for &(r, i) in &c.members {
                            match amount_of(ctx, i) {
                                Some(printed) => rows[r].0.amounts.push(AmountCell {
                                    cell: i,
                                    printed,
                                    value: printed.value,
                                    decimals: printed.decimals,
                                    group: g,
                                }),
                                None => out.unplaced += 1,
                            }
                        }
                    }
                }
            }
            for (mut rec, _) in rows {
                rec.amounts.sort_by_key(|a| {
                    let c = &ctx.grid.cells[a.cell];
                    (c.x.x0, c.line)
                });
                out.records.push(rec);
            }
        }
    }
}

/// The values of the rows that print an amount in every cluster, in cluster
/// order; none when the spec declares no other printed order to weigh.
fn complete_rows(ctx: &Ctx, clusters: &[&Cluster]) -> Vec<Vec<Option<Amount>>> {
    if ctx.spec.printed_orders.is_empty() {
        return Vec::new();
    }
    let mut by_row: std::collections::BTreeMap<usize, Vec<Option<Amount>>> = Default::default();
    for (k, c) in clusters.iter().enumerate() {
        for &(r, i) in &c.members {
            by_row
                .entry(r)
                .or_insert_with(|| vec![None; clusters.len()])[k] =
                amount_of(ctx, i).map(|p| p.value);
        }
    }
    by_row
        .into_values()
        .filter(|v| v.iter().all(Option::is_some))
        .collect()
}

/// The columns the sums allow, narrowed to those the headers name where the
/// two agree on any; the sums alone where they do not (a header read in the
/// wrong unit or lost).
fn narrowed(sums: ColumnSet, heads: ColumnSet) -> ColumnSet {
    if sums & heads != 0 {
        sums & heads
    } else {
        sums
    }
}

/// Most columns a row may leave blank for its sums to place the rest:
/// C(12, 4) position sets × the spec's printed orders, about a thousand
/// trials of a dozen sums, at most once per table that declares other
/// printed orders (09).
const MAX_BLANK_COLUMNS: usize = 4;

/// The columns of a table whose spec declares other printed orders (09),
/// proven by its row sums where headers are lost, stacked or centred over
/// groups (09's `预算数`/`决算数` banners over six columns each): a blank is
/// nil, and the one placement of the clusters, left to right, under which
/// every row's sums hold decides. Where the reader knows each cell's column
/// and the amounts span exactly the spec's columns, the positions are those
/// columns; otherwise up to [`MAX_BLANK_COLUMNS`] columns may be blank
/// anywhere. The columns each cluster may be (see [`place_by_sums`]), or
/// none.
fn proven_columns(ctx: &Ctx, clusters: &[&Cluster], n: usize) -> Option<Vec<ColumnSet>> {
    let m = clusters.len();
    if ctx.spec.printed_orders.is_empty() || n != ctx.spec.columns.len() || m == 0 || m > n {
        return None;
    }
    let mut by_x: Vec<usize> = (0..m).collect();
    by_x.sort_by_key(|&k| clusters[k].span.x0);
    let mut by_row: std::collections::BTreeMap<usize, Vec<Option<Amount>>> = Default::default();
    for (pos, &k) in by_x.iter().enumerate() {
        for &(r, i) in &clusters[k].members {
            by_row.entry(r).or_insert_with(|| vec![None; m])[pos] = Some(amount_of(ctx, i)?.value);
        }
    }
    let rows: Vec<Vec<Option<Amount>>> = by_row.into_values().collect();
    let first = clusters[by_x[0]].span.x0;
    let indexed = ctx.grid.layout == Layout::Columns
        && clusters.iter().all(|c| c.span.x1 == c.span.x0 + 1)
        && (clusters[by_x[m - 1]].span.x0 - first) as usize + 1 == n;
    let positions: Option<Vec<usize>> = indexed.then(|| {
        by_x.iter()
            .map(|&k| (clusters[k].span.x0 - first) as usize)
            .collect()
    });
    let cols = place_by_sums(ctx.spec, &rows, positions)?;
    let mut out: Vec<ColumnSet> = vec![0; m];
    for (pos, &k) in by_x.iter().enumerate() {
        out[k] = cols[pos];
    }
    Some(out)
}

/// Whether a row printing `printed` left to right (blank cells gone) has a
/// placement among the spec's column orders under which its sums hold.
pub(crate) fn row_places_by_sums(spec: &TableSpec, printed: &[Amount]) -> bool {
    let row: Vec<Option<Amount>> = printed.iter().copied().map(Some).collect();
    place_by_sums(spec, &[row], None).is_some()
}

/// The columns each printed position of `rows` (values left to right,
/// `None` where a row prints nothing there, read as nil) may take: the
/// union over the placements under which every row's sums hold, among the
/// template's order and the spec's `printed_orders`, at the given
/// `positions` or, without them, leaving any [`MAX_BLANK_COLUMNS`] columns
/// at most blank. A position the sums pin down gets one column; one they
/// cannot tell apart (a blank 公务用车购置费 beside its 运行维护费: either
/// makes the 小计) keeps the columns it may be. None where no placement
/// holds.
fn place_by_sums(
    spec: &TableSpec,
    rows: &[Vec<Option<Amount>>],
    positions: Option<Vec<usize>>,
) -> Option<Vec<ColumnSet>> {
    let n = spec.columns.len();
    let m = rows.first()?.len();
    if spec.printed_orders.is_empty() || m > n || n - m > MAX_BLANK_COLUMNS || n > 16 {
        return None;
    }
    // The position sets to try: the given one, or every set of `m` of the
    // `n` columns, left to right.
    let position_sets: Box<dyn Iterator<Item = Vec<usize>>> = match positions {
        Some(p) => Box::new(std::iter::once(p)),
        None => Box::new(
            (0u32..1 << n)
                .filter(move |mask| mask.count_ones() as usize == m)
                .map(move |mask| (0..n).filter(|&c| mask & (1 << c) != 0).collect()),
        ),
    };
    let orders: Vec<Vec<usize>> = std::iter::once((0..n).collect())
        .chain(
            spec.printed_orders
                .iter()
                .filter(|o| o.len() == n)
                .map(|o| o.iter().map(|&k| k as usize).collect()),
        )
        .collect();
    let mut found: Option<Vec<ColumnSet>> = None;
    let mut values = vec![None; n];
    for positions in position_sets {
        for order in &orders {
            let cols: Vec<usize> = positions.iter().map(|&p| order[p]).collect();
            let holds = rows.iter().all(|row| {
                values.iter_mut().for_each(|v| *v = Some(Amount::ZERO));
                for (k, &c) in cols.iter().enumerate() {
                    values[c] = Some(row[k].unwrap_or(Amount::ZERO));
                }
                spec.row_sums_hold(&values) == Some(true)
            });
            if holds {
                let sets = found.get_or_insert_with(|| vec![0; m]);
                for (set, &c) in sets.iter_mut().zip(&cols) {
                    *set |= 1 << c;
                }
            }
        }
    }
    found
}

/// The column of each printed position when a row prints every column: the
/// one order among the template's and the spec's `printed_orders` under
/// which the rows' identities hold, else the template's.
fn printed_order(spec: &TableSpec, n: usize, rows: &[Vec<Option<Amount>>]) -> Vec<usize> {
    (n == spec.columns.len() && !rows.is_empty())
        .then(|| place_by_sums(spec, rows, Some((0..n).collect())))
        .flatten()
        .filter(|sets| sets.iter().all(|s| s.count_ones() == 1))
        .map(|sets| sets.iter().map(|s| s.trailing_zeros() as usize).collect())
        .unwrap_or_else(|| (0..n).collect())
}

fn amount_of(ctx: &Ctx, i: usize) -> Option<Printed> {
    parse_printed(ctx.text(i))
}

/// Flat text: the columns a header line lists, when it lists at least two;
/// otherwise every column.
fn printed_columns(ctx: &Ctx, header: &[usize], cols: &[ColumnSpec]) -> ColumnSet {
    let mut set: ColumnSet = 0;
    for &i in header {
        let k = header::header_key(ctx.text(i));
        for (ci, c) in cols.iter().enumerate() {
            if header::level_matches(&k, c.leaf(), c.aliases) && !c.name.contains('/') {
                set |= 1 << ci;
            }
        }
    }
    if set.count_ones() >= 2 && set & 1 == 1 {
        set
    } else {
        all_columns(cols.len())
    }
}

struct Cluster {
    segment: u16,
    span: Span,
    members: Vec<(usize, usize)>,
}

/// Amounts of one side grouped into columns: by column index for TAB rows,
/// by overlapping extents within a page segment for aligned text.
fn cluster(ctx: &Ctx, members: &[(usize, usize)]) -> Vec<Cluster> {
    let mut items: Vec<(u16, Span, (usize, usize))> = members
        .iter()
        .map(|&(r, i)| (ctx.grid.cells[i].segment, ctx.span(i), (r, i)))
        .collect();
    if ctx.grid.layout == Layout::Columns {
        items.iter_mut().for_each(|it| it.0 = 0);
    }
    items.sort_by_key(|it| (it.0, it.1.center2()));
    let mut out: Vec<Cluster> = Vec::new();
    for (seg, span, m) in items {
        match out.last_mut() {
            Some(c)
                if c.segment == seg
                    && (c.span.overlap(span) > 0
                        || ctx.grid.layout == Layout::Columns && c.span == span) =>
            {
                c.span = Span {
                    x0: c.span.x0.min(span.x0),
                    x1: c.span.x1.max(span.x1),
                };
                c.members.push(m);
            }
            _ => out.push(Cluster {
                segment: seg,
                span,
                members: vec![m],
            }),
        }
    }
    out
}

/// Header stacks of one side. TAB rows: a stack per column index, with the
/// cells of upper rows spanning right over empty positions as parents.
fn header_stacks(
    ctx: &Ctx,
    header: &[usize],
    side: Option<Side>,
    rows: &[(Record, Piece)],
) -> Vec<Stack> {
    let on_side = |i: usize| -> bool {
        match side {
            None => true,
            Some(s) => {
                let split = side_split_of(ctx, rows);
                let x = ctx.span(i).x0;
                match split {
                    Some(sx) => (x + ctx.slack() >= sx) == (s == Side::Expenditure),
                    None => true,
                }
            }
        }
    };
    let frags: Vec<Fragment> = header
        .iter()
        .copied()
        .filter(|&i| ctx.kind(i) == CellKind::Text && on_side(i))
        // A two-sided table's side banners head its sides, not columns.
        .filter(|&i| {
            !(ctx.spec.two_sided() && matches!(squeeze(ctx.text(i)).as_str(), "收入" | "支出"))
        })
        .map(|i| Fragment {
            text: ctx.text(i).to_string(),
            line: ctx.grid.cells[i].row,
            span: ctx.span(i),
        })
        .collect();
    if ctx.grid.layout != Layout::Columns {
        return header::stack(&merge_adjacent(ctx, frags));
    }
    // TAB rows: one stack per column, parents from upper rows' spans.
    let mut by_line: Vec<u32> = frags.iter().map(|f| f.line).collect();
    by_line.sort();
    by_line.dedup();
    let max_col = ctx
        .grid
        .cells
        .iter()
        .filter_map(|c| c.col)
        .max()
        .unwrap_or(0) as u32;
    let mut stacks: Vec<Stack> = Vec::new();
    let deepest = by_line.last().copied();
    for c in 0..=max_col {
        // A parent stands above every header word of its columns: a cell
        // that a column's own words start above is no parent of it (a
        // rule-less header's words are each one column wide).
        let own_from = frags
            .iter()
            .filter(|f| f.span.x0 == c)
            .map(|f| f.line)
            .min();
        let mut texts: Vec<String> = Vec::new();
        for &l in &by_line {
            let line_frags: Vec<&Fragment> = frags.iter().filter(|f| f.line == l).collect();
            // The cell at or left of `c` on this line spans to the next one
            // (upper rows only: the deepest row names its own column).
            let own = line_frags.iter().find(|f| f.span.x0 == c);
            let spanning = if Some(l) == deepest {
                None
            } else {
                line_frags
                    .iter()
                    .filter(|f| f.span.x0 <= c)
                    .max_by_key(|f| f.span.x0)
                    .filter(|f| {
                        !line_frags
                            .iter()
                            .any(|g| g.span.x0 > f.span.x0 && g.span.x0 <= c)
                            && (f.span.x0 == c || own_from.is_none_or(|o| f.line < o))
                    })
            };
            if let Some(f) = own.or(spanning) {
                texts.push(f.text.clone());
            }
        }
        if let Some(leaf) = texts.pop() {
            stacks.push(Stack {
                text: leaf,
                span: Span { x0: c, x1: c + 1 },
                parents: texts,
                top: 0,
            });
        }
    }
    stacks
}

fn side_split_of(ctx: &Ctx, rows: &[(Record, Piece)]) -> Option<u32> {
    rows.iter()
        .filter(|(r, _)| r.side == Some(Side::Expenditure))
        .map(|(_, p)| p.x0)
        .min()
        .map(|x| {
            if ctx.grid.layout == Layout::Columns {
                x
            } else {
                x.saturating_sub(1)
            }
        })
}

/// Words one space apart on a header line are one header unless each names
/// a column of its own.
fn merge_adjacent(ctx: &Ctx, mut frags: Vec<Fragment>) -> Vec<Fragment> {
    frags.sort_by_key(|f| (f.line, f.span.x0));
    let names = |t: &str| {
        let k = header::header_key(t);
        ctx.spec
            .columns
            .iter()
            .chain(ctx.spec.side_columns(Some(Side::Income)))
            .any(|c| {
                c.name
                    .split('/')
                    .any(|lv| header::level_matches(&k, lv, c.aliases))
            })
            || HEADER_WORDS.contains(&k.as_str())
    };
    let mut out: Vec<Fragment> = Vec::new();
    for f in frags {
        if let Some(last) = out.last_mut()
            && last.line == f.line
            && f.span.x0 <= last.span.x1 + 1
            && !(names(&last.text) && names(&f.text))
        {
            last.text.push_str(&f.text);
            last.span.x1 = f.span.x1;
            continue;
        }
        out.push(f);
    }
    out
}

/// Numbering (栏次) cells of a side: number → position.
fn numbering_columns(
    ctx: &Ctx,
    numbering: &[usize],
    side: Option<Side>,
    rows: &[(Record, Piece)],
) -> Vec<(Span, usize)> {
    let split = if side.is_some() {
        side_split_of(ctx, rows)
    } else {
        None
    };
    let mut nums: Vec<(Span, u32)> = numbering
        .iter()
        .filter(|&&i| {
            let x = ctx.span(i).x0;
            match (side, split) {
                (Some(s), Some(sx)) => (x + ctx.slack() >= sx) == (s == Side::Expenditure),
                _ => true,
            }
        })
        .filter_map(|&i| ctx.text(i).parse::<u32>().ok().map(|n| (ctx.span(i), n)))
        .collect();
    nums.sort_by_key(|n| n.0.x0);
    let Some(first) = nums.first().map(|n| n.1) else {
        return Vec::new();
    };
    nums.iter()
        .filter(|n| n.1 >= first)
        .map(|n| (n.0, (n.1 - first) as usize))
        .collect()
}

/// The columns of a cluster standing at `span`: the named header stack it
/// lies under, else the 栏次 number above it, else any column.
fn domain_under(
    span: Span,
    stacks: &[Stack],
    named: &[Option<usize>],
    numbers: &[(Span, usize)],
    n: usize,
) -> ColumnSet {
    let mut best: Option<(u32, usize)> = None;
    for (s, col) in stacks.iter().zip(named) {
        let Some(col) = col else { continue };
        let ov = s.span.overlap(span);
        if ov > 0 && best.is_none_or(|(b, _)| ov > b) {
            best = Some((ov, *col));
        }
    }
    if let Some((ov, col)) = best {
        // A column of amounts that only grazes its header (converters that
        // pad CJK text unevenly shift amounts against their headers) may be
        // the neighbour's: the identities choose, and what they cannot
        // decide is never verified.
        if ov * 2 < span.width() {
            let mut d: ColumnSet = 1 << col;
            if col > 0 {
                d |= 1 << (col - 1);
            }
            if col + 1 < n {
                d |= 1 << (col + 1);
            }
            return d;
        }
        return 1 << col;
    }
    if let Some((_, k)) = numbers
        .iter()
        .filter(|(s, _)| s.overlap(span) > 0)
        .max_by_key(|(s, _)| s.overlap(span))
        && *k < n
    {
        return 1 << k;
    }
    // Nearest named header by centre, when it is close.
    if let Some((d, col)) = stacks
        .iter()
        .zip(named)
        .filter_map(|(s, c)| {
            c.map(|c| {
                (
                    (s.span.center2() as i64 - span.center2() as i64).unsigned_abs(),
                    c,
                )
            })
        })
        .min()
        && d <= (span.width() as u64 + 2) * 2
    {
        return 1 << col;
    }
    all_columns(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Text;
    use crate::table::read::positioned;

    /// A cell stream prints its header a cell per line, and again over a
    /// continued page: those lines, repeating the header's in their order,
    /// are no part of the next row's name (PyMuPDF's block order of a
    /// generated report's 06 broken over two pages).
    #[test]
    fn a_header_printed_again_a_word_per_line_is_no_name() {
        let doc = "一般公共预算财政拨款基本支出决算明细表\n科目代码\n科目名称\n决算数\n\
                   301\n工资福利支出\n10.00\n30101\n基本工资\n10.00\n14\n\
                   \u{c}科目代码\n科目名称\n决算数\n人员经费合计\n10.00\n";
        let t = Text::from_string(doc);
        let a = assemble(
            TableSpec::of(Table::GeneralBudgetBasic),
            &crate::table::read::stream(&t, 0..t.len()),
        );
        let items: Vec<&str> = a.records.iter().map(|r| r.item.as_str()).collect();
        assert!(items.contains(&"人员经费合计"), "{items:?}");
    }

    /// Flat text whose header names two columns only (the stream set the
    /// others' words among the rows): a row printing three figures puts its
    /// third in a column the header did not name, which every column but
    /// the first may be, for the identities to choose.
    #[test]
    fn a_row_printing_more_figures_than_the_header_names_may_use_any_column() {
        let t = Text::from_string(
            "本年收入合计 财政拨款收入\n合计 30.00 20.00 10.00\n201 一般公共服务支出 30.00 20.00 10.00\n",
        );
        let a = assemble(
            TableSpec::of(Table::Income),
            &crate::table::read::ordered(&t, 0..t.len()),
        );
        let row = a
            .records
            .iter()
            .find(|r| r.code.as_deref() == Some("201"))
            .expect("the coded row");
        let third = a.groups[row.amounts[2].group].domain;
        assert_eq!(third, all_columns(7), "{:?}", a.records);
    }

    /// A total row whose name took the tail of the carry-over name above
    /// it or a header's words is that total; a name's last cells that name
    /// another row are not taken for it.
    #[test]
    fn a_total_keeps_its_name_under_debris() {
        let spec = TableSpec::of(Table::Overview);
        let sides = SideNames::of(spec);
        let expenditure = sides.side(Side::Expenditure);
        let income = sides.side(Side::Income);
        assert_eq!(
            total_after_debris(&["和结余", "拨款结转", "总计"], expenditure),
            Some("总计")
        );
        assert_eq!(
            total_after_debris(&["第", "页", "收入", "本年收入合计"], income),
            Some("本年收入合计")
        );
        assert_eq!(
            total_after_debris(&["及应急管理", "教育支出"], expenditure),
            None
        );
        assert_eq!(total_after_debris(&["总计"], expenditure), None);
    }

    /// A title drawn twice (bold faked by an offset copy) prints every
    /// character doubled in pdfplumber's layout mode (`支支出出决决算算表表`):
    /// it is the title, not a header stacked over the column below it, which
    /// left that column (基本支出) unnamed and its amounts to the next header,
    /// vouched for one column to the right (a generated report's table 03 as
    /// pdfplumber prints it).
    #[test]
    fn a_title_printed_doubled_is_no_header() {
        let t = Text::from_string(DOUBLED_TITLE);
        let a = assemble(
            TableSpec::of(Table::Expenditure),
            &positioned(&t, 0..t.len()),
        );
        let total = a.records.iter().find(|r| r.item == "合计").unwrap();
        let basic = a.groups[total.amounts[1].group].domain;
        assert_ne!(basic & (1 << 1), 0, "基本支出 not among {basic:b}");
    }

    /// Table 04 in layout text with narrow name cells (a generated report
    /// as `pdftotext -layout` prints it, cut short): every expenditure name
    /// wraps (`五、教育` / `支出`) but one tail (`其他支出`, set a little
    /// right), the header is stacked a character a line. The names'
    /// enumerated first lines say where the expenditure side starts; the
    /// tail alone put it right of them, every class on the income side.
    #[test]
    fn wrapped_names_in_narrow_cells_say_where_the_expenditure_side_starts() {
        let t = Text::from_string(NARROW_FISCAL);
        let a = assemble(
            TableSpec::of(Table::FiscalOverview),
            &positioned(&t, 0..t.len()),
        );
        let side = |item: &str| a.records.iter().find(|r| r.item == item).map(|r| r.side);
        assert_eq!(side("教育支出"), Some(Some(Side::Expenditure)));
        assert_eq!(side("外交支出"), Some(Some(Side::Expenditure)));
        assert_eq!(side("政府性基金预算财政拨款"), Some(Some(Side::Income)));
        assert_eq!(side("本年收入合计"), Some(Some(Side::Income)));
    }

    /// PyMuPDF's sorted text drifts: names alone on their lines start left
    /// of those that share a line with the income side (a generated
    /// report's 01 as PyMuPDF sorts it). Wrapped names' fragments there
    /// would put the split left of the income amounts; the whole names alone
    /// keep the income figures income.
    #[test]
    fn name_fragments_never_move_income_amounts_to_the_expenditure_side() {
        let t = Text::from_string(DRIFTING_OVERVIEW);
        let a = assemble(TableSpec::of(Table::Overview), &positioned(&t, 0..t.len()));
        let income = |item: &str| {
            a.records
                .iter()
                .find(|r| r.item == item && r.side == Some(Side::Income))
                .and_then(|r| r.amounts.first())
                .map(|am| am.printed.value)
        };
        let amount = |s: &str| Amount::parse_plain(s).unwrap();
        assert_eq!(income("一般公共预算财政拨款收入"), Some(amount("10374.54")));
        assert_eq!(income("其他收入"), Some(amount("176.59")));
        assert_eq!(income("本年收入合计"), Some(amount("10551.13")));
    }

    /// A blank row whose names wrap over three lines just above 总计 (a PDF
    /// table set in narrow cells, rows a line's leading apart): the last
    /// line (`和结余`) is nearer 总计 than the row's first line, but only
    /// the row above has a name it ends; joined to 总计 it made `和结余总计`,
    /// no row name at all.
    #[test]
    fn a_wrapped_name_ends_the_row_whose_name_it_completes() {
        let t = Text::from_string(
            "收入\t\t支出\t\t\n\
             项目\t决算数\t项目\t小计\t一般公共预算财政拨款\n\
             一、一般公共预算财政拨款\t100.00\t一、一般公共服务支出\t100.00\t100.00\n\
             本年收入合计\t100.00\t本年支出合计\t100.00\t100.00\n\
             年初财政\t\t年末财政\t\t\n\
             拨款结转\t\t拨款结转\t\t\n\
             和结余\t\t和结余\t\t\n\
             总计\t100.00\t总计\t100.00\t100.00\n",
        );
        let layout = crate::table::read::detect(&t, 0..t.len());
        let grid = crate::table::read::read(&t, 0..t.len(), layout).unwrap();
        let a = assemble(TableSpec::of(Table::FiscalOverview), &grid);
        let items = |side: Side| -> Vec<&str> {
            a.records
                .iter()
                .filter(|r| r.side == Some(side))
                .map(|r| r.item.as_str())
                .collect()
        };
        assert!(
            items(Side::Income).contains(&"总计"),
            "{:?}",
            items(Side::Income)
        );
        assert!(items(Side::Income).contains(&"年初财政拨款结转和结余"));
        assert!(items(Side::Expenditure).contains(&"总计"));
        assert!(items(Side::Expenditure).contains(&"年末财政拨款结转和结余"));
    }

    /// Table 01 printed a column at a time (each side's names, one per line
    /// and some wrapped, then the side's amounts one per line, zeros
    /// printed): each amount is dealt to its row in order, the total both
    /// sides print on the side of its run. One amount short (a blank cell
    /// gone) deals nothing: no amount lands on a row by a guess.
    #[test]
    fn a_side_printed_a_column_at_a_time_deals_its_amounts_to_its_rows() {
        let doc = |expenditure: &str| {
            format!(
                "收入支出决算总表\n单位：万元\n收入 支出\n项目 决算数 项目 决算数\n\
                 一、一般公共预算财政拨款收\n入\n二、上级补助收入\n三、事业收入\n\
                 本年收入合计\n年初结转和结余\n总计\n70.00\n0.00\n5.00\n75.00\n1.00\n76.00\n\
                 一、一般公共服务支出\n二、教育支出\n三、卫生健康支\n出\n本年支出合计\n\
                 年末结转和结余\n总计\n{expenditure}"
            )
        };
        let read = |doc: &str| {
            let t = Text::from_string(doc);
            let grid = crate::table::read::stream(&t, 0..t.len());
            let a = assemble(TableSpec::of(Table::Overview), &grid);
            a.records
                .iter()
                .map(|r| {
                    let amounts: Vec<String> = r
                        .amounts
                        .iter()
                        .map(|am| am.printed.value.to_string())
                        .collect();
                    (r.side, r.item.clone(), amounts.join(" "))
                })
                .collect::<Vec<_>>()
        };
        let rows = read(&doc("60.00\n0.00\n15.00\n75.00\n1.00\n76.00\n"));
        let row = |side: Side, item: &str| {
            rows.iter()
                .find(|r| r.0 == Some(side) && r.1 == item)
                .map(|r| r.2.as_str())
        };
        assert_eq!(
            row(Side::Income, "一般公共预算财政拨款收入"),
            Some("70"),
            "{rows:?}"
        );
        assert_eq!(row(Side::Income, "事业收入"), Some("5"));
        assert_eq!(row(Side::Income, "本年收入合计"), Some("75"));
        assert_eq!(row(Side::Income, "总计"), Some("76"));
        assert_eq!(row(Side::Expenditure, "一般公共服务支出"), Some("60"));
        assert_eq!(row(Side::Expenditure, "卫生健康支出"), Some("15"));
        assert_eq!(row(Side::Expenditure, "年末结转和结余"), Some("1"));
        assert_eq!(row(Side::Expenditure, "总计"), Some("76"));
        // The expenditure side's zero gone: its five amounts stay together
        // on the side's last row, as printed, dealt to no other.
        let rows = read(&doc("60.00\n15.00\n75.00\n1.00\n76.00\n"));
        let dealt = rows
            .iter()
            .filter(|r| r.0 == Some(Side::Expenditure) && !r.2.is_empty())
            .count();
        assert_eq!(dealt, 1, "{rows:?}");
    }

    /// Flat text sets a row of the other side above, its name wrapped and
    /// beside no amount: a row holding two amounts after it is no side
    /// printed a column at a time.
    #[test]
    fn rows_of_both_sides_are_no_column_printed_down() {
        let t = Text::from_string(
            "收入 支出\n项目 决算数 项目 决算数\n\
             七、附属单位上缴收入 0.00 0.00\n八、社会保障和就业支\n\
             八、其他收入 8.91 2104.83\n出\n",
        );
        let grid = crate::table::read::read(&t, 0..t.len(), crate::table::read::BlockLayout::Flat)
            .unwrap();
        let a = assemble(TableSpec::of(Table::Overview), &grid);
        let other = a
            .records
            .iter()
            .find(|r| r.item == "其他收入")
            .expect("其他收入");
        assert_eq!(
            other.amounts[0].printed.value,
            Amount::parse_plain("8.91").unwrap()
        );
        assert!(
            a.records
                .iter()
                .filter(|r| r.item == "社会保障和就业支出")
                .all(|r| r
                    .amounts
                    .iter()
                    .all(|am| am.printed.value != Amount::parse_plain("8.91").unwrap()))
        );
    }

    /// PyMuPDF's sorted text of a table 01 (hand-written in the drift its
    /// sorted spans make): names alone on their lines start the expenditure side
    /// left of the income side's amounts on the lines printing both sides.
    /// On a line of two whole row names, the second starts the expenditure
    /// side there.
    #[test]
    fn the_second_of_two_row_names_on_a_line_starts_the_expenditure_side() {
        let t = Text::from_string(SHIFTED_OVERVIEW);
        let a = assemble(TableSpec::of(Table::Overview), &positioned(&t, 0..t.len()));
        let first = |item: &str, side: Side| {
            a.records
                .iter()
                .find(|r| r.item == item && r.side == Some(side))
                .and_then(|r| r.amounts.first())
                .map(|am| am.printed.value)
        };
        let amount = |s: &str| Some(Amount::parse_plain(s).unwrap());
        for (item, side, printed) in [
            ("一般公共预算财政拨款收入", Side::Income, "5120.40"),
            ("本年收入合计", Side::Income, "5120.40"),
            ("本年支出合计", Side::Expenditure, "5120.40"),
            ("年初结转和结余", Side::Income, "164.00"),
            ("年末结转和结余", Side::Expenditure, "164.00"),
            ("总计", Side::Income, "5284.40"),
            ("总计", Side::Expenditure, "5284.40"),
            ("卫生健康支出", Side::Expenditure, "128.90"),
        ] {
            assert_eq!(first(item, side), amount(printed), "{item} {side:?}");
        }
    }

    /// The same drift where the income name wraps and PyMuPDF glues its
    /// second line to the end of the line (`0.00款收入`): the first line
    /// starts a name only the income side prints.
    #[test]
    fn a_wrapped_income_name_before_an_expenditure_name_keeps_its_amount() {
        let t = Text::from_string(
            "        收入                支出
     项目      决算数      项目      决算数
一、一般公共预算财政拨                           6939.94 一、一般公共服务支出          0.00款收入
四、上级补助收入              0.00 四、公共安全支出              0.00
                 五、教育支出               858.18
                 六、科学技术支出              0.00
",
        );
        let a = assemble(TableSpec::of(Table::Overview), &positioned(&t, 0..t.len()));
        let first = a
            .records
            .iter()
            .find(|r| {
                r.amounts
                    .first()
                    .is_some_and(|am| am.printed.value == Amount::parse_plain("6939.94").unwrap())
            })
            .map(|r| (r.side, r.item.as_str()));
        assert_eq!(
            first,
            Some((Some(Side::Income), "一般公共预算财政拨款收入"))
        );
    }

    /// Table 04 read as flat text.
    fn flat_fiscal_overview(t: &Text) -> Assembled {
        assemble(
            TableSpec::of(Table::FiscalOverview),
            &crate::table::read::ordered(t, 0..t.len()),
        )
    }

    /// Table 04 as flat text: its header and first income row (the name
    /// wrapped in a narrow cell), then `body`.
    fn flat_04_text(body: &str) -> Text {
        Text::from_string(&format!(
            "财政拨款收入支出决算总表\n收入 支出\n项目 决算数 项目 小计\n\
             一般公共预算财政拨款\n一、一般\n公共预算\n财政拨款\n{body}"
        ))
    }

    /// The side and amounts of the row named `name`.
    fn row_of(a: &Assembled, name: &str) -> Option<(Option<Side>, Vec<String>)> {
        a.records.iter().find(|r| r.item == name).map(|r| {
            (
                r.side,
                r.amounts.iter().map(|a| a.value.to_string()).collect(),
            )
        })
    }

    #[test]
    fn an_expenditure_rows_amounts_broken_over_two_lines_stay_one_row() {
        // Table 04 as flat text whose rows print their 小计 on a line of its
        // own, the other three columns on the next (PyMuPDF's text): four
        // amounts, as many as the expenditure side has columns, for the
        // row named above them.
        let t = flat_04_text(
            "35.00 一、一般\n公共服务\n支出\n\
             0.00\n0.00 0.00 0.00\n\
             八、社会\n保障和就\n业支出\n\
             21.34\n21.34 0.00 0.00\n\
             九、卫生\n健康支出\n\
             13.66\n13.66 0.00 0.00\n",
        );
        let a = flat_fiscal_overview(&t);
        let amounts = |name: &str| row_of(&a, name).map(|r| r.1);
        assert_eq!(
            amounts("社会保障和就业支出"),
            Some(vec!["21.34".into(), "21.34".into(), "0".into(), "0".into()]),
            "{:?}",
            a.records
        );
        assert_eq!(
            amounts("卫生健康支出"),
            Some(vec!["13.66".into(), "13.66".into(), "0".into(), "0".into()]),
            "{:?}",
            a.records
        );
        assert_eq!(amounts("一般公共预算财政拨款"), Some(vec!["35".into()]));
    }

    #[test]
    fn a_name_wrapped_after_its_enumerator_alone_is_one_row() {
        // Table 04 as flat text, names wrapped in narrow cells: an
        // expenditure name whose enumerator stands alone on its line. Its
        // lines make one expenditure row, and the figures below stay with
        // the rows they follow.
        let t = flat_04_text(
            "51.05 一、一般\n公共服务\n支出\n\
             0.00 0.00 0.00 0.00\n\
             二十一、\n国有资本\n经营预算\n支出\n\
             0.00 0.00 0.00 0.00\n\
             二十三、\n其他支出\n\
             3.00 3.00 0.00 0.00\n\
             本年收入\n合计\n\
             51.05 本年支出\n合计\n\
             51.05 51.05 0.00 0.00\n",
        );
        let a = flat_fiscal_overview(&t);
        let row = |name: &str| row_of(&a, name);
        assert_eq!(
            row("国有资本经营预算支出").map(|r| r.0),
            Some(Some(Side::Expenditure)),
            "{:?}",
            a.records
        );
        assert_eq!(
            row("其他支出").map(|r| r.1),
            Some(vec![
                "3".to_string(),
                "3".to_string(),
                "0".to_string(),
                "0".to_string()
            ]),
            "{:?}",
            a.records
        );
        assert_eq!(
            row("本年支出合计").map(|r| r.1[0].clone()),
            Some("51.05".to_string()),
            "{:?}",
            a.records
        );
        assert!(
            a.records.iter().all(|r| !r.item.is_empty()),
            "{:?}",
            a.records
        );
    }

    #[test]
    fn blank_rows_under_a_header_printed_again_are_rows() {
        // Table 04 as flat text, over two pages: the second page's header
        // again, then rows whose income side is blank but for its 行次.
        // They are rows up to the first that prints figures, not more of
        // the header.
        let t = Text::from_string(
            "财政拨款收入支出决算总表\n收入 支出\n项目 行次 决算数 项目 行次 小计\n\
             一般公共预算财政拨款\n\
             一、一般公共预算财政拨款 1 90.00 一、一般公共服务支出 27\n\
             12 十二、农林水支出 38 30.00 30.00\n\
             收入 支出\n项目 行次 决算数 项目 行次 小计\n\
             一般公共预算财政拨款\n\
             13 十三、交通运输支出 39\n\
             14 十四、资源勘探工业信息等支出 40\n\
             19 十九、住房保障支出 45 60.00 60.00\n",
        );
        let a = flat_fiscal_overview(&t);
        let row = |name: &str| a.records.iter().find(|r| r.item == name);
        assert!(row("交通运输支出").is_some(), "{:?}", a.records);
        assert!(row("资源勘探工业信息等支出").is_some(), "{:?}", a.records);
        assert_eq!(
            row("住房保障支出").map(|r| r.amounts.len()),
            Some(2),
            "{:?}",
            a.records
        );
    }

    /// A coded table whose wrapped name's first line is set before its code
    /// (`进修及培 20508 858.18 …` / `训`, PyMuPDF's sorted text): the
    /// digits before the amounts are the row's code, not an amount.
    #[test]
    fn a_code_after_its_name_and_before_its_amounts_is_the_code() {
        let t = Text::from_string(
            " 科目编码   科目名称   本年支出合计   基本支出   项目支出
 205   教育支出        858.18    830.06     28.12
     进修及培 20508    858.18    830.06     28.12     训
 2050803 培训支出      858.18    830.06     28.12
",
        );
        let a = assemble(
            TableSpec::of(Table::Expenditure),
            &positioned(&t, 0..t.len()),
        );
        let row = a
            .records
            .iter()
            .find(|r| r.code.as_deref() == Some("20508"));
        assert_eq!(row.map(|r| r.amounts.len()), Some(3), "{:?}", a.records);
    }

    #[test]
    fn code_parts_printed_apart_after_a_wrapped_names_first_line_are_one_code() {
        // Split code columns (类 款 项), names wrapped in a narrow cell
        // and set a little higher than their codes: a name's first line
        // before its code parts, spaced from them or glued to the 类 part.
        let t = Text::from_string(
            "功能分类科目编码 科目名称 本年收入合计 财政拨款收入 其他收入
类 款 项
       卫生健康支 210              60.00     50.00     10.00   出
        行政事业 210  11          60.00     50.00     10.00    单位医疗
         行政单 210  11   01      35.00     30.00      5.00    位医疗
         事业单210  11   02       25.00     20.00      5.00    位医疗
",
        );
        let a = assemble(TableSpec::of(Table::Income), &positioned(&t, 0..t.len()));
        let codes: Vec<Option<&str>> = a.records.iter().map(|r| r.code.as_deref()).collect();
        assert_eq!(
            codes,
            [Some("210"), Some("21011"), Some("2101101"), Some("2101102")],
            "{:?}",
            a.records
        );
        // No part read as money: three figures a row.
        assert!(
            a.records.iter().all(|r| r.amounts.len() == 3),
            "{:?}",
            a.records
        );
    }

    /// Flat text of 06's two panels (`pdftotext -raw`): a line may end
    /// with the next panel's code, its name wrapped onto the lines after
    /// (`30309 奖励金 30231` / `公务用车运行维` / `护费`, a blank row).
    /// Where the table prints its figures with decimals, that bare number
    /// is the code, not an amount of the row before (it read 30231.00).
    #[test]
    fn a_code_ending_a_flat_line_opens_the_next_panels_row() {
        let t = Text::from_string(
            "科目编码 科目名称 决算数 科目编码 科目名称 决算数
301 工资福利支出 60.00 302 商品和服务支出 13.00
30101 基本工资 20.00 30201 办公费 3.00
30102 津贴补贴 20.00 30205 水费 4.00
30107 绩效工资 20.00 30211 差旅费 6.00
303 对个人和家庭的补助 7.00 30231
公务用车运行维
护费
30302 退休费 7.00
人员经费合计 67.00 公用经费合计 13.00
",
        );
        let a = assemble(
            TableSpec::of(Table::GeneralBudgetBasic),
            &crate::table::read::ordered(&t, 0..t.len()),
        );
        let of = |code: &str| {
            a.records
                .iter()
                .find(|r| r.code.as_deref() == Some(code))
                .map(|r| {
                    r.amounts
                        .iter()
                        .map(|am| am.printed.value.to_string())
                        .collect::<Vec<_>>()
                })
        };
        assert_eq!(of("303"), Some(vec!["7".to_string()]), "{:?}", a.records);
        assert_eq!(of("30231"), Some(Vec::new()));
    }

    const SHIFTED_OVERVIEW: &str = "          收入                    支出

       项目         决算数        项目        决算数

一、一般公共预算财政拨款收入        5120.40 一、一般公共服务支出

二、政府性基金预算财政拨款收入        二、外交支出

八、其他收入                 八、社会保障和就业支出              311.20

                       九、卫生健康支出                    128.90

                       十、节能环保支出

                       十一、城乡社区支出                 4680.30

                       十二、农林水支出

     本年收入合计              5120.40     本年支出合计              5120.40

使用非财政拨款结余              结余分配

年初结转和结余                       164.00 年末结转和结余                      164.00

       总计                  5284.40       总计                  5284.40
";

    const DRIFTING_OVERVIEW: &str = "          收入支出决算总表

                                               公开01 表
编制部门：涪城区文化和旅游局                         单位：万元
          收入                    支出
      项目         决算数         项目         决算数
一、一般公共预算财政拨款收        10374.54 一、一般公共服务支出                   0.00
入
二、政府性基金预算财政拨款             0.00 二、外交支出                            0.00
收入
三、国有资本经营预算财政拨             0.00 三、国防支出                            0.00
款收入
四、上级补助收入                        0.00 四、公共安全支出                        0.00
五、事业收入                            0.00 五、教育支出                            0.00
六、经营收入                            0.00 六、科学技术支出                        0.00
七、附属单位上缴收入                   0.00 七、文化旅游体育与传媒支出         4908.04
八、其他收入                        176.59 八、社会保障和就业支出              414.99
                       九、卫生健康支出                   3748.93
                       十、节能环保支出                        0.00
                       十一、城乡社区支出                      0.00
                       十二、农林水支出                        0.00
                       十三、交通运输支出                      0.00
                       十四、资源勘探工业信息等支             0.00
                       出
                       十五、商业服务业等支出                 0.00
                       十六、金融支出                          0.00
                       十七、援助其他地区支出                 0.00
                       十八、自然资源海洋气象等支             0.00
                       出
                       十九、住房保障支出                 1479.17
                       二十、粮油物资储备支出                 0.00
                       二十一、国有资本经营预算支             0.00
                       出
                       二十二、灾害防治及应急管理             0.00
                       支出
                       二十三、其他支出                        0.00
    本年收入合计              10551.13     本年支出合计              10551.13
   使用非财政拨款结余                 0.00      结余分配                      0.00
    年初结转和结余                   0.00    年末结转和结余                   0.00
      总计                  10551.13       总计                  10551.13
注：本表反映部门本年度的总收支和年末结转结余情况。
";

    const NARROW_FISCAL: &str = "                    财政拨款收入支出决算总表
                                                           单位：万元

      收入                        支出

                                                    国
                                               政
                                                    有
                                               府
                                                    资
                                               性
                                                    本
                                               基
                                    一般公             经
                                               金
                                    共预算             营
 项目    决算数         项目      合计                  预
                                    财政拨             预
                                               算
                                     款              算
                                               财
                                                    财
                                               政
                                                    政
                                               拨
                                                    拨
                                               款
                                                    款
一、一般         一、一般
公共预算 6939.94 公共服务           0.00         0.00 0.00 0.00
财政拨款         支出
二、政府
性基金预              二、外交
           0.00             0.00         0.00 0.00 0.00
算财政拨              支出
款
三、国有
资本经营              三、国防
           0.00             0.00         0.00 0.00 0.00
预算财政              支出
拨款
                  四、公共
                            0.00         0.00 0.00 0.00
                  安全支出
                  五、教育
                          858.18     858.18 0.00 0.00
                  支出
                  六、科学
                            0.00         0.00 0.00 0.00
                    二十三、
                             0.00            0.00 0.00 0.00
                    其他支出
本年收入         本年支出
     6939.94      6939.94 6939.94 0.00 0.00
 合计           合计
 总计       6939.94    总计    6939.94 6939.94 0.00 0.00
";

    const DOUBLED_TITLE: &str = r#"                                                     支支出出决决算算表表
                                                                                                   单位：万元
                         项目
                                                                                                对附属单位补
              科目代码                         本年支出合计      基本支出       项目支出     上缴上级支出      经营支出
                              科目名称                                                                 助支出
           类    款    项
                         合计                     6102.34    5754.82    347.52
          208            社会保障和就业支出              3968.80    3621.28    347.52
          208  02        民政管理事务                 2590.57    2548.00     42.57
          208  02   01   行政运行                    785.14    742.57      42.57
          208  02   08   基层政权建设和社区治理            1805.43    1805.43
          208  05        行政事业单位养老支出             1378.23    1073.28    304.95
          208  05   05   机关事业单位基本养老保险           1378.23    1073.28    304.95
                         缴费支出
          210            卫生健康支出                 1309.12    1309.12
          210  11        行政事业单位医疗               1309.12    1309.12
          210  11   01   行政单位医疗                 1309.12    1309.12
          221            住房保障支出                  824.42    824.42
          221  02        住房改革支出                  824.42    824.42
          221  02   01   住房公积金                   412.95    412.95
          221  02   03   购房补贴                    411.47    411.47
"#;
}
