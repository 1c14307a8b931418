//! Evaluates expressions over a whole batch with Arrow's compute kernels.
//!
//! Each node is one kernel call over whole arrays (see `arithmetic`,
//! `compare`, `isin`, `fill_null`). Literals stay one-element scalars until a
//! kernel combines them with a column, so `a > 3` never builds a column of
//! threes. The operands of a node are coerced with the same functions
//! [`Expr::data_type`] uses, so the result always has the promised type.
//!
//! Semantics (pandas' with Arrow's nulls):
//! - nulls propagate through arithmetic and comparisons;
//! - `&` and `|` are Kleene: `null & false` is `false`, `null | true` is `true`;
//! - integer `+ - *` wrap on overflow, `/` is float64, `//` floors and `%`
//!   takes the divisor's sign, integer `//` and `%` by zero give null
//!   (see `arithmetic` for the details);
//! - float comparisons are by IEEE value (`-0.0 == 0.0`, `NaN` equals nothing);
//! - strings compare by their bytes, whatever their encoding;
//! - `isnull`, `notnull` and `isin` are never null;
//! - `astype` fails on a value that does not convert (never a silent null).

use std::collections::BTreeSet;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use arrow::compute::kernels::boolean;
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;

use super::arithmetic::{arithmetic, negate};
use super::coerce::{self, check_isin, literal_of, Operand};
use super::compare::compare;
use super::fill_null::fill_null;
use super::isin::isin;
use super::type_of::{cast_type, coerce_operands, fill_type, function_type, negative_type, not_type};
use super::types::type_name;
use super::value::Value;
use super::{BinaryOp, Expr};
use crate::error::{Error, Result};

/// Evaluates `expr` over `batch`, giving one value per row.
///
/// The result's type is `expr.data_type(batch.schema())`.
///
/// # Errors
/// [`Error::ColumnNotFound`] for unknown columns, [`Error::Type`] for type
/// mismatches, and [`Error::Arrow`] for kernel failures (a value `astype`
/// cannot convert, a uint64 too large for the int64 it meets); a kernel
/// error's location names the expression that failed.
pub fn evaluate(expr: &Expr, batch: &RecordBatch) -> Result<ArrayRef> {
    eval(expr, batch)?.into_array(batch.num_rows())
}

/// Evaluates a boolean `expr` over `batch`.
///
/// # Errors
/// As [`evaluate`], and [`Error::Type`] when the result is not boolean.
pub fn evaluate_predicate(expr: &Expr, batch: &RecordBatch) -> Result<BooleanArray> {
    let value = predicate(expr, batch)?;
    let array = value.into_array(batch.num_rows())?;
    as_boolean(array.as_ref()).cloned()
}

/// The rows of `batch` where `predicate` is true (null counts as false).
///
/// A predicate without columns (`True`) keeps or drops the whole batch
/// without a kernel; otherwise this is one `filter_record_batch`.
///
/// # Errors
/// As [`evaluate_predicate`].
pub fn filter_batch(batch: &RecordBatch, predicate: &Expr) -> Result<RecordBatch> {
    keep_rows(batch, self::predicate(predicate, batch)?)
}

/// [`filter_batch`], keeping only the columns named in `keep` (in the
/// batch's order): a filter whose next step reads fewer columns need not
/// copy the rows of the columns only the predicate reads (h2o's `v1 > 2
/// and id4 <= 50` → sum v3 by id2 filtered four columns to keep two).
///
/// # Errors
/// As [`evaluate_predicate`].
pub fn filter_batch_to(
    batch: &RecordBatch,
    predicate: &Expr,
    keep: &BTreeSet<String>,
) -> Result<RecordBatch> {
    let mask = self::predicate(predicate, batch)?;
    let schema = batch.schema();
    let indices: Vec<usize> =
        schema.fields().iter().enumerate().filter(|(_, f)| keep.contains(f.name())).map(|(i, _)| i).collect();
    keep_rows(&batch.project(&indices)?, mask)
}

