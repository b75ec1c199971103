//! Reading one self-evaluation table, whatever its layout, from its rows.
//!
//! A table is a sequence of blocks, each recognised by its words: the project
//! (项目名称), the budget execution (预算数 / 执行数 / 执行率 / 得分 and a
//! figures row), one or more annual goals (年度目标 N), the indicator header
//! (一级指标 … 得分) and its rows, the total (总分), and closing remarks
//! (偏差原因分析, 改进措施) that end the indicators. Indicator rows are aligned
//! to the header ([`super::align`]); levels carry down from the row that
//! printed them to the rows of their merged cell.

use crate::model::{EvaluationSummary, Indicator, Scope};
use crate::text::{compact_cjk, split_enumerator};

use super::align::{Aligned, Header, Role, align};
use super::rows::{Cell, Layout, Row, glue};
use super::value::{figures, looks_like_value, measure, points};
use super::vocab::{self, HeaderWord};

/// What one table yielded.
#[derive(Debug, Default)]
pub struct TableRead {
    pub indicators: Vec<Indicator>,
    /// `indicators` is relative to this table (0..indicators.len()).
    pub summary: EvaluationSummary,
    /// Whether an indicator header was found: without one the region held no
    /// table (a title in prose, tables published as images).
    pub has_header: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Preamble,
    Budget,
    Goal,
    Indicators,
    Done,
}

/// Columns of the budget execution block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Figure {
    /// 年初预算数: printed, not kept.
    Initial,
    Budget,
    Executed,
    Rate,
    Weight,
    Score,
}

/// Longest first: 年初预算数 is no 预算数.
const FIGURE_WORDS: &[(&str, Figure)] = &[
    ("年初预算数", Figure::Initial),
    ("全年预算数", Figure::Budget),
    ("调整后预算数", Figure::Budget),
    ("全年执行数", Figure::Executed),
    ("预算数", Figure::Budget),
    ("执行数", Figure::Executed),
    ("执行率", Figure::Rate),
    ("分值", Figure::Weight),
    ("得分", Figure::Score),
];

/// Rows that close the indicators of a table.
const CLOSINGS: &[&str] = &[
    "偏差",
    "改进措施",
    "备注",
    "说明",
    "注:",
    "单位主要负责人",
    "单位负责人",
    "填表人",
    "签批",
];

struct Reader<'a> {
    layout: Layout,
    mode: Mode,
    header: Option<Header>,
    /// Header words of flattened header lines seen so far.
    header_words: Vec<HeaderWord>,
    level1: Option<String>,
    level2: Option<String>,
    goals: Vec<String>,
    /// Goal index of each indicator read.
    goal_of: Vec<Option<usize>>,
    project: Option<String>,
    figure_columns: Vec<Figure>,
    budget_text: String,
    /// Tokens of a flattened row not yet complete.
    pending: Vec<Cell>,
    /// Whether the row before the current one was read as an indicator.
    read_last_row: bool,
    out: TableRead,
    title: &'a str,
}

/// Reads the rows of one table region. A region whose next title was lost
/// (wrapped beyond recognition) holds several tables: a second 项目名称 or
/// budget block after an indicator header starts the next one.
pub fn read(rows: &[Row], layout: Layout, title: &str, title_line: usize) -> Vec<TableRead> {
    let title = crate::text::squeeze(title);
    let mut tables = Vec::new();
    let mut r = Reader::new(layout, &title, title_line);
    for row in rows {
        if r.out.has_header && r.starts_table(row) {
            let line = row.cells.first().map_or(title_line, |c| c.line);
            tables.push(std::mem::replace(&mut r, Reader::new(layout, "", line)).finish());
        }
        r.row(row);
    }
    tables.push(r.finish());
    tables
}

