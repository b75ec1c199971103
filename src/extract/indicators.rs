//! Performance self-evaluation tables (绩效自评表) into `indicators`.

use crate::decode::Text;
use crate::model::{EvaluationSummary, Indicator};
use crate::segment::Segmented;

/// What the self-evaluation tables of a document yielded.
#[derive(Debug, Default)]
pub struct IndicatorsRead {
    pub indicators: Vec<Indicator>,
    pub evaluations: Vec<EvaluationSummary>,
    /// The layout the tables were read in (`flattened_pdf_text`, `cell_per_line`, …).
    pub shape: Option<&'static str>,
}

pub fn extract(_text: &Text, _seg: &Segmented) -> IndicatorsRead {
    IndicatorsRead::default()
}
