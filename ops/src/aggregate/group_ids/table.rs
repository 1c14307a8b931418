//! The open-addressing table under the primitive and string fast paths.
//!
//! Linear probing over a power-of-two array of fixed-size slots, at most
//! 3/4 full; a key's home slot is the top bits of its hash. Slots are never
//! removed or changed once written, and the table only grows between
//! batch chunks, which lets a probe run in two passes:
//!
//! ```text
//! pass 1 (gather): first[k] = slots[home(hash[k])] and the slot after it
//! pass 2 (resolve): first[k] holds the key? its id : probe the table
//! ```
//!
//! Pass 1's loads are independent of each other, so the processor keeps
//! many cache misses in flight at once instead of one per row: with 1e5
//! groups the table outgrows L2, and this is where the time goes (a
//! 1e5-group string key measured: benches/README.md). A gathered slot
//! that holds the key is right even if pass 2 has since inserted others;
//! one that does not (empty then, or another key) is probed again in the
//! live table. A table that fits in L1 skips pass 1.

/// A table slot: a key's fixed-size part and its group id.
pub(super) trait Slot: Copy {
    /// The empty slot (its id is `u32::MAX`, which no group has).
    const EMPTY: Self;
    /// The slot's group id (`u32::MAX` when empty).
    fn id(&self) -> u32;
    /// The hash of the slot's key (to re-place it when the table grows).
    fn hash(&self) -> u64;
}

/// Slots with linear probing.
#[derive(Debug)]
pub(super) struct Table<S: Slot> {
    slots: Vec<S>,
    /// `64 - log2(slots.len())`: a hash's top bits pick its home slot.
    shift: u32,
    len: usize,
}

/// The smallest table: 16 slots.
const MIN_BITS: u32 = 4;

impl<S: Slot> Table<S> {
    pub(super) fn new() -> Self {
        Table { slots: vec![S::EMPTY; 1 << MIN_BITS], shift: 64 - MIN_BITS, len: 0 }
    }

    /// Whether the slots fit in a core's L1 data cache (32 KiB on current
    /// x86 and Arm cores), where gathering ahead gains nothing.
    #[inline(always)]
    pub(super) fn fits_l1(&self) -> bool {
        self.slots.len() * std::mem::size_of::<S>() <= 32 << 10
    }

    /// The home slot of `hash`.
    #[inline(always)]
    pub(super) fn home(&self, hash: u64) -> usize {
        (hash >> self.shift) as usize
    }

    /// The slots at `i` and after it (a home slot and the next, for
    /// gathering: about one key in six is not in its home slot, at most
    /// 3/4 full, and most of those are in the next).
    #[inline(always)]
    pub(super) fn pair(&self, i: usize) -> [S; 2] {
        let next = (i + 1) & (self.slots.len() - 1);
        [self.slots.get(i).copied().unwrap_or(S::EMPTY), self.slots.get(next).copied().unwrap_or(S::EMPTY)]
    }

    /// Makes room for `additional` more keys without growing in between.
    pub(super) fn reserve(&mut self, additional: usize) {
        let need = self.len + additional;
        if need * 4 <= self.slots.len() * 3 {
            return;
        }
        let mut bits = 64 - self.shift;
        while need * 4 > (1usize << bits) * 3 {
            bits += 1;
        }
        let old = std::mem::replace(&mut self.slots, vec![S::EMPTY; 1 << bits]);
        self.shift = 64 - bits;
        let mask = self.slots.len() - 1;
        for s in old.into_iter().filter(|s| s.id() != u32::MAX) {
            let mut i = self.home(s.hash());
            while self.slots[i].id() != u32::MAX {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }

    /// The slot whose key `eq` accepts, probing from `hash`'s home, or
    /// the empty slot where it belongs (for [`Table::insert_at`]).
    #[inline(always)]
    pub(super) fn probe(&mut self, hash: u64, eq: impl Fn(&S) -> bool) -> Probe<S> {
        // Callers reserve per chunk; this keeps an empty slot (so the probe
        // ends) whatever they do.
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.reserve(1);
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            let s = self.slots[i];
            if s.id() == u32::MAX {
                return Probe::Vacant(i);
            }
            if eq(&s) {
                return Probe::Found(s);
            }
            i = (i + 1) & mask;
        }
    }

    /// Stores `slot` at `i`, an index [`Table::probe`] just returned.
    #[inline(always)]
    pub(super) fn insert_at(&mut self, i: usize, slot: S) {
        if let Some(s) = self.slots.get_mut(i) {
            *s = slot;
            self.len += 1;
        }
    }
}

/// What [`Table::probe`] found.
pub(super) enum Probe<S> {
    /// The key's slot.
    Found(S),
    /// The index of the empty slot where the key belongs.
    Vacant(usize),
}
