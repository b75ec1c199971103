//! A run: find the documents under the input root, process them in parallel
//! (rayon) in chunks of bounded size, and stream their rows, in input order,
//! to the emitter on a writer thread. Memory is bounded by the chunk in flight
//! (threads × chunk factor documents) plus the open row groups, whatever the
//! size of the archive. Output is deterministic: the same input gives the same
//! rows in the same order whatever the number of threads.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use serde::Serialize;
use thiserror::Error;

use crate::config::{Config, Patterns};
use crate::document::{self, Processed};
use crate::emit::{self, Dataset, DocKeys, EmitError, Emitter, Provenance, WrittenPart};
use crate::incremental::{Manifest, PreviousRows, fingerprint, previous_fingerprint};
use crate::model::{DocumentRow, Status};

#[derive(Debug, Error)]
pub enum RunError {
    #[error("input folder {path} cannot be read: {source}")]
    Input { path: PathBuf, source: io::Error },
    #[error("input {0} is not a folder")]
    InputNotDir(PathBuf),
    #[error("input.patterns: {0}")]
    Patterns(String),
    #[error(
        "no document found under {input}: no file matches input.patterns ({patterns}){skipped}; \
nothing was published, {output} is as it was (pass --allow-empty to publish an empty run)"
    )]
    NoDocuments {
        input: PathBuf,
        patterns: String,
        skipped: String,
        output: PathBuf,
    },
    #[error(
        "no document could be read under {input}: {matched} matched input.patterns, none was read \
(e.g. {example}); nothing was published, {output} is as it was (pass --allow-empty to publish anyway)"
    )]
    NothingRead {
        input: PathBuf,
        matched: usize,
        example: String,
        output: PathBuf,
    },
    #[error(
        "output {0} holds the Delta tables of sharded runs (_juesuan/): a plain run would replace them behind their logs; use `juesuan plan`, `run --plan` and `commit` on it, or another output folder"
    )]
    ShardedOutput(PathBuf),
    #[error("interrupted: nothing was published, the previous output in {0} is intact")]
    Interrupted(PathBuf),
    #[error(transparent)]
    Emit(#[from] EmitError),
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}

impl RunError {
    /// The input holds no document matching the patterns.
    pub fn no_documents(cfg: &Config, found: &Found) -> RunError {
        RunError::NoDocuments {
            input: cfg.input.clone(),
            patterns: cfg.patterns.join(", "),
            skipped: if found.skipped.count > 0 {
                format!(" ({})", found.skipped.describe(&cfg.patterns))
            } else {
                " (the folder holds no file)".to_string()
            },
            output: cfg.output.clone(),
        }
    }
}

/// One input file found under the root (or a problem found in its place).
#[derive(Clone, Debug)]
pub struct Entry {
    /// Path relative to the input root, `/`-separated.
    pub rel: String,
    pub path: PathBuf,
    /// Why this entry cannot be read as a document, known before reading it.
    pub problem: Option<String>,
}

/// Files under the input root that the patterns left out.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Skipped {
    pub count: usize,
    /// By lower-case extension (`.pdf`; `(none)` without one).
    pub by_extension: BTreeMap<String, usize>,
}

impl Skipped {
    pub(crate) fn add(&mut self, name: &str) {
        self.count += 1;
        let ext = match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => format!(".{}", ext.to_lowercase()),
            _ => "(none)".to_string(),
        };
        *self.by_extension.entry(ext).or_default() += 1;
    }

    /// `12 files not matching input.patterns (*.txt): 7 .pdf, 5 .docx`
    pub fn describe(&self, patterns: &[String]) -> String {
        let mut by: Vec<(&String, &usize)> = self.by_extension.iter().collect();
        by.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut kinds: Vec<String> = by.iter().take(5).map(|(e, n)| format!("{n} {e}")).collect();
        if by.len() > 5 {
            kinds.push("…".to_string());
        }
        format!(
            "{} not matching input.patterns ({}): {}",
            count(self.count, "file"),
            patterns.join(", "),
            kinds.join(", ")
        )
    }
}

/// `1 document`, `2 documents`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// What the walk of the input root found.
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// Files matching the patterns, sorted by relative path.
    pub entries: Vec<Entry>,
    pub skipped: Skipped,
}

