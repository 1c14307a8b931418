//! Small plans over in-memory data for the plan's and the rules' tests.

use std::sync::Arc;

use arrow::array::{Float64Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

use super::{InMemory, LogicalPlan};

/// A two-partition frame with columns a (int64), b (float64), c (string).
pub fn memory() -> Arc<LogicalPlan> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("a", DataType::Int64, true),
        Field::new("b", DataType::Float64, true),
        Field::new("c", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![
            Arc::new(Int64Array::from(vec![1, 2, 3])),
            Arc::new(Float64Array::from(vec![0.5, 1.5, 2.5])),
            Arc::new(StringArray::from(vec!["x", "y", "z"])),
        ],
    )
    .unwrap();
    Arc::new(LogicalPlan::InMemory(InMemory::try_new(schema, vec![batch.clone(), batch]).unwrap()))
}
