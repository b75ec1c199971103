//! The PDF shape: an [`Accounts`] drawn as the PDF report a department publishes
//! (cover, 目录, 部门概况, the nine tables, 情况说明, 名词解释), with what real
//! producers vary drawn at random per document: how rules are drawn (or not),
//! column widths and font sizes, wrapped and merged headers, split subject codes,
//! cell alignment, blank columns, table 06 in one or two panels, tables broken
//! across pages with or without their header, landscape pages (turned MediaBox or
//! `/Rotate 90`), justified prose (`Tc`, glyph by glyph, or `TJ` adjustments),
//! bold faked by stroking or by drawing twice, page headers and numbers.
//!
//! The text converters users run (pdftotext, pdfplumber, PyMuPDF) then make of it
//! what they make of real reports; `scripts/render-converters` runs them.

mod canvas;
mod font;
mod table;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use crate::model::{Accounts, Body, CodedRow, SideCell, Table, money};
use crate::render;
use crate::rng::Rng;
use canvas::{Bold, Canvas, Flow, Info, Landscape, Look, Margins, Rules, Spacing};
use font::{FontSet, Latin};
use table::{Align, Cell, Column, TableSpec, TableStyle, VAlign};

pub use font::{CJK_FONT_ENV, CJK_FONT_PATH};

/// Fails with the install hint when the CJK font the PDF shape embeds is missing.
pub fn font_available() -> Result<(), String> {
    font::cjk_face().map(|_| ())
}

/// A drawn variant, recorded so tests can see that every one is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Variant {
    Rules(Rules),
    VAlign(VAlign),
    Landscape(Landscape),
    SplitCodes,
    JoinedCodes,
    Table06OnePanel,
    Table06TwoPanels,
    Table09BudgetFirst,
    Table09OutlayFirst,
    /// A table continued on another page, with its header repeated or not.
    BrokenTable {
        head_repeated: bool,
    },
    /// A header cell wrapped onto at least 3 lines.
    WrappedHead,
    /// A body cell (a name) wrapped onto at least 2 lines.
    WrappedName,
    BlankColumn,
    Justified(Justify),
    Bold(Bold),
    PageNumbers,
    RunningHead,
    /// Cells end in a space glyph (Word).
    CellSpaces,
    /// Table text written column by column in the content stream.
    ColumnOrder,
    Uncompressed,
}

/// How justified prose lines spread their extra width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Justify {
    CharSpacing,
    GlyphByGlyph,
    Kerned,
}

