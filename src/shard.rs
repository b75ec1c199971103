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
//!
//! Input and output are local folders or object storage (see `store`). A
//! shard whose input or output is in object storage works in a local
//! temporary folder: it downloads its documents there (the pipeline reads
//! files), writes its parts there and uploads them before publishing.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::config::{Compression, Config, Patterns};
use crate::delta::{self, Commit, DataFile, DeltaError, TableInfo};
use crate::document;
use crate::emit::{Dataset, WrittenPart};
use crate::incremental::fingerprint;
use crate::pipeline::{self, Entry, Found, Progress, RunError, Skipped, Summary};
use crate::store::{self, Store, StoreError};

#[derive(Debug, Error)]
pub enum ShardError {
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Delta(#[from] DeltaError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the local working folder {path}: {source}")]
    Local { path: PathBuf, source: io::Error },
    #[error(
        "no plan at {0}: give the run folder `juesuan plan` printed (<output>/_juesuan/runs/<run>) or its plan.json"
    )]
    NoPlan(String),
    #[error("{0}: a plan of this run exists already")]
    PlanExists(String),
    #[error("{path} is not a plan or shard manifest of this juesuan: {message}")]
    Invalid { path: String, message: String },
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
        plan: String,
    },
    #[error(
        "run {run}: {missing} of {shards} shards not published yet (shard {list}; their manifests are missing in {dir}); nothing was committed, the tables are as they were"
    )]
    MissingShards {
        run: String,
        missing: usize,
        shards: u32,
        list: String,
        dir: String,
    },
    #[error(
        "run {run}: shard {shard} was made with other settings or another juesuan ({theirs}) than the plan ({ours}); run that shard again with this plan's juesuan (after removing {manifest}); nothing was committed"
    )]
    MixedSettings {
        run: String,
        shard: u32,
        theirs: String,
        ours: String,
        manifest: String,
    },
    #[error(
        "output {0} holds the datasets of a plain `juesuan run` (no Delta log): sharded runs write Delta tables; use another output folder"
    )]
    PlainOutput(PathBuf),
}

/// Where a sharded run keeps its plan and shard manifests, under the output.
pub const RUNS: &str = "_juesuan/runs";

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
    /// The object's ETag, for input in object storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
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
    /// The input location: an absolute folder or an object-storage URL.
    pub input: String,
    /// The output location, likewise.
    pub output: String,
    pub fingerprint: String,
    settings: Settings,
    /// Files under the input the patterns left out.
    pub skipped: usize,
    pub documents: usize,
    /// Documents read to key them; the others kept the key of the previous
    /// committed run (same path, size and modification time or ETag).
    pub hashed: usize,
    pub bytes: u64,
    /// Documents of each shard, listed in `inputs/<K>.json`: a shard reads
    /// its own list, not the whole archive's.
    pub documents_per_shard: Vec<usize>,
}

impl Plan {
    /// The run folder, relative to the output.
    fn key(&self) -> String {
        format!("{RUNS}/{}", self.run)
    }

    /// The run folder: a path or a URL.
    pub fn dir(&self) -> String {
        match Store::open(&self.output) {
            Ok(out) => out.display(&self.key()),
            Err(_) => format!("{}/{}", self.output, self.key()),
        }
    }

    fn inputs_key(&self, shard: u32) -> String {
        format!("{}/inputs/{shard}.json", self.key())
    }

    fn manifest_key(&self, shard: u32) -> String {
        format!("{}/shards/{shard}.json", self.key())
    }

    /// Reads a plan from its run folder or its `plan.json` (paths or URLs).
    pub fn load(location: &str) -> Result<Plan, ShardError> {
        let location = location.trim_end_matches('/');
        let (dir, file) = match location.rsplit_once('/') {
            Some((dir, file)) if file.ends_with(".json") => (dir, file),
            None if location.ends_with(".json") => (".", location),
            _ => (location, "plan.json"),
        };
        let store = Store::open(dir)?;
        let text = store
            .get(file)?
            .ok_or_else(|| ShardError::NoPlan(store.display(file)))?;
        serde_json::from_slice(&text).map_err(|e| ShardError::Invalid {
            path: store.display(file),
            message: e.to_string(),
        })
    }

