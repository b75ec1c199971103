//! The contract's vocabularies (CONTRACT §4): the nine standard tables, their
//! canonical columns, and the canonical row labels of rows without a code.
//! Matching is by meaning, tolerant of the variants and OCR damage seen in real
//! archives, never by a table's position in a document.

use crate::text::{edit_distance, split_enumerator, squeeze};

/// The nine standard tables of a 部门决算, by identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// 01 收入支出决算总表
    Overview,
    /// 02 收入决算表
    Income,
    /// 03 支出决算表
    Expenditure,
    /// 04 财政拨款收入支出决算总表
    FiscalOverview,
    /// 05 一般公共预算财政拨款支出决算表
    GeneralBudgetExpenditure,
    /// 06 一般公共预算财政拨款基本支出决算明细表
    GeneralBudgetBasic,
    /// 07 政府性基金预算财政拨款收入支出决算表
    GovernmentFund,
    /// 08 国有资本经营预算财政拨款支出决算表
    StateCapital,
    /// 09 财政拨款"三公"经费支出决算表
    ThreePublic,
}

impl Table {
    pub const ALL: [Table; 9] = [
        Table::Overview,
        Table::Income,
        Table::Expenditure,
        Table::FiscalOverview,
        Table::GeneralBudgetExpenditure,
        Table::GeneralBudgetBasic,
        Table::GovernmentFund,
        Table::StateCapital,
        Table::ThreePublic,
    ];

    /// `01`–`09`.
    pub fn code(self) -> &'static str {
        match self {
            Table::Overview => "01",
            Table::Income => "02",
            Table::Expenditure => "03",
            Table::FiscalOverview => "04",
            Table::GeneralBudgetExpenditure => "05",
            Table::GeneralBudgetBasic => "06",
            Table::GovernmentFund => "07",
            Table::StateCapital => "08",
            Table::ThreePublic => "09",
        }
    }

    /// Canonical title.
    pub fn name(self) -> &'static str {
        match self {
            Table::Overview => "收入支出决算总表",
            Table::Income => "收入决算表",
            Table::Expenditure => "支出决算表",
            Table::FiscalOverview => "财政拨款收入支出决算总表",
            Table::GeneralBudgetExpenditure => "一般公共预算财政拨款支出决算表",
            Table::GeneralBudgetBasic => "一般公共预算财政拨款基本支出决算明细表",
            Table::GovernmentFund => "政府性基金预算财政拨款收入支出决算表",
            Table::StateCapital => "国有资本经营预算财政拨款支出决算表",
            Table::ThreePublic => "财政拨款\"三公\"经费支出决算表",
        }
    }

    /// Tables 01 and 04 print income on the left and expenditure on the right.
    pub fn two_sided(self) -> bool {
        matches!(self, Table::Overview | Table::FiscalOverview)
    }

    /// Canonical amount columns, in the standard template's order. For two-sided
    /// tables: the expenditure side's columns (the income side has `决算数`).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Overview => &["决算数"],
            Table::Income => &[
                "本年收入合计",
                "财政拨款收入",
                "上级补助收入",
                "事业收入",
                "经营收入",
                "附属单位上缴收入",
                "其他收入",
            ],
            Table::Expenditure => &[
                "本年支出合计",
                "基本支出",
                "项目支出",
                "上缴上级支出",
                "经营支出",
                "对附属单位补助支出",
            ],
            Table::FiscalOverview => &[
                "小计",
                "一般公共预算财政拨款",
                "政府性基金预算财政拨款",
                "国有资本经营预算财政拨款",
            ],
            Table::GeneralBudgetExpenditure | Table::StateCapital => {
                &["小计", "基本支出", "项目支出"]
            }
            Table::GeneralBudgetBasic => &["决算数"],
            Table::GovernmentFund => &[
                "年初结转和结余",
                "本年收入",
                "本年支出/小计",
                "本年支出/基本支出",
                "本年支出/项目支出",
                "年末结转和结余",
            ],
            Table::ThreePublic => &THREE_PUBLIC_COLUMNS,
        }
    }
}

pub const THREE_PUBLIC_PARTS: [&str; 6] = [
    "合计",
    "因公出国(境)费",
    "公务用车购置及运行维护费/小计",
    "公务用车购置及运行维护费/公务用车购置费",
    "公务用车购置及运行维护费/公务用车运行维护费",
    "公务接待费",
];

