//! Sharded runs (issue 19): `plan`, `run --plan --shard`, `commit`. The Delta
//! tables are read back by other implementations (Python `deltalake` and
//! `polars.scan_delta`, through tests/delta_readback.py) and compared row for
//! row with a plain `juesuan run` on the same input.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Ran, juesuan, read_dataset, root, run_juesuan};
use serde_json::Value;

const DATASETS: [&str; 5] = ["documents", "line_items", "indicators", "facts", "checks"];

/// The embedded sample plus an identical copy of one of its files (under a
/// later path, in a subfolder) and a file the patterns leave out.
fn archive(dir: &Path) -> usize {
    let mut n = 0;
    for e in fs::read_dir(root().join("input")).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        n += 1;
    }
    fs::create_dir_all(dir.join("zz")).unwrap();
    fs::copy(
        root().join("input/000_0549f45c8921e423.txt"),
        dir.join("zz/000-copy.txt"),
    )
    .unwrap();
    fs::write(dir.join("notes.docx"), "not a document").unwrap();
    n + 1
}

fn run(args: &[&str]) -> Ran {
    juesuan(args, None, &[])
}

fn ok(r: Ran) -> Ran {
    assert!(r.ok(), "exit {:?}: {}{}", r.code, r.stdout, r.stderr);
    r
}

/// `juesuan plan`; the run folder it made.
fn plan(input: &Path, output: &Path, shards: u32) -> PathBuf {
    PathBuf::from(
        plan_json(input, output, shards)["run_dir"]
            .as_str()
            .unwrap(),
    )
}

/// `juesuan plan --json`.
fn plan_json(input: &Path, output: &Path, shards: u32) -> Value {
    let r = ok(run(&[
        "plan",
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
        "--shards",
        &shards.to_string(),
        "--json",
    ]));
    serde_json::from_str(&r.stdout).unwrap()
}

fn shard(run_dir: &Path, spec: &str) -> Ran {
    run(&[
        "run",
        "--plan",
        run_dir.to_str().unwrap(),
        "--shard",
        spec,
        "--threads",
        "2",
    ])
}

fn commit(run_dir: &Path) -> Ran {
    run(&["commit", "--run", run_dir.to_str().unwrap()])
}

/// Reads every table of `tables` with deltalake and polars, fails when their
/// rows differ from `plain`'s; per dataset, the version and rows each read.
fn read_back(tables: &Path, plain: &Path) -> Value {
    let out = Command::new("python3")
        .arg(root().join("tests/delta_readback.py"))
        .arg(tables)
        .arg(plain)
        .output()
        .expect("python3 (with deltalake and polars: .ci/run installs them)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the Delta tables differ from the plain run or cannot be read: {}{}",
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    // The readers compared something: as many rows as the plain run's files hold.
    for ds in DATASETS {
        let rows = read_dataset(plain, ds).len() as u64;
        assert_eq!(v[ds]["deltalake"], rows, "{ds}");
        assert_eq!(v[ds]["polars"], rows, "{ds}");
    }
    v
}

fn versions(v: &Value) -> Vec<u64> {
    DATASETS
        .iter()
        .map(|d| v[d]["version"].as_u64().unwrap())
        .collect()
}

/// Plans `input` into `n` shards, runs them all and commits.
fn sharded_run(input: &Path, output: &Path, n: u32) -> PathBuf {
    let dir = plan(input, output, n);
    for k in 0..n {
        ok(shard(&dir, &format!("{k}/{n}")));
    }
    ok(commit(&dir));
    dir
}

fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("juesuan-shards-")
        .tempdir()
        .unwrap()
}

