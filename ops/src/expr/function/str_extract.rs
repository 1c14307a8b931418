//! `str.extract(pat, expand=False)` with one capture group: the group's
//! text at the first match, null where the pattern does not match (or the
//! group takes no part in the match). More groups would make a frame,
//! which is not supported yet.

use std::fmt;

use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::DataType;

use super::pattern::Regex;
use super::{array, need_strings, over_strings, quoted, ScalarImpl};
use crate::error::{Error, Result};

/// Fails unless `regex` has exactly one capture group.
pub(crate) fn check_one_group(regex: &Regex) -> Result<()> {
    match regex.compiled().captures_len() - 1 {
        1 => Ok(()),
        0 => Err(Error::InvalidArgument(format!(
            "str.extract: the pattern {:?} has no capture group, e.g. '([0-9]+)'",
            regex.source()
        ))),
        n => Err(Error::InvalidArgument(format!(
            "str.extract: the pattern {:?} has {n} capture groups; multi-group extract (a frame) \
             is not supported yet, use one group",
            regex.source()
        ))),
    }
}

pub(super) struct Extract<'a> {
    pub(super) regex: &'a Regex,
}

impl ScalarImpl for Extract<'_> {
    fn name(&self) -> &'static str {
        "str.extract"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_strings(self.name(), arg)?;
        check_one_group(self.regex)?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        check_one_group(self.regex)?;
        let regex = self.regex.compiled();
        over_strings(arg, &|values| {
            let out: StringArray = values
                .map(|v| {
                    v.and_then(|s| regex.captures(s)).and_then(|c| c.get(1)).map(|m| m.as_str().to_string())
                })
                .collect();
            Ok(array(out))
        })
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        quoted(f, self.regex.source())?;
        write!(f, ", expand=False")
    }
}
