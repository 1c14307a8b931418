//! `NAME = EXPR` → assignment (as printed), which side it is, error positions.

use proptest::prelude::*;
use rusk_ops::window::{Cumulative, WindowFunction, WindowSpec};
use rusk_ops::Error;

use super::{parse_eval, parse_query, Assigned};

/// Each assignment, its printed form, and whether it is a frame-order method.
const PARSED: &[(&str, &str, bool)] = &[
    ("total = qty * price", "total = qty * price", false),
    ("total=qty*price", "total = qty * price", false),
    ("`unit total` = `unit price` * 2", "`unit total` = `unit price` * 2", false),
    ("flag = qty > 10 and region == 'north'", "flag = qty > 10 & region in ['north']", false),
    ("up = region.str.upper()", "up = region.str.upper()", false),
    ("m = date.dt.month", "m = date.dt.month", false),
    ("qty = qty + 1", "qty = qty + 1", false),
    ("c = v", "c = v", false),
    ("c = 1", "c = 1", false),
    ("c = (v)", "c = v", false),
    ("c = v.cumsum()", "c = v.cumsum()", true),
    ("c = v.cumprod( )", "c = v.cumprod()", true),
    ("c = v.cummax()", "c = v.cummax()", true),
    ("c = v.cummin()", "c = v.cummin()", true),
    ("c = v.shift()", "c = v.shift(1)", true),
    ("c = v.shift(2)", "c = v.shift(2)", true),
    ("c = v.shift(periods=0)", "c = v.shift(0)", true),
    ("c = v.diff()", "c = v.diff(1)", true),
    ("c = v.shift(-1)", "c = v.shift(-1)", true),
    ("c = v.pct_change(periods=-2)", "c = v.pct_change(-2)", true),
    ("c = v.diff(3)", "c = v.diff(3)", true),
    ("c = v.pct_change()", "c = v.pct_change(1)", true),
    ("c = v.pct_change(periods=2)", "c = v.pct_change(2)", true),
    ("`a b` = `c d`.cumsum()", "`a b` = `c d`.cumsum()", true),
    ("c = v.rolling(3).mean()", "c = v.rolling(3, min_periods=3).mean()", true),
    (
        "c = v.rolling(window=4, center=True, min_periods=2).max()",
        "c = v.rolling(4, min_periods=2, center=True).max()",
        true,
    ),
    (
        "c = v.rolling('2h', on='ts', closed='both').sum()",
        "c = v.rolling(\"2h\", on=\"ts\", min_periods=1, closed=\"both\").sum()",
        true,
    ),
];

