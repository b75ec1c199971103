//! The PDF library boundary: bytes in, per page the glyphs and the ruling
//! segments in one coordinate system. Nothing outside this file names a
//! `hayro` type.
//!
//! Coordinates are PDF points with the origin at the top-left corner of the
//! page and y growing downwards, after the page's `/Rotate` and after turning
//! the content so that most of the page's text reads left to right (a
//! landscape table printed sideways on a portrait page comes out upright).

use super::PdfError;
use hayro_interpret::font::GlyphRun;
use hayro_interpret::hayro_cmap::BfString;
use hayro_interpret::hayro_syntax::page::Rotation;
use hayro_interpret::hayro_syntax::{LoadPdfError, Pdf};
use hayro_interpret::kurbo::{Affine, BezPath, PathEl, Point, Rect, Vec2};
use hayro_interpret::{
    BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps,
    InterpreterCache, InterpreterSettings, Paint, SoftMask, TransformExt, interpret_page,
};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Text of a glyph whose font gives no Unicode value for it (no `ToUnicode`
/// map, no usable glyph name).
pub const UNMAPPED: &str = "\u{FFFD}";

/// One page as the layout step sees it.
#[derive(Clone, Debug, Default)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Width and height in points, after rotation.
    pub width: f64,
    pub height: f64,
    /// Clockwise rotation applied to the page as stored (`/Rotate` plus the
    /// turn that makes the text upright), in degrees: 0, 90, 180 or 270.
    pub rotation: u16,
    /// Glyphs in drawing order; a glyph drawn twice (fill then stroke, or
    /// offset copies for bold) appears twice here.
    pub glyphs: Vec<Glyph>,
    /// Straight horizontal and vertical segments drawn by strokes and by thin
    /// filled rectangles, unsnapped.
    pub rules: Vec<Rule>,
    /// Share of the page area covered by images (0 to 1, overlaps counted
    /// once per image, capped at 1).
    pub image_cover: f64,
}

/// One glyph: its advance box along the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    pub x0: f64,
    pub x1: f64,
    /// y of the baseline.
    pub baseline: f64,
    /// Font size in points (the em height on the page).
    pub size: f64,
    /// The Unicode text; [`UNMAPPED`] when the font gives none.
    pub text: String,
}

impl Glyph {
    /// Vertical centre of the glyph's em box: CJK faces place the em box from
    /// about 0.88 em above the baseline to 0.12 em below it. Taken from the
    /// font size, not from the glyph's ink, since some fonts report tiny boxes.
    pub fn centre_y(&self) -> f64 {
        self.baseline - 0.38 * self.size
    }

    pub fn centre_x(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    pub fn top(&self) -> f64 {
        self.baseline - 0.88 * self.size
    }

    pub fn bottom(&self) -> f64 {
        self.baseline + 0.12 * self.size
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Orientation {
    Horizontal,
    Vertical,
}

/// A straight ruling segment: horizontal at y = `pos` from x = `from` to `to`,
/// or vertical at x = `pos` from y = `from` to `to` (`from <= to`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    pub orientation: Orientation,
    pub pos: f64,
    pub from: f64,
    pub to: f64,
}

impl Rule {
    pub fn horizontal(y: f64, x0: f64, x1: f64) -> Rule {
        Rule {
            orientation: Orientation::Horizontal,
            pos: y,
            from: x0.min(x1),
            to: x0.max(x1),
        }
    }

    pub fn vertical(x: f64, y0: f64, y1: f64) -> Rule {
        Rule {
            orientation: Orientation::Vertical,
            pos: x,
            from: y0.min(y1),
            to: y0.max(y1),
        }
    }

    pub fn len(&self) -> f64 {
        self.to - self.from
    }
}

/// Thickest filled rectangle taken for a rule (points): Word draws rules as
/// rectangles 0.5-1.5 pt thick; thicker ones are shading, whose edges count.
const THIN: f64 = 2.0;
/// Shortest segment kept (points): shorter ones are dots, ticks and curves
/// approximated by polylines.
const MIN_RULE: f64 = 1.0;

/// Reads every page of a PDF. A panic inside the library is caught here and
/// becomes [`PdfError::Panic`], so one bad file never takes a run down.
pub fn read(bytes: &[u8]) -> Result<Vec<Page>, PdfError> {
    match catch_unwind(AssertUnwindSafe(|| read_unguarded(bytes))) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(PdfError::Panic(msg))
        }
    }
}

