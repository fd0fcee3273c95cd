//! `profiles.toml`, in Prefect's format: `active = "name"` and one `[profiles.NAME]` table of string values keyed
//! by canonical setting names. Prefect's bundled profiles (ephemeral, local, test, cloud) exist without being in
//! the file; a bundled profile is written to the file only once it is changed, exactly as Prefect does.
//! Prefect regenerates the whole file with Python's `toml.dumps` on every save; `save` reproduces that layout
//! (table order, blank lines, canonical key names, double-quoted escaped strings) on the user's own document, so a
//! file written here is byte-for-byte what Prefect writes for the same changes, while the user's comments and the
//! keys we do not know survive.

use std::path::{Path, PathBuf};

use anyhow::Result;
use toml_edit::{DocumentMut, Item, Key, Table, Value};

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
        let bundled = BUNDLED
            .parse()
            .expect("the bundled profiles file is valid TOML");
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
        let table =
            profile_table(&self.doc, name).or_else(|| profile_table(&self.bundled, name))?;
        Some(
            table
                .iter()
                .map(|(key, item)| (key.to_owned(), tomlfile::item_text(item)))
                .collect(),
        )
    }

    /// Sets canonical `settings` in profile `name`. A setting already written (under its canonical name or an
    /// alias) keeps its place, as it does in Prefect's dict merge; a new one goes last.
    pub fn set(&mut self, name: &str, settings: &[(&str, &str)]) {
        let table = self.materialize(name);
        for (canonical, raw) in settings {
            let existing = table
                .iter()
                .map(|(k, _)| k.to_owned())
                .find(|k| canonical_of(k) == *canonical);
            match existing.and_then(|k| table.get_mut(&k)) {
                Some(item) => {
                    let decor = item
                        .as_value()
                        .map(|v| v.decor().clone())
                        .unwrap_or_default();
                    let mut value = python_string(raw);
                    *value.decor_mut() = decor;
                    *item = Item::Value(value);
                }
                None => {
                    table.insert(canonical, Item::Value(python_string(raw)));
                }
            }
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
            table.insert(key, Item::Value(python_string(raw)));
        }
    }

    pub fn remove(&mut self, name: &str) {
        if let Some(profiles) = self
            .doc
            .get_mut("profiles")
            .and_then(Item::as_table_like_mut)
        {
            profiles.remove(name);
        }
    }

    /// Moves the profile's table (comments included) to the new name, at the end, where Prefect puts it.
    pub fn rename(&mut self, old: &str, new: &str) {
        if let Some(profiles) = self.doc.get_mut("profiles").and_then(Item::as_table_mut)
            && let Some(item) = profiles.remove(old)
        {
            profiles.insert(new, item);
        }
        if self.file_active() == Some(old) {
            self.set_active(new);
        }
    }

    pub fn set_active(&mut self, name: &str) {
        self.doc.insert("active", Item::Value(python_string(name)));
        // Prefect writes `active` first; keep it there when we add it to an existing file.
        self.doc
            .sort_values_by(|a, _, b, _| (b.get() == "active").cmp(&(a.get() == "active")));
    }

    /// Saves after a command that, in Prefect, works on the profiles merged with the bundled ones (`config set`,
    /// `unset`, `validate`, `profile use`, `delete`): Prefect then writes `active` even when the file had none, and
    /// puts changed bundled profiles first, in their bundled order.
    pub fn save_merged(&mut self) -> Result<()> {
        if self.file_active().is_none() {
            self.set_active(DEFAULT_PROFILE);
        }
        let bundled = table_names(&self.bundled);
        let mut order = self.user_names();
        order.sort_by_key(|name| bundled.iter().position(|b| b == name).unwrap_or(usize::MAX));
        self.save_in_order(&order)
    }

    /// Saves after a command that, in Prefect, works on the user's file alone (`profile create`, `rename`,
    /// `populate-defaults`): profiles stay in file order.
    pub fn save(&mut self) -> Result<()> {
        let order = self.user_names();
        self.save_in_order(&order)
    }

    fn save_in_order(&mut self, order: &[String]) -> Result<()> {
        self.lay_out_like_python(order);
        fsutil::write_private_atomic(&self.path, self.doc.to_string().as_bytes())
    }

    /// Gives the document the layout `toml.dumps` gives Prefect's profiles, touching only whitespace, key names,
    /// value quoting and table order: comments stay.
    fn lay_out_like_python(&mut self, order: &[String]) {
        let preceded = self.doc.iter().any(|(_, item)| !item.is_table_like());
        let Some(profiles) = self
            .doc
            .entry("profiles")
            .or_insert_with(|| Item::Table(Table::new()))
            .as_table_mut()
        else {
            return; // `profiles = {…}` inline: unusual but valid; left as written.
        };
        // An empty `profiles` is written as a bare `[profiles]` header; with profiles it is implicit.
        profiles.set_implicit(!order.is_empty());
        if order.is_empty() {
            set_blank_prefix(profiles, preceded);
        }
        for (index, name) in order.iter().enumerate() {
            let Some(table) = profiles.get_mut(name).and_then(Item::as_table_mut) else {
                continue;
            };
            table.set_position(Some(index as isize + 1));
            set_blank_prefix(table, preceded || index > 0);
            canonicalize(table);
        }
    }

    /// The user's table for `name`, created from the bundled profile (or empty) when the file lacks it.
    fn materialize(&mut self, name: &str) -> &mut Table {
        if !self.in_user_file(name) {
            let inherited = profile_table(&self.bundled, name)
                .map(|t| {
                    t.iter()
                        .map(|(k, item)| (k.to_owned(), tomlfile::item_text(item)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            self.create(name, &inherited);
        }
        self.doc["profiles"][name]
            .as_table_mut()
            .expect("profile tables are tables")
    }

    fn new_table(&mut self, name: &str) -> &mut Table {
        let profiles = self.doc.entry("profiles").or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        let profiles = profiles.as_table_mut().expect("`profiles` is a table");
        profiles.insert(name, Item::Table(Table::new()));
        profiles[name].as_table_mut().expect("just inserted")
    }
}

fn table_names(doc: &DocumentMut) -> Vec<String> {
    doc.get("profiles")
        .and_then(Item::as_table_like)
        .map(|t| {
            t.iter()
                .filter(|(_, item)| item.is_table_like())
                .map(|(k, _)| k.to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn profile_table<'a>(doc: &'a DocumentMut, name: &str) -> Option<&'a Table> {
    doc.get("profiles")?.get(name)?.as_table()
}

/// Python's `toml.dumps` puts one blank line before every table header except at the very start of the file.
/// A prefix holding the user's comments is theirs and stays.
fn set_blank_prefix(table: &mut Table, preceded: bool) {
    let blank = table
        .decor()
        .prefix()
        .and_then(|p| p.as_str())
        .is_none_or(|p| p.trim().is_empty());
    if blank {
        table
            .decor_mut()
            .set_prefix(if preceded { "\n" } else { "" });
    }
}

/// Prefect reads a profile into a dict keyed by canonical settings (canonical names first, then aliases whose
/// canonical name is absent) and writes every value as a string. Keys Prefect does not know stay where they are.
fn canonicalize(table: &mut Table) {
    let entries: Vec<(Key, Item)> = table
        .iter()
        .map(|(k, _)| {
            table
                .get_key_value(k)
                .map(|(key, item)| (key.clone(), item.clone()))
                .unwrap()
        })
        .collect();
    let is_alias = |key: &Key| registry::lookup(key.get()).is_some_and(|n| n.name != n.canonical);
    table.clear();
    for (key, item) in entries.iter().filter(|(k, _)| !is_alias(k)) {
        table.insert_formatted(key, as_python_string(item));
    }
    for (key, item) in entries.iter().filter(|(k, _)| is_alias(k)) {
        let canonical = canonical_of(key.get());
        if !table.contains_key(canonical) {
            let mut renamed = Key::new(canonical);
            *renamed.leaf_decor_mut() = key.leaf_decor().clone();
            table.insert_formatted(&renamed, as_python_string(item));
        }
    }
}

fn canonical_of(key: &str) -> &str {
    registry::lookup(key).map_or(key, |n| n.canonical)
}

/// A value re-written as the string Prefect would store (`str(value)`), keeping its inline comment.
fn as_python_string(item: &Item) -> Item {
    let Some(value) = item.as_value() else {
        return item.clone();
    };
    let text = match value {
        Value::String(s) => s.value().clone(),
        Value::Boolean(b) => if *b.value() { "True" } else { "False" }.to_owned(),
        other => other.to_string().trim().to_owned(),
    };
    let mut string = python_string(&text);
    *string.decor_mut() = value.decor().clone();
    Item::Value(string)
}

/// A TOML string value written exactly as Python's `toml` package writes it: always double quotes, with
/// backslash escapes for quotes, backslashes and control characters.
fn python_string(text: &str) -> Value {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04x}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
        .parse()
        .expect("an escaped basic string is a valid TOML value")
}

fn remove_setting(table: &mut Table, key: &str) {
    let canonical = canonical_of(key);
    let doomed: Vec<String> = table
        .iter()
        .map(|(k, _)| k.to_owned())
        .filter(|k| k == key || canonical_of(k) == canonical)
        .collect();
    for k in doomed {
        table.remove(&k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store whose file does not exist yet, in a directory removed when the test ends.
    fn store() -> (tempfile::TempDir, ProfileStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::load(dir.path().join("profiles.toml")).unwrap();
        (dir, store)
    }

    #[test]
    fn a_changed_bundled_profile_is_written_like_prefect_writes_it() {
        let (_dir, mut s) = store();
        s.create("dev", &[]);
        s.set(
            "ephemeral",
            &[
                ("PREFECT_API_URL", "http://127.0.0.1:4200/api"),
                ("PREFECT_SERVER_API_PORT", "4300"),
            ],
        );
        s.save_merged().unwrap();
        assert_eq!(
            s.doc.to_string(),
            "active = \"ephemeral\"\n\n[profiles.ephemeral]\nPREFECT_SERVER_EPHEMERAL_ENABLED = \"true\"\n\
             PREFECT_API_URL = \"http://127.0.0.1:4200/api\"\nPREFECT_SERVER_API_PORT = \"4300\"\n\n[profiles.dev]\n"
        );
    }

    #[test]
    fn a_new_profile_alone_has_no_active_key() {
        let (_dir, mut s) = store();
        s.create("dev", &[]);
        s.save().unwrap();
        assert_eq!(s.doc.to_string(), "[profiles.dev]\n");
    }

    #[test]
    fn setting_a_canonical_name_replaces_its_alias() {
        let (_dir, mut s) = store();
        s.create(
            "dev",
            &[(
                "PREFECT_API_DATABASE_CONNECTION_URL".into(),
                "sqlite:///a".into(),
            )],
        );
        s.set(
            "dev",
            &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", "sqlite:///b")],
        );
        s.save().unwrap();
        assert_eq!(
            s.settings("dev").unwrap(),
            vec![(
                "PREFECT_SERVER_DATABASE_CONNECTION_URL".to_owned(),
                "sqlite:///b".to_owned()
            )]
        );
    }

    #[test]
    fn strings_are_quoted_like_pythons_toml() {
        let cases = [
            ("ad\"min:p\\ss", r#""ad\"min:p\\ss""#),
            ("line1\nline2", r#""line1\nline2""#),
            ("é", "\"é\""),
            ("\u{1}", r#""\u0001""#),
        ];
        for (text, expected) in cases {
            assert_eq!(python_string(text).to_string(), expected);
        }
    }

    #[test]
    fn layout_follows_python_after_deletes_renames_and_comments() {
        let (_dir, mut s) = store();
        s.doc = "# mine\n[profiles.dev]\nPREFECT_UI_API_URL = 'x' # note\nPREFECT_SERVER_API_PORT = 4300\n\n[profiles.qa]\n".parse().unwrap();
        s.rename("dev", "prod");
        s.save().unwrap();
        assert_eq!(
            s.doc.to_string(),
            "[profiles.qa]\n# mine\n[profiles.prod]\nPREFECT_SERVER_API_PORT = \"4300\"\nPREFECT_SERVER_UI_API_URL = \"x\" # note\n"
        );
        s.remove("qa");
        s.remove("prod");
        s.set_active("local");
        s.save_merged().unwrap();
        assert_eq!(s.doc.to_string(), "active = \"local\"\n\n[profiles]\n");
    }
}
