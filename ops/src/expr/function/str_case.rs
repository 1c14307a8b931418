//! `str.lower()` and `str.upper()`: Unicode case mapping, as Python's.

use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::DataType;

use super::{array, need_strings, over_strings, ScalarImpl};
use crate::error::Result;

pub(super) struct Case {
    pub(super) upper: bool,
}

impl ScalarImpl for Case {
    fn name(&self) -> &'static str {
        if self.upper {
            "str.upper"
        } else {
            "str.lower"
        }
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_strings(self.name(), arg)?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let upper = self.upper;
        over_strings(arg, &|values| {
            let out: StringArray = values
                .map(|v| {
                    v.map(|s| match (upper, s.is_ascii()) {
                        (true, true) => s.to_ascii_uppercase(),
                        (false, true) => s.to_ascii_lowercase(),
                        (true, false) => s.to_uppercase(),
                        (false, false) => s.to_lowercase(),
                    })
                })
                .collect();
            Ok(array(out))
        })
    }
}
