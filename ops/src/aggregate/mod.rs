//! Grouped aggregation in three phases: a *partial* state per input batch, a
//! *merge* of states (the tree reduce), and a *finish* to pandas' results.
//!
//! ```text
//! batch ──partial──▶ state ─┐
//! batch ──partial──▶ state ─┼─merge──▶ state ──finish──▶ result
//! batch ──partial──▶ state ─┘   (fan-in split_every, repeated as a tree)
//! ```
//!
//! A state batch holds the distinct keys seen (one column per key, named as
//! the key expressions' output names) followed by each aggregate's state
//! columns (named `agg{i}_{part}`); merging state batches is associative,
//! so any tree of merges gives the same result, whatever the partitioning.
//! Merges must keep the partitions' order (a merge gets its states left to
//! right): `first`, `last` and the `sort=False` group order rely on it.
//!
//! # How a batch is aggregated
//!
//! The keys are evaluated once and turned into dense `u32` group ids by a
//! hash table (`group_ids`: fast paths for one integer, string or
//! dictionary key, per-column ids packed into one tuple for several keys,
//! `RowConverter` rows for other types; a chunk of rows is hashed first,
//! then probed). Each aggregate then updates all its groups in one loop
//! over the typed values of its argument (see `accumulator`'s
//! `GroupedAggregate`). A batch goes through in slices of 64Ki rows so the
//! group ids are still in cache when the aggregates read them. `merge`
//! re-groups the states' key columns the same way and folds state columns
//! by group id; `finish` turns states into pandas' results, then drops null
//! keys and sorts as asked.
//!
//! `aggregate::tests::timing` measures these paths on h2o's columns (an
//! ignored test); past results are in benches/README.md.
//!
//! # Semantics (pandas with nullable dtypes is the reference)
//!
//! Nulls are missing values and every aggregate but `size` skips them:
//! `sum` of none is 0 (`prod` 1), `count` 0, `mean`, `min`, `max`, `first`,
//! `last`, `median`, `quantile`, `var`, `std` and `corr` null. Integer sums
//! and products wrap around in int64 (uint64 for unsigned input) as numpy's
//! do. A NaN float is a *value* here (rusk's readers give nulls for missing
//! numbers): it propagates through sums and means, is the largest value for
//! `min`/`max`/`median`, one distinct value for `nunique`, and true for
//! `any`/`all`. `var`/`std` merge `(count, mean, m2)` with Chan et al.'s
//! formula; `nunique` keeps the distinct values per group and `median` /
//! `quantile` all the values (exact, so their states grow with the data);
//! `nunique_approx` (HyperLogLog, `hll`), `median_approx` and
//! `quantile_approx` (t-digest, `tdigest`) estimate them from states of at
//! most 4 KiB (HLL) and 8 KiB (t-digest) a group.
//! Keys: a null key is its own group unless `dropna` (pandas' default);
//! `-0.0` and `0.0` are one key, as are all NaNs; dictionary keys stay
//! dictionaries (`Int32` codes) in states, each state with its own, so a
//! merge interns each distinct value once per state, and come out of
//! `finish` as plain values of the dictionary's value type. With no key the
//! result is one row, even for no input. Key columns of states and results
//! are always nullable.

mod accumulator;
#[path = "bool.rs"]
mod any_all;
mod corr;
mod count;
mod decimal_sum;
mod distinct;
mod first_last;
mod first_last_by;
mod function;
pub(crate) mod group_ids;
mod hll;
mod mean;
mod min_max;
mod quantile;
mod sketch_state;
mod sum;
mod tdigest;
mod var;

#[cfg(test)]
mod sketch_tests;
#[cfg(test)]
mod tests;

pub(crate) use function::implementation;
pub use function::{output_nullable, output_type};

use std::ops::Range;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray};
use arrow::buffer::NullBuffer;
use arrow::compute::{cast, filter, take};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

use function::{create, fixed_state, num_state_columns, state_fields};
use group_ids::{key_output_type, key_state_type, next_id, GroupIds};

use crate::error::{Error, Result};
use crate::expr::{evaluate, AggregateFunction, Expr};
use crate::sort::{sort_to_indices, SortKey};

/// One aggregate of a groupby: a function over argument expressions, which
/// are evaluated on the input batch.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AggregateSpec {
    /// The function.
    pub func: AggregateFunction,
    /// Its arguments (none for `size`, two for `corr`).
    pub args: Vec<Expr>,
}

/// How [`finish`] shapes the result, as pandas' `groupby(sort=, dropna=)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GroupOptions {
    /// Sort the groups by key (nulls last); otherwise first-seen order.
    pub sort: bool,
    /// Drop groups whose key has a null.
    pub dropna: bool,
}

impl Default for GroupOptions {
    fn default() -> Self {
        GroupOptions { sort: true, dropna: true }
    }
}

