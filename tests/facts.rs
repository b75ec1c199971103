//! Facts of the 情况说明 prose against the hand-checked gold of the corpus:
//! every document with prose yields its figures, including those whose
//! tables were images (000, 001) and one without a 情况说明 at all (004).

mod common;

use common::{assert_floor, corpus_output as output, gold, read_dataset, score};

#[test]
fn facts_of_every_shape_match_the_gold() {
    let s = score(&output(), &gold(), "facts");
    for src in [
        "000_0549f45c8921e423.txt",
        "001_08c5a9fc441d161e.txt",
        "002_6ab84cca39a9b887.txt",
        "003_0940f7d63c256225.txt",
        "004_dc9c9a078db0651c.txt",
        "shanghai-putuo-planning-2024.layout.txt",
        "shanghai-putuo-planning-2024.raw.txt",
    ] {
        assert_floor(&s, src, 0.95, 0.95);
    }
    assert_eq!(
        s["shanghai-template-2024.layout.txt"].pred, 0,
        "the empty template states no figure"
    );
}

#[test]
fn every_corpus_document_has_its_department_and_year() {
    // Read off each document's title, labels and prose by hand.
    let expected = [
        (
            "000_0549f45c8921e423.txt",
            "随州市曾都区人力资源和社会保障局",
            "2023",
        ),
        (
            "001_08c5a9fc441d161e.txt",
            "通城县人力资源和社会保障局",
            "2023",
        ),
        (
            "002_6ab84cca39a9b887.txt",
            "随州市曾都区人力资源和社会保障信息网络和档案管理中心",
            "2023",
        ),
        ("003_0940f7d63c256225.txt", "东西湖区人社局", "2024"),
        (
            "004_dc9c9a078db0651c.txt",
            "岳阳市君山区人力资源和社会保障局",
            "2023",
        ),
        (
            "shanghai-putuo-planning-2024.layout.txt",
            "上海市普陀区规划和自然资源局",
            "2024",
        ),
        (
            "shanghai-putuo-planning-2024.raw.txt",
            "上海市普陀区规划和自然资源局",
            "2024",
        ),
        // The same report as printed by other converters.
        (
            "shanghai-putuo-planning-2024.flat.txt",
            "上海市普陀区规划和自然资源局",
            "2024",
        ),
        (
            "shanghai-putuo-planning-2024.pdfplumber.txt",
            "上海市普陀区规划和自然资源局",
            "2024",
        ),
        (
            "shanghai-putuo-planning-2024.pdfplumber-layout.txt",
            "上海市普陀区规划和自然资源局",
            "2024",
        ),
        (
            "shanghai-putuo-planning-2024.pymupdf.txt",
            "上海市普陀区规划和自然资源局",
            "2024",
        ),
        (
            "shanghai-putuo-planning-2024.pymupdf-sort.txt",
            "上海市普陀区规划和自然资源局",
            "2024",
        ),
        // The template prints its placeholder; it is not flagged there.
        ("shanghai-template-2024.layout.txt", "上海市XX局", "2024"),
    ];
    let docs = read_dataset(&output(), "documents");
    assert_eq!(docs.len(), expected.len());
    for (src, department, year) in expected {
        let d = docs
            .iter()
            .find(|d| d["source_path"].as_deref() == Some(src))
            .unwrap();
        assert_eq!(d["department"].as_deref(), Some(department), "{src}");
        assert_eq!(d["fiscal_year"].as_deref(), Some(year), "{src}");
    }
    // The years of title and prose agree on every document that states both.
    let checks = read_dataset(&output(), "checks");
    let year_checks: Vec<_> = checks
        .iter()
        .filter(|c| c["check_id"].as_deref() == Some("metadata.fiscal_year"))
        .collect();
    assert!(year_checks.len() >= 5, "{year_checks:?}");
    assert!(
        year_checks
            .iter()
            .all(|c| c["status"].as_deref() == Some("pass")),
        "{year_checks:?}"
    );
}

// Classes of prose as other templates, converters and crawlers print it
// (issue 17). Every snippet is hand-written in the style of the class, not
// copied from a document; its figures are made up and add up.

use juesuan::decode::Text;
use juesuan::extract::facts;
use juesuan::segment::segment;

/// (metric, value, prior-year change, percentage), "" where not stated.
type Row = (String, String, String, String);

fn facts_of(doc: &str) -> Vec<Row> {
    let text = Text::from_string(doc);
    let seg = segment(&text);
    facts::extract(&text, &seg)
        .into_iter()
        .map(|f| {
            let o =
                |a: Option<juesuan::amount::Amount>| a.map(|a| a.to_string()).unwrap_or_default();
            (
                f.metric.to_string(),
                f.value.to_string(),
                o(f.prior_year_change),
                o(f.change_pct),
            )
        })
        .collect()
}

