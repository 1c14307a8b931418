//! `dt.floor(freq)`, `dt.ceil(freq)`, `dt.round(freq)`: timestamps to a
//! multiple of a fixed frequency ("15min", "h", "D"), counted from the
//! epoch, as pandas'. `round` takes halves to the even multiple, as
//! pandas does. A calendar frequency ("MS", "W") is refused, as pandas
//! refuses a non-fixed one.
//!
//! A zoned timestamp rounds its wall-clock time, which then goes back to
//! the zone as pandas' `tz_localize` would take it: a result a DST change
//! repeats or skips is an error, or what `ambiguous` and `nonexistent` say
//! (`floor('h')` of 01:30 on a fall-back night is 01:00, which happens
//! twice).

use std::fmt;
use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, PrimitiveArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int64Type};
use serde::{Deserialize, Serialize};

use super::ScalarImpl;
use crate::error::{Error, Result};
use crate::time::{Ambiguous, Freq, Nonexistent, Zone};

/// Which way a timestamp goes to a multiple of the frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoundMode {
    /// Down (`floor`).
    Floor,
    /// Up (`ceil`).
    Ceil,
    /// To the nearest, halves to the even multiple (`round`).
    Round,
}

pub(super) struct DtRound {
    pub(super) freq: Freq,
    pub(super) mode: RoundMode,
    pub(super) ambiguous: Ambiguous,
    pub(super) nonexistent: Nonexistent,
}

/// The fixed length of `freq` in nanoseconds ("D" is 24 hours).
///
/// # Errors
/// [`Error::InvalidArgument`] for a calendar frequency.
pub(crate) fn fixed_nanos(freq: Freq, method: &str) -> Result<i64> {
    freq.fixed_nanos()
        .ok_or_else(|| Error::InvalidArgument(format!("dt.{method}: {freq} is not a fixed frequency")))
}

impl ScalarImpl for DtRound {
    fn name(&self) -> &'static str {
        match self.mode {
            RoundMode::Floor => "dt.floor",
            RoundMode::Ceil => "dt.ceil",
            RoundMode::Round => "dt.round",
        }
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        match arg {
            DataType::Timestamp(_, None) => Ok(arg.clone()),
            DataType::Timestamp(_, Some(_)) => {
                Zone::of(arg)?;
                Ok(arg.clone())
            }
            other => Err(Error::type_error(format!(
                "{} needs datetimes, got {}",
                self.name(),
                crate::dtype::pandas_dtype(other)
            ))),
        }
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let DataType::Timestamp(unit, _) = self.output_type(arg.data_type())? else {
            return Err(Error::Internal("dt rounding of a non-timestamp".into()));
        };
        if let Some(zone) = Zone::of(arg.data_type())? {
            // pandas rounds the wall clock, then localizes the result.
            let local = self.evaluate(&crate::time::to_local(arg)?)?;
            return crate::time::from_local(&local, &zone, self.ambiguous, self.nonexistent, self.name());
        }
        let per_unit = crate::time::nanos_per(unit);
        let nanos = fixed_nanos(self.freq, &self.name()[3..])?;
        if nanos % per_unit != 0 {
            return Err(Error::InvalidArgument(format!(
                "{}: {} is finer than the column's unit",
                self.name(),
                self.freq
            )));
        }
        let step = nanos / per_unit;
        let raw = cast(arg, &DataType::Int64)?;
        let mode = self.mode;
        let out: PrimitiveArray<Int64Type> = raw.as_primitive::<Int64Type>().try_unary(|v| {
            let (q, r) = (v.div_euclid(step), v.rem_euclid(step));
            let k = match mode {
                RoundMode::Floor => q,
                RoundMode::Ceil if r == 0 => q,
                RoundMode::Ceil => q + 1,
                RoundMode::Round => {
                    // `r < step`, so `2 * r` does not overflow for any sane step.
                    let twice = r.saturating_mul(2);
                    if twice > step || (twice == step && q % 2 != 0) {
                        q + 1
                    } else {
                        q
                    }
                }
            };
            k.checked_mul(step).ok_or_else(|| {
                Error::InvalidArgument("a rounded timestamp outside the representable range".into())
            })
        })?;
        Ok(cast(&(Arc::new(out) as ArrayRef), arg.data_type())?)
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}'", self.freq)?;
        if self.ambiguous != Ambiguous::Raise {
            write!(f, ", ambiguous={}", self.ambiguous)?;
        }
        if self.nonexistent != Nonexistent::Raise {
            write!(f, ", nonexistent={}", self.nonexistent)?;
        }
        Ok(())
    }
}
