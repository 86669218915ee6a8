//! Configuration from Spin variables.

use spin_sdk::http::StatusCode;
use tally_common::auth;
use tally_common::problem::Problem;

/// Every variable the component reads.
pub const VARIABLES: [&str; 4] = [
    "postgres_url",
    "etl_s3_endpoint",
    "etl_max_bad_row_percent",
    "etl_admin_token",
];

/// The component's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Postgres address (its `search_path` picks the schema).
    pub postgres_url: String,
    /// Base URL of the S3-compatible endpoint objects are fetched from, path style
    /// (`<endpoint>/<bucket>/<key>`), without a trailing `/`.
    pub s3_endpoint: String,
    /// A file with more than this percentage of bad rows is rejected whole.
    pub max_bad_row_percent: f64,
    /// The bearer token of the admin route (`POST /etl/retry/:id`); empty disables it.
    pub admin_token: String,
}

impl Config {
    /// Builds the settings from variable values (`lookup(name)`; missing = empty).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let text = |name: &str| lookup(name).unwrap_or_default().trim().to_string();
        let postgres_url = text("postgres_url");
        if postgres_url.is_empty() {
            return Err("variable `postgres_url` must be set".into());
        }
        let s3_endpoint = match text("etl_s3_endpoint") {
            e if e.is_empty() => "http://127.0.0.1:9000".to_string(),
            e if e.starts_with("http://") || e.starts_with("https://") => {
                e.trim_end_matches('/').to_string()
            }
            e => {
                return Err(format!(
                    "variable `etl_s3_endpoint` must be an http:// or https:// URL, not {e:?}"
                ));
            }
        };
        let max_bad_row_percent = match text("etl_max_bad_row_percent") {
            p if p.is_empty() => 1.0,
            p => match p.parse::<f64>() {
                Ok(n) if (0.0..=100.0).contains(&n) => n,
                _ => {
                    return Err(format!(
                        "variable `etl_max_bad_row_percent` must be a number from 0 to 100, not {p:?}"
                    ));
                }
            },
        };
        Ok(Config {
            postgres_url,
            s3_endpoint,
            max_bad_row_percent,
            admin_token: text("etl_admin_token"),
        })
    }

    /// Checks `authorization: Bearer <etl_admin_token>` for the admin route: 401 (with
    /// `www-authenticate`) without it or with a wrong token, 403 when no token is
    /// configured (the route is disabled).
    pub fn admin(&self, authorization: Option<&str>) -> Result<(), Problem> {
        if self.admin_token.is_empty() {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "this route is disabled: set the variable `etl_admin_token`",
            ));
        }
        auth::bearer(&self.admin_token, authorization, "etl_admin_token")
    }

    /// Reads the variables.
    pub async fn get() -> Result<Config, Problem> {
        let mut values = Vec::with_capacity(VARIABLES.len());
        for name in VARIABLES {
            values.push((name, spin_sdk::variables::get(name).await.ok()));
        }
        Config::from_lookup(|name| {
            values
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, v)| v.clone())
        })
        .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, String> {
        Config::from_lookup(|n| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn defaults_work_locally() {
        let c = config(&[("postgres_url", "postgres://x")]).unwrap();
        assert_eq!(c.s3_endpoint, "http://127.0.0.1:9000");
        assert_eq!(c.max_bad_row_percent, 1.0);
        let c = config(&[
            ("postgres_url", "postgres://x"),
            ("etl_s3_endpoint", "https://s3.example.com/"),
            ("etl_max_bad_row_percent", "2.5"),
        ])
        .unwrap();
        assert_eq!(c.s3_endpoint, "https://s3.example.com");
        assert_eq!(c.max_bad_row_percent, 2.5);
    }

    #[test]
    fn the_admin_route_needs_the_token() {
        let off = config(&[("postgres_url", "p")]).unwrap();
        assert_eq!(off.admin(Some("Bearer x")).unwrap_err().status, 403);
        let on = config(&[("postgres_url", "p"), ("etl_admin_token", " s3cret ")]).unwrap();
        assert_eq!(on.admin_token, "s3cret");
        let refused = on.admin(None).unwrap_err();
        assert_eq!(refused.status, 401);
        assert!(
            refused.detail.contains("<etl_admin_token>"),
            "{}",
            refused.detail
        );
        assert!(
            refused
                .headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("www-authenticate"))
        );
        assert_eq!(on.admin(Some("Bearer nope")).unwrap_err().status, 401);
        assert!(on.admin(Some("Bearer s3cret")).is_ok());
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert!(config(&[]).unwrap_err().contains("`postgres_url`"));
        let e = config(&[("postgres_url", "p"), ("etl_s3_endpoint", "s3.example.com")]);
        assert!(e.unwrap_err().contains("`etl_s3_endpoint`"));
        let e = config(&[("postgres_url", "p"), ("etl_max_bad_row_percent", "101")]);
        assert!(e.unwrap_err().contains("`etl_max_bad_row_percent`"));
    }
}