/// Lists the documents under `root`, sorted by relative path. Dangling
/// symlinks, symlink loops, unreadable folders and folders named like a
/// document are listed with a problem, so that they get a `rejected` row.
/// Files the patterns leave out are counted.
pub fn find_documents(root: &Path, patterns: &[String]) -> Result<Found, RunError> {
    let meta = fs::metadata(root).map_err(|source| RunError::Input {
        path: root.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(RunError::InputNotDir(root.to_path_buf()));
    }
    fs::read_dir(root).map_err(|source| RunError::Input {
        path: root.to_path_buf(),
        source,
    })?;
    let patterns = Patterns::new(patterns).map_err(|e| RunError::Patterns(e.to_string()))?;
    let rel = |p: &Path| {
        p.strip_prefix(root)
            .unwrap_or(p)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    };
    let name_of = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut found = Found::default();
    let mut problem = |path: &Path, why: String| {
        found.entries.push(Entry {
            rel: rel(path),
            path: path.to_path_buf(),
            problem: Some(why),
        })
    };
    let mut entries = Vec::new();
    let mut skipped = Skipped::default();
    for item in walkdir::WalkDir::new(root)
        .follow_links(true)
        .min_depth(1)
        .sort_by_file_name()
    {
        let e = match item {
            Ok(e) => e,
            Err(err) => {
                let Some(path) = err.path() else { continue };
                let name = name_of(path);
                if let Some(ancestor) = err.loop_ancestor() {
                    tracing::warn!(path = %path.display(), ancestor = %ancestor.display(), "folder links back to one being read (symlink loop); not read again");
                    if patterns.matches(&name) {
                        problem(
                            path,
                            "symlink loop: the folder links back to one already read".into(),
                        );
                    }
                    continue;
                }
                let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
                let looped = err
                    .io_error()
                    .and_then(io::Error::raw_os_error)
                    .is_some_and(|c| c == libc::ELOOP);
                if is_link && fs::metadata(path).is_err() {
                    if patterns.matches(&name) {
                        problem(
                            path,
                            if looped {
                                "symlink loop".into()
                            } else {
                                "dangling symlink: its target does not exist".into()
                            },
                        );
                    }
                } else if fs::metadata(path).is_ok_and(|m| m.is_dir()) {
                    let why = err
                        .io_error()
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| err.to_string());
                    problem(
                        path,
                        format!("folder cannot be listed ({why}); its documents were not read"),
                    );
                } else if patterns.matches(&name) {
                    problem(path, format!("file cannot be read: {err}"));
                }
                continue;
            }
        };
        let name = name_of(e.path());
        let kind = e.file_type();
        if kind.is_dir() {
            if patterns.matches(&name) {
                problem(e.path(), "a folder named like a document, not a file; its contents are read as documents of their own".to_string());
            }
        } else if patterns.matches(&name) {
            entries.push(Entry {
                rel: rel(e.path()),
                path: e.path().to_path_buf(),
                problem: (!kind.is_file())
                    .then(|| "not a regular file (device, pipe or socket)".to_string()),
            });
        } else {
            skipped.add(&name);
        }
    }
    found.entries.extend(entries);
    found.entries.sort_by(|a, b| a.rel.cmp(&b.rel));
    found.skipped = skipped;
    Ok(found)
}

/// What a worker hands to the writer for one entry.
// Each value moves once, from a worker to the writer, in a chunk: boxing the
// larger variant would only add an allocation per document.
#[allow(clippy::large_enum_variant)]
pub enum Work {
    /// Read and processed in this run.
    Fresh(Processed),
    /// Not read: a problem found in its place, an unreadable or oversized
    /// file. Its `rejected` row says why.
    Unread(Processed),
    /// Unchanged since the previous run: its previous `documents` row; the
    /// rows of the other datasets are copied from the previous output.
    Reused(DocumentRow),
}

impl Work {
    pub fn row(&self) -> &DocumentRow {
        match self {
            Work::Fresh(p) | Work::Unread(p) => &p.row,
            Work::Reused(r) => r,
        }
    }

    fn processed(&self) -> Option<&Processed> {
        match self {
            Work::Fresh(p) | Work::Unread(p) => Some(p),
            Work::Reused(_) => None,
        }
    }
}

/// Reads and processes one entry; never panics, never fails.
pub fn process_entry(e: &Entry, max_bytes: u64) -> Processed {
    match work_on(e, max_bytes, None) {
        Work::Fresh(p) | Work::Unread(p) => p,
        Work::Reused(_) => unreachable!("no manifest, nothing to reuse"),
    }
}

