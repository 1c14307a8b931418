//! `fillna`: a value in place of each null.
//!
//! The result keeps the column's type; the coercion has already cast the
//! fill value to the column's (or its dictionary's) value type. Plain
//! columns go through arrow's `zip`; a dictionary column with a literal fill
//! appends the literal to its dictionary and points the null keys at it, so
//! its strings are never copied.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, DictionaryArray, PrimitiveArray, Scalar};
use arrow::compute::kernels::{boolean, cmp, zip::zip};
use arrow::compute::{cast_with_options, concat};
use arrow::datatypes::*;

use super::coerce::STRICT;
use super::value::Value;
use crate::error::{Error, Result};

/// `values` with its nulls replaced by `fill`.
///
/// # Errors
/// [`Error::Arrow`] when a kernel fails (a fill of the wrong type is caught
/// earlier, by the coercion).
pub(crate) fn fill_null(values: Value, fill: Value) -> Result<Value> {
    let target = values.data_type().clone();
    if fill.is_scalar() && fill.array().is_null(0) {
        return Ok(values);
    }
    let array = match values {
        Value::Scalar(_) if values.array().is_valid(0) => return Ok(values),
        Value::Scalar(_) => return fill.cast(&target),
        Value::Array(a) => a,
    };
    if array.logical_null_count() == 0 {
        return Ok(Value::Array(array));
    }
    if let DataType::Dictionary(key, leaf) = &target {
        if let Value::Scalar(_) = fill {
            if let Some(out) = dictionary_fill(&array, key, &fill.array_ref())? {
                return Ok(Value::Array(out));
            }
        }
        // A column fill, or a dictionary whose keys cannot index one more
        // value: fill the decoded strings and encode again.
        let decoded = cast_with_options(&array, leaf, &STRICT)?;
        let filled = zip_fill(&decoded, &fill)?;
        return Ok(Value::Array(cast_with_options(&filled, &target, &STRICT)?));
    }
    Ok(Value::Array(zip_fill(&array, &fill)?))
}

fn zip_fill(array: &ArrayRef, fill: &Value) -> Result<ArrayRef> {
    let valid = boolean::is_not_null(array.as_ref())?;
    Ok(zip(&valid, array, fill.datum())?)
}

fn dictionary_fill(array: &ArrayRef, key: &DataType, fill: &ArrayRef) -> Result<Option<ArrayRef>> {
    match key {
        DataType::Int8 => dictionary_fill_keyed::<Int8Type>(array, fill),
        DataType::Int16 => dictionary_fill_keyed::<Int16Type>(array, fill),
        DataType::Int32 => dictionary_fill_keyed::<Int32Type>(array, fill),
        DataType::Int64 => dictionary_fill_keyed::<Int64Type>(array, fill),
        DataType::UInt8 => dictionary_fill_keyed::<UInt8Type>(array, fill),
        DataType::UInt16 => dictionary_fill_keyed::<UInt16Type>(array, fill),
        DataType::UInt32 => dictionary_fill_keyed::<UInt32Type>(array, fill),
        DataType::UInt64 => dictionary_fill_keyed::<UInt64Type>(array, fill),
        other => Err(Error::Internal(format!("dictionary keyed by {other}"))),
    }
}

