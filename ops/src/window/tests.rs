//! The prefix pass against a one-pass reference, over every way of cutting
//! a column into partitions (empty and one-row ones included).

use std::sync::Arc;

use arrow::array::{AsArray, Float64Array, Int64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema};

use super::*;

fn rows(window: usize, center: bool, min_periods: usize, func: Rolling) -> WindowFunction {
    WindowFunction::Rolling { extent: Extent::Rows(window), center, closed: Closed::Right, min_periods, func }
}

fn specs() -> Vec<WindowSpec> {
    let on = |func, column: &str| WindowSpec { func, column: column.into() };
    vec![
        on(WindowFunction::Cumulative(Cumulative::Sum), "i"),
        on(WindowFunction::Cumulative(Cumulative::Prod), "i"),
        on(WindowFunction::Cumulative(Cumulative::Max), "f"),
        on(WindowFunction::Cumulative(Cumulative::Min), "i"),
        on(WindowFunction::Shift(1), "f"),
        on(WindowFunction::Shift(3), "i"),
        on(WindowFunction::Diff(2), "i"),
        on(WindowFunction::PctChange(1), "f"),
        on(rows(3, false, 2, Rolling::Mean), "f"),
        on(WindowFunction::Shift(-2), "i"),
        on(WindowFunction::Diff(-1), "f"),
        on(WindowFunction::PctChange(-3), "i"),
        on(rows(4, true, 2, Rolling::Count), "i"),
        on(rows(5, true, 1, Rolling::Max), "i"),
        on(rows(4, true, 2, Rolling::Sum), "f"),
        on(WindowFunction::CumCount, "i"),
    ]
}

fn frame() -> RecordBatch {
    let i =
        Int64Array::from(vec![Some(3), None, Some(-1), Some(2), Some(5), None, Some(1), Some(4), Some(2)]);
    let f = Float64Array::from(vec![
        Some(1.5),
        Some(2.0),
        None,
        Some(0.5),
        Some(4.0),
        Some(-1.0),
        None,
        Some(8.0),
        Some(2.0),
    ]);
    let schema = Arc::new(Schema::new(vec![
        Field::new("i", DataType::Int64, true),
        Field::new("f", DataType::Float64, true),
    ]));
    RecordBatch::try_new(schema, vec![Arc::new(i), Arc::new(f)]).unwrap()
}

/// The frame cut at `cuts` (partition starts), through the prefix pass.
fn prefix_pass(cuts: &[usize]) -> RecordBatch {
    let frame = frame();
    let n = frame.num_rows();
    let bounds: Vec<usize> = cuts.iter().copied().chain([n]).collect();
    let parts: Vec<RecordBatch> = bounds.windows(2).map(|w| frame.slice(w[0], w[1] - w[0])).collect();
    let windows = Windows { specs: specs(), by: vec![] };
    let names: Vec<String> = (0..windows.specs.len()).map(|j| format!("w{j}")).collect();
    let summaries: Vec<RecordBatch> = parts.iter().map(|p| summarize(p, &windows).unwrap()).collect();
    let carried = carries(&summaries, &windows).unwrap();
    let out: Vec<RecordBatch> =
        parts.iter().enumerate().map(|(i, p)| apply(p, &carried, i, &windows, &names).unwrap()).collect();
    arrow::compute::concat_batches(&out[0].schema(), &out).unwrap()
}

fn ints(batch: &RecordBatch, name: &str) -> Vec<Option<i64>> {
    batch.column_by_name(name).unwrap().as_primitive::<Int64Type>().iter().collect()
}

fn floats(batch: &RecordBatch, name: &str) -> Vec<Option<f64>> {
    batch.column_by_name(name).unwrap().as_primitive::<Float64Type>().iter().collect()
}

