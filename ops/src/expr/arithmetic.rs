//! Arithmetic kernels: `+ - * / // %` and unary `-`, with numpy's semantics.
//!
//! - `+ - *` on integers wrap on overflow (arrow's `_wrapping` kernels), as
//!   numpy's fixed-width integers do; unary `-` wraps too (`-int8(-128)` is
//!   `-128`, `-uint8(1)` is `255`).
//! - `/` runs on float64 operands (the coercion casts them): `x / 0` is
//!   `inf`, `-inf` or `NaN` by IEEE 754.
//! - `//` floors toward −∞ and `%` takes the sign of the divisor, as in
//!   Python: `-7 // 2 == -4`, `-7 % 2 == 1`, `7 % -2 == -1`. Arrow's `div` and
//!   `rem` truncate, so these loop over the values here.
//! - Integer `//` and `%` by zero give null (pandas gives `inf`/`NaN` by
//!   turning the column into floats; rusk keeps the integer type and marks
//!   the undefined rows missing). Float `//` and `%` by zero follow numpy:
//!   `x // 0.0` is `x / 0.0` and `x % 0.0` is `NaN`.
//!
//! Nulls propagate: a null operand gives a null result. Datetimes and
//! timedeltas have their own rules and loops (`temporal_arithmetic.rs`).

use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, ArrowPrimitiveType, PrimitiveArray};
use arrow::buffer::{BooleanBuffer, NullBuffer};
use arrow::compute::kernels::numeric;
use arrow::datatypes::*;

use super::temporal_arithmetic::temporal_arithmetic;
use super::value::{primitive, Value};
use super::BinaryOp;
use crate::error::{Error, Result};

/// `left op right` for an arithmetic `op`, both operands already cast to the
/// operand type the coercion chose (float64 for `/`).
///
/// # Errors
/// [`Error::Internal`] for operand types the coercion never produces.
pub(crate) fn arithmetic(op: BinaryOp, left: &Value, right: &Value) -> Result<Value> {
    if let Some(out) = temporal_arithmetic(op, left, right)? {
        return Ok(out);
    }
    let all_scalar = left.is_scalar() && right.is_scalar();
    if left.data_type() == &DataType::Null {
        let len = if right.is_scalar() { left.array().len() } else { right.array().len() };
        return Value::from_output(new_null_array(&DataType::Null, len), all_scalar);
    }
    let out = match op {
        BinaryOp::Add => numeric::add_wrapping(left.datum(), right.datum())?,
        BinaryOp::Sub => numeric::sub_wrapping(left.datum(), right.datum())?,
        BinaryOp::Mul => numeric::mul_wrapping(left.datum(), right.datum())?,
        BinaryOp::Div => numeric::div(left.datum(), right.datum())?,
        BinaryOp::FloorDiv | BinaryOp::Mod => python_division(op == BinaryOp::FloorDiv, left, right)?,
        other => return Err(Error::Internal(format!("`{}` is not arithmetic", other.symbol()))),
    };
    Value::from_output(out, all_scalar)
}

/// Unary minus, wrapping on overflow (a timedelta's is checked); null stays null.
///
/// # Errors
/// [`Error::Arrow`] for a type arrow cannot negate.
pub(crate) fn negate(value: &Value) -> Result<Value> {
    if value.data_type() == &DataType::Null {
        return Ok(value.clone());
    }
    Value::from_output(numeric::neg_wrapping(value.array())?, value.is_scalar())
}

/// `//` (when `floor`) or `%`, Python style, over one numeric type.
fn python_division(floor: bool, left: &Value, right: &Value) -> Result<ArrayRef> {
    match left.data_type() {
        DataType::Int8 => int_division::<Int8Type>(floor, left, right),
        DataType::Int16 => int_division::<Int16Type>(floor, left, right),
        DataType::Int32 => int_division::<Int32Type>(floor, left, right),
        DataType::Int64 => int_division::<Int64Type>(floor, left, right),
        DataType::UInt8 => int_division::<UInt8Type>(floor, left, right),
        DataType::UInt16 => int_division::<UInt16Type>(floor, left, right),
        DataType::UInt32 => int_division::<UInt32Type>(floor, left, right),
        DataType::UInt64 => int_division::<UInt64Type>(floor, left, right),
        DataType::Float32 => float_division::<Float32Type>(floor, left, right),
        DataType::Float64 => float_division::<Float64Type>(floor, left, right),
        other => Err(Error::Internal(format!("`//` or `%` on {other}"))),
    }
}

