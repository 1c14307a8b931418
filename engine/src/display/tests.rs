//! Whole frames, printed: the expected texts are what pandas prints for the
//! same frame (with nullable dtypes), plus rusk's shape and dtypes lines.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array, StringArray,
    TimestampSecondArray,
};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

use super::*;

fn frame(columns: Vec<(&str, ArrayRef)>) -> (Schema, RecordBatch) {
    let fields: Vec<Field> =
        columns.iter().map(|(name, array)| Field::new(*name, array.data_type().clone(), true)).collect();
    let schema = Schema::new(fields);
    let batch = RecordBatch::try_new(Arc::new(schema.clone()), columns.into_iter().map(|(_, a)| a).collect())
        .unwrap();
    (schema, batch)
}

fn show(columns: Vec<(&str, ArrayRef)>) -> String {
    let (schema, batch) = frame(columns);
    format_frame(&schema, &[batch], &DisplayOptions::default())
}

fn ints(values: impl IntoIterator<Item = i64>) -> ArrayRef {
    Arc::new(Int64Array::from_iter_values(values))
}

#[test]
fn small_frame_of_every_type_with_nulls() {
    let noon = 1_704_110_400;
    let text = show(vec![
        ("a", Arc::new(Int64Array::from(vec![Some(1), Some(-20), None]))),
        ("value", Arc::new(Float64Array::from(vec![Some(1.5), Some(2.25), None]))),
        ("name", Arc::new(StringArray::from(vec![Some("x"), None, Some("long text")]))),
        ("flag", Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)]))),
        ("day", Arc::new(Date32Array::from(vec![Some(19_723), Some(19_724), None]))),
        ("at", Arc::new(TimestampSecondArray::from(vec![Some(noon), None, Some(0)]))),
    ]);
    let expected = "
      a  value       name   flag        day                  at
0     1   1.50          x   True 2024-01-01 2024-01-01 12:00:00
1   -20   2.25       <NA>   <NA> 2024-01-02                <NA>
2  <NA>   <NA>  long text  False       <NA> 1970-01-01 00:00:00

[3 rows x 6 columns]
dtypes: a int64, value float64, name string, flag bool, day date32[day], at datetime64[s]";
    assert_eq!(text, &expected[1..]);
}

#[test]
fn numeric_headers_get_a_sign_slot_and_strings_do_not() {
    // pandas: `pd.DataFrame({'value': [1, 2], 'name': ['x', 'y']})`
    let text = show(vec![("value", ints([1, 2])), ("name", Arc::new(StringArray::from(vec!["x", "y"])))]);
    let expected = "
   value name
0      1    x
1      2    y

[2 rows x 2 columns]
dtypes: value int64, name string";
    assert_eq!(text, &expected[1..]);
}

#[test]
fn floats_share_decimals_per_column() {
    let text = show(vec![
        ("whole", Arc::new(Float64Array::from(vec![1.0, 20.0, -3.0]))),
        ("mixed", Arc::new(Float64Array::from(vec![0.5, 0.125, 10.0]))),
        ("tiny", Arc::new(Float64Array::from(vec![1e-9, 1.0, 0.0]))),
    ]);
    let expected = "
   whole   mixed          tiny
0    1.0   0.500  1.000000e-09
1   20.0   0.125  1.000000e+00
2   -3.0  10.000  0.000000e+00

[3 rows x 3 columns]
dtypes: whole float64, mixed float64, tiny float64";
    assert_eq!(text, &expected[1..]);
}

/// Floats, dates and timestamps print nulls flush (pandas' `NaN`/`NaT`
/// have no sign slot); the other types pad them like their values.
#[test]
fn all_null_columns_of_every_type() {
    let text = show(vec![
        ("i", Arc::new(Int32Array::from(vec![None, None]))),
        ("f", Arc::new(Float64Array::from(vec![None, None]))),
        ("s", Arc::new(StringArray::from(vec![None::<&str>, None]))),
        ("b", Arc::new(BooleanArray::from(vec![None, None]))),
        ("d", Arc::new(Date32Array::from(vec![None, None]))),
        ("t", Arc::new(TimestampSecondArray::from(vec![None, None]).with_timezone("UTC"))),
        ("n", arrow::array::new_null_array(&DataType::Null, 2)),
    ]);
    let expected = "
      i    f     s     b    d    t     n
0  <NA> <NA>  <NA>  <NA> <NA> <NA>  <NA>
1  <NA> <NA>  <NA>  <NA> <NA> <NA>  <NA>

[2 rows x 7 columns]
dtypes: i int32, f float64, s string, b bool, d date32[day], t datetime64[s, UTC], n null";
    assert_eq!(text, &expected[1..]);
}

