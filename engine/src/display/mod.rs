//! Printing frames the way their users expect: a materialized frame as
//! pandas prints a `DataFrame`, a lazy one as Dask prints its structure
//! (columns and dtypes, no values, nothing computed).
//!
//! pandas is the reference for the layout, number formatting and
//! truncation (`pandas/io/formats/format.py`); where rusk differs it says
//! so: nulls are always `<NA>` (Arrow has nulls, not NaN/NaT/None), and the
//! shape and dtypes lines are always printed.

mod cell;
mod dtype;
mod lazy;
mod table;
#[cfg(test)]
mod tests;

pub use dtype::dtype_name;
pub use lazy::format_lazy;
pub use table::format_frame;

/// How much of a frame [`format_frame`] shows, with pandas' option names
/// and defaults (`pd.options.display.*`); 0 means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisplayOptions {
    /// Frames with more rows are truncated (pandas' `display.max_rows`, 60).
    pub max_rows: usize,
    /// Rows shown when truncated, half from each end (pandas'
    /// `display.min_rows`, 10).
    pub min_rows: usize,
    /// Frames with more columns show half of this from each end (pandas'
    /// `display.max_columns`, 20).
    pub max_columns: usize,
    /// Longer values are cut to this many characters, ending in `...`
    /// (pandas' `display.max_colwidth`, 50); as in pandas, a limit of 3 or
    /// less cuts nothing.
    pub max_colwidth: usize,
}

impl Default for DisplayOptions {
    fn default() -> Self {
        DisplayOptions { max_rows: 60, min_rows: 10, max_columns: 20, max_colwidth: 50 }
    }
}
