//! rusk: a partitioned, lazy dataframe engine with a pandas API.
//!
//! A [`DataFrame`] is a list of Arrow record-batch partitions wrapped in a
//! lazy logical plan. Methods build the plan; [`DataFrame::compute`]
//! optimizes it, lowers it to a graph of per-partition tasks and runs them on
//! a thread pool. See the README (below) for a tour.
#![doc = include_str!("../../README.md")]
#![warn(missing_docs)]

pub mod allocator;
mod api;
mod config;
pub mod delayed;
pub mod display;
mod execute;
pub mod explain;
pub mod graph;
pub mod lower;
pub mod optimizer;
pub mod plan;
mod progress;
pub mod query;
pub mod scheduler;
pub mod udf;

pub use api::ohlc;
pub use api::RankMethod;
pub use api::{concat, concat_with, AsofOptions, MergeOptions};
pub use api::{
    cumcount, cumcount_from_end, cummax, cummin, cumprod, cumsum, diff, pct_change, rolling, rolling_on,
    shift, RollingWindow,
};
pub use api::{
    from_batches, parse_agg, read, read_csv, read_csv_with, read_parquet, read_parquet_with, read_with,
    Analysis, DataFrame, GroupBy, InputFormat, ReadOptions, Resampler,
};
pub use api::{parse_dtypes, parse_size};
pub use api::{parse_sort, NaPosition, SortOptions};
pub use api::{IntoExpr, Operand, Series};
pub use config::{config, set_config, Cancel, Config, MAX_THREADS, TASK_WORKING_FACTOR};
pub use delayed::{delayed, from_delayed, Delayed};
pub use plan::{Divisions, JoinStrategy};
pub use progress::{Progress, ProgressCallback, ProgressSink, StageProgress};
pub use query::{parse_eval, Assigned, Assignment};
pub use rusk_io::metrics::ScanCounts;
pub use rusk_io::{CsvOptions, DateErrors, OnBadLines, ParquetOptions};
pub use rusk_ops::dedup::Keep;
pub use rusk_ops::expr::function::{DtAccessor, DtField, StrAccessor};
pub use rusk_ops::expr::{col, corr, lit, size, timedelta, AggregateFunction, BinaryOp, Expr, ScalarValue};
pub use rusk_ops::join::{AsofDirection, JoinType};
pub use rusk_ops::window::{Closed, Rolling, WindowSpec};
pub use rusk_ops::{Error, Location, Result};
pub use scheduler::RunMetrics;

/// Arrow, re-exported so users build batches and types with the same version.
pub use arrow;
