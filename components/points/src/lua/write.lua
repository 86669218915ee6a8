-- Metric writes, each atomic, all in one call.
-- ARGV: key prefix, expire seconds, leaderboards ('1' or '0'), then per write:
--   mode ('d' diffadd, 'i' increment), thing id, uid, atid, aid, value,
--   second (YYYYMMDDHHMMSS of ts2), client id ('' for none), n, then n x (parent, lo, hi):
--   the spans of [ts1, ts2] diffadd reads.
-- A write whose client id was applied before (key <prefix>seen:w:<id>, kept as long as the
-- data) is skipped.
-- Returns per write the delta added (0: nothing written).
local prefix, expire, lb = ARGV[1], ARGV[2], ARGV[3] == '1'
local LEVELS = {4, 6, 8, 10, 12}

-- Appends "aid:atid," to the activity list <child>:a of totals hash `tkey`.
local function note(tkey, child, aid, atid)
  local f = child .. ':a'
  local cur = redis.call('HGET', tkey, f)
  redis.call('HSET', tkey, f, (cur or '') .. aid .. ':' .. atid .. ',')
end

-- Builds the totals hash of a detail hash written before it had one (by the original).
local function backfill(key, tkey, len)
  local h = redis.call('HGETALL', key)
  local listed = {}
  for j = 1, #h, 2 do
    local f = h[j]
    local fa, fi = string.match(f, '^:([^:]*):([^:]*)$', len + 1)
    local v = tonumber(h[j + 1])
    if fa and v then
      local c = string.sub(f, 1, len)
      redis.call('HINCRBY', tkey, c, v)
      redis.call('HINCRBY', tkey, c .. ':' .. fa, v)
      if fa ~= '' and fi ~= '' and not listed[c .. ':' .. fi] then
        listed[c .. ':' .. fi] = true
        note(tkey, c, fi, fa)
      end
    end
  end
end

local out = {}
local i = 4
while i <= #ARGV do
  local mode, thing, uid, atid, aid = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local delta, sec, id, n = tonumber(ARGV[i + 5]), ARGV[i + 6], ARGV[i + 7], tonumber(ARGV[i + 8])
  i = i + 9
  local stem = prefix .. 'hz:' .. thing .. ':' .. uid .. ':'
  if id ~= '' and not redis.call('SET', prefix .. 'seen:w:' .. id, '1', 'NX', 'EX', expire) then
    delta = 0
  elseif mode == 'd' then
    for r = 0, n - 1 do
      local parent, lo, hi = ARGV[i + 3 * r], tonumber(ARGV[i + 3 * r + 1]), tonumber(ARGV[i + 3 * r + 2])
      delta = delta - scan(stem .. parent, parent .. two(lo), parent .. two(hi), '', aid, nil)
    end
  end
  i = i + 3 * n
  if delta ~= 0 then
    local d = string.format('%d', delta)
    for _, len in ipairs(LEVELS) do
      local parent, child = string.sub(sec, 1, len), string.sub(sec, 1, len + 2)
      local key = stem .. parent
      local tkey = key .. ':t'
      if redis.call('EXISTS', tkey) == 0 and redis.call('EXISTS', key) == 1 then
        backfill(key, tkey, len + 2)
      end
      -- a new field (or one back from 0) is a new activity in this child: list it
      if redis.call('HINCRBY', key, child .. ':' .. atid .. ':' .. aid, d) == delta then
        note(tkey, child, aid, atid)
      end
      redis.call('HINCRBY', tkey, child, d)
      redis.call('HINCRBY', tkey, child .. ':' .. atid, d)
      redis.call('EXPIRE', key, expire)
      redis.call('EXPIRE', tkey, expire)
      if lb then
        local all = prefix .. 'lb:' .. thing .. ':all:' .. child
        local one = prefix .. 'lb:' .. thing .. ':' .. atid .. ':' .. child
        redis.call('ZINCRBY', all, d, uid)
        redis.call('ZINCRBY', one, d, uid)
        redis.call('EXPIRE', all, expire)
        redis.call('EXPIRE', one, expire)
      end
    end
  end
  out[#out + 1] = delta
end
return out
