//! `documents.report_id`: one id shared by the renderings of one report.
//!
//! The same 部门决算 reaches an archive through several converters (a
//! `pdftotext -layout` text, a column-major one, an OCR), each a file of its
//! own with rows of its own. Users who total figures across an archive must
//! count each report once, so every rendering carries the id of the report it
//! renders: a hash of who reports (department), for which year, what kind of
//! report, and the three figures that sum the whole report up: 收支总计,
//! 收入合计 and 支出合计. Two different reports of one department and year
//! (a budget and a final account, a corrected re-publication) differ in kind
//! or in these figures.
//!
//! Each figure is taken where it is most certain: a table amount the
//! identities verified, else the figure the 情况说明 prose states (a rendering
//! that lost its tables, or misread them, still states it), else the table
//! amount as read. Without a department, a year, a kind or any of the three
//! figures the id is null: too little is known to say two files are one report.

use crate::amount::Amount;
use crate::model::{DocMeta, Extracted, LineItem};
use crate::vocab::{Side, Table};

/// Where a report-level figure is printed: table, side, row label, column.
type Cell = (Table, Option<Side>, &'static str, &'static str);

/// The three figures, each with the table cells that print it (equal by the
/// cross-table identities) and the prose metric that states it.
const FIGURES: [(&[Cell], &str); 3] = [
    (
        &[
            (Table::Overview, Some(Side::Income), "总计", "决算数"),
            (Table::Overview, Some(Side::Expenditure), "总计", "决算数"),
        ],
        "收支总计",
    ),
    (
        &[
            (
                Table::Overview,
                Some(Side::Income),
                "本年收入合计",
                "决算数",
            ),
            (Table::Income, None, "合计", "本年收入合计"),
        ],
        "收入合计",
    ),
    (
        &[
            (
                Table::Overview,
                Some(Side::Expenditure),
                "本年支出合计",
                "决算数",
            ),
            (Table::Expenditure, None, "合计", "本年支出合计"),
        ],
        "支出合计",
    ),
];

fn at(item: &LineItem, cell: &Cell) -> bool {
    let (table, side, label, column) = *cell;
    item.table == table
        && item.side == side
        && item.subject_code.is_none()
        && item.item == label
        && item.column == column
}

/// One figure: verified table amount, else the prose, else the table as read.
fn figure(ex: &Extracted, cells: &[Cell], metric: &str) -> Option<Amount> {
    let printed = || {
        cells
            .iter()
            .flat_map(|c| ex.line_items.iter().filter(move |i| at(i, c)))
    };
    printed()
        .find(|i| i.verified)
        .map(|i| i.amount)
        .or_else(|| {
            ex.facts
                .iter()
                .find(|f| f.metric == metric)
                .map(|f| f.value)
        })
        .or_else(|| printed().next().map(|i| i.amount))
}

