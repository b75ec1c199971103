//! Developer tool: the text juesuan derives from a PDF (tables as TAB rows),
//! each line behind its page number.
//!
//! cargo run --example pdf_text -- FILE.pdf

fn main() {
    let path = std::env::args().nth(1).expect("usage: pdf_text FILE.pdf");
    let bytes = std::fs::read(&path).expect("read file");
    match juesuan::pdf::to_text(&bytes) {
        Ok((text, pages)) => {
            for (i, line) in text.lines().enumerate() {
                println!("{:>3}\t{line}", pages[i]);
            }
        }
        Err(e) => eprintln!("{path}: {e}"),
    }
}
