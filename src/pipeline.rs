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
use std::time::{Duration, Instant};

use rayon::prelude::*;
use thiserror::Error;

use crate::config::{Config, glob_match};
use crate::document::{self, Processed};
use crate::emit::{self, Dataset, DocKeys, EmitError, Emitter};
use crate::incremental::{Manifest, PreviousRows, fingerprint, previous_fingerprint};
use crate::model::{DocumentRow, Status};

#[derive(Debug, Error)]
pub enum RunError {
    #[error("input folder {path} cannot be read: {source}")]
    Input { path: PathBuf, source: io::Error },
    #[error("input {0} is not a folder")]
    InputNotDir(PathBuf),
    #[error(transparent)]
    Emit(#[from] EmitError),
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
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

/// Lists the documents under `root`, sorted by relative path. Dangling
/// symlinks, symlink loops, unreadable folders and folders named like a
/// document are listed with a problem, so that they get a `rejected` row.
pub fn find_documents(root: &Path, patterns: &[String]) -> Result<Vec<Entry>, RunError> {
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
    let mut out = Vec::new();
    let mut visited = HashSet::new();
    if let Ok(c) = fs::canonicalize(root) {
        visited.insert(c);
    }
    walk(root, "", patterns, &mut out, &mut visited);
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

fn walk(
    dir: &Path,
    prefix: &str,
    patterns: &[String],
    out: &mut Vec<Entry>,
    visited: &mut HashSet<PathBuf>,
) {
    let matches = |name: &str| patterns.iter().any(|p| glob_match(p, name));
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Entry {
                rel: prefix.trim_end_matches('/').to_string(),
                path: dir.to_path_buf(),
                problem: Some(format!(
                    "folder cannot be listed ({e}); its documents were not read"
                )),
            });
            return;
        }
    };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        let path = e.path();
        let Ok(lmeta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let is_link = lmeta.file_type().is_symlink();
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(err) => {
                if is_link && matches(&name) {
                    let why = if err.raw_os_error() == Some(libc::ELOOP) {
                        "symlink loop"
                    } else {
                        "dangling symlink: its target does not exist"
                    };
                    out.push(Entry {
                        rel,
                        path,
                        problem: Some(why.to_string()),
                    });
                }
                continue;
            }
        };
        if meta.is_dir() {
            if matches(&name) {
                out.push(Entry { rel: rel.clone(), path: path.clone(), problem: Some("a folder named like a document, not a file; its contents are read as documents of their own".to_string()) });
            }
            let canon = fs::canonicalize(&path).unwrap_or(path.clone());
            if !visited.insert(canon) {
                tracing::warn!(path = %path.display(), "folder already read (symlink loop), not read again");
                if is_link && matches(&name) {
                    out.push(Entry {
                        rel,
                        path,
                        problem: Some(
                            "symlink loop: the folder links back to one already read".to_string(),
                        ),
                    });
                }
                continue;
            }
            walk(&path, &format!("{rel}/"), patterns, out, visited);
        } else if matches(&name) {
            let problem = (!meta.is_file())
                .then(|| "not a regular file (device, pipe or socket)".to_string());
            out.push(Entry { rel, path, problem });
        }
    }
}

/// What a worker hands to the writer for one entry.
// Each value moves once, from a worker to the writer, in a chunk: boxing the
// larger variant would only add an allocation per document.
#[allow(clippy::large_enum_variant)]
pub enum Work {
    /// Processed in this run.
    Fresh(Processed),
    /// Unchanged since the previous run: its previous `documents` row; the
    /// rows of the other datasets are copied from the previous output.
    Reused(DocumentRow),
}

impl Work {
    pub fn row(&self) -> &DocumentRow {
        match self {
            Work::Fresh(p) => &p.row,
            Work::Reused(r) => r,
        }
    }
}

/// Reads and processes one entry; never panics, never fails.
pub fn process_entry(e: &Entry, max_bytes: u64) -> Processed {
    match work_on(e, max_bytes, None) {
        Work::Fresh(p) => p,
        Work::Reused(_) => unreachable!("no manifest, nothing to reuse"),
    }
}

