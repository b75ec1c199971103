//! Cell streams (`pdftotext` default, PyMuPDF's block order): a cell or a
//! few per line. Where the converter went row by row, as it does for most
//! tables whose rows are one line tall, the stream is row-major flat text
//! with line breaks between cells: this reader puts the rows back together
//! and leaves the rest to the assembler, as for flat text (blank cells are
//! gone either way).
//!
//! A row begins where a subject code follows a row that already has one or
//! an amount, where a name follows a row's amounts, and at an enumerated
//! name or a total (a row before it may be blank); a name before its code
//! (the code printed lower in a taller cell) stays with it. Header
//! lines, before the first row and after a page break, stay one per row:
//! the assembler reads a header stacked a word per line as in flat text.

use crate::amount::Amount;
use crate::decode::Text;
use crate::table::grid::{CellGrid, CellKind, Layout, code_like};

/// A cell stream's rows: [`transposed`] where it was printed column by
/// column, else [`reflowed`]; the block is split into cells once.
pub fn stream(text: &Text, lines: std::ops::Range<usize>) -> CellGrid {
    let cells = Cells::of(text, lines);
    transposed(&cells).unwrap_or_else(|| reflowed(cells))
}

/// A block's cells in reading order (row = line), with what each is to the
/// stream readers and whether it starts a page.
pub(super) struct Cells {
    pub(super) grid: CellGrid,
    pub(super) tokens: Vec<Token>,
    page_starts: Vec<bool>,
}

impl Cells {
    pub(super) fn of(text: &Text, lines: std::ops::Range<usize>) -> Cells {
        let mut grid = CellGrid::new(Layout::Ordered);
        super::positioned::tokens(text, lines, &mut grid, false);
        let tokens = grid
            .cells
            .iter()
            .map(|c| Token::of(grid.text(c), c.kind))
            .collect();
        let page_starts = grid
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (i == 0 || grid.cells[i - 1].line != c.line)
                    && text.raw_line(c.line as usize).contains('\u{c}')
            })
            .collect();
        Cells {
            grid,
            tokens,
            page_starts,
        }
    }
}

/// The stream read row by row: its cells put in rows where rows begin.
fn reflowed(cells: Cells) -> CellGrid {
    let Cells {
        mut grid,
        tokens,
        page_starts,
    } = cells;
    let down = printed_down(&tokens, |i| {
        crate::text::split_enumerator(grid.text(&grid.cells[i]))
            .0
            .is_some()
    });
    let mut row = Row::default();
    let mut at = 0u32;
    let mut header = true;
    let mut line = None;
    for (i, ((c, &token), page_start)) in grid
        .cells
        .iter_mut()
        .zip(&tokens)
        .zip(page_starts)
        .enumerate()
    {
        let next_is_name = matches!(tokens.get(i + 1), Some(Token::Text | Token::Heading));
        let first_of_line = line != Some(c.line);
        line = Some(c.line);
        if page_start {
            header = true;
        }
        if header {
            if matches!(token, Token::Code | Token::Amount) {
                header = false;
            } else {
                if first_of_line && !row.is_empty() {
                    at += 1;
                    row = Row::default();
                }
                row.header = true;
                c.row = at;
                row.text = true;
                continue;
            }
        }
        let starts = match token {
            // A column printed down: every name and every amount a row of
            // its own (the assembler joins wrapped names and deals the
            // amounts to the rows).
            _ if down[i] || i > 0 && down[i - 1] => true,
            Token::Code => row.code || row.amount || row.header,
            Token::Text => row.amount || row.header,
            // An enumerated name or a total opens a row, with the row
            // number printed before it if one was.
            Token::Heading => !(row.other && !row.code && !row.amount && !row.text),
            // A row number after a row's amounts and before a name: the
            // next row's, printed before its name where that row's other
            // side is blank (table 01's 行次 of a blank income row, then
            // the expenditure name).
            Token::Other => row.amount && next_is_name,
            Token::Amount => false,
        };
        if starts && !row.is_empty() {
            at += 1;
            row = Row::default();
        }
        match token {
            Token::Code => row.code = true,
            Token::Amount => row.amount = true,
            Token::Text | Token::Heading => row.text = true,
            Token::Other => row.other = true,
        }
        c.row = at;
    }
    grid
}

/// Fewest names, and amounts, in a run for [`printed_down`]: more lines
/// than a name wraps onto, more amounts than a row-major stream prints
/// after a name of a table of few columns.
const DOWN_RUN: usize = 5;

