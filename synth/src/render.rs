//! Prints an [`Accounts`] in one of the input shapes seen in real archives
//! (CONTRACT §1). Each shape prints what documents of that shape carry: the
//! narrative-only and flattened-PDF shapes have their tables as images, the Word
//! cell-per-line shape is a self-evaluation report, the template has no figures.

use crate::model::{
    Accounts, Body, Cents, CodedRow, Evaluation, OUTLAY_COLUMNS, SideCell, Table, money,
};
use crate::rng::Rng;
use crate::vocab;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    Tab,
    Ocr,
    Flattened,
    CellPerLine,
    Narrative,
    Layout,
    Raw,
    Template,
    /// Crawler page text: a web page's body flattened onto a few lines.
    /// Not in [`Shape::ALL`] (see [`Shape::BY_NAME`]).
    HtmlText,
    /// A PDF report (`crate::pdf`), drawn as office producers draw one. Not in
    /// [`Shape::ALL`] (see [`Shape::BY_NAME`]).
    Pdf,
}

impl Shape {
    pub const ALL: [Shape; 8] = [
        Shape::Tab,
        Shape::Ocr,
        Shape::Flattened,
        Shape::CellPerLine,
        Shape::Narrative,
        Shape::Layout,
        Shape::Raw,
        Shape::Template,
    ];

    /// Shapes added after [`Shape::ALL`], whose archives existing seeds
    /// reproduce (document `i` takes shape `i % 8`): asked for by name
    /// (`--shapes pdf`, `--shapes html-text`).
    pub const BY_NAME: [Shape; 2] = [Shape::HtmlText, Shape::Pdf];

    pub fn name(self) -> &'static str {
        match self {
            Shape::Tab => "tab",
            Shape::Ocr => "ocr",
            Shape::Flattened => "flattened",
            Shape::CellPerLine => "cell-per-line",
            Shape::Narrative => "narrative",
            Shape::Layout => "layout",
            Shape::Raw => "raw",
            Shape::Template => "template",
            Shape::HtmlText => "html-text",
            Shape::Pdf => "pdf",
        }
    }

    pub fn parse(s: &str) -> Option<Shape> {
        Shape::ALL
            .into_iter()
            .chain(Shape::BY_NAME)
            .find(|k| k.name() == s)
    }

    pub fn has_tables(self) -> bool {
        matches!(
            self,
            Shape::Tab | Shape::Ocr | Shape::Layout | Shape::Raw | Shape::Pdf
        )
    }

    pub fn has_indicators(self) -> bool {
        matches!(
            self,
            Shape::Tab | Shape::Ocr | Shape::Flattened | Shape::CellPerLine
        )
    }

    pub fn has_facts(self) -> bool {
        matches!(
            self,
            Shape::Tab
                | Shape::Ocr
                | Shape::Flattened
                | Shape::Narrative
                | Shape::Layout
                | Shape::Raw
                | Shape::HtmlText
                | Shape::Pdf
        )
    }
}

const PART_NUMERALS: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// A rendered document, and how its tables were drawn.
pub struct Rendered {
    pub text: String,
    /// Table 06 was printed with its groups side by side and cut into
    /// pieces (column-major text): some of its rows may be unprovable.
    pub scattered_basic: bool,
    /// Justified prose lines were printed with a gap between every character.
    pub letter_spaced: bool,
    /// A paragraph's continuation line was printed above the line that ends
    /// in the label its figure belongs to.
    pub swapped_lines: bool,
}

