//! `dt.strftime(format)`: timestamps and dates as text, with Python's
//! `strftime` codes (pandas' on its own datetimes), each translated to
//! chrono's once, when the expression is built. A zoned timestamp is
//! written in its local time.
//!
//! The codes: `%Y` (2024), `%y` (24), `%m` (02), `%d` (29), `%H` (13),
//! `%I` (01), `%p` (PM), `%M` (45), `%S` (10, no fraction), `%f`
//! (microseconds, 6 digits), `%j` (060), `%a` (Thu), `%A` (Thursday), `%b`
//! (Feb), `%B` (February), `%z` (the UTC offset, `+0100`), `%Z` (the
//! zone's abbreviation, `CET`, or `UTC+02:00` for a fixed offset), `%%`.
//! `%z` and `%Z` write nothing for naive values, as Python's. Any other
//! code is an error.

use std::fmt;

use arrow::array::{ArrayRef, AsArray, StringArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int64Type};
use chrono::format::{Item, StrftimeItems};

use super::dt_field::{datetimes, need_datetimes};
use super::{array, quoted, ScalarImpl};
use crate::error::{Error, Result};
use crate::time::Zone;

/// The codes supported, as listed in errors.
pub const STRFTIME_CODES: &str = "%Y %y %m %d %H %I %p %M %S %f %j %a %A %b %B %z %Z %%";

/// A piece of a format: chrono's codes, or a zone code chrono cannot
/// write from a local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A chrono format string.
    Chrono(String),
    /// `%z`: `+0100`.
    Offset,
    /// `%Z`: `CET`.
    Abbreviation,
}

/// Python's `format` as pieces of chrono formats and zone codes.
///
/// # Errors
/// [`Error::InvalidArgument`] for a code not in [`STRFTIME_CODES`] or a
/// `%` ending the format.
pub(crate) fn pieces(format: &str) -> Result<Vec<Piece>> {
    let mut out = Vec::new();
    let mut chrono = String::with_capacity(format.len() + 2);
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            chrono.push(c);
            continue;
        }
        match chars.next() {
            Some(
                code @ ('Y' | 'y' | 'm' | 'd' | 'H' | 'I' | 'p' | 'M' | 'S' | 'j' | 'a' | 'A' | 'b' | 'B'
                | '%'),
            ) => {
                chrono.push('%');
                chrono.push(code);
            }
            // Python's %f is microseconds; chrono's, nanoseconds.
            Some('f') => chrono.push_str("%6f"),
            Some(code @ ('z' | 'Z')) => {
                if !chrono.is_empty() {
                    out.push(Piece::Chrono(std::mem::take(&mut chrono)));
                }
                out.push(if code == 'z' { Piece::Offset } else { Piece::Abbreviation });
            }
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
    if !chrono.is_empty() {
        out.push(Piece::Chrono(chrono));
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
        pieces(self.format)?;
        Ok(DataType::Utf8)
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        self.output_type(arg.data_type())?;
        let pieces = pieces(self.format)?;
        let mut formats: Vec<Option<Vec<Item<'_>>>> = Vec::with_capacity(pieces.len());
        for piece in &pieces {
            formats.push(match piece {
                Piece::Chrono(format) => {
                    let items: Vec<Item<'_>> = StrftimeItems::new(format).collect();
                    if items.contains(&Item::Error) {
                        return Err(Error::Internal(format!("chrono refuses the format {format:?}")));
                    }
                    Some(items)
                }
                Piece::Offset | Piece::Abbreviation => None,
            });
        }
        // The instants' seconds, for the zone codes of a zoned column.
        let zone = Zone::of(arg.data_type()).ok().flatten();
        let seconds: Option<Vec<Option<i64>>> = match (&zone, arg.data_type()) {
            (Some(_), DataType::Timestamp(unit, _)) => {
                let per_second = 1_000_000_000 / crate::time::nanos_per(*unit);
                let raw = cast(arg, &DataType::Int64)?;
                Some(
                    raw.as_primitive::<Int64Type>()
                        .iter()
                        .map(|v| v.map(|v| v.div_euclid(per_second)))
                        .collect(),
                )
            }
            _ => None,
        };
        let zone_code = |piece: &Piece, i: usize| -> String {
            let (Some(zone), Some(Some(s))) = (&zone, seconds.as_ref().map(|s| s[i])) else {
                return String::new();
            };
            match piece {
                Piece::Offset => zone.offset_at(s).map(python_offset).unwrap_or_default(),
                _ => zone.abbreviation(s).unwrap_or_default(),
            }
        };
        let out: StringArray = datetimes(arg)?
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                v.map(|v| {
                    let mut text = String::new();
                    for (piece, items) in pieces.iter().zip(&formats) {
                        match items {
                            Some(items) => text.push_str(&v.format_with_items(items.iter()).to_string()),
                            None => text.push_str(&zone_code(piece, i)),
                        }
                    }
                    text
                })
            })
            .collect();
        Ok(array(out))
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        quoted(f, self.format)
    }
}

/// An offset as Python's `%z` writes it: `+0100`, `-0500`, `+000921`.
fn python_offset(seconds: i64) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::{pieces, python_offset, Piece};

    #[test]
    fn python_codes_become_chronos() {
        let chrono = |f: &str| pieces(f).unwrap();
        assert_eq!(chrono("%Y-%m-%d %H:%M:%S.%f"), [Piece::Chrono("%Y-%m-%d %H:%M:%S.%6f".into())]);
        assert_eq!(chrono("100%% at %I%p"), [Piece::Chrono("100%% at %I%p".into())]);
        assert_eq!(
            chrono("%H%z (%Z)"),
            [
                Piece::Chrono("%H".into()),
                Piece::Offset,
                Piece::Chrono(" (".into()),
                Piece::Abbreviation,
                Piece::Chrono(")".into())
            ]
        );
        let err = pieces("%Y %Q").unwrap_err().to_string();
        assert!(err.contains("unsupported code %Q") && err.contains("%Y %y"), "{err}");
        assert!(pieces("50%").unwrap_err().to_string().contains("lone %"));
        assert!(pieces("%-d").is_err(), "padding modifiers are not Python's");
        assert_eq!(
            (python_offset(3600), python_offset(-18_000), python_offset(561)),
            ("+0100".into(), "-0500".into(), "+000921".into())
        );
    }
}
