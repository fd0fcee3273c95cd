//! `config set | unset | view | validate`, with Prefect's messages and exit codes, and without Prefect's faults:
//! every value is checked (URLs included) before anything is written, secrets are masked everywhere, and a bad
//! value already stored can be removed.

use anyhow::Result;
use serde_json::json;

use super::{mask, mask_in};
use crate::cli::{ConfigCommand, ViewArgs};
use crate::error::{Failure, fail};
use crate::output::{OutputFormat, Printer};
use crate::prompt;
use crate::settings::kind::Kind;
use crate::settings::sources::Source;
use crate::settings::stack::{self, StackKey};
use crate::settings::{Settings, registry, ui_url_for};

pub fn run(command: ConfigCommand, settings: Settings, printer: &Printer) -> Result<()> {
    match command {
        ConfigCommand::Set { settings: items } => set(&items, settings, printer),
        ConfigCommand::Unset { names, yes } => unset(&names, yes, settings, printer),
        ConfigCommand::View(args) => view(&args, &settings, printer),
        ConfigCommand::Validate { fix } => validate(fix, settings, printer),
    }
}

/// What a setting name refers to.
#[derive(Clone, Copy)]
enum Target {
    Prefect(&'static str),
    Stack(&'static StackKey),
}

impl Target {
    fn resolve(name: &str) -> Option<Self> {
        registry::lookup(name)
            .map(|n| Target::Prefect(n.canonical))
            .or_else(|| stack::lookup(name).map(Target::Stack))
    }

    fn kind(self) -> Kind {
        match self {
            Target::Prefect(canonical) => registry::kind_of(canonical),
            Target::Stack(key) => key.kind,
        }
    }

    fn canonical(self) -> &'static str {
        match self {
            Target::Prefect(canonical) => canonical,
            Target::Stack(key) => key.name,
        }
    }
}

fn unknown_setting(name: &str) -> Failure {
    Failure::new(format!("Unknown setting name '{name}'."))
        .hint("list settings with: prefect-rs config view --show-defaults")
}

fn set(items: &[String], mut settings: Settings, printer: &Printer) -> Result<()> {
    let mut parsed = Vec::new();
    for item in items {
        let Some((name, raw)) = item.split_once('=') else {
            fail!("Failed to parse argument '{item}'. Use the format 'VAR=VAL'.");
        };
        let target = Target::resolve(name).ok_or_else(|| unknown_setting(name))?;
        if matches!(target.canonical(), "PREFECT_HOME" | "PREFECT_PROFILES_PATH") {
            fail!(
                "Setting '{name}' cannot be changed with this command. Use an environment variable instead."
            );
        }
        parsed.push((name, target, raw));
    }

    let mut invalid = Vec::new();
    let mut hints = Vec::new();
    for (name, target, raw) in &parsed {
        if let Err(reason) = target.kind().check(raw) {
            invalid.push(format!(
                "Validation error(s) for setting {name}\n - {}",
                mask_in(name, raw, &reason)
            ));
            if let Some(example) = target.kind().example() {
                hints.push(format!(
                    "for example: prefect-rs config set {name}={example}"
                ));
            }
        }
    }
    if !invalid.is_empty() {
        let mut failure = Failure::new(invalid.join("\n")).hint("nothing was written");
        failure.hints.extend(hints);
        return Err(failure.into());
    }

    let overridden: Vec<(&str, Source)> = parsed
        .iter()
        .filter_map(|(name, target, _)| overriding_source(&settings, *target).map(|s| (*name, s)))
        .collect();
    let prefect: Vec<(&str, &str)> = parsed
        .iter()
        .filter_map(|(_, target, raw)| match target {
            Target::Prefect(canonical) => Some((*canonical, *raw)),
            Target::Stack(_) => None,
        })
        .collect();
    let profile = settings.profile.name.clone();
    if !prefect.is_empty() {
        settings.profiles.set(&profile, &prefect);
        settings.profiles.save_merged()?;
    }
    let mut stack_changed = false;
    for (_, target, raw) in &parsed {
        if let Target::Stack(key) = target {
            settings.stack.set(key, raw);
            stack_changed = true;
        }
    }
    if stack_changed {
        settings.stack.save()?;
    }

    for (name, target, raw) in &parsed {
        printer.status(format!(
            "Set '{name}' to '{}'.",
            mask(target.canonical(), raw, false)
        ))?;
    }
    for (name, source) in overridden {
        printer.warn(format!(
            "{name} is also set in {}, which overrides this value. Remove it there with: {}",
            settings.describe(source),
            settings.repair_hint(name, source)
        ))?;
    }
    if !prefect.is_empty() {
        printer.success(format!("Updated profile '{profile}'."))?;
    }
    if stack_changed {
        printer.success(format!("Updated {}.", settings.stack.path().display()))?;
    }
    Ok(())
}

/// A source above the one `config set` writes to that also sets this setting.
fn overriding_source(settings: &Settings, target: Target) -> Option<Source> {
    match target {
        Target::Prefect(canonical) => settings
            .get(canonical)
            .map(|r| r.source)
            .filter(|s| !matches!(s, Source::Profile | Source::Defaults)),
        Target::Stack(key) => settings
            .stack_get(key)
            .map(|(_, s, _)| s)
            .filter(|s| *s == Source::Env),
    }
}

fn unset(names: &[String], yes: bool, mut settings: Settings, printer: &Printer) -> Result<()> {
    let profile = settings.profile.name.clone();
    let written = settings.profiles.settings(&profile).unwrap_or_default();
    let in_profile = |canonical: &str| {
        written.iter().any(|(key, _)| {
            key == canonical || registry::lookup(key).is_some_and(|n| n.canonical == canonical)
        })
    };

    let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
    names.dedup();
    let mut profile_keys = Vec::new();
    let mut stack_keys = Vec::new();
    for name in &names {
        match Target::resolve(name) {
            Some(Target::Prefect(canonical)) if in_profile(canonical) => profile_keys.push(*name),
            Some(Target::Prefect(canonical)) => {
                let mut failure =
                    Failure::new(format!("'{name}' is not set in profile '{profile}'."));
                if let Some(found) = settings
                    .get(canonical)
                    .filter(|r| r.source != Source::Profile)
                {
                    failure = failure.hint(format!(
                        "its value comes from {}; remove it there with: {}",
                        settings.describe(found.source),
                        settings.repair_hint(name, found.source)
                    ));
                }
                return Err(failure.into());
            }
            Some(Target::Stack(key)) if settings.stack.get(key).is_some() => stack_keys.push(key),
            Some(Target::Stack(_)) => fail!(
                "'{name}' is not set in {}.",
                settings.stack.path().display()
            ),
            // A key Prefect does not know can still be removed from the profile: that is how it gets repaired.
            None if written.iter().any(|(key, _)| key == name) => profile_keys.push(*name),
            None => return Err(unknown_setting(name).into()),
        }
    }

    let listed: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    if !yes
        && !prompt::confirm_if_interactive(
            &format!(
                "Are you sure you want to unset the following setting(s): {}?",
                listed.join(", ")
            ),
            true,
        )?
    {
        fail!("Unset aborted.");
    }

    if !profile_keys.is_empty() {
        settings.profiles.unset(&profile, &profile_keys);
        settings.profiles.save_merged()?;
    }
    for key in &stack_keys {
        settings.stack.unset(key);
    }
    if !stack_keys.is_empty() {
        settings.stack.save()?;
    }
    for name in &names {
        printer.status(format!("Unset '{name}'."))?;
        if std::env::var_os(name).is_some() {
            printer.warn(format!(
                "'{name}' is also set by an environment variable. Use `unset {name}` to clear it."
            ))?;
        }
    }
    if !profile_keys.is_empty() {
        printer.success(format!("Updated profile '{profile}'."))?;
    }
    if !stack_keys.is_empty() {
        printer.success(format!("Updated {}.", settings.stack.path().display()))?;
    }
    Ok(())
}

fn view(args: &ViewArgs, settings: &Settings, printer: &Printer) -> Result<()> {
    let show_sources = !args.hide_sources;
    let mut entries: Vec<(String, String, Source)> = Vec::new();
    for name in settings.set_names() {
        if let Some(resolved) = settings.get(name) {
            entries.push((name.to_owned(), resolved.value, resolved.source));
        }
    }
    for key in stack::KEYS {
        if let Some((value, source, _)) = settings.stack_get(key) {
            entries.push((key.name.to_owned(), value, source));
        }
    }
    if args.show_defaults {
        for typed in registry::TYPED {
            if !entries.iter().any(|(name, ..)| name == typed.name) {
                let value = settings
                    .default_of(typed.name)
                    .unwrap_or_else(|| "None".into());
                entries.push((typed.name.to_owned(), value, Source::Defaults));
            }
        }
        for key in stack::KEYS {
            if !entries.iter().any(|(name, ..)| name == key.name) {
                let value = settings.stack_default(key).unwrap_or_else(|| "None".into());
                entries.push((key.name.to_owned(), value, Source::Defaults));
            }
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for entry in &mut entries {
        entry.1 = mask(&entry.0, &entry.1, args.show_secrets);
    }

    let ui_url = settings.get("PREFECT_UI_URL").map(|r| r.value).or_else(|| {
        settings
            .get("PREFECT_API_URL")
            .map(|r| ui_url_for(&r.value))
    });
    if args.output.output == OutputFormat::Json {
        let list: Vec<_> = entries
            .iter()
            .map(|(name, value, source)| {
                if show_sources {
                    json!({"name": name, "value": value, "source": source.label()})
                } else {
                    json!({"name": name, "value": value})
                }
            })
            .collect();
        let mut doc = json!({"profile": settings.profile.name, "settings": list});
        if let Some(url) = ui_url {
            doc["ui_url"] = json!(url);
        }
        return printer.json(&doc).map_err(Into::into);
    }
    if let Some(url) = ui_url {
        printer.status(format!("🚀 you are connected to:\n{url}"))?;
    }
    printer.data(format!("PREFECT_PROFILE='{}'", settings.profile.name))?;
    for (name, value, source) in &entries {
        let from = if show_sources {
            format!(" (from {})", source.label())
        } else {
            String::new()
        };
        printer.data(format!("{name}='{value}'{from}"))?;
    }
    Ok(())
}

fn validate(fix: bool, mut settings: Settings, printer: &Printer) -> Result<()> {
    let profile = settings.profile.name.clone();
    let mut changed = false;

    // Legacy names in the profile become canonical ones, as Prefect's `config validate` does.
    let written = settings.profiles.settings(&profile).unwrap_or_default();
    for (key, raw) in &written {
        let Some(known) = registry::lookup(key).filter(|n| n.name != n.canonical) else {
            continue;
        };
        // When both are written the canonical value wins, as in Prefect; `set` drops the alias either way.
        let value = written
            .iter()
            .find(|(k, _)| k == known.canonical)
            .map_or(raw, |(_, v)| v);
        settings
            .profiles
            .set(&profile, &[(known.canonical, value.as_str())]);
        printer.status(format!(
            "Renamed legacy setting '{key}' to '{}' in profile '{profile}'.",
            known.canonical
        ))?;
        changed = true;
    }

    let mut remaining = Vec::new();
    let mut stack_changed = false;
    for problem in &settings.problems {
        let shown = mask(&problem.name, &problem.raw, false);
        match (fix, problem.source) {
            (true, Source::Profile) => {
                settings.profiles.unset(&profile, &[problem.name.as_str()]);
                printer.status(format!(
                    "Removed invalid {}='{shown}' from profile '{profile}'.",
                    problem.name
                ))?;
                changed = true;
            }
            (true, Source::StackFile) => {
                if let Some(key) = stack::lookup(&problem.name) {
                    settings.stack.unset(key);
                    printer.status(format!(
                        "Removed invalid {}='{shown}' from {}.",
                        problem.name,
                        settings.stack.path().display()
                    ))?;
                    stack_changed = true;
                }
            }
            _ => remaining.push(format!(
                "{}='{shown}' in {}: {}; fix with: {}",
                problem.name,
                settings.describe(problem.source),
                mask_in(&problem.name, &problem.raw, &problem.reason),
                settings.repair_hint(&problem.name, problem.source)
            )),
        }
    }
    if changed {
        settings.profiles.save_merged()?;
        printer.status(format!("Updated profile '{profile}'."))?;
    }
    if stack_changed {
        settings.stack.save()?;
    }
    if !remaining.is_empty() {
        let mut failure = Failure::new(format!(
            "{} invalid setting value(s):\n - {}",
            remaining.len(),
            remaining.join("\n - ")
        ));
        if !fix {
            failure = failure.hint("remove the invalid values from the profile and config.toml with: prefect-rs config validate --fix");
        }
        return Err(failure.into());
    }
    printer.success("Configuration valid!")?;
    Ok(())
}
