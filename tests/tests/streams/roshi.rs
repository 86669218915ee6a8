//! The Roshi routes under `/roshi`: base64 keys and members, select with offset, cursors
//! and coalesce, and a randomized run checked against the LWW element set's definition.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{App, in_each_mode};

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn b64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(STD[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A Roshi cursor: the score's bits, `A`, the URL-safe base64 member.
pub fn cursor(score: f64, member: &[u8]) -> String {
    format!(
        "{}A{}",
        score.to_bits(),
        b64(member).replace('+', "-").replace('/', "_")
    )
}

/// Percent-encodes a query value.
fn esc(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn ksm(key: &[u8], score: f64, member: &[u8]) -> Value {
    json!({ "key": b64(key), "score": score, "member": b64(member) })
}

fn members(records: &Value) -> Vec<Vec<u8>> {
    records
        .as_array()
        .unwrap()
        .iter()
        .map(|r| decode(r["member"].as_str().unwrap()))
        .collect()
}

/// Decodes standard base64 (test side).
fn decode(text: &str) -> Vec<u8> {
    let vals: Vec<u32> = text
        .bytes()
        .filter(|&b| b != b'=')
        .map(|b| STD.iter().position(|&c| c == b).unwrap() as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in vals.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0, |n, (i, v)| n | v << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

#[test]
fn base64_helpers_agree() {
    for bytes in [&b""[..], b"f", b"fo", b"foo", b"\xfb\xff", b"\xff\xff\xff"] {
        assert_eq!(decode(&b64(bytes)), bytes);
    }
    assert_eq!(b64(b"\xfb\xff"), "+/8=");
}

#[test]
fn insert_select_delete() {
    in_each_mode("streams_roshi_basic", &[], |app| {
        let body = json!([
            ksm(b"k1", 1.0, b"a"),
            ksm(b"k1", 3.0, b"c"),
            ksm(b"k1", 2.0, b"b"),
            ksm(b"\x00k2", 2.5, b"x")
        ]);
        let r = app.call("POST", "/roshi", Some(&body.to_string()));
        assert_eq!(r.status, 200, "{}", r.body);
        let reply = r.json();
        assert_eq!(reply["inserted"], 4);
        assert!(reply["duration"].as_str().unwrap().ends_with('s'));
        let keys = json!([b64(b"k1"), b64(b"\x00k2"), b64(b"none")]).to_string();
        let r = app.call("POST", "/roshi/select?limit=2", Some(&keys));
        assert_eq!(r.status, 200, "{}", r.body);
        let records = &r.json()["records"];
        assert_eq!(
            records[b64(b"k1")],
            json!([
                {"key": b64(b"k1"), "score": 3.0, "member": b64(b"c")},
                {"key": b64(b"k1"), "score": 2.0, "member": b64(b"b")},
            ])
        );
        assert_eq!(members(&records[b64(b"\x00k2")]), [b"x"]);
        assert_eq!(records[b64(b"none")], json!([]));
        // The original's GET with a body works the same.
        let r = app.call("GET", "/roshi?limit=2", Some(&keys));
        assert_eq!(r.json()["records"], *records);
        // offset, and coalesce across keys
        let r = app.call(
            "POST",
            "/roshi/select?offset=1&limit=2&coalesce=true",
            Some(&keys),
        );
        assert_eq!(
            members(&r.json()["records"]),
            [b"x".to_vec(), b"b".to_vec()]
        );
        let r = app.call(
            "DELETE",
            "/roshi",
            Some(&json!([ksm(b"k1", 3.0, b"c")]).to_string()),
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["deleted"], 1);
        let r = app.call("POST", "/roshi/select?coalesce=true", Some(&keys));
        assert_eq!(
            members(&r.json()["records"]),
            [b"x".to_vec(), b"b".to_vec(), b"a".to_vec()]
        );
        // start/stop: strictly between two cursors
        let q = format!(
            "/roshi/select?start={}&stop={}",
            esc(&cursor(2.5, b"x")),
            esc(&cursor(1.0, b"a"))
        );
        let r = app.call("POST", &format!("{q}&coalesce=true"), Some(&keys));
        assert_eq!(members(&r.json()["records"]), [b"b".to_vec()]);
    });
}

#[test]
fn cursors_with_empty_binary_and_plus_slash_members() {
    in_each_mode("streams_roshi_cursors", &[], |app| {
        // std base64 of these has '+', '/' and '='; the empty member has an empty cursor tail
        let tricky: Vec<&[u8]> = vec![
            b"",
            b"\xfb\xff",
            b"\xff\xff\xff",
            b"\xfb\xef\xbe",
            b"\x00",
            b"\x00\x00",
            b"A",
            b"\xff",
            b"plain",
        ];
        let body: Vec<Value> = tricky.iter().map(|m| ksm(b"k", 7.0, m)).collect();
        assert_eq!(
            app.call("POST", "/roshi", Some(&json!(body).to_string()))
                .status,
            200
        );
        let keys = json!([b64(b"k")]).to_string();
        let all = app
            .call("POST", "/roshi/select?limit=100&coalesce=true", Some(&keys))
            .json();
        let all = members(&all["records"]);
        let mut expected: Vec<Vec<u8>> = tricky.iter().map(|m| m.to_vec()).collect();
        expected.sort_by(|a, b| b.cmp(a));
        assert_eq!(all, expected, "equal scores: member bytes descending");
        // one element per page, each cursor built from the previous element
        for escape in [true, false] {
            let mut seen = Vec::new();
            let mut start: Option<String> = None;
            loop {
                let q = match &start {
                    None => "/roshi/select?limit=1&coalesce=true".to_string(),
                    Some(c) if escape => {
                        format!("/roshi/select?limit=1&coalesce=true&start={}", esc(c))
                    }
                    // unescaped: '=' survives in a query value; '-'/'_' need no escaping
                    Some(c) => format!("/roshi/select?limit=1&coalesce=true&start={c}"),
                };
                let r = app.call("POST", &q, Some(&keys));
                assert_eq!(r.status, 200, "{q}: {}", r.body);
                let page = members(&r.json()["records"]);
                let Some(m) = page.first() else { break };
                start = Some(cursor(7.0, m));
                seen.push(m.clone());
            }
            assert_eq!(seen, expected);
        }
        // A standard-alphabet cursor (the original's) is read too.
        let std_cursor = format!("{}A{}", 7f64.to_bits(), b64(b"\xff\xff\xff"));
        let q = format!(
            "/roshi/select?limit=1&coalesce=true&start={}",
            esc(&std_cursor)
        );
        let page = members(&app.call("POST", &q, Some(&keys)).json()["records"]);
        let after = expected.iter().position(|m| m == b"\xff\xff\xff").unwrap() + 1;
        assert_eq!(page, expected[after..after + 1]);
    });
}

#[test]
fn bad_requests_are_400() {
    in_each_mode("streams_roshi_errors", &[], |app| {
        let keys = json!([b64(b"k")]).to_string();
        for (path, body, what) in [
            ("/roshi/select?offset=1&start=0A", keys.as_str(), "`offset`"),
            ("/roshi/select?offset=1&stop=0A", keys.as_str(), "`offset`"),
            ("/roshi/select?start=nonsense", keys.as_str(), "`start`"),
            ("/roshi/select?stop=1Aa%21", keys.as_str(), "`stop`"),
            ("/roshi/select?limit=many", keys.as_str(), "`limit`"),
            ("/roshi/select", "{}", "array"),
            ("/roshi/select", "[\"!!\"]", "base64"),
        ] {
            let r = app.call("POST", path, Some(body));
            assert_eq!(r.status, 400, "{path} {body}: {}", r.body);
            assert!(
                r.json()["detail"].as_str().unwrap().contains(what),
                "{path}: {}",
                r.body
            );
        }
        for body in [
            "{}",
            "[{\"key\":\"!\",\"score\":1,\"member\":\"\"}]",
            "[{\"key\":\"\",\"score\":\"x\",\"member\":\"\"}]",
        ] {
            assert_eq!(app.call("POST", "/roshi", Some(body)).status, 400, "{body}");
            assert_eq!(
                app.call("DELETE", "/roshi", Some(body)).status,
                400,
                "{body}"
            );
        }
    });
}

/// A seeded SplitMix64.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

#[test]
fn random_writes_converge_to_the_lww_definition() {
    let app = App::start("streams_roshi_random", &[], &[]);
    let mut rng = Rng(2024);
    let keys: [&[u8]; 3] = [b"r1", b"r2", b"\xffr3"];
    let members: [&[u8]; 4] = [b"", b"m", b"\xfb\xff", b"mm"];
    let ops: Vec<(bool, &[u8], f64, &[u8])> = (0..300)
        .map(|_| {
            (
                rng.below(3) == 0,
                keys[rng.below(3) as usize],
                rng.below(8) as f64 - 2.0,
                members[rng.below(4) as usize],
            )
        })
        .collect();
    // The definition: per key and member, the highest write wins, a delete on a tie.
    type KeyMember<'a> = (&'a [u8], &'a [u8]);
    let mut winner: BTreeMap<KeyMember, (f64, bool)> = BTreeMap::new();
    for &(delete, k, s, m) in &ops {
        let w = winner.entry((k, m)).or_insert((s, delete));
        if s > w.0 || (s == w.0 && delete) {
            *w = (s, delete);
        }
    }
    let send = |batch: &[(bool, &[u8], f64, &[u8])]| {
        for delete in [false, true] {
            let body: Vec<Value> = batch
                .iter()
                .filter(|o| o.0 == delete)
                .map(|o| ksm(o.1, o.2, o.3))
                .collect();
            let method = if delete { "DELETE" } else { "POST" };
            let r = app.call(method, "/roshi", Some(&json!(body).to_string()));
            assert_eq!(r.status, 200, "{}", r.body);
        }
    };
    // Random-sized batches over several keys, in order; then everything again, reversed.
    let mut i = 0;
    while i < ops.len() {
        let n = 1 + rng.below(20) as usize;
        send(&ops[i..(i + n).min(ops.len())]);
        i += n;
    }
    let read = || {
        let body = json!(keys.iter().map(|k| b64(k)).collect::<Vec<_>>()).to_string();
        app.call("POST", "/roshi/select?limit=100", Some(&body))
            .json()["records"]
            .clone()
    };
    let first = read();
    for k in keys {
        let mut expected: Vec<(f64, Vec<u8>)> = winner
            .iter()
            .filter(|((key, _), (_, delete))| *key == k && !delete)
            .map(|((_, m), (s, _))| (*s, m.to_vec()))
            .collect();
        expected.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
        let got: Vec<(f64, Vec<u8>)> = first[b64(k)]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["score"].as_f64().unwrap(),
                    decode(r["member"].as_str().unwrap()),
                )
            })
            .collect();
        assert_eq!(got, expected, "key {k:?}");
    }
    let reversed: Vec<_> = ops.iter().rev().copied().collect();
    for chunk in reversed.chunks(7) {
        send(chunk);
    }
    assert_eq!(
        read(),
        first,
        "re-applying every write in another order changes nothing"
    );
}
