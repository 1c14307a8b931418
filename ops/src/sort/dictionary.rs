//! Ordering a dictionary column through its dictionary: sort the (few)
//! entries once, then place the rows by a counting sort of their entries'
//! ranks, in O(rows + entries · log entries) instead of a comparison sort
//! of every row's encoded bytes.
//!
//! Why: strings read from Parquet are `Dictionary(Int32, Utf8)`, and a sort
//! by such a column (`groupby(k).rolling(..)` sorts by `k`) took the general
//! path, comparing row-encoded strings that nearly always tie when a few
//! hundred values fill millions of rows.
//!
//! The order is exactly the general path's: Arrow's row format encodes a
//! dictionary row as its value's encoding (a null key as the null
//! encoding), so a row's bytes depend only on its entry. The entries, and
//! one null, are encoded by the same [`SortEncoder`] the general path uses;
//! equal bytes get one rank, and the counting sort is stable, which is the
//! general path's tie-break by row index.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, DictionaryArray, PrimitiveArray, RecordBatch};
use arrow::datatypes::{self as types, ArrowDictionaryKeyType, ArrowNativeType, Field, Schema};
use arrow::row::Rows;

use super::{SortEncoder, SortKey};
use crate::error::Result;

/// A dictionary column seen through its entries: `probe` holds each key of
/// the dictionary (`0..values.len()`) and then one null, in the column's
/// own type; `rows[i]` is the probe index of row `i` (the last one for a
/// null key). Encoding `probe` encodes every distinct row of the column.
#[derive(Debug)]
pub(crate) struct DictionaryProbe {
    pub probe: ArrayRef,
    pub rows: Vec<u32>,
}

/// The probe of `array`, or `None` when it is not a dictionary or its
/// dictionary has as many entries as it has rows or more (encoding the
/// entries would then cost as much as encoding the rows).
///
/// # Errors
/// Arrow's, building the probe (not expected: its keys are in range).
pub(crate) fn dictionary_probe(array: &dyn Array) -> Result<Option<DictionaryProbe>> {
    use types::*;
    let DataType::Dictionary(key_type, _) = array.data_type() else { return Ok(None) };
    match key_type.as_ref() {
        DataType::Int8 => probe_of(array.as_dictionary::<Int8Type>()),
        DataType::Int16 => probe_of(array.as_dictionary::<Int16Type>()),
        DataType::Int32 => probe_of(array.as_dictionary::<Int32Type>()),
        DataType::Int64 => probe_of(array.as_dictionary::<Int64Type>()),
        DataType::UInt8 => probe_of(array.as_dictionary::<UInt8Type>()),
        DataType::UInt16 => probe_of(array.as_dictionary::<UInt16Type>()),
        DataType::UInt32 => probe_of(array.as_dictionary::<UInt32Type>()),
        DataType::UInt64 => probe_of(array.as_dictionary::<UInt64Type>()),
        _ => Ok(None),
    }
}

fn probe_of<K: ArrowDictionaryKeyType>(dict: &DictionaryArray<K>) -> Result<Option<DictionaryProbe>> {
    let entries = dict.values().len();
    // Rows and entries both fit u32 (and the null's index too) when the
    // row count is below 2^32 - 1, which sorts and splits check.
    if entries >= dict.len() || u32::try_from(dict.len()).is_err() {
        return Ok(None);
    }
    // Every entry index is a valid key: the dictionary's keys address its
    // entries in K, and `entries < len` keeps the count in u32.
    let Some(keys) = (0..entries).map(K::Native::from_usize).collect::<Option<Vec<_>>>() else {
        return Ok(None);
    };
    let keys = PrimitiveArray::<K>::from_iter(keys.into_iter().map(Some).chain(std::iter::once(None)));
    let probe: ArrayRef = Arc::new(DictionaryArray::<K>::try_new(keys, Arc::clone(dict.values()))?);
    let null = entries as u32;
    let keys = dict.keys().values();
    // A valid key is below `entries` (DictionaryArray checks it), so fits u32.
    let rows = match dict.nulls().filter(|nb| nb.null_count() > 0) {
        None => keys.iter().map(|k| k.as_usize() as u32).collect(),
        Some(valid) => keys
            .iter()
            .enumerate()
            .map(|(i, k)| if valid.is_valid(i) { k.as_usize() as u32 } else { null })
            .collect(),
    };
    Ok(Some(DictionaryProbe { probe, rows }))
}

/// `probe` encoded by `key`'s order, as a one-column batch named after the
/// key (what [`SortEncoder`] reads).
pub(crate) fn encode_probe(probe: &ArrayRef, key: &SortKey) -> Result<Rows> {
    let schema = Arc::new(Schema::new(vec![Field::new(key.column.clone(), probe.data_type().clone(), true)]));
    let batch = RecordBatch::try_new(Arc::clone(&schema), vec![Arc::clone(probe)])?;
    SortEncoder::try_new(&schema, std::slice::from_ref(key))?.encode(&batch)
}

/// The row indices of a dictionary column in `key`'s order, ties in input
/// order (see the module doc), or `None` when it has no probe.
///
/// # Errors
/// Arrow's, encoding the entries.
pub(crate) fn sort_dictionary(array: &dyn Array, key: &SortKey) -> Result<Option<Vec<u32>>> {
    let Some((ranks, distinct)) = dictionary_ranks(array, key)? else { return Ok(None) };
    Ok(Some(counting_sort(ranks.iter().copied(), ranks.len(), distinct)))
}

