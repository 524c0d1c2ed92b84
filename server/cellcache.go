package server

import (
	"sync"

	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/server/export"
)

// cellHeads keeps, per H3 cell, the encoded opening of its GeoJSON
// Feature (type, id and the hexagon geometry, up to the properties' brace):
// a cell's polygon never changes, and finding it is an H3 boundary lookup
// (a cgo call) and a dozen coordinates to format, which made most of a
// /cells answer of thousands of cells. Bounded to maxCellHeads entries
// (a full cache is emptied). The zero value is ready for use and safe for
// concurrent use.
type cellHeads struct {
	mu sync.RWMutex
	m  map[uint64][]byte
}

// maxCellHeads bounds cellHeads: a few whole-country answers at the finer
// resolutions (about 300 bytes an entry).
const maxCellHeads = 1 << 17

// Append appends the opening of cell's Feature to b, as
// export.OpenFeature(b, geo.CellString(cell), geo.CellPolygon(cell)).
func (c *cellHeads) Append(b []byte, cell uint64) []byte {
	c.mu.RLock()
	h, ok := c.m[cell]
	c.mu.RUnlock()
	if ok {
		return append(b, h...)
	}
	h = export.OpenFeature(nil, geo.CellString(cell), geo.CellPolygon(cell))
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCellHeads {
		c.m = make(map[uint64][]byte)
	}
	c.m[cell] = h
	c.mu.Unlock()
	return append(b, h...)
}
