//! Conventions every command shares: help, version, exit codes, streams, colour, quiet/verbose, closed pipes.

mod common;

use common::{BIN, TestEnv};

#[test]
fn help_texts() {
    let env = TestEnv::new();
    for args in [
        &["--help"][..],
        &["config", "--help"],
        &["config", "set", "--help"],
        &["config", "unset", "--help"],
        &["config", "view", "--help"],
        &["config", "validate", "--help"],
        &["profile", "--help"],
        &["profile", "use", "--help"],
        &["profile", "delete", "--help"],
        &["server", "database", "--help"],
        &["server", "database", "upgrade", "--help"],
        &["server", "database", "downgrade", "--help"],
        &["completions", "--help"],
    ] {
        let out = env.cmd(args).env("COLUMNS", "100").run().success();
        assert_eq!(out.stderr, "");
        insta::assert_snapshot!(format!("help {}", args.join(" ")), out.stdout);
    }
}

#[test]
fn version_is_printed_on_stdout() {
    let out = TestEnv::new().cmd(&["--version"]).run().success();
    assert_eq!(
        out.stdout,
        format!("prefect-rs {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_2() {
    let env = TestEnv::new();
    let out = env.cmd(&[]).run().code(2);
    assert!(out.stderr.contains("Usage: prefect-rs"), "{}", out.stderr);
    let out = env.cmd(&["config", "view", "--bogus"]).run().code(2);
    insta::assert_snapshot!(out.stderr, @r"
    error: unexpected argument '--bogus' found

    Usage: prefect-rs config view [OPTIONS]

    For more information, try '--help'.
    ");
    env.cmd(&["config", "view", "-o", "yaml"]).run().code(2);
    env.cmd(&["config", "view", "--color", "sometimes"])
        .run()
        .code(2);
    env.cmd(&["config", "view", "-q", "-v"]).run().code(2);
    // Nothing was written by any of them.
    assert!(!env.home().exists());
}

#[test]
fn a_closed_stdout_pipe_exits_0_quietly() {
    let env = TestEnv::new();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(BIN)
        .args(["config", "view", "--show-defaults"])
        .env_clear()
        .env("PREFECT_HOME", env.home())
        .env("HOME", env.user_home())
        .current_dir(env.cwd())
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn data_goes_to_stdout_and_status_to_stderr() {
    let env = TestEnv::new();
    let out = env
        .cmd(&["config", "set", "PREFECT_API_URL=http://127.0.0.1:4200/api"])
        .run()
        .success();
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("Updated profile 'ephemeral'."));
    let out = env.cmd(&["config", "view"]).run().success();
    assert!(
        out.stdout
            .contains("PREFECT_API_URL='http://127.0.0.1:4200/api' (from profile)")
    );
    assert!(!out.stdout.contains("you are connected"));
    assert!(
        out.stderr
            .contains("you are connected to:\nhttp://127.0.0.1:4200\n")
    );
}

#[test]
fn quiet_and_verbose() {
    let env = TestEnv::new();
    let out = env
        .cmd(&[
            "-q",
            "config",
            "set",
            "PREFECT_API_URL=http://127.0.0.1:4200/api",
        ])
        .run()
        .success();
    assert_eq!(out.stderr, "");
    let out = env
        .cmd(&["config", "set", "-q", "PREFECT_API_URL=bad"])
        .run()
        .code(1);
    assert!(
        out.stderr
            .contains("error: Validation error(s) for setting PREFECT_API_URL"),
        "errors survive --quiet"
    );
    let out = env.cmd(&["config", "view", "-v"]).run().success();
    assert!(
        out.stderr
            .contains(&format!("profiles: {}", env.profiles_path().display())),
        "{}",
        out.stderr
    );
}

#[test]
fn colour_follows_flag_no_color_and_force_color() {
    let env = TestEnv::new();
    let red = "\x1b[31merror:";
    let bad = ["config", "set", "PREFECT_API_URL=bad"];
    assert!(
        !env.cmd(&bad).run().stderr.contains(red),
        "no colour without a terminal"
    );
    assert!(
        env.cmd(&["--color", "always", "config", "set", "PREFECT_API_URL=bad"])
            .run()
            .stderr
            .contains(red)
    );
    assert!(
        env.cmd(&bad)
            .env("FORCE_COLOR", "1")
            .run()
            .stderr
            .contains(red)
    );
    assert!(
        !env.cmd(&bad)
            .env("FORCE_COLOR", "1")
            .env("NO_COLOR", "1")
            .run()
            .stderr
            .contains(red)
    );
    assert!(
        !env.cmd(&["--color", "never", "config", "set", "PREFECT_API_URL=bad"])
            .env("FORCE_COLOR", "1")
            .run()
            .stderr
            .contains(red)
    );
}

#[test]
fn a_confirmation_without_a_terminal_fails_and_names_yes() {
    let env = TestEnv::new();
    env.cmd(&["profile", "create", "dev"]).run().success();
    let before = env.files();
    // stdin is closed: a prompt would read EOF; we must not ask at all.
    let out = env.cmd(&["profile", "delete", "dev"]).run().code(1);
    insta::assert_snapshot!(out.stderr, @r"
    error: Confirmation needed: Are you sure you want to delete profile with name 'dev'?
    hint: no terminal to ask on; re-run with -y (--yes) to confirm
    ");
    assert_eq!(env.files(), before);
}
