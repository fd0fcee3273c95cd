#!/usr/bin/env bash
# Side-by-side CLI start-up: prefect-rs (release build) against the Python `prefect` CLI, same machine, same
# private PREFECT_HOME holding the same profile. hyperfine medians; the ratio is Python / prefect-rs.
#   usage: benches/cli.sh [RUNS]        (default 20 runs after 3 warm-ups)
#   PREFECT_VENV   virtualenv with the Python prefect (default: the one .ci/test made)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
command -v hyperfine >/dev/null || { echo "hyperfine not found: apt-get install hyperfine" >&2; exit 1; }
venv=${PREFECT_VENV:-$(ls -d "${XDG_CACHE_HOME:-$HOME/.cache}"/prefect-rs/venv-* 2>/dev/null | head -1)}
[[ -x "$venv/bin/prefect" ]] || { echo "no Python prefect found; run .ci/test once or set PREFECT_VENV" >&2; exit 1; }
cargo build --release --locked -q
rs=$PWD/target/release/prefect-rs
py=$venv/bin/prefect

export PREFECT_HOME=$(mktemp -d -t prefect-rs-bench.XXXX)
trap 'rm -rf "$PREFECT_HOME"' EXIT
unset PREFECT_API_URL PREFECT_PROFILE
"$py" config set PREFECT_API_URL=http://127.0.0.1:4200/api PREFECT_SERVER_API_PORT=4300 >/dev/null

out=$(mktemp -d -t prefect-rs-bench-out.XXXX)
hyperfine -N --runs "$runs" --warmup 3 --export-json "$out/cli.json" \
    -n "prefect-rs --version" "$rs --version" \
    -n "prefect --version" "$py --version" \
    -n "prefect-rs config view" "$rs config view" \
    -n "prefect config view" "$py config view" >&2
python3 - "$out/cli.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
print("| command | prefect-rs median | Python prefect median | ratio |")
print("|---|---|---|---|")
for cmd in ("--version", "config view"):
    rs, py = results[f"prefect-rs {cmd}"], results[f"prefect {cmd}"]
    print(f"| `{cmd}` | {rs['median']*1000:.2f} ms | {py['median']*1000:.0f} ms | {py['median']/rs['median']:.0f}x |")
PY
