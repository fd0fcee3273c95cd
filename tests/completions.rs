//! The committed completion scripts in completions/: they must be what the binary prints now, and loaded in real
//! bash, zsh and fish they must offer subcommands and setting names on TAB.
//!
//! Regenerate the committed scripts after changing the command line (from the repository root):
//!
//!     cargo build && for s in bash zsh fish powershell elvish; do case $s in bash) f=prefect-rs.bash;; zsh) f=_prefect-rs;; fish) f=prefect-rs.fish;; powershell) f=_prefect-rs.ps1;; elvish) f=prefect-rs.elv;; esac; target/debug/prefect-rs completions $s > completions/$f; done
//!
//! or let the staleness test rewrite them: PREFECT_RS_BLESS=1 cargo nextest run --test completions
//!
//! The shell tests need bash, zsh and fish (.ci/test installs them). Each shell runs with a private HOME, no rc files,
//! in an empty directory (so a script that completes nothing cannot pass by offering file names), under `timeout`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// Shell name for `prefect-rs completions <shell>`, and the committed file (clap_complete's `Shell::file_name`).
const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "prefect-rs.bash"),
    ("zsh", "_prefect-rs"),
    ("fish", "prefect-rs.fish"),
    ("powershell", "_prefect-rs.ps1"),
    ("elvish", "prefect-rs.elv"),
];

/// Seconds any one shell run may take before the test fails instead of hanging.
const SHELL_TIMEOUT: &str = "20";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn committed(file: &str) -> PathBuf {
    repo().join("completions").join(file)
}

