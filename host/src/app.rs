//! A loaded application: its manifest, engine, and every component ready to instantiate.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use tally_manifest::{AllowedHosts, Manifest, ResolvedVariables};
use wasmtime::component::{InstancePre, Linker};
use wasmtime::{Engine, Store, StoreLimitsBuilder};

use crate::backends::{BackendOptions, Backends};
use crate::engine;
use crate::options::HostOptions;
use crate::state::{ComponentEnv, HostState};

/// One component, compiled and pre-linked.
pub struct LoadedComponent {
    /// What the component may see and reach.
    pub env: Arc<ComponentEnv>,
    /// The component with its imports resolved, ready to instantiate cheaply.
    pub pre: InstancePre<HostState>,
}

/// The application as the triggers see it.
pub struct App {
    /// The wasmtime engine shared by every component.
    pub engine: Engine,
    /// The parsed manifest.
    pub manifest: Manifest,
    /// Every component in the manifest, by id.
    pub components: BTreeMap<String, Arc<LoadedComponent>>,
    /// Resolved application variables.
    pub variables: ResolvedVariables,
    /// The host settings.
    pub options: HostOptions,
}

impl App {
    /// Loads the manifest at `path`: resolves variables (a required one without a value is
    /// an error naming it), compiles or loads from cache every component, and links them.
    pub fn load(path: &Path, options: HostOptions) -> anyhow::Result<App> {
        App::from_manifest(Manifest::load(path)?, options)
    }

    /// Like [`App::load`], for a manifest already read (e.g. cut down to one component).
    pub fn from_manifest(manifest: Manifest, options: HostOptions) -> anyhow::Result<App> {
        let variables = tally_manifest::resolve(&manifest, |name| std::env::var(name).ok())?;
        let engine = engine::new_engine(&options)?;
        engine::start_epoch_ticker(&engine);
        let mut linker = Linker::new(&engine);
        crate::interfaces::add_to_linker(&mut linker).map_err(|e| anyhow::anyhow!("{e}"))?;
        let backends = Arc::new(Backends::new(BackendOptions {
            pg_pool_size: options.pg_pool_size,
            ..Default::default()
        }));
        let cache_dir = options.cache_dir();

        let mut components = BTreeMap::new();
        for (id, spec) in &manifest.components {
            if !spec.source.exists() {
                bail!(
                    "component `{id}`: source {} does not exist; build the components first (`tally build`)",
                    spec.source.display()
                );
            }
            let component = engine::load_component(&engine, &spec.source, cache_dir.as_deref())
                .with_context(|| format!("component `{id}`"))?;
            let pre = linker
                .instantiate_pre(&component)
                .map_err(|e| anyhow::anyhow!("component `{id}` cannot be linked: {e}"))?;
            let hosts: Vec<String> = spec
                .allowed_outbound_hosts
                .iter()
                .map(|h| variables.expand(h))
                .collect::<Result<_, _>>()
                .with_context(|| format!("component `{id}`: allowed_outbound_hosts"))?;
            let allowed_hosts =
                AllowedHosts::parse(&hosts).with_context(|| format!("component `{id}`"))?;
            let env = Arc::new(ComponentEnv {
                id: id.clone(),
                variables: variables.component(id).clone(),
                allowed_hosts: Arc::new(allowed_hosts),
                backends: backends.clone(),
            });
            components.insert(id.clone(), Arc::new(LoadedComponent { env, pre }));
        }
        Ok(App {
            engine,
            manifest,
            components,
            variables,
            options,
        })
    }

    /// The loaded component `id`.
    pub fn component(&self, id: &str) -> anyhow::Result<Arc<LoadedComponent>> {
        self.components
            .get(id)
            .cloned()
            .with_context(|| format!("no component `{id}` in the manifest"))
    }
}

impl LoadedComponent {
    /// A new store for one instance: memory capped, and the guest yields to the host at
    /// every epoch tick so deadlines can cut it off.
    pub fn new_store(&self, engine: &Engine, options: &HostOptions) -> Store<HostState> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(options.memory_limit_mb << 20)
            .instances(64)
            .build();
        let mut store = Store::new(engine, HostState::new(self.env.clone(), limits));
        store.limiter(|state| &mut state.limits);
        store.set_epoch_deadline(1);
        store.epoch_deadline_async_yield_and_update(1);
        store
    }
}
