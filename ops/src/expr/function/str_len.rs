//! `str.len()`: characters (code points), as Python's `len`.

use arrow::array::{ArrayRef, Int64Array};
use arrow::datatypes::DataType;

use super::{array, need_strings, over_strings, ScalarImpl};
use crate::error::Result;

pub(super) struct Len;

impl ScalarImpl for Len {
    fn name(&self) -> &'static str {
        "str.len"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_strings(self.name(), arg)?;
        Ok(DataType::Int64)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        over_strings(arg, &|values| {
            let count = |s: &str| if s.is_ascii() { s.len() } else { s.chars().count() };
            // A string's length fits in i64: it is at most isize::MAX bytes.
            let out: Int64Array = values.map(|v| v.map(|s| count(s) as i64)).collect();
            Ok(array(out))
        })
    }
}
