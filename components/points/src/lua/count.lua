-- Counter increments in one call.
-- ARGV: key prefix, expire seconds, then (name, value, second YYYYMMDDHHMMSS, client id or
-- '') quadruples. Keys c:<name>:<bucket>, field <child>, for the five bucket levels. A count
-- whose client id was applied before (key <prefix>seen:c:<id>) is skipped.
-- Returns the number of counts applied.
local prefix, expire = ARGV[1], ARGV[2]
local n = 0
for i = 3, #ARGV, 4 do
  local stem, value, sec, id = prefix .. 'c:' .. ARGV[i] .. ':', ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if id == '' or redis.call('SET', prefix .. 'seen:c:' .. id, '1', 'NX', 'EX', expire) then
    for _, len in ipairs({4, 6, 8, 10, 12}) do
      local key = stem .. string.sub(sec, 1, len)
      redis.call('HINCRBY', key, string.sub(sec, 1, len + 2), value)
      redis.call('EXPIRE', key, expire)
    end
    n = n + 1
  end
end
return n
