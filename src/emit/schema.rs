//! The Arrow schemas of the contract's datasets (CONTRACT §3), and the
//! conversion of rows into record batches.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Decimal128Builder, Int8Builder, Int32Builder, Int64Builder, ListBuilder,
    StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};

use crate::amount::Amount;
use crate::model::{Check, DocumentRow, Fact, Indicator, LineItem};

/// Precision and scale of money columns: `decimal(22,6)` in 万元.
pub const MONEY_PRECISION: u8 = 22;
pub const MONEY_SCALE: i8 = 6;

/// The five datasets, in the order they are written and listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dataset {
    Documents,
    LineItems,
    Indicators,
    Facts,
    Checks,
}

impl Dataset {
    pub const ALL: [Dataset; 5] = [
        Dataset::Documents,
        Dataset::LineItems,
        Dataset::Indicators,
        Dataset::Facts,
        Dataset::Checks,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dataset::Documents => "documents",
            Dataset::LineItems => "line_items",
            Dataset::Indicators => "indicators",
            Dataset::Facts => "facts",
            Dataset::Checks => "checks",
        }
    }

    pub fn from_name(s: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.name() == s)
    }

    /// One sentence for `juesuan schema`.
    pub fn about(self) -> &'static str {
        match self {
            Dataset::Documents => "one row per input file, whatever happened to it",
            Dataset::LineItems => "one row per printed amount of a standard table (01-09)",
            Dataset::Indicators => "one row per performance indicator of a self-evaluation table",
            Dataset::Facts => "key figures stated in the 情况说明 prose",
            Dataset::Checks => "accounting identities tested on what was extracted",
        }
    }

    pub fn schema(self) -> SchemaRef {
        let s = |n: &str| Field::new(n, DataType::Utf8, true);
        let req = |n: &str| Field::new(n, DataType::Utf8, false);
        let i32f = |n: &str| Field::new(n, DataType::Int32, true);
        let money =
            |n: &str| Field::new(n, DataType::Decimal128(MONEY_PRECISION, MONEY_SCALE), true);
        let common = || {
            vec![
                req("doc_id"),
                req("source_path"),
                i32f("fiscal_year"),
                s("department"),
            ]
        };
        let fields = match self {
            Dataset::Documents => vec![
                req("doc_id"),
                req("source_path"),
                Field::new("source_bytes", DataType::Int64, false),
                s("encoding"),
                s("shape"),
                s("department"),
                s("region"),
                i32f("fiscal_year"),
                s("report_kind"),
                s("report_id"),
                Field::new("tables_found", DataType::Int32, false),
                Field::new("line_items", DataType::Int32, false),
                Field::new("indicators", DataType::Int32, false),
                Field::new("facts", DataType::Int32, false),
                Field::new("checks_failed", DataType::Int32, false),
                Field::new("tables_verified", DataType::Int32, false),
                req("status"),
                s("error"),
            ],
            Dataset::LineItems => {
                let mut f = common();
                f.extend([
                    req("table_code"),
                    req("table_name"),
                    s("side"),
                    s("subject_code"),
                    Field::new("subject_level", DataType::Int8, true),
                    req("item"),
                    i32f("line_no"),
                    req("column_name"),
                    Field::new(
                        "amount",
                        DataType::Decimal128(MONEY_PRECISION, MONEY_SCALE),
                        false,
                    ),
                    req("raw"),
                    Field::new("source_line", DataType::Int32, false),
                    i32f("page"),
                    Field::new(
                        "flags",
                        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                        false,
                    ),
                    Field::new("verified", DataType::Boolean, false),
                ]);
                f
            }
            Dataset::Indicators => {
                let mut f = common();
                f.extend([
                    req("scope"),
                    s("project"),
                    s("goal"),
                    s("level1"),
                    s("level2"),
                    req("name"),
                    s("target_raw"),
                    s("actual_raw"),
                    money("target_value"),
                    money("actual_value"),
                    s("target_unit"),
                    s("actual_unit"),
                    s("target_op"),
                    money("weight"),
                    money("score"),
                    s("note"),
                    Field::new("source_line", DataType::Int32, false),
                ]);
                f
            }
            Dataset::Facts => {
                let mut f = common();
                f.extend([
                    s("section"),
                    req("metric"),
                    Field::new(
                        "value",
                        DataType::Decimal128(MONEY_PRECISION, MONEY_SCALE),
                        false,
                    ),
                    money("prior_year_change"),
                    money("change_pct"),
                    s("sentence"),
                    Field::new("source_line", DataType::Int32, false),
                ]);
                f
            }
            Dataset::Checks => vec![
                req("doc_id"),
                req("source_path"),
                i32f("fiscal_year"),
                req("check_id"),
                s("table_code"),
                s("subject_code"),
                s("column_name"),
                money("expected"),
                money("actual"),
                req("status"),
            ],
        };
        let fields: Vec<Field> = fields
            .into_iter()
            .map(|f| {
                let about = describe(self, f.name());
                f.with_metadata(std::collections::HashMap::from([(
                    "description".to_string(),
                    about.to_string(),
                )]))
            })
            .collect();
        Arc::new(Schema::new(fields))
    }

    /// The columns a dataset's files are sorted by (rows are written in input
    /// order: by `source_path`, then as read within a document).
    pub fn sorted_by(self) -> &'static str {
        "source_path"
    }

    /// The columns that identify a row (documented in docs/datasets.md and
    /// asserted on real output by the tests). `checks` has none: a check
    /// evaluated on several rows without a subject code (`t04.row_total` on
    /// 本年支出合计 and on 总计) repeats every column but the amounts.
    pub fn key(self) -> &'static [&'static str] {
        match self {
            Dataset::Documents => &["source_path"],
            Dataset::LineItems => &[
                "source_path",
                "table_code",
                "side",
                "subject_code",
                "item",
                "line_no",
                "column_name",
            ],
            Dataset::Indicators => &["source_path", "source_line", "name"],
            Dataset::Facts => &["source_path", "metric"],
            Dataset::Checks => &[],
        }
    }
}

