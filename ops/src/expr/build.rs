//! Writing expressions in Rust, with pandas' names and Python's operators:
//!
//! ```
//! use rusk_ops::expr::{col, lit};
//!
//! let e = (col("price") * 2).gt(100) & col("region").isin(["eu", "us"]) & !col("sku").isnull();
//! assert_eq!(e.to_string(), "price * 2 > 100 & region in ['eu', 'us'] & ~sku.isnull()");
//! let f = col("qty").fillna(0).astype(arrow::datatypes::DataType::Float64).alias("q");
//! assert_eq!(f.to_string(), "qty.fillna(0).astype(Float64) AS q");
//! assert_eq!(lit(1) + col("a"), 1 + col("a"));
//! ```
//!
//! Rust's `==` and `<` must return `bool`, so comparisons are methods named
//! as pandas' (`eq ne lt le gt ge`); `!` is pandas' `~` (logical not), and
//! `&` / `|` are the Kleene `and` / `or`. Anything convertible to a
//! [`ScalarValue`] (numbers, strings, bools, `Option`s of them) can stand
//! where an expression is expected, as a literal.

use std::ops;

use arrow::datatypes::DataType;

use super::{AggregateFunction, BinaryOp, Expr, ScalarValue};

/// The column named `name`.
pub fn col(name: impl Into<String>) -> Expr {
    Expr::Column(name.into())
}

/// A literal: `lit(3)`, `lit(2.5)`, `lit("x")`, `lit(None::<i64>)` (null).
pub fn lit(value: impl Into<ScalarValue>) -> Expr {
    Expr::Literal(value.into())
}

/// A timedelta literal from pandas' `Timedelta` text: `timedelta("1h")`,
/// `"90s"`, `"15min"`, `"1D"`, `"2 days"`, `"1 days 02:00:00"`, `"500ms"`
/// (see [`crate::time::parse_timedelta`]). Its unit is pandas 3's for such
/// a `Timedelta`: microseconds, or nanoseconds when it needs them.
///
/// ```
/// use rusk_ops::expr::{col, timedelta};
///
/// let late = (col("done") - col("start")).gt(timedelta("30min")?);
/// assert_eq!(late.to_string(), "done - start > Timedelta('0 days 00:30:00')");
/// # Ok::<(), rusk_ops::Error>(())
/// ```
///
/// # Errors
/// [`crate::Error::InvalidArgument`] for text that is not a timedelta.
pub fn timedelta(text: &str) -> crate::Result<Expr> {
    let nanos = crate::time::parse_timedelta(text)?;
    let unit = crate::time::timedelta_unit(nanos);
    Ok(Expr::Literal(ScalarValue::Duration(nanos / crate::time::nanos_per(unit), unit)))
}

impl<T: Into<ScalarValue>> From<T> for Expr {
    fn from(value: T) -> Self {
        Expr::Literal(value.into())
    }
}

impl Expr {
    fn with(self, op: BinaryOp, other: impl Into<Expr>) -> Expr {
        Expr::binary(self, op, other.into())
    }

    /// `self == other`: null where either side is null.
    pub fn eq(self, other: impl Into<Expr>) -> Expr {
        self.with(BinaryOp::Eq, other)
    }

    /// `self != other`: null where either side is null.
    pub fn ne(self, other: impl Into<Expr>) -> Expr {
        self.with(BinaryOp::NotEq, other)
    }

    /// `self < other`.
    pub fn lt(self, other: impl Into<Expr>) -> Expr {
        self.with(BinaryOp::Lt, other)
    }

    /// `self <= other`.
    pub fn le(self, other: impl Into<Expr>) -> Expr {
        self.with(BinaryOp::LtEq, other)
    }

    /// `self > other`.
    pub fn gt(self, other: impl Into<Expr>) -> Expr {
        self.with(BinaryOp::Gt, other)
    }

    /// `self >= other`.
    pub fn ge(self, other: impl Into<Expr>) -> Expr {
        self.with(BinaryOp::GtEq, other)
    }

