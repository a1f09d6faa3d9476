-- Asks for a new span on every request: BENCH_PATH with startTime moving by an hour each time
-- over BENCH_SPANS different hours, endTime BENCH_SECONDS later; so no answer is asked for twice
-- in a row and caches of whole answers do not help.
local path = os.getenv("BENCH_PATH")
local base = tonumber(os.getenv("BENCH_START"))
local spans = tonumber(os.getenv("BENCH_SPANS"))
local length = tonumber(os.getenv("BENCH_SECONDS"))
local i = 0
request = function()
  i = i + 1
  local start = base + (i % spans) * 3600
  return wrk.format("GET", path .. "?startTime=" .. start .. "&endTime=" .. (start + length))
end