#[test]
fn four_shards_with_a_repeated_attempt_commit_tables_equal_to_a_plain_run() {
    let t = temp();
    let input = t.path().join("in");
    fs::create_dir(&input).unwrap();
    let files = archive(&input);
    let plain = t.path().join("plain");
    run_juesuan(&input, &plain, &["--quiet"]);
    let out = t.path().join("tables");
    let dir = plan(&input, &out, 4);
    for k in [0, 2, 3] {
        ok(shard(&dir, &format!("{k}/4")));
    }
    // Two attempts of shard 1 at once (a retry racing a slow pod): both exit
    // 0, one publishes, the other's parts are gone.
    let attempt = || {
        Command::new(env!("CARGO_BIN_EXE_juesuan"))
            .args(["run", "--plan", dir.to_str().unwrap(), "--shard", "1/4"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (attempt(), attempt());
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("shards/1.json")).unwrap()).unwrap();
    let winner = manifest["attempt"].as_str().unwrap();
    for ds in DATASETS {
        for f in juesuan::emit::parquet_files(&out.join(ds)) {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if name.contains("-00001-") {
                assert!(name.contains(winner), "{name}: a losing attempt's part");
            }
        }
    }
    let again = ok(shard(&dir, "1/4"));
    assert!(
        again.stdout.contains("already published"),
        "{}",
        again.stdout
    );
    // Nothing is visible before the commit.
    assert!(!out.join("documents/_delta_log").exists());

    let c = ok(commit(&dir));
    assert!(c.stdout.contains("committed from 4 shards"), "{}", c.stdout);
    let v = read_back(&out, &plain);
    assert_eq!(versions(&v), [0; 5]);
    // Every file of the archive has its documents row, the copy included.
    assert_eq!(v["documents"]["deltalake"], files as u64);

    let c = ok(commit(&dir));
    assert!(c.stdout.contains("was already committed"), "{}", c.stdout);
    assert_eq!(versions(&read_back(&out, &plain)), [0; 5]);
    for ds in DATASETS {
        assert_eq!(
            fs::read_dir(out.join(ds).join("_delta_log"))
                .unwrap()
                .count(),
            1
        );
    }
    let record: Value = serde_json::from_str(
        &fs::read_to_string(out.join("_runs").join(format!(
            "{}.json",
            dir.file_name().unwrap().to_string_lossy()
        )))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(record["mode"], "sharded");
    assert_eq!(record["documents"], files as u64);
    assert_eq!(record["table_versions"]["line_items"], 0);
}

#[test]
fn a_second_run_is_invisible_until_committed_and_refused_while_a_shard_is_missing() {
    let t = temp();
    let input = t.path().join("in");
    fs::create_dir(&input).unwrap();
    // One added, one deleted: as many files as before.
    let files = archive(&input);
    let before = t.path().join("plain-before");
    run_juesuan(&input, &before, &["--quiet"]);
    let out = t.path().join("tables");
    sharded_run(&input, &out, 4);

    // Added, changed and deleted files.
    fs::copy(
        root().join("tests/corpus/shanghai-putuo-planning-2024.flat.txt"),
        input.join("added.txt"),
    )
    .unwrap();
    let changed = input.join("001_08c5a9fc441d161e.txt");
    let mut text = fs::read(&changed).unwrap();
    text.extend_from_slice("\n附注：本文件已更正。\n".as_bytes());
    fs::write(&changed, text).unwrap();
    fs::remove_file(input.join("002_6ab84cca39a9b887.txt")).unwrap();
    let after = t.path().join("plain-after");
    run_juesuan(&input, &after, &["--quiet"]);

    // Only the added and the changed file are read to plan; the unchanged
    // ones keep their keys from the first run.
    let planned = plan_json(&input, &out, 4);
    assert_eq!(planned["documents"], files as u64);
    assert_eq!(planned["hashed"], 2);
    let dir = PathBuf::from(planned["run_dir"].as_str().unwrap());
    for k in 0..3 {
        ok(shard(&dir, &format!("{k}/4")));
    }
    let refused = commit(&dir);
    assert_eq!(
        refused.code,
        Some(2),
        "{}{}",
        refused.stdout,
        refused.stderr
    );
    assert!(
        refused.stderr.contains("(shard 3;") && refused.stderr.contains("nothing was committed"),
        "{}",
        refused.stderr
    );
    // The tables still hold the first run, before and after the last shard.
    assert_eq!(versions(&read_back(&out, &before)), [0; 5]);
    ok(shard(&dir, "3/4"));
    assert_eq!(versions(&read_back(&out, &before)), [0; 5]);

    ok(commit(&dir));
    assert_eq!(versions(&read_back(&out, &after)), [1; 5]);
}

#[test]
fn shards_made_with_other_settings_are_not_committed() {
    let t = temp();
    let input = t.path().join("in");
    fs::create_dir(&input).unwrap();
    archive(&input);
    let out = t.path().join("tables");
    let dir = plan(&input, &out, 2);
    // `auto` takes the index a Kubernetes Indexed Job gives each pod.
    let r = juesuan(
        &["run", "--plan", dir.to_str().unwrap(), "--shard", "auto"],
        None,
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    assert!(r.ok(), "{}", r.stderr);
    assert!(dir.join("shards/1.json").exists());
    assert!(!dir.join("shards/0.json").exists());
    let wrong = shard(&dir, "2/2");
    assert_eq!(wrong.code, Some(2));
    assert!(wrong.stderr.contains("has 2 shards"), "{}", wrong.stderr);
    ok(shard(&dir, "0/2"));
    // Shard 0 as if made by another juesuan version.
    let m = dir.join("shards/0.json");
    let text = fs::read_to_string(&m).unwrap().replace(
        "\"fingerprint\": \"juesuan ",
        "\"fingerprint\": \"juesuan 0.0.1-other ",
    );
    fs::write(&m, text).unwrap();
    let refused = commit(&dir);
    assert_eq!(refused.code, Some(2));
    assert!(
        refused
            .stderr
            .contains("shard 0 was made with other settings"),
        "{}",
        refused.stderr
    );
    assert!(!out.join("documents/_delta_log").exists());
    // A plain run would swap the tables away behind their logs: refused.
    let plain = run(&[
        "run",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(plain.code, Some(2));
    assert!(plain.stderr.contains("sharded runs"), "{}", plain.stderr);
}
