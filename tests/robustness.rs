//! Never lose a document: every encoding gives the same rows, bad input gets a
//! clear `rejected` row while the run goes on, output is deterministic and
//! crash-safe, identical files are emitted once.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{
    Row, corpus_copies, corpus_files, latest_run_record, read_dataset, root, run_juesuan,
};
use encoding_rs::GB18030;

const NOT_DISCLOSURE: &str = "not a departmental accounts disclosure";
type Encoder = fn(&str) -> Vec<u8>;

const DATASETS: [&str; 5] = ["documents", "line_items", "indicators", "facts", "checks"];

fn tmp(prefix: &str) -> PathBuf {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .unwrap()
        .keep()
}

/// Rows of a dataset per source file name, without the columns that depend on
/// the bytes or the path (doc_id, source_path, source_bytes, encoding).
fn rows_by_source(out: &Path, dataset: &str) -> BTreeMap<String, Vec<Row>> {
    let mut m: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for mut r in read_dataset(out, dataset) {
        let p = r.remove("source_path").flatten().unwrap();
        let name = p.rsplit('/').next().unwrap().to_string();
        for k in ["doc_id", "source_bytes", "encoding"] {
            r.remove(k);
        }
        m.entry(name).or_default().push(r);
    }
    m
}

fn utf16(text: &str, le: bool) -> Vec<u8> {
    let mut out = if le {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn every_encoding_and_line_ending_yields_identical_rows() {
    let variants: Vec<(&str, Encoder)> = vec![
        ("utf8", |t| t.as_bytes().to_vec()),
        ("utf8-bom", |t| {
            [&b"\xEF\xBB\xBF"[..], t.as_bytes()].concat()
        }),
        ("gb18030", |t| GB18030.encode(t).0.into_owned()),
        ("utf16le", |t| utf16(t, true)),
        ("utf16be", |t| utf16(t, false)),
        ("crlf", |t| t.replace('\n', "\r\n").into_bytes()),
        ("cr", |t| t.replace('\n', "\r").into_bytes()),
    ];
    let input = tmp("juesuan-enc-in-");
    for (name, enc) in &variants {
        fs::create_dir_all(input.join(name)).unwrap();
        for f in corpus_files() {
            let text = fs::read_to_string(&f).unwrap();
            fs::write(input.join(name).join(f.file_name().unwrap()), enc(&text)).unwrap();
        }
    }
    let out = tmp("juesuan-enc-out-");
    run_juesuan(&input, &out, &["--quiet"]);
    let docs = read_dataset(&out, "documents");
    for (name, want) in [
        ("gb18030/", "gb18030"),
        ("utf16le/", "UTF-16LE"),
        ("utf16be/", "UTF-16BE"),
        ("utf8-bom/", "UTF-8"),
    ] {
        for d in docs
            .iter()
            .filter(|d| d["source_path"].as_deref().unwrap().starts_with(name))
        {
            assert_eq!(
                d["encoding"].as_deref(),
                Some(want),
                "{:?}",
                d["source_path"]
            );
        }
    }
    for ds in DATASETS {
        let mut per_variant: BTreeMap<String, BTreeMap<String, Vec<Row>>> = BTreeMap::new();
        for mut r in read_dataset(&out, ds) {
            let p = r.remove("source_path").flatten().unwrap();
            let (variant, name) = p.split_once('/').unwrap();
            for k in ["doc_id", "source_bytes", "encoding"] {
                r.remove(k);
            }
            per_variant
                .entry(variant.to_string())
                .or_default()
                .entry(name.to_string())
                .or_default()
                .push(r);
        }
        let empty = BTreeMap::new();
        let base = per_variant.get("utf8").unwrap_or(&empty);
        for (variant, rows) in &per_variant {
            for (name, want) in base {
                assert_eq!(
                    rows.get(name),
                    Some(want),
                    "{ds}: {variant}/{name} differs from utf8/{name}"
                );
            }
        }
    }
}

fn status_of(docs: &[Row], path: &str) -> (String, String) {
    let d = docs
        .iter()
        .find(|d| d["source_path"].as_deref() == Some(path))
        .unwrap_or_else(|| panic!("no documents row for {path}"));
    (
        d["status"].clone().unwrap(),
        d["error"].clone().unwrap_or_default(),
    )
}

#[test]
fn bad_input_gets_a_clear_rejected_row_and_the_run_goes_on() {
    let input = tmp("juesuan-bad-in-");
    let good = fs::read(root().join("tests/corpus/002_6ab84cca39a9b887.txt")).unwrap();
    fs::write(input.join("a-good.txt"), &good).unwrap();
    fs::write(input.join("empty.txt"), b"").unwrap();
    fs::write(
        input.join("pdf.txt"),
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n",
    )
    .unwrap();
    fs::write(input.join("png.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    fs::write(input.join("zip.txt"), b"PK\x03\x04\x14\0\0\0\x08\0").unwrap();
    fs::write(
        input.join("elf.txt"),
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
    )
    .unwrap();
    fs::write(
        input.join("recipe.txt"),
        "红烧肉的做法：五花肉切块，焯水后加糖炒色，再加酱油和水炖一小时。\n".repeat(20),
    )
    .unwrap();
    fs::write(input.join("error-page.txt"), "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>部门决算 页面不存在</body></html>\n").unwrap();
    // Valid UTF-8 cut in the middle of its last multi-byte character (a
    // truncated download).
    let last_lead = good.iter().rposition(|&b| b >= 0xE0).unwrap();
    fs::write(input.join("truncated.txt"), &good[..last_lead + 1]).unwrap();
    let mut cut = good.clone();
    cut.truncate(good.len() / 2);
    cut.push(0xE5);
    fs::write(input.join("cut-multibyte.txt"), &cut).unwrap();
    // One 50 MB line.
    fs::write(input.join("one-line.txt"), vec![b'7'; 50 << 20]).unwrap();
    fs::write(input.join("too-big.txt"), vec![b'x'; 3 << 20]).unwrap();
    std::os::unix::fs::symlink(input.join("nowhere.txt"), input.join("dangling.txt")).unwrap();
    std::os::unix::fs::symlink(input.join("loop.txt"), input.join("loop.txt")).unwrap();
    fs::create_dir_all(input.join("folder.txt")).unwrap();
    fs::write(input.join("folder.txt/inside.txt"), &good).unwrap();
    fs::create_dir_all(input.join("sub")).unwrap();
    std::os::unix::fs::symlink(&input, input.join("sub/back-to-root")).unwrap();
    // An unreadable file. Permissions do not stop root, so as root use a file
    // whose reads fail with an I/O error.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        std::os::unix::fs::symlink("/proc/self/mem", input.join("unreadable.txt")).unwrap();
    } else {
        fs::write(input.join("unreadable.txt"), &good).unwrap();
        fs::set_permissions(
            input.join("unreadable.txt"),
            std::os::unix::fs::PermissionsExt::from_mode(0o000),
        )
        .unwrap();
    }
    let config = input.join("small.toml");
    fs::write(&config, "[input]\nmax_document_mb = 60\n").unwrap();

    let out = tmp("juesuan-bad-out-");
    let summary = run_juesuan(&input, &out, &["--config", config.to_str().unwrap()]);
    let docs = read_dataset(&out, "documents");

    let expect = [
        ("empty.txt", "rejected", "empty file"),
        ("pdf.txt", "rejected", "damaged PDF"),
        ("png.txt", "rejected", "PNG"),
        ("zip.txt", "rejected", "ZIP"),
        ("elf.txt", "rejected", "ELF"),
        ("recipe.txt", "rejected", NOT_DISCLOSURE),
        ("error-page.txt", "rejected", "HTML page"),
        ("one-line.txt", "rejected", NOT_DISCLOSURE),
        ("dangling.txt", "rejected", "dangling symlink"),
        ("loop.txt", "rejected", "symlink loop"),
        ("folder.txt", "rejected", "folder named like a document"),
        ("unreadable.txt", "rejected", "cannot be read"),
        ("too-big.txt", "rejected", NOT_DISCLOSURE),
        ("a-good.txt", "ok", ""),
        (
            "folder.txt/inside.txt",
            "rejected",
            "duplicate of a-good.txt",
        ),
    ];
    for (path, status, msg) in expect {
        let (s, e) = status_of(&docs, path);
        assert_eq!(s, status, "{path}: {e}");
        assert!(e.contains(msg), "{path}: error {e:?} should say {msg:?}");
    }
    // Damaged UTF-8 is still read, and flagged.
    for path in ["truncated.txt", "cut-multibyte.txt"] {
        let (s, e) = status_of(&docs, path);
        assert_eq!(s, "partial", "{path}: {e}");
        assert!(e.contains("could not be decoded"), "{path}: {e}");
    }
    // One row per file that matched the patterns, and the summary agrees.
    assert_eq!(
        docs.len(),
        expect.len() + 2,
        "{:#?}",
        docs.iter()
            .map(|d| d["source_path"].clone())
            .collect::<Vec<_>>()
    );
    assert!(
        summary.contains(&format!("juesuan: {} documents", docs.len())),
        "{summary}"
    );

    // With a 1 MB limit the big files are refused with a reason.
    fs::write(&config, "[input]\nmax_document_mb = 1\n").unwrap();
    let out2 = tmp("juesuan-bad-out2-");
    run_juesuan(
        &input,
        &out2,
        &["--quiet", "--config", config.to_str().unwrap()],
    );
    let docs2 = read_dataset(&out2, "documents");
    for path in ["too-big.txt", "one-line.txt"] {
        let (s, e) = status_of(&docs2, path);
        assert_eq!(s, "rejected");
        assert!(
            e.contains("larger than the maximum document size of 1 MiB"),
            "{e}"
        );
    }
}

#[test]
fn output_is_identical_whatever_the_number_of_threads() {
    let out1 = tmp("juesuan-t1-");
    let out4 = tmp("juesuan-t4-");
    run_juesuan(
        &root().join("tests/corpus"),
        &out1,
        &["--quiet", "--threads", "1"],
    );
    run_juesuan(
        &root().join("tests/corpus"),
        &out4,
        &["--quiet", "--threads", "4"],
    );
    for ds in DATASETS {
        assert_eq!(read_dataset(&out1, ds), read_dataset(&out4, ds), "{ds}");
    }
}

#[test]
fn the_same_document_twice_is_emitted_once() {
    let input = tmp("juesuan-dup-in-");
    let bytes = fs::read(root().join("tests/corpus/003_0940f7d63c256225.txt")).unwrap();
    fs::create_dir_all(input.join("a")).unwrap();
    fs::create_dir_all(input.join("b")).unwrap();
    fs::write(input.join("a/report.txt"), &bytes).unwrap();
    fs::write(input.join("b/copy.txt"), &bytes).unwrap();
    let out = tmp("juesuan-dup-out-");
    run_juesuan(&input, &out, &["--quiet"]);
    let docs = read_dataset(&out, "documents");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["doc_id"], docs[1]["doc_id"]);
    let (s, e) = status_of(&docs, "b/copy.txt");
    assert_eq!(s, "rejected");
    assert!(e.contains("duplicate of a/report.txt"), "{e}");
    let items = rows_by_source(&out, "line_items");
    assert!(items["report.txt"].len() > 100);
    assert!(!items.contains_key("copy.txt"));
}

#[test]
fn a_run_killed_mid_write_leaves_the_previous_output_intact() {
    // A first, complete run.
    let out = tmp("juesuan-kill-out-");
    run_juesuan(&root().join("tests/corpus"), &out, &["--quiet"]);
    let before: Vec<Vec<Row>> = DATASETS.iter().map(|d| read_dataset(&out, d)).collect();
    // A bigger archive, killed while it is being processed and written.
    let input = tmp("juesuan-kill-in-");
    corpus_copies(&input, 60);
    for delay in [50u64, 200, 500] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_juesuan"))
            .args(["run", "--quiet", "--threads", "2", "--input"])
            .arg(&input)
            .arg("--output")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        if status.success() {
            // The run finished before the kill: its output is the new one.
            break;
        }
        let after: Vec<Vec<Row>> = DATASETS.iter().map(|d| read_dataset(&out, d)).collect();
        assert_eq!(
            after, before,
            "killed after {delay} ms: the published output changed"
        );
    }
    // The next run succeeds and replaces the output.
    run_juesuan(&input, &out, &["--quiet"]);
    let docs = read_dataset(&out, "documents");
    assert_eq!(docs.len(), 60 * corpus_files().len());
    let leftovers: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_incremental_run_equals_a_full_run_after_add_modify_delete() {
    let input = tmp("juesuan-inc-in-");
    for f in corpus_files() {
        fs::copy(&f, input.join(f.file_name().unwrap())).unwrap();
    }
    // A duplicate pair whose first copy will be deleted.
    let dup = fs::read(root().join("tests/corpus/004_dc9c9a078db0651c.txt")).unwrap();
    fs::write(input.join("dup-a.txt"), &dup).unwrap();
    fs::write(input.join("dup-b.txt"), &dup).unwrap();
    let out = tmp("juesuan-inc-out-");
    run_juesuan(&input, &out, &["--quiet"]);

    // Add, modify, delete.
    let mut added = fs::read(root().join("tests/corpus/003_0940f7d63c256225.txt")).unwrap();
    added.extend_from_slice("\n附注：新增一行。\n".as_bytes());
    fs::write(input.join("new-003.txt"), added).unwrap();
    let changed = fs::read_to_string(input.join("002_6ab84cca39a9b887.txt"))
        .unwrap()
        .replacen("\t57.72\t42.75\t14.97", "\t57.72\t42.15\t14.97", 1);
    fs::write(input.join("002_6ab84cca39a9b887.txt"), changed).unwrap();
    fs::remove_file(input.join("000_0549f45c8921e423.txt")).unwrap();
    fs::remove_file(input.join("dup-a.txt")).unwrap();

    run_juesuan(&input, &out, &["--quiet", "--incremental"]);
    let full = tmp("juesuan-inc-full-");
    run_juesuan(&input, &full, &["--quiet"]);
    for ds in DATASETS {
        assert_eq!(
            read_dataset(&out, ds),
            read_dataset(&full, ds),
            "{ds}: incremental differs from full"
        );
    }
    let record = latest_run_record(&out);
    let list = |k: &str| -> Vec<&str> {
        record[k]
            .as_array()
            .unwrap_or_else(|| panic!("{k} in {record}"))
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect()
    };
    assert_eq!(record["mode"], "incremental", "{record}");
    assert_eq!(list("added"), ["new-003.txt"]);
    assert_eq!(list("changed"), ["002_6ab84cca39a9b887.txt"]);
    assert_eq!(list("removed"), ["000_0549f45c8921e423.txt", "dup-a.txt"]);
    assert_eq!(list("reprocessed"), ["dup-b.txt"]);
    // The untouched documents (the corpus less the changed and the removed
    // one) were not processed again.
    assert_eq!(record["reused"], corpus_files().len() - 2, "{record}");
}
