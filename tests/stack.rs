//! The Docker stack against the machine's real Docker engine: `server config` (accepted by the real
//! docker-compose), `server start` / `status` / `logs` / `stop` with PostgreSQL and this project's own server image
//! (both built locally by tests/images/build.sh), persistence with --use-volume, interrupts, failures and pulls.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::TestEnv;
use common::server::{get, post};
use common::stack::{Stack, build, docker_lines};
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn config_toml_password(env: &TestEnv) -> String {
    let text = std::fs::read_to_string(env.home().join("config.toml")).unwrap();
    let table: toml::Table = text.parse().unwrap();
    table["postgres"]["password"].as_str().unwrap().to_owned()
}

#[test]
fn config_prints_the_compose_file_masked_and_docker_compose_accepts_what_it_writes() {
    let env = TestEnv::new();
    let out = env
        .cmd(&["server", "config"])
        .env("PREFECT_RS_DOCKER_PROJECT", "demo")
        .run()
        .success();
    assert!(
        out.stdout.contains("POSTGRES_PASSWORD: \"********\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("postgresql+asyncpg://prefect:********@postgres:5432/prefect")
    );
    assert!(
        out.stdout.contains("\"127.0.0.1:4200:4200\""),
        "published on loopback by default"
    );
    assert!(
        !out.stdout.contains("5432:5432"),
        "PostgreSQL is not published unless asked"
    );
    assert!(
        !env.home().join("config.toml").exists(),
        "printing stores nothing"
    );

    let file = env.root().join("compose.yml");
    let out = env
        .cmd(&["server", "config", "--output", file.to_str().unwrap()])
        .env("PREFECT_RS_DOCKER_PROJECT", "demo")
        .env("PREFECT_RS_POSTGRES_PORT", "15432")
        .env("PREFECT_RS_SERVER_HOST_IP", "0.0.0.0")
        .run()
        .success();
    assert!(out.stderr.contains("mode 0600"), "{}", out.stderr);
    let password = config_toml_password(&env);
    assert_eq!(password.len(), 32);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&env.home().join("config.toml")), 0o600);
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains(&password));
    assert!(!out.stderr.contains(&password) && !out.stdout.contains(&password));

    let compose = std::process::Command::new("docker-compose")
        .args(["-p", "demo", "-f", file.to_str().unwrap(), "config"])
        .output()
        .expect("docker-compose is installed");
    let normalised = String::from_utf8_lossy(&compose.stdout);
    assert!(
        compose.status.success(),
        "{}",
        String::from_utf8_lossy(&compose.stderr)
    );
    assert!(normalised.contains("0.0.0.0:15432:5432"), "{normalised}");
    assert!(
        normalised.contains("condition: service_healthy"),
        "{normalised}"
    );
    // The browser is sent to this machine, not to the wildcard address the port is published on.
    assert!(
        normalised.contains("PREFECT_UI_API_URL: http://127.0.0.1:4200/api"),
        "{normalised}"
    );
}

#[test]
fn config_is_a_read_a_fresh_home_keeps_no_file_and_the_password_is_shown_as_not_generated() {
    let env = TestEnv::new();
    let before = env.files();
    let out = env.cmd(&["server", "config"]).run().success();
    assert_eq!(env.files(), before, "printing the stack wrote a file");
    assert!(
        !env.home().exists(),
        "printing the stack created PREFECT_HOME"
    );
    assert!(
        out.stderr.contains("not generated yet")
            && out.stderr.contains("the first `prefect-rs server start`"),
        "{}",
        out.stderr
    );
    // What it prints is what `start` will run: the same YAML once the password exists, masked the same way.
    let file = env.root().join("compose.yml");
    let out = env
        .cmd(&["server", "config", "-o", file.to_str().unwrap()])
        .run()
        .success();
    assert!(
        out.stderr
            .contains("Generated the PostgreSQL password and stored it in"),
        "{}",
        out.stderr
    );
    let password = config_toml_password(&env);
    let printed = env.cmd(&["server", "config"]).run().success();
    assert!(
        !printed.stderr.contains("not generated yet"),
        "{}",
        printed.stderr
    );
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        written.trim_end().replace(&password, "********"),
        printed.stdout.trim_end()
    );
}

