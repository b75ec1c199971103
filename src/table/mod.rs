//! Standard tables, from table blocks to line items.
//!
//! - [`spec`]: the nine tables as data (columns, labels, identities);
//!   [`identity`]: the identities instantiated on a document's rows.
//! - [`read`]: layout readers, a block of text into a [`grid::CellGrid`];
//!   every shape is one reader.
//! - [`assemble`]: a grid read as one table: rows, and the columns each
//!   amount can be in ([`header`] maps printed headers to columns).
//! - [`solve`]: amounts placed where the layout left a choice, by the
//!   identities of all the document's tables together.
//!
//! [`read_tables`] runs them over a document's table blocks.

pub mod assemble;
pub mod grid;
pub mod header;
pub mod identity;
pub mod read;
pub mod solve;
pub mod spec;

use crate::amount::{Amount, Reading};
use crate::decode::Text;
use crate::extract::{FoundTable, TablesRead, column_major, count_figures, labels, tables};
use crate::model::{Fact, Flag, LineItem};
use crate::segment::Segmented;

use assemble::Assembled;
use grid::{CellGrid, Layout, Provenance, Span};
use read::BlockLayout;
use spec::TableSpec;

/// Reads every table block of the document into line items.
///
/// Each block is read twice: by the cell-grid model (one reader per layout,
/// header stacks, identities to place) and by the first readers. The reading
/// whose amounts the table's own identities verify more of is kept; a tie
/// keeps the first readers, whose output the corpus has pinned. Neither
/// reading is trusted for being chosen: the document's checks then run on
/// what was kept.
pub fn read_tables(text: &Text, seg: &Segmented, facts: &[Fact], ocr: bool) -> TablesRead {
    let mut blocks: Vec<(
        Assembled,
        CellGrid,
        BlockLayout,
        tables::Unit,
        usize,
        Vec<usize>,
    )> = Vec::new();
    let mut cell_streams: Vec<bool> = Vec::with_capacity(seg.tables.len());
    for block in &seg.tables {
        let shapes = read::LineShapes::of(text, block.body.clone());
        let layout = shapes.layout();
        cell_streams.push(shapes.cell_per_line());
        let lines = block.title_line..block.body.end;
        let unit = tables::detect_unit(lines.clone().map(|i| text.line(i)));
        let mut by_order = Vec::new();
        let grid = match read::read(text, lines.clone(), layout) {
            Some(g) => g,
            None => {
                // Cell streams: the column-major reader rebuilds the rows.
                let mut classes: Vec<String> = blocks
                    .iter()
                    .flat_map(|b| b.0.records.iter().filter_map(|r| r.code.clone()))
                    .filter(|c| c.len() == 3)
                    .collect();
                classes.sort();
                classes.dedup();
                let old = column_major::grid(
                    text,
                    lines.clone(),
                    block.table,
                    &column_major::Context {
                        classes,
                        cell_stream: true,
                    },
                );
                by_order = old.placed_by_order.clone();
                from_rows(&old)
            }
        };
        let spec = TableSpec::of(block.table);
        let mut a = assemble::assemble(spec, &grid);
        for r in &mut a.records {
            for am in &mut r.amounts {
                let (v, d) = convert(am.printed.value, am.printed.decimals, unit);
                am.value = v;
                am.decimals = d;
            }
        }
        let figures = count_figures(text, block.body.clone());
        blocks.push((a, grid, layout, unit, figures, by_order));
    }
    let fact_values: Vec<(&'static str, Amount)> =
        facts.iter().map(|f| (f.metric, f.value)).collect();
    let assembled: Vec<Assembled> = blocks.iter().map(|b| b.0.clone()).collect();
    let mut nodes = solve::DOCUMENT_NODES;
    let placements = solve::solve(&assembled, &fact_values, &mut nodes);
    let mut fresh: Vec<(Vec<LineItem>, FoundTable)> = Vec::new();
    for (bi, (a, grid, layout, unit, figures, by_order)) in blocks.iter().enumerate() {
        let mut items = Vec::new();
        let spec = TableSpec::of(a.table);
        let mut emitted = 0;
        let mut unplaced = a.unplaced;
        for (ri, r) in a.records.iter().enumerate() {
            let cols = spec.side_columns(r.side);
            for (k, am) in r.amounts.iter().enumerate() {
                let p = placements[bi][ri][k];
                let Some(col) = p.column.and_then(|c| cols.get(c as usize)) else {
                    unplaced += 1;
                    continue;
                };
                let cell = &grid.cells[am.cell];
                let mut flags = Vec::new();
                if *unit != tables::Unit::Wan {
                    flags.push(Flag::UnitConverted);
                }
                if am.printed.reading == Reading::DecimalComma {
                    flags.push(Flag::OcrSuspect);
                }
                if r.label_repaired {
                    flags.push(Flag::LabelRepaired);
                }
                if p.provenance == Provenance::Order || by_order.contains(&(cell.line as usize)) {
                    flags.push(Flag::PlacedByOrder);
                }
                flags.sort();
                items.push(LineItem {
                    table: a.table,
                    side: r.side,
                    subject_code: r.code.clone(),
                    item: r.item.clone(),
                    line_no: r.line_no,
                    column: col.name.to_string(),
                    amount: am.value,
                    decimals: am.decimals,
                    raw: grid.raw(cell).to_string(),
                    source_line: cell.line + 1,
                    page: cell.page,
                    flags,
                    verified: false,
                });
                emitted += 1;
            }
        }
        fresh.push((
            items,
            FoundTable {
                table: a.table,
                shape: match layout {
                    BlockLayout::Tabs => crate::extract::BlockShape::Tabs,
                    BlockLayout::Aligned => crate::extract::BlockShape::Aligned,
                    BlockLayout::Flat => crate::extract::BlockShape::Flat,
                    BlockLayout::Stream => crate::extract::BlockShape::ColumnMajor,
                },
                figures: *figures,
                emitted,
                unplaced,
            },
        ));
    }
    // The first readers' reading of every block (the column-major one leans
    // on the classes the blocks before printed).
    let mut first: Vec<(Vec<LineItem>, FoundTable)> = Vec::with_capacity(seg.tables.len());
    for (block, &cell_stream) in seg.tables.iter().zip(&cell_streams) {
        let mut classes: Vec<String> = first
            .iter()
            .flat_map(|f| f.0.iter().filter_map(|i| i.subject_code.clone()))
            .filter(|c| c.len() == 3)
            .collect();
        classes.sort();
        classes.dedup();
        first.push(crate::extract::legacy_block(
            text,
            block,
            ocr,
            &classes,
            cell_stream,
        ));
    }
    // Each reading of the whole document is checked once, so that identities
    // across tables (a column total against table 01) take part; a block keeps
    // the reading that stands better there.
    let fresh_standing = standings(&fresh);
    let first_standing = standings(&first);
    let mut out = TablesRead::default();
    for (k, (fresh_block, first_block)) in fresh.into_iter().zip(first).enumerate() {
        let (items, found) = if fresh_standing[k] > first_standing[k] {
            fresh_block
        } else {
            first_block
        };
        let (items, found) = one_amount_per_cell(items, found);
        out.unplaced += found.unplaced;
        out.found.push(found);
        out.items.extend(items);
    }
    labels::repair(&mut out.items);
    out
}

/// A cell holds one amount: a second amount read into a cell already taken
/// is not placed (counted as seen but not placed), so that the line items'
/// key stays a key whatever a reader got wrong.
fn one_amount_per_cell(
    mut items: Vec<LineItem>,
    mut found: FoundTable,
) -> (Vec<LineItem>, FoundTable) {
    let taken: Vec<bool> = {
        let mut seen = rustc_hash::FxHashSet::default();
        items
            .iter()
            .map(|it| {
                seen.insert((
                    it.side,
                    it.subject_code.as_deref(),
                    it.item.as_str(),
                    it.line_no,
                    it.column.as_str(),
                ))
            })
            .collect()
    };
    let mut first = taken.iter();
    items.retain(|_| *first.next().expect("one flag per item"));
    let dropped = taken.len() - items.len();
    found.unplaced += dropped;
    found.emitted -= dropped;
    (items, found)
}

/// How well each block of a reading stands on the identities of the whole
/// reading: its amounts verified first, then its amounts placed without doubt.
fn standings(blocks: &[(Vec<LineItem>, FoundTable)]) -> Vec<(usize, i64)> {
    let mut doc = crate::model::Extracted {
        line_items: blocks.iter().flat_map(|b| b.0.iter().cloned()).collect(),
        ..Default::default()
    };
    crate::check::run(&mut doc, &crate::check::Printed::default());
    let mut at = 0;
    blocks
        .iter()
        .map(|(items, found)| {
            let own = &doc.line_items[at..at + items.len()];
            at += items.len();
            let verified = own.iter().filter(|i| i.verified).count();
            let doubted = own
                .iter()
                .filter(|i| i.flags.contains(&Flag::IdentityMismatch))
                .count();
            (
                verified,
                own.len() as i64 - doubted as i64 - found.unplaced as i64,
            )
        })
        .collect()
}

/// A printed amount in 万元, with its decimals there.
fn convert(v: Amount, decimals: u32, unit: tables::Unit) -> (Amount, u32) {
    match unit {
        tables::Unit::Wan => (v, decimals),
        tables::Unit::Qian => (v.scale_down(1), decimals + 1),
        tables::Unit::Yuan => (v.scale_down(4), decimals + 4),
    }
}

/// The rows the column-major reader rebuilt, as a grid whose columns it
/// knows.
fn from_rows(old: &crate::extract::grid::Grid) -> CellGrid {
    let mut g = CellGrid::new(Layout::Columns);
    for (k, row) in old.rows.iter().enumerate() {
        g.set_row(k as u32);
        for c in &row.cells {
            let x = Span {
                x0: c.col as u32,
                x1: c.col as u32 + 1,
            };
            let raw = if c.raw.is_empty() { &c.text } else { &c.raw };
            g.push(&c.text, raw, c.line, x, x, Some(c.col as u16), None);
        }
    }
    g
}
