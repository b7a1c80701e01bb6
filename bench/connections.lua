-- wrk script: one connection per wrk thread (run with -t N -c N), each sending its own request
-- over and over: its own access token, or its own login. Usage:
--   wrk -t N -c N -d 10s -s bench/connections.lua http://127.0.0.1:PORT -- CONNECTIONS_FILE
-- CONNECTIONS_FILE (written by bench/load.py) is a Lua chunk returning one request per
-- connection: { {method=..., path=..., headers={...}, body=...}, ... }.
-- A response counts as failed unless it is HTTP 200 without a GraphQL "errors" key; done()
-- prints the run's numbers as one JSON line, prefixed by BENCH_RESULT.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("connection_number", #threads)
end

local request_bytes
failures = 0

function init(args)
   local connections = dofile(args[1])
   local spec = connections[wrk.thread:get("connection_number")]
   -- Formatted once: every request of this connection is the same bytes.
   request_bytes = wrk.format(spec.method, spec.path, spec.headers, spec.body)
end

function request()
   return request_bytes
end

function response(status, headers, body)
   if status ~= 200 or string.find(body, '"errors"', 1, true) then
      failures = failures + 1
   end
end

function done(summary, latency, requests)
   local failed = 0
   for _, thread in ipairs(threads) do
      failed = failed + thread:get("failures")
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"failed_responses": %d, "socket_errors": %d, "timeouts": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      failed, errors.connect + errors.read + errors.write, errors.timeout))
end