fn work_on(e: &Entry, max_bytes: u64, previous: Option<&Manifest>) -> Work {
    // Every event logged while this file is worked on names it.
    let _span = tracing::error_span!("document", path = %e.rel).entered();
    let empty = || crate::model::Extracted::default();
    let refuse = |bytes: i64, msg: String| {
        Work::Unread(Processed {
            row: document::rejected(document::doc_id(e.rel.as_bytes()), &e.rel, bytes, msg),
            extracted: empty(),
            times: Default::default(),
        })
    };
    if let Some(p) = &e.problem {
        return refuse(0, p.clone());
    }
    let read_started = std::time::Instant::now();
    let bytes = match read_limited(&e.path, max_bytes) {
        Ok(b) => b,
        Err(ReadError::TooLarge(n)) => {
            let msg = format!(
                "file is {:.1} MiB, larger than the maximum document size of {} MiB (input.max_document_mb in pipeline.toml)",
                n as f64 / 1048576.0,
                max_bytes >> 20
            );
            return refuse(n as i64, msg);
        }
        Err(ReadError::Io(err)) => return refuse(0, format!("file cannot be read: {err}")),
    };
    if let Some(m) = previous
        && let Some(row) = m.reusable(&e.rel, &document::doc_id(&bytes))
    {
        return Work::Reused(row.clone());
    }
    let read_time = read_started.elapsed();
    match std::panic::catch_unwind(|| document::process(&e.rel, &bytes)) {
        Ok(mut p) => {
            p.times.read = read_time;
            Work::Fresh(p)
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let msg = format!(
                "internal error while reading this document ({what}); it was skipped, please report it with the file"
            );
            Work::Fresh(Processed {
                row: document::rejected(document::doc_id(&bytes), &e.rel, bytes.len() as i64, msg),
                extracted: empty(),
                times: Default::default(),
            })
        }
    }
}

enum ReadError {
    TooLarge(u64),
    Io(io::Error),
}

fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let f = fs::File::open(path).map_err(ReadError::Io)?;
    let len = f.metadata().map_err(ReadError::Io)?.len();
    if len > max {
        return Err(ReadError::TooLarge(len));
    }
    let mut buf = Vec::with_capacity(len as usize);
    // Read at most max+1 bytes: a file growing while read is still bounded.
    f.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(ReadError::Io)?;
    if buf.len() as u64 > max {
        return Err(ReadError::TooLarge(buf.len() as u64));
    }
    Ok(buf)
}

/// Worker threads per core at most: the work is CPU-bound, so more threads
/// only add memory (each holds a document in flight) and contention.
pub const MAX_THREADS_PER_CORE: usize = 4;

/// The worker threads a run uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Threads {
    pub count: usize,
    /// What was asked for (0: one per core).
    pub requested: usize,
    pub cores: usize,
}

impl Threads {
    pub fn capped(&self) -> bool {
        self.requested > self.count
    }

    /// The note shown when the request was capped.
    pub fn note(&self) -> Option<String> {
        self.capped().then(|| {
            format!(
                "{} threads requested, capped to {} ({MAX_THREADS_PER_CORE} per core on {})",
                self.requested,
                self.count,
                count(self.cores, "core")
            )
        })
    }
}

/// Resolves `run.threads` / `--threads`: 0 is one per core; a request above
/// [`MAX_THREADS_PER_CORE`] per core is capped.
pub fn worker_threads(requested: usize) -> Threads {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let count = match requested {
        0 => cores,
        n => n.min(cores * MAX_THREADS_PER_CORE),
    };
    Threads {
        count,
        requested,
        cores,
    }
}

/// What a run did, for the end-of-run summary and `_runs/`.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub run_id: String,
    pub documents: usize,
    pub by_status: BTreeMap<Status, usize>,
    pub duplicates: usize,
    pub rows: BTreeMap<Dataset, u64>,
    /// Bytes of every document of the run, reused ones included.
    pub bytes: u64,
    /// Documents read and processed in this run, and their bytes (not
    /// those reused from the previous run nor those that could not be read).
    pub processed: usize,
    pub processed_bytes: u64,
    pub elapsed: Duration,
    pub output: PathBuf,
    pub threads: Threads,
    /// Per-stage time summed over documents (`emit`: the writer thread's).
    pub stages: document::StageTimes,
    pub skipped: Skipped,
    pub patterns: Vec<String>,
    /// Datasets of an earlier run removed because this run does not write them.
    pub removed_datasets: Vec<Dataset>,
    /// For incremental runs: what changed since the previous one.
    pub changes: Option<Changes>,
    pub fingerprint: String,
}

/// MB as 10^6 bytes, as disks and `scripts/bench` count them.
fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

