//! Streaming, Hive-partitioned Parquet output with an atomic swap at the end.
//!
//! A run writes every dataset into a staging folder inside the output root
//! (`.staging-<run>/`, hidden from dataset readers), one `ArrowWriter` per
//! dataset and `fiscal_year` partition, row groups flushed as they fill. When
//! the run completes, each staged dataset replaces the published one with a
//! single `renameat2(RENAME_EXCHANGE)`: a reader sees the old dataset or the new
//! one, never a mixture, and a run killed at any moment leaves the previous
//! output untouched (its staging folder is removed by the next run).

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression as PqCompression, ZstdLevel};
use parquet::file::metadata::{KeyValue, SortingColumn};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use thiserror::Error;

use super::schema::Dataset;
use crate::config::Compression;

#[derive(Debug, Error)]
pub enum EmitError {
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("cannot write Parquet file {path}: {source}")]
    Parquet {
        path: PathBuf,
        source: parquet::errors::ParquetError,
    },
    #[error("cannot build a record batch for {dataset}: {source}")]
    Arrow {
        dataset: &'static str,
        source: arrow_schema::ArrowError,
    },
    #[error("another juesuan run holds the output folder {0} (lock file .juesuan.lock)")]
    Locked(PathBuf),
    #[error(
        "output {0} is not a folder: give --output (or output.root) a folder to write the datasets into"
    )]
    OutputNotDir(PathBuf),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> EmitError + '_ {
    move |source| EmitError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The Parquet files under a folder (recursively), sorted by path: the files of
/// a dataset or of one of its partitions.
pub fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = fs::read_dir(dir) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "parquet") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// Partition folder name of a fiscal year.
pub fn partition_dir(year: Option<i32>) -> String {
    match year {
        Some(y) => format!("fiscal_year={y}"),
        None => "fiscal_year=__HIVE_DEFAULT_PARTITION__".to_string(),
    }
}

struct Part {
    writer: ArrowWriter<File>,
    path: PathBuf,
    rows: usize,
}

impl Part {
    /// Writes the footer and syncs the file to disk.
    fn close(self) -> Result<File, EmitError> {
        let f = self
            .writer
            .into_inner()
            .map_err(|source| EmitError::Parquet {
                path: self.path.clone(),
                source,
            })?;
        f.sync_all().map_err(io_err(&self.path))?;
        Ok(f)
    }
}

/// Writes the datasets of one run into a staging folder.
/// Bytes all row groups in progress may hold together before the largest is
/// written out early.
const BUFFER_BUDGET: usize = 128 << 20;

pub struct Emitter {
    output: PathBuf,
    /// Where partitions are written: the staging folder of a run swapped into
    /// place, the output itself for a shard's parts.
    staging: PathBuf,
    /// The name of every Parquet file written, one per dataset partition.
    part_name: String,
    datasets: Vec<Dataset>,
    props: BTreeMap<Dataset, WriterProperties>,
    parts: BTreeMap<(Dataset, Option<i32>), Part>,
    /// The output folder's lock, held by a run that swaps its datasets into
    /// place; shards of a run write side by side and hold none.
    lock: Option<File>,
}

/// One Parquet file a shard wrote, for its manifest and the table commit.
#[derive(Clone, Debug)]
pub struct WrittenPart {
    pub dataset: Dataset,
    pub fiscal_year: Option<i32>,
    pub path: PathBuf,
    pub rows: u64,
    pub bytes: u64,
}

/// What identifies the run in every file it writes (Parquet key-value
/// metadata), for audit and for readers that check provenance.
#[derive(Clone, Copy, Debug)]
pub struct Provenance<'a> {
    pub run_id: &'a str,
    /// The settings fingerprint of the run (see `incremental::fingerprint`).
    pub settings: &'a str,
}

/// What a commit did.
#[derive(Clone, Debug)]
pub struct Committed {
    pub output: PathBuf,
    /// Datasets of an earlier run that this run does not write, removed so
    /// that the output is one run's consistent set.
    pub removed: Vec<Dataset>,
}

/// `created_by` as `<app> version <v>`: readers (parquet-mr, Spark, Hive)
/// parse it to decide whether to trust min/max statistics of text and
/// decimal columns, and ignore them when it does not parse.
pub fn created_by() -> String {
    format!("juesuan version {}", env!("CARGO_PKG_VERSION"))
}

