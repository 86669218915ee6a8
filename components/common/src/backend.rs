//! Mapping backend failures to responses: an unreachable Redis or Postgres is a 503 the
//! client may retry; anything else from a backend is a 500.

use spin_sdk::http::StatusCode;

use crate::problem::Problem;

impl From<spin_sdk::redis::Error> for Problem {
    fn from(e: spin_sdk::redis::Error) -> Self {
        match e {
            spin_sdk::redis::Error::Other(msg) if is_connection_trouble(&msg) => {
                Problem::unavailable(format!("Redis is unavailable: {msg}"))
            }
            spin_sdk::redis::Error::InvalidAddress | spin_sdk::redis::Error::TooManyConnections => {
                Problem::unavailable(format!("Redis is unavailable: {e:?}"))
            }
            other => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("Redis error: {other:?}"),
            ),
        }
    }
}

impl From<spin_sdk::pg::Error> for Problem {
    fn from(e: spin_sdk::pg::Error) -> Self {
        match e {
            spin_sdk::pg::Error::PgError(spin_sdk::pg::PgError::ConnectionFailed(msg)) => {
                Problem::unavailable(format!("Postgres is unavailable: {msg}"))
            }
            other => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("Postgres error: {other}"),
            ),
        }
    }
}

impl From<spin_sdk::pg::PgError> for Problem {
    fn from(e: spin_sdk::pg::PgError) -> Self {
        Problem::from(spin_sdk::pg::Error::PgError(e))
    }
}

impl From<spin_sdk::variables::Error> for Problem {
    fn from(e: spin_sdk::variables::Error) -> Self {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("configuration error: {e:?}"),
        )
    }
}

/// Whether a Redis error text means the server could not be reached (as opposed to a
/// command error such as a script failure).
fn is_connection_trouble(msg: &str) -> bool {
    let msg = msg.to_ascii_lowercase();
    [
        "connection",
        "refused",
        "broken pipe",
        "timed out",
        "unavailable",
        "io error",
        "reset",
    ]
    .iter()
    .any(|s| msg.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreachable_backends_are_503() {
        let p = Problem::from(spin_sdk::redis::Error::Other("connection refused".into()));
        assert_eq!(p.status, 503);
        let p = Problem::from(spin_sdk::pg::PgError::ConnectionFailed("timed out".into()));
        assert_eq!(p.status, 503);
    }

    #[test]
    fn command_errors_are_500() {
        let p = Problem::from(spin_sdk::redis::Error::Other(
            "ERR Error running script".into(),
        ));
        assert_eq!(p.status, 500);
    }
}