/// Draws from `rng` as the shapes always have (a seed's tables print as
/// they did), and the ways of printing added since (title debris, the
/// classes of prose, crawler text) from `vary`.
pub fn render(acc: &Accounts, shape: Shape, rng: &mut Rng, vary: &mut Rng) -> Rendered {
    let y = acc.year;
    let mut out = String::with_capacity(64 * 1024);
    let mut scattered_basic = false;
    let line = |out: &mut String, s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    let full_name = acc.full_name();
    if shape == Shape::CellPerLine {
        line(
            &mut out,
            &format!("{full_name}{y}年度部门整体支出绩效自评报告"),
        );
        line(&mut out, "");
        line(
            &mut out,
            &format!(
                "为加强预算绩效管理，{}对{y}年度部门整体支出及项目支出开展了绩效自评，现将有关情况报告如下。",
                acc.department
            ),
        );
        line(&mut out, "");
        for e in &acc.evaluations {
            evaluation_cells(&mut out, acc, e);
        }
        return Rendered {
            text: out,
            scattered_basic,
            letter_spaced: false,
            swapped_lines: false,
        };
    }
    let dept = if shape == Shape::Template {
        "XX部门".to_string()
    } else {
        acc.department.clone()
    };
    // Prose wraps at a converter's width in these shapes.
    let width = match shape {
        Shape::Narrative => Some(31),
        Shape::Layout | Shape::Flattened => Some(37),
        _ => None,
    };
    // The title as documents print it: the name alone on a line above the
    // year at times (then 部门概况 names it), a note of what the accounts
    // cover, a page number before it, the date of publication under it.
    let title_name = if shape == Shape::Template {
        format!("{}{dept}", acc.region)
    } else {
        full_name.clone()
    };
    let name_in_overview = vary.chance(50);
    let note = if vary.chance(15) {
        *vary.pick(&["（本级）", "（汇总）"])
    } else {
        ""
    };
    let page_number = if width.is_some() && vary.chance(15) {
        format!("{}  ", vary.range(1, 3))
    } else {
        String::new()
    };
    if name_in_overview && vary.chance(40) {
        line(&mut out, &format!("{page_number}{title_name}{note}"));
        line(&mut out, &format!("{y}年度部门决算"));
    } else {
        line(
            &mut out,
            &format!("{page_number}{title_name}{note}{y}年度部门决算"),
        );
    }
    if vary.chance(30) {
        line(
            &mut out,
            &format!(
                "（{}年{}月{}日）",
                y + 1,
                vary.range(6, 9),
                vary.range(1, 28)
            ),
        );
    }
    let overview_heading = if name_in_overview {
        format!("第一部分 {title_name}概况")
    } else {
        "第一部分 部门概况".to_string()
    };
    line(&mut out, "");
    line(&mut out, "目录");
    line(&mut out, "");
    // The contents name the overview as its heading does; a rendering that
    // merges lines printed at one height puts the last entry of the contents
    // and the first heading of the body on one line.
    let mut entries = contents(acc);
    entries[0] = overview_heading.clone();
    let last = entries.pop().unwrap_or_default();
    for entry in entries {
        line(&mut out, &entry);
    }
    if shape == Shape::Layout && vary.chance(20) {
        line(&mut out, &format!("{last}          {overview_heading}"));
    } else {
        line(&mut out, &last);
        line(&mut out, "");
        line(&mut out, &overview_heading);
    }
    line(&mut out, "");
    let (duties, units) = overview(&dept, y, rng);
    line(&mut out, "一、部门主要职责");
    for d in duties {
        line(&mut out, &d);
    }
    line(&mut out, "");
    line(&mut out, "二、机构设置情况");
    line(&mut out, &units);
    line(&mut out, "");
    line(&mut out, &format!("第二部分 {y}年度部门决算表"));
    line(&mut out, "");
    let (unit, factor) = printed_unit(rng);
    for (i, t) in acc.tables.iter().enumerate() {
        line(&mut out, &table_heading(i, t));
        line(&mut out, "");
        // Scaled once per table, and only when printed in another unit.
        let printed = if factor == 1 {
            std::borrow::Cow::Borrowed(t)
        } else {
            std::borrow::Cow::Owned(scaled(t, factor))
        };
        match shape {
            Shape::Tab | Shape::HtmlText => tab_table(&mut out, &dept, &printed, unit, None),
            Shape::Ocr => tab_table(&mut out, &dept, &printed, unit, Some(rng)),
            Shape::Layout => layout_table(&mut out, &printed, unit, false, rng),
            Shape::Template => layout_table(&mut out, t, "万元", true, rng),
            Shape::Raw => scattered_basic |= raw_table(&mut out, &printed, unit, rng),
            // The tables of these shapes were images: their titles remain.
            _ => {}
        }
        line(&mut out, "");
    }
    if shape == Shape::Template {
        line(&mut out, &format!("第三部分 {y}年度部门决算情况说明"));
        line(&mut out, "");
        line(&mut out, "（本部分按决算报表填列。）");
        return Rendered {
            text: out,
            scattered_basic,
            letter_spaced: false,
            swapped_lines: false,
        };
    }
    line(&mut out, &format!("第三部分 {y}年度部门决算情况说明"));
    line(&mut out, "");
    // Justified paragraphs (every line but the last stretched, printed with
    // a gap between all characters) and continuation lines printed above the
    // line they continue, in some documents of the wrapped shapes.
    let justify = width.is_some() && vary.chance(30);
    let swap = width.is_some() && vary.chance(30);
    let (mut letter_spaced, mut swapped_lines) = (false, false);
    let mut after_close = true;
    for p in &acc.prose {
        let p = if shape == Shape::Ocr {
            ocr_text(p, rng)
        } else {
            p.clone()
        };
        let heading = is_heading(&p);
        let reordered = match width {
            Some(w) if swap && !heading && after_close && vary.chance(50) => swapped(&p, w),
            _ => None,
        };
        let is_swapped = reordered.is_some();
        swapped_lines |= is_swapped;
        // The lines in reading order.
        let mut lines = reordered.unwrap_or_else(|| chunks(&p, width));
        // Every line of a paragraph but its last is stretched; a heading
        // spread across the width is spaced out whole.
        let stretched = if heading {
            lines.len()
        } else {
            lines.len() - 1
        };
        if justify && stretched > 0 && vary.chance(60) {
            letter_spaced = true;
            for l in &mut lines[..stretched] {
                *l = l.chars().map(String::from).collect::<Vec<_>>().join(" ");
            }
        }
        if is_swapped {
            lines.swap(0, 1);
        }
        for l in &lines {
            line(&mut out, l);
            if shape == Shape::Layout && lines.len() > 1 {
                line(&mut out, "");
            }
        }
        after_close = heading || p.ends_with('。');
        line(&mut out, "");
    }
    line(&mut out, &assets_heading(acc));
    line(&mut out, "");
    line(&mut out, &assets(y, rng));
    line(&mut out, "");
    line(&mut out, "第四部分 名词解释");
    line(&mut out, "");
    for entry in terms() {
        for l in chunks(&entry, width) {
            line(&mut out, &l);
        }
    }
    line(&mut out, "");
    if shape.has_indicators() {
        line(&mut out, "附件：绩效自评表");
        line(&mut out, "");
        for e in &acc.evaluations {
            let rows = evaluation_rows(acc, e);
            line(&mut out, &evaluation_title(acc, e));
            line(&mut out, "");
            for r in rows {
                match shape {
                    Shape::Flattened => line(
                        &mut out,
                        &r.iter()
                            .filter(|c| !c.is_empty())
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                    _ => line(&mut out, &r.join("\t")),
                }
            }
            line(&mut out, "");
        }
    }
    if shape == Shape::HtmlText {
        out = crawled(&out, acc, vary);
    }
    Rendered {
        text: out,
        scattered_basic,
        letter_spaced,
        swapped_lines,
    }
}

/// The 目录 entries after the title, one a line.
pub(crate) fn contents(acc: &Accounts) -> Vec<String> {
    let y = acc.year;
    let mut out = vec![
        "第一部分 部门概况".to_string(),
        format!("第二部分 {y}年度部门决算表"),
    ];
    out.extend(
        acc.tables
            .iter()
            .enumerate()
            .map(|(i, t)| table_heading(i, t)),
    );
    out.push(format!("第三部分 {y}年度部门决算情况说明"));
    out.push("第四部分 名词解释".to_string());
    out
}

/// `一、收入支出决算总表`: a table's entry in the 目录 and its heading.
pub(crate) fn table_heading(i: usize, t: &Table) -> String {
    format!("{}、{}", PART_NUMERALS[i], t.title)
}

/// 部门概况: the paragraphs under 部门主要职责 (an introduction and the duties),
/// and the one under 机构设置情况.
pub(crate) fn overview(dept: &str, y: u32, rng: &mut Rng) -> (Vec<String>, String) {
    let mut duties = vec![format!(
        "{dept}贯彻落实党中央和上级关于本领域工作的方针政策和决策部署，在履行职责过程中坚持和加强党的全面领导。主要职责是："
    )];
    let n = rng.range(6, vocab::DUTIES.len() as i64) as usize;
    for (k, d) in rng.subset(vocab::DUTIES.len(), n).into_iter().enumerate() {
        duties.push(format!("（{}）{}", k + 1, vocab::DUTIES[d]));
    }
    let units = format!(
        "从决算单位构成看，{dept}部门决算包括部门本级决算及所属{}个单位决算。截至{y}年底，本部门共有编制{}人，实有人数{}人。",
        rng.range(0, 6),
        rng.range(10, 200),
        rng.range(8, 190)
    );
    (duties, units)
}

/// The unit the tables are printed in and its factor from 万元: most documents
/// print 万元; some 元 or 千元, which the reader converts (the expected rows stay
/// in 万元).
pub(crate) fn printed_unit(rng: &mut Rng) -> (&'static str, i64) {
    match rng.range(0, 99) {
        0..=84 => ("万元", 1),
        85..=94 => ("元", 10_000),
        _ => ("千元", 10),
    }
}

/// An entry of the 情况说明 is a heading when it holds no sentence.
pub(crate) fn is_heading(entry: &str) -> bool {
    !entry.contains(['。', '，', '：'])
}

/// The heading of 国有资产占用情况说明, numbered after the sections of the
/// 情况说明 (`十、` in the current template).
pub(crate) fn assets_heading(acc: &Accounts) -> String {
    let sections = acc
        .prose
        .iter()
        .filter(|p| is_heading(p) && !p.starts_with('（'))
        .count();
    format!(
        "{}、国有资产占用情况说明",
        crate::model::chinese_numeral(sections + 1)
    )
}

/// The paragraph of 国有资产占用情况说明.
pub(crate) fn assets(y: u32, rng: &mut Rng) -> String {
    format!(
        "截至{y}年12月31日，本部门共有车辆{}辆，其中，一般公务用车{}辆、执法执勤用车{}辆；单位价值50万元以上通用设备{}台（套）。",
        rng.range(0, 12),
        rng.range(0, 3),
        rng.range(0, 8),
        rng.range(0, 4)
    )
}

/// The entries of 名词解释.
pub(crate) fn terms() -> Vec<String> {
    vocab::TERMS
        .iter()
        .enumerate()
        .map(|(n, (term, text))| {
            format!("{}、{term}：{text}", crate::model::chinese_numeral(n + 1))
        })
        .collect()
}

/// A crawler's text of the page: the site's breadcrumb before the body, the
/// body's lines joined by a space or by nothing (table cells glued into the
/// prose), on one line or split at a part or two, links to other
/// departments' reports after it.
fn crawled(body: &str, acc: &Accounts, rng: &mut Rng) -> String {
    let y = acc.year;
    let mut out = format!(
        "首页 > 信息公开 > 财政资金 > 预决算公开 {}{y}年度部门决算公开 发布时间：{}年{}月{}日 浏览次数：{} 【字体：大 中 小】 ",
        acc.full_name(),
        y + 1,
        rng.range(6, 9),
        rng.range(1, 28),
        rng.range(20, 900)
    );
    let split_parts = rng.chance(30);
    let mut first = true;
    for l in body.lines().filter(|l| !l.trim().is_empty()) {
        let l = l.trim();
        if !first {
            if split_parts && l.starts_with('第') && l.contains("部分") && rng.chance(50) {
                out.push('\n');
            } else if rng.chance(50) {
                out.push(' ');
            }
        }
        first = false;
        let glue = if rng.chance(50) { " " } else { "" };
        out.push_str(&l.replace('\t', glue));
    }
    let (other, _, _) = *rng.pick(vocab::DEPARTMENTS);
    out.push_str(&format!(
        "\n上一篇：{}{other}{y}年度部门决算公开 下一篇：{}政府办公室{y}年度部门决算公开\n",
        acc.region, acc.region
    ));
    out
}

/// `text` as lines of at most `width` characters (converters wrap at a fixed
/// width, mid-number and mid-word alike); one line when `width` is `None`.
fn chunks(text: &str, width: Option<usize>) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let width = width.unwrap_or(chars.len()).max(1);
    chars.chunks(width).map(|c| c.iter().collect()).collect()
}

