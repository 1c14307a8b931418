//! pandas' `Timedelta` as text: the strings `pd.Timedelta(...)` reads
//! (`"1h"`, `"90s"`, `"1.5h"`, `"1h30min"`, `"2 days"`, `"1 days 02:00:00"`,
//! `"-1 days +23:00:00"`), and the text pandas prints and writes for a
//! `timedelta64` column (`0 days 01:30:00`, `-1 days +23:00:00.500000`).
//!
//! pandas shows a duration by its components: whole days, floored (so a
//! negative duration has negative days and a positive time of day), then
//! `hh:mm:ss` and a fraction. One format serves a whole column, chosen by
//! its values as `pandas.io.formats.format.get_format_timedelta64` does:
//!
//! | the column's values                    | each is written       |
//! |----------------------------------------|-----------------------|
//! | whole days only (or none)              | `1 days`              |
//! | whole seconds only                     | `1 days 02:00:00`     |
//! | nanosecond unit, a value not whole µs  | `0 days 00:00:00.000000001` |
//! | otherwise                              | `0 days 00:00:00.500000` |

use arrow::datatypes::TimeUnit;

use super::freq::{NANOS_PER_DAY, NANOS_PER_SECOND};
use crate::error::{Error, Result};

/// A duration as pandas' `Timedelta` text reads it, in nanoseconds.
///
/// An optional leading `-` (which negates the unit terms, and the clock
/// part too when no unit term comes before it), then any of: numbers with
/// units (`1h`, `1.5h`, `90 s`, `2 days`, `1h30min`; `W`, `D`/`day(s)`,
/// `h`/`hr`/`hour(s)`, `m`/`min`/`minute(s)`, `s`/`sec`/`second(s)`,
/// `ms`/`milli(s)`/`millisecond(s)`, `us`/`µs`/`micro(s)`/`microsecond(s)`,
/// `ns`/`nano(s)`/`nanosecond(s)`, case aside), and a clock part
/// `hh:mm:ss[.fffffffff]`. `+` signs, spaces and commas are ignored.
///
/// Where rusk departs from pandas: a number without a unit (`"5"`, which
/// pandas reads as 5 nanoseconds) is an error, as is an empty string
/// (pandas' `NaT`), and ISO 8601 durations (`P1DT2H`) are not read.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the text and what is wrong with it.
pub fn parse_timedelta(text: &str) -> Result<i64> {
    let bad = |why: String| {
        Error::InvalidArgument(format!(
            "timedelta {text:?}: {why} (write e.g. '1h', '90s', '15min', '1D', '2 days', '1 days 02:00:00', '500ms')"
        ))
    };
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let mut negative = false;
    let mut seen_value = false;
    let mut seen_clock = false;
    let mut total: i128 = 0;
    while at < chars.len() {
        let c = chars[at];
        if c.is_whitespace() || c == ',' || c == '+' {
            at += 1;
            continue;
        }
        if c == '-' {
            if negative || seen_value || seen_clock {
                return Err(bad("only a leading minus sign is allowed".into()));
            }
            negative = true;
            at += 1;
            continue;
        }
        if !(c.is_ascii_digit() || c == '.') {
            return Err(bad(format!("unexpected {c:?}")));
        }
        let start = at;
        while at < chars.len() && (chars[at].is_ascii_digit() || chars[at] == '.' || chars[at] == ':') {
            at += 1;
        }
        let number: String = chars[start..at].iter().collect();
        if number.contains(':') {
            if seen_clock {
                return Err(bad("two clock parts".into()));
            }
            seen_clock = true;
            let nanos = clock(&number).ok_or_else(|| bad(format!("{number:?} is not hh:mm:ss")))?;
            // After a unit term (`-1 days 23:00:00`), the clock part is
            // positive: the sign went to the days (pandas' rule).
            total += if negative && !seen_value { -nanos } else { nanos };
            continue;
        }
        while at < chars.len() && chars[at] == ' ' {
            at += 1;
        }
        let unit_start = at;
        while at < chars.len() && (chars[at].is_alphabetic()) {
            at += 1;
        }
        let unit: String = chars[unit_start..at].iter().collect();
        if unit.is_empty() {
            return Err(bad(format!("{number} has no unit")));
        }
        let per = unit_nanos(&unit).ok_or_else(|| bad(format!("unknown unit {unit:?}")))?;
        let nanos = scaled(&number, per).ok_or_else(|| bad(format!("{number:?} is not a number")))?;
        total += if negative { -nanos } else { nanos };
        seen_value = true;
    }
    if !seen_value && !seen_clock {
        return Err(bad("no duration".into()));
    }
    i64::try_from(total)
        .map_err(|_| bad("beyond the range of a 64-bit count of nanoseconds (±292 years)".into()))
}

