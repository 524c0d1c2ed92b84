package memory

import (
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// legPage answers a query with a Limit from the front of the leg index.
func (s *Store) legPage(q store.LegQuery) []flight.Leg {
	s.legMu.RLock()
	defer s.legMu.RUnlock()
	skip := max(q.Offset, 0)
	page := make([]flight.Leg, 0, min(q.Limit, 1024))
	s.legIdx.walk(q, skip+q.Limit, func(l *flight.Leg) bool {
		if skip > 0 {
			skip--
			return true
		}
		page = append(page, *l)
		return len(page) < q.Limit
	})
	return page
}

// legsSorted answers a query without a Limit in the order of the leg
// index.
func (s *Store) legsSorted(q store.LegQuery) []flight.Leg {
	s.legMu.RLock()
	defer s.legMu.RUnlock()
	skip := max(q.Offset, 0)
	all := make([]flight.Leg, 0)
	s.legIdx.walk(q, 0, func(l *flight.Leg) bool {
		if skip > 0 {
			skip--
		} else {
			all = append(all, *l)
		}
		return true
	})
	return all
}
