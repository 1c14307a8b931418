//! `dt.tz_localize(tz, ambiguous, nonexistent)`: naive timestamps are
//! wall-clock times in `tz`; the result holds the instants they stand for,
//! in the same unit, typed `Timestamp(unit, Some(tz))`. A wall time a DST
//! change skips or repeats raises, as pandas' does, unless `nonexistent`
//! or `ambiguous` says otherwise. `tz_localize(None)` goes the other way:
//! a zoned column's wall-clock times, naive (a naive column is left as it
//! is, as pandas does).

use std::fmt;

use arrow::array::{new_null_array, ArrayRef};
use arrow::datatypes::{DataType, TimeUnit};

use super::{quoted, ScalarImpl};
use crate::error::{Error, Result};
use crate::time::{Ambiguous, Nonexistent, Zone};

pub(super) struct TzLocalize<'a> {
    pub(super) tz: Option<&'a str>,
    pub(super) ambiguous: Ambiguous,
    pub(super) nonexistent: Nonexistent,
}

impl ScalarImpl for TzLocalize<'_> {
    fn name(&self) -> &'static str {
        "dt.tz_localize"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        let zone = self.tz.map(Zone::parse).transpose()?;
        match (arg, zone) {
            (DataType::Timestamp(unit, None), Some(zone)) => {
                Ok(DataType::Timestamp(*unit, Some(zone.arrow_name())))
            }
            (DataType::Null, Some(zone)) => {
                Ok(DataType::Timestamp(TimeUnit::Nanosecond, Some(zone.arrow_name())))
            }
            (DataType::Timestamp(_, Some(tz)), Some(_)) => Err(Error::type_error(format!(
                "dt.tz_localize: the column is already in {tz}; use tz_convert to convert it, or \
                 tz_localize(None) first"
            ))),
            (DataType::Timestamp(unit, Some(_)), None) => {
                Zone::of(arg)?;
                Ok(DataType::Timestamp(*unit, None))
            }
            (DataType::Timestamp(_, None) | DataType::Null, None) => Ok(arg.clone()),
            (other, _) => Err(Error::type_error(format!(
                "dt.tz_localize needs timestamps, got {}",
                crate::dtype::pandas_dtype(other)
            ))),
        }
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let out_type = self.output_type(arg.data_type())?;
        match (arg.data_type(), self.tz) {
            (DataType::Null, _) => Ok(new_null_array(&out_type, arg.len())),
            (_, None) => crate::time::to_local(arg),
            (_, Some(tz)) => {
                crate::time::from_local(arg, &Zone::parse(tz)?, self.ambiguous, self.nonexistent, self.name())
            }
        }
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.tz {
            Some(tz) => quoted(f, tz)?,
            None => write!(f, "None")?,
        }
        if self.ambiguous != Ambiguous::Raise {
            write!(f, ", ambiguous={}", self.ambiguous)?;
        }
        if self.nonexistent != Nonexistent::Raise {
            write!(f, ", nonexistent={}", self.nonexistent)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Array, AsArray, NullArray, TimestampMicrosecondArray, TimestampSecondArray};
    use arrow::compute::cast;
    use arrow::datatypes::Int64Type;

    use super::*;
    use crate::error::Error;

    fn at(text: &str) -> i64 {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp()
    }

    fn localize(tz: Option<&str>, a: Ambiguous, n: Nonexistent, values: &ArrayRef) -> Result<ArrayRef> {
        TzLocalize { tz, ambiguous: a, nonexistent: n }.evaluate(values)
    }

    fn raw(array: &ArrayRef) -> Vec<Option<i64>> {
        cast(array, &DataType::Int64).unwrap().as_primitive::<Int64Type>().iter().collect()
    }

    #[test]
    fn wall_times_become_instants_in_the_zone() {
        let walls: ArrayRef = Arc::new(TimestampSecondArray::from(vec![
            Some(at("2024-03-10 01:30:00")),
            None,
            Some(at("2024-03-10 02:30:00")),
            Some(at("2024-11-03 01:30:00")),
        ]));
        let (r, nat) = (Ambiguous::Raise, Nonexistent::Raise);
        let err = localize(Some("America/New_York"), r, nat, &walls).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument(m) if m.contains("2024-03-10 02:30:00 does not exist in America/New_York")),
            "{err}"
        );
        let out = localize(Some("America/New_York"), Ambiguous::NaT, Nonexistent::NaT, &walls).unwrap();
        assert_eq!(out.data_type(), &DataType::Timestamp(TimeUnit::Second, Some("America/New_York".into())));
        assert_eq!(raw(&out), [Some(at("2024-03-10 06:30:00")), None, None, None]);
        let out = localize(Some("America/New_York"), Ambiguous::Standard, Nonexistent::ShiftBackward, &walls)
            .unwrap();
        assert_eq!(
            raw(&out),
            [
                Some(at("2024-03-10 06:30:00")),
                None,
                Some(at("2024-03-10 06:59:59")),
                Some(at("2024-11-03 06:30:00"))
            ]
        );
        // Sliced past the bad values; a fixed offset; empty.
        let out = localize(Some("+01:00"), r, nat, &walls.slice(2, 2)).unwrap();
        assert_eq!(raw(&out), [Some(at("2024-03-10 01:30:00")), Some(at("2024-11-03 00:30:00"))]);
        assert_eq!(localize(Some("UTC"), r, nat, &walls.slice(0, 0)).unwrap().len(), 0);
        // And back: the wall times again, naive.
        let zoned = localize(Some("Europe/Paris"), r, nat, &walls).unwrap();
        let back = localize(None, r, nat, &zoned).unwrap();
        assert_eq!(back.data_type(), walls.data_type());
        assert_eq!(raw(&back), raw(&walls));
    }

    #[test]
    fn types_are_checked_as_pandas_does() {
        let f = |tz| TzLocalize { tz, ambiguous: Ambiguous::Raise, nonexistent: Nonexistent::Raise };
        let us = DataType::Timestamp(TimeUnit::Microsecond, None);
        let paris = DataType::Timestamp(TimeUnit::Microsecond, Some("Europe/Paris".into()));
        assert_eq!(f(Some("Europe/Paris")).output_type(&us).unwrap(), paris);
        let err = f(Some("UTC")).output_type(&paris).unwrap_err();
        assert!(
            matches!(&err, Error::Type { message, .. } if message.contains("already in Europe/Paris")),
            "{err}"
        );
        assert_eq!(f(None).output_type(&paris).unwrap(), us);
        assert_eq!(f(None).output_type(&us).unwrap(), us, "a naive column stays as it is");
        assert!(matches!(f(Some("UTC")).output_type(&DataType::Int64), Err(Error::Type { .. })));
        let nulls: ArrayRef = Arc::new(NullArray::new(2));
        let out = f(Some("UTC")).evaluate(&nulls).unwrap();
        assert_eq!(
            (out.data_type(), out.null_count()),
            (&DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())), 2)
        );
        let all_null: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![None, None]));
        assert_eq!(f(Some("Asia/Tokyo")).evaluate(&all_null).unwrap().null_count(), 2);
    }
}
