//! Key figures of the 情况说明 prose into `facts`.
//!
//! Converters break prose anywhere (mid-word, mid-number, with blank lines in
//! between), and crawlers join a page's paragraphs onto one line, so the
//! prose is read as a stream, not as lines: each line is compacted (the
//! gaps of letter-spaced justified lines and the spaces beside Chinese go),
//! cut at every heading, printed at a line's start or inside it, and the
//! pieces are joined into paragraphs under their part and section, keeping
//! a map back to source lines. A continuation printed above the line it
//! continues is put back first. Each metric is then looked for in its home
//! sections (by the topic of the section's title, whatever its number or
//! wording in a given template), else anywhere in the narrative, else
//! anywhere in the document: an anchor phrase (`收、支总计`), a marker
//! (`均为`, `支出决算为`) and a number with a money unit. A prior-year change
//! is read from the comparison that follows (`与2022年度相比…增加 22.22 万
//! 元，增长 29.58%`, `与上年持平`), only when it compares with a previous
//! year, never with a budget.

use crate::amount::Amount;
use crate::decode::Text;
use crate::model::Fact;
use crate::segment::{HeadingLevel, Segmented, inline_headings, part_heading};
use crate::text::{Enumerator, compact_cjk, fold_ocr_traditional, push_prose, split_enumerator};

/// How to find one metric.
struct Metric {
    key: &'static str,
    anchors: &'static [&'static str],
    /// Text that must not stand right before an anchor (`财政拨款` before
    /// `收、支总计` makes it another metric).
    not_after: &'static [&'static str],
    /// Text that must not follow an anchor (`财政拨款收入支出` is a title).
    not_before: &'static [&'static str],
    /// What may stand between anchor and number, in order of preference; ""
    /// means the number follows the anchor directly.
    markers: &'static [&'static str],
    /// Characters after the anchor within which the marker must start.
    reach: usize,
    /// What the sections it is stated in are about, most usual first (older
    /// templates state the income and expenditure figures in the overview).
    homes: &'static [Topic],
    /// Whether a prior-year change is read for it.
    change: bool,
}

const FUNDS: &[&str] = &[
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
    "政府性基金",
    "国有资本经营",
];
const DIRECT: &[&str] = &["", "均为", "为", "各为", "共计", "合计为", "总额为", "总额"];

/// Defaults of a metric: the value follows its anchor directly.
const PLAIN: Metric = Metric {
    key: "",
    anchors: &[],
    not_after: &[],
    not_before: &[],
    markers: DIRECT,
    reach: 4,
    homes: &[],
    change: false,
};

const METRICS: &[Metric] = &[
    Metric {
        key: "收支总计",
        anchors: &[
            "收、支总计",
            "收支总计",
            "收入支出总计",
            "收、支决算总计",
            "收支决算总计",
            "收入、支出总计",
            // Older templates state the two totals apart: "收入总计…，支出总计…".
            "收入总计",
        ],
        not_after: &["财政拨款"],
        homes: &[Topic::Overview],
        change: true,
        ..PLAIN
    },
    Metric {
        key: "收入合计",
        anchors: &["本年收入合计", "收入合计", "本年收入"],
        not_after: &["财政拨款"],
        homes: &[Topic::Income, Topic::Overview],
        change: true,
        ..PLAIN
    },
    Metric {
        key: "财政拨款收入",
        anchors: &["财政拨款收入"],
        not_after: FUNDS,
        not_before: &["支出", "中"],
        homes: &[Topic::Income, Topic::Overview],
        ..PLAIN
    },
    Metric {
        key: "其他收入",
        anchors: &["其他收入"],
        homes: &[Topic::Income, Topic::Overview],
        ..PLAIN
    },
    Metric {
        key: "支出合计",
        anchors: &["本年支出合计", "支出合计", "本年支出"],
        not_after: &["财政拨款"],
        not_before: &["的"],
        homes: &[Topic::Expenditure, Topic::Overview],
        change: true,
        ..PLAIN
    },
    Metric {
        key: "基本支出",
        anchors: &["基本支出"],
        not_after: &["财政拨款", "本年"],
        homes: &[Topic::Expenditure, Topic::Overview],
        ..PLAIN
    },
    Metric {
        key: "项目支出",
        anchors: &["项目支出"],
        not_after: &["财政拨款", "本年"],
        homes: &[Topic::Expenditure, Topic::Overview],
        ..PLAIN
    },
    Metric {
        key: "财政拨款收支总计",
        anchors: &[
            "财政拨款收、支总计",
            "财政拨款收支总计",
            "财政拨款收入支出总计",
            "财政拨款收入、支出总计",
        ],
        homes: &[Topic::FiscalOverview],
        change: true,
        ..PLAIN
    },
    Metric {
        key: "一般公共预算财政拨款支出",
        anchors: &["一般公共预算财政拨款支出"],
        not_before: &["决算", "年初", "预算"],
        homes: &[Topic::GeneralBudget],
        change: true,
        ..PLAIN
    },
    Metric {
        key: "人员经费",
        // 人员支出 and 公用支出 are older templates' words.
        anchors: &["人员经费", "人员支出"],
        markers: &["", "为", "合计", "共计"],
        homes: &[Topic::GeneralBudgetBasic],
        ..PLAIN
    },
    Metric {
        key: "公用经费",
        anchors: &["日常公用经费", "公用经费", "日常公用支出", "公用支出"],
        markers: &["", "为", "合计", "共计"],
        homes: &[Topic::GeneralBudgetBasic],
        ..PLAIN
    },
    Metric {
        key: "三公经费预算",
        anchors: &["三公\"经费", "三公”经费", "三公经费"],
        markers: &[
            "全年预算为",
            "年初预算为",
            "调整预算为",
            "预算为",
            "预算数为",
            "预算",
        ],
        reach: 16,
        homes: &[Topic::ThreeOutlays],
        ..PLAIN
    },
    Metric {
        key: "三公经费决算",
        anchors: &["三公\"经费", "三公”经费", "三公经费"],
        markers: &[
            "支出决算为",
            "决算为",
            "决算数为",
            "支出决算",
            "决算数",
            "决算",
            "",
            "支出",
        ],
        reach: 40,
        homes: &[Topic::ThreeOutlays],
        change: true,
        ..PLAIN
    },
    Metric {
        key: "因公出国(境)费决算",
        anchors: &["因公出国(境)费", "因公出国费"],
        not_before: &["用"],
        markers: &["支出决算为", "决算为", "支出决算", "决算", "支出"],
        reach: 30,
        homes: &[Topic::ThreeOutlays],
        change: true,
        ..PLAIN
    },
    Metric {
        key: "公务用车购置及运行费决算",
        anchors: &["公务用车购置及运行维护费", "公务用车购置及运行费"],
        markers: &["支出决算为", "决算为", "支出决算", "决算", "支出"],
        reach: 30,
        homes: &[Topic::ThreeOutlays],
        change: true,
        ..PLAIN
    },
    Metric {
        key: "公务接待费决算",
        anchors: &["公务接待费"],
        markers: &["支出决算为", "决算为", "支出决算", "决算", "为", "", "支出"],
        reach: 30,
        homes: &[Topic::ThreeOutlays],
        change: true,
        ..PLAIN
    },
    Metric {
        key: "机关运行经费",
        anchors: &["机关运行经费"],
        markers: &["", "支出", "支出为", "为", "共计"],
        homes: &[Topic::Running],
        change: true,
        ..PLAIN
    },
    Metric {
        key: "政府采购支出总额",
        anchors: &[
            "政府采购支出总额",
            "政府采购支出",
            "政府采购金额",
            "政府采购总额",
        ],
        markers: &["", "为", "共计", "合计"],
        homes: &[Topic::Procurement],
        ..PLAIN
    },
];

