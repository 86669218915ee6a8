//! The HTTP API under `/points` (the original's paths below that prefix).

use serde_json::{Value, json};
use spin_sdk::http::{HeaderValue, Method, Response, StatusCode};
use tally_common::params::{Params, parse_value};
use tally_common::problem::Problem;

use crate::input::{count_from_json, parse_body, write_from_json};
use crate::service::{self, MAX_LIMIT};
use crate::store::Store;
use crate::things::{Atid, Thing};

mod queries;
use queries::{counters, mumt, sums};

/// A request as the routes see it.
pub struct Call {
    /// The HTTP method.
    pub method: Method,
    /// The path below the component's route (`/v1/write`).
    pub path: String,
    /// The query string.
    pub query: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// The `content-type` header.
    pub content_type: Option<String>,
}

impl Call {
    /// Form fields from the body, then the query string (400 naming a parameter that is
    /// not UTF-8).
    fn params(&self) -> Result<Params, Problem> {
        let mut all = self.body.clone();
        if let Some(q) = &self.query {
            all.push(b'&');
            all.extend_from_slice(q.as_bytes());
        }
        Params::strict_form(&all)
    }
}

fn reply(status: StatusCode, content_type: &'static str, body: String) -> Response<String> {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    r
}

fn text(body: impl ToString) -> Response<String> {
    reply(
        StatusCode::OK,
        "text/plain; charset=utf-8",
        body.to_string(),
    )
}

fn json_ok(body: Value) -> Response<String> {
    reply(StatusCode::OK, "application/json", body.to_string())
}

/// Serves one request; every error is a problem+json response.
pub async fn handle(call: Call) -> Response<String> {
    match route(&call).await {
        Ok(r) => r,
        Err(p) => p.into_response(),
    }
}

async fn route(call: &Call) -> Result<Response<String>, Problem> {
    let segs: Vec<&str> = call.path.trim_matches('/').split('/').collect();
    let get = call.method == Method::GET;
    let post = call.method == Method::POST;
    match (segs.as_slice(), get, post) {
        (["health", "ping"], true, _) => Ok(json_ok(json!({"pong": "OK"}))),
        (["health"], true, _) => health().await,
        (["v1", "write"], _, true) => write(call).await,
        (["v1", "count"], _, true) => count(call).await,
        (["v1", "query", uid, thing, atid, start, end], true, _) => {
            let uid: i64 = parse_value("uid", uid)?;
            let offset = call.params()?.parse::<i64>("offset")?.unwrap_or(0);
            let thing = thing_of(thing)?;
            let window = window(start, end)?;
            let users =
                service::query(&[uid], &[offset], &[thing], atid_of(atid)?, window, false).await?;
            Ok(text(users[0].sums[0].1))
        }
        (["v1", "query_ids" | "mu_query", thing, atid, start, end], _, true) => {
            sums(call, segs[1] == "mu_query", thing, atid, (start, end)).await
        }
        (["v1" | "v2", "mumt_query", atid, start, end], _, true) => {
            mumt(call, atid, (start, end)).await
        }
        (["v1", "readcount", thing, start, end], true, _) => {
            let offset = call.params()?.parse::<i64>("offset")?.unwrap_or(0);
            let sums =
                service::read_counts(&[thing.to_string()], &[offset], window(start, end)?).await?;
            Ok(text(sums[0]))
        }
        (["v1", "readcount_with_ids", prefix, start, end], _, true) => {
            counters(call, prefix, (start, end)).await
        }
        (["v1", "leaderboard", thing, start, end], true, _) => {
            leaderboard(call, thing, start, end).await
        }
        _ if allowed(&segs).is_some() => Err(Problem::method_not_allowed(
            call.method.as_str(),
            &call.path,
            allowed(&segs).unwrap_or_default(),
        )),
        _ => Err(Problem::new(
            StatusCode::NOT_FOUND,
            format!("no route {} {}", call.method, call.path),
        )),
    }
}

