//! A recursive-descent parser over the lexer's tokens, one function per
//! precedence level of pandas' query parser (loosest first):
//!
//! ```text
//! or_expr    := and_expr (('or' | '|') and_expr)*
//! and_expr   := not_expr (('and' | '&') not_expr)*
//! not_expr   := ('not' | '~') not_expr | comparison
//! comparison := operand ((== != < <= > >= | 'in' | 'not in') operand)*   chained
//! arith      := term (('+' | '-') term)*
//! term       := unary (('*' | '/' | '//' | '%') unary)*
//! unary      := ('-' | '+' | '~') unary | postfix    ('**' is rejected here)
//! postfix    := atom ('.' method '(' args ')')*
//! atom       := number | string | True | False | None | name | `name` | '(' or_expr ')'
//!             | timedelta '(' args ')'
//! ```
//!
//! The comparison level lives in `comparison.rs`, method calls in
//! `methods.rs`; this file has the state, the other levels and the atoms.
//! Each function returns a [`Node`]: the expression and its tree depth, so
//! that a query like `a + a + a + ...` cannot build a tree deep enough to
//! overflow the stack of whoever walks it later (printing, optimizing,
//! evaluating all recurse).

use rusk_ops::expr::{BinaryOp, Expr, ScalarValue};
use rusk_ops::Error;

use super::lexer::{tokenize, Sym, Tok, Token};

/// Most nested parentheses, unary operators and call arguments. Each level
/// recurses through every precedence function, about 14 KiB of stack per
/// level in a debug build (measured), so 64 levels stay under 1 MiB of a
/// 2 MiB thread stack; hand-written queries nest a handful of levels.
const MAX_NESTING: usize = 64;

/// Deepest expression tree accepted; the engine's recursive walks (display,
/// rules, evaluation) stay well within a 2 MiB thread stack at this depth,
/// and a chain of 500 `|` terms is already longer than any real query.
const MAX_DEPTH: usize = 500;

/// Terms of an `and`/`or` chain grouped from the left, as pandas (and
/// `explain`) show them; longer chains are balanced (see `Parser::chain`).
const LEFT_CHAIN_TERMS: usize = 32;

/// Names Python reserves that mean nothing in a query: rejected with a hint
/// to backtick-quote a column of that name rather than read as a column.
pub(super) const RESERVED: &[&str] = &[
    "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
    "finally", "for", "from", "global", "if", "import", "is", "lambda", "nonlocal", "pass", "raise",
    "return", "try", "while", "with", "yield",
];

/// Parses a whole query (see the module docs for the grammar).
pub(super) fn parse(query: &str) -> rusk_ops::Result<Expr> {
    let mut parser = Parser::new(query);
    let parsed = if parser.peek().tok == Tok::Eof {
        Err(parser.error(0, "empty query"))
    } else {
        parser.or_expr().and_then(|node| {
            let next = parser.peek().clone();
            match next.tok {
                Tok::Eof => Ok(node.expr),
                _ => Err(parser.trailing(&next)),
            }
        })
    };
    parsed.map_err(|e| e.into_error(query))
}

/// A syntax error's position and message, boxed: the `Result`s returned up
/// through every precedence level stay one pointer wide, which keeps the
/// frames of deeply nested queries small (rusk's `Error` is over 100 bytes,
/// and debug builds give every temporary its own stack slot).
pub(super) struct SyntaxError(Box<(usize, String)>);

impl SyntaxError {
    /// rusk's error for this one in `text`.
    pub(super) fn into_error(self, text: &str) -> Error {
        let (position, message) = *self.0;
        Error::QuerySyntax { query: text.to_string(), position, message }
    }
}

pub(super) type Result<T> = std::result::Result<T, SyntaxError>;

/// An expression and the depth of its tree (a leaf is 1).
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) expr: Expr,
    pub(super) depth: usize,
}

impl Node {
    pub(super) fn leaf(expr: Expr) -> Self {
        Node { expr, depth: 1 }
    }
}

/// The parser's state; its grammar functions are spread over this file,
/// `comparison.rs` and `methods.rs`.
pub(super) struct Parser {
    pub(super) tokens: Vec<Token>,
    /// Index of the next token; never past the last one.
    pub(super) at: usize,
    /// Current nesting of parentheses, unary operators and arguments.
    nesting: usize,
    /// Returned by `peek` should `at` ever point past the tokens.
    end: Token,
}

