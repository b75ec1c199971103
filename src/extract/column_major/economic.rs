//! Table 06 printed a column at a time.
//!
//! The table prints its economic classes in two or three groups side by side
//! (工资福利支出 and 对个人和家庭的补助 in one, 商品和服务支出 and 资本性支出 in
//! another). Column-major text draws each group as runs (codes, names,
//! amounts), but cuts pieces of one group's amount column off and prints them
//! among another group's names, before the codes, or after the table's note.
//! Positions cannot put those back; the table's arithmetic can. A class is the
//! sum of its items; 人员经费合计 and 公用经费合计 are the sums of their classes.
//! Rows are placed, in this order, by:
//!
//! 1. a row-major stream: every code followed by its one amount; else a
//!    row-major stream some of whose amounts drifted from their rows, put
//!    back by the fewest moves its sums ask for ([`Placing::drifted_rows`]);
//!    else an amount column printed after the rows it holds (page by page,
//!    panel by panel) with its blank cells gone, laid in order so that
//!    every sum holds ([`Placing::blank_cells_gone`]); otherwise the
//!    column-major rule,
//!    where a group's names are printed as one run and amounts follow at
//!    once: those are the group's first rows;
//! 2. a class and its items printed as one unbroken stretch of amounts whose
//!    first is the sum of the rest, when only one stretch is;
//! 3. a class whose items are a whole piece (a stretch bounded by its run's
//!    edges or by placed amounts) and whose own amount is the one amount
//!    elsewhere that equals their sum;
//! 4. while they place something: a total, the one free amount equal to the
//!    sum of its classes (or a class: its total less the other classes); a
//!    class, the one free amount equal to its placed items (or its items,
//!    the one stretch adding up to the placed class);
//! 5. the rest tiled: the free amounts, as pieces, laid on the free rows
//!    and totals so that every class and total adds up, preferring amounts
//!    beside the rows of their printed neighbours, then reading order. Rows
//!    only reading order decided are flagged `placed_by_order`. When the
//!    pieces are too many to tile, amounts next to placed ones take the
//!    neighbouring rows, and the identities of step 4 follow up.
//!
//! Last, what rests on weak evidence must be confirmed: rows placed by
//! adjacency or order stand only in a class that adds up, and a class whose
//! identity rests on one item (`x = x + 0 + 0`, which any repeated figure
//! among zeros satisfies) only if a total confirms it. An amount no step
//! places is left unplaced (counted in `documents.error`): a guess would be
//! a wrong row that no check could tell apart.

use std::ops::Range;

use super::{Kind, Tok, is_header};
use crate::amount::{Amount, parse_printed};
use crate::extract::grid::{Cell, Grid, Row};
use crate::extract::labels::economic_name;
use crate::extract::tables::parse_code;
use crate::text::squeeze;
use crate::vocab::{Table, is_personnel_class, match_label};

const TOTALS: &[&str] = &["人员经费合计", "公用经费合计"];

/// More amounts than any table 06 prints (the classification has ~90 items).
const MAX_AMOUNTS: usize = 400;

/// A printed amount, in reading order.
struct Printed<'a> {
    tok: &'a Tok,
    value: Amount,
    /// Stretch of amounts it belongs to: a code, a header word or a total
    /// label between two amounts starts a new one (names do not: a group's
    /// amounts are often drawn between the names of another).
    run: usize,
}

/// A row with a code, in the printed order of its group.
struct Slot<'a> {
    tok: &'a Tok,
    code: String,
    group: usize,
}

/// A class (类) and its items (款), as slot indices.
struct Family {
    head: usize,
    items: Range<usize>,
}

struct Total<'a> {
    tok: &'a Tok,
    /// Slots of the classes it sums.
    parts: Vec<usize>,
}

struct Placing<'a> {
    amounts: Vec<Printed<'a>>,
    slots: Vec<Slot<'a>>,
    families: Vec<Family>,
    totals: Vec<Total<'a>>,
    slot_at: Vec<Option<usize>>,
    total_at: Vec<Option<usize>>,
    used: Vec<bool>,
    /// Slots placed by adjacency or reading order, not by an identity.
    adjacent: Vec<bool>,
    /// Classes placed on a stretch whose identity rests on one item
    /// (`x = x + 0 + 0`): any x repeated among zeros fits, so they stand only
    /// if a total confirms them.
    weak: Vec<bool>,
    by_order: Vec<usize>,
    /// Each token's text without spaces (empty for codes and amounts), for
    /// comparing with names: computed once, not once per row.
    squeezed: Vec<String>,
    /// Digits after the decimal point the table prints.
    decimals: u32,
}

/// Where token `t` (one of `toks`) stands among them.
fn index_of(toks: &[Tok], t: &Tok) -> Option<usize> {
    toks.iter().position(|x| std::ptr::eq(x, t))
}

/// The cells of rows printed whole among the cells (`公用经费合计 6437.20`:
/// a table's last row alone on its page) as a label, then its figures:
/// the laying of a column after its rows takes each figure by itself.
pub(super) fn rows_split(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out = Vec::with_capacity(toks.len());
    for t in toks {
        let split = (t.kind == Kind::Text)
            .then(|| t.text.split_once(char::is_whitespace))
            .flatten()
            .filter(|(label, figures)| {
                !label.contains(|c: char| c.is_ascii_digit())
                    && figures
                        .split_whitespace()
                        .all(|f| parse_printed(f).is_some_and(|p| p.decimals > 0))
            });
        let Some((label, figures)) = split else {
            out.push(t);
            continue;
        };
        let tok = |text: &str, kind| Tok {
            text: text.to_string(),
            raw: text.to_string(),
            line: t.line,
            kind,
        };
        out.push(tok(label, Kind::Text));
        out.extend(figures.split_whitespace().map(|f| tok(f, Kind::Amount)));
    }
    out
}

/// Reads table 06 from column-major tokens.
pub(super) fn grid(toks: &[Tok]) -> Grid {
    let mut p = Placing::new(toks);
    if p.slots.is_empty() || p.amounts.is_empty() {
        return Grid::default();
    }
    // The searches below are quadratic in the amounts. A real table 06 has
    // fewer than a hundred rows; a block far larger is not one (a
    // mis-segmented text), and its amounts are reported unplaced.
    if p.amounts.len() > MAX_AMOUNTS {
        return p.grid(toks);
    }
    if !p.row_major(toks) && !p.drifted_rows(toks) && !p.blank_cells_gone(toks) {
        p.after_names(toks);
        while p.anchor_families() || p.item_stretches() {}
        while p.totals() || p.classes() {}
        if !p.tile() {
            p.step_by_step();
        }
        p.verify();
    }
    p.grid(toks)
}

impl<'a> Placing<'a> {
    /// Step 5's fallback, when the pieces are too many to tile: an amount
    /// next to a placed one takes the neighbouring row, and the identities
    /// follow up.
    fn step_by_step(&mut self) {
        let p = self;
        loop {
            // In order, and from the top after any placing: a later step
            // relies on what the earlier ones could prove.
            let placed = p.totals() || p.grow() || p.classes();
            if !placed {
                break;
            }
        }
    }

    fn new(toks: &'a [Tok]) -> Self {
        let mut amounts = Vec::new();
        let mut codes: Vec<(&Tok, String)> = Vec::new();
        let mut totals: Vec<(&Tok, &str)> = Vec::new();
        let mut run = 0;
        let mut broken = false;
        let mut decimals = 0;
        for t in toks {
            match t.kind {
                Kind::Amount => {
                    let Some(p) = parse_printed(&t.text) else {
                        continue;
                    };
                    if broken && !amounts.is_empty() {
                        run += 1;
                    }
                    broken = false;
                    decimals = decimals.max(p.decimals);
                    amounts.push(Printed {
                        tok: t,
                        value: p.value,
                        run,
                    });
                }
                Kind::Code => {
                    broken = true;
                    if let Some(code) = parse_code(&t.text).filter(|c| c.len() == 3 || c.len() == 5)
                        && codes.len() <= MAX_AMOUNTS
                        && !codes.iter().any(|(_, c)| *c == code)
                    {
                        codes.push((t, code));
                    }
                }
                Kind::Text => {
                    if let Some(l) = match_label(&t.text, TOTALS) {
                        broken = true;
                        if !totals.iter().any(|(_, x)| *x == l) {
                            totals.push((t, l));
                        }
                    } else if is_header(&t.text, Table::GeneralBudgetBasic) {
                        broken = true;
                    }
                }
            }
        }
        let (slots, families) = arrange(codes);
        let totals: Vec<Total> = totals
            .into_iter()
            .map(|(tok, label)| Total {
                tok,
                parts: families
                    .iter()
                    .map(|f| f.head)
                    .filter(|&h| is_personnel_class(&slots[h].code) == (label == "人员经费合计"))
                    .collect(),
            })
            .filter(|t| !t.parts.is_empty())
            .collect();
        Placing {
            slot_at: vec![None; slots.len()],
            total_at: vec![None; totals.len()],
            used: vec![false; amounts.len()],
            adjacent: vec![false; slots.len()],
            weak: vec![false; families.len()],
            by_order: Vec::new(),
            squeezed: toks
                .iter()
                .map(|t| {
                    if t.kind == Kind::Text {
                        squeeze(&t.text)
                    } else {
                        String::new()
                    }
                })
                .collect(),
            decimals,
            amounts,
            slots,
            families,
            totals,
        }
    }

    /// The rounding a sum of `terms` printed figures may carry (CONTRACT §3
    /// checks: half a unit of the last digit times terms + 1).
    fn tol(&self, terms: usize) -> Amount {
        Amount::rounding_allowance(self.decimals, terms)
    }

    fn near(&self, a: Amount, b: Amount, terms: usize) -> bool {
        (a - b).abs() <= self.tol(terms)
    }

    fn place(&mut self, slot: usize, amount: usize) {
        self.slot_at[slot] = Some(amount);
        self.used[amount] = true;
    }

    fn value_of(&self, slot: usize) -> Option<Amount> {
        self.slot_at[slot].map(|a| self.amounts[a].value)
    }

