package memory

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
)

// TestLegIndexAgreesWithSort stores legs as a tracker does (flying legs
// again and again with a newer LastSeen, some late, some new, some with
// equal times) interleaved with expiry, with a short hot span so that
// legs move between the tiers, and checks every query against a
// brute-force filter and sort of what should be stored.
func TestLegIndexAgreesWithSort(t *testing.T) {
	ctx := context.Background()
	s := New(store.Config{})
	s.legIdx.span = (20 * time.Second).Microseconds()
	r := rand.New(rand.NewPCG(3, 4))
	t0 := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	model := map[string]flight.Leg{}
	statuses := []flight.LegStatus{flight.LegAirborne, flight.LegLanded, flight.LegTaxi}
	classes := []flight.Class{"", flight.ClassRemoval}
	now := t0
	var ids []string
	randomQuery := func() store.LegQuery {
		var q store.LegQuery
		if r.IntN(4) == 0 {
			q.Status = statuses[r.IntN(len(statuses))]
		}
		if r.IntN(6) == 0 {
			q.Hex = fmt.Sprintf("c%05d", r.IntN(30))
		}
		if r.IntN(5) == 0 {
			q.Class = flight.ClassRemoval
		}
		if r.IntN(3) == 0 {
			q.Since = now.Add(-time.Duration(r.IntN(300)) * time.Second)
		}
		if r.IntN(5) == 0 {
			q.Until = now.Add(-time.Duration(r.IntN(600)) * time.Second)
		}
		if r.IntN(3) > 0 {
			q.Limit = 1 + r.IntN(30)
		}
		if r.IntN(3) == 0 {
			q.Offset = r.IntN(40)
		}
		return q
	}
	check := func(step int, q store.LegQuery) {
		t.Helper()
		var want []flight.Leg
		for _, l := range model {
			if query.LegMatches(q, &l) {
				want = append(want, l)
			}
		}
		query.SortLegs(want)
		want = want[min(q.Offset, len(want)):]
		if q.Limit > 0 {
			want = want[:min(q.Limit, len(want))]
		}
		got, err := s.Legs(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, want, func(a, b flight.Leg) bool { return a.ID == b.ID && a.LastSeen.Equal(b.LastSeen) }) {
			t.Fatalf("step %d: Legs(%+v) = %v\nwant %v", step, q, legIDs(got), legIDs(want))
		}
	}
	for step := range 1200 {
		now = now.Add(time.Duration(r.IntN(2000)) * time.Millisecond)
		var batch []flight.Leg
		for range 1 + r.IntN(8) {
			var l flight.Leg
			switch {
			case len(ids) == 0 || r.IntN(10) == 0: // a new leg
				hex := fmt.Sprintf("c%05d", r.IntN(30))
				l = flight.Leg{ID: fmt.Sprintf("%s-%d", hex, step), Hex: hex, FirstSeen: now, Class: classes[r.IntN(2)]}
				ids = append(ids, l.ID)
			default:
				l = model[ids[r.IntN(len(ids))]]
				if l.ID == "" { // expired: stored again
					l = flight.Leg{ID: ids[r.IntN(len(ids))], FirstSeen: now.Add(-time.Hour)}
					l.Hex = legHex(l.ID)
				}
			}
			l.Status = statuses[r.IntN(len(statuses))]
			switch r.IntN(10) {
			case 0: // late or replayed
				l.LastSeen = now.Add(-time.Duration(r.IntN(600)) * time.Second)
			case 1: // the same instant as others
				l.LastSeen = now.Truncate(time.Second)
			default:
				l.LastSeen = now.Add(-time.Duration(r.IntN(3000)) * time.Millisecond)
			}
			batch = append(batch, l)
		}
		if r.IntN(2) == 0 {
			for _, l := range batch {
				if err := s.PutLeg(ctx, l); err != nil {
					t.Fatal(err)
				}
			}
		} else if _, err := s.Write(ctx, &store.Batch{Legs: batch}); err != nil {
			t.Fatal(err)
		}
		for _, l := range batch {
			model[l.ID] = l
		}
		if r.IntN(50) == 0 {
			keep := time.Duration(60+r.IntN(600)) * time.Second
			e, err := s.Expire(ctx, now, store.Retention{Legs: keep})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for id, l := range model {
				if l.LastSeen.Before(now.Add(-keep)) {
					delete(model, id)
					n++
				}
			}
			if e.Legs != n {
				t.Fatalf("step %d: Expire removed %d legs, want %d", step, e.Legs, n)
			}
		}
		q := randomQuery()
		check(step, q) // right after a write: the hot order is stale
		check(step, q) // again, from the sorted hot order
		check(step, store.LegQuery{Limit: 1 + r.IntN(3)})
	}
	if len(s.legIdx.hot) == 0 || len(s.legIdx.hot) == len(model) {
		t.Errorf("%d hot legs of %d: the test did not use both tiers", len(s.legIdx.hot), len(model))
	}
	if h, _ := s.Held(ctx); h.Legs != len(model) {
		t.Errorf("Held().Legs = %d, want %d", h.Legs, len(model))
	}
}

func legIDs(legs []flight.Leg) []string {
	out := make([]string, len(legs))
	for i := range legs {
		out[i] = legs[i].ID + "@" + legs[i].LastSeen.Format("15:04:05.000")
	}
	return out
}
