//! Time zones as Arrow names them in `Timestamp(unit, Some(tz))`: IANA
//! names (`Europe/Paris`, `America/New_York`, `UTC`) and fixed offsets
//! (`+02:00`). A zoned column holds instants (UTC since the epoch); the
//! zone says which wall clock they are read on.
//!
//! Two conversions carry everything the `dt` accessor and resample do in
//! local time, as pandas does:
//!
//! ```text
//! instant ──to_local──▶ wall-clock time (naive, same unit)
//!          ◀─from_local─  (a DST change skips some wall times and repeats
//!                          others: `Nonexistent` and `Ambiguous` decide)
//! ```

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, PrimitiveArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int64Type, TimeUnit};
use chrono::{DateTime, FixedOffset, LocalResult, Offset, TimeZone};
use chrono_tz::OffsetComponents;
use serde::{Deserialize, Serialize};

use super::bins::nanos_per;
use crate::error::{Error, Result};

/// A time zone: an IANA zone or a fixed offset from UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    /// The name as Arrow's type keeps it (`Europe/Paris`, `UTC`, `+02:00`).
    name: Arc<str>,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Named(chrono_tz::Tz),
    Fixed(FixedOffset),
}

/// What pandas' `ambiguous` does with a wall time a DST change repeats
/// (`2024-11-03 01:30` in New York happens at -04:00, then at -05:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Ambiguous {
    /// An error naming the value and the zone (`'raise'`, the default).
    #[default]
    Raise,
    /// Null (`'NaT'`).
    NaT,
    /// The daylight-saving occurrence (`True`).
    Dst,
    /// The standard-time occurrence (`False`).
    Standard,
}

/// What pandas' `nonexistent` does with a wall time a DST change skips
/// (`2024-03-10 02:30` in New York).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Nonexistent {
    /// An error naming the value and the zone (`'raise'`, the default).
    #[default]
    Raise,
    /// Null (`'NaT'`).
    NaT,
    /// The first wall time after the gap (`'shift_forward'`: 03:00).
    ShiftForward,
    /// The last wall time before the gap, one unit of the column before
    /// it (`'shift_backward'`: 01:59:59.999999 for microseconds).
    ShiftBackward,
}

impl Ambiguous {
    /// pandas' string values of the argument, `'raise'` and `'NaT'`
    /// (its `True` and `False` are [`Ambiguous::Dst`] and
    /// [`Ambiguous::Standard`]).
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "raise" => Ambiguous::Raise,
            "NaT" => Ambiguous::NaT,
            _ => return None,
        })
    }
}

impl fmt::Display for Ambiguous {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ambiguous::Raise => "'raise'",
            Ambiguous::NaT => "'NaT'",
            Ambiguous::Dst => "True",
            Ambiguous::Standard => "False",
        })
    }
}

impl Nonexistent {
    /// pandas' spelling of the argument: `'raise'`, `'NaT'`,
    /// `'shift_forward'`, `'shift_backward'`.
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "raise" => Nonexistent::Raise,
            "NaT" => Nonexistent::NaT,
            "shift_forward" => Nonexistent::ShiftForward,
            "shift_backward" => Nonexistent::ShiftBackward,
            _ => return None,
        })
    }
}

impl fmt::Display for Nonexistent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Nonexistent::Raise => "'raise'",
            Nonexistent::NaT => "'NaT'",
            Nonexistent::ShiftForward => "'shift_forward'",
            Nonexistent::ShiftBackward => "'shift_backward'",
        })
    }
}

/// The zones a message suggests.
const ZONE_EXAMPLES: &str =
    "an IANA name such as 'Europe/Paris' or 'America/New_York', 'UTC', or an offset such as '+02:00'";

/// Seconds in a day.
const DAY_SECONDS: i64 = 86_400;

