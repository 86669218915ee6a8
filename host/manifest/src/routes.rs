//! Spin's HTTP route rules and the `spin-*` request headers.
//!
//! Matches Spin's `spin_http::routes::Router` for the two route forms this host supports:
//!
//! - an exact route `/foo` matches `/foo` and `/foo/` (trailing slashes on the request path
//!   are ignored, as Spin's router does);
//! - a wildcard route `/foo/...` matches `/foo`, `/foo/` and anything under `/foo/` (never
//!   `/foobar`); `/...` matches every path.
//!
//! An exact route beats a wildcard; among wildcards the longest prefix wins, whatever the
//! order of declaration. Spin's named segments (`/:id`) and `/*` are rejected as unsupported.

use thiserror::Error;

/// `spin-full-url`: the full request URL, scheme, host, path and query.
pub const HEADER_FULL_URL: &str = "spin-full-url";
/// `spin-path-info`: the request path after the component route.
pub const HEADER_PATH_INFO: &str = "spin-path-info";
/// `spin-matched-route`: the matched route, wildcard included.
pub const HEADER_MATCHED_ROUTE: &str = "spin-matched-route";
/// `spin-base-path`: the application base path (always `/` since Spin 3).
pub const HEADER_BASE_PATH: &str = "spin-base-path";
/// `spin-raw-component-route`: the route as written in the manifest.
pub const HEADER_RAW_COMPONENT_ROUTE: &str = "spin-raw-component-route";
/// `spin-component-route`: the route without its trailing `/...`.
pub const HEADER_COMPONENT_ROUTE: &str = "spin-component-route";
/// `spin-client-addr`: the client's `ip:port`.
pub const HEADER_CLIENT_ADDR: &str = "spin-client-addr";

/// A route that cannot be used, or two triggers claiming the same route.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RouteError {
    /// The route is malformed or uses syntax this host does not support.
    #[error("invalid route {route:?}: {reason}")]
    Invalid {
        /// The route as written.
        route: String,
        /// Why it is rejected.
        reason: String,
    },
    /// Two triggers declare the same route.
    #[error("duplicate route {route:?}: used by component `{first}` and component `{second}`")]
    Duplicate {
        /// The route as written by the second trigger.
        route: String,
        /// The component of the first trigger with this route.
        first: String,
        /// The component of the second trigger with this route.
        second: String,
    },
}

