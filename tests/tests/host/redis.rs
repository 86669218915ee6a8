//! `spin:redis`: every function, including a Lua script through `execute`.

use redis::TypedCommands;

use super::in_each_mode;

#[test]
fn every_redis_function() {
    in_each_mode("redis_functions", &[], |host, backends| {
        let reply = host.get("/redis");
        assert_eq!(reply.status, 200, "{}", reply.body);
        let expected = [
            r#"get=Some("v1")"#,
            "get_missing=None",
            "incr=1",
            "incr=2",
            "incr_type_error=true",
            "sadd=3",
            "sadd_again=0",
            "srem=1",
            r#"smembers=["a", "c"]"#,
            "del=1",
            // EVAL ran INCRBY 5 and returned {GET, 42, 'ok'}: flattened as Spin does.
            "eval=bin:5,int:42,bin:ok",
            "ping=status:PONG",
        ];
        assert_eq!(reply.body.lines().collect::<Vec<_>>(), expected);
        // The effects are in Redis itself, under the test's prefix.
        let mut redis = backends.redis();
        assert_eq!(
            redis.get(backends.key("lua")).unwrap().as_deref(),
            Some("5")
        );
        assert_eq!(redis.get(backends.key("n")).unwrap().as_deref(), Some("2"));
        assert!(!redis.exists(backends.key("k")).unwrap());
    });
}
