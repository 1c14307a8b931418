//! Per-group top-n, as a tree reduce: the `n` largest or smallest values of
//! each group (pandas' `groupby(k)["v"].nlargest(n)` / `nsmallest(n)`) or
//! the first `n` rows of each group (`groupby(k).head(n)`).
//!
//! ```text
//! batch ──candidates──▶ ≤ n rows a group ─┐
//! batch ──candidates──▶ ≤ n rows a group ─┼─merge──▶ ≤ n rows a group ──finish──▶ result
//! batch ──candidates──▶ ≤ n rows a group ─┘   (concat in partition order, re-select)
//! ```
//!
//! No row needs to meet the rows of its group in one place: the top n of a
//! group are among the union of the top n of each partition, so every
//! partition keeps at most `n` candidate rows per group and merges re-select
//! from the concatenated candidates. Memory is `n × groups`, not rows.
//!
//! # Order and ties without a row ordinal
//!
//! Candidates stay in row order within their group, and merges concatenate
//! their inputs in partition order, so a group's candidates are always in
//! global row order: "earlier in the concatenation" means "earlier in the
//! frame". That is all pandas' `keep="first"` (on ties, the earlier row
//! wins) and `head` (the first rows, in row order) need. For `nlargest`,
//! candidates are laid out group by group, groups in the order their first
//! row appears, so `sort=False` gets pandas' first-seen group order too.
//!
//! # pandas semantics
//!
//! - A null or NaN value ranks below every value: pandas' `Series.nlargest`
//!   selects the values first and fills a group that has fewer than `n`
//!   with its missing rows, the earliest first. A group whose values are
//!   all missing still gives its first `n` rows.
//! - Ties keep the earlier row (`keep="first"`); `-0.0 == 0.0` is a tie.
//! - Output: for `nlargest` / `nsmallest`, groups sorted by key (nulls
//!   last; first-seen order with `sort=False`), then each group's rows best
//!   first; for `head`, the rows in frame order (pandas' `GroupBy.head`
//!   does not reorder).
//! - `dropna` (the default) drops rows with a null key; otherwise a null
//!   key is a group.
//!
//! # How a batch is selected
//!
//! Keys become dense group ids (the aggregate's `group_ids` tables), then
//! one loop over the typed values keeps, per group, a bounded heap of
//! (row, value) slots, its worst at the root, in one flat buffer: a block
//! per group of a header (how many kept, a copy of the worst value) and the
//! heap. A group gets `n` slots when that costs at most two slots per row,
//! else `min(n, group size)` after counting the groups (so the buffer never
//! outgrows the batch, whatever `n` is; a group no larger than `n` then
//! keeps its rows without comparing). Most rows lose one comparison with
//! their header and cost nothing more: O(rows) plus O(rows kept × log n).
//!
//! With many groups the per-group state (48 bytes a group for float64
//! values and n = 2) outgrows L2, and that random access is most of the
//! cost. `top_n::timing::timing` measures the group ids and the candidates
//! on one h2o-like partition; past results are in benches/README.md.

use std::cmp::Ordering;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, ArrowPrimitiveType, AsArray, BooleanArray, PrimitiveArray, UInt32Array};
use arrow::buffer::NullBuffer;
use arrow::compute::{concat_batches, filter_record_batch, lexsort_to_indices, take_record_batch};
use arrow::compute::{SortColumn, SortOptions};
use arrow::datatypes::*;
use arrow::record_batch::RecordBatch;

use crate::aggregate::group_ids::GroupIds;
use crate::aggregate::GroupOptions;
use crate::error::{Error, Result};

/// Which rows of each group a top-n keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TopNOrder {
    /// The rows with the `n` largest values (pandas' `nlargest`).
    Largest,
    /// The rows with the `n` smallest values (`nsmallest`).
    Smallest,
    /// The first `n` rows (`GroupBy.head`).
    First,
}

impl TopNOrder {
    /// The pandas method name.
    pub fn name(self) -> &'static str {
        match self {
            TopNOrder::Largest => "nlargest",
            TopNOrder::Smallest => "nsmallest",
            TopNOrder::First => "head",
        }
    }
}