fn work_on(e: &Entry, max_bytes: u64, previous: Option<&Manifest>) -> Work {
    let empty = || crate::model::Extracted::default();
    let refuse = |bytes: i64, msg: String| {
        Work::Fresh(Processed {
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
                "file is {:.1} MB, larger than the maximum document size of {} MB (input.max_document_mb in pipeline.toml)",
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

/// What a run did, for the end-of-run summary and `_runs/`.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub documents: usize,
    pub by_status: BTreeMap<Status, usize>,
    pub duplicates: usize,
    pub rows: BTreeMap<Dataset, u64>,
    pub bytes: u64,
    pub elapsed: Duration,
    pub output: PathBuf,
    pub threads: usize,
    /// Per-stage time summed over documents (`emit`: the writer thread's).
    pub stages: document::StageTimes,
}

impl Summary {
    pub fn render(&self) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let mut s = String::new();
        let st = |k| self.by_status.get(&k).copied().unwrap_or(0);
        s.push_str(&format!(
            "juesuan: {} documents ({} ok, {} partial, {} rejected{}) in {:.2}s with {} threads\n",
            self.documents,
            st(Status::Ok),
            st(Status::Partial),
            st(Status::Rejected),
            if self.duplicates > 0 {
                format!(", of which {} duplicates", self.duplicates)
            } else {
                String::new()
            },
            secs,
            self.threads
        ));
        s.push_str(&format!(
            "  throughput: {:.1} MB/s, {:.0} documents/s ({:.1} MB read)\n",
            self.bytes as f64 / 1048576.0 / secs,
            self.documents as f64 / secs,
            self.bytes as f64 / 1048576.0
        ));
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|(d, n)| format!("{} {}", d.name(), n))
            .collect();
        s.push_str(&format!("  rows: {}\n", rows.join(", ")));
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
                    "{n} {:.2}s ({:.0}%)",
                    d.as_secs_f64(),
                    100.0 * d.as_secs_f64() / busy
                )
            })
            .collect();
        s.push_str(&format!(
            "  stages (summed over threads): {}\n",
            stages.join(", ")
        ));
        s.push_str(&format!("  output: {}\n", self.output.display()));
        s
    }
}

/// Observer of a run's progress (a progress bar on a terminal, nothing in tests).
pub trait Progress: Sync {
    fn start(&self, _total: usize) {}
    fn advance(&self, _doc: &DocumentRow) {}
    fn finish(&self) {}
}

pub struct NoProgress;
impl Progress for NoProgress {}

/// Documents per thread processed before their rows are handed to the writer.
const CHUNK_PER_THREAD: usize = 16;

/// Runs the pipeline over `cfg.input` into `cfg.output`.
pub fn run(cfg: &Config, progress: &dyn Progress) -> Result<Summary, RunError> {
    let started = Instant::now();
    let threads = if cfg.threads == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        cfg.threads
    };
    let entries = find_documents(&cfg.input, &cfg.patterns)?;
    // Sorts in time order (the latest record tells the next incremental run
    // what it may reuse).
    let run_id = format!("{:020}-{}", now_nanos(), std::process::id());
    let emitter = Emitter::create(
        &cfg.output,
        &cfg.datasets,
        cfg.compression,
        cfg.row_group_rows,
        &run_id,
    )?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("juesuan-worker-{i}"))
        .build()
        .map_err(|e| RunError::Threads {
            threads,
            message: e.to_string(),
        })?;
    tracing::info!(documents = entries.len(), threads, input = %cfg.input.display(), "run started");
    progress.start(entries.len());

    let chunk = (threads * CHUNK_PER_THREAD).max(1);
    let max_bytes = cfg.max_document_bytes;
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
    let reuse_from = previous.as_ref().map(|m| (cfg.output.clone(), m.clone()));
    let (tx, rx) = sync_channel::<Vec<Work>>(1);
    let writer = std::thread::Builder::new()
        .name("juesuan-writer".into())
        .spawn(move || -> Result<(Summary, Emitter, Changes), EmitError> {
            let mut emitter = emitter;
            let mut w = Writer::default();
            if let Some((out, manifest)) = reuse_from {
                w.previous = Some(PreviousRows::new(&out));
                w.manifest = Some(manifest);
            }
            for docs in rx {
                w.write_chunk(&mut emitter, docs)?;
            }
            Ok((w.summary, emitter, w.changes))
        })
        .expect("spawn writer thread");

    let mut send_failed = false;
    for group in entries.chunks(chunk) {
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
            send_failed = true;
            break;
        }
    }
    drop(tx);
    let (mut summary, emitter, mut changes) = writer.join().expect("writer thread")?;
    debug_assert!(!send_failed);
    if let Some(old) = previous_paths {
        let now: HashSet<&str> = entries.iter().map(|e| e.rel.as_str()).collect();
        changes.removed = old
            .into_iter()
            .filter(|p| !now.contains(p.as_str()))
            .collect();
        changes.incremental = true;
    }
    let output = emitter.commit()?;
    progress.finish();
    summary.elapsed = started.elapsed();
    summary.output = output;
    summary.threads = threads;
    for d in &cfg.datasets {
        summary.rows.entry(*d).or_insert(0);
    }
    write_run_record(&cfg.output, &run_id, &summary, &changes, &fingerprint(cfg));
    tracing::info!(
        elapsed_ms = summary.elapsed.as_millis() as u64,
        "run finished"
    );
    Ok(summary)
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

fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// What an incremental run found changed since the previous one.
#[derive(Default, Debug)]
pub struct Changes {
    pub incremental: bool,
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
}

