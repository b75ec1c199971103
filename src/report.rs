//! `juesuan report`: what a run produced and what to look at, in one screen,
//! read back from the emitted Parquet as a user would (arrow-rs readers).
//!
//! It leads with trust, because that is what a user filters on: the share of
//! line items and tables the identities verified, then per document needing
//! attention (rejected first, then the lowest verified share) its verified
//! share, the tables to look at, its error and its failed checks with the
//! largest differences. Then the rest of the archive: documents by status
//! (partial broken down by reason), year and shape, distinct reports, rows per
//! dataset, flags, the checks' pass rate and failed checks by id. `--json`
//! gives the same as one JSON object.

use std::collections::{BTreeMap, BTreeSet, HashMap};
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

#[derive(Default, Clone, serde::Serialize)]
struct Doc {
    path: String,
    report_id: Option<String>,
    status: String,
    shape: String,
    year: Option<i32>,
    tables: i32,
    tables_verified: i32,
    items: i32,
    /// Line items verified (read back from line_items).
    items_verified: i32,
    /// Tables with an unverified amount, a failed check or a loss named in
    /// the error: the ones to look at.
    look_at: BTreeSet<String>,
    indicators: i32,
    facts: i32,
    failed: i32,
    error: String,
}

#[derive(serde::Serialize)]
struct Failure {
    check: String,
    table: String,
    code: String,
    column: String,
    #[serde(serialize_with = "as_text")]
    expected: Amount,
    #[serde(serialize_with = "as_text")]
    actual: Amount,
}

/// Money as exact decimal text in JSON (never a float).
fn as_text<S: serde::Serializer>(a: &Amount, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(a)
}

impl Failure {
    /// `fact_vs_table.*` compares the prose (actual) with the table (expected):
    /// say which is which; other checks compare a sum of parts with a total.
    fn describe(&self) -> String {
        let at: Vec<&str> = [
            self.table.as_str(),
            self.code.as_str(),
            self.column.as_str(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
        let off = (self.expected - self.actual).abs();
        if self.check.starts_with("fact_vs_table.") {
            format!(
                "{}: the prose states {}, the table ({}) prints {} (off by {off})",
                self.check,
                self.actual,
                at.join(" "),
                self.expected
            )
        } else {
            format!(
                "{} ({}): parts sum to {}, the total printed is {} (off by {off})",
                self.check,
                at.join(" "),
                self.expected,
                self.actual
            )
        }
    }
}

/// Why a document is `partial`, read from the sentences of its `error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartialReason {
    ChecksFailed,
    Unverified,
    NotRead,
    Unplaced,
    NoStandardTable,
    Encoding,
    Other,
}

impl PartialReason {
    pub fn as_str(self) -> &'static str {
        match self {
            PartialReason::ChecksFailed => "checks failed",
            PartialReason::Unverified => "amounts unverified",
            PartialReason::NotRead => "printed figures not read",
            PartialReason::Unplaced => "amounts not placed",
            PartialReason::NoStandardTable => "no standard table in the text",
            PartialReason::Encoding => "encoding uncertain",
            PartialReason::Other => "other",
        }
    }

    /// The reasons one `error` gives (each once).
    pub fn of(error: &str) -> BTreeSet<PartialReason> {
        const MARKS: [(&str, PartialReason); 9] = [
            ("off by", PartialReason::ChecksFailed),
            ("prose states", PartialReason::ChecksFailed),
            ("check(s)", PartialReason::ChecksFailed),
            ("checks failed", PartialReason::ChecksFailed),
            ("unverified", PartialReason::Unverified),
            ("not read", PartialReason::NotRead),
            ("none read", PartialReason::NotRead),
            ("not placed", PartialReason::Unplaced),
            ("no standard table", PartialReason::NoStandardTable),
        ];
        // Matched on the whole error: its sentences are joined by "; ", which
        // also occurs inside some of them.
        let mut out: BTreeSet<PartialReason> = MARKS
            .iter()
            .filter(|(mark, _)| error.contains(mark))
            .map(|(_, r)| *r)
            .collect();
        if error.contains("could not be decoded") || error.contains("weak evidence") {
            out.insert(PartialReason::Encoding);
        }
        if out.is_empty() {
            out.insert(PartialReason::Other);
        }
        out
    }
}