pub struct RenderedPdf {
    pub bytes: Vec<u8>,
    /// Table 06 drawn in two panels side by side (converters that read column
    /// by column interleave them).
    pub scattered_basic: bool,
    /// Factor from 万元 to the printed unit.
    pub factor: i64,
    pub drawn: BTreeSet<Variant>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PageNumbers {
    Dashed,
    Di,
    DiOf,
    Plain,
}

/// Everything drawn at random for one document.
struct Style {
    producer: &'static str,
    size: (f32, f32),
    margins: Margins,
    prose: Look,
    leading: f32,
    justify: Option<Justify>,
    bold: Option<Bold>,
    /// How wide tables are turned; `None`: they shrink to the portrait width.
    landscape: Option<Landscape>,
    numbers: Option<PageNumbers>,
    running_head: bool,
    table: TableStyle,
    /// Share (percent) of tables drawn without rules.
    unruled: u64,
    table_per_page: bool,
    split_codes: bool,
    project_head: bool,
    code_label: &'static str,
    indent_children: bool,
    total_last: bool,
    zeros_blank: bool,
    column_numbers: bool,
    line_numbers: bool,
    /// How table 04 heads its first expenditure column.
    right_total: &'static str,
    dept_line: bool,
    two_panels_06: bool,
    group_head_06: bool,
    outlays_by_item: bool,
    outlays_title_row: bool,
    empty_note: bool,
    compress: bool,
}

impl Style {
    fn draw(rng: &mut Rng) -> Style {
        // The producer decides the usual rule drawing and page size.
        let (producer, rules, size) = match rng.range(0, 9) {
            0..=4 => ("Microsoft® Word 2010", Rules::Filled, (595.32, 841.92)),
            5..=7 => ("WPS Office", Rules::Stroked, (595.0, 842.0)),
            _ => ("Microsoft® Excel 2016", Rules::CellBorders, (595.2, 841.8)),
        };
        let prose_size = *rng.pick(&[10.5, 12.0, 12.0, 14.0]);
        let margins = if rng.chance(50) {
            Margins {
                top: 72.0,
                bottom: 72.0,
                left: 90.0,
                right: 90.0,
            }
        } else {
            Margins {
                top: rng.range(50, 80) as f32,
                bottom: rng.range(50, 80) as f32,
                left: rng.range(45, 80) as f32,
                right: rng.range(45, 80) as f32,
            }
        };
        let table = TableStyle {
            rules,
            rule_width: *rng.pick(&[0.48, 0.5, 0.75, 0.96, 1.0]),
            size: *rng.pick(&[8.0, 9.0, 9.0, 10.0, 10.5]),
            leading: [1.15, 1.25, 1.4][rng.range(0, 2) as usize],
            // Word's and WPS's default cell margin is 5.4 pt; Excel's is narrower.
            pad: rng.range(3, 6) as f32,
            min_row: rng.range(14, 24) as f32,
            valign: if rng.chance(50) {
                VAlign::Middle
            } else {
                VAlign::Top
            },
            code_ems: rng.range(3, 7) as f32,
            name_ems: rng.range(5, 14) as f32,
            label_ems: rng.range(8, 16) as f32,
            amount_ems: rng.range(3, 7) as f32,
            fill: rng.chance(60),
            repeat_head: rng.chance(60),
            cell_space: rules == Rules::Filled && rng.chance(70),
            column_order: rules != Rules::Filled && rng.chance(35),
        };
        Style {
            producer,
            size,
            margins,
            prose: Look::plain(prose_size),
            leading: [1.5, 1.8, 2.0][rng.range(0, 2) as usize],
            justify: match rng.range(0, 9) {
                0..=2 => None,
                3..=5 => Some(Justify::CharSpacing),
                6..=7 => Some(Justify::GlyphByGlyph),
                _ => Some(Justify::Kerned),
            },
            bold: match rng.range(0, 9) {
                0..=4 => None,
                5..=7 => Some(Bold::FillStroke),
                _ => Some(Bold::Doubled),
            },
            landscape: match rng.range(0, 9) {
                0..=4 => Some(Landscape::MediaBox),
                5..=6 => Some(Landscape::Rotate90),
                _ => None,
            },
            numbers: match rng.range(0, 9) {
                0..=1 => None,
                2..=4 => Some(PageNumbers::Dashed),
                5..=6 => Some(PageNumbers::Di),
                7 => Some(PageNumbers::DiOf),
                _ => Some(PageNumbers::Plain),
            },
            running_head: rng.chance(30),
            table,
            unruled: *rng.pick(&[0, 0, 0, 10, 30, 100]),
            table_per_page: rng.chance(75),
            split_codes: rng.chance(30),
            project_head: rng.chance(60),
            code_label: ["科目编码", "功能分类科目编码", "科目代码"][rng.range(0, 2) as usize],
            indent_children: rng.chance(40),
            total_last: rng.chance(20),
            zeros_blank: rng.chance(60),
            column_numbers: rng.chance(20),
            line_numbers: rng.chance(25),
            right_total: ["合计", "小计"][rng.range(0, 1) as usize],
            dept_line: rng.chance(40),
            two_panels_06: rng.chance(60),
            group_head_06: rng.chance(50),
            outlays_by_item: rng.chance(50),
            outlays_title_row: rng.chance(50),
            empty_note: rng.chance(50),
            compress: rng.chance(90),
        }
    }