/// One line per column, embedded in the Parquet field metadata (`description`)
/// so that `juesuan schema` and any reader show it. docs/datasets.md says more.
fn describe(d: Dataset, column: &str) -> &'static str {
    match (d, column) {
        (_, "doc_id") => {
            "content hash of the file's raw bytes (XXH3-64, 16 hex); identical files share it"
        }
        (_, "source_path") => {
            "path relative to the input folder, /-separated; unique per run in documents"
        }
        (_, "fiscal_year") => {
            "year the accounts are for; also the Hive partition (fiscal_year=YYYY, __HIVE_DEFAULT_PARTITION__ when unknown)"
        }
        (_, "department") => "reporting body as printed in the title; null when not found",
        (_, "source_line") => "1-based line of the decoded text the value was read from",
        (_, "table_code") => "standard table 01-09, by the meaning of its title",
        (_, "subject_code") => {
            "classification code, digits only (201 06 01 -> 2010601); null without one"
        }
        (_, "column_name") => "canonical column, / between header levels (was `column` before 0.2)",
        (Dataset::Documents, "source_bytes") => "size of the file in bytes",
        (Dataset::Documents, "encoding") => {
            "detected encoding, WHATWG label (UTF-8, gb18030, UTF-16LE, ...); null when not decoded"
        }
        (Dataset::Documents, "shape") => {
            "dominant input shape (tab_separated, pdftotext_layout, ...); null when not read"
        }
        (Dataset::Documents, "region") => {
            "province/city/county prefix of the department's name; null when it has none"
        }
        (Dataset::Documents, "report_kind") => {
            "决算 (final accounts) or 预算 (budget); null when the text says neither"
        }
        (Dataset::Documents, "report_id") => {
            "shared by the renderings of one report (department, year, kind, 收支总计, 收入合计, 支出合计); null when not enough is known. Count reports with it, not files"
        }
        (Dataset::Documents, "tables_found") => "standard tables recognised with a body (0-9)",
        (Dataset::Documents, "line_items") => "rows emitted to line_items for this file",
        (Dataset::Documents, "indicators") => "rows emitted to indicators for this file",
        (Dataset::Documents, "facts") => "rows emitted to facts for this file",
        (Dataset::Documents, "checks_failed") => "rows of checks with status fail for this file",
        (Dataset::Documents, "tables_verified") => "tables found whose every amount is verified",
        (Dataset::Documents, "status") => {
            "ok, partial (rows emitted, with problems) or rejected (nothing emitted; also `duplicate of` copies)"
        }
        (Dataset::Documents, "error") => {
            "for partial and rejected: what went wrong, sentences joined by '; '"
        }
        (Dataset::LineItems, "table_name") => "canonical title of the table",
        (Dataset::LineItems, "side") => "收入 or 支出 for tables 01 and 04; null otherwise",
        (Dataset::LineItems, "subject_level") => {
            "1 类 (3 digits), 2 款 (5), 3 项 (7); null without a code"
        }
        (Dataset::LineItems, "item") => {
            "canonical row label; for coded rows the printed name, de-noised"
        }
        (Dataset::LineItems, "line_no") => "行次 where printed (tables 01 and 04); else null",
        (Dataset::LineItems, "amount") => "the amount in 万元, exact",
        (Dataset::LineItems, "raw") => "the cell exactly as printed",
        (Dataset::LineItems, "page") => {
            "1-based PDF page the amount was printed on; null for text input"
        }
        (Dataset::LineItems, "flags") => {
            "unit_converted, ocr_suspect, ocr_repaired, identity_mismatch, label_repaired, placed_by_order, unverified"
        }
        (Dataset::LineItems, "verified") => {
            "read at its printed place and every identity covering it holds; filter on it for certainty"
        }
        (Dataset::Indicators, "scope") => "部门整体 (whole department) or 项目 (project)",
        (Dataset::Indicators, "project") => "project name of a 项目 table; null for 部门整体",
        (Dataset::Indicators, "goal") => {
            "年度目标 the indicator sits under, when the table has several; else null"
        }
        (Dataset::Indicators, "level1") => {
            "一级指标 (产出指标, 效益指标, ...), points removed; null when not printed"
        }
        (Dataset::Indicators, "level2") => {
            "二级指标 (数量指标, 社会效益指标, ...); null when not printed"
        }
        (Dataset::Indicators, "name") => "三级指标, wrapped pieces joined",
        (Dataset::Indicators, "target_raw") => {
            "年度指标值 as printed (normalised); null when blank"
        }
        (Dataset::Indicators, "actual_raw") => {
            "实际完成值 as printed (normalised); null when blank"
        }
        (Dataset::Indicators, "target_value") => {
            "the number inside the target, when it is a quantity"
        }
        (Dataset::Indicators, "actual_value") => {
            "the number inside the actual value, when it is a quantity"
        }
        (Dataset::Indicators, "target_unit") => "unit of the target's number (%, 人, 万元, ...)",
        (Dataset::Indicators, "actual_unit") => "unit of the actual value's number",
        (Dataset::Indicators, "target_op") => {
            "bound the target sets: >=, <=, >, <, =; null for a plain target"
        }
        (Dataset::Indicators, "weight") => "分值 (points available), when printed",
        (Dataset::Indicators, "score") => "得分, when printed",
        (Dataset::Indicators, "note") => "偏差原因 / remarks cell, when the table has one",
        (Dataset::Facts, "section") => "title of the 情况说明 section the figure was read under",
        (Dataset::Facts, "metric") => {
            "canonical key (收支总计, 收入合计, 基本支出, 三公经费决算, ...)"
        }
        (Dataset::Facts, "value") => "the stated figure in 万元",
        (Dataset::Facts, "prior_year_change") => {
            "stated change against the prior year, signed; null when none is stated"
        }
        (Dataset::Facts, "change_pct") => "stated percentage change against the prior year, signed",
        (Dataset::Facts, "sentence") => "the sentence the value was read from",
        (Dataset::Checks, "check_id") => {
            "stable id of the identity (t02.children_sum, fact_vs_table.收入合计, ...; was `check` before 0.2)"
        }
        (Dataset::Checks, "expected") => {
            "sum of the parts (for fact_vs_table.*: the table's figure)"
        }
        (Dataset::Checks, "actual") => {
            "printed total (for fact_vs_table.*: the figure stated in the prose)"
        }
        (Dataset::Checks, "status") => {
            "pass, or fail when |expected - actual| exceeds the rounding the prints allow"
        }
        _ => "",
    }
}

