//! The HTTP routes: parameters in, a module call, JSON (or CSV) out; every error an
//! RFC 9457 problem (with the load's details as extension members where there are some).

use serde::Serialize;
use serde_json::{Value, json};
use spin_sdk::http::body::IncomingBodyExt;
use spin_sdk::http::{HeaderValue, IntoResponse, Method, Request, Response, StatusCode};
use spin_sdk::pg::Connection;
use spin_sdk::wasip3::http::types::{ErrorCode, Response as WasiResponse};
use tally_common::params::Params;
use tally_common::problem::Problem;

use crate::config::Config;
use crate::ledger::{self, FileRef, MAX_LIST};
use crate::load::{self, LoadError, Outcome};
use crate::query::{self, Range};
use crate::{dashboard, events, series, trigger};

/// The largest event body accepted (events are small; objects are fetched, not posted).
pub const MAX_EVENT_BYTES: usize = 4 << 20;

/// The longest batch name accepted, in bytes.
pub const MAX_NAME_BYTES: usize = 1024;

/// Serves one request.
pub async fn handle(req: Request) -> Result<WasiResponse, ErrorCode> {
    let result = async {
        let config = Config::get().await?;
        route(&config, req).await
    };
    result
        .await
        .unwrap_or_else(Problem::into_response)
        .into_response()
}

async fn route(config: &Config, req: Request) -> Result<Response<String>, Problem> {
    let path = req.uri().path().trim_end_matches('/').to_string();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let params = Params::strict_query(req.uri().query())?;
    params.refuse_nul()?;
    let method = req.method().clone();
    match (method.clone(), segments.as_slice()) {
        (Method::POST, ["etl", "batches"]) => batch(config, &params, req).await,
        (Method::POST, ["etl", "events"]) => {
            let content_type = req
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok());
            tally_common::body::require_json(content_type)?;
            let body = tally_common::body::read(req, MAX_EVENT_BYTES).await?;
            let items = events::parse(&body).map_err(Problem::bad_request)?;
            let (status, body) = trigger::events(config, items).await?;
            Ok(reply(status, &body))
        }
        (Method::POST, ["etl", "retry", id]) => {
            let authorization = req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok());
            config.admin(authorization)?;
            let id = query::id("id", id)?;
            let (outcome, status) = trigger::retry(config, id).await?;
            outcome_reply(outcome, status)
        }
        (Method::GET, ["etl", "files"]) => {
            let status = params.get("status");
            if let Some(s) = status.filter(|s| !["loaded", "failed"].contains(s)) {
                return Err(Problem::bad_request(format!(
                    "parameter `status` has an invalid value {s:?}: expected loaded or failed"
                )));
            }
            let limit = params.parse::<i64>("limit")?.unwrap_or(100);
            if !(1..=MAX_LIST).contains(&limit) {
                return Err(Problem::bad_request(format!(
                    "parameter `limit` must be 1 to {MAX_LIST}"
                )));
            }
            let conn = Connection::open(&config.postgres_url).await?;
            let files = ledger::list(&conn, status, limit).await?;
            Ok(reply(StatusCode::OK, &json!({ "files": files })))
        }
        (Method::GET, ["etl", "files", id]) => {
            let id = query::id("id", id)?;
            let conn = Connection::open(&config.postgres_url).await?;
            match ledger::get(&conn, id).await? {
                Some(entry) => Ok(reply(StatusCode::OK, &entry)),
                None => Err(Problem::new(
                    StatusCode::NOT_FOUND,
                    format!("no file {id} in the ledger"),
                )),
            }
        }
        (Method::GET, ["etl", "health"]) => Ok(health(config).await),
        (Method::GET, ["ads", "metrics", "top"]) => {
            let range = Range::from_params(&params)?;
            let (by, limit) = (query::by(&params)?, query::limit(&params)?);
            let ads = dashboard::top(&config.postgres_url, range, by, limit).await?;
            Ok(reply(
                StatusCode::OK,
                &json!({ "from": series::time(range.from), "to": series::time(range.to), "ads": ads }),
            ))
        }
        (Method::GET, ["ads", "metrics.csv"]) => {
            let ads = query::ad_ids(&params)?;
            let (range, granularity) = (Range::from_params(&params)?, query::granularity(&params)?);
            let all = dashboard::series(&config.postgres_url, &ads, range, granularity).await?;
            let body = series::csv(&all)
                .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
            let mut r = Response::new(String::from_utf8_lossy(&body).into_owned());
            r.headers_mut().insert(
                "content-type",
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            Ok(r)
        }
        (Method::GET, ["ads", ad, "metrics"]) => {
            let ad = query::id("ad_id", ad)?;
            let (range, granularity) = (Range::from_params(&params)?, query::granularity(&params)?);
            let mut all =
                dashboard::series(&config.postgres_url, &[ad], range, granularity).await?;
            let (_, points) = all.pop().unwrap_or_default();
            let g = if granularity == query::Granularity::Day {
                "day"
            } else {
                "hour"
            };
            Ok(reply(
                StatusCode::OK,
                &json!({
                    "ad_id": ad, "from": series::time(range.from), "to": series::time(range.to),
                    "granularity": g, "series": points,
                }),
            ))
        }
        (_, s) => Err(match allowed(s) {
            Some(allow) => {
                Problem::method_not_allowed(method.as_str(), &format!("/{}", s.join("/")), allow)
            }
            None => Problem::new(
                StatusCode::NOT_FOUND,
                format!("no route {method} /{}", s.join("/")),
            ),
        }),
    }
}

