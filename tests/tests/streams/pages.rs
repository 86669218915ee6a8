//! Cursor pagination through the Ello routes: Link headers, ties across pages, and
//! backward pages.

use serde_json::{Value, json};

use super::{App, in_each_mode, item};

/// Follows `Link: <...>; rel="next"` (or `"prev"`) from `first` until a page has none;
/// returns the ids of every page in the order read, and the number of pages.
fn follow(
    app: &App,
    method: &str,
    first: &str,
    body: Option<&str>,
    rel: &str,
) -> (Vec<Vec<String>>, usize) {
    let mut pages = Vec::new();
    let mut url = first.to_string();
    loop {
        let r = app.call(method, &url, body);
        assert_eq!(r.status, 200, "{url}: {}", r.body);
        let page: Vec<String> = r
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        pages.push(page);
        let Some(link) = r.link else { break };
        assert!(link.ends_with(&format!("; rel=\"{rel}\"")), "{link}");
        let target = link[1..link.find('>').unwrap()].to_string();
        let value = target
            .split(&format!(
                "&{}=",
                if rel == "next" { "from" } else { "before" }
            ))
            .nth(1)
            .unwrap();
        assert!(
            !value.contains(['+', '/', '=', '&']),
            "the cursor is URL-safe and escaped: {target}"
        );
        url = target;
        assert!(pages.len() < 100, "pagination does not end");
    }
    let n = pages.len();
    (pages, n)
}

const TS: &str = "2015-10-28T17:08:12.123456789Z";

#[test]
fn fifty_items_of_one_score_page_without_repeat_or_gap() {
    in_each_mode("streams_ties_pages", &[], |app| {
        // 50 items at one time, spread over three streams; ids of different lengths so
        // member bytes order differs from a numeric one.
        let items: Vec<Value> = (0..50)
            .map(|i| item(&format!("{i}"), TS, 0, ["s1", "s2", "s3"][i % 3]))
            .collect();
        let r = app.call("PUT", "/streams", Some(&json!(items).to_string()));
        assert_eq!(r.status, 201);
        let body = r#"{"streams":["s1","s2","s3"]}"#;
        let all = app
            .call("POST", "/streams/coalesce?limit=1000", Some(body))
            .json();
        let all: Vec<String> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(all.len(), 50);
        for limit in [1, 7, 10, 25, 50] {
            let (pages, n) = follow(
                app,
                "POST",
                &format!("/streams/coalesce?limit={limit}"),
                Some(body),
                "next",
            );
            let flat: Vec<String> = pages.concat();
            assert_eq!(flat, all, "limit {limit}: no repeat, no gap, same order");
            // a final short (possibly empty) page ends it
            assert_eq!(n, 50 / limit + 1, "limit {limit}");
        }
        // One stream alone, through GET /stream/:id.
        let (pages, _) = follow(app, "GET", "/stream/s2?limit=4", None, "next");
        let flat = pages.concat();
        let expected: Vec<String> = all
            .iter()
            .filter(|id| id.parse::<usize>().unwrap() % 3 == 1)
            .cloned()
            .collect();
        assert_eq!(flat, expected);
        // The cursor in the Link header is the last item's: its time and member.
        let r = app.call("GET", "/stream/s2?limit=4", None);
        let link = r.link.unwrap();
        let bits = (1446052092123456789u64 as f64).to_bits();
        assert!(link.contains(&format!("&from={bits}A")), "{link}");
    });
}

#[test]
fn backward_pages_before_a_cursor() {
    in_each_mode("streams_backward", &[], |app| {
        // 30 items: ten distinct times, three items each.
        let items: Vec<Value> = (0..30)
            .map(|i| {
                item(
                    &format!("i{i:02}"),
                    &format!("2015-10-28T17:08:{:02}Z", i / 3),
                    0,
                    "s",
                )
            })
            .collect();
        assert_eq!(
            app.call("PUT", "/streams", Some(&json!(items).to_string()))
                .status,
            201
        );
        let all: Vec<String> = app
            .call("GET", "/stream/s?limit=100", None)
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        // Walk forward to the end, then back from the oldest item.
        let (forward, _) = follow(app, "GET", "/stream/s?limit=4", None, "next");
        assert_eq!(forward.concat(), all);
        let oldest = app.call("GET", "/stream/s?limit=30", None).link.unwrap();
        let cursor = &oldest[oldest.find("from=").unwrap() + 5..oldest.find('>').unwrap()];
        let (backward, _) = follow(
            app,
            "GET",
            &format!("/stream/s?limit=4&before={cursor}"),
            None,
            "prev",
        );
        // each page is newest first; pages come newest-last
        let mut newer: Vec<String> = backward.into_iter().rev().flatten().collect();
        newer.push(all[29].clone());
        assert_eq!(
            newer, all,
            "backward pages cover everything newer than the cursor"
        );
        // before= the newest item: nothing newer
        let first = app.call("GET", "/stream/s?limit=1", None).link.unwrap();
        let cursor = &first[first.find("from=").unwrap() + 5..first.find('>').unwrap()];
        let r = app.call("GET", &format!("/stream/s?before={cursor}"), None);
        assert_eq!(r.json(), json!([]));
        assert!(r.link.is_none());
        // A cursor whose item was deleted since still pages correctly.
        let r = app.call("GET", "/stream/s?limit=5", None);
        let link = r.link.clone().unwrap();
        let deleted = &r.json()[4];
        let del = item(
            deleted["id"].as_str().unwrap(),
            deleted["ts"].as_str().unwrap(),
            0,
            "s",
        );
        assert_eq!(
            app.call("DELETE", "/streams", Some(&json!([del]).to_string()))
                .status,
            200
        );
        let target = &link[1..link.find('>').unwrap()];
        let next: Vec<String> = app
            .call("GET", target, None)
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(next, all[5..10]);
        let cursor = &target[target.find("from=").unwrap() + 5..];
        let prev: Vec<String> = app
            .call("GET", &format!("/stream/s?limit=2&before={cursor}"), None)
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(prev, all[2..4]);
    });
}
