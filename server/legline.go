package server

import (
	"context"
	"fmt"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// legLines returns each leg's own line and the feeds that saw it. A leg
// with no line of its own (stored before the store kept lines, or by a
// store without history) gets the stretch of its aircraft's track between
// take-off (or first sighting) and landing (or last sighting).
func legLines(ctx context.Context, st store.Store, legs []flight.Leg) ([][]flight.TrackPoint, [][]store.SourceSeen, error) {
	ids := make([]string, len(legs))
	for i := range legs {
		ids[i] = legs[i].ID
	}
	lines := make([][]flight.TrackPoint, len(legs))
	sources := make([][]store.SourceSeen, len(legs))
	if h, ok := st.(store.History); ok && len(legs) > 0 {
		var err error
		if lines, err = h.LegLines(ctx, ids); err != nil {
			return nil, nil, fmt.Errorf("leg lines: %w", err)
		}
		if sources, err = h.LegSources(ctx, ids); err != nil {
			return nil, nil, fmt.Errorf("leg sources: %w", err)
		}
	}
	for i, l := range legs {
		if len(lines[i]) > 0 {
			continue
		}
		start, end := l.Departed, l.Arrived
		if start.IsZero() {
			start = l.FirstSeen
		}
		if end.IsZero() {
			end = l.LastSeen
		}
		pts, err := st.Track(ctx, l.Hex, start, end)
		if err != nil {
			return nil, nil, fmt.Errorf("track of leg %s: %w", l.ID, err)
		}
		lines[i] = pts
	}
	return lines, sources, nil
}

// sourceProps are a leg's provenance properties: the feeds that saw it
// (first and last time, positions each) and its positions in all.
func sourceProps(list []store.SourceSeen) []kv {
	n := 0
	for _, s := range list {
		n += s.Positions
	}
	if list == nil {
		list = []store.SourceSeen{}
	}
	return []kv{{"sources", list}, {"positions", n}}
}

// appendSources appends list as a JSON array of source objects.
func appendSources(b []byte, list []store.SourceSeen) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"source":`...)
		b = appendQuoted(b, s.Source)
		b = append(b, `,"first":`...)
		b = appendValue(b, s.First)
		b = append(b, `,"last":`...)
		b = appendValue(b, s.Last)
		b = append(b, `,"positions":`...)
		b = appendValue(b, s.Positions)
		b = append(b, '}')
	}
	return append(b, ']')
}
