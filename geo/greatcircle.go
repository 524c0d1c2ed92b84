package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// GreatCircle returns the great-circle route from a to b densified so that
// consecutive points are at most stepKm apart (a stepKm of zero or less
// means 100 km). The route is split where it crosses the antimeridian into
// parts whose longitudes each stay within [-180, 180]; the parts meet at
// ±180 at the same latitude. Coinciding ends give one two-point part.
func GreatCircle(a, b orb.Point, stepKm float64) orb.MultiLineString {
	if stepKm <= 0 {
		stepKm = 100
	}
	d := centralAngle(a, b)
	n := int(math.Ceil(d * EarthRadiusKm / stepKm))
	if n < 1 {
		n = 1
	}
	if n > 100000 {
		n = 100000
	}
	pts := make([]orb.Point, 0, n+1)
	pts = append(pts, a)
	if d > 0 {
		lat1, lon1 := rad(a[1]), rad(a[0])
		lat2, lon2 := rad(b[1]), rad(b[0])
		sd := math.Sin(d)
		for i := 1; i < n; i++ {
			f := float64(i) / float64(n)
			A := math.Sin((1-f)*d) / sd
			B := math.Sin(f*d) / sd
			x := A*math.Cos(lat1)*math.Cos(lon1) + B*math.Cos(lat2)*math.Cos(lon2)
			y := A*math.Cos(lat1)*math.Sin(lon1) + B*math.Cos(lat2)*math.Sin(lon2)
			z := A*math.Sin(lat1) + B*math.Sin(lat2)
			pts = append(pts, orb.Point{deg(math.Atan2(y, x)), deg(math.Atan2(z, math.Hypot(x, y)))})
		}
	}
	pts = append(pts, b)
	return splitAntimeridian(pts)
}

// splitAntimeridian cuts a line whose consecutive points jump by more than
// 180 degrees of longitude into parts that end and start on ±180.
func splitAntimeridian(pts []orb.Point) orb.MultiLineString {
	var out orb.MultiLineString
	cur := orb.LineString{pts[0]}
	for i := 1; i < len(pts); i++ {
		p, q := pts[i-1], pts[i]
		dl := q[0] - p[0]
		if math.Abs(dl) <= 180 {
			cur = append(cur, q)
			continue
		}
		// Unwrap q next to p and find the latitude at the crossing.
		edge, qlon := -180.0, q[0]-360 // p near -180, q near +180
		if dl < 0 {
			edge, qlon = 180.0, q[0]+360 // p near +180, q near -180
		}
		f := 0.5
		if qlon != p[0] {
			f = (edge - p[0]) / (qlon - p[0])
		}
		lat := p[1] + f*(q[1]-p[1])
		cur = append(cur, orb.Point{edge, lat})
		out = append(out, cur)
		cur = orb.LineString{{-edge, lat}, q}
	}
	out = append(out, cur)
	return out
}
