//! Replication over independent clusters (Roshi's farm): writes to every cluster with a
//! quorum, reads by a strategy, and read repair.

use futures::future::join_all;

use crate::cluster::{Cluster, Layout, StoreError};
use crate::model::{Ksm, Write};
use crate::query::Query;
use crate::quorum::{Quorum, QuorumError};
use crate::reconcile::{self, State};

/// How reads use the clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Ask every cluster, return the union, repair what they disagree on (the default).
    SendAllReadAll,
    /// Ask one cluster (the next one if it fails).
    SendOneReadOne,
}

impl std::str::FromStr for Strategy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "" | "send-all-read-all" => Ok(Strategy::SendAllReadAll),
            "send-one-read-one" => Ok(Strategy::SendOneReadOne),
            other => Err(format!(
                "read strategy {other:?} is neither send-all-read-all nor send-one-read-one"
            )),
        }
    }
}

/// Why a farm operation failed.
#[derive(Debug, Clone)]
pub enum FarmError {
    /// The only cluster (or every cluster, for a read) failed; the first failure.
    Store(StoreError),
    /// Fewer clusters than the quorum acknowledged a write.
    Quorum {
        /// Clusters that acknowledged.
        acknowledged: usize,
        /// Clusters needed.
        needed: usize,
        /// `(cluster index, error)` of each failed cluster.
        failures: Vec<(usize, StoreError)>,
    },
    /// The quorum cannot be met with this many clusters.
    Config(QuorumError),
}

impl std::fmt::Display for FarmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FarmError::Store(e) => write!(f, "{e}"),
            FarmError::Quorum {
                acknowledged,
                needed,
                failures,
            } => {
                write!(
                    f,
                    "write quorum not reached: {acknowledged} cluster(s) acknowledged, {needed} needed"
                )?;
                for (i, e) in failures {
                    write!(f, "; cluster {i} failed: {e}")?;
                }
                Ok(())
            }
            FarmError::Config(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FarmError {}

/// The clusters and how to use them.
#[derive(Debug, Clone, PartialEq)]
pub struct Farm {
    /// One or more clusters, each holding every key.
    pub clusters: Vec<Cluster>,
    /// Key prefix and side size.
    pub layout: Layout,
    /// Clusters that must acknowledge a write.
    pub quorum: Quorum,
    /// How reads use the clusters.
    pub strategy: Strategy,
}

impl Farm {
    /// Sends `writes` to every cluster; succeeds once the quorum acknowledged. Returns how
    /// many writes changed something on the first acknowledging cluster.
    pub async fn write(&self, writes: &[Write]) -> Result<usize, FarmError> {
        let needed = self
            .quorum
            .required(self.clusters.len())
            .map_err(FarmError::Config)?;
        let results = join_all(self.clusters.iter().map(|c| c.write(&self.layout, writes))).await;
        let mut applied = None;
        let mut failures = Vec::new();
        for (i, r) in results.into_iter().enumerate() {
            match r {
                Ok(n) => {
                    applied.get_or_insert(n);
                }
                Err(e) => failures.push((i, e)),
            }
        }
        let acknowledged = self.clusters.len() - failures.len();
        match applied {
            Some(n) if acknowledged >= needed => Ok(n),
            _ if self.clusters.len() == 1 => Err(FarmError::Store(failures.remove(0).1)),
            _ => Err(FarmError::Quorum {
                acknowledged,
                needed,
                failures,
            }),
        }
    }

    /// Candidate elements of `keys` for `query` (`prune`: for one merged page), by the
    /// read strategy; with several clusters answering, their union, repaired.
    pub async fn read(
        &self,
        keys: &[Vec<u8>],
        query: &Query,
        prune: bool,
    ) -> Result<Vec<Ksm>, FarmError> {
        if self.clusters.len() == 1 || self.strategy == Strategy::SendOneReadOne {
            return self.read_one(keys, query, prune).await;
        }
        let answers = join_all(
            self.clusters
                .iter()
                .map(|c| c.select(&self.layout, keys, query, prune)),
        )
        .await;
        let mut ok = Vec::new();
        let mut first_error = None;
        for (i, a) in answers.into_iter().enumerate() {
            match a {
                Ok(items) => ok.push((i, items)),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if ok.is_empty() {
            return Err(FarmError::Store(first_error.expect("a cluster failed")));
        }
        let (clusters, answers): (Vec<usize>, Vec<Vec<Ksm>>) = ok.into_iter().unzip();
        let (mut items, disputed) = reconcile::union(&answers);
        if !disputed.is_empty()
            && let Some(states) = self.repair(&clusters, &disputed).await
        {
            reconcile::correct(&mut items, &disputed, &states);
        }
        Ok(items)
    }

    async fn read_one(
        &self,
        keys: &[Vec<u8>],
        query: &Query,
        prune: bool,
    ) -> Result<Vec<Ksm>, FarmError> {
        let n = self.clusters.len();
        let start = pick(n);
        let mut first_error = None;
        for k in 0..n {
            match self.clusters[(start + k) % n]
                .select(&self.layout, keys, query, prune)
                .await
            {
                Ok(items) => return Ok(items),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(FarmError::Store(first_error.expect("no cluster answered")))
    }

    /// Looks `pairs` up on `clusters`, re-issues each winner where it is missing or
    /// lower, and returns the states seen (per pair, per cluster), or `None` if a lookup
    /// failed. Repair writes that fail are left for the next read or the walk.
    pub async fn repair(
        &self,
        clusters: &[usize],
        pairs: &[(Vec<u8>, Vec<u8>)],
    ) -> Option<Vec<Vec<State>>> {
        let looked = join_all(
            clusters
                .iter()
                .map(|&c| self.clusters[c].states(&self.layout, pairs)),
        )
        .await;
        let per_cluster: Vec<Vec<State>> = looked.into_iter().collect::<Result<_, _>>().ok()?;
        let states: Vec<Vec<State>> = (0..pairs.len())
            .map(|p| per_cluster.iter().map(|c| c[p]).collect())
            .collect();
        self.reissue(clusters, pairs, &states).await;
        Some(states)
    }

    /// Sends each cluster the writes that bring it up to the winners; returns how many
    /// writes were sent.
    pub async fn reissue(
        &self,
        clusters: &[usize],
        pairs: &[(Vec<u8>, Vec<u8>)],
        states: &[Vec<State>],
    ) -> usize {
        let plan = reconcile::plan(pairs, states, clusters.len());
        let sent = plan.iter().map(Vec::len).sum();
        join_all(
            clusters
                .iter()
                .zip(&plan)
                .filter(|(_, w)| !w.is_empty())
                .map(|(&c, writes)| async move {
                    if let Err(e) = self.clusters[c].write(&self.layout, writes).await {
                        eprintln!("streams: repair of cluster {c} failed: {e}");
                    }
                }),
        )
        .await;
        sent
    }
}

/// A cluster to start a send-one-read-one read at, spreading reads over the clusters.
fn pick(n: usize) -> usize {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    (nanos as usize / 1000) % n.max(1)
}
