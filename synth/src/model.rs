//! One department's accounts for one year, consistent by construction: every 款 and 类
//! is the sum of its 项, every total the sum of its parts, and the prose restates the
//! tables. Tables are built as shape-free grids here; `render` prints them.

use crate::rng::Rng;
use crate::vocab::{self, Lei, Measure};

/// Money in cents of 万元 (0.01 万元 is the printed precision).
pub type Cents = i64;

pub fn money(c: Cents) -> String {
    let sign = if c < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", c.abs() / 100, c.abs() % 100)
}

/// `1` → `一`, `12` → `十二`, `20` → `二十` (up to 99).
pub fn chinese_numeral(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", D[n % 10]),
        _ => format!("{}十{}", D[n / 10], D[n % 10]),
    }
}

/// Percent `part / whole` in hundredths, rounded half up.
pub fn percent(part: Cents, whole: Cents) -> i64 {
    if whole == 0 {
        return 0;
    }
    (part * 20000 / whole + part.signum()) / 2
}

/// A percentage in hundredths, printed as a person would (`22.7`, `100`, `-8.65`).
pub fn pct_text(h: i64) -> String {
    let s = money(h);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[derive(Clone, Debug)]
pub struct CodedRow {
    pub code: Option<String>,
    pub name: String,
    pub amounts: Vec<Option<Cents>>,
}

#[derive(Clone, Debug)]
pub struct SideCell {
    /// As printed, enumerator included (`一、一般公共预算财政拨款收入`).
    pub label: String,
    /// The canonical item (`一般公共预算财政拨款收入`).
    pub item: String,
    pub amounts: Vec<Option<Cents>>,
}

#[derive(Clone, Debug)]
pub enum Body {
    Coded {
        columns: Vec<&'static str>,
        rows: Vec<CodedRow>,
    },
    TwoSided {
        left_columns: Vec<&'static str>,
        right_columns: Vec<&'static str>,
        rows: Vec<(Option<SideCell>, Option<SideCell>)>,
    },
    /// Table 06: 人员经费 and 公用经费 groups of (code, name, amount) and their totals.
    Groups {
        personnel: Vec<CodedRow>,
        public: Vec<CodedRow>,
        totals: [Option<Cents>; 2],
    },
    /// Table 09: 预算数 and 决算数 of 合计, 因公出国(境)费, 公务用车 (小计, 购置, 运行), 公务接待费.
    ThreeOutlays {
        budget: [Option<Cents>; 6],
        actual: [Option<Cents>; 6],
    },
}

#[derive(Clone, Debug)]
pub struct Table {
    pub code: &'static str,
    pub title: &'static str,
    pub body: Body,
}

pub const TITLES: [&str; 9] = [
    "收入支出决算总表",
    "收入决算表",
    "支出决算表",
    "财政拨款收入支出决算总表",
    "一般公共预算财政拨款支出决算表",
    "一般公共预算财政拨款基本支出决算明细表",
    "政府性基金预算财政拨款收入支出决算表",
    "国有资本经营预算财政拨款支出决算表",
    "财政拨款“三公”经费支出决算表",
];

pub const OUTLAY_COLUMNS: [&str; 6] = [
    "合计",
    "因公出国(境)费",
    "公务用车购置及运行维护费/小计",
    "公务用车购置及运行维护费/公务用车购置费",
    "公务用车购置及运行维护费/公务用车运行维护费",
    "公务接待费",
];

/// A 项 with its money: fiscal (财政拨款) and other income, basic and project spending,
/// and the fiscal part of each.
#[derive(Clone, Debug)]
struct Subject {
    code: &'static str,
    name: &'static str,
    fiscal: Cents,
    other: Cents,
    basic: Cents,
    project: Cents,
    fiscal_basic: Cents,
    fiscal_project: Cents,
}

#[derive(Clone, Debug)]
pub struct Indicator {
    pub level1: &'static str,
    pub level2: &'static str,
    pub name: &'static str,
    pub target: String,
    pub actual: String,
    pub weight: i64,
    pub score: i64,
}

#[derive(Clone, Debug)]
pub struct Evaluation {
    /// `None` for the whole-department table.
    pub project: Option<String>,
    pub budget: Cents,
    pub spent: Cents,
    pub execution_score: i64,
    pub goal: String,
    pub done: String,
    pub indicators: Vec<Indicator>,
}

impl Evaluation {
    pub fn total(&self) -> i64 {
        self.execution_score + self.indicators.iter().map(|i| i.score).sum::<i64>()
    }
}

#[derive(Clone, Debug)]
pub struct Fact {
    pub metric: &'static str,
    pub value: Cents,
    pub change: Option<Cents>,
    /// Hundredths of a percent.
    pub change_pct: Option<i64>,
}

pub struct Accounts {
    pub year: u32,
    pub province: &'static str,
    pub region: &'static str,
    pub department: String,
    pub tables: Vec<Table>,
    pub evaluations: Vec<Evaluation>,
    /// 情况说明 paragraphs, in order, each a heading or a paragraph of prose.
    pub prose: Vec<String>,
    pub facts: Vec<Fact>,
    /// Some 三公 items are unchanged on the prior year, said in words apart
    /// from their figure ("与上年持平").
    pub unchanged_apart: bool,
    /// The prose follows an older template's sections and wording.
    pub older_template: bool,
}

/// A 款 and the subjects (indices into `Tree::subjects`) under it.
type Kuan = (&'static str, &'static str, Vec<usize>);
/// A 类 and its 款.
type Class = (&'static str, &'static str, Vec<Kuan>);

struct Tree {
    /// (类 code, 类 name, [(款 code, 款 name, [subject index])]).
    classes: Vec<Class>,
    subjects: Vec<Subject>,
}

fn choose_subjects(rng: &mut Rng, main: usize) -> Tree {
    let mut tree = Tree {
        classes: Vec::new(),
        subjects: Vec::new(),
    };
    let main_class = &vocab::FUNCTIONAL[main];
    let mut picks: Vec<&Lei> = vec![main_class];
    if rng.chance(30) {
        let other = rng.pick(vocab::FUNCTIONAL);
        if other.0 != main_class.0 {
            picks.push(other);
        }
    }
    picks.extend(vocab::COMMON.iter());
    for (lei_code, lei_name, kuans) in picks {
        let n_kuan = rng.range(1, kuans.len() as i64) as usize;
        let mut kept = Vec::new();
        for k in rng.subset(kuans.len(), n_kuan) {
            let (kuan_code, kuan_name, xiangs) = kuans[k];
            let n = rng.range(1, xiangs.len() as i64) as usize;
            let mut idx = Vec::new();
            for x in rng.subset(xiangs.len(), n) {
                idx.push(tree.subjects.len());
                let (code, name) = xiangs[x];
                tree.subjects.push(Subject {
                    code,
                    name,
                    fiscal: 0,
                    other: 0,
                    basic: 0,
                    project: 0,
                    fiscal_basic: 0,
                    fiscal_project: 0,
                });
            }
            kept.push((kuan_code, kuan_name, idx));
        }
        // 类 shared by the main line and the common subjects (208) merge, as printed.
        if let Some(existing) = tree.classes.iter_mut().find(|c| c.0 == *lei_code) {
            for k in kept {
                if !existing.2.iter().any(|e| e.0 == k.0) {
                    existing.2.push(k);
                }
            }
            existing.2.sort_by_key(|k| k.0);
        } else {
            tree.classes.push((lei_code, lei_name, kept));
        }
    }
    tree.classes.sort_by_key(|c| c.0);
    tree
}

fn fill_money(rng: &mut Rng, tree: &mut Tree, scale: i64) {
    for s in &mut tree.subjects {
        let total = rng.range(scale / 20, scale);
        let other = if rng.chance(25) {
            rng.range(0, total / 5)
        } else {
            0
        };
        let fiscal = total - other;
        let basic = if s.name.contains("运行")
            || s.code.starts_with("208")
            || s.code.starts_with("210")
            || s.code.starts_with("221")
        {
            total
                - if rng.chance(30) {
                    rng.range(0, total / 4)
                } else {
                    0
                }
        } else {
            rng.range(0, total)
        };
        let project = total - basic;
        let fiscal_basic = basic.min(fiscal);
        *s = Subject {
            fiscal,
            other,
            basic,
            project,
            fiscal_basic,
            fiscal_project: fiscal - fiscal_basic,
            ..*s
        };
    }
}

fn some(c: Cents) -> Option<Cents> {
    Some(c)
}

impl Accounts {
    /// The department's full name as its title prints it: the city before
    /// the county's name (`随州市` + `曾都区财政局`).
    pub fn full_name(&self) -> String {
        let city = self
            .region
            .split_once('市')
            .filter(|(_, county)| !county.is_empty())
            .map(|(city, _)| format!("{city}市"))
            .unwrap_or_default();
        format!("{city}{}", self.department)
    }

    /// The accounts from `rng`, drawn as they always were (a seed's figures
    /// stay what they were), and the wording of the 情况说明 added since (an
    /// older template, unchanged items said apart) from `vary`.
    pub fn generate(rng: &mut Rng, vary: &mut Rng) -> Accounts {
        let year = rng.range(2019, 2024) as u32;
        let (province, regions) = *rng.pick(vocab::PROVINCES);
        let region = *rng.pick(regions);
        let (dept, main, projects) = *rng.pick(vocab::DEPARTMENTS);
        // `随州市曾都区` → `曾都区`: departments are named after their county.
        let county = region
            .split_once('市')
            .map(|(_, c)| c)
            .filter(|c| !c.is_empty())
            .unwrap_or(region);
        let department = format!("{county}{dept}");
        // Departments range from a few 十万元 to several 亿元.
        let scale = *rng.pick(&[2_000, 20_000, 200_000, 2_000_000]);
        let mut tree = choose_subjects(rng, main);
        fill_money(rng, &mut tree, scale);

        let sum = |f: &dyn Fn(&Subject) -> Cents, idx: &[usize]| {
            idx.iter().map(|&i| f(&tree.subjects[i])).sum::<Cents>()
        };
        let all: Vec<usize> = (0..tree.subjects.len()).collect();
        let fiscal = sum(&|s| s.fiscal, &all);
        let other = sum(&|s| s.other, &all);
        let basic = sum(&|s| s.basic, &all);
        let project = sum(&|s| s.project, &all);
        let fiscal_basic = sum(&|s| s.fiscal_basic, &all);
        let fiscal_project = sum(&|s| s.fiscal_project, &all);
        let income = fiscal + other;
        let carry = if rng.chance(40) {
            rng.range(1, income / 10 + 1)
        } else {
            0
        };
        let grand = income + carry;

        // Rows of the coded tables (02, 03, 05) in print order: 合计, then each 类, 款, 项.
        let coded = |cols: &dyn Fn(&[usize]) -> Vec<Cents>, fiscal_only: bool| {
            let mut rows = vec![CodedRow {
                code: None,
                name: "合计".into(),
                amounts: cols(&all).into_iter().map(some).collect(),
            }];
            for (lc, ln, kuans) in &tree.classes {
                let lei_idx: Vec<usize> = kuans.iter().flat_map(|k| k.2.iter().copied()).collect();
                let keep = |idx: &[usize]| {
                    !fiscal_only || idx.iter().any(|&i| tree.subjects[i].fiscal > 0)
                };
                if !keep(&lei_idx) {
                    continue;
                }
                rows.push(CodedRow {
                    code: Some(lc.to_string()),
                    name: ln.to_string(),
                    amounts: cols(&lei_idx).into_iter().map(some).collect(),
                });
                for (kc, kn, idx) in kuans {
                    if !keep(idx) {
                        continue;
                    }
                    rows.push(CodedRow {
                        code: Some(kc.to_string()),
                        name: kn.to_string(),
                        amounts: cols(idx).into_iter().map(some).collect(),
                    });
                    for &i in idx {
                        if !keep(&[i]) {
                            continue;
                        }
                        let s = &tree.subjects[i];
                        rows.push(CodedRow {
                            code: Some(s.code.to_string()),
                            name: s.name.to_string(),
                            amounts: cols(&[i]).into_iter().map(some).collect(),
                        });
                    }
                }
            }
            rows
        };
        let t02 = coded(
            &|idx| {
                let f = sum(&|s| s.fiscal, idx);
                let o = sum(&|s| s.other, idx);
                vec![f + o, f, 0, 0, 0, 0, o]
            },
            false,
        );
        let t03 = coded(
            &|idx| {
                let b = sum(&|s| s.basic, idx);
                let p = sum(&|s| s.project, idx);
                vec![b + p, b, p, 0, 0, 0]
            },
            false,
        );
        let t05 = coded(
            &|idx| {
                let b = sum(&|s| s.fiscal_basic, idx);
                let p = sum(&|s| s.fiscal_project, idx);
                vec![b + p, b, p]
            },
            true,
        );

        let class_total = |code: &str, f: &dyn Fn(&Subject) -> Cents| -> Cents {
            tree.classes
                .iter()
                .filter(|c| c.0 == code)
                .flat_map(|c| c.2.iter().flat_map(|k| k.2.iter()))
                .map(|&i| f(&tree.subjects[i]))
                .sum()
        };
        let side = |label: &str, item: &str, amounts: Vec<Cents>| {
            Some(SideCell {
                label: label.into(),
                item: item.into(),
                amounts: amounts.into_iter().map(some).collect(),
            })
        };
        const NUMERALS: [&str; 26] = [
            "一",
            "二",
            "三",
            "四",
            "五",
            "六",
            "七",
            "八",
            "九",
            "十",
            "十一",
            "十二",
            "十三",
            "十四",
            "十五",
            "十六",
            "十七",
            "十八",
            "十九",
            "二十",
            "二十一",
            "二十二",
            "二十三",
            "二十四",
            "二十五",
            "二十六",
        ];

        // Table 01.
        let incomes = [
            ("一般公共预算财政拨款收入", fiscal),
            ("政府性基金预算财政拨款收入", 0),
            ("国有资本经营预算财政拨款收入", 0),
            ("上级补助收入", 0),
            ("事业收入", 0),
            ("经营收入", 0),
            ("附属单位上缴收入", 0),
            ("其他收入", other),
        ];
        let mut left: Vec<Option<SideCell>> = incomes
            .iter()
            .enumerate()
            .map(|(i, (n, v))| side(&format!("{}、{n}", NUMERALS[i]), n, vec![*v]))
            .collect();
        let mut right: Vec<Option<SideCell>> = vocab::EXPENDITURE_CLASSES
            .iter()
            .enumerate()
            .map(|(i, (c, n))| {
                side(
                    &format!("{}、{n}", NUMERALS[i]),
                    n,
                    vec![class_total(c, &|s| s.basic + s.project)],
                )
            })
            .collect();
        while left.len() < right.len() {
            left.push(None);
        }
        let mut rows01: Vec<_> = left.into_iter().zip(right.drain(..)).collect();
        rows01.push((
            side("本年收入合计", "本年收入合计", vec![income]),
            side("本年支出合计", "本年支出合计", vec![basic + project]),
        ));
        rows01.push((
            side("使用非财政拨款结余", "使用非财政拨款结余", vec![0]),
            side("结余分配", "结余分配", vec![0]),
        ));
        rows01.push((
            side("年初结转和结余", "年初结转和结余", vec![carry]),
            side("年末结转和结余", "年末结转和结余", vec![carry]),
        ));
        rows01.push((
            side("总计", "总计", vec![grand]),
            side("总计", "总计", vec![grand]),
        ));

        // Table 04.
        let fiscal_incomes = [
            ("一般公共预算财政拨款", fiscal),
            ("政府性基金预算财政拨款", 0),
            ("国有资本经营预算财政拨款", 0),
        ];
        let mut left: Vec<Option<SideCell>> = fiscal_incomes
            .iter()
            .enumerate()
            .map(|(i, (n, v))| side(&format!("{}、{n}", NUMERALS[i]), n, vec![*v]))
            .collect();
        let right: Vec<Option<SideCell>> = vocab::EXPENDITURE_CLASSES
            .iter()
            .enumerate()
            .map(|(i, (c, n))| {
                let v = class_total(c, &|s| s.fiscal);
                side(&format!("{}、{n}", NUMERALS[i]), n, vec![v, v, 0, 0])
            })
            .collect();
        while left.len() < right.len() {
            left.push(None);
        }
        let mut rows04: Vec<_> = left.into_iter().zip(right).collect();
        rows04.push((
            side("本年收入合计", "本年收入合计", vec![fiscal]),
            side("本年支出合计", "本年支出合计", vec![fiscal, fiscal, 0, 0]),
        ));
        rows04.push((
            side("年初财政拨款结转和结余", "年初财政拨款结转和结余", vec![0]),
            side(
                "年末财政拨款结转和结余",
                "年末财政拨款结转和结余",
                vec![0, 0, 0, 0],
            ),
        ));
        rows04.push((
            side("总计", "总计", vec![fiscal]),
            side("总计", "总计", vec![fiscal, fiscal, 0, 0]),
        ));

        // Table 06: fiscal basic spending by economic class.
        let personnel_total = fiscal_basic * rng.range(70, 90) / 100;
        let public_total = fiscal_basic - personnel_total;
        let economic = |personnel: bool, total: Cents, rng: &mut Rng| -> Vec<CodedRow> {
            let classes: Vec<_> = vocab::ECONOMIC
                .iter()
                .filter(|c| c.2 == personnel)
                .collect();
            let shares = rng.split(total, classes.len());
            let mut rows = Vec::new();
            for ((code, name, _, items), share) in classes.into_iter().zip(shares) {
                rows.push(CodedRow {
                    code: Some(code.to_string()),
                    name: name.to_string(),
                    amounts: vec![Some(share)],
                });
                let k = rng.range(1, items.len() as i64) as usize;
                let chosen = rng.subset(items.len(), k);
                let parts = rng.split(share, chosen.len());
                for (j, (ic, iname)) in items.iter().enumerate() {
                    let v = chosen
                        .iter()
                        .position(|&c| c == j)
                        .map(|p| parts[p])
                        .unwrap_or(0);
                    rows.push(CodedRow {
                        code: Some(ic.to_string()),
                        name: iname.to_string(),
                        amounts: vec![Some(v)],
                    });
                }
            }
            rows
        };
        let personnel = economic(true, personnel_total, rng);
        let public = economic(false, public_total, rng);

        // Table 09 and the 三公 figures.
        let (budget, actual) = if rng.chance(60) {
            let car_buy = if rng.chance(20) {
                rng.range(500, 3000)
            } else {
                0
            };
            let car_run = rng.range(0, 800);
            let abroad = if rng.chance(15) {
                rng.range(100, 900)
            } else {
                0
            };
            let host = rng.range(0, 300);
            let a = [
                abroad + car_buy + car_run + host,
                abroad,
                car_buy + car_run,
                car_buy,
                car_run,
                host,
            ];
            let b = a.map(|v| v + v / 10 + if v > 0 { rng.range(0, 50) } else { 0 });
            // The parts of the budget are rounded independently: recompute its sums.
            let b = [
                b[1] + b[3] + b[4] + b[5],
                b[1],
                b[3] + b[4],
                b[3],
                b[4],
                b[5],
            ];
            (b, a)
        } else {
            ([0; 6], [0; 6])
        };

        let tables = vec![
            Table {
                code: "01",
                title: TITLES[0],
                body: Body::TwoSided {
                    left_columns: vec!["决算数"],
                    right_columns: vec!["决算数"],
                    rows: rows01,
                },
            },
            Table {
                code: "02",
                title: TITLES[1],
                body: Body::Coded {
                    columns: vec![
                        "本年收入合计",
                        "财政拨款收入",
                        "上级补助收入",
                        "事业收入",
                        "经营收入",
                        "附属单位上缴收入",
                        "其他收入",
                    ],
                    rows: t02,
                },
            },
            Table {
                code: "03",
                title: TITLES[2],
                body: Body::Coded {
                    columns: vec![
                        "本年支出合计",
                        "基本支出",
                        "项目支出",
                        "上缴上级支出",
                        "经营支出",
                        "对附属单位补助支出",
                    ],
                    rows: t03,
                },
            },
            Table {
                code: "04",
                title: TITLES[3],
                body: Body::TwoSided {
                    left_columns: vec!["决算数"],
                    right_columns: vec![
                        "小计",
                        "一般公共预算财政拨款",
                        "政府性基金预算财政拨款",
                        "国有资本经营预算财政拨款",
                    ],
                    rows: rows04,
                },
            },
            Table {
                code: "05",
                title: TITLES[4],
                body: Body::Coded {
                    columns: vec!["小计", "基本支出", "项目支出"],
                    rows: t05,
                },
            },
            Table {
                code: "06",
                title: TITLES[5],
                body: Body::Groups {
                    personnel,
                    public,
                    totals: [Some(personnel_total), Some(public_total)],
                },
            },
            Table {
                code: "07",
                title: TITLES[6],
                body: Body::Coded {
                    columns: vec![
                        "年初结转和结余",
                        "本年收入",
                        "本年支出/小计",
                        "本年支出/基本支出",
                        "本年支出/项目支出",
                        "年末结转和结余",
                    ],
                    rows: vec![CodedRow {
                        code: None,
                        name: "合计".into(),
                        amounts: vec![None; 6],
                    }],
                },
            },
            Table {
                code: "08",
                title: TITLES[7],
                body: Body::Coded {
                    columns: vec!["小计", "基本支出", "项目支出"],
                    rows: vec![CodedRow {
                        code: None,
                        name: "合计".into(),
                        amounts: vec![None; 3],
                    }],
                },
            },
            Table {
                code: "09",
                title: TITLES[8],
                body: Body::ThreeOutlays {
                    budget: budget.map(some),
                    actual: actual.map(some),
                },
            },
        ];

        let Narrative {
            prose,
            facts,
            unchanged_apart,
            older_template,
        } = narrative(
            &Figures {
                year,
                grand,
                income,
                fiscal,
                other,
                basic,
                project,
                fiscal_basic,
                personnel: personnel_total,
                public: public_total,
                budget,
                actual,
            },
            rng,
            vary,
        );

        let mut evaluations = vec![evaluation(rng, None, fiscal_basic + fiscal_project)];
        let n_projects = rng.range(1, projects.len() as i64) as usize;
        for p in rng.subset(projects.len(), n_projects) {
            let budget = rng.range(500, 50_000);
            evaluations.push(evaluation(rng, Some(projects[p].to_string()), budget));
        }

        Accounts {
            year,
            province,
            region,
            department,
            tables,
            evaluations,
            prose,
            facts,
            unchanged_apart,
            older_template,
        }
    }
}

/// The figures the 情况说明 restates.
struct Figures {
    year: u32,
    grand: Cents,
    income: Cents,
    fiscal: Cents,
    other: Cents,
    basic: Cents,
    project: Cents,
    fiscal_basic: Cents,
    personnel: Cents,
    public: Cents,
    /// 三公 budget and actual, in the order of `OUTLAY_COLUMNS`.
    budget: [Cents; 6],
    actual: [Cents; 6],
}

/// The 情况说明 as printed, the facts it states, and how it was worded.
struct Narrative {
    prose: Vec<String>,
    facts: Vec<Fact>,
    unchanged_apart: bool,
    older_template: bool,
}

/// Writes the 情况说明 in the current template, or (a quarter of documents)
/// in an older one: income and expenditure stated in the overview, sections
/// numbered otherwise, 人员支出/公用支出, running costs and procurement as
/// items of 其他重要事项. In a third of documents some 三公 items are
/// unchanged on the prior year and say so in words, apart from their figure.
fn narrative(f: &Figures, rng: &mut Rng, vary: &mut Rng) -> Narrative {
    let older_template = vary.chance(25);
    let unchanged_apart = vary.chance(35);
    // Prior-year figures, for the changes the prose states.
    let prior = |v: Cents, rng: &mut Rng| -> Cents {
        if v == 0 {
            return 0;
        }
        (v * rng.range(70, 130) / 100).max(1)
    };
    let change = |metric: &'static str, v: Cents, p: Cents| Fact {
        metric,
        value: v,
        change: Some(v - p),
        change_pct: if p == 0 {
            Some(0)
        } else {
            Some(percent(v - p, p))
        },
    };
    let (budget, actual) = (f.budget, f.actual);
    let spend = f.basic + f.project;
    let total_fact = change("收支总计", f.grand, prior(f.grand, rng));
    let income_fact = change("收入合计", f.income, prior(f.income, rng));
    let spend_fact = change("支出合计", spend, prior(spend, rng));
    let fiscal_total_fact = change("财政拨款收支总计", f.fiscal, prior(f.fiscal, rng));
    let gp_fact = change("一般公共预算财政拨款支出", f.fiscal, prior(f.fiscal, rng));
    let outlay_fact = change("三公经费决算", actual[0], prior(actual[0], rng));
    // Each 三公 item: (noun, its column, unchanged on the prior year).
    let items = [
        ("因公出国(境)费", "因公出国(境)费决算", 1),
        ("公务用车购置及运行费", "公务用车购置及运行费决算", 2),
        ("公务接待费", "公务接待费决算", 5),
    ]
    .map(|(noun, metric, k)| {
        let p = prior(actual[k], rng);
        let same = unchanged_apart && vary.chance(60);
        let p = if same { actual[k] } else { p };
        (noun, change(metric, actual[k], p), k, same)
    });
    let running = f.public * rng.range(40, 100) / 100;
    let running_fact = change("机关运行经费", running, prior(running, rng));
    let procurement = if rng.chance(70) {
        rng.range(0, spend / 5)
    } else {
        0
    };
    let goods = procurement * rng.range(30, 100) / 100;
    let plain = |metric: &'static str, value: Cents| Fact {
        metric,
        value,
        change: None,
        change_pct: None,
    };

    let y = f.year;
    let py = y - 1;
    let up = |f: &Fact, noun: &str| -> String {
        let c = f.change.unwrap_or(0);
        let p = f.change_pct.unwrap_or(0);
        let (more, grow) = if c < 0 {
            ("减少", "下降")
        } else {
            ("增加", "增长")
        };
        format!(
            "{noun}{more}{}万元，{grow}{}%",
            money(c.abs()),
            pct_text(p.abs())
        )
    };
    let mut prose = Vec::new();
    let mut facts = Vec::new();
    let mut number = 0;
    // An older template's headings read as the current one's, as `关于…年度…`,
    // or name the topic without 说明, as the templates of those years were
    // issued.
    let wording = if older_template { vary.range(0, 2) } else { 0 };
    let mut heading = |prose: &mut Vec<String>, title: &str| {
        number += 1;
        let title = match wording {
            1 => format!("关于{y}年度{title}"),
            2 => title.strip_suffix("说明").unwrap_or(title).to_string(),
            _ => title.to_string(),
        };
        prose.push(format!("{}、{title}", chinese_numeral(number)));
    };
    heading(&mut prose, "收入支出决算总体情况说明");
    if older_template {
        let mut s = format!(
            "{y}年度收入总计{}万元，支出总计{}万元。与{py}年度相比，{}。其中：本年收入合计{}万元，包括财政拨款收入{}万元",
            money(f.grand),
            money(f.grand),
            up(&total_fact, "收、支总计各"),
            money(f.income),
            money(f.fiscal)
        );
        if f.other > 0 {
            s += &format!("，其他收入{}万元", money(f.other));
        }
        s += &format!(
            "；本年支出合计{}万元，包括基本支出{}万元，项目支出{}万元。",
            money(spend),
            money(f.basic),
            money(f.project)
        );
        prose.push(s);
        facts.push(total_fact);
        facts.push(plain("收入合计", f.income));
        facts.push(plain("财政拨款收入", f.fiscal));
        if f.other > 0 {
            facts.push(plain("其他收入", f.other));
        }
        facts.push(plain("支出合计", spend));
        facts.push(plain("基本支出", f.basic));
        facts.push(plain("项目支出", f.project));
    } else {
        prose.push(format!(
            "{y}年度收、支总计均为{}万元。与{py}年度相比，{}。主要原因是业务工作量变化，相应的经费有所调整。",
            money(f.grand),
            up(&total_fact, "收、支总计各")
        ));
        facts.push(total_fact);
        heading(&mut prose, "收入决算情况说明");
        let mut s = format!(
            "{y}年度收入合计{}万元，与{py}年度相比，{}。其中：财政拨款收入{}万元，占本年收入{}%",
            money(f.income),
            up(&income_fact, "收入合计"),
            money(f.fiscal),
            pct_text(percent(f.fiscal, f.income))
        );
        facts.push(income_fact);
        facts.push(plain("财政拨款收入", f.fiscal));
        if f.other > 0 {
            s += &format!(
                "；其他收入{}万元，占本年收入{}%",
                money(f.other),
                pct_text(percent(f.other, f.income))
            );
            facts.push(plain("其他收入", f.other));
        }
        s.push('。');
        prose.push(s);
        heading(&mut prose, "支出决算情况说明");
        prose.push(format!(
            "{y}年度支出合计{}万元，与{py}年度相比，{}。其中：基本支出{}万元，占本年支出合计的{}%；项目支出{}万元，占本年支出合计的{}%。",
            money(spend),
            up(&spend_fact, "支出合计"),
            money(f.basic),
            pct_text(percent(f.basic, spend)),
            money(f.project),
            pct_text(percent(f.project, spend))
        ));
        facts.push(spend_fact);
        facts.push(plain("基本支出", f.basic));
        facts.push(plain("项目支出", f.project));
    }
    heading(&mut prose, "财政拨款收入支出决算总体情况说明");
    prose.push(format!(
        "{y}年度财政拨款收、支总计均为{}万元。与{py}年度相比，{}。",
        money(f.fiscal),
        up(&fiscal_total_fact, "财政拨款收、支总计各")
    ));
    facts.push(fiscal_total_fact);
    heading(&mut prose, "一般公共预算财政拨款支出决算情况说明");
    prose.push(format!(
        "{y}年度一般公共预算财政拨款支出{}万元，占本年支出合计的{}%。与{py}年度相比，{}。",
        money(f.fiscal),
        pct_text(percent(f.fiscal, spend)),
        up(&gp_fact, "一般公共预算财政拨款支出")
    ));
    facts.push(gp_fact);
    heading(&mut prose, "一般公共预算财政拨款基本支出决算情况说明");
    prose.push(format!(
        "{y}年度一般公共预算财政拨款基本支出{}万元，其中：",
        money(f.fiscal_basic)
    ));
    let (personnel_word, public_word) = if older_template {
        ("人员支出", "公用支出")
    } else {
        ("人员经费", "公用经费")
    };
    prose.push(format!("{personnel_word}{}万元，主要包括：基本工资、津贴补贴、奖金、绩效工资、机关事业单位基本养老保险缴费、住房公积金等。", money(f.personnel)));
    prose.push(format!(
        "{public_word}{}万元，主要包括：办公费、水费、电费、差旅费、维修(护)费、公务接待费等。",
        money(f.public)
    ));
    facts.push(plain("人员经费", f.personnel));
    facts.push(plain("公用经费", f.public));
    heading(
        &mut prose,
        if older_template {
            "“三公”经费支出决算情况说明"
        } else {
            "财政拨款“三公”经费支出决算情况说明"
        },
    );
    let done = |a: Cents, b: Cents| pct_text(percent(a, b));
    prose.push(format!(
        "{y}年度“三公”经费财政拨款支出全年预算为{}万元，支出决算为{}万元，完成全年预算的{}%。较上年{}。",
        money(budget[0]),
        money(actual[0]),
        done(actual[0], budget[0]),
        up(&outlay_fact, "")
    ));
    facts.push(plain("三公经费预算", budget[0]));
    facts.push(outlay_fact);
    // Unchanged items say so in a sentence of their own, or all together
    // after the last item.
    let together = vary.chance(50);
    let unchanged_words = ["与上年持平", "与上年相比无变化", "较上年没有变化"];
    for (i, (noun, fact, k, same)) in items.iter().enumerate() {
        let mut s = format!(
            "{}.{noun}全年预算为{}万元，支出决算为{}万元，完成全年预算的{}%。",
            i + 1,
            money(budget[*k]),
            money(actual[*k]),
            done(actual[*k], budget[*k]),
        );
        if !same {
            s += &format!("较上年{}。", up(fact, ""));
        } else if !together {
            let word = *vary.pick(&unchanged_words);
            s += &if vary.chance(50) {
                format!("{word}。")
            } else {
                format!("{noun}支出{word}。")
            };
        }
        if i == items.len() - 1 && together {
            let nouns: Vec<&str> = items.iter().filter(|t| t.3).map(|t| t.0).collect();
            if !nouns.is_empty() {
                s += &format!("{}均与上年持平。", nouns.join("、"));
            }
        }
        prose.push(s);
    }
    let any_unchanged = items.iter().any(|t| t.3);
    facts.extend(items.into_iter().map(|t| t.1));
    if older_template {
        heading(&mut prose, "其他重要事项的情况说明");
        prose.push("（一）机关运行经费支出情况".to_string());
    } else {
        heading(&mut prose, "机关运行经费支出说明");
    }
    prose.push(format!("本部门{y}年度机关运行经费支出{}万元，比{py}年度{}。主要原因是严格落实过紧日子要求，压减一般性支出。", money(running), up(&running_fact, "")));
    facts.push(running_fact);
    if older_template {
        prose.push("（二）政府采购支出情况".to_string());
    } else {
        heading(&mut prose, "政府采购支出说明");
    }
    prose.push(format!("本部门{y}年度政府采购支出总额{}万元，其中：政府采购货物支出{}万元、政府采购服务支出{}万元。", money(procurement), money(goods), money(procurement - goods)));
    facts.push(plain("政府采购支出总额", procurement));
    Narrative {
        prose,
        facts,
        unchanged_apart: unchanged_apart && any_unchanged,
        older_template,
    }
}

