//! `str.get(i)` (the i-th character) and `str.split(pat, n).str.get(i)`
//! (the i-th piece of a split), as pandas: a negative `i` counts from the
//! end, and an `i` out of range gives null.
//!
//! `split` follows pandas' rules for `pat`: `None` splits on runs of
//! whitespace (Python's `str.split()`), a single character is a literal,
//! a longer pattern a regex unless `regex=False`. `n` limits the splits
//! (all when `None`).

use std::fmt;

use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::DataType;

use super::pattern::StrPattern;
use super::str_strip::is_python_space;
use super::{array, need_strings, over_strings, quoted, ScalarImpl};
use crate::error::{Error, Result};

/// The item of `items` at Python index `index`, if any.
fn pick<T>(mut items: Vec<T>, index: i64) -> Option<T> {
    let len = i64::try_from(items.len()).ok()?;
    let i = if index < 0 { index + len } else { index };
    let i = usize::try_from(i).ok()?;
    (i < items.len()).then(|| items.swap_remove(i))
}

/// `str.get(i)`: the i-th character.
pub(super) struct Get {
    pub(super) index: i64,
}

impl ScalarImpl for Get {
    fn name(&self) -> &'static str {
        "str.get"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_strings(self.name(), arg)?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let index = self.index;
        over_strings(arg, &|values| {
            let out: StringArray =
                values.map(|v| v.and_then(|s| pick(s.chars().collect(), index)).map(String::from)).collect();
            Ok(array(out))
        })
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.index)
    }
}

/// Python's `s.split(None, maxsplit)`: runs of whitespace separate, none
/// at either end; after `n` splits, the rest (its leading whitespace
/// dropped) is the last piece.
pub(crate) fn split_whitespace(s: &str, n: Option<usize>) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = s.trim_start_matches(is_python_space);
    while !rest.is_empty() {
        if n.is_some_and(|n| pieces.len() == n) {
            pieces.push(rest);
            break;
        }
        let end = rest.find(is_python_space).unwrap_or(rest.len());
        pieces.push(&rest[..end]);
        rest = rest[end..].trim_start_matches(is_python_space);
    }
    pieces
}

/// `s.split(pattern, n)` as pandas: whitespace when `pattern` is `None`.
pub(crate) fn split<'a>(s: &'a str, pattern: Option<&StrPattern>, n: Option<usize>) -> Vec<&'a str> {
    let limit = n.map_or(usize::MAX, |n| n.saturating_add(1));
    match pattern {
        None => split_whitespace(s, n),
        Some(StrPattern::Literal(sep)) => s.splitn(limit, sep.as_str()).collect(),
        Some(StrPattern::Regex { regex, .. }) => regex.compiled().splitn(s, limit).collect(),
    }
}

/// `str.split(pat, n).str.get(index)`.
pub(super) struct SplitGet<'a> {
    pub(super) pattern: Option<&'a StrPattern>,
    pub(super) n: Option<usize>,
    pub(super) index: i64,
}

/// Fails for a regex with groups: Python's `re.split` would return them
/// among the pieces.
pub(crate) fn check_split_pattern(pattern: Option<&StrPattern>) -> Result<()> {
    match pattern {
        Some(StrPattern::Regex { regex, literal: false }) if regex.compiled().captures_len() > 1 => {
            Err(Error::InvalidArgument(format!(
                "str.split: the pattern {:?} has groups, which Python's re.split returns among the \
                 pieces; this is not supported (use (?:...) for a group that captures nothing)",
                regex.source()
            )))
        }
        Some(StrPattern::Literal(sep)) if sep.is_empty() => {
            Err(Error::InvalidArgument("str.split: empty separator".into()))
        }
        _ => Ok(()),
    }
}

impl ScalarImpl for SplitGet<'_> {
    fn name(&self) -> &'static str {
        "str.split"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_strings(self.name(), arg)?;
        check_split_pattern(self.pattern)?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        check_split_pattern(self.pattern)?;
        let (pattern, n, index) = (self.pattern, self.n, self.index);
        over_strings(arg, &|values| {
            let out: StringArray =
                values.map(|v| v.and_then(|s| pick(split(s, pattern, n), index))).collect();
            Ok(array(out))
        })
    }

    /// `.str.split('-', n=1).str.get(0)`.
    fn fmt_call(&self, f: &mut fmt::Formatter<'_>, _others: &[String]) -> fmt::Result {
        write!(f, ".str.split(")?;
        match self.pattern {
            None => {}
            Some(StrPattern::Literal(sep)) => {
                quoted(f, sep)?;
                if sep.chars().count() != 1 {
                    write!(f, ", regex=False")?;
                }
            }
            Some(StrPattern::Regex { regex, .. }) => {
                quoted(f, regex.source())?;
                if regex.source().chars().count() == 1 {
                    write!(f, ", regex=True")?;
                }
            }
        }
        if let Some(n) = self.n {
            write!(f, "{}n={n}", if self.pattern.is_some() { ", " } else { "" })?;
        }
        write!(f, ").str.get({})", self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_follow_python() {
        assert_eq!(split_whitespace("  x  y ", None), ["x", "y"]);
        assert_eq!(split_whitespace("  x  y ", Some(1)), ["x", "y "]);
        assert_eq!(split_whitespace(" \u{1c} ", None), Vec::<&str>::new());
        assert_eq!(split_whitespace("a b c", Some(0)), ["a b c"]);
        let dash = StrPattern::Literal("-".into());
        assert_eq!(split("a-b-c", Some(&dash), Some(1)), ["a", "b-c"]);
        assert_eq!(split("", Some(&dash), None), [""]);
        let regex = StrPattern::new("[-_]+", true, true).unwrap();
        assert_eq!(split("a--b_c", Some(&regex), None), ["a", "b", "c"]);
        assert_eq!(pick(vec![1, 2, 3], -1), Some(3));
        assert_eq!(pick(vec![1, 2, 3], -4), None);
        assert_eq!(pick(vec![1, 2, 3], 3), None);
    }

    #[test]
    fn a_regex_with_groups_is_refused() {
        let groups = StrPattern::new("(-)", true, true).unwrap();
        assert!(check_split_pattern(Some(&groups)).unwrap_err().to_string().contains("groups"));
        let none = StrPattern::new("(?:-)", true, true).unwrap();
        assert!(check_split_pattern(Some(&none)).is_ok());
    }
}
