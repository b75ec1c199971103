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
/// header stacks, identities to place) and by the first readers; cell
/// streams a third time, by the grid model with their rows rebuilt row by
/// row rather than column by column (converters do either, even within one
/// document); column-aligned blocks that no reading makes stand whole once
/// more as flat text, positions set aside (converters that drift along a
/// line), and so are such blocks taken for streams that print whole rows.
/// The reading whose amounts the identities verify more of is kept; a tie
/// keeps the first readers, whose output the corpus has pinned.
/// No reading is trusted for being chosen: the document's checks then run
/// on what was kept. The two-sided tables (01, 04) are read last: the
/// figures the one-sided tables' own identities vouch for anchor the rows
/// of a two-sided table printed column by column with its blank cells gone.
/// The grid readings share one search budget ([`solve::DOCUMENT_NODES`]),
/// so a document read three ways costs no more search than one read once
/// could.
pub fn read_tables(text: &Text, seg: &Segmented, facts: &[Fact], ocr: bool) -> TablesRead {
    let shapes: Vec<read::LineShapes> = seg
        .tables
        .iter()
        .map(|b| read::LineShapes::of(text, b.body.clone()))
        .collect();
    let mut nodes = solve::DOCUMENT_NODES;
    // The column-major reader's rows per block, rebuilt once for the grid
    // model and the first readers both where their contexts agree.
    let mut rebuilt = vec![None; seg.tables.len()];
    // The first readers read the one-sided tables first: their figures
    // anchor rows of the two-sided tables that a cell stream printed with
    // blank cells gone (`column_major::anchors`).
    let two_sided = |t: crate::vocab::Table| TableSpec::of(t).two_sided();
    // Block `k` read by the first readers, with the classes and anchors the
    // other tables gave it.
    let read_first = |k: usize,
                      classes: &[String],
                      anchors: &[column_major::Anchor],
                      rebuilt: &mut Option<_>| {
        crate::extract::legacy_block(
            text,
            &seg.tables[k],
            ocr,
            classes,
            anchors,
            shapes[k].cell_per_line(),
            rebuilt,
        )
    };
    let mut first: Vec<Option<(Vec<LineItem>, FoundTable)>> = vec![None; seg.tables.len()];
    for (k, block) in seg.tables.iter().enumerate() {
        if !two_sided(block.table) {
            first[k] = Some(read_first(k, &[], &[], &mut rebuilt[k]));
        }
    }
    let streamed = seg
        .tables
        .iter()
        .zip(&shapes)
        .any(|(b, s)| two_sided(b.table) && s.layout() == BlockLayout::Stream);
    // A row is anchored by value: a figure the one-sided tables' own
    // identities vouch for places it, any other only by order (a wrong
    // figure would place a wrong amount).
    let one_sided: Vec<LineItem> = if streamed {
        first
            .iter()
            .flatten()
            .flat_map(|f| f.0.iter().cloned())
            .collect()
    } else {
        Vec::new()
    };
    let sure = vouched(one_sided.iter().cloned());
    let anchors: Vec<Vec<column_major::Anchor>> = seg
        .tables
        .iter()
        .map(|b| column_major::anchors(b.table, &sure, &one_sided))
        .collect();
    let turned: Vec<Option<CellGrid>> = seg
        .tables
        .iter()
        .map(|b| {
            let spec = TableSpec::of(b.table);
            let lines = b.title_line..b.body.end;
            if spec.coded {
                read::rotated(text, lines, spec.first_column_sums_the_rest())
            } else if spec.one_row() {
                read::rotated_row(text, lines, |row| assemble::row_places_by_sums(spec, row))
            } else {
                None
            }
        })
        .collect();
    let units: Vec<tables::Unit> = seg
        .tables
        .iter()
        .map(|b| tables::block_unit(text, b.title_line, b.body.end))
        .collect();
    // The grid model's reading of the whole document, cell streams' rows
    // rebuilt `streams`, the blocks flagged in `as_flat` read as flat text.
    let read_grid =
        |streams: StreamRows, as_flat: &[bool], nodes: &mut usize, rebuilt: &mut [Option<_>]| {
            grid_reading(
                text,
                seg,
                facts,
                BlocksIn {
                    shapes: &shapes,
                    anchors: &anchors,
                    as_flat,
                    turned: &turned,
                    units: &units,
                },
                streams,
                nodes,
                rebuilt,
            )
        };
    // Each grid reading's blocks as read and assembled, to place again
    // beside the blocks other readings gave (`place_again`); `None` for the
    // first readers'.
    let mut grids: Vec<Option<Vec<GridBlock>>> = Vec::new();
    let mut readings = Vec::new();
    let (r, g) = read_grid(StreamRows::ColumnMajor, &[], &mut nodes, &mut rebuilt);
    readings.push(r);
    grids.push(Some(g));
    if shapes.iter().any(|s| s.layout() == BlockLayout::Stream) {
        let (r, g) = read_grid(StreamRows::Reflowed, &[], &mut nodes, &mut rebuilt);
        readings.push(r);
        grids.push(Some(g));
    }
    // The first readers' reading of the two-sided blocks (the column-major
    // one leans on the classes the blocks before printed).
    let mut classes_of: Vec<Vec<String>> = vec![Vec::new(); seg.tables.len()];
    for k in 0..seg.tables.len() {
        if first[k].is_some() {
            continue;
        }
        let mut classes: Vec<String> = first[..k]
            .iter()
            .flatten()
            .flat_map(|f| f.0.iter().filter_map(|i| i.subject_code.clone()))
            .filter(|c| c.len() == 3)
            .collect();
        classes.sort();
        classes.dedup();
        first[k] = Some(read_first(k, &classes, &anchors[k], &mut rebuilt[k]));
        classes_of[k] = classes;
    }
    let first: Vec<(Vec<LineItem>, FoundTable)> = first.into_iter().flatten().collect();
    readings.insert(0, first);
    grids.insert(0, None);
    // Each reading of the whole document is checked once, so that identities
    // across tables (a column total against table 01) take part; a block keeps
    // the reading that stands best there, the earlier on a tie.
    let standing: Vec<Vec<Standing>> = readings
        .iter()
        .map(|r| standings(&r.iter().collect::<Vec<_>>(), facts))
        .collect();
    let mut best = vec![0; seg.tables.len()];
    for (k, b) in best.iter_mut().enumerate() {
        for (r, st) in standing.iter().enumerate() {
            if st[k] > standing[*b][k] {
                *b = r;
            }
        }
    }
    // Column-aligned blocks whose best reading does not stand whole (an
    // amount not vouched for or not placed) are read once more as flat
    // text: a converter whose spacing drifts along a line (PyMuPDF's sorted
    // text) or sets headers apart from their columns leaves positions that
    // mislead, while the order of cells on a line still holds. So are
    // blocks taken for cell streams that print whole rows on some lines
    // (pdfplumber's plain text of names wrapped in narrow cells).
    let doubtful: Vec<bool> = (0..best.len())
        .map(|k| {
            let (items, found) = &readings[best[k]][k];
            (match shapes[k].layout() {
                BlockLayout::Aligned => true,
                BlockLayout::Stream => shapes[k].prints_rows(),
                _ => false,
            }) && (standing[best[k]][k].verified < items.len() as i64
                || found.unplaced > 0
                || found.figures > found.emitted)
        })
        .collect();
    if doubtful.contains(&true) {
        // Its own budget, within what the document has left (the last
        // reading to search): a flat reading leaves the identities more to
        // place.
        let mut budget = nodes.min(FLAT_NODES);
        let (r, g) = read_grid(
            StreamRows::ColumnMajor,
            &doubtful,
            &mut budget,
            &mut rebuilt,
        );
        readings.push(r);
        grids.push(Some(g));
        let r = readings.len() - 1;
        let moves: Vec<(usize, usize)> = (0..best.len())
            .filter(|&k| doubtful[k])
            .map(|k| (k, r))
            .collect();
        descend(&readings, &mut best, &moves, facts);
    }
    if readings.len() > 2 {
        // Identities across tables verify a block only beside the blocks its
        // own reading gave: each stream block in turn (the blocks read three
        // ways) moves to another reading where the whole document then
        // stands better.
        let moves: Vec<(usize, usize)> = (0..best.len())
            .filter(|&k| shapes[k].layout() == BlockLayout::Stream)
            .flat_map(|k| (0..readings.len()).map(move |r| (k, r)))
            .collect();
        descend(&readings, &mut best, &moves, facts);
    }
    if streamed {
        // Anchored again: the figures the kept one-sided blocks vouch for
        // (the grid model's readings among them, read after the first
        // anchors were taken) read each two-sided cell stream once more,
        // kept where the whole document then stands better.
        let kept: Vec<LineItem> = best
            .iter()
            .enumerate()
            .filter(|(k, _)| !two_sided(seg.tables[*k].table))
            .flat_map(|(k, &r)| readings[r][k].0.iter().cloned())
            .collect();
        let kept_sure = vouched(kept.iter().cloned());
        let mut again: Vec<(Vec<LineItem>, FoundTable)> =
            readings[0].iter().map(|(_, f)| (Vec::new(), *f)).collect();
        let mut anchored = Vec::new();
        for (k, block) in seg.tables.iter().enumerate() {
            if !two_sided(block.table) || shapes[k].layout() != BlockLayout::Stream {
                continue;
            }
            let a = column_major::anchors(block.table, &kept_sure, &kept);
            if a.is_empty() || a == anchors[k] {
                continue;
            }
            again[k] = read_first(k, &classes_of[k], &a, &mut rebuilt[k]);
            anchored.push(k);
        }
        if !anchored.is_empty() {
            // A reading of the anchored blocks alone: the others are never
            // taken from it.
            readings.push(again);
            grids.push(None);
            let r = readings.len() - 1;
            let moves: Vec<(usize, usize)> = anchored.into_iter().map(|k| (k, r)).collect();
            descend(&readings, &mut best, &moves, facts);
        }
    }
    place_again(&mut readings, &grids, &mut best, facts, &mut nodes);
    let mut out = TablesRead::default();
    let mut readings: Vec<_> = readings.into_iter().map(Vec::into_iter).collect();
    for b in best {
        let blocks: Vec<_> = readings
            .iter_mut()
            .map(|r| r.next().expect("a block per reading"))
            .collect();
        let (items, found) = blocks.into_iter().nth(b).expect("a reading per index");
        let (items, found) = one_amount_per_cell(items, found);
        out.unplaced += found.unplaced;
        out.found.push(found);
        out.items.extend(items);
    }
    labels::repair(&mut out.items);
    out
}

