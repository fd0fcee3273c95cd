//! `profile ls | create | use | delete | rename | inspect | populate-defaults` and `--profile`.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::TestEnv;

#[test]
fn create_use_inspect_ls() {
    let env = TestEnv::new();
    let out = env.cmd(&["profile", "create", "dev"]).run().success();
    insta::assert_snapshot!(out.stderr, @r"
    Created profile with properties:
        name - 'dev'
        from name - None

    Use created profile for future, subsequent commands:
        prefect-rs profile use 'dev'

    Use created profile temporarily for a single command:
        prefect-rs -p 'dev' config view
    ");
    assert_eq!(env.read("prefect-home/profiles.toml"), "[profiles.dev]\n");
    env.cmd(&[
        "-p",
        "dev",
        "config",
        "set",
        "PREFECT_API_KEY=pnu_x",
        "PREFECT_LOGGING_LEVEL=DEBUG",
    ])
    .run()
    .success();
    let out = env.cmd(&["profile", "use", "dev"]).run().success();
    assert!(
        out.stderr
            .contains("No Prefect server specified using profile 'dev'"),
        "{}",
        out.stderr
    );

    let out = env.cmd(&["profile", "ls"]).run().success();
    assert_eq!(out.stdout, "* dev\n  ephemeral\n  local\n  test\n  cloud\n");
    let out = env.cmd(&["profile", "ls", "-o", "json"]).run().success();
    let list: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(list[0], serde_json::json!({"name": "dev", "active": true}));

    let out = env.cmd(&["profile", "inspect"]).run().success();
    assert_eq!(
        out.stdout,
        "PREFECT_API_KEY='********'\nPREFECT_LOGGING_LEVEL='DEBUG'\n"
    );
    assert_eq!(out.stderr, "No name provided, defaulting to 'dev'\n");
    let out = env
        .cmd(&["profile", "inspect", "dev", "--show-secrets", "-o", "json"])
        .run()
        .success();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap(),
        serde_json::json!({"PREFECT_API_KEY": "pnu_x", "PREFECT_LOGGING_LEVEL": "DEBUG"})
    );
    let out = env.cmd(&["profile", "inspect", "cloud"]).run().success();
    assert_eq!(out.stderr, "Profile 'cloud' is empty.\n");

    env.cmd(&["profile", "create", "copy", "--from", "dev"])
        .run()
        .success();
    let out = env
        .cmd(&["profile", "inspect", "copy", "--show-secrets"])
        .run()
        .success();
    assert_eq!(
        out.stdout,
        "PREFECT_API_KEY='pnu_x'\nPREFECT_LOGGING_LEVEL='DEBUG'\n"
    );
}

#[test]
fn profile_errors_change_nothing() {
    let env = TestEnv::new();
    env.cmd(&["profile", "create", "dev"]).run().success();
    env.cmd(&["profile", "create", "other"]).run().success();
    env.cmd(&["profile", "use", "dev"]).run().success();
    let before = env.files();
    let cases: &[&[&str]] = &[
        &["profile", "create", "dev"],
        &["profile", "create", "x", "--from", "nope"],
        &["profile", "use", "nope"],
        &["profile", "delete", "nope", "-y"],
        &["profile", "delete", "dev", "-y"],
        &["profile", "delete", "local", "-y"],
        &["profile", "delete", "other"],
        &["profile", "rename", "nope", "x"],
        &["profile", "rename", "dev", "other"],
        &["profile", "inspect", "nope"],
        &["-p", "nope", "config", "view"],
    ];
    let mut transcript = String::new();
    for args in cases {
        let out = env.cmd(args).run().code(1);
        assert_eq!(env.files(), before, "{args:?} changed files");
        transcript += &format!(
            "$ prefect-rs {}\n{}\n",
            args.join(" "),
            env.redact(&out.stderr)
        );
    }
    insta::assert_snapshot!(transcript);
}

#[test]
fn delete_and_rename() {
    let env = TestEnv::new();
    env.cmd(&["profile", "create", "dev"]).run().success();
    env.cmd(&["profile", "use", "dev"]).run().success();
    env.cmd(&["profile", "rename", "dev", "prod"])
        .run()
        .success();
    assert_eq!(
        env.read("prefect-home/profiles.toml"),
        "active = \"prod\"\n\n[profiles.prod]\n"
    );
    env.cmd(&["profile", "create", "gone"]).run().success();
    let out = env
        .cmd(&["profile", "delete", "gone", "-y"])
        .run()
        .success();
    assert_eq!(out.stderr, "Removed profile 'gone'.\n");
    assert_eq!(
        env.read("prefect-home/profiles.toml"),
        "active = \"prod\"\n\n[profiles.prod]\n"
    );
    // Renaming the profile PREFECT_PROFILE selects warns that the variable must change too.
    let out = env
        .cmd(&["profile", "rename", "prod", "live"])
        .env("PREFECT_PROFILE", "prod")
        .run()
        .success();
    assert!(
        out.stderr
            .contains("You must update this variable to 'live'"),
        "{}",
        out.stderr
    );
}

