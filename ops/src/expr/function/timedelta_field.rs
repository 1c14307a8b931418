//! The `dt` properties of timedeltas (Arrow `Duration`, any unit):
//! `dt.days`, `dt.seconds`, `dt.microseconds`, `dt.nanoseconds` (pandas'
//! components: whole days, floored, then the seconds, microseconds and
//! nanoseconds of what is left, so `-1h` is `-1` day and `82800` seconds)
//! and `dt.total_seconds()` (the whole length, as a float64).
//!
//! The components are `Int64` and null for a null (pandas' Arrow-backed
//! timedeltas give integers and nulls too; its numpy-backed ones give
//! float64 with NaN when a value is missing).

use arrow::array::{new_null_array, ArrayRef, AsArray, Float64Array, Int64Array};
use arrow::datatypes::{DataType, DurationMicrosecondType, DurationMillisecondType, DurationNanosecondType};
use arrow::datatypes::{DurationSecondType, TimeUnit};
use serde::{Deserialize, Serialize};

use super::accessor::DtAccessor;
use super::{array, ScalarImpl};
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::time::nanos_per;

/// A property of the `dt` accessor of timedeltas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimedeltaField {
    /// `dt.days`: whole days, floored (negative for a negative timedelta).
    Days,
    /// `dt.seconds`: seconds of the rest of the day, 0 to 86 399.
    Seconds,
    /// `dt.microseconds`: microseconds of the rest of the second, 0 to 999 999.
    Microseconds,
    /// `dt.nanoseconds`: nanoseconds of the rest of the microsecond, 0 to 999.
    Nanoseconds,
    /// `dt.total_seconds()`: the length in seconds, a float64.
    TotalSeconds,
}

impl TimedeltaField {
    /// Every property, in the order the docs list them.
    pub const ALL: [TimedeltaField; 5] = [
        TimedeltaField::Days,
        TimedeltaField::Seconds,
        TimedeltaField::Microseconds,
        TimedeltaField::Nanoseconds,
        TimedeltaField::TotalSeconds,
    ];

    /// The name with its accessor, as pandas spells it (`dt.days`).
    pub fn name(self) -> &'static str {
        match self {
            TimedeltaField::Days => "dt.days",
            TimedeltaField::Seconds => "dt.seconds",
            TimedeltaField::Microseconds => "dt.microseconds",
            TimedeltaField::Nanoseconds => "dt.nanoseconds",
            TimedeltaField::TotalSeconds => "dt.total_seconds",
        }
    }

    /// The field named `name` after `dt.` (`days`, `total_seconds`).
    pub fn from_name(name: &str) -> Option<TimedeltaField> {
        TimedeltaField::ALL.into_iter().find(|f| f.name().strip_prefix("dt.") == Some(name))
    }

    /// Whether pandas writes it without parentheses (all but `total_seconds()`).
    pub fn is_property(self) -> bool {
        self != TimedeltaField::TotalSeconds
    }

    fn output_type(self) -> DataType {
        match self {
            TimedeltaField::TotalSeconds => DataType::Float64,
            _ => DataType::Int64,
        }
    }
}

impl DtAccessor {
    /// `dt.days` of a timedelta: whole days, floored.
    pub fn days(self) -> Expr {
        self.timedelta_field(TimedeltaField::Days)
    }

    /// `dt.seconds` of a timedelta: seconds of the rest of the day.
    pub fn seconds(self) -> Expr {
        self.timedelta_field(TimedeltaField::Seconds)
    }

    /// `dt.microseconds` of a timedelta: microseconds of the rest of the second.
    pub fn microseconds(self) -> Expr {
        self.timedelta_field(TimedeltaField::Microseconds)
    }

    /// `dt.nanoseconds` of a timedelta: nanoseconds of the rest of the microsecond.
    pub fn nanoseconds(self) -> Expr {
        self.timedelta_field(TimedeltaField::Nanoseconds)
    }

    /// `dt.total_seconds()` of a timedelta, a float64.
    pub fn total_seconds(self) -> Expr {
        self.timedelta_field(TimedeltaField::TotalSeconds)
    }
}

