//! Row hashes of key columns that agree across batches, partitions and
//! processes, so that equal keys land in the same bucket of a shuffle.
//!
//! The hash depends on the key's *value*, not its Arrow layout: a string
//! hashes the same as `Utf8`, `LargeUtf8`, `Utf8View` or a dictionary
//! entry; an integer the same at any width. It is deliberately not the hash
//! of the group tables (`aggregate::group_ids`): a bucket holds the keys
//! whose partition hash is in one range, and a table hashing them with the
//! same function would see only that range of its home slots.

use arrow::array::{Array, ArrayRef, ArrowPrimitiveType, AsArray, PrimitiveArray};
use arrow::datatypes::*;
use arrow::row::{RowConverter, SortField};

use crate::aggregate::group_ids::{hash_bytes, hash_u64, KeyBits};
use crate::error::{Error, Result};

/// The hash of a null key (any constant: nulls are one key).
const NULL_HASH: u64 = 0x5bd1_e995_0b1a_c0de;
/// Decorrelates the partition hash from the group tables' hash.
const PARTITION_SEED: u64 = 0x1656_67b1_9e37_79f9;

/// One hash per row of `columns` (all `num_rows` long), combining every
/// column; rows with equal keys (nulls equal nulls, `-0.0` equals `0.0`,
/// NaN equals NaN) get equal hashes.
///
/// # Errors
/// [`Error::Type`] for key types that cannot be hashed (none in practice:
/// types without a fast path go through Arrow's row format).
pub fn hash_rows(columns: &[ArrayRef], num_rows: usize) -> Result<Vec<u64>> {
    let mut hashes = vec![PARTITION_SEED; num_rows];
    for column in columns {
        if column.len() != num_rows {
            return Err(Error::Internal("key columns of different lengths".into()));
        }
        combine(column.as_ref(), &mut hashes)?;
    }
    Ok(hashes)
}

/// Mixes each row's hash of `array` into `hashes`.
fn combine(array: &dyn Array, hashes: &mut [u64]) -> Result<()> {
    for (h, v) in hashes.iter_mut().zip(value_hashes(array)?) {
        *h = mix(*h, v);
    }
    Ok(())
}

/// The hash of each row's value alone ([`NULL_HASH`] for nulls).
fn value_hashes(array: &dyn Array) -> Result<Vec<u64>> {
    macro_rules! primitive {
        ($t:ty) => {
            primitive_hashes(array.as_primitive::<$t>())
        };
    }
    let with_nulls = |value: &dyn Fn(usize) -> u64| -> Vec<u64> {
        let nulls = array.logical_nulls();
        (0..array.len())
            .map(|i| match &nulls {
                Some(n) if n.is_null(i) => NULL_HASH,
                _ => value(i),
            })
            .collect()
    };
    // The `as_*` downcasts cannot panic: each arm matched its type.
    Ok(match array.data_type() {
        DataType::Int8 => primitive!(Int8Type),
        DataType::Int16 => primitive!(Int16Type),
        DataType::Int32 => primitive!(Int32Type),
        DataType::Int64 => primitive!(Int64Type),
        DataType::UInt8 => primitive!(UInt8Type),
        DataType::UInt16 => primitive!(UInt16Type),
        DataType::UInt32 => primitive!(UInt32Type),
        DataType::UInt64 => primitive!(UInt64Type),
        DataType::Float32 => primitive!(Float32Type),
        DataType::Float64 => primitive!(Float64Type),
        DataType::Date32 => primitive!(Date32Type),
        DataType::Date64 => primitive!(Date64Type),
        DataType::Timestamp(TimeUnit::Second, _) => primitive!(TimestampSecondType),
        DataType::Timestamp(TimeUnit::Millisecond, _) => primitive!(TimestampMillisecondType),
        DataType::Timestamp(TimeUnit::Microsecond, _) => primitive!(TimestampMicrosecondType),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => primitive!(TimestampNanosecondType),
        DataType::Boolean => {
            let a = array.as_boolean();
            with_nulls(&|i| hash_u64(u64::from(a.value(i))))
        }
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            with_nulls(&|i| hash_bytes(a.value(i).as_bytes()))
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            with_nulls(&|i| hash_bytes(a.value(i).as_bytes()))
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            with_nulls(&|i| hash_bytes(a.value(i).as_bytes()))
        }
        DataType::Binary => {
            let a = array.as_binary::<i32>();
            with_nulls(&|i| hash_bytes(a.value(i)))
        }
        DataType::Dictionary(_, _) => {
            // Hash each dictionary value once, then gather by key.
            let dictionary = array.as_any_dictionary();
            let values = value_hashes(dictionary.values().as_ref())?;
            // arrow's `normalized_keys` panics on an empty dictionary (every
            // key null then): those rows hash as nulls.
            let keys = if dictionary.values().is_empty() { Vec::new() } else { dictionary.normalized_keys() };
            with_nulls(&|i| keys.get(i).and_then(|&k| values.get(k)).copied().unwrap_or(NULL_HASH))
        }
        other => {
            // Anything else (decimals, structs, ...): Arrow's row format is
            // a canonical byte string per value.
            let converter = RowConverter::new(vec![SortField::new(other.clone())])
                .map_err(|e| Error::type_error(format!("cannot hash keys of type {other}: {e}")))?;
            let rows = converter.convert_columns(&[arrow::array::make_array(array.to_data())])?;
            with_nulls(&|i| hash_bytes(rows.row(i).as_ref()))
        }
    })
}