/// Python's integer floor division and modulo, for a divisor that is not 0.
trait PythonInt: Copy + Default + PartialEq {
    fn floor_div(self, rhs: Self) -> Self;
    fn python_mod(self, rhs: Self) -> Self;
}

macro_rules! python_signed {
    ($($t:ty),*) => {$(
        impl PythonInt for $t {
            #[inline]
            fn floor_div(self, rhs: Self) -> Self {
                // `MIN // -1` wraps to `MIN`, as numpy's does.
                let q = self.wrapping_div(rhs);
                if self.wrapping_rem(rhs) != 0 && ((self < 0) != (rhs < 0)) { q - 1 } else { q }
            }
            #[inline]
            fn python_mod(self, rhs: Self) -> Self {
                let r = self.wrapping_rem(rhs);
                // `r` and `rhs` differ in sign, so `r + rhs` cannot overflow.
                if r != 0 && ((r < 0) != (rhs < 0)) { r + rhs } else { r }
            }
        }
    )*};
}

macro_rules! python_unsigned {
    ($($t:ty),*) => {$(
        impl PythonInt for $t {
            #[inline]
            fn floor_div(self, rhs: Self) -> Self { self / rhs }
            #[inline]
            fn python_mod(self, rhs: Self) -> Self { self % rhs }
        }
    )*};
}

python_signed!(i8, i16, i32, i64);
python_unsigned!(u8, u16, u32, u64);

/// Integer `//` or `%`: one pass over the values, then the rows whose
/// divisor is 0 are nulled.
fn int_division<T: ArrowPrimitiveType>(floor: bool, left: &Value, right: &Value) -> Result<ArrayRef>
where
    T::Native: PythonInt,
{
    let zero = T::Native::default();
    let op = move |a: T::Native, b: T::Native| {
        if b == zero {
            zero
        } else if floor {
            a.floor_div(b)
        } else {
            a.python_mod(b)
        }
    };
    let l = primitive::<T>(left.array())?;
    let r = primitive::<T>(right.array())?;
    let out: PrimitiveArray<T> = match (left, right) {
        (Value::Array(_), Value::Scalar(_)) => {
            if r.is_null(0) || r.value(0) == zero {
                return Ok(new_null_array(&T::DATA_TYPE, l.len()));
            }
            let b = r.value(0);
            l.unary(|a| op(a, b))
        }
        (Value::Scalar(_), Value::Array(_)) => {
            if l.is_null(0) {
                return Ok(new_null_array(&T::DATA_TYPE, r.len()));
            }
            let a = l.value(0);
            with_zero_divisors_null(r.unary(|b| op(a, b)), r)?
        }
        _ => with_zero_divisors_null(arrow::compute::binary(l, r, op)?, r)?,
    };
    Ok(Arc::new(out))
}

/// `out` with its rows nulled where `divisor` is 0.
fn with_zero_divisors_null<T: ArrowPrimitiveType>(
    out: PrimitiveArray<T>,
    divisor: &PrimitiveArray<T>,
) -> Result<PrimitiveArray<T>> {
    let zero = T::Native::default();
    let values = divisor.values();
    let nonzero = BooleanBuffer::collect_bool(values.len(), |i| values[i] != zero);
    if nonzero.count_set_bits() == values.len() {
        return Ok(out);
    }
    let nulls = NullBuffer::union(out.nulls(), Some(&NullBuffer::new(nonzero)));
    let (_, values, _) = out.into_parts();
    Ok(PrimitiveArray::<T>::try_new(values, nulls)?)
}

/// numpy's float floor division and remainder (`npy_divmod`): Python's
/// results, snapped so that `1.0 // 0.1 == 9.0` and `1.0 % 0.1 ≈ 0.1`
/// agree with each other, and IEEE results for a zero divisor.
trait PythonFloat: Copy {
    fn floor_div(self, rhs: Self) -> Self;
    fn python_mod(self, rhs: Self) -> Self;
}

