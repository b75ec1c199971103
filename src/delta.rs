//! Delta Lake tables: the transaction log that publishes a sharded run's
//! Parquet parts, one dataset a table (`<output>/<dataset>/_delta_log/`).
//!
//! Only what juesuan needs is written, by hand, as the protocol describes it
//! (PROTOCOL.md of delta-io/delta): reader version 1, writer version 2, no
//! table features. A commit is one JSON file `_delta_log/<version>.json`
//! created with put-if-absent, so of two committers one wins and the other
//! reads the log again; it removes every file of the previous version and adds
//! the run's, so readers see the previous run or the new one, never a mix.
//! An application transaction (`txn`, app id `juesuan`, version = the run's
//! planning time in ms) makes a repeated commit of a run a no-op and refuses
//! to put an older run over a newer one.
//!
//! The tables are not partitioned in the Delta sense although the files sit
//! in Hive folders (`fiscal_year=2024/`): the files hold `fiscal_year` as a
//! column, and Delta readers take partition values from the log, not from
//! the file; each file's statistics give its one `fiscal_year`, which skips
//! files as well as partitions would.
//!
//! The log is replayed from its JSON commits; a table whose log another tool
//! checkpointed is refused rather than misread.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use arrow_schema::{DataType, Field, Schema};
use serde_json::{Value, json};
use thiserror::Error;

use crate::store::{self, Store, StoreError};

/// The application id of juesuan's transactions in every table.
pub const APP_ID: &str = "juesuan";

#[derive(Debug, Error)]
pub enum DeltaError {
    #[error("cannot read or write the Delta table: {0}")]
    Store(#[from] StoreError),
    #[error("Delta log {path} is not valid: {message}")]
    Invalid { path: String, message: String },
    #[error(
        "Delta table {table} has a checkpoint (written by another tool); juesuan reads logs of JSON commits only and leaves this table alone"
    )]
    Checkpointed { table: String },
    #[error(
        "Delta table {table} needs reader {reader} / writer {writer} features juesuan does not write (it writes 1 / 2); nothing was committed to it"
    )]
    Protocol {
        table: String,
        reader: i64,
        writer: i64,
    },
    #[error(
        "Delta table {table} already holds a later run (transaction {committed} > {ours}); committing this run would roll it back, so it was not committed"
    )]
    Stale {
        table: String,
        committed: i64,
        ours: i64,
    },
    #[error("column {column}: type {data_type} has no Delta equivalent")]
    Type { column: String, data_type: DataType },
    #[error("Delta table {table}: other writers kept taking version {version}; try again")]
    Contended { table: String, version: u64 },
}

/// A Parquet file to add to a table.
#[derive(Clone, Debug)]
pub struct DataFile {
    /// Relative to the table folder, `/`-separated.
    pub path: String,
    pub bytes: u64,
    pub rows: u64,
    /// Every row's `fiscal_year` (the file's Hive folder).
    pub fiscal_year: Option<i32>,
    pub modified_ms: i64,
}

/// A table as its log says it is.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// None when the table does not exist yet.
    pub version: Option<u64>,
    /// Paths of the live files (as the log spells them) and their sizes.
    pub files: BTreeMap<String, i64>,
    /// Files removed and not added again, as the log spells them, with the
    /// time of their removal (ms).
    pub removed: BTreeMap<String, i64>,
    /// Latest transaction version by application id.
    pub transactions: BTreeMap<String, i64>,
    schema_string: Option<String>,
    table_id: Option<String>,
}

/// What a commit did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Commit {
    /// A new version with the run's files.
    Written { version: u64 },
    /// The run was already committed; the table is at this version.
    AlreadyThere { version: u64 },
}

impl Commit {
    pub fn version(self) -> u64 {
        match self {
            Commit::Written { version } | Commit::AlreadyThere { version } => version,
        }
    }
}

const LOG: &str = "_delta_log";

fn commit_key(version: u64) -> String {
    format!("{LOG}/{version:020}.json")
}

