//! `df.merge(other, ..)`, `df.merge_asof(other, ..)` and `rusk::concat`.

use std::sync::Arc;

use arrow::datatypes::DataType;
use rusk_ops::expr::Expr;
use rusk_ops::join::{common_key_type, AsofDirection, AsofSpec, JoinSpec, JoinType};
use rusk_ops::{Error, Result};

use super::DataFrame;
use crate::plan::{AsofJoin, Concat, Join, JoinStrategy, LogicalPlan};

/// The options of [`DataFrame::merge`], in pandas' words:
/// `MergeOptions::on(["k"]).how(JoinType::Left).suffixes("_l", "_r")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeOptions {
    how: JoinType,
    left_on: Vec<String>,
    right_on: Vec<String>,
    suffixes: (String, String),
    indicator: Option<String>,
    strategy: JoinStrategy,
    npartitions: Option<usize>,
}

impl MergeOptions {
    fn new(left_on: Vec<String>, right_on: Vec<String>, how: JoinType) -> Self {
        MergeOptions {
            how,
            left_on,
            right_on,
            suffixes: ("_x".into(), "_y".into()),
            indicator: None,
            strategy: JoinStrategy::Auto,
            npartitions: None,
        }
    }

    /// Join on these columns, which both frames have (pandas' `on=`); an
    /// inner join unless [`MergeOptions::how`] says otherwise.
    pub fn on<I, S>(keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let keys: Vec<String> = keys.into_iter().map(Into::into).collect();
        MergeOptions::new(keys.clone(), keys, JoinType::Inner)
    }

    /// Join the left frame's `left_on` columns to the right frame's
    /// `right_on` columns, pairwise (pandas' `left_on=`, `right_on=`).
    pub fn left_right_on<I, S, J, T>(left_on: I, right_on: J) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        MergeOptions::new(
            left_on.into_iter().map(Into::into).collect(),
            right_on.into_iter().map(Into::into).collect(),
            JoinType::Inner,
        )
    }

    /// Every left row with every right row (pandas' `how="cross"`).
    pub fn cross() -> Self {
        MergeOptions::new(vec![], vec![], JoinType::Cross)
    }

    /// Which rows are kept (pandas' `how=`, plus `semi` and `anti`).
    pub fn how(mut self, how: JoinType) -> Self {
        self.how = how;
        self
    }

    /// Appended to non-key column names both frames have (default `_x`, `_y`).
    pub fn suffixes(mut self, left: impl Into<String>, right: impl Into<String>) -> Self {
        self.suffixes = (left.into(), right.into());
        self
    }

    /// Adds a `_merge` column saying where each row comes from:
    /// `left_only`, `right_only` or `both` (pandas' `indicator=True`).
    pub fn indicator(mut self, indicator: bool) -> Self {
        self.indicator = indicator.then(|| "_merge".to_string());
        self
    }

    /// The same, naming the column (pandas' `indicator="name"`).
    pub fn indicator_name(mut self, name: impl Into<String>) -> Self {
        self.indicator = Some(name.into());
        self
    }

    /// Broadcast a side or shuffle both (default: chosen from their
    /// estimated sizes; see the README's "Joins").
    pub fn strategy(mut self, strategy: JoinStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// The number of buckets (output partitions) of a shuffle join.
    pub fn npartitions(mut self, npartitions: usize) -> Self {
        self.npartitions = Some(npartitions);
        self
    }
}

/// The options of [`DataFrame::merge_asof`]:
/// `AsofOptions::on("time").by(["ticker"]).direction(AsofDirection::Nearest)`.
#[derive(Debug, Clone, PartialEq)]
pub struct AsofOptions {
    spec: AsofSpec,
}

impl AsofOptions {
    /// Match on this column, which both frames have.
    pub fn on(column: impl Into<String>) -> Self {
        let column = column.into();
        AsofOptions::left_right_on(column.clone(), column)
    }

    /// Match the left's `left_on` to the right's `right_on`.
    pub fn left_right_on(left_on: impl Into<String>, right_on: impl Into<String>) -> Self {
        AsofOptions {
            spec: AsofSpec {
                left_on: left_on.into(),
                right_on: right_on.into(),
                by_left: vec![],
                by_right: vec![],
                direction: AsofDirection::Backward,
                tolerance: None,
                allow_exact_matches: true,
                suffixes: ("_x".into(), "_y".into()),
            },
        }
    }