    fn title(&self, size: f32) -> Look {
        Look {
            size,
            spacing: None,
            bold: self.bold,
        }
    }
}

/// Draws `acc` as a PDF report; the draws continue `rng`.
pub fn render(acc: &Accounts, rng: &mut Rng) -> Result<RenderedPdf, String> {
    let face = font::cjk_face()?;
    let style = Style::draw(rng);
    let latin = if rng.chance(60) {
        Latin::Times
    } else {
        Latin::Helvetica
    };
    let latin_gap = if rng.chance(60) { 0.25 } else { 0.0 };
    let canvas = Canvas::new(FontSet::new(face, latin), latin_gap);
    let mut d = Drawer {
        flow: Flow::new(canvas, style.size, style.margins),
        style,
        drawn: BTreeSet::new(),
    };
    let y = acc.year;
    let title = format!("{}{y}年度部门决算", acc.full_name());

    // Cover.
    d.flow.page(None);
    d.flow.y = d.flow.canvas.page().height * 0.3;
    for line in [acc.full_name(), format!("{y}年度部门决算")] {
        d.centered(&line, d.style.title(24.0), 2.0);
    }
    // 目录.
    d.flow.page(None);
    d.centered("目录", d.style.title(16.0), 2.5);
    for entry in render::contents(acc) {
        d.paragraph(&entry, 0.0, false);
    }
    // 第一部分 部门概况.
    d.flow.page(None);
    d.heading("第一部分 部门概况");
    let (duties, units) = render::overview(&acc.department, y, rng);
    d.heading("一、部门主要职责");
    for p in duties {
        d.paragraph(&p, 2.0, true);
    }
    d.heading("二、机构设置情况");
    d.paragraph(&units, 2.0, true);

    // 第二部分: the tables.
    d.flow.page(None);
    d.heading(&format!("第二部分 {y}年度部门决算表"));
    let (unit, factor) = render::printed_unit(rng);
    let mut scattered_basic = false;
    for (i, t) in acc.tables.iter().enumerate() {
        let printed = if factor == 1 {
            t.clone()
        } else {
            render::scaled(t, factor)
        };
        scattered_basic |= d.table(acc, i, &printed, unit, rng);
    }

    // 第三部分: 情况说明.
    d.flow.page(None);
    d.heading(&format!("第三部分 {y}年度部门决算情况说明"));
    for p in &acc.prose {
        if render::is_heading(p) {
            d.heading(p);
        } else {
            d.paragraph(p, 2.0, true);
        }
    }
    d.heading(&render::assets_heading(acc));
    d.paragraph(&render::assets(y, rng), 2.0, true);
    d.heading("第四部分 名词解释");
    for entry in render::terms() {
        d.paragraph(&entry, 2.0, true);
    }
    d.page_furniture(&title);
    if let Some(b) = d.style.bold {
        d.drawn.insert(Variant::Bold(b));
    }
    if !d.style.compress {
        d.drawn.insert(Variant::Uncompressed);
    }
    let info = Info {
        title,
        producer: d.style.producer,
        year: y,
    };
    let bytes = d.flow.canvas.finish(&info, d.style.compress);
    Ok(RenderedPdf {
        bytes,
        scattered_basic,
        factor,
        drawn: d.drawn,
    })
}

struct Drawer {
    flow: Flow,
    style: Style,
    drawn: BTreeSet<Variant>,
}

impl Drawer {
    fn centered(&mut self, text: &str, look: Look, leading: f32) {
        let h = look.size * leading;
        let width = self.flow.width();
        let lines = self.flow.canvas.wrap(text, look, width, 0.0);
        for line in lines {
            self.flow.ensure(h);
            let w = self.flow.canvas.measure(&line, look);
            let x = self.flow.left() + (width - w) / 2.0;
            self.flow
                .canvas
                .text(x, self.flow.y + look.size, &line, look);
            self.flow.y += h;
        }
    }

    fn heading(&mut self, text: &str) {
        let look = self.style.title(self.style.prose.size + 1.5);
        self.flow.ensure(look.size * 4.0);
        self.flow.y += look.size * 0.5;
        self.left(text, look, 0.0);
    }

    /// Text from the left margin, wrapped, not justified.
    fn left(&mut self, text: &str, look: Look, indent: f32) {
        let h = look.size * self.style.leading;
        let lines = self.flow.canvas.wrap(text, look, self.flow.width(), indent);
        for (i, line) in lines.iter().enumerate() {
            self.flow.ensure(h);
            let x = self.flow.left() + if i == 0 { indent } else { 0.0 };
            self.flow
                .canvas
                .text(x, self.flow.y + look.size, line, look);
            self.flow.y += h;
        }
    }

