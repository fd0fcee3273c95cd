//! `profile ls | create | use | delete | rename | inspect | populate-defaults`, with Prefect's messages. `use`
//! saves the switch first and only then looks at the server, so a switch never depends on the network.

use std::time::Duration;

use anyhow::Result;
use serde_json::json;

use super::mask;
use crate::cli::{OutputArgs, ProfileCommand};
use crate::error::{Failure, fail};
use crate::output::{OutputFormat, Printer};
use crate::probe::{self, Health};
use crate::settings::{ChosenBy, Settings};
use crate::{fsutil, prompt};

pub fn run(command: ProfileCommand, settings: Settings, printer: &Printer) -> Result<()> {
    match command {
        ProfileCommand::Ls(output) => ls(&output, &settings, printer),
        ProfileCommand::Create { name, from } => create(&name, from.as_deref(), settings, printer),
        ProfileCommand::Use { name } => use_(&name, settings, printer),
        ProfileCommand::Delete { name, yes } => delete(&name, yes, settings, printer),
        ProfileCommand::Rename { name, new_name } => rename(&name, &new_name, settings, printer),
        ProfileCommand::Inspect {
            name,
            show_secrets,
            output,
        } => inspect(name.as_deref(), show_secrets, &output, &settings, printer),
        ProfileCommand::PopulateDefaults { yes } => populate_defaults(yes, settings, printer),
    }
}

fn not_found(name: &str) -> Failure {
    Failure::new(format!("Profile '{name}' not found."))
        .hint("list profiles with: prefect-rs profile ls")
}

fn ls(output: &OutputArgs, settings: &Settings, printer: &Printer) -> Result<()> {
    let names = settings.profiles.all_names();
    let active = &settings.profile.name;
    if output.output == OutputFormat::Json {
        let list: Vec<_> = names
            .iter()
            .map(|n| json!({"name": n, "active": n == active}))
            .collect();
        return Ok(printer.json(&json!(list))?);
    }
    for name in &names {
        printer.data(if name == active {
            format!("* {name}")
        } else {
            format!("  {name}")
        })?;
    }
    Ok(())
}

fn create(name: &str, from: Option<&str>, mut settings: Settings, printer: &Printer) -> Result<()> {
    if name.trim().is_empty() {
        fail!("A profile name cannot be empty.");
    }
    if settings.profiles.in_user_file(name) {
        return Err(Failure::new(format!("Profile '{name}' already exists."))
            .hint(format!("to create a new profile, remove the existing profile first: prefect-rs profile delete '{name}'"))
            .into());
    }
    let copied = match from {
        Some(source) => settings
            .profiles
            .settings(source)
            .ok_or_else(|| not_found(source))?,
        None => Vec::new(),
    };
    settings.profiles.create(name, &copied);
    settings.profiles.save()?;
    let from_text = from.map_or("None".to_owned(), |f| format!("'{f}'"));
    printer.success(format!(
        "Created profile with properties:\n    name - '{name}'\n    from name - {from_text}\n\n\
         Use created profile for future, subsequent commands:\n    prefect-rs profile use '{name}'\n\n\
         Use created profile temporarily for a single command:\n    prefect-rs -p '{name}' config view"
    ))?;
    Ok(())
}

fn use_(name: &str, mut settings: Settings, printer: &Printer) -> Result<()> {
    if !settings.profiles.exists(name) {
        return Err(not_found(name).into());
    }
    settings.profiles.set_active(name);
    settings.profiles.save_merged()?;
    printer.status(format!("Switched to profile '{name}'."))?;
    if let Ok(env_profile) = std::env::var("PREFECT_PROFILE")
        && env_profile != name
    {
        printer.warn(format!("PREFECT_PROFILE={env_profile} in the environment overrides the active profile; unset it to use '{name}'."))?;
    }

    // The switch is saved; what follows only reports.
    settings.switch_profile(name);
    let api_url = settings.get("PREFECT_API_URL").map(|r| r.value);
    let Some(api_url) = api_url else {
        printer.success(format!("No Prefect server specified using profile '{name}' - the API will run in ephemeral mode."))?;
        return Ok(());
    };
    let spinner = printer.spinner("Checking API connectivity...");
    let health = probe::check(&api_url, Duration::from_secs(2));
    spinner.finish_and_clear();
    match health {
        Health::Healthy => printer.success(format!("Connected to Prefect server using profile '{name}'"))?,
        Health::Unhealthy(reason) => printer.warn(format!(
            "Could not reach the Prefect server at {api_url} using profile '{name}': {reason}. The profile is active anyway."
        ))?,
        Health::NotChecked(why) => printer.status(format!("API connectivity not checked for {api_url}: {why}."))?,
    }
    Ok(())
}

