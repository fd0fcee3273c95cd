//! `config set | unset | view | validate`, the stack file, and every bad input we know: exit code, message, and
//! that nothing on disk changed.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::TestEnv;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn set_writes_the_active_profile_privately() {
    let env = TestEnv::new();
    let out = env
        .cmd(&[
            "config",
            "set",
            "PREFECT_API_URL=http://127.0.0.1:4200/api",
            "PREFECT_SERVER_API_PORT=4300",
        ])
        .run()
        .success();
    insta::assert_snapshot!(out.stderr, @r"
    Set 'PREFECT_API_URL' to 'http://127.0.0.1:4200/api'.
    Set 'PREFECT_SERVER_API_PORT' to '4300'.
    Updated profile 'ephemeral'.
    ");
    assert_eq!(mode(&env.home()), 0o700);
    assert_eq!(mode(&env.profiles_path()), 0o600);
    let out = env
        .cmd(&["config", "view", "--hide-sources"])
        .run()
        .success();
    insta::assert_snapshot!(env.redact(&out.stdout), @r"
    PREFECT_PROFILE='ephemeral'
    PREFECT_API_URL='http://127.0.0.1:4200/api'
    PREFECT_HOME='[ROOT]/prefect-home'
    PREFECT_SERVER_API_PORT='4300'
    PREFECT_SERVER_EPHEMERAL_ENABLED='true'
    ");
}

#[test]
fn bad_values_are_refused_and_nothing_is_written() {
    let env = TestEnv::new();
    env.cmd(&["config", "set", "PREFECT_SERVER_API_PORT=4300"])
        .run()
        .success();
    let before = env.files();
    let cases: &[(&[&str], &str)] = &[
        (&["PREFECT_API_URL=notaurl"], "notaurl"),
        (
            &["PREFECT_LOGGING_LEVEL=INFO", "PREFECT_API_URL=ftp://h/api"],
            "one bad item of several",
        ),
        (&["PREFECT_SERVER_API_PORT=abc"], "port"),
        (
            &["PREFECT_SERVER_API_HOST=http://127.0.0.1"],
            "host given as a URL (Prefect #16950)",
        ),
        (&["PREFECT_SERVER_LOGGING_LEVEL=LOUD"], "log level"),
        (&["PREFECT_SERVER_UI_ENABLED=maybe"], "bool"),
        (&["PREFECT_API_URL"], "no ="),
        (&["PREFECT_FOO=1"], "unknown name"),
        (&["PREFECT_HOME=/elsewhere"], "home"),
        (&["PREFECT_PROFILES_PATH=/elsewhere"], "profiles path"),
        (&["PREFECT_RS_SERVER_MODE=podman"], "stack mode"),
        (&["PREFECT_RS_SERVER_HOST_IP=localhost"], "stack host ip"),
    ];
    let mut transcript = String::new();
    for (items, why) in cases {
        let mut args = vec!["config", "set"];
        args.extend_from_slice(items);
        let out = env.cmd(&args).run().code(1);
        assert_eq!(env.files(), before, "{why}: files changed");
        transcript += &format!(
            "$ prefect-rs config set {}\n{}\n",
            items.join(" "),
            out.stderr
        );
    }
    insta::assert_snapshot!(transcript);
}

#[test]
fn secrets_are_masked_in_set_view_inspect_and_errors() {
    let env = TestEnv::new();
    let out = env
        .cmd(&[
            "config",
            "set",
            "PREFECT_API_KEY=pnu_topsecret",
            "PREFECT_API_DATABASE_CONNECTION_URL=postgresql+asyncpg://u:hunter2@db/prefect",
        ])
        .run()
        .success();
    assert!(
        !out.stderr.contains("topsecret") && !out.stderr.contains("hunter2"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Set 'PREFECT_API_KEY' to '********'."));
    let file = std::fs::read_to_string(env.profiles_path()).unwrap();
    assert!(
        file.contains(
            "PREFECT_SERVER_DATABASE_CONNECTION_URL = \"postgresql+asyncpg://u:hunter2@db/prefect\""
        ),
        "alias stored canonically"
    );

    for args in [
        &["config", "view"][..],
        &["config", "view", "-o", "json"],
        &["config", "view", "--show-defaults"],
        &["profile", "inspect"],
        &["profile", "inspect", "-o", "json"],
    ] {
        let out = env.cmd(args).run().success();
        let all = out.stdout.clone() + &out.stderr;
        assert!(
            !all.contains("topsecret") && !all.contains("hunter2"),
            "{args:?} leaked a secret:\n{all}"
        );
        assert!(all.contains("********"), "{args:?}");
    }
    let out = env
        .cmd(&["config", "view", "--show-secrets"])
        .run()
        .success();
    assert!(out.stdout.contains("hunter2"));

    let out = env
        .cmd(&[
            "config",
            "set",
            "PREFECT_SERVER_DATABASE_CONNECTION_URL=mysql://u:hunter3@h/db",
        ])
        .run()
        .code(1);
    assert!(!out.stderr.contains("hunter3"), "{}", out.stderr);
    let out = env
        .cmd(&["config", "view"])
        .env("PREFECT_SERVER_API_AUTH_STRING", "admin:pw")
        .env(
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
            "nope://u:hunter4@h",
        )
        .run()
        .success();
    assert!(
        !out.stderr.contains("hunter4") && !out.stdout.contains("admin:pw"),
        "{}{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn precedence_env_over_profile_and_the_set_warning() {
    let env = TestEnv::new();
    let out = env
        .cmd(&["config", "set", "PREFECT_SERVER_API_PORT=4300"])
        .env("PREFECT_SERVER_API_PORT", "4400")
        .run()
        .success();
    assert!(out.stderr.contains("PREFECT_SERVER_API_PORT is also set in the environment, which overrides this value. Remove it there with: unset PREFECT_SERVER_API_PORT"), "{}", out.stderr);
    let out = env
        .cmd(&["config", "view"])
        .env("PREFECT_SERVER_API_PORT", "4400")
        .run()
        .success();
    assert!(
        out.stdout
            .contains("PREFECT_SERVER_API_PORT='4400' (from env)")
    );
    env.write("work/prefect.toml", "[server.api]\nport = 4500\n");
    let out = env.cmd(&["config", "view"]).run().success();
    assert!(
        out.stdout
            .contains("PREFECT_SERVER_API_PORT='4500' (from prefect.toml)"),
        "{}",
        out.stdout
    );
    // A legacy alias in the environment is reported under the canonical name.
    let out = env
        .cmd(&["config", "view"])
        .env("PREFECT_UI_API_URL", "http://ui:4200/api")
        .run()
        .success();
    assert!(
        out.stdout
            .contains("PREFECT_SERVER_UI_API_URL='http://ui:4200/api' (from env)")
    );
}

#[test]
fn unset_removes_and_explains_what_it_cannot() {
    let env = TestEnv::new();
    env.cmd(&[
        "config",
        "set",
        "PREFECT_API_URL=http://127.0.0.1:4200/api",
        "PREFECT_RS_SERVER_PORT=4300",
    ])
    .run()
    .success();
    let before = env.files();
    let out = env
        .cmd(&["config", "unset", "PREFECT_LOGGING_LEVEL"])
        .env("PREFECT_LOGGING_LEVEL", "DEBUG")
        .run()
        .code(1);
    insta::assert_snapshot!(out.stderr, @r"
    error: 'PREFECT_LOGGING_LEVEL' is not set in profile 'ephemeral'.
    hint: its value comes from the environment; remove it there with: unset PREFECT_LOGGING_LEVEL
    ");
    let out = env.cmd(&["config", "unset", "PREFECT_NOPE"]).run().code(1);
    assert!(out.stderr.contains("Unknown setting name 'PREFECT_NOPE'."));
    assert_eq!(env.files(), before);

    let out = env
        .cmd(&[
            "config",
            "unset",
            "PREFECT_API_URL",
            "PREFECT_RS_SERVER_PORT",
        ])
        .run()
        .success();
    assert!(out.stderr.contains("Unset 'PREFECT_API_URL'.\nUnset 'PREFECT_RS_SERVER_PORT'.\nUpdated profile 'ephemeral'.\n"), "{}", out.stderr);
    assert!(
        !env.read("prefect-home/profiles.toml")
            .contains("PREFECT_API_URL")
    );
    assert!(!env.read("prefect-home/config.toml").contains("port"));
}

#[test]
fn a_bad_stored_value_warns_and_can_be_repaired() {
    let env = TestEnv::new();
    env.write("prefect-home/profiles.toml", "active = \"dev\"\n\n[profiles.dev]\nPREFECT_SERVER_API_PORT = \"notint\"\nPREFECT_API_URL = \"http://127.0.0.1:4200/api\"\n");
    // Every command still runs, and says what is wrong and how to fix it.
    let out = env
        .cmd(&["config", "view", "--show-defaults"])
        .run()
        .success();
    assert!(
        out.stdout
            .contains("PREFECT_SERVER_API_PORT='4200' (from defaults)"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!(env.redact(&out.stderr), @r#"
    warning: Ignoring PREFECT_SERVER_API_PORT='notint' from profile 'dev' in [ROOT]/prefect-home/profiles.toml: Input should be a port number from 0 to 65535, got "notint". Fix it with: prefect-rs config unset PREFECT_SERVER_API_PORT
    🚀 you are connected to:
    http://127.0.0.1:4200
    "#);
    let before = env.files();
    let out = env.cmd(&["config", "validate"]).run().code(1);
    assert!(
        out.stderr.contains("prefect-rs config validate --fix"),
        "{}",
        out.stderr
    );
    assert_eq!(
        env.files(),
        before,
        "validate without --fix changes nothing"
    );

    let out = env.cmd(&["config", "validate", "--fix"]).run().success();
    assert!(
        out.stderr
            .contains("Removed invalid PREFECT_SERVER_API_PORT='notint' from profile 'dev'."),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Configuration valid!"));
    assert_eq!(
        env.read("prefect-home/profiles.toml"),
        "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://127.0.0.1:4200/api\"\n"
    );

    // The same repair through unset.
    env.write(
        "prefect-home/profiles.toml",
        "[profiles.ephemeral]\nPREFECT_SERVER_API_PORT = \"notint\"\n",
    );
    env.cmd(&["config", "unset", "PREFECT_SERVER_API_PORT"])
        .run()
        .success();
    env.cmd(&["config", "validate"]).run().success();
}

#[test]
fn a_bad_env_value_warns_and_validate_names_the_fix() {
    let env = TestEnv::new();
    let out = env
        .cmd(&["config", "view"])
        .env("PREFECT_SERVER_API_PORT", "abc")
        .run()
        .success();
    assert!(
        out.stderr
            .contains("Fix it with: unset PREFECT_SERVER_API_PORT"),
        "{}",
        out.stderr
    );
    let out = env
        .cmd(&["config", "validate"])
        .env("PREFECT_SERVER_API_PORT", "abc")
        .run()
        .code(1);
    assert!(
        out.stderr
            .contains("PREFECT_SERVER_API_PORT='abc' in the environment"),
        "{}",
        out.stderr
    );
}

#[test]
fn validate_rewrites_legacy_names_and_keeps_unknown_keys() {
    let env = TestEnv::new();
    env.write(
        "prefect-home/profiles.toml",
        "# my profiles\nactive = \"ephemeral\"\n\n[profiles.ephemeral]\nPREFECT_UI_API_URL = \"http://h:4200/api\" # the UI\nPREFECT_FROM_THE_FUTURE = \"1\"\n",
    );
    let out = env.cmd(&["config", "validate"]).run().success();
    assert!(out.stderr.contains(
        "Setting 'PREFECT_FROM_THE_FUTURE' in profile 'ephemeral' is not recognized; it is ignored."
    ));
    assert!(
        out.stderr
            .contains("Renamed legacy setting 'PREFECT_UI_API_URL' to 'PREFECT_SERVER_UI_API_URL'")
    );
    assert_eq!(
        env.read("prefect-home/profiles.toml"),
        "# my profiles\nactive = \"ephemeral\"\n\n[profiles.ephemeral]\nPREFECT_FROM_THE_FUTURE = \"1\"\nPREFECT_SERVER_UI_API_URL = \"http://h:4200/api\" # the UI\n"
    );
    // An unknown key can still be removed by name.
    env.cmd(&["config", "unset", "PREFECT_FROM_THE_FUTURE"])
        .run()
        .success();
}

#[test]
fn malformed_toml_is_located_and_never_overwritten() {
    let cases = [
        (
            "prefect-home/profiles.toml",
            "active = \"dev\"\n[profiles.dev\nPREFECT_API_URL = \"x\"\n",
        ),
        ("work/prefect.toml", "[api]\nurl = \n"),
        (
            "work/pyproject.toml",
            "[tool.prefect.api]\nurl = 'unterminated\n",
        ),
        ("prefect-home/config.toml", "[server]\nport = 42 00\n"),
    ];
    let mut transcript = String::new();
    for (file, text) in cases {
        let env = TestEnv::new();
        env.write(file, text);
        let before = env.files();
        for args in [
            &["config", "view"][..],
            &["config", "set", "PREFECT_API_URL=http://h/api"],
            &["profile", "use", "local"],
            &["config", "set", "PREFECT_RS_SERVER_PORT=1"],
        ] {
            let out = env.cmd(args).run().code(1);
            assert_eq!(env.files(), before, "{file}: {args:?} changed files");
            assert!(
                out.stderr
                    .contains(&format!("{}:", env.root().join(file).display())),
                "{}",
                out.stderr
            );
        }
        let out = env.cmd(&["config", "view"]).run();
        transcript += &format!("# {file}\n{}\n", env.redact(&out.stderr));
    }
    insta::assert_snapshot!(transcript);
}

#[test]
fn stack_settings_live_in_config_toml() {
    let env = TestEnv::new();
    env.write(
        "prefect-home/config.toml",
        "# how I run it\n[server]\nmode = \"process\" # no docker here\n",
    );
    let out = env
        .cmd(&[
            "config",
            "set",
            "PREFECT_RS_SERVER_PORT=4300",
            "PREFECT_RS_POSTGRES_USE_VOLUME=yes",
            "PREFECT_RS_POSTGRES_PASSWORD=s3cret",
        ])
        .run()
        .success();
    assert!(
        out.stderr
            .contains("Set 'PREFECT_RS_POSTGRES_PASSWORD' to '********'.")
    );
    assert!(out.stderr.contains(&format!(
        "Updated {}.",
        env.home().join("config.toml").display()
    )));
    assert!(
        !env.profiles_path().exists(),
        "stack settings do not touch profiles"
    );
    assert_eq!(
        env.read("prefect-home/config.toml"),
        "# how I run it\n[server]\nmode = \"process\" # no docker here\nport = 4300\n\n[postgres]\nuse_volume = true\npassword = \"s3cret\"\n"
    );
    assert_eq!(mode(&env.home().join("config.toml")), 0o600);

    let out = env
        .cmd(&["config", "view", "--show-defaults"])
        .env("PREFECT_RS_DOCKER_PROJECT", "ci")
        .run()
        .success();
    let stack: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("PREFECT_RS_"))
        .collect();
    insta::assert_snapshot!(env.redact(&stack.join("\n")), @r"
    PREFECT_RS_DOCKER_PROJECT='ci' (from env)
    PREFECT_RS_POSTGRES_DATABASE='prefect' (from defaults)
    PREFECT_RS_POSTGRES_IMAGE='postgres:17' (from defaults)
    PREFECT_RS_POSTGRES_PASSWORD='********' (from config.toml)
    PREFECT_RS_POSTGRES_PORT='None' (from defaults)
    PREFECT_RS_POSTGRES_USER='prefect' (from defaults)
    PREFECT_RS_POSTGRES_USE_VOLUME='true' (from config.toml)
    PREFECT_RS_POSTGRES_VOLUME_PATH='[ROOT]/prefect-home/pg_data' (from defaults)
    PREFECT_RS_SERVER_FLAVOR='prefect' (from defaults)
    PREFECT_RS_SERVER_HOST_IP='127.0.0.1' (from defaults)
    PREFECT_RS_SERVER_IMAGE='prefecthq/prefect:3-latest' (from defaults)
    PREFECT_RS_SERVER_MAX_CONNECTIONS='4096' (from defaults)
    PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES='16777216' (from defaults)
    PREFECT_RS_SERVER_MODE='process' (from config.toml)
    PREFECT_RS_SERVER_PORT='4300' (from config.toml)
    PREFECT_RS_SERVER_SERVICES_ZOMBIES_AFTER_SECONDS='540' (from defaults)
    PREFECT_RS_SERVER_SERVICES_ZOMBIES_ENABLED='false' (from defaults)
    PREFECT_RS_SERVER_SERVICES_ZOMBIES_LOOP_SECONDS='20' (from defaults)
    PREFECT_RS_SERVER_UI_API_URL='http://127.0.0.1:4300/api' (from defaults)
    ");
}

#[test]
fn prefect1_ui_keys_are_read_with_a_deprecation_warning() {
    let env = TestEnv::new();
    env.write(
        "prefect-home/config.toml",
        "[server.ui]\napollo_url = \"http://10.0.0.5:4200/graphql\"\n",
    );
    let out = env.cmd(&["config", "view"]).run().success();
    assert!(
        out.stdout.contains(
            "PREFECT_RS_SERVER_UI_API_URL='http://10.0.0.5:4200/graphql' (from config.toml)"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("[server.ui] apollo_url is a Prefect 1 key, read as [server.ui] api_url (PREFECT_RS_SERVER_UI_API_URL); it is deprecated."), "{}", out.stderr);
    env.write(
        "prefect-home/config.toml",
        "[server.ui]\ngraphql_url = \"http://10.0.0.6:4200/graphql\"\n",
    );
    let out = env.cmd(&["config", "view"]).run().success();
    assert!(
        out.stdout
            .contains("'http://10.0.0.6:4200/graphql' (from config.toml)")
    );
    assert!(out.stderr.contains("graphql_url is a Prefect 1 key"));
    // Setting the new key replaces the old one.
    env.cmd(&[
        "config",
        "set",
        "PREFECT_RS_SERVER_UI_API_URL=http://10.0.0.6:4200/api",
    ])
    .run()
    .success();
    assert_eq!(
        env.read("prefect-home/config.toml"),
        "[server.ui]\napi_url = \"http://10.0.0.6:4200/api\"\n"
    );
}

#[test]
fn view_json_has_prefects_shape() {
    let env = TestEnv::new();
    env.cmd(&["config", "set", "PREFECT_API_URL=http://127.0.0.1:4200/api"])
        .run()
        .success();
    let out = env.cmd(&["config", "view", "-o", "json"]).run().success();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["profile"], "ephemeral");
    assert_eq!(doc["ui_url"], "http://127.0.0.1:4200");
    assert!(doc["settings"].as_array().unwrap().contains(&serde_json::json!({"name": "PREFECT_API_URL", "value": "http://127.0.0.1:4200/api", "source": "profile"})));
    let out = env
        .cmd(&["config", "view", "-o", "json", "--hide-sources"])
        .run()
        .success();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        doc["settings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.get("source").is_none())
    );
}

#[test]
fn an_empty_prefect_home_means_the_default_home() {
    let env = TestEnv::new();
    env.cmd(&["config", "set", "PREFECT_LOGGING_LEVEL=DEBUG"])
        .env("PREFECT_HOME", "")
        .run()
        .success();
    assert!(env.user_home().join(".prefect/profiles.toml").exists());
    assert!(!env.cwd().join("profiles.toml").exists());
}

/// Numbers the server once crashed on (`1e15` seconds overflowed a date, `1e300` a `Duration`), and ones that only
/// looked like numbers: each is refused with the setting's range, by `set`, `validate` and `server start`.
const OUT_OF_RANGE: &[(&str, &str, &str)] = &[
    (
        "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS",
        "1e15",
        "from 0 to 31536000",
    ),
    (
        "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS",
        "1e300",
        "from 0 to 31536000",
    ),
    (
        "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS",
        "-5",
        "from 0 to 31536000",
    ),
    (
        "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS",
        "1e300",
        "greater than 0 and at most 86400",
    ),
    (
        "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS",
        "nan",
        "greater than 0 and at most 86400",
    ),
    (
        "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS",
        "0",
        "greater than 0 and at most 86400",
    ),
    (
        "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT",
        "inf",
        "greater than 0 and at most 86400",
    ),
    (
        "PREFECT_SERVER_DATABASE_TIMEOUT",
        "-5",
        "greater than 0 and at most 86400",
    ),
    (
        "PREFECT_SERVER_API_KEEPALIVE_TIMEOUT",
        "0",
        "from 1 to 86400",
    ),
    (
        "PREFECT_API_REQUEST_TIMEOUT",
        "NaN",
        "greater than 0 and at most 86400",
    ),
];

#[test]
fn set_refuses_numbers_out_of_range_with_the_range_and_writes_nothing() {
    let env = TestEnv::new();
    env.cmd(&["config", "set", "PREFECT_SERVER_API_PORT=4300"])
        .run()
        .success();
    let before = env.files();
    for (name, value, range) in OUT_OF_RANGE {
        let out = env
            .cmd(&["config", "set", &format!("{name}={value}")])
            .run()
            .code(1);
        assert_eq!(env.files(), before, "{name}={value}: files changed");
        assert!(
            out.stderr.contains(range)
                && out.stderr.contains(&format!("got \"{value}\""))
                && out.stderr.contains("nothing was written")
                && out
                    .stderr
                    .contains(&format!("prefect-rs config set {name}=")),
            "{name}={value}:\n{}",
            out.stderr
        );
    }
    insta::assert_snapshot!(
        env.cmd(&["config", "set", "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS=1e15"])
            .run()
            .code(1)
            .stderr,
        @r#"
    error: Validation error(s) for setting PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS
     - Input should be a finite number from 0 to 31536000, got "1e15"
    hint: nothing was written
    hint: for example: prefect-rs config set PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS=15
    "#
    );
    // The bounds themselves are allowed.
    env.cmd(&[
        "config",
        "set",
        "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS=31536000",
        "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS=0.1",
    ])
    .run()
    .success();
}

#[test]
fn validate_reports_stored_numbers_out_of_range_and_changes_nothing() {
    let env = TestEnv::new();
    let mut profile = String::from("active = \"dev\"\n\n[profiles.dev]\n");
    for (name, value, _) in OUT_OF_RANGE {
        // One value per name: a TOML table holds each key once.
        if !profile.contains(name) {
            profile += &format!("{name} = \"{value}\"\n");
        }
    }
    env.write("prefect-home/profiles.toml", &profile);
    let before = env.files();
    let out = env.cmd(&["config", "validate"]).run().code(1);
    assert_eq!(
        env.files(),
        before,
        "validate without --fix changes nothing"
    );
    for (name, value, range) in OUT_OF_RANGE {
        if profile.contains(&format!("{name} = \"{value}\"")) {
            assert!(
                out.stderr
                    .contains(&format!("{name}='{value}' in profile 'dev'"))
                    && out.stderr.contains(range),
                "{name}={value}:\n{}",
                out.stderr
            );
        }
    }
    assert!(out.stderr.contains("prefect-rs config validate --fix"));
}

#[test]
fn server_start_refuses_numbers_out_of_range_and_creates_nothing() {
    let env = TestEnv::new();
    let port = common::server::free_port().to_string();
    for (name, value, range) in OUT_OF_RANGE
        .iter()
        .filter(|(name, ..)| name.starts_with("PREFECT_SERVER_"))
    {
        // In the background with a deadline, so a start that wrongly succeeds returns rather than runs on.
        let out = env
            .cmd(&[
                "server",
                "start",
                "--no-docker",
                "-b",
                "--port",
                &port,
                "--timeout",
                "20",
            ])
            .env(name, value)
            .run();
        if out.code == 0 {
            env.cmd(&["server", "stop", "--no-docker"]).run();
        }
        let out = out.code(1);
        assert!(
            out.stderr.contains("The server did not start")
                && out
                    .stderr
                    .contains(&format!("{name}='{value}' from the environment"))
                && out.stderr.contains(range)
                && out.stderr.contains(&format!("fix it with: unset {name}"))
                // Said once, as a refusal: not also "Ignoring" it first.
                && !out.stderr.contains("Ignoring"),
            "{name}={value}:\n{}",
            out.stderr
        );
        assert!(
            !env.home().exists(),
            "{name}={value}: wrote {:?}",
            env.files()
        );
    }
    // The command line's waits are bounded the same way (`inf` seconds once panicked a background start).
    for args in [
        &["server", "start", "--no-docker", "--timeout", "inf"][..],
        &[
            "server",
            "start",
            "--no-docker",
            "--keep-alive-timeout",
            "0",
        ],
        &[
            "server",
            "status",
            "--no-docker",
            "--wait",
            "--timeout",
            "1e300",
        ],
        &["server", "stop", "--no-docker", "--timeout", "nan"],
    ] {
        let out = env.cmd(args).run().code(2);
        assert!(out.stderr.contains("86400"), "{args:?}:\n{}", out.stderr);
        assert!(!env.home().exists(), "{args:?}: wrote {:?}", env.files());
    }
    // A bad value under a valid one of higher precedence is not in effect, and does not stop a start.
    env.write(
        "prefect-home/profiles.toml",
        "active = \"dev\"\n\n[profiles.dev]\nPREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS = \"nan\"\n",
    );
    let out = env
        .cmd(&[
            "server",
            "start",
            "--no-docker",
            "-b",
            "--port",
            &port,
            "--timeout",
            "20",
        ])
        .env("PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS", "5")
        .run();
    env.cmd(&["server", "stop", "--no-docker"]).run();
    out.success();
}