    /// Match only rows whose values in these columns, which both frames
    /// have, are equal (pandas' `by=`).
    pub fn by<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let by: Vec<String> = columns.into_iter().map(Into::into).collect();
        self.spec.by_left = by.clone();
        self.spec.by_right = by;
        self
    }

    /// `by` with other names on each side (pandas' `left_by=`, `right_by=`).
    pub fn left_right_by<I, S, J, T>(mut self, left_by: I, right_by: J) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.spec.by_left = left_by.into_iter().map(Into::into).collect();
        self.spec.by_right = right_by.into_iter().map(Into::into).collect();
        self
    }

    /// The last right key ≤ the left's (`Backward`, the default), the
    /// first ≥ (`Forward`), or the closest (`Nearest`).
    pub fn direction(mut self, direction: AsofDirection) -> Self {
        self.spec.direction = direction;
        self
    }

    /// The farthest a match may be, in the `on` column's units (for
    /// timestamps, in the column's time unit: nanoseconds for
    /// `datetime64[ns]`; for dates, days).
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.spec.tolerance = Some(tolerance);
        self
    }

    /// Whether equal keys match (default true; false makes the match strict).
    pub fn allow_exact_matches(mut self, allow: bool) -> Self {
        self.spec.allow_exact_matches = allow;
        self
    }

    /// Appended to column names both frames have (default `_x`, `_y`).
    pub fn suffixes(mut self, left: impl Into<String>, right: impl Into<String>) -> Self {
        self.spec.suffixes = (left.into(), right.into());
        self
    }
}

impl DataFrame {
    /// This frame joined with `right` on equal keys, as pandas'
    /// `df.merge(right, how=, on=, left_on=, right_on=, suffixes=, indicator=)`.
    ///
    /// Keys compare by value across types that pandas compares (`int32`
    /// with `int64`, an int with a float, any string kinds). **Null keys
    /// never match**, as in SQL and Polars (pandas matches NaN with NaN):
    /// a row with a null key is unmatched. A key column both frames name
    /// alike is one output column; other names both frames have get the
    /// suffixes. Row order: a broadcast join keeps the order of the side
    /// that is not broadcast, partition by partition; a shuffle gives
    /// hash-bucket order (as Dask); pandas sorts an outer join's keys.
    ///
    /// # Errors
    /// Unknown key columns, keys whose types never compare, mismatched
    /// `left_on`/`right_on`, output names that collide.
    pub fn merge(&self, right: &DataFrame, options: MergeOptions) -> Result<DataFrame> {
        let MergeOptions { how, left_on, right_on, suffixes, indicator, strategy, npartitions } = options;
        let spec = JoinSpec { how, left_on, right_on, suffixes, indicator };
        // Checked before casting anything, so errors name the frames' own
        // columns and types; this is the schema the result must have.
        let output = rusk_ops::join::join_schema(&self.schema(), &right.schema(), &spec)?;
        let (left, right, spec, hidden) = cast_mismatched_keys(self, right, spec)?;
        let join =
            Join::try_new(Arc::clone(left.plan()), Arc::clone(right.plan()), spec, strategy, npartitions)?;
        let joined = self.with_plan(LogicalPlan::Join(join));
        if hidden.is_empty() {
            return Ok(joined);
        }
        joined.select(output.fields().iter().map(|f| f.name().clone()))
    }

    /// Each row of this frame with the right row whose `on` key is nearest
    /// before it (or after, or either, by `direction`), as pandas'
    /// `merge_asof`. Both frames must be sorted by their `on` column (this
    /// one within each partition); the right frame is gathered into one
    /// batch and broadcast to every partition of this one, so it must fit
    /// in memory. The result keeps this frame's rows, order and partitions.
    ///
    /// # Errors
    /// Unknown columns, `on` columns that are not numbers, dates or times,
    /// `by` columns that do not pair up. At compute time: unsorted or null
    /// `on` keys, naming the side.
    pub fn merge_asof(&self, right: &DataFrame, options: AsofOptions) -> Result<DataFrame> {
        let node = AsofJoin::try_new(Arc::clone(self.plan()), Arc::clone(right.plan()), options.spec)?;
        Ok(self.with_plan(LogicalPlan::AsofJoin(node)))
    }
}

