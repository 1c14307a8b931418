//! Bins and their successors against dates worked out by hand (the pandas
//! oracle of `tests/it/resample.rs` checks whole resamples).

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, TimestampSecondArray};
use arrow::datatypes::{TimeUnit, TimestampSecondType};
use chrono::NaiveDateTime;

use super::*;

fn ts(text: &str) -> i64 {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp()
}

fn labels(rule: &str, closed_right: Option<bool>, values: &[&str]) -> Vec<String> {
    let mut bins = Bins::new(Freq::parse(rule).unwrap());
    if let Some(right) = closed_right {
        bins.closed_right = right;
    }
    let array: ArrayRef =
        Arc::new(TimestampSecondArray::from(values.iter().map(|v| ts(v)).collect::<Vec<_>>()));
    let out = bins.labels(&array, None).unwrap();
    let out = out.as_primitive::<TimestampSecondType>();
    (0..out.len())
        .map(|i| chrono::DateTime::from_timestamp(out.value(i), 0).unwrap().naive_utc().to_string())
        .collect()
}

#[test]
fn fixed_bins_are_closed_and_labelled_as_asked() {
    let at = ["2024-03-10 00:07:00", "2024-03-10 00:15:00", "2024-03-09 23:59:59"];
    assert_eq!(
        labels("15min", None, &at),
        ["2024-03-10 00:00:00", "2024-03-10 00:15:00", "2024-03-09 23:45:00"]
    );
    assert_eq!(
        labels("15min", Some(true), &at),
        ["2024-03-10 00:00:00", "2024-03-10 00:00:00", "2024-03-09 23:45:00"]
    );
    assert_eq!(labels("D", None, &at), ["2024-03-10 00:00:00", "2024-03-10 00:00:00", "2024-03-09 00:00:00"]);
}

#[test]
fn calendar_bins_are_named_by_their_first_or_last_day() {
    let at = ["2024-01-31 12:00:00", "2024-02-01 00:00:00", "2024-12-01 23:00:00", "2024-12-02 08:00:00"];
    assert_eq!(
        labels("ME", None, &at),
        ["2024-01-31 00:00:00", "2024-02-29 00:00:00", "2024-12-31 00:00:00", "2024-12-31 00:00:00"]
    );
    assert_eq!(
        labels("MS", None, &at),
        ["2024-01-01 00:00:00", "2024-02-01 00:00:00", "2024-12-01 00:00:00", "2024-12-01 00:00:00"]
    );
    // 2024-12-01 is a Sunday.
    assert_eq!(
        labels("W", None, &at),
        ["2024-02-04 00:00:00", "2024-02-04 00:00:00", "2024-12-01 00:00:00", "2024-12-08 00:00:00"]
    );
    assert_eq!(
        labels("W-MON", None, &at),
        ["2024-02-05 00:00:00", "2024-02-05 00:00:00", "2024-12-02 00:00:00", "2024-12-02 00:00:00"]
    );
    assert_eq!(labels("QE", None, &at[..2]), ["2024-03-31 00:00:00", "2024-03-31 00:00:00"]);
    assert_eq!(labels("YS", None, &at[..2]), ["2024-01-01 00:00:00", "2024-01-01 00:00:00"]);
}

#[test]
fn the_next_bin_follows_the_calendar() {
    let next = |rule: &str, at: &str| {
        let bins = Bins::new(Freq::parse(rule).unwrap());
        let n = bins.next_label(ts(at), TimeUnit::Second, None).unwrap();
        chrono::DateTime::from_timestamp(n, 0).unwrap().naive_utc().to_string()
    };
    assert_eq!(next("ME", "2024-01-31 00:00:00"), "2024-02-29 00:00:00");
    assert_eq!(next("MS", "2024-01-01 00:00:00"), "2024-02-01 00:00:00");
    assert_eq!(next("QE", "2024-03-31 00:00:00"), "2024-06-30 00:00:00");
    assert_eq!(next("YE", "2024-12-31 00:00:00"), "2025-12-31 00:00:00");
    assert_eq!(next("W", "2024-12-01 00:00:00"), "2024-12-08 00:00:00");
    assert_eq!(next("90s", "2024-12-01 00:00:00"), "2024-12-01 00:01:30");
}

