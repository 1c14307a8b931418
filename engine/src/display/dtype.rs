//! The dtype names pandas users know, for Arrow types.

use arrow::datatypes::{DataType, TimeUnit};

/// The pandas name of an Arrow type: `int64`, `float64`, `bool`, `string`,
/// `datetime64[ns]`, `datetime64[ns, UTC]`, `date32[day]`; Arrow's own name
/// for types pandas has no plain name for (lists, structs, decimals...).
///
/// Every string type is `string`, dictionary-encoded ones included: rusk
/// uses dictionaries as an encoding (Parquet's dictionary pages), not as
/// pandas' `category`, which has an order and a fixed set of categories.
/// Dates are `date32[day]` as in pandas' Arrow-backed dtypes, since numpy
/// has no date type.
pub fn dtype_name(dt: &DataType) -> String {
    let name = match dt {
        DataType::Int8 => "int8",
        DataType::Int16 => "int16",
        DataType::Int32 => "int32",
        DataType::Int64 => "int64",
        DataType::UInt8 => "uint8",
        DataType::UInt16 => "uint16",
        DataType::UInt32 => "uint32",
        DataType::UInt64 => "uint64",
        DataType::Float16 => "float16",
        DataType::Float32 => "float32",
        DataType::Float64 => "float64",
        DataType::Boolean => "bool",
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "string",
        DataType::Date32 => "date32[day]",
        DataType::Date64 => "date64[ms]",
        DataType::Timestamp(unit, None) => return format!("datetime64[{}]", unit_name(*unit)),
        DataType::Timestamp(unit, Some(tz)) => return format!("datetime64[{}, {tz}]", unit_name(*unit)),
        DataType::Duration(unit) => return format!("timedelta64[{}]", unit_name(*unit)),
        DataType::Dictionary(_, values) if is_string(values) => "string",
        other => return other.to_string(),
    };
    name.to_string()
}

fn is_string(dt: &DataType) -> bool {
    matches!(dt, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// numpy's unit abbreviations.
fn unit_name(unit: TimeUnit) -> &'static str {
    match unit {
        TimeUnit::Second => "s",
        TimeUnit::Millisecond => "ms",
        TimeUnit::Microsecond => "us",
        TimeUnit::Nanosecond => "ns",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_pandas() {
        let cases = [
            (DataType::Int8, "int8"),
            (DataType::Int64, "int64"),
            (DataType::UInt16, "uint16"),
            (DataType::UInt64, "uint64"),
            (DataType::Float32, "float32"),
            (DataType::Float64, "float64"),
            (DataType::Boolean, "bool"),
            (DataType::Utf8, "string"),
            (DataType::LargeUtf8, "string"),
            (DataType::Utf8View, "string"),
            (DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)), "string"),
            (DataType::Date32, "date32[day]"),
            (DataType::Timestamp(TimeUnit::Nanosecond, None), "datetime64[ns]"),
            (DataType::Timestamp(TimeUnit::Second, None), "datetime64[s]"),
            (DataType::Timestamp(TimeUnit::Millisecond, None), "datetime64[ms]"),
            (DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), "datetime64[us, UTC]"),
            (DataType::Duration(TimeUnit::Millisecond), "timedelta64[ms]"),
        ];
        for (dt, name) in cases {
            assert_eq!(dtype_name(&dt), name, "{dt}");
        }
    }

    #[test]
    fn other_types_keep_arrows_name() {
        assert_eq!(dtype_name(&DataType::Decimal128(10, 2)), DataType::Decimal128(10, 2).to_string());
        assert_eq!(dtype_name(&DataType::Binary), "Binary");
        let dict = DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Int64));
        assert_eq!(dtype_name(&dict), dict.to_string());
    }
}
