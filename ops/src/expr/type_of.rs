//! The type and nullability of an expression's result, checked at build time.
//!
//! The rules live in [`coerce`](super::coerce); evaluation applies the same
//! functions to the types of the arrays it meets, so a batch's result always
//! has the type promised here.

use std::fmt::Display;

use arrow::compute::kernels::cast::can_cast_types;
use arrow::datatypes::{DataType, Field, Schema};

use super::coerce::{self, check_isin, coerce_fill, literal_of, Coercion, Operand};
use super::temporal_arithmetic::may_make_nulls;
use super::types::{is_integer, is_numeric_or_bool, type_name, value_type};
use super::{BinaryOp, Expr, ScalarFunction};
use crate::error::{Error, Result};

impl Expr {
    /// The type of the expression's result over batches of `schema`.
    ///
    /// Arithmetic follows numpy (see the `coerce` module: the wider integer,
    /// float64 for mixed floats and for `/`, a literal takes its column's type
    /// when it fits); comparisons, `isnull`, `isin` and `between` are bool;
    /// `fillna` keeps the filled expression's type; `astype` gives its target.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown column, [`Error::Type`] for
    /// operands that don't fit their operator (the message names both types
    /// and the expression, e.g. ``cannot compare int64 with string in `a > 'x'` ``).
    pub fn data_type(&self, schema: &Schema) -> Result<DataType> {
        match self {
            Expr::Column(name) => Ok(field(schema, name)?.data_type().clone()),
            Expr::Literal(v) => Ok(v.data_type()),
            Expr::Aggregate { func, args } => {
                let types = args.iter().map(|a| a.data_type(schema)).collect::<Result<Vec<_>>>()?;
                crate::aggregate::output_type(func, &types)
            }
            Expr::Binary { left, op, right } => {
                let (lt, rt) = (left.data_type(schema)?, right.data_type(schema)?);
                Ok(coerce_operands(left, &lt, *op, right, &rt, self)?.output)
            }
            Expr::Not(e) => not_type(&e.data_type(schema)?, self),
            Expr::Negative(e) => match literal_of(self) {
                Some(v) => Ok(v.data_type()),
                None => negative_type(&e.data_type(schema)?, self),
            },
            Expr::IsNull(e) | Expr::IsNotNull(e) => e.data_type(schema).map(|_| DataType::Boolean),
            Expr::FillNull { expr, value } => {
                let (t, vt) = (expr.data_type(schema)?, value.data_type(schema)?);
                fill_type(&t, value, &vt, self)
            }
            Expr::Cast { expr, to } => cast_type(&expr.data_type(schema)?, to, self),
            Expr::IsIn { expr, list, .. } => {
                check_isin(&expr.data_type(schema)?, list, self)?;
                Ok(DataType::Boolean)
            }
            Expr::Between { expr, low, high } => {
                let t = expr.data_type(schema)?;
                coerce_operands(expr, &t, BinaryOp::GtEq, low, &low.data_type(schema)?, self)?;
                coerce_operands(expr, &t, BinaryOp::LtEq, high, &high.data_type(schema)?, self)?;
                Ok(DataType::Boolean)
            }
            Expr::Alias { expr, .. } => expr.data_type(schema),
            Expr::Function { func, args } => {
                let types = args.iter().map(|a| a.data_type(schema)).collect::<Result<Vec<_>>>()?;
                function_type(func, &types, self)
            }
        }
    }

    /// The field (name, type, nullability) the expression produces.
    ///
    /// A result can be null when an input can, except `isnull`, `notnull`
    /// and `isin`, which never are; `fillna` only when its value can be too;
    /// integer `//` and `%` always may be (division by zero gives null).
    ///
    /// # Errors
    /// As [`Expr::data_type`].
    pub fn to_field(&self, schema: &Schema) -> Result<Field> {
        Ok(Field::new(self.output_name(), self.data_type(schema)?, self.nullable(schema)?))
    }

    fn nullable(&self, schema: &Schema) -> Result<bool> {
        Ok(match self {
            Expr::Column(name) => field(schema, name)?.is_nullable(),
            Expr::Literal(v) => v.is_null(),
            Expr::Negative(e) => match literal_of(self) {
                Some(v) => v.is_null(),
                None => e.nullable(schema)?,
            },
            Expr::Binary { left, op, right } => {
                let divides =
                    matches!(op, BinaryOp::FloorDiv | BinaryOp::Mod) && is_integer(&self.data_type(schema)?);
                let scales = may_make_nulls(*op, &left.data_type(schema)?, &right.data_type(schema)?);
                divides || scales || left.nullable(schema)? || right.nullable(schema)?
            }
            Expr::Not(e) | Expr::Cast { expr: e, .. } | Expr::Alias { expr: e, .. } => e.nullable(schema)?,
            // `na` may fill nulls, a kernel may make some: say nullable.
            Expr::Function { .. } => true,
            Expr::IsNull(_) | Expr::IsNotNull(_) | Expr::IsIn { .. } => false,
            Expr::Aggregate { func, .. } => crate::aggregate::output_nullable(func),
            Expr::FillNull { expr, value } => expr.nullable(schema)? && value.nullable(schema)?,
            Expr::Between { expr, low, high } => {
                expr.nullable(schema)? || low.nullable(schema)? || high.nullable(schema)?
            }
        })
    }
}

