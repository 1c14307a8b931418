//! The first `n` rows of a sort over rows that come in batches: a top-k
//! that never holds more than about `2n` rows plus one batch.
//!
//! Candidates are kept in row order and cut back to the best `n` whenever
//! they reach `2n`, so each row is encoded and compared a bounded number
//! of times whatever `n`. A row that equals an earlier candidate loses to
//! it (ties go to the earlier row), so once `n` candidates are known, rows
//! whose first key is not better than the `n`-th best one's are dropped by
//! one vectorized comparison before anything is encoded; on the usual
//! top-k, all but a few rows of each batch go that way:
//!
//! ```text
//!   batch ─ key < worst? ─▶ survivors ++ candidates ─ (≥ 2n) cut ─▶ n candidates
//! ```

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, RecordBatch, Scalar, UInt32Array};
use arrow::compute::kernels::cmp::{gt, gt_eq, lt, lt_eq};
use arrow::compute::{concat_batches, filter_record_batch, prep_null_mask_filter, take_record_batch};
use arrow::datatypes::{DataType, Float16Type, Float32Type, Float64Type};

use super::head::head_indices;
use super::SortKey;
use crate::error::Result;

/// The best `n` rows so far of batches pushed in row order.
pub struct RunningHead<'a> {
    keys: &'a [SortKey],
    n: usize,
    /// The candidates, in row order, in pieces joined at the next cut.
    pieces: Vec<RecordBatch>,
    /// Each candidate's position among all the rows pushed.
    positions: Vec<usize>,
    /// The first key of the `n`-th best row at the last cut, when one
    /// comparison against it decides (see [`decides`]).
    worst: Option<ArrayRef>,
}

impl<'a> RunningHead<'a> {
    /// The first `n` rows in the order of `keys` (which the batches must
    /// hold: checked by the cuts), ties in row order.
    pub fn new(keys: &'a [SortKey], n: usize) -> Self {
        RunningHead { keys, n, pieces: vec![], positions: vec![], worst: None }
    }

    /// The first key of the `n`-th best row so far, once `n` are known and
    /// one comparison against it decides (see [`decides`]): a row whose
    /// first key is worse cannot win, nor, with one key, one equal to it
    /// that comes later.
    pub fn worst(&self) -> Option<&ArrayRef> {
        self.worst.as_ref()
    }

    /// Cuts the candidates back to the best `n` now when more are held, so
    /// that [`RunningHead::worst`] is as tight as the rows pushed so far
    /// allow (a reader asks before it skips `next_rows` rows by it). Only
    /// when `n` is at most `next_rows`: the cut then costs no more than
    /// decoding those rows would.
    ///
    /// # Errors
    /// As [`super::sort_batch`].
    pub fn settle(&mut self, next_rows: usize) -> Result<()> {
        if self.n <= next_rows && self.positions.len() > self.n {
            self.cut()?;
        }
        Ok(())
    }

    /// Takes in `batch`, the rows from position `offset` on.
    ///
    /// # Errors
    /// As [`super::sort_batch`].
    pub fn push(&mut self, batch: &RecordBatch, offset: usize) -> Result<()> {
        let rows = offset..offset + batch.num_rows();
        match better_than(self.worst.as_ref(), batch, self.keys)? {
            Some(better) => {
                self.positions.extend(rows.zip(better.values()).filter_map(|(r, b)| b.then_some(r)));
                self.pieces.push(filter_record_batch(batch, &better)?);
            }
            None => {
                self.positions.extend(rows);
                self.pieces.push(batch.clone());
            }
        }
        if self.positions.len() >= 2 * self.n.max(1) {
            self.cut()?;
        }
        Ok(())
    }

    /// The first `n` rows in row order (`None` when nothing was pushed),
    /// and their positions.
    ///
    /// # Errors
    /// As [`super::sort_batch`].
    pub fn finish(mut self) -> Result<(Option<RecordBatch>, Vec<usize>)> {
        if self.positions.len() > self.n || self.pieces.len() > 1 {
            self.cut()?;
        }
        Ok((self.pieces.pop(), self.positions))
    }

