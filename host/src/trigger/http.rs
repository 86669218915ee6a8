//! The HTTP trigger: Spin's route rules and headers in front of each component's
//! `wasi:http/handler`, with instance reuse as Spin 4 does it.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tally_manifest::{Route, Router};
use tokio::net::TcpListener;
use wasmtime::component::GuestTaskId;
use wasmtime::{Engine, Store, StoreContextMut};
use wasmtime_wasi_http::handler::{
    ExpirationError, HandlerState, Instance, ProxyHandler, ProxyPre, ShouldAccept,
    WorkerExpiration, WorkerState, WorkerStatus,
};
use wasmtime_wasi_http::{WasiBody, WasiHttpView};

use crate::app::{App, LoadedComponent};
use crate::metrics::Metrics;
use crate::options::HostOptions;
use crate::state::HostState;

/// Serves `app`'s HTTP routes on `listener` until `shutdown` resolves; in-flight
/// requests finish before this returns.
pub async fn serve(
    app: Arc<App>,
    listener: TcpListener,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let server = Arc::new(HttpServer::new(&app, metrics)?);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(v) => v,
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    continue;
                }
            },
        };
        // Without this every keep-alive response waits ~40 ms for Nagle's algorithm.
        stream.set_nodelay(true)?;
        let server = server.clone();
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let server = server.clone();
            let req = req.map(|body| body.map_err(wasmtime_wasi_http::Error::from).boxed_unsync());
            async move { Ok::<_, Infallible>(server.handle(req, client, "http").await) }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("connection error: {e}");
            }
        });
    }
    tracing::info!("shutting down: waiting for in-flight requests");
    graceful.shutdown().await;
    Ok(())
}

/// Routing plus one [`ProxyHandler`] per HTTP component: what serves a request, whether
/// it came from a socket (`up`) or from an event (`lambda`).
pub struct HttpServer {
    router: Router,
    handlers: HashMap<String, ProxyHandler<ComponentHandler>>,
    metrics: Arc<Metrics>,
    next_request: AtomicU64,
    base: String,
    request_timeout: Duration,
}

impl HttpServer {
    /// Routes and handlers for every `[[trigger.http]]` of `app`.
    pub fn new(app: &App, metrics: Arc<Metrics>) -> anyhow::Result<Self> {
        let mut routes = Vec::new();
        let mut handlers = HashMap::new();
        for trigger in &app.manifest.http_triggers {
            let component = app.component(&trigger.component)?;
            if let Route::Path(route) = &trigger.route {
                routes.push((route.clone(), trigger.component.clone()));
            }
            if !handlers.contains_key(&trigger.component) {
                let pre = wasmtime_wasi_http::p3::bindings::ServicePre::new(component.pre.clone())
                    .map_err(|e| {
                        anyhow::anyhow!(
                            "component `{}` does not export wasi:http/handler@0.3.0: {e}",
                            trigger.component
                        )
                    })?;
                let state = ComponentHandler {
                    component,
                    pre: ProxyPre::P3(pre),
                    engine: app.engine.clone(),
                    options: app.options.clone(),
                };
                handlers.insert(trigger.component.clone(), ProxyHandler::new(state));
            }
        }
        let router = Router::new(routes).context("HTTP routes")?;
        let base = app.manifest.application.trigger.http_base.clone();
        Ok(Self {
            router,
            handlers,
            metrics,
            next_request: AtomicU64::new(0),
            base,
            request_timeout: app.options.request_timeout,
        })
    }

