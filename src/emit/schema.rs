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
        Arc::new(Schema::new(fields))
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

pub fn documents_batch(rows: &[DocumentRow]) -> Result<RecordBatch, ArrowError> {
    let mut doc_id = StringBuilder::new();
    let mut source_path = StringBuilder::new();
    let mut source_bytes = Int64Builder::new();
    let mut encoding = StringBuilder::new();
    let mut shape = StringBuilder::new();
    let mut department = StringBuilder::new();
    let mut region = StringBuilder::new();
    let mut fiscal_year = Int32Builder::new();
    let mut report_kind = StringBuilder::new();
    let mut counts: [Int32Builder; 6] = Default::default();
    let mut status = StringBuilder::new();
    let mut error = StringBuilder::new();
    for r in rows {
        doc_id.append_value(&r.doc_id);
        source_path.append_value(&r.source_path);
        source_bytes.append_value(r.source_bytes);
        encoding.append_option(r.encoding.as_deref());
        shape.append_option(r.shape);
        department.append_option(r.meta.department.as_deref());
        region.append_option(r.meta.region.as_deref());
        fiscal_year.append_option(r.meta.fiscal_year);
        report_kind.append_option(r.meta.report_kind);
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
