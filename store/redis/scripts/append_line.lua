local max = tonumber(ARGV[1])
for i = 1, #KEYS, 2 do
  local line, src = KEYS[i], KEYS[i + 1]
  local data, seen = ARGV[i + 1], ARGV[i + 2]
  if #data > 0 then
    local n = redis.call('STRLEN', line)
    local last = ''
    if n >= 20 then last = redis.call('GETRANGE', line, n - 20, n - 13) end
    local out = {}
    for off = 1, #data - 19, 20 do
      local t = string.sub(data, off, off + 7)
      if t > last then
        out[#out + 1] = string.sub(data, off, off + 19)
        last = t
      end
    end
    if #out > 0 then n = redis.call('APPEND', line, table.concat(out)) end
    if max > 1 and n > max * 20 then
      local s = redis.call('GET', line)
      while #s > max * 20 do
        local cnt = #s / 20
        local keep = {}
        for r = 0, cnt - 1, 2 do keep[#keep + 1] = string.sub(s, r * 20 + 1, r * 20 + 20) end
        if (cnt - 1) % 2 ~= 0 then keep[#keep + 1] = string.sub(s, #s - 19, #s) end
        s = table.concat(keep)
      end
      redis.call('SET', line, s)
    end
  end
  for name, f, l, c in string.gmatch(seen, '([^\t\n]*)\t(%-?%d+)\t(%-?%d+)\t(%d+)\n') do
    f, l, c = tonumber(f), tonumber(l), tonumber(c)
    local v = redis.call('HGET', src, name)
    if v then
      local of, ol, oc = string.match(v, '^(%-?%d+),(%-?%d+),(%d+)$')
      if of then
        f = math.min(f, tonumber(of))
        l = math.max(l, tonumber(ol))
        c = c + tonumber(oc)
      end
    end
    redis.call('HSET', src, name, string.format('%.0f,%.0f,%.0f', f, l, c))
  end
end
return 0
