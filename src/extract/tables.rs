//! Interprets a [`Grid`] as one of the nine standard tables: finds the header
//! rows and maps cell columns to the contract's canonical columns by the
//! meaning of the header text (with the 栏次 numbering row as a fallback), then
//! reads every data row into line items.
//!
//! The same interpreter serves every input shape; shape readers only have to
//! put cells in the right columns.

use std::collections::HashMap;

use crate::amount::{Printed, Reading, parse_printed};
use crate::extract::grid::{Cell, Grid, Row};
use crate::model::{Flag, LineItem};
use crate::text::{compact_cjk, edit_distance, split_enumerator, squeeze};
use crate::vocab::{self, Side, Table, clean_label, match_label};

/// What reading one table yielded.
#[derive(Debug, Default)]
pub struct TableRead {
    pub items: Vec<LineItem>,
    /// Amounts found that could not be tied to a column or a row label.
    pub unplaced: usize,
}

/// Unit the amounts of a table are printed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Wan,
    Qian,
    Yuan,
}

/// The first `单位：…` note among `lines`, if one is printed.
fn find_unit<'a>(mut lines: impl Iterator<Item = &'a str>) -> Option<Unit> {
    lines.find_map(|l| {
        // Most lines print no note: squeezed only where one may be.
        if !l.contains('单') {
            return None;
        }
        let c = squeeze(l);
        let p = c.find("单位:").or_else(|| c.find("单位："))?;
        let rest = &c[p..];
        let rest = rest.split_once([':', '：']).map(|x| x.1).unwrap_or(rest);
        if rest.starts_with("万元") {
            Some(Unit::Wan)
        } else if rest.starts_with("千元") {
            Some(Unit::Qian)
        } else if rest.starts_with('元') {
            Some(Unit::Yuan)
        } else {
            None
        }
    })
}

/// Lines above a title searched for its page's unit note at most.
const UNIT_ABOVE: usize = 40;

/// The unit of the table block whose title is on line `title` and whose
/// body ends before line `end`: its own note, else one printed above the
/// title on the title's page (a turned page's sorted text sets the note
/// before the title), else 万元.
pub fn block_unit(text: &crate::decode::Text, title: usize, end: usize) -> Unit {
    if let Some(u) = find_unit((title..end).map(|i| text.line(i))) {
        return u;
    }
    // A title that begins its page after a form feed has the page before
    // above it.
    if text.raw_line(title).contains('\u{c}') {
        return Unit::Wan;
    }
    let mut above = Vec::new();
    for i in (title.saturating_sub(UNIT_ABOVE)..title).rev() {
        let raw = text.raw_line(i);
        match raw.rfind('\u{c}') {
            // The page begins on this line: only what follows the feed.
            Some(at) => {
                above.push(&raw[at + 1..]);
                break;
            }
            None => above.push(text.line(i)),
        }
    }
    find_unit(above.into_iter()).unwrap_or(Unit::Wan)
}

/// A subject code as printed: "2080101", "208 01 01", "30101".
pub fn parse_code(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.is_empty() || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let code: String = parts.concat();
    if parts.len() > 1 && (parts[0].len() != 3 || parts[1..].iter().any(|p| p.len() != 2)) {
        return None;
    }
    let ok = matches!(code.len(), 3 | 5 | 7) && matches!(code.as_bytes()[0], b'2' | b'3' | b'1');
    ok.then_some(code)
}

/// Text of a header cell reduced for matching.
pub(crate) fn header_key(s: &str) -> String {
    let s = squeeze(s);
    let s = s.replace("(万元)", "").replace("(元)", "");
    let (_, s) = split_enumerator(&s);
    s.trim_matches(|c: char| "\"'“”:".contains(c)).to_string()
}

/// Fuzzy equality of a header text and a canonical column leaf.
pub(crate) fn header_matches(key: &str, leaf: &str) -> bool {
    if key == leaf {
        return true;
    }
    let alias = match key {
        "金额" | "决算" | "本年决算数" => "决算数",
        "因公出国(境)费用" | "因公出国费" => "因公出国(境)费",
        "公务用车购置及运行费" => "公务用车购置及运行维护费",
        "年初结转结余" => "年初结转和结余",
        "年末结转结余" => "年末结转和结余",
        "本年收入合计" | "收入合计" => "本年收入合计",
        "本年支出合计" | "支出合计" => "本年支出合计",
        // The total column of 04/05/07/08 is printed 合计 as often as 小计.
        "合计" => "小计",
        _ => key,
    };
    if alias == leaf {
        return true;
    }
    let n = leaf.chars().count();
    n >= 4 && edit_distance(key, leaf, n / 5) <= n / 5
}

