//! The `str` kernels on every string encoding, and on values pandas would
//! treat specially (Unicode case, Python's whitespace, nulls and `na`); the
//! `dt` kernels on every timestamp unit, on dates, and on nulls.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, Date64Array, DictionaryArray, Int8Array, LargeStringArray,
    StringArray, StringViewArray, TimestampMicrosecondArray, TimestampMillisecondArray,
    TimestampNanosecondArray, TimestampSecondArray,
};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Date32Type, Int64Type, Int8Type, TimeUnit};

use super::{DtField, PadSide};
use crate::expr::{col, Expr};

const VALUES: [Option<&str>; 8] = [
    Some("straße"),
    Some("ÉCOLE"),
    None,
    Some(""),
    Some("\u{1c} gizmo \u{1f}"),
    Some("straße"),
    Some("a.b"),
    None,
];

/// The same values in each encoding a column may have.
fn encodings() -> Vec<ArrayRef> {
    let dictionary: DictionaryArray<Int8Type> = VALUES.into_iter().collect();
    // Nulls in the values rather than the keys: every key valid, the
    // values in reverse order of first appearance.
    let values = StringArray::from_iter(VALUES.iter().rev().copied());
    let keys = Int8Array::from_iter_values((0..VALUES.len()).map(|i| (VALUES.len() - 1 - i) as i8));
    let null_values = DictionaryArray::<Int8Type>::try_new(keys, Arc::new(values)).unwrap();
    vec![
        Arc::new(StringArray::from(VALUES.to_vec())),
        Arc::new(LargeStringArray::from(VALUES.to_vec())),
        Arc::new(StringViewArray::from(VALUES.to_vec())),
        Arc::new(dictionary),
        Arc::new(null_values),
    ]
}

fn functions() -> Vec<Expr> {
    let s = || col("s").str();
    vec![
        s().len(),
        s().lower(),
        s().upper(),
        s().strip(None),
        s().lstrip(Some("sÉ")),
        s().rstrip(None),
        s().startswith("st", None),
        s().endswith("E", Some(true)),
        s().contains("A.B", false, false, Some(false)).unwrap(),
        s().contains("ß|^É", true, true, None).unwrap(),
        s().r#match("é", false, None).unwrap(),
        s().fullmatch("[a-zß]+", true, None).unwrap(),
        s().replace("s", "$", Some(1), true, false).unwrap(),
        s().replace("(s)(t)", r"\2\1", None, true, true).unwrap(),
        s().replace("O", "0", None, false, false).unwrap(),
        s().slice(Some(1), Some(-1), None).unwrap(),
    ]
}

fn eval(expr: &Expr, values: &ArrayRef) -> ArrayRef {
    let Expr::Function { func, .. } = expr else { panic!("a function") };
    func.evaluate(std::slice::from_ref(values)).unwrap()
}

#[test]
fn every_encoding_gives_the_same_result() {
    for expr in functions() {
        let encodings = encodings();
        let want = eval(&expr, &encodings[0]);
        for values in &encodings[1..] {
            let got = eval(&expr, values);
            let got = cast(&got, want.data_type()).unwrap();
            assert_eq!(&got, &want, "{expr} on {}", values.data_type());
        }
    }
}

fn strings(array: &ArrayRef) -> Vec<Option<String>> {
    array.as_string::<i32>().iter().map(|v| v.map(str::to_string)).collect()
}

fn texts(values: &[Option<&str>]) -> Vec<Option<String>> {
    values.iter().map(|v| v.map(str::to_string)).collect()
}

