-- wrk: each connection alternates POST /api/v2/concurrency_limits/increment-with-lease and
-- /decrement-with-lease of the lease it was just given. Run with as many threads as connections (-t8 -c8), so
-- each Lua state drives one connection and its request/response order is strict. A pair counts only when both
-- halves succeeded (200, then 204): refusals (503 "database is locked" on Prefect's SQLite) are requests, not
-- pairs. done() prints "PAIRS <n>" and "REFUSED <n>".
-- env: LIMIT_NAME (default "bench")
local name = os.getenv("LIMIT_NAME") or "bench"
local threads = {}
local lease = nil
pairs_done = 0
refused = 0

function setup(thread)
  table.insert(threads, thread)
end

function request()
  if lease then
    local body = '{"lease_id":"' .. lease .. '"}'
    lease = nil
    return wrk.format("POST", "/api/v2/concurrency_limits/decrement-with-lease",
      { ["Content-Type"] = "application/json" }, body)
  end
  local body = '{"names":["' .. name .. '"],"slots":1,"mode":"concurrency","lease_duration":300}'
  return wrk.format("POST", "/api/v2/concurrency_limits/increment-with-lease",
    { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 200 then
    lease = body:match('"lease_id":%s*"([^"]+)"')
  elseif status == 204 then
    pairs_done = pairs_done + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local total, no = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("pairs_done")
    no = no + thread:get("refused")
  end
  io.write(string.format("PAIRS %d\nREFUSED %d\nSECONDS %.3f\n", total, no, summary.duration / 1e6))
end
