//! The wasmtime engine and the precompiled-component cache.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::options::HostOptions;

/// How often the epoch advances: the granularity of request deadlines.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// An engine for async, component-model-async guests with epoch interruption, and the
/// pooling allocator unless turned off.
pub fn new_engine(options: &HostOptions) -> anyhow::Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.wasm_component_model_async(true);
    config.concurrency_support(true);
    config.epoch_interruption(true);
    if !options.no_pooling {
        let mut pool = PoolingAllocationConfig::default();
        let slots = options.max_instances;
        pool.total_component_instances(slots);
        // A component built by wasm-component-ld holds a few core instances and memories.
        pool.total_core_instances(slots * 4);
        pool.total_memories(slots * 2);
        pool.total_tables(slots * 4);
        pool.max_memory_size(options.memory_limit_mb << 20);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    Engine::new(&config).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Starts the thread that advances the engine's epoch every [`EPOCH_TICK`].
pub fn start_epoch_ticker(engine: &Engine) {
    let engine = engine.weak();
    std::thread::spawn(move || {
        while let Some(engine) = engine.upgrade() {
            engine.increment_epoch();
            drop(engine);
            std::thread::sleep(EPOCH_TICK);
        }
    });
}

/// Compiles the component at `path`, or loads it from `cache_dir` when this engine
/// compiled the same bytes before. Cache files are keyed by the SHA-256 of the `.wasm`
/// and the engine's compatibility hash (wasmtime version, settings, CPU features).
pub fn load_component(
    engine: &Engine,
    path: &Path,
    cache_dir: Option<&Path>,
) -> anyhow::Result<Component> {
    let wasm =
        std::fs::read(path).with_context(|| format!("cannot read component {}", path.display()))?;
    let Some(cache_dir) = cache_dir else {
        return Component::new(engine, &wasm)
            .map_err(|e| anyhow::anyhow!("compiling {}: {e}", path.display()));
    };
    let cached = cache_path(engine, &wasm, cache_dir);
    if cached.exists() {
        // SAFETY: only files this host wrote under a key that includes the engine's
        // compatibility hash are loaded; a bad file fails to deserialize and is rebuilt.
        match unsafe { Component::deserialize_file(engine, &cached) } {
            Ok(component) => return Ok(component),
            Err(e) => {
                tracing::warn!(path = %cached.display(), "discarding unusable cache entry: {e}")
            }
        }
    }
    let compiled = engine
        .precompile_component(&wasm)
        .map_err(|e| anyhow::anyhow!("compiling {}: {e}", path.display()))?;
    if let Err(e) = write_atomically(&cached, &compiled) {
        tracing::warn!(path = %cached.display(), "cannot write compile cache: {e}");
    }
    // SAFETY: the bytes were produced just now by `precompile_component` of this engine.
    unsafe { Component::deserialize(engine, &compiled) }.map_err(|e| anyhow::anyhow!("{e}"))
}

/// Where the compiled form of `wasm` for `engine` lives under `cache_dir`.
pub fn cache_path(engine: &Engine, wasm: &[u8], cache_dir: &Path) -> PathBuf {
    let mut engine_hash = DefaultHasher::new();
    engine
        .precompile_compatibility_hash()
        .hash(&mut engine_hash);
    let digest = Sha256::digest(wasm);
    let name: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    cache_dir.join(format!("{name}-{:016x}.cwasm", engine_hash.finish()))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("cache path has a parent");
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .expect("cache path has a file name")
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(tmp, path)
}
