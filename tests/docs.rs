//! docs/datasets.md states every column's nullability and each dataset's key:
//! both must be what the files hold.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use juesuan::emit::Dataset;

/// The column tables of docs/datasets.md: dataset → column → "no" / "yes".
fn documented_nullability() -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(common::root().join("docs/datasets.md")).unwrap();
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut dataset: Option<String> = None;
    let mut in_columns = false;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            dataset = h.split(':').next().map(str::to_string);
            in_columns = false;
            continue;
        }
        if line.starts_with("| column | type | null | meaning |") {
            in_columns = true;
            continue;
        }
        if !line.starts_with('|') {
            in_columns = false;
            continue;
        }
        if !in_columns || line.starts_with("| ---") {
            continue;
        }
        // Only the first three cells are read: the meaning may hold `\|`.
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let names: Vec<&str> = cells[0]
            .split([',', '/'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        let nulls: Vec<&str> = cells[2].split(',').map(str::trim).collect();
        let d = dataset
            .clone()
            .expect("a column table under a dataset heading");
        for (i, n) in names.iter().enumerate() {
            let null = nulls.get(i).or(nulls.first()).unwrap();
            out.entry(d.clone())
                .or_default()
                .insert(n.to_string(), null.to_string());
        }
    }
    out
}

#[test]
fn documented_columns_and_nullability_match_the_schema() {
    let docs = documented_nullability();
    for d in Dataset::ALL {
        let documented = docs
            .get(d.name())
            .unwrap_or_else(|| panic!("{} not documented", d.name()));
        let schema = d.schema();
        let names: BTreeSet<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let listed: BTreeSet<&str> = documented.keys().map(String::as_str).collect();
        assert_eq!(listed, names, "{}: documented columns", d.name());
        for f in schema.fields() {
            let want = if f.is_nullable() { "yes" } else { "no" };
            assert_eq!(
                documented[f.name()],
                want,
                "{}.{}: documented nullability",
                d.name(),
                f.name()
            );
        }
    }
}

#[test]
fn documented_keys_are_the_schema_keys_and_hold_on_real_output() {
    let text = std::fs::read_to_string(common::root().join("docs/datasets.md")).unwrap();
    for d in Dataset::ALL {
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("| {} | ", d.name())))
            .unwrap_or_else(|| panic!("no key row for {}", d.name()));
        let key = d.key();
        if key.is_empty() {
            assert!(row.contains("| none"), "{row}");
            continue;
        }
        assert!(row.contains(&format!("`{}`", key.join(", "))), "{row}");
        for out in [common::corpus_output(), common::run_once("input")] {
            let rows = common::read_dataset(&out, d.name());
            let mut seen = BTreeSet::new();
            for r in &rows {
                let k: Vec<Option<String>> = key.iter().map(|c| r[*c].clone()).collect();
                assert!(seen.insert(k.clone()), "{}: key {k:?} twice", d.name());
            }
            assert!(!rows.is_empty(), "{}: no rows to check", d.name());
        }
    }
}
