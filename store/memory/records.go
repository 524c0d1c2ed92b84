package memory

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
)

// PutLeg stores a leg, replacing one with the same ID.
func (s *Store) PutLeg(ctx context.Context, leg flight.Leg) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	leg = utcLeg(leg)
	s.legMu.Lock()
	s.putLegLocked(&leg)
	s.legMu.Unlock()
	s.hist.count(&leg)
	return nil
}

// putLegLocked stores leg (in UTC) and makes it hot in the leg index;
// the caller holds legMu.
func (s *Store) putLegLocked(leg *flight.Leg) {
	e, ok := s.legs[leg.ID]
	if !ok {
		e = &legEntry{}
		s.legs[leg.ID] = e
	}
	s.legIdx.put(e, !ok, leg)
}

func utcLeg(leg flight.Leg) flight.Leg {
	leg.Departed, leg.Arrived = utc(leg.Departed), utc(leg.Arrived)
	leg.FirstSeen, leg.LastSeen = utc(leg.FirstSeen), utc(leg.LastSeen)
	if leg.Tags != nil {
		leg.Tags = slices.Clone(leg.Tags)
	}
	return leg
}

// utc returns t in UTC, keeping the zero time zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// Legs returns the legs q selects, newest LastSeen first.
func (s *Store) Legs(ctx context.Context, q store.LegQuery) ([]flight.Leg, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if q.Limit > 0 {
		return s.legPage(q), nil
	}
	return s.legsSorted(q), nil
}

// PutPlan stores a plan, replacing one with the same ID.
func (s *Store) PutPlan(ctx context.Context, p flight.Plan) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.Departure = utc(p.Departure)
	s.legMu.Lock()
	s.plans[p.ID] = p
	s.legMu.Unlock()
	return nil
}

// DeletePlan removes a plan; store.ErrNotFound when there was none.
func (s *Store) DeletePlan(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.legMu.Lock()
	defer s.legMu.Unlock()
	if _, ok := s.plans[id]; !ok {
		return store.ErrNotFound
	}
	delete(s.plans, id)
	return nil
}

// Plans returns every plan ordered by ID.
func (s *Store) Plans(ctx context.Context) ([]flight.Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.legMu.RLock()
	out := make([]flight.Plan, 0, len(s.plans))
	for _, p := range s.plans {
		out = append(out, p)
	}
	s.legMu.RUnlock()
	slices.SortFunc(out, func(a, b flight.Plan) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// alertLog keeps the newest alerts in a ring, and the keys of more alerts
// than that in a second ring, for deduplication.
type alertLog struct {
	alerts  []flight.Alert // ring, oldest at head once full
	head    int
	max     int
	keys    map[string]struct{}
	keyRing []string
	keyHead int
	maxKeys int
}

func newAlertLog(n int) alertLog {
	return alertLog{max: n, keys: make(map[string]struct{}), maxKeys: n * query.AlertKeys}
}

func (l *alertLog) add(a flight.Alert) {
	if len(l.alerts) < l.max {
		l.alerts = append(l.alerts, a)
	} else {
		l.alerts[l.head] = a
		l.head = (l.head + 1) % l.max
	}
	l.keys[a.Key] = struct{}{}
	if len(l.keyRing) < l.maxKeys {
		l.keyRing = append(l.keyRing, a.Key)
		return
	}
	delete(l.keys, l.keyRing[l.keyHead])
	l.keyRing[l.keyHead] = a.Key
	l.keyHead = (l.keyHead + 1) % l.maxKeys
}

// AddAlert stores a unless an alert with the same Key is stored, and
// assigns a.ID when empty.
func (s *Store) AddAlert(ctx context.Context, a *flight.Alert) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.alertMu.Lock()
	defer s.alertMu.Unlock()
	return s.addAlertLocked(a), nil
}

// addAlertLocked is AddAlert with alertMu held: the alert goes into the
// log and the outbox.
func (s *Store) addAlertLocked(a *flight.Alert) bool {
	if _, dup := s.alerts.keys[a.Key]; dup {
		return false
	}
	if a.ID == "" {
		a.ID = s.ids.Next(time.Now())
	}
	c := *a
	c.Time = utc(c.Time)
	s.alerts.add(c)
	s.out.add(c)
	return true
}

// Alerts returns the alerts q selects, most recently stored first.
func (s *Store) Alerts(ctx context.Context, q store.AlertQuery) ([]flight.Alert, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.alertMu.RLock()
	defer s.alertMu.RUnlock()
	l := &s.alerts
	out := make([]flight.Alert, 0)
	skip := q.Offset
	for i := len(l.alerts) - 1; i >= 0; i-- {
		a := &l.alerts[(l.head+i)%len(l.alerts)]
		if query.AlertMatches(q, a) {
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, *a)
			if q.Limit > 0 && len(out) == q.Limit {
				break
			}
		}
	}
	return out, nil
}
