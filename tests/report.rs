//! `juesuan report` reads a run's output back and shows what to look at.

mod common;

use std::process::Command;

use common::{root, run_juesuan};

fn report(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .arg("report")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn report_summarises_the_archive_and_lists_documents_needing_attention() {
    let out = tempfile::tempdir().unwrap();
    run_juesuan(&root().join("tests/corpus"), out.path(), &["--quiet"]);
    let (ok, text, err) = report(&["--output", out.path().to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(text.contains("(8 documents)"), "{text}");
    assert!(text.contains("status:"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("2023") && l.contains("documents")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("2024") && l.contains("documents")),
        "{text}"
    );
    assert!(
        text.contains("by shape:") && text.contains("tab_separated 1"),
        "{text}"
    );
    // The OCR document has failed checks: each shown with where and by how much.
    let ocr = text
        .lines()
        .position(|l| l.contains("003_0940f7d63c256225.txt [partial]"))
        .unwrap_or_else(|| panic!("{text}"));
    let detail: Vec<&str> = text
        .lines()
        .skip(ocr + 1)
        .take_while(|l| l.starts_with("      "))
        .collect();
    assert!(
        detail
            .iter()
            .any(|l| l.contains("expected") && l.contains("off by")),
        "{detail:?}"
    );
    // The clean tab-separated document needs no attention.
    assert!(!text.contains("002_6ab84cca39a9b887.txt ["), "{text}");
    let (_, all, _) = report(&["--output", out.path().to_str().unwrap(), "--all"]);
    assert!(all.contains("002_6ab84cca39a9b887.txt [ok]"), "{all}");
}

#[test]
fn report_without_output_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = report(&["--output", dir.path().to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("run `juesuan run` first"), "{err}");
}
