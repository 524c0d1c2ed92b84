package memory

import (
	"context"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/legline"
	"github.com/flightwatch/flightwatch/store/internal/query"
)

// expireChunk is how many aircraft or legs one lock hold expires, so that
// ingest waits at most for one chunk.
const expireChunk = 512

// Expire removes what r allows no longer at now: track points and legs
// (with their lines and sources; their stats counts stay) a chunk at a
// time, alerts by their time, and reports a whole UTC month at a time.
func (s *Store) Expire(ctx context.Context, now time.Time, r store.Retention) (store.Expired, error) {
	var e store.Expired
	if r.Tracks > 0 {
		n, err := s.expireTracks(ctx, now.Add(-r.Tracks))
		e.TrackPoints = n
		if err != nil {
			return e, err
		}
	}
	if r.Legs > 0 {
		n, err := s.expireLegs(ctx, now.Add(-r.Legs))
		e.Legs = n
		if err != nil {
			return e, err
		}
	}
	if r.Alerts > 0 {
		e.Alerts = s.expireAlerts(now.Add(-r.Alerts))
	}
	if r.Reports > 0 {
		e.Reports = s.expireReports(now.Add(-r.Reports))
	}
	return e, ctx.Err()
}

func (s *Store) expireTracks(ctx context.Context, cut time.Time) (int, error) {
	s.trkMu.RLock()
	var old []string
	for hex, r := range s.tracks {
		if r.len() > 0 && r.time(0).Before(cut) {
			old = append(old, hex)
		}
	}
	s.trkMu.RUnlock()
	removed := 0
	for len(old) > 0 {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		n := min(expireChunk, len(old))
		s.trkMu.Lock()
		for _, hex := range old[:n] {
			r := s.tracks[hex]
			if r == nil {
				continue
			}
			removed += r.dropBefore(cut)
			if r.len() == 0 {
				delete(s.tracks, hex)
			}
		}
		s.trkMu.Unlock()
		old = old[n:]
	}
	return removed, nil
}

func (s *Store) expireLegs(ctx context.Context, cut time.Time) (int, error) {
	s.legMu.RLock()
	var old []string
	for id, e := range s.legs {
		if e.leg.LastSeen.Before(cut) {
			old = append(old, id)
		}
	}
	s.legMu.RUnlock()
	removed := 0
	for len(old) > 0 {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		n := min(expireChunk, len(old))
		s.legMu.Lock()
		for _, id := range old[:n] {
			if e, ok := s.legs[id]; ok && e.leg.LastSeen.Before(cut) {
				s.legIdx.remove(e)
				delete(s.legs, id)
				removed++
			}
		}
		s.legMu.Unlock()
		s.hist.mu.Lock()
		for _, id := range old[:n] {
			delete(s.hist.lines, id)
			delete(s.hist.sources, id)
			delete(s.hist.keys, id)
		}
		s.hist.mu.Unlock()
		old = old[n:]
	}
	return removed, nil
}

// expireAlerts drops alerts older than cut; their keys stay remembered,
// so a cause is not raised again.
func (s *Store) expireAlerts(cut time.Time) int {
	s.alertMu.Lock()
	defer s.alertMu.Unlock()
	l := &s.alerts
	keep := make([]flight.Alert, 0, len(l.alerts))
	for i := range l.alerts {
		if a := &l.alerts[(l.head+i)%len(l.alerts)]; !a.Time.Before(cut) {
			keep = append(keep, *a)
		}
	}
	removed := len(l.alerts) - len(keep)
	if removed > 0 {
		l.alerts, l.head = keep, 0
	}
	return removed
}

// expireReports drops the reports of UTC months that ended before cut,
// with their day and month aggregates.
func (s *Store) expireReports(cut time.Time) int {
	keepMonth := query.Month(query.Day(cut))
	s.repMu.Lock()
	defer s.repMu.Unlock()
	b := &s.reports
	removed := 0
	for d, list := range b.days {
		if query.Month(d) >= keepMonth {
			continue
		}
		for i := range list {
			delete(b.ids, list[i].ID)
		}
		removed += len(list)
		delete(b.days, d)
		delete(b.dirty, d)
		for _, res := range b.res {
			delete(b.aggs, aggKey{res, d})
		}
	}
	for k := range b.months {
		if k.bucket < keepMonth {
			delete(b.months, k)
		}
	}
	return removed
}

// Held counts what the store holds now.
func (s *Store) Held(ctx context.Context) (store.Held, error) {
	if err := ctx.Err(); err != nil {
		return store.Held{}, err
	}
	var h store.Held
	s.acMu.RLock()
	h.Aircraft = len(s.aircraft)
	s.acMu.RUnlock()
	s.trkMu.RLock()
	for _, r := range s.tracks {
		h.TrackPoints += r.len()
	}
	s.trkMu.RUnlock()
	s.legMu.RLock()
	h.Legs = len(s.legs)
	s.legMu.RUnlock()
	s.hist.mu.RLock()
	for _, b := range s.hist.lines {
		h.LegPoints += len(b) / legline.Size
	}
	s.hist.mu.RUnlock()
	s.alertMu.RLock()
	h.Alerts = len(s.alerts.alerts)
	s.alertMu.RUnlock()
	s.repMu.RLock()
	for _, list := range s.reports.days {
		h.Reports += len(list)
	}
	s.repMu.RUnlock()
	return h, nil
}