    /// `self // other`: floor division, as Python's. Unlike pandas, an
    /// integer divided by zero gives null (pandas turns the column to float
    /// and gives `inf`).
    pub fn floordiv(self, other: impl Into<Expr>) -> Expr {
        self.with(BinaryOp::FloorDiv, other)
    }

    /// Whether each value is one of `values`; never null (a null matches only
    /// when `values` holds `None`), as pandas' `isin`.
    pub fn isin<V: Into<ScalarValue>>(self, values: impl IntoIterator<Item = V>) -> Expr {
        Expr::IsIn {
            expr: Box::new(self),
            list: values.into_iter().map(Into::into).collect(),
            negated: false,
        }
    }

    /// `low <= self <= high`, both ends inclusive (pandas' default).
    pub fn between(self, low: impl Into<Expr>, high: impl Into<Expr>) -> Expr {
        Expr::Between { expr: Box::new(self), low: Box::new(low.into()), high: Box::new(high.into()) }
    }

    /// True where the value is null; never null itself.
    pub fn isnull(self) -> Expr {
        Expr::IsNull(Box::new(self))
    }

    /// True where the value is not null; never null itself.
    pub fn notnull(self) -> Expr {
        Expr::IsNotNull(Box::new(self))
    }

    /// `value` where `self` is null. The result keeps `self`'s type, so the
    /// value must fit it (`int_col.fillna(0.5)` is a type error, where pandas
    /// would turn the column into floats).
    pub fn fillna(self, value: impl Into<Expr>) -> Expr {
        Expr::FillNull { expr: Box::new(self), value: Box::new(value.into()) }
    }

    /// The value converted to `to`; a value that does not convert is an
    /// error when the expression is evaluated (pandas' `errors='raise'`).
    pub fn astype(self, to: DataType) -> Expr {
        Expr::Cast { expr: Box::new(self), to }
    }

    /// The same expression, producing a column named `name`.
    pub fn alias(self, name: impl Into<String>) -> Expr {
        Expr::Alias { expr: Box::new(self), name: name.into() }
    }
}

/// Aggregates, as pandas' reductions: `col("v").sum()`. Each skips nulls;
/// see [`AggregateFunction`] for what a group of no value gives.
impl Expr {
    fn aggregate(self, func: AggregateFunction) -> Expr {
        Expr::Aggregate { func, args: vec![self] }
    }

    /// Sum of the non-null values (0 for none).
    pub fn sum(self) -> Expr {
        self.aggregate(AggregateFunction::Sum)
    }

    /// Mean of the non-null values (null for none).
    pub fn mean(self) -> Expr {
        self.aggregate(AggregateFunction::Mean)
    }

    /// Number of non-null values.
    pub fn count(self) -> Expr {
        self.aggregate(AggregateFunction::Count)
    }

    /// Smallest non-null value.
    pub fn min(self) -> Expr {
        self.aggregate(AggregateFunction::Min)
    }

    /// Largest non-null value.
    pub fn max(self) -> Expr {
        self.aggregate(AggregateFunction::Max)
    }

    /// Variance with pandas' default `ddof=1`.
    pub fn var(self) -> Expr {
        self.var_ddof(1)
    }

    /// Standard deviation with pandas' default `ddof=1`.
    pub fn std(self) -> Expr {
        self.std_ddof(1)
    }

    /// Variance with `ddof` delta degrees of freedom.
    pub fn var_ddof(self, ddof: u8) -> Expr {
        self.aggregate(AggregateFunction::Var { ddof })
    }

    /// Standard deviation with `ddof` delta degrees of freedom.
    pub fn std_ddof(self, ddof: u8) -> Expr {
        self.aggregate(AggregateFunction::Std { ddof })
    }

    /// First non-null value, in row order.
    pub fn first(self) -> Expr {
        self.aggregate(AggregateFunction::First)
    }

