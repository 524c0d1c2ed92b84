package main

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
)

// splitAntimeridian cuts a polygon whose rings cross the antimeridian
// (TopoJSON of world-atlas is spherical: Russia's and Fiji's rings jump
// from 180° to -180°, Antarctica's ring runs once round the pole) into
// planar polygons within -180..180. Other polygons come back unchanged.
func splitAntimeridian(p orb.Polygon) []orb.Polygon {
	if len(p) == 0 || !crosses(p[0]) {
		return []orb.Polygon{p}
	}
	u := make(orb.Polygon, 0, len(p))
	for i, r := range p {
		ur, turns := unwrap(r)
		if i > 0 {
			// keep a hole next to its outer ring
			if d := u[0][0][0] - ur[0][0]; math.Abs(d) > 180 {
				ur = shift(ur, 360*math.Round(d/360))
			}
		} else if turns != 0 {
			// round a pole: close the ring along it
			pole := -90.0
			if meanLat(ur) > 0 {
				pole = 90
			}
			first, last := ur[0], ur[len(ur)-1]
			ur = append(ur, orb.Point{last[0], pole}, orb.Point{first[0], pole}, first)
		}
		u = append(u, ur)
	}
	var out []orb.Polygon
	for _, s := range []float64{0, -360, 360} {
		b := orb.Bound{Min: orb.Point{-180 - s, -90}, Max: orb.Point{180 - s, 90}}
		if !b.Intersects(u.Bound()) {
			continue
		}
		c := clip.Polygon(b, orb.Clone(u).(orb.Polygon))
		if len(c) == 0 || len(c[0]) < 4 || planar.Area(c) < 1e-12 {
			continue // nothing, or a sliver along the cut
		}
		for i := range c {
			c[i] = shift(c[i], s)
		}
		out = append(out, c)
	}
	return out
}

func crosses(r orb.Ring) bool {
	for i := 1; i < len(r); i++ {
		if math.Abs(r[i][0]-r[i-1][0]) > 180 {
			return true
		}
	}
	return false
}

// unwrap makes a ring's longitudes continuous (beyond ±180 where it
// crosses) and returns how many times it goes round the pole.
func unwrap(r orb.Ring) (orb.Ring, int) {
	out := make(orb.Ring, len(r))
	off := 0.0
	for i, p := range r {
		if i > 0 {
			switch d := p[0] - r[i-1][0]; {
			case d > 180:
				off -= 360
			case d < -180:
				off += 360
			}
		}
		out[i] = orb.Point{p[0] + off, p[1]}
	}
	// round a pole, the closing point lands a turn away from the first
	return out, int(math.Round(off / 360))
}

func shift(r orb.Ring, dx float64) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[i] = orb.Point{p[0] + dx, p[1]}
	}
	return out
}

func meanLat(r orb.Ring) float64 {
	s := 0.0
	for _, p := range r {
		s += p[1]
	}
	return s / float64(len(r))
}
