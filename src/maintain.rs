//! Upkeep of the Delta tables of sharded runs. `vacuum` removes the Parquet
//! files no current table version references (earlier runs' files, parts of
//! crashed or abandoned attempts) once they are older than a retention, but
//! not the parts of published shards of a run still to be committed;
//! `optimize` compacts each fiscal year's live files into one, in one Delta
//! version per table that changes no row.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use thiserror::Error;

use crate::config::Compression;
use crate::delta::{self, DataFile, DeltaError, Rewrite, Unreferenced};
use crate::emit::{Dataset, EmitError, Emitter, Provenance};
use crate::shard::{self, Plan, ShardError, ShardManifest, WorkFolder};
use crate::store::{self, Store, StoreError};

#[derive(Debug, Error)]
pub enum MaintainError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Delta(#[from] DeltaError),
    #[error(transparent)]
    Emit(#[from] EmitError),
    #[error(transparent)]
    Work(#[from] ShardError),
    #[error("cannot read Parquet file {location}: {message}")]
    Parquet { location: String, message: String },
    #[error("cannot read {path}: {source}")]
    Local {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{location} is live in its Delta table but missing: the table is damaged; nothing was compacted"
    )]
    Missing { location: String },
    #[error(
        "{0} holds no Delta table (no <dataset>/_delta_log): vacuum and optimize keep the tables of sharded runs (juesuan plan / commit)"
    )]
    NoTables(String),
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// What vacuum found (and removed unless a dry run), table by table.
pub struct Vacuumed {
    pub output: String,
    pub dry_run: bool,
    pub retain: Duration,
    pub tables: Vec<(Dataset, Vec<Unreferenced>)>,
}

impl Vacuumed {
    pub fn render(&self) -> String {
        let files: usize = self.tables.iter().map(|(_, u)| u.len()).sum();
        let bytes: u64 = self
            .tables
            .iter()
            .flat_map(|(_, u)| u)
            .map(|u| u.bytes)
            .sum();
        let mut s = format!(
            "juesuan: vacuum {}: {} file{} ({:.1} MB) unreferenced for more than {} h{}\n",
            self.output,
            files,
            if files == 1 { "" } else { "s" },
            bytes as f64 / 1e6,
            self.retain.as_secs_f64() / 3600.0,
            if self.dry_run {
                ", would be removed (dry run: nothing removed)"
            } else {
                ", removed"
            }
        );
        for (d, list) in &self.tables {
            for u in list {
                s.push_str(&format!(
                    "  {}/{} ({})\n",
                    d.name(),
                    u.path,
                    if u.was_committed {
                        "removed from the table by a later version"
                    } else {
                        "never committed"
                    }
                ));
            }
        }
        s
    }

    pub fn json(&self) -> serde_json::Value {
        let files: Vec<serde_json::Value> = self
            .tables
            .iter()
            .flat_map(|(d, list)| {
                list.iter().map(move |u| {
                    serde_json::json!({
                        "dataset": d.name(),
                        "path": u.path,
                        "bytes": u.bytes,
                        "was_committed": u.was_committed,
                    })
                })
            })
            .collect();
        serde_json::json!({
            "output": self.output,
            "dry_run": self.dry_run,
            "retain_hours": self.retain.as_secs_f64() / 3600.0,
            "files": files,
        })
    }
}

/// Removes (or with `dry_run` lists) the files of every table under
/// `output` that no current version references and that have been
/// unreferenced for longer than `retain`, except the parts of published
/// shards of a run that may still be committed.
pub fn vacuum(output: &str, retain: Duration, dry_run: bool) -> Result<Vacuumed, MaintainError> {
    let out = Store::open(output)?;
    let cutoff = now_ms() - retain.as_millis() as i64;
    let mut tables = Vec::new();
    let mut oldest_run = i64::MAX;
    for d in Dataset::ALL {
        let table = out.child(d.name());
        let snap = delta::snapshot(&table)?;
        if snap.version.is_some() {
            let run = snap.transactions.get(delta::APP_ID).copied().unwrap_or(0);
            oldest_run = oldest_run.min(run);
            tables.push((d, table));
        }
    }
    if tables.is_empty() {
        return Err(MaintainError::NoTables(out.name().to_string()));
    }
    let pending = pending_parts(&out, oldest_run)?;
    let mut found = Vec::new();
    for (d, table) in tables {
        let list: Vec<Unreferenced> = delta::unreferenced(&table, cutoff)?
            .into_iter()
            .filter(|u| !pending.contains(&(d.name().to_string(), u.path.clone())))
            .collect();
        if !dry_run {
            for u in &list {
                table.delete(&u.path)?;
            }
        }
        found.push((d, list));
    }
    Ok(Vacuumed {
        output: out.name().to_string(),
        dry_run,
        retain,
        tables: found,
    })
}

