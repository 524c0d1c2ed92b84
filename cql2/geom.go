package cql2

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// bboxGeometry returns the geometry of a BBOX of 4 numbers (or 6, whose
// heights are ignored): a Bound, or two when it crosses the antimeridian
// (min longitude > max longitude).
func bboxGeometry(n []float64) (orb.Geometry, error) {
	if len(n) != 4 && len(n) != 6 {
		return nil, fmt.Errorf("BBOX needs 4 or 6 numbers, has %d", len(n))
	}
	if len(n) == 6 {
		n = []float64{n[0], n[1], n[3], n[4]}
	}
	for _, f := range n {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("BBOX numbers must be finite")
		}
	}
	if n[1] > n[3] {
		return nil, errors.New("BBOX minimum latitude above maximum")
	}
	if n[0] > n[2] {
		return orb.Collection{
			orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{180, n[3]}},
			orb.Bound{Min: orb.Point{-180, n[1]}, Max: orb.Point{n[2], n[3]}},
		}, nil
	}
	return orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}, nil
}

// checkGeometry rejects empty geometries and coordinates that are not finite.
func checkGeometry(g orb.Geometry) error {
	if g == nil {
		return errors.New("no geometry")
	}
	bad := false
	n := 0
	eachPoint(g, func(p orb.Point) {
		n++
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			bad = true
		}
	})
	switch {
	case n == 0:
		return errors.New("empty geometry")
	case bad:
		return errors.New("coordinates must be finite numbers")
	}
	return nil
}

func eachPoint(g orb.Geometry, f func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		f(g)
	case orb.MultiPoint:
		for _, p := range g {
			f(p)
		}
	case orb.LineString:
		for _, p := range g {
			f(p)
		}
	case orb.MultiLineString:
		for _, l := range g {
			eachPoint(l, f)
		}
	case orb.Ring:
		for _, p := range g {
			f(p)
		}
	case orb.Polygon:
		for _, r := range g {
			eachPoint(r, f)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			eachPoint(p, f)
		}
	case orb.Bound:
		f(g.Min)
		f(g.Max)
	case orb.Collection:
		for _, x := range g {
			eachPoint(x, f)
		}
	}
}

// parts is a geometry taken apart: its lone points, line segments and
// polygons (whose edges are also in segs).
type parts struct {
	points []orb.Point
	segs   [][2]orb.Point
	polys  []orb.Polygon
}

func decompose(g orb.Geometry, out *parts) {
	line := func(ls []orb.Point) {
		if len(ls) == 1 {
			out.points = append(out.points, ls[0])
		}
		for i := 1; i < len(ls); i++ {
			out.segs = append(out.segs, [2]orb.Point{ls[i-1], ls[i]})
		}
	}
	switch g := g.(type) {
	case orb.Point:
		out.points = append(out.points, g)
	case orb.MultiPoint:
		out.points = append(out.points, g...)
	case orb.LineString:
		line(g)
	case orb.MultiLineString:
		for _, l := range g {
			line(l)
		}
	case orb.Ring:
		decompose(orb.Polygon{g}, out)
	case orb.Polygon:
		if len(g) == 0 || len(g[0]) == 0 {
			return
		}
		out.polys = append(out.polys, g)
		for _, r := range g {
			line(r)
		}
		out.points = append(out.points, g[0][0])
	case orb.MultiPolygon:
		for _, p := range g {
			decompose(p, out)
		}
	case orb.Bound:
		decompose(g.ToPolygon(), out)
	case orb.Collection:
		for _, x := range g {
			decompose(x, out)
		}
	}
}

// Intersects reports whether two geometries share a point, computed in
// the plane of their coordinates.
func Intersects(a, b orb.Geometry) bool {
	if a == nil || b == nil {
		return false
	}
	if !a.Bound().Intersects(b.Bound()) {
		return false
	}
	var pa, pb parts
	decompose(a, &pa)
	decompose(b, &pb)
	return meets(&pa, &pb) || meets(&pb, &pa)
}

// meets reports whether a point or a vertex of a lies in b, or a segment
// of a crosses one of b.
func meets(a, b *parts) bool {
	vertices := a.points
	for _, s := range a.segs {
		vertices = append(vertices, s[0])
	}
	for _, p := range vertices {
		for _, q := range b.points {
			if p == q {
				return true
			}
		}
		for _, poly := range b.polys {
			if planar.PolygonContains(poly, p) {
				return true
			}
		}
		for _, s := range b.segs {
			if onSegment(s[0], s[1], p) {
				return true
			}
		}
	}
	for _, s := range a.segs {
		for _, t := range b.segs {
			if segmentsCross(s[0], s[1], t[0], t[1]) {
				return true
			}
		}
	}
	return false
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

func onSegment(a, b, p orb.Point) bool {
	return orient(a, b, p) == 0 &&
		math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

func segmentsCross(a, b, c, d orb.Point) bool {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if (o1 > 0 && o2 < 0 || o1 < 0 && o2 > 0) && (o3 > 0 && o4 < 0 || o3 < 0 && o4 > 0) {
		return true
	}
	return onSegment(a, b, c) || onSegment(a, b, d) || onSegment(c, d, a) || onSegment(c, d, b)
}
