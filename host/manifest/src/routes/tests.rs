use super::*;

fn router(routes: &[(&str, &str)]) -> Router {
    Router::new(routes.iter().map(|(r, c)| (r.to_string(), c.to_string()))).expect("valid routes")
}

fn component(r: &Router, path: &str) -> Option<String> {
    r.route(path).map(|m| m.component)
}

#[test]
fn exact_route_matches_only_its_path_with_or_without_trailing_slash() {
    let r = router(&[("/foo", "foo"), ("/foo/bar", "foobar")]);
    assert_eq!(component(&r, "/foo").as_deref(), Some("foo"));
    assert_eq!(component(&r, "/foo/").as_deref(), Some("foo"));
    assert_eq!(component(&r, "/foo/bar").as_deref(), Some("foobar"));
    assert_eq!(component(&r, "/foo/baz"), None);
    assert_eq!(component(&r, "/foobar"), None);
    assert_eq!(component(&r, "/"), None);
}

#[test]
fn wildcard_matches_prefix_and_everything_below_it() {
    let r = router(&[("/api/...", "api")]);
    for path in ["/api", "/api/", "/api/x", "/api/x/y/z", "/api/x?q=1"] {
        assert_eq!(component(&r, path).as_deref(), Some("api"), "{path}");
    }
    assert_eq!(component(&r, "/apix"), None);
    assert_eq!(component(&r, "/ap"), None);
    assert_eq!(component(&r, "/"), None);
}

#[test]
fn root_wildcard_matches_everything() {
    let r = router(&[("/...", "all")]);
    for path in ["/", "/foo/bar", "/abc/", "/this/should/be/captured?abc=def"] {
        assert_eq!(component(&r, path).as_deref(), Some("all"), "{path}");
    }
    let m = r.route("/1/2/3").unwrap();
    assert_eq!(m.path_info, "/1/2/3");
    assert_eq!(m.component_route, "");
    assert_eq!(m.raw_component_route, "/...");
    assert_eq!(m.matched_route, "/...");
}

#[test]
fn most_specific_route_wins_regardless_of_order() {
    let routes = [
        ("/one/...", "one"),
        ("/one/two/...", "two"),
        ("/one/two/three/...", "three"),
        ("/...", "root"),
        ("/one/two", "exact"),
    ];
    let forward = router(&routes);
    let mut reversed_routes = routes;
    reversed_routes.reverse();
    let reversed = router(&reversed_routes);
    for r in [&forward, &reversed] {
        assert_eq!(
            component(r, "/one/two/three/four").as_deref(),
            Some("three")
        );
        assert_eq!(component(r, "/one/two/x").as_deref(), Some("two"));
        assert_eq!(component(r, "/one/x").as_deref(), Some("one"));
        assert_eq!(component(r, "/one/two").as_deref(), Some("exact"));
        assert_eq!(component(r, "/elsewhere").as_deref(), Some("root"));
    }
}

#[test]
fn exact_beats_wildcard_on_the_same_path() {
    let r = router(&[
        ("/...", "wild"),
        ("/one", "exact"),
        ("/one/...", "one-wild"),
    ]);
    assert_eq!(component(&r, "/one").as_deref(), Some("exact"));
    assert_eq!(component(&r, "/one/").as_deref(), Some("exact"));
    assert_eq!(component(&r, "/one/x").as_deref(), Some("one-wild"));
}

#[test]
fn no_match_is_none() {
    let r = router(&[("/a", "a"), ("/b/...", "b")]);
    assert_eq!(r.route("/c"), None);
    assert_eq!(r.route("/"), None);
    assert!(Router::new(Vec::new()).unwrap().route("/").is_none());
}

#[test]
fn path_info_keeps_spin_trailing_slash_behaviour() {
    let r = router(&[("/test/...", "t")]);
    let info = |p: &str| r.route(p).unwrap().path_info;
    assert_eq!(info("/test"), "");
    assert_eq!(info("/test/"), "/");
    assert_eq!(info("/test/hello"), "/hello");
    assert_eq!(info("/test/hello/"), "/hello/");
    assert_eq!(info("/test/hello?x=/y"), "/hello");
    let exact = router(&[("/x", "x")]);
    assert_eq!(exact.route("/x/").unwrap().path_info, "");
}

