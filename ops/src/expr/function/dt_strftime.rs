//! `dt.strftime(format)`: timestamps and dates as text, with Python's
//! `strftime` codes (pandas' on its own datetimes), each translated to
//! chrono's once, when the expression is built.
//!
//! The codes: `%Y` (2024), `%y` (24), `%m` (02), `%d` (29), `%H` (13),
//! `%I` (01), `%p` (PM), `%M` (45), `%S` (10, no fraction), `%f`
//! (microseconds, 6 digits), `%j` (060), `%a` (Thu), `%A` (Thursday), `%b`
//! (Feb), `%B` (February), `%%`. Any other code is an error.

use std::fmt;

use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::DataType;
use chrono::format::{Item, StrftimeItems};

use super::dt_field::{datetimes, need_datetimes};
use super::{array, quoted, ScalarImpl};
use crate::error::{Error, Result};

/// The codes supported, as listed in errors.
pub const STRFTIME_CODES: &str = "%Y %y %m %d %H %I %p %M %S %f %j %a %A %b %B %%";

/// Python's `format` as a chrono format string.
///
/// # Errors
/// [`Error::InvalidArgument`] for a code not in [`STRFTIME_CODES`] or a
/// `%` ending the format.
pub(crate) fn chrono_format(format: &str) -> Result<String> {
    let mut out = String::with_capacity(format.len() + 2);
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(
                code @ ('Y' | 'y' | 'm' | 'd' | 'H' | 'I' | 'p' | 'M' | 'S' | 'j' | 'a' | 'A' | 'b' | 'B'
                | '%'),
            ) => {
                out.push('%');
                out.push(code);
            }
            // Python's %f is microseconds; chrono's, nanoseconds.
            Some('f') => out.push_str("%6f"),
            Some(code) => {
                return Err(Error::InvalidArgument(format!(
                    "dt.strftime: unsupported code %{code} in {format:?} (supported: {STRFTIME_CODES})"
                )))
            }
            None => {
                return Err(Error::InvalidArgument(format!(
                    "dt.strftime: {format:?} ends with a lone % (write %% for a percent sign)"
                )))
            }
        }
    }
    Ok(out)
}

pub(super) struct Strftime<'a> {
    pub(super) format: &'a str,
}

impl ScalarImpl for Strftime<'_> {
    fn name(&self) -> &'static str {
        "dt.strftime"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_datetimes(self.name(), arg, true)?;
        chrono_format(self.format)?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        self.output_type(arg.data_type())?;
        let format = chrono_format(self.format)?;
        let items: Vec<Item<'_>> = StrftimeItems::new(&format).collect();
        if items.contains(&Item::Error) {
            return Err(Error::Internal(format!("chrono refuses the format {format:?}")));
        }
        let out: StringArray = datetimes(arg)?
            .into_iter()
            .map(|v| v.map(|v| v.format_with_items(items.iter()).to_string()))
            .collect();
        Ok(array(out))
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        quoted(f, self.format)
    }
}

#[cfg(test)]
mod tests {
    use super::chrono_format;

    #[test]
    fn python_codes_become_chronos() {
        assert_eq!(chrono_format("%Y-%m-%d %H:%M:%S.%f").unwrap(), "%Y-%m-%d %H:%M:%S.%6f");
        assert_eq!(chrono_format("100%% at %I%p").unwrap(), "100%% at %I%p");
        let err = chrono_format("%Y %Q").unwrap_err().to_string();
        assert!(err.contains("unsupported code %Q") && err.contains("%Y %y"), "{err}");
        assert!(chrono_format("50%").unwrap_err().to_string().contains("lone %"));
        assert!(chrono_format("%-d").is_err(), "padding modifiers are not Python's");
    }
}
