package feature

import (
	"context"
	"fmt"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// LegLines reads each leg's own line and its Sources, in legs order, for
// every output that draws legs. A leg with no line of its own (stored
// before the store kept lines, or by a store without history) gets the
// stretch of its aircraft's track between take-off (or first sighting)
// and landing (or last sighting). Sources are nil when the store keeps no
// history.
func LegLines(ctx context.Context, st store.Store, legs []flight.Leg) ([][]flight.TrackPoint, []Sources, error) {
	lines := make([][]flight.TrackPoint, len(legs))
	sources := make([]Sources, len(legs))
	if h, ok := st.(store.History); ok && len(legs) > 0 {
		ids := make([]string, len(legs))
		for i := range legs {
			ids[i] = legs[i].ID
		}
		got, err := h.LegLines(ctx, ids)
		if err != nil {
			return nil, nil, fmt.Errorf("leg lines: %w", err)
		}
		if len(got) != len(legs) {
			return nil, nil, fmt.Errorf("leg lines: %d lines for %d legs", len(got), len(legs))
		}
		lines = got
		src, err := h.LegSources(ctx, ids)
		if err != nil {
			return nil, nil, fmt.Errorf("leg sources: %w", err)
		}
		for i := range min(len(src), len(sources)) {
			sources[i] = src[i]
		}
	}
	for i := range legs {
		if len(lines[i]) > 0 {
			continue
		}
		l := &legs[i]
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
