//! The sorted order of distinct group keys of several columns, for
//! `finish(sort=True)`, by ranks instead of row bytes.
//!
//! Each column's distinct values are sorted alone (by `crate::sort`, so
//! the order is its order: ascending, NaN then nulls last), which gives
//! every value a dense rank; a row's ranks, column 0 in the high bits,
//! pack into one `u64` that compares as the row does. Sorting `u64`s
//! beats comparing encoded rows (`sort_to_indices`' row bytes) by far on
//! h2o q10's 1e7 groups of six keys (measured: benches/README.md).
//!
//! ```text
//! id1 "b" "a" "b"   ranks 1 0 1   packed (id1 rank << 1 | id4 rank)
//! id4  5   5   3          1 1 0   3 1 2  → order 1, 2, 0
//! ```

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, RecordBatch};

use super::tuples::bits_for;
use super::GroupIds;
use crate::error::{Error, Result};
use crate::sort::{sort_to_indices, SortKey};

/// The rows of `keys` in ascending order with nulls last, ties in row
/// order (as `sort_to_indices` with `SortKey::new` on every column), or
/// `None` when the ranks need more than 64 bits together.
pub(crate) fn sort_keys_to_indices(keys: &[ArrayRef]) -> Result<Option<Vec<u32>>> {
    let n = keys.first().map_or(0, |k| k.len());
    let Ok(rows) = u32::try_from(n) else { return Ok(None) };
    let mut packed = vec![0u64; n];
    let mut used = 0u32;
    let mut ids = Vec::with_capacity(n);
    for key in keys {
        let mut table = GroupIds::new(std::slice::from_ref(key.data_type()))?;
        table.intern(std::slice::from_ref(key), n, &mut ids)?;
        let distinct = table.emit()?.pop().ok_or_else(|| Error::Internal("key column".into()))?;
        let bits = bits_for(distinct.len());
        used += bits;
        if used > 64 {
            return Ok(None);
        }
        let one = RecordBatch::try_from_iter([("k", Arc::clone(&distinct))])?;
        let order = sort_to_indices(&one, &[SortKey::new("k")])?;
        let mut rank = vec![0u64; distinct.len()];
        for (r, &g) in order.values().iter().enumerate() {
            if let Some(slot) = rank.get_mut(g as usize) {
                *slot = r as u64;
            }
        }
        // Earlier columns move up as later ones are added.
        for (p, &g) in packed.iter_mut().zip(&ids) {
            *p = p.checked_shl(bits).unwrap_or(0) | rank.get(g as usize).copied().unwrap_or(0);
        }
    }
    let mut order: Vec<u128> =
        packed.iter().zip(0..rows).map(|(&p, i)| u128::from(p) << 32 | u128::from(i)).collect();
    order.sort_unstable();
    Ok(Some(order.into_iter().map(|o| o as u32).collect()))
}

#[cfg(test)]
mod tests {
    use arrow::array::{Float64Array, Int64Array, StringViewArray};

    use super::*;

    #[test]
    fn ranks_sort_as_rows_do() {
        let n = 2000;
        let f: ArrayRef = Arc::new(Float64Array::from_iter((0..n).map(|i| match i % 13 {
            0 => None,
            1 => Some(f64::NAN),
            2 => Some(-0.0),
            _ => Some(((i * 7) % 11) as f64 - 5.0),
        })));
        let s: ArrayRef = Arc::new(StringViewArray::from_iter((0..n).map(|i| {
            if i % 17 == 0 {
                None
            } else {
                Some(format!("k{}", (i * 31) % 23))
            }
        })));
        let i: ArrayRef = Arc::new(Int64Array::from_iter((0..n).map(|i| Some((i % 5) - 2))));
        // With repeated rows: ties keep row order.
        let batch = RecordBatch::try_from_iter([("s", s), ("f", f), ("i", i)]).unwrap();
        let by: Vec<SortKey> = ["s", "f", "i"].map(SortKey::new).to_vec();
        let want = sort_to_indices(&batch, &by).unwrap();
        let got = sort_keys_to_indices(batch.columns()).unwrap().unwrap();
        assert_eq!(got, want.values().to_vec());
        assert_eq!(sort_keys_to_indices(&[]).unwrap(), Some(vec![]));
    }
}
