//! The packaging for other platforms, checked against the root `spin.toml`: the host's
//! manifest rules, every build command producing the `source` it names, the manifest
//! Spin gets (no cron triggers), the SpinKube apps and jobs, the runtime config.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use serde::Deserialize as _;
use serde_yaml_ng::Value;
use tally_manifest::{Filter, Manifest};
use tally_tests::{host_binary, workspace_root};

fn root_manifest() -> Manifest {
    Manifest::load(workspace_root().join("spin.toml")).expect("the root manifest is valid")
}

#[test]
fn the_root_manifest_follows_the_hosts_rules() {
    let manifest = root_manifest();
    assert!(!manifest.components.is_empty());
    manifest.router().expect("no route is claimed twice");
    let variables = tally_manifest::resolve(&manifest, |_| None)
        .expect("every variable has a default that works locally");
    for (id, component) in &manifest.components {
        assert!(component.build.is_some(), "`{id}` has no build command");
        assert!(
            !variables.component(id).is_empty() || component.variables.is_empty(),
            "`{id}`"
        );
        let hosts = variables
            .expand_all(&component.allowed_outbound_hosts)
            .unwrap();
        tally_manifest::AllowedHosts::parse(&hosts).expect("outbound hosts follow Spin's rules");
    }
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The workspace files cargo's dep-info (`<artifact>.d`) says `artifact` was built from.
fn built_from(artifact: &Path) -> Vec<PathBuf> {
    let info = artifact.with_extension("d");
    let text = std::fs::read_to_string(&info).unwrap_or_else(|e| panic!("{}: {e}", info.display()));
    let (target, deps) = text.split_once(": ").expect("`target: deps`");
    assert_eq!(Path::new(target), artifact, "{}", info.display());
    deps.split_whitespace()
        .map(PathBuf::from)
        .filter(|p| p.starts_with(workspace_root()))
        .collect()
}

#[test]
fn every_build_command_produces_the_source_it_names() {
    let manifest = root_manifest();
    for (id, component) in &manifest.components {
        let build = component.build.as_ref().unwrap();
        let workdir = manifest.dir.join(build.workdir.as_deref().unwrap_or("."));
        let status = Command::new("sh")
            .args(["-c", &build.command])
            .current_dir(&workdir)
            .status()
            .unwrap();
        assert!(status.success(), "`{id}`: `{}` failed", build.command);
        // The command wrote `source`, from the component's sources, after their last change.
        let built = modified(&component.source);
        let sources = built_from(&component.source);
        let own = format!("components/{id}/src/");
        assert!(
            sources.iter().any(|p| p.to_string_lossy().contains(&own)),
            "`{id}`: {} is not built from {own}",
            component.source.display()
        );
        for source in &sources {
            assert!(
                built >= modified(source),
                "`{id}`: older than {}",
                source.display()
            );
        }
        // `watch` (for `spin watch`) names files that exist.
        for pattern in &build.watch {
            let full = workdir.join(pattern);
            let matched = glob::glob(full.to_str().unwrap())
                .expect("a valid glob")
                .count();
            assert!(matched > 0, "`{id}`: watch glob {pattern} matches nothing");
        }
    }
}

#[test]
fn the_manifest_for_spin_has_everything_but_the_cron_triggers() {
    let root = workspace_root().join("spin.toml");
    let output = Command::new(host_binary())
        .args(["manifest", "--without-trigger", "cron", "-f"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("# Generated from spin.toml by `tally manifest --without-trigger cron`")
    );
    let spin = Manifest::parse(&text, &root).unwrap();
    let full = root_manifest();
    assert!(spin.cron_triggers.is_empty());
    assert!(!full.cron_triggers.is_empty());
    assert_eq!(spin.http_triggers, full.http_triggers);
    assert_eq!(spin.redis_triggers, full.redis_triggers);
    assert_eq!(spin.components, full.components);
    assert_eq!(spin.variables, full.variables);
}

/// The application variables component `id` refers to.
fn variables_of(id: &str) -> BTreeSet<String> {
    let root = workspace_root().join("spin.toml");
    let text = std::fs::read_to_string(&root).unwrap();
    let filter = Filter {
        component: Some(id),
        ..Default::default()
    };
    let cut = tally_manifest::filter(&text, &root, &filter).unwrap();
    Manifest::parse(&cut, &root)
        .unwrap()
        .variables
        .into_keys()
        .collect()
}

fn yaml_documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|doc| Value::deserialize(doc).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect()
}

fn spinkube() -> PathBuf {
    workspace_root().join("deploy/spinkube")
}

#[test]
fn each_component_has_a_spinapp_naming_its_variables() {
    let manifest = root_manifest();
    let apps = spinkube().join("apps");
    let files: BTreeSet<String> = std::fs::read_dir(&apps)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = manifest
        .components
        .keys()
        .map(|id| format!("{id}.yaml"))
        .collect();
    assert_eq!(
        files,
        expected,
        "one SpinApp per component in {}",
        apps.display()
    );
    for id in manifest.components.keys() {
        let docs = yaml_documents(&apps.join(format!("{id}.yaml")));
        assert_eq!(docs.len(), 1);
        let app = &docs[0];
        assert_eq!(app["apiVersion"], "core.spinkube.dev/v1alpha1");
        assert_eq!(app["kind"], "SpinApp");
        assert_eq!(
            app["metadata"]["name"].as_str(),
            Some(format!("tally-{id}").as_str())
        );
        assert_eq!(app["spec"]["executor"], "containerd-shim-spin");
        let components: Vec<&str> = app["spec"]["components"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(components, [id.as_str()]);
        let variables = app["spec"]["variables"]
            .as_sequence()
            .cloned()
            .unwrap_or_default();
        let named: BTreeSet<String> = variables
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(named, variables_of(id), "`{id}`: the SpinApp's variables");
        for v in &variables {
            let name = v["name"].as_str().unwrap();
            if manifest.variables[name].secret {
                let secret = &v["valueFrom"]["secretKeyRef"];
                assert!(
                    secret["name"].is_string(),
                    "`{id}`: secret `{name}` must come from a Secret"
                );
                assert!(
                    v.get("value").is_none(),
                    "`{id}`: secret `{name}` written inline"
                );
            }
        }
    }
}

#[test]
fn every_cron_trigger_has_a_cronjob_calling_a_route_of_its_component() {
    let manifest = root_manifest();
    let router = manifest.router().unwrap();
    let jobs = yaml_documents(&spinkube().join("jobs/cronjobs.yaml"));
    let mut covered = BTreeSet::new();
    for job in &jobs {
        assert_eq!(job["kind"], "CronJob");
        let container = &job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
        let url = container["args"]
            .as_sequence()
            .unwrap()
            .last()
            .and_then(Value::as_str)
            .unwrap();
        let (service, path) = url
            .strip_prefix("http://tally-")
            .and_then(|rest| rest.split_once('/'))
            .unwrap_or_else(|| panic!("{url}"));
        let routed = router
            .route(&format!("/{path}"))
            .unwrap_or_else(|| panic!("{url}: no route"));
        assert_eq!(routed.component, service, "{url} reaches another component");
        covered.insert(service.to_string());
    }
    let scheduled: BTreeSet<String> = manifest
        .cron_triggers
        .iter()
        .map(|t| t.component.clone())
        .collect();
    assert_eq!(covered, scheduled);
}

#[test]
fn the_runtime_config_names_spins_variable_providers() {
    let text = std::fs::read_to_string(workspace_root().join("runtime-config.toml")).unwrap();
    let config: toml::Table = text.parse().unwrap();
    let providers = config["variables_provider"].as_array().unwrap();
    assert!(!providers.is_empty());
    for p in providers {
        let kind = p["type"].as_str().unwrap();
        assert!(
            ["env", "vault", "azure_key_vault", "static"].contains(&kind),
            "{kind}"
        );
    }
    let keys: Vec<&String> = config.keys().collect();
    assert_eq!(
        keys,
        ["variables_provider"],
        "nothing the components do not use"
    );
}