/// Columns shared by the rows of one document.
#[derive(Clone, Debug)]
pub struct DocKeys {
    pub doc_id: String,
    pub source_path: String,
    pub fiscal_year: Option<i32>,
    pub department: Option<String>,
}

fn money_builder(n: usize) -> Decimal128Builder {
    Decimal128Builder::with_capacity(n)
        .with_precision_and_scale(MONEY_PRECISION, MONEY_SCALE)
        .expect("valid decimal type")
}

fn money(b: &mut Decimal128Builder, a: Option<Amount>) {
    b.append_option(a.map(Amount::micros));
}

/// Builders for the four columns every row of a document carries.
struct Common {
    doc_id: StringBuilder,
    source_path: StringBuilder,
    fiscal_year: Int32Builder,
    department: StringBuilder,
}

impl Common {
    fn new() -> Self {
        Common {
            doc_id: StringBuilder::new(),
            source_path: StringBuilder::new(),
            fiscal_year: Int32Builder::new(),
            department: StringBuilder::new(),
        }
    }
    fn push(&mut self, k: &DocKeys, with_department: bool) {
        self.doc_id.append_value(&k.doc_id);
        self.source_path.append_value(&k.source_path);
        self.fiscal_year.append_option(k.fiscal_year);
        if with_department {
            self.department.append_option(k.department.as_deref());
        }
    }
    fn finish(mut self, with_department: bool) -> Vec<ArrayRef> {
        let mut v: Vec<ArrayRef> = vec![
            Arc::new(self.doc_id.finish()),
            Arc::new(self.source_path.finish()),
            Arc::new(self.fiscal_year.finish()),
        ];
        if with_department {
            v.push(Arc::new(self.department.finish()));
        }
        v
    }
}

