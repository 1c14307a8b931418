//! Executes one task: its op over its inputs, then its fused pipeline.

use std::sync::Arc;

use arrow::array::ArrayRef;
use arrow::compute::concat_batches;
use arrow::datatypes::{Field, Schema};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use rusk_io::write::{write_csv_file, write_parquet_file};
use rusk_ops::aggregate;
use rusk_ops::expr::{evaluate, filter_batch, Expr};
use rusk_ops::{Error, Result};

use crate::graph::{ElementOp, Task, TaskOp, WriteFormat};

/// Runs `task` over its inputs' outputs.
pub(super) fn execute(task: &Task, inputs: Vec<RecordBatch>) -> Result<RecordBatch> {
    let mut batch = run_op(&task.op, inputs)?;
    for op in &task.pipeline {
        batch = apply(op, batch)?;
    }
    Ok(batch)
}

fn run_op(op: &TaskOp, mut inputs: Vec<RecordBatch>) -> Result<RecordBatch> {
    match op {
        TaskOp::Scan { dataset, partition, columns } => dataset.0.read(partition, Some(columns)),
        TaskOp::Memory(batch) => Ok(batch.0.clone()),
        TaskOp::Concat { schema } => {
            if inputs.len() == 1 {
                return one(inputs);
            }
            Ok(concat_batches(schema, &inputs)?)
        }
        TaskOp::Split { index, of } => {
            let batch = one(std::mem::take(&mut inputs))?;
            let n = batch.num_rows();
            let (start, end) = (index * n / of, (index + 1) * n / of);
            Ok(batch.slice(start, end - start))
        }
        TaskOp::AggregateMerge { num_keys, aggs } => {
            if inputs.len() == 1 {
                return one(inputs);
            }
            aggregate::merge(&inputs, *num_keys, aggs)
        }
        TaskOp::Write { path, format } => {
            let batch = one(inputs)?;
            match format {
                WriteFormat::Csv => write_csv_file(path, &batch, b',')?,
                WriteFormat::Parquet => write_parquet_file(path, &batch)?,
            }
            let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
            Ok(RecordBatch::try_new_with_options(Arc::new(Schema::empty()), vec![], &options)?)
        }
    }
}

fn one(inputs: Vec<RecordBatch>) -> Result<RecordBatch> {
    let mut it = inputs.into_iter();
    match (it.next(), it.next()) {
        (Some(b), None) => Ok(b),
        _ => Err(Error::Internal("task expected exactly one input".into())),
    }
}

/// Applies one row-wise step.
pub(crate) fn apply(op: &ElementOp, batch: RecordBatch) -> Result<RecordBatch> {
    match op {
        ElementOp::Filter(predicate) => filter_batch(&batch, predicate),
        ElementOp::Project(exprs) => project(&batch, exprs),
        ElementOp::Head(n) => Ok(batch.slice(0, (*n).min(batch.num_rows()))),
        ElementOp::AggregatePartial { keys, aggs, options } => {
            aggregate::partial(&batch, keys, aggs, *options)
        }
        ElementOp::AggregateFinish { num_keys, aggs, names, options } => {
            aggregate::finish(&batch, *num_keys, aggs, names, *options)
        }
        ElementOp::Map(f) => (f.func)(batch).map_err(|e| match e {
            e @ Error::User { .. } => e,
            other => {
                Error::User { name: f.name.clone(), message: other.to_string(), location: Box::default() }
            }
        }),
    }
}

/// Evaluates each expression into an output column. Plain columns keep
/// their field; computed ones are nullable (as in `plan::Project`).
pub(crate) fn project(batch: &RecordBatch, exprs: &[Expr]) -> Result<RecordBatch> {
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(exprs.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(exprs.len());
    for e in exprs {
        let array = evaluate(e, batch)?;
        let field = match e {
            Expr::Column(name) => schema.field_with_name(name)?.clone(),
            _ => Field::new(e.output_name(), array.data_type().clone(), true),
        };
        fields.push(field);
        arrays.push(array);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), arrays, &options)?)
}
