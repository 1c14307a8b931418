//! pandas' `DataFrame.eval` assignment, `NAME = EXPR`: a column name (an
//! identifier or backticked) and either an expression in the query syntax
//! or, as the whole right side, one frame-order method call on a column
//! (`v.cumsum()`, `v.shift(2)`, `v.diff(periods=1)`,
//! `v.rolling(3).mean()`, `v.rolling('2h', on='ts').sum()`, ...).

use std::fmt;

use rusk_ops::expr::{Expr, ScalarValue};
use rusk_ops::window::{Closed, Cumulative, Rolling, WindowFunction, WindowSpec};

use super::lexer::{Sym, Tok, Token};
use super::methods::Arg;
use super::parser::{describe, reserved, Parser, Result, RESERVED};

/// The frame-order methods an assignment may call.
pub(super) const WINDOW_METHODS: &[&str] =
    &["cumsum", "cumprod", "cummax", "cummin", "shift", "diff", "pct_change", "rolling"];

/// The error for a frame-order method inside a larger expression.
pub(super) fn nested_window(method: &str) -> String {
    format!(
        "{method}() must be the whole right side of an assignment (NAME = column.{method}(...)): \
         assign it first and use that column in a second --eval"
    )
}

/// One parsed `NAME = EXPR`: see [`parse_eval`](super::parse_eval).
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The column assigned (added at the end, or replaced in place).
    pub name: String,
    /// What it is assigned.
    pub value: Assigned,
}

/// The right side of an [`Assignment`].
#[derive(Debug, Clone, PartialEq)]
pub enum Assigned {
    /// A row-wise expression, for [`DataFrame::assign`](crate::DataFrame::assign).
    Expr(Expr),
    /// A frame-order method, for [`DataFrame::assign_window`](crate::DataFrame::assign_window).
    Window(WindowSpec),
}

impl fmt::Display for Assigned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Assigned::Expr(e) => write!(f, "{e}"),
            // The column through `Expr`'s display: backticked when it is not an identifier.
            Assigned::Window(w) => write!(f, "{}.{}", Expr::Column(w.column.clone()), w.func.call()),
        }
    }
}

impl fmt::Display for Assignment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", Expr::Column(self.name.clone()), self.value)
    }
}

/// Parses `text` as `NAME = EXPR`.
pub(super) fn parse(text: &str) -> rusk_ops::Result<Assignment> {
    let mut parser = Parser::new(text);
    assignment(&mut parser).map_err(|e| e.into_error(text))
}

/// Words that read as something else than a column in a query.
fn is_keyword(word: &str) -> bool {
    matches!(word, "True" | "False" | "None" | "and" | "or" | "not" | "in") || RESERVED.contains(&word)
}

fn assignment(p: &mut Parser) -> Result<Assignment> {
    let target = p.peek().clone();
    let name = match &target.tok {
        Tok::Quoted(name) => name.clone(),
        Tok::Ident(word) if RESERVED.contains(&word.as_str()) => {
            return Err(p.error(target.pos, reserved(word)));
        }
        Tok::Ident(word) if !is_keyword(word) => word.clone(),
        Tok::Eof => return Err(p.error(target.pos, "empty assignment: expected NAME = EXPR")),
        _ => {
            return Err(p.unexpected(
                &target,
                format!(
                    "expected the name of the column to assign (NAME = EXPR), found {}",
                    describe(&target)
                ),
            ))
        }
    };
    p.advance();
    let eq = p.peek().clone();
    if eq.tok != Tok::Sym(Sym::Assign) {
        return Err(p.unexpected(
            &eq,
            format!(
                "expected '=' after {} (an assignment is NAME = EXPR), found {}",
                describe(&target),
                describe(&eq)
            ),
        ));
    }
    p.advance();
    let value = match window_call(p)? {
        Some(spec) => Assigned::Window(spec),
        None => {
            let node = p.or_expr()?;
            let next = p.peek().clone();
            if next.tok != Tok::Eof {
                return Err(p.trailing(&next));
            }
            Assigned::Expr(node.expr)
        }
    };
    Ok(Assignment { name, value })
}

/// `column.method(args)` followed by the end, if the next tokens start one.
fn window_call(p: &mut Parser) -> Result<Option<WindowSpec>> {
    let column = match &p.peek().tok {
        Tok::Quoted(name) => name.clone(),
        Tok::Ident(word) if !is_keyword(word) => word.clone(),
        _ => return Ok(None),
    };
    let method = match (&p.peek_at(1).tok, &p.peek_at(2).tok, &p.peek_at(3).tok) {
        (Tok::Sym(Sym::Dot), Tok::Ident(m), Tok::Sym(Sym::LParen))
            if WINDOW_METHODS.contains(&m.as_str()) =>
        {
            m.clone()
        }
        _ => return Ok(None),
    };
    p.advance();
    p.advance();
    let name = p.advance();
    let open = p.advance();
    let args = p.call_args(&method, &open)?;
    let func = if method == "rolling" {
        rolling(p, &column, name.pos, args)?
    } else {
        window_function(p, &method, &name, args)?
    };
    if p.peek().tok != Tok::Eof {
        return Err(p.error(name.pos, nested_window(&method)));
    }
    Ok(Some(WindowSpec { func, column }))
}

