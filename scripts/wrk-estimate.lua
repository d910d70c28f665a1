-- wrk script for the server benchmark (scripts/bench-server.sh): POST /api/energy/estimate with an API key from
-- JOULETRACE_BENCH_KEY and a different input-token count on each request, like HttpLoad's estimate mode.
local key = os.getenv("JOULETRACE_BENCH_KEY")
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

request = function()
  n = n + 1
  local body = '{"provider":"openai","model":"gpt-4o-mini","input_tokens":' .. (100 + n % 2000)
      .. ',"output_tokens":300,"region":"eu-west-1"}'
  return wrk.format(nil, "/api/energy/estimate", nil, body)
end
