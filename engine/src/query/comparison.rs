//! Comparisons: chains (`1 < a <= 5`), membership (`in`, `not in`, and
//! pandas' `==`/`!=` against a list) and the list literals they take.

use rusk_ops::expr::{BinaryOp, Expr, ScalarValue};

use super::lexer::{Sym, Tok, Token};
use super::parser::{describe, list_misplaced, Node, Parser, Result};

/// One side of a comparison: a value, or a list literal (`[1, 2]`, `(1, 2)`)
/// that only `in`, `not in`, `==` and `!=` accept.
#[derive(Debug, Clone)]
enum Operand {
    Value(Node),
    List(Vec<ScalarValue>, usize),
}

/// An operator of a comparison chain.
#[derive(Debug, Clone, Copy)]
enum CmpOp {
    Cmp(BinaryOp),
    In { negated: bool },
}

impl Parser {
    /// A chain `a < b <= c` means `a < b & b <= c`, as in Python.
    pub(super) fn comparison(&mut self) -> Result<Node> {
        let first = self.operand(false)?;
        let mut operands = vec![first];
        let mut ops: Vec<(CmpOp, Token)> = Vec::new();
        loop {
            let token = self.peek().clone();
            let op = match &token.tok {
                Tok::Sym(Sym::EqEq) => CmpOp::Cmp(BinaryOp::Eq),
                Tok::Sym(Sym::NotEq) => CmpOp::Cmp(BinaryOp::NotEq),
                Tok::Sym(Sym::Lt) => CmpOp::Cmp(BinaryOp::Lt),
                Tok::Sym(Sym::LtEq) => CmpOp::Cmp(BinaryOp::LtEq),
                Tok::Sym(Sym::Gt) => CmpOp::Cmp(BinaryOp::Gt),
                Tok::Sym(Sym::GtEq) => CmpOp::Cmp(BinaryOp::GtEq),
                Tok::Ident(word) if word == "in" => CmpOp::In { negated: false },
                Tok::Ident(word)
                    if word == "not" && matches!(&self.peek_at(1).tok, Tok::Ident(w) if w == "in") =>
                {
                    CmpOp::In { negated: true }
                }
                _ => break,
            };
            self.advance();
            let rhs = match op {
                CmpOp::In { negated } => {
                    self.advance_if_negated(negated);
                    self.list_after_in(negated)?
                }
                CmpOp::Cmp(BinaryOp::Eq | BinaryOp::NotEq) => self.operand(true)?,
                CmpOp::Cmp(_) => self.operand(false)?,
            };
            operands.push(rhs);
            ops.push((op, token));
        }
        if ops.is_empty() {
            return match operands.pop() {
                Some(Operand::Value(node)) => Ok(node),
                Some(Operand::List(_, pos)) => Err(self.error(pos, list_misplaced())),
                None => Err(self.error(0, "empty comparison (a bug in rusk)")),
            };
        }
        let mut result: Option<Node> = None;
        for (i, (op, token)) in ops.iter().enumerate() {
            let (Some(left), Some(right)) = (operands.get(i), operands.get(i + 1)) else {
                return Err(self.error(token.pos, "comparison without operands (a bug in rusk)"));
            };
            let pair = self.compare(left.clone(), *op, token, right.clone())?;
            result = Some(match result {
                None => pair,
                Some(acc) => self.binary(acc, BinaryOp::And, pair, token.pos)?,
            });
        }
        result.ok_or_else(|| self.error(0, "empty comparison (a bug in rusk)"))
    }

    fn advance_if_negated(&mut self, negated: bool) {
        if negated {
            self.advance();
        }
    }

    /// One link of a comparison chain; lists turn `==`/`!=`/`in` into `isin`,
    /// as pandas does (`a == [1, 2]` is `a.isin([1, 2])`).
    fn compare(&self, left: Operand, op: CmpOp, token: &Token, right: Operand) -> Result<Node> {
        let isin = |value: Node, list: Vec<ScalarValue>, negated: bool| {
            self.node(Expr::IsIn { expr: Box::new(value.expr), list, negated }, value.depth, token.pos)
        };
        match (left, op, right) {
            // pandas rewrites `==`/`!=` against a string literal into `isin`,
            // so `region != 'north'` keeps the rows where region is null
            // (`isin` is never null); the expression API keeps plain null logic.
            (Operand::Value(v), CmpOp::Cmp(op @ (BinaryOp::Eq | BinaryOp::NotEq)), Operand::Value(s))
            | (Operand::Value(s), CmpOp::Cmp(op @ (BinaryOp::Eq | BinaryOp::NotEq)), Operand::Value(v))
                if matches!(s.expr, Expr::Literal(ScalarValue::Utf8(_)))
                    && !matches!(v.expr, Expr::Literal(_)) =>
            {
                let Expr::Literal(value) = s.expr else {
                    return Err(self.error(token.pos, "expected a string literal (a bug in rusk)"));
                };
                isin(v, vec![value], op == BinaryOp::NotEq)
            }
            (Operand::Value(l), CmpOp::Cmp(op), Operand::Value(r)) => self.binary(l, op, r, token.pos),
            (Operand::Value(v), CmpOp::In { negated }, Operand::List(list, _)) => isin(v, list, negated),
            (
                Operand::Value(v),
                CmpOp::Cmp(op @ (BinaryOp::Eq | BinaryOp::NotEq)),
                Operand::List(list, _),
            )
            | (
                Operand::List(list, _),
                CmpOp::Cmp(op @ (BinaryOp::Eq | BinaryOp::NotEq)),
                Operand::Value(v),
            ) => isin(v, list, op == BinaryOp::NotEq),
            (Operand::List(..), _, Operand::List(_, pos)) => Err(self.error(pos, "cannot compare two lists")),
            (Operand::List(_, pos), CmpOp::In { .. }, _) => {
                Err(self.error(pos, "a list on the left of 'in' is not supported"))
            }
            (_, CmpOp::Cmp(op), _) => Err(self.error(
                token.pos,
                format!("'{}' cannot compare with a list (use 'in', 'not in', '==' or '!=')", op.symbol()),
            )),
            (_, CmpOp::In { .. }, Operand::Value(_)) => {
                Err(self.error(token.pos, "expected a list after 'in' (a bug in rusk)"))
            }
        }
    }

