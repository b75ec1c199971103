//! One document through every stage: bytes in, a `documents` row and the rows
//! of the other datasets out. This is the per-document entry point the run, the
//! fuzz target and the tests share; it never panics on any input (the run
//! additionally catches panics as a last resort).

use crate::check;
use crate::decode::{self, Text};
use crate::extract::{self, BlockShape};
use crate::metadata;
use crate::model::{CheckStatus, DocMeta, DocumentRow, Extracted, Status};
use crate::pdf;
use crate::segment::{self, Segmented};
use std::time::{Duration, Instant};

/// A processed document.
#[derive(Debug)]
pub struct Processed {
    pub row: DocumentRow,
    pub extracted: Extracted,
    pub times: StageTimes,
}

/// Time spent in each stage, summed over documents (CPU time of the threads
/// that ran them, not wall-clock time), for the run summary and benchmarks.
#[derive(Clone, Copy, Debug, Default)]
pub struct StageTimes {
    pub read: Duration,
    pub decode: Duration,
    pub segment: Duration,
    pub extract: Duration,
    pub check: Duration,
    pub emit: Duration,
}

impl StageTimes {
    pub fn add(&mut self, o: &StageTimes) {
        self.read += o.read;
        self.decode += o.decode;
        self.segment += o.segment;
        self.extract += o.extract;
        self.check += o.check;
        self.emit += o.emit;
    }

