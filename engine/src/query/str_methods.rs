//! `value.str.method(args)` in a query: pandas' string methods, with
//! pandas' argument names and defaults. Arguments are constants (a
//! pattern, a prefix, slice bounds), as pandas' are, but for `cat`'s
//! `others`, another string expression. `split` must be followed by
//! `.str.get(i)` or `.str[i]` (rusk has no list columns); `value.str[i]` is
//! `value.str.get(i)`.

use rusk_ops::expr::function::PadSide;
use rusk_ops::expr::{Expr, ScalarValue};

use super::lexer::{Sym, Tok, Token};
use super::methods::Arg;
use super::parser::{describe, Node, Parser, Result};

/// The `str` methods a query may call, listed in error messages.
pub(super) const STR_METHODS: &str = "len, lower, upper, strip, lstrip, rstrip, startswith, endswith, \
     contains, match, fullmatch, replace, slice, get, split (then .str.get(i)), pad, center, ljust, rjust, \
     zfill, cat, extract";

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
        "get" => &["i"],
        "split" => &["pat", "n", "expand", "regex"],
        "pad" => &["width", "side", "fillchar"],
        "center" | "ljust" | "rjust" => &["width", "fillchar"],
        "zfill" => &["width"],
        "cat" => &["others", "sep", "na_rep"],
        "extract" => &["pat", "flags", "expand"],
        _ => return None,
    })
}

/// A call's arguments bound to their parameters.
pub(super) struct Bound {
    values: Vec<(usize, Option<ScalarValue>)>,
    /// The argument of the one parameter that takes an expression, if any.
    expr: Option<Expr>,
}

impl Bound {
    pub(super) fn get(&self, i: usize) -> Option<&ScalarValue> {
        self.values.get(i).and_then(|(_, v)| v.as_ref())
    }
}

impl Parser {
    /// After `value.str`: `.method(args)`.
    pub(super) fn str_method(&mut self, value: Node, accessor: &Token) -> Result<Node> {
        if self.is_sym(Sym::LBracket) {
            let index = self.str_index("str[]")?;
            return self.node(value.expr.str().get(index), value.depth, accessor.pos);
        }
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
        let open = self.open_call(&format!("str.{method}"))?;
        let args = self.call_args(&format!("str.{method}"), &open)?;
        if method == "split" {
            // pandas: split(pat=None, *, n=-1, expand=False, regex=None).
            if let Some(extra) = args.iter().filter(|a| a.name.is_none()).nth(1) {
                return Err(self.error(
                    extra.pos,
                    "str.split() takes one positional argument, pat (n, expand and regex are keyword-only)",
                ));
            }
        }
        let others = (method == "cat").then_some(0);
        let bound = self.bind(&format!("str.{method}"), params, args, others)?;
        let index = if method == "split" { Some(self.split_index()?) } else { None };
        let column = if method == "extract" && self.is_sym(Sym::LBracket) {
            Some(self.extract_column()?)
        } else {
            None
        };
        let expr = self
            .build_str(&method, value.expr, &bound, index, column)
            .map_err(|e| self.error(name.pos, e))?;
        self.node(expr, value.depth, name.pos)
    }

    /// After `split(...)`: `.str.get(i)` or `.str[i]`, the piece's index.
    fn split_index(&mut self) -> Result<i64> {
        let next = self.peek().clone();
        let is_str = matches!(&self.peek_at(1).tok, Tok::Ident(name) if name == "str");
        if !(self.is_sym(Sym::Dot) && is_str) {
            return Err(self.unexpected(
                &next,
                "str.split() must be followed by .str.get(i) or .str[i] (rusk has no list columns)",
            ));
        }
        self.advance();
        self.advance();
        if self.is_sym(Sym::LBracket) {
            return self.str_index("str[]");
        }
        let get = self.peek_at(1).clone();
        if !(self.is_sym(Sym::Dot) && matches!(&get.tok, Tok::Ident(name) if name == "get")) {
            let found = self.peek().clone();
            return Err(self.unexpected(
                &found,
                "str.split() must be followed by .str.get(i) or .str[i] (rusk has no list columns)",
            ));
        }
        self.advance();
        self.advance();
        let open = self.open_call("str.get")?;
        let args = self.call_args("str.get", &open)?;
        let bound = self.bind("str.get", &["i"], args, None)?;
        match bound.get(0) {
            Some(ScalarValue::Int64(i)) => Ok(*i),
            _ => Err(self.error(get.pos, "str.get() needs an integer i")),
        }
    }

    /// `[0]` or `['name']` after `extract(...)`: a column of the frame
    /// pandas makes, by position or group name.
    fn extract_column(&mut self) -> Result<String> {
        let (column, pos) = self.subscript("the column")?;
        match column {
            Expr::Literal(ScalarValue::Int64(i)) => Ok(i.to_string()),
            Expr::Literal(ScalarValue::Utf8(name)) => Ok(name),
            _ => Err(self.error(pos, "str.extract()[]: the column must be an integer or a group name")),
        }
    }

    /// `[i]` after `.str`: a constant integer index.
    fn str_index(&mut self, what: &str) -> Result<i64> {
        let (index, pos) = self.subscript("the index")?;
        match index {
            Expr::Literal(ScalarValue::Int64(i)) => Ok(i),
            _ => Err(self.error(pos, format!("{what}: the index must be an integer constant"))),
        }
    }

