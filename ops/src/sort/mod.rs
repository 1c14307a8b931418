//! Stable sort of a batch by key columns, with pandas' placement of missing
//! values: `df.sort_values(by, ascending, na_position, kind="stable")`.
//!
//! # Order
//!
//! - Rows whose keys tie keep their input order (a stable sort), so a sort
//!   of a sort by another key gives the multi-key order, as in pandas.
//! - A null key goes last (`nulls_first = false`, pandas' default
//!   `na_position="last"`) or first, whatever the direction.
//! - A NaN float is missing too, as pandas counts it: it goes to the same end
//!   as nulls, between the numbers and the nulls (`1, 2, NaN, null` ascending
//!   and descending alike with nulls last; `null, NaN, 1, 2` with nulls
//!   first). That is pandas' order for Arrow-backed floats, which keep NaN
//!   and null apart as rusk does. `-0.0` and `0.0` are equal keys.
//!
//! # How
//!
//! Arrow's `lexsort_to_indices` / `sort_to_indices` are not stable and put
//! NaN above every number, so neither is used. One key of a primitive type
//! (ints, floats, dates, timestamps, decimals) or of strings takes a fast
//! path: the non-missing `(value, row)` pairs are sorted by value then row
//! (the row breaks ties, which makes an unstable sort stable; strings carry
//! their first 8 bytes as an integer, so most comparisons stay in the
//! vector), then the NaN and null rows go at their end in input order. One
//! dictionary key sorts its entries once and places the rows by a counting
//! sort of their entries' ranks (see `dictionary.rs`). Every
//! other key (booleans, large dictionaries, several columns) is encoded by
//! [`SortEncoder`] in Arrow's row format, whose bytes compare as the keys do,
//! and the rows are sorted by (row bytes, index) the same way. Both end in
//! one `take` per column.
//!
//! `tests::timing` (run with `--ignored`) times each path against arrow's
//! unstable kernels: on one primitive key the stable sort is somewhat
//! slower than `sort_to_indices`, on several keys far faster than
//! `lexsort_to_indices`. Past results are in benches/README.md.

use std::cmp::Ordering;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, PrimitiveArray, RecordBatch, UInt32Array};
use arrow::array::{ArrowPrimitiveType, UInt8Array};
use arrow::compute::{cast, take_record_batch, SortOptions};
use arrow::datatypes::{self as types, DataType, Schema};
use arrow::row::{RowConverter, Rows, SortField};

use crate::error::{Error, Result};

mod dictionary;
mod head;
mod running_head;

pub use head::{sort_head, sort_head_indices};
pub use running_head::RunningHead;

pub(crate) use dictionary::{dictionary_probe, encode_probe, DictionaryProbe};

/// One column of a sort's key and its order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SortKey {
    /// The column name.
    pub column: String,
    /// Smallest first (pandas' `ascending=True`).
    pub ascending: bool,
    /// Nulls and NaN before every value (pandas' `na_position="first"`).
    pub nulls_first: bool,
}

impl SortKey {
    /// `column` ascending with nulls last: pandas' default order.
    pub fn new(column: impl Into<String>) -> Self {
        SortKey { column: column.into(), ascending: true, nulls_first: false }
    }

    /// The same key, smallest first when `ascending`, largest first otherwise.
    pub fn ascending(mut self, ascending: bool) -> Self {
        self.ascending = ascending;
        self
    }

    /// The same key with nulls (and NaN) first when `nulls_first`.
    pub fn nulls_first(mut self, nulls_first: bool) -> Self {
        self.nulls_first = nulls_first;
        self
    }
}

/// `batch`'s rows in the order of `by`, ties in input order.
///
/// # Errors
/// [`Error::ColumnNotFound`] for an unknown key, [`Error::Type`] for a key
/// type that cannot be ordered (see [`check_sort_keys`]),
/// [`Error::InvalidArgument`] for a batch of 2³² rows or more.
pub fn sort_batch(batch: &RecordBatch, by: &[SortKey]) -> Result<RecordBatch> {
    if batch.num_rows() < 2 || by.is_empty() {
        check_sort_keys(&batch.schema(), by)?;
        return Ok(batch.clone());
    }
    let indices = sort_to_indices(batch, by)?;
    Ok(take_record_batch(batch, &indices)?)
}

