//! The routing table: which shards serve a slice, which of them takes a user, and the
//! placement recorded for a slice so that a later routing change cannot move its data.

use serde::Deserialize;

/// One entry of `slices_routing`: from slice `slice` on, use `shards` (indices into
/// `slices_shards`), until the next entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// First slice this entry applies to.
    pub slice: u64,
    /// Shard indices, in routing order (the order decides which shard takes a user).
    pub shards: Vec<usize>,
}

/// The routing table, sorted by slice. Empty means "every shard for every slice".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routing {
    entries: Vec<Entry>,
}

impl Routing {
    /// Parses the JSON list `[{"slice":k,"shards":[i,...]},...]` against `shard_count`
    /// shards. An empty text is the default table.
    pub fn parse(json: &str, shard_count: usize) -> Result<Routing, String> {
        if json.trim().is_empty() {
            return Ok(Routing::default());
        }
        let mut entries: Vec<Entry> = serde_json::from_str(json)
            .map_err(|e| format!("expected [{{\"slice\":k,\"shards\":[i,...]}},...]: {e}"))?;
        entries.sort_by_key(|e| e.slice);
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 && entries[i - 1].slice == entry.slice {
                return Err(format!("slice {} appears twice", entry.slice));
            }
            if entry.shards.is_empty() {
                return Err(format!(
                    "the entry for slice {} lists no shard",
                    entry.slice
                ));
            }
            for (j, &shard) in entry.shards.iter().enumerate() {
                if shard >= shard_count {
                    return Err(format!(
                        "the entry for slice {} names shard {shard}, but slices_shards has {shard_count}",
                        entry.slice
                    ));
                }
                if entry.shards[..j].contains(&shard) {
                    return Err(format!(
                        "the entry for slice {} names shard {shard} twice",
                        entry.slice
                    ));
                }
            }
        }
        Ok(Routing { entries })
    }

    /// The shard indices serving `slice`: the entry with the greatest `k <= slice`, or every
    /// shard when there is none.
    pub fn shards_for(&self, slice: u64, shard_count: usize) -> Vec<usize> {
        match self.entries.iter().rev().find(|e| e.slice <= slice) {
            Some(entry) => entry.shards.clone(),
            None => (0..shard_count).collect(),
        }
    }
}

/// Which of `n` shards takes the user whose keyed hash is `user_hash`.
pub fn pick(user_hash: &[u8; 16], n: usize) -> usize {
    let mut head = [0u8; 8];
    head.copy_from_slice(&user_hash[..8]);
    (u64::from_be_bytes(head) % n.max(1) as u64) as usize
}

/// Where a slice's data lives: its shards' addresses (credentials removed), in routing order.
/// The placement used at a slice's first write is recorded; later writes must match it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Shard addresses without credentials.
    pub addresses: Vec<String>,
}

impl Placement {
    /// The text recorded in Redis (a JSON list of addresses).
    pub fn fingerprint(&self) -> String {
        serde_json::to_string(&self.addresses).expect("strings serialize")
    }

    /// Parses a recorded fingerprint.
    pub fn from_fingerprint(text: &str) -> Option<Placement> {
        let addresses: Vec<String> = serde_json::from_str(text).ok()?;
        (!addresses.is_empty()).then_some(Placement { addresses })
    }

    /// The address taking the user with hash `user_hash`.
    pub fn shard_for(&self, user_hash: &[u8; 16]) -> &str {
        &self.addresses[pick(user_hash, self.addresses.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greatest_entry_at_or_below_the_slice_wins() {
        let r = Routing::parse(
            r#"[{"slice":3,"shards":[0,1,2,3]},{"slice":0,"shards":[0]},
                {"slice":1,"shards":[0,1]},{"slice":100,"shards":[2]}]"#,
            4,
        )
        .unwrap();
        assert_eq!(r.shards_for(0, 4), [0]);
        assert_eq!(r.shards_for(2, 4), [0, 1]);
        assert_eq!(r.shards_for(3, 4), [0, 1, 2, 3]);
        assert_eq!(r.shards_for(99, 4), [0, 1, 2, 3]);
        assert_eq!(r.shards_for(100, 4), [2]);
        assert_eq!(r.shards_for(u64::MAX, 4), [2]);
        let late = Routing::parse(r#"[{"slice":5,"shards":[1]}]"#, 3).unwrap();
        assert_eq!(
            late.shards_for(4, 3),
            [0, 1, 2],
            "before the first entry: every shard"
        );
        assert_eq!(Routing::parse(" ", 2).unwrap().shards_for(7, 2), [0, 1]);
    }

    #[test]
    fn bad_tables_are_explained() {
        let err = |json| Routing::parse(json, 2).unwrap_err();
        assert!(err(r#"[{"slice":0,"shards":[2]}]"#).contains("shard 2"));
        assert!(err(r#"[{"slice":0,"shards":[]}]"#).contains("no shard"));
        assert!(err(r#"[{"slice":0,"shards":[1,1]}]"#).contains("twice"));
        assert!(err(r#"[{"slice":1,"shards":[0]},{"slice":1,"shards":[1]}]"#).contains("twice"));
        assert!(err(r#"[{"slice":0,"nodes":[0]}]"#).contains("expected"));
        assert!(err("{").contains("expected"));
    }

    #[test]
    fn picks_spread_and_stay_put() {
        let mut seen = [0usize; 3];
        for i in 0u32..3000 {
            let mut h = [0u8; 16];
            h[..4].copy_from_slice(&i.wrapping_mul(2_654_435_761).to_be_bytes());
            let p = pick(&h, 3);
            assert_eq!(p, pick(&h, 3));
            seen[p] += 1;
        }
        assert!(seen.iter().all(|&n| n > 800), "{seen:?}");
    }

    #[test]
    fn fingerprints_round_trip() {
        let p = Placement {
            addresses: vec!["redis://a:1/0".into(), "redis://b:2/3".into()],
        };
        assert_eq!(
            Placement::from_fingerprint(&p.fingerprint()),
            Some(p.clone())
        );
        assert_eq!(Placement::from_fingerprint("[]"), None);
        assert_eq!(Placement::from_fingerprint("garbage"), None);
        let h = [7u8; 16];
        assert!(p.addresses.contains(&p.shard_for(&h).to_string()));
    }
}