/// Reads a table's log; an absent table is an empty snapshot.
pub fn snapshot(table: &Store) -> Result<Snapshot, DeltaError> {
    let mut versions = Vec::new();
    for listed in table.list(LOG)? {
        let name = listed.key.rsplit('/').next().unwrap_or_default();
        if name == "_last_checkpoint" || name.contains(".checkpoint.") {
            return Err(DeltaError::Checkpointed {
                table: table.name().to_string(),
            });
        }
        if let Some(v) = name
            .strip_suffix(".json")
            .filter(|s| s.len() == 20)
            .and_then(|s| s.parse::<u64>().ok())
        {
            versions.push(v);
        }
    }
    versions.sort_unstable();
    let mut snap = Snapshot::default();
    for (i, v) in versions.iter().enumerate() {
        let key = commit_key(*v);
        let path = table.display(&key);
        if *v != i as u64 {
            return Err(DeltaError::Invalid {
                path,
                message: format!("version {i} is missing"),
            });
        }
        let bytes = table.get(&key)?.ok_or_else(|| DeltaError::Invalid {
            path: path.clone(),
            message: "listed but gone".into(),
        })?;
        let text = String::from_utf8_lossy(&bytes);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let action: Value = serde_json::from_str(line).map_err(|e| DeltaError::Invalid {
                path: path.clone(),
                message: e.to_string(),
            })?;
            snap.apply(&action, table)?;
        }
        snap.version = Some(*v);
    }
    Ok(snap)
}

/// The live Parquet files of a Delta table, sorted; `None` when `table` is
/// no Delta table (a plain run's dataset folder).
pub fn live_files(table: &Path) -> Result<Option<Vec<PathBuf>>, DeltaError> {
    if !table.join(LOG).is_dir() {
        return Ok(None);
    }
    let snap = snapshot(&Store::local(table))?;
    Ok(Some(
        snap.files
            .keys()
            .map(|p| table.join(store::percent_decode(p)))
            .collect(),
    ))
}

impl Snapshot {
    fn apply(&mut self, action: &Value, table: &Store) -> Result<(), DeltaError> {
        if let Some(a) = action.get("add") {
            let path = a["path"].as_str().unwrap_or_default().to_string();
            self.removed.remove(&path);
            self.files.insert(path, a["size"].as_i64().unwrap_or(0));
        } else if let Some(r) = action.get("remove") {
            let path = r["path"].as_str().unwrap_or_default();
            self.files.remove(path);
            self.removed.insert(
                path.to_string(),
                r["deletionTimestamp"].as_i64().unwrap_or(0),
            );
        } else if let Some(t) = action.get("txn") {
            if let (Some(app), Some(v)) = (t["appId"].as_str(), t["version"].as_i64()) {
                self.transactions.insert(app.to_string(), v);
            }
        } else if let Some(m) = action.get("metaData") {
            self.schema_string = m["schemaString"].as_str().map(str::to_string);
            self.table_id = m["id"].as_str().map(str::to_string);
        } else if let Some(p) = action.get("protocol") {
            let reader = p["minReaderVersion"].as_i64().unwrap_or(0);
            let writer = p["minWriterVersion"].as_i64().unwrap_or(0);
            if reader > 1 || writer > 2 {
                return Err(DeltaError::Protocol {
                    table: table.name().to_string(),
                    reader,
                    writer,
                });
            }
        }
        Ok(())
    }

    /// The live files' paths relative to the table folder, decoded.
    pub fn live_paths(&self) -> BTreeSet<String> {
        self.files
            .keys()
            .map(|p| store::percent_decode(p))
            .collect()
    }
}

/// What a table is for, in its metadata.
pub struct TableInfo<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub schema: &'a Schema,
}

/// What a committer makes of the table's latest snapshot.
enum Next<T> {
    /// The actions of the next version.
    Write(Vec<Value>),
    /// Nothing to commit: the outcome.
    Done(T),
}

/// Commits the actions `next` makes of the latest snapshot (and the time) as
/// the table's next version, with put-if-absent. A committer that loses the
/// race for a version reads the log again and decides anew: the winner may
/// have been this very run (a retried commit) or another writer.
fn commit_next<T>(
    table: &Store,
    mut next: impl FnMut(&Snapshot, i64) -> Result<Next<T>, DeltaError>,
    written: impl Fn(u64) -> T,
) -> Result<T, DeltaError> {
    for _ in 0..16 {
        let snap = snapshot(table)?;
        let lines = match next(&snap, now_ms())? {
            Next::Write(lines) => lines,
            Next::Done(outcome) => return Ok(outcome),
        };
        let version = snap.version.map_or(0, |v| v + 1);
        if table.put_if_absent(&commit_key(version), &log_text(&lines))? {
            return Ok(written(version));
        }
    }
    Err(DeltaError::Contended {
        table: table.name().to_string(),
        version: snapshot(table)?.version.unwrap_or(0),
    })
}

fn commit_info(now: i64, operation: &str, parameters: Value) -> Value {
    json!({"commitInfo": {
        "timestamp": now,
        "operation": operation,
        "operationParameters": parameters,
        "isBlindAppend": false,
        "engineInfo": format!("juesuan/{}", env!("CARGO_PKG_VERSION")),
    }})
}

