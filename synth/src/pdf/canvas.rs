//! Pages and what is drawn on them: text placed glyph by glyph from the fonts'
//! advances, rules in the ways producers draw them, and the assembly of the pages
//! into a PDF file. Layout works in points from the top-left corner of the page as
//! read; the canvas turns that into PDF space (and into a rotated page's space).

use pdf_writer::types::TextRenderingMode;
use pdf_writer::{Content, Date, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::font::FontSet;

/// How a landscape page is made: a landscape MediaBox, or a portrait MediaBox
/// shown turned by `/Rotate 90` (content drawn turned the other way).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Landscape {
    MediaBox,
    Rotate90,
}

/// How table rules are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rules {
    /// One stroked path per rule (`m`/`l`/`S`), rules merged across cells (WPS).
    Stroked,
    /// Every cell edge a thin filled rectangle (`re f`) (Word 2010).
    Filled,
    /// Every cell's rectangle stroked, shared edges drawn twice.
    CellBorders,
    /// No rules: columns only by whitespace.
    None,
}

/// Extra advance between glyphs, and how it is written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Spacing {
    /// `extra` points after each glyph, set by `Tc`.
    Tc(f32),
    /// Each glyph placed by its own text matrix.
    Glyphs(f32),
    /// Glyph adjustments inside a `TJ` array.
    Kerned(f32),
}

impl Spacing {
    pub fn extra(self) -> f32 {
        match self {
            Spacing::Tc(e) | Spacing::Glyphs(e) | Spacing::Kerned(e) => e,
        }
    }
}

/// How bold text is faked (the CJK font has no bold face).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bold {
    /// Fill and stroke the glyph outlines (`2 Tr`).
    FillStroke,
    /// The text drawn twice, the second copy 0.3 pt to the right.
    Doubled,
}

/// What a text item looks like.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    pub size: f32,
    pub spacing: Option<Spacing>,
    pub bold: Option<Bold>,
}

impl Look {
    pub fn plain(size: f32) -> Look {
        Look {
            size,
            spacing: None,
            bold: None,
        }
    }
}

pub struct Page {
    content: Content,
    /// Size as read (landscape pages are wider than high).
    pub width: f32,
    pub height: f32,
    landscape: Option<Landscape>,
}

/// The pages of a document and its fonts.
pub struct Canvas {
    pub fonts: FontSet,
    pub pages: Vec<Page>,
    /// The page drawn on: the last started, or one selected again.
    current: usize,
    /// The gap producers leave between CJK and Latin text, in ems (Word's
    /// autospace), or 0.
    pub latin_gap: f32,
}

impl Canvas {
    pub fn new(fonts: FontSet, latin_gap: f32) -> Canvas {
        Canvas {
            fonts,
            pages: Vec::new(),
            current: 0,
            latin_gap,
        }
    }

    /// Starts a page of `size` (portrait width, height), turned when `landscape`.
    pub fn new_page(&mut self, size: (f32, f32), landscape: Option<Landscape>) {
        let (w, h) = size;
        let mut content = Content::new();
        let (width, height) = match landscape {
            None => (w, h),
            Some(Landscape::MediaBox) => (h, w),
            Some(Landscape::Rotate90) => {
                // Shown turned 90° clockwise: landscape (x, y) is portrait (w - y, x).
                content.transform([0.0, 1.0, -1.0, 0.0, w, 0.0]);
                (h, w)
            }
        };
        self.pages.push(Page {
            content,
            width,
            height,
            landscape,
        });
        self.current = self.pages.len() - 1;
    }

    /// Draws on an earlier page again (page numbers, once their count is known).
    pub fn select(&mut self, page: usize) {
        assert!(page < self.pages.len());
        self.current = page;
    }

    pub fn page(&self) -> &Page {
        &self.pages[self.current]
    }

    fn content(&mut self) -> (&mut Content, f32) {
        let p = &mut self.pages[self.current];
        (&mut p.content, p.height)
    }

    /// Width of `text` at `look`, gaps and spacing included.
    pub fn measure(&self, text: &str, look: Look) -> f32 {
        self.positions(text, look).1
    }

