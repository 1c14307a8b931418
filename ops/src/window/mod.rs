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
    /// The value `n` rows earlier (`shift(n)`; later for a negative `n`);
    /// null where there is none.
    Shift(i64),
    /// The value minus the one `n` rows earlier (`diff(n)`).
    Diff(i64),
    /// The value over the one `n` rows earlier, minus 1 (`pct_change(n)`).
    PctChange(i64),
    /// `rolling(window, min_periods).func()` over rows: the row and the
    /// `window - 1` before it.
    Rolling {
        /// Rows per window (at least 1).
        window: usize,
        /// The window is centred on its row (`center=True`): `window / 2`
        /// rows before it and the rest after, as pandas.
        center: bool,
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
    /// The offset of a shift: positive looks back, negative ahead.
    fn offset(&self) -> i64 {
        match self {
            WindowFunction::Shift(n) | WindowFunction::Diff(n) | WindowFunction::PctChange(n) => *n,
            _ => 0,
        }
    }

    /// How many earlier rows the method reads.
    fn lag(&self) -> usize {
        match self {
            WindowFunction::Rolling { window, center, .. } => {
                if *center {
                    window / 2
                } else {
                    window.saturating_sub(1)
                }
            }
            // An offset fits in usize on the platforms rusk runs on.
            other => other.offset().max(0).unsigned_abs() as usize,
        }
    }

    /// How many later rows the method reads.
    fn lead(&self) -> usize {
        match self {
            WindowFunction::Rolling { window, center: true, .. } => window.saturating_sub(1) - window / 2,
            // As `lag`.
            other => other.offset().min(0).unsigned_abs() as usize,
        }
    }

    /// pandas' name, as `explain` prints the call.
    pub fn call(&self) -> String {
        match self {
            WindowFunction::Cumulative(c) => format!("{}()", c.name()),
            WindowFunction::Shift(n) => format!("shift({n})"),
            WindowFunction::Diff(n) => format!("diff({n})"),
            WindowFunction::PctChange(n) => format!("pct_change({n})"),
            WindowFunction::Rolling { window, center, min_periods, func } => {
                let center = if *center { ", center=True" } else { "" };
                format!("rolling({window}, min_periods={min_periods}{center}).{}()", func.name())
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

/// The longest lag and lead of `specs`.
fn reach(specs: &[WindowSpec]) -> (usize, usize) {
    let lag = specs.iter().map(|s| s.func.lag()).max().unwrap_or(0);
    let lead = specs.iter().map(|s| s.func.lead()).max().unwrap_or(0);
    (lag, lead)
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| Error::Internal(format!("window column {name} missing")))
}

fn nulls(data_type: &DataType, n: usize) -> ArrayRef {
    arrow::array::new_null_array(data_type, n)
}

/// A partition's summary: `rows`, the partition's length, and per spec
/// `s{j}`: a cumulative spec's total in row 0; a shifted or rolling spec's
/// column's last `lag` values (rows `1..=tail`), then its first `lead`
/// values (`tail + 1..`), where `tail` and `head` are `lag` and `lead` cut
/// to the partition's length.
///
/// # Errors
/// A missing column, a kernel error.
pub fn summarize(batch: &RecordBatch, specs: &[WindowSpec]) -> Result<RecordBatch> {
    let (lag, lead) = reach(specs);
    let n = batch.num_rows();
    let (tail, head) = (lag.min(n), lead.min(n));
    let rows = 1 + tail + head;
    let mut fields = vec![Field::new("rows", DataType::Int64, false)];
    // A length fits in i64.
    let mut columns: Vec<ArrayRef> = vec![Arc::new(Int64Array::from(vec![n as i64; rows]))];
    for (j, spec) in specs.iter().enumerate() {
        let values = column(batch, &spec.column)?;
        let out = match spec.func {
            WindowFunction::Cumulative(c) => {
                let total = c.total(values)?;
                concat(&[total.as_ref(), nulls(total.data_type(), tail + head).as_ref()])?
            }
            _ => {
                let t = values.data_type();
                let (last, first) = (values.slice(n - tail, tail), values.slice(0, head));
                concat(&[nulls(t, 1).as_ref(), last.as_ref(), first.as_ref()])?
            }
        };
        fields.push(Field::new(format!("s{j}"), out.data_type().clone(), true));
        columns.push(out);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?)
}

/// What each partition carries in from the others, from their summaries
/// in order: a block of `1 + lag + lead` rows per partition, `partition`
/// and `rows_before` (the frame's rows before it) in every row, and per
/// spec `s{j}`: the running total before the partition in row 0 (a
/// cumulative spec), or the `lag` values before it (rows `1..=lag`, oldest
/// first, nulls before the frame's start) and the `lead` values after it
/// (rows `lag + 1..`, nulls past the frame's end).
///
/// # Errors
/// Summaries of another shape (a bug), kernel errors.
pub fn carries(summaries: &[RecordBatch], specs: &[WindowSpec]) -> Result<RecordBatch> {
    let (lag, lead) = reach(specs);
    let block = 1 + lag + lead;
    let lengths = summaries
        .iter()
        .map(|s| match s.column(0).as_primitive::<arrow::datatypes::Int64Type>().iter().next() {
            Some(Some(n)) => {
                usize::try_from(n).map_err(|_| Error::Internal("a negative partition length".into()))
            }
            _ => Err(Error::Internal("a window summary without its length".into())),
        })
        .collect::<Result<Vec<usize>>>()?;
    // The values after each partition, per spec: a backward pass.
    let mut after: Vec<Vec<ArrayRef>> = vec![Vec::with_capacity(specs.len()); summaries.len()];
    let mut upcoming: Vec<Option<ArrayRef>> = vec![None; specs.len()];
    for (i, summary) in summaries.iter().enumerate().rev() {
        for (j, _) in specs.iter().enumerate() {
            let s = column(summary, &format!("s{j}"))?;
            let next = lag::first(upcoming[j].as_ref(), s.data_type(), lead)?;
            let head = s.slice(1 + lag.min(lengths[i]), lead.min(lengths[i]));
            upcoming[j] = Some(lag::prepend(&head, upcoming[j].as_ref(), lead)?);
            after[i].push(next);
        }
    }
    let total: usize = lengths.iter().sum();
    let mut blocks: Vec<RecordBatch> = Vec::with_capacity(summaries.len());
    let mut running: Vec<Option<ArrayRef>> = vec![None; specs.len()];
    let mut recent: Vec<Option<ArrayRef>> = vec![None; specs.len()];
    let mut rows_before: i64 = 0;
    for (i, summary) in summaries.iter().enumerate() {
        let mut fields = vec![
            Field::new("partition", DataType::Int64, false),
            Field::new("rows_before", DataType::Int64, false),
            Field::new("rows_after", DataType::Int64, false),
        ];
        // Indices and row counts fit in i64.
        let rows_after = (total - lengths[i]) as i64 - rows_before;
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![i as i64; block])),
            Arc::new(Int64Array::from(vec![rows_before; block])),
            Arc::new(Int64Array::from(vec![rows_after; block])),
        ];
        // A length fits in i64.
        rows_before += lengths[i] as i64;
        for (j, spec) in specs.iter().enumerate() {
            let s = column(summary, &format!("s{j}"))?;
            let carried = match spec.func {
                WindowFunction::Cumulative(c) => {
                    let before = match &running[j] {
                        Some(total) => Arc::clone(total),
                        None => nulls(s.data_type(), 1),
                    };
                    running[j] = Some(c.combine(running[j].as_ref(), &s.slice(0, 1))?);
                    concat(&[before.as_ref(), nulls(s.data_type(), lag + lead).as_ref()])?
                }
                _ => {
                    let before = lag::last(recent[j].as_ref(), s.data_type(), lag)?;
                    let tail = s.slice(1, lag.min(lengths[i]));
                    recent[j] = Some(lag::append(recent[j].as_ref(), &tail, lag)?);
                    concat(&[nulls(s.data_type(), 1).as_ref(), before.as_ref(), after[i][j].as_ref()])?
                }
            };
            fields.push(Field::new(format!("s{j}"), carried.data_type().clone(), true));
            columns.push(carried);
        }
        let options = RecordBatchOptions::new().with_row_count(Some(block));
        blocks.push(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?);
    }
    match blocks.first() {
        Some(first) => Ok(arrow::compute::concat_batches(&first.schema(), &blocks)?),
        None => Err(Error::Internal("window carries of no partition".into())),
    }
}

