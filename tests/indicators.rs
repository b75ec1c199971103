//! Self-evaluation tables of the shared corpus against their hand-checked
//! gold rows: the accuracy floors of the `indicators` dataset.

mod common;

use common::{assert_floor, corpus_output as output, gold, read_dataset, score};

/// Precision and recall floors per layout: flattened PDF text, Word
/// cell-per-line, OCR'd TAB rows.
#[test]
fn floors() {
    let s = score(&output(), &gold(), "indicators");
    assert_floor(&s, "001_08c5a9fc441d161e.txt", 0.95, 0.95);
    assert_floor(&s, "004_dc9c9a078db0651c.txt", 0.95, 0.95);
    assert_floor(&s, "003_0940f7d63c256225.txt", 0.85, 0.85);
}

#[test]
fn documents_without_self_evaluations_have_no_indicators() {
    let s = score(&output(), &gold(), "indicators");
    for src in [
        "000_0549f45c8921e423.txt",
        "shanghai-putuo-planning-2024.layout.txt",
        "shanghai-putuo-planning-2024.raw.txt",
        "shanghai-template-2024.layout.txt",
    ] {
        assert_eq!(s[src].pred, 0, "{src}: {:?}", s[src].extra);
    }
}

/// Table figures (budget execution, 总分) are not indicators, and every row
/// carries its scope, a project for project tables and a name.
#[test]
fn rows_are_indicators_of_their_tables() {
    let rows = read_dataset(&output(), "indicators");
    assert!(!rows.is_empty());
    for r in &rows {
        let name = r["name"].as_deref().unwrap_or("");
        assert!(!name.is_empty());
        for word in ["总分", "预算数", "执行数", "执行率", "年度资金总额"] {
            assert!(!name.starts_with(word), "{name}");
        }
        match r["scope"].as_deref() {
            Some("项目") => assert!(r["project"].is_some(), "{name}"),
            Some("部门整体") => assert!(r["project"].is_none(), "{name}"),
            other => panic!("scope {other:?}"),
        }
    }
    let docs = read_dataset(&output(), "documents");
    let shape = |src: &str| {
        docs.iter()
            .find(|d| d["source_path"].as_deref() == Some(src))
            .and_then(|d| d["shape"].clone())
    };
    assert_eq!(
        shape("001_08c5a9fc441d161e.txt").as_deref(),
        Some("flattened_pdf")
    );
}