/// The methods a known path answers (a 405's `allow`); `None` for an unknown path.
fn allowed(segments: &[&str]) -> Option<&'static [&'static str]> {
    match segments {
        ["etl", "batches" | "events"] | ["etl", "retry", _] => Some(&["POST"]),
        ["etl", "files" | "health"]
        | ["etl", "files", _]
        | ["ads", "metrics", "top"]
        | ["ads", "metrics.csv"]
        | ["ads", _, "metrics"] => Some(&["GET"]),
        _ => None,
    }
}

/// `POST /etl/batches?name=`: the body is the TSV file, streamed.
async fn batch(
    config: &Config,
    params: &Params,
    req: Request,
) -> Result<Response<String>, Problem> {
    let name = params.required("name")?.trim();
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return Err(Problem::bad_request(format!(
            "parameter `name` must be 1 to {MAX_NAME_BYTES} bytes"
        )));
    }
    let file = FileRef::batch(name);
    match load::load(config, &file, req.into_body().stream()).await {
        Ok(outcome @ Outcome::Failed { .. }) => {
            outcome_reply(outcome, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(outcome) => outcome_reply(outcome, StatusCode::OK),
        Err(LoadError::Body(e)) => Err(Problem::bad_request(format!(
            "the request body could not be read: {e}"
        ))),
        Err(LoadError::Backend(p)) => Err(p),
    }
}

/// A load outcome: its JSON, or for a failure a problem whose extension members are the
/// outcome's fields.
fn outcome_reply(outcome: Outcome, status: StatusCode) -> Result<Response<String>, Problem> {
    let mut body = serde_json::to_value(&outcome).unwrap_or(Value::Null);
    if let Outcome::Failed { reason, .. } = &outcome {
        let problem =
            serde_json::to_value(Problem::new(status, reason.clone())).unwrap_or(Value::Null);
        if let (Value::Object(fields), Value::Object(extra)) = (problem, &mut body) {
            extra.extend(fields);
        }
        let mut r = reply(status, &body);
        r.headers_mut().insert(
            "content-type",
            HeaderValue::from_static("application/problem+json"),
        );
        return Ok(r);
    }
    Ok(reply(status, &body))
}

/// JSON with `status`.
fn reply(status: StatusCode, body: &impl Serialize) -> Response<String> {
    let mut r = Response::new(serde_json::to_string(body).unwrap_or_default());
    *r.status_mut() = status;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

/// `GET /etl/health`: 200 when Postgres answers (and the ledger exists), 503 otherwise;
/// whether the S3 endpoint answers is reported, not required (only events need it).
async fn health(config: &Config) -> Response<String> {
    let pg = async {
        let conn = Connection::open(&config.postgres_url)
            .await
            .map_err(|e| e.to_string())?;
        conn.query("SELECT 1 FROM etl_files LIMIT 1", vec![])
            .await
            .map_err(|e| e.to_string())?
            .collect()
            .await
            .map_err(|e| e.to_string())?;
        Ok::<(), String>(())
    };
    let s3 = async {
        let request = http::Request::get(format!("{}/", config.s3_endpoint))
            .body(spin_sdk::http::EmptyBody::new())
            .map_err(|e| e.to_string())?;
        spin_sdk::http::send(request)
            .await
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
    };
    let (pg, s3) = futures::join!(pg, s3);
    let state = |r: &Result<(), String>| match r {
        Ok(()) => json!({"reachable": true}),
        Err(e) => json!({"reachable": false, "error": e}),
    };
    let status = if pg.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut s3_state = state(&s3);
    s3_state["endpoint"] = json!(config.s3_endpoint);
    reply(
        status,
        &json!({"component": "etl", "postgres": state(&pg), "s3": s3_state}),
    )
}