/// The methods of the route `segs` names (for a 405's `allow`); `None` for no route.
fn allowed(segs: &[&str]) -> Option<&'static [&'static str]> {
    match segs {
        ["health"]
        | ["health", "ping"]
        | ["v1", "query", _, _, _, _, _]
        | ["v1", "readcount", _, _, _]
        | ["v1", "leaderboard", _, _, _] => Some(&["GET"]),
        ["v1", "write" | "count"]
        | ["v1", "query_ids" | "mu_query", _, _, _, _]
        | ["v1" | "v2", "mumt_query", _, _, _]
        | ["v1", "readcount_with_ids", _, _, _] => Some(&["POST"]),
        _ => None,
    }
}

async fn health() -> Result<Response<String>, Problem> {
    let result = match Store::open().await {
        Ok(store) => store.ping().await.map_err(|e| format!("{e:?}")),
        Err(p) => Err(p.detail),
    };
    Ok(match result {
        Ok(()) => json_ok(json!({"status": "ok", "redis": "ok"})),
        Err(e) => reply(
            StatusCode::SERVICE_UNAVAILABLE,
            "application/json",
            json!({"status": "unavailable", "redis": e}).to_string(),
        ),
    })
}

async fn write(call: &Call) -> Result<Response<String>, Problem> {
    tally_common::body::require_json(call.content_type.as_deref())?;
    let (writes, batch) = parse_body(&call.body, write_from_json)?;
    let summary = service::write(&writes).await?;
    Ok(if batch {
        json_ok(json!({
            "writes": summary.writes,
            "changed": summary.changed,
            "unchanged": summary.writes - summary.changed,
        }))
    } else {
        text("ok")
    })
}

async fn count(call: &Call) -> Result<Response<String>, Problem> {
    tally_common::body::require_json(call.content_type.as_deref())?;
    let (counts, batch) = parse_body(&call.body, count_from_json)?;
    service::count(&counts).await?;
    Ok(if batch {
        json_ok(json!({"counts": counts.len()}))
    } else {
        text("ok")
    })
}

async fn leaderboard(
    call: &Call,
    thing: &str,
    start: &str,
    end: &str,
) -> Result<Response<String>, Problem> {
    let p = call.params()?;
    let thing = thing_of(thing)?;
    let atid = match p.get("atid") {
        None | Some("") => Atid::All,
        Some(a) => atid_of(a)?,
    };
    let limit = p.parse::<u32>("limit")?.unwrap_or(10);
    let offset = p.parse::<i64>("offset")?.unwrap_or(0);
    let (start, end) = window(start, end)?;
    let shifted = (start.saturating_add(offset), end.saturating_add(offset));
    let leaders = service::leaderboard(thing, atid, shifted, limit).await?;
    let leaders: Vec<Value> = leaders
        .iter()
        .enumerate()
        .map(|(i, (uid, value))| json!({"rank": i + 1, "uid": uid, "value": value}))
        .collect();
    let atid = match atid {
        Atid::All => json!("all"),
        Atid::Only(a) => json!(a),
    };
    Ok(json_ok(json!({
        "thing": thing.name(), "atid": atid, "start": start, "end": end,
        "offset": offset, "limit": limit.min(MAX_LIMIT), "leaders": leaders,
    })))
}

fn thing_of(name: &str) -> Result<Thing, Problem> {
    name.parse()
        .map_err(|e| Problem::bad_request(format!("parameter `thing`: {e}")))
}

fn rename(mut p: Problem, name: &str) -> Problem {
    p.detail = p.detail.replacen("`thing`", &format!("`{name}`"), 1);
    p
}

fn atid_of(atid: &str) -> Result<Atid, Problem> {
    parse_value("atid", atid)
}

fn window(start: &str, end: &str) -> Result<(i64, i64), Problem> {
    Ok((parse_value("start", start)?, parse_value("end", end)?))
}

fn ids(p: &Params) -> Result<Vec<i64>, Problem> {
    p.required("ids")?;
    p.list("ids")
        .iter()
        .map(|id| parse_value("ids", id))
        .collect()
}

fn offsets(p: &Params) -> Result<Vec<i64>, Problem> {
    p.list("offsets")
        .iter()
        .map(|o| parse_value("offsets", o))
        .collect()
}

fn drop_empty(p: &Params) -> bool {
    matches!(p.get("drop_empty"), Some("true" | "1"))
}
