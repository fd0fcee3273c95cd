#!/usr/bin/env bash
# Side-by-side benchmark of concurrency limits: the in-process server (release build) and Prefect's own server,
# each started fresh on SQLite in a private PREFECT_HOME, loopback only, one after the other in one run:
#   1. wrk, 8 connections: increment-with-lease + decrement-with-lease pairs on one global limit (of 100);
#      a pair counts when both halves succeed (Prefect's SQLite answers many with 503 under this load)
#   2. a flow of 300 tagged tasks submitted at once under `prefect concurrency-limit create bench-tag 10`:
#      its wall time (Python client), and the most tasks that ran at once (must be <= 10)
# usage: benches/concurrency.sh OUTDIR      env: DUR=10s, TASKS=300, RS=<prefect-rs binary> (default: release build)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?OUTDIR}; mkdir -p "$out"; out=$(cd "$out" && pwd)
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
venv=${PFVENV:-$(ls -d "${XDG_CACHE_HOME:-$HOME/.cache}"/prefect-rs/venv-* 2>/dev/null | head -1)}
[[ -x "$venv/bin/prefect" ]] || { echo "no Python prefect found; run .ci/test once or set PFVENV" >&2; exit 1; }
export DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false
if [[ -z ${RS:-} ]]; then cargo build --release --locked -q; RS=$PWD/target/release/prefect-rs; fi
kit=$PWD/benches/concurrency
dur=${DUR:-10s}; tasks=${TASKS:-300}

bench_one() {  # name, start command template (with {port})
    local name=$1 cmd=$2 home port pid api
    home=$(mktemp -d -t "bench-$name.XXXX")
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    api=http://127.0.0.1:$port/api
    PREFECT_HOME=$home/server setsid bash -c "exec ${cmd//\{port\}/$port}" >"$out/$name-server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 1200); do curl -sf "$api/health" >/dev/null && break; sleep 0.05; done
    curl -sf -X POST -H 'Content-Type: application/json' -d '{"name":"bench","limit":100}' \
        "$api/v2/concurrency_limits/" >/dev/null
    echo "== $name: increment-with-lease + decrement-with-lease, 8 connections, $dur" >&2
    wrk -t8 -c8 -d"$dur" -s "$kit/lease_pairs.lua" "http://127.0.0.1:$port" >"$out/$name-leases.txt"
    local rps pairs refused seconds errors
    rps=$(awk '/^Requests\/sec/{print $2}' "$out/$name-leases.txt")
    pairs=$(awk '/^PAIRS/{print $2}' "$out/$name-leases.txt")
    refused=$(awk '/^REFUSED/{print $2}' "$out/$name-leases.txt")
    seconds=$(awk '/^SECONDS/{print $2}' "$out/$name-leases.txt")
    errors=$(awk '/Socket errors/{print}' "$out/$name-leases.txt")
    local active
    active=$(curl -sf "$api/v2/concurrency_limits/bench" | python3 -c 'import json,sys; print(json.load(sys.stdin)["active_slots"])')
    echo "== $name: $tasks tagged tasks under a tag limit of 10" >&2
    PREFECT_API_URL=$api PREFECT_HOME=$home/client "$venv/bin/prefect" concurrency-limit create bench-tag 10 >/dev/null
    local flow
    flow=$(PREFECT_API_URL=$api PREFECT_HOME=$home/client "$venv/bin/python" "$kit/tagged_flow.py" "$tasks" \
        2>"$out/$name-flow.log" | tail -1)
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$home"
    python3 - "$name" "$rps" "$pairs" "$refused" "$seconds" "$errors" "$active" "$tasks" "$flow" >>"$out/results.jsonl" <<'PY'
import json, sys
name, rps, pairs, refused, seconds, errors, active, tasks, flow = sys.argv[1:]
print(json.dumps({"server": name, "requests_per_s": float(rps), "pairs": int(pairs),
                  "pairs_per_s": int(pairs) / float(seconds), "refused": int(refused), "socket_errors": errors,
                  "active_slots_after": int(active), "flow_tasks": int(tasks), "flow": json.loads(flow)}))
PY
    tail -1 "$out/results.jsonl" >&2
}

rm -f "$out/results.jsonl"
bench_one prefect-rs "$RS server start --no-docker --host 127.0.0.1 --port {port}"
bench_one python "$venv/bin/prefect server start --host 127.0.0.1 --port {port}"
python3 - "$out/results.jsonl" <<'PY'
import json, sys
rows = {r["server"]: r for r in map(json.loads, open(sys.argv[1]))}
ours, theirs = rows["prefect-rs"], rows["python"]
print(f"successful lease pairs/s: prefect-rs {ours['pairs_per_s']:.0f}, Prefect {theirs['pairs_per_s']:.0f}, "
      f"ratio {ours['pairs_per_s'] / max(theirs['pairs_per_s'], 1e-9):.1f}x; requests/s (refusals included): "
      f"{ours['requests_per_s']:.0f} vs {theirs['requests_per_s']:.0f}, "
      f"ratio {ours['requests_per_s'] / theirs['requests_per_s']:.1f}x")
a, b = ours["flow"]["wall_seconds"], theirs["flow"]["wall_seconds"]
print(f"{ours['flow_tasks']} tagged tasks under a limit of 10: prefect-rs {a}s, Prefect {b}s, ratio {b / a:.2f}x faster "
      f"(most at once: {ours['flow']['most_at_once']} / {theirs['flow']['most_at_once']})")
PY
echo "results in $out" >&2