#[test]
fn data_dependent_origins_need_the_first_times() {
    let naive = arrow::datatypes::DataType::Timestamp(TimeUnit::Second, None);
    let ny = arrow::datatypes::DataType::Timestamp(TimeUnit::Second, Some("America/New_York".into()));
    let needs = |rule: &str, origin: Origin, data_type| {
        let mut bins = Bins::new(Freq::parse(rule).unwrap());
        bins.origin = origin;
        bins.needs_first(data_type).unwrap()
    };
    assert!(!needs("15min", Origin::StartDay, &naive));
    assert!(needs("7min", Origin::StartDay, &naive));
    assert!(!needs("7min", Origin::Epoch, &naive));
    assert!(needs("15min", Origin::Start, &naive));
    assert!(needs("2h", Origin::StartDay, &ny));
    assert!(!needs("15min", Origin::StartDay, &ny));
    assert!(!needs("D", Origin::StartDay, &ny));
    assert!(!needs("MS", Origin::Start, &naive));
    assert!(needs("3MS", Origin::StartDay, &naive));
    assert!(needs("2W", Origin::Epoch, &naive));
    let mut bins = Bins::new(Freq::parse("7min").unwrap());
    bins.origin = Origin::Start;
    let array: ArrayRef = Arc::new(TimestampSecondArray::from(vec![ts("2024-01-01 00:00:00")]));
    assert!(bins.labels(&array, None).is_err());
    let mut bins = Bins::new(Freq::parse("ME").unwrap());
    bins.offset = 60_000_000_000;
    assert!(bins.check().unwrap_err().to_string().contains("offset"));
}

/// The labels of `values` whose group starts at `first`.
fn labels_from(rule: &str, closed: &str, label: &str, first: &str, values: &[&str]) -> Vec<String> {
    let mut bins = Bins::new(Freq::parse(rule).unwrap());
    bins.closed_right = closed == "right";
    bins.label_right = label == "right";
    bins.origin = Origin::Start;
    let array = |values: Vec<i64>| -> ArrayRef { Arc::new(TimestampSecondArray::from(values)) };
    let firsts = array(vec![ts(first); values.len()]);
    let needs = bins.needs_first(firsts.data_type()).unwrap();
    let out = bins.labels(&array(values.iter().map(|v| ts(v)).collect()), needs.then_some(&firsts)).unwrap();
    let out = out.as_primitive::<TimestampSecondType>();
    (0..out.len())
        .map(|i| chrono::DateTime::from_timestamp(out.value(i), 0).unwrap().format("%F %R").to_string())
        .collect()
}

