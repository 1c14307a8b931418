//! Executes one task: its op over its inputs, then its fused pipeline.

use std::sync::Arc;

use arrow::array::ArrayRef;
use arrow::compute::concat_batches;
use arrow::datatypes::{Field, Schema};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use rusk_io::write::{join_files, join_parquet_files, write_csv_file, write_parquet_file};
use rusk_io::ScanMetrics;
use rusk_ops::aggregate;
use rusk_ops::expr::{evaluate, filter_batch, filter_batch_to, Expr};
use rusk_ops::partition::{hash_split, range_boundaries, range_sample, range_split};
use rusk_ops::{Error, Result};

use super::run_task::TaskOutput;
use crate::graph::{ElementOp, Task, TaskOp, WriteFormat};

/// Runs `task` over its inputs' outputs.
pub(super) fn execute(
    task: &Task,
    inputs: Vec<RecordBatch>,
    scan: Option<&ScanMetrics>,
) -> Result<TaskOutput> {
    let buckets = match &task.op {
        TaskOp::HashSplit { keys, n } => {
            let batch = one(inputs)?;
            let schema = batch.schema();
            let columns = keys.iter().map(|k| schema.index_of(k)).collect::<Result<Vec<_>, _>>()?;
            hash_split(&batch, &columns, *n)?
        }
        TaskOp::RangeSplit { keys, n } => match <[RecordBatch; 2]>::try_from(inputs) {
            Ok([batch, boundaries]) => range_split(&batch, keys, &boundaries, *n)?,
            Err(_) => return Err(Error::Internal("a range split takes a batch and its boundaries".into())),
        },
        TaskOp::Dedup(op @ crate::graph::DedupTask::Route { .. }) => super::dedup::split(op, &one(inputs)?)?,
        op => {
            let mut batch = run_op(op, inputs, scan)?;
            let mut steps = task.pipeline.iter().peekable();
            while let Some(step) = steps.next() {
                batch = match (step, steps.peek()) {
                    // The filter copies only the columns the projection reads.
                    (ElementOp::Filter(predicate), Some(ElementOp::Project(exprs))) => {
                        let read = exprs.iter().flat_map(Expr::columns).collect();
                        filter_batch_to(&batch, predicate, &read)?
                    }
                    _ => apply(step, batch)?,
                };
            }
            return Ok(TaskOutput::Batch(batch));
        }
    };
    if !task.pipeline.is_empty() {
        return Err(Error::Internal("a shuffle split cannot have a pipeline".into()));
    }
    Ok(TaskOutput::Buckets(buckets.into()))
}

fn run_op(op: &TaskOp, mut inputs: Vec<RecordBatch>, scan: Option<&ScanMetrics>) -> Result<RecordBatch> {
    match op {
        TaskOp::HashSplit { .. } | TaskOp::RangeSplit { .. } => {
            Err(Error::Internal("a shuffle split outputs buckets".into()))
        }
        TaskOp::RangeSample { keys, n, inputs: of } => range_sample(&one(inputs)?, keys, *n, *of),
        TaskOp::RangeBoundaries { keys, n } => range_boundaries(&inputs, keys, *n),
        TaskOp::Scan(file_scan) => match scan {
            Some(metrics) => file_scan.read(metrics),
            None => Err(Error::Internal("a scan task without the run's counters".into())),
        },
        TaskOp::Memory(batch) => Ok(batch.0.clone()),
        TaskOp::Concat { schema } => concat_pieces(schema, inputs),
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
        TaskOp::Dedup(op) => super::dedup::run(op, inputs),
        TaskOp::WindowCarry { windows } => rusk_ops::window::carries(&inputs, windows),
        TaskOp::WindowApply { windows, names, partition } => match <[RecordBatch; 2]>::try_from(inputs) {
            Ok([batch, carries]) => rusk_ops::window::apply(&batch, &carries, *partition, windows, names),
            Err(_) => Err(Error::Internal("a window takes a partition and the carries".into())),
        },
        TaskOp::TopNMerge { schema, spec } => rusk_ops::top_n::merge(schema, &inputs, spec),
        TaskOp::Broadcast { keys } => match <[RecordBatch; 2]>::try_from(inputs) {
            Ok([batch, groups]) => rusk_ops::lookup::broadcast(&batch, keys, &groups, keys.len()),
            Err(_) => Err(Error::Internal("a broadcast takes a partition and a groupby result".into())),
        },
        TaskOp::HashJoin { spec, left_inputs, left_schema, right_schema } => {
            if *left_inputs > inputs.len() {
                return Err(Error::Internal("a join with fewer inputs than its left pieces".into()));
            }
            let right_pieces = inputs.split_off(*left_inputs);
            let left = concat_pieces(left_schema, inputs)?;
            let right = concat_pieces(right_schema, right_pieces)?;
            rusk_ops::join::hash_join(&left, &right, spec)
        }
        TaskOp::AsofJoin { spec } => match <[RecordBatch; 2]>::try_from(inputs) {
            Ok([left, right]) => rusk_ops::join::asof_join(&left, &right, spec),
            Err(_) => Err(Error::Internal("an as-of join takes a partition and the right side".into())),
        },
        TaskOp::Write { path, format, header } => {
            let batch = one(inputs)?;
            match format {
                WriteFormat::Csv => write_csv_file(path, &batch, b',', *header)?,
                WriteFormat::Parquet => write_parquet_file(path, &batch)?,
            }
            rows_written(batch.num_rows())
        }
        TaskOp::JoinFiles { parts, path, format } => {
            match format {
                WriteFormat::Csv => join_files(parts, path)?,
                WriteFormat::Parquet => join_parquet_files(parts, path)?,
            }
            rows_written(inputs.iter().map(RecordBatch::num_rows).sum())
        }
    }
}

