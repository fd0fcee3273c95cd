//! A bundle as shipped has `/PREFECT_UI_SERVE_BASE_REPLACE_PLACEHOLDER` where its serve base belongs. It is
//! copied once per Prefect version and base into a directory of its own with the placeholder replaced; the
//! `UI_SERVE_BASE` file there holds the cache key it was made for, as in Prefect, so servers of the same home
//! (under a file lock) and later starts reuse the copy.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// The placeholder the bundles' files carry instead of their serve base.
const PLACEHOLDER: &str = "/PREFECT_UI_SERVE_BASE_REPLACE_PLACEHOLDER";
/// Marks a prepared copy; holds its cache key.
pub const REFERENCE_FILE: &str = "UI_SERVE_BASE";
/// Only text files carry the placeholder (Prefect's list).
const TEXT_EXTENSIONS: &[&str] = &["txt", "html", "css", "js", "json"];

/// One bundle to make servable.
pub struct Plan<'a> {
    /// `v1` or `v2`: names the lock file.
    pub version: &'a str,
    /// The shipped bundle, when a Python prefect was found.
    pub source: Option<&'a Path>,
    /// Where the prepared copy lives and is served from.
    pub static_dir: PathBuf,
    pub base: &'a str,
    /// `"{version}:{prefect version}:{base}"`, when the Prefect version is known.
    pub cache_key: Option<String>,
}

/// Makes the plan's directory servable; the error says why it cannot be.
pub fn prepare(plan: &Plan) -> Result<(), String> {
    let Some(source) = plan.source else {
        // No Python prefect: a copy prepared earlier for this base (an image's, a volume's) is served as is.
        return match read_key(&plan.static_dir) {
            Some(key) if key.ends_with(&format!(":{}", plan.base)) => Ok(()),
            Some(key) => Err(format!(
                "{} was prepared for another base ({key})",
                plan.static_dir.display()
            )),
            None => Err("no Python prefect was found to copy it from".into()),
        };
    };
    if !source.join("index.html").is_file() {
        return Err(format!("{} holds no UI bundle", source.display()));
    }
    let key = plan.cache_key.as_deref().unwrap_or_default();
    if read_key(&plan.static_dir).as_deref() == Some(key) {
        return Ok(());
    }
    let parent = plan
        .static_dir
        .parent()
        .ok_or_else(|| format!("{} has no parent", plan.static_dir.display()))?;
    fs::create_dir_all(parent).map_err(|e| describe(parent, &e))?;
    let _lock = lock(&parent.join(format!(".{}_ui_static.lock", plan.version)))?;
    // Another server of this home may have made the copy while we waited.
    if read_key(&plan.static_dir).as_deref() == Some(key) {
        return Ok(());
    }
    let staging = parent.join(format!(
        ".{}.partial",
        plan.static_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| plan.version.to_owned())
    ));
    let _ = fs::remove_dir_all(&staging);
    copy_replacing(source, &staging, super::bases::placeholder_value(plan.base))
        .map_err(|e| describe(&staging, &e))?;
    fs::write(staging.join(REFERENCE_FILE), key).map_err(|e| describe(&staging, &e))?;
    if plan.static_dir.exists() {
        fs::remove_dir_all(&plan.static_dir).map_err(|e| describe(&plan.static_dir, &e))?;
    }
    fs::rename(&staging, &plan.static_dir).map_err(|e| describe(&plan.static_dir, &e))
}

fn read_key(dir: &Path) -> Option<String> {
    fs::read_to_string(dir.join(REFERENCE_FILE)).ok()
}

fn lock(path: &Path) -> Result<File, String> {
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| describe(path, &e))?;
    file.lock().map_err(|e| describe(path, &e))?;
    Ok(file)
}

fn copy_replacing(from: &Path, to: &Path, replacement: &str) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_replacing(&entry.path(), &target, replacement)?;
        } else if carries_placeholder(&target) {
            let text = fs::read_to_string(entry.path())?;
            fs::write(&target, text.replace(PLACEHOLDER, replacement))?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn carries_placeholder(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEXT_EXTENSIONS.contains(&e))
}

/// Prefect's hints: a full disk or an unwritable directory is fixed by pointing PREFECT_UI_STATIC_DIRECTORY
/// elsewhere.
fn describe(path: &Path, error: &io::Error) -> String {
    let hint = match error.kind() {
        io::ErrorKind::StorageFull
        | io::ErrorKind::PermissionDenied
        | io::ErrorKind::ReadOnlyFilesystem => {
            "; set PREFECT_UI_STATIC_DIRECTORY to a writable directory with space"
        }
        _ => "",
    };
    format!("could not prepare {} ({error}){hint}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_replaces_the_placeholder_once_per_key() {
        let root = tempfile::tempdir().unwrap();
        let source = root.path().join("ui-v2");
        fs::create_dir_all(source.join("assets")).unwrap();
        fs::write(
            source.join("index.html"),
            "<script src=\"/PREFECT_UI_SERVE_BASE_REPLACE_PLACEHOLDER/assets/a.js\">",
        )
        .unwrap();
        fs::write(
            source.join("assets/a.js"),
            "base='/PREFECT_UI_SERVE_BASE_REPLACE_PLACEHOLDER'",
        )
        .unwrap();
        fs::write(
            source.join("assets/logo.png"),
            b"/PREFECT_UI_SERVE_BASE_REPLACE_PLACEHOLDER",
        )
        .unwrap();
        let plan = Plan {
            version: "v2",
            source: Some(&source),
            static_dir: root.path().join("home/ui_v2_build"),
            base: "/v2",
            cache_key: Some("v2:3.8.8:/v2".into()),
        };
        prepare(&plan).unwrap();
        let built = &plan.static_dir;
        assert_eq!(
            fs::read_to_string(built.join("index.html")).unwrap(),
            "<script src=\"/v2/assets/a.js\">"
        );
        assert_eq!(
            fs::read_to_string(built.join("assets/a.js")).unwrap(),
            "base='/v2'"
        );
        assert_eq!(
            fs::read(built.join("assets/logo.png")).unwrap(),
            b"/PREFECT_UI_SERVE_BASE_REPLACE_PLACEHOLDER"
        );
        assert_eq!(
            fs::read_to_string(built.join(REFERENCE_FILE)).unwrap(),
            "v2:3.8.8:/v2"
        );
        // Same key: the copy is kept as it is.
        fs::write(built.join("index.html"), "kept").unwrap();
        prepare(&plan).unwrap();
        assert_eq!(
            fs::read_to_string(built.join("index.html")).unwrap(),
            "kept"
        );
        // Without Python, a copy made for this base is served; for another base it is not.
        let without = Plan {
            source: None,
            cache_key: None,
            ..plan
        };
        prepare(&without).unwrap();
        let elsewhere = Plan {
            base: "/other",
            ..without
        };
        assert!(prepare(&elsewhere).unwrap_err().contains("another base"));
    }
}