const THREE_PUBLIC_COLUMNS: [&str; 12] = [
    "预算数/合计",
    "预算数/因公出国(境)费",
    "预算数/公务用车购置及运行维护费/小计",
    "预算数/公务用车购置及运行维护费/公务用车购置费",
    "预算数/公务用车购置及运行维护费/公务用车运行维护费",
    "预算数/公务接待费",
    "决算数/合计",
    "决算数/因公出国(境)费",
    "决算数/公务用车购置及运行维护费/小计",
    "决算数/公务用车购置及运行维护费/公务用车购置费",
    "决算数/公务用车购置及运行维护费/公务用车运行维护费",
    "决算数/公务接待费",
];

/// The twelve columns of table 09 in print order: 预算数 then 决算数 of each
/// part when `interleaved`, else the six 预算数 columns then the six 决算数.
pub fn three_public_order(interleaved: bool) -> Vec<&'static str> {
    let cols = &THREE_PUBLIC_COLUMNS;
    if interleaved {
        (0..6).flat_map(|i| [cols[i], cols[i + 6]]).collect()
    } else {
        cols.to_vec()
    }
}

/// Identifies a standard table from a title line by meaning. `None` for
/// anything that is not the title of one of the nine tables (sentences, notes,
/// section headings of the narrative, other attachments).
pub fn classify_title(line: &str) -> Option<Table> {
    // Cheap refusals first: this runs on every line of every document.
    if line.len() > 200 || !line.contains('表') || !(line.contains('算')) {
        return None;
    }
    let t = squeeze(line);
    let (_, t) = split_enumerator(&t);
    // Leaders and page numbers of a table of contents: "…决算表 ....... 5".
    let t = t.trim_end_matches(|c: char| {
        c.is_ascii_digit() || c == '.' || c == '…' || c == '-' || c == '—'
    });
    let t = t.trim_matches(|c: char| "\"'“”「」《》【】[]".contains(c));
    let t: String = t.chars().filter(|c| !"\"'“”「」".contains(*c)).collect();
    let t = t
        .strip_suffix("(续)")
        .or_else(|| t.strip_suffix("续表"))
        .unwrap_or(&t);
    if !(t.ends_with('表')) || t.chars().count() > 48 {
        return None;
    }
    // A title, not a sentence about one.
    if t.contains("本表")
        || t.contains("反映")
        || t.contains(':')
        || t.contains('。')
        || t.contains("详见")
        || t.contains("附件")
    {
        return None;
    }
    // The whole-report heading "…年度部门决算表" names no table.
    let kind_ok =
        t.contains("决算") || t.contains("決算") || t.contains("预算") || t.contains("預算");
    if !kind_ok {
        return None;
    }
    let has = |s: &str| t.contains(s);
    Some(if has("三公") {
        Table::ThreePublic
    } else if has("政府性基金") {
        Table::GovernmentFund
    } else if has("国有资本经营") {
        Table::StateCapital
    } else if has("基本支出") && has("一般公共预算") {
        Table::GeneralBudgetBasic
    } else if has("一般公共预算") && has("支出") {
        Table::GeneralBudgetExpenditure
    } else if has("财政拨款收入支出") && has("总表") {
        Table::FiscalOverview
    } else if has("收入支出") && has("总表") {
        Table::Overview
    } else if tail_is(t, "收入决算表") || tail_is(t, "收入预算表") {
        Table::Income
    } else if tail_is(t, "支出决算表") || tail_is(t, "支出预算表") {
        Table::Expenditure
    } else {
        return None;
    })
}

/// `t` is exactly `name`, or `name` preceded by a unit or year, not by other
/// table words ("财政拨款支出决算表" is not table 03). A column header that
/// runs into the title (`财政拨款收` + `收入决算表`: sorted text of a turned
/// page sets a header's fragment and the title on one line) is no table's
/// name: words after the table word that begin `收入` or `支出` and stop.
fn tail_is(t: &str, name: &str) -> bool {
    let Some(head) = t.strip_suffix(name) else {
        return false;
    };
    ["财政拨款", "基金", "项目"]
        .iter()
        .all(|w| match head.rfind(w) {
            None => true,
            Some(at) => {
                let rest = &head[at + w.len()..];
                !rest.is_empty() && ("收入".starts_with(rest) || "支出".starts_with(rest))
            }
        })
}

