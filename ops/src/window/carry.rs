//! The prefix pass's first two steps: a partition's summary and the fold
//! of all summaries, in order, into what each partition carries in.
//!
//! A summary has `2 + tail + head` rows and the columns `rows` (the
//! partition's length), `tail`, `single` (the partition is one group),
//! then the row columns: the keys `k{m}`, the time column `t` of a time
//! window, and one `s{j}` per spec. Row 0 holds the first row's keys,
//! row 1 the last row's keys and the last group's totals (a cumulative
//! spec's total, `cumcount`'s row count); then come the `tail` last rows
//! a later row's window may reach and the `head` first rows an earlier
//! row's may (a centred window, a negative shift).
//!
//! A carry holds one block per partition, its rows tagged `partition`:
//! a header row (`before`: how many rows come before the partition, the
//! key of the group running into it and that group's totals), then those
//! earlier rows, oldest first, then the later rows.

use std::sync::Arc;

use arrow::array::{new_null_array, UInt32Array};
use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array, RecordBatch, RecordBatchOptions};
use arrow::compute::{cast, concat, concat_batches, take_record_batch};
use arrow::datatypes::{DataType, Field, Int64Type, Schema, SchemaRef, TimeUnit};

use super::groups::Groups;
use super::rolling::GroupSpan;
use super::{column, Reach, WindowFunction, Windows};
use crate::error::{Error, Result};

/// A partition's summary (see the module's doc).
///
/// # Errors
/// A missing column, a kernel error.
pub fn summarize(batch: &RecordBatch, windows: &Windows) -> Result<RecordBatch> {
    let reach = windows.reach()?;
    let n = batch.num_rows();
    let keys = key_columns(batch, windows)?;
    let groups = Groups::of(&keys, n)?;
    let (last_start, _) = if n > 0 { groups.span(n - 1) } else { (0, 0) };
    let mut tail_start = n - reach.lag.min(n);
    if let (Some((nanos, on)), true) = (&reach.span, n > 0) {
        let t = nanos_of(column(batch, on)?)?;
        if let Some(last) = t[n - 1] {
            let far = last.saturating_sub(*nanos);
            let mut i = n;
            while i > last_start && t[i - 1].is_some_and(|x| x >= far) {
                i -= 1;
            }
            tail_start = tail_start.min(i);
        }
    }
    let (tail, head) = (n - tail_start, reach.lead.min(n));
    let len = 2 + tail + head;
    // Lengths fit in i64.
    let mut fields = vec![
        Field::new("rows", DataType::Int64, false),
        Field::new("tail", DataType::Int64, false),
        Field::new("single", DataType::Boolean, false),
    ];
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![n as i64; len])),
        Arc::new(Int64Array::from(vec![tail as i64; len])),
        Arc::new(BooleanArray::from(vec![last_start == 0; len])),
    ];
    // A row column: the header's two values, then the tail and head rows.
    let rows_of = |a: &ArrayRef, header: ArrayRef| -> Result<ArrayRef> {
        Ok(concat(&[header.as_ref(), a.slice(tail_start, tail).as_ref(), a.slice(0, head).as_ref()])?)
    };
    let ends = |a: &ArrayRef| -> Result<ArrayRef> {
        Ok(if n == 0 {
            new_null_array(a.data_type(), 2)
        } else {
            concat(&[&a.slice(0, 1), &a.slice(n - 1, 1)])?
        })
    };
    for (m, key) in keys.iter().enumerate() {
        fields.push(Field::new(format!("k{m}"), key.data_type().clone(), true));
        columns.push(rows_of(key, ends(key)?)?);
    }
    if let Some((_, on)) = &reach.span {
        let t = column(batch, on)?;
        fields.push(Field::new("t", t.data_type().clone(), true));
        columns.push(rows_of(t, new_null_array(t.data_type(), 2))?);
    }
    for (j, spec) in windows.specs.iter().enumerate() {
        let values = column(batch, &spec.column)?;
        let out = match &spec.func {
            WindowFunction::Cumulative(c) => {
                let total = c.total(&values.slice(last_start, n - last_start))?;
                let t = total.data_type().clone();
                concat(&[
                    new_null_array(&t, 1).as_ref(),
                    total.as_ref(),
                    new_null_array(&t, len - 2).as_ref(),
                ])?
            }
            WindowFunction::CumCount => {
                let mut counts = vec![None; len];
                // A length fits in i64.
                counts[1] = Some((n - last_start) as i64);
                Arc::new(Int64Array::from(counts)) as ArrayRef
            }
            _ => rows_of(values, new_null_array(values.data_type(), 2))?,
        };
        fields.push(Field::new(format!("s{j}"), out.data_type().clone(), true));
        columns.push(out);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(len));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?)
}

