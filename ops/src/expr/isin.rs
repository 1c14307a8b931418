//! `isin`: whether each value is one of a list of literals.
//!
//! pandas semantics: the result is never null; a null value matches only when
//! the list holds `None`. A list value the column's type cannot hold exactly
//! (`2.5` among int8s, `1000` among int8s) matches nothing. Floats match by
//! value (`-0.0` matches `0.0`; a `NaN` in the list matches `NaN`s, as
//! pandas' `isin` does).
//!
//! The list is converted to the column's native values once; then one typed
//! loop runs over the column, scanning the list when it is short and probing
//! a hash set when it is long. A dictionary column tests its (few) distinct
//! values and maps the answer through its keys.

use std::hash::Hash;

use arrow::array::{Array, ArrayAccessor, ArrowPrimitiveType, AsArray, BooleanArray};
use arrow::buffer::{BooleanBuffer, NullBuffer};
use arrow::compute::take;
use arrow::datatypes::*;
use hashbrown::HashSet;

use super::coerce::{cast_scalar, check_isin};
use super::types::type_name;
use super::ScalarValue;
use crate::error::{Error, Result};

/// Up to this many candidates, a linear scan of a slice beats hashing every
/// row: the slice stays in one or two cache lines and no hash is computed.
const LINEAR_SCAN_MAX: usize = 16;

/// Whether each value of `values` is in `list`; never null.
///
/// Works for integers, floats, strings (plain, large, view and
/// dictionary-encoded), booleans, dates and timestamps; a string in the list
/// is parsed when looked for among dates.
///
/// # Errors
/// [`Error::Type`] for a list value that does not fit the column's kind (a
/// string among numbers, an unparsable date) or a column type `isin` does
/// not support.
pub fn isin(values: &dyn Array, list: &[ScalarValue]) -> Result<BooleanArray> {
    check_isin(values.data_type(), list, &"isin")?;
    let has_null = list.iter().any(ScalarValue::is_null);
    if let DataType::Dictionary(key, _) = values.data_type() {
        return dictionary(values, key, list, has_null);
    }
    let list: Vec<&ScalarValue> = list.iter().filter(|v| !v.is_null()).collect();
    // Each arm downcasts to the type it matched, so the `as_*` casts below hold.
    let member = match values.data_type() {
        DataType::Null => return Ok(BooleanArray::new(filled(values.len(), has_null), None)),
        DataType::Int8 => ints::<Int8Type>(values, &list),
        DataType::Int16 => ints::<Int16Type>(values, &list),
        DataType::Int32 => ints::<Int32Type>(values, &list),
        DataType::Int64 => ints::<Int64Type>(values, &list),
        DataType::UInt8 => ints::<UInt8Type>(values, &list),
        DataType::UInt16 => ints::<UInt16Type>(values, &list),
        DataType::UInt32 => ints::<UInt32Type>(values, &list),
        DataType::UInt64 => ints::<UInt64Type>(values, &list),
        DataType::Float32 => floats::<Float32Type>(values, &list, |x| canonical_bits(f64::from(x))),
        DataType::Float64 => floats::<Float64Type>(values, &list, canonical_bits),
        DataType::Utf8 => strings(values.as_string::<i32>(), &list),
        DataType::LargeUtf8 => strings(values.as_string::<i64>(), &list),
        DataType::Utf8View => strings(values.as_string_view(), &list),
        DataType::Boolean => booleans(values.as_boolean(), &list),
        DataType::Date32 => temporal::<Date32Type>(values, &list)?,
        DataType::Date64 => temporal::<Date64Type>(values, &list)?,
        DataType::Timestamp(TimeUnit::Second, _) => temporal::<TimestampSecondType>(values, &list)?,
        DataType::Timestamp(TimeUnit::Millisecond, _) => temporal::<TimestampMillisecondType>(values, &list)?,
        DataType::Timestamp(TimeUnit::Microsecond, _) => temporal::<TimestampMicrosecondType>(values, &list)?,
        DataType::Timestamp(TimeUnit::Nanosecond, _) => temporal::<TimestampNanosecondType>(values, &list)?,
        other => {
            return Err(Error::type_error(format!("isin does not support {} values", type_name(other))));
        }
    };
    Ok(BooleanArray::new(with_nulls(member, values.logical_nulls().as_ref(), has_null), None))
}

