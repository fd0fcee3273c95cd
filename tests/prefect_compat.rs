//! Compatibility with the official Python `prefect` CLI (the version pinned in tests/python/requirements.txt), in
//! both directions: what prefect-rs writes, Python reads (and vice versa); the same commands give byte-identical
//! `profiles.toml` files; and both CLIs agree on precedence, sources and the selected profile.
//!
//! Every Python call costs about a second, so each scenario makes only the calls it needs. Byte-compatibility
//! scenarios run the same commands in two private homes, one per CLI, compare the files after every step and report
//! every step that differs (not just the first), so one run shows the whole picture.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::{Value, json};

use common::{Output, TestEnv, python_prefect};

fn py(env: &TestEnv, args: &[&str]) -> Output {
    env.program(python_prefect(), args).run()
}

fn rs(env: &TestEnv, args: &[&str]) -> Output {
    env.cmd(args).run()
}

/// Parses the stdout of a successful command as JSON.
#[track_caller]
fn json_of(out: Output, what: &str) -> Value {
    let out = out.success();
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: stdout is not JSON ({e})\n--- stdout\n{}\n--- stderr\n{}",
            out.stdout, out.stderr
        )
    })
}

/// Asserts two JSON documents are equal, showing both pretty-printed when they are not.
#[track_caller]
fn assert_same_json(prefect_rs: &Value, python: &Value, what: &str) {
    assert!(
        prefect_rs == python,
        "{what}: prefect-rs and Python prefect disagree\n--- python prefect\n{}\n--- prefect-rs\n{}",
        serde_json::to_string_pretty(python).unwrap(),
        serde_json::to_string_pretty(prefect_rs).unwrap()
    );
}

/// The members of a JSON object in document order (`Value` equality ignores the order of keys).
fn members(value: &Value) -> Vec<(String, Value)> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not a JSON object: {value}"))
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The `{name, value, source}` entry of `config view -o json` for one setting.
/// Both CLIs report the same settings, values and sources in `config view -o json`.
#[track_caller]
fn assert_views_agree(env: &TestEnv) {
    let python = json_of(
        py(env, &["config", "view", "-o", "json"]),
        "prefect config view -o json",
    );
    let ours = json_of(
        rs(env, &["config", "view", "-o", "json"]),
        "prefect-rs config view -o json",
    );
    assert_same_json(&ours, &python, "config view -o json");
}

fn view_entry<'a>(view: &'a Value, name: &str) -> Option<&'a Value> {
    view["settings"]
        .as_array()?
        .iter()
        .find(|entry| entry["name"] == name)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[track_caller]
fn assert_has_line(out: &Output, line: &str, what: &str) {
    assert!(
        out.stdout.lines().any(|l| l == line),
        "{what}: no line {line:?} in stdout\n--- stdout\n{}\n--- stderr\n{}",
        out.stdout,
        out.stderr
    );
}

// ---------------------------------------------------------------------------------------------------------------
// 1. prefect-rs writes, Python reads
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn python_reads_settings_prefect_rs_set_on_the_default_profile() {
    let env = TestEnv::new();
    rs(
        &env,
        &[
            "config",
            "set",
            "PREFECT_API_URL=http://127.0.0.1:4200/api",
            "PREFECT_SERVER_API_PORT=4300",
        ],
    )
    .success();

    let view = py(&env, &["config", "view"]).success();
    assert_has_line(&view, "PREFECT_PROFILE='ephemeral'", "prefect config view");
    assert_has_line(
        &view,
        "PREFECT_API_URL='http://127.0.0.1:4200/api' (from profile)",
        "prefect config view",
    );
    assert_has_line(
        &view,
        "PREFECT_SERVER_API_PORT='4300' (from profile)",
        "prefect config view",
    );

    assert_views_agree(&env);
}

