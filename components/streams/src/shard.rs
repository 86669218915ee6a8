//! Placing logical keys on a cluster's Redis instances, and naming their Redis keys.

use twox_hash::XxHash64;

/// The instance (index among `instances`) that holds logical key `key`.
pub fn instance_of(key: &[u8], instances: usize) -> usize {
    (XxHash64::oneshot(0, key) % instances.max(1) as u64) as usize
}

/// The Ello stream id's logical key: xxhash64 (seed 0) of the id, 8 big-endian bytes.
pub fn stream_key(stream_id: &str) -> Vec<u8> {
    XxHash64::oneshot(0, stream_id.as_bytes())
        .to_be_bytes()
        .to_vec()
}

/// The Redis key of one side of `key`: prefix, key, then `+` (adds) or `-` (removes).
pub fn side_key(prefix: &[u8], key: &[u8], suffix: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(prefix.len() + key.len() + 1);
    out.extend_from_slice(prefix);
    out.extend_from_slice(key);
    out.push(suffix);
    out
}

/// Groups item indexes by the instance of `key_of(item)`: one list per instance.
pub fn group<T>(items: &[T], instances: usize, key_of: impl Fn(&T) -> &[u8]) -> Vec<Vec<usize>> {
    let mut groups = vec![Vec::new(); instances.max(1)];
    for (i, item) in items.iter().enumerate() {
        groups[instance_of(key_of(item), instances)].push(i);
    }
    groups
}

/// A `SCAN MATCH` pattern for every key under `prefix` (glob characters escaped).
pub fn scan_pattern(prefix: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(prefix.len() + 1);
    for &b in prefix {
        if matches!(b, b'*' | b'?' | b'[' | b']' | b'\\' | b'^' | b'-') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'*');
    out
}

/// The logical key of a scanned Redis key, or `None` if it is not a side of one.
pub fn logical_key<'a>(prefix: &[u8], redis_key: &'a [u8]) -> Option<&'a [u8]> {
    let rest = redis_key.strip_prefix(prefix)?;
    match rest.last() {
        Some(b'+' | b'-') => Some(&rest[..rest.len() - 1]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xxhash64_of_known_inputs() {
        // Reference values of XXH64 with seed 0.
        assert_eq!(XxHash64::oneshot(0, b""), 0xEF46DB3751D8E999);
        assert_eq!(stream_key(""), 0xEF46DB3751D8E999u64.to_be_bytes());
        assert_eq!(stream_key("abc"), 0x44BC2CF5AD770999u64.to_be_bytes());
    }

    #[test]
    fn sharding_spreads_and_is_stable() {
        let keys: Vec<Vec<u8>> = (0..1000).map(|i| stream_key(&i.to_string())).collect();
        let groups = group(&keys, 3, |k| k);
        assert!(
            groups.iter().all(|g| g.len() > 250),
            "{:?}",
            groups.iter().map(Vec::len).collect::<Vec<_>>()
        );
        assert_eq!(groups.iter().map(Vec::len).sum::<usize>(), 1000);
        assert!(keys.iter().all(|k| instance_of(k, 1) == 0));
        assert_eq!(instance_of(b"x", 7), instance_of(b"x", 7));
    }

    #[test]
    fn keys_and_patterns() {
        assert_eq!(side_key(b"p:", b"k", b'+'), b"p:k+");
        assert_eq!(scan_pattern(b"t1_a[b]:"), b"t1_a\\[b\\]:*");
        assert_eq!(logical_key(b"p:", b"p:k+"), Some(&b"k"[..]));
        assert_eq!(logical_key(b"p:", b"p:+"), Some(&b""[..]));
        assert_eq!(logical_key(b"p:", b"p:walker"), None);
        assert_eq!(logical_key(b"p:", b"q:k+"), None);
    }
}
