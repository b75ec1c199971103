//! Column-major text (`pdftotext` without `-layout`) into grids.
//!
//! Every cell stands on its own line, in the order the PDF drew them: a row
//! at a time for some tables (code, name, amounts), a column at a time for
//! others (all codes, then all names, then all amounts), and a mixture within
//! one table. Rows are rebuilt from that stream by structure: codes and
//! canonical labels open rows; amounts that follow a row belong to it; a run
//! of amounts after a run of rows still waiting for theirs is dealt out to
//! them in order, as many to each as the run divides evenly; row totals
//! (小计 = 基本 + 项目, 本年收入合计 = the sources) stop a row from taking an
//! amount that is not its own. Tables 01 and 04 finish with their own totals:
//! 本年收支合计 equal the sums of their rows, 总计 the largest figure, and
//! carry-overs the differences. Table 06, whose groups the PDF cuts into
//! pieces, is rebuilt from its arithmetic in [`economic`].

mod economic;

use std::ops::Range;

use crate::amount::{Amount, parse_printed};
use crate::decode::Text;
use crate::extract::grid::{Cell, Grid, Row};
use crate::extract::tables::{header_key, header_matches, parse_code};
use crate::text::squeeze;
use crate::vocab::{self, FUNCTION_CLASSES, Side, Table, match_label, three_public_order};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Amount,
    Code,
    Text,
}

#[derive(Clone, Debug)]
struct Tok {
    text: String,
    raw: String,
    line: usize,
    kind: Kind,
}

impl Tok {
    fn cell(&self, col: usize) -> Cell {
        Cell {
            text: self.text.clone(),
            raw: self.raw.clone(),
            col,
            line: self.line,
        }
    }

    fn value(&self) -> Amount {
        parse_printed(&self.text)
            .map(|p| p.value)
            .unwrap_or(Amount::ZERO)
    }
}

fn tokens(text: &Text, lines: Range<usize>, cell_stream: bool, two_sided: bool) -> Vec<Tok> {
    let mut out = Vec::new();
    for i in lines {
        let t = text.line(i).trim();
        if t.is_empty() {
            continue;
        }
        // Cells of one row that a converter joined with a single space
        // (`2136.50 2136.50`): each part an amount, the whole not one.
        if cell_stream
            && t.contains(char::is_whitespace)
            && parse_printed(t).is_none()
            && t.split_whitespace().all(is_figure)
        {
            for p in t.split_whitespace() {
                out.push(Tok {
                    text: p.to_string(),
                    raw: p.to_string(),
                    line: i,
                    kind: Kind::Amount,
                });
            }
            continue;
        }
        // A two-sided table's figure and the other side's name set at one
        // height (`2300.00 八、社会保障和就业`), a left group's figure and
        // the right group's code (`475.42 30231`): the figures, then the
        // rest.
        if cell_stream
            && t.contains(char::is_whitespace)
            && parse_printed(t).is_none()
            && (two_sided || starts_with_figure_then_code(t))
        {
            let parts: Vec<&str> = t.split_whitespace().collect();
            let lead = leading_figures(&parts);
            if lead > 0 && !parts[lead..].iter().copied().any(is_figure) {
                for p in &parts[..lead] {
                    out.push(Tok {
                        text: p.to_string(),
                        raw: p.to_string(),
                        line: i,
                        kind: Kind::Amount,
                    });
                }
                let rest = parts[lead..].join(" ");
                let kind = if parse_code(&rest).is_some() {
                    Kind::Code
                } else {
                    Kind::Text
                };
                out.push(Tok {
                    text: rest.clone(),
                    raw: rest,
                    line: i,
                    kind,
                });
                continue;
            }
        }
        // A code and the first line of its name set at one height
        // (`2080505 机关事业`, PyMuPDF's block of a narrow code column):
        // the code, then the name.
        if let Some((code, name)) = t
            .split_once(char::is_whitespace)
            .map(|(c, n)| (c, n.trim()))
            && parse_code(code).is_some()
            && !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit() || c == '-')
            && !name.split_whitespace().any(is_figure)
        {
            for (text, kind) in [(code, Kind::Code), (name, Kind::Text)] {
                out.push(Tok {
                    text: text.to_string(),
                    raw: text.to_string(),
                    line: i,
                    kind,
                });
            }
            continue;
        }
        let kind = if parse_code(t).is_some() && !t.contains('.') {
            Kind::Code
        } else if parse_printed(t).is_some_and(|p| p.decimals > 0) {
            Kind::Amount
        } else {
            Kind::Text
        };
        out.push(Tok {
            text: t.to_string(),
            raw: text.raw_line(i).trim().to_string(),
            line: i,
            kind,
        });
    }
    out
}

/// A money figure: an amount printed with decimals.
fn is_figure(p: &str) -> bool {
    parse_printed(p).is_some_and(|a| a.decimals > 0)
}

/// How many of `parts` lead with money figures.
fn leading_figures(parts: &[&str]) -> usize {
    parts.iter().take_while(|p| is_figure(p)).count()
}

/// `475.42 30231`: figures, then a code alone.
fn starts_with_figure_then_code(t: &str) -> bool {
    let parts: Vec<&str> = t.split_whitespace().collect();
    let lead = leading_figures(&parts);
    lead > 0 && lead + 1 == parts.len() && parse_code(parts[lead]).is_some()
}

/// Words of table headers and captions, never row labels.
fn is_header(t: &str, table: Table) -> bool {
    let k = header_key(t);
    const WORDS: &[&str] = &[
        "项目",
        "功能分类",
        "科目编码",
        "科目名称",
        "经济分类",
        "栏次",
        "行次",
        "金额",
        "决算数",
        "预算数",
        "收入",
        "支出",
        "本年支出",
        "类",
        "款",
        "项",
    ];
    WORDS.contains(&k.as_str())
        || k.starts_with("单位:")
        || k.starts_with('注')
        || k.starts_with("说明")
        || vocab::classify_title(t).is_some()
        || table
            .columns()
            .iter()
            .any(|c| header_matches(&k, c.rsplit('/').next().unwrap_or(c)) && k != "合计")
}

/// Reads one table block printed column-major.
pub fn grid(text: &Text, lines: Range<usize>, table: Table, context: &Context) -> Grid {
    let toks = tokens(text, lines, context.cell_stream, table.two_sided());
    if !toks.iter().any(|t| t.kind == Kind::Amount) {
        return Grid::default();
    }
    match table {
        Table::Overview | Table::FiscalOverview => two_sided(table, &toks, context),
        Table::ThreePublic => three_public(&toks),
        Table::GeneralBudgetBasic => economic::grid(&economic::rows_split(toks)),
        _ => coded(table, &join_split_codes(toks)),
    }
}

/// A code printed in three columns (类, 款, 项), a column at a time with
/// blank cells gone: every row's 类 (`205`, `205`, `205`), then the 款 of
/// the rows below a 类 (`02`, `02`), then the 项 of the rows below a 款
/// (`01`). The rows' codes follow from the standard tables' hierarchy: a
/// 类's first row is the 类, each run of one 款 under it opens with the 款
/// and goes on with its 项. So many 款 as the 类 column has rows below a 类
/// come first among the two-digit parts, the 项 after them; the codes are
/// taken only where the 项 are exactly used up and the codes run in the
/// order the tables print them (ascending), else the stream is left as it
/// is. A run of 类 that repeats no 类 is no such column, nor one whose
/// parts a 类 follows: the cells of rows printed one after another, where
/// a 类 and the one or two parts right after it are one row's code
/// ([`row_parts`]).
fn join_split_codes(toks: Vec<Tok>) -> Vec<Tok> {
    let is_class = |t: &Tok| t.kind == Kind::Code && t.text.len() == 3;
    let is_total = |t: &Tok| t.kind == Kind::Text && matches!(t.text.as_str(), "合计" | "总计");
    let mut out = Vec::with_capacity(toks.len());
    let mut k = 0;
    while k < toks.len() {
        // A run of 类 cells (合计 among them), then one of parts.
        let run_end = toks[k..]
            .iter()
            .position(|t| !is_class(t) && !is_total(t))
            .map_or(toks.len(), |p| k + p);
        let parts_end = toks[run_end..]
            .iter()
            .position(|t| !is_code_part(t))
            .map_or(toks.len(), |p| run_end + p);
        // Row by row (`210`, `210 11`, `210 11 03`) a 类 follows the
        // parts; a column of parts is followed by the names.
        if run_end > k
            && parts_end > run_end
            && toks.get(parts_end).is_none_or(|t| !is_class(t))
            && let Some(codes) = split_codes(&toks[k..run_end], &toks[run_end..parts_end])
        {
            let mut codes = codes.into_iter();
            for t in &toks[k..run_end] {
                if is_class(t) {
                    let code = codes.next().expect("a code per 类 cell");
                    out.push(Tok {
                        text: code,
                        ..t.clone()
                    });
                } else {
                    out.push(t.clone());
                }
            }
            k = parts_end;
        } else if is_class(&toks[k])
            && let Some(parts) = row_parts(&toks[k + 1..])
        {
            // One row's code cell by cell (`201`, `01`, `01`).
            let code: String = std::iter::once(&toks[k])
                .chain(parts)
                .map(|t| t.text.as_str())
                .collect();
            out.push(Tok {
                text: code,
                ..toks[k].clone()
            });
            k += 1 + parts.len();
        } else {
            out.push(toks[k].clone());
            k += 1;
        }
    }
    out
}

