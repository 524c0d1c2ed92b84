package ogc

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// crsDef is a coordinate reference system features can be written in and
// bboxes and filter geometries given in. Stored coordinates are CRS84
// (longitude, latitude).
type crsDef struct {
	uri string
	// from converts a CRS84 point to this CRS; to converts back.
	from, to func(orb.Point) orb.Point
}

const (
	uriEPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
	uriEPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
)

// earthRadius is the sphere radius of Web Mercator, metres.
const earthRadius = 6378137.0

// maxMercatorLat is where Web Mercator is cut off.
const maxMercatorLat = 85.05112877980659

func identity(p orb.Point) orb.Point { return p }
func swap(p orb.Point) orb.Point     { return orb.Point{p[1], p[0]} }

func toMercator(p orb.Point) orb.Point {
	lat := math.Max(-maxMercatorLat, math.Min(maxMercatorLat, p[1]))
	return orb.Point{earthRadius * p[0] * math.Pi / 180,
		earthRadius * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))}
}

func fromMercator(p orb.Point) orb.Point {
	return orb.Point{p[0] / earthRadius * 180 / math.Pi,
		(2*math.Atan(math.Exp(p[1]/earthRadius)) - math.Pi/2) * 180 / math.Pi}
}

// crsList is every CRS served, CRS84 (the default and storage CRS) first.
var crsList = []*crsDef{
	{uri: crs84, from: identity, to: identity},
	{uri: uriEPSG4326, from: swap, to: swap}, // latitude, longitude axis order
	{uri: uriEPSG3857, from: toMercator, to: fromMercator},
}

func crsURIs() []string {
	out := make([]string, len(crsList))
	for i, c := range crsList {
		out[i] = c.uri
	}
	return out
}

// parseCRS reads a CRS given as its URI, a safe CURIE ([EPSG:4326]) or a
// short form (EPSG:4326, OGC:CRS84, CRS84).
func parseCRS(param, s string) (*crsDef, error) {
	v := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "["), "]")
	switch strings.ToUpper(v) {
	case "CRS84", "OGC:CRS84", "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84":
		return crsList[0], nil
	case "EPSG:4326", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/4326":
		return crsList[1], nil
	case "EPSG:3857", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/3857":
		return crsList[2], nil
	}
	return nil, fmt.Errorf("%s %q is not supported (supported: %s)", param, s, strings.Join(crsURIs(), ", "))
}

// project returns a copy of g with every point converted by f.
func project(g orb.Geometry, f func(orb.Point) orb.Point) orb.Geometry {
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point:
		return f(g)
	case orb.MultiPoint:
		out := make(orb.MultiPoint, len(g))
		for i, p := range g {
			out[i] = f(p)
		}
		return out
	case orb.LineString:
		out := make(orb.LineString, len(g))
		for i, p := range g {
			out[i] = f(p)
		}
		return out
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, l := range g {
			out[i] = project(l, f).(orb.LineString)
		}
		return out
	case orb.Ring:
		out := make(orb.Ring, len(g))
		for i, p := range g {
			out[i] = f(p)
		}
		return out
	case orb.Polygon:
		out := make(orb.Polygon, len(g))
		for i, r := range g {
			out[i] = project(r, f).(orb.Ring)
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = project(p, f).(orb.Polygon)
		}
		return out
	case orb.Bound:
		a, b := f(g.Min), f(g.Max)
		return orb.Bound{Min: orb.Point{math.Min(a[0], b[0]), math.Min(a[1], b[1])},
			Max: orb.Point{math.Max(a[0], b[0]), math.Max(a[1], b[1])}}
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, x := range g {
			out[i] = project(x, f)
		}
		return out
	}
	return g
}

func pointOf(lon, lat float64) orb.Point { return orb.Point{lon, lat} }