/// What a write outputs: a batch of no columns counting the rows written.
fn rows_written(rows: usize) -> Result<RecordBatch> {
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::empty()), vec![], &options)?)
}

/// The pieces as one batch of `schema` (no copy for one piece).
fn concat_pieces(schema: &arrow::datatypes::SchemaRef, pieces: Vec<RecordBatch>) -> Result<RecordBatch> {
    if pieces.len() == 1 {
        return one(pieces);
    }
    Ok(concat_batches(schema, &pieces)?)
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
        ElementOp::AggregatePartial { keys, aggs, options, may_pass_rows } => match may_pass_rows {
            true => aggregate::partial_or_rows(&batch, keys, aggs, *options),
            false => aggregate::partial(&batch, keys, aggs, *options),
        },
        ElementOp::AggregateFinish { num_keys, aggs, names, options } => {
            aggregate::finish(&batch, *num_keys, aggs, names, *options)
        }
        ElementOp::TopNCandidates(spec) => rusk_ops::top_n::candidates(&batch, spec),
        ElementOp::TopNFinish(spec) => rusk_ops::top_n::finish(&batch, spec),
        ElementOp::Sort(keys) => rusk_ops::sort::sort_batch(&batch, keys),
        ElementOp::SortHead { keys, n } => rusk_ops::sort::sort_head(&batch, keys, *n),
        ElementOp::Dedup(step) => super::dedup::apply(step, batch),
        ElementOp::WindowSummary(windows) => rusk_ops::window::summarize(&batch, windows),
        ElementOp::FillBins { group_keys, bins, fills } => {
            rusk_ops::time::fill_empty_bins(&batch, *group_keys, bins, fills)
        }
        ElementOp::GroupApply { keys, func, options, prepended, schema } => {
            apply_groups(&batch, keys, func, *options, prepended, schema)
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

/// Calls `func` on each group of `batch` (see `plan::GroupApply`): results
/// in group order, each after the `prepended` keys of its group.
fn apply_groups(
    batch: &RecordBatch,
    keys: &[String],
    func: &crate::udf::PartitionFn,
    options: aggregate::GroupOptions,
    prepended: &[String],
    schema: &arrow::datatypes::SchemaRef,
) -> Result<RecordBatch> {
    let groups = rusk_ops::partition::split_groups(batch, keys, options.sort, options.dropna)?;
    let mut results = Vec::with_capacity(groups.len());
    for group in groups {
        let out = (func.func)(group.clone()).map_err(|e| match e {
            e @ Error::User { .. } => e,
            other => {
                Error::User { name: func.name.clone(), message: other.to_string(), location: Box::default() }
            }
        })?;
        // The group's key, once per output row.
        let first = arrow::array::UInt32Array::from(vec![0u32; out.num_rows()]);
        let mut columns = Vec::with_capacity(schema.fields().len());
        for k in prepended {
            let key = group.column_by_name(k).ok_or_else(|| Error::Internal(format!("key {k} missing")))?;
            columns.push(arrow::compute::take(key.as_ref(), &first, None)?);
        }
        columns.extend(out.columns().iter().cloned());
        let options = RecordBatchOptions::new().with_row_count(Some(out.num_rows()));
        let result =
            RecordBatch::try_new_with_options(Arc::clone(schema), columns, &options).map_err(|e| {
                Error::User {
                    name: func.name.clone(),
                    message: format!("returned a batch unlike the one it returns for no rows: {e}"),
                    location: Box::default(),
                }
            })?;
        results.push(result);
    }
    Ok(concat_batches(schema, &results)?)
}
