#!/usr/bin/env bash
# Side-by-side benchmark of `prefect deployment run` → the run is Running under the official process worker: the
# in-process server (release build) and Prefect's own server, each started fresh on SQLite in a private
# PREFECT_HOME, loopback only, one after the other in one run. benches/deployment_run.py times every HTTP request
# of the CLI, the worker and the flow-run process, and splits each run's latency into create, poll wait (the
# worker's poll interval: excluded), pickup (poll → Pending → Running) and the server's share of create + pickup.
# usage: benches/deployment_run.sh OUTDIR      env: RUNS=5, QUERY_SECONDS=1 (the worker's poll interval),
#        RS=<prefect-rs binary> (default: release build), SERVERS="prefect-rs python" (or just one)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?OUTDIR}; mkdir -p "$out"; out=$(cd "$out" && pwd)
venv=${PFVENV:-$(ls -d "${XDG_CACHE_HOME:-$HOME/.cache}"/prefect-rs/venv-* 2>/dev/null | head -1)}
[[ -x "$venv/bin/prefect" ]] || { echo "no Python prefect found; run .ci/test once or set PFVENV" >&2; exit 1; }
export DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_SERVER_UI_ENABLED=false
servers=${SERVERS:-prefect-rs python}
if [[ -z ${RS:-} && $servers == *prefect-rs* ]]; then cargo build --release --locked -q; RS=$PWD/target/release/prefect-rs; fi
runs=${RUNS:-5}

bench_one() {  # name, start command template (with {port})
    local name=$1 cmd=$2 home port pid api
    home=$(mktemp -d -t "bench-$name.XXXX")
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    api=http://127.0.0.1:$port/api
    PREFECT_HOME=$home/server setsid bash -c "exec ${cmd//\{port\}/$port}" >"$out/$name-server.log" 2>&1 &
    pid=$!; server_pid=$pid
    trap 'kill -TERM -- "-$server_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 1 1200); do curl -sf "$api/health" >/dev/null && break; sleep 0.05; done
    echo "== $name: $runs × prefect deployment run → Running under a process worker" >&2
    local status=0
    "$venv/bin/python" benches/deployment_run.py "$api" "$home" "$runs" >"$out/$name-runs.json" || status=$?
    cp "$home/worker.log" "$out/$name-worker.log" 2>/dev/null || true
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$home"
    [[ $status == 0 ]] || { echo "$name: the scenario failed (see $out/$name-worker.log)" >&2; return 1; }
    python3 -c 'import json,sys; r=json.load(open(sys.argv[2])); print(json.dumps({"server": sys.argv[1], **r}))' \
        "$name" "$out/$name-runs.json" >>"$out/results.jsonl"
    python3 -c 'import json,sys; print(json.dumps(json.loads(open(sys.argv[1]).readlines()[-1])["median"]))' \
        "$out/results.jsonl" >&2
}

rm -f "$out/results.jsonl"
if [[ " $servers " == *" prefect-rs "* ]]; then
    bench_one prefect-rs "$RS server start --no-docker --host 127.0.0.1 --port {port}"
fi
if [[ " $servers " == *" python "* ]]; then
    bench_one python "$venv/bin/prefect server start --host 127.0.0.1 --port {port}"
fi
if [[ $servers == "prefect-rs python" ]]; then
    python3 - "$out/results.jsonl" <<'PY'
import json, sys
rows = {r["server"]: r["median"] for r in map(json.loads, open(sys.argv[1]))}
ours, theirs = rows["prefect-rs"], rows["python"]
print("medians (s)           prefect-rs   Prefect   ratio")
for key in ["cli_to_running_s", "create_s", "poll_wait_s", "pickup_s", "poll_to_pending_s", "pending_to_running_s",
            "latency_without_poll_wait_s", "server_s"]:
    print(f"{key:28} {ours[key]:8.3f} {theirs[key]:9.3f} {theirs[key] / max(ours[key], 1e-9):6.1f}x")
print(f"requests on the path: {ours['requests_on_path']} / {theirs['requests_on_path']}")
PY
fi
echo "results in $out" >&2