fn evaluation(rng: &mut Rng, project: Option<String>, budget: Cents) -> Evaluation {
    let spent = budget
        - if rng.chance(40) {
            rng.range(0, budget / 10)
        } else {
            0
        };
    let rate = percent(spent, budget);
    let execution_score = (10 * rate + 5000) / 10000;
    let n = rng.range(4, 8) as usize;
    let mut chosen = rng.subset(vocab::INDICATORS.len(), n);
    // Every table has at least one satisfaction indicator, as the templates require.
    if !chosen.contains(&(vocab::INDICATORS.len() - 1)) {
        *chosen.last_mut().expect("n >= 4") = vocab::INDICATORS.len() - 1;
    }
    let weights = split_points(rng, 90, chosen.len());
    let indicators = chosen
        .into_iter()
        .zip(weights)
        .map(|(i, weight)| {
            let (level2, level1, name, measure) = vocab::INDICATORS[i];
            let (target, actual) = match measure {
                Measure::Count(unit) => {
                    let t = rng.range(5, 3000);
                    (
                        format!("≥{t}{unit}"),
                        format!("{}{unit}", t + rng.range(-t / 10, t / 3)),
                    )
                }
                Measure::Percent => {
                    let t = *rng.pick(&[85, 90, 95, 98, 100]);
                    (
                        if t == 100 {
                            "100%".to_string()
                        } else {
                            format!("≥{t}%")
                        },
                        format!("{}%", rng.range(t.min(99), 100)),
                    )
                }
                Measure::Money => {
                    let t = budget.max(100);
                    (
                        format!("≤{}万元", money(t)),
                        format!("{}万元", money(spent)),
                    )
                }
                Measure::Text(t, a) => (t.to_string(), a.to_string()),
            };
            let score = if rng.chance(80) {
                weight
            } else {
                weight - rng.range(0, weight / 3)
            };
            Indicator {
                level1,
                level2,
                name,
                target,
                actual,
                weight,
                score,
            }
        })
        .collect::<Vec<_>>();
    // Group the rows under their 一级 then 二级 指标, as the tables print them.
    let mut indicators = indicators;
    let order = |l1: &str| {
        ["产出指标", "效益指标", "满意度指标"]
            .iter()
            .position(|x| *x == l1)
            .unwrap_or(9)
    };
    indicators.sort_by_key(|i| {
        (
            order(i.level1),
            vocab::INDICATORS.iter().position(|v| v.2 == i.name),
        )
    });
    let (goal, done) = match &project {
        Some(p) => (
            format!("按计划完成{p}各项任务，提升资金使用效益"),
            "已按计划完成年度各项任务，资金使用规范".to_string(),
        ),
        None => (
            "履行部门职责，保障部门正常运转，完成年度重点工作".to_string(),
            "部门各项工作有序开展，年度重点工作全部完成".to_string(),
        ),
    };
    Evaluation {
        project,
        budget,
        spent,
        execution_score,
        goal,
        done,
        indicators,
    }
}

fn split_points(rng: &mut Rng, total: i64, parts: usize) -> Vec<i64> {
    let mut out = vec![total / parts as i64; parts];
    let rest = total - out.iter().sum::<i64>();
    for i in 0..rest as usize {
        out[i % parts] += 1;
    }
    // Shift a few points around so weights vary between rows.
    for _ in 0..parts {
        let a = rng.range(0, parts as i64 - 1) as usize;
        let b = rng.range(0, parts as i64 - 1) as usize;
        if out[a] > 5 {
            out[a] -= 2;
            out[b] += 2;
        }
    }
    out
}
