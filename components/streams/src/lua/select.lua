-- Reads pages of many add sides at once.
-- KEYS: the add sides (K+).
-- ARGV: mode ('top', 'after' or 'before'), count per key, cursor score, cursor member,
--       prune ('1': only candidates for the best `count` over all KEYS are returned).
-- Returns flat triples: key index (0-based), member, score.
-- 'after' returns elements older than the cursor, 'before' the `count` elements just
-- newer than it. When the cursor's member is not at the cursor's score any more, every
-- element at that score is returned too, and the caller (which compares members
-- bytewise) keeps the right ones.
local mode, count, cs, cm = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local prune = ARGV[5] == '1'
local csn = tonumber(cs)
local asc = mode == 'before'

local function fetch(key)
  if mode == 'top' then
    return redis.call('ZREVRANGE', key, 0, count - 1, 'WITHSCORES'), nil
  end
  local rank = nil
  local s = redis.call('ZSCORE', key, cm)
  if s and tonumber(s) == csn then rank = redis.call('ZREVRANK', key, cm) end
  if mode == 'after' then
    if rank then
      return redis.call('ZREVRANGE', key, rank + 1, rank + count, 'WITHSCORES'), nil
    end
    return redis.call('ZREVRANGEBYSCORE', key, '(' .. cs, '-inf', 'WITHSCORES', 'LIMIT', 0, count),
      redis.call('ZRANGEBYSCORE', key, cs, cs, 'WITHSCORES')
  end
  if rank then
    if rank == 0 then return {}, nil end
    local lo = rank - count
    if lo < 0 then lo = 0 end
    -- closest to the cursor first, like the ascending fallback below
    local page = redis.call('ZREVRANGE', key, lo, rank - 1, 'WITHSCORES')
    local rev = {}
    for j = #page - 1, 1, -2 do
      rev[#rev + 1] = page[j]
      rev[#rev + 1] = page[j + 1]
    end
    return rev, nil
  end
  return redis.call('ZRANGEBYSCORE', key, '(' .. cs, '+inf', 'WITHSCORES', 'LIMIT', 0, count),
    redis.call('ZRANGEBYSCORE', key, cs, cs, 'WITHSCORES')
end

-- worse(a, b): score a ranks behind score b for this page
local function worse(a, b)
  if asc then return a > b end
  return a < b
end

-- a heap of the best `count` scores seen, the worst at its root
local heap, n = {}, 0
local function offer(x)
  if n < count then
    n = n + 1
    heap[n] = x
    local i = n
    while i > 1 do
      local p = math.floor(i / 2)
      if worse(heap[i], heap[p]) then
        heap[i], heap[p] = heap[p], heap[i]
        i = p
      else
        break
      end
    end
    return true
  end
  if worse(x, heap[1]) then return false end
  if worse(heap[1], x) then
    heap[1] = x
    local i = 1
    while true do
      local l, r, m = 2 * i, 2 * i + 1, i
      if l <= n and worse(heap[l], heap[m]) then m = l end
      if r <= n and worse(heap[r], heap[m]) then m = r end
      if m == i then break end
      heap[i], heap[m] = heap[m], heap[i]
      i = m
    end
  end
  return true
end

local pages, ties = {}, {}
for i = 1, #KEYS do
  local page, tie = fetch(KEYS[i])
  pages[i], ties[i] = page, tie
  if prune then
    for j = 2, #page, 2 do
      if not offer(tonumber(page[j])) then break end
    end
  end
end

local out = {}
local function emit(i, list, bound)
  for j = 1, #list, 2 do
    if bound and worse(tonumber(list[j + 1]), bound) then break end
    out[#out + 1] = i - 1
    out[#out + 1] = list[j]
    out[#out + 1] = list[j + 1]
  end
end
local bound = nil
if prune and n == count then bound = heap[1] end
for i = 1, #KEYS do
  emit(i, pages[i], bound)
  if ties[i] then emit(i, ties[i], nil) end
end
return out
