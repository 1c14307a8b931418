//! `str.strip()`, `str.lstrip()`, `str.rstrip()`: whitespace, or the given
//! characters, removed from the ends.

use std::fmt;

use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::DataType;
use serde::{Deserialize, Serialize};

use super::{array, need_strings, over_strings, quoted, ScalarImpl};
use crate::error::Result;

/// Which ends a strip removes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StripSide {
    /// Both (`strip`).
    Both,
    /// The start (`lstrip`).
    Left,
    /// The end (`rstrip`).
    Right,
}

pub(super) struct Strip<'a> {
    pub(super) side: StripSide,
    pub(super) chars: Option<&'a str>,
}

/// Python's `str.isspace` characters: Unicode whitespace and the four
/// ASCII separators (0x1c..0x1f) it also counts.
pub(super) fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

impl ScalarImpl for Strip<'_> {
    fn name(&self) -> &'static str {
        match self.side {
            StripSide::Both => "str.strip",
            StripSide::Left => "str.lstrip",
            StripSide::Right => "str.rstrip",
        }
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_strings(self.name(), arg)?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let chars: Option<Vec<char>> = self.chars.map(|c| c.chars().collect());
        let strip = |c: char| match &chars {
            Some(set) => set.contains(&c),
            None => is_python_space(c),
        };
        let side = self.side;
        over_strings(arg, &|values| {
            let out: StringArray = values
                .map(|v| {
                    v.map(|s| match side {
                        StripSide::Both => s.trim_matches(strip),
                        StripSide::Left => s.trim_start_matches(strip),
                        StripSide::Right => s.trim_end_matches(strip),
                    })
                })
                .collect();
            Ok(array(out))
        })
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.chars {
            Some(chars) => quoted(f, chars),
            None => Ok(()),
        }
    }
}