/// Nanoseconds per `unit` as pandas' `Timedelta` strings spell it.
fn unit_nanos(unit: &str) -> Option<i128> {
    // Months and years have no fixed length: pandas refuses them too.
    if matches!(unit, "M" | "Y" | "y") {
        return None;
    }
    let second = i128::from(NANOS_PER_SECOND);
    Some(match unit.to_lowercase().as_str() {
        "w" => 7 * i128::from(NANOS_PER_DAY),
        "d" | "day" | "days" => i128::from(NANOS_PER_DAY),
        "h" | "hr" | "hour" | "hours" => 3600 * second,
        "m" | "min" | "minute" | "minutes" => 60 * second,
        "s" | "sec" | "second" | "seconds" => second,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1_000_000,
        // `to_lowercase` turns the micro sign into a Greek mu.
        "us" | "µs" | "μs" | "micro" | "micros" | "microsecond" | "microseconds" => 1_000,
        "ns" | "nano" | "nanos" | "nanosecond" | "nanoseconds" => 1,
        _ => return None,
    })
}

/// `number` (digits with an optional fraction) times `per`, rounded to the
/// nanosecond.
fn scaled(number: &str, per: i128) -> Option<i128> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') || whole.len() > 30 {
        return None;
    }
    let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let mut nanos = whole.checked_mul(per)?;
    // Enough digits for a nanosecond of a week, and no more.
    let digits = &fraction[..fraction.len().min(18)];
    if !digits.is_empty() {
        let scale = 10i128.pow(digits.len() as u32);
        let part: i128 = digits.parse().ok()?;
        nanos += (part * per * 2 + scale) / (2 * scale);
    }
    Some(nanos)
}

/// `hh:mm:ss[.f]` in nanoseconds.
fn clock(text: &str) -> Option<i128> {
    let parts: Vec<&str> = text.split(':').collect();
    let [h, m, s] = parts.as_slice() else { return None };
    let second = i128::from(NANOS_PER_SECOND);
    let int = |t: &str| -> Option<i128> {
        (!t.is_empty() && t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
    };
    Some(int(h)? * 3600 * second + int(m)? * 60 * second + scaled(s, second)?)
}

/// The unit pandas 3 gives a `Timedelta` read from text: microseconds,
/// unless the duration needs nanoseconds (`Timedelta('1h').unit == 'us'`).
pub fn timedelta_unit(nanos: i64) -> TimeUnit {
    if nanos % 1_000 == 0 {
        TimeUnit::Microsecond
    } else {
        TimeUnit::Nanosecond
    }
}

/// How every value of one duration column is written (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimedeltaFormat {
    /// `3 days`: every value is whole days.
    Days,
    /// `3 days 02:00:00`: every value is whole seconds.
    Seconds,
    /// `0 days 00:00:00.500000`: six digits of fraction.
    Micros,
    /// `0 days 00:00:00.000000001`: nine digits of fraction.
    Nanos,
}

impl TimedeltaFormat {
    /// The format of a column of `unit` holding `values` (nulls left out).
    pub fn for_column(values: impl Iterator<Item = i64> + Clone, unit: TimeUnit) -> Self {
        let per_second = i128::from(NANOS_PER_SECOND / super::nanos_per(unit));
        let per_day = 86_400 * per_second;
        if values.clone().all(|v| i128::from(v) % per_day == 0) {
            TimedeltaFormat::Days
        } else if values.clone().all(|v| i128::from(v) % per_second == 0) {
            TimedeltaFormat::Seconds
        } else if unit == TimeUnit::Nanosecond && values.into_iter().any(|v| v % 1_000 != 0) {
            TimedeltaFormat::Nanos
        } else {
            TimedeltaFormat::Micros
        }
    }

    /// `value` (a count of `unit`) as pandas writes it in this format.
    pub fn format(self, value: i64, unit: TimeUnit) -> String {
        let mut out = String::new();
        self.write(&mut out, value, unit);
        out
    }

