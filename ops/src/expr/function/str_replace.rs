//! `str.replace(pat, repl, n, case, regex)`: a literal replaced as
//! Python's `str.replace` does, a regex as `re.sub` (with Python's `\1`
//! group references).

use std::fmt;

use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::DataType;

use super::pattern::{python_replacement, StrPattern};
use super::{array, need_strings, over_strings, quoted, ScalarImpl};
use crate::error::Result;

pub(super) struct Replace<'a> {
    pub(super) pattern: &'a StrPattern,
    pub(super) repl: &'a str,
    pub(super) n: Option<usize>,
}

impl ScalarImpl for Replace<'_> {
    fn name(&self) -> &'static str {
        "str.replace"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_strings(self.name(), arg)?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let n = self.n;
        match self.pattern {
            StrPattern::Literal(text) => {
                let repl = self.repl;
                over_strings(arg, &|values| {
                    let out: StringArray = values
                        .map(|v| {
                            v.map(|s| {
                                n.map_or_else(
                                    || s.replace(text.as_str(), repl),
                                    |n| s.replacen(text.as_str(), repl, n),
                                )
                            })
                        })
                        .collect();
                    Ok(array(out))
                })
            }
            StrPattern::Regex { regex, literal } => {
                let regex = regex.matcher();
                // `replacen` replaces all when given 0.
                let limit = n.unwrap_or(0);
                if n == Some(0) {
                    return over_strings(arg, &|values| Ok(array(values.collect::<StringArray>())));
                }
                let repl = if *literal {
                    regex::NoExpand(self.repl).0.to_string()
                } else {
                    python_replacement(self.repl)?
                };
                let literal = *literal;
                over_strings(arg, &|values| {
                    let out: StringArray = values
                        .map(|v| {
                            v.map(|s| {
                                if literal {
                                    regex.replacen(s, limit, regex::NoExpand(&repl)).into_owned()
                                } else {
                                    regex.replacen(s, limit, repl.as_str()).into_owned()
                                }
                            })
                        })
                        .collect();
                    Ok(array(out))
                })
            }
        }
    }

    /// pandas' `replace` takes a literal by default.
    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (text, flags) = self.pattern.describe(false);
        write!(f, "{text}, ")?;
        quoted(f, self.repl)?;
        if let Some(n) = self.n {
            write!(f, ", n={n}")?;
        }
        write!(f, "{flags}")
    }
}
