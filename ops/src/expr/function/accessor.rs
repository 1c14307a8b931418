//! `col("name").str()` and `col("ts").dt()`: pandas' `.str` and `.dt`
//! accessors in Rust. Methods whose pattern or format may be bad return a
//! `Result`, so a bad regex is an error where the expression is written.

use super::dt_round::RoundMode;
use super::dt_strftime::pieces;
use super::pattern::{python_replacement, Anchor, Regex, StrPattern};
use super::str_extract::{check_one_group, group_column, group_count, group_of_column};
use super::str_split::check_split_pattern;
use super::{DtField, PadSide, ScalarFunction, StripSide};
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::time::{Ambiguous, Nonexistent, Zone};

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

    /// `str.get(i)`: the i-th character (negative: from the end), null
    /// when out of range.
    pub fn get(self, index: i64) -> Expr {
        self.call(ScalarFunction::StrGet { index })
    }

    /// `str.split(pat, n, regex).str.get(index)`: the index-th piece.
    /// `pat` `None` splits on whitespace; pandas' `regex=None` (a single
    /// character is a literal, a longer pattern a regex) when `regex` is
    /// `None`; `n` `None` splits everywhere.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a regex that does not compile or has
    /// capture groups, or an empty literal separator.
    pub fn split_get(
        self,
        pat: Option<&str>,
        n: Option<usize>,
        regex: Option<bool>,
        index: i64,
    ) -> Result<Expr> {
        let pattern = match pat {
            None => None,
            Some(pat) => {
                let regex = regex.unwrap_or(pat.chars().count() != 1);
                Some(StrPattern::new(pat, true, regex)?)
            }
        };
        check_split_pattern(pattern.as_ref())?;
        Ok(self.call(ScalarFunction::StrSplitGet { pattern, n, index }))
    }

    /// `str.pad(width, side, fillchar)`.
    pub fn pad(self, width: usize, side: PadSide, fillchar: char) -> Expr {
        self.call(ScalarFunction::StrPad { width, side, fillchar })
    }

    /// `str.center(width, fillchar)`.
    pub fn center(self, width: usize, fillchar: char) -> Expr {
        self.pad(width, PadSide::Both, fillchar)
    }

    /// `str.ljust(width, fillchar)`: padded on the right.
    pub fn ljust(self, width: usize, fillchar: char) -> Expr {
        self.pad(width, PadSide::Right, fillchar)
    }

    /// `str.rjust(width, fillchar)`: padded on the left.
    pub fn rjust(self, width: usize, fillchar: char) -> Expr {
        self.pad(width, PadSide::Left, fillchar)
    }

    /// `str.zfill(width)`.
    pub fn zfill(self, width: usize) -> Expr {
        self.call(ScalarFunction::StrZfill { width })
    }

    /// `str.cat(others, sep, na_rep)`: joined with `others`' string on the
    /// same row.
    pub fn cat(self, others: Expr, sep: &str, na_rep: Option<&str>) -> Expr {
        Expr::Function {
            func: ScalarFunction::StrCat { sep: sep.to_string(), na_rep: na_rep.map(str::to_string) },
            args: vec![self.0, others],
        }
    }

    /// `str.extract(pat, expand=False)`, `pat` with one capture group.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a regex that does not compile or
    /// has no group or several.
    pub fn extract(self, pat: &str) -> Result<Expr> {
        let regex = Regex::new(pat, true)?;
        check_one_group(&regex)?;
        Ok(self.call(ScalarFunction::StrExtract { regex, group: 1 }))
    }

    /// The column `column` of the frame pandas' `str.extract(pat)` makes:
    /// a named group's name, or a group's position from 0 (`"1"`), as
    /// `s.str.extract(pat)[1]`.
    ///
    /// # Errors
    /// As [`StrAccessor::extract`] for the regex; [`Error::InvalidArgument`]
    /// for a column it does not have.
    pub fn extract_column(self, pat: &str, column: &str) -> Result<Expr> {
        let regex = Regex::new(pat, true)?;
        let group = group_of_column(&regex, column)?;
        Ok(self.call(ScalarFunction::StrExtract { regex, group }))
    }

    /// Every column of the frame pandas' `str.extract(pat)` makes, named
    /// as pandas names them (a named group's name, else its position from
    /// 0): `df.assign(col("s").str().extract_groups(r"(?P<l>[a-z])(\d)")?)`
    /// adds columns `l` and `1`. The pattern is compiled once; each column
    /// matches it again.
    ///
    /// # Errors
    /// As [`StrAccessor::extract`], for a regex without groups.
    pub fn extract_groups(self, pat: &str) -> Result<Vec<(String, Expr)>> {
        let regex = Regex::new(pat, true)?;
        let groups = group_count(&regex)?;
        Ok((1..=groups)
            .map(|group| {
                let func = ScalarFunction::StrExtract { regex: regex.clone(), group };
                (group_column(&regex, group), Expr::Function { func, args: vec![self.0.clone()] })
            })
            .collect())
    }
}

