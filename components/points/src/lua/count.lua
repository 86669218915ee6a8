-- Counter increments in one call.
-- ARGV: key prefix, expire seconds, then (name, value, second YYYYMMDDHHMMSS) triples.
-- Keys c:<name>:<bucket>, field <child>, for the five bucket levels.
local prefix, expire = ARGV[1], ARGV[2]
local n = 0
for i = 3, #ARGV, 3 do
  local stem, value, sec = prefix .. 'c:' .. ARGV[i] .. ':', ARGV[i + 1], ARGV[i + 2]
  for _, len in ipairs({4, 6, 8, 10, 12}) do
    local key = stem .. string.sub(sec, 1, len)
    redis.call('HINCRBY', key, string.sub(sec, 1, len + 2), value)
    redis.call('EXPIRE', key, expire)
  end
  n = n + 1
end
return n
