//! Extracts `(scheme, host, port)` targets from connection strings.
//!
//! Understands URLs (`redis://:pw@host:6379/3`, `postgres://u:p@h1:5432,h2/db?x=y`,
//! `http://[::1]:8080/path`) and libpq key/value strings (`host=127.0.0.1 port=5432
//! dbname=test`). User info, paths, queries and fragments never matter, except the
//! `host`/`hostaddr`/`port` parameters a Postgres connection string may carry.

use std::fmt;

/// One network endpoint a connection string asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// Lowercase scheme; `postgresql` is reported as `postgres`, as Spin checks it.
    pub scheme: String,
    /// Lowercase host, IPv6 without brackets.
    pub host: String,
    /// The explicit port, if any.
    pub port: Option<u16>,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match self.port {
            Some(port) => write!(f, "{}://{host}:{port}", self.scheme),
            None => write!(f, "{}://{host}", self.scheme),
        }
    }
}

/// Every endpoint `conn` may connect to (several for multi-host Postgres strings).
pub(crate) fn targets(conn: &str) -> Result<Vec<Target>, String> {
    let conn = conn.trim();
    if let Some((scheme, rest)) = conn.split_once("://")
        && !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return url_targets(&scheme.to_ascii_lowercase(), rest);
    }
    if conn.contains('=') {
        return libpq_targets(conn);
    }
    Err("no scheme: expected a URL such as redis://host:port".into())
}

fn url_targets(scheme: &str, rest: &str) -> Result<Vec<Target>, String> {
    if scheme == "unix" || scheme.ends_with("+unix") {
        return Err("unix sockets are not permitted".into());
    }
    let postgres = matches!(scheme, "postgres" | "postgresql");
    let scheme = if postgres { "postgres" } else { scheme };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let hostports = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let hostports = hostports.split('#').next().unwrap_or_default();
    let query = rest
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or(q));

    if !postgres {
        let (host, port) = split_host_port(hostports)?;
        if host.is_empty() {
            return Err("no host".into());
        }
        return Ok(vec![target(scheme, host, port)]);
    }
    let mut hosts = Vec::new();
    let mut ports = Vec::new();
    for hp in hostports.split(',') {
        let (host, port) = split_host_port(hp)?;
        hosts.push(host.to_string());
        ports.push(port);
    }
    let mut params = Vec::new();
    for pair in query.unwrap_or_default().split('&') {
        if let Some((k, v)) = pair.split_once('=') {
            params.push((k.to_string(), v.replace("%2F", "/").replace("%2f", "/")));
        }
    }
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    if let Some(host) = param("host").or_else(|| param("hostaddr")) {
        hosts = host.split(',').map(str::to_string).collect();
    }
    if let Some(port) = param("port") {
        ports = port.split(',').map(parse_port).collect::<Result<_, _>>()?;
    }
    postgres_targets(&hosts, &ports)
}

/// Splits `host[:port]` or `[v6]:port`; an empty port counts as absent.
fn split_host_port(text: &str) -> Result<(&str, Option<u16>), String> {
    let (host, port) = if let Some(after) = text.strip_prefix('[') {
        let (host, tail) = after
            .split_once(']')
            .ok_or_else(|| format!("unclosed '[' in {text:?}"))?;
        match tail {
            "" => (host, ""),
            _ => (
                host,
                tail.strip_prefix(':')
                    .ok_or_else(|| format!("unexpected {tail:?} after ']'"))?,
            ),
        }
    } else {
        text.rsplit_once(':').unwrap_or((text, ""))
    };
    Ok((host, parse_port(port)?))
}

fn parse_port(port: &str) -> Result<Option<u16>, String> {
    if port.is_empty() {
        return Ok(None);
    }
    port.parse()
        .map(Some)
        .map_err(|_| format!("port {port:?} is not a number from 0 to 65535"))
}

fn target(scheme: &str, host: &str, port: Option<u16>) -> Target {
    Target {
        scheme: scheme.to_string(),
        host: host.to_ascii_lowercase(),
        port,
    }
}

/// Pairs Postgres hosts with ports the way libpq does: one port for all hosts, or one per
/// host. A missing or empty host means `localhost`; a path means a unix socket.
fn postgres_targets(hosts: &[String], ports: &[Option<u16>]) -> Result<Vec<Target>, String> {
    let mut out = Vec::new();
    for (i, host) in hosts.iter().enumerate() {
        let host = host.trim();
        if host.starts_with(['/', '@']) || host.to_ascii_lowercase().starts_with("%2f") {
            return Err(format!("unix socket {host:?} is not permitted"));
        }
        let host = if host.is_empty() { "localhost" } else { host };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = match ports {
            [one] => *one,
            many => many.get(i).copied().flatten(),
        };
        out.push(target("postgres", host, port));
    }
    Ok(out)
}

/// Reads `host`, `hostaddr` and `port` from a libpq `key=value` string.
fn libpq_targets(conn: &str) -> Result<Vec<Target>, String> {
    let mut host = None;
    let mut hostaddr = None;
    let mut port = None;
    let mut chars = conn.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') {
            return Err(format!("expected '=' after {key:?}"));
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    Some('\'') => break,
                    Some('\\') => value.extend(chars.next()),
                    Some(c) => value.push(c),
                    None => return Err(format!("unterminated quote in value of {key:?}")),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        match key.as_str() {
            "host" => host = Some(value),
            "hostaddr" => hostaddr = Some(value),
            "port" => port = Some(value),
            _ => {}
        }
    }
    let hosts: Vec<String> = host
        .or(hostaddr)
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect();
    let ports = match port {
        Some(p) => p
            .split(',')
            .map(parse_port)
            .collect::<Result<Vec<_>, _>>()?,
        None => vec![None],
    };
    postgres_targets(&hosts, &ports)
}
