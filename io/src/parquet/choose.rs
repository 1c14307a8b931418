//! Choosing a partition's rows from a stream of batches of its choosing
//! columns (a filter's, a top-k's keys), before any other column is read.
//!
//! The choosing columns are decoded in batches of about 65,536 rows
//! (`read.rs`), and each batch is judged and let go at once: only the kept
//! rows stay. A partition's whole key column is never held, so its memory
//! is not faulted in, and buffers are reused from one batch to the next.
//!
//! A top-k keeps its candidates so far, in row order. A later row that
//! equals an earlier candidate loses to it (ties go to the earlier row),
//! so once `n` candidates are known, rows whose first key is not better
//! than the `n`-th best one's are dropped by one vectorized comparison
//! before anything is encoded:
//!
//! ```text
//!   batch ─ key < worst? ─▶ survivors ++ candidates ─ sort_head ─▶ n candidates
//! ```

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, RecordBatch, Scalar, UInt32Array};
use arrow::compute::kernels::cmp::{gt, gt_eq, lt, lt_eq};
use arrow::compute::{concat, concat_batches, filter_record_batch, prep_null_mask_filter, take_record_batch};
use arrow::datatypes::{DataType, SchemaRef};
use rusk_ops::sort::sort_head_indices;
use rusk_ops::{Error, Result};

use super::dictionary::concat_dictionaries;
use crate::dataset::Keep;
use crate::scan::TopRows;

/// What a streamed choice has kept so far.
pub(crate) enum Chooser<'a> {
    /// A filter: each batch's mask and kept rows.
    Where { keep: Keep<'a>, masks: Vec<BooleanArray>, kept: Vec<RecordBatch> },
    /// A top-k.
    Top(TopSoFar<'a>),
}

/// A top-k's candidates: every row that may still be among the first `n`,
/// in row order, with their positions in the partition. They are cut back
/// to `n` whenever they reach `2n` (and at the end), so each row is
/// encoded and compared a bounded number of times, whatever `n`.
pub(crate) struct TopSoFar<'a> {
    top: &'a TopRows,
    pieces: Vec<RecordBatch>,
    rows: usize,
    positions: Vec<usize>,
    /// The first key of the `n`-th best row at the last cut, when one
    /// comparison against it decides (see [`better_than`]).
    worst: Option<ArrayRef>,
}

impl<'a> Chooser<'a> {
    pub(crate) fn new(keep: Keep<'a>) -> Self {
        match keep {
            Keep::Top(top) => {
                Chooser::Top(TopSoFar { top, pieces: vec![], rows: 0, positions: vec![], worst: None })
            }
            Keep::Where(_) => Chooser::Where { keep, masks: vec![], kept: vec![] },
        }
    }

    /// Judges `batch`, the partition's rows from `offset` on.
    pub(crate) fn push(&mut self, batch: &RecordBatch, offset: usize) -> Result<()> {
        match self {
            Chooser::Where { keep, masks, kept } => {
                let mask = keep.mask(batch)?;
                kept.push(filter_record_batch(batch, &mask)?);
                masks.push(mask);
                Ok(())
            }
            Chooser::Top(top) => top.push(batch, offset),
        }
    }

    /// The kept rows of the choosing columns (`schema`), in row order, and
    /// which of the partition's `num_rows` rows they are.
    pub(crate) fn finish(self, schema: &SchemaRef, num_rows: usize) -> Result<(RecordBatch, BooleanArray)> {
        match self {
            Chooser::Where { masks, kept, .. } => {
                let mask = match masks.as_slice() {
                    [] => BooleanArray::from(vec![false; num_rows]),
                    [one] => one.clone(),
                    _ => {
                        let pieces: Vec<&dyn Array> = masks.iter().map(|m| m as &dyn Array).collect();
                        concat(&pieces)?.as_boolean().clone()
                    }
                };
                Ok((join_pieces(schema, &kept)?, mask))
            }
            Chooser::Top(mut top) => {
                if top.rows > top.top.n {
                    top.cut()?;
                }
                let mut mask = vec![false; num_rows];
                for &p in &top.positions {
                    let slot = mask.get_mut(p).ok_or_else(|| {
                        Error::Internal(format!("top row {p} of {num_rows} (a bug in rusk)"))
                    })?;
                    *slot = true;
                }
                Ok((join_pieces(schema, &top.pieces)?, BooleanArray::from(mask)))
            }
        }
    }
}

