-- wrk script of bench/api.bench.ts: every request asks for a random id from a list.
--   wrk -c50 -d20s -s bench/api-random-ids.lua http://host:port -- <ids-file> <path-template>
-- <ids-file>: one id per line (the bench writes the ids the model knows); <path-template>:
-- a path with `{id}`, e.g. /api/v1/movies/{id}/similar?k=10. Without arguments it asks for
-- the URL's own path (the hello-world reference).
-- done() prints one JSON line (prefix WRK_JSON) with the counts and latency percentiles in µs,
-- which the bench parses instead of wrk's human summary.

local ids = {}
local template = nil

function init(args)
  if args[1] ~= nil then
    for line in io.lines(args[1]) do
      if line ~= "" then ids[#ids + 1] = line end
    end
    template = args[2]
  end
  -- Each wrk thread has its own Lua state: seed differently so threads do not replay one sequence.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  if template == nil then return wrk.format("GET") end
  local id = ids[math.random(#ids)]
  return wrk.format("GET", (template:gsub("{id}", id)))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