/// The 款 and 项 cells of one row's code right after its 类 (one or two
/// two-digit parts, then no more): a code printed row by row, a cell a
/// line.
fn row_parts(rest: &[Tok]) -> Option<&[Tok]> {
    let n = rest.iter().take_while(|t| is_code_part(t)).count();
    (1..=2).contains(&n).then(|| &rest[..n])
}

/// A 款 or 项 cell of a code printed in three columns (`02`).
fn is_code_part(t: &Tok) -> bool {
    t.kind == Kind::Text && t.text.len() == 2 && t.text.bytes().all(|b| b.is_ascii_digit())
}

/// The codes of the rows whose 类 cells `run` holds (合计 cells aside),
/// from the two-digit `parts` that follow them, as the grid model's stream
/// reader joins them ([`crate::table::read::code_rows`]), where they
/// ascend as the tables print them.
fn split_codes(run: &[Tok], parts: &[Tok]) -> Option<Vec<String>> {
    let classes: Vec<&str> = run
        .iter()
        .filter(|t| t.kind == Kind::Code)
        .map(|t| t.text.as_str())
        .collect();
    let parts: Vec<&str> = parts.iter().map(|t| t.text.as_str()).collect();
    let codes: Vec<String> = crate::table::read::code_rows(&classes, &parts, None)?
        .iter()
        .map(|r| r.code(&classes, &parts))
        .collect();
    codes.windows(2).all(|w| w[0] < w[1]).then_some(codes)
}

/// A block's rows rebuilt under `context`, taken from `rebuilt` when they
/// were rebuilt there under the same context, else rebuilt and left there
/// (the grid model and the first readers read a cell stream with this
/// reader: the search runs once).
pub fn grid_once(
    text: &Text,
    lines: Range<usize>,
    table: Table,
    context: Context,
    rebuilt: &mut Option<(Context, Grid)>,
) -> Grid {
    match rebuilt {
        Some((c, g)) if *c == context => g.clone(),
        _ => {
            let g = grid(text, lines, table, &context);
            *rebuilt = Some((context, g.clone()));
            g
        }
    }
}

/// The classes of `classes` the reader of `table` reads (only the two-sided
/// tables look for the classes other tables print): equal contexts, equal
/// readings.
pub fn classes_read(table: Table, classes: &[String]) -> Vec<String> {
    match table {
        Table::Overview | Table::FiscalOverview => classes.to_vec(),
        _ => Vec::new(),
    }
}

/// What earlier tables of the same document tell about this one: the
/// functional classes printed with amounts in the coded tables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    pub classes: Vec<String>,
    /// Figures other tables print for this table's rows ([`anchors`]).
    pub anchors: Vec<Anchor>,
    /// The block is a cell stream (one cell per line): a line of amounts
    /// joined by single spaces is cells a converter set at one height, not a
    /// row printed row-major.
    pub cell_stream: bool,
}

/// A figure another table prints for an expenditure row of a two-sided
/// table, as printed there: the row's first amount must equal it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// The side of the row (table 01's income sources are anchored by
    /// table 02's 合计 row).
    pub side: Side,
    pub label: &'static str,
    pub value: Amount,
    /// The other table's own identities vouch for the figure. A figure they
    /// do not still places the row (the stream's order is no surer), but the
    /// row is then placed by order: never verified.
    pub sure: bool,
}

/// The figures the document's coded tables print for the rows of the
/// two-sided `table`, from those tables' line items: per functional class,
/// its total in 03 (table 01) or its 小计 in 05 (table 04's 一般公共预算财政
/// 拨款, which a class that only the general budget funds prints as its
/// 小计 too). Zeros are no anchor (a blank row prints nothing to find).
/// `vouched` holds the items the other tables' identities vouch for, `items`
/// all of them. Table 01's income sources are anchored by 02's 合计 row
/// where 02's identities vouch for it, never surely: 02 prints them as
/// columns, which blank cells gone may shift with every sum of 02 still
/// holding (its 其他收入 read as 上级补助收入 would vouch for a wrong row
/// of 01), so a source anchored is placed by order. Which 01 row each
/// column of 02 stands for the identities across the two tables say
/// ([`crate::table::spec::income_source_in_02`]: 02's 财政拨款收入 for
/// 一般公共预算财政拨款收入, the usual one of the three).
pub fn anchors(
    table: Table,
    vouched: &[crate::model::LineItem],
    items: &[crate::model::LineItem],
) -> Vec<Anchor> {
    let (classes_in, class_column) = match table {
        Table::Overview => (Table::Expenditure, "本年支出合计"),
        Table::FiscalOverview => (Table::GeneralBudgetExpenditure, "小计"),
        _ => return Vec::new(),
    };
    let printed = |it: &crate::model::LineItem| {
        parse_printed(&it.raw)
            .map(|p| p.value)
            .filter(|v| !v.is_zero())
    };
    let mut out: Vec<Anchor> = Vec::new();
    let tagged = vouched
        .iter()
        .map(|i| (i, true))
        .chain(items.iter().map(|i| (i, false)));
    for (it, sure) in tagged {
        if it.table != classes_in || it.column != class_column {
            continue;
        }
        if let Some(label) = it
            .subject_code
            .as_deref()
            .and_then(crate::table::spec::function_class_name)
            && let Some(value) = printed(it)
            && !out.iter().any(|a| a.label == label)
        {
            out.push(Anchor {
                side: Side::Expenditure,
                label,
                value,
                sure,
            });
        }
    }
    if table == Table::Overview {
        // Only a 合计 row its table's identities vouch for: a misread one
        // (its total read into a part column) would take a figure of 01's
        // totals.
        for it in vouched
            .iter()
            .filter(|i| i.table == Table::Income && i.subject_code.is_none() && i.item == "合计")
        {
            if let Some(label) = crate::table::spec::income_source_in_02(&it.column)
                && let Some(value) = printed(it)
                && !out
                    .iter()
                    .any(|a| a.side == Side::Income && a.label == label)
            {
                out.push(Anchor {
                    side: Side::Income,
                    label,
                    value,
                    sure: false,
                });
            }
        }
    }
    out
}

/// A row being rebuilt: its key cells and its amounts.
#[derive(Debug, Default, Clone)]
struct Rebuilt<'a> {
    code: Option<&'a Tok>,
    label: Vec<&'a Tok>,
    amounts: Vec<&'a Tok>,
}

/// An amount may join a row while the row's total still adds up: the first
/// column is the sum of the others (for tables whose first column totals).
fn fits(table: Table, amounts: &[&Tok], next: &Tok, columns: usize) -> bool {
    if amounts.len() >= columns {
        return false;
    }
    let totals_first = matches!(
        table,
        Table::Income
            | Table::Expenditure
            | Table::GeneralBudgetExpenditure
            | Table::StateCapital
            | Table::FiscalOverview
    );
    if !totals_first || amounts.is_empty() {
        return true;
    }
    let total = amounts[0].value();
    let parts: Amount = amounts[1..].iter().map(|t| t.value()).sum::<Amount>() + next.value();
    // Parts may not exceed the total (rounding allowed).
    parts <= total + Amount::from_micros(10_000 * (amounts.len() as i128 + 1))
}

