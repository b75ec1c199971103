//! Stage 5, emit: rows into Arrow record batches, written as Hive-partitioned
//! Parquet (ZSTD, dictionary strings, statistics) and swapped into place
//! atomically at the end of a run.

mod report_id;
mod schema;
mod writer;

pub use report_id::report_id;

pub use schema::{
    Dataset, DocKeys, MONEY_PRECISION, MONEY_SCALE, checks_batch, documents_batch, facts_batch,
    indicators_batch, line_items_batch,
};
pub use writer::{
    Committed, EmitError, Emitter, Provenance, WrittenPart, created_by, parquet_files,
    partition_dir,
};
