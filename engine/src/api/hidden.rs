//! Names for the columns rusk makes up (hidden join keys, the parts of an
//! expression over aggregates): never one a user column already has, so a
//! user column of any name survives every operation.

/// `base`, or `base_1`, `base_2`, ... : the first that `taken` says is free.
pub(crate) fn fresh_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (1..).map(|n| format!("{base}_{n}")).find(|name| !taken(name)).unwrap_or_else(|| base.to_string())
    // the range never ends
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_gets_the_first_free_suffix() {
        let taken = ["k", "k_1", "k_3"];
        assert_eq!(fresh_name("k", |n| taken.contains(&n)), "k_2");
        assert_eq!(fresh_name("x", |n| taken.contains(&n)), "x");
    }
}
