//! The shared corpus (one real document per known input shape) against its
//! hand-checked gold rows: the accuracy floors the product promises.

mod common;

use common::{
    assert_floor, corpus_output as output, gold, read_dataset, root, score, score_verified,
};

#[test]
fn tab_separated_tables_are_complete() {
    let s = score(&output(), &gold(), "tables");
    assert_floor(&s, "002_6ab84cca39a9b887.txt", 0.99, 0.99);
}

#[test]
fn ocr_tables_are_read_and_repaired_by_identities() {
    let s = score(&output(), &gold(), "tables");
    assert_floor(&s, "003_0940f7d63c256225.txt", 0.97, 0.97);
}

#[test]
fn column_aligned_tables_are_complete() {
    let s = score(&output(), &gold(), "tables");
    assert_floor(&s, "shanghai-putuo-planning-2024.layout.txt", 0.99, 0.99);
}

#[test]
fn column_major_tables_are_rebuilt() {
    // Issue #3 asks 90%. Table 06 of this rendering has its cells drawn out
    // of row order in both groups: rebuilt from the identities. The two rows
    // still missed are table 04's, whose amounts the PDF drew apart from
    // their labels.
    let s = score(&output(), &gold(), "tables");
    assert_floor(&s, "shanghai-putuo-planning-2024.raw.txt", 0.99, 0.99);
}

/// Issue 14: what the output vouches for (`verified`) is right on every
/// document of the corpus (the renderings by other converters are in the
/// test below).
#[test]
fn every_verified_row_of_the_corpus_is_right() {
    let v = score_verified(&output(), &gold());
    for src in [
        "002_6ab84cca39a9b887.txt",
        "003_0940f7d63c256225.txt",
        "shanghai-putuo-planning-2024.layout.txt",
        "shanghai-putuo-planning-2024.raw.txt",
        "shanghai-putuo-planning-2024.flat.txt",
    ] {
        let s = &v[src];
        assert!(
            s.pred > 0 && s.hit == s.pred,
            "{src}: {} rows vouched for, {} right; wrong: {:#?}",
            s.pred,
            s.hit,
            &s.extra[..s.extra.len().min(10)]
        );
    }
}

/// One PDF as the converters users run print it, each losing the grid its own
/// way: row-major flat text (`pdftotext -raw`, pdfplumber's `extract_text()`)
/// drops blank cells, pdfplumber's layout mode pads every line to the page
/// width, PyMuPDF prints a cell per line or, sorted, puts one table's note and
/// the next title on one line. Floors a little under what the grid model reads
/// today; the rows vouched for (`verified`) must be right whatever the recall.
#[test]
fn other_converters_renderings_are_read_and_vouched_rows_are_right() {
    let s = score(&output(), &gold(), "tables");
    let v = score_verified(&output(), &gold());
    for (src, p, r) in [
        // Issue 13: the flat rendering >= 99% recall, every emitted row right.
        ("shanghai-putuo-planning-2024.flat.txt", 1.0, 0.99),
        ("shanghai-putuo-planning-2024.pdfplumber.txt", 1.0, 0.99),
        (
            "shanghai-putuo-planning-2024.pdfplumber-layout.txt",
            0.90,
            0.90,
        ),
        ("shanghai-putuo-planning-2024.pymupdf.txt", 0.98, 0.97),
        ("shanghai-putuo-planning-2024.pymupdf-sort.txt", 0.88, 0.80),
    ] {
        assert_floor(&s, src, p, r);
        let vouched = &v[src];
        // Enough vouched rows for the precision to say something (PyMuPDF
        // sorted: 37, since a code whose 款 or 类 row the reading lost is
        // not verified, nor a cell of a sum that holds over a cell a failing
        // identity contradicts), and every one of them right.
        assert!(
            vouched.pred >= 35 && vouched.hit == vouched.pred,
            "{src}: {} rows vouched for, {} right; wrong: {:#?}",
            vouched.pred,
            vouched.hit,
            &vouched.extra[..vouched.extra.len().min(10)]
        );
    }
}

#[test]
fn documents_without_tables_emit_no_line_items() {
    let s = score(&output(), &gold(), "tables");
    for src in [
        "000_0549f45c8921e423.txt",
        "001_08c5a9fc441d161e.txt",
        "shanghai-template-2024.layout.txt",
    ] {
        assert_eq!(
            s[src].pred, 0,
            "{src} should have no non-zero line items: {:?}",
            s[src].extra
        );
    }
    let docs = read_dataset(&output(), "documents");
    for src in ["000_0549f45c8921e423.txt", "001_08c5a9fc441d161e.txt"] {
        let d = docs
            .iter()
            .find(|d| d["source_path"].as_deref() == Some(src))
            .unwrap();
        assert_eq!(d["tables_found"].as_deref(), Some("0"), "{src}");
        assert!(
            d["error"]
                .as_deref()
                .unwrap_or("")
                .contains("no standard table"),
            "{src}: {:?}",
            d["error"]
        );
    }
    let template = docs
        .iter()
        .find(|d| d["source_path"].as_deref() == Some("shanghai-template-2024.layout.txt"))
        .unwrap();
    assert_eq!(template["status"].as_deref(), Some("ok"));
    assert_eq!(template["error"], None);
    assert_eq!(template["tables_found"].as_deref(), Some("9"));
}

#[test]
fn one_documents_row_per_file() {
    let docs = read_dataset(&output(), "documents");
    let mut paths: Vec<String> = docs
        .iter()
        .map(|d| d["source_path"].clone().unwrap())
        .collect();
    paths.sort();
    let mut files: Vec<String> = std::fs::read_dir(root().join("tests/corpus"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(paths, files);
}
