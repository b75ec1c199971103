//! The fonts of a generated PDF, as Chinese office producers embed them: a CJK
//! TrueType font as a subset (Type0 / CIDFontType2, Identity-H, glyph widths from
//! its `hmtx`, a ToUnicode CMap so converters extract real text), and a Latin font
//! for digits, Latin letters and the quotation marks, as Word pairs 宋体 with Times
//! New Roman. The CJK font is Droid Sans Fallback (Debian's `fonts-droid-fallback`),
//! which has no ASCII glyphs; the Latin font is a standard-14 font (Times-Roman or
//! Helvetica), WinAnsi-encoded and not embedded, its widths from Adobe's metrics.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Filter, Finish, Name, Rect, Ref, Str};

/// Where Debian's `fonts-droid-fallback` installs the CJK font.
pub const CJK_FONT_PATH: &str = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";
/// Overrides [`CJK_FONT_PATH`] (any TrueType font with CJK glyphs).
pub const CJK_FONT_ENV: &str = "JUESUAN_SYNTH_CJK_FONT";

/// A parsed TrueType face: what layout needs (advances, cmap) and its bytes.
pub struct Face {
    data: Vec<u8>,
    units_per_em: f32,
    ascent: f32,
    descent: f32,
    bbox: [f32; 4],
    glyphs: HashMap<char, u16>,
    advances: Vec<u16>,
}

/// The CJK face, read once per process; an error says which package to install.
pub fn cjk_face() -> Result<&'static Face, String> {
    static FACE: OnceLock<Result<Face, String>> = OnceLock::new();
    FACE.get_or_init(|| {
        let path = std::env::var(CJK_FONT_ENV).unwrap_or_else(|_| CJK_FONT_PATH.to_string());
        let data = std::fs::read(&path).map_err(|e| {
            format!(
                "{path}: {e}: the PDF shape needs a CJK TrueType font: install Debian's \
                 fonts-droid-fallback (apt-get install fonts-droid-fallback), or name another \
                 font in {CJK_FONT_ENV}"
            )
        })?;
        Face::parse(data).map_err(|e| format!("{path}: not a usable TrueType font: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

fn u16_at(d: &[u8], at: usize) -> Result<u16, String> {
    d.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| format!("truncated at byte {at}"))
}

fn i16_at(d: &[u8], at: usize) -> Result<i16, String> {
    u16_at(d, at).map(|v| v as i16)
}

fn u32_at(d: &[u8], at: usize) -> Result<u32, String> {
    d.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| format!("truncated at byte {at}"))
}

impl Face {
    fn parse(data: Vec<u8>) -> Result<Face, String> {
        let d = &data;
        let mut tables = HashMap::new();
        for i in 0..u16_at(d, 4)? as usize {
            let rec = 12 + 16 * i;
            let tag = d.get(rec..rec + 4).ok_or("truncated table directory")?;
            tables.insert(tag.to_vec(), u32_at(d, rec + 8)? as usize);
        }
        let table = |tag: &[u8]| {
            tables
                .get(tag)
                .copied()
                .ok_or_else(|| format!("no {} table", String::from_utf8_lossy(tag)))
        };
        let head = table(b"head")?;
        let hhea = table(b"hhea")?;
        let hmtx = table(b"hmtx")?;
        let units_per_em = u16_at(d, head + 18)? as f32;
        let bbox = [
            i16_at(d, head + 36)? as f32,
            i16_at(d, head + 38)? as f32,
            i16_at(d, head + 40)? as f32,
            i16_at(d, head + 42)? as f32,
        ];
        let metrics = u16_at(d, hhea + 34)? as usize;
        let advances = (0..metrics)
            .map(|g| u16_at(d, hmtx + 4 * g))
            .collect::<Result<Vec<_>, _>>()?;
        let glyphs = parse_cmap(d, table(b"cmap")?)?;
        Ok(Face {
            units_per_em,
            ascent: i16_at(d, hhea + 4)? as f32,
            descent: i16_at(d, hhea + 6)? as f32,
            bbox,
            glyphs,
            advances,
            data,
        })
    }

    pub fn glyph(&self, c: char) -> Option<u16> {
        self.glyphs.get(&c).copied()
    }

    /// Advance of a glyph in thousandths of the font size (PDF glyph space).
    fn advance(&self, glyph: u16) -> f32 {
        let i = (glyph as usize).min(self.advances.len() - 1);
        self.advances[i] as f32 * 1000.0 / self.units_per_em
    }

    fn scaled(&self, v: f32) -> f32 {
        v * 1000.0 / self.units_per_em
    }
}

/// The Unicode cmap: format 12 (full repertoire) when present, else format 4.
fn parse_cmap(d: &[u8], cmap: usize) -> Result<HashMap<char, u16>, String> {
    let mut best: Option<(u16, usize)> = None;
    for i in 0..u16_at(d, cmap + 2)? as usize {
        let rec = cmap + 4 + 8 * i;
        let (platform, encoding) = (u16_at(d, rec)?, u16_at(d, rec + 2)?);
        let at = cmap + u32_at(d, rec + 4)? as usize;
        let format = u16_at(d, at)?;
        let unicode = platform == 0 || (platform == 3 && matches!(encoding, 1 | 10));
        if unicode && matches!(format, 4 | 12) && best.is_none_or(|(f, _)| format > f) {
            best = Some((format, at));
        }
    }
    let (format, at) = best.ok_or("no Unicode cmap (format 4 or 12)")?;
    let mut map = HashMap::new();
    if format == 12 {
        for g in 0..u32_at(d, at + 12)? as usize {
            let rec = at + 16 + 12 * g;
            let (start, end, glyph) = (u32_at(d, rec)?, u32_at(d, rec + 4)?, u32_at(d, rec + 8)?);
            for (k, c) in (start..=end).enumerate() {
                if let Some(c) = char::from_u32(c) {
                    map.insert(c, (glyph + k as u32) as u16);
                }
            }
        }
    } else {
        let segs = u16_at(d, at + 6)? as usize / 2;
        let (ends, starts) = (at + 14, at + 16 + 2 * segs);
        let (deltas, offsets) = (starts + 2 * segs, starts + 4 * segs);
        for s in 0..segs {
            let (start, end) = (u16_at(d, starts + 2 * s)?, u16_at(d, ends + 2 * s)?);
            let (delta, offset) = (u16_at(d, deltas + 2 * s)?, u16_at(d, offsets + 2 * s)?);
            for c in start..=end.min(0xFFFE) {
                let glyph = if offset == 0 {
                    c.wrapping_add(delta)
                } else {
                    let at = offsets + 2 * s + offset as usize + 2 * (c - start) as usize;
                    match u16_at(d, at)? {
                        0 => 0,
                        g => g.wrapping_add(delta),
                    }
                };
                if let (Some(c), true) = (char::from_u32(c as u32), glyph != 0) {
                    map.insert(c, glyph);
                }
            }
        }
    }
    Ok(map)
}

/// The standard-14 font that prints digits and Latin text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Latin {
    Times,
    Helvetica,
}

/// Adobe's AFM advances of the printable ASCII range 32..=126.
const TIMES_WIDTHS: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
];
const HELVETICA_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

