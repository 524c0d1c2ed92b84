package memory

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
)

var _ store.Store = (*Store)(nil)

// Store keeps everything in memory. The zero Store is not usable; call New.
type Store struct {
	cfg store.Config

	acMu     sync.RWMutex
	aircraft []flight.Aircraft // dense, for quick scans
	index    map[string]int    // hex -> position in aircraft

	trkMu  sync.RWMutex
	tracks map[string]*ring

	legMu  sync.RWMutex
	legs   map[string]*legEntry
	legIdx legIndex // legs, newest first
	plans  map[string]flight.Plan

	alertMu sync.RWMutex
	alerts  alertLog
	ids     query.IDs

	repMu   sync.RWMutex
	reports reportBook

	hist *history // leg lines, sources and stats counters (legline.go)
	out  outbox
}

// New returns an empty store configured by cfg (zero fields take the
// store.Config defaults).
func New(cfg store.Config) *Store {
	cfg = cfg.WithDefaults()
	return &Store{
		cfg:     cfg,
		index:   make(map[string]int),
		tracks:  make(map[string]*ring),
		legs:    make(map[string]*legEntry),
		plans:   make(map[string]flight.Plan),
		alerts:  newAlertLog(cfg.AlertLen),
		reports: newReportBook(cfg.ReportRes),
		hist:    newHistory(cfg.Keyer),
		out:     newOutbox(cfg.AlertLen),
	}
}

// Config returns the configuration in use, defaults applied.
func (s *Store) Config() store.Config { return s.cfg }

// PutAircraft stores the latest state of each aircraft.
func (s *Store) PutAircraft(ctx context.Context, batch []flight.Aircraft) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.acMu.Lock()
	s.putLocked(batch)
	s.acMu.Unlock()
	return nil
}

// putLocked is PutAircraft with acMu held.
func (s *Store) putLocked(batch []flight.Aircraft) {
	for i := range batch {
		a := batch[i]
		a.Time = a.Time.UTC()
		if a.Tags != nil {
			a.Tags = slices.Clone(a.Tags)
		}
		if i, ok := s.index[a.Hex]; ok {
			s.aircraft[i] = a
			continue
		}
		s.index[a.Hex] = len(s.aircraft)
		s.aircraft = append(s.aircraft, a)
	}
}

// Aircraft returns one aircraft's state, or store.ErrNotFound.
func (s *Store) Aircraft(ctx context.Context, hex string) (flight.Aircraft, error) {
	if err := ctx.Err(); err != nil {
		return flight.Aircraft{}, err
	}
	s.acMu.RLock()
	defer s.acMu.RUnlock()
	i, ok := s.index[hex]
	if !ok {
		return flight.Aircraft{}, store.ErrNotFound
	}
	return s.aircraft[i], nil
}

// AircraftIn returns the aircraft inside bbox (everywhere when empty). It
// filters every aircraft; a linear pass over tens of thousands of
// positions is quicker than any index lookup.
func (s *Store) AircraftIn(ctx context.Context, bbox orb.Bound) ([]flight.Aircraft, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.acMu.RLock()
	defer s.acMu.RUnlock()
	if bbox == (orb.Bound{}) {
		return append(make([]flight.Aircraft, 0, len(s.aircraft)), s.aircraft...), nil
	}
	n := 0
	for i := range s.aircraft {
		if geo.InBound(bbox, orb.Point{s.aircraft[i].Lon, s.aircraft[i].Lat}) {
			n++
		}
	}
	out := make([]flight.Aircraft, 0, n)
	for i := range s.aircraft {
		if geo.InBound(bbox, orb.Point{s.aircraft[i].Lon, s.aircraft[i].Lat}) {
			out = append(out, s.aircraft[i])
		}
	}
	return out, nil
}

// RemoveAircraft deletes the aircraft whose last observation is older than
// before and returns their hexes. Track history stays.
func (s *Store) RemoveAircraft(ctx context.Context, before time.Time) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cut := before.UnixMicro()
	var gone []string
	s.acMu.Lock()
	for i := 0; i < len(s.aircraft); {
		a := &s.aircraft[i]
		if a.Time.UnixMicro() >= cut {
			i++
			continue
		}
		gone = append(gone, a.Hex)
		delete(s.index, a.Hex)
		last := len(s.aircraft) - 1
		if i != last {
			s.aircraft[i] = s.aircraft[last]
			s.index[s.aircraft[i].Hex] = i
		}
		s.aircraft[last] = flight.Aircraft{}
		s.aircraft = s.aircraft[:last]
	}
	s.acMu.Unlock()
	slices.Sort(gone)
	return gone, nil
}

// Ping always succeeds unless ctx is done.
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

// Close does nothing; the store stays usable.
func (s *Store) Close() error { return nil }
