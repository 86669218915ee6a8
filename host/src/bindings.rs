//! Host-side bindings for the Spin interfaces and Tally's own cron interface.
//!
//! Generated from the WIT in the repository's `wit/` folder: the Spin packages there are
//! vendored unmodified from spin-sdk 7.0.0, so the host implements exactly what the
//! components import.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "tally:bundle/host-imports",
    imports: { default: async | trappable },
    with: {
        "spin:redis/redis.connection": crate::interfaces::redis::RedisConnection,
        "spin:postgres/postgres.connection": crate::interfaces::postgres::PgConnection,
        "spin:postgres/postgres.connection-builder": crate::interfaces::postgres::PgConnectionBuilder,
    },
});

/// Bindings for calling a component's `spin:redis/inbound-redis` export.
pub mod redis_trigger {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "tally:bundle/redis-component",
        exports: { default: async | store },
    });
}

/// Bindings for calling a component's `tally:bundle/cron` export.
pub mod cron_trigger {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "tally:bundle/cron-component",
        exports: { default: async | store },
    });
}