/// The cells of a table without codes printed a column at a time (table
/// 01's or 04's side: its row names, then the side's amounts one per line,
/// where a converter took each column for a text flow of its own): a run of
/// at least [`DOWN_RUN`] names, three of them enumerated (`二、`, which
/// no header prints), right before a run of as many amounts or more, 行次
/// numbers allowed between. A row-major stream never prints so many row
/// names without an amount, nor so many amounts without a name; a coded
/// table's columns are [`transposed`]'s.
fn printed_down(tokens: &[Token], enumerated: impl Fn(usize) -> bool) -> Vec<bool> {
    let mut down = vec![false; tokens.len()];
    if tokens.contains(&Token::Code) {
        return down;
    }
    let run = |from: usize, of: &dyn Fn(Token) -> bool| {
        tokens[from..].iter().take_while(|&&t| of(t)).count()
    };
    let mut i = 0;
    while i < tokens.len() {
        let names = run(i, &|t| matches!(t, Token::Text | Token::Heading));
        if names == 0 {
            i += 1;
            continue;
        }
        let numbers = run(i + names, &|t| t == Token::Other);
        let amounts = run(i + names + numbers, &|t| t == Token::Amount);
        if names >= DOWN_RUN
            && amounts >= DOWN_RUN
            && (i..i + names).filter(|&k| enumerated(k)).count() >= 3
        {
            down[i..i + names].fill(true);
            let from = i + names + numbers;
            down[from..from + amounts].fill(true);
        }
        i += names + numbers + amounts.max(1);
    }
    down
}

/// A stream printed column by column (PyMuPDF's blocks, `pdftotext` where
/// each column is one text block), page by page: the header, the row labels
/// (a total label and the subject codes), the names, then each column's
/// amounts in row order, a 栏次 number before each where the table prints
/// them, then the page's furniture. Where every column prints every row
/// (zeros included), column `c` of row `r` is amount `c × rows + r`, and
/// the rows are rebuilt as flat text rows for the assembler (a row printing
/// every column is placed by its order). `None` for any other stream: a
/// sparse column (blank cells gone), codes printed in parts, rows printed
/// after the amounts.
fn transposed(cells: &Cells) -> Option<CellGrid> {
    let src = &cells.grid;
    let mut pages: Vec<usize> = std::iter::once(0)
        .chain((1..src.cells.len()).filter(|&i| cells.page_starts[i]))
        .collect();
    pages.push(src.cells.len());
    let page = Page {
        src,
        tokens: &cells.tokens,
    };
    let mut out = CellGrid::new(Layout::Ordered);
    let mut row = 0u32;
    let mut codes = 0;
    let mut last = None;
    for w in pages.windows(2) {
        codes += page.transpose(w[0]..w[1], &mut out, &mut row, &mut last)?;
    }
    (codes >= 2).then_some(out)
}

/// The 类 and 款 of the last coded row transposed, for a page that goes on
/// with them.
type LastCode = Option<(String, Option<String>)>;

/// The cells of a stream, for [`transposed`].
struct Page<'a> {
    src: &'a CellGrid,
    tokens: &'a [Token],
}

