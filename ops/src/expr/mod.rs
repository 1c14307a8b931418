//! Expressions over the columns of a batch, as plain data.
//!
//! An [`Expr`] names columns by name and holds literals as [`ScalarValue`]s;
//! it is `Clone + Debug + PartialEq` so that plans and tasks holding it can be
//! printed, compared and sent elsewhere. The engine builds them (with pandas
//! names and operators), io uses them to prune files and row groups, and this
//! module types and evaluates them over whole Arrow arrays.
//!
//! Semantics (where pandas and Arrow differ, rusk uses Arrow's nulls):
//! - comparisons and arithmetic with a null give null; `&`, `|` use Kleene
//!   logic (`null & false` is `false`), as pandas' nullable dtypes do;
//! - a filter keeps the rows where the predicate is `true` (null drops);
//! - `/` is true division (always float64), `//` floors and `%` takes the
//!   sign of the divisor, as in Python;
//! - `isin` is never null: a null matches only when the list holds a null.

mod arithmetic;
mod build;
mod coerce;
mod compare;
mod display;
mod evaluate;
mod fill_null;
pub mod function;
mod isin;
mod scalar;
mod temporal_arithmetic;
mod type_of;
mod types;
mod value;

use std::collections::BTreeSet;

pub use build::{col, corr, lit, size, timedelta};
pub use coerce::common_numeric_type;
pub use evaluate::{evaluate, evaluate_predicate, filter_batch, filter_batch_to};
pub use function::ScalarFunction;
pub use isin::isin;
pub use scalar::ScalarValue;

use arrow::datatypes::DataType;

/// A binary operator, with pandas' meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`: true division, always floating point.
    Div,
    /// `//`: floor division.
    FloorDiv,
    /// `%`: remainder with the sign of the divisor (Python's).
    Mod,
    /// `==`
    Eq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
    /// `&` / `and` (Kleene)
    And,
    /// `|` / `or` (Kleene)
    Or,
}

impl BinaryOp {
    /// True for `== != < <= > >=`.
    pub fn is_comparison(self) -> bool {
        matches!(self, Self::Eq | Self::NotEq | Self::Lt | Self::LtEq | Self::Gt | Self::GtEq)
    }

    /// True for `+ - * / // %`.
    pub fn is_arithmetic(self) -> bool {
        matches!(self, Self::Add | Self::Sub | Self::Mul | Self::Div | Self::FloorDiv | Self::Mod)
    }

    /// True for `& |`.
    pub fn is_logical(self) -> bool {
        matches!(self, Self::And | Self::Or)
    }

    /// The comparison that holds when the operands are swapped (`a < b` ⇔ `b > a`).
    pub fn swap(self) -> Self {
        match self {
            Self::Lt => Self::Gt,
            Self::LtEq => Self::GtEq,
            Self::Gt => Self::Lt,
            Self::GtEq => Self::LtEq,
            other => other,
        }
    }

    /// The operator's symbol, as `explain` prints it.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Add => "+",
            Self::Sub => "-",
            Self::Mul => "*",
            Self::Div => "/",
            Self::FloorDiv => "//",
            Self::Mod => "%",
            Self::Eq => "==",
            Self::NotEq => "!=",
            Self::Lt => "<",
            Self::LtEq => "<=",
            Self::Gt => ">",
            Self::GtEq => ">=",
            Self::And => "&",
            Self::Or => "|",
        }
    }

    /// Binding strength for printing with the fewest parentheses (higher binds tighter).
    pub(crate) fn precedence(self) -> u8 {
        match self {
            Self::Or => 1,
            Self::And => 2,
            Self::Eq | Self::NotEq | Self::Lt | Self::LtEq | Self::Gt | Self::GtEq => 4,
            Self::Add | Self::Sub => 5,
            Self::Mul | Self::Div | Self::FloorDiv | Self::Mod => 6,
        }
    }
}