#[test]
fn long_frames_show_head_and_tail_with_real_positions() {
    let text = show(vec![
        ("a", ints(0..100)),
        ("b", Arc::new(StringArray::from_iter_values((0..100).map(|i| format!("row{i}"))))),
    ]);
    let expected = "
     a      b
0    0   row0
1    1   row1
2    2   row2
3    3   row3
4    4   row4
..  ..    ...
95  95  row95
96  96  row96
97  97  row97
98  98  row98
99  99  row99

[100 rows x 2 columns]
dtypes: a int64, b string";
    assert_eq!(text, &expected[1..]);
}

#[test]
fn the_limit_itself_is_not_truncated() {
    let text = show(vec![("a", ints(0..60))]);
    assert_eq!(text.lines().count(), 61 + 3);
    assert!(!text.contains(".."));
    let text = show(vec![("a", ints(0..61))]);
    assert_eq!(text.lines().count(), 1 + 10 + 1 + 3);
}

#[test]
fn row_limits_follow_pandas_options() {
    let (schema, batch) = frame(vec![("a", ints(0..20))]);
    let opts = DisplayOptions { max_rows: 6, min_rows: 0, ..Default::default() };
    let text = format_frame(&schema, std::slice::from_ref(&batch), &opts);
    let expected = "
     a
0    0
1    1
2    2
..  ..
17  17
18  18
19  19

[20 rows x 1 columns]
dtypes: a int64";
    assert_eq!(text, &expected[1..]);
    // min_rows above max_rows: max_rows wins; odd counts round down.
    let opts = DisplayOptions { max_rows: 5, min_rows: 10, ..Default::default() };
    let text = format_frame(&schema, std::slice::from_ref(&batch), &opts);
    assert_eq!(
        text.lines().take(6).collect::<Vec<_>>(),
        ["     a", "0    0", "1    1", "..  ..", "18  18", "19  19"]
    );
    // no limit
    let opts = DisplayOptions { max_rows: 0, ..Default::default() };
    assert_eq!(format_frame(&schema, &[batch], &opts).lines().count(), 21 + 3);
}

#[test]
fn wide_frames_show_first_and_last_columns() {
    let columns: Vec<(String, ArrayRef)> = (0..25).map(|i| (format!("c{i}"), ints([i, i * 100]))).collect();
    let (schema, batch) = frame(columns.iter().map(|(n, a)| (n.as_str(), Arc::clone(a))).collect());
    let opts = DisplayOptions { max_columns: 6, ..Default::default() };
    let text = format_frame(&schema, &[batch], &opts);
    let expected = "
   c0   c1   c2  ...   c22   c23   c24
0   0    1    2  ...    22    23    24
1   0  100  200  ...  2200  2300  2400

[2 rows x 25 columns]
dtypes: c0 int64, c1 int64, c2 int64, ..., c22 int64, c23 int64, c24 int64";
    assert_eq!(text, &expected[1..]);
}

#[test]
fn long_and_wide_frames_cross_their_dots() {
    let columns: Vec<(String, ArrayRef)> =
        (0..5).map(|i| (format!("c{i}"), ints((0..30).map(|r| r * i)))).collect();
    let (schema, batch) = frame(columns.iter().map(|(n, a)| (n.as_str(), Arc::clone(a))).collect());
    let opts = DisplayOptions { max_rows: 4, min_rows: 4, max_columns: 2, ..Default::default() };
    let text = format_frame(&schema, &[batch], &opts);
    let expected = "
    c0  ...   c4
0    0  ...    0
1    0  ...    4
..  ..  ...  ...
28   0  ...  112
29   0  ...  116

[30 rows x 5 columns]
dtypes: c0 int64, ..., c4 int64";
    assert_eq!(text, &expected[1..]);
}

