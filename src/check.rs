//! Stage 4, check: the identities of public accounting, tested on what was
//! extracted, and OCR repair where an identity proves the value.
//!
//! Every identity is "a total equals the signed sum of its parts". They are
//! generated from the structure of the tables (codes, canonical items and
//! columns), never from positions: children sum to their parent (项 → 款 → 类 →
//! 合计), row totals equal the sum of their columns, tables 01 and 04 balance,
//! the same figure printed in two tables agrees, and the prose restates the
//! tables. Check ids are stable and listed in `docs/datasets.md`.
//!
//! Tolerance: half a unit of the last printed digit (at the table's usual
//! number of decimals) times the number of summed terms plus one.
//!
//! Repair is proven only. A value is repaired when a failing identity
//! determines it and nothing else can explain the gap: either the print is
//! visibly damaged (a digit cut off) and the value the identity gives extends
//! the printed digits, or every identity the cell takes part in (at least two)
//! agrees with the new value. When two or more cells could explain a gap,
//! nothing is repaired and the cells are flagged `identity_mismatch`.

use std::collections::{BTreeMap, HashMap, HashSet};

use rustc_hash::FxHashMap;

use crate::amount::Amount;
use crate::model::{Check, CheckStatus, Extracted, Flag, LineItem};
use crate::vocab::{self, FUNCTION_CLASSES, INCOME_SOURCES, Side, THREE_PUBLIC_PARTS, Table};

/// Where a value sits: a table cell or a stated fact.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Operand {
    Cell(CellKey),
    Fact(&'static str),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct CellKey {
    table: Table,
    side: Option<SideKey>,
    /// Subject code, or the canonical item of an uncoded row.
    row: String,
    column: String,
}

/// `Side` with an order, for deterministic maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum SideKey {
    Income,
    Expenditure,
}

impl From<Side> for SideKey {
    fn from(s: Side) -> Self {
        match s {
            Side::Income => SideKey::Income,
            Side::Expenditure => SideKey::Expenditure,
        }
    }
}

fn cell(table: Table, side: Option<Side>, row: &str, column: &str) -> Operand {
    Operand::Cell(CellKey {
        table,
        side: side.map(SideKey::from),
        row: row.to_string(),
        column: column.to_string(),
    })
}

/// total = Σ sign × part.
#[derive(Clone, Debug)]
struct Identity {
    id: String,
    table: Option<Table>,
    subject_code: Option<String>,
    column: Option<String>,
    total: Operand,
    parts: Vec<(i8, Operand)>,
}

/// The values a document's identities are evaluated on.
struct Values<'a> {
    items: &'a mut [LineItem],
    index: FxHashMap<CellKey, usize>,
    facts: HashMap<&'static str, Amount>,
    /// Usual number of decimals per table (the convention of its print).
    decimals: HashMap<Table, u32>,
    tables_with_rows: HashSet<Table>,
}

impl Values<'_> {
    fn value(&self, o: &Operand) -> Option<Amount> {
        match o {
            Operand::Cell(k) => self.index.get(k).map(|&i| self.items[i].amount),
            Operand::Fact(m) => self.facts.get(m).copied(),
        }
    }

    fn present(&self, o: &Operand) -> bool {
        self.value(o).is_some()
    }
}

/// Outcome of one identity on the current values.
struct Eval {
    expected: Amount,
    actual: Amount,
    tolerance: Amount,
}

impl Eval {
    fn passes(&self) -> bool {
        (self.expected - self.actual).abs() <= self.tolerance
    }
}

/// An operand resolved once: which line item or fact holds it. Identities are
/// evaluated many times during repair, so they refer to slots, not keys.
#[derive(Clone, Copy, Debug)]
struct Slot {
    item: Option<usize>,
    fact: Option<Amount>,
    /// Blank stands for zero: a cell of a table that has rows, or a stated fact.
    usable: bool,
    /// The usual number of decimals of the slot's table.
    decimals: u32,
}

/// total = Σ sign × part, over slots.
struct Ident {
    total: usize,
    parts: Vec<(i8, usize)>,
}

impl Ident {
    fn slots(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.total).chain(self.parts.iter().map(|p| p.1))
    }
}

/// The identities of a document over its values, ready to evaluate.
struct Book<'a> {
    items: &'a mut [LineItem],
    slots: Vec<Slot>,
    idents: Vec<Ident>,
    /// Identities each slot takes part in.
    member: Vec<Vec<usize>>,
}

impl Book<'_> {
    fn value(&self, s: usize) -> Option<Amount> {
        let slot = &self.slots[s];
        match slot.item {
            Some(i) => Some(self.items[i].amount),
            None => slot.fact,
        }
    }

    fn present(&self, s: usize) -> bool {
        self.slots[s].item.is_some() || self.slots[s].fact.is_some()
    }

    /// A cell printed with fewer decimals than its table usually prints: a
    /// digit was cut off (OCR), the printed digits are a prefix of the value.
    fn truncated(&self, s: usize) -> Option<(Amount, u32)> {
        let slot = &self.slots[s];
        let it = &self.items[slot.item?];
        (it.decimals < slot.decimals && !it.flags.contains(&Flag::OcrRepaired))
            .then_some((it.amount, it.decimals))
    }

    fn set(&mut self, s: usize, value: Amount) {
        if let Some(i) = self.slots[s].item {
            self.items[i].amount = value;
        }
    }

    fn evaluate(&self, n: usize) -> Option<Eval> {
        let id = &self.idents[n];
        if !id.slots().all(|s| self.slots[s].usable) {
            return None;
        }
        // A total printed without its breakdown (a table that prints totals
        // only) has nothing to be compared with.
        if !id.parts.iter().any(|&(_, p)| self.present(p)) {
            return None;
        }
        let mut expected = Amount::ZERO;
        let mut terms = 0u32;
        let mut decimals = self.slots[id.total].decimals;
        for &(sign, p) in &id.parts {
            if let Some(a) = self.value(p) {
                expected += if sign < 0 { -a } else { a };
                // Printed zeros carry no rounding worth a tolerance.
                if !a.is_zero() {
                    terms += 1;
                }
            }
            decimals = decimals.min(self.slots[p].decimals);
        }
        let actual = self.value(id.total).unwrap_or(Amount::ZERO);
        let tolerance = Amount::rounding_allowance(decimals, terms.max(1) as usize);
        Some(Eval {
            expected,
            actual,
            tolerance,
        })
    }

    fn fails(&self, n: usize) -> bool {
        self.evaluate(n).is_some_and(|e| !e.passes())
    }
}

