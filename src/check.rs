//! Stage 4, check: accounting identities tested on what was extracted.

use crate::model::{Check, Extracted};

/// Tests the identities on a document's rows.
pub fn run(_doc: &mut Extracted) -> Vec<Check> {
    Vec::new()
}
