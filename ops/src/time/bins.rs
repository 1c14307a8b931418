//! The bin of each timestamp, as pandas' `resample` labels it, and the
//! label of the bin after a given one (to fill empty bins).
//!
//! Fixed frequencies bin from an origin: `origin + k * freq`. rusk takes
//! pandas' `origin="epoch"` and `"start_day"` (the default) where they
//! agree without looking at the data: `start_day` (midnight of the first
//! day) gives the epoch's bins whenever the frequency divides a day, as
//! "s", "15min", "h" and "D" do. Calendar rules bin by the calendar: a
//! week, month, quarter or year, labelled by its first or last day.
//!
//! On a zoned column, as pandas does:
//!
//! - days, weeks, months, quarters and years bin the wall-clock time, and
//!   each label is its local midnight (a 'D' bin across a DST change is 23
//!   or 25 hours long);
//! - fixed frequencies ("h", "15min") step in real time from the first
//!   day's local midnight, so the hour a fall-back repeats is two bins
//!   (01:00-04:00 and 01:00-05:00 in New York). Each value's own day's
//!   midnight stands for the first day's; they agree unless the UTC offset
//!   changed by other than a multiple of the frequency in between (a "2h"
//!   rule across a one-hour DST change), which `fill_empty_bins` detects
//!   and refuses.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, PrimitiveArray};
use arrow::datatypes::{DataType, Int64Type, TimeUnit};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::freq::{Freq, NANOS_PER_DAY};
use super::zone::{from_local, to_local, Ambiguous, Nonexistent, Zone};
use super::UNIX_EPOCH_DAYS_FROM_CE;
use crate::error::{Error, Result};

/// How a bin label that is a local wall time becomes an instant, as
/// pandas' `date_range(..., ambiguous=True, nonexistent="shift_forward")`
/// makes the labels of a zoned resample.
const LABEL_AMBIGUOUS: Ambiguous = Ambiguous::Dst;
const LABEL_NONEXISTENT: Nonexistent = Nonexistent::ShiftForward;

/// Where fixed-frequency bins start counting from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// Midnight of the first day in the data (pandas' default).
    StartDay,
    /// 1970-01-01 00:00.
    Epoch,
}

/// How timestamps are binned: pandas' `rule`, `closed`, `label`, `origin`
/// and `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bins {
    /// The frequency.
    pub freq: Freq,
    /// Bins include their right edge, not their left (`closed="right"`).
    pub closed_right: bool,
    /// Bins are labelled by their right edge (`label="right"`).
    pub label_right: bool,
    /// Where fixed-frequency bins count from.
    pub origin: Origin,
    /// Added to the origin, in nanoseconds.
    pub offset: i64,
}

impl Bins {
    /// `freq`'s bins with pandas' defaults for `closed` and `label`.
    pub fn new(freq: Freq) -> Self {
        let right = freq.closed_right_by_default();
        Bins { freq, closed_right: right, label_right: right, origin: Origin::StartDay, offset: 0 }
    }

    /// Checks the combination can be binned without the data.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for what rusk does not support yet: a
    /// `start_day` origin with a frequency that does not divide a day, an
    /// offset on a calendar rule, or a calendar rule's non-default `closed`
    /// or `label`.
    pub fn check(&self) -> Result<()> {
        match self.freq.fixed_nanos() {
            Some(nanos) => {
                if self.origin == Origin::StartDay && NANOS_PER_DAY % nanos != 0 {
                    return Err(Error::InvalidArgument(format!(
                        "resample rule {}: bins from the first day's midnight (origin='start_day') depend on \
                         the data for a frequency that does not divide a day; not supported yet: use origin='epoch'",
                        self.freq
                    )));
                }
            }
            None => {
                let right = self.freq.closed_right_by_default();
                if self.closed_right != right || self.label_right != right || self.offset != 0 {
                    return Err(Error::InvalidArgument(format!(
                        "resample rule {}: only pandas' default closed, label and no offset are supported for \
                         calendar rules so far",
                        self.freq
                    )));
                }
            }
        }
        Ok(())
    }

