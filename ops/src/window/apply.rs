//! The prefix pass's last step: a partition's new columns from its rows
//! and its block of the carries.

use std::ops::Range;
use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, AsArray, Int64Array, RecordBatch, RecordBatchOptions};
use arrow::compute::{cast, concat};
use arrow::datatypes::{DataType, Field, Int64Type, Schema};

use super::carry::{key_columns, nanos_of, same_keys};
use super::groups::Groups;
use super::rolling::{self, GroupSpan};
use super::{column, lag, Extent, WindowFunction, Windows};
use crate::error::{Error, Result};

/// `batch` with one new column per spec, named `names`, computed from its
/// rows and its block of `carries` (partition `partition`).
///
/// # Errors
/// A time column with nulls or out of order ([`Error::InvalidArgument`]
/// naming the partition and row), a missing column, a carry of another
/// shape (a bug), kernel errors.
pub fn apply(
    batch: &RecordBatch,
    carries: &RecordBatch,
    partition: usize,
    windows: &Windows,
    names: &[String],
) -> Result<RecordBatch> {
    let reach = windows.reach()?;
    let block = block_of(carries, partition)?;
    let before_len = usize::try_from(column(&block, "before")?.as_primitive::<Int64Type>().value(0))
        .map_err(|_| Error::Internal("a negative window carry".into()))?;
    let header = block.slice(0, 1);
    let before = block.slice(1, before_len);
    let after = block.slice(1 + before_len, block.num_rows() - 1 - before_len);
    let n = batch.num_rows();
    let rows = before_len..before_len + n;
    let around = |carried: &str, own: &ArrayRef| -> Result<ArrayRef> {
        if before.num_rows() == 0 && after.num_rows() == 0 {
            return Ok(Arc::clone(own));
        }
        let (b, a) = (column(&before, carried)?, column(&after, carried)?);
        Ok(concat(&[b.as_ref(), own.as_ref(), a.as_ref()])?)
    };
    let own_keys = key_columns(batch, windows)?;
    let keys =
        own_keys.iter().enumerate().map(|(m, k)| around(&format!("k{m}"), k)).collect::<Result<Vec<_>>>()?;
    let len = before_len + n + after.num_rows();
    let groups = Groups::of(&keys, len)?;
    let times = match &reach.span {
        Some((_, on)) => {
            let t = nanos_of(&around("t", column(batch, on)?)?)?;
            Some(checked_times(t, &groups, rows.clone(), on, partition, !windows.by.is_empty())?)
        }
        None => None,
    };
    // Whether the partition's first row continues the group whose totals
    // the header holds (no keys: the frame is one group; a header of nulls
    // before the first rows holds null totals, which start nothing).
    let continues = n > 0 && {
        let head = header_keys(&header, windows.by.len())?;
        let first = RecordBatch::try_new_with_options(
            head.schema(),
            own_keys.iter().map(|k| k.slice(0, 1)).collect(),
            &RecordBatchOptions::new().with_row_count(Some(1)),
        )?;
        same_keys(&head, &first, windows.by.len())?
    };
    let schema = batch.schema();
    let mut fields: Vec<Arc<Field>> = schema.fields().iter().cloned().collect();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    for (j, (spec, name)) in windows.specs.iter().zip(names).enumerate() {
        let own = column(batch, &spec.column)?;
        let s = format!("s{j}");
        let total = column(&header, &s)?;
        let t = spec.func.output_type(own.data_type())?;
        let out = match &spec.func {
            WindowFunction::Cumulative(c) => {
                per_run(&groups, rows.clone(), continues, &t, |run, carried| {
                    let carry =
                        if carried { Arc::clone(total) } else { new_null_array(total.data_type(), 1) };
                    c.running(&own.slice(run.start - before_len, run.len()), &carry)
                })?
            }
            WindowFunction::CumCount { ascending: true } => {
                let start = total.as_primitive::<Int64Type>();
                per_run(&groups, rows.clone(), continues, &t, |run, carried| {
                    let from = if carried && start.is_valid(0) { start.value(0) } else { 0 };
                    // A run's length fits in i64.
                    Ok(Arc::new(Int64Array::from_iter_values(from..from + run.len() as i64)) as ArrayRef)
                })?
            }
            WindowFunction::CumCount { ascending: false } => {
                // The header holds the rows after the partition in its last row's group.
                let after = total.as_primitive::<Int64Type>();
                let end = rows.end;
                per_run(&groups, rows.clone(), continues, &t, |run, _| {
                    let beyond = if run.end == end && after.is_valid(0) { after.value(0) } else { 0 };
                    // A run's length fits in i64.
                    let len = run.len() as i64;
                    Ok(Arc::new(Int64Array::from_iter_values((0..len).rev().map(|k| k + beyond))) as ArrayRef)
                })?
            }
            WindowFunction::Shift(k) => lag::neighbours(&around(&s, own)?, &groups, rows.clone(), *k)?,
            WindowFunction::Diff(k) | WindowFunction::PctChange(k) => {
                let shifted = lag::neighbours(&around(&s, own)?, &groups, rows.clone(), *k)?;
                lag::diff(own, &shifted, matches!(spec.func, WindowFunction::PctChange(_)))?
            }
            WindowFunction::Rolling { extent, center, closed, min_periods, func } => {
                let bounds = match (extent, &times) {
                    (Extent::Rows(window), _) => {
                        rolling::row_bounds(rows.clone(), &groups, *window, *center, *closed)
                    }
                    (Extent::Time { nanos, .. }, Some(t)) => {
                        rolling::time_bounds(rows.clone(), &groups, t, *nanos, *closed)
                    }
                    (Extent::Time { .. }, None) => {
                        return Err(Error::Internal("a time window without its times".into()))
                    }
                };
                let out = rolling::rolling(&around(&s, own)?, &bounds, *min_periods, *func)?;
                null_missing(&out, &groups, rows.clone())?
            }
        };
        let out = if out.data_type() == &t { out } else { cast(&out, &t)? };
        fields.push(Arc::new(Field::new(name, t, true)));
        columns.push(out);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(n));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?)
}

