//! `Series`: one column of a frame, lazily, as pandas' and Dask's `df["v"]`.
//!
//! A series is its frame's plan plus one expression over it. Arithmetic,
//! comparisons and the `str` / `dt` accessors grow the expression; a
//! reduction, `unique` or a mask grows the plan. Nothing runs until
//! [`Series::compute`] (an Arrow array) or [`Series::scalar`] (the one value
//! of a reduction).
//!
//! ```
//! use rusk::{arrow::array::Int64Array, from_batches, ScalarValue};
//! # use std::sync::Arc;
//! # use rusk::arrow::{array::RecordBatch, datatypes::{DataType, Field, Schema}};
//! # let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("b", DataType::Int64, true)]));
//! # let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![1, 2, 3])), Arc::new(Int64Array::from(vec![10, 20, 30]))])?;
//! # let df = from_batches(schema, vec![batch])?;
//! let (a, b) = (df.series("a")?, df.series("b")?);
//! let total = (&(&a * 10)? + &b)?;                // a * 10 + b, still lazy
//! let big = total.filter(&total.gt(25)?)?;       // pandas' total[total > 25]
//! assert_eq!(big.compute()?.as_any().downcast_ref::<Int64Array>().unwrap().values(), &[40, 60]);
//! assert_eq!(big.sum()?.scalar()?, ScalarValue::Int64(100));
//! # Ok::<(), rusk::Error>(())
//! ```
//!
//! # Differences from pandas
//!
//! - pandas aligns two series on their index; rusk has no row index, so two
//!   series combine only when they come from the same frame (the same plan,
//!   so their rows correspond one to one). Others are an error: join the
//!   frames first. Dask requires the same of its partitions.
//! - Operators return `Result<Series>` (a type error is reported where the
//!   expression is written, as a frame's methods do), so they read
//!   `(&a + &b)?`; comparisons are methods (`a.gt(3)?`), as Rust's `>`
//!   must return `bool`.
//! - A reduction is lazy, as Dask's: a one-row series; [`Series::scalar`]
//!   computes it. Two reductions do not combine (Dask's scalars do).

use std::ops;

use arrow::array::{new_empty_array, Array, ArrayRef};
use arrow::compute::concat;
use arrow::datatypes::DataType;
use rusk_ops::expr::function::{DtAccessor, StrAccessor};
use rusk_ops::expr::{BinaryOp, Expr, ScalarValue};
use rusk_ops::{Error, Result};

use super::DataFrame;

/// One column of a frame, lazily; see the [module docs](self).
#[derive(Clone)]
pub struct Series {
    frame: DataFrame,
    expr: Expr,
    name: String,
    data_type: DataType,
}

