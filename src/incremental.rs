//! Incremental runs: reuse the rows of files that did not change since the
//! previous run, read back from its Parquet output.
//!
//! A run writes every partition's rows in `source_path` order, so the previous
//! output can be merged like a sorted file: one cursor per dataset and
//! partition walks forward as the new run passes the same paths, handing over
//! the slices of rows of unchanged documents and skipping the rows of changed
//! and deleted ones. Memory stays bounded by one record batch per cursor plus
//! the previous `documents` rows (the manifest).
//!
//! A file is reused when its path and content hash are unchanged, its previous
//! row was not a duplicate marker, and the previous run was made by the same
//! juesuan version with the same settings (see [`fingerprint`]); anything else
//! is processed afresh. The datasets are then the same as a full run's.

use std::collections::HashMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use crate::config::Config;
use crate::emit::{Dataset, parquet_files, partition_dir};
use crate::model::{DocMeta, DocumentRow, Status};

/// What identifies the settings rows depend on: a run with another version or
/// other settings cannot lend its rows.
pub fn fingerprint(cfg: &Config) -> String {
    let ds: Vec<&str> = cfg.datasets.iter().map(|d| d.name()).collect();
    format!(
        "juesuan {} | datasets {} | max_document_bytes {}",
        env!("CARGO_PKG_VERSION"),
        ds.join(","),
        cfg.max_document_bytes
    )
}