/// The lines of a paragraph whose first line ends in the label of its first
/// figure (`2023年度收入合计` | `97.34万元，…`), in reading order, for a
/// rendering that prints the second above the first; `None` when the label
/// does not end a line that short.
fn swapped(text: &str, width: usize) -> Option<Vec<String>> {
    let at = text.find("万元")?;
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.' || *c == ',')
        .last()
        .map(|(i, _)| i)?;
    let head = &text[..start];
    let labelled = ["为", "合计", "总计", "总额", "经费", "支出"]
        .iter()
        .any(|w| head.ends_with(w));
    if !labelled || head.chars().count() > width {
        return None;
    }
    let mut lines = chunks(&text[start..], Some(width));
    lines.insert(0, head.to_string());
    Some(lines)
}

fn evaluation_title(acc: &Accounts, e: &Evaluation) -> String {
    match e.project {
        Some(_) => format!("{}年度项目支出绩效自评表", acc.year),
        None => format!("{}年度部门整体支出绩效自评表", acc.year),
    }
}

/// The self-evaluation table as rows of cells, in the Ministry of Finance's template.
fn evaluation_rows(acc: &Accounts, e: &Evaluation) -> Vec<Vec<String>> {
    let s = |x: &str| x.to_string();
    let mut rows = Vec::new();
    match &e.project {
        Some(p) => {
            rows.push(vec![s("项目名称"), p.clone()]);
            rows.push(vec![
                s("主管部门"),
                acc.department.clone(),
                s("实施单位"),
                acc.department.clone(),
            ]);
        }
        None => rows.push(vec![s("部门名称"), acc.department.clone()]),
    }
    let rate = crate::model::pct_text(crate::model::percent(e.spent, e.budget));
    rows.push(vec![
        s("项目资金（万元）"),
        s(""),
        s("年初预算数"),
        s("全年预算数"),
        s("全年执行数"),
        s("分值"),
        s("执行率"),
        s("得分"),
    ]);
    rows.push(vec![
        s(""),
        s("年度资金总额"),
        money(e.budget),
        money(e.budget),
        money(e.spent),
        s("10"),
        format!("{rate}%"),
        e.execution_score.to_string(),
    ]);
    rows.push(vec![
        s(""),
        s("其中：当年财政拨款"),
        money(e.budget),
        money(e.budget),
        money(e.spent),
        s("—"),
        s("—"),
        s("—"),
    ]);
    rows.push(vec![
        s("年度总体目标"),
        s("预期目标"),
        s(""),
        s(""),
        s("实际完成情况"),
    ]);
    rows.push(vec![s(""), e.goal.clone(), s(""), s(""), e.done.clone()]);
    rows.push(vec![
        s("绩效指标"),
        s("一级指标"),
        s("二级指标"),
        s("三级指标"),
        s("年度指标值"),
        s("实际完成值"),
        s("分值"),
        s("得分"),
        s("偏差原因分析及改进措施"),
    ]);
    let mut prev: (&str, &str) = ("", "");
    for i in &e.indicators {
        let l1 = if i.level1 != prev.0 { i.level1 } else { "" };
        let l2 = if (i.level1, i.level2) != prev {
            i.level2
        } else {
            ""
        };
        prev = (i.level1, i.level2);
        let note = if i.score < i.weight {
            s("部分指标未完全达到预期，下一步加强过程管理")
        } else {
            s("")
        };
        rows.push(vec![
            s(""),
            s(l1),
            s(l2),
            s(i.name),
            i.target.clone(),
            i.actual.clone(),
            i.weight.to_string(),
            i.score.to_string(),
            note,
        ]);
    }
    rows.push(vec![
        s("总分"),
        s(""),
        s(""),
        s(""),
        s(""),
        s(""),
        s("100"),
        e.total().to_string(),
        s(""),
    ]);
    rows
}

