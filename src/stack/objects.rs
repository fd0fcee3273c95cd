//! From the compose model to Docker objects: names and labels exactly as Compose gives them (so
//! `docker-compose -p PROJECT ps` lists our containers), and a hash of each service's configuration so a second
//! `start` can tell an unchanged container from one to recreate.

use std::collections::HashMap;

use bollard::models::{
    ContainerCreateBody, EndpointSettings, HealthConfig, HostConfig, Mount, MountType,
    NetworkCreateRequest, NetworkingConfig, PortBinding, RestartPolicy, RestartPolicyNameEnum,
    VolumeCreateRequest,
};
use sha2::{Digest, Sha256};

use super::compose::{MountKind, Service, parse_duration};

pub const PROJECT: &str = "com.docker.compose.project";
pub const SERVICE: &str = "com.docker.compose.service";
pub const NUMBER: &str = "com.docker.compose.container-number";
pub const ONEOFF: &str = "com.docker.compose.oneoff";
pub const NETWORK: &str = "com.docker.compose.network";
pub const VOLUME: &str = "com.docker.compose.volume";
pub const CONFIG_HASH: &str = "com.docker.compose.config-hash";
pub const CREATED_BY: &str = "io.prefect-rs.version";

pub fn container_name(project: &str, service: &str) -> String {
    format!("{project}-{service}-1")
}

pub fn network_name(project: &str, network: &str) -> String {
    format!("{project}_{network}")
}

pub fn volume_name(project: &str, volume: &str) -> String {
    format!("{project}_{volume}")
}

/// `label=com.docker.compose.project=NAME`, the filter for everything a stack owns.
pub fn project_filter(project: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([("label".to_owned(), vec![format!("{PROJECT}={project}")])])
}

fn base_labels(project: &str) -> HashMap<String, String> {
    HashMap::from([
        (PROJECT.to_owned(), project.to_owned()),
        (CREATED_BY.to_owned(), env!("CARGO_PKG_VERSION").to_owned()),
    ])
}

/// The hash of everything that decides a container: the service as rendered and the image it runs.
pub fn config_hash(service: &Service, image_id: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(serde_json::to_vec(service).expect("a service serialises"));
    hasher.update(image_id.as_bytes());
    hex::encode(hasher.finalize())
}

pub fn network(project: &str, name: &str) -> NetworkCreateRequest {
    let mut labels = base_labels(project);
    labels.insert(NETWORK.to_owned(), name.to_owned());
    NetworkCreateRequest {
        name: network_name(project, name),
        driver: Some("bridge".into()),
        labels: Some(labels),
        ..Default::default()
    }
}

pub fn volume(project: &str, name: &str) -> VolumeCreateRequest {
    let mut labels = base_labels(project);
    labels.insert(VOLUME.to_owned(), name.to_owned());
    VolumeCreateRequest {
        name: Some(volume_name(project, name)),
        labels: Some(labels),
        ..Default::default()
    }
}

pub fn container(project: &str, name: &str, service: &Service, hash: &str) -> ContainerCreateBody {
    let mut labels = base_labels(project);
    labels.extend([
        (SERVICE.to_owned(), name.to_owned()),
        (NUMBER.to_owned(), "1".to_owned()),
        (ONEOFF.to_owned(), "False".to_owned()),
        (CONFIG_HASH.to_owned(), hash.to_owned()),
    ]);
    let ports = service.published_ports();
    let port_bindings = ports
        .iter()
        .map(|p| {
            let binding = PortBinding {
                host_ip: Some(p.host_ip.clone()),
                host_port: Some(p.host_port.to_string()),
            };
            (format!("{}/tcp", p.container_port), Some(vec![binding]))
        })
        .collect::<HashMap<_, _>>();
    let mounts = service
        .volumes
        .iter()
        .map(|m| Mount {
            typ: Some(match m.kind {
                MountKind::Bind => MountType::BIND,
                MountKind::Volume => MountType::VOLUME,
            }),
            source: Some(match m.kind {
                MountKind::Bind => m.source.clone(),
                MountKind::Volume => volume_name(project, &m.source),
            }),
            target: Some(m.target.clone()),
            read_only: Some(m.read_only),
            ..Default::default()
        })
        .collect();
    let restart = service.restart.as_deref().map(|policy| RestartPolicy {
        name: Some(match policy {
            "always" => RestartPolicyNameEnum::ALWAYS,
            "unless-stopped" => RestartPolicyNameEnum::UNLESS_STOPPED,
            "on-failure" => RestartPolicyNameEnum::ON_FAILURE,
            _ => RestartPolicyNameEnum::NO,
        }),
        maximum_retry_count: None,
    });
    let nanos = |text: &str| parse_duration(text).map_or(0, |d| d.as_nanos() as i64);
    let healthcheck = service.healthcheck.as_ref().map(|h| HealthConfig {
        test: Some(h.test.clone()),
        interval: Some(nanos(&h.interval)),
        timeout: Some(nanos(&h.timeout)),
        retries: Some(h.retries.into()),
        start_period: Some(nanos(&h.start_period)),
        ..Default::default()
    });
    let endpoints = service
        .networks
        .iter()
        .map(|n| {
            let settings = EndpointSettings {
                aliases: Some(vec![name.to_owned()]),
                ..Default::default()
            };
            (network_name(project, n), settings)
        })
        .collect::<HashMap<_, _>>();
    ContainerCreateBody {
        image: Some(service.image.clone()),
        cmd: service.command.clone(),
        env: Some(
            service
                .environment
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect(),
        ),
        labels: Some(labels),
        exposed_ports: Some(
            ports
                .iter()
                .map(|p| format!("{}/tcp", p.container_port))
                .collect(),
        ),
        healthcheck,
        host_config: Some(HostConfig {
            port_bindings: Some(port_bindings),
            mounts: Some(mounts),
            restart_policy: restart,
            ..Default::default()
        }),
        networking_config: Some(NetworkingConfig {
            endpoints_config: Some(endpoints),
        }),
        ..Default::default()
    }
}
