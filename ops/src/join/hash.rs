//! pandas' `merge` of two batches on equal keys: a hash join.
//!
//! The join first finds which rows pair up, as two index arrays (a left row
//! and a right row per output row, null for a missing side), then builds
//! every output column with one `take`. Finding the pairs:
//!
//! ```text
//! build (right) keys   "a" "b" "a" null         probe (left) keys  "b" "z" "a"
//! group ids             0   1   0   (null)  ─▶   ids                1   3   0
//! rows by group (CSR)   0:[0 2]  1:[1]           pairs (left,right) (0,1) (2,0) (2,2)
//! ```
//!
//! The build side's keys are interned into the groupby's dense group-id
//! table ([`GroupIds`]: keys compare as they group, dictionaries by value,
//! `-0.0 == 0.0`, NaN equal to NaN), and its rows are bucketed per group
//! (offsets and row lists), so a key repeated on both sides costs one
//! probe per probe row, not one per pair. The probe side's keys are then
//! interned into the same table: an id at or past the build's group count
//! is a key the build side does not hold.
//!
//! A build side keyed by one integer column of a small range in which no
//! key repeats (a dimension table's `1..n`) skips all of that: a table of
//! build rows by key offset (`DenseKeys::unique`) gives each probe row its
//! match in one load, and when every probe row matches once the probe
//! side's columns are reused as they are. On a 1.25e6 × 1e5 star join
//! (one task of the h2o star join) finding the pairs went from 7.6 to
//! 1.7 ms and the whole join from 9.2 to 3.2 ms.
//!
//! Nulls: a row with a null in any key matches nothing (as SQL and Polars;
//! pandas matches NaN with NaN). Such build rows are left out of the
//! buckets, so the null key's group, which a probe row may find, is empty.
//!
//! The right side is the build side, so that output rows come in left row
//! order with a left row's matches in right row order, as pandas orders
//! them; a right join builds on the left for the same reason.

use std::sync::Arc;

