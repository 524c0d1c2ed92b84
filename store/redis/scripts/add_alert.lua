if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return false end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[3], '*', 'a', ARGV[2])
redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), ARGV[1])
local n = redis.call('ZCARD', KEYS[1])
local max = tonumber(ARGV[4])
if n > max then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - max - 1) end
return id
