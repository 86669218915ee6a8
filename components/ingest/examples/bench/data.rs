//! The benchmark's data and environment: deterministic batches, schemas with the
//! component's migrations and the day's partition, cleanup.

use tally_ingest::event::Impression;
use tally_ingest::partitions;

/// Events per batch.
pub const BATCH: usize = 1000;

/// 2017-03-01T00:00:00Z in microseconds.
const DAY_START: i64 = 1_488_326_400_000_000;

/// `n` batches of distinct impressions.
pub fn batches(n: usize) -> Vec<Vec<Impression>> {
    batches_from(0, n)
}

/// `n` batches starting at batch number `first`.
pub fn batches_from(first: usize, n: usize) -> Vec<Vec<Impression>> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ first as u64;
    (first..first + n)
        .map(|b| {
            (0..BATCH)
                .map(|i| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let post = (x >> 33) % 5000;
                    let n = (b * BATCH + i) as i64;
                    Impression {
                        viewer_id: (x >> 60 != 0).then(|| format!("{}", (x >> 20) % 100_000)),
                        post_id: post.to_string(),
                        author_id: (post % 500).to_string(),
                        // Distinct instants inside the day: never a duplicate.
                        created_at: DAY_START + (n % 80_000_000) * 1_000 + n / 80_000_000,
                        stream_kind: Some(
                            ["following", "category", "email", "discover"][(x >> 40) as usize % 4]
                                .into(),
                        ),
                        stream_id: Some(((x >> 44) % 50).to_string()),
                        artist_invite_id: x.is_multiple_of(20).then(|| "7".to_string()),
                    }
                })
                .collect()
        })
        .collect()
}

/// The 25 most viewed posts of the generated data (post ids 0..25 are as likely as any).
pub fn top_posts(n: usize) -> Vec<String> {
    (0..n).map(|p| p.to_string()).collect()
}

/// Where the benchmark runs.
pub struct Env {
    /// Postgres database URL (no search_path).
    pub postgres: String,
    /// Redis URL.
    pub redis: String,
    id: String,
}

impl Env {
    /// From `INGEST_BENCH_POSTGRES` / `INGEST_BENCH_REDIS` or the local defaults.
    pub fn new() -> Env {
        Env {
            postgres: std::env::var("INGEST_BENCH_POSTGRES")
                .unwrap_or_else(|_| "postgres://tally:tally@127.0.0.1:5432/tally".into()),
            redis: std::env::var("INGEST_BENCH_REDIS")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".into()),
            id: format!("bench_ingest_{}", std::process::id()),
        }
    }

    /// The Redis key prefix of `path`.
    pub fn prefix(&self, path: &str) -> String {
        format!("{}_{path}:", self.id)
    }

    /// The URL of `schema` (its `search_path`).
    pub fn url(&self, schema: &str) -> String {
        format!("{}?options=-csearch_path%3D{schema}", self.postgres)
    }

    /// A client on `schema`.
    pub fn client(&self, schema: &str) -> postgres::Client {
        postgres::Client::connect(&self.url(schema), postgres::NoTls)
            .expect("Postgres is reachable")
    }

    /// Creates schema `<id>_<path>` with the migrations and the 2017-03-01 partition.
    pub fn schema(&self, path: &str) -> String {
        let schema = format!("{}_{path}", self.id);
        let mut c = postgres::Client::connect(&self.postgres, postgres::NoTls).unwrap();
        c.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .unwrap();
        let mut c = self.client(&schema);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for f in files {
            c.batch_execute(&std::fs::read_to_string(f).unwrap())
                .unwrap();
        }
        let day = chrono::NaiveDate::from_ymd_opt(2017, 3, 1).unwrap();
        let mut tx = c.transaction().unwrap();
        for s in partitions::attach_statements(day, false) {
            tx.batch_execute(&s).unwrap();
        }
        tx.commit().unwrap();
        schema
    }

    /// Rows stored in `schema`.
    pub fn count(&self, schema: &str) -> i64 {
        self.client(schema)
            .query_one("SELECT count(*) FROM impressions", &[])
            .unwrap()
            .get(0)
    }

    /// Sums of the post and author counters under `path`'s prefix.
    pub fn counter_sums(&self, path: &str) -> (i64, i64) {
        let mut r = self.redis_conn();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.prefix(path)))
            .query(&mut r)
            .unwrap();
        let values: Vec<i64> = if keys.is_empty() {
            vec![]
        } else {
            redis::cmd("MGET").arg(&keys).query(&mut r).unwrap()
        };
        keys.iter().zip(values).fold((0, 0), |(p, a), (k, v)| {
            if k.ends_with(":view_counter") {
                (p + v, a)
            } else if k.ends_with(":total_post_views_counter") {
                (p, a + v)
            } else {
                (p, a) // `counted:<outbox id>` markers
            }
        })
    }

    /// A Redis connection.
    pub fn redis_conn(&self) -> redis::Connection {
        redis::Client::open(self.redis.as_str())
            .unwrap()
            .get_connection()
            .unwrap()
    }

    /// Drops the schemas and deletes the keys.
    pub fn cleanup(&self) {
        let mut c = postgres::Client::connect(&self.postgres, postgres::NoTls).unwrap();
        for path in ["host", "direct", "insert", "copy"] {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {}_{path} CASCADE", self.id));
            let mut r = self.redis_conn();
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{}*", self.prefix(path)))
                .query(&mut r)
                .unwrap();
            for chunk in keys.chunks(1000) {
                let _: () = redis::cmd("DEL").arg(chunk).query(&mut r).unwrap();
            }
        }
    }
}
