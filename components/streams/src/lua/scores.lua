-- Where members stand on both sides of their keys.
-- KEYS: per lookup, K+ then K-. ARGV: per lookup, the member.
-- Returns per lookup the K+ score and the K- score (nil where absent).
local out = {}
for i = 1, #ARGV do
  out[2 * i - 1] = redis.call('ZSCORE', KEYS[2 * i - 1], ARGV[i])
  out[2 * i] = redis.call('ZSCORE', KEYS[2 * i], ARGV[i])
end
return out
