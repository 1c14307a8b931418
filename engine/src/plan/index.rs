//! The index: a column the plan marks as the frame's index, and its
//! divisions (the smallest and largest key of each partition, as Dask's).
//!
//! rusk has no separate index storage: like Polars, the index is a column,
//! the frame's first, that a [`SetIndex`] node marks. The marking passes
//! through the nodes that keep the column and the partitions (filters,
//! projections that keep it first and unchanged) and ends at every other
//! node; [`LogicalPlan::index`] derives it from the plan's shape.
//!
//! Divisions are computed when `set_index` is called (as Dask computes
//! them), by a job that reads only the index column, so they are plain
//! data in the plan: `prune_by_divisions` drops the partitions a filter on
//! the index rules out before anything is read, and a join of two indexes
//! with known divisions runs partition-aligned (`plan::align`).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray, UInt32Array};
use arrow::compute::take;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use rusk_ops::expr::{Expr, ScalarValue};
use rusk_ops::sort::check_sort_keys;
use rusk_ops::sort::SortKey;
use rusk_ops::{Error, Result};

use super::LogicalPlan;

/// The bounds of each partition's index keys, in partition order.
///
/// Partition `i` holds keys in `[min[i], max[i]]` (both inclusive; `null`
/// when it holds no key but missing ones), in the order of an ascending
/// sort with nulls last; `missing[i]` says it may also hold missing keys
/// (null, or NaN in a float index), which sort after every key, so only the
/// last partitions with keys may. The bounds may be loose (after a filter,
/// or the boundaries of a range shuffle) but never wrong.
#[derive(Debug, Clone)]
pub struct Divisions {
    min: ArrayRef,
    max: ArrayRef,
    missing: Vec<bool>,
}

impl Divisions {
    /// Divisions from per-partition bounds, all three of one length.
    ///
    /// # Errors
    /// [`Error::Internal`] for lengths or types that differ.
    pub fn try_new(min: ArrayRef, max: ArrayRef, missing: Vec<bool>) -> Result<Self> {
        if min.len() != max.len() || min.len() != missing.len() || min.data_type() != max.data_type() {
            return Err(Error::Internal("divisions of mismatched bounds (a bug in rusk)".into()));
        }
        Ok(Divisions { min, max, missing })
    }

    /// The number of partitions.
    pub fn len(&self) -> usize {
        self.missing.len()
    }

    /// True when there are no partitions.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty()
    }

    /// The smallest key of each partition (null where it has none).
    pub fn min(&self) -> &ArrayRef {
        &self.min
    }

    /// The largest key of each partition (null where it has none).
    pub fn max(&self) -> &ArrayRef {
        &self.max
    }

    /// Whether each partition may hold missing keys.
    pub fn missing(&self) -> &[bool] {
        &self.missing
    }

    /// Partition `i`'s `(min, max)`, `None` when it holds no key (but
    /// maybe missing ones).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a partition out of range; types
    /// [`ScalarValue`] cannot hold.
    pub fn bounds(&self, i: usize) -> Result<Option<(ScalarValue, ScalarValue)>> {
        if i >= self.len() {
            return Err(Error::InvalidArgument(format!("no partition {i}: there are {}", self.len())));
        }
        if self.min.is_null(i) {
            return Ok(None);
        }
        Ok(Some((ScalarValue::try_from_array(&self.min, i)?, ScalarValue::try_from_array(&self.max, i)?)))
    }

    /// The divisions of the partitions `kept`, in that order.
    ///
    /// # Errors
    /// Arrow's error for an index out of range.
    pub fn select(&self, kept: &[usize]) -> Result<Divisions> {
        let idx = UInt32Array::from_iter_values(kept.iter().map(|&i| i as u32));
        Ok(Divisions {
            min: take(self.min.as_ref(), &idx, None)?,
            max: take(self.max.as_ref(), &idx, None)?,
            missing: kept.iter().map(|&i| self.missing.get(i).copied().unwrap_or(true)).collect(),
        })
    }

    /// The divisions of frames stacked in order, when they still describe
    /// a sorted index: each frame's keys at or above the previous frame's,
    /// and missing keys only in the last partitions. `None` otherwise.
    pub fn concat(parts: &[&Divisions]) -> Option<Divisions> {
        let data_type = parts.first()?.data_type();
        if parts.iter().any(|d| d.data_type() != data_type) {
            return None;
        }
        let mins: Vec<&dyn Array> = parts.iter().map(|d| d.min.as_ref()).collect();
        let maxs: Vec<&dyn Array> = parts.iter().map(|d| d.max.as_ref()).collect();
        let min = arrow::compute::concat(&mins).ok()?;
        let max = arrow::compute::concat(&maxs).ok()?;
        let missing: Vec<bool> = parts.iter().flat_map(|d| d.missing.iter().copied()).collect();
        // In order: every partition with keys starts at or after the last
        // key before it, and none follows a partition that may hold missing ones.
        let mut last_max: Option<usize> = None;
        let mut seen_missing = false;
        for (i, &may_miss) in missing.iter().enumerate() {
            if !min.is_null(i) {
                if seen_missing {
                    return None;
                }
                if let Some(j) = last_max {
                    let ordered =
                        arrow::compute::kernels::cmp::lt_eq(&max.slice(j, 1), &min.slice(i, 1)).ok()?;
                    if !ordered.value(0) {
                        return None;
                    }
                }
                last_max = Some(i);
            }
            seen_missing |= may_miss;
        }
        Divisions::try_new(min, max, missing).ok()
    }

    /// A one-column batch named `column` of the minima (`max = false`) or maxima.
    pub(crate) fn bound_batch(&self, column: &str, max: bool) -> Result<RecordBatch> {
        let array = if max { &self.max } else { &self.min };
        let schema = Schema::new(vec![Field::new(column, array.data_type().clone(), true)]);
        Ok(RecordBatch::try_new(Arc::new(schema), vec![Arc::clone(array)])?)
    }

    /// The index's type.
    pub fn data_type(&self) -> &DataType {
        self.min.data_type()
    }
}