/// After `column.rolling(args)`: `.function()`, as pandas'
/// `rolling(window, min_periods=None, center=False, closed=None, on=None)`;
/// a window that is a string is a time span over the column `on`.
fn rolling(p: &mut Parser, column: &str, start: usize, args: Vec<Arg>) -> Result<WindowFunction> {
    let bound = p.bind("rolling", &["window", "min_periods", "center", "closed", "on"], args, None)?;
    let bad = |p: &Parser, what: String| p.error(start, format!("rolling(): {what}"));
    let mut window = match (bound.get(0), bound.get(4)) {
        // A positive i64 fits in usize on the platforms rusk runs on.
        (Some(ScalarValue::Int64(n)), None) if *n > 0 => crate::rolling(column, *n as usize),
        (Some(ScalarValue::Utf8(span)), Some(ScalarValue::Utf8(on))) => {
            crate::rolling_on(column, span, on).map_err(|e| bad(p, e.to_string()))?
        }
        (Some(ScalarValue::Utf8(_)), _) => return Err(bad(p, "a time span needs on='column'".into())),
        (None, _) => return Err(bad(p, "needs a window (rows, or a span with on=)".into())),
        (Some(other), _) => {
            return Err(bad(p, format!("the window must be a positive row count or a span, got {other}")))
        }
    };
    match bound.get(1) {
        // As the window.
        Some(ScalarValue::Int64(n)) if *n >= 0 => window = window.min_periods(*n as usize),
        None | Some(ScalarValue::Null) => {}
        Some(other) => return Err(bad(p, format!("min_periods must be a count, got {other}"))),
    }
    match bound.get(2) {
        Some(ScalarValue::Boolean(c)) => window = window.center(*c),
        None => {}
        Some(other) => return Err(bad(p, format!("center must be True or False, got {other}"))),
    }
    match bound.get(3) {
        Some(ScalarValue::Utf8(side)) => match Closed::from_name(side) {
            Some(closed) => window = window.closed(closed),
            None => return Err(bad(p, format!("closed must be right, left, both or neither, got {side:?}"))),
        },
        None | Some(ScalarValue::Null) => {}
        Some(other) => return Err(bad(p, format!("closed must be a string, got {other}"))),
    }
    if !p.is_sym(Sym::Dot) {
        return Err(bad(p, "a window needs its function: .mean(), .sum(), ...".into()));
    }
    p.advance();
    let name = p.advance();
    let func = match &name.tok {
        Tok::Ident(f) => Rolling::from_name(f),
        _ => None,
    };
    let Some(func) = func else {
        return Err(p.error(
            name.pos,
            format!(
                "rolling(...) has no function {}: use sum, mean, count, min, max, var, std or median",
                describe(&name)
            ),
        ));
    };
    let open = p.open_call("rolling function")?;
    let args = p.call_args(func.name(), &open)?;
    if let Some(arg) = args.first() {
        return Err(p.error(arg.pos, format!("rolling(...).{}() takes no arguments here", func.name())));
    }
    Ok(window.apply(func).func)
}

fn window_function(p: &Parser, method: &str, name: &Token, args: Vec<Arg>) -> Result<WindowFunction> {
    let cumulative = match method {
        "cumsum" => Some(Cumulative::Sum),
        "cumprod" => Some(Cumulative::Prod),
        "cummax" => Some(Cumulative::Max),
        "cummin" => Some(Cumulative::Min),
        _ => None,
    };
    if let Some(c) = cumulative {
        if let Some(arg) = args.first() {
            return Err(p.error(
                arg.pos,
                format!("{method}() takes no arguments here (pandas' axis and skipna are not supported)"),
            ));
        }
        return Ok(WindowFunction::Cumulative(c));
    }
    let mut periods: Option<i64> = None;
    for arg in &args {
        match arg.name.as_deref() {
            None | Some("periods") => {}
            Some(other) => {
                return Err(
                    p.error(arg.pos, format!("{method}() has no argument '{other}' here (it takes periods)"))
                )
            }
        }
        if periods.is_some() {
            return Err(p.error(arg.pos, format!("{method}() takes one argument, periods")));
        }
        // A negative number of periods looks ahead, as pandas'.
        let n = match &arg.value.expr {
            Expr::Literal(ScalarValue::Int64(n)) => Some(*n),
            Expr::Literal(ScalarValue::UInt64(n)) => i64::try_from(*n).ok(),
            _ => None,
        };
        let Some(n) = n else {
            return Err(p.error(
                arg.pos,
                format!("{method}() takes an integer number of periods, found {}", arg.value.expr),
            ));
        };
        periods = Some(n);
    }
    let n = periods.unwrap_or(1);
    match method {
        "shift" => Ok(WindowFunction::Shift(n)),
        "diff" => Ok(WindowFunction::Diff(n)),
        "pct_change" => Ok(WindowFunction::PctChange(n)),
        _ => Err(p.error(name.pos, format!("unknown method '{method}' (a bug in rusk)"))),
    }
}