/// The facts of `doc` are exactly `expected`: each found with its value and
/// change, nothing else emitted.
fn assert_facts(doc: &str, expected: &[(&str, &str, &str, &str)]) {
    let got = facts_of(doc);
    for (metric, value, change, pct) in expected {
        let row = got.iter().find(|r| r.0 == *metric);
        assert_eq!(
            row.map(|r| (r.1.as_str(), r.2.as_str(), r.3.as_str())),
            Some((*value, *change, *pct)),
            "{metric}: all facts {got:?}"
        );
    }
    let extra: Vec<&Row> = got
        .iter()
        .filter(|r| !expected.iter().any(|e| e.0 == r.0))
        .collect();
    assert!(extra.is_empty(), "unexpected facts {extra:?}");
}

#[test]
fn letter_spaced_lines_are_read_as_printed() {
    // Justified lines carry a gap between every character, digits included;
    // a paragraph's last line is not stretched.
    let doc = "某县水务局2023年度部门决算\n\
第三部分 2023年度部门决算情况说明\n\
一 、 收 入 支 出 决 算 总 体 情 况 说 明\n\
2 0 2 3 年 度 收 、 支 总 计 均 为 6 1 2 . 4 0 万 元 。 与 2 0 2 2 年 度 相 比 ，\n\
收 、 支 总 计 各 增 加 2 0 . 4 0 万 元 ， 增 长 3 . 4 5 % 。 主 要 原 因 是 防\n\
汛工作经费增加。\n\
二、收入决算情况说明\n\
2 0 2 3 年 度 本 年 收 入 合 计 5 8 0 . 0 0 万 元 ， 其 中 ： 财 政 拨 款 收\n\
入 5 6 0 . 0 0 万 元 ， 占 9 6 . 5 5 % ； 其 他 收 入 2 0 . 0 0 万 元 ，\n\
占3.45%。\n\
三、支出决算情况说明\n\
本 年 支 出 合 计 6 0 0 . 0 0 万 元 ， 其 中 ： 基 本 支 出 4 5 0 . 0 0\n\
万元，项目支出150.00万元。\n";
    assert_facts(
        doc,
        &[
            ("收支总计", "612.4", "20.4", "3.45"),
            ("收入合计", "580", "", ""),
            ("财政拨款收入", "560", "", ""),
            ("其他收入", "20", "", ""),
            ("支出合计", "600", "", ""),
            ("基本支出", "450", "", ""),
            ("项目支出", "150", "", ""),
        ],
    );
}

#[test]
fn a_continuation_printed_above_its_label_line_is_put_back() {
    // The rendering printed each paragraph's second line above its first:
    // the figure stands on the line before the label it belongs to.
    let doc = "某县水务局2023年度部门决算\n\
第三部分 2023年度部门决算情况说明\n\
一、收入支出决算总体情况说明\n\
1,234.50万元。与2022年度相比，收、支总计各增加34.50万元，增长2.88%。主要\n\
某县水务局2023年度收、支总计均为\n\
原因是防汛工作经费增加。\n\
三、支出决算情况说明\n\
本年支出合计1,200.00万元，与上年相比减少12.00万元，下降0.99%。\n\
900.00万元，占75%；项目支出300.00万元，占25%。\n\
其中：基本支出\n\
七、“三公”经费支出决算情况说明\n\
3.20万元，完成预算的80%。较上年减少0.80万元，下降20%。\n\
2023年度“三公”经费财政拨款支出决算为\n";
    assert_facts(
        doc,
        &[
            ("收支总计", "1234.5", "34.5", "2.88"),
            ("支出合计", "1200", "-12", "-0.99"),
            ("基本支出", "900", "", ""),
            ("项目支出", "300", "", ""),
            ("三公经费决算", "3.2", "-0.8", "-20"),
        ],
    );
    // A label line ending in another marker than the metric's own
    // (`全年预算为` before the figure of the budget, the 决算 after it), and
    // a label two metrics share (the 三公 budget and its outturn).
    let doc = "某县水务局2023年度部门决算\n\
第三部分 2023年度部门决算情况说明\n\
七、“三公”经费支出决算情况说明\n\
6.00万元，支出决算为5.00万元，完成全年预算的83.33%。较上年减少1.00万元，下降16.67%。\n\
2023年度“三公”经费财政拨款支出全年预算为\n\
2.00万元，支出决算为1.50万元，完成全年预算的75%。较上年减少0.50万元，下降25%。\n\
1.公务接待费全年预算为\n";
    assert_facts(
        doc,
        &[
            ("三公经费预算", "6", "", ""),
            ("三公经费决算", "5", "-1", "-16.67"),
            ("公务接待费决算", "1.5", "-0.5", "-25"),
        ],
    );
}