impl Summary {
    pub fn render(&self) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let mut s = String::new();
        let st = |k| self.by_status.get(&k).copied().unwrap_or(0);
        s.push_str(&format!(
            "juesuan: {} ({} ok, {} partial, {} rejected{}) in {:.2} s with {}{}\n",
            count(self.documents, "document"),
            st(Status::Ok),
            st(Status::Partial),
            st(Status::Rejected),
            if self.duplicates > 0 {
                format!(", of which {} identical copies", self.duplicates)
            } else {
                String::new()
            },
            secs,
            count(self.threads.count, "thread"),
            if self.threads.capped() {
                format!(" (capped from {})", self.threads.requested)
            } else {
                String::new()
            }
        ));
        if let Some(c) = &self.changes {
            s.push_str(&format!(
                "  incremental: {} reused, {} added, {} changed, {} removed{}\n",
                c.reused,
                c.added.len(),
                c.changed.len(),
                c.removed.len(),
                if c.reprocessed.is_empty() {
                    String::new()
                } else {
                    format!(", {} unchanged but processed again", c.reprocessed.len())
                }
            ));
        }
        if self.processed == 0 {
            s.push_str("  throughput: no document processed\n");
        } else {
            s.push_str(&format!(
                "  throughput: {:.1} MB/s, {:.0} documents/s ({:.1} MB processed; MB = 10^6 bytes)\n",
                mb(self.processed_bytes) / secs,
                self.processed as f64 / secs,
                mb(self.processed_bytes)
            ));
        }
        if self.skipped.count > 0 {
            s.push_str(&format!(
                "  skipped: {}\n",
                self.skipped.describe(&self.patterns)
            ));
        }
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|(d, n)| format!("{} {}", d.name(), n))
            .collect();
        s.push_str(&format!("  rows: {}\n", rows.join(", ")));
        if self.processed > 0 {
            let busy: f64 = self
                .stages
                .stages()
                .iter()
                .map(|(_, d)| d.as_secs_f64())
                .sum::<f64>()
                .max(1e-9);
            let stages: Vec<String> = self
                .stages
                .stages()
                .iter()
                .map(|(n, d)| {
                    format!(
                        "{n} {:.2} s ({:.0}%)",
                        d.as_secs_f64(),
                        100.0 * d.as_secs_f64() / busy
                    )
                })
                .collect();
            s.push_str(&format!(
                "  stages (summed over threads): {}\n",
                stages.join(", ")
            ));
        }
        if !self.removed_datasets.is_empty() {
            let names: Vec<&str> = self.removed_datasets.iter().map(|d| d.name()).collect();
            s.push_str(&format!(
                "  removed: {} of an earlier run, not in output.datasets (the output is this run's alone)\n",
                names.join(", ")
            ));
        }
        s.push_str(&format!(
            "  output: {} (run {})\n",
            self.output.display(),
            self.run_id
        ));
        s
    }

    /// The run record: what `_runs/<run>.json` holds and `juesuan run --json` prints.
    pub fn record(&self) -> serde_json::Value {
        let st = |k| self.by_status.get(&k).copied().unwrap_or(0);
        let rows: BTreeMap<&str, u64> = self.rows.iter().map(|(d, n)| (d.name(), *n)).collect();
        let stages: BTreeMap<&str, f64> = self
            .stages
            .stages()
            .iter()
            .map(|(n, d)| (*n, (d.as_secs_f64() * 1000.0).round() / 1000.0))
            .collect();
        let mut r = serde_json::json!({
            "run_id": self.run_id,
            "juesuan_version": env!("CARGO_PKG_VERSION"),
            "mode": if self.changes.is_some() { "incremental" } else { "full" },
            "fingerprint": self.fingerprint,
            "finished": humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            "elapsed_seconds": (self.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "threads": self.threads.count,
            "threads_requested": self.threads.requested,
            "documents": self.documents,
            "ok": st(Status::Ok),
            "partial": st(Status::Partial),
            "rejected": st(Status::Rejected),
            "duplicates": self.duplicates,
            "bytes": self.bytes,
            "processed_documents": self.processed,
            "processed_bytes": self.processed_bytes,
            "skipped_by_patterns": {
                "patterns": self.patterns,
                "count": self.skipped.count,
                "by_extension": self.skipped.by_extension,
            },
            "rows": rows,
            "removed_datasets": self.removed_datasets.iter().map(|d| d.name()).collect::<Vec<_>>(),
            "stage_seconds": stages,
            "output": self.output.display().to_string(),
        });
        if let Some(c) = &self.changes {
            let m = r.as_object_mut().expect("object");
            m.insert("reused".into(), c.reused.into());
            for (name, list) in [
                ("added", &c.added),
                ("changed", &c.changed),
                ("reprocessed", &c.reprocessed),
                ("removed", &c.removed),
            ] {
                m.insert(format!("{name}_count"), list.len().into());
                m.insert(
                    name.into(),
                    list.iter()
                        .take(RECORD_PATHS)
                        .cloned()
                        .collect::<Vec<_>>()
                        .into(),
                );
            }
        }
        r
    }
}

