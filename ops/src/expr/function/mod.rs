//! Scalar functions: the `str` methods and the `dt` properties and
//! methods (of datetimes, and of timedeltas), each a
//! [`ScalarImpl`] beside its kernel, registered by one line in
//! [`implementation`], as the aggregates are (see `aggregate::function`).
//!
//! A function's parameters (a pattern, a prefix, slice bounds) are part of
//! the function, not expressions: pandas takes them as constants, and a
//! regex is compiled once, when the expression is built (a bad pattern is
//! an error then, showing where), not per batch.

mod accessor;
mod dt_field;
mod dt_round;
mod dt_strftime;
mod dt_tz_convert;
mod dt_tz_localize;
mod pattern;
mod str_case;
mod str_cat;
mod str_extract;
mod str_len;
mod str_match;
mod str_pad;
mod str_replace;
mod str_slice;
mod str_split;
mod str_strip;
#[cfg(test)]
mod tests;
mod time_bin;
mod timedelta_field;

use std::fmt;
use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, AsArray, BooleanArray, UInt32Array};
use arrow::buffer::BooleanBuffer;
use arrow::compute::{cast, concat, take};
use arrow::datatypes::{DataType, Int32Type, UInt32Type};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::time::{Ambiguous, Nonexistent};

pub use accessor::{DtAccessor, StrAccessor};
pub use dt_field::DtField;
pub use dt_round::RoundMode;
pub use dt_strftime::STRFTIME_CODES;
pub use pattern::{Anchor, Regex, StrPattern};
pub use str_pad::PadSide;
pub use str_strip::StripSide;
pub use timedelta_field::TimedeltaField;

/// A scalar function, with pandas' semantics: a method of its first
/// argument (see [`Expr::Function`](crate::expr::Expr::Function)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ScalarFunction {
    /// `str.len()`: the number of characters (Unicode code points).
    StrLen,
    /// `str.lower()`.
    StrLower,
    /// `str.upper()`.
    StrUpper,
    /// `str.strip(chars)`, `str.lstrip(chars)`, `str.rstrip(chars)`:
    /// whitespace, or any of `chars`, removed from the ends.
    StrStrip {
        /// Which ends.
        side: StripSide,
        /// The characters to remove; whitespace when `None`.
        chars: Option<String>,
    },
    /// `str.startswith(prefix, na)`.
    StrStartsWith {
        /// The prefix.
        prefix: String,
        /// The result for a null string (null when `None`).
        na: Option<bool>,
    },
    /// `str.endswith(suffix, na)`.
    StrEndsWith {
        /// The suffix.
        suffix: String,
        /// The result for a null string (null when `None`).
        na: Option<bool>,
    },
    /// `str.contains(pat, case, regex, na)`: the pattern occurs anywhere.
    StrContains {
        /// A literal or a regex.
        pattern: StrPattern,
        /// The result for a null string (null when `None`).
        na: Option<bool>,
    },
    /// `str.match(pat, case, na)` (the regex matches at the start) and
    /// `str.fullmatch(pat, case, na)` (it matches the whole string), by
    /// the regex's anchor.
    StrMatch {
        /// The regex, anchored at the start or at both ends.
        regex: Regex,
        /// The result for a null string (null when `None`).
        na: Option<bool>,
    },
    /// `str.replace(pat, repl, n, case, regex)`.
    StrReplace {
        /// A literal or a regex.
        pattern: StrPattern,
        /// The replacement (for a regex, `\1` / `\g<name>` refer to groups).
        repl: String,
        /// At most this many replacements per string (all when `None`).
        n: Option<usize>,
    },
    /// The `resample` bin of each timestamp (a group key of a resample).
    TimeBin {
        /// The rule, sides, origin and offset.
        bins: crate::time::Bins,
        /// A second argument holds each row's group's first time, which
        /// some bins count from (see `Bins::needs_first`).
        by_first: bool,
    },
    /// `str.slice(start, stop, step)`, by characters, as Python slices.
    StrSlice {
        /// First character (negative: from the end).
        start: Option<i64>,
        /// Character to stop before (negative: from the end).
        stop: Option<i64>,
        /// Step (not 0; negative walks backwards).
        step: Option<i64>,
    },
    /// `str.get(i)`: the i-th character (negative: from the end; null
    /// when out of range).
    StrGet {
        /// The character's index.
        index: i64,
    },
    /// `str.split(pat, n).str.get(i)`: the i-th piece of a split.
    StrSplitGet {
        /// What separates the pieces; runs of whitespace when `None`.
        pattern: Option<StrPattern>,
        /// At most this many splits (all when `None`).
        n: Option<usize>,
        /// The piece's index (negative: from the end; null when out of range).
        index: i64,
    },
    /// `str.pad(width, side, fillchar)`, and `center`, `ljust`, `rjust`.
    StrPad {
        /// The width, in characters, the string is padded to.
        width: usize,
        /// Where the padding goes.
        side: PadSide,
        /// The padding character.
        fillchar: char,
    },
    /// `str.zfill(width)`: zeros on the left, after a sign.
    StrZfill {
        /// The width, in characters.
        width: usize,
    },
    /// `str.cat(others, sep, na_rep)`: two arguments, the value and the
    /// other string column.
    StrCat {
        /// What goes between the two strings.
        sep: String,
        /// What stands in for a null (a null gives null when `None`).
        na_rep: Option<String>,
    },
    /// `str.extract(pat)`: one capture group's text (a column of the
    /// frame pandas makes).
    StrExtract {
        /// The regex.
        regex: Regex,
        /// The capture group, from 1.
        group: usize,
    },
    /// `dt.year`, `dt.hour`, … : a property of timestamps or dates.
    Dt(DtField),
    /// `dt.floor(freq)`, `dt.ceil(freq)`, `dt.round(freq)`: to a multiple
    /// of a fixed frequency.
    DtRound {
        /// The frequency (a fixed length).
        freq: crate::time::Freq,
        /// Down, up or nearest.
        mode: RoundMode,
        /// On a zoned column, what a result a DST change repeats becomes.
        #[serde(default)]
        ambiguous: Ambiguous,
        /// On a zoned column, what a result a DST change skips becomes.
        #[serde(default)]
        nonexistent: Nonexistent,
    },
    /// `dt.strftime(format)`, with Python's codes.
    DtStrftime {
        /// The format, in Python's codes.
        format: String,
    },
    /// `dt.days`, `dt.total_seconds()`, … : a property of timedeltas.
    Timedelta(TimedeltaField),
    /// `dt.tz_localize(tz, ambiguous, nonexistent)`: naive wall-clock
    /// times to the instants they are in `tz`; `tz_localize(None)`: a
    /// zoned column's wall-clock times, naive.
    DtTzLocalize {
        /// The zone (as [`crate::time::Zone::parse`] reads it), or `None`.
        tz: Option<String>,
        /// What a wall time a DST change repeats becomes.
        ambiguous: Ambiguous,
        /// What a wall time a DST change skips becomes.
        nonexistent: Nonexistent,
    },
    /// `dt.tz_convert(tz)`: the same instants in another zone;
    /// `tz_convert(None)`: naive UTC.
    DtTzConvert {
        /// The zone (as [`crate::time::Zone::parse`] reads it), or `None`.
        tz: Option<String>,
    },
}

