//! Placing a row's cells under the table's header columns.
//!
//! Real rows rarely line up with their header: merged cells leave columns
//! empty, OCR splits a name over two columns or shifts a whole row by one,
//! Word adds a column for a vertical label, flattened text has no columns at
//! all. So a row is aligned to the header the way sequences are aligned: every
//! cell goes, in order, to one column or is dropped, and the cheapest
//! assignment wins. A cell costs little where its shape fits the column
//! (a level name under 一级/二级指标, a small number under 分值/得分) and
//! where it sits at the column's position; dropping a cell that carries text
//! costs much; leaving 三级指标 empty is impossible. A row may drift against
//! its header (OCR lost or merged a cell) at a price per column, and a target
//! and its actual value of different kinds (a quantity and words) cost extra.
//! Costs are in tenths.

use super::rows::Cell;
use super::value::{is_bare_quantity, is_quantity, looks_like_value, points};
pub use super::vocab::Role;
use super::vocab::{self, HeaderWord};

/// Columns that may take several cells: a name split by OCR or wrapping.
fn multi(role: Role) -> bool {
    matches!(role, Role::Name | Role::Note | Role::Other)
}

/// One header column and, for positional layouts, the columns it spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub role: Role,
    pub span: Option<(usize, usize)>,
    /// The column must take a cell: in flattened text a row is read only
    /// once its score has arrived.
    pub required: bool,
    /// The header cell was empty (a column no word names).
    pub blank: bool,
}

/// The indicator header of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub columns: Vec<Column>,
}

impl Header {
    pub fn has(&self, role: Role) -> bool {
        self.columns.iter().any(|c| c.role == role)
    }

    /// Builds a header from a positional row; `None` when the row is no
    /// indicator header (it must name the indicator and a value column).
    pub fn from_cells(cells: &[Cell]) -> Option<Header> {
        if cells.len() > MAX_CELLS || cells.iter().any(|c| c.col.is_some_and(|k| k > MAX_CELLS)) {
            return None;
        }
        let mut cols: Vec<Column> = Vec::new();
        // Which columns a vertical label (年度绩效指标) heads.
        let mut labels: Vec<(usize, bool)> = Vec::new();
        let mut last_col = None;
        for c in cells {
            let Some(col) = c.col else { continue };
            // Blank header cells between named ones are columns too.
            for blank in last_col.map_or(0, |p| p + 1)..col {
                cols.push(Column::blank(blank));
            }
            last_col = Some(col);
            let word = vocab::header_word(&c.text);
            // `三级 | 指标`: the second half widens the first.
            if word == Some(HeaderWord::Continuation)
                && let Some(prev) = cols.last_mut()
                && matches!(prev.role, Role::Level1 | Role::Level2 | Role::Name)
            {
                widen(prev, col);
                continue;
            }
            let role = match word {
                Some(HeaderWord::Column(r)) => r,
                _ => Role::Other,
            };
            labels.push((cols.len(), word == Some(HeaderWord::Label)));
            match cols.last_mut() {
                Some(prev) if prev.role == role && role != Role::Other => widen(prev, col),
                _ => cols.push(Column::at(role, col)),
            }
        }
        // Without 一级指标, the label over the first column names it: the
        // level-1 names sit under it.
        if !cols.iter().any(|c| c.role == Role::Level1)
            && let Some(&(k, true)) = labels.first()
            && cols[k].role == Role::Other
            && cols.iter().take(k).all(|c| c.blank)
        {
            cols[k].role = Role::Level1;
        }
        infer_blank_columns(&mut cols);
        merge_blank_columns(&mut cols);
        Header::checked(cols)
    }