/// The frames stacked vertically, as pandas' `pd.concat(frames)`: the rows
/// of each in order, its partitions kept. Schemas unify as a dataset's
/// files do when read (int and float give float; a column a frame lacks is
/// null in its rows; a string with a number is an error naming the column
/// and both frames). Frames indexed by the same column keep it as the
/// index, with divisions when each frame's keys follow the previous
/// frame's (pandas' default `ignore_index=False`; see [`concat_with`]).
///
/// # Errors
/// No frames; columns whose types do not unify.
pub fn concat(frames: &[DataFrame]) -> Result<DataFrame> {
    concat_with(frames, false)
}

/// [`concat`], dropping the frames' index with `ignore_index` (pandas'
/// `ignore_index=True`; the index column stays, as an ordinary column).
///
/// # Errors
/// As [`concat`].
pub fn concat_with(frames: &[DataFrame], ignore_index: bool) -> Result<DataFrame> {
    let inputs = frames.iter().map(|f| Arc::clone(f.plan())).collect();
    Ok(DataFrame::from_plan(LogicalPlan::Concat(Concat::try_new(inputs, ignore_index)?)))
}

/// The two frames and the join's spec with key columns cast to their
/// common type where a hash of the value would differ (an int and a
/// float, two time units; ints of any width and strings of any kind
/// already hash alike), and the names of hidden key columns added.
///
/// A key both sides name alike is cast in place: it is one output column,
/// of the common type, as the output schema says. A pair with different
/// names keeps both columns as they are (pandas keeps the left's `int`
/// column an int), so the cast copies join as hidden shared keys
/// `__rusk_key_i`, which `merge` drops after the join.
fn cast_mismatched_keys(
    left: &DataFrame,
    right: &DataFrame,
    mut spec: JoinSpec,
) -> Result<(DataFrame, DataFrame, JoinSpec, Vec<String>)> {
    let (mut left, mut right) = (left.clone(), right.clone());
    let mut hidden = Vec::new();
    for i in 0..spec.left_on.len() {
        let (l, r) = (spec.left_on[i].clone(), spec.right_on[i].clone());
        let (ls, rs) = (left.schema(), right.schema());
        let lt = ls
            .field_with_name(&l)
            .map_err(|_| Error::merge_key_not_found("left", &l, &ls))?
            .data_type()
            .clone();
        let rt = rs
            .field_with_name(&r)
            .map_err(|_| Error::merge_key_not_found("right", &r, &rs))?
            .data_type()
            .clone();
        let Some(common) = common_key_type(&lt, &rt) else { continue };
        let hashes_alike = |t: &DataType| {
            let t = match t {
                DataType::Dictionary(_, v) => v.as_ref(),
                other => other,
            };
            let is_string =
                |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
            (t.is_integer() && common.is_integer()) || (is_string(t) && is_string(&common)) || *t == common
        };
        if hashes_alike(&lt) && hashes_alike(&rt) {
            continue;
        }
        let cast = |c: &str| Expr::Column(c.to_string()).astype(common.clone());
        if spec.is_shared_key(i) {
            left = left.with_column(l.clone(), cast(&l))?;
            right = right.with_column(r.clone(), cast(&r))?;
        } else {
            // Free on both sides: `with_column` would replace a user column.
            let (ls, rs) = (left.schema(), right.schema());
            let name = super::hidden::fresh_name(&format!("__rusk_key_{i}"), |n| {
                ls.field_with_name(n).is_ok() || rs.field_with_name(n).is_ok()
            });
            left = left.with_column(name.clone(), cast(&l))?;
            right = right.with_column(name.clone(), cast(&r))?;
            spec.left_on[i] = name.clone();
            spec.right_on[i] = name.clone();
            hidden.push(name);
        }
    }
    Ok((left, right, spec, hidden))
}

impl std::str::FromStr for JoinStrategy {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(JoinStrategy::Auto),
            "broadcast" => Ok(JoinStrategy::Broadcast),
            "shuffle" => Ok(JoinStrategy::Shuffle),
            other => Err(Error::InvalidArgument(format!(
                "unknown join strategy {other:?}; expected auto, broadcast or shuffle"
            ))),
        }
    }
}
