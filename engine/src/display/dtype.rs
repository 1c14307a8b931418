//! The dtype names pandas users know, for Arrow types: defined once in
//! `rusk_ops::dtype` (errors use them too), shown here.

/// The pandas name of an Arrow type (see [`rusk_ops::dtype::pandas_dtype`]).
pub use rusk_ops::dtype::pandas_dtype as dtype_name;