/// The run identified by `txn_version` (its planning time in ms) replaces
/// every file of the table by `files`, in one new version; a no-op when the
/// table already holds that run.
pub fn replace_all(
    table: &Store,
    info: &TableInfo,
    files: &[DataFile],
    txn_version: i64,
    run_id: &str,
) -> Result<Commit, DeltaError> {
    let schema_string = schema_string(info.schema)?;
    let next = |snap: &Snapshot, now: i64| {
        if let Some(&committed) = snap.transactions.get(APP_ID) {
            if committed == txn_version {
                return Ok(Next::Done(Commit::AlreadyThere {
                    version: snap.version.unwrap_or(0),
                }));
            }
            if committed > txn_version {
                return Err(DeltaError::Stale {
                    table: table.name().to_string(),
                    committed,
                    ours: txn_version,
                });
            }
        }
        let mut info_line = commit_info(
            now,
            "WRITE",
            json!({"mode": "Overwrite", "partitionBy": "[]"}),
        );
        info_line["commitInfo"]["juesuanRun"] = json!(run_id);
        let mut lines = vec![info_line];
        if snap.version.is_none() {
            lines.push(json!({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}}));
        }
        if snap.schema_string.as_deref() != Some(schema_string.as_str()) {
            let id = snap
                .table_id
                .clone()
                .unwrap_or_else(|| table_id(table, run_id));
            lines.push(json!({"metaData": {
                "id": id,
                "name": info.name,
                "description": info.description,
                "format": {"provider": "parquet", "options": {}},
                "schemaString": schema_string,
                "partitionColumns": [],
                "configuration": {},
                "createdTime": now,
            }}));
        }
        lines.push(json!({"txn": {"appId": APP_ID, "version": txn_version, "lastUpdated": now}}));
        lines.extend(
            snap.files
                .iter()
                .map(|(p, size)| remove(p, *size, now, true)),
        );
        lines.extend(files.iter().map(|f| add(f, true)));
        Ok(Next::Write(lines))
    };
    commit_next(table, next, |version| Commit::Written { version })
}

/// What a compaction did to a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rewrite {
    Written {
        version: u64,
    },
    /// Another commit removed some of the files to compact first (a new run
    /// replaced them): nothing was committed.
    Superseded,
}

/// Replaces `old` (live paths as the log spells them) by `new` in one version
/// that changes no row (`dataChange: false`: a compaction, as OPTIMIZE
/// writes). Refused when any of `old` is no longer live.
pub fn rewrite(table: &Store, old: &[String], new: &[DataFile]) -> Result<Rewrite, DeltaError> {
    let next = |snap: &Snapshot, now: i64| {
        if old.iter().any(|p| !snap.files.contains_key(p)) {
            return Ok(Next::Done(Rewrite::Superseded));
        }
        let mut lines = vec![commit_info(
            now,
            "OPTIMIZE",
            json!({"predicate": "[]", "targetSize": "one file per fiscal_year"}),
        )];
        lines.extend(old.iter().map(|p| remove(p, snap.files[p], now, false)));
        lines.extend(new.iter().map(|f| add(f, false)));
        Ok(Next::Write(lines))
    };
    commit_next(table, next, |version| Rewrite::Written { version })
}

/// A file of the table folder that vacuum would remove.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreferenced {
    /// Relative to the table folder.
    pub path: String,
    pub bytes: u64,
    /// Since when no version references it (its removal), or its own time
    /// when no commit ever added it (an uncommitted or losing attempt's part).
    pub since_ms: i64,
    pub was_committed: bool,
}

/// The Parquet files of `table` the current version does not reference and
/// that left the table (or were written, when never added) before
/// `cutoff_ms`. Live files are never among them, whatever their age.
pub fn unreferenced(table: &Store, cutoff_ms: i64) -> Result<Vec<Unreferenced>, DeltaError> {
    let snap = snapshot(table)?;
    if snap.version.is_none() {
        return Ok(Vec::new());
    }
    let live = snap.live_paths();
    let removed: BTreeMap<String, i64> = snap
        .removed
        .iter()
        .map(|(p, t)| (store::percent_decode(p), *t))
        .collect();
    Ok(table
        .list("")?
        .into_iter()
        .filter(|f| f.key.ends_with(".parquet") && !f.key.starts_with(LOG))
        .filter(|f| !live.contains(&f.key))
        .filter_map(|f| {
            let removal = removed.get(&f.key).copied();
            let since_ms = removal.unwrap_or(f.modified_ms);
            (since_ms < cutoff_ms).then(|| Unreferenced {
                path: f.key,
                bytes: f.size,
                since_ms,
                was_committed: removal.is_some(),
            })
        })
        .collect())
}

