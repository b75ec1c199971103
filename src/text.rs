//! Small text utilities shared by every stage: CJK classes and display width,
//! enumerator stripping, Chinese numerals, label de-noising.

use std::borrow::Cow;

/// CJK ideographs and the CJK/full-width punctuation that sits between them.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31BF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

/// Han ideographs only (no punctuation).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Columns a character occupies in monospaced renderings such as
/// `pdftotext -layout`: East Asian wide and full-width characters take two.
pub fn display_width(c: char) -> usize {
    let u = c as u32;
    if u < 0x1100 {
        return 1;
    }
    let wide = matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
        // Curly quotes are rendered wide by CJK fonts.
        || matches!(u, 0x2018 | 0x2019 | 0x201C | 0x201D | 0x2026 | 0x2014);
    if wide { 2 } else { 1 }
}

/// Characters that white space beside them is not part of: CJK, and the
/// brackets and punctuation printed between Chinese words and numbers.
fn glues(c: char) -> bool {
    is_cjk(c) || "()[]<>:;,.%、\"'“”".contains(c)
}

/// Appends the prose line `s` to `out` without the white space converters
/// put inside Chinese text: runs that touch a CJK character or punctuation
/// go, other runs become one space. A letter-spaced line (justified text
/// printed with a gap between nearly every pair of characters: `收 入 合 计
/// 1 2 . 5 0 万 元`) loses every gap, digits' included, so its words and
/// numbers read as printed.
pub fn push_prose(out: &mut String, s: &str) {
    let s = s.trim();
    let letter_spaced = letter_spaced(s);
    let mut prev: Option<char> = None;
    let mut gap = false;
    for c in s.chars() {
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        if gap && !letter_spaced && !(prev.is_some_and(glues) || glues(c)) {
            out.push(' ');
        }
        gap = false;
        out.push(c);
        prev = Some(c);
    }
}

/// A line printed with a gap between nearly every pair of characters
/// (justified text, spaced titles: `上 海 市 普 陀 区`).
pub fn letter_spaced(s: &str) -> bool {
    let (mut marks, mut gaps, mut in_gap) = (0usize, 0usize, true);
    for c in s.trim().chars() {
        if c.is_whitespace() {
            gaps += usize::from(!in_gap);
            in_gap = true;
        } else {
            marks += 1;
            in_gap = false;
        }
    }
    marks >= 6 && gaps * 10 >= (marks - 1) * 7
}

