package ingest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	"github.com/flightwatch/flightwatch/track"
)

func obs(hex string, t time.Time, lat, lon float64) flight.Observation {
	return flight.Observation{Hex: hex, Time: t, Lat: lat, Lon: lon, AltFt: 30000, GSKt: 450, TrackDeg: 135,
		Has: flight.HasAlt | flight.HasGS | flight.HasTrack}
}

func TestIngestStoresAndPublishes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := memory.New(store.Config{})
	bus := memory.NewBus()
	events, err := bus.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tr := track.New(track.Config{}, track.Deps{Airports: geo.Airports()})
	p := New(st, bus, tr, Options{Instance: "i1"})
	t0 := time.Now().UTC().Add(-30 * time.Second)
	batch := []flight.Observation{
		obs("ae1234", t0, 30, -100),
		obs("ae1234", t0.Add(10*time.Second), 29.99, -99.99),
		obs("ae1234", t0.Add(5*time.Second), 29.995, -99.995), // older than the newest: history only
		obs("ae5678", t0, 20, -95),
	}
	if err := p.Ingest(ctx, batch); err != nil {
		t.Fatal(err)
	}
	a, err := st.Aircraft(ctx, "ae1234")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Time.Equal(t0.Add(10 * time.Second)) {
		t.Errorf("stored time = %v, want the newest %v", a.Time, t0.Add(10*time.Second))
	}
	select {
	case e := <-events:
		if e.Kind != store.EventAircraft || e.Source != "i1" || len(e.Aircraft) != 2 {
			t.Errorf("event = %s from %q with %d aircraft, want aircraft from i1 with 2", e.Kind, e.Source, len(e.Aircraft))
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no event published")
	}
	pts, err := st.Track(ctx, "ae1234", time.Time{}, time.Time{})
	if err != nil || len(pts) == 0 {
		t.Fatalf("Track = %d points, %v; want the trail", len(pts), err)
	}
}

// downStore fails every write as an unreachable Redis would.
type downStore struct{ store.Store }

func (downStore) Write(context.Context, *store.Batch) ([]flight.Alert, error) {
	return nil, fmt.Errorf("dial: %w", store.ErrUnavailable)
}

func TestIngestUnavailable(t *testing.T) {
	ctx := context.Background()
	bus := memory.NewBus()
	events, _ := bus.Subscribe(ctx)
	p := New(downStore{memory.New(store.Config{})}, bus, nil, Options{})
	err := p.Ingest(ctx, []flight.Observation{obs("ae1234", time.Now(), 30, -100)})
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Ingest = %v, want ErrUnavailable", err)
	}
	select {
	case e := <-events:
		t.Errorf("published %s although nothing was stored", e.Kind)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestIngestReportsOnce(t *testing.T) {
	ctx := context.Background()
	st := memory.New(store.Config{})
	p := New(st, memory.NewBus(), nil, Options{})
	r := flight.Report{ID: "r1", Time: time.Date(2025, 1, 23, 12, 0, 0, 0, time.UTC), Lat: 40.73, Lon: -74.17, Count: 3}
	for i, want := range []int{1, 0} {
		added, err := p.IngestReports(ctx, []flight.Report{r})
		if err != nil || added != want {
			t.Errorf("IngestReports #%d = %d, %v; want %d", i+1, added, err, want)
		}
	}
}

func TestTickRemovesStale(t *testing.T) {
	ctx := context.Background()
	st := memory.New(store.Config{})
	bus := memory.NewBus()
	events, _ := bus.Subscribe(ctx)
	now := time.Date(2025, 1, 24, 15, 0, 0, 0, time.UTC)
	p := New(st, bus, nil, Options{StaleAfter: time.Minute, Now: func() time.Time { return now }})
	if err := p.Ingest(ctx, []flight.Observation{obs("ae1234", now.Add(-30*time.Second), 30, -100)}); err != nil {
		t.Fatal(err)
	}
	<-events
	now = now.Add(time.Minute)
	p.tick(ctx)
	if _, err := st.Aircraft(ctx, "ae1234"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stale aircraft still stored: %v", err)
	}
	select {
	case e := <-events:
		if e.Kind != store.EventRemove || len(e.Removed) != 1 {
			t.Errorf("event %s %v, want remove of ae1234", e.Kind, e.Removed)
		}
	case <-time.After(time.Second):
		t.Error("no remove event")
	}
}