impl<'a> Reader<'a> {
    fn new(layout: Layout, title: &'a str, title_line: usize) -> Reader<'a> {
        let mut out = TableRead::default();
        out.summary.source_line = title_line as u32 + 1;
        Reader {
            layout,
            mode: Mode::Preamble,
            header: None,
            header_words: Vec::new(),
            level1: None,
            level2: None,
            goals: Vec::new(),
            goal_of: Vec::new(),
            project: None,
            figure_columns: Vec::new(),
            budget_text: String::new(),
            pending: Vec::new(),
            read_last_row: false,
            out,
            title,
        }
    }

    /// Whether a row opens a new table: its project or its budget block.
    fn starts_table(&self, row: &Row) -> bool {
        if project_name(row).is_some() {
            return true;
        }
        self.mode != Mode::Indicators
            && self.mode != Mode::Budget
            && figure_words(&row.joined())
                .iter()
                .any(|w| matches!(w, Figure::Budget | Figure::Executed))
    }

    fn row(&mut self, row: &Row) {
        let after_indicator = std::mem::take(&mut self.read_last_row);
        if self.header_row(row) {
            return;
        }
        let first = first_text(row);
        if first.starts_with("总分") {
            self.out.summary.total_score = total(row);
            self.close();
            return;
        }
        if CLOSINGS.iter().any(|w| first.starts_with(w)) {
            self.close();
            return;
        }
        if self.budget_row(row) {
            return;
        }
        if let Some(p) = project_name(row) {
            self.project = Some(p);
            return;
        }
        if let Some(text) = goal_marker(row, self.mode == Mode::Indicators) {
            self.goals.push(text);
            self.pending.clear();
            self.mode = Mode::Goal;
            return;
        }
        match self.mode {
            Mode::Goal => {
                if let Some(goal) = self.goals.last_mut() {
                    goal.push_str(&text_of(&row.cells));
                }
            }
            Mode::Indicators => self.indicator_row(row, after_indicator),
            Mode::Preamble | Mode::Budget | Mode::Done => {}
        }
    }

    fn close(&mut self) {
        self.pending.clear();
        self.mode = Mode::Done;
    }

    /// Indicator header rows (or, in flattened text, header lines).
    fn header_row(&mut self, row: &Row) -> bool {
        if self.layout.positional() {
            let Some(h) = Header::from_cells(&row.cells) else {
                return false;
            };
            self.start_indicators(h);
            return true;
        }
        let Some(words) = header_line(row) else {
            // Only debris (a stray `指标`) keeps a header run going.
            if !row.cells.iter().all(|c| vocab::is_debris(&c.text)) {
                self.header_words.clear();
            }
            return false;
        };
        // Header lines arriving after rows began belong to no header.
        if self.mode == Mode::Indicators && self.pending.iter().any(|c| !vocab::is_debris(&c.text))
        {
            return false;
        }
        self.header_words.extend(words);
        if let Some(h) = Header::from_words(&self.header_words) {
            self.start_indicators(h);
        }
        true
    }

    fn start_indicators(&mut self, h: Header) {
        self.header = Some(h);
        self.out.has_header = true;
        self.mode = Mode::Indicators;
        self.pending.clear();
        self.level1 = None;
        self.level2 = None;
    }

    /// The budget execution block: a header naming 预算数/执行数, then the
    /// first row with two figures or more.
    fn budget_row(&mut self, row: &Row) -> bool {
        let joined = row.joined();
        let words = figure_words(&joined);
        if self.mode != Mode::Budget {
            // Indicators may name these words (预算执行率 and its 评价要点).
            if self.mode == Mode::Indicators
                || !words
                    .iter()
                    .any(|w| matches!(w, Figure::Budget | Figure::Executed))
            {
                return false;
            }
            self.mode = Mode::Budget;
            self.figure_columns.clear();
            self.budget_text.clear();
        }
        let cells = row
            .cells
            .iter()
            .map(|c| c.text.as_str())
            .filter(|t| !t.contains(['分', '(', ')']));
        let figs = figures(cells);
        if figs.len() >= 2 {
            // The points of the line may sit in the figures row: `(20 | 分)`.
            self.budget_text.push_str(&joined);
            self.fill_budget(&figs);
            self.mode = Mode::Preamble;
        } else {
            for w in words {
                if w == Figure::Initial || !self.figure_columns.contains(&w) {
                    self.figure_columns.push(w);
                }
            }
            self.budget_text.push_str(&joined);
        }
        true
    }

    fn fill_budget(&mut self, figs: &[(crate::amount::Amount, bool)]) {
        let mut columns = if self.figure_columns.is_empty() {
            vec![Figure::Budget, Figure::Executed, Figure::Rate]
        } else {
            self.figure_columns.clone()
        };
        // OCR may lose the 得分 header; the template always has it last.
        if !columns.contains(&Figure::Score) {
            columns.push(Figure::Score);
        }
        let any_pct = figs.iter().any(|f| f.1);
        let rate_at = columns.iter().position(|&c| c == Figure::Rate);
        let s = &mut self.out.summary;
        let mut k = 0;
        for &(v, pct) in figs {
            if pct {
                if let Some(r) = rate_at.filter(|&r| r >= k) {
                    k = r + 1;
                }
                continue;
            }
            // A rate printed as a percentage elsewhere in the row leaves its
            // column to it.
            if any_pct && columns.get(k) == Some(&Figure::Rate) {
                k += 1;
            }
            match columns.get(k) {
                Some(Figure::Budget) => s.budget = Some(v),
                Some(Figure::Executed) => s.executed = Some(v),
                Some(Figure::Weight) => s.execution_weight = Some(v),
                Some(Figure::Score) => s.execution_score = Some(v),
                Some(Figure::Initial | Figure::Rate) => {}
                None => break,
            }
            k += 1;
        }
        if s.execution_weight.is_none() {
            s.execution_weight = points_in(&self.budget_text);
        }
    }

    fn indicator_row(&mut self, row: &Row, after_indicator: bool) {
        let Some(header) = self.header.clone() else {
            return;
        };
        if self.layout.positional() {
            let Some(a) = align(&row.cells, &header) else {
                self.levels_only(&row.cells);
                return;
            };
            // The end of the previous row's name wrapped into this row
            // (`…促进经济 / 发展。`): it goes back, and this row is read
            // without it.
            if let [tail] = a.name.as_slice()
                && after_indicator
                && self.continues_previous(&tail.text)
                && let Some(k) = row.cells.iter().position(|c| std::ptr::eq(c, *tail))
            {
                let mut rest = row.cells.clone();
                let tail = rest.remove(k);
                if let Some(prev) = self.out.indicators.last_mut() {
                    prev.name.push_str(&tail.text);
                }
                match align(&rest, &header) {
                    Some(a) => self.emit(&a),
                    None => self.levels_only(&rest),
                }
                return;
            }
            self.emit(&a);
            return;
        }
        self.pending.extend(row.cells.iter().cloned());
        self.bound_pending();
        let last = row.cells.last().map(|c| c.text.as_str()).unwrap_or("");
        let scored = header.has(Role::Score) || header.has(Role::Weight);
        // A flattened row ends with its score, or with the 偏差原因 remark
        // printed after its points; before that, its cells are still arriving
        // on the following lines.
        if scored
            && points(last).is_none()
            && !(header.has(Role::Note) && ends_with_remark(&self.pending))
        {
            return;
        }
        let cells = glue(&self.pending);
        let last_cell = cells.last();
        let done = align(&cells, &header).filter(|a| {
            let ends = |c: Option<&Cell>| c.zip(last_cell).is_some_and(|(c, l)| std::ptr::eq(c, l));
            a.target.is_some()
                && a.actual.is_some()
                && (!scored
                    || ends(a.score)
                    || (a.score.is_none() && ends(a.weight))
                    || (a.score.is_some() && ends(a.note.last().copied())))
        });
        if let Some(a) = done {
            self.emit(&a);
            self.pending.clear();
        }
    }

    /// Whether a name is only the sentence end of the indicator read just
    /// before, whose name stops short of it.
    fn continues_previous(&self, name: &str) -> bool {
        const ENDS: [char; 6] = ['。', ';', '；', '!', '?', '？'];
        name.chars().count() <= 4
            && name.ends_with(ENDS)
            && self
                .out
                .indicators
                .last()
                .is_some_and(|p| !p.name.ends_with(ENDS) && !p.name.ends_with(','))
    }

    /// Tokens that never complete a row (a stray page number) must not grow
    /// without bound.
    fn bound_pending(&mut self) {
        const MAX: usize = 64;
        if self.pending.len() > MAX {
            let cut = self.pending.len() - MAX;
            self.pending.drain(..cut);
        }
    }

    /// A row with only level names (a group whose rows are placeholders)
    /// still sets the levels of the rows below.
    fn levels_only(&mut self, cells: &[Cell]) {
        let meaningful: Vec<&Cell> = cells
            .iter()
            .filter(|c| !vocab::is_debris(&c.text))
            .collect();
        if meaningful.is_empty() || !meaningful.iter().all(|c| vocab::is_level(&c.text)) {
            return;
        }
        // Two names: the first is the 一级指标; one name: the 二级指标.
        let two = meaningful.len() > 1;
        for (k, c) in meaningful.iter().enumerate() {
            let first_of_two = k == 0 && two;
            self.set_level(c, first_of_two, !first_of_two);
        }
    }

    fn set_level(&mut self, cell: &Cell, as_level1: bool, as_level2: bool) {
        let t = cell.text.as_str();
        let only1 = vocab::level1(t).is_some() && !vocab::level2(t);
        if as_level1 || only1 {
            self.level1 = Some(level_text(t));
            self.level2 = None;
        } else if as_level2 {
            self.level2 = Some(level_text(t));
        }
    }

    fn emit(&mut self, a: &Aligned) {
        self.read_last_row = true;
        if let Some(c) = a.level1 {
            self.set_level(c, true, false);
        }
        if let Some(c) = a.level2 {
            self.set_level(c, false, true);
        }
        let name = join(a.name.iter().map(|c| c.text.as_str()));
        let source_line = a.name.first().map_or(0, |c| c.line) as u32 + 1;
        self.out.indicators.push(Indicator {
            scope: Scope::Department,
            project: None,
            goal: None,
            level1: self.level1.clone(),
            level2: self.level2.clone(),
            name,
            target: a.target.map(|c| measure(&c.text, true)).unwrap_or_default(),
            actual: a
                .actual
                .map(|c| measure(&c.text, false))
                .unwrap_or_default(),
            weight: a.weight.and_then(|c| points(&c.text)),
            score: a.score.and_then(|c| points(&c.text)),
            note: (!a.note.is_empty()).then(|| join(a.note.iter().map(|c| c.text.as_str()))),
            source_line,
        });
        self.goal_of.push(self.goals.len().checked_sub(1));
    }

    fn finish(mut self) -> TableRead {
        // 部门项目整体绩效自评表 is a whole-department table.
        let titled_project = self.title.contains("项目") && !self.title.contains("整体");
        let project = self.project.take().or_else(|| {
            titled_project
                .then(|| project_from_title(self.title))
                .flatten()
        });
        let scope = if project.is_some() || titled_project {
            Scope::Project
        } else {
            Scope::Department
        };
        let project = if scope == Scope::Project {
            project
        } else {
            None
        };
        let several_goals = self.goals.len() >= 2;
        for (ind, goal) in self.out.indicators.iter_mut().zip(&self.goal_of) {
            ind.scope = scope;
            ind.project = project.clone();
            if several_goals {
                ind.goal = goal
                    .and_then(|g| self.goals.get(g))
                    .filter(|g| !g.is_empty())
                    .cloned();
            }
        }
        let s = &mut self.out.summary;
        s.scope = Some(scope);
        s.project = project;
        s.indicators = 0..self.out.indicators.len();
        self.out
    }
}

/// The text of the first cell that is not debris.
/// Whether flattened tokens end with a weight and a score followed by words
/// that are not values: the remark column of a row that is complete.
fn ends_with_remark(tokens: &[Cell]) -> bool {
    let Some(k) = tokens.iter().rposition(|c| points(&c.text).is_some()) else {
        return false;
    };
    k >= 1
        && k + 1 < tokens.len()
        && points(&tokens[k - 1].text).is_some()
        && tokens[k + 1..].iter().all(|c| !looks_like_value(&c.text))
}

fn first_text(row: &Row) -> &str {
    row.cells
        .iter()
        .map(|c| c.text.as_str())
        .find(|t| !vocab::is_debris(t))
        .unwrap_or("")
}

/// Joins cells split by wrapping or OCR: white space between CJK goes.
fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = parts.collect();
    compact_cjk(&v.join(" ")).into_owned()
}