/// Word's cell-per-line export: every cell on its own line behind a TAB, U+3000 for an
/// empty cell, a blank line between rows.
fn evaluation_cells(out: &mut String, acc: &Accounts, e: &Evaluation) {
    out.push_str(&evaluation_title(acc, e));
    out.push('\n');
    for row in evaluation_rows(acc, e) {
        for cell in row {
            out.push('\t');
            out.push_str(if cell.is_empty() { "\u{3000}" } else { &cell });
            out.push('\n');
        }
        out.push('\n');
    }
}

/// The table with every amount multiplied by `factor` (hundredths of 万元 become
/// hundredths of the printed unit).
pub(crate) fn scaled(t: &Table, factor: i64) -> Table {
    let row = |r: &CodedRow| CodedRow {
        amounts: r.amounts.iter().map(|a| a.map(|v| v * factor)).collect(),
        ..r.clone()
    };
    let side = |c: &Option<SideCell>| {
        c.as_ref().map(|c| SideCell {
            amounts: c.amounts.iter().map(|a| a.map(|v| v * factor)).collect(),
            ..c.clone()
        })
    };
    let body = match &t.body {
        Body::Coded { columns, rows } => Body::Coded {
            columns: columns.clone(),
            rows: rows.iter().map(row).collect(),
        },
        Body::TwoSided {
            left_columns,
            right_columns,
            rows,
        } => Body::TwoSided {
            left_columns: left_columns.clone(),
            right_columns: right_columns.clone(),
            rows: rows.iter().map(|(l, r)| (side(l), side(r))).collect(),
        },
        Body::Groups {
            personnel,
            public,
            totals,
        } => Body::Groups {
            personnel: personnel.iter().map(row).collect(),
            public: public.iter().map(row).collect(),
            totals: totals.map(|a| a.map(|v| v * factor)),
        },
        Body::ThreeOutlays { budget, actual } => Body::ThreeOutlays {
            budget: budget.map(|a| a.map(|v| v * factor)),
            actual: actual.map(|a| a.map(|v| v * factor)),
        },
    };
    Table { body, ..t.clone() }
}

