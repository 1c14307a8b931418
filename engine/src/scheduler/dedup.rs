//! Executes the steps and tasks of `drop_duplicates` / `duplicated` over
//! the kernels of `rusk_ops::dedup`.

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, BooleanArray};
use arrow::compute::filter_record_batch;
use arrow::compute::kernels::boolean::not;
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use rusk_ops::dedup::DUPLICATED;
use rusk_ops::dedup::{duplicated, flag_bucket, flags_in_row_order, split_by_partition, with_row_ids, Keep};
use rusk_ops::{Error, Result};

use crate::graph::{DedupStep, DedupTask};
use rusk_ops::dedup::DedupMode;

/// Applies one row-wise step.
pub(super) fn apply(step: &DedupStep, batch: RecordBatch) -> Result<RecordBatch> {
    match step {
        DedupStep::RowIds { columns, partition } => with_row_ids(&batch, columns, *partition),
        DedupStep::Flags { keep } => flag_bucket(&batch, *keep),
        DedupStep::RowOrder => flag_batch(flags_in_row_order(&batch)?),
        DedupStep::Local { subset, keep, mode } => local(batch, subset, *keep, *mode),
    }
}

/// The buckets of a route task.
pub(super) fn split(task: &DedupTask, batch: &RecordBatch) -> Result<Vec<RecordBatch>> {
    match task {
        DedupTask::Route { n } => split_by_partition(batch, *n),
        DedupTask::Apply { .. } => Err(Error::Internal("a dedup apply outputs a batch".into())),
    }
}

/// Runs a task that outputs one batch.
pub(super) fn run(task: &DedupTask, inputs: Vec<RecordBatch>) -> Result<RecordBatch> {
    match task {
        DedupTask::Route { .. } => Err(Error::Internal("a dedup route outputs buckets".into())),
        DedupTask::Apply { mode } => match <[RecordBatch; 2]>::try_from(inputs) {
            Ok([batch, flags]) => {
                let flags = flags
                    .columns()
                    .first()
                    .and_then(|c| c.as_boolean_opt())
                    .ok_or_else(|| Error::Internal("dedup flags are one boolean column".into()))?;
                if flags.len() != batch.num_rows() {
                    return Err(Error::Internal(format!(
                        "{} dedup flags for a partition of {} rows: the frame read differently twice",
                        flags.len(),
                        batch.num_rows()
                    )));
                }
                output(batch, flags.clone(), *mode)
            }
            Err(_) => Err(Error::Internal("a dedup apply takes a partition and its flags".into())),
        },
    }
}

/// The whole dedup of one batch.
fn local(batch: RecordBatch, subset: &[String], keep: Keep, mode: DedupMode) -> Result<RecordBatch> {
    let keys = subset
        .iter()
        .map(|c| {
            batch.column_by_name(c).cloned().ok_or_else(|| Error::Internal(format!("dedup key {c} missing")))
        })
        .collect::<Result<Vec<ArrayRef>>>()?;
    let flags = duplicated(&keys, batch.num_rows(), keep)?;
    output(batch, flags, mode)
}

fn output(batch: RecordBatch, flags: BooleanArray, mode: DedupMode) -> Result<RecordBatch> {
    match mode {
        DedupMode::DropDuplicates => Ok(filter_record_batch(&batch, &not(&flags)?)?),
        DedupMode::Duplicated => flag_batch(flags),
    }
}

/// The one-column frame of `duplicated` (as `plan::Dedup`'s schema).
fn flag_batch(flags: BooleanArray) -> Result<RecordBatch> {
    let schema = Schema::new(vec![Field::new(DUPLICATED, DataType::Boolean, false)]);
    Ok(RecordBatch::try_new(Arc::new(schema), vec![Arc::new(flags)])?)
}
