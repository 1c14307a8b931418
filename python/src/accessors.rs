//! pandas' `.str` and `.dt` methods by name, with their keyword arguments
//! and pandas' defaults, onto rusk's accessors.

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rusk::{DtAccessor, DtField, StrAccessor};
use rusk::{Error, Expr, Result};

/// A keyword argument's value.
#[derive(Debug, Clone)]
enum Value {
    None,
    Bool(bool),
    Int(i64),
    Str(String),
}

/// A method's name and keyword arguments, extracted from Python up front so
/// the accessor closures deal in rusk errors only.
pub struct Args {
    method: String,
    values: HashMap<String, Value>,
}

impl Args {
    pub fn new(method: &str, kwargs: &Bound<'_, PyDict>) -> PyResult<Args> {
        let mut values = HashMap::new();
        for (key, value) in kwargs.iter() {
            let value = if value.is_none() {
                Value::None
            } else if let Ok(b) = value.cast::<pyo3::types::PyBool>() {
                Value::Bool(b.is_true())
            } else if let Ok(i) = value.extract::<i64>() {
                Value::Int(i)
            } else {
                Value::Str(value.extract::<String>()?)
            };
            values.insert(key.extract::<String>()?, value);
        }
        Ok(Args { method: method.to_string(), values })
    }

    /// An error unless every argument given is one of `allowed`.
    fn allow(&self, allowed: &[&str]) -> Result<()> {
        match self.values.keys().find(|k| !allowed.contains(&k.as_str())) {
            None => Ok(()),
            Some(k) => Err(self.bad(&format!("unexpected argument {k:?} (takes {})", allowed.join(", ")))),
        }
    }

    fn bad(&self, why: &str) -> Error {
        Error::InvalidArgument(format!("{}(): {why}", self.method))
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key).filter(|v| !matches!(v, Value::None))
    }

    fn string(&self, key: &str) -> Result<Option<&str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(v) => Err(self.bad(&format!("{key} must be a str, got {v:?}"))),
        }
    }

    fn required(&self, key: &str) -> Result<&str> {
        self.string(key)?.ok_or_else(|| self.bad(&format!("missing argument {key:?}")))
    }

    fn flag(&self, key: &str, default: bool) -> Result<bool> {
        self.optional_flag(key).map(|b| b.unwrap_or(default))
    }

    fn optional_flag(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.bad(&format!("{key} must be a bool, got {v:?}"))),
        }
    }

    fn int(&self, key: &str) -> Result<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Int(i)) => Ok(Some(*i)),
            Some(v) => Err(self.bad(&format!("{key} must be an int, got {v:?}"))),
        }
    }

    fn width(&self) -> Result<usize> {
        let width = self.int("width")?.ok_or_else(|| self.bad("missing argument \"width\""))?;
        usize::try_from(width).map_err(|_| self.bad("width must not be negative"))
    }
}

/// `s.str.<method>(**kwargs)`.
pub fn str_method(s: StrAccessor, a: &Args) -> Result<Expr> {
    let method = a.method.as_str();
    match method {
        "len" | "lower" | "upper" => {
            a.allow(&[])?;
            Ok(match method {
                "len" => s.len(),
                "lower" => s.lower(),
                _ => s.upper(),
            })
        }
        "strip" | "lstrip" | "rstrip" => {
            a.allow(&["to_strip"])?;
            let chars = a.string("to_strip")?;
            Ok(match method {
                "strip" => s.strip(chars),
                "lstrip" => s.lstrip(chars),
                _ => s.rstrip(chars),
            })
        }
        "startswith" | "endswith" => {
            a.allow(&["pat", "na"])?;
            let (pat, na) = (a.required("pat")?, a.optional_flag("na")?);
            Ok(if method == "startswith" { s.startswith(pat, na) } else { s.endswith(pat, na) })
        }
        "contains" => {
            a.allow(&["pat", "case", "regex", "na"])?;
            s.contains(
                a.required("pat")?,
                a.flag("case", true)?,
                a.flag("regex", true)?,
                a.optional_flag("na")?,
            )
        }
        "match" | "fullmatch" => {
            a.allow(&["pat", "case", "na"])?;
            let (pat, case, na) = (a.required("pat")?, a.flag("case", true)?, a.optional_flag("na")?);
            if method == "match" {
                s.r#match(pat, case, na)
            } else {
                s.fullmatch(pat, case, na)
            }
        }
        "replace" => {
            a.allow(&["pat", "repl", "n", "case", "regex"])?;
            let n = match a.int("n")? {
                None => None,
                Some(n) if n < 0 => None,
                Some(n) => Some(n as usize),
            };
            s.replace(
                a.required("pat")?,
                a.required("repl")?,
                n,
                a.flag("case", true)?,
                a.flag("regex", false)?,
            )
        }
        "slice" => {
            a.allow(&["start", "stop", "step"])?;
            s.slice(a.int("start")?, a.int("stop")?, a.int("step")?)
        }
        "get" => {
            a.allow(&["i"])?;
            Ok(s.get(a.int("i")?.ok_or_else(|| a.bad("missing argument \"i\""))?))
        }
        "zfill" => {
            a.allow(&["width"])?;
            Ok(s.zfill(a.width()?))
        }
        _ => Err(a.bad("not a str method rusk has")),
    }
}

/// `s.dt.<property>` or `s.dt.<method>(**kwargs)`.
pub fn dt_method(d: DtAccessor, a: &Args) -> Result<Expr> {
    let field = match a.method.as_str() {
        "year" => Some(DtField::Year),
        "month" => Some(DtField::Month),
        "day" => Some(DtField::Day),
        "hour" => Some(DtField::Hour),
        "minute" => Some(DtField::Minute),
        "second" => Some(DtField::Second),
        "microsecond" => Some(DtField::Microsecond),
        "nanosecond" => Some(DtField::Nanosecond),
        "dayofweek" | "day_of_week" | "weekday" => Some(DtField::DayOfWeek),
        "dayofyear" | "day_of_year" => Some(DtField::DayOfYear),
        "quarter" => Some(DtField::Quarter),
        "days_in_month" | "daysinmonth" => Some(DtField::DaysInMonth),
        "is_month_start" => Some(DtField::IsMonthStart),
        "is_month_end" => Some(DtField::IsMonthEnd),
        _ => None,
    };
    if let Some(field) = field {
        a.allow(&[])?;
        return Ok(d.field(field));
    }
    match a.method.as_str() {
        "date" => {
            a.allow(&[])?;
            Ok(d.date())
        }
        "time" => {
            a.allow(&[])?;
            Ok(d.time())
        }
        "floor" | "ceil" | "round" => {
            a.allow(&["freq"])?;
            let freq = a.required("freq")?;
            match a.method.as_str() {
                "floor" => d.floor(freq),
                "ceil" => d.ceil(freq),
                _ => d.round(freq),
            }
        }
        "strftime" => {
            a.allow(&["date_format"])?;
            d.strftime(a.required("date_format")?)
        }
        "tz_convert" => {
            a.allow(&["tz"])?;
            d.tz_convert(a.string("tz")?)
        }
        _ => Err(a.bad("not a dt method rusk has")),
    }
}
