//! The nine standard tables as data: their canonical columns, the words their
//! headers print for each column, the labels their rows carry, and the
//! accounting identities that hold between their cells.
//!
//! One declaration serves three readers of it: the assembler maps printed
//! headers to columns with [`TableSpec::columns`]; the placement solver asks
//! the identities which column an amount can be in when the layout does not
//! say; the checks evaluate the same identities on what was extracted. A new
//! identity is one entry of a list below.

use crate::amount::Amount;
use crate::vocab::{FUNCTION_CLASSES, INCOME_SOURCES, Side, THREE_PUBLIC_PARTS, Table};

/// One canonical column: its contract name (`/` between header levels) and
/// the printed header words that name its leaf besides the leaf itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// A column most rows leave blank in most years (a one-off outlay,
    /// such as buying a vehicle, beside the running costs every year
    /// has): where nothing but reading order places an amount between it
    /// and a column further on, the other is taken. Such a placement
    /// stays `placed_by_order`, never verified.
    pub seldom: bool,
}

impl ColumnSpec {
    /// The last header level: `决算数/公务接待费` → `公务接待费`.
    pub fn leaf(&self) -> &'static str {
        self.name.rsplit('/').next().unwrap_or(self.name)
    }
}

const fn col(name: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        aliases: &[],
        seldom: false,
    }
}

const fn col_a(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        name,
        aliases,
        seldom: false,
    }
}

const fn seldom(name: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        aliases: &[],
        seldom: true,
    }
}

/// A row of a table, by meaning: a classification code, or a canonical label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowRef {
    Item(&'static str),
    /// The row an [`Identity::EachRow`] is instantiated on.
    Each,
}

/// A cell by meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellRef {
    pub table: Table,
    pub side: Option<Side>,
    pub row: RowRef,
    pub column: &'static str,
}

const fn at(table: Table, row: &'static str, column: &'static str) -> CellRef {
    CellRef {
        table,
        side: None,
        row: RowRef::Item(row),
        column,
    }
}

const fn inc(table: Table, row: &'static str) -> CellRef {
    CellRef {
        table,
        side: Some(Side::Income),
        row: RowRef::Item(row),
        column: "决算数",
    }
}

const fn exp(table: Table, row: &'static str, column: &'static str) -> CellRef {
    CellRef {
        table,
        side: Some(Side::Expenditure),
        row: RowRef::Item(row),
        column,
    }
}

/// A term of an identity: a table cell or a figure stated in the prose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    Cell(CellRef),
    Fact(&'static str),
}

/// The parts of a [`Identity::Sum`].
#[derive(Clone, Copy, Debug)]
pub enum Parts {
    Terms(&'static [(i8, Term)]),
    /// Every functional class (类) row of a two-sided table's expenditure side.
    FunctionClasses {
        table: Table,
        column: &'static str,
    },
    /// Every economic class (3-digit code) of table 06 that is, or is not,
    /// 人员经费 (工资福利支出 and 对个人和家庭的补助).
    EconomicClasses {
        personnel: bool,
    },
}

/// Which rows an [`Identity::EachRow`] holds on.
#[derive(Clone, Copy, Debug)]
pub enum Rows {
    /// 合计 and every coded row.
    TotalAndCodes,
    /// The functional classes of a two-sided table's expenditure side, then
    /// the listed labels.
    ClassesAnd(&'static [&'static str]),
}

/// An accounting identity, declared once: `total = Σ sign × part`.
#[derive(Clone, Copy, Debug)]
pub enum Identity {
    /// In each row: `total` column = Σ sign × `parts` columns.
    EachRow {
        id: &'static str,
        side: Option<Side>,
        rows: Rows,
        total: &'static str,
        parts: &'static [(i8, &'static str)],
    },
    /// Per column (all when `column` is `None`): every code equals the sum
    /// of its direct children; with `total`, that label's row equals the sum
    /// of the 类 rows.
    Hierarchy {
        column: Option<&'static str>,
        total: Option<&'static str>,
    },
    /// Named cells.
    Sum {
        id: &'static str,
        total: Term,
        parts: Parts,
    },
    /// One identity per functional class (by code, or by name on 01/04):
    /// `total` table's class row = `part` table's class row.
    PerClass {
        id: &'static str,
        total: ClassCell,
        part: ClassCell,
    },
}

/// A class's cell: the row named like a functional class on a two-sided
/// table's expenditure side, or the 类 code's row of a coded table.
#[derive(Clone, Copy, Debug)]
pub struct ClassCell {
    pub table: Table,
    pub column: &'static str,
}