impl Page<'_> {
    /// Transposes the cells `cells` of one page onto `out` from grid row
    /// `row` on; the page's coded rows (a page of furniture holds none).
    /// The total row's label is the last bare 合计 before the amounts (a
    /// column may be headed 合计 too, further up); where the page reads
    /// only without one (a continued page whose last 合计 is a header's
    /// wrapped end, `本年收入` / `合计`), it has none.
    fn transpose(
        &self,
        cells: std::ops::Range<usize>,
        out: &mut CellGrid,
        row: &mut u32,
        last: &mut LastCode,
    ) -> Option<usize> {
        let (src, tokens) = (self.src, self.tokens);
        let at = |t: Token| cells.clone().find(|&i| tokens[i] == t);
        let (first_code, first_amount) = match (at(Token::Code), at(Token::Amount)) {
            (None, None) => {
                self.header(cells, None, out, row);
                return Some(0);
            }
            (Some(c), Some(a)) if c < a => (c, a),
            _ => return None,
        };
        let total = (cells.start..first_amount)
            .rev()
            .find(|&i| matches!(src.text(&src.cells[i]), "合计" | "总计"));
        // What the page reads onto, kept to read it again without a total.
        let kept = total.map(|_| (out.clone(), *row, last.clone()));
        let read =
            |out: &mut CellGrid, row: &mut u32, last: &mut LastCode, total: Option<usize>| {
                self.transpose_with(
                    cells.clone(),
                    (first_code, first_amount),
                    total,
                    (out, row, last),
                )
            };
        read(out, row, last, total).or_else(|| {
            (*out, *row, *last) = kept?;
            read(out, row, last, None)
        })
    }

    /// [`Self::transpose`] with the total row labelled by cell `total`.
    fn transpose_with(
        &self,
        cells: std::ops::Range<usize>,
        (first_code, first_amount): (usize, usize),
        total: Option<usize>,
        (out, row, last): (&mut CellGrid, &mut u32, &mut LastCode),
    ) -> Option<usize> {
        let tokens = self.tokens;
        // Each row's key cells: a code (its parts where the 类, 款 and 项
        // columns came out as streams of their own), or a total's label.
        let (mut keys, after_parts): (Vec<Vec<usize>>, usize) =
            match self.code_parts(first_code..first_amount, last) {
                Some((rows, end)) => (rows, end),
                None => (Vec::new(), first_code),
            };
        let mut names: Vec<usize> = Vec::new();
        for (i, token) in tokens
            .iter()
            .enumerate()
            .take(first_amount)
            .skip(after_parts)
        {
            match token {
                Token::Code => keys.push(vec![i]),
                _ if Some(i) == total => {}
                // A total among the codes (人员经费合计 after its class's
                // codes) is a row of its own.
                Token::Heading if names.is_empty() => keys.push(vec![i]),
                Token::Text | Token::Heading => names.push(i),
                // The first 栏次 number, right before the first column.
                Token::Other if i + 1 == first_amount => {}
                Token::Other | Token::Amount => return None,
            }
        }
        let codes = keys.iter().filter(|k| tokens[k[0]] == Token::Code).count();
        if let Some(t) = total {
            keys.push(vec![t]);
            keys.sort_unstable();
        }
        let rows = keys.len();
        if codes == 0 {
            return None;
        }
        let mut columns: Vec<Vec<usize>> = vec![Vec::new()];
        let mut end = cells.end;
        for i in first_amount..cells.end {
            match tokens[i] {
                Token::Amount => columns.last_mut().expect("a column").push(i),
                Token::Other
                    if !columns.last().expect("a column").is_empty()
                        && tokens.get(i + 1) == Some(&Token::Amount) =>
                {
                    columns.push(Vec::new())
                }
                _ => {
                    end = i;
                    break;
                }
            }
        }
        // After the amounts, another panel's codes (a table printed in two
        // panels side by side), or only the page's furniture (its number).
        let next_panel = (end < cells.end && tokens[end] == Token::Code).then_some(end);
        if next_panel.is_none()
            && (end..cells.end).any(|i| matches!(tokens[i], Token::Code | Token::Amount))
        {
            return None;
        }
        // Each row's amounts, in column order.
        let by_row: Vec<Vec<usize>> = match self.dense(&columns, rows) {
            Some(dense) => dense,
            None => self.sparse(&columns, rows)?,
        };
        self.header(cells.start..first_code, total, out, row);
        let mut name = names.iter();
        for (key, amounts) in keys.iter().zip(&by_row) {
            *row += 1;
            out.set_row(*row);
            for &k in key {
                self.copy(out, k);
            }
            if names.len() == codes
                && tokens[key[0]] == Token::Code
                && let Some(&n) = name.next()
            {
                self.copy(out, n);
            }
            for &a in amounts {
                self.copy(out, a);
            }
        }
        if let Some(key) = keys.iter().rev().find(|k| tokens[k[0]] == Token::Code) {
            let code: String = key
                .iter()
                .map(|&k| self.src.text(&self.src.cells[k]))
                .collect();
            if let Some(class) = code.get(..3) {
                *last = Some((class.to_string(), code.get(3..5).map(str::to_string)));
            }
        }
        match next_panel {
            Some(p) => Some(codes + self.transpose(p..cells.end, out, row, last)?),
            None => Some(codes),
        }
    }

    /// Codes printed in three columns (类, 款, 项), each a stream of its
    /// own with blank cells gone: the 类 codes, then the 款 and 项 parts,
    /// joined by [`code_rows`]. Per row its parts (the assembler joins them
    /// into one code), and the cell after the 项 stream.
    fn code_parts(
        &self,
        cells: std::ops::Range<usize>,
        last: &LastCode,
    ) -> Option<(Vec<Vec<usize>>, usize)> {
        let (src, tokens) = (self.src, self.tokens);
        let text = |i: usize| src.text(&src.cells[i]);
        let classes: Vec<usize> = cells
            .clone()
            .take_while(|&i| tokens[i] == Token::Code && text(i).len() == 3)
            .collect();
        let start = cells.start + classes.len();
        let parts: Vec<usize> = (start..cells.end)
            .take_while(|&i| tokens[i] == Token::Other && text(i).len() == 2)
            .collect();
        if classes.len() < 2 || parts.is_empty() {
            return None;
        }
        let class_texts: Vec<&str> = classes.iter().map(|&i| text(i)).collect();
        let part_texts: Vec<&str> = parts.iter().map(|&i| text(i)).collect();
        let before = last.as_ref().map(|(c, k)| (c.as_str(), k.as_deref()));
        let rows = code_rows(&class_texts, &part_texts, before)?
            .iter()
            .map(|r| r.cells(&classes, &parts))
            .collect();
        Some((rows, start + parts.len()))
    }

    /// Every column prints every row: the columns as parted by 栏次
    /// numbers, or the amounts in runs of `rows`.
    fn dense(&self, columns: &[Vec<usize>], rows: usize) -> Option<Vec<Vec<usize>>> {
        let parted: Vec<Vec<usize>>;
        let columns = if columns.len() == 1 {
            if !columns[0].len().is_multiple_of(rows) {
                return None;
            }
            parted = columns[0].chunks(rows).map(<[usize]>::to_vec).collect();
            &parted
        } else {
            columns
        };
        if columns.iter().any(|c| c.len() != rows) {
            return None;
        }
        Some(
            (0..rows)
                .map(|r| columns.iter().map(|c| c[r]).collect())
                .collect(),
        )
    }

    /// A total column that prints every row, then two columns whose blank
    /// cells are gone (小计, then 基本支出 and 项目支出): each row's total is
    /// the sum of its parts, and the parts keep the order of the rows. Kept
    /// only where every placement that makes each row's sum hold gives the
    /// rows the same figures ([`split_in_two`]; the split between the two
    /// columns is searched too, unless 栏次 numbers print it).
    fn sparse(&self, columns: &[Vec<usize>], rows: usize) -> Option<Vec<Vec<usize>>> {
        let value = |i: usize| {
            crate::amount::parse_printed(self.src.text(&self.src.cells[i])).map(|p| p.value)
        };
        let (totals, parts, split): (&[usize], Vec<usize>, Option<usize>) = match columns {
            [all] if all.len() > rows => (&all[..rows], all[rows..].to_vec(), None),
            [t, a, b] if t.len() == rows => (t, [a.as_slice(), b].concat(), Some(a.len())),
            _ => return None,
        };
        let total: Vec<_> = totals.iter().map(|&i| value(i)).collect::<Option<_>>()?;
        let part: Vec<_> = parts.iter().map(|&i| value(i)).collect::<Option<_>>()?;
        let placed = split_in_two(&total, &part, split)?;
        Some(
            placed
                .into_iter()
                .zip(totals)
                .map(|(row, &t)| {
                    std::iter::once(t)
                        .chain(row.into_iter().map(|p| parts[p]))
                        .collect()
                })
                .collect(),
        )
    }

    fn header(
        &self,
        cells: std::ops::Range<usize>,
        skip: Option<usize>,
        out: &mut CellGrid,
        row: &mut u32,
    ) {
        header_rows(self.src, cells, skip, out, row);
    }

    fn copy(&self, out: &mut CellGrid, i: usize) {
        copy_cell(self.src, out, i);
    }
}

