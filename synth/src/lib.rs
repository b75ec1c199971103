//! Synthetic 部门决算 disclosures with ground truth.
//!
//! `document(seed, index, shapes)` builds one department's accounts, consistent by
//! construction (children sum to parents, totals agree across tables and prose),
//! prints them in one of the input shapes of real archives, encodes the text in one of
//! their encodings and line endings, and returns the rows a correct reader recovers, in
//! the gold TSV format of `tests/gold` (and of `../shared/tools/score.py`).
//! Document `i` of a seed is the same whatever the corpus size, so corpora of different
//! sizes share their prefix and any document can be regenerated alone.
//!
//! [`Shape::Pdf`] draws the accounts as a PDF report instead (`pdf`), with the same
//! expected rows (no 绩效自评 tables yet: its indicators gold is header-only).
//! [`Shape::HtmlText`] prints them as a web crawler's text of the report's page.
//! Neither is in [`Shape::ALL`], so archives of the text shapes keep their shapes and
//! figures for every seed; ask for them by name. The PDF's text comes from the
//! converters users run (`scripts/render-converters`).

mod model;
pub mod pdf;
mod render;
mod rng;
mod vocab;

pub use model::Accounts;
pub use render::Shape;

use model::{Body, OUTLAY_COLUMNS, money, pct_text};
use rng::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
    Utf16LeBom,
    Utf16BeBom,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Gb18030 => "GB18030",
            Encoding::Utf16LeBom => "UTF-16LE",
            Encoding::Utf16BeBom => "UTF-16BE",
        }
    }
}

/// Ways real documents print their 情况说明 that a generated one draws at
/// random; the oracle scores the facts of each apart. The fifth, crawler
/// page text, is a shape of its own (`Shape::HtmlText`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProseClasses {
    /// Justified lines with a gap between every character.
    pub letter_spaced: bool,
    /// A continuation line printed above the line ending in its label.
    pub swapped_lines: bool,
    /// A 三公 item unchanged on the prior year, said apart in words.
    pub unchanged_apart: bool,
    /// An older template's sections and wording.
    pub older_template: bool,
}

impl ProseClasses {
    pub const NAMES: [&'static str; 4] = [
        "letter_spaced",
        "swapped_lines",
        "unchanged_apart",
        "older_template",
    ];

    /// The names of the classes drawn.
    pub fn drawn(self) -> Vec<&'static str> {
        [
            self.letter_spaced,
            self.swapped_lines,
            self.unchanged_apart,
            self.older_template,
        ]
        .into_iter()
        .zip(Self::NAMES)
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
}

pub struct Document {
    /// `NNNNNN_<shape>_<year>.txt` (`.pdf` for the PDF shape): ASCII, unique
    /// within a corpus.
    pub file_name: String,
    pub shape: Shape,
    /// The text encoding; `None` for a PDF.
    pub encoding: Option<Encoding>,
    pub year: u32,
    /// The reporting body's name as a reader should recover it; `None` for
    /// the empty template, which prints a placeholder.
    pub department: Option<String>,
    /// How its 情况说明 was printed.
    pub prose: ProseClasses,
    pub bytes: Vec<u8>,
    /// Expected rows as gold TSV (header included; non-zero amounts only).
    pub tables_tsv: String,
    pub indicators_tsv: String,
    pub facts_tsv: String,
    /// Table 06 was drawn side by side and cut into pieces (column-major
    /// text). Its rows are all in `tables_tsv`, but a reader that places
    /// only what the identities prove may leave some unplaced: such a
    /// document can be `partial`. For a PDF: table 06 drawn in two panels side
    /// by side.
    pub scattered_basic: bool,
}

impl Document {
    /// The ways its 情况说明 was printed: the names of [`ProseClasses`] drawn,
    /// and `crawler_text` for the crawler's page text; empty when printed
    /// plainly or not at all.
    pub fn prose_classes(&self) -> Vec<&'static str> {
        let mut out = self.prose.drawn();
        if self.shape == Shape::HtmlText {
            out.push("crawler_text");
        }
        out
    }

    /// The file name without its extension (gold files are `<stem>.tsv`).
    pub fn stem(&self) -> &str {
        self.file_name
            .rsplit_once('.')
            .map_or(&self.file_name, |(stem, _)| stem)
    }
}

pub fn document(seed: u64, index: u64, shapes: &[Shape]) -> Document {
    generate(seed, index, shapes).0
}