fn generated(shell: &str) -> Vec<u8> {
    let out = Command::new(common::BIN)
        .args(["completions", shell])
        .output()
        .expect("prefect-rs starts");
    assert!(
        out.status.success(),
        "prefect-rs completions {shell} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The shell command that rewrites every committed script from the binary this test run built.
fn regenerate_command() -> String {
    let bin = Path::new(common::BIN);
    let bin = bin
        .strip_prefix(repo())
        .unwrap_or(bin)
        .display()
        .to_string();
    let cases: Vec<String> = SCRIPTS
        .iter()
        .map(|(shell, file)| format!("{shell}) f={file};;"))
        .collect();
    let shells: Vec<&str> = SCRIPTS.iter().map(|(shell, _)| *shell).collect();
    format!(
        "cd {} && cargo build && for s in {}; do case $s in {} esac; {bin} completions $s > completions/$f; done",
        repo().display(),
        shells.join(" "),
        cases.join(" ")
    )
}

#[test]
fn committed_scripts_match_the_binary() {
    let bless = std::env::var_os("PREFECT_RS_BLESS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (shell, file) in SCRIPTS {
        let now = generated(shell);
        let path = committed(file);
        if std::fs::read(&path).ok().as_deref() == Some(now.as_slice()) {
            continue;
        }
        if bless {
            // Atomically, so the shell tests running alongside read the old or the new script, never half of one.
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let tmp = path.with_extension("bless-tmp");
            std::fs::write(&tmp, &now).unwrap();
            std::fs::rename(&tmp, &path).unwrap();
            eprintln!(
                "rewrote {} (re-run the tests: the shell tests may have read the old script)",
                path.display()
            );
        } else {
            stale.push(format!("completions/{file} ({shell})"));
        }
    }
    assert!(
        stale.is_empty(),
        "these committed completion scripts differ from what `prefect-rs completions <shell>` prints now:\n  {}\n\
         regenerate them with:\n\n  {}\n\nor: PREFECT_RS_BLESS=1 cargo nextest run --test completions\n",
        stale.join("\n  "),
        regenerate_command()
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Real shells.

#[derive(Clone, Copy, Debug)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// Sources the committed script, fills in what bash fills in for a TAB at the end of the line, calls the function
/// that `complete -p prefect-rs` names, and prints COMPREPLY one per line. $1 = script, $2 = command line.
const BASH_DRIVER: &str = r#"
source "$1" || exit 3
line=$2
read -ra COMP_WORDS <<< "$line"
[[ -z $line || $line == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE=$line
COMP_POINT=${#line}
COMP_TYPE=9
COMP_KEY=9
spec=$(complete -p prefect-rs) || { echo 'the script registers no completion for prefect-rs' >&2; exit 4; }
[[ $spec =~ -F\ ([^ ]+) ]] || { echo "no completion function in: $spec" >&2; exit 5; }
prev=
(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
COMPREPLY=()
"${BASH_REMATCH[1]}" prefect-rs "${COMP_WORDS[COMP_CWORD]}" "$prev"
(( ${#COMPREPLY[@]} )) && printf '%s\n' "${COMPREPLY[@]}"
exit 0
"#;

/// Runs inside an interactive `zsh -f` on a pseudo-terminal: real compinit with the committed `_prefect-rs` first in
/// fpath, TAB bound to complete-word, and `compadd` wrapped so every match the completion functions add is printed
/// (instead of inserted) between BEGIN and END markers; the shell exits once the completion is over.
const ZSH_INIT: &str = r#"
PROMPT='' RPROMPT='' PS2=''
unsetopt beep
fpath=("$PREFECT_RS_ZSH_FPATH" $fpath)
autoload -U compinit && compinit -u -D
bindkey '^I' complete-word
bindkey '^M' undefined
bindkey '^J' undefined
zstyle ':completion:*' insert-tab false
_prefect_rs_capture_begin() { print -r -- '@@BEGIN@@' }
_prefect_rs_capture_end() { print -r -- '@@END@@'; exit 0 }
compprefuncs=(_prefect_rs_capture_begin)
comppostfuncs=(_prefect_rs_capture_end)
compadd() {
  # Calls that only compute or filter matches into arrays (-O/-A/-D) are the completion system's plumbing.
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return $?
  fi
  local -a __prefect_rs_hits
  builtin compadd -A __prefect_rs_hits "$@"
  local hit
  for hit in $__prefect_rs_hits; do print -r -- "@@CAND@@ $hit"; done
}
print -r -- '@@READY@@'
"#;

/// Starts the interactive zsh on a pty (zsh/zpty), sources $1 (ZSH_INIT), types $2 followed by TAB, and copies the
/// pty output to stdout until the END marker.
const ZSH_DRIVER: &str = r#"
zmodload zsh/zpty || exit 3
zpty prefect_rs zsh -f -i || exit 4
zpty -w prefect_rs "source ${(q)1}"
local line
while zpty -r prefect_rs line; do [[ $line == *@@READY@@* ]] && break; done
[[ $line == *@@READY@@* ]] || { print -r -- 'the interactive zsh did not start' >&2; exit 5; }
zpty -w -n prefect_rs "$2"$'\t'
while zpty -r prefect_rs line; do
  print -r -- "${line%$'\r'}"
  [[ $line == *@@END@@* ]] && break
done
zpty -d prefect_rs
"#;

/// What the shell offers when TAB is pressed at the end of `line`, using the committed script.
fn offers(shell: Shell, line: &str) -> Vec<String> {
    let dir = tempfile::Builder::new()
        .prefix("prefect-rs-completion")
        .tempdir()
        .unwrap();
    let (program, args): (&str, Vec<String>) = match shell {
        Shell::Bash => (
            "bash",
            vec![
                "--norc".into(),
                "--noprofile".into(),
                "-c".into(),
                BASH_DRIVER.into(),
                "bash".into(),
                path_arg(&committed("prefect-rs.bash")),
                line.into(),
            ],
        ),
        Shell::Zsh => {
            let init = dir.path().join("init.zsh");
            std::fs::write(&init, ZSH_INIT).unwrap();
            (
                "zsh",
                vec![
                    "-f".into(),
                    "-c".into(),
                    ZSH_DRIVER.into(),
                    "zsh".into(),
                    path_arg(&init),
                    line.into(),
                ],
            )
        }
        Shell::Fish => (
            "fish",
            vec![
                "--no-config".into(),
                "-c".into(),
                "source $argv[1]; or exit 3; complete -C $argv[2]".into(),
                path_arg(&committed("prefect-rs.fish")),
                line.into(),
            ],
        ),
    };
    let out = shell_command(&dir, program, &args)
        .output()
        .expect("timeout starts");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let context =
        format!("{shell:?} completing {line:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert_ne!(
        out.status.code(),
        Some(124),
        "timed out after {SHELL_TIMEOUT}s: {context}"
    );
    assert!(
        out.status.success(),
        "the shell failed ({}): {context}",
        out.status
    );
    match shell {
        Shell::Bash => stdout.lines().map(str::to_owned).collect(),
        // fish prints `candidate<TAB>description`.
        Shell::Fish => stdout
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect(),
        // The pty output also holds the echoed line and terminal control codes; only marked lines are matches.
        Shell::Zsh => {
            assert!(
                stdout.contains("@@BEGIN@@") && stdout.contains("@@END@@"),
                "zsh ran no completion: {context}"
            );
            stdout
                .lines()
                .filter_map(|l| {
                    l.split_once("@@CAND@@ ")
                        .map(|(_, c)| c.trim_end().to_owned())
                })
                .collect()
        }
    }
}

fn path_arg(path: &Path) -> String {
    path.to_str().expect("a UTF-8 path").to_owned()
}

/// `timeout N <shell> args...` with a clean environment: private HOME and XDG dirs, the binary's directory on PATH
/// (for scripts that call back into prefect-rs), and an empty working directory.
fn shell_command(dir: &TempDir, program: &str, args: &[String]) -> Command {
    let home = dir.path().join("home");
    let cwd = dir.path().join("cwd");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&cwd).unwrap();
    let bin_dir = Path::new(common::BIN).parent().unwrap();
    let mut command = Command::new("timeout");
    command
        .arg(SHELL_TIMEOUT)
        .arg(format!("/usr/bin/{program}"))
        .args(args);
    command.env_clear().current_dir(&cwd);
    command.env(
        "PATH",
        format!("{}:/usr/local/bin:/usr/bin:/bin", bin_dir.display()),
    );
    command.env("HOME", &home);
    command.env("XDG_CONFIG_HOME", home.join(".config"));
    command.env("XDG_DATA_HOME", home.join(".local/share"));
    command.env("XDG_CACHE_HOME", home.join(".cache"));
    command.env("LANG", "C.UTF-8");
    command.env("TERM", "dumb");
    command.env("PREFECT_RS_ZSH_FPATH", repo().join("completions"));
    command
}

#[track_caller]
fn assert_offers(shell: Shell, line: &str, expected: &[&str]) -> Vec<String> {
    let offered = offers(shell, line);
    for want in expected {
        let found = offered.iter().any(|o| o == want);
        assert!(
            found,
            "{shell:?}: `{line}<TAB>` does not offer {want:?}; it offers {offered:?}"
        );
    }
    offered
}

/// Like `assert_offers`, and every offer must extend the typed word (a script that offers everything, or file names,
/// is broken too).
#[track_caller]
fn assert_offers_only_matches(shell: Shell, line: &str, expected: &[&str]) {
    let offered = assert_offers(shell, line, expected);
    let word = line.rsplit(' ').next().unwrap();
    let strays: Vec<&String> = offered.iter().filter(|o| !o.starts_with(word)).collect();
    assert!(
        strays.is_empty(),
        "{shell:?}: `{line}<TAB>` offers words that do not start with {word:?}: {strays:?}"
    );
}

fn subcommands(shell: Shell) {
    assert_offers(shell, "prefect-rs con", &["config"]);
    assert_offers(shell, "prefect-rs config s", &["set"]);
    assert_offers(
        shell,
        "prefect-rs profile ",
        &["ls", "use", "populate-defaults"],
    );
    assert_offers(shell, "prefect-rs server da", &["database"]);
    assert_offers(
        shell,
        "prefect-rs server database ",
        &["upgrade", "downgrade", "reset", "history", "current"],
    );
}

fn config_set_setting_names(shell: Shell) {
    assert_offers_only_matches(
        shell,
        "prefect-rs config set PREFECT_API_",
        &["PREFECT_API_URL", "PREFECT_API_KEY"],
    );
    assert_offers_only_matches(
        shell,
        "prefect-rs config set PREFECT_RS_SERVER_",
        &["PREFECT_RS_SERVER_PORT"],
    );
}

fn config_unset_setting_names(shell: Shell) {
    assert_offers_only_matches(
        shell,
        "prefect-rs config unset PREFECT_SERVER_API_",
        &["PREFECT_SERVER_API_PORT"],
    );
}

#[test]
fn bash_completes_subcommands() {
    subcommands(Shell::Bash);
}

#[test]
fn bash_completes_setting_names_for_config_set() {
    config_set_setting_names(Shell::Bash);
}

#[test]
fn bash_completes_setting_names_for_config_unset() {
    config_unset_setting_names(Shell::Bash);
}

#[test]
fn zsh_completes_subcommands() {
    subcommands(Shell::Zsh);
}

#[test]
fn zsh_completes_setting_names_for_config_set() {
    config_set_setting_names(Shell::Zsh);
}

#[test]
fn zsh_completes_setting_names_for_config_unset() {
    config_unset_setting_names(Shell::Zsh);
}

#[test]
fn fish_completes_subcommands() {
    subcommands(Shell::Fish);
}

#[test]
fn fish_completes_setting_names_for_config_set() {
    config_set_setting_names(Shell::Fish);
}

#[test]
fn fish_completes_setting_names_for_config_unset() {
    config_unset_setting_names(Shell::Fish);
}