#[test]
fn calendar_bins_take_any_side_and_multiples_count_from_the_first() {
    // As pandas 3.1 bins them.
    let at = ["2024-01-31 00:00:00", "2024-02-01 00:00:00", "2024-04-30 12:00:00", "2024-05-01 00:00:00"];
    let first = at[0];
    assert_eq!(
        labels_from("MS", "right", "left", first, &at),
        ["2024-01-01 00:00", "2024-01-01 00:00", "2024-04-01 00:00", "2024-04-01 00:00"]
    );
    assert_eq!(
        labels_from("MS", "left", "right", first, &at),
        ["2024-02-01 00:00", "2024-03-01 00:00", "2024-05-01 00:00", "2024-06-01 00:00"]
    );
    assert_eq!(
        labels_from("ME", "left", "right", first, &at),
        ["2024-02-29 00:00", "2024-02-29 00:00", "2024-05-31 00:00", "2024-05-31 00:00"]
    );
    assert_eq!(
        labels_from("ME", "right", "left", first, &at),
        ["2023-12-31 00:00", "2024-01-31 00:00", "2024-03-31 00:00", "2024-04-30 00:00"]
    );
    assert_eq!(
        labels_from("3MS", "left", "left", first, &at),
        ["2024-01-01 00:00", "2024-01-01 00:00", "2024-04-01 00:00", "2024-04-01 00:00"]
    );
    assert_eq!(
        labels_from("2ME", "right", "right", first, &at),
        ["2024-01-31 00:00", "2024-03-31 00:00", "2024-05-31 00:00", "2024-05-31 00:00"]
    );
    assert_eq!(labels_from("2W", "right", "right", first, &at[..2]), ["2024-02-04 00:00"; 2]);
    assert_eq!(
        labels_from("7h", "left", "left", "2024-01-01 00:07:00", &["2024-01-01 21:10:00"]),
        ["2024-01-01 21:07"]
    );
}

/// The labels of UTC instants `values` in `zone`, as local times with
/// their offsets.
fn zoned_labels(rule: &str, origin: Origin, zone: &str, values: &[&str]) -> Vec<String> {
    let mut bins = Bins::new(Freq::parse(rule).unwrap());
    bins.origin = origin;
    let array: ArrayRef = Arc::new(
        TimestampSecondArray::from(values.iter().map(|v| ts(v)).collect::<Vec<_>>()).with_timezone(zone),
    );
    // The group's first time, where the bins count from it.
    let first = values.iter().map(|v| ts(v)).min().unwrap();
    let firsts: ArrayRef =
        Arc::new(TimestampSecondArray::from(vec![first; values.len()]).with_timezone(zone));
    let needs = bins.needs_first(array.data_type()).unwrap();
    let out = bins.labels(&array, needs.then_some(&firsts)).unwrap();
    assert_eq!(out.data_type(), array.data_type(), "the labels keep the zone");
    let zone = Zone::parse(zone).unwrap();
    let out = out.as_primitive::<TimestampSecondType>();
    (0..out.len()).map(|i| local(&zone, out.value(i))).collect()
}

fn local(zone: &Zone, utc: i64) -> String {
    let offset = zone.offset_at(utc).unwrap();
    let wall = chrono::DateTime::from_timestamp(utc + offset, 0).unwrap().naive_utc();
    format!("{wall}{}", offset_name(i32::try_from(offset).unwrap()))
}

#[test]
fn zoned_days_weeks_and_months_bin_the_wall_clock() {
    // New York springs forward on 2024-03-10 and falls back on 2024-11-03.
    let ny = "America/New_York";
    let at = ["2024-03-10 04:59:00", "2024-03-10 05:00:00", "2024-03-11 03:59:00", "2024-03-11 04:00:00"];
    assert_eq!(
        zoned_labels("D", Origin::StartDay, ny, &at),
        [
            "2024-03-09 00:00:00-05:00",
            "2024-03-10 00:00:00-05:00",
            "2024-03-10 00:00:00-05:00",
            "2024-03-11 00:00:00-04:00"
        ]
    );
    assert_eq!(zoned_labels("MS", Origin::StartDay, ny, &at[..1]), ["2024-03-01 00:00:00-05:00"]);
    assert_eq!(zoned_labels("W", Origin::StartDay, ny, &at[..2]), ["2024-03-10 00:00:00-05:00"; 2]);
    // Paris: fixed offsets bin their wall clock too.
    assert_eq!(
        zoned_labels("D", Origin::StartDay, "+02:00", &["2024-06-30 22:30:00"]),
        ["2024-07-01 00:00:00+02:00"]
    );
}

