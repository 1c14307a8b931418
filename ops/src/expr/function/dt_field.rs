//! The `dt` properties: `dt.year`, `dt.hour`, `dt.dayofweek`,
//! `dt.is_month_end`, `dt.date`, … of timestamps (any unit; a zoned one
//! in its local time, as pandas) and of dates (`Date32`, `Date64`: their
//! date properties only, as pandas' Arrow-backed dates).
//!
//! Integer properties are `Int64` (pandas' `int64[pyarrow]`), the
//! `is_*` ones `Boolean`, `date` a `Date32`; a null gives null. The fields
//! Arrow's `date_part` computes as pandas does come from it; the others
//! from chrono, value by value.

use arrow::array::temporal_conversions::as_datetime;
use arrow::array::{
    new_null_array, Array, ArrayRef, AsArray, BooleanArray, Date32Array, Int64Array, Time64MicrosecondArray,
};
use arrow::compute::kernels::temporal::{date_part, DatePart};
use arrow::compute::{cast, kernels::arity::unary};
use arrow::datatypes::{
    ArrowTemporalType, DataType, Date32Type, Date64Type, Int64Type, TimeUnit, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::{array, ScalarImpl};
use crate::error::{Error, Result};

/// A property of the `dt` accessor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DtField {
    /// `dt.year`.
    Year,
    /// `dt.month`, 1 to 12.
    Month,
    /// `dt.day`, of the month, 1 to 31.
    Day,
    /// `dt.hour`, 0 to 23.
    Hour,
    /// `dt.minute`, 0 to 59.
    Minute,
    /// `dt.second`, 0 to 59.
    Second,
    /// `dt.microsecond`: microseconds within the second, 0 to 999 999.
    Microsecond,
    /// `dt.nanosecond`: nanoseconds within the microsecond, 0 to 999.
    Nanosecond,
    /// `dt.dayofweek`: Monday 0 to Sunday 6.
    DayOfWeek,
    /// `dt.dayofyear`: 1 to 366.
    DayOfYear,
    /// `dt.quarter`: 1 to 4.
    Quarter,
    /// `dt.days_in_month`: 28 to 31.
    DaysInMonth,
    /// `dt.is_month_start`: the first day of its month.
    IsMonthStart,
    /// `dt.is_month_end`: the last day of its month.
    IsMonthEnd,
    /// `dt.date`: the date (a `Date32`), the time dropped.
    Date,
    /// `dt.time`: the time of day (a `Time64` of microseconds, as Python's
    /// `datetime.time` that pandas gives: nanoseconds dropped).
    Time,
}

impl DtField {
    /// Every property, in the order the docs list them.
    pub const ALL: [DtField; 16] = [
        DtField::Year,
        DtField::Month,
        DtField::Day,
        DtField::Hour,
        DtField::Minute,
        DtField::Second,
        DtField::Microsecond,
        DtField::Nanosecond,
        DtField::DayOfWeek,
        DtField::DayOfYear,
        DtField::Quarter,
        DtField::DaysInMonth,
        DtField::IsMonthStart,
        DtField::IsMonthEnd,
        DtField::Date,
        DtField::Time,
    ];

    /// The name with its accessor, as pandas spells it (`dt.year`).
    pub fn name(self) -> &'static str {
        match self {
            DtField::Year => "dt.year",
            DtField::Month => "dt.month",
            DtField::Day => "dt.day",
            DtField::Hour => "dt.hour",
            DtField::Minute => "dt.minute",
            DtField::Second => "dt.second",
            DtField::Microsecond => "dt.microsecond",
            DtField::Nanosecond => "dt.nanosecond",
            DtField::DayOfWeek => "dt.dayofweek",
            DtField::DayOfYear => "dt.dayofyear",
            DtField::Quarter => "dt.quarter",
            DtField::DaysInMonth => "dt.days_in_month",
            DtField::IsMonthStart => "dt.is_month_start",
            DtField::IsMonthEnd => "dt.is_month_end",
            DtField::Date => "dt.date",
            DtField::Time => "dt.time",
        }
    }

    /// The property named `name` (`year`; pandas' aliases `weekday`,
    /// `day_of_week`, `day_of_year` and `daysinmonth` included).
    pub fn from_property(name: &str) -> Option<DtField> {
        let alias = match name {
            "weekday" | "day_of_week" => Some(DtField::DayOfWeek),
            "day_of_year" => Some(DtField::DayOfYear),
            "daysinmonth" => Some(DtField::DaysInMonth),
            _ => None,
        };
        alias.or_else(|| DtField::ALL.into_iter().find(|f| f.name().strip_prefix("dt.") == Some(name)))
    }

    /// Whether it is a time-of-day field, which dates do not have.
    fn is_time(self) -> bool {
        matches!(
            self,
            DtField::Hour
                | DtField::Minute
                | DtField::Second
                | DtField::Microsecond
                | DtField::Nanosecond
                | DtField::Time
        )
    }

    /// The `date_part` computing it as pandas does, if any.
    fn date_part(self) -> Option<DatePart> {
        Some(match self {
            DtField::Year => DatePart::Year,
            DtField::Month => DatePart::Month,
            DtField::Day => DatePart::Day,
            DtField::Hour => DatePart::Hour,
            DtField::Minute => DatePart::Minute,
            DtField::Second => DatePart::Second,
            // Arrow's counts whole microseconds of the second, as pandas'.
            DtField::Microsecond => DatePart::Microsecond,
            // Arrow's counts nanoseconds of the second; pandas' those of
            // the microsecond (taken modulo 1000 below).
            DtField::Nanosecond => DatePart::Nanosecond,
            DtField::DayOfWeek => DatePart::DayOfWeekMonday0,
            DtField::DayOfYear => DatePart::DayOfYear,
            DtField::Quarter => DatePart::Quarter,
            DtField::DaysInMonth
            | DtField::IsMonthStart
            | DtField::IsMonthEnd
            | DtField::Date
            | DtField::Time => return None,
        })
    }

    fn output_type(self) -> DataType {
        match self {
            DtField::IsMonthStart | DtField::IsMonthEnd => DataType::Boolean,
            DtField::Date => DataType::Date32,
            DtField::Time => DataType::Time64(TimeUnit::Microsecond),
            _ => DataType::Int64,
        }
    }
}