    /// Routes `req` by Spin's rules, adds the `spin-*` headers (the full URL with
    /// `scheme`) and runs the component; failures and overruns become 500/504 responses.
    pub async fn handle(
        &self,
        mut req: Request<WasiBody>,
        client: SocketAddr,
        scheme: &str,
    ) -> Response<WasiBody> {
        let started = Instant::now();
        let path = req.uri().path().to_string();
        // `/metrics` is the host's unless a component routes it by name (`/metrics` or
        // `/metrics/...`): a catch-all `/...` (the dashboard's static site) does not take it.
        let unclaimed = |m: tally_manifest::RouteMatch| m.component_route.is_empty();
        if path == "/metrics" && self.router.route(&path).is_none_or(unclaimed) {
            return text(StatusCode::OK, self.metrics.render());
        }
        let Some(matched) = self.router.route(&path) else {
            tracing::info!(method = %req.method(), %path, status = 404, "no route");
            return text(StatusCode::NOT_FOUND, "Not Found\n".to_string());
        };
        let host = req
            .headers()
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
            .to_string();
        let path_and_query = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| path.clone());
        let full_url = format!("{scheme}://{host}{path_and_query}");
        if let Ok(uri) = full_url.parse() {
            *req.uri_mut() = uri;
        }
        for (name, value) in
            tally_manifest::spin_headers(&matched, &full_url, &client.to_string(), &self.base)
        {
            if let Ok(value) = HeaderValue::try_from(value) {
                req.headers_mut().insert(name, value);
            }
        }
        let method = req.method().clone();
        let handler = &self.handlers[&matched.component];
        let request_id = self.next_request.fetch_add(1, Ordering::Relaxed);
        let response = match handler.handle(request_id, req).await {
            Ok(response) => response,
            Err(e) if e.is::<ExpirationError>() || started.elapsed() >= self.request_timeout => {
                tracing::warn!(component = %matched.component, "request cut off at its deadline");
                text(
                    StatusCode::GATEWAY_TIMEOUT,
                    "the component did not answer in time\n".to_string(),
                )
            }
            Err(e) => {
                tracing::error!(component = %matched.component, "component failed: {e:?}");
                text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the component failed\n".to_string(),
                )
            }
        };
        let elapsed = started.elapsed();
        let status = response.status().as_u16();
        self.metrics
            .record_request(&matched.component, status, elapsed);
        tracing::info!(
            component = %matched.component,
            route = %matched.matched_route,
            %method,
            %path,
            status,
            duration_ms = elapsed.as_secs_f64() * 1000.0,
            "request"
        );
        response
    }
}

/// A request or response body holding `bytes`.
pub fn full_body(bytes: impl Into<Bytes>) -> WasiBody {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

fn text(status: StatusCode, body: String) -> Response<WasiBody> {
    let mut response = Response::new(full_body(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Creates instances of one component for its [`ProxyHandler`].
struct ComponentHandler {
    component: Arc<LoadedComponent>,
    pre: ProxyPre<HostState>,
    engine: Engine,
    options: HostOptions,
}

impl HandlerState for ComponentHandler {
    type StoreData = HostState;
    type WorkerExpiration = Expiration;
    type WorkerState = Worker;

    async fn instantiate(&self) -> wasmtime::Result<Instance<HostState, Expiration, Worker>> {
        let mut store = self.component.new_store(&self.engine, &self.options);
        let proxy = self.pre.instantiate_async(&mut store).await?;
        Ok(Instance {
            store,
            proxy,
            view: WasiHttpView::http,
            expiration: Expiration {
                idle_timeout: self.options.idle_instance_timeout,
                request_timeout: self.options.request_timeout,
                sleep: Box::pin(tokio::time::sleep(Duration::MAX / 4)),
            },
            state: Worker {
                max_total: self.options.max_instance_reuse_count.max(1),
                max_concurrent: self.options.max_instance_concurrent_reuse_count.max(1),
                request_timeout: self.options.request_timeout,
            },
        })
    }
}

/// Retires an instance when it has been idle too long or a request overran its deadline.
struct Expiration {
    idle_timeout: Duration,
    request_timeout: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl WorkerExpiration for Expiration {
    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        status: WorkerStatus,
        start: Instant,
    ) -> Poll<()> {
        let timeout = match status {
            WorkerStatus::Idle => self.idle_timeout,
            WorkerStatus::Requests | WorkerStatus::PostReturn => self.request_timeout,
        };
        let Some(deadline) = start.checked_add(timeout) else {
            return Poll::Pending;
        };
        let deadline = tokio::time::Instant::from_std(deadline);
        if self.sleep.deadline() != deadline {
            self.sleep.as_mut().reset(deadline);
        }
        self.sleep.as_mut().poll(cx)
    }
}

/// Spin 4's reuse policy: up to `max_total` requests per instance, `max_concurrent` at once.
struct Worker {
    max_total: usize,
    max_concurrent: usize,
    request_timeout: Duration,
}

impl WorkerState for Worker {
    type StoreData = HostState;
    type RequestData = u64;

    fn should_accept_request(&self, concurrent: usize, total: usize) -> ShouldAccept {
        if total >= self.max_total {
            ShouldAccept::Never
        } else if concurrent >= self.max_concurrent {
            ShouldAccept::No
        } else {
            ShouldAccept::Yes
        }
    }

    fn on_request_start(
        &self,
        _store: StoreContextMut<'_, HostState>,
        _request: u64,
        _task: GuestTaskId,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + Sync>> {
        Box::pin(tokio::time::sleep(self.request_timeout))
    }

    fn drop(&self, store: Store<HostState>, result: Result<(), wasmtime::Error>) {
        if let Err(e) = result {
            tracing::warn!(component = %store.data().env.id, "instance retired after a failure: {e:?}");
        }
    }
}