#[test]
fn results_are_pythons() {
    let utf8 = &encodings()[0];
    let s = || col("s").str();
    assert_eq!(strings(&eval(&s().upper(), utf8))[0].as_deref(), Some("STRASSE"));
    assert_eq!(strings(&eval(&s().lower(), utf8))[1].as_deref(), Some("école"));
    assert_eq!(
        strings(&eval(&s().strip(None), utf8))[4].as_deref(),
        Some("gizmo"),
        "\\x1c is Python whitespace"
    );
    let lens = eval(&s().len(), utf8);
    let lens: Vec<Option<i64>> = lens.as_primitive::<arrow::datatypes::Int64Type>().iter().collect();
    assert_eq!(lens, [Some(6), Some(5), None, Some(0), Some(9), Some(6), Some(3), None]);
    assert_eq!(
        strings(&eval(&s().replace("(s)(t)", r"\2\1", None, true, true).unwrap(), utf8))[0].as_deref(),
        Some("tsraße")
    );
    assert_eq!(
        strings(&eval(&s().slice(None, None, Some(-2)).unwrap(), utf8)),
        texts(&[
            Some("eat"),
            Some("EOÉ"),
            None,
            Some(""),
            Some("\u{1f}ozg\u{1c}"),
            Some("eat"),
            Some("ba"),
            None
        ])
    );
    let contains = eval(&s().contains("A.B", false, false, Some(false)).unwrap(), utf8);
    let contains: Vec<Option<bool>> = contains.as_boolean().iter().collect();
    assert_eq!(
        contains,
        [
            Some(false),
            Some(false),
            Some(false),
            Some(false),
            Some(false),
            Some(false),
            Some(true),
            Some(false)
        ]
    );
}

#[test]
fn a_non_string_is_a_type_error_naming_the_method() {
    let Expr::Function { func, .. } = col("s").str().lower() else { panic!("a function") };
    let err = func.output_type(&[DataType::Int64]).unwrap_err().to_string();
    assert!(err.contains("str.lower needs strings, got int64"), "{err}");
}

#[test]
fn functions_print_as_pandas_writes_them_and_travel() {
    let printed: Vec<String> = functions().iter().map(ToString::to_string).collect();
    assert_eq!(printed[8], "s.str.contains('A.B', case=False, regex=False, na=False)");
    assert_eq!(printed[13], r"s.str.replace('(s)(t)', '\\2\\1', regex=True)");
    assert_eq!(printed[12], "s.str.replace('s', '$', n=1)");
    for expr in functions() {
        let back: Expr = serde_json::from_str(&serde_json::to_string(&expr).unwrap()).unwrap();
        assert_eq!(back, expr);
    }
}

fn more_string_functions() -> Vec<Expr> {
    let s = || col("s").str();
    vec![
        s().get(0),
        s().get(-2),
        s().split_get(Some("ß"), None, None, 0).unwrap(),
        s().split_get(Some("."), None, None, -1).unwrap(),
        s().split_get(None, Some(1), None, 1).unwrap(),
        s().split_get(Some("[.ß]"), None, None, 1).unwrap(),
        s().pad(8, PadSide::Both, '·'),
        s().ljust(7, '_'),
        s().zfill(7),
        s().extract("([a-zß]+)").unwrap(),
    ]
}

#[test]
fn every_encoding_gives_the_same_result_for_the_new_methods() {
    for expr in more_string_functions() {
        let encodings = encodings();
        let want = eval(&expr, &encodings[0]);
        for values in &encodings[1..] {
            let got = eval(&expr, values);
            let got = cast(&got, want.data_type()).unwrap();
            assert_eq!(&got, &want, "{expr} on {}", values.data_type());
        }
    }
}

#[test]
fn new_string_methods_are_pythons() {
    let utf8 = &encodings()[0];
    let s = || col("s").str();
    let all = |e: Expr| strings(&eval(&e, utf8));
    assert_eq!(
        all(s().get(-1)),
        texts(&[Some("e"), Some("E"), None, None, Some("\u{1f}"), Some("e"), Some("b"), None])
    );
    assert_eq!(
        all(s().split_get(Some("."), None, None, 1).unwrap()),
        texts(&[None, None, None, None, None, None, Some("b"), None])
    );
    assert_eq!(
        all(s().split_get(None, None, None, 0).unwrap()),
        texts(&[Some("straße"), Some("ÉCOLE"), None, None, Some("gizmo"), Some("straße"), Some("a.b"), None]),
        "Python's whitespace split; '' has no piece 0"
    );
    assert_eq!(all(s().zfill(7))[1].as_deref(), Some("00ÉCOLE"));
    assert_eq!(all(s().pad(8, PadSide::Both, '·'))[0].as_deref(), Some("·straße·"));
    assert_eq!(all(s().extract("(ß)").unwrap())[..3], texts(&[Some("ß"), None, None])[..]);
}

