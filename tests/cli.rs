//! What a user meets on the command line (issue 18): runs that must not
//! publish, a run's output as one consistent set, bounded threads, Ctrl-C,
//! one id per report, messages that say what is wrong once, plain summaries,
//! machine-readable ones.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Row, corpus_copies, juesuan, latest_run_record, read_dataset, root, run_juesuan};

const DATASETS: [&str; 5] = ["documents", "line_items", "indicators", "facts", "checks"];

fn tmp(prefix: &str) -> PathBuf {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .unwrap()
        .keep()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn snapshot(out: &Path) -> Vec<Vec<Row>> {
    DATASETS.iter().map(|d| read_dataset(out, d)).collect()
}

/// An output folder holding a complete run over the corpus.
fn published() -> PathBuf {
    let out = tmp("juesuan-cli-out-");
    run_juesuan(&root().join("tests/corpus"), &out, &["--quiet"]);
    out
}

#[test]
fn a_run_that_finds_no_document_publishes_nothing_unless_allowed() {
    let out = published();
    let before = snapshot(&out);
    let refused = |input: &Path, says: &str| {
        let r = juesuan(
            &["run", "--input", path(input), "--output", path(&out)],
            None,
            &[],
        );
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.contains(says), "{}", r.stderr);
        assert!(r.stderr.contains("--allow-empty"), "{}", r.stderr);
        assert_eq!(snapshot(&out), before, "the published output changed");
    };
    // An empty (or unmounted) folder.
    let empty = tmp("juesuan-cli-empty-");
    refused(&empty, "no document found");
    // A folder of files the patterns leave out: counted, by extension.
    let other = tmp("juesuan-cli-other-");
    for name in ["a.docx", "b.DOCX", "c.xls", "README"] {
        fs::write(other.join(name), "x").unwrap();
    }
    // (The patterns themselves are named between the two.)
    refused(&other, "4 files not matching input.patterns (");
    refused(&other, "): 2 .docx, 1 (none), 1 .xls");
    // Files that match but none of which can be read.
    let unreadable = tmp("juesuan-cli-unreadable-");
    std::os::unix::fs::symlink(unreadable.join("gone.txt"), unreadable.join("a.txt")).unwrap();
    refused(&unreadable, "no document could be read");
    // Asked for: an empty run is published.
    let r = juesuan(
        &[
            "run",
            "--input",
            path(&empty),
            "--output",
            path(&out),
            "--allow-empty",
        ],
        None,
        &[],
    );
    assert!(r.ok(), "{}", r.stderr);
    assert!(read_dataset(&out, "documents").is_empty());
}

#[test]
fn files_the_patterns_skip_are_counted_in_the_summary_and_the_record() {
    let input = tmp("juesuan-cli-skip-in-");
    fs::copy(
        root().join("tests/corpus/002_6ab84cca39a9b887.txt"),
        input.join("002.txt"),
    )
    .unwrap();
    fs::create_dir_all(input.join("sub")).unwrap();
    for name in ["a.docx", "sub/b.docx", "sub/c.xlsx"] {
        fs::write(input.join(name), "x").unwrap();
    }
    let out = tmp("juesuan-cli-skip-out-");
    let summary = run_juesuan(&input, &out, &[]);
    let skipped = summary
        .lines()
        .find(|l| l.starts_with("  skipped: 3 files not matching input.patterns ("))
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(skipped.ends_with("): 2 .docx, 1 .xlsx"), "{skipped}");
    let record = latest_run_record(&out);
    assert_eq!(record["skipped_by_patterns"]["count"], 3, "{record}");
    assert_eq!(record["skipped_by_patterns"]["by_extension"][".docx"], 2);
}

