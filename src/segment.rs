//! Stage 2, segment: from normalised text to the document's metadata
//! (department, region, fiscal year, report kind), its parts and numbered
//! headings, its table of contents, and the blocks of lines that hold each of
//! the nine standard tables, identified by the meaning of their titles.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use crate::decode::Text;
use crate::model::DocMeta;
use crate::text::{
    Enumerator, chinese_number, compact_cjk, is_han, letter_spaced, split_enumerator, squeeze,
};
use crate::vocab::{Table, classify_title};

/// A numbered heading of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 0-based line index.
    pub line: usize,
    pub level: HeadingLevel,
    pub number: u32,
    /// The heading text without its enumerator and page number.
    pub title: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HeadingLevel {
    /// 第一部分 …
    Part,
    /// 一、…
    Section,
    /// (一)…
    Subsection,
}

/// The lines of one standard table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableBlock {
    pub table: Table,
    /// 0-based line of the (first) title.
    pub title_line: usize,
    /// 0-based lines after the title up to the next table, part or narrative.
    pub body: Range<usize>,
}

/// The segmented document.
#[derive(Clone, Debug, Default)]
pub struct Segmented {
    pub meta: DocMeta,
    /// Lines of the table of contents (目录), which are never tables.
    pub toc: Option<Range<usize>>,
    pub headings: Vec<Heading>,
    pub tables: Vec<TableBlock>,
    /// The text is a web page's body flattened onto one or a few lines
    /// (crawler page text, shape `html_text`).
    pub page_text: bool,
}

impl Segmented {
    /// The part (第N部分) a line sits in, if any.
    pub fn part_of(&self, line: usize) -> Option<&Heading> {
        self.headings
            .iter()
            .rfind(|h| h.level == HeadingLevel::Part && h.line <= line)
    }

    pub fn in_toc(&self, line: usize) -> bool {
        self.toc.as_ref().is_some_and(|r| r.contains(&line))
    }
}

pub fn segment(text: &Text) -> Segmented {
    let toc = find_toc(text);
    let headings = find_headings(text, toc.as_ref());
    let tables = find_tables(text, toc.as_ref(), &headings);
    let meta = find_meta(text, toc.as_ref());
    Segmented {
        meta,
        toc,
        headings,
        tables,
        page_text: page_text(text),
    }
}

/// A crawled page: half the text or more on lines of 2,000 bytes and
/// longer. Converters of PDFs and Word files break lines at least at every
/// paragraph; a crawler joins a page's paragraphs.
fn page_text(text: &Text) -> bool {
    let (mut long, mut all) = (0usize, 0usize);
    for l in text.lines() {
        all += l.len() + 1;
        if l.len() >= 2000 {
            long += l.len() + 1;
        }
    }
    long * 2 >= all && long > 0
}

/// `第一部分 …` → (1, rest).
pub fn part_heading(line: &str) -> Option<(u32, &str)> {
    let t = line.trim_start();
    let rest = t.strip_prefix('第')?;
    let end = rest.find("部分")?;
    let num = rest[..end].trim();
    let n = chinese_number(num).or_else(|| num.parse().ok())?;
    Some((n, rest[end + "部分".len()..].trim()))
}

/// A heading printed inside a line, after other text or with prose after
/// it: crawler page text flattens a page onto a few lines, and renderings
/// that sort text by height merge lines printed side by side. Offsets are
/// bytes of the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InlineHeading {
    pub at: usize,
    pub level: HeadingLevel,
    /// Where the title ends; prose may follow on the same line.
    pub title_end: usize,
}

/// Words a part's title ends with, most telling first.
const PART_TITLE_ENDS: &[&str] = &[
    "情况说明",
    "说明",
    "概况",
    "名词解释",
    "附件",
    "决算表",
    "公开表",
];

/// Words that, right before `第N部分`, make it a cross-reference in prose
/// (`详见第四部分`) rather than a heading.
const CROSS_REFERENCE: &[char] = &['见', '在', '的', '和', '及', '与', '、', '照'];

/// Headings inside a compacted prose line (white space touching Chinese
/// removed): `第N部分 …`, `N、…` and `(N)…`. A numbered heading inside a line
/// needs a title that reads as one (ending in 说明 or 情况 before any
/// punctuation or figure), so that enumerated table rows and lists glued into
/// the prose are not taken for headings.
pub fn inline_headings(line: &str) -> Vec<InlineHeading> {
    let mut out: Vec<InlineHeading> = Vec::new();
    for (p, c) in line.char_indices() {
        let found = match c {
            '第' => inline_part(line, p),
            '、' => inline_section(line, p),
            '(' => inline_subsection(line, p),
            _ => None,
        };
        if let Some(h) = found {
            // A title ends where the next heading starts.
            if let Some(prev) = out.last_mut() {
                prev.title_end = prev.title_end.min(h.at);
            }
            out.push(h);
        }
    }
    out
}

fn inline_part(line: &str, p: usize) -> Option<InlineHeading> {
    if line[..p]
        .chars()
        .next_back()
        .is_some_and(|c| CROSS_REFERENCE.contains(&c))
    {
        return None;
    }
    let rest = &line[p + '第'.len_utf8()..];
    let end = rest.find("部分").filter(|&e| e > 0 && e <= 9)?;
    let num = &rest[..end];
    chinese_number(num).or_else(|| num.parse().ok())?;
    let title_at = p + '第'.len_utf8() + end + "部分".len();
    let title_at = title_at + (line.len() - title_at - line[title_at..].trim_start().len());
    let candidate = title_candidate(&line[title_at..]);
    let title_len = PART_TITLE_ENDS
        .iter()
        .find_map(|w| candidate.find(w).map(|q| q + w.len()))
        .unwrap_or(candidate.len());
    Some(InlineHeading {
        at: p,
        level: HeadingLevel::Part,
        title_end: title_at + title_len,
    })
}

