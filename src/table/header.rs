//! Printed headers into canonical columns, by geometry.
//!
//! A header cell may be wrapped over several lines (`附属单` / `位上` /
//! `缴收入`), centred over its column, spanned by a parent (`预算数` over six
//! columns, `本年支出` over three), or printed one space from its neighbour.
//! Fragments are stacked by horizontal overlap; a fragment that overlaps
//! several stacks below it is their parent. A stack names the canonical
//! column whose header levels its texts cover.

use super::grid::Span;
use super::spec::ColumnSpec;
use crate::text::{edit_distance, split_enumerator, squeeze};

/// A header fragment: its text and where it stands.
#[derive(Clone, Debug)]
pub struct Fragment {
    pub text: String,
    pub line: u32,
    pub span: Span,
}

/// Fragments stacked into one header cell, with the texts of the cells
/// spanning it from above.
#[derive(Clone, Debug)]
pub struct Stack {
    pub text: String,
    pub span: Span,
    pub parents: Vec<String>,
    pub top: u32,
}

/// Text of a header cell reduced for matching.
pub fn header_key(s: &str) -> String {
    let s = squeeze(s);
    let s = s.replace("(万元)", "").replace("(元)", "");
    let (_, s) = split_enumerator(&s);
    s.trim_matches(|c: char| "\"'“”:".contains(c)).to_string()
}

/// Fuzzy equality of a printed header text and one level of a canonical
/// column name, with the column's aliases.
pub fn level_matches(key: &str, level: &str, aliases: &[&str]) -> bool {
    if key == level || aliases.contains(&key) {
        return true;
    }
    let alias = match key {
        "因公出国(境)费用" | "因公出国费" => "因公出国(境)费",
        "公务用车购置及运行费" => "公务用车购置及运行维护费",
        "年初结转结余" => "年初结转和结余",
        "年末结转结余" => "年末结转和结余",
        "金额" | "决算" | "本年决算数" => "决算数",
        "预算" | "年初预算数" | "全年预算数" => "预算数",
        _ => key,
    };
    if alias == level {
        return true;
    }
    let n = level.chars().count();
    n >= 4 && edit_distance(key, level, n / 5) <= n / 5
}

/// How well a stack names a column: every level of the column's name must
/// be among the stack's texts; the score counts the levels matched and
/// penalises texts left over. `None` when a level is missing.
pub fn column_score(stack: &Stack, col: &ColumnSpec) -> Option<u32> {
    let direct = score_levels(
        stack.parents.iter().map(|p| header_key(p)).collect(),
        header_key(&stack.text),
        col,
    );
    if direct.is_some() {
        return direct;
    }
    // A name wrapped over header lines of its own (a rule-less table prints
    // each line of a cell as a line): the lowest texts joined are the leaf.
    let mut texts: Vec<String> = stack.parents.iter().map(|p| header_key(p)).collect();
    texts.push(header_key(&stack.text));
    (0..texts.len().saturating_sub(1)).find_map(|j| {
        let own: String = texts[j..].concat();
        score_levels(texts[..j].to_vec(), own, col)
    })
}

fn score_levels(mut texts: Vec<String>, own: String, col: &ColumnSpec) -> Option<u32> {
    let levels: Vec<&str> = col.name.split('/').collect();
    let leaf = *levels.last()?;
    texts.push(own.clone());
    // The leaf is the stack's own text, or its own text ends with it (a
    // parent printed in the same cell: "本年支出小计").
    let leaf_here = level_matches(&own, leaf, col.aliases)
        || own.len() > leaf.len() && own.ends_with(leaf) && levels.len() > 1;
    // Interleaved 09 prints the part above and 预算数/决算数 as the leaf.
    let leaf_above = !leaf_here
        && texts[..texts.len() - 1]
            .iter()
            .any(|t| level_matches(t, leaf, col.aliases));
    if !(leaf_here || leaf_above) {
        return None;
    }
    let mut matched: u32 = 1;
    for lv in &levels[..levels.len() - 1] {
        if texts
            .iter()
            .any(|t| level_matches(t, lv, &[]) || t.starts_with(lv))
        {
            matched += 1;
        } else {
            return None;
        }
    }
    let leftover = (texts.len() as u32).saturating_sub(matched);
    Some(matched * 10 + if leaf_here { 5 } else { 0 } - leftover.min(4))
}