impl DataFrame {
    /// The column `name` as a lazy [`Series`] (pandas' `df["v"]`).
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`], listing the columns that exist.
    pub fn series(&self, name: &str) -> Result<Series> {
        Series::try_new(self.clone(), Expr::Column(name.to_string()), name.to_string())
    }

    /// The rows where the boolean series `mask` is true (null counts as
    /// false), as pandas' `df[mask]`.
    ///
    /// # Errors
    /// A mask from another frame, or one that is not boolean.
    pub fn filter_series(&self, mask: &Series) -> Result<DataFrame> {
        mask.same_frame(self)?;
        self.filter(mask.expr.clone())
    }

    /// Adds (at the end) or replaces (in place) the column `name` with the
    /// series' values, as pandas' `df.assign(name=series)`.
    ///
    /// # Errors
    /// A series from another frame.
    pub fn with_series(&self, name: impl Into<String>, series: &Series) -> Result<DataFrame> {
        series.same_frame(self)?;
        self.with_column(name, series.expr.clone())
    }
}

impl Series {
    fn try_new(frame: DataFrame, expr: Expr, name: String) -> Result<Self> {
        let data_type = expr.data_type(&frame.schema())?;
        Ok(Series { frame, expr, name, data_type })
    }

    /// The same frame and name, a new expression.
    fn derive(&self, expr: Expr) -> Result<Series> {
        Series::try_new(self.frame.clone(), expr, self.name.clone())
    }

    fn same_frame(&self, frame: &DataFrame) -> Result<()> {
        if std::sync::Arc::ptr_eq(self.frame.plan(), frame.plan()) {
            return Ok(());
        }
        Err(Error::InvalidArgument(format!(
            "series {:?} belongs to another frame; rusk has no index to align rows on, so series combine \
             only within one frame (join the frames first)",
            self.name
        )))
    }

    /// The series' name: its column's, or what [`Series::rename`] set.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Arrow type of its values.
    pub fn data_type(&self) -> &DataType {
        &self.data_type
    }

    /// The expression that computes it over [`Series::frame`].
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The frame whose rows it has.
    pub fn frame(&self) -> &DataFrame {
        &self.frame
    }

    /// The number of partitions of its frame.
    pub fn npartitions(&self) -> usize {
        self.frame.npartitions()
    }

    /// The same values under another name (pandas' `rename("x")`).
    pub fn rename(&self, name: impl Into<String>) -> Series {
        Series { name: name.into(), ..self.clone() }
    }

    /// A one-column frame (pandas' `to_frame()`).
    ///
    /// # Errors
    /// None in practice: the expression was checked against the frame.
    pub fn to_frame(&self) -> Result<DataFrame> {
        let expr = match &self.expr {
            Expr::Column(c) if *c == self.name => self.expr.clone(),
            e => e.clone().alias(self.name.clone()),
        };
        self.frame.project(vec![expr])
    }

    /// Runs the plan and returns the values as one Arrow array.
    ///
    /// # Errors
    /// Whatever the run reports (a bad file, a failed cast, ...).
    pub fn compute(&self) -> Result<ArrayRef> {
        let batches = self.to_frame()?.collect()?;
        let columns: Vec<&dyn Array> = batches.iter().map(|b| b.column(0).as_ref()).collect();
        if columns.is_empty() {
            return Ok(new_empty_array(&self.data_type));
        }
        Ok(concat(&columns)?)
    }

    /// Runs the plan and returns its one value: for a reduction
    /// (`s.sum()?.scalar()?`) or any series of one row.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when the series does not have exactly one row.
    pub fn scalar(&self) -> Result<ScalarValue> {
        let values = self.compute()?;
        if values.len() != 1 {
            return Err(Error::InvalidArgument(format!(
                "scalar() needs a series of one row (a reduction); {:?} has {}",
                self.name,
                values.len()
            )));
        }
        ScalarValue::try_from_array(values.as_ref(), 0)
    }

    /// The rows where the boolean series `mask` (of the same frame) is true,
    /// as pandas' `s[mask]`.
    ///
    /// # Errors
    /// A mask from another frame, or one that is not boolean.
    pub fn filter(&self, mask: &Series) -> Result<Series> {
        let frame = self.frame.filter_series(mask)?;
        Series::try_new(frame, self.expr.clone(), self.name.clone())
    }

    /// `f` applied to the expression: the escape hatch for any [`Expr`]
    /// method, e.g. `s.map_expr(|e| Ok(e.str().len()))`.
    ///
    /// # Errors
    /// What `f` returns, or a type error of the new expression.
    pub fn map_expr(&self, f: impl FnOnce(Expr) -> Result<Expr>) -> Result<Series> {
        self.derive(f(self.expr.clone())?)
    }

    /// pandas' `.str` accessor: `s.str(|s| s.lower())?`, or with a method
    /// that can fail, `s.str(|s| s.contains("^a", true, true, None))?`.
    ///
    /// # Errors
    /// A bad pattern, or a series that is not a string.
    pub fn str<E: IntoExpr>(&self, f: impl FnOnce(StrAccessor) -> E) -> Result<Series> {
        self.derive(f(self.expr.clone().str()).into_expr()?)
    }

    /// pandas' `.dt` accessor: `s.dt(|d| d.hour())?`, `s.dt(|d| d.floor("h"))?`.
    ///
    /// # Errors
    /// A bad frequency or zone, or a series that is not a datetime.
    pub fn dt<E: IntoExpr>(&self, f: impl FnOnce(DtAccessor) -> E) -> Result<Series> {
        self.derive(f(self.expr.clone().dt()).into_expr()?)
    }
}

/// What a `str` / `dt` method returns: an expression, or a `Result` of one
/// for the methods whose argument may be bad (a pattern, a frequency).
pub trait IntoExpr {
    /// The expression, or the method's error.
    fn into_expr(self) -> Result<Expr>;
}

impl IntoExpr for Expr {
    fn into_expr(self) -> Result<Expr> {
        Ok(self)
    }
}

impl IntoExpr for Result<Expr> {
    fn into_expr(self) -> Result<Expr> {
        self
    }
}

/// The right side of a series operation: another series of the same frame,
/// or a scalar (`3`, `2.5`, `"x"`, `None::<i64>`).
pub trait Operand {
    /// The operand as an expression over `left`'s frame.
    ///
    /// # Errors
    /// A series of another frame.
    fn operand_for(self, left: &Series) -> Result<Expr>;
}

impl Operand for &Series {
    fn operand_for(self, left: &Series) -> Result<Expr> {
        self.same_frame(&left.frame)?;
        Ok(self.expr.clone())
    }
}

impl Operand for Series {
    fn operand_for(self, left: &Series) -> Result<Expr> {
        (&self).operand_for(left)
    }
}

impl<T: Into<ScalarValue>> Operand for T {
    fn operand_for(self, _left: &Series) -> Result<Expr> {
        Ok(Expr::Literal(self.into()))
    }
}

/// Comparisons and element-wise methods, with pandas' names.
impl Series {
    fn binary(&self, op: BinaryOp, other: impl Operand) -> Result<Series> {
        let right = other.operand_for(self)?;
        self.derive(Expr::binary(self.expr.clone(), op, right))
    }

    /// `self == other`: null where either side is null.
    ///
    /// # Errors
    /// Types that do not compare, or a series of another frame.
    pub fn eq(&self, other: impl Operand) -> Result<Series> {
        self.binary(BinaryOp::Eq, other)
    }

    /// `self != other`.
    ///
    /// # Errors
    /// As [`Series::eq`].
    pub fn ne(&self, other: impl Operand) -> Result<Series> {
        self.binary(BinaryOp::NotEq, other)
    }

    /// `self < other`.
    ///
    /// # Errors
    /// As [`Series::eq`].
    pub fn lt(&self, other: impl Operand) -> Result<Series> {
        self.binary(BinaryOp::Lt, other)
    }

    /// `self <= other`.
    ///
    /// # Errors
    /// As [`Series::eq`].
    pub fn le(&self, other: impl Operand) -> Result<Series> {
        self.binary(BinaryOp::LtEq, other)
    }

    /// `self > other`.
    ///
    /// # Errors
    /// As [`Series::eq`].
    pub fn gt(&self, other: impl Operand) -> Result<Series> {
        self.binary(BinaryOp::Gt, other)
    }

    /// `self >= other`.
    ///
    /// # Errors
    /// As [`Series::eq`].
    pub fn ge(&self, other: impl Operand) -> Result<Series> {
        self.binary(BinaryOp::GtEq, other)
    }

    /// `self // other`, Python's floor division (see [`Expr::floordiv`]).
    ///
    /// # Errors
    /// Types that do not divide, or a series of another frame.
    pub fn floordiv(&self, other: impl Operand) -> Result<Series> {
        self.binary(BinaryOp::FloorDiv, other)
    }