#[test]
fn every_cut_gives_pandas_results() {
    // pandas: s.cumsum(), s.cumprod(), f.cummax(), s.cummin(), f.shift(1), s.shift(3), s.diff(2), f.pct_change()
    let whole = prefix_pass(&[0]);
    assert_eq!(
        ints(&whole, "w0"),
        [Some(3), None, Some(2), Some(4), Some(9), None, Some(10), Some(14), Some(16)]
    );
    assert_eq!(
        ints(&whole, "w1"),
        [Some(3), None, Some(-3), Some(-6), Some(-30), None, Some(-30), Some(-120), Some(-240)]
    );
    assert_eq!(
        floats(&whole, "w2"),
        [Some(1.5), Some(2.0), None, Some(2.0), Some(4.0), Some(4.0), None, Some(8.0), Some(8.0)]
    );
    assert_eq!(
        ints(&whole, "w3"),
        [Some(3), None, Some(-1), Some(-1), Some(-1), None, Some(-1), Some(-1), Some(-1)]
    );
    assert_eq!(
        floats(&whole, "w4"),
        [None, Some(1.5), Some(2.0), None, Some(0.5), Some(4.0), Some(-1.0), None, Some(8.0)]
    );
    assert_eq!(ints(&whole, "w5"), [None, None, None, Some(3), None, Some(-1), Some(2), Some(5), None]);
    assert_eq!(ints(&whole, "w6"), [None, None, Some(-4), None, Some(6), None, Some(-4), None, Some(1)]);
    let pct = floats(&whole, "w7");
    assert_eq!(pct[1], Some(2.0 / 1.5 - 1.0));
    assert_eq!(pct[4], Some(4.0 / 0.5 - 1.0));
    assert_eq!(pct[2], None);
    let n = whole.num_rows();
    // Every cut into partitions (a bit mask of cut points), empty ones too.
    for mask in 0u32..(1 << (n - 1)) {
        let mut cuts = vec![0];
        cuts.extend((1..n).filter(|i| mask & (1 << (i - 1)) != 0));
        assert_eq!(prefix_pass(&cuts), whole, "cuts {cuts:?}");
    }
    // Empty partitions anywhere.
    assert_eq!(prefix_pass(&[0, 0, 3, 3, 3, 9]), whole);
}

#[test]
fn numbers_are_needed_where_pandas_needs_them() {
    assert!(WindowFunction::Diff(1).output_type(&DataType::Utf8).is_err());
    assert_eq!(WindowFunction::Shift(2).output_type(&DataType::Utf8).unwrap(), DataType::Utf8);
    assert_eq!(
        WindowFunction::Cumulative(Cumulative::Sum).output_type(&DataType::Int32).unwrap(),
        DataType::Int64
    );
    assert_eq!(WindowFunction::PctChange(1).output_type(&DataType::Int64).unwrap(), DataType::Float64);
}

#[test]
fn the_row_number_is_cumcount_of_the_frame() {
    let whole = prefix_pass(&[0]);
    assert_eq!(ints(&whole, "w15"), (0..9).map(Some).collect::<Vec<_>>());
}

/// Contiguous groups (one with a null key), times within each group.
fn grouped_frame() -> RecordBatch {
    use arrow::array::{Array, StringArray, TimestampNanosecondArray};
    let k = StringArray::from(vec![
        Some("a"),
        Some("a"),
        Some("a"),
        Some("b"),
        Some("b"),
        None,
        Some("c"),
        Some("c"),
        Some("c"),
    ]);
    let hour = 3_600_000_000_000i64;
    let ts = TimestampNanosecondArray::from([0, 1, 3, 0, 5, 2, 1, 2, 2].map(|h| h * hour).to_vec());
    let v = Float64Array::from(vec![
        Some(1.),
        Some(2.),
        None,
        Some(4.),
        Some(5.),
        Some(6.),
        Some(7.),
        Some(8.),
        Some(9.),
    ]);
    let schema = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Utf8, true),
        Field::new("ts", ts.data_type().clone(), true),
        Field::new("v", DataType::Float64, true),
    ]));
    RecordBatch::try_new(schema, vec![Arc::new(k), Arc::new(ts), Arc::new(v)]).unwrap()
}

fn grouped_windows() -> Windows {
    let on = |func, column: &str| WindowSpec { func, column: column.into() };
    let time = |closed, func| WindowFunction::Rolling {
        extent: Extent::Time { nanos: 7_200_000_000_000, on: "ts".into(), text: "2h".into() },
        center: false,
        closed,
        min_periods: 1,
        func,
    };
    Windows {
        specs: vec![
            on(WindowFunction::Cumulative(Cumulative::Sum), "v"),
            on(WindowFunction::CumCount, "v"),
            on(WindowFunction::Shift(1), "v"),
            on(WindowFunction::Diff(1), "v"),
            on(rows(2, false, 1, Rolling::Sum), "v"),
            on(time(Closed::Right, Rolling::Mean), "v"),
            on(time(Closed::Both, Rolling::Count), "v"),
            on(time(Closed::Left, Rolling::Sum), "v"),
        ],
        by: vec!["k".into()],
    }
}

