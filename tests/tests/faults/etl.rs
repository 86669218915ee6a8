//! etl: Postgres killed and restarted under a stream of TSV batches whose events overlap
//! across files. Every file must end loaded exactly once and `ad_metrics` must equal the
//! distinct counts of everything sent.

use std::collections::{BTreeMap, BTreeSet};

use tally_tests::apps::{copy_migrations, etl};
use tally_tests::backends::redis_url;
use tally_tests::servers::PostgresServer;
use tally_tests::{Backends, Host};

use crate::{OUTAGE, drive, report};

const ROWS: usize = 10;
const DISTINCT: usize = 1500;

/// Event `m`: a view (and for every tenth a click) with everything derived from `m`, so
/// the same event in two files is the same row.
fn rows(m: usize) -> Vec<String> {
    let (ad, hour) = (100 + m % 3, m % 5);
    let view = format!(
        "{ad}\t2024-05-01 {hour:02}:00:{:02} UTC\tview\timp-{m}\tu{}\t10.0.0.{}\tMozilla/5.0 (X11; Linux)",
        m % 60,
        m % 50,
        m % 20
    );
    let mut out = vec![view];
    if m.is_multiple_of(10) {
        out.push(format!(
            "{ad}\t2024-05-01 {hour:02}:00:{:02} UTC\tclick\timp-{m}\tu{}\t10.0.0.{}\tMozilla/5.0 (X11; Linux)",
            m % 60 + 1,
            m % 50,
            m % 20
        ));
    }
    out
}

fn file(i: usize) -> String {
    let mut tsv =
        String::from("ad_id\ttimestamp\tevent\timpression_id\tuser_id\tip\tuser_agent_string\n");
    for j in 0..ROWS {
        for row in rows((i * ROWS + j) % DISTINCT) {
            tsv.push_str(&row);
            tsv.push('\n');
        }
    }
    tsv
}

#[test]
fn etl_metrics_stay_exact_across_a_postgres_outage() {
    let mut pg = PostgresServer::start();
    let backends = Backends::on("fault_etl", &redis_url(), &pg.url());
    let dir = tempfile::tempdir().unwrap();
    copy_migrations("etl", dir.path());
    let pg_host = format!("postgres://{}", pg.host());
    let manifest = etl::manifest(&backends, "http://127.0.0.1:9", &[&pg_host]).write(dir.path());
    let mut host = Host::start(&manifest, &[], &[]);
    let n = 200;
    let outcome = drive(
        n,
        4,
        n / 4,
        |i| {
            host.post(
                &format!("/etl/batches?name=f{i}"),
                "text/tab-separated-values",
                &file(i),
            )
        },
        || {
            pg.kill();
            std::thread::sleep(OUTAGE);
            pg.restart();
        },
    );
    // What the metrics must say: per (ad, hour) distinct impressions, sessions, users,
    // and the clicks.
    let mut want: BTreeMap<(usize, usize), [BTreeSet<usize>; 3]> = BTreeMap::new();
    let mut clicks: BTreeMap<(usize, usize), i64> = BTreeMap::new();
    for m in 0..DISTINCT.min(n * ROWS) {
        let key = (100 + m % 3, m % 5);
        let sets = want.entry(key).or_default();
        sets[0].insert(m);
        sets[1].insert(m % 20);
        sets[2].insert(m % 50);
        if m % 10 == 0 {
            *clicks.entry(key).or_default() += 1;
        }
    }
    let mut client = backends.postgres();
    let got = client
        .query(
            "SELECT ad_id::bigint, extract(hour from hour AT TIME ZONE 'UTC')::bigint, total_impressions::bigint, \
             total_clicks::bigint, total_sessions::bigint, total_users::bigint FROM ad_metrics",
            &[],
        )
        .unwrap();
    let (mut lost, mut doubled) = (0i64, 0i64);
    let mut seen = 0;
    for row in &got {
        let key = (row.get::<_, i64>(0) as usize, row.get::<_, i64>(1) as usize);
        let sets = want.get(&key).expect("an (ad, hour) that was sent");
        let expected = [
            sets[0].len() as i64,
            clicks.get(&key).copied().unwrap_or(0),
            sets[1].len() as i64,
            sets[2].len() as i64,
        ];
        for (k, e) in expected.iter().enumerate() {
            let g: i64 = row.get(k + 2);
            lost += (e - g).max(0);
            doubled += (g - e).max(0);
        }
        seen += 1;
    }
    lost += (want.len() - seen) as i64;
    let loaded: i64 = client
        .query_one(
            "SELECT count(*) FROM etl_files WHERE status = 'loaded'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(loaded, n as i64, "every file loaded once");
    report("etl (Postgres killed)", &mut host, &outcome, lost, doubled);
}