/// The `dt` properties and methods of an expression (see [`Expr::dt`]).
#[derive(Debug, Clone)]
pub struct DtAccessor(Expr);

impl Expr {
    /// pandas' `.dt` accessor: properties of timestamps and dates.
    pub fn dt(self) -> DtAccessor {
        DtAccessor(self)
    }
}

impl DtAccessor {
    /// The property `field` (`dt.year` is `field(DtField::Year)`).
    pub fn field(self, field: DtField) -> Expr {
        Expr::Function { func: ScalarFunction::Dt(field), args: vec![self.0] }
    }

    /// The timedelta property `field` (`dt.days` is
    /// `timedelta_field(TimedeltaField::Days)`; see `timedelta_field.rs`).
    pub fn timedelta_field(self, field: super::TimedeltaField) -> Expr {
        Expr::Function { func: ScalarFunction::Timedelta(field), args: vec![self.0] }
    }

    /// `dt.year`.
    pub fn year(self) -> Expr {
        self.field(DtField::Year)
    }

    /// `dt.month`.
    pub fn month(self) -> Expr {
        self.field(DtField::Month)
    }

    /// `dt.day`.
    pub fn day(self) -> Expr {
        self.field(DtField::Day)
    }

    /// `dt.hour`.
    pub fn hour(self) -> Expr {
        self.field(DtField::Hour)
    }

    /// `dt.minute`.
    pub fn minute(self) -> Expr {
        self.field(DtField::Minute)
    }

    /// `dt.second`.
    pub fn second(self) -> Expr {
        self.field(DtField::Second)
    }

    /// `dt.microsecond`.
    pub fn microsecond(self) -> Expr {
        self.field(DtField::Microsecond)
    }

    /// `dt.nanosecond`.
    pub fn nanosecond(self) -> Expr {
        self.field(DtField::Nanosecond)
    }

    /// `dt.dayofweek`: Monday 0 to Sunday 6.
    pub fn dayofweek(self) -> Expr {
        self.field(DtField::DayOfWeek)
    }

    /// `dt.dayofyear`.
    pub fn dayofyear(self) -> Expr {
        self.field(DtField::DayOfYear)
    }

    /// `dt.quarter`.
    pub fn quarter(self) -> Expr {
        self.field(DtField::Quarter)
    }

    /// `dt.days_in_month`.
    pub fn days_in_month(self) -> Expr {
        self.field(DtField::DaysInMonth)
    }

    /// `dt.is_month_start`.
    pub fn is_month_start(self) -> Expr {
        self.field(DtField::IsMonthStart)
    }

    /// `dt.is_month_end`.
    pub fn is_month_end(self) -> Expr {
        self.field(DtField::IsMonthEnd)
    }

    /// `dt.date`: the date, a `Date32`.
    pub fn date(self) -> Expr {
        self.field(DtField::Date)
    }