fn read_unguarded(bytes: &[u8]) -> Result<Vec<Page>, PdfError> {
    let pdf = Pdf::new(bytes.to_vec()).map_err(|e| match e {
        LoadPdfError::Decryption(d) => PdfError::Encrypted(format!("{d:?}")),
        LoadPdfError::Invalid => PdfError::Damaged,
    })?;
    let pages = pdf.pages();
    if pages.is_empty() {
        return Err(PdfError::NoPages);
    }
    let settings = InterpreterSettings::default();
    let cache = InterpreterCache::new();
    let mut out = Vec::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        let (w, h) = page.render_dimensions();
        let (w, h) = (f64::from(w), f64::from(h));
        let mut ctx = Context::new(
            page.initial_transform(true).to_kurbo(),
            Rect::new(0.0, 0.0, w, h),
            &cache,
            pdf.xref(),
            settings.clone(),
        );
        let mut dev = Collector::default();
        interpret_page(page, &mut ctx, &mut dev);
        let stored = match page.rotation() {
            Rotation::None => 0,
            Rotation::Horizontal => 90,
            Rotation::Flipped => 180,
            Rotation::FlippedHorizontal => 270,
        };
        out.push(dev.finish(i as u32 + 1, w, h, stored));
    }
    Ok(out)
}

/// A glyph as drawn, before the page is turned upright.
struct RawGlyph {
    origin: Point,
    advance: Vec2,
    up: Vec2,
    text: String,
}

#[derive(Default)]
struct Collector {
    glyphs: Vec<RawGlyph>,
    rules: Vec<Rule>,
    image_area: f64,
}

impl Collector {
    /// Turns the page so that the dominant text direction reads left to right
    /// and converts the glyphs to advance boxes.
    fn finish(self, number: u32, w: f64, h: f64, stored: u16) -> Page {
        // Count glyphs by the quarter turn their advance points to (y down:
        // 90° is straight down the page).
        let mut votes = [0usize; 4];
        for g in &self.glyphs {
            votes[quarter(g.advance)] += 1;
        }
        let turn = (0..4).max_by_key(|&q| (votes[q], 4 - q)).unwrap_or(0);
        // Rotating by -turn quarters makes the dominant direction +x.
        let (to_upright, width, height) = match turn {
            0 => (Affine::IDENTITY, w, h),
            // Text runs down the page: turn counter-clockwise.
            1 => (Affine::new([0.0, -1.0, 1.0, 0.0, 0.0, w]), h, w),
            2 => (Affine::new([-1.0, 0.0, 0.0, -1.0, w, h]), w, h),
            _ => (Affine::new([0.0, 1.0, -1.0, 0.0, h, 0.0]), h, w),
        };
        let glyphs = self
            .glyphs
            .into_iter()
            .map(|g| upright_glyph(g, to_upright))
            .collect();
        let rules = self
            .rules
            .into_iter()
            .filter_map(|r| {
                let (a, b) = match r.orientation {
                    Orientation::Horizontal => (Point::new(r.from, r.pos), Point::new(r.to, r.pos)),
                    Orientation::Vertical => (Point::new(r.pos, r.from), Point::new(r.pos, r.to)),
                };
                segment_rule(to_upright * a, to_upright * b)
            })
            .collect();
        Page {
            number,
            width,
            height,
            rotation: (stored + 90 * turn as u16) % 360,
            glyphs,
            rules,
            image_cover: (self.image_area / (w * h).max(1.0)).min(1.0),
        }
    }

    fn add_path(&mut self, path: &BezPath, t: Affine, mode: &DrawMode, paint: &Paint<'_>) {
        if invisible(paint) {
            return;
        }
        let (fill, stroke) = match mode {
            DrawMode::Fill(_) => (true, false),
            DrawMode::Stroke(_) => (false, true),
            DrawMode::FillAndStroke(..) => (true, true),
            DrawMode::Invisible => return,
        };
        let mut sub: Vec<Point> = Vec::new();
        let mut straight = true;
        let flush = |sub: &mut Vec<Point>, straight: bool, this: &mut Self| {
            if fill && straight && sub.len() >= 3 {
                this.rules.extend(filled_rules(sub));
            }
            sub.clear();
        };
        let mut start = Point::ZERO;
        let mut last = Point::ZERO;
        for el in path.elements() {
            match *el {
                PathEl::MoveTo(p) => {
                    flush(&mut sub, straight, self);
                    straight = true;
                    start = t * p;
                    last = start;
                    sub.push(start);
                }
                PathEl::LineTo(p) => {
                    let q = t * p;
                    if stroke && let Some(r) = segment_rule(last, q) {
                        self.rules.push(r);
                    }
                    last = q;
                    sub.push(q);
                }
                PathEl::QuadTo(_, p) | PathEl::CurveTo(_, _, p) => {
                    straight = false;
                    last = t * p;
                    sub.push(last);
                }
                PathEl::ClosePath => {
                    if stroke && let Some(r) = segment_rule(last, start) {
                        self.rules.push(r);
                    }
                    last = start;
                }
            }
        }
        flush(&mut sub, straight, self);
    }
}