/// `len` bits, all `value`.
fn filled(len: usize, value: bool) -> BooleanBuffer {
    if value {
        BooleanBuffer::new_set(len)
    } else {
        BooleanBuffer::new_unset(len)
    }
}

/// The final bits: `member` where the value is valid, `has_null` where it is
/// null (the member bits of null slots are whatever the slot held).
fn with_nulls(member: BooleanBuffer, nulls: Option<&NullBuffer>, has_null: bool) -> BooleanBuffer {
    match nulls {
        None => member,
        Some(n) if has_null => &member | &!n.inner(),
        Some(n) => &member & n.inner(),
    }
}

/// The candidates, as a slice to scan or a set to probe.
enum Candidates<K> {
    Few(Vec<K>),
    Many(HashSet<K>),
}

impl<K: Hash + Eq + Copy> Candidates<K> {
    fn new(keys: Vec<K>) -> Self {
        if keys.len() <= LINEAR_SCAN_MAX {
            Candidates::Few(keys)
        } else {
            Candidates::Many(keys.into_iter().collect())
        }
    }

    /// One bit per row of `len`, each `key(i)` tested.
    fn test(&self, len: usize, key: impl Fn(usize) -> K) -> BooleanBuffer {
        match self {
            Candidates::Few(ks) if ks.is_empty() => BooleanBuffer::new_unset(len),
            Candidates::Few(ks) => BooleanBuffer::collect_bool(len, |i| ks.contains(&key(i))),
            Candidates::Many(set) => BooleanBuffer::collect_bool(len, |i| set.contains(&key(i))),
        }
    }
}

/// The integer a list value stands for, when it is integral.
fn integral(v: &ScalarValue) -> Option<i128> {
    match v {
        ScalarValue::Int64(i) => Some(i128::from(*i)),
        ScalarValue::UInt64(u) => Some(i128::from(*u)),
        // `i128` holds every integral f64 in the u64/i64 range and more; the
        // bounds check keeps the `as` conversion from saturating.
        ScalarValue::Float64(f) if f.fract() == 0.0 && f.abs() < 1e38 => Some(*f as i128),
        _ => None,
    }
}

fn ints<T: ArrowPrimitiveType>(values: &dyn Array, list: &[&ScalarValue]) -> BooleanBuffer
where
    T::Native: TryFrom<i128> + Hash + Eq,
{
    let keys: Vec<T::Native> =
        list.iter().filter_map(|v| integral(v)).filter_map(|i| T::Native::try_from(i).ok()).collect();
    let data = values.as_primitive::<T>().values();
    Candidates::new(keys).test(data.len(), |i| data[i])
}

/// Bits of a float that identify its value: `-0.0` as `0.0`, every NaN as one.
fn canonical_bits(x: f64) -> u64 {
    if x == 0.0 {
        0
    } else if x.is_nan() {
        f64::NAN.to_bits()
    } else {
        x.to_bits()
    }
}

fn floats<T: ArrowPrimitiveType>(
    values: &dyn Array,
    list: &[&ScalarValue],
    key: impl Fn(T::Native) -> u64,
) -> BooleanBuffer {
    // A candidate the column's type does not hold exactly (0.1 among
    // float32s) matches nothing; converting through f64 keeps this exact.
    let holds = |f: f64| -> Option<u64> {
        let narrowed = match T::DATA_TYPE {
            DataType::Float32 => f64::from(f as f32),
            _ => f,
        };
        (narrowed == f || f.is_nan()).then(|| canonical_bits(f))
    };
    let keys: Vec<u64> = list
        .iter()
        .filter_map(|v| match v {
            ScalarValue::Int64(i) => Some(*i as f64).filter(|f| *f as i64 == *i),
            ScalarValue::UInt64(u) => Some(*u as f64).filter(|f| *f as u64 == *u),
            ScalarValue::Float64(f) => Some(*f),
            _ => None,
        })
        .filter_map(holds)
        .collect();
    let data = values.as_primitive::<T>().values();
    Candidates::new(keys).test(data.len(), |i| key(data[i]))
}

