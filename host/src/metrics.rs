//! Prometheus metrics served at `GET /metrics`.

use std::sync::Mutex;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    component: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ComponentLabels {
    component: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TriggerLabels {
    component: String,
    trigger: String,
    outcome: String,
}

/// The host's counters and histograms.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<ComponentLabels, Histogram>,
    triggers: Family<TriggerLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("tally");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<ComponentLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        let triggers = Family::<TriggerLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by component and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by component",
            latency.clone(),
        );
        registry.register(
            "trigger_runs",
            "Redis-message and cron runs by component and outcome",
            triggers.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            requests,
            latency,
            triggers,
        }
    }
}

impl Metrics {
    /// Counts one HTTP request.
    pub fn record_request(&self, component: &str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                component: component.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&ComponentLabels {
                component: component.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts one Redis-message or cron run.
    pub fn record_trigger(&self, component: &str, trigger: &str, ok: bool) {
        let outcome = if ok { "ok" } else { "error" }.to_string();
        self.triggers
            .get_or_create(&TriggerLabels {
                component: component.to_string(),
                trigger: trigger.to_string(),
                outcome,
            })
            .inc();
    }

    /// The metrics in Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let registry = self.registry.lock().unwrap();
        prometheus_client::encoding::text::encode(&mut out, &registry)
            .expect("writing to a String cannot fail");
        out
    }
}
