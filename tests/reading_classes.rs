//! Reading classes that cost rows on unseen documents, each on a hand-written
//! snippet (not a corpus line): the amounts must land in their printed row
//! and column.

use juesuan::amount::Amount;
use juesuan::document::process;
use juesuan::model::LineItem;

fn item<'a>(items: &'a [LineItem], side: &str, row: &str, column: &str) -> Option<&'a LineItem> {
    items.iter().find(|i| {
        i.table.code() == "04"
            && i.side.map(|s| s.as_str()).unwrap_or("") == side
            && i.item == row
            && i.column == column
    })
}

fn amount(items: &[LineItem], side: &str, row: &str, column: &str) -> String {
    item(items, side, row, column)
        .map(|i| i.amount.to_string())
        .unwrap_or_else(|| format!("no {side} {row} {column}"))
}

/// Table 04's title and a one-line header, as TAB rows.
const FISCAL_HEAD: &str = "财政拨款收入支出决算总表\n单位：万元\n项目\t决算数\t项目\t小计\t一般公共预算财政拨款\t政府性基金预算财政拨款\t国有资本经营预算财政拨款\n";

/// Table 04's first rows: 5.00 received and spent on 教育.
const FIVE_SPENT: &str = "一、一般公共预算财政拨款\t5.00\t一、教育支出\t5.00\t5.00\t0.00\t0.00\n本年收入合计\t5.00\t本年支出合计\t5.00\t5.00\t0.00\t0.00\n";

/// A printed amount as `Amount` shows it (`30.00` is `30`).
/// Table 09's amount in `column` and whether it is verified.
fn three_public(items: &[LineItem], column: &str) -> Option<(String, bool)> {
    items
        .iter()
        .find(|i| i.table.code() == "09" && i.column == column)
        .map(|i| (i.amount.to_string(), i.verified))
}

/// Asserts table 04's amounts (side, row, column, printed), listing what was
/// read when one is not.
fn assert_fiscal(items: &[LineItem], expected: &[(&str, &str, &str, &str)]) {
    for &(side, row, column, printed) in expected {
        assert_eq!(
            amount(items, side, row, column),
            money(printed),
            "{side} {row} {column}: {:?}",
            items
                .iter()
                .map(|i| (i.table.code(), &i.item, &i.column, i.amount.to_string()))
                .collect::<Vec<_>>()
        );
    }
}

fn money(printed: &str) -> String {
    Amount::parse_plain(printed).unwrap().to_string()
}

/// Table 04 as TAB rows with no 行次 column: the income side's 决算数 is the
/// column just left of the expenditure names, and stays income.
#[test]
fn income_amounts_beside_the_expenditure_names_stay_income() {
    let doc = "\
财政拨款收入支出决算总表
单位：万元
项目\t决算数\t项目\t小计\t一般公共预算财政拨款\t政府性基金预算财政拨款\t国有资本经营预算财政拨款
一、一般公共预算财政拨款\t74.27\t一、一般公共服务支出\t0.00\t0.00\t0.00\t0.00
二、政府性基金预算财政拨款\t0.00\t二、教育支出\t74.27\t74.27\t0.00\t0.00
三、国有资本经营预算财政拨款\t0.00\t三、卫生健康支出\t0.00\t0.00\t0.00\t0.00
本年收入合计\t74.27\t本年支出合计\t74.27\t74.27\t0.00\t0.00
年初财政拨款结转和结余\t0.00\t年末财政拨款结转和结余\t0.00\t0.00\t0.00\t0.00
总计\t74.27\t总计\t74.27\t74.27\t0.00\t0.00
";
    let p = process("fiscal.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    for row in ["一般公共预算财政拨款", "本年收入合计", "总计"] {
        assert_eq!(
            amount(items, "收入", row, "决算数"),
            money("74.27"),
            "{row}"
        );
        assert!(
            item(items, "收入", row, "决算数").unwrap().verified,
            "{row}"
        );
    }
    assert_eq!(amount(items, "支出", "总计", "小计"), money("74.27"));
}

/// A header printed the way a rule-less table comes out: side banners
/// centred over their sides, column names wrapped onto lines of their own,
/// a column printed blank. Banners head no column; the wrapped lines join.
#[test]
fn wrapped_header_lines_and_side_banners_name_the_columns() {
    let doc = "\
财政拨款收入支出决算总表
单位：万元
收入\t\t\t支出\t\t\t
\t\t\t\t一般公共预算\t政府性基金预\t国有资本经营
项目\t决算数\t项目\t小计\t\t\t
\t\t\t\t财政拨款\t算财政拨款\t预算财政拨款
一、一般公共预算财政拨款\t20.00\t一、一般公共服务支出\t\t\t\t
二、政府性基金预算财政拨款\t10.00\t二、教育支出\t30.00\t20.00\t10.00\t
三、国有资本经营预算财政拨款\t\t三、卫生健康支出\t\t\t\t
本年收入合计\t30.00\t本年支出合计\t30.00\t20.00\t10.00\t
总计\t30.00\t总计\t30.00\t20.00\t10.00\t
";
    let p = process("fiscal.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_fiscal(
        items,
        &[
            ("支出", "教育支出", "小计", "30.00"),
            ("支出", "教育支出", "一般公共预算财政拨款", "20.00"),
            ("支出", "教育支出", "政府性基金预算财政拨款", "10.00"),
            ("支出", "本年支出合计", "政府性基金预算财政拨款", "10.00"),
            ("收入", "政府性基金预算财政拨款", "决算数", "10.00"),
        ],
    );
}

/// A row name wrapped onto two lines whose first line is no row name by
/// itself (`年初财政拨款结转和` / `结余`) is still a row: the next row keeps
/// its own name.
#[test]
fn a_name_wrapped_before_its_end_opens_its_row() {
    let doc = format!(
        "{FISCAL_HEAD}{FIVE_SPENT}{}",
        "\
年初财政拨款结转和\t1.00\t年末财政拨款结转和\t1.00\t1.00\t0.00\t0.00
结余\t\t结余\t\t\t\t
总计\t6.00\t总计\t6.00\t6.00\t0.00\t0.00
"
    );
    let p = process("fiscal.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_eq!(
        amount(items, "收入", "年初财政拨款结转和结余", "决算数"),
        money("1.00")
    );
    assert_eq!(amount(items, "收入", "总计", "决算数"), money("6.00"));
    assert_eq!(amount(items, "支出", "总计", "小计"), money("6.00"));
}

/// Table 09 printed with each item's 预算数 beside its 决算数 (not the two
/// halves apart): the order under which its sums hold places the amounts,
/// in TAB rows and in flat text alike.
#[test]
fn three_public_budget_and_final_side_by_side_are_placed_by_their_sums() {
    let amounts = [
        "36.53", "32.62", "0.00", "0.00", "35.81", "32.26", "32.56", "29.37", "3.25", "2.89",
        "0.72", "0.36",
    ];
    let header = [
        "合计",
        "因公出国(境)费",
        "公务用车购置及运行维护费",
        "公务接待费",
    ];
    let halves = ["预算数", "决算数"].repeat(6);
    // Flat text wraps a long header: its words come a line each.
    for (name, sep, header_sep) in [("tab.txt", "\t", "\t"), ("flat.txt", " ", "\n")] {
        let doc = format!(
            "财政拨款“三公”经费支出决算表\n单位：万元\n{}\n{}\n{}\n",
            header.join(header_sep),
            halves.join(sep),
            amounts.join(sep)
        );
        let p = process(name, doc.as_bytes());
        let got = |column: &str| three_public(&p.extracted.line_items, column);
        for (column, printed) in [
            ("预算数/合计", "36.53"),
            ("决算数/合计", "32.62"),
            ("预算数/公务用车购置及运行维护费/小计", "35.81"),
            ("决算数/公务用车购置及运行维护费/公务用车运行维护费", "2.89"),
            ("决算数/公务接待费", "0.36"),
        ] {
            assert_eq!(got(column), Some((money(printed), true)), "{name} {column}");
        }
    }
}

