//! Reads every dataset of a run over `input/` back with polars, an independent
//! Parquet implementation, as users' notebooks do: schema, types, row counts,
//! and amounts of `002_…` checked by hand against the document's text.

mod common;

use std::path::{Path, PathBuf};

use polars::prelude::*;

fn output() -> PathBuf {
    common::run_once("input")
}

fn scan(dataset: &str) -> DataFrame {
    let pattern = format!("{}/{dataset}/**/*.parquet", output().display());
    let args = ScanArgsParquet {
        hive_options: HiveOptions {
            enabled: Some(true),
            ..Default::default()
        },
        ..Default::default()
    };
    LazyFrame::scan_parquet(PlRefPath::new(pattern.as_str()), args)
        .unwrap()
        .collect()
        .unwrap()
}

fn dtype(df: &DataFrame, name: &str) -> String {
    format!(
        "{:?}",
        df.schema()
            .get(name)
            .unwrap_or_else(|| panic!("column {name} missing"))
    )
}

fn strings(df: &DataFrame, name: &str) -> Vec<String> {
    let ca = df.column(name).unwrap().str().unwrap();
    (0..ca.len())
        .map(|i| ca.get(i).unwrap().to_string())
        .collect()
}

#[test]
fn every_dataset_has_the_contract_schema() {
    let expected: &[(&str, &[(&str, &str)])] = &[
        (
            "documents",
            &[
                ("doc_id", "String"),
                ("source_bytes", "Int64"),
                ("fiscal_year", "Int32"),
                ("tables_found", "Int32"),
                ("status", "String"),
                ("error", "String"),
            ],
        ),
        (
            "line_items",
            &[
                ("table_code", "String"),
                ("subject_level", "Int8"),
                ("line_no", "Int32"),
                ("amount", "Decimal(22, 6)"),
                ("source_line", "Int32"),
                ("flags", "List(String)"),
            ],
        ),
        (
            "indicators",
            &[
                ("scope", "String"),
                ("target_value", "Decimal(22, 6)"),
                ("weight", "Decimal(22, 6)"),
                ("score", "Decimal(22, 6)"),
                ("source_line", "Int32"),
            ],
        ),
        (
            "facts",
            &[
                ("metric", "String"),
                ("value", "Decimal(22, 6)"),
                ("prior_year_change", "Decimal(22, 6)"),
                ("change_pct", "Decimal(22, 6)"),
            ],
        ),
        (
            "checks",
            &[
                ("check_id", "String"),
                ("expected", "Decimal(22, 6)"),
                ("actual", "Decimal(22, 6)"),
                ("status", "String"),
            ],
        ),
    ];
    for (ds, cols) in expected {
        let df = scan(ds);
        for (c, t) in *cols {
            assert_eq!(dtype(&df, c), *t, "{ds}.{c}");
        }
    }
}

#[test]
fn one_document_row_per_input_file() {
    let df = scan("documents");
    assert_eq!(df.height(), 8);
    let inputs = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("input"))
        .unwrap()
        .count();
    assert_eq!(df.height(), inputs);
}

/// The amount of one cell of 002, as a decimal string.
fn amount_002(filter: Expr) -> Vec<String> {
    let df = scan("line_items")
        .lazy()
        .filter(
            col("source_path")
                .eq(lit("002_6ab84cca39a9b887.txt"))
                .and(filter),
        )
        .select([col("amount").cast(DataType::String)])
        .collect()
        .unwrap();
    strings(&df, "amount")
}

#[test]
fn amounts_of_the_tab_separated_document_read_back_exactly() {
    // 收入决算表, 2080150 事业运行, 其他收入: "5.17"
    let v = amount_002(
        col("table_code")
            .eq(lit("02"))
            .and(col("subject_code").eq(lit("2080150")))
            .and(col("column_name").eq(lit("其他收入"))),
    );
    assert_eq!(v, vec!["5.170000"]);
    // 收入支出决算总表, 支出 side, 八、社会保障和就业支出: "92.69" (as printed; t02 prints 92.68)
    let v = amount_002(
        col("table_code")
            .eq(lit("01"))
            .and(col("side").eq(lit("支出")))
            .and(col("item").eq(lit("社会保障和就业支出"))),
    );
    assert_eq!(v, vec!["92.690000"]);
    // 基本支出决算明细表, 30227 委托业务费: "0.55"; 公用经费合计 3.02 printed in the third group.
    let v = amount_002(
        col("table_code")
            .eq(lit("06"))
            .and(col("subject_code").eq(lit("30227"))),
    );
    assert_eq!(v, vec!["0.550000"]);
    let v = amount_002(
        col("table_code")
            .eq(lit("06"))
            .and(col("item").eq(lit("公用经费合计"))),
    );
    assert_eq!(v, vec!["3.020000"]);
    // 一般公共预算财政拨款支出决算表, 2080108 信息化建设, 项目支出: "14.97"
    let v = amount_002(
        col("table_code")
            .eq(lit("05"))
            .and(col("subject_code").eq(lit("2080108")))
            .and(col("column_name").eq(lit("项目支出"))),
    );
    assert_eq!(v, vec!["14.970000"]);
}

#[test]
fn line_items_of_the_tab_separated_document_are_complete() {
    let df = scan("line_items")
        .lazy()
        .filter(col("source_path").eq(lit("002_6ab84cca39a9b887.txt")))
        .collect()
        .unwrap();
    // Tables 01-06 print 522 amounts in total (zeros included); 07-09 are blank.
    let per_table = df
        .clone()
        .lazy()
        .group_by([col("table_code")])
        .agg([len()])
        .sort(["table_code"], Default::default())
        .collect()
        .unwrap();
    let codes = strings(&per_table, "table_code");
    assert_eq!(codes, vec!["01", "02", "03", "04", "05", "06"]);
    // 01 prints one amount on each of 8 income sources + 4 total rows on the
    // left, and 26 classes + 4 total rows on the right.
    let t01 = df
        .clone()
        .lazy()
        .filter(col("table_code").eq(lit("01")))
        .collect()
        .unwrap();
    assert_eq!(t01.height(), 8 + 4 + 26 + 4);
}

#[test]
fn every_dataset_has_a_partition_that_types_fiscal_year() {
    // Readers that infer Hive partitions (pyarrow) cannot type a column seen
    // only as __HIVE_DEFAULT_PARTITION__: even an empty dataset has a year.
    for ds in ["documents", "line_items", "indicators", "facts", "checks"] {
        let typed = std::fs::read_dir(output().join(ds))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| {
                n.strip_prefix("fiscal_year=")
                    .is_some_and(|y| y.parse::<i32>().is_ok())
            })
            .count();
        assert!(typed >= 1, "{ds} has no typed partition");
    }
}
