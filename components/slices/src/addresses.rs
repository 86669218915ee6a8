//! Shard addresses: the `slices_shards` list, and addresses without credentials (what is
//! shown in reports and recorded in Redis).

/// One Redis shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    /// The address as configured (may carry credentials).
    pub address: String,
    /// The address without credentials: what is shown and recorded.
    pub public: String,
}

/// `redis://user:pw@host:port/db` without `user:pw@`.
pub fn without_credentials(address: &str) -> String {
    let Some((scheme, rest)) = address.split_once("://") else {
        return address.to_string();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{host}{path}")
}

/// Parses `slices_shards`: a JSON list, or addresses separated by commas or spaces; each a
/// `redis://` or `rediss://` address, none twice.
pub fn parse_shards(raw: &str) -> Result<Vec<Shard>, String> {
    let list: Vec<String> = if raw.starts_with('[') {
        serde_json::from_str(raw).map_err(|e| format!("not a JSON list of strings: {e}"))?
    } else {
        raw.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    if list.is_empty() {
        return Err("it lists no Redis address".into());
    }
    let mut shards: Vec<Shard> = Vec::with_capacity(list.len());
    for address in list {
        if !(address.starts_with("redis://") || address.starts_with("rediss://")) {
            return Err(format!("{address:?} is not a redis:// address"));
        }
        let public = without_credentials(&address);
        if shards.iter().any(|s| s.public == public) {
            return Err(format!("{public} is listed twice"));
        }
        shards.push(Shard { address, public });
    }
    Ok(shards)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists() {
        let s = parse_shards("redis://a:1/1, redis://:pw@a:1/2 redis://u:p@b:2").unwrap();
        let public: Vec<_> = s.iter().map(|s| s.public.as_str()).collect();
        assert_eq!(public, ["redis://a:1/1", "redis://a:1/2", "redis://b:2"]);
        assert_eq!(s[1].address, "redis://:pw@a:1/2");
        assert_eq!(
            parse_shards(r#"["redis://a:1/1","redis://a:1/2"]"#)
                .unwrap()
                .len(),
            2
        );
        assert!(parse_shards("").unwrap_err().contains("no Redis"));
        assert!(
            parse_shards("redis://a/1,redis://x@a/1")
                .unwrap_err()
                .contains("twice")
        );
        assert!(parse_shards("http://a").unwrap_err().contains("redis://"));
        assert!(parse_shards("[1]").unwrap_err().contains("JSON"));
    }

    #[test]
    fn credentials_are_removed() {
        assert_eq!(without_credentials("redis://u:p@h:1/2"), "redis://h:1/2");
        assert_eq!(without_credentials("rediss://h"), "rediss://h");
        assert_eq!(without_credentials("redis://:p@h"), "redis://h");
    }
}