    /// The configuration every shard runs with (`threads` its own). Its
    /// input and output are the plan's when local.
    pub fn config(&self, threads: usize) -> Config {
        let compression = match self.settings.compression.strip_prefix("zstd:") {
            Some(l) => Compression::Zstd(l.parse().unwrap_or(3)),
            None => Compression::None,
        };
        Config {
            input: PathBuf::from(&self.input),
            patterns: self.settings.patterns.clone(),
            max_document_bytes: self.settings.max_document_bytes,
            output: PathBuf::from(&self.output),
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
    fn documents_of(&self, out: &Store, shard: u32) -> Result<Vec<PlannedDocument>, ShardError> {
        let key = self.inputs_key(shard);
        let text = out
            .get(&key)?
            .ok_or_else(|| ShardError::NoPlan(out.display(&key)))?;
        serde_json::from_slice(&text).map_err(|e| ShardError::Invalid {
            path: out.display(&key),
            message: e.to_string(),
        })
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
    etag: Option<String>,
    key: String,
}

impl KnownKey {
    /// The same file as before: same size, and same ETag (object storage,
    /// where a copy keeps no modification time) or modification time.
    fn still(&self, bytes: u64, modified_ns: i128, etag: Option<&str>) -> Option<&str> {
        let same = self.bytes == bytes
            && match (self.etag.as_deref(), etag) {
                (Some(a), Some(b)) => a == b,
                (None, None) => self.modified_ns == modified_ns && modified_ns != 0,
                _ => false,
            };
        same.then_some(self.key.as_str())
    }
}

/// The keys of the latest committed sharded run into `output`, by path: a
/// file with the same size and modification time (or ETag) is not read again.
fn previous_keys(output: &Store) -> Result<HashMap<String, KnownKey>, ShardError> {
    let records = output.list("_runs")?;
    let mut run = None;
    for r in records.iter().rev().filter(|r| r.key.ends_with(".json")) {
        let Some(bytes) = output.get(&r.key)? else {
            continue;
        };
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        if v["mode"] == "sharded"
            && let Some(id) = v["run_id"].as_str()
        {
            run = Some(id.to_string());
            break;
        }
    }
    let mut keys = HashMap::new();
    let Some(run) = run else { return Ok(keys) };
    let lists: Vec<String> = output
        .list(&format!("{RUNS}/{run}/inputs"))?
        .into_iter()
        .map(|l| l.key)
        .collect();
    output.get_each(&lists, |_, bytes| {
        let Some(docs) =
            bytes.and_then(|t| serde_json::from_slice::<Vec<PlannedDocument>>(&t).ok())
        else {
            return Ok::<(), ShardError>(());
        };
        for d in docs {
            if d.problem.is_none() && (d.modified_ns != 0 || d.etag.is_some()) {
                keys.insert(
                    d.path,
                    KnownKey {
                        bytes: d.bytes,
                        modified_ns: d.modified_ns,
                        etag: d.etag,
                        key: d.key,
                    },
                );
            }
        }
        Ok(())
    })?;
    Ok(keys)
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
    if let Some(k) = known.and_then(|k| k.still(meta.len(), modified, None)) {
        return (k.to_string(), meta.len(), modified, false);
    }
    match fs::read(&e.path) {
        Ok(bytes) if bytes.len() as u64 <= max_bytes => {
            (document::doc_id(&bytes), meta.len(), modified, true)
        }
        _ => (by_path(), meta.len(), modified, true),
    }
}

fn shard_of(key: &str, shards: u32) -> u32 {
    (u64::from_str_radix(key, 16).unwrap_or(0) % shards as u64) as u32
}

/// Keys the files of a local input folder, reading them on `cfg.threads`.
fn plan_local(
    cfg: &Config,
    root: &Path,
    shards: u32,
    known: &HashMap<String, KnownKey>,
) -> Result<(Vec<PlannedDocument>, usize, Skipped), ShardError> {
    let found = pipeline::find_documents(root, &cfg.patterns)?;
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
    let planned: Vec<(PlannedDocument, bool)> = pool.install(|| {
        found
            .entries
            .par_iter()
            .map(|e| {
                let (key, bytes, modified_ns, read) = content_key(e, max, known.get(&e.rel));
                let d = PlannedDocument {
                    path: e.rel.clone(),
                    bytes,
                    modified_ns,
                    etag: None,
                    shard: shard_of(&key, shards),
                    key,
                    problem: e.problem.clone(),
                };
                (d, read)
            })
            .collect()
    });
    let hashed = planned.iter().filter(|(_, read)| *read).count();
    Ok((
        planned.into_iter().map(|(d, _)| d).collect(),
        hashed,
        found.skipped,
    ))
}

/// Keys the objects under an object-storage input: listed with their size
/// and ETag; only those new or changed since the previous run are fetched.
fn plan_remote(
    cfg: &Config,
    input: &Store,
    shards: u32,
    known: &HashMap<String, KnownKey>,
) -> Result<(Vec<PlannedDocument>, usize, Skipped), ShardError> {
    let patterns = Patterns::new(&cfg.patterns).map_err(|e| RunError::Patterns(e.to_string()))?;
    let mut skipped = Skipped::default();
    let mut docs = Vec::new();
    for o in input.list("")? {
        let name = o.key.rsplit('/').next().unwrap_or_default();
        // Keys ending in `/` are folder markers some tools create.
        if name.is_empty() {
            continue;
        }
        if !patterns.matches(name) {
            skipped.add(name);
            continue;
        }
        let modified_ns = o.modified_ms as i128 * 1_000_000;
        let known_key = known
            .get(&o.key)
            .and_then(|k| k.still(o.size, modified_ns, o.etag.as_deref()));
        let key = match known_key {
            Some(k) => k.to_string(),
            // Refused unread by its shard, as a local file would be.
            None if o.size > cfg.max_document_bytes => document::doc_id(o.key.as_bytes()),
            None => String::new(),
        };
        docs.push(PlannedDocument {
            path: o.key,
            bytes: o.size,
            modified_ns,
            etag: o.etag,
            shard: 0,
            key,
            problem: None,
        });
    }
    if docs.is_empty() {
        let found = Found {
            entries: Vec::new(),
            skipped,
        };
        return Err(RunError::no_documents(cfg, &found).into());
    }
    let unkeyed: Vec<usize> = (0..docs.len())
        .filter(|&i| docs[i].key.is_empty())
        .collect();
    let rels: Vec<String> = unkeyed.iter().map(|&i| docs[i].path.clone()).collect();
    input.get_each(&rels, |j, bytes| {
        let d = &mut docs[unkeyed[j]];
        d.key = match bytes {
            Some(b) => document::doc_id(&b),
            // Deleted since listed: its shard will say it cannot be read.
            None => document::doc_id(d.path.as_bytes()),
        };
        Ok::<(), ShardError>(())
    })?;
    for d in &mut docs {
        d.shard = shard_of(&d.key, shards);
    }
    Ok((docs, unkeyed.len(), skipped))
}

/// Lists `input` into a plan of `shards` shards under `output` (folders or
/// URLs); `cfg` gives the patterns, datasets and settings.
pub fn plan(cfg: &Config, input: &str, output: &str, shards: u32) -> Result<Plan, ShardError> {
    let shards = shards.max(1);
    let inp = Store::open(input)?;
    let out = Store::open(output)?;
    if let Some(root) = out.local_root() {
        refuse_plain_output(root)?;
    }
    let known = previous_keys(&out)?;
    let (documents, hashed, skipped) = match inp.local_root() {
        Some(root) => plan_local(cfg, root, shards, &known)?,
        None => plan_remote(cfg, &inp, shards, &known)?,
    };
    let now = SystemTime::now();
    let location = |s: &Store| match s.local_root() {
        Some(p) => std::path::absolute(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .display()
            .to_string(),
        None => s.name().to_string(),
    };
    let plan = Plan {
        run: new_run_id(now),
        txn_version: now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default(),
        shards,
        input: location(&inp),
        output: location(&out),
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
        skipped: skipped.count,
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
        let text = serde_json::to_vec(list).expect("inputs serialise");
        out.put_if_absent(&plan.inputs_key(k as u32), &text)?;
    }
    let key = format!("{}/plan.json", plan.key());
    let text = serde_json::to_vec(&plan).expect("plan serialises");
    if out.put_if_absent(&key, &text)? {
        Ok(plan)
    } else {
        Err(ShardError::PlanExists(out.display(&key)))
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
pub fn parse_shard(spec: &str, plan: &Plan, plan_path: &str) -> Result<u32, ShardError> {
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
            plan: plan_path.to_string(),
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
    /// Another attempt had published it: before this one started, or while
    /// it ran (`raced`: then this attempt lost at put-if-absent and its parts
    /// were removed).
    AlreadyPublished {
        attempt: String,
        path: String,
        raced: bool,
    },
}

fn read_manifest(out: &Store, key: &str) -> Result<Option<ShardManifest>, ShardError> {
    match out.get(key)? {
        Some(text) => serde_json::from_slice(&text)
            .map(Some)
            .map_err(|e| ShardError::Invalid {
                path: out.display(key),
                message: e.to_string(),
            }),
        None => Ok(None),
    }
}

/// The local folder of a shard whose input or output is in object storage:
/// its documents and parts, removed when the attempt ends however it ends.
pub(crate) struct WorkFolder(pub(crate) PathBuf);

impl WorkFolder {
    pub(crate) fn new(name: &str) -> Result<WorkFolder, ShardError> {
        let path = std::env::temp_dir().join(name);
        fs::create_dir_all(&path).map_err(|source| ShardError::Local {
            path: path.clone(),
            source,
        })?;
        Ok(WorkFolder(path))
    }
}

impl Drop for WorkFolder {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Fetches a shard's documents from object storage into `dir`, under their
/// relative paths. A document deleted since planning is left absent (its
/// row then says it cannot be read); one over the size limit becomes an
/// empty sparse file of its size, refused unread with the same message as a
/// local file.
fn download(
    input: &Store,
    docs: &[PlannedDocument],
    dir: &Path,
    max_bytes: u64,
) -> Result<(), ShardError> {
    let local_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ShardError::Local { path, source }
    };
    let mut wanted = Vec::new();
    for d in docs.iter().filter(|d| d.problem.is_none()) {
        let path = dir.join(&d.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(local_err(parent))?;
        }
        if d.bytes > max_bytes {
            fs::File::create(&path)
                .and_then(|f| f.set_len(d.bytes))
                .map_err(local_err(&path))?;
        } else {
            wanted.push(d.path.clone());
        }
    }
    input.get_each(&wanted, |i, bytes| {
        if let Some(b) = bytes {
            let path = dir.join(&wanted[i]);
            fs::write(&path, b).map_err(local_err(&path))?;
        }
        Ok::<(), ShardError>(())
    })
}

/// Runs shard `shard` of `plan` with `threads` workers.
pub fn run_shard(
    plan: &Plan,
    shard: u32,
    threads: usize,
    progress: &dyn Progress,
) -> Result<ShardOutcome, ShardError> {
    let out = Store::open(&plan.output)?;
    let input = Store::open(&plan.input)?;
    let manifest_key = plan.manifest_key(shard);
    if let Some(m) = read_manifest(&out, &manifest_key)? {
        return Ok(ShardOutcome::AlreadyPublished {
            attempt: m.attempt,
            path: out.display(&manifest_key),
            raced: false,
        });
    }
    let mut cfg = plan.config(threads);
    let attempt = store::unique_suffix();
    let tag = format!("{}-{shard:05}-{attempt}", plan.run);
    let docs = plan.documents_of(&out, shard)?;
    let work = if input.local_root().is_none() || out.local_root().is_none() {
        Some(WorkFolder::new(&format!("juesuan-shard-{tag}"))?)
    } else {
        None
    };
    if let (None, Some(w)) = (input.local_root(), &work) {
        cfg.input = w.0.join("input");
        download(&input, &docs, &cfg.input, cfg.max_document_bytes)?;
    }
    if let (None, Some(w)) = (out.local_root(), &work) {
        cfg.output = w.0.join("output");
    }
    let entries: Vec<Entry> = docs
        .into_iter()
        .map(|d| Entry {
            path: cfg.input.join(&d.path),
            rel: d.path,
            problem: d.problem,
        })
        .collect();
    let (mut summary, parts) = pipeline::run_parts(&cfg, &entries, &plan.run, &tag, progress)?;
    summary.output = PathBuf::from(&plan.output);
    let mut files: Vec<ShardFile> = parts.iter().map(|p| shard_file(&cfg.output, p)).collect();
    // Parts written locally for object storage are uploaded before the
    // manifest that names them is published.
    let uploaded = out.local_root().is_none();
    let remove_parts = |files: &[ShardFile]| -> Result<(), ShardError> {
        for (p, f) in parts.iter().zip(files) {
            if uploaded {
                out.delete(&format!("{}/{}", f.dataset, f.path))?;
            } else {
                let _ = fs::remove_file(&p.path);
            }
        }
        Ok(())
    };
    if uploaded {
        let mut done: Vec<String> = Vec::new();
        for (p, f) in parts.iter().zip(files.iter_mut()) {
            let bytes = fs::read(&p.path).map_err(|source| ShardError::Local {
                path: p.path.clone(),
                source,
            })?;
            let key = format!("{}/{}", f.dataset, f.path);
            if let Err(e) = out.put(&key, &bytes) {
                // The parts already up would only be orphans.
                for k in &done {
                    let _ = out.delete(k);
                }
                return Err(e.into());
            }
            f.modified_ms = now_ms();
            done.push(key);
        }
    }
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
        files: files.clone(),
    };
    let mut text = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
    text.push(b'\n');
    let published = match out.put_if_absent(&manifest_key, &text) {
        Ok(p) => p,
        Err(e) => {
            let _ = remove_parts(&files);
            return Err(e.into());
        }
    };
    if !published {
        // Another attempt won while this one ran: its parts are the shard's,
        // these would only be orphans.
        remove_parts(&files)?;
        let winner = read_manifest(&out, &manifest_key)?
            .map(|m| m.attempt)
            .unwrap_or_default();
        return Ok(ShardOutcome::AlreadyPublished {
            attempt: winner,
            path: out.display(&manifest_key),
            raced: true,
        });
    }
    Ok(ShardOutcome::Published {
        manifest,
        summary: Box::new(summary),
    })
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
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
    pub output: String,
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
            self.output
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
            "output": self.output,
        })
    }
}

/// Commits the run of `plan`: all shards published with the plan's settings,
/// then one Delta transaction per dataset, then `_runs/<run>.json`.
pub fn commit(plan: &Plan) -> Result<Committed, ShardError> {
    let out = Store::open(&plan.output)?;
    let mut manifests = Vec::new();
    let mut missing = Vec::new();
    for k in 0..plan.shards {
        match read_manifest(&out, &plan.manifest_key(k))? {
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
            dir: out.display(&format!("{}/shards", plan.key())),
        });
    }
    if let Some(m) = manifests.iter().find(|m| m.fingerprint != plan.fingerprint) {
        return Err(ShardError::MixedSettings {
            run: plan.run.clone(),
            shard: m.shard,
            theirs: m.fingerprint.clone(),
            ours: plan.fingerprint.clone(),
            manifest: out.display(&plan.manifest_key(m.shard)),
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
            &out.child(d.name()),
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
    let mut text =
        serde_json::to_vec_pretty(&committed.record(plan)).expect("run record serialises");
    text.push(b'\n');
    // A repeated commit keeps the first record: it holds the versions made.
    out.put_if_absent(&format!("_runs/{}.json", plan.run), &text)?;
    Ok(committed)
}