/// Per column index, the header texts above it, top to bottom, with cells of
/// upper rows spanning right over empty positions (merged header cells).
fn header_paths(headers: &[&Row], max_col: usize) -> Vec<Vec<String>> {
    let mut paths = vec![Vec::new(); max_col + 1];
    for (ri, row) in headers.iter().enumerate() {
        let last_row = ri + 1 == headers.len();
        for (k, cell) in row.cells.iter().enumerate() {
            let key = header_key(&cell.text);
            if key.is_empty() {
                continue;
            }
            let span_end = if last_row {
                cell.col
            } else {
                row.cells.get(k + 1).map(|c| c.col - 1).unwrap_or(max_col)
            };
            for p in paths
                .iter_mut()
                .take(span_end.min(max_col) + 1)
                .skip(cell.col)
            {
                p.push(key.clone());
            }
        }
    }
    paths
}

/// Maps column indices to canonical columns by header meaning.
fn map_columns(
    paths: &[Vec<String>],
    canon: &[&'static str],
    range: std::ops::Range<usize>,
) -> HashMap<usize, &'static str> {
    let mut out = HashMap::new();
    let mut used: Vec<&str> = Vec::new();
    for j in range {
        let Some(path) = paths.get(j) else { continue };
        if path.is_empty() {
            continue;
        }
        // Try the deepest header text first.
        'depth: for (d, key) in path.iter().enumerate().rev() {
            let mut cands: Vec<&'static str> = canon
                .iter()
                .copied()
                .filter(|c| !used.contains(c))
                .filter(|c| {
                    header_matches(key, c.rsplit('/').next().unwrap_or(c)) || header_matches(key, c)
                })
                .collect();
            // An exact header name beats a fuzzy or aliased one.
            if cands.contains(&key.as_str()) {
                cands.retain(|c| *c == key.as_str());
            }
            let exact = |c: &&str| c.rsplit('/').next() == Some(key.as_str());
            if cands.iter().any(exact) {
                cands.retain(exact);
            }
            if cands.len() > 1 {
                // Disambiguate by the parents above: "预算数/合计" vs "决算数/合计".
                let parents = &path[..d];
                let narrowed: Vec<&'static str> = cands
                    .iter()
                    .copied()
                    .filter(|c| {
                        let segs: Vec<&str> = c.split('/').collect();
                        segs[..segs.len() - 1]
                            .iter()
                            .all(|s| parents.iter().any(|p| header_matches(p, s)))
                    })
                    .collect();
                if !narrowed.is_empty() {
                    cands = narrowed;
                }
            }
            if let Some(c) = cands.first() {
                out.insert(j, *c);
                used.push(c);
                break 'depth;
            }
        }
    }
    out
}

/// The 栏次 row: column numbers 1, 2, 3 … printed under the headers.
fn numbering(row: &Row) -> Option<Vec<(usize, u32)>> {
    let mut nums = Vec::new();
    let mut has_label = false;
    for c in &row.cells {
        let t = squeeze(&c.text);
        if t.contains("栏次") || t == "类款项" || t.chars().all(|ch| "类款项".contains(ch))
        {
            has_label = true;
            // "栏次 合计" keeps its number-free text; numbers follow.
            continue;
        }
        match t.parse::<u32>() {
            Ok(n) if n <= 40 && !t.starts_with('0') => nums.push((c.col, n)),
            _ => {
                if !(t.contains("栏次") || is_header_debris(&t)) {
                    return None;
                }
            }
        }
    }
    if nums.is_empty() {
        return None;
    }
    // Consecutive numbers (per side for two-sided tables: 1 … 2 3 4 5).
    let increasing = nums
        .windows(2)
        .all(|w| w[1].1 == w[0].1 + 1 && w[1].0 > w[0].0);
    (increasing && (has_label || nums.len() >= 2) && nums[0].1 <= 2).then_some(nums)
}

