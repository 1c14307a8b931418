//! `df.sort_values(by, ascending, na_position)`.

use std::sync::Arc;

use rusk_ops::sort::SortKey;
use rusk_ops::{Error, Result};

use super::DataFrame;
use crate::plan::{LogicalPlan, Sort};

/// Where missing values (nulls, and NaN in float columns) go in a sort:
/// pandas' `na_position`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NaPosition {
    /// After every value (pandas' default).
    #[default]
    Last,
    /// Before every value.
    First,
}

/// The options of [`DataFrame::sort_values_with`], as pandas' arguments:
/// `SortOptions::default().ascending([true, false]).na_position(NaPosition::First)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SortOptions {
    ascending: Vec<bool>,
    na_position: NaPosition,
}

impl SortOptions {
    /// One direction per `by` column, or one for all (pandas' `ascending=`
    /// bool or list); empty (the default) is ascending.
    pub fn ascending(mut self, ascending: impl IntoIterator<Item = bool>) -> Self {
        self.ascending = ascending.into_iter().collect();
        self
    }

    /// Where nulls and NaN go (pandas' `na_position=`; default last).
    pub fn na_position(mut self, na_position: NaPosition) -> Self {
        self.na_position = na_position;
        self
    }

    /// The sort keys of `by` under these options.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when there are several directions and not
    /// one per column (pandas' `ValueError: Length of ascending != length of by`).
    fn keys(&self, by: &[&str]) -> Result<Vec<SortKey>> {
        let ascending: Vec<bool> = match self.ascending.as_slice() {
            [] => vec![true; by.len()],
            [one] => vec![*one; by.len()],
            many if many.len() == by.len() => many.to_vec(),
            many => {
                return Err(Error::InvalidArgument(format!(
                    "sort_values: {} ascending flags for {} columns in `by` (give one, or one per column)",
                    many.len(),
                    by.len()
                )))
            }
        };
        let nulls_first = self.na_position == NaPosition::First;
        Ok(by
            .iter()
            .zip(ascending)
            .map(|(c, asc)| SortKey::new(*c).ascending(asc).nulls_first(nulls_first))
            .collect())
    }
}

impl DataFrame {
    /// The rows sorted by the columns `by` (most significant first), as
    /// pandas' `df.sort_values(by, ascending=ascending, kind="stable")`:
    /// `ascending` has one flag per column, or one for all, or none
    /// (ascending). Ties keep the frame's row order; nulls and NaN go last.
    ///
    /// The result is one partition: this version gathers the partitions into
    /// one task to sort them (a range-partitioned sort is coming), so the
    /// frame must fit in memory.
    ///
    /// ```
    /// # fn main() -> rusk::Result<()> {
    /// let df = rusk::read_csv("fixtures/sales")?;
    /// let top = df.sort_values(&["region", "price"], &[true, false])?.head(3)?;
    /// assert_eq!(top.batches()[0].num_rows(), 3);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown column, [`Error::Type`] for a
    /// column that cannot be ordered, [`Error::InvalidArgument`] for no
    /// column or a wrong number of flags.
    pub fn sort_values(&self, by: &[&str], ascending: &[bool]) -> Result<DataFrame> {
        self.sort_values_with(by, SortOptions::default().ascending(ascending.iter().copied()))
    }

    /// [`DataFrame::sort_values`] with all of pandas' options:
    /// `df.sort_values_with(&["a"], SortOptions::default().na_position(NaPosition::First))`.
    ///
    /// NaN counts as missing, as in pandas: it goes to the `na_position`
    /// end, between the numbers and the nulls (pandas' order for
    /// Arrow-backed floats, which keep NaN and null apart as rusk does).
    ///
    /// # Errors
    /// As [`DataFrame::sort_values`].
    pub fn sort_values_with(&self, by: &[&str], options: SortOptions) -> Result<DataFrame> {
        self.sort_by_keys(options.keys(by)?)
    }

    /// The `n` rows with the largest values of `column`, largest first, as
    /// pandas' `df.nlargest(n, column)` (`keep="first"`: ties go to the
    /// earlier row; nulls and NaN rank below every value, so fewer than `n`
    /// values are filled with the first missing rows, as pandas does).
    ///
    /// Not a sort: each partition keeps its best `n` rows and a tree of
    /// merges (fan-in `split_every`) re-selects, so memory is `n` rows per
    /// task whatever the frame's size. One partition.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`]; [`Error::Type`] for a column that cannot
    /// be ranked (strings, booleans; pandas refuses them too).
    pub fn nlargest(&self, n: usize, column: &str) -> Result<DataFrame> {
        self.groupby(Vec::<String>::new())?.nlargest(n, column)
    }

    /// The `n` rows with the smallest values of `column`, smallest first
    /// (pandas' `df.nsmallest`); as [`DataFrame::nlargest`].
    ///
    /// # Errors
    /// As [`DataFrame::nlargest`].
    pub fn nsmallest(&self, n: usize, column: &str) -> Result<DataFrame> {
        self.groupby(Vec::<String>::new())?.nsmallest(n, column)
    }

    /// Sorts by kernel-level keys (each with its own direction and null placement).
    pub(crate) fn sort_by_keys(&self, keys: Vec<SortKey>) -> Result<DataFrame> {
        Ok(DataFrame::from_plan(LogicalPlan::Sort(Sort::try_new(Arc::clone(self.plan()), keys)?)))
    }
}

/// Parses one `--sort` column as the CLI writes it, `column[:asc|:desc]`,
/// into the column and whether it is ascending.
///
/// # Errors
/// [`Error::InvalidArgument`] for an empty column or another suffix.
pub fn parse_sort(spec: &str) -> Result<(String, bool)> {
    let spec = spec.trim();
    let (column, ascending) = match spec.rsplit_once(':') {
        Some((column, dir)) => match dir.trim().to_ascii_lowercase().as_str() {
            "asc" => (column.trim(), true),
            "desc" => (column.trim(), false),
            _ => {
                return Err(Error::InvalidArgument(format!(
                    "sort {spec:?}: the direction after ':' must be asc or desc"
                )))
            }
        },
        None => (spec, true),
    };
    if column.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "sort {spec:?}: no column (expected column[:asc|:desc])"
        )));
    }
    Ok((column.to_string(), ascending))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_sort_reads_directions() {
        assert_eq!(parse_sort("a").unwrap(), ("a".to_string(), true));
        assert_eq!(parse_sort(" b:desc ").unwrap(), ("b".to_string(), false));
        assert_eq!(parse_sort("c:ASC").unwrap(), ("c".to_string(), true));
        assert!(matches!(parse_sort("c:down"), Err(Error::InvalidArgument(m)) if m.contains("asc or desc")));
        assert!(matches!(parse_sort(":desc"), Err(Error::InvalidArgument(m)) if m.contains("no column")));
    }

    #[test]
    fn ascending_flags_broadcast_or_match() {
        let o = SortOptions::default();
        assert!(o.keys(&["a", "b"]).unwrap().iter().all(|k| k.ascending && !k.nulls_first));
        let o = SortOptions::default().ascending([false]).na_position(NaPosition::First);
        assert!(o.keys(&["a", "b"]).unwrap().iter().all(|k| !k.ascending && k.nulls_first));
        let keys = SortOptions::default().ascending([true, false]).keys(&["a", "b"]).unwrap();
        assert_eq!((keys[0].ascending, keys[1].ascending), (true, false));
        let err = SortOptions::default().ascending([true, false, true]).keys(&["a", "b"]);
        assert!(matches!(err, Err(Error::InvalidArgument(m)) if m.contains("3 ascending flags for 2")));
    }
}