impl Latin {
    fn base_font(self) -> Name<'static> {
        match self {
            Latin::Times => Name(b"Times-Roman"),
            Latin::Helvetica => Name(b"Helvetica"),
        }
    }

    /// The WinAnsi code of `c` and its advance, for the characters this font prints.
    fn code(self, c: char) -> Option<(u8, f32)> {
        let ascii = match self {
            Latin::Times => &TIMES_WIDTHS,
            Latin::Helvetica => &HELVETICA_WIDTHS,
        };
        let quote = if self == Latin::Times { 444.0 } else { 333.0 };
        match c {
            ' '..='~' => Some((c as u8, ascii[c as usize - 32] as f32)),
            '“' => Some((0x93, quote)),
            '”' => Some((0x94, quote)),
            '—' => Some((0x97, 1000.0)),
            _ => None,
        }
    }

    fn widths(self) -> Vec<f32> {
        (32u8..=0x97)
            .map(|b| {
                let c = match b {
                    0x93 => '“',
                    0x94 => '”',
                    0x97 => '—',
                    _ => b as char,
                };
                self.code(c).map_or(0.0, |(_, w)| w)
            })
            .collect()
    }
}

/// Which font of the document a run of text is shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FontKind {
    Cjk,
    Latin,
}

impl FontKind {
    pub fn resource(self) -> Name<'static> {
        match self {
            FontKind::Cjk => Name(b"F1"),
            FontKind::Latin => Name(b"F2"),
        }
    }
}

/// A run of text in one font: its codes (two bytes a glyph for the CJK font, one
/// for the Latin font) and each glyph's advance in thousandths of the font size.
pub struct Run {
    pub font: FontKind,
    pub glyphs: Vec<(Vec<u8>, f32)>,
}

impl Run {
    pub fn codes(&self) -> Vec<u8> {
        self.glyphs
            .iter()
            .flat_map(|g| g.0.iter().copied())
            .collect()
    }
}

/// The fonts of one document: which glyphs it used, under which subset ids.
pub struct FontSet {
    face: &'static Face,
    pub latin: Latin,
    remapper: subsetter::GlyphRemapper,
    /// Subset glyph id → the character it prints, for the ToUnicode CMap.
    unicode: BTreeMap<u16, char>,
}

impl FontSet {
    pub fn new(face: &'static Face, latin: Latin) -> FontSet {
        FontSet {
            face,
            latin,
            remapper: subsetter::GlyphRemapper::new(),
            unicode: BTreeMap::new(),
        }
    }