#[test]
fn an_unchanged_figure_stated_apart_is_a_zero_change() {
    let doc = "某县水务局2023年度部门决算\n\
第三部分 2023年度部门决算情况说明\n\
七、“三公”经费支出决算情况说明\n\
2023年度“三公”经费财政拨款支出决算为3.20万元，比上年减少0.80万元，下降20%。\
其中：因公出国(境)费支出决算为0万元；公务用车购置及运行维护费支出决算为2.00万元；\
公务接待费支出决算为1.20万元。因公出国(境)费与上年持平，公务用车购置及运行维护费\
较上年无变化，公务接待费较上年减少0.80万元，下降40%。\n";
    assert_facts(
        doc,
        &[
            ("三公经费决算", "3.2", "-0.8", "-20"),
            ("因公出国(境)费决算", "0", "0", "0"),
            ("公务用车购置及运行费决算", "2", "0", "0"),
            ("公务接待费决算", "1.2", "-0.8", "-40"),
        ],
    );
    // One sentence per sub-item, the comparison in a sentence of its own.
    let doc = "某县水务局2023年度部门决算\n\
第三部分 2023年度部门决算情况说明\n\
七、“三公”经费支出决算情况说明\n\
1.因公出国(境)费支出0万元。与上年持平。\n\
2.公务用车购置及运行维护费支出2.00万元，与上年相比没有变化。\n\
3.公务接待费支出1.20万元。与2022年度相比无变化。\n";
    assert_facts(
        doc,
        &[
            ("因公出国(境)费决算", "0", "0", "0"),
            ("公务用车购置及运行费决算", "2", "0", "0"),
            ("公务接待费决算", "1.2", "0", "0"),
        ],
    );
    // Two sub-items named together share the statement; one that is not
    // named in it gets none.
    let doc = "某县水务局2023年度部门决算\n\
第三部分 2023年度部门决算情况说明\n\
七、“三公”经费支出决算情况说明\n\
因公出国(境)费支出决算为0万元，公务用车购置及运行维护费支出决算为2.00万元，\
公务接待费支出决算为1.20万元。因公出国(境)费、公务接待费均与上年持平；\
公务用车购置及运行维护费未作比较。\n";
    assert_facts(
        doc,
        &[
            ("因公出国(境)费决算", "0", "0", "0"),
            ("公务用车购置及运行费决算", "2", "", ""),
            ("公务接待费决算", "1.2", "0", "0"),
        ],
    );
}

#[test]
fn a_page_number_inside_a_paragraph_is_not_its_text() {
    // A page break inside sentences: the page's number, in words, printed
    // between the lines of a paragraph, once cutting a name in two.
    let doc = "某县水务局2023年度部门决算\n\
第三部分 2023年度部门决算情况说明\n\
五、一般公共预算财政拨款支出决算情况说明\n\
2023年度一般公共预算财政拨款支出560.00万元，占本年支出合计的93.33%。与2022年度相比，一般公共预算财政拨款\n\
第 16 页\n\
支出增加40.00万元，增长7.69%。\n\
七、“三公”经费支出决算情况说明\n\
1.因公出国(境)费支出决算为0万元。\n\
2.公务用车购置及运行维护费支出决算为2.00万元。\n\
3.公务接待费支出决算为1.20万元。因公出国(境)费、公\n\
第 17 页 共 20 页\n\
务用车购置及运行维护费、公务接待费均与上年持平。\n\
八、机关运行经费支出说明\n\
本部门2023年度机关运行经费支出50.00万元，比2022\n\
共 20 页  第 18 页\n\
年度增加5.00万元，增长11.11%。\n";
    assert_facts(
        doc,
        &[
            ("一般公共预算财政拨款支出", "560", "40", "7.69"),
            ("因公出国(境)费决算", "0", "0", "0"),
            ("公务用车购置及运行费决算", "2", "0", "0"),
            ("公务接待费决算", "1.2", "0", "0"),
            ("机关运行经费", "50", "5", "11.11"),
        ],
    );
}

