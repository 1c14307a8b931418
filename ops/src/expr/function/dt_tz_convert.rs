//! `dt.tz_convert(tz)`: the same instants, read on another zone's clock:
//! only the type's zone changes, never a value. `tz_convert(None)` drops
//! the zone and leaves the UTC times, as pandas. A naive column is an
//! error, as in pandas (it needs `tz_localize` first).

use std::fmt;

use arrow::array::{new_null_array, ArrayRef};
use arrow::compute::cast;
use arrow::datatypes::{DataType, TimeUnit};

use super::{quoted, ScalarImpl};
use crate::error::{Error, Result};
use crate::time::Zone;

pub(super) struct TzConvert<'a> {
    pub(super) tz: Option<&'a str>,
}

impl ScalarImpl for TzConvert<'_> {
    fn name(&self) -> &'static str {
        "dt.tz_convert"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        let zone = self.tz.map(Zone::parse).transpose()?;
        match arg {
            DataType::Timestamp(unit, Some(_)) => {
                Zone::of(arg)?;
                Ok(DataType::Timestamp(*unit, zone.map(|z| z.arrow_name())))
            }
            DataType::Null => Ok(DataType::Timestamp(TimeUnit::Nanosecond, zone.map(|z| z.arrow_name()))),
            DataType::Timestamp(_, None) => Err(Error::type_error(
                "dt.tz_convert: cannot convert tz-naive timestamps, use tz_localize to localize",
            )),
            other => Err(Error::type_error(format!(
                "dt.tz_convert needs timestamps, got {}",
                crate::dtype::pandas_dtype(other)
            ))),
        }
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let out_type = self.output_type(arg.data_type())?;
        if *arg.data_type() == DataType::Null {
            return Ok(new_null_array(&out_type, arg.len()));
        }
        // Through the raw values: arrow's cast between timestamp types may
        // shift them to a wall clock, and here the instants stay.
        Ok(cast(&cast(arg, &DataType::Int64)?, &out_type)?)
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.tz {
            Some(tz) => quoted(f, tz),
            None => write!(f, "None"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Array, TimestampMillisecondArray};

    use super::*;
    use crate::error::Error;

    #[test]
    fn only_the_zone_changes() {
        let paris: ArrayRef = Arc::new(
            TimestampMillisecondArray::from(vec![Some(1_000), None, Some(-5)]).with_timezone("Europe/Paris"),
        );
        let to_utc = TzConvert { tz: Some("UTC") }.evaluate(&paris).unwrap();
        assert_eq!(to_utc.data_type(), &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())));
        assert_eq!(&cast(&to_utc, &DataType::Int64).unwrap(), &cast(&paris, &DataType::Int64).unwrap());
        let naive = TzConvert { tz: None }.evaluate(&paris.slice(1, 2)).unwrap();
        assert_eq!(naive.data_type(), &DataType::Timestamp(TimeUnit::Millisecond, None));
        assert_eq!(
            &cast(&naive, &DataType::Int64).unwrap(),
            &cast(&paris.slice(1, 2), &DataType::Int64).unwrap()
        );
        let err = TzConvert { tz: Some("UTC") }
            .output_type(&DataType::Timestamp(TimeUnit::Second, None))
            .unwrap_err();
        assert!(matches!(&err, Error::Type { message, .. } if message.contains("use tz_localize")), "{err}");
        assert!(TzConvert { tz: Some("Nowhere/Else") }.output_type(paris.data_type()).is_err());
    }
}
