//! Finding the value a failed decode choked on, for an error that names the
//! file line and column (arrow-csv's own message counts rows of its input,
//! not lines of the file, and column indices, not names).

use arrow::datatypes::{DataType, Schema};

use super::dates::DateColumns;
use super::head::csv_reader;
use super::na::NullValues;
use super::options::CsvOptions;
use super::value;

/// A value that does not decode.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BadValue {
    /// Where its row's span starts in the data (see [`super::bad_lines::line_of`]).
    pub row_start: usize,
    /// The text (lossily decoded when it is not UTF-8).
    pub value: String,
    /// The index of its column in `schema`.
    pub column: usize,
    /// The column's type.
    pub data_type: DataType,
}

/// The first value, in row order, that arrow-csv would fail on when decoding
/// `data` with `schema` (the file's columns), `projection` and the null
/// regex, or that is not a date of its column in `dates` (reported as
/// [`super::PARSE_DATES_TYPE`]); rows of the wrong width are passed over
/// (they are bad lines).
pub(super) fn first_bad_value(
    data: &[u8],
    opts: &CsvOptions,
    schema: &Schema,
    projection: &[usize],
    nulls: &NullValues,
    dates: &DateColumns,
) -> Option<BadValue> {
    let width = schema.fields().len();
    let mut reader = csv_reader(opts, data);
    let mut record = csv::ByteRecord::new();
    loop {
        let row_start = reader.position().byte() as usize;
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) | Err(_) => return None,
        }
        if record.len() != width {
            continue;
        }
        // Every field must be UTF-8, projected or not: arrow-csv checks all.
        for (column, field) in record.iter().enumerate() {
            let date = dates.get(column);
            let data_type = match date {
                Some(_) => &super::PARSE_DATES_TYPE,
                None => schema.field(column).data_type(),
            };
            let parses = |s: &str| match date {
                Some(parser) => parser.parse(s).is_some(),
                None => value::parses(s, data_type),
            };
            match std::str::from_utf8(field) {
                Err(_) => {
                    let value = String::from_utf8_lossy(field).into_owned();
                    return Some(BadValue { row_start, value, column, data_type: data_type.clone() });
                }
                Ok(s) if projection.contains(&column) && !nulls.regex().is_match(s) && !parses(s) => {
                    let value = s.to_string();
                    return Some(BadValue { row_start, value, column, data_type: data_type.clone() });
                }
                Ok(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::Field;

    #[test]
    fn finds_the_first_bad_value_in_row_order() {
        let schema = Schema::new(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("b", DataType::Float64, true),
            Field::new("c", DataType::Int64, true),
        ]);
        let nulls = NullValues::new(&CsvOptions::default()).unwrap();
        let none = DateColumns::default();
        let data = b"1,2,3\n4,NA,x\n5,y,6\n7,8\n";
        let bad = first_bad_value(data, &CsvOptions::default(), &schema, &[0, 1, 2], &nulls, &none).unwrap();
        assert_eq!((bad.value.as_str(), bad.column, bad.data_type), ("x", 2, DataType::Int64));
        assert_eq!(super::super::bad_lines::line_of(data, bad.row_start), 2);
        // Unprojected columns are not parsed.
        let bad = first_bad_value(data, &CsvOptions::default(), &schema, &[0, 1], &nulls, &none).unwrap();
        assert_eq!((bad.value.as_str(), bad.column), ("y", 1));
        assert_eq!(first_bad_value(data, &CsvOptions::default(), &schema, &[0], &nulls, &none), None);
        let bad =
            first_bad_value(b"1,2,\xff\n", &CsvOptions::default(), &schema, &[0], &nulls, &none).unwrap();
        assert_eq!((bad.value.as_str(), bad.column), ("\u{fffd}", 2));
    }

    #[test]
    fn date_columns_are_checked_by_their_parser() {
        let schema =
            Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("d", DataType::Utf8, true)]);
        let opts = CsvOptions::default().parse_dates(["d"]).date_format("%d/%m/%Y");
        let nulls = NullValues::new(&opts).unwrap();
        let dates = DateColumns::new(&opts, &["a".to_string(), "d".to_string()], &|_| None).unwrap();
        let data = b"1,31/01/2024\n2,NA\n3,2024-01-31\n";
        let bad = first_bad_value(data, &opts, &schema, &[0, 1], &nulls, &dates).unwrap();
        assert_eq!((bad.value.as_str(), bad.column), ("2024-01-31", 1));
        assert_eq!(bad.data_type, super::super::PARSE_DATES_TYPE);
        assert_eq!(super::super::bad_lines::line_of(data, bad.row_start), 3);
        let none = DateColumns::default();
        assert_eq!(first_bad_value(data, &opts, &schema, &[0, 1], &nulls, &none), None);
    }
}