#[test]
fn batches_are_numbered_globally_and_sliced_batches_respected() {
    let schema =
        Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("s", DataType::Utf8, true)]);
    let batch = |a: Vec<i64>, s: Vec<&str>| {
        RecordBatch::try_new(Arc::new(schema.clone()), vec![ints(a), Arc::new(StringArray::from(s))]).unwrap()
    };
    // The second batch is a slice (offset 1) of a bigger one.
    let big = batch(vec![9, 20, 30, 40], vec!["skip", "b", "c", "d"]);
    let batches =
        [batch(vec![10], vec!["a"]), big.slice(1, 2), RecordBatch::new_empty(Arc::new(schema.clone()))];
    let text = format_frame(&schema, &batches, &DisplayOptions::default());
    let expected = "
    a  s
0  10  a
1  20  b
2  30  c

[3 rows x 2 columns]
dtypes: a int64, s string";
    assert_eq!(text, &expected[1..]);
}

#[test]
fn head_and_tail_across_many_batches() {
    let schema = Schema::new(vec![Field::new("a", DataType::Float64, true)]);
    // 100 rows in batches of 7; the shown rows share one float format.
    let batches: Vec<RecordBatch> = (0..100)
        .step_by(7)
        .map(|start| {
            let values: Vec<f64> = (start..(start + 7).min(100)).map(|v| f64::from(v) / 4.0).collect();
            RecordBatch::try_new(Arc::new(schema.clone()), vec![Arc::new(Float64Array::from(values))])
                .unwrap()
        })
        .collect();
    let text = format_frame(&schema, &batches, &DisplayOptions::default());
    let expected = "
        a
0    0.00
1    0.25
2    0.50
3    0.75
4    1.00
..    ...
95  23.75
96  24.00
97  24.25
98  24.50
99  24.75

[100 rows x 1 columns]
dtypes: a float64";
    assert_eq!(text, &expected[1..]);
}

#[test]
fn long_values_are_clipped_to_max_colwidth() {
    let long = "x".repeat(60);
    let (schema, batch) = frame(vec![("s", Arc::new(StringArray::from(vec![long.as_str(), "short"])))]);
    let text = format_frame(&schema, std::slice::from_ref(&batch), &DisplayOptions::default());
    let line = text.lines().nth(1).unwrap();
    // 50 characters: the leading space, 46 x's and "...".
    assert_eq!(line, format!("0  {}...", "x".repeat(46)));
    let opts = DisplayOptions { max_colwidth: 0, ..Default::default() };
    let text = format_frame(&schema, &[batch], &opts);
    assert_eq!(text.lines().nth(1).unwrap(), format!("0  {long}"));
}

#[test]
fn odd_characters_stay_on_one_line() {
    let text = show(vec![("a\nb", Arc::new(StringArray::from(vec!["x\ty"])))]);
    let expected = "
   a\\nb
0  x\\ty

[1 rows x 1 columns]
dtypes: a\\nb string";
    assert_eq!(text, &expected[1..]);
}

#[test]
fn empty_frames_print_like_pandas() {
    let schema =
        Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("b", DataType::Utf8, true)]);
    let text = format_frame(&schema, &[], &DisplayOptions::default());
    let expected = "
Empty DataFrame
Columns: [a, b]
Index: []

[0 rows x 2 columns]
dtypes: a int64, b string";
    assert_eq!(text, &expected[1..]);
    let empty_batch = RecordBatch::new_empty(Arc::new(schema.clone()));
    assert_eq!(format_frame(&schema, &[empty_batch], &DisplayOptions::default()), &expected[1..]);

    let text = format_frame(&Schema::empty(), &[], &DisplayOptions::default());
    assert_eq!(text, "Empty DataFrame\nColumns: []\nIndex: []\n\n[0 rows x 0 columns]\ndtypes: (none)");
}

#[test]
fn rows_without_columns_list_their_index() {
    let schema = Arc::new(Schema::empty());
    let options = arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(3));
    let batch = RecordBatch::try_new_with_options(Arc::clone(&schema), vec![], &options).unwrap();
    let text = format_frame(&schema, &[batch], &DisplayOptions::default());
    assert_eq!(
        text,
        "Empty DataFrame\nColumns: []\nIndex: [0, 1, 2]\n\n[3 rows x 0 columns]\ndtypes: (none)"
    );
}

#[test]
fn batches_missing_a_column_show_nulls() {
    let schema =
        Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("b", DataType::Int64, true)]);
    let narrow = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true)]));
    let batch = RecordBatch::try_new(narrow, vec![ints([1])]).unwrap();
    let text = format_frame(&schema, &[batch], &DisplayOptions::default());
    assert_eq!(text.lines().nth(1).unwrap(), "0  1  <NA>");
}
