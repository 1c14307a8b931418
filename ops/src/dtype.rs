//! The dtype names pandas users know, for Arrow types, both ways: the name
//! `rusk schema`, frame display and error messages show, and the type a
//! name given to `astype` or `read_csv(dtype=)` stands for. One home, so an
//! error never says `Utf8View` where the schema says `string`.

use arrow::datatypes::{DataType, TimeUnit};

use crate::{Error, Result};

/// The pandas name of an Arrow type: `int64`, `float64`, `bool`, `string`,
/// `datetime64[ns]`, `datetime64[ns, UTC]`, `date32[day]`; Arrow's own name
/// for types pandas has no plain name for (lists, structs, decimals...);
/// a dictionary of other values is `dictionary of <values>`.
///
/// Every string type is `string`, dictionary-encoded ones included: rusk
/// uses dictionaries as an encoding (Parquet's dictionary pages), not as
/// pandas' `category`, which has an order and a fixed set of categories.
/// Dates are `date32[day]` as in pandas' Arrow-backed dtypes, since numpy
/// has no date type.
pub fn pandas_dtype(dt: &DataType) -> String {
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
        DataType::Null => "null",
        DataType::Dictionary(_, values) if is_string(values) => "string",
        DataType::Dictionary(_, values) => return format!("dictionary of {}", pandas_dtype(values)),
        other => return other.to_string(),
    };
    name.to_string()
}

/// True for the string types (`Utf8`, `LargeUtf8`, `Utf8View`) and
/// dictionaries of them.
pub fn is_string(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_string(values),
        _ => false,
    }
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

/// The Arrow type of a pandas dtype name, as `astype` and `read_csv`'s
/// `dtype=` take them: `int8`…`int64`, `uint8`…`uint64`, `float32`,
/// `float64` (also `int`, `float`), `bool`, `string` (also `str`,
/// `object`: rusk's object columns are strings), `datetime64[s|ms|us|ns]`
/// (`datetime64` is `[ns]`), `date` (or `date32[day]`), and
/// `decimal(p,s)` / `decimal128(p,s)`. Case and spaces are ignored.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the accepted names.
pub fn parse_pandas_dtype(name: &str) -> Result<DataType> {
    let key: String = name.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    let dt = match key.as_str() {
        "int8" => DataType::Int8,
        "int16" => DataType::Int16,
        "int32" => DataType::Int32,
        "int64" | "int" => DataType::Int64,
        "uint8" => DataType::UInt8,
        "uint16" => DataType::UInt16,
        "uint32" => DataType::UInt32,
        "uint64" => DataType::UInt64,
        "float32" => DataType::Float32,
        "float64" | "float" => DataType::Float64,
        "bool" | "boolean" => DataType::Boolean,
        "string" | "str" | "object" => DataType::Utf8,
        "datetime64" | "datetime64[ns]" => DataType::Timestamp(TimeUnit::Nanosecond, None),
        "datetime64[us]" => DataType::Timestamp(TimeUnit::Microsecond, None),
        "datetime64[ms]" => DataType::Timestamp(TimeUnit::Millisecond, None),
        "datetime64[s]" => DataType::Timestamp(TimeUnit::Second, None),
        "date" | "date32" | "date32[day]" => DataType::Date32,
        _ => return parse_decimal(&key).ok_or_else(|| unknown_dtype(name))?,
    };
    Ok(dt)
}

/// `decimal(p,s)` or `decimal128(p,s)`: `Some(Err)` for a bad precision or scale.
fn parse_decimal(key: &str) -> Option<Result<DataType>> {
    let args = key.strip_prefix("decimal128(").or_else(|| key.strip_prefix("decimal("))?.strip_suffix(')')?;
    let (p, s) = args.split_once(',')?;
    let (p, s) = (p.parse::<u8>().ok()?, s.parse::<i8>().ok()?);
    if p == 0 || p > arrow::datatypes::DECIMAL128_MAX_PRECISION || s < 0 || s as u8 > p {
        return Some(Err(Error::InvalidArgument(format!(
            "decimal({p},{s}): precision must be 1 to {} and scale 0 to the precision",
            arrow::datatypes::DECIMAL128_MAX_PRECISION
        ))));
    }
    Some(Ok(DataType::Decimal128(p, s)))
}

fn unknown_dtype(name: &str) -> Error {
    Error::InvalidArgument(format!(
        "unknown dtype {name:?}; dtypes are: int8, int16, int32, int64, uint8, uint16, uint32, uint64, \
         float32, float64, bool, string (str, object), datetime64[ns] (or [us], [ms], [s]), date, \
         decimal(p,s)"
    ))
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
            assert_eq!(pandas_dtype(&dt), name, "{dt}");
        }
    }

    #[test]
    fn names_parse_back() {
        for name in [
            "int8",
            "int64",
            "uint32",
            "float32",
            "float64",
            "bool",
            "string",
            "datetime64[ns]",
            "datetime64[ms]",
            "date32[day]",
        ] {
            assert_eq!(pandas_dtype(&parse_pandas_dtype(name).unwrap()), name);
        }
        assert_eq!(parse_pandas_dtype("str").unwrap(), DataType::Utf8);
        assert_eq!(parse_pandas_dtype("object").unwrap(), DataType::Utf8);
        assert_eq!(parse_pandas_dtype(" Int64 ").unwrap(), DataType::Int64);
        assert_eq!(parse_pandas_dtype("date").unwrap(), DataType::Date32);
        assert_eq!(
            parse_pandas_dtype("datetime64").unwrap(),
            DataType::Timestamp(TimeUnit::Nanosecond, None)
        );
        assert_eq!(parse_pandas_dtype("decimal(10, 2)").unwrap(), DataType::Decimal128(10, 2));
        let err = parse_pandas_dtype("decimal(50,2)").unwrap_err();
        assert!(matches!(&err, Error::InvalidArgument(m) if m.contains("precision")), "{err}");
        let err = parse_pandas_dtype("int65").unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument(m) if m.contains("\"int65\"") && m.contains("float64")),
            "{err}"
        );
    }

    #[test]
    fn other_types_keep_arrows_name() {
        assert_eq!(pandas_dtype(&DataType::Decimal128(10, 2)), DataType::Decimal128(10, 2).to_string());
        assert_eq!(pandas_dtype(&DataType::Binary), "Binary");
        let dict = DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Int64));
        assert_eq!(pandas_dtype(&dict), "dictionary of int64");
    }
}
