//! Stage 1, decode: raw bytes → normalised text.
//!
//! Order of decisions: refuse what is plainly not text (magic numbers, NUL
//! bytes, control characters); honour a byte-order mark; accept valid UTF-8;
//! otherwise choose among the legacy encodings seen in Chinese archives
//! (GB18030/GBK, Big5) by decoding a sample with each and scoring how much of
//! it is common Chinese, with chardetng's guess as one more candidate. A
//! decision made on weak evidence is reported as `confident = false` so the
//! document is flagged, not rejected.
//!
//! The text is then split into lines (CRLF and CR become LF) and every line is
//! NFKC-normalised, with a fast path for lines already in NFKC. Both forms are
//! kept: the raw line for column positions (`pdftotext -layout` aligns by the
//! width of the original characters) and `raw` cells, the normalised line for
//! everything else.

use std::ops::Range;

use encoding_rs::{BIG5, Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};
use thiserror::Error;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Why a file could not be decoded into usable text. The messages are shown to
/// users in `documents.error`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DecodeError {
    #[error("empty file (0 bytes)")]
    Empty,
    #[error("binary file ({0}), not a text rendering of a disclosure")]
    Binary(&'static str),
    #[error("file holds no text (only white space or control characters)")]
    NoText,
}

/// A decoded document: its text before and after normalisation, line by line.
#[derive(Debug)]
pub struct Text {
    raw: String,
    norm: String,
    lines: Vec<LineSpans>,
    /// WHATWG label of the detected encoding (`UTF-8`, `gb18030`, `Big5`, …).
    pub encoding: &'static str,
    /// False when the encoding was chosen on weak evidence or bytes had to be
    /// replaced; the text is still usable.
    pub confident: bool,
    /// Number of byte sequences that could not be decoded and were replaced.
    pub replaced: usize,
}

#[derive(Debug, Clone)]
struct LineSpans {
    raw: Range<usize>,
    norm: Range<usize>,
}

impl Text {
    /// Number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The normalised line at 0-based index `i`.
    pub fn line(&self, i: usize) -> &str {
        &self.norm[self.lines[i].norm.clone()]
    }

    /// The line at 0-based index `i` as decoded, before NFKC.
    pub fn raw_line(&self, i: usize) -> &str {
        &self.raw[self.lines[i].raw.clone()]
    }

    /// All normalised lines.
    pub fn lines(&self) -> impl Iterator<Item = &str> + '_ {
        self.lines.iter().map(|l| &self.norm[l.norm.clone()])
    }

    /// The whole normalised text (lines joined by `\n`).
    pub fn normalized(&self) -> &str {
        &self.norm
    }

    /// Builds a `Text` from an already-decoded string (tests, generated input).
    pub fn from_string(s: &str) -> Text {
        build(s, "UTF-8", true, 0)
    }
}

/// Decodes raw file bytes.
pub fn decode(bytes: &[u8]) -> Result<Text, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some(kind) = sniff_binary(bytes) {
        return Err(DecodeError::Binary(kind));
    }
    // Byte-order marks decide outright.
    for (bom, enc) in [
        (&b"\xEF\xBB\xBF"[..], UTF_8),
        (&b"\xFF\xFE"[..], UTF_16LE),
        (&b"\xFE\xFF"[..], UTF_16BE),
    ] {
        if let Some(body) = bytes.strip_prefix(bom) {
            let (s, had_errors) = enc.decode_without_bom_handling(body);
            let replaced = if had_errors {
                count_replacements(&s)
            } else {
                0
            };
            return finish(&s, enc, replaced == 0, replaced);
        }
    }
    if let Some(enc) = sniff_bomless_utf16(bytes) {
        let (s, _) = enc.decode_without_bom_handling(bytes);
        let replaced = count_replacements(&s);
        return finish(&s, enc, false, replaced);
    }
    if bytes.contains(&0) {
        return Err(DecodeError::Binary("NUL bytes"));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => return finish(s, UTF_8, true, 0),
        Err(e) => {
            // Valid UTF-8 cut short inside the last character (a truncated
            // download), or nearly all valid: UTF-8 with replacements.
            let invalid = count_invalid_utf8(bytes);
            if e.error_len().is_none() || invalid * 1000 < bytes.len() {
                let s = String::from_utf8_lossy(bytes);
                return finish(&s, UTF_8, false, invalid.max(1));
            }
        }
    }
    let (enc, confident) = choose_legacy(bytes);
    let (s, had_errors) = enc.decode_without_bom_handling(bytes);
    let replaced = if had_errors {
        count_replacements(&s)
    } else {
        0
    };
    finish(
        &s,
        enc,
        confident && replaced * 1000 <= bytes.len(),
        replaced,
    )
}