/// The line after a page's last row is the next page's running head (after
/// a form feed), not the rest of that row's name.
#[test]
fn a_running_head_after_a_page_break_is_no_part_of_the_last_row() {
    let doc = format!(
        "{FISCAL_HEAD}{FIVE_SPENT}{}",
        "\
总计\t5.00\t总计\t5.00\t5.00\t0.00\t0.00
注：本表反映部门本年度财政拨款总收支和结转结余情况。
10
\u{c}光山县教育局2021年度部门决算
"
    );
    let p = process("fiscal.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_eq!(amount(items, "收入", "总计", "决算数"), money("5.00"));
    assert!(item(items, "收入", "总计", "决算数").unwrap().verified);
}

/// 09 as a PDF with narrow columns gives it: each column's header stacked a
/// character or two per line, the 预算数/决算数 banners in the middle one of
/// their six columns, two columns printed blank, a bare page number after
/// the note. The blanks are nil and the sums decide the columns; the page
/// number is no amount.
#[test]
fn stacked_headers_and_centred_banners_leave_three_public_to_its_sums() {
    let lines = [
        "||预算数||||||决算数|||",
        "|||公务用车购置及运行||||||公务用车购置及运行||",
        "|因||维护费||||因||维护费||",
        "|公||||||公||||",
        "|出||公||||出||公||",
        "|||务|公务|公务||||务|公务|公务",
        "|国||||||国||||",
        "合计|||用|用车|接待|合计|||用|用车|接待",
        "|(||||||(||||",
        "||小计|车|运行|费|||小计|车|运行|费",
        "|境||||||境||||",
        "|)||购|维护|||)||购|维护|",
        "|费||置|费|||费||置|费|",
        "|||费||||||费||",
        "5.10||4.30||4.30|0.80|4.66||4.02||4.02|0.64",
    ];
    let doc = format!(
        "财政拨款“三公”经费支出决算表\n单位：万元\n{}\n注：本表反映部门本年度“三公”经费支出预决算情况。\n17\n",
        lines.join("\n").replace('|', "\t")
    );
    let p = process("three_public.txt", doc.as_bytes());
    let got = |column: &str| three_public(&p.extracted.line_items, column);
    for (column, printed) in [
        ("预算数/合计", "5.10"),
        ("预算数/公务用车购置及运行维护费/小计", "4.30"),
        ("预算数/公务用车购置及运行维护费/公务用车运行维护费", "4.30"),
        ("预算数/公务接待费", "0.80"),
        ("决算数/合计", "4.66"),
        ("决算数/公务用车购置及运行维护费/小计", "4.02"),
        ("决算数/公务接待费", "0.64"),
    ] {
        assert_eq!(got(column), Some((money(printed), true)), "{column}");
    }
    assert!(
        !p.extracted
            .line_items
            .iter()
            .any(|i| i.table.code() == "09" && i.amount.to_string() == money("17")),
        "the page number is no amount"
    );
}

/// 09 printing blanks where nothing was spent: flat text drops them, layout
/// text sets its stacked headers where no amount stands. Nil for the blanks,
/// the sums place every figure they pin down; a figure they cannot place
/// (运行维护费 or 购置费 makes the same 小计 when the other is blank) is never
/// vouched for in the wrong column.
#[test]
fn three_public_with_blank_columns_is_placed_by_its_sums() {
    // 预算数: 合计 17.44 = 因公 6.73 + 小计 6.95 + 接待 3.76; 小计 = 运行
    // 6.95, 购置 blank. 决算数 the same with 14.92, 5.74, 6.21, 2.97.
    let flat = "财政拨款“三公”经费支出决算表\n单位：万元\n预算数 决算数\n合计\n因\n公\n出\n国\n（\n境\n）\n费\n\
                公务用车购置及运行维护费\n公务接\n待费\n小计\n公务用车购置费\n公务用车运行维护费\n\
                17.44 6.73 6.95 6.95 3.76 14.92 5.74 6.21 6.21 2.97\n";
    let layout = "财政拨款“三公”经费支出决算表\n单位：万元\n\
\x20                  预算数                                            决算数\n\
\x20           因   公务用车购置及运行维护费                             因    公务用车购置及运行维护费\n\
\x20           公                                            公\n\
\x20           出    小计   公务用   公务用 公务接          出    小计    公务用   公务用 公务接\n\
\x20合计        国          车购置   车运行 待费   合计     国           车购置   车运行 待费\n\
\x20           费           费      维护费                费            费      维护费\n\
\x20  17.44    6.73   6.95           6.95  3.76  14.92    5.74   6.21            6.21  2.97\n";
    for (name, doc) in [("flat.txt", flat), ("layout.txt", layout)] {
        let p = process(name, doc.as_bytes());
        let items = &p.extracted.line_items;
        for (column, printed) in [
            ("预算数/合计", "17.44"),
            ("预算数/因公出国(境)费", "6.73"),
            ("预算数/公务用车购置及运行维护费/小计", "6.95"),
            ("预算数/公务接待费", "3.76"),
            ("决算数/合计", "14.92"),
            ("决算数/因公出国(境)费", "5.74"),
            ("决算数/公务用车购置及运行维护费/小计", "6.21"),
            ("决算数/公务接待费", "2.97"),
        ] {
            assert_eq!(
                three_public(items, column).map(|(a, _)| a),
                Some(money(printed)),
                "{name} {column}"
            );
        }
        let wrong = items.iter().filter(|i| {
            i.table.code() == "09" && i.verified && i.column.ends_with("公务用车购置费")
        });
        assert_eq!(wrong.count(), 0, "{name}: 购置费 vouched for");
    }
}

/// `pdftotext -layout` of a two-sided table whose names wrap, each row's
/// amount on the line between its name's two lines: the first row's first
/// line is a row, not the header's last line; the line under an amount ends
/// the row above, never opens the row below (that row opens with its own
/// `二、`).
#[test]
fn names_wrapped_around_their_amount_lines_in_layout_text_stay_with_their_rows() {
    let doc = "\
                        财政拨款收入支出决算总表
                                                                单位：万元
       收入                               支出
  项目             决算数            项目             小计       一般公共预算财政拨款
 一、一般公共预                    一、一般公共服
              95884.78                      20000.00      20000.00
 算财政拨款                      务支出
 二、政府性基金
                            二、外交支出
 预算财政拨款
                            三、教育支
                                            75884.78      75884.78
                            出
 本年收入合计       95884.78      本年支出合计          95884.78      95884.78
 总计           95884.78      总计              95884.78      95884.78
";
    let p = process("fiscal.layout.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_fiscal(
        items,
        &[
            ("收入", "一般公共预算财政拨款", "决算数", "95884.78"),
            ("支出", "一般公共服务支出", "小计", "20000.00"),
            ("支出", "教育支出", "小计", "75884.78"),
            ("支出", "总计", "小计", "95884.78"),
        ],
    );
    assert!(
        items.iter().all(|i| !i.item.contains('、')),
        "{:?}",
        items.iter().map(|i| &i.item).collect::<Vec<_>>()
    );
}

/// A header repeated over a page's rows, its stacked words' last lines under
/// the line that names the columns: header, not the start of the first row's
/// name below it.
#[test]
fn a_repeated_header_keeps_its_stacked_last_lines() {
    let doc = format!(
        "{FISCAL_HEAD}{}",
        "\
一、一般公共预算财政拨款\t5.00\t一、教育支出\t5.00\t5.00\t0.00\t0.00
\u{c}项目\t决算数\t项目\t小计\t一般公共预算财\t政府性基金预算\t国有资本经营预
\t\t\t\t政拨款\t财政拨款\t算财政拨款
本年收入合计\t5.00\t本年支出合计\t5.00\t5.00\t0.00\t0.00
总计\t5.00\t总计\t5.00\t5.00\t0.00\t0.00
"
    );
    let p = process("fiscal.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_eq!(amount(items, "支出", "本年支出合计", "小计"), money("5.00"));
    assert!(
        items.iter().all(|i| !i.item.contains("拨款本年")),
        "{:?}",
        items.iter().map(|i| &i.item).collect::<Vec<_>>()
    );
}

/// Table `table`'s amount in row `row` (its code, or its name where it has
/// none) and `column`, and whether it is verified.
fn cell(items: &[LineItem], table: &str, row: &str, column: &str) -> Option<(String, bool)> {
    items
        .iter()
        .find(|i| {
            i.table.code() == table
                && (i.subject_code.as_deref() == Some(row) || i.item == row)
                && i.column == column
        })
        .map(|i| (i.amount.to_string(), i.verified))
}

/// Asserts that table `table` prints each `(row, column, printed)` and that
/// each is verified, listing what was read when one is not.
fn assert_verified(items: &[LineItem], table: &str, expected: &[(&str, &str, &str)]) {
    for &(row, column, printed) in expected {
        assert_eq!(
            cell(items, table, row, column),
            Some((money(printed), true)),
            "{row} {column}: {:?}",
            items
                .iter()
                .map(|i| (
                    i.table.code(),
                    &i.subject_code,
                    &i.item,
                    &i.column,
                    i.amount.to_string()
                ))
                .collect::<Vec<_>>()
        );
    }
}

/// Flat text (one row per line, single spaces) of a header stacked three
/// lines deep: its words interleave (`上级补助` on one line, its `收入` two
/// lines down), so the header cannot name every column; a row that prints an
/// amount for every column is placed by the printed order.
#[test]
fn flat_rows_that_print_every_column_are_placed_by_their_order() {
    let doc = "\
收入决算表
单位：万元
项目
本年收入 财政拨款 上级补助 附属单位
事业收入 经营收入 其他收入
功能分类科目编
科目名称
合计 收入 收入 上缴收入
码
栏次 1 2 3 4 5 6 7
合计 30.00 20.00 4.00 0.00 0.00 5.00 1.00
201 一般公共服务支出 30.00 20.00 4.00 0.00 0.00 5.00 1.00
20101 人大事务 30.00 20.00 4.00 0.00 0.00 5.00 1.00
2010101 行政运行 30.00 20.00 4.00 0.00 0.00 5.00 1.00
注：本表反映部门本年度取得的各项收入情况。
";
    let p = process("income.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    for (column, printed) in [
        ("本年收入合计", "30.00"),
        ("财政拨款收入", "20.00"),
        ("上级补助收入", "4.00"),
        ("附属单位上缴收入", "5.00"),
        ("其他收入", "1.00"),
    ] {
        for row in ["合计", "201", "20101", "2010101"] {
            assert_eq!(
                cell(items, "02", row, column),
                Some((money(printed), true)),
                "{row} {column}"
            );
        }
    }
}

/// Flat text of a two-sided table whose income side has run out of rows: the
/// line opens with the income side's 行次 (its name and amount blank), then
/// the expenditure row, whose 行次 is no amount.
#[test]
fn a_flat_two_sided_line_with_a_blank_left_side_reads_its_right_side() {
    let doc = "\
收入支出决算总表
单位：万元
收入 支出
项目 行次 决算数 项目 行次 决算数
一、一般公共预算财政拨款收入 1 50.00 一、一般公共服务支出 9 20.00
二、其他收入 2 0.00 二、教育支出 10 0.00
3 三、卫生健康支出 11 30.00
4 四、住房保障支出 12 0.00
本年收入合计 5 50.00 本年支出合计 13 50.00
总计 6 50.00 总计 14 50.00
";
    let p = process("summary.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_eq!(
        cell(items, "01", "卫生健康支出", "决算数"),
        Some((money("30.00"), true)),
        "{items:?}"
    );
    assert!(
        !items
            .iter()
            .any(|i| i.amount.to_string() == money("11") || i.amount.to_string() == money("12")),
        "a 行次 read as an amount: {items:?}"
    );
}

/// Flat text prints a header row as wide as the page on one line of short
/// words split by single spaces; the table is found by it.
#[test]
fn a_flat_table_is_found_by_its_page_wide_header_row() {
    let doc = "\
财政拨款收入支出决算总表
单位：万元
收入 支出
项目 行次 决算数 项目 行次 合计 一般公共预算财政拨款 政府性基金预算财政拨款 国有资本经营预算财政拨款
一、一般公共预算财政拨款 1 5.00 一、教育支出 5 5.00 5.00 0.00 0.00
本年收入合计 2 5.00 本年支出合计 6 5.00 5.00 0.00 0.00
总计 3 5.00 总计 7 5.00 5.00 0.00 0.00
";
    let p = process("fiscal.txt", doc.as_bytes());
    assert_fiscal(
        &p.extracted.line_items,
        &[
            ("收入", "一般公共预算财政拨款", "决算数", "5.00"),
            ("支出", "教育支出", "一般公共预算财政拨款", "5.00"),
        ],
    );
}

/// Table 04's title and a one-line header, as flat text.
const FLAT_FISCAL_HEAD: &str = "\
财政拨款收入支出决算总表
单位：万元
收入 支出
项目 决算数 项目 合计 一般公共预算财政拨款 政府性基金预算财政拨款 国有资本经营预算财政拨款
";

/// Flat text of table 04 in narrow cells: both sides' names wrap, a line of
/// two fragments holds one of each side, a lone fragment continues the side
/// whose name it extends, and a line of amounts alone holds the expenditure
/// side's columns, with the income side's amount first when it has one more.
#[test]
fn flat_two_sided_names_wrapped_in_narrow_cells_keep_their_sides() {
    let doc = FLAT_FISCAL_HEAD.to_string()
        + "\
一、一般 一、一般
公共预算 7.00 公共服务 0.00 0.00 0.00 0.00
财政拨款 支出
二、政府
性基金预 二、教育
0.00 5.00 5.00 0.00 0.00
算财政拨 支出
款
三、卫生
2.00 2.00 0.00 0.00
健康支出
本年收入合计 7.00 本年支出合计 7.00 7.00 0.00 0.00
总计 7.00 总计 7.00 7.00 0.00 0.00
";
    let p = process("fiscal.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_fiscal(
        items,
        &[
            ("收入", "一般公共预算财政拨款", "决算数", "7.00"),
            ("收入", "政府性基金预算财政拨款", "决算数", "0.00"),
            ("支出", "一般公共服务支出", "小计", "0.00"),
            ("支出", "教育支出", "小计", "5.00"),
            ("支出", "教育支出", "一般公共预算财政拨款", "5.00"),
            ("支出", "卫生健康支出", "小计", "2.00"),
            ("支出", "卫生健康支出", "一般公共预算财政拨款", "2.00"),
        ],
    );
    for (side, row, column) in [
        ("收入", "一般公共预算财政拨款", "决算数"),
        ("支出", "教育支出", "小计"),
        ("支出", "卫生健康支出", "一般公共预算财政拨款"),
    ] {
        assert!(
            item(items, side, row, column).unwrap().verified,
            "{row} {column}"
        );
    }
}

/// Flat text that prints a row's amounts after its wrapped name: a line of
/// amounts just above a row that opens with its enumerator belongs to the
/// row above, whose name it ends.
#[test]
fn flat_amounts_after_a_wrapped_name_stay_with_that_name() {
    let doc = FLAT_FISCAL_HEAD.to_string()
        + "\
一、一般公共预算财政拨款 9.00 一、教育支出 0.00 0.00 0.00 0.00
二、文化旅游体育
与传媒支出
4.00 4.00 0.00 0.00
三、社会保障和就
业支出
5.00 5.00 0.00 0.00
本年收入合计 9.00 本年支出合计 9.00 9.00 0.00 0.00
总计 9.00 总计 9.00 9.00 0.00 0.00
";
    let p = process("fiscal.txt", doc.as_bytes());
    assert_fiscal(
        &p.extracted.line_items,
        &[
            ("支出", "文化旅游体育与传媒支出", "小计", "4.00"),
            ("支出", "社会保障和就业支出", "小计", "5.00"),
            ("支出", "社会保障和就业支出", "一般公共预算财政拨款", "5.00"),
        ],
    );
}

/// Table 05's title and header as flat text (stacked header words).
const FLAT_BUDGET_HEAD: &str = "\
一般公共预算财政拨款支出决算表
单位：万元
项目
合计 基本支出 项目支出
功能分类
科目编码
科目名称
";

/// Flat text of a coded table in narrow cells: a code on its own line, its
/// name wrapped over up to four lines, then its amounts; a line of amounts
/// never belongs to the code below it. A name printed before its code (a
/// code centred beside a top-aligned name) still opens that row.
#[test]
fn flat_amounts_after_a_name_wrapped_under_its_code_stay_with_that_code() {
    let doc = FLAT_BUDGET_HEAD.to_string()
        + "\
合计 60.00 50.00 10.00
213
农林水支出
60.00 50.00 10.00
21301
农业农村
60.00 50.00 10.00
2130101
行政运行
40.00 40.00 0.00
2130104
事业单位
专项业务
经费及其
他支出
20.00 10.00 10.00
注：本表反映部门本年度一般公共预算财政拨款支出情况。
";
    let p = process("budget.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_verified(
        items,
        "05",
        &[
            ("213", "基本支出", "50.00"),
            ("21301", "项目支出", "10.00"),
            ("2130101", "小计", "40.00"),
            ("2130104", "小计", "20.00"),
            ("2130104", "项目支出", "10.00"),
        ],
    );
    let name = |code: &str| {
        items
            .iter()
            .find(|i| i.subject_code.as_deref() == Some(code))
            .map(|i| i.item.clone())
    };
    assert_eq!(
        name("2130104").as_deref(),
        Some("事业单位专项业务经费及其他支出")
    );

    // The name above its code.
    let doc = FLAT_BUDGET_HEAD.to_string()
        + "\
合计 6.00 5.00 1.00
农林水
213 6.00 5.00 1.00
支出
21301 农业农村 6.00 5.00 1.00
2130101 行政运行 6.00 5.00 1.00
";
    let p = process("budget.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_eq!(
        cell(items, "05", "213", "项目支出"),
        Some((money("1.00"), true))
    );
    assert_eq!(
        items
            .iter()
            .find(|i| i.subject_code.as_deref() == Some("213"))
            .map(|i| i.item.as_str()),
        Some("农林水支出")
    );
}

/// Flat text of table 04 where most rows print no amount: their lines hold a
/// name alone, like a stream of cells, but the lines that hold a name and
/// amounts say the table is flat.
#[test]
fn a_flat_table_of_mostly_blank_rows_is_read_as_flat() {
    let mut doc = FLAT_FISCAL_HEAD.to_string();
    doc.push_str("一、一般公共预算财政拨款 8.00 一、一般公共服务支出\n");
    doc.push_str("二、政府性基金预算财政拨款 二、外交支出\n");
    for name in [
        "三、国防支出",
        "四、公共安全支出",
        "五、教育支出",
        "六、科学技术支出",
        "七、文化旅游体育与传媒支出",
    ] {
        doc.push_str(name);
        doc.push('\n');
    }
    doc.push_str("八、社会保障和就业支出 3.00 3.00\n");
    for name in [
        "九、卫生健康支出",
        "十、节能环保支出",
        "十一、城乡社区支出",
        "十二、农林水支出",
    ] {
        doc.push_str(name);
        doc.push('\n');
    }
    doc.push_str("十三、交通运输支出 5.00 5.00\n");
    for name in [
        "十四、资源勘探工业信息等支出",
        "十五、商业服务业等支出",
        "十六、金融支出",
        "十七、援助其他地区支出",
        "十八、自然资源海洋气象等支出",
        "十九、住房保障支出",
        "二十、粮油物资储备支出",
    ] {
        doc.push_str(name);
        doc.push('\n');
    }
    doc.push_str("本年收入合计 8.00 本年支出合计 8.00 8.00\n");
    doc.push_str("总计 8.00 总计 8.00 8.00\n");
    let p = process("fiscal.txt", doc.as_bytes());
    assert_fiscal(
        &p.extracted.line_items,
        &[
            ("收入", "一般公共预算财政拨款", "决算数", "8.00"),
            ("支出", "社会保障和就业支出", "小计", "3.00"),
            ("支出", "交通运输支出", "小计", "5.00"),
            ("支出", "本年支出合计", "小计", "8.00"),
        ],
    );
}

/// Column-aligned text whose spacing drifts along a line (PyMuPDF's sorted
/// text): a long income name pushes the expenditure side's first name left,
/// one space after the income amount. A name only the expenditure side prints,
/// after the income side's amount, starts the expenditure side.
#[test]
fn an_expenditure_name_pushed_left_after_an_income_amount_is_expenditure() {
    let doc = "\
收入支出决算总表
\x20                                                              单位：万元
\x20         项目         行次 决算数                  项目               行次 决算数
一、一般公共预算财政拨款收入        1    50.00 一、一般公共服务支出             21     20.00
二、政府性基金预算财政拨款收入      2     0.00 二、外交支出                     22      0.00
三、其他收入                        3     0.00                 三、教育支出           23     30.00
本年收入合计                        4    50.00                 本年支出合计           24     50.00
总计                                5    50.00                 总计                   25     50.00
";
    let p = process("summary.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_eq!(
        cell(items, "01", "一般公共服务支出", "决算数"),
        Some((money("20.00"), true)),
        "{items:?}"
    );
    assert_eq!(
        items
            .iter()
            .find(|i| i.item == "一般公共服务支出")
            .and_then(|i| i.side)
            .map(|s| s.as_str()),
        Some("支出")
    );
}

/// Flat text joins pages without a form feed: the report's title, run at the
/// head of every page, lands between two rows of a table; it is no part of
/// the next row's name.
#[test]
fn the_reports_running_title_between_flat_rows_is_no_name() {
    let doc = FLAT_FISCAL_HEAD.to_string()
        + "\
一、一般公共预算财政拨款 9.00 一、教育支出 9.00 9.00 0.00 0.00
- 12 -
某县人力资源和社会保障局2021年度部门决算
本年收入合计 9.00 本年支出合计 9.00 9.00 0.00 0.00
总计 9.00 总计 9.00 9.00 0.00 0.00
";
    let p = process("fiscal.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_fiscal(items, &[("收入", "本年收入合计", "决算数", "9.00")]);
    assert!(
        item(items, "收入", "本年收入合计", "决算数")
            .unwrap()
            .verified
    );
}

/// Flat text of a coded table whose codes are centred beside names wrapped
/// over three lines: the first line of a name comes before its code line,
/// right after the 合计 row, and begins that row's name, not the total's.
#[test]
fn a_name_begun_above_its_centred_code_is_not_the_totals() {
    let doc = FLAT_BUDGET_HEAD.to_string()
        + "\
合计 60.00 50.00 10.00
文化旅游体
207 育与传媒支 60.00 50.00 10.00
出
20702 文物 60.00 50.00 10.00
2070204 文物保护 60.00 50.00 10.00
";
    let p = process("budget.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    let name = |code: Option<&str>| {
        items
            .iter()
            .find(|i| i.table.code() == "05" && i.subject_code.as_deref() == code)
            .map(|i| i.item.as_str())
    };
    assert_eq!(name(None), Some("合计"), "{items:?}");
    assert_eq!(name(Some("207")), Some("文化旅游体育与传媒支出"));
    assert_eq!(
        cell(items, "05", "合计", "基本支出"),
        Some((money("50.00"), true))
    );
}

/// A cell stream (`pdftotext`'s default order, PyMuPDF's blocks) of a coded
/// table printed row by row: a cell per line, blank cells gone. Each row's
/// amounts follow its code and name; a blank 项目支出 and a blank 基本支出
/// leave their rows one amount short, and the sums say which.
#[test]
fn a_cell_stream_printed_row_by_row_is_read_as_rows() {
    let doc = "\
一般公共预算财政拨款支出决算表
单位：万元
科目编码
科目名称
合计
基本支出
项目支出
合计
30.00
20.00
10.00
201
一般公共服务支出
30.00
20.00
10.00
20101
人大事务
30.00
20.00
10.00
2010101
行政运行
20.00
20.00
2010102
一般行政管理事务
10.00
10.00
注：本表反映部门本年度一般公共预算财政拨款支出情况。
";
    let p = process("expenditure.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_verified(
        items,
        "05",
        &[
            ("合计", "小计", "30.00"),
            ("201", "基本支出", "20.00"),
            ("20101", "项目支出", "10.00"),
            ("2010101", "小计", "20.00"),
            ("2010101", "基本支出", "20.00"),
            ("2010102", "小计", "10.00"),
            ("2010102", "项目支出", "10.00"),
        ],
    );
    assert_eq!(cell(items, "05", "2010102", "基本支出"), None);
}

/// Table 06 as a cell stream row by row, across a page break (page number,
/// the report's running title, the header again): a blank 奖金, a name
/// wrapped onto two lines, totals without codes.
#[test]
fn basic_expenditure_detail_from_a_cell_stream_keeps_each_code_s_amount() {
    let doc = "\
一般公共预算财政拨款基本支出决算明细表
单位：万元
经济分类科
目编码
科目名称
决算数
301
工资福利支出
60.00
30101
基本工资
40.00
30102
津贴补贴
15.00
30103
奖金
30108
机关事业单位基本养老
保险缴费
5.00

- 11 -

\u{c}某县民政局2021年度部门决算
经济分类科
目编码
科目名称
决算数
303
对个人和家庭的补助
8.00
30302
退休费
8.00
人员经费合计
68.00
302
商品和服务支出
12.00
30201
办公费
2.00
30211
差旅费
10.00
公用经费合计
12.00
注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。
";
    let p = process("basic.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    for (row, printed) in [
        ("301", "60.00"),
        ("30101", "40.00"),
        ("30102", "15.00"),
        ("30108", "5.00"),
        ("303", "8.00"),
        ("30302", "8.00"),
        ("人员经费合计", "68.00"),
        ("302", "12.00"),
        ("30201", "2.00"),
        ("30211", "10.00"),
        ("公用经费合计", "12.00"),
    ] {
        assert_eq!(
            cell(items, "06", row, "决算数"),
            Some((money(printed), true)),
            "{row}"
        );
    }
    assert_eq!(cell(items, "06", "30103", "决算数"), None);
}

/// Table 02's title and header as a cell stream prints them, a cell a line.
const INCOME_STREAM_HEAD: &str = "收入决算表\n单位：万元\n项目\n本年收入合计\n财政拨款收入\n上级补助收入\n事业收入\n经营收入\n附属单位上缴收入\n其他收入\n科目编码\n科目名称\n";

/// Table 02 as a cell stream column by column over two pages (PyMuPDF's
/// blocks): each page prints its codes, its names, then every column down
/// its rows, zeros included; the page number and the report's running
/// title come between the pages.
#[test]
fn income_printed_column_by_column_over_two_pages_keeps_each_row() {
    let doc = format!(
        "{INCOME_STREAM_HEAD}{}",
        "\
合计
201
20101
一般公共服务支出
人大事务
30.00
30.00
30.00
20.00
20.00
20.00
0.00
0.00
0.00
0.00
0.00
0.00
0.00
0.00
0.00
0.00
0.00
0.00
10.00
10.00
10.00
- 5 -
\u{c}某县人大办公室2021年度部门决算
2010101
2010102
行政运行
一般行政管理事务
18.00
12.00
12.00
8.00
0.00
0.00
0.00
0.00
0.00
0.00
0.00
0.00
6.00
4.00
注：本表反映部门本年度取得的各项收入情况。
"
    );
    let p = process("income.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_verified(
        items,
        "02",
        &[
            ("合计", "本年收入合计", "30.00"),
            ("合计", "财政拨款收入", "20.00"),
            ("201", "其他收入", "10.00"),
            ("20101", "本年收入合计", "30.00"),
            ("2010101", "财政拨款收入", "12.00"),
            ("2010101", "其他收入", "6.00"),
            ("2010102", "本年收入合计", "12.00"),
            ("2010102", "财政拨款收入", "8.00"),
            ("2010102", "其他收入", "4.00"),
        ],
    );
}

/// Table 05 as a cell stream column by column whose part columns leave
/// their blank cells out (PyMuPDF's blocks): 小计 prints every row, 基本支出
/// misses 一般行政管理事务 and 项目支出 misses 行政运行. Each row's figures
/// are the ones its 小计 sums; the columns then follow from the sums.
#[test]
fn sparse_columns_printed_one_after_another_keep_their_rows() {
    let doc = "\
一般公共预算财政拨款支出决算表
单位：万元
科目编码
科目名称
小计
基本支出
项目支出
合计
201
20101
2010101
2010102
一般公共服务支出
人大事务
行政运行
一般行政管理事务
30.00
30.00
30.00
20.00
10.00
20.00
20.00
20.00
20.00
10.00
10.00
10.00
10.00
注：本表反映部门本年度一般公共预算财政拨款支出情况。
";
    let p = process("expenditure.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_verified(
        items,
        "05",
        &[
            ("合计", "基本支出", "20.00"),
            ("合计", "项目支出", "10.00"),
            ("20101", "小计", "30.00"),
            ("2010101", "基本支出", "20.00"),
            ("2010102", "项目支出", "10.00"),
        ],
    );
    assert_eq!(cell(items, "05", "2010102", "基本支出"), None);
}

/// Names wrapped onto three lines in both sides of table 04, the amounts on
/// the middle line (vertically centred cells): each side's third line is the
/// end of its row's name, though four lines from the line that opened the
/// row, and the next row opens with its enumerator.
#[test]
fn a_name_wrapped_on_three_lines_around_its_amounts_ends_below_them() {
    let doc = format!(
        "{FISCAL_HEAD}{}",
        "\
一、一般公\t\t\t\t\t\t
\t\t一、一般公\t\t\t\t
共预算财政\t95884.78\t\t20000.00\t20000.00\t0.00\t0.00
\t\t共服务支出\t\t\t\t
拨款\t\t\t\t\t\t
二、政府性\t\t\t\t\t\t
\t\t二、教育支\t\t\t\t
基金预算财\t0.00\t\t75884.78\t75884.78\t0.00\t0.00
\t\t出\t\t\t\t
政拨款\t\t\t\t\t\t
本年收入合计\t95884.78\t本年支出合计\t95884.78\t95884.78\t0.00\t0.00
总计\t95884.78\t总计\t95884.78\t95884.78\t0.00\t0.00
"
    );
    let p = process("fiscal.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_fiscal(
        items,
        &[
            ("收入", "一般公共预算财政拨款", "决算数", "95884.78"),
            ("支出", "一般公共服务支出", "小计", "20000.00"),
            ("支出", "教育支出", "一般公共预算财政拨款", "75884.78"),
        ],
    );
    assert!(
        items.iter().all(|i| !i.item.ends_with("财政")),
        "{:?}",
        items.iter().map(|i| &i.item).collect::<Vec<_>>()
    );
}

/// Table 04 continued on a new page under its header printed again, the
/// header's words wrapped in narrow cells (`一般公共` / `预算财政` / `拨款`):
/// the repeated lines are header, not the start of the next rows' names.
#[test]
fn a_header_printed_again_over_a_continued_page_is_no_row_name() {
    let header = "\
收入\t\t\t支出\t\t\t
\t\t\t\t一般公共\t政府性基\t国有资本
项目\t决算数\t项目\t小计\t预算财政\t金预算财\t经营预算
\t\t\t\t拨款\t政拨款\t财政拨款
";
    let doc = format!(
        "财政拨款收入支出决算总表\n单位：万元\n{header}{}\u{c}{header}{}",
        "\
一、一般公共预算财政拨款\t825.61\t一、一般公共服务支出\t566.34\t566.34\t\t
\t\t十九、住房保障支出\t259.27\t259.27\t\t
",
        "\
本年收入合计\t825.61\t本年支出合计\t825.61\t825.61\t\t
总计\t825.61\t总计\t825.61\t825.61\t\t
"
    );
    let p = process("fiscal.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_fiscal(
        items,
        &[
            ("收入", "本年收入合计", "决算数", "825.61"),
            ("支出", "本年支出合计", "小计", "825.61"),
            ("支出", "本年支出合计", "一般公共预算财政拨款", "825.61"),
            ("支出", "住房保障支出", "一般公共预算财政拨款", "259.27"),
        ],
    );
    assert!(
        items
            .iter()
            .all(|i| !i.item.contains("金预算财") && !i.item.contains("项目")),
        "{:?}",
        items.iter().map(|i| &i.item).collect::<Vec<_>>()
    );
}

/// Table 04 as a cell stream row by row (PyMuPDF), its names wrapped in
/// narrow cells: `本年支出` / `合计` and its four amounts are the expenditure
/// side's (more amounts than the income side has columns, whatever the
/// name's last word says), and of the two `总计` rows, each alone on its
/// line, the first is the income side's.
#[test]
fn a_wrapped_total_name_in_a_two_sided_cell_stream_keeps_its_side() {
    let doc = "\
财政拨款收入支出决算总表
单位：万元
收入
支出
项目
决算数
项目
合计
一般公共预
算财政拨款
政府性基金
预算财政拨款
国有资本经
营预算财政
拨款
一、一般
公共预算
财政拨款
6485.31
一、一般
公共服务
支出
0.00
0.00
0.00
0.00
七、文化
旅游体育
与传媒支
出
6485.31
6485.31
0.00
0.00
本年收入
合计
6485.31
本年支出
合计
6485.31
6485.31
0.00
0.00
年初财政
拨款结转
和结余
0.00
年末财政
拨款结转
和结余
0.00
0.00
0.00
0.00
总计
6485.31
总计
6485.31
6485.31
0.00
0.00
注：本表反映部门本年度财政拨款总收支和结转结余情况。
";
    let p = process("fiscal.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_fiscal(
        items,
        &[
            ("收入", "本年收入合计", "决算数", "6485.31"),
            ("支出", "本年支出合计", "小计", "6485.31"),
            ("支出", "本年支出合计", "一般公共预算财政拨款", "6485.31"),
            ("收入", "总计", "决算数", "6485.31"),
            ("支出", "总计", "小计", "6485.31"),
            ("支出", "总计", "一般公共预算财政拨款", "6485.31"),
        ],
    );
}

/// Table 01 printed column by column, blank cells gone: 300.00 received,
/// 200.00 spent on 教育 and 100.00 on 卫生健康, nothing saying which classes.
const COLUMN_MAJOR_OVERVIEW: &str = "\
收入支出决算总表
单位：万元
收入
支出
项目
决算数
项目
决算数
一、一般公共预算财政拨款收入
二、上级补助收入
三、事业收入
本年收入合计
年初结转和结余
总计
300.00
300.00
300.00
一、教育支出
二、科学技术支出
三、卫生健康支出
四、住房保障支出
本年支出合计
年末结转和结余
总计
200.00
100.00
300.00
300.00
注：本表反映部门本年度的总收支和年末结转结余情况。
";

/// Table 01 printed column by column (`pdftotext -raw` of a PDF whose
/// table text is written column by column, PyMuPDF's blocks): the
/// expenditure names, then only the amounts printed, blank cells gone, so
/// nothing in the stream says which classes spent. Table 03's classes,
/// vouched for by their own sums, say it: each class's figure is the one
/// equal to its total there.
#[test]
fn sparse_class_amounts_of_a_column_major_overview_take_their_classes_from_table_03() {
    let doc = format!("{COLUMN_MAJOR_OVERVIEW}{}", expenditure_by_class("50.00"));
    let p = process("overview.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    let class = |name: &str| overview_row(items, name);
    assert_eq!(
        class("教育支出"),
        Some((money("200.00"), true, false)),
        "{items:#?}"
    );
    assert_eq!(class("卫生健康支出"), Some((money("100.00"), true, false)));
    assert_eq!(class("科学技术支出"), None);
    assert_eq!(class("住房保障支出"), None);
}

/// Table 01 as a cell stream whose order sets class figures after the wrong
/// names (`pdftotext`'s default order of a table whose name cells wrap):
/// 科学技术支出 is blank, yet the figures follow 科学技术支出 and 卫生健康支出.
const OVERVIEW_FIGURES_AFTER_THE_WRONG_NAMES: &str = "\
收入支出决算总表
单位：万元
收入
支出
项目
决算数
项目
决算数
一、一般公共预算财政拨款收入
300.00
一、教育支出
二、科学技术支出
100.00
三、卫生健康支出
200.00
本年收入合计
300.00
本年支出合计
300.00
总计
300.00
总计
300.00
注：本表反映部门本年度的总收支和年末结转结余情况。
";

/// Table 01's row `name`: its amount, whether verified, whether placed by
/// order.
fn overview_row(items: &[LineItem], name: &str) -> Option<(String, bool, bool)> {
    items
        .iter()
        .find(|i| i.table.code() == "01" && i.item == name)
        .map(|i| {
            (
                i.amount.to_string(),
                i.verified,
                i.flags.contains(&juesuan::model::Flag::PlacedByOrder),
            )
        })
}

/// Table 03 as printed: each class's total, every row's total the sum of
/// its columns unless `project` (教育支出's 项目支出) says otherwise.
fn expenditure_by_class(project: &str) -> String {
    format!(
        "支出决算表
单位：万元
科目编码\t科目名称\t本年支出合计\t基本支出\t项目支出
\t合计\t300.00\t250.00\t50.00
205\t教育支出\t200.00\t150.00\t{project}
20502\t普通教育\t200.00\t150.00\t{project}
2050201\t学前教育\t200.00\t150.00\t{project}
210\t卫生健康支出\t100.00\t100.00\t0.00
21011\t行政事业单位医疗\t100.00\t100.00\t0.00
2101101\t行政单位医疗\t100.00\t100.00\t0.00
"
    )
}

/// An identity outranks an order: table 03's class totals, vouched for by
/// their own sums, take each figure of 01 from the row the stream's order
/// gave it to, and the identity between the tables then vouches for it.
/// Where 教育支出's rows in 03 print a 项目支出 their totals do not add up
/// to, its class total still places 01's figure (the stream's order is no
/// surer), but by order only, never verified.
#[test]
fn class_figures_a_stream_set_after_the_wrong_names_go_where_table_03_says() {
    for (project, vouched) in [("50.00", true), ("40.00", false)] {
        let doc = format!(
            "{OVERVIEW_FIGURES_AFTER_THE_WRONG_NAMES}{}",
            expenditure_by_class(project)
        );
        let p = process("overview.txt", doc.as_bytes());
        let items = &p.extracted.line_items;
        let class = |name: &str| overview_row(items, name);
        assert_eq!(
            class("教育支出"),
            Some((money("200.00"), vouched, !vouched)),
            "{items:#?}"
        );
        assert_eq!(class("卫生健康支出"), Some((money("100.00"), true, false)));
        assert_eq!(class("科学技术支出"), None, "{items:#?}");
    }
}

/// The same column-major table 01, and table 03 as a cell stream row by
/// row, which only the grid model's reflow reads (the first readers read
/// streams column by column): the classes anchor table 01 once the
/// readings of the one-sided tables are chosen.
#[test]
fn a_column_major_overview_is_anchored_by_the_coded_table_s_chosen_reading() {
    let doc = format!(
        "{COLUMN_MAJOR_OVERVIEW}\
支出决算表
单位：万元
科目编码
科目名称
本年支出合计
基本支出
项目支出
合计
300.00
250.00
50.00
205
教育支出
200.00
150.00
50.00
20502
普通教育
200.00
150.00
50.00
2050201
学前教育
200.00
150.00
50.00
210
卫生健康支出
100.00
100.00
21011
行政事业单位医疗
100.00
100.00
2101101
行政单位医疗
100.00
100.00
注：本表反映部门本年度各项支出情况。
"
    );
    let p = process("overview.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    let at = |table: &str, name: &str, column: &str| {
        items
            .iter()
            .find(|i| {
                i.table.code() == table
                    && (i.item == name || i.subject_code.as_deref() == Some(name))
                    && i.column == column
            })
            .map(|i| (i.amount.to_string(), i.verified))
    };
    assert_eq!(
        at("03", "205", "本年支出合计"),
        Some((money("200.00"), true)),
        "{items:#?}"
    );
    assert_eq!(
        at("01", "教育支出", "决算数"),
        Some((money("200.00"), true)),
        "{items:#?}"
    );
    assert_eq!(
        at("01", "卫生健康支出", "决算数"),
        Some((money("100.00"), true))
    );
}

/// Flat text of table 01 whose names wrap in narrow cells around their
/// figures, set at mid height (pdfplumber's plain text): both sides' first
/// lines, then both figures, then both tails; an expenditure name wrapped
/// around the line of a whole income row, which holds both rows' figures;
/// an expenditure name alone around its one figure.
#[test]
fn figures_centred_beside_names_wrapped_on_both_sides_find_their_rows() {
    let doc = "\
某某局2023年度部门决算
收入支出决算总表
单位：万元
收入 支出
项目 决算数 项目 决算数
一、一般公共预算 一、一般公共服务
300.00 0.00
财政拨款收入 支出
七、附属单位上缴 七、文化旅游体育
0.00 100.00
收入 与传媒支出
八、社会保障和就
八、其他收入 0.00 50.00
业支出
九、卫生健康支出 50.00
十九、住房保障支
100.00
出
二十、粮油物资储
0.00
备支出
本年收入合计 300.00 本年支出合计 300.00
总计 300.00 总计 300.00
注：本表反映部门本年度的总收支和年末结转结余情况。
";
    let p = process("overview.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    let row = |name: &str| overview_row(items, name);
    for (name, amount) in [
        ("一般公共预算财政拨款收入", "300.00"),
        ("一般公共服务支出", "0.00"),
        ("附属单位上缴收入", "0.00"),
        ("文化旅游体育与传媒支出", "100.00"),
        ("其他收入", "0.00"),
        ("社会保障和就业支出", "50.00"),
        ("卫生健康支出", "50.00"),
        ("住房保障支出", "100.00"),
        ("粮油物资储备支出", "0.00"),
    ] {
        assert_eq!(
            row(name).map(|r| r.0),
            Some(money(amount)),
            "{name}: {items:#?}"
        );
    }
    assert_eq!(items.len(), 13, "{items:#?}");
}

/// Column-aligned text whose header stands apart from its columns (PyMuPDF's
/// sorted text sets the header words side by side at the left, the amounts
/// far right of them): the header's positions name no column, so the block
/// is read once more by the order of its cells, and the identities (table
/// 01's income sources fix 02's total row, children sum to their parents)
/// place and vouch for every amount.
#[test]
fn aligned_text_whose_header_stands_apart_is_read_by_its_order() {
    let doc = "\
2024年度部门决算
收入支出决算总表
                                     单位：万元
          收入                    支出
       项目         决算数        项目        决算数
一、一般公共预算财政拨款收入        100.00 一、一般公共服务支出           100.00
二、上级补助收入                   二、教育支出
     本年收入合计              100.00     本年支出合计              100.00
       总计                  100.00       总计                  100.00

收入决算表
                                                           单位：万元
          项目
                      本年收入合计 财政拨款收入 上级补助收入  事业收入  经营收入        其他收入 功能分类                   附属单位上缴收入            科目名称
 科目编码

          合计                           100.00        100.00

201      一般公共服务支出                   100.00         100.00

20101     人大事务                          100.00         100.00

2010101    行政运行                        100.00          100.00
";
    let p = process("sorted.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    let mut expected = Vec::new();
    for row in ["合计", "201", "20101", "2010101"] {
        expected.push((row, "本年收入合计", "100.00"));
        expected.push((row, "财政拨款收入", "100.00"));
    }
    assert_verified(items, "02", &expected);
}

/// A cell stream in pdftotext's default order, which prints some rows'
/// figures after a group of their names (`30299 其他商品和服务支出 10.00
/// 20.00`: two figures after a name in a one-column table): where a row is
/// read right after a blank sibling (`31002 办公设备购置 31007 信息网络及软件
/// 购置更新 30.00`), the figure may be either's, and 310 = 31002 + 31007
/// holds both ways. It is placed by reading order and not vouched for.
#[test]
fn a_figure_after_two_sibling_names_in_a_mixed_stream_is_not_vouched_for() {
    let cells = [
        "2024年度部门决算",
        "一般公共预算财政拨款基本支出决算明细表",
        "单位：万元",
        "经济分类科目编码",
        "科目名称",
        "决算数",
        "301",
        "工资福利支出",
        "70.00",
        "30101",
        "基本工资",
        "50.00",
        "30102",
        "津贴补贴",
        "20.00",
        "人员经费合计",
        "70.00",
        "302",
        "商品和服务支出",
        "30.00",
        "30201",
        "办公费",
        "30205",
        "水费",
        "30299",
        "其他商品和服务支出",
        "10.00",
        "20.00",
        "310",
        "资本性支出",
        "30.00",
        "31002",
        "办公设备购置",
        "31007",
        "信息网络及软件购置更新",
        "30.00",
        "公用经费合计",
        "60.00",
        "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
    ];
    let doc = cells.join("\n\n") + "\n";
    let p = process("stream.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    assert_verified(
        items,
        "06",
        &[("301", "决算数", "70.00"), ("30101", "决算数", "50.00")],
    );
    let children: Vec<_> = items
        .iter()
        .filter(|i| matches!(i.subject_code.as_deref(), Some("31002" | "31007")))
        .map(|i| (i.subject_code.clone(), i.amount.to_string(), i.verified))
        .collect();
    assert!(!children.is_empty(), "310's figure was not read at all");
    assert!(
        children.iter().all(|c| !c.2),
        "a figure no sum places between siblings is vouched for: {children:?}"
    );
}

/// Layout text whose converter put every character in one column: the
/// headers are half their printed width, so the third amount column's right
/// edge touches both `项目支出` and `上缴上级支出` and the row sums hold
/// either way. The prose states the 项目支出 total: the reading that prints
/// it there is the one kept, and vouched for.
#[test]
fn a_column_the_headers_leave_open_is_placed_where_the_prose_states_its_total() {
    let doc = "\
某区档案局2023年度部门决算
三、支出决算表
                                                      支出决算表
                                                                                                单位：万元
                       项目
                                        本年支出合计       基本支出       项目支出      上缴上级支出       经营支出
            功能分类科目编码   科目名称
                       合计                   612.30     500.10     112.20
           201        一般公共服务支出              612.30     500.10     112.20
           20126      档案事务                 612.30     500.10     112.20
           2012601    行政运行                 400.10     400.10       0.00
           2012650    档案事业单位事业运行和数            100.00     100.00       0.00
                      字化保护支出
           2012604    档案馆                   112.20       0.00     112.20
第三部分 2023年度部门决算情况说明
三、支出决算情况说明
本年支出合计612.30万元，其中：基本支出500.10万元，项目支出112.20万元。
";
    let p = process("expenditure.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    for (row, printed) in [("合计", "112.20"), ("201", "112.20"), ("2012604", "112.20")] {
        let got = items.iter().find(|i| {
            i.table.code() == "03"
                && i.subject_code.as_deref().unwrap_or(&i.item) == row
                && i.amount.to_string() == money(printed)
                && i.column != "本年支出合计"
        });
        assert_eq!(
            got.map(|i| (i.column.as_str(), i.verified)),
            Some(("项目支出", true)),
            "{row}: {:?}",
            items
                .iter()
                .filter(|i| i.table.code() == "03")
                .map(|i| (
                    &i.subject_code,
                    &i.item,
                    &i.column,
                    i.amount.to_string(),
                    i.verified
                ))
                .collect::<Vec<_>>()
        );
    }
}

/// `pdftotext`'s default order of a coded table whose cells fell into
/// several text flows: the first rows' codes (their 款 and 项 parts apart)
/// before the header's last words, then names with their figures, blank
/// cells gone, the last rows' codes beside theirs. Each row's figures sum
/// to its first, so they part into rows; the codes sort into the table's
/// order; the hierarchy adds up only one way. Rows whose code stands right
/// before its figures are read at their place; the others only by order,
/// never vouched for. Table 03 prints its parts too scattered to rejoin and
/// takes table 05's codes, which it prints exactly.
#[test]
fn a_coded_stream_whose_codes_and_figures_came_apart_is_paired_by_its_sums() {
    let fifteen = "科目编码\n类\n款\n212\n212\n08\n212\n08\n04\n213\n科目名称\n小计\n基本支出\n\
项目支出\n合计\n12.50\n7.50\n5.00\n城乡社区支出\n6.00\n6.00\n国有土地使用权出让收入安排的支出\n6.00\n\
6.00\n土地开发支出\n6.00\n6.00\n农林水支出\n6.50\n1.50\n5.00\n213\n01\n农业农村\n6.50\n1.50\n5.00\n\
213\n01\n04\n事业运行\n6.50\n1.50\n5.00\n";
    let three = "科目编码\n类\n08\n款\n212\n212\n212\n科目名称\n本年支出合计\n基本支出\n项目支出\n合计\n\
12.50\n7.50\n5.00\n城乡社区支出\n6.00\n6.00\n6.00\n6.00\n6.00\n6.00\n农林水支出\n6.50\n1.50\n5.00\n\
213\n01\n农业农村\n6.50\n1.50\n5.00\n213\n01\n04\n08\n事业运行\n6.50\n1.50\n5.00\n213\n04\n";
    let doc = format!(
        "某县农业农村局2023年度部门决算\n三、支出决算表\n支出决算表\n单位：万元\n{three}\
         注：本表反映部门本年度各项支出情况。\n五、一般公共预算财政拨款支出决算表\n\
         一般公共预算财政拨款支出决算表\n单位：万元\n{fifteen}注：本表反映部门本年度一般公共预算财政拨款支出情况。\n"
    );
    let p = process("streams.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    let got = |table: &str, code: &str, column: &str| {
        items
            .iter()
            .find(|i| {
                i.table.code() == table
                    && i.subject_code.as_deref() == Some(code)
                    && i.column == column
            })
            .map(|i| (i.amount.to_string(), i.verified))
    };
    let all = || {
        items
            .iter()
            .map(|i| {
                (
                    i.table.code(),
                    &i.subject_code,
                    &i.item,
                    &i.column,
                    i.amount.to_string(),
                    i.verified,
                )
            })
            .collect::<Vec<_>>()
    };
    for table in ["03", "05"] {
        let total = if table == "03" {
            "本年支出合计"
        } else {
            "小计"
        };
        for (code, column, printed) in [
            ("212", total, "6.00"),
            ("21208", "基本支出", "6.00"),
            ("2120804", total, "6.00"),
            ("213", "项目支出", "5.00"),
            ("21301", "基本支出", "1.50"),
            ("2130104", "项目支出", "5.00"),
        ] {
            let amount = got(table, code, column).map(|g| g.0);
            assert_eq!(
                amount,
                Some(money(printed)),
                "{table} {code} {column}: {:?}",
                all()
            );
        }
    }
    // 05's 21301 and 2130104 stand right before their figures; 212's rows
    // only by order.
    assert_eq!(
        got("05", "2130104", "项目支出").map(|g| g.1),
        Some(true),
        "{:?}",
        all()
    );
    assert_eq!(
        got("05", "2120804", "小计").map(|g| g.1),
        Some(false),
        "{:?}",
        all()
    );
    assert_eq!(
        got("03", "2120804", "本年支出合计").map(|g| g.1),
        Some(false),
        "{:?}",
        all()
    );
}

/// A cell stream of table 04 with 行次 numbers (`pdftotext`'s default
/// order puts them anywhere, after the names or before a row's figures).
/// Every figure prints decimals, so a bare whole number is never money:
/// no row reads its 行次 as an amount.
#[test]
fn row_numbers_in_a_stream_whose_figures_print_decimals_are_no_amounts() {
    let doc = "某县林业局2023年度部门决算\n\
四、财政拨款收入支出决算总表\n\
财政拨款收入支出决算总表\n\
单位：万元\n\
收入\n\
支出\n\
项目\n\
行次\n\
决算数\n\
项目\n\
行次\n\
一、一般公共预算财政拨款\n\
1\n\
80.00 一、一般公共服务支出\n\
27\n\
二、政府性基金预算财政拨款\n\
2\n\
二、外交支出\n\
28\n\
三、国有资本经营预算财政拨款\n\
3\n\
三、国防支出\n\
29\n\
4\n\
四、公共安全支出\n\
30\n\
5\n\
五、农林水支出\n\
31\n\
小计\n\
一般公共预算财政拨款\n\
80.00\n\
80.00\n\
本年收入合计\n\
6\n\
80.00\n\
本年支出合计\n\
32\n\
80.00\n\
80.00\n\
年初财政拨款结转和结余\n\
7\n\
年末财政拨款结转和结余\n\
33\n\
总计\n\
8\n\
80.00\n\
总计\n\
34\n\
80.00\n\
80.00\n\
注：本表反映部门本年度财政拨款总收支和结转结余情况。\n\
";
    let p = process("fiscal.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    let whole: Vec<_> = items
        .iter()
        .filter(|i| !i.raw.contains('.'))
        .map(|i| (&i.item, &i.column, &i.raw))
        .collect();
    assert!(whole.is_empty(), "{:?}", whole);
    assert_fiscal(
        items,
        &[
            ("收入", "一般公共预算财政拨款", "决算数", "80.00"),
            ("收入", "总计", "决算数", "80.00"),
            ("支出", "总计", "小计", "80.00"),
        ],
    );
}

/// Table 01 and table 02 as cell streams column by column with their blank
/// cells gone (PyMuPDF's blocks of a report printed column at a time):
/// 01's figures come out where no row holds them (its income side lost),
/// 02 prints three columns, the third one of five part columns (which,
/// its own sums cannot tell). The prose states 其他收入 10.00万元: 02's
/// third column is 其他收入, no longer left to order beside an 01 whose
/// blanks may be lost figures.
#[test]
fn the_prose_names_a_part_column_beside_a_table_that_lost_its_figures() {
    let doc = format!(
        "\
某县人大办公室2021年度部门决算
第二部分 2021年度部门决算表
收入支出决算总表
单位：万元
收入
支出
项目
决算数
项目
决算数
一、一般公共预算
财政拨款收入
二、政府性基金预
算财政拨款收入
三、国有资本经营
预算财政拨款收入
四、上级补助收入
五、事业收入
六、经营收入
七、附属单位上缴
收入
八、其他收入
本年收入合计
使用非财政拨款结
余
年初结转和结余
总计
26.00
10.00
36.00
36.00
一、一般公共服务
支出
二、外交支出
三、国防支出
四、公共安全支出
五、教育支出
六、科学技术支出
七、文化旅游体育
与传媒支出
八、社会保障和就
业支出
本年支出合计
结余分配
年末结转和结余
总计
30.00
6.00
36.00
36.00
注：本表反映部门本年度的总收支和年末结转结余情况。
{INCOME_STREAM_HEAD}合计
201
20101
2010101
2010102
208
20805
2080505
一般公共服务支出
人大事务
行政运行
一般行政管理事务
社会保障和就业支出
行政事业单位养老支出
机关事业单位基本养老保险缴费支出
36.00
30.00
30.00
18.00
12.00
6.00
6.00
6.00
26.00
20.00
20.00
8.00
12.00
6.00
6.00
6.00
10.00
10.00
10.00
10.00
注：本表反映部门本年度取得的各项收入情况。
第三部分 2021年度部门决算情况说明
一、收入支出决算总体情况说明
2021年度收入总计36.00万元。其中：本年收入合计36.00万元，包括财政拨款收入26.00万元，其他收入10.00万元。
"
    );
    let p = process("income.txt", doc.as_bytes());
    let items = &p.extracted.line_items;
    let third: Vec<_> = items
        .iter()
        .filter(|i| i.table.code() == "02" && i.amount == Amount::parse_plain("10.00").unwrap())
        .map(|i| (i.subject_code.clone(), i.column.as_str(), i.flags.clone()))
        .collect();
    assert_eq!(third.len(), 4, "{third:?}");
    for (code, column, flags) in &third {
        assert_eq!(*column, "其他收入", "{code:?} {third:?}");
        assert!(
            !flags.contains(&juesuan::model::Flag::PlacedByOrder),
            "{code:?} {flags:?}"
        );
    }
}