fn for_each_batch(
    root: &Path,
    ds: Dataset,
    mut f: impl FnMut(&RecordBatch),
) -> Result<usize, ReportError> {
    let dir = root.join(ds.name());
    // The tables of sharded runs also hold parts no version lists.
    let files = match crate::delta::live_files(&dir) {
        Ok(Some(live)) => live,
        Ok(None) => parquet_files(&dir),
        Err(e) => {
            return Err(ReportError::Read {
                path: dir,
                message: e.to_string(),
            });
        }
    };
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

/// What `juesuan report` shows, read back from an output folder.
pub struct Report {
    root: PathBuf,
    opts: ReportOptions,
    docs: Vec<Doc>,
    /// Failed checks kept per document, largest differences first.
    failures: HashMap<String, Vec<Failure>>,
    failed_by_check: BTreeMap<String, usize>,
    checks_passed: usize,
    checks_failed: usize,
    rows: Vec<(Dataset, usize)>,
    /// line_items rows per flag, and how many are verified.
    flags: BTreeMap<String, usize>,
    verified: usize,
}

impl Report {
    /// Reads the datasets under `root`.
    pub fn read(root: &Path, opts: ReportOptions) -> Result<Report, ReportError> {
        let mut docs: Vec<Doc> = Vec::new();
        let n = for_each_batch(root, Dataset::Documents, |b| {
            let (path, status, shape, error, report_id) = (
                strs(b, "source_path"),
                strs(b, "status"),
                strs(b, "shape"),
                strs(b, "error"),
                strs(b, "report_id"),
            );
            let tables_verified = ints(b, "tables_verified");
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
                    report_id: report_id[i].clone(),
                    status: status[i].clone().unwrap_or_default(),
                    shape: shape[i].clone().unwrap_or_else(|| "-".into()),
                    year: year[i],
                    tables: tables[i].unwrap_or(0),
                    tables_verified: tables_verified[i].unwrap_or(0),
                    items: items[i].unwrap_or(0),
                    items_verified: 0,
                    look_at: tables_named(error[i].as_deref().unwrap_or_default()),
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

        let mut failures: HashMap<String, Vec<Failure>> = HashMap::new();
        let mut failed_by_check: BTreeMap<String, usize> = BTreeMap::new();
        let (mut checks_passed, mut checks_failed) = (0usize, 0usize);
        let mut failed_tables: HashMap<String, BTreeSet<String>> = HashMap::new();
        for_each_batch(root, Dataset::Checks, |b| {
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
                    checks_passed += 1;
                    continue;
                }
                checks_failed += 1;
                if let Some(t) = &table[i] {
                    failed_tables
                        .entry(path[i].clone().unwrap_or_default())
                        .or_default()
                        .insert(t.clone());
                }
                let id = check[i].clone().unwrap_or_default();
                *failed_by_check.entry(id.clone()).or_default() += 1;
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
        let mut rows: Vec<(Dataset, usize)> = vec![(Dataset::Documents, docs.len())];
        let mut flags: BTreeMap<String, usize> = BTreeMap::new();
        let mut verified = 0usize;
        let mut items = 0usize;
        // Per document: verified line items, tables holding unverified ones.
        let mut per_doc: HashMap<String, (i32, BTreeSet<String>)> = HashMap::new();
        for_each_batch(root, Dataset::LineItems, |b| {
            items += b.num_rows();
            if let Some(c) = b.column_by_name("flags") {
                let lists = c.as_list::<i32>();
                let values = lists.values().as_string::<i32>();
                for i in 0..values.len() {
                    *flags.entry(values.value(i).to_string()).or_default() += 1;
                }
            }
            if let Some(c) = b.column_by_name("verified") {
                let flags = c.as_boolean();
                verified += flags.true_count();
                let (path, table) = (strs(b, "source_path"), strs(b, "table_code"));
                for i in 0..b.num_rows() {
                    let e = per_doc
                        .entry(path[i].clone().unwrap_or_default())
                        .or_default();
                    if flags.value(i) {
                        e.0 += 1;
                    } else if let Some(t) = &table[i] {
                        e.1.insert(t.clone());
                    }
                }
            }
        })?;
        for d in &mut docs {
            if let Some((v, unverified)) = per_doc.remove(&d.path) {
                d.items_verified = v;
                d.look_at.extend(unverified);
            }
            if let Some(t) = failed_tables.remove(&d.path) {
                d.look_at.extend(t);
            }
        }
        rows.push((Dataset::LineItems, items));
        for ds in [Dataset::Indicators, Dataset::Facts] {
            let mut k = 0;
            for_each_batch(root, ds, |b| k += b.num_rows())?;
            rows.push((ds, k));
        }
        rows.push((Dataset::Checks, checks_passed + checks_failed));
        Ok(Report {
            root: root.to_path_buf(),
            opts,
            docs,
            failures,
            failed_by_check,
            checks_passed,
            checks_failed,
            rows,
            flags,
            verified,
        })
    }

    fn count_status(&self, status: &str) -> usize {
        self.docs.iter().filter(|d| d.status == status).count()
    }

    /// Documents per reason of `partial` (a document counts under each of its reasons).
    fn partial_reasons(&self) -> BTreeMap<PartialReason, usize> {
        let mut m = BTreeMap::new();
        for d in self.docs.iter().filter(|d| d.status == "partial") {
            for r in PartialReason::of(&d.error) {
                *m.entry(r).or_default() += 1;
            }
        }
        m
    }

    /// Distinct reports among the documents that yielded rows: renderings of
    /// one report share a report_id; without one a file counts alone.
    fn reports(&self) -> usize {
        let mut ids = BTreeSet::new();
        let mut alone = 0;
        for d in self.docs.iter().filter(|d| d.status != "rejected") {
            match &d.report_id {
                Some(id) => {
                    ids.insert(id.as_str());
                }
                None => alone += 1,
            }
        }
        ids.len() + alone
    }

    fn pass_rate(&self) -> Option<f64> {
        let total = self.checks_passed + self.checks_failed;
        (total > 0).then(|| self.checks_passed as f64 / total as f64)
    }

    /// The documents listed: needing attention (or all), worst first.
    fn listed(&self) -> Vec<&Doc> {
        let rank = |d: &Doc| match d.status.as_str() {
            "rejected" => 0,
            "partial" => 1,
            _ => 2,
        };
        let mut listed: Vec<&Doc> = self
            .docs
            .iter()
            .filter(|d| self.opts.all || d.status != "ok")
            .collect();
        // Verified share as a fraction compared exactly: a·d vs c·b.
        let share = |d: &Doc| {
            (
                i64::from(d.items_verified.max(0)),
                i64::from(d.items.max(1)),
            )
        };
        listed.sort_by(|a, b| {
            let ((av, at), (bv, bt)) = (share(a), share(b));
            rank(a)
                .cmp(&rank(b))
                .then((av * bt).cmp(&(bv * at)))
                .then(b.failed.cmp(&a.failed))
                .then(a.path.cmp(&b.path))
        });
        listed
    }

    /// The report as one JSON object (`juesuan report --json`).
    pub fn json(&self) -> serde_json::Value {
        let listed = self.listed();
        let shown = if self.opts.all {
            listed.len()
        } else {
            listed.len().min(self.opts.documents)
        };
        let documents: Vec<serde_json::Value> = listed[..shown]
            .iter()
            .map(|d| {
                let mut v = serde_json::to_value(d).expect("serialisable");
                let failed: Vec<serde_json::Value> = self
                    .failures
                    .get(&d.path)
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                    .iter()
                    .map(|f| {
                        let mut j = serde_json::to_value(f).expect("serialisable");
                        j["description"] = f.describe().into();
                        j
                    })
                    .collect();
                v["failed_checks"] = failed.into();
                v
            })
            .collect();
        let mut years: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
        let mut shapes: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &self.docs {
            let y = d
                .year
                .map(|y| y.to_string())
                .unwrap_or_else(|| "unknown".into());
            *years
                .entry(y)
                .or_default()
                .entry(d.status.as_str())
                .or_default() += 1;
            *shapes.entry(d.shape.as_str()).or_default() += 1;
        }
        let reasons: BTreeMap<&str, usize> = self
            .partial_reasons()
            .into_iter()
            .map(|(r, n)| (r.as_str(), n))
            .collect();
        serde_json::json!({
            "output": self.root.display().to_string(),
            "documents": self.docs.len(),
            "reports": self.reports(),
            "status": {
                "ok": self.count_status("ok"),
                "partial": self.count_status("partial"),
                "rejected": self.count_status("rejected"),
            },
            "partial_by_reason": reasons,
            "by_fiscal_year": years,
            "by_shape": shapes,
            "rows": self.rows.iter().map(|(d, n)| (d.name(), *n)).collect::<BTreeMap<_, _>>(),
            "line_items_verified": self.verified,
            "tables_found": self.docs.iter().map(|d| d.tables.max(0) as usize).sum::<usize>(),
            "tables_verified": self.docs.iter().map(|d| d.tables_verified.max(0) as usize).sum::<usize>(),
            "flags": self.flags,
            "checks": {
                "passed": self.checks_passed,
                "failed": self.checks_failed,
                "pass_rate": self.pass_rate(),
                "failed_by_check": self.failed_by_check,
            },
            "listed": documents,
            "listed_total": listed.len(),
        })
    }

    /// The report as text for a person: trust first, then the documents to
    /// look at, then the archive.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "juesuan report: {} ({} documents, {} distinct reports)",
            self.root.display(),
            self.docs.len(),
            self.reports()
        );
        let items = self
            .rows
            .iter()
            .find(|(d, _)| *d == Dataset::LineItems)
            .map(|(_, n)| *n)
            .unwrap_or(0);
        let (found, tables_verified) = self.docs.iter().fold((0, 0), |(f, v), d| {
            (
                f + d.tables.max(0) as usize,
                v + d.tables_verified.max(0) as usize,
            )
        });
        let _ = writeln!(
            o,
            "  trust: {} of {items} line items verified ({}), {tables_verified} of {found} tables verified ({}), {} of {} documents ok",
            self.verified,
            percent(self.verified, items),
            percent(tables_verified, found),
            self.count_status("ok"),
            self.docs.len()
        );
        let _ = writeln!(
            o,
            "  status: {} ok, {} partial, {} rejected",
            self.count_status("ok"),
            self.count_status("partial"),
            self.count_status("rejected")
        );
        let reasons = self.partial_reasons();
        if !reasons.is_empty() {
            let mut v: Vec<(PartialReason, usize)> = reasons.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let v: Vec<String> = v
                .iter()
                .map(|(r, n)| format!("{} {n}", r.as_str()))
                .collect();
            let _ = writeln!(o, "  partial by reason: {}", v.join(", "));
        }

        let listed = self.listed();
        let shown = listed.len().min(if self.opts.all {
            usize::MAX
        } else {
            self.opts.documents
        });
        if listed.is_empty() {
            let _ = writeln!(o, "\nEvery document is ok.");
        } else {
            let _ = writeln!(
                o,
                "\n{}{}:",
                crate::pipeline::count(listed.len(), "document"),
                if self.opts.all {
                    ""
                } else {
                    " need attention (rejected first, then the lowest verified share)"
                }
            );
        }
        for d in &listed[..shown] {
            let share = if d.tables == 0 {
                "no standard table".to_string()
            } else if d.items > 0 {
                format!(
                    "{} verified ({} of {} line items)",
                    percent(d.items_verified.max(0) as usize, d.items as usize),
                    d.items_verified,
                    d.items
                )
            } else {
                "no line item".to_string()
            };
            let look = if d.look_at.is_empty() {
                String::new()
            } else {
                let t: Vec<&str> = d.look_at.iter().map(String::as_str).collect();
                format!("; look at table {}", t.join(", "))
            };
            let tables = if d.tables == 0 {
                String::new()
            } else {
                format!(", {} of {} tables verified", d.tables_verified, d.tables)
            };
            let _ = writeln!(o, "  {} [{}] {share}{tables}{look}", d.path, d.status);
            let _ = writeln!(
                o,
                "      {} indicators, {} facts, {} failed checks",
                d.indicators, d.facts, d.failed
            );
            if !d.error.is_empty() {
                let _ = writeln!(o, "      {}", d.error);
            }
            for f in self.failures.get(&d.path).map(Vec::as_slice).unwrap_or(&[]) {
                let _ = writeln!(o, "      {}", f.describe());
            }
        }
        if shown < listed.len() {
            let _ = writeln!(
                o,
                "  … and {} more (juesuan report --documents N)",
                listed.len() - shown
            );
        }

        let _ = writeln!(o, "\narchive:");
        let mut years: BTreeMap<Option<i32>, [usize; 3]> = BTreeMap::new();
        let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
        for d in &self.docs {
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
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|(d, n)| format!("{} {n}", d.name()))
            .collect();
        let _ = writeln!(o, "  rows: {}", rows.join(", "));
        if items > 0 {
            let mut f: Vec<(&String, &usize)> = self.flags.iter().collect();
            f.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let f: Vec<String> = f.iter().map(|(k, n)| format!("{k} {n}")).collect();
            let _ = writeln!(
                o,
                "  line item flags: {}",
                if f.is_empty() {
                    "none".to_string()
                } else {
                    f.join(", ")
                }
            );
        }
        if let Some(rate) = self.pass_rate() {
            let _ = writeln!(
                o,
                "  checks: {} of {} passed ({:.1}%)",
                self.checks_passed,
                self.checks_passed + self.checks_failed,
                100.0 * rate
            );
        }
        if !self.failed_by_check.is_empty() {
            let mut v: Vec<(&String, &usize)> = self.failed_by_check.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let top: Vec<String> = v.iter().take(8).map(|(c, n)| format!("{c} {n}")).collect();
            let _ = writeln!(o, "  failed checks: {}", top.join(", "));
        }
        o
    }
}

/// `n` of `total` as a percentage with one decimal (`-` when there is none).
fn percent(n: usize, total: usize) -> String {
    if total == 0 {
        "-".to_string()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / total as f64)
    }
}

/// The tables an `error` names (`table 03 (支出决算表): …`).
fn tables_named(error: &str) -> BTreeSet<String> {
    error
        .match_indices("table ")
        .filter_map(|(at, m)| {
            let code = error.get(at + m.len()..at + m.len() + 2)?;
            let next = error[at + m.len() + 2..].chars().next();
            (code.bytes().all(|b| b.is_ascii_digit()) && next.is_none_or(|c| !c.is_ascii_digit()))
                .then(|| code.to_string())
        })
        .collect()
}

/// Renders the report of the output folder `root`.
pub fn render(root: &Path, opts: ReportOptions) -> Result<String, ReportError> {
    Ok(Report::read(root, opts)?.render())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_documents_are_told_apart_by_the_sentences_of_their_error() {
        let error = "table 03 (支出决算表): 7 of 24 amounts unverified, t03.total_sum off by 1436.53; \
table 06 (一般公共预算财政拨款基本支出决算明细表): 12 printed figures, none read (the layout was not understood); \
3 byte sequence(s) could not be decoded as UTF-8 and were replaced; check the file's encoding";
        let r: Vec<PartialReason> = PartialReason::of(error).into_iter().collect();
        assert_eq!(
            r,
            vec![
                PartialReason::ChecksFailed,
                PartialReason::Unverified,
                PartialReason::NotRead,
                PartialReason::Encoding,
            ]
        );
        assert_eq!(
            PartialReason::of("something new"),
            [PartialReason::Other].into()
        );
        assert_eq!(
            PartialReason::of(
                "no standard table (01-09) in the text: tables were absent or published as images"
            ),
            [PartialReason::NoStandardTable].into()
        );
    }

    #[test]
    fn the_tables_an_error_names_are_the_ones_to_look_at() {
        let error = "table 03 (支出决算表): 7 of 24 amounts unverified; \
table 06 (一般公共预算财政拨款基本支出决算明细表): 12 printed figures, none read; \
a table 123 is not one; the table 1 neither";
        let t: Vec<String> = tables_named(error).into_iter().collect();
        assert_eq!(t, vec!["03".to_string(), "06".to_string()]);
        assert!(tables_named("").is_empty());
    }

    #[test]
    fn a_fact_check_says_which_side_is_the_prose() {
        let f = Failure {
            check: "fact_vs_table.收入合计".into(),
            table: "01".into(),
            code: String::new(),
            column: "决算数".into(),
            expected: Amount::from_micros(97_340_000),
            actual: Amount::from_micros(97_350_000),
        };
        let d = f.describe();
        assert!(d.contains("the prose states 97.35"), "{d}");
        assert!(d.contains("the table (01 决算数) prints 97.34"), "{d}");
    }
}
