-- Pages through a long list anywhere in it: BENCH_PATH with a `size` of 1 to BENCH_SIZES and a
-- `page` of that size among BENCH_ITEMS items, one (size, page) pair drawn at random among all of
-- them each request (31,512 for 8,760 items and 20 sizes), so the kept answers (4,096) hold the
-- one asked for about one time in eight.
local path = os.getenv("BENCH_PATH")
local items = tonumber(os.getenv("BENCH_ITEMS"))
local sizes = tonumber(os.getenv("BENCH_SIZES"))
local sep = string.find(path, "?", 1, true) and "&" or "?"
local pairs_ = 0
for size = 1, sizes do pairs_ = pairs_ + math.floor(items / size) end
math.randomseed(os.time())
request = function()
  local n, size = math.random(1, pairs_), 1
  while n > math.floor(items / size) do
    n = n - math.floor(items / size)
    size = size + 1
  end
  return wrk.format("GET", path .. sep .. "page=" .. n .. "&size=" .. size)
end