impl Parser {
    pub(super) fn new(query: &str) -> Self {
        let end = Token { tok: Tok::Eof, pos: query.chars().count(), text: String::new() };
        Parser { tokens: tokenize(query), at: 0, nesting: 0, end }
    }

    pub(super) fn peek(&self) -> &Token {
        self.tokens.get(self.at).unwrap_or(&self.end)
    }

    pub(super) fn peek_at(&self, ahead: usize) -> &Token {
        self.tokens.get(self.at + ahead).unwrap_or(&self.end)
    }

    /// The token before the next one, if any (the operator a missing value follows).
    fn previous(&self) -> Option<&Token> {
        self.at.checked_sub(1).and_then(|i| self.tokens.get(i))
    }

    /// Consumes the next token; the last one (end or invalid) is never passed.
    pub(super) fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
        token
    }

    pub(super) fn is_sym(&self, sym: Sym) -> bool {
        self.peek().tok == Tok::Sym(sym)
    }

    pub(super) fn is_keyword(&self, word: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(name) if name == word)
    }

    pub(super) fn error(&self, position: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError(Box::new((position, message.into())))
    }

    /// The error for `token` where something else was wanted: the lexer's
    /// own message when the token is not readable at all, else `message`.
    pub(super) fn unexpected(&self, token: &Token, message: impl Into<String>) -> SyntaxError {
        match &token.tok {
            Tok::Invalid(why) => self.error(token.pos, why.clone()),
            _ => self.error(token.pos, message),
        }
    }

    pub(super) fn expected_value(&self, found: &Token) -> SyntaxError {
        let message = match (self.previous(), &found.tok) {
            (Some(op), Tok::Eof) => format!("expected a value after '{}'", op.text),
            (Some(op), _) => format!("expected a value after '{}', found {}", op.text, describe(found)),
            (None, _) => format!("expected a value, found {}", describe(found)),
        };
        self.unexpected(found, message)
    }

    pub(super) fn trailing(&self, token: &Token) -> SyntaxError {
        let message = match &token.tok {
            Tok::Sym(Sym::RParen) => "unexpected ')'".to_string(),
            Tok::Sym(Sym::Assign) => "unexpected '=' (use '==' to compare)".to_string(),
            Tok::Ident(word) if RESERVED.contains(&word.as_str()) => reserved(word),
            Tok::Ident(word) if is_miscased_keyword(word) => {
                format!("trailing input: unexpected '{word}' (did you mean '{}'?)", word.to_lowercase())
            }
            _ => format!("trailing input: unexpected {}", describe(token)),
        };
        self.unexpected(token, message)
    }

    pub(super) fn enter(&mut self, pos: usize) -> Result<()> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(
                self.error(pos, format!("query is nested too deeply (more than {MAX_NESTING} levels)"))
            );
        }
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    /// A node over children of the given depths, refused beyond [`MAX_DEPTH`].
    pub(super) fn node(&self, expr: Expr, child_depth: usize, pos: usize) -> Result<Node> {
        let depth = child_depth + 1;
        if depth > MAX_DEPTH {
            return Err(self.error(pos, format!("query is nested too deeply (more than {MAX_DEPTH} levels)")));
        }
        Ok(Node { expr, depth })
    }

    pub(super) fn binary(&self, left: Node, op: BinaryOp, right: Node, pos: usize) -> Result<Node> {
        let depth = left.depth.max(right.depth);
        self.node(Expr::binary(left.expr, op, right.expr), depth, pos)
    }

    // ---- boolean levels ----

    pub(super) fn or_expr(&mut self) -> Result<Node> {
        self.chain(BinaryOp::Or, |p| p.is_keyword("or") || p.is_sym(Sym::Pipe), Parser::and_expr)
    }

    fn and_expr(&mut self) -> Result<Node> {
        self.chain(BinaryOp::And, |p| p.is_keyword("and") || p.is_sym(Sym::Amp), Parser::not_expr)
    }

    /// `operand (op operand)*` for an associative `op` (`and`, `or`), read
    /// in a loop: a flat chain is not nesting, so its length is not limited
    /// by [`MAX_NESTING`] or [`MAX_DEPTH`]. Up to [`LEFT_CHAIN_TERMS`] terms
    /// group from the left as pandas does, `((a | b) | c)`; a longer chain
    /// (a generated `a == 1 or a == 2 or ...`) is built as a balanced tree,
    /// whose depth grows with the logarithm of its length. Kleene `and` and
    /// `or` are associative, so both shapes give the same values.
    fn chain(
        &mut self,
        op: BinaryOp,
        is_op: fn(&Parser) -> bool,
        operand: fn(&mut Parser) -> Result<Node>,
    ) -> Result<Node> {
        let mut terms = vec![operand(self)?];
        let mut pos = 0;
        while is_op(self) {
            pos = self.advance().pos;
            terms.push(operand(self)?);
        }
        if terms.len() <= LEFT_CHAIN_TERMS {
            let mut terms = terms.into_iter();
            let mut left = terms.next().ok_or_else(|| self.error(pos, "empty chain (a bug in rusk)"))?;
            for right in terms {
                left = self.binary(left, op, right, pos)?;
            }
            return Ok(left);
        }
        // Pair neighbours level by level, keeping the terms' order.
        while terms.len() > 1 {
            let mut next = Vec::with_capacity(terms.len().div_ceil(2));
            let mut it = terms.into_iter();
            while let Some(left) = it.next() {
                next.push(match it.next() {
                    Some(right) => self.binary(left, op, right, pos)?,
                    None => left,
                });
            }
            terms = next;
        }
        terms.pop().ok_or_else(|| self.error(pos, "empty chain (a bug in rusk)"))
    }

    /// `not` and `~` share a level below comparisons: `~a == b` is `~(a == b)`
    /// (pandas would apply Python's bitwise `~` to `a` first; for the boolean
    /// columns a query negates, both read the same).
    fn not_expr(&mut self) -> Result<Node> {
        if self.is_keyword("not") || self.is_sym(Sym::Tilde) {
            let op = self.advance();
            self.enter(op.pos)?;
            let inner = self.not_expr()?;
            self.leave();
            return self.node(Expr::Not(Box::new(inner.expr)), inner.depth, op.pos);
        }
        self.comparison()
    }

    // ---- arithmetic ----

    pub(super) fn arith(&mut self) -> Result<Node> {
        let mut left = self.term()?;
        loop {
            let op = match self.peek().tok {
                Tok::Sym(Sym::Plus) => BinaryOp::Add,
                Tok::Sym(Sym::Minus) => BinaryOp::Sub,
                _ => return Ok(left),
            };
            let token = self.advance();
            let right = self.term()?;
            left = self.binary(left, op, right, token.pos)?;
        }
    }

    fn term(&mut self) -> Result<Node> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek().tok {
                Tok::Sym(Sym::Star) => BinaryOp::Mul,
                Tok::Sym(Sym::Slash) => BinaryOp::Div,
                Tok::Sym(Sym::SlashSlash) => BinaryOp::FloorDiv,
                Tok::Sym(Sym::Percent) => BinaryOp::Mod,
                _ => return Ok(left),
            };
            let token = self.advance();
            let right = self.unary()?;
            left = self.binary(left, op, right, token.pos)?;
        }
    }

    /// Unary `-` (folded into numeric literals, so `a > -1` compares with
    /// the literal `-1` that statistics pruning understands), `+`, and `~`
    /// where a value is expected (`a == ~b`: Python's operand position).
    fn unary(&mut self) -> Result<Node> {
        if self.is_sym(Sym::Minus) || self.is_sym(Sym::Plus) || self.is_sym(Sym::Tilde) {
            let op = self.advance();
            self.enter(op.pos)?;
            let inner = self.unary()?;
            self.leave();
            return match op.tok {
                Tok::Sym(Sym::Plus) => Ok(inner),
                Tok::Sym(Sym::Tilde) => self.node(Expr::Not(Box::new(inner.expr)), inner.depth, op.pos),
                _ => self.negate(inner, op.pos),
            };
        }
        let base = self.postfix()?;
        if self.is_sym(Sym::StarStar) {
            let token = self.peek().clone();
            return Err(self.error(token.pos, "the power operator '**' is not supported"));
        }
        Ok(base)
    }

    pub(super) fn negate(&self, inner: Node, pos: usize) -> Result<Node> {
        let folded = match &inner.expr {
            Expr::Literal(ScalarValue::Int64(v)) => Some(match v.checked_neg() {
                Some(n) => ScalarValue::Int64(n),
                // -(-2^63) = 2^63 only fits in a UInt64.
                None => ScalarValue::UInt64(i64::MIN.unsigned_abs()),
            }),
            Expr::Literal(ScalarValue::UInt64(v)) => Some(self.int_literal(*v, true, pos)?),
            Expr::Literal(ScalarValue::Float64(v)) => Some(ScalarValue::Float64(-v)),
            _ => None,
        };
        match folded {
            Some(v) => Ok(Node::leaf(Expr::Literal(v))),
            None => self.node(Expr::Negative(Box::new(inner.expr)), inner.depth, pos),
        }
    }

    // ---- atoms ----

    pub(super) fn atom(&mut self) -> Result<Node> {
        let token = self.peek().clone();
        let expr = match &token.tok {
            Tok::Int(v) => Expr::Literal(ScalarValue::from(*v)),
            Tok::Float(v) => Expr::Literal(ScalarValue::Float64(*v)),
            Tok::Str(s) => Expr::Literal(ScalarValue::Utf8(s.clone())),
            Tok::Quoted(name) => Expr::Column(name.clone()),
            Tok::Ident(word) => match word.as_str() {
                "True" => Expr::Literal(ScalarValue::Boolean(true)),
                "False" => Expr::Literal(ScalarValue::Boolean(false)),
                "None" => Expr::Literal(ScalarValue::Null),
                "and" | "or" | "not" | "in" => return Err(self.expected_value(&token)),
                w if RESERVED.contains(&w) => return Err(self.error(token.pos, reserved(w))),
                "timedelta" | "Timedelta" if self.peek_at(1).tok == Tok::Sym(Sym::LParen) => {
                    return self.timedelta_literal(&token);
                }
                _ => {
                    if self.peek_at(1).tok == Tok::Sym(Sym::LParen) {
                        return Err(self.error(
                            token.pos,
                            format!("function calls like '{word}(...)' are not supported in a query"),
                        ));
                    }
                    Expr::Column(word.clone())
                }
            },
            Tok::Sym(Sym::LParen) => return self.parenthesized(),
            Tok::Sym(Sym::LBracket) => return Err(self.error(token.pos, list_misplaced())),
            _ => return Err(self.expected_value(&token)),
        };
        self.advance();
        Ok(Node::leaf(expr))
    }

    fn parenthesized(&mut self) -> Result<Node> {
        let open = self.advance();
        self.enter(open.pos)?;
        let inner = self.or_expr()?;
        self.leave();
        let next = self.peek().clone();
        match next.tok {
            Tok::Sym(Sym::RParen) => {
                self.advance();
                Ok(inner)
            }
            Tok::Eof => Err(self.error(open.pos, "unclosed '('")),
            Tok::Sym(Sym::Comma) => Err(self.error(
                next.pos,
                "unexpected ',': a tuple like (1, 2) is only allowed after 'in', 'not in', '==' or '!='",
            )),
            _ => Err(self.unexpected(
                &next,
                format!("expected ')' to close the '(' at position {}, found {}", open.pos, describe(&next)),
            )),
        }
    }
}

pub(super) fn reserved(word: &str) -> String {
    format!("'{word}' is not supported in a query (quote a column of that name: `{word}`)")
}

pub(super) fn list_misplaced() -> &'static str {
    "a list is only allowed after 'in', 'not in', '==' or '!='"
}

/// `and`/`or`/`not`/`in` in the wrong case: likely meant as the keyword.
fn is_miscased_keyword(word: &str) -> bool {
    let lower = word.to_lowercase();
    lower != word && matches!(lower.as_str(), "and" | "or" | "not" | "in")
}

/// How a token is named in a message.
pub(super) fn describe(token: &Token) -> String {
    match &token.tok {
        Tok::Eof => "the end of the query".to_string(),
        Tok::Str(_) => format!("string {}", token.text),
        _ => format!("'{}'", token.text),
    }
}
