-- One login attempt, judged and counted atomically (the rules of memory.rs, in Redis).
-- KEYS: user, slot, client, pair, device (client/pair/device only read when their flag is 1).
-- ARGV: window_ms, limit, delay_ms, max_wait_ms, member, has_client, has_device.
-- Returns {verdict, ms}: 0 allow, 1 wait ms, 2 refuse (retry after ms).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local delay = tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])
local member = ARGV[5]
local keep = limit * 4

-- How long until a failure leaves the window when KEY holds at least NEED, else nil.
local function full(key, need)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n < need then return nil end
  local oldest = redis.call('ZRANGE', key, n - need, n - need, 'WITHSCORES')
  return math.max(0, tonumber(oldest[2]) + window - now)
end

local function add(key)
  redis.call('ZADD', key, now, member)
  redis.call('ZREMRANGEBYRANK', key, 0, -keep - 1)
  redis.call('PEXPIRE', key, window)
end

if ARGV[7] == '1' then
  local retry = full(KEYS[5], limit)
  if retry then return {2, retry} end
  add(KEYS[5])
  return {0, 0}
end
if ARGV[6] == '1' then
  local retry = full(KEYS[4], limit) or full(KEYS[3], keep)
  if retry then return {2, retry} end
end
local wait = 0
if full(KEYS[1], limit) then
  local stored = redis.call('GET', KEYS[2])
  local turn = math.max(now, stored and tonumber(stored) or now)
  wait = turn - now
  if wait > max_wait then return {2, wait} end
  redis.call('SET', KEYS[2], turn + delay, 'PX', wait + delay + 1000)
end
add(KEYS[1])
if ARGV[6] == '1' then
  add(KEYS[3])
  add(KEYS[4])
end
if wait > 0 then return {1, wait} end
return {0, 0}