/// An aggregate function of a groupby or a whole-frame reduction, with pandas' semantics.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum AggregateFunction {
    /// Sum of non-null values (0 for none, as pandas' `min_count=0`).
    Sum,
    /// Mean of non-null values (null for none).
    Mean,
    /// Count of non-null values.
    Count,
    /// Count of rows, nulls included (pandas' `size`); takes no argument.
    Size,
    /// Smallest non-null value.
    Min,
    /// Largest non-null value.
    Max,
    /// Variance with `ddof` delta degrees of freedom (pandas' default 1).
    Var {
        /// Delta degrees of freedom.
        ddof: u8,
    },
    /// Standard deviation with `ddof` (pandas' default 1).
    Std {
        /// Delta degrees of freedom.
        ddof: u8,
    },
    /// First non-null value, in row order.
    First,
    /// Last non-null value, in row order.
    Last,
    /// The non-null first argument at the smallest second argument (ties:
    /// the earliest row): `first` in a resample, whose rows pandas takes
    /// in time order.
    FirstBy,
    /// The non-null first argument at the largest second argument (ties:
    /// the latest row): `last` in a resample.
    LastBy,
    /// Number of distinct non-null values (exact).
    Nunique,
    /// Median of non-null values (exact).
    Median,
    /// Quantile `q` in [0, 1] of non-null values, linear interpolation (exact).
    Quantile(f64),
    /// Product of non-null values (1 for none).
    Prod,
    /// True if any non-null value is true.
    Any,
    /// True if every non-null value is true.
    All,
    /// Pearson correlation of two columns over rows where both are non-null.
    Corr,
    /// Number of distinct non-null values, estimated by HyperLogLog:
    /// ~1.6 % standard error, exact or nearly below 1024 distinct values,
    /// at most 4 KiB of state a group.
    NuniqueApprox,
    /// Median of non-null values, estimated by a t-digest: exact for groups
    /// of at most 500 distinct values, at most 8 KiB of state a group.
    MedianApprox,
    /// Quantile `q` in [0, 1] of non-null values, estimated by a t-digest
    /// (as [`AggregateFunction::MedianApprox`]).
    QuantileApprox(f64),
}

impl AggregateFunction {
    /// Every function, with pandas' default parameters (`quantile` and
    /// `quantile_approx` as the median, `var`/`std` with ddof 1): the
    /// functions [`AggregateFunction::from_name`] knows.
    pub const ALL: [AggregateFunction; 20] = [
        Self::Sum,
        Self::Mean,
        Self::Count,
        Self::Size,
        Self::Min,
        Self::Max,
        Self::Var { ddof: 1 },
        Self::Std { ddof: 1 },
        Self::First,
        Self::Last,
        Self::Nunique,
        Self::Median,
        Self::Quantile(0.5),
        Self::Prod,
        Self::Any,
        Self::All,
        Self::Corr,
        Self::NuniqueApprox,
        Self::MedianApprox,
        Self::QuantileApprox(0.5),
    ];

    /// The pandas name (`sum`, `std`, ...).
    pub fn name(&self) -> &'static str {
        crate::aggregate::implementation(self).name()
    }

    /// The function with pandas name `name`, with default parameters (see
    /// [`AggregateFunction::ALL`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// How many argument expressions the function takes.
    pub fn arity(&self) -> usize {
        crate::aggregate::implementation(self).arity()
    }
}