macro_rules! python_float {
    ($($t:ty),*) => {$(
        impl PythonFloat for $t {
            #[inline]
            fn floor_div(self, b: Self) -> Self {
                if b == 0.0 {
                    return self / b;
                }
                let m = self % b;
                let mut div = (self - m) / b;
                if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
                    div -= 1.0;
                }
                if div != 0.0 {
                    let f = div.floor();
                    if div - f > 0.5 { f + 1.0 } else { f }
                } else {
                    (0.0 as $t).copysign(self / b)
                }
            }
            #[inline]
            fn python_mod(self, b: Self) -> Self {
                let m = self % b;
                if b == 0.0 {
                    return m;
                }
                if m != 0.0 {
                    if (b < 0.0) != (m < 0.0) { m + b } else { m }
                } else {
                    (0.0 as $t).copysign(b)
                }
            }
        }
    )*};
}

python_float!(f32, f64);

/// Float `//` or `%`: nulls come only from the operands.
fn float_division<T: ArrowPrimitiveType>(floor: bool, left: &Value, right: &Value) -> Result<ArrayRef>
where
    T::Native: PythonFloat,
{
    let op = move |a: T::Native, b: T::Native| if floor { a.floor_div(b) } else { a.python_mod(b) };
    let l = primitive::<T>(left.array())?;
    let r = primitive::<T>(right.array())?;
    let out: PrimitiveArray<T> = match (left, right) {
        (Value::Array(_), Value::Scalar(_)) => {
            if r.is_null(0) {
                return Ok(new_null_array(&T::DATA_TYPE, l.len()));
            }
            let b = r.value(0);
            l.unary(|a| op(a, b))
        }
        (Value::Scalar(_), Value::Array(_)) => {
            if l.is_null(0) {
                return Ok(new_null_array(&T::DATA_TYPE, r.len()));
            }
            let a = l.value(0);
            r.unary(|b| op(a, b))
        }
        _ => arrow::compute::binary(l, r, op)?,
    };
    Ok(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;
    use arrow::array::{Float64Array, Int32Array, Int64Array, Int8Array, UInt8Array};

    fn arr(a: impl Array + 'static) -> Value {
        Value::Array(Arc::new(a))
    }

    fn scalar(a: impl Array + 'static) -> Value {
        Value::scalar(Arc::new(a)).unwrap()
    }

    fn ints(v: &Value) -> Vec<Option<i64>> {
        let a = arrow::compute::cast(v.array(), &DataType::Int64).unwrap();
        a.as_primitive::<Int64Type>().iter().collect()
    }

    fn floats(v: &Value) -> Vec<Option<f64>> {
        v.array().as_primitive::<Float64Type>().iter().collect()
    }

    #[test]
    fn integer_floor_division_and_modulo_follow_python() {
        // Checked against Python: [-7 // 2, 7 // -2, -7 // -2, 7 // 2] etc.
        let a = arr(Int64Array::from(vec![-7, 7, -7, 7, 0, i64::MIN]));
        let b = arr(Int64Array::from(vec![2, -2, -2, 2, 5, -1]));
        let q = arithmetic(BinaryOp::FloorDiv, &a, &b).unwrap();
        assert_eq!(ints(&q), [-4, -4, 3, 3, 0, i64::MIN].map(Some));
        let m = arithmetic(BinaryOp::Mod, &a, &b).unwrap();
        assert_eq!(ints(&m), [1, -1, -1, 1, 0, 0].map(Some));
    }

    #[test]
    fn integer_division_by_zero_is_null() {
        let a = arr(Int32Array::from(vec![Some(1), None, Some(3)]));
        let b = arr(Int32Array::from(vec![0, 1, 2]));
        let q = arithmetic(BinaryOp::FloorDiv, &a, &b).unwrap();
        assert_eq!(ints(&q), [None, None, Some(1)]);
        assert_eq!(q.data_type(), &DataType::Int32);
        let by_zero = arithmetic(BinaryOp::Mod, &a, &scalar(Int32Array::from(vec![0]))).unwrap();
        assert_eq!(ints(&by_zero), [None, None, None]);
        let zero_by = arithmetic(BinaryOp::Mod, &scalar(Int32Array::from(vec![-7])), &b).unwrap();
        assert_eq!(ints(&zero_by), [None, Some(0), Some(1)]);
        let scalar_scalar = arithmetic(
            BinaryOp::FloorDiv,
            &scalar(Int32Array::from(vec![5])),
            &scalar(Int32Array::from(vec![0])),
        )
        .unwrap();
        assert!(scalar_scalar.is_scalar());
        assert_eq!(ints(&scalar_scalar), [None]);
    }

    #[test]
    fn unsigned_floor_division_truncates() {
        let a = arr(UInt8Array::from(vec![7, 200]));
        let q = arithmetic(BinaryOp::FloorDiv, &a, &scalar(UInt8Array::from(vec![2]))).unwrap();
        assert_eq!(ints(&q), [Some(3), Some(100)]);
    }

    #[test]
    fn float_floor_division_and_modulo_follow_numpy() {
        let a = arr(Float64Array::from(vec![-7.0, 7.0, 1.0, 1.0, 5.5, -0.0, 1.0, 0.0]));
        let b = arr(Float64Array::from(vec![2.0, -2.0, 0.1, 0.0, 2.0, 3.0, -0.0, 0.0]));
        let q = floats(&arithmetic(BinaryOp::FloorDiv, &a, &b).unwrap());
        assert_eq!(&q[..6], &[-4.0, -4.0, 9.0, f64::INFINITY, 2.0, -0.0].map(Some));
        assert_eq!(q[6], Some(f64::NEG_INFINITY));
        assert!(q[7].unwrap().is_nan());
        let m = floats(&arithmetic(BinaryOp::Mod, &a, &b).unwrap());
        assert_eq!(&m[..2], &[Some(1.0), Some(-1.0)]);
        assert!((m[2].unwrap() - 0.09999999999999995).abs() < 1e-15);
        assert!(m[3].unwrap().is_nan());
        assert_eq!(m[4], Some(1.5));
    }

    #[test]
    fn integer_overflow_wraps() {
        let a = arr(Int8Array::from(vec![Some(127), Some(-128), None]));
        let one = scalar(Int8Array::from(vec![1]));
        assert_eq!(ints(&arithmetic(BinaryOp::Add, &a, &one).unwrap()), [Some(-128), Some(-127), None]);
        let two = scalar(Int8Array::from(vec![2]));
        assert_eq!(ints(&arithmetic(BinaryOp::Mul, &a, &two).unwrap()), [Some(-2), Some(0), None]);
        assert_eq!(ints(&negate(&a).unwrap()), [Some(-127), Some(-128), None]);
        let u = arr(UInt8Array::from(vec![1]));
        assert_eq!(ints(&negate(&u).unwrap()), [Some(255)]);
    }

    #[test]
    fn true_division_is_ieee() {
        let a = arr(Float64Array::from(vec![1.0, -1.0, 0.0]));
        let z = scalar(Float64Array::from(vec![0.0]));
        let q = floats(&arithmetic(BinaryOp::Div, &a, &z).unwrap());
        assert_eq!(&q[..2], &[Some(f64::INFINITY), Some(f64::NEG_INFINITY)]);
        assert!(q[2].unwrap().is_nan());
    }

    #[test]
    fn sliced_and_empty_operands() {
        let a = Int64Array::from(vec![100, -7, 9, 4]).slice(1, 2);
        let b = Int64Array::from(vec![0, 2, 0, 1]).slice(1, 2);
        let q = arithmetic(BinaryOp::FloorDiv, &arr(a), &arr(b)).unwrap();
        assert_eq!(ints(&q), [Some(-4), None]);
        let e = arr(Int64Array::from(Vec::<i64>::new()));
        assert_eq!(arithmetic(BinaryOp::Mod, &e, &e).unwrap().array().len(), 0);
        let fe = arr(Float64Array::from(Vec::<f64>::new()));
        assert_eq!(
            arithmetic(BinaryOp::FloorDiv, &fe, &scalar(Float64Array::from(vec![2.0])))
                .unwrap()
                .array()
                .len(),
            0
        );
    }

    #[test]
    fn all_null_operands_stay_null() {
        let a = arr(Int64Array::from(vec![None, None]));
        let b = arr(Int64Array::from(vec![Some(1), Some(0)]));
        assert_eq!(ints(&arithmetic(BinaryOp::FloorDiv, &a, &b).unwrap()), [None, None]);
        let n = scalar(Float64Array::from(vec![None]));
        let f = arr(Float64Array::from(vec![1.0, 2.0]));
        assert_eq!(floats(&arithmetic(BinaryOp::Mod, &f, &n).unwrap()), [None, None]);
    }
}
