//! Places amounts in columns where the layout left a choice, by the
//! identities of the document's tables taken together.
//!
//! Each group of amounts (an aligned column, a TAB column, a single amount
//! of flat text) has a set of columns it can be in. Groups with one column
//! are placed by the print. The others are variables of a small constraint
//! problem: within a row, amounts keep their left-to-right order; within a
//! page, aligned columns keep theirs; and every identity of
//! [`identity`](super::identity) that covers a placed cell must hold. The
//! search tries columns in template order, collects the solutions, and
//! places a group where every solution agrees (`Identity`); where they
//! disagree, the first solution's column is kept with `Order` provenance
//! (never verified). Printed zeros take no part in any sum: they are placed
//! afterwards, in the order of their row.
//!
//! Budget: at most [`NODES`] search nodes and [`SOLUTIONS`] solutions per
//! table and round, and [`DOCUMENT_NODES`] per document, shared by every
//! reading of it (the caller passes what is left). When the budget runs
//! out, every variable of the table
//! keeps the first solution found (or, with none, the first column its row
//! order allows) with `Order` provenance.

use rustc_hash::{FxHashMap, FxHashSet};

use super::assemble::{Assembled, ColumnSet};
use super::grid::Provenance;
use super::identity::{Operand, Present, instantiate};
use super::spec::TableSpec;
use crate::amount::Amount;
use crate::vocab::{Side, Table};

/// Search nodes per table and round.
pub const NODES: usize = 30_000;
/// Search nodes per document, all tables and rounds together: a document
/// whose tables leave many choices costs a bounded time, and what the
/// budget did not reach keeps `Order` provenance (never verified).
pub const DOCUMENT_NODES: usize = 200_000;
/// Solutions collected per table and round.
pub const SOLUTIONS: usize = 64;

/// Where one amount went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    pub column: Option<u8>,
    pub provenance: Provenance,
}

/// The placements of every amount: `[table][record][amount]`.
pub type Placements = Vec<Vec<Vec<Placement>>>;

/// Which record holds a row of a table.
type RowIndex = FxHashMap<(Table, Option<Side>, String), (usize, usize)>;

struct Doc<'a> {
    tables: &'a [Assembled],
    /// Each instance's total and parts, looked up once: the search asks
    /// them at every node.
    slots: Vec<(Slot, Vec<(i8, Slot)>)>,
    /// Column of each group, per table (`None`: not placed yet).
    col: Vec<Vec<Option<u8>>>,
    /// Groups whose column is settled for other tables to rely on.
    settled: Vec<Vec<bool>>,
    /// Search nodes left for the document.
    budget: usize,
    /// No amount of the document is negative: a sum whose known parts
    /// already exceed its total fails before its other parts are placed.
    nonneg: bool,
    /// The fewest decimals any amount prints: the widest rounding
    /// allowance a sum can end with.
    min_decimals: u32,
    /// A table that lost figures takes part: some cells may be blank or a
    /// lost figure ([`Slot::MaybeLost`]).
    maybe_lost: bool,
}

/// An operand of an instance, as the document's tables hold it.
#[derive(Clone, Copy)]
enum Slot {
    /// A row the document does not print: blank.
    Blank,
    /// A column the row's table does not have: never known.
    Unknown,
    /// Column `col` of record `r` of table `t`.
    Cell { t: usize, r: usize, col: u8 },
    /// A figure the prose states, if it does.
    Fact(Option<Amount>),
    /// A cell of a pinned table: its figure and decimals, or blank.
    Known(Option<(Amount, u32)>),
    /// A cell that a table which lost figures leaves blank: a lost figure
    /// may stand there, so no placement breaks an identity over it; among
    /// the placements the identities allow, those under which it is blank
    /// are preferred.
    MaybeLost,
}

/// A cell of a pinned table: its row (code, or label) and column.
type PinnedCell = (Table, Option<Side>, String, u8);

/// Tables another reading of the document gave, which the search takes as
/// they stand rather than placing them again: a figure their identities
/// vouched for is known, any other figure unknown; a cell they do not
/// print is blank, unless the table lost figures (a lost figure may be
/// where a blank seems to be), when it is unknown too.
#[derive(Default)]
pub struct Pinned {
    tables: FxHashSet<Table>,
    lossy: FxHashSet<Table>,
    /// Each cell read: its figure and decimals where vouched for.
    cells: FxHashMap<PinnedCell, Option<(Amount, u32)>>,
    rows: Vec<(Table, Option<Side>, Option<String>, String)>,
}

impl Pinned {
    /// Pins `table`; `lossy`: it lost printed figures.
    pub fn table(&mut self, table: Table, lossy: bool) {
        self.tables.insert(table);
        if lossy {
            self.lossy.insert(table);
        }
    }

    /// A figure of a pinned table, `vouched` or not.
    pub fn figure(&mut self, item: &crate::model::LineItem, vouched: bool) {
        let Some(col) = column_index(item.table, item.side, &item.column) else {
            return;
        };
        let row = row_key(&item.subject_code, &item.item);
        let value = vouched.then_some((item.amount, item.decimals));
        self.cells.insert((item.table, item.side, row, col), value);
        // A row's figures come one after the other: it is recorded once.
        let printed = (
            item.table,
            item.side,
            item.subject_code.clone(),
            item.item.clone(),
        );
        if self.rows.last() != Some(&printed) {
            self.rows.push(printed);
        }
    }

