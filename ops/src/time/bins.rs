//! The bin of each timestamp, as pandas' `resample` labels it, and the
//! label of the bin after a given one (to fill empty bins).
//!
//! Fixed frequencies bin from an origin: `origin + k * freq`. The origin
//! is the epoch, midnight of the group's first day (`start_day`, pandas'
//! default) or the group's first time (`start`). Where the frequency
//! divides a day, `start_day` gives the epoch's bins and the data is not
//! needed; otherwise each row comes with its group's first time (see
//! [`Bins::needs_first`]). Calendar rules bin by the calendar (see
//! `calendar::Grid`): a week, month, quarter or year, labelled by its
//! first or last day; a multiple ("3MS", "2W") counts its periods from
//! the group's first, as pandas does.
//!
//! On a zoned column, as pandas does:
//!
//! - days, weeks, months, quarters and years bin the wall-clock time, and
//!   each label is its local midnight (a 'D' bin across a DST change is 23
//!   or 25 hours long);
//! - fixed frequencies ("h", "15min") step in real time from the first
//!   day's local midnight, so the hour a fall-back repeats is two bins
//!   (01:00-04:00 and 01:00-05:00 in New York). For a frequency that
//!   divides an hour each value's own day's midnight stands for the first
//!   day's; they agree unless the UTC offset changed by other than a
//!   multiple of the frequency in between (a 30-minute DST change), which
//!   `fill_empty_bins` detects and refuses.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array, PrimitiveArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Int64Type, TimeUnit};
use serde::{Deserialize, Serialize};

use super::calendar::{out_of_range, Grid};
use super::freq::{Freq, NANOS_PER_DAY};
use super::zone::{from_local, to_local, Ambiguous, Nonexistent, Zone};
use crate::error::{Error, Result};

/// How a bin label that is a local wall time becomes an instant, as
/// pandas' `date_range(..., ambiguous=True, nonexistent="shift_forward")`
/// makes the labels of a zoned resample.
const LABEL_AMBIGUOUS: Ambiguous = Ambiguous::Dst;
const LABEL_NONEXISTENT: Nonexistent = Nonexistent::ShiftForward;

/// Nanoseconds in an hour: the DST changes rusk expects are multiples.
const NANOS_PER_HOUR: i64 = 3_600_000_000_000;

