//! `allowed_outbound_hosts`: Spin's syntax for the network destinations a component may use.
//!
//! Each entry is `scheme://host[:port]` (Spin's `AllowedHostConfig`):
//!
//! - scheme: a name such as `redis`, or `*` for any scheme;
//! - host: a name or IP address, `*` for any host, `*.example.com` for any subdomain (not
//!   `example.com` itself), or a CIDR block such as `10.0.0.0/8` (then a port is needed:
//!   `*://10.0.0.0/8:6379`); `self` names the app itself and never matches an absolute URL;
//! - port: a number, `*`, or a half-open range `8000..8010` (8000 to 8009, as Spin);
//!   omitted, it is the scheme's well-known port: http 80, https 443, redis 6379,
//!   postgres 5432, mysql 3306, mqtt 1883. Other schemes (and `*`) need an explicit port.
//!
//! `*://*:*` allows everything; an empty list allows nothing. Templates (`{{ var }}`) must be
//! expanded before [`AllowedHosts::parse`].

mod target;

use std::net::IpAddr;

use thiserror::Error;

/// A malformed entry, an unreadable connection string, or a refused destination.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OutboundError {
    /// An `allowed_outbound_hosts` entry is malformed.
    #[error("invalid allowed_outbound_hosts entry {rule:?}: {reason}")]
    InvalidRule {
        /// The entry as written.
        rule: String,
        /// Why it is rejected.
        reason: String,
    },
    /// No host and port can be read from a connection string.
    #[error("cannot read a destination from {url:?}: {reason}")]
    InvalidUrl {
        /// The connection string (passwords included: do not log it unredacted).
        url: String,
        /// Why it cannot be read.
        reason: String,
    },
    /// The destination is not in `allowed_outbound_hosts`.
    #[error("destination {target} is not permitted by allowed_outbound_hosts")]
    NotAllowed {
        /// The refused destination as `scheme://host[:port]` (no credentials).
        target: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Any,
    SelfApp,
    Suffix(String),
    Exact(String),
    Cidr(IpAddr, u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PortPattern {
    Any,
    One(u16),
    /// Half-open: `start..end`.
    Range(u16, u16),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    scheme: Option<String>,
    host: HostPattern,
    port: PortPattern,
}

/// A parsed `allowed_outbound_hosts` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedHosts {
    rules: Vec<Rule>,
}

/// The well-known port Spin assumes for a scheme when none is written.
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "postgres" => Some(5432),
        "mysql" => Some(3306),
        "redis" => Some(6379),
        "mqtt" => Some(1883),
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// Checks one entry's syntax (already template-expanded).
pub fn check_rule(rule: &str) -> Result<(), OutboundError> {
    parse_rule(rule)
        .map(|_| ())
        .map_err(|reason| OutboundError::InvalidRule {
            rule: rule.to_string(),
            reason,
        })
}

impl AllowedHosts {
    /// Parses a list of entries whose templates are already expanded.
    pub fn parse<S: AsRef<str>>(list: &[S]) -> Result<AllowedHosts, OutboundError> {
        let rules = list
            .iter()
            .map(|rule| {
                parse_rule(rule.as_ref()).map_err(|reason| OutboundError::InvalidRule {
                    rule: rule.as_ref().to_string(),
                    reason,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(AllowedHosts { rules })
    }

    /// True when the list has no entries, so nothing is allowed.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether every destination of `url` is allowed; an unreadable `url` is refused.
    pub fn allows(&self, url: &str) -> bool {
        self.check(url).is_ok()
    }

    /// Like [`AllowedHosts::allows`], with an error naming the refused destination.
    pub fn check(&self, url: &str) -> Result<(), OutboundError> {
        let targets = target::targets(url).map_err(|reason| OutboundError::InvalidUrl {
            url: url.to_string(),
            reason,
        })?;
        match targets
            .iter()
            .find(|t| !self.rules.iter().any(|r| r.allows(t)))
        {
            Some(refused) => Err(OutboundError::NotAllowed {
                target: refused.to_string(),
            }),
            None => Ok(()),
        }
    }
}

impl Rule {
    fn allows(&self, t: &target::Target) -> bool {
        let scheme = self.scheme.as_ref().is_none_or(|s| *s == t.scheme);
        let host = match &self.host {
            HostPattern::Any => true,
            HostPattern::SelfApp => false,
            HostPattern::Suffix(suffix) => t.host.ends_with(suffix.as_str()),
            HostPattern::Exact(h) => *h == t.host,
            HostPattern::Cidr(net, len) => t
                .host
                .parse::<IpAddr>()
                .is_ok_and(|ip| truncate(ip, *len) == Some(*net)),
        };
        let port = match self.port {
            PortPattern::Any => true,
            PortPattern::One(p) => t.port.or(default_port(&t.scheme)) == Some(p),
            PortPattern::Range(lo, hi) => t
                .port
                .or(default_port(&t.scheme))
                .is_some_and(|p| (lo..hi).contains(&p)),
        };
        scheme && host && port
    }
}

fn parse_rule(rule: &str) -> Result<Rule, String> {
    let text = rule.trim();
    if text.contains("{{") {
        return Err("contains an unexpanded {{ template }}".into());
    }
    if text == "insecure:allow-all" {
        return Err("'insecure:allow-all' is not allowed: use '*://*:*' to allow all".into());
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(
            "hosts must be in the form <scheme>://<host>[:<port>], with '*' wildcards \
                    allowed for each ('*://*:*' allows everything)"
                .into(),
        );
    };
    let scheme = match scheme {
        "*" => None,
        s if s.starts_with('{') => return Err("scheme lists are not supported".into()),
        s if s.is_empty() || !s.chars().all(|c| c.is_ascii_alphabetic()) => {
            return Err(format!("scheme {s:?} must be '*' or ASCII letters only"));
        }
        s => Some(s.to_ascii_lowercase()),
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = match rest.strip_prefix('[') {
        Some(after) => {
            let (host, tail) = after.split_once(']').ok_or("unclosed '[' in host")?;
            match tail {
                "" => (host, ""),
                t => (
                    host,
                    t.strip_prefix(':').ok_or("unexpected text after ']'")?,
                ),
            }
        }
        None => rest.rsplit_once(':').unwrap_or((rest, "")),
    };
    Ok(Rule {
        host: parse_host(host)?,
        port: parse_port(port, scheme.as_deref())?,
        scheme,
    })
}

fn parse_host(host: &str) -> Result<HostPattern, String> {
    let host = host.trim().to_ascii_lowercase();
    if host == "*" {
        return Ok(HostPattern::Any);
    }
    if host == "self" || host == "self.alt" {
        return Ok(HostPattern::SelfApp);
    }
    if host.starts_with('{') {
        return Err("host lists are not supported".into());
    }
    if let Some((addr, len)) = host.split_once('/') {
        let (Ok(ip), Ok(len)) = (addr.parse::<IpAddr>(), len.parse::<u8>()) else {
            return Err("hosts must not contain paths".into());
        };
        let net = truncate(ip, len).ok_or(format!("prefix length /{len} is too long"))?;
        return Ok(HostPattern::Cidr(net, len));
    }
    if let Some(domain) = host.strip_prefix("*.") {
        if domain.is_empty() || domain.contains('*') {
            return Err("wildcards are allowed only as a leading '*.'".into());
        }
        return Ok(HostPattern::Suffix(format!(".{domain}")));
    }
    if host.contains('*') {
        return Err("wildcards are allowed only as a leading '*.'".into());
    }
    if host.is_empty() {
        return Err("missing host".into());
    }
    Ok(HostPattern::Exact(host))
}

fn parse_port(port: &str, scheme: Option<&str>) -> Result<PortPattern, String> {
    let number = |p: &str| {
        p.parse::<u16>()
            .map_err(|_| format!("port {p:?} is not a number from 0 to 65535"))
    };
    match port {
        "" => match scheme.and_then(default_port) {
            Some(p) => Ok(PortPattern::One(p)),
            None => Err(format!(
                "no port given and scheme {:?} has no well-known port",
                scheme.unwrap_or("*")
            )),
        },
        "*" => Ok(PortPattern::Any),
        p if p.contains('/') => Err("hosts must not contain paths".into()),
        p if p.starts_with('{') => Err("port lists are not supported".into()),
        p => match p.split_once("..") {
            Some((lo, hi)) => {
                let (lo, hi) = (number(lo)?, number(hi)?);
                if lo >= hi {
                    return Err(format!("port range {p:?} is empty (the end is exclusive)"));
                }
                Ok(PortPattern::Range(lo, hi))
            }
            None => Ok(PortPattern::One(number(p)?)),
        },
    }
}

/// `ip` with all bits after the first `len` cleared; `None` when `len` is too long.
fn truncate(ip: IpAddr, len: u8) -> Option<IpAddr> {
    match ip {
        IpAddr::V4(v4) if len <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            Some(IpAddr::V4((u32::from(v4) & mask).into()))
        }
        IpAddr::V6(v6) if len <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            Some(IpAddr::V6((u128::from(v6) & mask).into()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