/// Observer of a run's progress (a progress bar on a terminal, nothing in
/// tests), and the way to tell the run to stop (Ctrl-C).
pub trait Progress: Sync {
    fn start(&self, _total: usize) {}
    fn advance(&self, _doc: &DocumentRow) {}
    fn finish(&self) {}
    /// True once the run should stop: it then publishes nothing, removes its
    /// staging folder and returns [`RunError::Interrupted`].
    fn cancelled(&self) -> bool {
        false
    }
}

pub struct NoProgress;
impl Progress for NoProgress {}

/// Documents per thread processed before their rows are handed to the writer.
const CHUNK_PER_THREAD: usize = 16;

/// A run id: when it started (RFC 3339, UTC, milliseconds; sorts in time
/// order) and the process, e.g. `2026-12-06T01:57:03.123Z-5c4a`.
fn new_run_id() -> String {
    format!(
        "{}-{:04x}",
        humantime::format_rfc3339_millis(SystemTime::now()),
        std::process::id() & 0xffff
    )
}

/// Runs the pipeline over `cfg.input` into `cfg.output`.
pub fn run(cfg: &Config, progress: &dyn Progress) -> Result<Summary, RunError> {
    let started = Instant::now();
    let threads = worker_threads(cfg.threads);
    if let Some(note) = threads.note() {
        tracing::info!("{note}");
    }
    if crate::shard::is_sharded_output(&cfg.output) {
        return Err(RunError::ShardedOutput(cfg.output.clone()));
    }
    let found = find_documents(&cfg.input, &cfg.patterns)?;
    if found.entries.is_empty() && !cfg.allow_empty {
        return Err(RunError::no_documents(cfg, &found));
    }
    if progress.cancelled() {
        return Err(RunError::Interrupted(cfg.output.clone()));
    }
    let entries = found.entries;
    let run_id = new_run_id();
    let settings = fingerprint(cfg);
    let emitter = Emitter::create(
        &cfg.output,
        &cfg.datasets,
        cfg.compression,
        cfg.row_group_rows,
        Provenance {
            run_id: &run_id,
            settings: &settings,
        },
    )?;
    let previous = if cfg.incremental {
        previous_manifest(cfg)
    } else {
        None
    };
    let previous_paths: Option<Vec<String>> = previous.as_ref().map(|m| {
        let mut v: Vec<String> = m.rows.keys().cloned().collect();
        v.sort();
        v
    });
    let (w, emitter) = process_entries(cfg, &entries, emitter, threads, previous, progress)?;
    let mut summary = w.summary;
    let mut changes = w.changes;
    if let Some(old) = previous_paths {
        let now: HashSet<&str> = entries.iter().map(|e| e.rel.as_str()).collect();
        changes.removed = old
            .into_iter()
            .filter(|p| !now.contains(p.as_str()))
            .collect();
        summary.changes = Some(changes);
    }
    let committed = emitter.commit()?;
    progress.finish();
    summary.run_id = run_id;
    summary.elapsed = started.elapsed();
    summary.output = committed.output;
    summary.removed_datasets = committed.removed;
    summary.threads = threads;
    summary.skipped = found.skipped;
    summary.patterns = cfg.patterns.clone();
    summary.fingerprint = settings;
    for d in &cfg.datasets {
        summary.rows.entry(*d).or_insert(0);
    }
    write_run_record(&cfg.output, &summary);
    tracing::info!(
        elapsed_ms = summary.elapsed.as_millis() as u64,
        "run finished"
    );
    Ok(summary)
}

