#!/usr/bin/env bash
# Side-by-side `server database` commands: prefect-rs (release build) against the Python `prefect`, each on its own
# SQLite database in a private PREFECT_HOME. hyperfine medians; the ratio is Python / prefect-rs.
#   upgrade -y  on a database already at head (the no-op every deploy script runs)
#   reset -y    drop everything and migrate to head (prefect-rs also backs up the file first, and that is timed)
#   usage: benches/database.sh [RUNS]   (default 10 runs after 2 warm-ups)
#   PREFECT_VENV   virtualenv with the Python prefect (default: the one .ci/test made)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
command -v hyperfine >/dev/null || { echo "hyperfine not found: apt-get install hyperfine" >&2; exit 1; }
venv=${PREFECT_VENV:-$(ls -d "${XDG_CACHE_HOME:-$HOME/.cache}"/prefect-rs/venv-* 2>/dev/null | head -1)}
[[ -x "$venv/bin/prefect" ]] || { echo "no Python prefect found; run .ci/test once or set PREFECT_VENV" >&2; exit 1; }
cargo build --release --locked -q
rs=$PWD/target/release/prefect-rs
py=$venv/bin/prefect

work=$(mktemp -d -t prefect-rs-bench.XXXX)
trap 'rm -rf "$work"' EXIT
unset PREFECT_API_URL PREFECT_PROFILE PREFECT_SERVER_DATABASE_CONNECTION_URL
rs_home=$work/rs py_home=$work/py
PREFECT_HOME=$rs_home "$rs" -q server database upgrade -y
PREFECT_HOME=$py_home "$py" server database upgrade -y >/dev/null
# reset backs up the SQLite file each time; delete the copies so they do not pile up between runs.
clean_backups="rm -f $rs_home/prefect.db.*.bak"

hyperfine -N --runs "$runs" --warmup 2 --export-json "$work/upgrade.json" \
    -n "prefect-rs upgrade -y" "env PREFECT_HOME=$rs_home $rs -q server database upgrade -y" \
    -n "prefect upgrade -y" "env PREFECT_HOME=$py_home $py server database upgrade -y" >&2
hyperfine --runs "$runs" --warmup 2 --export-json "$work/reset.json" --prepare "$clean_backups" \
    -n "prefect-rs reset -y" "env PREFECT_HOME=$rs_home $rs -q server database reset -y" \
    -n "prefect reset -y" "env PREFECT_HOME=$py_home $py server database reset -y" >&2
python3 - "$work/upgrade.json" "$work/reset.json" <<'PY'
import json, sys
results = {}
for path in sys.argv[1:]:
    results.update({r["command"]: r for r in json.load(open(path))["results"]})
print("| command | prefect-rs median | Python prefect median | ratio |")
print("|---|---|---|---|")
for cmd in ("upgrade -y", "reset -y"):
    rs, py = results[f"prefect-rs {cmd}"], results[f"prefect {cmd}"]
    print(f"| `server database {cmd}` | {rs['median']*1000:.1f} ms | {py['median']*1000:.0f} ms | {py['median']/rs['median']:.0f}x |")
PY