/// Which side of a two-sided table a row label belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    Income,
    Expenditure,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Income => "收入",
            Side::Expenditure => "支出",
        }
    }
}

/// 类 of the functional classification as printed on table 01/04's
/// expenditure side (2020–2025 templates).
pub const FUNCTION_CLASSES: &[(&str, &str)] = &[
    ("201", "一般公共服务支出"),
    ("202", "外交支出"),
    ("203", "国防支出"),
    ("204", "公共安全支出"),
    ("205", "教育支出"),
    ("206", "科学技术支出"),
    ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"),
    ("209", "社会保险基金支出"),
    ("210", "卫生健康支出"),
    ("211", "节能环保支出"),
    ("212", "城乡社区支出"),
    ("213", "农林水支出"),
    ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"),
    ("216", "商业服务业等支出"),
    ("217", "金融支出"),
    ("219", "援助其他地区支出"),
    ("220", "自然资源海洋气象等支出"),
    ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"),
    ("223", "国有资本经营预算支出"),
    ("224", "灾害防治及应急管理支出"),
    ("227", "预备费"),
    ("229", "其他支出"),
    ("230", "转移性支出"),
    ("231", "债务还本支出"),
    ("232", "债务付息支出"),
    ("233", "债务发行费用支出"),
    ("234", "抗疫特别国债安排的支出"),
];

/// The eight income sources of table 01's income side, in template order.
pub const INCOME_SOURCES: [&str; 8] = [
    "一般公共预算财政拨款收入",
    "政府性基金预算财政拨款收入",
    "国有资本经营预算财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
];

/// Economic classes whose spending is 人员经费 (工资福利支出, 对个人和家庭的
/// 补助); every other class is 公用经费. Table 06 totals by this split.
pub fn is_personnel_class(code: &str) -> bool {
    code == "301" || code == "303"
}

/// Cleans a printed row label for matching: enumerator, spaces, trailing
/// punctuation and bracketed asides removed.
pub fn clean_label(s: &str) -> String {
    let s = squeeze(s);
    let (_, rest) = split_enumerator(&s);
    let rest = rest.trim_start_matches(['-', '_', '.', '、', ':', '·', '—']);
    rest.trim_end_matches(['.', '。', ',', ':', ';', '、', '-', '_', '|'])
        .to_string()
}