fn inline_section(line: &str, p: usize) -> Option<InlineHeading> {
    let before = &line[..p];
    let numeral_len: usize = before
        .chars()
        .rev()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .map(char::len_utf8)
        .sum();
    if numeral_len == 0 || numeral_len > 3 * '十'.len_utf8() {
        return None;
    }
    let at = p - numeral_len;
    chinese_number(&line[at..p])?;
    // After a Chinese character only when that ends a title with no body
    // (`…情况说明二、…`); `第一、` and `统一、` are words.
    let lead = &line[..at];
    if lead.ends_with('第')
        || lead.chars().next_back().is_some_and(is_han)
            && !["说明", "情况", "概况"].iter().any(|w| lead.ends_with(w))
    {
        return None;
    }
    numbered_title(line, at, p + '、'.len_utf8(), HeadingLevel::Section)
}

fn inline_subsection(line: &str, p: usize) -> Option<InlineHeading> {
    let rest = &line[p + 1..];
    let close = rest.find(')').filter(|&c| c > 0 && c <= 9)?;
    chinese_number(&rest[..close])?;
    numbered_title(line, p, p + 1 + close + 1, HeadingLevel::Subsection)
}

/// A numbered heading's title from `title_at`: it ends after 说明 (the
/// first), else after the last 情况, within the stretch that can be a title.
fn numbered_title(
    line: &str,
    at: usize,
    title_at: usize,
    level: HeadingLevel,
) -> Option<InlineHeading> {
    let candidate = title_candidate(&line[title_at..]);
    let len = candidate
        .find("说明")
        .map(|q| q + "说明".len())
        .or_else(|| candidate.rfind("情况").map(|q| q + "情况".len()))?;
    Some(InlineHeading {
        at,
        level,
        title_end: title_at + len,
    })
}

/// The stretch after an enumerator that a title can span: up to 40
/// characters, ending before punctuation that ends a clause and before a
/// figure (a year `2016年` may stand in a title).
fn title_candidate(s: &str) -> &str {
    let b = s.as_bytes();
    for (n, (i, c)) in s.char_indices().enumerate() {
        if n == 40 || "。，,；;：:!！?？".contains(c) {
            return &s[..i];
        }
        if c.is_ascii_digit() {
            let year = b.len() >= i + 4
                && b[i..i + 4].iter().all(u8::is_ascii_digit)
                && s[i + 4..].starts_with('年')
                && (i == 0 || !b[i - 1].is_ascii_digit());
            let in_year = i >= 1 && b[i - 1].is_ascii_digit();
            if !year && !in_year {
                return &s[..i];
            }
        }
    }
    s
}

/// Strips a table-of-contents page number or leader: "…情况说明\t9", "… ... 13".
fn strip_page_number(s: &str) -> &str {
    let t = s.trim_end();
    let t = t.trim_end_matches(|c: char| c.is_ascii_digit());
    let t2 = t.trim_end_matches(|c: char| {
        c == '.' || c == '…' || c == ' ' || c == '\t' || c == '-' || c == '·'
    });
    if t2.len() < t.len() || t.len() < s.trim_end().len() {
        t2.trim_end()
    } else {
        s.trim_end()
    }
}

/// Most lines a table of contents spans: nine tables, four parts and their
/// sections, each with a page number on a line of its own.
const MAX_TOC_LINES: usize = 120;

fn find_toc(text: &Text) -> Option<Range<usize>> {
    let limit = text.len().min(400);
    // "目录", also spread over lines by column-major converters ("目\n\n录").
    let mut start_end = None;
    for i in 0..limit {
        let l = squeeze(text.line(i));
        if l == "目录" {
            start_end = Some((i, i));
            break;
        }
        if l == "目"
            && let Some(j) =
                (i + 1..(i + 4).min(text.len())).find(|&j| !text.line(j).trim().is_empty())
            && squeeze(text.line(j)) == "录"
        {
            start_end = Some((i, j));
            break;
        }
    }
    let (start, heading_end) = start_end?;
    // The first entry after 目录 tells where the body begins: the next line that
    // repeats it (a part heading "第一部分…" repeats by its number, as the body
    // may split it over two lines).
    // A heading drawn twice (bold faked by an offset copy) comes out of some
    // converters as two lines: the copy is no entry.
    let first = (heading_end + 1..text.len()).find(|&i| {
        let l = squeeze(text.line(i));
        !l.is_empty() && l != "目录"
    })?;
    let first_line = text.line(first);
    let first_part = part_heading(first_line).map(|(n, _)| n);
    let first_key = squeeze(strip_page_number(first_line.trim_start_matches(['-', ' '])));
    let end = (first + 1..text.len().min(first + 300)).find(|&i| {
        let l = text.line(i);
        match first_part {
            Some(n) => part_heading(l).is_some_and(|(m, rest)| {
                m == n && !has_page_number(l) && !rest.is_empty() || m == n && rest.is_empty()
            }),
            None => squeeze(l) == first_key,
        }
    });
    let end = end.unwrap_or_else(|| {
        // No repeat found: the run of short heading-like lines after 目录,
        // as long as a contents page is (text whose every line is short,
        // such as a converter's one-cell-per-line tables, is no contents).
        let mut j = first;
        while j < text.len().min(first + MAX_TOC_LINES)
            && (text.line(j).trim().is_empty() || text.line(j).chars().count() < 50)
        {
            j += 1;
        }
        j
    });
    Some(start..end)
}

fn has_page_number(l: &str) -> bool {
    let t = l.trim_end();
    t.ends_with(|c: char| c.is_ascii_digit())
        && strip_page_number(t).len() < t.len()
        && !t.ends_with("年度")
}