/// Search nodes for the flat reading of blocks that do not stand whole,
/// within the document's budget. Measured on generated reports
/// through the converters: the whole document budget gained nothing over
/// this; half of it lost 19 of 10,342 vouched rows (pdftotext -layout) and
/// 50 of 7,604 (PyMuPDF sorted) on seed 23; its cost is in
/// docs/benchmarks.md.
const FLAT_NODES: usize = 50_000;

/// The line items among `items` that their own identities vouch for.
fn vouched(items: impl Iterator<Item = LineItem>) -> Vec<LineItem> {
    let mut doc = crate::model::Extracted {
        line_items: items.collect(),
        ..Default::default()
    };
    crate::check::run(&mut doc, &crate::check::Printed::default());
    doc.line_items.retain(|i| i.verified);
    doc.line_items
}

/// Moves blocks to other readings, one `(block, reading)` move at a time in
/// order, keeping each that makes the whole document stand better; a move
/// to a reading that reads the block alike is skipped.
fn descend(
    readings: &[Vec<(Vec<LineItem>, FoundTable)>],
    best: &mut Vec<usize>,
    moves: &[(usize, usize)],
    facts: &[Fact],
) {
    let mut at = mix_standing(readings, best, facts);
    for &(k, r) in moves {
        if r == best[k] || readings[r][k].0 == readings[best[k]][k].0 {
            continue;
        }
        let mut other = best.clone();
        other[k] = r;
        let st = mix_standing(readings, &other, facts);
        if st > at {
            (*best, at) = (other, st);
        }
    }
}