/// The carries of every partition, from their summaries in order (see the
/// module's doc).
///
/// # Errors
/// Summaries of another shape (a bug), kernel errors.
pub fn carries(summaries: &[RecordBatch], windows: &Windows) -> Result<RecordBatch> {
    let reach = windows.reach()?;
    let Some(first) = summaries.first() else {
        return Err(Error::Internal("window carries of no partition".into()));
    };
    // The row columns: everything after `rows`, `tail`, `single`.
    let row_schema = Arc::new(Schema::new(first.schema().fields()[3..].to_vec()));
    let rows_of = |s: &RecordBatch, start: usize, len: usize| -> Result<RecordBatch> {
        Ok(RecordBatch::try_new_with_options(
            Arc::clone(&row_schema),
            s.columns()[3..].iter().map(|c| c.slice(start, len)).collect(),
            &RecordBatchOptions::new().with_row_count(Some(len)),
        )?)
    };
    let shape = summaries
        .iter()
        .map(|s| Ok((count(s, "rows")?, count(s, "tail")?, bool_at(s, "single")?)))
        .collect::<Result<Vec<(usize, usize, bool)>>>()?;
    // The rows after each partition: a backward pass.
    let mut after: Vec<RecordBatch> = Vec::with_capacity(summaries.len());
    let mut upcoming = RecordBatch::new_empty(Arc::clone(&row_schema));
    for (s, &(n, tail, _)) in summaries.iter().zip(&shape).rev() {
        let lead = reach.lead.min(upcoming.num_rows());
        after.push(upcoming.slice(0, lead));
        let head = rows_of(s, 2 + tail, reach.lead.min(n))?;
        let both = concat_batches(&row_schema, [&head, &upcoming])?;
        upcoming = both.slice(0, both.num_rows().min(reach.lead));
    }
    after.reverse();
    let keys = windows.by.len();
    let mut recent = RecordBatch::new_empty(Arc::clone(&row_schema));
    // The group running into the next partition: its key (row 1 of the
    // last non-empty summary) and totals (the `s{j}` of that row).
    let mut running: Option<RecordBatch> = None;
    let mut blocks: Vec<RecordBatch> = Vec::with_capacity(summaries.len());
    for (i, (s, &(n, tail, single))) in summaries.iter().zip(&shape).enumerate() {
        let header = match &running {
            Some(r) => r.clone(),
            None => null_row(&row_schema)?,
        };
        let block = concat_batches(&row_schema, [&header, &recent, &after[i]])?;
        blocks.push(tag(block, i, recent.num_rows())?);
        if n == 0 {
            continue;
        }
        let last = rows_of(s, 1, 1)?;
        running = Some(match &running {
            Some(before) if single && same_keys(before, &rows_of(s, 0, 1)?, keys)? => {
                combine_totals(before, &last, windows)?
            }
            _ => last,
        });
        recent = concat_batches(&row_schema, [&recent, &rows_of(s, 2, tail)?])?;
        recent = trim(&recent, &reach, keys)?;
    }
    Ok(concat_batches(&blocks[0].schema(), &blocks)?)
}

/// The key columns of `batch`.
pub(super) fn key_columns(batch: &RecordBatch, windows: &Windows) -> Result<Vec<ArrayRef>> {
    windows.by.iter().map(|k| column(batch, k).cloned()).collect()
}

/// A timestamp column as nanoseconds since the epoch.
pub(super) fn nanos_of(t: &ArrayRef) -> Result<Vec<Option<i64>>> {
    let DataType::Timestamp(_, tz) = t.data_type() else {
        return Err(Error::type_error(format!(
            "a time window needs a datetime column, got {}",
            crate::dtype::pandas_dtype(t.data_type())
        )));
    };
    let ns = cast(t, &DataType::Timestamp(TimeUnit::Nanosecond, tz.clone()))?;
    let ns = cast(&ns, &DataType::Int64)?;
    Ok(ns.as_primitive::<Int64Type>().iter().collect())
}