    /// Whether each value is one of `values` (never null), as pandas' `isin`.
    ///
    /// # Errors
    /// Values of a type that does not compare with the series'.
    pub fn isin<V: Into<ScalarValue>>(&self, values: impl IntoIterator<Item = V>) -> Result<Series> {
        self.derive(self.expr.clone().isin(values))
    }

    /// `low <= self <= high`, both ends inclusive (pandas' default).
    ///
    /// # Errors
    /// As [`Series::eq`].
    pub fn between(&self, low: impl Operand, high: impl Operand) -> Result<Series> {
        let (low, high) = (low.operand_for(self)?, high.operand_for(self)?);
        self.derive(self.expr.clone().between(low, high))
    }

    /// True where the value is null.
    ///
    /// # Errors
    /// None in practice.
    pub fn isnull(&self) -> Result<Series> {
        self.derive(self.expr.clone().isnull())
    }

    /// True where the value is not null.
    ///
    /// # Errors
    /// None in practice.
    pub fn notnull(&self) -> Result<Series> {
        self.derive(self.expr.clone().notnull())
    }

    /// `value` (a scalar or a series of the same frame) where the series is
    /// null; the type stays the series' (see [`Expr::fillna`]).
    ///
    /// # Errors
    /// A value that does not fit the series' type.
    pub fn fillna(&self, value: impl Operand) -> Result<Series> {
        let value = value.operand_for(self)?;
        self.derive(self.expr.clone().fillna(value))
    }

    /// The values converted to `to`; a value that does not convert is an
    /// error at compute time (pandas' `errors='raise'`).
    ///
    /// # Errors
    /// A conversion Arrow cannot do at all.
    pub fn astype(&self, to: DataType) -> Result<Series> {
        self.derive(self.expr.clone().astype(to))
    }
}

