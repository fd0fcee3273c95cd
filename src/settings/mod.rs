//! Prefect settings as the Python tools see them, plus prefect-rs's stack file. `Settings::load` reads every
//! source once; lookups then follow Prefect 3's precedence (env > .env > prefect.toml > pyproject.toml >
//! active profile > default). A value that fails its type check is reported as a `Problem` and skipped, so one bad
//! value never stops a command (Prefect crashes on it, #16813); `config unset` and `config validate` repair it.

pub mod kind;
pub mod nested;
pub mod profiles;
pub mod registry;
pub mod sources;
pub mod stack;
mod tomlfile;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::Failure;
use profiles::{DEFAULT_PROFILE, ProfileStore};
use registry::Default;
use sources::{Layer, Source};
use stack::{Origin, StackDefault, StackFile, StackKey};

/// How the active profile was chosen, in Prefect's order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChosenBy {
    CommandLine,
    Env,
    File,
    Default,
}

pub struct ActiveProfile {
    pub name: String,
    pub chosen_by: ChosenBy,
}

/// A value that is set somewhere but fails its type check.
pub struct Problem {
    pub name: String,
    pub raw: String,
    pub source: Source,
    pub reason: String,
}

pub struct Resolved {
    pub value: String,
    pub source: Source,
}

pub struct Settings {
    pub home: PathBuf,
    pub profiles: ProfileStore,
    pub profile: ActiveProfile,
    pub stack: StackFile,
    /// Env, .env, prefect.toml, pyproject.toml, profile: highest precedence first.
    layers: Vec<Layer>,
    /// `PREFECT_RS_*` variables from the environment.
    stack_env: BTreeMap<String, String>,
    pub problems: Vec<Problem>,
    /// Things worth a warning that are not bad values (unknown names, unknown profile, Prefect 1 keys).
    pub notices: Vec<String>,
}

impl Settings {
    /// Reads every source. `cli_profile` is `--profile`, which must name an existing profile.
    pub fn load(cli_profile: Option<&str>) -> Result<Self> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let file_layers = [
            sources::env_layer(),
            sources::dotenv_layer(&cwd)?,
            sources::prefect_toml_layer(&cwd)?,
            sources::pyproject_layer(&cwd)?,
        ];
        // An empty path means unset (not the working directory).
        let first = |name: &str| {
            file_layers
                .iter()
                .find_map(|l| l.values.get(name).filter(|v| !v.trim().is_empty()).cloned())
        };

        let home = match first("PREFECT_HOME") {
            Some(raw) => expand_home(&raw, None)?,
            None => user_home()?.join(".prefect"),
        };
        let profiles_path = match first("PREFECT_PROFILES_PATH") {
            Some(raw) => expand_home(&raw, Some(&home))?,
            None => home.join("profiles.toml"),
        };
        let profiles = ProfileStore::load(profiles_path)?;
        let mut notices = Vec::new();
        let profile = choose_profile(&profiles, cli_profile, &mut notices)?;

        let profile_layer = profile_layer(&profiles, &profile.name, &mut notices);

        let stack = StackFile::load(home.join("config.toml"))?;
        let mut stack_env = BTreeMap::new();
        for (name, raw) in std::env::vars().filter(|(n, _)| n.starts_with(stack::PREFIX)) {
            if stack::lookup(&name).is_some() {
                stack_env.insert(name, raw);
            } else {
                notices.push(format!(
                    "Environment variable {name} is not a prefect-rs stack setting; it is ignored."
                ));
            }
        }