/// How the grid model rebuilds the rows of cell streams.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StreamRows {
    /// Column by column (the first column-major reader's rows).
    ColumnMajor,
    /// Row by row, line breaks between cells moved to where rows begin.
    Reflowed,
}

/// What the grid model reads each block with: its lines' shapes, and the
/// figures other tables print for its rows.
#[derive(Clone, Copy)]
struct BlocksIn<'a> {
    shapes: &'a [read::LineShapes],
    anchors: &'a [Vec<column_major::Anchor>],
    /// Column-aligned blocks, and blocks taken for cell streams, to read as
    /// flat text: cells in their order on the line (empty: none).
    as_flat: &'a [bool],
    /// Each coded or one-row block read as a page printed turned, where it
    /// is one (`read::rotated`, `read::rotated_row`): the same in every
    /// reading, so read once.
    turned: &'a [Option<CellGrid>],
    /// Each block's unit ([`tables::block_unit`]): the same in every
    /// reading, so read once.
    units: &'a [tables::Unit],
}

/// The grid model's reading of every block of the document: each block read
/// by the reader its layout calls for, assembled, and placed by the
/// identities of all the document's tables together.
fn grid_reading(
    text: &Text,
    seg: &Segmented,
    facts: &[Fact],
    blocks_in: BlocksIn,
    streams: StreamRows,
    nodes: &mut usize,
    rebuilt: &mut [Option<(column_major::Context, crate::extract::grid::Grid)>],
) -> (Vec<(Vec<LineItem>, FoundTable)>, Vec<GridBlock>) {
    let mut blocks: Vec<GridBlock> = Vec::new();
    let BlocksIn {
        shapes,
        anchors,
        as_flat,
        turned,
        units,
    } = blocks_in;
    // Coded cell streams whose rows the figures' sums rebuild
    // (`read::by_row_totals`), each from its own codes first: their code
    // lists then serve the blocks whose codes came out too scattered to
    // rejoin.
    let by_totals = |k: usize, known: &[&[String]]| {
        let block = &seg.tables[k];
        let spec = TableSpec::of(block.table);
        (streams == StreamRows::Reflowed
            && shapes[k].layout() == BlockLayout::Stream
            && as_flat.get(k) != Some(&true)
            && spec.first_column_sums_the_rest())
        .then(|| {
            read::by_row_totals(
                text,
                block.title_line..block.body.end,
                spec.columns.len(),
                known,
            )
        })
        .flatten()
    };
    let mut totals: Vec<Option<read::RowsByTotals>> =
        (0..seg.tables.len()).map(|k| by_totals(k, &[])).collect();
    let lists: Vec<Vec<String>> = totals.iter().flatten().map(|t| t.codes.clone()).collect();
    if !lists.is_empty() {
        let known: Vec<&[String]> = lists.iter().map(Vec::as_slice).collect();
        for (k, t) in totals.iter_mut().enumerate() {
            if t.is_none() {
                *t = by_totals(k, &known);
            }
        }
    }
    for (k, (block, shapes)) in seg.tables.iter().zip(shapes).enumerate() {
        let printed = shapes.layout();
        let layout = match printed {
            BlockLayout::Aligned | BlockLayout::Stream if as_flat.get(k) == Some(&true) => {
                BlockLayout::Flat
            }
            l => l,
        };
        let lines = block.title_line..block.body.end;
        let unit = units[k];
        let mut by_order = Vec::new();
        let spec = TableSpec::of(block.table);
        // A coded or one-row table on a page printed turned, whose text
        // lines are its columns, whatever the lines' spacing made of the
        // block.
        let grid = match turned[k]
            .clone()
            .or_else(|| read::read(text, lines.clone(), layout))
        {
            Some(g) => g,
            None if streams == StreamRows::Reflowed => match totals[k].take() {
                Some(t) => {
                    by_order = t.by_order;
                    t.grid
                }
                None => read::stream(text, lines.clone()),
            },
            None => {
                // Cell streams: the column-major reader rebuilds the rows.
                let mut classes: Vec<String> = blocks
                    .iter()
                    .flat_map(|b| b.assembled.records.iter().filter_map(|r| r.code.clone()))
                    .filter(|c| c.len() == 3)
                    .collect();
                classes.sort();
                classes.dedup();
                let context = column_major::Context {
                    classes: column_major::classes_read(block.table, &classes),
                    anchors: anchors[k].clone(),
                    cell_stream: true,
                };
                let old = column_major::grid_once(
                    text,
                    lines.clone(),
                    block.table,
                    context,
                    &mut rebuilt[k],
                );
                by_order = old.placed_by_order.clone();
                from_rows(&old)
            }
        };
        let mut a = assemble::assemble(spec, &grid);
        for r in &mut a.records {
            for am in &mut r.amounts {
                let (v, d) = convert(am.printed.value, am.printed.decimals, unit);
                am.value = v;
                am.decimals = d;
            }
        }
        // A stream that prints some rows' figures after a group of their
        // names (pdftotext's default order: a row reads more figures than
        // its table has columns) may have done so anywhere: a row read
        // right after a blank sibling may hold the sibling's figure, and no
        // sum over the two tells which. Its row is the reading order's.
        let mixed = || {
            a.records
                .iter()
                .any(|r| r.amounts.len() > spec.side_columns(r.side).len())
        };
        if layout == BlockLayout::Stream && streams == StreamRows::Reflowed && mixed() {
            for w in a.records.windows(2) {
                let (before, row) = (&w[0], &w[1]);
                if let (Some(b), Some(c)) = (&before.code, &row.code)
                    && before.amounts.is_empty()
                    && !row.amounts.is_empty()
                    && b.len() == c.len()
                    && c.len() > 3
                    && b[..b.len() - 2] == c[..c.len() - 2]
                {
                    by_order.extend(
                        row.amounts
                            .iter()
                            .map(|am| grid.cells[am.cell].line as usize),
                    );
                }
            }
        }
        let figures = count_figures(text, block.body.clone());
        // A row holds no more figures than its side has columns.
        let held: usize = a
            .records
            .iter()
            .map(|r| r.amounts.len().min(spec.side_columns(r.side).len()))
            .sum();
        a.lost_figures = figures > held;
        blocks.push(GridBlock {
            assembled: a,
            grid,
            layout: printed,
            unit,
            figures,
            by_order,
        });
    }
    let all: Vec<&GridBlock> = blocks.iter().collect();
    let fresh = place(&all, &solve::Pinned::default(), facts, nodes);
    (fresh, blocks)
}

