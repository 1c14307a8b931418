//! Classes of Arrow types as rusk's rules see them (integers, floats,
//! strings of any encoding, dates), and their names in messages.

use arrow::datatypes::{DataType, TimeUnit};

/// The numeric type a value computes as: itself for ints and float32/64,
/// int64 for bool, float64 for float16 and decimals. `None` if not numeric.
pub(crate) fn numeric_base(t: &DataType) -> Option<DataType> {
    use DataType::*;
    match value_type(t) {
        Boolean => Some(Int64),
        t @ (Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 | Float32 | Float64) => {
            Some(t.clone())
        }
        Float16 | Decimal32(..) | Decimal64(..) | Decimal128(..) | Decimal256(..) => Some(Float64),
        _ => None,
    }
}

/// `(signed, bits)` of an integer type.
pub(crate) fn int_info(t: &DataType) -> Option<(bool, u8)> {
    use DataType::*;
    Some(match t {
        Int8 => (true, 8),
        Int16 => (true, 16),
        Int32 => (true, 32),
        Int64 => (true, 64),
        UInt8 => (false, 8),
        UInt16 => (false, 16),
        UInt32 => (false, 32),
        UInt64 => (false, 64),
        _ => return None,
    })
}

/// The signed integer type of `bits` bits.
pub(crate) fn signed_of_width(bits: u8) -> DataType {
    match bits {
        8 => DataType::Int8,
        16 => DataType::Int16,
        32 => DataType::Int32,
        _ => DataType::Int64,
    }
}

/// The unsigned integer type of `bits` bits.
pub(crate) fn unsigned_of_width(bits: u8) -> DataType {
    match bits {
        8 => DataType::UInt8,
        16 => DataType::UInt16,
        32 => DataType::UInt32,
        _ => DataType::UInt64,
    }
}

/// True for any integer type.
pub(crate) fn is_integer(t: &DataType) -> bool {
    int_info(t).is_some()
}

/// True for float16/32/64.
pub(crate) fn is_float(t: &DataType) -> bool {
    matches!(t, DataType::Float16 | DataType::Float32 | DataType::Float64)
}

/// True for what takes part in arithmetic: numbers and booleans.
pub(crate) fn is_numeric_or_bool(t: &DataType) -> bool {
    numeric_base(t).is_some()
}

/// True for the dates, timestamps and durations a string literal can be
/// parsed into.
pub(crate) fn is_temporal(t: &DataType) -> bool {
    matches!(t, DataType::Date32 | DataType::Date64 | DataType::Timestamp(..) | DataType::Duration(_))
}

/// The string encoding of `t` (`Utf8`, `LargeUtf8`, `Utf8View`), looking
/// through a dictionary; `None` when `t` does not hold strings.
pub(crate) fn string_leaf(t: &DataType) -> Option<&DataType> {
    match value_type(t) {
        leaf @ (DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) => Some(leaf),
        _ => None,
    }
}

/// A dictionary's value type, or `t` itself.
pub(crate) fn value_type(t: &DataType) -> &DataType {
    match t {
        DataType::Dictionary(_, v) => v,
        other => other,
    }
}

/// `t` with its string encoding replaced by `leaf`, keeping a dictionary.
pub(crate) fn with_leaf(t: &DataType, leaf: &DataType) -> DataType {
    match t {
        DataType::Dictionary(k, _) => DataType::Dictionary(k.clone(), Box::new(leaf.clone())),
        _ => leaf.clone(),
    }
}

/// The type's name as a pandas user knows it, for error messages (one home:
/// [`crate::dtype::pandas_dtype`]).
pub(crate) use crate::dtype::pandas_dtype as type_name;

/// Orders time units from coarse (seconds) to fine (nanoseconds).
pub(crate) fn unit_rank(u: TimeUnit) -> u8 {
    match u {
        TimeUnit::Second => 0,
        TimeUnit::Millisecond => 1,
        TimeUnit::Microsecond => 2,
        TimeUnit::Nanosecond => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn names_speak_pandas() {
        let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::LargeUtf8));
        assert_eq!(type_name(&dict), "string");
        assert_eq!(type_name(&DataType::Utf8View), "string");
        assert_eq!(type_name(&DataType::Int64), "int64");
        assert_eq!(type_name(&DataType::Boolean), "bool");
        let ts = DataType::Timestamp(TimeUnit::Millisecond, Some(Arc::from("UTC")));
        assert_eq!(type_name(&ts), "datetime64[ms, UTC]");
        let ints = DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::UInt16));
        assert_eq!(type_name(&ints), "dictionary of uint16");
    }

    #[test]
    fn classes_look_through_dictionaries() {
        let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8View));
        assert_eq!(string_leaf(&dict), Some(&DataType::Utf8View));
        assert_eq!(
            with_leaf(&dict, &DataType::Utf8),
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
        );
        assert_eq!(string_leaf(&DataType::Binary), None);
        assert_eq!(numeric_base(&DataType::Boolean), Some(DataType::Int64));
        assert_eq!(numeric_base(&DataType::Decimal128(10, 2)), Some(DataType::Float64));
        assert_eq!(numeric_base(&DataType::Date32), None);
        assert!(is_temporal(&DataType::Timestamp(TimeUnit::Second, None)) && !is_temporal(&DataType::Int32));
    }
}