/// The row indices that put `batch` in the order of `by` (see [`sort_batch`]).
///
/// # Errors
/// As [`sort_batch`].
pub fn sort_to_indices(batch: &RecordBatch, by: &[SortKey]) -> Result<UInt32Array> {
    check_sort_keys(&batch.schema(), by)?;
    let n = batch.num_rows();
    if u32::try_from(n).is_err() {
        return Err(Error::InvalidArgument(format!(
            "cannot sort {n} rows in one partition (at most 2^32 - 1)"
        )));
    }
    if let [key] = by {
        let column = column(batch, &key.column)?;
        if let Some(indices) = sort_one_column(column.as_ref(), key)? {
            return Ok(UInt32Array::from(indices));
        }
    }
    Ok(UInt32Array::from(sort_rows(batch, by)?))
}

/// The general path: row indices sorted by (encoded key, index). The caller
/// checked that the row count fits in u32.
fn sort_rows(batch: &RecordBatch, by: &[SortKey]) -> Result<Vec<u32>> {
    let rows = SortEncoder::try_new(&batch.schema(), by)?.encode(batch)?;
    // As in `sort_bytes`: an 8-byte prefix first, then the whole row.
    let mut entries: Vec<(u64, &[u8], u32)> =
        rows.iter().enumerate().map(|(i, row)| (prefix(row.data()), row.data(), i as u32)).collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)).then(a.2.cmp(&b.2)));
    Ok(entries.into_iter().map(|e| e.2).collect())
}

/// Checks that every key names a column of `schema` whose type can be
/// ordered, so that a plan fails when it is built, not when it runs.
///
/// # Errors
/// [`Error::ColumnNotFound`] listing the columns, or [`Error::Type`] for a
/// nested type (list, struct, map), which pandas cannot order either.
pub fn check_sort_keys(schema: &Schema, by: &[SortKey]) -> Result<()> {
    SortEncoder::try_new(schema, by).map(|_| ())
}

/// Encodes sort keys in Arrow's row format: bytes that compare as the keys
/// do in pandas' order (direction, nulls and NaN placement, `-0.0 == 0.0`).
///
/// A float key becomes two encoded columns: a rank (value, NaN or null,
/// ordered by `nulls_first`) and the value with NaN made null. The encoding
/// depends only on the schema, so rows of different batches compare: a range
/// partitioning that draws boundaries with it puts rows in the buckets this
/// sort expects.
#[derive(Debug)]
pub struct SortEncoder {
    converter: RowConverter,
    keys: Vec<SortKey>,
}

impl SortEncoder {
    /// The encoder of `by` over batches of `schema`.
    ///
    /// # Errors
    /// As [`check_sort_keys`].
    pub fn try_new(schema: &Schema, by: &[SortKey]) -> Result<Self> {
        let mut fields = Vec::with_capacity(by.len());
        for key in by {
            let data_type = schema
                .field_with_name(&key.column)
                .map_err(|_| Error::ColumnNotFound {
                    name: key.column.clone(),
                    available: schema.fields().iter().map(|f| f.name().clone()).collect(),
                })?
                .data_type();
            let options = SortOptions { descending: !key.ascending, nulls_first: key.nulls_first };
            if is_float(data_type) {
                fields.push(SortField::new(DataType::UInt8));
                fields.push(SortField::new_with_options(DataType::Float64, options));
            } else {
                // pandas orders scalars only; lists and structs would sort
                // by Arrow's row encoding, an order no user asked for.
                if data_type.is_nested() {
                    return Err(Error::type_error(format!(
                        "cannot sort by column {:?} of type {}: sort keys must be scalars",
                        key.column,
                        crate::dtype::pandas_dtype(data_type)
                    )));
                }
                fields.push(SortField::new_with_options(data_type.clone(), options));
            }
        }
        let converter = RowConverter::new(fields)?;
        Ok(SortEncoder { converter, keys: by.to_vec() })
    }

