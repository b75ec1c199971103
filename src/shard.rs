//! Sharded runs: one archive processed by N machines (a Kubernetes Indexed
//! Job, an AWS Batch or Slurm array), published by one commit.
//!
//! 1. `plan` lists the input and gives every document a content key (its
//!    `doc_id`) and the shard `key mod N`, in `<output>/_juesuan/runs/<run>/`
//!    (`plan.json`, and `inputs/<K>.json`: the documents of shard K).
//!    Identical copies share a key, hence a shard: "rows once, under the
//!    first path" stays a decision each shard can make alone.
//! 2. Each shard processes its documents into uniquely named parts in the
//!    dataset folders and publishes `runs/<run>/shards/<K>.json` with
//!    put-if-absent: of several attempts of a shard (retries, speculation, a
//!    replaced pod) one publishes; the others find it published and exit 0,
//!    their parts removed.
//! 3. `commit` requires all N manifests, made with the plan's settings, and
//!    makes one Delta transaction per dataset (see `delta`); a repeated
//!    commit changes nothing. Until then the tables show the previous run.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::config::{Compression, Config};
use crate::delta::{self, Commit, DataFile, DeltaError, TableInfo};
use crate::document;
use crate::emit::{Dataset, WrittenPart};
use crate::incremental::fingerprint;
use crate::pipeline::{self, Entry, Progress, RunError, Summary};
use crate::store;

#[derive(Debug, Error)]
pub enum ShardError {
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Delta(#[from] DeltaError),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("{path} is not a plan or shard manifest of this juesuan: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("--shard {0}: expected K/N (e.g. 3/8), K (N from the plan) or auto")]
    ShardSpec(String),
    #[error(
        "--shard auto: none of JOB_COMPLETION_INDEX (Kubernetes Indexed Job), AWS_BATCH_JOB_ARRAY_INDEX, SLURM_ARRAY_TASK_ID is set"
    )]
    NoShardIndex,
    #[error("shard {shard} of {asked}: the plan {plan} has {shards} shards (shard numbers run from 0 to {last})", last = shards - 1)]
    WrongShard {
        shard: u32,
        asked: u32,
        shards: u32,
        plan: PathBuf,
    },
    #[error(
        "run {run}: {missing} of {shards} shards not published yet (shard {list}; their manifests are missing in {dir}); nothing was committed, the tables are as they were"
    )]
    MissingShards {
        run: String,
        missing: usize,
        shards: u32,
        list: String,
        dir: PathBuf,
    },
    #[error(
        "run {run}: shard {shard} was made with other settings or another juesuan ({theirs}) than the plan ({ours}); run that shard again with this plan's juesuan (after removing {manifest}); nothing was committed"
    )]
    MixedSettings {
        run: String,
        shard: u32,
        theirs: String,
        ours: String,
        manifest: PathBuf,
    },
    #[error(
        "output {0} holds the datasets of a plain `juesuan run` (no Delta log): sharded runs write Delta tables; use another output folder"
    )]
    PlainOutput(PathBuf),
}

/// Where a sharded run keeps its plan and shard manifests.
pub fn runs_dir(output: &Path) -> PathBuf {
    output.join("_juesuan").join("runs")
}

/// True when `output` holds the tables of sharded runs: a plain run must not
/// swap them away.
pub fn is_sharded_output(output: &Path) -> bool {
    output.join("_juesuan").is_dir()
}

/// The settings a shard runs with: those of the plan, whatever machine runs it.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Settings {
    patterns: Vec<String>,
    datasets: Vec<String>,
    max_document_bytes: u64,
    /// `zstd:<level>` or `none`.
    compression: String,
    row_group_rows: usize,
}

