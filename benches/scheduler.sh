#!/usr/bin/env bash
# Side-by-side scheduler benchmark: prefect-rs (release build) and Prefect's own server, each started fresh on
# SQLite in a private PREFECT_HOME (loopback only), one after the other in one run, with the same scheduler
# settings (Prefect's defaults, but a 0.1 s loop so that the loop's wait does not hide the work). 1,000 paused
# deployments with hourly interval schedules are made, then unpaused in one statement; the time is until every
# one has its MIN_RUNS (3) runs scheduled (benches/scheduler.py). The ratio is Prefect / prefect-rs.
# Prefect 3.8.8's scheduler needs sqlalchemy<2.1 (the test virtualenv pins it).
# usage: benches/scheduler.sh [OUTDIR]     env: N=1000, RS=<prefect-rs binary> (default: release build),
#        PORTS="4351 4352", PREFECT_VENV=<virtualenv with prefect> (default: the one .ci/test made)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d -t prefect-rs-bench-scheduler.XXXX)}; mkdir -p "$out"; out=$(cd "$out" && pwd)
venv=${PREFECT_VENV:-$(ls -d "${XDG_CACHE_HOME:-$HOME/.cache}"/prefect-rs/venv-* 2>/dev/null | head -1)}
[[ -x "$venv/bin/prefect" ]] || { echo "no Python prefect found; run .ci/test once or set PREFECT_VENV" >&2; exit 1; }
if [[ -z ${RS:-} ]]; then cargo build --release --locked -q; RS=$PWD/target/release/prefect-rs; fi
n=${N:-1000}
read -r port_rs port_py <<<"${PORTS:-4351 4352}"
export DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_SERVER_UI_ENABLED=false
export PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS=0.1
unset PREFECT_API_URL PREFECT_PROFILE PREFECT_SERVER_DATABASE_CONNECTION_URL

bench_one() {  # name, port, start command
    local name=$1 port=$2 cmd=$3 home pid api
    home=$(mktemp -d -t "bench-scheduler-$name.XXXX")
    api=http://127.0.0.1:$port/api
    PREFECT_HOME=$home setsid bash -c "exec $cmd" >"$out/$name-server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 1200); do curl -sf "$api/health" >/dev/null && break; sleep 0.05; done
    echo "== $name: $n deployments, unpaused at once" >&2
    if ! python3 benches/scheduler.py "$api" "$home/prefect.db" "$n" >"$out/$name.json"; then
        kill -TERM -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
        echo "$name failed; its log: $out/$name-server.log" >&2; exit 1
    fi
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$home"
    cat "$out/$name.json" >&2
}

bench_one prefect-rs "$port_rs" "$RS server start --no-docker --host 127.0.0.1 --port $port_rs"
bench_one python "$port_py" "$venv/bin/prefect server start --host 127.0.0.1 --port $port_py"
python3 - "$out/prefect-rs.json" "$out/python.json" <<'PY'
import json, sys
rs, py = (json.load(open(p)) for p in sys.argv[1:])
print("| server | deployments | runs | seconds until all scheduled | runs 2 s later |")
print("|---|---|---|---|---|")
for name, r in (("prefect-rs", rs), ("Prefect 3.8.8", py)):
    print(f"| {name} | {r['deployments']} | {r['expected_runs']} | {r['seconds']:.3f} | {r['runs_after_2s_more']} |")
print(f"\nratio (Prefect / prefect-rs): {py['seconds'] / rs['seconds']:.0f}x")
PY
