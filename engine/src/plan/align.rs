//! A join of two indexes with known divisions, partition-aligned: no
//! shuffle, no broadcast (Dask's `align_partitions`).
//!
//! The cuts are the smallest keys of every partition of both sides,
//! sorted; range `r` holds the keys from cut `r` to cut `r + 1`, and a last
//! range holds the null keys. Output partition `r` joins the rows of each
//! side whose key falls in range `r`: a partition inside one range goes to
//! its join as it is; one that spans several is cut by key range into them.
//!
//! ```text
//! left  divisions  [1, 4] [5, 9]            cuts 1, 3, 5, 8
//! right divisions  [3, 6] [8, 12]       →   ranges [1,3) [3,5) [5,8) [8,∞) null
//! left [1, 4] → ranges 0, 1 (cut);  left [5, 9] → 2, 3 (cut)
//! right [3, 6] → 1, 2 (cut);        right [8, 12] → 3
//! ```
//!
//! Equal keys are in one range, so each output partition is a whole join;
//! null keys never match but are kept by outer joins, all in the last one.

use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, UInt32Array};
use arrow::compute::{concat, take};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use arrow::row::Rows;
use rusk_ops::sort::{SortEncoder, SortKey};
use rusk_ops::Result;

use super::{Divisions, Join};

impl Join {
    /// The layout of a partition-aligned join, when it can run as one: it
    /// joins the two frames' indexes (`df.join`, or `merge` on them), both
    /// with known divisions of one type, and is not a cross join.
    pub fn aligned_layout(&self) -> Option<AlignedLayout> {
        let (left, right) = (self.left.index()?, self.right.index()?);
        let spec = &self.spec;
        if spec.how == rusk_ops::join::JoinType::Cross
            || spec.left_on != [left.column.clone()]
            || spec.right_on != [right.column.clone()]
        {
            return None;
        }
        AlignedLayout::try_new(left.divisions.as_ref()?, right.divisions.as_ref()?).ok().flatten()
    }
}

/// Where each partition of both sides goes (see the module docs).
#[derive(Debug, Clone)]
pub struct AlignedLayout {
    /// The key where range `r + 1` begins, for `r` below the last value
    /// range, then a null (where the null range begins): the boundaries of
    /// a range split into `buckets` buckets, as a one-column array.
    pub boundaries: ArrayRef,
    /// Ranges in all (`boundaries.len() + 1`).
    pub buckets: usize,
    /// The ranges some partition reaches, in order: the output partitions.
    pub outputs: Vec<usize>,
    /// Per left partition, the ranges it reaches.
    pub left: Vec<Vec<usize>>,
    /// Per right partition, the ranges it reaches.
    pub right: Vec<Vec<usize>>,
}

