//! The operations of the mix, how each is sent (retrying 503s), and the drift check.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::stats::Stats;

/// One kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// `POST /analytics` (a click with an id).
    SlicesEvent,
    /// `POST /points/v1/write` (an increment of 1 with an id).
    PointsWrite,
    /// `PUT /streams` (one item).
    StreamsInsert,
    /// `POST /impressions` (5 impressions, unique viewers).
    IngestBatch,
    /// `GET /analytics?format=json`.
    SlicesRead,
    /// `GET /posts/view_counts` (25 posts).
    IngestRead,
    /// `GET /stream/:id?limit=20`.
    StreamsRead,
    /// `POST /points/v1/query_ids` (100 users).
    PointsRead,
}

/// The mix, in the order requests cycle through it.
pub const MIX: [Op; 8] = [
    Op::SlicesEvent,
    Op::PointsWrite,
    Op::StreamsInsert,
    Op::IngestBatch,
    Op::SlicesRead,
    Op::IngestRead,
    Op::StreamsRead,
    Op::PointsRead,
];

impl Op {
    /// The operation of request `k`.
    pub fn of(k: usize) -> Op {
        MIX[k % MIX.len()]
    }
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Succeeded after this many 503s.
    Ok(u32),
    /// Failed with this status (0: no answer).
    Failed(u16),
}

const POSTS: usize = 100;
const USERS: usize = 100;
const STREAMS: usize = 50;

/// One soak run: its ids, its fixed timestamp, its HTTP agent.
pub struct Run {
    url: String,
    id: String,
    ts: i64,
    agent: ureq::Agent,
}

impl Run {
    /// A run against `url`, its keys unique to this start time.
    pub fn new(url: &str) -> Run {
        let ts = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Run {
            url: url.trim_end_matches('/').to_string(),
            id: format!("soak{ts}"),
            ts,
            agent,
        }
    }