/// Stacks fragments: fragments on different lines that overlap one another
/// alone are one cell; a fragment overlapping two or more fragments of a
/// lower line is their parent.
pub fn stack(frags: &[Fragment]) -> Vec<Stack> {
    let n = frags.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (frags[i].line, frags[i].span.x0));
    // Union-find over fragments.
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], i: usize) -> usize {
        let mut r = i;
        while p[r] != r {
            r = p[r];
        }
        let mut i = i;
        while p[i] != r {
            let next = p[i];
            p[i] = r;
            i = next;
        }
        r
    }
    let mut spans_over: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, &a) in order.iter().enumerate() {
        let fa = &frags[a];
        // The cell `a` heads: half-way to its neighbours on its line; its
        // own extent when it stands alone there (a wrapped word's first line).
        let prev = k
            .checked_sub(1)
            .map(|j| &frags[order[j]])
            .filter(|f| f.line == fa.line);
        let next = order
            .get(k + 1)
            .map(|&j| &frags[j])
            .filter(|f| f.line == fa.line);
        let cell = if prev.is_none() && next.is_none() {
            Span {
                x0: fa.span.x0.saturating_sub(1),
                x1: fa.span.x1 + 1,
            }
        } else {
            Span {
                x0: prev
                    .map(|p| (p.span.center2() + fa.span.center2()) / 4)
                    .unwrap_or(0),
                x1: next
                    .map(|q| (q.span.center2() + fa.span.center2()) / 4)
                    .unwrap_or(u32::MAX),
            }
        };
        let inside = |f: &Fragment| {
            let c = f.span.center2() / 2;
            c >= cell.x0 && c < cell.x1
        };
        // The nearest lower line holding a fragment centred in that cell.
        let Some(lower) = order
            .iter()
            .map(|&b| &frags[b])
            .filter(|f| f.line > fa.line && inside(f))
            .map(|f| f.line)
            .min()
        else {
            continue;
        };
        let below: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&b| frags[b].line == lower && inside(&frags[b]))
            .collect();
        // A parent is centred over its children; otherwise `a` continues
        // onto the fragment below it that it overlaps most (a wrapped word).
        let lo = below.iter().map(|&b| frags[b].span.x0).min().unwrap_or(0);
        let hi = below.iter().map(|&b| frags[b].span.x1).max().unwrap_or(0);
        let centred = (fa.span.center2() as i64 - (lo + hi) as i64).unsigned_abs()
            <= (2 * ((hi - lo) / 5).max(2)) as u64;
        if below.len() >= 2 && centred {
            spans_over[a] = below;
        } else if let Some(&b) = below
            .iter()
            .filter(|&&b| fa.span.overlap(frags[b].span) > 0)
            .max_by_key(|&&b| fa.span.overlap(frags[b].span))
        {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            parent[ra] = rb;
        } else if below.len() == 1 {
            spans_over[a] = below;
        }
    }
    // Collect stacks.
    let mut roots: Vec<usize> = Vec::new();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &i in &order {
        let r = find(&mut parent, i);
        if members[r].is_empty() {
            roots.push(r);
        }
        members[r].push(i);
    }
    let mut stacks: Vec<Stack> = Vec::new();
    let mut stack_of = vec![usize::MAX; n];
    for &r in &roots {
        let m = &members[r];
        let text: String = m.iter().map(|&i| frags[i].text.as_str()).collect();
        let span = m.iter().fold(frags[m[0]].span, |s, &i| Span {
            x0: s.x0.min(frags[i].span.x0),
            x1: s.x1.max(frags[i].span.x1),
        });
        let top = m.iter().map(|&i| frags[i].line).min().unwrap_or(0);
        for &i in m {
            stack_of[i] = stacks.len();
        }
        stacks.push(Stack {
            text,
            span,
            parents: Vec::new(),
            top,
        });
    }
    // Parents: a spanning fragment's stack text goes to every stack below it,
    // and on to theirs (a parent of a parent).
    for &a in order.iter().rev() {
        if spans_over[a].is_empty() {
            continue;
        }
        let sa = stack_of[a];
        let text = stacks[sa].text.clone();
        let mut above = stacks[sa].parents.clone();
        above.push(text);
        let mut targets: Vec<usize> = spans_over[a].iter().map(|&b| stack_of[b]).collect();
        targets.sort();
        targets.dedup();
        // Everything under those stacks at lower lines too.
        let lo = targets
            .iter()
            .map(|&s| stacks[s].span.x0)
            .min()
            .unwrap_or(0);
        let hi = targets
            .iter()
            .map(|&s| stacks[s].span.x1)
            .max()
            .unwrap_or(0);
        let under = Span { x0: lo, x1: hi };
        for (s, stack) in stacks.iter_mut().enumerate() {
            if s != sa && stack.top > frags[a].line && stack.span.overlap(under) > 0 {
                for t in above.iter().rev() {
                    if !stack.parents.contains(t) {
                        stack.parents.insert(0, t.clone());
                    }
                }
            }
        }
    }
    stacks.retain(|s| !s.text.is_empty());
    stacks
}

