if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local n = tonumber(ARGV[4])
local src = ARGV[5]
local tail = ',' .. n .. ',' .. #src .. ':' .. src
local function pack(key, cell)
	local v = redis.call('HGET', key, cell)
	if not v then
		redis.call('HSET', key, cell, n .. ',1' .. tail)
		return
	end
	local c, r, p0 = string.match(v, '^(%-?%d+),(%d+)()')
	local head = (tonumber(c) + n) .. ',' .. (tonumber(r) + 1)
	local pos = p0
	while pos <= #v do
		local sn, ls, p = string.match(v, '^,(%-?%d+),(%d+):()', pos)
		local l = tonumber(ls)
		if l == #src and string.sub(v, p, p + l - 1) == src then
			redis.call('HSET', key, cell, head .. string.sub(v, p0, pos - 1) .. ',' .. (tonumber(sn) + n) ..
				',' .. ls .. ':' .. src .. string.sub(v, p + l))
			return
		end
		pos = p + l
	end
	redis.call('HSET', key, cell, head .. string.sub(v, p0) .. tail)
end
for i = 3, #KEYS, 2 do
	local c = ARGV[(i - 3) / 2 + 6]
	redis.call('HINCRBY', KEYS[i], c, n)
	redis.call('HINCRBY', KEYS[i], c .. ':n', 1)
	redis.call('HINCRBY', KEYS[i], c .. ':s:' .. src, n)
	pack(KEYS[i + 1], c)
	redis.call('HSET', KEYS[i + 1], 'v', ARGV[#ARGV])
end
return 1