#[test]
fn python_sees_a_profile_prefect_rs_created_set_and_activated() {
    let env = TestEnv::new();
    rs(&env, &["profile", "create", "dev"]).success();
    rs(
        &env,
        &[
            "-p",
            "dev",
            "config",
            "set",
            "PREFECT_API_URL=http://127.0.0.1:4300/api",
            "PREFECT_SERVER_API_PORT=4301",
        ],
    )
    .success();
    // prefect-rs checks the new API and only warns when nothing listens there; the switch is saved either way.
    rs(&env, &["profile", "use", "dev"]).success();

    let view = py(&env, &["config", "view"]).success();
    assert_has_line(&view, "PREFECT_PROFILE='dev'", "prefect config view");
    assert_has_line(
        &view,
        "PREFECT_API_URL='http://127.0.0.1:4300/api' (from profile)",
        "prefect config view",
    );
    assert_has_line(
        &view,
        "PREFECT_SERVER_API_PORT='4301' (from profile)",
        "prefect config view",
    );

    assert_views_agree(&env);

    // The file holds only `dev`, so that is all Python lists, and it is the active one.
    let python_ls = json_of(
        py(&env, &["profile", "ls", "-o", "json"]),
        "prefect profile ls -o json",
    );
    assert_eq!(
        python_ls,
        json!([{"name": "dev", "active": true}]),
        "prefect profile ls -o json"
    );

    // Deliberate difference: Python's `profile ls` lists only the profiles in the file; prefect-rs lists those first,
    // in the same order and with the same active flag, then Prefect's bundled profiles the file does not hold (which
    // `profile use` accepts in both CLIs).
    let ours_ls = json_of(
        rs(&env, &["profile", "ls", "-o", "json"]),
        "prefect-rs profile ls -o json",
    );
    let bundled =
        ["ephemeral", "local", "test", "cloud"].map(|name| json!({"name": name, "active": false}));
    let mut expected = python_ls.as_array().unwrap().clone();
    expected.extend(bundled);
    assert_same_json(
        &ours_ls,
        &Value::Array(expected),
        "profile ls -o json (Python's list, then the bundled profiles)",
    );
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Byte-compatibility: the same commands give the same profiles.toml
// ---------------------------------------------------------------------------------------------------------------

/// Two private homes: one only Python prefect writes to, one only prefect-rs writes to.
struct Twin {
    python: TestEnv,
    ours: TestEnv,
    mismatches: Vec<String>,
}

impl Twin {
    fn new() -> Self {
        Self {
            python: TestEnv::new(),
            ours: TestEnv::new(),
            mismatches: Vec::new(),
        }
    }

    /// Runs the same command with both CLIs, then compares the files.
    fn step(&mut self, args: &[&str]) -> &mut Self {
        self.step_each(args, args)
    }

    /// Runs a command that needs different arguments (`profile delete` needs `-y` without a terminal in prefect-rs).
    fn step_each(&mut self, python_args: &[&str], our_args: &[&str]) -> &mut Self {
        let python = py(&self.python, python_args);
        // Python's `profile use` saves the switch, then exits 1 when it cannot reach the profile's API (or the profile
        // has none); that is not what is compared here, the file is.
        let is_use = python_args.windows(2).any(|w| w == ["profile", "use"]);
        if !(python.code == 0 || is_use && python.code == 1) || python.stderr.contains("Traceback")
        {
            panic!(
                "prefect {}: exit code {}\n--- stdout\n{}\n--- stderr\n{}",
                python_args.join(" "),
                python.code,
                python.stdout,
                python.stderr
            );
        }
        let ours = rs(&self.ours, our_args);
        if ours.code != 0 {
            self.mismatches.push(format!(
                "`prefect-rs {}` exited {} (Python prefect: {})\n    stderr: {}",
                our_args.join(" "),
                ours.code,
                python.code,
                ours.stderr.trim()
            ));
        }
        self.compare(&format!(
            "prefect {}` / `prefect-rs {}",
            python_args.join(" "),
            our_args.join(" ")
        ));
        self
    }

    fn compare(&mut self, step: &str) {
        let read = |env: &TestEnv| std::fs::read_to_string(env.profiles_path()).ok();
        let (python, ours) = (read(&self.python), read(&self.ours));
        if python != ours {
            self.mismatches.push(format!(
                "after `{step}`: profiles.toml differs\n    Python prefect wrote: {}\n    prefect-rs wrote:     {}",
                python.as_deref().map_or("(no file)".into(), |t| format!("{t:?}")),
                ours.as_deref().map_or("(no file)".into(), |t| format!("{t:?}")),
            ));
        }
        for (who, env) in [("Python prefect", &self.python), ("prefect-rs", &self.ours)] {
            let path = env.profiles_path();
            if path.exists() && mode(&path) != 0o600 {
                self.mismatches.push(format!(
                    "after `{step}`: {who}'s profiles.toml has mode {:o}, not 600",
                    mode(&path)
                ));
            }
        }
        // prefect-rs creates PREFECT_HOME itself in every scenario here, so it must be private.
        if self.ours.home().exists() && mode(&self.ours.home()) != 0o700 {
            self.mismatches.push(format!(
                "after `{step}`: prefect-rs created PREFECT_HOME with mode {:o}, not 700",
                mode(&self.ours.home())
            ));
        }
    }

    /// What Python prefect wrote.
    fn python_file(&self) -> String {
        std::fs::read_to_string(self.python.profiles_path()).unwrap_or_default()
    }

    #[track_caller]
    fn finish(&self) {
        assert!(
            self.mismatches.is_empty(),
            "prefect-rs is not byte-compatible with Python prefect:\n{}",
            self.mismatches.join("\n")
        );
    }
}

#[test]
fn same_bytes_config_set_on_the_default_profile() {
    let mut twin = Twin::new();
    twin.step(&[
        "config",
        "set",
        "PREFECT_API_URL=http://127.0.0.1:4200/api",
        "PREFECT_SERVER_API_PORT=4300",
    ]);
    assert_eq!(
        twin.python_file(),
        "active = \"ephemeral\"\n\n[profiles.ephemeral]\nPREFECT_SERVER_EPHEMERAL_ENABLED = \"true\"\n\
         PREFECT_API_URL = \"http://127.0.0.1:4200/api\"\nPREFECT_SERVER_API_PORT = \"4300\"\n"
    );
    twin.finish();
}

#[test]
fn same_bytes_profile_create_on_a_fresh_home() {
    let mut twin = Twin::new();
    twin.step(&["profile", "create", "dev"]);
    assert_eq!(twin.python_file(), "[profiles.dev]\n");
    twin.finish();
}

#[test]
fn same_bytes_config_set_with_a_legacy_alias() {
    let mut twin = Twin::new();
    twin.step(&[
        "config",
        "set",
        "PREFECT_API_DATABASE_CONNECTION_URL=sqlite+aiosqlite:///alias.db",
    ]);
    let file = twin.python_file();
    assert!(
        file.contains(
            "\nPREFECT_SERVER_DATABASE_CONNECTION_URL = \"sqlite+aiosqlite:///alias.db\"\n"
        ),
        "{file}"
    );
    assert!(
        !file.contains("PREFECT_API_DATABASE_CONNECTION_URL"),
        "{file}"
    );
    twin.finish();
}

#[test]
fn same_bytes_config_unset() {
    let mut twin = Twin::new();
    twin.step(&[
        "config",
        "set",
        "PREFECT_API_URL=http://127.0.0.1:4200/api",
        "PREFECT_SERVER_API_PORT=4300",
    ]);
    twin.step(&["config", "unset", "PREFECT_API_URL"]);
    assert!(!twin.python_file().contains("PREFECT_API_URL"));
    twin.finish();
}

/// Python keeps a setting where it is when its value changes (a dict update); it is not moved to the end.
#[test]
fn same_bytes_config_set_of_a_setting_already_in_the_profile() {
    let mut twin = Twin::new();
    twin.step(&[
        "config",
        "set",
        "PREFECT_API_URL=http://127.0.0.1:4200/api",
        "PREFECT_SERVER_API_PORT=4300",
    ]);
    twin.step(&["config", "set", "PREFECT_API_URL=http://127.0.0.1:4400/api"]);
    assert!(twin.python_file().ends_with(
        "PREFECT_API_URL = \"http://127.0.0.1:4400/api\"\nPREFECT_SERVER_API_PORT = \"4300\"\n"
    ));
    twin.finish();
}

/// Values with quotes, backslashes and non-ASCII text (passwords, Windows paths) are written as Python's `toml`
/// writes them: basic strings with escapes, UTF-8 as is.
#[test]
fn same_bytes_for_values_that_need_escaping() {
    let mut twin = Twin::new();
    twin.step(&[
        "config",
        "set",
        r#"PREFECT_API_AUTH_STRING=ad"min:p\ss"#,
        r"PREFECT_SERVER_API_AUTH_STRING=C:\prefect",
        "PREFECT_API_KEY=it's-é-😀",
    ]);
    assert!(
        twin.python_file()
            .contains("PREFECT_API_AUTH_STRING = \"ad\\\"min:p\\\\ss\"\n"),
        "{}",
        twin.python_file()
    );
    twin.finish();
}

#[test]
fn same_bytes_profile_rename_of_the_active_profile() {
    let mut twin = Twin::new();
    twin.step(&["config", "set", "PREFECT_SERVER_API_PORT=4300"]);
    twin.step(&["profile", "create", "dev", "--from", "ephemeral"]);
    twin.step(&["profile", "use", "dev"]);
    twin.step(&["profile", "rename", "dev", "prod"]);
    assert!(twin.python_file().starts_with("active = \"prod\"\n"));
    twin.finish();
}

/// Renaming the first profile of a file that has no `active` key (only `profile create` ran).
#[test]
fn same_bytes_profile_rename_of_the_first_profile() {
    let mut twin = Twin::new();
    twin.step(&["profile", "create", "dev"]);
    twin.step(&["profile", "create", "qa"]);
    twin.step(&["profile", "rename", "dev", "prod"]);
    assert_eq!(twin.python_file(), "[profiles.qa]\n\n[profiles.prod]\n");
    twin.finish();
}

/// Prefect 3.8.8 writes the (empty) `[profiles]` table too, not just `active = "local"`.
#[test]
fn same_bytes_profile_use_of_a_bundled_profile_on_a_fresh_home() {
    let mut twin = Twin::new();
    twin.step(&["profile", "use", "local"]);
    assert_eq!(twin.python_file(), "active = \"local\"\n\n[profiles]\n");
    twin.finish();
}

#[test]
fn same_bytes_profile_delete() {
    let mut twin = Twin::new();
    twin.step(&["profile", "create", "dev"]);
    twin.step(&["profile", "create", "qa"]);
    twin.step_each(
        &["profile", "delete", "dev"],
        &["profile", "delete", "-y", "dev"],
    );
    assert_eq!(
        twin.python_file(),
        "active = \"ephemeral\"\n\n[profiles.qa]\n"
    );
    // Deleting the last profile leaves an empty `[profiles]` table in Prefect's file.
    twin.step_each(
        &["profile", "delete", "qa"],
        &["profile", "delete", "-y", "qa"],
    );
    assert_eq!(twin.python_file(), "active = \"ephemeral\"\n\n[profiles]\n");
    twin.finish();
}

/// The sequence of `python_sees_a_profile_prefect_rs_created_set_and_activated`: `active` is first written to a file
/// that starts with a profile table; Prefect puts a blank line between them.
#[test]
fn same_bytes_create_set_and_use_a_new_profile() {
    let mut twin = Twin::new();
    twin.step(&["profile", "create", "dev"]);
    twin.step(&["-p", "dev", "config", "set", "PREFECT_SERVER_API_PORT=4301"]);
    assert_eq!(
        twin.python_file(),
        "active = \"ephemeral\"\n\n[profiles.dev]\nPREFECT_SERVER_API_PORT = \"4301\"\n"
    );
    twin.step(&["profile", "use", "dev"]);
    assert_eq!(
        twin.python_file(),
        "active = \"dev\"\n\n[profiles.dev]\nPREFECT_SERVER_API_PORT = \"4301\"\n"
    );
    twin.finish();
}

/// Prefect saves its bundled profiles (ephemeral, local, test, cloud) ahead of user-made ones, in bundled order, so
/// changing `ephemeral` after creating `dev` puts `[profiles.ephemeral]` first.
#[test]
fn same_bytes_when_a_bundled_profile_is_changed_after_a_new_profile() {
    let mut twin = Twin::new();
    twin.step(&["profile", "create", "dev"]);
    twin.step(&["config", "set", "PREFECT_API_URL=http://127.0.0.1:4200/api"]);
    assert_eq!(
        twin.python_file(),
        "active = \"ephemeral\"\n\n[profiles.ephemeral]\nPREFECT_SERVER_EPHEMERAL_ENABLED = \"true\"\n\
         PREFECT_API_URL = \"http://127.0.0.1:4200/api\"\n\n[profiles.dev]\n"
    );
    twin.finish();
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Python writes, prefect-rs reads
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn prefect_rs_reads_what_python_wrote() {
    let env = TestEnv::new();
    py(
        &env,
        &[
            "config",
            "set",
            "PREFECT_API_URL=http://127.0.0.1:4300/api",
            "PREFECT_SERVER_API_PORT=4300",
        ],
    )
    .success();
    py(&env, &["profile", "create", "dev"]).success();
    py(
        &env,
        &[
            "-p",
            "dev",
            "config",
            "set",
            "PREFECT_SERVER_API_PORT=4301",
            "PREFECT_API_KEY=pnu_secret",
            "PREFECT_SERVER_DATABASE_CONNECTION_URL=postgresql+asyncpg://prefect:pw@db:5432/prefect",
        ],
    )
    .success();
    // Exits 1: `dev` has no API URL and is not ephemeral, so Python reports it unconfigured after saving the switch.
    let used = py(&env, &["profile", "use", "dev"]);
    assert!(
        used.code == 0 || used.code == 1,
        "prefect profile use dev: {used:?}"
    );

    // `config view` masks secrets in both CLIs.
    let python = json_of(
        py(&env, &["config", "view", "-o", "json"]),
        "prefect config view -o json",
    );
    assert_eq!(python["profile"], "dev");
    assert_eq!(
        view_entry(&python, "PREFECT_API_KEY").unwrap()["value"],
        "********"
    );
    let ours = json_of(
        rs(&env, &["config", "view", "-o", "json"]),
        "prefect-rs config view -o json",
    );
    assert_same_json(&ours, &python, "config view -o json");

    // Python's `profile inspect` shows secrets; prefect-rs does with --show-secrets, and masks them without.
    let python = json_of(
        py(&env, &["profile", "inspect", "dev", "-o", "json"]),
        "prefect profile inspect dev -o json",
    );
    let shown = json_of(
        rs(
            &env,
            &["profile", "inspect", "dev", "-o", "json", "--show-secrets"],
        ),
        "prefect-rs profile inspect --show-secrets",
    );
    assert_eq!(
        members(&shown),
        members(&python),
        "profile inspect dev -o json (--show-secrets for prefect-rs)"
    );
    let masked = json_of(
        rs(&env, &["profile", "inspect", "dev", "-o", "json"]),
        "prefect-rs profile inspect dev -o json",
    );
    let secret = ["PREFECT_API_KEY", "PREFECT_SERVER_DATABASE_CONNECTION_URL"];
    let expected: Vec<(String, Value)> = members(&python)
        .into_iter()
        .map(|(k, v)| {
            if secret.contains(&k.as_str()) {
                (k, json!("********"))
            } else {
                (k, v)
            }
        })
        .collect();
    assert_eq!(
        members(&masked),
        expected,
        "prefect-rs profile inspect dev -o json masks secrets"
    );

    // A bundled profile Python changed (written to the file with its bundled setting first), read with -p.
    let ours = json_of(
        rs(
            &env,
            &["-p", "ephemeral", "profile", "inspect", "-o", "json"],
        ),
        "prefect-rs -p ephemeral profile inspect",
    );
    assert_eq!(
        members(&ours),
        members(&json!({
            "PREFECT_SERVER_EPHEMERAL_ENABLED": "true",
            "PREFECT_API_URL": "http://127.0.0.1:4300/api",
            "PREFECT_SERVER_API_PORT": "4300"
        }))
    );
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Precedence: env > .env > prefect.toml > pyproject.toml > profile
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn both_clis_agree_on_precedence_and_sources() {
    let env = TestEnv::new();
    rs(
        &env,
        &[
            "config",
            "set",
            "PREFECT_API_URL=http://profile:4200/api",
            "PREFECT_SERVER_API_PORT=4300",
        ],
    )
    .success();
    env.write(
        "work/.env",
        "PREFECT_API_URL=http://dotenv:4200/api\nPREFECT_LOGGING_LEVEL=DEBUG\n",
    );
    env.write(
        "work/prefect.toml",
        "[api]\nurl = \"http://prefect-toml:4200/api\"\n\n[server.api]\nport = 4301\n",
    );
    env.write(
        "work/pyproject.toml",
        "[project]\nname = \"flows\"\n\n[tool.prefect.api]\nurl = \"http://pyproject:4200/api\"\n\n\
         [tool.prefect.server.api]\nport = 4302\nhost = \"0.0.0.0\"\n",
    );

    let check = |env_url: Option<&str>, winner: &str, source: &str| {
        let view = |program: &dyn Fn(&[&str]) -> common::Run| {
            let run = program(&["config", "view", "-o", "json"]);
            let run = match env_url {
                Some(url) => run.env("PREFECT_API_URL", url),
                None => run,
            };
            run.run()
        };
        let python = json_of(
            view(&|args| env.program(python_prefect(), args)),
            "prefect config view -o json",
        );
        let ours = json_of(
            view(&|args| env.cmd(args)),
            "prefect-rs config view -o json",
        );
        let what = format!("config view -o json when {source} wins");
        assert_eq!(
            view_entry(&python, "PREFECT_API_URL"),
            Some(&json!({"name": "PREFECT_API_URL", "value": winner, "source": source})),
            "Python prefect, {what}"
        );
        assert_same_json(&ours, &python, &what);
    };

    check(Some("http://env:4200/api"), "http://env:4200/api", "env");
    check(None, "http://dotenv:4200/api", ".env file");
    std::fs::remove_file(env.cwd().join(".env")).unwrap();
    check(None, "http://prefect-toml:4200/api", "prefect.toml");
    std::fs::remove_file(env.cwd().join("prefect.toml")).unwrap();
    check(None, "http://pyproject:4200/api", "pyproject.toml");
    std::fs::remove_file(env.cwd().join("pyproject.toml")).unwrap();
    check(None, "http://profile:4200/api", "profile");
}

// ---------------------------------------------------------------------------------------------------------------
// 5. --profile / -p before the command
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn profile_option_selects_the_profile_in_both_clis() {
    let env = TestEnv::new();
    rs(&env, &["profile", "create", "dev"]).success();
    rs(&env, &["profile", "create", "qa"]).success();
    rs(
        &env,
        &["-p", "dev", "config", "set", "PREFECT_SERVER_API_PORT=4301"],
    )
    .success();
    rs(
        &env,
        &["-p", "qa", "config", "set", "PREFECT_SERVER_API_PORT=4302"],
    )
    .success();

    for (option, profile_env) in [("-p", None), ("--profile", None), ("-p", Some("qa"))] {
        let args = [option, "dev", "config", "view", "-o", "json"];
        let with_env = |run: common::Run| match profile_env {
            Some(name) => run.env("PREFECT_PROFILE", name),
            None => run,
        };
        let what = format!("{option} dev config view -o json (PREFECT_PROFILE={profile_env:?})");
        let python = json_of(
            with_env(env.program(python_prefect(), &args)).run(),
            &format!("prefect {what}"),
        );
        let ours = json_of(
            with_env(env.cmd(&args)).run(),
            &format!("prefect-rs {what}"),
        );
        assert_eq!(python["profile"], "dev", "Python prefect {what}");
        assert_eq!(
            view_entry(&python, "PREFECT_SERVER_API_PORT").unwrap()["value"],
            "4301",
            "Python prefect {what}"
        );
        assert_same_json(&ours, &python, &what);
    }
}