/// Deals a run of amounts to rows waiting for theirs, in order.
fn deal<'a>(
    table: Table,
    rows: &mut [Rebuilt<'a>],
    waiting: &[usize],
    run: &[&'a Tok],
    columns: usize,
) -> usize {
    if waiting.is_empty() || run.is_empty() {
        return 0;
    }
    let per_row = if run.len().is_multiple_of(waiting.len()) {
        run.len() / waiting.len()
    } else {
        0
    };
    let mut used = 0;
    for &r in waiting {
        let take = if per_row > 0 { per_row } else { columns };
        let mut k = 0;
        while k < take && used < run.len() && fits(table, &rows[r].amounts, run[used], columns) {
            rows[r].amounts.push(run[used]);
            used += 1;
            k += 1;
        }
    }
    used
}

/// Tables 02, 03, 05, 07, 08.
fn coded(table: Table, toks: &[Tok]) -> Grid {
    let columns = table.columns().len();
    let totals = crate::table::spec::TableSpec::of(table).side_labels(Side::Income);
    let rows = by_code_order(table, toks, &totals)
        .unwrap_or_else(|| by_stream(table, toks, &totals, columns));
    let mut grid = coded_grid(table, &rows.0, &rows.1);
    // A header that prints only some of the table's columns (PDFs often leave
    // out the ones with no amount) names the runs of amounts in its order.
    let printed = printed_columns(table, toks);
    let widest = rows.0.iter().map(|r| r.amounts.len()).max().unwrap_or(0);
    if widest > 0
        && printed.len() == widest
        && printed.len() < columns
        && let Some(head) = grid.rows.first_mut()
    {
        {
            for (k, &c) in printed.iter().enumerate() {
                if let Some(cell) = head.cells.get_mut(2 + k) {
                    cell.text = table.columns()[c].to_string();
                }
            }
            head.cells.truncate(2 + printed.len());
        }
    }
    grid
}

/// The table's columns named by the header, in printed order: the text
/// before the first code or amount.
fn printed_columns(table: Table, toks: &[Tok]) -> Vec<usize> {
    let columns = table.columns();
    let mut out = Vec::new();
    for t in toks.iter().take_while(|t| t.kind == Kind::Text) {
        let k = header_key(&t.text);
        if k == "合计" {
            continue;
        }
        if let Some(i) = columns
            .iter()
            .position(|c| header_matches(&k, c.rsplit('/').next().unwrap_or(c)))
            && !out.contains(&i)
        {
            out.push(i);
        }
    }
    out
}

/// The printed order of a coded table's rows is the order of its codes (类,
/// then its 款, then their 项), whatever order the PDF drew the code cells in;
/// and its amounts come a row (or a column) at a time. When every row prints
/// the same number of amounts, the amounts are grouped that way (row-major
/// or column-major, whichever the row totals and the sums of children agree
/// with) and dealt to the codes in order; the group whose first amount is
/// the sum of the 类 rows is 合计.
fn by_code_order<'a>(
    table: Table,
    toks: &'a [Tok],
    totals: &[&'static str],
) -> Option<(Vec<Rebuilt<'a>>, Vec<&'a Tok>)> {
    let mut codes: Vec<&Tok> = Vec::new();
    for t in toks.iter().filter(|t| t.kind == Kind::Code) {
        if !codes
            .iter()
            .any(|c| parse_code(&c.text) == parse_code(&t.text))
        {
            codes.push(t);
        }
    }
    let amounts: Vec<&Tok> = toks.iter().filter(|t| t.kind == Kind::Amount).collect();
    // 合计 is a row when the amounts count one more row than the codes (the
    // same word also heads the 小计 column of some tables).
    let total_label = toks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == Kind::Text && match_label(&t.text, totals).is_some())
        .max_by_key(|(k, _)| {
            matches!(
                toks.get(k + 1).map(|x| x.kind),
                Some(Kind::Amount | Kind::Code) | None
            )
        })
        .filter(|_| !amounts.is_empty() && amounts.len().is_multiple_of(codes.len() + 1));
    let n_rows = codes.len() + usize::from(total_label.is_some());
    if codes.is_empty() || amounts.is_empty() || !amounts.len().is_multiple_of(n_rows) {
        return None;
    }
    let k = amounts.len() / n_rows;
    if k > table.columns().len() {
        return None;
    }
    let mut sorted = codes.clone();
    sorted.sort_by_key(|c| parse_code(&c.text).unwrap_or_default());
    let row_major: Vec<Vec<&Tok>> = amounts.chunks(k).map(<[&Tok]>::to_vec).collect();
    let col_major: Vec<Vec<&Tok>> = (0..n_rows)
        .map(|i| (0..k).map(|j| amounts[j * n_rows + i]).collect())
        .collect();
    let score = |groups: &[Vec<&Tok>]| -> usize {
        groups
            .iter()
            .filter(|g| g.len() > 1 && g[0].value() == g[1..].iter().map(|t| t.value()).sum())
            .count()
    };
    let groups = if k > 1 && score(&col_major) > score(&row_major) {
        col_major
    } else {
        row_major
    };
    // The 合计 group: its first amount is the sum of the others' 类 rows.
    let mut groups = groups;
    let mut total_group = None;
    if total_label.is_some() {
        let class_sum = |skip: usize, gs: &[Vec<&Tok>]| -> Amount {
            let mut rest = gs
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, g)| g);
            sorted
                .iter()
                .map(|c| (c, rest.next()))
                .filter(|(c, _)| parse_code(&c.text).is_some_and(|x| x.len() == 3))
                .filter_map(|(_, g)| g.map(|g| g[0].value()))
                .sum()
        };
        let tol = Amount::from_micros(10_000 * (codes.len() as i128 + 1));
        let pick = (0..groups.len())
            .find(|&i| (groups[i][0].value() - class_sum(i, &groups)).abs() <= tol)?;
        total_group = Some(groups.remove(pick));
    }
    let mut rows: Vec<Rebuilt> = Vec::new();
    if let (Some((_, label)), Some(g)) = (total_label, total_group) {
        rows.push(Rebuilt {
            label: vec![label],
            amounts: g,
            ..Default::default()
        });
    }
    for (c, g) in sorted.into_iter().zip(groups) {
        rows.push(Rebuilt {
            code: Some(c),
            amounts: g,
            ..Default::default()
        });
    }
    // Names: the text following each code in the stream, while no amount came.
    for r in rows.iter_mut().filter(|r| r.code.is_some()) {
        let at = toks
            .iter()
            .position(|t| std::ptr::eq(t, r.code.expect("coded")))
            .unwrap_or(0);
        r.label = toks[at + 1..]
            .iter()
            .take_while(|t| t.kind == Kind::Text && !is_header(&t.text, table))
            .collect();
    }
    deal_name_run(&mut rows, &codes, totals);
    Some((rows, Vec::new()))
}

/// Column-major text prints all the codes, then all the names: every code
/// but the last is then followed by no text, and the last by the whole run
/// of names (合计's first, when it has one). Dealt to the codes in the order
/// they were printed when the run has exactly one name per code.
fn deal_name_run(rows: &mut [Rebuilt], codes: &[&Tok], totals: &[&'static str]) {
    let coded: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].code.is_some())
        .collect();
    let Some(&last) = codes.last() else { return };
    let Some(holder) = coded
        .iter()
        .copied()
        .find(|&i| rows[i].code.is_some_and(|c| std::ptr::eq(c, last)))
    else {
        return;
    };
    if coded.len() < 2
        || coded
            .iter()
            .any(|&i| i != holder && !rows[i].label.is_empty())
    {
        return;
    }
    let mut run = std::mem::take(&mut rows[holder].label);
    if run.len() == codes.len() + 1 && match_label(&run[0].text, totals).is_some() {
        run.remove(0);
    }
    if run.len() != codes.len() {
        rows[holder].label = run;
        return;
    }
    for (code, name) in codes.iter().zip(run) {
        if let Some(r) = rows
            .iter_mut()
            .find(|r| r.code.is_some_and(|c| std::ptr::eq(c, *code)))
        {
            r.label = vec![name];
        }
    }
}

/// Rows as the stream gives them: amounts follow their row, or a run of
/// amounts is dealt to the rows waiting for theirs.
fn by_stream<'a>(
    table: Table,
    toks: &'a [Tok],
    totals: &[&'static str],
    columns: usize,
) -> (Vec<Rebuilt<'a>>, Vec<&'a Tok>) {
    let mut rows: Vec<Rebuilt> = Vec::new();
    // Rows opened and still without amounts, in order.
    let mut waiting: Vec<usize> = Vec::new();
    let mut orphans: Vec<&Tok> = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let t = &toks[k];
        match t.kind {
            Kind::Code => {
                rows.push(Rebuilt {
                    code: Some(t),
                    ..Default::default()
                });
                waiting.push(rows.len() - 1);
            }
            Kind::Amount => {
                // The run of amounts starting here.
                let end = toks[k..]
                    .iter()
                    .position(|x| x.kind != Kind::Amount)
                    .map_or(toks.len(), |p| k + p);
                let run: Vec<&Tok> = toks[k..end].iter().collect();
                // Rows that wait: the latest row only when it was read with
                // its name (row-major), all of them after a run of codes.
                let used = deal(table, &mut rows, &waiting, &run, columns);
                waiting.retain(|&r| rows[r].amounts.is_empty());
                orphans.extend(&run[used..]);
                k = end;
                continue;
            }
            Kind::Text => {
                let next = toks.get(k + 1).map(|x| x.kind);
                let label = match_label(&t.text, totals)
                    .filter(|_| matches!(next, Some(Kind::Amount | Kind::Code) | None));
                if let Some(l) = label {
                    let _ = l;
                    rows.push(Rebuilt {
                        label: vec![t],
                        ..Default::default()
                    });
                    let r = rows.len() - 1;
                    // A total whose amounts were drawn before its label.
                    if next != Some(Kind::Amount) && !orphans.is_empty() {
                        let take: Vec<&Tok> = orphans.drain(..orphans.len().min(columns)).collect();
                        rows[r].amounts = take;
                    } else {
                        waiting.push(r);
                    }
                } else if !is_header(&t.text, table) {
                    // A name: of the latest coded row while it has no amounts.
                    if let Some(r) = rows
                        .last_mut()
                        .filter(|r| r.code.is_some() && r.amounts.is_empty())
                    {
                        r.label.push(t);
                    }
                }
            }
        }
        k += 1;
    }
    (rows, orphans)
}

