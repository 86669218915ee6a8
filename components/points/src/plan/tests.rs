use super::*;

fn layout() -> Layout {
    Layout {
        prefix: String::new(),
        expire_seconds: 1,
        count_expire_seconds: 1,
        leaderboards: true,
    }
}

#[test]
fn users_are_deduplicated_with_their_offsets() {
    assert_eq!(
        users_with_offsets(&[3, 1, 3, 2], &[30, 10, 99, 20]),
        vec![(3, 30), (1, 10), (2, 20)]
    );
    assert_eq!(users_with_offsets(&[5, 6], &[]), vec![(5, 0), (6, 0)]);
}

#[test]
fn windows_are_shared_by_users_with_the_same_offset() {
    let users = users_with_offsets(&[1, 2, 3], &[0, 3600, 0]);
    let plan = metric_plan(&layout(), &users, &[Thing::Steps, Thing::Points], 0, 7199);
    assert_eq!(plan.sets.len(), 2);
    assert_eq!(plan.sets[0], decompose(0, 7199));
    assert_eq!(plan.sets[1], decompose(3600, 10799));
    let groups: Vec<(&str, usize)> = plan.groups.iter().map(|(s, i)| (s.as_str(), *i)).collect();
    assert_eq!(
        groups,
        [
            ("hz:1:1:", 0),
            ("hz:3:1:", 0),
            ("hz:1:2:", 1),
            ("hz:3:2:", 1),
            ("hz:1:3:", 0),
            ("hz:3:3:", 0)
        ]
    );
    assert!(!plan.reads_nothing());
    assert!(metric_plan(&layout(), &users, &[Thing::Cb], 10, 9).reads_nothing());
}

#[test]
fn replies_become_per_user_results() {
    let reply = vec![
        Reply::Int(10),
        Reply::Bytes(b"3:2,4:7".to_vec()),
        Reply::Int(5),
        Reply::Bytes(b"4:7,5:2,6:x,y:1,,".to_vec()),
        Reply::Int(0),
        Reply::Bytes(Vec::new()),
        Reply::Int(0),
        Reply::Bytes(Vec::new()),
    ];
    let groups = parse_groups(&reply, 4, true).unwrap();
    assert_eq!(aids(&groups[1].aids).collect::<Vec<_>>(), [(4, 7), (5, 2)]);
    let users = [(1, 0), (2, 0)];
    let things = [Thing::Steps, Thing::Points];
    let out = per_user(&users, &things, &groups, Atid::All);
    let only7 = per_user(&users, &things, &groups, Atid::Only(7));
    assert_eq!(only7[0].atids, [7]);
    assert_eq!(out[0].sums, [(Thing::Steps, 10), (Thing::Points, 5)]);
    assert_eq!(out[0].atids, [2, 7, 2]);
    assert!(!out[0].is_empty());
    assert_eq!(out[1].atids, Vec::<i64>::new());
    assert!(out[1].is_empty());
    assert!(parse_groups(&reply, 3, true).is_err());
    assert!(parse_groups(&[Reply::Nil], 1, false).is_err());
}

#[test]
fn a_zero_points_sum_counts_as_empty_like_the_original() {
    let user = UserResult {
        uid: 1,
        sums: vec![(Thing::Steps, 3), (Thing::Points, 0)],
        atids: vec![1],
    };
    assert!(user.is_empty());
}

#[test]
fn leaders() {
    let reply = vec![
        Reply::Bytes(b"7".to_vec()),
        Reply::Bytes(b"30".to_vec()),
        Reply::Bytes(b"2".to_vec()),
        Reply::Bytes(b"-4".to_vec()),
    ];
    assert_eq!(parse_leaders(&reply).unwrap(), [(7, 30), (2, -4)]);
    assert!(parse_leaders(&reply[..3]).is_err());
}
