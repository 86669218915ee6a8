-- Metric writes, each atomic, all in one call.
-- ARGV: key prefix, expire seconds, leaderboards ('1' or '0'), then per write:
--   mode ('d' diffadd, 'i' increment), thing id, uid, atid, aid, value,
--   second (YYYYMMDDHHMMSS of ts2), days in its month, client id ('' for none),
--   n, then n x (parent, lo, hi): the spans of [ts1, ts2] diffadd reads.
-- A write whose client id was applied before (key <prefix>seen:w:<id>, kept as long as the
-- data) is skipped.
-- Returns per write the delta added (0: nothing written).
local prefix, expire, lb = ARGV[1], ARGV[2], ARGV[3] == '1'
-- Per level: the parent's length, its first child's value, its number of children (the
-- month's days are given per write).
local LEVELS = {{4, 1, 12}, {6, 1, 0}, {8, 0, 24}, {10, 0, 60}, {12, 0, 60}}

-- Calls add(field, v) for the fields of sums hash `parent` that child `c` (its value)
-- counts in: the bucket's total and the Fenwick nodes above c.
local function nodes(parent, first, n, c, v, add)
  add(parent, v)
  local j = c - first + 1
  while j <= n do
    add(parent .. two(j + first - 1), v)
    j = j + bit.band(j, -j)
  end
end

-- Appends "aid:atid," to the activity list <child>:a of sums hash `fkey`.
local function note(fkey, child, aid, atid)
  local f = child .. ':a'
  local cur = redis.call('HGET', fkey, f)
  redis.call('HSET', fkey, f, (cur or '') .. aid .. ':' .. atid .. ',')
end

-- Builds the sums hash of a detail hash written before it had one (by the original, or
-- by a version of this service that kept other totals).
local function backfill(key, fkey, parent, first, n)
  local h = redis.call('HGETALL', key)
  local len = #parent + 2
  local sums, lists, listed = {}, {}, {}
  local function add(f, v) sums[f] = (sums[f] or 0) + v end
  for j = 1, #h, 2 do
    local f = h[j]
    local fa, fi = string.match(f, '^:([^:]*):([^:]*)$', len + 1)
    local v = tonumber(h[j + 1])
    local c = tonumber(string.sub(f, #parent + 1, len))
    if fa and v and c then
      nodes(parent, first, n, c, v, function(g, x) add(g, x) add(g .. ':' .. fa, x) end)
      local child = string.sub(f, 1, len)
      if fa ~= '' and fi ~= '' and not listed[child .. ':' .. fi] then
        listed[child .. ':' .. fi] = true
        lists[child] = (lists[child] or '') .. fi .. ':' .. fa .. ','
      end
    end
  end
  for f, v in pairs(sums) do
    redis.call('HSET', fkey, f, string.format('%d', v))
  end
  for child, list in pairs(lists) do
    redis.call('HSET', fkey, child .. ':a', list)
  end
end

local out = {}
local i = 4
while i <= #ARGV do
  local mode, thing, uid, atid, aid = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local delta, sec, mdays = tonumber(ARGV[i + 5]), ARGV[i + 6], tonumber(ARGV[i + 7])
  local id, n = ARGV[i + 8], tonumber(ARGV[i + 9])
  i = i + 10
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
    for _, level in ipairs(LEVELS) do
      local len, first, size = level[1], level[2], level[3]
      if size == 0 then size = mdays end
      local parent, child = string.sub(sec, 1, len), string.sub(sec, 1, len + 2)
      local key = stem .. parent
      local fkey = key .. ':f'
      if redis.call('EXISTS', fkey) == 0 and redis.call('EXISTS', key) == 1 then
        backfill(key, fkey, parent, first, size)
      end
      -- a new field (or one back from 0) is a new activity in this child: list it
      if redis.call('HINCRBY', key, child .. ':' .. atid .. ':' .. aid, d) == delta then
        note(fkey, child, aid, atid)
      end
      local c = tonumber(string.sub(sec, len + 1, len + 2))
      nodes(parent, first, size, c, d, function(f)
        redis.call('HINCRBY', fkey, f, d)
        redis.call('HINCRBY', fkey, f .. ':' .. atid, d)
      end)
      redis.call('EXPIRE', key, expire)
      redis.call('EXPIRE', fkey, expire)
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
