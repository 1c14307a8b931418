//! Method calls on a value: `isnull()`, `notnull()`, `isna()`, `notna()`,
//! `isin(list)`, `between(left, right, inclusive)`, the `.str` methods
//! (`str_methods`) and the `.dt` properties (`dt_methods`).

use rusk_ops::expr::{BinaryOp, Expr, ScalarValue};

use super::lexer::{Sym, Tok, Token};
use super::parser::{describe, Node, Parser, Result};

/// The methods a query may call, listed in error messages.
const METHODS: &str = "isnull, notnull, isna, notna, isin, between";

/// An argument of a method call: `value` or `name=value`.
pub(super) struct Arg {
    pub(super) name: Option<String>,
    pub(super) value: Node,
    pub(super) pos: usize,
}

impl Parser {
    pub(super) fn postfix(&mut self) -> Result<Node> {
        let mut node = self.atom()?;
        while self.is_sym(Sym::Dot) {
            self.advance();
            let name = self.peek().clone();
            let Tok::Ident(method) = &name.tok else {
                return Err(self.unexpected(
                    &name,
                    format!("expected a method name after '.', found {}", describe(&name)),
                ));
            };
            let method = method.clone();
            if method == "str" {
                self.advance();
                node = self.str_method(node, &name)?;
                continue;
            }
            if method == "dt" {
                self.advance();
                node = self.dt_method(node, &name)?;
                continue;
            }
            if super::eval::WINDOW_METHODS.contains(&method.as_str()) {
                return Err(self.error(name.pos, super::eval::nested_window(&method)));
            }
            if !matches!(method.as_str(), "isnull" | "isna" | "notnull" | "notna" | "isin" | "between") {
                return Err(self.error(name.pos, format!("unknown method '{method}'; supported: {METHODS}")));
            }
            self.advance();
            let open = self.open_call(&method)?;
            node = match method.as_str() {
                "isnull" | "isna" | "notnull" | "notna" => {
                    self.close_call(&method, &open, true)?;
                    let expr = Box::new(node.expr);
                    let expr =
                        if method.starts_with("is") { Expr::IsNull(expr) } else { Expr::IsNotNull(expr) };
                    self.node(expr, node.depth, name.pos)?
                }
                "isin" => {
                    let (list, _) = match self.peek().tok {
                        Tok::Sym(Sym::LBracket) => self.list(Sym::LBracket, Sym::RBracket)?,
                        Tok::Sym(Sym::LParen) => self.list(Sym::LParen, Sym::RParen)?,
                        _ => {
                            let found = self.peek().clone();
                            return Err(self.unexpected(
                                &found,
                                format!("isin() takes a list like [1, 2], found {}", describe(&found)),
                            ));
                        }
                    };
                    if self.is_sym(Sym::Comma) {
                        self.advance();
                    }
                    self.close_call(&method, &open, false)?;
                    self.node(
                        Expr::IsIn { expr: Box::new(node.expr), list, negated: false },
                        node.depth,
                        name.pos,
                    )?
                }
                _ => {
                    let args = self.call_args(&method, &open)?;
                    self.between(node, args, &name)?
                }
            };
        }
        Ok(node)
    }

    /// Expects the `(` of a call to `call` (e.g. `str.len`) and returns it.
    pub(super) fn open_call(&mut self, call: &str) -> Result<Token> {
        if !self.is_sym(Sym::LParen) {
            let found = self.peek().clone();
            return Err(
                self.unexpected(&found, format!("expected '(' after '{call}', found {}", describe(&found)))
            );
        }
        Ok(self.advance())
    }

    /// Expects the `)` of a call; `no_args` says the call takes none.
    fn close_call(&mut self, method: &str, open: &Token, no_args: bool) -> Result<()> {
        let next = self.peek().clone();
        match next.tok {
            Tok::Sym(Sym::RParen) => {
                self.advance();
                Ok(())
            }
            Tok::Eof => Err(self.error(open.pos, "unclosed '('")),
            _ if no_args => Err(self.unexpected(&next, format!("{method}() takes no arguments"))),
            _ => Err(self
                .unexpected(&next, format!("expected ')' to close {method}(), found {}", describe(&next)))),
        }
    }

