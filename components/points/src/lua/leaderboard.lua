-- Top users over a window from the per-unit sorted sets.
-- ARGV: set stem (<prefix>lb:<thing>:<atid or all>:), scratch key, limit, then
--       (parent, lo, hi) spans. Returns uid, score, uid, score, ... best first.
local stem, tmp, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local keys = {}
for i = 4, #ARGV, 3 do
  local parent = ARGV[i]
  for k = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]) do
    keys[#keys + 1] = stem .. parent .. string.format('%02d', k)
  end
end
redis.call('DEL', tmp)
local CHUNK = 500
for s = 1, #keys, CHUNK do
  local chunk = {}
  for k = s, math.min(s + CHUNK - 1, #keys) do
    chunk[#chunk + 1] = keys[k]
  end
  if s > 1 then chunk[#chunk + 1] = tmp end
  redis.call('ZUNIONSTORE', tmp, #chunk, unpack(chunk))
end
local top = redis.call('ZRANGE', tmp, 0, limit - 1, 'REV', 'WITHSCORES')
redis.call('DEL', tmp)
return top