fn amount_text(a: Option<i64>) -> String {
    a.map(money).unwrap_or_default()
}

/// OCR damage that a careful reader still reads right: spaces after separators,
/// thousands separators, a comma for the decimal point, traditional 財.
fn ocr_amount(a: Option<i64>, rng: &mut Rng) -> String {
    let Some(v) = a else { return String::new() };
    let plain = money(v);
    if v.abs() < 100_000 || !rng.chance(50) {
        return if rng.chance(15) {
            plain.replace('.', ". ")
        } else {
            plain
        };
    }
    let (int, frac) = plain.split_once('.').expect("money has cents");
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
            if rng.chance(50) {
                grouped.push(' ');
            }
        }
        grouped.push(ch);
    }
    let point = if rng.chance(10) {
        ", "
    } else if rng.chance(40) {
        ". "
    } else {
        "."
    };
    format!("{grouped}{point}{frac}")
}

fn ocr_text(s: &str, rng: &mut Rng) -> String {
    if rng.chance(30) {
        s.replacen("财政", "財政", 1)
    } else {
        s.to_string()
    }
}

fn tab_table(out: &mut String, dept: &str, t: &Table, unit: &str, mut ocr: Option<&mut Rng>) {
    let mut amount = |a: Option<i64>| match ocr.as_deref_mut() {
        Some(rng) => ocr_amount(a, rng),
        None => amount_text(a),
    };
    let n = t.code.parse::<usize>().unwrap_or(0);
    out.push_str(&format!(
        "{}\n部门：{dept}\t\t\t公开{:02}表\n\t\t\t单位：{unit}\n",
        t.title, n
    ));
    match &t.body {
        Body::Coded { columns, rows } => {
            out.push_str("项目\t\t");
            out.push_str(
                &columns
                    .iter()
                    .map(|c| c.rsplit('/').next().unwrap_or(c))
                    .collect::<Vec<_>>()
                    .join("\t"),
            );
            out.push_str("\n科目代码\t科目名称\n");
            out.push_str(&format!(
                "栏次\t\t{}\n",
                (1..=columns.len())
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join("\t")
            ));
            for r in rows {
                let cells: Vec<String> = r.amounts.iter().map(|a| amount(*a)).collect();
                match &r.code {
                    Some(code) => {
                        out.push_str(&format!("{code}\t{}\t{}\n", r.name, cells.join("\t")))
                    }
                    None => out.push_str(&format!("{}\t\t{}\n", r.name, cells.join("\t"))),
                }
            }
        }
        Body::TwoSided {
            right_columns,
            rows,
            ..
        } => {
            out.push_str("收入\t\t\t支出\n");
            let right_head = if right_columns.len() == 1 {
                "金额".to_string()
            } else {
                format!("合计\t{}", right_columns[1..].join("\t"))
            };
            out.push_str(&format!("项目\t行次\t金额\t项目\t行次\t{right_head}\n"));
            let n = rows.len();
            for (i, (l, r)) in rows.iter().enumerate() {
                let side =
                    |c: &Option<SideCell>,
                     line: usize,
                     amount: &mut dyn FnMut(Option<i64>) -> String| match c {
                        Some(c) => format!(
                            "{}\t{line}\t{}",
                            c.label,
                            c.amounts
                                .iter()
                                .map(|a| amount(*a))
                                .collect::<Vec<_>>()
                                .join("\t")
                        ),
                        None => format!("\t{line}\t"),
                    };
                let left = side(l, i + 1, &mut amount);
                let right = side(r, n + i + 1, &mut amount);
                out.push_str(&format!("{left}\t{right}\n"));
            }
        }
        Body::Groups {
            personnel,
            public,
            totals,
        } => {
            out.push_str("人员经费\t\t\t公用经费\n");
            out.push_str("科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数\n");
            let cell = |r: Option<&CodedRow>, amount: &mut dyn FnMut(Option<i64>) -> String| match r
            {
                Some(r) => format!(
                    "{}\t{}\t{}",
                    r.code.as_deref().unwrap_or(""),
                    r.name,
                    amount(r.amounts[0])
                ),
                None => "\t\t".to_string(),
            };
            for i in 0..personnel.len().max(public.len()) {
                let a = cell(personnel.get(i), &mut amount);
                let b = cell(public.get(i), &mut amount);
                out.push_str(&format!("{a}\t{b}\n"));
            }
            out.push_str(&format!(
                "\t人员经费合计\t{}\t\t公用经费合计\t{}\n",
                amount(totals[0]),
                amount(totals[1])
            ));
        }
        Body::ThreeOutlays { budget, actual } => {
            out.push_str("预算数\t\t\t\t\t\t决算数\n");
            let names = [
                "合计",
                "因公出国（境）费",
                "公务用车购置及运行维护费",
                "",
                "",
                "公务接待费",
            ];
            out.push_str(&format!("{}\t{}\n", names.join("\t"), names.join("\t")));
            let subs = ["", "", "小计", "公务用车购置费", "公务用车运行维护费", ""];
            out.push_str(&format!("{}\t{}\n", subs.join("\t"), subs.join("\t")));
            out.push_str(&format!(
                "{}\n",
                (1..=12)
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join("\t")
            ));
            let vals: Vec<String> = budget
                .iter()
                .chain(actual.iter())
                .map(|a| amount(*a))
                .collect();
            out.push_str(&format!("{}\n", vals.join("\t")));
        }
    }
    out.push_str("注：本表金额单位转换时可能存在尾数误差。\n");
}