/// A per-group top-n over batches whose key and value columns are named.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TopNSpec {
    /// The key columns (none: the whole batch is one group).
    pub keys: Vec<String>,
    /// The value column ranked by `Largest` / `Smallest`; `None` for `First`.
    pub value: Option<String>,
    /// Rows kept per group.
    pub n: usize,
    /// Which rows.
    pub order: TopNOrder,
    /// `sort` (the order of groups in the result) and `dropna` (null keys).
    pub options: GroupOptions,
}

/// Whether `nlargest` / `nsmallest` can rank values of type `dt`: numbers,
/// decimals, dates, times, timestamps and durations (pandas refuses
/// strings, booleans and objects too).
pub fn can_rank(dt: &DataType) -> bool {
    use DataType::*;
    matches!(
        dt,
        Int8 | Int16
            | Int32
            | Int64
            | UInt8
            | UInt16
            | UInt32
            | UInt64
            | Float16
            | Float32
            | Float64
            | Decimal32(_, _)
            | Decimal64(_, _)
            | Decimal128(_, _)
            | Decimal256(_, _)
            | Date32
            | Date64
            | Time32(_)
            | Time64(_)
            | Timestamp(_, _)
            | Duration(_)
    )
}

/// The candidate rows of one batch: at most `n` per group (with `dropna`,
/// rows with a null key are dropped first). For `First`, the rows stay in
/// batch order; otherwise they are laid out group by group (groups in
/// first-seen order), in batch order within a group.
///
/// # Errors
/// An unknown key or value column, a value type [`can_rank`] refuses, keys
/// that cannot be grouped.
pub fn candidates(batch: &RecordBatch, spec: &TopNSpec) -> Result<RecordBatch> {
    let batch = if spec.options.dropna { drop_null_keys(batch, &spec.keys)? } else { batch.clone() };
    let (table, ids) = group(&batch, &spec.keys)?;
    let num_groups = table.num_groups();
    // Only the ids are needed from here on.
    drop(table);
    let rows = match spec.order {
        TopNOrder::First => first_rows(&ids, num_groups, spec.n),
        _ => {
            let values = value_column(&batch, spec)?;
            let mut sel = ranked(values.as_ref(), &ids, num_groups, spec)?;
            for w in sel.offsets.windows(2) {
                sel.rows[w[0]..w[1]].sort_unstable();
            }
            sel.rows
        }
    };
    take_rows(&batch, rows)
}

/// Merges candidate batches (of one schema, in partition order): their
/// concatenation's candidates, laid out as [`candidates`] lays them out.
///
/// # Errors
/// Batches of other schemas than `schema`; as [`candidates`].
pub fn merge(schema: &SchemaRef, batches: &[RecordBatch], spec: &TopNSpec) -> Result<RecordBatch> {
    let all = concat_batches(schema, batches)?;
    candidates(&all, spec)
}

/// The result from merged candidates (or a single batch's): each group's
/// rows best first (`First`: in batch order), groups sorted by key with
/// nulls last when `options.sort`, else in first-seen order.
///
/// # Errors
/// As [`candidates`].
pub fn finish(batch: &RecordBatch, spec: &TopNSpec) -> Result<RecordBatch> {
    let batch = if spec.options.dropna { drop_null_keys(batch, &spec.keys)? } else { batch.clone() };
    let (table, ids) = group(&batch, &spec.keys)?;
    let num_groups = table.num_groups();
    if spec.order == TopNOrder::First {
        return take_rows(&batch, first_rows(&ids, num_groups, spec.n));
    }
    let values = value_column(&batch, spec)?;
    let mut sel = ranked(values.as_ref(), &ids, num_groups, spec)?;
    sort_groups_best_first(values.as_ref(), &mut sel, spec.order == TopNOrder::Largest)?;
    let group_order: Vec<usize> = if spec.options.sort && !spec.keys.is_empty() && num_groups > 1 {
        let keys = table.emit()?;
        let sort = SortOptions { descending: false, nulls_first: false };
        let columns: Vec<SortColumn> =
            keys.into_iter().map(|values| SortColumn { values, options: Some(sort) }).collect();
        lexsort_to_indices(&columns, None)?.values().iter().map(|&g| g as usize).collect()
    } else {
        (0..num_groups).collect()
    };
    let mut rows = Vec::with_capacity(sel.rows.len());
    for g in group_order {
        rows.extend_from_slice(&sel.rows[sel.offsets[g]..sel.offsets[g + 1]]);
    }
    take_rows(&batch, rows)
}

