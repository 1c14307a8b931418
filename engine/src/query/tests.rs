//! Query → expression (as printed), error positions, and never panicking.

use proptest::prelude::*;
use rusk_ops::expr::{BinaryOp, Expr, ScalarValue};
use rusk_ops::Error;

use super::parse_query;

/// Each query and the printed form of its expression.
const PARSED: &[(&str, &str)] = &[
    // boolean operators: `&`/`|` bind like `and`/`or`, below comparisons
    ("a > 1", "a > 1"),
    ("a > 1 & b < 2", "a > 1 & b < 2"),
    ("a > 1 and b < 2", "a > 1 & b < 2"),
    ("a > 1 | b < 2 & c == 3", "a > 1 | b < 2 & c == 3"),
    ("a > 1 or b < 2 and c == 3", "a > 1 | b < 2 & c == 3"),
    ("(a > 1 | b < 2) & c == 3", "(a > 1 | b < 2) & c == 3"),
    ("a & b | c & d", "a & b | c & d"),
    ("a | b | c", "a | b | c"),
    // not / ~ bind below comparisons, above and
    ("not a > 1", "~(a > 1)"),
    ("~a", "~a"),
    ("~a == b", "~(a == b)"),
    ("not a and b", "~a & b"),
    ("~(a > 1) | not not b", "~(a > 1) | ~(~b)"),
    // where a value is expected, `~` binds tight, as Python's
    ("a == ~b", "a == (~b)"),
    ("a != ~b.isnull() & c", "a != (~b.isnull()) & c"),
    // the str methods, printed with pandas' defaults left out
    ("name.str.contains('^ab')", "name.str.contains('^ab')"),
    (
        "name.str.contains('a.b', regex=False, case=False)",
        "name.str.contains('a.b', case=False, regex=False)",
    ),
    ("name.str.contains('x', na=False)", "name.str.contains('x', na=False)"),
    ("name.str.len() > 3", "name.str.len() > 3"),
    ("ts.dt.floor('h') == ts.dt.ceil(freq='15min')", "ts.dt.floor('h') == ts.dt.ceil('15min')"),
    ("ts.dt.round('D')", "ts.dt.round('D')"),
    (
        "ts.dt.tz_localize('Europe/Paris', ambiguous='NaT').dt.hour",
        "ts.dt.tz_localize('Europe/Paris', ambiguous='NaT').dt.hour",
    ),
    ("ts.dt.tz_localize(None)", "ts.dt.tz_localize(None)"),
    ("ts.dt.tz_convert(tz='utc')", "ts.dt.tz_convert('UTC')"),
    (
        "ts.dt.floor('h', nonexistent='shift_forward', ambiguous=False)",
        "ts.dt.floor('h', ambiguous=False, nonexistent='shift_forward')",
    ),
    ("name.str.lower() == 'x'", "name.str.lower() in ['x']"),
    ("(a + b).str.upper().str.strip('x ')", "(a + b).str.upper().str.strip('x ')"),
    (r"s.str.replace('(\\d+)', '<\\1>', regex=True)", r"s.str.replace('(\\d+)', '<\\1>', regex=True)"),
    ("s.str.replace('a', 'b', 2)", "s.str.replace('a', 'b', n=2)"),
    ("s.str.slice(1, -1)", "s.str.slice(1, -1)"),
    ("s.str.slice(step=-1)", "s.str.slice(None, None, -1)"),
    ("s.str.fullmatch('[a-z]+', case=False)", "s.str.fullmatch('[a-z]+', case=False)"),
    ("s.str.match('a') & s.str.endswith('z')", "s.str.match('a') & s.str.endswith('z')"),
    ("s.str.get(0) == 'a'", "s.str.get(0) in ['a']"),
    ("s.str[-1]", "s.str.get(-1)"),
    ("s.str.split('-').str.get(0)", "s.str.split('-').str.get(0)"),
    ("s.str.split('-').str[-2]", "s.str.split('-').str.get(-2)"),
    ("s.str.split().str.get(1)", "s.str.split().str.get(1)"),
    ("s.str.split(n=1).str.get(1)", "s.str.split(n=1).str.get(1)"),
    ("s.str.split('-', n=-1).str.get(1)", "s.str.split('-').str.get(1)"),
    ("s.str.split('[-_]', n=2).str.get(1)", "s.str.split('[-_]', n=2).str.get(1)"),
    ("s.str.split('ab', regex=False).str.get(0)", "s.str.split('ab', regex=False).str.get(0)"),
    ("s.str.split('.', regex=True).str.get(0)", "s.str.split('.', regex=True).str.get(0)"),
    ("s.str.pad(5)", "s.str.pad(5)"),
    ("s.str.pad(5, side='both', fillchar='*')", "s.str.pad(5, side='both', fillchar='*')"),
    ("s.str.center(5, '*')", "s.str.pad(5, side='both', fillchar='*')"),
    ("s.str.ljust(5)", "s.str.pad(5, side='right')"),
    ("s.str.rjust(5, fillchar='0')", "s.str.pad(5, fillchar='0')"),
    ("s.str.zfill(3)", "s.str.zfill(3)"),
    ("s.str.cat(t)", "s.str.cat(t)"),
    ("s.str.cat(t.str.upper(), sep='-', na_rep='?')", "s.str.cat(t.str.upper(), sep='-', na_rep='?')"),
    ("s.str.extract('([0-9]+)')", "s.str.extract('([0-9]+)', expand=False)"),
    ("s.str.extract('(a)', expand=False).str.len() > 0", "s.str.extract('(a)', expand=False).str.len() > 0"),
    ("s.str.extract('([a-z])([0-9])')[1].str.len() > 0", "s.str.extract('([a-z])([0-9])')[1].str.len() > 0"),
    ("s.str.extract('(?P<l>[a-z])(x)?')['l']", "s.str.extract('(?P<l>[a-z])(x)?')['l']"),
    ("s.str.extract('(a)')[0]", "s.str.extract('(a)', expand=False)"),
    // the dt properties, without parentheses, and strftime
    ("ts.dt.hour >= 9", "ts.dt.hour >= 9"),
    ("ts.dt.year == 2024 & ts.dt.is_month_end", "ts.dt.year == 2024 & ts.dt.is_month_end"),
    ("ts.dt.weekday", "ts.dt.dayofweek"),
    ("ts.dt.day_of_year + ts.dt.daysinmonth", "ts.dt.dayofyear + ts.dt.days_in_month"),
    ("ts.dt.date", "ts.dt.date"),
    ("ts.dt.strftime('%Y-%m') == '2024-02'", "ts.dt.strftime('%Y-%m') in ['2024-02']"),
    ("ts.dt.strftime(date_format='%H:%M').str.len()", "ts.dt.strftime('%H:%M').str.len()"),
    // comparisons, chained as in Python
    ("a == 1", "a == 1"),
    ("a != 1", "a != 1"),
    ("a <= 1", "a <= 1"),
    ("a >= b", "a >= b"),
    ("1 < a <= 5", "1 < a & a <= 5"),
    ("1 < a <= 5 < b", "1 < a & a <= 5 & 5 < b"),
    ("a == b == c", "a == b & b == c"),
    // membership
    ("a in [1, 2]", "a in [1, 2]"),
    ("a not in (1, 2)", "a not in [1, 2]"),
    ("a == [1,2]", "a in [1, 2]"),
    ("a != ['x', \"y\"]", "a not in ['x', 'y']"),
    ("[1, 2] == a", "a in [1, 2]"),
    ("a == (1, 2)", "a in [1, 2]"),
    ("a == (1)", "a == 1"),
    ("a == (b + 1)", "a == b + 1"),
    ("a in [-1, +2.5, 'x', True, None, 2,]", "a in [-1, 2.5, 'x', True, None, 2]"),
    ("a in []", "a in []"),
    ("a in (1,)", "a in [1]"),
    ("a in (1)", "a in [1]"),
    ("a in [1] & b not in [2]", "a in [1] & b not in [2]"),
    ("a + 1 in [2, 3]", "a + 1 in [2, 3]"),
    // arithmetic and its precedence
    ("a + b * c > 10", "a + b * c > 10"),
    ("(a + b) * c", "(a + b) * c"),
    ("a - b - c", "a - b - c"),
    ("a - (b - c)", "a - (b - c)"),
    ("a / b // c % d", "a / b // c % d"),
    ("a * b + c / d", "a * b + c / d"),
    ("-a * b", "-a * b"),
    ("-(a + b)", "-(a + b)"),
    ("a * -b", "a * -b"),
    ("--a", "-(-a)"),
    ("+a", "a"),
    ("a > -1", "a > -1"),
    ("a > - 1.5", "a > -1.5"),
    ("a > -(2)", "a > -2"),
    ("a - -1", "a - -1"),
    // literals
    ("a == 1_000", "a == 1000"),
    ("a == 1e3", "a == 1000.0"),
    ("a == 2.5E-1", "a == 0.25"),
    ("a == .5", "a == 0.5"),
    ("a == 1.", "a == 1.0"),
    ("a == 'it\\'s'", "a in ['it\\'s']"),
    ("a == \"x\"", "a in ['x']"),
    ("a != 'x'", "a not in ['x']"),
    ("'x' == a", "a in ['x']"),
    ("a == 'tab\\there'", "a in ['tab\there']"),
    ("a == True", "a == True"),
    ("a != False", "a != False"),
    ("a == None", "a == None"),
    ("true == a", "true == a"),
    ("a > 9223372036854775808", "a > 9223372036854775808"),
    ("a > -9223372036854775808", "a > -9223372036854775808"),
    // names
    ("`my col` > 1", "`my col` > 1"),
    ("`a` > 1", "a > 1"),
    ("`x-y (z)` == 'q'", "`x-y (z)` in ['q']"),
    ("é > 1", "é > 1"),
    ("_a1 > 1", "_a1 > 1"),
    ("a > 1\n  & b < 2", "a > 1 & b < 2"),
    // methods
    ("a.isnull()", "a.isnull()"),
    ("a.isna()", "a.isnull()"),
    ("a.notnull()", "a.notnull()"),
    ("a.notna()", "a.notnull()"),
    ("a.isin([1, 2])", "a in [1, 2]"),
    ("a.isin(('x',))", "a in ['x']"),
    ("a.between(1, 5)", "a.between(1, 5)"),
    ("a.between(1, 5, inclusive='both')", "a.between(1, 5)"),
    ("a.between(1, 5, inclusive='neither')", "a > 1 & a < 5"),
    ("a.between(left=1, right=5, inclusive=\"left\")", "a >= 1 & a < 5"),
    ("a.between(1, 5, 'right')", "a > 1 & a <= 5"),
    ("a.between(b, c + 1)", "a.between(b, c + 1)"),
    ("(a + 1).isnull()", "(a + 1).isnull()"),
    ("`my col`.notnull()", "`my col`.notnull()"),
    ("~a.isnull()", "~a.isnull()"),
    ("a.isnull() | b.notnull() & c.isin([1])", "a.isnull() | b.notnull() & c in [1]"),
    ("a > 1 & ~b.isin(['x'])", "a > 1 & ~(b in ['x'])"),
];