        let mut settings = Settings {
            home,
            profiles,
            profile,
            stack,
            layers: file_layers.into_iter().chain([profile_layer]).collect(),
            stack_env,
            problems: Vec::new(),
            notices,
        };
        settings.find_problems();
        Ok(settings)
    }

    /// Makes `name` the profile values come from, as if it had been active at load (used after `profile use`).
    pub fn switch_profile(&mut self, name: &str) {
        let layer = profile_layer(&self.profiles, name, &mut self.notices);
        *self.layers.last_mut().expect("the profile layer is last") = layer;
        self.profile = ActiveProfile {
            name: name.to_owned(),
            chosen_by: ChosenBy::CommandLine,
        };
        self.find_problems();
    }

    /// The winning value of a Prefect setting and its source, skipping invalid values.
    pub fn get(&self, canonical: &str) -> Option<Resolved> {
        let kind = registry::kind_of(canonical);
        self.layers.iter().find_map(|layer| {
            let raw = layer.values.get(canonical)?;
            kind.check(raw).is_ok().then(|| Resolved {
                value: raw.clone(),
                source: layer.source,
            })
        })
    }

    /// The invalid values that would be in effect were they valid: those that leave their setting on a value other
    /// than the one written. A bad value under a valid one from a source of higher precedence changes nothing.
    pub fn winning_problems(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|problem| {
            self.layers
                .iter()
                .find(|layer| layer.values.contains_key(&problem.name))
                .is_some_and(|layer| layer.source == problem.source)
        })
    }

    /// Every canonical Prefect setting that some source sets (valid or not), sorted.
    pub fn set_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .layers
            .iter()
            .flat_map(|l| l.values.keys().map(String::as_str))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The value a setting has when nothing sets it, as Prefect would print it (`None` when it has none).
    pub fn default_of(&self, canonical: &str) -> Option<String> {
        match registry::typed(canonical)?.default {
            Default::Unset => None,
            Default::Static(text) => Some(text.to_owned()),
            Default::Derived => match canonical {
                "PREFECT_HOME" => Some(self.home.display().to_string()),
                "PREFECT_PROFILES_PATH" => Some(self.profiles.path().display().to_string()),
                "PREFECT_SERVER_DATABASE_CONNECTION_URL" => Some(format!(
                    "sqlite+aiosqlite:///{}",
                    self.home.join("prefect.db").display()
                )),
                "PREFECT_SERVER_UI_API_URL" => {
                    Some(self.effective("PREFECT_API_URL").unwrap_or_else(|| {
                        let host = self
                            .effective("PREFECT_SERVER_API_HOST")
                            .unwrap_or_default();
                        let port = self
                            .effective("PREFECT_SERVER_API_PORT")
                            .unwrap_or_default();
                        format!("http://{}:{port}/api", bracket_ipv6(&host))
                    }))
                }
                "PREFECT_UI_URL" => self
                    .effective("PREFECT_API_URL")
                    .map(|api| ui_url_for(&api)),
                other => unreachable!("no derived default for {other}"),
            },
        }
    }

    pub fn effective(&self, canonical: &str) -> Option<String> {
        self.get(canonical)
            .map(|r| r.value)
            .or_else(|| self.default_of(canonical))
    }

    /// The winning value of a stack key: environment, then config.toml.
    pub fn stack_get(&self, key: &StackKey) -> Option<(String, Source, Origin)> {
        if let Some(raw) = self
            .stack_env
            .get(key.name)
            .filter(|raw| key.kind.check(raw).is_ok())
        {
            return Some((raw.clone(), Source::Env, Origin::Key));
        }
        let (raw, origin) = self.stack.get(key)?;
        key.kind
            .check(&raw)
            .is_ok()
            .then_some((raw, Source::StackFile, origin))
    }

    pub fn stack_default(&self, key: &StackKey) -> Option<String> {
        match key.default {
            StackDefault::Unset => None,
            StackDefault::Static(text) => Some(text.to_owned()),
            StackDefault::InHome(relative) => Some(self.home.join(relative).display().to_string()),
            StackDefault::PublishedApiUrl => {
                let get = |name| {
                    stack::lookup(name)
                        .and_then(|k| self.stack_effective(k))
                        .unwrap_or_default()
                };
                Some(published_api_url(
                    &get("PREFECT_RS_SERVER_HOST_IP"),
                    &get("PREFECT_RS_SERVER_PORT"),
                ))
            }
        }
    }

    pub fn stack_effective(&self, key: &StackKey) -> Option<String> {
        self.stack_get(key)
            .map(|(v, ..)| v)
            .or_else(|| self.stack_default(key))
    }

    /// Where a source lives, for messages ("profile 'dev' in /home/u/.prefect/profiles.toml").
    pub fn describe(&self, source: Source) -> String {
        let cwd = |file: &str| {
            std::env::current_dir()
                .map(|d| d.join(file).display().to_string())
                .unwrap_or(file.into())
        };
        match source {
            Source::Env => "the environment".into(),
            Source::DotEnv => cwd(".env"),
            Source::PrefectToml => cwd("prefect.toml"),
            Source::Pyproject => cwd("pyproject.toml"),
            Source::Profile => format!(
                "profile '{}' in {}",
                self.profile.name,
                self.profiles.path().display()
            ),
            Source::StackFile => self.stack.path().display().to_string(),
            Source::Defaults => "the defaults".into(),
        }
    }

    /// The command that removes a bad value from `source`.
    pub fn repair_hint(&self, name: &str, source: Source) -> String {
        match source {
            Source::Profile | Source::StackFile => format!("prefect-rs config unset {name}"),
            Source::Env => format!("unset {name}"),
            other => format!("edit {}", self.describe(other)),
        }
    }

    fn find_problems(&mut self) {
        let mut problems = Vec::new();
        for layer in &self.layers {
            for (name, raw) in &layer.values {
                if let Err(reason) = registry::kind_of(name).check(raw) {
                    problems.push(Problem {
                        name: name.clone(),
                        raw: raw.clone(),
                        source: layer.source,
                        reason,
                    });
                }
            }
        }
        for key in stack::KEYS {
            let from_env = self
                .stack_env
                .get(key.name)
                .map(|raw| (raw.clone(), Source::Env));
            let from_file = self.stack.get(key).map(|(raw, origin)| {
                if let Origin::Legacy(old) = origin {
                    self.notices.push(format!(
                        "{}: [server.ui] {old} is a Prefect 1 key, read as [server.ui] api_url ({}); it is deprecated. \
                         Move it with: prefect-rs config set {}={raw}",
                        self.stack.path().display(),
                        key.name,
                        key.name
                    ));
                }
                (raw, Source::StackFile)
            });
            for (raw, source) in from_env.into_iter().chain(from_file) {
                if let Err(reason) = key.kind.check(&raw) {
                    problems.push(Problem {
                        name: key.name.to_owned(),
                        raw,
                        source,
                        reason,
                    });
                }
            }
        }
        self.problems = problems;
    }
}