    /// The keys of `batch`'s rows, one encoded row each.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] or Arrow's error when `batch` does not have
    /// the schema the encoder was made for.
    pub fn encode(&self, batch: &RecordBatch) -> Result<Rows> {
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(self.keys.len() * 2);
        for key in &self.keys {
            let array = column(batch, &key.column)?;
            if is_float(array.data_type()) {
                let (rank, value) = float_key(array.as_ref(), key.nulls_first)?;
                columns.push(Arc::new(rank));
                columns.push(Arc::new(value));
            } else {
                columns.push(Arc::clone(array));
            }
        }
        Ok(self.converter.convert_columns(&columns)?)
    }
}

fn is_float(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Float16 | DataType::Float32 | DataType::Float64)
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| Error::ColumnNotFound {
        name: name.to_string(),
        available: batch.schema().fields().iter().map(|f| f.name().clone()).collect(),
    })
}

/// Where a float row goes among the missing: 0 sorts first.
fn missing_ranks(nulls_first: bool) -> (u8, u8, u8) {
    // (value, NaN, null): NaN always sits between the numbers and the nulls.
    if nulls_first {
        (2, 1, 0)
    } else {
        (0, 1, 2)
    }
}

/// A float key as (rank, value): see [`SortEncoder`]. The value is float64
/// (exact for float16/32), NaN turned null and `-0.0` turned `0.0`.
fn float_key(array: &dyn Array, nulls_first: bool) -> Result<(UInt8Array, Float64Array)> {
    let as_f64 = cast(array, &DataType::Float64)?;
    let values = as_f64.as_primitive::<types::Float64Type>();
    let (value_rank, nan_rank, null_rank) = missing_ranks(nulls_first);
    let ranks: Vec<u8> = (0..values.len())
        .map(|i| {
            if values.is_null(i) {
                null_rank
            } else if values.value(i).is_nan() {
                nan_rank
            } else {
                value_rank
            }
        })
        .collect();
    // `+ 0.0` turns -0.0 into 0.0 and leaves every other number as it is.
    let normalized: Float64Array =
        values.iter().map(|v| v.filter(|x| !x.is_nan()).map(|x| x + 0.0)).collect();
    Ok((UInt8Array::from(ranks), normalized))
}

/// A primitive value as the fast path orders it.
trait SortValue: Copy + Send {
    fn is_nan(self) -> bool;
    /// The value as it is compared: `-0.0` becomes `0.0`, so they tie.
    fn normalize(self) -> Self;
    /// The order of normalized non-NaN values.
    fn order(self, other: Self) -> Ordering;
}

macro_rules! ord_value {
    ($($t:ty),*) => {$(
        impl SortValue for $t {
            fn is_nan(self) -> bool {
                false
            }
            fn normalize(self) -> Self {
                self
            }
            fn order(self, other: Self) -> Ordering {
                self.cmp(&other)
            }
        }
    )*};
}
ord_value!(i8, i16, i32, i64, i128, u8, u16, u32, u64);

macro_rules! float_value {
    ($($t:ty),*) => {$(
        impl SortValue for $t {
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            fn normalize(self) -> Self {
                // -0.0 + 0.0 is 0.0; every other number is unchanged.
                self + 0.0
            }
            fn order(self, other: Self) -> Ordering {
                // Without NaN and -0.0, the total order is the numeric one
                // (and compiles to integer comparisons).
                self.total_cmp(&other)
            }
        }
    )*};
}
float_value!(f32, f64);

