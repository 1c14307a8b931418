//! Property tests: random frames (int64, float64, utf8 and bool columns,
//! with nulls) cut into random partitions, including empty and one-row
//! ones, under random assigns and filters from a small grammar.
//!
//! - The result does not depend on how the data is partitioned (npartitions
//!   1, 2, 3, 7 and 16, by `from_batches` and by `repartition`) nor on the
//!   thread count (1 and 4): same rows, same order.
//! - It equals a naive row-by-row evaluator written here, with pandas'
//!   nullable semantics: comparisons and arithmetic with a null are null,
//!   `&`/`|` are Kleene, `~null` is null, `isnull` and `isin` are never null,
//!   and a filter keeps only the rows where the predicate is true.
//! - `head(n)` is the first n rows of the full result and `len()` its length,
//!   however the frame is partitioned.
//!
//! Runs are seeded (the same cases every run) and small: 64 cases a property.

use std::sync::Arc;

use proptest::prelude::*;
use proptest::strategy::Union;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use rusk::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use rusk::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema, SchemaRef};
use rusk::{col, lit, Config, DataFrame, Expr};

use crate::common::{NPARTITIONS, THREADS};

fn proptest_config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        rng_seed: RngSeed::Fixed(0x7275_736b),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- values and the reference evaluator -----------------------------------

/// One value, dynamically typed, as the reference evaluator sees it.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// An expression of the grammar: what is generated, then turned into a
/// rusk [`Expr`] and evaluated by [`eval`].
#[derive(Debug, Clone)]
enum E {
    Col(&'static str),
    Lit(V),
    Add(Box<E>, Box<E>),
    Mul(Box<E>, Box<E>),
    Cmp(Box<E>, Op, Box<E>),
    And(Box<E>, Box<E>),
    Or(Box<E>, Box<E>),
    Not(Box<E>),
    IsNull(Box<E>),
    IsIn(Box<E>, Vec<String>),
}

fn to_expr(e: &E) -> Expr {
    match e {
        E::Col(name) => col(*name),
        E::Lit(V::Null) => lit(None::<i64>),
        E::Lit(V::Int(v)) => lit(*v),
        E::Lit(V::Float(v)) => lit(*v),
        E::Lit(V::Str(v)) => lit(v.as_str()),
        E::Lit(V::Bool(v)) => lit(*v),
        E::Add(a, b) => to_expr(a) + to_expr(b),
        E::Mul(a, b) => to_expr(a) * to_expr(b),
        E::Cmp(a, op, b) => {
            let (a, b) = (to_expr(a), to_expr(b));
            match op {
                Op::Eq => a.eq(b),
                Op::Ne => a.ne(b),
                Op::Lt => a.lt(b),
                Op::Le => a.le(b),
                Op::Gt => a.gt(b),
                Op::Ge => a.ge(b),
            }
        }
        E::And(a, b) => to_expr(a) & to_expr(b),
        E::Or(a, b) => to_expr(a) | to_expr(b),
        E::Not(a) => !to_expr(a),
        E::IsNull(a) => to_expr(a).isnull(),
        E::IsIn(a, list) => to_expr(a).isin(list.iter().map(String::as_str)),
    }
}

/// A row of the reference: named values in column order.
type Row = Vec<(String, V)>;

fn get<'a>(row: &'a Row, name: &str) -> &'a V {
    &row.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no column {name} in {row:?}")).1
}

fn arith(a: V, b: V, int: fn(i64, i64) -> i64, float: fn(f64, f64) -> f64) -> V {
    match (a, b) {
        (V::Int(x), V::Int(y)) => V::Int(int(x, y)),
        (V::Int(x), V::Float(y)) => V::Float(float(x as f64, y)),
        (V::Float(x), V::Int(y)) => V::Float(float(x, y as f64)),
        (V::Float(x), V::Float(y)) => V::Float(float(x, y)),
        (V::Null, _) | (_, V::Null) => V::Null,
        (a, b) => panic!("the grammar does no arithmetic on {a:?} and {b:?}"),
    }
}

fn compare(a: V, op: Op, b: V) -> V {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (&a, &b) {
        (V::Null, _) | (_, V::Null) => return V::Null,
        (V::Int(x), V::Int(y)) => Some(x.cmp(y)),
        (V::Int(x), V::Float(y)) => (*x as f64).partial_cmp(y),
        (V::Float(x), V::Int(y)) => x.partial_cmp(&(*y as f64)),
        // IEEE, as pandas: -0.0 == 0.0.
        (V::Float(x), V::Float(y)) => x.partial_cmp(y),
        (V::Str(x), V::Str(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(y)),
        _ => panic!("the grammar does not compare {a:?} with {b:?}"),
    };
    let ord = ord.expect("no NaN in the grammar");
    V::Bool(match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
    })
}

