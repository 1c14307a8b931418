//! Joining the row groups of a dictionary column into one dictionary array.
//!
//! Each row group of a Parquet file has its own dictionary, so arrow-rs
//! decodes one row group at a time to keep the keys (see `read.rs`). The
//! pieces are joined here by merging their dictionaries, which are small,
//! and remapping the keys through a table: one pass over the rows, no hash
//! per row. arrow's `concat` would keep every piece's values side by side
//! (the same string once per row group) through its generic
//! `MutableArrayData` path, or hash the values again when it merges.
//!
//! ```text
//!   row group 0: values [b, a]  keys [0, 1, 0]      values [b, a, c]
//!   row group 1: values [c, b]  keys [1, 0]     →   keys   [0, 1, 0, 0, 2]
//!                               map [2, 0]
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanBufferBuilder, DictionaryArray, PrimitiveArray, StringArray,
    StringBuilder,
};
use arrow::buffer::NullBuffer;
use arrow::compute::concat;
use arrow::datatypes::{DataType, Int32Type};
use rusk_ops::Result;

/// `parts` (dictionary arrays of one type) as one array, in order.
///
/// `Dictionary(Int32, Utf8)`, the type string columns are read as, gets a
/// merged dictionary in which every string appears once (in order of first
/// appearance); other dictionary types go through arrow's `concat`.
///
/// # Errors
/// [`rusk_ops::Error::Arrow`] when the pieces differ in type or the result
/// does not validate.
pub(crate) fn concat_dictionaries(parts: &[ArrayRef]) -> Result<ArrayRef> {
    if let [one] = parts {
        return Ok(Arc::clone(one));
    }
    let string_keys = |a: &ArrayRef| match a.data_type() {
        DataType::Dictionary(k, v) => **k == DataType::Int32 && **v == DataType::Utf8,
        _ => false,
    };
    if parts.is_empty() || !parts.iter().all(string_keys) {
        let arrays: Vec<&dyn Array> = parts.iter().map(|a| a.as_ref()).collect();
        return Ok(concat(&arrays)?);
    }
    let dictionaries: Vec<&DictionaryArray<Int32Type>> = parts.iter().map(|a| a.as_dictionary()).collect();
    match merge_values(&dictionaries) {
        Some((values, maps)) => Ok(Arc::new(remap_keys(&dictionaries, values, &maps)?)),
        None => {
            let arrays: Vec<&dyn Array> = parts.iter().map(|a| a.as_ref()).collect();
            Ok(concat(&arrays)?)
        }
    }
}

/// Where each piece's keys go: `None` when every piece has the very same
/// dictionary (a writer that saw every value in its first row group), so
/// keys are copied as they are.
type KeyMaps = Option<Vec<Vec<i32>>>;

/// The merged dictionary and each piece's map from its keys to the merged
/// ones; `None` when a dictionary holds a null or the merged one would not
/// fit `i32` keys (both impossible for a dictionary arrow-rs decodes from
/// Parquet, which the caller then hands to arrow's `concat`).
fn merge_values(dictionaries: &[&DictionaryArray<Int32Type>]) -> Option<(StringArray, KeyMaps)> {
    let first = dictionaries.first()?.values().as_string::<i32>();
    let pieces: Vec<&StringArray> = dictionaries.iter().map(|d| d.values().as_string::<i32>()).collect();
    if pieces.iter().any(|v| v.null_count() > 0) {
        return None;
    }
    if pieces.iter().all(|v| *v == first) {
        return Some((first.clone(), None));
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
        maps.push(map);
    }
    Some((merged.finish(), Some(maps)))
}

/// The pieces' keys, mapped through `maps`, over `values`.
fn remap_keys(
    dictionaries: &[&DictionaryArray<Int32Type>],
    values: StringArray,
    maps: &KeyMaps,
) -> Result<DictionaryArray<Int32Type>> {
    let len: usize = dictionaries.iter().map(|d| d.len()).sum();
    let mut keys: Vec<i32> = Vec::with_capacity(len);
    for (i, dictionary) in dictionaries.iter().enumerate() {
        let own = dictionary.keys().values();
        match maps.as_ref().and_then(|m| m.get(i)) {
            Some(map) => match map.len().checked_sub(1) {
                // Keys are in range (arrow-rs checked them), but the key
                // under a null is arbitrary: clamping keeps it in range
                // without a branch, so the loop stays a plain gather.
                Some(last) => keys.extend(own.iter().map(|&k| map[(k as u32 as usize).min(last)])),
                // An empty dictionary: every row is null.
                None => keys.resize(keys.len() + own.len(), 0),
            },
            None => keys.extend_from_slice(own),
        }
    }
    let nulls = dictionaries.iter().any(|d| d.null_count() > 0).then(|| {
        let mut nulls = BooleanBufferBuilder::new(len);
        for dictionary in dictionaries {
            match dictionary.nulls() {
                Some(n) => nulls.append_buffer(n.inner()),
                None => nulls.append_n(dictionary.len(), true),
            }
        }
        NullBuffer::new(nulls.finish())
    });
    let keys = PrimitiveArray::<Int32Type>::try_new(keys.into(), nulls)?;
    Ok(DictionaryArray::try_new(keys, Arc::new(values))?)
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
        let a = dict(&[Some("x"), Some("y")]);
        let b = dict(&[Some("x"), Some("y"), Some("y")]);
        let out = concat_dictionaries(&[a, b]).unwrap();
        let out = out.as_dictionary::<Int32Type>();
        assert_eq!(out.values().len(), 2);
        assert_eq!(out.keys(), &PrimitiveArray::<Int32Type>::from(vec![0, 1, 0, 1, 1]));
        assert_eq!(out.null_count(), 0);
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