fn field<'a>(schema: &'a Schema, name: &str) -> Result<&'a Field> {
    schema.field_with_name(name).map_err(|_| Error::ColumnNotFound {
        name: name.to_string(),
        available: schema.fields().iter().map(|f| f.name().clone()).collect(),
    })
}

/// Coerces `left op right`, given the operands' types, seeing through
/// literals so that `int8_col + 1` stays int8.
pub(crate) fn coerce_operands(
    left: &Expr,
    lt: &DataType,
    op: BinaryOp,
    right: &Expr,
    rt: &DataType,
    whole: &dyn Display,
) -> Result<Coercion> {
    let (ll, rl) = (literal_of(left), literal_of(right));
    coerce::coerce_binary(
        Operand { data_type: lt, literal: ll.as_deref() },
        op,
        Operand { data_type: rt, literal: rl.as_deref() },
        whole,
    )
}

/// `~e` needs a boolean (or a null).
pub(crate) fn not_type(t: &DataType, whole: &dyn Display) -> Result<DataType> {
    match t {
        DataType::Boolean | DataType::Null => Ok(DataType::Boolean),
        other => Err(Error::type_error(format!("`~` needs a bool, got {} in `{whole}`", type_name(other)))),
    }
}

/// `-e` needs a number or a timedelta; it keeps its type (a dictionary of
/// numbers decodes).
pub(crate) fn negative_type(t: &DataType, whole: &dyn Display) -> Result<DataType> {
    let v = value_type(t);
    let timedelta = matches!(v, DataType::Duration(_));
    if *v == DataType::Null || timedelta || (is_numeric_or_bool(v) && *v != DataType::Boolean) {
        Ok(v.clone())
    } else {
        Err(Error::type_error(format!("`-` needs a number, got {} in `{whole}`", type_name(t))))
    }
}

/// `expr.fillna(value)` keeps `expr`'s type `t`, unless `expr` is all null
/// (type null): then the value's.
pub(crate) fn fill_type(t: &DataType, value: &Expr, vt: &DataType, whole: &dyn Display) -> Result<DataType> {
    if *t == DataType::Null {
        return Ok(vt.clone());
    }
    let lit = literal_of(value);
    coerce_fill(Operand { data_type: vt, literal: lit.as_deref() }, t, whole)?;
    Ok(t.clone())
}

/// `astype(to)` allows whatever arrow can cast.
pub(crate) fn cast_type(t: &DataType, to: &DataType, whole: &dyn Display) -> Result<DataType> {
    if can_cast_types(t, to) {
        Ok(to.clone())
    } else {
        Err(Error::type_error(format!("cannot cast {} to {} in `{whole}`", type_name(t), type_name(to))))
    }
}