    fn free(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.amounts.len()).filter(|&a| !self.used[a])
    }

    /// The one free amount that best matches `want` within rounding.
    fn only_free_near(&self, want: Amount, terms: usize, except: &[usize]) -> Option<usize> {
        let found = self
            .free()
            .filter(|a| !except.contains(a))
            .map(|a| (self.amounts[a].value, want, a));
        self.best(found, terms)
    }

    /// Of candidates `(printed, sum, x)`, the x whose printed figure matches
    /// its sum within rounding, when it is the only one or the only exact
    /// one. Rounding is allowed only on figures a hundred times larger than
    /// it: 0.24 "equals" 0.13 + 0.04 + 0.09 within the 0.02 that three
    /// printed terms allow, 440.90 equals items summing to 440.88 because
    /// the print rounds.
    /// Small figures still match by chance (0.03 = 0.02 + 0.00 + 0.01), so
    /// the steps that search stretches run until nothing changes: a class
    /// placed removes its stretch from the rivals of the others.
    fn best<T: Copy + PartialEq>(
        &self,
        candidates: impl Iterator<Item = (Amount, Amount, T)>,
        terms: usize,
    ) -> Option<T> {
        match self.best_set(candidates, terms)[..] {
            [x] => Some(x),
            _ => None,
        }
    }

    /// The candidates that match best, all equally well; empty when none
    /// matches within rounding.
    fn best_set<T: Copy>(
        &self,
        candidates: impl Iterator<Item = (Amount, Amount, T)>,
        terms: usize,
    ) -> Vec<T> {
        let tol = self.tol(terms);
        let fits: Vec<(Amount, T)> = candidates
            .filter(|(v, s, _)| {
                v == s
                    || (v.abs() >= Amount::from_micros(tol.micros() * 100)
                        && (*v - *s).abs() <= tol)
            })
            .map(|(v, s, x)| ((v - s).abs(), x))
            .collect();
        let Some(least) = fits.iter().map(|f| f.0).min() else {
            return Vec::new();
        };
        fits.into_iter()
            .filter(|f| f.0 == least)
            .map(|f| f.1)
            .collect()
    }

    /// Step 1: every code followed, before the next code or total, by exactly
    /// one amount. All or nothing.
    fn row_major(&mut self, toks: &[Tok]) -> bool {
        let mut pairs = Vec::new();
        for (s, slot) in self.slots.iter().enumerate() {
            let Some(at) = index_of(toks, slot.tok) else {
                return false;
            };
            let span: Vec<&Tok> = toks[at + 1..]
                .iter()
                .take_while(|t| t.kind != Kind::Code && match_label(&t.text, TOTALS).is_none())
                .filter(|t| t.kind == Kind::Amount)
                .collect();
            let [one] = span[..] else { return false };
            let Some(a) = self.amounts.iter().position(|p| std::ptr::eq(p.tok, one)) else {
                return false;
            };
            pairs.push((s, a));
        }
        for (s, a) in pairs {
            self.place(s, a);
        }
        for (k, t) in self.totals.iter().enumerate() {
            let Some(at) = index_of(toks, t.tok) else {
                continue;
            };
            let next = toks[at + 1..]
                .iter()
                .find(|x| x.kind != Kind::Text || match_label(&x.text, TOTALS).is_some());
            if let Some(n) = next.filter(|n| n.kind == Kind::Amount)
                && let Some(a) = self.amounts.iter().position(|p| std::ptr::eq(p.tok, n))
                && !self.used[a]
            {
                self.total_at[k] = Some(a);
                self.used[a] = true;
            }
        }
        true
    }

    /// Step 1, else: a row-major stream some of whose amounts were drawn away
    /// from their rows. Converters that order text by blocks print a tall
    /// cell's amount (beside a wrapped name, in a bold class row) a few rows
    /// later or before the table, and two side-by-side groups' amounts out
    /// of step; most rows still print their code, name and one amount.
    /// Each row and total starts a span that runs to the next; a span of one
    /// amount is taken for its row's (unless an item of its class just
    /// before printed none or several), the amounts of any other are loose.
    /// The arrangements with the fewest moves that failing sums ask for
    /// (`Drift::asked_moves`), the loose amounts then laid on blank rows,
    /// after which every class and total adds up are found by search
    /// ([`DRIFT_MOVES`], [`DRIFT_NODES`]); rows on which they disagree, and
    /// amounts laid on an item beside a blank one of its class, are placed
    /// by reading order (flagged).
    /// Nothing is placed where no arrangement adds up, the stream is not
    /// row-major, or the budget runs out: the column-major steps follow.
    fn drifted_rows(&mut self, toks: &[Tok]) -> bool {
        let n_slots = self.slots.len();
        let mut starts: Vec<(usize, usize)> = Vec::new();
        for (s, slot) in self.slots.iter().enumerate() {
            let Some(at) = index_of(toks, slot.tok) else {
                return false;
            };
            starts.push((at, s));
        }
        for (k, t) in self.totals.iter().enumerate() {
            let Some(at) = index_of(toks, t.tok) else {
                return false;
            };
            starts.push((at, n_slots + k));
        }
        starts.sort_unstable();
        let positions = starts.len();
        // Each amount's token index (amounts are taken in token order).
        let mut tok_of = Vec::with_capacity(self.amounts.len());
        let mut next = 0;
        for (i, t) in toks.iter().enumerate() {
            if next < self.amounts.len() && std::ptr::eq(t, self.amounts[next].tok) {
                tok_of.push(i);
                next += 1;
            }
        }
        if tok_of.len() != self.amounts.len() {
            return false;
        }
        // The amounts of each position's span, and those before any.
        let mut spans: Vec<Vec<usize>> = vec![Vec::new(); positions];
        let mut loose = Vec::new();
        for (a, &i) in tok_of.iter().enumerate() {
            let owner = starts.partition_point(|&(t, _)| t < i);
            match owner.checked_sub(1) {
                Some(k) => spans[starts[k].1].push(a),
                None => loose.push(a),
            }
        }
        // Row-major: most rows that print an amount print one of their
        // own (a stream printed a column at a time gives a few rows them
        // all).
        let alone = spans.iter().filter(|s| s.len() == 1).count();
        let printing = spans.iter().filter(|s| !s.is_empty()).count();
        // Nor is a stream one of whose rows is followed by most amounts: a
        // column printed after its rows (a last row printed whole on a
        // page of its own is not a row-major stream).
        let column = spans
            .iter()
            .any(|s| s.len() > 2 && s.len() * 2 > self.amounts.len());
        if alone * 2 < printing || alone == positions || column {
            return false;
        }
        // Most rows print nothing (a second group mostly blank beside the
        // first): an amount's row is the one it follows, weaker evidence
        // where the stream is out of step.
        let sparse = alone * 2 < positions;
        // A span of one amount is its row's; a span of several says of none
        // which is its own (the row's may have drifted on, others drifted in).
        // So is an amount after an item of its class that printed none (a
        // column block of one that a converter set after the rows it spans)
        // or several (the stream is out of step there).
        let mut d = Drift::new(self, n_slots, positions);
        let mut at: Vec<Option<usize>> = vec![None; positions];
        for (k, &(_, pos)) in starts.iter().enumerate() {
            let after_unsure = k > 0 && {
                let before = starts[k - 1].1;
                spans[before].len() != 1
                    && d.item_of[pos].is_some()
                    && d.item_of[before] == d.item_of[pos]
            };
            match spans[pos][..] {
                [a] if !after_unsure => at[pos] = Some(a),
                _ => loose.extend(&spans[pos]),
            }
        }
        // A class or total printing zero over parts that do not: the zero is
        // another row's, drawn beside it.
        for k in d.failing(&at) {
            let total = d.sums[k].0;
            if let Some(a) = at[total].filter(|&a| self.amounts[a].value.is_zero()) {
                at[total] = None;
                loose.push(a);
            }
        }
        loose.sort_unstable();
        if d.failing(&at).is_empty() && loose.iter().all(|&a| self.amounts[a].value.is_zero()) {
            return false;
        }
        let Some(solutions) = d.solve(at.clone(), &loose) else {
            return false;
        };
        // Placed by order: rows on which the arrangements disagree, amounts
        // the search laid on an item beside a blank one of its class, and
        // in a sparse table every item of a class the search laid or moved
        // an amount in (the stream is out of step there, and most of the
        // class's rows are blank: an amount may follow a row not its own).
        let value = |x: Option<usize>| x.map(|a| self.amounts[a].value);
        let laid = &solutions[0];
        let stirred = |k: usize| {
            let (total, parts) = &d.sums[k];
            std::iter::once(total)
                .chain(parts)
                .any(|&x| at[x] != laid[x])
        };
        let by_order: Vec<bool> = (0..positions)
            .map(|pos| {
                solutions.iter().any(|s| value(s[pos]) != value(laid[pos]))
                    || at[pos] != laid[pos] && d.interchangeable(&at, laid, pos)
                    || sparse && d.item_of[pos].is_some_and(stirred)
            })
            .collect();
        for (pos, &a) in laid.iter().enumerate() {
            let Some(a) = a else { continue };
            if pos < n_slots {
                self.place(pos, a);
            } else {
                self.total_at[pos - n_slots] = Some(a);
                self.used[a] = true;
            }
            if by_order[pos] {
                self.by_order.push(a);
            }
        }
        // Zeros left over fill the rows left blank, in reading order, where
        // they are as many: they take no part in any sum.
        let zeros: Vec<usize> = self.free().collect();
        let blank: Vec<usize> = (0..n_slots)
            .filter(|&s| self.slot_at[s].is_none())
            .collect();
        if zeros.len() == blank.len() && zeros.iter().all(|&a| self.amounts[a].value.is_zero()) {
            for (s, a) in blank.into_iter().zip(zeros) {
                self.place(s, a);
                self.by_order.push(a);
            }
        }
        true
    }

    /// Each token's place once the stream's pieces (a run of rows, then the
    /// amounts printed after them) are put in the order of the class of
    /// their first code (pieces of totals alone first: they split no
    /// class), the stream's order among pieces of one class.
    fn piece_order(&self, toks: &[Tok]) -> Vec<usize> {
        // Each token's piece, and each piece's class.
        let mut piece = Vec::with_capacity(toks.len());
        let mut class: Vec<Option<&str>> = Vec::new();
        let mut amount_since = true;
        for t in toks {
            let slot = self.slots.iter().find(|s| std::ptr::eq(s.tok, t));
            let row = slot.is_some() || self.totals.iter().any(|x| std::ptr::eq(x.tok, t));
            if row && amount_since {
                class.push(None);
                amount_since = false;
            }
            if let (Some(s), Some(c)) = (slot, class.last_mut()) {
                c.get_or_insert(&s.code[..3]);
            }
            amount_since |= t.kind == Kind::Amount && !class.is_empty();
            piece.push(class.len().saturating_sub(1));
        }
        let mut pieces: Vec<usize> = (0..class.len()).collect();
        pieces.sort_by_key(|&p| (class[p], p));
        let mut place_of = vec![0; class.len().max(1)];
        for (r, &p) in pieces.iter().enumerate() {
            place_of[p] = r;
        }
        let mut rank: Vec<usize> = (0..toks.len()).collect();
        rank.sort_by_key(|&i| (place_of[piece[i]], i));
        let mut out = vec![0; toks.len()];
        for (r, &i) in rank.iter().enumerate() {
            out[i] = r;
        }
        out
    }

    /// Step 1, else: the amount column printed in row order after the rows
    /// it holds, its blank cells gone (PyMuPDF and `pdftotext -raw` of a PDF
    /// that draws a column at a time, page by page): no more amounts than
    /// rows, nothing saying which rows are blank. Laid in order, each class
    /// takes its amount and the run after it that sums to it, or nothing;
    /// each total one amount or none; an amount is laid only on a row
    /// printed before it (a page's column follows that page's rows, a row
    /// of its own such as `公用经费合计 6437.20` its label); every amount is
    /// laid and every total adds up. Classes and
    /// totals on which all such layings agree are placed by the identities;
    /// items only where the class takes one amount per item, else on its
    /// first rows by order (flagged): which of a class's rows are blank no
    /// sum can say.
    fn blank_cells_gone(&mut self, toks: &[Tok]) -> bool {
        let n = self.amounts.len();
        let covered: usize = self.families.iter().map(|f| 1 + f.items.len()).sum();
        if covered != self.slots.len() || n > self.slots.len() + self.totals.len() {
            return false;
        }
        // Where each token stands once the pieces are put in their classes'
        // order: a page prints each panel's rows, then that panel's amounts
        // (a piece), so a class run on to the next page has its amounts in
        // two pieces, with another panel's between them.
        let rank = self.piece_order(toks);
        let at = |t: &Tok| index_of(toks, t).map(|i| rank[i]);
        let mut units: Vec<(usize, Unit)> = Vec::new();
        for (k, f) in self.families.iter().enumerate() {
            let Some(i) = at(self.slots[f.head].tok) else {
                return false;
            };
            units.push((i, Unit::Class(k)));
        }
        for (k, t) in self.totals.iter().enumerate() {
            let Some(i) = at(t.tok) else { return false };
            units.push((i, Unit::Total(k)));
        }
        units.sort_unstable_by_key(|u| u.0);
        let Some(mut order) = self
            .amounts
            .iter()
            .enumerate()
            .map(|(a, p)| Some((at(p.tok)?, a)))
            .collect::<Option<Vec<_>>>()
        else {
            return false;
        };
        order.sort_unstable();
        let (amount_at, order): (Vec<usize>, Vec<usize>) = order.into_iter().unzip();
        let unit_at: Vec<usize> = units.iter().map(|u| u.0).collect();
        let units: Vec<Unit> = units.into_iter().map(|u| u.1).collect();
        let mut laying = Laying {
            unit_at: &unit_at,
            amount_at: &amount_at,
            order: &order,
            units: &units,
            taken: Vec::new(),
            found: Vec::new(),
            nodes: 0,
        };
        laying.search(self, 0, 0);
        // Past the cap the layings not collected might disagree on any row.
        if laying.nodes > LAYING_NODES || laying.found.is_empty() || laying.found.len() >= LAYINGS {
            return false;
        }
        // Each unit's amounts in every laying: the same amounts (by value)
        // or not.
        let first = laying.found[0].clone();
        let starts = |taken: &[usize]| {
            let mut at = 0;
            taken
                .iter()
                .map(|&c| {
                    let s = at;
                    at += c;
                    s..at
                })
                .collect::<Vec<_>>()
        };
        let runs = starts(&first);
        let values = |r: &Range<usize>| -> Vec<Amount> {
            order[r.clone()]
                .iter()
                .map(|&a| self.amounts[a].value)
                .collect()
        };
        let agreed: Vec<bool> = (0..units.len())
            .map(|u| {
                laying
                    .found
                    .iter()
                    .all(|taken| values(&starts(taken)[u]) == values(&runs[u]))
            })
            .collect();
        for (u, unit) in units.iter().enumerate() {
            let run = runs[u].clone();
            match *unit {
                Unit::Total(k) => {
                    if let Some(a) = run.clone().next().map(|v| order[v]) {
                        self.total_at[k] = Some(a);
                        self.used[a] = true;
                        if !agreed[u] {
                            self.by_order.push(a);
                        }
                    }
                }
                Unit::Class(k) => {
                    let f = &self.families[k];
                    let (head, items) = (f.head, f.items.clone());
                    let whole = run.len() == items.len() + 1;
                    for (slot, a) in std::iter::once(head)
                        .chain(items)
                        .zip(run.map(|v| order[v]))
                    {
                        self.place(slot, a);
                        if !agreed[u] || slot != head && !whole {
                            self.by_order.push(a);
                        }
                    }
                }
            }
        }
        true
    }

    /// Step 1, otherwise: the column-major rule itself: where a group's names are
    /// printed as one run (each its code's name, in order, wrapped or not)
    /// and amounts follow at once, those amounts are the group's first rows.
    /// Placed as adjacency: kept only if their classes add up.
    fn after_names(&mut self, toks: &[Tok]) {
        let groups = self.slots.last().map_or(0, |s| s.group + 1);
        for g in 0..groups {
            let slots: Vec<usize> = (0..self.slots.len())
                .filter(|&s| self.slots[s].group == g)
                .collect();
            let names: Option<Vec<&str>> = slots
                .iter()
                .map(|&s| economic_name(&self.slots[s].code))
                .collect();
            let Some(names) = names else { continue };
            let Some(end) = (0..toks.len()).find_map(|k| names_run(&self.squeezed, k, &names))
            else {
                continue;
            };
            let start = toks[end..]
                .iter()
                .position(|t| !(t.kind == Kind::Text && match_label(&t.text, TOTALS).is_some()))
                .map_or(toks.len(), |p| end + p);
            let run = toks[start..]
                .iter()
                .take_while(|t| t.kind == Kind::Amount)
                .filter_map(|t| self.amounts.iter().position(|a| std::ptr::eq(a.tok, t)))
                .collect::<Vec<usize>>();
            for (&s, a) in slots.iter().zip(run) {
                if self.slot_at[s].is_some() || self.used[a] {
                    break;
                }
                self.place(s, a);
                self.adjacent[s] = true;
            }
        }
    }

    /// A stretch of free amounts `start..start + len` within one run.
    fn free_stretch(&self, start: usize, len: usize) -> bool {
        let end = start + len;
        len > 0
            && end <= self.amounts.len()
            && (start..end).all(|a| !self.used[a])
            && self.amounts[start].run == self.amounts[end - 1].run
    }

    /// A free stretch with nothing free of its run on either side.
    fn free_piece(&self, start: usize, len: usize) -> bool {
        let end = start + len;
        let bounded = |a: usize| self.used[a] || self.amounts[a].run != self.amounts[start].run;
        self.free_stretch(start, len)
            && (start == 0 || bounded(start - 1))
            && (end == self.amounts.len() || bounded(end))
    }

    fn sum(&self, range: Range<usize>) -> Amount {
        self.amounts[range].iter().map(|p| p.value).sum()
    }

    fn family_free(&self, f: &Family) -> bool {
        self.slot_at[f.head].is_none() && f.items.clone().all(|s| self.slot_at[s].is_none())
    }

    /// Step 2, until nothing more is placed: a class whose stretch was
    /// ambiguous may not be once another class has taken its rival.
    fn anchor_families(&mut self) -> bool {
        let mut sets: Vec<(usize, Vec<usize>)> = Vec::new();
        for k in 0..self.families.len() {
            let f = &self.families[k];
            let m = f.items.len();
            if m == 0 || !self.family_free(f) {
                continue;
            }
            let fits = (0..self.amounts.len())
                .filter(|&p| self.free_stretch(p, m + 1))
                .filter(|&p| !self.amounts[p].value.is_zero())
                .map(|p| (self.amounts[p].value, self.sum(p + 1..p + 1 + m), p));
            let set = self.best_set(fits, m);
            if !set.is_empty() {
                sets.push((k, set));
            }
        }
        let mut placed = false;
        for (k, set) in &sets {
            if let [p] = set[..] {
                placed |= self.place_family(*k, p);
            }
        }
        if placed {
            return true;
        }
        // Classes of the same size that fit the same stretches equally well
        // (both 4.30 = 3.10 + 1.20 and 36.50 = 30.00 + 6.50 fit a class of
        // two items): the classes take them in the order they were printed.
        for (k, set) in &sets {
            let m = self.families[*k].items.len();
            let mut rivals: Vec<usize> = sets
                .iter()
                .filter(|(j, s)| s == set && self.families[*j].items.len() == m)
                .map(|(j, _)| *j)
                .collect();
            if rivals.len() == set.len() && rivals.len() > 1 {
                rivals.sort_by_key(|&j| self.slots[self.families[j].head].tok.line);
                for (j, &p) in rivals.into_iter().zip(set) {
                    placed |= self.place_family(j, p);
                }
                return placed;
            }
        }
        false
    }

    /// A class and its items on the stretch starting at `p`, if still free.
    fn place_family(&mut self, k: usize, p: usize) -> bool {
        let (head, items) = (self.families[k].head, self.families[k].items.clone());
        if !self.family_free(&self.families[k]) || !self.free_stretch(p, items.len() + 1) {
            return false;
        }
        let nonzero = (p + 1..p + 1 + items.len())
            .filter(|&a| !self.amounts[a].value.is_zero())
            .count();
        self.weak[k] = nonzero <= 1;
        self.place(head, p);
        for (i, s) in items.enumerate() {
            self.place(s, p + 1 + i);
        }
        true
    }

    /// Step 3. The stretch must be a whole piece: bounded on both sides by a
    /// run's edge or by amounts already placed. Searching every stretch
    /// against every free amount finds chance sums (nine small items within
    /// rounding of some figure) unless the stretch is bounded by structure.
    fn item_stretches(&mut self) -> bool {
        let mut placed = false;
        for k in 0..self.families.len() {
            let f = &self.families[k];
            let m = f.items.len();
            if m < 2 || !self.family_free(f) {
                continue;
            }
            let mut fits = Vec::new();
            for q in (0..self.amounts.len()).filter(|&q| self.free_piece(q, m)) {
                let s = self.sum(q..q + m);
                if s.is_zero() {
                    continue;
                }
                for h in self.free().filter(|h| !(q..q + m).contains(h)) {
                    fits.push((self.amounts[h].value, s, (q, h)));
                }
            }
            if let Some((q, h)) = self.best(fits.into_iter(), m) {
                let (head, items) = (f.head, f.items.clone());
                self.place(head, h);
                for (i, s) in items.enumerate() {
                    self.place(s, q + i);
                }
                placed = true;
            }
        }
        placed
    }

    /// Step 4, totals.
    fn totals(&mut self) -> bool {
        let mut placed = false;
        for k in 0..self.totals.len() {
            let parts = self.totals[k].parts.clone();
            let free_parts: Vec<usize> = parts
                .iter()
                .copied()
                .filter(|&s| self.slot_at[s].is_none())
                .collect();
            let known: Amount = parts.iter().filter_map(|&s| self.value_of(s)).sum();
            match (self.total_at[k], &free_parts[..]) {
                (None, []) => {
                    if let Some(a) = self.only_free_near(known, parts.len(), &[]) {
                        self.total_at[k] = Some(a);
                        self.used[a] = true;
                        placed = true;
                    }
                }
                (Some(t), [s]) => {
                    let want = self.amounts[t].value - known;
                    if let Some(a) = self.only_free_near(want, parts.len(), &[]) {
                        self.place(*s, a);
                        placed = true;
                    }
                }
                _ => {}
            }
        }
        placed
    }

    /// Fallback: an amount printed next to a placed one in the same stretch
    /// belongs to the neighbouring row of the same group.
    fn grow(&mut self) -> bool {
        let mut placed = false;
        let mut changed = true;
        while changed {
            changed = false;
            for s in 0..self.slots.len() {
                let Some(a) = self.slot_at[s] else { continue };
                let group = self.slots[s].group;
                for (ns, na) in [(s + 1, a + 1), (s.wrapping_sub(1), a.wrapping_sub(1))] {
                    if ns < self.slots.len()
                        && na < self.amounts.len()
                        && self.slots[ns].group == group
                        && self.slot_at[ns].is_none()
                        && !self.used[na]
                        && self.amounts[na].run == self.amounts[a].run
                    {
                        self.place(ns, na);
                        self.adjacent[ns] = true;
                        changed = true;
                        placed = true;
                    }
                }
            }
        }
        placed
    }

    /// Step 4, classes: a class from its items, its items from the class.
    fn classes(&mut self) -> bool {
        let mut placed = false;
        for k in 0..self.families.len() {
            let f = &self.families[k];
            let m = f.items.len();
            if m == 0 {
                continue;
            }
            let free_items: Vec<usize> = f
                .items
                .clone()
                .filter(|&s| self.slot_at[s].is_none())
                .collect();
            let known: Amount = f.items.clone().filter_map(|s| self.value_of(s)).sum();
            let head = f.head;
            match (self.value_of(head), &free_items[..]) {
                (None, []) => {
                    if let Some(a) = self.only_free_near(known, m, &[]) {
                        self.place(head, a);
                        placed = true;
                    }
                }
                (Some(v), [s]) => {
                    if let Some(a) = self.only_free_near(v - known, m, &[]) {
                        self.place(*s, a);
                        placed = true;
                    }
                }
                // A class placed, its items all free: the one stretch that
                // adds up to it.
                (Some(v), free) if free.len() == m && m >= 2 && !v.is_zero() => {
                    let fits = (0..self.amounts.len())
                        .filter(|&q| self.free_stretch(q, m))
                        .map(|q| (v, self.sum(q..q + m), q));
                    if let Some(q) = self.best(fits, m) {
                        for (i, s) in f.items.clone().enumerate() {
                            self.place(s, q + i);
                        }
                        placed = true;
                    }
                }
                _ => {}
            }
        }
        placed
    }

    /// Step 5: the amounts left, as pieces (stretches of free amounts within
    /// a run), tiled onto the rows left (stretches of free rows of a group)
    /// and the totals left, so that every class and total adds up. A piece
    /// may be cut once, and at most two are: another group's amount drawn
    /// at a piece's start or a total at its end. Of the tilings that add up,
    /// the one that keeps most amounts next to their neighbours in the
    /// print (a piece ending where the next printed amount's row begins)
    /// wins, then the one closest to reading order. Rows on which the best
    /// tilings disagree are flagged `placed_by_order`.
    fn tile(&mut self) -> bool {
        let free_slots = self.slot_at.iter().filter(|a| a.is_none()).count();
        let open_totals = self.total_at.iter().filter(|a| a.is_none()).count();
        let free: Vec<usize> = self.free().collect();
        if free_slots == 0 || free.len() != free_slots + open_totals || free.len() > 64 {
            return false;
        }
        let mut pieces: Vec<Vec<usize>> = Vec::new();
        for &a in &free {
            match pieces.last_mut() {
                Some(p)
                    if *p.last().expect("non-empty") + 1 == a
                        && self.amounts[a].run == self.amounts[p[0]].run =>
                {
                    p.push(a)
                }
                _ => pieces.push(vec![a]),
            }
        }
        if pieces.len() > 16 {
            return false;
        }
        // Long pieces first: they have the fewest places to go.
        let mut order: Vec<usize> = (0..pieces.len()).collect();
        order.sort_by_key(|&k| std::cmp::Reverse(pieces[k].len()));
        let mut t = Tiling {
            pieces,
            order,
            slot_at: self.slot_at.clone(),
            total_at: self.total_at.clone(),
            parts: Vec::new(),
            cuts: 0,
            nodes: 0,
            best: None,
            reference: None,
            differs: vec![false; self.slots.len()],
        };
        t.search(self, 0);
        if t.nodes > TILING_NODES {
            return false;
        }
        let Some((_, slot_at, total_at)) = t.best else {
            return false;
        };
        for (s, laid) in slot_at.into_iter().enumerate() {
            if self.slot_at[s].is_none()
                && let Some(a) = laid
            {
                self.place(s, a);
                self.adjacent[s] = true;
                if t.differs[s] {
                    self.by_order.push(a);
                }
            }
        }
        for (k, a) in total_at.into_iter().enumerate() {
            if self.total_at[k].is_none()
                && let Some(a) = a
            {
                self.total_at[k] = Some(a);
                self.used[a] = true;
            }
        }
        true
    }

    /// Does every class and total whose rows are all placed add up?
    fn adds_up(&self, slot_at: &[Option<usize>], total_at: &[Option<usize>]) -> bool {
        let value = |s: usize| slot_at[s].map(|a| self.amounts[a].value);
        for f in &self.families {
            if f.items.is_empty() {
                continue;
            }
            let items: Option<Amount> = f.items.clone().map(value).sum();
            if let (Some(h), Some(i)) = (value(f.head), items)
                && !self.near(h, i, f.items.len())
            {
                return false;
            }
        }
        for (k, t) in self.totals.iter().enumerate() {
            let parts: Option<Amount> = t.parts.iter().map(|&s| value(s)).sum();
            if let (Some(a), Some(p)) = (total_at[k], parts)
                && !self.near(self.amounts[a].value, p, t.parts.len())
            {
                return false;
            }
        }
        true
    }

    /// Placings by adjacency or reading order stand only in a class that
    /// adds up in the end: a piece glued to the wrong neighbour (another
    /// group's amount drawn just before it) leaves its class short or over,
    /// or unfinished.
    fn verify(&mut self) {
        // A class placed on weak evidence stands if a total it is part of
        // was placed and adds up.
        for k in 0..self.families.len() {
            let head = self.families[k].head;
            let confirmed = self.totals.iter().enumerate().any(|(t, total)| {
                let parts: Option<Amount> = total.parts.iter().map(|&s| self.value_of(s)).sum();
                match (self.total_at[t], parts) {
                    (Some(a), Some(p)) if total.parts.contains(&head) => {
                        self.near(self.amounts[a].value, p, total.parts.len())
                    }
                    _ => false,
                }
            });
            if self.weak[k] && !confirmed {
                let f = &self.families[k];
                for s in f.head..f.items.end {
                    if let Some(a) = self.slot_at[s].take() {
                        self.used[a] = false;
                        self.by_order.retain(|&x| x != a);
                    }
                }
            }
        }
        for k in 0..self.families.len() {
            let f = &self.families[k];
            let slots = f.head..f.items.end;
            let items: Option<Amount> = f.items.clone().map(|s| self.value_of(s)).sum();
            let holds = match (self.value_of(f.head), items) {
                (Some(h), Some(i)) => f.items.is_empty() || self.near(h, i, f.items.len()),
                _ => false,
            };
            if holds {
                continue;
            }
            let glued: Vec<usize> = slots.filter(|&s| self.adjacent[s]).collect();
            for s in glued {
                if let Some(a) = self.slot_at[s].take() {
                    self.used[a] = false;
                    self.by_order.retain(|&x| x != a);
                }
                self.adjacent[s] = false;
            }
        }
    }

    /// A printed name of the code: the token that reads as its canonical
    /// name, whole or wrapped over two lines.
    fn name(&self, toks: &'a [Tok], code: &str) -> Option<Cell> {
        let canonical = economic_name(code)?;
        let sq = &self.squeezed;
        (0..toks.len()).find_map(|k| {
            let one = sq[k].as_str();
            if one.is_empty() {
                return None;
            }
            if one == canonical {
                return Some(toks[k].cell(1));
            }
            let next = sq.get(k + 1).map_or("", String::as_str);
            (!next.is_empty() && canonical.strip_prefix(one) == Some(next)).then(|| {
                let mut c = toks[k].cell(1);
                c.text = canonical.to_string();
                c
            })
        })
    }

    fn grid(&self, toks: &'a [Tok]) -> Grid {
        let mut grid = Grid::default();
        for (s, slot) in self.slots.iter().enumerate() {
            let Some(a) = self.slot_at[s] else { continue };
            let mut cells = vec![slot.tok.cell(0)];
            cells.extend(self.name(toks, &slot.code));
            cells.push(self.amounts[a].tok.cell(2));
            grid.rows.push(Row {
                line: self.amounts[a].tok.line,
                cells,
            });
        }
        for (t, total) in self.totals.iter().enumerate() {
            let Some(a) = self.total_at[t] else { continue };
            grid.rows.push(Row {
                line: self.amounts[a].tok.line,
                cells: vec![total.tok.cell(1), self.amounts[a].tok.cell(2)],
            });
        }
        // Amounts no step placed: a row without code or label (unplaced).
        let left: Vec<Cell> = self
            .free()
            .enumerate()
            .map(|(i, a)| self.amounts[a].tok.cell(3 + i))
            .collect();
        if let Some(first) = left.first() {
            grid.rows.push(Row {
                line: first.line,
                cells: left,
            });
        }
        grid.placed_by_order = self
            .by_order
            .iter()
            .map(|&a| self.amounts[a].tok.line)
            .collect();
        grid
    }
}

