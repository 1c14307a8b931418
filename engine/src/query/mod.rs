//! pandas' `DataFrame.query` syntax, parsed into expressions. STUB.

use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

/// Parses a pandas query string into an expression. STUB.
pub fn parse_query(query: &str) -> Result<Expr> {
    Err(Error::QuerySyntax { query: query.to_string(), position: 0, message: "not implemented".into() })
}