    /// Appends `value` (a count of `unit`) as pandas writes it in this format.
    pub fn write(self, out: &mut String, value: i64, unit: TimeUnit) {
        use std::fmt::Write as _;
        let nanos = i128::from(value) * i128::from(super::nanos_per(unit));
        let day = i128::from(NANOS_PER_DAY);
        let days = nanos.div_euclid(day);
        let _ = write!(out, "{days} days");
        if self == TimedeltaFormat::Days {
            return;
        }
        let of_day = nanos.rem_euclid(day);
        let second = i128::from(NANOS_PER_SECOND);
        let (seconds, fraction) = (of_day / second, of_day % second);
        let sign = if nanos < 0 { "+" } else { "" };
        let _ = write!(out, " {sign}{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
        match self {
            TimedeltaFormat::Nanos => {
                let _ = write!(out, ".{fraction:09}");
            }
            TimedeltaFormat::Micros => {
                let _ = write!(out, ".{:06}", fraction / 1_000);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = NANOS_PER_SECOND;

    #[test]
    fn reads_what_pandas_timedelta_reads() {
        // Each checked with pandas 3.1: pd.Timedelta(text).as_unit('ns').value.
        for (text, nanos) in [
            ("1h", 3_600 * S),
            ("90s", 90 * S),
            ("15min", 900 * S),
            ("1D", 86_400 * S),
            ("1d", 86_400 * S),
            ("2 days", 172_800 * S),
            ("1 day", 86_400 * S),
            ("1 days 02:00:00", 93_600 * S),
            ("500ms", 500_000_000),
            ("-1h", -3_600 * S),
            ("1.5h", 5_400 * S),
            ("1h30min", 5_400 * S),
            ("1h 30min", 5_400 * S),
            ("00:30:00", 1_800 * S),
            ("-1 days +23:00:00", -3_600 * S),
            ("-1 days 23:00:00", -3_600 * S),
            ("1 days 02:00:00.5", 93_600 * S + 500_000_000),
            ("2 hours", 7_200 * S),
            ("1W", 604_800 * S),
            ("-25h 1s", -90_001 * S),
            ("- 1h", -3_600 * S),
            ("1 hr", 3_600 * S),
            ("1m", 60 * S),
            ("1H", 3_600 * S),
            ("1Min", 60 * S),
            ("1sec", S),
            ("10us", 10_000),
            ("1µs", 1_000),
            ("3ns", 3),
            ("1 days, 02:00:00", 93_600 * S),
            ("1 days 2:3:4", 93_784 * S),
            ("+1h", 3_600 * S),
            ("0.5D", 43_200 * S),
            ("-0.5s", -500_000_000),
            ("1.2345678912s", 1_234_567_891),
            (" 1h ", 3_600 * S),
            ("1h1h", 7_200 * S),
            ("24:00:00", 86_400 * S),
            ("1 days 1h", 90_000 * S),
            ("-00:00:01", -S),
            ("2 days 00:00:00.000001", 172_800 * S + 1_000),
        ] {
            assert_eq!(parse_timedelta(text).unwrap(), nanos, "{text:?}");
        }
    }

    #[test]
    fn refuses_what_pandas_refuses() {
        for text in [
            "30:00",
            "1:2:3:4",
            "--1h",
            "1h-1min",
            "1 days -01:00:00",
            "1h -",
            "1T",
            "1L",
            "1M",
            "1Y",
            "1e3s",
            "1.5",
            "5",
            "",
            "  ",
            "x",
            "1 fortnight",
            "P1DT2H",
            "1..5s",
            "99999999999999999999 days",
        ] {
            let err = parse_timedelta(text).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidArgument(m) if m.contains(&format!("{text:?}"))),
                "{text:?}: {err}"
            );
        }
    }

    #[test]
    fn parsed_durations_take_pandas_units() {
        assert_eq!(timedelta_unit(3_600 * S), TimeUnit::Microsecond);
        assert_eq!(timedelta_unit(1_000), TimeUnit::Microsecond);
        assert_eq!(timedelta_unit(-3), TimeUnit::Nanosecond);
    }

    fn column(values: &[i64], unit: TimeUnit) -> Vec<String> {
        let format = TimedeltaFormat::for_column(values.iter().copied(), unit);
        values.iter().map(|&v| format.format(v, unit)).collect()
    }

    #[test]
    fn writes_columns_as_pandas_does() {
        // Each checked with pandas 3.1: Series.to_csv of the column.
        use TimeUnit::*;
        assert_eq!(column(&[86_400, -2 * 86_400], Second), ["1 days", "-2 days"]);
        assert_eq!(column(&[-3_600, 3_600], Second), ["-1 days +23:00:00", "0 days 01:00:00"]);
        assert_eq!(
            column(&[5_400_000, -86_399_500], Millisecond),
            ["0 days 01:30:00.000000", "-1 days +00:00:00.500000"]
        );
        assert_eq!(
            column(&[-3_600 * S, 86_400 * S + 1_000, -1], Nanosecond),
            ["-1 days +23:00:00.000000000", "1 days 00:00:00.000001000", "-1 days +23:59:59.999999999"]
        );
        assert_eq!(
            column(&[86_400_001, 2 * 86_400_000], Millisecond),
            ["1 days 00:00:00.001000", "2 days 00:00:00.000000"]
        );
        assert_eq!(column(&[0], Microsecond), ["0 days"]);
        assert_eq!(column(&[1_500], Microsecond), ["0 days 00:00:00.001500"]);
        assert!(column(&[i64::MIN + 1, 1], Second)[0].starts_with("-106751991167301 days +"));
        assert_eq!(TimedeltaFormat::for_column(std::iter::empty(), Nanosecond), TimedeltaFormat::Days);
    }
}
