//! The rows juesuan emits, one struct per dataset of the contract (§3). Stages
//! produce them; `emit` turns them into Arrow record batches.

use crate::amount::Amount;
use crate::vocab::{Side, Table};

/// Flags on a line item (`line_items.flags`). Stable strings, documented in
/// `docs/datasets.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag {
    /// Printed in 元 or 千元 and converted to 万元.
    UnitConverted,
    /// The printed value broke an identity that determined it alone; the value
    /// is the one the identity proves, `raw` keeps the print.
    OcrRepaired,
    /// The value takes part in an identity that fails and could not be repaired.
    IdentityMismatch,
    /// The printed shape is doubtful (a comma read as the decimal point, fewer
    /// decimals than the table prints, OCR spaces inside the number).
    OcrSuspect,
    /// The label was repaired from the vocabulary or the code's canonical name.
    LabelRepaired,
    /// Text that prints a table a column at a time drew this amount apart
    /// from its row; the identities prove which amounts the rows share, and
    /// the reading order, not the print, placed this one.
    PlacedByOrder,
    /// `verified` is false: no identity covers the amount, one that covers
    /// it fails, or reading order alone placed it. Mirrors the column for
    /// readers that filter on flags.
    Unverified,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::UnitConverted => "unit_converted",
            Flag::OcrRepaired => "ocr_repaired",
            Flag::IdentityMismatch => "identity_mismatch",
            Flag::OcrSuspect => "ocr_suspect",
            Flag::LabelRepaired => "label_repaired",
            Flag::PlacedByOrder => "placed_by_order",
            Flag::Unverified => "unverified",
        }
    }

    /// Flags that say the amount is not proven where it stands.
    pub fn is_doubt(self) -> bool {
        matches!(
            self,
            Flag::IdentityMismatch | Flag::PlacedByOrder | Flag::Unverified
        )
    }
}

/// One printed amount of a standard table.
#[derive(Clone, Debug, PartialEq)]
pub struct LineItem {
    pub table: Table,
    pub side: Option<Side>,
    /// Digits only: `2010601`.
    pub subject_code: Option<String>,
    pub item: String,
    pub line_no: Option<i32>,
    pub column: String,
    pub amount: Amount,
    /// Digits after the decimal point as printed: sets the rounding tolerance
    /// of the checks.
    pub decimals: u32,
    pub raw: String,
    pub source_line: u32,
    /// 1-based PDF page the amount was printed on; `None` for text input.
    pub page: Option<u32>,
    pub flags: Vec<Flag>,
    /// Read at its printed place (or placed by an identity) and every identity
    /// covering it evaluated and holding. Set by the checks.
    pub verified: bool,
}

impl LineItem {
    /// 1 类 (3 digits), 2 款 (5), 3 项 (7).
    pub fn subject_level(&self) -> Option<i8> {
        match self.subject_code.as_deref().map(str::len) {
            Some(3) => Some(1),
            Some(5) => Some(2),
            Some(7) => Some(3),
            _ => None,
        }
    }

    pub fn add_flag(&mut self, f: Flag) {
        if !self.flags.contains(&f) {
            self.flags.push(f);
            self.flags.sort();
        }
    }

    /// A figure as printed (its decimals those of the print) on line 1 of
    /// text input, unflagged, for tests.
    #[cfg(test)]
    pub fn printed(
        table: Table,
        side: Option<Side>,
        code: Option<&str>,
        label: &str,
        column: &str,
        amount: &str,
    ) -> LineItem {
        let decimals = amount
            .split_once('.')
            .map(|(_, f)| f.len() as u32)
            .unwrap_or(0);
        LineItem {
            table,
            side,
            subject_code: code.map(str::to_string),
            item: label.to_string(),
            line_no: None,
            column: column.to_string(),
            amount: Amount::parse_plain(amount).expect("a plain amount"),
            decimals,
            raw: amount.to_string(),
            source_line: 1,
            page: None,
            flags: vec![],
            verified: false,
        }
    }
}

/// `部门整体` or `项目`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Department,
    Project,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Department => "部门整体",
            Scope::Project => "项目",
        }
    }
}

/// A target or an actual value: as printed, and the number inside.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measure {
    pub raw: Option<String>,
    pub value: Option<Amount>,
    pub unit: Option<String>,
    /// `>=`, `<=`, `>`, `<`, `=` (targets only).
    pub op: Option<&'static str>,
}

/// One performance indicator (三级指标) of a self-evaluation table.
#[derive(Clone, Debug, PartialEq)]
pub struct Indicator {
    pub scope: Scope,
    pub project: Option<String>,
    pub goal: Option<String>,
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub name: String,
    pub target: Measure,
    pub actual: Measure,
    pub weight: Option<Amount>,
    pub score: Option<Amount>,
    pub note: Option<String>,
    pub source_line: u32,
}

/// Table-level figures of a self-evaluation table that are not indicators:
/// kept for the checks (总分 = sum of scores).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EvaluationSummary {
    pub scope: Option<Scope>,
    pub project: Option<String>,
    pub budget: Option<Amount>,
    pub executed: Option<Amount>,
    /// Score of the budget-execution line (预算执行情况), when printed.
    pub execution_score: Option<Amount>,
    pub execution_weight: Option<Amount>,
    /// 总分 as printed.
    pub total_score: Option<Amount>,
    pub source_line: u32,
    /// Indices into the document's indicators that belong to this table.
    pub indicators: std::ops::Range<usize>,
}

/// A key figure stated in the 情况说明 prose.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub section: String,
    pub metric: &'static str,
    pub value: Amount,
    pub prior_year_change: Option<Amount>,
    pub change_pct: Option<Amount>,
    pub sentence: String,
    pub source_line: u32,
}

/// `pass` or `fail`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckStatus {
    Pass,
    Fail,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
        }
    }
}

/// One accounting identity tested on a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub check: String,
    pub table_code: Option<&'static str>,
    pub subject_code: Option<String>,
    pub column: Option<String>,
    pub expected: Amount,
    pub actual: Amount,
    pub status: CheckStatus,
}

/// `documents.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Ok,
    Partial,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Partial => "partial",
            Status::Rejected => "rejected",
        }
    }
}

/// Document-level facts shared by every row of a document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocMeta {
    pub department: Option<String>,
    pub region: Option<String>,
    pub fiscal_year: Option<i32>,
    pub report_kind: Option<&'static str>,
}

/// One row of `documents`.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentRow {
    pub doc_id: String,
    pub source_path: String,
    pub source_bytes: i64,
    pub encoding: Option<String>,
    pub shape: Option<&'static str>,
    pub meta: DocMeta,
    pub tables_found: i32,
    pub line_items: i32,
    pub indicators: i32,
    pub facts: i32,
    pub checks_failed: i32,
    /// Tables found whose every amount is verified.
    pub tables_verified: i32,
    pub status: Status,
    pub error: Option<String>,
}

/// Everything one document yields.
#[derive(Clone, Debug, Default)]
pub struct Extracted {
    pub line_items: Vec<LineItem>,
    pub indicators: Vec<Indicator>,
    pub evaluations: Vec<EvaluationSummary>,
    pub facts: Vec<Fact>,
    pub checks: Vec<Check>,
}
