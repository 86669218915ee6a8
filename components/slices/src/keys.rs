//! Redis key names. Every key starts with the configured prefix, so tests and tenants
//! sharing a Redis stay apart.
//!
//! Per slice and shard: `<prefix>:<slice>:users` (set of user hashes), `<prefix>:<slice>:counts`
//! (hash: `unique_users`, `clicks`, `impressions`, `late`), `<prefix>:<slice>:hll` (optional
//! HyperLogLog), `<prefix>:<slice>:ids` (set of client event id hashes, when events carry
//! ids). On the first shard only: `<prefix>:placements` (hash: slice → placement).

/// Builds the component's key names under one prefix.
#[derive(Debug, Clone, Copy)]
pub struct Keys<'a> {
    prefix: &'a str,
}

impl<'a> Keys<'a> {
    /// Keys under `prefix` (an empty prefix adds no separator).
    pub fn new(prefix: &'a str) -> Self {
        Keys { prefix }
    }

    fn key(&self, name: std::fmt::Arguments<'_>) -> String {
        if self.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}:{name}", self.prefix)
        }
    }

    /// The set of user hashes seen in `slice` (on one shard).
    pub fn users(&self, slice: u64) -> String {
        self.key(format_args!("{slice}:users"))
    }

    /// The counters of `slice` (on one shard).
    pub fn counts(&self, slice: u64) -> String {
        self.key(format_args!("{slice}:counts"))
    }

    /// The set of client event id hashes counted in `slice` (on one shard).
    pub fn ids(&self, slice: u64) -> String {
        self.key(format_args!("{slice}:ids"))
    }

    /// The HyperLogLog of `slice` (on one shard).
    pub fn hll(&self, slice: u64) -> String {
        self.key(format_args!("{slice}:hll"))
    }

    /// The placement registry (on the first shard).
    pub fn placements(&self) -> String {
        self.key(format_args!("placements"))
    }

    /// Scratch key `n`, used only inside one script run and deleted before it returns.
    pub fn scratch(&self, n: usize) -> String {
        self.key(format_args!("scratch:{n}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_carry_the_prefix() {
        let k = Keys::new("t1");
        assert_eq!(k.users(5), "t1:5:users");
        assert_eq!(k.counts(5), "t1:5:counts");
        assert_eq!(k.hll(5), "t1:5:hll");
        assert_eq!(k.placements(), "t1:placements");
        assert_eq!(k.scratch(2), "t1:scratch:2");
        assert_eq!(Keys::new("").counts(1), "1:counts");
    }
}