/// The report id of a document (16 hex characters), or `None` when too little
/// is known.
pub fn report_id(meta: &DocMeta, ex: &Extracted) -> Option<String> {
    let department = meta.department.as_deref()?;
    let year = meta.fiscal_year?;
    let kind = meta.report_kind?;
    let mut key = format!("{department}\u{1f}{year}\u{1f}{kind}");
    for (cells, metric) in FIGURES {
        let a = figure(ex, cells, metric)?;
        key.push('\u{1f}');
        key.push_str(&a.micros().to_string());
    }
    Some(format!(
        "{:016x}",
        xxhash_rust::xxh3::xxh3_64(key.as_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Fact;

    fn item(
        table: Table,
        side: Option<Side>,
        label: &str,
        column: &str,
        wan: i128,
        verified: bool,
    ) -> LineItem {
        LineItem {
            table,
            side,
            subject_code: None,
            item: label.into(),
            line_no: None,
            column: column.into(),
            amount: Amount::from_micros(wan * 1_000_000),
            decimals: 2,
            raw: wan.to_string(),
            source_line: 1,
            page: None,
            flags: Vec::new(),
            verified,
        }
    }

    fn fact(metric: &'static str, wan: i128) -> Fact {
        Fact {
            section: String::new(),
            metric,
            value: Amount::from_micros(wan * 1_000_000),
            prior_year_change: None,
            change_pct: None,
            sentence: String::new(),
            source_line: 1,
        }
    }

    fn meta(department: &str) -> DocMeta {
        DocMeta {
            department: Some(department.into()),
            region: None,
            fiscal_year: Some(2024),
            report_kind: Some("决算"),
        }
    }

    /// A rendering that read every table, verified.
    fn tables(grand: i128, income: i128, spending: i128) -> Extracted {
        Extracted {
            line_items: vec![
                item(
                    Table::Overview,
                    Some(Side::Income),
                    "总计",
                    "决算数",
                    grand,
                    true,
                ),
                item(
                    Table::Overview,
                    Some(Side::Income),
                    "本年收入合计",
                    "决算数",
                    income,
                    true,
                ),
                item(
                    Table::Overview,
                    Some(Side::Expenditure),
                    "本年支出合计",
                    "决算数",
                    spending,
                    true,
                ),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn renderings_of_one_report_share_the_id_whatever_they_read() {
        let m = meta("某县财政局");
        let full = report_id(&m, &tables(120, 100, 90)).unwrap();
        // A rendering whose table 01 was lost: the totals of 02 and 03 and the
        // prose's 收支总计 give the same figures.
        let other_tables = Extracted {
            line_items: vec![
                item(Table::Income, None, "合计", "本年收入合计", 100, true),
                item(Table::Expenditure, None, "合计", "本年支出合计", 90, true),
            ],
            facts: vec![fact("收支总计", 120)],
            ..Default::default()
        };
        assert_eq!(report_id(&m, &other_tables).as_deref(), Some(full.as_str()));
        // Narrative only: the prose states all three.
        let prose = Extracted {
            facts: vec![
                fact("收支总计", 120),
                fact("收入合计", 100),
                fact("支出合计", 90),
            ],
            ..Default::default()
        };
        assert_eq!(report_id(&m, &prose).as_deref(), Some(full.as_str()));
        // An OCR rendering misread 总计 (unverified): the prose wins over it.
        let mut ocr = tables(120, 100, 90);
        ocr.line_items[0] = item(
            Table::Overview,
            Some(Side::Income),
            "总计",
            "决算数",
            126,
            false,
        );
        ocr.facts.push(fact("收支总计", 120));
        assert_eq!(report_id(&m, &ocr).as_deref(), Some(full.as_str()));
    }

    #[test]
    fn other_reports_get_other_ids_and_too_little_gives_none() {
        let m = meta("某县财政局");
        let a = report_id(&m, &tables(120, 100, 90)).unwrap();
        // Another department, year or kind, or other figures: another report.
        assert_ne!(
            report_id(&meta("某县教育局"), &tables(120, 100, 90)).unwrap(),
            a
        );
        let mut budget = m.clone();
        budget.report_kind = Some("预算");
        assert_ne!(report_id(&budget, &tables(120, 100, 90)).unwrap(), a);
        let mut year = m.clone();
        year.fiscal_year = Some(2023);
        assert_ne!(report_id(&year, &tables(120, 100, 90)).unwrap(), a);
        assert_ne!(report_id(&m, &tables(120, 100, 91)).unwrap(), a);
        // Unknown department, or a figure nobody states: no id.
        let mut anonymous = m.clone();
        anonymous.department = None;
        assert_eq!(report_id(&anonymous, &tables(120, 100, 90)), None);
        let mut partial = tables(120, 100, 90);
        partial.line_items.pop();
        assert_eq!(report_id(&m, &partial), None);
        assert_eq!(report_id(&m, &Extracted::default()), None);
    }
}
