//! `parse_dates` columns: decoded as text, then converted here to naive
//! nanosecond timestamps ([`PARSE_DATES_TYPE`]) with the column's
//! `date_format`, or without one the ISO forms arrow-csv reads
//! (`2024-01-31`, `2024-01-31 10:11:12.5`, with a space or a `T`).
//!
//! Converting after the decode, rather than in it, is what lets a format
//! apply (arrow-csv knows none), keeps the fast path open to these columns
//! (they are text to it), and lets a bad value become a null
//! (`DateErrors::Coerce`) instead of failing the whole decode.
//!
//! A value that does not parse fails the read (`DateErrors::Raise`); the
//! partition's text is then scanned for the first bad value in row order
//! (`locate.rs`), whose file line and column the error names.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, TimestampNanosecondArray};
use arrow::compute::kernels::cast_utils::string_to_datetime;
use arrow::datatypes::DataType;
use chrono::format::{parse, Item, Parsed, StrftimeItems};
use chrono::{NaiveDateTime, Utc};
use rusk_ops::{Error, Result};

use super::options::{CsvOptions, PARSE_DATES_TYPE};

/// How the text of one `parse_dates` column becomes timestamps.
#[derive(Debug, Clone)]
pub(super) struct DateParser {
    /// The compiled `date_format`; `None` for the ISO forms.
    items: Option<Vec<Item<'static>>>,
    /// Whether the format starts and ends with whitespace, which only then
    /// may the value (chrono skips spaces before a number; Python does not).
    space_around: (bool, bool),
    /// The zone of a column whose values carry a UTC offset (they parse to
    /// UTC instants); `None`: naive wall-clock times.
    zone: Option<Arc<str>>,
}

impl DateParser {
    /// The parser for `format` (strftime codes), or for the ISO forms.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a format chrono does not read, naming
    /// `column`.
    pub(super) fn new(column: &str, format: Option<&str>) -> Result<Self> {
        let Some(format) = format else {
            return Ok(DateParser { items: None, space_around: (false, false), zone: None });
        };
        let bad =
            |why: &str| Error::InvalidArgument(format!("date_format {format:?} of column {column:?}: {why}"));
        if format.is_empty() {
            return Err(bad("empty"));
        }
        let chrono_format = python_fraction(format);
        let items = StrftimeItems::new(&chrono_format)
            .parse_to_owned()
            .map_err(|_| bad("not a strftime format (e.g. '%d/%m/%Y %H:%M')"))?;
        let space_around = (format.starts_with(char::is_whitespace), format.ends_with(char::is_whitespace));
        Ok(DateParser { items: Some(items), space_around, zone: None })
    }

    /// `s` as nanoseconds since the epoch, or `None` when it is not a date
    /// of this format (or beyond the nanosecond range, 1677 to 2262).
    pub(super) fn parse(&self, s: &str) -> Option<i64> {
        let datetime = match &self.items {
            None => string_to_datetime(&Utc, s).ok()?.naive_utc(),
            Some(items) => {
                let (before, after) = self.space_around;
                if (!before && s.starts_with(char::is_whitespace))
                    || (!after && s.ends_with(char::is_whitespace))
                {
                    return None;
                }
                with_format(s, items)?
            }
        };
        datetime.and_utc().timestamp_nanos_opt()
    }
}