    /// (stage name, time) in pipeline order.
    pub fn stages(&self) -> [(&'static str, Duration); 6] {
        [
            ("read", self.read),
            ("decode", self.decode),
            ("segment", self.segment),
            ("extract", self.extract),
            ("check", self.check),
            ("emit", self.emit),
        ]
    }
}

/// Stable content hash of the raw bytes: 16 hex characters (XXH3-64).
pub fn doc_id(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// A `documents` row for a file that yields nothing.
pub fn rejected(
    doc_id: String,
    source_path: &str,
    source_bytes: i64,
    error: String,
) -> DocumentRow {
    DocumentRow {
        doc_id,
        source_path: source_path.to_string(),
        source_bytes,
        encoding: None,
        shape: None,
        meta: DocMeta::default(),
        tables_found: 0,
        line_items: 0,
        indicators: 0,
        facts: 0,
        checks_failed: 0,
        tables_verified: 0,
        status: Status::Rejected,
        error: Some(error),
    }
}

/// Runs decode → segment → extract → check on one file's bytes.
pub fn process(source_path: &str, bytes: &[u8]) -> Processed {
    let started = Instant::now();
    let id = doc_id(bytes);
    let size = bytes.len() as i64;
    if pdf::is_pdf(bytes) {
        return process_pdf(id, source_path, bytes, started);
    }
    let decoded = decode::decode(bytes);
    let decode_time = started.elapsed();
    let text = match decoded {
        Ok(t) => t,
        Err(e) => {
            return Processed {
                row: rejected(id, source_path, size, e.to_string()),
                extracted: Extracted::default(),
                times: StageTimes {
                    decode: decode_time,
                    ..Default::default()
                },
            };
        }
    };
    let mut p = process_text(id, source_path, size, &text);
    p.times.decode = decode_time;
    p
}

/// A PDF: its derived text through the same stages, with `shape = pdf`, no
/// encoding and each amount's page.
fn process_pdf(id: String, source_path: &str, bytes: &[u8], started: Instant) -> Processed {
    let size = bytes.len() as i64;
    let derived = pdf::to_text(bytes);
    let decode_time = started.elapsed();
    let mut p = match derived {
        Ok((text, page_of_line)) => {
            let mut p = process_text(id, source_path, size, &text);
            for it in &mut p.extracted.line_items {
                // `source_line` is 1-based in the derived text.
                it.page = (it.source_line as usize)
                    .checked_sub(1)
                    .and_then(|i| page_of_line.get(i).copied());
            }
            p
        }
        Err(e) => Processed {
            row: rejected(id, source_path, size, e.to_string()),
            extracted: Extracted::default(),
            times: StageTimes::default(),
        },
    };
    p.row.encoding = None;
    p.row.shape = Some("pdf");
    p.times.decode = decode_time;
    p
}

/// The stages after decoding.
pub fn process_text(id: String, source_path: &str, size: i64, text: &Text) -> Processed {
    let mut row = rejected(id, source_path, size, String::new());
    row.encoding = Some(text.encoding.to_string());
    if let Some(kind) = foreign_format(text) {
        row.error = Some(kind);
        return Processed {
            row,
            extracted: Extracted::default(),
            times: StageTimes::default(),
        };
    }
    let mut times = StageTimes::default();
    let mut clock = Instant::now();
    let mut lap = || {
        let now = Instant::now();
        let d = now - clock;
        clock = now;
        d
    };
    let seg = segment::segment(text);
    times.segment = lap();
    let ocr = looks_ocr(text);
    let facts = extract::facts::extract(text, &seg);
    let tables = crate::table::read_tables(text, &seg, &facts, ocr);
    let ind = extract::indicators::extract(text, &seg);
    times.extract = lap();
    let mut ex = Extracted {
        line_items: tables.items,
        indicators: ind.indicators,
        evaluations: ind.evaluations,
        facts,
        checks: Vec::new(),
    };
    // A table found with its header and no figure printed states zeros.
    let printed_empty: Vec<_> = tables
        .found
        .iter()
        .filter(|f| f.figures == 0 && f.emitted == 0)
        .map(|f| f.table)
        .collect();
    let lossy: Vec<_> = tables
        .found
        .iter()
        .filter(|f| f.lost() > 0)
        .map(|f| f.table)
        .collect();
    ex.checks = check::run(
        &mut ex,
        &check::Printed {
            empty_tables: &printed_empty,
            full_hierarchy: true,
            lossy_tables: &lossy,
            vouching: true,
        },
    );
    // A zero read in a table that lost printed figures may stand where a
    // lost figure was printed, and zeros satisfy every sum: not verified.
    for it in ex
        .line_items
        .iter_mut()
        .filter(|i| i.verified && i.amount.is_zero() && lossy.contains(&i.table))
    {
        it.verified = false;
        it.add_flag(crate::model::Flag::Unverified);
    }
    let metadata = metadata::review(text, &seg);
    ex.checks.extend(metadata.checks);
    let mut listed = contents_listed(text, &seg, &tables.found);
    let implied = implied_missing(&tables.found, &ex, &listed);
    listed.extend(implied.iter().map(|i| completeness(i.table, false)));
    ex.checks.extend(listed.iter().cloned());
    times.check = lap();

    row.meta = seg.meta.clone();
    let ledger = TableLedger::new(&tables.found, &ex);
    row.tables_found = ledger.tables.len() as i32;
    row.tables_verified = ledger.tables.iter().filter(|t| t.verified()).count() as i32;
    row.line_items = ex.line_items.len() as i32;
    row.indicators = ex.indicators.len() as i32;
    row.facts = ex.facts.len() as i32;
    row.checks_failed = ex
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .count() as i32;
    let figures: usize = tables.found.iter().map(|f| f.figures).sum();
    row.shape = Some(if seg.page_text {
        "html_text"
    } else {
        shape_of(&tables.found, figures, ind.shape, ocr)
    });

    let mut problems: Vec<String> = Vec::new();
    if !text.confident {
        problems.push(if text.replaced > 0 {
            format!("{} byte sequence(s) could not be decoded as {} and were replaced; check the file's encoding", text.replaced, text.encoding)
        } else {
            format!("encoding guessed as {} on weak evidence; check the text", text.encoding)
        });
    }
    let disclosure = is_disclosure(text, &seg);
    if !disclosure && ex.line_items.is_empty() && ex.indicators.is_empty() && ex.facts.is_empty() {
        row.status = Status::Rejected;
        problems.insert(0, "not a departmental accounts disclosure: no 决算/预算 title, standard table, self-evaluation table or 情况说明 found".to_string());
        row.error = Some(problems.join("; "));
        return Processed {
            row,
            extracted: Extracted::default(),
            times,
        };
    }
    if tables.found.is_empty() {
        problems.push("no standard table (01-09) in the text: tables were absent or published as images; only the narrative and attachments were read".to_string());
    }
    problems.extend(ledger.problems());
    // Tables published as images are said once above, not table by table.
    if !tables.found.is_empty() {
        for i in &implied {
            problems.push(format!(
                "table {} ({}): not found in the body, though {} states a figure it details: {} (completeness.table_missing)",
                i.table.code(),
                i.table.name(),
                match i.by {
                    Some(t) => format!("table {}", t.code()),
                    None => "the prose".to_string(),
                },
                i.evidence
            ));
        }
        for c in listed.iter().filter(|c| c.status == CheckStatus::Fail) {
            let t = crate::vocab::Table::ALL
                .into_iter()
                .find(|t| Some(t.code()) == c.table_code);
            problems.push(format!(
                "table {} ({}): listed in the contents (目录) but not found in the body (completeness.table_missing)",
                c.table_code.unwrap_or("?"),
                t.map(|t| t.name()).unwrap_or("?")
            ));
        }
    }
    // The empty template leaves the name blank (XX局) by design.
    if row.shape != Some("empty_template") {
        problems.extend(metadata.problems);
    }
    let other_failures = ex
        .checks
        .iter()
        .filter(|c| {
            c.status == CheckStatus::Fail
                && c.table_code.is_none()
                && !c.check.starts_with("metadata.")
                && !c.check.starts_with("completeness.")
        })
        .count();
    if other_failures > 0 {
        problems.push(format!(
            "{other_failures} check(s) outside the standard tables failed; see the checks dataset"
        ));
    }
    row.status = if problems.is_empty() {
        Status::Ok
    } else {
        Status::Partial
    };
    row.error = (!problems.is_empty()).then(|| problems.join("; "));
    Processed {
        row,
        extracted: ex,
        times,
    }
}

/// What each standard table printed, gave and proved: the basis of
/// `tables_verified`, the status and the error's sentence per table.
struct TableLedger<'a> {
    tables: Vec<TableAccount<'a>>,
}

struct TableAccount<'a> {
    table: crate::vocab::Table,
    figures: usize,
    emitted: usize,
    unplaced: usize,
    lost: usize,
    unverified: usize,
    failed: Vec<&'a crate::model::Check>,
}

