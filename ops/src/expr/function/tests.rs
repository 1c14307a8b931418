//! The `str` kernels on every string encoding, and on values pandas would
//! treat specially (Unicode case, Python's whitespace, nulls and `na`).

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, DictionaryArray, LargeStringArray, StringArray, StringViewArray,
};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int8Type};

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
    vec![
        Arc::new(StringArray::from(VALUES.to_vec())),
        Arc::new(LargeStringArray::from(VALUES.to_vec())),
        Arc::new(StringViewArray::from(VALUES.to_vec())),
        Arc::new(dictionary),
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
