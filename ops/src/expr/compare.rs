//! Comparison kernels: `== != < <= > >=` over operands of one coerced type.
//!
//! Everything goes to arrow's `cmp` kernels (which take dictionaries, views
//! and scalars directly, and compare strings by their bytes) except floats:
//! arrow orders floats by IEEE 754 *totalOrder*, where `-0.0 < 0.0` and
//! `NaN == NaN`. pandas compares by IEEE 754 value (`-0.0 == 0.0`, and a NaN
//! equals nothing: every comparison with it is false except `!=`), so floats
//! take a loop here. Nulls propagate: a null operand gives a null result.

use std::sync::Arc;

use arrow::array::{Array, ArrowPrimitiveType, BooleanArray};
use arrow::buffer::{BooleanBuffer, NullBuffer};
use arrow::compute::kernels::cmp;
use arrow::datatypes::{DataType, Float16Type, Float32Type, Float64Type};

use super::value::{primitive, Value};
use super::BinaryOp;
use crate::error::{Error, Result};

/// `left op right` for a comparison `op`, both operands already coerced.
///
/// # Errors
/// [`Error::Arrow`] when arrow cannot compare the types, [`Error::Internal`]
/// when `op` is not a comparison.
pub(crate) fn compare(op: BinaryOp, left: &Value, right: &Value) -> Result<Value> {
    let out = match (left.data_type(), right.data_type()) {
        (DataType::Float64, DataType::Float64) => float_compare::<Float64Type>(op, left, right)?,
        (DataType::Float32, DataType::Float32) => float_compare::<Float32Type>(op, left, right)?,
        (DataType::Float16, DataType::Float16) => float_compare::<Float16Type>(op, left, right)?,
        _ => {
            let (l, r) = (left.datum(), right.datum());
            match op {
                BinaryOp::Eq => cmp::eq(l, r)?,
                BinaryOp::NotEq => cmp::neq(l, r)?,
                BinaryOp::Lt => cmp::lt(l, r)?,
                BinaryOp::LtEq => cmp::lt_eq(l, r)?,
                BinaryOp::Gt => cmp::gt(l, r)?,
                BinaryOp::GtEq => cmp::gt_eq(l, r)?,
                other => return Err(not_a_comparison(other)),
            }
        }
    };
    Value::from_output(Arc::new(out), left.is_scalar() && right.is_scalar())
}

fn not_a_comparison(op: BinaryOp) -> Error {
    Error::Internal(format!("`{}` is not a comparison", op.symbol()))
}

/// One monomorphic loop per operator: the `match` runs once per call.
fn float_compare<T: ArrowPrimitiveType>(op: BinaryOp, left: &Value, right: &Value) -> Result<BooleanArray>
where
    T::Native: PartialOrd,
{
    match op {
        BinaryOp::Eq => float_loop::<T, _>(left, right, |a, b| a == b),
        BinaryOp::NotEq => float_loop::<T, _>(left, right, |a, b| a != b),
        BinaryOp::Lt => float_loop::<T, _>(left, right, |a, b| a < b),
        BinaryOp::LtEq => float_loop::<T, _>(left, right, |a, b| a <= b),
        BinaryOp::Gt => float_loop::<T, _>(left, right, |a, b| a > b),
        BinaryOp::GtEq => float_loop::<T, _>(left, right, |a, b| a >= b),
        other => Err(not_a_comparison(other)),
    }
}