impl TableAccount<'_> {
    fn verified(&self) -> bool {
        self.unverified == 0 && self.unplaced == 0 && self.lost == 0 && self.failed.is_empty()
    }
}

impl<'a> TableLedger<'a> {
    fn new(found: &[extract::FoundTable], ex: &'a Extracted) -> Self {
        let mut tables: Vec<TableAccount<'a>> = Vec::new();
        for f in found {
            let acc = match tables.iter_mut().find(|t| t.table == f.table) {
                Some(a) => a,
                None => {
                    tables.push(TableAccount {
                        table: f.table,
                        figures: 0,
                        emitted: 0,
                        unplaced: 0,
                        lost: 0,
                        unverified: 0,
                        failed: Vec::new(),
                    });
                    tables.last_mut().expect("pushed")
                }
            };
            acc.figures += f.figures;
            acc.emitted += f.emitted;
            acc.unplaced += f.unplaced;
            acc.lost += f.lost();
        }
        for it in &ex.line_items {
            if let Some(acc) = tables.iter_mut().find(|t| t.table == it.table)
                && !it.verified
            {
                acc.unverified += 1;
            }
        }
        for c in ex.checks.iter().filter(|c| c.status == CheckStatus::Fail) {
            if let Some(acc) = tables
                .iter_mut()
                .find(|t| Some(t.table.code()) == c.table_code)
            {
                acc.failed.push(c);
            }
        }
        tables.sort_by_key(|t| t.table);
        TableLedger { tables }
    }

