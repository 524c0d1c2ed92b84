package stream

import (
	"math"
	"sync"

	"github.com/paulmach/orb"
)

// Viewports are indexed by tiles of tileDeg × tileDeg degrees, so that a
// tick looks only at the clients whose viewport overlaps a tile where an
// aircraft changed. A viewport over more than wideTiles tiles is wide:
// it is offered every batch with aircraft changes.
const (
	tileDeg   = 2
	tileCols  = 360 / tileDeg
	tileRows  = 180 / tileDeg
	wideTiles = 1024
)

// tileKey numbers a tile: row × tileCols + column.
type tileKey int32

// tileOf returns the tile holding p.
func tileOf(p orb.Point) tileKey {
	return tileKey(tileRow(p[1])*tileCols + tileCol(p[0]))
}

func tileCol(lon float64) int {
	c := int(math.Floor((lon + 180) / tileDeg))
	return min(max(c, 0), tileCols-1)
}

func tileRow(lat float64) int {
	r := int(math.Floor((lat + 90) / tileDeg))
	return min(max(r, 0), tileRows-1)
}

// tilesOf returns the tiles b overlaps, or wide true when they are more
// than wideTiles (or b is empty: the whole world). Bounds crossing the
// antimeridian (Min lon > Max lon) wrap.
func tilesOf(b orb.Bound) (tiles []tileKey, wide bool) {
	if b == (orb.Bound{}) {
		return nil, true
	}
	r0, r1 := tileRow(b.Min[1]), tileRow(b.Max[1])
	var cols []int
	c0, c1 := tileCol(b.Min[0]), tileCol(b.Max[0])
	if b.Min[0] <= b.Max[0] {
		for c := c0; c <= c1; c++ {
			cols = append(cols, c)
		}
	} else {
		for c := c0; c < tileCols; c++ {
			cols = append(cols, c)
		}
		for c := 0; c <= c1; c++ {
			cols = append(cols, c)
		}
	}
	if (r1-r0+1)*len(cols) > wideTiles {
		return nil, true
	}
	for r := r0; r <= r1; r++ {
		for _, c := range cols {
			tiles = append(tiles, tileKey(r*tileCols+c))
		}
	}
	return tiles, false
}

// tileIndex maps tiles to the aircraft subscribers whose viewport
// overlaps them. It is safe for concurrent use.
type tileIndex struct {
	mu    sync.RWMutex
	tiles map[tileKey]map[*client]struct{}
	wide  map[*client]struct{}
	of    map[*client][]tileKey // each client's tiles, to remove them
	// all holds every aircraft subscriber, for batches that remove
	// aircraft at unknown positions.
	all map[*client]struct{}
}

func (x *tileIndex) init() {
	x.tiles = make(map[tileKey]map[*client]struct{})
	x.wide = make(map[*client]struct{})
	x.of = make(map[*client][]tileKey)
	x.all = make(map[*client]struct{})
}

// set makes c a subscriber of tiles (or wide); aircraft false removes it.
func (x *tileIndex) set(c *client, aircraft bool, tiles []tileKey, wide bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.removeLocked(c)
	if !aircraft {
		return
	}
	x.all[c] = struct{}{}
	if wide {
		x.wide[c] = struct{}{}
		return
	}
	for _, t := range tiles {
		m := x.tiles[t]
		if m == nil {
			m = make(map[*client]struct{})
			x.tiles[t] = m
		}
		m[c] = struct{}{}
	}
	x.of[c] = tiles
}

func (x *tileIndex) remove(c *client) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.removeLocked(c)
}

func (x *tileIndex) removeLocked(c *client) {
	for _, t := range x.of[c] {
		if m := x.tiles[t]; m != nil {
			delete(m, c)
			if len(m) == 0 {
				delete(x.tiles, t)
			}
		}
	}
	delete(x.of, c)
	delete(x.wide, c)
	delete(x.all, c)
}

// collect adds to set the clients b's aircraft changes concern.
func (x *tileIndex) collect(b *batch, set map[*client]struct{}) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if b.unknown {
		for c := range x.all {
			set[c] = struct{}{}
		}
		return
	}
	for c := range x.wide {
		set[c] = struct{}{}
	}
	for _, m := range []map[tileKey][]int32{b.tiles, b.left, b.gone} {
		for t := range m {
			for c := range x.tiles[t] {
				set[c] = struct{}{}
			}
		}
	}
}