/// `documents` rows, each with its report id (see [`super::report_id`]).
pub fn documents_batch(rows: &[(&DocumentRow, Option<&str>)]) -> Result<RecordBatch, ArrowError> {
    let mut doc_id = StringBuilder::new();
    let mut source_path = StringBuilder::new();
    let mut source_bytes = Int64Builder::new();
    let mut encoding = StringBuilder::new();
    let mut shape = StringBuilder::new();
    let mut department = StringBuilder::new();
    let mut region = StringBuilder::new();
    let mut fiscal_year = Int32Builder::new();
    let mut report_kind = StringBuilder::new();
    let mut report_id = StringBuilder::new();
    let mut counts: [Int32Builder; 6] = Default::default();
    let mut status = StringBuilder::new();
    let mut error = StringBuilder::new();
    for (r, id) in rows {
        doc_id.append_value(&r.doc_id);
        source_path.append_value(&r.source_path);
        source_bytes.append_value(r.source_bytes);
        encoding.append_option(r.encoding.as_deref());
        shape.append_option(r.shape);
        department.append_option(r.meta.department.as_deref());
        region.append_option(r.meta.region.as_deref());
        fiscal_year.append_option(r.meta.fiscal_year);
        report_kind.append_option(r.meta.report_kind);
        report_id.append_option(*id);
        for (b, v) in counts.iter_mut().zip([
            r.tables_found,
            r.line_items,
            r.indicators,
            r.facts,
            r.checks_failed,
            r.tables_verified,
        ]) {
            b.append_value(v);
        }
        status.append_value(r.status.as_str());
        error.append_option(r.error.as_deref());
    }
    let mut cols: Vec<ArrayRef> = vec![
        Arc::new(doc_id.finish()),
        Arc::new(source_path.finish()),
        Arc::new(source_bytes.finish()),
        Arc::new(encoding.finish()),
        Arc::new(shape.finish()),
        Arc::new(department.finish()),
        Arc::new(region.finish()),
        Arc::new(fiscal_year.finish()),
        Arc::new(report_kind.finish()),
        Arc::new(report_id.finish()),
    ];
    for mut b in counts {
        cols.push(Arc::new(b.finish()));
    }
    cols.push(Arc::new(status.finish()));
    cols.push(Arc::new(error.finish()));
    RecordBatch::try_new(Dataset::Documents.schema(), cols)
}