    /// Last non-null value, in row order.
    pub fn last(self) -> Expr {
        self.aggregate(AggregateFunction::Last)
    }

    /// Number of distinct non-null values.
    pub fn nunique(self) -> Expr {
        self.aggregate(AggregateFunction::Nunique)
    }

    /// Median of the non-null values.
    pub fn median(self) -> Expr {
        self.aggregate(AggregateFunction::Median)
    }

    /// Quantile `q` (in `[0, 1]`) of the non-null values, linearly interpolated.
    pub fn quantile(self, q: f64) -> Expr {
        self.aggregate(AggregateFunction::Quantile(q))
    }

    /// Product of the non-null values (1 for none).
    pub fn prod(self) -> Expr {
        self.aggregate(AggregateFunction::Prod)
    }

    /// Whether any non-null value is true (non-zero).
    pub fn any(self) -> Expr {
        self.aggregate(AggregateFunction::Any)
    }

    /// Whether every non-null value is true (non-zero); true for none.
    pub fn all(self) -> Expr {
        self.aggregate(AggregateFunction::All)
    }

    /// Number of distinct non-null values, estimated (HyperLogLog, ~1.6 %
    /// standard error, near exact below 1024): bounded state where
    /// [`Expr::nunique`] keeps every distinct value. Not in pandas.
    pub fn nunique_approx(self) -> Expr {
        self.aggregate(AggregateFunction::NuniqueApprox)
    }

    /// Median of the non-null values, estimated (t-digest; exact for groups
    /// of at most 500 distinct values): bounded state where
    /// [`Expr::median`] keeps every value. Not in pandas.
    pub fn median_approx(self) -> Expr {
        self.aggregate(AggregateFunction::MedianApprox)
    }

    /// Quantile `q` (in `[0, 1]`) of the non-null values, estimated as
    /// [`Expr::median_approx`]. Not in pandas.
    pub fn quantile_approx(self, q: f64) -> Expr {
        self.aggregate(AggregateFunction::QuantileApprox(q))
    }
}

/// The number of rows of each group, nulls included (pandas' `size()`).
pub fn size() -> Expr {
    Expr::Aggregate { func: AggregateFunction::Size, args: vec![] }
}

/// Pearson's correlation of `a` and `b` over the rows where both are non-null.
pub fn corr(a: impl Into<Expr>, b: impl Into<Expr>) -> Expr {
    Expr::Aggregate { func: AggregateFunction::Corr, args: vec![a.into(), b.into()] }
}

macro_rules! binary_operator {
    ($($trait:ident $method:ident $op:ident),*) => {$(
        impl<T: Into<Expr>> ops::$trait<T> for Expr {
            type Output = Expr;
            fn $method(self, rhs: T) -> Expr {
                Expr::binary(self, BinaryOp::$op, rhs.into())
            }
        }
    )*};
}

binary_operator!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Mod, BitAnd bitand And, BitOr bitor Or);

/// `2 * col("a")`: a literal on the left of an operator.
macro_rules! literal_on_the_left {
    ($($lhs:ty),*) => {$(
        literal_on_the_left!(@ops $lhs, Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Mod);
    )*};
    (@ops $lhs:ty, $($trait:ident $method:ident $op:ident),*) => {$(
        impl ops::$trait<Expr> for $lhs {
            type Output = Expr;
            fn $method(self, rhs: Expr) -> Expr {
                Expr::binary(Expr::from(self), BinaryOp::$op, rhs)
            }
        }
    )*};
}

literal_on_the_left!(i32, i64, u64, f64);

impl ops::Neg for Expr {
    type Output = Expr;
    /// Arithmetic negation (`-a`); wraps on integer overflow.
    fn neg(self) -> Expr {
        Expr::Negative(Box::new(self))
    }
}