fn truth(v: V) -> Option<bool> {
    match v {
        V::Null => None,
        V::Bool(b) => Some(b),
        other => panic!("not a boolean: {other:?}"),
    }
}

fn from_truth(v: Option<bool>) -> V {
    v.map_or(V::Null, V::Bool)
}

/// `e` on one row, with pandas' nullable semantics.
fn eval(e: &E, row: &Row) -> V {
    match e {
        E::Col(name) => get(row, name).clone(),
        E::Lit(v) => v.clone(),
        E::Add(a, b) => arith(eval(a, row), eval(b, row), i64::wrapping_add, |x, y| x + y),
        E::Mul(a, b) => arith(eval(a, row), eval(b, row), i64::wrapping_mul, |x, y| x * y),
        E::Cmp(a, op, b) => compare(eval(a, row), *op, eval(b, row)),
        // Kleene: false & null is false, true | null is true.
        E::And(a, b) => from_truth(match (truth(eval(a, row)), truth(eval(b, row))) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        }),
        E::Or(a, b) => from_truth(match (truth(eval(a, row)), truth(eval(b, row))) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        }),
        E::Not(a) => from_truth(truth(eval(a, row)).map(|b| !b)),
        E::IsNull(a) => V::Bool(eval(a, row) == V::Null),
        E::IsIn(a, list) => V::Bool(matches!(eval(a, row), V::Str(s) if list.contains(&s))),
    }
}

// ---- the frames -----------------------------------------------------------

/// A query: assigns in order (`with_column`), a filter, then a selection.
#[derive(Debug, Clone)]
struct Query {
    assigns: Vec<(&'static str, E)>,
    filter: E,
    select: Option<Vec<String>>,
}

/// Random data and a query over it.
#[derive(Debug, Clone)]
struct Case {
    /// The rows, cut into partitions (some empty, some of one row).
    parts: Vec<Vec<Row>>,
    query: Query,
}

impl Case {
    fn rows(&self) -> Vec<Row> {
        self.parts.concat()
    }
}

fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("i", DataType::Int64, true),
        Field::new("f", DataType::Float64, true),
        Field::new("s", DataType::Utf8, true),
        Field::new("b", DataType::Boolean, true),
    ]))
}

fn batch(rows: &[Row]) -> RecordBatch {
    let column = |name: &'static str| rows.iter().map(move |r| get(r, name).clone());
    let i: Int64Array = column("i").map(|v| if let V::Int(x) = v { Some(x) } else { None }).collect();
    let f: Float64Array = column("f").map(|v| if let V::Float(x) = v { Some(x) } else { None }).collect();
    let s: StringArray = column("s").map(|v| if let V::Str(x) = v { Some(x) } else { None }).collect();
    let b: BooleanArray = column("b").map(|v| if let V::Bool(x) = v { Some(x) } else { None }).collect();
    let columns: Vec<ArrayRef> = vec![Arc::new(i), Arc::new(f), Arc::new(s), Arc::new(b)];
    RecordBatch::try_new(schema(), columns).expect("a valid batch")
}

/// A frame of one partition per element of `parts`.
fn frame(parts: &[Vec<Row>]) -> DataFrame {
    rusk::from_batches(schema(), parts.iter().map(|p| batch(p)).collect()).expect("from_batches")
}

/// `rows` cut into `k` partitions as even as can be (empty ones when k > rows).
fn split(rows: &[Row], k: usize) -> Vec<Vec<Row>> {
    (0..k).map(|p| rows[p * rows.len() / k..(p + 1) * rows.len() / k].to_vec()).collect()
}

fn apply(df: &DataFrame, q: &Query) -> rusk::Result<DataFrame> {
    let mut df = df.clone();
    for (name, e) in &q.assigns {
        df = df.with_column(*name, to_expr(e))?;
    }
    df = df.filter(to_expr(&q.filter))?;
    if let Some(cols) = &q.select {
        df = df.select(cols.iter().map(String::as_str))?;
    }
    Ok(df)
}