fn coded_grid(table: Table, rows: &[Rebuilt], orphans: &[&Tok]) -> Grid {
    let columns = table.columns().len();
    let mut grid = Grid::default();
    grid.rows.push(Row::synthetic_header(
        ["科目编码", "科目名称"]
            .into_iter()
            .chain(table.columns().iter().copied()),
    ));
    for r in rows {
        let mut cells = Vec::new();
        if let Some(c) = r.code {
            cells.push(c.cell(0));
        }
        if let Some(first) = r.label.first() {
            let text: String = r.label.iter().map(|t| t.text.as_str()).collect();
            cells.push(Cell {
                text,
                raw: first.raw.clone(),
                col: 1,
                line: first.line,
            });
        }
        cells.extend(r.amounts.iter().enumerate().map(|(i, t)| t.cell(2 + i)));
        let line = r
            .amounts
            .first()
            .copied()
            .or(r.code)
            .or(r.label.first().copied())
            .map(|t| t.line)
            .unwrap_or(0);
        grid.rows.push(Row { line, cells });
    }
    // Amounts no row could take: placed past the last column (unplaced).
    if !orphans.is_empty() {
        let cells = orphans
            .iter()
            .enumerate()
            .map(|(i, t)| t.cell(2 + columns + 1 + i))
            .collect();
        grid.rows.push(Row {
            line: orphans[0].line,
            cells,
        });
    }
    grid
}

/// Tables 01 and 04.
fn two_sided(table: Table, toks: &[Tok], context: &Context) -> Grid {
    let right_cols = table.columns().len();
    let inc = crate::table::spec::TableSpec::of(table).side_labels(Side::Income);
    let exp = crate::table::spec::TableSpec::of(table).side_labels(Side::Expenditure);
    // (side, canonical label, amounts)
    let mut rows: Vec<(Side, String, Vec<&Tok>, usize)> = Vec::new();
    let mut orphans: Vec<&Tok> = Vec::new();
    let mut last: Option<usize> = None;
    let mut carry_parent = false;
    let mut seen_total = [false, false];
    // Column-major text prints a run of labels, then their amounts as a run
    // of the same length (one run per column): such runs are dealt to the
    // labels in order. `run_start` is the first row since the last amount.
    let mut run_start = 0usize;
    let mut prev_amount = false;
    let mut dealt: Option<(usize, usize)> = None;
    // Rows given a figure as part of such a run: set by its row there.
    let mut in_runs: Vec<usize> = Vec::new();
    // Income rows printed with an enumerator (`二、`), and it.
    let mut numbered: Vec<(usize, u32)> = Vec::new();
    let mut i = 0usize;
    while i < toks.len() {
        let t = &toks[i];
        i += 1;
        match t.kind {
            Kind::Text | Kind::Code => {
                let mut clean = squeeze(&t.text);
                let mut on_exp = match_label(&clean, &exp);
                let mut on_inc = match_label(&clean, &inc);
                // A name wrapped in a narrow cell prints on two or three
                // lines (`八、社会保障和就业` / `支出`): joined where no part
                // is a name and the whole is one exactly. Only a numbered
                // name: a header's words wrap too (`一般公共` / `预算财政` /
                // `拨款` over 04's column is the name of an income row).
                if on_exp.is_none()
                    && on_inc.is_none()
                    && crate::text::split_enumerator(&clean).0.is_some()
                {
                    let whole = |s: &str| {
                        let c = vocab::clean_label(s);
                        inc.contains(&c.as_str()) || exp.contains(&c.as_str())
                    };
                    let mut joined = clean.clone();
                    for k in 0..2 {
                        let Some(next) = toks.get(i + k).filter(|n| n.kind == Kind::Text) else {
                            break;
                        };
                        joined.push_str(&squeeze(&next.text));
                        if whole(&joined) {
                            on_exp = match_label(&joined, &exp);
                            on_inc = match_label(&joined, &inc);
                            clean = joined;
                            i += k + 1;
                            break;
                        }
                    }
                }
                // An exact label decides the side before a fuzzy one can
                // ("年末结转和结余" is one edit from "年初结转和结余").
                let exact = vocab::clean_label(&clean);
                let (on_inc, on_exp) =
                    match (inc.contains(&exact.as_str()), exp.contains(&exact.as_str())) {
                        (true, false) => (on_inc, None),
                        (false, true) => (None, on_exp),
                        _ => (on_inc, on_exp),
                    };
                let (side, label) = match (on_inc, on_exp) {
                    (Some(a), Some(b)) if a == "总计" && b == "总计" => {
                        // 总计 twice: income first.
                        let s = if seen_total[0] {
                            Side::Expenditure
                        } else {
                            Side::Income
                        };
                        seen_total[usize::from(s == Side::Expenditure)] = true;
                        (s, a.to_string())
                    }
                    (Some(a), _) if !clean.ends_with("支出") => (Side::Income, a.to_string()),
                    (_, Some(b)) => (Side::Expenditure, b.to_string()),
                    (Some(a), None) => (Side::Income, a.to_string()),
                    (None, None) => continue,
                };
                let mut label = label;
                if table == Table::FiscalOverview && side == Side::Income {
                    if label == "年初财政拨款结转和结余" {
                        carry_parent = true;
                    } else if carry_parent && label.ends_with("财政拨款") {
                        label = format!("年初财政拨款结转和结余/{label}");
                    }
                }
                if prev_amount {
                    run_start = rows.len();
                    prev_amount = false;
                }
                if side == Side::Income
                    && let (Some(crate::text::Enumerator::Chinese(n)), _) =
                        crate::text::split_enumerator(&clean)
                {
                    numbered.push((rows.len(), n));
                }
                rows.push((side, label, Vec::new(), t.line));
                last = Some(rows.len() - 1);
            }
            Kind::Amount => {
                let cap = |s: Side| if s == Side::Income { 1 } else { right_cols };
                let n = 1 + toks[i..]
                    .iter()
                    .take_while(|x| x.kind == Kind::Amount)
                    .count();
                let run_len = rows.len() - run_start;
                // One side's labels, more amounts than the last label could
                // take alone, and room in every row.
                let open = |s: usize, l: usize, rows: &[(Side, String, Vec<&Tok>, usize)]| {
                    let side = rows[s].0;
                    l > cap(side)
                        && rows[s..s + l]
                            .iter()
                            .all(|r| r.0 == side && r.2.len() < cap(r.0))
                };
                let target =
                    if !prev_amount && run_len >= 2 && n == run_len && open(run_start, n, &rows) {
                        Some(run_start)
                    } else if let Some((s, l)) = dealt.filter(|&(s, l)| {
                        l == n && open(s, l, &rows) && rows[s + l..].iter().all(|r| r.2.is_empty())
                    }) {
                        // Rows read since are the column's header words
                        // (`一般公共预算财政拨款` over the second run of 04).
                        rows.truncate(s + l);
                        Some(s)
                    } else {
                        None
                    };
                prev_amount = true;
                if let Some(s) = target {
                    for (k, a) in toks[i - 1..i - 1 + n].iter().enumerate() {
                        rows[s + k].2.push(a);
                        in_runs.push(s + k);
                    }
                    i += n - 1;
                    dealt = Some((s, n));
                    last = None;
                    continue;
                }
                // A lone income figure on the line of an expenditure name
                // (`50.09 一、一般公共服务支出`) stands at that name's height:
                // the two sides share their rows, so it is the figure of the
                // income row of the same number, if that row still has
                // none, whichever income name the stream printed last.
                let level = toks
                    .get(i)
                    .filter(|x| n == 1 && x.line == t.line && x.kind == Kind::Text)
                    .and_then(|x| match crate::text::split_enumerator(&squeeze(&x.text)) {
                        (Some(crate::text::Enumerator::Chinese(k)), rest)
                            if match_label(rest, &exp).is_some() =>
                        {
                            Some(k)
                        }
                        _ => None,
                    });
                let same_height = level.and_then(|k| {
                    numbered
                        .iter()
                        .rev()
                        .find(|&&(r, e)| e == k && r >= run_start)
                        .map(|&(r, _)| r)
                        .filter(|&r| rows[r].2.is_empty())
                });
                let into = match (last, same_height) {
                    (Some(l), Some(r)) if rows[l].0 == Side::Income => Some(r),
                    _ => last,
                };
                match into {
                    Some(r)
                        if rows[r].2.len() < cap(rows[r].0)
                            && fits_right(table, rows[r].0, &rows[r].2, t) =>
                    {
                        rows[r].2.push(t)
                    }
                    _ => orphans.push(t),
                }
            }
        }
    }
    let mut by_order = Vec::new();
    settle_totals(
        table,
        &mut rows,
        &mut orphans,
        context,
        &in_runs,
        &mut by_order,
    );
    let mut grid = Grid {
        placed_by_order: by_order,
        ..Grid::default()
    };
    grid.rows.push(Row::synthetic_header(
        ["项目", "决算数", "项目"]
            .into_iter()
            .chain(table.columns().iter().copied()),
    ));
    for (side, label, amounts, line) in &rows {
        let base = if *side == Side::Income { 0 } else { 2 };
        let mut cells = vec![Cell {
            text: label.clone(),
            raw: label.clone(),
            col: base,
            line: *line,
        }];
        cells.extend(
            amounts
                .iter()
                .enumerate()
                .map(|(i, t)| t.cell(base + 1 + i)),
        );
        grid.rows.push(Row { line: *line, cells });
    }
    if !orphans.is_empty() {
        let cells = orphans
            .iter()
            .enumerate()
            .map(|(i, t)| t.cell(4 + right_cols + i))
            .collect();
        grid.rows.push(Row {
            line: orphans[0].line,
            cells,
        });
    }
    grid
}

