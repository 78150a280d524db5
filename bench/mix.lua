-- wrk script for bench/mix.py: each connection's thread cycles through the paths listed in the file $MIX_PATHS,
-- then prints latency and throughput as bench/latency.lua does.
local paths = {}
for line in io.lines(os.getenv("MIX_PATHS")) do
  paths[#paths + 1] = line
end
local next_path = 0

request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

dofile("bench/latency.lua")
