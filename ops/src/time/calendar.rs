//! The edges of calendar periods (weeks, months, quarters, years) as days
//! since the epoch, numbered so that a multiple ("2W", "3MS") is every
//! n-th edge.
//!
//! A rule named by the first day of its periods ("MS", "QS", "YS") has an
//! edge on each period's first day; one named by the last ("ME", "QE",
//! "YE", "W-SUN") on each period's last day. Edge `i + 1` is the period
//! after edge `i`'s.

use chrono::{Datelike, NaiveDate, Weekday};

use super::freq::Freq;
use super::UNIX_EPOCH_DAYS_FROM_CE;
use crate::error::{Error, Result};

/// The numbered edges of a calendar rule's periods.
#[derive(Debug, Clone, Copy)]
pub(super) enum Grid {
    /// Edges on each `anchor` weekday.
    Weeks {
        /// Days since the epoch of edge 0 (the first `anchor` on or after it).
        first: i64,
    },
    /// Edges on the first (or, with `end`, the last) day of each period of
    /// `months` months, counted from January of year 0.
    Months { months: i64, end: bool },
}

impl Grid {
    /// The grid of a calendar rule; `None` for a fixed frequency.
    pub(super) fn of(freq: Freq) -> Option<Grid> {
        match freq {
            Freq::Week { anchor, .. } => Some(Grid::Weeks { first: days_to(anchor) }),
            Freq::Calendar { months, end, .. } => Some(Grid::Months { months: i64::from(months), end }),
            Freq::Tick(_) | Freq::Day(_) => None,
        }
    }

    /// The number of the last edge on or before day `day`.
    pub(super) fn floor(&self, day: i64) -> Result<i64> {
        match *self {
            Grid::Weeks { first } => Ok((day - first).div_euclid(7)),
            Grid::Months { months, end } => {
                let date = to_date(day)?;
                let period = (i64::from(date.year()) * 12 + i64::from(date.month0())).div_euclid(months);
                // A period's first day is on or before any of its days; its
                // last is on or after them, so before the last the edge is
                // the previous period's.
                Ok(if end && day != self.day(period)? { period - 1 } else { period })
            }
        }
    }

    /// The number of the first edge on or after day `day`.
    pub(super) fn ceil(&self, day: i64) -> Result<i64> {
        let floor = self.floor(day)?;
        Ok(if self.day(floor)? == day { floor } else { floor + 1 })
    }

    /// The day (since the epoch) of edge `edge`.
    pub(super) fn day(&self, edge: i64) -> Result<i64> {
        match *self {
            Grid::Weeks { first } => {
                edge.checked_mul(7).and_then(|d| d.checked_add(first)).ok_or_else(out_of_range)
            }
            Grid::Months { months, end } => {
                // The first day of the period, or the day before the next one's.
                let period = if end { edge + 1 } else { edge };
                let month = period.checked_mul(months).ok_or_else(out_of_range)?;
                let year = i32::try_from(month.div_euclid(12)).map_err(|_| out_of_range())?;
                let month0 = u32::try_from(month.rem_euclid(12)).map_err(|_| out_of_range())?;
                let first = NaiveDate::from_ymd_opt(year, month0 + 1, 1).ok_or_else(out_of_range)?;
                Ok(from_date(first) - i64::from(end))
            }
        }
    }
}

/// Days from the epoch (a Thursday) to the first `weekday` on or after it.
fn days_to(weekday: Weekday) -> i64 {
    let thursday = i64::from(Weekday::Thu.num_days_from_monday());
    (i64::from(weekday.num_days_from_monday()) - thursday).rem_euclid(7)
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

pub(super) fn out_of_range() -> Error {
    Error::InvalidArgument("a resample bin falls outside the timestamps' range".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> i64 {
        from_date(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
    }

    fn edge_day(grid: Grid, edge: i64) -> String {
        to_date(grid.day(edge).unwrap()).unwrap().to_string()
    }

    #[test]
    fn edges_are_the_periods_first_or_last_days() {
        let month_start = Grid::of(Freq::parse("MS").unwrap()).unwrap();
        let quarter_end = Grid::of(Freq::parse("QE").unwrap()).unwrap();
        let sundays = Grid::of(Freq::parse("W").unwrap()).unwrap();
        for (grid, on, floor, ceil) in [
            (month_start, "2024-02-15", "2024-02-01", "2024-03-01"),
            (month_start, "2024-02-01", "2024-02-01", "2024-02-01"),
            (quarter_end, "2024-02-15", "2023-12-31", "2024-03-31"),
            (quarter_end, "2024-03-31", "2024-03-31", "2024-03-31"),
            (quarter_end, "2024-04-01", "2024-03-31", "2024-06-30"),
            (sundays, "2024-02-07", "2024-02-04", "2024-02-11"),
            (sundays, "2024-02-04", "2024-02-04", "2024-02-04"),
            (sundays, "1969-12-31", "1969-12-28", "1970-01-04"),
        ] {
            assert_eq!(edge_day(grid, grid.floor(day(on)).unwrap()), floor, "{grid:?} floor of {on}");
            assert_eq!(edge_day(grid, grid.ceil(day(on)).unwrap()), ceil, "{grid:?} ceil of {on}");
            let f = grid.floor(day(on)).unwrap();
            assert!(grid.day(f + 1).unwrap() > grid.day(f).unwrap());
        }
        let year_end = Grid::of(Freq::parse("YE").unwrap()).unwrap();
        assert_eq!(edge_day(year_end, year_end.floor(day("2024-12-30")).unwrap() + 1), "2024-12-31");
    }
}
