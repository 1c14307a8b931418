//! `str.cat(others, sep, na_rep)`: each string joined with the one of
//! another string column on the same row, `sep` between. A null on either
//! side gives null, unless `na_rep` stands in for it (pandas).

use std::fmt;

use arrow::array::{ArrayRef, AsArray, StringArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;

use super::{array, need_strings, quoted, ScalarImpl};
use crate::error::Result;

pub(super) struct Cat<'a> {
    pub(super) sep: &'a str,
    pub(super) na_rep: Option<&'a str>,
}

impl ScalarImpl for Cat<'_> {
    fn name(&self) -> &'static str {
        "str.cat"
    }

    fn arity(&self) -> usize {
        2
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        self.output_types(&[arg.clone(), arg.clone()])
    }

    fn output_types(&self, args: &[DataType]) -> Result<DataType> {
        need_strings(self.name(), &args[0])?;
        need_strings("str.cat's others", &args[1])?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        self.evaluate_all(&[arg.clone(), arg.clone()])
    }

    fn evaluate_all(&self, args: &[ArrayRef]) -> Result<ArrayRef> {
        // Every string encoding (and an all-null column) casts to Utf8.
        let left = cast(&args[0], &DataType::Utf8)?;
        let right = cast(&args[1], &DataType::Utf8)?;
        let (sep, na_rep) = (self.sep, self.na_rep);
        let out: StringArray = left
            .as_string::<i32>()
            .iter()
            .zip(right.as_string::<i32>().iter())
            .map(|(a, b)| {
                let (a, b) = (a.or(na_rep)?, b.or(na_rep)?);
                let mut s = String::with_capacity(a.len() + sep.len() + b.len());
                s.push_str(a);
                s.push_str(sep);
                s.push_str(b);
                Some(s)
            })
            .collect();
        Ok(array(out))
    }

    /// After the other column (printed by the caller): `, sep='-'`.
    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.sep.is_empty() {
            write!(f, ", sep=")?;
            quoted(f, self.sep)?;
        }
        if let Some(na_rep) = self.na_rep {
            write!(f, ", na_rep=")?;
            quoted(f, na_rep)?;
        }
        Ok(())
    }
}