/// The values profile `name` sets; keys Prefect does not know are noted and left out.
fn profile_layer(profiles: &ProfileStore, name: &str, notices: &mut Vec<String>) -> Layer {
    let written = profiles.settings(name).unwrap_or_default();
    for (key, _) in &written {
        if registry::lookup(key).is_none() {
            notices.push(format!(
                "Setting '{key}' in profile '{name}' is not recognized; it is ignored."
            ));
        }
    }
    Layer::from_names(
        Source::Profile,
        written.iter().map(|(k, v)| (k.as_str(), v.clone())),
    )
}

fn choose_profile(
    profiles: &ProfileStore,
    cli: Option<&str>,
    notices: &mut Vec<String>,
) -> Result<ActiveProfile> {
    if let Some(name) = cli {
        if !profiles.exists(name) {
            return Err(Failure::new(format!("Unknown profile '{name}'."))
                .hint("list profiles with: prefect-rs profile ls")
                .into());
        }
        return Ok(ActiveProfile {
            name: name.to_owned(),
            chosen_by: ChosenBy::CommandLine,
        });
    }
    let env = std::env::var("PREFECT_PROFILE")
        .ok()
        .filter(|n| !n.is_empty());
    let candidates = [
        (env.as_deref(), ChosenBy::Env, "by environment variable"),
        (
            profiles.file_active(),
            ChosenBy::File,
            "in the profiles file",
        ),
    ];
    for (name, chosen_by, how) in candidates {
        let Some(name) = name else { continue };
        if profiles.exists(name) {
            return Ok(ActiveProfile {
                name: name.to_owned(),
                chosen_by,
            });
        }
        notices.push(format!(
            "Active profile '{name}' set {how} not found. The default profile will be used instead."
        ));
        break;
    }
    Ok(ActiveProfile {
        name: DEFAULT_PROFILE.to_owned(),
        chosen_by: ChosenBy::Default,
    })
}

fn user_home() -> Result<PathBuf> {
    std::env::home_dir()
        .filter(|p| !p.as_os_str().is_empty())
        .ok_or_else(|| {
            Failure::new("Cannot find your home directory to locate ~/.prefect.")
                .hint("set PREFECT_HOME to the directory Prefect should use")
                .into()
        })
}

/// Expands `~` and (for paths under the home) `$PREFECT_HOME`, as Prefect's path settings do.
fn expand_home(raw: &str, prefect_home: Option<&Path>) -> Result<PathBuf> {
    let mut text = raw.to_owned();
    if let Some(home) = prefect_home {
        text = text.replace("$PREFECT_HOME", &home.display().to_string());
    }
    if text == "~" || text.starts_with("~/") {
        text = format!("{}{}", user_home()?.display(), &text[1..]);
    }
    Ok(PathBuf::from(text))
}

/// The API at the address a port is published on, as a browser or client on this machine reaches it: a wildcard
/// bind address is not somewhere one can go, this machine is.
pub fn published_api_url(host_ip: &str, port: &str) -> String {
    let host = match host_ip {
        "0.0.0.0" | "::" => "127.0.0.1",
        host => host,
    };
    format!("http://{}:{port}/api", bracket_ipv6(host))
}

fn bracket_ipv6(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// Prefect's rule for the UI's URL: the API URL without its `/api` suffix (Cloud API URLs map to the Cloud UI).
pub fn ui_url_for(api_url: &str) -> String {
    const CLOUD_API: &str = "https://api.prefect.cloud/api";
    let mut url = api_url.to_owned();
    if url.starts_with(CLOUD_API) {
        url = url
            .replacen(CLOUD_API, "https://app.prefect.cloud", 1)
            .replace("/accounts/", "/account/")
            .replace("/workspaces/", "/workspace/");
    }
    url.strip_suffix("/api").map(str::to_owned).unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::ui_url_for;

    #[test]
    fn ui_urls() {
        assert_eq!(
            ui_url_for("http://127.0.0.1:4200/api"),
            "http://127.0.0.1:4200"
        );
        assert_eq!(
            ui_url_for("https://api.prefect.cloud/api/accounts/a/workspaces/w"),
            "https://app.prefect.cloud/account/a/workspace/w"
        );
    }
}