    fn kind(&self, c: char) -> FontKind {
        if self.latin.code(c).is_some() {
            FontKind::Latin
        } else {
            FontKind::Cjk
        }
    }

    /// Advance of `c` in thousandths of the font size.
    pub fn advance(&self, c: char) -> f32 {
        match self.latin.code(c) {
            Some((_, w)) => w,
            None => self.face.advance(self.glyph(c)),
        }
    }

    fn glyph(&self, c: char) -> u16 {
        self.face.glyph(c).unwrap_or_else(|| {
            panic!(
                "the CJK font has no glyph for {c:?} (U+{:04X}): the generator printed a \
                 character its fonts cannot show",
                c as u32
            )
        })
    }

    /// `text` cut into runs of one font each, its glyphs added to the subset.
    pub fn runs(&mut self, text: &str) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for c in text.chars() {
            let kind = self.kind(c);
            let glyph = match self.latin.code(c) {
                Some((code, w)) => (vec![code], w),
                None => {
                    let old = self.glyph(c);
                    let new = self.remapper.remap(old);
                    self.unicode.insert(new, c);
                    (new.to_be_bytes().to_vec(), self.face.advance(old))
                }
            };
            match runs.last_mut() {
                Some(r) if r.font == kind => r.glyphs.push(glyph),
                _ => runs.push(Run {
                    font: kind,
                    glyphs: vec![glyph],
                }),
            }
        }
        runs
    }

    /// Whether producers leave a gap between `prev` and `c`: between a Chinese
    /// character and a Latin letter or digit (Word's autospace), not at punctuation.
    pub fn spaced(prev: char, c: char) -> bool {
        let han = |c: char| matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}');
        (han(prev) && c.is_ascii_alphanumeric()) || (prev.is_ascii_alphanumeric() && han(c))
    }

    /// Writes both fonts; returns their references (CJK, Latin).
    pub fn write(&self, chunk: &mut Chunk, next: &mut Ref, compress: bool) -> [Ref; 2] {
        let mut alloc = || next.bump();
        let (type0, cid, descriptor, file, cmap, latin) =
            (alloc(), alloc(), alloc(), alloc(), alloc(), alloc());
        // A subset tag derived from the glyphs, as producers name subsets.
        let tag: String = {
            let mut h: u32 = 2166136261;
            for g in self.remapper.remapped_gids() {
                h = (h ^ g as u32).wrapping_mul(16777619);
            }
            (0..6)
                .map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char)
                .collect()
        };
        let base = format!("{tag}+DroidSansFallback");
        let base = Name(base.as_bytes());
        chunk
            .type0_font(type0)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        let mut cid_font = chunk.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(info)
            .font_descriptor(descriptor)
            .default_width(1000.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let widths: Vec<f32> = self
            .remapper
            .remapped_gids()
            .map(|old| self.face.advance(old).round())
            .collect();
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();
        let f = self.face;
        chunk
            .font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                f.scaled(f.bbox[0]),
                f.scaled(f.bbox[1]),
                f.scaled(f.bbox[2]),
                f.scaled(f.bbox[3]),
            ))
            .italic_angle(0.0)
            .ascent(f.scaled(f.ascent))
            .descent(f.scaled(f.descent))
            .cap_height(f.scaled(f.ascent))
            .stem_v(80.0)
            .font_file2(file);
        let subset = subsetter::subset(&f.data, 0, &self.remapper)
            .expect("subsetting a font that parsed cannot fail");
        stream(chunk, file, &subset, compress, |s| {
            s.pair(Name(b"Length1"), subset.len() as i32);
        });
        let mut to_unicode = UnicodeCmap::new(Name(b"Custom"), info);
        for (&g, &c) in &self.unicode {
            to_unicode.pair(g, c);
        }
        let to_unicode = to_unicode.finish();
        stream(chunk, cmap, &to_unicode, compress, |_| {});
        chunk
            .type1_font(latin)
            .base_font(self.latin.base_font())
            .encoding_predefined(Name(b"WinAnsiEncoding"))
            .first_char(32)
            .last_char(0x97)
            .widths(self.latin.widths());
        [type0, latin]
    }
}

/// Writes a stream, deflated when `compress` (as nearly every producer does).
pub fn stream(
    chunk: &mut Chunk,
    id: Ref,
    data: &[u8],
    compress: bool,
    extra: impl FnOnce(&mut pdf_writer::Stream),
) {
    if compress {
        let deflated = miniz_oxide::deflate::compress_to_vec_zlib(data, 6);
        let mut s = chunk.stream(id, &deflated);
        s.filter(Filter::FlateDecode);
        extra(&mut s);
    } else {
        let mut s = chunk.stream(id, data);
        extra(&mut s);
    }
}