fn delete(name: &str, yes: bool, mut settings: Settings, printer: &Printer) -> Result<()> {
    if !settings.profiles.exists(name) {
        return Err(not_found(name).into());
    }
    if settings.profile.name == name {
        fail!(
            "Profile '{name}' is the active profile. You must switch profiles before it can be deleted."
        );
    }
    if !settings.profiles.in_user_file(name) {
        fail!(
            "Profile '{name}' is one of Prefect's bundled profiles and is not in {}; there is nothing to delete.",
            settings.profiles.path().display()
        );
    }
    if !yes
        && !prompt::confirm_or_require_yes(
            &format!("Are you sure you want to delete profile with name '{name}'?"),
            false,
        )?
    {
        fail!("Deletion aborted.");
    }
    settings.profiles.remove(name);
    settings.profiles.save_merged()?;
    printer.success(format!("Removed profile '{name}'."))?;
    Ok(())
}

fn rename(name: &str, new_name: &str, mut settings: Settings, printer: &Printer) -> Result<()> {
    if !settings.profiles.in_user_file(name) {
        return Err(not_found(name).into());
    }
    if new_name.trim().is_empty() {
        fail!("A profile name cannot be empty.");
    }
    if settings.profiles.in_user_file(new_name) {
        fail!("Profile '{new_name}' already exists.");
    }
    settings.profiles.rename(name, new_name);
    settings.profiles.save()?;
    if settings.profile.chosen_by == ChosenBy::Env && settings.profile.name == name {
        printer.warn(format!(
            "You have set your current profile to '{name}' with the PREFECT_PROFILE environment variable. \
             You must update this variable to '{new_name}' to continue using the profile."
        ))?;
    }
    printer.success(format!("Renamed profile '{name}' to '{new_name}'."))?;
    Ok(())
}

fn inspect(
    name: Option<&str>,
    show_secrets: bool,
    output: &OutputArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<()> {
    let json = output.output == OutputFormat::Json;
    let name = match name {
        Some(name) => name,
        None => {
            if !json {
                printer.status(format!(
                    "No name provided, defaulting to '{}'",
                    settings.profile.name
                ))?;
            }
            &settings.profile.name
        }
    };
    let values = settings
        .profiles
        .settings(name)
        .ok_or_else(|| not_found(name))?;
    let shown: Vec<(String, String)> = values
        .iter()
        .map(|(k, v)| (k.clone(), mask(k, v, show_secrets)))
        .collect();
    if json {
        let object: serde_json::Map<String, serde_json::Value> =
            shown.into_iter().map(|(k, v)| (k, json!(v))).collect();
        return Ok(printer.json(&serde_json::Value::Object(object))?);
    }
    if shown.is_empty() {
        printer.status(format!("Profile '{name}' is empty."))?;
    }
    for (key, value) in shown {
        printer.data(format!("{key}='{value}'"))?;
    }
    Ok(())
}

fn populate_defaults(yes: bool, mut settings: Settings, printer: &Printer) -> Result<()> {
    let path = settings.profiles.path().to_owned();
    let present = settings.profiles.user_names();
    let missing: Vec<String> = settings
        .profiles
        .all_names()
        .into_iter()
        .filter(|n| !present.contains(n))
        .collect();
    if missing.is_empty() {
        printer.success("No changes needed. All profiles are up to date.")?;
        return Ok(());
    }
    if !path.exists() {
        printer.status("Creating new profiles file with default profiles.")?;
    }
    printer.status("Proposed Changes:")?;
    for name in &missing {
        printer.status(format!("  • Add '{name}'"))?;
    }
    if path.exists() {
        let backup = path.with_file_name(format!(
            "{}.bak",
            path.file_name().unwrap_or_default().to_string_lossy()
        ));
        // Without a terminal we cannot ask, and a backup costs nothing, so we make one.
        if prompt::confirm_if_interactive(
            &format!("Back up existing profiles to {}?", backup.display()),
            true,
        )? {
            fsutil::write_private_atomic(&backup, &std::fs::read(&path)?)?;
            printer.status(format!("Profiles backed up to {}", backup.display()))?;
        }
    }
    if !yes
        && !prompt::confirm_if_interactive(
            &format!("Update profiles at {}?", path.display()),
            true,
        )?
    {
        printer.status("Operation cancelled.")?;
        return Ok(());
    }
    for name in &missing {
        let bundled = settings.profiles.settings(name).unwrap_or_default();
        settings.profiles.create(name, &bundled);
    }
    settings.profiles.save()?;
    printer.success(format!("Profiles updated in {}", path.display()))?;
    printer.status("Use with prefect-rs profile use [PROFILE-NAME]")?;
    printer.status("Available profiles:")?;
    for name in settings.profiles.user_names() {
        printer.status(format!("  - {name}"))?;
    }
    Ok(())
}
