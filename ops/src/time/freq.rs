//! pandas' frequency strings ("15min", "h", "D", "W-MON", "MS", "ME", ...):
//! a fixed length, or a calendar period.

use std::fmt;

use chrono::Weekday;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Nanoseconds in a second.
pub(crate) const NANOS_PER_SECOND: i64 = 1_000_000_000;
/// Nanoseconds in a day.
pub(crate) const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SECOND;

/// A resampling frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Freq {
    /// A fixed length, in nanoseconds ("90s", "15min", "h", "24h").
    Tick(i64),
    /// Calendar days ("D", "2D"): 24 hours on naive timestamps, but on a
    /// zoned column a day of its wall clock, 23 or 25 hours long across a
    /// DST change, as pandas' `Day` (no longer a fixed length since
    /// pandas 3).
    Day(i64),
    /// Weeks ending on `anchor` ("W" = "W-SUN", "W-MON", ...), `count`
    /// at a time ("2W").
    Week {
        /// The last day of each week.
        anchor: Weekday,
        /// Weeks per bin.
        count: u32,
    },
    /// Calendar months, quarters or years, labelled by their first day
    /// ("MS", "QS", "YS") or their last ("ME", "QE", "YE"), `count` at a
    /// time ("3MS", "2QE").
    Calendar {
        /// Months per period: 1, 3 or 12.
        months: u32,
        /// Periods named by their last day.
        end: bool,
        /// Periods per bin.
        count: u32,
    },
}

/// The units a fixed frequency may be written in, and their length.
const TICK_UNITS: [(&str, i64); 6] = [
    ("ns", 1),
    ("us", 1_000),
    ("ms", 1_000_000),
    ("s", NANOS_PER_SECOND),
    ("min", 60 * NANOS_PER_SECOND),
    ("h", 3_600 * NANOS_PER_SECOND),
];

impl Freq {
    /// Parses a pandas rule string.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the rule and what is accepted.
    pub fn parse(rule: &str) -> Result<Self> {
        let bad = |why: &str| {
            Error::InvalidArgument(format!(
                "resample rule {rule:?}: {why} (use e.g. 's', '90s', '15min', 'h', 'D', 'W', 'W-MON', \
                 'MS', 'ME', 'QS', 'QE', 'YS', 'YE')"
            ))
        };
        let digits = rule.chars().take_while(char::is_ascii_digit).count();
        let (count, unit) = rule.split_at(digits);
        let count: i64 = match count {
            "" => 1,
            n => n.parse().map_err(|_| bad("the multiple is too large"))?,
        };
        if count == 0 {
            return Err(bad("the multiple must be at least 1"));
        }
        if let Some(&(_, nanos)) = TICK_UNITS.iter().find(|(u, _)| *u == unit) {
            return count.checked_mul(nanos).map(Freq::Tick).ok_or_else(|| bad("too long"));
        }
        if unit == "D" {
            return count.checked_mul(NANOS_PER_DAY).map(|_| Freq::Day(count)).ok_or_else(|| bad("too long"));
        }
        let count = u32::try_from(count).map_err(|_| bad("the multiple is too large"))?;
        let calendar = match unit {
            "W" => Freq::Week { anchor: Weekday::Sun, count },
            "MS" | "ME" => Freq::Calendar { months: 1, end: unit == "ME", count },
            "QS" | "QE" | "QS-JAN" | "QE-DEC" => {
                Freq::Calendar { months: 3, end: unit.starts_with("QE"), count }
            }
            "YS" | "YE" | "YS-JAN" | "YE-DEC" => {
                Freq::Calendar { months: 12, end: unit.starts_with("YE"), count }
            }
            w if w.starts_with("W-") => {
                Freq::Week { anchor: weekday(&w[2..]).ok_or_else(|| bad("unknown weekday"))?, count }
            }
            "H" | "T" | "S" | "L" | "U" | "N" | "M" | "Q" | "Y" | "A" => {
                return Err(bad("pandas no longer accepts this alias"));
            }
            _ => return Err(bad("unknown unit")),
        };
        Ok(calendar)
    }

