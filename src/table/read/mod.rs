//! Layout readers: a table block of decoded text into a [`CellGrid`].
//!
//! One reader per way converters lay a table out. Each knows how cells are
//! separated and where they stand, nothing of the nine tables.

mod flat;
mod positioned;
mod rotated;
mod stream;
mod tab;
mod totals;

pub use flat::ordered;
pub use positioned::positioned;
pub use rotated::{rotated, rotated_row};
pub(crate) use stream::code_rows;
pub use stream::stream;
pub use tab::tab_rows;
pub use totals::{RowsByTotals, by_row_totals};

use crate::decode::Text;

use super::grid::CellGrid;

/// How the lines of a block are laid out, decided on the lines themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockLayout {
    /// Cells split by TAB.
    Tabs,
    /// Cells aligned by runs of spaces (`pdftotext -layout`, pdfplumber's
    /// layout mode, PyMuPDF sorted text).
    Aligned,
    /// One table row per line, cells split by single spaces, blank cells
    /// gone (`pdftotext -raw`, pdfplumber's plain text).
    Flat,
    /// A cell per line, column by column or row by row (`pdftotext`
    /// default, PyMuPDF block order).
    Stream,
}

/// How many lines of a block have each shape: counted once per block, read
/// by both the grid model ([`LineShapes::layout`]) and the first column-major
/// reader ([`LineShapes::cell_per_line`]).
#[derive(Default)]
pub struct LineShapes {
    nonempty: usize,
    tabs: usize,
    aligned: usize,
    /// Words split by single spaces.
    flat: usize,
    /// One word.
    single: usize,
    /// One character (a header cell too narrow for two, printed down).
    single_char: usize,
    /// A name and an amount, several amounts, or the two sides' enumerated
    /// names (`四、上级补助收入 四、公共安全支出`), split by single spaces: a
    /// row, which a stream of cells never prints on one line.
    rows: usize,
}

impl LineShapes {
    pub fn of(text: &Text, body: std::ops::Range<usize>) -> LineShapes {
        let mut n = LineShapes::default();
        for i in body {
            let raw = text.raw_line(i);
            let t = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}');
            if t.is_empty() {
                continue;
            }
            n.nonempty += 1;
            if raw.contains('\t') {
                n.tabs += 1;
            } else if t.contains("  ") || indent(raw) >= if t.contains(' ') { 2 } else { 4 } {
                // Column alignment shows as runs of spaces between cells, or
                // as indentation of cells that start right of the first
                // column. A word indented by two or three spaces alone is
                // a cell of a stream as well (PyMuPDF keeps a name's own
                // indent within its cell: `  基本工资`).
                n.aligned += 1;
            } else if t.contains(' ') {
                n.flat += 1;
                let amounts = t
                    .split(' ')
                    .filter(|w| w.contains('.') && crate::amount::parse_printed(w).is_some())
                    .count();
                let enumerated = t
                    .split(' ')
                    .filter(|w| crate::text::split_enumerator(w).0.is_some())
                    .count();
                if amounts >= 2
                    || amounts == 1 && t.chars().any(crate::text::is_han)
                    || enumerated >= 2
                {
                    n.rows += 1;
                }
            } else {
                n.single += 1;
                if t.chars().count() == 1 {
                    n.single_char += 1;
                }
            }
        }
        n
    }

    /// TAB rows or column-aligned text, decided before flat or stream.
    fn gridded(&self) -> Option<BlockLayout> {
        if self.nonempty == 0 || self.tabs * 3 >= self.nonempty {
            Some(BlockLayout::Tabs)
        } else if self.aligned >= self.flat && self.aligned * 2 >= self.single {
            Some(BlockLayout::Aligned)
        } else {
            None
        }
    }

    /// Most lines hold one word: a cell per line, or flat text whose rows
    /// are mostly blank or wrapped.
    fn mostly_single(&self) -> bool {
        self.flat * 2 < self.single
    }

    /// The layout the lines call for.
    pub fn layout(&self) -> BlockLayout {
        self.gridded().unwrap_or(
            if !self.mostly_single()
                || self.rows >= 3 && self.rows * 4 >= self.single - self.single_char
            {
                BlockLayout::Flat
            } else {
                BlockLayout::Stream
            },
        )
    }

    /// Neither TAB rows nor aligned, and most lines one word: how the first
    /// column-major reader tells a cell per line, whatever [`Self::layout`]
    /// makes of the block (the two readings then compete on the identities).
    pub fn cell_per_line(&self) -> bool {
        self.gridded().is_none() && self.mostly_single()
    }

    /// Some lines print a whole row (a name and its amounts split by single
    /// spaces), which a stream of cells never does: flat text whose names
    /// wrap so often that most lines hold one word.
    pub fn prints_rows(&self) -> bool {
        self.rows >= 3
    }
}

/// Spaces before a line's first word (after a form feed).
fn indent(raw: &str) -> usize {
    let r = raw.trim_start_matches('\u{c}');
    r.len() - r.trim_start_matches(' ').len()
}

/// Decides the layout of lines `body` from their shapes.
pub fn detect(text: &Text, body: std::ops::Range<usize>) -> BlockLayout {
    LineShapes::of(text, body).layout()
}