/// The name of part `part` of aggregate `i`'s state.
fn state_name(i: usize, part: &str) -> String {
    format!("agg{i}_{part}")
}

/// The field of a key column of type `dt` named `name` in states.
fn key_field(name: String, dt: &DataType) -> Field {
    Field::new(name, key_state_type(dt), true)
}

/// The schema of the state batches of `keys` and `aggs` over `input`: what
/// [`partial`] and [`merge`] return.
///
/// # Errors
/// [`Error::ColumnNotFound`] for unknown columns, [`Error::Type`] for types
/// an aggregate does not take (or keys that cannot be grouped),
/// [`Error::InvalidArgument`] for a quantile outside `[0, 1]`.
pub fn state_schema(input: &Schema, keys: &[Expr], aggs: &[AggregateSpec]) -> Result<SchemaRef> {
    let key_types = keys.iter().map(|k| k.data_type(input)).collect::<Result<Vec<_>>>()?;
    GroupIds::new(&key_types)?;
    let mut fields: Vec<Field> =
        keys.iter().zip(&key_types).map(|(k, t)| key_field(k.output_name(), t)).collect();
    for (i, agg) in aggs.iter().enumerate() {
        let types = agg.args.iter().map(|a| a.data_type(input)).collect::<Result<Vec<_>>>()?;
        fields.extend(state_fields(&agg.func, &types)?.into_iter().map(|f| {
            let name = state_name(i, f.name());
            f.with_name(name)
        }));
    }
    Ok(Arc::new(Schema::new(fields)))
}

/// The partial state of one input batch: its distinct keys (in first-seen
/// order) and each aggregate's state for them. With `options.dropna`, rows
/// with a null key are dropped here already.
///
/// # Errors
/// Evaluation errors of keys and arguments, and those of [`state_schema`].
pub fn partial(
    batch: &RecordBatch,
    keys: &[Expr],
    aggs: &[AggregateSpec],
    options: GroupOptions,
) -> Result<RecordBatch> {
    grouped_or_rows(batch, keys, aggs, options, false)
}

/// As [`partial`], but when the batch's first [`PROBE_ROWS`] rows barely
/// repeat a key (more than 4 groups in 5 rows), grouping would reduce
/// nothing, so the batch is passed on as one state per row instead: its
/// keys as they are (dictionaries kept), each aggregate's state of its one
/// row. The state may then hold a key more than once, so it is only for a
/// caller whose every state goes through a [`merge`] of at least two
/// states before [`finish`] (a shuffle's buckets), as DataFusion skips its
/// partial aggregation on a poor probe. Aggregates whose state grows with
/// the values (`nunique`, `median`, `quantile`, the sketches) always group.
///
/// # Errors
/// As [`partial`].
pub fn partial_or_rows(
    batch: &RecordBatch,
    keys: &[Expr],
    aggs: &[AggregateSpec],
    options: GroupOptions,
) -> Result<RecordBatch> {
    grouped_or_rows(batch, keys, aggs, options, aggs.iter().all(|a| fixed_state(&a.func)))
}

/// Rows grouped before [`partial_or_rows`] decides; two slices, so that a
/// key of 10⁵ values (h2o's id3) shows its repeats.
const PROBE_ROWS: usize = 2 * SLICE;