/// The reference result: column names and rows.
fn reference(rows: &[Row], q: &Query) -> (Vec<String>, Vec<Vec<V>>) {
    let mut names: Vec<String> = ["i", "f", "s", "b"].map(String::from).to_vec();
    let mut out = Vec::new();
    for row in rows {
        let mut row = row.clone();
        for (name, e) in &q.assigns {
            let v = eval(e, &row);
            match row.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = v,
                None => row.push((name.to_string(), v)),
            }
        }
        if eval(&q.filter, &row) != V::Bool(true) {
            continue;
        }
        let kept: Vec<(String, V)> = match &q.select {
            Some(cols) => cols.iter().map(|c| (c.clone(), get(&row, c).clone())).collect(),
            None => row,
        };
        names = kept.iter().map(|(n, _)| n.clone()).collect();
        out.push(kept.into_iter().map(|(_, v)| v).collect());
    }
    if out.is_empty() {
        // No row to read the names from: derive them from the query.
        for (name, _) in &q.assigns {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        if let Some(cols) = &q.select {
            names = cols.clone();
        }
    }
    (names, out)
}

/// A computed frame's rows as reference values.
fn rows_of(df: &DataFrame) -> (Vec<String>, Vec<Vec<V>>) {
    let mut rows = Vec::new();
    for batch in df.batches() {
        for r in 0..batch.num_rows() {
            rows.push(batch.columns().iter().map(|a| value(a.as_ref(), r)).collect());
        }
    }
    (df.columns(), rows)
}

fn value(a: &dyn Array, i: usize) -> V {
    // A `NullArray` has no validity buffer: `is_null` says false for it.
    if a.is_null(i) || a.data_type() == &DataType::Null {
        return V::Null;
    }
    match a.data_type() {
        DataType::Int64 => V::Int(a.as_primitive::<Int64Type>().value(i)),
        DataType::Float64 => V::Float(a.as_primitive::<Float64Type>().value(i)),
        DataType::Utf8 => V::Str(a.as_string::<i32>().value(i).to_string()),
        DataType::LargeUtf8 => V::Str(a.as_string::<i64>().value(i).to_string()),
        DataType::Utf8View => V::Str(a.as_string_view().value(i).to_string()),
        DataType::Boolean => V::Bool(a.as_boolean().value(i)),
        // Parquet may hand back dictionary-encoded strings.
        DataType::Dictionary(_, values) => {
            let plain =
                rusk::arrow::compute::cast(&a.slice(i, 1), values).expect("a dictionary casts to its values");
            value(plain.as_ref(), 0)
        }
        other => panic!("unexpected result type {other}"),
    }
}

/// Computes `df`, or fails the property with rusk's error.
fn run(
    df: rusk::Result<DataFrame>,
    how: &str,
    cfg: Option<&Config>,
) -> Result<(Vec<String>, Vec<Vec<V>>), TestCaseError> {
    let df = df.map_err(|e| TestCaseError::fail(format!("{how}: building the query failed: {e}")))?;
    let computed = match cfg {
        Some(c) => df.compute_with(c),
        None => df.compute(),
    }
    .map_err(|e| TestCaseError::fail(format!("{how}: compute failed: {e}")))?;
    Ok(rows_of(&computed))
}

// ---- strategies -----------------------------------------------------------

fn string_value() -> impl Strategy<Value = String> {
    // "" is a value, not a null; "B" < "a" bytewise; "é" is two bytes.
    prop::sample::select(vec!["", "a", "ab", "b", "B", "é"]).prop_map(String::from)
}

fn float_value() -> impl Strategy<Value = f64> {
    // Quarters (exact), 0.1 (inexact) and -0.0, which pandas compares equal to 0.
    prop_oneof![(-16i32..=16).prop_map(|q| f64::from(q) / 4.0), Just(0.1), Just(-0.0)]
}

fn nullable<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Option<T>> {
    prop_oneof![1 => Just(None), 4 => s.prop_map(Some)].boxed()
}

fn row() -> impl Strategy<Value = Row> {
    (nullable(-5i64..=5), nullable(float_value()), nullable(string_value()), nullable(any::<bool>()))
        .prop_map(|(i, f, s, b)| {
            vec![
                ("i".to_string(), i.map_or(V::Null, V::Int)),
                ("f".to_string(), f.map_or(V::Null, V::Float)),
                ("s".to_string(), s.map_or(V::Null, V::Str)),
                ("b".to_string(), b.map_or(V::Null, V::Bool)),
            ]
        })
}

