//! The typed compose model: the subset of the Compose file format our template uses, parsed strictly (unknown
//! keys are errors) so that what `server start` creates is exactly what the rendered file says.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ComposeFile {
    pub services: BTreeMap<String, Service>,
    #[serde(default)]
    pub networks: BTreeMap<String, Network>,
    #[serde(default)]
    pub volumes: BTreeMap<String, Volume>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Network {}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub image: String,
    #[serde(default)]
    pub command: Option<Vec<String>>,
    #[serde(default)]
    pub restart: Option<String>,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    #[serde(default)]
    pub volumes: Vec<Mount>,
    #[serde(default)]
    pub ports: Vec<String>,
    #[serde(default)]
    pub depends_on: BTreeMap<String, Dependency>,
    #[serde(default)]
    pub healthcheck: Option<Healthcheck>,
    #[serde(default)]
    pub networks: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mount {
    #[serde(rename = "type")]
    pub kind: MountKind,
    pub source: String,
    pub target: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MountKind {
    Bind,
    Volume,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    pub condition: Condition,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    ServiceStarted,
    ServiceHealthy,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Healthcheck {
    pub test: Vec<String>,
    pub interval: String,
    pub timeout: String,
    pub retries: u32,
    pub start_period: String,
}

/// A published port, `HOST_IP:HOST_PORT:CONTAINER_PORT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub host_ip: String,
    pub host_port: u16,
    pub container_port: u16,
}

impl ComposeFile {
    pub fn parse(yaml: &str) -> Result<Self> {
        let file: ComposeFile =
            serde_saphyr::from_str(yaml).context("the rendered compose file is not valid")?;
        file.check()?;
        Ok(file)
    }

    /// Services in start order: each after everything it depends on.
    pub fn start_order(&self) -> Vec<&str> {
        let mut order: Vec<&str> = Vec::new();
        while order.len() < self.services.len() {
            let before = order.len();
            for (name, service) in &self.services {
                let ready = service
                    .depends_on
                    .keys()
                    .all(|d| order.contains(&d.as_str()));
                if ready && !order.contains(&name.as_str()) {
                    order.push(name);
                }
            }
            assert!(order.len() > before, "checked for cycles in check()");
        }
        order
    }

    fn check(&self) -> Result<()> {
        for (name, service) in &self.services {
            for dependency in service.depends_on.keys() {
                if !self.services.contains_key(dependency) {
                    bail!("service {name} depends on {dependency}, which is not a service");
                }
            }
            for network in &service.networks {
                if !self.networks.contains_key(network) {
                    bail!("service {name} joins network {network}, which is not declared");
                }
            }
            for mount in &service.volumes {
                if mount.kind == MountKind::Volume && !self.volumes.contains_key(&mount.source) {
                    bail!(
                        "service {name} mounts volume {}, which is not declared",
                        mount.source
                    );
                }
            }
            for port in &service.ports {
                Port::parse(port).with_context(|| format!("service {name}"))?;
            }
            if let Some(check) = &service.healthcheck {
                for text in [&check.interval, &check.timeout, &check.start_period] {
                    parse_duration(text)
                        .with_context(|| format!("service {name}'s healthcheck"))?;
                }
            }
        }
        let mut visiting = Vec::new();
        for name in self.services.keys() {
            self.no_cycle(name, &mut visiting)?;
        }
        Ok(())
    }

    fn no_cycle<'a>(&'a self, name: &'a str, visiting: &mut Vec<&'a str>) -> Result<()> {
        if visiting.contains(&name) {
            bail!(
                "services depend on each other in a cycle: {}",
                visiting.join(" -> ")
            );
        }
        visiting.push(name);
        for dependency in self.services[name].depends_on.keys() {
            self.no_cycle(dependency, visiting)?;
        }
        visiting.pop();
        Ok(())
    }
}

impl Service {
    pub fn published_ports(&self) -> Vec<Port> {
        self.ports
            .iter()
            .map(|p| Port::parse(p).expect("checked when parsed"))
            .collect()
    }
}

impl Port {
    fn parse(text: &str) -> Result<Self> {
        let (rest, container) = text
            .rsplit_once(':')
            .with_context(|| format!("port {text:?} is not HOST_IP:HOST_PORT:CONTAINER_PORT"))?;
        let (host_ip, host_port) = rest
            .rsplit_once(':')
            .with_context(|| format!("port {text:?} is not HOST_IP:HOST_PORT:CONTAINER_PORT"))?;
        let host_ip = host_ip.trim_start_matches('[').trim_end_matches(']');
        Ok(Self {
            host_ip: host_ip.to_owned(),
            host_port: host_port
                .parse()
                .with_context(|| format!("port {text:?}: bad host port"))?,
            container_port: container
                .parse()
                .with_context(|| format!("port {text:?}: bad container port"))?,
        })
    }
}

/// Compose's duration syntax as our template uses it: `1s`, `500ms`, `2m`, `1m30s`.
pub fn parse_duration(text: &str) -> Result<Duration> {
    let mut total = Duration::ZERO;
    let mut rest = text.trim();
    if rest.is_empty() {
        bail!("empty duration");
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let number: u64 = rest[..digits]
            .parse()
            .with_context(|| format!("bad duration {text:?}"))?;
        rest = &rest[digits..];
        let unit = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        total += match &rest[..unit] {
            "ms" => Duration::from_millis(number),
            "s" => Duration::from_secs(number),
            "m" => Duration::from_secs(number * 60),
            "h" => Duration::from_secs(number * 3600),
            other => bail!("bad duration unit {other:?} in {text:?}"),
        };
        rest = &rest[unit..];
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1s").unwrap(), Duration::from_secs(1));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("5 parsecs").is_err());
    }

    #[test]
    fn ports() {
        let port = Port::parse("127.0.0.1:4200:4200").unwrap();
        assert_eq!(
            (port.host_ip.as_str(), port.host_port, port.container_port),
            ("127.0.0.1", 4200, 4200)
        );
        let port = Port::parse("[::1]:4300:4200").unwrap();
        assert_eq!(port.host_ip, "::1");
        assert!(Port::parse("4200").is_err());
    }

    #[test]
    fn order_and_checks() {
        let file = ComposeFile::parse(
            "services:\n  b:\n    image: x\n    depends_on:\n      a:\n        condition: service_healthy\n  a:\n    image: y\n",
        )
        .unwrap();
        assert_eq!(file.start_order(), ["a", "b"]);
        let unknown = ComposeFile::parse("services:\n  a:\n    image: y\n    privileged: true\n");
        assert!(unknown.is_err(), "unknown keys are refused");
        let cycle = "services:\n  a:\n    image: y\n    depends_on:\n      b: {condition: service_started}\n  b:\n    image: y\n    depends_on:\n      a: {condition: service_started}\n";
        assert!(ComposeFile::parse(cycle).is_err());
    }
}