/// Runs one shard of a sharded run: `entries` (a share of a plan, sorted by
/// path) into uniquely named parts `part-<tag>.parquet` in the dataset folders
/// of `cfg.output`, published by nobody: the shard's manifest and the table
/// commit do that (see `shard`). Every identical copy of a document is in the
/// same shard, so its rows are emitted once, under the first path, as in a
/// plain run.
pub fn run_parts(
    cfg: &Config,
    entries: &[Entry],
    run_id: &str,
    tag: &str,
    progress: &dyn Progress,
) -> Result<(Summary, Vec<WrittenPart>), RunError> {
    let started = Instant::now();
    let threads = worker_threads(cfg.threads);
    let settings = fingerprint(cfg);
    let emitter = Emitter::create_parts(
        &cfg.output,
        &cfg.datasets,
        cfg.compression,
        cfg.row_group_rows,
        Provenance {
            run_id,
            settings: &settings,
        },
        tag,
    )?;
    let (w, emitter) = process_entries(cfg, entries, emitter, threads, None, progress)?;
    let parts = emitter.finish_parts()?;
    progress.finish();
    let mut summary = w.summary;
    summary.run_id = run_id.to_string();
    summary.elapsed = started.elapsed();
    summary.output = cfg.output.clone();
    summary.threads = threads;
    summary.patterns = cfg.patterns.clone();
    summary.fingerprint = settings;
    for d in &cfg.datasets {
        summary.rows.entry(*d).or_insert(0);
    }
    Ok((summary, parts))
}

/// Processes `entries` in parallel and streams their rows, in input order, to
/// `emitter`; what a plain run and a shard of a sharded run share. Returns the
/// writer's counts and the emitter, for the caller to publish.
fn process_entries(
    cfg: &Config,
    entries: &[Entry],
    emitter: Emitter,
    threads: Threads,
    previous: Option<std::sync::Arc<Manifest>>,
    progress: &dyn Progress,
) -> Result<(Writer, Emitter), RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.count)
        .thread_name(|i| format!("juesuan-worker-{i}"))
        .build()
        .map_err(|e| RunError::Threads {
            threads: threads.count,
            message: e.to_string(),
        })?;
    tracing::info!(documents = entries.len(), threads = threads.count, input = %cfg.input.display(), "run started");
    progress.start(entries.len());

    let chunk = (threads.count * CHUNK_PER_THREAD).max(1);
    let max_bytes = cfg.max_document_bytes;
    let reuse_from = previous.as_ref().map(|m| (cfg.output.clone(), m.clone()));
    let (tx, rx) = sync_channel::<Vec<Work>>(1);
    let writer = std::thread::Builder::new()
        .name("juesuan-writer".into())
        .spawn(move || -> Result<(Writer, Emitter), EmitError> {
            let mut emitter = emitter;
            let mut w = Writer::default();
            if let Some((out, manifest)) = reuse_from {
                w.previous = Some(PreviousRows::new(&out));
                w.manifest = Some(manifest);
            }
            for docs in rx {
                w.write_chunk(&mut emitter, docs)?;
            }
            Ok((w, emitter))
        })
        .expect("spawn writer thread");

    let mut interrupted = false;
    for group in entries.chunks(chunk) {
        if progress.cancelled() {
            interrupted = true;
            break;
        }
        let docs: Vec<Work> = pool.install(|| {
            group
                .par_iter()
                .map(|e| work_on(e, max_bytes, previous.as_deref()))
                .collect()
        });
        for d in &docs {
            progress.advance(d.row());
        }
        if tx.send(docs).is_err() {
            // The writer stopped on an error: join it below to report it.
            break;
        }
    }
    drop(tx);
    let joined = writer.join().expect("writer thread");
    // Nothing is published from here on unless the run is complete: dropping
    // the emitter removes its staging folder.
    let (w, emitter) = match joined {
        Ok(v) => v,
        Err(e) => {
            progress.finish();
            return Err(e.into());
        }
    };
    if interrupted || progress.cancelled() {
        progress.finish();
        drop(emitter);
        return Err(RunError::Interrupted(cfg.output.clone()));
    }
    if w.read == 0 && !entries.is_empty() && !cfg.allow_empty {
        progress.finish();
        drop(emitter);
        return Err(RunError::NothingRead {
            input: cfg.input.clone(),
            matched: entries.len(),
            example: w.first_unread.unwrap_or_default(),
            output: cfg.output.clone(),
        });
    }
    Ok((w, emitter))
}

/// The previous run's manifest when its rows can be reused, with the reason
/// logged when they cannot.
fn previous_manifest(cfg: &Config) -> Option<std::sync::Arc<Manifest>> {
    let Some(fp) = previous_fingerprint(&cfg.output) else {
        tracing::warn!(output = %cfg.output.display(), "--incremental: no previous run recorded in _runs/, processing everything");
        return None;
    };
    if fp != fingerprint(cfg) {
        tracing::warn!(previous = %fp, now = %fingerprint(cfg), "--incremental: the previous run used another version or settings, processing everything");
        return None;
    }
    match Manifest::load(&cfg.output) {
        Some(m) => Some(std::sync::Arc::new(m)),
        None => {
            tracing::warn!(
                "--incremental: previous documents dataset unreadable, processing everything"
            );
            None
        }
    }
}

