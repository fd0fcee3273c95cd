//! Where each UI is served: PREFECT_UI_SERVE_BASE is V1's base and V2 lives under it at `v2`, or the setting
//! names V2's base (`…/v2`) and V1 is its parent. The same rules as Prefect's, so a reverse proxy configured for
//! Prefect's server works for ours.

/// The V2 bundle's path segment under V1's base.
const V2_SEGMENT: &str = "v2";

/// `""` → `/`; a leading slash added, a trailing one dropped.
pub fn normalize(base: &str) -> String {
    if base.is_empty() {
        return "/".into();
    }
    let with_slash = if base.starts_with('/') {
        base.to_owned()
    } else {
        format!("/{base}")
    };
    let trimmed = with_slash.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        trimmed.to_owned()
    }
}

/// `suffix` under `base`.
pub fn join(base: &str, suffix: &str) -> String {
    let base = normalize(base);
    let suffix = format!("/{}", suffix.trim_start_matches('/'));
    if base == "/" {
        suffix
    } else {
        format!("{base}{suffix}")
    }
}

/// (V1's base, V2's base) for PREFECT_UI_SERVE_BASE.
pub fn resolve(configured: &str) -> (String, String) {
    let base = normalize(configured);
    let v2_suffix = format!("/{V2_SEGMENT}");
    if base == v2_suffix {
        return ("/".into(), base);
    }
    if let Some(parent) = base.strip_suffix(&v2_suffix) {
        let v1 = if parent.is_empty() { "/" } else { parent };
        return (v1.to_owned(), base);
    }
    let v2 = join(&base, V2_SEGMENT);
    (base, v2)
}

/// The path relative to `base` (starting with `/`) when `path` is under it.
pub fn relative<'a>(path: &'a str, base: &str) -> Option<&'a str> {
    if base == "/" {
        return path.starts_with('/').then_some(path);
    }
    let rest = path.strip_prefix(base)?;
    match rest {
        "" => Some("/"),
        r if r.starts_with('/') => Some(r),
        _ => None,
    }
}

/// `relative` under `base`; a bare base keeps its trailing slash so the answer lands inside the bundle.
pub fn build(base: &str, relative: &str) -> String {
    let base = normalize(base);
    let relative = if relative.starts_with('/') {
        relative.to_owned()
    } else {
        format!("/{relative}")
    };
    match (base.as_str(), relative.as_str()) {
        ("/", r) => r.to_owned(),
        (b, "/") => format!("{b}/"),
        (b, r) => format!("{b}{r}"),
    }
}

/// What replaces the bundles' placeholder: nothing at the root, else the base.
pub fn placeholder_value(base: &str) -> &str {
    if base == "/" { "" } else { base }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_resolve_as_prefect_resolves_them() {
        assert_eq!(resolve(""), ("/".into(), "/v2".into()));
        assert_eq!(resolve("/"), ("/".into(), "/v2".into()));
        assert_eq!(resolve("/v2"), ("/".into(), "/v2".into()));
        assert_eq!(
            resolve("prefect/"),
            ("/prefect".into(), "/prefect/v2".into())
        );
        assert_eq!(
            resolve("/prefect/v2/"),
            ("/prefect".into(), "/prefect/v2".into())
        );
        assert_eq!(join("/", "ui-settings"), "/ui-settings");
        assert_eq!(join("/prefect", "ui-settings"), "/prefect/ui-settings");
    }

    #[test]
    fn paths_are_placed_under_their_base() {
        assert_eq!(relative("/v2/runs", "/v2"), Some("/runs"));
        assert_eq!(relative("/v2", "/v2"), Some("/"));
        assert_eq!(relative("/v2x", "/v2"), None);
        assert_eq!(relative("/runs", "/"), Some("/runs"));
        assert_eq!(build("/v2", "/"), "/v2/");
        assert_eq!(build("/v2", "/runs"), "/v2/runs");
        assert_eq!(build("/", "/runs"), "/runs");
        assert_eq!(placeholder_value("/"), "");
        assert_eq!(placeholder_value("/v2"), "/v2");
    }
}