/// Python's `.%f` (a dot, then 1 to 9 digits) as chrono spells it, `%.f`;
/// chrono's own `%f` would read the digits as a count of nanoseconds.
fn python_fraction(format: &str) -> String {
    let mut out = String::with_capacity(format.len());
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '%' => {
                out.push('%');
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '.' if chars.peek() == Some(&'%') => {
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek() == Some(&'f') {
                    out.push_str("%.f");
                    chars = ahead;
                    chars.next();
                } else {
                    out.push('.');
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `s` read with `items`, as Python's `strptime` reads it: the whole text
/// must match, a missing hour, minute or second is 0, `%I` without `%p` is
/// a morning hour, and an offset (`%z`) gives the UTC time.
fn with_format(s: &str, items: &[Item<'static>]) -> Option<NaiveDateTime> {
    let mut parsed = Parsed::new();
    parse(&mut parsed, s, items.iter()).ok()?;
    if parsed.timestamp().is_none() {
        if parsed.hour_div_12().is_none() {
            match parsed.hour_mod_12() {
                Some(_) => parsed.set_ampm(false).ok()?,
                None => parsed.set_hour(0).ok()?,
            }
        }
        if parsed.minute().is_none() {
            parsed.set_minute(0).ok()?;
        }
    }
    match parsed.offset() {
        Some(_) => parsed.to_datetime().ok().map(|t| t.naive_utc()),
        None => parsed.to_naive_datetime_with_offset(0).ok(),
    }
}

/// The date columns of a file: for each of its columns (by index in its
/// decode schema), the parser of a `parse_dates` column.
#[derive(Debug, Clone, Default)]
pub(super) struct DateColumns {
    by_index: Vec<Option<Arc<DateParser>>>,
}

impl DateColumns {
    /// The parsers of the date columns of `opts` among `names` (a file's
    /// columns, in order).
    ///
    /// # Errors
    /// As [`DateParser::new`].
    pub(super) fn new(
        opts: &CsvOptions,
        names: &[String],
        merged: &dyn Fn(&str) -> Option<DataType>,
    ) -> Result<Self> {
        let mut parsers: Vec<(&str, Arc<DateParser>)> = Vec::new();
        for (column, format) in opts.date_columns() {
            let mut parser = DateParser::new(column, format)?;
            match merged(column) {
                // Values with an offset: instants in the zone inference chose.
                Some(DataType::Timestamp(_, zone)) => parser.zone = zone,
                // Naive and offset values mixed: text, as pandas leaves them.
                Some(DataType::Utf8) => continue,
                _ => {}
            }
            parsers.push((column, Arc::new(parser)));
        }
        let by_index = names
            .iter()
            .map(|name| parsers.iter().find(|(c, _)| *c == name).map(|(_, p)| Arc::clone(p)))
            .collect();
        Ok(DateColumns { by_index })
    }

    /// The parser of column `index`, if it is a date column.
    pub(super) fn get(&self, index: usize) -> Option<&DateParser> {
        self.by_index.get(index).and_then(|p| p.as_deref())
    }

    /// Whether any column is a date column.
    pub(super) fn any(&self) -> bool {
        self.by_index.iter().any(Option::is_some)
    }
}

/// A date column converted: its timestamps, and how many non-null values
/// did not parse (null in `values`).
pub(super) struct Converted {
    pub values: ArrayRef,
    pub failed: u64,
}

/// The text `text` (a decoded `Utf8` column, missing values already null)
/// as timestamps; values that do not parse are null and counted.
///
/// # Errors
/// [`Error::Internal`] for a column that was not decoded as text.
pub(super) fn convert(text: &ArrayRef, parser: &DateParser) -> Result<Converted> {
    let strings = match text.data_type() {
        DataType::Utf8 => text.as_string::<i32>(),
        other => return Err(Error::Internal(format!("date column decoded as {other}, not text"))),
    };
    let mut failed = 0u64;
    let values: TimestampNanosecondArray = strings
        .iter()
        .map(|s| {
            let s = s?;
            let v = parser.parse(s);
            failed += u64::from(v.is_none());
            v
        })
        .collect();
    debug_assert_eq!(values.data_type(), &PARSE_DATES_TYPE);
    let values = values.with_timezone_opt(parser.zone.clone());
    Ok(Converted { values: Arc::new(values), failed })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::StringArray;

    fn nanos(text: &str) -> i64 {
        let t = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap();
        t.and_utc().timestamp_nanos_opt().unwrap()
    }

    fn with(format: &str, s: &str) -> Option<i64> {
        DateParser::new("c", Some(format)).unwrap().parse(s)
    }

    #[test]
    fn formats_read_as_pandas_reads_them() {
        assert_eq!(with("%d/%m/%Y %H:%M", "31/01/2024 10:30"), Some(nanos("2024-01-31 10:30:00")));
        assert_eq!(with("%d/%m/%Y", "1/2/2024"), Some(nanos("2024-02-01 00:00:00")));
        assert_eq!(with("%d/%m/%Y %H", "31/01/2024 10"), Some(nanos("2024-01-31 10:00:00")));
        assert_eq!(with("%Y%m%d", "20240131"), Some(nanos("2024-01-31 00:00:00")));
        assert_eq!(with("%b %d %Y %I:%M %p", "Jan 31 2024 10:00 PM"), Some(nanos("2024-01-31 22:00:00")));
        assert_eq!(with("%d/%m/%Y %I:%M", "31/01/2024 10:00"), Some(nanos("2024-01-31 10:00:00")));
        let fraction = "%Y-%m-%d %H:%M:%S.%f";
        assert_eq!(with(fraction, "2024-01-31 10:00:00.5"), Some(nanos("2024-01-31 10:00:00.5")));
        assert_eq!(
            with(fraction, "2024-01-31 10:00:00.123456789"),
            Some(nanos("2024-01-31 10:00:00.123456789"))
        );
        assert_eq!(
            with("%Y-%m-%dT%H:%M:%S%z", "2024-01-31T10:00:00+01:00"),
            Some(nanos("2024-01-31 09:00:00"))
        );
        // The whole value must match; the date must exist.
        for bad in ["31/01/2024 10:30:00", "2024-01-31", "32/01/2024 10:30", "31/13/2024 10:30", "x", ""] {
            assert_eq!(with("%d/%m/%Y %H:%M", bad), None, "{bad:?}");
        }
        assert_eq!(with("%d/%m/%Y", "30/02/2024"), None);
        assert_eq!(with("%d/%m/%Y", " 31/01/2024"), None, "leading space");
        assert_eq!(with("%d/%m/%Y", "31/01/2024 "), None, "trailing space");
        // Beyond the nanosecond range.
        assert_eq!(with("%Y", "2300"), None);
    }

    #[test]
    fn without_a_format_the_iso_forms_read() {
        let iso = DateParser::new("c", None).unwrap();
        assert_eq!(iso.parse("2024-01-31"), Some(nanos("2024-01-31 00:00:00")));
        assert_eq!(iso.parse("2024-01-31T10:11:12.5"), Some(nanos("2024-01-31 10:11:12.5")));
        assert_eq!(iso.parse("31/01/2024"), None);
    }

    #[test]
    fn bad_formats_are_refused() {
        for bad in ["", "%Q", "%"] {
            let err = DateParser::new("when", Some(bad)).unwrap_err();
            assert!(matches!(&err, Error::InvalidArgument(m) if m.contains("\"when\"")), "{bad:?}: {err}");
        }
        // `%%` is a literal percent sign, so `%%.%f` is one, then a fraction.
        assert_eq!(python_fraction("%S.%f %%.%f .x %%f"), "%S%.f %%%.f .x %%f");
    }

    #[test]
    fn conversion_nulls_and_counts_what_does_not_parse() {
        let parser = DateParser::new("c", Some("%d/%m/%Y")).unwrap();
        let text: ArrayRef =
            Arc::new(StringArray::from(vec![Some("31/01/2024"), None, Some("nope"), Some("1/1/2024")]));
        let converted = convert(&text.slice(1, 3), &parser).unwrap();
        assert_eq!(converted.failed, 1);
        let values = converted.values.as_primitive::<arrow::datatypes::TimestampNanosecondType>();
        assert_eq!(values.iter().collect::<Vec<_>>(), [None, None, Some(nanos("2024-01-01 00:00:00"))]);
        let empty: ArrayRef = Arc::new(StringArray::from(Vec::<&str>::new()));
        assert_eq!(convert(&empty, &parser).unwrap().values.len(), 0);
        let ints: ArrayRef = Arc::new(arrow::array::Int64Array::from(vec![1]));
        assert!(matches!(convert(&ints, &parser), Err(Error::Internal(_))));
    }
}
