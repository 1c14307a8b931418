//! Arithmetic with datetimes and timedeltas (Arrow `Timestamp` and
//! `Duration`), as pandas does it: the types operands meet at, and the
//! kernel.
//!
//! | operands                    | result                          |
//! |-----------------------------|---------------------------------|
//! | datetime ± timedelta        | datetime                        |
//! | timedelta + datetime        | datetime                        |
//! | datetime − datetime         | timedelta (time zones: both or neither) |
//! | timedelta ± timedelta, `%`  | timedelta                       |
//! | timedelta / timedelta       | float64                         |
//! | timedelta // timedelta      | int64 (floored)                 |
//! | timedelta × number, number × timedelta | timedelta            |
//! | timedelta / number, // number | timedelta (truncated toward 0) |
//!
//! Units meet at the finer of the two, as in pandas (`datetime64[s] +
//! Timedelta('500ms')` is `datetime64[ms]`; a `timedelta('1h')` literal is
//! in microseconds, as pandas 3's `Timedelta('1h')`, so `datetime64[s] +
//! timedelta('1h')` is `datetime64[us]`). Anything else with a datetime or
//! timedelta (`ts + 1`, `ts1 + ts2`, `td - ts`, `td * td`) is a type error
//! naming both types, as pandas raises a `TypeError`.
//!
//! Values are added as 64-bit counts of the unit with overflow checked (an
//! out-of-range result is an error, as pandas' `OutOfBoundsDatetime`);
//! multiplying or dividing by a float truncates toward zero, as numpy's
//! `timedelta64 * float`; a division by zero, a NaN or an infinite factor
//! gives null (pandas' `NaT`).

use std::fmt::Display;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array, PrimitiveArray};
use arrow::compute::kernels::numeric;
use arrow::datatypes::{ArrowPrimitiveType, DataType, Float64Type, Int64Type, TimeUnit};

use super::coerce::Operand;
use super::types::{is_float, is_integer, type_name, unit_rank, value_type};
use super::value::Value;
use super::BinaryOp;
use crate::error::{Error, Result};

/// Whether `t` is a datetime or a timedelta (what this module handles).
pub(crate) fn is_datetime_or_timedelta(t: &DataType) -> bool {
    matches!(value_type(t), DataType::Timestamp(..) | DataType::Duration(_))
}

/// The finer of two units.
pub(crate) fn finer(a: TimeUnit, b: TimeUnit) -> TimeUnit {
    if unit_rank(a) >= unit_rank(b) {
        a
    } else {
        b
    }
}

