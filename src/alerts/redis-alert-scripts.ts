/**
 * Lua scripts of the shared alerts (redis-alert-coordinator.ts). Each runs atomically in Redis,
 * which is what makes "notify once across instances" hold when instances act at the same moment.
 */

/**
 * A lease on one rule's evaluation. KEYS: lease, fence counter. ARGV: holder, ttl ms.
 * The holder keeps (and extends) its lease; a free lease goes to the caller with a token
 * `holder#N`, N taken from a counter that only grows, so a later holder's token always
 * differs from an earlier one's (the fencing value the state script checks).
 * Returns the token, or nil when another holder has it.
 */
export const acquireLeaseScript = `
local current = redis.call('GET', KEYS[1])
if current then
  if string.sub(current, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '#' then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return current
  end
  return false
end
local token = ARGV[1] .. '#' .. redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
return token
`;

/** Gives a lease back (an instance that stops), only if it still holds it. KEYS: lease. ARGV: token. */
export const releaseLeaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * AlertState.observe on a shared hash (active, notified, last, first): see alert-state.ts for
 * the rules, which this mirrors. KEYS: state, lease. ARGV: holds (1|0), now, cooldown ms,
 * lease token ('' for none: events), how long a subject still owed a resolve is kept.
 * Returns {decision, first}: decision 0 nothing, 1 fire, 2 resolve, -1 the lease is not the
 * caller's any more (nothing was changed).
 */
export const observeScript = `
if ARGV[4] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[4] then return {-1, 0} end
local now = tonumber(ARGV[2])
local cooldown = tonumber(ARGV[3])
local fields = redis.call('HMGET', KEYS[1], 'active', 'notified', 'last', 'first')
local exists = fields[4] ~= false
local active = fields[1] == '1'
local notified = fields[2] == '1'
-- A missing field is false in Redis Lua, and tonumber('') is nil: both mean "never".
local last = nil
local first = nil
if fields[3] then last = tonumber(fields[3]) end
if fields[4] then first = tonumber(fields[4]) end
local decision = 0
if ARGV[1] == '0' then
  if not active then return {0, first or now} end
  active = false
  if notified then
    notified = false
    decision = 2
  end
else
  if not exists then first = now end
  active = true
  if last == nil or now - last >= cooldown then
    if not notified then first = now end
    last = now
    notified = true
    decision = 1
  end
end
redis.call('HSET', KEYS[1], 'active', active and '1' or '0', 'notified', notified and '1' or '0', 'last', last or '', 'first', first)
if not active and not notified then
  local left = last and (last + cooldown - now) or 0
  if left <= 0 then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], math.ceil(left)) end
else
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
return {decision, first}
`;

/**
 * AlertState.pulse: an event notifies unless the same rule and subject notified within the
 * cooldown. KEYS: pulse. ARGV: now, cooldown ms. The key expires with the cooldown.
 * Returns 1 to notify, 0 to stay quiet.
 */
export const pulseScript = `
local last = redis.call('GET', KEYS[1])
local now = tonumber(ARGV[1])
local cooldown = tonumber(ARGV[2])
if last and now - tonumber(last) < cooldown then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, cooldown))
return 1
`;
