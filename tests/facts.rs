//! Facts of the 情况说明 prose against the hand-checked gold of the corpus:
//! every document with prose yields its figures, including those whose
//! tables were images (000, 001) and one without a 情况说明 at all (004).

mod common;

use common::{assert_floor, corpus_output as output, gold, score};

#[test]
fn facts_of_every_shape_match_the_gold() {
    let s = score(&output(), &gold(), "facts");
    for src in [
        "000_0549f45c8921e423.txt",
        "001_08c5a9fc441d161e.txt",
        "002_6ab84cca39a9b887.txt",
        "003_0940f7d63c256225.txt",
        "004_dc9c9a078db0651c.txt",
        "shanghai-putuo-planning-2024.layout.txt",
        "shanghai-putuo-planning-2024.raw.txt",
    ] {
        assert_floor(&s, src, 0.95, 0.95);
    }
    assert_eq!(
        s["shanghai-template-2024.layout.txt"].pred, 0,
        "the empty template states no figure"
    );
}
