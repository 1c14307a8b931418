//! `str.extract(pat)`: one capture group's text at the first match, null
//! where the pattern does not match (or the group takes no part in the
//! match). pandas makes a frame of a pattern with several groups; rusk
//! makes one expression per group (`StrAccessor::extract_groups`), each
//! the frame's column: `s.str.extract('(a)(b)')[1]` in a query.

use std::fmt;

use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::DataType;

use super::pattern::Regex;
use super::{array, need_strings, over_strings, quoted, ScalarImpl};
use crate::error::{Error, Result};

/// The number of capture groups of `regex`, which must have one at least.
pub(crate) fn group_count(regex: &Regex) -> Result<usize> {
    match regex.compiled().captures_len() - 1 {
        0 => Err(Error::InvalidArgument(format!(
            "str.extract: the pattern {:?} has no capture group, e.g. '([0-9]+)'",
            regex.source()
        ))),
        n => Ok(n),
    }
}

/// Fails unless `regex` has exactly one capture group.
pub(crate) fn check_one_group(regex: &Regex) -> Result<()> {
    match group_count(regex)? {
        1 => Ok(()),
        n => Err(Error::InvalidArgument(format!(
            "str.extract: the pattern {:?} has {n} capture groups, which make a frame; pick one column \
             (s.str.extract(pat)[0], or ['name'] for a named group), or take them all with extract_groups",
            regex.source()
        ))),
    }
}

/// The column pandas names capture group `group` (1-based) of `regex`:
/// its name, or its position from 0.
pub(crate) fn group_column(regex: &Regex, group: usize) -> String {
    match regex.compiled().capture_names().nth(group).flatten() {
        Some(name) => name.to_string(),
        None => (group - 1).to_string(),
    }
}

/// The capture group (1-based) of `regex` that pandas' frame column
/// `column` holds: a group's name, or a position from 0.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the columns there are.
pub(crate) fn group_of_column(regex: &Regex, column: &str) -> Result<usize> {
    let groups = group_count(regex)?;
    (1..=groups).find(|&g| group_column(regex, g) == column).ok_or_else(|| {
        let columns: Vec<String> = (1..=groups).map(|g| group_column(regex, g)).collect();
        Error::InvalidArgument(format!(
            "str.extract: the pattern {:?} has no column {column:?}; its columns: {}",
            regex.source(),
            columns.join(", ")
        ))
    })
}

pub(super) struct Extract<'a> {
    pub(super) regex: &'a Regex,
    /// The capture group, from 1.
    pub(super) group: usize,
}

impl Extract<'_> {
    fn check(&self) -> Result<()> {
        let groups = group_count(self.regex)?;
        if self.group == 0 || self.group > groups {
            return Err(Error::InvalidArgument(format!(
                "str.extract: the pattern {:?} has no group {} (it has {groups})",
                self.regex.source(),
                self.group
            )));
        }
        Ok(())
    }
}

impl ScalarImpl for Extract<'_> {
    fn name(&self) -> &'static str {
        "str.extract"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_strings(self.name(), arg)?;
        self.check()?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        self.check()?;
        let (regex, group) = (self.regex.matcher(), self.group);
        over_strings(arg, &|values| {
            let out: StringArray = values
                .map(|v| {
                    v.and_then(|s| regex.captures(s))
                        .and_then(|c| c.get(group))
                        .map(|m| m.as_str().to_string())
                })
                .collect();
            Ok(array(out))
        })
    }

    fn fmt_call(&self, f: &mut fmt::Formatter<'_>, _others: &[String]) -> fmt::Result {
        write!(f, ".{}(", self.name())?;
        quoted(f, self.regex.source())?;
        if self.regex.compiled().captures_len() == 2 {
            return write!(f, ", expand=False)");
        }
        write!(f, ")[")?;
        let column = group_column(self.regex, self.group);
        match self.regex.compiled().capture_names().nth(self.group).flatten() {
            Some(_) => quoted(f, &column)?,
            None => write!(f, "{column}")?,
        }
        write!(f, "]")
    }
}