fn float_loop<T: ArrowPrimitiveType, F>(left: &Value, right: &Value, f: F) -> Result<BooleanArray>
where
    F: Fn(T::Native, T::Native) -> bool,
{
    let l = primitive::<T>(left.array())?;
    let r = primitive::<T>(right.array())?;
    let (lv, rv) = (l.values(), r.values());
    let all_null = |len| BooleanArray::new(BooleanBuffer::new_unset(len), Some(NullBuffer::new_null(len)));
    Ok(match (left, right) {
        (Value::Array(_), Value::Scalar(_)) => {
            if r.is_null(0) {
                return Ok(all_null(l.len()));
            }
            let b = rv[0];
            BooleanArray::new(BooleanBuffer::collect_bool(l.len(), |i| f(lv[i], b)), l.nulls().cloned())
        }
        (Value::Scalar(_), Value::Array(_)) => {
            if l.is_null(0) {
                return Ok(all_null(r.len()));
            }
            let a = lv[0];
            BooleanArray::new(BooleanBuffer::collect_bool(r.len(), |i| f(a, rv[i])), r.nulls().cloned())
        }
        _ => {
            if l.len() != r.len() {
                return Err(Error::Internal(format!("comparing {} rows with {}", l.len(), r.len())));
            }
            let values = BooleanBuffer::collect_bool(l.len(), |i| f(lv[i], rv[i]));
            BooleanArray::new(values, NullBuffer::union(l.nulls(), r.nulls()))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;
    use arrow::array::{
        ArrayRef, DictionaryArray, Float32Array, Float64Array, Int64Array, LargeStringArray, StringArray,
        StringViewArray,
    };
    use arrow::compute::cast;
    use arrow::datatypes::Int16Type;

    fn arr(a: impl Array + 'static) -> Value {
        Value::Array(Arc::new(a))
    }

    fn scalar(a: impl Array + 'static) -> Value {
        Value::scalar(Arc::new(a)).unwrap()
    }

    fn bools(v: &Value) -> Vec<Option<bool>> {
        v.array().as_boolean().iter().collect()
    }

    #[test]
    fn every_operator_on_ints_with_nulls() {
        let a = arr(Int64Array::from(vec![Some(1), Some(2), Some(3), None]));
        let two = scalar(Int64Array::from(vec![2]));
        let t = Some(true);
        let f = Some(false);
        let cases = [
            (BinaryOp::Eq, [f, t, f, None]),
            (BinaryOp::NotEq, [t, f, t, None]),
            (BinaryOp::Lt, [t, f, f, None]),
            (BinaryOp::LtEq, [t, t, f, None]),
            (BinaryOp::Gt, [f, f, t, None]),
            (BinaryOp::GtEq, [f, t, t, None]),
        ];
        for (op, want) in cases {
            assert_eq!(bools(&compare(op, &a, &two).unwrap()), want, "{op:?}");
        }
        assert!(matches!(compare(BinaryOp::Add, &a, &two), Err(Error::Internal(_))));
    }

    #[test]
    fn floats_compare_by_ieee_value() {
        let a = arr(Float64Array::from(vec![Some(-0.0), Some(f64::NAN), Some(1.0), None]));
        let zero = scalar(Float64Array::from(vec![0.0]));
        assert_eq!(
            bools(&compare(BinaryOp::Eq, &a, &zero).unwrap()),
            [Some(true), Some(false), Some(false), None]
        );
        assert_eq!(
            bools(&compare(BinaryOp::NotEq, &a, &zero).unwrap()),
            [Some(false), Some(true), Some(true), None]
        );
        assert_eq!(
            bools(&compare(BinaryOp::Gt, &a, &zero).unwrap()),
            [Some(false), Some(false), Some(true), None]
        );
        let nan = scalar(Float64Array::from(vec![f64::NAN]));
        assert_eq!(
            bools(&compare(BinaryOp::Eq, &nan, &a).unwrap()),
            [Some(false), Some(false), Some(false), None]
        );
        let b = arr(Float64Array::from(vec![Some(0.0), Some(f64::NAN), None, Some(2.0)]));
        assert_eq!(bools(&compare(BinaryOp::LtEq, &a, &b).unwrap()), [Some(true), Some(false), None, None]);
        let null = scalar(Float64Array::from(vec![None]));
        assert_eq!(bools(&compare(BinaryOp::Lt, &a, &null).unwrap()), [None; 4]);
        let f32s = arr(Float32Array::from(vec![1.5f32, -0.0]).slice(1, 1));
        let z32 = scalar(Float32Array::from(vec![0.0f32]));
        assert_eq!(bools(&compare(BinaryOp::GtEq, &f32s, &z32).unwrap()), [Some(true)]);
    }

    #[test]
    fn strings_compare_by_bytes_across_encodings() {
        let plain: ArrayRef =
            Arc::new(StringArray::from(vec![Some("b"), Some("B"), None, Some("é"), Some("a")]));
        let dict: DictionaryArray<Int16Type> =
            vec![Some("b"), Some("B"), None, Some("é"), Some("a")].into_iter().collect();
        let dict: ArrayRef = Arc::new(dict);
        let view = cast(&plain, &DataType::Utf8View).unwrap();
        let b = scalar(StringArray::from(vec!["b"]));
        let want = [Some(false), Some(true), None, Some(false), Some(true)];
        for a in [&plain, &dict] {
            assert_eq!(bools(&compare(BinaryOp::Lt, &Value::Array(Arc::clone(a)), &b).unwrap()), want);
        }
        let bv = scalar(StringViewArray::from(vec!["b"]));
        assert_eq!(bools(&compare(BinaryOp::Lt, &Value::Array(Arc::clone(&view)), &bv).unwrap()), want);
        let bl = scalar(LargeStringArray::from(vec!["b"]));
        let large = cast(&plain, &DataType::LargeUtf8).unwrap();
        assert_eq!(bools(&compare(BinaryOp::Lt, &Value::Array(large), &bl).unwrap()), want);
        // Dictionary against a plain column of the same encoding.
        let eq = compare(BinaryOp::Eq, &Value::Array(dict), &Value::Array(plain)).unwrap();
        assert_eq!(bools(&eq), [Some(true), Some(true), None, Some(true), Some(true)]);
    }

    #[test]
    fn empty_and_sliced() {
        let e = arr(Float64Array::from(Vec::<f64>::new()));
        let one = scalar(Float64Array::from(vec![1.0]));
        assert_eq!(compare(BinaryOp::Lt, &e, &one).unwrap().array().len(), 0);
        let s = arr(Int64Array::from(vec![5, 1, 9]).slice(1, 2));
        assert_eq!(
            bools(&compare(BinaryOp::Lt, &s, &scalar(Int64Array::from(vec![5]))).unwrap()),
            [Some(true), Some(false)]
        );
        let both = compare(BinaryOp::Lt, &one, &one).unwrap();
        assert!(both.is_scalar());
        assert_eq!(bools(&both), [Some(false)]);
    }
}
