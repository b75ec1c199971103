//! `juesuan report`: what a run produced and what to look at, in one screen,
//! read back from the emitted Parquet as a user would (arrow-rs readers).
//!
//! Across the archive: documents by status, year and shape, rows per dataset,
//! failed checks by id. Per document needing attention (partial or rejected,
//! worst first): its counts, its error, and its failed checks with the
//! largest differences.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Int32Type};
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use thiserror::Error;

use crate::amount::Amount;
use crate::emit::{Dataset, parquet_files};

#[derive(Debug, Error)]
pub enum ReportError {
    #[error("no juesuan output in {0} (expected {0}/documents/…): run `juesuan run` first")]
    NoOutput(PathBuf),
    #[error("cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
}

/// How much to show.
#[derive(Clone, Copy, Debug)]
pub struct ReportOptions {
    /// Documents listed in the attention section.
    pub documents: usize,
    /// Failed checks listed per document.
    pub checks_per_document: usize,
    /// List every document, not only those needing attention.
    pub all: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            documents: 20,
            checks_per_document: 3,
            all: false,
        }
    }
}

#[derive(Default, Clone)]
struct Doc {
    path: String,
    status: String,
    shape: String,
    year: Option<i32>,
    tables: i32,
    items: i32,
    indicators: i32,
    facts: i32,
    failed: i32,
    error: String,
}

struct Failure {
    check: String,
    table: String,
    code: String,
    column: String,
    expected: Amount,
    actual: Amount,
}

fn for_each_batch(
    root: &Path,
    ds: Dataset,
    mut f: impl FnMut(&RecordBatch),
) -> Result<usize, ReportError> {
    let files = parquet_files(&root.join(ds.name()));
    for p in &files {
        let err = |e: &dyn std::fmt::Display| ReportError::Read {
            path: p.clone(),
            message: e.to_string(),
        };
        let file = File::open(p).map_err(|e| err(&e))?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| err(&e))?
            .build()
            .map_err(|e| err(&e))?;
        for b in reader {
            f(&b.map_err(|e| err(&e))?);
        }
    }
    Ok(files.len())
}

fn strs(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
    match b.column_by_name(name) {
        Some(c) => {
            let a = c.as_string::<i32>();
            (0..a.len())
                .map(|i| (!a.is_null(i)).then(|| a.value(i).to_string()))
                .collect()
        }
        None => vec![None; b.num_rows()],
    }
}

fn ints(b: &RecordBatch, name: &str) -> Vec<Option<i32>> {
    match b.column_by_name(name) {
        Some(c) => {
            let a = c.as_primitive::<Int32Type>();
            (0..a.len())
                .map(|i| (!a.is_null(i)).then(|| a.value(i)))
                .collect()
        }
        None => vec![None; b.num_rows()],
    }
}

fn money(b: &RecordBatch, name: &str) -> Vec<Amount> {
    match b.column_by_name(name) {
        Some(c) => {
            let a = c.as_primitive::<Decimal128Type>();
            (0..a.len())
                .map(|i| Amount::from_micros(if a.is_null(i) { 0 } else { a.value(i) }))
                .collect()
        }
        None => vec![Amount::ZERO; b.num_rows()],
    }
}

