//! A single typed value: the literals of expressions and the bounds of statistics.

use std::fmt;
use std::sync::Arc;

use arrow::array::{
    new_null_array, Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray,
    UInt64Array,
};
use arrow::datatypes::{DataType, TimeUnit};

use crate::error::{Error, Result};

/// A single value of one of the types a literal can have.
///
/// Integer literals are `Int64` (or `UInt64` beyond its range) and floats
/// `Float64`, as Python's; they are cast to the other operand's type when an
/// expression is evaluated.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum ScalarValue {
    /// A null of no particular type (`None`).
    Null,
    /// `True` / `False`.
    Boolean(bool),
    /// A signed integer.
    Int64(i64),
    /// An unsigned integer too large for `Int64`.
    UInt64(u64),
    /// A float (NaN and the infinities travel as the strings `"NaN"`,
    /// `"inf"`, `"-inf"`: JSON has no number for them).
    Float64(#[serde(with = "any_float")] f64),
    /// A string.
    Utf8(String),
    /// Days since 1970-01-01.
    Date32(i32),
    /// A point in time since the epoch, in `unit`, with an optional time zone.
    Timestamp(i64, TimeUnit, Option<Arc<str>>),
    /// A length of time in `unit` (pandas' `Timedelta`; see [`crate::time::parse_timedelta`]).
    Duration(i64, TimeUnit),
}

/// Equal when they are the same literal: a NaN equals a NaN here (two
/// expressions holding NaN are the same expression).
impl PartialEq for ScalarValue {
    fn eq(&self, other: &Self) -> bool {
        use ScalarValue as V;
        match (self, other) {
            (V::Null, V::Null) => true,
            (V::Boolean(a), V::Boolean(b)) => a == b,
            (V::Int64(a), V::Int64(b)) => a == b,
            (V::UInt64(a), V::UInt64(b)) => a == b,
            (V::Float64(a), V::Float64(b)) => a == b || (a.is_nan() && b.is_nan()),
            (V::Utf8(a), V::Utf8(b)) => a == b,
            (V::Date32(a), V::Date32(b)) => a == b,
            (V::Timestamp(a, u, z), V::Timestamp(b, v, w)) => a == b && u == v && z == w,
            (V::Duration(a, u), V::Duration(b, v)) => a == b && u == v,
            _ => false,
        }
    }
}

impl ScalarValue {
    /// The Arrow type of the value (`Null` for [`ScalarValue::Null`]).
    pub fn data_type(&self) -> DataType {
        match self {
            ScalarValue::Null => DataType::Null,
            ScalarValue::Boolean(_) => DataType::Boolean,
            ScalarValue::Int64(_) => DataType::Int64,
            ScalarValue::UInt64(_) => DataType::UInt64,
            ScalarValue::Float64(_) => DataType::Float64,
            ScalarValue::Utf8(_) => DataType::Utf8,
            ScalarValue::Date32(_) => DataType::Date32,
            ScalarValue::Timestamp(_, unit, tz) => DataType::Timestamp(*unit, tz.clone()),
            ScalarValue::Duration(_, unit) => DataType::Duration(*unit),
        }
    }

