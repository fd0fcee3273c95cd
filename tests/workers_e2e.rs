//! Issue 13's worker acceptance, end to end with the official CLI and process worker, on SQLite and PostgreSQL:
//! `prefect work-pool create --type process`, `prefect worker start --pool` in the background, one deployment
//! made with `flow.from_source(<project dir>, entrypoint).deploy(...)` and two with `prefect deploy --all` from a
//! `prefect.yaml`; `prefect deployment run` → the worker runs the flow to Completed and its logs are stored;
//! `prefect flow-run cancel` on a long run → Cancelled, and the process the worker recorded
//! (`flow_run.infrastructure_pid`) is gone.
//!
//! The same scenario runs against Prefect's own server from the virtualenv (ignored by default, it is slow:
//! `cargo nextest run --test workers_e2e --run-ignored all`), which is how the scenario is known to be right.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::postgres::Postgres;
use common::server::{Server, free_port, get, post};
use common::{Output, TestEnv, python_prefect};
use serde_json::{Value, json};

const POOL: &str = "e2e-pool";

/// Every wait is bounded: a flow run under a loaded machine takes a few seconds from Scheduled to Completed.
const WAIT: Duration = Duration::from_secs(180);

fn script(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
        .display()
        .to_string()
}

fn python() -> std::path::PathBuf {
    python_prefect().parent().unwrap().join("python")
}

/// A background process (the worker, Prefect's server) in its own process group, with its output in a file.
/// Dropping it kills the process, every descendant (a flow run the worker started in a session of its own
/// included) and the group.
struct Background {
    child: Child,
    log: std::path::PathBuf,
}

impl Background {
    fn spawn(mut command: Command, log: std::path::PathBuf) -> Background {
        use std::os::unix::process::CommandExt;
        let file = std::fs::File::create(&log).unwrap();
        command
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .process_group(0);
        let child = command.spawn().expect("the background process starts");
        Background { child, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// The pids of `pid`'s descendants, read from /proc.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(child) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        // The command name is in parentheses and may hold spaces: the parent pid is the 2nd field after it.
        let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        if let Some(parent) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
            parents.push((child, parent));
        }
    }
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    found.remove(0);
    found
}

impl Drop for Background {
    fn drop(&mut self) {
        let pid = self.child.id();
        for child in descendants(pid) {
            unsafe { libc::kill(child as i32, libc::SIGKILL) };
        }
        unsafe { libc::kill(-(pid as i32), libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

/// Whether `pid` is a live process (a zombie, which has exited, is not).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !matches!(
            stat.rsplit_once(')').map(|(_, rest)| rest.trim_start()),
            Some(rest) if rest.starts_with('Z') || rest.starts_with('X')
        ),
        Err(_) => false,
    }
}

/// Prefect's own server from the virtualenv, on SQLite in its own home, on a free loopback port.
struct PrefectServer {
    process: Background,
    port: u16,
}

impl PrefectServer {
    fn start(env: &TestEnv) -> PrefectServer {
        let port = free_port();
        let mut command = env
            .program(
                python_prefect(),
                &[
                    "server",
                    "start",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    &port.to_string(),
                ],
            )
            .env("PREFECT_HOME", env.root().join("prefect-server-home"))
            .env("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
            .env("PREFECT_SERVER_UI_ENABLED", "false")
            .env("DO_NOT_TRACK", "1")
            .into_command();
        command.stdin(Stdio::null());
        let process = Background::spawn(command, env.root().join("prefect-server.log"));
        let server = PrefectServer { process, port };
        let started = Instant::now();
        while get(&format!("{}/health", server.api_url())).0 != 200 {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "Prefect's server did not become healthy:\n{}",
                server.process.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        server
    }

    fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}/api", self.port)
    }
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The scenario's view of one server: its API URL, the test's files, and the CLI and Python pointed at it.
struct Scenario<'a> {
    env: &'a TestEnv,
    api: String,
}

impl Scenario<'_> {
    fn client_env(&self, run: common::Run) -> common::Run {
        run.env("PREFECT_API_URL", &self.api)
            .env("PREFECT_CLI_PROMPT", "false")
            .env("DO_NOT_TRACK", "1")
            .env("COLUMNS", "200")
    }

