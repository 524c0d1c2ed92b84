package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// EarthRadiusKm is the mean Earth radius used by the spherical formulas.
const EarthRadiusKm = 6371.0088

// KmPerNM is the length of a nautical mile in kilometres.
const KmPerNM = 1.852

func rad(d float64) float64 { return d * math.Pi / 180 }
func deg(r float64) float64 { return r * 180 / math.Pi }

// centralAngle returns the angle in radians between a and b (haversine).
func centralAngle(a, b orb.Point) float64 {
	lat1, lat2 := rad(a[1]), rad(b[1])
	dLat := lat2 - lat1
	dLon := rad(b[0] - a[0])
	s := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dLon/2)*math.Sin(dLon/2)
	if s > 1 {
		s = 1
	}
	return 2 * math.Asin(math.Sqrt(s))
}

// DistanceKm returns the great-circle (haversine) distance between a and b
// in kilometres.
func DistanceKm(a, b orb.Point) float64 { return centralAngle(a, b) * EarthRadiusKm }

// DistanceNM returns the great-circle distance between a and b in nautical
// miles.
func DistanceNM(a, b orb.Point) float64 { return DistanceKm(a, b) / KmPerNM }

// BearingDeg returns the initial great-circle bearing from a to b in degrees
// true, in [0, 360). It is 0 when a and b coincide.
func BearingDeg(a, b orb.Point) float64 {
	lat1, lat2 := rad(a[1]), rad(b[1])
	dLon := rad(b[0] - a[0])
	y := math.Sin(dLon) * math.Cos(lat2)
	x := math.Cos(lat1)*math.Sin(lat2) - math.Sin(lat1)*math.Cos(lat2)*math.Cos(dLon)
	brg := math.Mod(deg(math.Atan2(y, x))+360, 360)
	if brg >= 360 {
		brg = 0
	}
	return brg
}

// TurnDeg returns the signed smallest turn from heading from to heading to,
// in degrees in (-180, 180]: positive is a right (clockwise) turn.
func TurnDeg(from, to float64) float64 {
	d := math.Mod(to-from, 360)
	switch {
	case d > 180:
		d -= 360
	case d <= -180:
		d += 360
	}
	return d
}

// CrossTrackKm returns the signed distance in kilometres from p to the great
// circle through a and b: positive when p lies to the right of the path
// a→b, negative to the left.
func CrossTrackKm(p, a, b orb.Point) float64 {
	d13 := centralAngle(a, p)
	t13 := rad(BearingDeg(a, p))
	t12 := rad(BearingDeg(a, b))
	return math.Asin(math.Sin(d13)*math.Sin(t13-t12)) * EarthRadiusKm
}

// AlongTrackKm returns the distance in kilometres from a, along the great
// circle a→b, to the point on it closest to p. It is negative when that
// point lies behind a.
func AlongTrackKm(p, a, b orb.Point) float64 {
	d13 := centralAngle(a, p)
	xt := CrossTrackKm(p, a, b) / EarthRadiusKm
	c := math.Cos(d13) / math.Cos(xt)
	c = math.Max(-1, math.Min(1, c))
	at := math.Acos(c) * EarthRadiusKm
	t13 := rad(BearingDeg(a, p))
	t12 := rad(BearingDeg(a, b))
	if math.Cos(t13-t12) < 0 {
		at = -at
	}
	return at
}

// RouteDistanceKm returns the distance in kilometres from p to the
// great-circle segment a→b: the cross-track distance when p lies abeam of
// the segment, else the distance to the nearer end.
func RouteDistanceKm(p, a, b orb.Point) float64 {
	at := AlongTrackKm(p, a, b)
	if at <= 0 {
		return DistanceKm(p, a)
	}
	if at >= DistanceKm(a, b) {
		return DistanceKm(p, b)
	}
	return math.Abs(CrossTrackKm(p, a, b))
}

// Destination returns the point reached from p after distKm on the initial
// bearing brgDeg along a great circle, with longitude in [-180, 180].
func Destination(p orb.Point, brgDeg, distKm float64) orb.Point {
	lat1, lon1 := rad(p[1]), rad(p[0])
	d := distKm / EarthRadiusKm
	brg := rad(brgDeg)
	lat2 := math.Asin(math.Sin(lat1)*math.Cos(d) + math.Cos(lat1)*math.Sin(d)*math.Cos(brg))
	lon2 := lon1 + math.Atan2(math.Sin(brg)*math.Sin(d)*math.Cos(lat1), math.Cos(d)-math.Sin(lat1)*math.Sin(lat2))
	return orb.Point{normLon(deg(lon2)), deg(lat2)}
}

// normLon folds a longitude into [-180, 180].
func normLon(lon float64) float64 {
	if lon >= -180 && lon <= 180 {
		return lon
	}
	lon = math.Mod(lon+180, 360)
	if lon < 0 {
		lon += 360
	}
	return lon - 180
}