/// The rows kept, group by group: group `g`'s are `rows[offsets[g]..offsets[g + 1]]`.
#[derive(Debug)]
struct Selection {
    offsets: Vec<usize>,
    rows: Vec<u32>,
}

/// The batch's group ids, in first-seen order.
fn group(batch: &RecordBatch, keys: &[String]) -> Result<(GroupIds, Vec<u32>)> {
    let arrays = keys.iter().map(|k| column(batch, k)).collect::<Result<Vec<_>>>()?;
    let types: Vec<DataType> = arrays.iter().map(|a| a.data_type().clone()).collect();
    let mut table = GroupIds::new(&types)?;
    let mut ids = Vec::with_capacity(batch.num_rows());
    table.intern(&arrays, batch.num_rows(), &mut ids)?;
    Ok((table, ids))
}

fn column(batch: &RecordBatch, name: &str) -> Result<ArrayRef> {
    let schema = batch.schema();
    let i = schema.index_of(name).map_err(|_| Error::ColumnNotFound {
        name: name.to_string(),
        available: schema.fields().iter().map(|f| f.name().clone()).collect(),
    })?;
    Ok(Arc::clone(batch.column(i)))
}

fn value_column(batch: &RecordBatch, spec: &TopNSpec) -> Result<ArrayRef> {
    let name = spec
        .value
        .as_deref()
        .ok_or_else(|| Error::Internal(format!("{} without a value column", spec.order.name())))?;
    column(batch, name)
}

/// The batch without the rows where a key is null.
fn drop_null_keys(batch: &RecordBatch, keys: &[String]) -> Result<RecordBatch> {
    let mut valid: Option<NullBuffer> = None;
    for k in keys {
        valid = NullBuffer::union(valid.as_ref(), column(batch, k)?.logical_nulls().as_ref());
    }
    match valid.filter(|v| v.null_count() > 0) {
        Some(v) => Ok(filter_record_batch(batch, &BooleanArray::new(v.into_inner(), None))?),
        None => Ok(batch.clone()),
    }
}

fn take_rows(batch: &RecordBatch, rows: Vec<u32>) -> Result<RecordBatch> {
    if rows.len() == batch.num_rows() && rows.iter().enumerate().all(|(i, &r)| r as usize == i) {
        return Ok(batch.clone());
    }
    Ok(take_record_batch(batch, &UInt32Array::from(rows))?)
}

/// The first `n` rows of each group, in row order.
fn first_rows(ids: &[u32], num_groups: usize, n: usize) -> Vec<u32> {
    let mut seen = vec![0usize; num_groups];
    let mut rows = Vec::new();
    for (i, &g) in ids.iter().enumerate() {
        let s = &mut seen[g as usize];
        if *s < n {
            *s += 1;
            // A batch has fewer than u32::MAX rows: its group ids are u32 too.
            rows.push(i as u32);
        }
    }
    rows
}

