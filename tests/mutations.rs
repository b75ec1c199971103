//! Seeded random mutations of the corpus through the whole per-document path
//! (decode → segment → extract → check): no input may panic, and what comes
//! out stays well-formed. A failure prints the seed and the document to
//! reproduce it (`MUTATION_SEED=<seed> cargo test --test mutations`).

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use juesuan::document::process;
use juesuan::model::Status;

use common::Rng;

const PIECES: &[&[u8]] = &[
    b"\t",
    b"\n",
    b"\r",
    b"\r\n",
    b" ",
    b"0",
    b"9.99",
    b",",
    b".",
    b"-",
    b"\xE3\x80\x80",
    "合计".as_bytes(),
    "总计".as_bytes(),
    "本年收入合计".as_bytes(),
    "一、".as_bytes(),
    "(一)".as_bytes(),
    "第三部分".as_bytes(),
    "收入决算表".as_bytes(),
    "单位:元".as_bytes(),
    "2080101".as_bytes(),
    "栏次".as_bytes(),
    "年度".as_bytes(),
    "三级指标".as_bytes(),
    "得分".as_bytes(),
    "≥".as_bytes(),
    "%".as_bytes(),
    "万元".as_bytes(),
    b"\xFF",
    b"\xE5\x90",
    b"\0",
    "<u>".as_bytes(),
    b"\xEF\xBB\xBF",
];

fn mutate(doc: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut d = doc.to_vec();
    let edits = 1 + rng.below(12);
    for _ in 0..edits {
        let at = rng.below(d.len() + 1);
        match rng.below(7) {
            0 => {
                let p = PIECES[rng.below(PIECES.len())];
                d.splice(at..at, p.iter().copied());
            }
            1 if !d.is_empty() => {
                let end = (at + 1 + rng.below(64)).min(d.len());
                d.drain(at.min(end)..end);
            }
            2 if !d.is_empty() => {
                let i = at.min(d.len() - 1);
                d[i] = rng.next() as u8;
            }
            3 => d.truncate(at),
            4 if !d.is_empty() => {
                // Duplicate a run of bytes (a repeated line, header or table).
                let start = at.min(d.len() - 1);
                let end = (start + 1 + rng.below(4096)).min(d.len());
                let run: Vec<u8> = d[start..end].to_vec();
                let to = rng.below(d.len() + 1);
                d.splice(to..to, run);
            }
            5 => {
                let n = rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                d.splice(at..at, bytes);
            }
            _ => {
                // Swap two lines.
                let lines: Vec<&[u8]> = d.split(|&b| b == b'\n').collect();
                if lines.len() > 2 {
                    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                    let mut ls: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
                    ls.swap(a, b);
                    d = ls.join(&b'\n');
                }
            }
        }
    }
    d
}

/// Inputs that once crashed a stage (fuzzer artifacts, bug reports) and
/// hand-made edge cases.
#[test]
fn recorded_regressions_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        let out = catch_unwind(AssertUnwindSafe(|| process("regression.txt", &bytes)));
        assert!(out.is_ok(), "panic on {}", p.display());
        n += 1;
    }
    assert!(n >= 1, "tests/regressions holds regression inputs");
}

#[test]
fn mutated_documents_never_panic_and_stay_well_formed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut docs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    docs.sort();
    let base_seed: u64 = std::env::var("MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_1E55_D0C5_0001);
    let per_doc = 40;
    for (k, (name, bytes)) in docs.iter().enumerate() {
        for i in 0..per_doc {
            let seed = base_seed
                .wrapping_add(((k * per_doc + i) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
                | 1;
            let mut rng = Rng(seed);
            let mutant = mutate(bytes, &mut rng);
            let out = catch_unwind(AssertUnwindSafe(|| process(name, &mutant)));
            let p = out.unwrap_or_else(|_| panic!("panic on {name} mutated with seed {seed}"));
            let lines = mutant.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u32 + 1;
            for it in &p.extracted.line_items {
                assert!(
                    it.source_line >= 1 && it.source_line <= lines,
                    "{name} seed {seed}: source_line {} of {lines}",
                    it.source_line
                );
                assert!(
                    !it.item.is_empty() || it.subject_code.is_some(),
                    "{name} seed {seed}: row without label"
                );
            }
            assert_eq!(p.row.line_items as usize, p.extracted.line_items.len());
            if p.row.status == Status::Rejected {
                assert!(
                    p.row.error.as_deref().is_some_and(|e| !e.is_empty()),
                    "{name} seed {seed}: rejected without a reason"
                );
            }
        }
    }
}