/// Tests the identities of a document, repairs what they prove, flags what
/// they cannot explain. Returns one check row per identity evaluated.
pub fn run(doc: &mut Extracted) -> Vec<Check> {
    let facts: HashMap<&'static str, Amount> =
        doc.facts.iter().map(|f| (f.metric, f.value)).collect();
    let mut values = Values {
        index: FxHashMap::default(),
        facts,
        decimals: modal_decimals(&doc.line_items),
        tables_with_rows: doc.line_items.iter().map(|i| i.table).collect(),
        items: &mut doc.line_items,
    };
    for (i, it) in values.items.iter().enumerate() {
        let key = CellKey {
            table: it.table,
            side: it.side.map(SideKey::from),
            row: row_key(it),
            column: it.column.clone(),
        };
        values.index.entry(key).or_insert(i);
    }
    let identities = identities(&values);

    // Resolve operands to slots once.
    let mut slot_of: FxHashMap<&Operand, usize> = FxHashMap::default();
    let mut slots: Vec<Slot> = Vec::new();
    let mut idents: Vec<Ident> = Vec::with_capacity(identities.len());
    let resolve = |o: &'_ Operand| -> Slot {
        match o {
            Operand::Cell(k) => Slot {
                item: values.index.get(k).copied(),
                fact: None,
                usable: values.tables_with_rows.contains(&k.table),
                decimals: values.decimals.get(&k.table).copied().unwrap_or(2),
            },
            Operand::Fact(m) => {
                let fact = values.facts.get(m).copied();
                Slot {
                    item: None,
                    fact,
                    usable: fact.is_some(),
                    decimals: 2,
                }
            }
        }
    };
    for id in &identities {
        let mut slot = |o| {
            *slot_of.entry(o).or_insert_with(|| {
                slots.push(resolve(o));
                slots.len() - 1
            })
        };
        let total = slot(&id.total);
        let parts = id.parts.iter().map(|(sgn, p)| (*sgn, slot(p))).collect();
        idents.push(Ident { total, parts });
    }
    let mut member = vec![Vec::new(); slots.len()];
    for (n, id) in idents.iter().enumerate() {
        for s in id.slots() {
            member[s].push(n);
        }
    }
    let mut book = Book {
        items: values.items,
        slots,
        idents,
        member,
    };
    repair(&mut book);

    let mut checks = Vec::new();
    let mut mismatched: HashSet<usize> = HashSet::new();
    // Items some evaluated identity covers; every failing identity unverifies
    // every cell it covers, not only its total.
    let mut covered = vec![false; book.items.len()];
    for (n, id) in identities.iter().enumerate() {
        let Some(e) = book.evaluate(n) else { continue };
        for s in book.idents[n].slots() {
            if let Some(i) = book.slots[s].item {
                covered[i] = true;
            }
        }
        let status = if e.passes() {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        };
        if status == CheckStatus::Fail {
            mismatched.extend(book.idents[n].slots().filter_map(|s| book.slots[s].item));
        }
        checks.push(Check {
            check: id.id.clone(),
            table_code: id.table.map(Table::code),
            subject_code: id.subject_code.clone(),
            column: id.column.clone(),
            expected: e.expected,
            actual: e.actual,
            status,
        });
    }
    for &i in &mismatched {
        book.items[i].add_flag(Flag::IdentityMismatch);
    }
    for (i, it) in book.items.iter_mut().enumerate() {
        it.verified =
            covered[i] && !mismatched.contains(&i) && !it.flags.iter().any(|f| f.is_doubt());
        if !it.verified {
            it.add_flag(Flag::Unverified);
        }
    }
    checks.extend(indicator_checks(doc));
    checks
}

fn row_key(it: &LineItem) -> String {
    it.subject_code.clone().unwrap_or_else(|| it.item.clone())
}

fn modal_decimals(items: &[LineItem]) -> HashMap<Table, u32> {
    let mut counts: BTreeMap<(Table, u32), usize> = BTreeMap::new();
    for it in items {
        *counts.entry((it.table, it.decimals)).or_default() += 1;
    }
    let mut out: HashMap<Table, (u32, usize)> = HashMap::new();
    for ((t, d), n) in counts {
        let e = out.entry(t).or_insert((d, n));
        if n > e.1 || (n == e.1 && d > e.0) {
            *e = (d, n);
        }
    }
    out.into_iter().map(|(t, (d, _))| (t, d)).collect()
}

