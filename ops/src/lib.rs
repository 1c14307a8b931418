//! Kernels over Arrow record batches: the bottom of rusk.
//!
//! Nothing here knows of plans, tasks or files: every function takes Arrow
//! arrays or batches and returns new ones, so each kernel can be tested with
//! two `RecordBatch`es and no engine. The error type of the whole project
//! lives here too (`error.rs`), so `rusk-io` and `rusk` return it without a
//! conversion layer.
#![warn(missing_docs)]

pub mod aggregate;
pub mod dedup;
pub mod dtype;
pub mod error;
pub mod expr;
pub mod join;
pub mod lookup;
pub mod partition;
pub mod sort;
pub mod time;
pub mod top_n;
pub mod window;

pub use error::{Error, Location, Result};
