//! pandas' frame-order methods — `cumsum`, `cumprod`, `cummax`, `cummin`,
//! `shift(n)`, `diff(n)`, `pct_change(n)` — over partitions, by a prefix
//! pass: each partition is summarized ([`summarize`]: its totals and its
//! last rows), one task turns the summaries, in order, into what each
//! partition carries in from those before it ([`carries`]), and each
//! partition then computes its columns from its rows and its carry
//! ([`apply`]). A lag longer than a partition reaches as many partitions
//! back as it needs; nothing gathers the frame.

mod cumulative;
mod lag;
mod rolling;

use serde::{Deserialize, Serialize};

use arrow::array::{Array, ArrayRef, AsArray, Int64Array, RecordBatch, RecordBatchOptions};
use arrow::compute::concat;
use arrow::datatypes::{DataType, Field, Schema};
use std::sync::Arc;

use crate::error::{Error, Result};

pub use cumulative::Cumulative;
pub use rolling::Rolling;

/// A frame-order method of one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WindowFunction {
    /// A running total (`cumsum`, `cumprod`, `cummax`, `cummin`), skipping
    /// nulls as pandas' `skipna=True`: null where the value is.
    Cumulative(Cumulative),
    /// The value `n` rows earlier (`shift(n)`); null for the first `n`.
    Shift(usize),
    /// The value minus the one `n` rows earlier (`diff(n)`).
    Diff(usize),
    /// The value over the one `n` rows earlier, minus 1 (`pct_change(n)`).
    PctChange(usize),
    /// `rolling(window, min_periods).func()` over rows: the row and the
    /// `window - 1` before it.
    Rolling {
        /// Rows per window (at least 1).
        window: usize,
        /// Non-null values a window needs for a result.
        min_periods: usize,
        /// The function.
        func: Rolling,
    },
}

/// One frame-order method over the column `column`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowSpec {
    /// The method.
    pub func: WindowFunction,
    /// The column it reads.
    pub column: String,
}

impl WindowFunction {
    /// How many earlier rows the method reads.
    fn lag(&self) -> usize {
        match self {
            WindowFunction::Cumulative(_) => 0,
            WindowFunction::Shift(n) | WindowFunction::Diff(n) | WindowFunction::PctChange(n) => *n,
            WindowFunction::Rolling { window, .. } => window.saturating_sub(1),
        }
    }

    /// pandas' name, as `explain` prints the call.
    pub fn call(&self) -> String {
        match self {
            WindowFunction::Cumulative(c) => format!("{}()", c.name()),
            WindowFunction::Shift(n) => format!("shift({n})"),
            WindowFunction::Diff(n) => format!("diff({n})"),
            WindowFunction::PctChange(n) => format!("pct_change({n})"),
            WindowFunction::Rolling { window, min_periods, func } => {
                format!("rolling({window}, min_periods={min_periods}).{}()", func.name())
            }
        }
    }

    /// The result type over a column of type `t`.
    ///
    /// # Errors
    /// [`Error::Type`] for a method that needs numbers on other values.
    pub fn output_type(&self, t: &DataType) -> Result<DataType> {
        let numeric = t.is_numeric() || *t == DataType::Boolean;
        let need = |what: &str| {
            Err(Error::type_error(format!("{what} needs numbers, got {}", crate::dtype::pandas_dtype(t))))
        };
        match self {
            WindowFunction::Shift(_) => Ok(t.clone()),
            WindowFunction::Cumulative(c) if numeric => Ok(c.output_type(t)),
            WindowFunction::Diff(_) if numeric => Ok(if t.is_integer() || *t == DataType::Boolean {
                DataType::Int64
            } else {
                DataType::Float64
            }),
            WindowFunction::PctChange(_) | WindowFunction::Rolling { .. } if numeric => Ok(DataType::Float64),
            other => need(&other.call()),
        }
    }
}

impl std::fmt::Display for WindowSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.column, self.func.call())
    }
}

/// The longest lag of `specs`.
fn max_lag(specs: &[WindowSpec]) -> usize {
    specs.iter().map(|s| s.func.lag()).max().unwrap_or(0)
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| Error::Internal(format!("window column {name} missing")))
}

/// A partition's summary: one row (`rows`, the partition's length, and
/// each cumulative spec's total, `c{j}`), then the partition's last
/// `max lag` values of each lagged spec's column (`l{j}`), oldest first.
///
/// # Errors
/// A missing column, a kernel error.
pub fn summarize(batch: &RecordBatch, specs: &[WindowSpec]) -> Result<RecordBatch> {
    let lag = max_lag(specs);
    let n = batch.num_rows();
    let tail = lag.min(n);
    let mut fields = vec![Field::new("rows", DataType::Int64, false)];
    // A length fits in i64.
    let mut columns: Vec<ArrayRef> = vec![Arc::new(Int64Array::from(vec![n as i64; 1 + tail]))];
    for (j, spec) in specs.iter().enumerate() {
        let values = column(batch, &spec.column)?;
        let out = match spec.func {
            WindowFunction::Cumulative(c) => {
                let total = c.total(values)?;
                concat(&[total.as_ref(), arrow::array::new_null_array(total.data_type(), tail).as_ref()])?
            }
            _ => {
                let last = values.slice(n - tail, tail);
                concat(&[arrow::array::new_null_array(values.data_type(), 1).as_ref(), last.as_ref()])?
            }
        };
        fields.push(Field::new(format!("s{j}"), out.data_type().clone(), true));
        columns.push(out);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(1 + tail));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?)
}

