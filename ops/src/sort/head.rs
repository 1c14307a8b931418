//! The first `n` rows of a stable sort without sorting the rest: pandas'
//! `df.sort_values(by).head(n)`, and a `--sort ... --limit n`.
//!
//! Every row's key is encoded once (Arrow's row format, as the general
//! sort path does; one dictionary key as its entries' ranks, see
//! `dictionary.rs`) and the `n` smallest (key, index) pairs are selected
//! in linear time, then only they are sorted. The index makes the order
//! total, so the selection keeps exactly the rows, ties included, that
//! the stable sort would put first.
//!
//! A batch of many more rows than `n` goes through [`RunningHead`] in
//! slices instead: most rows are then dropped by one comparison against
//! the `n`-th best key so far, never encoded, and no buffer of a key per
//! row is allocated.

use arrow::array::{RecordBatch, UInt32Array};
use arrow::compute::take_record_batch;

use super::dictionary::dictionary_ranks;
use super::running_head::RunningHead;
use super::{check_sort_keys, column, prefix, sort_batch, SortEncoder, SortKey};
use crate::error::{Error, Result};

/// The first `n` rows of `batch` in the order of `by`, ties in input
/// order: `sort_batch(batch, by)` sliced to `n`, computed without
/// ordering the rows after the `n`-th.
///
/// # Errors
/// As [`sort_batch`].
pub fn sort_head(batch: &RecordBatch, by: &[SortKey], n: usize) -> Result<RecordBatch> {
    if n >= batch.num_rows() || by.is_empty() {
        let sorted = sort_batch(batch, by)?;
        return Ok(sorted.slice(0, n.min(batch.num_rows())));
    }
    Ok(take_record_batch(batch, &sort_head_indices(batch, by, n)?)?)
}

/// The rows [`sort_head`] keeps, in its order: the indices of the first
/// `n` rows of `batch` sorted by `by` (ties in input order).
///
/// # Errors
/// As [`sort_batch`].
pub fn sort_head_indices(batch: &RecordBatch, by: &[SortKey], n: usize) -> Result<UInt32Array> {
    let rows = batch.num_rows();
    if rows >= 2 * SLICE_ROWS && n <= SLICE_ROWS && u32::try_from(rows).is_ok() {
        check_sort_keys(&batch.schema(), by)?;
        let mut running = RunningHead::new(by, n);
        for offset in (0..rows).step_by(SLICE_ROWS) {
            running.push(&batch.slice(offset, SLICE_ROWS.min(rows - offset)), offset)?;
        }
        let (Some(best), positions) = running.finish()? else {
            return Ok(UInt32Array::from(Vec::<u32>::new()));
        };
        // The candidates in sort order; positions are rows of `batch`,
        // which fit in u32 (checked above).
        let order = head_indices(&best, by, n)?;
        return Ok(UInt32Array::from_iter_values(
            order.values().iter().map(|&i| positions[i as usize] as u32),
        ));
    }
    head_indices(batch, by, n)
}

/// The rows a slice of [`RunningHead`] holds at most: small enough that
/// its buffers stay in cache and are reused, large enough that the
/// per-slice work is noise.
const SLICE_ROWS: usize = 65_536;

