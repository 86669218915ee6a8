//! The data each component instance's store carries.

use std::sync::Arc;

use tally_manifest::AllowedHosts;
use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::backends::Backends;
use crate::interfaces::outbound_http::OutboundHttp;

/// What a component is allowed to see and reach; shared by all its instances.
pub struct ComponentEnv {
    /// The component id from the manifest.
    pub id: String,
    /// The component's variables, already resolved.
    pub variables: std::collections::BTreeMap<String, String>,
    /// Where the component may connect (Redis, Postgres, HTTP).
    pub allowed_hosts: Arc<AllowedHosts>,
    /// The application's connection pools.
    pub backends: Arc<Backends>,
}

/// Store data of one component instance.
pub struct HostState {
    /// Resources handed to the guest (WASI, HTTP, Redis and Postgres connections).
    pub table: ResourceTable,
    /// WASI context (stdio inherited, no filesystem, no environment).
    pub wasi: WasiCtx,
    /// `wasi:http` context.
    pub http: WasiHttpCtx,
    /// Outbound HTTP policy (`allowed_outbound_hosts`).
    pub outbound_http: OutboundHttp,
    /// Memory limits.
    pub limits: StoreLimits,
    /// The component this instance belongs to.
    pub env: Arc<ComponentEnv>,
}

impl HostState {
    /// Fresh store data for an instance of the component described by `env`.
    pub fn new(env: Arc<ComponentEnv>, limits: StoreLimits) -> Self {
        let wasi = wasmtime_wasi::WasiCtxBuilder::new()
            .inherit_stdout()
            .inherit_stderr()
            .build();
        Self {
            table: ResourceTable::new(),
            wasi,
            http: WasiHttpCtx::new(),
            outbound_http: OutboundHttp::new(env.allowed_hosts.clone()),
            limits,
            env,
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.outbound_http,
        }
    }
}
