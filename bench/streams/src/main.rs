//! Measures the `streams` component through a running `tally up` beside the same Redis
//! work issued directly from a native client, in the same run:
//!
//! - insert throughput: `PUT /streams` batches vs. the write script `EVAL`ed natively
//!   (pipelined), and vs. one `EVAL` per item (pipelined);
//! - coalesce of 10, 100 and 500 streams (limit 20): `POST /streams/coalesce` vs. the
//!   equivalent pipelined `ZREVRANGE ... WITHSCORES` reads merged natively, and vs. the
//!   component's select script `EVAL`ed natively.
//!
//! `tally-bench-streams <host url> <redis url> <key prefix> [iterations]`, run from the
//! repository root (it reads the Lua scripts from `components/streams/src/lua`).

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use twox_hash::XxHash64;

const STREAMS: usize = 500;
const ITEMS_PER_STREAM: usize = 40;
const BATCH: usize = 100;
const LIMIT: usize = 20;
const BASE_NS: i64 = 1_446_052_092_000_000_000;

fn key(prefix: &str, stream: &str) -> Vec<u8> {
    let mut k = prefix.as_bytes().to_vec();
    k.extend_from_slice(&XxHash64::oneshot(0, stream.as_bytes()).to_be_bytes());
    k
}

fn side(k: &[u8], s: u8) -> Vec<u8> {
    let mut k = k.to_vec();
    k.push(s);
    k
}

/// Item `i` of stream `s`: a spread of times, some equal across streams.
fn item(s: usize, i: usize) -> (String, i64) {
    let ns = BASE_NS + ((i * 7919 + s * 104_729) % 5_000) as i64 * 1_000_000_000;
    (format!("c{s}-{i}"), ns)
}