/// Fails unless `t` is a timestamp (naive, or in a zone rusk knows), a
/// date, or all nulls (`dates`: whether a date will do), naming the
/// method `name`.
pub(super) fn need_datetimes(name: &str, t: &DataType, dates: bool) -> Result<()> {
    match t {
        DataType::Timestamp(_, None) | DataType::Null => Ok(()),
        DataType::Date32 | DataType::Date64 if dates => Ok(()),
        DataType::Timestamp(_, Some(_)) => {
            crate::time::Zone::of(t)?;
            Ok(())
        }
        other => Err(Error::type_error(format!(
            "{name} needs {}, got {}",
            if dates { "timestamps or dates" } else { "timestamps" },
            crate::dtype::pandas_dtype(other)
        ))),
    }
}

/// The values of `a` (a timestamp or date array) as date-times, a zoned
/// timestamp's in its local time; `None` for nulls and for values chrono
/// cannot represent.
pub(super) fn datetimes(a: &ArrayRef) -> Result<Vec<Option<NaiveDateTime>>> {
    let a = &crate::time::to_local(a)?;
    fn of<T: ArrowTemporalType>(a: &ArrayRef) -> Vec<Option<NaiveDateTime>>
    where
        i64: From<T::Native>,
    {
        a.as_primitive::<T>().iter().map(|v| v.and_then(|v| as_datetime::<T>(i64::from(v)))).collect()
    }
    Ok(match a.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => of::<TimestampSecondType>(a),
        DataType::Timestamp(TimeUnit::Millisecond, _) => of::<TimestampMillisecondType>(a),
        DataType::Timestamp(TimeUnit::Microsecond, _) => of::<TimestampMicrosecondType>(a),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => of::<TimestampNanosecondType>(a),
        DataType::Date32 => of::<Date32Type>(a),
        DataType::Date64 => of::<Date64Type>(a),
        DataType::Null => vec![None; a.len()],
        other => {
            return Err(Error::type_error(format!(
                "expected timestamps, got {}",
                crate::dtype::pandas_dtype(other)
            )))
        }
    })
}

/// The number of days in the month of `d`.
pub(super) fn days_in_month(d: NaiveDate) -> u32 {
    u32::from(d.num_days_in_month())
}

pub(super) struct Field(pub(super) DtField);

impl ScalarImpl for Field {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn is_property(&self) -> bool {
        true
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        need_datetimes(self.name(), arg, !self.0.is_time())?;
        Ok(self.0.output_type())
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        let field = self.0;
        let out_type = self.output_type(arg.data_type())?;
        if *arg.data_type() == DataType::Null {
            return Ok(new_null_array(&out_type, arg.len()));
        }
        // pandas reads a zoned timestamp's fields on its wall clock.
        let arg = &crate::time::to_local(arg)?;
        if let Some(part) = field.date_part() {
            let parts = cast(&date_part(arg.as_ref(), part)?, &DataType::Int64)?;
            if field == DtField::Nanosecond {
                let nanos: Int64Array = unary(parts.as_primitive::<Int64Type>(), |v| v % 1000);
                return Ok(array(nanos));
            }
            return Ok(parts);
        }
        if field == DtField::Time {
            return time_of_day(arg);
        }
        let values = datetimes(arg)?;
        let dates = values.iter().map(|v| v.map(|v| v.date()));
        Ok(match field {
            DtField::DaysInMonth => {
                array(dates.map(|d| d.map(|d| i64::from(days_in_month(d)))).collect::<Int64Array>())
            }
            DtField::IsMonthStart => array(dates.map(|d| d.map(|d| d.day() == 1)).collect::<BooleanArray>()),
            DtField::IsMonthEnd => {
                array(dates.map(|d| d.map(|d| d.day() == days_in_month(d))).collect::<BooleanArray>())
            }
            _ => {
                // `NaiveDate::default()` is 1970-01-01, the epoch of `Date32`.
                let epoch = NaiveDate::default();
                let days = |d: NaiveDate| i32::try_from(d.signed_duration_since(epoch).num_days()).ok();
                array(dates.map(|d| d.and_then(days)).collect::<Date32Array>())
            }
        })
    }
}

/// The time of day of naive timestamps `a` (any unit), in microseconds.
fn time_of_day(a: &ArrayRef) -> Result<ArrayRef> {
    let DataType::Timestamp(unit, None) = a.data_type() else {
        return Err(Error::type_error(format!(
            "dt.time needs timestamps, got {}",
            crate::dtype::pandas_dtype(a.data_type())
        )));
    };
    let per_second: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let raw = cast(a, &DataType::Int64)?;
    let day = 86_400 * per_second;
    let micros: Time64MicrosecondArray = unary(raw.as_primitive::<Int64Type>(), |v| {
        let since_midnight = v.rem_euclid(day);
        // Whole microseconds, truncated as `datetime.time` keeps them.
        if per_second >= 1_000_000 {
            since_midnight / (per_second / 1_000_000)
        } else {
            since_midnight * (1_000_000 / per_second)
        }
    });
    Ok(array(micros))
}
