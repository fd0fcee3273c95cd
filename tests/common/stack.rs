//! The Docker stack under test: images built locally by tests/images/build.sh (cached by content hash), a unique
//! compose project per test on free loopback ports, and a guard that removes every container, network and
//! volume of that project however the test ends.

use std::path::Path;
use std::process::Command;

use super::{BIN, Run, TestEnv};

pub struct Images {
    pub postgres: String,
    pub server: String,
}

/// Builds (or finds) the PostgreSQL and prefect-rs server images; panics with the script's message when it can't.
pub fn images() -> Images {
    Images {
        postgres: build(&["postgres"]),
        server: build(&["server", BIN]),
    }
}

pub fn build(args: &[&str]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/images/build.sh");
    let out = Command::new(&script)
        .args(args)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "tests/images/build.sh {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// One test's stack: its project name and the environment that points prefect-rs at the test images.
pub struct Stack {
    pub project: String,
    pub port: u16,
    pub images: Images,
}

impl Stack {
    pub fn new() -> Stack {
        let suffix: String = uuid_like();
        Stack {
            project: format!("prt-{suffix}"),
            port: super::server::free_port(),
            images: images(),
        }
    }

    /// prefect-rs with the stack's settings in the environment (they could as well be in config.toml).
    pub fn cmd(&self, env: &TestEnv, args: &[&str]) -> Run {
        env.cmd(args)
            .env(
                "DOCKER_HOST",
                std::env::var("DOCKER_HOST")
                    .unwrap_or_else(|_| "unix:///var/run/docker.sock".into()),
            )
            .env("PREFECT_RS_DOCKER_PROJECT", &self.project)
            .env("PREFECT_RS_SERVER_PORT", self.port.to_string())
            .env("PREFECT_RS_SERVER_IMAGE", &self.images.server)
            .env("PREFECT_RS_SERVER_FLAVOR", "prefect-rs")
            .env("PREFECT_RS_POSTGRES_IMAGE", &self.images.postgres)
    }

    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}/api", self.port)
    }

    /// `docker ps -a` names of the project's containers.
    pub fn containers(&self) -> Vec<String> {
        docker_lines(&[
            "ps",
            "-a",
            "--format",
            "{{.Names}}",
            "--filter",
            &self.label(),
        ])
    }

    pub fn networks(&self) -> Vec<String> {
        docker_lines(&[
            "network",
            "ls",
            "--format",
            "{{.Name}}",
            "--filter",
            &self.label(),
        ])
    }

    pub fn volumes(&self) -> Vec<String> {
        docker_lines(&[
            "volume",
            "ls",
            "--format",
            "{{.Name}}",
            "--filter",
            &self.label(),
        ])
    }

    fn label(&self) -> String {
        format!("label=com.docker.compose.project={}", self.project)
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let containers = self.containers();
        if !containers.is_empty() {
            let mut args = vec!["rm", "-f", "-v"];
            args.extend(containers.iter().map(String::as_str));
            docker_lines(&args);
        }
        // By id: a name two networks share (a start race's leftovers) is refused as ambiguous.
        for network in docker_lines(&["network", "ls", "-q", "--filter", &self.label()]) {
            docker_lines(&["network", "rm", &network]);
        }
        for volume in self.volumes() {
            docker_lines(&["volume", "rm", "-f", &volume]);
        }
    }
}

pub fn docker_lines(args: &[&str]) -> Vec<String> {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("docker runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{:x}{:x}", std::process::id(), nanos)
}