fn add(f: &DataFile, data_change: bool) -> Value {
    json!({"add": {
        "path": encode_path(&f.path),
        "partitionValues": {},
        "size": f.bytes,
        "modificationTime": f.modified_ms,
        "dataChange": data_change,
        "stats": stats(f).to_string(),
    }})
}

fn remove(path: &str, size: i64, now: i64, data_change: bool) -> Value {
    json!({"remove": {
        "path": path,
        "deletionTimestamp": now,
        "dataChange": data_change,
        "extendedFileMetadata": true,
        "partitionValues": {},
        "size": size,
    }})
}

fn log_text(lines: &[Value]) -> Vec<u8> {
    let mut text = String::new();
    for l in lines {
        text.push_str(&l.to_string());
        text.push('\n');
    }
    text.into_bytes()
}

/// Row count, and the file's one `fiscal_year` as its minimum and maximum,
/// for readers that skip files by statistics.
fn stats(f: &DataFile) -> Value {
    match f.fiscal_year {
        Some(y) => json!({
            "numRecords": f.rows,
            "minValues": {"fiscal_year": y},
            "maxValues": {"fiscal_year": y},
            "nullCount": {"fiscal_year": 0},
        }),
        None => json!({
            "numRecords": f.rows,
            "nullCount": {"fiscal_year": f.rows},
        }),
    }
}

