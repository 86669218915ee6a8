use super::*;
use crate::things::Thing;

fn layout() -> Layout {
    Layout {
        prefix: "p:".into(),
        expire_seconds: 100,
        count_expire_seconds: 50,
        leaderboards: true,
    }
}

fn t(s: &str) -> Arg {
    Arg::Text(s.into())
}

#[test]
fn write_arguments_carry_the_second_and_the_diffadd_spans() {
    let w = Write {
        thing: Thing::Steps,
        uid: 1,
        atid: 2,
        aid: 3,
        value: 10,
        ts1: 1458061005,
        ts2: 1458061011,
        mode: Mode::Diffadd,
        id: None,
    };
    let inc = Write {
        mode: Mode::Increment,
        id: Some("w-1".into()),
        ..w.clone()
    };
    let args = write_args(&layout(), &[w, inc]);
    let mut expected = vec![t("p:"), Arg::Int(100), t("1")];
    expected.extend([t("d"), Arg::Int(1), Arg::Int(1), Arg::Int(2), Arg::Int(3)]);
    expected.extend([Arg::Int(10), t("20160315165651"), Arg::Int(31), t("")]);
    expected.extend([Arg::Int(1), t("201603151656"), Arg::Int(45), Arg::Int(51)]);
    expected.extend([t("i"), Arg::Int(1), Arg::Int(1), Arg::Int(2), Arg::Int(3)]);
    expected.extend([Arg::Int(10), t("20160315165651"), Arg::Int(31), t("w-1")]);
    expected.push(Arg::Int(0));
    assert_eq!(args, expected);
}

#[test]
fn query_arguments_list_each_window_once() {
    let sets = vec![decompose(1458061005, 1458061010), vec![]];
    let groups = vec![("p:hz:1:7:".to_string(), 0), ("p:hz:1:8:".to_string(), 1)];
    let args = query_args(QueryMode::SumsAndAids, "3", &sets, &groups);
    let expected = vec![
        t("d"),
        t("3"),
        Arg::Int(2),
        Arg::Int(1),
        t("201603151656"),
        Arg::Int(45),
        Arg::Int(50),
        // seconds 45..50 are children 46..51: nodes 48 (41..48), 50 (49..50) and 51
        // minus nodes 40 (33..40), 44 (41..44) and 45, named by their last second
        Arg::Int(3),
        Arg::Int(3),
        t("20160315165647"),
        t("20160315165649"),
        t("20160315165650"),
        t("20160315165639"),
        t("20160315165643"),
        t("20160315165644"),
        Arg::Int(0),
        t("p:hz:1:7:"),
        Arg::Int(1),
        t("p:hz:1:8:"),
        Arg::Int(2),
    ];
    assert_eq!(args, expected);
}

#[test]
fn key_stems() {
    let l = layout();
    assert_eq!(l.metric_stem(3, 42), "p:hz:3:42:");
    assert_eq!(l.counter_stem("x_1"), "p:c:x_1:");
    assert_eq!(l.leaderboard_stem(1, ""), "p:lb:1:all:");
    assert_eq!(l.leaderboard_stem(1, "4"), "p:lb:1:4:");
    let args = leaderboard_args(&l, 1, "", 10, &decompose(0, 59));
    assert_eq!(
        args[..3],
        [t("p:lb:1:all:"), t("p:lb:1:all:scratch"), Arg::Int(10)]
    );
}

#[test]
fn scripts_carry_the_shared_library_and_a_sha() {
    assert!(write_script().source.contains("local function scan"));
    assert!(query_script().source.contains("local function pick"));
    assert_eq!(write_script().sha.len(), 40);
    assert_ne!(write_script().sha, query_script().sha);
    // The SHA-1 of the empty string, to pin the digest format Redis expects.
    assert_eq!(
        Script::new(String::new()).sha,
        "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    );
}
