//! The realtime view counters in Redis: the keys the Ello API reads, the one-round-trip
//! increment script, and reading counts back. No I/O here.

use std::collections::HashMap;

use spin_sdk::redis::{RedisParameter, RedisResult};

/// `<prefix>post:<post_id>:view_counter`.
pub fn post_key(prefix: &str, post_id: &str) -> String {
    format!("{prefix}post:{post_id}:view_counter")
}

/// `<prefix>user:<author_id>:total_post_views_counter`.
pub fn author_key(prefix: &str, author_id: &str) -> String {
    format!("{prefix}user:{author_id}:total_post_views_counter")
}

/// `<prefix>counted:<outbox id>`: set when a counter-outbox row's increments are applied.
pub fn counted_key(prefix: &str, outbox_id: i64) -> String {
    format!("{prefix}counted:{outbox_id}")
}

/// How long a `counted:` marker is kept (seconds): far longer than a row can wait for the
/// drain that deletes it.
pub const MARKER_TTL_SECONDS: i64 = 7 * 24 * 3600;

/// Applies one outbox row: unless its marker `KEYS[1]` exists, sets it (expiring after
/// `ARGV[1]` seconds) and adds `ARGV[i]` to `KEYS[i]` for every other key, atomically, so
/// the row's increments land exactly once however often it is applied. Returns the number
/// of counters bumped, or -1 when the row had been applied before.
pub const INCRBY_SCRIPT: &str = "if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return -1 end \
    for i = 2, #KEYS do redis.call('INCRBY', KEYS[i], ARGV[i]) end return #KEYS - 1";

/// The increments for newly stored `(post_id, author_id)` pairs: one per post counter
/// and one per author counter, summed per key (sorted, so the script's order is stable).
pub fn increments<'a>(
    prefix: &str,
    stored: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(String, i64)> {
    let mut posts: HashMap<&str, i64> = HashMap::new();
    let mut authors: HashMap<&str, i64> = HashMap::new();
    for (post, author) in stored {
        *posts.entry(post).or_default() += 1;
        *authors.entry(author).or_default() += 1;
    }
    let mut incs: Vec<(String, i64)> = posts
        .into_iter()
        .map(|(p, n)| (post_key(prefix, p), n))
        .chain(authors.into_iter().map(|(a, n)| (author_key(prefix, a), n)))
        .collect();
    incs.sort_unstable();
    incs
}

/// The `EVAL` arguments running [`INCRBY_SCRIPT`] with `marker` over `increments`.
pub fn eval_args(marker: &str, increments: &[(String, i64)]) -> Vec<RedisParameter> {
    let mut args = Vec::with_capacity(4 + 2 * increments.len());
    args.push(RedisParameter::Binary(INCRBY_SCRIPT.as_bytes().to_vec()));
    args.push(RedisParameter::Int64(increments.len() as i64 + 1));
    args.push(RedisParameter::Binary(marker.as_bytes().to_vec()));
    args.extend(
        increments
            .iter()
            .map(|(k, _)| RedisParameter::Binary(k.as_bytes().to_vec())),
    );
    args.push(RedisParameter::Int64(MARKER_TTL_SECONDS));
    args.extend(increments.iter().map(|(_, n)| RedisParameter::Int64(*n)));
    args
}

/// The value of one counter in an `MGET` reply (missing or unreadable: 0).
pub fn count(result: &RedisResult) -> i64 {
    match result {
        RedisResult::Int64(n) => *n,
        RedisResult::Binary(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0),
        RedisResult::Status(s) => s.trim().parse().unwrap_or(0),
        RedisResult::Nil => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_the_ello_api() {
        assert_eq!(post_key("", "12"), "post:12:view_counter");
        assert_eq!(author_key("", "7"), "user:7:total_post_views_counter");
        assert_eq!(post_key("t1:", "12"), "t1:post:12:view_counter");
    }

    #[test]
    fn increments_are_summed_per_key() {
        let incs = increments("", [("1", "a"), ("2", "a"), ("1", "a")]);
        assert_eq!(
            incs,
            [
                ("post:1:view_counter".to_string(), 2),
                ("post:2:view_counter".to_string(), 1),
                ("user:a:total_post_views_counter".to_string(), 3),
            ]
        );
        let args = eval_args("counted:9", &incs);
        assert_eq!(args.len(), 2 + 8);
        assert!(matches!(args[1], RedisParameter::Int64(4)));
        assert!(matches!(&args[2], RedisParameter::Binary(k) if k == b"counted:9"));
        assert!(matches!(args[6], RedisParameter::Int64(MARKER_TTL_SECONDS)));
        assert!(matches!(args[7], RedisParameter::Int64(2)));
    }

    #[test]
    fn counts_from_replies() {
        assert_eq!(count(&RedisResult::Binary(b"42".to_vec())), 42);
        assert_eq!(count(&RedisResult::Nil), 0);
        assert_eq!(count(&RedisResult::Binary(b"x".to_vec())), 0);
        assert_eq!(count(&RedisResult::Int64(3)), 3);
    }
}
