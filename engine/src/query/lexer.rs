//! Splits a query string into tokens, each with its 0-based character offset.
//!
//! The lexer never fails: a character sequence it cannot read (an unclosed
//! string, `===`, `@var`) becomes a final [`Tok::Invalid`] token carrying the
//! message. The parser reports it only if it gets that far, so the error a
//! user sees is always the leftmost one, wherever it was detected.

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// A name: a column, a keyword (`and`, `True`...) or a method.
    Ident(String),
    /// A backtick-quoted column name, without the backticks.
    Quoted(String),
    /// An integer literal, underscores removed.
    Int(u64),
    /// A float literal.
    Float(f64),
    /// A string literal, escapes resolved.
    Str(String),
    /// An operator or punctuation.
    Sym(Sym),
    /// The end of the query.
    Eof,
    /// Text that is not a token; the message says why.
    Invalid(String),
}

/// Operators and punctuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sym {
    EqEq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Plus,
    Minus,
    Star,
    StarStar,
    Slash,
    SlashSlash,
    Percent,
    Amp,
    Pipe,
    Tilde,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    /// A single `=`: only valid for keyword arguments (`inclusive='both'`).
    Assign,
}

/// One token and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    /// The token.
    pub tok: Tok,
    /// 0-based character (not byte) offset of its first character.
    pub pos: usize,
    /// Its source text, for messages.
    pub text: String,
}

/// Splits `query` into tokens; the last one is [`Tok::Eof`] or [`Tok::Invalid`].
pub(super) fn tokenize(query: &str) -> Vec<Token> {
    let chars: Vec<char> = query.chars().collect();
    let mut lexer = Lexer { chars: &chars, i: 0 };
    let mut tokens = Vec::new();
    loop {
        let token = lexer.next_token();
        let last = matches!(token.tok, Tok::Eof | Tok::Invalid(_));
        tokens.push(token);
        if last {
            return tokens;
        }
    }
}

