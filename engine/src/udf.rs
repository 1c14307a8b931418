//! User functions that travel in plans and task graphs: a named `Arc`, so
//! graphs still print and compare. Below both `plan` and `graph`, which
//! hold them; a remote executor cannot run one (it is a Rust closure).

use std::fmt;
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use rusk_ops::Result;

/// A user function over a partition's batch, named for plans and errors.
#[derive(Clone)]
pub struct PartitionFn {
    /// The name shown by `explain` and in errors.
    pub name: String,
    /// The function.
    pub func: Arc<dyn Fn(RecordBatch) -> Result<RecordBatch> + Send + Sync>,
}

impl fmt::Debug for PartitionFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl PartialEq for PartitionFn {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && Arc::ptr_eq(&self.func, &other.func)
    }
}

/// Written as `{"user_function": name}`: the code does not travel.
impl serde::Serialize for PartitionFn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("PartitionFn", 1)?;
        s.serialize_field("user_function", &self.name)?;
        s.end()
    }
}

/// Read back as a function of the same name that fails when called: the
/// process that reads a graph does not have the closure. An executor that
/// has its own version of the function replaces `func` before running.
impl<'de> serde::Deserialize<'de> for PartitionFn {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Named {
            user_function: String,
        }
        let name = Named::deserialize(deserializer)?.user_function;
        let missing = name.clone();
        let func = move |_: RecordBatch| -> Result<RecordBatch> {
            Err(rusk_ops::Error::InvalidArgument(format!(
                "user function {missing} came from a serialized task graph, which names it but cannot carry its code"
            )))
        };
        Ok(PartitionFn { name, func: Arc::new(func) })
    }
}