fn count(s: &RecordBatch, name: &str) -> Result<usize> {
    let c = column(s, name)?.as_primitive::<Int64Type>();
    match c.iter().next() {
        Some(Some(v)) => usize::try_from(v).map_err(|_| Error::Internal(format!("a negative window {name}"))),
        _ => Err(Error::Internal(format!("a window summary without {name}"))),
    }
}

fn bool_at(s: &RecordBatch, name: &str) -> Result<bool> {
    match column(s, name)?.as_boolean().iter().next() {
        Some(Some(v)) => Ok(v),
        _ => Err(Error::Internal(format!("a window summary without {name}"))),
    }
}

fn null_row(schema: &SchemaRef) -> Result<RecordBatch> {
    let columns = schema.fields().iter().map(|f| new_null_array(f.data_type(), 1)).collect();
    Ok(RecordBatch::try_new_with_options(
        Arc::clone(schema),
        columns,
        &RecordBatchOptions::new().with_row_count(Some(1)),
    )?)
}

/// `block` with `partition` and `before` columns in front.
fn tag(block: RecordBatch, partition: usize, before: usize) -> Result<RecordBatch> {
    let len = block.num_rows();
    let mut fields = vec![
        Arc::new(Field::new("partition", DataType::Int64, false)),
        Arc::new(Field::new("before", DataType::Int64, false)),
    ];
    fields.extend(block.schema().fields().iter().cloned());
    // Indices and row counts fit in i64.
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![partition as i64; len])),
        Arc::new(Int64Array::from(vec![before as i64; len])),
    ];
    columns.extend(block.columns().iter().cloned());
    Ok(RecordBatch::try_new_with_options(
        Arc::new(Schema::new(fields)),
        columns,
        &RecordBatchOptions::new().with_row_count(Some(len)),
    )?)
}

/// Whether the first `keys` columns of two one-row batches hold the same
/// key (nulls equal).
pub(super) fn same_keys(a: &RecordBatch, b: &RecordBatch, keys: usize) -> Result<bool> {
    for m in 0..keys {
        let same = arrow::compute::kernels::cmp::not_distinct(a.column(m), b.column(m))?;
        if !same.value(0) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The totals of a group running on: `before`'s combined with `last`'s.
fn combine_totals(before: &RecordBatch, last: &RecordBatch, windows: &Windows) -> Result<RecordBatch> {
    let mut columns = last.columns().to_vec();
    let offset = columns.len() - windows.specs.len();
    for (j, spec) in windows.specs.iter().enumerate() {
        let (b, l) = (before.column(offset + j), last.column(offset + j));
        columns[offset + j] = match &spec.func {
            WindowFunction::Cumulative(c) => c.combine(Some(b), l)?,
            WindowFunction::CumCount => arrow::compute::kernels::numeric::add(b, l)?,
            _ => Arc::clone(l),
        };
    }
    Ok(RecordBatch::try_new(last.schema(), columns)?)
}

/// `recent` cut to the rows a later window may reach: the last `lag`, and
/// those of the last group within the time span of the last row.
fn trim(recent: &RecordBatch, reach: &Reach, keys: usize) -> Result<RecordBatch> {
    let len = recent.num_rows();
    let mut from = len - reach.lag.min(len);
    if let (Some((nanos, _)), true) = (&reach.span, len > 0) {
        let groups = Groups::of(&recent.columns()[..keys], len)?;
        let (start, _) = groups.span(len - 1);
        let t = nanos_of(column(recent, "t")?)?;
        let far = t[len - 1].map_or(i64::MAX, |last| last.saturating_sub(*nanos));
        let mut i = len;
        while i > start && t[i - 1].is_some_and(|x| x >= far) {
            i -= 1;
        }
        from = from.min(i);
    }
    if from == 0 {
        return Ok(recent.clone());
    }
    // A carry holds fewer than u32::MAX rows.
    let index = UInt32Array::from_iter_values((from..len).map(|i| i as u32));
    // A copy, so the carry does not pin every earlier partition's tail.
    Ok(take_record_batch(recent, &index)?)
}