impl PartialEq for Divisions {
    fn eq(&self, other: &Self) -> bool {
        self.missing == other.missing
            && self.min.to_data() == other.min.to_data()
            && self.max.to_data() == other.max.to_data()
    }
}

/// A frame's index: its column, and its divisions when known.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexInfo {
    /// The index column (the frame's first).
    pub column: String,
    /// One per partition of the frame, when known.
    pub divisions: Option<Divisions>,
}

/// Marks `column` as the index, moved first (`set_index`).
///
/// `sorted`: the input is already sorted by the column across partitions
/// and each partition keeps its rows (Dask's `sorted=True`). Otherwise
/// the rows are range-shuffled by `boundaries` (drawn from a sample when
/// the node was built) and each partition sorted, as `sort_values` does.
#[derive(Debug, Clone)]
pub struct SetIndex {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// The index column.
    pub column: String,
    /// The input is sorted already (no shuffle).
    pub sorted: bool,
    /// For a shuffle: the keys where partition `j + 1` begins, a batch of
    /// the index column (one fewer than the partitions).
    pub boundaries: Option<RecordBatch>,
    /// The divisions of every partition, before pruning.
    pub divisions: Arc<Divisions>,
    /// The partitions `prune_by_divisions` kept, in order (`None`: all).
    pub kept: Option<Vec<usize>>,
    schema: SchemaRef,
}

impl SetIndex {
    /// Checks the column, moves it first.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`]; [`Error::Type`] for a column that cannot
    /// be ordered; [`Error::Internal`] for divisions of the wrong type or
    /// count, or boundaries that do not fit them (a bug in rusk).
    pub fn try_new(
        input: Arc<LogicalPlan>,
        column: String,
        sorted: bool,
        boundaries: Option<RecordBatch>,
        divisions: Arc<Divisions>,
    ) -> Result<Self> {
        let in_schema = input.schema();
        check_sort_keys(&in_schema, &[SortKey::new(column.clone())])?;
        let field = in_schema.field_with_name(&column)?.clone();
        if field.data_type() != divisions.data_type() {
            return Err(Error::Internal(format!(
                "set_index: divisions of type {} for column {column:?} of type {} (a bug in rusk)",
                divisions.data_type(),
                field.data_type()
            )));
        }
        let parts = boundaries.as_ref().map_or(divisions.len(), |b| b.num_rows() + 1);
        if parts != divisions.len() {
            return Err(Error::Internal(
                "set_index: boundaries do not fit the divisions (a bug in rusk)".into(),
            ));
        }
        let mut fields = vec![field];
        fields.extend(in_schema.fields().iter().filter(|f| *f.name() != column).map(|f| f.as_ref().clone()));
        let schema = Arc::new(Schema::new(fields));
        Ok(SetIndex { input, column, sorted, boundaries, divisions, kept: None, schema })
    }