    /// Cell `k` of a pinned table.
    fn slot(&self, k: &super::identity::CellKey) -> Slot {
        let Some(col) = column_index(k.table, k.side, k.column) else {
            return Slot::Unknown;
        };
        match self.cells.get(&(k.table, k.side, k.row.clone(), col)) {
            Some(Some(v)) => Slot::Known(Some(*v)),
            Some(None) => Slot::Unknown,
            None if self.lossy.contains(&k.table) => Slot::MaybeLost,
            None => Slot::Known(None),
        }
    }
}

impl Slot {
    /// `lost`: the tables being placed whose blocks lost figures, where a
    /// row not read may be a row lost.
    fn of(
        op: &Operand,
        rows: &RowIndex,
        pinned: &Pinned,
        facts: &FxHashMap<&'static str, Amount>,
        lost: &FxHashSet<Table>,
    ) -> Slot {
        match op {
            Operand::Fact(m) => Slot::Fact(facts.get(m).copied()),
            Operand::Cell(k) if pinned.tables.contains(&k.table) => pinned.slot(k),
            Operand::Cell(k) => match rows.get(&(k.table, k.side, k.row.clone())) {
                None if lost.contains(&k.table) => Slot::MaybeLost,
                None => Slot::Blank,
                Some(&(t, r)) => match column_index(k.table, k.side, k.column) {
                    None => Slot::Unknown,
                    Some(col) => Slot::Cell { t, r, col },
                },
            },
        }
    }
}

fn row_key(code: &Option<String>, item: &str) -> String {
    code.clone().unwrap_or_else(|| item.to_string())
}

fn column_index(t: Table, side: Option<Side>, column: &str) -> Option<u8> {
    TableSpec::of(t)
        .side_columns(side)
        .iter()
        .position(|c| c.name == column)
        .map(|p| p as u8)
}

