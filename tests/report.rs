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
    let files = common::corpus_files().len();
    assert!(
        text.contains(&format!("({files} documents, 7 distinct reports)")),
        "{text}"
    );
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
        detail.iter().any(|l| l.contains("parts sum to")
            && l.contains("the total printed is")
            && l.contains("off by")),
        "{detail:?}"
    );
    // Partial documents by reason, flags and the checks' pass rate.
    assert!(
        text.contains("partial by reason:") && text.contains("no standard table in the text 3"),
        "{text}"
    );
    let reasons = text
        .lines()
        .find(|l| l.starts_with("  partial by reason:"))
        .unwrap();
    assert!(
        !reasons.contains("other"),
        "a reason left unnamed: {reasons}"
    );
    assert!(
        text.contains("  checks: ") && text.contains(" passed ("),
        "{text}"
    );
    assert!(
        text.contains("verified (") && text.contains("flags: "),
        "{text}"
    );
    // A prose-versus-table check says which side is which.
    let fact = text
        .lines()
        .find(|l| l.trim_start().starts_with("fact_vs_table."))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        fact.contains("the prose states") && fact.contains("the table ("),
        "{fact}"
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

#[test]
fn report_json_is_machine_readable() {
    let out = tempfile::tempdir().unwrap();
    run_juesuan(&root().join("tests/corpus"), out.path(), &["--quiet"]);
    let (ok, text, err) = report(&["--output", out.path().to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let files = common::corpus_files().len() as u64;
    assert_eq!(v["documents"], files);
    // The renderings of the Putuo report count as one report.
    assert_eq!(v["reports"], 7);
    let status = &v["status"];
    let partial = status["partial"].as_u64().unwrap();
    assert_eq!(
        status["ok"].as_u64().unwrap() + partial + status["rejected"].as_u64().unwrap(),
        files
    );
    assert!(partial > 0);
    let reasons = v["partial_by_reason"].as_object().unwrap();
    assert!(
        !reasons.is_empty() && !reasons.contains_key("other"),
        "{reasons:?}"
    );
    let checks = &v["checks"];
    let (passed, failed) = (
        checks["passed"].as_u64().unwrap(),
        checks["failed"].as_u64().unwrap(),
    );
    assert_eq!(v["rows"]["checks"].as_u64().unwrap(), passed + failed);
    let rate = checks["pass_rate"].as_f64().unwrap();
    assert!((rate - passed as f64 / (passed + failed) as f64).abs() < 1e-9);
    let flags = v["flags"].as_object().unwrap();
    assert!(flags.contains_key("unverified"), "{flags:?}");
    let items = v["rows"]["line_items"].as_u64().unwrap();
    assert_eq!(
        items - v["line_items_verified"].as_u64().unwrap(),
        flags["unverified"].as_u64().unwrap(),
        "unverified rows carry the flag"
    );
    // Money stays exact text.
    let listed = v["listed"].as_array().unwrap();
    let failed_check = listed
        .iter()
        .flat_map(|d| d["failed_checks"].as_array().unwrap())
        .next()
        .expect("a failed check listed");
    assert!(failed_check["expected"].is_string(), "{failed_check}");
}
