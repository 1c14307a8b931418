//! Fuzzes the pandas `query` parser, on stable Rust (see `fuzz_common` for
//! the driver).
//!
//! ```text
//! cargo build --release --example fuzz_query
//! target/release/examples/fuzz_query 30m [SEED]
//! target/release/examples/fuzz_query repro SEED CASE
//! ```
//!
//! Each case is a query string: grammar-generated (columns `a` `b` `c` and
//! `` `d e` ``, `and or not & | ~`, chained comparisons, `in` lists,
//! methods, strings with quotes and escapes, backticks), a mutation of one,
//! random characters, or a deep nest or long flat chain (up to tens of
//! thousands of levels, around the parser's limits of 64 nested levels and
//! 500 tree levels). It is parsed, printed, and, when it parses, run as a
//! filter on a small in-memory frame of two partitions. An `Err` is fine; a
//! panic, a stack overflow or a hang is a failure. Cases run on a thread
//! with a 2 MiB stack, Rust's default for spawned threads, which is what the
//! parser's depth limits are sized for.

mod fuzz_common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use fuzz_common::{Rng, Target};
use rusk::query::parse_query;
use rusk::DataFrame;

fn main() {
    let frame = match frame() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("fuzz_query: cannot build the frame: {e}");
            std::process::exit(2);
        }
    };
    fuzz_common::main(QueryTarget { frame });
}

/// `a` Int64, `b` Float64, `c` Utf8, `d e` Boolean; nulls in each; two partitions.
fn frame() -> rusk::Result<DataFrame> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("a", DataType::Int64, true),
        Field::new("b", DataType::Float64, true),
        Field::new("c", DataType::Utf8, true),
        Field::new("d e", DataType::Boolean, true),
    ]));
    let batch = |a: Vec<Option<i64>>, b: Vec<Option<f64>>, c: Vec<Option<&str>>, d: Vec<Option<bool>>| {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(a)),
            Arc::new(Float64Array::from(b)),
            Arc::new(StringArray::from(c)),
            Arc::new(BooleanArray::from(d)),
        ];
        RecordBatch::try_new(Arc::clone(&schema), columns)
    };
    let first = batch(
        vec![Some(1), None, Some(-3)],
        vec![Some(1.5), Some(f64::NAN), None],
        vec![Some("x"), Some("it's"), None],
        vec![Some(true), None, Some(false)],
    )?;
    let second = batch(vec![Some(i64::MAX)], vec![Some(-0.0)], vec![Some("")], vec![Some(true)])?;
    rusk::from_batches(schema, vec![first, second])
}

struct QueryTarget {
    frame: DataFrame,
}

const COLUMNS: &[&str] =
    &["a", "b", "c", "`a`", "`d e`", "`c`", "nope", "`no pe`", "``", "`", "and_", "True_"];

const LITERALS: &[&str] = &[
    "1",
    "0",
    "-2",
    "1.5",
    ".5",
    "5.",
    "1e3",
    "1E-3",
    "1_000",
    "1__0",
    "1e400",
    "-1e400",
    "99999999999999999999",
    "-9223372036854775808",
    "9223372036854775807",
    "0x10",
    "0b1",
    "1j",
    "'x'",
    "\"y\"",
    "'it\\'s'",
    "\"a\\\"b\"",
    "'\\x41'",
    "'\\u00e9'",
    "'\\U0001F600'",
    "'\\N{EM DASH}'",
    "'\\z'",
    "'\\'",
    "''",
    "\"\"",
    "'''",
    "'unterminated",
    "\"unterminated",
    "'日本'",
    "r'raw'",
    "b'bytes'",
    "f'{a}'",
    "True",
    "False",
    "None",
    "@v",
    "nan",
    "inf",
];

const COMPARISONS: &[&str] = &["==", "!=", "<", "<=", ">", ">=", " in ", " not in ", "=", "<>", "=>", "is"];

const BOOL_OPS: &[&str] = &[" and ", " or ", " & ", " | ", "&", "|", " && ", " || ", " xor ", "^"];