/// What an incremental run found changed since the previous one.
#[derive(Clone, Default, Debug)]
pub struct Changes {
    /// New paths.
    pub added: Vec<String>,
    /// Paths whose content changed.
    pub changed: Vec<String>,
    /// Unchanged content processed again (it was a duplicate or unreadable).
    pub reprocessed: Vec<String>,
    pub removed: Vec<String>,
    pub reused: usize,
}

/// Appends rows to the emitter in input order; keeps the run's counts.
#[derive(Default)]
struct Writer {
    summary: Summary,
    /// doc_id → first source path, to emit identical files once.
    seen: HashMap<String, String>,
    previous: Option<PreviousRows>,
    manifest: Option<std::sync::Arc<Manifest>>,
    changes: Changes,
    /// Documents whose bytes were read (processed or reused).
    read: usize,
    /// The first file that could not be read, with why.
    first_unread: Option<String>,
}

/// One document on its way to the emitter.
struct Pending {
    keys: DocKeys,
    work: Work,
    report_id: Option<String>,
}

impl Writer {
    fn write_chunk(&mut self, em: &mut Emitter, docs: Vec<Work>) -> Result<(), EmitError> {
        let mut per_year: BTreeMap<Option<i32>, Vec<Pending>> = BTreeMap::new();
        for mut d in docs {
            match &d {
                Work::Unread(p) => {
                    if self.first_unread.is_none() {
                        self.first_unread = Some(format!(
                            "{}: {}",
                            p.row.source_path,
                            p.row.error.as_deref().unwrap_or("not read")
                        ));
                    }
                }
                Work::Fresh(p) => {
                    self.read += 1;
                    self.summary.processed += 1;
                    self.summary.processed_bytes += p.row.source_bytes.max(0) as u64;
                }
                Work::Reused(_) => self.read += 1,
            }
            let row = d.row();
            if let Some(first) = self
                .seen
                .get(&row.doc_id)
                .filter(|_| row.status != Status::Rejected)
            {
                // A second path with the same content: a marker, no rows.
                let marker = DocumentRow {
                    status: Status::Rejected,
                    error: Some(format!(
                        "duplicate of {first} (identical content): its rows are emitted once, under that path"
                    )),
                    line_items: 0,
                    indicators: 0,
                    facts: 0,
                    checks_failed: 0,
                    tables_verified: 0,
                    ..row.clone()
                };
                d = Work::Fresh(Processed {
                    row: marker,
                    extracted: Default::default(),
                    times: d.processed().map(|p| p.times).unwrap_or_default(),
                });
                self.summary.duplicates += 1;
            } else if row.status != Status::Rejected {
                self.seen
                    .insert(row.doc_id.clone(), row.source_path.clone());
            }
            let row = d.row();
            if let Some(m) = &self.manifest {
                let path = row.source_path.clone();
                match (&d, m.rows.get(&path)) {
                    (Work::Reused(_), _) => self.changes.reused += 1,
                    (_, None) => self.changes.added.push(path),
                    (_, Some(old)) if old.doc_id != row.doc_id => self.changes.changed.push(path),
                    (_, Some(_)) => self.changes.reprocessed.push(path),
                }
            }
            self.summary.documents += 1;
            if let Some(p) = d.processed() {
                self.summary.stages.add(&p.times);
            }
            self.summary.bytes += row.source_bytes.max(0) as u64;
            *self.summary.by_status.entry(row.status).or_default() += 1;
            let report_id = match &d {
                Work::Fresh(p) if p.row.status != Status::Rejected => {
                    emit::report_id(&p.row.meta, &p.extracted)
                }
                Work::Reused(r) => self
                    .manifest
                    .as_ref()
                    .and_then(|m| m.report_ids.get(&r.source_path).cloned()),
                _ => None,
            };
            let keys = DocKeys {
                doc_id: row.doc_id.clone(),
                source_path: row.source_path.clone(),
                fiscal_year: row.meta.fiscal_year,
                department: row.meta.department.clone(),
            };
            per_year
                .entry(row.meta.fiscal_year)
                .or_default()
                .push(Pending {
                    keys,
                    work: d,
                    report_id,
                });
        }
        let emit_started = std::time::Instant::now();
        for (year, docs) in per_year {
            let rows: Vec<(&DocumentRow, Option<&str>)> = docs
                .iter()
                .map(|p| (p.work.row(), p.report_id.as_deref()))
                .collect();
            let b = emit::documents_batch(&rows).map_err(arrow_err(Dataset::Documents))?;
            self.count(Dataset::Documents, em, year, &b)?;
            for ds in [
                Dataset::LineItems,
                Dataset::Indicators,
                Dataset::Facts,
                Dataset::Checks,
            ] {
                if em.emits(ds) {
                    self.write_dataset(em, ds, year, &docs)?;
                }
            }
        }
        self.summary.stages.emit += emit_started.elapsed();
        Ok(())
    }