/// A row's code as [`code_rows`] joins it: its 类, and its 款 and 项
/// parts.
pub(crate) struct CodeRow {
    class: usize,
    kuan: Option<usize>,
    xiang: Option<usize>,
}

impl CodeRow {
    /// The row's code cells, from the cells of the 类 codes and of the
    /// parts.
    pub(super) fn cells(&self, classes: &[usize], parts: &[usize]) -> Vec<usize> {
        self.pick(classes, parts).collect()
    }

    /// The row's whole code, from the texts of the 类 codes and of the
    /// parts.
    pub(crate) fn code(&self, classes: &[&str], parts: &[&str]) -> String {
        self.pick(classes, parts).collect()
    }

    fn pick<T: Copy>(&self, classes: &[T], parts: &[T]) -> impl Iterator<Item = T> {
        std::iter::once(classes[self.class])
            .chain(self.kuan.map(|k| parts[k]))
            .chain(self.xiang.map(|x| parts[x]))
    }
}

/// Codes printed in three columns (类, 款, 项) with blank cells gone: the
/// 类 column prints every row, the 款 column every row but a 类's own, the
/// 项 column the 项 rows. A 类's rows are its own then its 款 rows, each
/// followed by its 项 rows (which repeat the 款), so the 款 column says
/// which rows are 项 rows and the columns' lengths where the 款 column
/// ends in `parts` (the 款 then the 项 parts). Per row: its 类, and its
/// 款 and 项 parts as indices into `parts`; `None` unless the columns fit
/// so exactly.
pub(crate) fn code_rows(
    classes: &[&str],
    parts: &[&str],
    before: Option<(&str, Option<&str>)>,
) -> Option<Vec<CodeRow>> {
    if classes.len() < 2 || parts.is_empty() {
        return None;
    }
    // Rows per 类: runs of one 类 code.
    let mut groups: Vec<usize> = Vec::new();
    for (k, c) in classes.iter().enumerate() {
        if k == 0 || *c != classes[k - 1] {
            groups.push(0);
        }
        *groups.last_mut().expect("a group") += 1;
    }
    // A page that goes on with the 类 the page before ended in prints no
    // row of that 类's own, and its first 款 may go on with that page's
    // last (a 项 row).
    let continued = before.filter(|(c, _)| *c == classes[0]);
    let kuan_len = classes.len() - groups.len() + usize::from(continued.is_some());
    if kuan_len == 0 || kuan_len > parts.len() {
        return None;
    }
    // Within a 类, a 款 repeated on the next row is that 款's 项 row.
    let mut rows = Vec::with_capacity(classes.len());
    let (mut c, mut k, mut x) = (0, 0, kuan_len);
    for (g, &n) in groups.iter().enumerate() {
        let goes_on = g == 0 && continued.is_some();
        if !goes_on {
            rows.push(CodeRow {
                class: c,
                kuan: None,
                xiang: None,
            });
            c += 1;
        }
        let mut last: Option<&str> = if goes_on {
            continued.and_then(|(_, kuan)| kuan)
        } else {
            None
        };
        for _ in usize::from(!goes_on)..n {
            let part = parts[k];
            let xiang = if last == Some(part) {
                if x >= parts.len() {
                    return None;
                }
                x += 1;
                Some(x - 1)
            } else {
                None
            };
            last = Some(part);
            rows.push(CodeRow {
                class: c,
                kuan: Some(k),
                xiang,
            });
            c += 1;
            k += 1;
        }
    }
    (x == parts.len()).then_some(rows)
}