/// Calls `$f::<T>` with the value array downcast to its primitive type.
macro_rules! with_primitive {
    ($values:expr, $f:ident, $($arg:expr),*) => {{
        let v = $values;
        match v.data_type() {
            DataType::Int8 => $f(v.as_primitive::<Int8Type>(), $($arg),*),
            DataType::Int16 => $f(v.as_primitive::<Int16Type>(), $($arg),*),
            DataType::Int32 => $f(v.as_primitive::<Int32Type>(), $($arg),*),
            DataType::Int64 => $f(v.as_primitive::<Int64Type>(), $($arg),*),
            DataType::UInt8 => $f(v.as_primitive::<UInt8Type>(), $($arg),*),
            DataType::UInt16 => $f(v.as_primitive::<UInt16Type>(), $($arg),*),
            DataType::UInt32 => $f(v.as_primitive::<UInt32Type>(), $($arg),*),
            DataType::UInt64 => $f(v.as_primitive::<UInt64Type>(), $($arg),*),
            DataType::Float16 => $f(v.as_primitive::<Float16Type>(), $($arg),*),
            DataType::Float32 => $f(v.as_primitive::<Float32Type>(), $($arg),*),
            DataType::Float64 => $f(v.as_primitive::<Float64Type>(), $($arg),*),
            DataType::Decimal32(_, _) => $f(v.as_primitive::<Decimal32Type>(), $($arg),*),
            DataType::Decimal64(_, _) => $f(v.as_primitive::<Decimal64Type>(), $($arg),*),
            DataType::Decimal128(_, _) => $f(v.as_primitive::<Decimal128Type>(), $($arg),*),
            DataType::Decimal256(_, _) => $f(v.as_primitive::<Decimal256Type>(), $($arg),*),
            DataType::Date32 => $f(v.as_primitive::<Date32Type>(), $($arg),*),
            DataType::Date64 => $f(v.as_primitive::<Date64Type>(), $($arg),*),
            DataType::Time32(TimeUnit::Second) => $f(v.as_primitive::<Time32SecondType>(), $($arg),*),
            DataType::Time32(TimeUnit::Millisecond) => {
                $f(v.as_primitive::<Time32MillisecondType>(), $($arg),*)
            }
            DataType::Time64(TimeUnit::Microsecond) => {
                $f(v.as_primitive::<Time64MicrosecondType>(), $($arg),*)
            }
            DataType::Time64(TimeUnit::Nanosecond) => {
                $f(v.as_primitive::<Time64NanosecondType>(), $($arg),*)
            }
            DataType::Timestamp(TimeUnit::Second, _) => {
                $f(v.as_primitive::<TimestampSecondType>(), $($arg),*)
            }
            DataType::Timestamp(TimeUnit::Millisecond, _) => {
                $f(v.as_primitive::<TimestampMillisecondType>(), $($arg),*)
            }
            DataType::Timestamp(TimeUnit::Microsecond, _) => {
                $f(v.as_primitive::<TimestampMicrosecondType>(), $($arg),*)
            }
            DataType::Timestamp(TimeUnit::Nanosecond, _) => {
                $f(v.as_primitive::<TimestampNanosecondType>(), $($arg),*)
            }
            DataType::Duration(TimeUnit::Second) => $f(v.as_primitive::<DurationSecondType>(), $($arg),*),
            DataType::Duration(TimeUnit::Millisecond) => {
                $f(v.as_primitive::<DurationMillisecondType>(), $($arg),*)
            }
            DataType::Duration(TimeUnit::Microsecond) => {
                $f(v.as_primitive::<DurationMicrosecondType>(), $($arg),*)
            }
            DataType::Duration(TimeUnit::Nanosecond) => {
                $f(v.as_primitive::<DurationNanosecondType>(), $($arg),*)
            }
            other => Err(Error::type_error(format!("cannot rank values of type {other} (nlargest/nsmallest)"))),
        }
    }};
}

/// Each group's best `n` rows (unordered within the group).
fn ranked(values: &dyn Array, ids: &[u32], num_groups: usize, spec: &TopNSpec) -> Result<Selection> {
    let largest = spec.order == TopNOrder::Largest;
    with_primitive!(values, ranked_typed, ids, num_groups, spec.n, largest)
}

/// How rows rank: a value before a missing one (null or NaN), then the
/// larger (smaller) value, then the earlier row. A strict total order.
struct Rank<'a, N> {
    values: &'a [N],
    nulls: Option<&'a NullBuffer>,
    largest: bool,
}

impl<N: ArrowNativeType> Rank<'_, N> {
    #[inline]
    fn missing(&self, i: usize) -> bool {
        // `v != v` only for NaN; for integers it folds away.
        #[allow(clippy::eq_op)]
        let nan = self.values[i] != self.values[i];
        nan || self.nulls.is_some_and(|n| n.is_null(i))
    }

    /// True when row `a` ranks strictly before row `b`.
    #[inline]
    fn better(&self, a: u32, b: u32) -> bool {
        let (ia, ib) = (a as usize, b as usize);
        match (self.missing(ia), self.missing(ib)) {
            (false, true) => true,
            (true, false) => false,
            (true, true) => a < b,
            (false, false) => {
                let (x, y) = (self.values[ia], self.values[ib]);
                match x.partial_cmp(&y) {
                    Some(Ordering::Greater) => self.largest,
                    Some(Ordering::Less) => !self.largest,
                    _ => a < b,
                }
            }
        }
    }

    fn cmp(&self, a: u32, b: u32) -> Ordering {
        if a == b {
            Ordering::Equal
        } else if self.better(a, b) {
            Ordering::Less
        } else {
            Ordering::Greater
        }
    }
}

