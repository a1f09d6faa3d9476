-- Sends writes: BENCH_METHOD to BENCH_PATH with a JSON body, the bodies of BENCH_BODIES (separated
-- by "|") in turn, so that a key is disabled and enabled again, request after request.
local method = os.getenv("BENCH_METHOD")
local path = os.getenv("BENCH_PATH")
local bodies, i = {}, 0
for body in string.gmatch(os.getenv("BENCH_BODIES"), "([^|]+)") do
  bodies[#bodies + 1] = body
end
local headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json"}
request = function()
  i = i + 1
  return wrk.format(method, path, headers, bodies[(i - 1) % #bodies + 1])
end