#[test]
fn start_status_flow_run_stop_and_start_again_on_the_same_volume_keeps_the_run() {
    let env = TestEnv::new();
    let stack = Stack::new();
    let data = env.root().join("pg data");
    let data_arg = data.to_str().unwrap();
    let start = [
        "server",
        "start",
        "-d",
        "--pull",
        "never",
        "--use-volume",
        "--volume-path",
        data_arg,
    ];

    let out = stack.cmd(&env, &start).run().success();
    assert!(out.stderr.contains("is running"), "{}", out.stderr);
    assert!(out.stderr.contains(&format!(
        "prefect config set PREFECT_API_URL={}",
        stack.api_url()
    )));
    // The server inside its container names the published address for clients, not its own port 4200.
    let logs = stack
        .cmd(&env, &["server", "logs", "server"])
        .run()
        .success();
    assert!(
        logs.stdout.contains(&format!(
            "prefect config set PREFECT_API_URL={}",
            stack.api_url()
        )),
        "{}",
        logs.stdout
    );
    let password = config_toml_password(&env);
    assert!(
        !out.stderr.contains(&password),
        "the password is never printed"
    );

    let status = stack
        .cmd(&env, &["server", "status", "-o", "json"])
        .run()
        .success();
    let status = json(&status.stdout);
    assert_eq!(status["healthy"], true, "{status}");
    assert_eq!(status["api_url"], stack.api_url());
    let services: Vec<&str> = status["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["postgres", "server"]);
    let text = stack
        .cmd(&env, &["server", "status"])
        .run()
        .success()
        .stdout;
    assert!(
        text.contains(&format!("127.0.0.1:{}->4200", stack.port)),
        "{text}"
    );

    // The real docker-compose sees our containers as its own.
    let file = env.root().join("compose.yml");
    stack
        .cmd(&env, &["server", "config", "-o", file.to_str().unwrap()])
        .run();
    let ps = std::process::Command::new("docker-compose")
        .args(["-p", &stack.project, "-f", file.to_str().unwrap(), "ps"])
        .output()
        .unwrap();
    let ps_text = String::from_utf8_lossy(&ps.stdout);
    assert!(
        ps_text.contains(&format!("{}-postgres-1", stack.project)),
        "{ps_text}"
    );
    assert!(
        ps_text.contains(&format!("{}-server-1", stack.project)),
        "{ps_text}"
    );

    // Another stack wanting the same port is told which container of which stack holds it.
    let mut other = Stack::new();
    other.port = stack.port;
    let out = other
        .cmd(&env, &["server", "start", "-d", "--pull", "never"])
        .run()
        .code(1);
    assert!(
        out.stderr.contains(&format!(
            "already in use by container {}-server-1 of stack {}",
            stack.project, stack.project
        )),
        "{}",
        out.stderr
    );
    assert!(other.containers().is_empty());

    // A flow run through the API.
    let api = stack.api_url();
    let (code, flow) = post(&format!("{api}/flows/"), r#"{"name":"kept"}"#);
    assert_eq!(code, 201, "{flow}");
    let flow_id = json(&flow)["id"].as_str().unwrap().to_owned();
    let (code, run) = post(
        &format!("{api}/flow_runs/"),
        &format!(r#"{{"flow_id":"{flow_id}","name":"survivor"}}"#),
    );
    assert_eq!(code, 201, "{run}");
    let run_id = json(&run)["id"].as_str().unwrap().to_owned();

    // The same configuration again: nothing to do. A changed port: only the server is recreated.
    let out = stack.cmd(&env, &start).run().success();
    assert!(out.stderr.contains("nothing changed"), "{}", out.stderr);
    let other_port = common::server::free_port().to_string();
    let mut moved = start.to_vec();
    moved.extend(["--port", &other_port]);
    let out = stack.cmd(&env, &moved).run().success();
    assert!(
        out.stderr
            .contains("server-1: configuration changed, recreated"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("postgres-1: configuration changed"),
        "{}",
        out.stderr
    );
    assert_eq!(
        get(&format!("http://127.0.0.1:{other_port}/api/health")).0,
        200
    );

    let out = stack
        .cmd(&env, &["server", "logs", "--tail", "5", "postgres"])
        .run()
        .success();
    assert!(
        out.stdout.lines().all(|l| l.starts_with("postgres | ")),
        "{}",
        out.stdout
    );
    let out = stack.cmd(&env, &["server", "logs", "nope"]).run().code(1);
    assert!(
        out.stderr.contains("services: postgres, server"),
        "{}",
        out.stderr
    );

    let out = stack.cmd(&env, &["server", "stop"]).run().success();
    assert!(
        out.stderr
            .contains("Stopped and removed 2 containers and 1 network"),
        "{}",
        out.stderr
    );
    assert!(stack.containers().is_empty() && stack.networks().is_empty());
    assert!(
        data.join("PG_VERSION").exists(),
        "the data directory is kept"
    );
    let out = stack.cmd(&env, &["server", "status"]).run().code(1);
    assert!(out.stderr.contains("is not running"), "{}", out.stderr);

    stack.cmd(&env, &start).run().success();
    let (code, body) = get(&format!("{api}/flow_runs/{run_id}"));
    assert_eq!(code, 200, "{body}");
    assert_eq!(json(&body)["name"], "survivor");

    // Deleting the data needs a confirmation; without a terminal that means -y.
    let out = stack
        .cmd(&env, &["server", "stop", "--remove-data"])
        .run()
        .code(1);
    assert!(out.stderr.contains("-y"), "{}", out.stderr);
    assert!(data.join("PG_VERSION").exists());
    assert_eq!(
        stack.containers().len(),
        2,
        "a refused stop leaves the stack running"
    );
    let out = stack
        .cmd(&env, &["server", "stop", "--remove-data", "-y"])
        .run()
        .success();
    assert!(
        !data.exists(),
        "the data directory is deleted: {}",
        out.stderr
    );
}

#[test]
fn two_concurrent_starts_of_one_stack_both_succeed_with_one_network_and_one_password() {
    let env = TestEnv::new();
    let stack = Stack::new();
    let start = ["server", "start", "-d", "--pull", "never"];
    let spawn = || {
        let mut command = stack.cmd(&env, &start).into_command();
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command.spawn().unwrap()
    };
    let (first, second) = (spawn(), spawn());
    let outputs = [first, second].map(|child| child.wait_with_output().unwrap());
    let stderr: Vec<String> = outputs
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .collect();
    for (out, err) in outputs.iter().zip(&stderr) {
        assert!(
            out.status.success(),
            "{err}\n---\n{}",
            stderr.join("\n---\n")
        );
    }
    // One of them created the stack; the other (which waits for it when they overlap, as they do but for a
    // scheduler that holds one back for the whole start) found it running as configured.
    assert!(
        stderr
            .iter()
            .any(|e| e.contains("already running with this configuration")),
        "{}",
        stderr.join("\n---\n")
    );
    assert_eq!(stack.networks(), [format!("{}_default", stack.project)]);
    assert_eq!(stack.containers().len(), 2, "{:?}", stack.containers());
    // The password the stack was created with is the one stored, so the API reaches PostgreSQL.
    let status = stack
        .cmd(&env, &["server", "status", "-o", "json"])
        .run()
        .success();
    assert_eq!(json(&status.stdout)["healthy"], true, "{}", status.stdout);
    assert_eq!(config_toml_password(&env).len(), 32);
}

#[test]
fn a_network_of_the_stacks_name_made_by_someone_else_is_refused_not_duplicated() {
    let env = TestEnv::new();
    let stack = Stack::new();
    let name = format!("{}_default", stack.project);
    // Labelled with the project (so the guard removes it) but not as the stack's network.
    docker_lines(&[
        "network",
        "create",
        "--label",
        &format!("com.docker.compose.project={}", stack.project),
        &name,
    ]);
    let out = stack
        .cmd(&env, &["server", "start", "-d", "--pull", "never"])
        .run()
        .code(1);
    assert!(
        out.stderr.contains(&format!(
            "A Docker network named {name} exists but was not created for the stack {}",
            stack.project
        )) && out.stderr.contains(&format!("docker network rm {name}")),
        "{}",
        out.stderr
    );
    assert_eq!(stack.networks(), [name]);
    assert!(stack.containers().is_empty(), "{:?}", stack.containers());
}

#[test]
fn a_busy_port_is_named_and_nothing_is_created() {
    let env = TestEnv::new();
    let stack = Stack::new();
    let _holder = std::net::TcpListener::bind(("127.0.0.1", stack.port)).unwrap();
    let out = stack
        .cmd(&env, &["server", "start", "-d", "--pull", "never"])
        .run()
        .code(1);
    assert!(
        out.stderr.contains(&format!(
            "Port {} on 127.0.0.1 (for the server service) is already in use by process",
            stack.port
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--port"), "{}", out.stderr);
    assert!(
        !env.home().join("config.toml").exists(),
        "a refused start stores no password"
    );
    assert!(
        stack.containers().is_empty() && stack.networks().is_empty() && stack.volumes().is_empty()
    );
}

#[test]
fn an_unreachable_engine_says_so_and_points_to_no_docker() {
    let env = TestEnv::new();
    let out = env
        .cmd(&["server", "start", "-d"])
        .env("DOCKER_HOST", "unix:///nonexistent.sock")
        .run()
        .code(1);
    insta::assert_snapshot!(out.stderr, @"
    error: Cannot reach a Docker engine. Tried:
      unix:///nonexistent.sock (DOCKER_HOST): no such socket
    hint: check that the engine runs there, or unset DOCKER_HOST / DOCKER_CONTEXT to use the local socket
    hint: or run the server without Docker: prefect-rs server start --no-docker
    ");
    assert!(
        !env.home().join("config.toml").exists(),
        "no password stored for a stack that never started"
    );
    let out = env
        .cmd(&["server", "status"])
        .env("DOCKER_HOST", "unix:///nonexistent.sock")
        .run()
        .code(1);
    assert!(
        out.stderr.contains("Cannot reach a Docker engine"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_failing_server_container_shows_its_log_and_leaves_nothing_behind() {
    let env = TestEnv::new();
    let stack = Stack::new();
    let context = env.root().join("bad-image");
    std::fs::create_dir_all(&context).unwrap();
    std::fs::write(
        context.join("Dockerfile"),
        format!(
            "FROM {}\nENTRYPOINT [\"sh\", \"-c\", \"echo 'boom: the server cannot start' >&2; exit 3\", \"--\"]\n",
            stack.images.server
        ),
    )
    .unwrap();
    let tag = format!("prefect-rs-test/bad-server:{}", stack.project);
    let built = std::process::Command::new("docker")
        .args(["build", "-q", "-t", &tag, context.to_str().unwrap()])
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );

    let out = stack
        .cmd(
            &env,
            &[
                "server",
                "start",
                "-d",
                "--pull",
                "never",
                "--timeout",
                "60",
            ],
        )
        .env("PREFECT_RS_SERVER_IMAGE", &tag)
        .run()
        .code(1);
    docker_lines(&["rmi", "-f", &tag]);
    assert!(
        out.stderr.contains(&format!(
            "Container {}-server-1 failed: the container exited with code 3",
            stack.project
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("boom: the server cannot start"),
        "{}",
        out.stderr
    );
    assert!(stack.containers().is_empty(), "{:?}", stack.containers());
    assert!(stack.networks().is_empty() && stack.volumes().is_empty());
}

/// Starts `server start` in the foreground and returns it with a channel of its stderr lines.
fn spawn_start(stack: &Stack, env: &TestEnv, extra: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let mut args = vec!["server", "start", "--pull", "never"];
    args.extend_from_slice(extra);
    let mut command = stack.cmd(env, &args).into_command();
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    (child, lines)
}

fn wait_for_line(lines: &mpsc::Receiver<String>, needle: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
            let found = line.contains(needle);
            seen.push(line);
            if found {
                return seen;
            }
        }
    }
    panic!("no line with {needle:?}; saw:\n{}", seen.join("\n"));
}

fn interrupt_and_wait(mut child: Child) -> i32 {
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        assert!(
            Instant::now() < deadline,
            "the start did not end after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn ctrl_c_during_start_and_during_the_log_stream_leaves_no_container_or_network() {
    let env = TestEnv::new();
    let stack = Stack::new();

    // During start: PostgreSQL is created but not yet healthy.
    let (child, lines) = spawn_start(&stack, &env, &[]);
    wait_for_line(&lines, "postgres-1: created");
    assert_eq!(interrupt_and_wait(child), 1);
    assert!(stack.containers().is_empty(), "{:?}", stack.containers());
    assert!(stack.networks().is_empty());

    // In the foreground log stream: a clean stop, the data volume kept.
    let (child, lines) = spawn_start(&stack, &env, &[]);
    wait_for_line(&lines, "Streaming the services' logs");
    assert_eq!(get(&format!("{}/health", stack.api_url())).0, 200);
    assert_eq!(interrupt_and_wait(child), 0);
    let rest: Vec<String> = lines.try_iter().collect();
    assert!(
        rest.iter().any(|l| l.contains("the data is kept")),
        "{rest:?}"
    );
    assert!(stack.containers().is_empty(), "{:?}", stack.containers());
    assert!(stack.networks().is_empty());
    assert_eq!(stack.volumes(), [format!("{}_pg_data", stack.project)]);
}

#[test]
fn images_are_pulled_from_a_registry_with_per_layer_progress() {
    let env = TestEnv::new();
    let stack = Stack::new();
    let registry_dir = env.root().join("registry");
    std::fs::create_dir_all(&registry_dir).unwrap();
    let registry = build(&["registry", registry_dir.to_str().unwrap()]);
    let (address, pid) = registry.split_once(' ').unwrap();
    let port = address.rsplit(':').next().unwrap();
    let _stop_registry = KillOnDrop(pid.parse().unwrap());

    // A PostgreSQL image with one layer of its own, pushed, then removed here, so pulling downloads that layer.
    let context = env.root().join("pushed");
    std::fs::create_dir_all(&context).unwrap();
    std::fs::write(context.join("marker"), stack.project.repeat(4096)).unwrap();
    std::fs::write(
        context.join("Dockerfile"),
        format!("FROM {}\nCOPY marker /marker\n", stack.images.postgres),
    )
    .unwrap();
    let image = format!("localhost:{port}/prt-postgres:{}", stack.project);
    let docker = |args: &[&str]| {
        let out = std::process::Command::new("docker")
            .args(args)
            .env("DOCKER_BUILDKIT", "0")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "docker {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    docker(&["build", "-q", "-t", &image, context.to_str().unwrap()]);
    docker(&["push", &image]);
    docker(&["rmi", &image]);

    let out = stack
        .cmd(&env, &["server", "start", "-d", "--pull", "never"])
        .env("PREFECT_RS_POSTGRES_IMAGE", &image)
        .run()
        .code(1);
    assert!(
        out.stderr.contains("--pull never forbids pulling"),
        "{}",
        out.stderr
    );
    assert!(
        !env.home().join("config.toml").exists(),
        "a refused start stores no password"
    );

    let out = stack
        .cmd(&env, &["server", "start", "-d"])
        .env("PREFECT_RS_POSTGRES_IMAGE", &image)
        .run()
        .success();
    assert!(
        out.stderr.contains(&format!("Pulling image {image}")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(": pull complete"), "{}", out.stderr);
    assert!(out.stderr.contains(": already exists"), "{}", out.stderr);
    stack.cmd(&env, &["server", "stop"]).run().success();
    docker_lines(&["rmi", "-f", &image]);
}

struct KillOnDrop(i32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        unsafe { libc::kill(self.0, libc::SIGTERM) };
    }
}