impl Writer {
    fn write_chunk(&mut self, em: &mut Emitter, docs: Vec<Work>) -> Result<(), EmitError> {
        let mut per_year: BTreeMap<Option<i32>, Vec<(DocKeys, Work)>> = BTreeMap::new();
        for mut d in docs {
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
                    times: match &d {
                        Work::Fresh(p) => p.times,
                        Work::Reused(_) => Default::default(),
                    },
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
                    (Work::Fresh(_), None) => self.changes.added.push(path),
                    (Work::Fresh(_), Some(old)) if old.doc_id != row.doc_id => {
                        self.changes.changed.push(path)
                    }
                    (Work::Fresh(_), Some(_)) => self.changes.reprocessed.push(path),
                }
            }
            self.summary.documents += 1;
            if let Work::Fresh(p) = &d {
                self.summary.stages.add(&p.times);
            }
            self.summary.bytes += row.source_bytes.max(0) as u64;
            *self.summary.by_status.entry(row.status).or_default() += 1;
            let keys = DocKeys {
                doc_id: row.doc_id.clone(),
                source_path: row.source_path.clone(),
                fiscal_year: row.meta.fiscal_year,
                department: row.meta.department.clone(),
            };
            per_year
                .entry(row.meta.fiscal_year)
                .or_default()
                .push((keys, d));
        }
        let emit_started = std::time::Instant::now();
        for (year, docs) in per_year {
            let rows: Vec<DocumentRow> = docs.iter().map(|(_, d)| d.row().clone()).collect();
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
        docs: &[(DocKeys, Work)],
    ) -> Result<(), EmitError> {
        let mut k = 0;
        while k < docs.len() {
            if let (keys, Work::Reused(_)) = &docs[k] {
                let slices = match self.previous.as_mut() {
                    Some(p) => p.take(ds, year, &keys.source_path),
                    None => Vec::new(),
                };
                for b in slices {
                    self.count(ds, em, year, &b)?;
                }
                k += 1;
                continue;
            }
            let start = k;
            while k < docs.len() && matches!(docs[k].1, Work::Fresh(_)) {
                k += 1;
            }
            let fresh: Vec<(&DocKeys, &Processed)> = docs[start..k]
                .iter()
                .filter_map(|(keys, w)| match w {
                    Work::Fresh(p) => Some((keys, p)),
                    Work::Reused(_) => None,
                })
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
        Dataset::Documents => {
            let rows: Vec<DocumentRow> = docs.iter().map(|(_, d)| d.row.clone()).collect();
            emit::documents_batch(&rows)
        }
    }
}

/// At most this many paths per list in a run record; counts are always exact.
const RECORD_PATHS: usize = 10_000;

fn json_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn json_list(v: &[String]) -> String {
    let items: Vec<String> = v.iter().take(RECORD_PATHS).map(|p| json_str(p)).collect();
    format!("[{}]", items.join(", "))
}

/// One small JSON file per run under `_runs/`, for audit: counts, settings
/// fingerprint and, for incremental runs, what was added or changed (files
/// processed afresh), removed, and reused.
fn write_run_record(output: &Path, run_id: &str, s: &Summary, c: &Changes, fingerprint: &str) {
    let dir = output.join("_runs");
    if fs::create_dir_all(&dir).is_err() {
        return;
    }
    let st = |k| s.by_status.get(&k).copied().unwrap_or(0);
    let rows: Vec<String> = s
        .rows
        .iter()
        .map(|(d, n)| format!("\"{}\": {}", d.name(), n))
        .collect();
    let mut json = format!(
        "{{\n  \"run_id\": \"{run_id}\",\n  \"mode\": \"{}\",\n  \"fingerprint\": {},\n  \"finished_unix\": {},\n  \"elapsed_seconds\": {:.3},\n  \"threads\": {},\n  \"documents\": {},\n  \"ok\": {},\n  \"partial\": {},\n  \"rejected\": {},\n  \"duplicates\": {},\n  \"bytes\": {},\n  \"rows\": {{{}}}",
        if c.incremental { "incremental" } else { "full" },
        json_str(fingerprint),
        now_nanos() / 1_000_000_000,
        s.elapsed.as_secs_f64(),
        s.threads,
        s.documents,
        st(Status::Ok),
        st(Status::Partial),
        st(Status::Rejected),
        s.duplicates,
        s.bytes,
        rows.join(", ")
    );
    let stages: Vec<String> = s
        .stages
        .stages()
        .iter()
        .map(|(n, d)| format!("\"{n}\": {:.3}", d.as_secs_f64()))
        .collect();
    json.push_str(&format!(
        ",\n  \"stage_seconds\": {{{}}}",
        stages.join(", ")
    ));
    if c.incremental {
        json.push_str(&format!(",\n  \"reused\": {}", c.reused));
        for (name, list) in [
            ("added", &c.added),
            ("changed", &c.changed),
            ("reprocessed", &c.reprocessed),
            ("removed", &c.removed),
        ] {
            json.push_str(&format!(
                ",\n  \"{name}_count\": {},\n  \"{name}\": {}",
                list.len(),
                json_list(list)
            ));
        }
    }
    json.push_str("\n}\n");
    let name = format!("{run_id}.json");
    let tmp = dir.join(format!(".{name}.tmp"));
    if fs::write(&tmp, json).is_ok() {
        let _ = fs::rename(&tmp, dir.join(name));
    }
}