    /// The same node over a new input (the column must still be there).
    ///
    /// # Errors
    /// As [`SetIndex::try_new`].
    pub fn with_input(&self, input: Arc<LogicalPlan>) -> Result<Self> {
        let mut node = SetIndex::try_new(
            input,
            self.column.clone(),
            self.sorted,
            self.boundaries.clone(),
            Arc::clone(&self.divisions),
        )?;
        node.kept = self.kept.clone();
        Ok(node)
    }

    /// The same node keeping only the partitions `kept` (indices of all
    /// the partitions, in order).
    pub fn with_kept(&self, kept: Vec<usize>) -> Self {
        SetIndex { kept: Some(kept), ..self.clone() }
    }

    /// The output schema: the index column, then the others in order.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// The output partitions, after pruning.
    pub fn npartitions(&self) -> usize {
        self.kept.as_ref().map_or(self.divisions.len(), Vec::len)
    }

    /// The indices (among all the partitions) of the partitions output.
    pub fn kept_partitions(&self) -> Vec<usize> {
        self.kept.clone().unwrap_or_else(|| (0..self.divisions.len()).collect())
    }

    /// The divisions of the output partitions.
    ///
    /// # Errors
    /// As [`Divisions::select`].
    pub fn output_divisions(&self) -> Result<Divisions> {
        match &self.kept {
            None => Ok(self.divisions.as_ref().clone()),
            Some(kept) => self.divisions.select(kept),
        }
    }

    /// `SetIndex: k, sorted=True, partitions=2/8` (defaults left out).
    pub fn label(&self) -> String {
        let mut s = format!("SetIndex: {}", self.column);
        if self.sorted {
            s.push_str(", sorted=True");
        }
        if let Some(kept) = &self.kept {
            s.push_str(&format!(", partitions={}/{}", kept.len(), self.divisions.len()));
        }
        s
    }

    /// The sort key of the index (ascending, nulls last, as pandas sorts it).
    pub fn key(&self) -> SortKey {
        SortKey::new(self.column.clone())
    }
}

impl LogicalPlan {
    /// The frame's index, derived from the plan's shape (see the module docs).
    pub fn index(&self) -> Option<IndexInfo> {
        match self {
            LogicalPlan::SetIndex(n) => {
                Some(IndexInfo { column: n.column.clone(), divisions: n.output_divisions().ok() })
            }
            // Fewer rows in the same partitions: the bounds still hold.
            LogicalPlan::Filter(f) => f.input.index(),
            LogicalPlan::Project(p) => match p.exprs.first() {
                Some(Expr::Column(c)) => p.input.index().filter(|i| i.column == *c),
                _ => None,
            },
            // One partition now: the index stays, its divisions go.
            LogicalPlan::Limit(l) => l.input.index().map(|i| IndexInfo { divisions: None, ..i }),
            // Frames indexed alike keep their index (pandas' default
            // `ignore_index=False`), and their divisions when still in order.
            LogicalPlan::Concat(c) if !c.ignore_index => {
                let infos = c.inputs.iter().map(|i| i.index()).collect::<Option<Vec<_>>>()?;
                let column = infos.first()?.column.clone();
                if infos.iter().any(|i| i.column != column) {
                    return None;
                }
                let parts = infos.iter().map(|i| i.divisions.as_ref()).collect::<Option<Vec<_>>>();
                Some(IndexInfo { column, divisions: parts.and_then(|p| Divisions::concat(&p)) })
            }
            _ => None,
        }
    }
}

