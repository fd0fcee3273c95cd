//! Prefect's web UI, from the user's own Python `prefect`: its two bundles (V1 at PREFECT_UI_SERVE_BASE, V2
//! under it at `/v2`, V2 the default) are found, prepared for their serve base once per version, and served
//! beside the API with `/ui-settings`, which tells the UI where the API is. Without a bundle the server still
//! serves the API, and the banner says why there is no UI.

mod bases;
mod locate;
mod prepare;
mod serve;

use std::path::PathBuf;

pub use serve::{routes, serve as fallback};

/// The UI settings, read once at start.
#[derive(Clone, Debug)]
pub struct Config {
    /// PREFECT_UI_ENABLED.
    pub enabled: bool,
    /// PREFECT_UI_SERVE_BASE.
    pub serve_base: String,
    /// PREFECT_SERVER_UI_V2_ENABLED: V2 is the default UI unless this is false.
    pub v2_default: bool,
    /// PREFECT_UI_STATIC_DIRECTORY: where the prepared copies go, instead of PREFECT_HOME.
    pub static_directory: Option<PathBuf>,
    /// PREFECT_HOME: `ui_build` and `ui_v2_build` there by default.
    pub home: PathBuf,
    /// PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED.
    pub csrf_enabled: bool,
    /// PREFECT_SERVER_API_AUTH_STRING is set: the UI shows its login.
    pub basic_auth: bool,
    /// PREFECT_UI_API_URL when set; else the address the server bound.
    pub api_url: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

impl Version {
    pub fn name(self) -> &'static str {
        match self {
            Version::V1 => "v1",
            Version::V2 => "v2",
        }
    }
}

/// A prepared bundle being served.
#[derive(Clone, Debug)]
pub struct Mounted {
    pub version: Version,
    pub dir: PathBuf,
    /// `/` or `/prefix`, without a trailing slash.
    pub base: String,
}

/// What the server serves besides the API.
#[derive(Clone, Debug)]
pub struct Site {
    /// V2 first: its base lies under V1's, so it is matched first.
    pub mounted: Vec<Mounted>,
    pub default_ui: Version,
    pub v1_base: String,
    pub v2_base: String,
    /// Where `GET /ui-settings` answers (under V1's base).
    pub settings_path: String,
    pub api_url: String,
    pub csrf_enabled: bool,
    pub basic_auth: bool,
    /// Why a UI is not served (for the banner), one line per missing bundle.
    pub missing: Vec<String>,
}

impl Site {
    /// Finds and prepares the bundles (blocking: runs Python and copies files). `bound_api_url` is the API's
    /// address as bound, for `/ui-settings` when PREFECT_UI_API_URL is not set.
    pub fn prepare(config: &Config, bound_api_url: &str) -> Site {
        let (v1_base, v2_base) = bases::resolve(&config.serve_base);
        let mut site = Site {
            mounted: Vec::new(),
            default_ui: if config.v2_default {
                Version::V2
            } else {
                Version::V1
            },
            settings_path: bases::join(&v1_base, "ui-settings"),
            v1_base,
            v2_base,
            api_url: config
                .api_url
                .clone()
                .unwrap_or_else(|| bound_api_url.to_owned()),
            csrf_enabled: config.csrf_enabled,
            basic_auth: config.basic_auth,
            missing: Vec::new(),
        };
        if !config.enabled {
            site.missing
                .push("not served: PREFECT_UI_ENABLED is false".into());
            return site;
        }
        let installed = locate::installed_prefect();
        for version in [Version::V2, Version::V1] {
            let (base, source) = match (version, &installed) {
                (Version::V1, Ok(found)) => (&site.v1_base, Some(found.v1.as_path())),
                (Version::V2, Ok(found)) => (&site.v2_base, Some(found.v2.as_path())),
                (Version::V1, Err(_)) => (&site.v1_base, None),
                (Version::V2, Err(_)) => (&site.v2_base, None),
            };
            let plan = prepare::Plan {
                version: version.name(),
                source,
                static_dir: static_dir(config, version),
                base,
                cache_key: installed
                    .as_ref()
                    .ok()
                    .map(|found| format!("{}:{}:{base}", version.name(), found.version)),
            };
            match prepare::prepare(&plan) {
                Ok(()) => site.mounted.push(Mounted {
                    version,
                    dir: plan.static_dir,
                    base: base.clone(),
                }),
                Err(reason) => site.missing.push(match &installed {
                    Err(why) => format!(
                        "{} not served: {why}. Activate a virtualenv with prefect installed (pip install \
                         prefect), or set PREFECT_UI_STATIC_DIRECTORY to prepared bundles",
                        version.name().to_uppercase()
                    ),
                    Ok(_) => format!("{} not served: {reason}", version.name().to_uppercase()),
                }),
            }
        }
        // Neither bundle for the same reason: one line says it.
        if let (Err(why), true) = (&installed, site.mounted.is_empty()) {
            site.missing = vec![format!(
                "not served: {why}. Activate a virtualenv with prefect installed (pip install prefect), or set \
                 PREFECT_UI_STATIC_DIRECTORY to prepared bundles"
            )];
        }
        // As Prefect: the configured default when it is there, else whichever is.
        if !site.serves(site.default_ui)
            && let Some(first) = site.available().first()
        {
            site.default_ui = *first;
        }
        site
    }