/// What a section of the 情况说明 is about, read from its title: the home of
/// a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Topic {
    /// 收入支出决算总体情况
    Overview,
    /// 收入决算情况
    Income,
    /// 支出决算情况
    Expenditure,
    /// 财政拨款收入支出决算总体情况
    FiscalOverview,
    /// 一般公共预算财政拨款支出决算情况
    GeneralBudget,
    /// 一般公共预算财政拨款基本支出决算情况
    GeneralBudgetBasic,
    /// "三公"经费支出决算情况
    ThreeOutlays,
    /// 机关运行经费
    Running,
    /// 政府采购
    Procurement,
}

/// Section titles by meaning; the first entry that matches wins.
struct TopicTitle {
    topic: Topic,
    /// Word sets of which one must appear whole.
    any_of: &'static [&'static [&'static str]],
    /// Words that rule the topic out.
    none_of: &'static [&'static str],
}

/// A template's own wording of a title is one more word set here.
const TOPIC_TITLES: &[TopicTitle] = &[
    TopicTitle {
        topic: Topic::ThreeOutlays,
        any_of: &[&["三公"]],
        none_of: &[],
    },
    TopicTitle {
        topic: Topic::Running,
        any_of: &[&["机关运行经费"]],
        none_of: &[],
    },
    TopicTitle {
        topic: Topic::Procurement,
        any_of: &[&["政府采购"]],
        none_of: &[],
    },
    TopicTitle {
        topic: Topic::GeneralBudgetBasic,
        any_of: &[
            &["基本支出决算"],
            &["一般公共预算", "基本支出"],
            &["财政拨款基本支出"],
        ],
        none_of: &["政府性基金", "国有资本"],
    },
    TopicTitle {
        topic: Topic::GeneralBudget,
        any_of: &[
            &["一般公共预算财政拨款支出"],
            &["一般公共预算支出决算"],
            &["公共财政拨款支出"],
        ],
        none_of: &[],
    },
    TopicTitle {
        topic: Topic::FiscalOverview,
        any_of: &[
            &["财政拨款收入支出决算总体"],
            &["财政拨款收支决算总体"],
            &["财政拨款收支总体"],
            &["财政拨款收入支出总体"],
        ],
        none_of: &["政府性基金", "国有资本"],
    },
    TopicTitle {
        topic: Topic::Overview,
        any_of: &[
            &["收入支出决算总体"],
            &["收支决算总体"],
            &["收支总体"],
            &["收入支出总体"],
            &["收入支出决算情况"],
        ],
        none_of: &["财政拨款"],
    },
    TopicTitle {
        topic: Topic::Income,
        any_of: &[&["收入决算情况"], &["收入情况"], &["收入决算说明"]],
        none_of: &["财政拨款", "支出"],
    },
    TopicTitle {
        topic: Topic::Expenditure,
        any_of: &[&["支出决算情况"], &["支出情况"], &["支出决算说明"]],
        none_of: &["财政拨款", "收入"],
    },
];

/// The topic of a section title, if it is one of the homes.
fn topic_of(title: &str) -> Option<Topic> {
    let t: String = title
        .chars()
        .filter(|c| !matches!(c, '"' | '“' | '”' | '\'' | ' '))
        .collect();
    TOPIC_TITLES
        .iter()
        .find(|e| {
            e.any_of.iter().any(|set| set.iter().all(|w| t.contains(w)))
                && !e.none_of.iter().any(|w| t.contains(w))
        })
        .map(|e| e.topic)
}

