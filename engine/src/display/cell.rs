//! The text of each shown value of one column, as pandas formats it.
//!
//! pandas pads most values with one leading space (a sign slot for numbers,
//! plain padding otherwise) and joins columns with one more space; negative
//! numbers and dates have none. The cells here carry that leading space, so
//! the table only aligns and joins them.

use std::fmt;

use arrow::array::{Array, ArrayRef, AsArray, PrimitiveArray};
use arrow::compute::cast;
use arrow::datatypes::{
    ArrowPrimitiveType, DataType, Date32Type, Date64Type, Float32Type, Float64Type, Int16Type, Int32Type,
    Int64Type, Int8Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use rusk_ops::time::TimedeltaFormat;

/// How a null prints, in every column: rusk has Arrow nulls, shown as
/// pandas shows the missing values of its nullable dtypes.
pub(super) const NA: &str = "<NA>";

/// pandas' `display.precision`: decimals before trailing zeros are trimmed.
const PRECISION: usize = 6;

/// Whether pandas puts a space before the column's header: for the types
/// `is_numeric_dtype` accepts (numbers and booleans), whose values have a
/// sign slot.
pub(super) fn is_numeric(dt: &DataType) -> bool {
    dt.is_numeric() || matches!(dt, DataType::Boolean)
}

/// Replaces tabs and line breaks by their escapes, as pandas does, so that
/// one value stays on one line.
pub(super) fn escape(s: &str) -> String {
    if !s.contains(['\t', '\r', '\n']) {
        return s.to_string();
    }
    s.replace('\t', "\\t").replace('\r', "\\r").replace('\n', "\\n")
}

/// The text of every value of `array` (the shown rows of one column).
pub(super) fn format_column(array: &dyn Array) -> Vec<String> {
    match array.data_type() {
        DataType::Int8 => integers(array.as_primitive::<Int8Type>()),
        DataType::Int16 => integers(array.as_primitive::<Int16Type>()),
        DataType::Int32 => integers(array.as_primitive::<Int32Type>()),
        DataType::Int64 => integers(array.as_primitive::<Int64Type>()),
        DataType::UInt8 => integers(array.as_primitive::<UInt8Type>()),
        DataType::UInt16 => integers(array.as_primitive::<UInt16Type>()),
        DataType::UInt32 => integers(array.as_primitive::<UInt32Type>()),
        DataType::UInt64 => integers(array.as_primitive::<UInt64Type>()),
        DataType::Float64 => floats(&array.as_primitive::<Float64Type>().iter().collect::<Vec<_>>()),
        DataType::Float32 => {
            floats(&array.as_primitive::<Float32Type>().iter().map(|v| v.map(f64::from)).collect::<Vec<_>>())
        }
        DataType::Boolean => {
            padded(array.as_boolean().iter().map(|v| v.map(|b| if b { "True" } else { "False" })))
        }
        DataType::Utf8 => strings(array.as_string::<i32>().iter()),
        DataType::LargeUtf8 => strings(array.as_string::<i64>().iter()),
        DataType::Utf8View => strings(array.as_string_view().iter()),
        DataType::Date32 => dates(array.as_primitive::<Date32Type>().iter().map(|d| d.map(i64::from))),
        DataType::Date64 => dates(
            array.as_primitive::<Date64Type>().iter().map(|ms| ms.map(|ms| ms.div_euclid(MILLIS_PER_DAY))),
        ),
        DataType::Timestamp(unit, tz) => {
            let values: Vec<Option<i64>> = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().iter().collect(),
                TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().iter().collect(),
                TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().iter().collect(),
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().iter().collect(),
            };
            timestamps(&values, *unit, tz.as_deref())
        }
        DataType::Duration(unit) => timedeltas(array, *unit),
        // Half floats and dictionaries print as the type they decode to.
        DataType::Float16 => decoded(array, &DataType::Float64),
        DataType::Dictionary(_, values) => decoded(array, values),
        _ => generic(array),
    }
}

fn decoded(array: &dyn Array, to: &DataType) -> Vec<String> {
    match cast(array, to) {
        Ok(values) => format_column(values.as_ref()),
        Err(_) => generic(array),
    }
}

/// Anything else, through Arrow's own value formatter.
fn generic(array: &dyn Array) -> Vec<String> {
    let options = FormatOptions::default();
    match ArrayFormatter::try_new(array, &options) {
        Ok(formatter) => {
            // Logical nulls: a `NullArray` has no validity buffer, yet every
            // slot of it is null.
            let nulls = array.logical_nulls();
            (0..array.len())
                .map(|i| match &nulls {
                    Some(n) if n.is_null(i) => format!(" {NA}"),
                    _ => format!(" {}", formatter.value(i)),
                })
                .collect()
        }
        Err(e) => vec![format!(" <{e}>"); array.len()],
    }
}

