//! Per-group sketches kept as one `LargeBinary` state column: the plumbing
//! shared by the HyperLogLog (`hll.rs`) and t-digest (`tdigest.rs`)
//! aggregates. `LargeBinary` so that many 4 KiB states cannot overflow
//! 32-bit offsets.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, LargeBinaryArray};
use arrow::buffer::{Buffer, OffsetBuffer, ScalarBuffer};

use super::accumulator::one;
use crate::error::{Error, Result};

/// A sketch that serializes to, and merges from, its state bytes.
pub(super) trait BinaryState {
    /// Appends the sketch's state bytes (none for an empty sketch).
    fn write_state(&self, out: &mut Vec<u8>);
    /// Adds the sketch of state bytes `bytes`.
    fn merge_state(&mut self, bytes: &[u8]) -> Result<()>;
}

/// The states of `sketches`, one per group, as a `LargeBinary` array;
/// `capacity` is a guess of the total bytes.
pub(super) fn states_array<S: BinaryState>(sketches: &[S], capacity: usize) -> Result<ArrayRef> {
    let mut bytes = Vec::with_capacity(capacity);
    let mut offsets = Vec::with_capacity(sketches.len() + 1);
    offsets.push(0i64);
    for s in sketches {
        s.write_state(&mut bytes);
        offsets.push(bytes.len() as i64);
    }
    // Offsets are a prefix sum from 0, as `OffsetBuffer::new` asserts.
    let array = LargeBinaryArray::try_new(
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Buffer::from_vec(bytes),
        None,
    )?;
    Ok(Arc::new(array))
}

/// Merges the state column `states` (row `i` into group `groups[i]`) into
/// `sketches`; `name` (the aggregate's) is for errors.
pub(super) fn merge_states<S: BinaryState>(
    sketches: &mut [S],
    states: &[ArrayRef],
    groups: &[u32],
    name: &str,
) -> Result<()> {
    let states = one(states, groups)?;
    let states = states
        .as_binary_opt::<i64>()
        .ok_or_else(|| Error::Internal(format!("a {name} state of type {}", states.data_type())))?;
    let n = sketches.len();
    for (i, &g) in groups.iter().enumerate() {
        let sketch = sketches
            .get_mut(g as usize)
            .ok_or_else(|| Error::Internal(format!("group id {g} past {n} groups")))?;
        if states.is_valid(i) {
            sketch.merge_state(states.value(i))?;
        }
    }
    Ok(())
}
