#!/usr/bin/env python3
"""Reads the Delta tables of a sharded run as users do, and compares every
dataset's rows with those of a plain `juesuan run` (the Hive folders' Parquet
files) on the same input.

    delta_readback.py TABLES PLAIN [--readers deltalake,polars,duckdb]

TABLES is a folder or an s3:// URL; for S3 the readers get storage options
from the standard environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_REGION, AWS_ENDPOINT_URL, AWS_ALLOW_HTTP), as juesuan does.

Prints one JSON object: per dataset, the table version, its number of live
files and the row count each reader saw. Exits 1, saying which dataset and reader, when a reader's rows
differ from the plain run's (as multisets: row order is not part of a table),
2 when a reader cannot be used. Used by tests/shards.rs (deltalake, polars)
and by .ci/run (duckdb's delta extension, from the duckdb-ext-delta wheel).
"""
import argparse
import glob
import json
import os
import sys

import polars as pl

DATASETS = ["documents", "line_items", "indicators", "facts", "checks"]


def canonical(df: pl.DataFrame, columns) -> pl.DataFrame:
    """The rows in one order, list columns as text so they can be sorted."""
    df = df.select(columns)
    keys = []
    for name, dtype in df.schema.items():
        if isinstance(dtype, pl.List):
            df = df.with_columns(pl.col(name).list.join("\x1f").alias(f"__{name}"))
            keys.append(f"__{name}")
        else:
            keys.append(name)
    return df.sort(keys, nulls_last=True)


def plain_rows(plain: str, dataset: str) -> pl.DataFrame:
    files = sorted(glob.glob(os.path.join(plain, dataset, "**", "*.parquet"), recursive=True))
    return pl.read_parquet(files, hive_partitioning=False)


def storage_options(tables: str):
    """deltalake's and polars' options for an S3 location, from the environment."""
    if not tables.startswith("s3://"):
        return None
    names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL",
             "AWS_ALLOW_HTTP"]
    return {n.lower(): os.environ[n] for n in names if n in os.environ}


def duckdb_connection():
    import duckdb

    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    # The duckdb-ext-delta wheel ships the extension for its DuckDB version;
    # without it, INSTALL needs the network.
    found = glob.glob(
        os.path.join(os.path.dirname(duckdb.__file__), "..", "duckdb_ext", "extensions",
                     duckdb.__version__.join(["v", ""]), "*", "delta.duckdb_extension")
    )
    if found:
        con.execute(f"LOAD '{found[0]}'")
    else:
        con.execute("INSTALL delta; LOAD delta")
    return con


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("tables")
    ap.add_argument("plain")
    ap.add_argument("--readers", default="deltalake,polars")
    args = ap.parse_args()
    readers = args.readers.split(",")
    try:
        import deltalake
        con = duckdb_connection() if "duckdb" in readers else None
    except Exception as e:  # noqa: BLE001 - say which reader is missing, then stop
        print(f"delta_readback: reader unavailable: {e}", file=sys.stderr)
        return 2
    out = {}
    failed = False
    options = storage_options(args.tables)
    for ds in DATASETS:
        expected = plain_rows(args.plain, ds)
        columns = expected.columns
        want = canonical(expected, columns)
        table = f"{args.tables.rstrip('/')}/{ds}" if options else os.path.join(args.tables, ds)
        dt = deltalake.DeltaTable(table, storage_options=options)
        seen = {"version": dt.version(), "files": len(dt.file_uris())}
        got = {}
        if "deltalake" in readers:
            got["deltalake"] = pl.from_arrow(dt.to_pyarrow_table())
        if "polars" in readers:
            got["polars"] = pl.scan_delta(table, storage_options=options).collect()
        if con is not None:
            got["duckdb"] = con.sql(f"SELECT * FROM delta_scan('{table}')").pl()
        for reader, df in got.items():
            seen[reader] = df.height
            if list(df.columns) != columns:
                print(f"{ds}: {reader} columns {df.columns} != {columns}", file=sys.stderr)
                failed = True
                continue
            df = df.cast(expected.schema)
            if not canonical(df, columns).equals(want):
                print(
                    f"{ds}: {reader} read {df.height} rows, not the plain run's {expected.height} rows",
                    file=sys.stderr,
                )
                failed = True
        out[ds] = seen
    print(json.dumps(out, sort_keys=True))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