/// A kept row and its value, side by side: comparing with a heap's rows
/// then reads the slot buffer, not the batch's value column at random rows
/// (a cache miss per comparison otherwise). A group's header slot reuses
/// the type: `row` counts the rows kept.
#[derive(Debug, Clone, Copy)]
struct Slot<N> {
    row: u32,
    value: N,
    missing: bool,
}

impl<N: ArrowNativeType> Slot<N> {
    /// True when `self` ranks strictly before `other`, as [`Rank::better`].
    #[inline]
    fn better(&self, other: &Self, largest: bool) -> bool {
        match (self.missing, other.missing) {
            (false, true) => true,
            (true, false) => false,
            (true, true) => self.row < other.row,
            (false, false) => match self.value.partial_cmp(&other.value) {
                Some(Ordering::Greater) => largest,
                Some(Ordering::Less) => !largest,
                _ => self.row < other.row,
            },
        }
    }
}

/// Whether a new row (later than every row kept) beats `worst`, the worst
/// row kept: on a tie the kept, earlier row wins, so no row number is needed.
#[inline]
fn beats<N: ArrowNativeType>(value: N, missing: bool, worst: &Slot<N>, largest: bool) -> bool {
    if missing {
        return false;
    }
    if worst.missing {
        return true;
    }
    match value.partial_cmp(&worst.value) {
        Some(Ordering::Greater) => largest,
        Some(Ordering::Less) => !largest,
        _ => false,
    }
}

/// Each group's rows are kept in one block of the slot buffer: a header
/// slot (`row` holds how many rows are kept, `value`/`missing` a copy of
/// the heap's worst once it is full), then the heap's slots. Most rows
/// only lose to that worst: they read one header, and the header and the
/// heap share cache lines, so a row costs about one cache miss however
/// many groups there are.
fn ranked_typed<T: ArrowPrimitiveType>(
    values: &PrimitiveArray<T>,
    ids: &[u32],
    num_groups: usize,
    n: usize,
    largest: bool,
) -> Result<Selection> {
    if values.len() != ids.len() {
        return Err(Error::Internal("top-n values and group ids of different lengths".into()));
    }
    let rank = Rank { values: values.values(), nulls: values.nulls(), largest };
    // When `n` slots a group fit in one per row, every group gets `n` (no
    // counting pass: a random access per row saved) and ranks. Otherwise
    // a group gets min(n, size) slots, so the buffer never outgrows the
    // batch, and a group no larger than n keeps its rows without ranking.
    // Row counts fit u32: the group ids do.
    let direct = num_groups.saturating_mul(n + 1) <= ids.len().saturating_mul(2);
    let mut blocks: Vec<(u32, u32, bool)> = Vec::new(); // (start, cap, rank), unless direct
    let total = if direct {
        num_groups * (n + 1)
    } else {
        let mut sizes = vec![0u32; num_groups];
        for &g in ids {
            sizes[g as usize] += 1;
        }
        let mut start = 0usize;
        blocks.reserve(num_groups);
        for &size in &sizes {
            let cap = (size as usize).min(n);
            blocks.push((start as u32, cap as u32, size as usize > n));
            start += cap + 1;
        }
        start
    };
    let empty = Slot { row: 0, value: T::Native::default(), missing: true };
    let mut slots = vec![empty; total];
    let block = |g: usize, blocks: &[(u32, u32, bool)]| -> (usize, usize, bool) {
        if direct {
            (g * (n + 1), n, true)
        } else {
            let (start, cap, rank) = blocks[g];
            (start as usize, cap as usize, rank)
        }
    };
    for (i, &g) in ids.iter().enumerate() {
        let (start, cap, ranks) = block(g as usize, &blocks);
        let (header, heap) = slots[start..=start + cap].split_at_mut(1);
        let header = &mut header[0];
        let len = header.row as usize;
        let (value, missing) = (rank.values[i], rank.missing(i));
        if len == cap && (cap == 0 || !beats(value, missing, header, largest)) {
            continue;
        }
        // A batch has fewer than u32::MAX rows: its group ids are u32 too.
        let slot = Slot { row: i as u32, value, missing };
        if len < cap {
            heap[len] = slot;
            if ranks {
                sift_up(&mut heap[..=len], largest);
            }
            header.row += 1;
        } else {
            heap[0] = slot;
            sift_down(heap, largest);
        }
        if header.row as usize == cap {
            (header.value, header.missing) = (heap[0].value, heap[0].missing);
        }
    }
    let mut offsets = Vec::with_capacity(num_groups + 1);
    let mut rows = Vec::with_capacity(total);
    offsets.push(0);
    for g in 0..num_groups {
        let (start, _, _) = block(g, &blocks);
        let len = slots[start].row as usize;
        rows.extend(slots[start + 1..start + 1 + len].iter().map(|s| s.row));
        offsets.push(rows.len());
    }
    Ok(Selection { offsets, rows })
}

