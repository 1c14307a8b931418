//! pandas' `rank`: `df.assign(r=df.v.rank(method="min"))` and
//! `df.groupby(k).v.rank()`, by passes rusk already has: the rows are
//! sorted by (keys, value), stably; one prefix pass numbers each row in its
//! group, a second numbers it within its run of equal values from both
//! ends, which gives every method's rank (`dense` counts the runs in a
//! third); the rows are then sorted back. Two range shuffles and two or
//! three prefix passes; nothing is gathered.

use arrow::datatypes::DataType;
use rusk_ops::expr::{col, lit};
use rusk_ops::{Error, Result};

use super::hidden::fresh_name;
use super::{cumcount, cumcount_from_end, cumsum, DataFrame, GroupBy};

/// How `rank` ranks equal values (pandas' `method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RankMethod {
    /// The mean of the ranks the ties span (pandas' default).
    #[default]
    Average,
    /// The lowest rank of the ties.
    Min,
    /// The highest rank of the ties.
    Max,
    /// Ties ranked in the frame's order.
    First,
    /// Like `Min`, but the ranks of successive values differ by 1.
    Dense,
}

impl RankMethod {
    /// The method pandas calls `name`.
    pub fn from_name(name: &str) -> Option<RankMethod> {
        match name {
            "average" => Some(RankMethod::Average),
            "min" => Some(RankMethod::Min),
            "max" => Some(RankMethod::Max),
            "first" => Some(RankMethod::First),
            "dense" => Some(RankMethod::Dense),
            _ => None,
        }
    }
}

impl DataFrame {
    /// Adds `name`, the rank of each row's `column` value among the frame's
    /// (pandas' `df.assign(name=df[column].rank(method, ascending))`):
    /// float64 from 1, null where the value is null or NaN
    /// (`na_option="keep"`). The rows keep their order.
    ///
    /// # Errors
    /// An unknown column, a name the frame has.
    pub fn rank(&self, name: &str, column: &str, method: RankMethod, ascending: bool) -> Result<DataFrame> {
        rank_by(self, Vec::new(), name, column, method, ascending)
    }
}

impl GroupBy {
    /// Adds `name`, the rank of each row's `column` value within its group
    /// (pandas' `df.groupby(keys)[column].rank(method, ascending)`), as
    /// [`DataFrame::rank`] per group; null where the key is null.
    ///
    /// # Errors
    /// As [`DataFrame::rank`]; keys that are not columns.
    pub fn rank(&self, name: &str, column: &str, method: RankMethod, ascending: bool) -> Result<DataFrame> {
        let by = self.key_columns("rank")?;
        rank_by(self.frame(), by, name, column, method, ascending)
    }
}

fn rank_by(
    df: &DataFrame,
    by: Vec<String>,
    name: &str,
    column: &str,
    method: RankMethod,
    ascending: bool,
) -> Result<DataFrame> {
    let schema = df.schema();
    schema.field_with_name(column).map_err(|_| Error::ColumnNotFound {
        name: column.to_string(),
        available: schema.fields().iter().map(|f| f.name().clone()).collect(),
    })?;
    if schema.field_with_name(name).is_ok() {
        return Err(Error::InvalidArgument(format!("column {name:?} exists; pick another name")));
    }
    let mut taken: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    taken.push(name.to_string());
    let mut hidden = |base: &str| {
        let fresh = fresh_name(base, |n| taken.iter().any(|t| t == n));
        taken.push(fresh.clone());
        fresh
    };
    let (row, pos, before, after, dense) = (
        hidden("__row"),
        hidden("__pos"),
        hidden("__ties_before"),
        hidden("__ties_after"),
        hidden("__dense"),
    );
    let numbered = df.assign_window([(row.clone(), cumcount())])?;
    // Null and NaN values sort last in their group and count as missing
    // keys to the ties' pass, so their ranks are null; the values' ranks
    // only count the rows before them.
    let mut keys: Vec<&str> = by.iter().map(String::as_str).collect();
    keys.push(column);
    let mut order = vec![true; by.len()];
    order.push(ascending);
    let sorted = numbered.sort_values(&keys, &order)?;
    let numbered_in_group = sorted.window_by([(pos.clone(), cumcount())], by.clone())?;
    let mut ties_by = by.clone();
    ties_by.push(column.to_string());
    let ties = numbered_in_group
        .window_by([(before.clone(), cumcount()), (after.clone(), cumcount_from_end())], ties_by)?;
    let (p, b, a) = (col(&pos), col(&before), col(&after));
    let one = || lit(1i64);
    let (ranked, extra) = match method {
        RankMethod::Average => (p - b.clone() + (b + a) / lit(2.0) + lit(1.0), None),
        RankMethod::Min => (p - b + one(), None),
        RankMethod::Max => (p + a + one(), None),
        // `b - b`: null for a missing value, which a tie count is.
        RankMethod::First => (p + one() + (b.clone() - b), None),
        RankMethod::Dense => {
            // Each run of equal values starts where no tie comes before it.
            let starts = hidden("__starts");
            let flagged = ties.assign([(starts.clone(), b.eq(lit(0i64)).astype(DataType::Int64))])?;
            let counted = flagged.window_by([(dense.clone(), cumsum(&starts))], by.clone())?;
            (col(&dense), Some((counted, starts)))
        }
    };
    let (frame, mut helpers) = match extra {
        Some((counted, starts)) => (counted, vec![starts, dense]),
        None => (ties, vec![]),
    };
    helpers.extend([pos, before, after]);
    let ranked = frame.assign([(name.to_string(), ranked.astype(DataType::Float64))])?;
    let ranked = ranked.drop(helpers.iter().map(String::as_str))?;
    ranked.sort_values(&[row.as_str()], &[true])?.drop([row.as_str()])
}
