//! Timedeltas in a query: the literal `timedelta('1h')` (pandas'
//! `pd.Timedelta('1h')`, also spelled `Timedelta('1h')`, or with a number
//! and its unit, `timedelta(90, unit='s')`), and the timedelta properties
//! after `.dt.`: `days`, `seconds`, `microseconds`, `nanoseconds` (pandas'
//! components, without parentheses) and `total_seconds()`.

use rusk_ops::expr::function::TimedeltaField;
use rusk_ops::expr::{timedelta, ScalarValue};

use super::lexer::{Sym, Token};
use super::parser::{Node, Parser, Result};

impl Parser {
    /// `timedelta(value, unit=None)` at `name` (the function's name, next
    /// to read): a string, or a number and its unit.
    pub(super) fn timedelta_literal(&mut self, name: &Token) -> Result<Node> {
        self.advance();
        let call = name.text.clone();
        let open = self.open_call(&call)?;
        let args = self.call_args(&call, &open)?;
        let bound = self.bind(&call, &["value", "unit"], args, None)?;
        let text = match (bound.get(0), bound.get(1)) {
            (Some(ScalarValue::Utf8(text)), None) => text.clone(),
            (Some(ScalarValue::Utf8(_)), Some(_)) => {
                return Err(self.error(name.pos, format!("{call}(): unit goes with a number, not a string")))
            }
            (Some(n @ (ScalarValue::Int64(_) | ScalarValue::Float64(_))), Some(ScalarValue::Utf8(unit))) => {
                format!("{n}{unit}")
            }
            (Some(ScalarValue::Int64(_) | ScalarValue::Float64(_)), None) => {
                return Err(self.error(
                    name.pos,
                    format!("{call}(): a number needs its unit, e.g. {call}(90, unit='s')"),
                ))
            }
            (None, _) => {
                return Err(self.error(name.pos, format!("{call}() needs a value, e.g. {call}('1h')")))
            }
            (Some(other), _) => {
                return Err(
                    self.error(name.pos, format!("{call}(): expected a string like '1h', got {other}"))
                )
            }
        };
        let literal = timedelta(&text).map_err(|e| match e {
            rusk_ops::Error::InvalidArgument(message) => self.error(name.pos, message),
            other => self.error(name.pos, other.to_string()),
        })?;
        Ok(Node::leaf(literal))
    }

    /// `.field` or `.total_seconds()` at `name`, after `value.dt.`.
    pub(super) fn timedelta_method(
        &mut self,
        value: Node,
        name: &Token,
        field: TimedeltaField,
    ) -> Result<Node> {
        self.advance();
        let call = field.name();
        if field.is_property() {
            if self.is_sym(Sym::LParen) {
                let found = self.peek().clone();
                return Err(
                    self.unexpected(&found, format!("{call} is a property: write it without parentheses"))
                );
            }
        } else {
            let open = self.open_call(call)?;
            if let Some(arg) = self.call_args(call, &open)?.first() {
                return Err(self.error(arg.pos, format!("{call}() takes no arguments")));
            }
        }
        self.node(value.expr.dt().timedelta_field(field), value.depth, name.pos)
    }
}

#[cfg(test)]
mod tests {
    use rusk_ops::expr::{Expr, ScalarValue};
    use rusk_ops::Error;

    use super::super::parse_query;

    #[test]
    fn timedeltas_parse_and_print_back() {
        for (query, printed) in [
            ("ts + timedelta('1h')", "ts + Timedelta('0 days 01:00:00')"),
            ("Timedelta('90s') + ts", "Timedelta('0 days 00:01:30') + ts"),
            ("end - start > timedelta('30min')", "end - start > Timedelta('0 days 00:30:00')"),
            ("end - start > '30min'", "end - start > '30min'"),
            ("(end - start).dt.total_seconds()", "(end - start).dt.total_seconds()"),
            ("(end - start).dt.days >= 1", "(end - start).dt.days >= 1"),
            (
                "d.dt.seconds + d.dt.microseconds * d.dt.nanoseconds",
                "d.dt.seconds + d.dt.microseconds * d.dt.nanoseconds",
            ),
            ("timedelta(90, unit='s') < d", "Timedelta('0 days 00:01:30') < d"),
            ("timedelta(value=1.5, unit='h') < d", "Timedelta('0 days 01:30:00') < d"),
            ("timedelta('-1 days +23:00:00') == d", "Timedelta('-1 days +23:00:00') == d"),
            ("-timedelta('1h') < d", "-Timedelta('0 days 01:00:00') < d"),
            ("timedelta('1ns') * 2", "Timedelta('0 days 00:00:00.000000001') * 2"),
            ("timedelta('2 days')", "Timedelta('2 days 00:00:00')"),
        ] {
            let e = parse_query(query).unwrap_or_else(|e| panic!("{query}: {e}"));
            assert_eq!(e.to_string(), printed, "{query}");
            assert_eq!(parse_query(&e.to_string()).unwrap(), e, "{query} printed as {e}");
        }
        let hour = parse_query("timedelta('1h')").unwrap();
        assert_eq!(
            hour,
            Expr::Literal(ScalarValue::Duration(3_600_000_000, arrow::datatypes::TimeUnit::Microsecond))
        );
        assert_eq!(hour, rusk_ops::expr::timedelta("60min").unwrap());
    }

    #[test]
    fn bad_timedeltas_point_at_the_call() {
        for (query, position, says) in [
            ("d > timedelta('5')", 4, "timedelta \"5\": 5 has no unit"),
            ("d > Timedelta('1 fortnight')", 4, "unknown unit \"fortnight\""),
            ("d > timedelta(5)", 4, "timedelta(): a number needs its unit, e.g. timedelta(90, unit='s')"),
            ("d > timedelta()", 4, "timedelta() needs a value, e.g. timedelta('1h')"),
            ("d > timedelta('1h', unit='s')", 4, "timedelta(): unit goes with a number, not a string"),
            ("d > timedelta(d)", 14, "timedelta(): 'value' must be a constant"),
            ("d.dt.days() > 1", 9, "dt.days is a property: write it without parentheses"),
            ("d.dt.total_seconds(1)", 19, "dt.total_seconds() takes no arguments"),
            ("d.dt.total_seconds > 1", 19, "expected '(' after 'dt.total_seconds', found '>'"),
            ("abs(d) > 1", 0, "function calls like 'abs(...)' are not supported in a query"),
        ] {
            match parse_query(query) {
                Err(Error::QuerySyntax { position: p, message, .. }) => {
                    assert_eq!(p, position, "{query}: {message}");
                    assert!(message.contains(says), "{query}: {message}");
                }
                other => panic!("{query}: {other:?}"),
            }
        }
    }
}