#[test]
fn narrowing_the_datasets_removes_those_of_the_earlier_run() {
    let out = published();
    let config = tmp("juesuan-cli-conf-").join("pipeline.toml");
    fs::write(&config, "[output]\ndatasets = [\"line_items\"]\n").unwrap();
    let r = juesuan(
        &[
            "run",
            "--config",
            path(&config),
            "--input",
            path(&root().join("tests/corpus")),
            "--output",
            path(&out),
        ],
        None,
        &[],
    );
    assert!(r.ok(), "{}", r.stderr);
    for d in ["indicators", "facts", "checks"] {
        assert!(
            !out.join(d).exists(),
            "{d} of the earlier run left in place"
        );
    }
    assert!(
        r.stdout.contains("removed: indicators, facts, checks"),
        "{}",
        r.stdout
    );
    assert_eq!(
        latest_run_record(&out)["removed_datasets"],
        serde_json::json!(["indicators", "facts", "checks"])
    );
    assert!(!read_dataset(&out, "line_items").is_empty());
}

#[test]
fn a_thread_count_beyond_the_machine_is_capped_and_said() {
    let cores = std::thread::available_parallelism().unwrap().get();
    let out = tmp("juesuan-cli-threads-");
    let r = juesuan(
        &[
            "run",
            "--input",
            path(&root().join("tests/corpus")),
            "--output",
            path(&out),
            "--threads",
            "100000",
        ],
        None,
        &[],
    );
    assert!(r.ok(), "{}", r.stderr);
    let cap = 4 * cores;
    assert!(
        r.stderr
            .contains(&format!("100000 threads requested, capped to {cap}")),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains(&format!("with {cap} threads (capped from 100000)")),
        "{}",
        r.stdout
    );
}

#[test]
fn ctrl_c_stops_the_run_says_so_and_leaves_the_previous_output_intact() {
    let out = published();
    let before = snapshot(&out);
    let input = tmp("juesuan-cli-int-in-");
    corpus_copies(&input, 100);
    let child = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args([
            "run",
            "--threads",
            "1",
            "--input",
            path(&input),
            "--output",
            path(&out),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    // SAFETY: kill(2) on the pid of a child we started and have not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let done = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(stderr.contains("previous output"), "{stderr}");
    assert!(stderr.contains("is intact"), "{stderr}");
    let staging: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".staging"))
        .collect();
    assert!(staging.is_empty(), "{staging:?}");
    assert_eq!(snapshot(&out), before);
}

#[test]
fn the_renderings_of_one_report_share_its_report_id() {
    let docs = read_dataset(&common::corpus_output(), "documents");
    let id = |p: &str| {
        docs.iter()
            .find(|d| d["source_path"].as_deref() == Some(p))
            .unwrap_or_else(|| panic!("{p}"))["report_id"]
            .clone()
    };
    let layout = id("shanghai-putuo-planning-2024.layout.txt");
    assert!(layout.is_some());
    assert_eq!(layout, id("shanghai-putuo-planning-2024.raw.txt"));
    // Each rendering keeps its rows.
    let items = read_dataset(&common::corpus_output(), "line_items");
    for p in [
        "shanghai-putuo-planning-2024.layout.txt",
        "shanghai-putuo-planning-2024.raw.txt",
    ] {
        assert!(items.iter().any(|r| r["source_path"].as_deref() == Some(p)));
    }
    // Every rendering of the report that has an id has that one; other
    // reports have other ids; the empty template has none.
    let renderings: Vec<String> = docs
        .iter()
        .filter(|d| {
            d["source_path"]
                .as_deref()
                .is_some_and(|p| p.starts_with("shanghai-putuo-planning-2024."))
        })
        .filter_map(|d| d["report_id"].clone())
        .collect();
    assert!(renderings.len() >= 2);
    assert!(renderings.iter().all(|r| Some(r) == layout.as_ref()));
    let mut ids: Vec<String> = docs.iter().filter_map(|d| d["report_id"].clone()).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(
        ids.len(),
        n - (renderings.len() - 1),
        "only the renderings of one report share an id"
    );
    assert_eq!(id("shanghai-template-2024.layout.txt"), None);
}

