package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/cql2"
	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/flight"
)

// listFilter reads the CQL2 filter of a list request (filter, with
// filter-lang cql2-text, the default, or cql2-json) against the
// properties in fields; nil when there is none.
func listFilter(q url.Values, fields []feature.Field) (cql2.Expr, error) {
	s := first(q, "filter")
	lang := first(q, "filter-lang")
	if lang != "" && lang != "cql2-text" && lang != "cql2-json" {
		return nil, errorf(http.StatusBadRequest, "filter-lang %q: want cql2-text or cql2-json", lang)
	}
	if s == "" {
		return nil, nil
	}
	var e cql2.Expr
	var err error
	if lang == "cql2-json" {
		e, err = cql2.ParseJSON([]byte(s))
	} else {
		e, err = cql2.ParseText(s)
	}
	if err == nil {
		err = cql2.Check(e, feature.Schema(fields))
	}
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "%s", cql2.Message("filter", err))
	}
	return e, nil
}

// filterLegs keeps the legs e selects, at most limit. A spatial filter
// reads each candidate's flown track.
func (s *Server) filterLegs(ctx context.Context, legs []flight.Leg, e cql2.Expr, limit int) ([]flight.Leg, error) {
	out := legs[:0]
	var trackErr error
	for i := range legs {
		l := &legs[i]
		var line orb.Geometry
		rec := feature.Record[flight.Leg]{Table: feature.Leg, V: l, Geom: func() orb.Geometry {
			if line != nil || trackErr != nil {
				return line
			}
			start, end := legSpan(l)
			pts, err := s.deps.Store.Track(ctx, l.Hex, start, end)
			if err != nil {
				trackErr = err
				return nil
			}
			line = trackGeometry(pts, orb.Point{l.LastLon, l.LastLat})
			return line
		}}
		if cql2.Eval(e, rec) {
			out = append(out, *l)
			if len(out) == limit {
				break
			}
		}
		if trackErr != nil {
			return nil, fmt.Errorf("track of leg %s: %w", l.ID, trackErr)
		}
	}
	return out, nil
}

// legSpan is the time span of a leg's track: takeoff (or first seen) to
// landing (or last seen).
func legSpan(l *flight.Leg) (start, end time.Time) {
	start, end = l.Departed, l.Arrived
	if start.IsZero() {
		start = l.FirstSeen
	}
	if end.IsZero() {
		end = l.LastSeen
	}
	return start, end
}

// filterAlerts keeps the alerts e selects, at most limit.
func filterAlerts(alerts []flight.Alert, e cql2.Expr, limit int) []flight.Alert {
	out := alerts[:0]
	for i := range alerts {
		a := &alerts[i]
		rec := feature.Record[flight.Alert]{Table: feature.Alert, V: a, Geom: func() orb.Geometry { return orb.Point{a.Lon, a.Lat} }}
		if cql2.Eval(e, rec) {
			out = append(out, *a)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}