/// The text of a row without its debris and points.
fn text_of(cells: &[Cell]) -> String {
    join(
        cells
            .iter()
            .map(|c| c.text.as_str())
            .filter(|t| !vocab::is_debris(t))
            .map(vocab::strip_points),
    )
}

fn level_text(t: &str) -> String {
    vocab::level1(t).map_or_else(|| vocab::strip_points(t).to_string(), str::to_string)
}

/// The header words of a flattened line made only of header words, column
/// marks and label debris; `None` for any other line.
fn header_line(row: &Row) -> Option<Vec<HeaderWord>> {
    let mut words = Vec::new();
    let mut marks = false;
    for c in &row.cells {
        if let Some(w) = vocab::header_word(&c.text) {
            words.push(w);
        } else if vocab::is_column_mark(&c.text) {
            marks = true;
        } else if !vocab::is_debris(&c.text) {
            return None;
        }
    }
    (marks || !words.is_empty()).then_some(words)
}

/// Figure columns named in a budget header, in printed order, each once
/// (得分(20分*执行率) names no second rate).
fn figure_words(joined: &str) -> Vec<Figure> {
    let mut out = Vec::new();
    let mut rest = joined;
    while !rest.is_empty() {
        if let Some(&(w, f)) = FIGURE_WORDS.iter().find(|(w, _)| rest.starts_with(w)) {
            if !out.contains(&f) {
                out.push(f);
            }
            rest = &rest[w.len()..];
        } else {
            let step = rest.chars().next().map_or(1, char::len_utf8);
            rest = &rest[step..];
        }
    }
    out
}