impl Emitter {
    /// Prepares a run into `output`: takes the folder's lock, removes staging
    /// folders left by runs that were killed, creates this run's staging folder.
    pub fn create(
        output: &Path,
        datasets: &[Dataset],
        compression: Compression,
        row_group_rows: usize,
        provenance: Provenance,
    ) -> Result<Emitter, EmitError> {
        if output.exists() && !output.is_dir() {
            return Err(EmitError::OutputNotDir(output.to_path_buf()));
        }
        fs::create_dir_all(output).map_err(io_err(output))?;
        let lock_path = output.join(".juesuan.lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_err(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(EmitError::Locked(output.to_path_buf()));
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_err(&lock_path)(e)),
        }
        for e in fs::read_dir(output).map_err(io_err(output))?.flatten() {
            let name = e.file_name();
            if name.to_string_lossy().starts_with(".staging-") {
                let p = e.path();
                fs::remove_dir_all(&p).map_err(io_err(&p))?;
            }
        }
        let staging = output.join(format!(".staging-{}", provenance.run_id));
        fs::create_dir_all(&staging).map_err(io_err(&staging))?;
        Ok(Emitter {
            output: output.to_path_buf(),
            staging,
            part_name: "part-00000.parquet".to_string(),
            datasets: datasets.to_vec(),
            props: writer_properties(compression, row_group_rows, provenance),
            parts: BTreeMap::new(),
            lock: Some(lock),
        })
    }

    /// Prepares a shard of a sharded run: its parts go straight into the
    /// dataset folders of `output` as `part-<tag>.parquet`, a name no other
    /// attempt uses, and stay invisible to table readers until a commit adds
    /// them. Neither locks the output nor touches other files.
    pub fn create_parts(
        output: &Path,
        datasets: &[Dataset],
        compression: Compression,
        row_group_rows: usize,
        provenance: Provenance,
        tag: &str,
    ) -> Result<Emitter, EmitError> {
        if output.exists() && !output.is_dir() {
            return Err(EmitError::OutputNotDir(output.to_path_buf()));
        }
        fs::create_dir_all(output).map_err(io_err(output))?;
        Ok(Emitter {
            output: output.to_path_buf(),
            staging: output.to_path_buf(),
            part_name: format!("part-{tag}.parquet"),
            datasets: datasets.to_vec(),
            props: writer_properties(compression, row_group_rows, provenance),
            parts: BTreeMap::new(),
            lock: None,
        })
    }

    pub fn emits(&self, d: Dataset) -> bool {
        self.datasets.contains(&d)
    }

    /// Appends a batch to a dataset's partition.
    pub fn write(
        &mut self,
        dataset: Dataset,
        year: Option<i32>,
        batch: &RecordBatch,
    ) -> Result<(), EmitError> {
        if batch.num_rows() == 0 || !self.emits(dataset) {
            return Ok(());
        }
        let part = match self.parts.entry((dataset, year)) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                let dir = self.staging.join(dataset.name()).join(partition_dir(year));
                fs::create_dir_all(&dir).map_err(io_err(&dir))?;
                let path = dir.join(&self.part_name);
                let file = File::create(&path).map_err(io_err(&path))?;
                let writer = ArrowWriter::try_new(
                    file,
                    dataset.schema(),
                    Some(self.props[&dataset].clone()),
                )
                .map_err(|source| EmitError::Parquet {
                    path: path.clone(),
                    source,
                })?;
                v.insert(Part {
                    writer,
                    path,
                    rows: 0,
                })
            }
        };
        part.writer
            .write(batch)
            .map_err(|source| EmitError::Parquet {
                path: part.path.clone(),
                source,
            })?;
        part.rows += batch.num_rows();
        self.keep_within_budget()
    }

    /// Every (dataset, year) has a row group in progress; a long run over many
    /// years would hold them all until each fills. Past [`BUFFER_BUDGET`] the
    /// largest is written out early, so memory stays bounded whatever the
    /// archive (smaller row groups are the only cost).
    fn keep_within_budget(&mut self) -> Result<(), EmitError> {
        loop {
            let total: usize = self.parts.values().map(|p| p.writer.memory_size()).sum();
            if total <= BUFFER_BUDGET {
                return Ok(());
            }
            let Some(part) = self
                .parts
                .values_mut()
                .filter(|p| p.writer.memory_size() > 0)
                .max_by_key(|p| p.writer.memory_size())
            else {
                return Ok(());
            };
            part.writer.flush().map_err(|source| EmitError::Parquet {
                path: part.path.clone(),
                source,
            })?;
        }
    }

    /// Closes every file, writes an empty file (with the schema) for datasets
    /// without rows, removes the datasets this run does not write, and swaps
    /// the staged datasets into place.
    pub fn commit(mut self) -> Result<Committed, EmitError> {
        let parts = std::mem::take(&mut self.parts);
        let earliest_year = parts.keys().filter_map(|(_, y)| *y).min();
        let mut typed: Vec<Dataset> = Vec::new();
        for ((d, year), part) in parts {
            if year.is_some() {
                typed.push(d);
            }
            part.close()?;
        }
        // A dataset needs a partition whose name types `fiscal_year`: readers
        // that infer Hive partitions (pyarrow) cannot type a column seen only as
        // __HIVE_DEFAULT_PARTITION__. An empty file with the schema gives one:
        // in the run's earliest year, or at the top when no year is known and
        // the dataset has no rows at all.
        for d in self.datasets.clone() {
            if typed.contains(&d) {
                continue;
            }
            let dir = self.staging.join(d.name());
            let target = match earliest_year {
                Some(y) => dir.join(partition_dir(Some(y))),
                None if !dir.exists() => dir.clone(),
                None => continue,
            };
            self.write_empty(d, &target)?;
        }
        sync_dir(&self.staging);
        // Datasets of an earlier run that this one does not write go first:
        // a reader may briefly miss them, never see them beside this run's.
        let mut removed = Vec::new();
        for d in Dataset::ALL
            .into_iter()
            .filter(|d| !self.datasets.contains(d))
        {
            let live = self.output.join(d.name());
            if live.is_dir() {
                let out_of_sight = self.staging.join(format!("stale-{}", d.name()));
                fs::rename(&live, &out_of_sight).map_err(io_err(&live))?;
                removed.push(d);
            }
        }
        for d in self.datasets.clone() {
            let staged = self.staging.join(d.name());
            let live = self.output.join(d.name());
            swap_into_place(&staged, &live)?;
        }
        sync_dir(&self.output);
        fs::remove_dir_all(&self.staging).map_err(io_err(&self.staging))?;
        Ok(Committed {
            output: self.output.clone(),
            removed,
        })
    }

    /// Closes a shard's parts (see [`Emitter::create_parts`]) and says what
    /// they are. Datasets without rows have no part: the table's schema types
    /// them.
    pub fn finish_parts(mut self) -> Result<Vec<WrittenPart>, EmitError> {
        let mut written = Vec::new();
        while let Some(((dataset, fiscal_year), part)) = self.parts.pop_first() {
            let (path, rows) = (part.path.clone(), part.rows as u64);
            let f = part.close()?;
            let bytes = f.metadata().map_err(io_err(&path))?.len();
            written.push(WrittenPart {
                dataset,
                fiscal_year,
                path,
                rows,
                bytes,
            });
        }
        Ok(written)
    }

    fn write_empty(&self, d: Dataset, dir: &Path) -> Result<(), EmitError> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let path = dir.join("part-00000.parquet");
        let file = File::create(&path).map_err(io_err(&path))?;
        let parquet_err = |source| EmitError::Parquet {
            path: path.clone(),
            source,
        };
        let w = ArrowWriter::try_new(file, d.schema(), Some(self.props[&d].clone()))
            .map_err(parquet_err)?;
        w.close().map_err(|source| EmitError::Parquet {
            path: path.clone(),
            source,
        })?;
        Ok(())
    }

    /// Folder of this run's staging area.
    pub fn staging(&self) -> &Path {
        &self.staging
    }
}