/// Renders the report of the output folder `root`.
pub fn render(root: &Path, opts: ReportOptions) -> Result<String, ReportError> {
    let mut docs: Vec<Doc> = Vec::new();
    let n = for_each_batch(root, Dataset::Documents, |b| {
        let (path, status, shape, error) = (
            strs(b, "source_path"),
            strs(b, "status"),
            strs(b, "shape"),
            strs(b, "error"),
        );
        let (year, tables, items, inds, facts, failed) = (
            ints(b, "fiscal_year"),
            ints(b, "tables_found"),
            ints(b, "line_items"),
            ints(b, "indicators"),
            ints(b, "facts"),
            ints(b, "checks_failed"),
        );
        for i in 0..b.num_rows() {
            docs.push(Doc {
                path: path[i].clone().unwrap_or_default(),
                status: status[i].clone().unwrap_or_default(),
                shape: shape[i].clone().unwrap_or_else(|| "-".into()),
                year: year[i],
                tables: tables[i].unwrap_or(0),
                items: items[i].unwrap_or(0),
                indicators: inds[i].unwrap_or(0),
                facts: facts[i].unwrap_or(0),
                failed: failed[i].unwrap_or(0),
                error: error[i].clone().unwrap_or_default(),
            });
        }
    })?;
    if n == 0 {
        return Err(ReportError::NoOutput(root.to_path_buf()));
    }
    docs.sort_by(|a, b| a.path.cmp(&b.path));

    // Failed checks: kept per document, largest differences first.
    let mut failures: HashMap<String, Vec<Failure>> = HashMap::new();
    let mut by_check: BTreeMap<String, usize> = BTreeMap::new();
    let mut checks_total = 0usize;
    for_each_batch(root, Dataset::Checks, |b| {
        checks_total += b.num_rows();
        let status = strs(b, "status");
        let (path, check, table, code, column) = (
            strs(b, "source_path"),
            strs(b, "check_id"),
            strs(b, "table_code"),
            strs(b, "subject_code"),
            strs(b, "column_name"),
        );
        let (expected, actual) = (money(b, "expected"), money(b, "actual"));
        for i in 0..b.num_rows() {
            if status[i].as_deref() != Some("fail") {
                continue;
            }
            let id = check[i].clone().unwrap_or_default();
            *by_check.entry(id.clone()).or_default() += 1;
            let v = failures
                .entry(path[i].clone().unwrap_or_default())
                .or_default();
            v.push(Failure {
                check: id,
                table: table[i].clone().unwrap_or_default(),
                code: code[i].clone().unwrap_or_default(),
                column: column[i].clone().unwrap_or_default(),
                expected: expected[i],
                actual: actual[i],
            });
            v.sort_by(|a, b| {
                (b.expected - b.actual)
                    .abs()
                    .cmp(&(a.expected - a.actual).abs())
            });
            v.truncate(opts.checks_per_document);
        }
    })?;
    let mut rows: Vec<(Dataset, usize)> = Vec::new();
    for ds in [Dataset::LineItems, Dataset::Indicators, Dataset::Facts] {
        let mut k = 0;
        for_each_batch(root, ds, |b| k += b.num_rows())?;
        rows.push((ds, k));
    }
    rows.push((Dataset::Checks, checks_total));

    let mut o = String::new();
    let count = |f: &dyn Fn(&Doc) -> bool| docs.iter().filter(|d| f(d)).count();
    let _ = writeln!(
        o,
        "juesuan report: {} ({} documents)",
        root.display(),
        docs.len()
    );
    let _ = writeln!(
        o,
        "  status: {} ok, {} partial, {} rejected",
        count(&|d| d.status == "ok"),
        count(&|d| d.status == "partial"),
        count(&|d| d.status == "rejected")
    );
    let mut years: BTreeMap<Option<i32>, [usize; 3]> = BTreeMap::new();
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    for d in &docs {
        let e = years.entry(d.year).or_default();
        match d.status.as_str() {
            "ok" => e[0] += 1,
            "partial" => e[1] += 1,
            _ => e[2] += 1,
        }
        *shapes.entry(d.shape.clone()).or_default() += 1;
    }
    let _ = writeln!(o, "  by fiscal year:");
    for (y, [ok, partial, rejected]) in &years {
        let y = y.map(|y| y.to_string()).unwrap_or_else(|| "unknown".into());
        let _ = writeln!(
            o,
            "    {y:<8} {:>6} documents: {ok} ok, {partial} partial, {rejected} rejected",
            ok + partial + rejected
        );
    }
    let shapes: Vec<String> = shapes.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let _ = writeln!(o, "  by shape: {}", shapes.join(", "));
    let rows: Vec<String> = rows
        .iter()
        .map(|(d, n)| format!("{} {n}", d.name()))
        .collect();
    let _ = writeln!(o, "  rows: {}", rows.join(", "));
    if !by_check.is_empty() {
        let mut v: Vec<(&String, &usize)> = by_check.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = v.iter().take(8).map(|(c, n)| format!("{c} {n}")).collect();
        let _ = writeln!(o, "  failed checks: {}", top.join(", "));
    }

    // Worst first: rejected, then partial by failed checks.
    let rank = |d: &Doc| match d.status.as_str() {
        "rejected" => 0,
        "partial" => 1,
        _ => 2,
    };
    let mut listed: Vec<&Doc> = docs
        .iter()
        .filter(|d| opts.all || d.status != "ok")
        .collect();
    listed.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then(b.failed.cmp(&a.failed))
            .then(a.path.cmp(&b.path))
    });
    let shown = listed
        .len()
        .min(if opts.all { usize::MAX } else { opts.documents });
    if listed.is_empty() {
        let _ = writeln!(o, "\nEvery document is ok.");
        return Ok(o);
    }
    let _ = writeln!(
        o,
        "\n{} documents{}:",
        listed.len(),
        if opts.all { "" } else { " need attention" }
    );
    for d in &listed[..shown] {
        let _ = writeln!(
            o,
            "  {} [{}] {} tables, {} line items, {} indicators, {} facts, {} failed checks",
            d.path, d.status, d.tables, d.items, d.indicators, d.facts, d.failed
        );
        if !d.error.is_empty() {
            let _ = writeln!(o, "      {}", d.error);
        }
        for f in failures.get(&d.path).map(Vec::as_slice).unwrap_or(&[]) {
            let at: Vec<&str> = [f.table.as_str(), f.code.as_str(), f.column.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            let _ = writeln!(
                o,
                "      {} ({}): expected {} printed {} (off by {})",
                f.check,
                at.join(" "),
                f.expected,
                f.actual,
                (f.expected - f.actual).abs()
            );
        }
    }
    if shown < listed.len() {
        let _ = writeln!(
            o,
            "  … and {} more (juesuan report --documents N)",
            listed.len() - shown
        );
    }
    Ok(o)
}