fn finish(
    s: &str,
    enc: &'static Encoding,
    confident: bool,
    replaced: usize,
) -> Result<Text, DecodeError> {
    let label = if enc == GB18030 || enc.name() == "GBK" {
        "gb18030"
    } else {
        enc.name()
    };
    let text = build(s, label, confident, replaced);
    let meaningful = text
        .norm
        .chars()
        .any(|c| !c.is_whitespace() && !c.is_control() && c != '\u{FFFD}');
    if !meaningful {
        return Err(DecodeError::NoText);
    }
    // Mostly control characters: binary that happened to decode. The head of
    // the file tells.
    let (mut controls, mut seen) = (0usize, 0usize);
    for c in s.chars().take(8192) {
        seen += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c') {
            controls += 1;
        }
    }
    if controls * 20 > seen {
        return Err(DecodeError::Binary("control characters"));
    }
    Ok(text)
}

/// Splits into lines and normalises each one.
fn build(s: &str, encoding: &'static str, confident: bool, replaced: usize) -> Text {
    let s = s.strip_prefix('\u{FEFF}').unwrap_or(s);
    let mut raw = String::with_capacity(s.len());
    let mut norm = String::with_capacity(s.len() + s.len() / 8);
    let mut lines = Vec::with_capacity(s.len() / 40 + 1);
    let mut push_line = |line: &str, raw: &mut String, norm: &mut String| {
        let r0 = raw.len();
        raw.push_str(line);
        let r1 = raw.len();
        let n0 = norm.len();
        normalize_into(line, norm);
        let n1 = norm.len();
        lines.push(LineSpans {
            raw: r0..r1,
            norm: n0..n1,
        });
        raw.push('\n');
        norm.push('\n');
    };
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(k) = bytes[start..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
    {
        let i = start + k;
        push_line(&s[start..i], &mut raw, &mut norm);
        start = i + if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
    }
    if start < bytes.len() {
        push_line(&s[start..], &mut raw, &mut norm);
    }
    Text {
        raw,
        norm,
        lines,
        encoding,
        confident,
        replaced,
    }
}

/// NFKC plus removal of zero-width characters and inline markup debris.
pub(crate) fn normalize_into(line: &str, out: &mut String) {
    let has_markup = line.contains('<') || (line.contains('*') && line.contains("**"));
    let start = out.len();
    if !has_markup && fast_nfkc(line, out) {
        return;
    }
    out.truncate(start);
    let mut tmp = String::with_capacity(line.len());
    if is_nfkc_quick(line.chars()) != IsNormalized::Yes {
        tmp.extend(line.nfkc());
    } else {
        tmp.push_str(line);
    }
    tmp.retain(|c| !zero_width(c));
    if has_markup || tmp.contains('<') {
        out.push_str(&crate::text::strip_markup(&tmp));
    } else {
        out.push_str(&tmp);
    }
}

fn zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{2060}'
    )
}

