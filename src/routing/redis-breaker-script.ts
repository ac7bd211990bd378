/**
 * breaker-state.ts's transitions in Lua, so that acquire/record run atomically on the record
 * shared by every gateway instance (two instances must never both probe a half-open target).
 * KEYS[1] = the breaker's key; ARGV = op (acquire|success|failure), now, failures, error_rate,
 * window_ms, min_requests, cooldown_ms, ttl_ms. Returns { decision, record JSON or "" }.
 * `until` is a Lua keyword, hence r['until'].
 */
export const breakerScript = `
local op = ARGV[1]
local now = tonumber(ARGV[2])
local failureLimit = tonumber(ARGV[3])
local errorRate = tonumber(ARGV[4])
local windowMs = tonumber(ARGV[5])
local minRequests = tonumber(ARGV[6])
local cooldownMs = tonumber(ARGV[7])
local ttlMs = tonumber(ARGV[8])

local raw = redis.call('GET', KEYS[1])
local r
if raw then
  r = cjson.decode(raw)
else
  r = { state = 'closed', consecutiveFailures = 0, windowStart = 0, windowTotal = 0, windowFailures = 0, previousTotal = 0, previousFailures = 0 }
  r['until'] = 0
end

local function roll()
  local start = math.floor(now / windowMs) * windowMs
  if r.windowStart == start then return end
  if r.windowStart == start - windowMs then
    r.previousTotal = r.windowTotal
    r.previousFailures = r.windowFailures
  else
    r.previousTotal = 0
    r.previousFailures = 0
  end
  r.windowTotal = 0
  r.windowFailures = 0
  r.windowStart = start
end

local decision = ''
if op == 'acquire' then
  if r.state == 'closed' then
    return { 'allow', raw or '' }
  elseif now < r['until'] then
    return { 'reject', raw or '' }
  end
  r.state = 'half_open'
  r['until'] = now + cooldownMs
  decision = 'probe'
elseif op == 'success' then
  roll()
  if r.state == 'half_open' then
    r.state = 'closed'
    r.previousTotal = 0
    r.previousFailures = 0
    r.windowTotal = 0
    r.windowFailures = 0
    r['until'] = 0
  end
  r.consecutiveFailures = 0
  r.windowTotal = r.windowTotal + 1
else
  roll()
  r.consecutiveFailures = r.consecutiveFailures + 1
  r.windowTotal = r.windowTotal + 1
  r.windowFailures = r.windowFailures + 1
  if r.state ~= 'closed' then
    r.state = 'open'
    r['until'] = now + cooldownMs
  else
    local weight = 1 - (now - r.windowStart) / windowMs
    local total = r.previousTotal * weight + r.windowTotal
    local failures = r.previousFailures * weight + r.windowFailures
    local rateTripped = errorRate > 0 and total >= minRequests and failures / total >= errorRate
    if r.consecutiveFailures >= failureLimit or rateTripped then
      r.state = 'open'
      r['until'] = now + cooldownMs
    end
  end
end

local encoded = cjson.encode(r)
redis.call('SET', KEYS[1], encoded, 'PX', ttlMs)
return { decision, encoded }
`;
