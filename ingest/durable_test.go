package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	"github.com/flightwatch/flightwatch/track"
)

// flakyStore fails writes while fail is set, as an unreachable Redis
// would, and can hang them until the caller's deadline.
type flakyStore struct {
	store.Store
	fail, hang atomic.Bool
	writes     atomic.Int64
}

func (s *flakyStore) Write(ctx context.Context, b *store.Batch) ([]flight.Alert, error) {
	s.writes.Add(1)
	if s.hang.Load() {
		<-ctx.Done()
		return nil, fmt.Errorf("read: %w", ctx.Err())
	}
	if s.fail.Load() {
		return nil, fmt.Errorf("dial: %w", store.ErrUnavailable)
	}
	return s.Store.Write(ctx, b)
}

// takeoff is a planned KBIF→MGGT departure: on the ground at KBIF, then
// climbing out.
func takeoff(t0 time.Time) []flight.Observation {
	var out []flight.Observation
	for i := range 4 {
		out = append(out, flight.Observation{Hex: "ae5a01", Callsign: "RCH821", Time: t0.Add(time.Duration(i) * 10 * time.Second),
			Lat: 31.8495, Lon: -106.386 + float64(i)*0.0005, AltFt: 3946, GSKt: 10, OnGround: true,
			Has: flight.HasAlt | flight.HasGS | flight.HasGround})
	}
	for i := range 6 {
		out = append(out, flight.Observation{Hex: "ae5a01", Callsign: "RCH821", Time: t0.Add(time.Duration(60+10*i) * time.Second),
			Lat: 31.84 - float64(i)*0.02, Lon: -106.37 + float64(i)*0.02, AltFt: 5000 + float64(i)*1500, GSKt: 220, TrackDeg: 135,
			Has: flight.HasAlt | flight.HasGS | flight.HasTrack})
	}
	return out
}

func newPlanned(t *testing.T, st store.Store, now time.Time) *Pipeline {
	t.Helper()
	tr := track.New(track.Config{}, track.Deps{Airports: geo.Airports()})
	tr.SetPlans([]flight.Plan{{ID: "cbp-1", Origin: "KBIF", Destination: "MGGT", Hex: "ae5a01", Departure: now}})
	return New(st, memory.NewBus(), tr, Options{Now: func() time.Time { return now }, WriteTimeout: 200 * time.Millisecond})
}

