//! Whether an event may be counted now, and until when its slice's data is kept.

use crate::config::Config;
use crate::error::Error;
use crate::slicing::rfc3339;

/// What the clock says about an event of `slice` at `ts_ms`, admitted at `now_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admission {
    /// The slice had ended when the event arrived.
    pub late: bool,
    /// Epoch seconds at which the slice's keys expire (`None`: kept).
    pub expire_at: Option<i64>,
}

/// Admits the event or says why not: too far in the future (`slices_max_future_seconds`),
/// or of a slice the retention has already expired.
pub fn admit(config: &Config, slice: u64, ts_ms: i64, now_ms: i64) -> Result<Admission, Error> {
    if let Some(ahead) = config.max_future_ms
        && ts_ms > now_ms.saturating_add(ahead)
    {
        return Err(Error::BadRequest(format!(
            "parameter `timestamp` ({}) is more than {} s in the future",
            rfc3339(ts_ms),
            ahead / 1000
        )));
    }
    let expire_at = config.retention_hours.map(|h| {
        let end_s = config.slicing.end_ms(slice).div_euclid(1000) + 1;
        end_s.saturating_add(h.min(i64::MAX as u64 / 3600) as i64 * 3600)
    });
    if let Some(at) = expire_at
        && at.saturating_mul(1000) <= now_ms
    {
        return Err(Error::BadRequest(format!(
            "parameter `timestamp` ({}) is older than the retention of {} hours",
            rfc3339(ts_ms),
            config.retention_hours.unwrap_or_default()
        )));
    }
    let late = config
        .slicing
        .slice_of(now_ms)
        .is_some_and(|current| slice < current);
    Ok(Admission { late, expire_at })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RawConfig;

    const H: i64 = 3_600_000;

    fn config(retention: &str, future: &str) -> Config {
        Config::parse(&RawConfig {
            shards: Some("redis://a".into()),
            salt: Some("s".into()),
            retention_hours: Some(retention.into()),
            max_future_seconds: Some(future.into()),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn current_late_and_future_events() {
        let c = config("", "");
        let now = 100 * H + 5;
        let a = admit(&c, 100, now, now).unwrap();
        assert_eq!(
            a,
            Admission {
                late: false,
                expire_at: None
            }
        );
        assert!(admit(&c, 99, 99 * H, now).unwrap().late);
        assert!(
            !admit(&c, 101, 101 * H, now).unwrap().late,
            "within the hour ahead"
        );
        let err = admit(&c, 101, now + H + 1, now).unwrap_err();
        assert!(
            matches!(err, Error::BadRequest(d) if d.contains("`timestamp`") && d.contains("future"))
        );
        let unlimited = config("", "-1");
        assert!(admit(&unlimited, 10_000, 10_000 * H, now).is_ok());
    }

    #[test]
    fn retention_sets_the_expiry_and_refuses_expired_slices() {
        let c = config("2", "");
        let now = 100 * H + 5;
        let a = admit(&c, 100, now, now).unwrap();
        // Slice 100 ends at 101 h; its keys expire two hours (and a second) later.
        assert_eq!(a.expire_at, Some(101 * 3600 + 1 + 2 * 3600));
        assert!(
            admit(&c, 98, 98 * H, now).is_ok(),
            "ended 1 h ago, kept 2 h"
        );
        let err = admit(&c, 96, 96 * H, now).unwrap_err();
        assert!(matches!(err, Error::BadRequest(d) if d.contains("retention")));
    }
}
