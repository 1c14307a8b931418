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
    let out = bins.labels(&array).unwrap();
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
        let n = bins.next_label(ts(at), TimeUnit::Second).unwrap();
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
fn unsupported_combinations_are_errors() {
    let mut bins = Bins::new(Freq::parse("7min").unwrap());
    assert!(bins.check().unwrap_err().to_string().contains("origin='epoch'"));
    bins.origin = Origin::Epoch;
    bins.check().unwrap();
    let mut bins = Bins::new(Freq::parse("ME").unwrap());
    bins.closed_right = false;
    assert!(bins.check().is_err());
}