    /// Each glyph's x offset from the start, and the total width.
    fn positions(&self, text: &str, look: Look) -> (Vec<f32>, f32) {
        let extra = look.spacing.map_or(0.0, Spacing::extra);
        let mut xs = Vec::new();
        let mut x = 0.0;
        let mut prev: Option<char> = None;
        for c in text.chars() {
            if prev.is_some_and(|p| FontSet::spaced(p, c)) {
                x += self.latin_gap * look.size;
            }
            xs.push(x);
            x += self.fonts.advance(c) * look.size / 1000.0 + extra;
            prev = Some(c);
        }
        // The spacing after the last glyph is not part of the text's extent.
        (xs, if prev.is_some() { x - extra } else { 0.0 })
    }

    /// `text` broken into lines no wider than `width` (the first `indent` points
    /// narrower), as a word processor breaks Chinese: between any two characters,
    /// but never inside a number or Latin word, and never before closing punctuation.
    pub fn wrap(&self, text: &str, look: Look, width: f32, indent: f32) -> Vec<String> {
        let mut tokens: Vec<String> = Vec::new();
        let mut glued = false;
        for c in text.chars() {
            let word = c.is_ascii_alphanumeric() || ".,%-".contains(c);
            match tokens.last_mut() {
                Some(t) if word && glued => t.push(c),
                _ => tokens.push(c.to_string()),
            }
            glued = word;
        }
        let mut lines: Vec<Vec<String>> = vec![Vec::new()];
        for t in tokens {
            let room = width - if lines.len() == 1 { indent } else { 0.0 };
            let line = lines.last_mut().expect("a line");
            let candidate: String = line
                .iter()
                .map(String::as_str)
                .chain([t.as_str()])
                .collect();
            if line.is_empty() || self.measure(&candidate, look) <= room {
                line.push(t);
                continue;
            }
            let closing = "，。、；：）”！？%".contains(t.as_str());
            let carried = if closing && line.len() > 1 {
                line.pop()
            } else {
                None
            };
            lines.push(carried.into_iter().chain([t]).collect());
        }
        lines.into_iter().map(|l| l.concat()).collect()
    }

    /// Draws `text` on the current page with its baseline at `y` (from the top).
    pub fn text(&mut self, x: f32, y: f32, text: &str, look: Look) {
        if text.is_empty() {
            return;
        }
        let copies: &[f32] = match look.bold {
            Some(Bold::Doubled) => &[0.0, 0.3],
            _ => &[0.0],
        };
        for dx in copies {
            self.text_once(x + dx, y, text, look);
        }
    }

    fn text_once(&mut self, x: f32, y: f32, text: &str, look: Look) {
        let (xs, _) = self.positions(text, look);
        let runs = self.fonts.runs(text);
        let (c, height) = self.content();
        let y = height - y;
        c.begin_text();
        if look.bold == Some(Bold::FillStroke) {
            c.set_line_width(0.3);
            c.set_text_rendering_mode(TextRenderingMode::FillStroke);
        }
        if let Some(Spacing::Tc(tc)) = look.spacing {
            c.set_char_spacing(tc);
        }
        let mut i = 0;
        for run in &runs {
            c.set_font(run.font.resource(), look.size);
            match look.spacing {
                Some(Spacing::Glyphs(_)) => {
                    for (code, _) in &run.glyphs {
                        c.set_text_matrix([1.0, 0.0, 0.0, 1.0, x + xs[i], y]);
                        c.show(Str(code));
                        i += 1;
                    }
                }
                Some(Spacing::Kerned(extra)) => {
                    c.set_text_matrix([1.0, 0.0, 0.0, 1.0, x + xs[i], y]);
                    let mut tj = c.show_positioned();
                    let mut items = tj.items();
                    for (k, (code, _)) in run.glyphs.iter().enumerate() {
                        if k > 0 {
                            items.adjust(-extra * 1000.0 / look.size);
                        }
                        items.show(Str(code));
                    }
                    items.finish();
                    tj.finish();
                    i += run.glyphs.len();
                }
                _ => {
                    c.set_text_matrix([1.0, 0.0, 0.0, 1.0, x + xs[i], y]);
                    c.show(Str(&run.codes()));
                    i += run.glyphs.len();
                }
            }
        }
        if look.spacing.is_some() {
            c.set_char_spacing(0.0);
        }
        if look.bold == Some(Bold::FillStroke) {
            c.set_text_rendering_mode(TextRenderingMode::Fill);
        }
        c.end_text();
    }