pub fn line_items_batch(rows: &[(&DocKeys, &LineItem)]) -> Result<RecordBatch, ArrowError> {
    let n = rows.len();
    let mut c = Common::new();
    let mut table_code = StringBuilder::new();
    let mut table_name = StringBuilder::new();
    let mut side = StringBuilder::new();
    let mut subject_code = StringBuilder::new();
    let mut subject_level = Int8Builder::new();
    let mut item = StringBuilder::new();
    let mut line_no = Int32Builder::new();
    let mut column = StringBuilder::new();
    let mut amount = money_builder(n);
    let mut raw = StringBuilder::new();
    let mut source_line = Int32Builder::new();
    let mut page = Int32Builder::new();
    let mut flags = ListBuilder::new(StringBuilder::new());
    let mut verified = BooleanBuilder::with_capacity(n);
    for (k, r) in rows {
        c.push(k, true);
        table_code.append_value(r.table.code());
        table_name.append_value(r.table.name());
        side.append_option(r.side.map(|s| s.as_str()));
        subject_code.append_option(r.subject_code.as_deref());
        subject_level.append_option(r.subject_level());
        item.append_value(&r.item);
        line_no.append_option(r.line_no);
        column.append_value(&r.column);
        amount.append_value(r.amount.micros());
        raw.append_value(&r.raw);
        source_line.append_value(r.source_line as i32);
        page.append_option(r.page.map(|p| p as i32));
        for f in &r.flags {
            flags.values().append_value(f.as_str());
        }
        flags.append(true);
        verified.append_value(r.verified);
    }
    let mut cols = c.finish(true);
    cols.extend([
        Arc::new(table_code.finish()) as ArrayRef,
        Arc::new(table_name.finish()),
        Arc::new(side.finish()),
        Arc::new(subject_code.finish()),
        Arc::new(subject_level.finish()),
        Arc::new(item.finish()),
        Arc::new(line_no.finish()),
        Arc::new(column.finish()),
        Arc::new(amount.finish()),
        Arc::new(raw.finish()),
        Arc::new(source_line.finish()),
        Arc::new(page.finish()),
        Arc::new(flags.finish()),
        Arc::new(verified.finish()),
    ]);
    RecordBatch::try_new(Dataset::LineItems.schema(), cols)
}

pub fn indicators_batch(rows: &[(&DocKeys, &Indicator)]) -> Result<RecordBatch, ArrowError> {
    let n = rows.len();
    let mut c = Common::new();
    let mut strs: [StringBuilder; 6] = Default::default(); // scope project goal level1 level2 name
    let mut target_raw = StringBuilder::new();
    let mut actual_raw = StringBuilder::new();
    let mut target_value = money_builder(n);
    let mut actual_value = money_builder(n);
    let mut target_unit = StringBuilder::new();
    let mut actual_unit = StringBuilder::new();
    let mut target_op = StringBuilder::new();
    let mut weight = money_builder(n);
    let mut score = money_builder(n);
    let mut note = StringBuilder::new();
    let mut source_line = Int32Builder::new();
    for (k, r) in rows {
        c.push(k, true);
        strs[0].append_value(r.scope.as_str());
        strs[1].append_option(r.project.as_deref());
        strs[2].append_option(r.goal.as_deref());
        strs[3].append_option(r.level1.as_deref());
        strs[4].append_option(r.level2.as_deref());
        strs[5].append_value(&r.name);
        target_raw.append_option(r.target.raw.as_deref());
        actual_raw.append_option(r.actual.raw.as_deref());
        money(&mut target_value, r.target.value);
        money(&mut actual_value, r.actual.value);
        target_unit.append_option(r.target.unit.as_deref());
        actual_unit.append_option(r.actual.unit.as_deref());
        target_op.append_option(r.target.op);
        money(&mut weight, r.weight);
        money(&mut score, r.score);
        note.append_option(r.note.as_deref());
        source_line.append_value(r.source_line as i32);
    }
    let mut cols = c.finish(true);
    for mut b in strs {
        cols.push(Arc::new(b.finish()));
    }
    cols.extend([
        Arc::new(target_raw.finish()) as ArrayRef,
        Arc::new(actual_raw.finish()),
        Arc::new(target_value.finish()),
        Arc::new(actual_value.finish()),
        Arc::new(target_unit.finish()),
        Arc::new(actual_unit.finish()),
        Arc::new(target_op.finish()),
        Arc::new(weight.finish()),
        Arc::new(score.finish()),
        Arc::new(note.finish()),
        Arc::new(source_line.finish()),
    ]);
    RecordBatch::try_new(Dataset::Indicators.schema(), cols)
}