/// `batch` with one new column per spec, named `names`, computed from its
/// rows and its block of `carries` (partition `partition`).
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
    let (lag, lead) = reach(specs);
    let block = 1 + lag + lead;
    let start = partition * block;
    if carries.num_rows() < start + block {
        return Err(Error::Internal(format!("no window carry for partition {partition}")));
    }
    let carry = carries.slice(start, block);
    let schema = batch.schema();
    let mut fields: Vec<Arc<Field>> = schema.fields().iter().cloned().collect();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    for (j, (spec, name)) in specs.iter().zip(names).enumerate() {
        let values = column(batch, &spec.column)?;
        let c = column(&carry, &format!("s{j}"))?;
        // The `k` values before the partition, or the `k` after it.
        let before = |k: usize| c.slice(1 + lag - k, k);
        let after = |k: usize| c.slice(1 + lag, k);
        let neighbours = |n: i64| {
            let k = n.unsigned_abs() as usize;
            if n >= 0 {
                (before(k), true)
            } else {
                (after(k), false)
            }
        };
        let out = match spec.func {
            WindowFunction::Cumulative(f) => f.running(values, &c.slice(0, 1))?,
            WindowFunction::Shift(n) => {
                let (near, back) = neighbours(n);
                lag::shift(values, &near, back)?
            }
            WindowFunction::Diff(n) | WindowFunction::PctChange(n) => {
                let (near, back) = neighbours(n);
                let ratio = matches!(spec.func, WindowFunction::PctChange(_));
                lag::diff(values, &near, back, ratio)?
            }
            WindowFunction::Rolling { window, min_periods, func, .. } => {
                let count = |name: &str| -> Result<usize> {
                    let rows = column(&carry, name)?.as_primitive::<arrow::datatypes::Int64Type>();
                    usize::try_from(rows.value(0)).map_err(|_| Error::Internal(format!("negative {name}")))
                };
                let edges = rolling::Edges {
                    before: before(spec.func.lag()),
                    after: after(spec.func.lead()),
                    rows_before: count("rows_before")?,
                    rows_after: count("rows_after")?,
                };
                rolling::rolling(values, &edges, window, min_periods, func)?
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