/// Header cells of `src`, a row of `out` per line from `row` on; `skip` is
/// a cell read elsewhere (the total row's label).
pub(super) fn header_rows(
    src: &CellGrid,
    cells: std::ops::Range<usize>,
    skip: Option<usize>,
    out: &mut CellGrid,
    row: &mut u32,
) {
    let mut line = None;
    for i in cells {
        if Some(i) == skip {
            continue;
        }
        let l = src.cells[i].line;
        if line != Some(l) {
            *row += 1;
            line = Some(l);
        }
        out.set_row(*row);
        copy_cell(src, out, i);
    }
}

/// Cell `i` of `src` pushed onto `out`, in the row `out` is at.
pub(super) fn copy_cell(src: &CellGrid, out: &mut CellGrid, i: usize) {
    let c = &src.cells[i];
    out.push(
        src.text(c),
        src.raw(c),
        c.line as usize,
        c.x,
        c.xd,
        None,
        Some(c.kind),
    );
}

/// Search states of [`split_in_two`] at most (rows × the part pairs of
/// every split): a longer table is left to the reflow.
const SPLIT_STATES: usize = 2_000_000;

/// Placements of [`split_in_two`] compared at most.
const SPLIT_SOLUTIONS: usize = 16;

/// Places `parts` (two columns one after the other, blank cells gone, the
/// first `split` long if known) beside `total` so that each row's parts sum
/// to its total: per row, the indices of its parts. Which of the two
/// columns a part is in may stay open (a row with one part, at the split):
/// that is for the assembler's identities, and equal figures may swap
/// rows. `None` unless every placement (up to [`SPLIT_SOLUTIONS`]) gives
/// each row the same figures.
fn split_in_two(
    total: &[Amount],
    parts: &[Amount],
    split: Option<usize>,
) -> Option<Vec<Vec<usize>>> {
    let (n, l) = (total.len(), parts.len());
    let splits: Vec<usize> = match split {
        Some(k) => vec![k],
        None => (0..=l).collect(),
    };
    let states: usize = splits.iter().map(|&k| (k + 1) * (l - k + 1)).sum();
    if states.saturating_mul(n + 1) > SPLIT_STATES {
        return None;
    }
    let holds = |sum: Amount, t: Amount| Amount::sums_to(sum, t, 2, 2);
    let mut found: Option<Vec<Vec<usize>>> = None;
    let mut solutions = 0;
    for k in splits {
        // open[r][i][j - k]: rows r.. can still be placed from part i of the
        // first column and part j of the second.
        let (wa, wb) = (k + 1, l - k + 1);
        let at = |r: usize, i: usize, j: usize| (r * wa + i) * wb + (j - k);
        let mut open = vec![false; (n + 1) * wa * wb];
        open[at(n, k, l)] = true;
        // The states row r can move to from (i, j): both columns print a
        // part, the first only, the second only, neither (a zero total).
        let steps = |r: usize, i: usize, j: usize| {
            let t = total[r];
            [
                (i < k && j < l && holds(parts[i] + parts[j], t)).then_some((i + 1, j + 1)),
                (i < k && holds(parts[i], t)).then_some((i + 1, j)),
                (j < l && holds(parts[j], t)).then_some((i, j + 1)),
                t.is_zero().then_some((i, j)),
            ]
            .into_iter()
            .flatten()
        };
        for r in (0..n).rev() {
            for i in 0..=k {
                for j in k..=l {
                    open[at(r, i, j)] = steps(r, i, j).any(|(i2, j2)| open[at(r + 1, i2, j2)]);
                }
            }
        }
        if !open[at(0, 0, k)] {
            continue;
        }
        // Every placement, depth first along the open states.
        let mut stack: Vec<(usize, usize, usize, Vec<Vec<usize>>)> = vec![(0, 0, k, Vec::new())];
        while let Some((r, i, j, placed)) = stack.pop() {
            if r == n {
                solutions += 1;
                let values = |p: &[Vec<usize>]| -> Vec<Vec<Amount>> {
                    p.iter()
                        .map(|row| row.iter().map(|&x| parts[x]).collect())
                        .collect()
                };
                if solutions > SPLIT_SOLUTIONS
                    || found.as_ref().is_some_and(|f| values(f) != values(&placed))
                {
                    return None;
                }
                found.get_or_insert(placed);
                continue;
            }
            for (i2, j2) in steps(r, i, j) {
                if open[at(r + 1, i2, j2)] {
                    let mut p = placed.clone();
                    p.push((i..i2).chain(j..j2).collect());
                    stack.push((r + 1, i2, j2, p));
                }
            }
        }
    }
    found
}

