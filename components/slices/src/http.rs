//! The HTTP routes: parameters in, [`service`] call, text or JSON out.

use spin_sdk::http::{HeaderValue, Method, Request, Response, StatusCode};
use tally_common::params::Params;
use tally_common::problem::Problem;

use crate::config::Config;
use crate::error::Error;
use crate::request::{self, Format};
use crate::service::{self, MAX_SLICES};
use crate::{render, settings};

const ROUTES: [&str; 6] = [
    "/analytics",
    "/analytics/perworker",
    "/analytics/allslices",
    "/analytics/range",
    "/analytics/health",
    "/analytics/",
];

fn respond(status: StatusCode, content_type: &'static str, body: String) -> Response<String> {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    r
}

fn ok(
    format: Format,
    text: impl FnOnce() -> String,
    json: impl FnOnce() -> String,
) -> Response<String> {
    match format {
        Format::Text => respond(StatusCode::OK, "text/plain; charset=utf-8", text()),
        Format::Json => respond(StatusCode::OK, "application/json", json()),
    }
}

/// Serves one request; every failure is a problem+json response.
pub async fn handle(req: Request) -> Response<String> {
    let path = req.uri().path().trim_end_matches('/').to_string();
    let method = req.method().clone();
    let result = match (method.clone(), path.as_str()) {
        (Method::POST, "/analytics") => post(req).await,
        (Method::GET, "/analytics") => async { get(&query(&req)?, Detail::Total).await }.await,
        (Method::GET, "/analytics/perworker") => {
            async { get(&query(&req)?, Detail::PerWorker).await }.await
        }
        (Method::GET, "/analytics/allslices") => async { all_slices(&query(&req)?).await }.await,
        (Method::GET, "/analytics/range") => async { range(&query(&req)?).await }.await,
        (Method::GET, "/analytics/health") => health().await,
        (_, p) if ROUTES.contains(&p) => {
            let allow: &[&str] = if p == "/analytics" {
                &["GET", "POST"]
            } else {
                &["GET"]
            };
            Err(Problem::method_not_allowed(method.as_str(), p, allow))
        }
        (_, p) => Err(Problem::new(StatusCode::NOT_FOUND, format!("no route {p}"))),
    };
    result.unwrap_or_else(Problem::into_response)
}

/// The query string's parameters (400 naming one that is not UTF-8).
fn query(req: &Request) -> Result<Params, Problem> {
    Params::strict_query(req.uri().query())
}

/// The largest form body of `POST /analytics`: 413 beyond.
pub const MAX_FORM_BYTES: usize = 64 << 10;

async fn config() -> Result<std::rc::Rc<Config>, Problem> {
    Ok(settings::config().await?)
}

/// `POST /analytics`: parameters in the query string or a form body, in any order.
async fn post(req: Request) -> Result<Response<String>, Problem> {
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let has_body = tally_common::body::declared_length(req.headers()).is_none_or(|n| n > 0);
    if !is_form && !content_type.is_empty() && has_body {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "header `content-type` must be application/x-www-form-urlencoded (or absent), not {content_type:?}"
            ),
        ));
    }
    let mut raw = req.uri().query().unwrap_or("").as_bytes().to_vec();
    if is_form {
        let body = tally_common::body::read(req, MAX_FORM_BYTES).await?;
        raw.push(b'&');
        raw.extend_from_slice(&body);
    }
    let params = Params::strict_form(&raw)?;
    let event = request::event(&params)?;
    let config = config().await?;
    // A repeated event id was counted by its first delivery: accepted all the same.
    service::record(&config, &event, service::now_ms()).await?;
    Ok(respond(StatusCode::ACCEPTED, "text/plain", String::new()))
}

enum Detail {
    Total,
    PerWorker,
}

/// `GET /analytics` and `/analytics/perworker`.
async fn get(params: &Params, detail: Detail) -> Result<Response<String>, Problem> {
    let format = request::format(params)?;
    let ts = request::timestamp(params, "timestamp")?;
    let config = config().await?;
    let slice = service::slice_at(&config, ts, "timestamp")?;
    let report = service::reports(&config, &[slice]).await?.remove(0);
    let label = &config.unique_label;
    Ok(match detail {
        Detail::Total => ok(
            format,
            || render::counts_text(label, &report.total()),
            || render::slice_json(&config.slicing, slice, &report.total()),
        ),
        Detail::PerWorker => ok(
            format,
            || render::perworker_text(label, &report),
            || render::perworker_json(&config.slicing, &report),
        ),
    })
}

/// `GET /analytics/allslices`: every slice from the first one with data (at most `limit`,
/// the latest) to the one holding `timestamp`.
async fn all_slices(params: &Params) -> Result<Response<String>, Problem> {
    let format = request::format(params)?;
    let ts = request::timestamp(params, "timestamp")?;
    let limit = request::count(params, "limit", MAX_SLICES, MAX_SLICES)?;
    let config = config().await?;
    let last = service::slice_at(&config, ts, "timestamp")?;
    let first = service::first_recorded(&config)
        .await?
        .filter(|&f| f <= last)
        .unwrap_or(last);
    let truncated = last - first >= limit as u64;
    let first = if truncated {
        last + 1 - limit as u64
    } else {
        first
    };
    let slices: Vec<u64> = (first..=last).collect();
    let reports = service::reports(&config, &slices).await?;
    let mut r = ok(
        format,
        || render::slices_text(&config.unique_label, &reports),
        || render::slices_json(&config.slicing, &reports, truncated),
    );
    if truncated {
        r.headers_mut()
            .insert("x-slices-truncated", HeaderValue::from_static("true"));
    }
    Ok(r)
}

/// `GET /analytics/range?from=&to=`: the slices overlapping `[from, to)`.
async fn range(params: &Params) -> Result<Response<String>, Problem> {
    let format = request::format(params)?;
    let from = request::timestamp(params, "from")?;
    let to = request::timestamp(params, "to")?;
    let config = config().await?;
    if to <= from {
        return Err(Problem::bad_request("parameter `to` must be after `from`"));
    }
    let slices = config.slicing.overlapping(from, to).ok_or_else(|| {
        Problem::from(Error::BadRequest(
            "parameter `to` is before the first slice".into(),
        ))
    })?;
    if slices.end() - slices.start() >= MAX_SLICES as u64 {
        return Err(Problem::bad_request(format!(
            "parameter `to`: the range covers more than {MAX_SLICES} slices"
        )));
    }
    let slices: Vec<u64> = slices.collect();
    let (reports, approx) = futures::join!(
        service::reports(&config, &slices),
        service::approx_unique_users(&config, &slices)
    );
    let (reports, approx) = (reports?, approx?);
    Ok(ok(
        format,
        || render::range_text(&config.unique_label, &reports, approx),
        || render::range_json(&config.slicing, (from, to), &reports, approx),
    ))
}

/// `GET /analytics/health`: 200 when every shard answers, else 503.
async fn health() -> Result<Response<String>, Problem> {
    let config = config().await?;
    let (reachable, body) = service::health(&config).await;
    let status = if reachable {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    Ok(respond(status, "application/json", body.to_string()))
}
