//! Column types from sampled rows, as pandas' parser would choose them.
//!
//! Per column, over the non-missing sampled values: all integers → `Int64`;
//! all numbers → `Float64`; all `True`/`False` (or `true`/`TRUE`...) →
//! `Boolean`; anything else → `Utf8`. Dates stay strings unless named in
//! `parse_dates`, as in pandas. A column with no value in the sample is
//! `Null` here, so it takes another file's type when schemas merge; a column
//! `Null` in every file becomes `Float64` (pandas' all-NaN column), or
//! `Utf8` when no file has a row at all (pandas' header-only frame is
//! `object`).

use arrow::datatypes::DataType;

use super::head::FileHead;
use super::na::NullValues;
use super::value;

/// What the values of one column have looked like so far.
#[derive(Debug, Clone, Copy)]
struct Seen {
    any: bool,
    int: bool,
    float: bool,
    boolean: bool,
}

impl Seen {
    fn new() -> Self {
        Seen { any: false, int: true, float: true, boolean: true }
    }

    fn add(&mut self, s: &str) {
        self.any = true;
        if self.int && !value::parses(s, &DataType::Int64) {
            self.int = false;
        }
        if !self.int && self.float && !value::parses(s, &DataType::Float64) {
            self.float = false;
        }
        // pandas' true_values/false_values: the three usual casings only.
        if self.boolean && !matches!(s, "True" | "true" | "TRUE" | "False" | "false" | "FALSE") {
            self.boolean = false;
        }
    }

    fn data_type(&self) -> DataType {
        match *self {
            Seen { any: false, .. } => DataType::Null,
            Seen { int: true, .. } => DataType::Int64,
            Seen { float: true, .. } => DataType::Float64,
            Seen { boolean: true, .. } => DataType::Boolean,
            _ => DataType::Utf8,
        }
    }
}

/// The inferred type of each column of `head` (by position).
pub(super) fn infer_types(head: &FileHead, nulls: &NullValues) -> Vec<DataType> {
    let mut seen = vec![Seen::new(); head.names.len()];
    for record in &head.samples {
        for (column, field) in seen.iter_mut().zip(record.iter()) {
            match std::str::from_utf8(field) {
                Ok(s) if nulls.is_null(s) => {}
                Ok(s) => column.add(s),
                // Not text: the read reports it; here it can only be a string.
                Err(_) => {
                    column.any = true;
                    column.int = false;
                    column.float = false;
                    column.boolean = false;
                }
            }
        }
    }
    seen.iter().map(Seen::data_type).collect()
}

/// The zone of the `parse_dates` column `column` of `head`, from its
/// sampled values, as pandas' `read_csv` chooses it: `None` when they are
/// wall-clock times (naive timestamps); the offset when every value
/// carries the same one (`2024-03-10T01:30:00-05:00` → `-05:00`, `Z` →
/// `UTC`). Where pandas leaves the column as text, a mix of naive and
/// offset values stays text (`Utf8`); values with different offsets are
/// read as UTC instants (pandas' `utc=True`).
pub(super) fn parse_dates_type(head: &FileHead, column: usize, nulls: &NullValues) -> DataType {
    let naive = super::options::PARSE_DATES_TYPE;
    let mut zone: Option<Option<String>> = None;
    for record in &head.samples {
        let Some(Ok(s)) = record.get(column).map(std::str::from_utf8) else { continue };
        if nulls.is_null(s) {
            continue;
        }
        let this = value::utc_offset(s);
        zone = match (zone, this) {
            (None, this) => Some(this),
            (Some(a), b) if a == b => Some(a),
            (Some(Some(_)), Some(_)) => Some(Some("UTC".to_string())),
            // Naive and offset values together: text, as in pandas.
            (Some(_), _) => return DataType::Utf8,
        };
    }
    match zone.flatten() {
        Some(tz) => DataType::Timestamp(arrow::datatypes::TimeUnit::Nanosecond, Some(tz.into())),
        None => naive,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::options::CsvOptions;

    fn infer(rows: &[&[&str]]) -> Vec<DataType> {
        let width = rows.first().map_or(0, |r| r.len());
        let head = FileHead {
            names: (0..width).map(|i| i.to_string()).collect(),
            data_start: 0,
            samples: rows.iter().map(|r| csv::ByteRecord::from(r.to_vec())).collect(),
        };
        infer_types(&head, &NullValues::new(&CsvOptions::default()).unwrap())
    }

    #[test]
    fn pandas_like_types() {
        use DataType::*;
        let types = infer(&[
            &["1", "1", "True", "x", "2024-01-01", "", "1", "01"],
            &["-2", "2.5", "false", "1", "2024-01-02", "NA", "true", "2"],
            &["NA", "1e3", "", "", "", "nan", "2", " 3"],
        ]);
        assert_eq!(types, [Int64, Float64, Boolean, Utf8, Utf8, Null, Utf8, Int64]);
    }

    #[test]
    fn parse_dates_reads_one_offset_as_a_zone() {
        use arrow::datatypes::TimeUnit::Nanosecond;
        let zone = |rows: &[&str]| {
            let head = FileHead {
                names: vec!["t".into()],
                data_start: 0,
                samples: rows.iter().map(|r| csv::ByteRecord::from(vec![*r])).collect(),
            };
            parse_dates_type(&head, 0, &NullValues::new(&CsvOptions::default()).unwrap())
        };
        let at = |tz: &str| DataType::Timestamp(Nanosecond, Some(tz.into()));
        assert_eq!(zone(&["2024-03-10T01:30:00-05:00", "", "2024-03-10 03:30:00-0500"]), at("-05:00"));
        assert_eq!(zone(&["2024-03-10T01:30:00Z", "2024-03-10T01:30:00+00:00"]), at("UTC"));
        assert_eq!(zone(&["2024-03-10T01:30:00+01:00", "2024-07-10T01:30:00+02:00"]), at("UTC"));
        assert_eq!(zone(&["2024-03-10 01:30:00", "NA"]), DataType::Timestamp(Nanosecond, None));
        assert_eq!(zone(&[]), DataType::Timestamp(Nanosecond, None));
        assert_eq!(zone(&["2024-03-10T01:30:00-05:00", "2024-03-10 01:30:00"]), DataType::Utf8);
    }

    #[test]
    fn special_floats_and_short_rows() {
        use DataType::*;
        let types = infer(&[&["inf", "1"], &["-1.5", "2"], &["3"]]);
        assert_eq!(types, [Float64, Int64]);
    }
}