#[test]
fn cat_joins_rows_of_two_columns_of_any_encoding() {
    let others: ArrayRef = Arc::new(StringArray::from(vec![
        Some("1"),
        Some("2"),
        Some("3"),
        None,
        Some("5"),
        Some("6"),
        Some(""),
        None,
    ]));
    let cat = |na_rep: Option<&str>| {
        let Expr::Function { func, .. } = col("s").str().cat(col("t"), "-", na_rep) else {
            panic!("a function")
        };
        func
    };
    for values in encodings() {
        let got = strings(&cat(None).evaluate(&[values.clone(), others.clone()]).unwrap());
        assert_eq!(
            got,
            texts(&[
                Some("straße-1"),
                Some("ÉCOLE-2"),
                None,
                None,
                Some("\u{1c} gizmo \u{1f}-5"),
                Some("straße-6"),
                Some("a.b-"),
                None
            ]),
            "{}",
            values.data_type()
        );
        let got = strings(&cat(Some("?")).evaluate(&[others.clone(), values.clone()]).unwrap());
        assert_eq!(got[2].as_deref(), Some("3-?"));
        assert_eq!(got[7].as_deref(), Some("?-?"));
    }
    let err = cat(None).output_type(&[DataType::Utf8, DataType::Int64]).unwrap_err().to_string();
    assert!(err.contains("str.cat's others needs strings, got int64"), "{err}");
    assert!(cat(None)
        .output_type(&[DataType::Utf8])
        .unwrap_err()
        .to_string()
        .contains("takes 2 argument(s), got 1"));
}

#[test]
fn bad_new_string_arguments_are_refused_when_built() {
    let s = || col("s").str();
    assert!(s().extract("(a)(b)").unwrap_err().to_string().contains("which make a frame"));
    assert!(s().extract_groups("a").unwrap_err().to_string().contains("no capture group"));
    assert!(s().extract_column("(a)", "1").unwrap_err().to_string().contains("its columns: 0"));
    assert!(s().extract("a").unwrap_err().to_string().contains("no capture group"));
    assert!(s().split_get(Some("(a)"), None, None, 0).unwrap_err().to_string().contains("groups"));
    assert!(s()
        .split_get(Some(""), None, Some(false), 0)
        .unwrap_err()
        .to_string()
        .contains("empty separator"));
}

#[test]
fn new_functions_print_as_pandas_writes_them_and_travel() {
    let s = || col("s").str();
    let t = || col("ts").dt();
    let exprs = vec![
        s().split_get(Some("-"), Some(1), None, 0).unwrap(),
        s().split_get(None, None, None, -1).unwrap(),
        s().cat(col("t"), "", None),
        s().center(5, '*'),
        t().year(),
        t().strftime("%Y-%m").unwrap(),
    ];
    let printed: Vec<String> = exprs.iter().map(ToString::to_string).collect();
    assert_eq!(
        printed,
        [
            "s.str.split('-', n=1).str.get(0)",
            "s.str.split().str.get(-1)",
            "s.str.cat(t)",
            "s.str.pad(5, side='both', fillchar='*')",
            "ts.dt.year",
            "ts.dt.strftime('%Y-%m')",
        ]
    );
    for expr in exprs.into_iter().chain(more_string_functions()).chain(DtField::ALL.map(|f| t().field(f))) {
        let back: Expr = serde_json::from_str(&serde_json::to_string(&expr).unwrap()).unwrap();
        assert_eq!(back, expr);
    }
}

// --- dt ---------------------------------------------------------------

/// Instants (seconds since the epoch, and nanoseconds within the second):
/// a leap day afternoon, the last nanosecond of January, a month start at
/// midnight, a Sunday, and a day before the epoch.
const INSTANTS: [Option<(i64, i64)>; 6] = [
    Some((1_709_214_310, 123_456_789)), // 2024-02-29 13:45:10.123456789, Thursday
    Some((1_706_745_599, 999_999_999)), // 2024-01-31 23:59:59.999999999, Wednesday
    None,
    Some((1_709_251_200, 0)),     // 2024-03-01 00:00:00, Friday
    Some((1_703_970_300, 0)),     // 2023-12-30 21:05:00, Saturday
    Some((-86_400 + 3_600, 500)), // 1969-12-31 01:00:00.000000500, Wednesday
];