/// The order of one key column, or `None` when its type has no fast path.
fn sort_one_column(array: &dyn Array, key: &SortKey) -> Result<Option<Vec<u32>>> {
    use types::*;
    fn go<T>(array: &dyn Array, key: &SortKey) -> Option<Vec<u32>>
    where
        T: ArrowPrimitiveType,
        T::Native: SortValue,
    {
        Some(sort_primitive(array.as_primitive::<T>(), key))
    }
    Ok(match array.data_type() {
        DataType::Int8 => go::<Int8Type>(array, key),
        DataType::Int16 => go::<Int16Type>(array, key),
        DataType::Int32 => go::<Int32Type>(array, key),
        DataType::Int64 => go::<Int64Type>(array, key),
        DataType::UInt8 => go::<UInt8Type>(array, key),
        DataType::UInt16 => go::<UInt16Type>(array, key),
        DataType::UInt32 => go::<UInt32Type>(array, key),
        DataType::UInt64 => go::<UInt64Type>(array, key),
        DataType::Float16 => {
            let wide = cast(array, &DataType::Float64)?;
            go::<Float64Type>(wide.as_ref(), key)
        }
        DataType::Float32 => go::<Float32Type>(array, key),
        DataType::Float64 => go::<Float64Type>(array, key),
        DataType::Date32 => go::<Date32Type>(array, key),
        DataType::Date64 => go::<Date64Type>(array, key),
        DataType::Time32(TimeUnit::Second) => go::<Time32SecondType>(array, key),
        DataType::Time32(TimeUnit::Millisecond) => go::<Time32MillisecondType>(array, key),
        DataType::Time64(TimeUnit::Microsecond) => go::<Time64MicrosecondType>(array, key),
        DataType::Time64(TimeUnit::Nanosecond) => go::<Time64NanosecondType>(array, key),
        DataType::Timestamp(TimeUnit::Second, _) => go::<TimestampSecondType>(array, key),
        DataType::Timestamp(TimeUnit::Millisecond, _) => go::<TimestampMillisecondType>(array, key),
        DataType::Timestamp(TimeUnit::Microsecond, _) => go::<TimestampMicrosecondType>(array, key),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => go::<TimestampNanosecondType>(array, key),
        DataType::Duration(TimeUnit::Second) => go::<DurationSecondType>(array, key),
        DataType::Duration(TimeUnit::Millisecond) => go::<DurationMillisecondType>(array, key),
        DataType::Duration(TimeUnit::Microsecond) => go::<DurationMicrosecondType>(array, key),
        DataType::Duration(TimeUnit::Nanosecond) => go::<DurationNanosecondType>(array, key),
        DataType::Decimal128(_, _) => go::<Decimal128Type>(array, key),
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            Some(sort_bytes(array, |i| a.value(i).as_bytes(), key))
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            Some(sort_bytes(array, |i| a.value(i).as_bytes(), key))
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            Some(sort_bytes(array, |i| a.value(i).as_bytes(), key))
        }
        DataType::Binary => {
            let a = array.as_binary::<i32>();
            Some(sort_bytes(array, |i| a.value(i), key))
        }
        DataType::LargeBinary => {
            let a = array.as_binary::<i64>();
            Some(sort_bytes(array, |i| a.value(i), key))
        }
        DataType::BinaryView => {
            let a = array.as_binary_view();
            Some(sort_bytes(array, |i| a.value(i), key))
        }
        DataType::Dictionary(_, _) => dictionary::sort_dictionary(array, key)?,
        _ => None,
    })
}