/// A standard table: what the assembler, the solver and the checks know of it.
#[derive(Debug)]
pub struct TableSpec {
    pub table: Table,
    /// Amount columns in the standard template's order; for two-sided tables,
    /// the expenditure side's (the income side has `决算数`).
    pub columns: &'static [ColumnSpec],
    /// Rows carry classification codes under a hierarchy (类 → 款 → 项).
    pub coded: bool,
    /// Labels of the rows without a code (coded tables), or of each side
    /// (two-sided tables: income then expenditure, classes excluded).
    pub labels: &'static [&'static str],
    pub expenditure_labels: &'static [&'static str],
    /// In a row that prints any amount, the first column is printed: a flat
    /// rendering's first amount is that column.
    pub total_first: bool,
    /// Identities within the table.
    pub identities: &'static [Identity],
    /// Left-to-right orders of `columns` that producers print besides the
    /// template's (09: each item's 预算数 beside its 决算数 rather than the
    /// two halves apart). Where a row prints every column, the order under
    /// which the row's identities hold, if only one does, places them.
    pub printed_orders: &'static [&'static [u8]],
}

impl TableSpec {
    /// Whether this table's sums within one row hold over `values` (one per
    /// column of `columns`, `None` where not printed): `None` when no sum
    /// has all its cells printed.
    pub fn row_sums_hold(&self, values: &[Option<Amount>]) -> Option<bool> {
        let at = |name: &str| {
            self.columns
                .iter()
                .position(|c| c.name == name)
                .and_then(|k| values.get(k).copied().flatten())
        };
        let mut evaluated = false;
        for ident in self.identities {
            let (total, parts): (Option<Amount>, Vec<(i8, Option<Amount>)>) = match ident {
                Identity::EachRow { total, parts, .. } => {
                    (at(total), parts.iter().map(|(s, c)| (*s, at(c))).collect())
                }
                Identity::Sum {
                    total: Term::Cell(t),
                    parts: Parts::Terms(ts),
                    ..
                } if t.table == self.table
                    && ts
                        .iter()
                        .all(|(_, x)| matches!(x, Term::Cell(c) if c.table == self.table && c.row == t.row)) =>
                {
                    (
                        at(t.column),
                        ts.iter()
                            .map(|(s, x)| match x {
                                Term::Cell(c) => (*s, at(c.column)),
                                Term::Fact(_) => (*s, None),
                            })
                            .collect(),
                    )
                }
                _ => continue,
            };
            let Some(total) = total else { continue };
            if parts.iter().any(|(_, v)| v.is_none()) {
                continue;
            }
            evaluated = true;
            let sum = parts.iter().fold(Amount::ZERO, |acc, (s, v)| {
                let v = v.unwrap_or(Amount::ZERO);
                if *s < 0 { acc - v } else { acc + v }
            });
            let terms = parts
                .iter()
                .filter(|(_, v)| v.is_some_and(|v| !v.is_zero()))
                .count();
            if !Amount::sums_to(sum, total, 2, terms) {
                return Some(false);
            }
        }
        evaluated.then_some(true)
    }

    /// Whether each coded row's first column is the sum of all the others
    /// (02, 03, 05): a row's figures then say where the row ends even with
    /// its blank cells gone.
    pub fn first_column_sums_the_rest(&self) -> bool {
        let Some((first, rest)) = self.columns.split_first() else {
            return false;
        };
        self.coded
            && self.identities.iter().any(|ident| {
                matches!(ident, Identity::EachRow { side: None, rows: Rows::TotalAndCodes, total, parts, .. }
                    if *total == first.name
                        && parts.len() == rest.len()
                        && parts.iter().zip(rest).all(|((sign, p), c)| *sign == 1 && *p == c.name))
            })
    }

    pub fn of(table: Table) -> &'static TableSpec {
        SPECS
            .iter()
            .find(|s| s.table == table)
            .expect("a spec per table")
    }

    /// The [`ColumnSpec::seldom`] columns of a side, as a set.
    pub fn seldom_columns(&self, side: Option<Side>) -> u16 {
        self.side_columns(side)
            .iter()
            .enumerate()
            .filter(|(_, c)| c.seldom)
            .fold(0, |set, (k, _)| set | 1 << k)
    }

    /// Columns of one side (two-sided tables) or of the table.
    pub fn side_columns(&self, side: Option<Side>) -> &'static [ColumnSpec] {
        match side {
            Some(Side::Income) => &INCOME_COLUMNS,
            _ => self.columns,
        }
    }

    /// A table of one row (09): not coded, one side, one row label.
    pub fn one_row(&self) -> bool {
        !self.coded && !self.two_sided() && self.labels.len() == 1
    }

    pub fn two_sided(&self) -> bool {
        self.table.two_sided()
    }

    /// Canonical labels of the rows of one side without a code: a side of a
    /// two-sided table (the expenditure side with its function classes), or
    /// the totals of a coded table.
    pub fn side_labels(&self, side: Side) -> Vec<&'static str> {
        match (self.two_sided(), side) {
            (true, Side::Income) => self.labels.to_vec(),
            (true, Side::Expenditure) => FUNCTION_CLASSES
                .iter()
                .map(|(_, n)| *n)
                .chain(self.expenditure_labels.iter().copied())
                .collect(),
            (false, _) => CODED_TOTALS.to_vec(),
        }
    }
}

