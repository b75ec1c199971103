//! Trust under alteration (issue 14): amounts of generated, consistent
//! documents are changed at random (a digit changed, two cells swapped, a cell
//! dropped) and the mutated document is read again. A mutation is caught when
//! every cell it changed ends up unverified, or verified with its true value
//! (a proven repair). Whatever the mutation, no verified line item may hold a
//! value other than the true one.
//!
//! What counts as detectable does not come from the program: a change of one
//! cell by more than half a 万元 exceeds every rounding allowance (half a unit of
//! the last digit times the terms of a sum, under a hundred terms), and every
//! cell mutated was verified on the clean document, so an identity covers it.
//! Such digit changes and drops must all be caught. A swap of two cells can keep
//! every sum (two cells of one column in rows of one parent, whose row totals
//! absorb nothing, or a swap within a row's parts): swaps that leave every check
//! passing are counted apart and printed, not asserted.

mod common;

use std::collections::HashMap;

use juesuan::amount::{Amount, parse_printed};
use juesuan::decode::decode;
use juesuan::document::{Processed, process};
use juesuan::model::{CheckStatus, Flag};
use juesuan_synth::{Shape, document};

use common::Rng;

const SEED: u64 = 20_261_206;
const DOCUMENTS: u64 = 16;
const MUTATIONS_PER_DOCUMENT: usize = 9;

type Key = (String, Option<String>, Option<String>, String, String);

fn key(i: &juesuan::model::LineItem) -> Key {
    (
        i.table.code().to_string(),
        i.side.map(|s| format!("{s:?}")),
        i.subject_code.clone(),
        i.item.clone(),
        i.column.clone(),
    )
}

/// A printed cell of a TAB row: its line, its index among the line's cells.
#[derive(Clone, Copy, Debug, PartialEq)]
struct At {
    line: usize,
    cell: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Digit,
    Swap,
    Drop,
}

#[derive(Default, Debug)]
struct Tally {
    mutations: usize,
    caught: usize,
    repaired: usize,
    invisible: usize,
}

fn lines_of(bytes: &[u8]) -> Vec<String> {
    let text = decode(bytes).expect("generated text decodes");
    (0..text.len())
        .map(|i| text.raw_line(i).to_string())
        .collect()
}

fn cell_of(lines: &[String], at: At) -> &str {
    lines[at.line].split('\t').nth(at.cell).expect("cell")
}

fn set_cell(lines: &mut [String], at: At, value: &str) {
    let mut cells: Vec<String> = lines[at.line].split('\t').map(str::to_string).collect();
    cells[at.cell] = value.to_string();
    lines[at.line] = cells.join("\t");
}

/// The verified amounts of the clean document, each at its one printed cell.
fn verified_cells(lines: &[String], clean: &Processed) -> Vec<(At, Key, Amount)> {
    let mut out = Vec::new();
    for it in clean.extracted.line_items.iter().filter(|i| i.verified) {
        let line = it.source_line as usize - 1;
        let cells: Vec<usize> = lines[line]
            .split('\t')
            .enumerate()
            .filter(|(_, c)| c.trim() == it.raw)
            .map(|(k, _)| k)
            .collect();
        // A value printed twice on its row is not located by its text alone.
        if let [cell] = cells[..] {
            out.push((At { line, cell }, key(it), it.amount));
        }
    }
    out
}