/// Where fixed-frequency bins start counting from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// Midnight of the group's first day (pandas' default).
    StartDay,
    /// The group's first time.
    Start,
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

    /// Checks the combination can be binned.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an offset on a calendar rule, which
    /// pandas ignores (with a warning).
    pub fn check(&self) -> Result<()> {
        if self.offset != 0 && self.freq.fixed_nanos().is_none() {
            return Err(Error::InvalidArgument(format!(
                "resample rule {}: an offset does not apply to weeks, months, quarters or years (pandas \
                 ignores it with a warning); leave it out",
                self.freq
            )));
        }
        Ok(())
    }

    /// Whether binning a column of `data_type` needs each row's group's
    /// first time (the second argument of [`Bins::labels`]): for
    /// `origin='start'`, for `start_day` with a frequency that does not
    /// divide a day (an hour, on a column in a zone with DST), and for a
    /// multiple of a calendar rule.
    ///
    /// # Errors
    /// [`Error::Type`] for a column that is not a timestamp.
    pub fn needs_first(&self, data_type: &DataType) -> Result<bool> {
        timestamp_unit(data_type)?;
        Ok(match self.freq {
            Freq::Week { count, .. } | Freq::Calendar { count, .. } => count > 1,
            Freq::Tick(_) | Freq::Day(_) => {
                let divides = |span: i64| self.freq.fixed_nanos().is_some_and(|n| span % n == 0);
                match self.origin {
                    // On a zoned column, days of the wall clock from the
                    // first day (see `labels`).
                    _ if matches!(self.freq, Freq::Day(2..)) && Zone::of(data_type)?.is_some() => true,
                    Origin::Epoch => false,
                    Origin::Start => true,
                    Origin::StartDay => match (Zone::of(data_type)?, self.freq) {
                        // Days of the wall clock.
                        (Some(zone), Freq::Day(_)) if !zone.is_fixed() => false,
                        (Some(zone), _) if !zone.is_fixed() => !divides(NANOS_PER_HOUR),
                        _ => !divides(NANOS_PER_DAY),
                    },
                }
            }
        })
    }

    /// The bin label of each value of `values` (timestamps, naive or
    /// zoned), as the same type; nulls stay null. `firsts` holds each
    /// row's group's first time where [`Bins::needs_first`] says so (a
    /// null there gives null).
    ///
    /// # Errors
    /// [`Error::Type`] for another type; [`Error::InvalidArgument`] for a
    /// frequency finer than the column's unit, or a label out of range.
    pub fn labels(&self, values: &ArrayRef, firsts: Option<&ArrayRef>) -> Result<ArrayRef> {
        self.check()?;
        let unit = timestamp_unit(values.data_type())?;
        if self.needs_first(values.data_type())? && firsts.is_none() {
            return Err(Error::Internal(format!(
                "resample rule {}: bins without the groups' first times",
                self.freq
            )));
        }
        let zone = Zone::of(values.data_type())?;
        if let Some(zone) = &zone {
            if !matches!(self.freq, Freq::Tick(_)) {
                // Bins of the wall clock, labelled by local times. pandas
                // counts multi-day bins from the first day there, whatever
                // the origin.
                let mut bins = *self;
                if let Freq::Day(2..) = self.freq {
                    bins.origin = Origin::StartDay;
                }
                let firsts = firsts.map(to_local).transpose()?;
                let local = bins.labels(&to_local(values)?, firsts.as_ref())?;
                return from_local(&local, zone, LABEL_AMBIGUOUS, LABEL_NONEXISTENT, "resample");
            }
        }
        let raw = arrow::compute::cast(values, &DataType::Int64)?;
        let raw = raw.as_primitive::<Int64Type>();
        let firsts = firsts.map(|f| arrow::compute::cast(f, &DataType::Int64)).transpose()?;
        let firsts = firsts.as_ref().map(|f| f.as_primitive::<Int64Type>());
        let out = match Grid::of(self.freq) {
            None => self.tick_labels(raw, firsts, unit, zone.as_ref())?,
            Some(grid) => self.calendar_labels(raw, firsts, unit, grid)?,
        };
        Ok(arrow::compute::cast(&(Arc::new(out) as ArrayRef), values.data_type())?)
    }

    /// [`Bins::labels`] of a fixed frequency, as instants.
    fn tick_labels(
        &self,
        raw: &Int64Array,
        firsts: Option<&Int64Array>,
        unit: TimeUnit,
        zone: Option<&Zone>,
    ) -> Result<Int64Array> {
        let per_unit = nanos_per(unit);
        let nanos = self.freq.fixed_nanos().ok_or_else(out_of_range)?;
        let (step, offset) = (in_units(nanos, per_unit)?, in_units(self.offset, per_unit)?);
        let day = NANOS_PER_DAY / per_unit;
        // The instant of the local midnight of wall-clock day `wall_day`.
        let midnight = |wall_day: i64| -> Result<i64> {
            let wall = wall_day.checked_mul(day).ok_or_else(out_of_range)?;
            match zone {
                None => Ok(wall),
                Some(zone) => zone
                    .from_local(wall, unit, LABEL_AMBIGUOUS, LABEL_NONEXISTENT, "resample")?
                    .ok_or_else(|| Error::Internal("a local midnight localized to null".into())),
            }
        };
        let wall_day = |v: i64| -> Result<i64> {
            Ok(match zone {
                None => v,
                Some(zone) => zone.to_local(v, unit)?,
            }
            .div_euclid(day))
        };
        let epoch = midnight(0)?.checked_add(offset).ok_or_else(out_of_range)?;
        let one_origin = match self.origin {
            Origin::Epoch => true,
            // A frequency that divides a day has the same bins from every
            // midnight: the epoch's, where every day is as long.
            Origin::StartDay => firsts.is_none() && zone.is_none_or(Zone::is_fixed),
            Origin::Start => false,
        };
        if one_origin {
            // Times come in runs within one bin (a file in time order):
            // the last bin's edges answer most rows without a division.
            let mut last: Option<(i64, i64, i64)> = None;
            let mut out = Vec::with_capacity(raw.len());
            for (i, &v) in raw.values().iter().enumerate() {
                if raw.is_null(i) {
                    out.push(0);
                    continue;
                }
                let label = match last {
                    Some((low, high, label)) if self.in_bin(v, low, high) => label,
                    _ => {
                        let label = self.tick_label(v, step, epoch)?;
                        // A bin's left edge, then its right one.
                        let low = if self.label_right { label.checked_sub(step) } else { Some(label) };
                        last = low.and_then(|low| Some((low, low.checked_add(step)?, label)));
                        label
                    }
                };
                out.push(label);
            }
            return Ok(PrimitiveArray::new(out.into(), raw.nulls().cloned()));
        }
        let nulls = NullBuffer::union(raw.nulls(), firsts.and_then(|f| f.nulls()));
        // Rows of one day (or one group) share an origin: computed once per run.
        let mut last: Option<(i64, i64)> = None;
        let mut out = Vec::with_capacity(raw.len());
        for (i, &v) in raw.values().iter().enumerate() {
            if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                out.push(0);
                continue;
            }
            let (key, from_day) = match (self.origin, firsts) {
                (Origin::Start, Some(f)) => (f.value(i), false),
                (_, Some(f)) => (wall_day(f.value(i))?, true),
                (_, None) => (wall_day(v)?, true),
            };
            let origin = match last {
                Some((k, origin)) if k == key => origin,
                _ => {
                    let origin = if from_day { midnight(key)? } else { key };
                    let origin = origin.checked_add(offset).ok_or_else(out_of_range)?;
                    last = Some((key, origin));
                    origin
                }
            };
            out.push(self.tick_label(v, step, origin)?);
        }
        Ok(PrimitiveArray::new(out.into(), nulls))
    }

    /// Whether `v` lies in the bin between edges `low` and `high`.
    fn in_bin(&self, v: i64, low: i64, high: i64) -> bool {
        if self.closed_right {
            low < v && v <= high
        } else {
            low <= v && v < high
        }
    }

    fn tick_label(&self, v: i64, step: i64, origin: i64) -> Result<i64> {
        let since = v.checked_sub(origin).ok_or_else(out_of_range)?;
        let k = if self.closed_right { ceil_div(since, step) - 1 } else { since.div_euclid(step) };
        let k = if self.label_right { k + 1 } else { k };
        k.checked_mul(step).and_then(|s| s.checked_add(origin)).ok_or_else(out_of_range)
    }

    /// [`Bins::labels`] of a calendar rule over naive times: the periods
    /// between edges of `grid`, as pandas bins them. Edges are midnights,
    /// except that a rule named by its periods' last day and closed on the
    /// right ends each bin at the end of that day (pandas' default for
    /// "ME" and "W"), so the bins are whole days.
    fn calendar_labels(
        &self,
        raw: &Int64Array,
        firsts: Option<&Int64Array>,
        unit: TimeUnit,
        grid: Grid,
    ) -> Result<Int64Array> {
        let day = NANOS_PER_DAY / nanos_per(unit);
        let count = i64::from(self.freq.count());
        let end = matches!(self.freq, Freq::Week { .. } | Freq::Calendar { end: true, .. });
        let nulls = NullBuffer::union(raw.nulls(), firsts.and_then(|f| f.nulls()));
        // Rows of one day (and group) share a bin: computed once per run.
        let mut last: Option<((i64, i64), i64)> = None;
        let mut out = Vec::with_capacity(raw.len());
        for (i, &v) in raw.values().iter().enumerate() {
            if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                out.push(0);
                continue;
            }
            let (days, at_midnight) = (v.div_euclid(day), v.rem_euclid(day) == 0);
            // The last day whose edge is still at or before v's bin start:
            // a bin closed on the right takes its right edge's instant, so
            // the day before an edge at v's own midnight.
            let on_edge_day = if self.closed_right && (end || at_midnight) { days - 1 } else { days };
            let first_day = firsts.map_or(0, |f| f.value(i).div_euclid(day));
            let key = (on_edge_day, first_day);
            let label = match last {
                Some((k, label)) if k == key => label,
                _ => {
                    let edge = grid.floor(on_edge_day)?;
                    // pandas steps a multiple from the group's first day:
                    // back to its period's edge, or (closed on the right)
                    // forward to the edge ending its first bin.
                    let phase = match (count, firsts) {
                        (1, _) | (_, None) => 0,
                        _ if self.closed_right => grid.ceil(first_day)?,
                        _ => grid.floor(first_day)?,
                    };
                    let start = phase + (edge - phase).div_euclid(count) * count;
                    let label_edge = if self.label_right { start + count } else { start };
                    let label = grid.day(label_edge)?.checked_mul(day).ok_or_else(out_of_range)?;
                    last = Some((key, label));
                    label
                }
            };
            out.push(label);
        }
        Ok(PrimitiveArray::new(out.into(), nulls))
    }

    /// The label of the bin after the one labelled `label`, in `unit`, on
    /// a column in `zone` (`None`: naive).
    ///
    /// # Errors
    /// As [`Bins::labels`].
    pub fn next_label(&self, label: i64, unit: TimeUnit, zone: Option<&Zone>) -> Result<i64> {
        let per_unit = nanos_per(unit);
        let day = NANOS_PER_DAY / per_unit;
        if let (Some(zone), Freq::Day(_) | Freq::Week { .. } | Freq::Calendar { .. }) = (zone, self.freq) {
            // The next wall-clock label, from this one's bin (a label
            // shifted past a gap still lies in its bin, and its day).
            let wall = zone.to_local(label, unit)?;
            let offset = in_units(self.offset, per_unit)?;
            let wall = offset + (wall - offset).div_euclid(day) * day;
            let next = self.next_label(wall, unit, None)?;
            return zone
                .from_local(next, unit, LABEL_AMBIGUOUS, LABEL_NONEXISTENT, "resample")?
                .ok_or_else(|| Error::Internal("a resample label localized to null".into()));
        }
        match Grid::of(self.freq) {
            None => {
                let nanos = self.freq.fixed_nanos().ok_or_else(out_of_range)?;
                label.checked_add(in_units(nanos, per_unit)?).ok_or_else(out_of_range)
            }
            Some(grid) => {
                // A label is an edge's midnight.
                let edge = grid.floor(label.div_euclid(day))?;
                grid.day(edge + i64::from(self.freq.count()))?.checked_mul(day).ok_or_else(out_of_range)
            }
        }
    }
}

fn ceil_div(a: i64, b: i64) -> i64 {
    -((-a).div_euclid(b))
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