pub fn facts_batch(rows: &[(&DocKeys, &Fact)]) -> Result<RecordBatch, ArrowError> {
    let n = rows.len();
    let mut c = Common::new();
    let mut section = StringBuilder::new();
    let mut metric = StringBuilder::new();
    let mut value = money_builder(n);
    let mut change = money_builder(n);
    let mut pct = money_builder(n);
    let mut sentence = StringBuilder::new();
    let mut source_line = Int32Builder::new();
    for (k, r) in rows {
        c.push(k, true);
        section.append_value(&r.section);
        metric.append_value(r.metric);
        value.append_value(r.value.micros());
        money(&mut change, r.prior_year_change);
        money(&mut pct, r.change_pct);
        sentence.append_value(&r.sentence);
        source_line.append_value(r.source_line as i32);
    }
    let mut cols = c.finish(true);
    cols.extend([
        Arc::new(section.finish()) as ArrayRef,
        Arc::new(metric.finish()),
        Arc::new(value.finish()),
        Arc::new(change.finish()),
        Arc::new(pct.finish()),
        Arc::new(sentence.finish()),
        Arc::new(source_line.finish()),
    ]);
    RecordBatch::try_new(Dataset::Facts.schema(), cols)
}

pub fn checks_batch(rows: &[(&DocKeys, &Check)]) -> Result<RecordBatch, ArrowError> {
    let n = rows.len();
    let mut c = Common::new();
    let mut check = StringBuilder::new();
    let mut table_code = StringBuilder::new();
    let mut subject_code = StringBuilder::new();
    let mut column = StringBuilder::new();
    let mut expected = money_builder(n);
    let mut actual = money_builder(n);
    let mut status = StringBuilder::new();
    for (k, r) in rows {
        c.push(k, false);
        check.append_value(&r.check);
        table_code.append_option(r.table_code);
        subject_code.append_option(r.subject_code.as_deref());
        column.append_option(r.column.as_deref());
        money(&mut expected, Some(r.expected));
        money(&mut actual, Some(r.actual));
        status.append_value(r.status.as_str());
    }
    let mut cols = c.finish(false);
    cols.extend([
        Arc::new(check.finish()) as ArrayRef,
        Arc::new(table_code.finish()),
        Arc::new(subject_code.finish()),
        Arc::new(column.finish()),
        Arc::new(expected.finish()),
        Arc::new(actual.finish()),
        Arc::new(status.finish()),
    ]);
    RecordBatch::try_new(Dataset::Checks.schema(), cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_a_description_and_keys_name_columns() {
        for d in Dataset::ALL {
            let schema = d.schema();
            for f in schema.fields() {
                let about = f.metadata().get("description").map(String::as_str);
                assert!(
                    about.is_some_and(|a| !a.is_empty()),
                    "{}.{} has no description",
                    d.name(),
                    f.name()
                );
            }
            for k in d.key() {
                assert!(
                    schema.field_with_name(k).is_ok(),
                    "{}: key column {k}",
                    d.name()
                );
            }
            assert!(schema.field_with_name(d.sorted_by()).is_ok());
        }
    }
}
