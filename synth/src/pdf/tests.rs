//! The PDF shape through a real converter: poppler's `pdfinfo` and `pdftotext`
//! (Debian's poppler-utils, which `.ci/run` installs; a test that cannot find them
//! fails with the install hint rather than skipping).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use super::{Justify, Variant};
use crate::model::money;
use crate::pdf::canvas::{Bold, Landscape, Rules};
use crate::pdf::table::VAlign;
use crate::{Shape, generate};

const SEED: u64 = 20_261_206;

/// Runs a poppler tool on `pdf`; its stdout and stderr.
fn poppler(tool: &str, args: &[&str], pdf: &[u8], name: &str) -> (String, String) {
    let path: PathBuf =
        std::env::temp_dir().join(format!("juesuan-synth-{}-{name}", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{tool}: {e}: the PDF tests need poppler-utils (apt-get install poppler-utils; \
                 .ci/run installs it)"
            )
        });
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success(), "{tool} {args:?} {name}: {:?}", out);
    (
        String::from_utf8(out.stdout).expect("poppler prints UTF-8"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn pdf_is_well_formed_and_reproducible() {
    for i in 0..6 {
        let (a, drawn) = generate(SEED, i, &[Shape::Pdf]);
        let (b, _) = generate(SEED, i, &[Shape::Pdf]);
        assert_eq!(a.bytes, b.bytes, "document {i} differs between runs");
        assert_eq!(a.tables_tsv, b.tables_tsv);
        assert_ne!(generate(SEED + 1, i, &[Shape::Pdf]).0.bytes, a.bytes);
        assert!(a.bytes.starts_with(b"%PDF-1.7"), "{}", a.file_name);
        assert!(a.file_name.ends_with(".pdf") && a.encoding.is_none());
        let (info, errors) = poppler("pdfinfo", &[], &a.bytes, &a.file_name);
        assert!(errors.trim().is_empty(), "{}: {errors}", a.file_name);
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("pdfinfo prints the page count");
        assert!(pages >= 10, "{}: {pages} pages", a.file_name);
        // Every page's text extracts without complaint (fonts, CMaps, streams).
        let (_, errors) = poppler("pdftotext", &["-layout"], &a.bytes, &a.file_name);
        assert!(errors.trim().is_empty(), "{}: {errors}", a.file_name);
        assert!(drawn.is_some());
    }
}

/// Cents from a gold amount (`1234.56`).
fn cents(s: &str) -> i64 {
    let (int, frac) = s.split_once('.').expect("gold amounts have cents");
    let sign = if int.starts_with('-') { -1 } else { 1 };
    sign * (int.trim_start_matches('-').parse::<i64>().unwrap() * 100
        + frac.parse::<i64>().unwrap())
}

#[test]
fn expected_figures_appear_in_pdftotext_layout() {
    for i in 0..10 {
        let (d, drawn) = generate(SEED, i, &[Shape::Pdf]);
        let factor = drawn.expect("a PDF").factor;
        let (text, _) = poppler("pdftotext", &["-layout"], &d.bytes, &d.file_name);
        let mut tokens: BTreeMap<&str, usize> = BTreeMap::new();
        for t in text.split_whitespace() {
            *tokens.entry(t).or_default() += 1;
        }
        // Each expected amount, in the printed unit, as often as the gold has it.
        let mut expected: BTreeMap<String, usize> = BTreeMap::new();
        for row in d.tables_tsv.lines().skip(1) {
            let amount = row.split('\t').nth(5).expect("gold rows have an amount");
            *expected.entry(money(cents(amount) * factor)).or_default() += 1;
        }
        assert!(expected.len() > 20, "{}: too few amounts", d.file_name);
        for (amount, n) in &expected {
            let found = tokens.get(amount.as_str()).copied().unwrap_or(0);
            assert!(
                found >= *n,
                "{}: {amount} expected {n} times, extracted {found} times",
                d.file_name
            );
        }
        // The 情况说明 figures, whose lines may wrap anywhere outside a number,
        // and at a page break with the page's number and running title
        // between a figure and its unit; a change of nothing may be said in
        // words (与上年持平).
        let furniture = |l: &str| {
            let t: String = l.split_whitespace().collect();
            t.trim_matches('-').parse::<u32>().is_ok()
                || t.starts_with('第') && t.ends_with('页')
                || t.ends_with("年度部门决算")
        };
        let flat: String = text
            .lines()
            .filter(|l| !furniture(l))
            .flat_map(str::split_whitespace)
            .collect();
        for row in d.facts_tsv.lines().skip(1) {
            let cells: Vec<&str> = row.split('\t').collect();
            let change = (cells[3] != "0.00").then_some(cells[3]);
            for figure in std::iter::once(cells[2]).chain(change) {
                let figure = figure.trim_start_matches('-');
                if !figure.is_empty() {
                    assert!(
                        flat.contains(&format!("{figure}万元")),
                        "{}: fact {} {figure}",
                        d.file_name,
                        cells[1]
                    );
                }
            }
        }
        for title in crate::model::TITLES {
            assert!(flat.contains(title), "{}: title {title}", d.file_name);
        }
    }
}

#[test]
fn every_style_is_drawn_by_some_seed_of_a_small_sample() {
    let drawn: BTreeSet<Variant> = (0..40)
        .flat_map(|i| generate(SEED, i, &[Shape::Pdf]).1.expect("a PDF").drawn)
        .collect();
    let mut every = vec![
        Variant::SplitCodes,
        Variant::JoinedCodes,
        Variant::Table06OnePanel,
        Variant::Table06TwoPanels,
        Variant::Table09BudgetFirst,
        Variant::Table09OutlayFirst,
        Variant::BrokenTable {
            head_repeated: true,
        },
        Variant::BrokenTable {
            head_repeated: false,
        },
        Variant::WrappedHead,
        Variant::WrappedName,
        Variant::BlankColumn,
        Variant::PageNumbers,
        Variant::RunningHead,
        Variant::CellSpaces,
        Variant::ColumnOrder,
        Variant::Uncompressed,
    ];
    every.extend(
        [
            Rules::Stroked,
            Rules::Filled,
            Rules::CellBorders,
            Rules::None,
        ]
        .map(Variant::Rules),
    );
    every.extend([VAlign::Top, VAlign::Middle].map(Variant::VAlign));
    every.extend([Landscape::MediaBox, Landscape::Rotate90].map(Variant::Landscape));
    every.extend(
        [Justify::CharSpacing, Justify::GlyphByGlyph, Justify::Kerned].map(Variant::Justified),
    );
    every.extend([Bold::FillStroke, Bold::Doubled].map(Variant::Bold));
    let missing: Vec<&Variant> = every.iter().filter(|v| !drawn.contains(v)).collect();
    assert!(
        missing.is_empty(),
        "never drawn in 40 documents: {missing:?}"
    );
}