    /// A horizontal or vertical rule from (x1, y1) to (x2, y2), `width` thick.
    pub fn rule(&mut self, (x1, y1): (f32, f32), (x2, y2): (f32, f32), width: f32, how: Rules) {
        let (c, height) = self.content();
        let (y1, y2) = (height - y1, height - y2);
        match how {
            Rules::Filled => {
                // A rectangle `width` thick centred on the rule.
                let (x, y) = (x1.min(x2) - width / 2.0, y1.min(y2) - width / 2.0);
                c.rect(x, y, (x2 - x1).abs() + width, (y2 - y1).abs() + width);
                c.fill_nonzero();
            }
            Rules::None => {}
            Rules::Stroked | Rules::CellBorders => {
                c.set_line_width(width);
                c.move_to(x1, y1);
                c.line_to(x2, y2);
                c.stroke();
            }
        }
    }

    /// A stroked rectangle (top-left corner, size).
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        let (c, height) = self.content();
        c.set_line_width(width);
        c.rect(x, height - y - h, w, h);
        c.stroke();
    }

    /// The PDF file: catalog, page tree, fonts, pages.
    pub fn finish(self, info: &Info, compress: bool) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let mut next = Ref::new(1);
        let catalog = next.bump();
        let tree = next.bump();
        let info_id = next.bump();
        let [cjk, latin] = self.fonts.write(&mut pdf, &mut next, compress);
        let ids: Vec<(Ref, Ref)> = self
            .pages
            .iter()
            .map(|_| (next.bump(), next.bump()))
            .collect();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(ids.iter().map(|p| p.0))
            .count(ids.len() as i32);
        {
            let mut d = pdf.document_info(info_id);
            d.title(TextStr(&info.title))
                .creator(TextStr(info.producer))
                .producer(TextStr(info.producer))
                .creation_date(Date::new(info.year as u16 + 1).month(3).day(15));
            d.finish();
        }
        for (page, (id, content)) in self.pages.into_iter().zip(ids) {
            let (w, h) = match page.landscape {
                None | Some(Landscape::MediaBox) => (page.width, page.height),
                Some(Landscape::Rotate90) => (page.height, page.width),
            };
            let mut p = pdf.page(id);
            p.parent(tree)
                .media_box(Rect::new(0.0, 0.0, w, h))
                .contents(content);
            if page.landscape == Some(Landscape::Rotate90) {
                p.rotate(90);
            }
            let mut resources = p.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Name(b"F1"), cjk);
            fonts.pair(Name(b"F2"), latin);
            fonts.finish();
            resources.finish();
            p.finish();
            let bytes = page.content.finish();
            super::font::stream(&mut pdf, content, &bytes, compress, |_| {});
        }
        pdf.finish()
    }
}

/// The document information dictionary.
pub struct Info {
    pub title: String,
    pub producer: &'static str,
    pub year: u32,
}

/// Page margins in points: top, bottom, left, right (of the page as read).
#[derive(Clone, Copy, Debug)]
pub struct Margins {
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

/// The canvas and a cursor running down the pages.
pub struct Flow {
    pub canvas: Canvas,
    /// Baseline cursor: the top of the next thing drawn, from the page's top.
    pub y: f32,
    /// Portrait page size.
    pub size: (f32, f32),
    pub margins: Margins,
    landscape: Option<Landscape>,
}

impl Flow {
    pub fn new(canvas: Canvas, size: (f32, f32), margins: Margins) -> Flow {
        Flow {
            canvas,
            y: 0.0,
            size,
            margins,
            landscape: None,
        }
    }

    /// Starts a page, landscape or not; the cursor at its top margin.
    pub fn page(&mut self, landscape: Option<Landscape>) {
        self.canvas.new_page(self.size, landscape);
        self.landscape = landscape;
        self.y = self.margins.top;
    }

    pub fn landscape(&self) -> Option<Landscape> {
        self.landscape
    }

    pub fn left(&self) -> f32 {
        self.margins.left
    }

    pub fn width(&self) -> f32 {
        self.canvas.page().width - self.margins.left - self.margins.right
    }

    pub fn bottom(&self) -> f32 {
        self.canvas.page().height - self.margins.bottom
    }

    /// Breaks the page unless `h` more points fit above the bottom margin.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom() && self.y > self.margins.top {
            self.page(self.landscape);
        }
    }
}
