//! Choosing a partition's rows from a stream of batches of its choosing
//! columns (a filter's, a top-k's keys), before any other column is read.
//!
//! The choosing columns are decoded in batches of about 65,536 rows
//! (`read.rs`), and each batch is judged and let go at once: only the kept
//! rows stay. A partition's whole key column is never held, so its memory
//! is not faulted in, and buffers are reused from one batch to the next.
//!
//! A top-k keeps its candidates so far in a `RunningHead` (rusk_ops), which
//! drops most rows of a batch by one comparison with the `n`-th best key.

use std::sync::Arc;

use arrow::array::{Array, AsArray, BooleanArray, RecordBatch};
use arrow::compute::{concat, filter_record_batch};
use arrow::datatypes::SchemaRef;
use rusk_ops::sort::RunningHead;
use rusk_ops::Result;

use super::dictionary::concat_batches;
use crate::dataset::{rows_mask, Keep};

/// What a streamed choice has kept so far.
pub(crate) enum Chooser<'a> {
    /// A filter: each batch's mask and kept rows.
    Where { keep: Keep<'a>, masks: Vec<BooleanArray>, kept: Vec<RecordBatch> },
    /// A top-k.
    Top(RunningHead<'a>),
}

impl<'a> Chooser<'a> {
    pub(crate) fn new(keep: Keep<'a>) -> Self {
        match keep {
            Keep::Top(top) => Chooser::Top(RunningHead::new(&top.keys, top.n)),
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
            Chooser::Top(head) => head.push(batch, offset),
        }
    }

    /// A top-k's first key of its `n`-th best row so far (see
    /// `RunningHead::worst`); `None` for a filter.
    pub(crate) fn worst(&self) -> Option<&arrow::array::ArrayRef> {
        match self {
            Chooser::Top(head) => head.worst(),
            Chooser::Where { .. } => None,
        }
    }

    /// Before a top-k decides whether to skip `rows` rows by
    /// [`Chooser::worst`]: tightens it (`RunningHead::settle`).
    pub(crate) fn settle(&mut self, rows: usize) -> Result<()> {
        match self {
            Chooser::Top(head) => head.settle(rows),
            Chooser::Where { .. } => Ok(()),
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
                Ok((concat_batches(schema, &kept)?, mask))
            }
            Chooser::Top(head) => {
                let (best, positions) = head.finish()?;
                let best = best.unwrap_or_else(|| RecordBatch::new_empty(Arc::clone(schema)));
                Ok((best, rows_mask(positions, num_rows)?))
            }
        }
    }
}