/// Partitions of 0, 1 or a few rows; at least one partition.
fn parts() -> impl Strategy<Value = Vec<Vec<Row>>> {
    let part = prop_oneof![
        1 => Just(0usize..1),
        1 => Just(1usize..2),
        3 => Just(2usize..12),
    ]
    .prop_flat_map(|n| prop::collection::vec(row(), n));
    prop::collection::vec(part, 1..7)
}

fn op() -> impl Strategy<Value = Op> {
    prop::sample::select(vec![Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge])
}

fn boxed2(a: E, b: E) -> (Box<E>, Box<E>) {
    (Box::new(a), Box::new(b))
}

/// Numeric expressions: columns `i`, `f` (and `x` once assigned),
/// literals (null too), `+` and `*`.
fn num(assigned: bool) -> BoxedStrategy<E> {
    let mut leaves: Vec<(u32, BoxedStrategy<E>)> = vec![
        (3, Just(E::Col("i")).boxed()),
        (3, Just(E::Col("f")).boxed()),
        (2, (-3i64..=3).prop_map(|v| E::Lit(V::Int(v))).boxed()),
        (2, float_value().prop_map(|v| E::Lit(V::Float(v))).boxed()),
        (1, Just(E::Lit(V::Null)).boxed()),
    ];
    if assigned {
        leaves.push((2, Just(E::Col("x")).boxed()));
    }
    Union::new_weighted(leaves)
        .prop_recursive(3, 8, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| {
                    let (a, b) = boxed2(a, b);
                    E::Add(a, b)
                }),
                (inner.clone(), inner).prop_map(|(a, b)| {
                    let (a, b) = boxed2(a, b);
                    E::Mul(a, b)
                }),
            ]
        })
        .boxed()
}

/// Integer expressions (to replace `i` and keep it int64).
fn int_num() -> BoxedStrategy<E> {
    prop_oneof![Just(E::Col("i")), (-3i64..=3).prop_map(|v| E::Lit(V::Int(v)))]
        .prop_recursive(2, 4, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Add(Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| E::Mul(Box::new(a), Box::new(b))),
            ]
        })
        .boxed()
}

/// Boolean expressions: comparisons of numbers, of `s` with a string, `b`
/// (and `y` once assigned), `isnull`, `isin`, and `&`, `|`, `~` of them.
fn pred(assigned: bool) -> BoxedStrategy<E> {
    let columns: Vec<&'static str> =
        if assigned { vec!["i", "f", "s", "b", "x", "y"] } else { vec!["i", "f", "s", "b"] };
    let mut leaves: Vec<(u32, BoxedStrategy<E>)> = vec![
        (
            6,
            (num(assigned), op(), num(assigned))
                .prop_map(|(a, o, b)| E::Cmp(Box::new(a), o, Box::new(b)))
                .boxed(),
        ),
        (
            3,
            (op(), string_value(), any::<bool>())
                .prop_map(|(o, v, flip)| {
                    let (s, v) = (Box::new(E::Col("s")), Box::new(E::Lit(V::Str(v))));
                    if flip {
                        E::Cmp(v, o, s)
                    } else {
                        E::Cmp(s, o, v)
                    }
                })
                .boxed(),
        ),
        (2, Just(E::Col("b")).boxed()),
        (
            1,
            any::<bool>()
                .prop_map(|v| E::Cmp(Box::new(E::Col("b")), Op::Eq, Box::new(E::Lit(V::Bool(v)))))
                .boxed(),
        ),
        (2, prop::sample::select(columns).prop_map(|c| E::IsNull(Box::new(E::Col(c)))).boxed()),
        (
            1,
            prop::collection::vec(string_value(), 0..3)
                .prop_map(|l| E::IsIn(Box::new(E::Col("s")), l))
                .boxed(),
        ),
    ];
    if assigned {
        leaves.push((2, Just(E::Col("y")).boxed()));
    }
    Union::new_weighted(leaves)
        .prop_recursive(3, 10, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| E::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Or(Box::new(a), Box::new(b))),
                inner.prop_map(|a| E::Not(Box::new(a))),
            ]
        })
        .boxed()
}

