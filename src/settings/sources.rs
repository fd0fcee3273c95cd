//! The places a setting's value can come from, highest precedence first, exactly as Prefect 3 ranks them:
//! environment, `.env` in the working directory, `prefect.toml`, `pyproject.toml [tool.prefect]`, the active
//! profile, then defaults. Each source yields (canonical name, raw text); legacy aliases are folded into their
//! canonical name, and a canonical name beats its alias within one source, as in Prefect.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use super::registry;
use super::tomlfile;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Env,
    DotEnv,
    PrefectToml,
    Pyproject,
    Profile,
    StackFile,
    Defaults,
}

impl Source {
    /// The label `config view` prints after "from", the same words Prefect uses.
    pub fn label(self) -> &'static str {
        match self {
            Source::Env => "env",
            Source::DotEnv => ".env file",
            Source::PrefectToml => "prefect.toml",
            Source::Pyproject => "pyproject.toml",
            Source::Profile => "profile",
            Source::StackFile => "config.toml",
            Source::Defaults => "defaults",
        }
    }
}

/// The values one source sets, by canonical name.
pub struct Layer {
    pub source: Source,
    pub values: BTreeMap<String, String>,
}

impl Layer {
    /// Builds a layer from (name as written, value) pairs, keeping only names Prefect knows.
    pub fn from_names<'a>(
        source: Source,
        pairs: impl IntoIterator<Item = (&'a str, String)>,
    ) -> Self {
        let mut values = BTreeMap::new();
        let mut from_canonical = Vec::new();
        for (name, raw) in pairs {
            let Some(known) = registry::lookup(name) else {
                continue;
            };
            let is_canonical = known.name == known.canonical;
            if is_canonical || !from_canonical.contains(&known.canonical) {
                values.insert(known.canonical.to_owned(), raw);
            }
            if is_canonical {
                from_canonical.push(known.canonical);
            }
        }
        Self { source, values }
    }
}

pub fn env_layer() -> Layer {
    let vars: Vec<(String, String)> = std::env::vars()
        .filter(|(name, _)| name.starts_with("PREFECT_"))
        .collect();
    Layer::from_names(
        Source::Env,
        vars.iter().map(|(k, v)| (k.as_str(), v.clone())),
    )
}

pub fn dotenv_layer(dir: &Path) -> Result<Layer> {
    let path = dir.join(".env");
    let pairs = match std::fs::read_to_string(&path) {
        Ok(text) => parse_dotenv(&text),
        Err(_) => Vec::new(),
    };
    Ok(Layer::from_names(
        Source::DotEnv,
        pairs.iter().map(|(k, v)| (k.as_str(), v.clone())),
    ))
}

pub fn prefect_toml_layer(dir: &Path) -> Result<Layer> {
    let table = tomlfile::read_table(&dir.join("prefect.toml"))?.unwrap_or_default();
    Ok(toml_layer(Source::PrefectToml, &table))
}

pub fn pyproject_layer(dir: &Path) -> Result<Layer> {
    let table = tomlfile::read_table(&dir.join("pyproject.toml"))?.unwrap_or_default();
    let prefect = table
        .get("tool")
        .and_then(|t| t.get("prefect"))
        .and_then(toml::Value::as_table);
    Ok(toml_layer(
        Source::Pyproject,
        prefect.unwrap_or(&toml::Table::new()),
    ))
}

/// Flattens nested tables into dotted paths and keeps those that name a setting (Prefect ignores the rest).
fn toml_layer(source: Source, table: &toml::Table) -> Layer {
    fn walk(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::Table(inner) => walk(&path, inner, out),
                scalar => {
                    if let Some(setting) = registry::by_accessor(&path) {
                        out.insert(setting.canonical.to_owned(), tomlfile::scalar_text(scalar));
                    }
                }
            }
        }
    }
    let mut values = BTreeMap::new();
    walk("", table, &mut values);
    Layer { source, values }
}

/// Parses `.env` as python-dotenv does for the cases people write: `KEY=value`, `export KEY=value`, quotes,
/// comments and blank lines.
pub fn parse_dotenv(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, raw)) = line.split_once('=') else {
            continue;
        };
        let raw = raw.trim();
        let value = match raw.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                raw[1..].split(quote).next().unwrap_or_default().to_owned()
            }
            _ => raw
                .split(" #")
                .next()
                .unwrap_or_default()
                .trim_end()
                .to_owned(),
        };
        pairs.push((key.trim().to_owned(), value));
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_forms() {
        let pairs = parse_dotenv(
            "# c\nexport A=1\nB = \"two words\" \nC='x#y'\nD=plain # comment\n\nbad line\n",
        );
        assert_eq!(
            pairs,
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "two words".into()),
                ("C".into(), "x#y".into()),
                ("D".into(), "plain".into())
            ]
        );
    }

    #[test]
    fn canonical_beats_alias_in_one_source() {
        let layer = Layer::from_names(
            Source::Env,
            [
                ("PREFECT_SERVER_UI_API_URL", "http://a/api".to_owned()),
                ("PREFECT_UI_API_URL", "http://b/api".to_owned()),
            ],
        );
        assert_eq!(layer.values["PREFECT_SERVER_UI_API_URL"], "http://a/api");
        let layer = Layer::from_names(
            Source::Env,
            [("PREFECT_UI_API_URL", "http://b/api".to_owned())],
        );
        assert_eq!(layer.values["PREFECT_SERVER_UI_API_URL"], "http://b/api");
    }

    #[test]
    fn toml_paths_map_to_settings() {
        let table: toml::Table =
            toml::from_str("[server.api]\nport = 4300\nbogus = 1\n[api]\nurl = \"http://x/api\"")
                .unwrap();
        let layer = toml_layer(Source::PrefectToml, &table);
        assert_eq!(layer.values["PREFECT_SERVER_API_PORT"], "4300");
        assert_eq!(layer.values["PREFECT_API_URL"], "http://x/api");
        assert_eq!(layer.values.len(), 2);
    }
}