/// A paragraph of prose joined from its lines.
struct Paragraph {
    text: String,
    /// (byte offset in `text`, 0-based source line), ascending offsets.
    lines: Vec<(usize, usize)>,
    /// Title of the numbered section it sits under.
    section: String,
    /// Index of that section (to compare sections).
    section_id: usize,
    /// Topics of its section and subsection.
    topics: [Option<Topic>; 2],
    /// Index of the part (第N部分) it sits in; 0 before the first.
    part: usize,
    /// Every anchor of every metric, in text order, found once.
    hits: Vec<Hit>,
}

/// An anchor of a metric in a paragraph, and the value stated after it.
#[derive(Clone, Copy, Debug)]
struct Hit {
    metric: usize,
    start: usize,
    end: usize,
    value: Option<(Amount, usize)>,
    /// The clause speaks of another year ("2022 年度有其他收入 …").
    other_year: bool,
}

/// Every anchor of every metric by its first character, longest first, and a
/// bitmap of those first characters: one pass over a paragraph finds all
/// anchors.
struct AnchorIndex {
    first_chars: Vec<u64>,
    anchors: Vec<(char, usize, &'static str)>,
}

fn anchor_index() -> &'static AnchorIndex {
    static INDEX: std::sync::OnceLock<AnchorIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut anchors: Vec<(char, usize, &'static str)> = Vec::new();
        for (n, m) in METRICS.iter().enumerate() {
            for a in m.anchors {
                anchors.push((a.chars().next().expect("anchors are not empty"), n, a));
            }
        }
        anchors.sort_by(|x, y| {
            x.0.cmp(&y.0)
                .then(y.2.len().cmp(&x.2.len()))
                .then(x.1.cmp(&y.1))
        });
        let mut first_chars = vec![0u64; 0x10000 / 64];
        for (c, _, _) in &anchors {
            let u = *c as usize;
            if u < 0x10000 {
                first_chars[u / 64] |= 1 << (u % 64);
            }
        }
        AnchorIndex {
            first_chars,
            anchors,
        }
    })
}

fn find_hits(text: &str, fiscal_year: Option<i32>) -> Vec<Hit> {
    let index = anchor_index();
    let mut hits: Vec<Hit> = Vec::new();
    for (start, c) in text.char_indices() {
        let u = c as usize;
        if u >= 0x10000 || index.first_chars[u / 64] & (1 << (u % 64)) == 0 {
            continue;
        }
        let from = index.anchors.partition_point(|x| x.0 < c);
        for &(_, n, a) in index.anchors[from..].iter().take_while(|x| x.0 == c) {
            if !text[start..].starts_with(a) {
                continue;
            }
            let m = &METRICS[n];
            let end = start + a.len();
            if m.not_after.iter().any(|w| text[..start].ends_with(w))
                || m.not_before.iter().any(|w| text[end..].starts_with(w))
            {
                continue;
            }
            // A longer anchor of the same metric around it wins ("本年收入合计"
            // over "收入合计").
            if hits
                .iter()
                .rev()
                .take_while(|h| h.end > start)
                .any(|h| h.metric == n && h.start <= start && end <= h.end)
            {
                continue;
            }
            hits.push(Hit {
                metric: n,
                start,
                end,
                value: value_after(m, text, end),
                other_year: about_other_year(text, start, fiscal_year),
            });
        }
    }
    hits
}

impl Paragraph {
    fn line_at(&self, offset: usize) -> usize {
        match self.lines.binary_search_by(|(o, _)| o.cmp(&offset)) {
            Ok(i) => self.lines[i].1,
            Err(0) => self.lines[0].1,
            Err(i) => self.lines[i - 1].1,
        }
    }

    fn in_topic(&self, topic: Topic) -> bool {
        self.topics.contains(&Some(topic))
    }
}

/// Page furniture: page numbers (`13`, `— 8 —`, `- 26 -`, `第 8 页`,
/// `第 8 页 共 20 页`) and chart captions. A page break falls anywhere in a
/// paragraph, so its number must not join the text around it.
fn furniture(t: &str) -> bool {
    let core = t.trim_matches(|c: char| c == '-' || c == '—' || c == '–' || c.is_whitespace());
    page_number(core)
        || (t.starts_with('图')
            && t.chars()
                .nth(1)
                .is_some_and(|c| c.is_ascii_digit() || c == ' '))
        || t.starts_with("■")
}

/// Words that print a page's number around its digits: `第 8 页` (the
/// page) and `共 20 页` (of how many), in either order.
const PAGE_NUMBER_WORDS: &[(char, char)] = &[('第', '页'), ('共', '页')];

