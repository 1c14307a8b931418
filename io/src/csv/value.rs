//! Which text arrow-csv accepts for a type, so inference, the null fast path
//! and error reports agree with the decoder about what parses.

use arrow::array::timezone::Tz;
use arrow::compute::kernels::cast_utils::{parse_decimal, string_to_datetime, Parser};
use arrow::datatypes::*;
use chrono::Utc;

/// Whether arrow-csv can decode a column of `data_type` (its `parse` covers
/// these and fails on the rest).
pub(super) fn decodable(data_type: &DataType) -> bool {
    use DataType::*;
    match data_type {
        Null
        | Boolean
        | Int8
        | Int16
        | Int32
        | Int64
        | UInt8
        | UInt16
        | UInt32
        | UInt64
        | Float16
        | Float32
        | Float64
        | Date32
        | Date64
        | Utf8
        | Utf8View
        | Timestamp(_, _) => true,
        Decimal32(_, _) | Decimal64(_, _) | Decimal128(_, _) | Decimal256(_, _) => true,
        Time32(TimeUnit::Second | TimeUnit::Millisecond)
        | Time64(TimeUnit::Microsecond | TimeUnit::Nanosecond) => true,
        Dictionary(key, value) => key.is_integer() && value.as_ref() == &Utf8,
        _ => false,
    }
}

/// Whether a column of `data_type` holds text (every field is accepted).
pub(super) fn is_text(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Utf8 | DataType::Utf8View | DataType::Dictionary(_, _) | DataType::Null)
}

/// Whether arrow-csv would decode `s` (not a null) as `data_type`, mirroring
/// `arrow_csv::reader::parse` type by type.
pub(super) fn parses(s: &str, data_type: &DataType) -> bool {
    use DataType::*;
    fn p<T: Parser>(s: &str) -> bool {
        T::parse(s).is_some()
    }
    match data_type {
        Boolean => s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"),
        Int8 => p::<Int8Type>(s),
        Int16 => p::<Int16Type>(s),
        Int32 => p::<Int32Type>(s),
        Int64 => p::<Int64Type>(s),
        UInt8 => p::<UInt8Type>(s),
        UInt16 => p::<UInt16Type>(s),
        UInt32 => p::<UInt32Type>(s),
        UInt64 => p::<UInt64Type>(s),
        Float16 => p::<Float16Type>(s),
        Float32 => p::<Float32Type>(s),
        Float64 => p::<Float64Type>(s),
        Date32 => p::<Date32Type>(s),
        Date64 => p::<Date64Type>(s),
        Time32(TimeUnit::Second) => p::<Time32SecondType>(s),
        Time32(TimeUnit::Millisecond) => p::<Time32MillisecondType>(s),
        Time64(TimeUnit::Microsecond) => p::<Time64MicrosecondType>(s),
        Time64(TimeUnit::Nanosecond) => p::<Time64NanosecondType>(s),
        Decimal32(precision, scale) => parse_decimal::<Decimal32Type>(s, *precision, *scale).is_ok(),
        Decimal64(precision, scale) => parse_decimal::<Decimal64Type>(s, *precision, *scale).is_ok(),
        Decimal128(precision, scale) => parse_decimal::<Decimal128Type>(s, *precision, *scale).is_ok(),
        Decimal256(precision, scale) => parse_decimal::<Decimal256Type>(s, *precision, *scale).is_ok(),
        Timestamp(unit, tz) => {
            let instant = match tz {
                None => string_to_datetime(&Utc, s).map(|d| d.naive_utc()),
                Some(tz) => match tz.parse::<Tz>() {
                    Ok(tz) => string_to_datetime(&tz, s).map(|d| d.naive_utc()),
                    Err(_) => return false,
                },
            };
            match instant {
                Ok(t) => *unit != TimeUnit::Nanosecond || t.and_utc().timestamp_nanos_opt().is_some(),
                Err(_) => false,
            }
        }
        _ => true,
    }
}

/// The UTC offset a date-time text carries, as a zone name (`-05:00`,
/// `UTC` for `Z` or a zero offset); `None` for a wall-clock time without
/// one (or text that is no date-time).
pub(super) fn utc_offset(s: &str) -> Option<String> {
    let s = s.trim();
    // Reading the text in two zones gives one instant only if it names one.
    let (utc, east) = (chrono::FixedOffset::east_opt(0)?, chrono::FixedOffset::east_opt(3600)?);
    let instant = string_to_datetime(&utc, s).ok()?;
    if instant.naive_utc() != string_to_datetime(&east, s).ok()?.naive_utc() {
        return None;
    }
    if s.ends_with(['Z', 'z']) {
        return Some("UTC".to_string());
    }
    // The offset follows the time: the last sign after the date.
    let at = s.get(10..)?.rfind(['+', '-'])? + 10;
    let zone = rusk_ops::time::Zone::parse(s.get(at..)?).ok()?;
    Some(if zone.offset_at(0) == Some(0) { "UTC".to_string() } else { zone.name().to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrors_the_decoder() {
        assert!(parses(" 12", &DataType::Int64));
        assert!(!parses("1.5", &DataType::Int64));
        assert!(!parses("NA", &DataType::Float64));
        assert!(parses("NaN", &DataType::Float64));
        assert!(parses("1e3", &DataType::Float64));
        assert!(parses("TRUE", &DataType::Boolean));
        assert!(!parses("1", &DataType::Boolean));
        let ns = DataType::Timestamp(TimeUnit::Nanosecond, None);
        for ok in ["2024-01-31", "2024-01-31 10:11:12", "2024-01-31T10:11:12.345"] {
            assert!(parses(ok, &ns), "{ok}");
        }
        assert!(!parses("31/01/2024", &ns));
        assert!(!parses("9999-01-01", &ns), "beyond the nanosecond range");
        assert!(parses("anything", &DataType::Utf8));
    }

    #[test]
    fn decodable_types() {
        assert!(decodable(&DataType::Decimal128(10, 2)));
        assert!(decodable(&DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))));
        assert!(!decodable(&DataType::LargeUtf8));
        assert!(!decodable(&DataType::Binary));
    }
}
