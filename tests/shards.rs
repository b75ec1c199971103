//! Sharded runs (issue 19): `plan`, `run --plan --shard`, `commit`, `optimize`,
//! `vacuum`, in local folders and in S3 (moto's server on loopback). The
//! Delta tables are read back by other implementations (Python `deltalake`
//! and `polars.scan_delta`, through tests/delta_readback.py) and compared row
//! for row with a plain `juesuan run` on the same input.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

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
    read_back_at(tables.to_str().unwrap(), plain, &[])
}

/// `read_back` of a folder or URL, the readers given `env` (S3's settings).
fn read_back_at(tables: &str, plain: &Path, env: &[(&str, &str)]) -> Value {
    let out = Command::new("python3")
        .arg(root().join("tests/delta_readback.py"))
        .arg(tables)
        .arg(plain)
        .envs(env.iter().copied())
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

/// A temporary folder holding the archive in `in/`; the number of files.
fn temp_archive() -> (tempfile::TempDir, PathBuf, usize) {
    let t = temp();
    let input = t.path().join("in");
    fs::create_dir(&input).unwrap();
    let files = archive(&input);
    (t, input, files)
}

/// Three attempts of shard 1 of 4 at once (retries racing a slow pod): all
/// exit 0, and an attempt that ran to the end lost at put-if-absent (they
/// all start before any can finish, so the store's refusal is what decides).
fn attempts_of_shard_1(run_dir: &str, env: &[(&str, &str)]) {
    let attempts: Vec<Child> = (0..3)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_juesuan"))
                .args(["run", "--plan", run_dir, "--shard", "1/4"])
                .envs(env.iter().copied())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let said: Vec<String> = attempts
        .into_iter()
        .map(|a| {
            let out = a.wait_with_output().unwrap();
            assert!(out.status.success());
            String::from_utf8_lossy(&out.stdout).into_owned()
        })
        .collect();
    assert_eq!(
        said.iter()
            .filter(|s| s.contains("published (attempt"))
            .count(),
        1,
        "{said:?}"
    );
    assert!(
        said.iter().any(|s| s.contains("while this one ran")),
        "{said:?}"
    );
}

/// Of shard 1's parts among `names`, only those of the attempt that
/// published it (its manifest's `attempt`) are left.
fn only_the_winners_parts(manifest: &str, names: &[String]) {
    let manifest: Value = serde_json::from_str(manifest).unwrap();
    let winner = manifest["attempt"].as_str().unwrap();
    let shard_1: Vec<&String> = names.iter().filter(|n| n.contains("-00001-")).collect();
    assert!(!shard_1.is_empty(), "no part of shard 1 among {names:?}");
    for name in shard_1 {
        assert!(name.contains(winner), "{name}: a losing attempt's part");
    }
}

/// Adds a file to the archive, changes one and deletes one (whose name it
/// returns).
fn change_archive(input: &Path) -> &'static str {
    fs::copy(
        root().join("tests/corpus/shanghai-putuo-planning-2024.flat.txt"),
        input.join("added.txt"),
    )
    .unwrap();
    let changed = input.join("001_08c5a9fc441d161e.txt");
    let mut text = fs::read(&changed).unwrap();
    text.extend_from_slice("\n附注：本文件已更正。\n".as_bytes());
    fs::write(&changed, text).unwrap();
    let deleted = "002_6ab84cca39a9b887.txt";
    fs::remove_file(input.join(deleted)).unwrap();
    deleted
}

/// The commit refused because shard 3 is missing, saying nothing changed.
fn refused_for_shard_3(refused: &Ran) {
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
}

#[test]
fn four_shards_with_a_repeated_attempt_commit_tables_equal_to_a_plain_run() {
    let (t, input, files) = temp_archive();
    let plain = t.path().join("plain");
    run_juesuan(&input, &plain, &["--quiet"]);
    let out = t.path().join("tables");
    let dir = plan(&input, &out, 4);
    for k in [0, 2, 3] {
        ok(shard(&dir, &format!("{k}/4")));
    }
    // One attempt publishes, the other's parts are gone.
    attempts_of_shard_1(dir.to_str().unwrap(), &[]);
    let names: Vec<String> = DATASETS
        .iter()
        .flat_map(|ds| juesuan::emit::parquet_files(&out.join(ds)))
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    only_the_winners_parts(
        &fs::read_to_string(dir.join("shards/1.json")).unwrap(),
        &names,
    );
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
    // One added, one deleted: as many files as before.
    let (t, input, files) = temp_archive();
    let before = t.path().join("plain-before");
    run_juesuan(&input, &before, &["--quiet"]);
    let out = t.path().join("tables");
    sharded_run(&input, &out, 4);

    // Added, changed and deleted files.
    change_archive(&input);
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
    refused_for_shard_3(&commit(&dir));
    // The tables still hold the first run, before and after the last shard.
    assert_eq!(versions(&read_back(&out, &before)), [0; 5]);
    ok(shard(&dir, "3/4"));
    assert_eq!(versions(&read_back(&out, &before)), [0; 5]);

    ok(commit(&dir));
    assert_eq!(versions(&read_back(&out, &after)), [1; 5]);
}

