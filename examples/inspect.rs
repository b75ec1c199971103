//! Developer tool: how juesuan segments a document and reads its tables.
//!
//! cargo run --example inspect -- FILE [TABLE_CODE]

use juesuan::decode::decode;
use juesuan::extract::{self, BlockShape};
use juesuan::segment::segment;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: inspect FILE [TABLE_CODE]");
    let only = args.next();
    let bytes = std::fs::read(&path).expect("read file");
    let text = decode(&bytes).expect("decode");
    let seg = segment(&text);
    println!("meta: {:?}", seg.meta);
    for b in &seg.tables {
        let shape = extract::block_shape(&text, &b.body);
        println!(
            "table {} {:?} title line {} body {}..{} shape {:?}",
            b.table.code(),
            b.table,
            b.title_line + 1,
            b.body.start + 1,
            b.body.end,
            shape
        );
        if only.as_deref() != Some(b.table.code()) {
            continue;
        }
        let lines = b.title_line..b.body.end;
        let grid = match shape {
            BlockShape::Tabs => extract::grid::tab_grid(&text, lines),
            BlockShape::Aligned => extract::aligned::grid(&text, lines, b.table),
            BlockShape::ColumnMajor => {
                extract::column_major::grid(&text, lines, b.table, &Default::default())
            }
        };
        for r in &grid.rows {
            let cells: Vec<String> = r
                .cells
                .iter()
                .map(|c| format!("{}:{}", c.col, c.text))
                .collect();
            println!("  {:>5} {}", r.line + 1, cells.join(" | "));
        }
    }
}