impl ops::Not for Expr {
    type Output = Expr;
    /// Logical negation, pandas' `~` (not a bitwise not).
    fn not(self) -> Expr {
        Expr::Not(Box::new(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_build_the_tree() {
        let e = col("a") * 2 + 1;
        let want = Expr::binary(
            Expr::binary(col("a"), BinaryOp::Mul, Expr::Literal(ScalarValue::Int64(2))),
            BinaryOp::Add,
            Expr::Literal(ScalarValue::Int64(1)),
        );
        assert_eq!(e, want);
        assert_eq!((2.5 * col("a")).to_string(), "2.5 * a");
        assert_eq!((col("a") % 3 - col("b") / col("c")).to_string(), "a % 3 - b / c");
        assert_eq!(col("a").floordiv(2).to_string(), "a // 2");
        assert_eq!((-col("a")).to_string(), "-a");
        assert_eq!((!col("a").gt(1) | col("b").eq("x")).to_string(), "~(a > 1) | b == 'x'");
        assert_eq!((col("a").lt(1) & col("b").le(2.0)).to_string(), "a < 1 & b <= 2.0");
        assert_eq!(col("a").ne(col("b")).to_string(), "a != b");
        assert_eq!(col("a").ge(true).to_string(), "a >= True");
    }

    #[test]
    fn pandas_methods() {
        assert_eq!(col("k").isin(["x", "y"]).to_string(), "k in ['x', 'y']");
        assert_eq!(col("k").isin([Some(1), None]).to_string(), "k in [1, None]");
        assert_eq!(col("a").between(1, 5).to_string(), "a.between(1, 5)");
        assert_eq!(col("a").isnull().to_string(), "a.isnull()");
        assert_eq!(col("a").notnull().to_string(), "a.notnull()");
        assert_eq!(col("a").fillna("z").to_string(), "a.fillna('z')");
        assert_eq!(col("a").astype(DataType::Int8).to_string(), "a.astype(Int8)");
        assert_eq!(col("a").alias("b").output_name(), "b");
        assert_eq!(lit(None::<i64>), Expr::Literal(ScalarValue::Null));
        assert_eq!(Expr::from("s"), lit("s"));
    }

    #[test]
    fn aggregate_builders() {
        use AggregateFunction as F;
        let agg = |func, args: Vec<Expr>| Expr::Aggregate { func, args };
        assert_eq!(col("v").sum(), agg(F::Sum, vec![col("v")]));
        assert_eq!(col("v").std(), agg(F::Std { ddof: 1 }, vec![col("v")]));
        assert_eq!(col("v").var_ddof(0), agg(F::Var { ddof: 0 }, vec![col("v")]));
        assert_eq!(col("v").quantile(0.9), agg(F::Quantile(0.9), vec![col("v")]));
        assert_eq!(col("v").nunique_approx(), agg(F::NuniqueApprox, vec![col("v")]));
        assert_eq!(col("v").median_approx(), agg(F::MedianApprox, vec![col("v")]));
        assert_eq!(col("v").quantile_approx(0.9), agg(F::QuantileApprox(0.9), vec![col("v")]));
        assert_eq!(col("v").quantile_approx(0.9).to_string(), "v.quantile_approx(0.9)");
        assert_eq!(col("v").nunique_approx().to_string(), "v.nunique_approx()");
        assert_eq!(size(), agg(F::Size, vec![]));
        assert_eq!(corr(col("a"), col("b")), agg(F::Corr, vec![col("a"), col("b")]));
        let all = [
            col("v").mean(),
            col("v").count(),
            col("v").min(),
            col("v").max(),
            col("v").var(),
            col("v").std_ddof(2),
            col("v").first(),
            col("v").last(),
            col("v").nunique(),
            col("v").median(),
            col("v").prod(),
            col("v").any(),
            col("v").all(),
        ];
        let names: Vec<&str> = all
            .iter()
            .map(|e| match e {
                Expr::Aggregate { func, .. } => func.name(),
                _ => "",
            })
            .collect();
        assert_eq!(
            names,
            [
                "mean", "count", "min", "max", "var", "std", "first", "last", "nunique", "median", "prod",
                "any", "all"
            ]
        );
    }
}