/// An expression over the columns of one batch.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Expr {
    /// A column, by name.
    Column(String),
    /// A constant.
    Literal(ScalarValue),
    /// `left op right`.
    Binary {
        /// Left operand.
        left: Box<Expr>,
        /// Operator.
        op: BinaryOp,
        /// Right operand.
        right: Box<Expr>,
    },
    /// Logical negation (`~`, `not`).
    Not(Box<Expr>),
    /// Arithmetic negation (unary `-`).
    Negative(Box<Expr>),
    /// `isnull()`: true where the value is null; never null itself.
    IsNull(Box<Expr>),
    /// `notnull()`: true where the value is not null; never null itself.
    IsNotNull(Box<Expr>),
    /// `fillna(value)`: the value where `expr` is null.
    FillNull {
        /// The expression whose nulls are replaced.
        expr: Box<Expr>,
        /// The replacement, cast to `expr`'s type.
        value: Box<Expr>,
    },
    /// `astype(to)`: a cast that fails on values that do not convert.
    Cast {
        /// The expression to convert.
        expr: Box<Expr>,
        /// The target type.
        to: DataType,
    },
    /// `isin(list)` (or `not in` when `negated`).
    IsIn {
        /// The tested expression.
        expr: Box<Expr>,
        /// The candidate values.
        list: Vec<ScalarValue>,
        /// `not in`.
        negated: bool,
    },
    /// `between(low, high)`: `low <= expr <= high`, both ends inclusive (pandas' default).
    Between {
        /// The tested expression.
        expr: Box<Expr>,
        /// Lower bound.
        low: Box<Expr>,
        /// Upper bound.
        high: Box<Expr>,
    },
    /// An aggregate over the rows of a group (only inside `groupby().agg()`
    /// or a reduction; elsewhere evaluating it is a type error).
    Aggregate {
        /// The function.
        func: AggregateFunction,
        /// Its arguments: none for `size`, two for `corr`, else one.
        args: Vec<Expr>,
    },
    /// A scalar function (a `str` or `dt` method): its first argument is
    /// the value the method is called on, the others are its expression
    /// arguments (`str.cat`'s other column).
    Function {
        /// The function, with its constant parameters.
        func: ScalarFunction,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// An expression with a new output name.
    Alias {
        /// The expression.
        expr: Box<Expr>,
        /// Its name.
        name: String,
    },
}

impl Expr {
    /// A column reference.
    pub fn column(name: impl Into<String>) -> Self {
        Expr::Column(name.into())
    }

    /// `left op right`.
    pub fn binary(left: Expr, op: BinaryOp, right: Expr) -> Self {
        Expr::Binary { left: Box::new(left), op, right: Box::new(right) }
    }

    /// The name of the column this expression produces: its alias, the
    /// column it reads, or its printed form.
    pub fn output_name(&self) -> String {
        match self {
            Expr::Alias { name, .. } => name.clone(),
            Expr::Column(name) => name.clone(),
            other => other.to_string(),
        }
    }

    /// The expression without its outer aliases.
    pub fn unalias(&self) -> &Expr {
        match self {
            Expr::Alias { expr, .. } => expr.unalias(),
            other => other,
        }
    }