/// `(left, right, output)` types of arithmetic `op` when an operand is a
/// datetime or a timedelta; `None` when neither is.
///
/// # Errors
/// [`Error::Type`] when pandas refuses the combination.
pub(crate) fn temporal_arithmetic_types(
    left: Operand<'_>,
    op: BinaryOp,
    right: Operand<'_>,
    expr: &dyn Display,
) -> Result<Option<(DataType, DataType, DataType)>> {
    use BinaryOp::*;
    use DataType::{Duration as D, Float64, Int64, Null, Timestamp as T};
    let (l, r) = (value_type(left.data_type), value_type(right.data_type));
    if !is_datetime_or_timedelta(l) && !is_datetime_or_timedelta(r) {
        return Ok(None);
    }
    let refuse = |why: String| Err(Error::type_error(format!("{why} in `{expr}`")));
    let cannot =
        || refuse(format!("cannot apply `{}` to {} and {}", op.symbol(), type_name(l), type_name(r)));
    // A number, as the factor of a timedelta: ints stay exact, floats are float64.
    let factor = |t: &DataType| match t {
        t if is_integer(t) => Some(Int64),
        t if is_float(t) => Some(Float64),
        Null => Some(Int64),
        _ => None,
    };
    // Two timedeltas in `unit`.
    let timedeltas = |u: TimeUnit| {
        let output = match op {
            Add | Sub | Mod => D(u),
            Div => Float64,
            _ => Int64,
        };
        (D(u), D(u), output)
    };
    let types = match (l, r, op) {
        (T(a, tz), D(b), Add | Sub) => {
            let u = finer(*a, *b);
            (T(u, tz.clone()), D(u), T(u, tz.clone()))
        }
        (D(a), T(b, tz), Add) => {
            let u = finer(*a, *b);
            (D(u), T(u, tz.clone()), T(u, tz.clone()))
        }
        (T(a, ltz), T(b, rtz), Sub) => {
            if ltz.is_some() != rtz.is_some() {
                return refuse(format!(
                    "cannot subtract tz-naive and tz-aware datetimes ({} and {})",
                    type_name(l),
                    type_name(r)
                ));
            }
            let u = finer(*a, *b);
            (T(u, ltz.clone()), T(u, rtz.clone()), D(u))
        }
        (T(..), T(..), Add) => {
            return refuse(format!("cannot add two datetimes ({} and {})", type_name(l), type_name(r)))
        }
        (D(_), T(..), Sub) => {
            return refuse(format!(
                "cannot subtract a datetime from a timedelta ({} - {})",
                type_name(l),
                type_name(r)
            ))
        }
        // A null meets a datetime as the operand pandas' NaT would be.
        (T(u, tz), Null, Add | Sub) => (T(*u, tz.clone()), D(*u), T(*u, tz.clone())),
        (Null, T(u, tz), Add) => (D(*u), T(*u, tz.clone()), T(*u, tz.clone())),
        (Null, T(u, tz), Sub) => (T(*u, tz.clone()), T(*u, tz.clone()), D(*u)),
        (D(a), D(b), Add | Sub | Mod | Div | FloorDiv) => timedeltas(finer(*a, *b)),
        (D(u), Null, Add | Sub | Mod) | (Null, D(u), Add | Sub | Mod | Div | FloorDiv) => timedeltas(*u),
        (D(u), n, Mul | Div | FloorDiv) => match factor(n) {
            Some(f) => (D(*u), f, D(*u)),
            None => return cannot(),
        },
        (n, D(u), Mul) => match factor(n) {
            Some(f) => (f, D(*u), D(*u)),
            None => return cannot(),
        },
        _ => return cannot(),
    };
    Ok(Some(types))
}

/// Whether `left op right`, of these (coerced) types, may give a null
/// where neither operand is null: a division by zero, or a NaN factor.
pub(crate) fn may_make_nulls(op: BinaryOp, left: &DataType, right: &DataType) -> bool {
    let duration = |t: &DataType| matches!(value_type(t), DataType::Duration(_));
    (duration(left) || duration(right))
        && matches!(op, BinaryOp::Mul | BinaryOp::Div | BinaryOp::FloorDiv | BinaryOp::Mod)
}

/// `left op right` when an operand is a datetime or a timedelta, both
/// already cast to the types [`temporal_arithmetic_types`] chose; `None`
/// when neither is.
///
/// # Errors
/// [`Error::Arrow`] when a result overflows its 64 bits.
pub(crate) fn temporal_arithmetic(op: BinaryOp, left: &Value, right: &Value) -> Result<Option<Value>> {
    use BinaryOp::*;
    use DataType::{Duration as D, Float64, Int64, Timestamp as T};
    let (lt, rt) = (left.data_type().clone(), right.data_type().clone());
    if !is_datetime_or_timedelta(&lt) && !is_datetime_or_timedelta(&rt) {
        return Ok(None);
    }
    let all_scalar = left.is_scalar() && right.is_scalar();
    let counts = |v: &Value| v.clone().cast(&Int64);
    let out: ArrayRef = match (&lt, &rt, op) {
        (T(..), D(_), Add | Sub) | (D(_), T(..), Add) | (T(..), T(..), Sub) | (D(_), D(_), Add | Sub) => {
            let output = match (&lt, &rt) {
                (T(u, _), T(..)) => D(*u),
                (T(..), _) => lt.clone(),
                _ => rt.clone(),
            };
            let (l, r) = (counts(left)?, counts(right)?);
            let sum = if op == Add {
                numeric::add(l.datum(), r.datum())?
            } else {
                numeric::sub(l.datum(), r.datum())?
            };
            arrow::compute::cast(&sum, &output)?
        }
        (D(_), D(_), Div) => {
            let (l, r) = (left.clone().cast(&Float64)?, right.clone().cast(&Float64)?);
            numeric::div(l.datum(), r.datum())?
        }
        (D(_), D(_), FloorDiv | Mod) => {
            let out = super::arithmetic::arithmetic(op, &counts(left)?, &counts(right)?)?.array_ref();
            if op == Mod {
                arrow::compute::cast(&out, &lt)?
            } else {
                out
            }
        }
        (D(_), Int64, Mul) | (Int64, D(_), Mul) => {
            let output = if matches!(lt, D(_)) { lt.clone() } else { rt.clone() };
            let product = numeric::mul(counts(left)?.datum(), counts(right)?.datum())?;
            arrow::compute::cast(&product, &output)?
        }
        (D(_), Int64, Div | FloorDiv) => {
            let out: Int64Array =
                zip::<Int64Type, Int64Type>(&counts(left)?, right, |a, b| a.checked_div(b))?;
            arrow::compute::cast(&out, &lt)?
        }
        (D(_), Float64, Mul | Div | FloorDiv) | (Float64, D(_), Mul) => {
            let (duration, factor, output) =
                if matches!(lt, D(_)) { (left, right, lt.clone()) } else { (right, left, rt.clone()) };
            let divide = op != Mul;
            let out: Int64Array = zip::<Int64Type, Float64Type>(&counts(duration)?, factor, |a, f| {
                let v = if divide { a as f64 / f } else { a as f64 * f };
                // `as` saturates; a value at the edge of i64 is out of range.
                (v.is_finite() && v.abs() < i64::MAX as f64).then(|| v.trunc() as i64)
            })?;
            arrow::compute::cast(&out, &output)?
        }
        _ => {
            return Err(Error::Internal(format!(
                "`{}` on {} and {} was not coerced",
                op.symbol(),
                type_name(&lt),
                type_name(&rt)
            )))
        }
    };
    Value::from_output(out, all_scalar).map(Some)
}