/// One document of a plan.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PlannedDocument {
    /// Relative to the input root, `/`-separated.
    pub path: String,
    pub bytes: u64,
    /// Modification time, nanoseconds since 1970 (0 when unknown).
    pub modified_ns: i128,
    /// The content key: the `doc_id` the document's rows will carry.
    pub key: String,
    pub shard: u32,
    /// Why it cannot be read as a document, known when listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// `<output>/_juesuan/runs/<run>/plan.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Plan {
    pub run: String,
    /// Planning time in ms: the run's transaction version in every table,
    /// later runs having larger ones.
    pub txn_version: i64,
    pub shards: u32,
    pub input: PathBuf,
    pub output: PathBuf,
    pub fingerprint: String,
    settings: Settings,
    /// Files under the input the patterns left out.
    pub skipped: usize,
    pub documents: usize,
    /// Documents read to key them; the others kept the key of the previous
    /// committed run (same path, size and modification time).
    pub hashed: usize,
    pub bytes: u64,
    /// Documents of each shard, listed in `inputs/<K>.json`: a shard reads
    /// its own list, not the whole archive's.
    pub documents_per_shard: Vec<usize>,
}

impl Plan {
    pub fn dir(&self) -> PathBuf {
        runs_dir(&self.output).join(&self.run)
    }

    fn inputs_path(&self, shard: u32) -> PathBuf {
        self.dir().join("inputs").join(format!("{shard}.json"))
    }

    fn manifest_path(&self, shard: u32) -> PathBuf {
        self.dir().join("shards").join(format!("{shard}.json"))
    }

