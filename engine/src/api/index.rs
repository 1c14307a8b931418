//! `set_index`, `loc`, `reset_index` and `join`: the index and its divisions.
//!
//! rusk's index is a column, the frame's first, that the plan marks (as
//! Polars keeps no separate index): [`DataFrame::columns`] lists it, and
//! everything that works on columns works on it. See `plan::index`.

use std::ops::{Bound, RangeBounds};
use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, RecordBatch, UInt32Array};
use arrow::compute::{concat, take};
use arrow::datatypes::{DataType, Field, Schema};
use rusk_ops::expr::{BinaryOp, Expr, ScalarValue};
use rusk_ops::join::JoinType;
use rusk_ops::partition::{key_bounds, missing_mask, range_boundaries};
use rusk_ops::sort::{check_sort_keys, SortEncoder, SortKey};
use rusk_ops::{Error, Result};

use super::{DataFrame, MergeOptions};
use crate::config::config;
use crate::execute::execute;
use crate::plan::{Divisions, LogicalPlan, MapPartitions, PartitionFn, Project, SetIndex};

/// Rows each partition contributes to the sample that draws a shuffle's
/// boundaries, per output partition: as many as `range_boundaries` takes
/// from a whole partition, so the sample is what it would draw.
const SAMPLE_PER_PARTITION: usize = 64;

impl DataFrame {
    /// The frame indexed by `column`, moved first, as Dask's
    /// `set_index(column, sorted=)`: with known **divisions** (each
    /// partition's smallest and largest key), so that [`DataFrame::loc`]
    /// and filters on the index read only the partitions that can match,
    /// and a [`DataFrame::join`] of two such frames needs no shuffle.
    ///
    /// - `sorted = true`: the rows are already in order of `column` across
    ///   partitions (each partition's keys at or above the previous one's);
    ///   they stay where they are. The divisions are each partition's
    ///   bounds, computed **now** by a job that reads only `column` (as
    ///   Dask does), which also checks the order.
    /// - `sorted = false`: the rows are range-shuffled by the index and
    ///   each partition sorted (as [`DataFrame::sort_values`]); the range
    ///   boundaries are drawn **now** from a sample of `column`, read by a
    ///   job, and are the divisions.
    ///
    /// Missing keys (null, NaN) go last, as pandas sorts them. Unlike
    /// pandas the column stays a column (the first); only the nodes that
    /// keep it and the partitions (filters, selections keeping it first)
    /// keep the index, and `compute` returns a plain frame.
    ///
    /// ```
    /// # fn main() -> rusk::Result<()> {
    /// let df = rusk::read_csv("fixtures/sales")?.set_index("order_id", true)?;
    /// assert_eq!(df.index().as_deref(), Some("order_id"));
    /// assert_eq!(df.divisions().map(|d| d.len()), Some(3));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`]; [`Error::Type`] for a column that cannot
    /// be ordered; with `sorted = true`, [`Error::InvalidArgument`] naming
    /// the first partition out of order; errors of the job's reads.
    pub fn set_index(&self, column: &str, sorted: bool) -> Result<DataFrame> {
        check_sort_keys(&self.schema(), &[SortKey::new(column)])?;
        let n = self.plan().npartitions();
        let samples = self.index_samples(column, if sorted { 0 } else { SAMPLE_PER_PARTITION * n.max(1) })?;
        let data_type = self.schema().field_with_name(column)?.data_type().clone();
        let (divisions, boundaries) = if sorted {
            (sorted_divisions(column, &data_type, &samples)?, None)
        } else {
            shuffled_divisions(column, &data_type, &samples)?
        };
        let node = SetIndex::try_new(
            Arc::clone(self.plan()),
            column.to_string(),
            sorted,
            boundaries,
            Arc::new(divisions),
        )?;
        Ok(self.with_plan(LogicalPlan::SetIndex(node)))
    }

    /// The index column, if the frame has one.
    pub fn index(&self) -> Option<String> {
        self.plan().index().map(|i| i.column)
    }

    /// The index's divisions (one per partition), when known.
    pub fn divisions(&self) -> Option<Divisions> {
        self.plan().index().and_then(|i| i.divisions)
    }