const ARITH_OPS: &[&str] = &["+", "-", "*", "/", "//", "%", "**", "@"];

const METHODS: &[&str] = &[
    ".isnull()",
    ".isna()",
    ".notnull()",
    ".notna()",
    ".isin([1, 2])",
    ".isin(['x', None])",
    ".isin([])",
    ".isin(1)",
    ".between(1, 2)",
    ".between(1, 2, inclusive='neither')",
    ".between(1, 2, inclusive='both', x=1)",
    ".between('a', 'z', inclusive='sideways')",
    ".between()",
    ".str.contains('x')",
    ".dt.year",
    ".foo()",
    ".isnull",
    ".isnull(1)",
];

fn space(rng: &mut Rng) -> &'static str {
    rng.pick::<&str>(&["", " ", " ", "  ", "\t", "\n", " \r\n "])
}

fn list(rng: &mut Rng, depth: usize) -> String {
    let (open, close) = *rng.pick(&[("[", "]"), ("(", ")"), ("{", "}")]);
    let items: Vec<String> = (0..rng.below(5)).map(|_| operand(rng, depth.saturating_sub(1))).collect();
    let trailing = if rng.one_in(4) { "," } else { "" };
    format!("{open}{}{trailing}{close}", items.join(", "))
}

fn atom(rng: &mut Rng) -> String {
    if rng.one_in(2) {
        rng.pick(COLUMNS).to_string()
    } else {
        rng.pick(LITERALS).to_string()
    }
}

/// An arithmetic operand: atoms, method calls, unary signs, sums and products.
fn operand(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 {
        return atom(rng);
    }
    match rng.below(10) {
        0..=3 => atom(rng),
        4 => format!("{}{}", atom(rng), rng.pick(METHODS)),
        5 => format!("{}{}", rng.pick(&["-", "+", "~", "--", "not "]), operand(rng, depth - 1)),
        6 | 7 => format!(
            "{}{}{}{}{}",
            operand(rng, depth - 1),
            space(rng),
            rng.pick(ARITH_OPS),
            space(rng),
            operand(rng, depth - 1)
        ),
        8 => format!("({})", expr(rng, depth - 1)),
        _ => list(rng, depth),
    }
}

/// A query by pandas' grammar, mostly valid, `depth` levels at most.
fn expr(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 {
        return atom(rng);
    }
    match rng.below(10) {
        0 | 1 => {
            let ops = rng.range(1, 3);
            let mut out = expr(rng, depth - 1);
            for _ in 0..ops {
                out = format!("{out}{}{}", rng.pick(BOOL_OPS), expr(rng, depth - 1));
            }
            out
        }
        2 => format!("{}{}{}", rng.pick(&["not ", "~", "~ ", "not", "! "]), space(rng), expr(rng, depth - 1)),
        3..=5 => {
            // A comparison, chained sometimes.
            let mut out = operand(rng, depth - 1);
            let most = if rng.one_in(4) { 4 } else { 1 };
            for _ in 0..rng.range(1, most) {
                out = format!(
                    "{out}{}{}{}{}",
                    space(rng),
                    rng.pick(COMPARISONS),
                    space(rng),
                    operand(rng, depth - 1)
                );
            }
            out
        }
        6 => format!(
            "{} {} {}",
            operand(rng, depth - 1),
            rng.pick(&["in", "not in", "==", "!="]),
            list(rng, depth)
        ),
        7 => format!("({}{}{})", space(rng), expr(rng, depth - 1), space(rng)),
        8 => format!("{}{}", atom(rng), rng.pick(METHODS)),
        _ => operand(rng, depth),
    }
}

