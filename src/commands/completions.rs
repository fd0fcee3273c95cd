use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

const BIN: &str = "prefect-rs";

pub fn run(shell: Shell) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(script(shell).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// clap_complete's script, with two gaps of clap_complete 4.6 filled in.
fn script(shell: Shell) -> String {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, BIN, &mut script);
    let mut script = String::from_utf8(script).expect("clap_complete writes UTF-8");
    match shell {
        // The bash `case` labels spell a hyphenated binary name differently from the state the loop before them
        // computes (clap-rs/clap#6421), so nothing after the first word would complete.
        Shell::Bash => {
            let wrong = format!("{}__subcmd__", BIN.replace('-', "__subcmd__"));
            script = script.replace(&wrong, &format!("{}__subcmd__", BIN.replace('-', "__")));
        }
        // The fish generator ignores positional arguments, so setting names would not complete.
        Shell::Fish => fish_positionals(&command, &[], &mut script),
        _ => {}
    }
    script
}

/// `complete` lines offering the possible values of positional arguments, with the conditions clap_complete uses
/// for options at the same depth.
fn fish_positionals(cmd: &clap::Command, path: &[&str], out: &mut String) {
    let helper = format!("__fish_{}_using_subcommand", BIN.replace('-', "_"));
    let condition = match path {
        [first] => Some(format!("{helper} {first}")),
        [first, last] => Some(format!(
            "{helper} {first}; and __fish_seen_subcommand_from {last}"
        )),
        _ => None,
    };
    if let Some(condition) = condition {
        for arg in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| {
                    let help = v
                        .get_help()
                        .map(|h| h.to_string().replace('\n', " "))
                        .unwrap_or_default();
                    fish_quoted(&format!(
                        "{}\t'{}'",
                        fish_single(v.get_name()),
                        fish_single(&help)
                    ))
                })
                .collect();
            if !values.is_empty() {
                writeln!(
                    out,
                    "complete -c {BIN} -n \"{condition}\" -f -a \"{}\"",
                    values.join("\n")
                )
                .unwrap();
            }
        }
    }
    if path.len() < 2 {
        for sub in cmd.get_subcommands() {
            for name in sub.get_name_and_visible_aliases() {
                fish_positionals(sub, &[path, &[name]].concat(), out);
            }
        }
    }
}

/// Escapes text for inside '…' (the candidate list is evaluated again by `complete`).
fn fish_single(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\'', "\\'")
}

/// Escapes text for inside "…".
fn fish_quoted(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('$', "\\$")
        .replace('\t', "\\t")
}