fn strings<'a, A>(values: A, list: &[&'a ScalarValue]) -> BooleanBuffer
where
    A: ArrayAccessor<Item = &'a str>,
{
    let keys: Vec<&'a str> = list
        .iter()
        .filter_map(|v| match v {
            ScalarValue::Utf8(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    Candidates::new(keys).test(values.len(), |i| values.value(i))
}

fn booleans(values: &BooleanArray, list: &[&ScalarValue]) -> BooleanBuffer {
    let has = |b: bool| list.iter().any(|v| **v == ScalarValue::Boolean(b));
    match (has(true), has(false)) {
        (true, true) => BooleanBuffer::new_set(values.len()),
        (true, false) => values.values().clone(),
        (false, true) => !values.values(),
        (false, false) => BooleanBuffer::new_unset(values.len()),
    }
}

/// Dates and timestamps: list values (strings parsed, other dates cast) are
/// converted with arrow's cast, once per list value.
fn temporal<T: ArrowPrimitiveType>(values: &dyn Array, list: &[&ScalarValue]) -> Result<BooleanBuffer>
where
    T::Native: Hash + Eq,
{
    let to = values.data_type();
    let mut keys = Vec::with_capacity(list.len());
    for v in list {
        let one = cast_scalar(v, to)
            .map_err(|_| Error::type_error(format!("cannot parse {v} as {}", type_name(to))))?;
        // `one` was cast to the column's type, which is `T`'s.
        let one = one.as_primitive::<T>();
        if one.is_valid(0) {
            keys.push(one.value(0));
        }
    }
    let data = values.as_primitive::<T>().values();
    Ok(Candidates::new(keys).test(data.len(), |i| data[i]))
}

/// Tests the dictionary's values, then takes each row's answer by its key.
fn dictionary(
    values: &dyn Array,
    key: &DataType,
    list: &[ScalarValue],
    has_null: bool,
) -> Result<BooleanArray> {
    let dict = values.as_any_dictionary();
    let answers = isin(dict.values().as_ref(), list)?;
    // `key` is this dictionary's key type, so each downcast holds.
    let keys: &dyn Array = match key {
        DataType::Int8 => values.as_dictionary::<Int8Type>().keys(),
        DataType::Int16 => values.as_dictionary::<Int16Type>().keys(),
        DataType::Int32 => values.as_dictionary::<Int32Type>().keys(),
        DataType::Int64 => values.as_dictionary::<Int64Type>().keys(),
        DataType::UInt8 => values.as_dictionary::<UInt8Type>().keys(),
        DataType::UInt16 => values.as_dictionary::<UInt16Type>().keys(),
        DataType::UInt32 => values.as_dictionary::<UInt32Type>().keys(),
        DataType::UInt64 => values.as_dictionary::<UInt64Type>().keys(),
        other => return Err(Error::Internal(format!("dictionary keyed by {other}"))),
    };
    // Taking from booleans gives booleans.
    let taken = take(&answers, keys, None)?;
    let taken = taken.as_boolean();
    // A null key is a null value; a key to a null value got its answer above.
    let bits = with_nulls(taken.values().clone(), keys.nulls(), has_null);
    Ok(BooleanArray::new(bits, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{
        BooleanArray, Date32Array, DictionaryArray, Float32Array, Float64Array, Int64Array, Int8Array,
        LargeStringArray, StringArray, StringViewArray, TimestampMillisecondArray, UInt64Array,
    };

    fn bits(a: &BooleanArray) -> Vec<bool> {
        assert_eq!(a.null_count(), 0, "isin is never null");
        a.values().iter().collect()
    }

    #[test]
    fn ints_with_nulls_match_none_only_when_listed() {
        let a = Int64Array::from(vec![Some(1), None, Some(3), Some(4)]);
        assert_eq!(bits(&isin(&a, &[1.into(), 4.into()]).unwrap()), [true, false, false, true]);
        assert_eq!(bits(&isin(&a, &[3.into(), ScalarValue::Null]).unwrap()), [false, true, true, false]);
        assert_eq!(bits(&isin(&a, &[]).unwrap()), [false; 4]);
    }

    #[test]
    fn values_the_type_cannot_hold_match_nothing() {
        let a = Int8Array::from(vec![1, 2, -24]);
        let list =
            [ScalarValue::Float64(2.0), ScalarValue::Float64(1.5), ScalarValue::Int64(1000), (-24).into()];
        assert_eq!(bits(&isin(&a, &list).unwrap()), [false, true, true]);
        let u = UInt64Array::from(vec![u64::MAX, 0]);
        assert_eq!(bits(&isin(&u, &[ScalarValue::UInt64(u64::MAX), (-1).into()]).unwrap()), [true, false]);
    }

    #[test]
    fn long_lists_use_a_set() {
        let a = Int64Array::from((0..100).collect::<Vec<i64>>()).slice(10, 50);
        let list: Vec<ScalarValue> = (0..40).map(|i| ScalarValue::Int64(i * 3)).collect();
        let got = bits(&isin(&a, &list).unwrap());
        let want: Vec<bool> = (10..60).map(|i| i % 3 == 0 && i < 120).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn floats_match_by_value() {
        let a = Float64Array::from(vec![Some(-0.0), Some(f64::NAN), Some(0.5), None]);
        assert_eq!(bits(&isin(&a, &[0.into(), 0.5.into()]).unwrap()), [true, false, true, false]);
        assert_eq!(bits(&isin(&a, &[f64::NAN.into()]).unwrap()), [false, true, false, false]);
        let f = Float32Array::from(vec![0.1f32, 0.5]);
        assert_eq!(bits(&isin(&f, &[0.1.into(), 0.5.into()]).unwrap()), [false, true]);
    }

    #[test]
    fn strings_of_every_encoding() {
        let list = ["b".into(), "é".into()];
        let want = [false, true, false, true];
        let v = vec![Some("a"), Some("b"), None, Some("é")];
        assert_eq!(bits(&isin(&StringArray::from(v.clone()), &list).unwrap()), want);
        assert_eq!(bits(&isin(&LargeStringArray::from(v.clone()), &list).unwrap()), want);
        assert_eq!(bits(&isin(&StringViewArray::from(v.clone()), &list).unwrap()), want);
        let d: DictionaryArray<Int32Type> = v.into_iter().collect();
        assert_eq!(bits(&isin(&d, &list).unwrap()), want);
        assert_eq!(bits(&isin(&d.slice(1, 2), &[ScalarValue::Null]).unwrap()), [false, true]);
        let many: Vec<ScalarValue> =
            (0..30).map(|i| ScalarValue::from(format!("s{i}"))).chain(["é".into()]).collect();
        assert_eq!(bits(&isin(&d, &many).unwrap()), [false, false, false, true]);
    }

    #[test]
    fn booleans_and_dates() {
        let b = BooleanArray::from(vec![Some(true), Some(false), None]);
        assert_eq!(bits(&isin(&b, &[true.into()]).unwrap()), [true, false, false]);
        assert_eq!(bits(&isin(&b, &[false.into(), ScalarValue::Null]).unwrap()), [false, true, true]);
        let d = Date32Array::from(vec![19723, 19724]);
        assert_eq!(bits(&isin(&d, &["2024-01-02".into()]).unwrap()), [false, true]);
        assert_eq!(bits(&isin(&d, &[ScalarValue::Date32(19723)]).unwrap()), [true, false]);
        let t = TimestampMillisecondArray::from(vec![1_704_067_200_000, 0]);
        assert_eq!(bits(&isin(&t, &["2024-01-01".into()]).unwrap()), [true, false]);
    }

    #[test]
    fn mismatched_kinds_are_type_errors() {
        let a = Int64Array::from(vec![1]);
        assert!(matches!(isin(&a, &["1".into()]), Err(Error::Type { .. })));
        let d = Date32Array::from(vec![1]);
        assert!(matches!(isin(&d, &["not a date".into()]), Err(Error::Type { .. })));
    }

    #[test]
    fn empty_and_all_null() {
        let e = StringArray::from(Vec::<&str>::new());
        assert_eq!(isin(&e, &["a".into()]).unwrap().len(), 0);
        let n = Int64Array::from(vec![None, None]);
        assert_eq!(bits(&isin(&n, &[1.into()]).unwrap()), [false, false]);
        let nulls = arrow::array::NullArray::new(2);
        assert_eq!(bits(&isin(&nulls, &[ScalarValue::Null]).unwrap()), [true, true]);
    }
}
