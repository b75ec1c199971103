//! Any bytes through the per-document path: decode, segment, extract, check.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let p = juesuan::document::process("fuzz.txt", data);
    // What comes out must be self-consistent.
    assert_eq!(p.row.line_items as usize, p.extracted.line_items.len());
    assert_eq!(p.row.indicators as usize, p.extracted.indicators.len());
    assert_eq!(p.row.facts as usize, p.extracted.facts.len());
});