#[test]
fn match_reports_routes_as_spin_does() {
    let r = router(&[("/foo/...", "foo"), ("/", "home"), ("/bar/", "bar")]);
    let m = r.route("/foo/bar").unwrap();
    assert_eq!(
        m,
        RouteMatch {
            component: "foo".into(),
            matched_route: "/foo/...".into(),
            component_route: "/foo".into(),
            raw_component_route: "/foo/...".into(),
            path_info: "/bar".into(),
        }
    );
    // Spin strips one trailing slash from the matched route, so `/` reports "".
    let home = r.route("/").unwrap();
    assert_eq!(home.component, "home");
    assert_eq!(home.matched_route, "");
    assert_eq!(home.raw_component_route, "/");
    assert_eq!(home.component_route, "/");
    let bar = r.route("/bar").unwrap();
    assert_eq!(bar.matched_route, "/bar");
    assert_eq!(bar.raw_component_route, "/bar/");
}

#[test]
fn headers_match_spin_names_values_and_order() {
    let r = router(&[("/foo/...", "DUMMY")]);
    let m = r.route("/foo/bar").unwrap();
    let url = full_url(
        Some("https"),
        Some("fermyon.dev"),
        "/foo/bar?key1=value1&key2=value2",
    );
    let headers = spin_headers(&m, &url, "127.0.0.1:8777", "/");
    assert_eq!(
        headers,
        vec![
            ("spin-path-info", "/bar".to_string()),
            (
                "spin-full-url",
                "https://fermyon.dev/foo/bar?key1=value1&key2=value2".to_string()
            ),
            ("spin-matched-route", "/foo/...".to_string()),
            ("spin-base-path", "/".to_string()),
            ("spin-raw-component-route", "/foo/...".to_string()),
            ("spin-component-route", "/foo".to_string()),
            ("spin-client-addr", "127.0.0.1:8777".to_string()),
        ]
    );
    assert_eq!(full_url(None, None, "/x"), "http://localhost/x");
}

#[test]
fn duplicate_routes_are_an_error_naming_both_components() {
    let err = Router::new([
        ("/foo".to_string(), "first".to_string()),
        ("/foo/".to_string(), "second".to_string()),
    ])
    .unwrap_err();
    assert_eq!(
        err,
        RouteError::Duplicate {
            route: "/foo/".into(),
            first: "first".into(),
            second: "second".into()
        }
    );
    let msg = err.to_string();
    assert!(msg.contains("`first`") && msg.contains("`second`"), "{msg}");
    // An exact route and a wildcard on the same prefix are different routes.
    assert!(
        Router::new([
            ("/foo".to_string(), "a".to_string()),
            ("/foo/...".to_string(), "b".to_string())
        ])
        .is_ok()
    );
}

#[test]
fn route_syntax_is_checked() {
    for good in ["/", "/...", "/a/b", "/a/b/", "/a/...", "/v1.2/x", "/foo..."] {
        assert!(check_route(good).is_ok(), "{good}");
    }
    for (bad, why) in [
        ("foo", "start with '/'"),
        ("", "start with '/'"),
        ("/a/.../b", "final segment"),
        ("/.../...", "final segment"),
        ("/a//b", "empty path segment"),
        ("/a/:id", "named segments"),
        ("/a/*", "'*'"),
        ("/a?x", "'?'"),
    ] {
        let err = check_route(bad).unwrap_err().to_string();
        assert!(err.contains(why), "{bad:?}: {err}");
    }
}

#[test]
fn routes_are_listed_in_declaration_order() {
    let r = router(&[("/b", "b"), ("/a/...", "a")]);
    assert_eq!(
        r.routes().collect::<Vec<_>>(),
        vec![("/b", "b"), ("/a/...", "a")]
    );
}
