/**
 * Lua run atomically by Redis for the shared rate budget (one script at a time on the server: two processes can
 * never both take the last unit). Numbers are epoch ms and budget units.
 *
 * RESERVE — KEYS: pause, ban, then one key per window; ARGV: now, then per window mode, limit, intervalMs, cost, floor.
 * Returns {0} when charged, {waitMs} when not (nothing charged; at least 1, as Redis truncates a fraction, and a
 * 0.5 ms wait must not read as a grant), {-1, bannedUntil} during a ban.
 * The lane's floor is clamped as the local limiter clamps it (fixed: spend up to max(limit − floor, cost); rolling:
 * keep min(floor, limit − cost)), so a request the local windows allow is never refused forever. A rolling window's
 * `ts` never moves back: a host whose clock is behind refills nothing and cannot hand a host ahead refill for time
 * that never passed.
 */
export const RESERVE_LUA = `
local now = tonumber(ARGV[1])
local ban = tonumber(redis.call('GET', KEYS[2]) or '0')
if ban > now then return {-1, ban} end
local pause = tonumber(redis.call('GET', KEYS[1]) or '0')
if pause > now then return {math.max(1, math.ceil(pause - now))} end
local n = #KEYS - 2
local wait = 0
local tokens = {}
local stamps = {}
for i = 1, n do
  local b = 1 + (i - 1) * 5
  local mode, limit, interval = ARGV[b + 1], tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
  local cost, floor = tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5])
  local k = KEYS[i + 2]
  if mode == 'fixed' then
    local used = tonumber(redis.call('GET', k) or '0')
    if used + cost > math.max(limit - floor, cost) + 1e-9 then
      local w = interval - (now % interval)
      if w > wait then wait = w end
    end
  else
    local h = redis.call('HMGET', k, 'tokens', 'ts')
    local t = tonumber(h[1] or limit)
    local ts = tonumber(h[2] or now)
    if now > ts then
      t = math.min(limit, t + (now - ts) * limit / interval)
      ts = now
    end
    tokens[i] = t
    stamps[i] = ts
    local missing = cost + math.min(floor, limit - cost) - t
    if missing > 1e-9 then
      local w = math.ceil(missing * interval / limit)
      if w > wait then wait = w end
    end
  end
end
if wait > 0 then return {math.max(1, math.floor(wait))} end
for i = 1, n do
  local b = 1 + (i - 1) * 5
  local mode, interval, cost = ARGV[b + 1], tonumber(ARGV[b + 3]), ARGV[b + 4]
  local k = KEYS[i + 2]
  if mode == 'fixed' then
    redis.call('INCRBYFLOAT', k, cost)
  else
    redis.call('HSET', k, 'tokens', tostring(tokens[i] - tonumber(cost)), 'ts', tostring(stamps[i]))
  end
  redis.call('PEXPIRE', k, interval * 2)
end
return {0}
`

/**
 * OBSERVE — the venue's count for one window. KEYS: the window key; ARGV: mode, limit, intervalMs, used, now (when
 * the answer came, not when the request was sent). The shared view never believes it has more budget than the venue
 * says: a rolling window refills up to `now`, then is capped at `limit − used`, and its `ts` never moves back (the
 * next reservation refills from `now`, not from when the request was sent).
 */
export const OBSERVE_LUA = `
local mode, limit, interval = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local used, now = tonumber(ARGV[4]), tonumber(ARGV[5])
if mode == 'fixed' then
  local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
  if used > cur then redis.call('SET', KEYS[1], tostring(used), 'PX', interval * 2) end
else
  local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
  local t = tonumber(h[1] or limit)
  local ts = tonumber(h[2] or now)
  if now > ts then
    t = math.min(limit, t + (now - ts) * limit / interval)
    ts = now
  end
  t = math.min(t, limit - used)
  redis.call('HSET', KEYS[1], 'tokens', tostring(t), 'ts', tostring(ts))
  redis.call('PEXPIRE', KEYS[1], interval * 2)
end
return 1
`

/** UNTIL — raises a pause or ban end time (never lowers it). KEYS: the key; ARGV: until, now. */
export const UNTIL_LUA = `
local u, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if u > cur and u > now then redis.call('SET', KEYS[1], ARGV[1], 'PX', math.ceil(u - now) + 1000) end
return 1
`