    /// Writes one dataset's rows of a chunk in document order: fresh rows as
    /// built batches, reused rows as slices of the previous output.
    fn write_dataset(
        &mut self,
        em: &mut Emitter,
        ds: Dataset,
        year: Option<i32>,
        docs: &[Pending],
    ) -> Result<(), EmitError> {
        let mut k = 0;
        while k < docs.len() {
            if let Work::Reused(_) = &docs[k].work {
                let slices = match self.previous.as_mut() {
                    Some(p) => p.take(ds, year, &docs[k].keys.source_path),
                    None => Vec::new(),
                };
                for b in slices {
                    self.count(ds, em, year, &b)?;
                }
                k += 1;
                continue;
            }
            let start = k;
            while k < docs.len() && docs[k].work.processed().is_some() {
                k += 1;
            }
            let fresh: Vec<(&DocKeys, &Processed)> = docs[start..k]
                .iter()
                .filter_map(|p| p.work.processed().map(|w| (&p.keys, w)))
                .collect();
            let b = fresh_batch(ds, &fresh).map_err(arrow_err(ds))?;
            self.count(ds, em, year, &b)?;
        }
        Ok(())
    }

    fn count(
        &mut self,
        d: Dataset,
        em: &mut Emitter,
        year: Option<i32>,
        b: &arrow_array::RecordBatch,
    ) -> Result<(), EmitError> {
        em.write(d, year, b)?;
        *self.summary.rows.entry(d).or_default() += b.num_rows() as u64;
        Ok(())
    }
}

fn arrow_err(dataset: Dataset) -> impl Fn(arrow_schema::ArrowError) -> EmitError {
    move |source| EmitError::Arrow {
        dataset: dataset.name(),
        source,
    }
}

/// The rows of freshly processed documents for one dataset.
fn fresh_batch(
    ds: Dataset,
    docs: &[(&DocKeys, &Processed)],
) -> Result<arrow_array::RecordBatch, arrow_schema::ArrowError> {
    match ds {
        Dataset::LineItems => {
            let v: Vec<_> = docs
                .iter()
                .flat_map(|(k, d)| d.extracted.line_items.iter().map(move |r| (*k, r)))
                .collect();
            emit::line_items_batch(&v)
        }
        Dataset::Indicators => {
            let v: Vec<_> = docs
                .iter()
                .flat_map(|(k, d)| d.extracted.indicators.iter().map(move |r| (*k, r)))
                .collect();
            emit::indicators_batch(&v)
        }
        Dataset::Facts => {
            let v: Vec<_> = docs
                .iter()
                .flat_map(|(k, d)| d.extracted.facts.iter().map(move |r| (*k, r)))
                .collect();
            emit::facts_batch(&v)
        }
        Dataset::Checks => {
            let v: Vec<_> = docs
                .iter()
                .flat_map(|(k, d)| d.extracted.checks.iter().map(move |r| (*k, r)))
                .collect();
            emit::checks_batch(&v)
        }
        Dataset::Documents => unreachable!("documents rows are written with their report ids"),
    }
}

/// At most this many paths per list in a run record; counts are always exact.
const RECORD_PATHS: usize = 10_000;

/// One small JSON file per run under `_runs/`, for audit: counts, settings
/// fingerprint and, for incremental runs, what was added or changed (files
/// processed afresh), removed, and reused.
fn write_run_record(output: &Path, s: &Summary) {
    let dir = output.join("_runs");
    if fs::create_dir_all(&dir).is_err() {
        return;
    }
    let Ok(mut json) = serde_json::to_string_pretty(&s.record()) else {
        return;
    };
    json.push('\n');
    let name = format!("{}.json", s.run_id);
    let tmp = dir.join(format!(".{name}.tmp"));
    if fs::write(&tmp, json).is_ok() {
        let _ = fs::rename(&tmp, dir.join(name));
    }
}
