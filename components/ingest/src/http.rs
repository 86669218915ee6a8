//! The HTTP routes: parameters and auth in, a module call, JSON (or CSV) out. Every
//! failure is an RFC 9457 problem.

use serde_json::{Value, json};
use spin_sdk::http::{HeaderValue, IntoResponse, Method, Request, Response, StatusCode};
use spin_sdk::wasip3::http::types::{ErrorCode, Response as WasiResponse};
use tally_common::params::{Params, path_segment};
use tally_common::problem::Problem;

use crate::batch::{BodyError, Format, MAX_BYTES};
use crate::config::{self, Config};
use crate::rollup::Hours;
use crate::service::{self, Counter};
use crate::{auth, export, grandstand, jobs, maintenance, reports, time, tracked};

/// JSON with `status`.
pub fn json(status: StatusCode, body: &Value) -> Response<String> {
    let mut r = Response::new(body.to_string());
    *r.status_mut() = status;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

fn ok(body: Value) -> Result<Response<String>, Problem> {
    Ok(json(StatusCode::OK, &body))
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Serves one request.
pub async fn handle(req: Request) -> Result<WasiResponse, ErrorCode> {
    let path = req.uri().path().trim_end_matches('/').to_string();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let method = req.method().clone();
    let config = match config::get().await {
        Ok(c) => c,
        Err(p) => return p.into_response().into_response(),
    };
    if method == Method::GET && path == "/impressions/export" {
        let streamed = async {
            let params = Params::strict_query(req.uri().query())?;
            auth::admin(&config.admin_token, header(&req, "authorization"))?;
            let from = time::parse_instant("from", params.required("from")?)?;
            let to = time::parse_instant("to", params.required("to")?)?;
            export::export(&config, from, to).await
        };
        return match streamed.await {
            Ok(r) => r.into_response(),
            Err(p) => p.into_response().into_response(),
        };
    }
    let result = route(&config, &method, &segments, req).await;
    result
        .unwrap_or_else(Problem::into_response)
        .into_response()
}

async fn route(
    config: &Config,
    method: &Method,
    segments: &[&str],
    req: Request,
) -> Result<Response<String>, Problem> {
    let params = Params::strict_query(req.uri().query())?;
    params.refuse_nul()?;
    let admin = || auth::admin(&config.admin_token, header(&req, "authorization"));
    match (method.clone(), segments) {
        (Method::POST, ["impressions"]) => ingest(config, req).await,
        (Method::GET, ["impressions", "health"]) => health(config).await,
        (Method::GET, ["posts", "view_counts"]) => ok(Value::Object(
            service::view_counts(config, &params.list("ids")).await?,
        )),
        (Method::POST, ["counters", "rebuild"]) => {
            admin()?;
            let counter = match (params.get("post_id"), params.get("author_id")) {
                (Some(p), None) if !p.is_empty() => Counter::Post(p.into()),
                (None, Some(a)) if !a.is_empty() => Counter::Author(a.into()),
                _ => {
                    return Err(Problem::bad_request(
                        "give exactly one of parameters `post_id`, `author_id`",
                    ));
                }
            };
            let (key, value) = service::rebuild(config, &counter).await?;
            ok(json!({"key": key, "value": value}))
        }
        (Method::POST, ["rollups", "run"]) => {
            admin()?;
            let hours = match (params.get("from"), params.get("to")) {
                (None, None) => Hours::around(time::now()),
                (from, to) => Hours::covering(
                    time::parse_instant("from", from.ok_or_else(|| missing("from"))?)?,
                    time::parse_instant("to", to.ok_or_else(|| missing("to"))?)?,
                )
                .map_err(Problem::bad_request)?,
            };
            let report = jobs::rollup(config, hours).await?;
            let views = if params.get("refresh") == Some("false") {
                Vec::new()
            } else {
                jobs::refresh(config).await?
            };
            ok(json!({"rollup": report, "views_refreshed": views}))
        }
        (Method::POST, ["views", "refresh"]) => {
            admin()?;
            ok(json!({"views_refreshed": jobs::refresh(config).await?}))
        }
        (Method::POST, ["impressions", "partitions", "maintain"]) => {
            admin()?;
            let now = at(&params)?;
            ok(json!(maintenance::run(config, now).await?))
        }
        (Method::POST, ["impressions", "jobs", "tick"]) => {
            admin()?;
            match jobs::tick(config, at(&params)?).await {
                Ok(report) => ok(report),
                Err((report, _)) => Ok(json(StatusCode::INTERNAL_SERVER_ERROR, &report)),
            }
        }
        (Method::GET, ["impressions", "tracked_authors"]) => {
            admin()?;
            ok(tracked::list(config).await?)
        }
        (Method::PUT, ["impressions", "tracked_authors", id]) => {
            admin()?;
            let id = pg_text("author_id", &path_segment("author_id", id)?)?;
            ok(tracked::add(config, &id, params.get("username")).await?)
        }
        (Method::DELETE, ["impressions", "tracked_authors", id]) => {
            admin()?;
            let id = pg_text("author_id", &path_segment("author_id", id)?)?;
            ok(tracked::remove(config, &id).await?)
        }
        (Method::GET, ["impressions", "daily"]) => ok(reports::daily(config, &params).await?),
        (Method::GET, ["impressions", "hourly"]) => ok(reports::hourly(config, &params).await?),
        (
            Method::GET,
            [
                "api",
                "v1",
                "artist_invites",
                id,
                which @ ("daily" | "total"),
            ],
        ) => {
            auth::basic(config.basic_auth.as_ref(), header(&req, "authorization"))?;
            let id = pg_text("id", &path_segment("id", id)?)?;
            if *which == "total" {
                return ok(grandstand::total(config, &id).await?);
            }
            match grandstand::daily(config, &id, &params).await? {
                Some(body) => ok(body),
                None => {
                    let mut r = Response::new(String::new());
                    *r.status_mut() = StatusCode::NO_CONTENT;
                    Ok(r)
                }
            }
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

/// The methods a known path answers (for the 405's `allow`); `None` for an unknown path.
fn allowed(segments: &[&str]) -> Option<&'static [&'static str]> {
    Some(match segments {
        ["impressions"] | ["counters", "rebuild"] | ["rollups", "run"] | ["views", "refresh"] => {
            &["POST"]
        }
        ["impressions", "partitions", "maintain"] | ["impressions", "jobs", "tick"] => &["POST"],
        [
            "impressions",
            "health" | "export" | "daily" | "hourly" | "tracked_authors",
        ]
        | ["posts", "view_counts"]
        | ["api", "v1", "artist_invites", _, "daily" | "total"] => &["GET"],
        ["impressions", "tracked_authors", _] => &["PUT", "DELETE"],
        _ => return None,
    })
}

/// A text parameter bound into SQL: Postgres `text` cannot hold NUL, so a value with one
/// is a 400 naming `name` rather than a database error.
pub fn pg_text(name: &str, value: &str) -> Result<String, Problem> {
    if value.contains('\0') {
        return Err(Problem::bad_request(format!(
            "parameter `{name}` contains a NUL character"
        )));
    }
    Ok(value.to_string())
}

fn missing(name: &str) -> Problem {
    Problem::bad_request(format!("parameter `{name}` is missing"))
}

/// The `now` parameter (default: the clock).
fn at(params: &Params) -> Result<chrono::DateTime<chrono::Utc>, Problem> {
    match params.get("now") {
        Some(v) if !v.is_empty() => time::parse_instant("now", v),
        _ => Ok(time::now()),
    }
}

/// `POST /impressions`.
async fn ingest(config: &Config, req: Request) -> Result<Response<String>, Problem> {
    let too_large = |e: BodyError| match e {
        BodyError::TooLarge(m) => Problem::new(StatusCode::PAYLOAD_TOO_LARGE, m),
        BodyError::Malformed(m) => Problem::bad_request(m),
    };
    let format = Format::from_content_type(header(&req, "content-type"))
        .map_err(|m| Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, m))?;
    let body = tally_common::body::read(req, MAX_BYTES).await?;
    let parsed = service::parse(config, &body, format).map_err(too_large)?;
    let stored = service::ingest(config, parsed).await?;
    let mut body = json!(stored.summary);
    if !stored.counters_updated {
        body["counters_updated"] = json!(false);
    }
    ok(body)
}

/// `GET /impressions/health`: 200 when Postgres and Redis answer, 503 otherwise.
async fn health(config: &Config) -> Result<Response<String>, Problem> {
    let (pg, redis) = service::health(config).await;
    let status = if pg.is_none() && redis.is_none() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let state = |e: &Option<String>| match e {
        None => json!({"reachable": true}),
        Some(e) => json!({"reachable": false, "error": e}),
    };
    Ok(json(
        status,
        &json!({"component": "ingest", "postgres": state(&pg), "redis": state(&redis)}),
    ))
}