/// Display width as a terminal or pdftotext counts it: CJK and full-width forms are two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// `pdftotext -layout`: cells placed at display columns, amounts right-aligned, long
/// names wrapped onto the next line, zero columns left blank.
fn layout_table(out: &mut String, t: &Table, unit: &str, template: bool, rng: &mut Rng) {
    let amount = |a: Option<i64>| {
        if template {
            String::new()
        } else {
            amount_text(a)
        }
    };
    out.push_str(&format!("{}{}\n", " ".repeat(20), t.title));
    out.push_str(&format!("{}单位：{unit}\n", " ".repeat(50)));
    const NAME: usize = 12; // characters of a name before the converter wraps it
    let wrap = |name: &str| -> (String, Option<String>) {
        let chars: Vec<char> = name.chars().collect();
        if chars.len() > NAME {
            (
                chars[..NAME].iter().collect(),
                Some(chars[NAME..].iter().collect()),
            )
        } else {
            (name.to_string(), None)
        }
    };
    match &t.body {
        Body::Coded { columns, rows } => {
            let split_codes = t.code == "05" && rng.chance(50);
            let shown: Vec<bool> = (0..columns.len())
                .map(|c| rows.iter().any(|r| r.amounts[c].is_some_and(|v| v != 0)))
                .collect();
            let amount_w: Vec<usize> = columns
                .iter()
                .map(|c| width(c.rsplit('/').next().unwrap_or(c)).max(12))
                .collect();
            let code_w = if split_codes { 17 } else { 10 };
            let mut head = pad_right("科目编码", code_w) + &pad_right("科目名称", NAME * 2 + 2);
            for (c, w) in columns.iter().zip(&amount_w) {
                head += "  ";
                head += &pad_left(c.rsplit('/').next().unwrap_or(c), *w);
            }
            out.push_str(&head);
            out.push('\n');
            for r in rows {
                let code = match &r.code {
                    Some(c) if split_codes => {
                        let parts = [
                            &c[..3.min(c.len())],
                            c.get(3..5).unwrap_or(""),
                            c.get(5..).unwrap_or(""),
                        ];
                        parts
                            .iter()
                            .filter(|p| !p.is_empty())
                            .copied()
                            .collect::<Vec<_>>()
                            .join("   ")
                    }
                    Some(c) => c.clone(),
                    None => String::new(),
                };
                let (first, rest) = wrap(&r.name);
                let mut l = pad_right(&code, code_w) + &pad_right(&first, NAME * 2 + 2);
                for (i, a) in r.amounts.iter().enumerate() {
                    l += "  ";
                    l += &pad_left(
                        &if shown[i] { amount(*a) } else { String::new() },
                        amount_w[i],
                    );
                }
                out.push_str(l.trim_end());
                out.push('\n');
                if let Some(rest) = rest {
                    out.push_str(&format!("{}{rest}\n", " ".repeat(code_w)));
                }
            }
        }
        Body::TwoSided {
            right_columns,
            rows,
            ..
        } => {
            let lw = rows
                .iter()
                .filter_map(|r| r.0.as_ref())
                .map(|c| width(&c.label))
                .max()
                .unwrap_or(10)
                + 2;
            let rw = rows
                .iter()
                .filter_map(|r| r.1.as_ref())
                .map(|c| width(&c.label))
                .max()
                .unwrap_or(10)
                + 2;
            let cols: Vec<&str> = if right_columns.len() == 1 {
                vec!["决算数"]
            } else {
                vec![
                    "合计",
                    "一般公共预算财政拨款",
                    "政府性基金预算财政拨款",
                    "国有资本经营预算财政拨款",
                ]
            };
            let aw: Vec<usize> = cols.iter().map(|c| width(c).max(12)).collect();
            out.push_str(&format!("{}{}\n", pad_right("收入", lw + 14), "支出"));
            let mut head =
                pad_right("项目", lw) + &pad_left("决算数", 12) + "   " + &pad_right("项目", rw);
            for (c, w) in cols.iter().zip(&aw) {
                head += &pad_left(c, *w);
                head += "  ";
            }
            out.push_str(head.trim_end());
            out.push('\n');
            let blank_zero = |a: Option<i64>| {
                if a == Some(0) {
                    String::new()
                } else {
                    amount(a)
                }
            };
            for (l, r) in rows {
                let mut s = match l {
                    Some(c) => pad_right(&c.label, lw) + &pad_left(&blank_zero(c.amounts[0]), 12),
                    None => " ".repeat(lw + 12),
                };
                s += "   ";
                if let Some(c) = r {
                    s += &pad_right(&c.label, rw);
                    for (a, w) in c.amounts.iter().zip(&aw) {
                        s += &pad_left(&blank_zero(*a), *w);
                        s += "  ";
                    }
                }
                out.push_str(s.trim_end());
                out.push('\n');
            }
        }
        Body::Groups {
            personnel,
            public,
            totals,
        } => {
            let group = |r: Option<&CodedRow>| match r {
                Some(r) => {
                    let (first, _) = wrap(&r.name);
                    pad_right(r.code.as_deref().unwrap_or(""), 9)
                        + &pad_right(&first, NAME * 2 + 2)
                        + &pad_left(&amount(r.amounts[0]), 10)
                }
                None => " ".repeat(9 + NAME * 2 + 2 + 10),
            };
            out.push_str(&format!(
                "{}   {}\n",
                pad_right("人员经费", 9 + NAME * 2 + 12),
                "公用经费"
            ));
            let head = pad_right("科目编码", 9)
                + &pad_right("科目名称", NAME * 2 + 2)
                + &pad_left("决算数", 10);
            out.push_str(&format!("{head}   {head}\n"));
            for i in 0..personnel.len().max(public.len()) {
                out.push_str(
                    format!("{}   {}", group(personnel.get(i)), group(public.get(i))).trim_end(),
                );
                out.push('\n');
            }
            let total = |label: &str, a: Option<i64>| {
                pad_right("", 9) + &pad_right(label, NAME * 2 + 2) + &pad_left(&amount(a), 10)
            };
            out.push_str(&format!(
                "{}   {}\n",
                total("人员经费合计", totals[0]),
                total("公用经费合计", totals[1])
            ));
        }
        Body::ThreeOutlays { budget, actual } => {
            out.push_str(&format!(
                "{}预算数{}决算数\n",
                " ".repeat(30),
                " ".repeat(60)
            ));
            let names = [
                "合计",
                "因公出国（境）费",
                "公务用车购置及运行维护费小计",
                "公务用车购置费",
                "公务用车运行维护费",
                "公务接待费",
            ];
            let w = 14;
            let head: String = names
                .iter()
                .chain(names.iter())
                .map(|n| pad_left(n, w.max(width(n))))
                .collect::<Vec<_>>()
                .join("  ");
            out.push_str(&head);
            out.push('\n');
            let vals: String = budget
                .iter()
                .chain(actual.iter())
                .zip(names.iter().chain(names.iter()))
                .map(|(a, n)| pad_left(&amount(*a), w.max(width(n))))
                .collect::<Vec<_>>()
                .join("  ");
            out.push_str(vals.trim_end());
            out.push('\n');
        }
    }
    out.push_str("  注：本表反映部门本年度情况。\n");
}

