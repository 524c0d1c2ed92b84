local function apply(key, n)
  local parts = {}
  for p in string.gmatch(key, '([^\31]+)') do parts[#parts + 1] = p end
  local day = parts[1]
  for i = 2, #parts do
    local ck = ARGV[1] .. (i - 2) .. ':' .. day
    local v = redis.call('HINCRBY', ck, parts[i], n)
    if v <= 0 then redis.call('HDEL', ck, parts[i]) end
  end
  if n > 0 then redis.call('ZADD', KEYS[2], tonumber(day), day) end
end
for i = 2, #ARGV, 2 do
  local id, new = ARGV[i], ARGV[i + 1]
  local old = redis.call('HGET', KEYS[1], id)
  if old ~= new and not (old == false and new == '') then
    if old then apply(old, -1) end
    if new ~= '' then
      apply(new, 1)
      redis.call('HSET', KEYS[1], id, new)
    else
      redis.call('HDEL', KEYS[1], id)
    end
  end
end
return 0