/// Per partition of `divisions`: false when `predicate` is proven false on
/// every row of it (so it need not be read), from its bounds alone.
///
/// Each comparison of the index with a literal is evaluated on the bound
/// that decides it, by the same evaluator the filter uses, so types and
/// coercions agree:
///
/// ```text
/// k > v, k >= v      keep if max > v (max >= v)
/// k < v, k <= v      keep if min < v (min <= v)
/// k == v             keep if min <= v and max >= v
/// k.between(l, h)    keep if max >= l and min <= h
/// k.isin([..])       keep if some value is within [min, max]
/// p & q, p | q       both, either
/// k.isnull()         keep if it may hold missing keys
/// anything else      keep
/// ```
///
/// A partition that may hold missing keys is always kept (NaN compares in
/// ways no bound tells); one with no key and no missing key is empty and
/// never kept.
///
/// # Errors
/// None in practice: an evaluation that fails keeps the partition.
pub fn may_match(predicate: &Expr, column: &str, divisions: &Divisions) -> Result<Vec<bool>> {
    let min = divisions.bound_batch(column, false)?;
    let max = divisions.bound_batch(column, true)?;
    let walker = Walker { column, min: &min, max: &max, n: divisions.len() };
    let may = walker.may(predicate);
    Ok((0..divisions.len()).map(|i| divisions.missing[i] || (!divisions.min.is_null(i) && may[i])).collect())
}

struct Walker<'a> {
    column: &'a str,
    min: &'a RecordBatch,
    max: &'a RecordBatch,
    n: usize,
}

impl Walker<'_> {
    fn all(&self) -> Vec<bool> {
        vec![true; self.n]
    }

    fn is_index(&self, e: &Expr) -> bool {
        matches!(e.unalias(), Expr::Column(c) if c == self.column)
    }

    /// `expr` on `batch`, true where not provably false.
    fn eval(&self, expr: &Expr, batch: &RecordBatch) -> Vec<bool> {
        match rusk_ops::expr::evaluate(expr, batch) {
            Ok(a) => match a.as_any().downcast_ref::<BooleanArray>() {
                Some(b) => (0..self.n).map(|i| b.is_null(i) || b.value(i)).collect(),
                None => self.all(),
            },
            Err(_) => self.all(),
        }
    }

    fn and(a: Vec<bool>, b: Vec<bool>) -> Vec<bool> {
        a.into_iter().zip(b).map(|(x, y)| x && y).collect()
    }

    fn or(a: Vec<bool>, b: Vec<bool>) -> Vec<bool> {
        a.into_iter().zip(b).map(|(x, y)| x || y).collect()
    }

    fn compare(&self, op: rusk_ops::expr::BinaryOp, value: &Expr) -> Vec<bool> {
        use rusk_ops::expr::BinaryOp::*;
        let k = || Expr::Column(self.column.to_string());
        let on = |op, batch| self.eval(&Expr::binary(k(), op, value.clone()), batch);
        match op {
            Gt | GtEq => on(op, self.max),
            Lt | LtEq => on(op, self.min),
            Eq => Self::and(on(GtEq, self.max), on(LtEq, self.min)),
            _ => self.all(),
        }
    }

    fn may(&self, expr: &Expr) -> Vec<bool> {
        use rusk_ops::expr::BinaryOp::{And, Or};
        match expr.unalias() {
            Expr::Binary { left, op: And, right } => Self::and(self.may(left), self.may(right)),
            Expr::Binary { left, op: Or, right } => Self::or(self.may(left), self.may(right)),
            Expr::Binary { left, op, right } if op.is_comparison() => {
                match (left.unalias(), right.unalias()) {
                    (l, v @ Expr::Literal(_)) if self.is_index(l) => self.compare(*op, v),
                    (v @ Expr::Literal(_), r) if self.is_index(r) => self.compare(op.swap(), v),
                    _ => self.all(),
                }
            }
            Expr::Between { expr, low, high } if self.is_index(expr) => {
                let k = Expr::Column(self.column.to_string());
                let lo = self
                    .eval(&Expr::binary(k.clone(), rusk_ops::expr::BinaryOp::GtEq, *low.clone()), self.max);
                let hi = self.eval(&Expr::binary(k, rusk_ops::expr::BinaryOp::LtEq, *high.clone()), self.min);
                Self::and(lo, hi)
            }
            Expr::IsIn { expr, list, negated: false } if self.is_index(expr) => {
                let mut any = vec![false; self.n];
                for v in list {
                    any =
                        Self::or(any, self.compare(rusk_ops::expr::BinaryOp::Eq, &Expr::Literal(v.clone())));
                }
                any
            }
            // Missing keys are kept apart (see `may_match`): no key is null.
            Expr::IsNull(e) if self.is_index(e) => vec![false; self.n],
            Expr::Literal(ScalarValue::Boolean(false) | ScalarValue::Null) => vec![false; self.n],
            _ => self.all(),
        }
    }
}
