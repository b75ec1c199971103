//! Helpers shared by the integration tests: run the binary, read datasets back
//! with the parquet crate's Arrow reader, and score output against gold files
//! the way `../shared/tools/score.py` does (precision and recall per document).

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Int32Type};
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The output of one run over the shared corpus, made once per test binary.
pub fn corpus_output() -> PathBuf {
    run_once("tests/corpus")
}

/// The hand-checked gold rows of the corpus.
pub fn gold() -> PathBuf {
    root().join("tests/gold")
}

/// Runs `juesuan run` on `input` into `output`; panics with its stderr on failure.
pub fn run_juesuan(input: &Path, output: &Path, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .arg("run")
        .arg("--input")
        .arg(input)
        .arg("--output")
        .arg(output)
        .args(extra)
        .output()
        .expect("start juesuan");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "juesuan run failed: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The output of one run over `input` (relative to the crate), made once per
/// test binary and shared by its tests.
pub fn run_once(input: &str) -> PathBuf {
    static RUNS: std::sync::Mutex<BTreeMap<String, PathBuf>> =
        std::sync::Mutex::new(BTreeMap::new());
    let mut runs = RUNS.lock().unwrap_or_else(|e| e.into_inner());
    runs.entry(input.to_string())
        .or_insert_with(|| {
            let dir = tempfile::Builder::new()
                .prefix("juesuan-test-")
                .tempdir()
                .unwrap()
                .keep();
            run_juesuan(&root().join(input), &dir, &["--quiet"]);
            dir
        })
        .clone()
}

/// What a finished `juesuan` command printed.
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
}