/// The document, and for a PDF what its drawing drew.
fn generate(seed: u64, index: u64, shapes: &[Shape]) -> (Document, Option<pdf::RenderedPdf>) {
    assert!(!shapes.is_empty(), "at least one shape");
    let mut rng = Rng::new(seed.wrapping_mul(0x1000_0000_01B3) ^ index);
    // A second stream for the ways of printing added after the first
    // archives were generated, so that their figures and tables stay.
    let mut vary = Rng::new(seed.wrapping_mul(0x1000_0000_01B3) ^ index ^ 0x0070_726F_7365);
    let shape = shapes[(index % shapes.len() as u64) as usize];
    let accounts = Accounts::generate(&mut rng, &mut vary);
    // The PDF draws the model's prose as it is (its justified lines are
    // spread by the drawing, not by spaces in the text).
    let mut prose = ProseClasses {
        unchanged_apart: accounts.unchanged_apart,
        older_template: accounts.older_template,
        ..ProseClasses::default()
    };
    let (bytes, encoding, scattered_basic, drawn) = if shape == Shape::Pdf {
        let mut drawn = pdf::render(&accounts, &mut rng).unwrap_or_else(|e| panic!("{e}"));
        let bytes = std::mem::take(&mut drawn.bytes);
        (bytes, None, drawn.scattered_basic, Some(drawn))
    } else {
        let t = text(&accounts, shape, &mut rng, &mut vary);
        prose.letter_spaced = t.letter_spaced;
        prose.swapped_lines = t.swapped_lines;
        (t.bytes, Some(t.encoding), t.scattered_basic, None)
    };
    if !shape.has_facts() {
        prose = ProseClasses::default();
    }
    let extension = if encoding.is_some() { "txt" } else { "pdf" };
    let file_name = format!("{index:06}_{}_{}.{extension}", shape.name(), accounts.year);
    let document = Document {
        tables_tsv: tables_tsv(&file_name, &accounts, shape),
        indicators_tsv: indicators_tsv(&file_name, &accounts, shape),
        facts_tsv: facts_tsv(&file_name, &accounts, shape),
        file_name,
        shape,
        encoding,
        year: accounts.year,
        department: (shape != Shape::Template).then(|| accounts.full_name()),
        prose,
        bytes,
        scattered_basic,
    };
    (document, drawn)
}

/// A text shape's bytes, in one of the encodings and line endings of real
/// archives, and what its printing did.
struct Text {
    bytes: Vec<u8>,
    encoding: Encoding,
    scattered_basic: bool,
    letter_spaced: bool,
    swapped_lines: bool,
}

fn text(accounts: &Accounts, shape: Shape, rng: &mut Rng, vary: &mut Rng) -> Text {
    let render::Rendered {
        text,
        scattered_basic,
        letter_spaced,
        swapped_lines,
    } = render::render(accounts, shape, rng, vary);
    let eol = match rng.range(0, 99) {
        0..=79 => "\n",
        80..=94 => "\r\n",
        _ => "\r",
    };
    let text = if eol == "\n" {
        text
    } else {
        text.replace('\n', eol)
    };
    let encoding = match rng.range(0, 99) {
        0..=54 => Encoding::Utf8,
        55..=64 => Encoding::Utf8Bom,
        65..=84 => Encoding::Gb18030,
        85..=92 => Encoding::Utf16LeBom,
        _ => Encoding::Utf16BeBom,
    };
    Text {
        bytes: encode(&text, encoding),
        encoding,
        scattered_basic,
        letter_spaced,
        swapped_lines,
    }
}

fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Encoding::Gb18030 => {
            let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
            assert!(!unmappable, "GB18030 maps all of Unicode");
            bytes.into_owned()
        }
        Encoding::Utf16LeBom => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        Encoding::Utf16BeBom => [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
    }
}

fn tables_tsv(source: &str, acc: &Accounts, shape: Shape) -> String {
    let mut out = String::from("source\ttable\tside\titem\tcolumn\tamount\tnote\n");
    if !shape.has_tables() {
        return out;
    }
    let mut row = |table: &str, side: &str, item: &str, column: &str, amount: Option<i64>| {
        if let Some(a) = amount.filter(|a| *a != 0) {
            out.push_str(&format!(
                "{source}\t{table}\t{side}\t{item}\t{column}\t{}\t\n",
                money(a)
            ));
        }
    };
    for t in &acc.tables {
        match &t.body {
            Body::Coded { columns, rows } => {
                for r in rows {
                    let item = r.code.as_deref().unwrap_or(&r.name);
                    for (c, a) in columns.iter().zip(&r.amounts) {
                        row(t.code, "", item, c, *a);
                    }
                }
            }
            Body::TwoSided {
                left_columns,
                right_columns,
                rows,
            } => {
                for (l, r) in rows {
                    for (side, cell, columns) in
                        [("收入", l, left_columns), ("支出", r, right_columns)]
                    {
                        if let Some(cell) = cell {
                            for (c, a) in columns.iter().zip(&cell.amounts) {
                                row(t.code, side, &cell.item, c, *a);
                            }
                        }
                    }
                }
            }
            Body::Groups {
                personnel,
                public,
                totals,
            } => {
                for r in personnel.iter().chain(public) {
                    row(
                        t.code,
                        "",
                        r.code.as_deref().unwrap_or(&r.name),
                        "决算数",
                        r.amounts[0],
                    );
                }
                row(t.code, "", "人员经费合计", "决算数", totals[0]);
                row(t.code, "", "公用经费合计", "决算数", totals[1]);
            }
            Body::ThreeOutlays { budget, actual } => {
                for (head, values) in [("预算数", budget), ("决算数", actual)] {
                    for (c, a) in OUTLAY_COLUMNS.iter().zip(values) {
                        row(t.code, "", "三公经费", &format!("{head}/{c}"), *a);
                    }
                }
            }
        }
    }
    out
}