    /// True for [`ScalarValue::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, ScalarValue::Null)
    }

    /// The value repeated `len` times, as an array of its own type.
    pub fn to_array(&self, len: usize) -> ArrayRef {
        match self {
            ScalarValue::Null => new_null_array(&DataType::Null, len),
            ScalarValue::Boolean(v) => Arc::new(BooleanArray::from(vec![*v; len])),
            ScalarValue::Int64(v) => Arc::new(Int64Array::from_value(*v, len)),
            ScalarValue::UInt64(v) => Arc::new(UInt64Array::from_value(*v, len)),
            ScalarValue::Float64(v) => Arc::new(Float64Array::from_value(*v, len)),
            ScalarValue::Utf8(v) => Arc::new(StringArray::from_iter_values(std::iter::repeat_n(v, len))),
            ScalarValue::Date32(v) => Arc::new(Date32Array::from_value(*v, len)),
            ScalarValue::Timestamp(v, unit, tz) => {
                let values = Int64Array::from_value(*v, len);
                let array: ArrayRef = Arc::new(values);
                // Int64 → Timestamp is a reinterpretation of the same buffer.
                match arrow::compute::cast(&array, &DataType::Timestamp(*unit, tz.clone())) {
                    Ok(a) => a,
                    Err(_) => array,
                }
            }
            ScalarValue::Duration(v, unit) => {
                let array: ArrayRef = Arc::new(Int64Array::from_value(*v, len));
                match arrow::compute::cast(&array, &DataType::Duration(*unit)) {
                    Ok(a) => a,
                    Err(_) => array,
                }
            }
        }
    }

    /// The value at `index` of `array` (null when the slot is null).
    ///
    /// # Errors
    /// [`Error::Type`] for types a literal cannot hold (lists, structs, ...).
    pub fn try_from_array(array: &dyn Array, index: usize) -> Result<Self> {
        use arrow::array::AsArray;
        use arrow::datatypes::*;
        if array.is_null(index) {
            return Ok(ScalarValue::Null);
        }
        let v = match array.data_type() {
            DataType::Boolean => ScalarValue::Boolean(array.as_boolean().value(index)),
            DataType::Int8 => ScalarValue::Int64(array.as_primitive::<Int8Type>().value(index).into()),
            DataType::Int16 => ScalarValue::Int64(array.as_primitive::<Int16Type>().value(index).into()),
            DataType::Int32 => ScalarValue::Int64(array.as_primitive::<Int32Type>().value(index).into()),
            DataType::Int64 => ScalarValue::Int64(array.as_primitive::<Int64Type>().value(index)),
            DataType::UInt8 => ScalarValue::Int64(array.as_primitive::<UInt8Type>().value(index).into()),
            DataType::UInt16 => ScalarValue::Int64(array.as_primitive::<UInt16Type>().value(index).into()),
            DataType::UInt32 => ScalarValue::Int64(array.as_primitive::<UInt32Type>().value(index).into()),
            DataType::UInt64 => ScalarValue::UInt64(array.as_primitive::<UInt64Type>().value(index)),
            DataType::Float32 => {
                ScalarValue::Float64(array.as_primitive::<Float32Type>().value(index).into())
            }
            DataType::Float64 => ScalarValue::Float64(array.as_primitive::<Float64Type>().value(index)),
            DataType::Utf8 => ScalarValue::Utf8(array.as_string::<i32>().value(index).to_string()),
            DataType::LargeUtf8 => ScalarValue::Utf8(array.as_string::<i64>().value(index).to_string()),
            DataType::Utf8View => ScalarValue::Utf8(array.as_string_view().value(index).to_string()),
            DataType::Date32 => ScalarValue::Date32(array.as_primitive::<Date32Type>().value(index)),
            DataType::Timestamp(unit, tz) => {
                let raw = match unit {
                    TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(index),
                    TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().value(index),
                    TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().value(index),
                    TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(index),
                };
                ScalarValue::Timestamp(raw, *unit, tz.clone())
            }
            DataType::Duration(unit) => {
                let raw = match unit {
                    TimeUnit::Second => array.as_primitive::<DurationSecondType>().value(index),
                    TimeUnit::Millisecond => array.as_primitive::<DurationMillisecondType>().value(index),
                    TimeUnit::Microsecond => array.as_primitive::<DurationMicrosecondType>().value(index),
                    TimeUnit::Nanosecond => array.as_primitive::<DurationNanosecondType>().value(index),
                };
                ScalarValue::Duration(raw, *unit)
            }
            DataType::Dictionary(_, _) => {
                let dict = array.as_any_dictionary();
                if dict.values().is_empty() {
                    return Ok(ScalarValue::Null);
                }
                let key = dict.normalized_keys()[index];
                return Self::try_from_array(dict.values().as_ref(), key);
            }
            other => return Err(Error::type_error(format!("no scalar value of type {other}"))),
        };
        Ok(v)
    }
}

impl fmt::Display for ScalarValue {
    /// Prints the value as pandas' query syntax would spell it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScalarValue::Null => write!(f, "None"),
            ScalarValue::Boolean(true) => write!(f, "True"),
            ScalarValue::Boolean(false) => write!(f, "False"),
            ScalarValue::Int64(v) => write!(f, "{v}"),
            ScalarValue::UInt64(v) => write!(f, "{v}"),
            ScalarValue::Float64(v) if v.fract() == 0.0 && v.is_finite() => write!(f, "{v:.1}"),
            ScalarValue::Float64(v) => write!(f, "{v}"),
            ScalarValue::Utf8(v) => write!(f, "'{}'", v.replace('\\', "\\\\").replace('\'', "\\'")),
            ScalarValue::Date32(days) => match chrono::NaiveDate::from_num_days_from_ce_opt(
                days + crate::time::UNIX_EPOCH_DAYS_FROM_CE,
            ) {
                Some(d) => write!(f, "'{d}'"),
                None => write!(f, "date32({days})"),
            },
            ScalarValue::Timestamp(v, unit, _) => {
                let nanos = match unit {
                    TimeUnit::Second => v.checked_mul(1_000_000_000),
                    TimeUnit::Millisecond => v.checked_mul(1_000_000),
                    TimeUnit::Microsecond => v.checked_mul(1_000),
                    TimeUnit::Nanosecond => Some(*v),
                };
                match nanos.map(chrono::DateTime::from_timestamp_nanos) {
                    Some(t) => write!(f, "'{}'", t.naive_utc()),
                    None => write!(f, "timestamp({v})"),
                }
            }
            // As pandas' repr, which the query syntax reads back.
            ScalarValue::Duration(v, unit) => {
                use crate::time::TimedeltaFormat;
                let format = match TimedeltaFormat::for_column(std::iter::once(*v), *unit) {
                    TimedeltaFormat::Days => TimedeltaFormat::Seconds,
                    other => other,
                };
                write!(f, "Timedelta('{}')", format.format(*v, *unit))
            }
        }
    }
}

