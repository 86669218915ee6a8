//! The HTTP routes: the Ello Streams API, the Roshi API, health and the repair walk.

use std::time::Instant;

use serde_json::{Value, json};
use spin_sdk::http::{HeaderValue, Method, Request, Response, StatusCode};
use tally_common::params::{Params, path_segment};
use tally_common::problem::Problem;

use crate::cluster::{StoreError, StoreErrorKind};
use crate::config::Config;
use crate::farm::FarmError;
use crate::model::Op;
use crate::shard::stream_key;
use crate::{ello, metrics, roshi, walker};

type Reply = Result<Response<String>, Problem>;

/// The largest request body: 413 beyond.
pub const MAX_BODY_BYTES: usize = 8 << 20;

/// Routes one request.
pub async fn handle(req: Request) -> Response<String> {
    let started = Instant::now();
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    let authorization = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let read = async {
        let params = Params::strict_query(req.uri().query())?;
        let content_type = req
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = tally_common::body::read(req, MAX_BODY_BYTES).await?;
        if !body.is_empty() {
            tally_common::body::require_json(content_type.as_deref())?;
        }
        Ok::<_, Problem>((params, body))
    };
    let (params, body) = match read.await {
        Ok(read) => read,
        Err(p) => return p.into_response(),
    };
    let reply = match (segments.as_slice(), &method) {
        (["streams"], &Method::PUT) => ello_write(&body, Op::Insert).await,
        (["streams"], &Method::DELETE) => ello_write(&body, Op::Delete).await,
        (["streams", "coalesce"], &Method::POST) => coalesce(&path, &params, &body).await,
        (["streams", "health"], &Method::GET) => health().await,
        (["streams", "metrics"], &Method::GET) => scrape().await,
        (["streams", "repair"], &Method::POST) => repair(authorization.as_deref()).await,
        (["stream", id], &Method::GET) => match path_segment("id", id) {
            Ok(id) => coalesce_ids(&path, &params, vec![id]).await,
            Err(p) => Err(p),
        },
        (["stream", id, "count"], &Method::GET) => match path_segment("id", id) {
            Ok(id) => count(&id).await,
            Err(p) => Err(p),
        },
        (["roshi"], &Method::POST) => roshi_write(&body, Op::Insert, started).await,
        (["roshi"], &Method::DELETE) => roshi_write(&body, Op::Delete, started).await,
        (["roshi"], &Method::GET) | (["roshi", "select"], &Method::POST | &Method::GET) => {
            roshi_select(&params, &body, started).await
        }
        (s, _) if allowed(s).is_some() => Err(Problem::method_not_allowed(
            method.as_str(),
            &path,
            allowed(s).unwrap_or_default(),
        )),
        _ => Err(Problem::new(
            StatusCode::NOT_FOUND,
            format!("no route for {path}"),
        )),
    };
    let op = match (segments.as_slice(), &method) {
        (["streams"] | ["roshi"], &Method::PUT | &Method::POST) => Some("insert"),
        (["streams"] | ["roshi"], &Method::DELETE) => Some("delete"),
        (["streams", "coalesce"] | ["stream", _], _) => Some("coalesce"),
        (["roshi"] | ["roshi", "select"], _) => Some("select"),
        _ => None,
    };
    if let (Some(op), Ok(_)) = (op, &reply) {
        let took = started.elapsed();
        if let Ok(cfg) = Config::load().await
            && cfg.metrics
        {
            metrics::record(&cfg.farm, op, took).await;
        }
    }
    reply.unwrap_or_else(Problem::into_response)
}

/// The methods of the route `segments` names (a 405's `allow`); `None` for no route.
fn allowed(segments: &[&str]) -> Option<&'static [&'static str]> {
    match segments {
        ["streams"] => Some(&["PUT", "DELETE"]),
        ["streams", "coalesce" | "repair"] => Some(&["POST"]),
        ["streams", "health" | "metrics"] | ["stream", _] | ["stream", _, "count"] => {
            Some(&["GET"])
        }
        ["roshi"] => Some(&["GET", "POST", "DELETE"]),
        ["roshi", "select"] => Some(&["GET", "POST"]),
        _ => None,
    }
}

fn unprocessable(detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
}

fn json_response(status: StatusCode, value: &Value) -> Response<String> {
    json_text(status, value.to_string())
}

fn json_text(status: StatusCode, text: String) -> Response<String> {
    let mut r = Response::new(text);
    *r.status_mut() = status;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

async fn config() -> Result<Config, Problem> {
    Config::load().await.map_err(|e| {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("configuration error: {e}"),
        )
    })
}

/// A store failure as a problem: 503 when Redis is unreachable or a quorum is missed.
pub fn store_problem(e: &StoreError) -> Problem {
    let mut p = match &e.kind {
        StoreErrorKind::Redis(err) => Problem::from(err.clone()),
        StoreErrorKind::Reply(_) => Problem::new(StatusCode::INTERNAL_SERVER_ERROR, ""),
    };
    p.detail = e.to_string();
    p
}

/// A farm failure as a problem.
pub fn farm_problem(e: FarmError) -> Problem {
    match e {
        FarmError::Store(e) => store_problem(&e),
        FarmError::Quorum { .. } => Problem::unavailable(e.to_string()),
        FarmError::Config(e) => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("configuration error: {e}"),
        ),
    }
}