/// Deep nests and long flat chains, sized around the parser's limits.
fn deep(rng: &mut Rng) -> String {
    let n = match rng.below(8) {
        0 => *rng.pick(&[62, 63, 64, 65, 66]),
        1 => *rng.pick(&[498, 499, 500, 501, 502]),
        2 => rng.range(1, 100),
        3 => rng.range(100, 1_000),
        4 => rng.range(1_000, 20_000),
        5 if rng.one_in(10) => rng.range(20_000, 200_000),
        _ => rng.range(1, 600),
    };
    let rep = |s: &str| s.repeat(n);
    match rng.below(16) {
        0 => format!("{}a > 1{}", rep("("), rep(")")),
        1 => format!("{}a", rep("not ")),
        2 => format!("{}a", rep("~")),
        3 => format!("a == {}1", rep("-")),
        4 => format!("a{}", rep(" + a")),
        5 => format!("a > 1{}", rep(" | b < 2")),
        6 => format!("a > 1{}", rep(" and b < 2")),
        7 => format!("1{}", rep(" < a")),
        8 => format!("a in {}1{}", rep("["), rep("]")),
        9 => format!("a{}", rep(".isnull()")),
        10 => format!("{}a{}", rep("(not "), rep(")")),
        11 => format!("a == {}1{}", rep("(-"), rep(")")),
        12 => format!("a.between({}1{}, 2)", rep("("), rep(")")),
        13 => format!("{}1{} > a", rep("(a * "), rep(")")),
        14 => format!("a > 1{}", rep(" & (b < 2")) + &rep(")"),
        _ => {
            // Unbalanced: the error must come without walking off the stack.
            format!("{}a", rep(rng.pick::<&str>(&["(", "[", "not (", "a.isin(["])))
        }
    }
}

/// Characters random queries are drawn from.
const ALPHABET: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'i', 'n', 'o', 't', 'r', 's', ' ', '(', ')', '[', ']', '{', '}', '\'', '"', '`',
    '~', '&', '|', '!', '=', '<', '>', '.', ',', '+', '-', '*', '/', '%', '@', '0', '1', '9', '_', 'E', '\\',
    '\n', '\t', '#', ':', ';', '$', '^', 'é', '日', '\0', '\u{feff}', '\u{300}', '😀',
];

fn mutate(rng: &mut Rng, text: &mut Vec<char>) {
    let at = rng.below(text.len() + 1);
    match rng.below(6) {
        0 => {
            let end = (at + rng.range(1, 8)).min(text.len());
            text.drain(at..end);
        }
        1 => {
            let token: Vec<char> = atom(rng).chars().collect();
            text.splice(at..at, token);
        }
        2 => text.insert(at, *rng.pick(ALPHABET)),
        3 => {
            let end = (at + rng.range(1, 20)).min(text.len());
            let span: Vec<char> = text[at..end].to_vec();
            let to = rng.below(text.len() + 1);
            text.splice(to..to, span);
        }
        4 => text.truncate(at),
        _ => {
            if at < text.len() {
                text[at] = *rng.pick(ALPHABET);
            }
        }
    }
}

impl Target for QueryTarget {
    type Case = String;

    fn name(&self) -> &'static str {
        "fuzz_query"
    }

    fn generate(&self, rng: &mut Rng) -> String {
        match rng.below(10) {
            0..=3 => {
                let depth = rng.range(1, 6);
                expr(rng, depth)
            }
            4..=6 => {
                let depth = rng.range(1, 5);
                let mut text: Vec<char> = expr(rng, depth).chars().collect();
                for _ in 0..rng.range(1, 5) {
                    mutate(rng, &mut text);
                }
                text.into_iter().collect()
            }
            7 => (0..rng.below(40)).map(|_| *rng.pick(ALPHABET)).collect(),
            _ => deep(rng),
        }
    }

    fn run(&self, query: &String, _work: &Path) -> Result<(), String> {
        match parse_query(query) {
            Ok(expr) => {
                // Printing walks the whole tree too.
                let _shown = expr.to_string();
                if let Ok(filtered) = self.frame.query(query) {
                    let _ = filtered.collect();
                }
            }
            Err(e) => {
                let _shown = e.to_string();
            }
        }
        Ok(())
    }

    fn save(&self, query: &String, stem: &Path) -> std::io::Result<Vec<PathBuf>> {
        let path = stem.with_extension("query.txt");
        std::fs::write(&path, query)?;
        Ok(vec![path])
    }

    fn stack_size(&self) -> usize {
        2 << 20
    }
}
