//! Days a file creates are built in bulk (fresh partitions, attached), days that exist
//! take the ON CONFLICT path: both give the same exact counts, a file can mix them, and
//! concurrent files creating the same day count every event once.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{App, points};

const HEADER: &str = "ad_id\ttimestamp\tevent\timpression_id\tuser_id\tip\tuser_agent_string\n";

/// Events per UTC day, from 2024-05-01 on.
const PER_DAY: usize = 1500;

/// The rows of event `m` (a view, and for every seventh a click of it), all derived from
/// `m`, so an event sent twice is the same rows: ad 10-12, day `m / PER_DAY`, an
/// impression viewed twice (events `2k`, `2k + 1`), users and IPs repeating.
fn rows(m: usize) -> Vec<String> {
    let (ad, day, hour) = (10 + m % 3, 1 + m / PER_DAY, (m / 3) % 24);
    let (imp, user, ip) = (m / 2, m % 37, format!("10.0.{}.{}", m % 5, m % 41));
    let at = |second: usize| format!("2024-05-{day:02} {hour:02}:{:02}:{second:02} UTC", m % 60);
    let mut out = vec![format!(
        "{ad}\t{}\tview\timp-{imp}\tu{user}\t{ip}\tMozilla/5.0 (X11; Linux)",
        at(0)
    )];
    if m.is_multiple_of(7) {
        out.push(format!(
            "{ad}\t{}\tclick\timp-{imp}\tu{user}\t{ip}\tMozilla/5.0 (X11; Linux)",
            at(30)
        ));
    }
    out
}

/// A file of the events `events`.
fn file(events: impl IntoIterator<Item = usize>) -> String {
    let mut tsv = HEADER.to_string();
    for m in events {
        for row in rows(m) {
            tsv.push_str(&row);
            tsv.push('\n');
        }
    }
    tsv
}

/// Per ad and hour (`YYYY-MM-DDTHH`): the distinct impressions, clicks, IPs and users of
/// `events`, by hand.
type Sets = (
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeSet<String>,
);

fn expected(events: impl IntoIterator<Item = usize>) -> BTreeMap<(i64, String), Sets> {
    let mut all: BTreeMap<(i64, String), Sets> = BTreeMap::new();
    for m in events {
        for row in rows(m) {
            let f: Vec<&str> = row.split('\t').collect();
            let hour = format!("{}T{}", &f[1][..10], &f[1][11..13]);
            let sets = all.entry((f[0].parse().unwrap(), hour)).or_default();
            sets.0.insert(f[3].to_string());
            if f[2] == "click" {
                sets.1.insert(format!("{}/{}/{}", f[3], f[4], f[1]));
            }
            sets.2.insert(f[5].to_string());
            sets.3.insert(f[4].to_string());
        }
    }
    all
}

/// `ad_metrics` of ads 10-12 as `(ad, hour) -> counts`.
fn metrics(app: &App) -> BTreeMap<(i64, String), (i64, i64, i64, i64)> {
    (10..=12)
        .flat_map(|ad| {
            app.metrics(ad)
                .into_iter()
                .map(move |(h, i, c, s, u)| ((ad, h), (i, c, s, u)))
        })
        .collect()
}

fn counts(sets: &BTreeMap<(i64, String), Sets>) -> BTreeMap<(i64, String), (i64, i64, i64, i64)> {
    let n = |s: &BTreeSet<String>| s.len() as i64;
    sets.iter()
        .map(|(k, s)| (k.clone(), (n(&s.0), n(&s.1), n(&s.2), n(&s.3))))
        .collect()
}

/// A daily point: `(day, impressions, clicks, sessions, users)`.
type Point = (String, i64, i64, i64, i64);

/// The daily points of ads 10-12 over the first three days.
fn days(app: &App) -> Vec<Vec<Point>> {
    (10..=12)
        .map(|ad| {
            points(&app.get_json(&format!(
                "/ads/{ad}/metrics?from=2024-05-01&to=2024-05-04&granularity=day"
            )))
        })
        .collect()
}

fn load(app: &App, name: &str, tsv: &str) -> Value {
    let reply = app.batch(name, tsv);
    assert_eq!(reply.status, 200, "{name}: {}", reply.body);
    let body = reply.json();
    assert_eq!(body["status"], "loaded", "{body}");
    body["new"].clone()
}

