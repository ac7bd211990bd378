/**
 * Lua scripts of the Redis limit backend. Each runs atomically inside Redis, so the check and
 * the increment of every rule of a request happen as one step for all gateway instances. Time
 * is Redis's own (TIME), so instances with skewed clocks still agree on window boundaries.
 * The window estimate is the formula of sliding-window.ts; keep the two in step.
 *
 * Window counters: a hash per limit, one field per fixed window index (integers).
 * In-flight: a sorted set per scope of lease ids scored by expiry, so a crashed instance's
 * leases expire instead of holding slots forever (live ones are refreshed by a heartbeat).
 * Spend: a float string per scope and calendar period, expiring after the period.
 */

const clock = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * KEYS: window keys, concurrency keys, spend keys.
 * ARGV: #windows, #concurrency, #budgets, lease id, lease ttl ms,
 *       then per window: window ms, limit, cost, refuse-when-spent (1/0);
 *       then per concurrency: limit; then per budget: limit.
 * Returns: now, allowed (1/0), then per window: previous, current; per concurrency: in flight;
 *          per budget: spend (string, it is a float).
 */
export const acquireScript = `${clock}
local nw, nc, nb = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local lease, ttl = ARGV[4], tonumber(ARGV[5])
local allowed = 1
local out = {now, 0}
local a = 6
local windows = {}
for i = 1, nw do
  local w, limit, cost, refuse = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), ARGV[a + 3] == '1'
  a = a + 4
  local index = math.floor(now / w)
  local counts = redis.call('HMGET', KEYS[i], tostring(index - 1), tostring(index))
  local previous, current = tonumber(counts[1]) or 0, tonumber(counts[2]) or 0
  local used = previous * (1 - (now - index * w) / w) + current
  if (refuse and used >= limit) or used + cost > limit then allowed = 0 end
  windows[i] = {index, cost, w}
  out[#out + 1] = previous
  out[#out + 1] = current
end
for i = 1, nc do
  local key = KEYS[nw + i]
  local limit = tonumber(ARGV[a])
  a = a + 1
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  local count = redis.call('ZCARD', key)
  if count >= limit then allowed = 0 end
  out[#out + 1] = count
end
for i = 1, nb do
  local limit = tonumber(ARGV[a])
  a = a + 1
  local spend = redis.call('GET', KEYS[nw + nc + i]) or '0'
  if tonumber(spend) >= limit then allowed = 0 end
  out[#out + 1] = spend
end
if allowed == 1 then
  for i = 1, nw do
    local index, cost, w = windows[i][1], windows[i][2], windows[i][3]
    if cost ~= 0 then redis.call('HINCRBY', KEYS[i], tostring(index), cost) end
    redis.call('HDEL', KEYS[i], tostring(index - 2))
    redis.call('PEXPIRE', KEYS[i], w * 2)
    out[2 + 2 * i] = out[2 + 2 * i] + cost
  end
  local o = 2 + 2 * nw
  for i = 1, nc do
    local key = KEYS[nw + i]
    redis.call('ZADD', key, now + ttl, lease)
    redis.call('PEXPIRE', key, ttl * 2)
    out[o + i] = out[o + i] + 1
  end
end
out[2] = allowed
return out
`;

/**
 * KEYS: correction keys, concurrency keys, spend keys.
 * ARGV: #corrections, #concurrency, #spend, lease id,
 *       then per correction: window ms, acquired at ms, delta; then per spend: amount, expire at ms.
 * Returns per spend key the value after the increase (strings).
 */
export const settleScript = `${clock}
local nk, nc, ns = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local lease = ARGV[4]
local a = 5
for i = 1, nk do
  local w, at, delta = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  local index, atIndex = math.floor(now / w), math.floor(at / w)
  local field = nil
  if atIndex >= index - 1 then field = atIndex elseif delta > 0 then field = index end
  if field ~= nil and delta ~= 0 then
    local value = redis.call('HINCRBY', KEYS[i], tostring(field), delta)
    if value < 0 then redis.call('HSET', KEYS[i], tostring(field), 0) end
    redis.call('PEXPIRE', KEYS[i], w * 2)
  end
end
for i = 1, nc do redis.call('ZREM', KEYS[nk + i], lease) end
local out = {}
for i = 1, ns do
  local key = KEYS[nk + nc + i]
  out[i] = redis.call('INCRBYFLOAT', key, ARGV[a])
  redis.call('PEXPIREAT', key, ARGV[a + 1])
  a = a + 2
end
return out
`;

/**
 * Heartbeat of this instance's live leases. KEYS: concurrency keys; ARGV: ttl ms, then the
 * lease id for each key. XX: a lease that already expired is not brought back.
 */
export const refreshScript = `${clock}
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', now + ttl, ARGV[i + 1])
  redis.call('PEXPIRE', KEYS[i], ttl * 2)
end
return #KEYS
`;
