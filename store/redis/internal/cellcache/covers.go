package cellcache

import (
	"sync"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/geo"
)

// Covers remembers the H3 covers of recent bboxes: map clients ask for
// the same views again and again, and a cover costs more than the reads.
// The zero Covers is ready for use and safe for concurrent use.
type Covers struct {
	mu sync.Mutex
	m  map[orb.Bound]coverEntry
}

type coverEntry struct {
	cells []uint64 // shared: never modified
	ok    bool
}

// maxCovers bounds the cache; it starts afresh when full.
const maxCovers = 256

// Cover returns geo.Cover(bbox, res), from the cache when bbox was asked
// for lately. The cells are shared: callers must not modify them.

func (c *Covers) Cover(bbox orb.Bound, res int) ([]uint64, bool) {
	c.mu.Lock()
	e, hit := c.m[bbox]
	c.mu.Unlock()
	if hit {
		return e.cells, e.ok
	}
	cells, ok := geo.Cover(bbox, res)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCovers {
		c.m = make(map[orb.Bound]coverEntry)
	}
	c.m[bbox] = coverEntry{cells, ok}
	c.mu.Unlock()
	return cells, ok
}