/// Cells that are column-header debris in data rows ("类款项" and its OCR).
fn is_header_debris(t: &str) -> bool {
    let t = squeeze(t);
    let n = t.chars().count();
    (n == 3 && t.chars().all(|c| "类款项关叔坝尖杁".contains(c))) || t == "栏次"
}

fn is_note(row: &Row) -> bool {
    let first = row
        .cells
        .first()
        .map(|c| squeeze(&c.text))
        .unwrap_or_default();
    if ["注", "主:", "说明:", "备注", "注:", "注释"]
        .iter()
        .any(|p| first.starts_with(p))
    {
        return true;
    }
    // A footnote merged into the grid by OCR: table labels never say what the
    // table "reflects" (本表反映…).
    row.cells
        .iter()
        .any(|c| c.text.contains("反映") || c.text.contains("本表"))
}

/// Title, unit and department lines inside a block: not data, not headers.
fn is_caption(row: &Row, table: Table) -> bool {
    let j = row.joined();
    let j = squeeze(&j);
    j.contains("单位:")
        || j.contains("部门:")
        || j.contains("公开") && j.contains('表')
        || vocab::classify_title(&j) == Some(table)
        || j.contains("编制单位")
}

/// An amount cell: parsed, and not a bare small integer standing for 行次.
fn amount_of(cell: &Cell) -> Option<Printed> {
    parse_printed(&cell.text)
}

struct Ctx<'a> {
    table: Table,
    unit: Unit,
    ocr: bool,
    out: &'a mut TableRead,
}

impl Ctx<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        side: Option<Side>,
        code: Option<String>,
        item: String,
        line_no: Option<i32>,
        column: &str,
        cell: &Cell,
        p: Printed,
    ) {
        let mut flags = Vec::new();
        let mut value = p.value;
        // Decimals count in 万元 after conversion: the checks' rounding
        // tolerance is half a unit of the last printed digit.
        let mut decimals = p.decimals;
        match self.unit {
            Unit::Wan => {}
            Unit::Qian => {
                value = value.scale_down(1);
                decimals += 1;
                flags.push(Flag::UnitConverted);
            }
            Unit::Yuan => {
                value = value.scale_down(4);
                decimals += 4;
                flags.push(Flag::UnitConverted);
            }
        }
        if p.reading == Reading::DecimalComma {
            flags.push(Flag::OcrSuspect);
        }
        let _ = self.ocr;
        self.out.items.push(LineItem {
            table: self.table,
            side,
            subject_code: code,
            item,
            line_no,
            column: column.to_string(),
            amount: value,
            decimals,
            raw: cell.raw.clone(),
            source_line: cell.line as u32 + 1,
            page: None,
            flags,
            verified: false,
        });
    }
}

/// Reads one table from its grid.
pub fn read_table(table: Table, grid: &Grid, unit: Unit, ocr: bool) -> TableRead {
    let mut out = TableRead::default();
    let rows: Vec<&Row> = grid.rows.iter().filter(|r| !r.cells.is_empty()).collect();
    let max_col = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.col))
        .max()
        .unwrap_or(0);
    // Header rows: from the top to the first row that carries data.
    let mut headers: Vec<&Row> = Vec::new();
    let mut numbers: Option<Vec<(usize, u32)>> = None;
    let mut first_data = rows.len();
    for (k, row) in rows.iter().enumerate() {
        if is_caption(row, table) {
            continue;
        }
        if let Some(n) = numbering(row) {
            numbers = Some(n);
            continue;
        }
        if is_data_row(table, row) {
            first_data = k;
            break;
        }
        headers.push(row);
    }
    let paths = header_paths(&headers, max_col);
    let mut ctx = Ctx {
        table,
        unit,
        ocr,
        out: &mut out,
    };
    let data: Vec<&Row> = rows[first_data..]
        .iter()
        .copied()
        .filter(|r| !is_caption(r, table) && numbering(r).is_none())
        .collect();
    match table {
        Table::Overview | Table::FiscalOverview => {
            read_two_sided(&mut ctx, &paths, numbers.as_deref(), &data, max_col)
        }
        Table::GeneralBudgetBasic => read_economic(&mut ctx, &data),
        Table::ThreePublic => {
            read_three_public(&mut ctx, &headers, &paths, numbers.as_deref(), &data)
        }
        _ => read_coded(&mut ctx, &paths, numbers.as_deref(), &data, max_col),
    }
    if !grid.placed_by_order.is_empty() {
        for it in &mut out.items {
            if grid
                .placed_by_order
                .contains(&(it.source_line as usize - 1))
            {
                it.add_flag(Flag::PlacedByOrder);
            }
        }
    }
    out
}