/// The heap keeps its worst row at the root: every parent ranks after its
/// children. Sifts the last entry up.
fn sift_up<N: ArrowNativeType>(heap: &mut [Slot<N>], largest: bool) {
    let mut i = heap.len() - 1;
    while i > 0 {
        let parent = (i - 1) / 2;
        if heap[parent].better(&heap[i], largest) {
            heap.swap(parent, i);
            i = parent;
        } else {
            break;
        }
    }
}

/// Sifts the root down.
fn sift_down<N: ArrowNativeType>(heap: &mut [Slot<N>], largest: bool) {
    let mut i = 0;
    loop {
        let (l, r) = (2 * i + 1, 2 * i + 2);
        if l >= heap.len() {
            break;
        }
        let worse = if r < heap.len() && heap[l].better(&heap[r], largest) { r } else { l };
        if heap[i].better(&heap[worse], largest) {
            heap.swap(i, worse);
            i = worse;
        } else {
            break;
        }
    }
}

/// Sorts each group's rows best first.
fn sort_groups_best_first(values: &dyn Array, sel: &mut Selection, largest: bool) -> Result<()> {
    fn sort_typed<T: ArrowPrimitiveType>(
        values: &PrimitiveArray<T>,
        sel: &mut Selection,
        largest: bool,
    ) -> Result<()> {
        let rank = Rank { values: values.values(), nulls: values.nulls(), largest };
        for w in sel.offsets.windows(2) {
            sel.rows[w[0]..w[1]].sort_unstable_by(|&a, &b| rank.cmp(a, b));
        }
        Ok(())
    }
    with_primitive!(values, sort_typed, sel, largest)
}

#[cfg(test)]
mod tests {
    use arrow::array::{Float64Array, Int64Array, StringArray};
    use arrow::datatypes::{Field, Schema};

    use super::*;

