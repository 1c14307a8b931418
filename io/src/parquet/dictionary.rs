//! Joining the row groups of a dictionary column into one dictionary array.
//!
//! Each row group of a Parquet file has its own dictionary, so arrow-rs
//! decodes one row group at a time to keep the keys (see `read.rs`). The
//! pieces are joined here: their dictionaries, which are small, are merged
//! (each string once), a piece whose dictionary is a prefix of the merged
//! one keeps its keys (the first piece always does, so most rows do), the
//! others' keys go through a table, and arrow's `concat` copies the keys of
//! pieces that now share one dictionary. No row is hashed. arrow's `concat`
//! alone would keep every piece's dictionary side by side (each string once
//! per row group, so a group-by scans far into the keys before it has seen
//! every code), or hash the values again when it merges.
//!
//! ```text
//!   row group 0: values [b, a]  keys [0, 1, 0]              values [b, a, c]
//!   row group 1: values [c, b]  keys [1, 0]  → map [2, 0] → keys  [0, 1, 0, 0, 2]
//! ```
//!
//! The batches of one row group share its dictionary (arrow-rs hands each
//! the same values array): their keys are joined and nothing is merged. A
//! piece with fewer rows than values (a filter's kept rows) brings only
//! the values it uses to the merge.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, DictionaryArray, PrimitiveArray, RecordBatch, StringArray, StringBuilder,
    UInt32Array,
};
use arrow::compute::{concat, take};
use arrow::datatypes::{DataType, Int32Type, SchemaRef};
use rusk_ops::{Error, Result};

/// `parts` (dictionary arrays of one type) as one array, in order.
///
/// `Dictionary(Int32, Utf8)`, the type string columns are read as, gets a
/// merged dictionary in which every string appears once (in order of first
/// appearance); other dictionary types go through arrow's `concat`.
///
/// # Errors
/// [`Error::Arrow`] when the pieces differ in type or the result does not
/// validate.
pub(crate) fn concat_dictionaries(parts: &[ArrayRef]) -> Result<ArrayRef> {
    if let [one] = parts {
        return Ok(Arc::clone(one));
    }
    if let Some(joined) = join_keys(parts)? {
        return Ok(joined);
    }
    let string_keys = |a: &ArrayRef| match a.data_type() {
        DataType::Dictionary(k, v) => **k == DataType::Int32 && **v == DataType::Utf8,
        _ => false,
    };
    let dictionaries: Vec<DictionaryArray<Int32Type>> = if !parts.is_empty() && parts.iter().all(string_keys)
    {
        parts.iter().map(|a| used_values_only(a.as_dictionary())).collect::<Result<_>>()?
    } else {
        vec![]
    };
    let dictionaries: Vec<&DictionaryArray<Int32Type>> = dictionaries.iter().collect();
    let pieces = match merge_values(&dictionaries) {
        Some((values, maps)) => {
            let values: ArrayRef = Arc::new(values);
            dictionaries
                .iter()
                .zip(maps)
                .map(|(d, map)| with_values(d, &values, map.as_deref()))
                .collect::<Result<Vec<ArrayRef>>>()?
        }
        None => parts.to_vec(),
    };
    let arrays: Vec<&dyn Array> = pieces.iter().map(|a| a.as_ref()).collect();
    Ok(concat(&arrays)?)
}

