-- Replays pre-signed requests, one per call, so every request has its own nonce.
-- The file holds raw HTTP requests separated by a line "--8<--".
local requests, i = {}, 0
local path = os.getenv("BENCH_SIGNED_FILE")
local f = assert(io.open(path, "rb"))
local data = f:read("*a")
f:close()
for chunk in string.gmatch(data, "(.-)%-%-8<%-%-\n") do
  requests[#requests + 1] = chunk
end
request = function()
  i = i + 1
  if i > #requests then i = 1 end
  return requests[i]
end