/// [`sort_head_indices`] by encoding every row's key.
pub(super) fn head_indices(batch: &RecordBatch, by: &[SortKey], n: usize) -> Result<UInt32Array> {
    let rows = batch.num_rows();
    check_sort_keys(&batch.schema(), by)?;
    if u32::try_from(rows).is_err() {
        return Err(Error::InvalidArgument(format!(
            "cannot sort {rows} rows in one partition (at most 2^32 - 1)"
        )));
    }
    let n = n.min(rows);
    if n == 0 {
        return Ok(UInt32Array::from(Vec::<u32>::new()));
    }
    if let [key] = by {
        // One dictionary key: its rows compare as their entries' ranks.
        if let Some((ranks, _)) = dictionary_ranks(column(batch, &key.column)?.as_ref(), key)? {
            let mut entries: Vec<(u32, u32)> = ranks.into_iter().zip(0..).collect();
            entries.select_nth_unstable(n - 1);
            entries.truncate(n);
            entries.sort_unstable();
            return Ok(UInt32Array::from_iter_values(entries.into_iter().map(|e| e.1)));
        }
    }
    let encoded = SortEncoder::try_new(&batch.schema(), by)?.encode(batch)?;
    // (8-byte prefix, row bytes, index): a total order, so the n smallest
    // are one set whichever way they are selected. Rows fit in u32: checked.
    let mut entries: Vec<(u64, &[u8], u32)> =
        encoded.iter().enumerate().map(|(i, row)| (prefix(row.data()), row.data(), i as u32)).collect();
    let order = |a: &(u64, &[u8], u32), b: &(u64, &[u8], u32)| {
        a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)).then(a.2.cmp(&b.2))
    };
    entries.select_nth_unstable_by(n - 1, order);
    entries.truncate(n);
    entries.sort_unstable_by(order);
    Ok(UInt32Array::from_iter_values(entries.into_iter().map(|e| e.2)))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{
        ArrayRef, AsArray, DictionaryArray, Float64Array, Int32Array, Int64Array, StringArray,
    };
    use arrow::datatypes::Int32Type;

    use super::*;

    /// Random keys with many ties, nulls and NaN: every head of every
    /// order equals the full stable sort's, also of a batch long enough to
    /// go through `RunningHead` in slices (cut back, rows dropped against
    /// the n-th best key).
    #[test]
    fn the_head_is_the_full_sorts_first_rows() {
        let mut state = 7u64;
        let mut next = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as i64
        };
        for rows in [0usize, 1, 2, 17, 300, 140_000] {
            let a: Vec<Option<i64>> = (0..rows).map(|_| (next() % 7 != 0).then(|| next() % 5)).collect();
            let f: Vec<Option<f64>> = (0..rows)
                .map(|_| match next() % 6 {
                    0 => None,
                    1 => Some(f64::NAN),
                    v => Some((v % 3) as f64),
                })
                .collect();
            let s: Vec<Option<String>> =
                (0..rows).map(|_| (next() % 5 != 0).then(|| format!("k{}", next() % 4))).collect();
            let batch = RecordBatch::try_from_iter([
                ("a", Arc::new(Int64Array::from(a)) as ArrayRef),
                ("f", Arc::new(Float64Array::from(f)) as ArrayRef),
                ("s", Arc::new(StringArray::from(s)) as ArrayRef),
                ("row", Arc::new(Int64Array::from_iter_values(0..rows as i64)) as ArrayRef),
            ])
            .unwrap();
            // The strings again as a dictionary with a repeated entry: equal
            // values under two keys must tie.
            let d: DictionaryArray<Int32Type> = batch
                .column(2)
                .as_string::<i32>()
                .iter()
                .map(|v| v.map(|v| if v == "k1" { "k1" } else { v }))
                .collect();
            let (keys, values) = d.into_parts();
            let mut doubled: Vec<Option<&str>> = values.as_string::<i32>().iter().collect();
            doubled.push(Some("k1"));
            let keys = Int32Array::from_iter(keys.iter().enumerate().map(|(i, k)| {
                k.map(|k| {
                    if i % 2 == 0 && doubled[k as usize] == Some("k1") {
                        doubled.len() as i32 - 1
                    } else {
                        k
                    }
                })
            }));
            let d =
                DictionaryArray::<Int32Type>::try_new(keys, Arc::new(StringArray::from(doubled))).unwrap();
            let batch = RecordBatch::try_from_iter(
                batch
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| f.name().clone())
                    .zip(batch.columns().iter().cloned())
                    .chain([("d".to_string(), Arc::new(d) as ArrayRef)]),
            )
            .unwrap();
            let orders = [
                vec![SortKey::new("a")],
                vec![SortKey::new("f").ascending(false)],
                vec![SortKey::new("s").nulls_first(true), SortKey::new("a").ascending(false)],
                vec![SortKey::new("f").nulls_first(true), SortKey::new("s")],
                vec![SortKey::new("d")],
                vec![SortKey::new("d").ascending(false).nulls_first(true)],
                vec![SortKey::new("s"), SortKey::new("f").ascending(false)],
                vec![SortKey::new("a").ascending(false), SortKey::new("row").ascending(false)],
            ];
            for by in &orders {
                let full = sort_batch(&batch, by).unwrap();
                for n in [0, 1, 3, 10, 70_000, rows, rows + 2] {
                    let head = sort_head(&batch, by, n).unwrap();
                    assert_eq!(head, full.slice(0, n.min(rows)), "{by:?} head({n}) of {rows}");
                }
            }
        }
    }
}
