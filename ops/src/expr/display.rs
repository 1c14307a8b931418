//! Prints expressions in pandas' query syntax, with the fewest parentheses.

use std::fmt;

use super::Expr;

/// Precedence of a node as an operand (atoms bind tightest).
fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Binary { op, .. } => op.precedence(),
        Expr::Not(_) => 3,
        Expr::IsIn { .. } | Expr::Between { .. } => 4,
        Expr::Negative(_) => 7,
        _ => 9,
    }
}

/// Writes `e`, parenthesized when it binds looser than `min`.
fn operand(f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if precedence(e) < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

/// A column name, backtick-quoted when it is not an identifier.
fn column(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    let plain = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        write!(f, "{name}")
    } else {
        write!(f, "`{name}`")
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Column(name) => column(f, name),
            Expr::Literal(v) => write!(f, "{v}"),
            Expr::Binary { left, op, right } => {
                let p = op.precedence();
                // Comparisons don't chain implicitly in rusk's printing: both
                // sides must bind tighter. Other operators are left-associative.
                let (lmin, rmin) = if op.is_comparison() { (p + 1, p + 1) } else { (p, p + 1) };
                operand(f, left, lmin)?;
                write!(f, " {} ", op.symbol())?;
                operand(f, right, rmin)
            }
            Expr::Not(e) => {
                write!(f, "~")?;
                operand(f, e, 9)
            }
            Expr::Negative(e) => {
                write!(f, "-")?;
                operand(f, e, 9)
            }
            Expr::IsNull(e) => {
                operand(f, e, 9)?;
                write!(f, ".isnull()")
            }
            Expr::IsNotNull(e) => {
                operand(f, e, 9)?;
                write!(f, ".notnull()")
            }
            Expr::FillNull { expr, value } => {
                operand(f, expr, 9)?;
                write!(f, ".fillna({value})")
            }
            Expr::Cast { expr, to } => {
                operand(f, expr, 9)?;
                write!(f, ".astype({to})")
            }
            Expr::IsIn { expr, list, negated } => {
                operand(f, expr, 5)?;
                let items: Vec<String> = list.iter().map(ToString::to_string).collect();
                let kw = if *negated { "not in" } else { "in" };
                write!(f, " {kw} [{}]", items.join(", "))
            }
            Expr::Between { expr, low, high } => {
                operand(f, expr, 9)?;
                write!(f, ".between({low}, {high})")
            }
            Expr::Aggregate { func, args } => match args.as_slice() {
                [arg] => {
                    operand(f, arg, 9)?;
                    crate::aggregate::implementation(func).fmt_call(f)
                }
                args => {
                    let args: Vec<String> = args.iter().map(ToString::to_string).collect();
                    write!(f, "{}({})", func.name(), args.join(", "))
                }
            },
            Expr::Function { func, args } => match args.split_first() {
                Some((value, rest)) => {
                    operand(f, value, 9)?;
                    func.fmt_call(f, rest)
                }
                None => func.fmt_call(f, &[]),
            },
            Expr::Alias { expr, name } => {
                write!(f, "{expr} AS ")?;
                column(f, name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{BinaryOp, ScalarValue};
    use super::*;

    fn col(n: &str) -> Expr {
        Expr::column(n)
    }
    fn lit(v: impl Into<ScalarValue>) -> Expr {
        Expr::Literal(v.into())
    }

    #[test]
    fn parenthesizes_only_where_needed() {
        let sum = Expr::binary(col("a"), BinaryOp::Add, col("b"));
        let e = Expr::binary(sum.clone(), BinaryOp::Mul, lit(2));
        assert_eq!(e.to_string(), "(a + b) * 2");
        let e = Expr::binary(lit(2), BinaryOp::Mul, sum.clone());
        assert_eq!(e.to_string(), "2 * (a + b)");
        let e = Expr::binary(sum, BinaryOp::Sub, Expr::binary(col("c"), BinaryOp::Sub, col("d")));
        assert_eq!(e.to_string(), "a + b - (c - d)");
        let cmp = Expr::binary(col("a"), BinaryOp::Gt, lit(3));
        let both = Expr::binary(cmp.clone(), BinaryOp::And, Expr::Not(Box::new(cmp)));
        assert_eq!(both.to_string(), "a > 3 & ~(a > 3)");
    }

    #[test]
    fn quotes_odd_column_names_and_strings() {
        let e = Expr::binary(col("my col"), BinaryOp::Eq, lit("x"));
        assert_eq!(e.to_string(), "`my col` == 'x'");
        let e = Expr::IsIn { expr: Box::new(col("k")), list: vec![1.into(), 2.into()], negated: true };
        assert_eq!(e.to_string(), "k not in [1, 2]");
    }
}
