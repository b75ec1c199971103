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

use rustc_hash::{FxHashMap, FxHashSet};

use crate::amount::Amount;
use crate::model::{Check, CheckStatus, Extracted, Flag, LineItem};
use crate::table::identity::{CellKey, Operand, Present, instantiate};
use crate::table::spec::TableSpec;
use crate::vocab::{Side, Table};

/// The values a document's identities are evaluated on.
struct Values<'a> {
    items: &'a mut [LineItem],
    index: FxHashMap<CellKey, usize>,
    facts: HashMap<&'static str, Amount>,
    /// Usual number of decimals per table (the convention of its print).
    decimals: HashMap<Table, u32>,
    tables_with_rows: HashSet<Table>,
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
    /// A cell of a table that lost printed figures: blank here, it may be
    /// one of them rather than a zero.
    lossy: bool,
}

/// total = Σ sign × part, over slots.
struct Ident {
    total: usize,
    parts: Vec<(i8, usize)>,
    blank_parts_are_zero: bool,
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
        if !id.blank_parts_are_zero && !id.parts.iter().any(|&(_, p)| self.present(p)) {
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

/// The items a failing identity `n` puts in doubt: those only reading
/// order placed where it also holds items printed at their place (a table
/// whose rows a stream's order dealt out contradicts the others by its
/// own misreading as likely as by theirs, and theirs were read where they
/// stand), else all of its items.
fn blamed_items(book: &Book, n: usize) -> Vec<usize> {
    let items: Vec<usize> = book.idents[n]
        .slots()
        .filter_map(|s| book.slots[s].item)
        .collect();
    let by_order: Vec<usize> = items
        .iter()
        .copied()
        .filter(|&i| book.items[i].flags.contains(&Flag::PlacedByOrder))
        .collect();
    if by_order.is_empty() || by_order.len() == items.len() {
        items
    } else {
        by_order
    }
}

/// What a document printed beyond the line items read from it: known to the
/// document's final checks, not to the comparison of two readings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Printed<'a> {
    /// Tables found with their header and no figure: the prose is checked
    /// against them as zeros.
    pub empty_tables: &'a [Table],
    /// A code's 款 and 类 rows are printed above it (the standard tables'
    /// hierarchy): a parent the reading lacks is a row lost, and its
    /// children's sum fails against a blank.
    pub full_hierarchy: bool,
    /// Tables that lost printed figures (more figures printed in their block
    /// than read): a cell of theirs the reading lacks may be a lost figure,
    /// not a blank, so an identity that holds only by reading it as zero
    /// proves nothing.
    pub lossy_tables: &'a [Table],
    /// The document's final checks, which vouch for rows: a sum that holds
    /// over a cell a failing identity between table cells contradicts
    /// vouches for none of its cells. Comparing readings, such a sum still tells a
    /// consistent reading from one that is not.
    pub vouching: bool,
}

/// Tests the identities of a document, repairs what they prove, flags what
/// they cannot explain. Returns one check row per identity evaluated.
pub fn run(doc: &mut Extracted, printed: &Printed) -> Vec<Check> {
    let printed_empty = printed.empty_tables;
    let facts: HashMap<&'static str, Amount> =
        doc.facts.iter().map(|f| (f.metric, f.value)).collect();
    let mut values = Values {
        index: FxHashMap::default(),
        facts,
        decimals: modal_decimals(&doc.line_items),
        tables_with_rows: doc.line_items.iter().map(|i| i.table).collect(),
        items: &mut doc.line_items,
    };
    let mut present = Present::default();
    for (i, it) in values.items.iter().enumerate() {
        present.row(it.table, it.side, it.subject_code.as_deref(), &it.item);
        let Some(column) = canonical_column(it) else {
            continue;
        };
        let key = CellKey {
            table: it.table,
            side: it.side,
            row: row_key(it),
            column,
        };
        values.index.entry(key).or_insert(i);
    }
    for m in values.facts.keys() {
        present.fact(m);
    }
    let printed_empty: HashSet<Table> = printed_empty
        .iter()
        .copied()
        .filter(|t| !values.tables_with_rows.contains(t))
        .collect();
    for &t in &printed_empty {
        present.printed_empty(t);
    }
    if printed.full_hierarchy {
        present.full_hierarchy();
    }
    let identities = instantiate(&present);

    // Resolve operands to slots once.
    let mut slot_of: FxHashMap<&Operand, usize> = FxHashMap::default();
    let mut slots: Vec<Slot> = Vec::new();
    let mut idents: Vec<Ident> = Vec::with_capacity(identities.len());
    let resolve = |o: &'_ Operand| -> Slot {
        match o {
            Operand::Cell(k) if printed_empty.contains(&k.table) => Slot {
                item: None,
                fact: Some(Amount::ZERO),
                usable: true,
                decimals: 2,
                lossy: false,
            },
            Operand::Cell(k) => Slot {
                item: values.index.get(k).copied(),
                fact: None,
                usable: values.tables_with_rows.contains(&k.table),
                decimals: values.decimals.get(&k.table).copied().unwrap_or(2),
                lossy: printed.lossy_tables.contains(&k.table),
            },
            Operand::Fact(m) => {
                let fact = values.facts.get(m).copied();
                Slot {
                    item: None,
                    fact,
                    usable: fact.is_some(),
                    decimals: 2,
                    lossy: false,
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
        idents.push(Ident {
            total,
            parts,
            blank_parts_are_zero: id.blank_parts_are_zero,
        });
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
    let mut covering: Vec<usize> = Vec::new();
    // Cells a failing identity between table cells takes part in.
    let mut doubted = vec![false; book.items.len()];
    // A blank read as zero that a failing identity takes part in: the
    // failure says the blank may not be zero (a 小计 lost while its parts
    // were read), so sums that hold by reading it as zero prove nothing.
    let evals: Vec<Option<Eval>> = (0..identities.len()).map(|n| book.evaluate(n)).collect();
    let contradicted: HashSet<usize> = evals
        .iter()
        .enumerate()
        .filter(|(_, e)| e.as_ref().is_some_and(|e| !e.passes()))
        .flat_map(|(n, _)| book.idents[n].slots())
        .filter(|&s| !book.present(s))
        .collect();
    // Named total rows lost: a sum that holds by reading one as zero
    // proves nothing.
    let lost_total = lost_totals(&book, &identities, &slot_of);
    for (n, (id, e)) in identities.iter().zip(evals).enumerate() {
        let Some(e) = e else { continue };
        let leans_on_a_loss = book.idents[n].slots().any(|s| {
            !book.present(s) && (book.slots[s].lossy || contradicted.contains(&s) || lost_total[s])
        });
        if !leans_on_a_loss {
            covering.push(n);
        }
        let status = if e.passes() {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        };
        if status == CheckStatus::Fail {
            let blamed = blamed_items(&book, n);
            mismatched.extend(blamed.iter().copied());
            if !id.id.starts_with("fact_vs_table.") {
                for &i in &blamed {
                    doubted[i] = true;
                }
            }
        }
        checks.push(Check {
            check: id.id.clone(),
            table_code: Some(id.table.code()),
            subject_code: id.subject_code.clone(),
            column: id.column.map(str::to_string),
            expected: e.expected,
            actual: e.actual,
            status,
        });
    }
    // A sum that holds over a cell that a failing identity between table
    // cells (not prose) contradicts proves nothing of its other cells: if
    // the contradicted cell is wrong, the sum holds only because another of
    // its cells is wrong too.
    for n in covering {
        let slots = || book.idents[n].slots().filter_map(|s| book.slots[s].item);
        if printed.vouching && slots().any(|i| doubted[i]) {
            continue;
        }
        for i in slots() {
            covered[i] = true;
        }
    }
    for &i in &mismatched {
        book.items[i].add_flag(Flag::IdentityMismatch);
    }
    // A column total that another table contradicts puts the columns of its
    // table side in doubt, not only its total: an amount read into a sibling
    // column keeps every identity within its table (children sum, row total)
    // holding, and the contradicted column may be the one it left.
    let mut doubted_columns: HashSet<(Table, Option<Side>)> = HashSet::new();
    // Nor does prose, as a rule (prose errs); but a stated figure that its
    // cell does not print (another figure, or a blank) while a sibling
    // column of the same row prints it exactly tells of the columns, not of
    // the prose: 基本支出 read under 项目支出 keeps every sum of the table
    // holding.
    for (n, id) in identities.iter().enumerate() {
        if !id.id.starts_with("fact_vs_table.") {
            continue;
        }
        let ident = &book.idents[n];
        let Some(stated) = book.value(ident.total).filter(|a| !a.is_zero()) else {
            continue;
        };
        // Its cell prints another figure, or none.
        if ident
            .parts
            .iter()
            .any(|&(_, p)| book.value(p) == Some(stated))
        {
            continue;
        }
        for op in id.parts.iter().map(|p| &p.1) {
            if let Operand::Cell(k) = op
                && book.items.iter().any(|it| {
                    it.table == k.table
                        && it.side == k.side
                        && it.column != k.column
                        && it.amount == stated
                        && row_key(it) == k.row
                })
            {
                doubted_columns.insert((k.table, k.side));
            }
        }
    }
    for (n, id) in identities.iter().enumerate() {
        // Tables against each other (`t01_t02.…`), not prose against a table:
        // a report whose prose and tables disagree says nothing of columns.
        let tables_across = id
            .id
            .split('.')
            .next()
            .is_some_and(|p| p.starts_with('t') && p.contains('_'));
        if !tables_across || !book.fails(n) {
            continue;
        }
        let blamed = blamed_items(&book, n);
        for (op, s) in std::iter::once(&id.total)
            .chain(id.parts.iter().map(|p| &p.1))
            .zip(book.idents[n].slots())
        {
            if let Operand::Cell(k) = op
                && (k.row.ends_with("合计") || k.row == "总计")
                && book.slots[s].item.is_none_or(|i| blamed.contains(&i))
            {
                doubted_columns.insert((k.table, k.side));
            }
        }
    }
    // A two-sided table's class row that its coded table contradicts
    // (`t04_t05.class`) was read from another class's figures as likely as
    // it misread one: every column of the row is in doubt, not only the
    // compared one (小计 equals the fund's figure and keeps the row's sum).
    let per_class: Vec<&str> = crate::table::spec::ACROSS
        .iter()
        .filter(|d| matches!(d.identity, crate::table::spec::Identity::PerClass { .. }))
        .map(|d| d.id)
        .collect();
    let mut doubted_rows: FxHashSet<(Table, &str)> = FxHashSet::default();
    for (n, id) in identities.iter().enumerate() {
        if per_class.contains(&id.id.as_str())
            && book.fails(n)
            && let Operand::Cell(k) = &id.total
        {
            doubted_rows.insert((k.table, k.row.as_str()));
        }
    }
    for (i, it) in book.items.iter().enumerate() {
        if !covered[i] {
            continue;
        }
        if doubted_columns.contains(&(it.table, it.side))
            || it.side == Some(Side::Expenditure)
                && doubted_rows.contains(&(it.table, it.item.as_str()))
        {
            covered[i] = false;
        }
    }
    // A code whose figure a failing identity puts in doubt takes its
    // descendants in the same column with it: they sum to it consistently
    // (a subtree read one column over keeps every identity inside it), so
    // they are wrong with it or the identity's other cells are.
    let doubted_codes: HashSet<(Table, &str, &str)> = mismatched
        .iter()
        .filter_map(|&i| {
            let it = &book.items[i];
            Some((it.table, it.subject_code.as_deref()?, it.column.as_str()))
        })
        .collect();
    let under_doubt: Vec<bool> = book
        .items
        .iter()
        .map(|it| {
            let Some(code) = it.subject_code.as_deref() else {
                return false;
            };
            (3..code.len())
                .step_by(2)
                .any(|n| doubted_codes.contains(&(it.table, &code[..n], it.column.as_str())))
        })
        .collect();
    for (i, it) in book.items.iter_mut().enumerate() {
        it.verified = covered[i]
            && !mismatched.contains(&i)
            && !under_doubt[i]
            && !it.flags.iter().any(|f| f.is_doubt());
        if !it.verified {
            it.add_flag(Flag::Unverified);
        }
    }
    checks.extend(indicator_checks(doc));
    checks
}

/// Per slot, whether it is a named total row (`本年收入合计`) the reading
/// lacks, every cell of it, while its table side prints figures under names
/// none of the total's identities knows (a name garbled, `其他收入决算数`):
/// the total's figure may be among them, or on another row. Without such
/// figures the blank may be a printed one (a side of totals and carry-overs
/// only, blank for zero).
fn lost_totals(
    book: &Book,
    identities: &[crate::table::identity::Instance],
    slot_of: &FxHashMap<&Operand, usize>,
) -> Vec<bool> {
    let mut lost = vec![false; book.slots.len()];
    let mut is_total = vec![false; book.slots.len()];
    for id in &book.idents {
        is_total[id.total] = true;
    }
    // Each table side's rows read, and whether each prints a figure.
    let mut rows: FxHashMap<(Table, Option<Side>), FxHashMap<&str, bool>> = FxHashMap::default();
    for it in book.items.iter() {
        let key = it.subject_code.as_deref().unwrap_or(&it.item);
        *rows
            .entry((it.table, it.side))
            .or_default()
            .entry(key)
            .or_default() |= !it.amount.is_zero();
    }
    for (o, &s) in slot_of {
        let Operand::Cell(k) = o else { continue };
        if !is_total[s]
            || book.present(s)
            || !book.slots[s].usable
            || k.row.starts_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        let Some(side) = rows.get(&(k.table, k.side)) else {
            continue;
        };
        if side.contains_key(k.row.as_str()) {
            continue;
        }
        let named: FxHashSet<&str> = book.member[s]
            .iter()
            .flat_map(|&n| {
                let id = &identities[n];
                std::iter::once(&id.total).chain(id.parts.iter().map(|p| &p.1))
            })
            .filter_map(|o| match o {
                Operand::Cell(c) if c.table == k.table && c.side == k.side => Some(c.row.as_str()),
                _ => None,
            })
            .collect();
        lost[s] = side
            .iter()
            .any(|(row, figure)| *figure && !named.contains(row));
    }
    lost
}

/// The item's column as the spec names it (the same text, `'static`).
fn canonical_column(it: &LineItem) -> Option<&'static str> {
    let spec = TableSpec::of(it.table);
    spec.side_columns(it.side)
        .iter()
        .chain(spec.columns)
        .map(|c| c.name)
        .find(|c| *c == it.column)
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
        let Some(printed) = b.value(s) else { continue };
        let asked: Vec<Amount> = mine
            .iter()
            .filter_map(|&m| needed(b, m, s))
            .filter(|a| !(cur_nonneg && a.micros() < 0))
            .filter(|a| misprint_of(printed, *a))
            .collect();
        // Proven: two identities or more ask for exactly the value. Within
        // a rounding allowance only, the value fits the identities but the
        // print may be right (a report whose sums drift by a cent or two):
        // then the print stays, and its identities fail.
        let asked_values = asked.clone();
        if let Some(value) = best_value(b, &mine, s, asked.into_iter()) {
            if pick.is_some() {
                return false;
            }
            if asked_values.iter().filter(|a| **a == value).count() < 2 {
                continue;
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

/// Whether `printed` can be a misprint of `value` the way scanners and OCR
/// misprint figures: a digit or two changed, dropped or added, the sign kept.
/// A whole figure is not a misprint of zero, nor of a figure of another size:
/// an identity that asks for that is failing for another reason (a cell read
/// into the wrong column, a row missed), and the print is kept.
fn misprint_of(printed: Amount, value: Amount) -> bool {
    if value.is_zero() || printed.is_zero() || (printed.micros() < 0) != (value.micros() < 0) {
        return false;
    }
    let digits = |a: Amount| -> String {
        let d = a.micros().unsigned_abs().to_string();
        // Trailing zeros are the scale (micros), not printed digits.
        let keep = d.len() - d.bytes().rev().take(4).take_while(|&c| c == b'0').count();
        d[..keep].to_string()
    };
    crate::text::edit_distance(&digits(printed), &digits(value), 3) <= 2
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

    #[test]
    fn a_misprint_is_a_digit_or_two_not_another_figure() {
        let a = |s: &str| Amount::parse_plain(s).unwrap();
        assert!(misprint_of(a("3042.92"), a("3042.97")));
        assert!(misprint_of(a("304.92"), a("3042.92")));
        assert!(misprint_of(a("1435.16"), a("1436.15")));
        assert!(!misprint_of(a("1435.16"), a("1436.53")));
        assert!(!misprint_of(a("8899.27"), a("0")));
        assert!(!misprint_of(a("77.87"), a("9227.84")));
        assert!(!misprint_of(a("12.50"), a("-12.50")));
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
                v.push(LineItem::printed(t, None, *code, label, col, a));
            }
        }
        v
    }

    /// The items checked as one document: what the checks made of them,
    /// and the check rows.
    fn checked(items: Vec<LineItem>, printed: &Printed) -> (Extracted, Vec<Check>) {
        let mut doc = Extracted {
            line_items: items,
            ..Default::default()
        };
        let checks = run(&mut doc, printed);
        (doc, checks)
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
    fn a_total_row_lost_beside_figures_under_unknown_names_is_no_zero() {
        // Table 01's income side read from a cell stream: 其他收入's name
        // garbled (`其他收入决算数`), 本年收入合计 not read, its figure on
        // 使用非财政拨款结余. 总计 = 本年收入合计 + 使用… + 年初… holds when
        // the lost total counts as zero.
        let inc = Some(Side::Income);
        let t = Table::Overview;
        let items = |garbled: bool| {
            let mut v = vec![
                LineItem::printed(t, inc, None, "使用非财政拨款结余", "决算数", "92134.82"),
                LineItem::printed(t, inc, None, "年初结转和结余", "决算数", "2591.42"),
                LineItem::printed(t, inc, None, "总计", "决算数", "94726.24"),
            ];
            if garbled {
                v.push(LineItem::printed(
                    t,
                    inc,
                    None,
                    "其他收入决算数",
                    "决算数",
                    "1032.29",
                ));
            }
            v
        };
        let vouched = |doc: &Extracted| {
            doc.line_items
                .iter()
                .find(|i| i.item == "使用非财政拨款结余")
                .unwrap()
                .verified
        };
        let (doc, _) = checked(items(true), &Printed::default());
        assert!(!vouched(&doc));
        // A side of carry-overs and totals only: the blank may be printed.
        let (doc, _) = checked(items(false), &Printed::default());
        assert!(vouched(&doc));
    }

    #[test]
    fn a_class_row_its_coded_table_contradicts_is_doubted_in_every_column() {
        // Table 04 read with 社会保障和就业支出's figures on 科学技术支出's
        // row: 小计 = the funds holds, 本年支出合计 = Σ classes holds, only
        // table 05 (no 206, 208 = 1586.00) says the row is wrong.
        let (inc, exp) = (Some(Side::Income), Some(Side::Expenditure));
        let t = Table::FiscalOverview;
        let g = "一般公共预算财政拨款";
        let items = vec![
            LineItem::printed(t, inc, None, "一般公共预算财政拨款", "决算数", "1586.00"),
            LineItem::printed(t, inc, None, "本年收入合计", "决算数", "1586.00"),
            LineItem::printed(t, exp, None, "科学技术支出", "小计", "1586.00"),
            LineItem::printed(t, exp, None, "科学技术支出", g, "1586.00"),
            LineItem::printed(t, exp, None, "本年支出合计", "小计", "1586.00"),
            LineItem::printed(t, exp, None, "本年支出合计", g, "1586.00"),
            LineItem::printed(
                Table::GeneralBudgetExpenditure,
                None,
                None,
                "合计",
                "小计",
                "1586.00",
            ),
            LineItem::printed(
                Table::GeneralBudgetExpenditure,
                None,
                Some("208"),
                "社会保障和就业支出",
                "小计",
                "1586.00",
            ),
        ];
        let (doc, checks) = checked(items, &Printed::default());
        assert!(
            failing(&checks)
                .iter()
                .any(|f| f.starts_with("t04_t05.class:206"))
        );
        for col in ["小计", g] {
            let it = doc
                .line_items
                .iter()
                .find(|i| i.item == "科学技术支出" && i.column == col)
                .unwrap();
            assert!(!it.verified, "{col}");
        }
    }

    #[test]
    fn a_table_only_reading_order_placed_takes_the_blame_of_an_identity_it_fails() {
        // Table 05 read at its place and adding up; table 06's totals dealt
        // out by a stream's order (one lost: 公用经费 short by 1.00), so
        // 05's 基本支出 = 人员经费 + 公用经费 fails.
        let t = Table::GeneralBudgetExpenditure;
        let mut items = Vec::new();
        for (code, label) in [(None, "合计"), (Some("201"), "一般公共服务支出")] {
            for (col, a) in [
                ("小计", "10.00"),
                ("基本支出", "10.00"),
                ("项目支出", "0.00"),
            ] {
                items.push(LineItem::printed(t, None, code, label, col, a));
            }
        }
        let basic = Table::GeneralBudgetBasic;
        for (label, a) in [("人员经费合计", "6.00"), ("公用经费合计", "3.00")] {
            let mut it = LineItem::printed(basic, None, None, label, "决算数", a);
            it.flags.push(Flag::PlacedByOrder);
            items.push(it);
        }
        let (doc, checks) = checked(items, &Printed::default());
        assert!(
            failing(&checks)
                .iter()
                .any(|f| f.starts_with("t05_t06.basic"))
        );
        let verified = |table: Table, label: &str, col: &str| {
            doc.line_items
                .iter()
                .find(|i| i.table == table && i.item == label && i.column == col)
                .unwrap()
                .verified
        };
        assert!(verified(t, "合计", "基本支出"));
        assert!(verified(t, "合计", "小计"));
        assert!(!verified(basic, "人员经费合计", "决算数"));
    }

    #[test]
    fn a_sum_over_a_cell_a_failing_identity_contradicts_vouches_for_nothing() {
        // Table 01 read with 总计's figure on 年初结转和结余 and 本年收入合计
        // as 0.00, the expenditure side's figures lost: 总计 = 本年收入合计 +
        // 年初… holds, but the two sides' 总计 disagree (t01.balance), so one
        // of the sum's cells is wrong and the sum holds only by a second error.
        let (inc, exp) = (Some(Side::Income), Some(Side::Expenditure));
        let t = Table::Overview;
        let items = || {
            vec![
                LineItem::printed(t, inc, None, "本年收入合计", "决算数", "0.00"),
                LineItem::printed(t, inc, None, "年初结转和结余", "决算数", "64728.86"),
                LineItem::printed(t, inc, None, "总计", "决算数", "64728.86"),
                LineItem::printed(t, exp, None, "本年支出合计", "决算数", "0.00"),
                LineItem::printed(t, exp, None, "总计", "决算数", "0.00"),
            ]
        };
        let vouched = |doc: &Extracted| {
            doc.line_items
                .iter()
                .find(|i| i.item == "年初结转和结余")
                .unwrap()
                .verified
        };
        let vouching = Printed {
            vouching: true,
            ..Printed::default()
        };
        let (doc, checks) = checked(items(), &vouching);
        assert!(
            failing(&checks)
                .iter()
                .any(|f| f.starts_with("t01.balance"))
        );
        assert!(!vouched(&doc));
        // Comparing readings, the sum still tells a consistent reading.
        let (doc, _) = checked(items(), &Printed::default());
        assert!(vouched(&doc));
    }

    #[test]
    fn a_sum_that_holds_only_by_reading_a_lost_cell_as_zero_verifies_nothing() {
        // Table 01's expenditure tail read without 本年支出合计, its figure
        // under 年末结转和结余: 总计 = 本年支出合计 + 结余分配 + 年末 holds
        // when the blank 本年支出合计 counts as zero.
        let exp = Some(Side::Expenditure);
        let items = || {
            vec![
                LineItem::printed(Table::Overview, exp, None, "结余分配", "决算数", "0.00"),
                LineItem::printed(
                    Table::Overview,
                    exp,
                    None,
                    "年末结转和结余",
                    "决算数",
                    "97.34",
                ),
                LineItem::printed(Table::Overview, exp, None, "总计", "决算数", "97.34"),
            ]
        };
        let carried = |doc: &Extracted| {
            doc.line_items
                .iter()
                .find(|i| i.item == "年末结转和结余")
                .unwrap()
                .verified
        };
        // Nothing says a figure was lost: the blank is a printed blank.
        let (doc, _) = checked(items(), &Printed::default());
        assert!(carried(&doc));
        // The table lost printed figures: the blank may be one of them.
        let lossy = Printed {
            lossy_tables: &[Table::Overview],
            ..Printed::default()
        };
        let (doc, _) = checked(items(), &lossy);
        assert!(!carried(&doc));
    }

    #[test]
    fn prose_stating_a_figure_its_sibling_column_prints_puts_the_columns_in_doubt() {
        // 03 read with 基本支出 under 项目支出 and 项目支出 under 上缴上级支出:
        // row totals and column sums all hold.
        let swapped = || -> Vec<LineItem> {
            clean_expenditure()
                .into_iter()
                .map(|mut i| {
                    i.column = match i.column.as_str() {
                        "基本支出" => "项目支出".to_string(),
                        "项目支出" => "上缴上级支出".to_string(),
                        c => c.to_string(),
                    };
                    i
                })
                .collect()
        };
        let stating = |items: Vec<LineItem>, metric: &'static str, value: &str| {
            let mut doc = Extracted {
                line_items: items,
                ..Default::default()
            };
            doc.facts.push(crate::model::Fact {
                section: String::new(),
                metric,
                value: Amount::parse_plain(value).unwrap(),
                prior_year_change: None,
                change_pct: None,
                sentence: String::new(),
                source_line: 1,
            });
            run(&mut doc, &Printed::default());
            doc.line_items.iter().filter(|i| i.verified).count()
        };
        let all = clean_expenditure().len();
        // Without prose, nothing tells the columns apart.
        assert_eq!(
            checked(swapped(), &Printed::default())
                .0
                .line_items
                .iter()
                .filter(|i| i.verified)
                .count(),
            all
        );
        // The prose's 基本支出 is printed by the total row's 项目支出 cell.
        assert_eq!(stating(swapped(), "基本支出", "80.25"), 0);
        // A slip in the prose, a figure no cell of the row prints, says
        // nothing of the columns; nor does prose that agrees.
        assert_eq!(stating(swapped(), "基本支出", "81.25"), all);
        assert_eq!(stating(clean_expenditure(), "基本支出", "80.25"), all);
    }

    #[test]
    fn an_income_figure_on_another_funds_row_breaks_the_fund_balance() {
        // Table 04: all income from the general budget, spent on one class.
        let t = Table::FiscalOverview;
        let (inc, exp) = (Some(Side::Income), Some(Side::Expenditure));
        let table = |fund: &str| {
            vec![
                LineItem::printed(t, inc, None, fund, "决算数", "54.44"),
                LineItem::printed(t, inc, None, "本年收入合计", "决算数", "54.44"),
                LineItem::printed(t, inc, None, "总计", "决算数", "54.44"),
                LineItem::printed(t, exp, None, "教育支出", "小计", "54.44"),
                LineItem::printed(t, exp, None, "教育支出", "一般公共预算财政拨款", "54.44"),
                LineItem::printed(t, exp, None, "本年支出合计", "小计", "54.44"),
                LineItem::printed(
                    t,
                    exp,
                    None,
                    "本年支出合计",
                    "一般公共预算财政拨款",
                    "54.44",
                ),
                LineItem::printed(t, exp, None, "总计", "小计", "54.44"),
                LineItem::printed(t, exp, None, "总计", "一般公共预算财政拨款", "54.44"),
            ]
        };
        let income_verified = |fund: &str| {
            let (doc, _) = checked(table(fund), &Printed::default());
            doc.line_items[0].verified
        };
        assert!(income_verified("一般公共预算财政拨款"));
        // Read on the government fund's row, every total still holds.
        assert!(!income_verified("政府性基金预算财政拨款"));
    }

    #[test]
    fn a_blank_its_own_parts_contradict_is_no_zero_for_other_sums() {
        // 09's vehicle 小计 unread while its parts were: 合计 = 出国 + 车 +
        // 接待 holds with the 小计's figure read as 出国 and the blank 小计
        // as zero, but the parts say the 小计 is not zero.
        let t = Table::ThreePublic;
        let row = |col: &str, v: &str| LineItem::printed(t, None, None, "三公经费", col, v);
        let mut items = vec![
            row("预算数/合计", "28.03"),
            row("预算数/因公出国(境)费", "26.03"),
            row("预算数/公务接待费", "2.00"),
        ];
        let (doc, _) = checked(items.clone(), &Printed::default());
        assert!(doc.line_items.iter().all(|i| i.verified));
        items.push(row(
            "预算数/公务用车购置及运行维护费/公务用车购置费",
            "17.46",
        ));
        items.push(row(
            "预算数/公务用车购置及运行维护费/公务用车运行维护费",
            "8.57",
        ));
        let (doc, _) = checked(items, &Printed::default());
        assert!(
            doc.line_items.iter().all(|i| !i.verified),
            "{:?}",
            doc.line_items
        );
    }

    #[test]
    fn a_code_whose_parent_row_was_lost_is_not_verified() {
        // 21301 农业农村's row lost: its 项 have nothing to sum to.
        let items: Vec<LineItem> = clean_expenditure()
            .into_iter()
            .filter(|i| i.subject_code.as_deref() != Some("21301"))
            .collect();
        let whole = Printed {
            full_hierarchy: true,
            ..Printed::default()
        };
        let (doc, checks) = checked(items, &whole);
        let failed = failing(&checks);
        assert!(
            failed.contains(&"t03.children_sum:21301:基本支出".to_string()),
            "{failed:?}"
        );
        for it in &doc.line_items {
            let under = it
                .subject_code
                .as_deref()
                .is_some_and(|c| c.starts_with("21301"));
            if under && !it.amount.is_zero() {
                assert!(!it.verified, "{} {} {}", it.item, it.column, it.amount);
            }
        }
        // 213 = 21301 + 21399 fails too with 21301 blank, so the class and
        // 21399 are in doubt; 合计's row, which 213 matches, stays proven.
        assert!(
            doc.line_items
                .iter()
                .filter(|i| i.subject_code.is_none())
                .all(|i| i.verified)
        );
    }

    #[test]
    fn a_subtree_read_one_column_over_is_doubted_with_its_class() {
        // 基本支出 and 项目支出 swapped in every row under 213, not in 合计:
        // row totals and children sums inside the class still hold; only
        // the class against 合计 fails, and the class's rows sum to it.
        let mut items = clean_expenditure();
        let swap: Vec<(String, String)> = items
            .iter()
            .filter(|i| i.subject_code.is_some())
            .map(|i| (i.subject_code.clone().unwrap(), i.column.clone()))
            .collect();
        let value = |items: &[LineItem], code: &str, col: &str| {
            items
                .iter()
                .find(|i| i.subject_code.as_deref() == Some(code) && i.column == col)
                .unwrap()
                .amount
        };
        let before = items.clone();
        for (code, col) in &swap {
            let other = match col.as_str() {
                "基本支出" => "项目支出",
                "项目支出" => "基本支出",
                _ => continue,
            };
            let v = value(&before, code, other);
            items
                .iter_mut()
                .find(|i| i.subject_code.as_deref() == Some(code.as_str()) && i.column == *col)
                .unwrap()
                .amount = v;
        }
        let (doc, checks) = checked(items, &Printed::default());
        assert_eq!(
            failing(&checks),
            vec!["t03.total_sum::基本支出", "t03.total_sum::项目支出"]
        );
        // Every 基本支出 and 项目支出 is in doubt: 合计's and 213's by the
        // failing identity, the 款 and 项 under 213 with their class. The
        // row totals, which no swap touched, stay verified.
        for it in &doc.line_items {
            assert_eq!(
                it.verified,
                it.column == "本年支出合计",
                "{} {} {}",
                it.item,
                it.column,
                it.amount
            );
        }
    }

    #[test]
    fn a_clean_table_passes_everything() {
        let (doc, checks) = checked(clean_expenditure(), &Printed::default());
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
        let (doc, checks) = checked(items.clone(), &Printed::default());
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
        let (doc, checks) = checked(items, &Printed::default());
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
        let (doc, checks) = checked(items, &Printed::default());
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
        let (doc, checks) = checked(items, &Printed::default());
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
                LineItem::printed(t, None, None, "合计", "本年支出合计", "10.01"),
                LineItem::printed(
                    t,
                    None,
                    Some("201"),
                    "一般公共服务支出",
                    "本年支出合计",
                    "3.33",
                ),
                LineItem::printed(t, None, Some("205"), "教育支出", "本年支出合计", "3.33"),
                LineItem::printed(t, None, Some("206"), "科学技术支出", "本年支出合计", "3.34"),
            ],
            ..Default::default()
        };
        let checks = run(&mut doc, &Printed::default());
        assert_eq!(failing(&checks), Vec::<String>::new());
    }
}
