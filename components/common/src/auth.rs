//! Credentials of protected routes: a bearer token (maintenance routes) and HTTP basic
//! auth, both compared in constant time (`subtle`), so the time a refusal takes says
//! nothing about how much of a secret was right. No I/O here.

use base64::Engine as _;
use subtle::ConstantTimeEq;

use crate::problem::Problem;

/// Whether `given` equals `expected`, without an early exit on the first differing byte
/// (the length of `expected` is not secret).
pub fn same(given: &[u8], expected: &[u8]) -> bool {
    given.ct_eq(expected).into()
}

/// The value after `scheme` (case-insensitive, RFC 9110 §11.1) in an `authorization` header.
fn credentials<'a>(authorization: Option<&'a str>, scheme: &str) -> Option<&'a str> {
    let (given, rest) = authorization?.trim_start().split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

/// Checks `authorization: Bearer <token>` against `expected` (non-empty; a route with no
/// token configured is the caller's decision). `variable` names the setting in the
/// refusal, which is a 401 with `www-authenticate: Bearer`.
pub fn bearer(expected: &str, authorization: Option<&str>, variable: &str) -> Result<(), Problem> {
    match credentials(authorization, "bearer") {
        Some(token) if !expected.is_empty() && same(token.as_bytes(), expected.as_bytes()) => {
            Ok(())
        }
        Some(_) => Err(Problem::unauthorized(
            "header `authorization`: the bearer token is wrong",
            "Bearer",
        )),
        None => Err(Problem::unauthorized(
            format!("header `authorization: Bearer <{variable}>` is missing"),
            "Bearer",
        )),
    }
}

/// Checks `authorization: Basic base64(user:password)` against `(user, password)`; a
/// refusal is a 401 with `www-authenticate: Basic realm="<realm>"`. User and password are
/// both compared whatever the first gave, so a wrong user takes as long as a wrong
/// password.
pub fn basic(
    expected: (&str, &str),
    authorization: Option<&str>,
    realm: &str,
) -> Result<(), Problem> {
    let decoded = credentials(authorization, "basic")
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
    let ok = decoded
        .as_deref()
        .and_then(|d| {
            let colon = d.iter().position(|b| *b == b':')?;
            Some((&d[..colon], &d[colon + 1..]))
        })
        .is_some_and(|(user, password)| {
            same(user, expected.0.as_bytes()) & same(password, expected.1.as_bytes())
        });
    if ok {
        Ok(())
    } else {
        let detail = if authorization.is_none() {
            "header `authorization` is missing: basic authentication is required"
        } else {
            "header `authorization`: the basic credentials are wrong or malformed"
        };
        Err(Problem::unauthorized(
            detail,
            &format!("Basic realm=\"{realm}\", charset=\"UTF-8\""),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `user:password`.
    const GOOD: &str = "Basic dXNlcjpwYXNzd29yZA==";

    #[test]
    fn bearer_tokens() {
        assert!(bearer("s3cret", Some("Bearer s3cret"), "t").is_ok());
        assert!(bearer("s3cret", Some("bearer  s3cret "), "t").is_ok());
        for wrong in [
            Some("Bearer nope"),
            Some("Bearer s3cre"),
            Some("Bearer s3cret2"),
            Some("Basic s3cret"),
            Some("Bearer"),
            Some(""),
            None,
        ] {
            let p = bearer("s3cret", wrong, "the_token").unwrap_err();
            assert_eq!(p.status, 401, "{wrong:?}");
            assert!(p.detail.contains("authorization"), "{}", p.detail);
            assert_eq!(p.headers, [("www-authenticate".into(), "Bearer".into())]);
        }
        assert!(bearer("", Some("Bearer "), "t").is_err());
    }

    #[test]
    fn basic_credentials() {
        let creds = ("user", "password");
        assert!(basic(creds, Some(GOOD), "r").is_ok());
        assert!(basic(creds, Some("basic dXNlcjpwYXNzd29yZA=="), "r").is_ok());
        // "user:wrong_password", "usr:password", "userpassword", "user:password:x"
        for wrong in [
            "Basic dXNlcjp3cm9uZ19wYXNzd29yZA==",
            "Basic dXNyOnBhc3N3b3Jk",
            "Basic dXNlcnBhc3N3b3Jk",
            "Basic dXNlcjpwYXNzd29yZDp4",
            "Basic !!",
            "Basic",
            "Bearer dXNlcjpwYXNzd29yZA==",
        ] {
            let p = basic(creds, Some(wrong), "r").unwrap_err();
            assert_eq!(p.status, 401, "{wrong}");
            assert!(p.headers[0].1.starts_with("Basic realm=\"r\""));
        }
        assert!(
            basic(creds, None, "r")
                .unwrap_err()
                .detail
                .contains("missing")
        );
    }

    #[test]
    fn comparison() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"ab", b"abc"));
        assert!(same(b"", b""));
    }
}
