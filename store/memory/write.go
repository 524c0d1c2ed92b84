package memory

import (
	"context"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// Write stores the batch under every lock it needs at once (aircraft,
// track, legs, alerts, always in that order), so that no reader sees part
// of it.
func (s *Store) Write(ctx context.Context, b *store.Batch) ([]flight.Alert, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b == nil || b.Empty() {
		return nil, nil
	}
	s.acMu.Lock()
	defer s.acMu.Unlock()
	s.trkMu.Lock()
	defer s.trkMu.Unlock()
	s.legMu.Lock()
	defer s.legMu.Unlock()
	s.alertMu.Lock()
	defer s.alertMu.Unlock()
	s.putLocked(b.Aircraft)
	s.appendLocked(b.Track)
	for _, l := range b.Legs {
		l = utcLeg(l)
		s.putLegLocked(&l)
		s.hist.count(&l)
	}
	s.appendLegLines(b.LegLines)
	var added []flight.Alert
	for i := range b.Alerts {
		a := b.Alerts[i]
		if s.addAlertLocked(&a) {
			added = append(added, a)
		}
	}
	return added, nil
}