/// The rows of the operation: the array's, or 1 for two scalars.
fn len(left: &Value, right: &Value) -> usize {
    match (left, right) {
        (Value::Array(a), _) | (_, Value::Array(a)) => a.len(),
        _ => 1,
    }
}

/// `f` over the rows of `a` (int64 counts) and `b` (of type `B`), either
/// possibly a scalar; null where either is null or `f` gives `None`.
fn zip<A, B>(
    a: &Value,
    b: &Value,
    f: impl Fn(i64, B::Native) -> Option<i64>,
) -> Result<PrimitiveArray<Int64Type>>
where
    A: ArrowPrimitiveType<Native = i64>,
    B: ArrowPrimitiveType,
{
    let n = len(a, b);
    let a = a.clone().into_array(n)?;
    let b = b.clone().into_array(n)?;
    let (a, b) = (a.as_primitive::<A>(), b.as_primitive::<B>());
    Ok(a.iter().zip(b.iter()).map(|(x, y)| f(x?, y?)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::coerce::coerce_binary;
    use crate::expr::ScalarValue;
    use arrow::array::{
        DurationMillisecondArray, DurationNanosecondArray, Float64Array, TimestampMillisecondArray,
        TimestampSecondArray,
    };
    use std::sync::Arc;

    const S: TimeUnit = TimeUnit::Second;
    const MS: TimeUnit = TimeUnit::Millisecond;
    const US: TimeUnit = TimeUnit::Microsecond;
    const NS: TimeUnit = TimeUnit::Nanosecond;

    fn col(t: &DataType) -> Operand<'_> {
        Operand { data_type: t, literal: None }
    }

    fn types(l: &DataType, op: BinaryOp, r: &DataType) -> Result<Option<(DataType, DataType, DataType)>> {
        temporal_arithmetic_types(col(l), op, col(r), &"e")
    }

    fn out(l: &DataType, op: BinaryOp, r: &DataType) -> DataType {
        types(l, op, r).unwrap().unwrap().2
    }

    #[test]
    fn types_follow_pandas() {
        use BinaryOp::*;
        use DataType::{Duration as D, Timestamp as T};
        let utc = Some(Arc::from("UTC"));
        assert_eq!(out(&T(S, None), Add, &D(US)), T(US, None));
        assert_eq!(out(&T(NS, None), Sub, &D(US)), T(NS, None));
        assert_eq!(out(&D(MS), Add, &T(S, utc.clone())), T(MS, utc.clone()));
        assert_eq!(out(&T(S, None), Sub, &T(MS, None)), D(MS));
        assert_eq!(out(&T(S, utc.clone()), Sub, &T(NS, Some(Arc::from("+01:00")))), D(NS));
        assert_eq!(out(&D(S), Add, &D(MS)), D(MS));
        assert_eq!(out(&D(S), Mod, &D(S)), D(S));
        assert_eq!(out(&D(S), Div, &D(MS)), DataType::Float64);
        assert_eq!(out(&D(S), FloorDiv, &D(S)), DataType::Int64);
        assert_eq!(out(&D(S), Mul, &DataType::Int8), D(S));
        assert_eq!(
            types(&DataType::Float32, Mul, &D(NS)).unwrap().unwrap(),
            (DataType::Float64, D(NS), D(NS))
        );
        assert_eq!(out(&D(S), Div, &DataType::UInt16), D(S));
        assert_eq!(out(&T(S, None), Add, &DataType::Null), T(S, None));
        assert_eq!(out(&DataType::Null, Sub, &T(S, None)), D(S));
        assert_eq!(out(&DataType::Null, Div, &D(S)), DataType::Float64);
        assert_eq!(types(&DataType::Int64, Add, &DataType::Int64).unwrap(), None);
    }

    #[test]
    fn refusals_name_both_types() {
        use BinaryOp::*;
        use DataType::{Duration as D, Timestamp as T};
        for (l, op, r, says) in [
            (T(NS, None), Add, DataType::Int64, "cannot apply `+` to datetime64[ns] and int64"),
            (T(S, None), Add, T(MS, None), "cannot add two datetimes (datetime64[s] and datetime64[ms])"),
            (D(S), Sub, T(S, None), "cannot subtract a datetime from a timedelta"),
            (
                T(S, None),
                Sub,
                T(S, Some(Arc::from("UTC"))),
                "cannot subtract tz-naive and tz-aware datetimes",
            ),
            (D(S), Mul, D(S), "cannot apply `*` to timedelta64[s] and timedelta64[s]"),
            (DataType::Int64, Div, D(S), "cannot apply `/` to int64 and timedelta64[s]"),
            (D(S), Add, DataType::Float64, "cannot apply `+` to timedelta64[s] and float64"),
            (T(S, None), Mul, DataType::Int64, "cannot apply `*`"),
            (D(S), Add, DataType::Utf8, "cannot apply `+` to timedelta64[s] and string"),
        ] {
            let err = types(&l, op, &r).unwrap_err();
            assert!(matches!(err, Error::Type { .. }), "{err}");
            assert!(err.to_string().contains(says) && err.to_string().contains("in `e`"), "{err}");
        }
    }

    /// Coerces and evaluates `l op r` as `evaluate` does.
    fn eval(l: Value, op: BinaryOp, r: Value) -> Result<ArrayRef> {
        let (lt, rt) = (l.data_type().clone(), r.data_type().clone());
        let c = coerce_binary(col(&lt), op, col(&rt), &"e")?;
        let (l, r) = (l.cast(&c.left)?, r.cast(&c.right)?);
        let v = temporal_arithmetic(op, &l, &r)?.expect("temporal");
        assert_eq!(v.data_type(), &c.output);
        v.into_array(len(&l, &r))
    }

    fn ints(a: &ArrayRef) -> Vec<Option<i64>> {
        arrow::compute::cast(a, &DataType::Int64).unwrap().as_primitive::<Int64Type>().iter().collect()
    }

    fn array(a: impl Array + 'static) -> Value {
        Value::Array(Arc::new(a))
    }

    fn scalar(v: ScalarValue) -> Value {
        Value::scalar(v.to_array(1)).unwrap()
    }

    #[test]
    fn datetimes_and_timedeltas_add_and_subtract() {
        use BinaryOp::*;
        let ts = || array(TimestampSecondArray::from(vec![Some(10), None, Some(-5)]));
        let hour = || scalar(ScalarValue::Duration(3_600_000_000, US));
        let plus = eval(ts(), Add, hour()).unwrap();
        assert_eq!(plus.data_type(), &DataType::Timestamp(US, None));
        assert_eq!(ints(&plus), [Some(3_610_000_000), None, Some(3_595_000_000)]);
        assert_eq!(ints(&eval(hour(), Add, ts()).unwrap()), ints(&plus));
        let minus = eval(ts(), Sub, hour()).unwrap();
        assert_eq!(ints(&minus), [Some(-3_590_000_000), None, Some(-3_605_000_000)]);
        let later = array(TimestampMillisecondArray::from(vec![Some(9_500), Some(0), Some(0)]));
        let d = eval(later, Sub, ts()).unwrap();
        assert_eq!(d.data_type(), &DataType::Duration(MS));
        assert_eq!(ints(&d), [Some(-500), None, Some(5_000)]);
        // Sliced, and a duration column with a duration scalar.
        let durations = array(DurationMillisecondArray::from(vec![1, 2, 3, 4]).slice(1, 2));
        let sum = eval(durations, Add, scalar(ScalarValue::Duration(1, S))).unwrap();
        assert_eq!(ints(&sum), [Some(1_002), Some(1_003)]);
        // Out of range is an error, not a wrap.
        let max = array(TimestampSecondArray::from(vec![i64::MAX]));
        assert!(matches!(eval(max, Add, scalar(ScalarValue::Duration(1, S))), Err(Error::Arrow { .. })));
        // Empty.
        let empty = array(TimestampSecondArray::from(Vec::<i64>::new()));
        assert_eq!(eval(empty, Add, hour()).unwrap().len(), 0);
    }

    #[test]
    fn timedeltas_scale_as_numpy_does() {
        use BinaryOp::*;
        // Checked with pandas 3.1 on timedelta64[ns] [1, 3, -3, -1, NaT].
        let d = || array(DurationNanosecondArray::from(vec![Some(1), Some(3), Some(-3), Some(-1), None]));
        let f = |v: f64| scalar(ScalarValue::Float64(v));
        let i = |v: i64| scalar(ScalarValue::Int64(v));
        assert_eq!(ints(&eval(d(), Mul, f(0.5)).unwrap()), [Some(0), Some(1), Some(-1), Some(0), None]);
        assert_eq!(ints(&eval(d(), Mul, f(1.5)).unwrap()), [Some(1), Some(4), Some(-4), Some(-1), None]);
        assert_eq!(ints(&eval(f(-0.5), Mul, d()).unwrap()), [Some(0), Some(-1), Some(1), Some(0), None]);
        assert_eq!(ints(&eval(d(), Div, i(2)).unwrap()), [Some(0), Some(1), Some(-1), Some(0), None]);
        assert_eq!(ints(&eval(d(), FloorDiv, i(2)).unwrap()), [Some(0), Some(1), Some(-1), Some(0), None]);
        assert_eq!(ints(&eval(d(), Mul, i(2)).unwrap()), [Some(2), Some(6), Some(-6), Some(-2), None]);
        assert_eq!(ints(&eval(i(-1), Mul, d()).unwrap()), [Some(-1), Some(-3), Some(3), Some(1), None]);
        // By zero, NaN: null.
        assert_eq!(ints(&eval(d(), Div, i(0)).unwrap()), [None; 5]);
        assert_eq!(ints(&eval(d(), Mul, f(f64::NAN)).unwrap()), [None; 5]);
        // Between timedeltas: floor division, Python's modulo, true division.
        let two = || scalar(ScalarValue::Duration(2, NS));
        assert_eq!(ints(&eval(d(), FloorDiv, two()).unwrap()), [Some(0), Some(1), Some(-2), Some(-1), None]);
        let m = eval(d(), Mod, two()).unwrap();
        assert_eq!(
            (m.data_type(), ints(&m)),
            (&DataType::Duration(NS), vec![Some(1), Some(1), Some(1), Some(1), None])
        );
        let ratio = eval(d(), Div, two()).unwrap();
        let ratio: Vec<_> = ratio.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(ratio, [Some(0.5), Some(1.5), Some(-1.5), Some(-0.5), None]);
        // Two scalars give a scalar.
        let v = temporal_arithmetic(Mul, &two(), &i(3).cast(&DataType::Int64).unwrap()).unwrap().unwrap();
        assert!(v.is_scalar());
        let factors = array(Float64Array::from(vec![Some(2.0), None, Some(0.5), Some(1.0), Some(1.0)]));
        assert_eq!(ints(&eval(d(), Mul, factors).unwrap()), [Some(2), None, Some(-1), Some(-1), None]);
        assert!(may_make_nulls(Div, &DataType::Duration(NS), &DataType::Int64));
        assert!(!may_make_nulls(Add, &DataType::Duration(NS), &DataType::Duration(NS)));
    }
}
