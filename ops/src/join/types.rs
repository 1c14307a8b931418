//! What a join is asked to do.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// Which rows a join keeps (pandas' `how`, plus Polars' `semi` and `anti`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub enum JoinType {
    /// Pairs of rows whose keys are equal.
    #[default]
    Inner,
    /// Every left row, with its matches or nulls.
    Left,
    /// Every right row, with its matches or nulls.
    Right,
    /// Every row of both sides, matched where keys are equal.
    Outer,
    /// Left rows that have at least one match, once each, left columns only.
    Semi,
    /// Left rows that have no match, left columns only.
    Anti,
    /// Every left row with every right row (no keys).
    Cross,
}

impl JoinType {
    /// The name pandas (or Polars) uses.
    pub fn name(self) -> &'static str {
        match self {
            JoinType::Inner => "inner",
            JoinType::Left => "left",
            JoinType::Right => "right",
            JoinType::Outer => "outer",
            JoinType::Semi => "semi",
            JoinType::Anti => "anti",
            JoinType::Cross => "cross",
        }
    }

    /// True when the output has the right side's columns.
    pub fn keeps_right_columns(self) -> bool {
        !matches!(self, JoinType::Semi | JoinType::Anti)
    }

    /// True when left rows without a match are kept (with nulls on the right).
    pub fn keeps_unmatched_left(self) -> bool {
        matches!(self, JoinType::Left | JoinType::Outer)
    }

    /// True when right rows without a match are kept (with nulls on the left).
    pub fn keeps_unmatched_right(self) -> bool {
        matches!(self, JoinType::Right | JoinType::Outer)
    }
}

impl fmt::Display for JoinType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for JoinType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "inner" => JoinType::Inner,
            "left" => JoinType::Left,
            "right" => JoinType::Right,
            "outer" | "full" => JoinType::Outer,
            "semi" | "leftsemi" => JoinType::Semi,
            "anti" | "leftanti" => JoinType::Anti,
            "cross" => JoinType::Cross,
            other => {
                return Err(Error::InvalidArgument(format!(
                    "unknown join type {other:?}; expected inner, left, right, outer, semi, anti or cross"
                )))
            }
        })
    }
}

/// The value of the indicator column for a row from the left side only.
pub const INDICATOR_LEFT_ONLY: &str = "left_only";
/// The value of the indicator column for a row from the right side only.
pub const INDICATOR_RIGHT_ONLY: &str = "right_only";
/// The value of the indicator column for a matched pair.
pub const INDICATOR_BOTH: &str = "both";

/// A join of a left and a right batch, as pandas' `merge` describes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JoinSpec {
    /// Which rows are kept.
    pub how: JoinType,
    /// Key columns of the left side (empty for a cross join).
    pub left_on: Vec<String>,
    /// Key columns of the right side, one per left key.
    pub right_on: Vec<String>,
    /// Appended to the names of non-key columns both sides have (pandas'
    /// `suffixes`, default `("_x", "_y")`).
    pub suffixes: (String, String),
    /// The name of a column saying where each row came from (`left_only`,
    /// `right_only`, `both`), as pandas' `indicator=True` (`_merge`).
    pub indicator: Option<String>,
}

impl JoinSpec {
    /// A join of `how` on `left_on = right_on`, default suffixes, no indicator.
    pub fn new(how: JoinType, left_on: Vec<String>, right_on: Vec<String>) -> Self {
        JoinSpec { how, left_on, right_on, suffixes: ("_x".into(), "_y".into()), indicator: None }
    }

    /// Key pairs with the same name on both sides: pandas gives each one
    /// output column, not two.
    pub fn is_shared_key(&self, i: usize) -> bool {
        self.left_on.get(i).is_some() && self.left_on.get(i) == self.right_on.get(i)
    }
}
