//! Time: pandas' frequencies, resample bins, and the filling of empty bins.

mod bins;
mod fill;
mod freq;

#[cfg(test)]
mod tests;

pub(crate) use bins::{nanos_per, timestamp_unit};
pub use bins::{Bins, Origin};
pub use fill::fill_empty_bins;
pub use freq::Freq;