    /// The length of a fixed frequency in nanoseconds, a day being 24
    /// hours (as on naive timestamps); `None` for weeks, months, quarters
    /// and years.
    pub fn fixed_nanos(&self) -> Option<i64> {
        match *self {
            Freq::Tick(nanos) => Some(nanos),
            // `parse` checked that the product fits.
            Freq::Day(days) => days.checked_mul(NANOS_PER_DAY),
            Freq::Week { .. } | Freq::Calendar { .. } => None,
        }
    }

    /// How many weeks or calendar periods a bin spans ("3MS": 3); 1 for a
    /// fixed length.
    pub fn count(&self) -> u32 {
        match *self {
            Freq::Week { count, .. } | Freq::Calendar { count, .. } => count,
            Freq::Tick(_) | Freq::Day(_) => 1,
        }
    }

    /// pandas' default `closed` and `label`: right for the rules named by
    /// their end (weeks, "ME", "QE", "YE"), left otherwise.
    pub fn closed_right_by_default(&self) -> bool {
        matches!(self, Freq::Week { .. } | Freq::Calendar { end: true, .. })
    }
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "MON" => Weekday::Mon,
        "TUE" => Weekday::Tue,
        "WED" => Weekday::Wed,
        "THU" => Weekday::Thu,
        "FRI" => Weekday::Fri,
        "SAT" => Weekday::Sat,
        "SUN" => Weekday::Sun,
        _ => return None,
    })
}

impl fmt::Display for Freq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Freq::Tick(nanos) => {
                let (unit, len) =
                    TICK_UNITS.iter().rev().find(|(_, len)| nanos % len == 0).copied().unwrap_or(("ns", 1));
                match nanos / len {
                    1 => write!(f, "{unit}"),
                    n => write!(f, "{n}{unit}"),
                }
            }
            Freq::Day(1) => write!(f, "D"),
            Freq::Day(days) => write!(f, "{days}D"),
            Freq::Week { count: 1, anchor } => write!(f, "W-{}", anchor.to_string().to_uppercase()),
            Freq::Calendar { count: 1, months, end } => {
                let period = match months {
                    1 => "M",
                    3 => "Q",
                    _ => "Y",
                };
                write!(f, "{period}{}", if end { "E" } else { "S" })
            }
            Freq::Week { count, anchor } => write!(f, "{count}{}", Freq::Week { count: 1, anchor }),
            Freq::Calendar { count, months, end } => {
                write!(f, "{count}{}", Freq::Calendar { count: 1, months, end })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_as_pandas_spells_them() {
        let tick = |rule| match Freq::parse(rule).unwrap() {
            Freq::Tick(n) => n,
            other => panic!("{rule}: {other:?}"),
        };
        assert_eq!(tick("s"), NANOS_PER_SECOND);
        assert_eq!(tick("90s"), 90 * NANOS_PER_SECOND);
        assert_eq!(tick("15min"), 900 * NANOS_PER_SECOND);
        assert_eq!(tick("h"), 3600 * NANOS_PER_SECOND);
        assert_eq!(tick("24h"), NANOS_PER_DAY);
        assert_eq!(Freq::parse("2D").unwrap(), Freq::Day(2));
        assert_eq!(Freq::parse("D").unwrap().fixed_nanos(), Some(NANOS_PER_DAY));
        assert_eq!(Freq::parse("W").unwrap(), Freq::Week { anchor: Weekday::Sun, count: 1 });
        assert_eq!(Freq::parse("2W-MON").unwrap(), Freq::Week { anchor: Weekday::Mon, count: 2 });
        assert_eq!(Freq::parse("ME").unwrap(), Freq::Calendar { months: 1, end: true, count: 1 });
        assert_eq!(Freq::parse("QS").unwrap(), Freq::Calendar { months: 3, end: false, count: 1 });
        assert_eq!(Freq::parse("3YE").unwrap(), Freq::Calendar { months: 12, end: true, count: 3 });
        for bad in
            ["", "0s", "0MS", "fortnight", "H", "2M", "W-XYZ", "99999999999999999999s", "99999999999MS"]
        {
            assert!(Freq::parse(bad).is_err(), "{bad}");
        }
        for rule in [
            "s", "90s", "15min", "h", "24h", "D", "2D", "W-SUN", "W-MON", "2W-SUN", "MS", "ME", "3MS", "QS",
            "QE", "2QE", "YS", "YE",
        ] {
            assert_eq!(Freq::parse(rule).unwrap().to_string(), rule);
        }
    }
}
