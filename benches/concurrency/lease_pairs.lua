-- wrk: each connection alternates POST /api/v2/concurrency_limits/increment-with-lease and
-- /decrement-with-lease of the lease it was just given. Run with as many threads as connections (-t8 -c8), so
-- each Lua state drives one connection and its request/response order is strict. A pair is two requests.
-- env: LIMIT_NAME (default "bench")
local name = os.getenv("LIMIT_NAME") or "bench"
local lease = nil
local failed = 0

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
  elseif status ~= 204 then
    failed = failed + 1
  end
end