/// The instants in each unit (truncated to it).
fn timestamps() -> Vec<ArrayRef> {
    let at = |per_second: i64| -> Vec<Option<i64>> {
        INSTANTS
            .iter()
            .map(|v| v.map(|(s, ns)| s * per_second + ns.div_euclid(1_000_000_000 / per_second)))
            .collect()
    };
    vec![
        Arc::new(TimestampSecondArray::from(at(1))),
        Arc::new(TimestampMillisecondArray::from(at(1_000))),
        Arc::new(TimestampMicrosecondArray::from(at(1_000_000))),
        Arc::new(TimestampNanosecondArray::from(at(1_000_000_000))),
    ]
}

fn ints(array: &ArrayRef) -> Vec<Option<i64>> {
    array.as_primitive::<Int64Type>().iter().collect()
}

fn dt_eval(field: DtField, values: &ArrayRef) -> ArrayRef {
    eval(&col("ts").dt().field(field), values)
}

#[test]
fn dt_fields_are_pandas_in_every_unit() {
    use DtField as F;
    let expected: &[(DtField, [Option<i64>; 6])] = &[
        (F::Year, [Some(2024), Some(2024), None, Some(2024), Some(2023), Some(1969)]),
        (F::Month, [Some(2), Some(1), None, Some(3), Some(12), Some(12)]),
        (F::Day, [Some(29), Some(31), None, Some(1), Some(30), Some(31)]),
        (F::Hour, [Some(13), Some(23), None, Some(0), Some(21), Some(1)]),
        (F::Minute, [Some(45), Some(59), None, Some(0), Some(5), Some(0)]),
        (F::Second, [Some(10), Some(59), None, Some(0), Some(0), Some(0)]),
        (F::DayOfWeek, [Some(3), Some(2), None, Some(4), Some(5), Some(2)]),
        (F::DayOfYear, [Some(60), Some(31), None, Some(61), Some(364), Some(365)]),
        (F::Quarter, [Some(1), Some(1), None, Some(1), Some(4), Some(4)]),
        (F::DaysInMonth, [Some(29), Some(31), None, Some(31), Some(31), Some(31)]),
    ];
    for values in timestamps() {
        for (field, want) in expected {
            assert_eq!(ints(&dt_eval(*field, &values)), want, "{field:?} on {}", values.data_type());
        }
    }
    // The sub-second fields, as far as each unit holds them.
    let [s, ms, us, ns] = &timestamps()[..] else { panic!("four units") };
    assert_eq!(ints(&dt_eval(F::Microsecond, s)), [Some(0), Some(0), None, Some(0), Some(0), Some(0)]);
    assert_eq!(
        ints(&dt_eval(F::Microsecond, ms)),
        [Some(123_000), Some(999_000), None, Some(0), Some(0), Some(0)]
    );
    assert_eq!(
        ints(&dt_eval(F::Microsecond, us)),
        [Some(123_456), Some(999_999), None, Some(0), Some(0), Some(0)]
    );
    assert_eq!(
        ints(&dt_eval(F::Microsecond, ns)),
        [Some(123_456), Some(999_999), None, Some(0), Some(0), Some(0)]
    );
    assert_eq!(ints(&dt_eval(F::Nanosecond, us)), [Some(0), Some(0), None, Some(0), Some(0), Some(0)]);
    assert_eq!(ints(&dt_eval(F::Nanosecond, ns)), [Some(789), Some(999), None, Some(0), Some(0), Some(500)]);
}

#[test]
fn dt_flags_and_dates() {
    for values in timestamps() {
        let flags = |f| -> Vec<Option<bool>> { dt_eval(f, &values).as_boolean().iter().collect() };
        assert_eq!(
            flags(DtField::IsMonthStart),
            [Some(false), Some(false), None, Some(true), Some(false), Some(false)]
        );
        assert_eq!(
            flags(DtField::IsMonthEnd),
            [Some(true), Some(true), None, Some(false), Some(false), Some(true)]
        );
        let dates = dt_eval(DtField::Date, &values);
        assert_eq!(dates.data_type(), &DataType::Date32);
        let days: Vec<Option<i32>> = dates.as_primitive::<Date32Type>().iter().collect();
        assert_eq!(days, [Some(19_782), Some(19_753), None, Some(19_783), Some(19_721), Some(-1)]);
    }
}

