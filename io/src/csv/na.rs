//! Missing-value strings (pandas' `na_values`) and how they become nulls
//! cheaply.
//!
//! arrow-csv takes one regex for nulls and calls it on every field, which
//! makes the whole decode much slower (measured: benches/README.md).
//! pandas' 19 default tokens can almost never parse as a number, a boolean or a date,
//! so rusk decodes with arrow-csv's built-in rule (an empty field is null)
//! and then:
//!
//! - in text columns, nulls the tokens in one pass over the decoded strings;
//! - in float columns, nulls the NaNs that `NaN`/`nan` parsed to;
//! - anywhere else a token fails to parse, and that partition is decoded
//!   again with the full regex (from then on, the whole dataset is).
//!
//! That shortcut is exact only when no token parses as a typed column's
//! value (`na_values=["-999"]` on an int column would): [`NullValues::plan_fast_path`]
//! checks that for the schema, and without it every decode uses the regex.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, PrimitiveArray, StringArray};
use arrow::buffer::{BooleanBuffer, NullBuffer};
use arrow::datatypes::{ArrowPrimitiveType, DataType, Float16Type, Float32Type, Float64Type, Schema};
use regex::Regex;
use rusk_ops::{Error, Result};

use super::options::{CsvOptions, DEFAULT_NA_VALUES};
use super::value;

/// The strings read as missing, and how decoding should find them.
#[derive(Debug)]
pub(super) struct NullValues {
    /// Non-empty tokens, sorted and deduplicated.
    tokens: Vec<String>,
    /// Whether an empty field is missing.
    empty: bool,
    /// Whether a float that parsed to NaN is missing (a NaN spelling is a token).
    nan: bool,
    /// Matches exactly the missing strings, for arrow-csv's slow path.
    regex: Regex,
    /// Whether the regex-free decode plus [`NullValues::apply`] is exact.
    fast: AtomicBool,
    /// The first bytes of tokens, to reject most strings at one load.
    first_byte: [bool; 256],
    /// The longest token's length.
    max_len: usize,
}

impl NullValues {
    /// The missing strings of `opts`; the fast path is off until
    /// [`NullValues::plan_fast_path`] has seen the schema.
    pub(super) fn new(opts: &CsvOptions) -> Result<Self> {
        let mut all: Vec<String> = opts.na_values.clone();
        if opts.keep_default_na {
            all.extend(DEFAULT_NA_VALUES.iter().map(|s| s.to_string()));
        }
        all.sort();
        all.dedup();
        let empty = all.iter().any(String::is_empty);
        let tokens: Vec<String> = all.into_iter().filter(|t| !t.is_empty()).collect();
        let nan = tokens
            .iter()
            .any(|t| value::parses(t, &DataType::Float64) && t.to_ascii_lowercase().contains("nan"));
        let mut alternatives: Vec<String> = tokens.iter().map(|t| regex::escape(t)).collect();
        if empty {
            alternatives.push(String::new());
        }
        // `a^` never matches: `^` cannot follow a character outside multi-line mode.
        let pattern = if alternatives.is_empty() {
            "a^".to_string()
        } else {
            format!("^(?:{})$", alternatives.join("|"))
        };
        let regex = Regex::new(&pattern)
            .map_err(|e| Error::InvalidArgument(format!("na_values do not form a pattern: {e}")))?;
        let mut first_byte = [false; 256];
        for t in &tokens {
            if let Some(&b) = t.as_bytes().first() {
                first_byte[usize::from(b)] = true;
            }
        }
        let max_len = tokens.iter().map(String::len).max().unwrap_or(0);
        Ok(NullValues { tokens, empty, nan, regex, fast: AtomicBool::new(false), first_byte, max_len })
    }

    /// Turns the fast path on when it is exact for the columns of `schema`.
    pub(super) fn plan_fast_path(&self, schema: &Schema) {
        self.fast.store(self.fast_path_is_exact(schema), Ordering::Relaxed);
    }

    fn fast_path_is_exact(&self, schema: &Schema) -> bool {
        // arrow-csv's own rule is "empty is null": it must agree.
        if !self.empty {
            return false;
        }
        schema.fields().iter().all(|f| match f.data_type() {
            DataType::Utf8 => true,
            // Only plain strings get the post-pass.
            t if value::is_text(t) => false,
            t => self.tokens.iter().all(|tok| {
                !value::parses(tok, t)
                    || (t.is_floating() && self.nan && tok.to_ascii_lowercase().contains("nan"))
            }),
        })
    }

    /// The null regex to decode with: `None` (arrow-csv's empty-is-null) on
    /// the fast path.
    pub(super) fn decode_regex(&self) -> Option<&Regex> {
        if self.fast.load(Ordering::Relaxed) {
            None
        } else {
            Some(&self.regex)
        }
    }

    /// The regex matching exactly the missing strings.
    pub(super) fn regex(&self) -> &Regex {
        &self.regex
    }

    /// Turns the fast path off for the rest of the scan: the data holds
    /// tokens in typed columns, and every partition would fail it once.
    pub(super) fn give_up_fast_path(&self) {
        self.fast.store(false, Ordering::Relaxed);
    }

    /// Whether `s` is a missing value.
    pub(super) fn is_null(&self, s: &str) -> bool {
        if s.is_empty() {
            return self.empty;
        }
        self.is_token(s.as_bytes())
    }

    /// Whether a float that parsed to NaN is missing.
    pub(super) fn nan_is_null(&self) -> bool {
        self.nan
    }