/// NFKC for the lines of ordinary Chinese text: stable characters are copied,
/// full-width ASCII forms, ideographic and no-break spaces and the ellipsis are
/// mapped directly (their NFKC images), zero-width characters dropped. Returns
/// false, leaving partial output, at the first character that needs the full
/// algorithm (combining marks, other compatibility characters).
fn fast_nfkc(line: &str, out: &mut String) -> bool {
    if line.is_ascii() {
        out.push_str(line);
        return true;
    }
    // Copy runs of stable characters whole; map the others one by one.
    let mut copied = 0;
    for (i, c) in line.char_indices() {
        if nfkc_stable(c) {
            continue;
        }
        out.push_str(&line[copied..i]);
        copied = i + c.len_utf8();
        match c as u32 {
            // Full-width ASCII: NFKC maps U+FF01..U+FF5E to U+0021..U+007E.
            u @ 0xFF01..=0xFF5E => out.push(char::from_u32(u - 0xFEE0).expect("ASCII")),
            0x3000 | 0x00A0 | 0x2002..=0x200A => out.push(' '),
            0x2026 => out.push_str("..."),
            _ if zero_width(c) => {}
            _ => return false,
        }
    }
    out.push_str(&line[copied..]);
    true
}

/// Characters that NFKC leaves alone and that are not zero-width: ASCII, the
/// unified ideographs and the CJK punctuation of running text. Checking these
/// by range spares the normalisation tables for almost every line.
fn nfkc_stable(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x7F | 0x4E00..=0x9FFF | 0x3001..=0x3002 | 0x3008..=0x3011 | 0x2018..=0x2019 | 0x201C..=0x201D | 0x2014 | 0x00A5 | 0x00B1 | 0x00B7 | 0x00D7 | 0x00F7 | 0x2190..=0x21FF | 0x2264..=0x2265 | 0x2500..=0x25FF)
}

fn sniff_binary(b: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF"),
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"PK\x03\x04", "ZIP archive or Office document"),
        (b"\x7FELF", "ELF executable"),
        (b"\xD0\xCF\x11\xE0", "legacy Office document"),
        (b"Rar!", "RAR archive"),
        (b"\x1F\x8B", "gzip archive"),
        (b"7z\xBC\xAF", "7z archive"),
        (b"BM", "BMP image"),
        (b"II*\x00", "TIFF image"),
        (b"MM\x00*", "TIFF image"),
        (b"{\\rtf", "RTF document"),
    ];
    for (m, kind) in MAGIC {
        if b.starts_with(m) {
            // "BM" is also the start of ordinary text; require a NUL nearby.
            if *m == b"BM" && !b.iter().take(64).any(|&x| x == 0) {
                continue;
            }
            return Some(kind);
        }
    }
    None
}

/// UTF-16 without a byte-order mark: NUL bytes almost all at one parity.
fn sniff_bomless_utf16(b: &[u8]) -> Option<&'static Encoding> {
    let sample = &b[..b.len().min(8192) & !1];
    if sample.len() < 16 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &x) in sample.iter().enumerate() {
        if x == 0 {
            if i % 2 == 0 { even += 1 } else { odd += 1 }
        }
    }
    let pairs = sample.len() / 2;
    // ASCII in UTF-16 leaves one zero byte per character; Chinese text still has
    // newlines, digits and tabs.
    if odd * 10 >= pairs && even * 50 <= odd {
        Some(UTF_16LE)
    } else if even * 10 >= pairs && odd * 50 <= even {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn count_replacements(s: &str) -> usize {
    s.chars().filter(|&c| c == '\u{FFFD}').count()
}

fn count_invalid_utf8(mut b: &[u8]) -> usize {
    let mut n = 0;
    loop {
        match std::str::from_utf8(b) {
            Ok(_) => return n,
            Err(e) => {
                n += 1;
                let skip = e.valid_up_to() + e.error_len().unwrap_or(b.len() - e.valid_up_to());
                if skip >= b.len() {
                    return n;
                }
                b = &b[skip..];
            }
        }
    }
}

/// Characters frequent in disclosures, in simplified and traditional forms.
/// A correct decoding of a disclosure is dense in them; a wrong one is not.
const COMMON: &str = "的年度部门门决決算预預支出收入财財政经經费費万萬元项項目合计計本一二三公共务務人中国國单單位情况況说說明表其他基社会會保障就业業般是和在有为為对對等用工作年初结結转轉余餘资資金额額";

fn common_sorted() -> &'static [char] {
    static SORTED: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    SORTED.get_or_init(|| {
        let mut v: Vec<char> = COMMON.chars().collect();
        v.sort_unstable();
        v.dedup();
        v
    })
}

