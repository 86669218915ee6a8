//! `spin:postgres`: every type, streamed queries, typed errors.

use super::in_each_mode;

#[test]
fn every_type_round_trips() {
    in_each_mode("pg_types", &[], |host, backends| {
        let reply = host.get("/pg/types");
        assert_eq!(reply.status, 200, "{}", reply.body);
        let lines: Vec<&str> = reply.body.lines().collect();
        let expected_values = [
            "inserted=1",
            "rows=1",
            "b=DbValue::Boolean(true)",
            "i2=DbValue::Int16(-12)",
            "i4=DbValue::Int32(-123456)",
            "i8=DbValue::Int64(9007199254740993)",
            "f4=DbValue::Floating32(1.5)",
            "f8=DbValue::Floating64(-2.25)",
            r#"t=DbValue::Str("héllo")"#,
            r#"vc=DbValue::Str("varchar")"#,
            "by=DbValue::Binary([0, 1, 254, 255])",
            "d=DbValue::Date((2024, 2, 29))",
            "tm=DbValue::Time((23, 59, 58, 123456000))",
            "ts=DbValue::Datetime((2024, 12, 31, 23, 59, 59, 500000000))",
            "tz=DbValue::Datetime((2023, 11, 14, 22, 13, 20, 0))",
            r#"u=DbValue::Uuid("6f1d6f2e-8a7b-4c1e-9f3a-2b5c7d9e0a11")"#,
            r#"n=DbValue::Decimal("12345.678900")"#,
            "r4=DbValue::RangeInt32((Some((1, RangeBoundKind::Inclusive)), Some((10, RangeBoundKind::Exclusive))))",
            // Postgres normalises (5, ∞) to [6, ∞).
            "r8=DbValue::RangeInt64((Some((6, RangeBoundKind::Inclusive)), None))",
            r#"rn=DbValue::RangeDecimal((Some(("1.5", RangeBoundKind::Inclusive)), Some(("2.5", RangeBoundKind::Inclusive))))"#,
            "a4=DbValue::ArrayInt32([Some(1), None, Some(-3)])",
            "a8=DbValue::ArrayInt64([Some(1099511627776)])",
            r#"an=DbValue::ArrayDecimal([Some("0.1"), None])"#,
            r#"at=DbValue::ArrayStr([Some("x"), None, Some("z")])"#,
            "iv=DbValue::Interval(Interval { micros: 3600000001, days: 2, months: 14 })",
            "nul=DbValue::DbNull",
        ];
        for expected in expected_values {
            assert!(
                lines.contains(&expected),
                "missing {expected:?} in:\n{}",
                reply.body
            );
        }
        let columns = lines.iter().find(|l| l.starts_with("columns=")).unwrap();
        for ty in [
            "b:DbDataType::Boolean",
            "tz:DbDataType::Timestamp",
            "ts:DbDataType::Datetime",
            "j:DbDataType::Jsonb",
            "iv:DbDataType::Interval",
        ] {
            assert!(columns.contains(ty), "{ty} in {columns}");
        }

        // What the host stored is what Postgres itself reads back.
        let mut pg = backends.postgres();
        let row = pg
            .query_one(
                "SELECT i8::text, d::text, ts::text, (tz AT TIME ZONE 'UTC')::text, j::text, n::text, iv::text, by::text, r4::text, nul IS NULL
                 FROM probe_types",
                &[],
            )
            .unwrap();
        assert_eq!(row.get::<_, String>(0), "9007199254740993");
        assert_eq!(row.get::<_, String>(1), "2024-02-29");
        assert_eq!(row.get::<_, String>(2), "2024-12-31 23:59:59.5");
        assert_eq!(row.get::<_, String>(3), "2023-11-14 22:13:20");
        assert_eq!(row.get::<_, String>(4), r#"{"a": [1, 2, {"b": null}]}"#);
        assert_eq!(row.get::<_, String>(5), "12345.678900");
        assert_eq!(
            row.get::<_, String>(6),
            "1 year 2 mons 2 days 01:00:00.000001"
        );
        assert_eq!(row.get::<_, String>(7), "\\x0001feff");
        assert_eq!(row.get::<_, String>(8), "[1,10)");
        assert!(row.get::<_, bool>(9));
    });
}

#[test]
fn a_hundred_thousand_rows_stream() {
    in_each_mode("pg_stream", &[], |host, _| {
        let reply = host.get("/pg/stream?n=100000");
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body, "rows=100000 sum=5000050000");
    });
}

#[test]
fn bad_sql_reaches_the_guest_as_a_typed_error() {
    in_each_mode("pg_bad", &[], |host, _| {
        let reply = host.get("/pg/bad");
        assert_eq!(
            reply.body,
            r#"query-failed code=42601 message=syntax error at or near "SELEC""#
        );
    });
}
