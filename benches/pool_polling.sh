#!/usr/bin/env bash
# Side-by-side benchmark of a worker's poll, POST /api/work_pools/{name}/get_scheduled_flow_runs, with N (100k)
# Scheduled flow runs in the database: the in-process server (release build) and Prefect's own server, each
# started fresh on SQLite in a private PREFECT_HOME, loopback only, one after the other in one run.
# Each server is seeded by benches/pool_polling.py (a deployment on a process pool through the API, then N copies
# of one Scheduled run straight into its SQLite file: DUE of them due, the rest from tomorrow on), then wrk with
# 16 connections sends the official worker's poll body; every poll returns the DUE runs.
# usage: benches/pool_polling.sh OUTDIR      env: N=100000, DUE=10, DUR=10s (ours), PY_DUR=30s (Prefect's),
#        CONNS=16, RS=<prefect-rs binary> (default: release build), SERVERS="prefect-rs python" (or just one)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?OUTDIR}; mkdir -p "$out"; out=$(cd "$out" && pwd)
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
venv=${PFVENV:-$(ls -d "${XDG_CACHE_HOME:-$HOME/.cache}"/prefect-rs/venv-* 2>/dev/null | head -1)}
[[ -x "$venv/bin/prefect" ]] || { echo "no Python prefect found; run .ci/test once or set PFVENV" >&2; exit 1; }
export DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_SERVER_UI_ENABLED=false
servers=${SERVERS:-prefect-rs python}
if [[ -z ${RS:-} && $servers == *prefect-rs* ]]; then cargo build --release --locked -q; RS=$PWD/target/release/prefect-rs; fi
n=${N:-100000}; due=${DUE:-10}; conns=${CONNS:-16}

bench_one() {  # name, duration, start command template (with {port})
    local name=$1 dur=$2 cmd=$3 home port pid api
    home=$(mktemp -d -t "bench-$name.XXXX")
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    api=http://127.0.0.1:$port/api
    PREFECT_HOME=$home setsid bash -c "exec ${cmd//\{port\}/$port}" >"$out/$name-server.log" 2>&1 &
    pid=$!; server_pid=$pid
    trap 'kill -TERM -- "-$server_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 1 1200); do curl -sf "$api/health" >/dev/null && break; sleep 0.05; done
    echo "== $name: seeding $n scheduled runs ($due due)" >&2
    python3 benches/pool_polling.py "$api" "$home/prefect.db" "$n" "$due" >"$out/$name-seed.json"
    cat "$out/$name-seed.json" >&2
    local before
    before=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["scheduled_before"])' "$out/$name-seed.json")
    echo "== $name: get_scheduled_flow_runs, $conns connections, $dur" >&2
    POOL=bench-pool SCHEDULED_BEFORE=$before wrk -t2 -c"$conns" -d"$dur" --timeout 60s --latency \
        -s benches/pool_polling.lua "http://127.0.0.1:$port" >"$out/$name-wrk.txt"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$home"
    python3 - "$name" "$out/$name-wrk.txt" "$out/$name-seed.json" "$conns" >>"$out/results.jsonl" <<'PY'
import json, sys
name, wrk, seed, conns = sys.argv[1:]
fields = dict(l.split(None, 1) for l in open(wrk) if l.strip() and l.split()[0].isupper() and len(l.split()) == 2)
get = lambda k: float(fields[k])
print(json.dumps({"server": name, "connections": int(conns), "ok": int(get("OK")), "refused": int(get("REFUSED")),
                  "polls_per_s": get("OK") / get("SECONDS"), "p50_ms": get("P50_MS"), "p90_ms": get("P90_MS"),
                  "p99_ms": get("P99_MS"), "max_ms": get("MAX_MS"), "seed": json.load(open(seed))}))
PY
    tail -1 "$out/results.jsonl" >&2
}

rm -f "$out/results.jsonl"
if [[ " $servers " == *" prefect-rs "* ]]; then
    bench_one prefect-rs "${DUR:-10s}" "$RS server start --no-docker --host 127.0.0.1 --port {port}"
fi
if [[ " $servers " == *" python "* ]]; then
    bench_one python "${PY_DUR:-30s}" "$venv/bin/prefect server start --host 127.0.0.1 --port {port}"
fi
if [[ $servers == "prefect-rs python" ]]; then
    python3 - "$out/results.jsonl" <<'PY'
import json, sys
rows = {r["server"]: r for r in map(json.loads, open(sys.argv[1]))}
ours, theirs = rows["prefect-rs"], rows["python"]
print(f"get_scheduled_flow_runs with {ours['seed']['scheduled_runs']} / {theirs['seed']['scheduled_runs']} scheduled runs, "
      f"{ours['connections']} connections: prefect-rs {ours['polls_per_s']:.0f}/s p50 {ours['p50_ms']:.2f} ms "
      f"p99 {ours['p99_ms']:.2f} ms; Prefect {theirs['polls_per_s']:.1f}/s p50 {theirs['p50_ms']:.0f} ms "
      f"p99 {theirs['p99_ms']:.0f} ms; rate ratio {ours['polls_per_s'] / max(theirs['polls_per_s'], 1e-9):.0f}x, "
      f"p99 ratio {theirs['p99_ms'] / max(ours['p99_ms'], 1e-9):.0f}x "
      f"(refused: {ours['refused']} / {theirs['refused']})")
PY
fi
echo "results in $out" >&2
