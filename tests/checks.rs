//! Accounting checks on a real, clean document (`002_…`, tab rows) and on
//! copies of it with single-digit errors injected: the right identities fail,
//! no other, and a value two identities prove is repaired.

use std::collections::BTreeSet;

use juesuan::document::{Processed, process};
use juesuan::model::{CheckStatus, Flag};

const CLEAN: &str = include_str!("corpus/002_6ab84cca39a9b887.txt");

fn failing(p: &Processed) -> BTreeSet<String> {
    p.extracted
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| {
            format!(
                "{}|{}|{}",
                c.check,
                c.subject_code.clone().unwrap_or_default(),
                c.column.clone().unwrap_or_default()
            )
        })
        .collect()
}

/// The document with one printed cell changed on the only line containing `row`.
fn inject(row: &str, from: &str, to: &str) -> String {
    let mut hits = 0;
    let out: Vec<String> = CLEAN
        .lines()
        .map(|l| {
            if l.contains(row) {
                hits += 1;
                l.replacen(from, to, 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_eq!(hits, 1, "row anchor {row:?} must be unique");
    out.join("\n")
}

#[test]
fn a_clean_document_fails_no_check() {
    let p = process("002.txt", CLEAN.as_bytes());
    assert!(
        p.extracted.checks.len() > 150,
        "{} checks",
        p.extracted.checks.len()
    );
    assert_eq!(failing(&p), BTreeSet::new());
    assert!(
        p.extracted
            .line_items
            .iter()
            .all(|i| !i.flags.contains(&Flag::OcrRepaired))
    );
}

#[test]
fn a_digit_error_two_identities_prove_is_repaired() {
    // 支出决算表, 2080108 基本支出 42.75 printed as 42.15: its row total and
    // its 款's column sum both fail and both require 42.75.
    let doc = inject(
        "2080108\t信息化建设\t57.72\t42.75\t14.97\t0.00",
        "42.75",
        "42.15",
    );
    let p = process("002.txt", doc.as_bytes());
    assert_eq!(failing(&p), BTreeSet::new());
    let cell = p
        .extracted
        .line_items
        .iter()
        .find(|i| {
            i.table.code() == "03"
                && i.subject_code.as_deref() == Some("2080108")
                && i.column == "基本支出"
        })
        .unwrap();
    assert_eq!(cell.amount.to_string(), "42.75");
    assert_eq!(cell.raw, "42.15");
    assert_eq!(cell.flags, vec![Flag::OcrRepaired]);
    let repaired = p
        .extracted
        .line_items
        .iter()
        .filter(|i| i.flags.contains(&Flag::OcrRepaired))
        .count();
    assert_eq!(repaired, 1);
}

#[test]
fn a_digit_error_one_identity_sees_fails_that_identity_only() {
    // 基本支出决算明细表, 30201 办公费 1.75 printed as 1.95: only its class
    // (302 商品和服务支出) sums it; the gap cannot be pinned on one cell.
    let doc = inject("\t30201\t办公费\t1.75\t", "\t1.75\t", "\t1.95\t");
    let p = process("002.txt", doc.as_bytes());
    assert_eq!(
        failing(&p),
        BTreeSet::from(["t06.children_sum|302|决算数".to_string()])
    );
    let flagged: BTreeSet<String> = p
        .extracted
        .line_items
        .iter()
        .filter(|i| i.flags.contains(&Flag::IdentityMismatch))
        .map(|i| i.subject_code.clone().unwrap())
        .collect();
    assert!(
        flagged.contains("302") && flagged.contains("30201"),
        "{flagged:?}"
    );
    assert!(flagged.iter().all(|c| c.starts_with("302")), "{flagged:?}");
    assert!(
        p.extracted
            .line_items
            .iter()
            .all(|i| !i.flags.contains(&Flag::OcrRepaired))
    );
}

#[test]
fn an_error_in_a_total_printed_twice_is_repaired_from_the_other_table() {
    // 收入支出决算总表 本年支出合计 97.34 printed as 97.84: the side's sum, its
    // grand total and the same figure in 支出决算表 disagree.
    let doc = inject(
        "本年收入合计\t27\t97.34\t本年支出合计",
        "本年支出合计\t58\t97.34",
        "本年支出合计\t58\t97.84",
    );
    let p = process("002.txt", doc.as_bytes());
    // Three identities hold the cell (its side's sum, the side's grand total,
    // the same figure in 支出决算表) and all of them agree on 97.34.
    assert_eq!(failing(&p), BTreeSet::new());
    let cell = p
        .extracted
        .line_items
        .iter()
        .find(|i| i.table.code() == "01" && i.item == "本年支出合计")
        .unwrap();
    assert_eq!(cell.amount.to_string(), "97.34");
    assert_eq!(cell.raw, "97.84");
    assert!(cell.flags.contains(&Flag::OcrRepaired));
}

/// The clean document's lines without the body's table from the title
/// `from` up to the title `to`.
fn without_table(from: &str, to: &str) -> Vec<&'static str> {
    let lines: Vec<&str> = CLEAN.lines().collect();
    let start = lines
        .iter()
        .rposition(|l| l.trim() == from)
        .expect("the table's title in the body");
    let end = lines
        .iter()
        .rposition(|l| l.trim() == to)
        .expect("the next table's title in the body");
    assert!(start < end);
    [&lines[..start], &lines[end..]].concat()
}

/// Tables whose `completeness.table_missing` check failed.
fn missing_tables(p: &Processed) -> Vec<Option<&'static str>> {
    p.extracted
        .checks
        .iter()
        .filter(|c| c.check == "completeness.table_missing" && c.status == CheckStatus::Fail)
        .map(|c| c.table_code)
        .collect()
}

#[test]
fn a_table_the_contents_list_but_the_body_lacks_is_a_failed_completeness_check() {
    // Table 03 removed from the body (its title and rows), the 目录 unchanged.
    let doc = without_table("三、支出决算表", "四、财政拨款收入支出决算总表").join("\n");
    let p = process("002.txt", doc.as_bytes());
    assert_eq!(missing_tables(&p), vec![Some("03")]);
    let error = p.row.error.unwrap_or_default();
    assert!(
        error.contains(
            "table 03 (支出决算表): listed in the contents (目录) but not found in the body"
        ),
        "{error}"
    );
    // The clean document lists and has all nine.
    let clean = process("002.txt", CLEAN.as_bytes());
    let listed: Vec<_> = clean
        .extracted
        .checks
        .iter()
        .filter(|c| c.check == "completeness.table_missing")
        .map(|c| c.status)
        .collect();
    assert_eq!(listed, vec![CheckStatus::Pass; 9]);
}

#[test]
fn prose_stating_an_amount_a_table_printed_empty_lacks_fails_its_fact_check() {
    // Table 09 of 002 is printed with its header and no figure; the prose
    // states 0 for 三公 spending, so the empty table agrees with it.
    let clean = process("002.txt", CLEAN.as_bytes());
    let three_public: Vec<_> = clean
        .extracted
        .checks
        .iter()
        .filter(|c| c.check == "fact_vs_table.三公经费决算")
        .map(|c| (c.table_code, c.status))
        .collect();
    assert_eq!(three_public, vec![(Some("09"), CheckStatus::Pass)]);
    assert_eq!(clean.row.status, juesuan::model::Status::Ok);

    // The prose altered to state 0.95万元 while the table stays empty.
    let stated = "支出决算为0万元，完成全年预算的0%。较上年增加0万元，增长0%。决算数小于全年预算数的主要原因：预算数等于决算数";
    assert_eq!(CLEAN.matches(stated).count(), 1);
    let doc = CLEAN.replacen(
        stated,
        &stated.replacen("支出决算为0万元", "支出决算为0.95万元", 1),
        1,
    );
    let p = process("002.txt", doc.as_bytes());
    let failed: Vec<_> = p
        .extracted
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| {
            (
                c.check.as_str(),
                c.table_code,
                c.expected.to_string(),
                c.actual.to_string(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        vec![(
            "fact_vs_table.三公经费决算",
            Some("09"),
            "0".to_string(),
            "0.95".to_string()
        )]
    );
    assert_eq!(p.row.status, juesuan::model::Status::Partial);
    let error = p.row.error.unwrap_or_default();
    assert!(
        error.contains("table 09") && error.contains("printed empty"),
        "{error}"
    );
    assert_eq!(p.row.tables_verified, 8);
}

#[test]
fn a_table_the_other_tables_imply_but_the_body_lacks_is_a_failed_completeness_check() {
    // Table 05 removed from the body and from the 目录: nothing lists it, but
    // table 04 prints 一般公共预算财政拨款 spending, which table 05 details.
    let doc: Vec<&str> = without_table(
        "五、一般公共预算财政拨款支出决算表",
        "六、一般公共预算财政拨款基本支出决算明细表",
    )
    .into_iter()
    .filter(|l| !l.starts_with("五、一般公共预算财政拨款支出决算表\t"))
    .collect();
    let p = process("002.txt", doc.join("\n").as_bytes());
    assert_eq!(missing_tables(&p), vec![Some("05")]);
    let error = p.row.error.unwrap_or_default();
    assert!(
        error.contains("table 05 (一般公共预算财政拨款支出决算表): not found in the body, though table 04 states a figure it details"),
        "{error}"
    );
    // The clean document implies nothing missing.
    let clean = process("002.txt", CLEAN.as_bytes());
    assert!(missing_tables(&clean).is_empty());
}

#[test]
fn zeros_of_a_table_that_lost_printed_figures_are_not_verified() {
    // A figure printed in table 03's block that no reader places (a note
    // line among its rows): a lost figure may stand where a zero was read,
    // and zeros satisfy every sum.
    let doc = CLEAN.replacen(
        "合计\t\t97.34\t75.34\t22.00\t0.00\t0.00\t0.00",
        "合计\t\t97.34\t75.34\t22.00\t0.00\t0.00\t0.00\n其中 另列 12.34 万元",
        1,
    );
    assert_ne!(doc, CLEAN);
    let p = process("002.txt", doc.as_bytes());
    let t03: Vec<_> = p
        .extracted
        .line_items
        .iter()
        .filter(|i| i.table.code() == "03")
        .collect();
    assert!(t03.iter().any(|i| i.amount.is_zero()));
    for i in &t03 {
        assert_eq!(
            i.verified,
            !i.amount.is_zero(),
            "{} {} {}",
            i.item,
            i.column,
            i.amount
        );
    }
    // Zeros of the other tables keep what their identities proved.
    assert!(
        p.extracted
            .line_items
            .iter()
            .any(|i| i.table.code() == "02" && i.amount.is_zero() && i.verified)
    );
    let error = p.row.error.unwrap_or_default();
    assert!(error.contains("table 03"), "{error}");
}