    /// Builds a header from the words of flattened header lines, whose order
    /// is lost: the columns take the template's order.
    pub fn from_words(words: &[HeaderWord]) -> Option<Header> {
        let has = |r: Role| words.contains(&HeaderWord::Column(r));
        let named = has(Role::Name) || has(Role::Level2);
        let valued = has(Role::Target) || has(Role::Actual);
        if !(named && valued) {
            return None;
        }
        let mut roles = vec![Role::Level1, Role::Level2, Role::Name];
        if has(Role::Other) {
            roles.push(Role::Other);
        }
        roles.extend([Role::Target, Role::Actual]);
        roles.extend(
            [Role::Weight, Role::Score, Role::Note]
                .into_iter()
                .filter(|&r| has(r)),
        );
        let last_points = roles
            .iter()
            .rposition(|r| matches!(r, Role::Score | Role::Weight));
        Some(Header {
            columns: roles
                .into_iter()
                .enumerate()
                .map(|(k, role)| Column {
                    role,
                    span: None,
                    required: Some(k) == last_points,
                    blank: false,
                })
                .collect(),
        })
    }

    fn checked(mut cols: Vec<Column>) -> Option<Header> {
        let has = |r: Role| cols.iter().any(|c| c.role == r);
        let named = has(Role::Name) || has(Role::Level2);
        let valued = has(Role::Target) || has(Role::Actual);
        let known = cols.iter().filter(|c| c.role != Role::Other).count();
        if !(named && valued && known >= 3) {
            return None;
        }
        // Without a 三级指标 word the column after 二级指标 holds the names.
        if !has(Role::Name)
            && let Some(k) = cols.iter().position(|c| c.role == Role::Level2)
            && let Some(next) = cols.get_mut(k + 1)
            && next.role == Role::Other
        {
            next.role = Role::Name;
        }
        if !cols.iter().any(|c| c.role == Role::Name) {
            return None;
        }
        // Trailing blank columns carry nothing.
        while cols.last().is_some_and(|c| c.blank) {
            cols.pop();
        }
        Some(Header { columns: cols })
    }
}

impl Column {
    fn at(role: Role, col: usize) -> Column {
        Column {
            role,
            span: Some((col, col)),
            required: false,
            blank: false,
        }
    }

    fn blank(col: usize) -> Column {
        Column {
            blank: true,
            ..Column::at(Role::Other, col)
        }
    }
}

fn widen(c: &mut Column, col: usize) {
    if let Some((lo, hi)) = c.span {
        c.span = Some((lo.min(col), hi.max(col)));
    }
}

/// OCR loses header words: an unnamed column between 一级 and 三级指标 is the
/// 二级指标, the unnamed one just before 实际完成值 the 年度指标值.
fn infer_blank_columns(cols: &mut [Column]) {
    let pos = |cols: &[Column], r: Role| cols.iter().position(|c| c.role == r);
    if pos(cols, Role::Level2).is_none()
        && let (Some(a), Some(b)) = (pos(cols, Role::Level1), pos(cols, Role::Name))
        && b == a + 2
        && cols[a + 1].blank
    {
        cols[a + 1].role = Role::Level2;
    }
    if pos(cols, Role::Target).is_none()
        && let Some(a) = pos(cols, Role::Actual)
        && a > 0
        && cols[a - 1].blank
    {
        cols[a - 1].role = Role::Target;
    }
}

/// A header cell merged over several columns leaves the ones after it
/// blank (`三级指标 | (blank) | 年初目标值`): they belong to it.
fn merge_blank_columns(cols: &mut Vec<Column>) {
    let mut k = 1;
    while k < cols.len() {
        let prev = &cols[k - 1];
        if cols[k].blank && cols[k].role == Role::Other && prev.role != Role::Other {
            if let Some((_, hi)) = cols[k].span {
                widen(&mut cols[k - 1], hi);
            }
            cols.remove(k);
        } else {
            k += 1;
        }
    }
}

const INF: u32 = u32::MAX / 8;
/// More cells than any header or indicator row has: such a row is no table.
const MAX_CELLS: usize = 48;
/// Per column of distance between a cell and its header column.
const POS: u32 = 5;
/// Per column a row slides against its header within the row (OCR lost or
/// merged a cell).
const SHIFT: u32 = 5;
/// Per column a whole row starts off its header: leading blank cells are the
/// ones OCR loses most.
const START_SHIFT: u32 = 2;
const DROP: u32 = 40;

