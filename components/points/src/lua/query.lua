-- Window sums for many (user, thing) groups in one call.
-- ARGV: mode ('s' sums, 'd' sums and the activities seen, 'c' counters), atid ('' = all),
--       nsets, then per range set: n, then n x (parent, lo, hi, np, nm, np + nm fields:
--       the sums-hash fields to add, then those to subtract),
--       then groups: (key stem, range set index) pairs.
-- Returns per group its sum, and in mode 'd' also "aid:atid,..." in first-seen order
-- (possibly repeating an aid; the caller keeps the first).
-- Sums come from the sums hashes (one HMGET of a few fields per span, whatever the span's
-- length and the number of activities). The first field read is the bucket's total: a
-- sums hash holds it from its first write, so without it the bucket has no sums hash.
-- Such a bucket is empty or written by the original only; the detail keys of all of a
-- group's such buckets are checked with one EXISTS, and a detail hash found is scanned.
local mode, atid = ARGV[1], ARGV[2]
local suffix = ''
if atid ~= '' then suffix = ':' .. atid end
-- Each span: parent, first and last child, the fields to HMGET (in mode 'c' the counters;
-- otherwise the total, added sums, subtracted sums, then in mode 'd' the activity lists)
-- and the last field added and subtracted; computed once per window.
local sets = {}
local i = 4
for s = 1, tonumber(ARGV[3]) do
  local set = {}
  local n = tonumber(ARGV[i])
  i = i + 1
  for r = 1, n do
    local parent, lo, hi = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
    local np, nm = tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
    i = i + 5
    local fields = {}
    if mode == 'c' then
      for k = lo, hi do
        fields[#fields + 1] = parent .. two(k)
      end
    else
      fields[1] = parent
      for k = 0, np + nm - 1 do
        fields[#fields + 1] = ARGV[i + k] .. suffix
      end
      if mode == 'd' then
        for k = lo, hi do
          fields[#fields + 1] = parent .. two(k) .. ':a'
        end
      end
    end
    i = i + np + nm
    set[r] = {parent, parent .. two(lo), parent .. two(hi), fields, 1 + np, 1 + np + nm}
  end
  sets[s] = set
end
local out = {}
while i <= #ARGV do
  local stem, set = ARGV[i], sets[tonumber(ARGV[i + 1])]
  i = i + 2
  local sum, list, missing = 0, {}, {}
  for _, r in ipairs(set) do
    local key = stem .. r[1]
    if mode == 'c' then
      sum = sum + pick(key, r[4])
    else
      local vals = redis.call('HMGET', key .. ':f', unpack(r[4]))
      if not vals[1] then
        missing[#missing + 1] = r
      end
      for j = 2, #vals do
        local v = vals[j]
        if v then
          if j <= r[5] then
            sum = sum + tonumber(v)
          elseif j <= r[6] then
            sum = sum - tonumber(v)
          else
            list[#list + 1] = v -- every atid: the caller filters
          end
        end
      end
    end
  end
  if #missing > 0 then
    local keys = {}
    for k, r in ipairs(missing) do
      keys[k] = stem .. r[1]
    end
    if redis.call('EXISTS', unpack(keys)) > 0 then
      -- written by the original only (no sums hash): scan the detail hashes
      local function seen(aid, a)
        if aid ~= '' and a ~= '' then list[#list + 1] = aid .. ':' .. a end
      end
      local f = nil
      if mode == 'd' then f = seen end
      for k, r in ipairs(missing) do
        sum = sum + scan(keys[k], r[2], r[3], atid, '', f)
      end
    end
  end
  out[#out + 1] = sum
  if mode == 'd' then out[#out + 1] = table.concat(list, ',') end
end
return out
