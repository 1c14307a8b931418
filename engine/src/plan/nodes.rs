//! The node structs of the logical plan, each checking its input at build time.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use rusk_io::{Dataset, Pruned};
use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

use super::LogicalPlan;
use crate::udf::PartitionFn;

/// Files read through a dataset, with the columns and filters pushed into it.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The files.
    pub dataset: Arc<Dataset>,
    /// The columns the scan outputs, in this order; `None` for all.
    pub columns: Option<Vec<String>>,
    /// Conjuncts that rows must satisfy, pushed down by the optimizer: they
    /// prune files and row groups, then filter the rows that are read.
    pub filters: Vec<Expr>,
    /// What survives pruning by `filters` (computed once, when the node is built).
    pub pruned: Arc<Pruned>,
    /// The most bytes a partition should decode to, when a run's memory
    /// budget cut the partitions smaller than the files' (see
    /// [`Scan::sized`]); `None`: a partition per file, row-group run or
    /// block, as opened.
    pub sized_to: Option<u64>,
}

impl Scan {
    /// A scan of every column and partition.
    ///
    /// # Errors
    /// Never in practice (pruning with no filters keeps everything), but the
    /// dataset API is fallible.
    pub fn try_new(dataset: Arc<Dataset>) -> Result<Self> {
        let pruned = Arc::new(dataset.prune(&[])?);
        Ok(Scan { dataset, columns: None, filters: vec![], pruned, sized_to: None })
    }

    /// The same scan keeping only `columns`.
    pub fn with_columns(&self, columns: Vec<String>) -> Self {
        Scan { columns: Some(columns), ..self.clone() }
    }

    /// The same scan with `filters` (all must hold), re-pruned.
    ///
    /// # Errors
    /// Errors of evaluating the filters on hive values or statistics.
    pub fn with_filters(&self, filters: Vec<Expr>) -> Result<Self> {
        let pruned = Arc::new(self.dataset.prune(&filters)?);
        Ok(Scan { filters, pruned, sized_to: None, ..self.clone() })
    }

    /// The same scan with its partitions cut so that each decodes the
    /// columns it reads into about `max_bytes` or less
    /// ([`rusk_io::Dataset::split_to_fit`]).
    ///
    /// # Errors
    /// Errors of reading a CSV file to find record starts.
    pub fn sized(&self, max_bytes: u64) -> Result<Self> {
        let partitions =
            self.dataset.split_to_fit(&self.pruned.partitions, &self.read_columns(), max_bytes)?;
        let pruned = Arc::new(Pruned { partitions, ..self.pruned.as_ref().clone() });
        Ok(Scan { pruned, sized_to: Some(max_bytes), ..self.clone() })
    }

    /// The output schema.
    pub fn schema(&self) -> SchemaRef {
        let full = self.dataset.schema();
        match &self.columns {
            None => full,
            Some(cols) => {
                let fields: Vec<_> =
                    cols.iter().filter_map(|c| full.field_with_name(c).ok().cloned()).collect();
                Arc::new(Schema::new(fields))
            }
        }
    }

    /// The columns a task must read: the output columns and those the filters use.
    pub fn read_columns(&self) -> Vec<String> {
        let full = self.dataset.schema();
        let mut wanted: HashSet<String> = match &self.columns {
            None => full.fields().iter().map(|f| f.name().clone()).collect(),
            Some(c) => c.iter().cloned().collect(),
        };
        for f in &self.filters {
            wanted.extend(f.columns());
        }
        full.fields().iter().map(|f| f.name().clone()).filter(|n| wanted.contains(n)).collect()
    }

    /// Partitions left after pruning.
    pub fn npartitions(&self) -> usize {
        self.pruned.partitions.len()
    }
}

/// Batches already in memory, one per partition.
#[derive(Debug, Clone)]
pub struct InMemory {
    /// The partitions.
    pub batches: Arc<Vec<RecordBatch>>,
    schema: SchemaRef,
}

impl InMemory {
    /// Partitions `batches`, all of `schema`.
    ///
    /// # Errors
    /// [`Error::Type`] when a batch's schema differs from `schema`.
    pub fn try_new(schema: SchemaRef, batches: Vec<RecordBatch>) -> Result<Self> {
        for (i, b) in batches.iter().enumerate() {
            if b.schema().fields() != schema.fields() {
                return Err(Error::type_error(format!(
                    "partition {i} has schema {:?}, expected {:?}",
                    b.schema(),
                    schema
                )));
            }
        }
        Ok(InMemory { batches: Arc::new(batches), schema })
    }

    /// The schema.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// Rows in all partitions.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// Keeps the rows where `predicate` is true; null counts as false.
#[derive(Debug, Clone)]
pub struct Filter {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// A boolean expression over the input's columns.
    pub predicate: Expr,
}

impl Filter {
    /// Checks that the predicate is boolean over the input.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`], or [`Error::Type`] when it is not boolean.
    pub fn try_new(input: Arc<LogicalPlan>, predicate: Expr) -> Result<Self> {
        let dt = predicate.data_type(&input.schema())?;
        if dt != DataType::Boolean && dt != DataType::Null {
            return Err(Error::type_error(format!(
                "filter `{predicate}` is {}, not boolean",
                rusk_ops::dtype::pandas_dtype(&dt)
            )));
        }
        Ok(Filter { input, predicate })
    }
}

/// Computes the output columns, one expression each, named by their output names.
#[derive(Debug, Clone)]
pub struct Project {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// One expression per output column.
    pub exprs: Vec<Expr>,
    /// The output schema.
    pub schema: SchemaRef,
}

impl Project {
    /// Types every expression over the input.
    ///
    /// # Errors
    /// Unknown columns, type errors, and duplicate output names.
    pub fn try_new(input: Arc<LogicalPlan>, exprs: Vec<Expr>) -> Result<Self> {
        let in_schema = input.schema();
        let mut fields = Vec::with_capacity(exprs.len());
        let mut seen = HashSet::new();
        for e in &exprs {
            let data_type = e.data_type(&in_schema)?;
            // A plain column keeps its field; computed ones are nullable, as
            // the tasks that evaluate them build them (`scheduler::task`).
            let field = match e {
                Expr::Column(name) => in_schema.field_with_name(name)?.clone(),
                _ => Field::new(e.output_name(), data_type, true),
            };
            if !seen.insert(field.name().clone()) {
                return Err(Error::InvalidArgument(format!("duplicate output column {:?}", field.name())));
            }
            fields.push(field);
        }
        Ok(Project { input, exprs, schema: Arc::new(Schema::new(fields)) })
    }

    /// True when every expression is a plain column (a selection or reordering).
    pub fn is_selection(&self) -> bool {
        self.exprs.iter().all(|e| matches!(e, Expr::Column(_)))
    }
}

/// The first `n` rows, in partition order.
#[derive(Debug, Clone)]
pub struct Limit {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// How many rows.
    pub n: usize,
}

/// Regroups the rows into `npartitions` partitions, keeping their order.
#[derive(Debug, Clone)]
pub struct Repartition {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// Partitions wanted.
    pub npartitions: usize,
}

/// A user function applied to every partition.
#[derive(Debug, Clone)]
pub struct MapPartitions {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// The function.
    pub func: PartitionFn,
    /// Its output schema (found by running it on an empty batch, as Dask infers `meta`).
    pub schema: SchemaRef,
}
