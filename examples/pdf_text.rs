//! Developer tool: the text juesuan derives from a PDF (tables as TAB rows),
//! each line behind its page number; with a page number, that page's glyphs
//! and rules as the reader gives them.
//!
//! cargo run --example pdf_text -- FILE.pdf [PAGE]

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: pdf_text FILE.pdf [PAGE]");
    let bytes = std::fs::read(&path).expect("read file");
    if let Some(n) = args.next() {
        let n: u32 = n.parse().expect("a page number");
        let pages = juesuan::pdf::read::read(&bytes).expect("read PDF");
        let p = pages.iter().find(|p| p.number == n).expect("no such page");
        println!(
            "page {} {}x{} rotation {}",
            p.number, p.width, p.height, p.rotation
        );
        for g in &p.glyphs {
            println!(
                "glyph {:7.2} {:7.2} base {:7.2} size {:5.2} {}",
                g.x0, g.x1, g.baseline, g.size, g.text
            );
        }
        for r in &p.rules {
            println!(
                "rule {:?} at {:.2} {:.2}..{:.2}",
                r.orientation, r.pos, r.from, r.to
            );
        }
        return;
    }
    match juesuan::pdf::to_text(&bytes) {
        Ok((text, pages)) => {
            for (i, line) in text.lines().enumerate() {
                println!("{:>3}\t{line}", pages[i]);
            }
        }
        Err(e) => eprintln!("{path}: {e}"),
    }
}
