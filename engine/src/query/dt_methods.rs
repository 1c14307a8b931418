//! `value.dt.property` and `value.dt.strftime(date_format)` in a query:
//! pandas' datetime accessor. Properties take no parentheses, as in
//! pandas (`ts.dt.hour >= 9`); `strftime` takes a constant format in
//! Python's codes; `tz_localize(tz, ambiguous=, nonexistent=)` and
//! `tz_convert(tz)` a zone name or `None`.

use rusk_ops::expr::function::{DtField, RoundMode, TimedeltaField};
use rusk_ops::expr::ScalarValue;
use rusk_ops::time::{Ambiguous, Nonexistent};

use super::lexer::{Sym, Tok, Token};
use super::parser::{describe, Node, Parser, Result};

/// The `dt` properties and methods a query may use, listed in error messages.
pub(super) const DT_METHODS: &str = "year, month, day, hour, minute, second, microsecond, nanosecond, \
     dayofweek (day_of_week, weekday), dayofyear (day_of_year), quarter, days_in_month (daysinmonth), \
     is_month_start, is_month_end, date, strftime(date_format), floor(freq), ceil(freq), round(freq), \
     tz_localize(tz), tz_convert(tz); of timedeltas: days, seconds, microseconds, nanoseconds, total_seconds()";

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
        if matches!(method.as_str(), "tz_localize" | "tz_convert") {
            return self.dt_tz(value, &name, &method);
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

    /// `.floor(freq)`, `.ceil(freq)`, `.round(freq)`, after `value.dt`,
    /// with pandas' `ambiguous` and `nonexistent` for a zoned column.
    fn dt_round(&mut self, value: Node, name: &Token, method: &str) -> Result<Node> {
        self.advance();
        let call = format!("dt.{method}");
        let open = self.open_call(&call)?;
        let args = self.call_args(&call, &open)?;
        let bound = self.bind(&call, &["freq", "ambiguous", "nonexistent"], args, None)?;
        let freq = match bound.get(0) {
            Some(ScalarValue::Utf8(freq)) => freq.clone(),
            None => return Err(self.error(name.pos, format!("{call}() needs freq, e.g. 'h'"))),
            Some(other) => {
                return Err(self.error(name.pos, format!("{call}(): freq must be a string, got {other}")))
            }
        };
        let (ambiguous, nonexistent) = self.dst_policies(&call, name, bound.get(1), bound.get(2))?;
        let mode = match method {
            "floor" => RoundMode::Floor,
            "ceil" => RoundMode::Ceil,
            _ => RoundMode::Round,
        };
        let expr = value.expr.dt().round_to(&freq, mode, ambiguous, nonexistent).map_err(|e| match e {
            rusk_ops::Error::InvalidArgument(message) => self.error(name.pos, message),
            other => self.error(name.pos, other.to_string()),
        })?;
        self.node(expr, value.depth, name.pos)
    }

    /// `.tz_localize(tz, ambiguous=, nonexistent=)` and `.tz_convert(tz)`,
    /// after `value.dt`: `tz` a zone name or `None`.
    fn dt_tz(&mut self, value: Node, name: &Token, method: &str) -> Result<Node> {
        self.advance();
        let call = format!("dt.{method}");
        let open = self.open_call(&call)?;
        let args = self.call_args(&call, &open)?;
        let params: &[&str] =
            if method == "tz_localize" { &["tz", "ambiguous", "nonexistent"] } else { &["tz"] };
        let bound = self.bind(&call, params, args, None)?;
        let tz = match bound.get(0) {
            Some(ScalarValue::Utf8(tz)) => Some(tz.clone()),
            Some(ScalarValue::Null) => None,
            None => {
                return Err(
                    self.error(name.pos, format!("{call}() needs tz, e.g. 'Europe/Paris', 'UTC' or None"))
                )
            }
            Some(other) => {
                return Err(
                    self.error(name.pos, format!("{call}(): tz must be a string or None, got {other}"))
                )
            }
        };
        let dt = value.expr.dt();
        let expr = if method == "tz_localize" {
            let (ambiguous, nonexistent) = self.dst_policies(&call, name, bound.get(1), bound.get(2))?;
            dt.tz_localize(tz.as_deref(), ambiguous, nonexistent)
        } else {
            dt.tz_convert(tz.as_deref())
        }
        .map_err(|e| match e {
            rusk_ops::Error::InvalidArgument(message) => self.error(name.pos, message),
            other => self.error(name.pos, other.to_string()),
        })?;
        self.node(expr, value.depth, name.pos)
    }

    /// pandas' `ambiguous` (`'raise'`, `'NaT'`, `True`, `False`) and
    /// `nonexistent` (`'raise'`, `'NaT'`, `'shift_forward'`,
    /// `'shift_backward'`), raise when not given.
    fn dst_policies(
        &self,
        call: &str,
        name: &Token,
        ambiguous: Option<&ScalarValue>,
        nonexistent: Option<&ScalarValue>,
    ) -> Result<(Ambiguous, Nonexistent)> {
        let ambiguous = match ambiguous {
            None => Some(Ambiguous::Raise),
            Some(ScalarValue::Utf8(s)) => Ambiguous::parse(s),
            Some(ScalarValue::Boolean(true)) => Some(Ambiguous::Dst),
            Some(ScalarValue::Boolean(false)) => Some(Ambiguous::Standard),
            Some(_) => None,
        }
        .ok_or_else(|| {
            self.error(
                name.pos,
                format!(
                    "{call}(): ambiguous must be 'raise', 'NaT', True or False, got {}",
                    ambiguous.map_or_else(String::new, ToString::to_string)
                ),
            )
        })?;
        let nonexistent = match nonexistent {
            None => Some(Nonexistent::Raise),
            Some(ScalarValue::Utf8(s)) => Nonexistent::parse(s),
            Some(_) => None,
        }
        .ok_or_else(|| {
            self.error(
                name.pos,
                format!(
                    "{call}(): nonexistent must be 'raise', 'NaT', 'shift_forward' or 'shift_backward', got {}",
                    nonexistent.map_or_else(String::new, ToString::to_string)
                ),
            )
        })?;
        Ok((ambiguous, nonexistent))
    }
}
