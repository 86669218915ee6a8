//! The streams page: a feed viewer with paging, over the seeded items.

use tally_seed::streams::{self, Item};

use super::*;

/// The rows a page of the feed should show; `first` is the page's first position (0-based).
fn rows(items: &[&Item], first: usize) -> Vec<Vec<String>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let when = chrono::DateTime::from_timestamp(item.ts, 0)
                .unwrap()
                .format("%Y-%m-%d %H:%M:%S");
            let kind = if item.kind == 0 { "post" } else { "repost" };
            vec![
                (first + i + 1).to_string(),
                when.to_string(),
                item.id.clone(),
                kind.into(),
                item.stream.clone(),
            ]
        })
        .collect()
}

/// Waits for page `n` (1-based) to be shown.
fn on_page(b: &Browser, n: usize) {
    b.wait_for(
        &format!("page {n}"),
        "const m = /^Page (\\d+)/.exec(document.getElementById('where').textContent); \
         return m && +m[1] === arguments[0] && document.getElementById('feed-card').dataset.state !== 'loading'",
        vec![serde_json::json!(n)],
    );
}

#[test]
fn a_stream_pages_forward_to_its_end_and_back() {
    let bundle = Bundle::start("dash_streams");
    let plan = bundle.plan();
    bundle.seed("streams", &plan);
    let items = streams::generate(&plan);
    let feed = streams::feed(&items, &["user-3"]);
    let limit = 10;

    let b = bundle.browser();
    b.goto(&format!("/streams.html?stream=user-3&limit={limit}"));
    assert_eq!(b.settled("feed-card"), "ready", "{}", b.status("feed-card"));
    assert_eq!(b.table_text("feed-table"), rows(&feed[..limit], 0));
    b.wait_for(
        "the count",
        "return document.getElementById('feed-sub').dataset.count || null",
        vec![],
    );
    assert_eq!(
        b.attr("#feed-sub", "data-count"),
        Some(feed.len().to_string())
    );
    assert_eq!(b.attr("#newer", "disabled"), Some(String::new()));
    b.screenshot("streams");

    let pages = feed.len().div_ceil(limit);
    for page in 2..=pages {
        b.click("#older");
        on_page(&b, page);
        let first = (page - 1) * limit;
        let last = (first + limit).min(feed.len());
        assert_eq!(
            b.table_text("feed-table"),
            rows(&feed[first..last], first),
            "page {page}"
        );
    }
    // A feed whose length is a multiple of the page size ends with an empty page.
    if feed.len().is_multiple_of(limit) {
        b.click("#older");
        on_page(&b, pages + 1);
    }
    assert!(b.text("#where").ends_with("(the end)"));
    assert_eq!(b.attr("#older", "disabled"), Some(String::new()));
    b.click("#newer");
    on_page(
        &b,
        if feed.len().is_multiple_of(limit) {
            pages
        } else {
            pages - 1
        },
    );
    assert!(b.attr("#older", "disabled").is_none());
}

#[test]
fn several_streams_coalesce_into_one_feed() {
    let bundle = Bundle::start("dash_streams_coalesce");
    let plan = bundle.plan();
    bundle.seed("streams", &plan);
    let items = streams::generate(&plan);
    let feed = streams::feed(&items, &["user-1", "user-2"]);

    let b = bundle.browser();
    b.goto("/streams.html?stream=user-1,user-2&limit=25");
    assert_eq!(b.settled("feed-card"), "ready", "{}", b.status("feed-card"));
    assert_eq!(b.table_text("feed-table"), rows(&feed[..25], 0));
    b.click("#older");
    on_page(&b, 2);
    let end = feed.len().min(50);
    assert_eq!(b.table_text("feed-table"), rows(&feed[25..end], 25));
    assert_eq!(b.text("#feed-sub"), "2 streams, coalesced.");

    b.goto("/streams.html?stream=nobody-here&limit=10");
    assert_eq!(b.settled("feed-card"), "empty");
    assert_eq!(b.status("feed-card"), "No items in nobody-here.");
}
