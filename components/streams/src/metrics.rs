//! Latency metrics of inserts, deletes, coalesces and selects: a histogram per operation
//! kept in a Redis hash (`<prefix>metrics` on the first instance of the first cluster),
//! so every instance of the component adds to the same one; served in Prometheus text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use spin_sdk::redis::{RedisParameter, RedisResult};

use crate::cluster::StoreError;
use crate::farm::Farm;

/// Upper bounds of the histogram buckets, in microseconds.
pub const BUCKETS_US: [u64; 12] = [
    250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
];

/// The operations measured.
pub const OPS: [&str; 4] = ["insert", "delete", "coalesce", "select"];

const RECORD: &str = "redis.call('HINCRBY', KEYS[1], ARGV[1] .. ':count', 1)
redis.call('HINCRBY', KEYS[1], ARGV[1] .. ':sum_us', ARGV[2])
redis.call('HINCRBY', KEYS[1], ARGV[1] .. ':le:' .. ARGV[3], 1)
return 1";

fn key(farm: &Farm) -> Vec<u8> {
    [&farm.layout.prefix[..], b"metrics"].concat()
}

/// The bucket label of a duration: the first bound it fits under, or `+Inf`.
pub fn bucket(us: u64) -> String {
    BUCKETS_US
        .iter()
        .find(|&&b| us <= b)
        .map_or_else(|| "+Inf".to_string(), u64::to_string)
}

/// Adds one `op` that took `took` (a failure to record is only logged).
pub async fn record(farm: &Farm, op: &str, took: Duration) {
    let us = took.as_micros() as u64;
    let args = vec![
        RedisParameter::Binary(RECORD.as_bytes().to_vec()),
        RedisParameter::Int64(1),
        RedisParameter::Binary(key(farm)),
        RedisParameter::Binary(op.as_bytes().to_vec()),
        RedisParameter::Int64(us as i64),
        RedisParameter::Binary(bucket(us).into_bytes()),
    ];
    if let Err(e) = farm.clusters[0].call(0, "EVAL", args).await {
        eprintln!("streams: metrics not recorded: {e}");
    }
}

/// Reads the hash and renders it.
pub async fn scrape(farm: &Farm) -> Result<String, StoreError> {
    let reply = farm.clusters[0]
        .call(0, "HGETALL", vec![RedisParameter::Binary(key(farm))])
        .await?;
    let mut fields = BTreeMap::new();
    for pair in reply.chunks(2) {
        if let [RedisResult::Binary(k), RedisResult::Binary(v)] = pair {
            let v = std::str::from_utf8(v).ok().and_then(|v| v.parse().ok());
            if let (Ok(k), Some(v)) = (String::from_utf8(k.clone()), v) {
                fields.insert(k, v);
            }
        }
    }
    Ok(render(&fields))
}

/// Prometheus text of the hash's fields (`<op>:count`, `<op>:sum_us`, `<op>:le:<bound>`).
pub fn render(fields: &BTreeMap<String, u64>) -> String {
    let name = "streams_operation_duration_seconds";
    let mut out = format!(
        "# HELP {name} Latency of streams operations inside the component.\n# TYPE {name} histogram\n"
    );
    let get = |f: String| fields.get(&f).copied().unwrap_or(0);
    for op in OPS {
        let mut cumulative = 0;
        for b in BUCKETS_US {
            cumulative += get(format!("{op}:le:{b}"));
            let le = b as f64 / 1e6;
            writeln!(out, "{name}_bucket{{op=\"{op}\",le=\"{le}\"}} {cumulative}").unwrap();
        }
        let count = get(format!("{op}:count"));
        writeln!(out, "{name}_bucket{{op=\"{op}\",le=\"+Inf\"}} {count}").unwrap();
        let sum = get(format!("{op}:sum_us")) as f64 / 1e6;
        writeln!(out, "{name}_sum{{op=\"{op}\"}} {sum}").unwrap();
        writeln!(out, "{name}_count{{op=\"{op}\"}} {count}").unwrap();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_and_text() {
        assert_eq!(bucket(0), "250");
        assert_eq!(bucket(250), "250");
        assert_eq!(bucket(251), "500");
        assert_eq!(bucket(2_000_000), "+Inf");
        let fields: BTreeMap<String, u64> = [
            ("insert:count", 3),
            ("insert:sum_us", 1_700),
            ("insert:le:250", 1),
            ("insert:le:1000", 1),
            ("insert:le:+Inf", 1),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let text = render(&fields);
        assert!(text.contains(
            "streams_operation_duration_seconds_bucket{op=\"insert\",le=\"0.00025\"} 1\n"
        ));
        assert!(
            text.contains(
                "streams_operation_duration_seconds_bucket{op=\"insert\",le=\"0.001\"} 2\n"
            )
        );
        assert!(
            text.contains(
                "streams_operation_duration_seconds_bucket{op=\"insert\",le=\"+Inf\"} 3\n"
            )
        );
        assert!(text.contains("streams_operation_duration_seconds_sum{op=\"insert\"} 0.0017\n"));
        assert!(text.contains("streams_operation_duration_seconds_count{op=\"coalesce\"} 0\n"));
    }
}