    /// The rows whose index is in `range`, as pandas' label slicing
    /// `df.loc[lo:hi]` (`lo..=hi`; pandas includes both ends): `loc(3..=5)`,
    /// `loc(3..)`, `loc(..=5)`, and `loc(3..5)` without 5. A filter on the
    /// index: with known divisions, only the partitions that can hold such
    /// keys are read.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] without an index; [`Error::Type`] for
    /// bounds that do not compare with it.
    pub fn loc<T, R>(&self, range: R) -> Result<DataFrame>
    where
        T: Into<ScalarValue> + Clone,
        R: RangeBounds<T>,
    {
        let column = self.index().ok_or_else(|| {
            Error::InvalidArgument("loc needs an index: call set_index(column, sorted) first".into())
        })?;
        let k = || Expr::Column(column.clone());
        let bound = |b: Bound<&T>, inclusive: BinaryOp, exclusive: BinaryOp| match b {
            Bound::Included(v) => Some(Expr::binary(k(), inclusive, Expr::Literal(v.clone().into()))),
            Bound::Excluded(v) => Some(Expr::binary(k(), exclusive, Expr::Literal(v.clone().into()))),
            Bound::Unbounded => None,
        };
        let lo = bound(range.start_bound(), BinaryOp::GtEq, BinaryOp::Gt);
        let hi = bound(range.end_bound(), BinaryOp::LtEq, BinaryOp::Lt);
        match Expr::conjunction(lo.into_iter().chain(hi)) {
            Some(predicate) => self.filter(predicate),
            None => Ok(self.clone()),
        }
    }

    /// The frame without an index, as pandas' `reset_index()`: the column
    /// stays, first (it always was a column).
    ///
    /// # Errors
    /// None in practice (a projection of the frame's own columns).
    pub fn reset_index(&self) -> Result<DataFrame> {
        let Some(column) = self.index() else { return Ok(self.clone()) };
        // The index passes only through a projection whose first expression
        // is the plain column; the same column under its own name (which no
        // rule folds away) computes nothing and ends it.
        let exprs = self
            .columns()
            .into_iter()
            .map(|c| match c == column {
                true => Expr::Alias { expr: Box::new(Expr::Column(c.clone())), name: c },
                false => Expr::Column(c),
            })
            .collect();
        Ok(self.with_plan(LogicalPlan::Project(Project::try_new(Arc::clone(self.plan()), exprs)?)))
    }

    /// This frame joined with `other` on both indexes, as pandas'
    /// `df.join(other, how=)` (a [`DataFrame::merge`] of the two index
    /// columns; non-key names both have get `_x` / `_y`, where pandas asks
    /// for `lsuffix`/`rsuffix`). When both divisions are known and the
    /// index types agree, the join runs partition-aligned: output partition
    /// `j` joins the rows of both sides in key range `j`, no shuffle
    /// (`explain` shows `strategy=aligned on the index`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when a frame has no index; as `merge`.
    pub fn join(&self, other: &DataFrame, how: JoinType) -> Result<DataFrame> {
        let side = |df: &DataFrame, name: &str| {
            df.index().ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "join: the {name} frame has no index; call set_index first, or merge on columns"
                ))
            })
        };
        let (left, right) = (side(self, "left")?, side(other, "right")?);
        self.merge(other, MergeOptions::left_right_on([left], [right]).how(how))
    }

    /// Per partition, the index column's bounds and missing keys and, if
    /// `sample > 0`, up to `sample` evenly spaced keys: one small batch of
    /// the column each, from a job that reads only that column.
    fn index_samples(&self, column: &str, sample: usize) -> Result<Vec<RecordBatch>> {
        let keys = Project::try_new(Arc::clone(self.plan()), vec![Expr::Column(column.to_string())])?;
        let schema = Arc::clone(&keys.schema);
        let func = PartitionFn {
            name: "set_index: bounds and sample".into(),
            func: Arc::new(move |batch: RecordBatch| {
                let keys = Arc::clone(batch.column(0));
                let b = key_bounds(&keys)?;
                let len = keys.len();
                let m = len.min(sample);
                let mut picks: Vec<u32> = (0..m).map(|i| (i * len / m.max(1)) as u32).collect();
                picks.extend([b.min, b.max, b.missing].into_iter().flatten().map(|i| i as u32));
                let picked = take(keys.as_ref(), &UInt32Array::from(picks), None)?;
                Ok(RecordBatch::try_new(batch.schema(), vec![picked])?)
            }),
        };
        let plan = LogicalPlan::MapPartitions(MapPartitions {
            input: Arc::new(LogicalPlan::Project(keys)),
            func,
            schema,
        });
        Ok(execute(&Arc::new(plan), &config())?.batches)
    }
}

/// The keys of all `samples` as one array (of `data_type` when none).
fn all_keys(data_type: &DataType, samples: &[RecordBatch]) -> Result<ArrayRef> {
    let arrays: Vec<&dyn Array> = samples.iter().map(|b| b.column(0).as_ref()).collect();
    if arrays.is_empty() {
        return Ok(new_null_array(data_type, 0));
    }
    Ok(concat(&arrays)?)
}