/// The rows of `batch` where `mask` (as long as the batch, or one value for
/// all of it) is true.
fn keep_rows(batch: &RecordBatch, mask: Value) -> Result<RecordBatch> {
    match mask {
        Value::Scalar(s) => {
            let mask = s.into_inner();
            let keep = as_boolean(mask.as_ref())?;
            if keep.is_valid(0) && keep.value(0) {
                Ok(batch.clone())
            } else {
                Ok(batch.slice(0, 0))
            }
        }
        Value::Array(mask) => Ok(arrow::compute::filter_record_batch(batch, as_boolean(mask.as_ref())?)?),
    }
}

/// The value of a predicate, as booleans (an all-null predicate of type
/// null becomes null booleans, which keep no row).
fn predicate(expr: &Expr, batch: &RecordBatch) -> Result<Value> {
    let value = eval(expr, batch)?;
    match value.data_type() {
        DataType::Boolean => Ok(value),
        DataType::Null => value.cast(&DataType::Boolean),
        other => Err(Error::type_error(format!("filter `{expr}` is {}, not bool", type_name(other)))),
    }
}

fn as_boolean(array: &dyn Array) -> Result<&BooleanArray> {
    array
        .as_boolean_opt()
        .ok_or_else(|| Error::Internal(format!("expected booleans, got {}", array.data_type())))
}

/// The value of `expr` over `batch`: a column, or a scalar when it reads no
/// column.
pub(crate) fn eval(expr: &Expr, batch: &RecordBatch) -> Result<Value> {
    // Kernel errors carry the expression that failed (the innermost one);
    // type errors name it in their message already.
    eval_node(expr, batch).map_err(|e| match e {
        Error::Arrow { .. } => e.with_column(expr.to_string()),
        other => other,
    })
}

fn eval_node(expr: &Expr, batch: &RecordBatch) -> Result<Value> {
    match expr {
        Expr::Column(name) => match batch.column_by_name(name) {
            Some(c) => Ok(Value::Array(Arc::clone(c))),
            None => Err(Error::ColumnNotFound {
                name: name.clone(),
                available: batch.schema().fields().iter().map(|f| f.name().clone()).collect(),
            }),
        },
        Expr::Literal(v) => Value::scalar(v.to_array(1)),
        Expr::Aggregate { .. } => Err(Error::type_error(format!(
            "aggregate `{expr}` outside a groupby or reduction (use groupby().agg() or agg())"
        ))),
        Expr::Binary { left, op, right } => {
            let (l, r) = (Evaluated::new(left, batch)?, Evaluated::new(right, batch)?);
            let (lv, rv) = coerced(expr, &l, *op, &r)?;
            if op.is_arithmetic() {
                arithmetic(*op, &lv, &rv)
            } else if op.is_comparison() {
                compare(*op, &lv, &rv)
            } else {
                kleene(*op, lv, rv, batch.num_rows())
            }
        }
        Expr::Not(e) => {
            let v = eval(e, batch)?;
            not_type(v.data_type(), expr)?;
            let v = v.cast(&DataType::Boolean)?;
            let out = boolean::not(as_boolean(v.array())?)?;
            Value::from_output(Arc::new(out), v.is_scalar())
        }
        Expr::Negative(e) => {
            if let Some(v) = literal_of(expr) {
                return Value::scalar(v.to_array(1));
            }
            let v = eval(e, batch)?;
            let t = negative_type(v.data_type(), expr)?;
            negate(&v.cast(&t)?)
        }
        Expr::IsNull(e) | Expr::IsNotNull(e) => {
            let v = eval(e, batch)?;
            let out = match expr {
                Expr::IsNull(_) => boolean::is_null(v.array())?,
                _ => boolean::is_not_null(v.array())?,
            };
            Value::from_output(Arc::new(out), v.is_scalar())
        }
        Expr::FillNull { expr: e, value } => {
            let v = eval(e, batch)?;
            let fill = Evaluated::new(value, batch)?;
            let t = v.data_type().clone();
            fill_type(&t, value, &fill.data_type, expr)?;
            if t == DataType::Null {
                return fill.into_value();
            }
            let lit = literal_of(value);
            let to = coerce::coerce_fill(
                Operand { data_type: &fill.data_type, literal: lit.as_deref() },
                &t,
                expr,
            )?;
            fill_null(v, fill.into_value()?.cast(&to)?)
        }
        Expr::Cast { expr: e, to } => {
            let v = eval(e, batch)?;
            cast_type(v.data_type(), to, expr)?;
            v.cast(to)
        }
        Expr::IsIn { expr: e, list, negated } => {
            let v = eval(e, batch)?;
            check_isin(v.data_type(), list, expr)?;
            let found = isin(v.array(), list)?;
            let out = if *negated { boolean::not(&found)? } else { found };
            Value::from_output(Arc::new(out), v.is_scalar())
        }
        Expr::Between { expr: e, low, high } => {
            let v = Evaluated::new(e, batch)?;
            let (low, high) = (Evaluated::new(low, batch)?, Evaluated::new(high, batch)?);
            let (a, b) = coerced(expr, &v, BinaryOp::GtEq, &low)?;
            let above = compare(BinaryOp::GtEq, &a, &b)?;
            let (a, b) = coerced(expr, &v, BinaryOp::LtEq, &high)?;
            let below = compare(BinaryOp::LtEq, &a, &b)?;
            kleene(BinaryOp::And, above, below, batch.num_rows())
        }
        Expr::Function { func, args } => {
            let values = args.iter().map(|a| eval(a, batch)).collect::<Result<Vec<_>>>()?;
            let types: Vec<DataType> = values.iter().map(|v| v.data_type().clone()).collect();
            function_type(func, &types, expr)?;
            let all_scalar = values.iter().all(Value::is_scalar);
            // Scalars meet columns at full length (a literal `cat` argument).
            let len = if all_scalar { 1 } else { batch.num_rows() };
            let arrays = values.into_iter().map(|v| v.into_array(len)).collect::<Result<Vec<_>>>()?;
            Value::from_output(func.evaluate(&arrays)?, all_scalar)
        }
        Expr::Alias { expr: e, .. } => eval(e, batch),
    }
}