/// The fingerprint recorded by the latest run in `<output>/_runs/` (run ids
/// sort in time order).
pub fn previous_fingerprint(output: &Path) -> Option<String> {
    let mut records: Vec<PathBuf> = fs::read_dir(output.join("_runs"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    records.sort();
    let text = fs::read_to_string(records.last()?).ok()?;
    let record: serde_json::Value = serde_json::from_str(&text).ok()?;
    record.get("fingerprint")?.as_str().map(str::to_string)
}

/// The previous run's `documents` rows by source path.
pub struct Manifest {
    pub rows: HashMap<String, DocumentRow>,
    /// `documents.report_id` by source path, where known.
    pub report_ids: HashMap<String, String>,
}

impl Manifest {
    /// Reads `<output>/documents`; `None` when there is none to read.
    pub fn load(output: &Path) -> Option<Manifest> {
        let files = parquet_files(&output.join(Dataset::Documents.name()));
        if files.is_empty() {
            return None;
        }
        let mut rows = HashMap::new();
        let mut report_ids = HashMap::new();
        for f in files {
            let reader = open(&f)?;
            for batch in reader {
                let batch = batch.ok()?;
                let ids = batch
                    .column_by_name("report_id")?
                    .as_string::<i32>()
                    .clone();
                for (i, r) in documents_rows(&batch)?.into_iter().enumerate() {
                    if !ids.is_null(i) {
                        report_ids.insert(r.source_path.clone(), ids.value(i).to_string());
                    }
                    rows.insert(r.source_path.clone(), r);
                }
            }
        }
        Some(Manifest { rows, report_ids })
    }

    /// The previous row of `path`, when its content is unchanged and its rows
    /// were emitted under it.
    pub fn reusable(&self, path: &str, doc_id: &str) -> Option<&DocumentRow> {
        let r = self.rows.get(path)?;
        let duplicate_marker = r.status == Status::Rejected
            && r.error
                .as_deref()
                .is_some_and(|e| e.starts_with("duplicate of"));
        (r.doc_id == doc_id && !duplicate_marker).then_some(r)
    }
}

fn open(path: &Path) -> Option<ParquetRecordBatchReader> {
    let f = File::open(path).ok()?;
    ParquetRecordBatchReaderBuilder::try_new(f)
        .ok()?
        .with_batch_size(8192)
        .build()
        .ok()
}

/// Rebuilds `DocumentRow`s from a `documents` batch (the inverse of
/// `emit::documents_batch`).
fn documents_rows(b: &RecordBatch) -> Option<Vec<DocumentRow>> {
    let s = |name: &str| b.column_by_name(name).map(|c| c.as_string::<i32>().clone());
    let i32c = |name: &str| {
        b.column_by_name(name)
            .map(|c| c.as_primitive::<Int32Type>().clone())
    };
    let (doc_id, path, enc, shape, dept, region, kind, status, error) = (
        s("doc_id")?,
        s("source_path")?,
        s("encoding")?,
        s("shape")?,
        s("department")?,
        s("region")?,
        s("report_kind")?,
        s("status")?,
        s("error")?,
    );
    let bytes = b
        .column_by_name("source_bytes")?
        .as_primitive::<Int64Type>()
        .clone();
    let (year, tables, items, inds, facts, failed) = (
        i32c("fiscal_year")?,
        i32c("tables_found")?,
        i32c("line_items")?,
        i32c("indicators")?,
        i32c("facts")?,
        i32c("checks_failed")?,
    );
    // Absent in outputs written before the column existed: such a run's
    // fingerprint differs anyway, so nothing is reused from it.
    let verified_tables = i32c("tables_verified")?;
    let opt =
        |a: &arrow_array::StringArray, i: usize| (!a.is_null(i)).then(|| a.value(i).to_string());
    let mut out = Vec::with_capacity(b.num_rows());
    for i in 0..b.num_rows() {
        out.push(DocumentRow {
            doc_id: doc_id.value(i).to_string(),
            source_path: path.value(i).to_string(),
            source_bytes: bytes.value(i),
            encoding: opt(&enc, i),
            shape: opt(&shape, i).and_then(|s| intern_shape(&s)),
            meta: DocMeta {
                department: opt(&dept, i),
                region: opt(&region, i),
                fiscal_year: (!year.is_null(i)).then(|| year.value(i)),
                report_kind: opt(&kind, i).map(|k| if k == "预算" { "预算" } else { "决算" }),
            },
            tables_found: tables.value(i),
            line_items: items.value(i),
            indicators: inds.value(i),
            facts: facts.value(i),
            checks_failed: failed.value(i),
            tables_verified: verified_tables.value(i),
            status: match status.value(i) {
                "ok" => Status::Ok,
                "partial" => Status::Partial,
                _ => Status::Rejected,
            },
            error: opt(&error, i),
        });
    }
    Some(out)
}

/// The shape vocabulary as `'static` strings ([`crate::document::SHAPES`]).
fn intern_shape(s: &str) -> Option<&'static str> {
    crate::document::SHAPES.iter().find(|x| **x == s).copied()
}

/// A forward-only reader of one dataset partition of the previous output.
struct Cursor {
    files: std::vec::IntoIter<PathBuf>,
    reader: Option<ParquetRecordBatchReader>,
    batch: Option<RecordBatch>,
    pos: usize,
}

impl Cursor {
    fn new(dir: &Path) -> Cursor {
        let files = parquet_files(dir);
        Cursor {
            files: files.into_iter(),
            reader: None,
            batch: None,
            pos: 0,
        }
    }

    /// Loads the next non-empty batch; false at the end.
    fn advance(&mut self) -> bool {
        loop {
            if let Some(r) = self.reader.as_mut() {
                match r.next() {
                    Some(Ok(b)) if b.num_rows() > 0 => {
                        self.batch = Some(b);
                        self.pos = 0;
                        return true;
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => {
                        tracing::warn!(error = %e, "previous output unreadable; its rows are not reused");
                        self.reader = None;
                    }
                    None => self.reader = None,
                }
            }
            match self.files.next() {
                Some(f) => self.reader = open(&f),
                None => {
                    self.batch = None;
                    return false;
                }
            }
        }
    }

    /// The rows of `path`, skipping rows of earlier paths.
    fn take(&mut self, path: &str) -> Vec<RecordBatch> {
        let mut out = Vec::new();
        loop {
            let need_batch = match &self.batch {
                Some(b) => self.pos >= b.num_rows(),
                None => true,
            };
            if need_batch && !self.advance() {
                return out;
            }
            let b = self.batch.as_ref().expect("advanced");
            let Some(col) = b
                .column_by_name("source_path")
                .map(|c| c.as_string::<i32>().clone())
            else {
                return out;
            };
            let n = b.num_rows();
            while self.pos < n && col.value(self.pos) < path {
                self.pos += 1;
            }
            if self.pos == n {
                continue;
            }
            if col.value(self.pos) > path {
                return out;
            }
            let start = self.pos;
            while self.pos < n && col.value(self.pos) == path {
                self.pos += 1;
            }
            out.push(b.slice(start, self.pos - start));
            if self.pos < n {
                return out;
            }
        }
    }
}

/// Cursors over every dataset partition of the previous output.
pub struct PreviousRows {
    root: PathBuf,
    cursors: HashMap<(Dataset, Option<i32>), Cursor>,
}

impl PreviousRows {
    pub fn new(output: &Path) -> PreviousRows {
        PreviousRows {
            root: output.to_path_buf(),
            cursors: HashMap::new(),
        }
    }

    /// Rows of `path` in `dataset`, from the partition of its fiscal year.
    pub fn take(&mut self, dataset: Dataset, year: Option<i32>, path: &str) -> Vec<RecordBatch> {
        let root = &self.root;
        self.cursors
            .entry((dataset, year))
            .or_insert_with(|| Cursor::new(&root.join(dataset.name()).join(partition_dir(year))))
            .take(path)
    }
}