/// Each row's rank in `key`'s order (equal values share one, dense from
/// 0) and the number of ranks, or `None` when the column has no probe:
/// the rows compare as their ranks do.
///
/// # Errors
/// Arrow's, encoding the entries.
pub(crate) fn dictionary_ranks(array: &dyn Array, key: &SortKey) -> Result<Option<(Vec<u32>, usize)>> {
    let Some(DictionaryProbe { probe, rows }) = dictionary_probe(array)? else { return Ok(None) };
    let ranks = dense_ranks(&encode_probe(&probe, key)?);
    let distinct = ranks.iter().max().map_or(0, |&r| r as usize + 1);
    // Each probe index is below probe.len() == ranks.len() (built so above).
    Ok(Some((rows.iter().map(|&p| ranks[p as usize]).collect(), distinct)))
}

/// Each row's rank among the distinct rows of `rows` in byte order: equal
/// rows share a rank, ranks are dense from 0.
fn dense_ranks(rows: &Rows) -> Vec<u32> {
    let mut order: Vec<usize> = (0..rows.num_rows()).collect();
    order.sort_unstable_by(|&a, &b| rows.row(a).cmp(&rows.row(b)));
    let mut ranks = vec![0u32; order.len()];
    let mut rank = 0u32;
    for (i, pair) in order.windows(2).enumerate() {
        if rows.row(pair[0]) != rows.row(pair[1]) {
            rank += 1;
        }
        ranks[order[i + 1]] = rank;
    }
    ranks
}

/// The indices `0..n` stably ordered by their `ranks` (each below `distinct`):
/// a counting sort. The caller keeps `n` below 2^32.
fn counting_sort(ranks: impl Iterator<Item = u32> + Clone, n: usize, distinct: usize) -> Vec<u32> {
    let mut starts = vec![0u32; distinct + 1];
    for r in ranks.clone() {
        starts[r as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut out = vec![0u32; n];
    for (row, r) in ranks.enumerate() {
        let at = &mut starts[r as usize];
        out[*at as usize] = row as u32;
        *at += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use arrow::array::{Float64Array, Int32Array, Int8Array, StringArray};

    use super::super::{sort_rows, sort_to_indices};
    use super::*;

    /// A small seeded generator (no dependency for a test).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    fn one_column(name: &str, array: ArrayRef) -> RecordBatch {
        RecordBatch::try_from_iter(vec![(name, array)]).unwrap()
    }

    fn key(ascending: bool, nulls_first: bool) -> SortKey {
        SortKey::new("k").ascending(ascending).nulls_first(nulls_first)
    }

    /// Random dictionaries (null keys, null and repeated entries, entries no
    /// row uses, slices) sort as the row-encoded comparison sort does.
    #[test]
    fn matches_the_general_path_on_random_dictionaries() {
        let mut rng = Lcg(11);
        let words = ["b", "a", "", "abcdefghij", "abcdefghik", "\u{e9}", "Z", "a"];
        for n in [0usize, 1, 2, 3, 9, 100, 2000] {
            for entries in [1usize, 3, 8] {
                let values: StringArray = (0..entries)
                    .map(|i| {
                        (!rng.next().is_multiple_of(7))
                            .then(|| words[(i + rng.next() as usize) % words.len()])
                    })
                    .collect();
                let keys: Int32Array = (0..n)
                    .map(|_| (!rng.next().is_multiple_of(6)).then(|| (rng.next() % entries as u64) as i32))
                    .collect();
                let dict = DictionaryArray::try_new(keys, Arc::new(values)).unwrap();
                let b = one_column("k", Arc::new(dict));
                for (asc, nf) in [(true, false), (false, false), (true, true), (false, true)] {
                    let by = [key(asc, nf)];
                    let fast = sort_to_indices(&b, &by).unwrap().values().to_vec();
                    assert_eq!(
                        fast,
                        sort_rows(&b, &by).unwrap(),
                        "n={n} entries={entries} asc={asc} nf={nf}"
                    );
                    if n > 4 {
                        let sliced = b.slice(1, n - 3);
                        let fast = sort_to_indices(&sliced, &by).unwrap().values().to_vec();
                        assert_eq!(fast, sort_rows(&sliced, &by).unwrap(), "sliced n={n}");
                    }
                }
            }
        }
    }

    /// Float entries keep the general path's order for dictionaries (NaN
    /// as Arrow orders it); small key types and a dictionary larger than the
    /// column (no probe) agree too.
    #[test]
    fn float_entries_small_keys_and_big_dictionaries() {
        let values =
            Arc::new(Float64Array::from(vec![Some(1.0), Some(f64::NAN), None, Some(-0.0), Some(0.0)]));
        let keys = Int8Array::from(vec![Some(0), Some(1), None, Some(2), Some(3), Some(4), Some(1), Some(0)]);
        let b = one_column("k", Arc::new(DictionaryArray::try_new(keys, values.clone()).unwrap()));
        for (asc, nf) in [(true, false), (false, false), (true, true), (false, true)] {
            let by = [key(asc, nf)];
            assert_eq!(sort_to_indices(&b, &by).unwrap().values().to_vec(), sort_rows(&b, &by).unwrap());
        }
        let keys = Int8Array::from(vec![Some(4), Some(0)]);
        let big = DictionaryArray::try_new(keys, values).unwrap();
        assert!(dictionary_probe(&big).unwrap().is_none());
        let b = one_column("k", Arc::new(big));
        assert_eq!(sort_to_indices(&b, &[key(true, false)]).unwrap().values(), &[0, 1]);
    }

    #[test]
    fn counting_sort_is_stable() {
        let ranks = [2u32, 0, 1, 0, 2, 1];
        assert_eq!(counting_sort(ranks.iter().copied(), 6, 3), [1, 3, 2, 5, 0, 4]);
        assert!(counting_sort(std::iter::empty(), 0, 0).is_empty());
    }
}