/// What each partition carries in from the ones before it, from their
/// summaries in order: a batch of one row per partition and spec, as
/// `(partition, s{j})` rows: row 0 of a partition's block is the running
/// total of each cumulative spec before it, rows 1.. the `max lag` values
/// before it, oldest first (nulls before the frame's first row, as pandas).
///
/// # Errors
/// Summaries of another shape (a bug), kernel errors.
pub fn carries(summaries: &[RecordBatch], specs: &[WindowSpec]) -> Result<RecordBatch> {
    let lag = max_lag(specs);
    let mut blocks: Vec<RecordBatch> = Vec::with_capacity(summaries.len());
    let mut running: Vec<Option<ArrayRef>> = vec![None; specs.len()];
    // The frame's last `lag` values of each lagged spec so far.
    let mut recent: Vec<Option<ArrayRef>> = vec![None; specs.len()];
    // Rows of the frame before the partition.
    let mut rows_before: i64 = 0;
    for (i, summary) in summaries.iter().enumerate() {
        let mut fields = vec![
            Field::new("partition", DataType::Int64, false),
            Field::new("rows_before", DataType::Int64, false),
        ];
        // A partition index fits in i64.
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![i as i64; 1 + lag])),
            Arc::new(Int64Array::from(vec![rows_before; 1 + lag])),
        ];
        let rows = summary.column(0).as_primitive::<arrow::datatypes::Int64Type>();
        rows_before += if rows.is_empty() { 0 } else { rows.value(0) };
        for (j, spec) in specs.iter().enumerate() {
            let s = column(summary, &format!("s{j}"))?;
            let carried = match spec.func {
                WindowFunction::Cumulative(c) => {
                    let before = match &running[j] {
                        Some(total) => Arc::clone(total),
                        None => arrow::array::new_null_array(s.data_type(), 1),
                    };
                    let this = s.slice(0, 1);
                    running[j] = Some(c.combine(running[j].as_ref(), &this)?);
                    concat(&[before.as_ref(), arrow::array::new_null_array(s.data_type(), lag).as_ref()])?
                }
                _ => {
                    let before = lag::last(recent[j].as_ref(), s.data_type(), lag)?;
                    let tail = s.slice(1, s.len() - 1);
                    recent[j] = Some(lag::append(recent[j].as_ref(), &tail, lag)?);
                    concat(&[arrow::array::new_null_array(s.data_type(), 1).as_ref(), before.as_ref()])?
                }
            };
            fields.push(Field::new(format!("s{j}"), carried.data_type().clone(), true));
            columns.push(carried);
        }
        let options = RecordBatchOptions::new().with_row_count(Some(1 + lag));
        blocks.push(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?);
    }
    match blocks.first() {
        Some(first) => Ok(arrow::compute::concat_batches(&first.schema(), &blocks)?),
        None => Err(Error::Internal("window carries of no partition".into())),
    }
}

/// `batch` with one new column per spec, named `names`, computed from its
/// rows and `carry` (its block of [`carries`]' output, for partition
/// `partition`).
///
/// # Errors
/// A missing column, a carry of another shape (a bug), kernel errors.
pub fn apply(
    batch: &RecordBatch,
    carries: &RecordBatch,
    partition: usize,
    specs: &[WindowSpec],
    names: &[String],
) -> Result<RecordBatch> {
    let lag = max_lag(specs);
    let start = partition * (1 + lag);
    if carries.num_rows() < start + 1 + lag {
        return Err(Error::Internal(format!("no window carry for partition {partition}")));
    }
    let carry = carries.slice(start, 1 + lag);
    let schema = batch.schema();
    let mut fields: Vec<Arc<Field>> = schema.fields().iter().cloned().collect();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    for (j, (spec, name)) in specs.iter().zip(names).enumerate() {
        let values = column(batch, &spec.column)?;
        let c = column(&carry, &format!("s{j}"))?;
        let out = match spec.func {
            WindowFunction::Cumulative(f) => f.running(values, &c.slice(0, 1))?,
            WindowFunction::Shift(n) => lag::shift(values, &c.slice(1 + lag - n, n), n)?,
            WindowFunction::Diff(n) => lag::diff(values, &c.slice(1 + lag - n, n), n, false)?,
            WindowFunction::PctChange(n) => lag::diff(values, &c.slice(1 + lag - n, n), n, true)?,
            WindowFunction::Rolling { window, min_periods, func } => {
                let n = window.saturating_sub(1);
                let rows_before =
                    column(&carry, "rows_before")?.as_primitive::<arrow::datatypes::Int64Type>();
                // A count fits in usize.
                let rows_before = rows_before.value(0) as usize;
                let before = c.slice(1 + lag - n, n);
                rolling::rolling(values, &before, rows_before, window, min_periods, func)?
            }
        };
        let t = spec.func.output_type(values.data_type())?;
        let out = if out.data_type() == &t { out } else { arrow::compute::cast(&out, &t)? };
        fields.push(Arc::new(Field::new(name, t, true)));
        columns.push(out);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?)
}

#[cfg(test)]
mod tests;