/// Values after one space, nulls as ` <NA>`.
fn padded<T: fmt::Display>(values: impl Iterator<Item = Option<T>>) -> Vec<String> {
    values
        .map(|v| match v {
            Some(v) => format!(" {v}"),
            None => format!(" {NA}"),
        })
        .collect()
}

fn strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Vec<String> {
    padded(values.map(|v| v.map(escape)))
}

/// numpy's `'{: d}'`: a space where a minus sign would go.
fn integers<T>(array: &PrimitiveArray<T>) -> Vec<String>
where
    T: ArrowPrimitiveType,
    T::Native: fmt::Display + PartialOrd + Default,
{
    array
        .iter()
        .map(|v| match v {
            Some(v) if v < T::Native::default() => v.to_string(),
            Some(v) => format!(" {v}"),
            None => format!(" {NA}"),
        })
        .collect()
}

/// pandas' `FloatArrayFormatter`, for the values of one column together:
///
/// 1. every value with 6 decimals and a sign slot (`' 1.500000'`);
/// 2. trailing zeros trimmed from all values at once while all end in `0`,
///    keeping one decimal (`1.5, 2.25` → `1.50, 2.25`; `1, 2` → `1.0, 2.0`);
/// 3. scientific notation (`' 1.000000e-07'`) for the whole column when a
///    value is non-zero and below 1e-6 (it would print as 0), or above 1e6
///    while some text is longer than 12 characters.
fn floats(values: &[Option<f64>]) -> Vec<String> {
    let fixed = trim_zeros(float_cells(values, |v| format!("{v:.PRECISION$}")));
    let too_long = fixed.iter().map(|s| s.chars().count()).max().unwrap_or(0) > PRECISION + 6;
    let large = values.iter().flatten().any(|v| v.abs() > 1e6);
    let small = values.iter().flatten().any(|v| v.abs() < 1e-6 && *v != 0.0);
    if small || (too_long && large) {
        float_cells(values, scientific)
    } else {
        fixed
    }
}

/// Formats each value with `f` and a sign slot; nulls are `<NA>` and NaN is
/// `NaN`, both without the slot, as pandas' `na_rep` for floats.
fn float_cells(values: &[Option<f64>], f: impl Fn(f64) -> String) -> Vec<String> {
    values
        .iter()
        .map(|v| match v {
            None => NA.to_string(),
            Some(v) if v.is_nan() => "NaN".to_string(),
            Some(v) if v.is_sign_negative() => f(*v),
            Some(v) => format!(" {}", f(*v)),
        })
        .collect()
}

/// Python's `'{:.6e}'`: the exponent signed and at least two digits.
fn scientific(v: f64) -> String {
    let s = format!("{v:.PRECISION$e}");
    match s.split_once('e') {
        Some((mantissa, exp)) => match exp.parse::<i32>() {
            Ok(exp) => format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs()),
            Err(_) => s,
        },
        // inf has no exponent
        None => s,
    }
}

/// pandas' `_trim_zeros_float`: drops one trailing character from every
/// decimal number while all of them end in `0`, then restores one `0`
/// after a bare decimal point. `NaN`, `inf` and `<NA>` are left alone.
fn trim_zeros(mut cells: Vec<String>) -> Vec<String> {
    loop {
        let mut numbers = cells.iter().filter(|s| is_decimal_number(s)).peekable();
        if numbers.peek().is_none() || !numbers.all(|s| s.ends_with('0')) {
            break;
        }
        for cell in cells.iter_mut().filter(|s| is_decimal_number(s)) {
            cell.pop();
        }
    }
    for cell in cells.iter_mut() {
        if cell.ends_with('.') && is_decimal_number(cell) {
            cell.push('0');
        }
    }
    cells
}