    /// A paragraph, its first line indented `indent` ems, its lines but the last
    /// justified when `justify` and the document justifies.
    fn paragraph(&mut self, text: &str, indent: f32, justify: bool) {
        let look = self.style.prose;
        let indent = indent * look.size;
        let h = look.size * self.style.leading;
        let width = self.flow.width();
        let lines = self.flow.canvas.wrap(text, look, width, indent);
        let n = lines.len();
        for (i, line) in lines.iter().enumerate() {
            self.flow.ensure(h);
            let lead = if i == 0 { indent } else { 0.0 };
            let mut l = look;
            if let (true, Some(how), true) = (justify, self.style.justify, i + 1 < n) {
                let natural = self.flow.canvas.measure(line, look);
                let glyphs = line.chars().count();
                if glyphs > 1 {
                    let extra = (width - lead - natural) / (glyphs - 1) as f32;
                    l.spacing = Some(match how {
                        Justify::CharSpacing => Spacing::Tc(extra),
                        Justify::GlyphByGlyph => Spacing::Glyphs(extra),
                        Justify::Kerned => Spacing::Kerned(extra),
                    });
                    self.drawn.insert(Variant::Justified(how));
                }
            }
            let x = self.flow.left() + lead;
            self.flow.canvas.text(x, self.flow.y + look.size, line, l);
            self.flow.y += h;
        }
        self.flow.y += look.size * 0.3;
    }

    /// Page numbers and running heads, once the page count is known.
    fn page_furniture(&mut self, title: &str) {
        let pages = self.flow.canvas.pages.len();
        let look = Look::plain(9.0);
        for p in 1..pages {
            self.flow.canvas.select(p);
            let (w, h) = {
                let page = self.flow.canvas.page();
                (page.width, page.height)
            };
            if let Some(numbers) = self.style.numbers {
                let text = match numbers {
                    PageNumbers::Dashed => format!("- {} -", p + 1),
                    PageNumbers::Di => format!("第 {} 页", p + 1),
                    PageNumbers::DiOf => format!("第 {} 页 共 {pages} 页", p + 1),
                    PageNumbers::Plain => (p + 1).to_string(),
                };
                let tw = self.flow.canvas.measure(&text, look);
                let y = h - self.style.margins.bottom / 2.0;
                self.flow.canvas.text((w - tw) / 2.0, y, &text, look);
                self.drawn.insert(Variant::PageNumbers);
            }
            if self.style.running_head {
                let y = self.style.margins.top / 2.0;
                let (l, r) = (self.style.margins.left, w - self.style.margins.right);
                let tw = self.flow.canvas.measure(title, look);
                self.flow.canvas.text(r - tw, y, title, look);
                self.flow
                    .canvas
                    .rule((l, y + 4.0), (r, y + 4.0), 0.5, Rules::Stroked);
                self.drawn.insert(Variant::RunningHead);
            }
        }
    }