    /// The arguments of a call, after its `(`, up to and including its `)`.
    pub(super) fn call_args(&mut self, method: &str, open: &Token) -> Result<Vec<Arg>> {
        let mut args = Vec::new();
        loop {
            if self.is_sym(Sym::RParen) {
                self.advance();
                return Ok(args);
            }
            let pos = self.peek().pos;
            let name = match (&self.peek().tok, &self.peek_at(1).tok) {
                (Tok::Ident(name), Tok::Sym(Sym::Assign)) => Some(name.clone()),
                _ => None,
            };
            if name.is_some() {
                self.advance();
                self.advance();
            }
            self.enter(pos)?;
            let value = self.or_expr()?;
            self.leave();
            args.push(Arg { name, value, pos });
            let next = self.peek().clone();
            match next.tok {
                Tok::Sym(Sym::Comma) => {
                    self.advance();
                }
                Tok::Sym(Sym::RParen) => {}
                Tok::Eof => return Err(self.error(open.pos, "unclosed '('")),
                _ => {
                    return Err(self.unexpected(
                        &next,
                        format!(
                            "expected ',' or ')' in the arguments of {method}(), found {}",
                            describe(&next)
                        ),
                    ))
                }
            }
        }
    }

    /// `between(left, right, inclusive='both')`, with pandas' argument names;
    /// an `inclusive` other than `'both'` becomes the two comparisons.
    fn between(&self, value: Node, args: Vec<Arg>, name: &Token) -> Result<Node> {
        let mut slots: [Option<Node>; 3] = [None, None, None];
        let mut positional = 0;
        for arg in args {
            let slot = match arg.name.as_deref() {
                None if positional < 3 => {
                    positional += 1;
                    positional - 1
                }
                None => return Err(self.error(arg.pos, "between() takes at most 3 arguments")),
                Some("left") => 0,
                Some("right") => 1,
                Some("inclusive") => 2,
                Some(other) => {
                    return Err(self.error(
                        arg.pos,
                        format!("between() has no argument '{other}' (it takes left, right, inclusive)"),
                    ))
                }
            };
            match slots.get_mut(slot) {
                Some(s @ None) => *s = Some(arg.value),
                _ => return Err(self.error(arg.pos, "between() got an argument twice")),
            }
        }
        let [Some(low), Some(high), inclusive] = slots else {
            return Err(self.error(name.pos, "between() takes two bounds: between(left, right)"));
        };
        let inclusive = match inclusive.map(|n| n.expr) {
            None => "both".to_string(),
            Some(Expr::Literal(ScalarValue::Utf8(s))) => s,
            Some(Expr::Literal(ScalarValue::Boolean(true))) => "both".to_string(),
            Some(Expr::Literal(ScalarValue::Boolean(false))) => "neither".to_string(),
            Some(_) => String::new(),
        };
        let (low_op, high_op) = match inclusive.as_str() {
            "both" => {
                let depth = value.depth.max(low.depth).max(high.depth);
                let expr = Expr::Between {
                    expr: Box::new(value.expr),
                    low: Box::new(low.expr),
                    high: Box::new(high.expr),
                };
                return self.node(expr, depth, name.pos);
            }
            "neither" => (BinaryOp::Gt, BinaryOp::Lt),
            "left" => (BinaryOp::GtEq, BinaryOp::Lt),
            "right" => (BinaryOp::Gt, BinaryOp::LtEq),
            _ => {
                return Err(
                    self.error(name.pos, "between(): inclusive must be 'both', 'neither', 'left' or 'right'")
                )
            }
        };
        let lower = self.binary(value.clone(), low_op, low, name.pos)?;
        let upper = self.binary(value, high_op, high, name.pos)?;
        self.binary(lower, BinaryOp::And, upper, name.pos)
    }
}