/// An evaluated operand: its type, and its value unless it is a literal
/// (the coercion casts literals itself).
struct Evaluated<'a> {
    expr: &'a Expr,
    data_type: DataType,
    value: Option<Value>,
}

impl<'a> Evaluated<'a> {
    fn new(expr: &'a Expr, batch: &RecordBatch) -> Result<Self> {
        match literal_of(expr) {
            Some(v) => Ok(Evaluated { expr, data_type: v.data_type(), value: None }),
            None => {
                let value = eval(expr, batch)?;
                Ok(Evaluated { expr, data_type: value.data_type().clone(), value: Some(value) })
            }
        }
    }

    /// The operand's own value (a literal as its own type).
    fn into_value(self) -> Result<Value> {
        match (self.value, literal_of(self.expr)) {
            (Some(v), _) => Ok(v),
            (None, Some(lit)) => Value::scalar(lit.to_array(1)),
            (None, None) => Err(Error::Internal(format!("operand `{}` has no value", self.expr))),
        }
    }
}

/// Both operands of `l op r`, cast to the types the coercion chose.
fn coerced(whole: &Expr, l: &Evaluated<'_>, op: BinaryOp, r: &Evaluated<'_>) -> Result<(Value, Value)> {
    let c = coerce_operands(l.expr, &l.data_type, op, r.expr, &r.data_type, whole)?;
    let side = |scalar: Option<ArrayRef>, value: &Option<Value>, to: &DataType| match (scalar, value) {
        (Some(s), _) => Value::scalar(s),
        (None, Some(v)) => v.clone().cast(to),
        (None, None) => Err(Error::Internal(format!("literal of `{whole}` was not coerced"))),
    };
    Ok((side(c.left_scalar, &l.value, &c.left)?, side(c.right_scalar, &r.value, &c.right)?))
}