#[test]
fn use_saves_without_the_network_and_reports_reachability() {
    let env = TestEnv::new();
    // A port nobody listens on: bind, note it, close.
    let dead = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    env.cmd(&["profile", "create", "down"]).run().success();
    env.cmd(&[
        "-p",
        "down",
        "config",
        "set",
        &format!("PREFECT_API_URL=http://127.0.0.1:{dead}/api"),
    ])
    .run()
    .success();
    let out = env.cmd(&["profile", "use", "down"]).run().success();
    assert!(
        out.stderr.contains(&format!(
            "Could not reach the Prefect server at http://127.0.0.1:{dead}/api using profile 'down'"
        )),
        "{}",
        out.stderr
    );
    assert!(
        env.read("prefect-home/profiles.toml")
            .starts_with("active = \"down\"\n")
    );

    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let answer = std::thread::spawn(move || {
        let (mut stream, _) = server.accept().unwrap();
        let mut request = Vec::new();
        let mut chunk = [0u8; 512];
        while !request.ends_with(b"\r\n\r\n") {
            let n = stream.read(&mut chunk).unwrap();
            assert!(n > 0, "the request ended before its head did");
            request.extend_from_slice(&chunk[..n]);
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\ntrue")
            .unwrap();
        String::from_utf8_lossy(&request).into_owned()
    });
    env.cmd(&["profile", "create", "up"]).run().success();
    env.cmd(&[
        "-p",
        "up",
        "config",
        "set",
        &format!("PREFECT_API_URL=http://127.0.0.1:{port}/api"),
    ])
    .run()
    .success();
    let out = env.cmd(&["profile", "use", "up"]).run().success();
    assert!(
        out.stderr
            .contains("Connected to Prefect server using profile 'up'"),
        "{}",
        out.stderr
    );
    assert!(
        answer
            .join()
            .unwrap()
            .starts_with("GET /api/health HTTP/1.1\r\n")
    );
}

#[test]
fn active_profile_selection() {
    let env = TestEnv::new();
    env.cmd(&["profile", "create", "dev"]).run().success();
    env.cmd(&["-p", "dev", "config", "set", "PREFECT_LOGGING_LEVEL=DEBUG"])
        .run()
        .success();
    let view = |out: common::Output| out.stdout.lines().next().unwrap().to_owned();
    assert_eq!(
        view(env.cmd(&["config", "view"]).run().success()),
        "PREFECT_PROFILE='ephemeral'"
    );
    assert_eq!(
        view(
            env.cmd(&["config", "view"])
                .env("PREFECT_PROFILE", "dev")
                .run()
                .success()
        ),
        "PREFECT_PROFILE='dev'"
    );
    assert_eq!(
        view(
            env.cmd(&["--profile", "local", "config", "view"])
                .env("PREFECT_PROFILE", "dev")
                .run()
                .success()
        ),
        "PREFECT_PROFILE='local'"
    );
    // An unknown profile from the environment warns and falls back, as Prefect does.
    let out = env
        .cmd(&["config", "view"])
        .env("PREFECT_PROFILE", "nope")
        .run()
        .success();
    assert!(out.stderr.contains("Active profile 'nope' set by environment variable not found. The default profile will be used instead."));
    assert_eq!(view(out), "PREFECT_PROFILE='ephemeral'");
}

#[test]
fn populate_defaults_adds_bundled_profiles_and_backs_up() {
    let env = TestEnv::new();
    let out = env.cmd(&["profile", "populate-defaults"]).run().success();
    assert!(
        out.stderr
            .contains("Creating new profiles file with default profiles.")
    );
    assert_eq!(
        env.read("prefect-home/profiles.toml"),
        "[profiles.ephemeral]\nPREFECT_SERVER_EPHEMERAL_ENABLED = \"true\"\n\n[profiles.local]\nPREFECT_API_URL = \"http://127.0.0.1:4200/api\"\n\n\
         [profiles.test]\nPREFECT_SERVER_EPHEMERAL_ENABLED = \"true\"\nPREFECT_SERVER_DATABASE_CONNECTION_URL = \"sqlite+aiosqlite:///:memory:\"\n\n[profiles.cloud]\n"
    );
    let out = env.cmd(&["profile", "populate-defaults"]).run().success();
    assert_eq!(
        out.stderr,
        "No changes needed. All profiles are up to date.\n"
    );

    env.write("prefect-home/profiles.toml", "# mine\n[profiles.dev]\n");
    let out = env.cmd(&["profile", "populate-defaults"]).run().success();
    assert!(
        out.stderr.contains("Profiles backed up to"),
        "{}",
        out.stderr
    );
    assert_eq!(
        env.read("prefect-home/profiles.toml.bak"),
        "# mine\n[profiles.dev]\n"
    );
    assert!(
        env.read("prefect-home/profiles.toml")
            .starts_with("# mine\n[profiles.dev]\n\n[profiles.ephemeral]\n")
    );
}
