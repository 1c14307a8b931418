//! `str.pad(width, side, fillchar)` (and `center`, `ljust`, `rjust`, the
//! same with a fixed side) and `str.zfill(width)`, as Python's `rjust`,
//! `ljust`, `center` and `zfill`: widths count characters, a longer string
//! is unchanged.

use std::fmt;

use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::DataType;
use serde::{Deserialize, Serialize};

use super::{array, need_strings, over_strings, quoted, ScalarImpl};
use crate::error::Result;

/// Where `str.pad` adds its characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PadSide {
    /// Before the string (`side='left'`, `rjust`).
    Left,
    /// After it (`side='right'`, `ljust`).
    Right,
    /// Both (`side='both'`, `center`).
    Both,
}

impl PadSide {
    /// pandas' name of the side.
    pub fn as_str(self) -> &'static str {
        match self {
            PadSide::Left => "left",
            PadSide::Right => "right",
            PadSide::Both => "both",
        }
    }
}

/// `s` padded with `fill` to `width` characters, as Python does.
pub(crate) fn pad_str(s: &str, width: usize, side: PadSide, fill: char) -> String {
    let len = s.chars().count();
    if len >= width {
        return s.to_string();
    }
    let margin = width - len;
    let left = match side {
        PadSide::Left => margin,
        PadSide::Right => 0,
        // CPython's `str.center`: the odd character goes left only when
        // the margin and the width are both odd.
        PadSide::Both => margin / 2 + (margin & width & 1),
    };
    let mut out = String::with_capacity(s.len() + margin * fill.len_utf8());
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(s);
    out.extend(std::iter::repeat_n(fill, margin - left));
    out
}

/// Python's `s.zfill(width)`: zeros on the left, after a leading sign.
pub(crate) fn zfill_str(s: &str, width: usize) -> String {
    let len = s.chars().count();
    if len >= width {
        return s.to_string();
    }
    let zeros = "0".repeat(width - len);
    match s.strip_prefix(['+', '-']) {
        Some(rest) => format!("{}{zeros}{rest}", &s[..1]),
        None => format!("{zeros}{s}"),
    }
}

pub(super) struct Pad {
    pub(super) width: usize,
    pub(super) side: PadSide,
    pub(super) fillchar: char,
}

impl ScalarImpl for Pad {
    fn name(&self) -> &'static str {
        "str.pad"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_strings(self.name(), arg)?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let (width, side, fill) = (self.width, self.side, self.fillchar);
        over_strings(arg, &|values| {
            let out: StringArray = values.map(|v| v.map(|s| pad_str(s, width, side, fill))).collect();
            Ok(array(out))
        })
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.width)?;
        if self.side != PadSide::Left {
            write!(f, ", side='{}'", self.side.as_str())?;
        }
        if self.fillchar != ' ' {
            write!(f, ", fillchar=")?;
            quoted(f, &self.fillchar.to_string())?;
        }
        Ok(())
    }
}

pub(super) struct Zfill {
    pub(super) width: usize,
}

impl ScalarImpl for Zfill {
    fn name(&self) -> &'static str {
        "str.zfill"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_strings(self.name(), arg)?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let width = self.width;
        over_strings(arg, &|values| {
            let out: StringArray = values.map(|v| v.map(|s| zfill_str(s, width))).collect();
            Ok(array(out))
        })
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_follows_python() {
        assert_eq!(pad_str("a-b-c", 6, PadSide::Both, '*'), "a-b-c*");
        assert_eq!(pad_str("-42", 6, PadSide::Both, '*'), "*-42**");
        assert_eq!(pad_str("-42", 8, PadSide::Both, '*'), "**-42***");
        assert_eq!(pad_str("ab", 5, PadSide::Both, '.'), "..ab.");
        assert_eq!(pad_str("é", 3, PadSide::Left, 'ß'), "ßßé");
        assert_eq!(pad_str("-42", 4, PadSide::Right, '.'), "-42.");
        assert_eq!(pad_str("long", 2, PadSide::Left, ' '), "long");
        assert_eq!(zfill_str("-42", 5), "-0042");
        assert_eq!(zfill_str("+x", 4), "+00x");
        assert_eq!(zfill_str("", 3), "000");
        assert_eq!(zfill_str("a-b-c", 3), "a-b-c");
    }
}