/// One column of column-major text: its cells a line each, blank cells
/// leaving no line, and a blank line after.
fn column_run<S: AsRef<str>>(out: &mut String, cells: impl IntoIterator<Item = S>) {
    for c in cells {
        let c = c.as_ref();
        if !c.is_empty() {
            out.push_str(c);
            out.push('\n');
        }
    }
    out.push('\n');
}

/// Table 06 printed with its two groups side by side, as some PDF producers
/// draw it and `pdftotext` without `-layout` then emits it: the first group's
/// codes, the second's (part of them), the first group's names and amounts,
/// the second's names; but the first group's amount column comes out in
/// pieces: its first rows after its names, a few short pieces after its
/// codes, among the second group's codes and after the note, and its last
/// rows one by one among the second group's names, behind the second
/// group's class amount. Where the cuts fall is random.
fn raw_groups_side_by_side(
    out: &mut String,
    first: &[CodedRow],
    second: &[CodedRow],
    totals: [Option<Cents>; 2],
    rng: &mut Rng,
) {
    let codes = |rows: &[CodedRow]| -> Vec<String> {
        rows.iter()
            .map(|r| r.code.clone().unwrap_or_default())
            .collect()
    };
    let names =
        |rows: &[CodedRow]| -> Vec<String> { rows.iter().map(|r| r.name.clone()).collect() };
    let amounts = |rows: &[CodedRow]| -> Vec<String> {
        rows.iter().map(|r| amount_text(r.amounts[0])).collect()
    };
    let (a, b) = (amounts(first), amounts(second));
    let n = a.len();
    // First rows a[..c1], last rows a[c3..], three pieces of the middle.
    let c1 = rng.range(1, (n / 2) as i64) as usize;
    let c3 = rng.range(c1 as i64 + 1, n as i64 - 1) as usize;
    let s1 = rng.range(c1 as i64, c3 as i64) as usize;
    let s2 = rng.range(s1 as i64, c3 as i64) as usize;
    let b_codes = codes(second);
    let early = rng.range(1, b_codes.len() as i64 - 1) as usize;
    column_run(out, ["经济分类", "科目编码"]);
    column_run(out, codes(first));
    column_run(out, &a[c1..s1]);
    column_run(out, ["经济分类", "科目编码"]);
    column_run(out, &b_codes[..early]);
    column_run(out, &a[s1..s2]);
    column_run(out, ["科目名称", "决算数"]);
    column_run(out, names(first));
    column_run(out, &a[..c1]);
    column_run(out, ["决算数"]);
    // The second group's names, its class amount after the first, then the
    // first group's last rows one behind each name.
    let mut tail = a[c3..].iter();
    for (i, name) in names(second).iter().enumerate() {
        column_run(out, std::slice::from_ref(name));
        if i == 0 {
            column_run(out, &b[..1]);
        } else if let Some(x) = tail.next() {
            column_run(out, std::slice::from_ref(x));
        }
    }
    column_run(out, tail.cloned().collect::<Vec<_>>());
    column_run(out, &[amount_text(totals[0])]);
    column_run(out, ["人员经费合计", "公用经费合计"]);
    out.push_str("注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。\n");
    column_run(out, &a[s2..c3]);
    column_run(out, &b_codes[early..]);
    column_run(out, ["科目名称"]);
    let mut rest: Vec<String> = b[1..].to_vec();
    rest.push(amount_text(totals[1]));
    column_run(out, &rest);
}