async fn ello_write(body: &[u8], op: Op) -> Reply {
    let writes = ello::parse_items(body, op).map_err(|e| unprocessable(e.0))?;
    if !writes.is_empty() {
        config()
            .await?
            .farm
            .write(&writes)
            .await
            .map_err(farm_problem)?;
    }
    let status = if op == Op::Insert {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut r = Response::new(String::new());
    *r.status_mut() = status;
    Ok(r)
}

async fn coalesce(path: &str, params: &Params, body: &[u8]) -> Reply {
    let ids = ello::parse_streams(body).map_err(|e| unprocessable(e.0))?;
    coalesce_ids(path, params, ids).await
}

async fn coalesce_ids(path: &str, params: &Params, ids: Vec<String>) -> Reply {
    let query = ello::parse_query(params).map_err(|e| unprocessable(e.0))?;
    let mut keys: Vec<Vec<u8>> = ids.iter().map(|id| stream_key(id)).collect();
    keys.sort();
    keys.dedup();
    let page = if keys.is_empty() {
        Vec::new()
    } else {
        let farm = config().await?.farm;
        query.page(farm.read(&keys, &query, true).await.map_err(farm_problem)?)
    };
    let items: Vec<ello::Item> = page.iter().filter_map(ello::item).collect();
    let mut r = json_text(
        StatusCode::OK,
        serde_json::to_string(&items).expect("items serialize"),
    );
    if let Some(link) = ello::link(path, &query, &page) {
        r.headers_mut().insert(
            "link",
            HeaderValue::from_str(&link).expect("an escaped link is a header value"),
        );
    }
    Ok(r)
}

async fn count(id: &str) -> Reply {
    let farm = config().await?.farm;
    let key = stream_key(id);
    let counts =
        futures::future::join_all(farm.clusters.iter().map(|c| c.count(&farm.layout, &key))).await;
    let mut best = None;
    let mut error = None;
    for c in counts {
        match c {
            Ok(n) => best = Some(best.unwrap_or(0).max(n)),
            Err(e) => error = Some(e),
        }
    }
    match (best, error) {
        (Some(n), _) => Ok(json_response(
            StatusCode::OK,
            &json!({ "stream_id": id, "count": n }),
        )),
        (None, Some(e)) => Err(store_problem(&e)),
        (None, None) => unreachable!("a farm has a cluster"),
    }
}

async fn health() -> Reply {
    let farm = config().await?.farm;
    let pings = futures::future::join_all(farm.clusters.iter().map(|c| c.ping())).await;
    let mut all_ok = true;
    let backends: Vec<Value> = pings
        .into_iter()
        .enumerate()
        .flat_map(|(c, ps)| ps.into_iter().map(move |(url, err)| (c, url, err)))
        .map(|(c, url, err)| {
            all_ok &= err.is_none();
            json!({ "cluster": c, "url": url, "reachable": err.is_none(), "error": err })
        })
        .collect();
    let status = if all_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let text = if all_ok { "ok" } else { "unavailable" };
    Ok(json_response(
        status,
        &json!({ "status": text, "backends": backends }),
    ))
}

async fn scrape() -> Reply {
    let farm = config().await?.farm;
    let text = metrics::scrape(&farm)
        .await
        .map_err(|e| store_problem(&e))?;
    let mut r = Response::new(text);
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    Ok(r)
}

async fn repair(authorization: Option<&str>) -> Reply {
    let cfg = config().await?;
    if cfg.repair_token.is_empty() {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "the repair route is disabled: set streams_repair_token",
        ));
    }
    tally_common::auth::bearer(&cfg.repair_token, authorization, "streams_repair_token")?;
    let report = walker::run(&cfg.farm, cfg.repair_keys)
        .await
        .map_err(|e| store_problem(&e))?;
    Ok(json_response(StatusCode::OK, &report.to_json()))
}

async fn roshi_write(body: &[u8], op: Op, started: Instant) -> Reply {
    let writes = roshi::parse_writes(body, op).map_err(|e| Problem::bad_request(e.0))?;
    if !writes.is_empty() {
        config()
            .await?
            .farm
            .write(&writes)
            .await
            .map_err(farm_problem)?;
    }
    let field = if op == Op::Insert {
        "inserted"
    } else {
        "deleted"
    };
    let took = roshi::go_duration(started.elapsed());
    Ok(json_response(
        StatusCode::OK,
        &json!({ field: writes.len(), "duration": took }),
    ))
}

async fn roshi_select(params: &Params, body: &[u8], started: Instant) -> Reply {
    let (query, coalesce) = roshi::parse_select(params).map_err(|e| Problem::bad_request(e.0))?;
    let keys = roshi::parse_keys(body).map_err(|e| Problem::bad_request(e.0))?;
    let candidates = if keys.is_empty() {
        Vec::new()
    } else {
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        let farm = config().await?.farm;
        farm.read(&unique, &query, coalesce)
            .await
            .map_err(farm_problem)?
    };
    let reply = if coalesce {
        roshi::select_reply(
            &keys,
            Vec::new(),
            Some(query.page(candidates)),
            started.elapsed(),
        )
    } else {
        let pages = query.pages(&keys, candidates);
        roshi::select_reply(&keys, pages, None, started.elapsed())
    };
    Ok(json_response(StatusCode::OK, &reply))
}