fn indicators_tsv(source: &str, acc: &Accounts, shape: Shape) -> String {
    let mut out = String::from(
        "source\tscope\tproject\tlevel1\tlevel2\tname\ttarget\tactual\tweight\tscore\n",
    );
    if !shape.has_indicators() {
        return out;
    }
    for e in &acc.evaluations {
        let (scope, project) = match &e.project {
            Some(p) => ("项目", p.as_str()),
            None => ("部门整体", ""),
        };
        for i in &e.indicators {
            out.push_str(&format!(
                "{source}\t{scope}\t{project}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score
            ));
        }
    }
    out
}

fn facts_tsv(source: &str, acc: &Accounts, shape: Shape) -> String {
    let mut out = String::from("source\tmetric\tvalue\tprior_year_change\tchange_pct\tnote\n");
    if !shape.has_facts() {
        return out;
    }
    for f in &acc.facts {
        out.push_str(&format!(
            "{source}\t{}\t{}\t{}\t{}\t\n",
            f.metric,
            money(f.value),
            f.change.map(money).unwrap_or_default(),
            f.change_pct.map(pct_text).unwrap_or_default()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_reproducible_and_independent_of_corpus_size() {
        let a = document(7, 42, &Shape::ALL);
        let b = document(7, 42, &Shape::ALL);
        assert_eq!(a.bytes, b.bytes);
        assert_eq!(a.tables_tsv, b.tables_tsv);
        assert_ne!(document(8, 42, &Shape::ALL).bytes, a.bytes);
    }

    #[test]
    fn every_shape_and_encoding_is_generated() {
        let docs: Vec<Document> = (0..200).map(|i| document(1, i, &Shape::ALL)).collect();
        for s in Shape::ALL {
            assert!(docs.iter().any(|d| d.shape == s), "{s:?}");
        }
        for e in [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Gb18030,
            Encoding::Utf16LeBom,
            Encoding::Utf16BeBom,
        ] {
            assert!(docs.iter().any(|d| d.encoding == Some(e)), "{e:?}");
        }
    }

    #[test]
    fn coded_tables_add_up() {
        let (mut rng, mut vary) = (Rng::new(3), Rng::new(4));
        for _ in 0..50 {
            let acc = Accounts::generate(&mut rng, &mut vary);
            for t in &acc.tables {
                let Body::Coded { rows, columns } = &t.body else {
                    continue;
                };
                for (c, _) in columns.iter().enumerate() {
                    let at = |r: &model::CodedRow| r.amounts[c].unwrap_or(0);
                    // 合计 is the sum of the 类 (3-digit codes); each 类 and 款 the sum of
                    // the codes two digits longer that extend it.
                    let classes: i64 = rows
                        .iter()
                        .filter(|r| r.code.as_ref().is_some_and(|k| k.len() == 3))
                        .map(at)
                        .sum();
                    assert_eq!(at(&rows[0]), classes, "table {} column {c}", t.code);
                    for parent in rows
                        .iter()
                        .filter(|r| r.code.as_ref().is_some_and(|k| k.len() < 7))
                    {
                        let p = parent.code.as_deref().unwrap_or_default();
                        let children: i64 = rows
                            .iter()
                            .filter(|r| {
                                r.code
                                    .as_ref()
                                    .is_some_and(|k| k.len() == p.len() + 2 && k.starts_with(p))
                            })
                            .map(at)
                            .sum();
                        assert_eq!(at(parent), children, "table {} code {p} column {c}", t.code);
                    }
                }
                // The first column of 02, 03 and 05 totals the others.
                if matches!(t.code, "02" | "03" | "05") {
                    for r in rows {
                        let v: Vec<i64> = r.amounts.iter().map(|a| a.unwrap_or(0)).collect();
                        assert_eq!(
                            v[0],
                            v[1..].iter().sum::<i64>(),
                            "table {} row {}",
                            t.code,
                            r.name
                        );
                    }
                }
            }
        }
    }
}