/// Search nodes for laying a column whose blank cells are gone
/// ([`Placing::blank_cells_gone`]); past them nothing is placed by it.
const LAYING_NODES: usize = 50_000;

/// Layings collected; a column with more is not placed by them (any row
/// might differ in one not collected).
const LAYINGS: usize = 16;

/// A class (its rows) or a total, in the order the column prints them.
#[derive(Clone, Copy)]
enum Unit {
    Class(usize),
    Total(usize),
}

/// The search for layings: how many amounts each unit takes, in order.
struct Laying<'u> {
    /// Where each unit's label and each amount stand in the stream.
    unit_at: &'u [usize],
    amount_at: &'u [usize],
    /// The amounts in the order they are laid.
    order: &'u [usize],
    units: &'u [Unit],
    taken: Vec<usize>,
    found: Vec<Vec<usize>>,
    nodes: usize,
}

impl Laying<'_> {
    fn search(&mut self, p: &Placing, u: usize, next: usize) {
        self.nodes += 1;
        if self.nodes > LAYING_NODES || self.found.len() >= LAYINGS {
            return;
        }
        let n = p.amounts.len();
        let Some(&unit) = self.units.get(u) else {
            if next == n && self.totals_add_up(p) {
                self.found.push(self.taken.clone());
            }
            return;
        };
        // A row's amount is printed after its label.
        let after = next < n && self.amount_at[next] > self.unit_at[u];
        let choices: Vec<usize> = match unit {
            Unit::Total(_) => (0..=1)
                .filter(|&c| c == 0 || after && next + c <= n)
                .collect(),
            Unit::Class(k) => {
                let m = p.families[k].items.len();
                std::iter::once(0)
                    .chain((1..=m + 1).filter(|&c| {
                        after
                            && next + c <= n
                            && (m == 0 || {
                                let items = self.order[next + 1..next + c]
                                    .iter()
                                    .map(|&a| p.amounts[a].value)
                                    .sum();
                                p.near(p.amounts[self.order[next]].value, items, c - 1)
                            })
                    }))
                    .collect()
            }
        };
        for c in choices {
            self.taken.push(c);
            self.search(p, u + 1, next + c);
            self.taken.pop();
        }
    }

    /// Every total equals its classes as laid (a class or total laid
    /// nothing counts zero).
    fn totals_add_up(&self, p: &Placing) -> bool {
        let mut head_value = vec![Amount::ZERO; p.slots.len()];
        let mut total_value = vec![Amount::ZERO; p.totals.len()];
        let mut next = 0;
        for (&unit, &c) in self.units.iter().zip(&self.taken) {
            if c > 0 {
                let value = p.amounts[self.order[next]].value;
                match unit {
                    Unit::Class(k) => head_value[p.families[k].head] = value,
                    Unit::Total(k) => total_value[k] = value,
                }
            }
            next += c;
        }
        p.totals.iter().enumerate().all(|(k, t)| {
            let parts: Amount = t.parts.iter().map(|&h| head_value[h]).sum();
            p.near(total_value[k], parts, t.parts.len())
        })
    }
}