fn common_score(s: &str) -> (usize, usize) {
    let mut hits = 0;
    let mut han = 0;
    for c in s.chars() {
        if crate::text::is_han(c) {
            han += 1;
            if common_sorted().binary_search(&c).is_ok() {
                hits += 1;
            }
        }
    }
    (hits, han)
}

/// The legacy encoding when a short sample leaves no doubt: it decodes cleanly
/// (a replacement at the cut end aside) and dense in common characters, and the
/// other candidate does not come close. Saves running chardetng over the
/// sample, which costs more than the rest of decoding.
fn clear_legacy(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(16 * 1024)];
    let cut = usize::from(sample.len() < bytes.len());
    let mut scored = [GB18030, BIG5].map(|enc| {
        let (s, _) = enc.decode_without_bom_handling(sample);
        let errors = count_replacements(&s);
        let (hits, han) = common_score(&s);
        (enc, errors, hits, han)
    });
    scored.sort_by_key(|&(_, errors, hits, _)| {
        std::cmp::Reverse(hits as i64 * 4 - errors as i64 * 20)
    });
    let [(enc, errors, hits, han), (_, other_errors, other_hits, _)] = scored;
    let clean = errors <= cut;
    let dense = han >= 50 && hits * 4 >= han;
    let distinct = other_errors > errors + 2 || other_hits * 2 < hits;
    (clean && dense && distinct).then_some(enc)
}