/// Reductions (lazy one-row series; [`Series::scalar`] computes them),
/// `unique` and `value_counts`.
impl Series {
    fn reduce(&self, f: impl FnOnce(Expr) -> Expr) -> Result<Series> {
        let column = Expr::Column(self.name.clone());
        let frame = self.to_frame()?.groupby(Vec::<String>::new())?.agg([(self.name.clone(), f(column))])?;
        Series::try_new(frame, Expr::Column(self.name.clone()), self.name.clone())
    }

    /// Sum of the non-null values (0 for none).
    ///
    /// # Errors
    /// A type that does not add up.
    pub fn sum(&self) -> Result<Series> {
        self.reduce(Expr::sum)
    }

    /// Mean of the non-null values (null for none).
    ///
    /// # Errors
    /// A type that has no mean.
    pub fn mean(&self) -> Result<Series> {
        self.reduce(Expr::mean)
    }

    /// Smallest non-null value.
    ///
    /// # Errors
    /// A type that does not order.
    pub fn min(&self) -> Result<Series> {
        self.reduce(Expr::min)
    }

    /// Largest non-null value.
    ///
    /// # Errors
    /// A type that does not order.
    pub fn max(&self) -> Result<Series> {
        self.reduce(Expr::max)
    }

    /// Standard deviation with pandas' `ddof=1`.
    ///
    /// # Errors
    /// A type that is not a number.
    pub fn std(&self) -> Result<Series> {
        self.reduce(Expr::std)
    }

    /// Variance with pandas' `ddof=1`.
    ///
    /// # Errors
    /// A type that is not a number.
    pub fn var(&self) -> Result<Series> {
        self.reduce(Expr::var)
    }

    /// Number of non-null values.
    ///
    /// # Errors
    /// None in practice.
    pub fn count(&self) -> Result<Series> {
        self.reduce(Expr::count)
    }

    /// Number of distinct non-null values.
    ///
    /// # Errors
    /// None in practice.
    pub fn nunique(&self) -> Result<Series> {
        self.reduce(Expr::nunique)
    }

    /// Median of the non-null values.
    ///
    /// # Errors
    /// A type that is not a number.
    pub fn median(&self) -> Result<Series> {
        self.reduce(Expr::median)
    }

    /// Quantile `q` in `[0, 1]`, linearly interpolated (pandas' default).
    ///
    /// # Errors
    /// A type that is not a number, or `q` outside `[0, 1]`.
    pub fn quantile(&self, q: f64) -> Result<Series> {
        self.reduce(|e| e.quantile(q))
    }

    /// The distinct values in the order they first appear, null included
    /// once, as pandas' `unique()` (see [`DataFrame::unique`]).
    ///
    /// # Errors
    /// None in practice.
    pub fn unique(&self) -> Result<Series> {
        let frame = self.to_frame()?.unique(&self.name)?;
        Series::try_new(frame, Expr::Column(self.name.clone()), self.name.clone())
    }

    /// How often each value occurs, most frequent first: a frame of the
    /// values and `count`, as pandas' `value_counts()` (whose result is
    /// indexed by the values). Nulls are dropped (`dropna=True`).
    ///
    /// # Errors
    /// A series named `count`.
    pub fn value_counts(&self) -> Result<DataFrame> {
        self.to_frame()?.value_counts([self.name.as_str()])
    }
}

/// `&a + &b`, `&a * 2`, `!&mask`: operators over series, each a
/// `Result<Series>` (see the module docs).
macro_rules! series_operator {
    ($trait:ident, $method:ident, $op:expr) => {
        impl<R: Operand> ops::$trait<R> for &Series {
            type Output = Result<Series>;

            fn $method(self, other: R) -> Result<Series> {
                self.binary($op, other)
            }
        }
    };
}

series_operator!(Add, add, BinaryOp::Add);
series_operator!(Sub, sub, BinaryOp::Sub);
series_operator!(Mul, mul, BinaryOp::Mul);
series_operator!(Div, div, BinaryOp::Div);
series_operator!(Rem, rem, BinaryOp::Mod);
series_operator!(BitAnd, bitand, BinaryOp::And);
series_operator!(BitOr, bitor, BinaryOp::Or);

impl ops::Not for &Series {
    type Output = Result<Series>;

    /// pandas' `~mask`.
    fn not(self) -> Result<Series> {
        self.derive(Expr::Not(Box::new(self.expr.clone())))
    }
}

impl ops::Neg for &Series {
    type Output = Result<Series>;

    /// `-s`.
    fn neg(self) -> Result<Series> {
        self.derive(Expr::Negative(Box::new(self.expr.clone())))
    }
}