/// Moves beyond placing the loose amounts that an arrangement of a drifted
/// row-major stream may make ([`Placing::drifted_rows`]).
const DRIFT_MOVES: usize = 3;

/// Search nodes for a drifted row-major stream; past them nothing is
/// placed by it.
const DRIFT_NODES: usize = 100_000;

/// The identities of table 06 over positions (rows, then totals), for
/// arranging a drifted row-major stream.
struct Drift<'p, 'a> {
    p: &'p Placing<'a>,
    /// Each family as (head, items) and each total as (total, parts), in
    /// positions.
    sums: Vec<(usize, Vec<usize>)>,
    /// The sums each position takes part in.
    sums_of: Vec<Vec<usize>>,
    /// The class whose item each position is (its sum): blank items of one
    /// class are alike to every sum, so an amount is laid on the first.
    item_of: Vec<Option<usize>>,
    /// No amount is negative: a sum whose parts already exceed its total
    /// fails whatever is laid on its blank rows.
    nonneg: bool,
    nodes: usize,
}

impl<'p, 'a> Drift<'p, 'a> {
    fn new(p: &'p Placing<'a>, n_slots: usize, positions: usize) -> Self {
        let mut sums: Vec<(usize, Vec<usize>)> = p
            .families
            .iter()
            .filter(|f| !f.items.is_empty())
            .map(|f| (f.head, f.items.clone().collect()))
            .collect();
        sums.extend(
            p.totals
                .iter()
                .enumerate()
                .map(|(k, t)| (n_slots + k, t.parts.clone())),
        );
        let mut sums_of = vec![Vec::new(); positions];
        let mut item_of = vec![None; positions];
        for (k, (total, parts)) in sums.iter().enumerate() {
            for &pos in std::iter::once(total).chain(parts) {
                sums_of[pos].push(k);
            }
            if *total < n_slots {
                for &pos in parts {
                    item_of[pos] = Some(k);
                }
            }
        }
        Drift {
            p,
            sums,
            sums_of,
            item_of,
            nonneg: p.amounts.iter().all(|a| a.value >= Amount::ZERO),
            nodes: 0,
        }
    }