/// Each partition's bounds, checked to be in order.
fn sorted_divisions(column: &str, data_type: &DataType, samples: &[RecordBatch]) -> Result<Divisions> {
    let all = all_keys(data_type, samples)?;
    let (mut mins, mut maxs, mut missing) = (vec![], vec![], vec![]);
    let mut offset = 0;
    for s in samples {
        let b = key_bounds(s.column(0))?;
        mins.push(b.min.map(|i| (offset + i) as u32));
        maxs.push(b.max.map(|i| (offset + i) as u32));
        missing.push(b.missing.is_some());
        offset += s.num_rows();
    }
    let min = take(all.as_ref(), &UInt32Array::from(mins), None)?;
    let max = take(all.as_ref(), &UInt32Array::from(maxs), None)?;
    let divisions = Divisions::try_new(min, max, missing)?;
    check_order(column, &divisions)?;
    Ok(divisions)
}

/// Partition by partition: keys at or above the last key before, and no
/// key after a missing one (missing keys sort last).
fn check_order(column: &str, d: &Divisions) -> Result<()> {
    let schema = Arc::new(Schema::new(vec![Field::new(column, d.data_type().clone(), true)]));
    let encoder = SortEncoder::try_new(&schema, &[SortKey::new(column)])?;
    let (lo, hi) =
        (encoder.encode(&d.bound_batch(column, false)?)?, encoder.encode(&d.bound_batch(column, true)?)?);
    let mut last: Option<usize> = None; // the partition holding the largest key so far
    let mut missing_at: Option<usize> = None;
    for i in 0..d.len() {
        if d.min().is_null(i) {
            missing_at = missing_at.or(d.missing()[i].then_some(i));
            continue;
        }
        let show = |a: &ArrayRef, j: usize| {
            ScalarValue::try_from_array(a, j).map_or_else(|_| "?".into(), |v| v.to_string())
        };
        let unsorted = |why: String| {
            Err(Error::InvalidArgument(format!(
                "set_index({column:?}, sorted=true): partition {i} {why}: the frame is not sorted by {column:?} across partitions; use sorted=false to sort it"
            )))
        };
        if let Some(j) = missing_at {
            return unsorted(format!(
                "holds keys after the missing keys of partition {j} (missing keys go last)"
            ));
        }
        if let Some(j) = last {
            if lo.row(i) < hi.row(j) {
                return unsorted(format!(
                    "starts at {}, below the largest key {} of partition {j}",
                    show(d.min(), i),
                    show(d.max(), j)
                ));
            }
        }
        last = Some(i);
        if d.missing()[i] {
            missing_at = Some(i);
        }
    }
    Ok(())
}

/// The boundaries of a range shuffle into as many partitions as there are
/// samples, drawn from them, and the divisions they make: partition `j`
/// holds the keys from boundary `j - 1` (the smallest key for the first)
/// up to boundary `j` (the largest key for the last).
fn shuffled_divisions(
    column: &str,
    data_type: &DataType,
    samples: &[RecordBatch],
) -> Result<(Divisions, Option<RecordBatch>)> {
    let all = all_keys(data_type, samples)?;
    let global = key_bounds(&all)?;
    let boundaries = if samples.len() > 1 {
        let b = range_boundaries(samples, &[SortKey::new(column)], samples.len())?;
        Some(RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new(column, data_type.clone(), true)])),
            vec![Arc::clone(b.column(0))],
        )?)
    } else {
        None
    };
    let cuts =
        boundaries.as_ref().map(|b| Arc::clone(b.column(0))).unwrap_or_else(|| new_null_array(data_type, 0));
    let cut_missing = missing_mask(cuts.as_ref())?;
    // One array of every value a bound can take: the keys, then the cuts.
    let values = concat(&[all.as_ref(), cuts.as_ref()])?;
    let (gmin, gmax) = (global.min.map(|i| i as u32), global.max.map(|i| i as u32));
    let cut = |j: usize| (!cut_missing[j]).then_some((all.len() + j) as u32);
    let parts = cuts.len() + 1;
    let (mut mins, mut maxs, mut missing) = (vec![], vec![], vec![]);
    for j in 0..parts {
        let lo_missing = j > 0 && cut_missing[j - 1];
        let hi_missing = j + 1 < parts && cut_missing[j];
        if lo_missing {
            // Every key from a missing boundary on is missing.
            mins.push(None);
            maxs.push(None);
            missing.push(true);
            continue;
        }
        mins.push(if j == 0 { gmin } else { cut(j - 1) });
        maxs.push(if j + 1 == parts || hi_missing { gmax } else { cut(j) });
        missing.push(if j + 1 == parts { global.missing.is_some() } else { hi_missing });
    }
    let min = take(values.as_ref(), &UInt32Array::from(mins), None)?;
    let max = take(values.as_ref(), &UInt32Array::from(maxs), None)?;
    Ok((Divisions::try_new(min, max, missing)?, boundaries))
}