/// The first `N分` in a text: the points of the budget execution line.
fn points_in(text: &str) -> Option<crate::amount::Amount> {
    text.match_indices('分').find_map(|(p, _)| {
        let head = &text[..p];
        let start = head
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
            .last()
            .map(|(i, _)| i)?;
        points(&head[start..])
    })
}

/// 总分: the last figure after the label, cells split at a decimal point by
/// OCR joined again (`97.` + `94`).
fn total(row: &Row) -> Option<crate::amount::Amount> {
    let start = row.cells.iter().position(|c| c.text.starts_with("总分"))?;
    let mut s = row.cells[start].text["总分".len()..].to_string();
    for c in &row.cells[start + 1..] {
        // Text after the table can run into the last cell (`99附件3`).
        let t = leading_figure(&c.text);
        // OCR splits a figure at its decimal point or before a zero (`10|00`).
        let split = s.ends_with('.') || t.starts_with('.') || (t.len() > 1 && t.starts_with('0'));
        if !split {
            s.push(' ');
        }
        s.push_str(t);
    }
    let figs = figures(std::iter::once(s.as_str()));
    if figs.len() > 2 {
        return None;
    }
    figs.last()
        .filter(|f| !f.1)
        .and_then(|f| points(&f.0.to_string()))
}

/// The figure a cell starts with (`97.`, `.4`, `99` of `99附件3`).
fn leading_figure(cell: &str) -> &str {
    let end = cell
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(cell.len());
    &cell[..end]
}