/// Points every null row at `fill` in the dictionary, appending it unless it
/// is there already; `None` when the key type cannot index one more value.
fn dictionary_fill_keyed<K: ArrowDictionaryKeyType>(
    array: &ArrayRef,
    fill: &ArrayRef,
) -> Result<Option<ArrayRef>> {
    // The caller matched `K` on this dictionary's key type.
    let dict = array.as_dictionary::<K>();
    let Some(nulls) = dict.logical_nulls() else {
        return Ok(Some(Arc::clone(array)));
    };
    let present = cmp::eq(dict.values(), &Scalar::new(Arc::clone(fill)))?;
    let found = present.values().set_indices().find(|&i| present.is_valid(i));
    let (new_key, values) = match found {
        Some(i) => (K::Native::from_usize(i), Arc::clone(dict.values())),
        None => {
            (K::Native::from_usize(dict.values().len()), concat(&[dict.values().as_ref(), fill.as_ref()])?)
        }
    };
    let Some(new_key) = new_key else {
        return Ok(None);
    };
    // Rows whose key is null or points at a null value both take the new key.
    let valid = BooleanArray::new(nulls.into_inner(), None);
    let keys = zip(&valid, dict.keys(), &PrimitiveArray::<K>::new_scalar(new_key))?;
    // `zip` of two `K` datums gives `K`s.
    let keys = keys.as_primitive::<K>().clone();
    Ok(Some(Arc::new(DictionaryArray::<K>::try_new(keys, values)?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Float64Array, Int64Array, StringArray};

    fn arr(a: impl Array + 'static) -> Value {
        Value::Array(Arc::new(a))
    }

    fn scalar(a: impl Array + 'static) -> Value {
        Value::scalar(Arc::new(a)).unwrap()
    }

    fn strings(a: &dyn Array) -> Vec<Option<String>> {
        let a = arrow::compute::cast(a, &DataType::Utf8).unwrap();
        a.as_string::<i32>().iter().map(|s| s.map(str::to_string)).collect()
    }

    #[test]
    fn fills_nulls_with_a_literal_or_a_column() {
        let a = arr(Int64Array::from(vec![Some(1), None, Some(3), None]).slice(1, 3));
        let out = fill_null(a.clone(), scalar(Int64Array::from(vec![0]))).unwrap();
        let got: Vec<_> = out.array().as_primitive::<Int64Type>().iter().collect();
        assert_eq!(got, [Some(0), Some(3), Some(0)]);
        let other = arr(Int64Array::from(vec![Some(7), Some(8), None]));
        let out = fill_null(a, other).unwrap();
        let got: Vec<_> = out.array().as_primitive::<Int64Type>().iter().collect();
        assert_eq!(got, [Some(7), Some(3), None]);
    }

    #[test]
    fn no_nulls_empty_and_all_null() {
        let full = arr(Float64Array::from(vec![1.0]));
        let out = fill_null(full, scalar(Float64Array::from(vec![0.0]))).unwrap();
        assert_eq!(out.array().null_count(), 0);
        let empty = arr(Float64Array::from(Vec::<f64>::new()));
        assert_eq!(fill_null(empty, scalar(Float64Array::from(vec![0.0]))).unwrap().array().len(), 0);
        let nulls = arr(Float64Array::from(vec![None, None]));
        let out = fill_null(nulls, scalar(Float64Array::from(vec![2.5]))).unwrap();
        assert_eq!(out.array().as_primitive::<Float64Type>().values().as_ref(), &[2.5, 2.5]);
        let null_scalar = scalar(Float64Array::from(vec![None]));
        let out = fill_null(null_scalar, arr(Float64Array::from(vec![1.0, 2.0]))).unwrap();
        assert_eq!(out.array().len(), 2);
    }

    #[test]
    fn dictionaries_stay_dictionaries() {
        let d: DictionaryArray<Int8Type> = vec![Some("a"), None, Some("b"), None].into_iter().collect();
        let t = d.data_type().clone();
        let out = fill_null(arr(d.clone()), scalar(StringArray::from(vec!["z"]))).unwrap();
        assert_eq!(out.data_type(), &t);
        assert_eq!(
            strings(out.array()),
            [Some("a"), Some("z"), Some("b"), Some("z")].map(|s| s.map(String::from))
        );
        let column = arr(StringArray::from(vec!["p", "q", "r", "s"]));
        let out = fill_null(arr(d.slice(1, 3)), Value::Array(column.array_ref().slice(1, 3))).unwrap();
        assert_eq!(out.data_type(), &t);
        assert_eq!(strings(out.array()), [Some("q"), Some("b"), Some("s")].map(|s| s.map(String::from)));
    }

    #[test]
    fn a_full_dictionary_reuses_its_values() {
        let words: Vec<Option<String>> = (0..128).map(|i| Some(format!("w{i}"))).chain([None]).collect();
        let d: DictionaryArray<Int8Type> = words.iter().map(|s| s.as_deref()).collect();
        let out = fill_null(arr(d.clone()), scalar(StringArray::from(vec!["w5"]))).unwrap();
        assert_eq!(strings(out.array())[128].as_deref(), Some("w5"));
        assert_eq!(out.array().as_any_dictionary().values().len(), 128);
        // 129 distinct strings cannot be keyed by int8.
        let err = fill_null(arr(d), scalar(StringArray::from(vec!["new"]))).unwrap_err();
        assert!(matches!(err, Error::Arrow { .. }), "{err}");
    }
}
