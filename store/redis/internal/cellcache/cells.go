package cellcache

import (
	"math"
	"sync"

	"github.com/flightwatch/flightwatch/geo"
)

// Cells finds the index cell of aircraft that mostly stay where they were:
// an aircraft well inside the cell it is indexed in is still in it, which a
// distance to the cell's centre tells for a fraction of the cost of an H3
// lookup (a cgo call). The zero Cells is ready for use and safe for
// concurrent use.
type Cells struct {
	mu sync.RWMutex
	m  map[uint64]disc
}

// disc is a circle inside a cell: its centre (radians), the cosine of the
// centre's latitude, and haversine(radius), which distances are compared
// against.
type disc struct {
	lat, lon, cosLat, hav float64
}

// maxDiscs bounds the cache; resolution 3 has 41,162 cells.
const maxDiscs = 1 << 16

// inset scales the smallest centre-to-vertex distance of a cell into a
// radius that lies inside it. The boundary between two vertices is nearer
// the centre than either by cos(θ/2), θ being the angle the edge subtends:
// 60° on a regular hexagon, 72° on a pentagon (0.809); H3 cells are close
// to regular, and 0.7 leaves room for their distortion.
const inset = 0.7

// CellOf returns the cell at res holding (lat, lon) in degrees, given the
// cell prev it was in before (0 when none).
func (c *Cells) CellOf(lat, lon float64, prev uint64, res int) uint64 {
	if prev != 0 && int(prev>>52&0xf) == res { // the H3 index's resolution bits
		d := c.disc(prev)
		if d.contains(lat, lon) {
			return prev
		}
	}
	return geo.Cell(lat, lon, res)
}

func (c *Cells) disc(cell uint64) disc {
	c.mu.RLock()
	d, ok := c.m[cell]
	c.mu.RUnlock()
	if ok {
		return d
	}
	d = discOf(cell)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxDiscs {
		c.m = make(map[uint64]disc)
	}
	c.m[cell] = d
	c.mu.Unlock()
	return d
}

const rad = math.Pi / 180

func discOf(cell uint64) disc {
	ctr := geo.CellCenter(cell)
	d := disc{lat: ctr[1] * rad, lon: ctr[0] * rad}
	d.cosLat = math.Cos(d.lat)
	minR := math.Inf(1)
	for _, v := range geo.CellPolygon(cell)[0] {
		minR = min(minR, d.angle(v[1], v[0]))
	}
	d.hav = hav(minR * inset)
	return d
}

// angle returns the central angle (radians) between the disc's centre and
// (lat, lon) in degrees.
func (d *disc) angle(lat, lon float64) float64 {
	h := d.havTo(lat, lon)
	return 2 * math.Asin(math.Sqrt(min(h, 1)))
}

// havTo returns haversine of the central angle to (lat, lon) in degrees.
func (d *disc) havTo(lat, lon float64) float64 {
	la, lo := lat*rad, lon*rad
	return hav(la-d.lat) + d.cosLat*math.Cos(la)*hav(lo-d.lon)
}

func (d *disc) contains(lat, lon float64) bool {
	return d.havTo(lat, lon) < d.hav
}

func hav(x float64) float64 {
	s := math.Sin(x / 2)
	return s * s
}
