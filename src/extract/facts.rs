//! Key figures of the 情况说明 prose into `facts`.

use crate::decode::Text;
use crate::model::Fact;
use crate::segment::Segmented;

/// Facts stated in the document's 情况说明 sections.
pub fn extract(_text: &Text, _seg: &Segmented) -> Vec<Fact> {
    Vec::new()
}