/// Paths in the log are URIs: anything but unreserved characters, `/` and
/// `=` is percent-encoded.
fn encode_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// A table id in UUID form, unique to this table and the run that created it.
fn table_id(table: &Store, run_id: &str) -> String {
    let seed = format!("{}|{run_id}|{}", table.name(), store::unique_suffix());
    let h = xxhash_rust::xxh3::xxh3_128(seed.as_bytes());
    let hex = format!("{h:032x}");
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The table's schema as the log's `schemaString`: the Arrow schema of the
/// dataset, its column descriptions as `comment`s.
pub fn schema_string(schema: &Schema) -> Result<String, DeltaError> {
    let fields = schema
        .fields()
        .iter()
        .map(|f| {
            let mut metadata = serde_json::Map::new();
            if let Some(d) = f.metadata().get("description") {
                metadata.insert("comment".into(), Value::String(d.clone()));
            }
            Ok(json!({
                "name": f.name(),
                "type": delta_type(f)?,
                "nullable": f.is_nullable(),
                "metadata": metadata,
            }))
        })
        .collect::<Result<Vec<Value>, DeltaError>>()?;
    Ok(json!({"type": "struct", "fields": fields}).to_string())
}

fn delta_type(f: &Field) -> Result<Value, DeltaError> {
    Ok(match f.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 => json!("string"),
        DataType::Int8 => json!("byte"),
        DataType::Int16 => json!("short"),
        DataType::Int32 => json!("integer"),
        DataType::Int64 => json!("long"),
        DataType::Boolean => json!("boolean"),
        DataType::Date32 => json!("date"),
        DataType::Decimal128(p, s) => json!(format!("decimal({p},{s})")),
        DataType::List(item) => json!({
            "type": "array",
            "elementType": delta_type(item)?,
            "containsNull": item.is_nullable(),
        }),
        other => {
            return Err(DeltaError::Type {
                column: f.name().clone(),
                data_type: other.clone(),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    fn info(schema: &Schema) -> TableInfo<'_> {
        TableInfo {
            name: "t",
            description: "test",
            schema,
        }
    }

    fn file(name: &str, year: Option<i32>) -> DataFile {
        DataFile {
            path: name.into(),
            bytes: 10,
            rows: 2,
            fiscal_year: year,
            modified_ms: 0,
        }
    }

    fn schema() -> Schema {
        Schema::new(vec![
            Field::new("fiscal_year", DataType::Int32, true),
            Field::new(
                "tags",
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                false,
            ),
            Field::new("amount", DataType::Decimal128(22, 6), true),
        ])
    }

    #[test]
    fn a_commit_replaces_every_file_and_a_repeat_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let table = Store::local(dir.path());
        let s = schema();
        let first = replace_all(
            &table,
            &info(&s),
            &[file("fiscal_year=2023/a.parquet", Some(2023))],
            100,
            "r1",
        )
        .unwrap();
        assert_eq!(first, Commit::Written { version: 0 });
        let second = replace_all(
            &table,
            &info(&s),
            &[
                file("fiscal_year=2024/b c.parquet", Some(2024)),
                file("fiscal_year=__HIVE_DEFAULT_PARTITION__/d.parquet", None),
            ],
            200,
            "r2",
        )
        .unwrap();
        assert_eq!(second, Commit::Written { version: 1 });
        let again = replace_all(&table, &info(&s), &[], 200, "r2").unwrap();
        assert_eq!(again, Commit::AlreadyThere { version: 1 });
        let snap = snapshot(&table).unwrap();
        assert_eq!(
            snap.files.keys().collect::<Vec<_>>(),
            [
                "fiscal_year=2024/b%20c.parquet",
                "fiscal_year=__HIVE_DEFAULT_PARTITION__/d.parquet"
            ]
        );
        // The older run cannot roll the table back.
        let stale = replace_all(&table, &info(&s), &[], 100, "r1").unwrap_err();
        assert!(matches!(stale, DeltaError::Stale { .. }), "{stale}");
        assert_eq!(snapshot(&table).unwrap().version, Some(1));
    }

    #[test]
    fn the_schema_string_types_lists_decimals_and_comments() {
        let mut f = Field::new("amount", DataType::Decimal128(22, 6), true);
        f.set_metadata(std::collections::HashMap::from([(
            "description".to_string(),
            "yuan".to_string(),
        )]));
        let s = Schema::new(vec![f]);
        let v: Value = serde_json::from_str(&schema_string(&s).unwrap()).unwrap();
        assert_eq!(v["fields"][0]["type"], "decimal(22,6)");
        assert_eq!(v["fields"][0]["metadata"]["comment"], "yuan");
        let v: Value = serde_json::from_str(&schema_string(&schema()).unwrap()).unwrap();
        assert_eq!(v["fields"][1]["type"]["elementType"], "string");
        assert_eq!(v["fields"][1]["nullable"], false);
    }

    #[test]
    fn a_checkpointed_log_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let table = Store::local(dir.path());
        table.put("_delta_log/_last_checkpoint", b"{}").unwrap();
        assert!(matches!(
            snapshot(&table),
            Err(DeltaError::Checkpointed { .. })
        ));
    }

    #[test]
    fn a_compaction_replaces_live_files_and_vacuum_spares_every_live_file() {
        let dir = tempfile::tempdir().unwrap();
        let table = Store::local(dir.path());
        let s = schema();
        let put = |name: &str| table.put(name, b"PAR1").unwrap();
        for name in ["fiscal_year=2023/a.parquet", "fiscal_year=2023/b.parquet"] {
            put(name);
        }
        let files = [
            file("fiscal_year=2023/a.parquet", Some(2023)),
            file("fiscal_year=2023/b.parquet", Some(2023)),
        ];
        replace_all(&table, &info(&s), &files, 100, "r1").unwrap();
        put("fiscal_year=2023/orphan.parquet");
        put("fiscal_year=2023/c.parquet");
        let old = vec![
            "fiscal_year=2023/a.parquet".to_string(),
            "fiscal_year=2023/b.parquet".to_string(),
        ];
        let new = [file("fiscal_year=2023/c.parquet", Some(2023))];
        assert_eq!(
            rewrite(&table, &old, &new).unwrap(),
            Rewrite::Written { version: 1 }
        );
        let snap = snapshot(&table).unwrap();
        assert_eq!(
            snap.files.keys().collect::<Vec<_>>(),
            ["fiscal_year=2023/c.parquet"]
        );
        // The run's transaction is kept: the compaction is no run.
        assert_eq!(snap.transactions[APP_ID], 100);
        // A second compaction of the same files finds them gone.
        assert_eq!(rewrite(&table, &old, &new).unwrap(), Rewrite::Superseded);
        assert_eq!(snapshot(&table).unwrap().version, Some(1));

        // Nothing is old enough an hour ago; everything unreferenced is now.
        let hour_ago = now_ms() - 3_600_000;
        assert!(unreferenced(&table, hour_ago).unwrap().is_empty());
        std::thread::sleep(Duration::from_millis(5));
        let gone = unreferenced(&table, now_ms()).unwrap();
        let names: Vec<(&str, bool)> = gone
            .iter()
            .map(|u| (u.path.as_str(), u.was_committed))
            .collect();
        assert_eq!(
            names,
            [
                ("fiscal_year=2023/a.parquet", true),
                ("fiscal_year=2023/b.parquet", true),
                ("fiscal_year=2023/orphan.parquet", false),
            ]
        );
    }
}