    pub fn serves(&self, version: Version) -> bool {
        self.mounted.iter().any(|m| m.version == version)
    }

    /// The served UIs, V1 first (the order of `/ui-settings`' `available_uis`).
    pub fn available(&self) -> Vec<Version> {
        [Version::V1, Version::V2]
            .into_iter()
            .filter(|v| self.serves(*v))
            .collect()
    }

    fn base_of(&self, version: Version) -> Option<&str> {
        self.mounted
            .iter()
            .find(|m| m.version == version)
            .map(|m| m.base.as_str())
    }

    /// The banner's lines: the default UI's address first, then the other's and what is missing.
    pub fn banner_lines(&self, origin: &str) -> Vec<String> {
        let mut lines = Vec::new();
        let mut order = self.available();
        order.sort_by_key(|v| *v != self.default_ui);
        for version in order {
            let base = self.base_of(version).unwrap_or("/");
            let path = bases::build(base, "/");
            lines.push(format!(
                "{origin}{path} ({})",
                version.name().to_uppercase()
            ));
        }
        lines.extend(self.missing.iter().cloned());
        lines
    }
}

/// Prepares both bundles from the `python3` on PATH into `dir` (made if missing: a container mounts it) for
/// the default bases, as a server given `dir` as PREFECT_UI_STATIC_DIRECTORY serves them. Returns what could
/// not be prepared.
pub fn prepare_static_directory(dir: &std::path::Path) -> Vec<String> {
    if let Err(error) = std::fs::create_dir_all(dir) {
        return vec![format!("could not create {} ({error})", dir.display())];
    }
    let config = Config {
        enabled: true,
        serve_base: "/".into(),
        v2_default: true,
        static_directory: Some(dir.to_path_buf()),
        home: dir.to_path_buf(),
        csrf_enabled: false,
        basic_auth: false,
        api_url: None,
    };
    Site::prepare(&config, "").missing
}

/// PREFECT_UI_STATIC_DIRECTORY's layout (V1 at its root when a prepared bundle is there, else `v1/`; V2 in
/// `v2/`), else PREFECT_HOME's `ui_build` and `ui_v2_build`.
fn static_dir(config: &Config, version: Version) -> PathBuf {
    match (&config.static_directory, version) {
        (Some(root), Version::V1) if root.join(prepare::REFERENCE_FILE).is_file() => root.clone(),
        (Some(root), v) => root.join(v.name()),
        (None, Version::V1) => config.home.join("ui_build"),
        (None, Version::V2) => config.home.join("ui_v2_build"),
    }
}