/// (dataset, path in its table) of every part named by a published shard of
/// a run planned after `committed` (the oldest run the tables hold): such a
/// run may still be committed, however long its shards take, and its parts
/// must outlive any retention. An older run would be refused as stale, so its
/// parts are left to the retention.
fn pending_parts(out: &Store, committed: i64) -> Result<BTreeSet<(String, String)>, MaintainError> {
    let mut manifests: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in out.list(shard::RUNS)? {
        let rel = l.key.strip_prefix(shard::RUNS).unwrap_or(&l.key);
        if let Some((run, file)) = rel.trim_start_matches('/').split_once("/shards/")
            && file.ends_with(".json")
        {
            manifests
                .entry(run.to_string())
                .or_default()
                .push(l.key.clone());
        }
    }
    let mut pending = BTreeSet::new();
    for (run, keys) in manifests {
        let plan_key = format!("{}/{run}/plan.json", shard::RUNS);
        let plan: Option<Plan> = out
            .get(&plan_key)?
            .and_then(|b| serde_json::from_slice(&b).ok());
        // A run folder whose plan cannot be read is kept whole: better a file
        // too many than a run that cannot be committed.
        if plan.is_some_and(|p| p.txn_version <= committed) {
            continue;
        }
        for key in keys {
            let Some(m) = out
                .get(&key)?
                .and_then(|b| serde_json::from_slice::<ShardManifest>(&b).ok())
            else {
                continue;
            };
            pending.extend(m.files.into_iter().map(|f| (f.dataset, f.path)));
        }
    }
    Ok(pending)
}

/// What optimize did to one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Optimized {
    /// `files` live files compacted into `into`, committed as `version`.
    Compacted {
        files: usize,
        into: usize,
        version: u64,
    },
    /// Every fiscal year already has one file.
    AlreadyCompact { version: u64 },
    /// A run was committed meanwhile and replaced the files: nothing done.
    Superseded,
}

/// Compacts the live files of each table under `output` (of `datasets`),
/// one file per fiscal year, written with `compression`.
pub fn optimize(
    output: &str,
    datasets: &[Dataset],
    compression: Compression,
    row_group_rows: usize,
) -> Result<Vec<(Dataset, Optimized)>, MaintainError> {
    let out = Store::open(output)?;
    let mut done = Vec::new();
    for &d in datasets {
        let table = out.child(d.name());
        let snap = delta::snapshot(&table)?;
        let Some(version) = snap.version else {
            continue;
        };
        // Files by fiscal-year folder, as the shards wrote them.
        let mut years: BTreeMap<Option<i32>, Vec<String>> = BTreeMap::new();
        for logged in snap.files.keys() {
            let path = store::percent_decode(logged);
            let Some(year) = path
                .split_once('/')
                .and_then(|(dir, _)| dir.strip_prefix("fiscal_year="))
            else {
                continue;
            };
            let year = match year {
                "__HIVE_DEFAULT_PARTITION__" => None,
                y => match y.parse() {
                    Ok(y) => Some(y),
                    Err(_) => continue,
                },
            };
            years.entry(year).or_default().push(logged.clone());
        }
        years.retain(|_, files| files.len() > 1);
        if years.is_empty() {
            done.push((d, Optimized::AlreadyCompact { version }));
            continue;
        }
        let outcome = compact(&table, d, &years, compression, row_group_rows)?;
        done.push((d, outcome));
    }
    if done.is_empty() {
        return Err(MaintainError::NoTables(out.name().to_string()));
    }
    Ok(done)
}

fn compact(
    table: &Store,
    d: Dataset,
    years: &BTreeMap<Option<i32>, Vec<String>>,
    compression: Compression,
    row_group_rows: usize,
) -> Result<Optimized, MaintainError> {
    let id = format!("optimize-{}", store::unique_suffix());
    let work = WorkFolder::new(&format!("juesuan-{id}"))?;
    let mut emitter = Emitter::create_parts(
        &work.0,
        &[d],
        compression,
        row_group_rows,
        Provenance {
            run_id: &id,
            settings: "compacted by juesuan optimize",
        },
        &id,
    )?;
    let schema = d.schema();
    for (year, files) in years {
        for logged in files {
            let rel = store::percent_decode(logged);
            let location = table.display(&rel);
            let bytes = table.get(&rel)?.ok_or_else(|| MaintainError::Missing {
                location: location.clone(),
            })?;
            let parquet_err = |e: &dyn std::fmt::Display| MaintainError::Parquet {
                location: location.clone(),
                message: e.to_string(),
            };
            let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
                .and_then(|b| b.build())
                .map_err(|e| parquet_err(&e))?;
            for batch in reader {
                let batch = batch.map_err(|e| parquet_err(&e))?;
                // The file's own schema may carry other metadata; the
                // dataset's is what the table declares.
                let batch = RecordBatch::try_new(schema.clone(), batch.columns().to_vec())
                    .map_err(|e| parquet_err(&e))?;
                emitter.write(d, *year, &batch)?;
            }
        }
    }
    let parts = emitter.finish_parts()?;
    let table_dir = work.0.join(d.name());
    let mut new = Vec::new();
    for p in &parts {
        let rel = p
            .path
            .strip_prefix(&table_dir)
            .unwrap_or(&p.path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = std::fs::read(&p.path).map_err(|source| MaintainError::Local {
            path: p.path.clone(),
            source,
        })?;
        table.put(&rel, &bytes)?;
        new.push(DataFile {
            path: rel,
            bytes: p.bytes,
            rows: p.rows,
            fiscal_year: p.fiscal_year,
            modified_ms: now_ms(),
        });
    }
    let old: Vec<String> = years.values().flatten().cloned().collect();
    match delta::rewrite(table, &old, &new)? {
        Rewrite::Written { version } => Ok(Optimized::Compacted {
            files: old.len(),
            into: new.len(),
            version,
        }),
        Rewrite::Superseded => {
            for f in &new {
                table.delete(&f.path)?;
            }
            Ok(Optimized::Superseded)
        }
    }
}