/// A query: with or without assigns (`i` replaced, `x` numeric, `y`
/// boolean), a filter, and sometimes a shuffled subset of the columns.
fn query() -> impl Strategy<Value = Query> {
    let plain = pred(false).prop_map(|filter| (Vec::new(), filter));
    let assigned =
        (prop::option::of(int_num()), num(false), pred(false), pred(true)).prop_map(|(i, x, y, filter)| {
            let mut assigns = Vec::new();
            if let Some(i) = i {
                assigns.push(("i", i));
            }
            assigns.push(("x", x));
            assigns.push(("y", y));
            (assigns, filter)
        });
    (prop_oneof![plain, assigned], any::<bool>(), any::<u64>()).prop_map(
        |((assigns, filter), select, seed)| {
            let select = select.then(|| {
                let mut cols: Vec<String> = ["i", "f", "s", "b"].map(String::from).to_vec();
                cols.extend(assigns.iter().map(|(n, _): &(&str, E)| n.to_string()).filter(|n| n != "i"));
                // A seeded shuffle and cut: 1..=all columns in some order.
                let mut state = seed;
                let mut next = || {
                    state =
                        state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    (state >> 33) as usize
                };
                for i in (1..cols.len()).rev() {
                    let j = next() % (i + 1);
                    cols.swap(i, j);
                }
                let keep = 1 + next() % cols.len();
                cols.truncate(keep);
                cols
            });
            Query { assigns, filter, select }
        },
    )
}

fn case() -> impl Strategy<Value = Case> {
    (parts(), query()).prop_map(|(parts, query)| Case { parts, query })
}

// ---- the properties -------------------------------------------------------

proptest! {
    #![proptest_config(proptest_config())]

    /// The reference's answer, whatever the partitioning and thread count.
    #[test]
    fn result_is_independent_of_partitioning_and_threads(case in case()) {
        let rows = case.rows();
        let want = reference(&rows, &case.query);
        let random = frame(&case.parts);

        let got = run(apply(&random, &case.query), "random partitions", None)?;
        prop_assert_eq!(&got, &want, "random partitions {:?}", case.parts.iter().map(Vec::len).collect::<Vec<_>>());
        for threads in THREADS {
            let cfg = Config::default().with_threads(threads);
            let got = run(apply(&random, &case.query), "threads", Some(&cfg))?;
            prop_assert_eq!(&got, &want, "threads={}", threads);
        }
        for k in NPARTITIONS {
            let got = run(apply(&frame(&split(&rows, k)), &case.query), "from_batches split", None)?;
            prop_assert_eq!(&got, &want, "from_batches into {} partitions", k);
            let repartitioned = random.repartition(k).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let got = run(apply(&repartitioned, &case.query), "repartition", None)?;
            prop_assert_eq!(&got, &want, "repartition({})", k);
        }
    }

    /// `head(n)` is the first n rows of the full result, `len()` its length,
    /// for every partitioning; a limit under an assign too.
    #[test]
    fn head_and_len_agree_with_the_full_result(case in case(), n in 0usize..30, k in prop::sample::select(NPARTITIONS.to_vec())) {
        let rows = case.rows();
        let (names, full) = reference(&rows, &case.query);
        for (how, df) in [("random", frame(&case.parts)), ("split", frame(&split(&rows, k)))] {
            let q = apply(&df, &case.query).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let len = q.len().map_err(|e| TestCaseError::fail(format!("len: {e}")))?;
            prop_assert_eq!(len, full.len(), "{} len", how);
            for m in [0, 1, n, full.len(), full.len() + 1] {
                let head = q.head(m).map_err(|e| TestCaseError::fail(format!("head({m}): {e}")))?;
                let want = (names.clone(), full[..m.min(full.len())].to_vec());
                prop_assert_eq!(rows_of(&head), want, "{} head({})", how, m);
                prop_assert!(head.batches().len() <= 1, "head is one partition");
            }
            // A limit that is not the last step: the general graph.
            let limited = q.limit(n).with_column("one", lit(1)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let (got_names, got) = run(Ok(limited), "limit then assign", None)?;
            prop_assert_eq!(got_names.last().map(String::as_str), Some("one"));
            let want: Vec<Vec<V>> = full[..n.min(full.len())].iter().map(|r| {
                let mut r = r.clone();
                r.push(V::Int(1));
                r
            }).collect();
            prop_assert_eq!(got, want, "{} limit({}) then assign", how, n);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..proptest_config() })]

    /// Pruning files by their statistics and pushing filters into the scan
    /// never changes the answer: the random partitions written as Parquet
    /// (one file each, with min/max statistics; empty and all-null files
    /// too) and read back give the reference's rows.
    #[test]
    fn parquet_pushdown_keeps_the_reference_result(case in case()) {
        let rows = case.rows();
        let want = reference(&rows, &case.query);
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let out = dir.path().join("data");
        frame(&case.parts).to_parquet(&out).map_err(|e| TestCaseError::fail(format!("to_parquet: {e}")))?;
        let back = rusk::read_parquet(&out).map_err(|e| TestCaseError::fail(format!("read_parquet: {e}")))?;
        prop_assert_eq!(back.npartitions(), case.parts.len());
        let got = run(apply(&back, &case.query), "parquet", None)?;
        prop_assert_eq!(got, want);
    }
}

