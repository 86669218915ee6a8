-- Both sides of whole keys, for the repair walk.
-- KEYS: per key, K+ then K-.
-- Returns per side its size n, then n member/score pairs.
local out = {}
for i = 1, #KEYS do
  local all = redis.call('ZRANGE', KEYS[i], 0, -1, 'WITHSCORES')
  out[#out + 1] = #all / 2
  for j = 1, #all do out[#out + 1] = all[j] end
end
return out
