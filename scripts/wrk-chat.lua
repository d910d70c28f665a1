-- wrk script for the gateway benchmark (scripts/bench-gateway.sh): POST /v1/chat/completions, with the jouletrace key
-- from JOULETRACE_BENCH_KEY when set and the Portkey routing headers from PORTKEY_CUSTOM_HOST when set.
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("JOULETRACE_BENCH_KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
local portkey = os.getenv("PORTKEY_CUSTOM_HOST")
if portkey and portkey ~= "" then
  wrk.headers["x-portkey-provider"] = "openai"
  wrk.headers["x-portkey-custom-host"] = portkey
  wrk.headers["Authorization"] = "Bearer sk-stand-in"
end
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hi"}]}'