    /// Keeps the best `n` candidates, in row order.
    fn cut(&mut self) -> Result<()> {
        let Some(schema) = self.pieces.first().map(|p| p.schema()) else { return Ok(()) };
        let all = concat_batches(&schema, &self.pieces)?;
        let best = head_indices(&all, self.keys, self.n)?;
        self.worst = match (best.values().last(), self.keys.first()) {
            (Some(&last), Some(first)) if best.len() == self.n => all
                .column_by_name(&first.column)
                .map(|c| c.slice(last as usize, 1))
                .filter(|worst| decides(worst, first)),
            _ => None,
        };
        // Row order, so that a tie still goes to the earlier row.
        let mut best: Vec<u32> = best.values().to_vec();
        best.sort_unstable();
        // Indices of `all`, whose rows are the positions': in range.
        self.positions = best.iter().map(|&i| self.positions[i as usize]).collect();
        self.pieces = vec![compact_views(&take_record_batch(&all, &UInt32Array::from(best))?)?];
        Ok(())
    }
}

/// The rows of `batch` whose first key may still beat `worst` (the first
/// key of the `n`-th best row so far, kept only when [`decides`] it), or
/// `None` without one.
///
/// With one key a row equal to the worst loses (it comes later, and ties
/// go to the earlier row); with more keys it may win on the next one, so
/// it stays.
fn better_than(
    worst: Option<&ArrayRef>,
    batch: &RecordBatch,
    keys: &[SortKey],
) -> Result<Option<BooleanArray>> {
    let (Some(worst), Some(first)) = (worst, keys.first()) else { return Ok(None) };
    let Some(key) = batch.column_by_name(&first.column) else { return Ok(None) };
    let worst = Scalar::new(Arc::clone(worst));
    let strict = keys.len() == 1;
    let better = match (first.ascending, strict) {
        (true, true) => lt(key, &worst)?,
        (true, false) => lt_eq(key, &worst)?,
        (false, true) => gt(key, &worst)?,
        (false, false) => gt_eq(key, &worst)?,
    };
    // A null key is false: it sorts last, after the worst candidate.
    Ok(Some(if better.nulls().is_some() { prep_null_mask_filter(&better) } else { better }))
}

/// Whether one comparison against `worst` (a one-value array of the first
/// key `first`) decides which rows may still win: not with nulls first, a
/// null, float zero or NaN value, or a type arrow's comparisons do not
/// order as rusk sorts.
fn decides(worst: &ArrayRef, first: &SortKey) -> bool {
    !first.nulls_first
        && comparable(worst.data_type())
        && worst.null_count() == 0
        && !float_zero_or_nan(worst)
}

/// Whether arrow's comparison kernels order `data_type` as rusk's sort
/// does (NaN and ±0 aside, see [`float_zero_or_nan`]).
fn comparable(data_type: &DataType) -> bool {
    (data_type.is_primitive() && !matches!(data_type, DataType::Interval(_)))
        || matches!(data_type, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Boolean)
}

/// Whether a one-value float array holds ±0 or NaN, which arrow's total
/// order separates (−0 < 0, NaN above every number, −NaN below) where
/// rusk's sort does not: a comparison against them could drop a row that
/// ties on this key and wins on the next, or a number NaN loses to.
fn float_zero_or_nan(value: &ArrayRef) -> bool {
    match value.data_type() {
        DataType::Float64 => {
            value.as_primitive::<Float64Type>().values().iter().any(|v| *v == 0.0 || v.is_nan())
        }
        DataType::Float32 => {
            value.as_primitive::<Float32Type>().values().iter().any(|v| *v == 0.0 || v.is_nan())
        }
        DataType::Float16 => {
            value.as_primitive::<Float16Type>().values().iter().any(|v| v.to_f32() == 0.0 || v.is_nan())
        }
        _ => false,
    }
}

/// `batch` with its string view columns holding only the strings they
/// point to: a few rows taken from many batches would otherwise keep
/// every page or buffer those batches were made from.
fn compact_views(batch: &RecordBatch) -> Result<RecordBatch> {
    if !batch.columns().iter().any(|c| c.as_string_view_opt().is_some()) {
        return Ok(batch.clone());
    }
    let columns: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .map(|c| match c.as_string_view_opt() {
            Some(strings) => Arc::new(strings.gc()) as ArrayRef,
            None => Arc::clone(c),
        })
        .collect();
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}