fn grouped_or_rows(
    batch: &RecordBatch,
    keys: &[Expr],
    aggs: &[AggregateSpec],
    options: GroupOptions,
    may_pass_rows: bool,
) -> Result<RecordBatch> {
    let mut key_arrays = keys.iter().map(|k| evaluate(k, batch)).collect::<Result<Vec<_>>>()?;
    let mut arg_arrays = aggs
        .iter()
        .map(|a| a.args.iter().map(|e| evaluate(e, batch)).collect::<Result<Vec<_>>>())
        .collect::<Result<Vec<_>>>()?;
    let mut num_rows = batch.num_rows();
    if options.dropna {
        if let Some(keep) = rows_without_null_keys(&key_arrays) {
            num_rows = keep.true_count();
            for a in key_arrays.iter_mut().chain(arg_arrays.iter_mut().flatten()) {
                *a = filter(a.as_ref(), &keep)?;
            }
        }
    }
    let key_types: Vec<DataType> = key_arrays.iter().map(|a| a.data_type().clone()).collect();
    let mut ids = GroupIds::new(&key_types)?;
    let mut fields: Vec<Field> =
        keys.iter().zip(&key_types).map(|(k, t)| key_field(k.output_name(), t)).collect();
    let mut accs = Vec::with_capacity(aggs.len());
    for (i, (agg, args)) in aggs.iter().zip(&arg_arrays).enumerate() {
        let types: Vec<DataType> = args.iter().map(|a| a.data_type().clone()).collect();
        let state = state_fields(&agg.func, &types)?;
        let state_types: Vec<DataType> = state.iter().map(|f| f.data_type().clone()).collect();
        accs.push(create(&agg.func, &state_types)?);
        fields.extend(state.into_iter().map(|f| {
            let name = state_name(i, f.name());
            f.with_name(name)
        }));
    }
    // The batch goes through in slices, so that each slice's group ids are
    // still in cache when the aggregates read them.
    let mut groups = Vec::with_capacity(num_rows.min(SLICE));
    let mut start = 0;
    // At least one (maybe empty) slice: the aggregates then know the number
    // of groups, which is 1 without keys even for no rows.
    loop {
        let len = SLICE.min(num_rows - start);
        let slice = |a: &ArrayRef| a.slice(start, len);
        ids.intern(&key_arrays.iter().map(slice).collect::<Vec<_>>(), len, &mut groups)?;
        let n = ids.num_groups();
        for (acc, args) in accs.iter_mut().zip(&arg_arrays) {
            acc.update(&args.iter().map(slice).collect::<Vec<_>>(), &groups, n)?;
        }
        start += len;
        if start >= num_rows {
            break;
        }
        if may_pass_rows && start == PROBE_ROWS && ids.num_groups() * 5 > start * 4 {
            return row_states(fields, &key_arrays, &arg_arrays, aggs, num_rows);
        }
    }
    let n = ids.num_groups();
    let mut columns = ids.emit_states(&key_types)?;
    for acc in &mut accs {
        columns.extend(acc.state()?);
    }
    batch_of(fields, columns, n)
}

/// One state per row: the keys in their state types, each aggregate
/// updated with row `i` as group `i`.
fn row_states(
    fields: Vec<Field>,
    key_arrays: &[ArrayRef],
    arg_arrays: &[Vec<ArrayRef>],
    aggs: &[AggregateSpec],
    num_rows: usize,
) -> Result<RecordBatch> {
    let identity = (0..num_rows).map(next_id).collect::<Result<Vec<u32>>>()?;
    let mut columns =
        key_arrays.iter().zip(&fields).map(|(k, f)| cast_to(k, f.data_type())).collect::<Result<Vec<_>>>()?;
    let mut at = key_arrays.len();
    for (agg, args) in aggs.iter().zip(arg_arrays) {
        let width = num_state_columns(&agg.func);
        let state = fields.get(at..at + width).ok_or_else(|| Error::Internal("state fields".into()))?;
        let types: Vec<DataType> = state.iter().map(|f| f.data_type().clone()).collect();
        let mut acc = create(&agg.func, &types)?;
        acc.update(args, &identity, num_rows)?;
        columns.extend(acc.state()?);
        at += width;
    }
    batch_of(fields, columns, num_rows)
}

/// Rows per slice of a batch in [`partial`]: 256 KiB of group ids, which
/// stay in L2 between the grouping and the aggregates.
const SLICE: usize = 1 << 16;

/// Merges state batches (of one schema, in partition order) into one.
///
/// # Errors
/// States of mismatched schemas or shapes ([`Error::Internal`]: the caller
/// passed states of other keys or aggregates).
pub fn merge(states: &[RecordBatch], num_keys: usize, aggs: &[AggregateSpec]) -> Result<RecordBatch> {
    let first = states.first().ok_or_else(|| Error::Internal("merge of no states".into()))?;
    let schema = first.schema();
    for s in states {
        let same = s.num_columns() == schema.fields().len()
            && s.schema().fields().iter().zip(schema.fields()).all(|(a, b)| a.data_type() == b.data_type());
        if !same {
            return Err(Error::Internal("merge of states of different schemas".into()));
        }
    }
    let layout = state_layout(&schema, num_keys, aggs)?;
    let types: Vec<DataType> = schema.fields().iter().map(|f| f.data_type().clone()).collect();
    let mut ids = GroupIds::new(&types[..num_keys])?;
    let mut accs = aggs
        .iter()
        .zip(&layout)
        .map(|(a, r)| create(&a.func, &types[r.clone()]))
        .collect::<Result<Vec<_>>>()?;
    let mut groups = Vec::new();
    for s in states {
        ids.intern(&s.columns()[..num_keys], s.num_rows(), &mut groups)?;
        let n = ids.num_groups();
        for (acc, r) in accs.iter_mut().zip(&layout) {
            acc.merge(&s.columns()[r.clone()], &groups, n)?;
        }
    }
    let mut columns = ids.emit_states(&types[..num_keys])?;
    for acc in &mut accs {
        columns.extend(acc.state()?);
    }
    let fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    batch_of(fields, columns, ids.num_groups())
}