pub(super) struct Field(pub(super) TimedeltaField);

impl ScalarImpl for Field {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn is_property(&self) -> bool {
        self.0.is_property()
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        match arg {
            DataType::Duration(_) | DataType::Null => Ok(self.0.output_type()),
            other => Err(Error::type_error(format!(
                "{} needs timedeltas, got {}",
                self.name(),
                crate::dtype::pandas_dtype(other)
            ))),
        }
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let out_type = self.output_type(arg.data_type())?;
        let unit = match arg.data_type() {
            DataType::Duration(unit) => *unit,
            _ => return Ok(new_null_array(&out_type, arg.len())),
        };
        let values = match unit {
            TimeUnit::Second => arg.as_primitive::<DurationSecondType>().reinterpret_cast(),
            TimeUnit::Millisecond => arg.as_primitive::<DurationMillisecondType>().reinterpret_cast(),
            TimeUnit::Microsecond => arg.as_primitive::<DurationMicrosecondType>().reinterpret_cast(),
            TimeUnit::Nanosecond => arg.as_primitive::<DurationNanosecondType>().reinterpret_cast(),
        };
        let values: &Int64Array = &values;
        let per = i128::from(nanos_per(unit));
        const SECOND: i128 = 1_000_000_000;
        const DAY: i128 = 86_400 * SECOND;
        // In i128: seconds and days of an i64 of nanoseconds... of seconds overflow i64.
        let rest = |v: i64| (i128::from(v) * per).rem_euclid(DAY);
        let component =
            |f: &dyn Fn(i64) -> i128| -> Int64Array { values.unary_opt(|v| i64::try_from(f(v)).ok()) };
        Ok(match self.0 {
            TimedeltaField::Days => array(component(&|v| (i128::from(v) * per).div_euclid(DAY))),
            TimedeltaField::Seconds => array(component(&|v| rest(v) / SECOND)),
            TimedeltaField::Microseconds => array(component(&|v| rest(v) % SECOND / 1_000)),
            TimedeltaField::Nanoseconds => array(component(&|v| rest(v) % 1_000)),
            TimedeltaField::TotalSeconds => {
                let per_second = i64::try_from(SECOND / per).unwrap_or(1);
                let out: Float64Array = values.unary(|v| total_seconds(v, per_second));
                array(out)
            }
        })
    }
}

/// `count` periods of `per_second` a second, in seconds, as pandas 3.1's
/// `TimedeltaArray.total_seconds` computes it (bit for bit): the whole
/// seconds and the rest divided apart, so that large counts keep their
/// precision, and a result that rounded onto a whole second although the
/// count is not one is moved off it by one step.
fn total_seconds(count: i64, per_second: i64) -> f64 {
    let (whole, rest) = (count.div_euclid(per_second), count.rem_euclid(per_second));
    let result = whole as f64 + rest as f64 / per_second as f64;
    const TWO_53: i64 = 1 << 53;
    if rest == 0 || (-TWO_53..=TWO_53).contains(&count) || whole.unsigned_abs() >= 1 << 52 {
        return result;
    }
    let floor = whole as f64;
    if result == floor {
        next_toward(result, f64::INFINITY)
    } else if result == floor + 1.0 {
        next_toward(result, f64::NEG_INFINITY)
    } else {
        result
    }
}