    /// The bin label of each value of `values` (timestamps, naive or
    /// zoned), as the same type; nulls stay null.
    ///
    /// # Errors
    /// [`Error::Type`] for another type; [`Error::InvalidArgument`] for a
    /// frequency finer than the column's unit, or a label out of range.
    pub fn labels(&self, values: &ArrayRef) -> Result<ArrayRef> {
        self.check()?;
        let unit = timestamp_unit(values.data_type())?;
        if let Some(zone) = Zone::of(values.data_type())? {
            if let Freq::Day(days @ 2..) = self.freq {
                // pandas ignores `origin` for day rules on a zoned column
                // and counts from the first day in the data.
                return Err(Error::InvalidArgument(format!(
                    "resample rule {days}D on a column in {zone}: pandas counts multi-day bins from the \
                     first day in the data there, whatever the origin; not supported yet (use 'D', or \
                     tz_localize(None) first)"
                )));
            }
            if !zone.is_fixed()
                || matches!(self.freq, Freq::Week { .. } | Freq::Calendar { .. } | Freq::Day(_))
            {
                return self.zoned_labels(values, &zone, unit);
            }
        }
        let per_unit = nanos_per(unit);
        let raw = arrow::compute::cast(values, &DataType::Int64)?;
        let raw = raw.as_primitive::<Int64Type>();
        let out: PrimitiveArray<Int64Type> = match self.freq.fixed_nanos() {
            Some(nanos) => {
                let (step, origin) = (in_units(nanos, per_unit)?, in_units(self.offset, per_unit)?);
                // A fixed offset shifts the first day's midnight (and the
                // epoch's) by itself: bins count from local midnight.
                let origin = match Zone::of(values.data_type())? {
                    Some(zone) => origin - zone.to_local(0, unit)?,
                    None => origin,
                };
                raw.try_unary(|v| self.tick_label(v, step, origin))?
            }
            None => {
                // Rows of one day share a bin: computed once per run of days.
                let day = NANOS_PER_DAY / per_unit;
                let mut last: Option<(i64, i64)> = None;
                let mut out = Vec::with_capacity(raw.len());
                for &v in raw.values() {
                    let days = v.div_euclid(day);
                    let label = match last {
                        Some((d, label)) if d == days => label,
                        _ => {
                            let label =
                                calendar_label(days, self.freq)?.checked_mul(day).ok_or_else(out_of_range)?;
                            last = Some((days, label));
                            label
                        }
                    };
                    out.push(label);
                }
                PrimitiveArray::<Int64Type>::new(out.into(), raw.nulls().cloned())
            }
        };
        Ok(arrow::compute::cast(&(Arc::new(out) as ArrayRef), values.data_type())?)
    }

    /// [`Bins::labels`] of a zoned column (see the module's docs).
    fn zoned_labels(&self, values: &ArrayRef, zone: &Zone, unit: TimeUnit) -> Result<ArrayRef> {
        let Freq::Tick(nanos) = self.freq else {
            // Bins of the wall clock, labelled by local times.
            let local = self.labels(&to_local(values)?)?;
            return from_local(&local, zone, LABEL_AMBIGUOUS, LABEL_NONEXISTENT, "resample");
        };
        let per_unit = nanos_per(unit);
        let (step, offset) = (in_units(nanos, per_unit)?, in_units(self.offset, per_unit)?);
        let day = NANOS_PER_DAY / per_unit;
        let midnight = |wall_day: i64| -> Result<i64> {
            let wall = wall_day.checked_mul(day).ok_or_else(out_of_range)?;
            zone.from_local(wall, unit, LABEL_AMBIGUOUS, LABEL_NONEXISTENT, "resample")?
                .ok_or_else(|| Error::Internal("a local midnight localized to null".into()))
        };
        let epoch = midnight(0)?;
        let raw = arrow::compute::cast(values, &DataType::Int64)?;
        let raw = raw.as_primitive::<Int64Type>();
        // Rows of one local day share an origin: computed once per run of days.
        let mut last: Option<(i64, i64)> = None;
        let mut out = Vec::with_capacity(raw.len());
        for (i, &v) in raw.values().iter().enumerate() {
            if raw.is_null(i) {
                out.push(0);
                continue;
            }
            let origin = match self.origin {
                Origin::Epoch => epoch,
                Origin::StartDay => {
                    let wall_day = zone.to_local(v, unit)?.div_euclid(day);
                    match last {
                        Some((d, origin)) if d == wall_day => origin,
                        _ => {
                            let origin = midnight(wall_day)?;
                            last = Some((wall_day, origin));
                            origin
                        }
                    }
                }
            };
            out.push(self.tick_label(v, step, origin.checked_add(offset).ok_or_else(out_of_range)?)?);
        }
        let out = PrimitiveArray::<Int64Type>::new(out.into(), raw.nulls().cloned());
        Ok(arrow::compute::cast(&(Arc::new(out) as ArrayRef), values.data_type())?)
    }

    fn tick_label(&self, v: i64, step: i64, origin: i64) -> Result<i64> {
        let since = v.checked_sub(origin).ok_or_else(out_of_range)?;
        let k = if self.closed_right { ceil_div(since, step) - 1 } else { since.div_euclid(step) };
        let k = if self.label_right { k + 1 } else { k };
        k.checked_mul(step).and_then(|s| s.checked_add(origin)).ok_or_else(out_of_range)
    }

