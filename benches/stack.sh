#!/usr/bin/env bash
# `server start -d` against `docker-compose up -d` on the same rendered file, side by side: from no containers (images
# present, a fresh data volume each run) until GET /api/health answers 200 on the published port. Debian's
# docker-compose is 1.29, which has no --wait, so its run polls the same URL every 50 ms after `up -d` returns
# (prefect-rs polls every 100 ms). Both run the test images from tests/images/build.sh (PostgreSQL 15 and this
# binary's server), so no registry is needed. hyperfine medians; the ratio is docker-compose / prefect-rs.
#   usage: benches/stack.sh [RUNS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
command -v hyperfine >/dev/null || { echo "hyperfine not found: apt-get install hyperfine" >&2; exit 1; }
command -v docker-compose >/dev/null || { echo "docker-compose not found: apt-get install docker-compose" >&2; exit 1; }
cargo build --release --locked -q
rs=$PWD/target/release/prefect-rs
postgres_image=$(tests/images/build.sh postgres)
server_image=$(tests/images/build.sh server "$rs")

work=$(mktemp -d -t prefect-rs-stack-bench.XXXX)
port_rs=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
port_dc=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PREFECT_HOME=$work/home PREFECT_RS_SERVER_IMAGE=$server_image PREFECT_RS_SERVER_FLAVOR=prefect-rs \
    PREFECT_RS_POSTGRES_IMAGE=$postgres_image
rs_env="env PREFECT_RS_DOCKER_PROJECT=bench-rs PREFECT_RS_SERVER_PORT=$port_rs"
PREFECT_RS_DOCKER_PROJECT=bench-dc PREFECT_RS_SERVER_PORT=$port_dc "$rs" -q server config -o "$work/compose.yml"

down_rs="$rs_env $rs -q server stop --remove-data -y"
down_dc="docker-compose -p bench-dc -f $work/compose.yml down -v --timeout 10 >/dev/null 2>&1"
cleanup() { eval "$down_rs" >/dev/null 2>&1 || true; eval "$down_dc" || true; rm -rf "$work"; }
trap cleanup EXIT

cat >"$work/compose-up.sh" <<EOF
#!/usr/bin/env bash
docker-compose -p bench-dc -f $work/compose.yml up -d >/dev/null 2>&1
until curl -sf -o /dev/null http://127.0.0.1:$port_dc/api/health; do sleep 0.05; done
EOF
chmod +x "$work/compose-up.sh"

hyperfine --runs "$runs" --export-json "$work/start.json" \
    --prepare "$down_rs >/dev/null 2>&1; $down_dc; true" \
    -n "prefect-rs server start -d" "$rs_env $rs -q server start -d --pull never" \
    -n "docker-compose up -d + health" "$work/compose-up.sh" >&2
python3 - "$work/start.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ours, theirs = r["prefect-rs server start -d"], r["docker-compose up -d + health"]
print("| start until /api/health answers | median | min | max |")
print("|---|---|---|---|")
for name, x in (("prefect-rs server start -d", ours), ("docker-compose up -d + polling", theirs)):
    print(f"| {name} | {x['median']:.2f} s | {x['min']:.2f} s | {x['max']:.2f} s |")
print(f"\ndocker-compose / prefect-rs = {theirs['median'] / ours['median']:.2f}x")
PY