/// `pdftotext` without `-layout`: each table column emitted as a run of lines, one
/// column after another; blank cells leave no line. True when table 06 was
/// drawn side by side, in pieces.
fn raw_table(out: &mut String, t: &Table, unit: &str, rng: &mut Rng) -> bool {
    let mut scattered = false;
    out.push_str(&format!("{}\n单位：{unit}\n", t.title));
    match &t.body {
        Body::Coded { columns, rows } => {
            out.push_str("项目\n科目编码\n科目名称\n");
            let shown: Vec<usize> = (0..columns.len())
                .filter(|&c| rows.iter().any(|r| r.amounts[c].is_some_and(|v| v != 0)))
                .collect();
            for &c in &shown {
                out.push_str(columns[c].rsplit('/').next().unwrap_or(columns[c]));
                out.push('\n');
            }
            out.push('\n');
            column_run(out, rows.iter().map(|r| r.code.clone().unwrap_or_default()));
            column_run(out, rows.iter().map(|r| r.name.clone()));
            for &c in &shown {
                column_run(out, rows.iter().map(|r| amount_text(r.amounts[c])));
            }
        }
        Body::TwoSided {
            right_columns,
            rows,
            ..
        } => {
            // Zeros are printed here: a run of blanks would leave which label an amount
            // belongs to undecidable, even to a person, once the rows are gone.
            let nonzero = amount_text;
            out.push_str("收入\n支出\n项目\n决算数\n");
            column_run(
                out,
                rows.iter()
                    .filter_map(|r| r.0.as_ref())
                    .map(|c| c.label.clone()),
            );
            column_run(
                out,
                rows.iter()
                    .filter_map(|r| r.0.as_ref())
                    .map(|c| nonzero(c.amounts[0])),
            );
            column_run(
                out,
                rows.iter()
                    .filter_map(|r| r.1.as_ref())
                    .map(|c| c.label.clone()),
            );
            for (i, c) in right_columns.iter().enumerate() {
                if rows
                    .iter()
                    .filter_map(|r| r.1.as_ref())
                    .any(|s| s.amounts[i].is_some_and(|v| v != 0))
                {
                    out.push_str(c);
                    out.push('\n');
                    column_run(
                        out,
                        rows.iter()
                            .filter_map(|r| r.1.as_ref())
                            .map(|s| nonzero(s.amounts[i])),
                    );
                }
            }
        }
        Body::Groups {
            personnel,
            public,
            totals,
        } if personnel.len() >= 4 && public.len() >= 2 && rng.chance(50) => {
            raw_groups_side_by_side(out, personnel, public, *totals, rng);
            scattered = true;
        }
        Body::Groups {
            personnel,
            public,
            totals,
        } => {
            for (head, rows, total, label) in [
                ("人员经费", personnel, totals[0], "人员经费合计"),
                ("公用经费", public, totals[1], "公用经费合计"),
            ] {
                out.push_str(&format!("{head}\n科目编码\n科目名称\n决算数\n"));
                column_run(out, rows.iter().map(|r| r.code.clone().unwrap_or_default()));
                column_run(
                    out,
                    rows.iter()
                        .map(|r| r.name.clone())
                        .chain(std::iter::once(label.to_string())),
                );
                column_run(
                    out,
                    rows.iter()
                        .map(|r| amount_text(r.amounts[0]))
                        .chain(std::iter::once(amount_text(total))),
                );
            }
        }
        Body::ThreeOutlays { budget, actual } => {
            out.push_str("预算数\n决算数\n");
            for n in OUTLAY_COLUMNS {
                out.push_str(n.rsplit('/').next().unwrap_or(n));
                out.push('\n');
            }
            column_run(
                out,
                budget.iter().chain(actual.iter()).map(|a| amount_text(*a)),
            );
        }
    }
    out.push_str("注：本表反映部门本年度情况。\n");
    scattered
}