    /// The direct sub-expressions.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Column(_) | Expr::Literal(_) => vec![],
            Expr::Binary { left, right, .. } => vec![left, right],
            Expr::Not(e) | Expr::Negative(e) | Expr::IsNull(e) | Expr::IsNotNull(e) => vec![e],
            Expr::FillNull { expr, value } => vec![expr, value],
            Expr::Cast { expr, .. } | Expr::IsIn { expr, .. } | Expr::Alias { expr, .. } => vec![expr],
            Expr::Function { args, .. } => args.iter().collect(),
            Expr::Between { expr, low, high } => vec![expr, low, high],
            Expr::Aggregate { args, .. } => args.iter().collect(),
        }
    }

    /// A copy with every sub-expression passed through `f` (bottom-up).
    pub fn transform_up(&self, f: &mut dyn FnMut(Expr) -> Expr) -> Expr {
        let mut t = |e: &Expr| Box::new(e.transform_up(f));
        let rebuilt = match self {
            Expr::Column(_) | Expr::Literal(_) => self.clone(),
            Expr::Binary { left, op, right } => Expr::Binary { left: t(left), op: *op, right: t(right) },
            Expr::Not(e) => Expr::Not(t(e)),
            Expr::Negative(e) => Expr::Negative(t(e)),
            Expr::IsNull(e) => Expr::IsNull(t(e)),
            Expr::IsNotNull(e) => Expr::IsNotNull(t(e)),
            Expr::FillNull { expr, value } => Expr::FillNull { expr: t(expr), value: t(value) },
            Expr::Cast { expr, to } => Expr::Cast { expr: t(expr), to: to.clone() },
            Expr::IsIn { expr, list, negated } => {
                Expr::IsIn { expr: t(expr), list: list.clone(), negated: *negated }
            }
            Expr::Between { expr, low, high } => Expr::Between { expr: t(expr), low: t(low), high: t(high) },
            Expr::Alias { expr, name } => Expr::Alias { expr: t(expr), name: name.clone() },
            Expr::Function { func, args } => {
                Expr::Function { func: func.clone(), args: args.iter().map(|a| a.transform_up(f)).collect() }
            }
            Expr::Aggregate { func, args } => {
                Expr::Aggregate { func: *func, args: args.iter().map(|a| a.transform_up(f)).collect() }
            }
        };
        f(rebuilt)
    }

    /// The names of the columns the expression reads.
    pub fn columns(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.collect_columns(&mut out);
        out
    }

    fn collect_columns(&self, out: &mut BTreeSet<String>) {
        if let Expr::Column(name) = self {
            out.insert(name.clone());
        }
        for child in self.children() {
            child.collect_columns(out);
        }
    }

    /// Splits `a & b & c` into `[a, b, c]` (the conjuncts a filter can be cut into).
    pub fn split_conjunction(&self) -> Vec<&Expr> {
        match self {
            Expr::Binary { left, op: BinaryOp::And, right } => {
                let mut out = left.split_conjunction();
                out.extend(right.split_conjunction());
                out
            }
            Expr::Alias { expr, .. } => expr.split_conjunction(),
            other => vec![other],
        }
    }

    /// True when the expression holds an aggregate anywhere.
    pub fn has_aggregate(&self) -> bool {
        matches!(self, Expr::Aggregate { .. }) || self.children().iter().any(|c| c.has_aggregate())
    }

    /// Joins predicates with `&`; `None` for none.
    pub fn conjunction(preds: impl IntoIterator<Item = Expr>) -> Option<Expr> {
        preds.into_iter().reduce(|acc, p| Expr::binary(acc, BinaryOp::And, p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str) -> Expr {
        Expr::column(name)
    }

    fn lit(v: i64) -> Expr {
        Expr::Literal(ScalarValue::Int64(v))
    }

    #[test]
    fn conjunctions_split_and_rejoin() {
        let a = Expr::binary(col("a"), BinaryOp::Gt, lit(1));
        let b = Expr::binary(col("b"), BinaryOp::Lt, lit(2));
        let c = Expr::IsNull(Box::new(col("c")));
        let all = Expr::conjunction([a.clone(), b.clone(), c.clone()]).unwrap();
        assert_eq!(all.split_conjunction(), vec![&a, &b, &c]);
        assert_eq!(all.columns().into_iter().collect::<Vec<_>>(), vec!["a", "b", "c"]);
    }

    #[test]
    fn transform_up_rewrites_every_node() {
        let e = Expr::binary(col("a"), BinaryOp::Add, col("b"));
        let renamed = e.transform_up(&mut |e| match e {
            Expr::Column(n) if n == "a" => col("z"),
            other => other,
        });
        assert_eq!(renamed, Expr::binary(col("z"), BinaryOp::Add, col("b")));
    }

    #[test]
    fn output_name_prefers_the_alias() {
        let e =
            Expr::Alias { expr: Box::new(Expr::binary(col("a"), BinaryOp::Add, lit(1))), name: "x".into() };
        assert_eq!(e.output_name(), "x");
        assert_eq!(e.unalias().output_name(), "a + 1");
    }
}