/// An older template (2016): income and expenditure stated in the overview,
/// sections numbered otherwise, 人员支出/公用支出, the running costs and
/// procurement as sub-items of 其他重要事项.
const OLDER_TEMPLATE: &str = "某县文化广电新闻出版局2016年度部门决算\n\
第一部分 部门概况\n\
一、主要职能\n\
负责全县文化、广播电视和新闻出版工作。\n\
第二部分 2016年度部门决算情况说明\n\
一、收入支出决算总体情况说明\n\
2016年度收入总计456.78万元，支出总计456.78万元。与2015年度相比，收、支总计各增加12.34万元，增长2.78%。\
其中：本年收入合计450.00万元，包括财政拨款收入440.00万元，其他收入10.00万元；\
本年支出合计449.00万元，包括基本支出300.00万元，项目支出149.00万元。\n\
二、一般公共预算财政拨款支出决算情况说明\n\
2016年度一般公共预算财政拨款支出440.00万元，与2015年度相比，增加20.00万元，增长4.76%。\n\
三、一般公共预算财政拨款基本支出决算情况说明\n\
2016年度一般公共预算财政拨款基本支出300.00万元，其中：人员支出250.00万元，主要包括基本工资、津贴补贴等；\
公用支出50.00万元，主要包括办公费、印刷费等。\n\
四、“三公”经费支出决算情况说明\n\
2016年度“三公”经费支出预算为6.00万元，支出决算为5.00万元，比上年减少1.00万元，下降16.67%。\n\
五、其他重要事项的情况说明\n\
(一)机关运行经费支出情况\n\
2016年度机关运行经费支出50.00万元，比上年减少5.00万元，下降9.09%。\n\
(二)政府采购支出情况\n\
2016年度政府采购支出总额30.00万元，其中：政府采购货物支出20.00万元、政府采购服务支出10.00万元。\n";

const OLDER_TEMPLATE_FACTS: &[(&str, &str, &str, &str)] = &[
    ("收支总计", "456.78", "12.34", "2.78"),
    ("收入合计", "450", "", ""),
    ("财政拨款收入", "440", "", ""),
    ("其他收入", "10", "", ""),
    ("支出合计", "449", "", ""),
    ("基本支出", "300", "", ""),
    ("项目支出", "149", "", ""),
    ("一般公共预算财政拨款支出", "440", "20", "4.76"),
    ("人员经费", "250", "", ""),
    ("公用经费", "50", "", ""),
    ("三公经费预算", "6", "", ""),
    ("三公经费决算", "5", "-1", "-16.67"),
    ("机关运行经费", "50", "-5", "-9.09"),
    ("政府采购支出总额", "30", "", ""),
];

#[test]
fn an_older_templates_sections_are_homes_by_meaning() {
    assert_facts(OLDER_TEMPLATE, OLDER_TEMPLATE_FACTS);
}

/// A crawled page of a 2017 county report: the body on one line, paragraphs
/// joined by nothing or a space, the site's furniture before it, table cells
/// glued into the text (编制 21 人 / 实有 55 人 as `财政核拨2155`), the nine
/// tables flattened at the end.
const CRAWLED: &str = "首页 > 信息公开 > 财政预决算 某县交通运输局2017年度部门决算公开 发布日期：2018年09月12日 \
来源：某县财政局 【字体：大 中 小】 目录 第一部分 部门概况 第二部分 2017年度部门决算情况说明 第三部分 名词解释 \
第四部分 附件 第一部分 部门概况 一、主要职能 负责全县公路建设和养护管理。二、部门决算单位构成 本部门决算为汇总决算，\
包括局机关及所属2个事业单位。三、人员构成情况 编制人数 实有人数 行政编制 财政核拨2155 事业编制1412 \
第二部分 2017年度部门决算情况说明一、收入支出决算总体情况说明2017年度收、支总计均为1,234.56万元。\
与2016年度相比，收、支总计各增加56.78万元，增长4.82%，主要原因是公路养护任务增加。二、收入决算情况说明\
2017年度本年收入合计1,200.00万元，其中：财政拨款收入1,150.00万元，占95.83%；其他收入50.00万元，占4.17%。\
三、支出决算情况说明2017年度本年支出合计1,210.00万元，其中：基本支出610.00万元，占50.41%；项目支出600.00万元，\
占49.59%。四、财政拨款收入支出决算总体情况说明2017年度财政拨款收、支总计均为1,150.00万元。与2016年度相比，\
财政拨款收、支总计各增加50.00万元，增长4.55%。五、一般公共预算财政拨款支出决算情况说明（一）一般公共预算财政拨款\
支出决算总体情况2017年度一般公共预算财政拨款支出1,150.00万元，占本年支出合计的95.04%。与2016年度相比，\
一般公共预算财政拨款支出增加50.00万元，增长4.55%。（二）一般公共预算财政拨款支出决算结构情况 交通运输支出1,000.00万元，\
占86.96%。六、一般公共预算财政拨款基本支出决算情况说明2017年度一般公共预算财政拨款基本支出560.00万元，其中：\
人员经费500.00万元，主要包括基本工资；公用经费60.00万元，主要包括办公费。七、一般公共预算财政拨款“三公”经费支出决算\
情况说明（一）“三公”经费财政拨款支出决算总体情况说明。2017年度“三公”经费财政拨款支出预算为10.00万元，\
支出决算为8.00万元，完成预算的80%。较上年减少2.00万元，下降20%。（二）“三公”经费财政拨款支出决算具体情况说明。\
1.因公出国（境）费支出决算为0万元，与上年持平。2.公务用车购置及运行维护费支出决算为6.00万元，较上年减少1.00万元，\
下降14.29%。3.公务接待费支出决算为2.00万元，较上年减少1.00万元，下降33.33%。八、其他重要事项的情况说明\
（一）机关运行经费支出情况 2017年度机关运行经费支出60.00万元，比2016年度增加3.00万元，增长5.26%。\
（二）政府采购支出情况 2017年度政府采购支出总额45.00万元。 第三部分 名词解释 一、财政拨款收入：指县级财政当年拨付的资金。\
第四部分 附件 收入支出决算总表 单位：万元 收入 支出 项目 行次 金额 项目 行次 金额 一、财政拨款收入 1 1,150.00 \
一、一般公共服务支出 32 21.00 七、其他收入 6 50.00 本年收入合计 7 1,200.00 本年支出合计 38 1,210.00\n\
上一篇：某县水利局2017年度部门决算公开 下一篇：某县教育局2017年度部门决算公开\n";