/// Assigns canonical columns to stacks: each column to the stack that names
/// it best; a stack names at most one column.
pub fn name_columns(stacks: &[Stack], columns: &[ColumnSpec]) -> Vec<Option<usize>> {
    let mut scored: Vec<(u32, usize, usize)> = Vec::new();
    for (si, s) in stacks.iter().enumerate() {
        for (ci, c) in columns.iter().enumerate() {
            if let Some(sc) = column_score(s, c) {
                scored.push((sc, si, ci));
            }
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut of_stack: Vec<Option<usize>> = vec![None; stacks.len()];
    let mut taken = vec![false; columns.len()];
    for (_, si, ci) in scored {
        if of_stack[si].is_none() && !taken[ci] {
            of_stack[si] = Some(ci);
            taken[ci] = true;
        }
    }
    of_stack
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::spec::{ColumnSpec, TableSpec};
    use crate::vocab::Table;

    fn frag(text: &str, line: u32, x0: u32) -> Fragment {
        let w = text.chars().count() as u32;
        Fragment {
            text: text.into(),
            line,
            span: Span { x0, x1: x0 + w },
        }
    }

    fn named(stacks: &[Stack], cols: &[ColumnSpec]) -> Vec<(String, Option<&'static str>)> {
        let names = name_columns(stacks, cols);
        stacks
            .iter()
            .zip(names)
            .map(|(s, n)| (s.text.clone(), n.map(|i| cols[i].name)))
            .collect()
    }

    #[test]
    fn wrapped_headers_are_stacked_by_position() {
        // 本年收入合 / 计 and 附属单 / 位上 / 缴收入, beside one-line headers.
        let frags = vec![
            frag("本年收入合", 0, 10),
            frag("附属单", 0, 40),
            frag("财政拨款收入", 1, 20),
            frag("计", 1, 12),
            frag("位上", 1, 40),
            frag("缴收入", 2, 40),
        ];
        let stacks = stack(&frags);
        let cols = TableSpec::of(Table::Income).columns;
        let got = named(&stacks, cols);
        assert!(
            got.contains(&("本年收入合计".into(), Some("本年收入合计"))),
            "{got:?}"
        );
        assert!(
            got.contains(&("附属单位上缴收入".into(), Some("附属单位上缴收入"))),
            "{got:?}"
        );
        assert!(
            got.contains(&("财政拨款收入".into(), Some("财政拨款收入"))),
            "{got:?}"
        );
    }

    #[test]
    fn spanning_parents_qualify_the_columns_below() {
        // 预算数 over 合计 and 公务接待费; 决算数 over the same two.
        let frags = vec![
            frag("预算数", 0, 6),
            frag("决算数", 0, 36),
            frag("合计", 1, 0),
            frag("公务接待费", 1, 10),
            frag("合计", 1, 30),
            frag("公务接待费", 1, 40),
        ];
        let stacks = stack(&frags);
        let got = named(&stacks, TableSpec::of(Table::ThreePublic).columns);
        assert!(
            got.contains(&("合计".into(), Some("预算数/合计"))),
            "{got:?}"
        );
        assert!(
            got.contains(&("合计".into(), Some("决算数/合计"))),
            "{got:?}"
        );
        assert!(
            got.contains(&("公务接待费".into(), Some("决算数/公务接待费"))),
            "{got:?}"
        );
    }
}
