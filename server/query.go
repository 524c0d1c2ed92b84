package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// parseBBox parses "minLon,minLat,maxLon,maxLat"; empty is orb.Bound{}
// (everywhere). minLon > maxLon crosses the antimeridian.
func parseBBox(s string) (orb.Bound, error) {
	if s == "" {
		return orb.Bound{}, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return orb.Bound{}, errorf(http.StatusBadRequest, "bbox %q: want minLon,minLat,maxLon,maxLat", s)
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f != f {
			return orb.Bound{}, errorf(http.StatusBadRequest, "bbox %q: %q is not a number", s, p)
		}
		v[i] = f
	}
	return boundOf(v[:])
}

// boundOf checks and converts [minLon, minLat, maxLon, maxLat].
func boundOf(v []float64) (orb.Bound, error) {
	if len(v) != 4 {
		return orb.Bound{}, errorf(http.StatusBadRequest, "bbox: want 4 numbers, got %d", len(v))
	}
	for i, f := range v {
		lim := 180.0
		if i%2 == 1 {
			lim = 90
		}
		if f != f || f < -lim || f > lim {
			return orb.Bound{}, errorf(http.StatusBadRequest, "bbox: %g out of range", f)
		}
	}
	if v[1] > v[3] {
		return orb.Bound{}, errorf(http.StatusBadRequest, "bbox: minLat %g above maxLat %g", v[1], v[3])
	}
	if v[0] == v[2] && v[1] == v[3] {
		// A point, and 0,0,0,0 would read as "everywhere": say so.
		return orb.Bound{}, errorf(http.StatusBadRequest, "bbox: %g,%g,%g,%g has no area", v[0], v[1], v[2], v[3])
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// parseTime parses an RFC 3339 query parameter; empty is the zero time.
func parseTime(q map[string][]string, name string) (time.Time, error) {
	s := first(q, name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, errorf(http.StatusBadRequest, "%s %q is not an RFC 3339 time", name, s)
	}
	return t.UTC(), nil
}

// parseInt parses an integer query parameter in [lo, hi]; empty is def.
func parseInt(q map[string][]string, name string, def, lo, hi int) (int, error) {
	s := first(q, name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, errorf(http.StatusBadRequest, "%s %q: want an integer in %d..%d", name, s, lo, hi)
	}
	return n, nil
}

func first(q map[string][]string, name string) string {
	if v := q[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}
