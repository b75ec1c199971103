//! juesuan (决算): county departmental final-accounts disclosures, as text from
//! many converters, into tidy Parquet datasets.
//!
//! The stages, each a module readable on its own:
//! [`decode`] (bytes → normalised text; [`pdf`] derives the text of a PDF) → [`segment`] (metadata, parts,
//! sections, table blocks) → [`extract`] (tables, indicators, facts) →
//! [`check`] (accounting identities) → [`emit`] (Arrow → Parquet).
//! [`document`] runs one document through all of them; [`pipeline`] runs an
//! archive in parallel; [`shard`] splits it over machines and commits the
//! result as Delta tables ([`delta`]), kept by [`maintain`], in local folders
//! or object storage ([`store`]).

pub mod amount;
pub mod check;
pub mod config;
pub mod decode;
pub mod delta;
pub mod document;
pub mod emit;
pub mod extract;
pub mod incremental;
pub mod maintain;
pub mod metadata;
pub mod model;
pub mod pdf;
pub mod pipeline;
pub mod report;
pub mod segment;
pub mod shard;
pub mod store;
pub mod table;
pub mod text;
pub mod vocab;