/// Sorts the `(value, row)` pairs of the non-missing rows (the row breaks
/// ties, so the unstable sort is stable), then places NaN and null rows, each
/// in input order.
fn sort_primitive<T>(array: &PrimitiveArray<T>, key: &SortKey) -> Vec<u32>
where
    T: ArrowPrimitiveType,
    T::Native: SortValue,
{
    let n = array.len();
    let values = array.values();
    let mut pairs: Vec<(T::Native, u32)> = Vec::with_capacity(n - array.null_count());
    let mut nans: Vec<u32> = Vec::new();
    let mut nulls: Vec<u32> = Vec::with_capacity(array.null_count());
    // The caller checked that n fits in u32.
    let mut place = |i: usize, v: T::Native| {
        if v.is_nan() {
            nans.push(i as u32);
        } else {
            pairs.push((v.normalize(), i as u32));
        }
    };
    match array.nulls().filter(|nb| nb.null_count() > 0) {
        None => values.iter().enumerate().for_each(|(i, &v)| place(i, v)),
        Some(validity) => {
            for (i, &v) in values.iter().enumerate() {
                if validity.is_valid(i) {
                    place(i, v);
                } else {
                    nulls.push(i as u32);
                }
            }
        }
    }
    if key.ascending {
        pairs.sort_unstable_by(|a, b| a.0.order(b.0).then(a.1.cmp(&b.1)));
    } else {
        pairs.sort_unstable_by(|a, b| b.0.order(a.0).then(a.1.cmp(&b.1)));
    }
    assemble(pairs.iter().map(|p| p.1), nans, nulls, key.nulls_first)
}

/// [`sort_primitive`] for strings and binaries, by bytes (UTF-8 orders
/// strings by code point, as Python compares them). Each entry carries the
/// first 8 bytes as a big-endian integer, so most comparisons stay in the
/// vector being sorted.
fn sort_bytes<'a>(array: &dyn Array, value: impl Fn(usize) -> &'a [u8], key: &SortKey) -> Vec<u32> {
    let n = array.len();
    let mut entries: Vec<(u64, &[u8], u32)> = Vec::with_capacity(n - array.null_count());
    let mut nulls: Vec<u32> = Vec::with_capacity(array.null_count());
    // The caller checked that n fits in u32.
    for i in 0..n {
        if array.is_null(i) {
            nulls.push(i as u32);
        } else {
            let bytes = value(i);
            entries.push((prefix(bytes), bytes, i as u32));
        }
    }
    if key.ascending {
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)).then(a.2.cmp(&b.2)));
    } else {
        entries.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(a.1)).then(a.2.cmp(&b.2)));
    }
    assemble(entries.iter().map(|e| e.2), vec![], nulls, key.nulls_first)
}

/// The first 8 bytes (zero-padded) as a big-endian integer: integers compare
/// as the byte strings' prefixes do, and never contradict the full comparison.
fn prefix(bytes: &[u8]) -> u64 {
    let mut head = [0u8; 8];
    let k = bytes.len().min(8);
    head[..k].copy_from_slice(&bytes[..k]);
    u64::from_be_bytes(head)
}

/// The sorted values' rows, then NaN rows, then null rows (or the reverse
/// when `nulls_first`), missing ones in input order.
fn assemble(
    sorted: impl Iterator<Item = u32>,
    nans: Vec<u32>,
    nulls: Vec<u32>,
    nulls_first: bool,
) -> Vec<u32> {
    let mut out = Vec::with_capacity(sorted.size_hint().0 + nans.len() + nulls.len());
    if nulls_first {
        out.extend(nulls);
        out.extend(nans);
        out.extend(sorted);
    } else {
        out.extend(sorted);
        out.extend(nans);
        out.extend(nulls);
    }
    out
}

#[cfg(test)]
mod tests {
    use arrow::array::{BooleanArray, Int64Array, StringArray};
    use arrow::datatypes::{Field, Int64Type};

