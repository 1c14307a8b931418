//! `value.dt.property` and `value.dt.strftime(date_format)` in a query:
//! pandas' datetime accessor. Properties take no parentheses, as in
//! pandas (`ts.dt.hour >= 9`); `strftime` takes a constant format in
//! Python's codes.

use rusk_ops::expr::function::{DtField, TimedeltaField};
use rusk_ops::expr::ScalarValue;

use super::lexer::{Sym, Tok, Token};
use super::parser::{describe, Node, Parser, Result};

/// The `dt` properties and methods a query may use, listed in error messages.
pub(super) const DT_METHODS: &str = "year, month, day, hour, minute, second, microsecond, nanosecond, \
     dayofweek (day_of_week, weekday), dayofyear (day_of_year), quarter, days_in_month (daysinmonth), \
     is_month_start, is_month_end, date, strftime(date_format), floor(freq), ceil(freq), round(freq); \
     of timedeltas: days, seconds, microseconds, nanoseconds, total_seconds()";

impl Parser {
    /// After `value.dt`: `.property` or `.strftime(format)`.
    pub(super) fn dt_method(&mut self, value: Node, accessor: &Token) -> Result<Node> {
        if !self.is_sym(Sym::Dot) {
            let found = self.peek().clone();
            return Err(self.unexpected(
                &found,
                format!("expected '.property' after '.dt', found {}", describe(&found)),
            ));
        }
        self.advance();
        let name = self.peek().clone();
        let Tok::Ident(method) = &name.tok else {
            return Err(self.unexpected(
                &name,
                format!("expected a dt property after '.dt.', found {}", describe(&name)),
            ));
        };
        let method = method.clone();
        let _ = accessor;
        if let Some(field) = DtField::from_property(&method) {
            self.advance();
            if self.is_sym(Sym::LParen) {
                let found = self.peek().clone();
                return Err(self
                    .unexpected(&found, format!("dt.{method} is a property: write it without parentheses")));
            }
            return self.node(value.expr.dt().field(field), value.depth, name.pos);
        }
        if let Some(field) = TimedeltaField::from_name(&method) {
            return self.timedelta_method(value, &name, field);
        }
        if matches!(method.as_str(), "floor" | "ceil" | "round") {
            return self.dt_round(value, &name, &method);
        }
        if method != "strftime" {
            return Err(
                self.error(name.pos, format!("unknown dt property '{method}'; supported: {DT_METHODS}"))
            );
        }
        self.advance();
        let open = self.open_call("dt.strftime")?;
        let args = self.call_args("dt.strftime", &open)?;
        let bound = self.bind("dt.strftime", &["date_format"], args, None)?;
        let format = match bound.get(0) {
            Some(ScalarValue::Utf8(format)) => format.clone(),
            None => return Err(self.error(name.pos, "dt.strftime() needs date_format, e.g. '%Y-%m-%d'")),
            Some(other) => {
                return Err(
                    self.error(name.pos, format!("dt.strftime(): date_format must be a string, got {other}"))
                )
            }
        };
        let expr = value.expr.dt().strftime(&format).map_err(|e| match e {
            rusk_ops::Error::InvalidArgument(message) => self.error(name.pos, message),
            other => self.error(name.pos, other.to_string()),
        })?;
        self.node(expr, value.depth, name.pos)
    }

    /// `.floor(freq)`, `.ceil(freq)`, `.round(freq)`, after `value.dt`.
    fn dt_round(&mut self, value: Node, name: &Token, method: &str) -> Result<Node> {
        self.advance();
        let call = format!("dt.{method}");
        let open = self.open_call(&call)?;
        let args = self.call_args(&call, &open)?;
        let bound = self.bind(&call, &["freq"], args, None)?;
        let freq = match bound.get(0) {
            Some(ScalarValue::Utf8(freq)) => freq.clone(),
            None => return Err(self.error(name.pos, format!("{call}() needs freq, e.g. 'h'"))),
            Some(other) => {
                return Err(self.error(name.pos, format!("{call}(): freq must be a string, got {other}")))
            }
        };
        let dt = value.expr.dt();
        let expr = match method {
            "floor" => dt.floor(&freq),
            "ceil" => dt.ceil(&freq),
            _ => dt.round(&freq),
        }
        .map_err(|e| match e {
            rusk_ops::Error::InvalidArgument(message) => self.error(name.pos, message),
            other => self.error(name.pos, other.to_string()),
        })?;
        self.node(expr, value.depth, name.pos)
    }
}
