//! Sending a plan's data to a running bundle, capability by capability, through the
//! bundle's own routes. Each returns a line for the report.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, SecondsFormat};
use serde_json::Value;

use crate::client::{SeedError, expect_ok, send};
use crate::{Plan, ads, ingest, points, slices, streams};

/// The largest batch `POST /impressions` and `POST /points/v1/write` take.
const BATCH: usize = 10_000;
/// Concurrent `POST /analytics` calls (one event each).
const SLICE_WORKERS: usize = 4;

/// The capabilities a seeding can fill.
pub const CAPABILITIES: [&str; 5] = ["ingest", "slices", "points", "streams", "etl"];

/// Fills capability `name` of the bundle at `base` with `plan`'s data.
pub fn capability(
    name: &str,
    base: &str,
    plan: &Plan,
    ingest_token: &str,
) -> Result<String, SeedError> {
    match name {
        "ingest" => seed_ingest(base, plan, ingest_token),
        "slices" => seed_slices(base, plan),
        "points" => seed_points(base, plan),
        "streams" => seed_streams(base, plan),
        "etl" => seed_ads(base, plan),
        other => panic!("unknown capability {other}"),
    }
}

fn rfc3339(t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .expect("in range")
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// POSTs `items` to `url` as JSON bodies of at most [`BATCH`] items; the answers.
fn post_batches<T>(
    url: &str,
    items: &[T],
    to_json: fn(&[T]) -> Value,
) -> Result<Vec<Value>, SeedError> {
    items
        .chunks(BATCH)
        .map(|chunk| {
            let body = to_json(chunk).to_string();
            Ok(expect_ok("POST", url, None, Some(("application/json", &body)))?.json())
        })
        .collect()
}

/// The sum of the integer `field` of `answers`.
fn sum(answers: &[Value], field: &str) -> u64 {
    answers.iter().filter_map(|a| a[field].as_u64()).sum()
}

/// Impressions in batches, then the rollups and daily views of the plan's days.
pub fn seed_ingest(base: &str, plan: &Plan, token: &str) -> Result<String, SeedError> {
    let events = ingest::generate(plan);
    let answers = post_batches(&format!("{base}/impressions"), &events, ingest::to_json)?;
    let accepted = sum(&answers, "accepted");
    let duplicates = sum(&answers, "duplicates");
    let to = plan.anchor() + Duration::hours(1);
    let url = format!(
        "{base}/rollups/run?from={}&to={}",
        plan.first_day(),
        rfc3339(to.timestamp())
    );
    expect_ok("POST", &url, Some(token), None)?;
    Ok(format!(
        "ingest: {} impressions over {} days ({accepted} stored, {duplicates} already there); rollups and daily views refreshed",
        events.len(),
        plan.days
    ))
}

/// One `POST /analytics` per event (the API counts one event a call), a few at a time.
pub fn seed_slices(base: &str, plan: &Plan) -> Result<String, SeedError> {
    let events = slices::generate(plan);
    let next = AtomicUsize::new(0);
    let failure = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..SLICE_WORKERS)
            .map(|_| {
                scope.spawn(|| {
                    while let Some(e) = events.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let url = format!("{base}/analytics?{}", slices::query(e));
                        expect_ok("POST", &url, None, None)?;
                    }
                    Ok(())
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker does not panic"))
            .find(Result::is_err)
    });
    if let Some(Err(e)) = failure {
        return Err(e);
    }
    Ok(format!(
        "slices: {} click and impression events over the last 24 hours (every event counts: seeding again adds them again)",
        events.len()
    ))
}

/// Activity writes in diffadd batches (sending them again changes nothing).
pub fn seed_points(base: &str, plan: &Plan) -> Result<String, SeedError> {
    let writes = points::generate(plan);
    let answers = post_batches(&format!("{base}/points/v1/write"), &writes, points::to_json)?;
    let changed = sum(&answers, "changed");
    Ok(format!(
        "points: {} writes of steps, calories, points and distance ({changed} changed a total)",
        writes.len()
    ))
}

/// Every item in one `PUT /streams` (a set: sending it again changes nothing).
pub fn seed_streams(base: &str, plan: &Plan) -> Result<String, SeedError> {
    let items = streams::generate(plan);
    let body = streams::to_json(&items).to_string();
    expect_ok(
        "PUT",
        &format!("{base}/streams"),
        None,
        Some(("application/json", &body)),
    )?;
    Ok(format!(
        "streams: {} items in streams user-1 .. user-{}",
        items.len(),
        streams::STREAMS
    ))
}

/// The ad events as one TSV batch (`POST /etl/batches`; the same batch again is skipped).
/// A bundle without `etl` (404) is reported, not an error.
pub fn seed_ads(base: &str, plan: &Plan) -> Result<String, SeedError> {
    let events = ads::generate(plan);
    let name = format!(
        "tally-seed-{}-{}.tsv",
        plan.anchor().format("%Y%m%dT%H"),
        plan.seed
    );
    let url = format!("{base}/etl/batches?name={name}");
    let answer = send(
        "POST",
        &url,
        None,
        Some(("text/tab-separated-values", &ads::tsv(&events))),
    )?;
    match answer.status {
        200..=299 => {
            let body = answer.json();
            let what = match body.get("skipped").and_then(|s| s.as_str()) {
                Some(why) => format!("skipped ({why})"),
                None => "loaded".to_string(),
            };
            Ok(format!(
                "etl: batch {name} with {} rows of ads {}..{}: {what}",
                events.len(),
                ads::ADS.start(),
                ads::ADS.end()
            ))
        }
        404 => Ok("etl: not deployed in this bundle (404), skipped".to_string()),
        status => Err(SeedError::Refused {
            method: "POST",
            url,
            status,
            body: answer.body,
        }),
    }
}