fn primitive_hashes<T>(array: &PrimitiveArray<T>) -> Vec<u64>
where
    T: ArrowPrimitiveType,
    T::Native: KeyBits,
{
    let mut out: Vec<u64> = array.values().iter().map(|&v| hash_u64(v.to_key_bits())).collect();
    if let Some(nulls) = array.nulls().filter(|n| n.null_count() > 0) {
        for i in nulls.iter().enumerate().filter(|(_, valid)| !valid).map(|(i, _)| i) {
            out[i] = NULL_HASH;
        }
    }
    out
}

/// Folds a column's hash into the row's running hash (order-dependent, so
/// `(a, b)` and `(b, a)` differ).
#[inline(always)]
fn mix(acc: u64, value: u64) -> u64 {
    hash_u64(acc.rotate_left(23) ^ value)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{DictionaryArray, Float64Array, Int32Array, Int64Array, StringArray, StringViewArray};

    use super::*;

    #[test]
    fn equal_values_hash_equal_across_layouts() {
        let plain: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), None, Some("bb")]));
        let view: ArrayRef = Arc::new(StringViewArray::from(vec![Some("a"), None, Some("bb")]));
        let dict: ArrayRef =
            Arc::new(vec![Some("a"), None, Some("bb")].into_iter().collect::<DictionaryArray<Int32Type>>());
        let a = hash_rows(&[plain], 3).unwrap();
        assert_eq!(a, hash_rows(&[view], 3).unwrap());
        assert_eq!(a, hash_rows(&[dict], 3).unwrap());
        let i32s: ArrayRef = Arc::new(Int32Array::from(vec![-1, 7]));
        let i64s: ArrayRef = Arc::new(Int64Array::from(vec![-1, 7]));
        assert_eq!(hash_rows(&[i32s], 2).unwrap(), hash_rows(&[i64s], 2).unwrap());
    }

    #[test]
    fn floats_normalize_zero_and_nan() {
        let f: ArrayRef = Arc::new(Float64Array::from(vec![0.0, -0.0, f64::NAN, -f64::NAN, 1.0]));
        let h = hash_rows(&[f], 5).unwrap();
        assert_eq!(h[0], h[1]);
        assert_eq!(h[2], h[3]);
        assert_ne!(h[0], h[4]);
    }

    #[test]
    fn column_order_matters_and_rows_spread() {
        let a: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
        let b: ArrayRef = Arc::new(Int64Array::from(vec![2, 1]));
        let h = hash_rows(&[Arc::clone(&a), b], 2).unwrap();
        assert_ne!(h[0], h[1]);
        let many: ArrayRef = Arc::new(Int64Array::from_iter_values(0..10_000));
        let h = hash_rows(&[many], 10_000).unwrap();
        let mut buckets = [0usize; 8];
        for x in h {
            buckets[((u128::from(x) * 8) >> 64) as usize] += 1;
        }
        assert!(buckets.iter().all(|&c| (1000..1500).contains(&c)), "{buckets:?}");
    }

    /// An empty dictionary (every key null): nulls, not arrow's panic.
    #[test]
    fn an_empty_dictionary_hashes_as_nulls() {
        let values: ArrayRef = Arc::new(StringArray::from(Vec::<&str>::new()));
        let dict = DictionaryArray::new(Int32Array::from(vec![None, None]), values);
        let nulls: ArrayRef = Arc::new(StringArray::from(vec![None::<&str>, None]));
        assert_eq!(hash_rows(&[Arc::new(dict)], 2).unwrap(), hash_rows(&[nulls], 2).unwrap());
    }
}
