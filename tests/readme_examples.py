#!/usr/bin/env python3
"""Runs the reading examples of README.md ("## Reading it": every ```python and
```sql block) against real juesuan output, as a user would copy them, and checks
that they give the right numbers.

usage: tests/readme_examples.py JUESUAN_BINARY

Needs pandas, pyarrow, polars and duckdb (.ci/run installs them). Exits non-zero
on the first failure. The expected figures are read by hand from the printed
tables of input/ (line numbers below), not from juesuan's output.
"""
import ast
import decimal
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
D = decimal.Decimal

# 支出决算表 (table 03), row 合计, column 基本支出, as printed:
#   input/002_6ab84cca39a9b887.txt:126                    75.34   (随州市曾都区, 2023)
#   input/003_0940f7d63c256225.txt:148                  1,699.45  (东西湖区, 2024)
#   input/shanghai-putuo-planning-2024.layout.txt:289    5377.64  (上海市普陀区, 2024),
#     printed once more by the column-major rendering of the same report (.raw.txt):
#     one report, counted once.
BASIC_BY_REGION = {
    ("随州市曾都区", 2023): D("75.34"),
    ("东西湖区", 2024): D("1699.45"),
    ("上海市普陀区", 2024): D("5377.64"),
}
BASIC_BY_DEPARTMENT = {
    ("随州市曾都区人力资源和社会保障信息网络和档案管理中心", 2023): D("75.34"),
    ("东西湖区人社局", 2024): D("1699.45"),
    ("上海市普陀区规划和自然资源局", 2024): D("5377.64"),
}
# 2080101 行政运行 in table 03 of input/003_0940f7d63c256225.txt:151
# (table 05 prints the same row again at :231; it must not be added in).
ADMIN_RUNNING = {
    ("东西湖区人社局", 2024, "本年支出合计"): D("1688.19"),
    ("东西湖区人社局", 2024, "基本支出"): D("1068.55"),
    ("东西湖区人社局", 2024, "项目支出"): D("619.63"),
}


def blocks():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = text.split("\n## Reading it\n", 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"```(python|sql)\n(.*?)```", section, re.S)
    if not found:
        sys.exit("README.md: no example under '## Reading it'")
    return found


def run_python(code):
    """Executes a block; returns the value of its last expression."""
    tree = ast.parse(code)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body = tree.body[:-1]
    env = {}
    exec(compile(tree, "README.md", "exec"), env)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "README.md", "eval"), env)


def money(x):
    return D(str(x)).quantize(D("0.01"))


def check_pandas(result):
    got = {(dep, int(year)): money(v) for (dep, year), v in result.items()}
    assert got == BASIC_BY_DEPARTMENT, f"pandas example: {got}"


def check_polars(result):
    got = {
        (r["department"], r["fiscal_year"], r["column_name"]): money(r["amount"])
        for r in result.to_dicts()
    }
    assert got == ADMIN_RUNNING, f"polars example: {got}"


def check_sql(rows):
    got = {(region, int(year)): money(v) for region, year, v in rows}
    assert got == BASIC_BY_REGION, f"DuckDB example: {got}"


def juesuan(binary, src, out):
    subprocess.run(
        [binary, "run", "--quiet", "--input", src, "--output", out], check=True
    )


def run_examples(output, check):
    """Runs every example in a folder where `output` is the given output."""
    import duckdb

    work = tempfile.mkdtemp(prefix="juesuan-readme-")
    os.symlink(output, os.path.join(work, "output"))
    here = os.getcwd()
    os.chdir(work)
    try:
        for lang, code in blocks():
            if lang == "sql":
                result = duckdb.sql(code).fetchall()
                if check:
                    check_sql(result)
                continue
            result = run_python(code)
            if not check:
                continue
            if "pd.read_parquet" in code:
                check_pandas(result)
            elif "pl.scan_parquet" in code:
                check_polars(result)
    finally:
        os.chdir(here)
        shutil.rmtree(work)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="juesuan-readme-out-")
    try:
        out = os.path.join(tmp, "output")
        juesuan(binary, os.path.join(ROOT, "input"), out)
        run_examples(out, check=True)
        # The same lines on an output with a document whose year is unknown
        # (fiscal_year=__HIVE_DEFAULT_PARTITION__ beside known years): they
        # must still read it.
        mixed = os.path.join(tmp, "mixed")
        shutil.copytree(os.path.join(ROOT, "input"), mixed)
        text = open(os.path.join(mixed, "002_6ab84cca39a9b887.txt"), encoding="utf-8").read()
        text = re.sub(r"20\d\d", "本", text)
        with open(os.path.join(mixed, "no-year.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        out2 = os.path.join(tmp, "output-mixed")
        juesuan(binary, mixed, out2)
        assert os.path.isdir(
            os.path.join(out2, "line_items", "fiscal_year=__HIVE_DEFAULT_PARTITION__")
        ), "the no-year document should land in the default partition"
        run_examples(out2, check=False)
    finally:
        shutil.rmtree(tmp)
    print(f"readme: {len(blocks())} passed, 0 failed")


if __name__ == "__main__":
    main()