#[test]
fn zoned_hours_step_in_real_time_so_a_repeated_hour_is_two_bins() {
    let ny = "America/New_York";
    let at = ["2024-11-03 05:10:00", "2024-11-03 05:59:00", "2024-11-03 06:10:00", "2024-11-03 07:00:00"];
    assert_eq!(
        zoned_labels("h", Origin::StartDay, ny, &at),
        [
            "2024-11-03 01:00:00-04:00",
            "2024-11-03 01:00:00-04:00",
            "2024-11-03 01:00:00-05:00",
            "2024-11-03 02:00:00-05:00"
        ]
    );
    // "2h" from the day's midnight (04:00 UTC): 00:00, 02:00 ... in EDT,
    // which is 01:00, 03:00 ... once the clock fell back.
    assert_eq!(
        zoned_labels("2h", Origin::StartDay, ny, &at),
        [
            "2024-11-03 00:00:00-04:00",
            "2024-11-03 00:00:00-04:00",
            "2024-11-03 01:00:00-05:00",
            "2024-11-03 01:00:00-05:00"
        ]
    );
    // From 1970-01-01 00:00 in New York (05:00 UTC), as pandas.
    assert_eq!(zoned_labels("7min", Origin::Epoch, ny, &at[..1]), ["2024-11-03 01:06:00-04:00"]);
    assert_eq!(
        zoned_labels("h", Origin::StartDay, "+05:30", &["2024-11-03 05:10:00"]),
        ["2024-11-03 10:00:00+05:30"]
    );
}

#[test]
fn the_next_zoned_bin_follows_the_wall_clock_or_real_time() {
    let ny = Zone::parse("America/New_York").unwrap();
    let next = |rule: &str, at: &str| {
        let bins = Bins::new(Freq::parse(rule).unwrap());
        local(&ny, bins.next_label(ts(at), TimeUnit::Second, Some(&ny)).unwrap())
    };
    // A 23-hour day, a 25-hour day, the two 01:00 hours, a month.
    assert_eq!(next("D", "2024-03-10 05:00:00"), "2024-03-11 00:00:00-04:00");
    assert_eq!(next("D", "2024-11-03 04:00:00"), "2024-11-04 00:00:00-05:00");
    assert_eq!(next("h", "2024-11-03 05:00:00"), "2024-11-03 01:00:00-05:00");
    assert_eq!(next("MS", "2024-10-01 04:00:00"), "2024-11-01 00:00:00-04:00");
    assert_eq!(next("MS", "2024-11-01 04:00:00"), "2024-12-01 00:00:00-05:00");
}

#[test]
fn a_zoned_grid_that_moves_is_refused_when_filled() {
    use arrow::array::{Float64Array, RecordBatch};
    let labels = |zone: &str, at: &[&str]| -> RecordBatch {
        let ts: ArrayRef = Arc::new(
            TimestampSecondArray::from(at.iter().map(|v| self::ts(v)).collect::<Vec<_>>())
                .with_timezone(zone),
        );
        let v: ArrayRef = Arc::new(Float64Array::from(vec![1.0; at.len()]));
        RecordBatch::try_from_iter_with_nullable([("ts", ts, false), ("v", v, true)]).unwrap()
    };
    // 2h bins from each day's midnight: 04:00 UTC in EDT, 05:00 UTC in EST.
    let moved = labels("America/New_York", &["2024-11-02 04:00:00", "2024-11-04 05:00:00"]);
    let err =
        fill_empty_bins(&moved, 0, &Bins::new(Freq::parse("2h").unwrap()), &[]).unwrap_err().to_string();
    assert!(err.contains("2024-11-02 00:00:00-04:00") && err.contains("origin='epoch'"), "{err}");
    // One grid: filled, the gap hours included, across the fall-back.
    let kept = labels("America/New_York", &["2024-11-03 04:00:00", "2024-11-03 08:00:00"]);
    let filled = fill_empty_bins(&kept, 0, &Bins::new(Freq::parse("h").unwrap()), &[]).unwrap();
    assert_eq!(filled.num_rows(), 5);
}