/// Reads a block with the reader its layout calls for; `None` for streams,
/// which [`stream`] reads (or the first column-major reader).
pub fn read(text: &Text, lines: std::ops::Range<usize>, layout: BlockLayout) -> Option<CellGrid> {
    match layout {
        BlockLayout::Tabs => Some(tab_rows(text, lines)),
        BlockLayout::Aligned => Some(positioned(text, lines)),
        BlockLayout::Flat => Some(ordered(text, lines)),
        BlockLayout::Stream => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(doc: &str) -> (BlockLayout, bool) {
        let t = Text::from_string(doc);
        let n = LineShapes::of(&t, 0..t.len());
        (n.layout(), n.cell_per_line())
    }

    /// Flat text of a table whose header is printed a character per line
    /// (cells too narrow for two) and whose names wrap: most lines hold one
    /// word, but the rows that print a name with amounts say it is flat.
    #[test]
    fn flat_rows_outweigh_a_header_printed_down() {
        let mut doc = String::from("项目 决算数 项目 合计\n");
        for c in "政府性基金预算财政拨款国有资本经营预算".chars() {
            doc.push(c);
            doc.push('\n');
        }
        for (k, name) in ["教育", "科学", "卫生", "节能", "农林"].iter().enumerate() {
            doc.push_str(&format!(
                "{}、{name}\n{k}.00 {k}.00 0.00 0.00\n支出\n",
                k + 1
            ));
        }
        assert_eq!(layout(&doc), (BlockLayout::Flat, true));
    }

    /// pdfplumber's plain text of a two-sided table in narrow cells: nearly
    /// every name wraps, so most lines hold one word and the block reads as
    /// a stream, but lines printing a name with its amounts say it is flat
    /// text too; a stream of cells prints no such line.
    #[test]
    fn flat_text_of_wrapped_names_prints_rows_a_stream_does_not() {
        let mut flat = String::from("收入 支出\n");
        for (k, name) in ["教育", "科学", "卫生", "节能"].iter().enumerate() {
            flat.push_str(&format!("{}、{name}支出 {k}.50 {k}.50\n", k + 5));
            for word in [
                "十一、城乡社",
                "区支出",
                "十二、农林",
                "水支出",
                "十三、交通运",
                "输支出",
            ] {
                flat.push_str(word);
                flat.push('\n');
            }
        }
        let t = Text::from_string(&flat);
        let shapes = LineShapes::of(&t, 0..t.len());
        assert_eq!(
            (shapes.layout(), shapes.rows, shapes.single),
            (BlockLayout::Stream, 4, 24)
        );
        assert!(shapes.prints_rows());
        let stream = "五、教育支出\n2.50\n2.50\n六、科学技术支出\n九、卫生健康支出\n1.00\n1.00\n";
        let t = Text::from_string(stream);
        assert!(!LineShapes::of(&t, 0..t.len()).prints_rows());
    }

    /// PyMuPDF's block order prints a name with its own indent in the cell
    /// (`  基本工资`): a stream, though the line starts with spaces; a word
    /// standing further right alone is a column position (layout text).
    #[test]
    fn a_name_s_own_indent_is_no_column_position() {
        let mut doc = String::from("科目编码\n科目名称\n决算数\n301\n工资福利支出\n");
        for (code, name) in [
            ("30101", "基本工资"),
            ("30102", "津贴补贴"),
            ("30103", "奖金"),
            ("30107", "绩效工资"),
        ] {
            doc.push_str(&format!("1.00 {code}\n  {name}\n"));
        }
        assert_eq!(layout(&doc).0, BlockLayout::Stream);
        let mut layout_text = String::from("科目编码      科目名称      决算数\n");
        for name in ["基本工资", "津贴补贴", "奖金", "绩效工资"] {
            layout_text.push_str(&format!("            {name}\n"));
        }
        layout_text.push_str("30101         基本工资      1.00\n");
        assert_eq!(layout(&layout_text).0, BlockLayout::Aligned);
    }

    /// Flat text of a two-sided table whose rows are mostly blank and whose
    /// names wrap: the lines holding both sides' enumerated names say it is
    /// flat.
    #[test]
    fn both_sides_enumerated_names_on_a_line_are_a_flat_row() {
        let mut doc = String::from(
            "项目 决算数 项目 决算数\n一、一般公共预算财政拨款\n8.00 一、一般公共服务支出\n收入\n",
        );
        for line in [
            "二、上级补助收入 二、公共安全支出",
            "三、事业收入 三、教育支出",
            "四、经营收入 四、科学技术支出",
        ] {
            doc.push_str(line);
            doc.push('\n');
        }
        for name in [
            "五、卫生健康支出",
            "六、节能环保支出",
            "七、城乡社区支出",
            "八、农林水支出",
            "九、交通运输支出",
            "十、金融支出",
            "十一、住房保障支出",
            "十二、其他支出",
            "十三、国防支出",
            "十四、外交支出",
        ] {
            doc.push_str(name);
            doc.push('\n');
        }
        assert_eq!(layout(&doc).0, BlockLayout::Flat);
    }

    /// A cell per line with the odd line of two cells (a converter that
    /// merged two neighbours) is a stream.
    #[test]
    fn a_cell_per_line_is_a_stream() {
        let mut doc = String::from("科目编码\n科目名称\n合计\n");
        for k in 0..12 {
            doc.push_str(&format!("2080{k}\n行政运行\n{k}.50\n"));
        }
        doc.push_str("合计 6.00\n");
        assert_eq!(layout(&doc), (BlockLayout::Stream, true));
    }
}
