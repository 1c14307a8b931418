//! The `groupby(keys).apply(f)` node: a user function over each group.

use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use rusk_ops::aggregate::GroupOptions;
use rusk_ops::{Error, Result};

use super::{LogicalPlan, PartitionFn};

/// Calls `func` on the rows of every group (all input columns, in row
/// order) and concatenates the results, groups in key order (`sort`) or in
/// first-seen order within each output partition. Key columns `func` does
/// not return are put in front of its output, one value per output row, so
/// every result row says which group it came from (pandas' group keys).
///
/// Every group must be whole in one task, so the input is shuffled by key
/// into `partitions` buckets: the slow, general escape hatch next to the
/// aggregates, which reduce before they move anything.
#[derive(Debug, Clone)]
pub struct GroupApply {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// The key columns.
    pub keys: Vec<String>,
    /// The function.
    pub func: PartitionFn,
    /// `sort` and `dropna`, as pandas' groupby.
    pub options: GroupOptions,
    /// Partitions of the result (buckets of the shuffle).
    pub partitions: usize,
    /// The key columns put in front of `func`'s output.
    pub prepended: Vec<String>,
    /// The output schema.
    pub schema: SchemaRef,
}

impl GroupApply {
    /// Types the node: the output schema is `func`'s on an empty batch (as
    /// Dask infers `meta`), after the keys it does not return.
    ///
    /// # Errors
    /// Unknown keys, `func`'s error on the empty batch, or an output column
    /// named like a key it does not hold.
    pub fn try_new(
        input: Arc<LogicalPlan>,
        keys: Vec<String>,
        func: PartitionFn,
        options: GroupOptions,
        partitions: usize,
    ) -> Result<Self> {
        let in_schema = input.schema();
        let mut fields: Vec<Field> = Vec::new();
        let meta = (func.func)(RecordBatch::new_empty(Arc::clone(&in_schema)))?;
        let out = meta.schema();
        let mut prepended = Vec::new();
        for k in &keys {
            let field = in_schema.field_with_name(k).map_err(|_| Error::ColumnNotFound {
                name: k.clone(),
                available: in_schema.fields().iter().map(|f| f.name().clone()).collect(),
            })?;
            if out.field_with_name(k).is_err() {
                fields.push(field.clone());
                prepended.push(k.clone());
            }
        }
        fields.extend(out.fields().iter().map(|f| f.as_ref().clone()));
        if partitions == 0 {
            return Err(Error::InvalidArgument("apply needs at least one partition".into()));
        }
        Ok(GroupApply {
            input,
            keys,
            func,
            options,
            partitions,
            prepended,
            schema: Arc::new(Schema::new(fields)),
        })
    }

    /// The same node over a new input.
    ///
    /// # Errors
    /// As [`GroupApply::try_new`].
    pub fn with_input(&self, input: Arc<LogicalPlan>) -> Result<Self> {
        GroupApply::try_new(input, self.keys.clone(), self.func.clone(), self.options, self.partitions)
    }
}
