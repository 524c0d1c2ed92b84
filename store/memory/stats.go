package memory

import (
	"context"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/stats"
	"github.com/flightwatch/flightwatch/store"
)

// count moves a stored leg's count to the key it has now: a leg counted
// before under other groups (its class or destination changed) leaves
// those, one no longer counted leaves them all.
func (h *history) count(l *flight.Leg) {
	key, ok := h.keyer.KeyOf(l)
	h.mu.Lock()
	defer h.mu.Unlock()
	old, had := h.keys[l.ID]
	if had == ok && (!ok || old == key) {
		return
	}
	if had {
		h.add(old, -1)
		delete(h.keys, l.ID)
	}
	if ok {
		h.add(key, 1)
		h.keys[l.ID] = key
	}
}

// add adds n to every counter of k; h.mu is held.
func (h *history) add(k stats.Key, n int) {
	for i, g := range k.Groups {
		days := h.counts[i]
		m := days[k.Day]
		if m == nil {
			m = map[string]int{}
			days[k.Day] = m
		}
		m[g] += n
		if m[g] <= 0 {
			delete(m, g)
			if len(m) == 0 {
				delete(days, k.Day)
			}
		}
	}
}

// Stats returns the per-day counts of q.By over q's days.
func (s *Store) Stats(ctx context.Context, q store.StatsQuery) ([]stats.DayCount, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	i := stats.Index(stats.By(q.By))
	if i < 0 {
		return nil, store.ErrUnknownGrouping
	}
	first, last := statsDays(q)
	h := s.hist
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]stats.DayCount, 0)
	for day, m := range h.counts[i] {
		if day < first || day > last {
			continue
		}
		for g, n := range m {
			out = append(out, stats.DayCount{Day: day, Group: g, Count: n})
		}
	}
	return out, nil
}

// statsDays is the inclusive range of days a stats query reads.
func statsDays(q store.StatsQuery) (first, last int64) {
	first, last = -1<<40, 1<<40
	if !q.Since.IsZero() {
		first = stats.Day(q.Since)
	}
	if !q.Until.IsZero() {
		last = stats.Day(q.Until.Add(-1))
	}
	return first, last
}
