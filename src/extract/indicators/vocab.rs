//! The vocabulary of self-evaluation tables: indicator levels (一级/二级指标),
//! header words, and the debris that merged and wrapped cells leave behind
//! (`(50分)`, `年度`/`绩效`/`指标` of a vertical label, punctuation-only cells).

use crate::text::is_han;

/// 一级指标 of the national template and its older and newer variants.
const LEVEL1: &[&str] = &[
    "产出指标",
    "效益指标",
    "满意度指标",
    "成本指标",
    "决策指标",
    "过程指标",
    "投入指标",
];

/// 二级指标 seen in provinces' templates. Others are recognised by shape, see
/// [`level2`]; this list also drives the gluing of wrapped fragments.
const LEVEL2: &[&str] = &[
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "生态成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "环境效益指标",
    "可持续影响指标",
    "可持续性影响指标",
    "服务对象满意度指标",
    "服务对象满意度",
    "社会公众或服务对象满意度指标",
    "社会公众满意度指标",
    "满意度指标",
];

/// Topics a 二级指标 is about; a short label naming one of them and ending in
/// 指标 (or 目标, a common slip) is a 二级指标 even when not listed.
const LEVEL2_TOPICS: &[&str] = &["数量", "质量", "时效", "成本", "效益", "影响", "满意"];

/// Removes the points a level cell carries: `产出指标(50分)` → `产出指标`,
/// also when OCR cut the bracket off (`效益指标(7.5`).
pub fn strip_points(s: &str) -> &str {
    let s = s.trim();
    match s.find('(') {
        Some(p) if is_points(&s[p..]) => s[..p].trim_end(),
        _ => s,
    }
}

/// `(50分)`, `(20`, `分)`, `(80)))`: points, or what is left of them.
fn is_points(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '(' | ')' | '.' | '分' | ' ' | '*' | '%'))
        && t.contains(['(', ')', '分'])
}

/// The canonical 一级指标 a cell names, if it names one.
pub fn level1(cell: &str) -> Option<&'static str> {
    let core = strip_points(cell);
    LEVEL1.iter().copied().find(|w| *w == core)
}

/// Whether a cell names a 二级指标.
pub fn level2(cell: &str) -> bool {
    let core = strip_points(cell);
    if LEVEL2.contains(&core) {
        return true;
    }
    let n = core.chars().count();
    (3..=16).contains(&n)
        && core.matches("指标").count() + core.matches("目标").count() == 1
        && (core.ends_with("指标") || (n <= 6 && core.ends_with("目标")))
        && LEVEL2_TOPICS.iter().any(|t| core.contains(t))
        && core.chars().all(is_han)
}

/// A level name proper (`经济成本指标`): never a 三级指标, unlike
/// `服务对象满意度`, which is both.
pub fn is_level_name(cell: &str) -> bool {
    let core = strip_points(cell);
    core.ends_with("指标") && is_level(core)
}

/// Whether a cell names an indicator level of either rank.
pub fn is_level(cell: &str) -> bool {
    level1(cell).is_some() || level2(cell)
}

/// A level name, or the start of one, read with at most one OCR error
/// (`经路成本` for 经济成本): where a space parts it from the name that OCR
/// merged into its cell.
pub fn is_level_ocr(s: &str) -> bool {
    if is_level(s) {
        return true;
    }
    let n = s.chars().count();
    n >= 4
        && LEVEL1.iter().chain(LEVEL2).any(|w| {
            let head: String = w.chars().take(n).collect();
            head.chars().count() == n && crate::text::edit_distance(s, &head, 1) <= 1
        })
}

/// Whether `s` could be the start of a level name cut by wrapping
/// (`满意`, `满意度指`, `社会效益指`).
pub fn is_level_prefix(s: &str) -> bool {
    !s.is_empty() && LEVEL1.iter().chain(LEVEL2).any(|w| w.starts_with(s))
}

/// Words of the vertical labels beside indicator rows (`年度 / 绩效 / 指标`).
const LABEL_WORDS: &[&str] = &["年度", "绩效", "目标", "指标", "一级", "二级", "三级"];

/// Cells that carry nothing of an indicator: empty, punctuation or Latin
/// noise only, points, and fragments of vertical labels (`年度`, `绩效`,
/// `指标`, `年度绩效目标(80分)`).
pub fn is_debris(cell: &str) -> bool {
    let t = cell.trim();
    let han = t.chars().any(is_han);
    if !han && !t.chars().any(|c| c.is_ascii_digit()) {
        return true;
    }
    if is_points(t) {
        return true;
    }
    let mut core = strip_points(t).trim_end_matches([':', '：']);
    if core.is_empty() {
        return false;
    }
    while let Some(w) = LABEL_WORDS.iter().find(|w| core.starts_with(*w)) {
        core = &core[w.len()..];
    }
    core.is_empty()
}

/// Punctuation that wrapping can leave alone on a line inside a name (`、`).
pub fn is_inner_punctuation(cell: &str) -> bool {
    let t = cell.trim();
    !t.is_empty() && t.chars().all(|c| "、,，;；:：·".contains(c))
}