fn rfc3339(ns: i64) -> String {
    // whole seconds only: days since the epoch by the civil-from-days algorithm
    let secs = ns.div_euclid(1_000_000_000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn member(id: &str, stream: &str) -> String {
    format!(r#"{{"content_id":"{id}","stream_id":"{stream}","type":0}}"#)
}

struct Stats {
    mean: Duration,
    p50: Duration,
    p99: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let n = samples.len();
    Stats {
        mean: samples.iter().sum::<Duration>() / n as u32,
        p50: samples[n / 2],
        p99: samples[(n * 99 / 100).min(n - 1)],
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn time<T>(iterations: usize, mut f: impl FnMut() -> T) -> (Stats, T) {
    let mut last = f(); // warm-up
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        last = f();
        samples.push(t.elapsed());
    }
    (stats(samples), last)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (url, redis_url, prefix) = (&args[1], &args[2], &args[3]);
    let iterations: usize = args.get(4).and_then(|n| n.parse().ok()).unwrap_or(200);
    let write_lua = std::fs::read_to_string("components/streams/src/lua/write.lua").unwrap();
    let select_lua = std::fs::read_to_string("components/streams/src/lua/select.lua").unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let client = redis::Client::open(redis_url.as_str()).unwrap();
    let mut conn = client.get_connection().unwrap();
    let streams: Vec<String> = (0..STREAMS).map(|s| format!("bench-stream-{s}")).collect();
    let items: Vec<(usize, String, i64)> = (0..ITEMS_PER_STREAM)
        .flat_map(|i| (0..STREAMS).map(move |s| (s, i)))
        .map(|(s, i)| {
            let (id, ns) = item(s, i);
            (s, id, ns)
        })
        .collect();

    println!(
        "{} items in {STREAMS} streams, batches of {BATCH}, {iterations} timed reads per case",
        items.len()
    );
    println!();
    println!("| insert path | items/s |");
    println!("|---|---|");
    // Through the host: PUT /streams, two client threads.
    let bodies: Vec<String> = items
        .chunks(BATCH)
        .map(|c| {
            json!(c.iter().map(|(s, id, ns)| json!({"id": id, "ts": rfc3339(*ns), "type": 0, "stream_id": streams[*s]})).collect::<Vec<_>>()).to_string()
        })
        .collect();
    let t = Instant::now();
    std::thread::scope(|scope| {
        for part in bodies.chunks(bodies.len().div_ceil(2)) {
            let agent = agent.clone();
            scope.spawn(move || {
                for body in part {
                    let r = agent
                        .put(format!("{url}/streams"))
                        .header("content-type", "application/json")
                        .send(body.as_str())
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 201);
                }
            });
        }
    });
    let host_rate = items.len() as f64 / t.elapsed().as_secs_f64();
    println!(
        "| `PUT /streams` through the host ({BATCH} items/request, 2 clients) | {host_rate:.0} |"
    );
    // Natively: the same write script, one EVAL per batch, pipelined, into a second prefix.
    let native_prefix = format!("{prefix}native:");
    let write_batch = |pipe: &mut redis::Pipeline, batch: &[(usize, String, i64)]| {
        let mut cmd = redis::cmd("EVAL");
        cmd.arg(&write_lua).arg(batch.len() * 2);
        for (s, _, _) in batch {
            let k = key(&native_prefix, &streams[*s]);
            cmd.arg(side(&k, b'+')).arg(side(&k, b'-'));
        }
        cmd.arg(10_000);
        for (s, id, ns) in batch {
            cmd.arg("+")
                .arg(format!("{}", *ns as f64))
                .arg(member(id, &streams[*s]));
        }
        pipe.add_command(cmd);
    };
    let t = Instant::now();
    let mut pipe = redis::pipe();
    for batch in items.chunks(BATCH) {
        write_batch(&mut pipe, batch);
    }
    let _: Vec<Value0> = pipe.query(&mut conn).unwrap();
    let native_rate = items.len() as f64 / t.elapsed().as_secs_f64();
    println!("| write script natively, one EVAL per {BATCH} items, pipelined | {native_rate:.0} |");
    let t = Instant::now();
    let mut pipe = redis::pipe();
    for one in items.chunks(1) {
        write_batch(&mut pipe, one);
    }
    let _: Vec<Value0> = pipe.query(&mut conn).unwrap();
    let per_item_rate = items.len() as f64 / t.elapsed().as_secs_f64();
    println!("| write script natively, one EVAL per item, pipelined | {per_item_rate:.0} |");
    println!();

    println!(
        "| streams (limit {LIMIT}) | host `POST /streams/coalesce` mean / p50 / p99 ms | native pipelined ZREVRANGE + merge mean / p50 / p99 ms | select script natively (1 EVAL) mean / p50 / p99 ms | host / pipelined (mean) |"
    );
    println!("|---|---|---|---|---|");
    for n in [10, 100, 500] {
        let body = json!({ "streams": &streams[..n] }).to_string();
        let (host, reply) = time(iterations, || {
            let mut r = agent
                .post(format!("{url}/streams/coalesce?limit={LIMIT}"))
                .header("content-type", "application/json")
                .send(body.as_str())
                .unwrap();
            r.body_mut().read_to_string().unwrap()
        });
        let host_ids: Vec<String> = serde_json::from_str::<Value>(&reply)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        let keys: Vec<Vec<u8>> = streams[..n]
            .iter()
            .map(|s| side(&key(prefix, s), b'+'))
            .collect();
        let (native, merged) = time(iterations, || {
            let mut pipe = redis::pipe();
            for k in &keys {
                pipe.cmd("ZREVRANGE")
                    .arg(k)
                    .arg(0)
                    .arg(LIMIT - 1)
                    .arg("WITHSCORES");
            }
            let pages: Vec<Vec<(Vec<u8>, f64)>> = pipe.query(&mut conn).unwrap();
            let mut all: Vec<(Vec<u8>, f64)> = pages.into_iter().flatten().collect();
            all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
            all.truncate(LIMIT);
            all
        });
        let native_ids: Vec<String> = merged
            .iter()
            .map(|(m, _)| {
                serde_json::from_slice::<Value>(m).unwrap()["content_id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(host_ids, native_ids, "the host and the native merge agree");
        let (script, _) = time(iterations, || {
            let mut cmd = redis::cmd("EVAL");
            cmd.arg(&select_lua)
                .arg(keys.len())
                .arg(&keys)
                .arg("top")
                .arg(LIMIT)
                .arg("0")
                .arg("")
                .arg("1");
            let v: Vec<Value0> = cmd.query(&mut conn).unwrap();
            v.len()
        });
        println!(
            "| {n} | {} / {} / {} | {} / {} / {} | {} / {} / {} | {:.2}x |",
            ms(host.mean),
            ms(host.p50),
            ms(host.p99),
            ms(native.mean),
            ms(native.p50),
            ms(native.p99),
            ms(script.mean),
            ms(script.p50),
            ms(script.p99),
            host.mean.as_secs_f64() / native.mean.as_secs_f64()
        );
    }

    // Clean up both prefixes (keys are binary).
    for p in [prefix.as_str(), native_prefix.as_str()] {
        let keys: Vec<Vec<u8>> = redis::cmd("KEYS")
            .arg(format!("{p}*"))
            .query(&mut conn)
            .unwrap();
        for chunk in keys.chunks(1000) {
            let _: () = redis::cmd("DEL").arg(chunk).query(&mut conn).unwrap();
        }
    }
}

type Value0 = redis::Value;
