//! The identities of [`spec`](super::spec), instantiated on the rows a
//! document has: `t02.children_sum` for each parent code present, a row total
//! per row, the cross-table and prose identities whose tables have rows. The
//! checks evaluate the instances on line items; the placement solver on
//! candidate placements. Both see the same list.

use rustc_hash::FxHashSet;

use super::spec::{ACROSS, CellRef, Identity, Parts, RowRef, Rows, SPECS, TableSpec, Term};
use crate::vocab::{FUNCTION_CLASSES, Side, Table, is_personnel_class};

/// A cell of a document by meaning: the row is its subject code, or its
/// canonical label when it has none.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellKey {
    pub table: Table,
    pub side: Option<Side>,
    pub row: String,
    pub column: &'static str,
}

/// A term of an instantiated identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operand {
    Cell(CellKey),
    Fact(&'static str),
}

/// `total = Σ sign × part`, on one document.
#[derive(Clone, Debug)]
pub struct Instance {
    /// Stable check id: `t02.children_sum`, `t01_t02.total`, `fact_vs_table.收入合计`.
    pub id: String,
    pub table: Table,
    pub subject_code: Option<String>,
    pub column: Option<&'static str>,
    pub total: Operand,
    pub parts: Vec<(i8, Operand)>,
    /// A blank part is a printed zero even when no part is printed: the same
    /// figure in two tables (`t01_t03.class`), where the other table having
    /// no such row says zero. Within a table a total printed without its
    /// breakdown (tables that print totals only) has nothing to compare.
    pub blank_parts_are_zero: bool,
}

/// What a document has, as far as identities care: the tables with rows,
/// their codes, their labelled rows, and the facts stated.
#[derive(Debug, Default)]
pub struct Present {
    tables: FxHashSet<Table>,
    codes: Vec<(Table, Vec<String>)>,
    cells: FxHashSet<(Table, Option<Side>, String)>,
    facts: FxHashSet<&'static str>,
    /// Tables printed with their header and no figure: they state zeros.
    empty: FxHashSet<Table>,
    /// Every code's parents are printed: hierarchy identities are
    /// instantiated for parents the reading lacks.
    full_hierarchy: bool,
}

impl Present {
    /// Records a row of `table` (its code, or its label when it has none).
    pub fn row(&mut self, table: Table, side: Option<Side>, code: Option<&str>, item: &str) {
        self.tables.insert(table);
        match code {
            Some(c) => {
                let list = match self.codes.iter_mut().find(|(t, _)| *t == table) {
                    Some((_, l)) => l,
                    None => {
                        self.codes.push((table, Vec::new()));
                        &mut self.codes.last_mut().expect("pushed").1
                    }
                };
                if !list.iter().any(|x| x == c) {
                    list.push(c.to_string());
                }
                self.cells.insert((table, side, c.to_string()));
            }
            None => {
                self.cells.insert((table, side, item.to_string()));
            }
        }
    }

    pub fn fact(&mut self, metric: &'static str) {
        self.facts.insert(metric);
    }

    /// Records a table printed with its header and no figure (an empty
    /// table states zeros, which the prose may contradict).
    pub fn printed_empty(&mut self, table: Table) {
        self.empty.insert(table);
    }

    /// Declares that every code's 款 and 类 rows are printed, so that a
    /// parent missing from the reading fails its children's sum.
    pub fn full_hierarchy(&mut self) {
        self.full_hierarchy = true;
    }

    pub fn has_table(&self, t: Table) -> bool {
        self.tables.contains(&t)
    }

    fn has_row(&self, t: Table, side: Option<Side>, row: &str) -> bool {
        self.cells.contains(&(t, side, row.to_string()))
    }

    fn codes(&self, t: Table) -> Vec<String> {
        let mut v = self
            .codes
            .iter()
            .find(|(x, _)| *x == t)
            .map(|(_, l)| l.clone())
            .unwrap_or_default();
        v.sort();
        v
    }
}

fn key(c: &CellRef, row: &str) -> CellKey {
    CellKey {
        table: c.table,
        side: c.side,
        row: match c.row {
            RowRef::Item(r) => r.to_string(),
            RowRef::Each => row.to_string(),
        },
        column: c.column,
    }
}