/// The project of a 项目名称 row.
fn project_name(row: &Row) -> Option<String> {
    const LABELS: &[&str] = &["项目名称", "项目支出名称"];
    // The label may be split over cells (`项目 | 名称`).
    let mut acc = String::new();
    let mut rest_at = None;
    for (k, c) in row.cells.iter().enumerate().take(3) {
        acc.push_str(&c.text);
        if let Some(l) = LABELS.iter().find(|l| acc.starts_with(*l)) {
            let after = acc[l.len()..].trim_start_matches([':', ' ']).to_string();
            rest_at = Some((k + 1, after));
            break;
        }
    }
    let (k, head) = rest_at?;
    let mut parts: Vec<&str> = Vec::new();
    if !head.is_empty() {
        parts.push(&head);
    }
    parts.extend(row.cells[k..].iter().map(|c| c.text.as_str()));
    // OCR repeats the start of a cell in the cell before it.
    let mut kept: Vec<&str> = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if parts
            .get(i + 1)
            .is_some_and(|n| n.starts_with(p) && n.len() > p.len())
        {
            continue;
        }
        kept.push(p);
    }
    let mut name = join(kept.into_iter());
    for stop in ["主管部门", "项目实施单位", "实施单位", "主管单位"] {
        if let Some(p) = name.find(stop) {
            name.truncate(p);
        }
    }
    let name = name.trim().to_string();
    (!name.is_empty() && name.chars().count() <= 100).then_some(name)
}

