//! Performance self-evaluation tables (绩效自评表) into `indicators`.
//!
//! Tables are found by their titles (`…绩效自评表`, `…评价表`); each region
//! from a title to the next is read in the layout its lines show ([`rows`]),
//! then interpreted block by block ([`table`]), indicator rows being aligned
//! to their header by position and shape ([`align`]). Figures that belong to
//! the table rather than to an indicator (budget execution, 总分) go to
//! [`EvaluationSummary`] entries.

mod align;
mod rows;
mod table;
mod value;
mod vocab;

use crate::decode::Text;
use crate::model::{EvaluationSummary, Indicator};
use crate::segment::{HeadingLevel, Segmented};
use crate::text::squeeze;

use rows::Layout;

/// What the self-evaluation tables of a document yielded.
#[derive(Debug, Default)]
pub struct IndicatorsRead {
    pub indicators: Vec<Indicator>,
    pub evaluations: Vec<EvaluationSummary>,
    /// The layout the tables were read in: `flattened_pdf` or `cell_per_line`;
    /// `None` for TAB rows, whose documents take their shape from the
    /// standard tables.
    pub shape: Option<&'static str>,
}

pub fn extract(text: &Text, seg: &Segmented) -> IndicatorsRead {
    let titles = titles(text, seg);
    // Parts and numbered sections that are not table titles end a region
    // (the 自评报告 after the tables).
    let stops: Vec<usize> = seg
        .headings
        .iter()
        .filter(|h| {
            h.level == HeadingLevel::Part
                || (h.level == HeadingLevel::Section && !is_title(&squeeze(&h.title)))
        })
        .map(|h| h.line)
        .collect();
    let mut out = IndicatorsRead::default();
    let mut read_in: Vec<(Layout, usize)> = Vec::new();
    for (k, (line, title)) in titles.iter().enumerate() {
        let next_title = titles.get(k + 1).map_or(text.len(), |t| t.0);
        let next_stop = stops
            .get(stops.partition_point(|&s| s <= *line))
            .copied()
            .unwrap_or(text.len());
        let region = line + 1..next_title.min(next_stop);
        let layout = rows::detect(text, &region);
        let rows = rows::read(text, region, layout);
        for t in table::read(&rows, layout, title, *line) {
            if !t.has_header {
                continue;
            }
            let base = out.indicators.len();
            let mut summary = t.summary;
            summary.indicators = base + summary.indicators.start..base + summary.indicators.end;
            if !t.indicators.is_empty() {
                read_in.push((layout, t.indicators.len()));
            }
            out.indicators.extend(t.indicators);
            out.evaluations.push(summary);
        }
    }
    out.shape = dominant(&read_in).and_then(|l| match l {
        Layout::Flattened => Some("flattened_pdf"),
        Layout::CellPerLine => Some("cell_per_line"),
        Layout::Tabs => None,
    });
    out
}

/// The layout most indicators were read in.
fn dominant(read_in: &[(Layout, usize)]) -> Option<Layout> {
    [Layout::Flattened, Layout::CellPerLine, Layout::Tabs]
        .into_iter()
        .map(|l| {
            (
                l,
                read_in
                    .iter()
                    .filter(|r| r.0 == l)
                    .map(|r| r.1)
                    .sum::<usize>(),
            )
        })
        .filter(|&(_, n)| n > 0)
        .max_by_key(|&(_, n)| n)
        .map(|(l, _)| l)
}

/// Title lines of self-evaluation tables outside the table of contents. In
/// TAB layouts the title may be the only cell of a row; in flattened text its
/// last characters may wrap onto the next line (`…项目自` / `评表`).
fn titles(text: &Text, seg: &Segmented) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut prev: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        if seg.in_toc(i) {
            continue;
        }
        let mut cells = line.split('\t').filter(|c| !c.trim().is_empty());
        let (Some(first), None) = (cells.next(), cells.next()) else {
            prev = None;
            continue;
        };
        let t = squeeze(first);
        if t.is_empty() {
            continue;
        }
        if t.chars().count() <= 80 && is_title(&t) {
            out.push((i, t));
            prev = None;
            continue;
        }
        if let Some((p, head)) = prev.take()
            && t.chars().count() <= 8
            && out.last().is_none_or(|o| o.0 != p)
        {
            let joined = format!("{head}{t}");
            if joined.chars().count() <= 80 && is_title(&joined) {
                out.push((p, joined));
                continue;
            }
        }
        prev = Some((i, t));
    }
    out
}

/// `…项目绩效自评表`, `…整体支出绩效评价表`, `…绩效自评结果表`: a table of a
/// self-evaluation, not the 自评报告 prose.
fn is_title(t: &str) -> bool {
    t.ends_with('表') && ["自评", "绩效评价"].iter().any(|w| t.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::segment;

    /// A small deterministic generator: the fuzzers to come feed random
    /// input, these tests feed random arrangements of table vocabulary.
    struct Noise(u64);

    impl Noise {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[(self.next() % from.len() as u64) as usize]
        }
    }

    const PIECES: &[&str] = &[
        "2023年度某某项目绩效自评表\n",
        "部门整体绩效自评表\n",
        "\t",
        "\t",
        "\n",
        "\n\n",
        " ",
        "一级指标",
        "二级指标",
        "三级",
        "指标",
        "年初目标值(A)",
        "实际完成值(B)",
        "分值",
        "得分",
        "偏差原因",
        "产出指标",
        "数量指标",
        "满意",
        "度指",
        "标",
        "(20分)",
        "(",
        "分)",
        "≥",
        "90%",
        "12",
        "月底前",
        "2547.2077",
        "万",
        "元",
        "0.5",
        "100",
        "……",
        "\u{3000}",
        "项目名称",
        "预算数",
        "执行数",
        "执行率",
        "总分",
        "年度目标1:",
        "发展。",
        "·",
        "[",
        "』",
        "- ",
        "9.",
        "、",
        "满意度指标",
        "社会效益",
        "明显提高",
        "人",
        "元/人/",
        "第一部分",
        "一、",
    ];

    #[test]
    fn random_tables_never_panic() {
        let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
        for _ in 0..300 {
            let len = 20 + (noise.next() % 400) as usize;
            let doc: String = (0..len).map(|_| noise.pick(PIECES)).collect();
            let text = Text::from_string(&doc);
            let read = extract(&text, &segment(&text));
            for e in &read.evaluations {
                assert!(e.indicators.end <= read.indicators.len());
            }
            assert!(read.indicators.iter().all(|i| !i.name.is_empty()));
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut noise = Noise(42);
        for _ in 0..200 {
            let len = (noise.next() % 2000) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| noise.next() as u8).collect();
            if let Ok(text) = crate::decode::decode(&bytes) {
                extract(&text, &segment(&text));
            }
        }
    }

    #[test]
    fn huge_rows_are_no_tables() {
        let mut doc = String::from(
            "2023年度部门整体绩效自评表\n一级指标\t二级指标\t三级指标\t年初目标值\t实际完成值\t得分\n",
        );
        doc.push_str(&"产出指标\t".repeat(5000));
        doc.push('\n');
        doc.push_str(&"数量指标 培训人数 10人 12人 ".repeat(3000));
        let text = Text::from_string(&doc);
        extract(&text, &segment(&text));
    }
}