/// Matches a printed label against a vocabulary: exactly, by a known variant,
/// or within a small edit distance (OCR damage such as `E初结转和结余`,
/// `숨计`). Returns the canonical label.
pub fn match_label(printed: &str, vocab: &[&'static str]) -> Option<&'static str> {
    let clean = clean_label(printed);
    if clean.is_empty() {
        return None;
    }
    let clean = canonical_variant(&clean);
    if let Some(v) = vocab.iter().find(|v| **v == clean) {
        return Some(v);
    }
    // Longer printed variants: "使用非财政拨款结余和专用结余",
    // "使用非财政拨款结余(含专用结余)".
    if let Some(v) = vocab
        .iter()
        .filter(|v| v.chars().count() >= 6 && clean.starts_with(**v))
        .max_by_key(|v| v.len())
    {
        return Some(v);
    }
    let n = clean.chars().count();
    let cap = if n <= 3 { 1 } else { (n / 5).max(1) };
    let mut best: Option<(usize, &'static str)> = None;
    let mut tie = false;
    // Damage by non-Han debris ("숨计") is OCR; then a tie goes to the earlier,
    // more common, vocabulary entry.
    let debris = clean.chars().any(|c| {
        !crate::text::is_han(c) && !c.is_ascii_alphanumeric()
            || ('\u{AC00}'..='\u{D7A3}').contains(&c)
    });
    for v in vocab {
        let d = edit_distance(clean, v, cap);
        if d <= cap {
            match best {
                Some((bd, _)) if d > bd => {}
                Some((bd, _)) if d == bd => tie = !debris,
                _ => {
                    best = Some((d, v));
                    tie = false;
                }
            }
        }
    }
    match best {
        // A short label is only repaired when the damage is non-Han debris
        // ("숨计" → "合计"); "小计" is a different word, not a damaged "合计".
        Some((_, v)) if !tie && (n > 2 || clean.chars().any(|c| !crate::text::is_han(c))) => {
            Some(v)
        }
        _ => None,
    }
}

/// Printed variants of canonical labels that edit distance would not catch.
fn canonical_variant(s: &str) -> &str {
    match s {
        "总计" | "总 计" => "总计",
        "收入总计" => "总计",
        "支出总计" => "总计",
        "合 计" => "合计",
        "本年收入" => "本年收入合计",
        "本年支出" => "本年支出合计",
        "年初结转结余" => "年初结转和结余",
        "年末结转结余" => "年末结转和结余",
        "年初财政拨款结转结余" => "年初财政拨款结转和结余",
        "年末财政拨款结转结余" => "年末财政拨款结转和结余",
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_by_meaning() {
        assert_eq!(
            classify_title("一、收入支出决算总表"),
            Some(Table::Overview)
        );
        assert_eq!(
            classify_title("四、财政拨款收入支出决算总表\t6"),
            Some(Table::FiscalOverview)
        );
        assert_eq!(
            classify_title("六、一般公共预算财政拨款基本支出决算明细表"),
            Some(Table::GeneralBudgetBasic)
        );
        assert_eq!(
            classify_title("一般公共预算财政拨款基本支出决算表"),
            Some(Table::GeneralBudgetBasic)
        );
        assert_eq!(
            classify_title("七、财政拨款“三公”经费支出决算表"),
            Some(Table::ThreePublic)
        );
        assert_eq!(
            classify_title("一般公共预算财政拨款\"三公\"经费支出决算表"),
            Some(Table::ThreePublic)
        );
        assert_eq!(
            classify_title("九、国有资本经营预算财政拨款收入支出决算表"),
            Some(Table::StateCapital)
        );
        assert_eq!(classify_title("  收入决算表  "), Some(Table::Income));
        assert_eq!(
            classify_title("三、支出决算表 ...... 5"),
            Some(Table::Expenditure)
        );
        assert_eq!(
            classify_title("上海市规划和自然资源局 2024 年度部门决算表"),
            None
        );
        assert_eq!(classify_title("注:本表反映部门本年度各项支出情况。"), None);
        assert_eq!(classify_title("二、收入决算情况说明"), None);
        // Another table's name before the tail; a header run into the title.
        assert_eq!(classify_title("财政拨款支出决算表"), None);
        assert_eq!(classify_title("财政拨款基本支出决算表"), None);
        assert_eq!(classify_title("项目支出决算表"), None);
        assert_eq!(classify_title("财政拨款收收入决算表"), Some(Table::Income));
        assert_eq!(
            classify_title("财政拨款收入收入决算表"),
            Some(Table::Income)
        );
        assert_eq!(
            classify_title("2023年度解决社保卡制卡经费项目绩效自评表"),
            None
        );
    }

    #[test]
    fn labels_with_noise() {
        let inc = crate::table::spec::TableSpec::of(Table::Overview).side_labels(Side::Income);
        assert_eq!(
            match_label("- 、一般公共预算财政拨款收入", &inc),
            Some("一般公共预算财政拨款收入")
        );
        assert_eq!(match_label("5、事业收入", &inc), Some("事业收入"));
        assert_eq!(match_label("E初结转和结余", &inc), Some("年初结转和结余"));
        assert_eq!(
            match_label("使用非财政拨款结余(含专用结余)", &inc),
            Some("使用非财政拨款结余")
        );
        assert_eq!(match_label("总 计", &inc), Some("总计"));
        let exp = crate::table::spec::TableSpec::of(Table::Overview).side_labels(Side::Expenditure);
        assert_eq!(match_label("结余分配.", &exp), Some("结余分配"));
        assert_eq!(
            match_label("二十二、灾害防治及应急管理支出", &exp),
            Some("灾害防治及应急管理支出")
        );
        let coded = crate::table::spec::TableSpec::of(Table::Income).side_labels(Side::Income);
        assert_eq!(match_label("숨计", &coded), Some("合计"));
        assert_eq!(match_label("社会保障和就业支出", &coded), None);
        assert_eq!(match_label("小计", &coded), None);
    }
}
