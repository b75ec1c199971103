//! Developer tool: the free text lines of one PDF page with glyph positions.
//!
//! cargo run --example pdflines -- FILE PAGE
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: pdflines FILE PAGE");
    let page: u32 = args.next().and_then(|p| p.parse().ok()).unwrap_or(1);
    let bytes = std::fs::read(&path).expect("read file");
    let pages = juesuan::pdf::read::read(&bytes).expect("read PDF");
    let p = &pages[page as usize - 1];
    println!("rules {}", p.rules.len());
    let mut gs: Vec<_> = juesuan::pdf::layout::distinct_glyphs(&p.glyphs);
    gs.sort_by(|a, b| {
        a.centre_y()
            .total_cmp(&b.centre_y())
            .then(a.x0.total_cmp(&b.x0))
    });
    let mut y = f64::MIN;
    let mut line = String::new();
    for g in gs {
        if (g.centre_y() - y).abs() > 0.45 * g.size {
            if !line.is_empty() {
                println!("{line}");
            }
            y = g.centre_y();
            line = format!("y={:.1} s={:.1}:", y, g.size);
        }
        line.push_str(&format!(" {}@{:.1}-{:.1}", g.text, g.x0, g.x1));
    }
    println!("{line}");
}