    /// One sentence per table that is not verified, naming what is wrong.
    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in self.tables.iter().filter(|t| !t.verified()) {
            let mut what: Vec<String> = Vec::new();
            if t.emitted == 0 && t.figures > 0 {
                what.push(format!(
                    "{} printed figures, none read (the layout was not understood)",
                    t.figures
                ));
            } else if t.lost > 0 {
                what.push(format!(
                    "{} of {} printed figures not read",
                    t.lost, t.figures
                ));
            }
            if t.unplaced > 0 {
                what.push(format!(
                    "{} amount(s) seen but not placed in a row and column",
                    t.unplaced
                ));
            }
            if t.unverified > 0 {
                what.push(format!(
                    "{} of {} amounts unverified",
                    t.unverified, t.emitted
                ));
            }
            if let Some(worst) = t
                .failed
                .iter()
                .max_by_key(|c| (c.expected - c.actual).abs())
            {
                let at = worst
                    .subject_code
                    .as_deref()
                    .map(|c| format!(" at {c}"))
                    .unwrap_or_default();
                let more = if t.failed.len() > 1 {
                    format!(" ({} checks failed)", t.failed.len())
                } else {
                    String::new()
                };
                // A fact check's total is the prose, its one part the table.
                let detail = if worst.check.starts_with("fact_vs_table.") && t.figures == 0 {
                    format!(
                        ": the prose states {}, the table is printed empty (zeros)",
                        worst.actual
                    )
                } else if worst.check.starts_with("fact_vs_table.") {
                    format!(
                        ": the prose states {}, the table prints {}",
                        worst.actual, worst.expected
                    )
                } else {
                    format!(" off by {}", (worst.expected - worst.actual).abs())
                };
                what.push(format!("{}{at}{detail}{more}", worst.check));
            }
            out.push(format!(
                "table {} ({}): {}",
                t.table.code(),
                t.table.name(),
                what.join(", ")
            ));
        }
        out
    }
}

/// Text that is another format saved as .txt: an HTML page, a JSON/XML dump.
fn foreign_format(text: &Text) -> Option<String> {
    let head: String = (0..text.len().min(20))
        .map(|i| text.raw_line(i))
        .collect::<Vec<_>>()
        .join("\n");
    let h = head.trim_start().to_ascii_lowercase();
    if h.starts_with("<!doctype html")
        || h.starts_with("<html")
        || (h.starts_with("<?xml") && h.contains("<html"))
    {
        return Some(
            "an HTML page (a saved web or error page), not the text of a disclosure".to_string(),
        );
    }
    None
}

fn is_disclosure(text: &Text, seg: &Segmented) -> bool {
    if !seg.tables.is_empty() {
        return true;
    }
    let n = text.len().min(4000);
    let mut hits = 0;
    for i in 0..n {
        let l = text.line(i);
        for k in ["决算", "預算", "决算", "预算", "绩效", "三公", "财政拨款"] {
            if l.contains(k) {
                hits += 1;
            }
        }
        if hits >= 3 {
            return true;
        }
    }
    false
}

/// OCR output: spaced numbers ("3, 042. 92"), markup debris, Hangul in Chinese
/// text, markdown list marks.
pub fn looks_ocr(text: &Text) -> bool {
    let mut signals = 0;
    for i in 0..text.len() {
        let raw = text.raw_line(i).as_bytes();
        // Markup debris: <u>, </u>, <i>.
        if raw.contains(&b'<') {
            let l = text.raw_line(i);
            if l.contains("<u>") || l.contains("<i>") || l.contains("</u>") {
                signals += 1;
            }
        }
        // Hangul (UTF-8 lead bytes EA..ED cover U+A000..U+DFFF; confirm by char).
        if raw.iter().any(|&b| (0xEA..=0xED).contains(&b))
            && text
                .raw_line(i)
                .chars()
                .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
        {
            signals += 1;
        }
        // A space after a separator inside a number: "3, 042. 92".
        if raw.windows(4).any(|w| {
            w[2] == b' '
                && (w[1] == b'.' || w[1] == b',')
                && w[0].is_ascii_digit()
                && w[3].is_ascii_digit()
        }) {
            signals += 1;
        }
        if signals >= 5 {
            return true;
        }
    }
    false
}

/// A `completeness.table_missing` row: expected and actual count the table,
/// 1 and 1 when the body has it, 1 and 0 when it is absent.
fn completeness(t: crate::vocab::Table, present: bool) -> crate::model::Check {
    crate::model::Check {
        check: "completeness.table_missing".to_string(),
        table_code: Some(t.code()),
        subject_code: None,
        column: None,
        expected: crate::amount::Amount::from_int(1),
        actual: crate::amount::Amount::from_int(i64::from(present)),
        status: if present {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        },
    }
}