/// Checks the syntax of one route: a leading `/`, `...` only as the final segment.
pub fn check_route(route: &str) -> Result<(), RouteError> {
    let invalid = |reason: &str| RouteError::Invalid {
        route: route.to_string(),
        reason: reason.to_string(),
    };
    if !route.starts_with('/') {
        return Err(invalid("a route must start with '/'"));
    }
    if route.contains(['?', '#']) {
        return Err(invalid("a route must not contain '?' or '#'"));
    }
    let body = route.strip_suffix("/...").unwrap_or(route);
    let body = body.strip_suffix('/').unwrap_or(body);
    for segment in body.split('/').skip(1) {
        match segment {
            "" => return Err(invalid("empty path segment ('//')")),
            "..." => {
                return Err(invalid(
                    "the '...' wildcard is allowed only as the final segment",
                ));
            }
            "*" => {
                return Err(invalid(
                    "'*' wildcards are not supported: use a final '/...'",
                ));
            }
            s if s.starts_with(':') => {
                return Err(invalid(
                    "named segments (':name') are not supported by this host",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// What a route pattern matches once normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// The path without trailing slashes (`""` for `/`).
    Exact(String),
    /// The prefix before `/...` (`""` for `/...`).
    Wildcard(String),
}

#[derive(Debug, Clone)]
struct Entry {
    route: String,
    component: String,
    pattern: Pattern,
}

/// Resolves request paths to components by Spin's rules.
#[derive(Debug, Clone, Default)]
pub struct Router {
    entries: Vec<Entry>,
}

/// The result of routing a request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch {
    /// The component that handles the request.
    pub component: String,
    /// The matched route as Spin reports it (one trailing `/` stripped; `""` for route `/`).
    pub matched_route: String,
    /// The route without its trailing `/...` (`""` for `/...`).
    pub component_route: String,
    /// The route exactly as written in the manifest.
    pub raw_component_route: String,
    /// The rest of the path after the component route (`""`, `"/"`, `"/bar"`, `"/bar/"`);
    /// always `""` for exact routes.
    pub path_info: String,
}

impl Router {
    /// Builds a router from `(route, component id)` pairs (private routes excluded).
    pub fn new(routes: impl IntoIterator<Item = (String, String)>) -> Result<Router, RouteError> {
        let mut entries: Vec<Entry> = Vec::new();
        for (route, component) in routes {
            check_route(&route)?;
            let pattern = match route.strip_suffix("/...") {
                Some(prefix) => Pattern::Wildcard(prefix.to_string()),
                None => Pattern::Exact(route.trim_end_matches('/').to_string()),
            };
            if let Some(first) = entries.iter().find(|e| e.pattern == pattern) {
                return Err(RouteError::Duplicate {
                    route,
                    first: first.component.clone(),
                    second: component,
                });
            }
            entries.push(Entry {
                route,
                component,
                pattern,
            });
        }
        Ok(Router { entries })
    }

    /// The `(route, component)` pairs in declaration order.
    pub fn routes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|e| (e.route.as_str(), e.component.as_str()))
    }

    /// Routes a request path (a query string, if present, is ignored).
    pub fn route(&self, path: &str) -> Option<RouteMatch> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let trimmed = path.trim_end_matches('/');
        let exact = self
            .entries
            .iter()
            .find(|e| matches!(&e.pattern, Pattern::Exact(p) if p == trimmed));
        let (entry, path_info) = match exact {
            Some(entry) => (entry, String::new()),
            None => {
                let (entry, prefix) = self
                    .entries
                    .iter()
                    .filter_map(|e| match &e.pattern {
                        Pattern::Wildcard(prefix) if under(trimmed, prefix) => Some((e, prefix)),
                        _ => None,
                    })
                    .max_by_key(|(_, prefix)| prefix.len())?;
                let rest = &trimmed[prefix.len()..];
                let slash = if path.ends_with('/') { "/" } else { "" };
                let info = if rest.is_empty() {
                    slash.to_string()
                } else {
                    format!("{rest}{slash}")
                };
                (entry, info)
            }
        };
        let raw = entry.route.clone();
        Some(RouteMatch {
            component: entry.component.clone(),
            matched_route: raw.strip_suffix('/').unwrap_or(&raw).to_string(),
            component_route: raw.strip_suffix("/...").unwrap_or(&raw).to_string(),
            raw_component_route: raw,
            path_info,
        })
    }
}

/// True when `path` (trailing slashes removed) is `prefix` or lies under `prefix/`.
fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The `spin-full-url` value Spin builds: `{scheme}://{host}{path_and_query}`, with scheme
/// `http` and host `localhost` when the request names none.
pub fn full_url(scheme: Option<&str>, host: Option<&str>, path_and_query: &str) -> String {
    let scheme = scheme.unwrap_or("http");
    let host = host.unwrap_or("localhost");
    format!("{scheme}://{host}{path_and_query}")
}

/// The headers Spin adds to a request before handing it to the component, in Spin's order.
///
/// Spin's HTTP executor sets only the `spin-*` names; the `X_*` spellings are Wagi
/// environment variables, never headers, so none are returned. `base` is the application
/// base path, `/` for every Spin 3+ application.
pub fn spin_headers(
    m: &RouteMatch,
    full_url: &str,
    client_addr: &str,
    base: &str,
) -> Vec<(&'static str, String)> {
    vec![
        (HEADER_PATH_INFO, m.path_info.clone()),
        (HEADER_FULL_URL, full_url.to_string()),
        (HEADER_MATCHED_ROUTE, m.matched_route.clone()),
        (HEADER_BASE_PATH, base.to_string()),
        (HEADER_RAW_COMPONENT_ROUTE, m.raw_component_route.clone()),
        (HEADER_COMPONENT_ROUTE, m.component_route.clone()),
        (HEADER_CLIENT_ADDR, client_addr.to_string()),
    ]
}

#[cfg(test)]
mod tests;