/// The result from a merged state (or a single partial's): the key
/// columns, then one column per aggregate named `names[i]`, of
/// [`output_type`]. `options.dropna` drops the groups with a null key,
/// `options.sort` sorts the groups by key, ascending with nulls last;
/// otherwise they stay in first-seen order. The state's keys must be
/// distinct, as [`partial`] and [`merge`] make them.
///
/// # Errors
/// A state of the wrong shape, or `names` not matching `aggs`.
pub fn finish(
    state: &RecordBatch,
    num_keys: usize,
    aggs: &[AggregateSpec],
    names: &[String],
    options: GroupOptions,
) -> Result<RecordBatch> {
    if names.len() != aggs.len() {
        return Err(Error::Internal(format!("{} names for {} aggregates", names.len(), aggs.len())));
    }
    let schema = state.schema();
    let layout = state_layout(&schema, num_keys, aggs)?;
    let mut state = state.clone();
    if options.dropna {
        if let Some(keep) = rows_without_null_keys(&state.columns()[..num_keys]) {
            state = arrow::compute::filter_record_batch(&state, &keep)?;
        }
    }
    let n = state.num_rows();
    let groups = (0..u32::try_from(n)
        .map_err(|_| Error::InvalidArgument("more than 4294967295 groups".into()))?)
        .collect::<Vec<u32>>();
    // Dictionary keys of states come out as plain values.
    let mut fields: Vec<Field> = schema.fields()[..num_keys]
        .iter()
        .map(|f| f.as_ref().clone().with_data_type(key_output_type(f.data_type())))
        .collect();
    let mut columns: Vec<ArrayRef> = state.columns()[..num_keys]
        .iter()
        .zip(&fields)
        .map(|(c, f)| cast_to(c, f.data_type()))
        .collect::<Result<_>>()?;
    for ((agg, r), name) in aggs.iter().zip(&layout).zip(names) {
        let types: Vec<DataType> = schema.fields()[r.clone()].iter().map(|f| f.data_type().clone()).collect();
        let mut acc = create(&agg.func, &types)?;
        acc.merge(&state.columns()[r.clone()], &groups, n)?;
        let out = acc.finish()?;
        fields.push(Field::new(name, out.data_type().clone(), output_nullable(&agg.func)));
        columns.push(out);
    }
    if options.sort && num_keys > 0 && n > 1 {
        // Row-format keys sort far faster than a column-by-column comparator
        // over many string keys (h2o q10: 10⁷ groups of six keys).
        let keys = batch_of(fields[..num_keys].to_vec(), columns[..num_keys].to_vec(), n)?;
        let by: Vec<SortKey> = fields[..num_keys].iter().map(|f| SortKey::new(f.name())).collect();
        // Several keys: sorted by packed per-column ranks where they fit.
        let ranked = if num_keys > 1 { group_ids::sort_keys_to_indices(&columns[..num_keys])? } else { None };
        let order = match ranked {
            Some(order) => arrow::array::UInt32Array::from(order),
            None => sort_to_indices(&keys, &by)?,
        };
        columns = columns.iter().map(|c| take(c.as_ref(), &order, None)).collect::<Result<_, _>>()?;
    }
    batch_of(fields, columns, n)
}

/// The columns of each aggregate's state in a state schema.
fn state_layout(schema: &Schema, num_keys: usize, aggs: &[AggregateSpec]) -> Result<Vec<Range<usize>>> {
    let mut start = num_keys;
    let layout: Vec<Range<usize>> = aggs
        .iter()
        .map(|a| {
            let r = start..start + num_state_columns(&a.func);
            start = r.end;
            r
        })
        .collect();
    if start != schema.fields().len() {
        return Err(Error::Internal(format!(
            "a state of {} columns for {num_keys} keys and {} aggregates",
            schema.fields().len(),
            aggs.len()
        )));
    }
    Ok(layout)
}

/// The rows whose keys are all non-null, or `None` when that is every row.
fn rows_without_null_keys(keys: &[ArrayRef]) -> Option<BooleanArray> {
    let valid = keys
        .iter()
        .fold(None::<NullBuffer>, |acc, k| NullBuffer::union(acc.as_ref(), k.logical_nulls().as_ref()));
    valid.filter(|v| v.null_count() > 0).map(|v| BooleanArray::new(v.into_inner(), None))
}

/// `column` as `data_type` (itself when it already is).
fn cast_to(column: &ArrayRef, data_type: &DataType) -> Result<ArrayRef> {
    if column.data_type() == data_type {
        Ok(Arc::clone(column))
    } else {
        Ok(cast(column, data_type)?)
    }
}

/// A batch of `columns` with `fields`, of `num_rows` rows even without columns.
fn batch_of(fields: Vec<Field>, columns: Vec<ArrayRef>, num_rows: usize) -> Result<RecordBatch> {
    let options = RecordBatchOptions::new().with_row_count(Some(num_rows));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?)
}