#[test]
fn queries_parse_to_their_expressions() {
    let mut failures = Vec::new();
    for (query, expected) in PARSED {
        match parse_query(query) {
            Ok(e) if e.to_string() == *expected => {}
            Ok(e) => failures.push(format!("{query:?}: got {:?}, expected {expected:?}", e.to_string())),
            Err(e) => failures.push(format!("{query:?}: error {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn printed_expressions_parse_back_to_themselves() {
    for (query, _) in PARSED {
        let e = parse_query(query).unwrap();
        let again = parse_query(&e.to_string()).unwrap();
        assert_eq!(again, e, "{query:?} printed as {e}");
    }
}

#[test]
fn literals_have_pythons_types() {
    let lit = |q: &str| match parse_query(q).unwrap() {
        Expr::Binary { right, .. } => *right,
        other => panic!("not a comparison: {other:?}"),
    };
    assert_eq!(lit("a == 1"), Expr::Literal(ScalarValue::Int64(1)));
    assert_eq!(lit("a == 1.0"), Expr::Literal(ScalarValue::Float64(1.0)));
    assert_eq!(lit("a == -0.0"), Expr::Literal(ScalarValue::Float64(-0.0)));
    assert_eq!(lit("a == 18446744073709551615"), Expr::Literal(ScalarValue::UInt64(u64::MAX)));
    assert_eq!(lit("a == -9223372036854775808"), Expr::Literal(ScalarValue::Int64(i64::MIN)));
    assert_eq!(lit("a < ''"), Expr::Literal(ScalarValue::Utf8(String::new())));
    assert_eq!(lit("a == None"), Expr::Literal(ScalarValue::Null));
    assert_eq!(lit("a == true"), Expr::Column("true".into()));
    assert_eq!(lit("a == `True`"), Expr::Column("True".into()));
}

/// Each bad query, the position the error points at and its message.
const ERRORS: &[(&str, usize, &str)] = &[
    ("", 0, "empty query"),
    ("   ", 0, "empty query"),
    ("a >", 3, "expected a value after '>'"),
    ("a > )", 4, "expected a value after '>', found ')'"),
    ("a > > 3", 4, "expected a value after '>', found '>'"),
    ("a > and b", 4, "expected a value after '>', found 'and'"),
    ("a > 'x' &", 9, "expected a value after '&'"),
    ("not", 3, "expected a value after 'not'"),
    ("()", 1, "expected a value after '(', found ')'"),
    ("a > 1)", 5, "unexpected ')'"),
    (")", 0, "expected a value, found ')'"),
    ("(a > 1", 0, "unclosed '('"),
    ("a > 1 & (b < 2 | c", 8, "unclosed '('"),
    ("(a > 1 b)", 7, "expected ')' to close the '(' at position 0, found 'b'"),
    ("(a, b)", 2, "unexpected ',': a tuple like (1, 2) is only allowed after 'in', 'not in', '==' or '!='"),
    ("a === 1", 2, "unknown operator '===' (use '==')"),
    ("a => 1", 2, "unknown operator '=>' (use '>=')"),
    ("a && b", 2, "unknown operator '&&' (use '&' or 'and')"),
    ("!a", 0, "unknown operator '!' (use '~' or 'not')"),
    ("a = 1", 2, "unexpected '=' (use '==' to compare)"),
    ("a == 'abc", 5, "unclosed string"),
    ("a == \"abc\\\"", 5, "unclosed string"),
    ("`my col > 1", 0, "unclosed '`' (backtick-quoted column name)"),
    ("`` > 1", 0, "empty backtick-quoted column name"),
    ("a > 1 b", 6, "trailing input: unexpected 'b'"),
    ("a > 1 'x'", 6, "trailing input: unexpected string 'x'"),
    ("a > 1 AND b", 6, "trailing input: unexpected 'AND' (did you mean 'and'?)"),
    ("a not b", 2, "trailing input: unexpected 'not'"),
    ("a is None", 2, "'is' is not supported in a query (quote a column of that name: `is`)"),
    ("lambda > 1", 0, "'lambda' is not supported in a query (quote a column of that name: `lambda`)"),
    ("a == @x", 5, "local variables like '@x' are not supported: write the value into the query"),
    ("a ** 2 > 1", 2, "the power operator '**' is not supported"),
    ("a $ b", 2, "unexpected character '$'"),
    ("a > 1e", 4, "invalid number '1e'"),
    ("a > 1__0", 4, "invalid number '1__0'"),
    ("a > 12abc", 4, "invalid number '12abc'"),
    (
        "a > 18446744073709551616",
        4,
        "integer '18446744073709551616' is too large (at most 18446744073709551615)",
    ),
    (
        "a > -18446744073709551615",
        4,
        "integer -18446744073709551615 is too small (at least -9223372036854775808)",
    ),
    ("a == '\\x4'", 6, "invalid escape '\\x' in string"),
    ("a < [1, 2]", 2, "'<' cannot compare with a list (use 'in', 'not in', '==' or '!=')"),
    ("[1] == [1]", 7, "cannot compare two lists"),
    ("[1] in [1]", 7, "cannot compare two lists"),
    ("a in b", 5, "expected a list like [1, 2] after 'in', found 'b'"),
    ("a not in 1", 9, "expected a list like [1, 2] after 'not in', found '1'"),
    ("[1, 2]", 0, "a list is only allowed after 'in', 'not in', '==' or '!='"),
    ("a + [1]", 4, "a list is only allowed after 'in', 'not in', '==' or '!='"),
    ("a in [1, b]", 9, "expected a literal (number, string, True, False or None) in the list, found 'b'"),
    ("a in [-'x']", 7, "expected a number after '-', found string 'x'"),
    ("a in [1, 2", 5, "unclosed '['"),
    ("a in [1 2]", 8, "expected ',' or ']' in the list, found '2'"),
    ("a in ['x", 6, "unclosed string"),
    ("a.foo()", 2, "unknown method 'foo'; supported: isnull, notnull, isna, notna, isin, between"),
    ("a.dt.year()", 9, "dt.year is a property: write it without parentheses"),
    ("ts.dt.floor('MS')", 6, "dt.floor: MS is not a fixed frequency"),
    ("ts.dt.round(3)", 6, "dt.round(): freq must be a string, got 3"),
    ("a.dt.yr", 5, "unknown dt property 'yr'; supported: year, month, day, hour, minute, second, microsecond, nanosecond, dayofweek (day_of_week, weekday), dayofyear (day_of_year), quarter, days_in_month (daysinmonth), is_month_start, is_month_end, date, strftime(date_format), floor(freq), ceil(freq), round(freq), tz_localize(tz), tz_convert(tz); of timedeltas: days, seconds, microseconds, nanoseconds, total_seconds()"),
    ("a.dt", 4, "expected '.property' after '.dt', found the end of the query"),
    ("ts.dt.tz_localize('Mars/Base')", 6, "unknown time zone \"Mars/Base\": use an IANA name such as 'Europe/Paris' or 'America/New_York', 'UTC', or an offset such as '+02:00'"),
    ("ts.dt.tz_convert()", 6, "dt.tz_convert() needs tz, e.g. 'Europe/Paris', 'UTC' or None"),
    ("ts.dt.tz_convert(1)", 6, "dt.tz_convert(): tz must be a string or None, got 1"),
    ("ts.dt.tz_localize('UTC', ambiguous='infer')", 6, "dt.tz_localize(): ambiguous must be 'raise', 'NaT', True or False, got 'infer'"),
    ("ts.dt.floor('h', nonexistent=1)", 6, "dt.floor(): nonexistent must be 'raise', 'NaT', 'shift_forward' or 'shift_backward', got 1"),
    ("ts.dt.tz_convert('UTC', ambiguous='NaT')", 24, "dt.tz_convert() has no argument 'ambiguous' (it takes tz)"),
    ("a.dt.(", 5, "expected a dt property after '.dt.', found '('"),
    ("a.dt.strftime", 13, "expected '(' after 'dt.strftime', found the end of the query"),
    ("a.dt.strftime()", 5, "dt.strftime() needs date_format, e.g. '%Y-%m-%d'"),
    ("a.dt.strftime(1)", 5, "dt.strftime(): date_format must be a string, got 1"),
    ("a.dt.strftime(b)", 14, "dt.strftime(): 'date_format' must be a constant"),
    ("a.dt.strftime('%Y %Q')", 5, "dt.strftime: unsupported code %Q in \"%Y %Q\" (supported: %Y %y %m %d %H %I %p %M %S %f %j %a %A %b %B %z %Z %%)"),
    ("a.dt.strftime('%Y', 'x')", 20, "dt.strftime() takes at most 1 arguments"),
    ("a.str.title()", 6, "unknown str method 'title'; supported: len, lower, upper, strip, lstrip, rstrip, startswith, endswith, contains, match, fullmatch, replace, slice, get, split (then .str.get(i)), pad, center, ljust, rjust, zfill, cat, extract"),
    ("a.str.split('-')", 16, "str.split() must be followed by .str.get(i) or .str[i] (rusk has no list columns)"),
    ("a.str.split('-').str.len()", 20, "str.split() must be followed by .str.get(i) or .str[i] (rusk has no list columns)"),
    ("a.str.split('-', expand=True).str[0]", 6, "str.split(): expand=True (a frame) is not supported"),
    ("a.str.split('(-)').str[0]", 6, "str.split: the pattern \"(-)\" has groups, which Python's re.split returns among the pieces; this is not supported (use (?:...) for a group that captures nothing)"),
    ("a.str.split('-', n=-2).str[0]", 6, "str.split(): n must be -1 or more, got -2"),
    ("a.str.split('-', 1).str[0]", 17, "str.split() takes one positional argument, pat (n, expand and regex are keyword-only)"),
    ("a.str[b]", 6, "str[]: the index must be an integer constant"),
    ("a.str[1", 5, "unclosed '['"),
    ("a.str.get('x')", 6, "str.get(): i must be an integer, got 'x'"),
    ("a.str.pad(5, side='up')", 6, "str.pad(): side must be 'left', 'right' or 'both', got \"up\""),
    ("a.str.pad(-1)", 6, "str.pad(): width must be 0 or more, got -1"),
    ("a.str.center(5, '**')", 6, "str.center(): fillchar must be one character, got \"**\""),
    ("a.str.zfill()", 6, "str.zfill() needs width"),
    ("a.str.cat()", 6, "str.cat() needs others (a string column)"),
    ("a.str.cat('x')", 6, "str.cat(): others must be a column, not a constant"),
    ("a.str.cat(b, sep=c)", 13, "str.cat(): 'sep' must be a constant"),
    ("a.str.extract('(a)(b)')", 6, "str.extract: the pattern \"(a)(b)\" has 2 capture groups, which make a frame; pick one column (s.str.extract(pat)[0], or ['name'] for a named group), or take them all with extract_groups"),
    ("a.str.extract('(a)(b)')[2]", 6, "str.extract: the pattern \"(a)(b)\" has no column \"2\"; its columns: 0, 1"),
    ("a.str.extract('(a)(b)')[b]", 24, "str.extract()[]: the column must be an integer or a group name"),
    ("a.str.extract('ab')", 6, "str.extract: the pattern \"ab\" has no capture group, e.g. '([0-9]+)'"),
    ("a.str.extract('(a)', expand=True)", 6, "str.extract(): expand=True makes a frame; pick a column: s.str.extract(pat)[0] (or ['name'])"),
    ("a.str.extract('(a)', flags=2)", 6, "str.extract(): flags are not supported"),
    ("a.str.len", 9, "expected '(' after 'str.len', found the end of the query"),
    ("a.str.contains('x', regex=1)", 6, "str.contains(): regex must be True or False, got 1"),
    ("a.str.contains(b)", 15, "str.contains(): 'pat' must be a constant"),
    ("a.str.contains('x', flags=2)", 20, "str.contains() has no argument 'flags' (it takes pat, case, na, regex)"),
    ("a.str.contains('(x')", 6, "bad regex \"(x\": regex parse error:\n    (x\n    ^\nerror: unclosed group"),
    ("a.str.slice(1, 2, 0)", 6, "str.slice: step cannot be zero"),
    ("a.str.startswith()", 6, "str.startswith() needs pat"),
    ("a.", 2, "expected a method name after '.', found the end of the query"),
    ("a.isnull", 8, "expected '(' after 'isnull', found the end of the query"),
    ("a.isnull(1)", 9, "isnull() takes no arguments"),
    ("a.isnull(", 8, "unclosed '('"),
    ("a.isin(b)", 7, "isin() takes a list like [1, 2], found 'b'"),
    ("a.isin([1]", 6, "unclosed '('"),
    ("a.between(1)", 2, "between() takes two bounds: between(left, right)"),
    ("a.between(1, 2, 'both', 3)", 24, "between() takes at most 3 arguments"),
    ("a.between(1, 2, left=0)", 16, "between() got an argument twice"),
    (
        "a.between(1, 2, closed='both')",
        16,
        "between() has no argument 'closed' (it takes left, right, inclusive)",
    ),
    (
        "a.between(1, 2, inclusive='x')",
        2,
        "between(): inclusive must be 'both', 'neither', 'left' or 'right'",
    ),
    ("a.between(1, 2", 9, "unclosed '('"),
    ("a.between(1 2)", 12, "expected ',' or ')' in the arguments of between(), found '2'"),
    ("abs(a) > 1", 0, "function calls like 'abs(...)' are not supported in a query"),
    // the leftmost problem wins, wherever it was found
    (") 'abc", 0, "expected a value, found ')'"),
    ("a > 'x", 4, "unclosed string"),
];

#[test]
fn errors_point_at_the_offending_token() {
    let mut failures = Vec::new();
    for (query, position, message) in ERRORS {
        match parse_query(query) {
            Err(Error::QuerySyntax { query: q, position: p, message: m }) => {
                if q != *query || p != *position || m != *message {
                    failures.push(format!("{query:?}: got ({p}, {m:?}), expected ({position}, {message:?})"));
                }
            }
            Err(other) => failures.push(format!("{query:?}: wrong variant {other:?}")),
            Ok(e) => failures.push(format!("{query:?}: parsed as {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn error_message_names_position_and_problem() {
    let text = parse_query("a > 1 AND b").unwrap_err().to_string();
    assert!(text.contains("position 6"), "{text}");
    assert!(text.contains("trailing input: unexpected 'AND' (did you mean 'and'?)"), "{text}");
}

fn position_of(query: &str) -> usize {
    match parse_query(query) {
        Err(Error::QuerySyntax { position, .. }) => position,
        other => panic!("{query:?} gave {other:?}"),
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let parens = format!("{}a{}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(position_of(&parens), 64);
    let minus = format!("{}a", "-".repeat(5000));
    assert_eq!(position_of(&minus), 64);
    let nots = "not ".repeat(5000) + "a";
    assert_eq!(position_of(&nots), 4 * 64);
    let args = "a.between(".repeat(5000);
    assert_eq!(position_of(&args), 10 * 64 + 10);
    // 64 levels are fine
    let ok = format!("{}a{}", "(".repeat(64), ")".repeat(64));
    assert_eq!(parse_query(&ok).unwrap(), Expr::column("a"));
    // a long chain builds a deep tree: refused at the 500th operator
    let chain = "a".to_string() + &" + a".repeat(5000);
    assert_eq!(position_of(&chain), 2 + 4 * 499);
    let ors = "a == 1".to_string() + &" | a == 1".repeat(400);
    assert!(parse_query(&ors).is_ok());
}

/// A flat `and`/`or` chain is not nesting: 600 terms (or 20 000) parse, to
/// a balanced tree whose walks stay shallow; `+` chains keep pandas' left
/// grouping (float sums depend on it) and the depth limit above.
#[test]
fn long_flat_boolean_chains_parse() {
    fn depth(e: &Expr) -> usize {
        match e {
            Expr::Binary { left, right, .. } => 1 + depth(left).max(depth(right)),
            _ => 1,
        }
    }
    for n in [600, 20_000] {
        let terms: Vec<String> = (0..n).map(|i| format!("a == {i}")).collect();
        for sep in [" or ", " | ", " and "] {
            let query = terms.join(sep);
            let expr = parse_query(&query).unwrap_or_else(|e| panic!("{n} terms joined by {sep:?}: {e}"));
            assert!(depth(&expr) < 40, "{n} terms: depth {}", depth(&expr));
        }
    }
    // Short chains still group from the left, as printed.
    let three = parse_query("a | b | c").unwrap();
    let ab = Expr::binary(Expr::column("a"), BinaryOp::Or, Expr::column("b"));
    assert_eq!(three, Expr::binary(ab, BinaryOp::Or, Expr::column("c")));
}

/// Queries that parse, cut and mutated below.
const SEEDS: &[&str] = &[
    "a > 1 & (b < 2 | c == 'x') and not d.isnull()",
    "1 < `my col` <= 5 or e in [1, -2.5, 'y', None] & f not in (True,)",
    "a.between(left=-1, right=b * 2, inclusive='left') | g.isin(['\\x41', \"q\"])",
    "-(a + b) // 3 % 2 != ~c & h == [1, 2]",
];

#[test]
fn truncated_and_mutated_queries_never_panic() {
    // xorshift64, seeded: the same cases every run.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: Vec<char> = "ab1 ()[]'\"`\\.,=!<>&|~-+*/%@_eéx\n".chars().collect();
    for seed in SEEDS {
        assert!(parse_query(seed).is_ok(), "{seed}");
        let chars: Vec<char> = seed.chars().collect();
        for cut in 0..=chars.len() {
            check_no_panic(&chars[..cut].iter().collect::<String>());
            check_no_panic(&chars[cut..].iter().collect::<String>());
        }
        for _ in 0..2000 {
            let mut mutated = chars.clone();
            for _ in 0..1 + next() % 3 {
                let at = (next() as usize) % (mutated.len() + 1);
                let c = alphabet[(next() as usize) % alphabet.len()];
                match next() % 3 {
                    0 if at < mutated.len() => {
                        mutated.remove(at);
                    }
                    1 if at < mutated.len() => mutated[at] = c,
                    _ => mutated.insert(at, c),
                }
            }
            check_no_panic(&mutated.iter().collect::<String>());
        }
    }
}

/// Parses `query`; an error must be a `QuerySyntax` pointing inside it (or
/// just past its end), and a success must print to a query that parses back.
fn check_no_panic(query: &str) {
    match parse_query(query) {
        // `inf` and `NaN` literals print as names: no round trip for them.
        Ok(e) if e.to_string().contains("inf") || e.to_string().contains("NaN") => {}
        Ok(e) => {
            let printed = e.to_string();
            assert_eq!(parse_query(&printed).ok().as_ref(), Some(&e), "{query:?} printed as {printed:?}");
        }
        Err(Error::QuerySyntax { position, .. }) => {
            assert!(position <= query.chars().count(), "{query:?}: position {position}");
        }
        Err(other) => panic!("{query:?}: wrong variant {other:?}"),
    }
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(query in "\\PC{0,60}") {
        check_no_panic(&query);
    }

    #[test]
    fn query_like_text_never_panics(parts in prop::collection::vec(prop::sample::select(vec![
        "a", "b", "`c d`", "1", "-", "2.5", "'s'", "\"t\"", "True", "None", "(", ")", "[", "]", ",", ".",
        "isnull()", "isin", "between", "==", "!=", "<", ">=", "&", "|", "~", "and", "or", "not", "in",
        "+", "*", "//", "%", "**", "=", " ", "str", "dt", "year", "strftime('%Y')", "split('-')", "get(0)",
        "[0]", "cat(b)", "extract('(a)')",
    ]), 0..30)) {
        check_no_panic(&parts.concat());
    }
}