    fn batch(k: Vec<Option<&str>>, v: Vec<Option<f64>>) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Utf8, true),
            Field::new("v", DataType::Float64, true),
        ]));
        RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(k)), Arc::new(Float64Array::from(v))])
            .unwrap()
    }

    fn spec(n: usize, order: TopNOrder, sort: bool, dropna: bool) -> TopNSpec {
        TopNSpec {
            keys: vec!["k".into()],
            value: (order != TopNOrder::First).then(|| "v".to_string()),
            n,
            order,
            options: GroupOptions { sort, dropna },
        }
    }

    fn rows(b: &RecordBatch) -> Vec<(Option<String>, Option<f64>)> {
        let k = b.column(0).as_string::<i32>();
        let v = b.column(1).as_primitive::<Float64Type>();
        (0..b.num_rows())
            .map(|i| (k.is_valid(i).then(|| k.value(i).to_string()), v.is_valid(i).then(|| v.value(i))))
            .collect()
    }

    fn r(k: Option<&str>, v: Option<f64>) -> (Option<String>, Option<f64>) {
        (k.map(String::from), v)
    }

    #[test]
    fn nlargest_keeps_the_first_of_ties_and_fills_with_missing_values() {
        let b = batch(
            vec![Some("b"), Some("a"), Some("b"), Some("a"), None, Some("a"), Some("b"), Some("c")],
            vec![Some(1.0), Some(5.0), None, Some(5.0), Some(9.0), Some(7.0), Some(f64::NAN), None],
        );
        let s = spec(2, TopNOrder::Largest, true, true);
        let got = finish(&candidates(&b, &s).unwrap(), &s).unwrap();
        let got = rows(&got);
        // a: 7 then the first 5 (row 1, not row 3); b: 1 then the first missing (row 2's null);
        // c: only a null; the null key is dropped.
        assert_eq!(got[..3], [r(Some("a"), Some(7.0)), r(Some("a"), Some(5.0)), r(Some("b"), Some(1.0))]);
        assert_eq!(got[3], r(Some("b"), None));
        assert_eq!(got[4], r(Some("c"), None));
        assert_eq!(got.len(), 5);
        let first_five = candidates(&b, &s).unwrap();
        // Candidates: group by group, first-seen order, rows in batch order.
        assert_eq!(
            rows(&first_five)[..4],
            [r(Some("b"), Some(1.0)), r(Some("b"), None), r(Some("a"), Some(5.0)), r(Some("a"), Some(7.0))]
        );
    }

    #[test]
    fn nsmallest_with_null_keys_kept_and_first_seen_order() {
        let b = batch(
            vec![Some("b"), None, Some("a"), None, Some("b"), Some("b")],
            vec![Some(3.0), Some(2.0), Some(4.0), Some(1.0), Some(-0.0), Some(0.0)],
        );
        let s = spec(2, TopNOrder::Smallest, false, false);
        let got = rows(&finish(&b, &s).unwrap());
        assert_eq!(
            got,
            [
                r(Some("b"), Some(-0.0)),
                r(Some("b"), Some(0.0)),
                r(None, Some(1.0)),
                r(None, Some(2.0)),
                r(Some("a"), Some(4.0)),
            ]
        );
        assert!(got[0].1.unwrap().is_sign_negative(), "-0.0 and 0.0 tie: the first row wins");
        let sorted = rows(&finish(&b, &spec(2, TopNOrder::Smallest, true, false)).unwrap());
        assert_eq!(
            sorted.iter().map(|x| x.0.clone()).collect::<Vec<_>>()[..],
            [Some("a".into()), Some("b".into()), Some("b".into()), None, None]
        );
    }

    #[test]
    fn merging_partitions_equals_one_batch() {
        // Many rows per group in a shuffled order, split at every point.
        let n = 40;
        let keys: Vec<Option<&str>> = (0..n).map(|i| [Some("x"), Some("y"), None][i % 3]).collect();
        let vals: Vec<Option<f64>> =
            (0..n).map(|i| if i % 7 == 3 { None } else { Some(((i * 13) % 11) as f64) }).collect();
        let whole = batch(keys, vals);
        for order in [TopNOrder::Largest, TopNOrder::Smallest, TopNOrder::First] {
            for n_keep in [1, 3, 20] {
                let s = spec(n_keep, order, true, false);
                let want = finish(&candidates(&whole, &s).unwrap(), &s).unwrap();
                for cut in [0, 1, 17, 39, 40] {
                    let parts = [whole.slice(0, cut), whole.slice(cut, n - cut)];
                    let c: Vec<RecordBatch> = parts.iter().map(|p| candidates(p, &s).unwrap()).collect();
                    let got = finish(&merge(&whole.schema(), &c, &s).unwrap(), &s).unwrap();
                    assert_eq!(rows(&got), rows(&want), "{order:?} n={n_keep} cut={cut}");
                }
            }
        }
    }

    #[test]
    fn head_keeps_row_order_and_drops_null_keys() {
        let b = batch(
            vec![Some("b"), None, Some("a"), Some("b"), Some("b"), Some("a")],
            vec![Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(5.0), Some(6.0)],
        )
        .slice(0, 6);
        let s = spec(2, TopNOrder::First, true, true);
        let got = rows(&finish(&candidates(&b.slice(1, 5), &s).unwrap(), &s).unwrap());
        assert_eq!(
            got,
            [
                r(Some("a"), Some(3.0)),
                r(Some("b"), Some(4.0)),
                r(Some("b"), Some(5.0)),
                r(Some("a"), Some(6.0))
            ]
        );
        let empty = candidates(&b.slice(0, 0), &s).unwrap();
        assert_eq!(finish(&empty, &s).unwrap().num_rows(), 0);
        let zero = spec(0, TopNOrder::Largest, true, true);
        assert_eq!(finish(&b, &zero).unwrap().num_rows(), 0);
    }

    #[test]
    fn integer_values_no_keys_and_unsupported_types() {
        let schema = Arc::new(Schema::new(vec![Field::new("v", DataType::Int64, true)]));
        let b = RecordBatch::try_new(
            schema,
            vec![Arc::new(Int64Array::from(vec![Some(3), None, Some(9), Some(3), Some(-1)]))],
        )
        .unwrap();
        let s = TopNSpec {
            keys: vec![],
            value: Some("v".into()),
            n: 3,
            order: TopNOrder::Largest,
            options: GroupOptions::default(),
        };
        let got = finish(&b, &s).unwrap();
        assert_eq!(got.column(0).as_ref(), &Int64Array::from(vec![9, 3, 3]) as &dyn Array);
        assert!(can_rank(&DataType::Date32) && !can_rank(&DataType::Utf8) && !can_rank(&DataType::Boolean));
        let strings = batch(vec![Some("a")], vec![Some(1.0)]);
        let bad = TopNSpec { value: Some("k".into()), ..s };
        assert!(matches!(candidates(&strings, &bad), Err(Error::Type { .. })));
    }
}