fn operand(t: &Term) -> Operand {
    match t {
        Term::Cell(c) => Operand::Cell(key(c, "")),
        Term::Fact(m) => Operand::Fact(m),
    }
}

fn tables_of(t: &Term, out: &mut Vec<Table>) {
    if let Term::Cell(c) = t {
        out.push(c.table);
    }
}

/// Every identity that applies to the document.
pub fn instantiate(p: &Present) -> Vec<Instance> {
    let mut out = Vec::new();
    // Coded tables first, as the checks have always listed them.
    let order = [
        Table::Income,
        Table::Expenditure,
        Table::GeneralBudgetExpenditure,
        Table::GovernmentFund,
        Table::StateCapital,
        Table::GeneralBudgetBasic,
        Table::Overview,
        Table::FiscalOverview,
        Table::ThreePublic,
    ];
    for t in order {
        if !p.has_table(t) {
            continue;
        }
        let spec = TableSpec::of(t);
        let codes = p.codes(t);
        for ident in spec.identities {
            table_identity(&mut out, p, spec, &codes, ident);
        }
    }
    for d in ACROSS {
        let mut tables = Vec::new();
        match &d.identity {
            Identity::Sum { total, parts, .. } => {
                if let Term::Fact(m) = total
                    && !p.facts.contains(m)
                {
                    continue;
                }
                tables_of(total, &mut tables);
                if let Parts::Terms(ts) = parts {
                    for (_, t) in *ts {
                        tables_of(t, &mut tables);
                    }
                }
                // The prose against a table printed empty: its cells are
                // zeros, stated by the print.
                let stated = matches!(total, Term::Fact(_));
                if tables
                    .iter()
                    .all(|t| p.has_table(*t) || stated && p.empty.contains(t))
                {
                    let before = out.len();
                    sum(&mut out, p, d.id.to_string(), d.table, total, parts);
                    for i in &mut out[before..] {
                        i.blank_parts_are_zero = !stated;
                    }
                }
            }
            Identity::PerClass { id, total, part } => {
                if !(p.has_table(total.table) && p.has_table(part.table)) {
                    continue;
                }
                let part_codes = p.codes(part.table);
                for (code, name) in FUNCTION_CLASSES {
                    let total_key = CellKey {
                        table: total.table,
                        side: Some(Side::Expenditure),
                        row: name.to_string(),
                        column: total.column,
                    };
                    if part_codes.iter().any(|c| c == code)
                        || p.has_row(total.table, Some(Side::Expenditure), name)
                    {
                        out.push(Instance {
                            blank_parts_are_zero: true,
                            id: id.to_string(),
                            table: d.table,
                            subject_code: Some(code.to_string()),
                            // The two-sided table's 决算数 says less than
                            // the coded table's column.
                            column: Some(if total.column == "决算数" {
                                part.column
                            } else {
                                total.column
                            }),
                            total: Operand::Cell(total_key),
                            parts: vec![(
                                1,
                                Operand::Cell(CellKey {
                                    table: part.table,
                                    side: None,
                                    row: code.to_string(),
                                    column: part.column,
                                }),
                            )],
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A standard table the document lacks although another table, or the
/// prose, states a non-zero figure that the same identity ties to it
/// (`t04_t05.total`: 04 prints 一般公共预算财政拨款 spending, so 05 details
/// it). `evidence` says where the figure is, for the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Implied {
    pub table: Table,
    pub by: Option<Table>,
    pub evidence: String,
}

/// The tables the declared cross-table and prose identities imply, among
/// those not `found`. `cell` gives a present table's amount at a cell;
/// `fact` a figure the prose states.
pub fn implied_tables(
    found: &[Table],
    cell: impl Fn(&CellKey) -> Option<crate::amount::Amount>,
    fact: impl Fn(&str) -> Option<crate::amount::Amount>,
) -> Vec<Implied> {
    let mut out: Vec<Implied> = Vec::new();
    let mut imply = |table: Table, by: Option<Table>, evidence: String| {
        if !found.contains(&table) && !out.iter().any(|i| i.table == table) {
            out.push(Implied {
                table,
                by,
                evidence,
            });
        }
    };
    for d in ACROSS {
        match &d.identity {
            Identity::Sum {
                total,
                parts: Parts::Terms(parts),
                ..
            } => {
                let terms: Vec<&Term> = std::iter::once(total)
                    .chain(parts.iter().map(|(_, t)| t))
                    .collect();
                // Nothing to imply when every table it ties is there.
                if terms
                    .iter()
                    .all(|t| !matches!(t, Term::Cell(c) if !found.contains(&c.table)))
                {
                    continue;
                }
                // A non-zero figure on a side that is present.
                let stated = terms.iter().find_map(|t| match t {
                    Term::Cell(c) if found.contains(&c.table) => {
                        let v = cell(&key(c, ""))?;
                        (!v.is_zero()).then(|| {
                            (
                                Some(c.table),
                                format!(
                                    "table {} {} {} {v}",
                                    c.table.code(),
                                    row_name(c),
                                    c.column
                                ),
                            )
                        })
                    }
                    Term::Fact(m) => {
                        let v = fact(m)?;
                        (!v.is_zero()).then(|| (None, format!("the prose's {m} {v}")))
                    }
                    Term::Cell(_) => None,
                });
                let Some((by, evidence)) = stated else {
                    continue;
                };
                for t in &terms {
                    if let Term::Cell(c) = t {
                        imply(c.table, by, format!("{evidence} ({})", d.id));
                    }
                }
            }
            Identity::PerClass { id, total, part } => {
                if !found.contains(&total.table) || found.contains(&part.table) {
                    continue;
                }
                for (_, name) in FUNCTION_CLASSES {
                    let k = CellKey {
                        table: total.table,
                        side: Some(Side::Expenditure),
                        row: name.to_string(),
                        column: total.column,
                    };
                    if let Some(v) = cell(&k).filter(|v| !v.is_zero()) {
                        imply(
                            part.table,
                            Some(total.table),
                            format!(
                                "table {} {name} {} {v} ({id})",
                                total.table.code(),
                                total.column
                            ),
                        );
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn row_name(c: &CellRef) -> &'static str {
    match c.row {
        RowRef::Item(r) => r,
        RowRef::Each => "",
    }
}

fn id_of(t: Table, what: &str) -> String {
    format!("t{}.{what}", t.code())
}

fn table_identity(
    out: &mut Vec<Instance>,
    p: &Present,
    spec: &TableSpec,
    codes: &[String],
    ident: &Identity,
) {
    let t = spec.table;
    match ident {
        Identity::Hierarchy { column, total } => {
            let columns: Vec<&'static str> = match column {
                Some(c) => vec![*c],
                None => spec.columns.iter().map(|c| c.name).collect(),
            };
            // A 项 is printed under its 款 and 类: a parent the reading lacks
            // is a row lost (or amounts moved onto the wrong code), and its
            // children cannot sum to a blank. Its identities are instantiated
            // all the same, so they fail rather than vanish.
            let with_parents: Vec<String>;
            let codes = if p.full_hierarchy {
                let mut all: std::collections::BTreeSet<String> = codes.iter().cloned().collect();
                for c in codes {
                    all.extend((3..c.len()).step_by(2).map(|n| c[..n].to_string()));
                }
                with_parents = all.into_iter().collect();
                &with_parents[..]
            } else {
                codes
            };
            for col in columns {
                for parent in codes {
                    let children: Vec<&String> = codes
                        .iter()
                        .filter(|c| c.len() == parent.len() + 2 && c.starts_with(parent.as_str()))
                        .collect();
                    if children.is_empty() {
                        continue;
                    }
                    out.push(Instance {
                        blank_parts_are_zero: false,
                        id: id_of(t, "children_sum"),
                        table: t,
                        subject_code: Some(parent.clone()),
                        column: Some(col),
                        total: Operand::Cell(cell_key(t, None, parent, col)),
                        parts: children
                            .iter()
                            .map(|c| (1, Operand::Cell(cell_key(t, None, c, col))))
                            .collect(),
                    });
                }
                let classes: Vec<&String> = codes.iter().filter(|c| c.len() == 3).collect();
                if let Some(total) = total
                    && !classes.is_empty()
                {
                    out.push(Instance {
                        blank_parts_are_zero: false,
                        id: id_of(t, "total_sum"),
                        table: t,
                        subject_code: None,
                        column: Some(col),
                        total: Operand::Cell(cell_key(t, None, total, col)),
                        parts: classes
                            .iter()
                            .map(|c| (1, Operand::Cell(cell_key(t, None, c, col))))
                            .collect(),
                    });
                }
            }
        }
        Identity::EachRow {
            id,
            side,
            rows,
            total,
            parts,
        } => {
            let rows: Vec<(String, Option<String>)> = match rows {
                Rows::TotalAndCodes => std::iter::once(("合计".to_string(), None))
                    .chain(codes.iter().map(|c| (c.clone(), Some(c.clone()))))
                    .collect(),
                Rows::ClassesAnd(tail) => FUNCTION_CLASSES
                    .iter()
                    .map(|(c, n)| (n.to_string(), Some(c.to_string())))
                    .chain(tail.iter().map(|r| (r.to_string(), None)))
                    .collect(),
            };
            for (row, code) in rows {
                out.push(Instance {
                    blank_parts_are_zero: false,
                    id: id_of(t, id),
                    table: t,
                    subject_code: code,
                    column: Some(total),
                    total: Operand::Cell(cell_key(t, *side, &row, total)),
                    parts: parts
                        .iter()
                        .map(|(s, c)| (*s, Operand::Cell(cell_key(t, *side, &row, c))))
                        .collect(),
                });
            }
        }
        Identity::Sum { id, total, parts } => sum(out, p, id_of(t, id), t, total, parts),
        Identity::PerClass { .. } => {}
    }
}

fn cell_key(table: Table, side: Option<Side>, row: &str, column: &'static str) -> CellKey {
    CellKey {
        table,
        side,
        row: row.to_string(),
        column,
    }
}

fn column_of(t: &Term) -> Option<&'static str> {
    match t {
        Term::Cell(c) => Some(c.column),
        Term::Fact(_) => None,
    }
}

fn sum(
    out: &mut Vec<Instance>,
    p: &Present,
    id: String,
    table: Table,
    total: &Term,
    parts: &Parts,
) {
    let parts: Vec<(i8, Operand)> = match parts {
        Parts::Terms(ts) => ts.iter().map(|(s, t)| (*s, operand(t))).collect(),
        Parts::FunctionClasses { table, column } => FUNCTION_CLASSES
            .iter()
            .map(|(_, n)| {
                (
                    1,
                    Operand::Cell(cell_key(*table, Some(Side::Expenditure), n, column)),
                )
            })
            .collect(),
        Parts::EconomicClasses { personnel } => {
            let t = Table::GeneralBudgetBasic;
            p.codes(t)
                .iter()
                .filter(|c| c.len() == 3 && is_personnel_class(c) == *personnel)
                .map(|c| (1, Operand::Cell(cell_key(t, None, c, "决算数"))))
                .collect()
        }
    };
    if parts.is_empty() {
        return;
    }
    // Reported at the column that says most: a prose figure at its table
    // cell's; a two-sided table's 决算数 at the other table's column.
    let first_part = match &parts[0].1 {
        Operand::Cell(k) => Some((k.table, k.column)),
        Operand::Fact(_) => None,
    };
    let column = match (total, first_part) {
        (Term::Cell(c), Some((t, col)))
            if c.side.is_some() && c.column == "决算数" && t != c.table =>
        {
            Some(col)
        }
        _ => column_of(total).or(first_part.map(|p| p.1)),
    };
    out.push(Instance {
        blank_parts_are_zero: false,
        id,
        table,
        subject_code: None,
        column,
        total: operand(total),
        parts,
    });
}

/// Every table spec, for modules that iterate over them.
pub fn specs() -> &'static [TableSpec] {
    &SPECS
}
