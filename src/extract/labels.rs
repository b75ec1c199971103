//! Names of coded rows, de-noised. The code is what identifies a row; its
//! printed name can be garbled by OCR (`行歌运行`, `か公費`, `津贝占补卜贝占`).
//! Where the code's name is known, a garbled print is replaced by it:
//! from the economic classification (fixed and small, embedded here), the
//! functional classes (`vocab`), or the other tables of the same document,
//! which print the same code again (02, 03 and 05 share their rows).

use std::collections::HashMap;

use crate::model::{Flag, LineItem};
use crate::text::{edit_distance, is_han};
use crate::vocab::FUNCTION_CLASSES;

/// 部门预算支出经济分类 (2018–2025), 类 and 款 used in table 06.
const ECONOMIC: &[(&str, &str)] = &[
    ("301", "工资福利支出"),
    ("30101", "基本工资"),
    ("30102", "津贴补贴"),
    ("30103", "奖金"),
    ("30106", "伙食补助费"),
    ("30107", "绩效工资"),
    ("30108", "机关事业单位基本养老保险缴费"),
    ("30109", "职业年金缴费"),
    ("30110", "职工基本医疗保险缴费"),
    ("30111", "公务员医疗补助缴费"),
    ("30112", "其他社会保障缴费"),
    ("30113", "住房公积金"),
    ("30114", "医疗费"),
    ("30199", "其他工资福利支出"),
    ("302", "商品和服务支出"),
    ("30201", "办公费"),
    ("30202", "印刷费"),
    ("30203", "咨询费"),
    ("30204", "手续费"),
    ("30205", "水费"),
    ("30206", "电费"),
    ("30207", "邮电费"),
    ("30208", "取暖费"),
    ("30209", "物业管理费"),
    ("30211", "差旅费"),
    ("30212", "因公出国(境)费用"),
    ("30213", "维修(护)费"),
    ("30214", "租赁费"),
    ("30215", "会议费"),
    ("30216", "培训费"),
    ("30217", "公务接待费"),
    ("30218", "专用材料费"),
    ("30224", "被装购置费"),
    ("30225", "专用燃料费"),
    ("30226", "劳务费"),
    ("30227", "委托业务费"),
    ("30228", "工会经费"),
    ("30229", "福利费"),
    ("30231", "公务用车运行维护费"),
    ("30239", "其他交通费用"),
    ("30240", "税金及附加费用"),
    ("30299", "其他商品和服务支出"),
    ("303", "对个人和家庭的补助"),
    ("30301", "离休费"),
    ("30302", "退休费"),
    ("30303", "退职(役)费"),
    ("30304", "抚恤金"),
    ("30305", "生活补助"),
    ("30306", "救济费"),
    ("30307", "医疗费补助"),
    ("30308", "助学金"),
    ("30309", "奖励金"),
    ("30310", "个人农业生产补贴"),
    ("30311", "代缴社会保险费"),
    ("30399", "其他对个人和家庭的补助"),
    ("307", "债务利息及费用支出"),
    ("30701", "国内债务付息"),
    ("30702", "国外债务付息"),
    ("310", "资本性支出"),
    ("31001", "房屋建筑物购建"),
    ("31002", "办公设备购置"),
    ("31003", "专用设备购置"),
    ("31005", "基础设施建设"),
    ("31006", "大型修缮"),
    ("31007", "信息网络及软件购置更新"),
    ("31008", "物资储备"),
    ("31009", "土地补偿"),
    ("31010", "安置补助"),
    ("31011", "地上附着物和青苗补偿"),
    ("31012", "拆迁补偿"),
    ("31013", "公务用车购置"),
    ("31019", "其他交通工具购置"),
    ("31021", "文物和陈列品购置"),
    ("31022", "无形资产购置"),
    ("31099", "其他资本性支出"),
    ("399", "其他支出"),
    ("39907", "国家赔偿费用支出"),
    ("39908", "对民间非营利组织和群众性自治组织补贴"),
    ("39909", "经常性赠与"),
    ("39910", "资本性赠与"),
    ("39999", "其他支出"),
];

/// The canonical name of an economic classification code (类 or 款).
pub fn economic_name(code: &str) -> Option<&'static str> {
    ECONOMIC.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Characters no classification name contains: OCR debris.