impl AlignedLayout {
    /// The layout of two sides' divisions; `None` when their index types
    /// differ (a cut of one side must compare with the other's keys).
    ///
    /// # Errors
    /// Arrow's errors encoding the keys (never in practice).
    pub fn try_new(left: &Divisions, right: &Divisions) -> Result<Option<Self>> {
        let data_type = left.data_type().clone();
        if &data_type != right.data_type() {
            return Ok(None);
        }
        let schema = Arc::new(Schema::new(vec![Field::new("k", data_type.clone(), true)]));
        let encoder = SortEncoder::try_new(&schema, &[SortKey::new("k")])?;
        let encode = |a: &ArrayRef| -> Result<Rows> {
            encoder.encode(&RecordBatch::try_new(Arc::clone(&schema), vec![Arc::clone(a)])?)
        };
        // Every partition's smallest key, sorted, once each.
        let mins = concat(&[left.min().as_ref(), right.min().as_ref()])?;
        let rows = encode(&mins)?;
        let mut order: Vec<usize> = (0..mins.len()).filter(|&i| !mins.is_null(i)).collect();
        order.sort_by(|&a, &b| rows.row(a).cmp(&rows.row(b)));
        order.dedup_by(|a, b| rows.row(*a) == rows.row(*b));
        let cuts =
            take(mins.as_ref(), &UInt32Array::from_iter_values(order.iter().map(|&i| i as u32)), None)?;
        // Range r > 0 begins at cut r; the null range after the last.
        let inner = cuts.slice(1.min(cuts.len()), cuts.len().saturating_sub(1));
        let boundaries = concat(&[inner.as_ref(), new_null_array(&data_type, 1).as_ref()])?;
        let buckets = boundaries.len() + 1;
        let inner_rows = encode(&inner)?;
        let inner_rows: Vec<_> = inner_rows.iter().collect();
        let null_range = buckets - 1;
        let is_float = matches!(data_type, DataType::Float16 | DataType::Float32 | DataType::Float64);
        let reach = |d: &Divisions| -> Result<Vec<Vec<usize>>> {
            let (lo, hi) = (encode(d.min())?, encode(d.max())?);
            Ok((0..d.len())
                .map(|p| {
                    let mut ranges = Vec::new();
                    if !d.min().is_null(p) {
                        let first = inner_rows.partition_point(|c| *c <= lo.row(p));
                        let last = inner_rows.partition_point(|c| *c <= hi.row(p));
                        ranges.extend(first..=last);
                    }
                    if d.missing()[p] {
                        // NaN sorts above every number: into the last value range.
                        if is_float && !ranges.contains(&(null_range - 1)) {
                            ranges.push(null_range - 1);
                        }
                        ranges.push(null_range);
                    }
                    ranges
                })
                .collect())
        };
        let (left, right) = (reach(left)?, reach(right)?);
        let mut outputs: Vec<usize> = left.iter().chain(&right).flatten().copied().collect();
        outputs.sort_unstable();
        outputs.dedup();
        Ok(Some(AlignedLayout { boundaries, buckets, outputs, left, right }))
    }

    /// The boundaries as a batch of one column named `column` (a side's
    /// index, for its range split).
    ///
    /// # Errors
    /// Never in practice.
    pub fn boundaries_batch(&self, column: &str) -> Result<RecordBatch> {
        let schema = Schema::new(vec![Field::new(column, self.boundaries.data_type().clone(), true)]);
        Ok(RecordBatch::try_new(Arc::new(schema), vec![Arc::clone(&self.boundaries)])?)
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::Int64Array;

    use super::*;

    fn divisions(bounds: &[(Option<i64>, Option<i64>, bool)]) -> Divisions {
        let min: ArrayRef = Arc::new(Int64Array::from(bounds.iter().map(|b| b.0).collect::<Vec<_>>()));
        let max: ArrayRef = Arc::new(Int64Array::from(bounds.iter().map(|b| b.1).collect::<Vec<_>>()));
        Divisions::try_new(min, max, bounds.iter().map(|b| b.2).collect()).unwrap()
    }

    #[test]
    fn the_module_example() {
        let left = divisions(&[(Some(1), Some(4), false), (Some(5), Some(9), false)]);
        let right = divisions(&[(Some(3), Some(6), false), (Some(8), Some(12), true)]);
        let layout = AlignedLayout::try_new(&left, &right).unwrap().unwrap();
        assert_eq!(layout.buckets, 5);
        assert_eq!(layout.left, vec![vec![0, 1], vec![2, 3]]);
        assert_eq!(layout.right, vec![vec![1, 2], vec![3, 4]]);
        assert_eq!(layout.outputs, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn equal_divisions_need_no_cut_and_types_must_agree() {
        let d = divisions(&[(Some(1), Some(4), false), (None, None, false), (Some(4), Some(9), false)]);
        let layout = AlignedLayout::try_new(&d, &d).unwrap().unwrap();
        // [1, 4] reaches the range of 4 too: 4 begins the third partition.
        assert_eq!(layout.left, vec![vec![0, 1], vec![], vec![1]]);
        assert_eq!(layout.outputs, vec![0, 1]);
        let f = Divisions::try_new(
            Arc::new(arrow::array::Float64Array::from(vec![1.0])),
            Arc::new(arrow::array::Float64Array::from(vec![2.0])),
            vec![false],
        )
        .unwrap();
        assert!(AlignedLayout::try_new(&d, &f).unwrap().is_none());
    }
}