/// A filled subpath made of straight segments: a thin rectangle is a rule
/// along its long side; a larger axis-aligned rectangle (cell shading)
/// contributes its four edges, as pdfplumber takes them; any other shape
/// (a glyph drawn as a path, an arrow) none.
fn filled_rules(pts: &[Point]) -> Vec<Rule> {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in pts {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    // Only rectangles: every corner on the bounding box's border.
    let on_box = pts.iter().all(|p| {
        ((p.x - x0).abs() < 0.01 || (p.x - x1).abs() < 0.01)
            && ((p.y - y0).abs() < 0.01 || (p.y - y1).abs() < 0.01)
    });
    let (w, h) = (x1 - x0, y1 - y0);
    if !on_box || w.max(h) < MIN_RULE {
        return Vec::new();
    }
    if h <= THIN && w > h {
        vec![Rule::horizontal((y0 + y1) / 2.0, x0, x1)]
    } else if w <= THIN && h > w {
        vec![Rule::vertical((x0 + x1) / 2.0, y0, y1)]
    } else {
        vec![
            Rule::horizontal(y0, x0, x1),
            Rule::horizontal(y1, x0, x1),
            Rule::vertical(x0, y0, y1),
            Rule::vertical(x1, y0, y1),
        ]
    }
}

/// White or fully transparent paint draws nothing a reader sees: producers
/// paint white boxes behind cells, and such boxes are no rules.
fn invisible(paint: &Paint<'_>) -> bool {
    match paint {
        Paint::Color(c) => {
            let [r, g, b, a] = c.to_rgba().components();
            a < 0.05 || (r > 0.95 && g > 0.95 && b > 0.95)
        }
        Paint::Pattern(_) => false,
    }
}

/// The quarter turn (0: right, 1: down, 2: left, 3: up) nearest to a vector.
fn quarter(v: Vec2) -> usize {
    if v.x.abs() >= v.y.abs() {
        if v.x >= 0.0 { 0 } else { 2 }
    } else if v.y >= 0.0 {
        1
    } else {
        3
    }
}

/// A straight segment that is horizontal or vertical (within 1° or 0.5 pt)
/// and long enough to be a rule.
fn segment_rule(a: Point, b: Point) -> Option<Rule> {
    let (dx, dy) = ((b.x - a.x).abs(), (b.y - a.y).abs());
    if dx.max(dy) < MIN_RULE {
        return None;
    }
    if dy <= 0.5_f64.max(dx * 0.017) {
        Some(Rule::horizontal((a.y + b.y) / 2.0, a.x, b.x))
    } else if dx <= 0.5_f64.max(dy * 0.017) {
        Some(Rule::vertical((a.x + b.x) / 2.0, a.y, b.y))
    } else {
        None
    }
}

fn upright_glyph(g: RawGlyph, t: Affine) -> Glyph {
    let o = t * g.origin;
    let adv = t * (g.origin + g.advance) - o;
    let up = t * (g.origin + g.up) - o;
    let size = up.hypot();
    if quarter(adv) == 0 && quarter(up) == 3 {
        Glyph {
            x0: o.x,
            x1: o.x + adv.x,
            baseline: o.y,
            size,
            text: g.text,
        }
    } else {
        // Text in another direction than the page's (a sideways stamp, a
        // vertical header): its bounding box, with the bottom as baseline.
        let corners = [o, o + adv, o + up, o + adv + up];
        let xs = corners.iter().map(|p| p.x);
        let ys = corners.iter().map(|p| p.y);
        let (x0, x1) = (
            xs.clone().fold(f64::MAX, f64::min),
            xs.fold(f64::MIN, f64::max),
        );
        let (y0, y1) = (
            ys.clone().fold(f64::MAX, f64::min),
            ys.fold(f64::MIN, f64::max),
        );
        Glyph {
            x0,
            x1,
            baseline: y1 - 0.12 * (y1 - y0),
            size: y1 - y0,
            text: g.text,
        }
    }
}

impl<'a> Device<'a> for Collector {
    fn draw_path(&mut self, path: &BezPath, props: DrawProps<'a>, mode: &DrawMode) {
        self.add_path(path, props.transform, mode, &props.paint);
    }

    fn push_clip_path(&mut self, _: &ClipPath) {}

    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}

    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, _: &DrawMode) {
        for glyph in run.glyphs() {
            let t = props.transform * glyph.transform();
            // Control characters (a line break mapped by a ToUnicode table)
            // would break the derived text's lines and cells: dropped, the
            // glyph then counts as white space.
            let text = match glyph.as_unicode() {
                Some(BfString::Char(c)) if c.is_control() => String::new(),
                Some(BfString::Char(c)) => c.to_string(),
                Some(BfString::String(s)) => s.chars().filter(|c| !c.is_control()).collect(),
                None => UNMAPPED.to_string(),
            };
            // Advance in glyph space (1000 units per em); fonts that give
            // none: half an em for ASCII, a full em otherwise.
            let advance = match &**glyph {
                hayro_interpret::font::Glyph::Outline(o) => o.advance_width(),
                hayro_interpret::font::Glyph::Type3(g) => g.advance_width(),
            }
            .map(f64::from)
            .filter(|a| *a > 0.0)
            .unwrap_or(if text.is_ascii() { 500.0 } else { 1000.0 });
            let origin = t * Point::ZERO;
            self.glyphs.push(RawGlyph {
                origin,
                advance: t * Point::new(advance, 0.0) - origin,
                up: t * Point::new(0.0, 1000.0) - origin,
                text,
            });
        }
    }

    fn draw_image(&mut self, image: Image<'a, '_>, props: ImageDrawProps<'a>) {
        let r = props.transform.transform_rect_bbox(Rect::new(
            0.0,
            0.0,
            image.width() as f64,
            image.height() as f64,
        ));
        self.image_area += r.area().abs();
    }

    fn pop_clip(&mut self) {}

    fn pop_transparency_group(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Point> {
        vec![
            Point::new(x0, y0),
            Point::new(x1, y0),
            Point::new(x1, y1),
            Point::new(x0, y1),
        ]
    }

    #[test]
    fn a_thin_filled_rectangle_is_a_rule_along_its_long_side() {
        assert_eq!(
            filled_rules(&rect(50.0, 99.75, 300.0, 100.25)),
            vec![Rule::horizontal(100.0, 50.0, 300.0)]
        );
        assert_eq!(
            filled_rules(&rect(79.5, 100.0, 80.5, 400.0)),
            vec![Rule::vertical(80.0, 100.0, 400.0)]
        );
    }

    #[test]
    fn a_shaded_cell_gives_its_four_edges_and_a_slanted_shape_none() {
        let r = filled_rules(&rect(10.0, 20.0, 110.0, 40.0));
        assert_eq!(r.len(), 4);
        assert!(r.contains(&Rule::horizontal(20.0, 10.0, 110.0)));
        assert!(r.contains(&Rule::vertical(110.0, 20.0, 40.0)));
        let triangle = [
            Point::new(0.0, 0.0),
            Point::new(50.0, 0.0),
            Point::new(25.0, 30.0),
        ];
        assert!(filled_rules(&triangle).is_empty());
    }

    #[test]
    fn stroked_segments_are_rules_only_when_straight_across_or_down() {
        let h = segment_rule(Point::new(10.0, 50.2), Point::new(200.0, 49.8));
        assert_eq!(h, Some(Rule::horizontal(50.0, 10.0, 200.0)));
        assert!(segment_rule(Point::new(0.0, 0.0), Point::new(50.0, 40.0)).is_none());
        assert!(segment_rule(Point::new(0.0, 0.0), Point::new(0.5, 0.0)).is_none());
    }

    /// A landscape table printed sideways on a portrait page: the text runs
    /// down the page. The page is turned so that it reads left to right.
    #[test]
    fn a_page_whose_text_runs_down_is_turned_upright() {
        let (w, h) = (595.0, 842.0);
        let mut c = Collector::default();
        for (i, ch) in "合计100".chars().enumerate() {
            c.glyphs.push(RawGlyph {
                origin: Point::new(300.0, 100.0 + 12.0 * i as f64),
                advance: Vec2::new(0.0, 12.0),
                up: Vec2::new(12.0, 0.0),
                text: ch.to_string(),
            });
        }
        // A rule under the text, drawn down the page as well.
        c.rules.push(Rule::vertical(290.0, 100.0, 160.0));
        let p = c.finish(3, w, h, 0);
        assert_eq!((p.width, p.height, p.rotation), (h, w, 90));
        let xs: Vec<f64> = p.glyphs.iter().map(|g| g.x0).collect();
        assert!(xs.windows(2).all(|w| w[1] > w[0]), "{xs:?}");
        let g = &p.glyphs[0];
        assert!((g.x1 - g.x0 - 12.0).abs() < 1e-9 && (g.size - 12.0).abs() < 1e-9);
        assert!(
            p.glyphs
                .iter()
                .all(|x| (x.baseline - g.baseline).abs() < 1e-9)
        );
        // The rule lies below the baseline once upright.
        assert_eq!(p.rules[0].orientation, Orientation::Horizontal);
        assert!(p.rules[0].pos > g.baseline);
    }
}
