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

// TestLegPagesAgreeWithSort pages through random legs, many with equal
// LastSeen, and checks every page against a full sort.
func TestLegPagesAgreeWithSort(t *testing.T) {
	ctx := context.Background()
	s := New(store.Config{})
	defer s.Close()
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var all []flight.Leg
	for i := range 500 {
		l := flight.Leg{ID: fmt.Sprintf("l%03d", i), Hex: fmt.Sprintf("a%05d", r.IntN(20)), Status: flight.LegLanded,
			FirstSeen: base, LastSeen: base.Add(time.Duration(r.IntN(50)) * time.Minute)}
		if err := s.PutLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
		all = append(all, l)
	}
	query.SortLegs(all)
	for _, tc := range []struct{ offset, limit int }{{0, 1}, {0, 7}, {3, 7}, {490, 20}, {499, 5}, {500, 5}, {0, 1000}} {
		got, err := s.Legs(ctx, store.LegQuery{Offset: tc.offset, Limit: tc.limit})
		if err != nil {
			t.Fatal(err)
		}
		want := all[min(tc.offset, len(all)):min(tc.offset+tc.limit, len(all))]
		if !slices.EqualFunc(got, want, func(a, b flight.Leg) bool { return a.ID == b.ID }) {
			t.Errorf("offset %d limit %d: got %d legs, not the sorted page", tc.offset, tc.limit, len(got))
		}
	}
	got, _ := s.Legs(ctx, store.LegQuery{Offset: 10})
	if !slices.EqualFunc(got, all[10:], func(a, b flight.Leg) bool { return a.ID == b.ID }) {
		t.Error("offset without limit is not the sorted tail")
	}
	// Re-putting legs with a new LastSeen moves them in the index.
	for i := 0; i < len(all); i += 7 {
		all[i].LastSeen = all[i].LastSeen.Add(time.Duration(r.IntN(90)-45) * time.Minute)
		if err := s.PutLeg(ctx, all[i]); err != nil {
			t.Fatal(err)
		}
	}
	query.SortLegs(all)
	got, _ = s.Legs(ctx, store.LegQuery{Limit: 40, Offset: 5})
	if !slices.EqualFunc(got, all[5:45], func(a, b flight.Leg) bool { return a.ID == b.ID }) {
		t.Error("after updates the page is not the sorted page")
	}
}

// BenchmarkLegsPage reads the first page of 100 out of 1,000,000 legs.
func BenchmarkLegsPage(b *testing.B) {
	ctx := context.Background()
	s := New(store.Config{})
	defer s.Close()
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1000000 {
		at := base.Add(time.Duration(i) * time.Second)
		_ = s.PutLeg(ctx, flight.Leg{ID: fmt.Sprintf("b%05x-%d", i/50, at.Unix()), Hex: fmt.Sprintf("b%05x", i/50),
			Status: flight.LegLanded, Class: flight.ClassRemoval, FirstSeen: at, LastSeen: at.Add(time.Hour)})
	}
	for _, q := range []struct {
		name string
		q    store.LegQuery
	}{
		{"first-100", store.LegQuery{Limit: 100}},
		{"class-offset-10000", store.LegQuery{Class: flight.ClassRemoval, Offset: 10000, Limit: 100}},
	} {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if legs, err := s.Legs(ctx, q.q); err != nil || len(legs) != 100 {
					b.Fatal(len(legs), err)
				}
			}
		})
	}
}

// BenchmarkLegsPageFlying reads the first page of 100 legs while 20,000
// legs fly, each seen at its own time: after a write of 1,000 of them
// (the order of the flying legs is stale), and on a quiet store.
func BenchmarkLegsPageFlying(b *testing.B) {
	ctx := context.Background()
	s := New(store.Config{TrackLen: 10})
	load(b, s, 20000, 1)
	_, legs, _, _ := flying(20000, benchT0.Add(5*time.Second), 1)
	q := store.LegQuery{Limit: 100}
	b.Run("after-write", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			part := legs[i%20*1000 : i%20*1000+1000]
			for j := range part {
				part[j].LastSeen = part[j].LastSeen.Add(time.Second + time.Duration(j*7919%5000)*time.Millisecond)
			}
			b.StopTimer()
			if _, err := s.Write(ctx, &store.Batch{Legs: part}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if got, err := s.Legs(ctx, q); err != nil || len(got) != 100 {
				b.Fatal(len(got), err)
			}
			i++
		}
	})
	b.Run("quiet", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if got, err := s.Legs(ctx, q); err != nil || len(got) != 100 {
				b.Fatal(len(got), err)
			}
		}
	})
}