/// The next float after `x` toward `to` (numpy's `nextafter`; `f64::next_up`
/// needs a newer Rust than rusk's minimum).
fn next_toward(x: f64, to: f64) -> f64 {
    if x.is_nan() || x == to {
        return x;
    }
    if x == 0.0 {
        let tiny = f64::from_bits(1);
        return if to > 0.0 { tiny } else { -tiny };
    }
    let bits = x.to_bits();
    let away_from_zero = (to > x) == (x > 0.0);
    f64::from_bits(if away_from_zero { bits + 1 } else { bits - 1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{DurationMillisecondArray, DurationNanosecondArray, DurationSecondArray};
    use arrow::datatypes::{Float64Type, Int64Type};
    use std::sync::Arc;

    fn ints(field: TimedeltaField, a: ArrayRef) -> Vec<Option<i64>> {
        Field(field).evaluate(&a).unwrap().as_primitive::<Int64Type>().iter().collect()
    }

    #[test]
    fn components_follow_pandas() {
        // Checked with pandas 3.1: timedelta64[ms] [01:30:00, -1 days +00:00:00.5, NaT].
        let d: ArrayRef =
            Arc::new(DurationMillisecondArray::from(vec![Some(5_400_000), Some(-86_399_500), None]));
        assert_eq!(ints(TimedeltaField::Days, Arc::clone(&d)), [Some(0), Some(-1), None]);
        assert_eq!(ints(TimedeltaField::Seconds, Arc::clone(&d)), [Some(5_400), Some(0), None]);
        assert_eq!(ints(TimedeltaField::Microseconds, Arc::clone(&d)), [Some(0), Some(500_000), None]);
        assert_eq!(ints(TimedeltaField::Nanoseconds, Arc::clone(&d)), [Some(0), Some(0), None]);
        let total = Field(TimedeltaField::TotalSeconds).evaluate(&d).unwrap();
        let total: Vec<_> = total.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(total, [Some(5_400.0), Some(-86_399.5), None]);
        // -1ns: -1 day and the last nanosecond of it.
        let ns: ArrayRef = Arc::new(DurationNanosecondArray::from(vec![-1, 1_001]).slice(0, 2));
        assert_eq!(ints(TimedeltaField::Days, Arc::clone(&ns)), [Some(-1), Some(0)]);
        assert_eq!(ints(TimedeltaField::Seconds, Arc::clone(&ns)), [Some(86_399), Some(0)]);
        assert_eq!(ints(TimedeltaField::Microseconds, Arc::clone(&ns)), [Some(999_999), Some(1)]);
        assert_eq!(ints(TimedeltaField::Nanoseconds, ns), [Some(999), Some(1)]);
        // Seconds at the edge of i64 do not overflow.
        let big: ArrayRef = Arc::new(DurationSecondArray::from(vec![i64::MIN, i64::MAX]));
        assert_eq!(ints(TimedeltaField::Days, big), [Some(-106_751_991_167_301), Some(106_751_991_167_300)]);
        let empty: ArrayRef = Arc::new(DurationSecondArray::from(Vec::<i64>::new()));
        assert!(ints(TimedeltaField::Days, empty).is_empty());
        let nulls = new_null_array(&DataType::Null, 2);
        assert_eq!(Field(TimedeltaField::TotalSeconds).evaluate(&nulls).unwrap().null_count(), 2);
    }

    #[test]
    fn total_seconds_rounds_as_pandas_does() {
        // pandas 3.1, numpy-backed: the seconds and the rest apart.
        assert_eq!(total_seconds(-949, 1_000_000_000), -9.490000000278442e-07);
        assert_eq!(total_seconds(1_500, 1_000), 1.5);
        assert_eq!(total_seconds(-1, 1), -1.0);
        // Past 2**53 a count off a whole second stays off it.
        let big = (1i64 << 55) + 1;
        let s = total_seconds(big, 1_000_000_000);
        assert!(s > (big / 1_000_000_000) as f64, "{s}");
        assert_eq!(s, 36_028_797.018_963_97);
        assert_eq!(next_toward(1.0, 2.0), 1.0 + f64::EPSILON);
        assert_eq!(next_toward(-1.0, 0.0), -1.0 + f64::EPSILON / 2.0);
        assert_eq!(next_toward(0.0, -1.0), -f64::from_bits(1));
    }

    #[test]
    fn only_timedeltas_have_them() {
        let err = Field(TimedeltaField::Days)
            .output_type(&DataType::Timestamp(TimeUnit::Second, None))
            .unwrap_err();
        assert_eq!(err.to_string(), "type error: dt.days needs timedeltas, got datetime64[s]");
        assert_eq!(TimedeltaField::from_name("total_seconds"), Some(TimedeltaField::TotalSeconds));
        assert_eq!(TimedeltaField::from_name("day"), None);
        assert!(!TimedeltaField::TotalSeconds.is_property() && TimedeltaField::Days.is_property());
    }
}
