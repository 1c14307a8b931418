//! pandas' `DataFrame.query` syntax, parsed into [`Expr`]essions.
//!
//! The grammar and precedence are those of pandas' default `parser='pandas'`
//! (not Python's): `&` and `|` bind like `and` and `or`, looser than
//! comparisons, so `a > 1 & b < 2` needs no parentheses. Loosest first:
//!
//! ```text
//! or, |   <   and, &   <   not, ~   <   == != < <= > >= in, not in (chained)
//!         <   + -   <   * / // %   <   unary -   <   calls, atoms
//! ```
//!
//! What is read, and what it becomes:
//! - literals: integers (`1_000`), floats (`1.5`, `.5`, `1e3`), strings in
//!   `'` or `"` with Python's backslash escapes, `True`, `False`, `None`;
//!   a minus sign folds into a numeric literal;
//! - column names as identifiers, or in backticks for any other name
//!   (`` `unit price` ``);
//! - chained comparisons as in Python: `1 < a <= 5` is `1 < a & a <= 5`;
//! - `a in [1, 2]`, `a not in (1, 2)`, and, as pandas, `a == [1, 2]`
//!   (`isin`) and `a != [1, 2]` (not in);
//! - methods `isnull()`, `isna()`, `notnull()`, `notna()`, `isin(list)`,
//!   `between(left, right, inclusive='both')`;
//! - the `.str` methods `len`, `lower`, `upper`, `strip`, `lstrip`,
//!   `rstrip`, `startswith`, `endswith`, `contains`, `match`, `fullmatch`,
//!   `replace`, `slice`, `get` (and `.str[i]`), `split` followed by
//!   `.str.get(i)` or `.str[i]`, `pad`, `center`, `ljust`, `rjust`, `zfill`,
//!   `cat(others, sep, na_rep)` (`others` a string expression),
//!   `extract(pat)` with one group (`expand=False`), or one column of the
//!   frame several groups make (`extract(pat)[1]`, `extract(pat)['name']`),
//!   with pandas' arguments (constants);
//! - the `.dt` properties, without parentheses as in pandas: `year`,
//!   `month`, `day`, `hour`, `minute`, `second`, `microsecond`,
//!   `nanosecond`, `dayofweek` (Monday 0), `dayofyear`, `quarter`,
//!   `days_in_month`, `is_month_start`, `is_month_end`, `date`, `time`; and
//!   `dt.strftime(date_format)` with Python's codes (`%Y %y %m %d %H %I %p
//!   %M %S %f %j %a %A %b %B %%`);
//! - timedeltas: the literal `timedelta('1h')` (pandas' `pd.Timedelta`,
//!   also `Timedelta('1h')` or `timedelta(90, unit='s')`), datetime and
//!   timedelta arithmetic (`ts + timedelta('1h')`, `end - start`,
//!   `(end - start) * 2`), comparisons (`end - start > timedelta('30min')`,
//!   or with a string, `end - start > '30min'`), and the `.dt` properties
//!   of timedeltas `days`, `seconds`, `microseconds`, `nanoseconds` and
//!   `total_seconds()`.
//!
//! pandas' `DataFrame.eval` assignment, `NAME = EXPR`, is read by
//! [`parse_eval`] (`eval.rs`): EXPR in this syntax or, as the whole right
//! side only, one frame-order method call (`v.cumsum()`, `v.diff(2)`), which
//! anywhere else is refused with a hint to assign it first.
//!
//! Refused with a [`Error::QuerySyntax`] pointing at the offending token:
//! `@local` variables (rusk has no caller scope to read them from), the
//! power operator `**` (no kernel for it), function calls other than
//! `timedelta(...)`, `str.split` alone (rusk has no list columns),
//! a multi-group `str.extract` without its column. `~` binds like `not` here (`~a == b` is `~(a == b)`), where
//! pandas would apply Python's bitwise `~` to `a` first: the two agree on the
//! boolean operands a query negates.

mod comparison;
mod dt_methods;
mod eval;
#[cfg(test)]
mod eval_tests;
mod lexer;
mod methods;
mod parser;
mod str_methods;
#[cfg(test)]
mod tests;
mod timedelta;

use rusk_ops::expr::Expr;

pub use eval::{Assigned, Assignment};
#[cfg(doc)]
use rusk_ops::Error;
use rusk_ops::Result;

/// Parses a query string in pandas' `DataFrame.query` syntax into an expression.
///
/// ```text
/// parse_query("a > 1 & b in ['x', 'y']")   →  a > 1 & b in ['x', 'y']
/// parse_query("1 < a <= 5")                →  1 < a & a <= 5
/// parse_query("`unit price`.between(1, 5)") →  `unit price`.between(1, 5)
/// ```
///
/// Column names are not checked here: the caller resolves them against its
/// schema (and reports unknown ones with the columns that exist).
///
/// # Errors
/// [`Error::QuerySyntax`] with the query, the 0-based character offset of
/// the offending token (the query's length when it ends too early) and what
/// was expected. Any input gives a value or this error, never a panic.
pub fn parse_query(query: &str) -> Result<Expr> {
    parser::parse(query)
}

/// Parses an assignment in pandas' `DataFrame.eval` syntax, `NAME = EXPR`:
/// NAME an identifier or a backticked name; EXPR the query syntax or, as
/// the whole right side, one frame-order method call on a column
/// (`cumsum()`, `cumprod()`, `cummax()`, `cummin()`, `shift(periods=1)`,
/// `diff(periods=1)`, `pct_change(periods=1)`).
///
/// ```text
/// parse_eval("total = qty * price")  →  total = qty * price      (Assigned::Expr)
/// parse_eval("run = qty.cumsum()")   →  run = qty.cumsum()       (Assigned::Window)
/// parse_eval("d = v.diff()")         →  d = v.diff(1)
/// ```
///
/// # Errors
/// [`Error::QuerySyntax`] with the assignment's text and the position of
/// the problem, as [`parse_query`]: a missing `=`, a negative `periods`
/// (not supported yet), or a frame-order method inside a larger expression
/// (`v.cumsum() * 2`: assign the call first, then use its column).
pub fn parse_eval(text: &str) -> Result<Assignment> {
    eval::parse(text)
}