func alertTypes(t *testing.T, st store.Store) map[flight.AlertType]int {
	t.Helper()
	as, err := st.Alerts(context.Background(), store.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[flight.AlertType]int{}
	for _, a := range as {
		m[a.Type]++
	}
	return m
}

func TestRetryAfterFailureStoresAndRaises(t *testing.T) {
	ctx := context.Background()
	t0 := time.Now().UTC().Add(-10 * time.Minute).Truncate(time.Second)
	obs := takeoff(t0)
	tests := []struct {
		name  string
		split int // the first split observations are stored before the outage
		hang  bool
	}{
		{"whole batch fails", 0, false},
		{"takeoff during outage", 4, false},
		{"hang past the deadline", 4, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.New(store.Config{})
			st := &flakyStore{Store: mem}
			p := newPlanned(t, st, t0.Add(5*time.Minute))
			if tc.split > 0 {
				if out, err := p.IngestBatch(ctx, obs[:tc.split]); err != nil || out.Stored != tc.split {
					t.Fatalf("IngestBatch(before) = %+v, %v", out, err)
				}
			}
			rest := obs[tc.split:]
			st.fail.Store(!tc.hang)
			st.hang.Store(tc.hang)
			for range 2 {
				if _, err := p.IngestBatch(ctx, rest); !errors.Is(err, store.ErrUnavailable) {
					t.Fatalf("IngestBatch(down) = %v, want ErrUnavailable", err)
				}
			}
			st.fail.Store(false)
			st.hang.Store(false)
			out, err := p.IngestBatch(ctx, rest)
			if err != nil || out.Stored != len(rest) || len(out.Ignored) != 0 {
				t.Fatalf("IngestBatch(retry) = %+v, %v; want %d stored, none ignored", out, err, len(rest))
			}
			got := alertTypes(t, mem)
			if got[flight.AlertDeparted] != 1 {
				t.Errorf("alerts after the retry = %v, want one departed", got)
			}
			pts, err := mem.Track(ctx, "ae5a01", time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			n := len(pts)
			// A retry after a success changes nothing.
			out, err = p.IngestBatch(ctx, obs)
			if err != nil || out.Stored != len(obs) {
				t.Fatalf("IngestBatch(again) = %+v, %v; want all %d counted as stored", out, err, len(obs))
			}
			pts, _ = mem.Track(ctx, "ae5a01", time.Time{}, time.Time{})
			if len(pts) != n {
				t.Errorf("track has %d points after a repeat, want %d", len(pts), n)
			}
			if got := alertTypes(t, mem); got[flight.AlertDeparted] != 1 {
				t.Errorf("alerts after a repeat = %v, want one departed", got)
			}
			legs, _ := mem.Legs(ctx, store.LegQuery{})
			if len(legs) != 1 || legs[0].Departed.IsZero() || legs[0].Plan != "cbp-1" {
				t.Errorf("legs = %+v, want one departed leg of plan cbp-1", legs)
			}
		})
	}
}

func TestLateJumpAndStale(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	mem := memory.New(store.Config{})
	tr := track.New(track.Config{}, track.Deps{Airports: geo.Airports()})
	p := New(mem, memory.NewBus(), tr, Options{Now: func() time.Time { return now }})
	batch := []flight.Observation{
		obs("ae1234", now.Add(-20*time.Second), 30, -100),
		obs("ae1234", now.Add(-10*time.Second), 29.99, -99.99),
		obs("ae1234", now.Add(-15*time.Second), 29.995, -99.995), // late: history only
		obs("ae1234", now.Add(-5*time.Second), 40, -99.99),       // 10° in 5 s: a jump
		obs("ae9999", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 20, -95),
	}
	out, err := p.IngestBatch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if out.Stored != 4 || len(out.Ignored) != 1 || out.Ignored[0].Index != 3 {
		t.Fatalf("outcome = %+v, want 4 stored and line index 3 ignored", out)
	}
	if want := "position jump"; len(out.Ignored[0].Reason) < len(want) || out.Ignored[0].Reason[:len(want)] != want {
		t.Errorf("reason = %q, want a position jump", out.Ignored[0].Reason)
	}
	a, err := mem.Aircraft(ctx, "ae1234")
	if err != nil || !a.Time.Equal(now.Add(-10*time.Second)) {
		t.Errorf("live ae1234 = %v, %v; want the fix of %v (the late one does not move it)", a.Time, err, now.Add(-10*time.Second))
	}
	pts, _ := mem.Track(ctx, "ae1234", time.Time{}, time.Time{})
	found := false
	for _, pt := range pts {
		found = found || pt.Time.Equal(now.Add(-15*time.Second))
	}
	if !found {
		t.Errorf("late fix not in the track %v", pts)
	}
	if _, err := mem.Aircraft(ctx, "ae9999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a fix from 2020 is live: %v", err)
	}
	if pts, _ := mem.Track(ctx, "ae9999", time.Time{}, time.Time{}); len(pts) != 1 {
		t.Errorf("the 2020 fix has %d track points, want 1 (history kept)", len(pts))
	}
}

func TestTickKeepsAlertsUntilStored(t *testing.T) {
	ctx := context.Background()
	mem := memory.New(store.Config{})
	st := &flakyStore{Store: mem}
	due := time.Now().UTC().Add(-2 * time.Hour)
	tr := track.New(track.Config{}, track.Deps{Airports: geo.Airports()})
	tr.SetPlans([]flight.Plan{{ID: "mx-1", Origin: "KBIF", Destination: "MMMX", Callsign: "RCH999", Departure: due}})
	p := New(st, memory.NewBus(), tr, Options{})
	st.fail.Store(true)
	p.tick(ctx)
	if got := alertTypes(t, mem); got[flight.AlertNotDeparted] != 0 {
		t.Fatalf("stored %v while the store was down", got)
	}
	st.fail.Store(false)
	p.tick(ctx)
	if got := alertTypes(t, mem); got[flight.AlertNotDeparted] != 1 {
		t.Errorf("alerts after the store came back = %v, want one not_departed", got)
	}
}