/// Repairs values that failing identities prove, until nothing changes.
fn repair(b: &mut Book) {
    if !(0..b.idents.len()).any(|n| b.fails(n)) {
        return;
    }
    let cells: Vec<usize> = (0..b.slots.len())
        .filter(|&s| b.slots[s].item.is_some())
        .collect();
    for _round in 0..8 {
        let mut changed = false;
        for &c in &cells {
            if b.truncated(c).is_some() && complete_truncated(b, c) {
                changed = true;
            }
        }
        for n in 0..b.idents.len() {
            if b.fails(n) && repair_clean_print(b, n) {
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// A cell is trusted as printed when its print is whole and no identity it
/// takes part in, other than `except`, fails.
fn verified(b: &Book, s: usize, except: usize) -> bool {
    b.truncated(s).is_none()
        && b.member[s]
            .iter()
            .filter(|&&n| n != except)
            .all(|&n| !b.fails(n))
}

/// The value slot `s` must take for identity `n` to hold exactly.
fn needed(b: &Book, n: usize, s: usize) -> Option<Amount> {
    let e = b.evaluate(n)?;
    let cur = b.value(s)?;
    let gap = e.expected - e.actual;
    let id = &b.idents[n];
    if id.total == s {
        return Some(cur + gap);
    }
    let sign = id.parts.iter().find(|p| p.1 == s)?.0;
    Some(if sign < 0 { cur + gap } else { cur - gap })
}

/// Identities in which every other present cell is trusted: they determine `s`.
fn evidence(b: &Book, s: usize) -> Vec<usize> {
    b.member[s]
        .iter()
        .copied()
        .filter(|&n| b.evaluate(n).is_some())
        .filter(|&n| {
            b.idents[n]
                .slots()
                .filter(|&p| p != s && b.present(p))
                .all(|p| verified(b, p, n))
        })
        .collect()
}

fn mark_repaired(b: &mut Book, s: usize, value: Amount) {
    let Some(i) = b.slots[s].item else { return };
    let usual = b.slots[s].decimals;
    let it = &mut b.items[i];
    tracing::debug!(table = it.table.code(), row = %row_key(it), column = %it.column, from = %it.amount, to = %value, "OCR repair");
    it.amount = value;
    it.decimals = it.decimals.max(usual);
    it.add_flag(Flag::OcrRepaired);
}

/// A print with a digit cut off: its true value extends the printed digits.
/// Among the completions that every determining identity accepts, the one
/// closest to them wins.
fn complete_truncated(b: &mut Book, s: usize) -> bool {
    let Some((printed, dec)) = b.truncated(s) else {
        return false;
    };
    let usual = b.slots[s].decimals;
    if usual <= dec || usual > 6 {
        return false;
    }
    let ev = evidence(b, s);
    if ev.is_empty() {
        return false;
    }
    let step = 10i128.pow(6 - usual);
    let count = 10i128.pow(usual - dec);
    let m = printed.micros();
    let completions =
        (0..count).map(|d| Amount::from_micros(if m >= 0 { m + d * step } else { m - d * step }));
    match best_value(b, &ev, s, completions) {
        Some(value) => {
            mark_repaired(b, s, value);
            true
        }
        None => false,
    }
}

/// Among candidate values for slot `s`, the one with which every identity in
/// `which` holds and whose residuals are smallest, weighting single-term
/// identities (the same figure printed elsewhere) above sums, whose terms carry
/// their own rounding. `None` when no candidate holds or two tie.
fn best_value(
    b: &mut Book,
    which: &[usize],
    s: usize,
    candidates: impl Iterator<Item = Amount>,
) -> Option<Amount> {
    let old = b.value(s)?;
    let mut best: Option<(i128, Amount)> = None;
    let mut tie = false;
    for value in candidates {
        if best.is_some_and(|(_, v)| v == value) {
            continue;
        }
        b.set(s, value);
        let mut score: i128 = 0;
        let mut all = true;
        for &n in which {
            let Some(e) = b.evaluate(n) else { continue };
            if !e.passes() {
                all = false;
                break;
            }
            let weight = if b.idents[n].parts.len() == 1 { 3 } else { 1 };
            // Residual in thousandths of the tolerance.
            score += weight * (e.expected - e.actual).abs().micros() * 1000
                / e.tolerance.micros().max(1);
        }
        if all {
            match best {
                Some((sc, _)) if score > sc => {}
                Some((sc, _)) if score == sc => tie = true,
                _ => {
                    best = Some((score, value));
                    tie = false;
                }
            }
        }
    }
    b.set(s, old);
    match best {
        Some((_, value)) if !tie => Some(value),
        _ => None,
    }
}

/// A whole print that is wrong: the failing identity's other cells are
/// trusted, and exactly one cell of it also fails elsewhere and makes every
/// identity it takes part in hold with the value its identities ask for.
fn repair_clean_print(b: &mut Book, n: usize) -> bool {
    let mut pick: Option<(usize, Amount)> = None;
    let slots: Vec<usize> = b.idents[n].slots().collect();
    for &s in &slots {
        if !b.present(s) || b.truncated(s).is_some() || b.slots[s].item.is_none() {
            continue;
        }
        let others_trusted = slots
            .iter()
            .filter(|&&p| p != s && b.present(p))
            .all(|&p| verified(b, p, n));
        if !others_trusted {
            continue;
        }
        let mine = b.member[s].clone();
        if !mine.iter().any(|&m| m != n && b.fails(m)) {
            continue;
        }
        let cur_nonneg = b.value(s).is_some_and(|c| c.micros() >= 0);
        let asked: Vec<Amount> = mine
            .iter()
            .filter_map(|&m| needed(b, m, s))
            .filter(|a| !(cur_nonneg && a.micros() < 0))
            .collect();
        if let Some(value) = best_value(b, &mine, s, asked.into_iter()) {
            if pick.is_some() {
                return false;
            }
            pick = Some((s, value));
        }
    }
    match pick {
        Some((s, value)) => {
            mark_repaired(b, s, value);
            true
        }
        None => false,
    }
}

/// Builds every identity that applies to the document's tables and facts.
fn identities(v: &Values) -> Vec<Identity> {
    let mut out = Vec::new();
    let codes = codes_by_table(v);
    for t in [
        Table::Income,
        Table::Expenditure,
        Table::GeneralBudgetExpenditure,
        Table::GovernmentFund,
        Table::StateCapital,
    ] {
        if !v.tables_with_rows.contains(&t) {
            continue;
        }
        let list = codes.get(&t).cloned().unwrap_or_default();
        for col in t.columns() {
            children_sums(&mut out, t, &list, col, true);
        }
        row_totals(&mut out, t, &list);
    }
    if v.tables_with_rows.contains(&Table::GeneralBudgetBasic) {
        let list = codes
            .get(&Table::GeneralBudgetBasic)
            .cloned()
            .unwrap_or_default();
        children_sums(&mut out, Table::GeneralBudgetBasic, &list, "决算数", false);
        economic_totals(&mut out, &list);
    }
    if v.tables_with_rows.contains(&Table::Overview) {
        overview(&mut out);
    }
    if v.tables_with_rows.contains(&Table::FiscalOverview) {
        fiscal_overview(&mut out);
    }
    if v.tables_with_rows.contains(&Table::ThreePublic) {
        three_public(&mut out);
    }
    across_tables(&mut out, v, &codes);
    facts_vs_tables(&mut out, v);
    out
}

fn codes_by_table(v: &Values) -> HashMap<Table, Vec<String>> {
    let mut m: HashMap<Table, Vec<String>> = HashMap::new();
    for it in v.items.iter() {
        if let Some(c) = &it.subject_code {
            let e = m.entry(it.table).or_default();
            if !e.contains(c) {
                e.push(c.clone());
            }
        }
    }
    for list in m.values_mut() {
        list.sort();
    }
    m
}

fn id_name(t: &Table, what: &str) -> String {
    format!("t{}.{what}", t.code())
}

/// Children sum to their parent (款 → 类, 项 → 款), and 类 rows to 合计.
fn children_sums(out: &mut Vec<Identity>, t: Table, codes: &[String], col: &str, with_total: bool) {
    for parent in codes {
        let children: Vec<&String> = codes
            .iter()
            .filter(|c| c.len() == parent.len() + 2 && c.starts_with(parent.as_str()))
            .collect();
        if children.is_empty() {
            continue;
        }
        out.push(Identity {
            id: id_name(&t, "children_sum"),
            table: Some(t),
            subject_code: Some(parent.clone()),
            column: Some(col.to_string()),
            total: cell(t, None, parent, col),
            parts: children
                .iter()
                .map(|c| (1, cell(t, None, c, col)))
                .collect(),
        });
    }
    let classes: Vec<&String> = codes.iter().filter(|c| c.len() == 3).collect();
    if with_total && !classes.is_empty() {
        out.push(Identity {
            id: id_name(&t, "total_sum"),
            table: Some(t),
            subject_code: None,
            column: Some(col.to_string()),
            total: cell(t, None, "合计", col),
            parts: classes.iter().map(|c| (1, cell(t, None, c, col))).collect(),
        });
    }
}

/// Row totals: 本年收入合计 = sum of sources, 本年支出合计 = 基本 + 项目 + …,
/// 小计 = 基本 + 项目, and 07's balance of carry-overs.
fn row_totals(out: &mut Vec<Identity>, t: Table, codes: &[String]) {
    let cols = t.columns();
    let rows = std::iter::once("合计".to_string()).chain(codes.iter().cloned());
    for r in rows {
        let code = (r != "合计").then(|| r.clone());
        let mut push = |id: &str, total: &str, parts: Vec<(i8, &str)>| {
            out.push(Identity {
                id: id_name(&t, id),
                table: Some(t),
                subject_code: code.clone(),
                column: Some(total.to_string()),
                total: cell(t, None, &r, total),
                parts: parts
                    .into_iter()
                    .map(|(s, c)| (s, cell(t, None, &r, c)))
                    .collect(),
            });
        };
        match t {
            Table::Income | Table::Expenditure => push(
                "row_total",
                cols[0],
                cols[1..].iter().map(|c| (1, *c)).collect(),
            ),
            Table::GeneralBudgetExpenditure | Table::StateCapital => {
                push("row_total", "小计", vec![(1, "基本支出"), (1, "项目支出")])
            }
            Table::GovernmentFund => {
                push(
                    "row_total",
                    "本年支出/小计",
                    vec![(1, "本年支出/基本支出"), (1, "本年支出/项目支出")],
                );
                push(
                    "carry_over",
                    "年末结转和结余",
                    vec![
                        (1, "年初结转和结余"),
                        (1, "本年收入"),
                        (-1, "本年支出/小计"),
                    ],
                );
            }
            _ => {}
        }
    }
}

/// Table 06: 人员经费合计 = 301 + 303; 公用经费合计 = the other classes.
fn economic_totals(out: &mut Vec<Identity>, codes: &[String]) {
    let t = Table::GeneralBudgetBasic;
    let classes: Vec<&String> = codes.iter().filter(|c| c.len() == 3).collect();
    let personnel: Vec<&String> = classes
        .iter()
        .copied()
        .filter(|c| vocab::is_personnel_class(c))
        .collect();
    let public: Vec<&String> = classes
        .iter()
        .copied()
        .filter(|c| !vocab::is_personnel_class(c))
        .collect();
    for (id, total, parts) in [
        ("personnel_total", "人员经费合计", personnel),
        ("public_total", "公用经费合计", public),
    ] {
        if parts.is_empty() {
            continue;
        }
        out.push(Identity {
            id: id_name(&t, id),
            table: Some(t),
            subject_code: None,
            column: Some("决算数".into()),
            total: cell(t, None, total, "决算数"),
            parts: parts
                .iter()
                .map(|c| (1, cell(t, None, c, "决算数")))
                .collect(),
        });
    }
}

fn simple(id: String, t: Table, col: &str, total: Operand, parts: Vec<(i8, Operand)>) -> Identity {
    Identity {
        id,
        table: Some(t),
        subject_code: None,
        column: Some(col.to_string()),
        total,
        parts,
    }
}

/// Table 01: totals of each side and the balance.
fn overview(out: &mut Vec<Identity>) {
    let t = Table::Overview;
    let inc = |r: &str| cell(t, Some(Side::Income), r, "决算数");
    let exp = |r: &str| cell(t, Some(Side::Expenditure), r, "决算数");
    let plus = |ops: Vec<Operand>| ops.into_iter().map(|o| (1, o)).collect::<Vec<_>>();
    let identities = [
        (
            "income_total",
            inc("本年收入合计"),
            plus(INCOME_SOURCES.iter().map(|s| inc(s)).collect()),
        ),
        (
            "expenditure_total",
            exp("本年支出合计"),
            plus(FUNCTION_CLASSES.iter().map(|(_, n)| exp(n)).collect()),
        ),
        (
            "income_grand_total",
            inc("总计"),
            plus(vec![
                inc("本年收入合计"),
                inc("使用非财政拨款结余"),
                inc("年初结转和结余"),
            ]),
        ),
        (
            "expenditure_grand_total",
            exp("总计"),
            plus(vec![
                exp("本年支出合计"),
                exp("结余分配"),
                exp("年末结转和结余"),
            ]),
        ),
        ("balance", inc("总计"), plus(vec![exp("总计")])),
    ];
    for (name, total, parts) in identities {
        out.push(simple(id_name(&t, name), t, "决算数", total, parts));
    }
}

const FUNDS: [&str; 3] = [
    "一般公共预算财政拨款",
    "政府性基金预算财政拨款",
    "国有资本经营预算财政拨款",
];

/// Table 04: income totals, carry-over rows, per-column sums of the
/// expenditure side, per-row sums of its funds, and the balance.
fn fiscal_overview(out: &mut Vec<Identity>) {
    let t = Table::FiscalOverview;
    let inc = |r: &str| cell(t, Some(Side::Income), r, "决算数");
    let exp = |r: &str, c: &str| cell(t, Some(Side::Expenditure), r, c);
    out.push(simple(
        id_name(&t, "income_total"),
        t,
        "决算数",
        inc("本年收入合计"),
        FUNDS.iter().map(|f| (1, inc(f))).collect(),
    ));
    let sub = |f: &str| format!("年初财政拨款结转和结余/{f}");
    out.push(simple(
        id_name(&t, "carry_over"),
        t,
        "决算数",
        inc("年初财政拨款结转和结余"),
        FUNDS.iter().map(|f| (1, inc(&sub(f)))).collect(),
    ));
    out.push(simple(
        id_name(&t, "income_grand_total"),
        t,
        "决算数",
        inc("总计"),
        std::iter::once((1, inc("本年收入合计")))
            .chain(FUNDS.iter().map(|f| (1, inc(&sub(f)))))
            .collect(),
    ));
    // The same total over the carry-over's printed parent row: templates
    // that leave its three sub-rows blank still print the parent.
    out.push(simple(
        id_name(&t, "income_grand_total"),
        t,
        "决算数",
        inc("总计"),
        vec![(1, inc("本年收入合计")), (1, inc("年初财政拨款结转和结余"))],
    ));
    for col in Table::FiscalOverview.columns() {
        out.push(simple(
            id_name(&t, "expenditure_total"),
            t,
            col,
            exp("本年支出合计", col),
            FUNCTION_CLASSES
                .iter()
                .map(|(_, n)| (1, exp(n, col)))
                .collect(),
        ));
        out.push(simple(
            id_name(&t, "expenditure_grand_total"),
            t,
            col,
            exp("总计", col),
            vec![
                (1, exp("本年支出合计", col)),
                (1, exp("年末财政拨款结转和结余", col)),
            ],
        ));
    }
    let rows = FUNCTION_CLASSES.iter().map(|(_, n)| *n).chain([
        "本年支出合计",
        "年末财政拨款结转和结余",
        "总计",
    ]);
    for r in rows {
        let mut id = simple(
            id_name(&t, "row_total"),
            t,
            "小计",
            exp(r, "小计"),
            FUNDS.iter().map(|f| (1, exp(r, f))).collect(),
        );
        id.subject_code = FUNCTION_CLASSES
            .iter()
            .find(|(_, n)| *n == r)
            .map(|(c, _)| c.to_string());
        out.push(id);
    }
    out.push(simple(
        id_name(&t, "balance"),
        t,
        "决算数",
        inc("总计"),
        vec![(1, exp("总计", "小计"))],
    ));
}

/// Table 09: 合计 = 出国 + 车 + 接待; 车小计 = 购置 + 运行; for 预算数 and 决算数.
fn three_public(out: &mut Vec<Identity>) {
    let t = Table::ThreePublic;
    for half in ["预算数", "决算数"] {
        let c = |p: &str| cell(t, None, "三公经费", &format!("{half}/{p}"));
        let [total, abroad, car, purchase, running, reception] = THREE_PUBLIC_PARTS;
        out.push(simple(
            id_name(&t, "row_total"),
            t,
            &format!("{half}/{total}"),
            c(total),
            vec![(1, c(abroad)), (1, c(car)), (1, c(reception))],
        ));
        out.push(simple(
            id_name(&t, "vehicle_total"),
            t,
            &format!("{half}/{car}"),
            c(car),
            vec![(1, c(purchase)), (1, c(running))],
        ));
    }
}

/// The same figure printed in two tables.
fn across_tables(out: &mut Vec<Identity>, v: &Values, codes: &HashMap<Table, Vec<String>>) {
    let has = |t: Table| v.tables_with_rows.contains(&t);
    let o = |r: &str, side| cell(Table::Overview, Some(side), r, "决算数");
    let fo = |r: &str, side, c: &str| cell(Table::FiscalOverview, Some(side), r, c);
    let coded = |t: Table, r: &str, c: &str| cell(t, None, r, c);
    if has(Table::Overview) && has(Table::Income) {
        out.push(simple(
            "t01_t02.total".into(),
            Table::Overview,
            "本年收入合计",
            o("本年收入合计", Side::Income),
            vec![(1, coded(Table::Income, "合计", "本年收入合计"))],
        ));
        out.push(simple(
            "t01_t02.财政拨款收入".into(),
            Table::Overview,
            "财政拨款收入",
            coded(Table::Income, "合计", "财政拨款收入"),
            [
                "一般公共预算财政拨款收入",
                "政府性基金预算财政拨款收入",
                "国有资本经营预算财政拨款收入",
            ]
            .iter()
            .map(|s| (1, o(s, Side::Income)))
            .collect(),
        ));
        for src in [
            "上级补助收入",
            "事业收入",
            "经营收入",
            "附属单位上缴收入",
            "其他收入",
        ] {
            out.push(simple(
                format!("t01_t02.{src}"),
                Table::Overview,
                src,
                o(src, Side::Income),
                vec![(1, coded(Table::Income, "合计", src))],
            ));
        }
    }
    if has(Table::Overview) && has(Table::Expenditure) {
        out.push(simple(
            "t01_t03.total".into(),
            Table::Overview,
            "本年支出合计",
            o("本年支出合计", Side::Expenditure),
            vec![(1, coded(Table::Expenditure, "合计", "本年支出合计"))],
        ));
        for (code, name) in FUNCTION_CLASSES {
            if codes
                .get(&Table::Expenditure)
                .is_some_and(|l| l.iter().any(|c| c == code))
                || v.present(&o(name, Side::Expenditure))
            {
                let mut id = simple(
                    "t01_t03.class".into(),
                    Table::Overview,
                    "本年支出合计",
                    o(name, Side::Expenditure),
                    vec![(1, coded(Table::Expenditure, code, "本年支出合计"))],
                );
                id.subject_code = Some(code.to_string());
                out.push(id);
            }
        }
    }
    if has(Table::Overview) && has(Table::FiscalOverview) {
        for (f, src) in FUNDS.iter().zip([
            "一般公共预算财政拨款收入",
            "政府性基金预算财政拨款收入",
            "国有资本经营预算财政拨款收入",
        ]) {
            out.push(simple(
                format!("t01_t04.{f}"),
                Table::Overview,
                "决算数",
                o(src, Side::Income),
                vec![(1, fo(f, Side::Income, "决算数"))],
            ));
        }
    }
    if has(Table::FiscalOverview) && has(Table::GeneralBudgetExpenditure) {
        let g = "一般公共预算财政拨款";
        out.push(simple(
            "t04_t05.total".into(),
            Table::FiscalOverview,
            g,
            fo("本年支出合计", Side::Expenditure, g),
            vec![(1, coded(Table::GeneralBudgetExpenditure, "合计", "小计"))],
        ));
        for (code, name) in FUNCTION_CLASSES {
            if codes
                .get(&Table::GeneralBudgetExpenditure)
                .is_some_and(|l| l.iter().any(|c| c == code))
                || v.present(&fo(name, Side::Expenditure, g))
            {
                let mut id = simple(
                    "t04_t05.class".into(),
                    Table::FiscalOverview,
                    g,
                    fo(name, Side::Expenditure, g),
                    vec![(1, coded(Table::GeneralBudgetExpenditure, code, "小计"))],
                );
                id.subject_code = Some(code.to_string());
                out.push(id);
            }
        }
    }
    if has(Table::FiscalOverview) && has(Table::GovernmentFund) {
        let f = "政府性基金预算财政拨款";
        out.push(simple(
            "t04_t07.total".into(),
            Table::FiscalOverview,
            f,
            fo("本年支出合计", Side::Expenditure, f),
            vec![(1, coded(Table::GovernmentFund, "合计", "本年支出/小计"))],
        ));
    }
    if has(Table::FiscalOverview) && has(Table::StateCapital) {
        let f = "国有资本经营预算财政拨款";
        out.push(simple(
            "t04_t08.total".into(),
            Table::FiscalOverview,
            f,
            fo("本年支出合计", Side::Expenditure, f),
            vec![(1, coded(Table::StateCapital, "合计", "小计"))],
        ));
    }
    if has(Table::GeneralBudgetExpenditure) && has(Table::GeneralBudgetBasic) {
        out.push(simple(
            "t05_t06.basic".into(),
            Table::GeneralBudgetExpenditure,
            "基本支出",
            coded(Table::GeneralBudgetExpenditure, "合计", "基本支出"),
            vec![
                (
                    1,
                    coded(Table::GeneralBudgetBasic, "人员经费合计", "决算数"),
                ),
                (
                    1,
                    coded(Table::GeneralBudgetBasic, "公用经费合计", "决算数"),
                ),
            ],
        ));
    }
}

/// Each metric of the prose against the table that holds the same figure.
fn facts_vs_tables(out: &mut Vec<Identity>, v: &Values) {
    let inc = |r: &str| cell(Table::Overview, Some(Side::Income), r, "决算数");
    let exp = |r: &str| cell(Table::Overview, Some(Side::Expenditure), r, "决算数");
    let c = |t: Table, r: &str, col: &str| cell(t, None, r, col);
    let tp = |p: &str| c(Table::ThreePublic, "三公经费", p);
    let pairs: Vec<(&'static str, Operand)> = vec![
        ("收支总计", inc("总计")),
        ("收入合计", inc("本年收入合计")),
        ("支出合计", exp("本年支出合计")),
        ("财政拨款收入", c(Table::Income, "合计", "财政拨款收入")),
        ("其他收入", c(Table::Income, "合计", "其他收入")),
        ("基本支出", c(Table::Expenditure, "合计", "基本支出")),
        ("项目支出", c(Table::Expenditure, "合计", "项目支出")),
        (
            "财政拨款收支总计",
            cell(Table::FiscalOverview, Some(Side::Income), "总计", "决算数"),
        ),
        (
            "一般公共预算财政拨款支出",
            c(Table::GeneralBudgetExpenditure, "合计", "小计"),
        ),
        (
            "人员经费",
            c(Table::GeneralBudgetBasic, "人员经费合计", "决算数"),
        ),
        (
            "公用经费",
            c(Table::GeneralBudgetBasic, "公用经费合计", "决算数"),
        ),
        ("三公经费预算", tp("预算数/合计")),
        ("三公经费决算", tp("决算数/合计")),
        ("因公出国(境)费决算", tp("决算数/因公出国(境)费")),
        (
            "公务用车购置及运行费决算",
            tp("决算数/公务用车购置及运行维护费/小计"),
        ),
        ("公务接待费决算", tp("决算数/公务接待费")),
    ];
    for (metric, o) in pairs {
        let Operand::Cell(k) = &o else { continue };
        if !v.facts.contains_key(metric) || !v.tables_with_rows.contains(&k.table) {
            continue;
        }
        out.push(Identity {
            id: format!("fact_vs_table.{metric}"),
            table: Some(k.table),
            subject_code: None,
            column: Some(k.column.clone()),
            total: Operand::Fact(metric),
            parts: vec![(1, o)],
        });
    }
}

/// Self-evaluation tables: 总分 = the sum of scores (plus the budget-execution
/// score where the table counts it), and no score above its weight.
fn indicator_checks(doc: &Extracted) -> Vec<Check> {
    let mut out = Vec::new();
    for ev in &doc.evaluations {
        let Some(total) = ev.total_score else {
            continue;
        };
        let inds = doc.indicators.get(ev.indicators.clone()).unwrap_or(&[]);
        let scores: Vec<Amount> = inds.iter().filter_map(|i| i.score).collect();
        if scores.is_empty() {
            continue;
        }
        let sum: Amount = scores.iter().copied().sum();
        let tol = Amount::rounding_allowance(2, scores.len() + 1);
        let with_exec = ev.execution_score.map(|e| sum + e);
        // The execution score counts when the table's points add up with it.
        let expected = match with_exec {
            Some(w) if (w - total).abs() <= (sum - total).abs() => w,
            _ => sum,
        };
        out.push(Check {
            check: "indicators.total_score".into(),
            table_code: None,
            subject_code: None,
            column: ev.project.clone(),
            expected,
            actual: total,
            status: if (expected - total).abs() <= tol {
                CheckStatus::Pass
            } else {
                CheckStatus::Fail
            },
        });
    }
    for i in &doc.indicators {
        if let (Some(w), Some(s)) = (i.weight, i.score)
            && s > w
        {
            out.push(Check {
                check: "indicators.score_within_weight".into(),
                table_code: None,
                subject_code: None,
                column: Some(i.name.clone()),
                expected: w,
                actual: s,
                status: CheckStatus::Fail,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(
        t: Table,
        side: Option<Side>,
        code: Option<&str>,
        label: &str,
        col: &str,
        amount: &str,
    ) -> LineItem {
        let decimals = amount
            .split_once('.')
            .map(|(_, f)| f.len() as u32)
            .unwrap_or(0);
        LineItem {
            table: t,
            side,
            subject_code: code.map(str::to_string),
            item: label.to_string(),
            line_no: None,
            column: col.to_string(),
            amount: Amount::parse_plain(amount).unwrap(),
            decimals,
            raw: amount.to_string(),
            source_line: 1,
            page: None,
            flags: vec![],
            verified: false,
        }
    }

    /// A clean, consistent 支出决算表 of an imaginary department: one class
    /// with two 款, one of which has two 项.
    fn clean_expenditure() -> Vec<LineItem> {
        let t = Table::Expenditure;
        let rows: &[(Option<&str>, &str, [&str; 3])] = &[
            (None, "合计", ["120.50", "80.25", "40.25"]),
            (Some("213"), "农林水支出", ["120.50", "80.25", "40.25"]),
            (Some("21301"), "农业农村", ["100.00", "70.00", "30.00"]),
            (Some("2130101"), "行政运行", ["70.00", "70.00", "0.00"]),
            (Some("2130104"), "事业运行", ["30.00", "0.00", "30.00"]),
            (Some("21399"), "其他农林水支出", ["20.50", "10.25", "10.25"]),
        ];
        let mut v = Vec::new();
        for (code, label, vals) in rows {
            for (col, a) in ["本年支出合计", "基本支出", "项目支出"].iter().zip(vals)
            {
                v.push(item(t, None, *code, label, col, a));
            }
        }
        v
    }

    fn failing(checks: &[Check]) -> Vec<String> {
        let mut f: Vec<String> = checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .map(|c| {
                format!(
                    "{}:{}:{}",
                    c.check,
                    c.subject_code.clone().unwrap_or_default(),
                    c.column.clone().unwrap_or_default()
                )
            })
            .collect();
        f.sort();
        f
    }

    #[test]
    fn a_clean_table_passes_everything() {
        let mut doc = Extracted {
            line_items: clean_expenditure(),
            ..Default::default()
        };
        let checks = run(&mut doc);
        assert!(checks.len() >= 10, "{checks:?}");
        assert_eq!(failing(&checks), Vec::<String>::new());
        assert!(doc.line_items.iter().all(|i| i.flags.is_empty()));
    }

    #[test]
    fn an_injected_digit_error_fails_exactly_its_identities_and_is_repaired_when_proven() {
        // 2130101 基本支出 70.00 → 79.00: the row total and the 款 column sum
        // both fail, and both agree on 70.00: a proven repair.
        let mut items = clean_expenditure();
        let k = items
            .iter()
            .position(|i| i.subject_code.as_deref() == Some("2130101") && i.column == "基本支出")
            .unwrap();
        items[k].amount = Amount::parse_plain("79.00").unwrap();
        let mut doc = Extracted {
            line_items: items.clone(),
            ..Default::default()
        };
        let checks = run(&mut doc);
        assert_eq!(
            failing(&checks),
            Vec::<String>::new(),
            "repaired, so everything passes"
        );
        assert_eq!(doc.line_items[k].amount.to_string(), "70");
        assert_eq!(doc.line_items[k].flags, vec![Flag::OcrRepaired]);
        assert!(
            doc.line_items
                .iter()
                .enumerate()
                .all(|(i, it)| i == k || it.flags.is_empty())
        );
    }

    #[test]
    fn a_cell_in_two_identities_is_repaired_one_in_a_single_identity_is_flagged() {
        // 21399 has no children: it sits in its row total and in the class sum.
        // Both fail and both agree on 10.25: proven, repaired.
        let mut items = clean_expenditure();
        for it in items.iter_mut() {
            if it.subject_code.as_deref() == Some("21399") && it.column == "项目支出" {
                it.amount = Amount::parse_plain("16.25").unwrap();
            }
        }
        let mut doc = Extracted {
            line_items: items,
            ..Default::default()
        };
        let checks = run(&mut doc);
        let fixed = doc
            .line_items
            .iter()
            .find(|i| i.subject_code.as_deref() == Some("21399") && i.column == "项目支出")
            .unwrap();
        assert_eq!(fixed.amount.to_string(), "10.25");
        assert_eq!(failing(&checks), Vec::<String>::new());

        // With one column printed, a 项 sits in a single identity (its 款's sum):
        // the 款 or either 项 could explain the gap. Flagged, not repaired.
        let mut items = clean_expenditure();
        items.retain(|i| i.column == "本年支出合计");
        for it in items.iter_mut() {
            if it.subject_code.as_deref() == Some("2130104") {
                it.amount = Amount::parse_plain("31.00").unwrap();
            }
        }
        let mut doc = Extracted {
            line_items: items,
            ..Default::default()
        };
        let checks = run(&mut doc);
        assert_eq!(
            failing(&checks),
            vec!["t03.children_sum:21301:本年支出合计"]
        );
        let flagged: Vec<&str> = doc
            .line_items
            .iter()
            .filter(|i| i.flags.contains(&Flag::IdentityMismatch))
            .map(|i| i.subject_code.as_deref().unwrap())
            .collect();
        assert_eq!(flagged, vec!["21301", "2130101", "2130104"]);
        assert!(
            doc.line_items
                .iter()
                .all(|i| !i.flags.contains(&Flag::OcrRepaired))
        );
    }

    #[test]
    fn a_truncated_print_is_completed_from_its_identity() {
        // "40.2" printed for 40.25 (a digit cut off by OCR).
        let mut items = clean_expenditure();
        let k = items
            .iter()
            .position(|i| i.item == "合计" && i.column == "项目支出")
            .unwrap();
        items[k].amount = Amount::parse_plain("40.2").unwrap();
        items[k].decimals = 1;
        let mut doc = Extracted {
            line_items: items,
            ..Default::default()
        };
        let checks = run(&mut doc);
        assert_eq!(doc.line_items[k].amount.to_string(), "40.25");
        assert!(doc.line_items[k].flags.contains(&Flag::OcrRepaired));
        assert_eq!(failing(&checks), Vec::<String>::new());
    }

    #[test]
    fn tolerance_allows_printed_rounding() {
        // Three terms rounded to cents may be off by 0.01 from their total.
        let t = Table::Expenditure;
        let mut doc = Extracted {
            line_items: vec![
                item(t, None, None, "合计", "本年支出合计", "10.01"),
                item(
                    t,
                    None,
                    Some("201"),
                    "一般公共服务支出",
                    "本年支出合计",
                    "3.33",
                ),
                item(t, None, Some("205"), "教育支出", "本年支出合计", "3.33"),
                item(t, None, Some("206"), "科学技术支出", "本年支出合计", "3.34"),
            ],
            ..Default::default()
        };
        let checks = run(&mut doc);
        assert_eq!(failing(&checks), Vec::<String>::new());
    }
}