impl Zone {
    /// The zone `name`: an IANA name, `UTC` (any case, or `Z`), or a fixed
    /// offset `±HH:MM`, `±HHMM`, `±HH` (also after `UTC`, as pandas prints
    /// it: `UTC+02:00`). The name is kept as Arrow spells it: `UTC`,
    /// `+02:00`, or the IANA name.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming an unknown zone.
    pub fn parse(name: &str) -> Result<Zone> {
        let unknown = || Error::InvalidArgument(format!("unknown time zone {name:?}: use {ZONE_EXAMPLES}"));
        if name.eq_ignore_ascii_case("utc") || name == "Z" {
            return Ok(Zone { name: Arc::from("UTC"), kind: Kind::Named(chrono_tz::Tz::UTC) });
        }
        let offset_text =
            name.strip_prefix("UTC").filter(|rest| rest.starts_with(['+', '-'])).unwrap_or(name);
        if offset_text.starts_with(['+', '-']) {
            let offset = parse_offset(offset_text).ok_or_else(unknown)?;
            return Ok(Zone {
                name: Arc::from(offset_name(offset.local_minus_utc())),
                kind: Kind::Fixed(offset),
            });
        }
        let tz = chrono_tz::Tz::from_str(name).map_err(|_| unknown())?;
        Ok(Zone { name: Arc::from(tz.name()), kind: Kind::Named(tz) })
    }

    /// The zone of a timestamp type: `None` for a naive one.
    ///
    /// # Errors
    /// [`Error::Type`] for a type that is not a timestamp (or null), and
    /// [`Error::InvalidArgument`] for a zone rusk does not know.
    pub fn of(data_type: &DataType) -> Result<Option<Zone>> {
        match data_type {
            DataType::Timestamp(_, None) | DataType::Null => Ok(None),
            DataType::Timestamp(_, Some(tz)) => Zone::parse(tz).map(Some),
            other => Err(Error::type_error(format!(
                "expected timestamps, got {}",
                crate::dtype::pandas_dtype(other)
            ))),
        }
    }

    /// The name, as Arrow's timestamp type holds it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name as an `Arc`, for a `DataType::Timestamp`.
    pub fn arrow_name(&self) -> Arc<str> {
        Arc::clone(&self.name)
    }

    /// Whether the offset never changes (UTC, a fixed offset).
    pub fn is_fixed(&self) -> bool {
        matches!(self.kind, Kind::Fixed(_)) || self.kind == Kind::Named(chrono_tz::Tz::UTC)
    }

    /// The offset from UTC, in seconds, at the instant `utc_seconds`
    /// seconds after the epoch; `None` beyond chrono's range (±262 000
    /// years).
    pub fn offset_at(&self, utc_seconds: i64) -> Option<i64> {
        let utc = DateTime::from_timestamp(utc_seconds, 0)?.naive_utc();
        Some(i64::from(match self.kind {
            Kind::Named(tz) => tz.offset_from_utc_datetime(&utc).fix().local_minus_utc(),
            Kind::Fixed(offset) => offset.local_minus_utc(),
        }))
    }

    /// The abbreviation pandas' `%Z` shows at the instant `utc_seconds`:
    /// `CET`, `EDT`, `UTC`, `-05`; `UTC+02:00` for a fixed offset.
    pub fn abbreviation(&self, utc_seconds: i64) -> Option<String> {
        let utc = DateTime::from_timestamp(utc_seconds, 0)?.naive_utc();
        Some(match self.kind {
            Kind::Named(tz) => tz.offset_from_utc_datetime(&utc).to_string(),
            Kind::Fixed(offset) => format!("UTC{}", offset_name(offset.local_minus_utc())),
        })
    }

    /// The wall-clock time of the instant `v` (in `unit`s since the epoch,
    /// UTC), in the same unit.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] beyond chrono's or i64's range.
    pub fn to_local(&self, v: i64, unit: TimeUnit) -> Result<i64> {
        let per_second = units_per_second(unit);
        let offset = self.offset_at(v.div_euclid(per_second)).ok_or_else(|| out_of_range(v, unit))?;
        offset.checked_mul(per_second).and_then(|o| v.checked_add(o)).ok_or_else(|| out_of_range(v, unit))
    }