fn garbled(name: &str) -> bool {
    name.chars().any(|c| {
        let u = c as u32;
        (0x3040..=0x30FF).contains(&u) // kana
            || (0xAC00..=0xD7A3).contains(&u) // hangul
            || c.is_ascii_alphabetic()
            || matches!(c, '|' | '_' | '~' | '^' | '*' | '#' | '@' | '$')
    })
}

/// Is `printed` a damaged print of `canonical`? Garbled characters, or most of
/// its characters in place.
fn damaged_print_of(printed: &str, canonical: &str) -> bool {
    if printed == canonical || printed.is_empty() {
        return !printed.is_empty() || canonical.is_empty();
    }
    let n = canonical.chars().count();
    let cap = (n / 2).max(1);
    // OCR also splits a character into its parts (贴 → 贝占), which edit
    // distance counts twice: half the name kept in order is enough.
    garbled(printed)
        || edit_distance(printed, canonical, cap) <= cap
        || common_subsequence(printed, canonical) * 2 >= n
}

/// Length of the longest common subsequence of characters.
fn common_subsequence(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev = vec![0usize; b.len() + 1];
    for &x in &a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The name a document gives a code most often, cleanest first.
fn document_names(items: &[LineItem]) -> HashMap<String, String> {
    let mut votes: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    for it in items {
        if let Some(code) = it.subject_code.as_deref()
            && !it.item.is_empty()
        {
            *votes
                .entry(code)
                .or_default()
                .entry(it.item.as_str())
                .or_default() += 1;
        }
    }
    votes
        .into_iter()
        .filter_map(|(code, names)| {
            // Count each table once per name: a row prints its name once per
            // amount, so weight by distinct (table, name) would be fairer, but
            // tables of one document print the same columns of a row alike.
            let best = names.into_iter().max_by(|a, b| {
                let clean = |s: &str| s.chars().all(is_han) as u8;
                (clean(a.0), a.1).cmp(&(clean(b.0), b.1)).then(b.0.cmp(a.0))
            })?;
            Some((code.to_string(), best.0.to_string()))
        })
        .collect()
}

/// Repairs the names of coded rows whose print is damaged.
pub fn repair(items: &mut [LineItem]) {
    let known: HashMap<&str, &str> = ECONOMIC
        .iter()
        .chain(FUNCTION_CLASSES.iter())
        .copied()
        .collect();
    let votes = document_names(items);
    for it in items.iter_mut() {
        let Some(code) = it.subject_code.as_deref() else {
            continue;
        };
        let canonical = known
            .get(code)
            .copied()
            .or_else(|| votes.get(code).map(String::as_str));
        let Some(canonical) = canonical else { continue };
        if it.item == canonical {
            continue;
        }
        if it.item.is_empty() || damaged_print_of(&it.item, canonical) {
            it.item = canonical.to_string();
            it.add_flag(Flag::LabelRepaired);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Amount;
    use crate::vocab::Table;

    fn row(t: Table, code: &str, name: &str) -> LineItem {
        LineItem {
            table: t,
            side: None,
            subject_code: Some(code.into()),
            item: name.into(),
            line_no: None,
            column: "决算数".into(),
            amount: Amount::ZERO,
            decimals: 2,
            raw: "0.00".into(),
            source_line: 1,
            page: None,
            flags: vec![],
            verified: false,
        }
    }

    #[test]
    fn garbled_names_take_the_known_or_voted_name() {
        let mut items = vec![
            row(Table::GeneralBudgetBasic, "30201", "か公費"),
            row(Table::GeneralBudgetBasic, "30102", "津贝占补卜贝占"),
            row(Table::Income, "2130101", "行歌运行"),
            row(Table::Expenditure, "2130101", "行政运行"),
            row(Table::GeneralBudgetExpenditure, "2130101", "行政运行"),
            row(Table::Income, "213", "农林水支岀"),
            // A different, legitimate name is left alone.
            row(Table::Income, "2130104", "病虫害控制"),
            row(Table::Expenditure, "2130104", "事业运行"),
        ];
        repair(&mut items);
        let names: Vec<&str> = items.iter().map(|i| i.item.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "办公费",
                "津贴补贴",
                "行政运行",
                "行政运行",
                "行政运行",
                "农林水支出",
                "病虫害控制",
                "事业运行"
            ]
        );
        assert_eq!(items[0].flags, vec![Flag::LabelRepaired]);
        assert!(items[3].flags.is_empty());
    }
}