    /// The blank rows from `from` on an amount may be laid on: of a class's
    /// blank items only the first.
    fn blank_rows(&self, at: &[Option<usize>], from: usize) -> Vec<usize> {
        let mut classes = Vec::new();
        let mut out = Vec::new();
        for pos in (0..at.len()).filter(|&pos| at[pos].is_none()) {
            if let Some(k) = self.item_of[pos] {
                if classes.contains(&k) {
                    continue;
                }
                classes.push(k);
            }
            if pos >= from {
                out.push(pos);
            }
        }
        out
    }

    /// Whether the amount the search laid on item `pos` could as well be on
    /// another item of its class, blank or laid by the search with another
    /// amount: the sums cannot tell the two apart.
    fn interchangeable(
        &self,
        printed: &[Option<usize>],
        laid: &[Option<usize>],
        pos: usize,
    ) -> bool {
        let value = |x: Option<usize>| x.map(|a| self.p.amounts[a].value);
        self.item_of[pos].is_some_and(|k| {
            self.sums[k].1.iter().any(|&x| {
                x != pos
                    && (laid[x].is_none()
                        || printed[x] != laid[x] && value(laid[x]) != value(laid[pos]))
            })
        })
    }

    /// The sums that do not hold, a blank row counting as zero (a sum whose
    /// rows are all blank holds).
    fn failing(&self, at: &[Option<usize>]) -> Vec<usize> {
        let value = |pos: usize| at[pos].map_or(Amount::ZERO, |a| self.p.amounts[a].value);
        (0..self.sums.len())
            .filter(|&k| {
                let (total, parts) = &self.sums[k];
                let sum: Amount = parts.iter().map(|&x| value(x)).sum();
                !self.p.near(value(*total), sum, parts.len())
            })
            .collect()
    }

    /// Every arrangement with the fewest moves after which all sums hold,
    /// or `None` (none within [`DRIFT_MOVES`], or the budget ran out).
    fn solve(
        &mut self,
        mut at: Vec<Option<usize>>,
        loose: &[usize],
    ) -> Option<Vec<Vec<Option<usize>>>> {
        // Largest first: a total closes its sum soonest.
        let mut must: Vec<usize> = loose
            .iter()
            .copied()
            .filter(|&a| !self.p.amounts[a].value.is_zero())
            .collect();
        must.sort_by_key(|&a| std::cmp::Reverse(self.p.amounts[a].value));
        for moves in 0..=DRIFT_MOVES {
            let mut found = Vec::new();
            self.move_rows(&mut at, (&mut Vec::new(), moves), &must, &mut found);
            if self.nodes > DRIFT_NODES {
                return None;
            }
            if !found.is_empty() {
                return Some(found);
            }
        }
        None
    }

    /// Exactly `moves` moves, then the loose amounts laid on the rows left
    /// blank. Moves are those a failing sum asks for: a blank row takes the
    /// amount printed elsewhere that makes it hold, or its total, or the
    /// part whose amount is its excess, gives it to a blank row of another
    /// sum that fails. Each amount moves once (`moved`).
    fn move_rows(
        &mut self,
        at: &mut Vec<Option<usize>>,
        (moved, moves): (&mut Vec<usize>, usize),
        must: &[usize],
        found: &mut Vec<Vec<Option<usize>>>,
    ) {
        self.nodes += 1;
        if self.nodes > DRIFT_NODES {
            return;
        }
        if moves == 0 {
            self.lay_loose(at, must, 0, found);
            return;
        }
        for (src, dst) in self.asked_moves(at, moved) {
            let a = at[src].expect("a move takes a printed amount");
            at[src] = None;
            at[dst] = Some(a);
            moved.push(a);
            self.move_rows(at, (moved, moves - 1), must, found);
            moved.pop();
            at[dst] = None;
            at[src] = Some(a);
        }
    }