    /// A comparison operand: a `[...]` list, a `(a, b)` tuple when
    /// `tuples` (the right of `==`/`!=`), or an arithmetic expression.
    fn operand(&mut self, tuples: bool) -> Result<Operand> {
        if self.is_sym(Sym::LBracket) {
            let (list, pos) = self.list(Sym::LBracket, Sym::RBracket)?;
            return Ok(Operand::List(list, pos));
        }
        if tuples && self.is_sym(Sym::LParen) {
            // `(1, 2)` is a tuple, `(a + 1)` an expression: try the tuple,
            // and go back if it is not one (a tuple has a comma).
            let start = self.at;
            if let Ok((list, pos)) = self.list(Sym::LParen, Sym::RParen) {
                let tuple_tokens = self.tokens.get(start..self.at).unwrap_or_default();
                let has_comma = tuple_tokens.iter().any(|t| t.tok == Tok::Sym(Sym::Comma));
                if has_comma {
                    return Ok(Operand::List(list, pos));
                }
            }
            self.at = start;
        }
        Ok(Operand::Value(self.arith()?))
    }

    fn list_after_in(&mut self, negated: bool) -> Result<Operand> {
        let close = match self.peek().tok {
            Tok::Sym(Sym::LBracket) => Sym::RBracket,
            Tok::Sym(Sym::LParen) => Sym::RParen,
            _ => {
                let found = self.peek().clone();
                let kw = if negated { "not in" } else { "in" };
                return Err(self.unexpected(
                    &found,
                    format!("expected a list like [1, 2] after '{kw}', found {}", describe(&found)),
                ));
            }
        };
        let open = if close == Sym::RBracket { Sym::LBracket } else { Sym::LParen };
        let (list, pos) = self.list(open, close)?;
        Ok(Operand::List(list, pos))
    }

    /// A list or tuple of literals, from its opening bracket; returns the
    /// values and the bracket's position.
    pub(super) fn list(&mut self, open: Sym, close: Sym) -> Result<(Vec<ScalarValue>, usize)> {
        let open_token = self.advance();
        if open_token.tok != Tok::Sym(open) {
            return Err(self.error(open_token.pos, "list without its bracket (a bug in rusk)"));
        }
        let (open_text, close_text) = if close == Sym::RBracket { ("[", "]") } else { ("(", ")") };
        let mut values = Vec::new();
        loop {
            if self.is_sym(close) {
                self.advance();
                return Ok((values, open_token.pos));
            }
            values.push(self.literal()?);
            let next = self.peek().clone();
            match next.tok {
                Tok::Sym(Sym::Comma) => {
                    self.advance();
                }
                Tok::Sym(s) if s == close => {}
                Tok::Eof => return Err(self.error(open_token.pos, format!("unclosed '{open_text}'"))),
                _ => {
                    return Err(self.unexpected(
                        &next,
                        format!("expected ',' or '{close_text}' in the list, found {}", describe(&next)),
                    ))
                }
            }
        }
    }

    /// A list item: a number (with signs), a string, `True`, `False`, `None`.
    fn literal(&mut self) -> Result<ScalarValue> {
        let mut negative = false;
        let mut sign: Option<Token> = None;
        while self.is_sym(Sym::Minus) || self.is_sym(Sym::Plus) {
            let token = self.advance();
            negative ^= token.tok == Tok::Sym(Sym::Minus);
            sign = Some(token);
        }
        let token = self.peek().clone();
        let value = match (&token.tok, &sign) {
            (Tok::Int(v), _) => self.int_literal(*v, negative, token.pos)?,
            (Tok::Float(v), _) => ScalarValue::Float64(if negative { -v } else { *v }),
            (_, Some(s)) => {
                return Err(self.unexpected(
                    &token,
                    format!("expected a number after '{}', found {}", s.text, describe(&token)),
                ))
            }
            (Tok::Str(s), None) => ScalarValue::Utf8(s.clone()),
            (Tok::Ident(w), None) if w == "True" => ScalarValue::Boolean(true),
            (Tok::Ident(w), None) if w == "False" => ScalarValue::Boolean(false),
            (Tok::Ident(w), None) if w == "None" => ScalarValue::Null,
            _ => {
                return Err(self.unexpected(
                    &token,
                    format!(
                        "expected a literal (number, string, True, False or None) in the list, found {}",
                        describe(&token)
                    ),
                ))
            }
        };
        self.advance();
        Ok(value)
    }

    /// An integer literal: `Int64` when it fits, else `UInt64`, as
    /// [`ScalarValue`] documents; a negative one must fit in `Int64`.
    pub(super) fn int_literal(&self, v: u64, negative: bool, pos: usize) -> Result<ScalarValue> {
        if !negative {
            return Ok(ScalarValue::from(v));
        }
        match i64::try_from(v) {
            Ok(v) => Ok(ScalarValue::Int64(-v)),
            Err(_) if v == i64::MIN.unsigned_abs() => Ok(ScalarValue::Int64(i64::MIN)),
            Err(_) => Err(self.error(pos, format!("integer -{v} is too small (at least {})", i64::MIN))),
        }
    }
}