fn is_data_row(table: Table, row: &Row) -> bool {
    if is_note(row) {
        return false;
    }
    if row
        .cells
        .first()
        .is_some_and(|c| parse_code(&c.text).is_some())
        && table != Table::ThreePublic
    {
        return true;
    }
    // In tables 01 and 04 a row of the template is data even without a figure
    // ("二、政府性基金预算财政拨款"): it starts with one of the side's items
    // (a header row starts with 项目, even when it names the funds).
    if table.two_sided() {
        let is_item = |c: &Cell| {
            let label = clean_label(&c.text);
            [Side::Income, Side::Expenditure].iter().any(|s| {
                crate::table::spec::TableSpec::of(table)
                    .side_labels(*s)
                    .contains(&label.as_str())
            })
        };
        if row.cells.first().is_some_and(is_item) {
            return true;
        }
    }
    // Amounts with decimals (行次 and 栏次 numbers are bare integers). A row
    // label alone ("合计" in a header, a row of the empty template) is not data.
    row.cells.iter().any(|c| {
        parse_printed(&c.text).is_some_and(|p| p.decimals > 0 || p.reading == Reading::DecimalComma)
    })
}

/// Canonical column per index for one side of a table, from headers, else from
/// the 栏次 numbers, else in template order from `fallback_start`.
fn columns_for(
    paths: &[Vec<String>],
    numbers: Option<&[(usize, u32)]>,
    canon: &[&'static str],
    range: std::ops::Range<usize>,
) -> HashMap<usize, &'static str> {
    let mut map = map_columns(paths, canon, range.clone());
    if let Some(nums) = numbers {
        let side_nums: Vec<(usize, u32)> = nums
            .iter()
            .copied()
            .filter(|(c, _)| range.contains(c))
            .collect();
        if let Some(&(_, first)) = side_nums.first() {
            for (col, n) in side_nums {
                let k = (n - first) as usize;
                if let Some(c) = canon.get(k)
                    && !map.contains_key(&col)
                    && !map.values().any(|v| v == c)
                {
                    map.insert(col, c);
                }
            }
        }
    }
    map
}

fn label_cells(row: &Row, range: &std::ops::Range<usize>) -> Vec<usize> {
    row.cells
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            range.contains(&c.col)
                && parse_printed(&c.text).is_none()
                && parse_code(&c.text).is_none()
                && !is_header_debris(&c.text)
        })
        .map(|(i, _)| i)
        .collect()
}

fn clean_item(s: &str) -> String {
    let (_, rest) = split_enumerator(s);
    compact_cjk(rest.trim_start_matches(['-', '_', '.', '、', ':', '·'])).into_owned()
}

fn read_coded(
    ctx: &mut Ctx,
    paths: &[Vec<String>],
    numbers: Option<&[(usize, u32)]>,
    data: &[&Row],
    max_col: usize,
) {
    let table = ctx.table;
    let canon = table.columns();
    let mut map = columns_for(paths, numbers, canon, 0..max_col + 1);
    let totals = crate::table::spec::TableSpec::of(table).side_labels(Side::Income);
    for row in data {
        if is_note(row) {
            ctx.out.unplaced += row
                .cells
                .iter()
                .filter(|c| looks_like_money(&c.text))
                .count();
            continue;
        }
        // Leading code cells (possibly split over 类/款/项 columns).
        let mut code_parts = Vec::new();
        let mut k = 0;
        while k < row.cells.len()
            && row.cells[k]
                .text
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b' ')
            && parse_printed(&row.cells[k].text).is_some_and(|p| p.decimals == 0)
        {
            code_parts.push(row.cells[k].text.as_str());
            k += 1;
        }
        let code = if code_parts.is_empty() {
            None
        } else {
            parse_code(&code_parts.join(" "))
        };
        let start = if code.is_some() { k } else { 0 };
        let all = 0..max_col + 1;
        let labels: Vec<usize> = label_cells(row, &all)
            .into_iter()
            .filter(|&i| i >= start)
            .collect();
        let item = if code.is_some() {
            labels
                .first()
                .map(|&i| clean_item(&row.cells[i].text))
                .unwrap_or_default()
        } else {
            let hit = labels
                .iter()
                .find_map(|&i| match_label(&row.cells[i].text, &totals));
            match hit {
                Some(h) => h.to_string(),
                None => labels
                    .last()
                    .map(|&i| clean_item(&row.cells[i].text))
                    .unwrap_or_default(),
            }
        };
        // Amount cells, placed by column.
        let first_amount = labels.last().map(|&i| row.cells[i].col + 1).unwrap_or(0);
        let amounts: Vec<&Cell> = row.cells[start..]
            .iter()
            .filter(|c| c.col >= first_amount && parse_printed(&c.text).is_some())
            .collect();
        if map.is_empty() && !amounts.is_empty() {
            // No header and no numbering: template order from the first amount.
            let base = amounts[0].col;
            map = canon
                .iter()
                .enumerate()
                .map(|(k, c)| (base + k, *c))
                .collect();
        }
        for cell in amounts {
            let p = amount_of(cell).expect("filtered");
            match (map.get(&cell.col), item.is_empty() && code.is_none()) {
                (Some(col), false) => {
                    let line_item = item.clone();
                    ctx.push(None, code.clone(), line_item, None, col, cell, p);
                }
                _ => ctx.out.unplaced += 1,
            }
        }
    }
}

