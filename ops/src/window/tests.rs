//! The prefix pass against a one-pass reference, over every way of cutting
//! a column into partitions (empty and one-row ones included).

use std::sync::Arc;

use arrow::array::{AsArray, Float64Array, Int64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema};

use super::*;

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
        on(WindowFunction::Rolling { window: 3, center: false, min_periods: 2, func: Rolling::Mean }, "f"),
        on(WindowFunction::Shift(-2), "i"),
        on(WindowFunction::Diff(-1), "f"),
        on(WindowFunction::PctChange(-3), "i"),
        on(WindowFunction::Rolling { window: 4, center: true, min_periods: 2, func: Rolling::Count }, "i"),
        on(WindowFunction::Rolling { window: 5, center: true, min_periods: 1, func: Rolling::Max }, "i"),
        on(WindowFunction::Rolling { window: 4, center: true, min_periods: 2, func: Rolling::Sum }, "f"),
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
    let specs = specs();
    let names: Vec<String> = (0..specs.len()).map(|j| format!("w{j}")).collect();
    let summaries: Vec<RecordBatch> = parts.iter().map(|p| summarize(p, &specs).unwrap()).collect();
    let carried = carries(&summaries, &specs).unwrap();
    let out: Vec<RecordBatch> =
        parts.iter().enumerate().map(|(i, p)| apply(p, &carried, i, &specs, &names).unwrap()).collect();
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