/// The type of `func` over `t`; a type error names the expression `whole`.
pub(crate) fn function_type(
    func: &ScalarFunction,
    args: &[DataType],
    whole: &dyn Display,
) -> Result<DataType> {
    func.output_type(args).map_err(|e| match e {
        Error::Type { message, location } => {
            Error::Type { message: format!("{message} in `{whole}`"), location }
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::ScalarValue;
    use arrow::datatypes::TimeUnit;

    fn schema() -> Schema {
        Schema::new(vec![
            Field::new("i8", DataType::Int8, false),
            Field::new("i32", DataType::Int32, true),
            Field::new("i64", DataType::Int64, false),
            Field::new("u64", DataType::UInt64, false),
            Field::new("f32", DataType::Float32, false),
            Field::new("f64", DataType::Float64, true),
            Field::new("b", DataType::Boolean, false),
            Field::new("s", DataType::Utf8, true),
            Field::new("d", DataType::Date32, true),
            Field::new("t", DataType::Timestamp(TimeUnit::Nanosecond, None), true),
        ])
    }

    fn col(n: &str) -> Expr {
        Expr::column(n)
    }

    fn lit(v: impl Into<ScalarValue>) -> Expr {
        Expr::Literal(v.into())
    }

    fn bin(l: Expr, op: BinaryOp, r: Expr) -> Expr {
        Expr::binary(l, op, r)
    }

    fn ty(e: &Expr) -> DataType {
        e.data_type(&schema()).unwrap()
    }

    #[test]
    fn arithmetic_types() {
        use DataType::*;
        assert_eq!(ty(&bin(col("i32"), BinaryOp::Add, col("i64"))), Int64);
        assert_eq!(ty(&bin(col("u64"), BinaryOp::Mul, col("i32"))), Int64);
        assert_eq!(ty(&bin(col("i8"), BinaryOp::Add, lit(1))), Int8);
        assert_eq!(ty(&bin(col("i8"), BinaryOp::Sub, Expr::Negative(Box::new(lit(1))))), Int8);
        assert_eq!(ty(&bin(col("f32"), BinaryOp::Add, col("f32"))), Float32);
        assert_eq!(ty(&bin(col("f32"), BinaryOp::Add, col("i8"))), Float64);
        assert_eq!(ty(&bin(col("i8"), BinaryOp::Div, col("i8"))), Float64);
        assert_eq!(ty(&bin(col("i32"), BinaryOp::FloorDiv, lit(2))), Int32);
        assert_eq!(ty(&bin(col("f64"), BinaryOp::Mod, lit(2))), Float64);
        assert_eq!(ty(&bin(col("b"), BinaryOp::Add, col("b"))), Int64);
        assert_eq!(ty(&Expr::Negative(Box::new(col("f32")))), Float32);
    }

    #[test]
    fn boolean_results() {
        use DataType::*;
        assert_eq!(ty(&bin(col("i8"), BinaryOp::Gt, lit(3.5))), Boolean);
        assert_eq!(ty(&bin(col("s"), BinaryOp::Eq, lit("x"))), Boolean);
        assert_eq!(ty(&bin(col("d"), BinaryOp::GtEq, lit("2024-01-01"))), Boolean);
        assert_eq!(ty(&bin(col("t"), BinaryOp::Lt, lit("2024-01-01 12:00:00"))), Boolean);
        let both = bin(
            bin(col("b"), BinaryOp::And, lit(ScalarValue::Null)),
            BinaryOp::Or,
            Expr::Not(Box::new(col("b"))),
        );
        assert_eq!(ty(&both), Boolean);
        let between =
            Expr::Between { expr: Box::new(col("i32")), low: Box::new(lit(1)), high: Box::new(lit(9.5)) };
        assert_eq!(ty(&between), Boolean);
        let isin = Expr::IsIn { expr: Box::new(col("s")), list: vec!["a".into()], negated: true };
        assert_eq!(ty(&isin), Boolean);
    }

    #[test]
    fn fill_cast_and_alias_types() {
        use DataType::*;
        let fill = Expr::FillNull { expr: Box::new(col("i32")), value: Box::new(lit(0)) };
        assert_eq!(ty(&fill), Int32);
        let null_fill = Expr::FillNull { expr: Box::new(lit(ScalarValue::Null)), value: Box::new(col("s")) };
        assert_eq!(ty(&null_fill), Utf8);
        let cast = Expr::Cast { expr: Box::new(col("s")), to: Int64 };
        assert_eq!(ty(&cast), Int64);
        let alias = Expr::Alias { expr: Box::new(col("f32")), name: "x".into() };
        assert_eq!(alias.to_field(&schema()).unwrap(), Field::new("x", Float32, false));
    }

    #[test]
    fn nullability() {
        let s = schema();
        let nullable = |e: &Expr| e.to_field(&s).unwrap().is_nullable();
        assert!(!nullable(&bin(col("i8"), BinaryOp::Add, col("i64"))));
        assert!(nullable(&bin(col("i8"), BinaryOp::Add, col("i32"))));
        assert!(nullable(&bin(col("i8"), BinaryOp::FloorDiv, col("i64"))));
        assert!(!nullable(&bin(col("f32"), BinaryOp::FloorDiv, lit(2))));
        assert!(!nullable(&Expr::IsNull(Box::new(col("s")))));
        assert!(!nullable(&Expr::IsIn { expr: Box::new(col("s")), list: vec![], negated: false }));
        assert!(!nullable(&lit(1)));
        assert!(nullable(&lit(ScalarValue::Null)));
        assert!(!nullable(&Expr::FillNull { expr: Box::new(col("s")), value: Box::new(lit("x")) }));
        assert!(nullable(&Expr::FillNull { expr: Box::new(col("s")), value: Box::new(col("s")) }));
    }

    #[test]
    fn errors_name_the_expression_and_types() {
        let s = schema();
        let err = bin(col("i64"), BinaryOp::Gt, lit("x")).data_type(&s).unwrap_err();
        assert!(matches!(err, Error::Type { .. }));
        assert_eq!(err.to_string(), "type error: cannot compare int64 with string in `i64 > 'x'`");
        let err = bin(col("nope"), BinaryOp::Gt, lit(1)).data_type(&s).unwrap_err();
        assert!(
            matches!(&err, Error::ColumnNotFound { name, available } if name == "nope" && available.len() == 10)
        );
        for bad in [
            Expr::Not(Box::new(col("i8"))),
            Expr::Negative(Box::new(col("s"))),
            Expr::Negative(Box::new(col("b"))),
            bin(col("b"), BinaryOp::Or, col("i8")),
            bin(col("s"), BinaryOp::Add, lit(1)),
            Expr::FillNull { expr: Box::new(col("i32")), value: Box::new(lit(0.5)) },
            Expr::Cast { expr: Box::new(col("d")), to: DataType::Struct(Default::default()) },
            Expr::IsIn { expr: Box::new(col("i8")), list: vec!["x".into()], negated: false },
            Expr::Between { expr: Box::new(col("s")), low: Box::new(lit(1)), high: Box::new(lit(2)) },
        ] {
            let err = bad.data_type(&s).unwrap_err();
            assert!(matches!(err, Error::Type { .. }), "{bad}: {err}");
            assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
        }
    }
}
