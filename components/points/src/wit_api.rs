//! The typed interface `tally:bundle/points` (`wit/points.wit`): the same operations as
//! the HTTP API, for components and adapters that call points without HTTP.

use tally_common::problem::Problem;

use crate::input::{Count, Invalid, Write, count_from_json, write_from_json};
use crate::service;
use crate::things::{Atid, Thing};

mod bindings {
    spin_sdk::wit_bindgen::generate!({
        path: "../../wit",
        world: "tally:bundle/points-component",
        runtime_path: "::spin_sdk::wit_bindgen::rt",
    });
}

use bindings::exports::tally::bundle::points::{
    Error, Guest, Leader, Metric, ThingSum, UserSums, WindowQuery, WriteMode, WriteSummary,
};

struct Points;

impl From<Problem> for Error {
    fn from(p: Problem) -> Error {
        match p.status {
            503 => Error::Unavailable(p.detail),
            400..=499 => Error::Invalid(p.detail),
            _ => Error::Internal(p.detail),
        }
    }
}

fn invalid(errors: Vec<String>) -> Error {
    Error::Invalid(Invalid(errors).to_string())
}

fn thing(name: &str) -> Result<Thing, Error> {
    name.parse()
        .map_err(|e| Error::Invalid(format!("`thing`: {e}")))
}

fn atid(a: Option<i64>) -> Atid {
    a.map_or(Atid::All, Atid::Only)
}

/// Validates a typed metric exactly like a JSON one (same rules, same messages).
fn validate(m: Metric) -> Result<Write, Vec<String>> {
    let mode = match m.mode {
        WriteMode::Diffadd => "diffadd",
        WriteMode::Increment => "increment",
    };
    write_from_json(&serde_json::json!({
        "thing": m.thing, "uid": m.uid, "atid": m.atid, "aid": m.aid,
        "value": m.value, "ts1": m.ts1, "ts2": m.ts2, "mode": mode,
    }))
}

impl Guest for Points {
    async fn write(metrics: Vec<Metric>) -> Result<WriteSummary, Error> {
        let mut writes = Vec::with_capacity(metrics.len());
        let mut errors = Vec::new();
        for (i, m) in metrics.into_iter().enumerate() {
            match validate(m) {
                Ok(w) => writes.push(w),
                Err(e) => errors.extend(e.into_iter().map(|m| format!("item {i}: {m}"))),
            }
        }
        if !errors.is_empty() {
            return Err(invalid(errors));
        }
        let s = service::write(&writes).await?;
        Ok(WriteSummary {
            writes: s.writes as u32,
            changed: s.changed as u32,
        })
    }

    async fn query(q: WindowQuery) -> Result<Vec<UserSums>, Error> {
        let things = q
            .things
            .iter()
            .map(|t| thing(t))
            .collect::<Result<Vec<_>, _>>()?;
        let users = service::query(
            &q.uids,
            &q.offsets,
            &things,
            atid(q.atid),
            (q.start, q.end),
            q.with_atids,
        )
        .await?;
        Ok(users
            .into_iter()
            .map(|u| UserSums {
                uid: u.uid,
                sums: u
                    .sums
                    .into_iter()
                    .map(|(t, sum)| ThingSum {
                        thing: t.name().to_string(),
                        sum,
                    })
                    .collect(),
                atids: u.atids,
            })
            .collect())
    }

    async fn leaderboard(
        name: String,
        a: Option<i64>,
        start: i64,
        end: i64,
        limit: u32,
    ) -> Result<Vec<Leader>, Error> {
        let leaders = service::leaderboard(thing(&name)?, atid(a), (start, end), limit).await?;
        Ok(leaders
            .into_iter()
            .map(|(uid, value)| Leader { uid, value })
            .collect())
    }

    async fn count(name: String, value: i64, ts: i64) -> Result<(), Error> {
        let c: Count =
            count_from_json(&serde_json::json!({"thing": name, "value": value, "ts": ts}))
                .map_err(invalid)?;
        Ok(service::count(&[c]).await?)
    }

    async fn read_count(name: String, start: i64, end: i64) -> Result<i64, Error> {
        Ok(service::read_counts(&[name], &[], (start, end)).await?[0])
    }
}

bindings::export!(Points with_types_in bindings);