/// What a cell is to the reflow.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Token {
    /// A subject code: 3, 5 or 7 digits, 类 1 to 3.
    Code,
    Amount,
    /// A name or a word of one.
    Text,
    /// A name that is a row of its own, never the rest of a wrapped one: an
    /// enumerated name (`二、上级补助收入`) or a total (`人员经费合计`).
    Heading,
    /// Other digits: code parts (`06`), 行次 and 栏次.
    Other,
}

impl Token {
    fn of(text: &str, kind: CellKind) -> Token {
        match kind {
            CellKind::Amount => Token::Amount,
            CellKind::Text
                if crate::text::split_enumerator(text).0.is_some()
                    || text.ends_with("合计")
                    || text.ends_with("总计") =>
            {
                Token::Heading
            }
            CellKind::Text => Token::Text,
            CellKind::Digits if code_like(text) => Token::Code,
            CellKind::Digits => Token::Other,
        }
    }
}

/// What the row being gathered holds so far.
#[derive(Default)]
struct Row {
    code: bool,
    amount: bool,
    text: bool,
    other: bool,
    /// A header line (before the first row, or after a page break).
    header: bool,
}

impl Row {
    fn is_empty(&self) -> bool {
        !(self.code || self.amount || self.text || self.other)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The texts of each grid row, joined by spaces.
    pub(in crate::table::read) fn texts(g: &CellGrid) -> Vec<String> {
        g.lines()
            .into_iter()
            .map(|(_, cells)| {
                g.cells[cells]
                    .iter()
                    .map(|c| g.text(c))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    fn rows(doc: &str) -> Vec<String> {
        let t = Text::from_string(doc);
        texts(&reflowed(Cells::of(&t, 0..t.len())))
    }

    #[test]
    fn rows_begin_at_codes_and_at_names_after_amounts() {
        let doc = "科目编码\n科目名称\n决算数\n301\n工资福利支出\n9.00\n30101\n基本工资\n\
                   30108\n机关事业单位基本养老\n保险缴费\n9.00 30199\n其他\n人员经费合计\n9.00\n";
        assert_eq!(
            rows(doc),
            vec![
                "科目编码",
                "科目名称",
                "决算数",
                "301 工资福利支出 9.00",
                "30101 基本工资",
                "30108 机关事业单位基本养老 保险缴费 9.00",
                "30199 其他",
                "人员经费合计 9.00",
            ]
        );
    }

    /// Table 01 with 行次 columns, its income side blank from row 4 on: the
    /// income 行次 comes after the row before's amounts and before the
    /// expenditure name, and opens that row (not a fifth amount).
    #[test]
    fn a_row_number_before_a_name_opens_the_row() {
        let doc = "项目\n行次\n决算数\n三、国有资本经营预算财政拨款\n3\n0.00\n三、国防支出\n29\n\
                   0.00\n0.00\n4\n四、公共安全支出\n30\n5.00\n5.00\n";
        assert_eq!(
            rows(doc),
            vec![
                "项目",
                "行次",
                "决算数",
                "三、国有资本经营预算财政拨款",
                "3 0.00",
                "三、国防支出 29 0.00 0.00",
                "4 四、公共安全支出 30 5.00 5.00",
            ]
        );
    }

    /// A name printed above its code (a taller cell, the code centred)
    /// stays with it; after a page break the running title and the header
    /// are lines of their own again.
    #[test]
    fn a_name_before_its_code_and_a_page_break() {
        let doc = "项目\n合计\n3.00\n一般公共服务支出\n201\n3.00\n- 2 -\n\u{c}某县2021年度部门决算\n项目\n20101\n人大事务\n3.00\n";
        assert_eq!(
            rows(doc),
            vec![
                "项目",
                "合计 3.00",
                "一般公共服务支出 201 3.00",
                "- 2 -",
                "某县2021年度部门决算",
                "项目",
                "20101 人大事务 3.00",
            ]
        );
    }

    /// The texts of each row of the transposed grid.
    fn transposed_rows(doc: &str) -> Option<Vec<String>> {
        let t = Text::from_string(doc);
        transposed(&Cells::of(&t, 0..t.len())).map(|g| texts(&g))
    }

    /// Codes, names, then each column down the rows, the total row's label
    /// among the header; the table goes on over a page break (page number,
    /// running title) with its own codes, names and columns.
    #[test]
    fn a_stream_printed_column_by_column_is_transposed_page_by_page() {
        let doc = "项目\n合计\n基本支出\n科目编码\n科目名称\n合计\n201\n20101\n一般公共服务支出\n\
                   人大事务\n5.00\n5.00\n5.00\n4.00\n4.00\n4.00\n- 3 -\n\u{c}某县2021年度部门决算\n\
                   2010101\n行政运行\n5.00\n4.00\n";
        assert_eq!(
            transposed_rows(doc).unwrap(),
            vec![
                "项目",
                "合计",
                "基本支出",
                "科目编码",
                "科目名称",
                "合计 5.00 4.00",
                "201 一般公共服务支出 5.00 4.00",
                "20101 人大事务 5.00 4.00",
                "某县2021年度部门决算",
                "2010101 行政运行 5.00 4.00",
            ]
        );
    }

    /// A continued page whose header wraps `本年收入` / `合计`: its last
    /// bare 合计 is the header's end, not a total row (the page prints
    /// none), and its sparse column reads beside its two rows.
    #[test]
    fn a_header_s_wrapped_total_is_no_total_row_on_a_continued_page() {
        let doc = "科目编码\n科目名称\n本年收入\n合计\n财政拨款收入\n其他收入\n合计\n201\n\
                   20101\n一般公共服务支出\n人大事务\n30.00\n30.00\n30.00\n25.00\n25.00\n25.00\n\
                   5.00\n5.00\n5.00\n\u{c}科目编码\n科目名称\n本年收入\n合计\n财政拨款收入\n其他收入\n\
                   2010101\n2010102\n行政运行\n一般行政管理事务\n12.00\n18.00\n12.00\n15.00\n3.00\n";
        let got = transposed_rows(doc).unwrap();
        assert_eq!(
            got[got.len() - 2..],
            [
                "2010101 行政运行 12.00 12.00",
                "2010102 一般行政管理事务 18.00 15.00 3.00"
            ]
        );
        assert!(
            got.contains(&"合计 30.00 25.00 5.00".to_string()),
            "{got:?}"
        );
    }

    /// 栏次 numbers before each column say where columns part; a column one
    /// amount short (a blank cell gone) leaves the stream to the reflow.
    #[test]
    fn column_numbers_part_the_columns_and_a_short_column_is_no_transpose() {
        let doc = "科目编码\n201\n20101\n1\n3.00\n3.00\n2\n1.00\n1.00\n3\n2.00\n2.00\n";
        assert_eq!(
            transposed_rows(doc).unwrap(),
            vec!["科目编码", "201 3.00 1.00 2.00", "20101 3.00 1.00 2.00"]
        );
        let short = "科目编码\n201\n20101\n1\n3.00\n3.00\n2\n1.00\n3\n2.00\n2.00\n";
        assert_eq!(transposed_rows(short), None);
    }

    /// Codes printed in 类, 款 and 项 columns, each its own stream with blank
    /// cells gone (`pdftotext -raw` of a table written column by column):
    /// the 类 stream prints every row, the 款 stream all but the 类 rows, the
    /// 项 stream the 项 rows; a 款 repeated within its 类 is a 项 row.
    #[test]
    fn codes_printed_in_three_part_streams_are_put_back_together() {
        let doc = "类\n款\n项\n合计\n208\n208\n208\n208\n210\n210\n05\n05\n05\n11\n\
                   05\n06\n社会保障和就业支出\n行政事业单位养老支出\n机关事业单位基本养老保险缴费支出\n\
                   机关事业单位职业年金缴费支出\n卫生健康支出\n行政事业单位医疗\n\
                   9.00\n6.00\n6.00\n4.00\n2.00\n3.00\n3.00\n";
        assert_eq!(
            transposed_rows(doc).unwrap(),
            vec![
                "类",
                "款",
                "项",
                "合计 9.00",
                "208 社会保障和就业支出 6.00",
                "208 05 行政事业单位养老支出 6.00",
                "208 05 05 机关事业单位基本养老保险缴费支出 4.00",
                "208 05 06 机关事业单位职业年金缴费支出 2.00",
                "210 卫生健康支出 3.00",
                "210 11 行政事业单位医疗 3.00",
            ]
        );
        // A 项 stream one part short does not fit: no transpose.
        let short = doc.replace("05\n06\n社会", "05\n社会");
        assert_eq!(transposed_rows(&short), None);
    }

    /// Codes in part streams on two pages, the second going on with the
    /// first page's last 类: its first rows are that 类's 款 and 项.
    #[test]
    fn codes_in_part_streams_go_on_across_a_page() {
        let doc = "类\n款\n项\n合计\n208\n208\n210\n05\n社会保障和就业支出\n\
                   行政事业单位养老支出\n卫生健康支出\n9.00\n6.00\n6.00\n3.00\n- 3 -\n\
                   \u{c}某县2021年度部门决算\n210\n210\n11\n11\n01\n行政事业单位医疗\n\
                   行政单位医疗\n3.00\n3.00\n";
        let rows = transposed_rows(doc).unwrap();
        assert!(
            rows.ends_with(&[
                "210 卫生健康支出 3.00".to_string(),
                "某县2021年度部门决算".to_string(),
                "210 11 行政事业单位医疗 3.00".to_string(),
                "210 11 01 行政单位医疗 3.00".to_string(),
            ]),
            "{rows:#?}"
        );
    }

    /// A page that goes on with the 类 the page before ended in (its last
    /// row 210, a 类's own): no row of 210's own on it, its rows 210's 款
    /// and 项, then 221's.
    #[test]
    fn codes_in_part_streams_on_a_page_going_on_with_the_last_class() {
        let classes = ["210", "210", "221", "221", "221", "221"];
        let parts = ["11", "11", "02", "02", "02", "03", "01", "03"];
        let codes = |before| {
            code_rows(&classes, &parts, before).map(|rows| {
                rows.iter()
                    .map(|r| {
                        let (c, p): (Vec<usize>, Vec<usize>) =
                            ((0..classes.len()).collect(), (0..parts.len()).collect());
                        let cells = r.cells(&c, &p);
                        std::iter::once(classes[cells[0]])
                            .chain(cells[1..].iter().map(|&i| parts[i]))
                            .collect::<String>()
                    })
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            codes(Some(("210", None))).unwrap(),
            ["21011", "2101103", "221", "22102", "2210201", "2210203"]
        );
        // Read as a page of its own, its columns do not fit.
        assert_eq!(codes(None), None);
    }

    fn amounts(printed: &[&str]) -> Vec<Amount> {
        printed
            .iter()
            .map(|p| crate::amount::parse_printed(p).unwrap().value)
            .collect()
    }

    /// 小计 printed for every row, then 基本支出 and 项目支出 with their blank
    /// cells gone: the row sums say which row each figure is in, whichever
    /// column a lone figure at the split is in.
    #[test]
    fn two_sparse_columns_are_placed_by_the_row_totals() {
        let total = amounts(&["30.00", "30.00", "20.00", "10.00", "7.00"]);
        let parts = amounts(&["18.00", "18.00", "20.00", "12.00", "12.00", "10.00", "7.00"]);
        assert_eq!(
            split_in_two(&total, &parts, None),
            Some(vec![vec![0, 3], vec![1, 4], vec![2], vec![5], vec![6]])
        );
        // No placement makes 30.00 of these: the stream is left to the reflow.
        let total = amounts(&["30.00", "20.00"]);
        let parts = amounts(&["20.00", "5.00", "20.00"]);
        assert_eq!(split_in_two(&total, &parts, None), None);
    }
}