/// Tables absent from the body that the other tables or the prose imply
/// (a non-zero figure the same identity ties to them), not already reported
/// missing from the 目录. Nothing is implied when no table was found at all
/// (tables published as images are said once).
fn implied_missing(
    found: &[extract::FoundTable],
    ex: &Extracted,
    listed: &[crate::model::Check],
) -> Vec<crate::table::identity::Implied> {
    if found.is_empty() {
        return Vec::new();
    }
    let present: Vec<crate::vocab::Table> = found.iter().map(|f| f.table).collect();
    let cell = |k: &crate::table::identity::CellKey| {
        ex.line_items
            .iter()
            .find(|i| {
                i.table == k.table
                    && i.side == k.side
                    && i.column == k.column
                    && i.subject_code.as_deref().unwrap_or(&i.item) == k.row
            })
            .map(|i| i.amount)
    };
    let fact = |m: &str| ex.facts.iter().find(|f| f.metric == m).map(|f| f.value);
    crate::table::identity::implied_tables(&present, cell, fact)
        .into_iter()
        .filter(|i| {
            !listed
                .iter()
                .any(|c| c.table_code == Some(i.table.code()) && c.status == CheckStatus::Fail)
        })
        .collect()
}

/// `completeness.table_missing`, one row per standard table the 目录 lists:
/// `pass` when the body has it, `fail` when it is absent (a table removed
/// from a report whose contents still list it). Expected and actual count
/// the table: 1 and 1, or 1 and 0.
fn contents_listed(
    text: &Text,
    seg: &Segmented,
    found: &[extract::FoundTable],
) -> Vec<crate::model::Check> {
    let Some(toc) = &seg.toc else {
        return Vec::new();
    };
    let mut listed: Vec<crate::vocab::Table> = toc
        .clone()
        .filter_map(|i| crate::vocab::classify_title(text.line(i)))
        .collect();
    listed.sort();
    listed.dedup();
    listed
        .into_iter()
        .map(|t| completeness(t, found.iter().any(|f| f.table == t)))
        .collect()
}

/// Every value `documents.shape` takes (CONTRACT §1 in snake_case, and `pdf`
/// for PDF files). The incremental reader maps stored values back through it.
pub const SHAPES: &[&str] = &[
    "tab_separated",
    "ocr_markdown",
    "flattened_pdf",
    "cell_per_line",
    "narrative_only",
    "pdftotext_layout",
    "pdftotext_raw",
    "row_major_flat",
    "html_text",
    "empty_template",
    "pdf",
];

/// The document's dominant shape, in the vocabulary of CONTRACT §1
/// (snake_case): `tab_separated`, `ocr_markdown`, `flattened_pdf`,
/// `cell_per_line`, `narrative_only`, `pdftotext_layout`, `pdftotext_raw`,
/// `empty_template`; `html_text` (crawler page text) is decided by
/// segmentation, before this.
fn shape_of(
    found: &[extract::FoundTable],
    figures: usize,
    indicator_shape: Option<&'static str>,
    ocr: bool,
) -> &'static str {
    if !found.is_empty() {
        // Only blocks that print no figure at all are an empty template;
        // figures that were not read are a loss, reported as such.
        if figures == 0 {
            return "empty_template";
        }
        let tabs = found.iter().filter(|f| f.shape == BlockShape::Tabs).count();
        let aligned = found
            .iter()
            .filter(|f| f.shape == BlockShape::Aligned)
            .count();
        let flat = found.iter().filter(|f| f.shape == BlockShape::Flat).count();
        let major = found.len() - tabs - aligned - flat;
        let most = tabs.max(aligned).max(flat).max(major);
        return if tabs == most {
            if ocr { "ocr_markdown" } else { "tab_separated" }
        } else if aligned == most {
            "pdftotext_layout"
        } else if flat == most {
            "row_major_flat"
        } else {
            "pdftotext_raw"
        };
    }
    indicator_shape.unwrap_or("narrative_only")
}