/// Kleene `&` / `|` (arrow's kernels take two arrays, so a scalar side is
/// repeated to the batch's length).
fn kleene(op: BinaryOp, l: Value, r: Value, len: usize) -> Result<Value> {
    let all_scalar = l.is_scalar() && r.is_scalar();
    let (la, ra) =
        if all_scalar { (l.array_ref(), r.array_ref()) } else { (l.into_array(len)?, r.into_array(len)?) };
    let (la, ra) = (as_boolean(la.as_ref())?, as_boolean(ra.as_ref())?);
    let out = match op {
        BinaryOp::And => boolean::and_kleene(la, ra)?,
        BinaryOp::Or => boolean::or_kleene(la, ra)?,
        other => return Err(Error::Internal(format!("`{}` is not logical", other.symbol()))),
    };
    Value::from_output(Arc::new(out), all_scalar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{col, lit};
    use arrow::array::{
        Date32Array, DictionaryArray, Float32Array, Float64Array, Int32Array, Int64Array, Int8Array,
        LargeStringArray, StringArray, StringViewArray, TimestampNanosecondArray, UInt64Array,
    };
    use arrow::datatypes::{Float64Type, Int32Type, Int64Type, Int8Type};

    /// Five rows, a null in most columns; row 4 holds the odd values.
    fn batch() -> RecordBatch {
        let strings = vec![Some("apple"), Some("Banana"), None, Some("cherry"), Some("")];
        let dict: DictionaryArray<Int32Type> = strings.clone().into_iter().collect();
        RecordBatch::try_from_iter(vec![
            ("i8", Arc::new(Int8Array::from(vec![Some(1), Some(-7), None, Some(127), Some(0)])) as ArrayRef),
            ("i32", Arc::new(Int32Array::from(vec![Some(10), Some(2), Some(3), None, Some(-4)])) as ArrayRef),
            (
                "i64",
                Arc::new(Int64Array::from(vec![Some(2), Some(2), Some(-2), Some(5), Some(0)])) as ArrayRef,
            ),
            ("u64", Arc::new(UInt64Array::from(vec![1, 2, 3, 4, u64::MAX])) as ArrayRef),
            (
                "f32",
                Arc::new(Float32Array::from(vec![Some(0.5), Some(1.5), None, Some(-0.0), Some(2.0)]))
                    as ArrayRef,
            ),
            (
                "f64",
                Arc::new(Float64Array::from(vec![Some(1.0), None, Some(-3.5), Some(f64::NAN), Some(0.0)]))
                    as ArrayRef,
            ),
            (
                "b",
                Arc::new(BooleanArray::from(vec![Some(true), Some(false), None, Some(true), Some(false)]))
                    as ArrayRef,
            ),
            ("s", Arc::new(StringArray::from(strings.clone())) as ArrayRef),
            ("ls", Arc::new(LargeStringArray::from(strings.clone())) as ArrayRef),
            ("vs", Arc::new(StringViewArray::from(strings)) as ArrayRef),
            ("ds", Arc::new(dict) as ArrayRef),
            (
                "d",
                Arc::new(Date32Array::from(vec![Some(19722), Some(19723), Some(19724), None, Some(0)]))
                    as ArrayRef,
            ),
            (
                "t",
                Arc::new(TimestampNanosecondArray::from(vec![
                    Some(1_704_110_400_000_000_000),
                    Some(1_704_110_399_000_000_000),
                    None,
                    Some(0),
                    Some(1_704_110_400_000_000_001),
                ])) as ArrayRef,
            ),
            ("nulls", Arc::new(arrow::array::NullArray::new(5)) as ArrayRef),
            ("words", Arc::new(StringArray::from(vec!["1", "2", "x", "4", "5"])) as ArrayRef),
        ])
        .unwrap()
    }

    /// Evaluates over `b`, checking the result against `data_type` and `to_field`.
    fn eval_on(e: &Expr, b: &RecordBatch) -> ArrayRef {
        let out = evaluate(e, b).unwrap_or_else(|err| panic!("{e}: {err}"));
        let field = e.to_field(&b.schema()).unwrap();
        assert_eq!(out.data_type(), field.data_type(), "type of {e}");
        assert_eq!(out.len(), b.num_rows(), "length of {e}");
        if !field.is_nullable() {
            assert_eq!(out.null_count(), 0, "{e} is declared non-null");
        }
        out
    }

    fn run(e: Expr) -> ArrayRef {
        eval_on(&e, &batch())
    }

    fn bools(e: Expr) -> Vec<Option<bool>> {
        run(e).as_boolean().iter().collect()
    }

    fn ints(e: Expr) -> Vec<Option<i64>> {
        let a = arrow::compute::cast(&run(e), &DataType::Int64).unwrap();
        a.as_primitive::<Int64Type>().iter().collect()
    }

    fn floats(e: Expr) -> Vec<Option<f64>> {
        run(e).as_primitive::<Float64Type>().iter().collect()
    }

    const T: Option<bool> = Some(true);
    const F: Option<bool> = Some(false);
    const N: Option<bool> = None;

    #[test]
    fn arithmetic_with_literals_keeps_the_column_type() {
        assert_eq!(run(col("i8") + 1).data_type(), &DataType::Int8);
        assert_eq!(ints(col("i8") + 1), [Some(2), Some(-6), None, Some(-128), Some(1)]);
        assert_eq!(ints(col("i8") * -1), [Some(-1), Some(7), None, Some(-127), Some(0)]);
        assert_eq!(ints(col("i8") + 1000), [Some(1001), Some(993), None, Some(1127), Some(1000)]);
        assert_eq!(run(col("i8") + 1000).data_type(), &DataType::Int64);
        assert_eq!(ints(2 - col("i32")), [Some(-8), Some(0), Some(-1), None, Some(6)]);
        assert_eq!(run(col("f32") * 2).data_type(), &DataType::Float32);
        assert_eq!(floats(col("i32") + 0.5), [Some(10.5), Some(2.5), Some(3.5), None, Some(-3.5)]);
    }

    #[test]
    fn columns_of_different_types_meet() {
        assert_eq!(ints(col("i8") + col("i32")), [Some(11), Some(-5), None, None, Some(-4)]);
        assert_eq!(run(col("i8") + col("i32")).data_type(), &DataType::Int32);
        assert_eq!(run(col("i32") - col("i64")).data_type(), &DataType::Int64);
        assert_eq!(run(col("f32") + col("f32")).data_type(), &DataType::Float32);
        let mixed = floats(col("f32") * col("i32"));
        assert_eq!(mixed, [Some(5.0), Some(3.0), None, None, Some(-8.0)]);
        assert_eq!(ints(col("b") + col("b")), [Some(2), Some(0), None, Some(2), Some(0)]);
        // uint64 meets int64 as int64: u64::MAX does not fit, and says where.
        let err = evaluate(&(col("u64") + col("i64")), &batch()).unwrap_err();
        assert!(matches!(err, Error::Arrow { .. }), "{err}");
        assert_eq!(err.location().and_then(|l| l.column.clone()).as_deref(), Some("u64 + i64"));
        let b = batch().slice(0, 4);
        assert_eq!(
            eval_on(&(col("u64") + col("i64")), &b).as_primitive::<Int64Type>().values().as_ref(),
            &[3, 4, 1, 9]
        );
    }

    #[test]
    fn division_floor_division_and_modulo() {
        assert_eq!(floats(col("i32") / 4), [Some(2.5), Some(0.5), Some(0.75), None, Some(-1.0)]);
        let by_zero = floats(col("i32") / col("i64"));
        assert_eq!(by_zero[..3], [Some(5.0), Some(1.0), Some(-1.5)]);
        assert_eq!(by_zero[4], Some(f64::NEG_INFINITY));
        assert_eq!(ints(col("i8").floordiv(2)), [Some(0), Some(-4), None, Some(63), Some(0)]);
        assert_eq!(ints(col("i8") % 2), [Some(1), Some(1), None, Some(1), Some(0)]);
        assert_eq!(ints(col("i8") % -2), [Some(-1), Some(-1), None, Some(-1), Some(0)]);
        assert_eq!(ints(col("i32").floordiv(col("i64"))), [Some(5), Some(1), Some(-2), None, None]);
        assert_eq!(floats(col("f64").floordiv(2) % 3.0)[..3], [Some(0.0), None, Some(1.0)]);
    }

    #[test]
    fn unary_operators() {
        assert_eq!(ints(-col("i8")), [Some(-1), Some(7), None, Some(-127), Some(0)]);
        assert_eq!(bools(!col("b")), [F, T, N, F, T]);
        assert_eq!(bools(col("i8").isnull()), [F, F, T, F, F]);
        assert_eq!(bools(col("i8").notnull()), [T, T, F, T, T]);
        assert_eq!(bools(col("nulls").isnull()), [T; 5]);
        assert_eq!(bools(lit(None::<i64>).notnull()), [F; 5]);
    }

    #[test]
    fn comparisons_of_numbers() {
        assert_eq!(bools(col("i8").gt(0)), [T, F, N, T, F]);
        assert_eq!(bools(col("i8").gt(0.5)), [T, F, N, T, F]);
        assert_eq!(bools(col("i8").le(1000)), [T, T, N, T, T]);
        assert_eq!(bools(col("i32").eq(col("i64"))), [F, T, F, N, F]);
        assert_eq!(bools(col("f64").eq(0)), [F, N, F, F, T]);
        assert_eq!(bools(col("f32").eq(0)), [F, F, N, T, F]);
        assert_eq!(bools(col("f64").ne(col("f64"))), [F, N, F, T, F]);
        assert_eq!(bools(col("u64").ge(u64::MAX)), [F, F, F, F, T]);
        assert_eq!(bools(col("i8").eq(lit(None::<i64>))), [N; 5]);
        assert_eq!(bools(lit(1).lt(col("i64"))), [T, T, F, T, F]);
    }

    #[test]
    fn kleene_logic_table() {
        // Every pair of {true, false, null}, as pandas' nullable booleans.
        let l = BooleanArray::from(vec![T, T, T, F, F, F, N, N, N]);
        let r = BooleanArray::from(vec![T, F, N, T, F, N, T, F, N]);
        let b =
            RecordBatch::try_from_iter(vec![("l", Arc::new(l) as ArrayRef), ("r", Arc::new(r) as ArrayRef)])
                .unwrap();
        let and: Vec<_> = eval_on(&(col("l") & col("r")), &b).as_boolean().iter().collect();
        assert_eq!(and, [T, F, N, F, F, F, N, F, N]);
        let or: Vec<_> = eval_on(&(col("l") | col("r")), &b).as_boolean().iter().collect();
        assert_eq!(or, [T, T, T, T, F, N, T, N, N]);
        let with_null: Vec<_> = eval_on(&(col("l") & lit(None::<bool>)), &b).as_boolean().iter().collect();
        assert_eq!(with_null, [N, N, N, F, F, F, N, N, N]);
        let or_true: Vec<_> = eval_on(&(col("r") | true), &b).as_boolean().iter().collect();
        assert_eq!(or_true, [T; 9]);
    }

    #[test]
    fn strings_compare_across_encodings() {
        let want = [F, T, N, F, T];
        for c in ["s", "ls", "vs", "ds"] {
            assert_eq!(bools(col(c).lt("apple")), want, "{c}");
            assert_eq!(bools(lit("apple").gt(col(c))), want, "{c}");
            assert_eq!(bools(col(c).eq("cherry")), [F, F, N, T, F], "{c}");
        }
        for (a, b) in [("s", "ds"), ("ds", "vs"), ("ls", "s"), ("vs", "ls"), ("ds", "ds")] {
            assert_eq!(bools(col(a).eq(col(b))), [T, T, N, T, T], "{a} == {b}");
            assert_eq!(bools(col(a).lt(col(b))), [F, F, N, F, F], "{a} < {b}");
        }
    }

    #[test]
    fn string_literals_are_parsed_as_dates() {
        assert_eq!(bools(col("d").ge("2024-01-01")), [F, T, T, N, F]);
        assert_eq!(bools(col("t").ge("2024-01-01 12:00:00")), [T, F, N, F, T]);
        assert_eq!(bools(col("t").lt("2024-01-01T12:00:00")), [F, T, N, T, F]);
        assert_eq!(bools(col("d").between("2024-01-01", "2024-01-02")), [F, T, T, N, F]);
    }

    #[test]
    fn isin_between_and_not_in() {
        assert_eq!(bools(col("i8").isin([1, 127])), [T, F, F, T, F]);
        assert_eq!(bools(col("i8").isin([Some(1), None])), [T, F, T, F, F]);
        let not_in =
            Expr::IsIn { expr: Box::new(col("ds")), list: vec!["apple".into(), "".into()], negated: true };
        assert_eq!(bools(not_in), [F, T, T, T, F]);
        assert_eq!(bools(col("vs").isin(["Banana"])), [F, T, F, F, F]);
        assert_eq!(bools(col("d").isin(["2024-01-02"])), [F, F, T, F, F]);
        assert_eq!(bools(col("i32").between(2, 3)), [F, T, T, N, F]);
        assert_eq!(bools(col("i32").between(col("i64"), 10)), [T, T, T, N, F]);
        assert_eq!(bools(col("f64").between(-4, 0.5)), [F, N, T, F, T]);
    }

    #[test]
    fn fillna_keeps_the_type() {
        assert_eq!(ints(col("i8").fillna(9)), [Some(1), Some(-7), Some(9), Some(127), Some(0)]);
        assert_eq!(run(col("i8").fillna(9)).data_type(), &DataType::Int8);
        assert_eq!(floats(col("f64").fillna(col("i32")))[1], Some(2.0));
        let filled = run(col("ds").fillna("none"));
        assert!(matches!(filled.data_type(), DataType::Dictionary(..)));
        assert_eq!(bools(col("ds").fillna("none").eq("none")), [F, F, T, F, F]);
        assert_eq!(bools(col("vs").fillna("?").eq("?")), [F, F, T, F, F]);
        assert_eq!(run(col("nulls").fillna(1.5)).data_type(), &DataType::Float64);
        assert_eq!(bools(col("b").fillna(true)), [T, F, T, T, F]);
        let err = evaluate(&col("i8").fillna(0.5), &batch()).unwrap_err();
        assert!(matches!(err, Error::Type { .. }), "{err}");
    }

    #[test]
    fn astype_converts_or_fails() {
        assert_eq!(floats(col("i8").astype(DataType::Float64))[0], Some(1.0));
        let s = run(col("ds").astype(DataType::Utf8));
        assert_eq!(s.as_string::<i32>().value(1), "Banana");
        let b = batch().slice(0, 2);
        let n = eval_on(&col("words").astype(DataType::Int32), &b);
        assert_eq!(n.as_primitive::<Int32Type>().values().as_ref(), &[1, 2]);
        let err = evaluate(&col("words").astype(DataType::Int32), &batch()).unwrap_err();
        assert!(matches!(err, Error::Arrow { .. }), "{err}");
        assert!(err.to_string().contains("words.astype(Int32)"), "{err}");
        let err = evaluate(&col("i32").astype(DataType::Int8).gt(0), &batch().slice(0, 0))
            .map(|a| a.len())
            .unwrap();
        assert_eq!(err, 0);
        for to in [
            DataType::Date32,
            DataType::Float64,
            DataType::Timestamp(arrow::datatypes::TimeUnit::Second, None),
        ] {
            let err = evaluate(&col("s").astype(to.clone()), &batch()).unwrap_err();
            assert!(matches!(err, Error::Arrow { .. }), "{to}: {err}");
            let err = evaluate(&col("ds").astype(to.clone()), &batch()).unwrap_err();
            assert!(matches!(err, Error::Arrow { .. }), "{to}: {err}");
        }
        let overflow =
            RecordBatch::try_from_iter(vec![("x", Arc::new(Int64Array::from(vec![300])) as ArrayRef)])
                .unwrap();
        let err = evaluate(&col("x").astype(DataType::Int8), &overflow).unwrap_err();
        assert!(matches!(err, Error::Arrow { .. }), "{err}");
    }

    #[test]
    fn literals_alone_fill_the_batch() {
        assert_eq!(ints(lit(3)), [Some(3); 5]);
        assert_eq!(ints(lit(3) + lit(4)), [Some(7); 5]);
        assert_eq!(run(lit(None::<i64>)).data_type(), &DataType::Null);
        assert_eq!(ints(-lit(2)), [Some(-2); 5]);
        assert_eq!(run(lit("x").alias("y")).data_type(), &DataType::Utf8);
    }

    #[test]
    fn sliced_one_row_and_empty_batches() {
        let b = batch().slice(3, 2);
        let out = eval_on(&(col("i8") + col("i64")), &b);
        assert_eq!(out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(), [Some(132), Some(0)]);
        let one = batch().slice(1, 1);
        let out = eval_on(&!col("s").eq(col("ds")), &one);
        assert_eq!(out.as_boolean().iter().collect::<Vec<_>>(), [F]);
        let empty = batch().slice(0, 0);
        for e in
            [col("i8") + 1, col("s").isin(["a"]), col("d").ge("2024-01-01"), col("ds").fillna("x"), lit(1)]
        {
            assert_eq!(eval_on(&e, &empty).len(), 0);
        }
    }

    #[test]
    fn errors_have_their_variant() {
        let b = batch();
        let err = evaluate(&col("nope").gt(1), &b).unwrap_err();
        assert!(matches!(&err, Error::ColumnNotFound { name, .. } if name == "nope"));
        let err = evaluate(&col("i64").gt("x"), &b).unwrap_err();
        assert!(matches!(err, Error::Type { .. }));
        assert_eq!(err.to_string(), "type error: cannot compare int64 with string in `i64 > 'x'`");
        let err = evaluate(&col("d").gt("someday"), &b).unwrap_err();
        assert!(matches!(err, Error::Type { .. }));
        let err = evaluate_predicate(&(col("i8") + 1), &b).unwrap_err();
        assert!(matches!(err, Error::Type { .. }));
        let err = evaluate(&(col("b") & col("i8")), &b).unwrap_err();
        assert!(matches!(err, Error::Type { .. }));
    }

    #[test]
    fn filters_drop_false_and_null() {
        let b = batch();
        let kept = filter_batch(&b, &col("i8").gt(0)).unwrap();
        assert_eq!(kept.num_rows(), 2);
        assert_eq!(kept.column(0).as_primitive::<Int8Type>().values().as_ref(), &[1, 127]);
        assert_eq!(filter_batch(&b, &lit(true)).unwrap().num_rows(), 5);
        assert_eq!(filter_batch(&b, &lit(false)).unwrap().num_rows(), 0);
        assert_eq!(filter_batch(&b, &lit(None::<bool>)).unwrap().num_rows(), 0);
        assert_eq!(filter_batch(&b, &col("nulls").isnull()).unwrap().num_rows(), 5);
        let sliced = b.slice(1, 4);
        assert_eq!(filter_batch(&sliced, &col("b").eq(false)).unwrap().num_rows(), 2);
        let mask = evaluate_predicate(&col("s").isin(["apple"]), &sliced).unwrap();
        assert_eq!(mask.len(), 4);
        assert!(matches!(filter_batch(&b, &col("s")), Err(Error::Type { .. })));
    }

    #[test]
    fn a_filter_to_some_columns_keeps_those_of_the_kept_rows() {
        let b = batch();
        // The predicate reads columns that are not kept.
        let keep: BTreeSet<String> = ["f64", "i32"].map(String::from).into();
        let kept = filter_batch_to(&b, &(col("i8").gt(0) & col("u64").lt(4)), &keep).unwrap();
        let names: Vec<String> = kept.schema().fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, ["i32", "f64"], "the batch's order");
        assert_eq!(kept.num_rows(), 1);
        assert_eq!(kept.column(0).as_primitive::<Int32Type>().value(0), 10);
        assert_eq!(
            kept,
            filter_batch(&b, &(col("i8").gt(0) & col("u64").lt(4))).unwrap().project(&[1, 5]).unwrap()
        );
        let none: BTreeSet<String> = BTreeSet::new();
        assert_eq!(filter_batch_to(&b, &lit(true), &none).unwrap().num_rows(), 5);
        assert_eq!(filter_batch_to(&b, &lit(false), &keep).unwrap().num_columns(), 2);
        assert!(matches!(filter_batch_to(&b, &col("s"), &keep), Err(Error::Type { .. })));
    }
}