    /// The instant (in `unit`s since the epoch, UTC) the wall-clock time
    /// `w` (in `unit`s) stands for here; `None` where the policies say
    /// null. `what` names the caller in errors (`dt.tz_localize`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the wall time and the zone, for
    /// one a DST change skips or repeats when the policy is to raise, and
    /// beyond chrono's range.
    pub fn from_local(
        &self,
        w: i64,
        unit: TimeUnit,
        ambiguous: Ambiguous,
        nonexistent: Nonexistent,
        what: &str,
    ) -> Result<Option<i64>> {
        let per_second = units_per_second(unit);
        let seconds = w.div_euclid(per_second);
        let wall = DateTime::from_timestamp(seconds, 0).ok_or_else(|| out_of_range(w, unit))?.naive_utc();
        let instant = |offset: i64| -> Result<i64> {
            offset.checked_mul(per_second).and_then(|o| w.checked_sub(o)).ok_or_else(|| out_of_range(w, unit))
        };
        match self.kind {
            Kind::Fixed(offset) => instant(i64::from(offset.local_minus_utc())).map(Some),
            Kind::Named(tz) => match tz.offset_from_local_datetime(&wall) {
                LocalResult::Single(offset) => instant(i64::from(offset.fix().local_minus_utc())).map(Some),
                LocalResult::Ambiguous(a, b) => {
                    let (first, second) = {
                        let (ia, ib) = (
                            instant(i64::from(a.fix().local_minus_utc()))?,
                            instant(i64::from(b.fix().local_minus_utc()))?,
                        );
                        if ia <= ib {
                            ((ia, a), (ib, b))
                        } else {
                            ((ib, b), (ia, a))
                        }
                    };
                    let is_dst = |o: &chrono_tz::TzOffset| !o.dst_offset().is_zero();
                    match ambiguous {
                        Ambiguous::Raise => Err(Error::InvalidArgument(format!(
                            "{what}: {} is ambiguous in {} (a daylight saving time change repeats it); \
                             pass ambiguous='NaT', True (the DST time) or False (the standard time)",
                            wall_text(w, unit),
                            self.name
                        ))),
                        Ambiguous::NaT => Ok(None),
                        // pandas' True and False pick by DST, not by order;
                        // a change that is not a DST one (both or neither
                        // DST) takes the first for True, the second for False.
                        Ambiguous::Dst if is_dst(&second.1) && !is_dst(&first.1) => Ok(Some(second.0)),
                        Ambiguous::Dst => Ok(Some(first.0)),
                        Ambiguous::Standard if is_dst(&second.1) && !is_dst(&first.1) => Ok(Some(first.0)),
                        Ambiguous::Standard => Ok(Some(second.0)),
                    }
                }
                LocalResult::None => match nonexistent {
                    Nonexistent::Raise => Err(Error::InvalidArgument(format!(
                        "{what}: {} does not exist in {} (a daylight saving time change skips it); \
                         pass nonexistent='NaT', 'shift_forward' or 'shift_backward'",
                        wall_text(w, unit),
                        self.name
                    ))),
                    Nonexistent::NaT => Ok(None),
                    Nonexistent::ShiftForward | Nonexistent::ShiftBackward => {
                        let change = self.gap_end(seconds).ok_or_else(|| {
                            Error::InvalidArgument(format!(
                                "{what}: cannot find the end of the gap {} falls in, in {}",
                                wall_text(w, unit),
                                self.name
                            ))
                        })?;
                        let end = change.checked_mul(per_second).ok_or_else(|| out_of_range(w, unit))?;
                        Ok(Some(if nonexistent == Nonexistent::ShiftForward { end } else { end - 1 }))
                    }
                },
            },
        }
    }

