//! The Redis trigger: one subscription per address, each message handed to every
//! component subscribed to its channel. The subscription survives component errors and
//! reconnects after the server goes away.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::Semaphore;

use crate::app::{App, LoadedComponent};
use crate::bindings::redis_trigger::RedisComponentPre;
use crate::metrics::Metrics;

/// Most messages handled at once per address.
const CONCURRENCY: usize = 64;

/// Starts one subscriber task per Redis address in the manifest.
pub fn start(
    app: &Arc<App>,
    metrics: &Arc<Metrics>,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
    let mut by_address: BTreeMap<String, Vec<(String, Arc<LoadedComponent>)>> = BTreeMap::new();
    for trigger in &app.manifest.redis_triggers {
        let address = trigger.address.as_deref().ok_or_else(|| {
            anyhow::anyhow!("redis trigger for `{}` has no address", trigger.component)
        })?;
        let address = app.variables.expand(address)?;
        let channel = app.variables.expand(&trigger.channel)?;
        let component = app.component(&trigger.component)?;
        RedisComponentPre::new(component.pre.clone()).map_err(|e| {
            anyhow::anyhow!(
                "component `{}` does not export spin:redis/inbound-redis@3.0.0: {e}",
                trigger.component
            )
        })?;
        by_address
            .entry(address)
            .or_default()
            .push((channel, component));
    }
    Ok(by_address
        .into_iter()
        .map(|(address, subscribers)| {
            let app = app.clone();
            let metrics = metrics.clone();
            tokio::spawn(async move { subscribe(app, metrics, address, subscribers).await })
        })
        .collect())
}

async fn subscribe(
    app: Arc<App>,
    metrics: Arc<Metrics>,
    address: String,
    subscribers: Vec<(String, Arc<LoadedComponent>)>,
) {
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    let mut backoff = Duration::from_millis(100);
    loop {
        match listen(&app, &metrics, &address, &subscribers, &limit).await {
            Ok(()) => tracing::warn!(%address, "Redis subscription ended; reconnecting"),
            Err(e) => {
                tracing::warn!(%address, "Redis subscription failed: {e}; retrying in {backoff:?}")
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

async fn listen(
    app: &Arc<App>,
    metrics: &Arc<Metrics>,
    address: &str,
    subscribers: &[(String, Arc<LoadedComponent>)],
    limit: &Arc<Semaphore>,
) -> anyhow::Result<()> {
    let client = redis::Client::open(address)?;
    let mut pubsub = client.get_async_pubsub().await?;
    for (channel, _) in subscribers {
        pubsub.subscribe(channel).await?;
    }
    tracing::info!(%address, channels = subscribers.len(), "subscribed");
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        let channel = message.get_channel_name().to_string();
        let payload = message.get_payload_bytes().to_vec();
        for (wanted, component) in subscribers {
            if *wanted != channel {
                continue;
            }
            let permit = limit.clone().acquire_owned().await?;
            let (app, metrics, component, payload) = (
                app.clone(),
                metrics.clone(),
                component.clone(),
                payload.clone(),
            );
            tokio::spawn(async move {
                let ok = deliver(&app, &component, payload).await;
                metrics.record_trigger(&component.env.id, "redis", ok);
                drop(permit);
            });
        }
    }
    Ok(())
}

/// Runs the component's `handle-message` on a fresh instance; logs and returns whether it succeeded.
pub async fn deliver(app: &App, component: &LoadedComponent, payload: Vec<u8>) -> bool {
    let id = &component.env.id;
    let run = async {
        let pre = RedisComponentPre::new(component.pre.clone())?;
        let mut store = component.new_store(&app.engine, &app.options);
        let instance = pre.instantiate_async(&mut store).await?;
        store
            .run_concurrent(async move |accessor| {
                instance
                    .spin_redis_inbound_redis()
                    .call_handle_message(accessor, payload)
                    .await
            })
            .await?
    };
    super::run_guarded(app.options.request_timeout, id, "message handler", run).await
}