const INCOME_COLUMNS: [ColumnSpec; 1] = [col_a("决算数", &["金额", "决算", "本年决算数"])];

const SUBTOTAL: ColumnSpec = col_a("小计", &["合计"]);

const CODED_TOTALS: &[&str] = &[
    "合计",
    "总计",
    "人员经费合计",
    "公用经费合计",
    "人员经费",
    "公用经费",
];

const OVERVIEW_INCOME: &[&str] = &[
    "一般公共预算财政拨款收入",
    "政府性基金预算财政拨款收入",
    "国有资本经营预算财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
    "本年收入合计",
    "使用非财政拨款结余",
    "年初结转和结余",
    "总计",
];

const OVERVIEW_EXPENDITURE_TAIL: &[&str] = &["本年支出合计", "结余分配", "年末结转和结余", "总计"];

pub const FUNDS: [&str; 3] = [
    "一般公共预算财政拨款",
    "政府性基金预算财政拨款",
    "国有资本经营预算财政拨款",
];

const FISCAL_INCOME: &[&str] = &[
    "一般公共预算财政拨款",
    "政府性基金预算财政拨款",
    "国有资本经营预算财政拨款",
    "本年收入合计",
    "年初财政拨款结转和结余",
    "总计",
];

const FISCAL_EXPENDITURE_TAIL: &[&str] = &["本年支出合计", "年末财政拨款结转和结余", "总计"];

const CARRY_OVER: [&str; 3] = [
    "年初财政拨款结转和结余/一般公共预算财政拨款",
    "年初财政拨款结转和结余/政府性基金预算财政拨款",
    "年初财政拨款结转和结余/国有资本经营预算财政拨款",
];

use Table::*;

const fn cell(c: CellRef) -> Term {
    Term::Cell(c)
}

/// Table 09's two identities for one half (`预算数` or `决算数`): 合计 =
/// 出国 + 车 + 接待, 车 小计 = 购置 + 运行.
/// Table 04, fund `$k` of [`FUNDS`]: 本年支出合计 = 本年收入 + 年初结转和结余
/// − 年末结转和结余, all of that fund.
macro_rules! fund_balance {
    ($k:literal) => {
        Identity::Sum {
            id: "fund_balance",
            total: cell(exp(FiscalOverview, "本年支出合计", FUNDS[$k])),
            parts: Parts::Terms(&[
                (1, cell(inc(FiscalOverview, FUNDS[$k]))),
                (1, cell(inc(FiscalOverview, CARRY_OVER[$k]))),
                (
                    -1,
                    cell(exp(FiscalOverview, "年末财政拨款结转和结余", FUNDS[$k])),
                ),
            ]),
        }
    };
}

macro_rules! three_public {
    ($half:literal) => {
        [
            Identity::Sum {
                id: "row_total",
                total: cell(at(ThreePublic, "三公经费", concat!($half, "/合计"))),
                parts: Parts::Terms(&[
                    (1, cell(at(ThreePublic, "三公经费", concat!($half, "/因公出国(境)费")))),
                    (
                        1,
                        cell(at(
                            ThreePublic,
                            "三公经费",
                            concat!($half, "/公务用车购置及运行维护费/小计"),
                        )),
                    ),
                    (1, cell(at(ThreePublic, "三公经费", concat!($half, "/公务接待费")))),
                ]),
            },
            Identity::Sum {
                id: "vehicle_total",
                total: cell(at(
                    ThreePublic,
                    "三公经费",
                    concat!($half, "/公务用车购置及运行维护费/小计"),
                )),
                parts: Parts::Terms(&[
                    (
                        1,
                        cell(at(
                            ThreePublic,
                            "三公经费",
                            concat!($half, "/公务用车购置及运行维护费/公务用车购置费"),
                        )),
                    ),
                    (
                        1,
                        cell(at(
                            ThreePublic,
                            "三公经费",
                            concat!($half, "/公务用车购置及运行维护费/公务用车运行维护费"),
                        )),
                    ),
                ]),
            },
        ]
    };
}

const BUDGET_09: [Identity; 2] = three_public!("预算数");
const FINAL_09: [Identity; 2] = three_public!("决算数");