/// Removes white space that touches a CJK character ("因公出国 (境)费" →
/// "因公出国(境)费", "2023 年度" → "2023年度"); keeps it between Latin words.
pub fn compact_cjk(s: &str) -> Cow<'_, str> {
    let s = s.trim();
    if !s.chars().any(char::is_whitespace) {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let prev = out.chars().last();
            let next = chars.get(j).copied();
            if !(prev.is_some_and(glues) || next.is_some_and(glues)) {
                out.push(' ');
            }
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// Removes every white-space character.
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Value of a Chinese numeral from 一 to 九十九 (also 〇 and 两).
pub fn chinese_number(s: &str) -> Option<u32> {
    fn digit(c: char) -> Option<u32> {
        Some(match c {
            '〇' | '零' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    }
    // At most three characters: no allocation.
    let mut buf = ['\0'; 3];
    let mut n = 0;
    for c in s.chars() {
        if n == 3 {
            return None;
        }
        buf[n] = c;
        n += 1;
    }
    match &buf[..n] {
        [] => None,
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        _ => None,
    }
}

/// An enumerator at the start of a label: `一、`, `(一)`, `1.`, `1、`, `(1)`, `①`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enumerator {
    /// 一、 二、 … (section level 1 in the narrative; table row enumerator)
    Chinese(u32),
    /// (一) (二) …
    ParenChinese(u32),
    /// 1. 1、 1．
    Arabic(u32),
    /// (1) 1)
    ParenArabic(u32),
    /// ① ②
    Circled(u32),
    /// An OCR-damaged enumerator such as `- 、` or `、` alone.
    Damaged,
}

/// Splits a leading enumerator off a (normalised) label. Returns the
/// enumerator and the rest with surrounding white space trimmed.
pub fn split_enumerator(s: &str) -> (Option<Enumerator>, &str) {
    let t = s.trim_start();
    // Most lines start with none of the characters an enumerator starts with.
    let can_start = |c: char| {
        c.is_ascii_digit()
            || matches!(
                c,
                '(' | '-'
                    | '_'
                    | '.'
                    | '·'
                    | '—'
                    | '、'
                    | '〇'
                    | '零'
                    | '两'
                    | '十'
                    | '一'
                    | '二'
                    | '三'
                    | '四'
                    | '五'
                    | '六'
                    | '七'
                    | '八'
                    | '九'
            )
            || ('\u{2460}'..='\u{2473}').contains(&c)
    };
    if !t.chars().next().is_some_and(can_start) {
        return (None, t);
    }
    // Markdown list marks in OCR output: "- 1. …", "* …".
    let t = t
        .strip_prefix("- ")
        .map(str::trim_start)
        .filter(|r| !r.is_empty())
        .unwrap_or(t);
    let bytes_end = |n: usize| &t[n..];
    // The first eight characters, without a heap allocation: this runs on
    // many lines of every document.
    let mut buf = [(0usize, '\0'); 8];
    let mut len = 0;
    for (k, ic) in t.char_indices().take(8).enumerate() {
        buf[k] = ic;
        len = k + 1;
    }
    let chars = &buf[..len];
    if chars.is_empty() {
        return (None, t);
    }
    // (一) / (1)
    if chars[0].1 == '(' {
        if let Some(&(close, _)) = chars.iter().find(|(_, c)| *c == ')') {
            let inner = &t[1..close];
            let rest = bytes_end(close + 1).trim_start();
            let rest = rest.strip_prefix('、').unwrap_or(rest).trim_start();
            if let Some(n) = chinese_number(inner.trim()) {
                return (Some(Enumerator::ParenChinese(n)), rest);
            }
            if let Ok(n) = inner.trim().parse::<u32>() {
                return (Some(Enumerator::ParenArabic(n)), rest);
            }
        }
        return (None, t);
    }
    // ① …
    let c0 = chars[0].1 as u32;
    if (0x2460..=0x2473).contains(&c0) {
        return (
            Some(Enumerator::Circled(c0 - 0x2460 + 1)),
            bytes_end(chars[0].1.len_utf8()).trim_start(),
        );
    }
    // 一、 / 十二、
    let mut k = 0;
    while k < chars.len() && chinese_number(&chars[k].1.to_string()).is_some()
        || (k < chars.len() && chars[k].1 == '十')
    {
        k += 1;
    }
    if k > 0 && k < chars.len() && matches!(chars[k].1, '、' | ',' | '.' | ':') {
        let num: String = chars[..k].iter().map(|(_, c)| *c).collect();
        if let Some(n) = chinese_number(&num) {
            return (
                Some(Enumerator::Chinese(n)),
                bytes_end(chars[k].0 + chars[k].1.len_utf8()).trim_start(),
            );
        }
    }
    // 1、 1. 1) 12、
    let mut k = 0;
    while k < chars.len() && chars[k].1.is_ascii_digit() {
        k += 1;
    }
    if k > 0 && k <= 3 && k < chars.len() {
        let sep = chars[k].1;
        let num: u32 = t[..chars[k].0].parse().unwrap_or(0);
        let after = bytes_end(chars[k].0 + sep.len_utf8());
        match sep {
            '、' => return (Some(Enumerator::Arabic(num)), after.trim_start()),
            // "1." but not "1.5": the dot must not be followed by a digit.
            '.' if !after.starts_with(|c: char| c.is_ascii_digit()) => {
                return (Some(Enumerator::Arabic(num)), after.trim_start());
            }
            ')' => return (Some(Enumerator::ParenArabic(num)), after.trim_start()),
            _ => {}
        }
    }
    // OCR debris standing for an enumerator: "- 、", "-、", "、", ". "
    let stripped = t.trim_start_matches(['-', '_', '.', '·', ' ', '—']);
    if let Some(rest) = stripped.strip_prefix('、') {
        return (Some(Enumerator::Damaged), rest.trim_start());
    }
    (None, t)
}

/// Strips inline HTML/markdown debris left by OCR and converters: `<u>`,
/// `</i>`, `<input …/>`, `**`. Returns the input unchanged when there is none.
pub fn strip_markup(s: &str) -> Cow<'_, str> {
    if !s.contains('<') && !s.contains("**") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('<') {
        out.push_str(&rest[..p]);
        let after = &rest[p..];
        // A tag is `<` + optional `/` + ASCII letter … `>` on the same line.
        let is_tag = after[1..]
            .trim_start_matches('/')
            .starts_with(|c: char| c.is_ascii_alphabetic());
        match (is_tag, after.find('>')) {
            (true, Some(end)) if end < 200 => rest = &after[end + 1..],
            _ => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    if out.contains("**") {
        out = out.replace("**", "");
    }
    Cow::Owned(out)
}

/// Edit distance on characters, capped: returns `cap + 1` once exceeded.
///
/// Kept by hand rather than `strsim::levenshtein` (already in the build via
/// clap): measured on 320 pairs of printed and canonical labels (OCR variants
/// against the side vocabularies), cap 2, release build, the same distances,
/// 50 ns per pair here against 190-210 ns for strsim 0.11.1, which allocates
/// and cannot stop at the cap. It runs for every candidate of every fuzzy
/// label match.
pub fn edit_distance(a: &str, b: &str, cap: usize) -> usize {
    // Labels are short: their characters and the rows of the programme live
    // on the stack (this runs for every candidate of every fuzzy label match);
    // longer texts take the heap.
    const MAX: usize = 48;
    let (mut ab, mut bb) = (['\0'; MAX], ['\0'; MAX]);
    let (Some(na), Some(nb)) = (fill(&mut ab, a), fill(&mut bb, b)) else {
        return edit_distance_long(a, b, cap);
    };
    let (mut prev, mut cur) = ([0usize; MAX + 1], [0usize; MAX + 1]);
    levenshtein(&ab[..na], &bb[..nb], cap, &mut prev, &mut cur)
}

/// The characters of `s` into `buf`; `None` when they do not fit.
fn fill(buf: &mut [char], s: &str) -> Option<usize> {
    let mut n = 0;
    for c in s.chars() {
        *buf.get_mut(n)? = c;
        n += 1;
    }
    Some(n)
}

fn edit_distance_long(a: &str, b: &str, cap: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (mut prev, mut cur) = (vec![0; b.len() + 1], vec![0; b.len() + 1]);
    levenshtein(&a, &b, cap, &mut prev, &mut cur)
}

/// Edit distance capped at `cap + 1`, over two rows of at least `b.len() + 1`.
fn levenshtein(a: &[char], b: &[char], cap: usize, prev: &mut [usize], cur: &mut [usize]) -> usize {
    if a.len().abs_diff(b.len()) > cap {
        return cap + 1;
    }
    let (mut prev, mut cur) = (prev, cur);
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            row_min = row_min.min(cur[j]);
        }
        if row_min > cap {
            return cap + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()].min(cap + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerators() {
        assert_eq!(
            split_enumerator("一、一般公共预算财政拨款收入"),
            (Some(Enumerator::Chinese(1)), "一般公共预算财政拨款收入")
        );
        assert_eq!(
            split_enumerator("二十一、国有资本经营预算支出").0,
            Some(Enumerator::Chinese(21))
        );
        assert_eq!(
            split_enumerator("(三) 项目支出"),
            (Some(Enumerator::ParenChinese(3)), "项目支出")
        );
        assert_eq!(
            split_enumerator("5、事业收入"),
            (Some(Enumerator::Arabic(5)), "事业收入")
        );
        assert_eq!(
            split_enumerator("- 、一般公共预算"),
            (Some(Enumerator::Damaged), "一般公共预算")
        );
        assert_eq!(
            split_enumerator("、国有资本经营预算财政拨款").1,
            "国有资本经营预算财政拨款"
        );
        assert_eq!(split_enumerator("- 1. 加大政策扶持").1, "加大政策扶持");
        assert_eq!(split_enumerator("1.5万元").0, None);
        assert_eq!(split_enumerator("合计"), (None, "合计"));
        assert_eq!(
            split_enumerator("①数量"),
            (Some(Enumerator::Circled(1)), "数量")
        );
    }

    #[test]
    fn compaction_and_markup() {
        assert_eq!(compact_cjk(" 因公出国 (境)费 "), "因公出国(境)费");
        assert_eq!(compact_cjk("2023 年度 部门决算"), "2023年度部门决算");
        assert_eq!(compact_cjk("PDF to text"), "PDF to text");
        assert_eq!(
            strip_markup("人员经费 <u>1527.57</u> 万元"),
            "人员经费 1527.57 万元"
        );
        assert_eq!(strip_markup("a < b"), "a < b");
        assert_eq!(
            strip_markup("1、部门预算项目 <input checked=\"\" type=\"checkbox\"/> 2、"),
            "1、部门预算项目  2、"
        );
    }

    #[test]
    fn prose_loses_the_gaps_converters_put_in_it() {
        let prose = |s: &str| {
            let mut out = String::new();
            push_prose(&mut out, s);
            out
        };
        assert_eq!(
            prose("收 入 合 计 1 2 3 . 4 5 万 元 ，"),
            "收入合计123.45万元,".replace(',', "，")
        );
        assert_eq!(
            prose(" 2023 年度收入合计 97.34 万元 "),
            "2023年度收入合计97.34万元"
        );
        // Not letter-spaced: a gap between two numbers or Latin words stays.
        assert_eq!(prose("编制 21 55 人"), "编制21 55人");
        assert_eq!(prose("PDF to text"), "PDF to text");
    }

    #[test]
    fn widths_and_numbers() {
        assert_eq!(display_width('合'), 2);
        assert_eq!(display_width('a'), 1);
        assert_eq!(display_width('（'), 2);
        assert_eq!(chinese_number("二十三"), Some(23));
        assert_eq!(chinese_number("十"), Some(10));
        assert_eq!(chinese_number("十四"), Some(14));
        assert_eq!(edit_distance("行歌运行", "行政运行", 2), 1);
        assert_eq!(edit_distance("숨计", "合计", 2), 1);
        // Labels past the stack buffer take the general path, with the same answers.
        let long_a = "机关事业单位基本养老保险缴费支出".repeat(4);
        let long_b = long_a.replacen("养老", "养咾", 1);
        assert_eq!(edit_distance(&long_a, &long_b, 3), 1);
        assert_eq!(
            edit_distance(&long_a, &long_b, 3),
            edit_distance_long(&long_a, &long_b, 3)
        );
        assert_eq!(edit_distance("一般公共预算财政拨款收入", "", 2), 3);
        assert_eq!(edit_distance("", "", 0), 0);
    }
}

/// The simplified form of a traditional character that OCR engines trained on
/// both scripts put into simplified disclosures (`財政拨款`, `合計`); only
/// characters whose simplified form is unambiguous. Both forms are three bytes
/// in UTF-8.
fn ocr_simplified(c: char) -> Option<char> {
    Some(match c {
        '財' => '财',
        '費' => '费',
        '計' => '计',
        '撥' => '拨',
        '預' => '预',
        '決' => '决',
        '結' => '结',
        '轉' => '转',
        '餘' => '余',
        '資' => '资',
        '額' => '额',
        '務' => '务',
        '經' => '经',
        '項' => '项',
        '萬' => '万',
        '較' => '较',
        '減' => '减',
        '長' => '长',
        '總' => '总',
        '會' => '会',
        '單' => '单',
        '運' => '运',
        '購' => '购',
        '採' => '采',
        _ => return None,
    })
}

/// `s` with OCR's traditional forms folded to simplified (byte offsets kept);
/// borrowed when there is nothing to fold.
pub fn fold_ocr_traditional(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| ocr_simplified(c).is_some()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| ocr_simplified(c).unwrap_or(c)).collect())
}

#[cfg(test)]
mod ocr_traditional_tests {
    use super::*;

    #[test]
    fn folds_ocr_traditional_forms_keeping_offsets() {
        let s = "其中：財政拨款收入12.00万元，本年收入合計";
        let f = fold_ocr_traditional(s);
        assert_eq!(f, "其中：财政拨款收入12.00万元，本年收入合计");
        assert_eq!(f.len(), s.len());
        assert!(matches!(fold_ocr_traditional("财政拨款"), Cow::Borrowed(_)));
    }
}