#[test]
fn dt_on_dates_has_the_date_fields_only() {
    let days: ArrayRef = Arc::new(Date32Array::from(vec![Some(19_782), None, Some(-1)]));
    let millis: ArrayRef =
        Arc::new(Date64Array::from(vec![Some(19_782 * 86_400_000), None, Some(-86_400_000)]));
    for values in [days, millis] {
        assert_eq!(ints(&dt_eval(DtField::Year, &values)), [Some(2024), None, Some(1969)]);
        assert_eq!(ints(&dt_eval(DtField::DaysInMonth, &values)), [Some(29), None, Some(31)]);
        let text = eval(&col("d").dt().strftime("%d/%m/%Y %H").unwrap(), &values);
        assert_eq!(strings(&text), texts(&[Some("29/02/2024 00"), None, Some("31/12/1969 00")]));
        let Expr::Function { func, .. } = col("d").dt().hour() else { panic!("a function") };
        let err = func.output_type(&[values.data_type().clone()]).unwrap_err().to_string();
        assert!(err.contains("dt.hour needs timestamps, got date32") || err.contains("got date64"), "{err}");
    }
}

#[test]
fn strftime_has_pythons_codes_in_every_unit() {
    let format = "%Y-%m-%d %H:%M:%S.%f|%j %a %A %b %B %y %p %I %%";
    let expr = col("ts").dt().strftime(format).unwrap();
    let want = texts(&[
        Some("2024-02-29 13:45:10.123456|060 Thu Thursday Feb February 24 PM 01 %"),
        Some("2024-01-31 23:59:59.999999|031 Wed Wednesday Jan January 24 PM 11 %"),
        None,
        Some("2024-03-01 00:00:00.000000|061 Fri Friday Mar March 24 AM 12 %"),
        Some("2023-12-30 21:05:00.000000|364 Sat Saturday Dec December 23 PM 09 %"),
        Some("1969-12-31 01:00:00.000000|365 Wed Wednesday Dec December 69 AM 01 %"),
    ]);
    let [_, _, us, ns] = &timestamps()[..] else { panic!("four units") };
    assert_eq!(strings(&eval(&expr, us)), want);
    assert_eq!(strings(&eval(&expr, ns)), want);
    let seconds = strings(&eval(&col("ts").dt().strftime("%S.%f").unwrap(), &timestamps()[0]));
    assert_eq!(seconds[0].as_deref(), Some("10.000000"));
    assert!(col("ts").dt().strftime("%Y %G").unwrap_err().to_string().contains("unsupported code %G"));
}

#[test]
fn dt_refuses_non_timestamps_and_unknown_zones() {
    for expr in [col("ts").dt().hour(), col("ts").dt().strftime("%Y").unwrap()] {
        let Expr::Function { func, .. } = &expr else { panic!("a function") };
        let err = func.output_type(&[DataType::Utf8]).unwrap_err().to_string();
        assert!(err.contains("needs timestamps"), "{err}");
        let mars = DataType::Timestamp(TimeUnit::Second, Some("Mars/Base".into()));
        let err = func.output_type(&[mars]).unwrap_err().to_string();
        assert!(err.contains("unknown time zone \"Mars/Base\""), "{err}");
    }
}

// --- dt on zoned timestamps -------------------------------------------

/// UTC instants around New York's 2024 changes: 01:59:59 EST, 03:00 EDT
/// (spring forward), 01:30 EDT and 01:30 EST (fall back), and a null.
const NEW_YORK_UTC: [Option<&str>; 5] = [
    Some("2024-03-10 06:59:59"),
    Some("2024-03-10 07:00:00"),
    Some("2024-11-03 05:30:00"),
    Some("2024-11-03 06:30:00"),
    None,
];

fn seconds(text: &str) -> i64 {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp()
}

/// [`NEW_YORK_UTC`] in `unit`s (plus `fraction` of them), in New York.
fn new_york(per_second: i64, fraction: i64) -> ArrayRef {
    let raw: Vec<Option<i64>> =
        NEW_YORK_UTC.iter().map(|v| v.map(|v| seconds(v) * per_second + fraction)).collect();
    match per_second {
        1 => Arc::new(TimestampSecondArray::from(raw).with_timezone("America/New_York")) as ArrayRef,
        1_000 => Arc::new(TimestampMillisecondArray::from(raw).with_timezone("America/New_York")),
        1_000_000 => Arc::new(TimestampMicrosecondArray::from(raw).with_timezone("America/New_York")),
        _ => Arc::new(TimestampNanosecondArray::from(raw).with_timezone("America/New_York")),
    }
}