fn find_headings(text: &Text, toc: Option<&Range<usize>>) -> Vec<Heading> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if toc.is_some_and(|r| r.contains(&i)) {
            continue;
        }
        let t = line.trim();
        if t.is_empty() || t.len() > 150 || t.contains('\t') && !has_page_number(t) {
            continue;
        }
        if let Some((n, rest)) = part_heading(t) {
            out.push(Heading {
                line: i,
                level: HeadingLevel::Part,
                number: n,
                title: compact_cjk(rest).into_owned(),
            });
            continue;
        }
        let (e, rest) = split_enumerator(t);
        let level = match e {
            Some(Enumerator::Chinese(n)) => (HeadingLevel::Section, n),
            Some(Enumerator::ParenChinese(n)) => (HeadingLevel::Subsection, n),
            _ => continue,
        };
        // A heading is short; a numbered sentence of prose is not one.
        if rest.chars().count() > 45 || rest.is_empty() {
            continue;
        }
        out.push(Heading {
            line: i,
            level: level.0,
            number: level.1,
            title: compact_cjk(strip_page_number(rest)).into_owned(),
        });
    }
    out
}

/// Words of table headers: a block whose body holds none of them is a title
/// without a table (tables published as images, "本表无数据").
const HEADER_WORDS: &[&str] = &[
    "栏次",
    "科目编码",
    "科目代码",
    "科目名称",
    "行次",
    "决算数",
    "金额",
    "本年收入合计",
    "本年支出合计",
    "基本支出",
    "项目支出",
    "预算数",
    "人员经费",
    "公用经费",
    "合计",
    "功能分类",
    "经济分类",
];

pub fn has_header_words(line: &str) -> bool {
    // Each header word holds one of these characters; test them first.
    line.contains([
        '栏', '科', '行', '决', '金', '本', '基', '项', '预', '人', '公', '合', '功', '经',
    ]) && HEADER_WORDS.iter().any(|w| line.contains(w))
}

fn find_tables(text: &Text, toc: Option<&Range<usize>>, headings: &[Heading]) -> Vec<TableBlock> {
    // Titles outside the table of contents.
    let mut titles: Vec<(usize, Table)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if toc.is_some_and(|r| r.contains(&i)) {
            continue;
        }
        // Every title holds 表 and 算; most lines hold neither.
        if !line.contains('表') || !line.contains('算') {
            continue;
        }
        if let Some(t) = title_cells(line).find_map(|c| classify_title(&c)) {
            titles.push((i, t));
        }
    }
    // Boundaries that end any table: parts, narrative headings (情况说明),
    // and a part heading printed after a table's last line (renderings that
    // merge lines at one height).
    let mut stops: Vec<usize> = headings
        .iter()
        .filter(|h| {
            h.level == HeadingLevel::Part
                || h.title.contains("情况说明")
                || h.title.ends_with("说明")
        })
        .map(|h| h.line)
        .collect();
    stops.extend(text.lines().enumerate().filter_map(|(i, l)| {
        (l.contains("部分")
            && toc.is_none_or(|r| !r.contains(&i))
            && inline_headings(l)
                .iter()
                .any(|h| h.level == HeadingLevel::Part && h.at > 0))
        .then_some(i)
    }));
    stops.sort_unstable();
    let mut blocks: Vec<TableBlock> = Vec::new();
    for (k, &(line, table)) in titles.iter().enumerate() {
        let next_title = titles.get(k + 1).map(|t| t.0).unwrap_or(text.len());
        let next_stop = stops
            .iter()
            .copied()
            .find(|&s| s > line)
            .unwrap_or(text.len());
        let end = next_title.min(next_stop);
        // A repeated title of the same table (grid caption, page-break repeat)
        // continues the current block.
        if let Some(last) = blocks.last_mut()
            && last.table == table
            && last.body.end == line
        {
            last.body.end = end;
            continue;
        }
        blocks.push(TableBlock {
            table,
            title_line: line,
            body: line + 1..end,
        });
    }
    // Keep blocks that hold a table, not just a title: a header line, or a
    // line of figures alone (a header whose words a converter broke into
    // single characters, `预 决 预 决`, names no column).
    blocks.retain(|b| {
        b.body.clone().any(|i| {
            looks_gridded(text.raw_line(i)) && has_header_words(text.line(i))
                || figures_only(text.line(i))
        })
    });
    // One block per table: the same title twice (contents lists outside 目录,
    // an attachment) keeps the block with the larger body.
    let mut best: HashMap<Table, usize> = HashMap::new();
    for (i, b) in blocks.iter().enumerate() {
        let e = best.entry(b.table).or_insert(i);
        let cur = &blocks[*e];
        if b.body.len() > cur.body.len() && b.title_line != cur.title_line {
            *e = i;
        }
    }
    let mut keep: Vec<TableBlock> = best.values().map(|&i| blocks[i].clone()).collect();
    keep.sort_by_key(|b| b.title_line);
    keep
}

/// Where a title can stand on a line: the first cell of a TAB row (a grid's
/// caption row), or any cell of a line split at gaps of three or more spaces
/// (converters that pad lines to the page width, or that print the note under
/// one table and the title of the next at one height). Cells longer than a
/// title are not candidates.
fn title_cells(line: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let cells: Vec<&str> = if line.contains('\t') {
        line.split('\t')
            .find(|c| !c.trim().is_empty())
            .into_iter()
            .collect()
    } else {
        let mut cells: Vec<&str> = line
            .split("   ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        if cells.len() > 1 {
            cells.push(line.trim());
        }
        cells
    };
    cells
        .into_iter()
        .map(|c| undoubled(c).unwrap_or(Cow::Borrowed(c)))
        .filter(|c| c.chars().count() <= 60)
}