/// Runs `juesuan ARGS` in `cwd` (the crate root when `None`) with `env`,
/// whatever its exit status.
pub fn juesuan(args: &[&str], cwd: Option<&Path>, env: &[(&str, &str)]) -> Ran {
    let out = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args(args)
        .current_dir(cwd.map(Path::to_path_buf).unwrap_or_else(root))
        .envs(env.iter().copied())
        .output()
        .expect("start juesuan");
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The corpus files, sorted.
pub fn corpus_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(root().join("tests/corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// Writes `copies` distinct copies of every corpus file into `dir` (each
/// with a line appended, so that none is a duplicate of another): an
/// archive big enough to stop a run in the middle.
pub fn corpus_copies(dir: &Path, copies: usize) {
    for i in 0..copies {
        for f in corpus_files() {
            let mut bytes = fs::read(&f).unwrap();
            bytes.extend_from_slice(format!("\n{i}\n").as_bytes());
            let name = format!("{i:03}-{}", f.file_name().unwrap().to_string_lossy());
            fs::write(dir.join(name), bytes).unwrap();
        }
    }
}

/// The latest run record of an output folder.
pub fn latest_run_record(out: &Path) -> serde_json::Value {
    let mut v: Vec<PathBuf> = fs::read_dir(out.join("_runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    serde_json::from_str(&fs::read_to_string(v.last().unwrap()).unwrap()).unwrap()
}

/// A cell read back from Parquet, as text (decimals at scale 6 rendered exactly).
pub type Row = BTreeMap<String, Option<String>>;

fn cell(col: &dyn Array, i: usize) -> Option<String> {
    if col.is_null(i) {
        return None;
    }
    use arrow_schema::DataType::*;
    Some(match col.data_type() {
        Utf8 => col.as_string::<i32>().value(i).to_string(),
        Boolean => col.as_boolean().value(i).to_string(),
        Int32 => col.as_primitive::<Int32Type>().value(i).to_string(),
        Int8 => col
            .as_primitive::<arrow_array::types::Int8Type>()
            .value(i)
            .to_string(),
        Int64 => col
            .as_primitive::<arrow_array::types::Int64Type>()
            .value(i)
            .to_string(),
        Decimal128(_, s) => {
            let v = col.as_primitive::<Decimal128Type>().value(i);
            decimal_string(v, *s as u32)
        }
        List(_) => {
            let l = col.as_list::<i32>().value(i);
            let s = l.as_string::<i32>();
            (0..s.len())
                .map(|k| s.value(k).to_string())
                .collect::<Vec<_>>()
                .join(",")
        }
        other => panic!("unexpected type {other}"),
    })
}

pub fn decimal_string(v: i128, scale: u32) -> String {
    let neg = v < 0;
    let a = v.unsigned_abs();
    let p = 10u128.pow(scale);
    let (i, f) = (a / p, a % p);
    let mut s = format!("{}{}", if neg { "-" } else { "" }, i);
    if f != 0 {
        let fs = format!("{f:0width$}", width = scale as usize);
        s.push('.');
        s.push_str(fs.trim_end_matches('0'));
    }
    s
}

/// Every row of a dataset (all partitions), in file order.
pub fn read_dataset(output: &Path, dataset: &str) -> Vec<Row> {
    let files = juesuan::emit::parquet_files(&output.join(dataset));
    let mut rows = Vec::new();
    for f in files {
        let file = fs::File::open(&f).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            let batch: RecordBatch = batch.unwrap();
            let schema = batch.schema();
            for i in 0..batch.num_rows() {
                let mut r = Row::new();
                for (k, field) in schema.fields().iter().enumerate() {
                    r.insert(field.name().clone(), cell(batch.column(k).as_ref(), i));
                }
                rows.push(r);
            }
        }
    }
    rows
}

/// NFKC with white space removed, as score.py does.
fn norm(s: Option<&str>) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.unwrap_or("")
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Money rounded half-up to two decimals, as score.py's `money`.
fn money(s: Option<&str>) -> String {
    let Some(s) = s.filter(|s| !s.is_empty()) else {
        return String::new();
    };
    let s = s.replace(',', "");
    let neg = s.starts_with('-');
    let t = s.trim_start_matches('-');
    let (i, f) = t.split_once('.').unwrap_or((t, ""));
    let mut digits: Vec<u8> = format!("{i}{:0<3}", f).bytes().map(|b| b - b'0').collect();
    // keep 2 decimals, round on the third
    let n = i.len() + 2;
    let round = digits[n] >= 5;
    digits.truncate(n);
    if round {
        let mut k = n;
        loop {
            if k == 0 {
                digits.insert(0, 1);
                break;
            }
            k -= 1;
            if digits[k] == 9 {
                digits[k] = 0;
            } else {
                digits[k] += 1;
                break;
            }
        }
    }
    let int: String = digits[..digits.len() - 2]
        .iter()
        .map(|d| (d + b'0') as char)
        .collect();
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac: String = digits[digits.len() - 2..]
        .iter()
        .map(|d| (d + b'0') as char)
        .collect();
    let zero = int == "0" && frac == "00";
    format!("{}{int}.{frac}", if neg && !zero { "-" } else { "" })
}

/// Precision and recall of one document of one dataset.
#[derive(Debug, Clone, Default)]
pub struct Score {
    pub gold: usize,
    pub pred: usize,
    pub hit: usize,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

impl Score {
    pub fn precision(&self) -> f64 {
        if self.pred == 0 {
            if self.gold == 0 { 1.0 } else { 0.0 }
        } else {
            self.hit as f64 / self.pred as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.hit as f64 / self.gold as f64
        }
    }
}

fn read_tsv(path: &Path) -> Vec<HashMap<String, String>> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .zip(
                    tsv_fields(l)
                        .into_iter()
                        .chain(std::iter::repeat(String::new())),
                )
                .map(|(h, v)| (h.to_string(), v))
                .collect()
        })
        .collect()
}

/// The fields of a TSV line as Python's csv module reads them: a field that
/// starts with `"` is quoted, `""` inside it stands for one `"`.
fn tsv_fields(line: &str) -> Vec<String> {
    line.split('\t')
        .map(
            |f| match f.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
                Some(q) => q.replace("\"\"", "\""),
                None => f.to_string(),
            },
        )
        .collect()
}

type Key = String;
type GoldKey = fn(&HashMap<String, String>) -> Key;
type PredKey = fn(&Row) -> Key;

fn table_key_gold(r: &HashMap<String, String>) -> Key {
    format!(
        "{:0>2}|{}|{}|{}|{}",
        r["table"],
        norm(Some(&r["side"])),
        norm(Some(&r["item"])),
        norm(Some(&r["column"])),
        money(Some(&r["amount"]))
    )
}
fn table_key_pred(r: &Row) -> Key {
    let g = |k: &str| r.get(k).cloned().flatten();
    let item = g("subject_code").or_else(|| g("item"));
    format!(
        "{:0>2}|{}|{}|{}|{}",
        g("table_code").unwrap_or_default(),
        norm(g("side").as_deref()),
        norm(item.as_deref()),
        norm(g("column_name").as_deref()),
        money(g("amount").as_deref())
    )
}
fn ind_key_gold(r: &HashMap<String, String>) -> Key {
    format!(
        "{}|{}|{}|{}|{}",
        norm(Some(&r["project"])),
        norm(Some(&r["name"])),
        norm(Some(&r["target"])),
        norm(Some(&r["actual"])),
        money(Some(&r["score"]))
    )
}
fn ind_key_pred(r: &Row) -> Key {
    let g = |k: &str| r.get(k).cloned().flatten();
    format!(
        "{}|{}|{}|{}|{}",
        norm(g("project").as_deref()),
        norm(g("name").as_deref()),
        norm(g("target_raw").as_deref()),
        norm(g("actual_raw").as_deref()),
        money(g("score").as_deref())
    )
}
fn fact_key_gold(r: &HashMap<String, String>) -> Key {
    format!(
        "{}|{}|{}|{}",
        norm(Some(&r["metric"])),
        money(Some(&r["value"])),
        money(Some(&r["prior_year_change"])),
        money(Some(&r["change_pct"]))
    )
}
fn fact_key_pred(r: &Row) -> Key {
    let g = |k: &str| r.get(k).cloned().flatten();
    format!(
        "{}|{}|{}|{}",
        norm(g("metric").as_deref()),
        money(g("value").as_deref()),
        money(g("prior_year_change").as_deref()),
        money(g("change_pct").as_deref())
    )
}

/// Scores `kind` (`tables`, `indicators`, `facts`) of an output folder against
/// `gold/<kind>/*.tsv`, per source file name.
pub fn score(output: &Path, gold: &Path, kind: &str) -> BTreeMap<String, Score> {
    score_rows(output, gold, kind, |_| true)
}

/// [`score`] of the line items the output vouches for (`verified`): their
/// precision is what an analyst who filters `WHERE verified` gets.
pub fn score_verified(output: &Path, gold: &Path) -> BTreeMap<String, Score> {
    score_rows(output, gold, "tables", |r| {
        r.get("verified").cloned().flatten().as_deref() == Some("true")
    })
}

fn score_rows(
    output: &Path,
    gold: &Path,
    kind: &str,
    keep: impl Fn(&Row) -> bool,
) -> BTreeMap<String, Score> {
    let (dataset, gk, pk, nonzero): (&str, GoldKey, PredKey, bool) = match kind {
        "tables" => ("line_items", table_key_gold, table_key_pred, true),
        "indicators" => ("indicators", ind_key_gold, ind_key_pred, false),
        "facts" => ("facts", fact_key_gold, fact_key_pred, false),
        _ => panic!("unknown kind"),
    };
    let rows = read_dataset(output, dataset);
    let mut by_src: HashMap<String, Vec<&Row>> = HashMap::new();
    for r in rows.iter().filter(|r| keep(r)) {
        let p = r.get("source_path").cloned().flatten().unwrap_or_default();
        let base = p.rsplit('/').next().unwrap_or("").to_string();
        by_src.entry(base).or_default().push(r);
    }
    let mut out = BTreeMap::new();
    let mut files: Vec<PathBuf> = fs::read_dir(gold.join(kind))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    for f in files {
        let g = read_tsv(&f);
        let src = g
            .first()
            .map(|r| r["source"].clone())
            .unwrap_or_else(|| format!("{}.txt", f.file_stem().unwrap().to_string_lossy()));
        let mut gc: HashMap<Key, usize> = HashMap::new();
        for r in &g {
            *gc.entry(gk(r)).or_default() += 1;
        }
        let mut pc: HashMap<Key, usize> = HashMap::new();
        for r in by_src.get(&src).map(Vec::as_slice).unwrap_or(&[]) {
            if nonzero && money(r.get("amount").cloned().flatten().as_deref()) == "0.00" {
                continue;
            }
            *pc.entry(pk(r)).or_default() += 1;
        }
        let mut s = Score {
            gold: gc.values().sum(),
            pred: pc.values().sum(),
            ..Default::default()
        };
        for (k, &n) in &gc {
            let m = pc.get(k).copied().unwrap_or(0);
            s.hit += n.min(m);
            if n > m {
                s.missing.push(k.clone());
            }
        }
        for (k, &m) in &pc {
            if m > gc.get(k).copied().unwrap_or(0) {
                s.extra.push(k.clone());
            }
        }
        s.missing.sort();
        s.extra.sort();
        out.insert(src, s);
    }
    out
}

/// Asserts floors of precision and recall for a document, printing the misses.
pub fn assert_floor(scores: &BTreeMap<String, Score>, src: &str, p: f64, r: f64) {
    let s = scores
        .get(src)
        .unwrap_or_else(|| panic!("no gold for {src}"));
    let msg = format!(
        "{src}: P {:.1}% (floor {:.0}%) R {:.1}% (floor {:.0}%), gold {} pred {} hit {}\n missing: {:#?}\n extra: {:#?}",
        s.precision() * 100.0,
        p * 100.0,
        s.recall() * 100.0,
        r * 100.0,
        s.gold,
        s.pred,
        s.hit,
        &s.missing[..s.missing.len().min(20)],
        &s.extra[..s.extra.len().min(20)]
    );
    assert!(s.precision() >= p && s.recall() >= r, "{msg}");
}
