//! Key columns of two sides that must compare equal across types: pandas
//! merges an `int32` key with an `int64` one, or an `int64` with a
//! `float64`, by value; a number with a string is an error.

use arrow::array::ArrayRef;
use arrow::compute::kernels::cast::cast;
use arrow::datatypes::DataType;

use crate::error::{Error, Result};

/// The type both keys are compared as, or `None` when they cannot be
/// compared (a number and a string, say). Dictionaries compare by value.
pub fn common_key_type(left: &DataType, right: &DataType) -> Option<DataType> {
    use DataType::*;
    let value = |t: &DataType| match t {
        Dictionary(_, v) => v.as_ref().clone(),
        other => other.clone(),
    };
    let (l, r) = (value(left), value(right));
    if l == r {
        return Some(l);
    }
    let is_string = |t: &DataType| matches!(t, Utf8 | LargeUtf8 | Utf8View);
    let is_signed = |t: &DataType| matches!(t, Int8 | Int16 | Int32 | Int64);
    let is_unsigned = |t: &DataType| matches!(t, UInt8 | UInt16 | UInt32 | UInt64);
    let is_float = |t: &DataType| matches!(t, Float16 | Float32 | Float64);
    let is_int = |t: &DataType| is_signed(t) || is_unsigned(t);
    Some(match (&l, &r) {
        (a, b) if is_string(a) && is_string(b) => {
            if matches!(a, LargeUtf8) || matches!(b, LargeUtf8) {
                LargeUtf8
            } else {
                Utf8
            }
        }
        (a, b) if is_int(a) && is_int(b) => {
            if is_signed(a) == is_signed(b) {
                // The wider of two of the same signedness.
                if a.primitive_width() >= b.primitive_width() {
                    a.clone()
                } else {
                    b.clone()
                }
            } else {
                Int64
            }
        }
        (a, b) if (is_int(a) || is_float(a)) && (is_int(b) || is_float(b)) => Float64,
        (Timestamp(_, tz_a), Timestamp(_, tz_b)) if tz_a == tz_b => {
            Timestamp(arrow::datatypes::TimeUnit::Nanosecond, tz_a.clone())
        }
        (Date32, Date64) | (Date64, Date32) => Date64,
        _ => return None,
    })
}

/// `keys` cast to `types` where they differ (one type per key).
///
/// # Errors
/// [`Error::Internal`] for a count mismatch; Arrow's cast errors.
pub fn cast_keys(keys: &[ArrayRef], types: &[DataType]) -> Result<Vec<ArrayRef>> {
    if keys.len() != types.len() {
        return Err(Error::Internal(format!("{} keys for {} key types", keys.len(), types.len())));
    }
    keys.iter()
        .zip(types)
        .map(|(k, t)| if k.data_type() == t { Ok(k.clone()) } else { Ok(cast(k, t)?) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use DataType::*;

    #[test]
    fn numbers_widen_and_strings_unify() {
        assert_eq!(common_key_type(&Int32, &Int64), Some(Int64));
        assert_eq!(common_key_type(&UInt8, &Int16), Some(Int64));
        assert_eq!(common_key_type(&UInt8, &UInt32), Some(UInt32));
        assert_eq!(common_key_type(&Int64, &Float32), Some(Float64));
        assert_eq!(common_key_type(&Utf8View, &Utf8), Some(Utf8));
        assert_eq!(common_key_type(&LargeUtf8, &Utf8View), Some(LargeUtf8));
        let dict = Dictionary(Box::new(Int32), Box::new(Utf8));
        assert_eq!(common_key_type(&dict, &Utf8), Some(Utf8));
        assert_eq!(common_key_type(&Int64, &Utf8), None);
        assert_eq!(common_key_type(&Boolean, &Int8), None);
    }
}