/// A title drawn twice at a small offset (bold faked by overprinting, common in
/// office PDF producers) comes out of some converters with every character
/// doubled: `收收入入决决算算表表`. Returns the text once, when every character is
/// doubled; a word that merely repeats a character (`决算算法`) is left alone.
pub(crate) fn undoubled(cell: &str) -> Option<Cow<'_, str>> {
    let chars: Vec<char> = cell.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() < 4 || !chars.len().is_multiple_of(2) || !chars.chunks(2).all(|p| p[0] == p[1]) {
        return None;
    }
    Some(Cow::Owned(chars.iter().step_by(2).collect()))
}

/// A line of a table grid: cells split by tabs, by runs of spaces, or a short
/// header cell on its own line (column-major and cell-per-line renderings),
/// or a row of short cells split by single spaces (flat text, where a header
/// row is as long as the page is wide), none of them a clause of prose.
/// A line of two figures or more and nothing else (`3.28 2.60 0.00`).
fn figures_only(line: &str) -> bool {
    let mut n = 0;
    for c in line.split_whitespace() {
        if crate::amount::parse_printed(c).is_none_or(|p| p.decimals == 0) {
            return false;
        }
        n += 1;
    }
    n >= 2
}

fn looks_gridded(raw: &str) -> bool {
    raw.contains('\t') || raw.contains("  ") || raw.trim().chars().count() <= 20 || {
        let cells: Vec<&str> = raw.split_whitespace().collect();
        cells.len() >= 4
            && cells
                .iter()
                .all(|c| c.chars().count() <= 12 && !c.contains(['，', '。', '；', '：', ',', ';']))
    }
}

fn find_meta(text: &Text, toc: Option<&Range<usize>>) -> DocMeta {
    let fiscal_year = find_year(text);
    let report_kind = find_kind(text, toc);
    let department = find_department(text);
    let region = department.as_deref().and_then(region_of);
    DocMeta {
        department,
        region,
        fiscal_year,
        report_kind,
    }
}

/// What a printed year (`2023年`, `2023 年度`) says about the accounts' year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YearMention {
    /// In a report or part title: "2023年度部门决算", "2023年度…部门决算表".
    Title,
    /// A comparison with the prior year: "与2022年度相比" speaks of 2023.
    Comparison,
    /// Any other "2023年度".
    Year,
    /// "2023年" without 度, not a date: "2023年收入合计…".
    Plain,
    /// A date: "2023年12月31日"; says nothing of the accounts' year.
    Date,
}

impl YearMention {
    /// The year of the accounts the mention of `year` speaks for.
    pub fn accounts_year(self, year: i32) -> i32 {
        if self == YearMention::Comparison {
            year + 1
        } else {
            year
        }
    }
}

/// Calls `f(year, mention)` for every year from 2000 to 2100 printed as four
/// digits before 年 in `line` (white space inside ignored).
pub fn year_mentions(line: &str, mut f: impl FnMut(i32, YearMention)) {
    // A year is printed as four digits before 年; skip lines without.
    if !line.contains('年') || !line.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    let compact = squeeze(line);
    let b = compact.as_bytes();
    let mut p = 0;
    while let Some(off) = compact[p..].find('年') {
        let at = p + off;
        p = at + '年'.len_utf8();
        if at < 4
            || !b[at - 4..at].iter().all(u8::is_ascii_digit)
            || (at >= 5 && b[at - 5].is_ascii_digit())
        {
            continue;
        }
        let year: i32 = compact[at - 4..at].parse().unwrap_or(0);
        if !(2000..=2100).contains(&year) {
            continue;
        }
        let before = &compact[..at - 4];
        let after = &compact[p..];
        let du = after.starts_with('度');
        let after = after.strip_prefix('度').unwrap_or(after);
        let mention = if ["与", "比", "较", "同"].iter().any(|w| before.ends_with(w))
            || after.chars().take(3).collect::<String>().contains("相比")
        {
            YearMention::Comparison
        } else if is_title_after_year(after, du) {
            YearMention::Title
        } else if after.starts_with(|c: char| c.is_ascii_digit()) && !du {
            YearMention::Date
        } else if du {
            YearMention::Year
        } else {
            YearMention::Plain
        };
        f(year, mention);
    }
}

/// What follows the year of a report's or part's title: "(部门)决算(公开)",
/// "…部门决算情况说明"; not "决算数" or "预算收入" of a sentence.
fn is_title_after_year(after: &str, du: bool) -> bool {
    ["部门决算", "单位决算", "部门预算", "单位预算"]
        .iter()
        .any(|k| after.starts_with(k))
        || ["决算", "预算"].iter().any(|k| {
            after.strip_prefix(k).is_some_and(|rest| {
                rest.is_empty()
                    || ["公开", "表", "报告", "情况说明", "说明"]
                        .iter()
                        .any(|w| rest.starts_with(w))
            })
        })
        || (du
            && after
                .chars()
                .take(24)
                .collect::<String>()
                .contains("部门决算"))
}

/// The year the accounts are for: the year of "YYYY年度(部门)决算" titles,
/// else what the other mentions speak of, a comparison with a prior year
/// counting for the year after it ("与2015年度相比" speaks of 2016). Early
/// short lines (a cover, a heading) count more; a crawled page's one long
/// line does not make every year on it early.
fn find_year(text: &Text) -> Option<i32> {
    let mut score: HashMap<i32, (u32, usize)> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let early = i < 30 && line.len() < 200;
        year_mentions(line, |year, mention| {
            let w = match mention {
                YearMention::Title => 12,
                YearMention::Comparison => 2,
                YearMention::Year if early => 4,
                YearMention::Year => 1,
                YearMention::Plain | YearMention::Date => 0,
            };
            if w > 0 {
                let e = score.entry(mention.accounts_year(year)).or_insert((0, i));
                e.0 += w;
            }
        });
    }
    score
        .into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(y, _)| y)
}