#[test]
fn dt_fields_of_a_zoned_column_are_its_wall_clocks() {
    for (per_second, fraction) in [(1, 0), (1_000, 250), (1_000_000, 5), (1_000_000_000, 7)] {
        let values = new_york(per_second, fraction);
        assert_eq!(ints(&dt_eval(DtField::Hour, &values)), [Some(1), Some(3), Some(1), Some(1), None]);
        assert_eq!(ints(&dt_eval(DtField::Minute, &values)), [Some(59), Some(0), Some(30), Some(30), None]);
        assert_eq!(ints(&dt_eval(DtField::Day, &values)), [Some(10), Some(10), Some(3), Some(3), None]);
        assert_eq!(ints(&dt_eval(DtField::DayOfWeek, &values)), [Some(6), Some(6), Some(6), Some(6), None]);
        let days: Vec<Option<i32>> =
            dt_eval(DtField::Date, &values).as_primitive::<Date32Type>().iter().collect();
        assert_eq!(days, [Some(19_792), Some(19_792), Some(20_030), Some(20_030), None]);
        // Sliced: the offset of the slice, not of the array, counts.
        assert_eq!(ints(&dt_eval(DtField::Hour, &values.slice(1, 2))), [Some(3), Some(1)]);
    }
    // A UTC evening is the next day east of Greenwich.
    let late: ArrayRef =
        Arc::new(TimestampSecondArray::from(vec![seconds("2024-12-31 20:00:00")]).with_timezone("+05:30"));
    assert_eq!(ints(&dt_eval(DtField::Year, &late)), [Some(2025)]);
    assert!(dt_eval(DtField::IsMonthStart, &late).as_boolean().value(0));
}

#[test]
fn strftime_of_a_zoned_column_writes_its_offset_and_abbreviation() {
    let expr = col("ts").dt().strftime("%Y-%m-%d %H:%M:%S%z %Z").unwrap();
    assert_eq!(
        strings(&eval(&expr, &new_york(1_000_000, 0))),
        texts(&[
            Some("2024-03-10 01:59:59-0500 EST"),
            Some("2024-03-10 03:00:00-0400 EDT"),
            Some("2024-11-03 01:30:00-0400 EDT"),
            Some("2024-11-03 01:30:00-0500 EST"),
            None
        ])
    );
    let fixed: ArrayRef = Arc::new(TimestampSecondArray::from(vec![Some(0)]).with_timezone("+02:00"));
    assert_eq!(strings(&eval(&expr, &fixed)), texts(&[Some("1970-01-01 02:00:00+0200 UTC+02:00")]));
    let naive = &timestamps()[0];
    assert_eq!(
        strings(&eval(&col("ts").dt().strftime("%H%z|%Z").unwrap(), naive))[0].as_deref(),
        Some("13|")
    );
}

#[test]
fn rounding_a_zoned_column_rounds_its_wall_clock() {
    use crate::time::{Ambiguous, Nonexistent};
    let values = new_york(1, 0);
    let round = |freq: &str, mode, ambiguous, nonexistent| {
        let expr = col("ts").dt().round_to(freq, mode, ambiguous, nonexistent).unwrap();
        let Expr::Function { func, .. } = &expr else { panic!("a function") };
        func.evaluate(std::slice::from_ref(&values))
    };
    let utc = |array: ArrayRef| -> Vec<Option<i64>> {
        assert_eq!(array.data_type(), values.data_type());
        cast(&array, &DataType::Int64).unwrap().as_primitive::<Int64Type>().iter().collect()
    };
    // Days floor to local midnight: 05:00 UTC in March, 04:00 UTC in November.
    let days = utc(round("D", super::RoundMode::Floor, Ambiguous::Raise, Nonexistent::Raise).unwrap());
    let midnights = [
        Some("2024-03-10 05:00:00"),
        Some("2024-03-10 05:00:00"),
        Some("2024-11-03 04:00:00"),
        Some("2024-11-03 04:00:00"),
        None,
    ];
    assert_eq!(days, midnights.map(|v| v.map(seconds)));
    // 01:00 on the fall-back night happens twice: pandas raises.
    let err =
        round("h", super::RoundMode::Floor, Ambiguous::Raise, Nonexistent::Raise).unwrap_err().to_string();
    assert!(err.contains("dt.floor: 2024-11-03 01:00:00 is ambiguous in America/New_York"), "{err}");
    let hours = utc(round("h", super::RoundMode::Floor, Ambiguous::NaT, Nonexistent::Raise).unwrap());
    assert_eq!(
        hours,
        [Some(seconds("2024-03-10 06:00:00")), Some(seconds("2024-03-10 07:00:00")), None, None, None]
    );
    // 01:59:59 rounds up to 02:00, which the spring-forward skips.
    let err = round("h", super::RoundMode::Ceil, Ambiguous::NaT, Nonexistent::Raise).unwrap_err().to_string();
    assert!(err.contains("dt.ceil: 2024-03-10 02:00:00 does not exist in America/New_York"), "{err}");
    let up = utc(round("h", super::RoundMode::Ceil, Ambiguous::NaT, Nonexistent::ShiftForward).unwrap());
    assert_eq!(up[0], Some(seconds("2024-03-10 07:00:00")));
}