const CRAWLED_FACTS: &[(&str, &str, &str, &str)] = &[
    ("收支总计", "1234.56", "56.78", "4.82"),
    ("收入合计", "1200", "", ""),
    ("财政拨款收入", "1150", "", ""),
    ("其他收入", "50", "", ""),
    ("支出合计", "1210", "", ""),
    ("基本支出", "610", "", ""),
    ("项目支出", "600", "", ""),
    ("财政拨款收支总计", "1150", "50", "4.55"),
    ("一般公共预算财政拨款支出", "1150", "50", "4.55"),
    ("人员经费", "500", "", ""),
    ("公用经费", "60", "", ""),
    ("三公经费预算", "10", "", ""),
    ("三公经费决算", "8", "-2", "-20"),
    ("因公出国(境)费决算", "0", "0", "0"),
    ("公务用车购置及运行费决算", "6", "-1", "-14.29"),
    ("公务接待费决算", "2", "-1", "-33.33"),
    ("机关运行经费", "60", "3", "5.26"),
    ("政府采购支出总额", "45", "", ""),
];

#[test]
fn crawled_page_text_is_read_by_punctuation_and_section_markers() {
    assert_facts(CRAWLED, CRAWLED_FACTS);
    // The same page with its paragraphs on lines of their own, joined by a
    // space where the crawler kept a break.
    let spaced = CRAWLED
        .replace("。二、", "。 二、")
        .replace("说明2017", "说明 2017")
        .replace("。 第三部分", "。\n第三部分");
    assert_facts(&spaced, CRAWLED_FACTS);
}

#[test]
fn a_crawled_page_is_its_own_shape_with_its_department_and_year() {
    let p = juesuan::document::process("crawled.txt", CRAWLED.as_bytes());
    assert_eq!(p.row.shape, Some("html_text"));
    assert_eq!(p.row.meta.department.as_deref(), Some("某县交通运输局"));
    assert_eq!(p.row.meta.fiscal_year, Some(2017));
    assert_eq!(p.extracted.facts.len(), CRAWLED_FACTS.len());
    // Glued table cells are not read as line items.
    assert!(p.extracted.line_items.is_empty());
}

#[test]
fn a_placeholder_department_makes_a_document_partial() {
    let doc = OLDER_TEMPLATE.replace("某县文化广电新闻出版局", "XX县XX局");
    let p = juesuan::document::process("placeholder.txt", doc.as_bytes());
    assert_eq!(p.row.meta.department.as_deref(), Some("XX县XX局"));
    assert_eq!(p.row.status, juesuan::model::Status::Partial);
    let error = p.row.error.unwrap_or_default();
    assert!(
        error.contains("XX县XX局") && error.contains("placeholder"),
        "{error}"
    );
    // The same document with its name is not flagged for it.
    let p = juesuan::document::process("named.txt", OLDER_TEMPLATE.as_bytes());
    assert!(
        !p.row.error.unwrap_or_default().contains("placeholder"),
        "named"
    );
}
