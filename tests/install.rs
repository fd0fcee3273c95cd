//! install.sh: refuses clearly without cargo or with a wrong flag, and otherwise builds, installs the binary and the
//! completion scripts into $PREFIX, is idempotent, and uninstalls exactly what it installed.
//!
//! The full install really runs `cargo build --release --locked` in this repository (slow the first time, then
//! cached in the shared target directory).

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// Installed path under $PREFIX, and the committed script it must equal (None for the binary).
const INSTALLED: [(&str, Option<&str>); 4] = [
    ("bin/prefect-rs", None),
    (
        "share/bash-completion/completions/prefect-rs",
        Some("prefect-rs.bash"),
    ),
    ("share/zsh/site-functions/_prefect-rs", Some("_prefect-rs")),
    (
        "share/fish/vendor_completions.d/prefect-rs.fish",
        Some("prefect-rs.fish"),
    ),
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    #[track_caller]
    fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

fn run(mut command: Command) -> Run {
    let out = command
        .stdin(std::process::Stdio::null())
        .output()
        .expect("install.sh starts");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// install.sh run from an unrelated directory with PREFIX set, inheriting the rest of the environment (cargo's).
fn install_sh(prefix: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(repo().join("install.sh"));
    command
        .args(args)
        .env("PREFIX", prefix)
        .current_dir(prefix.parent().unwrap());
    command
}

/// Every file under `dir` with its bytes and mode.
fn files(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, (Vec<u8>, u32)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                walk(root, &path, out);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(
                    path.strip_prefix(root).unwrap().to_owned(),
                    (bytes, meta.permissions().mode() & 0o7777),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn temp_prefix() -> (TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("prefect-rs-install")
        .tempdir()
        .unwrap();
    let prefix = dir.path().join("prefix");
    (dir, prefix)
}

#[test]
fn without_cargo_it_says_where_to_get_rust_and_installs_nothing() {
    let (dir, prefix) = temp_prefix();
    // A PATH holding only what install.sh needs before it looks for cargo, wherever cargo is installed here.
    let tools = dir.path().join("tools");
    std::fs::create_dir(&tools).unwrap();
    for tool in ["bash", "dirname"] {
        let found = ["/usr/bin", "/bin"]
            .iter()
            .map(|d| Path::new(d).join(tool))
            .find(|p| p.exists());
        std::os::unix::fs::symlink(
            found.unwrap_or_else(|| panic!("{tool} not found")),
            tools.join(tool),
        )
        .unwrap();
    }
    let mut command = install_sh(&prefix, &[]);
    command.env("PATH", &tools);
    let out = run(command).code(1);
    assert!(
        out.stderr.contains(
            "cargo not found: install Rust from https://rustup.rs, then re-run ./install.sh"
        ),
        "{}",
        out.stderr
    );
    assert!(!prefix.join("bin/prefect-rs").exists());
    assert_eq!(
        files(dir.path())
            .keys()
            .filter(|p| !p.starts_with("tools"))
            .count(),
        0,
        "nothing is written"
    );
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let (dir, prefix) = temp_prefix();
    let out = run(install_sh(&prefix, &["--frobnicate"])).code(2);
    assert!(
        out.stderr.contains("unknown argument: --frobnicate"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("Usage: ./install.sh [--uninstall] [--help]"),
        "{}",
        out.stderr
    );
    assert!(files(dir.path()).is_empty(), "nothing is written");

    let out = run(install_sh(&prefix, &["--help"])).code(0);
    assert!(
        out.stdout
            .starts_with("Usage: ./install.sh [--uninstall] [--help]"),
        "{}",
        out.stdout
    );
    assert!(files(dir.path()).is_empty(), "--help writes nothing");
}

#[test]
fn installs_idempotently_and_uninstalls_exactly_its_files() {
    let (_dir, prefix) = temp_prefix();

    let out = run(install_sh(&prefix, &[])).code(0);
    for (path, _) in INSTALLED {
        assert!(
            out.stderr
                .contains(&format!("installed {}", prefix.join(path).display())),
            "{}",
            out.stderr
        );
    }
    assert!(
        out.stderr
            .contains(&format!("{}/bin is not on your PATH", prefix.display())),
        "{}",
        out.stderr
    );

    let installed = files(&prefix);
    let mut expected: Vec<PathBuf> = INSTALLED.iter().map(|(p, _)| PathBuf::from(p)).collect();
    expected.sort();
    assert_eq!(
        installed.keys().cloned().collect::<Vec<_>>(),
        expected,
        "exactly these files are installed"
    );
    for (path, committed) in INSTALLED {
        let (bytes, mode) = &installed[Path::new(path)];
        match committed {
            None => assert_eq!(*mode, 0o755, "{path} mode {mode:o}"),
            Some(file) => {
                assert_eq!(*mode, 0o644, "{path} mode {mode:o}");
                let want = std::fs::read(repo().join("completions").join(file)).unwrap();
                assert!(*bytes == want, "{path} differs from completions/{file}");
            }
        }
    }

    let version = Command::new(prefix.join("bin/prefect-rs"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(version.status.success(), "the installed binary runs");
    let expected_version = Command::new(common::BIN).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        String::from_utf8_lossy(&expected_version.stdout)
    );

    // Again: succeeds, and leaves exactly the same files (no leftover temporary files either).
    run(install_sh(&prefix, &[])).code(0);
    assert!(
        files(&prefix) == installed,
        "a second install changed the files under PREFIX"
    );

    let out = run(install_sh(&prefix, &["--uninstall"])).code(0);
    for (path, _) in INSTALLED {
        assert!(
            out.stderr
                .contains(&format!("removed {}", prefix.join(path).display())),
            "{}",
            out.stderr
        );
    }
    assert!(
        files(&prefix).is_empty(),
        "left behind: {:?}",
        files(&prefix).keys().collect::<Vec<_>>()
    );

    let out = run(install_sh(&prefix, &["--uninstall"])).code(0);
    for (path, _) in INSTALLED {
        assert!(
            out.stderr
                .contains(&format!("already absent: {}", prefix.join(path).display())),
            "{}",
            out.stderr
        );
    }
}