/// What an aligned row says: the cells placed under each header column.
#[derive(Debug, Default)]
pub struct Aligned<'a> {
    pub level1: Option<&'a Cell>,
    pub level2: Option<&'a Cell>,
    pub name: Vec<&'a Cell>,
    pub target: Option<&'a Cell>,
    pub actual: Option<&'a Cell>,
    pub weight: Option<&'a Cell>,
    pub score: Option<&'a Cell>,
    pub note: Vec<&'a Cell>,
}

/// Aligns `cells` under `header`. `None` when no assignment gives the row a
/// name and a target or actual value.
pub fn align<'a>(cells: &'a [Cell], header: &Header) -> Option<Aligned<'a>> {
    // No indicator row has this many cells; the alignment grows with them.
    if cells.len() > MAX_CELLS {
        return None;
    }
    let assignment = match in_place(cells, header) {
        Some(a) => a,
        None => Costs::new(cells, header).solve()?,
    };
    let mut a = Aligned::default();
    for (cell, col) in cells.iter().zip(assignment) {
        let Some(j) = col else { continue };
        match header.columns[j].role {
            Role::Level1 => a.level1 = Some(cell),
            Role::Level2 => a.level2 = Some(cell),
            Role::Name => {
                // Word and OCR repeat a merged name in the next column.
                if a.name.last().is_none_or(|p| p.text != cell.text) {
                    a.name.push(cell);
                }
            }
            Role::Target => a.target = Some(cell),
            Role::Actual => a.actual = Some(cell),
            Role::Weight => a.weight = Some(cell),
            Role::Score => a.score = Some(cell),
            Role::Note => a.note.push(cell),
            Role::Other => {}
        }
    }
    // A name made of values only is a row whose name was lost.
    let named = a.name.iter().any(|c| !is_bare_quantity(&c.text));
    (named && (a.target.is_some() || a.actual.is_some())).then_some(a)
}

/// The assignment of a row whose cells all sit under their own header column,
/// in order, each a plausible fit there and every required column taken: what
/// the dynamic programme would choose, found without it (most TAB and Word
/// rows are such). Rows short of a name, target or actual value are left to it.
fn in_place(cells: &[Cell], header: &Header) -> Option<Vec<Option<usize>>> {
    let scored = header.has(Role::Score);
    let mut out: Vec<Option<usize>> = Vec::with_capacity(cells.len());
    let mut prev: Option<usize> = None;
    for (i, cell) in cells.iter().enumerate() {
        let c = cell.col?;
        let j = header
            .columns
            .iter()
            .position(|col| col.span.is_some_and(|(lo, hi)| lo <= c && c <= hi))?;
        if prev.is_some_and(|p| p >= j) {
            return None;
        }
        let last = scored && i + 1 == cells.len();
        // Levels only by their vocabulary: a name under a level column is a
        // row that drifted.
        let role = header.columns[j].role;
        let limit = if matches!(role, Role::Level1 | Role::Level2) {
            1
        } else {
            5
        };
        if fit(&cell.text, &header.columns[j], true, last) > limit
            || (role == Role::Name && looks_like_value(&cell.text))
        {
            return None;
        }
        // Two cells under one role (a name and a wrapped sentence end beside
        // it) need the programme's judgement.
        if !matches!(role, Role::Other | Role::Note)
            && out
                .iter()
                .flatten()
                .any(|&k| header.columns[k].role == role)
        {
            return None;
        }
        prev = Some(j);
        out.push(Some(j));
    }
    let taken = |j: usize| out.contains(&Some(j));
    header
        .columns
        .iter()
        .enumerate()
        .all(|(j, col)| {
            // A row short of a value may have lost a cell: the programme
            // decides which.
            let needed =
                col.required || matches!(col.role, Role::Name | Role::Target | Role::Actual);
            !needed || taken(j)
        })
        .then_some(out)
}

/// The shape costs of every cell under every column, computed once per row;
/// positions are added per shift tried.
struct Costs<'a> {
    cells: &'a [Cell],
    header: &'a Header,
    /// (cost where the cell sits at the column, cost elsewhere), per cell and
    /// column, as first cell of the column.
    first: Vec<(u32, u32)>,
    /// The same as a further cell of a column that has one.
    more: Vec<(u32, u32)>,
    drop: Vec<u32>,
    kinds: Vec<Kind>,
}

