//! A batch cut into buckets: one stable reorder, then zero-copy slices.

use arrow::array::{RecordBatch, UInt32Array};
use arrow::compute::take_record_batch;

use super::hash::hash_rows;
use crate::error::{Error, Result};

/// `batch` split into `n` buckets by the hash of `key_columns` (indices
/// into the batch): equal keys always go to the same bucket, whatever batch
/// they are in. Rows keep their order within a bucket.
///
/// # Errors
/// [`Error::InvalidArgument`] for `n == 0`; hashing errors.
pub fn hash_split(batch: &RecordBatch, key_columns: &[usize], n: usize) -> Result<Vec<RecordBatch>> {
    if n == 0 {
        return Err(Error::InvalidArgument("a shuffle needs at least one bucket".into()));
    }
    if n == 1 {
        return Ok(vec![batch.clone()]);
    }
    let keys = key_columns
        .iter()
        .map(|&i| {
            batch.columns().get(i).cloned().ok_or_else(|| Error::Internal(format!("no key column {i}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let hashes = hash_rows(&keys, batch.num_rows())?;
    // Lemire's range reduction: the high bits of hash × n, no division.
    let buckets: Vec<u32> = hashes.iter().map(|&h| ((u128::from(h) * n as u128) >> 64) as u32).collect();
    split_by_bucket(batch, &buckets, n)
}

/// `batch` split into `n` buckets, row `i` going to bucket `buckets[i]`
/// (each below `n`); rows keep their order within a bucket.
///
/// # Errors
/// [`Error::Internal`] for a bucket out of range or a length mismatch;
/// [`Error::InvalidArgument`] for a batch of 2³² rows or more.
pub fn split_by_bucket(batch: &RecordBatch, buckets: &[u32], n: usize) -> Result<Vec<RecordBatch>> {
    if buckets.len() != batch.num_rows() {
        return Err(Error::Internal("one bucket per row".into()));
    }
    if u32::try_from(batch.num_rows()).is_err() {
        return Err(Error::InvalidArgument("cannot shuffle a batch of 2^32 rows or more".into()));
    }
    // A stable counting sort of the row indices by bucket.
    let mut starts = vec![0usize; n + 1];
    for &b in buckets {
        let slot =
            starts.get_mut(b as usize + 1).ok_or_else(|| Error::Internal(format!("bucket {b} of {n}")))?;
        *slot += 1;
    }
    for i in 1..=n {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut order = vec![0u32; batch.num_rows()];
    for (row, &b) in buckets.iter().enumerate() {
        // In range: every bucket was checked above, and `row` fits u32.
        let at = &mut next[b as usize];
        order[*at] = row as u32;
        *at += 1;
    }
    let sorted = if starts.windows(2).any(|w| w[1] - w[0] == batch.num_rows()) {
        batch.clone() // one bucket holds every row: nothing moves
    } else {
        take_record_batch(batch, &UInt32Array::from(order))?
    };
    Ok(starts.windows(2).map(|w| sorted.slice(w[0], w[1] - w[0])).collect())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Array, AsArray, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Int64Type, Schema};

    use super::*;

    fn batch(keys: Vec<Option<&str>>) -> RecordBatch {
        let n = keys.len() as i64;
        let schema =
            Schema::new(vec![Field::new("k", DataType::Utf8, true), Field::new("v", DataType::Int64, false)]);
        RecordBatch::try_new(
            Arc::new(schema),
            vec![Arc::new(StringArray::from(keys)), Arc::new(Int64Array::from_iter_values(0..n))],
        )
        .unwrap()
    }

    #[test]
    fn equal_keys_meet_and_rows_keep_order() {
        let keys = vec![Some("a"), Some("b"), None, Some("a"), Some("c"), None, Some("b"), Some("a")];
        let buckets = hash_split(&batch(keys.clone()), &[0], 3).unwrap();
        assert_eq!(buckets.len(), 3);
        assert_eq!(buckets.iter().map(RecordBatch::num_rows).sum::<usize>(), keys.len());
        let mut seen = std::collections::HashMap::new();
        for (j, b) in buckets.iter().enumerate() {
            let k = b.column(0).as_string::<i32>();
            let v = b.column(1).as_primitive::<Int64Type>();
            assert!(v.values().windows(2).all(|w| w[0] < w[1]), "rows out of order");
            for i in 0..b.num_rows() {
                let key = k.is_valid(i).then(|| k.value(i).to_string());
                assert_eq!(*seen.entry(key).or_insert(j), j, "a key in two buckets");
            }
        }
    }

    #[test]
    fn explicit_buckets_and_edge_cases() {
        let b = batch(vec![Some("x"), Some("y"), Some("z")]);
        let out = split_by_bucket(&b, &[2, 0, 2], 3).unwrap();
        let sizes: Vec<usize> = out.iter().map(RecordBatch::num_rows).collect();
        assert_eq!(sizes, vec![1, 0, 2]);
        assert!(split_by_bucket(&b, &[3, 0, 0], 3).is_err());
        assert_eq!(hash_split(&b, &[0], 1).unwrap()[0].num_rows(), 3);
        assert!(hash_split(&b, &[0], 0).is_err());
        let empty = batch(vec![]);
        assert!(hash_split(&empty, &[0], 4).unwrap().iter().all(|b| b.num_rows() == 0));
    }
}
