//! Finding the UI bundles that ship inside the user's Python `prefect` wheel: the `python3` (or `python`) on
//! PATH is asked where its `prefect` package is, as an activated virtualenv would answer.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The bundles of one installed `prefect`.
#[derive(Clone, Debug)]
pub struct Installed {
    pub version: String,
    /// `prefect.__ui_static_path__`: the V1 (Vue) bundle.
    pub v1: PathBuf,
    /// `prefect.__ui_v2_static_path__`: the V2 (React) bundle.
    pub v2: PathBuf,
}

/// Python started slower than this is given up on: the server must start anyway.
const PYTHON_BOUND: Duration = Duration::from_secs(15);

/// Importing `prefect` costs more than a second, so the package is found without importing it; the bundle
/// paths are where `prefect/__init__.py` defines `__ui_static_path__` and `__ui_v2_static_path__`.
const PROBE: &str = "import importlib.metadata as m, importlib.util as u, json, os\n\
spec = u.find_spec('prefect')\n\
root = os.path.dirname(spec.origin) if spec and spec.origin else None\n\
print(json.dumps(root and {'version': m.version('prefect'), \
'v1': os.path.join(root, 'server', 'ui'), 'v2': os.path.join(root, 'server', 'ui-v2')}))\n";

/// The installed `prefect`'s bundles, or why there are none (for the banner).
pub fn installed_prefect() -> Result<Installed, String> {
    // `python` only when there is no `python3`: in a virtualenv both are the same interpreter, and each try
    // costs a Python start.
    match probe("python3") {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err("`python3` on PATH has no prefect package".into()),
        Err(not_run) => match probe("python") {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err("`python` on PATH has no prefect package".into()),
            Err(reason) => Err(format!("{not_run}; {reason}")),
        },
    }
}

fn probe(python: &str) -> Result<Option<Installed>, String> {
    let mut child = Command::new(python)
        .args(["-c", PROBE])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("`{python}` could not be run ({e})"))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() < PYTHON_BOUND => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{python}` did not answer within {} s",
                    PYTHON_BOUND.as_secs()
                ));
            }
        }
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("`{python}` failed ({e})"))?;
    if !output.status.success() {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let answer: serde_json::Value = match serde_json::from_str(text.trim()) {
        Ok(value) => value,
        Err(_) => return Ok(None),
    };
    let field = |name: &str| answer.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    Ok(match (field("version"), field("v1"), field("v2")) {
        (Some(version), Some(v1), Some(v2)) => Some(Installed {
            version,
            v1: v1.into(),
            v2: v2.into(),
        }),
        _ => None,
    })
}
