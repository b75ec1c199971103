//! The oracle through real converters (issue 16): generated PDF reports
//! (juesuan-synth's PDF shape, drawn as office producers draw them) rendered
//! to text by the converters users run (`scripts/render-converters`:
//! pdftotext in three modes, pdfplumber in two, PyMuPDF in two) and read
//! natively, each scored against the rows the generator drew.
//!
//! Floors sit a little under today's figures (docs/accuracy.md), so that a
//! regression in one converter's reading shows under its name. Needs what
//! `.ci/run` installs: poppler-utils, pdfplumber, PyMuPDF.

mod common;

use std::fs;
use std::process::Command;

use common::{Score, root, run_juesuan, score, score_verified};
use juesuan_synth::{Shape, document};

const DOCUMENTS: u64 = 16;
const SEED: u64 = 20_261_206;

/// (rendering, recall floor, precision floor, floor of the precision of the
/// rows vouched for: every one of them right).
const FLOORS: &[(&str, f64, f64, f64)] = &[
    ("native", 0.995, 0.995, 1.0),
    ("pdftotext-layout", 0.99, 0.993, 1.0),
    ("pdftotext", 0.96, 0.98, 1.0),
    ("pdftotext-raw", 0.98, 0.99, 1.0),
    ("pdfplumber-layout", 0.993, 0.993, 1.0),
    ("pdfplumber", 0.995, 0.996, 1.0),
    ("pymupdf", 0.99, 0.99, 1.0),
    ("pymupdf-sort", 0.97, 0.975, 1.0),
];

fn sum(scores: &std::collections::BTreeMap<String, Score>) -> Score {
    let mut t = Score::default();
    for s in scores.values() {
        t.gold += s.gold;
        t.pred += s.pred;
        t.hit += s.hit;
    }
    t
}

#[test]
fn generated_pdfs_are_read_through_every_converter() {
    let dir = tempfile::tempdir().unwrap();
    let generated = dir.path().join("generated");
    let input = generated.join("input");
    fs::create_dir_all(&input).unwrap();
    for k in ["tables", "indicators", "facts"] {
        fs::create_dir_all(generated.join("gold").join(k)).unwrap();
    }
    for i in 0..DOCUMENTS {
        let d = document(SEED, i, &[Shape::Pdf]);
        fs::write(input.join(&d.file_name), &d.bytes).unwrap();
        let gold = generated.join("gold");
        let stem = d.stem().to_string();
        fs::write(gold.join(format!("tables/{stem}.tsv")), &d.tables_tsv).unwrap();
        fs::write(
            gold.join(format!("indicators/{stem}.tsv")),
            &d.indicators_tsv,
        )
        .unwrap();
        fs::write(gold.join(format!("facts/{stem}.tsv")), &d.facts_tsv).unwrap();
    }
    let rendered = dir.path().join("rendered");
    let out = Command::new("python3")
        .arg(root().join("scripts/render-converters"))
        .arg(&generated)
        .arg(&rendered)
        .output()
        .expect("python3 runs scripts/render-converters (.ci/run installs it)");
    assert!(
        out.status.success(),
        "scripts/render-converters failed (needs poppler-utils, pdfplumber, pymupdf; .ci/run installs them):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut report =
        String::from("rendering           recall  precision  vouched-precision (vouched)\n");
    let mut failures = Vec::new();
    for &(name, recall, precision, vouched_floor) in FLOORS {
        let (input, gold) = if name == "native" {
            (input.clone(), generated.join("gold"))
        } else {
            (
                rendered.join(name).join("input"),
                rendered.join(name).join("gold"),
            )
        };
        let output = dir.path().join(format!("out-{name}"));
        run_juesuan(&input, &output, &["--quiet"]);
        let all = sum(&score(&output, &gold, "tables"));
        let vouched = sum(&score_verified(&output, &gold));
        report.push_str(&format!(
            "{name:18} {:6.1}% {:9.1}% {:11.1}% ({})\n",
            all.recall() * 100.0,
            all.precision() * 100.0,
            vouched.precision() * 100.0,
            vouched.pred
        ));
        if all.recall() < recall
            || all.precision() < precision
            || vouched.precision() < vouched_floor
        {
            failures.push(name);
        }
    }
    println!("{report}");
    assert!(
        failures.is_empty(),
        "under the floors: {failures:?}\n{report}"
    );
}