    /// One standard table with its title, unit and note; true when table 06 was
    /// drawn in two panels.
    fn table(&mut self, acc: &Accounts, i: usize, t: &Table, unit: &str, rng: &mut Rng) -> bool {
        let mut ts = self.style.table.clone();
        if rng.chance(self.style.unruled) {
            ts.rules = Rules::None;
        }
        self.drawn.insert(Variant::Rules(ts.rules));
        self.drawn.insert(Variant::VAlign(ts.valign));
        if ts.cell_space {
            self.drawn.insert(Variant::CellSpaces);
        }
        if ts.column_order {
            self.drawn.insert(Variant::ColumnOrder);
        }
        let (spec, two_panels) = self.spec(t);
        // Wide tables go on landscape pages when the document turns pages.
        let portrait = self.style.size.0 - self.style.margins.left - self.style.margins.right;
        let wide = table::natural_width(&self.flow.canvas, &spec, &ts) > portrait;
        let landscape = self.style.landscape.filter(|_| wide);
        if let Some(l) = landscape {
            self.drawn.insert(Variant::Landscape(l));
        }
        if self.style.table_per_page || landscape != self.flow.landscape() {
            self.flow.page(landscape);
        } else {
            self.flow.ensure(200.0);
        }
        let title_look = self.style.title(*rng.pick(&[12.0, 14.0, 15.0, 16.0]));
        if rng.chance(30) {
            // Some reports head each table with its 目录 entry too.
            self.left(&render::table_heading(i, t), self.style.prose, 0.0);
        }
        self.centered(t.title, title_look, 1.8);
        let small = Look::plain(ts.size.max(9.0));
        let line_h = small.size * 1.6;
        let right = self.flow.left() + self.flow.width();
        let unit_text = format!("单位：{unit}");
        let uw = self.flow.canvas.measure(&unit_text, small);
        if self.style.dept_line {
            let code = format!("公开{:02}表", i + 1);
            let cw = self.flow.canvas.measure(&code, small);
            self.flow
                .canvas
                .text(right - cw, self.flow.y + small.size, &code, small);
            self.flow.y += line_h;
            let dept = format!("编制部门：{}", acc.department);
            self.flow
                .canvas
                .text(self.flow.left(), self.flow.y + small.size, &dept, small);
        }
        self.flow
            .canvas
            .text(right - uw, self.flow.y + small.size, &unit_text, small);
        self.flow.y += line_h;
        let before = self.flow.canvas.pages.len();
        let drawn = table::draw(&mut self.flow, &spec, &ts);
        if self.flow.canvas.pages.len() > before {
            self.drawn.insert(Variant::BrokenTable {
                head_repeated: ts.repeat_head,
            });
        }
        if drawn.head_lines >= 3 {
            self.drawn.insert(Variant::WrappedHead);
        }
        if drawn.body_lines >= 2 {
            self.drawn.insert(Variant::WrappedName);
        }
        let note_look = Look::plain(ts.size.max(8.0));
        self.flow.y += 2.0;
        self.left(note(t.code), note_look, 0.0);
        let empty = matches!(&t.body, Body::Coded { rows, .. } if rows.iter().all(|r| r.amounts.iter().all(Option::is_none)));
        if empty && self.style.empty_note {
            let what = if t.code == "07" {
                "政府性基金预算财政拨款收入和支出"
            } else {
                "国有资本经营预算财政拨款支出"
            };
            let text = format!("说明：{}本年度没有{what}，故本表无数据。", acc.department);
            self.left(&text, note_look, 0.0);
        }
        self.flow.y += self.style.prose.size;
        two_panels
    }

    fn amount(&self, a: Option<i64>) -> String {
        match a {
            Some(0) if self.style.zeros_blank => String::new(),
            Some(v) => money(v),
            None => String::new(),
        }
    }