    /// The label of the bin after the one labelled `label`, in `unit`, on
    /// a column in `zone` (`None`: naive).
    ///
    /// # Errors
    /// As [`Bins::labels`].
    pub fn next_label(&self, label: i64, unit: TimeUnit, zone: Option<&Zone>) -> Result<i64> {
        let per_unit = nanos_per(unit);
        if let (Some(zone), Freq::Day(_) | Freq::Week { .. } | Freq::Calendar { .. }) = (zone, self.freq) {
            // The next wall-clock label, from this one's bin (a label
            // shifted past a gap still lies in its bin).
            let wall = zone.to_local(label, unit)?;
            let wall = match self.freq.fixed_nanos() {
                Some(nanos) => {
                    let (step, origin) = (in_units(nanos, per_unit)?, in_units(self.offset, per_unit)?);
                    origin + (wall - origin).div_euclid(step) * step
                }
                None => calendar_label(wall.div_euclid(NANOS_PER_DAY / per_unit), self.freq)?
                    .checked_mul(NANOS_PER_DAY / per_unit)
                    .ok_or_else(out_of_range)?,
            };
            let next = self.next_label(wall, unit, None)?;
            return zone
                .from_local(next, unit, LABEL_AMBIGUOUS, LABEL_NONEXISTENT, "resample")?
                .ok_or_else(|| Error::Internal("a resample label localized to null".into()));
        }
        match self.freq {
            Freq::Tick(_) | Freq::Day(_) => {
                let nanos = self.freq.fixed_nanos().ok_or_else(out_of_range)?;
                label.checked_add(in_units(nanos, per_unit)?).ok_or_else(out_of_range)
            }
            freq => {
                let day = NANOS_PER_DAY / per_unit;
                let days = label.div_euclid(day);
                let next = match freq {
                    Freq::Week { .. } => days + 7,
                    // The day after this period's last day is in the next
                    // period; a period labelled by its start ends before the
                    // start of the next one.
                    Freq::Calendar { end: true, .. } => calendar_label(days + 1, freq)?,
                    Freq::Calendar { months, end: false } => {
                        let date = to_date(days)?;
                        from_date(add_months(date, months)?)
                    }
                    Freq::Tick(_) | Freq::Day(_) => days,
                };
                next.checked_mul(day).ok_or_else(out_of_range)
            }
        }
    }
}

/// The label (days since the epoch) of the calendar bin of day `days`.
fn calendar_label(days: i64, freq: Freq) -> Result<i64> {
    let date = to_date(days)?;
    match freq {
        Freq::Week { anchor } => {
            let ahead =
                (7 + anchor.num_days_from_monday() as i64 - date.weekday().num_days_from_monday() as i64) % 7;
            Ok(days + ahead)
        }
        Freq::Calendar { months, end } => {
            let first_month = (date.month0() / months) * months + 1;
            let start = NaiveDate::from_ymd_opt(date.year(), first_month, 1).ok_or_else(out_of_range)?;
            if end {
                Ok(from_date(add_months(start, months)?) - 1)
            } else {
                Ok(from_date(start))
            }
        }
        Freq::Tick(_) | Freq::Day(_) => Err(Error::Internal("a calendar label of a fixed frequency".into())),
    }
}

fn add_months(date: NaiveDate, months: u32) -> Result<NaiveDate> {
    date.checked_add_months(chrono::Months::new(months)).ok_or_else(out_of_range)
}

fn to_date(days: i64) -> Result<NaiveDate> {
    i32::try_from(days + i64::from(UNIX_EPOCH_DAYS_FROM_CE))
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or_else(out_of_range)
}

fn from_date(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - i64::from(UNIX_EPOCH_DAYS_FROM_CE)
}

fn ceil_div(a: i64, b: i64) -> i64 {
    -((-a).div_euclid(b))
}

fn out_of_range() -> Error {
    Error::InvalidArgument("a resample bin falls outside the timestamps' range".into())
}

/// The unit of a timestamp column.
pub(crate) fn timestamp_unit(data_type: &DataType) -> Result<TimeUnit> {
    match data_type {
        DataType::Timestamp(unit, _) => Ok(*unit),
        other => Err(Error::type_error(format!(
            "resample needs a datetime column, got {}",
            crate::dtype::pandas_dtype(other)
        ))),
    }
}

/// Nanoseconds in one `unit`.
pub fn nanos_per(unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => 1_000_000_000,
        TimeUnit::Millisecond => 1_000_000,
        TimeUnit::Microsecond => 1_000,
        TimeUnit::Nanosecond => 1,
    }
}

/// `nanos` in units of `per_unit` nanoseconds, which must divide it.
fn in_units(nanos: i64, per_unit: i64) -> Result<i64> {
    if nanos % per_unit == 0 {
        Ok(nanos / per_unit)
    } else {
        Err(Error::InvalidArgument(format!(
            "{nanos} ns is finer than the column's unit ({per_unit} ns): cast the column to a finer unit first"
        )))
    }
}