struct Lexer<'a> {
    chars: &'a [char],
    i: usize,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    fn text(&self, start: usize) -> String {
        self.chars[start..self.i].iter().collect()
    }

    fn token(&self, tok: Tok, start: usize) -> Token {
        Token { tok, pos: start, text: self.text(start) }
    }

    fn invalid(&self, start: usize, message: impl Into<String>) -> Token {
        Token { tok: Tok::Invalid(message.into()), pos: start, text: self.text(start) }
    }

    fn next_token(&mut self) -> Token {
        while self.peek(0).is_some_and(char::is_whitespace) {
            self.i += 1;
        }
        let start = self.i;
        let Some(c) = self.peek(0) else {
            return self.token(Tok::Eof, start);
        };
        match c {
            '0'..='9' => self.number(start),
            '.' if self.peek(1).is_some_and(|d| d.is_ascii_digit()) => self.number(start),
            '\'' | '"' => self.string(start, c),
            '`' => self.backticked(start),
            '@' => {
                self.i += 1;
                while self.peek(0).is_some_and(is_ident_continue) {
                    self.i += 1;
                }
                let name = self.text(start);
                self.invalid(
                    start,
                    format!(
                        "local variables like '{name}' are not supported: write the value into the query"
                    ),
                )
            }
            c if is_ident_start(c) => {
                while self.peek(0).is_some_and(is_ident_continue) {
                    self.i += 1;
                }
                let name = self.text(start);
                self.token(Tok::Ident(name), start)
            }
            '=' | '!' | '<' | '>' => self.operator_run(start, |c| matches!(c, '=' | '!' | '<' | '>')),
            '*' => self.operator_run(start, |c| c == '*'),
            '/' => self.operator_run(start, |c| c == '/'),
            '&' => self.operator_run(start, |c| c == '&'),
            '|' => self.operator_run(start, |c| c == '|'),
            _ => {
                self.i += 1;
                let sym = match c {
                    '+' => Sym::Plus,
                    '-' => Sym::Minus,
                    '%' => Sym::Percent,
                    '~' => Sym::Tilde,
                    '(' => Sym::LParen,
                    ')' => Sym::RParen,
                    '[' => Sym::LBracket,
                    ']' => Sym::RBracket,
                    ',' => Sym::Comma,
                    '.' => Sym::Dot,
                    _ => return self.invalid(start, format!("unexpected character '{c}'")),
                };
                self.token(Tok::Sym(sym), start)
            }
        }
    }

    /// Reads the longest run of operator characters, so that `===` or `=>`
    /// is reported whole instead of as `==` followed by a puzzling `=`.
    fn operator_run(&mut self, start: usize, same_family: impl Fn(char) -> bool) -> Token {
        while self.peek(0).is_some_and(&same_family) {
            self.i += 1;
        }
        let text = self.text(start);
        let sym = match text.as_str() {
            "==" => Sym::EqEq,
            "!=" => Sym::NotEq,
            "<" => Sym::Lt,
            "<=" => Sym::LtEq,
            ">" => Sym::Gt,
            ">=" => Sym::GtEq,
            "=" => Sym::Assign,
            "*" => Sym::Star,
            "**" => Sym::StarStar,
            "/" => Sym::Slash,
            "//" => Sym::SlashSlash,
            "&" => Sym::Amp,
            "|" => Sym::Pipe,
            _ => {
                let hint = match text.as_str() {
                    "!" => " (use '~' or 'not')",
                    "&&" => " (use '&' or 'and')",
                    "||" => " (use '|' or 'or')",
                    "<>" => " (use '!=')",
                    "=>" => " (use '>=')",
                    "=<" => " (use '<=')",
                    "===" => " (use '==')",
                    _ => "",
                };
                return self.invalid(start, format!("unknown operator '{text}'{hint}"));
            }
        };
        self.token(Tok::Sym(sym), start)
    }

    /// Python's number literals: `1_000`, `1.5`, `1.`, `.5`, `1e3`, `2.5E-3`.
    fn number(&mut self, start: usize) -> Token {
        let mut is_float = false;
        let mut ok = self.digits();
        if self.peek(0) == Some('.') {
            is_float = true;
            self.i += 1;
            if self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
                ok &= self.digits();
            }
        }
        if matches!(self.peek(0), Some('e' | 'E')) {
            let sign = usize::from(matches!(self.peek(1), Some('+' | '-')));
            if self.peek(1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                self.i += 1 + sign;
                ok &= self.digits();
            }
        }
        // `1abc`, `1_`, `1.5.2`: Python rejects these as one bad literal.
        while self.peek(0).is_some_and(|c| is_ident_continue(c) || c == '.') {
            ok = false;
            self.i += 1;
        }
        let text = self.text(start);
        if !ok {
            return self.invalid(start, format!("invalid number '{text}'"));
        }
        let clean: String = text.chars().filter(|&c| c != '_').collect();
        if is_float {
            match clean.parse::<f64>() {
                Ok(v) => self.token(Tok::Float(v), start),
                Err(_) => self.invalid(start, format!("invalid number '{text}'")),
            }
        } else {
            match clean.parse::<u64>() {
                Ok(v) => self.token(Tok::Int(v), start),
                Err(_) => {
                    self.invalid(start, format!("integer '{text}' is too large (at most {})", u64::MAX))
                }
            }
        }
    }

    /// Digits with single underscores between them (`1_000`); false on a
    /// misplaced underscore (`1__0`, `1_`), which the caller reports.
    fn digits(&mut self) -> bool {
        let mut ok = true;
        while let Some(c) = self.peek(0) {
            if c.is_ascii_digit() {
                self.i += 1;
            } else if c == '_' {
                ok &= self.peek(1).is_some_and(|d| d.is_ascii_digit());
                self.i += 1;
            } else {
                break;
            }
        }
        ok
    }

    /// A string in single or double quotes with Python's backslash escapes.
    fn string(&mut self, start: usize, quote: char) -> Token {
        self.i += 1;
        let mut value = String::new();
        loop {
            let Some(c) = self.peek(0) else {
                return self.invalid(start, "unclosed string");
            };
            self.i += 1;
            if c == quote {
                return self.token(Tok::Str(value), start);
            }
            if c != '\\' {
                value.push(c);
                continue;
            }
            let escape_at = self.i - 1;
            let Some(e) = self.peek(0) else {
                return self.invalid(start, "unclosed string");
            };
            self.i += 1;
            match e {
                '\n' => {}
                '\\' | '\'' | '"' => value.push(e),
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'r' => value.push('\r'),
                'a' => value.push('\x07'),
                'b' => value.push('\x08'),
                'f' => value.push('\x0c'),
                'v' => value.push('\x0b'),
                '0'..='7' => {
                    let mut code = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match self.peek(0).and_then(|d| d.to_digit(8)) {
                            Some(d) => {
                                code = code * 8 + d;
                                self.i += 1;
                            }
                            None => break,
                        }
                    }
                    // At most 0o777 = 511: always a valid char.
                    value.extend(char::from_u32(code));
                }
                'x' | 'u' | 'U' => {
                    let len = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let hex: String = (0..len).filter_map(|k| self.peek(k)).collect();
                    let code = if hex.chars().count() == len && hex.chars().all(|h| h.is_ascii_hexdigit()) {
                        u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                    } else {
                        None
                    };
                    match code {
                        Some(ch) => {
                            value.push(ch);
                            self.i += len;
                        }
                        None => return self.invalid(escape_at, format!("invalid escape '\\{e}' in string")),
                    }
                }
                // Python keeps unknown escapes (`'\d'`) as written.
                other => {
                    value.push('\\');
                    value.push(other);
                }
            }
        }
    }

    /// A backtick-quoted column name: anything up to the next backtick.
    fn backticked(&mut self, start: usize) -> Token {
        self.i += 1;
        let name_start = self.i;
        while self.peek(0).is_some_and(|c| c != '`') {
            self.i += 1;
        }
        if self.peek(0).is_none() {
            return self.invalid(start, "unclosed '`' (backtick-quoted column name)");
        }
        let name = self.text(name_start);
        self.i += 1;
        if name.is_empty() {
            return self.invalid(start, "empty backtick-quoted column name");
        }
        self.token(Tok::Quoted(name), start)
    }
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(q: &str) -> Vec<Tok> {
        tokenize(q).into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_follow_python() {
        assert_eq!(kinds("1_000"), vec![Tok::Int(1000), Tok::Eof]);
        assert_eq!(kinds("1.5 .5 1. 1e3 2.5E-3"), {
            let f = |v| Tok::Float(v);
            vec![f(1.5), f(0.5), f(1.0), f(1000.0), f(0.0025), Tok::Eof]
        });
        assert_eq!(kinds("18446744073709551615"), vec![Tok::Int(u64::MAX), Tok::Eof]);
        assert!(matches!(kinds("1__0")[0], Tok::Invalid(_)));
        assert!(matches!(kinds("1_")[0], Tok::Invalid(_)));
        assert!(matches!(kinds("12abc")[0], Tok::Invalid(_)));
        assert!(matches!(kinds("18446744073709551616")[0], Tok::Invalid(_)));
    }

    #[test]
    fn strings_resolve_escapes() {
        let s = |v: &str| vec![Tok::Str(v.into()), Tok::Eof];
        assert_eq!(kinds(r#"'it\'s'"#), s("it's"));
        assert_eq!(kinds(r#""a\tb\\c\x41\u00e9\101\d""#), s("a\tb\\cAéA\\d"));
        assert_eq!(kinds(r#""say 'hi'""#), s("say 'hi'"));
        let t = tokenize(r"a == '\x4'");
        assert_eq!((t[2].pos, &t[2].tok), (6, &Tok::Invalid("invalid escape '\\x' in string".into())));
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let t = tokenize("`é col` > 'ü' & b");
        let pos: Vec<usize> = t.iter().map(|t| t.pos).collect();
        assert_eq!(pos, vec![0, 8, 10, 14, 16, 17]);
        assert_eq!(t[0].tok, Tok::Quoted("é col".into()));
    }

    #[test]
    fn operator_runs_are_read_whole() {
        let t = tokenize("a === 1");
        assert_eq!(t[1].tok, Tok::Invalid("unknown operator '===' (use '==')".into()));
        assert_eq!(t[1].pos, 2);
        assert_eq!(kinds("a//b**c")[1], Tok::Sym(Sym::SlashSlash));
        assert_eq!(kinds("a//b**c")[3], Tok::Sym(Sym::StarStar));
    }
}