/// The nine tables.
pub static SPECS: [TableSpec; 9] = [
    TableSpec {
        table: Overview,
        columns: &[col_a("决算数", &["金额", "决算", "本年决算数"])],
        coded: false,
        labels: OVERVIEW_INCOME,
        expenditure_labels: OVERVIEW_EXPENDITURE_TAIL,
        total_first: false,
        identities: &[
            Identity::Sum {
                id: "income_total",
                total: cell(inc(Overview, "本年收入合计")),
                parts: Parts::Terms(&[
                    (1, cell(inc(Overview, INCOME_SOURCES[0]))),
                    (1, cell(inc(Overview, INCOME_SOURCES[1]))),
                    (1, cell(inc(Overview, INCOME_SOURCES[2]))),
                    (1, cell(inc(Overview, INCOME_SOURCES[3]))),
                    (1, cell(inc(Overview, INCOME_SOURCES[4]))),
                    (1, cell(inc(Overview, INCOME_SOURCES[5]))),
                    (1, cell(inc(Overview, INCOME_SOURCES[6]))),
                    (1, cell(inc(Overview, INCOME_SOURCES[7]))),
                ]),
            },
            Identity::Sum {
                id: "expenditure_total",
                total: cell(exp(Overview, "本年支出合计", "决算数")),
                parts: Parts::FunctionClasses {
                    table: Overview,
                    column: "决算数",
                },
            },
            Identity::Sum {
                id: "income_grand_total",
                total: cell(inc(Overview, "总计")),
                parts: Parts::Terms(&[
                    (1, cell(inc(Overview, "本年收入合计"))),
                    (1, cell(inc(Overview, "使用非财政拨款结余"))),
                    (1, cell(inc(Overview, "年初结转和结余"))),
                ]),
            },
            Identity::Sum {
                id: "expenditure_grand_total",
                total: cell(exp(Overview, "总计", "决算数")),
                parts: Parts::Terms(&[
                    (1, cell(exp(Overview, "本年支出合计", "决算数"))),
                    (1, cell(exp(Overview, "结余分配", "决算数"))),
                    (1, cell(exp(Overview, "年末结转和结余", "决算数"))),
                ]),
            },
            Identity::Sum {
                id: "balance",
                total: cell(inc(Overview, "总计")),
                parts: Parts::Terms(&[(1, cell(exp(Overview, "总计", "决算数")))]),
            },
        ],
        printed_orders: &[],
    },
    TableSpec {
        table: Income,
        columns: &[
            col_a("本年收入合计", &["收入合计", "合计", "本年收入"]),
            col_a("财政拨款收入", &["财政拨款"]),
            col("上级补助收入"),
            col("事业收入"),
            col("经营收入"),
            col("附属单位上缴收入"),
            col("其他收入"),
        ],
        coded: true,
        labels: CODED_TOTALS,
        expenditure_labels: &[],
        total_first: true,
        identities: &[
            Identity::Hierarchy {
                column: None,
                total: Some("合计"),
            },
            Identity::EachRow {
                id: "row_total",
                side: None,
                rows: Rows::TotalAndCodes,
                total: "本年收入合计",
                parts: &[
                    (1, "财政拨款收入"),
                    (1, "上级补助收入"),
                    (1, "事业收入"),
                    (1, "经营收入"),
                    (1, "附属单位上缴收入"),
                    (1, "其他收入"),
                ],
            },
        ],
        printed_orders: &[],
    },
    TableSpec {
        table: Expenditure,
        columns: &[
            col_a("本年支出合计", &["支出合计", "合计", "本年支出"]),
            col("基本支出"),
            col("项目支出"),
            col("上缴上级支出"),
            col("经营支出"),
            col("对附属单位补助支出"),
        ],
        coded: true,
        labels: CODED_TOTALS,
        expenditure_labels: &[],
        total_first: true,
        identities: &[
            Identity::Hierarchy {
                column: None,
                total: Some("合计"),
            },
            Identity::EachRow {
                id: "row_total",
                side: None,
                rows: Rows::TotalAndCodes,
                total: "本年支出合计",
                parts: &[
                    (1, "基本支出"),
                    (1, "项目支出"),
                    (1, "上缴上级支出"),
                    (1, "经营支出"),
                    (1, "对附属单位补助支出"),
                ],
            },
        ],
        printed_orders: &[],
    },
    TableSpec {
        table: FiscalOverview,
        columns: &[
            SUBTOTAL,
            col("一般公共预算财政拨款"),
            col("政府性基金预算财政拨款"),
            col("国有资本经营预算财政拨款"),
        ],
        coded: false,
        labels: FISCAL_INCOME,
        expenditure_labels: FISCAL_EXPENDITURE_TAIL,
        total_first: true,
        identities: &[
            Identity::Sum {
                id: "income_total",
                total: cell(inc(FiscalOverview, "本年收入合计")),
                parts: Parts::Terms(&[
                    (1, cell(inc(FiscalOverview, FUNDS[0]))),
                    (1, cell(inc(FiscalOverview, FUNDS[1]))),
                    (1, cell(inc(FiscalOverview, FUNDS[2]))),
                ]),
            },
            Identity::Sum {
                id: "carry_over",
                total: cell(inc(FiscalOverview, "年初财政拨款结转和结余")),
                parts: Parts::Terms(&[
                    (1, cell(inc(FiscalOverview, CARRY_OVER[0]))),
                    (1, cell(inc(FiscalOverview, CARRY_OVER[1]))),
                    (1, cell(inc(FiscalOverview, CARRY_OVER[2]))),
                ]),
            },
            Identity::Sum {
                id: "income_grand_total",
                total: cell(inc(FiscalOverview, "总计")),
                parts: Parts::Terms(&[
                    (1, cell(inc(FiscalOverview, "本年收入合计"))),
                    (1, cell(inc(FiscalOverview, CARRY_OVER[0]))),
                    (1, cell(inc(FiscalOverview, CARRY_OVER[1]))),
                    (1, cell(inc(FiscalOverview, CARRY_OVER[2]))),
                ]),
            },
            // The same total over the carry-over's printed parent row:
            // templates that leave its three sub-rows blank still print it.
            Identity::Sum {
                id: "income_grand_total",
                total: cell(inc(FiscalOverview, "总计")),
                parts: Parts::Terms(&[
                    (1, cell(inc(FiscalOverview, "本年收入合计"))),
                    (1, cell(inc(FiscalOverview, "年初财政拨款结转和结余"))),
                ]),
            },
            // Each fund balances: what it brought in and carried over from
            // last year is what it spent and carries into the next (an
            // income figure read on the wrong fund's row keeps every total).
            fund_balance!(0),
            fund_balance!(1),
            fund_balance!(2),
            Identity::Sum {
                id: "expenditure_total",
                total: cell(exp(FiscalOverview, "本年支出合计", "小计")),
                parts: Parts::FunctionClasses {
                    table: FiscalOverview,
                    column: "小计",
                },
            },
            Identity::Sum {
                id: "expenditure_total",
                total: cell(exp(FiscalOverview, "本年支出合计", FUNDS[0])),
                parts: Parts::FunctionClasses {
                    table: FiscalOverview,
                    column: FUNDS[0],
                },
            },
            Identity::Sum {
                id: "expenditure_total",
                total: cell(exp(FiscalOverview, "本年支出合计", FUNDS[1])),
                parts: Parts::FunctionClasses {
                    table: FiscalOverview,
                    column: FUNDS[1],
                },
            },
            Identity::Sum {
                id: "expenditure_total",
                total: cell(exp(FiscalOverview, "本年支出合计", FUNDS[2])),
                parts: Parts::FunctionClasses {
                    table: FiscalOverview,
                    column: FUNDS[2],
                },
            },
            Identity::Sum {
                id: "expenditure_grand_total",
                total: cell(exp(FiscalOverview, "总计", "小计")),
                parts: Parts::Terms(&[
                    (1, cell(exp(FiscalOverview, "本年支出合计", "小计"))),
                    (
                        1,
                        cell(exp(FiscalOverview, "年末财政拨款结转和结余", "小计")),
                    ),
                ]),
            },
            Identity::Sum {
                id: "expenditure_grand_total",
                total: cell(exp(FiscalOverview, "总计", FUNDS[0])),
                parts: Parts::Terms(&[
                    (1, cell(exp(FiscalOverview, "本年支出合计", FUNDS[0]))),
                    (
                        1,
                        cell(exp(FiscalOverview, "年末财政拨款结转和结余", FUNDS[0])),
                    ),
                ]),
            },
            Identity::Sum {
                id: "expenditure_grand_total",
                total: cell(exp(FiscalOverview, "总计", FUNDS[1])),
                parts: Parts::Terms(&[
                    (1, cell(exp(FiscalOverview, "本年支出合计", FUNDS[1]))),
                    (
                        1,
                        cell(exp(FiscalOverview, "年末财政拨款结转和结余", FUNDS[1])),
                    ),
                ]),
            },
            Identity::Sum {
                id: "expenditure_grand_total",
                total: cell(exp(FiscalOverview, "总计", FUNDS[2])),
                parts: Parts::Terms(&[
                    (1, cell(exp(FiscalOverview, "本年支出合计", FUNDS[2]))),
                    (
                        1,
                        cell(exp(FiscalOverview, "年末财政拨款结转和结余", FUNDS[2])),
                    ),
                ]),
            },
            Identity::EachRow {
                id: "row_total",
                side: Some(Side::Expenditure),
                rows: Rows::ClassesAnd(FISCAL_EXPENDITURE_TAIL),
                total: "小计",
                parts: &[(1, FUNDS[0]), (1, FUNDS[1]), (1, FUNDS[2])],
            },
            Identity::Sum {
                id: "balance",
                total: cell(inc(FiscalOverview, "总计")),
                parts: Parts::Terms(&[(1, cell(exp(FiscalOverview, "总计", "小计")))]),
            },
        ],
        printed_orders: &[],
    },
    TableSpec {
        table: GeneralBudgetExpenditure,
        columns: &[SUBTOTAL, col("基本支出"), col("项目支出")],
        coded: true,
        labels: CODED_TOTALS,
        expenditure_labels: &[],
        total_first: true,
        identities: &[
            Identity::Hierarchy {
                column: None,
                total: Some("合计"),
            },
            Identity::EachRow {
                id: "row_total",
                side: None,
                rows: Rows::TotalAndCodes,
                total: "小计",
                parts: &[(1, "基本支出"), (1, "项目支出")],
            },
        ],
        printed_orders: &[],
    },
    TableSpec {
        table: GeneralBudgetBasic,
        columns: &[col_a("决算数", &["金额", "决算", "本年决算数"])],
        coded: true,
        labels: CODED_TOTALS,
        expenditure_labels: &[],
        total_first: true,
        identities: &[
            Identity::Hierarchy {
                column: Some("决算数"),
                total: None,
            },
            Identity::Sum {
                id: "personnel_total",
                total: cell(at(GeneralBudgetBasic, "人员经费合计", "决算数")),
                parts: Parts::EconomicClasses { personnel: true },
            },
            Identity::Sum {
                id: "public_total",
                total: cell(at(GeneralBudgetBasic, "公用经费合计", "决算数")),
                parts: Parts::EconomicClasses { personnel: false },
            },
        ],
        printed_orders: &[],
    },
    TableSpec {
        table: GovernmentFund,
        columns: &[
            col_a("年初结转和结余", &["年初结转结余"]),
            col("本年收入"),
            col_a("本年支出/小计", &["合计"]),
            col("本年支出/基本支出"),
            col("本年支出/项目支出"),
            col_a("年末结转和结余", &["年末结转结余"]),
        ],
        coded: true,
        labels: CODED_TOTALS,
        expenditure_labels: &[],
        total_first: false,
        identities: &[
            Identity::Hierarchy {
                column: None,
                total: Some("合计"),
            },
            Identity::EachRow {
                id: "row_total",
                side: None,
                rows: Rows::TotalAndCodes,
                total: "本年支出/小计",
                parts: &[(1, "本年支出/基本支出"), (1, "本年支出/项目支出")],
            },
            Identity::EachRow {
                id: "carry_over",
                side: None,
                rows: Rows::TotalAndCodes,
                total: "年末结转和结余",
                parts: &[
                    (1, "年初结转和结余"),
                    (1, "本年收入"),
                    (-1, "本年支出/小计"),
                ],
            },
        ],
        printed_orders: &[],
    },
    TableSpec {
        table: StateCapital,
        columns: &[SUBTOTAL, col("基本支出"), col("项目支出")],
        coded: true,
        labels: CODED_TOTALS,
        expenditure_labels: &[],
        total_first: true,
        identities: &[
            Identity::Hierarchy {
                column: None,
                total: Some("合计"),
            },
            Identity::EachRow {
                id: "row_total",
                side: None,
                rows: Rows::TotalAndCodes,
                total: "小计",
                parts: &[(1, "基本支出"), (1, "项目支出")],
            },
        ],
        printed_orders: &[],
    },
    TableSpec {
        table: ThreePublic,
        columns: &[
            col_a("预算数/合计", &["小计"]),
            col_a("预算数/因公出国(境)费", &["因公出国(境)费用", "因公出国费"]),
            col_a("预算数/公务用车购置及运行维护费/小计", &["合计"]),
            seldom("预算数/公务用车购置及运行维护费/公务用车购置费"),
            col("预算数/公务用车购置及运行维护费/公务用车运行维护费"),
            col("预算数/公务接待费"),
            col_a("决算数/合计", &["小计"]),
            col_a("决算数/因公出国(境)费", &["因公出国(境)费用", "因公出国费"]),
            col_a("决算数/公务用车购置及运行维护费/小计", &["合计"]),
            seldom("决算数/公务用车购置及运行维护费/公务用车购置费"),
            col("决算数/公务用车购置及运行维护费/公务用车运行维护费"),
            col("决算数/公务接待费"),
        ],
        coded: false,
        labels: &["三公经费"],
        expenditure_labels: &[],
        total_first: false,
        identities: &[BUDGET_09[0], BUDGET_09[1], FINAL_09[0], FINAL_09[1]],
        printed_orders: &[&[0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11]],
    },
];