/// Partition `partition`'s block of the carries.
fn block_of(carries: &RecordBatch, partition: usize) -> Result<RecordBatch> {
    let tags = column(carries, "partition")?.as_primitive::<Int64Type>().values();
    // A partition index fits in i64.
    let p = partition as i64;
    let start = tags.partition_point(|&t| t < p);
    let end = tags.partition_point(|&t| t <= p);
    if end == start {
        return Err(Error::Internal(format!("no window carry for partition {partition}")));
    }
    Ok(carries.slice(start, end - start))
}

/// The key columns of the header row (`k0`, `k1`, ...).
fn header_keys(header: &RecordBatch, keys: usize) -> Result<RecordBatch> {
    let columns: Vec<ArrayRef> =
        (0..keys).map(|m| column(header, &format!("k{m}")).cloned()).collect::<Result<_>>()?;
    let fields: Vec<Field> = columns
        .iter()
        .enumerate()
        .map(|(m, c)| Field::new(format!("k{m}"), c.data_type().clone(), true))
        .collect();
    Ok(RecordBatch::try_new_with_options(
        Arc::new(Schema::new(fields)),
        columns,
        &RecordBatchOptions::new().with_row_count(Some(1)),
    )?)
}

/// The times at the positions before and in the partition, checked as
/// pandas checks them: no nulls, and increasing within each group.
fn checked_times(
    t: Vec<Option<i64>>,
    groups: &Groups,
    rows: Range<usize>,
    on: &str,
    partition: usize,
    grouped: bool,
) -> Result<Vec<i64>> {
    let within = if grouped { " within each group" } else { "" };
    // pandas looks for NaT first, then for order.
    if let Some(p) = rows.clone().find(|&p| t[p].is_none() && !groups.missing(p)) {
        return Err(Error::InvalidArgument(format!(
            "{on} values must not have NaT (pandas' rule for a time window): partition {partition}, row {}",
            p - rows.start
        )));
    }
    let out: Vec<i64> = t.iter().take(rows.end).map(|v| v.unwrap_or(i64::MIN)).collect();
    for p in rows.clone() {
        if p > groups.span(p).0 && !groups.missing(p) && out[p - 1] > out[p] {
            return Err(Error::InvalidArgument(format!(
                "{on} values must be monotonic (increasing{within}) for a time window: partition \
                 {partition}, row {} comes before the row above it; sort by {on} first",
                p - rows.start
            )));
        }
    }
    Ok(out)
}

/// One array of type `t` over the partition's rows, made run by run:
/// `f(run, carried)` for a run with a group (`carried`: the first run,
/// continuing the carry's group), nulls for a run with a null key.
fn per_run(
    groups: &Groups,
    rows: Range<usize>,
    continues: bool,
    t: &DataType,
    mut f: impl FnMut(Range<usize>, bool) -> Result<ArrayRef>,
) -> Result<ArrayRef> {
    let (first, n) = (rows.start, rows.len());
    let mut pieces: Vec<ArrayRef> = Vec::new();
    for run in groups.runs_in(rows) {
        let piece = if groups.missing(run.start) {
            new_null_array(t, run.len())
        } else {
            let carried = continues && run.start == first;
            f(run, carried)?
        };
        pieces.push(if piece.data_type() == t { piece } else { cast(&piece, t)? });
    }
    match pieces.len() {
        0 => Ok(new_null_array(t, n)),
        1 => Ok(pieces.swap_remove(0)),
        _ => Ok(concat(&pieces.iter().map(|p| p.as_ref()).collect::<Vec<&dyn Array>>())?),
    }
}

/// `out` with nulls where the row has a null key.
fn null_missing(out: &ArrayRef, groups: &Groups, rows: Range<usize>) -> Result<ArrayRef> {
    if !groups.any_missing() {
        return Ok(Arc::clone(out));
    }
    let keep: arrow::array::BooleanArray = rows.map(|p| Some(!groups.missing(p))).collect();
    if keep.true_count() == keep.len() {
        return Ok(Arc::clone(out));
    }
    let nulls = new_null_array(out.data_type(), out.len());
    Ok(arrow::compute::kernels::zip::zip(&keep, out, &nulls)?)
}
