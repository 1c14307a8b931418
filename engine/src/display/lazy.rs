//! The structure of a lazy frame, as Dask prints one: what it will hold,
//! without computing anything.

use arrow::datatypes::Schema;

use super::cell::escape;
use super::dtype_name;

/// Formats a lazy frame's structure: its partitions, then each column with
/// its dtype, one per line, as Dask's repr shows a frame's columns and
/// dtypes without values.
///
/// ```text
/// rusk.DataFrame (lazy, npartitions=8)
/// column  dtype
/// id      int64
/// name    string
/// ```
pub fn format_lazy(schema: &Schema, npartitions: usize) -> String {
    let mut out = format!("rusk.DataFrame (lazy, npartitions={npartitions})");
    if schema.fields().is_empty() {
        out.push_str("\n(no columns)");
        return out;
    }
    let names: Vec<String> = schema.fields().iter().map(|f| escape(f.name())).collect();
    let width =
        names.iter().map(|n| n.chars().count()).chain(std::iter::once("column".len())).max().unwrap_or(0);
    out.push_str(&format!("\n{:<width$}  dtype", "column"));
    for (name, field) in names.iter().zip(schema.fields()) {
        let fill = " ".repeat(width - name.chars().count());
        out.push_str(&format!("\n{name}{fill}  {}", dtype_name(field.data_type())));
    }
    out
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::{DataType, Field, TimeUnit};

    use super::*;

    #[test]
    fn lists_columns_and_dtypes() {
        let schema = Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("unit price", DataType::Float64, true),
            Field::new("when", DataType::Timestamp(TimeUnit::Nanosecond, None), true),
        ]);
        assert_eq!(
            format_lazy(&schema, 8),
            "rusk.DataFrame (lazy, npartitions=8)\n\
             column      dtype\n\
             id          int64\n\
             unit price  float64\n\
             when        datetime64[ns]"
        );
    }

    #[test]
    fn short_names_align_under_the_header() {
        let schema = Schema::new(vec![Field::new("a", DataType::Utf8, true)]);
        assert_eq!(
            format_lazy(&schema, 1),
            "rusk.DataFrame (lazy, npartitions=1)\ncolumn  dtype\na       string"
        );
    }

    #[test]
    fn no_columns() {
        assert_eq!(format_lazy(&Schema::empty(), 3), "rusk.DataFrame (lazy, npartitions=3)\n(no columns)");
    }
}