#[cfg(test)]
mod timing {
    use std::time::Duration;

    use arrow::array::{Float64Array, Int64Array};
    use arrow::datatypes::{Field, Schema};

    use super::*;

    /// The kernel on one h2o-like partition (1.25e6 rows, an int64 key of
    /// 1e5 groups, float values), release mode:
    /// `cargo test --release -p rusk-ops top_n::timing -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a test"]
    fn timing() {
        const N: usize = 1_250_000;
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let id6: Int64Array = (0..N).map(|_| Some(1 + (next() % 100_000) as i64)).collect();
        let v3: Float64Array = (0..N).map(|_| Some((next() % 100_000_000) as f64 / 1e6)).collect();
        let schema = Arc::new(Schema::new(vec![
            Field::new("id6", DataType::Int64, true),
            Field::new("v3", DataType::Float64, true),
        ]));
        let b = RecordBatch::try_new(schema, vec![Arc::new(id6), Arc::new(v3)]).unwrap();
        // Best of 5 of this thread's CPU time: the machine may be shared.
        let cpu = || {
            std::fs::read_to_string("/proc/thread-self/schedstat")
                .ok()
                .and_then(|s| s.split_whitespace().next().and_then(|t| t.parse::<u64>().ok()))
                .map_or(Duration::ZERO, Duration::from_nanos)
        };
        let best = |f: &mut dyn FnMut()| {
            (0..5)
                .map(|_| {
                    let t = cpu();
                    f();
                    cpu().saturating_sub(t)
                })
                .min()
                .unwrap_or_default()
        };
        for order in [TopNOrder::Largest, TopNOrder::First] {
            let spec = TopNSpec {
                keys: vec!["id6".into()],
                value: (order != TopNOrder::First).then(|| "v3".to_string()),
                n: 2,
                order,
                options: GroupOptions::default(),
            };
            let t_ids = best(&mut || drop(group(&b, &spec.keys).unwrap()));
            let mut c = RecordBatch::new_empty(b.schema());
            let t_all = best(&mut || c = candidates(&b, &spec).unwrap());
            let mut f = RecordBatch::new_empty(b.schema());
            let t_finish = best(&mut || f = finish(&c, &spec).unwrap());
            println!(
                "{order:?}: group ids {t_ids:?}, candidates (ids included) {t_all:?} ({} rows), finish {t_finish:?} ({} rows)",
                c.num_rows(),
                f.num_rows()
            );
        }
    }
}