use arrow::array::{
    new_null_array, Array, ArrayRef, BooleanArray, DictionaryArray, Int8Array, StringArray, UInt32Array,
};
use arrow::buffer::{BooleanBuffer, NullBuffer, ScalarBuffer};
use arrow::compute::kernels::cast::cast;
use arrow::compute::kernels::zip::zip;
use arrow::compute::take;
use arrow::datatypes::{DataType, Int8Type, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

use super::dense::DenseKeys;
use super::keys::common_key_type;
use super::schema::join_schema;
use super::types::{JoinSpec, JoinType, INDICATOR_BOTH, INDICATOR_LEFT_ONLY, INDICATOR_RIGHT_ONLY};
use crate::aggregate::group_ids::GroupIds;
use crate::error::{Error, Result};

/// A missing side in a pair of row indices (a row has at most `u32::MAX - 1`
/// rows before it, see [`check_rows`]).
pub(super) const NONE: u32 = u32::MAX;

/// `left` joined with `right` as pandas' `merge(left, right, how, left_on,
/// right_on, suffixes, indicator)`, with the schema of [`join_schema`].
///
/// Rows come in pandas' order: for inner, left, semi and anti joins the left
/// rows in order, each followed by its matches in right row order (semi and
/// anti keep each left row once); for a right join the right rows in order,
/// each with its left matches in left order; an outer join is the left
/// join followed by the right rows that matched nothing, in right order; a
/// cross join pairs each left row with every right row in turn.
///
/// A key with the same name on both sides is one column of the keys'
/// common type, holding the left value, or the right one where the row has
/// no left side. A null in any key matches nothing (pandas would match NaN
/// with NaN): the row is kept, unmatched, by the joins that keep unmatched
/// rows of its side, and by anti.
///
/// # Errors
/// Those of [`join_schema`] (unknown or incomparable keys, colliding
/// names); [`Error::InvalidArgument`] for a side of `u32::MAX` rows or more;
/// Arrow's errors casting keys to their common type.
pub fn hash_join(left: &RecordBatch, right: &RecordBatch, spec: &JoinSpec) -> Result<RecordBatch> {
    let schema = join_schema(&left.schema(), &right.schema(), spec)?;
    check_rows(left.num_rows(), "left")?;
    check_rows(right.num_rows(), "right")?;
    let (left_rows, right_rows) = if spec.how == JoinType::Cross {
        cross_pairs(left.num_rows(), right.num_rows())?
    } else {
        let left_keys = key_columns(left, &spec.left_on)?;
        let right_keys = key_columns(right, &spec.right_on)?;
        key_pairs(&left_keys, &right_keys, spec.how)?
    };
    assemble(left, right, spec, schema, left_rows, right_rows)
}

/// Row indices are `u32`, with `u32::MAX` kept for a missing side.
fn check_rows(n: usize, side: &str) -> Result<()> {
    if n >= NONE as usize {
        return Err(Error::InvalidArgument(format!(
            "merge: the {side} side has {n} rows; a join takes at most {} per side (split it into partitions)",
            NONE - 1
        )));
    }
    Ok(())
}

fn key_columns(batch: &RecordBatch, names: &[String]) -> Result<Vec<ArrayRef>> {
    names
        .iter()
        .map(|n| {
            batch.column_by_name(n).cloned().ok_or_else(|| Error::ColumnNotFound {
                name: n.clone(),
                available: batch.schema().fields().iter().map(|f| f.name().clone()).collect(),
            })
        })
        .collect()
}

/// Every left row with every right row: `(0,0) (0,1) … (1,0) …`.
fn cross_pairs(n_left: usize, n_right: usize) -> Result<(Vec<u32>, Option<Vec<u32>>)> {
    let n = n_left.checked_mul(n_right).ok_or_else(|| {
        Error::InvalidArgument(format!("merge: a cross join of {n_left} × {n_right} rows is too large"))
    })?;
    let mut left = Vec::with_capacity(n);
    let mut right = Vec::with_capacity(n);
    // Both counts are below `NONE` (checked), so the casts are exact.
    for l in 0..n_left as u32 {
        left.extend(std::iter::repeat_n(l, n_right));
        right.extend(0..n_right as u32);
    }
    Ok((left, Some(right)))
}

/// The (left row, right row) pairs of a keyed join, `NONE` for a missing
/// side; no right rows for semi and anti, whose output is left rows only.
pub(super) fn key_pairs(
    left_keys: &[ArrayRef],
    right_keys: &[ArrayRef],
    how: JoinType,
) -> Result<(Vec<u32>, Option<Vec<u32>>)> {
    let types = left_keys
        .iter()
        .zip(right_keys)
        .map(|(l, r)| {
            common_key_type(l.data_type(), r.data_type()).ok_or_else(|| {
                Error::type_error(format!(
                    "merge keys of types {} and {} never compare",
                    crate::dtype::pandas_dtype(l.data_type()),
                    crate::dtype::pandas_dtype(r.data_type())
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // The right side builds, but for a right join: the left join of right
    // with left, sides swapped back.
    let (build, probe, probe_how) = match how {
        JoinType::Right => (left_keys, right_keys, JoinType::Left),
        _ => (right_keys, left_keys, how),
    };
    let build_len = build.first().map_or(0, |k| k.len());
    let (build_rows, probe_rows) = match DenseKeys::unique(build).and_then(|d| d.probe(probe)) {
        Some(found) => unique_pairs(found, build_len, probe_how),
        None => BuildTable::new(build, &types)?.probe(probe, probe_how)?,
    };
    if how == JoinType::Right {
        let left = build_rows
            .ok_or_else(|| Error::Internal("a left probe without build rows (a bug in rusk)".into()))?;
        return Ok((left, Some(probe_rows)));
    }
    Ok((probe_rows, build_rows))
}

/// The (build row, probe row) pairs of a join of `how` with the probe
/// side as its left, given each probe row's one build row (`found`,
/// `NONE` for none), as a build side whose keys never repeat gives them
/// (`DenseKeys::unique`); `(None, probe rows)` for semi and anti. A fact
/// table's rows against a dimension table's all match once: the probe
/// rows are then every row in order, which the output reuses as they are.
fn unique_pairs(found: Vec<u32>, build_len: usize, how: JoinType) -> (Option<Vec<u32>>, Vec<u32>) {
    let n = found.len();
    // Probe row numbers are below `NONE` (checked by `hash_join`).
    let matched = |keep: bool| -> Vec<u32> {
        found.iter().enumerate().filter(|(_, &r)| (r != NONE) == keep).map(|(i, _)| i as u32).collect()
    };
    match how {
        JoinType::Semi => (None, matched(true)),
        JoinType::Anti => (None, matched(false)),
        JoinType::Inner if found.contains(&NONE) => {
            let probe_rows = matched(true);
            let build_rows = probe_rows.iter().map(|&i| found[i as usize]).collect();
            (Some(build_rows), probe_rows)
        }
        JoinType::Outer => {
            // The left join, then the build rows no probe row found, in order.
            let mut hit = vec![false; build_len];
            for &r in &found {
                if let Some(h) = hit.get_mut(r as usize) {
                    *h = true;
                }
            }
            let (mut build_rows, mut probe_rows) = (found, (0..n as u32).collect::<Vec<u32>>());
            for (r, _) in hit.iter().enumerate().filter(|(_, &h)| !h) {
                probe_rows.push(NONE);
                build_rows.push(r as u32);
            }
            (Some(build_rows), probe_rows)
        }
        // Inner with every probe row matched, or left: every probe row once.
        _ => (Some(found), (0..n as u32).collect()),
    }
}

/// The build side's rows bucketed by key: the rows of group `g` are
/// `rows[offsets[g]..offsets[g + 1]]`, in row order.
struct BuildTable {
    ids: GroupIds,
    /// The groups by key offset, when the key is one integer column of a
    /// small range (`dense.rs`): the probe then hashes nothing.
    dense: Option<DenseKeys>,
    /// The build rows' group ids, `NONE` for a row with a null key.
    row_groups: Vec<u32>,
    offsets: Vec<u32>,
    rows: Vec<u32>,
}

impl BuildTable {
    fn new(keys: &[ArrayRef], types: &[DataType]) -> Result<Self> {
        let n = keys.first().map_or(0, |k| k.len());
        let mut ids = GroupIds::new(types)?;
        let mut row_groups = Vec::with_capacity(n);
        ids.intern(keys, n, &mut row_groups)?;
        unset_null_keys(keys, &mut row_groups);
        let (offsets, rows) = buckets(&row_groups, ids.num_groups());
        let dense = DenseKeys::new(keys, &row_groups);
        Ok(BuildTable { ids, dense, row_groups, offsets, rows })
    }

    /// Pairs of (build row, probe row) for a join of `how` with the probe
    /// side as its left: `(None, probe rows)` for semi and anti.
    fn probe(mut self, keys: &[ArrayRef], how: JoinType) -> Result<(Option<Vec<u32>>, Vec<u32>)> {
        let n = keys.first().map_or(0, |k| k.len());
        let groups = self.offsets.len() - 1;
        let probe_groups = match self.dense.as_ref().and_then(|d| d.probe(keys)) {
            Some(found) => found,
            None => {
                let mut interned = Vec::with_capacity(n);
                self.ids.intern(keys, n, &mut interned)?;
                interned
            }
        };
        let (offsets, rows) = (&self.offsets, &self.rows);
        // The bucket of group `g`: empty for a group the build side lacks.
        let bucket = |g: u32| -> &[u32] {
            let g = g as usize;
            if g < groups {
                &rows[offsets[g] as usize..offsets[g + 1] as usize]
            } else {
                &[]
            }
        };
        let mut probe_rows = Vec::with_capacity(n);
        match how {
            JoinType::Semi | JoinType::Anti => {
                let keep = how == JoinType::Semi;
                for (i, &g) in probe_groups.iter().enumerate() {
                    if bucket(g).is_empty() != keep {
                        probe_rows.push(i as u32);
                    }
                }
                return Ok((None, probe_rows));
            }
            JoinType::Inner | JoinType::Left | JoinType::Outer => {}
            JoinType::Right | JoinType::Cross => {
                return Err(Error::Internal(format!("a {how} join probed as a left one (a bug in rusk)")))
            }
        }
        let keep_unmatched = how != JoinType::Inner;
        let mut build_rows = Vec::with_capacity(n);
        for (i, &g) in probe_groups.iter().enumerate() {
            match bucket(g) {
                [] if keep_unmatched => {
                    probe_rows.push(i as u32);
                    build_rows.push(NONE);
                }
                [] => {}
                &[r] => {
                    probe_rows.push(i as u32);
                    build_rows.push(r);
                }
                matches => {
                    probe_rows.extend(std::iter::repeat_n(i as u32, matches.len()));
                    build_rows.extend_from_slice(matches);
                }
            }
        }
        if how == JoinType::Outer {
            // A group is matched as a whole: every build row of a key some
            // probe row holds.
            let mut matched = vec![false; groups];
            for &g in &probe_groups {
                if let Some(m) = matched.get_mut(g as usize) {
                    *m = true;
                }
            }
            for (r, &g) in self.row_groups.iter().enumerate() {
                if !matched.get(g as usize).copied().unwrap_or(false) {
                    probe_rows.push(NONE);
                    build_rows.push(r as u32);
                }
            }
        }
        Ok((Some(build_rows), probe_rows))
    }
}

/// The rows of each of `groups` groups, given each row's group (`NONE`
/// for none): group `g`'s rows are `rows[offsets[g]..offsets[g + 1]]`, in
/// row order (a counting sort, which is stable). Rows number below `NONE`.
pub(super) fn buckets(row_groups: &[u32], groups: usize) -> (Vec<u32>, Vec<u32>) {
    let mut offsets = vec![0u32; groups + 1];
    for &g in row_groups {
        if let Some(count) = offsets.get_mut((g as usize).wrapping_add(1)) {
            *count += 1;
        }
    }
    for i in 0..groups {
        offsets[i + 1] += offsets[i];
    }
    let mut next = offsets.clone();
    let mut rows = vec![0u32; offsets[groups] as usize];
    for (r, &g) in row_groups.iter().enumerate() {
        if let Some(at) = next.get_mut(g as usize) {
            rows[*at as usize] = r as u32;
            *at += 1;
        }
    }
    (offsets, rows)
}

/// Sets the group of each row with a null in any key column (logically: a
/// dictionary's null values too) to `NONE`.
pub(super) fn unset_null_keys(keys: &[ArrayRef], groups: &mut [u32]) {
    let nulls = keys
        .iter()
        .fold(None, |acc: Option<NullBuffer>, k| NullBuffer::union(acc.as_ref(), k.logical_nulls().as_ref()));
    if let Some(nulls) = nulls.filter(|n| n.null_count() > 0) {
        for (g, valid) in groups.iter_mut().zip(nulls.iter()) {
            if !valid {
                *g = NONE;
            }
        }
    }
}

/// Row indices for `take`, null where `NONE` (and 0 there, so that no
/// kernel reads past the array).
pub(super) fn indices(mut rows: Vec<u32>) -> UInt32Array {
    let nulls = if rows.contains(&NONE) {
        let valid = BooleanBuffer::collect_bool(rows.len(), |i| rows[i] != NONE);
        for r in rows.iter_mut().filter(|r| **r == NONE) {
            *r = 0;
        }
        Some(NullBuffer::new(valid))
    } else {
        None
    };
    UInt32Array::new(ScalarBuffer::from(rows), nulls)
}

/// `column`'s rows at `rows` (null at a null index).
pub(super) fn take_rows(column: &ArrayRef, rows: &UInt32Array) -> Result<ArrayRef> {
    if column.is_empty() {
        // Every index is null (the side has no row to point at).
        return Ok(new_null_array(column.data_type(), rows.len()));
    }
    Ok(take(column.as_ref(), rows, None)?)
}

/// The output columns in [`join_schema`]'s order, from the row pairs.
fn assemble(
    left: &RecordBatch,
    right: &RecordBatch,
    spec: &JoinSpec,
    schema: SchemaRef,
    left_rows: Vec<u32>,
    right_rows: Option<Vec<u32>>,
) -> Result<RecordBatch> {
    let num_rows = left_rows.len();
    // Every left row once, in order (a left join on unique right keys, or
    // a semi join that kept all): the left columns are reused as they are.
    let left_identity =
        num_rows == left.num_rows() && left_rows.iter().enumerate().all(|(i, &r)| r as usize == i);
    let left_rows = indices(left_rows);
    let right_rows = right_rows.map(indices);
    let shared: Vec<usize> = (0..spec.left_on.len()).filter(|&i| spec.is_shared_key(i)).collect();
    let mut columns = Vec::with_capacity(schema.fields().len());
    let left_schema = left.schema();
    for (field, column) in left_schema.fields().iter().zip(left.columns()) {
        let taken = if left_identity { Arc::clone(column) } else { take_rows(column, &left_rows)? };
        let key = shared.iter().find(|&&i| &spec.left_on[i] == field.name());
        let Some(&key) = key else {
            columns.push(taken);
            continue;
        };
        // A shared key: in the keys' common type, the right's value where
        // the row has no left side.
        let out_type = schema.field(columns.len()).data_type().clone();
        let taken = cast(&taken, &out_type)?;
        let value = match &right_rows {
            Some(right_rows) if left_rows.null_count() > 0 => {
                let right_key = right
                    .column_by_name(&spec.right_on[key])
                    .ok_or_else(|| Error::Internal("a right key vanished (a bug in rusk)".into()))?;
                let right_taken = cast(&take_rows(right_key, right_rows)?, &out_type)?;
                let has_left = BooleanArray::new(
                    left_rows.nulls().map_or_else(|| BooleanBuffer::new_set(num_rows), |n| n.inner().clone()),
                    None,
                );
                zip(&has_left, &taken, &right_taken)?
            }
            _ => taken,
        };
        columns.push(value);
    }
    if let Some(right_rows) = &right_rows {
        let right_schema = right.schema();
        for (field, column) in right_schema.fields().iter().zip(right.columns()) {
            if shared.iter().any(|&i| &spec.right_on[i] == field.name()) {
                continue;
            }
            columns.push(take_rows(column, right_rows)?);
        }
    }
    if spec.indicator.is_some() {
        columns.push(indicator(&left_rows, right_rows.as_ref(), spec.how)?);
    }
    if columns.len() != schema.fields().len() {
        return Err(Error::Internal(format!(
            "merge built {} columns for a schema of {} (a bug in rusk)",
            columns.len(),
            schema.fields().len()
        )));
    }
    let options = RecordBatchOptions::new().with_row_count(Some(num_rows));
    Ok(RecordBatch::try_new_with_options(schema, columns, &options)?)
}

/// pandas' `_merge` column: a categorical of `left_only`, `right_only`,
/// `both` (in that order, pandas' categories), as a dictionary.
fn indicator(left_rows: &UInt32Array, right_rows: Option<&UInt32Array>, how: JoinType) -> Result<ArrayRef> {
    const LEFT_ONLY: i8 = 0;
    const RIGHT_ONLY: i8 = 1;
    const BOTH: i8 = 2;
    let codes: Int8Array = match right_rows {
        Some(right_rows) => left_rows
            .iter()
            .zip(right_rows.iter())
            .map(|(l, r)| match (l, r) {
                (Some(_), Some(_)) => BOTH,
                (Some(_), None) => LEFT_ONLY,
                _ => RIGHT_ONLY,
            })
            .collect::<Vec<_>>()
            .into(),
        // Semi rows all matched, anti rows all did not.
        None => vec![if how == JoinType::Anti { LEFT_ONLY } else { BOTH }; left_rows.len()].into(),
    };
    let values = StringArray::from(vec![INDICATOR_LEFT_ONLY, INDICATOR_RIGHT_ONLY, INDICATOR_BOTH]);
    Ok(Arc::new(DictionaryArray::<Int8Type>::try_new(codes, Arc::new(values))?))
}

#[cfg(test)]
pub(crate) mod tests {
    use arrow::array::{
        AsArray, DictionaryArray, Float64Array, Int32Array, Int64Array, StringArray, StringViewArray,
    };
    use arrow::datatypes::{Int32Type, Int64Type};
    use arrow::util::display::{ArrayFormatter, FormatOptions};

    use super::*;

    /// Each row as its values joined by spaces, `-` for null.
    pub(crate) fn rows(batch: &RecordBatch) -> Vec<String> {
        let options = FormatOptions::default().with_null("-");
        let formatters: Vec<_> =
            batch.columns().iter().map(|c| ArrayFormatter::try_new(c.as_ref(), &options).unwrap()).collect();
        (0..batch.num_rows())
            .map(|i| formatters.iter().map(|f| f.value(i).to_string()).collect::<Vec<_>>().join(" "))
            .collect()
    }

    fn names(batch: &RecordBatch) -> Vec<String> {
        batch.schema().fields().iter().map(|f| f.name().clone()).collect()
    }

    /// Seeded draws in `0..m` (a linear congruential generator).
    fn draws(seed: u64) -> impl FnMut(i64) -> i64 {
        let mut state = seed;
        move |m: i64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) as i64).rem_euclid(m)
        }
    }

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(columns).unwrap()
    }

    /// Left `k a`: 1 a, 2 b, 2 c, 3 d, null e. Right `k b`: 2 10, 2 20, 4 30, 1 40, null 50.
    fn sides() -> (RecordBatch, RecordBatch) {
        let left = batch(vec![
            ("k", Arc::new(Int64Array::from(vec![Some(1), Some(2), Some(2), Some(3), None]))),
            ("a", Arc::new(StringArray::from(vec!["a", "b", "c", "d", "e"]))),
        ]);
        let right = batch(vec![
            ("k", Arc::new(Int64Array::from(vec![Some(2), Some(2), Some(4), Some(1), None]))),
            ("b", Arc::new(Int64Array::from(vec![10, 20, 30, 40, 50]))),
        ]);
        (left, right)
    }

    fn join(left: &RecordBatch, right: &RecordBatch, how: JoinType) -> RecordBatch {
        hash_join(left, right, &JoinSpec::new(how, vec!["k".into()], vec!["k".into()])).unwrap()
    }

    #[test]
    fn every_join_type_in_pandas_order_and_null_keys_never_match() {
        let (left, right) = sides();
        let inner = join(&left, &right, JoinType::Inner);
        assert_eq!(names(&inner), ["k", "a", "b"]);
        assert_eq!(rows(&inner), ["1 a 40", "2 b 10", "2 b 20", "2 c 10", "2 c 20"]);
        assert_eq!(
            rows(&join(&left, &right, JoinType::Left)),
            ["1 a 40", "2 b 10", "2 b 20", "2 c 10", "2 c 20", "3 d -", "- e -"]
        );
        // Right rows in order, each with its left matches in left order; the
        // shared key comes from the right where the left is missing.
        assert_eq!(
            rows(&join(&left, &right, JoinType::Right)),
            ["2 b 10", "2 c 10", "2 b 20", "2 c 20", "4 - 30", "1 a 40", "- - 50"]
        );
        assert_eq!(
            rows(&join(&left, &right, JoinType::Outer)),
            ["1 a 40", "2 b 10", "2 b 20", "2 c 10", "2 c 20", "3 d -", "- e -", "4 - 30", "- - 50"]
        );
        let semi = join(&left, &right, JoinType::Semi);
        assert_eq!(names(&semi), ["k", "a"]);
        assert_eq!(rows(&semi), ["1 a", "2 b", "2 c"]);
        assert_eq!(rows(&join(&left, &right, JoinType::Anti)), ["3 d", "- e"]);
        let cross =
            hash_join(&left.slice(0, 2), &right.slice(2, 2), &JoinSpec::new(JoinType::Cross, vec![], vec![]))
                .unwrap();
        assert_eq!(names(&cross), ["k_x", "a", "k_y", "b"]);
        assert_eq!(rows(&cross), ["1 a 4 30", "1 a 1 40", "2 b 4 30", "2 b 1 40"]);
    }

    /// Integer keys, small-range (looked up by offset, `dense.rs`) and
    /// sparse (interned), with nulls and a type's extremes: the inner and
    /// left joins are the nested loop's pairs, in its order.
    #[test]
    fn integer_keys_join_as_a_nested_loop_does() {
        let mut next = draws(11);
        let value = |name: &str, v: i64| match name {
            "dense" => v - 3,
            "sparse" => v * 1_000_000_007,
            _ => [-128, 127, 0, -1, 5][(v % 5) as usize],
        };
        for name in ["dense", "sparse", "i8"] {
            let keys = |n: usize, next: &mut dyn FnMut(i64) -> i64| -> ArrayRef {
                let v: Vec<Option<i64>> =
                    (0..n).map(|_| (next(9) != 0).then(|| value(name, next(40)))).collect();
                let a: ArrayRef = Arc::new(Int64Array::from(v));
                if name == "i8" {
                    cast(&a, &DataType::Int8).unwrap()
                } else {
                    a
                }
            };
            let (lk, rk) = (keys(300, &mut next), keys(60, &mut next));
            let left = batch(vec![("k", lk.clone()), ("a", Arc::new(Int64Array::from_iter_values(0..300)))]);
            let right = batch(vec![("k", rk.clone()), ("b", Arc::new(Int64Array::from_iter_values(0..60)))]);
            let (lk, rk) = (cast(&lk, &DataType::Int64).unwrap(), cast(&rk, &DataType::Int64).unwrap());
            let (lk, rk) = (lk.as_primitive::<Int64Type>(), rk.as_primitive::<Int64Type>());
            let mut inner = vec![];
            let mut left_rows = vec![];
            for i in 0..300 {
                let before = inner.len();
                for j in 0..60 {
                    if lk.is_valid(i) && rk.is_valid(j) && lk.value(i) == rk.value(j) {
                        inner.push(format!("{} {i} {j}", lk.value(i)));
                    }
                }
                left_rows.extend(inner[before..].iter().cloned());
                if inner.len() == before {
                    let k = if lk.is_valid(i) { lk.value(i).to_string() } else { "-".into() };
                    left_rows.push(format!("{k} {i} -"));
                }
            }
            assert!(!inner.is_empty(), "{name}");
            assert_eq!(rows(&join(&left, &right, JoinType::Inner)), inner, "{name}");
            assert_eq!(rows(&join(&left, &right, JoinType::Left)), left_rows, "{name}");
        }
    }

    /// A build side whose integer keys never repeat (a dimension table's),
    /// looked up by offset straight to its row: every join type as nested
    /// loops give it, with nulls and probe keys outside the build's range.
    #[test]
    fn unique_dense_keys_join_as_a_nested_loop_does() {
        let mut next = draws(5);
        // Right: 0..60 shuffled, every 7th null; left: -5..70 drawn, every 9th null.
        let rk: Vec<Option<i64>> = (0..60).map(|j| (j % 7 != 3).then_some((j * 37) % 60)).collect();
        let lk: Vec<Option<i64>> = (0..300).map(|i| (i % 9 != 4).then(|| next(75) - 5)).collect();
        for data_type in [DataType::Int64, DataType::Int8] {
            let typed =
                |v: &[Option<i64>]| cast(&(Arc::new(Int64Array::from(v.to_vec())) as ArrayRef), &data_type);
            let left = batch(vec![
                ("k", typed(&lk).unwrap()),
                ("a", Arc::new(Int64Array::from_iter_values(0..300))),
            ]);
            let right =
                batch(vec![("k", typed(&rk).unwrap()), ("b", Arc::new(Int64Array::from_iter_values(0..60)))]);
            let key = |k: Option<i64>| k.map_or("-".to_string(), |k| k.to_string());
            // The rows of `side` holding `k` (never a null).
            let hits = |k: Option<i64>, side: &[Option<i64>]| -> Vec<usize> {
                side.iter().enumerate().filter(|(_, &o)| k.is_some() && o == k).map(|(j, _)| j).collect()
            };
            let (mut inner, mut left_rows, mut semi, mut anti) = (vec![], vec![], vec![], vec![]);
            for (i, &k) in lk.iter().enumerate() {
                let found = hits(k, &rk);
                for &j in &found {
                    inner.push(format!("{} {i} {j}", key(k)));
                    left_rows.push(format!("{} {i} {j}", key(k)));
                }
                if found.is_empty() {
                    left_rows.push(format!("{} {i} -", key(k)));
                    anti.push(format!("{} {i}", key(k)));
                } else {
                    semi.push(format!("{} {i}", key(k)));
                }
            }
            let mut outer = left_rows.clone();
            let mut right_rows = vec![];
            for (j, &k) in rk.iter().enumerate() {
                let found = hits(k, &lk);
                if found.is_empty() {
                    outer.push(format!("{} - {j}", key(k)));
                    right_rows.push(format!("{} - {j}", key(k)));
                }
                right_rows.extend(found.iter().map(|i| format!("{} {i} {j}", key(k))));
            }
            assert!(!inner.is_empty() && !anti.is_empty());
            for (how, want) in [
                (JoinType::Inner, inner),
                (JoinType::Left, left_rows),
                (JoinType::Outer, outer),
                (JoinType::Semi, semi),
                (JoinType::Anti, anti),
                (JoinType::Right, right_rows),
            ] {
                assert_eq!(rows(&join(&left, &right, how)), want, "{how} {data_type}");
            }
            // Every probe row matched once: the left rows are every row, in order.
            let all: Vec<Option<i64>> = (0..300).map(|i| Some((i * 11) % 60)).collect();
            let dense = batch(vec![
                ("k", typed(&all).unwrap()),
                ("a", Arc::new(Int64Array::from_iter_values(0..300))),
            ]);
            let full: Vec<Option<i64>> = (0..60).map(|j| Some((j * 37) % 60)).collect();
            let dim = batch(vec![
                ("k", typed(&full).unwrap()),
                ("b", Arc::new(Int64Array::from_iter_values(0..60))),
            ]);
            let want: Vec<String> = (0..300)
                .map(|i| format!("{} {i} {}", (i * 11) % 60, (0..60).find(|&j| full[j] == all[i]).unwrap()))
                .collect();
            assert_eq!(rows(&join(&dense, &dim, JoinType::Inner)), want, "{data_type}");
            // A right join builds on the left side: here the unique one.
            let mut by_left = vec![];
            for (i, &k) in lk.iter().enumerate() {
                let found = hits(k, &rk);
                if found.is_empty() {
                    by_left.push(format!("{} - {i}", key(k)));
                }
                by_left.extend(found.iter().map(|j| format!("{} {j} {i}", key(k))));
            }
            assert_eq!(rows(&join(&right, &left, JoinType::Right)), by_left, "{data_type}");
        }
    }

    #[test]
    fn no_matches_and_empty_sides() {
        let (left, right) = sides();
        let none = right.slice(2, 1); // key 4 only
        assert!(rows(&join(&left, &none, JoinType::Inner)).is_empty());
        assert_eq!(rows(&join(&left, &none, JoinType::Anti)).len(), 5);
        let empty_right = right.slice(0, 0);
        assert_eq!(
            rows(&join(&left, &empty_right, JoinType::Left)),
            ["1 a -", "2 b -", "2 c -", "3 d -", "- e -"]
        );
        assert!(rows(&join(&left, &empty_right, JoinType::Right)).is_empty());
        let empty_left = left.slice(0, 0);
        assert_eq!(
            rows(&join(&empty_left, &right, JoinType::Outer)),
            ["2 - 10", "2 - 20", "4 - 30", "1 - 40", "- - 50"]
        );
        assert!(rows(&join(&empty_left, &right, JoinType::Semi)).is_empty());
        for how in [JoinType::Inner, JoinType::Left, JoinType::Right, JoinType::Outer, JoinType::Anti] {
            let out = join(&empty_left, &empty_right, how);
            assert_eq!(out.num_rows(), 0);
            assert_eq!(
                out.schema(),
                join_schema(
                    &left.schema(),
                    &right.schema(),
                    &JoinSpec::new(how, vec!["k".into()], vec!["k".into()])
                )
                .unwrap()
            );
        }
        let cross = hash_join(&left, &empty_right, &JoinSpec::new(JoinType::Cross, vec![], vec![])).unwrap();
        assert_eq!(cross.num_rows(), 0);
    }

    #[test]
    fn sliced_inputs() {
        let (left, right) = sides();
        // Left 2 b, 2 c, 3 d; right 2 20, 4 30, 1 40.
        let (left, right) = (left.slice(1, 3), right.slice(1, 3));
        assert_eq!(
            rows(&join(&left, &right, JoinType::Outer)),
            ["2 b 20", "2 c 20", "3 d -", "4 - 30", "1 - 40"]
        );
        assert_eq!(rows(&join(&left, &right, JoinType::Right)), ["2 b 20", "2 c 20", "4 - 30", "1 - 40"]);
    }

    #[test]
    fn several_keys_with_a_null_part() {
        let left = batch(vec![
            ("k1", Arc::new(StringArray::from(vec![Some("x"), Some("x"), Some("y"), None]))),
            ("k2", Arc::new(Int32Array::from(vec![Some(1), Some(2), Some(1), Some(1)]))),
            ("v", Arc::new(Int32Array::from(vec![1, 2, 3, 4]))),
        ]);
        let right = batch(vec![
            ("k2", Arc::new(Int64Array::from(vec![Some(1), None, Some(2), Some(1)]))),
            ("k1", Arc::new(StringViewArray::from(vec![Some("y"), Some("x"), Some("x"), None]))),
            ("v", Arc::new(Int32Array::from(vec![10, 20, 30, 40]))),
        ]);
        let spec =
            JoinSpec::new(JoinType::Outer, vec!["k1".into(), "k2".into()], vec!["k1".into(), "k2".into()]);
        let out = hash_join(&left, &right, &spec).unwrap();
        assert_eq!(names(&out), ["k1", "k2", "v_x", "v_y"]);
        assert_eq!(out.column(0).data_type(), &DataType::Utf8);
        assert_eq!(out.column(1).data_type(), &DataType::Int64);
        assert_eq!(rows(&out), ["x 1 1 -", "x 2 2 30", "y 1 3 10", "- 1 4 -", "x - - 20", "- 1 - 40"]);
    }

    #[test]
    fn keys_of_other_types_compare_by_value() {
        // Int32 with Int64, and a dictionary with string views.
        let left = batch(vec![
            ("k", Arc::new(Int32Array::from(vec![3, 1, 2]))),
            (
                "s",
                Arc::new(
                    vec![Some("p"), None, Some("q")].into_iter().collect::<DictionaryArray<Int32Type>>(),
                ),
            ),
        ]);
        let right = batch(vec![
            ("k", Arc::new(Int64Array::from(vec![1, 3, 5]))),
            ("t", Arc::new(StringViewArray::from(vec![Some("q"), None, Some("p")]))),
        ]);
        let out = join(&left, &right, JoinType::Right);
        assert_eq!(out.schema().field(0).data_type(), &DataType::Int64);
        assert_eq!(rows(&out), ["1 - q", "3 p -", "5 - p"]);
        let spec = JoinSpec::new(JoinType::Inner, vec!["s".into()], vec!["t".into()]);
        let out = hash_join(&left, &right, &spec).unwrap();
        assert_eq!(names(&out), ["k_x", "s", "k_y", "t"]);
        assert_eq!(rows(&out), ["3 p 5 p", "2 q 1 q"]);
        // A shared dictionary key against Utf8 comes out as Utf8.
        let right = batch(vec![
            ("s", Arc::new(StringArray::from(vec!["q", "r"]))),
            ("n", Arc::new(Int32Array::from(vec![7, 8]))),
        ]);
        let spec = JoinSpec::new(JoinType::Outer, vec!["s".into()], vec!["s".into()]);
        let out = hash_join(&left, &right, &spec).unwrap();
        assert_eq!(out.column(1).data_type(), &DataType::Utf8);
        assert_eq!(rows(&out), ["3 p -", "1 - -", "2 q 7", "- r 8"]);
        // -0.0 is 0.0.
        let left = batch(vec![("k", Arc::new(Float64Array::from(vec![0.0, 1.5])))]);
        let right = batch(vec![("k", Arc::new(Float64Array::from(vec![-0.0])))]);
        assert_eq!(rows(&join(&left, &right, JoinType::Inner)), ["0.0"]);
    }

    #[test]
    fn suffixes_and_indicator() {
        let (left, right) = sides();
        let right = batch(vec![("k", Arc::clone(right.column(0))), ("a", Arc::clone(right.column(1)))]);
        let spec = JoinSpec {
            suffixes: ("_l".into(), "_r".into()),
            indicator: Some("_merge".into()),
            ..JoinSpec::new(JoinType::Outer, vec!["k".into()], vec!["k".into()])
        };
        let out = hash_join(&left, &right, &spec).unwrap();
        assert_eq!(names(&out), ["k", "a_l", "a_r", "_merge"]);
        assert_eq!(
            rows(&out),
            [
                "1 a 40 both",
                "2 b 10 both",
                "2 b 20 both",
                "2 c 10 both",
                "2 c 20 both",
                "3 d - left_only",
                "- e - left_only",
                "4 - 30 right_only",
                "- - 50 right_only"
            ]
        );
        let merge = out.column(3).as_dictionary::<Int8Type>();
        assert_eq!(merge.data_type(), &indicator_type_for_test());
        let values = merge.values().as_string::<i32>();
        assert_eq!(values.iter().flatten().collect::<Vec<_>>(), ["left_only", "right_only", "both"]);
        assert_eq!(merge.keys().values().to_vec(), [2, 2, 2, 2, 2, 0, 0, 1, 1]);
        // Semi rows are all "both", anti rows "left_only".
        for (how, want) in [(JoinType::Semi, "both"), (JoinType::Anti, "left_only")] {
            let out = hash_join(&left, &right, &JoinSpec { how, ..spec.clone() }).unwrap();
            assert!(rows(&out).iter().all(|r| r.ends_with(want)), "{how}");
        }
    }

    fn indicator_type_for_test() -> DataType {
        super::super::schema::indicator_type()
    }

    #[test]
    fn bad_keys_are_errors() {
        let (left, right) = sides();
        let spec = JoinSpec::new(JoinType::Inner, vec!["nope".into()], vec!["k".into()]);
        assert!(matches!(
            hash_join(&left, &right, &spec),
            Err(Error::MergeKeyNotFound { side, name, .. }) if side == "left" && name == "nope"
        ));
        let spec = JoinSpec::new(JoinType::Inner, vec!["a".into()], vec!["k".into()]);
        assert!(matches!(hash_join(&left, &right, &spec), Err(Error::Type { .. })));
    }
}
