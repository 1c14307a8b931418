//! The user-facing API: pandas names over the lazy plan.

mod dataframe;
mod dedup;
mod groupby;
mod hidden;
mod index;
mod merge;
mod rank;
mod read;
mod reductions;
mod resample;
mod series;
mod sort;
mod specs;
mod window;

pub use dataframe::{Analysis, DataFrame};
pub use groupby::{parse_agg, GroupBy};
pub use merge::{concat, concat_with, AsofOptions, MergeOptions};
pub use rank::RankMethod;
pub use read::{
    from_batches, read, read_csv, read_csv_with, read_parquet, read_parquet_with, read_with, InputFormat,
    ReadOptions,
};
pub use resample::{ohlc, Resampler};
pub use series::{IntoExpr, Operand, Series};
pub use sort::{parse_sort, NaPosition, SortOptions};
pub use specs::{parse_dtypes, parse_size};
pub use window::{
    cumcount, cumcount_from_end, cummax, cummin, cumprod, cumsum, diff, pct_change, rolling, rolling_on,
    shift, RollingWindow,
};
