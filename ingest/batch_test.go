package ingest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	"github.com/flightwatch/flightwatch/track"
)

// batchStore is a store with the optional batch writes, counting calls.
type batchStore struct {
	store.Store
	fail                          bool
	withTrack, putLegs, singleLeg int
	legsPerCall                   []int
}

func (s *batchStore) PutWithTrack(ctx context.Context, ac []flight.Aircraft, pts []flight.TrackPoint) error {
	s.withTrack++
	if s.fail {
		return fmt.Errorf("dial: %w", store.ErrUnavailable)
	}
	if err := s.Store.PutAircraft(ctx, ac); err != nil {
		return err
	}
	return s.Store.AppendTrack(ctx, pts)
}

func (s *batchStore) PutAircraft(context.Context, []flight.Aircraft) error {
	return errors.New("PutAircraft called although PutWithTrack exists")
}

func (s *batchStore) AppendTrack(context.Context, []flight.TrackPoint) error {
	return errors.New("AppendTrack called although PutWithTrack exists")
}

func (s *batchStore) PutLegs(ctx context.Context, legs []flight.Leg) error {
	s.putLegs++
	s.legsPerCall = append(s.legsPerCall, len(legs))
	for _, l := range legs {
		if err := s.Store.PutLeg(ctx, l); err != nil {
			return err
		}
	}
	return nil
}

func (s *batchStore) PutLeg(ctx context.Context, l flight.Leg) error {
	s.singleLeg++
	return s.Store.PutLeg(ctx, l)
}

func TestIngestBatchWrites(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2025, 1, 24, 15, 0, 0, 0, time.UTC)
	batch := []flight.Observation{
		obs("ae1234", t0, 30, -100),
		obs("ae1234", t0.Add(10*time.Second), 29.99, -99.99),
		obs("ae5678", t0, 20, -95),
	}
	tests := []struct {
		name    string
		fail    bool
		wantErr error
	}{
		{"stored", false, nil},
		{"store down", true, store.ErrUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.New(store.Config{})
			st := &batchStore{Store: mem, fail: tc.fail}
			tr := track.New(track.Config{}, track.Deps{Airports: geo.Airports()})
			p := New(st, memory.NewBus(), tr, Options{})
			err := p.Ingest(ctx, batch)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Ingest = %v, want %v", err, tc.wantErr)
			}
			if st.withTrack != 1 {
				t.Errorf("PutWithTrack called %d times, want 1", st.withTrack)
			}
			if tc.fail {
				return
			}
			if _, err := mem.Aircraft(ctx, "ae5678"); err != nil {
				t.Errorf("Aircraft(ae5678) = %v", err)
			}
			if pts, err := mem.Track(ctx, "ae1234", time.Time{}, time.Time{}); err != nil || len(pts) == 0 {
				t.Errorf("Track(ae1234) = %d points, %v; want the trail", len(pts), err)
			}
			legs, err := mem.Legs(ctx, store.LegQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(legs) == 0 || st.putLegs != 1 || st.singleLeg != 0 || !slices.Equal(st.legsPerCall, []int{len(legs)}) {
				t.Errorf("PutLegs calls %d with %v legs, PutLeg calls %d; want one PutLegs with the %d legs stored, no PutLeg",
					st.putLegs, st.legsPerCall, st.singleLeg, len(legs))
			}
		})
	}
}

// kindBus is a bus that can filter by kind, recording what was asked.
type kindBus struct {
	*memory.Bus
	mu    sync.Mutex
	kinds []store.EventKind
}

func (b *kindBus) SubscribeKinds(ctx context.Context, kinds ...store.EventKind) (<-chan store.Event, error) {
	b.mu.Lock()
	b.kinds = append(b.kinds, kinds...)
	b.mu.Unlock()
	return b.Bus.Subscribe(ctx)
}

// plansTracker records SetPlans calls.
type plansTracker struct {
	Tracker
	set chan int
}

func (t *plansTracker) SetPlans(plans []flight.Plan) { t.set <- len(plans) }

func TestRunSubscribesToPlansOnly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st := memory.New(store.Config{})
	bus := &kindBus{Bus: memory.NewBus()}
	tr := &plansTracker{set: make(chan int, 4)}
	p := New(st, bus, tr, Options{Tick: time.Hour})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	if n := <-tr.set; n != 0 {
		t.Fatalf("first SetPlans with %d plans, want 0", n)
	}
	if err := st.PutPlan(ctx, flight.Plan{ID: "p1", Callsign: "RCH1"}); err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(ctx, store.Event{Kind: store.EventPlans}); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-tr.set:
		if n != 1 {
			t.Errorf("SetPlans after the plans event with %d plans, want 1", n)
		}
	case <-ctx.Done():
		t.Fatal("plans not reloaded after a plans event")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	bus.mu.Lock()
	defer bus.mu.Unlock()
	if !slices.Equal(bus.kinds, []store.EventKind{store.EventPlans}) {
		t.Errorf("SubscribeKinds(%v), want plans only", bus.kinds)
	}
}