fn find_kind(text: &Text, toc: Option<&Range<usize>>) -> Option<&'static str> {
    let (mut fin, mut bud) = (0, 0);
    let head = text
        .len()
        .min(toc.map(|r| r.end + 20).unwrap_or(80).max(80));
    for i in 0..text.len() {
        let l = text.line(i);
        // Titles and headings carry the kind, and they are short lines.
        if l.len() > 180 || !l.contains('算') {
            continue;
        }
        let w = if i < head { 3 } else { 1 };
        // Every occurrence of 算 preceded by 决 or 预.
        for (p, _) in l.match_indices('算') {
            let word = if l[..p].ends_with('决') {
                "决算"
            } else if l[..p].ends_with('预') {
                "预算"
            } else {
                continue;
            };
            let at = p - '决'.len_utf8();
            let before = l[..at].trim_end();
            let after = l[p + '算'.len_utf8()..].trim_start();
            // 部门决算, 单位决算, 决算公开, 决算(总)表, 决算情况说明, 收支预算; not
            // 一般公共预算 and the like.
            let key = before.ends_with("部门")
                || before.ends_with("单位")
                || before.ends_with("收支")
                || ["公开", "总表", "表", "情况说明"]
                    .iter()
                    .any(|k| after.starts_with(k));
            if key {
                if word == "决算" { fin += w } else { bud += w }
            }
        }
    }
    if fin == 0 && bud == 0 {
        None
    } else if fin >= bud {
        Some("决算")
    } else {
        Some("预算")
    }
}

/// Suffixes of the names of reporting bodies.
const ORG_SUFFIXES: &[&str] = &[
    "局",
    "委员会",
    "委",
    "办公室",
    "办",
    "院",
    "中心",
    "站",
    "所",
    "会",
    "馆",
    "队",
    "部",
    "处",
    "厅",
    "社",
    "学校",
    "校",
    "园",
    "团",
    "政府",
    "署",
    "台",
    "室",
    "场",
    "司",
    "联合会",
    "协会",
    "研究院",
];

fn looks_like_org(s: &str) -> bool {
    let n = s.chars().count();
    // "XXX单位" is how templates leave the name blank; a real name does not
    // end in 单位 (本单位, 所属单位 are words of prose).
    (3..=40).contains(&n)
        && (ORG_SUFFIXES.iter().any(|x| s.ends_with(x))
            || s.ends_with("单位") && placeholder(s).is_some())
        && !s.contains("部门决算")
}

/// The placeholder a template prints for a name (`XX局`, `XXX单位`, `某某`,
/// `××`), if `name` holds one.
pub fn placeholder(name: &str) -> Option<&'static str> {
    let mut run = 0;
    for c in name.chars() {
        if matches!(c, 'X' | 'x' | '×' | '○' | '*') {
            run += 1;
            if run == 2 {
                return Some(if c == '×' { "××" } else { "XX" });
            }
        } else {
            run = 0;
        }
    }
    name.contains("某某").then_some("某某")
}

/// Words before a name that make it another document's: the navigation
/// links of a crawled page.
const NAVIGATION: &[&str] = &[
    "上一篇",
    "下一篇",
    "上一条",
    "下一条",
    "相关文章",
    "相关链接",
];

fn clean_org(s: &str) -> String {
    if NAVIGATION.iter().any(|w| s.contains(w)) {
        return String::new();
    }
    let s = compact_cjk(s.trim());
    let mut s: &str = &s;
    // Debris glued before the name: a breadcrumb or label, the end of a
    // contents list merged into the line ("名词解释第一部分…"), a page number.
    if let Some((p, c)) = s
        .char_indices()
        .rfind(|(_, c)| matches!(c, '>' | '|' | '】' | ':' | '》' | '/'))
    {
        s = &s[p + c.len_utf8()..];
    }
    if let Some(q) = s.rfind('第')
        && let Some((_, rest)) = part_heading(&s[q..])
    {
        s = rest;
    }
    if let Some(p) = s.rfind("目录") {
        s = &s[p + "目录".len()..];
    }
    // A table's row glued before a title (sorted text setting a page's
    // running title on the line of the figures beside it): no name holds a
    // figure with a decimal point, so the name starts after the last one.
    let b = s.as_bytes();
    if let Some(dot) = (1..b.len().saturating_sub(1))
        .rev()
        .find(|&k| b[k] == b'.' && b[k - 1].is_ascii_digit() && b[k + 1].is_ascii_digit())
    {
        s = &s[dot..];
    }
    s = s.trim_start_matches(|c: char| {
        c.is_whitespace() || c.is_ascii_digit() || c.is_ascii_punctuation() || "—–·、。".contains(c)
    });
    s = s.trim_end_matches(|c: char| c.is_whitespace() || ";,.。、-_|".contains(c));
    // A note of what the accounts cover: (本级), (汇总), (含所属单位).
    for suffix in ["(本级)", "本级"] {
        s = s.strip_suffix(suffix).unwrap_or(s);
    }
    if s.ends_with(')')
        && let Some(open) = s.rfind('(')
        && open > 0
    {
        s = &s[..open];
    }
    s.to_string()
}

