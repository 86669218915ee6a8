-- Shared by the points scripts (prepended to each).
-- Keys: detail hash <stem><bucket> with fields <child>:<atid>:<aid> (the original's
-- layout); its sums hash <stem><bucket>:f: field <bucket> holds the bucket's total,
-- field <child i> node i of a Fenwick tree over the children (numbered 1..n: the sum of
-- children i - lowbit(i) + 1 ..= i), the same with :<atid> appended per activity type,
-- and <child>:a the activities of each child ("aid:atid," in first-seen order).

local function two(k)
  return string.format('%02d', k)
end

-- Sum of the fields of detail hash `key` whose child (the first #lo characters) lies in
-- [lo, hi] and whose atid / aid equal `atid` / `aid` ('' matches any). Calls
-- seen(aid, atid) for every field counted, when given.
local function scan(key, lo, hi, atid, aid, seen)
  local len = #lo
  local find, sub = string.find, string.sub
  local sum = 0
  local h = redis.call('HGETALL', key)
  for j = 1, #h, 2 do
    local f = h[j]
    -- <child>:<atid>:<aid> with lo <= child <= hi (digit strings of one length compare
    -- the same under any collation Redis' Lua may use)
    local c = sub(f, 1, len)
    if c >= lo and c <= hi and string.byte(f, len + 1) == 58 then
      local p = find(f, ':', len + 2, true)
      if p then
        local fa, fi = sub(f, len + 2, p - 1), sub(f, p + 1)
        if (atid == '' or fa == atid) and (aid == '' or fi == aid) then
          local v = tonumber(h[j + 1])
          if v then
            sum = sum + v
            if seen then seen(fi, fa) end
          end
        end
      end
    end
  end
  return sum
end

-- Sum of `fields` of hash `key`, and whether any was present.
local function pick(key, fields)
  local vals = redis.call('HMGET', key, unpack(fields))
  local sum, found = 0, false
  for j = 1, #vals do
    local v = vals[j]
    if v then
      sum = sum + tonumber(v)
      found = true
    end
  end
  return sum, found
end