/// The writer properties of every dataset: compression, statistics, sort
/// order and the run's provenance.
fn writer_properties(
    compression: Compression,
    row_group_rows: usize,
    provenance: Provenance,
) -> BTreeMap<Dataset, WriterProperties> {
    let codec = match compression {
        Compression::Zstd(l) => PqCompression::ZSTD(ZstdLevel::try_new(l).unwrap_or_default()),
        Compression::None => PqCompression::UNCOMPRESSED,
    };
    let metadata = vec![
        KeyValue::new(
            "juesuan.version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
        KeyValue::new("juesuan.run_id".to_string(), provenance.run_id.to_string()),
        KeyValue::new(
            "juesuan.settings".to_string(),
            provenance.settings.to_string(),
        ),
    ];
    Dataset::ALL
        .into_iter()
        .map(|d| {
            let schema = d.schema();
            let sorted = schema
                .index_of(d.sorted_by())
                .expect("sort column in schema");
            let p = WriterProperties::builder()
                .set_compression(codec)
                .set_dictionary_enabled(true)
                .set_statistics_enabled(EnabledStatistics::Page)
                .set_max_row_group_row_count(Some(row_group_rows))
                .set_created_by(created_by())
                .set_key_value_metadata(Some(metadata.clone()))
                .set_sorting_columns(Some(vec![SortingColumn {
                    column_idx: sorted as i32,
                    descending: false,
                    nulls_first: false,
                }]))
                .build();
            (d, p)
        })
        .collect()
}

impl Drop for Emitter {
    fn drop(&mut self) {
        // A run that fails before commit leaves the published output untouched.
        if self.lock.is_some() {
            if self.staging.exists() {
                let _ = fs::remove_dir_all(&self.staging);
            }
        } else {
            // A shard stopped before it finished: its parts would only be orphans.
            for part in self.parts.values() {
                let _ = fs::remove_file(&part.path);
            }
        }
    }
}

fn sync_dir(p: &Path) {
    if let Ok(f) = File::open(p) {
        let _ = f.sync_all();
    }
}

/// Replaces `live` by `staged` atomically; afterwards `staged` holds the old
/// dataset (or nothing) and is removed.
fn swap_into_place(staged: &Path, live: &Path) -> Result<(), EmitError> {
    if live.exists() {
        if exchange(staged, live).is_ok() {
            return fs::remove_dir_all(staged).map_err(io_err(staged));
        }
        // No RENAME_EXCHANGE (old kernel, other OS, file system): two renames,
        // with a window in which the dataset folder is absent.
        let old = staged.with_extension("old");
        fs::rename(live, &old).map_err(io_err(live))?;
        fs::rename(staged, live).map_err(io_err(live))?;
        return fs::remove_dir_all(&old).map_err(io_err(&old));
    }
    fs::rename(staged, live).map_err(io_err(live))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings for the call's duration.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::schema::documents_batch;
    use crate::model::{DocMeta, DocumentRow, Status};

    fn prov(run_id: &str) -> Provenance<'_> {
        Provenance {
            run_id,
            settings: "test",
        }
    }

    fn doc(path: &str, year: Option<i32>) -> DocumentRow {
        DocumentRow {
            doc_id: "0123456789abcdef".into(),
            source_path: path.into(),
            source_bytes: 10,
            encoding: Some("UTF-8".into()),
            shape: Some("tab_separated"),
            meta: DocMeta {
                fiscal_year: year,
                ..Default::default()
            },
            tables_found: 0,
            line_items: 0,
            indicators: 0,
            facts: 0,
            checks_failed: 0,
            tables_verified: 0,
            status: Status::Ok,
            error: None,
        }
    }

    #[test]
    fn writes_partitions_and_swaps_them_in_replacing_the_previous_run() {
        let out = tempfile::tempdir().unwrap();
        let all = Dataset::ALL;
        for (run, years) in [("a", vec![Some(2023), None]), ("b", vec![Some(2024)])] {
            let mut em =
                Emitter::create(out.path(), &all, Compression::Zstd(3), 1000, prov(run)).unwrap();
            for y in &years {
                let b = documents_batch(&[(&doc("x.txt", *y), None)]).unwrap();
                em.write(Dataset::Documents, *y, &b).unwrap();
            }
            em.commit().unwrap();
        }
        let docs = out.path().join("documents");
        let mut parts: Vec<String> = fs::read_dir(&docs)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        parts.sort();
        // Only the second run's partition: the first run's were swapped out.
        assert_eq!(parts, vec!["fiscal_year=2024"]);
        // Datasets without rows exist with their schema, in a partition that
        // types fiscal_year (the run's earliest year).
        let empty = out
            .path()
            .join("facts")
            .join(partition_dir(Some(2024)))
            .join("part-00000.parquet");
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            File::open(&empty).unwrap(),
        )
        .unwrap();
        assert_eq!(reader.schema().fields(), Dataset::Facts.schema().fields());
        // No staging folder is left behind.
        let names: Vec<String> = fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with(".staging")),
            "{names:?}"
        );
    }

    #[test]
    fn a_second_run_on_the_same_output_is_refused_while_the_first_holds_it() {
        let out = tempfile::tempdir().unwrap();
        let _first = Emitter::create(
            out.path(),
            &Dataset::ALL,
            Compression::None,
            10,
            prov("one"),
        )
        .unwrap();
        let second = Emitter::create(
            out.path(),
            &Dataset::ALL,
            Compression::None,
            10,
            prov("two"),
        );
        assert!(matches!(second, Err(EmitError::Locked(_))));
    }

    #[test]
    fn an_output_that_is_a_file_is_refused_saying_so() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("README.md");
        fs::write(&file, "# notes\n").unwrap();
        let e = Emitter::create(&file, &Dataset::ALL, Compression::None, 10, prov("x"));
        let Err(e) = e else {
            panic!("accepted a file as output")
        };
        assert!(e.to_string().contains("is not a folder"), "{e}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "# notes\n");
    }

    #[test]
    fn datasets_a_run_does_not_write_are_removed() {
        let out = tempfile::tempdir().unwrap();
        let b = documents_batch(&[(&doc("x.txt", Some(2024)), None)]).unwrap();
        let em = |ds: &[Dataset], run| {
            let mut em = Emitter::create(out.path(), ds, Compression::None, 10, prov(run)).unwrap();
            em.write(Dataset::Documents, Some(2024), &b).unwrap();
            em.commit().unwrap()
        };
        assert!(em(&Dataset::ALL, "a").removed.is_empty());
        assert!(out.path().join("indicators").is_dir());
        let c = em(&[Dataset::Documents, Dataset::LineItems], "b");
        assert_eq!(
            c.removed,
            vec![Dataset::Indicators, Dataset::Facts, Dataset::Checks]
        );
        for d in ["indicators", "facts", "checks"] {
            assert!(!out.path().join(d).exists(), "{d} left from the first run");
        }
        assert!(out.path().join("line_items").is_dir());
    }

    #[test]
    fn files_carry_provenance_sort_order_and_descriptions() {
        let out = tempfile::tempdir().unwrap();
        let mut em = Emitter::create(
            out.path(),
            &Dataset::ALL,
            Compression::Zstd(3),
            10,
            prov("run-1"),
        )
        .unwrap();
        let b = documents_batch(&[(&doc("x.txt", Some(2024)), Some("00000000000000aa"))]).unwrap();
        em.write(Dataset::Documents, Some(2024), &b).unwrap();
        em.commit().unwrap();
        let path = out
            .path()
            .join("documents/fiscal_year=2024/part-00000.parquet");
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            File::open(&path).unwrap(),
        )
        .unwrap();
        let meta = reader.metadata().file_metadata();
        assert_eq!(
            meta.created_by(),
            Some(format!("juesuan version {}", env!("CARGO_PKG_VERSION")).as_str())
        );
        let kv: BTreeMap<&str, &str> = meta
            .key_value_metadata()
            .unwrap()
            .iter()
            .map(|k| (k.key.as_str(), k.value.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(kv["juesuan.run_id"], "run-1");
        assert_eq!(kv["juesuan.settings"], "test");
        assert_eq!(kv["juesuan.version"], env!("CARGO_PKG_VERSION"));
        let sorting = reader.metadata().row_group(0).sorting_columns().unwrap();
        assert_eq!(sorting[0].column_idx, 1); // source_path
        let schema = reader.schema();
        let about = schema.field_with_name("report_id").unwrap().metadata();
        assert!(about["description"].contains("renderings"), "{about:?}");
    }
}