/// A title line as names are read from it: a letter-spaced line closed up;
/// otherwise the gaps beside figures and 年/度 closed ("2023 年度") and the
/// others kept, as they part a name from what a page printed before it.
fn title_form(line: &str) -> String {
    if letter_spaced(line) {
        return squeeze(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut gap = false;
    for c in line.trim().chars() {
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        let prev = out.chars().next_back();
        let tight = |c: char| c.is_ascii_digit() || c == '年' || c == '度';
        if gap && !prev.is_some_and(tight) && !tight(c) {
            out.push(' ');
        }
        gap = false;
        out.push(c);
    }
    out
}

/// The name at the end of `before` (a title's text before its year): the
/// last word, with the words before it that belong to the name (a region
/// printed apart, `上海市 XX 局`), not a page's breadcrumb (`正文 某县…局`).
fn name_before(before: &str) -> String {
    let mut words = before.split(' ').filter(|w| !w.is_empty()).rev();
    let Some(last) = words.next() else {
        return String::new();
    };
    let mut name = last.to_string();
    for w in words {
        let region = ADMIN_SUFFIXES.iter().any(|s| w.ends_with(s)) && w.chars().count() <= 8;
        if !(region || !w.chars().any(is_han) && w.len() <= 4) {
            break;
        }
        name.insert_str(0, w);
    }
    name
}

fn find_department(text: &Text) -> Option<String> {
    let mut cands: HashMap<String, u32> = HashMap::new();
    let mut add = |s: &str, w: u32| {
        let c = clean_org(s);
        if looks_like_org(&c) {
            *cands.entry(c).or_default() += w;
        }
    };
    for (i, line) in text.lines().enumerate() {
        // Every key holds 位 or 门; a cheap test skips most lines.
        let keyed = line.contains('位') || line.contains('门');
        // Labelled fields: 单位名称：X, 部门：X, 编制单位：X. A label is a key
        // right before ':' or a cell break, so look at those only.
        if keyed {
            for (sep_at, _) in line.match_indices([':', '\t']) {
                let label = line[..sep_at].trim_end();
                if !["单位名称", "部门名称", "编制单位", "预算单位", "部门"]
                    .iter()
                    .any(|k| label.ends_with(k))
                {
                    continue;
                }
                let rest = line[sep_at..].trim_start_matches([':', ' ', '\t']);
                if rest.is_empty() {
                    continue;
                }
                let value = rest.split(['\t']).next().unwrap_or("");
                let value = value.split("  ").next().unwrap_or(value);
                let value = value.split("填报").next().unwrap_or(value);
                let value = value.split("公开").next().unwrap_or(value);
                add(value, 2);
            }
        }
        // A name key as the last cell with its value in the next cell or line
        // (cell-per-line renderings): "\t市级预算部门名称" / "\t岳阳市…局".
        let last_cell = line.rsplit('\t').next().unwrap_or("").trim_end();
        if keyed
            && (last_cell.ends_with("单位名称") || last_cell.ends_with("部门名称"))
            && let Some(v) = (i + 1..text.len().min(i + 4))
                .map(|j| text.line(j))
                .find(|l| !l.trim().is_empty())
        {
            let v = v
                .split('\t')
                .map(str::trim)
                .find(|c| !c.is_empty())
                .unwrap_or("");
            add(v, 2);
        }
        // Title lines: "X 2023 年度部门决算", "2024 年度X部门决算公开".
        if i < 40 || is_report_title(line) {
            let c = title_form(line);
            if let Some(p) = c.find("年度") {
                let before = &c[..p];
                let after = &c[p + "年度".len()..];
                let digits = before
                    .chars()
                    .rev()
                    .take_while(char::is_ascii_digit)
                    .count();
                if digits == 4 {
                    let org = &before[..before.len() - 4];
                    let org = part_heading(org).map(|(_, r)| r).unwrap_or(org);
                    add(&name_before(org), 3);
                    for k in ["部门决算", "单位决算", "部门预算", "决算"] {
                        if let Some(q) = after.find(k) {
                            add(&after[..q], 3);
                            break;
                        }
                    }
                }
            }
        }
        if line.contains('况')
            && let Some((_, rest)) = part_heading(line)
            && let Some(org) = squeeze(rest).strip_suffix("概况")
        {
            add(org, 2);
        }
    }
    let best = cands
        .iter()
        .max_by(|a, b| {
            a.1.cmp(b.1)
                .then(a.0.chars().count().cmp(&b.0.chars().count()))
                .then(b.0.cmp(a.0))
        })?
        .0
        .clone();
    // Prefer the fullest spelling of the chosen name: "随州市" + "曾都区…局"
    // (of two as long, the first in text order: the map's order is not).
    let fuller = cands
        .keys()
        .filter(|c| c.len() > best.len() && c.ends_with(best.as_str()))
        .max_by(|a, b| a.len().cmp(&b.len()).then(b.cmp(a)));
    Some(fuller.cloned().unwrap_or(best))
}

/// "X 2023 年度部门决算", "…年度部门决算公开", "…年度部门决算表": the report's
/// own title, not a sentence that mentions it.
pub(crate) fn is_report_title(line: &str) -> bool {
    let t = line.trim_end();
    if t.len() > 240 || !(t.ends_with('算') || t.ends_with('开') || t.ends_with('表')) {
        return false;
    }
    let c = squeeze(line);
    c.chars().count() < 60
        && [
            "部门决算",
            "单位决算",
            "部门决算公开",
            "部门决算表",
            "部门预算",
            "部门预算公开",
        ]
        .iter()
        .any(|k| c.ends_with(k))
}

/// Administrative-division suffixes, longest first.
const ADMIN_SUFFIXES: &[&str] = &[
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "地区",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
];

const NOT_PLACE_WORDS: &[&str] = &[
    "人力", "资源", "社会", "保障", "管理", "服务", "中心", "财政", "交通", "卫生", "教育", "公安",
    "民政", "司法", "农业", "水利", "规划", "人社", "住房", "城乡", "发展", "改革", "委员", "人民",
    "机关", "事务",
];
const NOT_PLACE_UNITS: &[&str] = &[
    "城市", "社区", "市区", "园区", "小区", "景区", "街区", "校区", "库区", "矿区", "林区", "山区",
    "郊区", "辖区", "本市", "本县", "本区", "全市", "全县", "全区", "全省",
];

/// The province/city/county prefix of a department name:
/// "随州市曾都区人力资源和社会保障局" → "随州市曾都区".
pub fn region_of(name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut end = 0;
    'outer: loop {
        // One unit: 2–7 characters (incl. suffix) ending in an admin suffix.
        for len in 2..=8 {
            if end + len > chars.len() {
                break;
            }
            let unit: String = chars[end..end + len].iter().collect();
            for suf in ADMIN_SUFFIXES {
                if unit.ends_with(suf) && unit.chars().count() > suf.chars().count() {
                    let stem: String = unit
                        .chars()
                        .take(unit.chars().count() - suf.chars().count())
                        .collect();
                    // Not a unit: stems holding words of department names, and
                    // common nouns that end like a unit (城市管理局, 社区).
                    if stem.chars().any(|c| "局厅委办部署".contains(c))
                        || NOT_PLACE_WORDS.iter().any(|w| stem.contains(w))
                        || NOT_PLACE_UNITS.contains(&unit.as_str())
                    {
                        continue;
                    }
                    end += len;
                    continue 'outer;
                }
            }
        }
        break;
    }
    if end == 0 || end >= chars.len() {
        return None;
    }
    Some(chars[..end].iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert_eq!(
            region_of("随州市曾都区人力资源和社会保障局").as_deref(),
            Some("随州市曾都区")
        );
        assert_eq!(
            region_of("上海市普陀区规划和自然资源局").as_deref(),
            Some("上海市普陀区")
        );
        assert_eq!(
            region_of("通城县人力资源和社会保障局").as_deref(),
            Some("通城县")
        );
        assert_eq!(
            region_of("湖北省咸宁市通城县教育局").as_deref(),
            Some("湖北省咸宁市通城县")
        );
        assert_eq!(region_of("区人社局"), None);
        assert_eq!(region_of("市场监督管理局"), None);
        assert_eq!(region_of("南通市城市管理局").as_deref(), Some("南通市"));
    }

    #[test]
    fn headings_inside_a_line() {
        fn found(line: &str) -> Vec<(HeadingLevel, &str)> {
            inline_headings(line)
                .into_iter()
                .map(|h| (h.level, &line[h.at..h.title_end]))
                .collect()
        }
        let line = "故本表无数据。第三部分 2017年度部门决算情况说明一、收入支出决算总体情况说明2017年度收、支总计均为5万元。(一)机关运行经费支出情况 2017年度";
        assert_eq!(
            found(line),
            vec![
                (HeadingLevel::Part, "第三部分 2017年度部门决算情况说明"),
                (HeadingLevel::Section, "一、收入支出决算总体情况说明"),
                (HeadingLevel::Subsection, "(一)机关运行经费支出情况"),
            ]
        );
        // Enumerated table rows, lists and cross-references are not headings.
        assert!(found("一、财政拨款收入 1 1,150.00 二、上级补助收入 2").is_empty());
        assert!(found("坚持统一、规范管理，详见第四部分附表。").is_empty());
    }

    fn meta(doc: &str) -> DocMeta {
        segment(&Text::from_string(doc)).meta
    }

    #[test]
    fn department_names_lose_the_debris_glued_to_them() {
        // A contents list merged with the first heading of the body.
        let m = meta(
            "某县水务局\n2023年度部门决算          目录\n第一部分 某县水务局概况\n第二部分 2023年度部门决算表\n第四部分 名词解释   第一部分 某县水务局概况\n一、主要职能\n",
        );
        assert_eq!(m.department.as_deref(), Some("某县水务局"));
        // A page number printed before the title; a note of what it covers.
        let m = meta("- 2 -   某县水务局2023年度部门决算\n第一部分 某县水务局(含所属单位)概况\n");
        assert_eq!(m.department.as_deref(), Some("某县水务局"));
        // A crawled page: a breadcrumb before the title, links to other
        // departments' reports after it.
        let m = meta(
            "首页 > 信息公开 > 财政预决算 某县交通运输局2017年度部门决算公开 发布日期：2018年09月12日\n上一篇：某县水利局2017年度部门决算公开 下一篇：某县教育局2017年度部门决算公开\n上一篇：某县水利局2017年度部门决算公开\n",
        );
        assert_eq!(m.department.as_deref(), Some("某县交通运输局"));
        // A region printed apart from the name.
        let m = meta("上海市 XX 局 2024 年度部门决算\n");
        assert_eq!(m.department.as_deref(), Some("上海市XX局"));
        // A table's row set on the line of the page's running title (sorted
        // text): its figures end before the name.
        let m = meta(
            "购房补贴 1391692.00 1391692.00 某市某县文化和旅游局 2022 年度部门决算\n\
             总计 9949053.00 总计 9949053.00 某市某县文化和旅游局 2022 年度部门决算\n",
        );
        assert_eq!(m.department.as_deref(), Some("某市某县文化和旅游局"));
    }

    #[test]
    fn the_fiscal_year_is_the_titles_not_a_date_or_a_comparison() {
        // A crawled page on one line: the prior year is cited more often
        // than the year itself, and the page is dated the year after.
        let doc = "某县水务局2016年部门决算公开 发布时间：2017年8月31日 第二部分 部门决算情况说明 一、收入支出决算总体情况说明 本年度收、支总计均为5万元，与2015年度相比增加1万元。二、收入决算情况说明 本年收入合计5万元，与2015年度相比增加1万元。三、支出决算情况说明 本年支出合计5万元，与2015年度相比增加1万元；基本支出4万元，比2015年度增加1万元；项目支出1万元，较2015年度持平。\n";
        assert_eq!(meta(doc).fiscal_year, Some(2016));
        // Without a title, comparisons speak for the year after theirs.
        let doc = "情况说明\n本年度收、支总计均为5万元，与2015年度相比增加1万元。截至2017年6月，\n";
        assert_eq!(meta(doc).fiscal_year, Some(2016));
    }

    const DOC: &str = "某县农业农村局 2022 年度部门决算\n目录\n第一部分 部门概况\t3\n一、收入支出决算总表\t4\n二、收入决算表\t5\n第二部分 情况说明\t9\n\n第一部分 部门概况\n一、部门职责\n负责农业。\n第二部分 2022年度部门决算表\n一、收入支出决算总表\n部门:某县农业农村局\t\t单位:万元\n项目\t行次\t金额\t项目\t行次\t金额\n本年收入合计\t1\t10.00\t本年支出合计\t2\t10.00\n二、收入决算表\n本表无数据\n第三部分 2022年度部门决算情况说明\n一、收入支出决算总体情况说明\n2022年度收、支总计均为10万元。与2021年度相比增加1万元。\n";

    #[test]
    fn titles_stand_in_padded_lines_and_beside_a_note() {
        let padded = format!("{}收入支出决算总表{}", " ".repeat(40), " ".repeat(30));
        assert_eq!(
            title_cells(&padded).find_map(|c| classify_title(&c)),
            Some(Table::Overview)
        );
        let beside =
            "注：本表反映部门本年度各项支出情况。                   财政拨款收入支出决算总表";
        assert_eq!(
            title_cells(beside).find_map(|c| classify_title(&c)),
            Some(Table::FiscalOverview)
        );
        // A sentence about a table is no title, gap or not.
        let bold = "          收收入入决决算算表表          ";
        assert_eq!(
            title_cells(bold).find_map(|c| classify_title(&c)),
            Some(Table::Income)
        );
        let note = "注：本表反映部门本年度财政拨款收入支出决算总表的情况。";
        assert_eq!(title_cells(note).find_map(|c| classify_title(&c)), None);
    }

    /// pdfplumber's plain text of table 09 whose header cells are narrow:
    /// its words come out a character a line (`预 决 预 决`), naming no
    /// column, and only the line of figures says a table is there. A title
    /// with neither stays no block.
    #[test]
    fn a_table_whose_header_words_broke_apart_is_kept_by_its_figures() {
        let doc = "某县民政局 2020 年度部门决算\n第二部分 2020 年度部门决算表\n\
                   九、财政拨款“三公”经费支出决算表\n财政拨款“三公”经费支出决算表\n单位：万元\n\
                   因公出国（\n合计 公务用车购置及运行维护费 公务接待费\n境）费\n\
                   预 决 预 决 预 决 预 决\n算 算 算 算 算 算 算 算\n数 数 数 数 数 数 数 数\n\
                   3.28 2.60 0.00 0.00 1.53 1.30 1.75 1.30\n\
                   注：本表反映部门本年度“三公”经费支出预决算情况。\n";
        let t = Text::from_string(doc);
        let tables: Vec<Table> = segment(&t).tables.iter().map(|b| b.table).collect();
        assert_eq!(tables, [Table::ThreePublic]);
        let bare = doc.replace("3.28 2.60 0.00 0.00 1.53 1.30 1.75 1.30\n", "");
        assert!(segment(&Text::from_string(&bare)).tables.is_empty());
    }

    #[test]
    fn segments_a_small_document() {
        let t = Text::from_string(DOC);
        let s = segment(&t);
        assert_eq!(s.toc, Some(1..7));
        assert_eq!(s.meta.fiscal_year, Some(2022));
        assert_eq!(s.meta.report_kind, Some("决算"));
        assert_eq!(s.meta.department.as_deref(), Some("某县农业农村局"));
        assert_eq!(s.meta.region.as_deref(), Some("某县"));
        // The contents entry and the title without a grid are not tables.
        assert_eq!(s.tables.len(), 1);
        assert_eq!(s.tables[0].table, Table::Overview);
        assert_eq!(s.tables[0].title_line, 11);
        assert_eq!(s.tables[0].body, 12..15);
        let parts: Vec<u32> = s
            .headings
            .iter()
            .filter(|h| h.level == HeadingLevel::Part)
            .map(|h| h.number)
            .collect();
        assert_eq!(parts, vec![1, 2, 3]);
    }

    /// Bold drawn twice prints every heading twice (`pdftotext -raw`); with
    /// every line short (a cell per line), the contents must still end where
    /// the body repeats its first entry, not swallow the tables.
    #[test]
    fn a_contents_heading_printed_twice_ends_at_the_body() {
        let mut doc = String::from(
            "某县农业农村局\n目录\n目录\n第一部分 部门概况\n第二部分 部门决算表\n\
             一、收入支出决算总表\n第三部分 情况说明\n第一部分 部门概况\n第一部分 部门概况\n\
             第二部分 部门决算表\n第二部分 部门决算表\n收入支出决算总表\n收入支出决算总表\n\
             单位：万元\n项目 行次 决算数\n",
        );
        for k in 1..=200 {
            doc.push_str(&format!("{k}\n"));
        }
        let s = segment(&Text::from_string(&doc));
        assert_eq!(s.toc, Some(1..7));
        assert_eq!(s.tables.len(), 1, "{:?}", s.tables);
        assert_eq!(s.tables[0].table, Table::Overview);
        // Contents whose first entry the body never repeats end within a
        // contents page's length, not at the first long line.
        let mut doc = String::from("目录\n第一部分 概况\n收入支出决算总表\n");
        doc.extend((1..=150).map(|k| format!("第{k}行\n")));
        doc.push_str("收入支出决算总表\n单位：万元\n项目 行次 决算数\n一、事业收入 1 5.00\n");
        let s = segment(&Text::from_string(&doc));
        assert_eq!(s.tables.len(), 1, "{:?} {:?}", s.toc, s.tables);
    }
}