/// A cross-table or prose identity, with the id it is reported under
/// (`t01_t02.total`, `fact_vs_table.收入合计`).
#[derive(Clone, Copy, Debug)]
pub struct DocumentIdentity {
    pub id: &'static str,
    /// The table the check is reported under (its `table_code`).
    pub table: Table,
    pub identity: Identity,
}

const fn across(
    id: &'static str,
    table: Table,
    total: Term,
    parts: &'static [(i8, Term)],
) -> DocumentIdentity {
    DocumentIdentity {
        id,
        table,
        identity: Identity::Sum {
            id,
            total,
            parts: Parts::Terms(parts),
        },
    }
}

macro_rules! stated {
    ($metric:literal, $cell:expr) => {{
        const C: CellRef = $cell;
        DocumentIdentity {
            id: concat!("fact_vs_table.", $metric),
            table: C.table,
            identity: Identity::Sum {
                id: concat!("fact_vs_table.", $metric),
                total: Term::Fact($metric),
                parts: Parts::Terms(&[(1, Term::Cell(C))]),
            },
        }
    }};
}

macro_rules! same {
    ($id:literal, $total:expr, $part:expr) => {{
        const T: CellRef = $total;
        const P: CellRef = $part;
        DocumentIdentity {
            id: $id,
            table: T.table,
            identity: Identity::Sum {
                id: $id,
                total: Term::Cell(T),
                parts: Parts::Terms(&[(1, Term::Cell(P))]),
            },
        }
    }};
}