#[test]
fn tz_functions_print_as_pandas_writes_them_and_travel() {
    use crate::time::{Ambiguous, Nonexistent};
    let t = || col("ts").dt();
    let exprs = vec![
        t().tz_localize(Some("Europe/Paris"), Ambiguous::Raise, Nonexistent::Raise).unwrap(),
        t().tz_localize(Some("utc"), Ambiguous::NaT, Nonexistent::ShiftForward).unwrap(),
        t().tz_localize(None, Ambiguous::Raise, Nonexistent::Raise).unwrap(),
        t().tz_convert(Some("+0530")).unwrap(),
        t().tz_convert(None).unwrap(),
        t().round_to("h", super::RoundMode::Floor, Ambiguous::Dst, Nonexistent::NaT).unwrap(),
    ];
    let printed: Vec<String> = exprs.iter().map(ToString::to_string).collect();
    assert_eq!(
        printed,
        [
            "ts.dt.tz_localize('Europe/Paris')",
            "ts.dt.tz_localize('UTC', ambiguous='NaT', nonexistent='shift_forward')",
            "ts.dt.tz_localize(None)",
            "ts.dt.tz_convert('+05:30')",
            "ts.dt.tz_convert(None)",
            "ts.dt.floor('h', ambiguous=True, nonexistent='NaT')",
        ]
    );
    for expr in exprs {
        let back: Expr = serde_json::from_str(&serde_json::to_string(&expr).unwrap()).unwrap();
        assert_eq!(back, expr);
    }
    let err = t().tz_localize(Some("Mars/Base"), Ambiguous::Raise, Nonexistent::Raise).unwrap_err();
    assert!(matches!(&err, crate::error::Error::InvalidArgument(m) if m.contains("\"Mars/Base\"")), "{err}");
    assert!(t().tz_convert(Some("Nowhere")).is_err());
}

#[test]
fn dt_on_an_all_null_column_is_null() {
    let nulls: ArrayRef = Arc::new(arrow::array::NullArray::new(3));
    let year = dt_eval(DtField::Year, &nulls);
    assert_eq!((year.data_type(), year.null_count()), (&DataType::Int64, 3));
    let flag = dt_eval(DtField::IsMonthEnd, &nulls);
    assert_eq!((flag.data_type(), flag.null_count()), (&DataType::Boolean, 3));
    let text = eval(&col("ts").dt().strftime("%Y").unwrap(), &nulls);
    assert_eq!(text.null_count(), 3);
}

#[test]
fn extract_groups_are_the_columns_pandas_names() {
    let utf8 = &encodings()[0];
    let groups = col("s").str().extract_groups("(?P<first>[a-zß])(.)").unwrap();
    let names: Vec<&str> = groups.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["first", "1"]);
    let got: Vec<_> = groups.iter().map(|(_, e)| strings(&eval(e, utf8))).collect();
    assert_eq!(got[0][..2], texts(&[Some("s"), None])[..]);
    assert_eq!(got[1][..2], texts(&[Some("t"), None])[..]);
    assert_eq!(
        got[1],
        strings(&eval(&col("s").str().extract_column("(?P<first>[a-zß])(.)", "1").unwrap(), utf8))
    );
    assert_eq!(groups[1].1.to_string(), "s.str.extract('(?P<first>[a-zß])(.)')[1]");
}
