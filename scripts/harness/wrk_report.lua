-- wrk script for scripts/bench: sends the bearer token (WRK_TOKEN), an optional method
-- (WRK_METHOD) and JSON body (WRK_BODY), and prints one machine-readable summary line.
local token = os.getenv("WRK_TOKEN")
local method = os.getenv("WRK_METHOD")
local body = os.getenv("WRK_BODY")

if method and method ~= "" then wrk.method = method end
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p75":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