/// The same figure printed in two tables, and the prose restating tables.
pub static ACROSS: &[DocumentIdentity] = &[
    same!(
        "t01_t02.total",
        inc(Overview, "本年收入合计"),
        at(Income, "合计", "本年收入合计")
    ),
    across(
        "t01_t02.财政拨款收入",
        Overview,
        cell(at(Income, "合计", "财政拨款收入")),
        &[
            (1, cell(inc(Overview, "一般公共预算财政拨款收入"))),
            (1, cell(inc(Overview, "政府性基金预算财政拨款收入"))),
            (1, cell(inc(Overview, "国有资本经营预算财政拨款收入"))),
        ],
    ),
    same!(
        "t01_t02.上级补助收入",
        inc(Overview, "上级补助收入"),
        at(Income, "合计", "上级补助收入")
    ),
    same!(
        "t01_t02.事业收入",
        inc(Overview, "事业收入"),
        at(Income, "合计", "事业收入")
    ),
    same!(
        "t01_t02.经营收入",
        inc(Overview, "经营收入"),
        at(Income, "合计", "经营收入")
    ),
    same!(
        "t01_t02.附属单位上缴收入",
        inc(Overview, "附属单位上缴收入"),
        at(Income, "合计", "附属单位上缴收入")
    ),
    same!(
        "t01_t02.其他收入",
        inc(Overview, "其他收入"),
        at(Income, "合计", "其他收入")
    ),
    same!(
        "t01_t03.total",
        exp(Overview, "本年支出合计", "决算数"),
        at(Expenditure, "合计", "本年支出合计")
    ),
    DocumentIdentity {
        id: "t01_t03.class",
        table: Overview,
        identity: Identity::PerClass {
            id: "t01_t03.class",
            total: ClassCell {
                table: Overview,
                column: "决算数",
            },
            part: ClassCell {
                table: Expenditure,
                column: "本年支出合计",
            },
        },
    },
    same!(
        "t01_t04.一般公共预算财政拨款",
        inc(Overview, "一般公共预算财政拨款收入"),
        inc(FiscalOverview, "一般公共预算财政拨款")
    ),
    same!(
        "t01_t04.政府性基金预算财政拨款",
        inc(Overview, "政府性基金预算财政拨款收入"),
        inc(FiscalOverview, "政府性基金预算财政拨款")
    ),
    same!(
        "t01_t04.国有资本经营预算财政拨款",
        inc(Overview, "国有资本经营预算财政拨款收入"),
        inc(FiscalOverview, "国有资本经营预算财政拨款")
    ),
    same!(
        "t04_t05.total",
        exp(FiscalOverview, "本年支出合计", "一般公共预算财政拨款"),
        at(GeneralBudgetExpenditure, "合计", "小计")
    ),
    DocumentIdentity {
        id: "t04_t05.class",
        table: FiscalOverview,
        identity: Identity::PerClass {
            id: "t04_t05.class",
            total: ClassCell {
                table: FiscalOverview,
                column: "一般公共预算财政拨款",
            },
            part: ClassCell {
                table: GeneralBudgetExpenditure,
                column: "小计",
            },
        },
    },
    same!(
        "t04_t07.total",
        exp(FiscalOverview, "本年支出合计", "政府性基金预算财政拨款"),
        at(GovernmentFund, "合计", "本年支出/小计")
    ),
    same!(
        "t04_t08.total",
        exp(FiscalOverview, "本年支出合计", "国有资本经营预算财政拨款"),
        at(StateCapital, "合计", "小计")
    ),
    across(
        "t05_t06.basic",
        GeneralBudgetExpenditure,
        cell(at(GeneralBudgetExpenditure, "合计", "基本支出")),
        &[
            (1, cell(at(GeneralBudgetBasic, "人员经费合计", "决算数"))),
            (1, cell(at(GeneralBudgetBasic, "公用经费合计", "决算数"))),
        ],
    ),
    stated!("收支总计", inc(Overview, "总计")),
    stated!("收入合计", inc(Overview, "本年收入合计")),
    stated!("支出合计", exp(Overview, "本年支出合计", "决算数")),
    stated!("财政拨款收入", at(Income, "合计", "财政拨款收入")),
    stated!("其他收入", at(Income, "合计", "其他收入")),
    stated!("基本支出", at(Expenditure, "合计", "基本支出")),
    stated!("项目支出", at(Expenditure, "合计", "项目支出")),
    stated!("财政拨款收支总计", inc(FiscalOverview, "总计")),
    stated!(
        "一般公共预算财政拨款支出",
        at(GeneralBudgetExpenditure, "合计", "小计")
    ),
    stated!("人员经费", at(GeneralBudgetBasic, "人员经费合计", "决算数")),
    stated!("公用经费", at(GeneralBudgetBasic, "公用经费合计", "决算数")),
    stated!("三公经费预算", at(ThreePublic, "三公经费", "预算数/合计")),
    stated!("三公经费决算", at(ThreePublic, "三公经费", "决算数/合计")),
    stated!(
        "因公出国(境)费决算",
        at(ThreePublic, "三公经费", "决算数/因公出国(境)费")
    ),
    stated!(
        "公务用车购置及运行费决算",
        at(
            ThreePublic,
            "三公经费",
            "决算数/公务用车购置及运行维护费/小计"
        )
    ),
    stated!(
        "公务接待费决算",
        at(ThreePublic, "三公经费", "决算数/公务接待费")
    ),
];

