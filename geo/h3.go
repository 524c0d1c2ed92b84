package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// MaxRes is the finest H3 resolution.
const MaxRes = 15

// Cell returns the H3 index of the cell at res that contains lat, lon.
func Cell(lat, lon float64, res int) uint64 {
	return uint64(h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lon}, res))
}

// CellOf returns the H3 index at res of the cell that contains p ([lon, lat]).
func CellOf(p orb.Point, res int) uint64 { return Cell(p[1], p[0], res) }

// Parent returns the parent of cell at the coarser resolution res.
func Parent(cell uint64, res int) uint64 { return uint64(h3.Cell(cell).Parent(res)) }

// CellRes returns the resolution of cell.
func CellRes(cell uint64) int { return h3.Cell(cell).Resolution() }

// ValidCell reports whether cell is a valid H3 cell index.
func ValidCell(cell uint64) bool { return h3.Cell(cell).IsValid() }

// CellString returns the usual hexadecimal form of an H3 index.
func CellString(cell uint64) string { return h3.IndexToString(cell) }

// ParseCell parses the hexadecimal form of an H3 index; 0 when invalid.
func ParseCell(s string) uint64 {
	c := h3.IndexFromString(s)
	if !h3.Cell(c).IsValid() {
		return 0
	}
	return c
}

// CellCenter returns the centre of cell as [lon, lat].
func CellCenter(cell uint64) orb.Point {
	ll := h3.Cell(cell).LatLng()
	return orb.Point{ll.Lng, ll.Lat}
}

// CellPolygon returns the boundary of cell as a closed, counter-clockwise
// ring ([lon, lat]) per RFC 7946. Cells that cross the antimeridian have
// their longitudes unwrapped past ±180 so that the ring stays contiguous.
func CellPolygon(cell uint64) orb.Polygon {
	b := h3.Cell(cell).Boundary()
	ring := make(orb.Ring, 0, len(b)+1)
	for _, ll := range b {
		ring = append(ring, orb.Point{ll.Lng, ll.Lat})
	}
	unwrapRing(ring)
	ring = append(ring, ring[0])
	return orb.Polygon{ring}
}

// unwrapRing makes a ring's longitudes contiguous across the antimeridian.
func unwrapRing(r orb.Ring) {
	for i := 1; i < len(r); i++ {
		for r[i][0]-r[i-1][0] > 180 {
			r[i][0] -= 360
		}
		for r[i][0]-r[i-1][0] < -180 {
			r[i][0] += 360
		}
	}
}

// maxCoverCells bounds Cover: past it the caller should read everything.
const maxCoverCells = 20000

// Cover returns H3 cells at res that together cover every point of bbox
// (they may reach past it). It returns nil and false when the cover would
// exceed maxCoverCells, in which case reading everything is cheaper. A bbox
// whose Min lon is greater than its Max lon crosses the antimeridian.
func Cover(bbox orb.Bound, res int) ([]uint64, bool) {
	if bbox.Min[0] > bbox.Max[0] {
		west, ok1 := Cover(orb.Bound{Min: bbox.Min, Max: orb.Point{180, bbox.Max[1]}}, res)
		east, ok2 := Cover(orb.Bound{Min: orb.Point{-180, bbox.Min[1]}, Max: bbox.Max}, res)
		if !ok1 || !ok2 {
			return nil, false
		}
		return dedupe(append(west, east...)), true
	}
	// Estimate the count before filling: the area of bbox over the average
	// cell area, both in square degrees near the bbox's mid latitude.
	midLat := (bbox.Min[1] + bbox.Max[1]) / 2
	kmPerDeg := 111.32
	areaKm2 := (bbox.Max[0] - bbox.Min[0]) * kmPerDeg * math.Cos(midLat*math.Pi/180) *
		(bbox.Max[1] - bbox.Min[1]) * kmPerDeg
	if areaKm2/h3.HexagonAreaAvgKm2(res) > maxCoverCells {
		return nil, false
	}
	set := make(map[h3.Cell]struct{})
	add := func(c h3.Cell) { set[c] = struct{}{} }
	// Split wide boxes: H3 polyfill takes the shorter way round the globe
	// for edges longer than 180 degrees.
	for lon := bbox.Min[0]; lon < bbox.Max[0]; lon += 90 {
		east := math.Min(lon+90, bbox.Max[0])
		loop := h3.GeoLoop{
			{Lat: bbox.Min[1], Lng: lon}, {Lat: bbox.Min[1], Lng: east},
			{Lat: bbox.Max[1], Lng: east}, {Lat: bbox.Max[1], Lng: lon},
		}
		for _, c := range h3.PolygonToCells(h3.GeoPolygon{GeoLoop: loop}, res) {
			add(c)
		}
	}
	// Polyfill keeps cells whose centres lie inside; cells that overlap the
	// edges are found by walking the edges at less than a cell's width.
	step := h3.HexagonEdgeLengthAvgKm(res) / kmPerDeg / 2
	walk := func(a, b orb.Point) {
		d := math.Max(math.Abs(b[0]-a[0]), math.Abs(b[1]-a[1]))
		n := int(d/step) + 1
		for i := 0; i <= n; i++ {
			f := float64(i) / float64(n)
			ll := h3.LatLng{Lat: a[1] + (b[1]-a[1])*f, Lng: a[0] + (b[0]-a[0])*f}
			c := h3.LatLngToCell(ll, res)
			for _, n := range c.GridDisk(1) {
				add(n)
			}
		}
	}
	sw, se := bbox.Min, orb.Point{bbox.Max[0], bbox.Min[1]}
	ne, nw := bbox.Max, orb.Point{bbox.Min[0], bbox.Max[1]}
	walk(sw, se)
	walk(se, ne)
	walk(ne, nw)
	walk(nw, sw)
	if len(set) > maxCoverCells {
		return nil, false
	}
	out := make([]uint64, 0, len(set))
	for c := range set {
		out = append(out, uint64(c))
	}
	return out, true
}

func dedupe(cells []uint64) []uint64 {
	seen := make(map[uint64]struct{}, len(cells))
	out := cells[:0]
	for _, c := range cells {
		if _, ok := seen[c]; !ok {
			seen[c] = struct{}{}
			out = append(out, c)
		}
	}
	return out
}

// ResForZoom picks an H3 resolution whose cells look a sensible size on a
// web map at zoom z (a few dozen pixels across).
func ResForZoom(z float64) int {
	r := int(math.Floor((z - 1) * 0.75))
	switch {
	case r < 0:
		return 0
	case r > 9:
		return 9
	}
	return r
}

// InBound reports whether p lies inside b, honouring bounds that cross the
// antimeridian (Min lon > Max lon). An empty Bound{} contains everything.
func InBound(b orb.Bound, p orb.Point) bool {
	if b == (orb.Bound{}) {
		return true
	}
	if p[1] < b.Min[1] || p[1] > b.Max[1] {
		return false
	}
	if b.Min[0] <= b.Max[0] {
		return p[0] >= b.Min[0] && p[0] <= b.Max[0]
	}
	return p[0] >= b.Min[0] || p[0] <= b.Max[0]
}