    /// The instant (in seconds) a DST change ends the gap that skips the
    /// wall time `wall` (seconds): the first instant whose wall time is
    /// past `wall`. The offsets a day before and a day after bound it.
    fn gap_end(&self, wall: i64) -> Option<i64> {
        let before = self.offset_at(wall.checked_sub(DAY_SECONDS)?)?;
        let after = self.offset_at(wall.checked_add(DAY_SECONDS)?)?;
        let past = |x: i64| self.offset_at(x).map(|o| x + o > wall);
        // Instants in [lo, hi]: before the change their wall time is before
        // `wall`, from it after.
        let (mut lo, mut hi) = (wall - after, wall - before);
        if lo >= hi || past(lo)? || !past(hi)? {
            return None;
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if past(mid)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Some(hi)
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// `±HH:MM`, `±HHMM` or `±HH` as an offset.
fn parse_offset(text: &str) -> Option<FixedOffset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|&c| c != ':').collect();
    let colons = rest.len() - digits.len();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!((digits.len(), colons), (2, 0) | (4, 0 | 1)) {
        return None;
    }
    let hours: i32 = digits.get(..2)?.parse().ok()?;
    let minutes: i32 = digits.get(2..).filter(|m| !m.is_empty()).map_or(Some(0), |m| m.parse().ok())?;
    if minutes >= 60 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// An offset as Python's `isoformat` writes it: `+02:00`, `-05:00`, and
/// `+00:09:21` when there are seconds (an old local mean time).
pub fn offset_name(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    if s.is_multiple_of(60) {
        format!("{sign}{:02}:{:02}", s / 3600, s / 60 % 60)
    } else {
        format!("{sign}{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

fn units_per_second(unit: TimeUnit) -> i64 {
    1_000_000_000 / nanos_per(unit)
}

/// A wall-clock value as pandas shows it in messages: `2024-03-10 02:30:00`.
fn wall_text(w: i64, unit: TimeUnit) -> String {
    let per_second = units_per_second(unit);
    let seconds = w.div_euclid(per_second);
    let fraction = w.rem_euclid(per_second);
    match DateTime::from_timestamp(seconds, 0) {
        Some(t) if fraction == 0 => t.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string(),
        Some(t) => {
            let digits = per_second.ilog10() as usize;
            format!("{}.{fraction:0digits$}", t.naive_utc().format("%Y-%m-%d %H:%M:%S"))
        }
        None => format!("{w} {unit:?}s"),
    }
}

fn out_of_range(v: i64, unit: TimeUnit) -> Error {
    Error::InvalidArgument(format!(
        "timestamp {v} ({unit:?}s since the epoch) is out of range for a time zone"
    ))
}

/// The wall-clock times of a zoned timestamp array (`Timestamp(unit,
/// Some(zone))`), as a naive one of the same unit; any other array is
/// returned as it is.
///
/// # Errors
/// An unknown zone, or a value beyond chrono's range.
pub fn to_local(values: &ArrayRef) -> Result<ArrayRef> {
    let DataType::Timestamp(unit, Some(tz)) = values.data_type() else {
        return Ok(Arc::clone(values));
    };
    let zone = Zone::parse(tz)?;
    let naive = DataType::Timestamp(*unit, None);
    let raw = cast(values, &DataType::Int64)?;
    let raw = raw.as_primitive::<Int64Type>();
    let out: PrimitiveArray<Int64Type> = if zone.is_fixed() {
        // One offset for every value.
        let offset = zone.offset_at(0).unwrap_or(0) * units_per_second(*unit);
        raw.try_unary(|v| v.checked_add(offset).ok_or_else(|| out_of_range(v, *unit)))?
    } else {
        raw.try_unary(|v| zone.to_local(v, *unit))?
    };
    Ok(cast(&(Arc::new(out) as ArrayRef), &naive)?)
}

/// The instants of the wall-clock times `values` (a naive timestamp
/// array) in `zone`, as `Timestamp(unit, Some(zone))`; nulls stay null and
/// so do the times the policies make null.
///
/// # Errors
/// As [`Zone::from_local`]; [`Error::Type`] for an array that is not naive
/// timestamps.
pub fn from_local(
    values: &ArrayRef,
    zone: &Zone,
    ambiguous: Ambiguous,
    nonexistent: Nonexistent,
    what: &str,
) -> Result<ArrayRef> {
    let unit = match values.data_type() {
        DataType::Timestamp(unit, None) => *unit,
        other => {
            return Err(Error::type_error(format!(
                "{what} needs naive timestamps, got {}",
                crate::dtype::pandas_dtype(other)
            )))
        }
    };
    let zoned = DataType::Timestamp(unit, Some(zone.arrow_name()));
    let raw = cast(values, &DataType::Int64)?;
    let raw = raw.as_primitive::<Int64Type>();
    let out: PrimitiveArray<Int64Type> = if zone.is_fixed() {
        let offset = zone.offset_at(0).unwrap_or(0) * units_per_second(unit);
        raw.try_unary(|w| w.checked_sub(offset).ok_or_else(|| out_of_range(w, unit)))?
    } else {
        let mut out = Vec::with_capacity(raw.len());
        for i in 0..raw.len() {
            out.push(if raw.is_null(i) {
                None
            } else {
                zone.from_local(raw.value(i), unit, ambiguous, nonexistent, what)?
            });
        }
        out.into_iter().collect()
    };
    Ok(cast(&(Arc::new(out) as ArrayRef), &zoned)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::TimestampSecondArray;
    use chrono::NaiveDateTime;

    fn at(text: &str) -> i64 {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp()
    }

    fn new_york() -> Zone {
        Zone::parse("America/New_York").unwrap()
    }

    #[test]
    fn names_parse_and_normalize() {
        assert_eq!(Zone::parse("utc").unwrap().name(), "UTC");
        assert_eq!(Zone::parse("Z").unwrap().name(), "UTC");
        assert_eq!(Zone::parse("+0200").unwrap().name(), "+02:00");
        assert_eq!(Zone::parse("-05").unwrap().name(), "-05:00");
        assert_eq!(Zone::parse("UTC+05:30").unwrap().name(), "+05:30");
        assert_eq!(Zone::parse("Europe/Paris").unwrap().name(), "Europe/Paris");
        assert!(Zone::parse("UTC").unwrap().is_fixed());
        assert!(!new_york().is_fixed());
        for bad in ["Mars/Base", "", "+2", "+02:0", "+02:60", "europe/paris", "+02:00:00"] {
            let err = Zone::parse(bad).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidArgument(m) if m.contains(&format!("{bad:?}"))),
                "{bad}: {err}"
            );
        }
        let ts = DataType::Timestamp(TimeUnit::Second, Some("Asia/Kolkata".into()));
        assert_eq!(Zone::of(&ts).unwrap().unwrap().name(), "Asia/Kolkata");
        assert_eq!(Zone::of(&DataType::Timestamp(TimeUnit::Second, None)).unwrap(), None);
        assert!(matches!(Zone::of(&DataType::Int64), Err(Error::Type { .. })));
    }

    #[test]
    fn offsets_follow_daylight_saving_time() {
        let ny = new_york();
        assert_eq!(ny.offset_at(at("2024-03-10 06:59:59")), Some(-5 * 3600));
        assert_eq!(ny.offset_at(at("2024-03-10 07:00:00")), Some(-4 * 3600));
        assert_eq!(ny.abbreviation(at("2024-07-01 00:00:00")).as_deref(), Some("EDT"));
        assert_eq!(Zone::parse("+02:00").unwrap().abbreviation(0).as_deref(), Some("UTC+02:00"));
        assert_eq!(offset_name(561), "+00:09:21");
        assert_eq!(offset_name(-19_800), "-05:30");
        assert_eq!(
            ny.to_local(at("2024-11-03 05:30:00"), TimeUnit::Second).unwrap(),
            at("2024-11-03 01:30:00")
        );
        assert_eq!(
            ny.to_local(at("2024-11-03 06:30:00"), TimeUnit::Second).unwrap(),
            at("2024-11-03 01:30:00")
        );
    }

    #[test]
    fn wall_times_localize_as_pandas_does() {
        let ny = new_york();
        let s = TimeUnit::Second;
        let local = |text, a, n| ny.from_local(at(text), s, a, n, "dt.tz_localize");
        let (raise, nat) = (Ambiguous::Raise, Nonexistent::Raise);
        assert_eq!(local("2024-03-10 01:30:00", raise, nat).unwrap(), Some(at("2024-03-10 06:30:00")));
        let err = local("2024-03-10 02:30:00", raise, nat).unwrap_err().to_string();
        assert!(err.contains("2024-03-10 02:30:00 does not exist in America/New_York"), "{err}");
        let err = local("2024-11-03 01:30:00", raise, nat).unwrap_err().to_string();
        assert!(err.contains("2024-11-03 01:30:00 is ambiguous in America/New_York"), "{err}");
        assert_eq!(local("2024-11-03 01:30:00", Ambiguous::NaT, nat).unwrap(), None);
        assert_eq!(
            local("2024-11-03 01:30:00", Ambiguous::Dst, nat).unwrap(),
            Some(at("2024-11-03 05:30:00"))
        );
        assert_eq!(
            local("2024-11-03 01:30:00", Ambiguous::Standard, nat).unwrap(),
            Some(at("2024-11-03 06:30:00"))
        );
        assert_eq!(local("2024-03-10 02:30:00", raise, Nonexistent::NaT).unwrap(), None);
        let forward = local("2024-03-10 02:30:00", raise, Nonexistent::ShiftForward).unwrap();
        assert_eq!(forward, Some(at("2024-03-10 07:00:00")));
        let backward = local("2024-03-10 02:30:00", raise, Nonexistent::ShiftBackward).unwrap();
        assert_eq!(backward, Some(at("2024-03-10 06:59:59")));
        // Sub-second units: the message shows the fraction, the shift is one unit.
        let us = TimeUnit::Microsecond;
        let w = at("2024-03-10 02:30:00") * 1_000_000 + 500_000;
        let err = ny.from_local(w, us, raise, nat, "x").unwrap_err().to_string();
        assert!(err.contains("2024-03-10 02:30:00.500000 does not exist"), "{err}");
        let back = ny.from_local(w, us, raise, Nonexistent::ShiftBackward, "x").unwrap();
        assert_eq!(back, Some(at("2024-03-10 07:00:00") * 1_000_000 - 1));
        // Paris springs forward at 02:00 local, 01:00 UTC.
        let paris = Zone::parse("Europe/Paris").unwrap();
        let f =
            paris.from_local(at("2024-03-31 02:15:00"), s, raise, Nonexistent::ShiftForward, "x").unwrap();
        assert_eq!(f, Some(at("2024-03-31 01:00:00")));
    }

    #[test]
    fn arrays_go_to_local_time_and_back() {
        let instants = vec![Some(at("2024-11-03 05:30:00")), None, Some(at("2024-11-03 06:30:00"))];
        let zoned: ArrayRef =
            Arc::new(TimestampSecondArray::from(instants.clone()).with_timezone("America/New_York"));
        let local = to_local(&zoned).unwrap();
        assert_eq!(local.data_type(), &DataType::Timestamp(TimeUnit::Second, None));
        let walls = local.as_primitive::<arrow::datatypes::TimestampSecondType>();
        assert_eq!(
            walls.iter().collect::<Vec<_>>(),
            [Some(at("2024-11-03 01:30:00")), None, Some(at("2024-11-03 01:30:00"))]
        );
        let err = from_local(&local, &new_york(), Ambiguous::Raise, Nonexistent::Raise, "f").unwrap_err();
        assert!(err.to_string().contains("ambiguous"), "{err}");
        let back = from_local(&local, &new_york(), Ambiguous::NaT, Nonexistent::Raise, "f").unwrap();
        assert_eq!(back.data_type(), zoned.data_type());
        assert_eq!(back.null_count(), 3);
        // Sliced, fixed offset.
        let fixed: ArrayRef = Arc::new(TimestampSecondArray::from(instants).with_timezone("+02:00"));
        let local = to_local(&fixed.slice(2, 1)).unwrap();
        assert_eq!(
            local.as_primitive::<arrow::datatypes::TimestampSecondType>().value(0),
            at("2024-11-03 08:30:00")
        );
        let empty = to_local(&fixed.slice(0, 0)).unwrap();
        assert_eq!(empty.len(), 0);
        let naive: ArrayRef = Arc::new(TimestampSecondArray::from(vec![Some(1)]));
        assert!(Arc::ptr_eq(&to_local(&naive).unwrap(), &naive));
        let dates: ArrayRef = Arc::new(arrow::array::Date32Array::from(vec![Some(1)]));
        assert!(Arc::ptr_eq(&to_local(&dates).unwrap(), &dates));
    }
}
