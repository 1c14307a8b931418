//! `col("name").str()`: pandas' `.str` accessor in Rust. Methods whose
//! pattern may not compile return a `Result`, so a bad regex is an error
//! where the expression is written.

use super::pattern::{python_replacement, Anchor, Regex, StrPattern};
use super::{ScalarFunction, StripSide};
use crate::error::{Error, Result};
use crate::expr::Expr;

/// The `str` methods of an expression (see [`Expr::str`]).
#[derive(Debug, Clone)]
pub struct StrAccessor(Expr);

impl Expr {
    /// pandas' `.str` accessor: string methods of this expression.
    pub fn str(self) -> StrAccessor {
        StrAccessor(self)
    }
}

impl StrAccessor {
    fn call(self, func: ScalarFunction) -> Expr {
        Expr::Function { func, args: vec![self.0] }
    }

    /// `str.len()`: characters.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(self) -> Expr {
        self.call(ScalarFunction::StrLen)
    }

    /// `str.lower()`.
    pub fn lower(self) -> Expr {
        self.call(ScalarFunction::StrLower)
    }

    /// `str.upper()`.
    pub fn upper(self) -> Expr {
        self.call(ScalarFunction::StrUpper)
    }

    /// `str.strip(chars)`: whitespace (`None`) or any of `chars` off both ends.
    pub fn strip(self, chars: Option<&str>) -> Expr {
        self.call(ScalarFunction::StrStrip { side: StripSide::Both, chars: chars.map(str::to_string) })
    }

    /// `str.lstrip(chars)`.
    pub fn lstrip(self, chars: Option<&str>) -> Expr {
        self.call(ScalarFunction::StrStrip { side: StripSide::Left, chars: chars.map(str::to_string) })
    }

    /// `str.rstrip(chars)`.
    pub fn rstrip(self, chars: Option<&str>) -> Expr {
        self.call(ScalarFunction::StrStrip { side: StripSide::Right, chars: chars.map(str::to_string) })
    }

    /// `str.startswith(prefix, na)`.
    pub fn startswith(self, prefix: &str, na: Option<bool>) -> Expr {
        self.call(ScalarFunction::StrStartsWith { prefix: prefix.to_string(), na })
    }

    /// `str.endswith(suffix, na)`.
    pub fn endswith(self, suffix: &str, na: Option<bool>) -> Expr {
        self.call(ScalarFunction::StrEndsWith { suffix: suffix.to_string(), na })
    }

    /// `str.contains(pat, case, regex, na)` (pandas' defaults: `case=True`,
    /// `regex=True`, `na=None`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a regex that does not compile.
    pub fn contains(self, pat: &str, case: bool, regex: bool, na: Option<bool>) -> Result<Expr> {
        Ok(self.call(ScalarFunction::StrContains { pattern: StrPattern::new(pat, case, regex)?, na }))
    }

    /// `str.match(pat, case, na)`: the regex matches at the start.
    ///
    /// # Errors
    /// As [`StrAccessor::contains`].
    pub fn r#match(self, pat: &str, case: bool, na: Option<bool>) -> Result<Expr> {
        Ok(self.call(ScalarFunction::StrMatch { regex: Regex::anchored(pat, case, Anchor::Start)?, na }))
    }

    /// `str.fullmatch(pat, case, na)`: the regex matches the whole string.
    ///
    /// # Errors
    /// As [`StrAccessor::contains`].
    pub fn fullmatch(self, pat: &str, case: bool, na: Option<bool>) -> Result<Expr> {
        Ok(self.call(ScalarFunction::StrMatch { regex: Regex::anchored(pat, case, Anchor::Full)?, na }))
    }

    /// `str.replace(pat, repl, n, case, regex)` (pandas' defaults: all
    /// occurrences, `case=True`, `regex=False`).
    ///
    /// # Errors
    /// As [`StrAccessor::contains`], and for a replacement with a `\g`
    /// that names no group.
    pub fn replace(self, pat: &str, repl: &str, n: Option<usize>, case: bool, regex: bool) -> Result<Expr> {
        if regex {
            python_replacement(repl)?;
        }
        let pattern = StrPattern::new(pat, case, regex)?;
        Ok(self.call(ScalarFunction::StrReplace { pattern, repl: repl.to_string(), n }))
    }

    /// `str.slice(start, stop, step)`, by characters.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a step of 0.
    pub fn slice(self, start: Option<i64>, stop: Option<i64>, step: Option<i64>) -> Result<Expr> {
        if step == Some(0) {
            return Err(Error::InvalidArgument("str.slice: step cannot be zero".into()));
        }
        Ok(self.call(ScalarFunction::StrSlice { start, stop, step }))
    }
}
