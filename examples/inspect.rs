//! Developer tool: how juesuan segments a document and assembles its tables.
//!
//! cargo run --release --example inspect -- FILE [TABLE_CODE]

use juesuan::decode::decode;
use juesuan::segment::segment;
use juesuan::table::{assemble, read, spec::TableSpec};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: inspect FILE [TABLE_CODE]");
    let only = args.next();
    let bytes = std::fs::read(&path).expect("read file");
    let text = if juesuan::pdf::is_pdf(&bytes) {
        let (text, _pages) = juesuan::pdf::to_text(&bytes).expect("read PDF");
        if std::env::var_os("INSPECT_TEXT").is_some() {
            for (k, line) in text.lines().enumerate() {
                println!("{:5} {}", k + 1, line.replace('\t', " | "));
            }
        }
        text
    } else {
        decode(&bytes).expect("decode")
    };
    let seg = segment(&text);
    println!("meta: {:?}", seg.meta);
    for b in &seg.tables {
        let layout = read::detect(&text, b.body.clone());
        println!(
            "table {} title line {} body {}..{} layout {:?}",
            b.table.code(),
            b.title_line + 1,
            b.body.start + 1,
            b.body.end,
            layout
        );
        if only.as_deref().is_some_and(|o| o != b.table.code()) {
            continue;
        }
        // Cell streams: the row-by-row reflow (the column-major reading is
        // the first readers' own).
        let Some(grid) = read::read(&text, b.title_line..b.body.end, layout)
            .or_else(|| Some(read::stream(&text, b.title_line..b.body.end)))
        else {
            continue;
        };
        let spec = TableSpec::of(b.table);
        let a = assemble::assemble(spec, &grid);
        println!("  unplaced {}", a.unplaced);
        for r in &a.records {
            let amounts: Vec<String> = r
                .amounts
                .iter()
                .map(|am| {
                    format!(
                        "{}@g{}:{:b}",
                        grid.text(&grid.cells[am.cell]),
                        am.group,
                        a.groups[am.group].domain
                    )
                })
                .collect();
            println!(
                "  L{} {:?} {:?} {} #{:?} {}",
                r.line + 1,
                r.side,
                r.code,
                r.item,
                r.line_no,
                amounts.join(" ")
            );
        }
    }
}
