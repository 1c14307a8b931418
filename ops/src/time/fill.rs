//! Empty bins, filled in: a resample's result holds every bin between each
//! group's first and last, as pandas' does, the missing ones with 0 for
//! counts and sums and null for everything else.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array, Scalar, UInt32Array};
use arrow::compute::kernels::zip::zip;
use arrow::compute::{cast, partition, take};
use arrow::datatypes::{DataType, Int64Type};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

use super::bins::{nanos_per, timestamp_unit, Bins, Origin};
use super::freq::Freq;
use super::zone::Zone;
use crate::error::{Error, Result};

/// `batch` (a resample's aggregate: `group_keys` key columns, the bin
/// label, then the aggregates; sorted by keys then bin, every group whole)
/// with a row for every empty bin inside each group's span. The columns
/// `fills` names read its value in those rows (0 for a count or a sum, 1
/// for a product), the other aggregates null.
///
/// # Errors
/// A bin column that is not a timestamp; [`Error::Internal`] for bins out
/// of order.
pub fn fill_empty_bins(
    batch: &RecordBatch,
    group_keys: usize,
    bins: &Bins,
    fills: &[(usize, i64)],
) -> Result<RecordBatch> {
    let n = batch.num_rows();
    if n == 0 {
        return Ok(batch.clone());
    }
    let bin_column = batch.column(group_keys);
    let unit = timestamp_unit(bin_column.data_type())?;
    let zone = Zone::of(bin_column.data_type())?;
    let labels = cast(bin_column, &DataType::Int64)?;
    let labels = labels.as_primitive::<Int64Type>();
    if labels.null_count() > 0 {
        return Err(Error::Internal("a null resample bin (null timestamps are dropped first)".into()));
    }
    let groups = if group_keys == 0 {
        std::iter::once(0..n).collect()
    } else {
        partition(&batch.columns()[..group_keys])?.ranges()
    };
    let mut key_rows: Vec<u32> = Vec::with_capacity(n);
    let mut rows: Vec<Option<u32>> = Vec::with_capacity(n);
    let mut out_labels: Vec<i64> = Vec::with_capacity(n);
    let index = |i: usize| {
        u32::try_from(i).map_err(|_| Error::Internal("a resample result of over 2^32 rows".into()))
    };
    for group in groups {
        if let Some(zone) = &zone {
            check_one_grid(bins, labels, group.clone(), zone, unit)?;
        }
        let first = index(group.start)?;
        let mut expected = labels.value(group.start);
        for i in group {
            let label = labels.value(i);
            if label < expected {
                return Err(Error::Internal("resample bins out of order (a bug in rusk)".into()));
            }
            while expected < label {
                key_rows.push(first);
                rows.push(None);
                out_labels.push(expected);
                expected = advance(bins, expected, unit, zone.as_ref())?;
            }
            key_rows.push(index(i)?);
            rows.push(Some(index(i)?));
            out_labels.push(label);
            expected = advance(bins, label, unit, zone.as_ref())?;
        }
    }
    let key_rows = UInt32Array::from(key_rows);
    let is_gap = BooleanArray::from(rows.iter().map(|r| r.is_none()).collect::<Vec<_>>());
    let rows = UInt32Array::from(rows);
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (i, column) in batch.columns().iter().enumerate() {
        let out = if i < group_keys {
            take(column.as_ref(), &key_rows, None)?
        } else if i == group_keys {
            cast(&(Arc::new(Int64Array::from(out_labels.clone())) as ArrayRef), column.data_type())?
        } else {
            let taken = take(column.as_ref(), &rows, None)?;
            if let Some(&(_, value)) = fills.iter().find(|(c, _)| *c == i) {
                let value = cast(&(Arc::new(Int64Array::from(vec![value])) as ArrayRef), column.data_type())?;
                zip(&is_gap, &Scalar::new(value), &taken)?
            } else {
                taken
            }
        };
        columns.push(out);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(is_gap.len()));
    Ok(RecordBatch::try_new_with_options(batch.schema(), columns, &options)?)
}

/// Checks that the labels of one group (rows `group`) of a zoned fixed
/// frequency lie on one grid, as pandas' do (they count from the group's
/// first midnight; rusk's from each value's own midnight, which agree
/// while the UTC offset changes by multiples of the frequency).
fn check_one_grid(
    bins: &Bins,
    labels: &arrow::array::Int64Array,
    group: std::ops::Range<usize>,
    zone: &Zone,
    unit: arrow::datatypes::TimeUnit,
) -> Result<()> {
    let Freq::Tick(nanos) = bins.freq else { return Ok(()) };
    if zone.is_fixed() || bins.origin == Origin::Epoch || group.is_empty() {
        return Ok(());
    }
    let step = nanos / nanos_per(unit);
    if step <= 0 {
        // A frequency finer than the unit: `Bins::labels` refused it.
        return Ok(());
    }
    let phase = labels.value(group.start).rem_euclid(step);
    if let Some(i) = group.clone().find(|&i| labels.value(i).rem_euclid(step) != phase) {
        let (a, b) = (labels.value(group.start), labels.value(i));
        return Err(Error::InvalidArgument(format!(
            "resample rule {} on a column in {zone}: pandas counts the bins from the first day's local \
             midnight, and between the bins at {} and {} the UTC offset changes by other than a multiple \
             of {}, which moves them off that grid; not supported: use origin='epoch' or a frequency that \
             divides the change (such as 'h')",
            bins.freq,
            local_text(zone, a, unit),
            local_text(zone, b, unit),
            bins.freq,
        )));
    }
    Ok(())
}

/// An instant as its local time and offset, for messages.
fn local_text(zone: &Zone, v: i64, unit: arrow::datatypes::TimeUnit) -> String {
    let per_second = 1_000_000_000 / nanos_per(unit);
    let seconds = v.div_euclid(per_second);
    match (zone.offset_at(seconds), chrono::DateTime::from_timestamp(seconds, 0)) {
        (Some(offset), Some(_)) => match chrono::DateTime::from_timestamp(seconds + offset, 0) {
            Some(local) => format!(
                "{}{}",
                local.naive_utc().format("%Y-%m-%d %H:%M:%S"),
                super::zone::offset_name(i32::try_from(offset).unwrap_or(0))
            ),
            None => v.to_string(),
        },
        _ => v.to_string(),
    }
}

/// The label after `label`, which must be later.
fn advance(bins: &Bins, label: i64, unit: arrow::datatypes::TimeUnit, zone: Option<&Zone>) -> Result<i64> {
    let next = bins.next_label(label, unit, zone)?;
    if next <= label {
        return Err(Error::Internal(format!("resample bin after {label} is {next} (a bug in rusk)")));
    }
    Ok(next)
}
