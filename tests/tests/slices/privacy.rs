//! No raw user name reaches Redis; every key is under the configured prefix.

use super::{Shards, T0, event, summary, triple};

/// Every key in databases `dbs` and every value they hold (members, fields, strings).
fn everything(shards: &Shards, dbs: &[u8]) -> Vec<(u8, Vec<u8>, Vec<Vec<u8>>)> {
    let mut out = Vec::new();
    for &db in dbs {
        let mut conn = shards.redis(db);
        for key in shards.keys(db, "*") {
            let kind: String = redis::cmd("TYPE").arg(&key).query(&mut conn).unwrap();
            let values: Vec<Vec<u8>> = match kind.as_str() {
                "set" => redis::cmd("SMEMBERS").arg(&key).query(&mut conn).unwrap(),
                "hash" => redis::cmd("HGETALL").arg(&key).query(&mut conn).unwrap(),
                "string" => vec![redis::cmd("GET").arg(&key).query(&mut conn).unwrap()],
                "list" => redis::cmd("LRANGE")
                    .arg(&key)
                    .arg(0)
                    .arg(-1)
                    .query(&mut conn)
                    .unwrap(),
                "zset" => redis::cmd("ZRANGE")
                    .arg(&key)
                    .arg(0)
                    .arg(-1)
                    .query(&mut conn)
                    .unwrap(),
                _ => Vec::new(),
            };
            out.push((db, key, values));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_raw_user_name_exists_anywhere_in_redis() {
    let shards = Shards::new("privacy", &[1, 2, 3]);
    let dir = tempfile::tempdir().unwrap();
    // The HyperLogLog is on too, so its data is inspected as well.
    let host = shards.start(dir.path(), &[("slices_hll", "true")], &[]);
    let prefix = shards.backends.prefix.clone();
    let names: Vec<String> = (0..50)
        .map(|i| match i % 3 {
            0 => format!("{prefix}-Person.{i}@example.org"),
            1 => format!("{prefix}-Ünïcødé-名前-{i}"),
            _ => format!("{prefix} with spaces+plus {i}"),
        })
        .collect();
    for (i, name) in names.iter().enumerate() {
        let slice = (i % 4) as i64;
        let kind = if i % 2 == 0 { "click" } else { "impression" };
        let user: String = form_urlencoded(name);
        // Half with a client event id (kept for dedup), half as a form body.
        let query = format!("timestamp={}&user={user}&{kind}&id=e{i}", T0 + slice * 3600);
        if i % 2 == 0 {
            event(&host, &query);
        } else {
            let reply = host.post("/analytics", "application/x-www-form-urlencoded", &query);
            assert_eq!(reply.status, 202, "{}", reply.body);
        }
    }
    let total: u64 = (0..4)
        .map(|s| triple(&summary(&host, T0 + s * 3600)).0)
        .sum();
    assert_eq!(total, 50, "every user is counted");

    // Look at all of databases 0 to 3, not only the test's keys.
    let all = everything(&shards, &[0, 1, 2, 3]);
    let own: Vec<_> = all
        .iter()
        .filter(|(db, key, _)| *db != 0 && key.starts_with(prefix.as_bytes()))
        .collect();
    assert!(
        own.len() >= 4 * 2,
        "the test's keys are found: {}",
        own.len()
    );
    for (db, key, values) in &all {
        for name in &names {
            let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
            let encoded = form_urlencoded(name);
            let local = name.split('@').next().unwrap();
            for needle in [
                name.as_bytes(),
                local.as_bytes(),
                hex.as_bytes(),
                encoded.as_bytes(),
            ] {
                assert!(
                    !contains(key, needle),
                    "db {db} key {:?} holds a user name",
                    String::from_utf8_lossy(key)
                );
                for v in values {
                    assert!(
                        !contains(v, needle),
                        "db {db} key {:?} holds {name}",
                        String::from_utf8_lossy(key)
                    );
                }
            }
        }
    }
    // Every key the component wrote in the shard databases is under its prefix: the
    // prefix's keys are all of the slice/placement kinds it documents.
    for (_, key, _) in &own {
        let rest = String::from_utf8_lossy(&key[prefix.len() + 1..]).to_string();
        assert!(
            rest == "placements"
                || ["users", "counts", "hll", "ids"]
                    .iter()
                    .any(|k| rest.ends_with(&format!(":{k}"))),
            "unexpected key {rest}"
        );
    }
    // The user hashes are 16-byte keyed hashes.
    for (_, key, values) in &own {
        if key.ends_with(b":users") || key.ends_with(b":ids") {
            assert!(values.iter().all(|v| v.len() == 16), "{values:?}");
        }
    }
}

fn form_urlencoded(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