impl From<i64> for ScalarValue {
    fn from(v: i64) -> Self {
        ScalarValue::Int64(v)
    }
}
impl From<i32> for ScalarValue {
    fn from(v: i32) -> Self {
        ScalarValue::Int64(v.into())
    }
}
impl From<u64> for ScalarValue {
    fn from(v: u64) -> Self {
        i64::try_from(v).map_or(ScalarValue::UInt64(v), ScalarValue::Int64)
    }
}
impl From<usize> for ScalarValue {
    fn from(v: usize) -> Self {
        ScalarValue::from(v as u64)
    }
}
impl From<f64> for ScalarValue {
    fn from(v: f64) -> Self {
        ScalarValue::Float64(v)
    }
}
impl From<bool> for ScalarValue {
    fn from(v: bool) -> Self {
        ScalarValue::Boolean(v)
    }
}
impl From<&str> for ScalarValue {
    fn from(v: &str) -> Self {
        ScalarValue::Utf8(v.to_string())
    }
}
impl From<String> for ScalarValue {
    fn from(v: String) -> Self {
        ScalarValue::Utf8(v)
    }
}
impl<T: Into<ScalarValue>> From<Option<T>> for ScalarValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(ScalarValue::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_query_syntax() {
        assert_eq!(ScalarValue::from("it's").to_string(), "'it\\'s'");
        assert_eq!(ScalarValue::from(2.0).to_string(), "2.0");
        assert_eq!(ScalarValue::from(true).to_string(), "True");
        assert_eq!(ScalarValue::Date32(19723).to_string(), "'2024-01-01'");
        let hour = ScalarValue::Duration(3_600_000_000, TimeUnit::Microsecond);
        assert_eq!(hour.to_string(), "Timedelta('0 days 01:00:00')");
        assert_eq!(
            ScalarValue::Duration(-1, TimeUnit::Nanosecond).to_string(),
            "Timedelta('-1 days +23:59:59.999999999')"
        );
        assert_eq!(
            ScalarValue::Duration(1_500, TimeUnit::Millisecond).to_string(),
            "Timedelta('0 days 00:00:01.500000')"
        );
        assert_eq!(ScalarValue::Duration(2, TimeUnit::Second).to_string(), "Timedelta('0 days 00:00:02')");
    }

    #[test]
    fn round_trips_through_arrays() {
        for v in [
            ScalarValue::from(3),
            ScalarValue::from(1.5),
            ScalarValue::from("x"),
            ScalarValue::Date32(5),
            ScalarValue::Duration(-7, TimeUnit::Millisecond),
        ] {
            let a = v.to_array(3);
            assert_eq!(a.len(), 3);
            assert_eq!(ScalarValue::try_from_array(a.as_ref(), 2).unwrap(), v);
        }
        let sliced = Int64Array::from(vec![Some(1), None, Some(3)]).slice(1, 2);
        assert_eq!(ScalarValue::try_from_array(&sliced, 0).unwrap(), ScalarValue::Null);
        assert_eq!(ScalarValue::try_from_array(&sliced, 1).unwrap(), ScalarValue::Int64(3));
    }
}

/// Serde for a float that may be NaN or infinite, which JSON numbers
/// cannot hold: those are written as strings.
mod any_float {
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            serializer.serialize_f64(*v)
        } else if v.is_nan() {
            serializer.serialize_str("NaN")
        } else if *v > 0.0 {
            serializer.serialize_str("inf")
        } else {
            serializer.serialize_str("-inf")
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Float {
        Number(f64),
        Text(String),
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        match Float::deserialize(deserializer)? {
            Float::Number(v) => Ok(v),
            Float::Text(t) => match t.as_str() {
                "NaN" => Ok(f64::NAN),
                "inf" => Ok(f64::INFINITY),
                "-inf" => Ok(f64::NEG_INFINITY),
                other => Err(de::Error::custom(format!("not a float: {other:?}"))),
            },
        }
    }
}
