package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/geo"
)

// parseBBox parses "minLon,minLat,maxLon,maxLat" with geo.ParseBBox;
// empty is orb.Bound{} (everywhere). minLon > maxLon crosses the
// antimeridian. A box without area is refused: 0,0,0,0 would read as
// everywhere.
func parseBBox(s string) (orb.Bound, error) {
	b, err := geo.ParseBBox(s, geo.BBoxSyntax{})
	if err != nil {
		return orb.Bound{}, errorf(http.StatusBadRequest, "%s", err)
	}
	if s != "" && b.Min == b.Max {
		return orb.Bound{}, errorf(http.StatusBadRequest, "bbox %q has no area", s)
	}
	return b, nil
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