/// On the expenditure side of 04, a row's 小计 is the sum of its funds.
fn fits_right(table: Table, side: Side, amounts: &[&Tok], next: &Tok) -> bool {
    if table != Table::FiscalOverview || side != Side::Expenditure {
        return true;
    }
    fits(table, amounts, next, 4)
}

const CARRY_IN: &[&str] = &[
    "使用非财政拨款结余",
    "年初结转和结余",
    "年初财政拨款结转和结余",
];
const CARRY_OUT: &[&str] = &["结余分配", "年末结转和结余", "年末财政拨款结转和结余"];

/// Puts the totals of a two-sided table right with its own identities, and
/// gives left-over class amounts to the one class that other tables print
/// and this one does not.
fn settle_totals<'a>(
    table: Table,
    rows: &mut [(Side, String, Vec<&'a Tok>, usize)],
    orphans: &mut Vec<&'a Tok>,
    context: &Context,
    in_runs: &[usize],
    by_order: &mut Vec<usize>,
) {
    let is_total = |l: &str| {
        matches!(l, "本年收入合计" | "本年支出合计" | "总计")
            || CARRY_IN.contains(&l)
            || CARRY_OUT.contains(&l)
    };
    let is_class = |l: &str| FUNCTION_CLASSES.iter().any(|(_, n)| *n == l);
    let width = |s: Side| {
        if s == Side::Income {
            1
        } else {
            table.columns().len()
        }
    };
    // What the stream's order gave each row, before the totals are pooled.
    let given: Vec<Vec<Amount>> = rows
        .iter()
        .map(|r| r.2.iter().map(|t| t.value()).collect())
        .collect();
    // Pool: amounts given to totals by the stream, and orphans.
    let mut pool: Vec<&'a Tok> = std::mem::take(orphans);
    for r in rows.iter_mut().filter(|r| is_total(&r.1)) {
        pool.append(&mut r.2);
    }
    let tol = Amount::from_micros(30_000);
    let take = |pool: &mut Vec<&'a Tok>, want: Amount, n: usize| -> Option<Vec<&'a Tok>> {
        let idx: Vec<usize> = pool
            .iter()
            .enumerate()
            .filter(|(_, t)| (t.value() - want).abs() <= tol)
            .map(|(i, _)| i)
            .take(n)
            .collect();
        if idx.len() < n {
            return None;
        }
        let mut out = Vec::new();
        for i in idx.into_iter().rev() {
            out.push(pool.remove(i));
        }
        out.reverse();
        Some(out)
    };
    // Expenditure rows another table's figures fix: the pooled amount equal
    // to the figure is theirs (their column printed shorter than its
    // labels, blank cells gone). On 04 the figure is the 一般公共预算财政拨款
    // column's, placed only where the row's 小计 prints it too (two equal
    // amounts: 小计, then the fund), and only in a row still without
    // amounts. On 01 (one column a side), a row the stream's order gave
    // another figure takes the anchor's from the row the order gave it to
    // (an identity outranks an order), unless that row's own anchor holds
    // it; from the other side's rows only a figure printed once in the block.
    let anchored = |label: &str| {
        context
            .anchors
            .iter()
            .find(|a| a.side == Side::Expenditure && a.label == label)
    };
    let classes_anchored = context.anchors.iter().any(|a| a.side == Side::Expenditure);
    let holds = |rows: &[(Side, String, Vec<&'a Tok>, usize)], i: usize| {
        let r = &rows[i];
        r.0 == Side::Expenditure
            && r.2.len() == 1
            && anchored(&r.1).is_some_and(|a| (r.2[0].value() - a.value).abs() <= tol)
    };
    // A class no coded table of the document prints spends nothing: a
    // figure other than zero the order gave it is another row's.
    let printed_nowhere = |label: &str| {
        !context.classes.is_empty()
            && FUNCTION_CLASSES
                .iter()
                .find(|(_, n)| *n == label)
                .is_some_and(|(code, _)| !context.classes.iter().any(|c| c == code))
    };
    let mut evicted: Vec<&'a Tok> = Vec::new();
    if table == Table::Overview {
        // On 01 (whose anchors are 03's, every class that spends) a class
        // no anchor names spends nothing either. `pdftotext` sets an income
        // row's figure after the expenditure name printed on its line:
        // pooled, for an anchor to take, else the income row printed last
        // before it that still has none, by order only.
        let unprinted = |label: &str| {
            printed_nowhere(label)
                || is_class(label) && classes_anchored && anchored(label).is_none()
        };
        for r in rows.iter_mut() {
            if r.0 == Side::Expenditure
                && unprinted(&r.1)
                && r.2.len() == 1
                && !r.2[0].value().is_zero()
            {
                evicted.push(r.2[0]);
                pool.append(&mut r.2);
            }
        }
    } else {
        // On 04 (whose anchors are 05's, which leave out what only funds
        // pay) only the classes no coded table prints: a column printed with
        // its blank cells gone sets a page's figures after its last name.
        // Pooled, for the anchors to take; left unplaced else.
        for r in rows.iter_mut() {
            if r.0 == Side::Expenditure
                && printed_nowhere(&r.1)
                && r.2.iter().any(|t| !t.value().is_zero())
            {
                pool.append(&mut r.2);
            }
        }
    }
    let printed_once =
        |rows: &[(Side, String, Vec<&'a Tok>, usize)], pool: &[&'a Tok], v: Amount| {
            rows.iter()
                .flat_map(|r| r.2.iter())
                .chain(pool.iter())
                .filter(|t| (t.value() - v).abs() <= tol)
                .count()
                == 1
        };
    let single = table == Table::Overview;
    for anchor in &context.anchors {
        let income = anchor.side == Side::Income;
        let n = if single { 1 } else { 2 };
        let Some(r) = rows
            .iter()
            .position(|r| r.0 == anchor.side && r.1 == anchor.label)
        else {
            continue;
        };
        // An income source keeps what the stream gave it; it takes only a
        // figure no row holds.
        if !rows[r].2.is_empty() && (income || !single || holds(rows, r)) {
            continue;
        }
        let mut ts = take(&mut pool, anchor.value, n);
        if ts.is_none() && single && !income {
            let once = printed_once(rows, &pool, anchor.value);
            let from = (0..rows.len()).find(|&j| {
                j != r
                    && (rows[j].0 == Side::Expenditure || once)
                    && rows[j].2.len() == 1
                    && (rows[j].2[0].value() - anchor.value).abs() <= tol
                    && !holds(rows, j)
            });
            ts = from.map(|j| std::mem::take(&mut rows[j].2));
        }
        if let Some(ts) = ts {
            if !anchor.sure {
                by_order.extend(ts.iter().map(|t| t.line));
            }
            let old = std::mem::replace(&mut rows[r].2, ts);
            pool.extend(old);
        }
    }
    for t in evicted {
        let Some(at) = pool.iter().position(|p| std::ptr::eq(*p, t)) else {
            continue;
        };
        if let Some(r) = rows.iter().rposition(|r| {
            r.0 == Side::Income && r.3 <= t.line && r.2.is_empty() && !is_total(&r.1)
        }) {
            by_order.push(t.line);
            rows[r].2.push(pool.remove(at));
        }
    }
    // Orphan class amounts: the classes other tables print and this one lacks.
    let present: Vec<String> = rows
        .iter()
        .filter(|r| is_class(&r.1) && !r.2.is_empty())
        .map(|r| r.1.clone())
        .collect();
    let missing: Vec<&str> = context
        .classes
        .iter()
        .filter_map(|c| {
            FUNCTION_CLASSES
                .iter()
                .find(|(code, _)| code == c)
                .map(|(_, n)| *n)
        })
        .filter(|n| !present.iter().any(|p| p == n))
        .collect();
    let sum_side = |rows: &[(Side, String, Vec<&'a Tok>, usize)], side: Side| -> Amount {
        rows.iter()
            .filter(|r| r.0 == side && !is_total(&r.1) && !r.1.starts_with("年初"))
            .filter_map(|r| r.2.first())
            .map(|t| t.value())
            .sum()
    };
    let exp_total = |pool: &[&Tok]| pool.iter().map(|t| t.value()).max().unwrap_or(Amount::ZERO);
    if missing.len() == 1 && !pool.is_empty() {
        let grand = exp_total(&pool);
        let classes = sum_side(rows, Side::Expenditure);
        // The largest amount below the grand total that completes the classes.
        let gap = pool
            .iter()
            .filter(|t| t.value() < grand)
            .map(|t| t.value())
            .filter(|v| (classes + *v).abs() <= grand + tol)
            .max();
        if let Some(v) = gap
            && let Some(r) = rows
                .iter_mut()
                .find(|r| r.0 == Side::Expenditure && r.1 == missing[0])
        {
            let n = width(Side::Expenditure)
                .min(pool.iter().filter(|t| (t.value() - v).abs() <= tol).count());
            if let Some(ts) = take(&mut pool, v, n.max(1)) {
                r.2 = ts;
            }
        }
    }
    let inc_sum = sum_side(rows, Side::Income);
    let exp_sum = sum_side(rows, Side::Expenditure);
    let grand = exp_total(&pool);
    let mut proven_zero: Vec<(Side, usize)> = Vec::new();
    for (side, sum) in [(Side::Income, inc_sum), (Side::Expenditure, exp_sum)] {
        // How many columns a total row fills: as many as its side's rows do.
        let n = rows
            .iter()
            .filter(|r| r.0 == side && is_class(&r.1))
            .map(|r| r.2.len())
            .max()
            .unwrap_or(1)
            .max(1);
        let label = if side == Side::Income {
            "本年收入合计"
        } else {
            "本年支出合计"
        };
        let this_year = take(&mut pool, sum, n);
        let this_value = this_year
            .as_ref()
            .and_then(|v| v.first())
            .map(|t| t.value());
        if let (Some(ts), Some(r)) = (
            this_year,
            rows.iter_mut().find(|r| r.0 == side && r.1 == label),
        ) {
            r.2 = ts;
        }
        if let Some(ts) = take(&mut pool, grand, n)
            && let Some(r) = rows.iter_mut().find(|r| r.0 == side && r.1 == "总计")
        {
            r.2 = ts;
        }
        // The carry-over is the difference, given to the carry-over label
        // printed last before it.
        if let Some(tv) = this_value {
            let carry = grand - tv;
            let labels = if side == Side::Income {
                CARRY_IN
            } else {
                CARRY_OUT
            };
            if !carry.is_zero()
                && let Some(ts) = take(&mut pool, carry, 1)
            {
                let line = ts[0].line;
                let blank = |r: &(Side, String, Vec<&Tok>, usize)| {
                    r.0 == side && labels.contains(&r.1.as_str()) && r.2.is_empty()
                };
                let open = rows.iter().filter(|r| blank(r)).count();
                let target = rows.iter().rposition(|r| blank(r) && r.3 <= line);
                // Two carry-over rows left blank are both parts of 总计:
                // which one prints the difference, only the order of the
                // print says where it did not set the figure by its row (a
                // page break may have moved the other label). A cell stream
                // sets a figure by its row only in a run of as many figures
                // as names: one after a name may be the other row's
                // (`pdftotext`'s order).
                let set_by_row = |t: usize| {
                    given[t].iter().any(|v| (*v - carry).abs() <= tol)
                        && (!context.cell_stream || in_runs.contains(&t))
                };
                if open > 1 && target.is_some_and(|t| !set_by_row(t)) {
                    by_order.push(line);
                }
                let target = target.map(|t| &mut rows[t]);
                match target {
                    Some(r) => r.2 = ts,
                    None => pool.extend(ts),
                }
            }
            let placed: Amount = rows
                .iter()
                .filter(|r| r.0 == side && labels.contains(&r.1.as_str()))
                .filter_map(|r| r.2.first())
                .map(|t| t.value())
                .sum();
            if (carry - placed).abs() <= tol {
                proven_zero.push((side, n));
            }
        }
    }
    // Carry-over rows the identities prove zero (总计 = 本年合计 + the
    // carry-overs placed): the zeros left over are theirs, in printed order,
    // when they are exactly as many as those rows' columns.
    let mut wanting: Vec<(usize, usize)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.2.is_empty())
        .filter_map(|(i, r)| {
            let labels = if r.0 == Side::Income {
                CARRY_IN
            } else {
                CARRY_OUT
            };
            let (_, n) = proven_zero.iter().find(|(s, _)| *s == r.0)?;
            labels.contains(&r.1.as_str()).then_some((i, *n))
        })
        .collect();
    wanting.sort_by_key(|&(i, _)| rows[i].3);
    let need: usize = wanting.iter().map(|w| w.1).sum();
    let zeros = pool.iter().filter(|t| t.value().is_zero()).count();
    if need > 0 && need == zeros {
        let (mut zs, rest): (Vec<&Tok>, Vec<&Tok>) =
            pool.into_iter().partition(|t| t.value().is_zero());
        zs.sort_by_key(|t| t.line);
        let mut zs = zs.into_iter();
        for (i, n) in wanting {
            rows[i].2 = zs.by_ref().take(n).collect();
        }
        pool = rest;
    }
    *orphans = pool;
}

/// Table 09: its amounts in order, under the halves the header prints.
fn three_public(toks: &[Tok]) -> Grid {
    let halves: Vec<&str> = toks
        .iter()
        .filter(|t| t.kind == Kind::Text)
        .map(|t| t.text.as_str())
        .filter(|t| *t == "预算数" || *t == "决算数")
        .collect();
    let interleaved = halves
        .windows(2)
        .filter(|w| w[0] == "预算数" && w[1] == "决算数")
        .count()
        >= 3;
    let order = three_public_order(interleaved);
    let mut grid = Grid::default();
    grid.rows.push(Row {
        line: 0,
        cells: order
            .iter()
            .enumerate()
            .map(|(i, c)| Cell {
                text: c.to_string(),
                raw: String::new(),
                col: i,
                line: 0,
            })
            .collect(),
    });
    let amounts: Vec<&Tok> = toks.iter().filter(|t| t.kind == Kind::Amount).collect();
    if let Some(first) = amounts.first() {
        grid.rows.push(Row {
            line: first.line,
            cells: amounts.iter().enumerate().map(|(i, t)| t.cell(i)).collect(),
        });
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tables::{TableRead, Unit, describe, read_table};
    use crate::model::Flag;

    fn read_block(table: Table, doc: &str, context: &Context) -> TableRead {
        let t = Text::from_string(doc);
        let g = grid(&t, 0..t.len(), table, context);
        read_table(table, &g, Unit::Wan, false)
    }

    /// The context of a block read as a cell stream.
    fn cell_stream() -> Context {
        Context {
            cell_stream: true,
            ..Context::default()
        }
    }

    fn read(table: Table, doc: &str, context: &Context) -> Vec<String> {
        describe(&read_block(table, doc, context).items)
    }

    /// The amount of row `item` (on `side`, if given) and whether it was
    /// placed by order.
    fn placed(r: &TableRead, side: Option<Side>, item: &str) -> Option<(String, bool)> {
        r.items
            .iter()
            .find(|i| side.is_none_or(|s| i.side == Some(s)) && i.item == item)
            .map(|i| (i.amount.to_string(), i.flags.contains(&Flag::PlacedByOrder)))
    }

    /// Table 03's code in three columns (类, 款, 项), printed a column at
    /// a time with blank cells gone (PyMuPDF's blocks): every row's 类, then
    /// the 款 of the rows under a 类, then the 项 of the rows under a 款,
    /// then the names and the amounts. Each row gets its whole code.
    #[test]
    fn a_code_printed_in_three_columns_a_column_at_a_time_is_rejoined() {
        let doc = "支出决算表\n单位：万元\n科目编码\n科目名称\n本年支出合计\n基本支出\n项目支出\n\
                   类\n款\n项\n合计\n201\n201\n201\n201\n208\n208\n208\n\
                   01\n01\n01\n05\n05\n01\n02\n05\n\
                   一般公共服务支出\n人大事务\n行政运行\n一般行政管理事务\n\
                   社会保障和就业支出\n行政事业单位养老支出\n机关事业单位基本养老保险缴费支出\n\
                   36.00\n30.00\n30.00\n18.00\n12.00\n6.00\n6.00\n6.00\n\
                   26.00\n20.00\n20.00\n8.00\n12.00\n6.00\n6.00\n6.00\n\
                   10.00\n10.00\n10.00\n10.00\n0.00\n0.00\n0.00\n0.00\n";
        let got = read(Table::Expenditure, doc, &cell_stream());
        for want in [
            "|合计|项目支出|10",
            "|201|本年支出合计|30",
            "|20101|基本支出|20",
            "|2010101|项目支出|10",
            "|2010102|本年支出合计|12",
            "|208|基本支出|6",
            "|20805|本年支出合计|6",
            "|2080505|基本支出|6",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:#?}");
        }
    }

    /// The same code printed row by row (`201`, `201 01`, `201 01 01`, one
    /// cell a line): a 类 follows the parts, which are no column; each
    /// row's parts join its own 类.
    #[test]
    fn a_code_in_three_columns_printed_row_by_row_joins_row_by_row() {
        let toks = |cells: &[&str]| -> Vec<Tok> {
            let t = Text::from_string(&cells.join("\n"));
            tokens(&t, 0..t.len(), true, false)
        };
        let texts = |v: &[Tok]| v.iter().map(|t| t.text.clone()).collect::<Vec<_>>();
        let rows = toks(&[
            "201",
            "一般公共服务支出",
            "30.00",
            "201",
            "01",
            "人大事务",
            "30.00",
            "201",
            "01",
            "01",
            "行政运行",
            "30.00",
        ]);
        assert_eq!(
            texts(&join_split_codes(rows)),
            [
                "201",
                "一般公共服务支出",
                "30.00",
                "20101",
                "人大事务",
                "30.00",
                "2010101",
                "行政运行",
                "30.00"
            ]
        );
        // Codes only, a flow of their own (pdftotext's default order).
        let rows = toks(&["201", "201", "01", "201", "01", "01", "人大事务"]);
        assert_eq!(
            texts(&join_split_codes(rows)),
            ["201", "20101", "2010101", "人大事务"]
        );
        let columns = toks(&["201", "201", "201", "01", "01", "01", "人大事务"]);
        assert_eq!(
            texts(&join_split_codes(columns)),
            ["201", "20101", "2010101", "人大事务"]
        );
    }

    /// A narrow code column in PyMuPDF's blocks: a 项's seven-digit code
    /// and the first line of its name set at one height (`2010101 行政`),
    /// the 类 and 款 codes on lines of their own. The code opens its row.
    #[test]
    fn a_code_and_its_name_on_one_line_open_a_row() {
        let doc = "支出决算表\n单位：万元\n科目编码\n科目名称\n本年支出合计\n基本支出\n项目支出\n\
                   合计\n30.00\n20.00\n10.00\n201\n一般公共\n服务支出\n30.00\n20.00\n10.00\n\
                   20101\n人大事务\n30.00\n20.00\n10.00\n2010101 行政\n运行\n18.00\n18.00\n0.00\n\
                   2010102 一般行政\n管理事务\n12.00\n2.00\n10.00\n";
        let got = read(Table::Expenditure, doc, &cell_stream());
        for want in [
            "|2010101|本年支出合计|18",
            "|2010101|基本支出|18",
            "|2010102|基本支出|2",
            "|2010102|项目支出|10",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:#?}");
        }
    }

    #[test]
    fn rows_printed_row_by_row_and_column_by_column() {
        // An imaginary 水务局: the first rows are printed a row at a time, the
        // rest a column at a time (codes, then names, then amounts).
        let doc = "支出决算表\n单位：万元\n项目\n科目编码\n合计\n基本支出\n项目支出\n科目名称\n合计\n60.00\n40.00\n20.00\n213\n农林水支出\n60.00\n40.00\n20.00\n21303\n2130301\n水利\n行政运行\n50.00\n40.00\n10.00\n40.00\n40.00\n0.00\n";
        let got = read(Table::GeneralBudgetExpenditure, doc, &Context::default());
        let want = [
            "|合计|小计|60",
            "|合计|基本支出|40",
            "|合计|项目支出|20",
            "|213|小计|60",
            "|213|基本支出|40",
            "|213|项目支出|20",
            "|21303|小计|50",
            "|21303|基本支出|40",
            "|21303|项目支出|10",
            "|2130301|小计|40",
            "|2130301|基本支出|40",
            "|2130301|项目支出|0",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn amounts_a_converter_joined_on_one_line_are_cells_of_a_stream() {
        // The same imaginary 水务局, its first two cells of each row set at one
        // height and joined by a space (`60.00 40.00`).
        let doc = "支出决算表\n单位：万元\n项目\n科目编码\n合计\n基本支出\n项目支出\n科目名称\n合计\n60.00 40.00\n20.00\n213\n农林水支出\n60.00 40.00\n20.00\n";
        let got = read(Table::GeneralBudgetExpenditure, doc, &cell_stream());
        let want = [
            "|合计|小计|60",
            "|合计|基本支出|40",
            "|合计|项目支出|20",
            "|213|小计|60",
            "|213|基本支出|40",
            "|213|项目支出|20",
        ];
        assert_eq!(got, want);
        // Not in a block printed row by row, where such a line is a row.
        let rows = read(Table::GeneralBudgetExpenditure, doc, &Context::default());
        assert_ne!(rows, want);
    }

    #[test]
    fn carry_overs_the_identities_prove_zero_take_the_zeros_left() {
        // Column by column: labels, then amounts, on each side. 总计 is
        // 本年合计 plus 年初结转和结余, so 使用非财政拨款结余, 结余分配 and
        // 年末结转和结余 are zero: the three zeros left are theirs.
        let doc = "收入支出决算总表\n单位：万元\n收入\n支出\n项目\n决算数\n一、一般公共预算财政拨款收入\n本年收入合计\n使用非财政拨款结余\n年初结转和结余\n总计\n\n80.00\n80.00\n0.00\n6.00\n86.00\n\n五、教育支出\n本年支出合计\n结余分配\n年末结转和结余\n总计\n\n86.00\n86.00\n0.00\n0.00\n86.00\n";
        let r = read_block(Table::Overview, doc, &Context::default());
        let got = describe(&r.items);
        for want in [
            "收入|使用非财政拨款结余|决算数|0",
            "收入|年初结转和结余|决算数|6",
            "支出|结余分配|决算数|0",
            "支出|年末结转和结余|决算数|0",
            "支出|教育支出|决算数|86",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:#?}");
        }
        assert_eq!(r.unplaced, 0, "{got:#?}");
    }

    #[test]
    fn a_carry_over_two_blank_rows_could_print_is_placed_by_order() {
        // The totals block drawn out of order (labels first, figures after).
        // 总计 exceeds 本年合计 on each side, and two carry-over rows of the
        // expenditure side are blank: either prints the difference and 总计
        // holds, so the row printed last before the figure takes it by order
        // only (a page break may have moved the other label). The income
        // side prints one carry-over row: the sums place its figure.
        let doc = "收入支出决算总表\n项目\n一、一般公共预算财政拨款收入\n决算数\n100.00\n八、社会保障和就业支出\n70.00\n十一、城乡社区支出\n35.00\n本年收入合计\n100.00\n年初结转和结余\n105.00\n结余分配\n10.00\n总计\n本年支出合计\n年末结转和结余\n110.00\n总计\n5.00\n110.00\n";
        let r = read_block(Table::Overview, doc, &Context::default());
        let by_order = |side: Side, item: &str| placed(&r, Some(side), item).map(|p| p.1);
        let got = describe(&r.items);
        assert_eq!(
            by_order(Side::Expenditure, "年末结转和结余"),
            Some(true),
            "{got:#?}"
        );
        assert_eq!(
            by_order(Side::Income, "年初结转和结余"),
            Some(false),
            "{got:#?}"
        );
    }

    #[test]
    fn names_wrapped_in_narrow_cells_and_figures_set_beside_the_next_name() {
        // `pdftotext`'s default order of a table 01 whose name cells wrap:
        // a numbered name on two lines, and a figure set on the line of the
        // other side's name (`5.00 二、社会保障和就业`).
        let doc = "收入支出决算总表\n单位：万元\n收入\n支出\n项目\n决算数\n项目\n决算数\n一、一般公共预算财\n政拨款收入\n100.00 一、教育支\n出\n60.00\n二、其他收入\n5.00 二、社会保障和就业\n支出\n45.00\n本年收入合计\n105.00\n本年支出合计\n105.00\n总计\n105.00\n总计\n105.00\n";
        let got = read(Table::Overview, doc, &cell_stream());
        for want in [
            "收入|一般公共预算财政拨款收入|决算数|100",
            "支出|教育支出|决算数|60",
            "收入|其他收入|决算数|5",
            "支出|社会保障和就业支出|决算数|45",
            "收入|本年收入合计|决算数|105",
            "支出|本年支出合计|决算数|105",
        ] {
            assert!(got.iter().any(|g| g == want), "{want} in {got:#?}");
        }
        assert_eq!(got.len(), 8, "{got:#?}");
    }

    #[test]
    fn a_figure_the_order_gave_a_class_no_coded_table_prints_is_an_income_row_s() {
        // The income row's figure set after the expenditure name printed on
        // its line: table 03 prints 教育支出 alone (the anchor), so 一般公共
        // 服务支出 spent nothing and the figure is the income row's before
        // it, by order only.
        let doc = "收入支出决算总表\n单位：万元\n项目\n决算数\n项目\n决算数\n一、一般公共预算财政拨款收入\n一、一般公共服务支出\n100.00\n二、教育支出\n100.00\n本年收入合计\n100.00\n本年支出合计\n100.00\n总计\n100.00\n总计\n100.00\n";
        let context = Context {
            anchors: vec![Anchor {
                side: Side::Expenditure,
                label: "教育支出",
                value: Amount::from_micros(100_000_000),
                sure: true,
            }],
            ..cell_stream()
        };
        let r = read_block(Table::Overview, doc, &context);
        let row = |item: &str| placed(&r, None, item);
        let got = describe(&r.items);
        assert_eq!(row("一般公共服务支出"), None, "{got:#?}");
        assert_eq!(
            row("一般公共预算财政拨款收入"),
            Some(("100".into(), true)),
            "{got:#?}"
        );
        assert_eq!(row("教育支出"), Some(("100".into(), false)), "{got:#?}");
    }

    /// Table 04 as a cell stream a column at a time with blank cells gone
    /// (PyMuPDF's blocks): the page's expenditure names, then its 小计
    /// column and its 一般公共预算财政拨款 column, both only as long as
    /// the rows that spend. The order gives them all to the page's last
    /// name, a class no coded table prints; the anchors (05's classes)
    /// take them to their rows.
    #[test]
    fn figures_the_order_gave_a_class_no_coded_table_prints_go_to_the_anchored_rows() {
        let doc = "财政拨款收入支出决算总表\n单位：万元\n收入\n支出\n项目\n决算数\n项目\n合计\n\
                   一般公共预算财政拨款\n政府性基金预算财政拨款\n国有资本经营预算财政拨款\n\
                   一、一般公共预算财政拨款\n二、政府性基金预算财政拨款\n90.00\n\
                   一、一般公共服务支出\n二、教育支出\n三、社会保障和就业支出\n四、粮油物资储备支出\n\
                   60.00\n30.00\n60.00\n30.00\n本年收入合计\n90.00\n本年支出合计\n90.00\n90.00\n";
        let anchor = |label, micros| Anchor {
            side: Side::Expenditure,
            label,
            value: Amount::from_micros(micros),
            sure: true,
        };
        let context = Context {
            classes: vec!["205".into(), "208".into()],
            anchors: vec![
                anchor("教育支出", 60_000_000),
                anchor("社会保障和就业支出", 30_000_000),
            ],
            ..cell_stream()
        };
        let got = read(Table::FiscalOverview, doc, &context);
        for want in [
            "支出|教育支出|小计|60",
            "支出|教育支出|一般公共预算财政拨款|60",
            "支出|社会保障和就业支出|小计|30",
            "支出|社会保障和就业支出|一般公共预算财政拨款|30",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:#?}");
        }
        assert!(
            !got.iter().any(|g| g.contains("粮油物资储备支出")),
            "{got:#?}"
        );
    }

    /// Table 01 a column at a time with blank cells gone (PyMuPDF's blocks,
    /// pdftotext -raw): the income side's names, then only the figures
    /// printed (一般公共预算 and 其他收入 among eight sources). 02's 合计 row
    /// anchors the sources: placed, by order only (02's part columns may
    /// have shifted), and 本年收入合计 is their sum.
    #[test]
    fn income_sources_printed_with_blank_cells_gone_take_the_figures_02_prints() {
        let doc = "收入支出决算总表\n单位：万元\n收入\n支出\n项目\n决算数\n项目\n决算数\n\
                   一、一般公共预算财政拨款收入\n二、政府性基金预算财政拨款收入\n四、上级补助收入\n\
                   五、事业收入\n八、其他收入\n本年收入合计\n年初结转和结余\n总计\n\
                   576.31\n22.07\n598.38\n41.43\n639.81\n\
                   五、教育支出\n本年支出合计\n结余分配\n年末结转和结余\n总计\n\
                   598.38\n598.38\n41.43\n639.81\n";
        let source = |label, micros| Anchor {
            side: Side::Income,
            label,
            value: Amount::from_micros(micros),
            sure: false,
        };
        let context = Context {
            anchors: vec![
                source("一般公共预算财政拨款收入", 576_310_000),
                source("其他收入", 22_070_000),
            ],
            ..cell_stream()
        };
        let r = read_block(Table::Overview, doc, &context);
        let got = describe(&r.items);
        let row = |item: &str| placed(&r, Some(Side::Income), item);
        assert_eq!(
            row("一般公共预算财政拨款收入"),
            Some(("576.31".into(), true)),
            "{got:#?}"
        );
        assert_eq!(row("其他收入"), Some(("22.07".into(), true)), "{got:#?}");
        assert_eq!(
            row("本年收入合计").map(|p| p.0),
            Some("598.38".into()),
            "{got:#?}"
        );
        assert_eq!(row("上级补助收入"), None, "{got:#?}");
    }

    /// Table 04 a column at a time (PyMuPDF's blocks, pdftotext -raw): the
    /// three income names, then the one income figure on the line of the
    /// first expenditure name (`50.09 一、一般公共服务支出`), at the height
    /// of the first row of both sides. It is 一般公共预算财政拨款's, not the
    /// last income name's before it.
    #[test]
    fn an_income_figure_on_the_line_of_an_expenditure_name_is_its_row_s() {
        let doc = "财政拨款收入支出决算总表\n单位：万元\n收入 支出\n项目 决算数 项目 小计\n\
                   一、一般公共预算财政拨款\n二、政府性基金预算财政拨款\n三、国有资本经营预算财政拨款\n\
                   50.09 一、一般公共服务支出\n二、外交支出\n50.09\n50.09\n";
        let r = read_block(Table::FiscalOverview, doc, &cell_stream());
        let got = describe(&r.items);
        let row = |item: &str| placed(&r, Some(Side::Income), item);
        assert_eq!(
            row("一般公共预算财政拨款").map(|p| p.0),
            Some("50.09".into()),
            "{got:#?}"
        );
        assert_eq!(row("国有资本经营预算财政拨款"), None, "{got:#?}");
    }

    #[test]
    fn a_carry_over_a_cell_stream_sets_after_its_name_is_placed_by_order() {
        // `pdftotext`'s default order: the difference follows 结余分配, yet
        // either blank carry-over row may print it (a cell stream sets no
        // figure by its row), so the row takes it by order only.
        let doc = "收入支出决算总表\n项目\n一、一般公共预算财政拨款收入\n决算数\n100.00\n八、社会保障和就业支出\n100.00\n本年收入合计\n100.00\n年初结转和结余\n5.00\n总计\n105.00\n本年支出合计\n100.00\n结余分配\n5.00\n年末结转和结余\n总计\n105.00\n";
        let flagged = |cell_stream: bool| {
            let context = Context {
                cell_stream,
                ..Context::default()
            };
            let r = read_block(Table::Overview, doc, &context);
            placed(&r, Some(Side::Expenditure), "结余分配")
        };
        assert_eq!(flagged(true), Some(("5".into(), true)));
        assert_eq!(flagged(false), Some(("5".into(), false)));
    }

    #[test]
    fn overview_totals_settle_by_their_identities() {
        // Class rows with their amounts, then the totals block drawn out of
        // order: the labels first, the figures after.
        let doc = "收入支出决算总表\n项目\n一、一般公共预算财政拨款收入\n决算数\n100.00\n八、社会保障和就业支出\n70.00\n十一、城乡社区支出\n35.00\n本年收入合计\n100.00\n使用非财政拨款结余\n年初结转和结余\n105.00\n结余分配\n10.00\n总计\n本年支出合计\n年末结转和结余\n110.00\n总计\n5.00\n110.00\n";
        let got = read(Table::Overview, doc, &Context::default());
        for want in [
            "收入|本年收入合计|决算数|100",
            "收入|年初结转和结余|决算数|10",
            "收入|总计|决算数|110",
            "支出|本年支出合计|决算数|105",
            "支出|年末结转和结余|决算数|5",
            "支出|总计|决算数|110",
            "支出|城乡社区支出|决算数|35",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:#?}");
        }
    }
}