/// `batches` (of `schema`) as one batch, in order; dictionary columns as
/// [`concat_dictionaries`] joins them.
///
/// # Errors
/// [`Error::Arrow`] when a batch does not match `schema`.
pub(crate) fn concat_batches(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<RecordBatch> {
    match batches {
        [] => Ok(RecordBatch::new_empty(Arc::clone(schema))),
        [one] => Ok(one.clone()),
        _ => {
            let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
            for (i, field) in schema.fields().iter().enumerate() {
                let parts: Vec<ArrayRef> = batches.iter().map(|b| Arc::clone(b.column(i))).collect();
                columns.push(match field.data_type() {
                    DataType::Dictionary(_, _) => concat_dictionaries(&parts)?,
                    _ => {
                        let refs: Vec<&dyn Array> = parts.iter().map(|p| p.as_ref()).collect();
                        concat(&refs)?
                    }
                });
            }
            Ok(RecordBatch::try_new(Arc::clone(schema), columns)?)
        }
    }
}

/// `parts` as one array when they are `Int32`-keyed pieces of one
/// dictionary (the same values array): their keys joined; `None` otherwise.
fn join_keys(parts: &[ArrayRef]) -> Result<Option<ArrayRef>> {
    let Some(dictionaries) =
        parts.iter().map(|p| p.as_dictionary_opt::<Int32Type>()).collect::<Option<Vec<_>>>()
    else {
        return Ok(None);
    };
    let Some(first) = dictionaries.first() else {
        return Ok(None);
    };
    if !dictionaries.iter().all(|d| Arc::ptr_eq(d.values(), first.values())) {
        return Ok(None);
    }
    let keys: Vec<&dyn Array> = dictionaries.iter().map(|d| d.keys() as &dyn Array).collect();
    let keys = concat(&keys)?.as_primitive::<Int32Type>().clone();
    // SAFETY: each piece's keys were checked against these very values when
    // the piece was made, so every key of the joined ones is in range.
    Ok(Some(Arc::new(unsafe { DictionaryArray::new_unchecked(keys, Arc::clone(first.values())) })))
}

/// `piece` with only the values its rows use (in dictionary order) when it
/// has fewer rows than values, so some go unused: the rows a filter kept of
/// a row group. Merging hashes every value of every piece; this costs a
/// pass over the keys and no hashing (a 2% regex filter over 20,000 tags
/// spent 6% of its time merging whole dictionaries).
fn used_values_only(piece: &DictionaryArray<Int32Type>) -> Result<DictionaryArray<Int32Type>> {
    let values = piece.values();
    if piece.len() >= values.len() {
        return Ok(piece.clone());
    }
    const UNUSED: i32 = -1;
    let keys = piece.keys();
    let mut new_keys = vec![UNUSED; values.len()];
    for key in keys.iter().flatten() {
        // Valid keys are in range (arrow checked them); `get_mut` keeps
        // the loop free of a panic path.
        if let Some(slot) = new_keys.get_mut(key as u32 as usize) {
            *slot = 0;
        }
    }
    let mut used: Vec<u32> = Vec::new();
    for (position, slot) in new_keys.iter_mut().enumerate() {
        if *slot != UNUSED {
            *slot = i32::try_from(used.len())
                .map_err(|_| Error::Internal("a dictionary of over 2^31 values".into()))?;
            used.push(position as u32);
        }
    }
    let values = take(values.as_ref(), &UInt32Array::from(used), None)?;
    // A key under a null is arbitrary: it maps to 0.
    let remapped: Vec<i32> =
        keys.values().iter().map(|&k| new_keys.get(k as u32 as usize).copied().unwrap_or(0).max(0)).collect();
    let keys = PrimitiveArray::<Int32Type>::try_new(remapped.into(), keys.nulls().cloned())?;
    Ok(DictionaryArray::try_new(keys, values)?)
}

/// Where each piece's keys go in the merged dictionary; `None` where they
/// stay as they are, for a piece whose dictionary is a prefix of the merged
/// one.
type KeyMaps = Vec<Option<Vec<i32>>>;

/// The merged dictionary and each piece's map from its keys to the merged
/// ones; `None` for no pieces, when a dictionary holds a null or the merged
/// one would not fit `i32` keys (impossible for dictionaries arrow-rs
/// decodes from Parquet; the caller then concatenates them as they are).
fn merge_values(dictionaries: &[&DictionaryArray<Int32Type>]) -> Option<(StringArray, KeyMaps)> {
    let pieces: Vec<&StringArray> = dictionaries.iter().map(|d| d.values().as_string::<i32>()).collect();
    if pieces.is_empty() || pieces.iter().any(|v| v.null_count() > 0) {
        return None;
    }
    let capacity = pieces.iter().map(|v| v.len()).max().unwrap_or(0);
    let bytes = pieces.iter().map(|v| v.value_data().len()).max().unwrap_or(0);
    let mut index: HashMap<&str, i32> = HashMap::with_capacity(capacity);
    let mut merged = StringBuilder::with_capacity(capacity, bytes);
    let mut maps = Vec::with_capacity(pieces.len());
    for values in pieces {
        let mut map = Vec::with_capacity(values.len());
        for value in values.iter().flatten() {
            let next = i32::try_from(index.len()).ok()?;
            let key = *index.entry(value).or_insert_with(|| {
                merged.append_value(value);
                next
            });
            map.push(key);
        }
        let identity = map.iter().enumerate().all(|(i, &k)| usize::try_from(k) == Ok(i));
        maps.push((!identity).then_some(map));
    }
    Some((merged.finish(), maps))
}

/// `piece` over the merged `values`: its keys as they are (`map` `None`),
/// or mapped through `map`.
fn with_values(
    piece: &DictionaryArray<Int32Type>,
    values: &ArrayRef,
    map: Option<&[i32]>,
) -> Result<ArrayRef> {
    let Some(map) = map else {
        // `with_values` checks only that the new dictionary is no shorter,
        // which the keys being a prefix implies; say so rather than panic.
        if values.len() < piece.values().len() {
            return Err(Error::Internal("a merged dictionary lost values (a bug in rusk)".into()));
        }
        return Ok(Arc::new(piece.with_values(Arc::clone(values))));
    };
    // Keys are in range (the piece checked them), but the key under a null
    // is arbitrary: clamping keeps it in range without a branch, so the
    // loop stays a plain gather. An empty map is the identity, never here.
    let last = map.len().saturating_sub(1);
    let keys: Vec<i32> = piece
        .keys()
        .values()
        .iter()
        .map(|&k| map.get((k as u32 as usize).min(last)).copied().unwrap_or(0))
        .collect();
    let keys = PrimitiveArray::<Int32Type>::try_new(keys.into(), piece.nulls().cloned())?;
    Ok(Arc::new(DictionaryArray::try_new(keys, Arc::clone(values))?))
}

#[cfg(test)]
mod tests {
    use arrow::array::{Int64Array, Int8Array};
    use arrow::compute::cast;

    use super::*;

    fn dict(values: &[Option<&str>]) -> ArrayRef {
        Arc::new(values.iter().copied().collect::<DictionaryArray<Int32Type>>())
    }

    fn strings(array: &ArrayRef) -> Vec<Option<String>> {
        let plain = cast(array, &DataType::Utf8).unwrap();
        plain.as_string::<i32>().iter().map(|s| s.map(str::to_string)).collect()
    }

    #[test]
    fn merges_dictionaries_and_keeps_rows() {
        let a = dict(&[Some("b"), Some("a"), None, Some("b")]);
        let b = dict(&[Some("c"), Some("b"), Some("c")]);
        // Sliced: offset ≠ 0.
        let c = dict(&[Some("z"), Some("a"), None]).slice(1, 2);
        let parts = [a, b, c];
        let out = concat_dictionaries(&parts).unwrap();
        let expected: Vec<Option<String>> = parts.iter().flat_map(strings).collect();
        assert_eq!(strings(&out), expected);
        let out = out.as_dictionary::<Int32Type>();
        let values: Vec<&str> = out.values().as_string::<i32>().iter().flatten().collect();
        // "z" is in the third dictionary though no row uses it any more.
        assert_eq!(values, ["b", "a", "c", "z"]);
        assert_eq!(out.null_count(), 2);
    }

    #[test]
    fn equal_dictionaries_are_kept_and_keys_copied() {
        // (The second piece's map is the identity: its keys are kept.)
        let a = dict(&[Some("x"), Some("y")]);
        let b = dict(&[Some("x"), Some("y"), Some("y")]);
        let out = concat_dictionaries(&[a, b]).unwrap();
        let out = out.as_dictionary::<Int32Type>();
        assert_eq!(out.values().len(), 2);
        assert_eq!(out.keys(), &PrimitiveArray::<Int32Type>::from(vec![0, 1, 0, 1, 1]));
        assert_eq!(out.null_count(), 0);
    }

    #[test]
    fn pieces_of_one_dictionary_join_their_keys() {
        // Batches of one row group: the same values array, keys and nulls
        // of their own, one sliced.
        let whole = dict(&[Some("p"), None, Some("q"), Some("p"), Some("r"), None, Some("q")]);
        let whole = whole.as_dictionary::<Int32Type>();
        let parts: Vec<ArrayRef> = [(0, 3), (3, 1), (4, 3)]
            .into_iter()
            .map(|(offset, len)| Arc::new(whole.slice(offset, len)) as ArrayRef)
            .collect();
        let out = concat_dictionaries(&parts).unwrap();
        let expected: Vec<Option<String>> = parts.iter().flat_map(strings).collect();
        assert_eq!(strings(&out), expected);
        let out = out.as_dictionary::<Int32Type>();
        assert!(Arc::ptr_eq(out.values(), whole.values()), "the dictionary is kept, not merged");
        assert_eq!(out.null_count(), 2);
    }

    #[test]
    fn a_piece_with_fewer_rows_than_values_brings_only_the_used_ones() {
        // What a filter keeps of a row group: two of five values used, and
        // a null whose key is arbitrary.
        let whole = dict(&[Some("v"), Some("w"), Some("x"), Some("y"), None, Some("z")]);
        let kept = arrow::compute::filter(
            whole.as_ref(),
            &arrow::array::BooleanArray::from(vec![false, true, false, true, true, false]),
        )
        .unwrap();
        let other = dict(&[Some("y"), Some("q")]);
        let parts = [kept, other];
        let out = concat_dictionaries(&parts).unwrap();
        let expected: Vec<Option<String>> = parts.iter().flat_map(strings).collect();
        assert_eq!(strings(&out), expected);
        let values: Vec<&str> =
            out.as_dictionary::<Int32Type>().values().as_string::<i32>().iter().flatten().collect();
        assert_eq!(values, ["w", "y", "q"]);
    }

    #[test]
    fn one_empty_or_all_null_piece() {
        let one = dict(&[Some("x")]);
        assert!(Arc::ptr_eq(&concat_dictionaries(std::slice::from_ref(&one)).unwrap(), &one));
        let empty = dict(&[]);
        let nulls = dict(&[None, None]);
        let out = concat_dictionaries(&[empty, one, nulls]).unwrap();
        assert_eq!(strings(&out), vec![Some("x".to_string()), None, None]);
    }

    #[test]
    fn other_dictionary_types_concatenate() {
        let keys = Int8Array::from(vec![0, 1, 0]);
        let values: ArrayRef = Arc::new(Int64Array::from(vec![7, 9]));
        let a: ArrayRef = Arc::new(DictionaryArray::try_new(keys, values).unwrap());
        let out = concat_dictionaries(&[Arc::clone(&a), a]).unwrap();
        let plain = cast(&out, &DataType::Int64).unwrap();
        assert_eq!(plain.as_primitive::<arrow::datatypes::Int64Type>().values(), &[7, 9, 7, 7, 9, 7]);
    }
}