/// One scalar function.
pub(crate) trait ScalarImpl {
    /// The method as pandas spells it, accessor included (`str.lower`).
    fn name(&self) -> &'static str;

    /// How many argument expressions it takes, the value included.
    fn arity(&self) -> usize {
        1
    }

    /// The result type over an argument of type `arg` (for a function of
    /// one argument; others override [`ScalarImpl::output_types`]).
    fn output_type(&self, arg: &DataType) -> Result<DataType>;

    /// The result type over arguments of `args` types ([`ScalarFunction::output_type`]
    /// checks their number first).
    fn output_types(&self, args: &[DataType]) -> Result<DataType> {
        self.output_type(&args[0])
    }

    /// The result over one argument's values.
    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef>;

    /// The result over the arguments' values, of equal lengths.
    fn evaluate_all(&self, args: &[ArrayRef]) -> Result<ArrayRef> {
        self.evaluate(&args[0])
    }

    /// The call's arguments as pandas writes them (`'ab', regex=False`).
    fn fmt_args(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }

    /// Whether pandas writes it as a property, without parentheses (`dt.year`).
    fn is_property(&self) -> bool {
        false
    }

    /// Writes the call after its first argument, given the others printed:
    /// `.str.cat(b, sep='-')`, or `.dt.year` for a property.
    fn fmt_call(&self, f: &mut fmt::Formatter<'_>, others: &[String]) -> fmt::Result {
        write!(f, ".{}", self.name())?;
        if self.is_property() {
            return Ok(());
        }
        write!(f, "({}", others.join(", "))?;
        self.fmt_args(f)?;
        write!(f, ")")
    }
}

