//! Who may call what: the bearer token of the job and admin routes, and the optional
//! basic auth of the Grandstand routes. No I/O here.

use base64::Engine as _;
use spin_sdk::http::StatusCode;
use tally_common::problem::Problem;

/// Compares without an early exit, so the time taken says nothing about the token.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks `Authorization: Bearer <token>` against the configured admin token; an empty
/// configured token disables the routes (403).
pub fn admin(configured: &str, authorization: Option<&str>) -> Result<(), Problem> {
    if configured.is_empty() {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "this route is disabled: set the variable `ingest_admin_token`",
        ));
    }
    let given = authorization
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim);
    match given {
        Some(token) if same(token.as_bytes(), configured.as_bytes()) => Ok(()),
        Some(_) => Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "the bearer token is wrong",
        )),
        None => Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "header `authorization: Bearer <ingest_admin_token>` is missing",
        )),
    }
}

/// Checks `Authorization: Basic ..` when credentials are configured (no check otherwise).
pub fn basic(
    configured: Option<&(String, String)>,
    authorization: Option<&str>,
) -> Result<(), Problem> {
    let Some((user, password)) = configured else {
        return Ok(());
    };
    let decoded = authorization
        .and_then(|h| {
            h.strip_prefix("Basic ")
                .or_else(|| h.strip_prefix("basic "))
        })
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok());
    let ok = decoded
        .as_deref()
        .and_then(|d| d.split_once(':'))
        .is_some_and(|(u, p)| {
            // Both compared, so a wrong user takes as long as a wrong password.
            same(u.as_bytes(), user.as_bytes()) & same(p.as_bytes(), password.as_bytes())
        });
    if ok {
        Ok(())
    } else {
        Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "basic authentication is required",
        ))
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
        assert_eq!(basic(Some(&creds), Some(bad)).unwrap_err().status, 401);
        assert_eq!(basic(Some(&creds), None).unwrap_err().status, 401);
        assert_eq!(
            basic(Some(&creds), Some("Basic !!")).unwrap_err().status,
            401
        );
    }
}