#[test]
fn shards_made_with_other_settings_are_not_committed() {
    let (t, input, _) = temp_archive();
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

/// The Parquet files under each dataset folder of a local output.
fn parquet_count(out: &Path, ds: &str) -> usize {
    juesuan::emit::parquet_files(&out.join(ds)).len()
}

fn vacuum_json(out: &str, extra: &[&str], env: &[(&str, &str)]) -> Value {
    let mut args = vec!["vacuum", "--output", out, "--json"];
    args.extend_from_slice(extra);
    let r = juesuan(&args, None, env);
    assert!(r.ok(), "{}{}", r.stdout, r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// Per dataset of `optimize`'s summary: the version it committed, or None
/// when the table was already compact.
fn optimized(stdout: &str) -> Vec<Option<u64>> {
    DATASETS
        .iter()
        .map(|ds| {
            let line = stdout
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{ds}:")))
                .unwrap_or_else(|| panic!("{ds} missing from: {stdout}"));
            line.contains("compacted into")
                .then(|| line.rsplit_once(", v").unwrap().1.trim().parse().unwrap())
        })
        .collect()
}

#[test]
fn optimize_keeps_the_rows_and_vacuum_removes_only_unreferenced_files() {
    let (t, input, _) = temp_archive();
    let plain = t.path().join("plain");
    run_juesuan(&input, &plain, &["--quiet"]);
    let out = t.path().join("tables");
    // Two runs: the first one's files are removed by the second's commit.
    sharded_run(&input, &out, 4);
    sharded_run(&input, &out, 4);
    let o = out.to_str().unwrap();
    // A part no commit ever added, written nine days ago (a crashed attempt).
    let live = juesuan::delta::live_files(&out.join("facts"))
        .unwrap()
        .unwrap();
    let orphan = live[0].with_file_name("part-orphan.parquet");
    fs::copy(&live[0], &orphan).unwrap();
    fs::File::options()
        .write(true)
        .open(&orphan)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(9 * 24 * 3600))
        .unwrap();

    // The default retention (7 days) removes the old orphan only: the first
    // run's files were removed from the tables moments ago.
    let v = vacuum_json(o, &[], &[]);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{v}");
    assert_eq!(files[0]["dataset"], "facts");
    assert_eq!(files[0]["was_committed"], false);
    assert!(!orphan.exists());

    let before = read_back(&out, &plain);
    assert_eq!(versions(&before), [1; 5]);
    let r = ok(run(&["optimize", "--output", o]));
    let compacted = optimized(&r.stdout);
    assert!(compacted.iter().any(Option::is_some), "{}", r.stdout);
    let after = read_back(&out, &plain);
    for (i, ds) in DATASETS.iter().enumerate() {
        // One version more where files were compacted, none elsewhere.
        let expected = compacted[i].unwrap_or(1);
        assert_eq!(after[ds]["version"], expected, "{ds}: {}", r.stdout);
        if compacted[i].is_some() {
            assert_eq!(expected, 2);
            assert!(
                after[ds]["files"].as_u64() < before[ds]["files"].as_u64(),
                "{ds}"
            );
        }
    }
    // Compact tables stay as they are.
    let again = ok(run(&["optimize", "--output", o]));
    assert_eq!(optimized(&again.stdout), [None; 5], "{}", again.stdout);
    assert_eq!(versions(&read_back(&out, &plain)), versions(&after));

    // A dry run lists what a zero retention would remove and removes nothing.
    let counts = |out: &Path| DATASETS.map(|ds| parquet_count(out, ds));
    let all = counts(&out);
    let dry = vacuum_json(o, &["--retain-hours", "0", "--dry-run"], &[]);
    let listed = dry["files"].as_array().unwrap().len();
    let live: usize = DATASETS
        .iter()
        .map(|ds| after[ds]["files"].as_u64().unwrap() as usize)
        .sum();
    assert_eq!(listed, all.iter().sum::<usize>() - live, "{dry}");
    assert_eq!(counts(&out), all);
    // Without it they go, and exactly the live files stay.
    std::thread::sleep(Duration::from_millis(10));
    let done = vacuum_json(o, &["--retain-hours", "0"], &[]);
    assert_eq!(done["files"].as_array().unwrap().len(), listed);
    let kept = read_back(&out, &plain);
    for ds in DATASETS {
        assert_eq!(parquet_count(&out, ds) as u64, kept[ds]["files"], "{ds}");
    }
    assert_eq!(versions(&kept), versions(&after));

    // A run whose shards are all published but not committed yet: a zero
    // retention keeps its parts, so the commit still finds them.
    let dir = plan(&input, &out, 4);
    for k in 0..4 {
        ok(shard(&dir, &format!("{k}/4")));
    }
    let v = vacuum_json(o, &["--retain-hours", "0"], &[]);
    assert!(v["files"].as_array().unwrap().is_empty(), "{v}");
    ok(commit(&dir));
    let next = read_back(&out, &plain);
    for ds in DATASETS {
        assert_eq!(
            next[ds]["version"],
            kept[ds]["version"].as_u64().unwrap() + 1
        );
    }
}

/// An S3-compatible server (moto's server mode, from PyPI) on a free
/// loopback port, stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Moto {
        let found = Command::new("python3")
            .args(["-c", "import moto.server, flask, flask_cors, boto3"])
            .output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "the object-storage tests need moto's S3 server: pip install 'moto[server]' (.ci/run installs it)"
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto's server");
        let started = Instant::now();
        loop {
            let answered = TcpStream::connect(("127.0.0.1", port)).is_ok_and(|mut s| {
                let mut reply = [0u8; 5];
                s.write_all(b"GET / HTTP/1.0\r\n\r\n").is_ok()
                    && s.read_exact(&mut reply).is_ok()
                    && &reply == b"HTTP/"
            });
            if answered {
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("moto's server on port {port} stopped: {status}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto's server did not answer on 127.0.0.1:{port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    /// The environment juesuan and the readers take S3's settings from.
    fn env(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", self.endpoint.as_str()),
            ("AWS_ALLOW_HTTP", "true"),
        ]
    }

    /// Runs `script` with `s3` a boto3 client of this server and `args` in
    /// sys.argv[1:]; its standard output.
    fn s3(&self, script: &str, args: &[&str]) -> String {
        let prelude = "import os, sys, boto3\n\
            s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'], region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')\n";
        let out = Command::new("python3")
            .arg("-c")
            .arg(format!("{prelude}{script}"))
            .args(args)
            .envs(self.env())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Every key of `bucket` under `prefix`.
    fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        self.s3(
            "for page in s3.get_paginator('list_objects_v2').paginate(Bucket=sys.argv[1], Prefix=sys.argv[2]):\n    for o in page.get('Contents', []): print(o['Key'])",
            &[bucket, prefix],
        )
        .lines()
        .map(str::to_string)
        .collect()
    }

    /// Copies the files under `dir` to `bucket/prefix/<relative path>`.
    fn upload(&self, dir: &Path, bucket: &str, prefix: &str) {
        self.s3(
            "root = sys.argv[1]\nfor d, _, names in os.walk(root):\n    for n in names:\n        p = os.path.join(d, n)\n        s3.upload_file(p, sys.argv[2], sys.argv[3] + '/' + os.path.relpath(p, root))",
            &[dir.to_str().unwrap(), bucket, prefix],
        );
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn sharded_runs_through_s3_equal_plain_runs_and_follow_changes() {
    let moto = Moto::start();
    let env = moto.env();
    let s3run = |args: &[&str]| juesuan(args, None, &env);
    let (t, input, files) = temp_archive();
    let before = t.path().join("plain-before");
    run_juesuan(&input, &before, &["--quiet"]);
    moto.s3("s3.create_bucket(Bucket='juesuan')", &[]);
    moto.upload(&input, "juesuan", "archive");
    let (src, out) = ("s3://juesuan/archive", "s3://juesuan/tables");
    let plan_s3 = || {
        let r = ok(s3run(&[
            "plan", "--input", src, "--output", out, "--shards", "4", "--json",
        ]));
        serde_json::from_str::<Value>(&r.stdout).unwrap()
    };
    let shard_s3 =
        |dir: &str, k: u32| ok(s3run(&["run", "--plan", dir, "--shard", &format!("{k}/4")]));

    let planned = plan_s3();
    // The copy of a file and the unchecked docx: every document read once.
    assert_eq!(planned["documents"], files as u64);
    assert_eq!(planned["hashed"], files as u64);
    let dir = planned["run_dir"].as_str().unwrap().to_string();
    assert!(
        dir.starts_with("s3://juesuan/tables/_juesuan/runs/"),
        "{dir}"
    );
    for k in [0, 2, 3] {
        shard_s3(&dir, k);
    }
    // One attempt publishes, the other's uploaded parts are deleted.
    attempts_of_shard_1(&dir, &env);
    let run_key = dir.strip_prefix("s3://juesuan/").unwrap();
    let manifest = moto.s3(
        "sys.stdout.write(s3.get_object(Bucket='juesuan', Key=sys.argv[1])['Body'].read().decode())",
        &[&format!("{run_key}/shards/1.json")],
    );
    only_the_winners_parts(&manifest, &moto.keys("juesuan", "tables/"));
    let again = shard_s3(&dir, 1);
    assert!(
        again.stdout.contains("already published"),
        "{}",
        again.stdout
    );
    // Nothing is visible before the commit.
    assert!(
        moto.keys("juesuan", "tables/documents/_delta_log")
            .is_empty()
    );

    let c = ok(s3run(&["commit", "--run", &dir]));
    assert!(c.stdout.contains("committed from 4 shards"), "{}", c.stdout);
    let v = read_back_at(out, &before, &env);
    assert_eq!(versions(&v), [0; 5]);
    assert_eq!(v["documents"]["deltalake"], files as u64);
    let c = ok(s3run(&["commit", "--run", &dir]));
    assert!(c.stdout.contains("was already committed"), "{}", c.stdout);
    assert_eq!(versions(&read_back_at(out, &before, &env)), [0; 5]);

    // Added, changed and deleted files, in the bucket as in the folder.
    let deleted = change_archive(&input);
    moto.s3(
        "s3.delete_object(Bucket='juesuan', Key=sys.argv[1])",
        &[&format!("archive/{deleted}")],
    );
    moto.upload(&input, "juesuan", "archive");
    let after = t.path().join("plain-after");
    run_juesuan(&input, &after, &["--quiet"]);

    // Every file was uploaded again, but only the added and the changed one
    // have another ETag: the others keep their keys unread.
    let planned = plan_s3();
    assert_eq!(planned["documents"], files as u64);
    assert_eq!(planned["hashed"], 2);
    let dir = planned["run_dir"].as_str().unwrap().to_string();
    for k in 0..3 {
        shard_s3(&dir, k);
    }
    refused_for_shard_3(&s3run(&["commit", "--run", &dir]));
    assert_eq!(versions(&read_back_at(out, &before, &env)), [0; 5]);
    shard_s3(&dir, 3);
    ok(s3run(&["commit", "--run", &dir]));
    let committed = read_back_at(out, &after, &env);
    assert_eq!(versions(&committed), [1; 5]);

    // Optimize and vacuum through S3: same rows, only live files left.
    let r = ok(s3run(&["optimize", "--output", out]));
    let compacted = optimized(&r.stdout);
    assert!(compacted.iter().any(Option::is_some), "{}", r.stdout);
    let optimized_v = read_back_at(out, &after, &env);
    for (i, ds) in DATASETS.iter().enumerate() {
        assert_eq!(
            optimized_v[ds]["version"],
            compacted[i].unwrap_or(1),
            "{ds}"
        );
    }
    let keep = vacuum_json(out, &[], &env);
    assert!(keep["files"].as_array().unwrap().is_empty(), "{keep}");
    let dry = vacuum_json(out, &["--retain-hours", "0", "--dry-run"], &env);
    let listed = dry["files"].as_array().unwrap().len();
    assert!(listed > 0);
    let parquet = |ds: &str| {
        moto.keys("juesuan", &format!("tables/{ds}/"))
            .into_iter()
            .filter(|k| k.ends_with(".parquet"))
            .count()
    };
    let all: usize = DATASETS.iter().map(|ds| parquet(ds)).sum();
    std::thread::sleep(Duration::from_millis(10));
    vacuum_json(out, &["--retain-hours", "0"], &env);
    let kept = read_back_at(out, &after, &env);
    for ds in DATASETS {
        assert_eq!(parquet(ds) as u64, kept[ds]["files"], "{ds}");
    }
    assert_eq!(
        DATASETS.iter().map(|ds| parquet(ds)).sum::<usize>(),
        all - listed
    );
}
