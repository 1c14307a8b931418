//! Option values written as text, as the CLI takes them and as a user
//! reads them in a config: sizes (`64MiB`) and column types (`id:int64`).

use arrow::datatypes::DataType;
use rusk_ops::dtype::parse_pandas_dtype;
use rusk_ops::{Error, Result};

/// A size in bytes: a plain number of bytes, or a number with a unit:
/// decimal `kB`/`KB`, `MB`, `GB`, `TB` (powers of 1000, as Dask's
/// `parse_bytes` reads them) or binary `KiB`, `MiB`, `GiB`, `TiB` (powers
/// of 1024); `B` is bytes. Case-insensitive, a space allowed before the
/// unit, fractions allowed with a unit (`1.5GB`).
///
/// # Errors
/// [`Error::InvalidArgument`] for an empty, negative, zero, fractional
/// byte count, unknown unit or a size beyond `u64`.
pub fn parse_size(text: &str) -> Result<u64> {
    let bad = |why: &str| {
        Error::InvalidArgument(format!(
            "size {text:?} {why}; write bytes or a number with a unit, e.g. 64MiB, 1MB, 512KiB, 1GB"
        ))
    };
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = (&t[..split], t[split..].trim());
    if number.is_empty() {
        return Err(bad("does not start with a number"));
    }
    let scale: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "t" | "tb" => 1_000_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        _ => return Err(bad(&format!("has an unknown unit {unit:?}"))),
    };
    let bytes = match number.parse::<u64>() {
        Ok(n) => n.checked_mul(scale).ok_or_else(|| bad("is too large"))?,
        Err(_) => {
            let x: f64 = number.parse().map_err(|_| bad("is not a number"))?;
            let bytes = x * scale as f64;
            if bytes.fract() != 0.0 {
                return Err(bad("is not a whole number of bytes"));
            }
            if bytes >= u64::MAX as f64 {
                return Err(bad("is too large"));
            }
            bytes as u64
        }
    };
    if bytes == 0 {
        return Err(bad("is zero"));
    }
    Ok(bytes)
}

/// Column types as `column:dtype` pairs, comma-separated (`id:int64,
/// when:datetime64[ns], amount:decimal(10,2)`: commas inside parentheses
/// belong to the type), each dtype by its pandas name (see
/// [`rusk_ops::dtype::parse_pandas_dtype`]), for `read_csv`'s `dtype=`.
///
/// # Errors
/// [`Error::InvalidArgument`] for a pair without `:`, an empty column name
/// or an unknown dtype.
pub fn parse_dtypes(spec: &str) -> Result<Vec<(String, DataType)>> {
    let mut pairs = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    let mut pieces = Vec::new();
    for (i, c) in spec.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                pieces.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(&spec[start..]);
    for piece in pieces.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
        let (column, dtype) = piece.rsplit_once(':').ok_or_else(|| {
            Error::InvalidArgument(format!("dtype {piece:?} is not `column:dtype` (e.g. id:int64)"))
        })?;
        let column = column.trim();
        if column.is_empty() {
            return Err(Error::InvalidArgument(format!("dtype {piece:?} names no column")));
        }
        pairs.push((column.to_string(), parse_pandas_dtype(dtype)?));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_decimal_and_binary_units() {
        for (text, bytes) in [
            ("1", 1),
            ("4096", 4096),
            ("64MiB", 64 << 20),
            ("1MB", 1_000_000),
            ("512KiB", 512 << 10),
            ("1GB", 1_000_000_000),
            ("1 gib", 1 << 30),
            ("1.5GB", 1_500_000_000),
            ("2kB", 2000),
            ("10b", 10),
        ] {
            assert_eq!(parse_size(text).unwrap(), bytes, "{text}");
        }
        for (text, why) in [
            ("0", "is zero"),
            ("0MiB", "is zero"),
            ("", "does not start"),
            ("abc", "does not start"),
            ("-5", "does not start"),
            ("12XB", "unknown unit"),
            ("1.2.3MB", "not a number"),
            ("0.5", "whole number"),
            ("99999999999TB", "too large"),
        ] {
            let err = parse_size(text).unwrap_err();
            assert!(matches!(&err, Error::InvalidArgument(m) if m.contains(why)), "{text}: {err}");
        }
    }

    #[test]
    fn dtypes_pair_columns_with_pandas_names() {
        let got = parse_dtypes("id:int64, name:str,when:datetime64[ns],amount:decimal(10,2)").unwrap();
        assert_eq!(
            got,
            vec![
                ("id".to_string(), DataType::Int64),
                ("name".to_string(), DataType::Utf8),
                ("when".to_string(), DataType::Timestamp(arrow::datatypes::TimeUnit::Nanosecond, None)),
                ("amount".to_string(), DataType::Decimal128(10, 2)),
            ]
        );
        for bad in ["id", ":int64", "id:int65"] {
            assert!(matches!(parse_dtypes(bad), Err(Error::InvalidArgument(_))), "{bad}");
        }
    }
}