    /// The moves (from, to) that the failing sums ask for.
    fn asked_moves(&self, at: &[Option<usize>], moved: &[usize]) -> Vec<(usize, usize)> {
        let value = |pos: usize| at[pos].map_or(Amount::ZERO, |a| self.p.amounts[a].value);
        let movable = |pos: usize| {
            at[pos].is_some_and(|a| !self.p.amounts[a].value.is_zero() && !moved.contains(&a))
        };
        let failing = self.failing(at);
        let rows_of = |k: usize| {
            let (total, parts) = &self.sums[k];
            std::iter::once(*total).chain(parts.iter().copied())
        };
        let blank = self.blank_rows(at, 0);
        let mut out = Vec::new();
        for &k in &failing {
            let (total, parts) = &self.sums[k];
            let parts_sum: Amount = parts.iter().map(|&x| value(x)).sum();
            // A blank row takes what makes the sum hold.
            for hole in rows_of(k).filter(|pos| blank.contains(pos)) {
                let want = self.lacks(at, k, hole);
                for src in 0..at.len() {
                    if src != hole && movable(src) && self.p.near(value(src), want, parts.len()) {
                        out.push((src, hole));
                    }
                }
            }
            // A part that is the sum's excess, or the total itself, gives
            // its amount to a blank row of another sum: one that fails, or
            // one that holds only because all its rows are blank (a class
            // whose own amount drifted onto a total's line, its items'
            // amounts drawn later among the loose ones).
            let excess = parts_sum - value(*total);
            let givers = parts
                .iter()
                .filter(|&&src| {
                    excess > Amount::ZERO && self.p.near(value(src), excess, parts.len())
                })
                .chain(std::iter::once(total));
            for &src in givers {
                if movable(src) {
                    for &dst in &blank {
                        if !self.sums_of[dst].contains(&k) {
                            out.push((src, dst));
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The loose amounts laid on the rows left blank (equal ones from row
    /// `from` on), in every way after which all sums hold. A sum none of
    /// whose rows is left blank is final: where it fails, nothing laid
    /// later mends it.
    fn lay_loose(
        &mut self,
        at: &mut Vec<Option<usize>>,
        must: &[usize],
        from: usize,
        found: &mut Vec<Vec<Option<usize>>>,
    ) {
        self.nodes += 1;
        if self.nodes > DRIFT_NODES {
            return;
        }
        let Some((&a, rest)) = must.split_first() else {
            if self.failing(at).is_empty() && !found.contains(at) {
                found.push(at.clone());
            }
            return;
        };
        let value = |x: usize| self.p.amounts[x].value;
        for pos in self.blank_rows(at, from) {
            at[pos] = Some(a);
            if self.sums_of[pos].iter().all(|&k| self.holds_or_open(at, k))
                && (0..self.sums.len()).all(|k| self.can_close(at, k, rest))
            {
                // Equal amounts are laid in row order: once each way.
                let next = match rest.first() {
                    Some(&b) if value(b) == value(a) => pos + 1,
                    _ => 0,
                };
                self.lay_loose(at, rest, next, found);
            }
            at[pos] = None;
        }
    }

    /// What blank row `hole` of sum `k` must take for the sum to hold, the
    /// other blank rows read as zero.
    fn lacks(&self, at: &[Option<usize>], k: usize, hole: usize) -> Amount {
        let (total, parts) = &self.sums[k];
        let value = |pos: usize| at[pos].map_or(Amount::ZERO, |a| self.p.amounts[a].value);
        let parts_sum: Amount = parts.iter().map(|&x| value(x)).sum();
        if hole == *total {
            parts_sum
        } else {
            value(*total) - parts_sum
        }
    }

    /// Whether sum `k` can still hold: a sum with one blank row left holds
    /// only if that row stays blank (what it lacks is zero) or takes one of
    /// the amounts `rest` still to be laid. (Laying the largest first, the
    /// totals close early, and this cuts the search for their parts.)
    fn can_close(&self, at: &[Option<usize>], k: usize, rest: &[usize]) -> bool {
        let (total, parts) = &self.sums[k];
        let mut blank = std::iter::once(total)
            .chain(parts)
            .filter(|&&pos| at[pos].is_none());
        let (Some(&hole), None) = (blank.next(), blank.next()) else {
            return true;
        };
        let want = self.lacks(at, k, hole);
        let terms = parts.len();
        self.p.near(want, Amount::ZERO, terms)
            || rest
                .iter()
                .any(|&a| self.p.near(self.p.amounts[a].value, want, terms))
    }

    /// Whether sum `k` holds, or has a blank row still to be laid and its
    /// parts do not already exceed its total.
    fn holds_or_open(&self, at: &[Option<usize>], k: usize) -> bool {
        let (total, parts) = &self.sums[k];
        let value = |pos: usize| at[pos].map_or(Amount::ZERO, |a| self.p.amounts[a].value);
        let sum: Amount = parts.iter().map(|&x| value(x)).sum();
        if parts.iter().any(|&x| at[x].is_none()) {
            return !(self.nonneg
                && at[*total].is_some()
                && sum - value(*total) > self.p.tol(parts.len()));
        }
        at[*total].is_none() || self.p.near(value(*total), sum, parts.len())
    }
}

/// Search nodes a tiling may visit before it gives up (50,000 found as much
/// as 200,000 on generated archives); the fallback takes over.
const TILING_NODES: usize = 50_000;

/// Cuts a tiling may make in all, one per piece: another group's amount
/// drawn at a piece's start, or a total at its end. (Three cuts, or two in
/// one piece, found no more on generated archives and ran out of nodes.)
const MAX_CUTS: usize = 2;

/// Where a piece's part goes.
#[derive(Clone, Copy)]
enum Spot {
    Rows(usize),
    Total(usize),
}

/// A tiling's score (amounts beside their neighbours' rows, then fewer
/// parts out of reading order), the amount on each row and on each total.
type Laid = (
    (usize, std::cmp::Reverse<usize>),
    Vec<Option<usize>>,
    Vec<Option<usize>>,
);

/// A tiling search's state: rows and totals taken so far, the parts laid
/// (amounts, spot), and the best tilings found.
struct Tiling {
    pieces: Vec<Vec<usize>>,
    order: Vec<usize>,
    slot_at: Vec<Option<usize>>,
    total_at: Vec<Option<usize>>,
    parts: Vec<(Vec<usize>, Spot)>,
    cuts: usize,
    nodes: usize,
    best: Option<Laid>,
    /// The first tiling with the most amounts beside their neighbours, and
    /// that count: what the others are compared with.
    reference: Option<(usize, Vec<Option<usize>>)>,
    /// Rows on which tilings with that count disagree.
    differs: Vec<bool>,
}

impl Tiling {
    fn search(&mut self, p: &Placing, k: usize) {
        self.nodes += 1;
        if self.nodes > TILING_NODES {
            return;
        }
        let Some(&piece) = self.order.get(k) else {
            self.leaf(p);
            return;
        };
        let amounts = self.pieces[piece].clone();
        self.lay(p, k, &amounts, &[]);
        if self.cuts < MAX_CUTS {
            for at in 1..amounts.len() {
                self.cuts += 1;
                self.lay(p, k, &amounts[..at], &amounts[at..]);
                self.cuts -= 1;
            }
        }
    }

    /// Lays `part` on every spot it fits, then `rest` (the other part of a
    /// cut piece, laid whole) or the next piece.
    fn lay(&mut self, p: &Placing, k: usize, part: &[usize], rest: &[usize]) {
        for spot in self.spots(p, part.len()) {
            self.put(spot, part, true);
            if p.adds_up(&self.slot_at, &self.total_at) {
                self.parts.push((part.to_vec(), spot));
                if rest.is_empty() {
                    self.search(p, k + 1);
                } else {
                    self.lay(p, k, rest, &[]);
                }
                self.parts.pop();
            }
            self.put(spot, part, false);
            if self.nodes > TILING_NODES {
                return;
            }
        }
    }

    fn spots(&self, p: &Placing, len: usize) -> Vec<Spot> {
        let mut out = Vec::new();
        for s in 0..p.slots.len() {
            let end = s + len;
            if end <= p.slots.len()
                && (s..end)
                    .all(|x| self.slot_at[x].is_none() && p.slots[x].group == p.slots[s].group)
            {
                out.push(Spot::Rows(s));
            }
        }
        if len == 1 {
            out.extend(
                (0..self.total_at.len())
                    .filter(|&t| self.total_at[t].is_none())
                    .map(Spot::Total),
            );
        }
        out
    }

    fn put(&mut self, spot: Spot, part: &[usize], on: bool) {
        match spot {
            Spot::Rows(s) => {
                for (i, &a) in part.iter().enumerate() {
                    self.slot_at[s + i] = on.then_some(a);
                }
            }
            Spot::Total(t) => self.total_at[t] = on.then_some(part[0]),
        }
    }

    /// A complete tiling that adds up: scored by amounts next to their
    /// printed neighbours' rows, then by closeness to reading order.
    fn leaf(&mut self, p: &Placing) {
        let mut slot_of = vec![None; p.amounts.len()];
        for (s, a) in self.slot_at.iter().enumerate() {
            if let Some(a) = a {
                slot_of[*a] = Some(s);
            }
        }
        let mut next_to = 0;
        for (part, _) in &self.parts {
            let (first, last) = (part[0], part[part.len() - 1]);
            let beside = |a: usize, b: usize| {
                p.amounts[a].run == p.amounts[b].run
                    && matches!((slot_of[a], slot_of[b]), (Some(x), Some(y))
                        if x + 1 == y && p.slots[x].group == p.slots[y].group)
            };
            if first > 0 && beside(first - 1, first) {
                next_to += 1;
            }
            if last + 1 < p.amounts.len() && beside(last, last + 1) {
                next_to += 1;
            }
        }
        let rank = |spot: &Spot| match spot {
            Spot::Rows(s) => *s,
            Spot::Total(t) => p.slots.len() + t,
        };
        let mut inversions = 0;
        for (i, (a, sa)) in self.parts.iter().enumerate() {
            for (b, sb) in &self.parts[i + 1..] {
                if (a[0] < b[0]) != (rank(sa) < rank(sb)) {
                    inversions += 1;
                }
            }
        }
        // Rows on which tilings with as many amounts beside their neighbours
        // disagree are decided by reading order alone.
        match &self.reference {
            Some((n, rows)) if *n == next_to => {
                for (s, d) in self.differs.iter_mut().enumerate() {
                    let (x, y) = (rows[s], self.slot_at[s]);
                    if x.map(|a| p.amounts[a].value) != y.map(|a| p.amounts[a].value) {
                        *d = true;
                    }
                }
            }
            Some((n, _)) if *n > next_to => return,
            _ => {
                self.reference = Some((next_to, self.slot_at.clone()));
                self.differs.iter_mut().for_each(|d| *d = false);
                self.best = None;
            }
        }
        let score = (next_to, std::cmp::Reverse(inversions));
        if self.best.as_ref().is_none_or(|(b, _, _)| score > *b) {
            self.best = Some((score, self.slot_at.clone(), self.total_at.clone()));
        }
    }
}

/// Where the tokens from `k` print `names` in order, each whole or wrapped
/// over several lines, and nothing else: the index after the last.
fn names_run(squeezed: &[String], k: usize, names: &[&str]) -> Option<usize> {
    let mut at = k;
    for name in names {
        let mut rest = *name;
        while !rest.is_empty() {
            let t = squeezed.get(at).filter(|t| !t.is_empty())?;
            rest = rest.strip_prefix(t.as_str())?;
            at += 1;
        }
    }
    Some(at)
}

/// The rows in printed order. A group prints its classes in ascending order,
/// each followed by its items in ascending order; the PDF may draw a group's
/// item codes anywhere (after the names, after the note), but its class codes
/// come in order, so a class code lower than the one before it opens the next
/// group. Items whose class is not printed form a last group of their own.
fn arrange(codes: Vec<(&Tok, String)>) -> (Vec<Slot<'_>>, Vec<Family>) {
    let mut slots = Vec::new();
    let mut families = Vec::new();
    let mut group = 0;
    let mut prev: Option<&str> = None;
    for (tok, class) in codes.iter().filter(|(_, c)| c.len() == 3) {
        if prev.is_some_and(|p| class.as_str() < p) {
            group += 1;
        }
        prev = Some(class);
        let head = slots.len();
        slots.push(Slot {
            tok,
            code: class.clone(),
            group,
        });
        let mut items: Vec<&(&Tok, String)> = codes
            .iter()
            .filter(|(_, c)| c.len() == 5 && c.starts_with(class.as_str()))
            .collect();
        items.sort_by(|a, b| a.1.cmp(&b.1));
        for (tok, code) in items {
            slots.push(Slot {
                tok,
                code: code.clone(),
                group,
            });
        }
        families.push(Family {
            head,
            items: head + 1..slots.len(),
        });
    }
    let mut loose: Vec<&(&Tok, String)> = codes
        .iter()
        .filter(|(_, c)| c.len() == 5 && !slots.iter().any(|s| s.code == c[..3]))
        .collect();
    loose.sort_by(|a, b| a.1.cmp(&b.1));
    for (tok, code) in loose {
        slots.push(Slot {
            tok,
            code: code.clone(),
            group: group + 1,
        });
    }
    (slots, families)
}

#[cfg(test)]
mod tests {
    use super::super::{Context, grid as read_grid};
    use crate::decode::Text;
    use crate::extract::tables::{TableRead, Unit, describe, read_table};
    use crate::model::Flag;
    use crate::vocab::Table;

    fn read(lines: &[&str]) -> TableRead {
        read_in(lines, &Context::default())
    }

    fn read_in(lines: &[&str], context: &Context) -> TableRead {
        let t = Text::from_string(&lines.join("\n"));
        let g = read_grid(&t, 0..t.len(), Table::GeneralBudgetBasic, context);
        read_table(Table::GeneralBudgetBasic, &g, Unit::Wan, false)
    }

    /// A block of one cell per line, as the converters that print a
    /// stream set it.
    fn stream() -> Context {
        Context {
            cell_stream: true,
            ..Context::default()
        }
    }

    fn flagged(r: &TableRead) -> Vec<String> {
        r.items
            .iter()
            .filter(|i| i.flags.contains(&Flag::PlacedByOrder))
            .map(|i| i.subject_code.clone().unwrap_or_default())
            .collect()
    }

    /// A document's lines, written space-separated (no cell holds a space).
    fn words(s: &'static str) -> impl Iterator<Item = &'static str> {
        s.split_whitespace()
    }

    const HEAD: &[&str] = &["一般公共预算财政拨款基本支出决算明细表", "单位：万元"];

    /// A table 06 block: its title and unit, then `cells` one per line.
    fn block(cells: &'static str) -> Vec<&'static str> {
        let mut doc = HEAD.to_vec();
        doc.extend(words(cells));
        doc
    }

    /// The rows of `proven` are read, the rows of codes `by_order` are
    /// placed by reading order alone, and every amount is placed.
    fn assert_proven_by_order(r: &TableRead, proven: &[&str], by_order: &[&str]) {
        assert_has(r, proven);
        assert_eq!(flagged(r), by_order);
        assert_eq!(r.unplaced, 0);
    }

    /// Each of `want` is among the rows read.
    fn assert_has(r: &TableRead, want: &[&str]) {
        let got = describe(&r.items);
        for w in want {
            assert!(got.contains(&w.to_string()), "{w} in {got:#?}");
        }
    }

    #[test]
    fn groups_printed_one_after_the_other() {
        // A 水务站: each group's codes, names, then amounts with its total last.
        let mut doc = HEAD.to_vec();
        doc.extend(words(concat!(
            "人员经费 科目编码 科目名称 决算数 301 30101 30113 303 ",
            "30305 工资福利支出 基本工资 住房公积金 ",
            "对个人和家庭的补助 生活补助 人员经费合计 36.50 ",
            "30.00 6.50 2.00 2.00 38.50 公用经费 科目编码 科目名称 ",
            "决算数 302 30201 30211 商品和服务支出 办公费 差旅费 ",
            "公用经费合计 4.30 3.10 1.20 4.30",
        )));
        let r = read(&doc);
        assert_eq!(
            describe(&r.items),
            [
                "|301|决算数|36.5",
                "|30101|决算数|30",
                "|30113|决算数|6.5",
                "|303|决算数|2",
                "|30305|决算数|2",
                "|302|决算数|4.3",
                "|30201|决算数|3.1",
                "|30211|决算数|1.2",
                "|人员经费合计|决算数|38.5",
                "|公用经费合计|决算数|4.3",
            ]
        );
        assert_eq!(r.unplaced, 0);
        assert!(flagged(&r).is_empty());
        assert_eq!(r.items[2].item, "住房公积金");
    }

    /// Two groups side by side. The PDF drew the first group's amounts in
    /// pieces: one before the second group's codes, two among its names, one
    /// after the note; and the second group's class amount among the first
    /// group's. `class` is what 301 prints (its items sum to 110.00).
    fn displaced(class: &'static str) -> Vec<&'static str> {
        let mut doc = HEAD.to_vec();
        doc.extend(words(concat!(
            "经济分类 科目编码 301 30101 30102 30103 30107 303 30302 30309 ",
            "30.00 经济分类 科目编码 302 30201 30205 310 31002 科目名称 ",
            "决算数 工资福利支出 基本工资 津贴补贴 奖金 ",
            "绩效工资 对个人和家庭的补助 退休费 奖励金",
        )));
        doc.push(class);
        doc.extend(words(concat!(
            "50.00 决算数 商品和服务支出 9.00 办公费 20.00 水费 12.00 ",
            "资本性支出 12.00 办公设备购置 0.00 122.00 ",
            "人员经费合计 公用经费合计 ",
            "注：本表反映基本支出明细情况。 10.00 31002 4.00 5.00 ",
            "3.00 3.00 12.00",
        )));
        doc
    }

    #[test]
    fn amounts_drawn_away_from_their_rows_are_placed_by_the_identities() {
        let doc = displaced("110.00");
        let r = read(&doc);
        let got = describe(&r.items);
        assert_has(
            &r,
            &[
                "|301|决算数|110",
                "|30101|决算数|50",
                "|30102|决算数|30",
                "|30103|决算数|10",
                "|30107|决算数|20",
                "|303|决算数|12",
                "|30302|决算数|12",
                "|30309|决算数|0",
                "|302|决算数|9",
                "|30201|决算数|4",
                "|30205|决算数|5",
                "|310|决算数|3",
                "|31002|决算数|3",
                "|人员经费合计|决算数|122",
                "|公用经费合计|决算数|12",
            ],
        );
        assert_eq!(got.len(), 15, "{got:#?}");
        assert_eq!(r.unplaced, 0);
        // 30102 and 30103 share 40.00 by the class's identity; only the
        // reading order says which is which.
        assert_eq!(flagged(&r), ["30102", "30103"]);
    }

    #[test]
    fn amounts_no_identity_proves_stay_unplaced() {
        // The class's print disagrees with its items: the pieces drawn apart
        // cannot be proven, so they are not emitted. 303 (12.00 = 12.00 +
        // 0.00) rests on one item and 人员经费合计 cannot confirm it without
        // 301: not emitted either. The second group adds up and is.
        let doc = displaced("111.00");
        let r = read(&doc);
        let got = describe(&r.items);
        assert_eq!(
            got,
            [
                "|302|决算数|9",
                "|30201|决算数|4",
                "|30205|决算数|5",
                "|310|决算数|3",
                "|31002|决算数|3",
                "|公用经费合计|决算数|12",
            ]
        );
        // 111, 50, 30, 10 and 20; 12, 12 and 0; 122: left unplaced.
        assert_eq!(r.unplaced, 9);
    }

    #[test]
    fn pieces_of_two_classes_are_tiled_by_their_identities() {
        // The first group's amounts in three pieces, each crossing a class
        // boundary or holding part of one: 30102 303 30302 after the codes,
        // 301 30101 after the names, 30305 30309 among the second group's
        // names. No class is printed whole; the identities of both classes
        // and of 人员经费合计 leave one way to lay the pieces.
        let mut doc = HEAD.to_vec();
        doc.extend(words(concat!(
            "经济分类 科目编码 301 30101 30102 303 30302 30305 30309 211.15 ",
            "93.70 51.30 经济分类 科目编码 302 30201 30205 科目名称 ",
            "决算数 工资福利支出 基本工资 津贴补贴 ",
            "对个人和家庭的补助 退休费 生活补助 奖励金 612.40 ",
            "401.25 决算数 商品和服务支出 71.85 办公费 0.00 水费 ",
            "42.40 资本性支出 办公设备购置 310 31002 706.10 ",
            "人员经费合计 公用经费合计 ",
            "注：本表反映基本支出明细情况。 科目名称 30.60 41.25 ",
            "26.40 26.40 98.25",
        )));
        assert_all_proven(
            &read(&doc),
            &[
                "|301|决算数|612.4",
                "|30101|决算数|401.25",
                "|30102|决算数|211.15",
                "|303|决算数|93.7",
                "|30302|决算数|51.3",
                "|30305|决算数|0",
                "|30309|决算数|42.4",
                "|302|决算数|71.85",
                "|30201|决算数|30.6",
                "|30205|决算数|41.25",
                "|310|决算数|26.4",
                "|31002|决算数|26.4",
                "|人员经费合计|决算数|706.1",
                "|公用经费合计|决算数|98.25",
            ],
        );
    }

    /// The table reads as `want` (in any order), every amount placed and
    /// none by reading order alone.
    fn assert_all_proven(r: &TableRead, want: &[&str]) {
        let mut got = describe(&r.items);
        got.sort();
        let mut want = want.to_vec();
        want.sort();
        assert_eq!(got, want);
        assert_eq!(r.unplaced, 0);
        assert!(flagged(r).is_empty(), "{:?}", flagged(r));
    }

    /// Two groups side by side, printed row by row, two of the first
    /// group's class amounts drawn after its total's (`301` and `303`
    /// print none of their own) and a first-group figure set on the line of
    /// a second-group code.
    fn drifted(personnel: &'static str) -> Vec<&'static str> {
        let mut doc = HEAD.to_vec();
        doc.extend(words(concat!(
            "科目编码 科目名称 决算数 科目编码 科目名称 决算数 ",
            "301 工资福利支出 302 商品和服务支出 9.00 30101 基本工资 80.00 ",
            "30201 办公费 4.00 30102 津贴补贴 30.00 30205 水费 5.00 ",
            "303 对个人和家庭的补助 310 资本性支出 3.00 30302 退休费",
        )));
        doc.push("12.00 31002");
        doc.extend(words("办公设备购置 3.00 人员经费合计"));
        doc.extend(words(personnel));
        doc.extend(words("公用经费合计 12.00"));
        doc
    }

    #[test]
    fn amounts_drawn_after_the_rows_of_a_row_by_row_stream_are_placed_back() {
        assert_all_proven(
            &read_in(&drifted("110.00 12.00 122.00"), &stream()),
            &[
                "|301|决算数|110",
                "|30101|决算数|80",
                "|30102|决算数|30",
                "|303|决算数|12",
                "|30302|决算数|12",
                "|302|决算数|9",
                "|30201|决算数|4",
                "|30205|决算数|5",
                "|310|决算数|3",
                "|31002|决算数|3",
                "|人员经费合计|决算数|122",
                "|公用经费合计|决算数|12",
            ],
        );
    }

    #[test]
    fn drifted_amounts_that_fit_two_rows_are_placed_by_order() {
        // 303's items: 30302 prints 12.00 on the second group's line, and a
        // blank 30305 follows. Drawn apart, 12.00 fits either: 303 and the
        // totals are proven, the item is not.
        let mut doc = drifted("110.00 12.00 122.00");
        let at = doc
            .iter()
            .position(|l| *l == "12.00 31002")
            .expect("the line");
        doc[at] = "31002";
        doc.insert(at, "生活补助");
        doc.insert(at, "30305");
        let total = doc
            .iter()
            .position(|l| *l == "公用经费合计")
            .expect("the line");
        doc.insert(total, "12.00");
        assert_proven_by_order(
            &read_in(&doc, &stream()),
            &["|303|决算数|12", "|人员经费合计|决算数|122"],
            &["30302"],
        );
    }

    #[test]
    fn an_item_after_a_blank_row_of_the_other_group_is_its_own() {
        // Side by side, the second group's rows blank but 30202: each first
        // group item follows a blank row, of another class. 302's 4.00 is
        // drawn after the totals.
        let doc = block(concat!(
            "科目编码 科目名称 决算数 301 工资福利支出 110.00 302 30101 ",
            "基本工资 80.00 30201 办公费 30102 津贴补贴 30.00 30202 印刷费 ",
            "4.00 人员经费合计 110.00 公用经费合计 4.00 4.00",
        ));
        assert_all_proven(
            &read_in(&doc, &stream()),
            &[
                "|301|决算数|110",
                "|30101|决算数|80",
                "|30102|决算数|30",
                "|302|决算数|4",
                "|30202|决算数|4",
                "|人员经费合计|决算数|110",
                "|公用经费合计|决算数|4",
            ],
        );
    }

    #[test]
    fn an_amount_after_a_blank_item_of_its_class_is_either_items() {
        // 6.00 follows 31007, but 31002 before it printed none: a column
        // block of one set after both rows. The sums prove 310, not which
        // item.
        let doc = block(concat!(
            "科目编码 科目名称 决算数 301 工资福利支出 110.00 30101 基本工资 ",
            "80.00 30102 津贴补贴 30.00 310 资本性支出 6.00 31002 ",
            "办公设备购置 31007 信息网络及软件购置更新 6.00 人员经费合计 ",
            "公用经费合计 6.00 110.00",
        ));
        assert_proven_by_order(
            &read_in(&doc, &stream()),
            &[
                "|310|决算数|6",
                "|人员经费合计|决算数|110",
                "|公用经费合计|决算数|6",
            ],
            &["31002"],
        );
    }

    #[test]
    fn a_zero_drawn_beside_a_class_gives_way_to_its_amount() {
        // Half the rows blank; 301's 30.00 and 302's 4.00 drawn after the
        // note, and a zero drawn beside 302, whose items are not zero.
        let doc = block(concat!(
            "科目编码 科目名称 决算数 301 工资福利支出 30101 基本工资 10.00 ",
            "30102 津贴补贴 20.00 30103 奖金 30107 绩效工资 302 商品和服务支出 ",
            "0.00 30201 办公费 1.00 30202 印刷费 3.00 30205 水费 人员经费合计 ",
            "30.00 公用经费合计 4.00 注：本表反映基本支出明细情况。 30.00 4.00",
        ));
        let r = read_in(&doc, &stream());
        let mut got = describe(&r.items);
        got.sort();
        let mut want = [
            "|301|决算数|30",
            "|30101|决算数|10",
            "|30102|决算数|20",
            "|302|决算数|4",
            "|30201|决算数|1",
            "|30202|决算数|3",
            "|人员经费合计|决算数|30",
            "|公用经费合计|决算数|4",
        ];
        want.sort();
        assert_eq!(got, want);
        assert!(flagged(&r).is_empty(), "{:?}", flagged(&r));
        // The zero: which blank row drew it no sum says.
        assert_eq!(r.unplaced, 1);
    }

    #[test]
    fn an_amount_after_a_crowded_item_of_its_class_is_either_items() {
        // 30201 is followed by two amounts: the stream is out of step there,
        // so 30202's one amount may be any of the three items'.
        let doc = block(concat!(
            "科目编码 科目名称 决算数 301 工资福利支出 5.00 30101 基本工资 5.00 ",
            "302 商品和服务支出 9.00 30201 办公费 2.00 3.00 30202 印刷费 4.00 ",
            "30205 水费 人员经费合计 5.00 公用经费合计 9.00",
        ));
        assert_proven_by_order(
            &read_in(&doc, &stream()),
            &["|302|决算数|9", "|公用经费合计|决算数|9"],
            &["30201", "30202", "30205"],
        );
    }

    #[test]
    fn a_total_that_took_a_drifted_amount_gives_it_back() {
        // 310 prints none of its own: its 5.00 comes after 人员经费合计's
        // label, whose own 110.00 comes after 31007's 2.00; 302's 4.00
        // after 30201's. No blank row alone says what it lacks.
        let doc = block(concat!(
            "科目编码 科目名称 决算数 301 工资福利支出 110.00 30101 基本工资 ",
            "80.00 30102 津贴补贴 30.00 302 商品和服务支出 30201 办公费 ",
            "4.00 4.00 310 人员经费合计 5.00 31002 办公设备购置 3.00 ",
            "31007 信息网络及软件购置更新 2.00 110.00 资本性支出 ",
            "公用经费合计 9.00",
        ));
        assert_all_proven(
            &read_in(&doc, &stream()),
            &[
                "|301|决算数|110",
                "|30101|决算数|80",
                "|30102|决算数|30",
                "|302|决算数|4",
                "|30201|决算数|4",
                "|310|决算数|5",
                "|31002|决算数|3",
                "|31007|决算数|2",
                "|人员经费合计|决算数|110",
                "|公用经费合计|决算数|9",
            ],
        );
    }

    #[test]
    fn a_class_amount_drifted_onto_a_total_is_given_back_when_its_sum_looks_whole() {
        // Two groups side by side, row by row. 301's 23.00 is drawn among
        // the headers, 302's 5.00 after 30217's 2.00, 310's 7.00 after
        // 人员经费合计's label, and the totals and 31002's 2.00 last. 302,
        // 310 and 310's items print nothing on their lines, so the sums of
        // 310 and of 公用经费合计 hold with all of them blank: only
        // 人员经费合计's failing sum says its 7.00 is not its own.
        let doc = block(concat!(
            "科目编码 科目名称 决算数 科目编码 23.00 科目名称 决算数 ",
            "302 商品和服务支出 301 工资福利支出 30101 基本工资 18.00 ",
            "30201 办公费 1.00 30102 津贴补贴 5.00 30202 印刷费 1.00 ",
            "303 对个人和家庭的补助 10.00 30217 公务接待费 2.00 5.00 ",
            "30302 退休费 10.00 30231 公务用车运行维护费 1.00 310 资本性支出 ",
            "人员经费合计 7.00 31002 办公设备购置 31007 信息网络及软件购置更新 5.00 ",
            "公用经费合计 12.00 33.00 2.00",
        ));
        assert_proven_by_order(
            &read_in(&doc, &stream()),
            &[
                "|301|决算数|23",
                "|30101|决算数|18",
                "|30102|决算数|5",
                "|303|决算数|10",
                "|30302|决算数|10",
                "|302|决算数|5",
                "|30201|决算数|1",
                "|30202|决算数|1",
                "|30217|决算数|2",
                "|30231|决算数|1",
                "|310|决算数|7",
                "|人员经费合计|决算数|33",
                "|公用经费合计|决算数|12",
            ],
            // Which of 310's items prints 5.00 and which 2.00 no sum says.
            &["31002", "31007"],
        );
    }

    #[test]
    fn many_loose_amounts_are_laid_within_the_search_budget() {
        // One group, row by row, a third of its rows blank: 301's and
        // 30102's amounts are drawn after 人员经费合计's label with its own,
        // 302's after 30211's, 310's and 31002's after 公用经费合计's
        // label. Eight amounts are loose; laying them on the blank rows
        // one by one, where only the finished sums are checked, ran out of
        // search nodes.
        let doc = block(concat!(
            "科目编码 科目名称 决算数 301 工资福利支出 30101 基本工资 ",
            "30102 津贴补贴 30103 奖金 9.00 30107 绩效工资 66.00 ",
            "30108 机关事业单位基本养老保险缴费 111.00 30109 职业年金缴费 106.00 ",
            "30110 职工基本医疗保险缴费 110.00 30113 住房公积金 13.00 ",
            "30199 其他工资福利支出 68.00 303 对个人和家庭的补助 459.00 ",
            "30302 退休费 13.00 30305 生活补助 273.00 30309 奖励金 173.00 ",
            "人员经费合计 592.00 109.00 1051.00 302 商品和服务支出 30201 办公费 ",
            "30202 印刷费 1.00 30205 水费 25.00 30206 电费 10.00 30207 邮电费 ",
            "30211 差旅费 156.00 7.00 30213 维修（护）费 3.00 30215 会议费 7.00 ",
            "30216 培训费 21.00 30217 公务接待费 21.00 30228 工会经费 7.00 ",
            "30229 福利费 29.00 30231 公务用车运行维护费 25.00 ",
            "30299 其他商品和服务支出 310 资本性支出 31002 办公设备购置 ",
            "31007 信息网络及软件购置更新 公用经费合计 123.00 123.00 279.00",
        ));
        let r = read_in(&doc, &stream());
        let proven = [
            "|301|决算数|592",
            "|303|决算数|459",
            "|302|决算数|156",
            "|310|决算数|123",
            "|人员经费合计|决算数|1051",
            "|公用经费合计|决算数|279",
        ];
        assert_has(&r, &proven);
        let flagged = flagged(&r);
        for code in ["301", "303", "302", "310"] {
            assert!(
                !flagged.contains(&code.to_string()),
                "{code} in {flagged:?}"
            );
        }
        assert_eq!(r.unplaced, 0);
    }

    #[test]
    fn a_sparse_second_group_row_by_row_is_placed_by_its_sums() {
        // Two groups side by side, row by row, the second mostly blank:
        // most rows print nothing. 303's item's 10.00 is drawn after
        // 人员经费合计's label, 302's 5.00 and its item's after 30229's,
        // 31007's 8.00 after a blank 31002 (which of the two is blank no
        // sum says), the totals last.
        let doc = block(concat!(
            "科目编码 科目名称 决算数 科目编码 科目名称 决算数 ",
            "301 工资福利支出 100.00 302 商品和服务支出 30101 基本工资 60.00 ",
            "30201 办公费 30102 津贴补贴 40.00 30202 印刷费 ",
            "303 对个人和家庭的补助 30.00 30205 水费 30302 退休费 20.00 ",
            "30206 电费 30305 生活补助 30207 邮电费 30309 奖励金 ",
            "30211 差旅费 人员经费合计 10.00 30229 福利费 5.00 5.00 ",
            "310 资本性支出 8.00 31002 办公设备购置 31007 信息网络及软件购置更新 8.00 ",
            "公用经费合计 13.00 130.00",
        ));
        let r = read_in(&doc, &stream());
        assert_has(
            &r,
            &[
                "|301|决算数|100",
                "|30101|决算数|60",
                "|30102|决算数|40",
                "|303|决算数|30",
                "|302|决算数|5",
                "|310|决算数|8",
                "|人员经费合计|决算数|130",
                "|公用经费合计|决算数|13",
            ],
        );
        // Which blank item took a class's drawn amount no sum says; and
        // 30302's 20.00, in a class the stream is out of step in, may be
        // another row's.
        let mut flagged = flagged(&r);
        flagged.sort();
        assert_eq!(flagged, ["30201", "30302", "30305", "31002"]);
        assert_eq!(r.unplaced, 0);
    }

    #[test]
    fn drifted_amounts_no_arrangement_adds_up_for_are_not_placed_by_it() {
        // 110.00 printed as 111.00: no few moves make 301 its items' sum.
        let r = read_in(&drifted("111.00 12.00 122.00"), &stream());
        let got = describe(&r.items);
        assert!(!got.iter().any(|g| g.starts_with("|301|")), "{got:#?}");
        assert!(r.unplaced > 0);
    }

    #[test]
    fn a_column_whose_blank_cells_are_gone_proves_classes_not_items() {
        // Codes, names, then the amount column with its blank cells gone:
        // 30102 (or 30101, or 30103), 30305 and 31007 print none.
        let doc = block(concat!(
            "科目编码 科目名称 决算数 301 30101 30102 30103 303 30302 30305 ",
            "人员经费合计 302 30201 30205 310 31002 31007 公用经费合计 ",
            "工资福利支出 基本工资 津贴补贴 奖金 对个人和家庭的补助 退休费 ",
            "生活补助 商品和服务支出 办公费 水费 资本性支出 办公设备购置 ",
            "信息网络及软件购置更新 110.00 80.00 30.00 12.00 12.00 122.00 ",
            "9.00 4.00 5.00 3.00 3.00 12.00",
        ));
        let r = read_in(&doc, &stream());
        assert_proven_by_order(
            &r,
            &[
                "|301|决算数|110",
                "|303|决算数|12",
                "|302|决算数|9",
                "|30201|决算数|4",
                "|30205|决算数|5",
                "|310|决算数|3",
                "|人员经费合计|决算数|122",
                "|公用经费合计|决算数|12",
            ],
            &["30101", "30102", "30302", "31002"],
        );
        assert_eq!(r.items.len(), 12);
    }

    #[test]
    fn a_column_printing_every_row_is_laid_with_a_last_row_printed_whole() {
        // Every row prints its amount after the codes and names; the last
        // row, alone on the next page, is printed whole (`公用经费合计 12.00`).
        let mut doc = block(concat!(
            "科目编码 科目名称 决算数 301 30101 30102 303 30302 人员经费合计 ",
            "302 30201 310 31002 工资福利支出 基本工资 津贴补贴 ",
            "对个人和家庭的补助 退休费 商品和服务支出 办公费 资本性支出 ",
            "办公设备购置 110.00 80.00 30.00 12.00 12.00 122.00 9.00 9.00 ",
            "3.00 3.00 - 12 - 科目编码 科目名称 决算数",
        ));
        doc.push("公用经费合计 12.00");
        let r = read_in(&doc, &stream());
        assert_proven_by_order(
            &r,
            &[
                "|301|决算数|110",
                "|30101|决算数|80",
                "|30102|决算数|30",
                "|303|决算数|12",
                "|30302|决算数|12",
                "|302|决算数|9",
                "|30201|决算数|9",
                "|310|决算数|3",
                "|31002|决算数|3",
                "|人员经费合计|决算数|122",
                "|公用经费合计|决算数|12",
            ],
            &[],
        );
    }

    #[test]
    fn a_column_printed_page_by_page_is_laid_on_each_pages_rows() {
        // Each page prints its codes, names, then its column with blank
        // cells gone; 302's items run on to the second page. A page's
        // amounts are laid only on rows printed before them: 310's 3.00
        // is not 302's.
        let doc = block(concat!(
            "科目编码 科目名称 决算数 301 30101 30102 303 30302 人员经费合计 ",
            "302 30201 工资福利支出 基本工资 津贴补贴 对个人和家庭的补助 ",
            "退休费 商品和服务支出 办公费 110.00 80.00 30.00 12.00 12.00 ",
            "122.00 9.00 4.00 - 12 - 科目编码 科目名称 决算数 30205 310 ",
            "31002 公用经费合计 水费 资本性支出 办公设备购置 5.00 3.00 3.00 12.00",
        ));
        let r = read_in(&doc, &stream());
        assert_proven_by_order(
            &r,
            &[
                "|301|决算数|110",
                "|30101|决算数|80",
                "|303|决算数|12",
                "|302|决算数|9",
                "|30201|决算数|4",
                "|30205|决算数|5",
                "|310|决算数|3",
                "|31002|决算数|3",
                "|人员经费合计|决算数|122",
                "|公用经费合计|决算数|12",
            ],
            &[],
        );
        assert_eq!(r.items.len(), 12);
    }

    #[test]
    fn two_panels_printed_page_by_page_are_laid_class_by_class() {
        // Each page prints each panel's codes, names, then amounts; 301's
        // and 302's items run on to the second page, past the other
        // panel's amounts.
        let doc = block(concat!(
            "人员经费 公用经费 科目编码 科目名称 决算数 科目编码 科目名称 决算数 ",
            "301 30101 30102 工资福利支出 基本工资 津贴补贴 110.00 80.00 ",
            "302 30201 商品和服务支出 办公费 9.00 4.00 ",
            "- 12 - 人员经费 公用经费 科目编码 科目名称 决算数 科目编码 科目名称 决算数 ",
            "30103 303 30302 人员经费合计 奖金 对个人和家庭的补助 退休费 ",
            "30.00 12.00 12.00 122.00 ",
            "30205 310 31002 公用经费合计 水费 资本性支出 办公设备购置 ",
            "5.00 3.00 3.00 12.00",
        ));
        let r = read_in(&doc, &stream());
        assert_proven_by_order(
            &r,
            &[
                "|301|决算数|110",
                "|303|决算数|12",
                "|30302|决算数|12",
                "|302|决算数|9",
                "|30201|决算数|4",
                "|30205|决算数|5",
                "|310|决算数|3",
                "|31002|决算数|3",
                "|人员经费合计|决算数|122",
                "|公用经费合计|决算数|12",
            ],
            // Two of 301's three items print: which, no sum says.
            &["30101", "30102"],
        );
        assert_eq!(r.items.len(), 12);
    }

    #[test]
    fn a_pages_amounts_are_not_laid_on_the_rows_of_a_page_after() {
        // The second page's class prints nothing: 301's amounts, printed
        // before 302's row, cannot be 302's.
        let doc = block(concat!(
            "科目编码 科目名称 决算数 301 30101 工资福利支出 基本工资 5.00 5.00 ",
            "- 12 - 科目编码 科目名称 决算数 302 30201 商品和服务支出 办公费",
        ));
        let r = read_in(&doc, &stream());
        assert_proven_by_order(&r, &["|301|决算数|5", "|30101|决算数|5"], &[]);
        assert_eq!(r.items.len(), 2);
    }

    #[test]
    fn a_row_by_row_stream_is_read_as_printed() {
        let mut doc = HEAD.to_vec();
        doc.extend(words(concat!(
            "科目编码 科目名称 决算数 301 工资福利支出 8.00 30101 ",
            "基本工资 8.00 302 商品和服务支出 2.50 30201 办公费 2.50 ",
            "人员经费合计 8.00 公用经费合计 2.50",
        )));
        let r = read(&doc);
        assert_eq!(
            describe(&r.items),
            [
                "|301|决算数|8",
                "|30101|决算数|8",
                "|302|决算数|2.5",
                "|30201|决算数|2.5",
                "|人员经费合计|决算数|8",
                "|公用经费合计|决算数|2.5",
            ]
        );
    }
}