/// Picks the legacy encoding: the candidate whose decoding of a sample is
/// densest in common characters, penalising malformed sequences.
fn choose_legacy(bytes: &[u8]) -> (&'static Encoding, bool) {
    if let Some(clear) = clear_legacy(bytes) {
        return (clear, true);
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let mut det = chardetng::EncodingDetector::new();
    det.feed(sample, sample.len() == bytes.len());
    let (guess, guess_sure) = det.guess_assess(None, false);
    let mut candidates = vec![GB18030, BIG5];
    if !candidates.contains(&guess) && guess.name() != "GBK" {
        candidates.push(guess);
    }
    let mut best: Option<(i64, &'static Encoding, usize, usize)> = None;
    for enc in candidates {
        let (s, _) = enc.decode_without_bom_handling(sample);
        let errors = count_replacements(&s);
        let (hits, han) = common_score(&s);
        let score = hits as i64 * 4 - errors as i64 * 20
            + i64::from(enc == guess || (enc == GB18030 && guess.name() == "GBK")) * 2;
        if best.is_none_or(|(b, ..)| score > b) {
            best = Some((score, enc, hits, han));
        }
    }
    let (_, enc, hits, han) = best.expect("at least one candidate");
    // Confident when a tenth of the Han characters are common ones (real
    // disclosures sit well above a third) or chardetng agrees on a clear winner.
    let dense = han >= 20 && hits * 10 >= han;
    let agrees = guess_sure && (enc == guess || (enc == GB18030 && guess.name() == "GBK"));
    (enc, dense || (agrees && han >= 20))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "2023年度部门决算\n一、收入支出决算总表\t单位：万元\r\n合计\t９７．３４\r（一）基本支出　项目支出\n";

    #[test]
    fn utf8_and_line_endings() {
        let t = decode(SAMPLE.as_bytes()).unwrap();
        assert_eq!(t.encoding, "UTF-8");
        assert!(t.confident);
        assert_eq!(t.len(), 4);
        assert_eq!(t.line(1), "一、收入支出决算总表\t单位:万元");
        assert_eq!(t.line(2), "合计\t97.34");
        assert_eq!(t.raw_line(2), "合计\t９７．３４");
        assert_eq!(t.line(3), "(一)基本支出 项目支出");
    }

    #[test]
    fn every_supported_encoding_gives_the_same_text() {
        let base = decode(SAMPLE.as_bytes()).unwrap();
        let mut variants: Vec<(Vec<u8>, &str)> = Vec::new();
        let mut bom8 = b"\xEF\xBB\xBF".to_vec();
        bom8.extend_from_slice(SAMPLE.as_bytes());
        variants.push((bom8, "UTF-8"));
        let (gb, _, _) = GB18030.encode(SAMPLE);
        variants.push((gb.into_owned(), "gb18030"));
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in SAMPLE.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        variants.push((le, "UTF-16LE"));
        variants.push((be, "UTF-16BE"));
        for (bytes, label) in variants {
            let t = decode(&bytes).unwrap();
            assert_eq!(t.encoding, label);
            assert_eq!(t.normalized(), base.normalized(), "{label}");
        }
    }

    #[test]
    fn big5_is_told_from_gbk() {
        let trad = "二〇二三年度部門決算\n收入支出決算總表\n一般公共預算財政撥款收入\t92.17\n其他收入\t5.17\n本年收入合計\t97.34\n單位：萬元\n";
        let (b5, _, _) = BIG5.encode(trad);
        let t = decode(&b5).unwrap();
        assert_eq!(t.encoding, "Big5");
        assert!(t.line(0).contains("部門決算"));
    }

    #[test]
    fn every_character_called_stable_is_left_alone_by_nfkc() {
        for u in 0..0x10000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            if nfkc_stable(c) {
                let n: String = c.to_string().nfkc().collect();
                assert_eq!(n, c.to_string(), "U+{u:04X}");
            }
        }
    }

    #[test]
    fn the_fast_path_agrees_with_full_nfkc() {
        let lines = [
            "（一）基本支出：１２３．４５万元，占　比…",
            "Ａ\u{0301}ｂｃ",
            "ⅰ ⅱ ㎡ ①",
            "普通文字、标点。“引号”《书名》",
            "x\u{200B}y\u{00A0}z",
        ];
        for l in lines {
            let mut fast = String::new();
            let mut full = String::new();
            normalize_into(l, &mut fast);
            full.extend(l.nfkc().filter(|c| !zero_width(*c)));
            assert_eq!(fast, full, "{l}");
        }
    }

    #[test]
    fn refuses_binary_and_empty() {
        assert_eq!(decode(b"").unwrap_err(), DecodeError::Empty);
        assert!(matches!(
            decode(b"%PDF-1.7\n...").unwrap_err(),
            DecodeError::Binary("PDF")
        ));
        assert!(matches!(
            decode(b"\x7FELF\x02\x01\x01\0\0\0").unwrap_err(),
            DecodeError::Binary(_)
        ));
        assert!(matches!(
            decode(b"abc\0\x01\x02\x03\0\0\xff\xfe\x00").unwrap_err(),
            DecodeError::Binary(_)
        ));
        assert_eq!(decode(b"  \n\t\r\n").unwrap_err(), DecodeError::NoText);
    }

    #[test]
    fn truncated_utf8_is_decoded_and_flagged() {
        let mut b = "部门决算".as_bytes().to_vec();
        b.extend_from_slice(&"表".as_bytes()[..2]);
        let t = decode(&b).unwrap();
        assert_eq!(t.encoding, "UTF-8");
        assert!(!t.confident);
        assert!(t.line(0).starts_with("部门决算"));
    }
}