    use super::*;

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(columns).unwrap()
    }

    /// The sorted order as the input row numbers.
    fn order(b: &RecordBatch, by: &[SortKey]) -> Vec<u32> {
        sort_to_indices(b, by).unwrap().values().to_vec()
    }

    fn key(column: &str, ascending: bool, nulls_first: bool) -> SortKey {
        SortKey::new(column).ascending(ascending).nulls_first(nulls_first)
    }

    #[test]
    fn ints_are_stable_with_nulls_at_either_end() {
        let b = batch(vec![(
            "k",
            Arc::new(Int64Array::from(vec![Some(2), None, Some(1), Some(2), None, Some(1)])),
        )]);
        assert_eq!(order(&b, &[key("k", true, false)]), [2, 5, 0, 3, 1, 4]);
        assert_eq!(order(&b, &[key("k", false, false)]), [0, 3, 2, 5, 1, 4]);
        assert_eq!(order(&b, &[key("k", true, true)]), [1, 4, 2, 5, 0, 3]);
        assert_eq!(order(&b, &[key("k", false, true)]), [1, 4, 0, 3, 2, 5]);
        let sorted = sort_batch(&b, &[SortKey::new("k")]).unwrap();
        let values: Vec<_> = sorted.column(0).as_primitive::<Int64Type>().iter().collect();
        assert_eq!(values, [Some(1), Some(1), Some(2), Some(2), None, None]);
    }

    /// NaN goes with the nulls' end, between the numbers and the nulls, as
    /// pandas orders Arrow-backed floats; -0.0 ties with 0.0.
    #[test]
    fn nan_is_missing_and_negative_zero_ties() {
        let values =
            vec![Some(3.0), Some(f64::NAN), None, Some(0.0), Some(-0.0), Some(f64::NAN), None, Some(-1.0)];
        let b = batch(vec![("f", Arc::new(Float64Array::from(values)))]);
        assert_eq!(order(&b, &[key("f", true, false)]), [7, 3, 4, 0, 1, 5, 2, 6]);
        assert_eq!(order(&b, &[key("f", false, false)]), [0, 3, 4, 7, 1, 5, 2, 6]);
        assert_eq!(order(&b, &[key("f", true, true)]), [2, 6, 1, 5, 7, 3, 4, 0]);
        assert_eq!(order(&b, &[key("f", false, true)]), [2, 6, 1, 5, 0, 3, 4, 7]);
        // The general path agrees (a second, constant key forces it).
        let with_const =
            batch(vec![("f", Arc::clone(b.column(0))), ("c", Arc::new(StringArray::from(vec!["x"; 8])))]);
        for (asc, nf) in [(true, false), (false, false), (true, true), (false, true)] {
            assert_eq!(
                order(&with_const, &[key("f", asc, nf), key("c", true, false)]),
                order(&b, &[key("f", asc, nf)])
            );
        }
    }

    #[test]
    fn several_keys_with_mixed_directions() {
        let b = batch(vec![
            (
                "s",
                Arc::new(StringArray::from(vec![
                    Some("b"),
                    Some("a"),
                    None,
                    Some("a"),
                    Some("b"),
                    Some("a"),
                ])),
            ),
            (
                "f",
                Arc::new(Float64Array::from(vec![
                    Some(1.0),
                    Some(f64::NAN),
                    Some(1.0),
                    Some(2.0),
                    Some(1.0),
                    None,
                ])),
            ),
            ("t", Arc::new(BooleanArray::from(vec![true, false, true, false, false, true]))),
        ]);
        // s ascending nulls last, then f descending (NaN, then null, after the numbers).
        assert_eq!(order(&b, &[key("s", true, false), key("f", false, false)]), [3, 1, 5, 0, 4, 2]);
        // s descending, f ascending, t descending.
        assert_eq!(
            order(&b, &[key("s", false, false), key("f", true, false), key("t", false, false)]),
            [0, 4, 3, 1, 5, 2]
        );
        assert_eq!(order(&b, &[key("t", true, true)]), [1, 3, 4, 0, 2, 5]);
    }

    #[test]
    fn empty_one_row_sliced_and_all_null() {
        let empty = batch(vec![("k", Arc::new(Int64Array::from(Vec::<i64>::new())))]);
        assert_eq!(sort_batch(&empty, &[SortKey::new("k")]).unwrap().num_rows(), 0);
        let one = batch(vec![("k", Arc::new(Int64Array::from(vec![4])))]);
        assert_eq!(sort_batch(&one, &[SortKey::new("k")]).unwrap(), one);
        let b = batch(vec![
            ("k", Arc::new(Int64Array::from(vec![9, 3, 2, 1, 0]))),
            ("s", Arc::new(StringArray::from(vec!["z", "c", "b", "a", "y"]))),
        ]);
        let sliced = b.slice(1, 3);
        assert_eq!(order(&sliced, &[SortKey::new("k")]), [2, 1, 0]);
        assert_eq!(order(&sliced, &[SortKey::new("s")]), [2, 1, 0]);
        let nulls = batch(vec![("k", Arc::new(Int64Array::from(vec![None::<i64>; 4])))]);
        assert_eq!(order(&nulls, &[key("k", false, true)]), [0, 1, 2, 3]);
        assert_eq!(order(&nulls, &[key("k", true, false), key("k", false, false)]), [0, 1, 2, 3]);
    }

    #[test]
    fn bad_keys_are_errors() {
        let b = batch(vec![("k", Arc::new(Int64Array::from(vec![1, 2])))]);
        match sort_batch(&b, &[SortKey::new("nope")]) {
            Err(Error::ColumnNotFound { name, available }) => {
                assert_eq!((name.as_str(), available), ("nope", vec!["k".to_string()]));
            }
            other => panic!("{other:?}"),
        }
        let map = DataType::Map(
            Arc::new(Field::new(
                "entries",
                DataType::Struct(
                    vec![Field::new("k", DataType::Utf8, false), Field::new("v", DataType::Int64, true)]
                        .into(),
                ),
                false,
            )),
            false,
        );
        let schema = Schema::new(vec![Field::new("m", map, true)]);
        assert!(matches!(check_sort_keys(&schema, &[SortKey::new("m")]), Err(Error::Type { .. })));
    }

    /// A small seeded generator (no dependency for a test).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    fn random_floats(rng: &mut Lcg, n: usize, distinct: u64) -> Float64Array {
        (0..n)
            .map(|_| match rng.next() % 20 {
                0 => None,
                1 => Some(f64::NAN),
                2 => Some(-0.0),
                _ => Some((rng.next() % distinct) as f64 - (distinct / 2) as f64),
            })
            .collect()
    }

    /// The fast path and the general path give one order, and it is the
    /// order of a naive stable sort.
    #[test]
    fn fast_path_matches_general_path_and_naive_sort() {
        let mut rng = Lcg(42);
        for n in [0, 1, 2, 7, 100, 1000] {
            let ints: Int64Array =
                (0..n).map(|_| (!rng.next().is_multiple_of(10)).then(|| (rng.next() % 13) as i64)).collect();
            let floats = random_floats(&mut rng, n, 9);
            let words = ["", "a", "ab", "abcdefgh", "abcdefghij", "abcdefghik", "b", "\u{e9}", "Z"];
            let strings: StringArray = (0..n)
                .map(|_| (!rng.next().is_multiple_of(10)).then(|| words[rng.next() as usize % words.len()]))
                .collect();
            let b = batch(vec![
                ("i", Arc::new(ints.clone())),
                ("f", Arc::new(floats.clone())),
                ("s", Arc::new(strings.clone())),
            ]);
            for (asc, nf) in [(true, false), (false, false), (true, true), (false, true)] {
                let by = [key("s", asc, nf)];
                let fast = order(&b, &by);
                assert_eq!(fast, sort_rows(&b, &by).unwrap(), "s asc={asc} nulls_first={nf}");
                let mut naive: Vec<u32> = (0..n as u32).collect();
                naive.sort_by(|&x, &y| {
                    let (a, b) = (strings.is_valid(x as usize), strings.is_valid(y as usize));
                    match (a, b) {
                        (true, true) => {
                            let o = strings.value(x as usize).cmp(strings.value(y as usize));
                            if asc {
                                o
                            } else {
                                o.reverse()
                            }
                        }
                        _ => (a == nf).cmp(&(b == nf)),
                    }
                });
                assert_eq!(fast, naive, "s n={n} asc={asc} nulls_first={nf}");
                for column in ["i", "f"] {
                    let by = [key(column, asc, nf)];
                    let fast = order(&b, &by);
                    assert_eq!(fast, sort_rows(&b, &by).unwrap(), "{column} asc={asc} nulls_first={nf}");
                    // Naive: a stable sort by (missing rank, value).
                    let (v_rank, nan_rank, null_rank) = missing_ranks(nf);
                    let mut naive: Vec<u32> = (0..n as u32).collect();
                    let rank_of = |i: usize| -> (u8, f64) {
                        let (null, v) = if column == "i" {
                            (ints.is_null(i), ints.value(i) as f64)
                        } else {
                            (floats.is_null(i), floats.value(i))
                        };
                        if null {
                            (null_rank, 0.0)
                        } else if v.is_nan() {
                            (nan_rank, 0.0)
                        } else {
                            (v_rank, if asc { v + 0.0 } else { -(v + 0.0) })
                        }
                    };
                    naive.sort_by(|&x, &y| {
                        let (a, b) = (rank_of(x as usize), rank_of(y as usize));
                        a.0.cmp(&b.0).then(a.1.partial_cmp(&b.1).unwrap())
                    });
                    assert_eq!(fast, naive, "{column} n={n} asc={asc} nulls_first={nf}");
                }
            }
        }
    }

    /// `cargo test -p rusk-ops --release sort::tests::timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn timing() {
        let n = 1_000_000;
        let mut rng = Lcg(7);
        let ints: Int64Array = (0..n).map(|_| rng.next() as i64).collect();
        let floats = random_floats(&mut rng, n, 1 << 30);
        let strings: StringArray = (0..n).map(|_| Some(format!("s{:08}", rng.next() % 100_000))).collect();
        let b = batch(vec![("i", Arc::new(ints)), ("f", Arc::new(floats)), ("s", Arc::new(strings))]);
        let cases: [(&str, Vec<SortKey>); 5] = [
            ("int64", vec![SortKey::new("i")]),
            ("float64 with nulls and NaN", vec![SortKey::new("f")]),
            ("string", vec![SortKey::new("s")]),
            ("int64 + string", vec![SortKey::new("s"), SortKey::new("i").ascending(false)]),
            ("int64 via rows", vec![SortKey::new("i"), SortKey::new("i")]),
        ];
        for (name, by) in cases {
            let (mut best, mut best_indices) = (f64::MAX, f64::MAX);
            for _ in 0..3 {
                let start = std::time::Instant::now();
                let indices = sort_to_indices(&b, &by).unwrap();
                best_indices = best_indices.min(start.elapsed().as_secs_f64());
                let out = take_record_batch(&b, &indices).unwrap();
                best = best.min(start.elapsed().as_secs_f64());
                assert_eq!(out.num_rows(), n);
            }
            println!(
                "sort {name} 1e6 rows: {:.1} ms ({:.1}e6 rows/s), of which the order {:.1} ms",
                best * 1e3,
                n as f64 / best / 1e6,
                best_indices * 1e3
            );
        }
        // Arrow's unstable kernels on the same machine and load, for scale.
        let start = std::time::Instant::now();
        let idx = arrow::compute::sort_to_indices(b.column(0), None, None).unwrap();
        let int_ms = start.elapsed().as_secs_f64() * 1e3;
        let start = std::time::Instant::now();
        let columns = [
            arrow::compute::SortColumn { values: Arc::clone(b.column(2)), options: None },
            arrow::compute::SortColumn { values: Arc::clone(b.column(0)), options: None },
        ];
        let lex = arrow::compute::lexsort_to_indices(&columns, None).unwrap();
        let lex_ms = start.elapsed().as_secs_f64() * 1e3;
        println!(
            "arrow (unstable): sort_to_indices int64 {int_ms:.1} ms, lexsort string + int64 {lex_ms:.1} ms"
        );
        assert_eq!(idx.len() + lex.len(), 2 * n);
    }
}