    /// `[expr]`, the current token being `[`: the expression and where it
    /// starts. `inside` names it in the error for a missing `]`.
    fn subscript(&mut self, inside: &str) -> Result<(Expr, usize)> {
        let open = self.advance();
        let pos = self.peek().pos;
        self.enter(pos)?;
        let value = self.or_expr()?;
        self.leave();
        let close = self.peek().clone();
        match close.tok {
            Tok::Sym(Sym::RBracket) => {
                self.advance();
                Ok((value.expr, pos))
            }
            Tok::Eof => Err(self.error(open.pos, "unclosed '['")),
            _ => {
                Err(self
                    .unexpected(&close, format!("expected ']' after {inside}, found {}", describe(&close))))
            }
        }
    }

    /// Binds positional and keyword arguments to `params` of `method`
    /// (`str.strip`); each must be a constant, but the one of slot `expr`.
    pub(super) fn bind(
        &self,
        method: &str,
        params: &[&str],
        args: Vec<Arg>,
        expr: Option<usize>,
    ) -> Result<Bound> {
        let mut bound_expr = None;
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
                    return Err(
                        self.error(arg.pos, format!("{method}() takes at most {} arguments", params.len()))
                    )
                }
                Some(name) => params.iter().position(|p| *p == name).ok_or_else(|| {
                    self.error(
                        arg.pos,
                        format!("{method}() has no argument '{name}' (it takes {})", params.join(", ")),
                    )
                })?,
            };
            if std::mem::replace(&mut seen[slot], true) {
                return Err(self.error(arg.pos, format!("{method}() got '{}' twice", params[slot])));
            }
            if expr == Some(slot) {
                bound_expr = Some(arg.value.expr);
                continue;
            }
            let Expr::Literal(value) = arg.value.expr else {
                return Err(self.error(arg.pos, format!("{method}(): '{}' must be a constant", params[slot])));
            };
            values[slot] = (arg.pos, Some(value));
        }
        Ok(Bound { values, expr: bound_expr })
    }

    /// The expression of `value.str.method(bound)`.
    fn build_str(
        &self,
        method: &str,
        value: Expr,
        args: &Bound,
        index: Option<i64>,
        column: Option<String>,
    ) -> std::result::Result<Expr, String> {
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
        let width = |i: usize| match args.get(i) {
            Some(ScalarValue::Int64(v)) => {
                usize::try_from(*v).map_err(|_| format!("str.{method}(): width must be 0 or more, got {v}"))
            }
            None => Err(format!("str.{method}() needs width")),
            Some(other) => Err(format!("str.{method}(): width must be an integer, got {other}")),
        };
        let fillchar = |i: usize| match text(i, "fillchar")? {
            None => Ok(' '),
            Some(c) => {
                let mut chars = c.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Ok(c),
                    _ => Err(format!("str.{method}(): fillchar must be one character, got {c:?}")),
                }
            }
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
            "get" => s.get(int(0, "i")?.ok_or("str.get() needs i")?),
            "split" => {
                if flag(2, "expand", false)? {
                    return Err("str.split(): expand=True (a frame) is not supported".into());
                }
                // pandas: None, 0 and -1 split everywhere.
                let n = match int(1, "n")? {
                    None | Some(0 | -1) => None,
                    Some(n) => Some(
                        usize::try_from(n)
                            .map_err(|_| format!("str.split(): n must be -1 or more, got {n}"))?,
                    ),
                };
                let regex = match args.get(3) {
                    Some(ScalarValue::Boolean(b)) => Some(*b),
                    None | Some(ScalarValue::Null) => None,
                    Some(other) => {
                        return Err(format!("str.split(): regex must be True, False or None, got {other}"))
                    }
                };
                let index = index.ok_or("str.split() needs .str.get(i)")?;
                s.split_get(text(0, "pat")?.as_deref(), n, regex, index).map_err(err)?
            }
            "pad" => {
                let side = match text(1, "side")?.as_deref() {
                    None | Some("left") => PadSide::Left,
                    Some("right") => PadSide::Right,
                    Some("both") => PadSide::Both,
                    Some(other) => {
                        return Err(format!(
                            "str.pad(): side must be 'left', 'right' or 'both', got {other:?}"
                        ))
                    }
                };
                s.pad(width(0)?, side, fillchar(2)?)
            }
            "center" => s.center(width(0)?, fillchar(1)?),
            "ljust" => s.ljust(width(0)?, fillchar(1)?),
            "rjust" => s.rjust(width(0)?, fillchar(1)?),
            "zfill" => s.zfill(width(0)?),
            "cat" => {
                let others = args.expr.clone().ok_or("str.cat() needs others (a string column)")?;
                if matches!(others, Expr::Literal(_)) {
                    return Err("str.cat(): others must be a column, not a constant".into());
                }
                s.cat(others, &text(1, "sep")?.unwrap_or_default(), text(2, "na_rep")?.as_deref())
            }
            "extract" => {
                match args.get(1) {
                    None | Some(ScalarValue::Int64(0)) => {}
                    Some(_) => return Err("str.extract(): flags are not supported".into()),
                }
                let pat = required(0, "pat")?;
                match column {
                    // pandas' frame, then one of its columns.
                    Some(column) => s.extract_column(&pat, &column).map_err(err)?,
                    None if flag(2, "expand", false)? => {
                        return Err("str.extract(): expand=True makes a frame; pick a column: \
                                    s.str.extract(pat)[0] (or ['name'])"
                            .into())
                    }
                    None => s.extract(&pat).map_err(err)?,
                }
            }
            _ => return Err(format!("unknown str method '{method}'; supported: {STR_METHODS}")),
        })
    }
}
