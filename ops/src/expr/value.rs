//! The value of a sub-expression during evaluation: a whole column, or one
//! value standing for every row.
//!
//! Literals stay [`Value::Scalar`] all the way into arrow's kernels (which
//! take [`Datum`]s), so `a > 3` never builds a column of threes.

use std::sync::Arc;

use arrow::array::{
    new_null_array, Array, ArrayRef, ArrowPrimitiveType, AsArray, BooleanArray, Datum, PrimitiveArray,
    Scalar, UInt32Array, UInt64Array,
};
use arrow::compute::kernels::cast::cast_with_options;
use arrow::compute::take;
use arrow::datatypes::DataType;

use super::coerce::STRICT;
use crate::error::{Error, Result};

/// A column, or a scalar broadcast over every row.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    /// One value per row.
    Array(ArrayRef),
    /// One value for all rows (a one-element array).
    Scalar(Scalar<ArrayRef>),
}

impl Value {
    /// A scalar from a one-element array.
    ///
    /// # Errors
    /// [`Error::Internal`] when `array` does not hold exactly one element.
    pub fn scalar(array: ArrayRef) -> Result<Self> {
        if array.len() != 1 {
            return Err(Error::Internal(format!("scalar of {} elements", array.len())));
        }
        Ok(Value::Scalar(Scalar::new(array)))
    }

    /// Wraps a kernel's output: a scalar when every input was one.
    pub fn from_output(array: ArrayRef, all_scalar: bool) -> Result<Self> {
        if all_scalar {
            Self::scalar(array)
        } else {
            Ok(Value::Array(array))
        }
    }

    /// The underlying array (one element for a scalar).
    pub fn array(&self) -> &dyn Array {
        self.datum().get().0
    }

    /// The underlying array, shared (one element for a scalar).
    pub fn array_ref(&self) -> ArrayRef {
        match self {
            Value::Array(a) => Arc::clone(a),
            Value::Scalar(s) => s.clone().into_inner(),
        }
    }

    /// The value's type.
    pub fn data_type(&self) -> &DataType {
        self.array().data_type()
    }

    /// True for [`Value::Scalar`].
    pub fn is_scalar(&self) -> bool {
        matches!(self, Value::Scalar(_))
    }

    /// The value as a kernel argument.
    pub fn datum(&self) -> &dyn Datum {
        match self {
            Value::Array(a) => a,
            Value::Scalar(s) => s,
        }
    }

    /// The value cast to `to` (strictly: a value that does not convert is an
    /// error); free when it has that type already.
    pub fn cast(self, to: &DataType) -> Result<Self> {
        if self.data_type() == to {
            return Ok(self);
        }
        let cast = cast_with_options(self.array(), to, &STRICT)?;
        Self::from_output(cast, self.is_scalar())
    }

    /// The value as a column of `len` rows; a scalar is repeated.
    pub fn into_array(self, len: usize) -> Result<ArrayRef> {
        match self {
            Value::Array(a) => Ok(a),
            Value::Scalar(s) => repeat(s.into_inner(), len),
        }
    }
}

/// `array` as primitives of `T`; a mismatch is a coercion bug, reported as
/// [`Error::Internal`] rather than a panic.
pub(crate) fn primitive<T: ArrowPrimitiveType>(array: &dyn Array) -> Result<&PrimitiveArray<T>> {
    array
        .as_primitive_opt::<T>()
        .ok_or_else(|| Error::Internal(format!("expected {}, got {}", T::DATA_TYPE, array.data_type())))
}

/// A one-element `array` repeated `len` times. `take` with all-zero indices
/// handles every type (dictionaries included) in one kernel call.
fn repeat(array: ArrayRef, len: usize) -> Result<ArrayRef> {
    if array.data_type() == &DataType::Null {
        return Ok(new_null_array(&DataType::Null, len));
    }
    if let DataType::Boolean = array.data_type() {
        if let Some(b) = array.as_any().downcast_ref::<BooleanArray>() {
            return Ok(Arc::new(repeat_bool(b, len)));
        }
    }
    let indices: ArrayRef = match u32::try_from(len) {
        Ok(n) => Arc::new(UInt32Array::from_value(0, n as usize)),
        Err(_) => Arc::new(UInt64Array::from_value(0, len)),
    };
    Ok(take(array.as_ref(), indices.as_ref(), None)?)
}

/// Booleans repeat as one filled bitmap, the common case (predicates).
fn repeat_bool(b: &BooleanArray, len: usize) -> BooleanArray {
    use arrow::buffer::{BooleanBuffer, NullBuffer};
    if b.is_null(0) {
        return BooleanArray::new(BooleanBuffer::new_unset(len), Some(NullBuffer::new_null(len)));
    }
    let values = if b.value(0) { BooleanBuffer::new_set(len) } else { BooleanBuffer::new_unset(len) };
    BooleanArray::new(values, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{DictionaryArray, Int64Array};
    use arrow::datatypes::Int8Type;

    #[test]
    fn scalars_repeat_to_any_length() {
        let s = Value::scalar(Arc::new(Int64Array::from(vec![7]))).unwrap();
        let a = s.into_array(3).unwrap();
        assert_eq!(a.as_primitive::<arrow::datatypes::Int64Type>().values().as_ref(), &[7, 7, 7]);
        let b = Value::scalar(Arc::new(BooleanArray::from(vec![None]))).unwrap();
        let a = b.into_array(2).unwrap();
        assert_eq!(a.null_count(), 2);
        let d: DictionaryArray<Int8Type> = vec!["x"].into_iter().collect();
        let a = Value::scalar(Arc::new(d)).unwrap().into_array(0).unwrap();
        assert_eq!(
            (a.len(), a.data_type().clone()),
            (0, DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8)))
        );
    }

    #[test]
    fn a_scalar_must_hold_one_element() {
        let err = Value::scalar(Arc::new(Int64Array::from(vec![1, 2]))).unwrap_err();
        assert!(matches!(err, Error::Internal(_)));
    }

    #[test]
    fn casts_are_strict() {
        let v = Value::Array(Arc::new(Int64Array::from(vec![1, 300])));
        assert!(matches!(v.cast(&DataType::Int8), Err(Error::Arrow { .. })));
    }
}
