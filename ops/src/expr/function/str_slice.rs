//! `str.slice(start, stop, step)`: characters picked as a Python slice.

use std::fmt;

use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::DataType;

use super::{array, need_strings, over_strings, ScalarImpl};
use crate::error::{Error, Result};

pub(super) struct Slice {
    pub(super) start: Option<i64>,
    pub(super) stop: Option<i64>,
    pub(super) step: Option<i64>,
}

/// The indices a Python slice picks from a sequence of `len` items
/// (`slice.indices`), as a start, an exclusive stop and a step.
fn python_indices(len: i64, start: Option<i64>, stop: Option<i64>, step: i64) -> (i64, i64, i64) {
    let clamp = |i: i64, low: i64, high: i64| {
        let i = if i < 0 { i + len } else { i };
        i.clamp(low, high)
    };
    if step > 0 {
        (start.map_or(0, |s| clamp(s, 0, len)), stop.map_or(len, |s| clamp(s, 0, len)), step)
    } else {
        (start.map_or(len - 1, |s| clamp(s, -1, len - 1)), stop.map_or(-1, |s| clamp(s, -1, len - 1)), step)
    }
}

/// `s[start:stop:step]` by characters.
pub(crate) fn slice_str(s: &str, start: Option<i64>, stop: Option<i64>, step: i64) -> String {
    let chars: Vec<char> = s.chars().collect();
    // A string's character count fits in i64.
    let (mut i, stop, step) = python_indices(chars.len() as i64, start, stop, step);
    let mut out = String::new();
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        // `python_indices` keeps `i` within `0..len` while the loop runs.
        if let Some(&c) = usize::try_from(i).ok().and_then(|i| chars.get(i)) {
            out.push(c);
        }
        i += step;
    }
    out
}

impl ScalarImpl for Slice {
    fn name(&self) -> &'static str {
        "str.slice"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_strings(self.name(), arg)?;
        if self.step == Some(0) {
            return Err(Error::InvalidArgument("str.slice: step cannot be zero".into()));
        }
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let (start, stop, step) = (self.start, self.stop, self.step.unwrap_or(1));
        if step == 0 {
            return Err(Error::InvalidArgument("str.slice: step cannot be zero".into()));
        }
        over_strings(arg, &|values| {
            let out: StringArray = values.map(|v| v.map(|s| slice_str(s, start, stop, step))).collect();
            Ok(array(out))
        })
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: Option<i64>| v.map_or("None".to_string(), |v| v.to_string());
        write!(f, "{}, {}", show(self.start), show(self.stop))?;
        if let Some(step) = self.step {
            write!(f, ", {step}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::slice_str;

    #[test]
    fn slices_follow_python() {
        let s = "héllo wörld";
        assert_eq!(slice_str(s, Some(1), Some(4), 1), "éll");
        assert_eq!(slice_str(s, Some(-5), None, 1), "wörld");
        assert_eq!(slice_str(s, None, None, -1), "dlröw olléh");
        assert_eq!(slice_str(s, None, None, 2), "hlowrd");
        assert_eq!(slice_str(s, Some(8), Some(2), -2), "rwo");
        assert_eq!(slice_str(s, Some(50), None, 1), "");
        assert_eq!(slice_str(s, Some(-50), Some(2), 1), "hé");
        assert_eq!(slice_str("", None, None, -1), "");
    }
}