/// A block as the grid model read and assembled it, its amounts not placed.
struct GridBlock {
    assembled: Assembled,
    grid: CellGrid,
    /// The layout printed (before a block is taken for flat text).
    layout: BlockLayout,
    unit: tables::Unit,
    /// Money figures printed in the block.
    figures: usize,
    /// Source lines whose amounts only reading order put in their row.
    by_order: Vec<usize>,
}

/// The line items of `blocks`, their amounts placed by the identities of
/// those blocks and the `pinned` tables together.
fn place(
    blocks: &[&GridBlock],
    pinned: &solve::Pinned,
    facts: &[Fact],
    nodes: &mut usize,
) -> Vec<(Vec<LineItem>, FoundTable)> {
    let fact_values: Vec<(&'static str, Amount)> =
        facts.iter().map(|f| (f.metric, f.value)).collect();
    let assembled: Vec<Assembled> = blocks.iter().map(|b| b.assembled.clone()).collect();
    let placements = solve::solve(&assembled, pinned, &fact_values, nodes);
    let mut fresh: Vec<(Vec<LineItem>, FoundTable)> = Vec::new();
    for (bi, b) in blocks.iter().enumerate() {
        let GridBlock {
            assembled: a,
            grid,
            layout,
            unit,
            figures,
            by_order,
        } = b;
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
    fresh
}

/// Search nodes for placing a reading's blocks again, within what the
/// document has left. Measured on seed 99's pdftotext rendering (60
/// reports): 5,000 vouched 5,038 rows, 20,000 vouched 5,093 and the
/// document's whole budget 5,178, at about 5, 6 and 13 ms more per report
/// (one thread; docs/benchmarks.md): the searches that run long are mostly
/// those no budget decides.
const AGAIN_NODES: usize = 20_000;

/// Blocks kept from a grid reading whose identities left amounts to
/// reading order are placed again, beside the blocks kept for the
/// document's other tables: each grid reading solved its blocks only
/// beside its own reading of the others, and a table another reader read
/// better (table 01's income sources, read column by column) decides
/// columns its own reading could not (which of five part columns a row's
/// third figure is in). Of the kept blocks, only what the document's
/// identities vouch for is taken as known; the blocks placed again are
/// kept where the whole document then stands better.
fn place_again(
    readings: &mut Vec<Vec<(Vec<LineItem>, FoundTable)>>,
    grids: &[Option<Vec<GridBlock>>],
    best: &mut Vec<usize>,
    facts: &[Fact],
    nodes: &mut usize,
) {
    for (r, grid) in grids.iter().enumerate() {
        let Some(grid) = grid else { continue };
        let ours: Vec<usize> = (0..best.len())
            .filter(|&k| {
                best[k] == r
                    && readings[r][k]
                        .0
                        .iter()
                        .any(|i| i.flags.contains(&Flag::PlacedByOrder))
            })
            .collect();
        if ours.is_empty() || ours.len() == best.len() {
            continue;
        }
        let mut mix = crate::model::Extracted {
            line_items: best
                .iter()
                .enumerate()
                .flat_map(|(k, &b)| readings[b][k].0.iter().cloned())
                .collect(),
            ..Default::default()
        };
        crate::check::run(&mut mix, &crate::check::Printed::default());
        let own: rustc_hash::FxHashSet<crate::vocab::Table> =
            ours.iter().map(|&k| grid[k].assembled.table).collect();
        let mut pinned = solve::Pinned::default();
        let mut at = 0;
        for (k, &b) in best.iter().enumerate() {
            let (items, found) = &readings[b][k];
            let vouched = &mix.line_items[at..at + items.len()];
            at += items.len();
            if ours.contains(&k) || own.contains(&found.table) {
                continue;
            }
            let lossy = found.unplaced > 0 || found.figures > found.emitted;
            pinned.table(found.table, lossy);
            for (item, checked) in items.iter().zip(vouched) {
                pinned.figure(item, checked.verified);
            }
        }
        let blocks: Vec<&GridBlock> = ours.iter().map(|&k| &grid[k]).collect();
        let mut budget = (*nodes).min(AGAIN_NODES);
        let given = budget;
        let mut placed = place(&blocks, &pinned, facts, &mut budget).into_iter();
        *nodes -= given - budget;
        let again: Vec<(Vec<LineItem>, FoundTable)> = best
            .iter()
            .enumerate()
            .map(|(k, &b)| {
                if ours.contains(&k) {
                    placed.next().expect("a block placed again")
                } else {
                    readings[b][k].clone()
                }
            })
            .collect();
        readings.push(again);
        let moves: Vec<(usize, usize)> = ours.iter().map(|&k| (k, readings.len() - 1)).collect();
        descend(readings, best, &moves, facts);
    }
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

/// How well the document stands with block `k` taken from reading
/// `choice[k]`: its blocks' standings summed, less a point for every
/// printed figure a block gave no line item (unplaced or lost), so that a
/// reading that reads less, and so leaves the identities that would fail
/// unchecked, never stands better for it.
fn mix_standing(
    readings: &[Vec<(Vec<LineItem>, FoundTable)>],
    choice: &[usize],
    facts: &[Fact],
) -> Standing {
    let mix: Vec<&(Vec<LineItem>, FoundTable)> = choice
        .iter()
        .enumerate()
        .map(|(k, &r)| &readings[r][k])
        .collect();
    standings(&mix, facts)
        .iter()
        .zip(&mix)
        .fold(Standing::default(), |at, (block, (_, found))| Standing {
            verified: at.verified + block.verified
                - found.figures.saturating_sub(found.emitted) as i64,
            placed: at.placed + block.placed,
            stated: at.stated + block.stated,
        })
}

/// How well a block (or a mix of blocks) stands on the identities of the
/// whole reading, compared field by field in this order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Standing {
    /// Amounts verified.
    verified: i64,
    /// Amounts placed without doubt (less those lost).
    placed: i64,
    /// Figures the prose states that its cells print: where the identities
    /// leave a figure to one of several columns, the prose's column is the
    /// reading it confirms.
    stated: i64,
}

/// How well each block of a reading stands on the identities of the whole
/// reading ([`Standing`]).
fn standings(blocks: &[&(Vec<LineItem>, FoundTable)], facts: &[Fact]) -> Vec<Standing> {
    let mut doc = crate::model::Extracted {
        line_items: blocks.iter().flat_map(|b| b.0.iter().cloned()).collect(),
        facts: facts.to_vec(),
        ..Default::default()
    };
    let checks = crate::check::run(&mut doc, &crate::check::Printed::default());
    let mut at = 0;
    blocks
        .iter()
        .map(|(items, found)| {
            let own = &doc.line_items[at..at + items.len()];
            at += items.len();
            // A zero vouched for counts where a figure other than zero of
            // its row is: a column of zeros adds up under any arrangement
            // of its rows, so a stream whose codes were dealt to the wrong
            // rows stood better for having more parents over zeros.
            fn row(i: &LineItem) -> (Option<crate::vocab::Side>, Option<&str>, &str) {
                (i.side, i.subject_code.as_deref(), i.item.as_str())
            }
            let placed_rows: rustc_hash::FxHashSet<_> = own
                .iter()
                .filter(|i| i.verified && !i.amount.is_zero())
                .map(row)
                .collect();
            let verified = own
                .iter()
                .filter(|i| i.verified && (!i.amount.is_zero() || placed_rows.contains(&row(i))))
                .count();
            let doubted = own
                .iter()
                .filter(|i| i.flags.contains(&Flag::IdentityMismatch))
                .count();
            // A reading that gave up on its figures (emitted none, left
            // none unplaced) stands no better than one that left them all
            // unplaced.
            let lost = found
                .unplaced
                .max(found.figures.saturating_sub(found.emitted));
            let stated = checks
                .iter()
                .filter(|c| {
                    c.status == crate::model::CheckStatus::Pass
                        && c.table_code == Some(found.table.code())
                        && c.check.starts_with("fact_vs_table.")
                })
                .count();
            Standing {
                verified: verified as i64,
                placed: own.len() as i64 - doubted as i64 - lost as i64,
                stated: stated as i64,
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::BlockShape;
    use crate::vocab::Table;

    fn economic(code: &str, amount: &str) -> LineItem {
        LineItem::printed(
            Table::GeneralBudgetBasic,
            None,
            Some(code),
            "",
            "决算数",
            amount,
        )
    }

    #[test]
    fn a_reading_that_gave_up_on_its_figures_stands_below_one_that_read_them() {
        // Two figures printed: one reading emits both rows (their class
        // does not add up, so neither is vouched for), the other none and
        // leaves none unplaced. Neither verifies anything; the second lost
        // every figure.
        let found = |emitted: usize| FoundTable {
            table: Table::GeneralBudgetBasic,
            shape: BlockShape::ColumnMajor,
            figures: 2,
            emitted,
            unplaced: 0,
        };
        let read = (
            vec![economic("301", "10.00"), economic("30101", "3.00")],
            found(2),
        );
        let gave_up = (Vec::new(), found(0));
        assert!(standings(&[&read], &[])[0] > standings(&[&gave_up], &[])[0]);
    }

    /// Table 02's rows, the figures in its columns' order.
    fn income_rows(rows: &[(&str, [&str; 7])]) -> (Vec<LineItem>, FoundTable) {
        let spec = TableSpec::of(Table::Income);
        let cols = spec.side_columns(None);
        let items: Vec<LineItem> = rows
            .iter()
            .flat_map(|(code, figures)| {
                figures.iter().zip(cols).map(|(f, col)| LineItem {
                    table: Table::Income,
                    subject_code: (!code.is_empty()).then(|| code.to_string()),
                    item: if code.is_empty() { "合计" } else { "" }.to_string(),
                    column: col.name.to_string(),
                    ..economic(code, f)
                })
            })
            .collect();
        let found = FoundTable {
            table: Table::Income,
            shape: BlockShape::ColumnMajor,
            figures: items.len(),
            emitted: items.len(),
            unplaced: 0,
        };
        (items, found)
    }

    #[test]
    fn zeros_that_add_up_in_any_order_do_not_make_a_reading_stand_better() {
        // The total, a class and its one 款, rightly read: every figure
        // vouched for.
        let z = "0.00";
        let right = income_rows(&[
            ("", ["12.00", "12.00", z, z, z, z, z]),
            ("201", ["12.00", "12.00", z, z, z, z, z]),
            ("20101", ["12.00", "12.00", z, z, z, z, z]),
        ]);
        // The codes of a stream dealt to the wrong rows: the class no
        // longer adds up, while its five columns of zeros do.
        let wrong = income_rows(&[
            ("", ["12.00", "12.00", z, z, z, z, z]),
            ("201", ["12.00", "12.00", z, z, z, z, z]),
            ("20101", ["5.00", "5.00", z, z, z, z, z]),
            ("20102", ["4.00", "4.00", z, z, z, z, z]),
        ]);
        assert!(standings(&[&right], &[])[0] > standings(&[&wrong], &[])[0]);
    }

    #[test]
    fn the_reading_whose_cells_print_what_the_prose_states_stands_better() {
        // 02's third figure in 上级补助收入 or in 其他收入: every sum of the
        // table holds either way.
        let z = "0.00";
        let upper = income_rows(&[
            ("", ["30.00", "28.80", "1.20", z, z, z, z]),
            ("201", ["30.00", "28.80", "1.20", z, z, z, z]),
        ]);
        let other = income_rows(&[
            ("", ["30.00", "28.80", z, z, z, z, "1.20"]),
            ("201", ["30.00", "28.80", z, z, z, z, "1.20"]),
        ]);
        assert_eq!(standings(&[&upper], &[]), standings(&[&other], &[]));
        // The prose states 其他收入 1.20万元.
        let stated = Fact {
            section: String::new(),
            metric: "其他收入",
            value: Amount::parse_plain("1.20").expect("amount"),
            prior_year_change: None,
            change_pct: None,
            sentence: String::new(),
            source_line: 1,
        };
        let facts = std::slice::from_ref(&stated);
        assert!(standings(&[&other], facts)[0] > standings(&[&upper], facts)[0]);
    }
}
