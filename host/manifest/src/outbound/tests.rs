use super::*;

fn hosts(list: &[&str]) -> AllowedHosts {
    AllowedHosts::parse(list).expect("valid allowed_outbound_hosts")
}

fn reason(rule: &str) -> String {
    match check_rule(rule).unwrap_err() {
        OutboundError::InvalidRule { reason, .. } => reason,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn redis_urls_with_default_and_explicit_ports() {
    let allowed = hosts(&["redis://127.0.0.1"]);
    assert!(allowed.allows("redis://127.0.0.1:6379/3"));
    assert!(allowed.allows("redis://127.0.0.1"));
    assert!(allowed.allows("redis://:secret@127.0.0.1:6379/0"));
    assert!(!allowed.allows("redis://127.0.0.1:6380"));
    assert!(!allowed.allows("redis://10.0.0.1:6379"));
    assert!(!allowed.allows("http://127.0.0.1:6379"));
    // rediss has no well-known port in Spin: only an explicit one matches.
    let tls = hosts(&["rediss://cache.example.com:6380"]);
    assert!(tls.allows("rediss://cache.example.com:6380"));
    assert!(!tls.allows("rediss://cache.example.com"));
    assert!(reason("rediss://cache.example.com").contains("no well-known port"));
}

#[test]
fn postgres_url_forms() {
    let allowed = hosts(&["postgres://127.0.0.1:5432", "postgres://localhost"]);
    assert!(allowed.allows("postgres://root@127.0.0.1:5432/test?sslmode=disable"));
    assert!(allowed.allows("postgres://user:pw@localhost/db"));
    assert!(allowed.allows("postgresql://user:p%40ss@LOCALHOST:5432/db"));
    assert!(allowed.allows("postgres:///db"));
    assert!(allowed.allows("postgres://u:pass#word@localhost/db"));
    assert!(!allowed.allows("postgres://user@db.example.com/db"));
    assert!(!allowed.allows("postgres://127.0.0.1:5433/test"));
    // Every host of a multi-host string must be allowed.
    assert!(allowed.allows("postgres://u@127.0.0.1:5432,localhost/db"));
    assert!(!allowed.allows("postgres://u@127.0.0.1,other.example.com/db"));
    // A host given as a query parameter counts; a unix socket never does.
    assert!(!allowed.allows("postgres:///db?host=other.example.com"));
    assert!(!allowed.allows("postgres:///db?host=%2Fvar%2Frun%2Fpostgresql"));
    assert!(!hosts(&["*://*:*"]).allows("postgres://%2Ftmp%2Fpg/db"));
}

#[test]
fn libpq_key_value_strings() {
    let allowed = hosts(&["postgres://127.0.0.1:5432", "postgres://localhost:5432"]);
    assert!(allowed.allows("host=127.0.0.1 user=root dbname=test"));
    assert!(allowed.allows("host = 127.0.0.1  port=5432 password='a b\\'c' dbname=test"));
    assert!(
        allowed.allows("user=root dbname=test"),
        "no host means localhost"
    );
    assert!(allowed.allows("hostaddr=127.0.0.1 dbname=test"));
    assert!(!allowed.allows("host=127.0.0.1 port=6543 dbname=test"));
    assert!(!allowed.allows("host=db.example.com dbname=test"));
    assert!(!allowed.allows("host=/tmp dbname=test"));
    assert!(!allowed.allows("host=127.0.0.1,db.example.com port=5432"));
    assert!(!allowed.allows("host='unterminated"));
}

#[test]
fn http_urls() {
    let allowed = hosts(&["http://127.0.0.1:8080", "https://api.example.com"]);
    assert!(allowed.allows("http://127.0.0.1:8080/path?x=1"));
    assert!(allowed.allows("https://api.example.com/v1/x@1.0.json"));
    assert!(allowed.allows("https://API.example.com:443"));
    assert!(!allowed.allows("http://127.0.0.1/path"));
    assert!(!allowed.allows("http://api.example.com/"));
    let v6 = hosts(&["http://[::1]:8001"]);
    assert!(v6.allows("http://[::1]:8001/x"));
    assert!(!v6.allows("http://[::2]:8001/x"));
}

#[test]
fn wildcards() {
    let all = hosts(&["*://*:*"]);
    for url in [
        "redis://anything:1",
        "postgres://x/y",
        "host=h port=1",
        "mqtt://b",
    ] {
        assert!(all.allows(url), "{url}");
    }
    let sub = hosts(&["https://*.example.com", "*://localhost:*"]);
    assert!(sub.allows("https://a.example.com"));
    assert!(sub.allows("https://a.b.example.com/x"));
    assert!(!sub.allows("https://example.com"));
    assert!(!sub.allows("https://myexample.com"));
    assert!(!sub.allows("https://a.example.com:8443"));
    assert!(sub.allows("redis://localhost:7000"));
    assert!(sub.allows("postgres://localhost"));
}

#[test]
fn port_ranges_are_half_open() {
    let allowed = hosts(&["http://localhost:8000..8010"]);
    assert!(allowed.allows("http://localhost:8000"));
    assert!(allowed.allows("http://localhost:8009/x"));
    assert!(!allowed.allows("http://localhost:8010"));
    assert!(!allowed.allows("http://localhost"));
    assert!(reason("http://x:9..9").contains("empty"));
}

#[test]
fn cidr_blocks() {
    let allowed = hosts(&["*://10.0.0.0/8:6379", "*://127.0.0.1/24:63551"]);
    assert!(allowed.allows("redis://10.1.2.3:6379"));
    assert!(allowed.allows("tcp://127.0.0.200:63551"));
    assert!(!allowed.allows("redis://11.0.0.1:6379"));
    assert!(!allowed.allows("redis://10.1.2.3:6380"));
    assert!(!allowed.allows("redis://ten.example.com:6379"));
    assert!(hosts(&["*://ff00::/8:80"]).allows("http://[ff01::1]:80"));
    assert!(reason("*://10.0.0.0/8").contains("no well-known port"));
    assert!(reason("http://1.2.3.4/33").contains("too long"));
}

#[test]
fn refusals_and_errors_name_the_problem() {
    let empty = hosts(&[] as &[&str]);
    assert!(empty.is_empty());
    assert!(!empty.allows("redis://127.0.0.1"));
    let err = hosts(&["redis://127.0.0.1"])
        .check("redis://user:pw@10.9.9.9:6379/0")
        .unwrap_err();
    assert_eq!(
        err,
        OutboundError::NotAllowed {
            target: "redis://10.9.9.9:6379".into()
        }
    );
    assert!(!err.to_string().contains("pw"));
    assert!(matches!(
        empty.check("127.0.0.1:6379"),
        Err(OutboundError::InvalidUrl { .. })
    ));
    // `self` is accepted but never matches an absolute URL.
    assert!(!hosts(&["http://self"]).allows("http://self/x"));
}

#[test]
fn rule_syntax_follows_spin() {
    for good in [
        "http://spin.fermyon.dev/",
        "https://spin.fermyon.dev:5555",
        "*://spin.fermyon.dev:7777",
        "mysql://xyz.com",
        "mqtt://broker",
        "http://[::1]",
        "http://*",
    ] {
        assert!(check_rule(good).is_ok(), "{good}");
    }
    for (bad, why) in [
        ("spin.fermyon.dev", "<scheme>://"),
        ("spin.fermyon.dev:80", "<scheme>://"),
        ("*", "<scheme>://"),
        ("insecure:allow-all", "'*://*:*'"),
        ("http://spin.fermyon.dev/a", "paths"),
        ("http://spin.fermyon.dev:6666/a/b", "paths"),
        ("http://a.*.com", "leading '*.'"),
        ("http://x:port", "not a number"),
        ("ht7p://x:1", "ASCII letters"),
        ("redis://{{ host }}", "unexpanded"),
        ("*://x", "no well-known port"),
    ] {
        let r = reason(bad);
        assert!(r.contains(why), "{bad:?}: {r}");
    }
}
