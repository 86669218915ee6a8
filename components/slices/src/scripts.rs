//! The Lua scripts, each run atomically by Redis, and their SHA-1 names for `EVALSHA`.

use std::sync::OnceLock;

/// A Lua script and its lazily computed SHA-1.
pub struct Script {
    /// The source.
    pub source: &'static str,
    sha: OnceLock<String>,
}

impl Script {
    const fn new(source: &'static str) -> Self {
        Script {
            source,
            sha: OnceLock::new(),
        }
    }

    /// The hex SHA-1 Redis knows the script by.
    pub fn sha(&self) -> &str {
        self.sha
            .get_or_init(|| sha1_smol::Sha1::from(self.source).digest().to_string())
    }
}

/// Counts one event. KEYS: users set, counts hash, HyperLogLog, event ids set. ARGV: user
/// hash, counter (`clicks`|`impressions`), late (`1`|`0`), expire-at epoch seconds (`0`:
/// keep), HyperLogLog element (empty: none), event id hash (empty: none). Returns 1 when
/// the user was new in the slice, 0 when not, -1 when the event id was already counted
/// (nothing changes).
pub static EVENT: Script = Script::new(
    r#"local at = tonumber(ARGV[4])
if ARGV[6] ~= '' then
  if redis.call('SADD', KEYS[4], ARGV[6]) == 0 then return -1 end
  if at > 0 then redis.call('EXPIREAT', KEYS[4], at) end
end
local new = redis.call('SADD', KEYS[1], ARGV[1])
if new == 1 then redis.call('HINCRBY', KEYS[2], 'unique_users', 1) end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
if ARGV[3] == '1' then redis.call('HINCRBY', KEYS[2], 'late', 1) end
if ARGV[5] ~= '' then redis.call('PFADD', KEYS[3], ARGV[5]) end
if at > 0 then
  redis.call('EXPIREAT', KEYS[1], at)
  redis.call('EXPIREAT', KEYS[2], at)
  if ARGV[5] ~= '' then redis.call('EXPIREAT', KEYS[3], at) end
end
return new"#,
);

/// Reads counters. KEYS: counts hashes. Returns, per key, `unique_users`, `clicks`,
/// `impressions`, `late` (nil when absent).
pub static READ: Script = Script::new(
    r#"local out = {}
for i = 1, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'unique_users', 'clicks', 'impressions', 'late')
  for j = 1, 4 do out[#out + 1] = v[j] end
end
return out"#,
);

/// Records a slice's placement unless one is recorded. KEYS: placement registry. ARGV:
/// slice, placement. Returns the recorded placement (the existing one, or ARGV[2]).
pub static REGISTER: Script = Script::new(
    r#"local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then return cur end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return ARGV[2]"#,
);

/// Unions HyperLogLogs on one shard and returns the union's bytes. KEYS[1]: scratch key;
/// KEYS[2..]: HyperLogLogs (missing ones count as empty).
pub static HLL_UNION: Script = Script::new(
    r#"redis.call('DEL', KEYS[1])
local i = 2
repeat
  local j = math.min(i + 99, #KEYS)
  if i <= j then redis.call('PFMERGE', KEYS[1], unpack(KEYS, i, j)) else redis.call('PFMERGE', KEYS[1]) end
  i = j + 1
until i > #KEYS
local blob = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1])
return blob"#,
);

/// Counts the union of HyperLogLog images. KEYS: scratch keys, one per ARGV image.
pub static HLL_COUNT: Script = Script::new(
    r#"for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[i]) end
local n = redis.call('PFCOUNT', unpack(KEYS))
redis.call('DEL', unpack(KEYS))
return n"#,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_of_the_source() {
        let s = Script::new("return 1");
        // `redis-cli SCRIPT LOAD "return 1"`
        assert_eq!(s.sha(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
        assert_eq!(EVENT.sha().len(), 40);
    }
}