/// What a header column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Level1,
    Level2,
    Name,
    Target,
    Actual,
    Weight,
    Score,
    Note,
    /// A column the indicator does not use (评价要点, 指标分类).
    Other,
}

/// What a header cell names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderWord {
    Column(Role),
    /// The vertical label of the indicator block (年度绩效指标, 绩效目标).
    Label,
    /// `指标` alone: the second half of a wrapped `一级 / 指标`.
    Continuation,
}

/// Classifies a header cell (normalised, compacted), `None` for a cell that is
/// no header word.
pub fn header_word(cell: &str) -> Option<HeaderWord> {
    use HeaderWord::{Continuation, Label};
    use Role::*;
    let c = cell.trim();
    if c.is_empty() {
        return None;
    }
    if c == "指标" {
        return Some(Continuation);
    }
    // Order matters: 评分标准 is no 得分, 偏差原因分析及改进措施 is one note.
    const WORDS: &[(&str, HeaderWord)] = &[
        ("一级", HeaderWord::Column(Level1)),
        ("二级", HeaderWord::Column(Level2)),
        ("三级", HeaderWord::Column(Name)),
        ("指标名称", HeaderWord::Column(Name)),
        ("偏差", HeaderWord::Column(Note)),
        ("原因", HeaderWord::Column(Note)),
        ("备注", HeaderWord::Column(Note)),
        ("评价要点", HeaderWord::Column(Other)),
        ("指标分类", HeaderWord::Column(Other)),
        ("评分标准", HeaderWord::Column(Other)),
        ("评价标准", HeaderWord::Column(Other)),
        ("指标解释", HeaderWord::Column(Other)),
        ("计分方法", HeaderWord::Column(Other)),
        ("指标值", HeaderWord::Column(Target)),
        ("目标值", HeaderWord::Column(Target)),
        ("年初目标", HeaderWord::Column(Target)),
        ("预期目标值", HeaderWord::Column(Target)),
        ("计划值", HeaderWord::Column(Target)),
        ("完成值", HeaderWord::Column(Actual)),
        ("实际值", HeaderWord::Column(Actual)),
        ("实际完成", HeaderWord::Column(Actual)),
        ("分值", HeaderWord::Column(Weight)),
        ("权重", HeaderWord::Column(Weight)),
        ("得分", HeaderWord::Column(Score)),
        ("评分", HeaderWord::Column(Score)),
        ("绩效指标", Label),
        ("绩效目标", Label),
        ("年度目标", Label),
    ];
    WORDS.iter().find(|(w, _)| c.contains(w)).map(|&(_, h)| h)
}

/// Header cells that only mark the A/B columns (`值(A)`, `(B)`, `(B/A)`).
pub fn is_column_mark(cell: &str) -> bool {
    let t = cell.trim().trim_start_matches('值');
    matches!(t, "(A)" | "(B)" | "(B/A)" | "(A)值" | "(B)值")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_with_points_and_variants() {
        assert_eq!(level1("产出指标(50分)"), Some("产出指标"));
        assert_eq!(level1("效益指标(7.5"), Some("效益指标"));
        assert!(level2("经济效益指标"));
        assert!(level2("服务对象满意度"));
        assert!(level2("社会公众满意度指标"));
        assert!(level2("时效目标"));
        assert!(!level2("年度目标"));
        assert!(!level2("服务对象满意度调查完成率"));
        assert!(is_level_prefix("满意度指"));
        assert!(is_level_ocr("经路成本"));
        assert!(is_level_ocr("质量指标"));
        assert!(!is_level_ocr("设备维护"));
        assert!(is_level_prefix("社会效益指"));
        assert!(!is_level_prefix("指标"));
    }

    #[test]
    fn debris() {
        for d in [
            "……",
            "-",
            "(10分)",
            "(80",
            "分)",
            "年度",
            "指标",
            "年度绩效目标(80分)",
            "PJ XX",
            "□+×",
            "、",
        ] {
            assert!(is_debris(d), "{d}");
        }
        for k in [
            "100%",
            "0",
            "长期",
            "数量指标",
            "年度目标任务完成率",
            "度",
            "标准",
        ] {
            assert!(!is_debris(k), "{k}");
        }
    }

    #[test]
    fn header_words() {
        let col = |r| Some(HeaderWord::Column(r));
        assert_eq!(header_word("年初目标值(A)"), col(Role::Target));
        assert_eq!(header_word("实际完成值(B)"), col(Role::Actual));
        assert_eq!(header_word("偏差原因分析及改进措施"), col(Role::Note));
        assert_eq!(header_word("评分标准"), col(Role::Other));
        assert_eq!(header_word("三级"), col(Role::Name));
        assert_eq!(header_word("年度绩效指标"), Some(HeaderWord::Label));
        assert_eq!(header_word("指标"), Some(HeaderWord::Continuation));
        assert_eq!(header_word("城镇新增就业人数"), None);
        assert!(is_column_mark("值(A)"));
    }
}