/// Table 01's income row that table 02's 合计 row prints under `column`,
/// one of 02's part columns (not its row total), as the identities across
/// the two tables ([`ACROSS`]) tie them: where the column is the sum of
/// several 01 rows (财政拨款收入 of the three 财政拨款 rows), the first.
pub fn income_source_in_02(column: &str) -> Option<&'static str> {
    let parts = TableSpec::of(Table::Income)
        .identities
        .iter()
        .find_map(|i| match i {
            Identity::EachRow { parts, .. } => Some(*parts),
            _ => None,
        })?;
    let &(_, column) = parts.iter().find(|&&(_, c)| c == column)?;
    let in_02 = at(Table::Income, "合计", column);
    let row_of_01 = |t: Term| match t {
        Term::Cell(CellRef {
            table: Table::Overview,
            side: Some(Side::Income),
            row: RowRef::Item(row),
            ..
        }) => Some(row),
        _ => None,
    };
    ACROSS.iter().find_map(|d| match d.identity {
        Identity::Sum {
            total,
            parts: Parts::Terms(terms),
            ..
        } => match terms {
            [(1, Term::Cell(c))] if *c == in_02 => row_of_01(total),
            [(_, first), ..] if total == Term::Cell(in_02) => row_of_01(*first),
            _ => None,
        },
        _ => None,
    })
}

/// Whether a functional-class code is one of the 类 printed on 01/04.
pub fn function_class_name(code: &str) -> Option<&'static str> {
    FUNCTION_CLASSES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

/// The six parts of table 09, for readers that print them in other orders.
pub fn three_public_parts() -> &'static [&'static str; 6] {
    &THREE_PUBLIC_PARTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_table_09_has_one_row() {
        let one: Vec<Table> = SPECS
            .iter()
            .filter(|s| s.one_row())
            .map(|s| s.table)
            .collect();
        assert_eq!(one, [Table::ThreePublic]);
    }

    /// 02's part columns name 01's income rows through the identities
    /// across the two tables; its row total and unknown columns name none.
    #[test]
    fn the_income_sources_02_prints_are_read_from_the_identities_across() {
        for &column in Table::Income.columns() {
            let want = match column {
                "本年收入合计" => None,
                "财政拨款收入" => Some("一般公共预算财政拨款收入"),
                same => Some(same),
            };
            assert_eq!(income_source_in_02(column), want, "{column}");
        }
        assert_eq!(income_source_in_02("基本支出"), None);
    }
}
