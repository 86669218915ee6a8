-- Window sums for many (user, thing) groups in one call.
-- ARGV: mode ('s' sums, 'd' sums and the activities seen, 'c' counters), atid ('' = all),
--       nsets, then per range set: n, then n x (parent, lo, hi),
--       then groups: (key stem, range set index) pairs.
-- Returns per group its sum, and in mode 'd' also "aid:atid,..." in first-seen order
-- (possibly repeating an aid; the caller keeps the first).
-- Sums and activity lists come from the totals hashes (one HMGET per span, whatever the
-- number of activities); a bucket written only by the original has no totals hash and its
-- detail hash is scanned instead.
local mode, atid = ARGV[1], ARGV[2]
local suffix = ''
if atid ~= '' then suffix = ':' .. atid end
-- Each span: parent, first and last child, the fields to HMGET (sums, then in mode 'd'
-- the activity lists) and how many are sums; computed once per window.
local sets = {}
local i = 4
for s = 1, tonumber(ARGV[3]) do
  local set = {}
  for r = 1, tonumber(ARGV[i]) do
    local parent, lo, hi = ARGV[i + 3 * r - 2], tonumber(ARGV[i + 3 * r - 1]), tonumber(ARGV[i + 3 * r])
    local fields = {}
    for k = lo, hi do
      fields[#fields + 1] = parent .. two(k) .. suffix
    end
    local nsums = #fields
    if mode == 'd' then
      for k = lo, hi do
        fields[#fields + 1] = parent .. two(k) .. ':a'
      end
    end
    set[r] = {parent, parent .. two(lo), parent .. two(hi), fields, nsums}
  end
  i = i + 1 + 3 * #set
  sets[s] = set
end
local out = {}
while i <= #ARGV do
  local stem, set = ARGV[i], sets[tonumber(ARGV[i + 1])]
  i = i + 2
  local sum, list = 0, {}
  local function seen(aid, a)
    if aid ~= '' and a ~= '' then list[#list + 1] = aid .. ':' .. a end
  end
  for _, r in ipairs(set) do
    local key = stem .. r[1]
    if mode == 'c' then
      sum = sum + pick(key, r[4])
    else
      local vals = redis.call('HMGET', key .. ':t', unpack(r[4]))
      local found = false
      for j = 1, #vals do
        local v = vals[j]
        if v then
          found = true
          if j <= r[5] then
            sum = sum + tonumber(v)
          else
            list[#list + 1] = v -- every atid: the caller filters
          end
        end
      end
      if not found and redis.call('EXISTS', key) == 1 and redis.call('EXISTS', key .. ':t') == 0 then
        -- written by the original only (no totals hash): scan the detail hash
        local f = nil
        if mode == 'd' then f = seen end
        sum = sum + scan(key, r[2], r[3], atid, '', f)
      end
    end
  end
  out[#out + 1] = sum
  if mode == 'd' then out[#out + 1] = table.concat(list, ',') end
end
return out