    /// The table description of `t` in this document's way; true when table 06
    /// is in two panels.
    fn spec(&mut self, t: &Table) -> (TableSpec, bool) {
        let s = |x: &str| x.to_string();
        let st = &self.style;
        let project = |p: Vec<String>| -> Vec<String> {
            if st.project_head {
                [vec![s("项目")], p].concat()
            } else {
                p
            }
        };
        match &t.body {
            Body::Coded { columns, rows } => {
                let split = st.split_codes;
                self.drawn.insert(if split {
                    Variant::SplitCodes
                } else {
                    Variant::JoinedCodes
                });
                let mut kinds = Vec::new();
                let mut paths = Vec::new();
                if split {
                    for part in ["类", "款", "项"] {
                        kinds.push(Column::Number);
                        paths.push(project(vec![s(st.code_label), s(part)]));
                    }
                } else {
                    kinds.push(Column::Code);
                    paths.push(project(vec![s(st.code_label)]));
                }
                let codes = kinds.len();
                kinds.push(Column::Name);
                paths.push(project(vec![s("科目名称")]));
                for c in columns {
                    kinds.push(Column::Amount);
                    paths.push(c.split('/').map(s).collect());
                }
                let mut spec = TableSpec::with_paths(kinds, &paths);
                if st.column_numbers {
                    let mut row = vec![Cell::new("栏次", Align::Center).spanning(codes + 1)];
                    row.extend(
                        (1..=columns.len()).map(|n| Cell::new(n.to_string(), Align::Center)),
                    );
                    spec.body.push(row);
                }
                let mut body: Vec<Vec<Cell>> = Vec::new();
                let (indent, total_last) = (st.indent_children, st.total_last);
                for r in rows {
                    let mut row = Vec::new();
                    match &r.code {
                        None => row.push(Cell::new(&r.name, Align::Center).spanning(codes + 1)),
                        Some(code) => {
                            if split {
                                for part in [code.get(..3), code.get(3..5), code.get(5..)] {
                                    row.push(Cell::new(part.unwrap_or(""), Align::Left));
                                }
                            } else {
                                row.push(Cell::new(code, Align::Left));
                            }
                            let depth = (code.len() as f32 - 3.0) / 2.0;
                            let ems = if indent { depth } else { 0.0 };
                            row.push(Cell::new(&r.name, Align::Left).indented(ems));
                        }
                    }
                    for a in &r.amounts {
                        row.push(Cell::new(self.amount(*a), Align::Right));
                    }
                    body.push(row);
                }
                if total_last && body.len() > 1 {
                    let total = body.remove(0);
                    body.push(total);
                }
                self.note_blank_columns(&body);
                spec.body.extend(body);
                (spec, false)
            }
            Body::TwoSided {
                left_columns,
                right_columns,
                rows,
            } => {
                let numbers = st.line_numbers;
                let mut kinds = Vec::new();
                let mut paths = Vec::new();
                let total_word = st.right_total;
                for (side, cols) in [("收入", left_columns), ("支出", right_columns)] {
                    kinds.push(Column::Label);
                    paths.push(vec![s(side), s("项目")]);
                    if numbers {
                        kinds.push(Column::Number);
                        paths.push(vec![s(side), s("行次")]);
                    }
                    for c in cols.iter() {
                        kinds.push(Column::Amount);
                        let c = if *c == "小计" { total_word } else { c };
                        paths.push(vec![s(side), s(c)]);
                    }
                }
                let mut spec = TableSpec::with_paths(kinds, &paths);
                let n = rows.len();
                let mut body = Vec::new();
                for (k, (l, r)) in rows.iter().enumerate() {
                    let mut row = Vec::new();
                    for (side, cell, width, line) in [
                        (0, l, left_columns.len(), k + 1),
                        (1, r, right_columns.len(), n + k + 1),
                    ] {
                        let _ = side;
                        match cell {
                            Some(SideCell { label, amounts, .. }) => {
                                let align = if label.contains('、') {
                                    Align::Left
                                } else {
                                    Align::Center
                                };
                                row.push(Cell::new(label, align));
                                if numbers {
                                    row.push(Cell::new(line.to_string(), Align::Center));
                                }
                                for a in amounts {
                                    row.push(Cell::new(self.amount(*a), Align::Right));
                                }
                            }
                            None => {
                                row.push(Cell::new("", Align::Left));
                                if numbers {
                                    row.push(Cell::new(line.to_string(), Align::Center));
                                }
                                row.extend((0..width).map(|_| Cell::new("", Align::Right)));
                            }
                        }
                    }
                    body.push(row);
                }
                self.note_blank_columns(&body);
                spec.body = body;
                (spec, false)
            }
            Body::Groups {
                personnel,
                public,
                totals,
            } => {
                let two = st.two_panels_06;
                let label = if st.code_label == "科目代码" {
                    "科目代码"
                } else {
                    "经济分类科目编码"
                };
                let head = |group: &str| -> Vec<Vec<String>> {
                    let g = |x: &str| {
                        if st.group_head_06 {
                            vec![s(group), s(x)]
                        } else {
                            vec![s(x)]
                        }
                    };
                    vec![g(label), g("科目名称"), g("决算数")]
                };
                let columns = [Column::Code, Column::Name, Column::Amount];
                let indent = st.indent_children;
                let cells = |r: Option<&CodedRow>, amount: String| -> Vec<Cell> {
                    match r {
                        Some(r) => {
                            let code = r.code.as_deref().unwrap_or("");
                            let ems = if indent && code.len() > 3 { 1.0 } else { 0.0 };
                            vec![
                                Cell::new(code, Align::Left),
                                Cell::new(&r.name, Align::Left).indented(ems),
                                Cell::new(amount, Align::Right),
                            ]
                        }
                        None => vec![
                            Cell::new("", Align::Left),
                            Cell::new("", Align::Left),
                            Cell::new("", Align::Right),
                        ],
                    }
                };
                let total = |label: &str, amount: String| {
                    vec![
                        Cell::new(label, Align::Center).spanning(2),
                        Cell::new(amount, Align::Right),
                    ]
                };
                let amounts = |d: &Self, rows: &[CodedRow]| -> Vec<String> {
                    rows.iter().map(|r| d.amount(r.amounts[0])).collect()
                };
                let (pa, qa) = (amounts(self, personnel), amounts(self, public));
                let (pt, qt) = (self.amount(totals[0]), self.amount(totals[1]));
                let spec = if two {
                    self.drawn.insert(Variant::Table06TwoPanels);
                    let paths = [head("人员经费"), head("公用经费")].concat();
                    let mut spec = TableSpec::with_paths([columns, columns].concat(), &paths);
                    for k in 0..personnel.len().max(public.len()) {
                        let left = cells(personnel.get(k), pa.get(k).cloned().unwrap_or_default());
                        let right = cells(public.get(k), qa.get(k).cloned().unwrap_or_default());
                        spec.body.push([left, right].concat());
                    }
                    spec.body
                        .push([total("人员经费合计", pt), total("公用经费合计", qt)].concat());
                    spec
                } else {
                    self.drawn.insert(Variant::Table06OnePanel);
                    let mut spec = TableSpec::with_paths(columns.to_vec(), &head("基本支出"));
                    for (rows, amounts, label, t) in [
                        (personnel, pa, "人员经费合计", pt),
                        (public, qa, "公用经费合计", qt),
                    ] {
                        for (r, a) in rows.iter().zip(amounts) {
                            spec.body.push(cells(Some(r), a));
                        }
                        spec.body.push(total(label, t));
                    }
                    spec
                };
                (spec, two)
            }
            Body::ThreeOutlays { budget, actual } => {
                const ITEMS: [&[&str]; 6] = [
                    &["合计"],
                    &["因公出国（境）费"],
                    &["公务用车购置及运行维护费", "小计"],
                    &["公务用车购置及运行维护费", "公务用车购置费"],
                    &["公务用车购置及运行维护费", "公务用车运行维护费"],
                    &["公务接待费"],
                ];
                let by_item = st.outlays_by_item;
                let top: Vec<String> = if st.outlays_title_row {
                    vec![s("财政拨款“三公”经费")]
                } else {
                    Vec::new()
                };
                let mut paths = Vec::new();
                let mut cells = Vec::new();
                let heads = [("预算数", budget), ("决算数", actual)];
                if by_item {
                    self.drawn.insert(Variant::Table09OutlayFirst);
                    for (k, item) in ITEMS.iter().enumerate() {
                        for (head, values) in heads {
                            let path = item.iter().map(|x| s(x)).chain([s(head)]);
                            paths.push(top.iter().cloned().chain(path).collect());
                            cells.push(self.amount(values[k]));
                        }
                    }
                } else {
                    self.drawn.insert(Variant::Table09BudgetFirst);
                    for (head, values) in heads {
                        for (k, item) in ITEMS.iter().enumerate() {
                            let path = [s(head)].into_iter().chain(item.iter().map(|x| s(x)));
                            paths.push(top.iter().cloned().chain(path).collect());
                            cells.push(self.amount(values[k]));
                        }
                    }
                }
                let mut spec = TableSpec::with_paths(vec![Column::Amount; 12], &paths);
                spec.body.push(
                    cells
                        .into_iter()
                        .map(|c| Cell::new(c, Align::Right))
                        .collect(),
                );
                (spec, false)
            }
        }
    }

    fn note_blank_columns(&mut self, body: &[Vec<Cell>]) {
        // A column (by position in rows without spans) that is blank in every row.
        let width = body.iter().map(Vec::len).max().unwrap_or(0);
        let blank = (0..width).any(|c| {
            body.iter()
                .filter(|r| r.len() == width)
                .all(|r| r[c].text.is_empty())
        });
        if blank {
            self.drawn.insert(Variant::BlankColumn);
        }
    }
}

/// The note under each table, as the Ministry's template words it.
fn note(code: &str) -> &'static str {
    match code {
        "01" => "注：本表反映部门本年度的总收支和年末结转结余情况。",
        "02" => "注：本表反映部门本年度取得的各项收入情况。",
        "03" => "注：本表反映部门本年度各项支出情况。",
        "04" => "注：本表反映部门本年度财政拨款总收支和结转结余情况。",
        "05" => "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
        "06" => "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
        "07" => "注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。",
        "08" => "注：本表反映部门本年度国有资本经营预算财政拨款支出情况。",
        _ => "注：本表反映部门本年度“三公”经费支出预决算情况。",
    }
}
