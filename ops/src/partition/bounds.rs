//! The bounds of a column of keys in sort order: what a partition's
//! division is made of (`set_index`).
//!
//! Keys compare as [`SortEncoder`] orders them ascending, so a division
//! agrees with the range partitioning and the sort that use the same
//! encoder. Missing keys (nulls, and NaN in float columns, which pandas
//! counts as missing too) are not bounds: they are reported apart, since
//! they sort after every value.

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Float64Type, Schema};
use std::sync::Arc;

use crate::error::Result;
use crate::sort::{SortEncoder, SortKey};

/// Row indices of a column's smallest and largest non-missing keys and of
/// its first missing one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyBounds {
    /// The first row holding the smallest key; `None` when every key is missing.
    pub min: Option<usize>,
    /// The first row holding the largest key.
    pub max: Option<usize>,
    /// The first row whose key is null or NaN.
    pub missing: Option<usize>,
}

/// The bounds of `keys` (one row-encoding pass, no sort).
///
/// # Errors
/// [`crate::Error::Type`] for keys that cannot be ordered (lists, structs).
pub fn key_bounds(keys: &ArrayRef) -> Result<KeyBounds> {
    let schema = Arc::new(Schema::new(vec![Field::new("k", keys.data_type().clone(), true)]));
    let batch = RecordBatch::try_new(Arc::clone(&schema), vec![Arc::clone(keys)])?;
    let rows = SortEncoder::try_new(&schema, &[SortKey::new("k")])?.encode(&batch)?;
    let missing = missing_mask(keys)?;
    let mut bounds = KeyBounds::default();
    for (i, is_missing) in missing.iter().enumerate() {
        if *is_missing {
            bounds.missing = bounds.missing.or(Some(i));
            continue;
        }
        let row = rows.row(i);
        if bounds.min.is_none_or(|m| row < rows.row(m)) {
            bounds.min = Some(i);
        }
        if bounds.max.is_none_or(|m| row > rows.row(m)) {
            bounds.max = Some(i);
        }
    }
    Ok(bounds)
}

/// Per row: the key is null, or NaN.
///
/// # Errors
/// A float column that does not cast to float64 (never in practice).
pub fn missing_mask(keys: &dyn Array) -> Result<Vec<bool>> {
    if matches!(keys.data_type(), DataType::Float16 | DataType::Float32 | DataType::Float64) {
        let f = cast(keys, &DataType::Float64)?;
        let f = f.as_primitive::<Float64Type>();
        return Ok((0..f.len()).map(|i| f.is_null(i) || f.value(i).is_nan()).collect());
    }
    Ok((0..keys.len()).map(|i| keys.is_null(i)).collect())
}

#[cfg(test)]
mod tests {
    use arrow::array::{Float64Array, Int64Array, StringArray};

    use super::*;

    #[test]
    fn bounds_skip_missing_keys() {
        let a: ArrayRef = Arc::new(Int64Array::from(vec![Some(3), None, Some(-1), Some(7), Some(-1)]));
        assert_eq!(key_bounds(&a).unwrap(), KeyBounds { min: Some(2), max: Some(3), missing: Some(1) });
        let f: ArrayRef = Arc::new(Float64Array::from(vec![f64::NAN, 2.0, -0.5]));
        assert_eq!(key_bounds(&f).unwrap(), KeyBounds { min: Some(2), max: Some(1), missing: Some(0) });
        let s: ArrayRef = Arc::new(StringArray::from(vec!["b", "a", "c"]).slice(1, 2));
        assert_eq!(key_bounds(&s).unwrap(), KeyBounds { min: Some(0), max: Some(1), missing: None });
        let empty: ArrayRef = Arc::new(Int64Array::from(Vec::<i64>::new()));
        assert_eq!(key_bounds(&empty).unwrap(), KeyBounds::default());
        let nulls: ArrayRef = Arc::new(Int64Array::from(vec![None, None]));
        assert_eq!(key_bounds(&nulls).unwrap(), KeyBounds { min: None, max: None, missing: Some(0) });
    }
}