fn grouped_pass(cuts: &[usize]) -> Result<RecordBatch> {
    let frame = grouped_frame();
    let bounds: Vec<usize> = cuts.iter().copied().chain([frame.num_rows()]).collect();
    let parts: Vec<RecordBatch> = bounds.windows(2).map(|w| frame.slice(w[0], w[1] - w[0])).collect();
    let windows = grouped_windows();
    let names: Vec<String> = (0..windows.specs.len()).map(|j| format!("w{j}")).collect();
    let summaries = parts.iter().map(|p| summarize(p, &windows)).collect::<Result<Vec<_>>>()?;
    let carried = carries(&summaries, &windows)?;
    let out = parts
        .iter()
        .enumerate()
        .map(|(i, p)| apply(p, &carried, i, &windows, &names))
        .collect::<Result<Vec<_>>>()?;
    Ok(arrow::compute::concat_batches(&out[0].schema(), &out)?)
}

#[test]
fn groups_restart_every_method_under_every_cut() {
    let whole = grouped_pass(&[0]).unwrap();
    let nan = None;
    // pandas: g = df.groupby("k"); g.v.cumsum(), g.cumcount(), g.v.shift(), g.v.diff(),
    // g.rolling(2, min_periods=1).v.sum(), g.rolling("2h", on="ts").v.mean(),
    // ...closed="both").v.count(), ...closed="left").v.sum(); the null key's row null.
    assert_eq!(
        floats(&whole, "w0"),
        [Some(1.), Some(3.), nan, Some(4.), Some(9.), nan, Some(7.), Some(15.), Some(24.)]
    );
    assert_eq!(
        ints(&whole, "w1"),
        [Some(0), Some(1), Some(2), Some(0), Some(1), None, Some(0), Some(1), Some(2)]
    );
    assert_eq!(floats(&whole, "w2"), [nan, Some(1.), Some(2.), nan, Some(4.), nan, nan, Some(7.), Some(8.)]);
    assert_eq!(floats(&whole, "w3"), [nan, Some(1.), nan, nan, Some(1.), nan, nan, Some(1.), Some(1.)]);
    assert_eq!(
        floats(&whole, "w4"),
        [Some(1.), Some(3.), Some(2.), Some(4.), Some(9.), nan, Some(7.), Some(15.), Some(17.)]
    );
    assert_eq!(
        floats(&whole, "w5"),
        [Some(1.), Some(1.5), nan, Some(4.), Some(5.), nan, Some(7.), Some(7.5), Some(8.)]
    );
    assert_eq!(
        floats(&whole, "w6"),
        [Some(1.), Some(2.), Some(1.), Some(1.), Some(1.), nan, Some(1.), Some(2.), Some(3.)]
    );
    assert_eq!(floats(&whole, "w7"), [nan, Some(1.), Some(2.), nan, nan, nan, nan, Some(7.), Some(7.)]);
    let n = whole.num_rows();
    for mask in 0u32..(1 << (n - 1)) {
        let mut cuts = vec![0];
        cuts.extend((1..n).filter(|i| mask & (1 << (i - 1)) != 0));
        assert_eq!(grouped_pass(&cuts).unwrap(), whole, "cuts {cuts:?}");
    }
    assert_eq!(grouped_pass(&[0, 0, 2, 2, 7, 9]).unwrap(), whole);
}

#[test]
fn a_time_window_needs_sorted_times_without_nat() {
    let frame = grouped_frame();
    let windows = grouped_windows();
    let names: Vec<String> = (0..windows.specs.len()).map(|j| format!("w{j}")).collect();
    // Rows 0..3 of group a with the first two swapped, cut between them.
    let swapped =
        arrow::compute::take_record_batch(&frame, &arrow::array::UInt32Array::from(vec![1, 0, 2])).unwrap();
    let parts = [swapped.slice(0, 1), swapped.slice(1, 2)];
    let summaries: Vec<RecordBatch> = parts.iter().map(|p| summarize(p, &windows).unwrap()).collect();
    let carried = carries(&summaries, &windows).unwrap();
    let err = apply(&parts[1], &carried, 1, &windows, &names).unwrap_err().to_string();
    assert!(err.contains("ts values must be monotonic") && err.contains("partition 1, row 0"), "{err}");
}