/// A page's number as printed: the digits alone, or in the words of
/// [`PAGE_NUMBER_WORDS`] (the page's own among them), spaces aside.
fn page_number(t: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if digits(&compact) {
        return true;
    }
    let mut own = false;
    let mut parts = 0;
    for part in compact.split_inclusive('页') {
        parts += 1;
        let worded = PAGE_NUMBER_WORDS.iter().position(|&(open, close)| {
            part.strip_prefix(open)
                .and_then(|p| p.strip_suffix(close))
                .is_some_and(digits)
        });
        match worded {
            Some(0) => own = true,
            Some(_) => {}
            None => return false,
        }
    }
    own && parts <= PAGE_NUMBER_WORDS.len()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PieceKind {
    Prose,
    Heading(HeadingLevel),
    /// A chart caption: it separates the paragraphs around it.
    Break,
}

/// A stretch of prose in reading order: a line, or the part of a line
/// before, in or after a heading printed inside it.
struct Piece {
    line: usize,
    /// Byte range of its text (compacted) in the stream.
    text: std::ops::Range<usize>,
    kind: PieceKind,
}

/// The document's prose as pieces over one compacted stream: lines outside
/// tables and the table of contents, with the white space converters put
/// inside Chinese text removed, cut at every heading, the headings printed
/// inside lines included (crawler page text, merged renderings).
fn pieces(text: &Text, seg: &Segmented) -> (String, Vec<Piece>) {
    let mut stream = String::new();
    let mut out: Vec<Piece> = Vec::new();
    let mut heads = seg.headings.iter().peekable();
    let mut line_buf = String::new();
    for i in 0..text.len() {
        let mut line_heading = None;
        while let Some(h) = heads.peek() {
            if h.line < i {
                heads.next();
            } else {
                if h.line == i {
                    line_heading = Some(h.level);
                }
                break;
            }
        }
        if seg
            .tables
            .iter()
            .any(|b| b.body.contains(&i) || b.title_line == i)
            || seg.in_toc(i)
        {
            continue;
        }
        let t = text.line(i).trim();
        if t.is_empty() {
            continue;
        }
        if furniture(t) {
            if t.starts_with('图') {
                out.push(Piece {
                    line: i,
                    text: stream.len()..stream.len(),
                    kind: PieceKind::Break,
                });
            }
            continue;
        }
        if t.contains('\t') && t.split('\t').filter(|c| !c.trim().is_empty()).count() > 2 {
            continue;
        }
        line_buf.clear();
        push_prose(&mut line_buf, t);
        let base = stream.len();
        stream.push_str(&fold_ocr_traditional(&line_buf));
        let line = &stream[base..];
        // (start, title end, level) of each heading in the line.
        let mut marks: Vec<(usize, usize, HeadingLevel)> = inline_headings(line)
            .into_iter()
            .map(|h| (h.at, h.title_end, h.level))
            .collect();
        if let Some(level) = line_heading {
            match marks.first_mut() {
                Some(m) if m.0 == 0 => m.2 = level,
                _ => {
                    let end = marks.first().map_or(line.len(), |m| m.0);
                    marks.insert(0, (0, end, level));
                }
            }
        }
        let mut push = |from: usize, to: usize, kind: PieceKind| {
            let s = &stream[base + from..base + to];
            // What follows a title inside a line may open with the title's
            // full stop or colon.
            let s = s.trim_end();
            let trimmed = if from > 0 {
                s.trim_start_matches(['。', ':', ' '])
            } else {
                s.trim_start()
            };
            let lead = s.len() - trimmed.len();
            let s = trimmed;
            if !s.is_empty() {
                let start = base + from + lead;
                out.push(Piece {
                    line: i,
                    text: start..start + s.len(),
                    kind,
                });
            }
        };
        let mut cursor = 0;
        let len = stream.len() - base;
        for (at, title_end, level) in marks {
            push(cursor, at, PieceKind::Prose);
            push(at, title_end, PieceKind::Heading(level));
            cursor = title_end;
        }
        push(cursor, len, PieceKind::Prose);
    }
    (stream, out)
}

/// Puts back a continuation line that a column-aligned rendering printed
/// above the line it continues: a line that opens with a figure although the
/// text before it closed (a heading, a full stop), followed by a line that
/// ends in a metric's label (and marker) waiting for its figure.
fn restore_reading_order(stream: &str, pieces: &mut [Piece]) {
    let mut i = 0;
    while i + 1 < pieces.len() {
        let opens_with_figure = |p: &Piece| {
            p.kind == PieceKind::Prose
                && leading_number(&stream[p.text.clone()])
                    .is_some_and(|(_, used)| money_unit(&stream[p.text.start + used..]).is_some())
        };
        let after_close = i == 0
            || pieces[i - 1].kind != PieceKind::Prose
            || stream[pieces[i - 1].text.clone()].ends_with(['。', ';', '；', '!', '?']);
        if after_close
            && opens_with_figure(&pieces[i])
            && pieces[i + 1].kind == PieceKind::Prose
            && awaits_figure(&stream[pieces[i + 1].text.clone()])
        {
            pieces.swap(i, i + 1);
            i += 2;
        } else {
            i += 1;
        }
    }
}

/// The line ends in a metric's label, or its label and a marker (`均为`,
/// `支出决算为`, `全年预算为`), with no figure after it.
fn awaits_figure(line: &str) -> bool {
    let hits = find_hits(line, None);
    let Some(last) = hits.last().map(|h| h.end) else {
        return false;
    };
    // Metrics sharing the anchor (三公经费预算 and 决算) were found together.
    hits.iter().filter(|h| h.end == last).any(|h| {
        let m = &METRICS[h.metric];
        let rest = &line[h.end..];
        h.value.is_none()
            && (rest.is_empty()
                || rest.chars().count() <= m.reach + 6
                    && (rest.ends_with('为')
                        || m.markers.iter().any(|k| !k.is_empty() && rest.ends_with(k))))
    })
}

/// The paragraphs of the document's prose, each under its part and
/// section. A paragraph ends at a heading, an enumerated item or a chart
/// caption; line breaks and full stops do not end it (converters put both
/// inside wrapped paragraphs). Also returns, per part, whether its title
/// says 情况说明.
fn paragraphs(text: &Text, seg: &Segmented) -> (Vec<Paragraph>, Vec<bool>) {
    let (stream, mut pieces) = pieces(text, seg);
    restore_reading_order(&stream, &mut pieces);
    let mut out: Vec<Paragraph> = Vec::new();
    let mut narrative_parts = vec![false];
    let mut section = String::new();
    let mut section_id = 0usize;
    let mut topics = [None; 2];
    let mut cur: Option<Paragraph> = None;
    let mut prev_closed = true;
    for (k, piece) in pieces.iter().enumerate() {
        let t = &stream[piece.text.clone()];
        let mut is_heading = false;
        match piece.kind {
            PieceKind::Break => {
                prev_closed = true;
                continue;
            }
            PieceKind::Heading(HeadingLevel::Part) => {
                is_heading = true;
                let title = part_heading(t).map_or(t, |(_, r)| r);
                // The title may run onto the next line ("…部门决算\n情况说明").
                let next = pieces.get(k + 1).map_or("", |p| &stream[p.text.clone()]);
                narrative_parts.push(
                    title.contains("情况说明")
                        || next.starts_with("情况说明") && part_heading(next).is_none(),
                );
                section = title.to_string();
                section_id += 1;
                topics = [None; 2];
            }
            PieceKind::Heading(HeadingLevel::Section) => {
                is_heading = true;
                section = split_enumerator(t).1.to_string();
                section_id += 1;
                topics = [topic_of(&section), None];
            }
            PieceKind::Heading(HeadingLevel::Subsection) => {
                is_heading = true;
                topics[1] = topic_of(split_enumerator(t).1);
            }
            PieceKind::Prose => {}
        }
        let (enumerator, _) = split_enumerator(t);
        let starts_item = matches!(
            enumerator,
            Some(
                Enumerator::Arabic(_)
                    | Enumerator::ParenArabic(_)
                    | Enumerator::ParenChinese(_)
                    | Enumerator::Chinese(_)
                    | Enumerator::Circled(_)
            )
        );
        if is_heading || starts_item || prev_closed || cur.is_none() {
            if let Some(p) = cur.take() {
                out.push(p);
            }
            cur = Some(Paragraph {
                text: String::new(),
                lines: Vec::new(),
                section: section.clone(),
                section_id,
                topics,
                part: narrative_parts.len() - 1,
                hits: Vec::new(),
            });
        }
        let p = cur.as_mut().expect("started");
        p.lines.push((p.text.len(), piece.line));
        p.text.push_str(t);
        // Wrapped prose ends lines anywhere, even after a full stop: only a
        // heading closes a paragraph (items and captions open new ones).
        prev_closed = is_heading;
    }
    if let Some(p) = cur.take() {
        out.push(p);
    }
    (out, narrative_parts)
}

/// The paragraphs of the narrative: those of the part titled …情况说明 (the
/// longest if several claim it, as an unrecognised table of contents does);
/// all of them when no part claims it.
fn narrative(pars: Vec<Paragraph>, narrative_parts: &[bool]) -> Vec<Paragraph> {
    let mut size = vec![0usize; narrative_parts.len()];
    for p in &pars {
        size[p.part] += p.text.len();
    }
    let best = (0..narrative_parts.len())
        .filter(|&k| narrative_parts[k])
        .fold(None, |best: Option<usize>, k| match best {
            Some(b) if size[b] >= size[k] => Some(b),
            _ => Some(k),
        });
    match best {
        Some(b) => pars.into_iter().filter(|p| p.part == b).collect(),
        None => pars,
    }
}
/// A number at the start of `s` (after spaces): digits with `,` or `.`
/// separators, OCR spaces allowed right after a separator. Returns the value
/// as printed and the bytes consumed.
fn leading_number(s: &str) -> Option<(Amount, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let start = i;
    if i < b.len() && b[i] == b'-' {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return None;
    }
    let mut end = i;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            i += 1;
            end = i;
        } else if (b[i] == b'.' || b[i] == b',') && i + 1 < b.len() {
            let mut j = i + 1;
            if j < b.len() && b[j] == b' ' {
                j += 1;
            }
            if j < b.len() && b[j].is_ascii_digit() {
                i = j;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    let printed = &s[start..end];
    let p = crate::amount::parse_printed(printed)?;
    Some((p.value, end))
}

/// A money unit after a number: factor to 万元.
fn money_unit(s: &str) -> Option<(Unit, usize)> {
    let t = s.trim_start_matches([' ', ')']);
    let skipped = s.len() - t.len();
    for (u, unit) in [("万元", Unit::Wan), ("亿元", Unit::Yi), ("元", Unit::Yuan)] {
        if t.starts_with(u) {
            return Some((unit, skipped + u.len()));
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Unit {
    Wan,
    Yuan,
    Yi,
}

fn to_wan(v: Amount, u: Unit) -> Amount {
    match u {
        Unit::Wan => v,
        Unit::Yuan => v.scale_down(4),
        Unit::Yi => Amount::from_micros(v.micros() * 10_000),
    }
}

/// Skips spaces, quotes and parenthetical asides: `(以合同签订为准)`.
fn skip_filler(s: &str) -> &str {
    let mut t = s;
    loop {
        let before = t.len();
        t = t.trim_start_matches([' ', '"', '“', '”', '\'']);
        if let Some(rest) = t.strip_prefix('(')
            && let Some(close) = rest.find(')').filter(|&c| c < 80)
        {
            t = &rest[close + 1..];
        }
        if t.len() == before {
            return t;
        }
    }
}

/// Byte offset of the end of the `n`-th character of `s` (or its end).
fn char_end(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map(|(i, _)| i).unwrap_or(s.len())
}

/// The value stated for metric `m` at anchor `at` (byte offset of the anchor
/// end in `text`), with the end of the value.
fn value_after(m: &Metric, text: &str, at: usize) -> Option<(Amount, usize)> {
    let rest = &text[at..];
    let sentence_end = rest.find('。').unwrap_or(rest.len());
    let base = skip_filler(&rest[..sentence_end]);
    let base_at = at + (sentence_end - base.len());
    for marker in m.markers {
        let pos = if marker.is_empty() {
            Some(0)
        } else {
            let reach = char_end(base, m.reach + marker.chars().count());
            base[..reach].find(marker).map(|p| p + marker.len())
        };
        let Some(pos) = pos else { continue };
        let after = skip_filler(&base[pos..]);
        let offset = base_at + base.len() - after.len();
        if let Some((v, used)) = leading_number(after)
            && let Some((unit, ulen)) = money_unit(&after[used..])
        {
            return Some((to_wan(v, unit), offset + used + ulen));
        }
    }
    None
}

/// A statement about another year in the clause before `at`
/// ("2022 年度有其他收入 202.57 万元"): the number is not this year's.
fn about_other_year(text: &str, at: usize, fiscal_year: Option<i32>) -> bool {
    let Some(fy) = fiscal_year else { return false };
    let clause_start = text[..at]
        .rfind(['，', ',', '；', ';', '。', ':', '：'])
        .map(|p| p + text[p..].chars().next().map(char::len_utf8).unwrap_or(1))
        .unwrap_or(0);
    let clause = &text[clause_start..at];
    let b = clause.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        if b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
        {
            let y: i32 = clause[i..i + 4].parse().unwrap_or(0);
            let tail = clause[i + 4..].trim_start();
            if (2000..=2100).contains(&y) && y != fy && tail.starts_with('年') {
                return true;
            }
        }
        i += 1;
    }
    false
}

const UP: &[&str] = &["增加", "增长", "上升", "提高", "上涨"];
const DOWN: &[&str] = &["减少", "下降", "降低", "减"];
/// An unchanged figure, stated without a number: change and percentage 0.
const UNCHANGED: &[&str] = &[
    "持平",
    "无变化",
    "没有变化",
    "未发生变化",
    "未变化",
    "无增减",
    "保持不变",
];

/// A sentence compares with a previous year: 与上年, 较上年, 比2022年度, 同比.
fn prior_year_context(sentence: &str, fiscal_year: Option<i32>) -> bool {
    if ["上年", "上一年", "同比", "去年", "上年度"]
        .iter()
        .any(|w| sentence.contains(w))
    {
        return true;
    }
    let Some(fy) = fiscal_year else { return false };
    for y in [fy - 1, fy - 2] {
        let ys = y.to_string();
        let mut from = 0;
        while let Some(p) = sentence[from..].find(&ys) {
            let at = from + p;
            from = at + ys.len();
            let before = sentence[..at].trim_end();
            let after = sentence[from..].trim_start();
            if (before.ends_with('与')
                || before.ends_with('比')
                || before.ends_with('较')
                || before.ends_with("相比"))
                && after.starts_with('年')
            {
                return true;
            }
        }
    }
    false
}

/// Text naming a fund, not a budget comparison: "一般公共预算财政拨款".
const FUND_NAMES: &[&str] = &["一般公共预算", "政府性基金预算", "国有资本经营预算"];

/// A comparison with a budget (年初预算, 预算数, 完成预算) before a verb.
fn budget_comparison(before_verb: &str) -> bool {
    let mut t = before_verb.to_string();
    for f in FUND_NAMES {
        t = t.replace(f, "");
    }
    let Some(b) = t.rfind("预算") else {
        return false;
    };
    let prior = ["上年", "上一年", "同比", "去年"]
        .iter()
        .filter_map(|w| t.rfind(w))
        .max();
    prior.is_none_or(|m| b > m)
}

/// The prior-year change stated in `text[from..to]` (after a value, or after
/// an anchor of the metric): amount in 万元 (with the unit it was printed in)
/// and percentage, signed. Sentences are read in full, so that a comparison
/// stated before the window ("比 2023 年度减少…，其中：公务接待费减少…")
/// applies within it.
fn change_in(
    text: &str,
    from: usize,
    to: usize,
    fiscal_year: Option<i32>,
) -> (Option<(Amount, Unit)>, Option<Amount>) {
    let mut amount = None;
    let mut pct = None;
    let mut i = from;
    while i < to {
        let rest = &text[i..to];
        let verb = UNCHANGED
            .iter()
            .map(|w| (0i8, *w))
            .chain(UP.iter().map(|w| (1i8, *w)))
            .chain(DOWN.iter().map(|w| (-1i8, *w)))
            .find(|(_, w)| rest.starts_with(w));
        if let Some((sign, word)) = verb {
            let sentence_start = text[..i]
                .rfind('。')
                .map(|p| p + '。'.len_utf8())
                .unwrap_or(0);
            let sentence_end = text[i..].find('。').map(|p| i + p).unwrap_or(text.len());
            let sentence = &text[sentence_start..sentence_end];
            if !budget_comparison(&text[sentence_start..i])
                && prior_year_context(sentence, fiscal_year)
            {
                if sign == 0 {
                    return (Some((Amount::ZERO, Unit::Wan)), Some(Amount::ZERO));
                }
                // Skip repeated verbs and asides: "增加增加", "下降(增长)".
                let mut tail = &rest[word.len()..];
                loop {
                    let t = skip_filler(tail);
                    match UP.iter().chain(DOWN).find(|w| t.starts_with(**w)) {
                        Some(w) => tail = &t[w.len()..],
                        None => {
                            tail = t;
                            break;
                        }
                    }
                }
                let tail = tail.trim_start_matches(['了', '为', ' ']);
                if let Some((v, used)) = leading_number(tail) {
                    let signed = if sign < 0 { -v } else { v };
                    let after = &tail[used..];
                    if after.trim_start().starts_with('%') {
                        pct.get_or_insert(signed);
                    } else if let Some((unit, _)) = money_unit(after) {
                        amount.get_or_insert((to_wan(signed, unit), unit));
                    } else if matches!(word, "增长" | "下降" | "降低" | "上升" | "提高") {
                        // "增长 13.95" with the % sign left out.
                        pct.get_or_insert(signed);
                    } else {
                        amount.get_or_insert((signed, Unit::Wan));
                    }
                }
                if amount.is_some() && pct.is_some() {
                    break;
                }
            }
            i += word.len();
            continue;
        }
        i += rest.chars().next().map(char::len_utf8).unwrap_or(1);
    }
    (amount, pct)
}

/// The end of the stretch after a value (or a mention) that still speaks
/// of it: the next metric named (or the next statement of another metric's
/// value), or two sentences.
fn statement_end(p: &Paragraph, from: usize, metric: usize) -> usize {
    let text = &p.text;
    let mut end = mention_end(p, metric, from);
    let mut sentences = 0;
    for (k, _) in text[from..end].match_indices('。') {
        sentences += 1;
        if sentences == 2 {
            end = from + k;
            break;
        }
    }
    let same_anchors = METRICS[metric].anchors;
    if let Some(h) = p.hits.iter().find(|h| {
        h.start >= from
            && h.start < end
            && h.metric != metric
            && METRICS[h.metric].anchors != same_anchors
            && h.value.is_some()
            && !h.other_year
    }) {
        end = h.start;
    }
    end
}

/// A change stated in 元 inside a 万元 narrative ("增加 22.22 元" beside a
/// 29.58% growth) is a typo when the percentage only fits it read in 万元.
fn fix_unit_typo(value: Amount, change: (Amount, Unit), pct: Option<Amount>) -> Amount {
    let (amount, unit) = change;
    if unit != Unit::Yuan {
        return amount;
    }
    let as_wan = Amount::from_micros(amount.micros() * 10_000);
    let Some(pct) = pct else { return amount };
    let prior = value - as_wan;
    if prior.micros() <= 0 {
        return amount;
    }
    // pct ≈ change / prior × 100, to the printed precision (0.01%, with slack).
    let implied = as_wan.micros() * 100 * 1_000_000 / prior.micros();
    if (implied - pct.micros()).abs() <= 20_000 {
        as_wan
    } else {
        amount
    }
}

/// Facts stated in the document's 情况说明 sections.
pub fn extract(text: &Text, seg: &Segmented) -> Vec<Fact> {
    let fy = seg.meta.fiscal_year;
    let (pars, narrative_parts) = paragraphs(text, seg);
    // Without a 情况说明 part, the figures are read wherever the document
    // states them (self-evaluation reports).
    let mut pars = narrative(pars, &narrative_parts);
    for p in &mut pars {
        p.hits = find_hits(&p.text, fy);
    }
    let mut facts = Vec::new();
    for (n, m) in METRICS.iter().enumerate() {
        if let Some(f) = find_metric(n, m, &pars, fy) {
            facts.push(f);
        }
    }
    facts
}

/// The first statement of metric `n` in its home sections, in their order,
/// else anywhere.
fn find_metric(n: usize, m: &Metric, pars: &[Paragraph], fy: Option<i32>) -> Option<Fact> {
    let rank = |p: &Paragraph| {
        m.homes
            .iter()
            .position(|t| p.in_topic(*t))
            .unwrap_or(m.homes.len())
    };
    for r in 0..=m.homes.len() {
        for p in pars.iter().filter(|p| rank(p) == r) {
            for h in p.hits.iter().filter(|h| h.metric == n && !h.other_year) {
                let s = h.start;
                let Some((value, vend)) = h.value else {
                    continue;
                };
                let (mut change, mut pct) = (None, None);
                if m.change {
                    let end = statement_end(p, vend, n);
                    let (c, pc) = change_in(&p.text, vend, end.max(vend), fy);
                    change = c;
                    pct = pc;
                    if change.is_none() && pct.is_none() {
                        (change, pct) = change_elsewhere(n, pars, p.section_id, fy);
                    }
                }
                let prior_year_change = change.map(|c| fix_unit_typo(value, c, pct));
                return Some(Fact {
                    section: p.section.clone(),
                    metric: m.key,
                    value,
                    prior_year_change,
                    change_pct: pct,
                    sentence: sentence_around(&p.text, s),
                    source_line: p.line_at(vend.saturating_sub(1)) as u32 + 1,
                });
            }
        }
    }
    None
}

/// A change of the metric stated apart from its value, in the same section:
/// "…支出决算数比 2023 年度减少 0.15 万元，下降 27.78%", "公务接待费与上年
/// 持平".
fn change_elsewhere(
    n: usize,
    pars: &[Paragraph],
    section_id: usize,
    fy: Option<i32>,
) -> (Option<(Amount, Unit)>, Option<Amount>) {
    for p in pars.iter().filter(|p| p.section_id == section_id) {
        for h in p.hits.iter().filter(|h| h.metric == n) {
            let e = h.end;
            let end = statement_end(p, e, n);
            let (c, pc) = change_in(&p.text, e, end.max(e), fy);
            if c.is_some() || pc.is_some() {
                return (c, pc);
            }
        }
    }
    (None, None)
}

/// Where the words about metric `n` that follow `from` end: at the next
/// metric named, unless the two are named together ("因公出国(境)费、公务接待
/// 费均与上年持平"), when the statement that follows is about both.
fn mention_end(p: &Paragraph, n: usize, from: usize) -> usize {
    let mut end = from;
    for h in p.hits.iter().filter(|h| h.start >= from) {
        if METRICS[h.metric].anchors == METRICS[n].anchors {
            continue;
        }
        let between = p.text[end..h.start].trim_matches(|c: char| {
            matches!(c, '、' | ',' | '，' | '和' | '及' | '与' | '"' | '“' | '”')
        });
        if !between.is_empty() {
            return h.start;
        }
        end = h.end;
    }
    p.text.len()
}

/// The sentence around byte offset `at`, compacted.
fn sentence_around(text: &str, at: usize) -> String {
    let start = text[..at]
        .rfind('。')
        .map(|p| p + '。'.len_utf8())
        .unwrap_or(0);
    let end = text[at..]
        .find('。')
        .map(|p| at + p + '。'.len_utf8())
        .unwrap_or(text.len());
    compact_cjk(&text[start..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::segment;

    fn facts(doc: &str) -> Vec<(String, String, String, String)> {
        let t = Text::from_string(doc);
        let s = segment(&t);
        extract(&t, &s)
            .into_iter()
            .map(|f| {
                let o = |a: Option<Amount>| a.map(|a| a.to_string()).unwrap_or_default();
                (
                    f.metric.to_string(),
                    f.value.to_string(),
                    o(f.prior_year_change),
                    o(f.change_pct),
                )
            })
            .collect()
    }

    fn get(
        v: &[(String, String, String, String)],
        metric: &str,
    ) -> Option<(String, String, String)> {
        v.iter()
            .find(|f| f.0 == metric)
            .map(|f| (f.1.clone(), f.2.clone(), f.3.clone()))
    }

    const DOC: &str = "某县林业局2021年度部门决算\n第三部分 2021年度部门决算情况说明\n一、收入支出决算总体情况说明\n2021年度收、支总计均为 1,024.5\n\n0 万元。与2020年度相比，收、支总计各减少 30.5 万元，下降\n\n2.89%，主要原因是人员减少。\n二、收入决算情况说明\n2021年度收入合计 1000 万元，与上年持平。其中：财政拨款收入 990 万元；其他收入 10 万元。\n三、支出决算情况说明\n本年支出合计 998.2 万元。其中：基本支出 800 万元；项目支出 198.2 万元。\n五、一般公共预算财政拨款支出决算情况说明\n一般公共预算财政拨款支出 990 万元，比年初预算增加 90 万元，增长 10%。\n七、“三公”经费支出决算情况说明\n“三公”经费财政拨款支出全年预算为 5 万元，支出决算为 4.2 万元。较上年减少 0.8 万元，下降 16%。\n1.因公出国(境)费全年预算为0万元，支出决算为0万元。\n";

    #[test]
    fn reads_wrapped_prose_by_section_meaning() {
        let f = facts(DOC);
        // metric, value, prior-year change, percentage ("" when not stated).
        let expected = [
            // The value was broken across lines mid-number and joined back.
            ("收支总计", "1024.5", "-30.5", "-2.89"),
            ("收入合计", "1000", "0", "0"),
            ("财政拨款收入", "990", "", ""),
            ("其他收入", "10", "", ""),
            ("支出合计", "998.2", "", ""),
            ("基本支出", "800", "", ""),
            // A comparison with the budget is not a prior-year change.
            ("一般公共预算财政拨款支出", "990", "", ""),
            ("三公经费预算", "5", "", ""),
            ("三公经费决算", "4.2", "-0.8", "-16"),
            // A stated zero is a value.
            ("因公出国(境)费决算", "0", "", ""),
        ];
        for (metric, value, change, pct) in expected {
            assert_eq!(
                get(&f, metric),
                Some((value.into(), change.into(), pct.into())),
                "{metric}"
            );
        }
    }

    #[test]
    fn another_years_figure_is_not_this_years() {
        let doc = "第三部分 情况说明\n二、收入决算情况说明\n其他收入降低，2020 年度有其他收入 50.1 万元，2021 年仅为 3 万元。其中：其他收入 3 万元，占本年收入 1%。\n";
        let t = Text::from_string(&format!("2021年度部门决算\n{doc}"));
        let s = segment(&t);
        let f = extract(&t, &s);
        let other = f.iter().find(|f| f.metric == "其他收入").unwrap();
        assert_eq!(other.value.to_string(), "3");
    }

    #[test]
    fn a_change_in_yuan_that_only_fits_as_wan_is_read_as_wan() {
        let doc = "2023年度部门决算\n第三部分 情况说明\n三、支出决算情况说明\n2023年度支出合计 97.34 万元，与 2022 年度相比，支出合计增加 22.22 元，增长 29.58%。\n";
        let f = facts(doc);
        assert_eq!(
            get(&f, "支出合计"),
            Some(("97.34".into(), "22.22".into(), "29.58".into()))
        );
    }
}
