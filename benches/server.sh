#!/usr/bin/env bash
# Side-by-side benchmarks of the in-process server (release build) and, with --python, Prefect's own server, on
# this machine, loopback only, each started fresh on SQLite in a private PREFECT_HOME:
#   1. start until GET /api/health answers: cold (empty home, migrations included) and warm; idle RSS after 10 s
#   2. wrk: health at c1/c16, POST /flows/ and /flow_runs/ at c8/c1, set_state RUNNING/COMPLETED at c8
#   3. a flow with 300 submitted tasks: the lag until the server shows all its task runs (Python client)
# usage: benches/server.sh OUTDIR [--python]      env: RUNS=5 (start), REPEATS=1 (wrk), DUR=10s, FLOW_RUNS=3
# The scripts in benches/server/ come from the team's shared bench kit (see its README there).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?OUTDIR}; mkdir -p "$out"; out=$(cd "$out" && pwd)
with_python=${2:-}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
venv=${PFVENV:-$(ls -d "${XDG_CACHE_HOME:-$HOME/.cache}"/prefect-rs/venv-* 2>/dev/null | head -1)}
[[ -x "$venv/bin/prefect" ]] || { echo "no Python prefect found; run .ci/test once or set PFVENV" >&2; exit 1; }
export PFVENV=$venv DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false
cargo build --release --locked -q
rs=$PWD/target/release/prefect-rs
kit=$PWD/benches/server

bench_one() {  # name, start command template (with {port}), extra env for the server
    local name=$1 cmd=$2
    echo "== $name: start time and idle RSS" >&2
    python3 "$kit/bench_server_start.py" --cmd "$cmd" --home-env PREFECT_HOME --runs "${RUNS:-5}" \
        --out "$out/$name-start.jsonl" --log "$out/$name-start.log" >&2
    local home port pid
    home=$(mktemp -d -t "bench-$name.XXXX"); port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    PREFECT_HOME=$home setsid bash -c "exec ${cmd//\{port\}/$port}" >"$out/$name-server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.05; done
    echo "== $name: HTTP load" >&2
    SERVER_PID=$pid REPEATS=${REPEATS:-1} bash "$kit/http_bench.sh" "http://127.0.0.1:$port" "$out/$name-http" "${REPEATS:-1}" >&2
    echo "== $name: 300-task flow" >&2
    FLOW_SPECS='300 submit' bash "$kit/flow_bench.sh" "http://127.0.0.1:$port" "$out/$name-flow" "${FLOW_RUNS:-3}" >&2
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$home"
}

bench_one prefect-rs "$rs server start --no-docker --host 127.0.0.1 --port {port}"
if [[ $with_python == --python ]]; then
    bench_one python "$venv/bin/prefect server start --host 127.0.0.1 --port {port}"
fi
echo "results in $out" >&2