    fn cli(&self, args: &[&str]) -> Output {
        self.client_env(self.env.program(python_prefect(), args))
            .run()
    }

    fn python(&self, args: &[&str]) -> Output {
        self.client_env(self.env.program(python(), args)).run()
    }

    fn flow_run(&self, id: &str) -> Value {
        let (status, body) = get(&format!("{}/flow_runs/{id}", self.api));
        assert_eq!(status, 200, "{body}");
        parse(&body)
    }

    fn state(&self, id: &str) -> String {
        self.flow_run(id)["state"]["type"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits (bounded) until the flow run satisfies `done`; the last flow run read.
    fn wait_for(
        &self,
        id: &str,
        worker: &Background,
        what: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let started = Instant::now();
        loop {
            let run = self.flow_run(id);
            if done(&run) {
                return run;
            }
            assert!(
                started.elapsed() < WAIT,
                "flow run {id} never became {what} (last state {}):\n--- worker\n{}",
                run["state"],
                worker.log()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// `prefect deployment run NAME [--param who=…]`: the id of the flow run it made.
    fn deployment_run(&self, name: &str, params: &[&str]) -> String {
        let mut args = vec!["deployment", "run", name];
        for param in params {
            args.extend(["--param", param]);
        }
        let out = self.cli(&args).success();
        out.stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("└── UUID:"))
            .unwrap_or_else(|| panic!("no flow run id in:\n{}", out.stdout))
            .trim()
            .to_owned()
    }

    fn logs(&self, id: &str) -> Vec<String> {
        let (status, body) = post(
            &format!("{}/logs/filter", self.api),
            &json!({ "logs": { "flow_run_id": { "any_": [id] } }, "sort": "TIMESTAMP_ASC" })
                .to_string(),
        );
        assert_eq!(status, 200, "{body}");
        parse(&body)
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

/// The project the deployments come from: the flows file and a `prefect.yaml` whose pull step enters it.
fn write_project(env: &TestEnv) -> std::path::PathBuf {
    let project = env.cwd();
    std::fs::copy(script("e2e_flows.py"), project.join("e2e_flows.py")).unwrap();
    let yaml = format!(
        "name: e2e-project\n\
         prefect-version: 3.8.8\n\
         build: null\n\
         push: null\n\
         pull:\n\
         - prefect.deployments.steps.set_working_directory:\n    directory: {dir}\n\
         deployments:\n\
         - name: from-yaml\n  entrypoint: e2e_flows.py:hello\n  parameters:\n    who: yaml\n  \
           work_pool:\n    name: {POOL}\n\
         - name: sleeper\n  entrypoint: e2e_flows.py:sleeper\n  work_pool:\n    name: {POOL}\n",
        dir = project.display()
    );
    std::fs::write(project.join("prefect.yaml"), yaml).unwrap();
    project
}

fn workers_run_deployments(env: &TestEnv, api: &str) {
    let s = Scenario {
        env,
        api: api.to_owned(),
    };
    let created = s
        .cli(&["work-pool", "create", "--type", "process", POOL])
        .success();
    assert!(
        created
            .stdout
            .contains(&format!("Created work pool '{POOL}'")),
        "{}",
        created.stdout
    );
    let project = write_project(env);

    let out = s.python(&[
        &script("e2e_from_source.py"),
        project.to_str().unwrap(),
        "e2e_flows.py:hello",
        "from-source",
        POOL,
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let deployed = s.cli(&["--no-prompt", "deploy", "--all"]).success();
    for name in ["e2e-hello/from-yaml", "e2e-sleeper/sleeper"] {
        assert!(
            deployed
                .stdout
                .contains(&format!("Deployment '{name}' successfully created")),
            "{}\n{}",
            deployed.stdout,
            deployed.stderr
        );
    }
    let listed = s.cli(&["deployment", "ls"]).success().stdout;
    for name in ["from-source", "from-yaml", "sleeper"] {
        assert!(listed.contains(name), "{listed}");
    }

    let mut worker = s
        .client_env(env.program(
            python_prefect(),
            &["worker", "start", "--pool", POOL, "--name", "e2e-worker"],
        ))
        .env("PREFECT_WORKER_QUERY_SECONDS", "1")
        .env("PREFECT_WORKER_PREFETCH_SECONDS", "1")
        .env("PREFECT_WORKER_HEARTBEAT_SECONDS", "2")
        .env("PREFECT_WORKER_CANCELLATION_POLL_SECONDS", "1")
        .into_command();
    worker.current_dir(&project);
    let worker = Background::spawn(worker, env.root().join("worker.log"));

    // Both kinds of deployment run to Completed under the worker, with the flow's own log line stored.
    for (name, param, greeting) in [
        ("e2e-hello/from-source", Some("who=source"), "hello, source"),
        ("e2e-hello/from-yaml", None, "hello, yaml"),
    ] {
        let id = s.deployment_run(name, param.as_slice());
        let run = s.wait_for(&id, &worker, "final", |r| {
            r["state"]["type"]
                .as_str()
                .is_some_and(|t| ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"].contains(&t))
        });
        assert_eq!(
            run["state"]["type"],
            "COMPLETED",
            "{name}: {}\n--- worker\n{}",
            run["state"],
            worker.log()
        );
        assert_eq!(run["work_pool_name"], POOL, "{run}");
        assert_eq!(run["work_queue_name"], "default", "{run}");
        assert!(run["infrastructure_pid"].is_string(), "{run}");
        // The flow's process sends its logs in batches, the last on its way out: they may follow the state.
        let started = Instant::now();
        loop {
            let logs = s.logs(&id);
            let has = |prefix: &str| logs.iter().any(|l| l.starts_with(prefix));
            if has(greeting) && has("Finished in state Completed") {
                break;
            }
            assert!(
                started.elapsed() < WAIT,
                "{name}: no '{greeting}' in the stored logs {logs:?}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        let inspected = s.cli(&["flow-run", "inspect", &id]).success().stdout;
        assert!(inspected.contains("COMPLETED"), "{inspected}");
    }

    // A long run is cancelled: it ends Cancelled and the process the worker recorded is gone.
    let id = s.deployment_run("e2e-sleeper/sleeper", &[]);
    let run = s.wait_for(&id, &worker, "Running with a pid and its first log", |r| {
        r["state"]["type"] == "RUNNING" && r["infrastructure_pid"].is_string()
    });
    let pid_text = run["infrastructure_pid"].as_str().unwrap();
    // Prefect's process worker records the pid, prefixed with the host name on some versions.
    let pid: u32 = pid_text
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("infrastructure_pid {pid_text:?}"));
    assert!(alive(pid), "the flow run's process {pid} is not running");
    let cancelled = s.cli(&["flow-run", "cancel", &id]).success();
    assert!(
        cancelled
            .stdout
            .contains("was successfully scheduled for cancellation"),
        "{}",
        cancelled.stdout
    );
    let run = s.wait_for(&id, &worker, "Cancelled", |r| {
        r["state"]["type"] == "CANCELLED"
    });
    assert_eq!(run["state"]["name"], "Cancelled", "{run}");
    let started = Instant::now();
    while alive(pid) {
        assert!(
            started.elapsed() < WAIT,
            "the cancelled run's process {pid} is still running:\n{}",
            worker.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(s.state(&id), "CANCELLED");
}

#[test]
fn workers_run_deployments_on_sqlite() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    workers_run_deployments(&env, &server.api_url());
}

#[test]
fn workers_run_deployments_on_postgres() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    pg.create_database("prefect");
    let url = pg.url("prefect");
    let server = Server::start(&env, &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)]);
    workers_run_deployments(&env, &server.api_url());
}

/// The same scenario against Prefect's own server: the reference the two tests above are held to.
#[test]
#[ignore = "slow: starts Prefect's own server; run with --run-ignored all to re-check the scenario"]
fn workers_run_deployments_on_prefects_own_server() {
    let env = TestEnv::new();
    let server = PrefectServer::start(&env);
    workers_run_deployments(&env, &server.api_url());
}