/// The implementation of `func`: the registry, one line per function.
pub(crate) fn implementation(func: &ScalarFunction) -> Box<dyn ScalarImpl + '_> {
    use ScalarFunction as F;
    match func {
        F::StrLen => Box::new(str_len::Len),
        F::StrLower => Box::new(str_case::Case { upper: false }),
        F::StrUpper => Box::new(str_case::Case { upper: true }),
        F::StrStrip { side, chars } => Box::new(str_strip::Strip { side: *side, chars: chars.as_deref() }),
        F::StrStartsWith { prefix, na } => Box::new(str_match::Affix { affix: prefix, end: false, na: *na }),
        F::StrEndsWith { suffix, na } => Box::new(str_match::Affix { affix: suffix, end: true, na: *na }),
        F::StrContains { pattern, na } => Box::new(str_match::Contains { pattern, na: *na }),
        F::StrMatch { regex, na } => Box::new(str_match::Match { regex, na: *na }),
        F::StrReplace { pattern, repl, n } => Box::new(str_replace::Replace { pattern, repl, n: *n }),
        F::TimeBin { bins, by_first } => Box::new(time_bin::TimeBin { bins, by_first: *by_first }),
        F::StrSlice { start, stop, step } => {
            Box::new(str_slice::Slice { start: *start, stop: *stop, step: *step })
        }
        F::StrGet { index } => Box::new(str_split::Get { index: *index }),
        F::StrSplitGet { pattern, n, index } => {
            Box::new(str_split::SplitGet { pattern: pattern.as_ref(), n: *n, index: *index })
        }
        F::StrPad { width, side, fillchar } => {
            Box::new(str_pad::Pad { width: *width, side: *side, fillchar: *fillchar })
        }
        F::StrZfill { width } => Box::new(str_pad::Zfill { width: *width }),
        F::StrCat { sep, na_rep } => Box::new(str_cat::Cat { sep, na_rep: na_rep.as_deref() }),
        F::StrExtract { regex, group } => Box::new(str_extract::Extract { regex, group: *group }),
        F::Dt(field) => Box::new(dt_field::Field(*field)),
        F::DtStrftime { format } => Box::new(dt_strftime::Strftime { format }),
        F::Timedelta(field) => Box::new(timedelta_field::Field(*field)),
        F::DtRound { freq, mode, ambiguous, nonexistent } => Box::new(dt_round::DtRound {
            freq: *freq,
            mode: *mode,
            ambiguous: *ambiguous,
            nonexistent: *nonexistent,
        }),
        F::DtTzLocalize { tz, ambiguous, nonexistent } => Box::new(dt_tz_localize::TzLocalize {
            tz: tz.as_deref(),
            ambiguous: *ambiguous,
            nonexistent: *nonexistent,
        }),
        F::DtTzConvert { tz } => Box::new(dt_tz_convert::TzConvert { tz: tz.as_deref() }),
    }
}

impl ScalarFunction {
    /// The method as pandas spells it (`str.lower`).
    pub fn name(&self) -> &'static str {
        implementation(self).name()
    }

    /// The result type over arguments of `args` types.
    ///
    /// # Errors
    /// [`Error::Type`] for the wrong number of arguments or values the
    /// function does not take.
    pub fn output_type(&self, args: &[DataType]) -> Result<DataType> {
        let imp = implementation(self);
        check_arity(imp.as_ref(), args.len())?;
        imp.output_types(args)
    }

    /// The function over the arguments' values (of equal lengths).
    ///
    /// # Errors
    /// As [`ScalarFunction::output_type`].
    pub fn evaluate(&self, args: &[ArrayRef]) -> Result<ArrayRef> {
        let imp = implementation(self);
        check_arity(imp.as_ref(), args.len())?;
        imp.evaluate_all(args)
    }

    /// Writes the call as pandas does, after its first argument:
    /// `.str.lower()`, `.str.cat(b, sep='-')`.
    pub(crate) fn fmt_call(&self, f: &mut fmt::Formatter<'_>, others: &[crate::expr::Expr]) -> fmt::Result {
        let others: Vec<String> = others.iter().map(ToString::to_string).collect();
        implementation(self).fmt_call(f, &others)
    }
}

fn check_arity(imp: &dyn ScalarImpl, n: usize) -> Result<()> {
    if n == imp.arity() {
        Ok(())
    } else {
        Err(Error::type_error(format!("{} takes {} argument(s), got {n}", imp.name(), imp.arity())))
    }
}

