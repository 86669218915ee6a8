//! Who may call what: the bearer token of the job and admin routes, and the optional
//! basic auth of the Grandstand routes, both checked by `tally_common::auth` (constant
//! time, 401 with `www-authenticate`). No I/O here.

use spin_sdk::http::StatusCode;
use tally_common::auth;
use tally_common::problem::Problem;

/// The realm of the Grandstand routes' basic auth.
pub const REALM: &str = "grandstand";

/// Checks `Authorization: Bearer <token>` against the configured admin token; an empty
/// configured token disables the routes (403).
pub fn admin(configured: &str, authorization: Option<&str>) -> Result<(), Problem> {
    if configured.is_empty() {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "this route is disabled: set the variable `ingest_admin_token`",
        ));
    }
    auth::bearer(configured, authorization, "ingest_admin_token")
}

/// Checks `Authorization: Basic ..` when credentials are configured (no check otherwise).
pub fn basic(
    configured: Option<&(String, String)>,
    authorization: Option<&str>,
) -> Result<(), Problem> {
    match configured {
        None => Ok(()),
        Some((user, password)) => auth::basic((user, password), authorization, REALM),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_token() {
        assert_eq!(admin("", Some("Bearer x")).unwrap_err().status, 403);
        assert_eq!(admin("s3cret", None).unwrap_err().status, 401);
        assert_eq!(
            admin("s3cret", Some("Bearer nope")).unwrap_err().status,
            401
        );
        assert!(admin("s3cret", Some("Bearer s3cret")).is_ok());
    }

    #[test]
    fn basic_auth() {
        let creds = ("user".to_string(), "password".to_string());
        // "user:password"
        let good = "Basic dXNlcjpwYXNzd29yZA==";
        // "user:wrong_password"
        let bad = "Basic dXNlcjp3cm9uZ19wYXNzd29yZA==";
        assert!(basic(None, None).is_ok());
        assert!(basic(Some(&creds), Some(good)).is_ok());
        let refused = basic(Some(&creds), Some(bad)).unwrap_err();
        assert_eq!(refused.status, 401);
        assert!(refused.headers[0].1.contains("grandstand"));
        assert_eq!(basic(Some(&creds), None).unwrap_err().status, 401);
        assert_eq!(
            basic(Some(&creds), Some("Basic !!")).unwrap_err().status,
            401
        );
    }
}
