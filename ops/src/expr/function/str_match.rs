//! The `str` tests: `startswith`, `endswith`, `contains`, `match`,
//! `fullmatch`. A null string gives `na` (null unless given), as pandas.

use std::fmt;

use arrow::array::{ArrayRef, BooleanArray};
use arrow::datatypes::DataType;

use super::pattern::{Anchor, Regex, StrPattern};
use super::{array, fmt_na, need_strings, over_strings, quoted, ScalarImpl};
use crate::error::Result;

/// A boolean column: `test` of each string, `na` for nulls.
fn test_strings(arg: &ArrayRef, na: Option<bool>, test: &dyn Fn(&str) -> bool) -> Result<ArrayRef> {
    over_strings(arg, &|values| {
        let out: BooleanArray = values.map(|v| v.map_or(na, |s| Some(test(s)))).collect();
        Ok(array(out))
    })
}

fn boolean_of_strings(name: &str, arg: &DataType) -> Result<DataType> {
    need_strings(name, arg)?;
    Ok(DataType::Boolean)
}

/// `startswith` / `endswith`.
pub(super) struct Affix<'a> {
    pub(super) affix: &'a str,
    pub(super) end: bool,
    pub(super) na: Option<bool>,
}

impl ScalarImpl for Affix<'_> {
    fn name(&self) -> &'static str {
        if self.end {
            "str.endswith"
        } else {
            "str.startswith"
        }
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        boolean_of_strings(self.name(), arg)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let affix = self.affix;
        if self.end {
            test_strings(arg, self.na, &|s| s.ends_with(affix))
        } else {
            test_strings(arg, self.na, &|s| s.starts_with(affix))
        }
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        quoted(f, self.affix)?;
        fmt_na(f, self.na)
    }
}

/// `contains`: the pattern anywhere in the string.
pub(super) struct Contains<'a> {
    pub(super) pattern: &'a StrPattern,
    pub(super) na: Option<bool>,
}

impl ScalarImpl for Contains<'_> {
    fn name(&self) -> &'static str {
        "str.contains"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        boolean_of_strings(self.name(), arg)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        match self.pattern {
            StrPattern::Literal(text) => {
                let finder = memchr::memmem::Finder::new(text.as_bytes());
                test_strings(arg, self.na, &|s| finder.find(s.as_bytes()).is_some())
            }
            StrPattern::Regex { regex, .. } => {
                let regex = regex.matcher();
                test_strings(arg, self.na, &|s| regex.is_match(s))
            }
        }
    }

    /// pandas' `contains` takes a regex by default.
    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (text, flags) = self.pattern.describe(true);
        write!(f, "{text}{flags}")?;
        fmt_na(f, self.na)
    }
}

/// `match` (at the start) and `fullmatch` (the whole string).
pub(super) struct Match<'a> {
    pub(super) regex: &'a Regex,
    pub(super) na: Option<bool>,
}

impl ScalarImpl for Match<'_> {
    fn name(&self) -> &'static str {
        if self.regex.anchor() == Anchor::Full {
            "str.fullmatch"
        } else {
            "str.match"
        }
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        boolean_of_strings(self.name(), arg)
    }

    /// The regex was compiled anchored (see `pattern::Anchor`).
    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let regex = self.regex.matcher();
        test_strings(arg, self.na, &|s| regex.is_match(s))
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        quoted(f, self.regex.source())?;
        if !self.regex.case() {
            write!(f, ", case=False")?;
        }
        fmt_na(f, self.na)
    }
}