/// A 年度目标 row: returns the goal text it carries. `年度目标1:` and the
/// like always mark a goal; a bare `年度目标` label only outside the indicator
/// rows, where vertical labels of that name sit beside indicators.
fn goal_marker(row: &Row, in_indicators: bool) -> Option<String> {
    // Flattened text and OCR split the label from its number (`年度目标 | 1:`).
    let mut head = String::new();
    for (k, c) in row.cells.iter().enumerate().take(2) {
        head.push_str(&c.text);
        if let Some(after) = numbered_goal(&head) {
            let after = vocab::strip_points(after);
            let mut text = if vocab::is_debris(after) {
                String::new()
            } else {
                after.to_string()
            };
            text.push_str(&text_of(&row.cells[k + 1..]));
            return Some(text);
        }
        let bare = matches!(
            vocab::strip_points(&c.text),
            "年度目标" | "年度绩效目标" | "年度总体目标" | "总体目标" | "绩效目标"
        );
        if bare
            && !in_indicators
            && numbered_goal(&format!(
                "{head}{}",
                row.cells.get(k + 1).map_or("", |n| n.text.as_str())
            ))
            .is_none()
        {
            return Some(text_of(&row.cells[k + 1..]));
        }
    }
    None
}

/// `年度目标1:…`, `目标2:`: the text after the colon.
fn numbered_goal(cell: &str) -> Option<&str> {
    let p = cell.find("目标")?;
    let after = cell[p + "目标".len()..].trim_start_matches(|c: char| {
        c.is_ascii_digit() || c.is_whitespace() || "一二三四五六七八九十".contains(c)
    });
    after.strip_prefix(':')
}

