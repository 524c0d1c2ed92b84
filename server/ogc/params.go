package ogc

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/cql2"
	"github.com/flightwatch/flightwatch/geo"
)

// parseQuery reads the items parameters of collection c; the error is the
// 400 message.
func (a *api) parseQuery(c *collection, v url.Values) (query, error) {
	q := query{limit: a.cfg.DefaultLimit, crs: crsList[0]}
	for k := range v {
		if _, prop := c.field(k); !reserved[k] && !prop {
			return q, fmt.Errorf("unknown parameter %q (allowed: bbox, bbox-crs, datetime, filter, filter-lang, filter-crs, crs, limit, offset, res, f, and the queryables of %s)", k, c.id)
		}
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, fmt.Errorf("limit %q must be a whole number >= 1", s)
		}
		q.limit = min(n, a.cfg.MaxLimit)
	}
	if s := v.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return q, fmt.Errorf("offset %q must be a whole number >= 0", s)
		}
		q.offset = n
	}
	if s := v.Get("res"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > geo.MaxRes {
			return q, fmt.Errorf("res %q must be an H3 resolution 0-15", s)
		}
		q.res = n
	}
	if s := v.Get("crs"); s != "" {
		crs, err := parseCRS("crs", s)
		if err != nil {
			return q, err
		}
		q.crs = crs
	}
	bboxCRS := crsList[0]
	if s := v.Get("bbox-crs"); s != "" {
		crs, err := parseCRS("bbox-crs", s)
		if err != nil {
			return q, err
		}
		bboxCRS = crs
	}
	if s := v.Get("bbox"); s != "" {
		b, err := parseBBox(s, bboxCRS)
		if err != nil {
			return q, err
		}
		q.bbox, q.hasBBox = b, true
	}
	if s := v.Get("datetime"); s != "" {
		start, end, err := parseDatetime(s)
		if err != nil {
			return q, err
		}
		q.start, q.end, q.hasTime = start, end, true
	}
	e, err := c.parseFilter(v)
	if err != nil {
		return q, err
	}
	q.filter, q.conj, q.spatial = e, cql2.Conjuncts(e), hasSpatial(e)
	return q, nil
}

// parseBBox reads a bbox of 4 numbers (or the 6-number 3D form, whose
// heights are ignored) in crs: minLon,minLat,maxLon,maxLat for CRS84,
// minLat,minLon,maxLat,maxLon for EPSG:4326, metres for EPSG:3857. It
// returns it in CRS84; minLon > maxLon crosses the antimeridian.
func parseBBox(s string, crs *crsDef) (orb.Bound, error) {
	return geo.ParseBBox(s, geo.BBoxSyntax{Allow3D: true, To: crs.to})
}

// parseDatetime reads an instant or an interval start/end whose ends may be
// open (".." or empty). Instants are RFC 3339 date-times or dates (a date
// stands for its whole UTC day).
func parseDatetime(s string) (start, end time.Time, err error) {
	bad := func() (time.Time, time.Time, error) {
		return time.Time{}, time.Time{}, fmt.Errorf("datetime %q must be an RFC 3339 instant or an interval start/end with .. for an open end", s)
	}
	parts := strings.Split(s, "/")
	switch len(parts) {
	case 1:
		t0, t1, ok := parseInstant(parts[0])
		if !ok {
			return bad()
		}
		return t0, t1, nil
	case 2:
		if open(parts[0]) && open(parts[1]) {
			return time.Time{}, time.Time{}, nil
		}
		if !open(parts[0]) {
			t0, _, ok := parseInstant(parts[0])
			if !ok {
				return bad()
			}
			start = t0
		}
		if !open(parts[1]) {
			_, t1, ok := parseInstant(parts[1])
			if !ok {
				return bad()
			}
			end = t1
		}
		if !start.IsZero() && !end.IsZero() && end.Before(start) {
			return time.Time{}, time.Time{}, fmt.Errorf("datetime %q: end before start", s)
		}
		return start, end, nil
	}
	return bad()
}

func open(s string) bool { return s == "" || s == ".." }

// parseInstant returns the span an instant stands for: one moment, or a
// whole day for a date.
func parseInstant(s string) (time.Time, time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), t.UTC(), true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, t.Add(24*time.Hour - time.Nanosecond), true
	}
	return time.Time{}, time.Time{}, false
}