// ---- the reference itself ------------------------------------------------

fn r(i: Option<i64>, f: Option<f64>, s: Option<&str>, b: Option<bool>) -> Row {
    vec![
        ("i".into(), i.map_or(V::Null, V::Int)),
        ("f".into(), f.map_or(V::Null, V::Float)),
        ("s".into(), s.map_or(V::Null, |s| V::Str(s.into()))),
        ("b".into(), b.map_or(V::Null, V::Bool)),
    ]
}

/// The reference gets pandas' null semantics right, so agreeing with it means something.
#[test]
fn reference_follows_pandas_null_semantics() {
    let null_row = r(None, None, None, None);
    let full = r(Some(2), Some(-0.0), Some(""), Some(true));
    let gt = |a: E, b: E| E::Cmp(Box::new(a), Op::Gt, Box::new(b));
    let one = E::Lit(V::Int(1));
    // null > 1 is null; null > 1 | b: null | true is true; & false is false.
    assert_eq!(eval(&gt(E::Col("i"), one.clone()), &null_row), V::Null);
    let or = E::Or(Box::new(gt(E::Col("i"), one.clone())), Box::new(E::Lit(V::Bool(true))));
    assert_eq!(eval(&or, &null_row), V::Bool(true));
    let and = E::And(Box::new(gt(E::Col("i"), one.clone())), Box::new(E::Lit(V::Bool(false))));
    assert_eq!(eval(&and, &null_row), V::Bool(false));
    assert_eq!(eval(&E::Not(Box::new(gt(E::Col("i"), one.clone()))), &null_row), V::Null);
    assert_eq!(eval(&E::IsNull(Box::new(E::Col("s"))), &null_row), V::Bool(true));
    assert_eq!(eval(&E::IsNull(Box::new(E::Col("s"))), &full), V::Bool(false), "'' is not null");
    assert_eq!(eval(&E::IsIn(Box::new(E::Col("s")), vec!["a".into()]), &null_row), V::Bool(false));
    // -0.0 == 0 (IEEE), 2 + -0.0 is a float.
    assert_eq!(
        eval(&E::Cmp(Box::new(E::Col("f")), Op::Eq, Box::new(E::Lit(V::Int(0)))), &full),
        V::Bool(true)
    );
    assert_eq!(eval(&E::Add(Box::new(E::Col("i")), Box::new(E::Col("f"))), &full), V::Float(2.0));
    let (names, rows) = reference(
        &[null_row, full],
        &Query {
            assigns: vec![("x", E::Mul(Box::new(E::Col("i")), Box::new(one)))],
            filter: E::Col("b"),
            select: None,
        },
    );
    assert_eq!(names, ["i", "f", "s", "b", "x"]);
    assert_eq!(rows.len(), 1, "a null predicate drops the row");
    assert_eq!(rows[0][4], V::Int(2));
}

/// A fixed case with every kind of partition, checked outside proptest so a
/// failure here reads plainly.
#[test]
fn empty_and_one_row_partitions_give_the_same_rows() {
    let rows = vec![
        r(Some(1), Some(0.5), Some("a"), Some(true)),
        r(None, Some(-0.0), None, Some(false)),
        r(Some(3), None, Some(""), None),
        r(Some(-2), Some(2.25), Some("b"), Some(true)),
    ];
    let parts = vec![vec![], rows[..1].to_vec(), vec![], rows[1..].to_vec(), vec![]];
    let q = Query {
        assigns: vec![("x", E::Add(Box::new(E::Col("i")), Box::new(E::Col("f"))))],
        filter: E::Or(Box::new(E::Col("b")), Box::new(E::IsNull(Box::new(E::Col("x"))))),
        select: Some(vec!["x".into(), "s".into()]),
    };
    let want = reference(&rows, &q);
    assert_eq!(want.1.len(), 4, "b true, or x null: {want:?}");
    for df in [frame(&parts), frame(&split(&rows, 16))] {
        let got = run(apply(&df, &q), "fixed", None).expect("runs");
        assert_eq!(got, want);
    }
}