    /// Whether the non-empty `s` is one of the tokens.
    #[inline]
    pub(super) fn is_token(&self, s: &[u8]) -> bool {
        match s.first() {
            Some(&b) if s.len() <= self.max_len && self.first_byte[usize::from(b)] => {
                self.tokens.iter().any(|t| t.as_bytes() == s)
            }
            _ => false,
        }
    }

    /// Nulls what the regex-free decode left: tokens in `Utf8` columns, NaN
    /// in float columns (pandas reads `NaN` as missing). Returns `array`
    /// itself when it has nothing to null.
    pub(super) fn apply(&self, array: ArrayRef) -> ArrayRef {
        match array.data_type() {
            DataType::Utf8 if !self.tokens.is_empty() => self.null_tokens(array),
            DataType::Float64 if self.nan => null_nan::<Float64Type>(array, f64::is_nan),
            DataType::Float32 if self.nan => null_nan::<Float32Type>(array, f32::is_nan),
            DataType::Float16 if self.nan => null_nan::<Float16Type>(array, |v| v.is_nan()),
            _ => array,
        }
    }

    fn null_tokens(&self, array: ArrayRef) -> ArrayRef {
        let strings = array.as_string::<i32>();
        let offsets = strings.value_offsets();
        let bytes = strings.value_data();
        let token_at = |i: usize| {
            // Offsets of a valid StringArray are in bounds and increasing.
            let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
            end > start && self.is_token(&bytes[start..end])
        };
        let any = (0..strings.len()).any(|i| strings.is_valid(i) && token_at(i));
        if !any {
            return array;
        }
        let valid = BooleanBuffer::collect_bool(strings.len(), |i| strings.is_valid(i) && !token_at(i));
        let (offsets, values, _) = strings.clone().into_parts();
        Arc::new(StringArray::new(offsets, values, Some(NullBuffer::new(valid))))
    }
}

fn null_nan<T: ArrowPrimitiveType>(array: ArrayRef, is_nan: fn(T::Native) -> bool) -> ArrayRef {
    let values = array.as_primitive::<T>();
    let any = values.iter().any(|v| v.is_some_and(is_nan));
    if !any {
        return array;
    }
    let valid = BooleanBuffer::collect_bool(values.len(), |i| values.is_valid(i) && !is_nan(values.value(i)));
    let nulled = PrimitiveArray::<T>::new(values.values().clone(), Some(NullBuffer::new(valid)));
    Arc::new(nulled.with_data_type(array.data_type().clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Float64Array;
    use arrow::datatypes::Field;

    fn schema(types: &[DataType]) -> Schema {
        Schema::new(
            types
                .iter()
                .enumerate()
                .map(|(i, t)| Field::new(i.to_string(), t.clone(), true))
                .collect::<Vec<_>>(),
        )
    }

    fn planned(opts: &CsvOptions, types: &[DataType]) -> NullValues {
        let nulls = NullValues::new(opts).unwrap();
        nulls.plan_fast_path(&schema(types));
        nulls
    }

    #[test]
    fn pandas_defaults_allow_the_fast_path() {
        let s = schema(&[DataType::Int64, DataType::Float64, DataType::Boolean, DataType::Utf8]);
        let nulls = NullValues::new(&CsvOptions::default()).unwrap();
        assert!(nulls.decode_regex().is_some(), "off until planned");
        nulls.plan_fast_path(&s);
        assert!(nulls.decode_regex().is_none());
        for t in ["", "NA", "nan", "#N/A N/A", "<NA>"] {
            assert!(nulls.is_null(t), "{t}");
            assert!(nulls.regex().is_match(t), "{t}");
        }
        for t in ["na", "NA ", "x", "0"] {
            assert!(!nulls.is_null(t), "{t}");
            assert!(!nulls.regex().is_match(t), "{t}");
        }
        nulls.give_up_fast_path();
        assert!(nulls.decode_regex().is_some());
    }

    #[test]
    fn a_token_that_parses_needs_the_regex() {
        let opts = CsvOptions::default().na_values(["-999"]);
        let ints = planned(&opts, &[DataType::Int64]);
        assert!(ints.decode_regex().is_some());
        let text = planned(&opts, &[DataType::Utf8]);
        assert!(text.decode_regex().is_none());
    }

    #[test]
    fn without_defaults_empty_is_a_value() {
        let opts = CsvOptions::default().keep_default_na(false);
        let nulls = planned(&opts, &[DataType::Utf8]);
        assert!(nulls.decode_regex().is_some());
        assert!(!nulls.is_null(""));
        assert!(!nulls.regex().is_match(""));
        assert!(!nulls.regex().is_match("NA"));
        let opts = opts.na_values(["?"]);
        let nulls = planned(&opts, &[DataType::Utf8]);
        assert!(nulls.regex().is_match("?") && !nulls.regex().is_match(""));
    }

    #[test]
    fn apply_nulls_tokens_and_nans() {
        let nulls = planned(&CsvOptions::default(), &[]);
        let strings: ArrayRef =
            Arc::new(StringArray::from(vec![Some("a"), Some("NA"), None, Some("NaN"), Some("NAN")]));
        let out = nulls.apply(strings);
        let out = out.as_string::<i32>();
        assert_eq!(out.iter().collect::<Vec<_>>(), [Some("a"), None, None, None, Some("NAN")]);
        let floats: ArrayRef = Arc::new(Float64Array::from(vec![Some(1.0), Some(f64::NAN), None]));
        let out = nulls.apply(floats);
        assert_eq!(out.as_primitive::<Float64Type>().iter().collect::<Vec<_>>(), [Some(1.0), None, None]);
        let untouched: ArrayRef = Arc::new(StringArray::from(vec!["x", "y"]));
        assert!(Arc::ptr_eq(&nulls.apply(Arc::clone(&untouched)), &untouched));
    }
}