/// A project named by its table's title when no 项目名称 row says it:
/// `2023年度工伤鉴定费项目自评表` → `工伤鉴定费`.
fn project_from_title(title: &str) -> Option<String> {
    let title = crate::text::squeeze(title);
    let (_, t) = split_enumerator(&title);
    let mut t = t
        .trim_start_matches("附件")
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == ':');
    if let Some(p) = t.find("年度").or_else(|| t.find('年'))
        && t[..p].chars().all(|c| c.is_ascii_digit())
    {
        t = &t[p..];
        t = t
            .strip_prefix("年度")
            .or_else(|| t.strip_prefix('年'))
            .unwrap_or(t);
    }
    for suffix in ["绩效自评表", "自评表", "绩效评价表", "评价表"] {
        if let Some(s) = t.strip_suffix(suffix) {
            t = s;
            break;
        }
    }
    for suffix in ["项目支出", "支出项目", "项目"] {
        if let Some(s) = t.strip_suffix(suffix) {
            t = s;
            break;
        }
    }
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Text;
    use crate::extract::indicators::rows;

    fn table(doc: &str) -> TableRead {
        let t = Text::from_string(doc);
        let region = 1..t.len();
        let layout = rows::detect(&t, &region);
        let rows = rows::read(&t, region, layout);
        let mut tables = read(&rows, layout, t.line(0), 0);
        assert_eq!(tables.len(), 1);
        tables.pop().unwrap()
    }

    /// Budget, executed, execution weight and score, total.
    fn summary(s: &EvaluationSummary) -> [String; 5] {
        [
            s.budget,
            s.executed,
            s.execution_weight,
            s.execution_score,
            s.total_score,
        ]
        .map(|v| v.map(|v| v.to_string()).unwrap_or_default())
    }

    fn keys(t: &TableRead) -> Vec<String> {
        t.indicators
            .iter()
            .map(|i| {
                format!(
                    "{}|{}|{}|{}|{}|{}|{}",
                    i.level1.as_deref().unwrap_or(""),
                    i.level2.as_deref().unwrap_or(""),
                    i.name,
                    i.target.raw.as_deref().unwrap_or(""),
                    i.actual.raw.as_deref().unwrap_or(""),
                    i.weight.map(|v| v.to_string()).unwrap_or_default(),
                    i.score.map(|v| v.to_string()).unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn flattened_pdf_table_with_wrapped_cells_and_omitted_levels() {
        let doc = "2022 年度河湾镇道路养护项目自评表\n\
项目名称 河湾镇道路养护\n\
主管部门 某县交通运输局 项目实施单位 某县公路站\n\
预算执行情\n\n况（万元）\n预算数（A)\n执行数\n(B)\n执行率\n(B/A)\n得分（20 分*执行率）\n\
年度财政\n资金总额\n80 76 95.00 19\n\
年度\n绩效\n目标\n（80\n分）\n一级\n指标\n二级指标 三级指标\n年初目标\n值（A)\n实际完成值\n(B)\n得分\n\
产出\n\n指标\n\n数量指标 养护道路里程 120 公里 126 公里 10\n\
质量指标\n养护路段路况优良\n\n率\n≥85% 91% 10\n\
时效指标 养护完成时间 11 月底前 11 月底前 10\n\
成本指标 单位养护成本\n6300\n\n元/公里\n6030 元/公\n里\n10\n\
效益\n指标\n社会效益指\n\n标\n群众出行条件 明显改善 明显改善 20\n\
满意\n度指\n标\n满意度指标 沿线群众满意度 ≥90% 94% 20\n\
总分 99\n偏差大或目标\n未完成原因分析\n无\n";
        let t = table(doc);
        assert!(t.has_header);
        assert_eq!(
            keys(&t),
            [
                "产出指标|数量指标|养护道路里程|120公里|126公里||10",
                "产出指标|质量指标|养护路段路况优良率|≥85%|91%||10",
                "产出指标|时效指标|养护完成时间|11月底前|11月底前||10",
                "产出指标|成本指标|单位养护成本|6300元/公里|6030元/公里||10",
                "效益指标|社会效益指标|群众出行条件|明显改善|明显改善||20",
                "满意度指标|满意度指标|沿线群众满意度|≥90%|94%||20",
            ]
        );
        let i = &t.indicators[3];
        assert_eq!(i.scope, Scope::Project);
        assert_eq!(i.project.as_deref(), Some("河湾镇道路养护"));
        assert_eq!(
            i.target.value.map(|v| v.to_string()).as_deref(),
            Some("6300")
        );
        assert_eq!(i.target.unit.as_deref(), Some("元/公里"));
        assert_eq!(summary(&t.summary), ["80", "76", "20", "19", "99"]);
        assert_eq!(t.summary.indicators, 0..6);
    }

    #[test]
    fn cell_per_line_table_with_blanks_and_placeholder_rows() {
        let doc = "2022年度部门整体支出绩效自评表\n\
\t部门名称\n\t某县文化馆\u{3000}\n\n\
\t年度预\n算情况\n\t\n\t年初预算数\n\t全年预算数\n\t全年执行数\n\t分值\n\t执行率\n\t得分\n\n\
\t\n\t年度资金总额\n\t50\n\t60\n\t57\n\t10\n\t95%\n\t9.5\n\n\
\t绩\n效\n指\n标\n\n\t一级指标\n\t二级指标\n\t三级指标\n\t年度\n指标值\n\t实际\n完成值\n\t分值\n\t得分\n\t偏差原因分析及改进措施\n\n\
\t\n\t产出指标\n\n(50分)\n\t数量指标\n\t举办展览\n\t\u{3000}6场\n\t\u{3000}7场\n\t\u{3000}20\n\t\u{3000}20\n\t\u{3000}\n\n\
\t\n\t\n\t\n\t……\n\t\u{3000}\n\t\u{3000}\n\t\u{3000}\n\t\u{3000}\n\t\u{3000}\n\n\
\t\n\t\n\t质量\n指标\n\t\n\t\u{3000}\n\t\u{3000}\n\t\u{3000}\n\t\u{3000}\n\t\u{3000}\n\n\
\t\n\t\n\t\n\t展品完好率\n\t100%\n\t\u{3000}98%\n\t\u{3000}30\n\t\u{3000}28\n\t\u{3000}个别展品受潮\n\n\
\t总分\n\t100\n\t\u{3000}96\n";
        let t = table(doc);
        assert_eq!(
            keys(&t),
            [
                "产出指标|数量指标|举办展览|6场|7场|20|20",
                "产出指标|质量指标|展品完好率|100%|98%|30|28",
            ]
        );
        assert_eq!(t.indicators[1].note.as_deref(), Some("个别展品受潮"));
        assert_eq!(t.indicators[0].scope, Scope::Department);
        assert_eq!(t.indicators[0].project, None);
        assert_eq!(summary(&t.summary), ["60", "57", "10", "9.5", "96"]);
    }

    #[test]
    fn ocr_tab_rows_with_merged_and_split_cells_and_goals() {
        let doc = "一、2022年度区水务局整体绩效自评表\n\
年度绩效 (20\tt目标 1: 分)\t\t保障\t河道安全\n\
\t一级指 标\t二级指标\t三级\t指标\t年初目标值 (A)\t实际完成值 (B)\t得分\n\
\t产出指 标(10\t数量指标\t河道巡\t查次数\t200 次\t214 次\t5\n\
年度绩 效目标\t分)\t\t质量指标 堤防 完好率\t\t≥95%\t97. 5%\t5\n\
\t效益指 标(10 分)\t社会效益 指标\t防汛安全\t\t无事故\t无事故\t\n\
\t\t\t落实河长制,保障行洪\t\t明显\t明显\t2\n\
\t满意度指标\t服务对象满意度\t安全。\t≥90%\t92%\t3\n\
年度绩效目标 2: (20 分)\t\t改善\t水质\n\
\t一级指标\t二级指标\t三级指标\t年初目标值 (A)\t实际完成值 (B)\t得分\n\
\t满意度指标\t服务对象满意度指标\t沿河居民满意度\t≥90%\t93%\t1. 5\n\
总分\t\t\t97.\t5\n";
        let t = table(doc);
        assert_eq!(
            keys(&t),
            [
                "产出指标|数量指标|河道巡查次数|200次|214次||5",
                "产出指标|质量指标|堤防完好率|≥95%|97.5%||5",
                "效益指标|社会效益指标|防汛安全|无事故|无事故||",
                "效益指标|社会效益指标|落实河长制,保障行洪安全。|明显|明显||2",
                // 满意度指标 names both ranks; alone it is read as the 二级指标.
                "效益指标|满意度指标|服务对象满意度|≥90%|92%||3",
                "满意度指标|服务对象满意度指标|沿河居民满意度|≥90%|93%||1.5",
            ]
        );
        assert_eq!(t.indicators[0].goal.as_deref(), Some("保障河道安全"));
        assert_eq!(t.indicators[5].goal.as_deref(), Some("改善水质"));
        assert_eq!(
            t.summary.total_score.map(|v| v.to_string()).as_deref(),
            Some("97.5")
        );
    }

    #[test]
    fn titles_name_projects() {
        assert_eq!(
            project_from_title("2023 年度工伤鉴定费项目自评表").as_deref(),
            Some("工伤鉴定费")
        );
        assert_eq!(project_from_title("2023年度项目支出绩效自评表"), None);
        assert_eq!(
            project_from_title("(三)2024年度道路维修项目绩效自评表").as_deref(),
            Some("道路维修")
        );
    }
}
