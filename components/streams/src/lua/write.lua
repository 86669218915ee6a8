-- LWW-element-set writes, applied one after another, each by the same four rules.
-- KEYS: per write, the written side then the other side (K+ and K- for an insert,
--       K- and K+ for a delete).
-- ARGV[1]: maxSize; then per write: op ('+' insert, '-' delete), score, member.
-- Returns per write 1 (applied) or 0 (a logical no-op).
local max = tonumber(ARGV[1])
local out = {}
for i = 1, #KEYS / 2 do
  local own, other = KEYS[2 * i - 1], KEYS[2 * i]
  local a = 2 + 3 * (i - 1)
  local insert = ARGV[a] == '+'
  local score = tonumber(ARGV[a + 1])
  local member = ARGV[a + 2]
  local applied = 0
  repeat
    -- 1. a full side takes nothing older than its oldest
    if redis.call('ZCARD', own) >= max then
      local low = redis.call('ZRANGE', own, 0, 0, 'WITHSCORES')
      if low[2] and score < tonumber(low[2]) then break end
    end
    -- 2. a higher (or the same) score on the written side
    local mine = redis.call('ZSCORE', own, member)
    if mine and tonumber(mine) >= score then break end
    -- 3. a higher score on the other side; an equal one when inserting (delete wins ties)
    local theirs = redis.call('ZSCORE', other, member)
    if theirs then
      local t = tonumber(theirs)
      if t > score or (t == score and insert) then break end
    end
    -- 4. move it over, keep the maxSize highest
    redis.call('ZREM', other, member)
    redis.call('ZADD', own, ARGV[a + 1], member)
    local n = redis.call('ZCARD', own)
    if n > max then redis.call('ZREMRANGEBYRANK', own, 0, n - max - 1) end
    applied = 1
  until true
  out[i] = applied
end
return out
