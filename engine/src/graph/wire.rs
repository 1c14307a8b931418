//! A task graph as bytes: JSON through serde, with in-memory batches as
//! Arrow IPC streams inside it. This is the seam another scheduler (a
//! distributed one) takes graphs through; [`crate::scheduler::run_task`]
//! runs their tasks one at a time.

use std::fmt;
use std::io::Cursor;

use arrow::ipc::reader::StreamReader;
use arrow::ipc::writer::StreamWriter;
use arrow::record_batch::RecordBatch;
use rusk_ops::{Error, Result};
use serde::{de, ser, Deserialize, Deserializer, Serialize, Serializer};

use super::TaskGraph;

/// An in-memory batch a task outputs as it is; equal when the data are.
/// Serialized as an Arrow IPC stream.
#[derive(Clone, PartialEq)]
pub struct MemoryBatch(pub RecordBatch);

impl fmt::Debug for MemoryBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} rows", self.0.num_rows())
    }
}

impl Serialize for MemoryBatch {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut bytes = Vec::new();
        let mut writer = StreamWriter::try_new(&mut bytes, &self.0.schema()).map_err(ser::Error::custom)?;
        writer.write(&self.0).map_err(ser::Error::custom)?;
        writer.finish().map_err(ser::Error::custom)?;
        drop(writer);
        serializer.serialize_bytes(&bytes)
    }
}

impl<'de> Deserialize<'de> for MemoryBatch {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let bytes = Vec::<u8>::deserialize(deserializer)?;
        let reader = StreamReader::try_new(Cursor::new(bytes), None).map_err(de::Error::custom)?;
        let schema = reader.schema();
        let batches = reader.collect::<std::result::Result<Vec<_>, _>>().map_err(de::Error::custom)?;
        match <[RecordBatch; 1]>::try_from(batches) {
            Ok([batch]) => Ok(MemoryBatch(batch)),
            Err(batches) if batches.is_empty() => Ok(MemoryBatch(RecordBatch::new_empty(schema))),
            Err(batches) => Err(de::Error::custom(format!(
                "an in-memory batch of {} IPC batches, not one",
                batches.len()
            ))),
        }
    }
}

impl TaskGraph {
    /// The graph as JSON: its tasks (ops, inputs, buckets), stages and
    /// outputs. Scans are descriptions any process can reopen (see
    /// [`rusk_io::FileScan`]); user functions are written by name only
    /// (see [`crate::udf::PartitionFn`]).
    ///
    /// # Errors
    /// [`Error::Internal`] when an in-memory batch does not encode.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Internal(format!("task graph to JSON: {e}")))
    }

    /// The graph [`TaskGraph::to_json`] wrote.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for text that is not such a graph.
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| Error::InvalidArgument(format!("not a rusk task graph: {e}")))
    }

    /// Whether any task calls a user function, which does not travel with
    /// a serialized graph.
    pub fn has_user_functions(&self) -> bool {
        self.tasks.iter().any(super::Task::calls_user_function)
    }

    /// Checks that the graph survives serialization: read back, it is
    /// equal (user functions aside, which compare by their code) and
    /// writes the same JSON. Debug builds check every graph they lower.
    ///
    /// # Errors
    /// [`Error::Internal`] describing the first difference.
    pub fn check_round_trip(&self) -> Result<()> {
        let json = self.to_json()?;
        let back = TaskGraph::from_json(&json)?;
        if back.to_json()? != json {
            return Err(Error::Internal("a task graph writes other JSON once read back".into()));
        }
        if !self.has_user_functions() && back != *self {
            let differs = self.tasks.iter().zip(&back.tasks).position(|(a, b)| a != b);
            return Err(Error::Internal(format!("task graph differs once read back, at task {differs:?}")));
        }
        Ok(())
    }
}