    fn send(&self, method: &str, path: &str, body: Option<(&str, String)>) -> (u16, String) {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.url));
        let result = match body {
            Some((content_type, body)) => self.agent.run(
                request
                    .header("content-type", content_type)
                    .body(body)
                    .unwrap(),
            ),
            None => self.agent.run(request.body(()).unwrap()),
        };
        match result {
            Ok(mut r) => (
                r.status().as_u16(),
                r.body_mut().read_to_string().unwrap_or_default(),
            ),
            Err(_) => (0, String::new()),
        }
    }

    fn request(&self, op: Op, k: usize) -> (&'static str, String, Option<(&'static str, String)>) {
        let (id, ts) = (&self.id, self.ts);
        match op {
            Op::SlicesEvent => (
                "POST",
                format!(
                    "/analytics?timestamp={ts}&user=u{}&click&id={id}-{k}",
                    k % 500
                ),
                None,
            ),
            Op::PointsWrite => (
                "POST",
                "/points/v1/write".into(),
                Some((
                    "application/json",
                    json!({"thing":"points","uid": k % USERS,"atid":1,"aid":k,"value":1,"ts2":ts,
                           "mode":"increment","id":format!("{id}-{k}")})
                    .to_string(),
                )),
            ),
            Op::StreamsInsert => (
                "PUT",
                "/streams".into(),
                Some((
                    "application/json",
                    json!([{"id":format!("item-{k}"),"ts":"2026-01-01T00:00:00Z","type":0,
                            "stream_id":format!("{id}-s{}", k % STREAMS)}])
                    .to_string(),
                )),
            ),
            Op::IngestBatch => {
                let events: Vec<Value> = (0..5)
                    .map(|j| {
                        json!({"post":{"id":format!("{id}-p{}", (k + j) % POSTS)},
                               "author":{"id":"soak-author"},
                               "viewer":{"id":format!("v{k}-{j}")},
                               // distinct seconds: the dedup key is (created_at, author, post)
                               "viewed_at":ts - (5 * k + j) as i64})
                    })
                    .collect();
                (
                    "POST",
                    "/impressions".into(),
                    Some(("application/json", Value::Array(events).to_string())),
                )
            }
            Op::SlicesRead => (
                "GET",
                format!("/analytics?timestamp={ts}&format=json"),
                None,
            ),
            Op::IngestRead => {
                let ids: Vec<String> = (0..25)
                    .map(|p| format!("{id}-p{}", (k + p) % POSTS))
                    .collect();
                (
                    "GET",
                    format!("/posts/view_counts?ids={}", ids.join(",")),
                    None,
                )
            }
            Op::StreamsRead => (
                "GET",
                format!("/stream/{id}-s{}?limit=20", k % STREAMS),
                None,
            ),
            Op::PointsRead => {
                let (path, form) = self.points_query();
                (
                    "POST",
                    path,
                    Some(("application/x-www-form-urlencoded", form)),
                )
            }
        }
    }

    /// The sums of every user's `points` at the run's second: path and form.
    fn points_query(&self) -> (String, String) {
        let ids: Vec<String> = (0..USERS).map(|u| u.to_string()).collect();
        let ts = self.ts;
        (
            format!("/points/v1/query_ids/points/all/{ts}/{ts}"),
            format!("ids={}", ids.join(",")),
        )
    }

    /// Sends request `k` (an `op`), retrying 503s up to 10 times.
    pub fn perform(&self, op: Op, k: usize) -> (Duration, Outcome) {
        let started = Instant::now();
        let (method, path, body) = self.request(op, k);
        let mut retries = 0;
        loop {
            let (status, _) = self.send(method, &path, body.clone());
            match status {
                200..=299 => return (started.elapsed(), Outcome::Ok(retries)),
                503 if retries < 10 => {
                    retries += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                other => return (started.elapsed(), Outcome::Failed(other)),
            }
        }
    }

    /// Compares every count with the writes that were acknowledged.
    pub fn drift(&self, stats: &Stats) -> Drift {
        let mut drift = Drift::default();
        let (id, ts) = (&self.id, self.ts);
        let (_, body) = self.send(
            "GET",
            &format!("/analytics?timestamp={ts}&format=json"),
            None,
        );
        let clicks = json_of(&body)["clicks"].as_u64().unwrap_or(0);
        drift.check("slices clicks", stats.acknowledged(Op::SlicesEvent), clicks);
        let (path, form) = self.points_query();
        let (_, body) = self.send(
            "POST",
            &path,
            Some(("application/x-www-form-urlencoded", form)),
        );
        let points: u64 = json_of(&body)
            .as_object()
            .map(|m| m.values().filter_map(Value::as_u64).sum())
            .unwrap_or(0);
        drift.check("points sum", stats.acknowledged(Op::PointsWrite), points);
        let mut items = 0;
        for s in 0..STREAMS {
            let (_, body) = self.send("GET", &format!("/stream/{id}-s{s}/count"), None);
            items += json_of(&body)["count"].as_u64().unwrap_or(0);
        }
        drift.check(
            "streams items",
            stats.acknowledged(Op::StreamsInsert),
            items,
        );
        let ids: Vec<String> = (0..POSTS).map(|p| format!("{id}-p{p}")).collect();
        let (_, body) = self.send(
            "GET",
            &format!("/posts/view_counts?ids={}", ids.join(",")),
            None,
        );
        let views: u64 = json_of(&body)
            .as_object()
            .map(|m| m.values().filter_map(Value::as_u64).sum())
            .unwrap_or(0);
        drift.check(
            "ingest view counts",
            5 * stats.acknowledged(Op::IngestBatch),
            views,
        );
        drift
    }
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or(Value::Null)
}

/// The drift check's findings.
#[derive(Debug, Default)]
pub struct Drift {
    /// One line per count.
    pub lines: Vec<String>,
    /// Whether any count differs from the acknowledged writes.
    pub any: bool,
}

impl Drift {
    fn check(&mut self, what: &str, acknowledged: u64, counted: u64) {
        let ok = acknowledged == counted;
        self.any |= !ok;
        self.lines.push(format!(
            "{what}: acknowledged {acknowledged}, counted {counted}{}",
            if ok { "" } else { "  <-- DRIFT" }
        ));
    }
}
