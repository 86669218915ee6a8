# Sourced by bench/slices.sh and bench/instructions.sh.
# slices_manifest NAME DB PREFIX: prints a spin.toml serving the slices component under
# /analytics/... on one shard (Redis database DB on 127.0.0.1:6379, keys under PREFIX).
slices_manifest() {
    cat <<TOML
spin_manifest_version = 2
[application]
name = "$1"
[[trigger.http]]
route = "/analytics/..."
component = "slices"
[component.slices]
source = "$PWD/target/wasm32-wasip2/release/tally_slices.wasm"
allowed_outbound_hosts = ["redis://127.0.0.1:6379"]
[component.slices.variables]
slices_shards = "redis://127.0.0.1:6379/$2"
slices_prefix = "$3"
slices_salt = "bench-salt"
TOML
}