/// Tables 01 and 04: income on the left, expenditure on the right.
fn read_two_sided(
    ctx: &mut Ctx,
    paths: &[Vec<String>],
    numbers: Option<&[(usize, u32)]>,
    data: &[&Row],
    max_col: usize,
) {
    let table = ctx.table;
    // The split: where the second 项目 / 栏次 column starts.
    let split = find_split(paths, numbers, data, max_col);
    let left = 0..split;
    let right = split..max_col + 1;
    let left_canon: &[&'static str] = &["决算数"];
    let right_canon = table.columns();
    let lmap = columns_for(paths, numbers, left_canon, left.clone());
    let rmap = columns_for(paths, numbers, right_canon, right.clone());
    let lineno_cols: Vec<usize> = paths
        .iter()
        .enumerate()
        .filter(|(_, p)| p.iter().any(|h| h == "行次"))
        .map(|(j, _)| j)
        .collect();
    let inc_vocab = crate::table::spec::TableSpec::of(table).side_labels(Side::Income);
    let exp_vocab = crate::table::spec::TableSpec::of(table).side_labels(Side::Expenditure);
    let mut carry_over_parent = false;
    for row in data {
        if is_note(row) {
            ctx.out.unplaced += row
                .cells
                .iter()
                .filter(|c| looks_like_money(&c.text))
                .count();
            continue;
        }
        for (side, range, map, vocab_list) in [
            (Side::Income, &left, &lmap, &inc_vocab),
            (Side::Expenditure, &right, &rmap, &exp_vocab),
        ] {
            let labels = label_cells(row, range);
            let label_text = labels
                .iter()
                .map(|&i| row.cells[i].text.as_str())
                .collect::<Vec<_>>()
                .join("");
            let mut line_no = None;
            let mut amounts = Vec::new();
            for c in row.cells.iter().filter(|c| range.contains(&c.col)) {
                if lineno_cols.contains(&c.col) || is_line_no(c, map) {
                    line_no = c.text.trim().parse::<i32>().ok();
                    continue;
                }
                if let Some(p) = parse_printed(&c.text) {
                    amounts.push((c, p));
                }
            }
            let mut item = match match_label(&label_text, vocab_list) {
                Some(v) => v.to_string(),
                None => clean_label_text(&label_text),
            };
            if table == Table::FiscalOverview && side == Side::Income {
                if item == "年初财政拨款结转和结余" {
                    carry_over_parent = true;
                } else if carry_over_parent
                    && item.ends_with("财政拨款")
                    && !item.starts_with("年初")
                {
                    item = format!("年初财政拨款结转和结余/{item}");
                } else if item == "总计" {
                    carry_over_parent = false;
                }
            }
            for (cell, p) in amounts {
                match map.get(&cell.col) {
                    Some(col) if !item.is_empty() => {
                        ctx.push(Some(side), None, item.clone(), line_no, col, cell, p)
                    }
                    _ => ctx.out.unplaced += 1,
                }
            }
        }
    }
}

fn clean_label_text(s: &str) -> String {
    let c = clean_label(s);
    compact_cjk(&c).into_owned()
}

/// A bare integer in a column no amount header claims: a 行次.
fn is_line_no(c: &Cell, map: &HashMap<usize, &'static str>) -> bool {
    !map.contains_key(&c.col) && c.text.len() <= 3 && c.text.bytes().all(|b| b.is_ascii_digit())
}

fn find_split(
    paths: &[Vec<String>],
    numbers: Option<&[(usize, u32)]>,
    data: &[&Row],
    max_col: usize,
) -> usize {
    // Second "项目" (or 支出 side caption) among header texts.
    let mut item_cols: Vec<usize> = paths
        .iter()
        .enumerate()
        .filter(|(_, p)| p.last().is_some_and(|h| h == "项目"))
        .map(|(j, _)| j)
        .collect();
    item_cols.dedup();
    if item_cols.len() >= 2 {
        return item_cols[1];
    }
    // The numbering restarts its side after "栏次": 1 | 2 3 4 5.
    if let Some(nums) = numbers
        && nums.len() >= 2
    {
        return nums[1].0.saturating_sub(2).max(1);
    }
    // A label cell that follows an amount on the same row.
    for row in data {
        let mut seen_amount = false;
        for c in &row.cells {
            if parse_printed(&c.text).is_some_and(|p| p.decimals > 0) {
                seen_amount = true;
            } else if seen_amount && parse_printed(&c.text).is_none() {
                return c.col;
            }
        }
    }
    max_col.div_ceil(2)
}

/// Table 06: groups of (code, name, amount) side by side. Each amount belongs to
/// the nearest label on its left.
fn read_economic(ctx: &mut Ctx, data: &[&Row]) {
    let totals = crate::table::spec::TableSpec::of(ctx.table).side_labels(Side::Income);
    for row in data {
        if is_note(row) {
            ctx.out.unplaced += row
                .cells
                .iter()
                .filter(|c| looks_like_money(&c.text))
                .count();
            continue;
        }
        let mut code: Option<String> = None;
        let mut label = String::new();
        let cells = &row.cells;
        for (k, c) in cells.iter().enumerate() {
            let next_is_text = cells
                .get(k + 1)
                .is_some_and(|n| parse_printed(&n.text).is_none());
            // A code-shaped cell is a code, unless a coded item is waiting for
            // its amount (an amount printed without decimals: "302").
            if let Some(cd) = parse_code(&c.text)
                .filter(|_| next_is_text || code.is_none())
                .filter(|_| !c.text.contains('.'))
            {
                code = Some(cd);
                label.clear();
                continue;
            }
            if let Some(p) = parse_printed(&c.text) {
                if code.is_none() && label.is_empty() {
                    ctx.out.unplaced += 1;
                    continue;
                }
                let item = if code.is_some() {
                    clean_item(&label)
                } else {
                    match_label(&label, &totals)
                        .map(str::to_string)
                        .unwrap_or_else(|| clean_label_text(&label))
                };
                ctx.push(None, code.take(), item, None, "决算数", c, p);
                label.clear();
                continue;
            }
            if is_header_debris(&c.text) {
                continue;
            }
            // A text cell: a new label unless it continues a wrapped one.
            if !label.is_empty() && code.is_none() {
                label.push_str(&c.text);
            } else if !label.is_empty() && code.is_some() {
                // A second name after a coded name without amount: new item.
                code = None;
                label = c.text.clone();
            } else {
                label = c.text.clone();
            }
        }
    }
}

/// Table 09: one row of twelve amounts under 预算数 and 决算数.
fn read_three_public(
    ctx: &mut Ctx,
    headers: &[&Row],
    paths: &[Vec<String>],
    numbers: Option<&[(usize, u32)]>,
    data: &[&Row],
) {
    // Interleaved layouts print 预算数 决算数 预算数 决算数 … under each part.
    let interleaved = headers.iter().any(|h| {
        let t: Vec<String> = h.texts().map(squeeze).collect();
        t.windows(2)
            .filter(|w| w[0] == "预算数" && w[1] == "决算数")
            .count()
            >= 3
    });
    let canon_static = crate::vocab::three_public_order(interleaved);
    let mut map: HashMap<usize, &'static str> = HashMap::new();
    if let Some(nums) = numbers.filter(|n| n.len() >= 6) {
        for &(col, n) in nums {
            if let Some(c) = canon_static.get(n as usize - 1) {
                map.insert(col, c);
            }
        }
    }
    if map.is_empty() && !interleaved {
        map = map_columns(paths, &canon_static, 0..paths.len());
    }
    for row in data {
        if is_note(row) {
            continue;
        }
        let amounts: Vec<(&Cell, Printed)> = row
            .cells
            .iter()
            .filter_map(|c| parse_printed(&c.text).map(|p| (c, p)))
            .collect();
        if amounts.is_empty() {
            continue;
        }
        let row_map: HashMap<usize, &'static str> = if map.len() >= amounts.len()
            && amounts.iter().all(|(c, _)| map.contains_key(&c.col))
        {
            map.clone()
        } else if amounts.len() == 12 {
            amounts
                .iter()
                .zip(&canon_static)
                .map(|((c, _), k)| (c.col, *k))
                .collect()
        } else {
            HashMap::new()
        };
        for (cell, p) in amounts {
            match row_map.get(&cell.col) {
                Some(col) => ctx.push(None, None, "三公经费".to_string(), None, col, cell, p),
                None => ctx.out.unplaced += 1,
            }
        }
    }
}

/// A money-shaped token (with decimals) in a note or stray line.
fn looks_like_money(s: &str) -> bool {
    parse_printed(s).is_some_and(|p| p.decimals > 0)
}

/// Line items as `side|code-or-item|column|amount`, for tests of readers.
#[cfg(test)]
pub(crate) fn describe(items: &[LineItem]) -> Vec<String> {
    items
        .iter()
        .map(|i| {
            format!(
                "{}|{}|{}|{}",
                i.side.map(|s| s.as_str()).unwrap_or(""),
                i.subject_code.clone().unwrap_or(i.item.clone()),
                i.column,
                i.amount
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Text;
    use crate::extract::grid::tab_grid;

    fn read(table: Table, s: &str) -> TableRead {
        let t = Text::from_string(s);
        let g = tab_grid(&t, 0..t.len());
        read_table(table, &g, block_unit(&t, 0, t.len()), false)
    }

    fn rows(r: &TableRead) -> Vec<String> {
        describe(&r.items)
    }

    /// A turned page's sorted text sets the unit note before the title:
    /// the note above the title on its page is the table's, one on the page
    /// before is not, and the block's own note comes first.
    #[test]
    fn a_unit_note_above_the_title_on_its_page_is_the_tables() {
        let unit = |doc: &str| {
            let t = Text::from_string(doc);
            let title = (0..t.len())
                .find(|&i| t.line(i).contains("收入决算表"))
                .expect("title");
            block_unit(&t, title, t.len())
        };
        let above =
            "注：上一表\n\u{c}   公开02表   单位：千元\n 合计 本年收入\n收入决算表\n 201 12.00\n";
        assert_eq!(unit(above), Unit::Qian);
        let page_before =
            "   单位：千元\n 注：上一表\n\u{c} 合计 本年收入\n收入决算表\n 201 12.00\n";
        assert_eq!(unit(page_before), Unit::Wan);
        let title_begins_page = "   单位：千元\n注：上一表\u{c}收入决算表\n 201 12.00\n";
        assert_eq!(unit(title_begins_page), Unit::Wan);
        let own = "   单位：千元\n收入决算表\n单位：元\n 201 12.00\n";
        assert_eq!(unit(own), Unit::Yuan);
    }

    #[test]
    fn coded_table_with_merged_header() {
        let s = "科目编码\t科目名称\t合计\t本年支出\t\n\t\t\t基本支出\t项目支出\n栏次\t\t1\t2\t3\n合计\t\t50.00\t30.00\t20.00\n205\t教育支出\t50.00\t30.00\t20.00\n20502\t普通教育\t50.00\t30.00\t\n";
        let r = read(Table::GeneralBudgetExpenditure, s);
        assert_eq!(
            rows(&r),
            vec![
                "|合计|小计|50",
                "|合计|基本支出|30",
                "|合计|项目支出|20",
                "|205|小计|50",
                "|205|基本支出|30",
                "|205|项目支出|20",
                "|20502|小计|50",
                "|20502|基本支出|30"
            ]
        );
        assert_eq!(r.unplaced, 0);
        assert_eq!(r.items[3].item, "教育支出");
        assert_eq!(r.items[3].source_line, 5);
    }

    #[test]
    fn two_sided_overview() {
        let s = "收入\t\t\t支出\t\t\n项目\t行次\t金额\t项目\t行次\t金额\n栏次\t\t1\t栏次\t\t2\n一、一般公共预算财政拨款收入\t1\t40.50\t一、教育支出\t5\t40.50\n\t2\t\t二、卫生健康支出\t6\t0.00\n本年收入合计\t3\t40.50\t本年支出合计\t7\t40.50\n总计\t4\t40.50\t总计\t8\t40.50\n";
        let r = read(Table::Overview, s);
        assert_eq!(
            rows(&r),
            vec![
                "收入|一般公共预算财政拨款收入|决算数|40.5",
                "支出|教育支出|决算数|40.5",
                "支出|卫生健康支出|决算数|0",
                "收入|本年收入合计|决算数|40.5",
                "支出|本年支出合计|决算数|40.5",
                "收入|总计|决算数|40.5",
                "支出|总计|决算数|40.5"
            ]
        );
        assert_eq!(r.items[1].line_no, Some(5));
    }

    #[test]
    fn fiscal_overview_carry_over_rows_and_yuan() {
        let s = "单位:元\n项目\t行次\t决算数\t项目\t行次\t小计\t一般公共预算财政拨款\t政府性基金预算财政拨款\t国有资本经营预算财政拨款\n一般公共预算财政拨款\t1\t10000.00\t教育支出\t9\t12000.00\t12000.00\t\t\n年初财政拨款结转和结余\t2\t2000.00\t\t10\t\t\t\t\n一般公共预算财政拨款\t3\t2000.00\t\t11\t\t\t\t\n总计\t4\t12000.00\t总计\t12\t12000.00\t12000.00\t\t\n";
        let r = read(Table::FiscalOverview, s);
        let got = rows(&r);
        assert!(
            got.contains(
                &"收入|年初财政拨款结转和结余/一般公共预算财政拨款|决算数|0.2".to_string()
            ),
            "{got:?}"
        );
        assert!(
            got.contains(&"支出|教育支出|一般公共预算财政拨款|1.2".to_string()),
            "{got:?}"
        );
        assert!(
            r.items
                .iter()
                .all(|i| i.flags.contains(&Flag::UnitConverted))
        );
    }

    #[test]
    fn economic_groups_side_by_side() {
        let s = "人员经费\t\t\t公用经费\t\t\n科目编码\t科目名称\t决算数\t科目编码\t科目名称\t决算数\n301\t工资福利支出\t8.00\t302\t商品和服务支出\t2.00\n30101\t基本工资\t8.00\t30201\t办公费\t\n\t人员经费合计\t8.00\t\t公用经费合计\t2.00\n";
        let r = read(Table::GeneralBudgetBasic, s);
        assert_eq!(
            rows(&r),
            vec![
                "|301|决算数|8",
                "|302|决算数|2",
                "|30101|决算数|8",
                "|人员经费合计|决算数|8",
                "|公用经费合计|决算数|2"
            ]
        );
    }

    #[test]
    fn three_public_numbered() {
        let s = "预算数\t\t\t\t\t\t决算数\n1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\n1.50\t\t1.00\t\t1.00\t0.50\t1.20\t\t0.90\t\t0.90\t0.30\n";
        let r = read(Table::ThreePublic, s);
        assert_eq!(
            rows(&r),
            vec![
                "|三公经费|预算数/合计|1.5",
                "|三公经费|预算数/公务用车购置及运行维护费/小计|1",
                "|三公经费|预算数/公务用车购置及运行维护费/公务用车运行维护费|1",
                "|三公经费|预算数/公务接待费|0.5",
                "|三公经费|决算数/合计|1.2",
                "|三公经费|决算数/公务用车购置及运行维护费/小计|0.9",
                "|三公经费|决算数/公务用车购置及运行维护费/公务用车运行维护费|0.9",
                "|三公经费|决算数/公务接待费|0.3"
            ]
        );
    }

    #[test]
    fn codes_split_over_columns() {
        assert_eq!(parse_code("223 01 03").as_deref(), Some("2230103"));
        assert_eq!(parse_code("2080101").as_deref(), Some("2080101"));
        assert_eq!(parse_code("30101").as_deref(), Some("30101"));
        assert_eq!(parse_code("2080"), None);
        assert_eq!(parse_code("20 801"), None);
    }
}