    /// `dt.time`: the time of day, a `Time64` of microseconds (written
    /// `09:30:00` or `09:30:00.500000`, as pandas writes `datetime.time`).
    pub fn time(self) -> Expr {
        self.field(DtField::Time)
    }

    /// `dt.strftime(format)`, with Python's codes (see `dt_strftime`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a code that is not supported.
    pub fn strftime(self, format: &str) -> Result<Expr> {
        pieces(format)?;
        Ok(Expr::Function {
            func: ScalarFunction::DtStrftime { format: format.to_string() },
            args: vec![self.0],
        })
    }

    fn rounded(self, freq: &str, mode: RoundMode) -> Result<Expr> {
        self.round_to(freq, mode, Ambiguous::Raise, Nonexistent::Raise)
    }

    /// `dt.floor`, `dt.ceil` or `dt.round` (by `mode`) to a fixed
    /// frequency, with pandas' `ambiguous` and `nonexistent`: on a zoned
    /// column the wall-clock time is rounded, and a result a DST change
    /// repeats or skips takes them (both raise by default).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a rule that is not a fixed length.
    pub fn round_to(
        self,
        freq: &str,
        mode: RoundMode,
        ambiguous: Ambiguous,
        nonexistent: Nonexistent,
    ) -> Result<Expr> {
        let freq = crate::time::Freq::parse(freq)?;
        let method = match mode {
            RoundMode::Floor => "floor",
            RoundMode::Ceil => "ceil",
            RoundMode::Round => "round",
        };
        super::dt_round::fixed_nanos(freq, method)?;
        Ok(Expr::Function {
            func: ScalarFunction::DtRound { freq, mode, ambiguous, nonexistent },
            args: vec![self.0],
        })
    }

    /// `dt.tz_localize(tz)`: naive wall-clock times to the instants they
    /// are in `tz` (an IANA name, `UTC`, or an offset like `+02:00`), with
    /// pandas' `ambiguous` and `nonexistent` for the wall times a DST
    /// change repeats or skips (both raise by default, naming the value).
    /// `tz` `None`: a zoned column's wall-clock times, naive.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown zone.
    pub fn tz_localize(
        self,
        tz: Option<&str>,
        ambiguous: Ambiguous,
        nonexistent: Nonexistent,
    ) -> Result<Expr> {
        let tz = tz.map(|tz| Zone::parse(tz).map(|z| z.name().to_string())).transpose()?;
        Ok(Expr::Function {
            func: ScalarFunction::DtTzLocalize { tz, ambiguous, nonexistent },
            args: vec![self.0],
        })
    }

    /// `dt.tz_convert(tz)`: the same instants in another zone; `None`:
    /// naive UTC times.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown zone.
    pub fn tz_convert(self, tz: Option<&str>) -> Result<Expr> {
        let tz = tz.map(|tz| Zone::parse(tz).map(|z| z.name().to_string())).transpose()?;
        Ok(Expr::Function { func: ScalarFunction::DtTzConvert { tz }, args: vec![self.0] })
    }

    /// `dt.floor(freq)`: down to a multiple of a fixed frequency ("15min", "h", "D").
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a rule that is not a fixed length.
    pub fn floor(self, freq: &str) -> Result<Expr> {
        self.rounded(freq, RoundMode::Floor)
    }

    /// `dt.ceil(freq)`: up to a multiple of a fixed frequency.
    ///
    /// # Errors
    /// As [`DtAccessor::floor`].
    pub fn ceil(self, freq: &str) -> Result<Expr> {
        self.rounded(freq, RoundMode::Ceil)
    }

    /// `dt.round(freq)`: to the nearest multiple, halves to the even one.
    ///
    /// # Errors
    /// As [`DtAccessor::floor`].
    pub fn round(self, freq: &str) -> Result<Expr> {
        self.rounded(freq, RoundMode::Round)
    }
}
