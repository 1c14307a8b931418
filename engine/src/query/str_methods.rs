//! `value.str.method(args)` in a query: pandas' string methods, with
//! pandas' argument names and defaults. Arguments are constants (a
//! pattern, a prefix, slice bounds), as pandas' are.

use rusk_ops::expr::{Expr, ScalarValue};

use super::lexer::{Sym, Tok, Token};
use super::methods::Arg;
use super::parser::{describe, Node, Parser, Result};

/// The `str` methods a query may call, listed in error messages.
pub(super) const STR_METHODS: &str = "len, lower, upper, strip, lstrip, rstrip, startswith, endswith, \
     contains, match, fullmatch, replace, slice";

/// Each method's parameters, in pandas' order.
fn parameters(method: &str) -> Option<&'static [&'static str]> {
    Some(match method {
        "len" | "lower" | "upper" => &[],
        "strip" | "lstrip" | "rstrip" => &["to_strip"],
        "startswith" | "endswith" => &["pat", "na"],
        "contains" => &["pat", "case", "na", "regex"],
        "match" | "fullmatch" => &["pat", "case", "na"],
        "replace" => &["pat", "repl", "n", "case", "regex"],
        "slice" => &["start", "stop", "step"],
        _ => return None,
    })
}

/// A call's arguments bound to their parameters.
struct Bound {
    values: Vec<(usize, Option<ScalarValue>)>,
}

impl Bound {
    fn get(&self, i: usize) -> Option<&ScalarValue> {
        self.values.get(i).and_then(|(_, v)| v.as_ref())
    }
}

impl Parser {
    /// After `value.str`: `.method(args)`.
    pub(super) fn str_method(&mut self, value: Node, accessor: &Token) -> Result<Node> {
        if !self.is_sym(Sym::Dot) {
            let found = self.peek().clone();
            return Err(self.unexpected(
                &found,
                format!("expected '.method(...)' after '.str', found {}", describe(&found)),
            ));
        }
        self.advance();
        let name = self.peek().clone();
        let Tok::Ident(method) = &name.tok else {
            return Err(self.unexpected(
                &name,
                format!("expected a str method after '.str.', found {}", describe(&name)),
            ));
        };
        let method = method.clone();
        let Some(params) = parameters(&method) else {
            return Err(
                self.error(name.pos, format!("unknown str method '{method}'; supported: {STR_METHODS}"))
            );
        };
        self.advance();
        if !self.is_sym(Sym::LParen) {
            let found = self.peek().clone();
            return Err(self.unexpected(
                &found,
                format!("expected '(' after 'str.{method}', found {}", describe(&found)),
            ));
        }
        let open = self.advance();
        let args = self.call_args(&format!("str.{method}"), &open)?;
        let bound = self.bind(&method, params, args)?;
        let expr = self.build_str(&method, value.expr, &bound).map_err(|e| self.error(name.pos, e))?;
        let _ = accessor;
        self.node(expr, value.depth, name.pos)
    }

    /// Binds positional and keyword arguments to `params`; each must be a
    /// constant.
    fn bind(&self, method: &str, params: &[&str], args: Vec<Arg>) -> Result<Bound> {
        let mut values: Vec<(usize, Option<ScalarValue>)> = vec![(0, None); params.len()];
        let mut seen = vec![false; params.len()];
        let mut positional = 0;
        for arg in args {
            let slot = match arg.name.as_deref() {
                None if positional < params.len() => {
                    positional += 1;
                    positional - 1
                }
                None => {
                    return Err(self
                        .error(arg.pos, format!("str.{method}() takes at most {} arguments", params.len())))
                }
                Some(name) => params.iter().position(|p| *p == name).ok_or_else(|| {
                    self.error(
                        arg.pos,
                        format!("str.{method}() has no argument '{name}' (it takes {})", params.join(", ")),
                    )
                })?,
            };
            if std::mem::replace(&mut seen[slot], true) {
                return Err(self.error(arg.pos, format!("str.{method}() got '{}' twice", params[slot])));
            }
            let Expr::Literal(value) = arg.value.expr else {
                return Err(
                    self.error(arg.pos, format!("str.{method}(): '{}' must be a constant", params[slot]))
                );
            };
            values[slot] = (arg.pos, Some(value));
        }
        Ok(Bound { values })
    }

    /// The expression of `value.str.method(bound)`.
    fn build_str(&self, method: &str, value: Expr, args: &Bound) -> std::result::Result<Expr, String> {
        let text = |i: usize, what: &str| match args.get(i) {
            Some(ScalarValue::Utf8(s)) => Ok(Some(s.clone())),
            None | Some(ScalarValue::Null) => Ok(None),
            Some(other) => Err(format!("str.{method}(): {what} must be a string, got {other}")),
        };
        let required = |i: usize, what: &str| text(i, what)?.ok_or(format!("str.{method}() needs {what}"));
        let flag = |i: usize, what: &str, default: bool| match args.get(i) {
            Some(ScalarValue::Boolean(b)) => Ok(*b),
            None => Ok(default),
            Some(other) => Err(format!("str.{method}(): {what} must be True or False, got {other}")),
        };
        let na = |i: usize| match args.get(i) {
            Some(ScalarValue::Boolean(b)) => Ok(Some(*b)),
            None | Some(ScalarValue::Null) => Ok(None),
            Some(other) => Err(format!("str.{method}(): na must be True, False or None, got {other}")),
        };
        let int = |i: usize, what: &str| match args.get(i) {
            Some(ScalarValue::Int64(v)) => Ok(Some(*v)),
            None | Some(ScalarValue::Null) => Ok(None),
            Some(other) => Err(format!("str.{method}(): {what} must be an integer, got {other}")),
        };
        let s = value.str();
        let err = |e: rusk_ops::Error| match e {
            rusk_ops::Error::InvalidArgument(message) => message,
            other => other.to_string(),
        };
        Ok(match method {
            "len" => s.len(),
            "lower" => s.lower(),
            "upper" => s.upper(),
            "strip" => s.strip(text(0, "to_strip")?.as_deref()),
            "lstrip" => s.lstrip(text(0, "to_strip")?.as_deref()),
            "rstrip" => s.rstrip(text(0, "to_strip")?.as_deref()),
            "startswith" => s.startswith(&required(0, "pat")?, na(1)?),
            "endswith" => s.endswith(&required(0, "pat")?, na(1)?),
            "contains" => s
                .contains(&required(0, "pat")?, flag(1, "case", true)?, flag(3, "regex", true)?, na(2)?)
                .map_err(err)?,
            "match" => s.r#match(&required(0, "pat")?, flag(1, "case", true)?, na(2)?).map_err(err)?,
            "fullmatch" => s.fullmatch(&required(0, "pat")?, flag(1, "case", true)?, na(2)?).map_err(err)?,
            "replace" => {
                // pandas' n=-1 means every occurrence.
                let n = match int(2, "n")? {
                    None | Some(-1) => None,
                    Some(n) => Some(
                        usize::try_from(n)
                            .map_err(|_| format!("str.replace(): n must be -1 or more, got {n}"))?,
                    ),
                };
                let (pat, repl) = (required(0, "pat")?, required(1, "repl")?);
                s.replace(&pat, &repl, n, flag(3, "case", true)?, flag(4, "regex", false)?).map_err(err)?
            }
            "slice" => s.slice(int(0, "start")?, int(1, "stop")?, int(2, "step")?).map_err(err)?,
            _ => return Err(format!("unknown str method '{method}'; supported: {STR_METHODS}")),
        })
    }
}
