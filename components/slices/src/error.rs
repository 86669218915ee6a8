//! The component's typed error, shared by the HTTP routes and the WIT export.

use spin_sdk::http::StatusCode;
use tally_common::problem::Problem;

/// Why a request could not be served.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The request is malformed; the text names the bad parameter.
    BadRequest(String),
    /// The request conflicts with stored state (a routing change that would move a slice
    /// that already has data).
    Conflict(String),
    /// A Redis shard is unreachable; the client may retry.
    Unavailable(String),
    /// A configuration or backend error the client cannot fix.
    Internal(String),
}

impl Error {
    /// The detail text.
    pub fn detail(&self) -> &str {
        match self {
            Error::BadRequest(d)
            | Error::Conflict(d)
            | Error::Unavailable(d)
            | Error::Internal(d) => d,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.detail())
    }
}

impl std::error::Error for Error {}

impl From<Error> for Problem {
    fn from(e: Error) -> Problem {
        let status = match &e {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Problem::new(status, e.detail())
    }
}

impl From<Problem> for Error {
    fn from(p: Problem) -> Error {
        match p.status {
            400..=499 => Error::BadRequest(p.detail),
            503 => Error::Unavailable(p.detail),
            _ => Error::Internal(p.detail),
        }
    }
}

impl From<spin_sdk::redis::Error> for Error {
    fn from(e: spin_sdk::redis::Error) -> Error {
        // The shared mapping decides what counts as "unreachable" (503) for every component.
        Error::from(Problem::from(e))
    }
}

impl From<spin_sdk::variables::Error> for Error {
    fn from(e: spin_sdk::variables::Error) -> Error {
        Error::from(Problem::from(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_problems() {
        for (e, status) in [
            (Error::BadRequest("b".into()), 400),
            (Error::Conflict("c".into()), 409),
            (Error::Unavailable("u".into()), 503),
            (Error::Internal("i".into()), 500),
        ] {
            let p = Problem::from(e.clone());
            assert_eq!(p.status, status);
            if status != 409 {
                assert_eq!(Error::from(p), e);
            }
        }
    }

    #[test]
    fn unreachable_redis_is_unavailable() {
        let e = Error::from(spin_sdk::redis::Error::Other("connection refused".into()));
        assert!(matches!(e, Error::Unavailable(_)));
    }
}