#[test]
fn assignments_parse_and_print() {
    let mut failures = Vec::new();
    for (text, printed, window) in PARSED {
        match parse_eval(text) {
            Ok(a) => {
                if a.to_string() != *printed || matches!(a.value, Assigned::Window(_)) != *window {
                    failures.push(format!("{text:?}: got {a} ({:?})", a.value));
                }
                // The printed form reads back as the same assignment.
                match parse_eval(&a.to_string()) {
                    Ok(again) if again == a => {}
                    other => failures.push(format!("{text:?}: printed {a}, read back {other:?}")),
                }
            }
            Err(e) => failures.push(format!("{text:?}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn methods_become_window_specs() {
    let spec = |text: &str| match parse_eval(text).map(|a| (a.name, a.value)) {
        Ok((name, Assigned::Window(w))) => (name, w),
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(
        spec("run = qty.cumsum()"),
        (
            "run".into(),
            WindowSpec { func: WindowFunction::Cumulative(Cumulative::Sum), column: "qty".into() }
        )
    );
    assert_eq!(
        spec("d = `x y`.diff(periods=4)").1,
        WindowSpec { func: WindowFunction::Diff(4), column: "x y".into() }
    );
    assert_eq!(spec("s = v.shift(2)").1.func, WindowFunction::Shift(2));
    assert_eq!(spec("p = v.pct_change()").1.func, WindowFunction::PctChange(1));
}

#[test]
fn an_expression_is_the_query_parser_s() {
    for text in ["a + b * 2", "s.str.lower().str.len() > 3", "1 < a <= 5", "ts.dt.strftime('%Y')"] {
        match parse_eval(&format!("c = {text}")).map(|a| a.value) {
            Ok(Assigned::Expr(e)) => assert_eq!(Some(e), parse_query(text).ok(), "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

/// Each assignment that fails, where, and why.
const ERRORS: &[(&str, usize, &str)] = &[
    ("", 0, "empty assignment: expected NAME = EXPR"),
    ("   ", 3, "empty assignment: expected NAME = EXPR"),
    ("c", 1, "expected '=' after 'c' (an assignment is NAME = EXPR), found the end of the query"),
    ("c == 1", 2, "expected '=' after 'c' (an assignment is NAME = EXPR), found '=='"),
    ("c + 1 = 2", 2, "expected '=' after 'c' (an assignment is NAME = EXPR), found '+'"),
    ("1 = c", 0, "expected the name of the column to assign (NAME = EXPR), found '1'"),
    ("True = c", 0, "expected the name of the column to assign (NAME = EXPR), found 'True'"),
    ("if = c", 0, "'if' is not supported in a query (quote a column of that name: `if`)"),
    ("c =", 3, "expected a value after '='"),
    ("c = a b", 6, "trailing input: unexpected 'b'"),
    ("c = a = b", 6, "unexpected '=' (use '==' to compare)"),
    ("c = 'x", 4, "unclosed string"),
    (
        "c = v.cumsum() * 2",
        6,
        "cumsum() must be the whole right side of an assignment (NAME = column.cumsum(...)): \
         assign it first and use that column in a second --eval",
    ),
    (
        "c = 2 * v.diff()",
        10,
        "diff() must be the whole right side of an assignment (NAME = column.diff(...)): \
         assign it first and use that column in a second --eval",
    ),
    (
        "c = (v.shift(1))",
        7,
        "shift() must be the whole right side of an assignment (NAME = column.shift(...)): \
         assign it first and use that column in a second --eval",
    ),
    (
        "c = v.cumsum().cumsum()",
        6,
        "cumsum() must be the whole right side of an assignment (NAME = column.cumsum(...)): \
         assign it first and use that column in a second --eval",
    ),
    ("c = v.pct_change(1.5)", 17, "pct_change() takes an integer number of periods, found 1.5"),
    ("c = v.shift(n)", 12, "shift() takes an integer number of periods, found n"),
    ("c = v.shift(1, 2)", 15, "shift() takes one argument, periods"),
    ("c = v.shift(fill_value=0)", 12, "shift() has no argument 'fill_value' here (it takes periods)"),
    (
        "c = v.cumsum(skipna=False)",
        13,
        "cumsum() takes no arguments here (pandas' axis and skipna are not supported)",
    ),
    ("c = v.diff(", 11, "expected a value after '('"),
    ("c = v.rolling(3)", 6, "rolling(): a window needs its function: .mean(), .sum(), ..."),
    ("c = v.rolling('2h').mean()", 6, "rolling(): a time span needs on='column'"),
    (
        "c = v.rolling(3).mode()",
        17,
        "rolling(...) has no function 'mode': use sum, mean, count, min, max, var, std or median",
    ),
    (
        "c = v.rolling(3, closed='up').sum()",
        6,
        "rolling(): closed must be right, left, both or neither, got \"up\"",
    ),
    (
        "c = v.rolling(3).sum() + 1",
        6,
        "rolling() must be the whole right side of an assignment (NAME = column.rolling(...)): \
         assign it first and use that column in a second --eval",
    ),
    ("c = v.diff(1", 10, "unclosed '('"),
];

#[test]
fn errors_point_at_the_offending_token() {
    let mut failures = Vec::new();
    for (text, position, message) in ERRORS {
        match parse_eval(text) {
            Err(Error::QuerySyntax { query: q, position: p, message: m }) => {
                if q != *text || p != *position || m != *message {
                    failures.push(format!("{text:?}: got ({p}, {m:?}), expected ({position}, {message:?})"));
                }
            }
            Err(other) => failures.push(format!("{text:?}: wrong variant {other:?}")),
            Ok(a) => failures.push(format!("{text:?}: parsed as {a}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_query_points_a_frame_order_method_at_eval() {
    let text = parse_query("v.cumsum() > 3").unwrap_err().to_string();
    assert!(text.contains("position 2"), "{text}");
    assert!(text.contains("cumsum() must be the whole right side of an assignment"), "{text}");
}

proptest! {
    #[test]
    fn any_text_parses_or_errors(text in "[a-z`= .()*0-9,-]{0,30}") {
        let _ = parse_eval(&text);
    }
}