    /// Reads a plan from its run folder or its `plan.json`.
    pub fn load(location: &Path) -> Result<Plan, ShardError> {
        let path = if location.is_dir() {
            location.join("plan.json")
        } else {
            location.to_path_buf()
        };
        let text = fs::read_to_string(&path).map_err(|source| ShardError::Read {
            path: path.clone(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| ShardError::Invalid {
            path,
            message: e.to_string(),
        })
    }

    /// The configuration every shard runs with (`threads` its own).
    pub fn config(&self, threads: usize) -> Config {
        let compression = match self.settings.compression.strip_prefix("zstd:") {
            Some(l) => Compression::Zstd(l.parse().unwrap_or(3)),
            None => Compression::None,
        };
        Config {
            input: self.input.clone(),
            patterns: self.settings.patterns.clone(),
            max_document_bytes: self.settings.max_document_bytes,
            output: self.output.clone(),
            datasets: self
                .settings
                .datasets
                .iter()
                .filter_map(|d| Dataset::from_name(d))
                .collect(),
            compression,
            row_group_rows: self.settings.row_group_rows,
            threads,
            incremental: false,
            // A shard whose documents are all unreadable still publishes
            // their rejected rows; the plan refused an empty archive.
            allow_empty: true,
        }
    }

    /// The documents of one shard, sorted by path.
    fn entries(&self, shard: u32) -> Result<Vec<Entry>, ShardError> {
        let path = self.inputs_path(shard);
        let text = fs::read(&path).map_err(|source| ShardError::Read {
            path: path.clone(),
            source,
        })?;
        let docs: Vec<PlannedDocument> =
            serde_json::from_slice(&text).map_err(|e| ShardError::Invalid {
                path,
                message: e.to_string(),
            })?;
        Ok(docs
            .into_iter()
            .map(|d| Entry {
                path: self.input.join(&d.path),
                rel: d.path,
                problem: d.problem,
            })
            .collect())
    }
}

/// A sharded run's id: its planning time, compact (no `:`, which Hadoop
/// paths refuse in file names), and the process, e.g. `20261206T014157123Z-5c4a`.
fn new_run_id(now: SystemTime) -> String {
    let t = humantime::format_rfc3339_millis(now).to_string();
    let compact: String = t
        .chars()
        .filter(|c| !matches!(c, '-' | ':' | '.'))
        .collect();
    format!("{compact}-{:04x}", std::process::id() & 0xffff)
}

/// A file's key as the previous committed run planned it.
struct KnownKey {
    bytes: u64,
    modified_ns: i128,
    key: String,
}

/// The keys of the latest committed sharded run into `output`, by path: a
/// file with the same size and modification time is not read again.
fn previous_keys(output: &Path) -> HashMap<String, KnownKey> {
    let mut records: Vec<PathBuf> = fs::read_dir(output.join("_runs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    records.sort();
    let Some(run) = records.iter().rev().find_map(|p| {
        let v: serde_json::Value = serde_json::from_slice(&fs::read(p).ok()?).ok()?;
        (v["mode"] == "sharded").then(|| v["run_id"].as_str().map(str::to_string))?
    }) else {
        return HashMap::new();
    };
    let mut keys = HashMap::new();
    let inputs = runs_dir(output).join(run).join("inputs");
    for list in fs::read_dir(inputs).into_iter().flatten().flatten() {
        let Some(docs) = fs::read(list.path())
            .ok()
            .and_then(|t| serde_json::from_slice::<Vec<PlannedDocument>>(&t).ok())
        else {
            continue;
        };
        for d in docs {
            if d.problem.is_none() && d.modified_ns != 0 {
                keys.insert(
                    d.path,
                    KnownKey {
                        bytes: d.bytes,
                        modified_ns: d.modified_ns,
                        key: d.key,
                    },
                );
            }
        }
    }
    keys
}

/// The content key and size of one listed file: the `doc_id` its documents
/// row will carry (the path's, for files that will be refused unread), and
/// whether the file was read for it (not when `known` still holds).
fn content_key(e: &Entry, max_bytes: u64, known: Option<&KnownKey>) -> (String, u64, i128, bool) {
    let by_path = || document::doc_id(e.rel.as_bytes());
    if e.problem.is_some() {
        return (by_path(), 0, 0, false);
    }
    let Ok(meta) = fs::metadata(&e.path) else {
        return (by_path(), 0, 0, false);
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i128)
        .unwrap_or_default();
    if meta.len() > max_bytes {
        return (by_path(), meta.len(), modified, false);
    }
    if let Some(k) =
        known.filter(|k| k.bytes == meta.len() && k.modified_ns == modified && modified != 0)
    {
        return (k.key.clone(), meta.len(), modified, false);
    }
    match fs::read(&e.path) {
        Ok(bytes) if bytes.len() as u64 <= max_bytes => {
            (document::doc_id(&bytes), meta.len(), modified, true)
        }
        _ => (by_path(), meta.len(), modified, true),
    }
}

/// Lists `cfg.input` into a plan of `shards` shards under `cfg.output`.
pub fn plan(cfg: &Config, shards: u32) -> Result<Plan, ShardError> {
    let shards = shards.max(1);
    refuse_plain_output(&cfg.output)?;
    let found = pipeline::find_documents(&cfg.input, &cfg.patterns)?;
    if found.entries.is_empty() {
        return Err(RunError::no_documents(cfg, &found).into());
    }
    let threads = pipeline::worker_threads(cfg.threads).count;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| RunError::Threads {
            threads,
            message: e.to_string(),
        })?;
    let max = cfg.max_document_bytes;
    let known = previous_keys(&cfg.output);
    let planned: Vec<(PlannedDocument, bool)> = pool.install(|| {
        found
            .entries
            .par_iter()
            .map(|e| {
                let (key, bytes, modified_ns, read) = content_key(e, max, known.get(&e.rel));
                let shard = (u64::from_str_radix(&key, 16).unwrap_or(0) % shards as u64) as u32;
                let d = PlannedDocument {
                    path: e.rel.clone(),
                    bytes,
                    modified_ns,
                    key,
                    shard,
                    problem: e.problem.clone(),
                };
                (d, read)
            })
            .collect()
    });
    let hashed = planned.iter().filter(|(_, read)| *read).count();
    let documents: Vec<PlannedDocument> = planned.into_iter().map(|(d, _)| d).collect();
    let now = SystemTime::now();
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let plan = Plan {
        run: new_run_id(now),
        txn_version: now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default(),
        shards,
        input: absolute(&cfg.input),
        output: absolute(&cfg.output),
        fingerprint: fingerprint(cfg),
        settings: Settings {
            patterns: cfg.patterns.clone(),
            datasets: cfg.datasets.iter().map(|d| d.name().to_string()).collect(),
            max_document_bytes: cfg.max_document_bytes,
            compression: match cfg.compression {
                Compression::Zstd(l) => format!("zstd:{l}"),
                Compression::None => "none".to_string(),
            },
            row_group_rows: cfg.row_group_rows,
        },
        skipped: found.skipped.count,
        documents: documents.len(),
        hashed,
        bytes: documents.iter().map(|d| d.bytes).sum(),
        documents_per_shard: (0..shards)
            .map(|k| documents.iter().filter(|d| d.shard == k).count())
            .collect(),
    };
    // The lists first: a plan.json is only ever seen complete.
    let mut lists: Vec<Vec<&PlannedDocument>> = vec![Vec::new(); shards as usize];
    for d in &documents {
        lists[d.shard as usize].push(d);
    }
    for (k, list) in lists.iter().enumerate() {
        let path = plan.inputs_path(k as u32);
        let text = serde_json::to_vec(list).expect("inputs serialise");
        store::put_if_absent(&path, &text).map_err(|source| ShardError::Write { path, source })?;
    }
    let path = plan.dir().join("plan.json");
    let text = serde_json::to_vec(&plan).expect("plan serialises");
    match store::put_if_absent(&path, &text) {
        Ok(true) => Ok(plan),
        Ok(false) => Err(ShardError::Write {
            path,
            source: io::Error::new(io::ErrorKind::AlreadyExists, "a plan of this run exists"),
        }),
        Err(source) => Err(ShardError::Write { path, source }),
    }
}

/// A dataset folder with Parquet files but no Delta log was written by a
/// plain run: committing a table over it would hide nothing and confuse
/// readers of the Hive layout.
fn refuse_plain_output(output: &Path) -> Result<(), ShardError> {
    for d in Dataset::ALL {
        let dir = output.join(d.name());
        if dir.is_dir()
            && !dir.join("_delta_log").exists()
            && !crate::emit::parquet_files(&dir).is_empty()
            && !is_sharded_output(output)
        {
            return Err(ShardError::PlainOutput(output.to_path_buf()));
        }
    }
    Ok(())
}

/// Which shard a process runs: `K/N`, `K`, or `auto` from the batch
/// runner's array index.
pub fn parse_shard(spec: &str, plan: &Plan, plan_path: &Path) -> Result<u32, ShardError> {
    let (k, n) = if spec == "auto" {
        let index = [
            "JOB_COMPLETION_INDEX",
            "AWS_BATCH_JOB_ARRAY_INDEX",
            "SLURM_ARRAY_TASK_ID",
        ]
        .iter()
        .find_map(|v| std::env::var(v).ok())
        .ok_or(ShardError::NoShardIndex)?;
        let k = index
            .trim()
            .parse()
            .map_err(|_| ShardError::ShardSpec(format!("auto (index {index:?})")))?;
        (k, plan.shards)
    } else {
        let bad = || ShardError::ShardSpec(spec.to_string());
        match spec.split_once('/') {
            Some((k, n)) => (
                k.trim().parse().map_err(|_| bad())?,
                n.trim().parse().map_err(|_| bad())?,
            ),
            None => (spec.trim().parse().map_err(|_| bad())?, plan.shards),
        }
    };
    if n != plan.shards || k >= plan.shards {
        return Err(ShardError::WrongShard {
            shard: k,
            asked: n,
            shards: plan.shards,
            plan: plan_path.to_path_buf(),
        });
    }
    Ok(k)
}

/// `runs/<run>/shards/<K>.json`: what a shard published.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ShardManifest {
    pub run: String,
    pub shard: u32,
    pub shards: u32,
    pub attempt: String,
    pub fingerprint: String,
    pub finished: String,
    pub elapsed_seconds: f64,
    pub documents: usize,
    pub ok: usize,
    pub partial: usize,
    pub rejected: usize,
    pub duplicates: usize,
    pub bytes: u64,
    pub processed_bytes: u64,
    pub rows: BTreeMap<String, u64>,
    pub files: Vec<ShardFile>,
}

/// One part of a shard, relative to its dataset's table folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ShardFile {
    pub dataset: String,
    pub path: String,
    pub fiscal_year: Option<i32>,
    pub rows: u64,
    pub bytes: u64,
    pub modified_ms: i64,
}

/// What a shard attempt did.
pub enum ShardOutcome {
    /// This attempt published the shard.
    Published {
        manifest: ShardManifest,
        summary: Box<Summary>,
    },
    /// Another attempt had published it (before this one started, or while
    /// it ran: then this attempt's parts were removed).
    AlreadyPublished { attempt: String, path: PathBuf },
}

fn read_manifest(path: &Path) -> Result<Option<ShardManifest>, ShardError> {
    match fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| ShardError::Invalid {
                path: path.to_path_buf(),
                message: e.to_string(),
            }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ShardError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Runs shard `shard` of `plan` with `threads` workers.
pub fn run_shard(
    plan: &Plan,
    shard: u32,
    threads: usize,
    progress: &dyn Progress,
) -> Result<ShardOutcome, ShardError> {
    let manifest_path = plan.manifest_path(shard);
    if let Some(m) = read_manifest(&manifest_path)? {
        return Ok(ShardOutcome::AlreadyPublished {
            attempt: m.attempt,
            path: manifest_path,
        });
    }
    let cfg = plan.config(threads);
    let attempt = store::unique_suffix();
    let tag = format!("{}-{shard:05}-{attempt}", plan.run);
    let entries = plan.entries(shard)?;
    let (summary, parts) = pipeline::run_parts(&cfg, &entries, &plan.run, &tag, progress)?;
    let files = parts.iter().map(|p| shard_file(&cfg.output, p)).collect();
    let st = |s| summary.by_status.get(&s).copied().unwrap_or(0);
    let manifest = ShardManifest {
        run: plan.run.clone(),
        shard,
        shards: plan.shards,
        attempt: attempt.clone(),
        fingerprint: summary.fingerprint.clone(),
        finished: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        elapsed_seconds: (summary.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        documents: summary.documents,
        ok: st(crate::model::Status::Ok),
        partial: st(crate::model::Status::Partial),
        rejected: st(crate::model::Status::Rejected),
        duplicates: summary.duplicates,
        bytes: summary.bytes,
        processed_bytes: summary.processed_bytes,
        rows: summary
            .rows
            .iter()
            .map(|(d, n)| (d.name().to_string(), *n))
            .collect(),
        files,
    };
    let mut text = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
    text.push(b'\n');
    let published =
        store::put_if_absent(&manifest_path, &text).map_err(|source| ShardError::Write {
            path: manifest_path.clone(),
            source,
        })?;
    if !published {
        // Another attempt won while this one ran: its parts are the shard's,
        // these would only be orphans.
        for p in &parts {
            let _ = fs::remove_file(&p.path);
        }
        let winner = read_manifest(&manifest_path)?
            .map(|m| m.attempt)
            .unwrap_or_default();
        return Ok(ShardOutcome::AlreadyPublished {
            attempt: winner,
            path: manifest_path,
        });
    }
    Ok(ShardOutcome::Published {
        manifest,
        summary: Box::new(summary),
    })
}

fn shard_file(output: &Path, p: &WrittenPart) -> ShardFile {
    let table = output.join(p.dataset.name());
    let rel = p
        .path
        .strip_prefix(&table)
        .unwrap_or(&p.path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let modified_ms = fs::metadata(&p.path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    ShardFile {
        dataset: p.dataset.name().to_string(),
        path: rel,
        fiscal_year: p.fiscal_year,
        rows: p.rows,
        bytes: p.bytes,
        modified_ms,
    }
}

/// What a commit did, table by table.
pub struct Committed {
    pub run: String,
    pub output: PathBuf,
    pub tables: Vec<(Dataset, Commit)>,
    pub manifests: Vec<ShardManifest>,
}

impl Committed {
    /// True when every table already held the run.
    pub fn was_already_committed(&self) -> bool {
        self.tables
            .iter()
            .all(|(_, c)| matches!(c, Commit::AlreadyThere { .. }))
    }

    pub fn render(&self) -> String {
        let sum = |f: fn(&ShardManifest) -> usize| self.manifests.iter().map(f).sum::<usize>();
        let versions: Vec<String> = self
            .tables
            .iter()
            .map(|(d, c)| format!("{} v{}", d.name(), c.version()))
            .collect();
        format!(
            "juesuan: run {} {} from {} shards: {} ({} ok, {} partial, {} rejected)\n  tables: {}\n  output: {}\n",
            self.run,
            if self.was_already_committed() {
                "was already committed"
            } else {
                "committed"
            },
            self.manifests.len(),
            pipeline::count(sum(|m| m.documents), "document"),
            sum(|m| m.ok),
            sum(|m| m.partial),
            sum(|m| m.rejected),
            versions.join(", "),
            self.output.display()
        )
    }

    /// The run record of `_runs/<run>.json`.
    pub fn record(&self, plan: &Plan) -> serde_json::Value {
        let sum = |f: fn(&ShardManifest) -> usize| self.manifests.iter().map(f).sum::<usize>();
        let sum64 = |f: fn(&ShardManifest) -> u64| self.manifests.iter().map(f).sum::<u64>();
        let mut rows: BTreeMap<&str, u64> = BTreeMap::new();
        for m in &self.manifests {
            for (d, n) in &m.rows {
                *rows.entry(d.as_str()).or_default() += n;
            }
        }
        let tables: BTreeMap<&str, u64> = self
            .tables
            .iter()
            .map(|(d, c)| (d.name(), c.version()))
            .collect();
        serde_json::json!({
            "run_id": self.run,
            "juesuan_version": env!("CARGO_PKG_VERSION"),
            "mode": "sharded",
            "fingerprint": plan.fingerprint,
            "finished": humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            "shards": plan.shards,
            "documents": sum(|m| m.documents),
            "ok": sum(|m| m.ok),
            "partial": sum(|m| m.partial),
            "rejected": sum(|m| m.rejected),
            "duplicates": sum(|m| m.duplicates),
            "bytes": sum64(|m| m.bytes),
            "processed_bytes": sum64(|m| m.processed_bytes),
            "skipped_by_patterns": {"patterns": plan.settings.patterns, "count": plan.skipped},
            "rows": rows,
            "table_versions": tables,
            "output": self.output.display().to_string(),
        })
    }
}

/// Commits the run of `plan`: all shards published with the plan's settings,
/// then one Delta transaction per dataset, then `_runs/<run>.json`.
pub fn commit(plan: &Plan) -> Result<Committed, ShardError> {
    let mut manifests = Vec::new();
    let mut missing = Vec::new();
    for k in 0..plan.shards {
        match read_manifest(&plan.manifest_path(k))? {
            Some(m) => manifests.push(m),
            None => missing.push(k),
        }
    }
    if !missing.is_empty() {
        let mut list: Vec<String> = missing.iter().take(20).map(|k| k.to_string()).collect();
        if missing.len() > 20 {
            list.push("…".into());
        }
        return Err(ShardError::MissingShards {
            run: plan.run.clone(),
            missing: missing.len(),
            shards: plan.shards,
            list: list.join(", "),
            dir: plan.dir().join("shards"),
        });
    }
    if let Some(m) = manifests.iter().find(|m| m.fingerprint != plan.fingerprint) {
        return Err(ShardError::MixedSettings {
            run: plan.run.clone(),
            shard: m.shard,
            theirs: m.fingerprint.clone(),
            ours: plan.fingerprint.clone(),
            manifest: plan.manifest_path(m.shard),
        });
    }
    let mut tables = Vec::new();
    for d in plan.config(1).datasets {
        let files: Vec<DataFile> = manifests
            .iter()
            .flat_map(|m| m.files.iter())
            .filter(|f| f.dataset == d.name())
            .map(|f| DataFile {
                path: f.path.clone(),
                bytes: f.bytes,
                rows: f.rows,
                fiscal_year: f.fiscal_year,
                modified_ms: f.modified_ms,
            })
            .collect();
        let schema = d.schema();
        let info = TableInfo {
            name: d.name(),
            description: d.about(),
            schema: &schema,
        };
        let c = delta::replace_all(
            &plan.output.join(d.name()),
            &info,
            &files,
            plan.txn_version,
            &plan.run,
        )?;
        tables.push((d, c));
    }
    let committed = Committed {
        run: plan.run.clone(),
        output: plan.output.clone(),
        tables,
        manifests,
    };
    let record = plan.output.join("_runs").join(format!("{}.json", plan.run));
    let mut text =
        serde_json::to_vec_pretty(&committed.record(plan)).expect("run record serialises");
    text.push(b'\n');
    // A repeated commit keeps the first record: it holds the versions made.
    store::put_if_absent(&record, &text).map_err(|source| ShardError::Write {
        path: record,
        source,
    })?;
    Ok(committed)
}
