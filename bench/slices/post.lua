-- wrk: POST /analytics events for the current hour, users drawn from 100,000, one click
-- in three, the rest impressions. TS (epoch seconds) comes from the environment.
local ts = tonumber(os.getenv("TS"))
local n = 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
request = function()
  n = n + 1
  local kind = (n % 3 == 0) and "click" or "impression"
  local path = string.format("/analytics?timestamp=%d&user=u%d&%s", ts, math.random(1, 100000), kind)
  return wrk.format("POST", path)
end