#[test]
fn new_and_existing_days_count_the_same() {
    let events = 0..3 * PER_DAY;
    let want = expected(events.clone());
    // All three days new: the bulk path.
    let bulk = App::start("etl_bulk_new");
    let new = load(&bulk, "all", &file(events.clone()));
    assert_eq!(new["days"], 3);
    let total = |i: usize| {
        want.values()
            .map(|s| [&s.0, &s.1, &s.2, &s.3][i].len())
            .sum::<usize>()
    };
    assert_eq!(new["impressions"], total(0));
    assert_eq!(new["clicks"], total(1));
    assert_eq!(new["sessions"], total(2));
    assert_eq!(new["users"], total(3));
    assert_eq!(new["hours"], want.len());
    assert_eq!(metrics(&bulk), counts(&want));
    // Days 1 and 3 exist first (another ad's events): the same file then mixes both paths.
    let mixed = App::start("etl_bulk_mixed");
    let other = "99\t2024-05-01 05:00:00 UTC\tview\tx\tux\t10.9.9.9\tUA\n\
                 99\t2024-05-03 05:00:00 UTC\tview\tx\tux\t10.9.9.9\tUA\n";
    assert_eq!(
        load(&mixed, "other", &format!("{HEADER}{other}"))["days"],
        2
    );
    let new = load(&mixed, "all", &file(events.clone()));
    assert_eq!(new["days"], 1, "only 2024-05-02 is new");
    assert_eq!(new["impressions"], total(0));
    assert_eq!(new["hours"], want.len());
    assert_eq!(metrics(&mixed), counts(&want));
    assert_eq!(days(&mixed), days(&bulk));
    // Every day exists now: a file repeating a day's events adds nothing.
    let again = load(&mixed, "day-2-again", &file(PER_DAY..2 * PER_DAY));
    assert_eq!(
        (
            again["days"].clone(),
            again["impressions"].clone(),
            again["hours"].clone()
        ),
        (0.into(), 0.into(), 0.into())
    );
    assert_eq!(metrics(&mixed), counts(&want));
    // The daily points are exact distincts over each day, however the day was loaded.
    let day2 = expected(PER_DAY..2 * PER_DAY);
    let distinct = |i: usize| {
        day2.iter()
            .filter(|((ad, _), _)| *ad == 10)
            .flat_map(|(_, s)| [&s.0, &s.1, &s.2, &s.3][i])
            .collect::<BTreeSet<_>>()
            .len() as i64
    };
    let point = days(&bulk)[0][1].clone();
    assert_eq!(point.0, "2024-05-02T00:00:00Z");
    assert_eq!(
        (point.1, point.2, point.3, point.4),
        (distinct(0), distinct(1), distinct(2), distinct(3))
    );
    // A day whose facts were dropped (retention) while `ad_metrics` kept its hours is new
    // again: its facts are inserted anew and added to the kept hours.
    let mut pg = mixed.backends.postgres();
    for table in ["ad_impressions", "ad_clicks", "ad_sessions", "users"] {
        pg.execute(&format!("DROP TABLE {table}_p20240502"), &[])
            .unwrap();
    }
    assert_eq!(
        load(&mixed, "day-2-after-retention", &file(PER_DAY..2 * PER_DAY))["days"],
        1
    );
    let twice: BTreeMap<_, _> = counts(&want)
        .into_iter()
        .map(|(k, (i, c, s, u))| {
            let n = if k.1.starts_with("2024-05-02") { 2 } else { 1 };
            (k, (n * i, n * c, n * s, n * u))
        })
        .collect();
    assert_eq!(metrics(&mixed), twice);
}

#[test]
fn concurrent_files_creating_the_same_day_count_it_once() {
    let app = App::start("etl_bulk_concurrent");
    // Two rounds: files A (days 1-2) and B (days 2-3) at once, then C (days 4-5) and
    // D (days 5-6). Each pair shares a new day's events.
    let pairs = [
        (0..2 * PER_DAY, PER_DAY..3 * PER_DAY),
        (3 * PER_DAY..5 * PER_DAY, 4 * PER_DAY..6 * PER_DAY),
    ];
    let mut created = 0;
    for (round, (a, b)) in pairs.iter().enumerate() {
        let (fa, fb) = (file(a.clone()), file(b.clone()));
        let news: Vec<Value> = std::thread::scope(|s| {
            let ha = s.spawn(|| load(&app, &format!("a{round}"), &fa));
            let hb = s.spawn(|| load(&app, &format!("b{round}"), &fb));
            vec![ha.join().unwrap(), hb.join().unwrap()]
        });
        // The shared day was created by one of them; the other found it and added only
        // its other day's facts and nothing twice.
        let sum = |k: &str| news.iter().map(|n| n[k].as_i64().unwrap()).sum::<i64>();
        assert_eq!(sum("days"), 3, "{news:?}");
        let union = expected(a.start..b.end);
        let total = |i: usize| {
            union
                .values()
                .map(|s| [&s.0, &s.1, &s.2, &s.3][i].len() as i64)
                .sum::<i64>()
        };
        assert_eq!(
            [
                sum("impressions"),
                sum("clicks"),
                sum("sessions"),
                sum("users")
            ],
            [total(0), total(1), total(2), total(3)],
            "{news:?}"
        );
        created += sum("days");
    }
    assert_eq!(created, 6);
    let all = expected(0..6 * PER_DAY);
    assert_eq!(metrics(&app), counts(&all));
    // Every fact row is there once: the tables hold exactly the distinct sets.
    let facts = app.table_counts();
    let n = |i: usize| {
        all.values()
            .map(|s| [&s.0, &s.1, &s.2, &s.3][i].len() as i64)
            .sum::<i64>()
    };
    assert_eq!(facts, [n(0), n(1), n(2), n(3), all.len() as i64]);
}
