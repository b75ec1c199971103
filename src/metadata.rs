//! Checks on what a document says about itself: the fiscal year its title,
//! its tables and its prose speak of (`metadata.fiscal_year`), and a
//! department name left as the template's placeholder. They run after
//! segmentation, beside the accounting checks, and name what they find in
//! `documents.error`.

use std::collections::HashMap;

use crate::amount::Amount;
use crate::decode::Text;
use crate::model::{Check, CheckStatus};
use crate::segment::{Segmented, YearMention, placeholder, year_mentions};

/// The metadata checks of one document and the problems they found, as
/// sentences for `documents.error`.
#[derive(Debug, Default)]
pub struct Review {
    pub checks: Vec<Check>,
    pub problems: Vec<String>,
}

/// Where a year is stated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// The report's and its parts' titles: "2024年度部门决算".
    Title,
    /// The standard tables' titles and headers: "2024年度", "2024年".
    Tables,
    /// The prose: "2024年度收入合计…"; "与2023年度相比" speaks of 2024.
    Prose,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Title => "title",
            Source::Tables => "table_headers",
            Source::Prose => "prose",
        }
    }

    fn phrase(self) -> &'static str {
        match self {
            Source::Title => "the title says",
            Source::Tables => "the table headers say",
            Source::Prose => "the prose speaks of",
        }
    }
}

pub fn review(text: &Text, seg: &Segmented) -> Review {
    let mut out = Review::default();
    fiscal_year(text, seg, &mut out);
    if let Some(name) = seg.meta.department.as_deref()
        && let Some(mark) = placeholder(name)
    {
        out.problems.push(format!(
            "the department name {name} is a template's placeholder ({mark}), not a reporting body's name: the document was published unfilled or the name was not found"
        ));
    }
    out
}

/// The year each source states (the one it states most; none on a tie),
/// compared with the title's, or with the tables' when there is no title.
fn fiscal_year(text: &Text, seg: &Segmented, out: &mut Review) {
    let mut votes: [HashMap<i32, u32>; 3] = Default::default();
    for (i, line) in text.lines().enumerate() {
        if seg.in_toc(i) {
            continue;
        }
        let in_table = seg
            .tables
            .iter()
            .any(|b| b.title_line == i || b.body.contains(&i));
        year_mentions(line, |year, mention| {
            let source = match mention {
                YearMention::Date => return,
                _ if in_table => Source::Tables,
                YearMention::Title => Source::Title,
                _ => Source::Prose,
            };
            *votes[source as usize]
                .entry(mention.accounts_year(year))
                .or_default() += 1;
        });
    }
    let stated = |s: Source| -> Option<i32> {
        let v = &votes[s as usize];
        let (&year, &n) = v.iter().max_by_key(|(_, n)| **n)?;
        (v.values().filter(|&&m| m == n).count() == 1).then_some(year)
    };
    let years = [Source::Title, Source::Tables, Source::Prose].map(|s| (s, stated(s)));
    let Some((reference, ref_year)) = years.iter().find_map(|(s, y)| y.map(|y| (*s, y))) else {
        return;
    };
    for (source, year) in years {
        let Some(year) = year.filter(|_| source != reference) else {
            continue;
        };
        let status = if year == ref_year {
            CheckStatus::Pass
        } else {
            out.problems.push(format!(
                "metadata.fiscal_year: {} {ref_year} but {} {year}; check which year the accounts are for",
                reference.phrase(),
                source.phrase()
            ));
            CheckStatus::Fail
        };
        out.checks.push(Check {
            check: "metadata.fiscal_year".to_string(),
            table_code: None,
            subject_code: None,
            column: Some(format!("{}/{}", reference.name(), source.name())),
            expected: Amount::from_int(ref_year.into()),
            actual: Amount::from_int(year.into()),
            status,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::segment;

    fn review_of(doc: &str) -> Review {
        let t = Text::from_string(doc);
        review(&t, &segment(&t))
    }

    /// "compared sources expected actual status" of each year check.
    fn year_checks(r: &Review) -> Vec<String> {
        r.checks
            .iter()
            .map(|c| {
                assert_eq!(c.check, "metadata.fiscal_year");
                format!(
                    "{} {} {} {}",
                    c.column.as_deref().unwrap_or_default(),
                    c.expected,
                    c.actual,
                    c.status.as_str()
                )
            })
            .collect()
    }

    const TABLE: &str = "一、收入支出决算总表\n部门：某县水务局\t2024年度\t单位：万元\n项目\t行次\t金额\t项目\t行次\t金额\n本年收入合计\t1\t10.00\t本年支出合计\t2\t10.00\n";

    #[test]
    fn the_years_of_title_tables_and_prose_agree() {
        let doc = format!(
            "某县水务局2024年度部门决算\n{TABLE}第三部分 情况说明\n一、收入支出决算总体情况说明\n2024年度收、支总计均为10万元。与2023年度相比增加1万元。截至2024年12月31日，\n"
        );
        let r = review_of(&doc);
        assert_eq!(
            year_checks(&r),
            vec![
                "title/table_headers 2024 2024 pass",
                "title/prose 2024 2024 pass",
            ]
        );
        assert!(r.problems.is_empty(), "{:?}", r.problems);
    }

    #[test]
    fn prose_copied_from_last_years_report_fails() {
        let doc = format!(
            "某县水务局2024年度部门决算\n{TABLE}第三部分 情况说明\n一、收入支出决算总体情况说明\n2023年度收、支总计均为10万元。与2022年度相比增加1万元。\n"
        );
        let r = review_of(&doc);
        assert_eq!(
            year_checks(&r),
            vec![
                "title/table_headers 2024 2024 pass",
                "title/prose 2024 2023 fail",
            ]
        );
        assert_eq!(r.problems.len(), 1);
        assert!(
            r.problems[0].contains("the title says 2024 but the prose speaks of 2023"),
            "{:?}",
            r.problems
        );
    }

    #[test]
    fn without_tables_the_prose_is_compared_with_the_title_and_without_a_title_with_the_tables() {
        let r = review_of("某县水务局2024年度部门决算\n情况说明\n与2023年度相比增加1万元。\n");
        assert_eq!(year_checks(&r), vec!["title/prose 2024 2024 pass"]);
        let r = review_of(&format!(
            "{TABLE}第三部分 情况说明\n2023年度收、支总计均为10万元。\n"
        ));
        assert_eq!(year_checks(&r), vec!["table_headers/prose 2024 2023 fail"]);
    }

    #[test]
    fn nothing_to_compare_emits_no_check() {
        assert!(
            review_of("某县水务局2024年度部门决算\n第一部分 部门概况\n")
                .checks
                .is_empty()
        );
        assert!(review_of("收支总计10万元。\n").checks.is_empty());
    }

    #[test]
    fn a_placeholder_department_is_named() {
        for (doc, name) in [
            ("XX局2024年度部门决算\n", "XX局"),
            ("上海市XXX单位2024年度部门决算\n", "上海市XXX单位"),
            ("某某县某某局2024年度部门决算\n", "某某县某某局"),
            ("××区××局2024年度部门决算\n", "××区××局"),
        ] {
            let r = review_of(doc);
            assert_eq!(r.problems.len(), 1, "{doc}: {:?}", r.problems);
            assert!(r.problems[0].contains(name), "{:?}", r.problems);
        }
        // A real name is not one, 某县 of a hand-written example neither.
        for doc in [
            "某县水务局2024年度部门决算\n",
            "兴县交通运输局2024年度部门决算\n",
        ] {
            assert!(review_of(doc).problems.is_empty(), "{doc}");
        }
    }
}
