//! `profiles.toml`, in Prefect's format: `active = "name"` and one `[profiles.NAME]` table of string values keyed
//! by canonical setting names. Prefect's bundled profiles (ephemeral, local, test, cloud) exist without being in
//! the file; a bundled profile is written to the file only once it is changed, exactly as Prefect does, so a
//! file written here is byte-for-byte what Prefect writes for the same changes. Unlike Prefect, edits keep the
//! user's comments, key order and keys we do not know.

use std::path::{Path, PathBuf};

use anyhow::Result;
use toml_edit::{DocumentMut, Item, Table, value};

use super::{registry, tomlfile};
use crate::fsutil;

/// Prefect's own bundled profiles file (prefect/settings/profiles.toml, 3.8).
const BUNDLED: &str = include_str!("bundled_profiles.toml");

/// The profile used when nothing selects one.
pub const DEFAULT_PROFILE: &str = "ephemeral";

pub struct ProfileStore {
    path: PathBuf,
    doc: DocumentMut,
    bundled: DocumentMut,
}

impl ProfileStore {
    pub fn load(path: PathBuf) -> Result<Self> {
        let doc = tomlfile::read_document(&path)?.unwrap_or_default();
        let bundled = BUNDLED.parse().expect("the bundled profiles file is valid TOML");
        Ok(Self { path, doc, bundled })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `active` as written in the user's file.
    pub fn file_active(&self) -> Option<&str> {
        self.doc.get("active").and_then(Item::as_str)
    }

    /// Profiles in the user's file, in file order.
    pub fn user_names(&self) -> Vec<String> {
        table_names(&self.doc)
    }

    /// The user's profiles, then bundled profiles the file does not override.
    pub fn all_names(&self) -> Vec<String> {
        let mut names = self.user_names();
        for name in table_names(&self.bundled) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    pub fn in_user_file(&self, name: &str) -> bool {
        profile_table(&self.doc, name).is_some()
    }

    pub fn exists(&self, name: &str) -> bool {
        self.in_user_file(name) || profile_table(&self.bundled, name).is_some()
    }

    /// The settings of a profile as written (key, value text), from the user's file or else the bundled one.
    pub fn settings(&self, name: &str) -> Option<Vec<(String, String)>> {
        let table = profile_table(&self.doc, name).or_else(|| profile_table(&self.bundled, name))?;
        Some(table.iter().map(|(key, item)| (key.to_owned(), item_text(item))).collect())
    }

    /// Sets canonical `settings` in profile `name`, replacing any legacy alias of the same setting.
    pub fn set(&mut self, name: &str, settings: &[(&str, &str)]) {
        let table = self.materialize(name);
        for (canonical, raw) in settings {
            remove_setting(table, canonical);
            table.insert(canonical, value(*raw));
        }
    }

    /// Removes canonical settings (and their aliases, and literal unknown keys) from profile `name`.
    pub fn unset(&mut self, name: &str, keys: &[&str]) {
        let table = self.materialize(name);
        for key in keys {
            remove_setting(table, key);
        }
    }

    /// Adds a profile to the user's file with the given settings.
    pub fn create(&mut self, name: &str, settings: &[(String, String)]) {
        let table = self.new_table(name);
        for (key, raw) in settings {
            table.insert(key, value(raw.as_str()));
        }
    }

    pub fn remove(&mut self, name: &str) {
        if let Some(profiles) = self.doc.get_mut("profiles").and_then(Item::as_table_like_mut) {
            profiles.remove(name);
        }
    }

    pub fn rename(&mut self, old: &str, new: &str) {
        let settings = self.settings(old).unwrap_or_default();
        self.remove(old);
        self.create(new, &settings);
        if self.file_active() == Some(old) {
            self.set_active(new);
        }
    }

    pub fn set_active(&mut self, name: &str) {
        self.doc.insert("active", value(name));
        // Prefect writes `active` first; keep it there when we add it to an existing file.
        self.doc.sort_values_by(|a, _, b, _| (b.get() == "active").cmp(&(a.get() == "active")));
    }

    /// Writes `active` when the file has none, as Prefect does whenever it saves the merged profiles.
    pub fn pin_active(&mut self, active: &str) {
        if self.file_active().is_none() {
            self.set_active(active);
        }
    }

    pub fn save(&self) -> Result<()> {
        fsutil::write_private_atomic(&self.path, self.doc.to_string().as_bytes())
    }

    /// The user's table for `name`, created from the bundled profile (or empty) when the file lacks it.
    fn materialize(&mut self, name: &str) -> &mut Table {
        if !self.in_user_file(name) {
            let inherited = profile_table(&self.bundled, name)
                .map(|t| t.iter().map(|(k, item)| (k.to_owned(), item_text(item))).collect::<Vec<_>>())
                .unwrap_or_default();
            self.create(name, &inherited);
        }
        self.doc["profiles"][name].as_table_mut().expect("profile tables are tables")
    }

    fn new_table(&mut self, name: &str) -> &mut Table {
        let preceded = !self.doc.is_empty();
        let profiles = self.doc.entry("profiles").or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        let profiles = profiles.as_table_mut().expect("`profiles` is a table");
        let mut table = Table::new();
        // Python's toml.dumps puts a blank line before every table header but the first line of the file.
        if preceded {
            table.decor_mut().set_prefix("\n");
        }
        profiles.insert(name, Item::Table(table));
        profiles[name].as_table_mut().expect("just inserted")
    }
}

fn table_names(doc: &DocumentMut) -> Vec<String> {
    doc.get("profiles")
        .and_then(Item::as_table_like)
        .map(|t| t.iter().filter(|(_, item)| item.is_table_like()).map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default()
}

fn profile_table<'a>(doc: &'a DocumentMut, name: &str) -> Option<&'a Table> {
    doc.get("profiles")?.get(name)?.as_table()
}

fn remove_setting(table: &mut Table, key: &str) {
    let canonical = registry::lookup(key).map_or(key, |n| n.canonical);
    let doomed: Vec<String> = table
        .iter()
        .map(|(k, _)| k.to_owned())
        .filter(|k| k == key || registry::lookup(k).is_some_and(|n| n.canonical == canonical))
        .collect();
    for k in doomed {
        table.remove(&k);
    }
}

fn item_text(item: &Item) -> String {
    match item.as_value() {
        Some(v) => v.as_str().map_or_else(|| v.to_string().trim().to_owned(), str::to_owned),
        None => item.to_string().trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> ProfileStore {
        ProfileStore::load(PathBuf::from("/nonexistent/profiles.toml")).unwrap()
    }

    #[test]
    fn a_changed_bundled_profile_is_written_like_prefect_writes_it() {
        let mut s = store();
        s.pin_active("ephemeral");
        s.set("ephemeral", &[("PREFECT_API_URL", "http://127.0.0.1:4200/api"), ("PREFECT_SERVER_API_PORT", "4300")]);
        s.create("dev", &[]);
        assert_eq!(
            s.doc.to_string(),
            "active = \"ephemeral\"\n\n[profiles.ephemeral]\nPREFECT_SERVER_EPHEMERAL_ENABLED = \"true\"\n\
             PREFECT_API_URL = \"http://127.0.0.1:4200/api\"\nPREFECT_SERVER_API_PORT = \"4300\"\n\n[profiles.dev]\n"
        );
    }

    #[test]
    fn a_new_profile_alone_has_no_active_key() {
        let mut s = store();
        s.create("dev", &[]);
        assert_eq!(s.doc.to_string(), "[profiles.dev]\n");
    }

    #[test]
    fn setting_a_canonical_name_replaces_its_alias() {
        let mut s = store();
        s.create("dev", &[("PREFECT_API_DATABASE_CONNECTION_URL".into(), "sqlite:///a".into())]);
        s.set("dev", &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", "sqlite:///b")]);
        assert_eq!(s.settings("dev").unwrap(), vec![("PREFECT_SERVER_DATABASE_CONNECTION_URL".to_owned(), "sqlite:///b".to_owned())]);
    }
}
