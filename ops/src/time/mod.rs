//! Time: pandas' frequencies, resample bins, the filling of empty bins,
//! time zones and `Timedelta` text.

mod bins;
mod calendar;
mod fill;
mod freq;
mod timedelta;
mod zone;

#[cfg(test)]
mod tests;

pub use bins::nanos_per;
pub use bins::{Bins, Origin};
pub use fill::fill_empty_bins;
pub use freq::Freq;
pub use timedelta::{parse_timedelta, timedelta_unit, TimedeltaFormat};
pub use zone::{from_local, offset_name, to_local, Ambiguous, Nonexistent, Zone};

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
pub const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;