/// Another digit at one of the printed digits, so that the value moves by
/// more than half a 万元 (beyond every rounding allowance), when one can.
fn change_digit(raw: &str, rng: &mut Rng) -> Option<String> {
    let int_digits: Vec<usize> = raw
        .char_indices()
        .take_while(|(_, c)| *c != '.')
        .filter(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    if int_digits.is_empty() {
        return None;
    }
    let at = int_digits[rng.below(int_digits.len())];
    let old = raw.as_bytes()[at] - b'0';
    let lead = at == int_digits[0] && int_digits.len() > 1;
    let choices: Vec<u8> = (0..10)
        .filter(|d| *d != old && !(lead && *d == 0))
        .collect();
    let new = choices[rng.below(choices.len())];
    let mut s = raw.to_string();
    s.replace_range(at..at + 1, &char::from(b'0' + new).to_string());
    Some(s)
}

fn value(raw: &str) -> Amount {
    parse_printed(raw).map(|p| p.value).unwrap_or(Amount::ZERO)
}

#[test]
fn altered_amounts_of_consistent_documents_are_never_vouched_for() {
    let half = Amount::parse_plain("0.5").unwrap();
    let mut rng = Rng(SEED);
    let mut tally: HashMap<Kind, Tally> = HashMap::new();
    let mut wrong: Vec<String> = Vec::new();
    let mut tested_documents = 0;
    for i in 0..DOCUMENTS {
        let d = document(SEED, i, &[Shape::Tab]);
        let lines = lines_of(&d.bytes);
        let clean = process(&d.file_name, lines.join("\n").as_bytes());
        let truth: HashMap<Key, Amount> = clean
            .extracted
            .line_items
            .iter()
            .map(|i| (key(i), i.amount))
            .collect();
        let cells = verified_cells(&lines, &clean);
        if cells.len() < 20 {
            continue;
        }
        tested_documents += 1;
        for m in 0..MUTATIONS_PER_DOCUMENT {
            let kind = [Kind::Digit, Kind::Swap, Kind::Drop][m % 3];
            let (a, ref a_key, a_value) = cells[rng.below(cells.len())];
            let mut mutated = lines.clone();
            let raw_a = cell_of(&lines, a).to_string();
            // The cells changed and whether the change is beyond rounding.
            let changed: Vec<(At, Key)> = match kind {
                Kind::Digit => {
                    let Some(new) = change_digit(&raw_a, &mut rng) else {
                        continue;
                    };
                    if (value(&new) - a_value).abs() <= half {
                        continue;
                    }
                    set_cell(&mut mutated, a, &new);
                    vec![(a, a_key.clone())]
                }
                Kind::Drop => {
                    if a_value.abs() <= half {
                        continue;
                    }
                    set_cell(&mut mutated, a, "");
                    vec![(a, a_key.clone())]
                }
                Kind::Swap => {
                    // Another cell of the same table, of a value far enough.
                    let others: Vec<&(At, Key, Amount)> = cells
                        .iter()
                        .filter(|(b, k, v)| {
                            *b != a && k.0 == a_key.0 && (*v - a_value).abs() > half
                        })
                        .collect();
                    if others.is_empty() {
                        continue;
                    }
                    let (b, b_key, _) = others[rng.below(others.len())];
                    let raw_b = cell_of(&lines, *b).to_string();
                    set_cell(&mut mutated, a, &raw_b);
                    set_cell(&mut mutated, *b, &raw_a);
                    vec![(a, a_key.clone()), (*b, b_key.clone())]
                }
            };
            let p = process(&d.file_name, mutated.join("\n").as_bytes());
            let t = tally.entry(kind).or_default();
            t.mutations += 1;
            let seen = p
                .extracted
                .checks
                .iter()
                .any(|c| c.status == CheckStatus::Fail)
                || p.extracted
                    .line_items
                    .iter()
                    .any(|i| i.flags.contains(&Flag::OcrRepaired));
            if !seen {
                // A swap that keeps every sum: counted apart (its cells read
                // as printed and every identity holds). A single cell changed
                // beyond rounding cannot keep its identity.
                t.invisible += 1;
                eprintln!(
                    "invisible: {} {kind:?} of {:?}",
                    d.file_name,
                    changed.iter().map(|c| &c.1).collect::<Vec<_>>()
                );
                if kind != Kind::Swap {
                    wrong.push(format!(
                        "{} {kind:?} at {:?}: no check saw a change of one covered cell beyond rounding",
                        d.file_name, changed[0].1
                    ));
                }
                continue;
            }
            // No verified row anywhere holds a value other than the true one.
            for it in p.extracted.line_items.iter().filter(|i| i.verified) {
                if truth.get(&key(it)) != Some(&it.amount) {
                    wrong.push(format!(
                        "{} {kind:?} {:?}: verified {:?} = {} (true {:?})",
                        d.file_name,
                        changed.iter().map(|c| &c.1).collect::<Vec<_>>(),
                        key(it),
                        it.amount,
                        truth.get(&key(it))
                    ));
                }
            }
            let mut all_caught = true;
            let mut all_repaired = true;
            for (_, k) in &changed {
                let item = p.extracted.line_items.iter().find(|i| key(i) == *k);
                let restored = item.is_some_and(|i| i.verified && Some(&i.amount) == truth.get(k));
                let unverified = item.is_none_or(|i| !i.verified);
                all_caught &= restored || unverified;
                all_repaired &= restored;
            }
            if all_caught {
                t.caught += 1;
            }
            if all_repaired {
                t.repaired += 1;
            }
            if !all_caught {
                wrong.push(format!(
                    "{} {kind:?}: a changed cell of {:?} verified with a wrong value",
                    d.file_name,
                    changed.iter().map(|c| &c.1).collect::<Vec<_>>()
                ));
            }
        }
    }
    let mut kinds: Vec<_> = tally.iter().collect();
    kinds.sort_by_key(|(k, _)| **k);
    for (k, t) in &kinds {
        eprintln!(
            "{k:?}: {} mutations, {} caught ({} of them repaired to the true value), {} invisible to every identity",
            t.mutations, t.caught, t.repaired, t.invisible
        );
    }
    assert!(
        tested_documents >= DOCUMENTS as usize / 2,
        "{tested_documents} documents"
    );
    for k in [Kind::Digit, Kind::Swap, Kind::Drop] {
        assert!(
            tally.get(&k).is_some_and(|t| t.mutations >= 20),
            "too few {k:?} mutations: {tally:?}"
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every detectable mutation was caught.
    for (k, t) in &kinds {
        assert_eq!(t.caught + t.invisible, t.mutations, "{k:?}: {t:?}");
    }
}