/// `^\s*[+-]?[0-9]+\.[0-9]*$`
fn is_decimal_number(s: &str) -> bool {
    let s = s.trim_start();
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    match s.split_once('.') {
        Some((int, frac)) => {
            !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

const SECONDS_PER_DAY: i64 = 86_400;
const MILLIS_PER_DAY: i64 = 86_400_000;

/// Dates as `2024-01-01`, without the leading space: pandas prints
/// datetimes flush, and rusk's dates are what pandas reads as datetimes.
fn dates(days: impl Iterator<Item = Option<i64>>) -> Vec<String> {
    days.map(|d| match d {
        Some(d) => format_date(d),
        None => NA.to_string(),
    })
    .collect()
}

/// Timestamps as pandas prints `datetime64` columns: `2024-01-01 12:00:00`,
/// with as many fractional digits as the finest value needs (3, 6 or 9),
/// and the date alone when every value is a midnight without a time zone.
/// A zoned value shows its local time and the offset in force then
/// (`2024-03-10 01:30:00-05:00`, `2024-07-01 02:00:00+02:00`); a zone rusk
/// does not know prints in UTC, marked ` UTC`.
fn timestamps(values: &[Option<i64>], unit: TimeUnit, tz: Option<&str>) -> Vec<String> {
    let zone = tz.map(|tz| rusk_ops::time::Zone::parse(tz).ok());
    let instants: Vec<Option<(i64, u32, Option<i64>)>> = values
        .iter()
        .map(|v| {
            v.map(|v| {
                let (seconds, nanos) = split_seconds(v, unit);
                let offset = zone.as_ref().and_then(|z| z.as_ref()?.offset_at(seconds));
                (seconds.saturating_add(offset.unwrap_or(0)), nanos, offset)
            })
        })
        .collect();
    let digits = instants
        .iter()
        .flatten()
        .map(|(_, nanos, _)| match nanos {
            0 => 0,
            n if n % 1_000_000 == 0 => 3,
            n if n % 1_000 == 0 => 6,
            _ => 9,
        })
        .max()
        .unwrap_or(0);
    let dates_only = tz.is_none()
        && digits == 0
        && instants.iter().flatten().all(|(seconds, _, _)| seconds.rem_euclid(SECONDS_PER_DAY) == 0);
    instants
        .iter()
        .map(|instant| {
            let Some((seconds, nanos, offset)) = instant else {
                return NA.to_string();
            };
            let date = format_date(seconds.div_euclid(SECONDS_PER_DAY));
            if dates_only {
                return date;
            }
            let of_day = seconds.rem_euclid(SECONDS_PER_DAY);
            let mut s = format!("{date} {:02}:{:02}:{:02}", of_day / 3600, of_day / 60 % 60, of_day % 60);
            if digits > 0 {
                let fraction = format!("{nanos:09}");
                s.push('.');
                s.push_str(fraction.get(..digits).unwrap_or(&fraction));
            }
            match (tz, offset) {
                (None, _) => {}
                (Some(_), Some(offset)) => {
                    s.push_str(&rusk_ops::time::offset_name(i32::try_from(*offset).unwrap_or(0)))
                }
                (Some(_), None) => s.push_str(" UTC"),
            }
            s
        })
        .collect()
}

/// Timedeltas as pandas prints a `timedelta64` column (`0 days 01:30:00`,
/// `-1 days +23:00:00`), one format for the shown values (see
/// `rusk_ops::time::TimedeltaFormat`), flush like datetimes.
fn timedeltas(array: &dyn Array, unit: TimeUnit) -> Vec<String> {
    let Ok(counts) = cast(array, &DataType::Int64) else {
        return generic(array);
    };
    let values: Vec<Option<i64>> = counts.as_primitive::<Int64Type>().iter().collect();
    let format = TimedeltaFormat::for_column(values.iter().flatten().copied(), unit);
    values.iter().map(|v| v.map_or_else(|| NA.to_string(), |v| format.format(v, unit))).collect()
}

/// Whole seconds since the epoch (floored) and the nanoseconds after them.
fn split_seconds(v: i64, unit: TimeUnit) -> (i64, u32) {
    let per_second: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let nanos_per_unit = 1_000_000_000 / per_second;
    // rem_euclid is in [0, per_second), so the product is below 1e9.
    let nanos = u32::try_from(v.rem_euclid(per_second) * nanos_per_unit).unwrap_or(0);
    (v.div_euclid(per_second), nanos)
}

/// `YYYY-MM-DD` of a day number since 1970-01-01 (proleptic Gregorian),
/// by Howard Hinnant's `civil_from_days`: no date library needed.
fn format_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The cells of `arrays` (pieces of one column), formatted together when
/// they concatenate, so that a float column shares one number of decimals.
pub(super) fn format_pieces(arrays: &[ArrayRef]) -> Vec<String> {
    let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
    match arrow::compute::concat(&refs) {
        Ok(all) => format_column(all.as_ref()),
        // Pieces of different types (batches that disagree with the
        // schema): each piece by itself rather than nothing.
        Err(_) => arrays.iter().flat_map(|a| format_column(a.as_ref())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{
        BooleanArray, Date32Array, Decimal128Array, DictionaryArray, Float16Array, Float32Array,
        Float64Array, Int64Array, Int8Array, StringArray, StringViewArray, TimestampMillisecondArray,
        TimestampNanosecondArray, TimestampSecondArray, UInt64Array,
    };
    use arrow::datatypes::Int32Type;

    use super::*;

    fn f64s(values: &[Option<f64>]) -> Vec<String> {
        format_column(&Float64Array::from(values.to_vec()))
    }

    #[test]
    fn floats_share_their_decimals() {
        assert_eq!(f64s(&[Some(1.5), Some(2.25), None]), [" 1.50", " 2.25", "<NA>"]);
        assert_eq!(f64s(&[Some(1.0), Some(-2.0)]), [" 1.0", "-2.0"]);
        assert_eq!(f64s(&[Some(0.1), Some(1.0 / 3.0)]), [" 0.100000", " 0.333333"]);
        assert_eq!(f64s(&[Some(f64::NAN), Some(f64::INFINITY), Some(-0.5)]), ["NaN", " inf", "-0.5"]);
        assert_eq!(f64s(&[None, None]), ["<NA>", "<NA>"]);
        assert_eq!(f64s(&[]), Vec::<String>::new());
    }

    #[test]
    fn floats_switch_to_scientific_like_pandas() {
        // a non-zero value that would print as 0.000000
        assert_eq!(f64s(&[Some(1e-7), Some(1.0)]), [" 1.000000e-07", " 1.000000e+00"]);
        // large and longer than 12 characters
        assert_eq!(f64s(&[Some(12_345_678.891), Some(1.0)]), [" 1.234568e+07", " 1.000000e+00"]);
        // large but 12 characters stays fixed
        assert_eq!(f64s(&[Some(1_234_567.891), Some(1.0)]), [" 1234567.891", " 1.000"]);
        // large but short stays fixed
        assert_eq!(f64s(&[Some(10_000_000.0), Some(2.5)]), [" 10000000.0", " 2.5"]);
        assert_eq!(f64s(&[Some(1e20)]), [" 1.000000e+20"]);
        assert_eq!(f64s(&[Some(-1e-10), Some(0.0)]), ["-1.000000e-10", " 0.000000e+00"]);
    }

    #[test]
    fn float32_and_float16_print_as_their_values() {
        let a = Float32Array::from(vec![Some(0.1), Some(2.5), None]);
        assert_eq!(format_column(&a), [" 0.1", " 2.5", "<NA>"]);
        let h = Float16Array::from(vec![Some(half_from(1.5)), None]);
        assert_eq!(format_column(&h), [" 1.5", "<NA>"]);
    }

    fn half_from(v: f32) -> <arrow::datatypes::Float16Type as ArrowPrimitiveType>::Native {
        <arrow::datatypes::Float16Type as ArrowPrimitiveType>::Native::from_f32(v)
    }

    #[test]
    fn integers_have_a_sign_slot() {
        let a = Int64Array::from(vec![Some(1), Some(-20), None, Some(i64::MIN)]);
        assert_eq!(format_column(&a), [" 1", "-20", " <NA>", "-9223372036854775808"]);
        let a = Int8Array::from(vec![Some(-1), Some(7)]);
        assert_eq!(format_column(&a), ["-1", " 7"]);
        let a = UInt64Array::from(vec![Some(u64::MAX)]);
        assert_eq!(format_column(&a), [" 18446744073709551615"]);
    }

    #[test]
    fn bools_and_strings_are_padded() {
        let a = BooleanArray::from(vec![Some(true), Some(false), None]);
        assert_eq!(format_column(&a), [" True", " False", " <NA>"]);
        let a = StringArray::from(vec![Some("x"), None, Some("a\tb\nc"), Some("")]);
        assert_eq!(format_column(&a), [" x", " <NA>", " a\\tb\\nc", " "]);
        let a = StringViewArray::from(vec![Some("view"), None]);
        assert_eq!(format_column(&a), [" view", " <NA>"]);
        let dict: DictionaryArray<Int32Type> =
            vec![Some("p"), None, Some("q"), Some("p")].into_iter().collect();
        assert_eq!(format_column(&dict), [" p", " <NA>", " q", " p"]);
    }

    #[test]
    fn dates_are_flush() {
        let a = Date32Array::from(vec![Some(19_723), None, Some(0), Some(-1), Some(11_016)]);
        assert_eq!(format_column(&a), ["2024-01-01", "<NA>", "1970-01-01", "1969-12-31", "2000-02-29"]);
    }

    #[test]
    fn timestamps_show_the_precision_they_need() {
        let noon = 1_704_110_400; // 2024-01-01 12:00:00
        let a = TimestampSecondArray::from(vec![Some(noon), None]);
        assert_eq!(format_column(&a), ["2024-01-01 12:00:00", "<NA>"]);
        let midnights = TimestampSecondArray::from(vec![Some(noon - 43_200), Some(noon + 43_200)]);
        assert_eq!(format_column(&midnights), ["2024-01-01", "2024-01-02"]);
        let ms = TimestampMillisecondArray::from(vec![Some(noon * 1000 + 250), Some(noon * 1000)]);
        assert_eq!(format_column(&ms), ["2024-01-01 12:00:00.250", "2024-01-01 12:00:00.000"]);
        let ns = TimestampNanosecondArray::from(vec![Some(noon * 1_000_000_000 + 1_500)]);
        assert_eq!(format_column(&ns), ["2024-01-01 12:00:00.000001500"]);
        let before_epoch = TimestampMillisecondArray::from(vec![Some(-1)]);
        assert_eq!(format_column(&before_epoch), ["1969-12-31 23:59:59.999"]);
    }

    #[test]
    fn time_zones_show_local_time_and_offset() {
        let noon = 1_704_110_400;
        let utc = TimestampSecondArray::from(vec![Some(noon - 43_200)]).with_timezone("UTC");
        assert_eq!(format_column(&utc), ["2024-01-01 00:00:00+00:00"]);
        let india = TimestampSecondArray::from(vec![Some(noon)]).with_timezone("+05:30");
        assert_eq!(format_column(&india), ["2024-01-01 17:30:00+05:30"]);
        let west = TimestampSecondArray::from(vec![Some(noon)]).with_timezone("-0800");
        assert_eq!(format_column(&west), ["2024-01-01 04:00:00-08:00"]);
        let named = TimestampSecondArray::from(vec![Some(noon)]).with_timezone("Europe/Paris");
        assert_eq!(format_column(&named), ["2024-01-01 13:00:00+01:00"]);
        let unknown = TimestampSecondArray::from(vec![Some(noon)]).with_timezone("Mars/Base");
        assert_eq!(format_column(&unknown), ["2024-01-01 12:00:00 UTC"]);
    }

    #[test]
    fn zoned_values_show_the_offset_in_force_then() {
        // 2024-03-10 06:30 and 07:30 UTC, either side of New York's spring
        // forward, a null, and a fraction that sets the precision.
        let at = 1_710_052_200_000;
        let ny = TimestampMillisecondArray::from(vec![Some(at), Some(at + 3_600_500), None])
            .with_timezone("America/New_York");
        assert_eq!(
            format_column(&ny),
            ["2024-03-10 01:30:00.000-05:00", "2024-03-10 03:30:00.500-04:00", "<NA>"]
        );
        // Midnights of a zoned column keep their time, as pandas prints them.
        let midnight =
            TimestampSecondArray::from(vec![Some(1_710_046_800)]).with_timezone("America/New_York");
        assert_eq!(format_column(&midnight), ["2024-03-10 00:00:00-05:00"]);
        // Before standard time: Paris' local mean time, +00:09:21.
        let old = TimestampSecondArray::from(vec![Some(-3_786_825_600)]).with_timezone("Europe/Paris");
        assert_eq!(format_column(&old), ["1850-01-01 00:09:21+00:09:21"]);
    }

    #[test]
    fn other_types_use_arrows_formatter() {
        let a = Decimal128Array::from(vec![Some(12_345), None]).with_precision_and_scale(10, 2).unwrap();
        assert_eq!(format_column(&a), [" 123.45", " <NA>"]);
    }

    #[test]
    fn pieces_are_formatted_together() {
        let pieces: Vec<ArrayRef> =
            vec![Arc::new(Float64Array::from(vec![1.5])), Arc::new(Float64Array::from(vec![2.0]))];
        assert_eq!(format_pieces(&pieces), [" 1.5", " 2.0"]);
        let mixed: Vec<ArrayRef> =
            vec![Arc::new(Float64Array::from(vec![1.5])), Arc::new(Int64Array::from(vec![2]))];
        assert_eq!(format_pieces(&mixed), [" 1.5", " 2"]);
    }

    #[test]
    fn civil_dates_round_known_days() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(-719_468), "0000-03-01");
        assert_eq!(format_date(2_932_896), "9999-12-31");
        assert_eq!(format_date(-25_567), "1900-01-01");
    }
}