/// Places every amount of the document's tables, beside the `pinned`
/// ones, within `budget` search nodes, which it lowers by those it spent.
pub fn solve(
    tables: &[Assembled],
    pinned: &Pinned,
    facts: &[(&'static str, Amount)],
    budget: &mut usize,
) -> Placements {
    let mut present = Present::default();
    for (t, side, code, item) in &pinned.rows {
        present.row(*t, *side, code.as_deref(), item);
    }
    let mut rows: RowIndex = FxHashMap::default();
    for (ti, a) in tables.iter().enumerate() {
        for (ri, r) in a.records.iter().enumerate() {
            present.row(a.table, r.side, r.code.as_deref(), &r.item);
            rows.entry((a.table, r.side, row_key(&r.code, &r.item)))
                .or_insert((ti, ri));
        }
    }
    for (m, _) in facts {
        present.fact(m);
    }
    let facts: FxHashMap<&'static str, Amount> = facts.iter().copied().collect();
    let lost: FxHashSet<Table> = tables
        .iter()
        .filter(|a| a.lost_figures)
        .map(|a| a.table)
        .collect();
    let instances = instantiate(&present);
    let slots: Vec<(Slot, Vec<(i8, Slot)>)> = instances
        .iter()
        .map(|inst| {
            (
                Slot::of(&inst.total, &rows, pinned, &facts, &lost),
                inst.parts
                    .iter()
                    .map(|(sign, op)| (*sign, Slot::of(op, &rows, pinned, &facts, &lost)))
                    .collect(),
            )
        })
        .collect();
    let maybe_lost = !lost.is_empty()
        || slots.iter().any(|(total, parts)| {
            std::iter::once(total)
                .chain(parts.iter().map(|p| &p.1))
                .any(|s| matches!(s, Slot::MaybeLost))
        });
    let mut doc = Doc {
        tables,
        slots,
        maybe_lost,
        col: tables.iter().map(|a| vec![None; a.groups.len()]).collect(),
        settled: tables.iter().map(|a| vec![false; a.groups.len()]).collect(),
        budget: *budget,
        nonneg: tables
            .iter()
            .flat_map(|a| &a.records)
            .flat_map(|r| &r.amounts)
            .all(|am| am.value >= Amount::ZERO),
        min_decimals: tables
            .iter()
            .flat_map(|a| &a.records)
            .flat_map(|r| &r.amounts)
            .map(|am| am.decimals)
            .min()
            .unwrap_or(2)
            .min(2),
    };
    let mut provenance: Vec<Vec<Provenance>> = tables
        .iter()
        .map(|a| vec![Provenance::Printed; a.groups.len()])
        .collect();
    // Groups the print places.
    for (ti, a) in tables.iter().enumerate() {
        for (g, grp) in a.groups.iter().enumerate() {
            if grp.domain.count_ones() == 1 {
                doc.col[ti][g] = Some(grp.domain.trailing_zeros() as u8);
                doc.settled[ti][g] = true;
            }
        }
    }
    // Tables in an order where each can lean on the ones before.
    let mut order: Vec<usize> = (0..tables.len()).collect();
    order.sort_by_key(|&ti| {
        let rank = [
            Table::Overview,
            Table::GeneralBudgetBasic,
            Table::ThreePublic,
            Table::GeneralBudgetExpenditure,
            Table::FiscalOverview,
            Table::Income,
            Table::Expenditure,
            Table::GovernmentFund,
            Table::StateCapital,
        ];
        rank.iter()
            .position(|t| *t == tables[ti].table)
            .unwrap_or(9)
    });
    for round in 0..3 {
        let mut changed = false;
        for &ti in &order {
            let open: Vec<usize> = (0..tables[ti].groups.len())
                .filter(|&g| !doc.settled[ti][g])
                .collect();
            if open.is_empty() {
                continue;
            }
            let last_round = round == 2;
            changed |= solve_table(&mut doc, ti, &open, last_round, &mut provenance[ti]);
        }
        if !changed {
            break;
        }
    }
    *budget = doc.budget;
    // Whatever is still open keeps its first feasible column, unproven.
    for (ti, a) in tables.iter().enumerate() {
        for (g, p) in provenance[ti].iter_mut().enumerate().take(a.groups.len()) {
            if doc.col[ti][g].is_none() {
                *p = Provenance::Order;
            }
        }
    }
    let mut out: Placements = Vec::with_capacity(tables.len());
    for (ti, a) in tables.iter().enumerate() {
        let mut per_table = Vec::with_capacity(a.records.len());
        for r in &a.records {
            let mut cols: Vec<Option<u8>> =
                r.amounts.iter().map(|am| doc.col[ti][am.group]).collect();
            let doms: Vec<ColumnSet> = r
                .amounts
                .iter()
                .map(|am| a.groups[am.group].domain)
                .collect();
            let spec = TableSpec::of(a.table);
            let n = spec.side_columns(r.side).len();
            let forced = fill_row(&mut cols, &doms, n, spec.seldom_columns(r.side));
            per_table.push(
                r.amounts
                    .iter()
                    .zip(cols)
                    .zip(forced)
                    .map(|((am, c), forced)| {
                        let p = if doc.col[ti][am.group].is_some() {
                            provenance[ti][am.group]
                        } else if forced {
                            Provenance::Identity
                        } else {
                            Provenance::Order
                        };
                        Placement {
                            column: c,
                            provenance: p,
                        }
                    })
                    .collect(),
            );
        }
        out.push(per_table);
    }
    out
}

/// Columns for a row's amounts left open (zeros, unsolved), in row order
/// after the placed ones: the first free column each can take, a `seldom`
/// one only where no other is open. Returns per amount whether its column
/// was the only one open to it.
fn fill_row(cols: &mut [Option<u8>], doms: &[ColumnSet], n: usize, seldom: ColumnSet) -> Vec<bool> {
    let mut forced = vec![false; cols.len()];
    let k = cols.len();
    // A row whose placed amounts do not run left to right in column order
    // prints its columns in another order (09's 预算数 and 决算数 side by
    // side under each heading): no order says where the others go, so each
    // takes a column of its domain no other amount of the row holds.
    let placed: Vec<u8> = cols.iter().flatten().copied().collect();
    if placed.windows(2).any(|w| w[0] >= w[1]) {
        for i in 0..k {
            if cols[i].is_some() {
                continue;
            }
            let options: Vec<u8> = (0..n as u8)
                .filter(|&c| doms[i] & (1 << c) != 0 && !cols.contains(&Some(c)))
                .collect();
            let usual = options.iter().find(|&&c| seldom & (1 << c) == 0);
            cols[i] = usual.or(options.first()).copied();
        }
        return forced;
    }
    for i in 0..k {
        if cols[i].is_some() {
            continue;
        }
        let lo = (0..i)
            .rev()
            .find_map(|j| cols[j])
            .map(|c| c as i32 + 1)
            .unwrap_or(0) as u32;
        // Leave room for the amounts after it up to the next placed one.
        let next = (i + 1..k).find(|&j| cols[j].is_some());
        let hi = match next {
            Some(j) => cols[j].unwrap() as i32 - (j - i) as i32,
            None => n as i32 - (k - i) as i32,
        };
        // No room left (more amounts than columns between their neighbours).
        if hi < lo as i32 {
            continue;
        }
        let hi = (hi as u32).min(n.saturating_sub(1) as u32);
        let options: Vec<u32> = (lo..=hi)
            .filter(|&c| (c as usize) < n && doms[i] & (1 << c) != 0)
            .collect();
        let usual = options.iter().find(|&&c| seldom & (1 << c) == 0);
        if let Some(&c) = usual.or(options.first()) {
            cols[i] = Some(c as u8);
            forced[i] = options.len() == 1;
        }
    }
    forced
}

/// Search state of one table.
struct Search<'d, 'a> {
    doc: &'d Doc<'a>,
    ti: usize,
    vars: Vec<usize>,
    /// For each variable depth, instances that become checkable there.
    checks_at: Vec<Vec<usize>>,
    /// For each variable depth, instances one of whose parts is placed
    /// there before their last: checked for a sum already too large.
    early_at: Vec<Vec<usize>>,
    /// For each group, its side's seldom-used columns ([`TableSpec::seldom_columns`]).
    seldom: Vec<ColumnSet>,
    /// For each group, the records that hold one of its amounts.
    records_of: Vec<Vec<usize>>,
    /// For each group, the ranked groups of its page and side (whose order
    /// it must keep).
    ranked_with: Vec<Vec<usize>>,
    assign: Vec<Option<u8>>,
    nodes: usize,
    /// Nodes this search may visit.
    limit: usize,
    solutions: Vec<Vec<u8>>,
    max_violations: usize,
    violations: usize,
    /// Cells that tables which lost figures leave blank read as blank
    /// (telling apart the placements the search found), not unknown.
    lost_blank: bool,
}

/// Solves the open groups of table `ti`; returns whether any was settled.
fn solve_table(
    doc: &mut Doc,
    ti: usize,
    open: &[usize],
    last_round: bool,
    prov: &mut [Provenance],
) -> bool {
    let a = &doc.tables[ti];
    // Variables: open groups that carry a non-zero amount (zeros change no
    // sum; they are placed after).
    let mut carries = vec![false; a.groups.len()];
    let mut first_seen = vec![usize::MAX; a.groups.len()];
    for (ri, r) in a.records.iter().enumerate() {
        for am in &r.amounts {
            if !am.value.is_zero() {
                carries[am.group] = true;
            }
            first_seen[am.group] = first_seen[am.group].min(ri);
        }
    }
    let mut vars: Vec<usize> = open.iter().copied().filter(|&g| carries[g]).collect();
    vars.sort_by_key(|&g| (first_seen[g], g));
    if vars.is_empty() {
        return false;
    }
    let mut depth_of = vec![usize::MAX; a.groups.len()];
    for (d, &g) in vars.iter().enumerate() {
        depth_of[g] = d;
    }
    // Instances touching this table, with the depth at which the last
    // variable they depend on is assigned.
    let mut checks_at: Vec<Vec<usize>> = vec![Vec::new(); vars.len()];
    let mut early_at: Vec<Vec<usize>> = vec![Vec::new(); vars.len()];
    for (n, (total, parts)) in doc.slots.iter().enumerate() {
        let mut deepest: Option<usize> = None;
        let mut depths: Vec<usize> = Vec::new();
        let mut touches = false;
        let mut unknown_elsewhere = false;
        for slot in std::iter::once(total).chain(parts.iter().map(|p| &p.1)) {
            let &Slot::Cell { t: t2, r: r2, col } = slot else {
                continue;
            };
            for am in &doc.tables[t2].records[r2].amounts {
                let g = am.group;
                let dom = doc.tables[t2].groups[g].domain;
                if dom & (1 << col) == 0 || am.value.is_zero() {
                    continue;
                }
                if t2 == ti {
                    touches = true;
                    if depth_of[g] != usize::MAX {
                        deepest = Some(deepest.map_or(depth_of[g], |d: usize| d.max(depth_of[g])));
                        depths.push(depth_of[g]);
                    } else if doc.col[t2][g].is_none() {
                        unknown_elsewhere = true;
                    }
                } else if !doc.settled[t2][g] {
                    unknown_elsewhere = true;
                }
            }
        }
        if touches
            && !unknown_elsewhere
            && let Some(d) = deepest
        {
            checks_at[d].push(n);
            depths.sort_unstable();
            depths.dedup();
            for e in depths.into_iter().filter(|&e| e < d) {
                early_at[e].push(n);
            }
        }
    }
    let mut records_of: Vec<Vec<usize>> = vec![Vec::new(); a.groups.len()];
    for (ri, r) in a.records.iter().enumerate() {
        for am in &r.amounts {
            if records_of[am.group].last() != Some(&ri) {
                records_of[am.group].push(ri);
            }
        }
    }
    let ranked_with: Vec<Vec<usize>> = a
        .groups
        .iter()
        .enumerate()
        .map(|(g, grp)| match grp.rank {
            None => Vec::new(),
            Some((seg, _)) => a
                .groups
                .iter()
                .enumerate()
                .filter(|(h, other)| {
                    *h != g && other.side == grp.side && other.rank.is_some_and(|(s2, _)| s2 == seg)
                })
                .map(|(h, _)| h)
                .collect(),
        })
        .collect();
    let mut s = Search {
        doc,
        ti,
        vars: vars.clone(),
        checks_at,
        early_at,
        seldom: {
            let spec = TableSpec::of(a.table);
            a.groups
                .iter()
                .map(|grp| spec.seldom_columns(grp.side))
                .collect()
        },
        records_of,
        ranked_with,
        assign: vec![None; a.groups.len()],
        nodes: 0,
        limit: NODES.min(doc.budget),
        solutions: Vec::new(),
        max_violations: 0,
        violations: 0,
        lost_blank: false,
    };
    for g in 0..a.groups.len() {
        s.assign[g] = doc.col[ti][g];
    }
    s.dfs(0);
    let mut spent = s.nodes;
    let mut complete = s.nodes < s.limit;
    if s.solutions.is_empty() && complete {
        // The print breaks an identity whatever the placement (a misprint,
        // a rounding beyond tolerance): allow a few, prefer the fewest.
        for allowed in 1..=2 {
            s.max_violations = allowed;
            s.limit = NODES.min(s.doc.budget.saturating_sub(spent));
            s.nodes = 0;
            s.dfs(0);
            spent += s.nodes;
            if !s.solutions.is_empty() || s.nodes >= s.limit {
                break;
            }
        }
        complete = false;
    }
    let mut solutions = std::mem::take(&mut s.solutions);
    if complete && solutions.len() > 1 && solutions.len() < SOLUTIONS {
        s.prefer_unbroken(&mut solutions);
        s.prefer_stated(&mut solutions);
    }
    doc.budget = doc.budget.saturating_sub(spent);
    let mut changed = false;
    if solutions.is_empty() {
        if last_round {
            for &g in &vars {
                prov[g] = Provenance::Order;
            }
        }
        return false;
    }
    for (d, &g) in vars.iter().enumerate() {
        let first = solutions[0][d];
        let agreed = complete && solutions.iter().all(|sol| sol[d] == first);
        if agreed {
            doc.col[ti][g] = Some(first);
            doc.settled[ti][g] = true;
            prov[g] = Provenance::Identity;
            changed = true;
        } else if last_round {
            doc.col[ti][g] = Some(first);
            prov[g] = Provenance::Order;
        }
    }
    changed
}

impl Search<'_, '_> {
    fn table(&self) -> &Assembled {
        &self.doc.tables[self.ti]
    }

    fn dfs(&mut self, depth: usize) {
        if self.nodes >= self.limit || self.solutions.len() >= SOLUTIONS {
            return;
        }
        self.nodes += 1;
        if depth == self.vars.len() {
            self.solutions.push(
                self.vars
                    .iter()
                    .map(|&g| self.assign[g].expect("assigned"))
                    .collect(),
            );
            return;
        }
        let g = self.vars[depth];
        let grp = &self.table().groups[g];
        let dom = grp.domain;
        // Template order, a seldom-used column after the others: the first
        // solution, which places what the identities leave open, takes it
        // last.
        let seldom = self.seldom[g];
        let order = (0..16u8)
            .filter(|c| seldom & (1 << c) == 0)
            .chain((0..16u8).filter(|c| seldom & (1 << c) != 0));
        for c in order {
            if dom & (1 << c) == 0 {
                continue;
            }
            self.assign[g] = Some(c);
            if self.order_holds(g) {
                let before = self.violations;
                let mut ok = true;
                for k in 0..self.checks_at[depth].len() {
                    let n = self.checks_at[depth][k];
                    if !self.holds(n) {
                        self.violations += 1;
                        if self.violations > self.max_violations {
                            ok = false;
                            break;
                        }
                    }
                }
                // Sums already too large (only where no violation is
                // allowed: a partial check would count one twice).
                if ok && self.max_violations == 0 {
                    ok = self.early_at[depth].iter().all(|&n| self.can_hold(n));
                }
                if ok {
                    self.dfs(depth + 1);
                }
                self.violations = before;
            }
            self.assign[g] = None;
            if self.nodes >= self.limit || self.solutions.len() >= SOLUTIONS {
                return;
            }
        }
    }

    /// Order constraints around group `g`: ranked groups of its page and
    /// side keep their order; the rows it is in can still place all their
    /// amounts left to right.
    fn order_holds(&self, g: usize) -> bool {
        let a = self.table();
        let grp = &a.groups[g];
        let c = self.assign[g].expect("assigned");
        if let Some((_, rank)) = grp.rank {
            for &h in &self.ranked_with[g] {
                let (Some((_, r2)), Some(c2)) = (a.groups[h].rank, self.assign[h]) else {
                    continue;
                };
                if r2 < rank && c2 >= c || r2 > rank && c2 <= c {
                    return false;
                }
            }
        }
        for &ri in &self.records_of[g] {
            let r = &a.records[ri];
            // Left to right, each amount at the first column its domain and
            // its assignment allow after the previous one.
            let n = TableSpec::of(a.table).side_columns(r.side).len() as u8;
            let mut next = 0u8;
            for am in &r.amounts {
                match self.assign[am.group] {
                    Some(col) => {
                        if col < next {
                            return false;
                        }
                        next = col + 1;
                    }
                    None => {
                        let dom = a.groups[am.group].domain;
                        match (next..n).find(|&c| dom & (1 << c) != 0) {
                            Some(c) => next = c + 1,
                            None => return false,
                        }
                    }
                }
            }
        }
        true
    }

    /// The value of a cell under the current assignment: `None` when an
    /// unassigned group could still put an amount there, `Some(None)` when
    /// the cell is blank.
    fn value(&self, slot: Slot) -> Option<Option<(Amount, u32)>> {
        let (t2, r2, col) = match slot {
            Slot::Blank => return Some(None),
            Slot::Unknown => return None,
            Slot::Fact(a) => return Some(a.map(|a| (a, 2))),
            Slot::Known(v) => return Some(v),
            Slot::MaybeLost => return self.lost_blank.then_some(None),
            Slot::Cell { t, r, col } => (t, r, col),
        };
        let table = &self.doc.tables[t2];
        let rec = &table.records[r2];
        for am in &rec.amounts {
            let assigned = if t2 == self.ti {
                self.assign[am.group]
            } else {
                self.doc.col[t2][am.group]
            };
            match assigned {
                Some(c) if c == col => return Some(Some((am.value, am.decimals))),
                Some(_) => {}
                None if am.value.is_zero() => {}
                None => {
                    if table.groups[am.group].domain & (1 << col) != 0 {
                        return None;
                    }
                }
            }
        }
        if t2 != self.ti && table.lost_figures && !self.lost_blank {
            return None;
        }
        Some(None)
    }

    /// Keeps, of every solution found, those under which the most
    /// identities hold with the cells that tables which lost figures leave
    /// blank read as blank: such a cell is more often blank than a lost
    /// figure (a table 01 that lost its expenditure side still tells which
    /// income source 02's third column is), but a loss is no misprint.
    fn prefer_unbroken(&mut self, solutions: &mut Vec<Vec<u8>>) {
        if !self.doc.maybe_lost {
            return;
        }
        let checks: Vec<usize> = self.checks_at.iter().flatten().copied().collect();
        self.lost_blank = true;
        self.keep_most(solutions, |s| {
            checks.iter().filter(|&&n| s.holds(n)).count()
        });
        self.lost_blank = false;
    }

    /// Keeps, of every solution found, those that print the most of the
    /// figures the prose states where the prose puts them. A stated figure
    /// whose cell a solution leaves blank does not break the identity (the
    /// table may not print it), so the search keeps such a solution; but
    /// where another solution prints it there, that one is the reading the
    /// prose confirms (03's 项目支出 column against 上缴上级支出 beside it
    /// when the header positions allow both).
    fn prefer_stated(&mut self, solutions: &mut Vec<Vec<u8>>) {
        let stated: Vec<usize> = self
            .checks_at
            .iter()
            .flatten()
            .copied()
            .filter(|&n| matches!(self.doc.slots[n].0, Slot::Fact(Some(a)) if !a.is_zero()))
            .collect();
        if stated.is_empty() {
            return;
        }
        self.keep_most(solutions, |s| {
            stated
                .iter()
                .filter(|&&n| {
                    s.doc.slots[n]
                        .1
                        .iter()
                        .any(|&(_, slot)| matches!(s.value(slot), Some(Some(_))))
                        && s.holds(n)
                })
                .count()
        });
    }

    /// Keeps the solutions that score the most under `score`, each scored
    /// with its columns assigned.
    fn keep_most(&mut self, solutions: &mut Vec<Vec<u8>>, score: impl Fn(&Self) -> usize) {
        let scores: Vec<usize> = solutions
            .iter()
            .map(|sol| {
                for (d, &g) in self.vars.iter().enumerate() {
                    self.assign[g] = Some(sol[d]);
                }
                let n = score(self);
                for &g in &self.vars {
                    self.assign[g] = None;
                }
                n
            })
            .collect();
        let most = scores.iter().copied().max().unwrap_or(0);
        let mut score = scores.iter();
        solutions.retain(|_| score.next() == Some(&most));
    }

    /// Whether instance `n` can still hold while some of its parts are not
    /// placed: where no amount is negative, the parts placed so far may not
    /// exceed its total (within the widest rounding allowance the sum of all
    /// its parts could end with, so that no solution is lost).
    fn can_hold(&self, n: usize) -> bool {
        let (total, parts) = &self.doc.slots[n];
        if !self.doc.nonneg || parts.iter().any(|&(sign, _)| sign < 0) {
            return true;
        }
        let Some(total) = self.value(*total) else {
            return true;
        };
        let total = total.map_or(Amount::ZERO, |t| t.0);
        let sum: Amount = parts
            .iter()
            .filter_map(|&(_, slot)| self.value(slot).flatten())
            .map(|(v, _)| v)
            .sum();
        sum - total <= Amount::rounding_allowance(self.doc.min_decimals, parts.len())
    }

    /// Whether instance `n` holds; an instance whose value is not known yet
    /// or whose parts are all blank (a total printed without its breakdown)
    /// holds.
    fn holds(&self, n: usize) -> bool {
        let (total, parts) = &self.doc.slots[n];
        let Some(total) = self.value(*total) else {
            return true;
        };
        let (total, mut decimals) = total.unwrap_or((Amount::ZERO, 6));
        let mut sum = Amount::ZERO;
        let mut terms = 0usize;
        let mut any_part = false;
        for &(sign, slot) in parts {
            let Some(v) = self.value(slot) else {
                return true;
            };
            let Some((v, d)) = v else { continue };
            any_part = true;
            if !v.is_zero() {
                terms += 1;
                decimals = decimals.min(d);
            }
            sum += if sign < 0 { -v } else { v };
        }
        if !any_part {
            return true;
        }
        Amount::sums_to(sum, total, decimals, terms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Text;
    use crate::table::assemble::assemble;
    use crate::table::read::ordered;

    fn flat(table: Table, doc: &str) -> Assembled {
        let t = Text::from_string(doc);
        assemble(TableSpec::of(table), &ordered(&t, 0..t.len()))
    }

    /// Table 02 as flat text (blank cells gone: each row's two parts could
    /// stand in any two of its six part columns), table 01 printing the
    /// income sources its total row holds. Only the column sums tie a
    /// class's parts to the total row's, so a search that waits for every
    /// part of a sum ran out of nodes on six classes and left the columns
    /// to order; no amount being negative, a part under a column whose
    /// total is blank fails at once, and every part is placed by the
    /// identities.
    #[test]
    fn a_part_beyond_its_total_fails_before_the_sum_is_whole() {
        let overview = flat(
            Table::Overview,
            "收入支出决算总表\n项目 决算数 项目 决算数\n\
             一、一般公共预算财政拨款收入 210.00 一、一般公共服务支出 238.50\n\
             二、政府性基金预算财政拨款收入 二、外交支出\n\
             三、国有资本经营预算财政拨款收入 三、国防支出\n\
             四、上级补助收入 四、公共安全支出\n\
             五、事业收入 五、教育支出\n\
             六、经营收入 六、科学技术支出\n\
             七、附属单位上缴收入 七、文化旅游体育与传媒支出\n\
             八、其他收入 28.50 八、社会保障和就业支出\n\
             本年收入合计 238.50 本年支出合计 238.50\n",
        );
        let mut income = String::from(
            "收入决算表\n科目编码 科目名称 本年收入合计 财政拨款收入 上级补助收入 事业收入 \
             经营收入 附属单位上缴收入 其他收入\n合计 238.50 210.00 28.50\n",
        );
        for (k, class) in ["201", "203", "204", "205", "206", "207"]
            .iter()
            .enumerate()
        {
            // Two 项 under one 款: (财政拨款, 其他) each.
            let x = [
                (20.0 + k as f64, 1.5 + k as f64 * 0.5),
                (15.0 - k as f64, 2.0),
            ];
            let (f, o) = (x[0].0 + x[1].0, x[0].1 + x[1].1);
            let row = |code: String, name: &str, f: f64, o: f64| {
                format!("{code} {name} {:.2} {f:.2} {o:.2}\n", f + o)
            };
            income.push_str(&row(class.to_string(), "类", f, o));
            income.push_str(&row(format!("{class}01"), "款", f, o));
            for (j, (f, o)) in x.iter().enumerate() {
                income.push_str(&row(format!("{class}010{}", j + 1), "项", *f, *o));
            }
        }
        let income = flat(Table::Income, &income);
        let mut budget = DOCUMENT_NODES;
        let placed = solve(
            &[overview, income.clone()],
            &Pinned::default(),
            &[],
            &mut budget,
        );
        let columns = TableSpec::of(Table::Income).columns;
        let mut other = 0;
        for (r, rec) in income.records.iter().enumerate() {
            for (k, am) in rec.amounts.iter().enumerate() {
                let p = placed[1][r][k];
                let name = columns[p.column.expect("placed") as usize].name;
                assert_ne!(p.provenance, Provenance::Order, "{} {}", rec.item, am.value);
                if k == 2 {
                    assert_eq!(name, "其他收入", "{:?} {}", rec.code, am.value);
                    other += 1;
                }
            }
        }
        assert_eq!(other, 25);
    }

    /// Table 02 as flat text: each row prints its total, its 财政拨款收入
    /// and one more figure, which could be in any of the five part columns
    /// after 财政拨款收入 (every row prints it in the same one, so no sum
    /// within the table tells which).
    fn income_three_figures() -> Assembled {
        flat(
            Table::Income,
            "收入决算表\n科目编码 科目名称 本年收入合计 财政拨款收入 上级补助收入 事业收入 \
             经营收入 附属单位上缴收入 其他收入\n合计 30.00 28.80 1.20\n\
             201 一般公共服务支出 30.00 28.80 1.20\n\
             20101 人大事务 30.00 28.80 1.20\n",
        )
    }

    /// Table 01's income side as another reading gave it, `lossy` or not:
    /// each figure (row, amount) vouched for or not, the income sources
    /// it does not print blank.
    fn pinned_overview(lossy: bool, figures: &[(&str, &str, bool)]) -> Pinned {
        let mut pinned = Pinned::default();
        pinned.table(Table::Overview, lossy);
        for &(row, amount, vouched) in figures {
            let item = crate::model::LineItem::printed(
                Table::Overview,
                Some(Side::Income),
                None,
                row,
                "决算数",
                amount,
            );
            pinned.figure(&item, vouched);
        }
        pinned
    }

    fn third_figures(income: &Assembled, placed: &Placements) -> Vec<(&'static str, Provenance)> {
        let columns = TableSpec::of(Table::Income).columns;
        income
            .records
            .iter()
            .enumerate()
            .map(|(r, _)| {
                let p = placed[0][r][2];
                (
                    columns[p.column.expect("placed") as usize].name,
                    p.provenance,
                )
            })
            .collect()
    }

    /// Every row's third figure left where reading order put it.
    fn undecided(income: &Assembled, placed: &Placements) -> bool {
        third_figures(income, placed)
            .iter()
            .all(|(_, p)| *p == Provenance::Order)
    }

    #[test]
    fn a_table_another_reading_vouched_for_places_the_columns_it_states() {
        let income = income_three_figures();
        // Alone, nothing says which part column the third figure is in.
        let mut budget = DOCUMENT_NODES;
        let alone = solve(
            std::slice::from_ref(&income),
            &Pinned::default(),
            &[],
            &mut budget,
        );
        assert!(undecided(&income, &alone));
        // Table 01, read elsewhere, vouches for its 其他收入 and prints no
        // other income source: the third figure is 其他收入, by identity.
        let pinned = pinned_overview(
            false,
            &[("其他收入", "1.20", true), ("本年收入合计", "30.00", true)],
        );
        let placed = solve(std::slice::from_ref(&income), &pinned, &[], &mut budget);
        assert_eq!(
            third_figures(&income, &placed),
            vec![("其他收入", Provenance::Identity); 3]
        );
    }

    #[test]
    fn a_pinned_figure_not_vouched_for_decides_nothing() {
        let income = income_three_figures();
        let mut budget = DOCUMENT_NODES;
        // 01's 上级补助收入 and 其他收入 read, neither vouched for: the
        // figure may be in either (the other sources are blank), whatever
        // 上级补助收入 was read as.
        let pinned = pinned_overview(
            false,
            &[
                ("本年收入合计", "30.00", true),
                ("上级补助收入", "5.00", false),
                ("其他收入", "1.20", false),
            ],
        );
        let placed = solve(std::slice::from_ref(&income), &pinned, &[], &mut budget);
        assert!(undecided(&income, &placed));
    }

    /// A table that lost figures: an income source it does not print may
    /// be a figure lost, so no placement breaks an identity over it; but a
    /// blank is the likelier, and the placement under which its blanks
    /// break no identity is kept where there is one.
    #[test]
    fn a_table_that_lost_figures_breaks_no_placement_but_tells_them_apart() {
        let income = income_three_figures();
        let mut budget = DOCUMENT_NODES;
        // Its 其他收入 vouched for: 上级补助收入 would leave it unmatched.
        let pinned = pinned_overview(
            true,
            &[("本年收入合计", "30.00", true), ("其他收入", "1.20", true)],
        );
        let placed = solve(std::slice::from_ref(&income), &pinned, &[], &mut budget);
        assert_eq!(
            third_figures(&income, &placed),
            vec![("其他收入", Provenance::Identity); 3]
        );
        // No income source printed: every placement leaves one of its
        // blanks unmatched alike.
        let pinned = pinned_overview(true, &[("本年收入合计", "30.00", true)]);
        let placed = solve(std::slice::from_ref(&income), &pinned, &[], &mut budget);
        assert!(undecided(&income, &placed));
    }

    /// Table 01 placed beside 02 whose block lost figures (its income
    /// side's figures drawn where no row holds them): its blank 本年收入合计
    /// would break `t01_t02.total` under every placement of 02, which then
    /// left every column to order; as a cell that may be lost it breaks
    /// none, and the prose's 其他收入 places 02's third figure.
    #[test]
    fn a_table_that_lost_figures_leaves_the_others_to_their_identities() {
        let income = income_three_figures();
        let mut overview = flat(
            Table::Overview,
            "收入支出决算总表\n项目 决算数 项目 决算数\n\
             本年收入合计 本年支出合计 30.00\n",
        );
        let facts = [("其他收入", Amount::parse_plain("1.20").expect("amount"))];
        let mut budget = DOCUMENT_NODES;
        let tables = [income.clone(), overview.clone()];
        let placed = solve(&tables, &Pinned::default(), &facts, &mut budget);
        assert!(undecided(&income, &placed));
        overview.lost_figures = true;
        let tables = [income.clone(), overview];
        let placed = solve(&tables, &Pinned::default(), &facts, &mut budget);
        assert_eq!(
            third_figures(&income, &placed),
            vec![("其他收入", Provenance::Identity); 3]
        );
    }

    /// Table 09 as flat text with the vehicle purchase blank beside the
    /// running costs: the two sums hold whichever of the two the lone
    /// figure is in, so only order places it, and a vehicle bought in a
    /// year is the exception: running costs, never verified.
    #[test]
    fn what_only_order_places_goes_to_the_usual_column() {
        let three = flat(
            Table::ThreePublic,
            "财政拨款“三公”经费支出决算表\n财政拨款“三公”经费\n预算数 决算数\n\
             合计 因公出国（境）费 公务用车购置及运行维护费 公务接待费 \
             合计 因公出国（境）费 公务用车购置及运行维护费 公务接待费\n\
             小计 公务用车购置费 公务用车运行维护费 小计 公务用车购置费 公务用车运行维护费\n\
             11.97 8.28 8.28 3.69 10.10 7.12 7.12 2.98\n",
        );
        let mut budget = DOCUMENT_NODES;
        let placed = solve(
            std::slice::from_ref(&three),
            &Pinned::default(),
            &[],
            &mut budget,
        );
        let columns = TableSpec::of(Table::ThreePublic).columns;
        let rec = three
            .records
            .iter()
            .position(|r| !r.amounts.is_empty())
            .expect("a row");
        let got: Vec<(&str, Provenance)> = placed[0][rec]
            .iter()
            .map(|p| {
                (
                    columns[p.column.expect("placed") as usize].leaf(),
                    p.provenance,
                )
            })
            .collect();
        assert_eq!(got[2], ("公务用车运行维护费", Provenance::Order));
        assert_eq!(got[6], ("公务用车运行维护费", Provenance::Order));
        assert_eq!(got[1].0, "小计");
    }

    /// 09 printed with 预算数 and 决算数 side by side under each heading:
    /// the row's columns do not run left to right, so the left-to-right
    /// fill found no room for the amounts only order places and left them
    /// out; each takes a free column of its domain, the usual one first.
    #[test]
    fn a_row_printed_out_of_column_order_still_places_what_order_leaves() {
        let mut cols = [
            Some(0),
            Some(6),
            Some(2),
            Some(8),
            None,
            None,
            Some(5),
            Some(11),
        ];
        let mut doms: [ColumnSet; 8] = cols.map(|c| c.map_or(0, |c| 1 << c));
        doms[4] = 1 << 3 | 1 << 4;
        doms[5] = 1 << 9 | 1 << 10;
        let seldom = TableSpec::of(Table::ThreePublic).seldom_columns(None);
        let forced = fill_row(&mut cols, &doms, 12, seldom);
        assert_eq!((cols[4], cols[5]), (Some(4), Some(10)));
        assert_eq!(forced, [false; 8]);
    }
}
