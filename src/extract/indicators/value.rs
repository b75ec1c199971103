//! What a printed indicator value says: the number, its unit and, for targets,
//! the bound it sets. A number is read only when the whole value is a quantity
//! (`≥90%`, `2547.2077万元`, `5.4%以内`, `1740元/人/月`); a date (`12月底前`,
//! `2024年底完成`) or a sentence that merely contains a figure yields none, so
//! nothing is invented.

use crate::amount::{Amount, parse_printed};
use crate::model::Measure;

/// Bound words written before the number, longest first so that `不低于`
/// wins over `低于`.
const OPS_BEFORE: &[(&str, &str)] = &[
    ("大于等于", ">="),
    ("小于等于", "<="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不多于", "<="),
    ("不大于", "<="),
    ("控制在", "<="),
    ("至少", ">="),
    ("达到", ">="),
    ("超过", ">"),
    ("大于", ">"),
    ("高于", ">"),
    ("多于", ">"),
    ("小于", "<"),
    ("低于", "<"),
    ("少于", "<"),
    ("等于", "="),
    (">=", ">="),
    ("<=", "<="),
    ("≥", ">="),
    ("≤", "<="),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
    ("达", ">="),
];

/// Bound words written after the unit.
const OPS_AFTER: &[(&str, &str)] = &[
    ("及以上", ">="),
    ("以上", ">="),
    ("及以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
    ("之内", "<="),
    ("内", "<="),
];

/// Units of quantities in self-evaluation tables. `月` and `年` alone are not
/// here: `12月` and `2024年` are dates; they count inside compounds (`元/人/月`).
const UNITS: &[&str] = &[
    "%",
    "‰",
    "元",
    "万元",
    "亿元",
    "千元",
    "百万元",
    "万",
    "亿",
    "千",
    "人",
    "万人",
    "人次",
    "万人次",
    "名",
    "户",
    "万户",
    "家",
    "个",
    "项",
    "次",
    "场",
    "期",
    "批",
    "批次",
    "件",
    "例",
    "份",
    "张",
    "套",
    "台",
    "辆",
    "座",
    "所",
    "处",
    "条",
    "篇",
    "本",
    "册",
    "部",
    "种",
    "类",
    "块",
    "间",
    "栋",
    "株",
    "棵",
    "头",
    "只",
    "亩",
    "万亩",
    "公顷",
    "平方米",
    "平米",
    "平方公里",
    "立方米",
    "吨",
    "万吨",
    "公斤",
    "千克",
    "克",
    "米",
    "公里",
    "千米",
    "天",
    "日",
    "个工作日",
    "工作日",
    "小时",
    "分钟",
    "周",
    "个月",
    "岗",
    "个岗位",
    "岗位",
    "课时",
    "学时",
    "床",
    "宗",
    "起",
    "单",
    "笔",
    "分",
    "年",
    "户次",
    "元/人",
];

/// Reads a target (`is_target`) or actual value. `raw` is the normalised cell.
pub fn measure(raw: &str, is_target: bool) -> Measure {
    let raw = raw.trim();
    if raw.is_empty() {
        return Measure::default();
    }
    // OCR reads ≤ as ≪; no value means "much less than". ≦ and ≧ are
    // variants NFKC leaves alone.
    let raw = &raw.replace(['≪', '≦'], "≤").replace(['≫', '≧'], "≥");
    let q = quantity(raw);
    Measure {
        raw: Some(raw.to_string()),
        value: q.as_ref().map(|q| q.value),
        unit: q.as_ref().and_then(|q| q.unit.clone()),
        op: if is_target {
            q.and_then(|q| q.op)
        } else {
            None
        },
    }
}

/// Whether a cell is a quantity (`2600元/人`, `≥90%`, `300`).
pub fn is_quantity(cell: &str) -> bool {
    quantity(cell.trim()).is_some()
}

/// A quantity and nothing else before it: `2600元/人`, `≥90%`, but not
/// `当年满意度超过90%`, which names what it measures.
pub fn is_bare_quantity(cell: &str) -> bool {
    let t = cell.trim();
    t.starts_with(|c: char| c.is_ascii_digit() || "≥≤<>=".contains(c)) && is_quantity(t)
}

#[derive(Debug, PartialEq)]
struct Quantity {
    value: Amount,
    unit: Option<String>,
    op: Option<&'static str>,
}

fn quantity(s: &str) -> Option<Quantity> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let (before, rest) = s.split_at(start);
    let op_before = bound_before(before.trim())?;
    let num_len = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    let (digits, after) = rest.split_at(num_len);
    let value = parse_printed(digits)?.value;
    let after = after.trim();
    let (unit, op_after) = split_bound_after(after);
    if !unit.is_empty() && !is_unit(unit) {
        return None;
    }
    // A four-digit year with 年 is a date, not a quantity of years.
    if unit == "年" && digits.len() == 4 {
        return None;
    }
    Some(Quantity {
        value,
        unit: (!unit.is_empty()).then(|| unit.to_string()),
        op: op_before.or(op_after),
    })
}

/// The bound set by the text before the number: `Some(None)` when there is
/// no text, `Some(Some(op))` when the text ends with a bound word, `None` when
/// other words stand before the number (the value is then a sentence).
fn bound_before(before: &str) -> Option<Option<&'static str>> {
    if before.is_empty() {
        return Some(None);
    }
    OPS_BEFORE
        .iter()
        .find(|(w, _)| before.ends_with(w))
        .map(|&(_, op)| Some(op))
}