/// Fails unless `t` holds strings (or is all null), naming the method.
pub(crate) fn need_strings(name: &str, t: &DataType) -> Result<()> {
    if crate::dtype::is_string(t) || *t == DataType::Null {
        Ok(())
    } else {
        Err(Error::type_error(format!("{name} needs strings, got {}", crate::dtype::pandas_dtype(t))))
    }
}

/// A kernel over a column's strings, given as optional values in row order.
pub(crate) type StringKernel<'a> = dyn Fn(&mut dyn Iterator<Item = Option<&str>>) -> Result<ArrayRef> + 'a;

/// Runs `kernel` over the strings of `array` (`Utf8`, `LargeUtf8`,
/// `Utf8View`, or all nulls), as one iterator of optional values. A
/// dictionary's values go through `kernel` once, and the results are
/// taken by key, so each distinct string is processed once (a kernel must
/// therefore give each value a result of its own, independent of its
/// neighbours).
pub(crate) fn over_strings(array: &ArrayRef, kernel: &StringKernel<'_>) -> Result<ArrayRef> {
    match array.data_type() {
        DataType::Utf8 => kernel(&mut array.as_string::<i32>().iter()),
        DataType::LargeUtf8 => kernel(&mut array.as_string::<i64>().iter()),
        DataType::Utf8View => kernel(&mut array.as_string_view().iter()),
        DataType::Null => kernel(&mut std::iter::repeat_n(None, array.len())),
        DataType::Dictionary(_, _) => {
            let dictionary = array.as_any_dictionary();
            let values = dictionary.values();
            if dictionary.keys().null_count() == 0 {
                // Every key names a value (arrow validates keys on
                // construction), so the keys index the results as they are.
                let results = over_strings(values, kernel)?;
                return take_by_keys(&results, dictionary.keys());
            }
            // One value more, a null: what the kernel gives a null (`na`),
            // which the null keys take.
            let extended = concat(&[values.as_ref(), new_null_array(values.data_type(), 1).as_ref()])?;
            let results = over_strings(&extended, kernel)?;
            let keys = cast(dictionary.keys(), &DataType::UInt32)?;
            let keys = keys.as_primitive::<UInt32Type>();
            let null_slot = u32::try_from(values.len())
                .map_err(|_| Error::Internal("a dictionary of more than u32::MAX values".into()))?;
            let indices = match keys.nulls().filter(|n| n.null_count() > 0) {
                None => UInt32Array::new(keys.values().clone(), None),
                Some(nulls) => UInt32Array::from_iter_values(
                    keys.values()
                        .iter()
                        .zip(nulls.iter())
                        .map(|(&k, valid)| if valid { k } else { null_slot }),
                ),
            };
            Ok(take(results.as_ref(), &indices, None)?)
        }
        other => {
            Err(Error::type_error(format!("expected strings, got {}", crate::dtype::pandas_dtype(other))))
        }
    }
}

/// `results` (one per dictionary value) taken by `keys`, which have no
/// nulls. A test's results (booleans without nulls) by `Int32` keys, the
/// common case, are gathered 64 rows to a word.
fn take_by_keys(results: &ArrayRef, keys: &dyn Array) -> Result<ArrayRef> {
    if let (Some(tests), Some(keys)) = (results.as_boolean_opt(), keys.as_primitive_opt::<Int32Type>()) {
        if tests.null_count() == 0 {
            let table: Vec<bool> = tests.values().iter().collect();
            let keys = keys.values();
            // Every key names a value (arrow validated them), so `get`
            // never misses; it keeps the gather free of a panic path.
            let bits = BooleanBuffer::collect_bool(keys.len(), |i| {
                table.get(keys[i] as u32 as usize).copied().unwrap_or(false)
            });
            return Ok(Arc::new(BooleanArray::new(bits, None)));
        }
    }
    Ok(take(results.as_ref(), keys, None)?)
}

/// `values` as an `ArrayRef`.
pub(crate) fn array(values: impl Array + 'static) -> ArrayRef {
    Arc::new(values)
}

/// Writes `s` as a Python string literal (single quotes, escaped).
pub(crate) fn quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    write!(f, "{}", crate::expr::ScalarValue::Utf8(s.to_string()))
}

/// Writes `, na=True` when `na` is set.
pub(crate) fn fmt_na(f: &mut fmt::Formatter<'_>, na: Option<bool>) -> fmt::Result {
    match na {
        Some(true) => write!(f, ", na=True"),
        Some(false) => write!(f, ", na=False"),
        None => Ok(()),
    }
}