/// The kind of a value, to keep a target and its actual value alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Not known yet (no target placed), or text with figures in it.
    Open,
    /// A quantity: `≥90%`, `300人`.
    Quantity,
    /// Words without a digit: `明显提高`.
    Words,
}

impl Kind {
    fn of(t: &str) -> Kind {
        if is_quantity(t) {
            Kind::Quantity
        } else if !t.chars().any(|c| c.is_ascii_digit()) {
            Kind::Words
        } else {
            Kind::Open
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// A quantity target with a worded actual value (or the reverse) is more
    /// likely a misread row than a real indicator.
    fn clash(self, other: Kind) -> bool {
        matches!(
            (self, other),
            (Kind::Quantity, Kind::Words) | (Kind::Words, Kind::Quantity)
        )
    }
}

const KINDS: [Kind; 3] = [Kind::Open, Kind::Quantity, Kind::Words];
/// A target and actual value of different kinds.
const CLASH: u32 = 4;

impl<'a> Costs<'a> {
    fn new(cells: &'a [Cell], header: &'a Header) -> Costs<'a> {
        let m = header.columns.len();
        let scored = header.has(Role::Score);
        let mut first = Vec::with_capacity(cells.len() * m);
        let mut more = Vec::with_capacity(cells.len() * m);
        for (i, cell) in cells.iter().enumerate() {
            let last = scored && i + 1 == cells.len();
            for col in &header.columns {
                first.push((
                    fit(&cell.text, col, true, last),
                    fit(&cell.text, col, false, last),
                ));
                let prev = i.checked_sub(1).map(|p| cells[p].text.as_str());
                more.push((
                    extend(&cell.text, prev, col, true),
                    extend(&cell.text, prev, col, false),
                ));
            }
        }
        Costs {
            cells,
            header,
            first,
            more,
            drop: cells.iter().map(|c| drop_cost(&c.text)).collect(),
            kinds: cells.iter().map(|c| Kind::of(&c.text)).collect(),
        }
    }

    /// Columns between a cell (moved by its offset) and a header column.
    fn distance(&self, i: usize, j: usize, offset: i64) -> u32 {
        let (Some(c), Some((lo, hi))) = (self.cells[i].col, self.header.columns[j].span) else {
            return 0;
        };
        let c = c as i64 + offset;
        let d = if c < lo as i64 {
            lo as i64 - c
        } else {
            (c - hi as i64).max(0)
        };
        d.min(4) as u32
    }

    fn place(&self, i: usize, j: usize, offset: i64, extending: bool) -> u32 {
        let d = self.distance(i, j, offset);
        let k = i * self.header.columns.len() + j;
        let (at, off) = if extending {
            self.more[k]
        } else {
            self.first[k]
        };
        (if d == 0 { at } else { off }).saturating_add(POS * d)
    }

    /// Dynamic programme over (cell, column, column already filled, drift,
    /// kind of the target placed). The drift is how many columns the row has
    /// moved against its header so far: OCR loses or merges a cell and the
    /// rest of the row slides; each column of change costs [`SHIFT`]. Returns
    /// the column of each cell, `None` for dropped cells.
    fn solve(&self) -> Option<Vec<Option<usize>>> {
        let (n, m) = (self.cells.len(), self.header.columns.len());
        if n == 0 || m == 0 {
            return None;
        }
        // Flattened cells have no position: no drift to consider.
        let drifts: &[i64] = if self.cells.iter().any(|c| c.col.is_some()) {
            &DRIFTS
        } else {
            &[0]
        };
        let nd = drifts.len();
        let nk = KINDS.len();
        let cols = &self.header.columns;
        let idx =
            |st: State| (((st.i * (m + 1) + st.j) * 2 + st.open) * nd + st.drift) * nk + st.kind;
        // best[state]: cheapest cost for cells i.. and columns j.. from it.
        let mut best = vec![INF; (n + 1) * (m + 1) * 2 * nd * nk];
        let mut next = vec![(Step::Drop, 0usize, 0usize); best.len()];
        for i in (0..=n).rev() {
            for j in (0..=m).rev() {
                for open in 0..2 {
                    if open == 1 && (j == m || i == 0) {
                        continue;
                    }
                    for drift in 0..nd {
                        for (kind, target_kind) in KINDS.iter().enumerate() {
                            let st = State {
                                i,
                                j,
                                open,
                                drift,
                                kind,
                            };
                            let k = idx(st);
                            if j == m {
                                best[k] = self.drop[i..]
                                    .iter()
                                    .fold(0u32, |a, &b| a.saturating_add(b));
                                continue;
                            }
                            let closed = if open == 1 { 0 } else { miss(&cols[j]) };
                            let mut choice = (
                                closed.saturating_add(
                                    best[idx(State {
                                        j: j + 1,
                                        open: 0,
                                        ..st
                                    })],
                                ),
                                (Step::Close, drift, kind),
                            );
                            if i < n {
                                let dropped = self.drop[i]
                                    .saturating_add(best[idx(State { i: i + 1, ..st })]);
                                if dropped < choice.0 {
                                    choice = (dropped, (Step::Drop, drift, kind));
                                }
                                let (role, cell_kind) = (cols[j].role, self.kinds[i]);
                                let clash = role == Role::Actual && target_kind.clash(cell_kind);
                                let kind_after = if role == Role::Target {
                                    cell_kind.index()
                                } else {
                                    kind
                                };
                                for (t, &to) in drifts.iter().enumerate() {
                                    let cost = self
                                        .place(i, j, to, open == 1)
                                        .saturating_add(SHIFT * to.abs_diff(drifts[drift]) as u32)
                                        .saturating_add(if clash { CLASH } else { 0 });
                                    let after = State {
                                        i: i + 1,
                                        j,
                                        open: 1,
                                        drift: t,
                                        kind: kind_after,
                                    };
                                    let placed = cost.saturating_add(best[idx(after)]);
                                    if placed < choice.0 {
                                        choice = (placed, (Step::Place, t, kind_after));
                                    }
                                }
                            }
                            best[k] = choice.0;
                            next[k] = choice.1;
                        }
                    }
                }
            }
        }
        // The row may start at any drift, for a price.
        let start = |d: usize| State {
            i: 0,
            j: 0,
            open: 0,
            drift: d,
            kind: Kind::Open.index(),
        };
        let first = (0..nd).min_by_key(|&d| {
            best[idx(start(d))].saturating_add(START_SHIFT * drifts[d].unsigned_abs() as u32)
        })?;
        if best[idx(start(first))] >= INF {
            return None;
        }
        let mut out = vec![None; n];
        let mut st = start(first);
        while st.i < n && st.j < m {
            let (what, drift, kind) = next[idx(st)];
            match what {
                Step::Drop => st.i += 1,
                Step::Close => {
                    st.j += 1;
                    st.open = 0;
                }
                Step::Place => {
                    out[st.i] = Some(st.j);
                    st.i += 1;
                    st.open = 1;
                }
            }
            st.drift = drift;
            st.kind = kind;
        }
        Some(out)
    }
}

/// A point of the alignment: next cell, current column, whether that column
/// holds a cell, drift (index into the drifts) and kind of the target placed.
#[derive(Clone, Copy)]
struct State {
    i: usize,
    j: usize,
    open: usize,
    drift: usize,
    kind: usize,
}

/// Drifts considered, in columns.
const DRIFTS: [i64; 5] = [-2, -1, 0, 1, 2];

#[derive(Clone, Copy)]
enum Step {
    Drop,
    Close,
    Place,
}

/// The cost of a cell's text as the first (or only) cell of a column, where
/// the cell sits at the column (`at`) or elsewhere. `last_scored`: the cell
/// ends a row of a table with a 得分 column.
fn fit(t: &str, col: &Column, at: bool, last_scored: bool) -> u32 {
    let exact = at && col.span.is_some();
    let han = t.chars().filter(|c| crate::text::is_han(*c)).count();
    // Non-vocabulary labels (战略管理, a garbled level) are levels only where
    // the header puts levels; a cut-off level name (社会效益) anywhere near.
    let loose_level = han >= 2 && (exact || vocab::is_level_prefix(t));
    match col.role {
        Role::Level1 => match (vocab::level1(t), vocab::level2(t)) {
            // 满意度指标 and 成本指标 are both ranks: alone, a row's level is
            // more likely its 二级指标.
            (Some(_), true) => 1,
            (Some(_), false) => 0,
            (None, true) => 10,
            (None, false) if loose_level => 4,
            _ => INF,
        },
        Role::Level2 => match (vocab::level2(t), vocab::level1(t).is_some()) {
            (true, _) => 0,
            (false, true) => 10,
            (false, false) if loose_level => 4,
            _ => INF,
        },
        Role::Name => name_shape(t),
        Role::Target | Role::Actual => {
            if vocab::is_debris(t) {
                INF
            } else if vocab::is_level(t) {
                20
            } else if last_scored && points(t).is_some() {
                // A small number ending the row is more likely its score
                // than a value whose score was left blank.
                4
            } else if looks_like_value(t) {
                0
            } else {
                3
            }
        }
        Role::Weight | Role::Score => {
            if points(t).is_some() {
                0
            } else {
                INF
            }
        }
        Role::Note => {
            if vocab::is_debris(t) {
                INF
            } else if points(t).is_some() {
                20
            } else {
                5
            }
        }
        Role::Other => {
            // Label columns (评价要点, a vertical 年度绩效目标) hold text; a
            // short value there is a cell out of place.
            let value = looks_like_value(t) && t.chars().count() <= 12;
            if vocab::is_debris(t) {
                0
            } else if levelish(t) || value || col.blank || !exact {
                10
            } else {
                0
            }
        }
    }
}

fn name_shape(t: &str) -> u32 {
    if vocab::is_debris(t) || vocab::is_level_name(t) {
        INF
    } else if levelish(t) {
        8
    } else if looks_like_value(t) {
        5
    } else {
        0
    }
}

/// A level name, or the start of one cut by wrapping (`社会效益`).
fn levelish(t: &str) -> bool {
    vocab::is_level(t) || (vocab::is_level_prefix(t) && t.chars().count() >= 2)
}

/// The cost of one more cell in a column that already has one.
fn extend(t: &str, prev: Option<&str>, col: &Column, at: bool) -> u32 {
    if !multi(col.role) {
        return INF;
    }
    if col.role == Role::Other {
        return fit(t, col, at, false);
    }
    if prev == Some(t) {
        return 0;
    }
    // Punctuation a wrap left alone (`登记 / 、`) stays in the name.
    if col.role == Role::Name && vocab::is_inner_punctuation(t) {
        return 0;
    }
    // A name split exactly along a header split (`三级 | 指标`) is expected;
    // a wrapped flattened name a little less; a cell out of the span much less.
    let joint: u32 = match (col.span, at) {
        (Some(_), true) => 1,
        (None, _) => 3,
        (Some(_), false) => 10,
    };
    let shape = if col.role == Role::Name {
        name_shape(t)
    } else if vocab::is_debris(t) {
        INF
    } else {
        0
    };
    joint.saturating_add(shape)
}

fn miss(col: &Column) -> u32 {
    if col.required {
        return INF;
    }
    match col.role {
        Role::Name => INF,
        Role::Target | Role::Actual => 15,
        Role::Weight | Role::Score => 3,
        Role::Level1 | Role::Level2 | Role::Note | Role::Other => 0,
    }
}

fn drop_cost(t: &str) -> u32 {
    if vocab::is_inner_punctuation(t) {
        // Cheap to drop, yet kept when it sits inside a name.
        1
    } else if vocab::is_debris(t) {
        0
    } else {
        DROP
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells of a TAB row (`\t` between cells, empty ones kept out), or of
    /// space-separated tokens without positions.
    fn cells(line: &str) -> Vec<Cell> {
        let positional = line.contains('\t');
        let parts: Vec<&str> = if positional {
            line.split('\t').collect()
        } else {
            line.split(' ').collect()
        };
        parts
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.is_empty())
            .map(|(i, t)| Cell {
                text: t.to_string(),
                col: positional.then_some(i),
                line: 0,
            })
            .collect()
    }

    /// Name, target, actual, weight, score and level 2 of an aligned row.
    fn read(header: &Header, row: &str) -> Option<[String; 6]> {
        let cells = cells(row);
        let a = align(&cells, header)?;
        let t = |c: Option<&Cell>| c.map(|c| c.text.clone()).unwrap_or_default();
        Some([
            a.name.iter().map(|c| c.text.as_str()).collect(),
            t(a.target),
            t(a.actual),
            t(a.weight),
            t(a.score),
            t(a.level2),
        ])
    }

    fn header(line: &str) -> Header {
        Header::from_cells(&cells(line)).unwrap()
    }

    #[test]
    fn header_with_split_name_and_lost_words() {
        let h = header("\t一级指标\t\t三级\t指标\t\t实际完成值(B)\t得分\t");
        let roles: Vec<Role> = h.columns.iter().map(|c| c.role).collect();
        use Role::*;
        assert_eq!(roles, [Other, Level1, Level2, Name, Target, Actual, Score]);
        assert_eq!(h.columns[3].span, Some((3, 4)));
        assert!(Header::from_cells(&cells("预期目标\t实际完成情况")).is_none());
        // Without 一级指标 the vertical label heads the level-1 column.
        let h = header("年度绩效指标\t二级指标\t三级指标\t评价要点\t年初目标值(A)\t实际完成值(B)");
        assert_eq!(h.columns[0].role, Level1);
    }

    #[test]
    fn positional_rows() {
        const SCORED: &str = "\t一级指标\t二级指标\t三级指标\t年初目标值(A)\t实际完成值(B)\t得分";
        const SPLIT: &str = "\t一级指标\t二级指标\t三级\t指标\t年初目标值(A)\t实际完成值(B)\t得分";
        const WORD: &str =
            "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因";
        let cases: [(&str, &str, [&str; 6]); 4] = [
            // A blank score is not filled from the actual value.
            (
                SCORED,
                "\t\t\t巡查次数\t300\t311\t",
                ["巡查次数", "300", "311", "", "", ""],
            ),
            // A name split over the two halves of a split header column.
            (
                SPLIT,
                "年度绩效目标\t(5分)\t\t设备巡\t检次数\t40\t42\t0.5",
                ["设备巡检次数", "40", "42", "", "0.5", ""],
            ),
            // OCR lost the leading blank cells of a row.
            (
                SPLIT,
                "\t\t巡检覆盖率\t≥96%\t98.5%\t0.5",
                ["巡检覆盖率", "≥96%", "98.5%", "", "0.5", ""],
            ),
            // Word adds a vertical label column to the rows, not the header.
            (
                WORD,
                "\t产出指标(50分)\t数量指标\t培训场次\t按计划开展\t已开展\t15\t14",
                ["培训场次", "按计划开展", "已开展", "15", "14", "数量指标"],
            ),
        ];
        for (h, row, want) in cases {
            assert_eq!(
                read(&header(h), row).unwrap(),
                want.map(String::from),
                "{row}"
            );
        }
    }

    #[test]
    fn flattened_tokens_align_by_shape() {
        let h = Header::from_words(
            &[
                Role::Level2,
                Role::Name,
                Role::Target,
                Role::Actual,
                Role::Score,
            ]
            .map(HeaderWord::Column),
        )
        .unwrap();
        assert_eq!(
            read(&h, "满意度指标 服务对象满意度 ≥90% ≥95% 2").unwrap(),
            ["服务对象满意度", "≥90%", "≥95%", "", "2", "满意度指标"]
        );
        assert_eq!(
            read(&h, "指标 时效指标 2023 年度资料归档 12月底前 12月底前 1.5").unwrap()[0],
            "2023年度资料归档"
        );
        // Until its score arrives a flattened row is incomplete.
        assert!(read(&h, "巡查次数 300 310").is_none());
    }
}