impl TopSoFar<'_> {
    fn push(&mut self, batch: &RecordBatch, offset: usize) -> Result<()> {
        let rows = offset..offset + batch.num_rows();
        match better_than(self.worst.as_ref(), batch, self.top)? {
            Some(better) => {
                self.positions.extend(rows.zip(better.values()).filter_map(|(r, b)| b.then_some(r)));
                let survivors = filter_record_batch(batch, &better)?;
                self.rows += survivors.num_rows();
                self.pieces.push(survivors);
            }
            None => {
                self.positions.extend(rows);
                self.rows += batch.num_rows();
                self.pieces.push(batch.clone());
            }
        }
        if self.rows >= 2 * self.top.n.max(1) {
            self.cut()?;
        }
        Ok(())
    }

    /// Keeps the best `n` candidates, in row order.
    fn cut(&mut self) -> Result<()> {
        let Some(schema) = self.pieces.first().map(|p| p.schema()) else { return Ok(()) };
        let all = concat_batches(&schema, &self.pieces)?;
        let best = sort_head_indices(&all, &self.top.keys, self.top.n)?;
        self.worst = match (best.values().last(), self.top.keys.first()) {
            (Some(&last), Some(first)) if best.len() == self.top.n => {
                all.column_by_name(&first.column).map(|c| c.slice(last as usize, 1))
            }
            _ => None,
        };
        // Row order, so that a tie still goes to the earlier row.
        let mut best: Vec<u32> = best.values().to_vec();
        best.sort_unstable();
        self.positions = best.iter().map(|&i| self.positions[i as usize]).collect();
        self.pieces = vec![compact_views(&take_record_batch(&all, &UInt32Array::from(best))?)?];
        self.rows = self.positions.len();
        Ok(())
    }
}

/// The rows of `batch` whose first key may still beat `worst` (the first
/// key of the `n`-th best row so far), or `None` when one comparison does
/// not decide it: no `worst` yet, a null or float zero or NaN one, nulls
/// first, a type arrow's comparisons do not order as rusk sorts.
///
/// With one key a row equal to the worst loses (it comes later, and ties
/// go to the earlier row); with more keys it may win on the next one, so
/// it stays.
fn better_than(worst: Option<&ArrayRef>, batch: &RecordBatch, top: &TopRows) -> Result<Option<BooleanArray>> {
    let (Some(value), Some(first)) = (worst, top.keys.first()) else { return Ok(None) };
    let Some(key) = batch.column_by_name(&first.column) else { return Ok(None) };
    if first.nulls_first
        || !comparable(key.data_type())
        || value.data_type() != key.data_type()
        || value.null_count() > 0
        || float_zero_or_nan(value)
    {
        return Ok(None);
    }
    let worst = Scalar::new(Arc::clone(value));
    let strict = top.keys.len() == 1;
    let better = match (first.ascending, strict) {
        (true, true) => lt(key, &worst)?,
        (true, false) => lt_eq(key, &worst)?,
        (false, true) => gt(key, &worst)?,
        (false, false) => gt_eq(key, &worst)?,
    };
    // A null key is false: it sorts last, after the worst candidate.
    Ok(Some(if better.nulls().is_some() { prep_null_mask_filter(&better) } else { better }))
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
    use arrow::datatypes::{Float16Type, Float32Type, Float64Type};
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
/// every page those batches were decoded from.
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

/// `pieces` (batches of `schema`) as one batch; dictionary columns get one
/// merged dictionary (see `dictionary.rs`).
fn join_pieces(schema: &SchemaRef, pieces: &[RecordBatch]) -> Result<RecordBatch> {
    match pieces {
        [] => Ok(RecordBatch::new_empty(Arc::clone(schema))),
        [one] => Ok(one.clone()),
        _ => {
            let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
            for i in 0..schema.fields().len() {
                let parts: Vec<ArrayRef> = pieces.iter().map(|p| Arc::clone(p.column(i))).collect();
                columns.push(match schema.field(i).data_type() {
                    DataType::Dictionary(_, _) => concat_dictionaries(&parts)?,
                    _ => {
                        let refs: Vec<&dyn Array> = parts.iter().map(|p| p.as_ref()).collect();
                        concat(&refs)?
                    }
                });
            }
            Ok(RecordBatch::try_new(Arc::clone(schema), columns)?)
        }
    }
}