fn split_bound_after(after: &str) -> (&str, Option<&'static str>) {
    for &(w, op) in OPS_AFTER {
        if let Some(unit) = after.strip_suffix(w) {
            // `内` alone is a bound only after a unit (`30天内`), never a unit.
            if w == "内" && unit.is_empty() {
                continue;
            }
            return (unit.trim_end(), Some(op));
        }
    }
    (after, None)
}

/// Whether `u` is a unit of quantity, compounds (`元/人/月`) included.
pub fn is_unit(u: &str) -> bool {
    if UNITS.contains(&u) {
        return true;
    }
    // Compound units: 元/人/月, 次/年, 人/次.
    u.contains('/')
        && u.split('/')
            .all(|p| !p.is_empty() && (UNITS.contains(&p) || p == "月" || p == "年" || p == "人次"))
}

/// A 分值 or 得分 cell: a plain number of points between 0 and 100, `分`
/// allowed after it.
pub fn points(cell: &str) -> Option<Amount> {
    let t = cell.trim();
    let t = t.strip_suffix('分').unwrap_or(t).trim_end();
    let p = parse_printed(t)?;
    (p.value >= Amount::ZERO && p.value <= Amount::from_int(100)).then_some(p.value)
}

/// Whether a cell reads like a value rather than a label: it starts with a
/// bound sign or a digit, or ends with a percentage.
pub fn looks_like_value(cell: &str) -> bool {
    let t = cell.trim();
    t.starts_with(|c: char| c.is_ascii_digit() || "≥≤<>=≧≦".contains(c)) || t.ends_with('%')
}

/// Numbers of a figures row (预算数, 执行数, 执行率, 得分): every plain number
/// or percentage in the cells, in order, with whether it was a percentage.
pub fn figures<'a>(cells: impl Iterator<Item = &'a str>) -> Vec<(Amount, bool)> {
    let mut out = Vec::new();
    for cell in cells {
        for part in cell.split_whitespace() {
            let (num, pct) = match part.strip_suffix('%') {
                Some(n) => (n, true),
                None => (part, false),
            };
            if let Some(p) = parse_printed(num) {
                out.push((p.value, pct));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> (Option<String>, Option<String>, Option<&'static str>) {
        let m = measure(s, true);
        (m.value.map(|v| v.to_string()), m.unit, m.op)
    }

    fn q(
        v: &str,
        u: Option<&str>,
        op: Option<&'static str>,
    ) -> (Option<String>, Option<String>, Option<&'static str>) {
        (Some(v.to_string()), u.map(str::to_string), op)
    }

    #[test]
    fn quantities_with_bounds_and_units() {
        assert_eq!(read("≥90%"), q("90", Some("%"), Some(">=")));
        assert_eq!(read("≤15万元"), q("15", Some("万元"), Some("<=")));
        assert_eq!(read("5.4%以内"), q("5.4", Some("%"), Some("<=")));
        assert_eq!(read("1740元/人/月"), q("1740", Some("元/人/月"), None));
        assert_eq!(read("2547.2077万元"), q("2547.2077", Some("万元"), None));
        assert_eq!(read("95%以上"), q("95", Some("%"), Some(">=")));
        assert_eq!(read("不低于3场"), q("3", Some("场"), Some(">=")));
        assert_eq!(read("不超过30天"), q("30", Some("天"), Some("<=")));
        assert_eq!(read("当年满意度超过90%"), q("90", Some("%"), Some(">")));
        assert_eq!(read("1,200人次"), q("1200", Some("人次"), None));
        assert_eq!(measure("≪48小时", true).raw.as_deref(), Some("≤48小时"));
        assert_eq!(read("300"), q("300", None, None));
        assert_eq!(read("0"), q("0", None, None));
    }

    #[test]
    fn words_and_dates_have_no_number() {
        for s in [
            "按时足额发放",
            "12月底前",
            "2024年底完成",
            "2024年",
            "明显提高",
            "确保全区90%以上的企业按时缴纳",
            "≥12次1-2次",
            "1-2次",
        ] {
            let m = measure(s, true);
            assert_eq!(m.raw.as_deref(), Some(s));
            assert_eq!((m.value, m.unit, m.op), (None, None, None), "{s}");
        }
        assert_eq!(measure("", true), Measure::default());
    }

    #[test]
    fn actual_values_carry_no_bound() {
        let m = measure("≥96%", false);
        assert_eq!(m.value, Amount::parse_plain("96"));
        assert_eq!(m.op, None);
    }

    #[test]
    fn points_are_small_plain_numbers() {
        assert_eq!(points("2"), Amount::parse_plain("2"));
        assert_eq!(points("18.94"), Amount::parse_plain("18.94"));
        assert_eq!(points("10分"), Amount::parse_plain("10"));
        assert_eq!(points("100%"), None);
        assert_eq!(points("2547.2077"), None);
        assert_eq!(points("长期"), None);
    }

    #[test]
    fn figures_of_a_budget_row() {
        let f = figures(["19923.13 14344.12", "72.00%", "14.4"].into_iter());
        let v: Vec<String> = f
            .iter()
            .map(|(a, p)| format!("{a}{}", if *p { "%" } else { "" }))
            .collect();
        assert_eq!(v, ["19923.13", "14344.12", "72%", "14.4"]);
    }
}
