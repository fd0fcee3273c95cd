-- wrk: every request is a worker's poll, POST /api/work_pools/$POOL/get_scheduled_flow_runs with the body the
-- official worker sends ({"work_queue_names": [], "scheduled_before": ...}); done() prints "OK <n>" (200s) and
-- "REFUSED <n>" (anything else, e.g. 503 "database is locked"), and the latency percentiles in ms.
-- env: POOL (default "bench-pool"), SCHEDULED_BEFORE (an ISO time; default far in the future)
local pool = os.getenv("POOL") or "bench-pool"
local before = os.getenv("SCHEDULED_BEFORE") or "2100-01-01T00:00:00+00:00"
local body = '{"work_queue_names":[],"scheduled_before":"' .. before .. '"}'
local path = "/api/work_pools/" .. pool .. "/get_scheduled_flow_runs"
local threads = {}
ok = 0
refused = 0

function setup(thread)
  table.insert(threads, thread)
end

function request()
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local total, no = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("ok")
    no = no + thread:get("refused")
  end
  io.write(string.format("OK %d\nREFUSED %d\nSECONDS %.3f\n", total, no, summary.duration / 1e6))
  io.write(string.format("P50_MS %.3f\nP90_MS %.3f\nP99_MS %.3f\nMAX_MS %.3f\n", latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3))
end
