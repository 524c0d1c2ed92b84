package memory

import (
	"container/heap"
	"slices"
	"strings"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
)

// legKey is the sort key of a leg: newest LastSeen (to the microsecond)
// first, then ID descending, as query.SortLegs orders.
type legKey struct {
	micro int64
	id    string
}

// before reports whether a sorts before b.
func (a legKey) before(b legKey) bool {
	if a.micro != b.micro {
		return a.micro > b.micro
	}
	return strings.Compare(a.id, b.id) > 0
}

// worstFirst is a heap of the best legs seen so far whose root is the
// one that sorts last, so that a better leg replaces it.
type worstFirst []legKey

func (h worstFirst) Len() int           { return len(h) }
func (h worstFirst) Less(i, j int) bool { return h[j].before(h[i]) }
func (h worstFirst) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *worstFirst) Push(x any)        { *h = append(*h, x.(legKey)) }
func (h *worstFirst) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// legPage answers a query with a Limit from the front of the leg index;
// when the index is out of step with the legs it keeps the Offset+Limit
// first keys in a heap while scanning every leg, then copies only the
// legs of the page.
func (s *Store) legPage(q store.LegQuery) []flight.Leg {
	s.legMu.RLock()
	defer s.legMu.RUnlock()
	skip := max(q.Offset, 0)
	page := make([]flight.Leg, 0, min(q.Limit, 1024))
	if s.walk(q, func(id string) bool {
		if skip > 0 {
			skip--
			return true
		}
		page = append(page, s.legs[id])
		return len(page) < q.Limit
	}) {
		return page
	}
	k := max(q.Offset, 0) + q.Limit
	h := make(worstFirst, 0, min(k, 1024))
	for _, leg := range s.legs {
		if !query.LegMatches(q, &leg) {
			continue
		}
		key := legKey{micro: leg.LastSeen.UnixMicro(), id: leg.ID}
		if len(h) < k {
			heap.Push(&h, key)
		} else if key.before(h[0]) {
			h[0] = key
			heap.Fix(&h, 0)
		}
	}
	// pop worst first into the back of the sorted slice
	keys := make([]legKey, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		keys[i] = heap.Pop(&h).(legKey)
	}
	keys = keys[min(max(q.Offset, 0), len(keys)):]
	out := make([]flight.Leg, 0, len(keys))
	for _, key := range keys {
		out = append(out, s.legs[key.id])
	}
	return out
}

// legsSorted answers a query without a Limit in the order of the leg
// index, or, when the index is out of step, by sorting the keys of the
// matches (not the legs themselves) and copying the legs in order.
func (s *Store) legsSorted(q store.LegQuery) []flight.Leg {
	s.legMu.RLock()
	defer s.legMu.RUnlock()
	skip := max(q.Offset, 0)
	all := make([]flight.Leg, 0)
	if s.walk(q, func(id string) bool {
		if skip > 0 {
			skip--
		} else {
			all = append(all, s.legs[id])
		}
		return true
	}) {
		return all
	}
	keys := make([]legKey, 0)
	for _, leg := range s.legs {
		if query.LegMatches(q, &leg) {
			keys = append(keys, legKey{micro: leg.LastSeen.UnixMicro(), id: leg.ID})
		}
	}
	slices.SortFunc(keys, func(a, b legKey) int {
		switch {
		case a.before(b):
			return -1
		case b.before(a):
			return 1
		}
		return 0
	})
	keys = keys[min(max(q.Offset, 0), len(keys)):]
	out := make([]flight.Leg, len(keys))
	for i, key := range keys {
		out[i] = s.legs[key.id]
	}
	return out
}
