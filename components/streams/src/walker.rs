//! The repair walk (Roshi's walker): a bounded step through every key of every instance
//! per run, each key's sides compared across clusters and brought up to the winners.

use std::collections::{BTreeMap, BTreeSet};

use futures::future::join_all;
use serde_json::{Value, json};
use spin_sdk::redis::{RedisParameter, RedisResult};

use crate::cluster::StoreError;
use crate::farm::Farm;
use crate::reconcile::State;
use crate::scripts;
use crate::shard::{logical_key, scan_pattern};

/// A member's add-side and remove-side scores in one cluster.
type Scores = (Option<f64>, Option<f64>);

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Logical keys compared across the clusters.
    pub keys: usize,
    /// Writes re-issued to clusters that lacked the winner.
    pub writes: usize,
    /// Instances whose scan wrapped around (a full pass over them is complete).
    pub passes_completed: usize,
    /// Instances that could not be scanned, with the error.
    pub skipped: Vec<String>,
}

impl Report {
    /// The report as the repair route returns it.
    pub fn to_json(&self) -> Value {
        json!({
            "keys": self.keys,
            "writes": self.writes,
            "passes_completed": self.passes_completed,
            "skipped": self.skipped,
        })
    }
}

/// The Redis key (on each instance) holding that instance's scan cursor.
fn cursor_key(prefix: &[u8]) -> Vec<u8> {
    [prefix, b"walker-cursor"].concat()
}

/// One run: on each instance, one `SCAN` step of about `budget / instances` keys from
/// where the last run stopped, then a repair of every logical key found.
pub async fn run(farm: &Farm, budget: usize) -> Result<Report, StoreError> {
    let mut report = Report::default();
    if farm.clusters.len() < 2 {
        return Ok(report);
    }
    let instances: Vec<(usize, usize)> = farm
        .clusters
        .iter()
        .enumerate()
        .flat_map(|(c, cl)| (0..cl.urls.len()).map(move |i| (c, i)))
        .collect();
    let per_instance = (budget / instances.len()).max(1);
    let prefix = &farm.layout.prefix;
    let pattern = scan_pattern(prefix);
    let mut keys = BTreeSet::new();
    for (c, i) in instances {
        let cluster = &farm.clusters[c];
        let step = async {
            let cursor = match cluster
                .call(i, "GET", vec![RedisParameter::Binary(cursor_key(prefix))])
                .await?
                .first()
            {
                Some(RedisResult::Binary(b)) => std::str::from_utf8(b)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
                _ => 0,
            };
            let (next, found) = cluster.scan(i, cursor, &pattern, per_instance).await?;
            let set = vec![
                RedisParameter::Binary(cursor_key(prefix)),
                RedisParameter::Binary(next.to_string().into_bytes()),
            ];
            cluster.call(i, "SET", set).await?;
            Ok::<_, StoreError>((next, found))
        };
        match step.await {
            Ok((next, found)) => {
                report.passes_completed += usize::from(next == 0);
                keys.extend(
                    found
                        .iter()
                        .filter_map(|k| logical_key(prefix, k).map(<[u8]>::to_vec)),
                );
            }
            Err(e) => report.skipped.push(e.to_string()),
        }
    }
    let keys: Vec<Vec<u8>> = keys.into_iter().collect();
    report.keys = keys.len();
    for chunk in keys.chunks(100) {
        report.writes += repair_keys(farm, chunk).await;
    }
    Ok(report)
}

/// Compares whole keys across the clusters that answer and re-issues every winner where
/// it is missing or lower; returns how many writes were sent.
pub async fn repair_keys(farm: &Farm, keys: &[Vec<u8>]) -> usize {
    let dumps = join_all(farm.clusters.iter().map(|c| c.dump(&farm.layout, keys))).await;
    let (clusters, dumps): (Vec<usize>, Vec<Vec<scripts::Sides>>) = dumps
        .into_iter()
        .enumerate()
        .filter_map(|(c, d)| d.ok().map(|d| (c, d)))
        .unzip();
    if clusters.len() < 2 {
        return 0;
    }
    let mut pairs = Vec::new();
    let mut states: Vec<Vec<State>> = Vec::new();
    for (k, key) in keys.iter().enumerate() {
        // member -> per answering cluster (add score, remove score)
        let mut seen: BTreeMap<&[u8], Vec<Scores>> = BTreeMap::new();
        for (n, dump) in dumps.iter().enumerate() {
            let (adds, removes) = &dump[k];
            for (m, s) in adds {
                seen.entry(m)
                    .or_insert_with(|| vec![(None, None); dumps.len()])[n]
                    .0 = Some(*s);
            }
            for (m, s) in removes {
                seen.entry(m)
                    .or_insert_with(|| vec![(None, None); dumps.len()])[n]
                    .1 = Some(*s);
            }
        }
        for (member, per) in seen {
            let st: Vec<State> = per.iter().map(|(p, m)| scripts::state(*p, *m)).collect();
            if st.windows(2).any(|w| w[0] != w[1]) {
                pairs.push((key.clone(), member.to_vec()));
                states.push(st);
            }
        }
    }
    if pairs.is_empty() {
        return 0;
    }
    farm.reissue(&clusters, &pairs, &states).await
}