#[test]
fn errors_say_what_is_wrong_once_and_where() {
    let out = tmp("juesuan-cli-err-");
    // The OS's words once, not twice.
    let r = juesuan(
        &[
            "run",
            "--input",
            "/nonexistent/juesuan",
            "--output",
            path(&out),
        ],
        None,
        &[],
    );
    assert_eq!(r.code, Some(2));
    assert_eq!(
        r.stderr.matches("No such file or directory").count(),
        1,
        "{}",
        r.stderr
    );
    // A config error names the line and the key.
    let config = out.join("pipeline.toml");
    fs::write(
        &config,
        "[input]\nroot = \"in\"\n[run]\nthreads = \"four\"\n",
    )
    .unwrap();
    let r = juesuan(&["run", "--config", path(&config)], None, &[]);
    assert!(
        r.stderr.contains("line 4") && r.stderr.contains("threads = \"four\""),
        "{}",
        r.stderr
    );
    // Outside a checkout.
    let elsewhere = tmp("juesuan-cli-cwd-");
    let r = juesuan(&["run"], Some(&elsewhere), &[]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("no pipeline.toml"), "{}", r.stderr);
    // An output that is a file.
    let file = elsewhere.join("README.md");
    fs::write(&file, "# read me\n").unwrap();
    let r = juesuan(
        &[
            "run",
            "--input",
            path(&root().join("tests/corpus")),
            "--output",
            path(&file),
        ],
        None,
        &[],
    );
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("is not a folder"), "{}", r.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), "# read me\n");
}

#[test]
fn summaries_count_plainly_and_incremental_runs_say_what_changed() {
    let input = tmp("juesuan-cli-sum-in-");
    fs::copy(
        root().join("tests/corpus/002_6ab84cca39a9b887.txt"),
        input.join("002.txt"),
    )
    .unwrap();
    let out = tmp("juesuan-cli-sum-out-");
    let first = run_juesuan(&input, &out, &[]);
    assert!(first.starts_with("juesuan: 1 document ("), "{first}");
    assert!(first.contains("MB = 10^6 bytes"), "{first}");
    // The run id is a readable timestamp.
    let id = latest_run_record(&out)["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (stamp, suffix) = id.rsplit_once('-').unwrap();
    assert!(humantime::parse_rfc3339(stamp).is_ok(), "{id}");
    assert_eq!(suffix.len(), 4, "{id}");
    assert!(first.contains(&id), "{first}");
    // Nothing changed: everything reused, nothing processed, no throughput.
    let again = run_juesuan(&input, &out, &["--incremental"]);
    assert!(
        again.contains("incremental: 1 reused, 0 added, 0 changed, 0 removed"),
        "{again}"
    );
    assert!(
        again.contains("throughput: no document processed"),
        "{again}"
    );
    assert!(!again.contains("MB/s"), "{again}");
}

#[test]
fn logs_are_plain_off_a_terminal_and_name_the_file() {
    let out = tmp("juesuan-cli-log-");
    let r = juesuan(
        &[
            "run",
            "--quiet",
            "--input",
            path(&root().join("tests/corpus")),
            "--output",
            path(&out),
        ],
        None,
        &[("RUST_LOG", "juesuan=debug")],
    );
    assert!(r.ok(), "{}", r.stderr);
    assert!(!r.stderr.contains('\u{1b}'), "colour codes in a log file");
    let repair = r
        .stderr
        .lines()
        .find(|l| l.contains("OCR repair"))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(repair.contains("path=003_0940f7d63c256225.txt"), "{repair}");
}

#[test]
fn run_json_prints_the_run_record() {
    let out = tmp("juesuan-cli-json-");
    let r = juesuan(
        &[
            "run",
            "--json",
            "--input",
            path(&root().join("tests/corpus")),
            "--output",
            path(&out),
        ],
        None,
        &[],
    );
    assert!(r.ok(), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON on stdout");
    let record = latest_run_record(&out);
    assert_eq!(v["run_id"], record["run_id"]);
    let files = common::corpus_files().len() as u64;
    assert_eq!(v["documents"], files);
    assert_eq!(
        v["ok"].as_u64().unwrap()
            + v["partial"].as_u64().unwrap()
            + v["rejected"].as_u64().unwrap(),
        files
    );
    assert_eq!(v["rows"], record["rows"]);
}
