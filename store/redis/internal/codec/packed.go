package codec

import "github.com/flightwatch/flightwatch/store/internal/query"

// AddPacked adds a packed month-aggregate value to c. The value is
// "<count>,<reports>" followed, per source, by ",<count>,<len>:<source>",
// len being the source's length in bytes. It reports whether v was well
// formed.
func AddPacked(c *query.CellSum, v string) bool {
	count, i, ok := readInt(v, 0)
	if !ok || i >= len(v) || v[i] != ',' {
		return false
	}
	reports, i, ok := readInt(v, i+1)
	if !ok {
		return false
	}
	c.Count += count
	c.Reports += reports
	for i < len(v) {
		if v[i] != ',' {
			return false
		}
		n, j, ok := readInt(v, i+1)
		if !ok || j >= len(v) || v[j] != ',' {
			return false
		}
		l, k, ok := readInt(v, j+1)
		if !ok || k >= len(v) || v[k] != ':' || l < 0 || l > len(v)-k-1 {
			return false
		}
		c.AddSource(v[k+1:k+1+l], n)
		i = k + 1 + l
	}
	return true
}

// readInt reads a decimal integer, optionally negative, at v[i:] and
// returns it with the index just past it.
func readInt(v string, i int) (n, end int, ok bool) {
	neg := i < len(v) && v[i] == '-'
	if neg {
		i++
	}
	start := i
	for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		if n > (1<<62)/10 {
			return 0, i, false
		}
		n = n*10 + int(v[i]-'0')
	}
	if i == start {
		return 0, i, false
	}
	if neg {
		n = -n
	}
	return n, i, true
}
